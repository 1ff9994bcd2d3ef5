//! UI-PRMD Kinect text (`ui-prmd`).
//!
//! The Kinect part of UI-PRMD (Vakanski et al., "A Data Set of Human Body Movements for
//! Physical Rehabilitation Exercises", Data 3(1):2, 2018): one repetition per file,
//! `mMM_sSS_eEE_positions[_inc].txt`, comma-separated, no header, one row per frame at 30 Hz,
//! 66 values = 22 joints x 3 in the order of `known::UI_PRMD_22`.
//!
//! **Positions are relative.** Row 1 (waist) is in the sensor frame; every other joint is an
//! offset from its parent, expressed in the parent's rotated frame. The matching file in the
//! sibling `Angles` folder (`.../Positions/m01_s01_e01_positions.txt` ->
//! `.../Angles/m01_s01_e01_angles.txt`, same for `_inc`, gzip or plain) holds three Euler
//! angles per joint in degrees, stored in the order (x, y, z). Absolute positions are rebuilt
//! down the tree, parents first:
//!
//! ```text
//! R_local(j)  = Rz(z) * Rx(x) * Ry(y)
//! R_global(j) = R_global(parent) * R_local(j)          (R_global(waist) = R_local(waist))
//! abs(j)      = R_global(parent) * rel(j) + abs(parent)  (abs(waist) = rel(waist))
//! ```
//!
//! This convention is the one that keeps the feet planted: over the deep squat, side lunge
//! and sit-to-stand repetitions of subject s03 the standard deviation of ankle height is
//! 1.7-4.4 cm, against 11-23 cm with the `Rz * Ry * Rx` order of the authors' description
//! (checked on the data, `../shared/data/README.md` "Which convention reconstructs
//! plausibly", and asserted in `tests/kinect_text.rs`). Units are centimetres, +y up.

use crate::error::{FormatError, Result};
use crate::text::{self, Separator};
use crate::{Input, Reader};
use relearn_core::skeleton::known;
use relearn_core::{
    LengthUnit, Mat3, PositionTable, Recording, SignedAxis, Skeleton, SourceInfo, Vec3,
};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Frame rate of the UI-PRMD Kinect recordings in Hz (Kinect v2, Vakanski et al. 2018).
pub const UI_PRMD_RATE_HZ: f64 = 30.0;

/// Joints per frame.
const JOINTS: usize = known::UI_PRMD_22.len();
/// Values per row: 22 joints x 3.
const COLUMNS: usize = JOINTS * 3;
const POSITIONS_LAYOUT: &str = "22 joints x (x, y, z) relative to the parent joint";
const ANGLES_LAYOUT: &str = "22 joints x Euler angles (x, y, z) in degrees";

/// Reader of UI-PRMD Kinect `Positions` files; finds the matching `Angles` file itself and
/// returns absolute joint positions (centimetres, +y up, 30 Hz, skeleton `ui-prmd-22`).
#[derive(Debug, Clone, Copy, Default)]
pub struct UiPrmdReader;

impl Reader for UiPrmdReader {
    fn id(&self) -> &'static str {
        "ui-prmd"
    }

    fn description(&self) -> &'static str {
        "UI-PRMD Kinect positions (mMM_sSS_eEE_positions.txt) with the sibling Angles file: \
         22 joints, centimetres, 30 Hz"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        if text::is_c3d_or_trc(head) {
            return 0;
        }
        let fits = text::head_lines(head)
            .first()
            .and_then(|l| text::numeric_fields(l, Separator::Comma))
            .is_some_and(|v| v.len() == COLUMNS);
        let lower = name.to_ascii_lowercase();
        let txt = lower.ends_with(".txt");
        match (
            fits,
            txt && lower.contains("_positions"),
            txt && lower.contains("_angles"),
        ) {
            (true, true, _) => 95,
            // An Angles file: claim it so that the reader can say to open the Positions file.
            (true, false, true) => 50,
            (true, false, false) => 60,
            // A UI-PRMD name with unreadable content: let the reader say what is wrong.
            (false, true, _) => 20,
            (false, false, _) => 0,
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        if input.name().to_ascii_lowercase().contains("_angles") {
            return Err(FormatError::new(
                &path,
                None,
                "this is a UI-PRMD Angles file; read the matching Positions file \
                 (mMM_sSS_eEE_positions.txt), which finds its Angles file by itself",
            ));
        }
        let relative = read_table(input.reader, &path, POSITIONS_LAYOUT)?;
        let (angles_path, mut angles_reader) = open_angles(input)?;
        let angles_str = angles_path.display().to_string();
        let angles = read_table(&mut *angles_reader, &angles_str, ANGLES_LAYOUT)?;
        let frames = relative.len() / COLUMNS;
        let angle_frames = angles.len() / COLUMNS;
        if frames != angle_frames {
            return Err(FormatError::new(
                &path,
                None,
                format!(
                    "{frames} frames of positions but {angle_frames} frames of angles in \
                     {angles_str}; expected the same number (one angle row per position row)"
                ),
            ));
        }
        let skeleton = Skeleton::with_exact_landmarks("ui-prmd-22", &known::UI_PRMD_22)
            .map_err(|e| text::model_error(&path, e))?;
        let absolute = rebuild_absolute(&skeleton, &relative, &angles);
        let table = PositionTable::from_values(frames, JOINTS, absolute)
            .map_err(|e| text::model_error(&path, e))?;
        let mut rec = Recording::new(SourceInfo::default(), skeleton, UI_PRMD_RATE_HZ, table)
            .map_err(|e| text::model_error(&path, e))?;
        rec.units = LengthUnit::Centimetres;
        rec.up = Some(SignedAxis::PosY);
        Ok(rec)
    }
}

