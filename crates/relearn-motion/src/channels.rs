//! The signals a repetition is compared on: clinical measures plus every joint's position in
//! the body frame, so the data-driven scoring works on any skeleton, even one whose joint
//! names mean nothing anatomically.
//!
//! Joint positions are expressed relative to the mid-hip at the start of the span (or the
//! centroid of all joints when there are no hips), in the body frame of the span (lateral,
//! forward, up; the lab axes when the skeleton has no hips or shoulders), and divided by the
//! body size (leg length, else the RMS spread of the joints) so that subjects of different
//! size and recordings in different units compare directly. Units: percent of body size.

use crate::body::{mid_hip, span_body_frame, BodyFrame};
use crate::measures::{Measure, Unit};
use crate::prepare::PreparedRecording;
use relearn_core::{stats, Vec3};
use serde::{Deserialize, Serialize};

/// Body-frame axis of a joint-position channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyAxis {
    /// Towards the person's right.
    Lateral,
    /// Where the person faces.
    Forward,
    /// Vertical.
    Up,
}

impl BodyAxis {
    /// All three axes.
    pub const ALL: [BodyAxis; 3] = [BodyAxis::Lateral, BodyAxis::Forward, BodyAxis::Up];

    /// Words for a positive and a negative displacement along the axis.
    pub fn direction_words(self, positive: bool) -> &'static str {
        match (self, positive) {
            (BodyAxis::Lateral, true) => "further to the right",
            (BodyAxis::Lateral, false) => "further to the left",
            (BodyAxis::Forward, true) => "further forward",
            (BodyAxis::Forward, false) => "further back",
            (BodyAxis::Up, true) => "higher",
            (BodyAxis::Up, false) => "lower",
        }
    }

    fn name(self) -> &'static str {
        match self {
            BodyAxis::Lateral => "lateral",
            BodyAxis::Forward => "forward",
            BodyAxis::Up => "up",
        }
    }
}

/// One compared signal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Channel {
    /// A clinical measure.
    Measure {
        /// The measure.
        measure: Measure,
    },
    /// A joint's position along a body axis, % of body size.
    Joint {
        /// The joint's landmark name when it has one (so different devices match), else its
        /// name in the source.
        joint: String,
        /// The axis.
        axis: BodyAxis,
    },
}

impl Channel {
    /// Stable identifier (`left_knee_flexion`, `left_knee.up`).
    pub fn id(&self) -> String {
        match self {
            Channel::Measure { measure } => measure.id(),
            Channel::Joint { joint, axis } => format!("{joint}.{}", axis.name()),
        }
    }

    /// Unit of the channel's values.
    pub fn unit(&self) -> Unit {
        match self {
            Channel::Measure { measure } => measure.unit(),
            Channel::Joint { .. } => Unit::Percent,
        }
    }

    /// True for a clinical measure.
    pub fn is_measure(&self) -> bool {
        matches!(self, Channel::Measure { .. })
    }
}

/// Identifier of a joint for channels: its landmark's name (`left_knee`), else its source
/// name, so that different devices' joints for the same landmark match.
pub fn joint_key(rec: &relearn_core::Recording, j: usize) -> String {
    let Some(joint) = rec.skeleton.joints().get(j) else {
        return String::new();
    };
    match joint.landmark {
        Some(l) => l.as_str().to_string(),
        None => joint.name.clone(),
    }
}

