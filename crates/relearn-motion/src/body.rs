//! The body frame of `clinical-spec.md` §6 and the camera view of 2-D recordings.
//!
//! Body frame: `up = Z` (lab vertical); `lateral = normalise(right_hip − left_hip)` projected
//! onto the horizontal plane (pointing to the person's right); `forward = up × lateral`
//! (pointing where the person faces). Sagittal plane = span(up, forward); frontal plane =
//! span(up, lateral). Measures use this frame, never the camera's axes, so a measure does not
//! change when the camera moves (`product-notes.md`, "Facing").
//!
//! For 2-D image recordings only the plane the camera sees exists: [`View`] says whether the
//! camera looks at the person from the front or from the side, detected from the apparent hip
//! width relative to trunk length.

use relearn_core::{Dimensions, Landmark, Recording, Side, Vec3};
use serde::{Deserialize, Serialize};

/// What the recording can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Full 3-D positions: every plane is measurable.
    ThreeD,
    /// A 2-D camera facing the person (or their back): the frontal plane is measurable.
    Frontal2D,
    /// A 2-D camera at the person's side: the sagittal plane is measurable.
    Sagittal2D,
}

impl View {
    /// Plain-language description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            View::ThreeD => "3-D recording: all planes measured",
            View::Frontal2D => {
                "2-D camera facing the person: frontal-plane measures only (no flexion angles)"
            }
            View::Sagittal2D => {
                "2-D camera at the person's side: sagittal-plane measures only (no valgus, lean \
                 or pelvic drop)"
            }
        }
    }
}

/// Apparent hip width / trunk length above which a 2-D view counts as frontal: 0.2. Hip joint
/// centres are about 0.17-0.2 m apart and the trunk about 0.5 m long (ratio ≈ 0.35-0.4 seen
/// from the front, near 0 from the side); 0.2 splits the two (*Relearn default*).
pub const FRONTAL_WIDTH_RATIO: f64 = 0.2;

/// An orthonormal body frame (all unit vectors in the lab frame).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BodyFrame {
    /// Towards the person's right, horizontal.
    pub lateral: Vec3,
    /// Where the person faces, horizontal.
    pub forward: Vec3,
    /// Lab vertical.
    pub up: Vec3,
}

impl BodyFrame {
    /// Builds the frame from a horizontal "towards the right" direction; `None` if it is
    /// vertical or degenerate.
    pub fn from_lateral(right_direction: Vec3) -> Option<BodyFrame> {
        let up = Vec3::UP;
        let lateral = right_direction.reject_from(up).normalized()?;
        Some(BodyFrame {
            lateral,
            forward: up.cross(lateral),
            up,
        })
    }

    /// Builds the frame from a horizontal facing direction.
    pub fn from_forward(forward: Vec3) -> Option<BodyFrame> {
        let up = Vec3::UP;
        let forward = forward.reject_from(up).normalized()?;
        Some(BodyFrame {
            lateral: forward.cross(up),
            forward,
            up,
        })
    }

    /// Coordinates of a lab vector in this frame: (lateral, forward, up).
    pub fn to_body(&self, v: Vec3) -> Vec3 {
        Vec3::new(v.dot(self.lateral), v.dot(self.forward), v.dot(self.up))
    }

    /// The unit vector pointing away from the midline on `side` (lateral for the right side).
    pub fn outward(&self, side: Side) -> Vec3 {
        match side {
            Side::Right => self.lateral,
            Side::Left => -self.lateral,
        }
    }
}

/// Mean of the landmarks present at a frame.
pub fn mean_of(rec: &Recording, frame: usize, set: &[Landmark]) -> Option<Vec3> {
    let mut sum = Vec3::ZERO;
    let mut n = 0usize;
    for l in set {
        if let Some(p) = rec.landmark(frame, *l) {
            sum = sum + p;
            n += 1;
        }
    }
    (n > 0).then(|| sum / n as f64)
}

