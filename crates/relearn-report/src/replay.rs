//! The animated replay ("the mirror"): the patient's skeleton frame by frame, with the
//! demonstration's skeleton overlaid during each repetition.
//!
//! Positions are shown in the body frame of the whole recording (lateral, forward, up; origin
//! at the mid-hip at the start), in millimetres, downsampled to at most [`MAX_REPLAY_FPS`].
//! The demonstration is rebuilt from the template's joint channels exactly as
//! `relearn_motion::channels` defines them: for a repetition, the patient's span frame (its
//! axes, its mid-hip origin at the start of the repetition and the patient's body size) places
//! the template's mean joint positions, interpolated at the same percentage of the movement,
//! in the lab frame. The overlay is therefore the demonstrated movement at the patient's size
//! and position, stretched linearly onto the repetition's duration.
//!
//! The page gets two things: a static SVG drawing of one frame (so the figure exists without
//! JavaScript and in print) and compact JSON the inline script animates.

use crate::moments::Moment;
use crate::svg::{escape_xml, num, palette};
use crate::ReportInput;
use relearn_core::{Landmark, Recording, Vec3};
use relearn_motion::body::{BodyFrame, View};
use relearn_motion::channels::{span_frame, BodyAxis, Channel, SpanFrame};
use relearn_motion::compare::Reference;
use relearn_motion::measures::{Measure, MeasureKind};
use relearn_motion::score::{DeviationSource, Verdict};
use serde::Serialize;
use std::fmt::Write as _;

/// Highest frame rate of the replay, frames per second: smooth to the eye and small enough for
/// a page (a recording at a higher rate is shown every n-th frame).
pub const MAX_REPLAY_FPS: f64 = 30.0;

/// The replay section's content.
pub(crate) struct Replay {
    /// The JSON the script animates (safe inside a `<script>` element).
    pub json: String,
    /// One static SVG per view, drawn at the initial frame, with its width relative to its
    /// height (views of the same height share one scale).
    pub views: Vec<(String, f64)>,
    /// Whether the demonstration is overlaid.
    pub has_template: bool,
    /// Replay frame rate.
    pub fps: f64,
    /// Number of replay frames.
    pub frames: usize,
    /// Text describing the initial frame (for the static figure).
    pub initial_caption: String,
}

/// One side of the mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
struct ViewSpec {
    /// Element id of the view's SVG.
    id: &'static str,
    /// Horizontal axis: 0 = lateral (front view), 1 = forward (side view).
    axis: usize,
}

const FRONT: ViewSpec = ViewSpec {
    id: "mirror-front",
    axis: 0,
};
const SIDE: ViewSpec = ViewSpec {
    id: "mirror-side",
    axis: 1,
};

#[derive(Serialize)]
struct RepMark {
    /// First replay frame and one past the last (frames, not seconds, so that the script
    /// compares exactly what it shows).
    a: usize,
    b: usize,
    /// What to show while it plays.
    text: String,
}

#[derive(Serialize)]
struct MomentMark {
    /// First replay frame of the highlighted interval and one past its last.
    a: usize,
    b: usize,
    /// The plain-language sentence.
    text: String,
    /// The joint to ring, when the finding names one.
    j: Option<usize>,
}

/// What the script reads.
#[derive(Serialize)]
struct ReplayData {
    /// Frames per second of `patient` and `template`.
    fps: f64,
    /// Joint count.
    joints: usize,
    /// Pairs of joint indices to draw.
    bones: Vec<[usize; 2]>,
    /// Per frame, per joint: lateral, forward, up in mm (body frame of the recording), `null`
    /// where missing; delta-encoded ([`delta_encode`]).
    patient: Vec<Vec<Option<i32>>>,
    /// The same for the demonstration, `null` outside repetitions.
    template: Vec<Option<Vec<Option<i32>>>>,
    /// Repetitions.
    reps: Vec<RepMark>,
    /// Findings.
    moments: Vec<MomentMark>,
    /// The views drawn.
    views: Vec<ViewSpec>,
    /// The frame shown first.
    start: usize,
}

