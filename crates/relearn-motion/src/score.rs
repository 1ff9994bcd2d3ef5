//! Scoring a patient's recording against a template: for every repetition a score (0-100), a
//! verdict, a confidence, a rating on the manifest's scale, and the deviations that explain
//! it, each phrased as knowledge of performance ("left knee drifts inward 12 degrees at the
//! bottom of the squat").
//!
//! - **Score** = 100 × the template's probability that the repetition is correct
//!   ([`crate::template::verdict_probability`]); **verdict** = correct when the score is at
//!   least 50.
//! - **Confidence** (0-1) = how far the probability is from the 50 % boundary (`|2p − 1|`),
//!   times the segmentation confidence, times the share of the template's signals the
//!   recording has.
//! - **Deviations**: the fault rules that fire (absolute limits, §6), then the largest
//!   differences from the demonstration on clinical measures where the repetition leaves the
//!   normal band (|z| ≥ 2) by at least [`min_reportable`] of the measure's unit. Each names the
//!   measure, the phase (percent of the movement, in words), the size, the unit, the direction
//!   and whether it exceeds the measurement system's minimal detectable change.

use crate::channels::Channel;
use crate::compare::rep_curves;
use crate::error::Result;
use crate::faults::{self, FaultFinding, RepMeasures};
use crate::mdc::{minimal_detectable_change, MeasurementSystem};
use crate::measures::{Measure, MeasureKind, Unit};
use crate::prepare::PreparedRecording;
use crate::template::{
    rep_measures, rep_signal_and_off_axis, repetition_spans, verdict_probability, Template,
};
use crate::tempo::{tempo_phases, TempoPhases};
use relearn_core::Warning;
use serde::{Deserialize, Serialize};

/// Verdict on a repetition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Performed as demonstrated.
    Correct,
    /// Performed with a fault.
    Incorrect,
}

/// Where a deviation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviationSource {
    /// A fault rule with an absolute limit.
    Rule,
    /// A difference from the demonstration outside its normal variability.
    Template,
}

/// One difference, phrased so it reads as knowledge of performance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deviation {
    /// Rule or template.
    pub source: DeviationSource,
    /// The fault rule's identifier, for rule deviations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The measure or joint signal (`left_knee_valgus_fppa`, `left_knee.up`).
    pub measure: String,
    /// The body part in plain words ("left knee").
    pub body_part: String,
    /// Phase of the movement, percent (0 = start, 100 = end).
    pub phase_pct: f64,
    /// The phase in words ("at the bottom of the squat").
    pub phase: String,
    /// Size: the difference from the demonstration (template) or the value found (rule), in
    /// `unit`.
    pub size: f64,
    /// Unit of `size` (`deg`, `cm`, `%leg`, `s`, `%`).
    pub unit: String,
    /// Direction in words ("inward", "further forward").
    pub direction: String,
    /// z-score against the normal variability (template deviations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<f64>,
    /// The limit broken (rule deviations), in `unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// Whether the size exceeds the system's minimal detectable change (`None` = not known for
    /// this system and measure).
    pub exceeds_mdc: Option<bool>,
    /// The plain-language sentence.
    pub message: String,
}

/// The score of one repetition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepScore {
    /// 1-based repetition number in the recording.
    pub number: usize,
    /// Start time, seconds.
    pub start_s: f64,
    /// End time, seconds.
    pub end_s: f64,
    /// Duration, seconds.
    pub duration_s: f64,
    /// 0-100.
    pub score: f64,
    /// Correct or incorrect.
    pub verdict: Verdict,
    /// 0-1.
    pub confidence: f64,
    /// Predicted rating on the manifest's scale (`None` when the template has no ratings).
    pub rating: Option<f64>,
    /// Segmentation confidence of this repetition (0-1).
    pub segmentation_confidence: f64,
    /// Tempo phases.
    pub tempo: Option<TempoPhases>,
    /// Deviations, most important first.
    pub deviations: Vec<Deviation>,
    /// Performed on the other side of the body from the demonstration, and so compared with
    /// its mirror image (deviations name the side the person used). Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mirrored: bool,
    /// Farther from the demonstration than the template's examples allow
    /// ([`crate::resemblance`]): probably not the exercise, or tracking lost. Absent when
    /// false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlike_exercise: bool,
    /// What the exercise check compared with the template's fences, so that an
    /// `unlike_exercise` mark can be traced. Absent for templates without the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise_check: Option<ExerciseCheck>,
    /// The edge of the recording that cuts this repetition short
    /// ([`crate::segment::CutOff`]): the part recorded is compared, but the repetition is not
    /// judged and no difference from the demonstration is told (it would be the missing
    /// part). Absent for a whole repetition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_off: Option<crate::segment::CutOff>,
}

impl RepScore {
    /// Whether the repetition counts in the set's verdicts and advice: it resembles the
    /// exercise and the recording holds it whole.
    pub fn is_judged(&self) -> bool {
        self.not_judged_because().is_none()
    }

