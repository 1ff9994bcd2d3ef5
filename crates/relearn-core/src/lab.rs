//! Conversion of a recording to the lab frame of `clinical-spec.md` §6: metres, right-handed,
//! z vertical up.
//!
//! What the format states is used as is; what it does not state is detected from the body
//! (`product-notes.md`, "Recordings come in any convention"):
//! - the vertical axis and its sign: over the quiet frames, head and shoulders lie above the
//!   hips and the hips above the ankles ([`detect_up_axis`]);
//! - the unit: an adult leg (hip to ankle, summed over thigh and shank) is about 0.8-1.0 m, so
//!   the leg length in source units tells metres from centimetres from millimetres
//!   ([`infer_unit`]).
//!
//! 2-D image coordinates have no physical unit; they are scaled to an assumed leg length of
//! [`ASSUMED_LEG_LENGTH_M`] so that distances are in plausible centimetres, with a warning
//! that says so. Angles in the image plane do not depend on that scale.

use crate::error::{Error, Result};
use crate::geometry::Vec3;
use crate::recording::{Dimensions, LengthUnit, Recording, SignedAxis, Warning};
use crate::skeleton::{Landmark, Side};
use crate::stats;
use serde::{Deserialize, Serialize};

/// Leg length (hip centre to ankle centre, summed over thigh and shank) assumed when a 2-D
/// recording must be scaled to metres: 0.85 m, the middle of the 0.8-1.0 m adult range of
/// `product-notes.md` ("a leg is about 0.8-1.0 m").
pub const ASSUMED_LEG_LENGTH_M: f64 = 0.85;

/// Plausible adult leg length range in metres used to infer units (`product-notes.md`). The
/// range is widened to 0.45-1.3 m so that children and partial tracking still resolve.
pub const PLAUSIBLE_LEG_LENGTH_M: (f64, f64) = (0.45, 1.3);

/// Plausible distance between the two shoulder joints in metres, used to infer the unit of a
/// recording without legs (an upper-body recording). *Relearn default*: the shoulder joint
/// centres of adults lie roughly 30-45 cm apart; the range leaves room for children and for
/// trackers that place the shoulders wider. Metres, centimetres and millimetres differ by
/// factors of ten or more, so the ranges of the three units cannot overlap.
pub const PLAUSIBLE_SHOULDER_WIDTH_M: (f64, f64) = (0.2, 0.6);

/// How the vertical axis of a recording was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpAxisSource {
    /// Stated by the file format.
    Format,
    /// Detected from the skeleton.
    Detected,
    /// Given by the user (`--up`).
    Override,
    /// Could not be detected; z assumed.
    Assumed,
}

impl std::fmt::Display for UpAxisSource {
    /// How the vertical axis was established, for people.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UpAxisSource::Format => "stated by the format",
            UpAxisSource::Detected => "detected from the body",
            UpAxisSource::Override => "given with --up",
            UpAxisSource::Assumed => "could not be detected: z assumed",
        })
    }
}

/// What [`to_lab_frame`] found and did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabFrameReport {
    /// The source's vertical axis.
    pub source_up: SignedAxis,
    /// How it was established.
    pub up_source: UpAxisSource,
    /// The source unit (after inference).
    pub source_unit: LengthUnit,
    /// True when the unit was inferred from body size.
    pub unit_inferred: bool,
    /// Metres per source unit applied.
    pub metres_per_unit: f64,
    /// Median leg length in metres after conversion (`None` without leg landmarks).
    pub leg_length_m: Option<f64>,
}

/// Options for [`to_lab_frame`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LabFrameOptions {
    /// Force the source's vertical axis (`--up`), overriding the format and detection.
    pub up: Option<SignedAxis>,
}