/// Reads a 66-column UI-PRMD table (positions or angles) frame-major.
fn read_table(reader: &mut dyn BufRead, path: &str, layout: &str) -> Result<Vec<f64>> {
    // Room for a typical repetition file (UI-PRMD's are 50-300 frames) from the start,
    // rather than growing through a dozen reallocations.
    let mut values = Vec::with_capacity(COLUMNS * 256);
    text::for_each_numeric_row(reader, path, Separator::Comma, COLUMNS, layout, |_, row| {
        values.extend_from_slice(row);
        Ok(())
    })?;
    Ok(values)
}

/// Where the Angles file of a Positions file may be, most likely first: the `Angles` folder
/// beside a `Positions` folder, then the same folder; each with the same compression as the
/// Positions file first, then the other. `None` when the name has no `positions` to replace.
pub fn angles_candidates(positions_path: &Path) -> Option<Vec<PathBuf>> {
    let file = positions_path.file_name()?.to_str()?;
    let lower = file.to_ascii_lowercase();
    let gz = lower.ends_with(".gz");
    let stem = if gz {
        file.get(..file.len() - 3)?
    } else {
        file
    };
    let at = stem.to_ascii_lowercase().rfind("positions")?;
    let angles_stem = format!(
        "{}angles{}",
        stem.get(..at)?,
        stem.get(at + "positions".len()..)?
    );
    let names = if gz {
        [format!("{angles_stem}.gz"), angles_stem.clone()]
    } else {
        [angles_stem.clone(), format!("{angles_stem}.gz")]
    };
    let dir = positions_path.parent().unwrap_or_else(|| Path::new(""));
    let mut dirs = Vec::new();
    if dir
        .file_name()
        .is_some_and(|d| d.eq_ignore_ascii_case("positions"))
    {
        dirs.push(dir.parent().unwrap_or_else(|| Path::new("")).join("Angles"));
    }
    dirs.push(dir.to_path_buf());
    Some(
        dirs.iter()
            .flat_map(|d| names.iter().map(move |n| d.join(n)))
            .collect(),
    )
}

