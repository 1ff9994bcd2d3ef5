//! Whether the person exercises seated or standing, from the thighs; and, standing, whether on
//! one leg or on both feet, from the ankles.
//!
//! Several fault rules assume a weight-bearing, standing movement: the knee frontal-plane
//! projection angle is defined for squats and landings (Willson & Davis 2008; Munro 2012),
//! contralateral pelvic drop for single-leg stance (Bramah 2018), squat depth for a squat
//! (`clinical-spec.md` §6). Applied to a seated exercise (KERAAL's low-back-pain exercises
//! are done seated) they report faults that are not there. A seated person keeps both thighs
//! near horizontal for the whole recording, whatever the knees do (a seated knee extension
//! straightens them); a squat passes through that position only at the bottom of each
//! repetition, a sit-to-stand only part of the time, and a lunge or a standing hip flexion
//! never with both thighs at once.
//!
//! The thresholds are *Relearn defaults* (not from the literature): both thighs at least 45°
//! from vertical (standing and walking stay well under 45° at the hip: Perry & Burnfield
//! 2010 give about 30° of hip flexion in gait), in at least 80 % of the frames where the
//! thighs can be measured. A held squat (a wall sit) looks the same as sitting: from joint
//! positions alone there is no chair to see.
//!
//! Contralateral pelvic drop is defined against a stance side: the line from the stance-side
//! hip to the other hip, "+ = non-stance side lower" (`clinical-spec.md` §6; Bramah 2018
//! \[138\] measured it in the stance phase of running). With both feet on the floor there is
//! no stance side, and the hip line's tilt is standing posture and tracking error: on
//! UI-PRMD a tilt of 5.4° in a standing shoulder scaption was reported as "left pelvic drop
//! reaches 5.4 degrees" and failed every correct repetition of one subject (VALIDATION.md §4,
//! "Fault rules that do not apply"). A frame is taken as standing on one leg when one ankle
//! is at least [`ONE_LEG_FOOT_HEIGHT_M`] above the other, and a recording (or a
//! demonstration) as standing on one leg when at least [`ONE_LEG_SHARE`] of its frames are;
//! both are *Relearn defaults*, chosen on UI-PRMD's Kinect recordings: in its two single-leg
//! movements (hurdle step, standing straight-leg raise) 38-42 % of the frames have a foot 15
//! cm up, in its eight movements on both feet at most 2 % do, except where the depth camera
//! lost an ankle behind the body for whole recordings (shoulder extension, 12 %).

use crate::measures::{Measure, MeasureKind, MeasureSet};
use relearn_core::{Landmark, Recording, Side};
use serde::{Deserialize, Serialize};

/// Smallest thigh inclination from vertical, degrees, of a seated-looking frame.
pub const SEATED_THIGH_DEG: f64 = 45.0;
/// Share of the measurable frames that must look seated for the recording to be seated; at
/// most one minus this share for it to be standing.
pub const SEATED_SHARE: f64 = 0.8;

/// The posture of a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Posture {
    /// Standing (or moving while standing) nearly throughout.
    Standing,
    /// Seated nearly throughout.
    Seated,
    /// Both thighs near horizontal for part of the time only: a squat, a sit-to-stand.
    /// Standing rules apply.
    Mixed,
}

/// What [`detect_posture`] found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PostureEstimate {
    /// The posture.
    pub posture: Posture,
    /// Share (0-1) of the measurable frames with both thighs near horizontal, as in sitting.
    pub seated_share: f64,
    /// Frames where the thighs could be measured.
    pub frames_measured: usize,
}

impl PostureEstimate {
    /// A phrase for people: "seated (thighs near horizontal, as in sitting, in 97 % of the
    /// frames)".
    pub fn describe(&self) -> String {
        let pct = self.seated_share * 100.0;
        match self.posture {
            Posture::Standing => format!(
                "standing (thighs near horizontal, as in sitting, in {pct:.0} % of the frames)"
            ),
            Posture::Seated => format!(
                "seated (thighs near horizontal, as in sitting, in {pct:.0} % of the frames)"
            ),
            Posture::Mixed => format!(
                "standing, with the thighs near horizontal, as in sitting, in {pct:.0} % of the \
                 frames (as in a squat or a sit-to-stand)"
            ),
        }
    }
}

