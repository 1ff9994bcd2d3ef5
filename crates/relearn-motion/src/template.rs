//! Templates: the clinician's demonstration of an exercise as a reference movement with its
//! normal variability, plus whatever can be learnt from incorrect or rated examples.
//!
//! [`build_template`] takes labelled example recordings (the manifest of
//! `relearn template build`): correct examples define the reference movement (mean curves and
//! normal band, [`crate::compare`]); incorrect examples train a readable correct/incorrect
//! model ([`crate::models::LogisticModel`]); numeric ratings train a rating model
//! ([`crate::models::RidgeModel`]). With correct examples only, the verdict comes from how far a
//! repetition lies outside the correct examples' own spread (one-class model). A template
//! carries all its settings, the fault rules it applies (switching off those the
//! demonstration itself breaks), the program version and a content hash as its identity, so
//! any score can be traced to how it was computed (style guide principle 5).

use crate::body::View;
use crate::channels::{available_channels, Channel};
use crate::compare::{
    build_reference, rep_curves, Alignment, Comparison, FeatureSettings, Reference, RepCurves,
};
use crate::error::{Error, Result};
use crate::faults::{self, Check, FaultRule, RepMeasures};
use crate::measures::{MeasureKind, MeasureSet};
use crate::models::{LogisticModel, RidgeModel};
use crate::prepare::{PrepareSettings, PreparedRecording};
use crate::segment::{
    direction_from_rest, learn_primary_axis, moves_more_along, normalise_excursion_towards,
    project_either_side, project_sides, segment_either_side, segment_sides, turned_away_from_rest,
    CutOff, PrimaryAxis, SegmentSettings, SideProjections,
};
use crate::tempo::{tempo_phases, TempoPhases};
use rayon::prelude::*;
use relearn_core::stats;
use serde::{Deserialize, Serialize};

/// Format marker written into every template file.
pub const TEMPLATE_FORMAT: &str = "relearn-template";
/// Version of the template file layout.
pub const TEMPLATE_SCHEMA: u32 = 1;

/// The label of an example in a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Label {
    /// Performed as demonstrated.
    Correct,
    /// Performed with a fault.
    Incorrect,
    /// A clinician's rating on any numeric scale.
    Rating(f64),
}

impl Label {
    /// Parses a manifest label: `correct`, `incorrect` or a number.
    pub fn parse(s: &str) -> Option<Label> {
        match s.trim().to_ascii_lowercase().as_str() {
            "correct" => Some(Label::Correct),
            "incorrect" => Some(Label::Incorrect),
            t => t
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Label::Rating),
        }
    }
}

/// A labelled example recording.
pub struct Example<'a> {
    /// The prepared recording.
    pub prepared: &'a PreparedRecording,
    /// Its label.
    pub label: Label,
    /// Where it came from (the manifest path), for traceability.
    pub source: String,
}

/// Settings of template building and scoring (all *Relearn defaults* unless stated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateSettings {
    /// Points of the time-normalised movement (101 = every 1 % from 0 to 100 %).
    pub points: usize,
    /// Sakoe-Chiba band half-width as a percentage of the movement (10 %).
    pub dtw_band_pct: f64,
    /// Floor of the normal variability as a fraction of the channel's median variability.
    pub sd_floor_fraction: f64,
    /// L2 penalty of the correct/incorrect model (on standardised features).
    pub classifier_l2: f64,
    /// L2 penalty of the rating model.
    pub rating_l2: f64,
    /// One-class model: quantile of the correct examples' deviation taken as the limit (0.95).
    pub one_class_quantile: f64,
    /// A recording shorter than this multiple of the template's repetition duration is one
    /// repetition (data sets distributed already segmented, such as UI-PRMD) (1.6).
    pub single_rep_ratio: f64,
    /// A recording taken whole as one repetition ([`Self::single_rep_ratio`]) that lasts less
    /// than this multiple of the template's repetition duration is checked for having been
    /// started or stopped during the movement ([`crate::segment::CutOff`]; 0.75): a whole
    /// repetition rarely takes less, while one stopped half-way takes about half. *Relearn
    /// default*, validated in VALIDATION.md §4 ("Recordings that start or stop during a
    /// repetition"). Not written when at its default, so that templates built before it
    /// existed keep their identity.
    #[serde(
        default = "partly_recorded_ratio",
        skip_serializing_if = "is_partly_recorded_ratio"
    )]
    pub partly_recorded_ratio: f64,
    /// |z| from which a difference from the demonstration is reported (2 = outside the
    /// 95 % band of normal variability).
    pub deviation_z: f64,
    /// Shortest time, in seconds of the demonstration, that a difference from it must be
    /// held beyond [`Self::deviation_z`] to be told, and the size told is the one held that
    /// long (0.2 s; *Relearn default*). A depth camera's tracking failures last one to four
    /// frames (up to 0.13 s at 30 Hz) and the zero-phase low-pass spreads them to under
    /// 0.2 s: a raised leg's ankle folded back onto the knee for three frames read "the knee
    /// bends 126 degrees further at the top" on a correct straight-leg raise. The patterns
    /// a clinician coaches (a knee drifting in at the bottom, a trunk leaning through a lift)
    /// last longer. Validated in VALIDATION.md §4 ("Differences told only when held").
    /// Not written when at its default, so that templates built before it existed keep
    /// their identity (they read it as the default).
    #[serde(
        default = "deviation_min_held_s",
        skip_serializing_if = "is_deviation_min_held_s"
    )]
    pub deviation_min_held_s: f64,
    /// A rule decides the verdict for a template only when at most this share of its correct
    /// repetitions break it (0.05); above, it is reported but does not decide.
    pub rule_decisive_share: f64,
    /// A rule is switched off for a template when more than this share of the correct
    /// repetitions break it (0.5).
    pub rule_off_share: f64,
    /// A repetition that breaks an enabled fault rule is incorrect whatever the model says
    /// (its score is capped just below 50): a clinical limit is a limit.
    pub rules_decide_verdict: bool,
    /// Which signals are compared.
    pub channels: ChannelSet,
    /// Which features the models read.
    pub features: FeatureSettings,
    /// Rounds of DTW barycentre averaging that refine the reference movement from the medoid
    /// of the correct examples (1; at least 1). One round, two and three gave the same
    /// leave-one-subject-out accuracy on UI-PRMD (0.882, 0.881, 0.880: VALIDATION.md), so one
    /// is the default. Templates written before this setting existed were built with two: the
    /// setting is read as two when absent, and not written when two, so that their identity
    /// still matches their content.
    #[serde(default = "two_rounds", skip_serializing_if = "is_two_rounds")]
    pub reference_rounds: usize,
    /// Preparation pipeline settings.
    pub prepare: PrepareSettings,
    /// Segmentation settings.
    pub segment: SegmentSettings,
    /// How a recording noisier than the examples is matched to them when scored
    /// ([`crate::noise_match`]). Not written when at its defaults, so that templates built
    /// before it existed keep their identity.
    #[serde(
        default,
        skip_serializing_if = "crate::noise_match::NoiseMatchSettings::is_default"
    )]
    pub noise_match: crate::noise_match::NoiseMatchSettings,
}

/// The default [`TemplateSettings::deviation_min_held_s`].
fn deviation_min_held_s() -> f64 {
    0.2
}

/// Whether [`TemplateSettings::deviation_min_held_s`] is left out when written (its default).
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_deviation_min_held_s(seconds: &f64) -> bool {
    *seconds == deviation_min_held_s()
}

/// The default [`TemplateSettings::partly_recorded_ratio`].
fn partly_recorded_ratio() -> f64 {
    0.75
}

/// Whether [`TemplateSettings::partly_recorded_ratio`] is left out when written (its default).
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_partly_recorded_ratio(ratio: &f64) -> bool {
    *ratio == partly_recorded_ratio()
}

/// The reference rounds of a template written before [`TemplateSettings::reference_rounds`]
/// existed.
fn two_rounds() -> usize {
    2
}

/// Whether [`TemplateSettings::reference_rounds`] is left out when written ([`two_rounds`]).
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_two_rounds(rounds: &usize) -> bool {
    *rounds == two_rounds()
}

