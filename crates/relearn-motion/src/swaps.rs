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
//! swap of this limb against the body (a glitch of a frame) and nothing is done. Otherwise the
//! labelling of most frames is taken as the right one, if the other is at most
//! [`MAX_SWAPPED_SHARE`] of the recording; otherwise nothing is changed and the warning says
//! so. The limb's joints are exchanged back in the wrong stretches, and every repair is
//! reported as a warning (`left_right_swap`).
//!
//! **The whole body relabelled.** A depth camera that assumes the person faces it relabels
//! every limb at once when the person turns side-on or away (the Kinect's body-part labels are
//! learnt from people facing it, Shotton et al. 2011). Each limb then agrees with the
//! others in both labellings, so anatomy cannot tell. Frames at which every limb flips by its
//! own continuity test are taken first as flips of the whole body, and settled by majority
//! alone, with the same [`MAX_SWAPPED_SHARE`]; the limbs are then checked one by one. The labelling of most of
//! the recording is taken as the right one: a rehabilitation exercise is performed facing the
//! camera, and a recording made mostly from behind would be put the wrong way round, which
//! the warning says. Every left-right pair is exchanged: the limbs' and the other joints whose
//! names say their side (UI-PRMD's collars); points named otherwise (COCO's `LEye`) are not,
//! and no measure uses them.