/// The posture of a recording from its clinical measures: per frame, a leg whose hip flexion
/// and the trunk flexion are known has its thigh at `hip flexion − trunk flexion` from
/// vertical (the thigh's own angle); a frame looks seated when every measurable leg's thigh
/// is at least [`SEATED_THIGH_DEG`] from vertical. `None` when no frame can be measured (no
/// legs, or a 2-D frontal view, where sagittal angles are not seen).
pub fn detect_posture(measures: &MeasureSet) -> Option<PostureEstimate> {
    let series = |kind, side| measures.get(Measure { kind, side });
    let trunk = series(MeasureKind::TrunkFlexion, None)?;
    let hips: Vec<&[f64]> = [Side::Left, Side::Right]
        .into_iter()
        .filter_map(|s| series(MeasureKind::HipFlexion, Some(s)))
        .collect();
    let mut measured = 0usize;
    let mut seated = 0usize;
    for (f, t) in trunk.iter().enumerate() {
        let thighs: Vec<f64> = hips
            .iter()
            .filter_map(|hip| hip.get(f).map(|h| h - t))
            .filter(|thigh| thigh.is_finite())
            .collect();
        if !thighs.is_empty() {
            measured += 1;
            seated += usize::from(thighs.iter().all(|thigh| *thigh >= SEATED_THIGH_DEG));
        }
    }
    if measured == 0 {
        return None;
    }
    let share = seated as f64 / measured as f64;
    Some(estimate(share >= SEATED_SHARE, share, measured))
}

/// The estimate for `frames` measured frames of which a share `seated_share` look seated;
/// `seated` says whether the whole counts as seated.
fn estimate(seated: bool, seated_share: f64, frames: usize) -> PostureEstimate {
    let posture = if seated {
        Posture::Seated
    } else if seated_share <= 1.0 - SEATED_SHARE {
        Posture::Standing
    } else {
        // Includes most frames seated in too few recordings: the standing rules stay.
        Posture::Mixed
    };
    PostureEstimate {
        posture,
        seated_share,
        frames_measured: frames,
    }
}

/// The posture of a demonstration made of several recordings (their [`detect_posture`]
/// estimates): seated when at least [`SEATED_SHARE`] of them are seated, otherwise classified
/// from all their frames pooled; `None` when none could be measured. The share reported is that
/// of the pooled frames.
pub fn posture_of_recordings(estimates: &[PostureEstimate]) -> Option<PostureEstimate> {
    let frames: usize = estimates.iter().map(|p| p.frames_measured).sum();
    if frames == 0 {
        return None;
    }
    let share = estimates
        .iter()
        .map(|p| p.seated_share * p.frames_measured as f64)
        .sum::<f64>()
        / frames as f64;
    let seated_recordings = estimates
        .iter()
        .filter(|p| p.posture == Posture::Seated)
        .count() as f64
        / estimates.len() as f64;
    Some(estimate(seated_recordings >= SEATED_SHARE, share, frames))
}

/// Whether a measure only means something in a standing, weight-bearing movement (the knee
/// frontal-plane projection angle, contralateral pelvic drop, squat depth): rules on it are
/// switched off for a seated recording ([`crate::faults::switch_off_for_posture`]).
pub fn needs_standing(kind: MeasureKind) -> bool {
    matches!(
        kind,
        MeasureKind::KneeFrontalPlaneProjection | MeasureKind::PelvicDrop | MeasureKind::SquatDepth
    )
}

/// Height of one ankle above the other, metres, from which a frame counts as standing on one
/// leg: 15 cm (*Relearn default*). Above a depth camera's ankle error in a lunge, where a knee
/// hides an ankle (up to 10-15 cm in single frames of UI-PRMD's side lunges, which the share
/// below absorbs), and less than a free foot's height in a single-leg squat, a step over a
/// hurdle or a raised leg (30-80 cm on UI-PRMD).
pub const ONE_LEG_FOOT_HEIGHT_M: f64 = 0.15;