/// For each joint key, the reference's channel indices of its lateral, forward and up
/// positions, when the reference has all three.
pub(crate) fn template_columns(reference: &Reference, keys: &[String]) -> Vec<Option<[usize; 3]>> {
    let find = |key: &str, axis: BodyAxis| {
        reference.channels.iter().position(
            |c| matches!(c, Channel::Joint { joint, axis: a } if joint == key && *a == axis),
        )
    };
    keys.iter()
        .map(|k| {
            Some([
                find(k, BodyAxis::Lateral)?,
                find(k, BodyAxis::Forward)?,
                find(k, BodyAxis::Up)?,
            ])
        })
        .collect()
}

/// The demonstrated pose at `phase` (0-1 of the movement) in the lab frame: the reference's
/// mean joint positions (percent of body size, body frame, relative to the mid-hip at the
/// start), linearly interpolated between its points and placed by the patient's span frame.
/// `mirrored`: the demonstration's mirror image, for a repetition performed on the other side
/// (each joint takes its mirror joint's position, sideways flipped: the reference's
/// `mirror_index` and `mirror_sign`).
pub(crate) fn template_pose(
    reference: &Reference,
    columns: &[Option<[usize; 3]>],
    sf: &SpanFrame,
    phase: f64,
    mirrored: bool,
) -> Vec<Option<Vec3>> {
    let c = reference.channels.len();
    let absolute = reference.absolute_mean();
    let last = reference.points.saturating_sub(1);
    let u = phase.clamp(0.0, 1.0) * last as f64;
    let i0 = (u.floor() as usize).min(last);
    let i1 = (i0 + 1).min(last);
    let w = u - i0 as f64;
    let value = |k: usize| -> Option<f64> {
        let (k, sign) = match reference.mirror_index.get(k) {
            Some(&m) if mirrored => (m, reference.mirror_sign.get(k).copied().unwrap_or(1.0)),
            _ => (k, 1.0),
        };
        let a = sign * *absolute.get(i0 * c + k)?;
        let b = sign * *absolute.get(i1 * c + k)?;
        let v = a * (1.0 - w) + b * w;
        v.is_finite().then_some(v)
    };
    columns
        .iter()
        .map(|cols| {
            let [kl, kf, ku] = (*cols)?;
            let body = Vec3::new(value(kl)?, value(kf)?, value(ku)?);
            Some(sf.origin + from_body(&sf.frame, body) * (sf.size_m / 100.0))
        })
        .collect()
}

/// A body-frame vector (lateral, forward, up) in the lab frame.
fn from_body(f: &BodyFrame, b: Vec3) -> Vec3 {
    f.lateral * b.x + f.forward * b.y + f.up * b.z
}

/// Lab position → body frame of the recording, millimetres.
fn to_mm(display: &SpanFrame, p: Option<Vec3>) -> [Option<i32>; 3] {
    match p {
        Some(p) if p.is_finite() => {
            let b = display.frame.to_body(p - display.origin) * 1000.0;
            [
                Some(b.x.round() as i32),
                Some(b.y.round() as i32),
                Some(b.z.round() as i32),
            ]
        }
        _ => [None; 3],
    }
}

