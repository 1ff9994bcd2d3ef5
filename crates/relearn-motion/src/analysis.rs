//! The analysis of one recording, as `relearn analyze` reports it: repetitions, the clinical
//! measures of each, the fault rules that fire, the score against a template when one is
//! given, and a plain-language summary a patient understands.

use crate::body::View;
use crate::error::Result;
use crate::faults::{self, default_rules, FaultRule, RepMeasures};
use crate::measures::{Measure, MeasureKind, Unit};
use crate::prepare::PreparedRecording;
use crate::score::{score_recording, RecordingScore, Verdict};
use crate::segment::{segment_repetitions, Repetition, SegmentSettings};
use crate::template::{rep_measures, RepSpan, Template};
use crate::tempo::{tempo_phases, TempoPhases};
use relearn_core::lab::LabFrameReport;
use relearn_core::{stats, Warning};
use serde::{Deserialize, Serialize};

/// Summary of one measure over one repetition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSummary {
    /// The measure's identifier.
    pub measure: String,
    /// Plain-language name.
    pub label: String,
    /// Unit code (`deg`, `cm`, `%leg`).
    pub unit: Unit,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Range of motion (max − min).
    pub range: f64,
}

/// One repetition in an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysedRepetition {
    /// The repetition (frames, times, segmentation confidence).
    pub repetition: Repetition,
    /// Measures over the repetition.
    pub measures: Vec<MeasureSummary>,
    /// Fault rules broken (absolute limits; without a template, rules relative to the
    /// demonstration cannot apply).
    pub faults: Vec<faults::FaultFinding>,
    /// Tempo phases.
    pub tempo: Option<TempoPhases>,
}