/// Share of the measurable frames with a foot [`ONE_LEG_FOOT_HEIGHT_M`] up from which a
/// recording counts as standing on one leg: 20 % (*Relearn default*: a hurdle step spends
/// about 40 % of its frames with the foot up, a single-leg squat all of them; movements on
/// both feet at most 2 %, a lost ankle 12 %).
pub const ONE_LEG_SHARE: f64 = 0.2;

/// On one leg or on both feet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// Both feet on the floor nearly throughout (a squat, a lunge, an arm exercise).
    BothFeet,
    /// One foot off the floor for a good part of the time (a single-leg squat, a hurdle
    /// step, a standing leg raise): rules for single-leg stance apply, left-right asymmetry
    /// rules do not.
    OneLeg,
}

/// What [`detect_stance`] found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StanceEstimate {
    /// The stance.
    pub stance: Stance,
    /// Share (0-1) of the measurable frames with one ankle at least
    /// [`ONE_LEG_FOOT_HEIGHT_M`] above the other.
    pub one_leg_share: f64,
    /// Frames where both ankles were tracked.
    pub frames_measured: usize,
}

impl StanceEstimate {
    fn of(one_leg_share: f64, frames_measured: usize) -> StanceEstimate {
        StanceEstimate {
            stance: if one_leg_share >= ONE_LEG_SHARE {
                Stance::OneLeg
            } else {
                Stance::BothFeet
            },
            one_leg_share,
            frames_measured,
        }
    }

    /// A phrase for people: "on both feet (a foot 15 cm or more above the other in 1 % of the
    /// frames)".
    pub fn describe(&self) -> String {
        let how = match self.stance {
            Stance::BothFeet => "on both feet",
            Stance::OneLeg => "on one leg",
        };
        format!(
            "{how} (a foot {:.0} cm or more above the other in {:.0} % of the frames)",
            ONE_LEG_FOOT_HEIGHT_M * 100.0,
            self.one_leg_share * 100.0
        )
    }
}

/// Whether a recording (in the lab frame, z up: [`relearn_core::lab`]) stands on one leg or on
/// both feet, from the heights of its ankles; `None` when no frame has both ankles (an
/// upper-body skeleton, the legs out of view).
pub fn detect_stance(rec: &Recording) -> Option<StanceEstimate> {
    let (left, right) = (
        rec.skeleton.landmark(Landmark::LeftAnkle)?,
        rec.skeleton.landmark(Landmark::RightAnkle)?,
    );
    let mut measured = 0usize;
    let mut one_leg = 0usize;
    for f in 0..rec.frame_count() {
        if let (Some(l), Some(r)) = (rec.positions.get(f, left), rec.positions.get(f, right)) {
            measured += 1;
            one_leg += usize::from((l.z - r.z).abs() >= ONE_LEG_FOOT_HEIGHT_M);
        }
    }
    (measured > 0).then(|| StanceEstimate::of(one_leg as f64 / measured as f64, measured))
}

/// The stance of a demonstration made of several recordings, from their frames pooled;
/// `None` when none could be measured.
pub fn stance_of_recordings(estimates: &[StanceEstimate]) -> Option<StanceEstimate> {
    let frames: usize = estimates.iter().map(|e| e.frames_measured).sum();
    let one_leg: f64 = estimates
        .iter()
        .map(|e| e.one_leg_share * e.frames_measured as f64)
        .sum();
    (frames > 0).then(|| StanceEstimate::of(one_leg / frames as f64, frames))
}