use crate::channels::mirrored_joint_name;
use relearn_core::skeleton::{Landmark, Skeleton};
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
fn limb_pairs(skeleton: &Skeleton) -> Vec<(&'static str, Vec<(usize, usize)>)> {
    let joints = skeleton.joints();
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
            Some(l) => skeleton.landmark(l.mirrored()),
            None => skeleton
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

/// Puts back the limbs a tracker swapped left for right, and a whole body it relabelled
/// (module documentation); returns a warning per repair, and per swap that could not be told.
pub fn repair_left_right_swaps(rec: &mut Recording) -> Vec<Warning> {
    let limbs = limb_pairs(&rec.skeleton);
    let mut warnings = Vec::new();
    // The whole body first: with every limb relabelled together, each limb agrees with the
    // others in both labellings and the limb-by-limb check below cannot see it.
    if limbs.len() >= 2 {
        // Frames at which every limb flips by its own test. (Not the test on all pairs at
        // once: with the arms swapped alone, exchanging every pair can still fit better when
        // the legs are closer together than the arms.)
        let each: Vec<Vec<usize>> = limbs.iter().map(|(_, p)| flips(rec, p)).collect();
        let together: Vec<usize> = each[0]
            .iter()
            .copied()
            .filter(|t| each[1..].iter().all(|f| f.binary_search(t).is_ok()))
            .collect();
        let all = whole_body_pairs(&rec.skeleton, &limbs);
        warnings.extend(repair_stretches(rec, WHOLE_BODY, &all, &together));
    }
    for (name, pairs) in limbs {
        let flipped = flips(rec, &pairs);
        warnings.extend(repair_stretches(rec, name, &pairs, &flipped));
    }
    warnings
}

/// Every left-right pair of the body: the limbs' and the other joints whose names say their
/// side (UI-PRMD's collars, MediaPipe's eyes and ears), which a tracker relabelling the whole
/// body exchanges too.
fn whole_body_pairs(
    skeleton: &Skeleton,
    limbs: &[(&'static str, Vec<(usize, usize)>)],
) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = limbs.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    for (j, joint) in skeleton.joints().iter().enumerate() {
        let paired = |k: usize| all.iter().any(|&(l, r)| l == k || r == k);
        if paired(j)
            || !["left", "Left", "LEFT"]
                .iter()
                .any(|t| joint.name.contains(t))
        {
            continue;
        }
        if let Some(k) = skeleton.joint_index(&mirrored_joint_name(&joint.name)) {
            if k != j && !paired(k) {
                all.push((j, k));
            }
        }
    }
    all
}

/// The name under which the whole body's pairs are checked together.
const WHOLE_BODY: &str = "whole body";

/// Exchanges `pairs` back in the wrong labelling's stretches between the frames where they
/// `flipped` (by anatomy for a limb, else by majority); `None` when nothing flipped, or when
/// anatomy says the flips were not a swap.
fn repair_stretches(
    rec: &mut Recording,
    name: &str,
    pairs: &[(usize, usize)],
    flipped: &[usize],
) -> Option<Warning> {
    let frames = rec.frame_count();
    if flipped.is_empty() {
        return None;
    }
    // Stretches of the labelling that differs from the first frame's.
    let mut stretches = Vec::new();
    let mut bounds = flipped.to_vec();
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
    // limb's (anatomy; not for the whole body, which has no other limb), else the one of fewer
    // frames (majority).
    let anatomy = anatomical_choice(rec, name, pairs, &stretches, &complement);
    let swapped = match anatomy {
        Some(Anatomy::SwapOdd) => stretches,
        Some(Anatomy::SwapEven) => complement,
        Some(Anatomy::Consistent) => return None,
        None if 2 * length(&stretches) <= frames => stretches,
        None => complement,
    };
    let total = length(&swapped);
    let rate = rec.rate_hz;
    let what = if name == WHOLE_BODY {
        "relabelled the whole body".to_string()
    } else {
        format!("swapped the {name}")
    };
    if anatomy.is_none() && total as f64 > MAX_SWAPPED_SHARE * frames as f64 {
        return Some(Warning::new(
            "left_right_swap",
            format!(
                "the tracker looks to have {what} left for right {} time(s), but the two \
                 labellings are too evenly split to tell which is right: nothing was changed; \
                 check the tracking",
                flipped.len()
            ),
        ));
    }
    let missing = Vec3::new(f64::NAN, f64::NAN, f64::NAN);
    for &(a, b) in &swapped {
        for t in a..b {
            for &(l, r) in pairs {
                let (pl, pr) = (rec.positions.get(t, l), rec.positions.get(t, r));
                rec.positions.set(t, l, pr.unwrap_or(missing));
                rec.positions.set(t, r, pl.unwrap_or(missing));
            }
        }
    }
    let (a, b) = swapped.iter().max_by_key(|(a, b)| b - a).copied()?;
    Some(Warning::new(
        "left_right_swap",
        format!(
            "the tracker {what} left for right in {} stretch(es), {:.2} s in all (longest \
             {:.2} s at {:.2} s); {} put back{}",
            swapped.len(),
            total as f64 / rate,
            (b - a) as f64 / rate,
            a as f64 / rate,
            if name == WHOLE_BODY {
                "it was"
            } else {
                "they were"
            },
            if anatomy.is_some() {
                " (the other limbs show which side is which)"
            } else if name == WHOLE_BODY {
                " (the labelling of most of the recording is taken as the right one: a \
                 depth camera does this when the person turns side-on or away from it)"
            } else {
                ""
            }
        ),
    ))
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

    /// Relabels the whole body (legs and arms together) over frames `a..b`, as a depth camera
    /// does when a person turns side-on.
    fn relabel_whole_body(rec: &mut Recording, a: usize, b: usize) {
        swap(rec, "legs", a, b);
        swap(rec, "arms", a, b);
    }

    /// Exchanges the named limb's joints over frames `a..b`, as a tracker would.
    fn swap(rec: &mut Recording, limb_name: &str, a: usize, b: usize) {
        let pairs = limb_pairs(&rec.skeleton)
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
    fn a_whole_body_relabelled_is_put_back_by_majority() {
        // Legs and arms relabelled together (a person turning side-on to a depth camera):
        // each limb agrees with the others in both labellings, so only the majority can tell,
        // and a third of the recording is put back.
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        relabel_whole_body(&mut rec, n / 3, 2 * n / 3);
        let warnings = repair_left_right_swaps(&mut rec);
        assert_eq!(rec.positions, clean.positions);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].message.contains("whole body") && warnings[0].message.contains("put back"),
            "{warnings:?}"
        );
    }

    #[test]
    fn arms_swapped_over_legs_held_together_are_not_taken_for_the_whole_body() {
        // Legs 3 cm apart and arms a shoulder width apart: exchanging every pair fits the arm
        // swap better than keeping the labels, but the legs themselves do not flip.
        let mut clean = squats();
        let n = clean.frame_count();
        let legs = limb_pairs(&clean.skeleton)
            .into_iter()
            .find(|(name, _)| *name == "legs")
            .unwrap()
            .1;
        let (lh, rh) = legs[0];
        for t in 0..n {
            let across = clean.positions.get(t, rh).unwrap() - clean.positions.get(t, lh).unwrap();
            let unit = across * (1.0 / across.norm());
            for &(l, r) in &legs {
                let left = clean.positions.get(t, l).unwrap();
                clean.positions.set(t, r, left + unit * 0.03);
            }
        }
        let mut rec = clean.clone();
        swap(&mut rec, "arms", n / 3, n / 3 + 15);
        let warnings = repair_left_right_swaps(&mut rec);
        assert_eq!(rec.positions, clean.positions);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("arms"), "{warnings:?}");
    }

    #[test]
    fn a_whole_body_relabelled_for_half_the_recording_is_reported_and_not_changed() {
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        relabel_whole_body(&mut rec, n / 4, n / 4 + n / 2);
        let before = rec.positions.clone();
        let warnings = repair_left_right_swaps(&mut rec);
        assert_eq!(rec.positions, before);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].message.contains("whole body")
                && warnings[0].message.contains("too evenly split"),
            "{warnings:?}"
        );
    }

    #[test]
    fn legs_swapped_while_the_body_is_relabelled_are_both_put_back() {
        let clean = squats();
        let n = clean.frame_count();
        let mut rec = clean.clone();
        swap(&mut rec, "legs", n / 5, n / 5 + 10);
        relabel_whole_body(&mut rec, n / 2, n / 2 + n / 5);
        let warnings = repair_left_right_swaps(&mut rec);
        assert_eq!(rec.positions, clean.positions);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
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
        /// same positions, at most exchanged between a left joint and its right partner.
        #[test]
        fn the_repair_only_ever_exchanges_left_and_right_partners(
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
            let pairs = whole_body_pairs(&rec.skeleton, &limb_pairs(&rec.skeleton));
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
        let legs = limb_pairs(&rec.skeleton)
            .into_iter()
            .find(|(n, _)| *n == "legs")
            .unwrap()
            .1;
        // Kinect v2: hip, knee, ankle, foot on each side.
        assert!(legs.len() >= 4, "{legs:?}");
    }

    #[test]
    fn the_whole_body_includes_ui_prmds_collars() {
        let s = relearn_core::skeleton::known::by_name("ui-prmd-22").unwrap();
        let all = whole_body_pairs(&s, &limb_pairs(&s));
        let j = |n: &str| s.joint_index(n).unwrap();
        assert!(
            all.contains(&(j("Left collar"), j("Right collar"))),
            "{all:?}"
        );
        assert!(
            all.contains(&(j("Left upper leg"), j("Right upper leg"))),
            "{all:?}"
        );
        // Three arm joints, four leg joints and the collars, each pair once.
        assert_eq!(all.len(), 8, "{all:?}");
    }
}