/// Opens the Angles file of the Positions file being read.
fn open_angles(input: &Input<'_>) -> Result<(PathBuf, Box<dyn BufRead>)> {
    let path = input.path_str();
    let candidates = angles_candidates(input.path).ok_or_else(|| {
        FormatError::new(
            &path,
            None,
            "cannot find the matching Angles file: expected a file name containing \
             `positions` (mMM_sSS_eEE_positions.txt); UI-PRMD positions are relative to the \
             parent joint and need the joint angles to rebuild absolute positions",
        )
    })?;
    for candidate in &candidates {
        match input.siblings.open(candidate) {
            Ok(reader) => return Ok((candidate.clone(), reader)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(FormatError::io(&candidate.display().to_string(), &e)),
        }
    }
    let tried: Vec<String> = candidates
        .iter()
        .skip(1)
        .map(|c| c.display().to_string())
        .collect();
    Err(FormatError::new(
        &path,
        None,
        format!(
            "the matching Angles file was not found: expected {} (also tried {}); UI-PRMD \
             positions are relative to the parent joint and need the joint angles to rebuild \
             absolute positions",
            candidates
                .first()
                .map(|c| c.display().to_string())
                .unwrap_or_default(),
            tried.join(", ")
        ),
    ))
}

/// Local rotation of a joint from its stored Euler angles (x, y, z) in degrees:
/// `Rz(z) * Rx(x) * Ry(y)` (see the module documentation for why this order).
///
/// Written out in closed form (the product of the three elementary rotations multiplied
/// through by hand; a test checks it against the product): this runs for every joint of
/// every frame, and the closed form needs a third of the multiplications.
pub fn local_rotation(x_deg: f64, y_deg: f64, z_deg: f64) -> Mat3 {
    let (sx, cx) = x_deg.to_radians().sin_cos();
    let (sy, cy) = y_deg.to_radians().sin_cos();
    let (sz, cz) = z_deg.to_radians().sin_cos();
    Mat3([
        [cz * cy - sz * sx * sy, -sz * cx, cz * sy + sz * sx * cy],
        [sz * cy + cz * sx * sy, cz * cx, sz * sy - cz * sx * cy],
        [-cx * sy, sx, cx * cy],
    ])
}

/// Joint indices ordered so that every parent comes before its children.
fn parents_first(skeleton: &Skeleton) -> Vec<usize> {
    let n = skeleton.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let before = order.len();
        for (i, joint) in skeleton.joints().iter().enumerate() {
            let parent_placed = joint
                .parent
                .is_none_or(|p| placed.get(p).copied().unwrap_or(false));
            if parent_placed && placed.get(i) == Some(&false) {
                if let Some(slot) = placed.get_mut(i) {
                    *slot = true;
                }
                order.push(i);
            }
        }
        // The skeleton is validated acyclic, so every pass places at least one joint.
        if order.len() == before {
            break;
        }
    }
    order
}

/// The (x, y, z) triplet of `joint` in a frame-major row of `JOINTS x 3` values (NaN when out
/// of range, which cannot happen for tables read by this module).
fn triplet(row: &[f64], joint: usize) -> Vec3 {
    match row.get(joint * 3..joint * 3 + 3) {
        Some(&[x, y, z]) => Vec3::new(x, y, z),
        _ => Vec3::new(f64::NAN, f64::NAN, f64::NAN),
    }
}