impl Default for TemplateSettings {
    fn default() -> Self {
        TemplateSettings {
            points: 101,
            dtw_band_pct: 10.0,
            sd_floor_fraction: 0.25,
            classifier_l2: 100.0,
            rating_l2: 10.0,
            one_class_quantile: 0.95,
            single_rep_ratio: 1.6,
            partly_recorded_ratio: partly_recorded_ratio(),
            deviation_z: 2.0,
            deviation_min_held_s: deviation_min_held_s(),
            rule_off_share: 0.5,
            rules_decide_verdict: true,
            rule_decisive_share: 0.05,
            channels: ChannelSet::All,
            features: FeatureSettings::default(),
            reference_rounds: 1,
            prepare: PrepareSettings::default(),
            segment: SegmentSettings::default(),
            noise_match: crate::noise_match::NoiseMatchSettings::default(),
        }
    }
}

/// Which signals a template compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelSet {
    /// Clinical measures and joint positions.
    All,
    /// Clinical measures only (falls back to joint positions when the skeleton has none).
    Measures,
    /// Joint positions only.
    Joints,
}

/// How a template decides correct versus incorrect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum VerdictModel {
    /// Learnt from correct and incorrect examples.
    Classifier {
        /// The model.
        model: LogisticModel,
    },
    /// Correct examples only: a repetition is incorrect when its deviation (RMS z over all
    /// channels and points, [`overall_deviation`]) exceeds the `quantile` of the correct
    /// examples' deviations, each measured against a reference it did not help build
    /// ([`one_class_model`]).
    OneClass {
        /// Median deviation of the correct examples.
        typical: f64,
        /// Deviation limit.
        limit: f64,
        /// The quantile used for the limit.
        quantile: f64,
        /// Spread of the correct examples' log deviations: the verdict's probability is
        /// `σ((ln limit − ln d) / log_width)`, smooth, so that a personalisation can shift it
        /// (`personalise.rs`). Absent in templates built before it, whose deviations were
        /// measured in-sample and whose probability falls linearly from the typical
        /// deviation (1) through the limit (0.5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        log_width: Option<f64>,
    },
}

/// Words for the phases of the movement, learnt from the demonstration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseWords {
    /// Percent of the movement where the turning point is.
    pub peak_pct: f64,
    /// "at the bottom of the squat".
    pub at_peak: String,
    /// "on the way down".
    pub outward: String,
    /// "on the way up".
    pub inward: String,
}

impl PhaseWords {
    /// The phrase for a phase in percent.
    pub fn describe(&self, phase_pct: f64) -> String {
        let window = 12.0;
        if (phase_pct - self.peak_pct).abs() <= window {
            self.at_peak.clone()
        } else if phase_pct < 8.0 {
            "at the start".into()
        } else if phase_pct > 92.0 {
            "at the end".into()
        } else if phase_pct < self.peak_pct {
            self.outward.clone()
        } else {
            self.inward.clone()
        }
    }
}

/// What the template was built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleSummary {
    /// The example's path as given in the manifest.
    pub path: String,
    /// Its label.
    pub label: Label,
    /// Repetitions found in it.
    pub repetitions: usize,
    /// What looks wrong with it next to the other examples, for the clinician to check (its
    /// tracking noise, or repetitions unlike the others, beyond the examples' own far-out
    /// fences; no repetition found). Empty for most examples, and then not written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
}

/// How well the template's models fit their own training examples (not a validation result:
/// see `relearn eval` for leave-one-subject-out figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Correct repetitions.
    pub correct: usize,
    /// Incorrect repetitions.
    pub incorrect: usize,
    /// Rated repetitions.
    pub rated: usize,
    /// Accuracy of the verdict on the training repetitions.
    pub training_accuracy: Option<f64>,
}

/// A template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Always [`TEMPLATE_FORMAT`].
    pub format: String,
    /// Always [`TEMPLATE_SCHEMA`].
    pub schema: u32,
    /// SHA-256 of the template's content (with this field empty), hex: the template's identity.
    pub id: String,
    /// Exercise name as given by the clinician.
    pub exercise: String,
    /// Version of Relearn that built it.
    pub program_version: String,
    /// Settings used.
    pub settings: TemplateSettings,
    /// Skeleton model of the examples.
    pub skeleton: String,
    /// View of the examples.
    pub view: View,
    /// The reference movement and its normal variability.
    pub reference: Reference,
    /// The primary movement direction used for segmentation.
    pub primary_axis: PrimaryAxis,
    /// The demonstration's primary signal over the movement (0 = rest, 1 = turning point).
    pub primary_curve: Vec<f64>,
    /// Phase words.
    pub phases: PhaseWords,
    /// The demonstration's median tempo phases.
    pub tempo: Option<TempoPhases>,
    /// Correct/incorrect model.
    pub verdict: VerdictModel,
    /// Rating model, when the manifest has ratings.
    pub rating: Option<RidgeModel>,
    /// Fault rules applied, with the ones switched off and why.
    pub rules: Vec<FaultRule>,
    /// The demonstration's values for rules relative to it: (rule id, measure id, value).
    pub rule_reference: Vec<(String, String, f64)>,
    /// Examples it was built from.
    pub examples: Vec<ExampleSummary>,
    /// Fit on the training examples.
    pub training: TrainingSummary,
    /// How far from the reference the examples lie, and the fence beyond which a repetition is
    /// not taken for the exercise ([`crate::resemblance`]). Absent with fewer than five
    /// examples, and in templates written before it existed (no check is made then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resemblance: Option<crate::resemblance::ExampleRange>,
    /// The tracking noise of the example recordings (mm, `PreparedRecording::noise_mm`) and
    /// the fence beyond which a recording is noisier than the template can judge fairly
    /// ([`crate::resemblance`]). Absent with fewer than five examples with an estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<crate::resemblance::ExampleRange>,
    /// The frame rate (Hz) that `noise` refers to: the examples' median. An example recorded
    /// at another rate enters `noise` as the noise it would show at this one, passing as much
    /// through the low-pass ([`crate::noise_match::noise_at_rate`]), and so does a scored
    /// recording. Absent in templates written before it existed: their examples are taken to
    /// be at the scored recording's rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_rate_hz: Option<f64>,
    /// The share of each example repetition's posture variance that lies off the primary
    /// movement axis (1 − [`crate::segment::share_along`]), and the fence beyond which a
    /// repetition moves too much in other directions to be the exercise
    /// ([`crate::resemblance`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off_axis: Option<crate::resemblance::ExampleRange>,
    /// Set when the template was personalised to one patient ([`crate::personalise`]):
    /// absent from templates built by `template build`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personalisation: Option<crate::personalise::Personalisation>,
}

impl Template {
    /// The exercise check's fences ([`crate::resemblance::ExerciseFences`]).
    pub fn exercise_fences(&self) -> crate::resemblance::ExerciseFences<'_> {
        crate::resemblance::ExerciseFences {
            distance: self.resemblance.as_ref(),
            off_axis: self.off_axis.as_ref(),
        }
    }

    /// Computes the content hash (the template's identity): SHA-256 of the template's JSON with
    /// an empty `id`, hashed as it is written out (no copy of the JSON is held).
    pub fn compute_id(&self) -> String {
        use sha2::{Digest, Sha256};
        /// Feeds the serialisation straight into the hash.
        struct Hashing(Sha256);
        impl std::io::Write for Hashing {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.update(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut t = self.clone();
        t.id = String::new();
        let mut hashing = Hashing(Sha256::new());
        // Serialising a template cannot fail (no map with non-string keys, no failing writer);
        // a failure would give the hash of what was written, which then fails verification.
        let _ = serde_json::to_writer(std::io::BufWriter::with_capacity(1 << 16, &mut hashing), &t);
        hex(&hashing.0.finalize())
    }

    /// The template as the JSON Relearn writes, with its identity ([`Template::compute_id`])
    /// computed and set from that same serialisation rather than a second one: the JSON with
    /// an empty `id` is hashed, then the identity is written into its `id` field.
    pub fn identified_json(&mut self) -> serde_json::Result<Vec<u8>> {
        use sha2::{Digest, Sha256};
        self.id = String::new();
        let mut bytes = serde_json::to_vec(self)?;
        let id = hex(&Sha256::digest(&bytes));
        let head = self.identity_head()?;
        self.id = id;
        if bytes.starts_with(head.as_bytes()) {
            bytes.splice(head.len()..head.len(), self.id.bytes());
        } else {
            bytes = serde_json::to_vec(self)?;
        }
        Ok(bytes)
    }

    /// The start of the JSON Relearn writes, up to where the identity's digits go: the fields
    /// come in declaration order (format, schema, then the id).
    fn identity_head(&self) -> serde_json::Result<String> {
        Ok(format!(
            "{{\"format\":{},\"schema\":{},\"id\":\"",
            serde_json::to_string(&self.format)?,
            self.schema
        ))
    }

    /// Whether `text`, the file this template was read from, is exactly what
    /// [`Template::identified_json`] writes for this identity: the hash of the text with the
    /// identity's digits taken out is the identity. This checks a template as written without
    /// serialising it again; `false` for a file laid out otherwise (reformatted, say), whose
    /// identity [`Template::compute_id`] must then check.
    pub fn matches_written_identity(&self, text: &str) -> bool {
        use sha2::{Digest, Sha256};
        let Ok(head) = self.identity_head() else {
            return false;
        };
        let digits = self.id.len();
        let Some(rest) = text
            .strip_prefix(head.as_str())
            .and_then(|after| after.strip_prefix(self.id.as_str()))
        else {
            return false;
        };
        if digits != 64 || !rest.starts_with('"') {
            return false;
        }
        let mut hash = Sha256::new();
        hash.update(head.as_bytes());
        hash.update(rest.as_bytes());
        hex(&hash.finalize()) == self.id
    }

    /// The short identity (first 12 hex digits) for display.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }
}

/// Bytes as lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A repetition of an example or scored recording: its frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepSpan {
    /// First frame.
    pub start: usize,
    /// One past the last frame.
    pub end: usize,
    /// Segmentation confidence.
    pub confidence: f64,
    /// The edge of the recording that cuts the repetition short
    /// ([`crate::segment::CutOff`]); `None` for a whole repetition.
    pub cut_off: Option<CutOff>,
}