    /// Why the repetition is not judged, in words for a note beside it ("only partly
    /// recorded"); `None` when it is judged.
    pub fn not_judged_because(&self) -> Option<&'static str> {
        if self.unlike_exercise {
            Some("does not resemble the exercise")
        } else if self.cut_off.is_some() {
            Some(PARTLY_RECORDED)
        } else {
            None
        }
    }
}

/// The note for a repetition the recording cuts off ([`crate::segment::CutOff`]).
pub const PARTLY_RECORDED: &str = "only partly recorded";

/// The two statistics of a repetition that the exercise check ([`crate::resemblance`])
/// compares with the fences the template learnt from its examples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExerciseCheck {
    /// DTW distance to the demonstration (RMS per point and channel, in the template's channel
    /// scales); compared with the template's `resemblance` fence.
    pub distance: f64,
    /// Share (0-1) of the repetition's movement off the demonstration's primary axis (the axis
    /// or its mirror image, whichever fits better); compared with the template's `off_axis`
    /// fence. Absent when it cannot be measured (fewer than 5 complete frames, no movement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off_axis: Option<f64>,
}

/// The score of one recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingScore {
    /// The file.
    pub path: String,
    /// Exercise of the template.
    pub exercise: String,
    /// The template's identity.
    pub template_id: String,
    /// Version of Relearn.
    pub program_version: String,
    /// Repetitions.
    pub reps: Vec<RepScore>,
    /// Warnings (reading, gaps, mismatches).
    pub warnings: Vec<Warning>,
    /// How the recording was matched to the template's examples because it was noisier than
    /// them ([`crate::noise_match`]); absent when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_match: Option<crate::noise_match::NoiseMatch>,
}

/// The set of repetitions in one recording at a glance: how many, how many were judged (not
/// unlike the exercise, not cut off by the recording's edges: [`RepScore::is_judged`]), how
/// many of those were correct, and their mean score. Sessions are
/// compared by such means, not by single repetitions: one repetition's score varies by tens of
/// points (docs/scoring.md §5, VALIDATION.md §4 "Score repeatability").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetSummary {
    /// Repetitions found.
    pub repetitions: usize,
    /// Repetitions that resemble the exercise and that the recording holds whole (the others
    /// are left out of the two below).
    pub judged: usize,
    /// Judged repetitions with the verdict correct.
    pub correct: usize,
    /// Mean score of the judged repetitions (`None` without any).
    pub mean_score: Option<f64>,
}

impl RecordingScore {
    /// The repetitions left out of the set's verdicts and advice, by reason: (those unlike the
    /// exercise, those only partly recorded and otherwise like it).
    pub fn left_out(&self) -> (usize, usize) {
        let unlike = self.reps.iter().filter(|r| r.unlike_exercise).count();
        let cut = self
            .reps
            .iter()
            .filter(|r| !r.unlike_exercise && r.cut_off.is_some())
            .count();
        (unlike, cut)
    }

    /// The set at a glance ([`SetSummary`]).
    pub fn summary(&self) -> SetSummary {
        let judged: Vec<&RepScore> = self.reps.iter().filter(|r| r.is_judged()).collect();
        let scores: Vec<f64> = judged.iter().map(|r| r.score).collect();
        SetSummary {
            repetitions: self.reps.len(),
            judged: judged.len(),
            correct: judged
                .iter()
                .filter(|r| r.verdict == Verdict::Correct)
                .count(),
            mean_score: relearn_core::stats::mean(&scores),
        }
    }
}

/// Highest probability (score / 100) of a repetition that breaks an enabled fault rule when
/// rules decide the verdict: just below the 50 % boundary.
pub const RULE_BROKEN_MAX_PROBABILITY: f64 = 0.49;

/// Smallest difference from the demonstration worth telling a patient, in a unit: 5°, 2 cm,
/// 5 % of leg length (*Relearn default*: below these, a difference is not visible to a
/// clinician's eye and rarely exceeds the measurement error of §6).
pub fn min_reportable(unit: Unit) -> f64 {
    match unit {
        Unit::Degrees => 5.0,
        Unit::Centimetres => 2.0,
        Unit::PercentLegLength | Unit::Percent => 5.0,
        Unit::Seconds => 0.3,
    }
}

/// Formats a size for a message ("12 degrees", "2.5 cm").
fn size_words(size: f64, unit: Unit) -> String {
    size_words_to(size, unit, usual_decimals(unit))
}

/// Decimals a size in `unit` is usually shown with (whole degrees and percent, tenths of a
/// centimetre and of a second).
fn usual_decimals(unit: Unit) -> usize {
    match unit {
        Unit::Degrees | Unit::PercentLegLength | Unit::Percent => 0,
        Unit::Centimetres | Unit::Seconds => 1,
    }
}

fn size_words_to(size: f64, unit: Unit, decimals: usize) -> String {
    let v = size.abs();
    match unit {
        Unit::Degrees => format!("{v:.decimals$} degrees"),
        Unit::Centimetres => format!("{v:.decimals$} cm"),
        Unit::PercentLegLength => format!("{v:.decimals$} % of leg length"),
        Unit::Percent => format!("{v:.decimals$} %"),
        Unit::Seconds => format!("{v:.decimals$} s"),
    }
}

