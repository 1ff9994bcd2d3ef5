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
//! **Repair, by anatomy or by majority.** The flips split the recording into stretches of
//! alternating labelling. The right labelling is the one in which the limb (the sum of its
//! pairs' left-to-right vectors) points left to right the same way as the other limb's root
//! (the shoulders for the legs, the hips for the arms), when one labelling agrees in at least [`ANATOMY_CLEAR_SHARE`] of its frames and
//! the other disagrees as clearly (the pelvis and the shoulder girdle do not turn half a turn
//! against each other). When both labellings agree with the other limb, the flips were not a
//! swap of this limb against the body (a glitch of a frame, or the whole body relabelled as a
//! person turns, which this cannot mend) and nothing is done. Otherwise the labelling of most
//! frames is taken as the right one, if the other is at most [`MAX_SWAPPED_SHARE`] of the
//! recording; otherwise nothing is changed and the warning says so. The limb's joints are
//! exchanged back in the wrong stretches, and every repair is reported as a warning
//! (`left_right_swap`).

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

/// Share of frames that settles which labelling is right by anatomy: in at least this share
/// of one labelling's frames the limb's left-right direction agrees with the other limb's,
/// and in at most `1 −` it of the other's (0.8, *Relearn default*).
pub const ANATOMY_CLEAR_SHARE: f64 = 0.8;

/// The landmarks at the root of the other limb (the shoulders for the legs, the hips for the
/// arms), whose left-right direction a limb's agrees with in a body (the pelvis and the
/// shoulder girdle do not turn half a turn against each other).
fn other_root(limb_name: &str) -> Option<(Landmark, Landmark)> {
    use Landmark::*;
    match limb_name {
        "legs" => Some((LeftShoulder, RightShoulder)),
        "arms" => Some((LeftHip, RightHip)),
        _ => None,
    }
}

/// Share of the frames of `stretches` in which the limb points left to right (the sum of its
/// pairs' left-to-right vectors, so that a tracker that swaps only the knees and ankles is
/// seen too) the same way as the other limb's root (`None` without such frames).
fn agreement(
    rec: &Recording,
    pairs: &[(usize, usize)],
    other: (usize, usize),
    stretches: &[(usize, usize)],
) -> Option<f64> {
    let p = &rec.positions;
    let (mut agree, mut n) = (0usize, 0usize);
    for &(a, b) in stretches {
        for t in a..b {
            let (Some(ol), Some(or)) = (p.get(t, other.0), p.get(t, other.1)) else {
                continue;
            };
            let across = pairs
                .iter()
                .filter_map(|&(l, r)| Some(p.get(t, r)? - p.get(t, l)?))
                .fold(Vec3::ZERO, |s, v| s + v);
            if across.norm() > 0.0 {
                n += 1;
                agree += usize::from(across.dot(or - ol) > 0.0);
            }
        }
    }
    (n > 0).then(|| agree as f64 / n as f64)
}

/// What anatomy says of the `odd` and `even` stretches ([`Anatomy`]); `None` when it cannot
/// tell (no other limb, or no clear agreement or disagreement).
fn anatomical_choice(
    rec: &Recording,
    limb_name: &str,
    pairs: &[(usize, usize)],
    odd: &[(usize, usize)],
    even: &[(usize, usize)],
) -> Option<Anatomy> {
    let (ol, or) = other_root(limb_name)?;
    let s = &rec.skeleton;
    let other = (s.landmark(ol)?, s.landmark(or)?);
    let odd_agree = agreement(rec, pairs, other, odd)?;
    let even_agree = agreement(rec, pairs, other, even)?;
    let clear = ANATOMY_CLEAR_SHARE;
    if odd_agree <= 1.0 - clear && even_agree >= clear {
        Some(Anatomy::SwapOdd)
    } else if odd_agree >= clear && even_agree <= 1.0 - clear {
        Some(Anatomy::SwapEven)
    } else if odd_agree >= clear && even_agree >= clear {
        Some(Anatomy::Consistent)
    } else {
        None
    }
}