/// The joint a finding is about, to ring it in the replay.
fn moment_joint(measure_id: &str, keys: &[String], rec: &Recording) -> Option<usize> {
    if let Some((joint, _)) = measure_id.split_once('.') {
        return keys.iter().position(|k| k == joint);
    }
    let m = Measure::all().into_iter().find(|m| m.id() == measure_id)?;
    use Landmark::*;
    use MeasureKind::*;
    let candidates: Vec<Landmark> = match (m.kind, m.side) {
        (KneeFlexion | KneeFrontalPlaneProjection, Some(s)) => vec![LeftKnee.on(s)],
        (HipFlexion | HipAbduction | PelvicDrop, Some(s)) => vec![LeftHip.on(s)],
        (ShoulderElevation | ArmElevation, Some(s)) => vec![LeftShoulder.on(s)],
        (ElbowFlexion, Some(s)) => vec![LeftElbow.on(s)],
        (TrunkFlexion | TrunkLateralLean, None) => vec![Thorax, Neck],
        (LumbarFlexion, None) => vec![SpineMid, Pelvis],
        (SquatDepth, None) => vec![Pelvis, LeftHip],
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .find_map(|l| rec.skeleton.landmark(l))
}

/// Most frames a replay holds: 3 minutes at [`MAX_REPLAY_FPS`] (about 1.8 MB of data with a
/// demonstration overlaid). A longer recording is replayed at a lower frame rate so that the
/// page stays small enough to open on a phone.
pub const MAX_REPLAY_FRAMES: usize = 5400;

/// Replay frames: every `step`-th frame so that the rate stays at most [`MAX_REPLAY_FPS`] and
/// the count at most [`MAX_REPLAY_FRAMES`].
fn frame_step(rate_hz: f64, frames: usize) -> usize {
    let by_rate = (rate_hz / MAX_REPLAY_FPS).ceil().max(1.0) as usize;
    by_rate.max(frames.div_ceil(MAX_REPLAY_FRAMES))
}

/// Builds the replay of a report input.
pub(crate) fn build_replay(input: &ReportInput<'_>, moments: &[Moment]) -> Replay {
    let p = input.prepared;
    let rec = &p.recording;
    let n = rec.frame_count();
    let joints = rec.skeleton.len();
    let rate = rec.rate_hz;
    let step = frame_step(rate, n);
    let fps = rate / step as f64;
    let display = span_frame(p, 0, n);
    let keys = relearn_motion::channels::joint_keys(rec);
    let kept: Vec<usize> = (0..n).step_by(step).collect();

    let patient: Vec<Vec<Option<i32>>> = kept
        .iter()
        .map(|&f| {
            (0..joints)
                .flat_map(|j| to_mm(&display, rec.positions.get(f, j)))
                .collect()
        })
        .collect();

    let mut template: Vec<Option<Vec<Option<i32>>>> = vec![None; kept.len()];
    let columns = input
        .template
        .map(|t| template_columns(&t.reference, &keys))
        .filter(|c| c.iter().any(Option::is_some));
    if let (Some(t), Some(columns)) = (input.template, &columns) {
        for r in &input.analysis.repetitions {
            let rep = &r.repetition;
            let (a, b) = (rep.start_frame, rep.end_frame.min(n));
            if b <= a + 1 {
                continue;
            }
            let sf = span_frame(p, a, b);
            let mirrored = input.repetition_mirrored(a, b);
            for (slot, &f) in template.iter_mut().zip(&kept) {
                if f < a || f >= b {
                    continue;
                }
                let phase = (f - a) as f64 / (b - 1 - a) as f64;
                let pose = template_pose(&t.reference, columns, &sf, phase, mirrored);
                *slot = Some(pose.into_iter().flat_map(|q| to_mm(&display, q)).collect());
            }
        }
    }
    let has_template = template.iter().any(Option::is_some);

    let total = input.analysis.repetitions.len();
    let reps: Vec<RepMark> = input
        .analysis
        .repetitions
        .iter()
        .map(|r| {
            let rep = &r.repetition;
            let mut text = format!("Repetition {} of {total}", rep.number);
            if let Some(s) = input
                .analysis
                .score
                .as_ref()
                .and_then(|s| s.reps.iter().find(|x| x.number == rep.number))
            {
                let verdict = match (s.not_judged_because(), s.verdict) {
                    (Some(why), _) => format!("{why}: not judged"),
                    (None, Verdict::Correct) => "matches the demonstration".to_string(),
                    (None, Verdict::Incorrect) => "needs work".to_string(),
                };
                let _ = write!(text, " · score {:.0}/100 · {verdict}", s.score);
            }
            RepMark {
                a: rep.start_frame.div_ceil(step),
                b: rep.end_frame.div_ceil(step),
                text,
            }
        })
        .collect();
    let marks: Vec<MomentMark> = moments
        .iter()
        .map(|m| MomentMark {
            a: ((m.frame - m.half_width_frames).max(0.0) / step as f64).ceil() as usize,
            b: ((m.frame + m.half_width_frames).max(0.0) / step as f64).floor() as usize + 1,
            text: m.sentence.clone(),
            j: moment_joint(&m.measure, &keys, rec),
        })
        .collect();

    // Show the first fault rule broken (the frame a printed page should carry), else the
    // first difference from the demonstration, else the first repetition's turning point.
    let earliest = |rule_only: bool| {
        moments
            .iter()
            .filter(|m| !rule_only || m.source == DeviationSource::Rule)
            .min_by(|a, b| a.frame.total_cmp(&b.frame))
    };
    let first_moment = earliest(true).or_else(|| earliest(false));
    let start_frame = first_moment
        .map(|m| m.frame.round().max(0.0) as usize)
        .or_else(|| {
            input
                .analysis
                .repetitions
                .first()
                .map(|r| r.repetition.peak_frame)
        });
    let start = start_frame.map_or(0, |f| (f / step).min(kept.len().saturating_sub(1)));
    let initial_caption = match (first_moment, start_frame) {
        (Some(m), _) => format!(
            "Shown at {:.1} s, repetition {}: {}",
            m.frame / rate,
            m.rep,
            m.sentence
        ),
        (None, Some(f)) => format!(
            "Shown at {:.1} s, the turning point of repetition 1.",
            f as f64 / rate
        ),
        (None, None) => "Shown at the start of the recording.".to_string(),
    };

    let views = match p.view {
        View::ThreeD => vec![FRONT, SIDE],
        View::Frontal2D => vec![FRONT],
        View::Sagittal2D => vec![SIDE],
    };
    let bones: Vec<[usize; 2]> = rec
        .skeleton
        .bones()
        .into_iter()
        .filter(|(a, b)| *a < joints && *b < joints)
        .map(|(a, b)| [a, b])
        .collect();
    let bounds = Bounds::of(&patient, &template);
    let svgs = views
        .iter()
        .map(|v| {
            view_svg(
                *v,
                &bounds,
                &bones,
                patient.get(start).map(Vec::as_slice).unwrap_or(&[]),
                template.get(start).and_then(Option::as_deref),
                joints,
            )
        })
        .collect();

    let data = ReplayData {
        fps,
        joints,
        bones,
        patient: delta_encode(patient.into_iter().map(Some))
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect(),
        template: delta_encode(template),
        reps,
        moments: marks,
        views,
        start,
    };
    // Serialising plain numbers, strings and options cannot fail; an empty object makes the
    // script report "no replay data" rather than break the page.
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "{}".into());
    Replay {
        json: script_safe_json(&json),
        views: svgs,
        has_template,
        fps,
        frames: kept.len(),
        initial_caption,
    }
}