/// A finding's value and its limit in words, with one more decimal when the usual rounding
/// would show them equal ("reaches 10.4 degrees (limit 10.0 degrees)", never "reaches 10
/// degrees (limit 10 degrees)" for a limit that was exceeded).
fn value_and_limit_words(value: f64, limit: f64, unit: Unit) -> (String, String) {
    let usual = usual_decimals(unit);
    let shown = |x: f64, d: usize| format!("{:.d$}", x.abs());
    let decimals = (usual..=usual + 2)
        .find(|&d| shown(value, d) != shown(limit, d))
        .unwrap_or(usual);
    (
        size_words_to(value, unit, decimals),
        size_words_to(limit, unit, decimals),
    )
}

/// The phrase for a difference of `size` in a measure relative to the demonstration.
pub fn difference_phrase(m: &Measure, size: f64) -> (String, String) {
    use MeasureKind::*;
    let s = size_words(size, m.unit());
    let pos = size >= 0.0;
    let (phrase, direction) = match (m.kind, pos) {
        (KneeFlexion, true) | (ElbowFlexion, true) => {
            (format!("bends {s} further"), "more flexion")
        }
        (KneeFlexion, false) | (ElbowFlexion, false) => (format!("bends {s} less"), "less flexion"),
        (HipFlexion, true) => (format!("flexes {s} further"), "more flexion"),
        (HipFlexion, false) => (format!("flexes {s} less"), "less flexion"),
        (HipAbduction, true) => (format!("swings {s} further out"), "outward"),
        (HipAbduction, false) => (format!("swings {s} further in"), "inward"),
        (TrunkFlexion, true) => (format!("leans {s} further forward"), "forward"),
        (TrunkFlexion, false) => (format!("stays {s} more upright"), "backward"),
        (TrunkLateralLean, true) => (format!("leans {s} to the right"), "right"),
        (TrunkLateralLean, false) => (format!("leans {s} to the left"), "left"),
        (KneeFrontalPlaneProjection, true) => (format!("drifts inward {s}"), "inward"),
        (KneeFrontalPlaneProjection, false) => (format!("drifts outward {s}"), "outward"),
        (KneeMedialDisplacement, true) => (format!("comes {s} further inward"), "inward"),
        (KneeMedialDisplacement, false) => (format!("stays {s} further out"), "outward"),
        (PelvicDrop, true) => (format!("drops {s}"), "down"),
        (PelvicDrop, false) => (format!("hitches up {s}"), "up"),
        (ShoulderElevation, true) => (format!("shrugs up {s}"), "up"),
        (ShoulderElevation, false) => (format!("sits {s} lower"), "down"),
        (ArmElevation, true) => (format!("rises {s} higher"), "higher"),
        (ArmElevation, false) => (format!("stays {s} lower"), "lower"),
        (SquatDepth, true) => (format!("go {s} deeper"), "deeper"),
        (SquatDepth, false) => (
            format!("stop {s} short of the demonstrated depth"),
            "shallower",
        ),
        (LumbarFlexion, true) => (format!("rounds {s} more"), "more flexion"),
        (LumbarFlexion, false) => (format!("arches {s} more"), "more extension"),
    };
    (phrase, direction.to_string())
}

fn rule_deviation(f: &FaultFinding, t: &Template, system: MeasurementSystem) -> Deviation {
    let phase = t.phases.describe(f.phase_pct);
    let measure = Measure::all().into_iter().find(|m| m.id() == f.measure);
    let exceeds_mdc = measure
        .and_then(|m| minimal_detectable_change(system, m.kind))
        .map(|mdc| f.value.abs() >= mdc.value);
    let (direction, message) = match (&f.rule[..], measure) {
        ("tempo", _) => {
            let dir = if f.excess > 0.0 { "slower" } else { "faster" };
            (
                dir.to_string(),
                format!(
                    "the {} takes {:.1} s, {:.0} % {} than the demonstration",
                    f.body_part,
                    f.value,
                    f.excess.abs(),
                    if f.excess > 0.0 { "longer" } else { "shorter" }
                ),
            )
        }
        (id, _) if id.ends_with("asymmetry") => (
            if f.value > 0.0 {
                "left".into()
            } else {
                "right".into()
            },
            {
                let (value, limit) = value_and_limit_words(f.value, f.limit, Unit::Percent);
                format!(
                    "{} bends unevenly: the {} ({value} asymmetry, limit {limit})",
                    f.name.trim_start_matches("Left-right asymmetry of "),
                    f.body_part,
                )
            },
        ),
        ("insufficient_depth", _) => ("shallower".into(), {
            let (value, limit) = value_and_limit_words(f.value, f.limit, Unit::PercentLegLength);
            format!(
                "the squat stops at {value}, short of the {} asked {phase}",
                limit.trim_end_matches(" of leg length")
            )
        }),
        (_, Some(m)) => {
            let (_, dir) = difference_phrase(&m, f.value);
            let (value, limit) = value_and_limit_words(f.value, f.limit, m.unit());
            (
                dir,
                format!("{} reaches {value} {phase} (limit {limit})", m.label()),
            )
        }
        (_, None) => (
            String::new(),
            format!("{}: {:.1} (limit {:.1})", f.name, f.value, f.limit),
        ),
    };
    let unit = match measure {
        Some(m) if !f.rule.ends_with("asymmetry") => unit_code(m.unit()),
        _ => {
            if f.unit == "s" {
                "s".into()
            } else {
                "%".into()
            }
        }
    };
    Deviation {
        source: crate::score::DeviationSource::Rule,
        rule: Some(f.rule.clone()),
        measure: f.measure.clone(),
        body_part: f.body_part.clone(),
        phase_pct: round_tenth(f.phase_pct),
        phase,
        size: f.value,
        unit,
        direction,
        z: None,
        limit: Some(f.limit),
        exceeds_mdc,
        message,
    }
}