/// The leg a repetition lifts off the floor, if any: the side whose ankle is at least
/// [`ONE_LEG_FOOT_HEIGHT_M`] above the other in at least [`ONE_LEG_SHARE`] of the measurable
/// frames `start..end` of `rec` (in the lab frame, z up: [`relearn_core::lab`]; the stance
/// test of [`detect_stance`], for one leg and one
/// repetition), and more often than the other ankle is above it. `None` when both feet stay
/// down, when the ankles are not both tracked, or when the legs take turns equally.
///
/// A lifted leg does not bear weight, and the measures defined on a weight-bearing leg
/// ([`needs_weight_bearing`]) are not judged on it: the knee frontal-plane projection angle
/// of a raised straight leg, whose ankle Kinect folds back onto the knee for a few frames,
/// read 27° of "valgus" on a correct straight-leg raise of UI-PRMD (VALIDATION.md §4, "Knee
/// valgus on the leg that bears weight").
pub fn lifted_leg(rec: &Recording, start: usize, end: usize) -> Option<Side> {
    let (left, right) = (
        rec.skeleton.landmark(Landmark::LeftAnkle)?,
        rec.skeleton.landmark(Landmark::RightAnkle)?,
    );
    let (mut measured, mut left_up, mut right_up) = (0usize, 0usize, 0usize);
    for f in start..end.min(rec.frame_count()) {
        if let (Some(l), Some(r)) = (rec.positions.get(f, left), rec.positions.get(f, right)) {
            measured += 1;
            left_up += usize::from(l.z - r.z >= ONE_LEG_FOOT_HEIGHT_M);
            right_up += usize::from(r.z - l.z >= ONE_LEG_FOOT_HEIGHT_M);
        }
    }
    let (side, up, other) = if left_up >= right_up {
        (Side::Left, left_up, right_up)
    } else {
        (Side::Right, right_up, left_up)
    };
    (measured > 0 && up > other && up as f64 >= ONE_LEG_SHARE * measured as f64).then_some(side)
}

/// Whether a measure is defined on a weight-bearing leg (the knee frontal-plane projection
/// angle: single-leg squat, landing; `clinical-spec.md` §6, Willson & Davis 2008 \[132\],
/// Munro 2012 \[133\]): rules on it are not checked, and no difference from the demonstration
/// in it is told, on a leg the repetition lifts ([`lifted_leg`]).
pub fn needs_weight_bearing(kind: MeasureKind) -> bool {
    kind == MeasureKind::KneeFrontalPlaneProjection
}