/// The repetitions of a recording for template building or scoring: the segmentation along
/// the primary axis, or the whole recording when it is one repetition (shorter than
/// `single_rep_ratio` × the reference duration, or when the segmentation finds at most one).
/// A recording taken whole is marked cut off when [`whole_recording_cut_off`] finds it so.
/// Both look along the axis or its mirror image `mirrored`, whichever the recording moves
/// along ([`crate::segment::project_either_side`]).
pub fn repetition_spans(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    reference_duration_s: Option<f64>,
    settings: &TemplateSettings,
) -> Vec<RepSpan> {
    if taken_whole(p, reference_duration_s, settings) {
        let cut = whole_recording_cut_off(p, axis, mirrored, reference_duration_s, settings);
        return whole_recording(p, cut);
    }
    let (reps, _) = segment_either_side(p, axis, mirrored, &settings.segment);
    spans_of(p, &reps, LoneRepetition::AsFound)
}

/// The whole recording as one repetition, cut off by the recording's edges or not.
fn whole_recording(p: &PreparedRecording, cut_off: Option<CutOff>) -> Vec<RepSpan> {
    vec![RepSpan {
        start: 0,
        end: p.recording.frame_count(),
        confidence: 1.0,
        cut_off,
    }]
}

/// What a recording in which the segmentation found one repetition stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoneRepetition {
    /// The whole recording is the repetition: how a template's first pass learns the typical
    /// repetition duration from recordings of one repetition each (data sets distributed
    /// already segmented, such as UI-PRMD), whose segmentation boundaries would trim them.
    WholeRecording,
    /// The repetition found, from rest to rest: a recording long enough to be segmented (more
    /// than `single_rep_ratio` × the typical duration, [`repetition_spans`]) that holds one
    /// repetition also holds seconds of standing before or after it, which are not the
    /// movement (UI-PRMD's s06 stood 3 s before an incorrect shoulder abduction, which read as
    /// "right arm stays 143 degrees lower at the top" and "the lowering phase takes 4.2 s").
    /// VALIDATION.md §4, "A lone repetition in a long recording".
    AsFound,
}

/// The spans of the repetitions the segmentation found, or the whole recording when it found
/// none, or one and `lone` says so ([`LoneRepetition`]). The whole recording keeps the mark
/// of the one repetition found when the recording cuts it off: the rest of the recording is
/// stillness around a movement it does not hold whole.
fn spans_of(
    p: &PreparedRecording,
    reps: &[crate::segment::Repetition],
    lone: LoneRepetition,
) -> Vec<RepSpan> {
    if reps.is_empty() || (reps.len() == 1 && lone == LoneRepetition::WholeRecording) {
        return whole_recording(p, reps.first().and_then(|r| r.cut_off));
    }
    reps.iter()
        .map(|r| RepSpan {
            start: r.start_frame,
            end: r.end_frame,
            confidence: r.confidence,
            cut_off: r.cut_off,
        })
        .collect()
}

/// Whether a recording taken whole as one repetition (`taken_whole`) was started or
/// stopped during the movement. Such a recording is short, and one of its ends lies inside
/// the movement, so it cannot be told apart by the segmentation, which sees one repetition in
/// it either way. Two signs together, both against the demonstration:
/// - it lasts less than `partly_recorded_ratio` × the template's repetition duration;
/// - along the primary axis turned away from rest ([`PrimaryAxis::away_from_rest`]), one of
///   its ends lies more than half its range from the other, on the side away from rest, and
///   the recording's edge there is inside the movement's core ([`CutOff::of`] on the signal
///   [`crate::segment::normalise_excursion_towards`] normalises from the lower end). The axis
///   is the template's or its mirror image `mirrored`, whichever the recording moves along
///   ([`crate::segment::project_either_side`]).
///
/// A template whose axis is not turned (built before turning existed) cannot tell rest from
/// the turning point, and gives `None`. On UI-PRMD (VALIDATION.md §4, "Recordings that start
/// or stop during a repetition"), the two signs together mark 3 of the 2000 left-out files of
/// `relearn eval uiprmd` (each one whole repetition) and 4 of 1000 in
/// `validation/cut_off.py --single`, which finds 917-990 of the 1000 files stopped or started
/// 40-60 % of the way through.
pub fn whole_recording_cut_off(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    reference_duration_s: Option<f64>,
    settings: &TemplateSettings,
) -> Option<CutOff> {
    let typical = reference_duration_s.filter(|d| *d > 0.0)?;
    if !axis.away_from_rest || p.recording.duration_s() >= settings.partly_recorded_ratio * typical
    {
        return None;
    }
    let s = normalise_excursion_towards(
        &project_either_side(p, axis, mirrored),
        p.recording.rate_hz,
        settings.segment.smooth_s,
        settings.segment.min_excursion_pct,
        true,
    );
    CutOff::of(&s, 0, s.len(), settings.segment.enter)
}

/// Whether [`repetition_spans`] takes the recording whole without segmenting it: it lasts at
/// most `single_rep_ratio` × the reference duration.
fn taken_whole(
    p: &PreparedRecording,
    reference_duration_s: Option<f64>,
    settings: &TemplateSettings,
) -> bool {
    reference_duration_s
        .is_some_and(|d| d > 0.0 && p.recording.duration_s() <= settings.single_rep_ratio * d)
}

/// Measures of a repetition, as the fault rules see them.
pub fn rep_measures(
    measures: &MeasureSet,
    span: RepSpan,
    rate_hz: f64,
) -> Vec<(crate::measures::Measure, Vec<f64>)> {
    measures
        .slice(span.start, span.end)
        .series
        .into_iter()
        .map(|(m, mut v)| {
            if m.relative_to_start() {
                crate::measures::subtract_start(&mut v, rate_hz);
            }
            (m, v)
        })
        .collect()
}

/// For a rule against a fraction of the demonstration's value (insufficient depth), a note
/// switching it off when the demonstration moves the measure so little that falling short of
/// the fraction is not a difference Relearn reports ([`crate::score::min_reportable`]: with
/// the default 80 %, a demonstration shallower than 25 % of leg length). Without it a shoulder
/// exercise, whose "depth" is a few millimetres of sway, would be told "the squat stops at 0 %
/// of leg length, short of the 0 % asked".
fn too_small_to_fall_short_of(
    rule: &FaultRule,
    rule_reference: &[(String, String, f64)],
) -> Option<String> {
    let Check::BelowTemplateFraction {
        measure, fraction, ..
    } = &rule.check
    else {
        return None;
    };
    let (measure, fraction) = (*measure, *fraction);
    let values: Vec<f64> = rule_reference
        .iter()
        .filter(|(r, _, _)| *r == rule.id)
        .map(|x| x.2)
        .collect();
    let unit = crate::measures::Measure {
        kind: measure,
        side: None,
    }
    .unit();
    let least = crate::score::min_reportable(unit);
    let largest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (!values.is_empty() && (1.0 - fraction) * largest < least).then(|| {
        format!(
            "switched off: the demonstration reaches {largest:.1} {}, so falling short of {:.0} % \
             of it is less than the {least} {} Relearn reports as a difference",
            unit.word(),
            fraction * 100.0,
            unit.word()
        )
    })
}

