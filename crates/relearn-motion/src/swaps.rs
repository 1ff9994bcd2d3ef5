//! Left-right swaps: a tracker that confuses the left and right leg (or arm) for a moment, and
//! puts them back.
//!
//! Depth cameras and keypoint detectors label limbs by appearance, and when the legs pass each
//! other, or the person turns, they can give the left knee the right knee's position for a
//! few frames (Shotton et al. 2011 discuss the left-right ambiguity of the Kinect's body-part
//! labels; markerless pipelines relabel by continuity). A swap is invisible to the gap filler
//! and the low-pass filter, but not to the scoring: half a second of swapped legs changed a
//! quarter of the UI-PRMD verdicts (VALIDATION.md §4, "Tracking glitches").
//!
//! **Detection, by continuity.** For each limb (the legs: hip, knee, ankle, heel, foot; the
//! arms: shoulder, elbow, wrist, hand; joints without a landmark follow the landmark joint
//! they hang from, paired by name), between consecutive frames: the squared jumps of the
//! limb's joints if the labels are kept, `keep = Σ |Lₜ − Lₜ₋₁|² + |Rₜ − Rₜ₋₁|²`, and if they
//! are exchanged, `swap = Σ |Lₜ − Rₜ₋₁|² + |Rₜ − Lₜ₋₁|²`. The labels flip at frame `t` when
//! the exchanged labels fit [`SWAP_FIT_RATIO`] times better and keeping them would mean a
//! jump of at least [`MIN_SWAP_JUMP_M`] per joint: a person's joints do not move 5 cm in a
//! thirtieth of a second while the other side's joint happens to be where they were.
//!
//! **Repair, by majority.** The flips split the recording into stretches of alternating
//! labelling; the labelling of most frames is taken as the right one, and the limb's joints
//! are exchanged back in the other stretches, when those are at most [`MAX_SWAPPED_SHARE`] of
//! the recording. Otherwise (the labelling is too evenly split to tell) nothing is changed
//! and the warning says so. Every repair is reported as a warning (`left_right_swap`).

use crate::channels::mirrored_joint_name;
use relearn_core::skeleton::Landmark;
use relearn_core::{Recording, Side, Vec3, Warning};

/// Smallest jump per joint (RMS over the limb's joints, metres, between consecutive frames)
/// that keeping the labels would mean for a flip to be detected: 5 cm (*Relearn default*: at
/// 30 Hz, 1.5 m/s, faster than the joints of a rehabilitation exercise move).
pub const MIN_SWAP_JUMP_M: f64 = 0.05;

/// How much better (in summed squared jumps) the exchanged labels must fit: 4, twice in RMS
/// distance (*Relearn default*).
pub const SWAP_FIT_RATIO: f64 = 4.0;

/// The largest share of a recording's frames that is put back (*Relearn default*): above, the
/// two labellings are too evenly split to tell which is right.
pub const MAX_SWAPPED_SHARE: f64 = 0.4;

/// Which limb a paired landmark belongs to.
fn limb(l: Landmark) -> Option<&'static str> {
    use Landmark::*;
    match l {
        LeftHip | RightHip | LeftKnee | RightKnee | LeftAnkle | RightAnkle | LeftHeel
        | RightHeel | LeftFoot | RightFoot => Some("legs"),
        LeftShoulder | RightShoulder | LeftElbow | RightElbow | LeftWrist | RightWrist
        | LeftHand | RightHand => Some("arms"),
        _ => None,
    }
}

/// The limbs of a skeleton with their (left, right) joint pairs.
fn limb_pairs(rec: &Recording) -> Vec<(&'static str, Vec<(usize, usize)>)> {
    let joints = rec.skeleton.joints();
    // The landmark a joint stands for, or the nearest one it hangs from.
    let anchor = |mut j: usize| -> Option<Landmark> {
        for _ in 0..joints.len() {
            let joint = joints.get(j)?;
            if let Some(l) = joint.landmark {
                return Some(l);
            }
            j = joint.parent?;
        }
        None
    };
    let mut out: Vec<(&'static str, Vec<(usize, usize)>)> = Vec::new();
    for (j, joint) in joints.iter().enumerate() {
        let Some(a) = anchor(j) else { continue };
        let (Some(name), Some(Side::Left)) = (limb(a), a.side()) else {
            continue;
        };
        let partner = match joint.landmark {
            Some(l) => rec.skeleton.landmark(l.mirrored()),
            None => rec
                .skeleton
                .joint_index(&mirrored_joint_name(&joint.name))
                .filter(|&k| k != j),
        };
        let Some(partner) = partner else { continue };
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, pairs)) => pairs.push((j, partner)),
            None => out.push((name, vec![(j, partner)])),
        }
    }
    out
}

/// Frames at which a limb's labels flip relative to the frame before (module documentation).
fn flips(rec: &Recording, pairs: &[(usize, usize)]) -> Vec<usize> {
    let p = &rec.positions;
    let mut out = Vec::new();
    for t in 1..rec.frame_count() {
        let (mut keep, mut swap, mut n) = (0.0, 0.0, 0usize);
        for &(l, r) in pairs {
            if let (Some(l0), Some(r0), Some(l1), Some(r1)) =
                (p.get(t - 1, l), p.get(t - 1, r), p.get(t, l), p.get(t, r))
            {
                keep += (l1 - l0).norm().powi(2) + (r1 - r0).norm().powi(2);
                swap += (l1 - r0).norm().powi(2) + (r1 - l0).norm().powi(2);
                n += 1;
            }
        }
        if n > 0
            && swap * SWAP_FIT_RATIO < keep
            && keep / (2 * n) as f64 > MIN_SWAP_JUMP_M * MIN_SWAP_JUMP_M
        {
            out.push(t);
        }
    }
    out
}