/// Rebuilds absolute positions (frame-major, `JOINTS x 3` per frame) from parent-relative
/// positions and per-joint Euler angles, chaining rotations down the skeleton's parent table.
pub fn rebuild_absolute(skeleton: &Skeleton, relative: &[f64], angles: &[f64]) -> Vec<f32> {
    let n = skeleton.len();
    let order = parents_first(skeleton);
    let mut out = Vec::with_capacity(relative.len());
    let mut rotation = vec![Mat3::IDENTITY; n];
    let mut absolute = vec![Vec3::ZERO; n];
    // A joint's own rotation only turns its children: a leaf (hand, foot, head) needs none.
    let mut has_children = vec![false; n];
    for joint in skeleton.joints() {
        if let Some(slot) = joint.parent.and_then(|p| has_children.get_mut(p)) {
            *slot = true;
        }
    }
    for (rel_row, angle_row) in relative.chunks_exact(n * 3).zip(angles.chunks_exact(n * 3)) {
        for &j in &order {
            let local = || {
                let a = triplet(angle_row, j);
                local_rotation(a.x, a.y, a.z)
            };
            let needs_rotation = has_children.get(j).copied().unwrap_or(true);
            let rel = triplet(rel_row, j);
            let parent = skeleton.joints().get(j).and_then(|joint| joint.parent);
            let (r, p) = match parent.and_then(|p| Some((*rotation.get(p)?, *absolute.get(p)?))) {
                Some((parent_rot, parent_abs)) => (
                    if needs_rotation {
                        parent_rot.mul_mat(&local())
                    } else {
                        Mat3::IDENTITY
                    },
                    parent_rot.mul_vec(rel) + parent_abs,
                ),
                None => (local(), rel),
            };
            if let (Some(rs), Some(ps)) = (rotation.get_mut(j), absolute.get_mut(j)) {
                *rs = r;
                *ps = p;
            }
        }
        for p in &absolute {
            out.extend_from_slice(&[p.x as f32, p.y as f32, p.z as f32]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;
    use crate::{read_bytes, SiblingOpener};
    use std::collections::HashMap;
    use std::io::BufReader;

    /// Sibling files held in memory.
    struct MemoryFiles(HashMap<PathBuf, Vec<u8>>);

    impl SiblingOpener for MemoryFiles {
        fn open(&self, path: &Path) -> std::io::Result<Box<dyn BufRead>> {
            match self.0.get(path) {
                Some(b) => Ok(Box::new(BufReader::new(std::io::Cursor::new(b.clone())))),
                None => Err(std::io::ErrorKind::NotFound.into()),
            }
        }
    }

    const POSITIONS: &str = "data/Positions/m01_s01_e01_positions.txt";
    const ANGLES: &str = "data/Angles/m01_s01_e01_angles.txt";

    fn row(values: impl Fn(usize) -> [f64; 3]) -> String {
        (0..JOINTS)
            .flat_map(|j| values(j).map(|v| v.to_string()))
            .collect::<Vec<_>>()
            .join(",")
            + "\n"
    }

    fn read_with(positions: &str, angles: Option<(&str, &str)>) -> Result<Recording> {
        let files = MemoryFiles(
            angles
                .map(|(p, t)| (PathBuf::from(p), t.as_bytes().to_vec()))
                .into_iter()
                .collect(),
        );
        let mut bytes = positions.as_bytes();
        let mut input = Input {
            path: Path::new(POSITIONS),
            reader: &mut bytes,
            siblings: &files,
        };
        UiPrmdReader.read(&mut input)
    }

    /// Every joint 1 cm along its parent's local x.
    fn unit_offsets() -> String {
        row(|j| {
            if j == 0 {
                [10.0, 20.0, 30.0]
            } else {
                [1.0, 0.0, 0.0]
            }
        })
    }

    #[test]
    fn zero_angles_add_offsets_down_the_tree() {
        let rec = read_with(&unit_offsets(), Some((ANGLES, &row(|_| [0.0; 3])))).unwrap();
        // Left leg toes (row 18): waist -> upper leg -> lower leg -> foot -> toes = 4 steps.
        let toes = rec.positions.get(0, 17).unwrap();
        assert_eq!((toes.x, toes.y, toes.z), (14.0, 20.0, 30.0));
        // Head tip (row 6): 5 steps from the waist.
        assert_eq!(rec.positions.get(0, 5).unwrap().x, 15.0);
        assert_eq!(rec.units, LengthUnit::Centimetres);
        assert_eq!(rec.up, Some(SignedAxis::PosY));
    }

    #[test]
    fn a_parent_rotation_turns_its_children_and_chains() {
        // The waist turned 90 degrees about z: its children's x offsets point along +y; the
        // spine also turned 90 degrees about z: the chest's offset points along -x.
        let angles = row(|j| if j <= 1 { [0.0, 0.0, 90.0] } else { [0.0; 3] });
        let rec = read_with(&unit_offsets(), Some((ANGLES, &angles))).unwrap();
        let spine = rec.positions.get(0, 1).unwrap();
        assert!(
            (spine - Vec3::new(10.0, 21.0, 30.0)).norm() < 1e-5,
            "{spine:?}"
        );
        let chest = rec.positions.get(0, 2).unwrap();
        assert!(
            (chest - Vec3::new(9.0, 21.0, 30.0)).norm() < 1e-5,
            "{chest:?}"
        );
    }

    #[test]
    fn local_rotation_is_the_product_of_the_three_rotations() {
        for (x, y, z) in [
            (10.0, -35.0, 170.0),
            (-90.0, 45.0, 12.5),
            (0.3, 200.0, -75.0),
        ] {
            let product = Mat3::rot_z_deg(z)
                .mul_mat(&Mat3::rot_x_deg(x))
                .mul_mat(&Mat3::rot_y_deg(y));
            let closed = local_rotation(x, y, z);
            for (a, b) in product.0.iter().flatten().zip(closed.0.iter().flatten()) {
                assert!((a - b).abs() < 1e-12, "{x} {y} {z}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn local_rotation_order_is_z_then_x_then_y() {
        let m = local_rotation(90.0, 90.0, 0.0);
        // Ry first: x -> -z; then Rx: -z -> +y.
        let v = m.mul_vec(Vec3::new(1.0, 0.0, 0.0));
        assert!((v - Vec3::new(0.0, 1.0, 0.0)).norm() < 1e-12, "{v:?}");
    }

    #[test]
    fn the_angles_file_is_found_compressed_or_plain() {
        let angles = row(|_| [0.0; 3]);
        assert!(read_with(
            &unit_offsets(),
            Some(("data/Angles/m01_s01_e01_angles.txt.gz", &angles))
        )
        .is_ok());
        let c =
            angles_candidates(Path::new("a/Positions/m02_s03_e04_positions_inc.txt.gz")).unwrap();
        assert_eq!(
            c[0],
            PathBuf::from("a/Angles/m02_s03_e04_angles_inc.txt.gz")
        );
        assert_eq!(c[1], PathBuf::from("a/Angles/m02_s03_e04_angles_inc.txt"));
        assert_eq!(
            c[2],
            PathBuf::from("a/Positions/m02_s03_e04_angles_inc.txt.gz")
        );
    }

    #[test]
    fn a_missing_angles_file_names_the_expected_path() {
        let e = read_with(&unit_offsets(), None).unwrap_err();
        assert!(e.message.contains(ANGLES), "{e}");
        assert!(e.message.contains("not found"), "{e}");
        let e =
            read_bytes("m01_s01_e01_positions.txt", unit_offsets().as_bytes(), None).unwrap_err();
        assert!(e.message.contains("m01_s01_e01_angles.txt"), "{e}");
    }

    #[test]
    fn a_name_without_positions_cannot_find_its_angles() {
        let e =
            read_bytes("recording.txt", unit_offsets().as_bytes(), Some("ui-prmd")).unwrap_err();
        assert!(e.message.contains("positions"), "{e}");
    }

    #[test]
    fn an_angles_file_read_directly_points_to_the_positions_file() {
        let e =
            read_bytes("m01_s01_e01_angles.txt", row(|_| [0.0; 3]).as_bytes(), None).unwrap_err();
        assert!(e.message.contains("Positions file"), "{e}");
    }

    #[test]
    fn mismatched_frame_counts_are_an_error_naming_both_counts() {
        let two = format!("{}{}", unit_offsets(), unit_offsets());
        let e = read_with(&two, Some((ANGLES, &row(|_| [0.0; 3])))).unwrap_err();
        assert!(
            e.message
                .contains("2 frames of positions but 1 frames of angles"),
            "{e}"
        );
        assert!(e.message.contains(ANGLES), "{e}");
    }

    #[test]
    fn errors_in_the_angles_file_name_the_angles_file() {
        let bad = row(|_| [0.0; 3]).replacen('0', "x", 1);
        let e = read_with(&unit_offsets(), Some((ANGLES, &bad))).unwrap_err();
        assert_eq!(e.path, ANGLES);
        assert_eq!(e.location, Some(Location::LineColumn(1, 1)));
    }

    #[test]
    fn positions_errors_wrong_count_truncated_garbled_empty() {
        let angles = Some((ANGLES, "0\n"));
        let e = read_with("1,2,3\n", angles).unwrap_err();
        assert!(
            e.message.contains("expected 66") && e.message.contains("found 3"),
            "{e}"
        );
        let cut = unit_offsets();
        let cut = cut.get(..20).unwrap();
        let e = read_with(&format!("{}{cut}", unit_offsets()), angles).unwrap_err();
        assert_eq!(e.location, Some(Location::Line(2)));
        assert!(e.message.contains("truncated"), "{e}");
        let e = read_with(&unit_offsets().replacen("20", "2O", 1), angles).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(1, 2)));
        let e = read_with("", angles).unwrap_err();
        assert!(e.message.contains("no data rows"), "{e}");
    }

    #[test]
    fn nan_in_a_parent_makes_its_subtree_missing_only() {
        let positions = row(|j| match j {
            0 => [10.0, 20.0, 30.0],
            14 => [f64::NAN, 0.0, 0.0],
            _ => [1.0, 0.0, 0.0],
        });
        let rec = read_with(&positions, Some((ANGLES, &row(|_| [0.0; 3])))).unwrap();
        assert!(rec.positions.get(0, 14).is_none());
        assert!(rec.positions.get(0, 17).is_none());
        assert!(rec.positions.get(0, 21).is_some());
    }

    #[test]
    fn sniff_prefers_positions_names_and_ignores_other_layouts() {
        let r = UiPrmdReader;
        let head = unit_offsets();
        assert_eq!(r.sniff("m01_s01_e01_positions.txt", head.as_bytes()), 95);
        assert_eq!(
            r.sniff("m01_s01_e01_positions_inc.txt", head.as_bytes()),
            95
        );
        assert!(r.sniff("m01_s01_e01_angles.txt", head.as_bytes()) > 0);
        assert_eq!(r.sniff("input.csv", b"1,2,3\n"), 0);
        assert_eq!(r.sniff("m01_s01_e01_positions.txt", &[0x02, 0x50, 0, 0]), 0);
    }
}