/// Delta encoding of frames of millimetre values (a frame of `null` is absent): a value is the
/// change from the same value in the previous frame when both are present, else the value
/// itself. Joints move a few millimetres per frame, so the changes take about half the
/// characters of the positions; the script undoes it once on load.
pub(crate) fn delta_encode(
    frames: impl IntoIterator<Item = Option<Vec<Option<i32>>>>,
) -> Vec<Option<Vec<Option<i32>>>> {
    let mut previous: Option<Vec<Option<i32>>> = None;
    frames
        .into_iter()
        .map(|frame| {
            let encoded = frame.as_ref().map(|f| {
                f.iter()
                    .enumerate()
                    .map(|(k, v)| {
                        let before = previous.as_ref().and_then(|p| p.get(k).copied().flatten());
                        match (v, before) {
                            (Some(v), Some(b)) => Some(v - b),
                            (v, _) => *v,
                        }
                    })
                    .collect()
            });
            previous = frame;
            encoded
        })
        .collect()
}

/// JSON that cannot end its `<script>` element or start a comment in it: `<`, `>` and `&`
/// only occur inside JSON strings, where their `\u` escapes mean the same.
pub(crate) fn script_safe_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The extent of everything drawn, mm (lateral, forward, up).
struct Bounds {
    min: [i32; 3],
    max: [i32; 3],
}