impl Channel {
    /// The same signal on the other side of the body, and the sign it takes there: left and
    /// right measures and joints swap, sideways positions and the trunk's lateral lean change
    /// sign (the body frame's lateral axis points to the person's right). Measures defined per
    /// side (valgus, abduction, pelvic drop of this side) keep their sign. A joint without a
    /// known landmark mirrors to itself.
    pub fn mirrored(&self) -> (Channel, f64) {
        match self {
            Channel::Measure { measure } => {
                let sign = if measure.kind == crate::measures::MeasureKind::TrunkLateralLean {
                    -1.0
                } else {
                    1.0
                };
                let m = Measure {
                    kind: measure.kind,
                    side: measure.side.map(relearn_core::skeleton::Side::opposite),
                };
                (Channel::Measure { measure: m }, sign)
            }
            Channel::Joint { joint, axis } => {
                let mirrored = relearn_core::skeleton::Landmark::from_joint_name(joint)
                    .filter(|l| l.as_str() == joint)
                    .map_or_else(
                        || mirrored_joint_name(joint),
                        |l| l.mirrored().as_str().to_string(),
                    );
                let sign = if *axis == BodyAxis::Lateral {
                    -1.0
                } else {
                    1.0
                };
                (
                    Channel::Joint {
                        joint: mirrored,
                        axis: *axis,
                    },
                    sign,
                )
            }
        }
    }
}

/// The name of the same joint on the other side for a joint without a landmark, by swapping
/// the words left and right ("Left collar" → "Right collar", "l_toe" is left as it is); a
/// name without either word is its own mirror image.
pub(crate) fn mirrored_joint_name(name: &str) -> String {
    for (a, b) in [
        ("left", "right"),
        ("right", "left"),
        ("Left", "Right"),
        ("Right", "Left"),
        ("LEFT", "RIGHT"),
        ("RIGHT", "LEFT"),
    ] {
        if name.contains(a) {
            return name.replacen(a, b, 1);
        }
    }
    name.to_string()
}

/// For each channel, the index of its mirror image in `channels` and the sign it takes there
/// ([`Channel::mirrored`]); `None` when some channel's mirror image is not in the list, or
/// when no channel is sided (nothing to mirror).
pub fn mirror_map(channels: &[Channel]) -> Option<(Vec<usize>, Vec<f64>)> {
    let mut index = Vec::with_capacity(channels.len());
    let mut sign = Vec::with_capacity(channels.len());
    for c in channels {
        let (m, s) = c.mirrored();
        index.push(channels.iter().position(|x| *x == m)?);
        sign.push(s);
    }
    let sided = index.iter().enumerate().any(|(k, &m)| m != k);
    sided.then_some((index, sign))
}

/// Joint keys of every joint of a recording, in skeleton order.
pub fn joint_keys(rec: &relearn_core::Recording) -> Vec<String> {
    (0..rec.skeleton.len()).map(|j| joint_key(rec, j)).collect()
}

/// Every channel a prepared recording provides, in a stable order (measures first).
pub fn available_channels(p: &PreparedRecording) -> Vec<Channel> {
    let mut v: Vec<Channel> = p
        .measures
        .measures()
        .into_iter()
        .map(|measure| Channel::Measure { measure })
        .collect();
    for j in 0..p.recording.skeleton.len() {
        let joint = joint_key(&p.recording, j);
        for axis in BodyAxis::ALL {
            v.push(Channel::Joint {
                joint: joint.clone(),
                axis,
            });
        }
    }
    v
}

/// Body size used to scale joint channels, metres: leg length, else twice the RMS distance of
/// the joints from their centroid (both about 0.8-1 m for an adult).
pub fn body_size_m(p: &PreparedRecording) -> f64 {
    if let Some(l) = p.leg_length_m.filter(|l| *l > 0.05) {
        return l;
    }
    let rec = &p.recording;
    let mut spreads = Vec::new();
    for f in (0..rec.frame_count()).step_by((rec.frame_count() / 50).max(1)) {
        let pts: Vec<Vec3> = (0..rec.skeleton.len())
            .filter_map(|j| rec.positions.get(f, j))
            .collect();
        if pts.len() < 2 {
            continue;
        }
        let c = pts.iter().fold(Vec3::ZERO, |a, b| a + *b) / pts.len() as f64;
        let ms = pts.iter().map(|p| (*p - c).dot(*p - c)).sum::<f64>() / pts.len() as f64;
        spreads.push(2.0 * ms.sqrt());
    }
    stats::median(&spreads).filter(|s| *s > 1e-6).unwrap_or(1.0)
}