/// A repetition's primary signal (its projection on the primary axis, smoothed and
/// normalised: 0 = rest, 1 = turning point) and, when `off_axis` asks for it, the share of its
/// movement off the primary axis or its mirror image `mirrored` (`off_axis_share`; `None`
/// when not asked for or when it cannot be measured). A repetition that is the whole
/// recording (recorded on its own) has both from one computation of its posture rows
/// ([`crate::segment::project_and_share`]), with the same values as each computed alone.
pub fn rep_signal_and_off_axis(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    span: RepSpan,
    settings: &TemplateSettings,
    off_axis: bool,
) -> (Vec<f64>, Option<f64>) {
    if span.start == 0 && span.end >= p.recording.frame_count() {
        // The whole recording (a pre-segmented repetition): projected without a copy.
        let (raw, share) = crate::segment::project_and_share(p, axis, mirrored, off_axis);
        return (
            normalised_signal(p, &raw, axis, settings),
            share.map(|s| 1.0 - s),
        );
    }
    let share = off_axis
        .then(|| off_axis_share(p, axis, mirrored, span))
        .flatten();
    (rep_signal_of_span(p, axis, mirrored, span, settings), share)
}

/// The share (0-1) of a repetition's movement that lies off the primary axis, or off its
/// mirror image `mirrored` when that is closer (1 − [`crate::segment::share_along_either_side`]);
/// `None` when it cannot be measured.
fn off_axis_share(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    span: RepSpan,
) -> Option<f64> {
    crate::segment::share_along_either_side(p, axis, mirrored, span.start, span.end)
        .map(|share| 1.0 - share)
}

/// The primary signal ([`rep_signal_and_off_axis`]) of a repetition that is part of its
/// recording: the frames of the span projected as a recording of their own.
fn rep_signal_of_span(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    span: RepSpan,
    settings: &TemplateSettings,
) -> Vec<f64> {
    let sub = PreparedRecording {
        recording: p.recording.slice_frames(span.start, span.end),
        lab: p.lab.clone(),
        view: p.view,
        measures: p.measures.slice(span.start, span.end),
        leg_length_m: p.leg_length_m,
        quality: p.quality.clone(),
        spikes: Vec::new(),
        noise_mm: p.noise_mm,
        noise_matched: p.noise_matched.clone(),
        warnings: Vec::new(),
    };
    normalised_signal(
        p,
        &project_either_side(&sub, axis, mirrored),
        axis,
        settings,
    )
}

/// A repetition's projection on the primary axis, smoothed and normalised (0 = rest, 1 = turning
/// point), with the rest rule of the segmentation: along an axis turned away from rest, a
/// repetition whose two ends lie more than half its range apart has its rest at the lower end
/// ([`normalise_excursion_towards`]), so that its tempo phases are timed from rest.
fn normalised_signal(
    p: &PreparedRecording,
    raw: &[f64],
    axis: &PrimaryAxis,
    settings: &TemplateSettings,
) -> Vec<f64> {
    normalise_excursion_towards(
        raw,
        p.recording.rate_hz,
        settings.segment.smooth_s,
        0.0,
        axis.away_from_rest,
    )
}

