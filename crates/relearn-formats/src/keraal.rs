//! KERAAL Kinect text (`keraal-kinect`).
//!
//! The Kinect files of the KERAAL low-back-pain data set (Nguyen et al., IJCNN 2024;
//! `doc/readme_files_format.txt` of the data set): space-separated, no header, one row per
//! frame, 175 values = 25 joints in the Kinect v2 SDK order x (x, y, z, qx, qy, qz, qw).
//! Positions are metres in Kinect camera space (y up, z away from the sensor); the quaternion
//! is the joint's orientation with w last (zero for end joints).
//!
//! The frame rate is not written in the files: it is the Kinect v2 body stream rate, 30 Hz
//! ([`crate::kimore::KINECT_V2_RATE_HZ`]).
//!
//! Orientations are not kept: every Relearn measure is computed from positions, and a
//! `Recording` has no place for per-joint orientations.

use crate::error::Result;
use crate::kimore::KINECT_V2_RATE_HZ;
use crate::text::{self, Separator};
use crate::{Input, Reader};
use relearn_core::skeleton::known;
use relearn_core::{LengthUnit, PositionTable, Recording, SignedAxis, Skeleton, SourceInfo};

/// Joints per frame (Kinect v2).
const JOINTS: usize = known::KINECT_V2.len();
/// Values per joint: position (x, y, z) then orientation quaternion (qx, qy, qz, qw).
const PER_JOINT: usize = 7;
/// Values per row.
const COLUMNS: usize = JOINTS * PER_JOINT;
const LAYOUT: &str = "25 Kinect v2 joints x (x, y, z, qx, qy, qz, qw)";

/// Reader of KERAAL Kinect text files.
///
/// A joint at exactly (0, 0, 0) has no position (NaN): the Kinect v2 cannot see anything
/// closer than 0.5 m, so a zero depth only means "not tracked". Skeleton `known::KINECT_V2`,
/// units metres, up +y, 30 Hz.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeraalKinectReader;

impl Reader for KeraalKinectReader {
    fn id(&self) -> &'static str {
        "keraal-kinect"
    }

    fn description(&self) -> &'static str {
        "KERAAL Kinect text: 25 joints x (x, y, z, qx, qy, qz, qw), metres, 30 Hz, space-separated"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        if text::is_c3d_or_trc(head) {
            return 0;
        }
        let first = text::head_lines(head).first().copied();
        let columns_fit = first
            .and_then(|l| text::numeric_fields(l, Separator::Whitespace))
            .is_some_and(|v| v.len() == COLUMNS);
        let named = name.contains("-Kinect-");
        match (columns_fit, named) {
            (true, true) => 95,
            (true, false) => 80,
            // A KERAAL name with unreadable content: claim it weakly so that the reader
            // explains what is wrong instead of "unknown format".
            (false, true) => 20,
            (false, false) => 0,
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        let mut values: Vec<f32> = Vec::new();
        let frames = text::for_each_numeric_row(
            input.reader,
            &path,
            Separator::Whitespace,
            COLUMNS,
            LAYOUT,
            |_, row| {
                for joint in row.chunks_exact(PER_JOINT) {
                    let &[x, y, z, ..] = joint else { continue };
                    if x == 0.0 && y == 0.0 && z == 0.0 {
                        values.extend_from_slice(&[f32::NAN; 3]);
                    } else {
                        values.extend_from_slice(&[x as f32, y as f32, z as f32]);
                    }
                }
                Ok(())
            },
        )?;
        let skeleton = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2)
            .map_err(|e| text::model_error(&path, e))?;
        let table = PositionTable::from_values(frames, JOINTS, values)
            .map_err(|e| text::model_error(&path, e))?;
        let mut rec = Recording::new(SourceInfo::default(), skeleton, KINECT_V2_RATE_HZ, table)
            .map_err(|e| text::model_error(&path, e))?;
        rec.units = LengthUnit::Metres;
        rec.up = Some(SignedAxis::PosY);
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;
    use crate::read_bytes;

    /// A row with joint j at (j, 1, 2.5) and an identity quaternion, ending with a space and
    /// CRLF as the KERAAL files do.
    fn row() -> String {
        let mut s: String = (0..JOINTS)
            .map(|j| format!("{j}.0 1.0 2.5 0.0 0.0 0.0 1.0 "))
            .collect();
        s.push_str("\r\n");
        s
    }

    fn read(text: &str) -> Result<Recording> {
        read_bytes(
            "G3-Kinect-CTK-P1T1-Unknown-C-0.txt",
            text.as_bytes(),
            Some("keraal-kinect"),
        )
    }

    #[test]
    fn positions_are_read_and_orientations_dropped() {
        let rec = read(&format!("{}{}", row(), row())).unwrap();
        assert_eq!(rec.frame_count(), 2);
        assert_eq!(rec.skeleton.len(), 25);
        let p = rec.positions.get(1, 24).unwrap();
        assert_eq!((p.x, p.y, p.z), (24.0, 1.0, 2.5));
        assert_eq!(rec.up, Some(SignedAxis::PosY));
        assert_eq!(rec.rate_hz, 30.0);
    }

    #[test]
    fn a_zero_position_is_missing() {
        let text = row().replacen("0.0 1.0 2.5", "0 0 0", 1);
        let rec = read(&text).unwrap();
        assert!(rec.positions.get(0, 0).is_none());
        assert!(rec.positions.get(0, 1).is_some());
    }

    #[test]
    fn wrong_count_garbage_truncation_and_empty_are_errors() {
        let e = read("1 2 3\n").unwrap_err();
        assert_eq!(e.location, Some(Location::Line(1)));
        assert!(
            e.message.contains("expected 175") && e.message.contains("found 3"),
            "{e}"
        );

        let cut = row();
        let cut = cut.get(..cut.len() / 2).unwrap();
        let e = read(&format!("{}{cut}", row())).unwrap_err();
        assert_eq!(e.location, Some(Location::Line(2)));
        assert!(e.message.contains("truncated"), "{e}");

        let e = read(&row().replacen("2.5", "abc", 1)).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(1, 3)));

        let e = read(&row().replacen("2.5", "-inf", 1)).unwrap_err();
        assert!(e.message.contains("finite"), "{e}");

        let e = read(" \r\n").unwrap_err();
        assert!(e.message.contains("no data rows"), "{e}");
    }

    #[test]
    fn sniff_counts_columns_and_ignores_vicon_files() {
        let r = KeraalKinectReader;
        assert!(r.sniff("G3-Kinect-CTK-P1T1-Unknown-C-0.txt", row().as_bytes()) >= 90);
        assert!(r.sniff("trial.txt", row().as_bytes()) >= 70);
        let vicon: String = (0..119).map(|_| "1.0 ").collect();
        assert_eq!(
            r.sniff("G3-Vicon-CTK-P1T1-Unknown-C-0.txt", vicon.as_bytes()),
            0
        );
        assert_eq!(r.sniff("walk.trc", b"PathFileType\t4\n"), 0);
    }
}