/// The analysis of one recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The file.
    pub path: String,
    /// The format that read it.
    pub format: String,
    /// Version of Relearn.
    pub program_version: String,
    /// Frame rate, Hz.
    pub rate_hz: f64,
    /// Frames.
    pub frames: usize,
    /// Duration, seconds.
    pub duration_s: f64,
    /// What the recording can see.
    pub view: View,
    /// Lab-frame conversion (axes, units) found.
    pub lab: LabFrameReport,
    /// Tracking noise, mm ([`PreparedRecording::noise_mm`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_noise_mm: Option<f64>,
    /// Seated or standing ([`crate::posture::detect_posture`]); absent when the legs cannot
    /// be measured (no legs, a 2-D frontal view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posture: Option<crate::posture::PostureEstimate>,
    /// On one leg or both feet ([`crate::posture::detect_stance`]); absent when the ankles
    /// are not tracked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stance: Option<crate::posture::StanceEstimate>,
    /// Repetitions with their measures.
    pub repetitions: Vec<AnalysedRepetition>,
    /// The normalised primary movement signal (0 = rest, 1 = turning point), frame by frame.
    pub primary_signal: Vec<f64>,
    /// The score against the template, when one was given.
    pub score: Option<RecordingScore>,
    /// Settings that shaped the result (rules applied).
    pub rules: Vec<FaultRule>,
    /// Plain-language summary for the patient.
    pub summary: Vec<String>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Analyses a prepared recording, with an optional template and optional edited rules (the
/// template's own rules are used when a template is given and no rules are).
pub fn analyze(
    p: &PreparedRecording,
    template: Option<&Template>,
    rules: Option<&[FaultRule]>,
    segment: &SegmentSettings,
) -> Result<Analysis> {
    let rate = p.recording.rate_hz;
    let (reps, primary_signal) = match template {
        Some(t) => {
            let mirrored = t.primary_axis.mirrored();
            let spans = crate::template::repetition_spans(
                p,
                &t.primary_axis,
                mirrored.as_ref(),
                Some(t.reference.duration_s),
                &t.settings,
            );
            let (_, sig) =
                crate::segment::segment_either_side(p, &t.primary_axis, mirrored.as_ref(), segment);
            let reps = spans
                .iter()
                .enumerate()
                .map(|(k, s)| span_to_rep(k, *s, &sig, rate, p.recording.start_time_s))
                .collect::<Vec<_>>();
            (reps, sig)
        }
        None => segment_repetitions(p, None, segment),
    };
    let posture = crate::posture::detect_posture(&p.measures);
    let stance = crate::posture::detect_stance(&p.recording);
    let rules: Vec<FaultRule> = match (rules, template) {
        (Some(r), _) => r.to_vec(),
        (None, Some(t)) => t.rules.clone(),
        (None, None) => {
            // The standard limits, less those for standing movements when the person sits
            // (a template decides this from its demonstration; edited rules are the
            // clinician's).
            let mut rules = default_rules();
            if let Some(stance) = &stance {
                faults::switch_off_for_stance(&mut rules, stance);
            }
            if let Some(arms) = faults::arm_movement_deg(&p.measures.series) {
                faults::switch_off_without_arm_raise(&mut rules, arms);
            }
            if let Some(posture) = &posture {
                faults::switch_off_for_posture(&mut rules, posture);
            }
            rules
        }
    };
    let (rule_ref, template_tempo) = match template {
        Some(t) => (t.rule_reference.clone(), t.tempo),
        None => (Vec::new(), None),
    };
    let mut analysed = Vec::with_capacity(reps.len());
    for r in &reps {
        let span = RepSpan {
            start: r.start_frame,
            end: r.end_frame,
            confidence: r.confidence,
            cut_off: r.cut_off,
        };
        let series = rep_measures(&p.measures, span, rate);
        let sig: Vec<f64> = primary_signal
            .get(r.start_frame..r.end_frame)
            .map(<[f64]>::to_vec)
            .unwrap_or_default();
        let tempo = tempo_phases(&sig, rate);
        let rm = RepMeasures {
            series: &series,
            tempo: tempo.as_ref(),
            lifted: crate::posture::lifted_leg(&p.recording, r.start_frame, r.end_frame),
        };
        // A repetition the recording cuts off breaks limits with the part it misses (a
        // "lowering phase of 0.0 s"): no rule is judged on it, as no difference is told.
        let found = match r.cut_off {
            Some(_) => Vec::new(),
            None => faults::evaluate(&rules, &rm, &rule_ref, template_tempo.as_ref()),
        };
        let measures = series
            .iter()
            .filter_map(|(m, v)| {
                let (min, max) = stats::min_max(v)?;
                Some(MeasureSummary {
                    measure: m.id(),
                    label: m.label(),
                    unit: m.unit(),
                    min,
                    max,
                    range: max - min,
                })
            })
            .collect();
        analysed.push(AnalysedRepetition {
            repetition: r.clone(),
            measures,
            faults: found,
            tempo,
        });
    }
    let score = template.map(|t| score_recording(t, p)).transpose()?;
    let mut warnings = p.warnings.clone();
    let cut: Vec<(usize, crate::segment::CutOff)> = reps
        .iter()
        .filter_map(|r| Some((r.number, r.cut_off?)))
        .collect();
    if score.is_none() && !cut.is_empty() {
        // With a template the score says it.
        warnings.push(crate::score::cut_off_warning(&cut));
    }
    if reps.is_empty() {
        warnings.push(Warning::new(
            "no_repetitions",
            "no repeated movement was found: the measures are shown for the whole recording",
        ));
    }
    let summary = patient_summary(
        &analysed,
        score.as_ref(),
        template.map(|t| t.exercise.as_str()),
    );
    Ok(Analysis {
        path: p.recording.source.path.clone(),
        format: p.recording.source.format.clone(),
        program_version: relearn_core::VERSION.to_string(),
        rate_hz: rate,
        frames: p.recording.frame_count(),
        duration_s: p.recording.duration_s(),
        view: p.view,
        lab: p.lab.clone(),
        tracking_noise_mm: p.noise_mm,
        posture,
        stance,
        repetitions: analysed,
        primary_signal,
        score,
        rules,
        summary,
        warnings,
    })
}

fn span_to_rep(k: usize, s: RepSpan, sig: &[f64], rate: f64, t0: f64) -> Repetition {
    let peak = s.start
        + sig
            .get(s.start..s.end)
            .and_then(stats::argmax)
            .map_or(0, |(i, _)| i);
    Repetition {
        number: k + 1,
        start_frame: s.start,
        end_frame: s.end,
        peak_frame: peak,
        start_s: t0 + s.start as f64 / rate,
        end_s: t0 + s.end as f64 / rate,
        duration_s: (s.end - s.start) as f64 / rate,
        confidence: s.confidence,
        cut_off: s.cut_off,
    }
}

/// The plain-language summary: how many repetitions, how many were good, and the one or two
/// things to work on, in words a patient understands (second person, no jargon).
pub fn patient_summary(
    reps: &[AnalysedRepetition],
    score: Option<&RecordingScore>,
    exercise: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    let reps_word = if score.map_or(reps.len(), |s| s.reps.len()) == 1 {
        "repetition"
    } else {
        "repetitions"
    };
    let what = exercise
        .map(str::to_lowercase)
        .unwrap_or_else(|| reps_word.into());
    let n = score.map_or(reps.len(), |s| s.reps.len());
    if n == 0 {
        out.push("We could not find a repeated movement in this recording.".into());
        return out;
    }
    let label = if exercise.is_some() {
        format!("{reps_word} of the {what}")
    } else {
        what.clone()
    };
    // Repetitions that do not resemble the exercise (`resemblance.rs`) get no advice: it would
    // be about a different movement.
    let unlike = score.map_or(0, |s| s.left_out().0);
    if unlike * 2 > n {
        let exercise_name = exercise.map_or_else(|| "exercise".to_string(), str::to_lowercase);
        out.push(format!(
            "These movements do not look like the {exercise_name} you were shown, so no advice \
             is given on them."
        ));
        out.push("Your clinician can check that the right exercise was chosen.".into());
        return out;
    }
    out.push(format!("You did {n} {label}."));
    // Repetitions the recording does not hold whole (`segment::CutOff`) get no advice either:
    // what is missing would read as faults.
    let cut = match score {
        Some(s) => s.left_out().1,
        None => reps
            .iter()
            .filter(|r| r.repetition.cut_off.is_some())
            .count(),
    };
    if cut > 0 {
        out.push(format!(
            "{cut} of them {} only partly recorded and {} left out of this advice.",
            if cut == 1 { "was" } else { "were" },
            if cut == 1 { "is" } else { "are" }
        ));
    }
    if let Some(s) = score {
        let judged: Vec<&crate::score::RepScore> =
            s.reps.iter().filter(|r| r.is_judged()).collect();
        if unlike > 0 {
            out.push(format!(
                "{unlike} of them did not look like the {what} and {} left out of this advice.",
                if unlike == 1 { "is" } else { "are" }
            ));
        }
        let n = judged.len();
        let good = judged
            .iter()
            .filter(|r| r.verdict == Verdict::Correct)
            .count();
        // With repetitions left out, the counts are of "the other" ones.
        let of_n = if unlike + cut > 0 {
            format!("of the other {n}")
        } else {
            format!("of {n}")
        };
        out.push(match good {
            _ if n == 0 => "None of them could be judged.".to_string(),
            g if g == n && unlike + cut > 0 => {
                format!("The other {n} matched the demonstration well.")
            }
            g if g == n => "All of them matched the demonstration well.".to_string(),
            0 => format!(
                "None {} matched the demonstration yet: here is what to work on.",
                if unlike + cut > 0 {
                    of_n.as_str()
                } else {
                    "of them"
                }
            ),
            g => format!("{g} {of_n} matched the demonstration well."),
        });
        // The most frequent findings (by measure), worded for the patient; rule findings
        // first, then differences from the demonstration. The largest size across the
        // repetitions is quoted.
        let mut counts: Vec<(String, usize, bool, f64, &crate::score::Deviation)> = Vec::new();
        for r in &judged {
            let mut seen = std::collections::HashSet::new();
            for d in &r.deviations {
                if !seen.insert(d.measure.clone()) {
                    continue;
                }
                let is_rule = d.source == crate::score::DeviationSource::Rule;
                match counts.iter_mut().find(|c| c.0 == d.measure) {
                    Some(c) => {
                        c.1 += 1;
                        if d.size.abs() > c.3 {
                            c.3 = d.size.abs();
                            c.4 = d;
                        }
                    }
                    None => counts.push((d.measure.clone(), 1, is_rule, d.size.abs(), d)),
                }
            }
        }
        counts.sort_by_key(|c| (std::cmp::Reverse(c.1), !c.2));
        for (_, count, _, _, d) in counts.iter().take(2) {
            out.push(format!("In {count} {of_n}, {}.", patient_words(d)));
        }
    } else {
        let mut counts: Vec<(String, usize, f64, String)> = Vec::new();
        let whole: Vec<&AnalysedRepetition> = reps
            .iter()
            .filter(|r| r.repetition.cut_off.is_none())
            .collect();
        let n = whole.len();
        for r in &whole {
            for f in &r.faults {
                match counts.iter_mut().find(|c| c.0 == f.measure) {
                    Some(c) => {
                        c.1 += 1;
                        c.2 = c.2.max(f.value.abs());
                    }
                    None => counts.push((f.measure.clone(), 1, f.value.abs(), fault_words(f))),
                }
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let of_n = if cut > 0 {
            format!("of the other {n}")
        } else {
            format!("of {n}")
        };
        if counts.is_empty() && n > 0 {
            out.push("No fault was found against the standard limits.".into());
        }
        for (_, count, _, words) in counts.iter().take(2) {
            out.push(format!("In {count} {of_n}, {words}."));
        }
    }
    out
}

/// A deviation in the patient's words (second person, no jargon).
fn patient_words(d: &crate::score::Deviation) -> String {
    use crate::score::DeviationSource;
    if d.source == DeviationSource::Template {
        return format!("your {}", d.message);
    }
    let limit = d.limit.unwrap_or(f64::NAN);
    match d.rule.as_deref().unwrap_or("") {
        "insufficient_depth" => format!(
            "you did not go as deep as shown ({:.0} % of your leg length; aim for {:.0} %)",
            d.size, limit
        ),
        "tempo" => format!(
            "you moved {} than shown during the {}",
            d.direction, d.body_part
        ),
        id if id.ends_with("asymmetry") => format!(
            "you bent one side more than the other ({:.0} % difference; aim under {:.0} %)",
            d.size.abs(),
            limit.abs()
        ),
        _ => {
            let f = faults::FaultFinding {
                rule: d.rule.clone().unwrap_or_default(),
                name: String::new(),
                measure: d.measure.clone(),
                body_part: d.body_part.clone(),
                value: d.size,
                limit,
                unit: d.unit.clone(),
                phase_pct: d.phase_pct,
                excess: d.size - limit,
            };
            format!("{} {}", fault_words(&f), d.phase)
        }
    }
}

fn fault_words(f: &faults::FaultFinding) -> String {
    let m = Measure::all().into_iter().find(|m| m.id() == f.measure);
    match m.map(|m| m.kind) {
        Some(MeasureKind::KneeFrontalPlaneProjection) => format!(
            "your {} drifted inward (up to {:.0} degrees; aim to keep it under {:.0})",
            f.body_part, f.value, f.limit
        ),
        Some(MeasureKind::TrunkLateralLean) => format!(
            "your trunk leaned to the side (up to {:.0} degrees; aim under {:.0})",
            f.value.abs(),
            f.limit
        ),
        Some(MeasureKind::PelvicDrop) => format!(
            "the {} dropped (up to {:.0} degrees; aim under {:.0})",
            f.body_part, f.value, f.limit
        ),
        Some(MeasureKind::LumbarFlexion) => format!(
            "your lower back rounded (up to {:.0} degrees; aim under {:.0})",
            f.value, f.limit
        ),
        Some(MeasureKind::ShoulderElevation) => format!(
            "your {} shrugged up early (by {:.1} cm; aim under {:.1})",
            f.body_part, f.value, f.limit
        ),
        _ => format!(
            "{} ({:.1} against a limit of {:.1})",
            f.name.to_lowercase(),
            f.value,
            f.limit
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{RecordingScore, RepScore};

    fn rep(number: usize, verdict: Verdict, unlike_exercise: bool) -> RepScore {
        RepScore {
            number,
            start_s: 0.0,
            end_s: 1.0,
            duration_s: 1.0,
            score: if verdict == Verdict::Correct {
                90.0
            } else {
                10.0
            },
            verdict,
            confidence: 0.8,
            rating: None,
            segmentation_confidence: 1.0,
            tempo: None,
            deviations: Vec::new(),
            mirrored: false,
            unlike_exercise,
            exercise_check: None,
            cut_off: None,
        }
    }

    fn scored(reps: Vec<RepScore>) -> RecordingScore {
        RecordingScore {
            path: "p.csv".into(),
            exercise: "Squat".into(),
            template_id: "x".into(),
            program_version: "0".into(),
            reps,
            warnings: Vec::new(),
            noise_match: None,
        }
    }

    #[test]
    fn movements_unlike_the_exercise_get_no_advice() {
        let s = scored(vec![
            rep(1, Verdict::Incorrect, true),
            rep(2, Verdict::Incorrect, true),
            rep(3, Verdict::Correct, false),
        ]);
        let out = patient_summary(&[], Some(&s), Some("Squat"));
        assert_eq!(
            out,
            [
                "These movements do not look like the squat you were shown, so no advice is \
                 given on them.",
                "Your clinician can check that the right exercise was chosen."
            ]
        );
    }

    #[test]
    fn a_few_repetitions_unlike_the_exercise_are_left_out_of_the_advice() {
        let s = scored(vec![
            rep(1, Verdict::Incorrect, true),
            rep(2, Verdict::Correct, false),
            rep(3, Verdict::Correct, false),
        ]);
        let out = patient_summary(&[], Some(&s), Some("Squat"));
        assert_eq!(
            out,
            [
                "You did 3 repetitions of the squat.",
                "1 of them did not look like the squat and is left out of this advice.",
                "The other 2 matched the demonstration well."
            ]
        );
    }
}