/// Mid-hip: mean of both hip centres, or the pelvis landmark when a hip is missing
/// (`clinical-spec.md` §6).
pub fn mid_hip(rec: &Recording, frame: usize) -> Option<Vec3> {
    match (
        rec.landmark(frame, Landmark::LeftHip),
        rec.landmark(frame, Landmark::RightHip),
    ) {
        (Some(l), Some(r)) => Some(l.midpoint(r)),
        _ => rec.landmark(frame, Landmark::Pelvis),
    }
}

/// Mid-shoulder: mean of both shoulder centres, or the thorax (then neck) landmark.
pub fn mid_shoulder(rec: &Recording, frame: usize) -> Option<Vec3> {
    match (
        rec.landmark(frame, Landmark::LeftShoulder),
        rec.landmark(frame, Landmark::RightShoulder),
    ) {
        (Some(l), Some(r)) => Some(l.midpoint(r)),
        _ => rec
            .landmark(frame, Landmark::Thorax)
            .or_else(|| rec.landmark(frame, Landmark::Neck)),
    }
}

/// The horizontal "towards the right" direction at a frame: from the hips, else from the
/// shoulders.
pub(crate) fn right_direction(rec: &Recording, frame: usize) -> Option<Vec3> {
    let pair = |l: Landmark, r: Landmark| -> Option<Vec3> {
        let d = (rec.landmark(frame, r)? - rec.landmark(frame, l)?).reject_from(Vec3::UP);
        (d.norm() > 1e-6).then_some(d)
    };
    pair(Landmark::LeftHip, Landmark::RightHip)
        .or_else(|| pair(Landmark::LeftShoulder, Landmark::RightShoulder))
}

/// Detects what a recording can see: 3-D, or a frontal or sagittal 2-D view.
pub fn detect_view(rec: &Recording) -> View {
    if rec.dimensions == Dimensions::Three {
        return View::ThreeD;
    }
    let mut ratios = Vec::new();
    for f in 0..rec.frame_count() {
        let (Some(h), Some(s)) = (mid_hip(rec, f), mid_shoulder(rec, f)) else {
            continue;
        };
        let trunk = (s - h).norm();
        let width = match (
            rec.landmark(f, Landmark::LeftHip),
            rec.landmark(f, Landmark::RightHip),
        ) {
            (Some(l), Some(r)) => (r - l).norm(),
            _ => continue,
        };
        if trunk > 1e-6 {
            ratios.push(width / trunk);
        }
    }
    match relearn_core::stats::median(&ratios) {
        Some(r) if r < FRONTAL_WIDTH_RATIO => View::Sagittal2D,
        _ => View::Frontal2D,
    }
}

/// The direction a person seen from the side faces in a 2-D sagittal view: toes ahead of the
/// ankles, else nose ahead of the mid-shoulder, over the recording; `None` if undecidable.
fn sagittal_facing(rec: &Recording) -> Option<Vec3> {
    sagittal_facing_in(rec, 0, rec.frame_count())
}

/// [`sagittal_facing`] over frames `start..end` only.
pub(crate) fn sagittal_facing_in(rec: &Recording, start: usize, end: usize) -> Option<Vec3> {
    let mut votes = 0.0;
    for f in start..end.min(rec.frame_count()) {
        for side in Side::BOTH {
            if let (Some(t), Some(a)) = (
                rec.landmark(f, Landmark::LeftFoot.on(side)),
                rec.landmark(f, Landmark::LeftAnkle.on(side)),
            ) {
                votes += (t - a).x.signum();
            }
        }
        if let (Some(n), Some(s)) = (rec.landmark(f, Landmark::Nose), mid_shoulder(rec, f)) {
            votes += (n - s).x.signum();
        }
    }
    if votes > 0.0 {
        Some(Vec3::new(1.0, 0.0, 0.0))
    } else if votes < 0.0 {
        Some(Vec3::new(-1.0, 0.0, 0.0))
    } else {
        None
    }
}