impl Bounds {
    fn of(patient: &[Vec<Option<i32>>], template: &[Option<Vec<Option<i32>>>]) -> Bounds {
        let mut b = Bounds {
            min: [i32::MAX; 3],
            max: [i32::MIN; 3],
        };
        let frames = patient
            .iter()
            .map(Vec::as_slice)
            .chain(template.iter().filter_map(Option::as_deref));
        for frame in frames {
            for (i, v) in frame.iter().enumerate() {
                if let Some(v) = v {
                    let a = i % 3;
                    b.min[a] = b.min[a].min(*v);
                    b.max[a] = b.max[a].max(*v);
                }
            }
        }
        for a in 0..3 {
            if b.min[a] > b.max[a] {
                b.min[a] = -500;
                b.max[a] = 500;
            }
        }
        b
    }
}

/// The SVG of one view at one frame (the script moves the same elements), and its aspect
/// ratio (width / height).
fn view_svg(
    view: ViewSpec,
    bounds: &Bounds,
    bones: &[[usize; 2]],
    patient: &[Option<i32>],
    template: Option<&[Option<i32>]>,
    joints: usize,
) -> (String, f64) {
    let ax = view.axis;
    // One padding for every view so that all views have the same height in mm: drawn at the
    // same height on screen, they share one scale.
    let extent = (0..3)
        .map(|a| bounds.max[a] - bounds.min[a])
        .max()
        .unwrap_or(1000) as f64;
    let pad = 0.06 * extent + 50.0;
    let x0 = bounds.min[ax] as f64 - pad;
    let w = (bounds.max[ax] - bounds.min[ax]) as f64 + 2.0 * pad;
    // Screen y grows downwards: y = −up.
    let y0 = -(bounds.max[2] as f64) - pad;
    let h = (bounds.max[2] - bounds.min[2]) as f64 + 2.0 * pad;
    let floor = -(bounds.min[2] as f64);
    let (name, desc) = if ax == 0 {
        (
            "Front view, as in a mirror",
            "The person seen from the front and mirrored, so their right side is on the right.",
        )
    } else {
        (
            "Side view, seen from the person's right",
            "The person seen from their right side, facing right.",
        )
    };
    let get = |frame: &[Option<i32>], j: usize| -> Option<(f64, f64)> {
        let h = (*frame.get(3 * j + ax)?)?;
        let v = (*frame.get(3 * j + 2)?)?;
        Some((h as f64, -(v as f64)))
    };
    let line = |o: &mut String, frame: Option<&[Option<i32>]>, [a, b]: [usize; 2]| match frame
        .and_then(|f| Some((get(f, a)?, get(f, b)?)))
    {
        Some(((x1, y1), (x2, y2))) => {
            let _ = write!(
                o,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
                num(x1),
                num(y1),
                num(x2),
                num(y2)
            );
        }
        None => o.push_str(r#"<line visibility="hidden"/>"#),
    };
    let stroke = (0.012 * h).max(8.0);
    let mut o = String::with_capacity(8 * 1024);
    let _ = write!(
        o,
        r#"<svg id="{id}" class="mirror-view" viewBox="{} {} {} {}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        num(x0),
        num(y0),
        num(w),
        num(h),
        escape_xml(name),
        escape_xml(desc),
        id = view.id,
    );
    let _ = write!(
        o,
        r#"<line x1="{}" x2="{}" y1="{f}" y2="{f}" stroke="{}" stroke-width="{}"/>"#,
        num(x0),
        num(x0 + w),
        palette::GRID,
        num(stroke * 0.6),
        f = num(floor),
    );
    let _ = write!(
        o,
        r#"<g class="tpl" stroke="{}" stroke-opacity="0.75" stroke-width="{}" stroke-linecap="round">"#,
        palette::ORANGE,
        num(stroke * 2.4)
    );
    for b in bones {
        line(&mut o, template, *b);
    }
    let _ = write!(
        o,
        r#"</g><g class="pat" stroke="{}" stroke-width="{}" stroke-linecap="round">"#,
        palette::BLUE,
        num(stroke)
    );
    for b in bones {
        line(&mut o, Some(patient), *b);
    }
    let _ = write!(o, r#"</g><g class="jts" fill="{}">"#, palette::BLUE);
    for j in 0..joints {
        match get(patient, j) {
            Some((x, y)) => {
                let _ = write!(
                    o,
                    r#"<circle cx="{}" cy="{}" r="{}"/>"#,
                    num(x),
                    num(y),
                    num(stroke * 1.1)
                );
            }
            None => {
                let _ = write!(
                    o,
                    r#"<circle r="{}" visibility="hidden"/>"#,
                    num(stroke * 1.1)
                );
            }
        }
    }
    let _ = write!(
        o,
        r#"</g><circle class="ring" r="{}" fill="none" stroke="{}" stroke-width="{}" visibility="hidden"/>"#,
        num(stroke * 3.2),
        palette::VERMILLION,
        num(stroke * 1.1)
    );
    let font = num(0.028 * h);
    let label_y = num(floor + 0.04 * h);
    if ax == 0 {
        let _ = write!(
            o,
            r#"<text x="{}" y="{label_y}" font-size="{font}" fill="{ink}">left</text><text x="{}" y="{label_y}" font-size="{font}" text-anchor="end" fill="{ink}">right</text>"#,
            num(x0 + 0.03 * w),
            num(x0 + 0.97 * w),
            ink = palette::INK
        );
    } else {
        let _ = write!(
            o,
            r#"<text x="{}" y="{label_y}" font-size="{font}" text-anchor="end" fill="{ink}">facing →</text>"#,
            num(x0 + 0.97 * w),
            ink = palette::INK
        );
    }
    o.push_str("</svg>");
    (o, w / h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference of two knees (left, right) over two points, the left knee moving inward
    /// (towards +lateral, the body's midline for a left knee at -lateral).
    fn two_knee_reference() -> Reference {
        let channels: Vec<Channel> = ["left_knee", "right_knee"]
            .iter()
            .flat_map(|j| {
                BodyAxis::ALL.map(|axis| Channel::Joint {
                    joint: j.to_string(),
                    axis,
                })
            })
            .collect();
        let (index, sign) =
            relearn_motion::channels::mirror_map(&channels).expect("knees are a left-right pair");
        // Point 0 then point 1: (lateral, forward, up) of the left knee, then the right knee.
        let mean = vec![
            -10.0, 2.0, 50.0, 10.0, 2.0, 50.0, //
            -4.0, 8.0, 40.0, 10.0, 2.0, 50.0,
        ];
        Reference {
            points: 2,
            channels,
            sd: vec![1.0; 12],
            sd_eff: vec![1.0; 12],
            mean,
            scale: vec![1.0; 6],
            band: 1,
            duration_s: 1.0,
            features: relearn_motion::compare::FeatureSettings::default(),
            fault_direction: None,
            start_posture: None,
            excursion_mean: Vec::new(),
            excursion_sd: Vec::new(),
            mirror_index: index,
            mirror_sign: sign,
            sides: None,
            start_sides: None,
        }
    }

    #[test]
    fn a_repetition_on_the_other_side_is_overlaid_with_the_mirrored_demonstration() {
        let reference = two_knee_reference();
        let keys = vec!["left_knee".to_string(), "right_knee".to_string()];
        let columns = template_columns(&reference, &keys);
        let sf = SpanFrame {
            frame: BodyFrame::from_lateral(Vec3::new(1.0, 0.0, 0.0)).expect("a frame"),
            origin: Vec3::ZERO,
            size_m: 100.0,
        };
        let lateral = |p: &Option<Vec3>| p.expect("a position").dot(sf.frame.lateral);
        let as_shown = template_pose(&reference, &columns, &sf, 1.0, false);
        let mirrored = template_pose(&reference, &columns, &sf, 1.0, true);
        // As demonstrated: the left knee has moved inward, the right has not.
        assert!((lateral(&as_shown[0]) - -4.0).abs() < 1e-9);
        assert!((lateral(&as_shown[1]) - 10.0).abs() < 1e-9);
        // Mirrored: the right knee does what the demonstration's left knee did, sideways
        // flipped (+4: inward for a right knee); the left knee stands where the
        // demonstration's right knee stood, flipped (-10).
        assert!(
            (lateral(&mirrored[1]) - 4.0).abs() < 1e-9,
            "{:?}",
            mirrored[1]
        );
        assert!(
            (lateral(&mirrored[0]) - -10.0).abs() < 1e-9,
            "{:?}",
            mirrored[0]
        );
        // Forward and up are not flipped.
        let up = |p: &Option<Vec3>| p.expect("a position").dot(sf.frame.up);
        assert!((up(&mirrored[1]) - 40.0).abs() < 1e-9);
        assert!((up(&as_shown[0]) - 40.0).abs() < 1e-9);
    }

    #[test]
    fn script_safe_json_cannot_close_the_script_element() {
        let s = script_safe_json(r#"{"text":"</script><!-- & more"}"#);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(v["text"], "</script><!-- & more");
    }

    /// The decoding the script does (`replay.js`, `decode`).
    pub(crate) fn delta_decode(
        frames: &[Option<Vec<Option<i32>>>],
    ) -> Vec<Option<Vec<Option<i32>>>> {
        let mut previous: Option<Vec<Option<i32>>> = None;
        frames
            .iter()
            .map(|frame| {
                let decoded: Option<Vec<Option<i32>>> = frame.as_ref().map(|f| {
                    f.iter()
                        .enumerate()
                        .map(|(k, v)| {
                            let before =
                                previous.as_ref().and_then(|p| p.get(k).copied().flatten());
                            match (v, before) {
                                (Some(v), Some(b)) => Some(v + b),
                                (v, _) => *v,
                            }
                        })
                        .collect()
                });
                previous = decoded.clone();
                decoded
            })
            .collect()
    }

    #[test]
    fn delta_encoding_round_trips_through_gaps_and_absent_frames() {
        let frames = vec![
            Some(vec![Some(100), Some(-50), None]),
            Some(vec![Some(103), None, Some(7)]),
            None,
            Some(vec![Some(110), Some(-40), Some(9)]),
            Some(vec![Some(108), Some(-41), Some(9)]),
        ];
        let enc = delta_encode(frames.clone());
        assert_eq!(enc[1], Some(vec![Some(3), None, Some(7)]));
        assert_eq!(
            enc[3],
            Some(vec![Some(110), Some(-40), Some(9)]),
            "after an absent frame"
        );
        assert_eq!(enc[4], Some(vec![Some(-2), Some(-1), Some(0)]));
        assert_eq!(delta_decode(&enc), frames);
    }

    #[test]
    fn replay_rate_never_exceeds_thirty_frames_per_second() {
        for (rate, step) in [
            (30.0, 1),
            (25.0, 1),
            (50.0, 2),
            (60.0, 2),
            (100.0, 4),
            (120.0, 4),
        ] {
            assert_eq!(frame_step(rate, 1000), step, "{rate} Hz");
            assert!(rate / frame_step(rate, 1000) as f64 <= MAX_REPLAY_FPS);
        }
    }

    #[test]
    fn long_recordings_are_replayed_at_a_lower_rate() {
        // One hour at 30 Hz.
        let frames = 108_000;
        let step = frame_step(30.0, frames);
        assert!(frames.div_ceil(step) <= MAX_REPLAY_FRAMES);
        assert_eq!(frame_step(30.0, MAX_REPLAY_FRAMES), 1);
    }
}