/// Whether a measure only means something when standing on one leg (contralateral pelvic
/// drop): rules on it are switched off for a recording on both feet
/// ([`crate::faults::switch_off_for_stance`]).
pub fn needs_one_leg(kind: MeasureKind) -> bool {
    kind == MeasureKind::PelvicDrop
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::body::View;

    fn set(hip: f64, knee: f64, trunk: f64, seated_frames: usize, frames: usize) -> MeasureSet {
        let per_frame = |seated: f64, standing: f64| -> Vec<f64> {
            (0..frames)
                .map(|f| if f < seated_frames { seated } else { standing })
                .collect()
        };
        let mut series = vec![(
            Measure::midline(MeasureKind::TrunkFlexion),
            per_frame(trunk, 5.0),
        )];
        for side in [Side::Left, Side::Right] {
            series.push((
                Measure {
                    kind: MeasureKind::HipFlexion,
                    side: Some(side),
                },
                per_frame(hip, 10.0),
            ));
            series.push((
                Measure {
                    kind: MeasureKind::KneeFlexion,
                    side: Some(side),
                },
                per_frame(knee, 5.0),
            ));
        }
        MeasureSet {
            rate_hz: 30.0,
            view: View::ThreeD,
            series,
        }
    }

    #[test]
    fn seated_standing_and_mixed() {
        let seated = detect_posture(&set(90.0, 90.0, 0.0, 100, 100)).unwrap();
        assert_eq!(seated.posture, Posture::Seated);
        assert_eq!(seated.frames_measured, 100);
        let standing = detect_posture(&set(90.0, 90.0, 0.0, 10, 100)).unwrap();
        assert_eq!(standing.posture, Posture::Standing);
        assert!((standing.seated_share - 0.1).abs() < 1e-12);
        assert_eq!(
            detect_posture(&set(90.0, 90.0, 0.0, 50, 100))
                .unwrap()
                .posture,
            Posture::Mixed
        );
    }

    #[test]
    fn a_seated_knee_extension_is_seated_whatever_the_knees_do() {
        // Thighs horizontal throughout, knees straightened (5°) for most of the recording.
        let extension = detect_posture(&set(90.0, 5.0, 0.0, 100, 100)).unwrap();
        assert_eq!(extension.posture, Posture::Seated);
    }

    #[test]
    fn a_forward_trunk_lean_is_not_a_seated_thigh() {
        // Hip flexion of 70° made of a 40° trunk lean: the thigh is only 30° from vertical.
        let leaning = detect_posture(&set(70.0, 60.0, 40.0, 100, 100)).unwrap();
        assert_eq!(leaning.posture, Posture::Standing);
    }

    #[test]
    fn a_demonstration_is_seated_when_most_of_its_recordings_are() {
        let seated = detect_posture(&set(90.0, 90.0, 0.0, 100, 100)).unwrap();
        let standing = detect_posture(&set(90.0, 90.0, 0.0, 0, 100)).unwrap();
        let all_seated = posture_of_recordings(&[seated; 5]).unwrap();
        assert_eq!(all_seated.posture, Posture::Seated);
        assert_eq!(all_seated.frames_measured, 500);
        let mut mostly = vec![seated; 4];
        mostly.push(standing);
        assert_eq!(
            posture_of_recordings(&mostly).unwrap().posture,
            Posture::Seated
        );
        let half = [seated, standing];
        let pooled = posture_of_recordings(&half).unwrap();
        assert_eq!(pooled.posture, Posture::Mixed);
        assert!((pooled.seated_share - 0.5).abs() < 1e-12);
        assert_eq!(
            posture_of_recordings(&[standing; 3]).unwrap().posture,
            Posture::Standing
        );
        assert_eq!(posture_of_recordings(&[]), None);
    }

    #[test]
    fn no_legs_no_posture() {
        let only_trunk = MeasureSet {
            rate_hz: 30.0,
            view: View::ThreeD,
            series: vec![(Measure::midline(MeasureKind::TrunkFlexion), vec![0.0; 10])],
        };
        assert_eq!(detect_posture(&only_trunk), None);
    }

    /// A simulated squat (both feet down, lab frame) whose left ankle is lifted `lift_m` in
    /// the frames from `from` to `to` (shares of the recording).
    pub(crate) fn squat_with_left_foot_lifted(lift_m: f64, from: f64, to: f64) -> Recording {
        let sim = crate::simulate::SquatSimulation {
            frame: crate::simulate::SimFrame::Lab,
            ..Default::default()
        };
        let (mut rec, _) = crate::simulate::simulate_squat(&sim).unwrap();
        let ankle = rec.skeleton.landmark(Landmark::LeftAnkle).unwrap();
        let n = rec.frame_count();
        for f in (n as f64 * from) as usize..(n as f64 * to) as usize {
            let p = rec.positions.get(f, ankle).unwrap();
            rec.positions
                .set(f, ankle, p + relearn_core::Vec3::UP * lift_m);
        }
        rec
    }

    #[test]
    fn a_foot_held_up_is_standing_on_one_leg_and_both_feet_down_is_not() {
        let both = detect_stance(&squat_with_left_foot_lifted(0.0, 0.0, 0.0)).unwrap();
        assert_eq!(both.stance, Stance::BothFeet);
        assert!(both.one_leg_share < 0.01, "{both:?}");
        assert!(both.describe().starts_with("on both feet"));
        // A hurdle step or a leg raise: the foot 30 cm up for 40 % of the time.
        let step = detect_stance(&squat_with_left_foot_lifted(0.3, 0.3, 0.7)).unwrap();
        assert_eq!(step.stance, Stance::OneLeg);
        assert!((step.one_leg_share - 0.4).abs() < 0.02, "{step:?}");
        // An ankle jittering 10 cm up (a depth camera's occluded ankle) is not a lifted foot,
        // nor is a foot up for a tenth of the time.
        let jitter = detect_stance(&squat_with_left_foot_lifted(0.1, 0.0, 1.0)).unwrap();
        assert_eq!(jitter.stance, Stance::BothFeet);
        let brief = detect_stance(&squat_with_left_foot_lifted(0.3, 0.5, 0.6)).unwrap();
        assert_eq!(brief.stance, Stance::BothFeet);
        // Pooled over a demonstration: frames, not recordings, count.
        let pooled = stance_of_recordings(&[both, step, step]).unwrap();
        assert!((pooled.one_leg_share - (0.0 + 0.4 + 0.4) / 3.0).abs() < 0.02);
        assert_eq!(pooled.stance, Stance::OneLeg);
        assert!(stance_of_recordings(&[]).is_none());
    }

    #[test]
    fn the_leg_a_repetition_lifts_is_the_one_whose_ankle_is_up_and_neither_when_both_stay_down() {
        let n = |r: &Recording| r.frame_count();
        let down = squat_with_left_foot_lifted(0.0, 0.0, 0.0);
        assert_eq!(lifted_leg(&down, 0, n(&down)), None);
        let step = squat_with_left_foot_lifted(0.3, 0.3, 0.7);
        assert_eq!(lifted_leg(&step, 0, n(&step)), Some(Side::Left));
        // Only the frames of the repetition count: before the foot goes up, nothing is lifted.
        assert_eq!(lifted_leg(&step, 0, n(&step) / 4), None);
        // A jittering ankle and a foot up for a tenth of the time are not lifted legs.
        let jitter = squat_with_left_foot_lifted(0.1, 0.0, 1.0);
        assert_eq!(lifted_leg(&jitter, 0, n(&jitter)), None);
        let brief = squat_with_left_foot_lifted(0.3, 0.5, 0.6);
        assert_eq!(lifted_leg(&brief, 0, n(&brief)), None);
        // The other leg: the left ankle 30 cm *below* the right is the right foot up.
        let right = squat_with_left_foot_lifted(-0.3, 0.2, 0.8);
        assert_eq!(lifted_leg(&right, 0, n(&right)), Some(Side::Right));
        // A span past the recording's end is cut to it, and an empty span lifts nothing.
        assert_eq!(lifted_leg(&step, 0, 10 * n(&step)), Some(Side::Left));
        assert_eq!(lifted_leg(&step, 5, 5), None);
    }

    proptest::proptest! {
        /// Whatever the ankles do (missing frames included), swapping the left and right
        /// ankles swaps the leg found lifted, and never finds both.
        #[test]
        fn swapping_the_ankles_swaps_the_lifted_leg(
            seed in proptest::num::u64::ANY,
            lift in 0.0f64..0.6,
            missing in 0.0f64..0.3,
        ) {
            let mut rec = squat_with_left_foot_lifted(0.0, 0.0, 0.0);
            let (l, r) = (
                rec.skeleton.landmark(Landmark::LeftAnkle).unwrap(),
                rec.skeleton.landmark(Landmark::RightAnkle).unwrap(),
            );
            let mut rng = relearn_core::rng::SplitMix64::new(seed);
            for f in 0..rec.frame_count() {
                for j in [l, r] {
                    let p = rec.positions.get(f, j).unwrap();
                    let p = if rng.next_f64() < missing {
                        relearn_core::Vec3::new(f64::NAN, f64::NAN, f64::NAN)
                    } else {
                        p + relearn_core::Vec3::UP * (lift * rng.next_f64())
                    };
                    rec.positions.set(f, j, p);
                }
            }
            let n = rec.frame_count();
            let found = lifted_leg(&rec, 0, n);
            let mut swapped = rec.clone();
            for f in 0..n {
                let (a, b) = (rec.positions.get(f, l), rec.positions.get(f, r));
                let nan = relearn_core::Vec3::new(f64::NAN, f64::NAN, f64::NAN);
                swapped.positions.set(f, l, b.unwrap_or(nan));
                swapped.positions.set(f, r, a.unwrap_or(nan));
            }
            let other = found.map(|s| match s {
                Side::Left => Side::Right,
                Side::Right => Side::Left,
            });
            proptest::prop_assert_eq!(lifted_leg(&swapped, 0, n), other);
        }
    }
}