/// Window over which the hip line is averaged to orient the body frame: 2 s, about one
/// repetition. `clinical-spec.md` §6 defines the body frame per repetition; averaging over a
/// centred window gives that without needing the segmentation first, and still follows a
/// person who turns between repetitions. A per-frame hip line is not good enough: 3 mm of
/// noise on hips 18 cm apart tilts the frontal plane by about 1°, and at the bottom of a
/// squat, where the thigh points 40 cm forward, that tilt moves the projected knee by about
/// 1 cm and the frontal-plane projection angle by several degrees (*Relearn default*).
pub const BODY_FRAME_WINDOW_S: f64 = 2.0;

/// The body frame of a span of frames (a repetition), as `clinical-spec.md` §6 defines it:
/// the hip line averaged over the span (the facing direction for a 2-D side view). `None`
/// when no frame of the span has hips or shoulders. Costs O(span), so scoring the repetitions
/// of a long recording stays linear in its length.
pub fn span_body_frame(rec: &Recording, view: View, start: usize, end: usize) -> Option<BodyFrame> {
    let end = end.min(rec.frame_count());
    match view {
        View::Sagittal2D => {
            let facing = sagittal_facing_in(rec, start, end).unwrap_or(Vec3::new(1.0, 0.0, 0.0));
            BodyFrame::from_forward(facing)
        }
        View::ThreeD | View::Frontal2D => {
            let mut sum = Vec3::ZERO;
            for f in start..end {
                if let Some(d) = right_direction(rec, f).and_then(Vec3::normalized) {
                    sum = sum + d;
                }
            }
            BodyFrame::from_lateral(sum)
        }
    }
}

/// Body frames for every frame of a lab-frame recording (`None` where the hips and shoulders
/// are missing). For a 2-D sagittal view the frame comes from the facing direction; for a
/// frontal view and 3-D from the hip line averaged over [`BODY_FRAME_WINDOW_S`].
pub fn body_frames(rec: &Recording, view: View) -> Vec<Option<BodyFrame>> {
    let n = rec.frame_count();
    match view {
        View::Sagittal2D => {
            let facing = sagittal_facing(rec).unwrap_or(Vec3::new(1.0, 0.0, 0.0));
            let frame = BodyFrame::from_forward(facing);
            vec![frame; n]
        }
        View::ThreeD | View::Frontal2D => {
            let raw: Vec<Option<Vec3>> = (0..n)
                .map(|f| right_direction(rec, f).and_then(|d| d.normalized()))
                .collect();
            // Running sums make the centred moving average O(n).
            let mut prefix = Vec::with_capacity(n + 1);
            let mut acc = Vec3::ZERO;
            prefix.push(acc);
            for d in &raw {
                acc = acc + d.unwrap_or(Vec3::ZERO);
                prefix.push(acc);
            }
            let half = ((BODY_FRAME_WINDOW_S * rec.rate_hz / 2.0).round() as usize).max(1);
            (0..n)
                .map(|f| {
                    raw.get(f).copied().flatten()?;
                    let lo = f.saturating_sub(half);
                    let hi = (f + half + 1).min(n);
                    let sum = *prefix.get(hi)? - *prefix.get(lo)?;
                    BodyFrame::from_lateral(sum)
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_frame_is_right_handed_with_forward_ahead() {
        let f = BodyFrame::from_lateral(Vec3::new(1.0, 0.0, 0.3)).unwrap();
        assert!((f.lateral - Vec3::new(1.0, 0.0, 0.0)).norm() < 1e-12);
        assert!((f.forward - Vec3::new(0.0, 1.0, 0.0)).norm() < 1e-12);
        assert!((f.lateral.cross(f.forward) - f.up).norm() < 1e-12);
        let g = BodyFrame::from_forward(f.forward).unwrap();
        assert!((g.lateral - f.lateral).norm() < 1e-12);
    }

    #[test]
    fn vertical_lateral_direction_has_no_frame() {
        assert!(BodyFrame::from_lateral(Vec3::UP).is_none());
    }
}