/// Detects the source's vertical axis from the skeleton: the signed axis that best aligns with
/// the mean direction from the feet (ankles) through the hips to the head and shoulders, over
/// all frames where those landmarks are present; in a frame with neither hips nor feet (an
/// upper-body recording), the direction from the shoulders to the head. Returns the axis and
/// how well the body direction aligns with it (0-1); `None` when the skeleton lacks the
/// landmarks.
pub fn detect_up_axis(rec: &Recording) -> Option<(SignedAxis, f64)> {
    let upper = [
        Landmark::Head,
        Landmark::Neck,
        Landmark::Thorax,
        Landmark::LeftShoulder,
        Landmark::RightShoulder,
        Landmark::Nose,
    ];
    let lower = [
        Landmark::LeftAnkle,
        Landmark::RightAnkle,
        Landmark::LeftFoot,
        Landmark::RightFoot,
        Landmark::LeftHeel,
        Landmark::RightHeel,
    ];
    let hips = [Landmark::LeftHip, Landmark::RightHip, Landmark::Pelvis];
    let heads = [Landmark::Head, Landmark::Nose];
    let shoulders = [Landmark::LeftShoulder, Landmark::RightShoulder];
    let mean_of = |frame: usize, set: &[Landmark]| -> Option<Vec3> {
        let pts: Vec<Vec3> = set.iter().filter_map(|l| rec.landmark(frame, *l)).collect();
        if pts.is_empty() {
            None
        } else {
            Some(pts.iter().fold(Vec3::ZERO, |a, b| a + *b) / pts.len() as f64)
        }
    };
    let mut sum = Vec3::ZERO;
    let mut n = 0usize;
    for f in 0..rec.frame_count() {
        let (u, h, l) = (mean_of(f, &upper), mean_of(f, &hips), mean_of(f, &lower));
        let d = match (u, h, l) {
            (Some(u), Some(h), Some(l)) => (u - h).normalized().zip((h - l).normalized()),
            (Some(u), Some(h), None) => (u - h).normalized().map(|a| (a, a)),
            (None, Some(h), Some(l)) => (h - l).normalized().map(|a| (a, a)),
            (Some(u), None, Some(l)) => (u - l).normalized().map(|a| (a, a)),
            // Upper body only (a webcam framing head and arms for a shoulder exercise): the
            // head above the shoulders.
            (Some(_), None, None) => mean_of(f, &heads)
                .zip(mean_of(f, &shoulders))
                .and_then(|(head, sh)| (head - sh).normalized())
                .map(|a| (a, a)),
            _ => None,
        };
        if let Some((a, b)) = d {
            sum = sum + a + b;
            n += 1;
        }
    }
    let dir = sum.normalized()?;
    if n == 0 {
        return None;
    }
    let comps = dir.to_array();
    let (idx, val) = comps
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .map(|(i, v)| (i, *v))?;
    let axis = match (idx, val >= 0.0) {
        (0, true) => SignedAxis::PosX,
        (0, false) => SignedAxis::NegX,
        (1, true) => SignedAxis::PosY,
        (1, false) => SignedAxis::NegY,
        (_, true) => SignedAxis::PosZ,
        (_, false) => SignedAxis::NegZ,
    };
    Some((axis, val.abs()))
}

/// Leg length (hip to knee plus knee to ankle) in source units: the median over frames of the
/// mean of both sides, `None` without leg landmarks.
pub fn leg_length(rec: &Recording) -> Option<f64> {
    let mut lengths = Vec::new();
    for f in 0..rec.frame_count() {
        let mut per_side = Vec::new();
        for side in Side::BOTH {
            let hip = rec.landmark(f, Landmark::LeftHip.on(side));
            let knee = rec.landmark(f, Landmark::LeftKnee.on(side));
            let ankle = rec.landmark(f, Landmark::LeftAnkle.on(side));
            if let (Some(h), Some(k), Some(a)) = (hip, knee, ankle) {
                per_side.push((h - k).norm() + (k - a).norm());
            }
        }
        if !per_side.is_empty() {
            lengths.push(per_side.iter().sum::<f64>() / per_side.len() as f64);
        }
    }
    stats::median(&lengths)
}

/// Infers the unit of a 3-D recording whose format does not state it, from its leg length in
/// source units. Returns `None` when the leg length fits no physical unit.
pub fn infer_unit(leg_length_source_units: f64) -> Option<LengthUnit> {
    unit_fitting(leg_length_source_units, PLAUSIBLE_LEG_LENGTH_M)
}

/// The unit (metres, centimetres or millimetres) in which `length_source_units` falls in
/// `plausible_m`, if one does.
fn unit_fitting(length_source_units: f64, (lo, hi): (f64, f64)) -> Option<LengthUnit> {
    [
        LengthUnit::Metres,
        LengthUnit::Centimetres,
        LengthUnit::Millimetres,
    ]
    .into_iter()
    .find(|u| {
        let m = length_source_units * u.metres_per_unit().unwrap_or(f64::NAN);
        m >= lo && m <= hi
    })
}