/// Channels shared by every example (a channel missing or empty in one correct example is
/// dropped so that all examples compare on the same signals), with the mirror image of each.
fn shared_channels(examples: &[Example<'_>]) -> Vec<Channel> {
    let Some(first) = examples.first() else {
        return Vec::new();
    };
    let mut channels = available_channels(first.prepared);
    for ex in examples.iter().skip(1) {
        let theirs = available_channels(ex.prepared);
        channels.retain(|c| theirs.contains(c));
    }
    // Both sides or neither: a sided channel whose mirror image is not shared goes too, so
    // that every channel's mirror image is among them and a repetition done on the other side
    // can be compared mirrored (`channels::mirror_map`). Otherwise one example without a left
    // knee projection angle (a recording where it is never defined) switched mirroring off
    // for the whole template: UI-PRMD's shoulder extension, whose s07 and s10 use the other
    // arm (VALIDATION.md §4, "Both sides or neither").
    let shared = channels.clone();
    channels.retain(|c| shared.contains(&c.mirrored().0));
    channels
}

/// For each example, what looks wrong with it next to the others (`ExampleSummary::checks`):
/// its tracking noise beyond the examples' noise fence ([`crate::resemblance::is_noisier`]),
/// repetitions beyond the exercise check's fences ([`crate::resemblance::ExerciseFences`]:
/// unlike the other examples' movement, as a wrong recording or a tracking failure would be),
/// or no repetition found. `owner[k]` is the example of repetition `k`, whose DTW distance and
/// off-axis share are `distances[k]` and `off_axis[k]`.
fn example_checks(
    spans: &[Vec<RepSpan>],
    owner: &[usize],
    distances: &[f64],
    off_axis: &[f64],
    noise: &[f64],
    fences: crate::resemblance::ExerciseFences<'_>,
    noise_range: Option<&crate::resemblance::ExampleRange>,
) -> Vec<Vec<String>> {
    let mut unlike = vec![0usize; spans.len()];
    for ((&i, &d), &o) in owner.iter().zip(distances).zip(off_axis) {
        if fences.is_unlike(d, o.is_finite().then_some(o)) {
            if let Some(u) = unlike.get_mut(i) {
                *u += 1;
            }
        }
    }
    spans
        .iter()
        .enumerate()
        .map(|(i, reps)| {
            let mut checks = Vec::new();
            if reps.is_empty() {
                checks.push("no repetition found in it".to_string());
            }
            if let (Some(range), Some(&n)) = (noise_range, noise.get(i)) {
                if crate::resemblance::is_noisier(range, n) {
                    checks.push(format!(
                        "tracking noise {n:.1} mm (the examples' {:.1} mm typically)",
                        range.median
                    ));
                }
            }
            if unlike[i] > 0 {
                checks.push(format!(
                    "{} of {} repetitions unlike the other examples' movement",
                    unlike[i],
                    reps.len()
                ));
            }
            checks
        })
        .collect()
}

/// The example check for `cut` repetitions left out because the recording does not hold them
/// whole ([`crate::segment::CutOff`]).
fn cut_off_check(cut: usize) -> String {
    if cut == 1 {
        "1 repetition cut off by the start or end of the recording: left out".to_string()
    } else {
        format!("{cut} repetitions cut off by the start or end of the recording: left out")
    }
}

/// Builds a template from labelled examples.
pub fn build_template(
    exercise: &str,
    examples: &[Example<'_>],
    settings: &TemplateSettings,
) -> Result<Template> {
    let mut template = build_template_unidentified(exercise, examples, settings)?;
    template.id = template.compute_id();
    Ok(template)
}

/// [`build_template`] without its identity (`id` empty), for a caller that sets it with
/// [`Template::identified_json`] as it writes the template out (one serialisation, not two).
pub fn build_template_unidentified(
    exercise: &str,
    examples: &[Example<'_>],
    settings: &TemplateSettings,
) -> Result<Template> {
    let correct: Vec<&Example<'_>> = examples
        .iter()
        .filter(|e| e.label == Label::Correct)
        .collect();
    if correct.is_empty() {
        return Err(Error::Template(
            "the manifest has no example labelled `correct`: the reference movement is learnt \
             from correct examples"
                .into(),
        ));
    }
    let view = correct[0].prepared.view;
    if let Some(bad) = examples.iter().find(|e| e.prepared.view != view) {
        return Err(Error::Template(format!(
            "{} is {:?} but the first correct example is {view:?}: all examples must be the same \
             kind of recording",
            bad.source, bad.prepared.view
        )));
    }
    let correct_preps: Vec<&PreparedRecording> = correct.iter().map(|e| e.prepared).collect();
    let axis = learn_primary_axis(&correct_preps).ok_or_else(|| {
        Error::Template("the correct examples show no movement to learn from".into())
    })?;
    // First pass: the correct examples segmented, to learn the typical repetition duration.
    // Their projections on the axis also vote on its direction (`segment::turned_away_from_rest`),
    // which the segmentation then uses: one projection per example serves both. Each example
    // is projected on the axis and on its mirror image (`segment::project_both`), and is
    // segmented along both (`segment::segment_sides`); an example done on the other side
    // votes with the mirrored projection, along which it moves away from rest the same way.
    let learnt_mirror = axis.mirrored();
    let projections: Vec<Option<SideProjections>> = examples
        .par_iter()
        .map(|e| {
            (e.label == Label::Correct)
                .then(|| project_sides(e.prepared, &axis, learnt_mirror.as_ref()))
        })
        .collect();
    let votes: f64 = examples
        .iter()
        .zip(&projections)
        .filter_map(|(e, raw)| {
            let (own, theirs) = raw.as_ref()?;
            let moved = match theirs {
                Some(t) if moves_more_along(t, own) => t,
                _ => own,
            };
            let rate = e.prepared.recording.rate_hz;
            Some(direction_from_rest(moved, rate, settings.segment.smooth_s))
        })
        .sum();
    let axis = turned_away_from_rest(axis, votes);
    let mirrored_axis = axis.mirrored();
    let turn = if votes < 0.0 { -1.0 } else { 1.0 };
    // First pass, per correct example: its repetitions as found, and as the typical
    // duration counts them (a lone repetition as its whole recording, `LoneRepetition`).
    let first_pass: Vec<Option<(Vec<RepSpan>, Vec<RepSpan>)>> = examples
        .par_iter()
        .zip(projections)
        .map(|(e, raw)| {
            // The projections on the turned axis and its mirror image are the ones on the
            // learnt axis and its mirror image, negated or not.
            let (own, theirs) = raw?;
            let turned = |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|x| turn * x).collect() };
            let (own, theirs) = (turned(own), theirs.map(turned));
            let (reps, _) =
                segment_sides(e.prepared, &own, theirs.as_deref(), true, &settings.segment);
            Some((
                spans_of(e.prepared, &reps, LoneRepetition::AsFound),
                spans_of(e.prepared, &reps, LoneRepetition::WholeRecording),
            ))
        })
        .collect();
    let durations: Vec<f64> = examples
        .iter()
        .zip(&first_pass)
        .filter_map(|(e, spans)| Some((e, &spans.as_ref()?.1)))
        .flat_map(|(e, spans)| {
            spans
                .iter()
                .filter(|s| s.cut_off.is_none())
                .map(|s| (s.end - s.start) as f64 / e.prepared.recording.rate_hz)
        })
        .collect();
    let typical = stats::median(&durations);
    // Second pass: every example's repetitions knowing the typical duration. The
    // segmentation itself does not depend on it (only whether a short recording is taken
    // whole does), so a correct example's first-pass segmentation is reused as it is.
    let spans: Vec<Vec<RepSpan>> = examples
        .par_iter()
        .zip(first_pass)
        .map(|(e, first)| match first {
            Some((first, _)) if !taken_whole(e.prepared, typical, settings) => first,
            _ => repetition_spans(e.prepared, &axis, mirrored_axis.as_ref(), typical, settings),
        })
        .collect();
    // A repetition the recording does not hold whole (`segment::CutOff`) is not the movement
    // to learn: it is left out, and the example's checks say so.
    let cut_off: Vec<usize> = spans
        .iter()
        .map(|sp| sp.iter().filter(|s| s.cut_off.is_some()).count())
        .collect();
    let spans: Vec<Vec<RepSpan>> = spans
        .into_iter()
        .map(|sp| sp.into_iter().filter(|s| s.cut_off.is_none()).collect())
        .collect();
    let mut channels = shared_channels(examples);
    let has_measures = channels.iter().filter(|c| c.is_measure()).count() >= 3;
    match settings.channels {
        ChannelSet::All => {}
        ChannelSet::Measures if has_measures => channels.retain(Channel::is_measure),
        ChannelSet::Measures => {}
        ChannelSet::Joints => channels.retain(|c| !c.is_measure()),
    }
    if channels.is_empty() {
        return Err(Error::Template(
            "the examples share no joints or measures".into(),
        ));
    }
    let points = settings.points.max(11);
    let band = ((settings.dtw_band_pct / 100.0) * points as f64)
        .round()
        .max(1.0) as usize;
    let jobs: Vec<(usize, RepSpan)> = spans
        .iter()
        .enumerate()
        .flat_map(|(i, sp)| sp.iter().map(move |s| (i, *s)))
        .collect();
    // The correct repetitions' curves now, for the reference; the others' once the reference
    // is built, so that they reuse the memory it frees rather than touching new pages (a
    // build's page faults cost about a tenth of its time: BENCHMARKS.md).
    let curves_of = |i: usize, s: RepSpan, channels: &[Channel]| {
        rep_curves(examples[i].prepared, channels, s.start, s.end, points)
    };
    let mut curves: Vec<(usize, RepSpan, Option<RepCurves>)> = jobs
        .par_iter()
        .map(|&(i, s)| {
            let curves = (examples[i].label == Label::Correct).then(|| curves_of(i, s, &channels));
            (i, s, curves)
        })
        .collect();
    let correct_curves: Vec<&RepCurves> =
        curves.iter().filter_map(|(_, _, c)| c.as_ref()).collect();
    // How much of each repetition's movement lies off the primary axis, and the correct
    // repetitions' primary signals (for the tempo and the demonstration's curve), do not
    // depend on the reference: they are worked out on whichever thread the reference's steps
    // that run on one thread (its channel scales, its medoid) leave idle, from one
    // computation of each repetition's posture rows.
    let off_axis_and_signals = || -> (Vec<f64>, Vec<Option<Vec<f64>>>) {
        curves
            .par_iter()
            .map(|(i, span, _)| {
                let p = examples[*i].prepared;
                if examples[*i].label == Label::Correct {
                    let (signal, off) = rep_signal_and_off_axis(
                        p,
                        &axis,
                        mirrored_axis.as_ref(),
                        *span,
                        settings,
                        true,
                    );
                    (off.unwrap_or(f64::NAN), Some(signal))
                } else {
                    let off = off_axis_share(p, &axis, mirrored_axis.as_ref(), *span);
                    (off.unwrap_or(f64::NAN), None)
                }
            })
            .unzip()
    };
    let (reference, (off_axis_shares, mut signals)) = rayon::join(
        || {
            build_reference(
                channels,
                &correct_curves,
                points,
                band,
                settings.sd_floor_fraction,
                settings.features,
                settings.reference_rounds,
            )
        },
        off_axis_and_signals,
    );
    let mut reference = reference?;
    // How one-sided the demonstration is, against its correct examples (as performed), so
    // that every alignment below tells a repetition's side the same way as scoring will.
    reference.sides = {
        let correct: Vec<&RepCurves> = curves.iter().filter_map(|(_, _, c)| c.as_ref()).collect();
        reference.aligner().side_asymmetry(&correct)
    };
    // A template of correct examples only judges by resemblance to them: each correct
    // repetition's deviation is measured against a reference built without it, before the
    // curves are consumed by the alignments below.
    let held_out = if curves
        .iter()
        .any(|(i, _, _)| examples[*i].label == Label::Incorrect)
    {
        None
    } else {
        let correct: Vec<&RepCurves> = curves.iter().filter_map(|(_, _, c)| c.as_ref()).collect();
        held_out_deviations(&reference.channels, &correct, points, band, settings)?
    };

    // Every repetition aligned to the final reference (in parallel, in order: the result
    // does not depend on the thread count). The fault direction is learnt from the
    // incorrect ones' alignments, and does not change them, so they are aligned once.
    // Each repetition's curves are made (if not yet) and freed as soon as it is aligned:
    // nothing after needs them.
    let aligner = reference.aligner();
    let mut alignments: Vec<Alignment> = curves
        .par_iter_mut()
        .map(|(i, s, c)| {
            let rep = c
                .take()
                .unwrap_or_else(|| curves_of(*i, *s, &reference.channels));
            aligner.align(&rep)
        })
        .collect::<Result<_>>()?;
    drop(aligner);
    if settings.features.fault_projection {
        let incorrect: Vec<&Alignment> = alignments
            .iter()
            .zip(&curves)
            .filter(|(_, (i, _, _))| examples[*i].label == Label::Incorrect)
            .map(|(a, _)| a)
            .collect();
        reference.learn_fault_direction(&incorrect);
    }
    // Features of every repetition.
    // Only the features and the channels' RMS z are used from here on: the curves are
    // dropped as soon as each is described, so that their memory is reused rather than
    // newly touched (about a quarter of the peak memory of a build).
    let comparisons: Vec<Comparison> = std::mem::take(&mut alignments)
        .into_par_iter()
        .map(|a| {
            let mut c = reference.describe(a);
            c.aligned = Vec::new();
            c.z = Vec::new();
            c
        })
        .collect();
    let distances: Vec<f64> = comparisons.iter().map(|c| c.distance).collect();
    let resemblance = crate::resemblance::ExampleRange::learn(&distances);
    let off_axis = crate::resemblance::ExampleRange::learn(&off_axis_shares);
    // The examples' noise at their median frame rate, so that examples recorded at different
    // rates are compared by the noise their scores see.
    let noise_rate_hz = stats::median(
        &examples
            .iter()
            .filter(|e| e.prepared.noise_mm.is_some_and(f64::is_finite))
            .map(|e| e.prepared.recording.rate_hz)
            .collect::<Vec<f64>>(),
    );
    let example_noise: Vec<f64> = examples
        .iter()
        .map(|e| {
            match (
                e.prepared.noise_mm,
                noise_rate_hz,
                settings.prepare.cutoff_hz,
            ) {
                (Some(n), Some(to), Some(fc)) => {
                    crate::noise_match::noise_at_rate(n, fc, e.prepared.recording.rate_hz, to)
                }
                (Some(n), ..) => n,
                (None, ..) => f64::NAN,
            }
        })
        .collect();
    let noise = crate::resemblance::ExampleRange::learn(&example_noise);
    let noise_rate_hz = noise_rate_hz.filter(|_| noise.is_some());
    let checks = example_checks(
        &spans,
        &curves.iter().map(|(i, _, _)| *i).collect::<Vec<usize>>(),
        &distances,
        &off_axis_shares,
        &example_noise,
        crate::resemblance::ExerciseFences {
            distance: resemblance.as_ref(),
            off_axis: off_axis.as_ref(),
        },
        noise.as_ref(),
    );
    let rows: Vec<Vec<f64>> = comparisons.iter().map(|c| c.features.clone()).collect();
    let labels: Vec<Label> = curves.iter().map(|(i, _, _)| examples[*i].label).collect();
    let n_correct = labels.iter().filter(|l| **l == Label::Correct).count();
    let n_incorrect = labels.iter().filter(|l| **l == Label::Incorrect).count();
    let rated: Vec<(usize, f64)> = labels
        .iter()
        .enumerate()
        .filter_map(|(k, l)| match l {
            Label::Rating(r) => Some((k, *r)),
            _ => None,
        })
        .collect();

    // What the rules and the tempo need of each correct repetition, computed once: its
    // measures, its primary signal, its tempo phases.
    struct CorrectRep {
        series: Vec<(crate::measures::Measure, Vec<f64>)>,
        signal: Vec<f64>,
        tempo: Option<TempoPhases>,
        lifted: Option<relearn_core::Side>,
    }
    // The verdict and rating models are fitted (one thread) while the correct repetitions'
    // measures and tempo are computed (the other threads): neither needs the other.
    let fit_models = || -> Result<(VerdictModel, Option<RidgeModel>)> {
        let verdict = if n_incorrect > 0 {
            let (x, y): (Vec<Vec<f64>>, Vec<bool>) = rows
                .iter()
                .zip(&labels)
                .filter(|(_, l)| matches!(l, Label::Correct | Label::Incorrect))
                .map(|(r, l)| (r.clone(), *l == Label::Correct))
                .unzip();
            VerdictModel::Classifier {
                model: LogisticModel::fit(&x, &y, settings.classifier_l2)?,
            }
        } else if let Some(held_out) = &held_out {
            one_class_model(held_out, settings.one_class_quantile)
        } else {
            // One correct repetition: no spread to learn; its own deviation (zero) is all
            // there is, and any other repetition lies beyond it.
            let devs: Vec<f64> = comparisons
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == Label::Correct)
                .map(|(c, _)| overall_deviation(c))
                .collect();
            VerdictModel::OneClass {
                typical: stats::median(&devs).unwrap_or(1.0),
                limit: stats::quantile(&devs, settings.one_class_quantile).unwrap_or(2.0),
                quantile: settings.one_class_quantile,
                log_width: None,
            }
        };
        let rating = if rated.len() >= 3 {
            let x: Vec<Vec<f64>> = rated.iter().map(|(k, _)| rows[*k].clone()).collect();
            let y: Vec<f64> = rated.iter().map(|(_, r)| *r).collect();
            Some(RidgeModel::fit(&x, &y, settings.rating_l2)?)
        } else {
            None
        };
        Ok((verdict, rating))
    };
    let (models, correct_reps) = rayon::join(fit_models, || -> Vec<CorrectRep> {
        curves
            .par_iter()
            .zip(&mut signals)
            .filter(|((i, _, _), _)| examples[*i].label == Label::Correct)
            .map(|((i, s, _), signal)| {
                let p = examples[*i].prepared;
                let signal = signal.take().unwrap_or_default();
                CorrectRep {
                    series: rep_measures(&p.measures, *s, p.recording.rate_hz),
                    tempo: tempo_phases(&signal, p.recording.rate_hz),
                    lifted: crate::posture::lifted_leg(&p.recording, s.start, s.end),
                    signal,
                }
            })
            .collect()
    });
    let (verdict, rating) = models?;

    // Demonstration's primary curve, tempo and phase words.
    let prim_curves: Vec<Vec<f64>> = correct_reps
        .iter()
        .map(|r| relearn_core::resample::resample_linear(&r.signal, points))
        .collect();
    let tempos: Vec<TempoPhases> = correct_reps.iter().filter_map(|r| r.tempo).collect();
    let primary_curve: Vec<f64> = (0..points)
        .map(|i| stats::mean(&prim_curves.iter().map(|c| c[i]).collect::<Vec<_>>()).unwrap_or(0.0))
        .collect();
    let tempo = (!tempos.is_empty()).then(|| TempoPhases {
        outward_s: stats::median(&tempos.iter().map(|t| t.outward_s).collect::<Vec<_>>())
            .unwrap_or(0.0),
        pause_s: stats::median(&tempos.iter().map(|t| t.pause_s).collect::<Vec<_>>())
            .unwrap_or(0.0),
        return_s: stats::median(&tempos.iter().map(|t| t.return_s).collect::<Vec<_>>())
            .unwrap_or(0.0),
    });
    let phases = phase_words(exercise, &reference, &primary_curve);

    // Fault rules: switch off those the demonstration breaks or cannot measure.
    let mut rules = faults::default_rules();
    let mut rule_reference = Vec::new();
    for rule in &mut rules {
        if let Check::BelowTemplateFraction {
            measure, statistic, ..
        } = rule.check
        {
            for m in crate::measures::Measure::all()
                .into_iter()
                .filter(|m| m.kind == measure)
            {
                let vals: Vec<f64> = correct_reps
                    .iter()
                    .filter_map(|r| {
                        let rm = RepMeasures {
                            series: &r.series,
                            tempo: None,
                            lifted: r.lifted,
                        };
                        faults::rule_statistic(rule, measure, statistic, m.side, &rm).map(|x| x.0)
                    })
                    .collect();
                if let Some(v) = stats::median(&vals) {
                    rule_reference.push((rule.id.clone(), m.id(), v));
                }
            }
        }
    }
    let mut broken = vec![0usize; rules.len()];
    let mut measurable = vec![false; rules.len()];
    for r in &correct_reps {
        let rm = RepMeasures {
            series: &r.series,
            tempo: r.tempo.as_ref(),
            lifted: r.lifted,
        };
        for (k, rule) in rules.iter().enumerate() {
            if rule_measurable(rule, &r.series) {
                measurable[k] = true;
            }
            let found = faults::evaluate(
                std::slice::from_ref(rule),
                &rm,
                &rule_reference,
                tempo.as_ref(),
            );
            if !found.is_empty() {
                broken[k] += 1;
            }
        }
    }
    for (k, rule) in rules.iter_mut().enumerate() {
        if !measurable[k] {
            rule.enabled = false;
            rule.note = Some("not measurable with this recording's joints or camera view".into());
        } else if let Some(note) = too_small_to_fall_short_of(rule, &rule_reference) {
            rule.enabled = false;
            rule.note = Some(note);
        } else if broken[k] as f64 > settings.rule_off_share * correct_reps.len() as f64 {
            rule.enabled = false;
            rule.note = Some(format!(
                "switched off: the demonstration itself breaks it in {} of {} correct repetitions",
                broken[k],
                correct_reps.len()
            ));
        } else if rule.decides_verdict
            && broken[k] as f64 > settings.rule_decisive_share * correct_reps.len() as f64
        {
            rule.decides_verdict = false;
            rule.note = Some(format!(
                "the demonstration breaks it in {} of {} correct repetitions: the measurement \
                 is too noisy for this limit",
                broken[k],
                correct_reps.len()
            ));
        }
    }

    // Rules for standing on one leg do not apply when the demonstration stands on both feet;
    // rules for standing movements do not apply when it is seated (the posture's note comes
    // last: it is the first reason).
    let stances: Vec<_> = correct
        .iter()
        .filter_map(|e| crate::posture::detect_stance(&e.prepared.recording))
        .collect();
    if let Some(stance) = crate::posture::stance_of_recordings(&stances) {
        faults::switch_off_for_stance(&mut rules, &stance);
    }
    // Rules about raising the arm do not apply when the demonstration's arms hardly move.
    let arm_movements: Vec<f64> = correct_reps
        .iter()
        .filter_map(|r| faults::arm_movement_deg(&r.series))
        .collect();
    if let Some(typical) = stats::median(&arm_movements) {
        faults::switch_off_without_arm_raise(&mut rules, typical);
    }
    let postures: Vec<_> = correct
        .iter()
        .filter_map(|e| crate::posture::detect_posture(&e.prepared.measures))
        .collect();
    if let Some(posture) = crate::posture::posture_of_recordings(&postures) {
        faults::switch_off_for_posture(&mut rules, &posture);
    }

    let summaries = examples
        .iter()
        .zip(&spans)
        .zip(checks)
        .zip(&cut_off)
        .map(|(((e, s), mut checks), &cut)| {
            if cut > 0 {
                checks.push(cut_off_check(cut));
            }
            ExampleSummary {
                path: e.source.clone(),
                label: e.label,
                repetitions: s.len(),
                checks,
            }
        })
        .collect();
    let mut template = Template {
        format: TEMPLATE_FORMAT.into(),
        schema: TEMPLATE_SCHEMA,
        id: String::new(),
        exercise: exercise.to_string(),
        program_version: relearn_core::VERSION.to_string(),
        settings: settings.clone(),
        skeleton: correct[0].prepared.recording.skeleton.name.clone(),
        view,
        reference,
        primary_axis: axis,
        primary_curve,
        phases,
        tempo,
        verdict,
        rating,
        rules,
        rule_reference,
        examples: summaries,
        training: TrainingSummary {
            correct: n_correct,
            incorrect: n_incorrect,
            rated: rated.len(),
            training_accuracy: None,
        },
        resemblance,
        noise,
        noise_rate_hz,
        off_axis,
        personalisation: None,
    };
    let mut right = 0usize;
    let mut total = 0usize;
    for (cmp, l) in comparisons.iter().zip(&labels) {
        let want = match l {
            Label::Correct => true,
            Label::Incorrect => false,
            Label::Rating(_) => continue,
        };
        total += 1;
        if (verdict_probability(&template, cmp) >= 0.5) == want {
            right += 1;
        }
    }
    template.training.training_accuracy = (total > 0).then(|| right as f64 / total as f64);
    Ok(template)
}