use crate::faults::unit_code;
use relearn_core::stats::round_tenth;

/// Scores every repetition of a prepared recording against a template (for many recordings
/// against one template, [`Scorer`] works out what they share once).
pub fn score_recording(t: &Template, p: &PreparedRecording) -> Result<RecordingScore> {
    Scorer::new(t).score(p)
}

/// Scores recordings against one template, with what every recording's scoring needs of the
/// template worked out once: the aligner of its reference (scaled mean curve, inverse channel
/// scales) and the mirror image of its primary axis. Gives exactly what [`score_recording`]
/// gives, recording by recording.
#[derive(Debug, Clone)]
pub struct Scorer<'t> {
    template: &'t Template,
    aligner: crate::compare::Aligner<'t>,
    mirrored_axis: Option<crate::segment::PrimaryAxis>,
}

impl<'t> Scorer<'t> {
    /// A scorer for `template`.
    pub fn new(template: &'t Template) -> Scorer<'t> {
        Scorer {
            template,
            aligner: template.reference.aligner(),
            mirrored_axis: template.primary_axis.mirrored(),
        }
    }

    /// Scores every repetition of a prepared recording ([`score_recording`]).
    pub fn score(&self, p: &PreparedRecording) -> Result<RecordingScore> {
        score_with_basis(self, p).map(|(score, _)| score)
    }
}

/// What a repetition's verdict was made of, beside its score: the verdict model's own
/// probability (before a broken rule caps it) and the deciding rules it broke.
/// Personalisation ([`crate::personalise`]) learns from these.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RepBasis {
    /// [`verdict_probability`] of the repetition (0-1).
    pub model_probability: f64,
    /// Identifiers of the enabled rules deciding the verdict that the repetition broke.
    pub broken_deciding_rules: Vec<String>,
}

/// [`score_recording`], with each repetition's [`RepBasis`] (in repetition order).
pub(crate) fn score_recording_with_basis(
    t: &Template,
    p: &PreparedRecording,
) -> Result<(RecordingScore, Vec<RepBasis>)> {
    score_with_basis(&Scorer::new(t), p)
}