/// Median distance between the left and right shoulder joints, in source units, over the
/// frames where both are present.
pub fn shoulder_width(rec: &Recording) -> Option<f64> {
    let widths: Vec<f64> = (0..rec.frame_count())
        .filter_map(|f| {
            let l = rec.landmark(f, Landmark::LeftShoulder)?;
            let r = rec.landmark(f, Landmark::RightShoulder)?;
            Some((l - r).norm())
        })
        .collect();
    stats::median(&widths)
}

/// The unit of a recording that does not state it, and what it was inferred from: the leg
/// length when the legs are tracked, else the shoulder width (an upper-body recording).
fn inferred_unit(rec: &Recording, raw_leg: Option<f64>) -> Option<(LengthUnit, String)> {
    if let Some(leg) = raw_leg {
        return infer_unit(leg).map(|u| (u, format!("a leg length of {leg:.3} source units")));
    }
    let width = shoulder_width(rec)?;
    unit_fitting(width, PLAUSIBLE_SHOULDER_WIDTH_M).map(|u| {
        (
            u,
            format!("a shoulder width of {width:.3} source units (no legs to measure)"),
        )
    })
}

/// The proper rotation taking source coordinates to the lab frame for a given source up axis:
/// returns, for each lab component, the source component index and sign.
fn axis_map(up: SignedAxis) -> [(usize, f64); 3] {
    let i = up.index();
    let a = (i + 1) % 3;
    let b = (i + 2) % 3;
    if up.sign() > 0.0 {
        // (e_a, e_b, e_i) is a cyclic, right-handed basis.
        [(a, 1.0), (b, 1.0), (i, 1.0)]
    } else {
        // Negating the vertical and swapping the horizontals keeps the rotation proper.
        [(b, 1.0), (a, 1.0), (i, -1.0)]
    }
}