fn rule_measurable(rule: &FaultRule, series: &[(crate::measures::Measure, Vec<f64>)]) -> bool {
    let has = |k: MeasureKind| {
        series
            .iter()
            .any(|(m, v)| m.kind == k && v.iter().any(|x| x.is_finite()))
    };
    rule.check.measure().is_none_or(has)
}

/// Overall deviation of a repetition: RMS of the per-channel RMS z.
pub fn overall_deviation(cmp: &Comparison) -> f64 {
    stats::rms(&cmp.channel_rms_z).unwrap_or(f64::NAN)
}

/// How many groups the correct repetitions of a one-class template are split into for their
/// held-out deviations ([`held_out_deviations`]): each repetition is its own group up to this
/// many (leave one out), beyond it ten-fold cross-fitting keeps the cost at ten references.
pub const HELD_OUT_FOLDS: usize = 10;

/// Smallest [`VerdictModel::OneClass`] `log_width`: a deviation 10 % beyond the limit is
/// about one logit below one half (p ≈ 0.28), however alike the examples are (*Relearn
/// default*).
pub const MIN_LOG_WIDTH: f64 = 0.1;

/// Each correct repetition's [`overall_deviation`] from a reference built from the others
/// (leave one out up to [`HELD_OUT_FOLDS`] repetitions, that many folds beyond: repetition
/// `k` is in fold `k mod folds`), in the order given; `None` for fewer than two repetitions.
///
/// Why: measured against the reference it helped build, a repetition is closer than any
/// other repetition can be. The reference is its examples' average and the normal variability
/// their spread, so in-sample deviations understate what a new repetition shows even of the
/// same person on the same day: on UI-PRMD, a limit from the in-sample deviations of one
/// person's first five correct repetitions called 82 % of that person's next five incorrect,
/// and the demonstration's own worst repetition too; from held-out deviations, 13 % and none
/// (VALIDATION.md §4, "A clinic's small template: the verdict").
pub fn held_out_deviations(
    channels: &[Channel],
    correct: &[&RepCurves],
    points: usize,
    band: usize,
    settings: &TemplateSettings,
) -> Result<Option<Vec<f64>>> {
    let n = correct.len();
    if n < 2 {
        return Ok(None);
    }
    let folds = n.min(HELD_OUT_FOLDS);
    let per_fold: Vec<Vec<(usize, f64)>> = (0..folds)
        .into_par_iter()
        .map(|f| {
            let others: Vec<&RepCurves> = correct
                .iter()
                .enumerate()
                .filter(|(k, _)| k % folds != f)
                .map(|(_, c)| *c)
                .collect();
            let reference = build_reference(
                channels.to_vec(),
                &others,
                points,
                band,
                settings.sd_floor_fraction,
                settings.features,
                settings.reference_rounds,
            )?;
            correct
                .iter()
                .enumerate()
                .filter(|(k, _)| k % folds == f)
                .map(|(k, c)| Ok((k, overall_deviation(&reference.compare(c)?))))
                .collect()
        })
        .collect::<Result<_>>()?;
    let mut devs = vec![f64::NAN; n];
    for (k, d) in per_fold.into_iter().flatten() {
        devs[k] = d;
    }
    Ok(Some(devs))
}