/// [`score_recording_with_basis`] with the template's shared parts from `scorer`.
fn score_with_basis(
    scorer: &Scorer<'_>,
    p: &PreparedRecording,
) -> Result<(RecordingScore, Vec<RepBasis>)> {
    let t = scorer.template;
    let mut warnings = p.warnings.clone();
    if p.view != t.view {
        warnings.push(Warning::new(
            "view_mismatch",
            format!(
                "the template was built from recordings of one view ({}) and this recording \
                 has another ({}): only the signals both have are compared",
                t.view.describe(),
                p.view.describe()
            ),
        ));
    }
    if p.recording.skeleton.name != t.skeleton {
        // The signals are matched by landmark, so scoring goes on; but trackers and marker
        // sets place "the same" joint differently (a Kinect hip is not a marker-based hip
        // centre), which shifts joint positions and angles by more than many faults.
        warnings.push(Warning::new(
            "skeleton_mismatch",
            format!(
                "the template was built from {} recordings and this is a {} recording: \
                 signals are matched by joint name, but different trackers place joints \
                 differently, so differences may come from the recording system rather than \
                 the movement; build the template from recordings of the same system",
                t.skeleton, p.recording.skeleton.name
            ),
        ));
    }
    let noise_match = crate::noise_match::plan(t, p);
    let compared = crate::noise_match::noise_at_examples_rate(t, p);
    if let (Some(noise), Some(at_their_rate), Some(range)) = (p.noise_mm, compared, &t.noise) {
        if crate::resemblance::is_noisier(range, at_their_rate) {
            let rates = (
                p.recording.rate_hz,
                t.noise_rate_hz.unwrap_or(p.recording.rate_hz),
            );
            warnings.push(noisier_warning(
                (noise, at_their_rate),
                rates,
                range,
                noise_match.as_ref(),
            ));
        }
    }
    if p.noise_matched.is_some() && p.noise_matched != noise_match {
        return Err(crate::error::Error::Unusable {
            what: p.recording.source.path.clone(),
            why: "its noise was matched to another template's examples; prepare it again to \
                  score it against this one"
                .into(),
        });
    }
    let (matched_p, matched_t);
    let (t, p) = match &noise_match {
        Some(m) => {
            // A recording matched in place (`noise_match::match_in_place`) is used as it is.
            matched_p = match p.noise_matched {
                Some(_) => None,
                None => Some(crate::noise_match::matched_recording(p, m)?),
            };
            let p = matched_p.as_ref().unwrap_or(p);
            matched_t = crate::noise_match::matched_template(t, p, m)?;
            (matched_t.as_ref().unwrap_or(t), p)
        }
        None => (t, p),
    };
    // A template changed for this recording (noise matching) has its own shared parts.
    let own;
    let scorer = if std::ptr::eq(t, scorer.template) {
        scorer
    } else {
        own = Scorer::new(t);
        &own
    };
    let available = crate::channels::available_channels(p);
    let present = t
        .reference
        .channels
        .iter()
        .filter(|c| available.contains(c))
        .count();
    let coverage = present as f64 / t.reference.channel_count().max(1) as f64;
    if coverage < 0.8 {
        warnings.push(Warning::new(
            "channels_missing",
            format!(
                "this recording has {present} of the template's {} signals: scores are less \
                 reliable",
                t.reference.channel_count()
            ),
        ));
    }
    let system = MeasurementSystem::from_format(&p.recording.source.format);
    let spans = repetition_spans(
        p,
        &t.primary_axis,
        scorer.mirrored_axis.as_ref(),
        Some(t.reference.duration_s),
        &t.settings,
    );
    if spans.is_empty() {
        warnings.push(Warning::new(
            "no_repetitions",
            "no repetition of the movement was found",
        ));
    }
    let rate = p.recording.rate_hz;
    let mut reps = Vec::with_capacity(spans.len());
    let mut basis = Vec::with_capacity(spans.len());
    let mut mirrored_reps: Vec<usize> = Vec::new();
    let mut unlike_reps: Vec<usize> = Vec::new();
    let mut cut_reps: Vec<(usize, crate::segment::CutOff)> = Vec::new();
    let fences = t.exercise_fences();
    for (k, span) in spans.iter().enumerate() {
        let curves = rep_curves(
            p,
            &t.reference.channels,
            span.start,
            span.end,
            t.reference.points,
        );
        let cmp = t.reference.describe(scorer.aligner.align(&curves)?);
        if cmp.mirrored {
            mirrored_reps.push(k + 1);
        }
        // The primary signal (for the tempo) and the share of the movement off the primary
        // axis (for the exercise check), from one computation of the posture rows.
        let (sig, off_axis_share) = rep_signal_and_off_axis(
            p,
            &t.primary_axis,
            scorer.mirrored_axis.as_ref(),
            *span,
            &t.settings,
            t.off_axis.is_some(),
        );
        let unlike_exercise = fences.is_unlike(cmp.distance, off_axis_share);
        let exercise_check =
            (t.resemblance.is_some() || t.off_axis.is_some()).then_some(ExerciseCheck {
                distance: cmp.distance,
                off_axis: off_axis_share,
            });
        if unlike_exercise {
            unlike_reps.push(k + 1);
        }
        let prob = verdict_probability(t, &cmp);
        let verdict = if prob >= 0.5 {
            Verdict::Correct
        } else {
            Verdict::Incorrect
        };
        let confidence = ((2.0 * prob - 1.0).abs() * span.confidence * coverage).clamp(0.0, 1.0);
        let rating = t.rating.as_ref().map(|m| m.predict(&cmp.features));
        let tempo = tempo_phases(&sig, rate);
        let series = rep_measures(&p.measures, *span, rate);
        let lifted = crate::posture::lifted_leg(&p.recording, span.start, span.end);
        let rm = RepMeasures {
            series: &series,
            tempo: tempo.as_ref(),
            lifted,
        };
        // A repetition the recording cuts off breaks limits and differs from the
        // demonstration by the part it misses ("the hips flex 96 degrees further at the
        // end"): no rule is judged and no difference told on it (`analysis.rs` does the
        // same), and the warning says why.
        let (findings, deviations) = match span.cut_off {
            Some(cut) => {
                cut_reps.push((k + 1, cut));
                (Vec::new(), Vec::new())
            }
            None => {
                let findings = faults::evaluate(&t.rules, &rm, &t.rule_reference, t.tempo.as_ref());
                let mut deviations: Vec<Deviation> = findings
                    .iter()
                    .map(|f| rule_deviation(f, t, system))
                    .collect();
                deviations.extend(template_deviations(t, &cmp, system, &findings, lifted));
                (findings, deviations)
            }
        };
        // A broken clinical limit makes the repetition incorrect (template setting); the
        // confidence is then that of the measurement, not of the model.
        let mut broken_deciding_rules: Vec<String> = findings
            .iter()
            .filter(|f| t.rules.iter().any(|r| r.id == f.rule && r.decides_verdict))
            .map(|f| f.rule.clone())
            .collect();
        broken_deciding_rules.sort_unstable();
        broken_deciding_rules.dedup();
        let rule_broken = t.settings.rules_decide_verdict && !broken_deciding_rules.is_empty();
        basis.push(RepBasis {
            model_probability: prob,
            broken_deciding_rules,
        });
        let (prob, verdict, confidence) = if rule_broken {
            let c = (span.confidence * coverage).clamp(0.0, 1.0);
            (prob.min(RULE_BROKEN_MAX_PROBABILITY), Verdict::Incorrect, c)
        } else {
            (prob, verdict, confidence)
        };
        reps.push(RepScore {
            number: k + 1,
            start_s: p.recording.time_s(span.start),
            end_s: p.recording.time_s(span.end),
            duration_s: (span.end - span.start) as f64 / rate,
            score: (100.0 * prob).clamp(0.0, 100.0),
            verdict,
            confidence,
            rating,
            segmentation_confidence: span.confidence,
            tempo,
            deviations,
            mirrored: cmp.mirrored,
            unlike_exercise,
            exercise_check,
            cut_off: span.cut_off,
        });
    }
    if !cut_reps.is_empty() {
        warnings.push(cut_off_warning(&cut_reps));
    }
    if !unlike_reps.is_empty() {
        warnings.push(unlike_exercise_warning(
            &unlike_reps,
            reps.len(),
            &t.exercise,
        ));
    }
    if !mirrored_reps.is_empty() {
        let list: Vec<String> = mirrored_reps.iter().map(usize::to_string).collect();
        warnings.push(Warning::new(
            "other_side",
            format!(
                "{} performed on the other side of the body from the demonstration and {} \
                 compared with its mirror image",
                if mirrored_reps.len() == 1 {
                    format!("repetition {} was", list.join(", "))
                } else {
                    format!("repetitions {} were", list.join(", "))
                },
                if mirrored_reps.len() == 1 {
                    "was"
                } else {
                    "were"
                }
            ),
        ));
    }
    let score = RecordingScore {
        path: p.recording.source.path.clone(),
        exercise: t.exercise.clone(),
        template_id: t.id.clone(),
        program_version: relearn_core::VERSION.to_string(),
        reps,
        warnings,
        noise_match,
    };
    Ok((score, basis))
}