/// Puts back the limbs a tracker swapped left for right (module documentation); returns a
/// warning per limb that was repaired, or that looked swapped but could not be told.
pub fn repair_left_right_swaps(rec: &mut Recording) -> Vec<Warning> {
    let frames = rec.frame_count();
    let mut warnings = Vec::new();
    for (name, pairs) in limb_pairs(rec) {
        let flipped = flips(rec, &pairs);
        if flipped.is_empty() {
            continue;
        }
        // Stretches of the labelling that differs from the first frame's.
        let mut stretches = Vec::new();
        let mut bounds = flipped.clone();
        bounds.push(frames);
        for k in (0..flipped.len()).step_by(2) {
            stretches.push((bounds[k], bounds[k + 1]));
        }
        let odd: usize = stretches.iter().map(|(a, b)| b - a).sum();
        // The labelling of most frames is the right one.
        let swapped: Vec<(usize, usize)> = if 2 * odd <= frames {
            stretches
        } else {
            let mut other = Vec::new();
            let mut start = 0;
            for &(a, b) in &stretches {
                if a > start {
                    other.push((start, a));
                }
                start = b;
            }
            if start < frames {
                other.push((start, frames));
            }
            other
        };
        let total: usize = swapped.iter().map(|(a, b)| b - a).sum();
        let rate = rec.rate_hz;
        if total as f64 > MAX_SWAPPED_SHARE * frames as f64 {
            warnings.push(Warning::new(
                "left_right_swap",
                format!(
                    "the {name} look swapped left for right {} time(s), but the two labellings \
                     are too evenly split to tell which is right: nothing was changed; check \
                     the tracking",
                    flipped.len()
                ),
            ));
            continue;
        }
        let missing = Vec3::new(f64::NAN, f64::NAN, f64::NAN);
        for &(a, b) in &swapped {
            for t in a..b {
                for &(l, r) in &pairs {
                    let (pl, pr) = (rec.positions.get(t, l), rec.positions.get(t, r));
                    rec.positions.set(t, l, pr.unwrap_or(missing));
                    rec.positions.set(t, r, pl.unwrap_or(missing));
                }
            }
        }
        let longest = swapped.iter().max_by_key(|(a, b)| b - a).copied();
        if let Some((a, b)) = longest {
            warnings.push(Warning::new(
                "left_right_swap",
                format!(
                    "the tracker swapped the {name} left for right in {} stretch(es), {:.2} s in \
                     all (longest {:.2} s at {:.2} s); they were put back",
                    swapped.len(),
                    total as f64 / rate,
                    (b - a) as f64 / rate,
                    a as f64 / rate
                ),
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{simulate_squat, SimFrame, SquatSimulation};

    fn squats() -> Recording {
        let sim = SquatSimulation {
            reps: 3,
            frame: SimFrame::Lab,
            ..SquatSimulation::default()
        };
        simulate_squat(&sim).unwrap().0
    }

    /// Exchanges the named limb's joints over frames `a..b`, as a tracker would.
    fn swap(rec: &mut Recording, limb_name: &str, a: usize, b: usize) {
        let pairs = limb_pairs(rec)
            .into_iter()
            .find(|(n, _)| *n == limb_name)
            .unwrap()
            .1;
        for t in a..b {
            for &(l, r) in &pairs {
                let (pl, pr) = (
                    rec.positions.get(t, l).unwrap(),
                    rec.positions.get(t, r).unwrap(),
                );
                rec.positions.set(t, l, pr);
                rec.positions.set(t, r, pl);
            }
        }
    }

    #[test]
    fn a_clean_recording_is_left_alone() {
        let mut rec = squats();
        let before = rec.positions.clone();
        assert!(repair_left_right_swaps(&mut rec).is_empty());
        assert_eq!(rec.positions, before);
    }

    #[test]
    fn swapped_legs_and_arms_are_put_back_exactly() {
        let clean = squats();
        let n = clean.frame_count();
        for (limb_name, a, b) in [
            ("legs", n / 2, n / 2 + 15),
            ("arms", n / 3, n / 3 + 9),
            // From the first frame: the labelling of most frames still wins.
            ("legs", 0, 12),
        ] {
            let mut rec = clean.clone();
            swap(&mut rec, limb_name, a, b);
            assert_ne!(rec.positions, clean.positions);
            let warnings = repair_left_right_swaps(&mut rec);
            assert_eq!(rec.positions, clean.positions, "{limb_name} {a}..{b}");
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(
                warnings[0].message.contains(limb_name),
                "{}",
                warnings[0].message
            );
            assert!(
                warnings[0].message.contains("put back"),
                "{}",
                warnings[0].message
            );
        }
    }

    #[test]
    fn an_even_split_is_reported_and_not_changed() {
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        swap(&mut rec, "legs", n / 4, n / 4 + n / 2);
        let before = rec.positions.clone();
        let warnings = repair_left_right_swaps(&mut rec);
        assert_eq!(rec.positions, before);
        assert!(
            warnings[0].message.contains("too evenly split"),
            "{warnings:?}"
        );
    }

    #[test]
    fn every_kinect_limb_joint_is_paired() {
        let rec = squats();
        let legs = limb_pairs(&rec)
            .into_iter()
            .find(|(n, _)| *n == "legs")
            .unwrap()
            .1;
        // Kinect v2: hip, knee, ankle, foot on each side.
        assert!(legs.len() >= 4, "{legs:?}");
    }
}