/// The one-class verdict from the correct repetitions' held-out deviations
/// ([`held_out_deviations`]): the limit is the split-conformal quantile, the
/// `⌈(n + 1) q⌉`-th smallest of the n deviations (the largest when that rank exceeds n), so
/// that a new repetition exchangeable with the examples (the same person, the same session)
/// lies within it with probability at least `q` (Vovk, Gammerman & Shafer 2005; Lei et al.
/// 2018, *J. Am. Stat. Assoc.* 113:1094-1111); its width is the SD of the log deviations
/// (at least [`MIN_LOG_WIDTH`]).
pub fn one_class_model(held_out: &[f64], quantile: f64) -> VerdictModel {
    let mut devs: Vec<f64> = held_out.iter().copied().filter(|d| d.is_finite()).collect();
    devs.sort_by(f64::total_cmp);
    let n = devs.len();
    let rank = ((n as f64 + 1.0) * quantile).ceil() as usize;
    let limit = devs
        .get(rank.clamp(1, n.max(1)) - 1)
        .copied()
        .unwrap_or(2.0);
    let logs: Vec<f64> = devs.iter().filter(|d| **d > 0.0).map(|d| d.ln()).collect();
    let width = stats::std_dev(&logs)
        .filter(|w| w.is_finite())
        .unwrap_or(0.0)
        .max(MIN_LOG_WIDTH);
    VerdictModel::OneClass {
        typical: stats::median(&devs).unwrap_or(1.0),
        limit,
        quantile,
        log_width: Some(width),
    }
}