/// The warning for a recording beyond the noise fence of the template's examples
/// ([`crate::resemblance::is_noisier`]): how noisy, how it was matched, what to do.
fn noisier_warning(
    (noise_mm, at_their_rate): (f64, f64),
    (rate_hz, examples_rate_hz): (f64, f64),
    range: &crate::resemblance::ExampleRange,
    matched: Option<&crate::noise_match::NoiseMatch>,
) -> Warning {
    // At another frame rate the two estimates are compared as the noise the scores see.
    let converted = if crate::noise_match::same_rate(rate_hz, examples_rate_hz) {
        String::new()
    } else {
        format!(
            ", as much as {at_their_rate:.1} mm would be at the examples' {examples_rate_hz:.0} Hz \
             against this recording's {rate_hz:.0} Hz"
        )
    };
    let how = match matched {
        Some(m) if m.remaining_noise_mm().is_some() => format!(
            "it was scored after a {:.1} Hz low-pass instead of {} Hz, with the normal band \
             widened and rule limits moved by the {:.1} mm of noise that remains, but ",
            m.cutoff_hz, m.template_cutoff_hz, m.extra_noise_mm
        ),
        Some(m) => format!(
            "it was scored after a {:.1} Hz low-pass instead of {} Hz, but ",
            m.cutoff_hz, m.template_cutoff_hz
        ),
        None => String::new(),
    };
    Warning::new(
        "noisier_than_template",
        format!(
            "this recording is noisier than the ones the template was built from (tracking \
             noise {noise_mm:.1} mm{converted}; the examples' {:.1} mm at most, {:.1} mm \
             typically): \
             {how}differences may come from the tracking rather than the movement; record in \
             better conditions (distance, light, the whole body in view) or build the template \
             from recordings made the same way",
            range.largest, range.median
        ),
    )
}

/// The warning for repetitions that do not resemble the template's exercise: which ones, and
/// what to check.
fn unlike_exercise_warning(unlike: &[usize], total: usize, exercise: &str) -> Warning {
    let list: Vec<String> = unlike.iter().map(usize::to_string).collect();
    let which = if unlike.len() == total {
        if total == 1 {
            "the repetition does".to_string()
        } else {
            format!("none of the {total} repetitions")
        }
    } else if unlike.len() == 1 {
        format!("repetition {} does", list.join(", "))
    } else {
        format!("repetitions {} do", list.join(", "))
    };
    let verb = if unlike.len() == total && total > 1 {
        ""
    } else {
        " not"
    };
    Warning::new(
        "unlike_exercise",
        format!(
            "{which}{verb} resemble the demonstrated {exercise}: farther from it than the \
             template's examples allow, as a different exercise, a very different execution or \
             lost tracking would be; check that this is the patient's exercise and that the \
             body was tracked before acting on the verdict"
        ),
    )
}