/// What the other limb says of a limb's two labellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anatomy {
    /// The stretches of the labelling that differs from the first frame's are the swapped ones.
    SwapOdd,
    /// The others are.
    SwapEven,
    /// Both agree with the other limb: the flips were not a swap of this limb against the
    /// body (a glitch of a frame or two, or the whole body relabelled, which this cannot mend).
    Consistent,
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
        let mut complement = Vec::new();
        let mut start = 0;
        for &(a, b) in &stretches {
            if a > start {
                complement.push((start, a));
            }
            start = b;
        }
        if start < frames {
            complement.push((start, frames));
        }
        let length = |v: &[(usize, usize)]| v.iter().map(|(a, b)| b - a).sum::<usize>();
        // Which labelling is wrong: the one whose left-right direction disagrees with the other
        // limb's (anatomy), else the one of fewer frames (majority).
        let anatomy = anatomical_choice(rec, name, &pairs, &stretches, &complement);
        let swapped = match anatomy {
            Some(Anatomy::SwapOdd) => stretches,
            Some(Anatomy::SwapEven) => complement,
            Some(Anatomy::Consistent) => continue,
            None if 2 * length(&stretches) <= frames => stretches,
            None => complement,
        };
        let total = length(&swapped);
        let rate = rec.rate_hz;
        if anatomy.is_none() && total as f64 > MAX_SWAPPED_SHARE * frames as f64 {
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
                     all (longest {:.2} s at {:.2} s); they were put back{}",
                    swapped.len(),
                    total as f64 / rate,
                    (b - a) as f64 / rate,
                    a as f64 / rate,
                    if anatomy.is_some() {
                        " (the other limbs show which side is which)"
                    } else {
                        ""
                    }
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
    fn a_swap_that_never_changes_back_is_settled_by_the_other_limbs() {
        // The legs swapped from the middle of the recording to its end: half the frames each
        // way, so the majority cannot tell, but the shoulders show which side is which.
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        swap(&mut rec, "legs", n / 2, n);
        let warnings = repair_left_right_swaps(&mut rec);
        assert_eq!(rec.positions, clean.positions);
        assert!(warnings[0].message.contains("other limbs"), "{warnings:?}");
    }

    #[test]
    fn legs_and_arms_swapped_together_are_left_alone() {
        // The whole body relabelled (a person turning their back to a depth camera): the
        // limbs agree with each other either way, so this is not a limb swapped against the
        // body, and nothing is changed.
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        swap(&mut rec, "legs", n / 4, n / 4 + n / 2);
        swap(&mut rec, "arms", n / 4, n / 4 + n / 2);
        let before = rec.positions.clone();
        assert!(repair_left_right_swaps(&mut rec).is_empty());
        assert_eq!(rec.positions, before);
    }

    #[test]
    fn an_even_split_without_the_other_limb_is_reported_and_not_changed() {
        // Without shoulders to compare with, half the recording each way cannot be told.
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        swap(&mut rec, "legs", n / 4, n / 4 + n / 2);
        for side in ["ShoulderLeft", "ShoulderRight"] {
            let j = rec.skeleton.joint_index(side).unwrap();
            for t in 0..n {
                rec.positions
                    .set(t, j, Vec3::new(f64::NAN, f64::NAN, f64::NAN));
            }
        }
        let before = rec.positions.clone();
        let warnings = repair_left_right_swaps(&mut rec);
        // Bit for bit (the missing shoulders are NaN, which `==` never equals).
        let bits = |t: &relearn_core::PositionTable| -> Vec<u32> {
            t.values().iter().map(|v| v.to_bits()).collect()
        };
        assert!(bits(&rec.positions) == bits(&before), "changed");
        assert!(
            warnings[0].message.contains("too evenly split"),
            "{warnings:?}"
        );
    }

    proptest::proptest! {
        /// On any positions, missing samples included: no panic, and every frame keeps the
        /// same positions, at most exchanged between a limb's left and right joints.
        #[test]
        fn the_repair_only_ever_exchanges_a_limbs_left_and_right(
            frames in 3usize..80,
            seed in proptest::num::u64::ANY,
            missing in 0.0f64..0.3,
            jump in 0.0f64..0.5,
        ) {
            let mut rec = squats();
            let frames = frames.min(rec.frame_count());
            rec = rec.slice_frames(0, frames);
            let mut rng = relearn_core::rng::SplitMix64::new(seed);
            for t in 0..frames {
                for j in 0..rec.skeleton.len() {
                    if rng.next_f64() < missing {
                        rec.positions.set(t, j, Vec3::new(f64::NAN, f64::NAN, f64::NAN));
                    } else if let Some(x) = rec.positions.get(t, j) {
                        let d = Vec3::new(rng.normal(), rng.normal(), rng.normal()) * jump;
                        rec.positions.set(t, j, x + d);
                    }
                }
            }
            let before = rec.clone();
            let _ = repair_left_right_swaps(&mut rec);
            let pairs: Vec<(usize, usize)> =
                limb_pairs(&rec).into_iter().flat_map(|(_, p)| p).collect();
            let bits = |v: Option<Vec3>| v.map(|v| (v.x.to_bits(), v.y.to_bits(), v.z.to_bits()));
            for t in 0..frames {
                for j in 0..rec.skeleton.len() {
                    let now = bits(rec.positions.get(t, j));
                    let partner = pairs.iter().find_map(|&(l, r)| {
                        (l == j).then_some(r).or((r == j).then_some(l))
                    });
                    let was = bits(before.positions.get(t, j));
                    let other = partner.map(|k| bits(before.positions.get(t, k)));
                    proptest::prop_assert!(now == was || Some(now) == other, "frame {t} joint {j}");
                }
            }
        }
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