/// The one-class probability of a correct verdict for a repetition of deviation `d`:
/// `σ((ln limit − ln d) / log_width)`, one half at the limit; 0 for a deviation that could
/// not be measured.
fn one_class_probability(limit: f64, log_width: f64, d: f64) -> f64 {
    if d.is_finite() {
        crate::models::sigmoid((limit.ln() - d.ln()) / log_width)
    } else {
        0.0
    }
}

/// Probability-like score (0-1) that a repetition is correct, from the template's verdict
/// model, shifted by the template's personalisation when it has one. For the one-class model:
/// `σ((ln limit − ln d) / log_width)` of the repetition's deviation `d` (0.5 at the limit);
/// in templates built before that, 1 up to the typical deviation, falling linearly to 0.5 at
/// the limit and to 0 at twice the limit's excess.
pub fn verdict_probability(t: &Template, cmp: &Comparison) -> f64 {
    let p = model_probability(t, cmp);
    match &t.personalisation {
        Some(personal) => personal.adjust(p),
        None => p,
    }
}

/// [`verdict_probability`] before a personalisation's shift.
fn model_probability(t: &Template, cmp: &Comparison) -> f64 {
    match &t.verdict {
        VerdictModel::Classifier { model } => model.probability(&cmp.features),
        VerdictModel::OneClass {
            limit,
            log_width: Some(w),
            ..
        } if *limit > 0.0 && *w > 0.0 => one_class_probability(*limit, *w, overall_deviation(cmp)),
        VerdictModel::OneClass { typical, limit, .. } => {
            let d = overall_deviation(cmp);
            if !d.is_finite() {
                return 0.0;
            }
            let span = (limit - typical).max(1e-6);
            (1.0 - 0.5 * ((d - typical).max(0.0) / span)).clamp(0.0, 1.0)
        }
    }
}

/// Phase words from the exercise name and the direction the body moves at the turning point.
fn phase_words(exercise: &str, reference: &Reference, primary: &[f64]) -> PhaseWords {
    let (peak_i, _) = stats::argmax(primary).unwrap_or((primary.len() / 2, 1.0));
    let peak_pct = peak_i as f64 / (primary.len().max(2) - 1) as f64 * 100.0;
    // The joint channel with the largest vertical excursion tells down (squat) from up (arm).
    let c = reference.channel_count();
    let mut best = (0.0f64, 0.0f64);
    for (k, ch) in reference.channels.iter().enumerate() {
        if let Channel::Joint {
            axis: crate::channels::BodyAxis::Up,
            ..
        } = ch
        {
            let start = reference.mean.get(k).copied().unwrap_or(0.0);
            let at_peak = reference.mean.get(peak_i * c + k).copied().unwrap_or(0.0);
            let d = at_peak - start;
            if d.abs() > best.0.abs() {
                best = (d, d);
            }
        }
    }
    let name = exercise.trim().to_lowercase();
    let name = if name.is_empty() {
        "movement".to_string()
    } else {
        name
    };
    if best.1 < 0.0 {
        PhaseWords {
            peak_pct,
            at_peak: format!("at the bottom of the {name}"),
            outward: "on the way down".into(),
            inward: "on the way up".into(),
        }
    } else {
        PhaseWords {
            peak_pct,
            at_peak: format!("at the top of the {name}"),
            outward: "on the way up".into(),
            inward: "on the way down".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-class limit ([`one_class_model`]) and probability ([`one_class_probability`])
    /// on known deviations.
    #[test]
    fn the_one_class_limit_is_the_conformal_rank_of_the_held_out_deviations() {
        let limit_and_width = |devs: &[f64]| match one_class_model(devs, 0.95) {
            VerdictModel::OneClass {
                limit, log_width, ..
            } => (limit, log_width.unwrap()),
            VerdictModel::Classifier { .. } => panic!("one-class expected"),
        };
        // Five repetitions cannot cover 95 %: the rank ⌈6 × 0.95⌉ = 6 is beyond them, and the
        // largest is the limit, so no demonstration repetition lies outside it.
        let (limit, _) = limit_and_width(&[1.2, 1.0, 1.4, 1.1, 1.3]);
        assert_eq!(limit, 1.4);
        // 99 repetitions 1..=99: the ⌈100 × 0.95⌉ = 95th smallest.
        let many: Vec<f64> = (1..=99).map(f64::from).collect();
        assert_eq!(limit_and_width(&many).0, 95.0);
        // Repetitions all alike keep a width of at least 0.1 in log deviation; a NaN is not
        // counted.
        let (limit, width) = limit_and_width(&[2.0, 2.0, f64::NAN, 2.0]);
        assert_eq!((limit, width), (2.0, MIN_LOG_WIDTH));
        // The probability is one half at the limit, and falls with the deviation.
        let (limit, width) = limit_and_width(&[1.0, 1.5, 2.0]);
        let t = |d: f64| one_class_probability(limit, width, d);
        assert!((t(2.0) - 0.5).abs() < 1e-12);
        assert!(t(1.0) > 0.8 && t(4.0) < 0.2, "{} {}", t(1.0), t(4.0));
        assert!(t(0.0) == 1.0 && t(f64::NAN) == 0.0);
    }

    /// A template written before `reference_rounds` existed (built with two rounds) reads as
    /// two and writes the same settings back, so that its identity still matches; a new
    /// template's one round is written.
    #[test]
    fn reference_rounds_keep_older_templates_identity() {
        let new = TemplateSettings::default();
        assert_eq!(new.reference_rounds, 1);
        let written = serde_json::to_value(&new).unwrap();
        assert_eq!(written["reference_rounds"], 1);
        let mut older = written.clone();
        older.as_object_mut().unwrap().remove("reference_rounds");
        let read: TemplateSettings = serde_json::from_value(older.clone()).unwrap();
        assert_eq!(read.reference_rounds, 2);
        assert_eq!(serde_json::to_value(&read).unwrap(), older);
    }

    #[test]
    fn examples_unlike_the_others_or_without_repetitions_are_named() {
        let span = RepSpan {
            start: 0,
            end: 30,
            confidence: 1.0,
            cut_off: None,
        };
        let spans = vec![vec![span], vec![], vec![span, span]];
        // Example 2's first repetition lies beyond the distance fence, its second moves 90 %
        // off the main direction (beyond the 50 % floor).
        let distance = crate::resemblance::ExampleRange {
            examples: 40,
            median: 1.0,
            upper_quartile: 1.5,
            largest: 2.5,
            fence: 3.0,
        };
        let off_axis = crate::resemblance::ExampleRange {
            examples: 40,
            median: 0.05,
            upper_quartile: 0.1,
            largest: 0.2,
            fence: 0.3,
        };
        let fences = crate::resemblance::ExerciseFences {
            distance: Some(&distance),
            off_axis: Some(&off_axis),
        };
        let checks = example_checks(
            &spans,
            &[0, 2, 2],
            &[0.5, 10.0, 0.5],
            &[0.1, 0.1, 0.9],
            &[f64::NAN; 3],
            fences,
            None,
        );
        assert!(checks[0].is_empty(), "{checks:?}");
        assert_eq!(checks[1], ["no repetition found in it"]);
        assert_eq!(
            checks[2],
            ["2 of 2 repetitions unlike the other examples' movement"]
        );
    }

    #[test]
    fn a_depth_rule_is_off_for_a_demonstration_with_no_depth_to_fall_short_of() {
        let rule = faults::default_rules()
            .into_iter()
            .find(|r| r.id == "insufficient_depth")
            .unwrap();
        let reference = |v: f64| vec![(rule.id.clone(), "squat_depth".to_string(), v)];
        // A shoulder exercise sways a few millimetres; 20 % of 0.5 % of leg length is nothing.
        let note = too_small_to_fall_short_of(&rule, &reference(0.5)).unwrap();
        assert!(note.contains("switched off"), "{note}");
        // 20 % of 24 % is under the 5 % reported; 20 % of 26 % is over it.
        assert!(too_small_to_fall_short_of(&rule, &reference(24.0)).is_some());
        assert!(too_small_to_fall_short_of(&rule, &reference(26.0)).is_none());
        assert!(too_small_to_fall_short_of(&rule, &[]).is_none());
        let other = faults::default_rules()
            .into_iter()
            .find(|r| r.id == "knee_valgus")
            .unwrap();
        assert!(too_small_to_fall_short_of(&other, &reference(0.5)).is_none());
    }
}