/// The warning for repetitions that the recording does not hold whole
/// ([`crate::segment::CutOff`]): which ones, and what to do.
pub(crate) fn cut_off_warning(cut: &[(usize, crate::segment::CutOff)]) -> Warning {
    let each: Vec<String> = cut
        .iter()
        .map(|(k, c)| format!("repetition {k} {}", c.words()))
        .collect();
    Warning::new(
        "cut_off",
        format!(
            "{}: {} shown but left out of the verdicts and advice, as the part the recording \
             missed would read as faults; start recording before the first repetition and stop \
             after the last",
            each.join("; "),
            if cut.len() == 1 { "it is" } else { "they are" }
        ),
    )
}

/// Most differences from the demonstration listed per repetition.
pub const MAX_TEMPLATE_DEVIATIONS: usize = 5;

fn template_deviations(
    t: &Template,
    cmp: &crate::compare::Comparison,
    system: MeasurementSystem,
    findings: &[FaultFinding],
    lifted: Option<relearn_core::Side>,
) -> Vec<Deviation> {
    let c = t.reference.channel_count();
    let p = t.reference.points;
    let measure_channels = t
        .reference
        .channels
        .iter()
        .filter(|ch| ch.is_measure())
        .count();
    let mut out: Vec<(f64, Deviation)> = Vec::new();
    for (k, reference_channel) in t.reference.channels.iter().enumerate() {
        // A repetition compared as its mirror image: reference channel k holds the person's
        // mirror channel, with its sign (so messages name the side the person used).
        let (ch, sign) = match t.reference.mirror_index.get(k) {
            Some(&m) if cmp.mirrored => (
                t.reference.channels.get(m).unwrap_or(reference_channel),
                t.reference.mirror_sign.get(m).copied().unwrap_or(1.0),
            ),
            _ => (reference_channel, 1.0),
        };
        // Joint signals explain only skeletons without clinical measures.
        if !ch.is_measure() && measure_channels >= 3 {
            continue;
        }
        // A measure defined on a weight-bearing leg says nothing of the leg the repetition
        // lifts (knee valgus of a raised leg).
        if let Channel::Measure { measure } = ch {
            if crate::posture::needs_weight_bearing(measure.kind)
                && lifted.is_some()
                && measure.side == lifted
            {
                continue;
            }
        }
        let col: Vec<f64> = (0..p).map(|i| sign * cmp.z[i * c + k]).collect();
        // The demonstrated value at each point, for measures that describe the joint only in
        // part of their range ([`Measure::describes_the_joint_at`]).
        let start = t
            .reference
            .start_posture
            .as_ref()
            .and_then(|s| s.get(k))
            .copied()
            .unwrap_or(0.0);
        let tellable = |i: usize| match ch {
            Channel::Measure { measure } => t
                .reference
                .mean
                .get(i * c + k)
                .is_none_or(|m| measure.describes_the_joint_at(m + start)),
            Channel::Joint { .. } => true,
        };
        // Nothing is held beyond the band where nothing leaves it (most channels of most
        // repetitions): a shortcut with the same result.
        if !col.iter().any(|z| z.abs() >= t.settings.deviation_z) {
            continue;
        }
        let held: Vec<f64> = col
            .iter()
            .enumerate()
            .map(|(i, z)| {
                if z.is_finite() && tellable(i) {
                    *z
                } else {
                    0.0
                }
            })
            .collect();
        let Some((i, z)) = largest_held_difference(&held, held_points(t)) else {
            continue;
        };
        if z.abs() < t.settings.deviation_z {
            continue;
        }
        let diff = sign * (cmp.aligned[i * c + k] - t.reference.mean[i * c + k]);
        let phase_pct = phase_percent(i, p);
        let phase = t.phases.describe(phase_pct);
        let dev = match ch {
            Channel::Measure { measure } => {
                if diff.abs() < min_reportable(measure.unit())
                    || findings.iter().any(|f| f.measure == measure.id())
                {
                    continue;
                }
                let (phrase, direction) = difference_phrase(measure, diff);
                let exceeds_mdc =
                    minimal_detectable_change(system, measure.kind).map(|m| diff.abs() >= m.value);
                let caveat = if exceeds_mdc == Some(false) {
                    " (within this camera's measurement error)"
                } else {
                    ""
                };
                Deviation {
                    source: DeviationSource::Template,
                    rule: None,
                    measure: measure.id(),
                    body_part: measure.body_part(),
                    phase_pct,
                    phase: phase.clone(),
                    size: diff,
                    unit: unit_code(measure.unit()),
                    direction,
                    z: Some(z),
                    limit: None,
                    exceeds_mdc,
                    message: format!("{} {phrase} {phase}{caveat}", measure.body_part()),
                }
            }
            Channel::Joint { joint, axis } => {
                if diff.abs() < min_reportable(Unit::Percent) {
                    continue;
                }
                let direction = axis.direction_words(diff >= 0.0).to_string();
                Deviation {
                    source: DeviationSource::Template,
                    rule: None,
                    measure: ch.id(),
                    body_part: joint.replace('_', " "),
                    phase_pct,
                    phase: phase.clone(),
                    size: diff,
                    unit: "%body".into(),
                    direction: direction.clone(),
                    z: Some(z),
                    limit: None,
                    exceeds_mdc: None,
                    message: format!(
                        "{} is {:.0} % of body size {direction} {phase}",
                        joint.replace('_', " "),
                        diff.abs()
                    ),
                }
            }
        };
        out.push((z.abs(), dev));
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out.into_iter()
        .take(MAX_TEMPLATE_DEVIATIONS)
        .map(|(_, d)| d)
        .collect()
}

/// How many consecutive points of the template's normalised curves span
/// [`crate::template::TemplateSettings::deviation_min_held_s`] of the demonstration (at
/// least 1, at most all of them).
fn held_points(t: &Template) -> usize {
    let p = t.reference.points.max(2);
    let span = t.settings.deviation_min_held_s / t.reference.duration_s * (p - 1) as f64;
    if span.is_finite() && span > 0.0 {
        (span.ceil() as usize).saturating_add(1).min(p)
    } else {
        1
    }
}

/// The point and z of the largest difference held over `w` consecutive points of `z` (a
/// channel's z-scores along the movement, 0 where nothing may be told): over every run of
/// `w` points whose z-scores all have one sign, the point of the smallest |z|; of these, the
/// one with the largest |z|. With `w` = 1 this is the point of the largest |z|. `None` when
/// no run holds one sign.
fn largest_held_difference(z: &[f64], w: usize) -> Option<(usize, f64)> {
    let w = w.max(1);
    let mut best: Option<(usize, f64)> = None;
    for start in 0..z.len().saturating_sub(w - 1) {
        let run = &z[start..start + w];
        let positive = run[0] > 0.0;
        if run.iter().any(|&v| v == 0.0 || (v > 0.0) != positive) {
            continue;
        }
        let (j, v) = run
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .map(|(j, v)| (start + j, *v))?;
        if best.is_none_or(|(_, b)| v.abs() > b.abs()) {
            best = Some((j, v));
        }
    }
    best
}

/// The phase, in percent of the movement, of point `i` of a `points`-point normalised curve,
/// to a tenth of a percent (finer than any recording resolves, and free of floating-point
/// residue such as 28.999999999999996 in the JSON output).
fn phase_percent(i: usize, points: usize) -> f64 {
    round_tenth(i as f64 / (points - 1).max(1) as f64 * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_over_its_limit_never_reads_as_equal_to_it() {
        let words = |v, l, u| value_and_limit_words(v, l, u);
        assert_eq!(
            words(12.3, 10.0, Unit::Degrees),
            ("12 degrees".to_string(), "10 degrees".to_string())
        );
        // 10.4 rounds to the limit's 10: a decimal more tells them apart.
        assert_eq!(
            words(10.4, 10.0, Unit::Degrees),
            ("10.4 degrees".to_string(), "10.0 degrees".to_string())
        );
        assert_eq!(
            words(-10.04, 10.0, Unit::Degrees),
            ("10.04 degrees".to_string(), "10.00 degrees".to_string())
        );
        assert_eq!(
            words(15.02, 15.0, Unit::Centimetres),
            ("15.02 cm".to_string(), "15.00 cm".to_string())
        );
        // Equal to three decimals: the usual rounding.
        assert_eq!(words(10.0001, 10.0, Unit::Percent).0, "10 %");
    }

    #[test]
    fn the_largest_difference_held_is_the_level_a_whole_run_keeps() {
        let z = [0.5, 1.0, 9.0, 1.0, 0.0, 3.0, 2.5, 2.8, -4.0, -4.5];
        // One point: the largest |z|.
        assert_eq!(largest_held_difference(&z, 1), Some((2, 9.0)));
        // Three points: the spike of 9 is held at 1; 3.0, 2.5, 2.8 hold 2.5.
        assert_eq!(largest_held_difference(&z, 3), Some((6, 2.5)));
        // Two points: -4.0, -4.5 hold -4.0 (a change of sign ends a run).
        assert_eq!(largest_held_difference(&z, 2), Some((8, -4.0)));
        // No run of one sign that long; nothing to tell in an empty curve.
        assert_eq!(largest_held_difference(&z, 5), None);
        assert_eq!(largest_held_difference(&[], 3), None);
        assert_eq!(largest_held_difference(&[0.0; 4], 1), None);
    }

    #[test]
    fn phases_are_reported_to_a_tenth_of_a_percent_without_floating_point_residue() {
        // 29 / 100 * 100 is 28.999999999999996 in floating point.
        assert_eq!(phase_percent(29, 101), 29.0);
        assert_eq!(phase_percent(0, 101), 0.0);
        assert_eq!(phase_percent(100, 101), 100.0);
        assert_eq!(phase_percent(1, 7), 16.7);
        assert_eq!(phase_percent(0, 1), 0.0);
    }
}