/// The body frame and origin used for the joint channels of a span of frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanFrame {
    /// Axes (lab axes when the skeleton has no hips or shoulders).
    pub frame: BodyFrame,
    /// Origin in the lab frame.
    pub origin: Vec3,
    /// Metres per channel unit × 100 (body size).
    pub size_m: f64,
}

/// The span frame of frames `start..end`: mean body frame over the span, origin at the
/// mid-hip (else joint centroid) averaged over the first 10 % of the span.
pub fn span_frame(p: &PreparedRecording, start: usize, end: usize) -> SpanFrame {
    let rec = &p.recording;
    let end = end.min(rec.frame_count());
    let start = start.min(end);
    let frame = span_body_frame(rec, p.view, start, end).unwrap_or(BodyFrame {
        lateral: Vec3::new(1.0, 0.0, 0.0),
        forward: Vec3::new(0.0, 1.0, 0.0),
        up: Vec3::UP,
    });
    let head_end = (start + ((end - start) / 10).max(1)).min(end);
    let mut origin = Vec3::ZERO;
    let mut n = 0usize;
    for f in start..head_end {
        let o = mid_hip(rec, f).or_else(|| {
            let pts: Vec<Vec3> = (0..rec.skeleton.len())
                .filter_map(|j| rec.positions.get(f, j))
                .collect();
            (!pts.is_empty()).then(|| pts.iter().fold(Vec3::ZERO, |a, b| a + *b) / pts.len() as f64)
        });
        if let Some(o) = o {
            origin = origin + o;
            n += 1;
        }
    }
    if n > 0 {
        origin = origin / n as f64;
    }
    SpanFrame {
        frame,
        origin,
        size_m: body_size_m(p),
    }
}

/// Values of the requested channels over frames `start..end`, frame-major
/// (`(end − start) × channels.len()`), NaN where a channel is unavailable.
pub fn extract(p: &PreparedRecording, channels: &[Channel], start: usize, end: usize) -> Vec<f64> {
    let rec = &p.recording;
    let end = end.min(rec.frame_count());
    let start = start.min(end);
    let sf = span_frame(p, start, end);
    let keys = joint_keys(rec);
    let joint_index: Vec<Option<usize>> = channels
        .iter()
        .map(|c| match c {
            Channel::Joint { joint, .. } => keys.iter().position(|k| k == joint),
            Channel::Measure { .. } => None,
        })
        .collect();
    let measure_series: Vec<Option<Vec<f64>>> = channels
        .iter()
        .map(|c| match c {
            Channel::Measure { measure } => p.measures.get(*measure).map(|s| {
                let mut v = s.get(start..end).map(<[f64]>::to_vec).unwrap_or_default();
                if measure.relative_to_start() {
                    crate::measures::subtract_start(&mut v, rec.rate_hz);
                }
                v
            }),
            Channel::Joint { .. } => None,
        })
        .collect();
    let c = channels.len();
    // Each joint is turned into the body frame once per frame, not once per axis channel.
    let mut used: Vec<usize> = joint_index.iter().flatten().copied().collect();
    used.sort_unstable();
    used.dedup();
    let mut body: Vec<Option<Vec3>> = vec![None; keys.len()];
    let mut out = vec![f64::NAN; (end - start) * c];
    for (fi, f) in (start..end).enumerate() {
        for &j in &used {
            body[j] = rec
                .positions
                .get(f, j)
                .map(|pos| sf.frame.to_body(pos - sf.origin));
        }
        for (ci, ch) in channels.iter().enumerate() {
            let v = match ch {
                Channel::Measure { .. } => measure_series[ci]
                    .as_ref()
                    .and_then(|s| s.get(fi).copied())
                    .unwrap_or(f64::NAN),
                Channel::Joint { axis, .. } => joint_index[ci]
                    .and_then(|j| body.get(j).copied().flatten())
                    .map(|b| {
                        let comp = match axis {
                            BodyAxis::Lateral => b.x,
                            BodyAxis::Forward => b.y,
                            BodyAxis::Up => b.z,
                        };
                        comp / sf.size_m * 100.0
                    })
                    .unwrap_or(f64::NAN),
            };
            out[fi * c + ci] = v;
        }
    }
    out
}
