//! Tracking quality of a recording: missing samples, gaps and low-confidence samples per
//! joint. Used by `relearn inspect` and by the analysis to warn about unreliable joints.

use crate::recording::Recording;
use serde::{Deserialize, Serialize};

/// Confidence below which a sample counts as poorly tracked: 0.3, the keypoint threshold of
/// `clinical-spec.md` §5.1 (Kinect "inferred" joints map to 0.5 and count as tracked but are
/// reported separately as `inferred_fraction`).
pub const LOW_CONFIDENCE: f32 = 0.3;

/// A run of consecutive missing frames of one joint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Joint name.
    pub joint: String,
    /// First missing frame.
    pub start_frame: usize,
    /// Number of missing frames.
    pub frames: usize,
}

/// Tracking quality of one joint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointQuality {
    /// Joint name.
    pub name: String,
    /// Fraction of frames with no position (0-1).
    pub missing_fraction: f64,
    /// Fraction of frames whose confidence is below [`LOW_CONFIDENCE`] (0-1).
    pub low_confidence_fraction: f64,
    /// Fraction of frames with a confidence strictly between [`LOW_CONFIDENCE`] and 1 (Kinect
    /// "inferred").
    pub inferred_fraction: f64,
    /// Number of gaps (runs of missing frames, excluding a joint that is never present).
    pub gaps: usize,
    /// Longest gap in frames.
    pub longest_gap_frames: usize,
}

/// Tracking quality of a whole recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackingQuality {
    /// Per joint, in skeleton order.
    pub joints: Vec<JointQuality>,
    /// Fraction of all joint samples that are missing.
    pub missing_fraction: f64,
    /// Fraction of all joint samples below [`LOW_CONFIDENCE`].
    pub low_confidence_fraction: f64,
    /// Every gap, longest first (at most 50 listed).
    pub gaps: Vec<Gap>,
}

/// Computes the tracking quality of a recording.
pub fn tracking_quality(rec: &Recording) -> TrackingQuality {
    let frames = rec.frame_count();
    let mut joints = Vec::with_capacity(rec.skeleton.len());
    let mut gaps = Vec::new();
    let (mut missing_total, mut low_total) = (0usize, 0usize);
    for (j, joint) in rec.skeleton.joints().iter().enumerate() {
        let (mut missing, mut low, mut inferred) = (0usize, 0usize, 0usize);
        let (mut run, mut n_gaps, mut longest) = (0usize, 0usize, 0usize);
        let close = |run: usize, end: usize, gaps: &mut Vec<Gap>| {
            if run > 0 && run < frames {
                gaps.push(Gap {
                    joint: joint.name.clone(),
                    start_frame: end - run,
                    frames: run,
                });
                return true;
            }
            false
        };
        for f in 0..frames {
            if rec.positions.get(f, j).is_none() {
                missing += 1;
                run += 1;
            } else {
                if close(run, f, &mut gaps) {
                    n_gaps += 1;
                    longest = longest.max(run);
                }
                run = 0;
                let c = rec.confidence(f, j);
                if c < LOW_CONFIDENCE {
                    low += 1;
                } else if c < 1.0 {
                    inferred += 1;
                }
            }
        }
        if close(run, frames, &mut gaps) {
            n_gaps += 1;
            longest = longest.max(run);
        }
        missing_total += missing;
        low_total += low;
        let frac = |n: usize| {
            if frames == 0 {
                0.0
            } else {
                n as f64 / frames as f64
            }
        };
        joints.push(JointQuality {
            name: joint.name.clone(),
            missing_fraction: frac(missing),
            low_confidence_fraction: frac(low),
            inferred_fraction: frac(inferred),
            gaps: n_gaps,
            longest_gap_frames: longest,
        });
    }
    gaps.sort_by(|a, b| {
        b.frames
            .cmp(&a.frames)
            .then(a.start_frame.cmp(&b.start_frame))
    });
    gaps.truncate(50);
    let samples = (frames * rec.skeleton.len()).max(1) as f64;
    TrackingQuality {
        joints,
        missing_fraction: missing_total as f64 / samples,
        low_confidence_fraction: low_total as f64 / samples,
        gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Vec3;
    use crate::recording::{PositionTable, SourceInfo};
    use crate::skeleton::Skeleton;

    #[test]
    fn a_three_frame_hole_is_one_gap_of_three() {
        let sk = Skeleton::from_joint_names(&["a", "b"]).unwrap();
        let mut p = PositionTable::missing(10, 2);
        for f in 0..10 {
            p.set(f, 1, Vec3::new(0.0, 0.0, 1.0));
            if !(4..7).contains(&f) {
                p.set(f, 0, Vec3::new(0.0, 0.0, 1.0));
            }
        }
        let r = Recording::new(SourceInfo::default(), sk, 30.0, p).unwrap();
        let q = tracking_quality(&r);
        assert_eq!(q.joints[0].gaps, 1);
        assert_eq!(q.joints[0].longest_gap_frames, 3);
        assert_eq!(q.joints[1].gaps, 0);
        assert_eq!(q.gaps[0].start_frame, 4);
        assert!((q.missing_fraction - 3.0 / 20.0).abs() < 1e-12);
    }
}