/// Converts a recording in place to the lab frame (metres, z up) and reports what was found.
///
/// Warnings for anything inferred or assumed are appended to `rec.warnings`.
pub fn to_lab_frame(rec: &mut Recording, opts: LabFrameOptions) -> Result<LabFrameReport> {
    let (source_up, up_source) = if let Some(up) = opts.up {
        (up, UpAxisSource::Override)
    } else if let Some(up) = rec.up {
        (up, UpAxisSource::Format)
    } else if let Some((up, align)) = detect_up_axis(rec) {
        if align < 0.6 {
            rec.warnings.push(Warning::new(
                "up_axis_uncertain",
                format!(
                    "the vertical axis was detected as {} but the body is far from upright \
                     (alignment {align:.2}); if the person lies down, pass --up",
                    up.as_str()
                ),
            ));
        }
        (up, UpAxisSource::Detected)
    } else {
        rec.warnings.push(Warning::new(
            "up_axis_assumed",
            "no joints to detect the vertical axis from (head above shoulders, hips or \
             ankles): z assumed up; pass --up to choose",
        ));
        (SignedAxis::PosZ, UpAxisSource::Assumed)
    };

    let raw_leg = leg_length(rec);
    let (source_unit, unit_inferred, scale) = match rec.units {
        u @ (LengthUnit::Metres | LengthUnit::Centimetres | LengthUnit::Millimetres) => {
            (u, false, u.metres_per_unit().unwrap_or(1.0))
        }
        u @ (LengthUnit::Pixels | LengthUnit::NormalisedImage) => match raw_leg {
            Some(leg) if leg > 0.0 => {
                rec.warnings.push(Warning::new(
                    "scale_assumed",
                    format!(
                        "image coordinates have no physical unit: distances are scaled to an \
                         assumed leg length of {:.0} cm and are estimates",
                        ASSUMED_LEG_LENGTH_M * 100.0
                    ),
                ));
                (u, true, ASSUMED_LEG_LENGTH_M / leg)
            }
            _ => {
                rec.warnings.push(Warning::new(
                    "scale_unknown",
                    "image coordinates without leg joints: distances are in image units",
                ));
                (u, false, 1.0)
            }
        },
        LengthUnit::Unknown => match inferred_unit(rec, raw_leg) {
            Some((u, why)) => {
                rec.warnings.push(Warning::new(
                    "unit_inferred",
                    format!(
                        "the file does not state its unit: {} inferred from {why}",
                        u
                    ),
                ));
                (u, true, u.metres_per_unit().unwrap_or(1.0))
            }
            None => {
                rec.warnings.push(Warning::new(
                    "unit_unknown",
                    "the file does not state its unit and the body size does not reveal it: \
                     metres assumed",
                ));
                (LengthUnit::Unknown, false, 1.0)
            }
        },
    };
    if !(scale.is_finite() && scale > 0.0) {
        return Err(Error::InvalidRecording(format!(
            "cannot scale positions to metres (factor {scale})"
        )));
    }

    let map = axis_map(source_up);
    for chunk in rec.positions.values_mut().chunks_exact_mut(3) {
        let src = [
            f64::from(chunk[0]),
            f64::from(chunk[1]),
            f64::from(chunk[2]),
        ];
        for (dst, (idx, sign)) in chunk.iter_mut().zip(map) {
            *dst = (src.get(idx).copied().unwrap_or(f64::NAN) * sign * scale) as f32;
        }
    }
    rec.units = LengthUnit::Metres;
    rec.up = Some(SignedAxis::PosZ);
    let leg_length_m = raw_leg.map(|l| l * scale);
    if rec.dimensions == Dimensions::Three {
        if let Some(l) = leg_length_m {
            let (lo, hi) = PLAUSIBLE_LEG_LENGTH_M;
            if !(lo..=hi).contains(&l) {
                rec.warnings.push(Warning::new(
                    "implausible_size",
                    format!(
                        "leg length is {:.0} cm after conversion to metres: check the unit",
                        l * 100.0
                    ),
                ));
            }
        }
    }
    Ok(LabFrameReport {
        source_up,
        up_source,
        source_unit,
        unit_inferred,
        metres_per_unit: scale,
        leg_length_m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::{PositionTable, SourceInfo};
    use crate::skeleton::{known, Skeleton};

    /// A standing Kinect-like skeleton, y up, in the given unit scale.
    fn standing(scale: f64, up: SignedAxis) -> Recording {
        let sk = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2).unwrap();
        let mut p = PositionTable::missing(5, sk.len());
        let put = |p: &mut PositionTable, name: &str, x: f64, h: f64| {
            let j = sk.joint_index(name).unwrap();
            for f in 0..5 {
                let mut a = [x * scale, 0.1 * scale, 0.0];
                a[up.index()] = h * scale * up.sign();
                // keep the horizontal spread on an axis that is not vertical
                if up.index() == 0 {
                    a[1] = x * scale;
                    a[0] = h * scale * up.sign();
                }
                p.set(f, j, Vec3::from_array(a));
            }
        };
        put(&mut p, "Head", 0.0, 1.7);
        put(&mut p, "SpineShoulder", 0.0, 1.45);
        put(&mut p, "ShoulderLeft", -0.18, 1.42);
        put(&mut p, "ShoulderRight", 0.18, 1.42);
        put(&mut p, "SpineBase", 0.0, 0.95);
        put(&mut p, "HipLeft", -0.09, 0.92);
        put(&mut p, "HipRight", 0.09, 0.92);
        put(&mut p, "KneeLeft", -0.1, 0.5);
        put(&mut p, "KneeRight", 0.1, 0.5);
        put(&mut p, "AnkleLeft", -0.1, 0.08);
        put(&mut p, "AnkleRight", 0.1, 0.08);
        Recording::new(SourceInfo::default(), sk, 30.0, p).unwrap()
    }

    /// [`standing`] with the hips, knees and ankles out of the picture (a webcam framing the
    /// upper body).
    fn upper_body(scale: f64, up: SignedAxis) -> Recording {
        let mut r = standing(scale, up);
        for name in [
            "SpineBase",
            "HipLeft",
            "HipRight",
            "KneeLeft",
            "KneeRight",
            "AnkleLeft",
            "AnkleRight",
        ] {
            let j = r.skeleton.joint_index(name).unwrap();
            for f in 0..r.frame_count() {
                r.positions
                    .set(f, j, Vec3::new(f64::NAN, f64::NAN, f64::NAN));
            }
        }
        r
    }

    #[test]
    fn the_unit_of_an_upper_body_recording_is_inferred_from_the_shoulder_width() {
        let mut r = upper_body(1000.0, SignedAxis::PosY);
        let rep = to_lab_frame(&mut r, LabFrameOptions::default()).unwrap();
        assert_eq!(rep.source_unit, LengthUnit::Millimetres);
        assert!(rep.unit_inferred);
        assert!(r
            .warnings
            .iter()
            .any(|w| w.code == "unit_inferred" && w.message.contains("shoulder width")));
        let head = r.landmark(0, Landmark::Head).unwrap();
        assert!((head.z - 1.7).abs() < 1e-4, "{head:?}");
        // Centimetres and metres too; a width of 5 source units fits none.
        assert_eq!(
            unit_fitting(36.0, PLAUSIBLE_SHOULDER_WIDTH_M),
            Some(LengthUnit::Centimetres)
        );
        assert_eq!(
            unit_fitting(0.36, PLAUSIBLE_SHOULDER_WIDTH_M),
            Some(LengthUnit::Metres)
        );
        assert_eq!(unit_fitting(5.0, PLAUSIBLE_SHOULDER_WIDTH_M), None);
    }

    #[test]
    fn shoulders_alone_do_not_say_which_way_is_up() {
        let sk = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2).unwrap();
        let mut p = PositionTable::missing(2, sk.len());
        for f in 0..2 {
            p.set(
                f,
                sk.joint_index("ShoulderLeft").unwrap(),
                Vec3::new(-0.2, 1.4, 0.0),
            );
            p.set(
                f,
                sk.joint_index("ShoulderRight").unwrap(),
                Vec3::new(0.2, 1.4, 0.0),
            );
        }
        let r = Recording::new(SourceInfo::default(), sk, 30.0, p).unwrap();
        assert_eq!(detect_up_axis(&r), None);
    }

    /// Whole body (feet, hips, head) and upper body only (head above the shoulders).
    #[test]
    fn every_signed_up_axis_is_detected() {
        for body in [standing, upper_body] {
            for up in SignedAxis::ALL {
                let r = body(1.0, up);
                let (found, align) = detect_up_axis(&r).unwrap();
                assert_eq!(found, up);
                assert!(align > 0.9);
            }
        }
    }

    #[test]
    fn millimetres_are_inferred_and_converted_so_the_head_is_on_top() {
        let mut r = standing(1000.0, SignedAxis::NegY);
        let rep = to_lab_frame(&mut r, LabFrameOptions::default()).unwrap();
        assert_eq!(rep.source_unit, LengthUnit::Millimetres);
        assert!(rep.unit_inferred);
        assert_eq!(rep.source_up, SignedAxis::NegY);
        let head = r.landmark(0, Landmark::Head).unwrap();
        let ankle = r.landmark(0, Landmark::LeftAnkle).unwrap();
        assert!((head.z - 1.7).abs() < 1e-4, "{head:?}");
        assert!((ankle.z - 0.08).abs() < 1e-4);
        let leg = rep.leg_length_m.unwrap();
        assert!((leg - 0.84).abs() < 0.01, "{leg}");
        assert!(r.warnings.iter().any(|w| w.code == "unit_inferred"));
    }

    #[test]
    fn rotation_to_lab_frame_is_proper() {
        for up in SignedAxis::ALL {
            let m = axis_map(up);
            let mut mat = [[0.0; 3]; 3];
            for (row, (idx, sign)) in m.iter().enumerate() {
                mat[row][*idx] = *sign;
            }
            let det = mat[0][0] * (mat[1][1] * mat[2][2] - mat[1][2] * mat[2][1])
                - mat[0][1] * (mat[1][0] * mat[2][2] - mat[1][2] * mat[2][0])
                + mat[0][2] * (mat[1][0] * mat[2][1] - mat[1][1] * mat[2][0]);
            assert!((det - 1.0).abs() < 1e-12, "{up:?}");
        }
    }

    #[test]
    fn override_beats_format_and_detection() {
        let mut r = standing(1.0, SignedAxis::PosY);
        r.units = LengthUnit::Metres;
        r.up = Some(SignedAxis::PosX);
        let rep = to_lab_frame(
            &mut r,
            LabFrameOptions {
                up: Some(SignedAxis::PosY),
            },
        )
        .unwrap();
        assert_eq!(rep.up_source, UpAxisSource::Override);
        assert!(r.landmark(0, Landmark::Head).unwrap().z > 1.6);
    }
}
