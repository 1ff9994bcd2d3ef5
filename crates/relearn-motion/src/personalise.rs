//! Personalising a template to one patient: the clinician labels a few of the patient's own
//! repetitions correct or incorrect (at the first session, say), and the template learns how
//! this person's repetitions score.
//!
//! Why: on UI-PRMD, scores rank one person's correct repetitions above that same person's
//! incorrect ones almost perfectly (within-subject AUC 0.96-1.00 in nine of ten movements,
//! VALIDATION.md §4), yet whole people score higher or lower than others (personal style,
//! body shape, how the camera sees them), and no threshold shared by everybody removes that.
//! A personal threshold does.
//!
//! What changes, and nothing else:
//! Repetitions of both kinds are needed: from correct ones alone the shift can only make the
//! verdict more lenient, which on UI-PRMD gained nothing on average
//! (`validation/personalise_one_kind.py`).
//!
//! - **A personal shift of the verdict.** The verdict model's log-odds of every repetition
//!   are shifted by one number `b`, the maximum a posteriori estimate from the labelled
//!   repetitions under a normal prior `b ~ N(0, σ²)`: it maximises
//!   `Σ log σ(±(z_i + b)) − b² / 2σ²` (a concave objective, solved by Newton's method
//!   safeguarded by bisection). The prior keeps a handful of repetitions from moving the
//!   threshold further than their evidence supports. σ = [`DEFAULT_PRIOR_SD_LOGIT`] = 2.5 logits, the weakly informative scale for
//!   a logistic coefficient of Gelman, Jakulin, Pittau & Su (2008), *Ann. Appl. Stat.*
//!   2(4):1360-1383 (*Relearn default*, not fitted on any data set). A one-class template's
//!   logits have a scale of their own; its prior is at least [`ONE_CLASS_PRIOR_SD_LOG_LIMIT`]
//!   `/ log_width` ([`prior_sd_for`]).
//! - **Rules the patient's correct repetitions break stop deciding** the verdict (they are
//!   still reported), with the same share as for the demonstration
//!   ([`TemplateSettings::rule_decisive_share`](crate::template::TemplateSettings)): the
//!   clinician has said that this person's correct movement breaks that limit.
//!
//! The reference movement, its normal variability, the features and the model's weights are
//! the template's own, so every deviation still reads against the clinician's demonstration.
//! The personalised template is a new template with its own identity, which records the
//! template it came from and the repetitions it learnt from.

use crate::error::{Error, Result};
use crate::models::sigmoid;
use crate::score::{score_recording, score_recording_with_basis, RecordingScore, Verdict};
use crate::template::{Example, ExampleSummary, Label, Template};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Prior standard deviation of the personal shift, logits (Gelman et al. 2008; module docs).
pub const DEFAULT_PRIOR_SD_LOGIT: f64 = 2.5;

/// Probabilities are kept within this distance of 0 and 1 before taking log-odds, so that a
/// model that says exactly 0 or 1 (the one-class model does) can still be shifted.
const PROBABILITY_CLIP: f64 = 1e-4;

/// How a template was personalised: stored in the personalised template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Personalisation {
    /// Who it is for, as the clinician named them (may be empty: templates travel between
    /// machines, so a pseudonym is better than a name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// Identity of the template it was made from.
    pub base_template_id: String,
    /// The labelled repetitions it learnt from.
    pub examples: Vec<ExampleSummary>,
    /// The personal shift of the verdict's log-odds (positive: this person's repetitions
    /// score higher than the template alone says).
    pub offset_logit: f64,
    /// Prior standard deviation of the shift, logits.
    pub prior_sd_logit: f64,
    /// Rules that stopped deciding the verdict for this patient.
    pub rules_not_deciding: Vec<String>,
    /// Labelled repetitions whose verdict agreed with the clinician before personalising.
    pub agreement_before: usize,
    /// The same after personalising.
    pub agreement_after: usize,
    /// Labelled repetitions.
    pub labelled_repetitions: usize,
}

impl Personalisation {
    /// " for P-07" when the patient was named, else nothing: for messages ("personalised
    /// for P-07").
    pub fn for_whom(&self) -> String {
        self.patient
            .as_deref()
            .map(|n| format!(" for {n}"))
            .unwrap_or_default()
    }

    /// The verdict model's probability shifted by the personal offset.
    pub fn adjust(&self, probability: f64) -> f64 {
        if !probability.is_finite() {
            return probability;
        }
        sigmoid(log_odds(probability) + self.offset_logit)
    }
}

fn log_odds(p: f64) -> f64 {
    let p = p.clamp(PROBABILITY_CLIP, 1.0 - PROBABILITY_CLIP);
    (p / (1.0 - p)).ln()
}

/// The maximum a posteriori shift `b` of the log-odds `z` of repetitions labelled correct
/// (`true`) or incorrect, under the prior `b ~ N(0, prior_sd²)` (module docs). The objective
/// is strictly concave, so its gradient `g(b) = Σ (y − σ(z + b)) − b / prior_sd²` falls
/// strictly and has one root, whatever the labels, even all of one kind. It is found by
/// Newton's method safeguarded by bisection (Press et al., *Numerical Recipes*, 3rd ed.,
/// §9.4, `rtsafe`): plain Newton oscillates when the prior is weak and the labelled
/// repetitions saturate the logistic function (found by a property test).
pub fn personal_offset(log_odds: &[(f64, bool)], prior_sd: f64) -> f64 {
    let precision = 1.0 / (prior_sd * prior_sd);
    let gradient_and_curvature = |b: f64| {
        let mut gradient = -b * precision;
        let mut curvature = -precision;
        for &(z, correct) in log_odds {
            let p = sigmoid(z + b);
            gradient += if correct { 1.0 } else { 0.0 } - p;
            curvature -= p * (1.0 - p);
        }
        (gradient, curvature)
    };
    // A bracket: |Σ (y − σ)| ≤ n, so the root lies within n·prior_sd² of 0.
    let reach = (log_odds.len() as f64 * prior_sd * prior_sd).max(1.0);
    let (mut lo, mut hi) = (-reach, reach);
    let mut b = 0.0;
    let mut step_before_last = 2.0 * reach;
    let mut last_step = step_before_last;
    for _ in 0..200 {
        let (g, h) = gradient_and_curvature(b);
        if g == 0.0 {
            return b;
        }
        // The gradient falls: positive means the root is above b.
        if g > 0.0 {
            lo = b;
        } else {
            hi = b;
        }
        let newton = b - g / h;
        // Newton's step when it stays in the bracket and at least halves the step before
        // last (else it is bouncing between the ends), bisection otherwise.
        let next = if newton > lo && newton < hi && (newton - b).abs() < 0.5 * step_before_last {
            newton
        } else {
            0.5 * (lo + hi)
        };
        step_before_last = last_step;
        last_step = (next - b).abs();
        if (next - b).abs() < 1e-12 * (1.0 + b.abs()) || hi - lo < 1e-12 {
            return next;
        }
        b = next;
    }
    b
}

/// How far, a priori, a patient's own deviation limit may lie from a one-class template's:
/// one standard deviation is a factor of two (`ln 2` in log deviation; *Relearn default*).
/// A one-class template's log-odds are `(ln limit − ln d) / log_width`, a scale set by how
/// alike the demonstration's repetitions are, not by a fitted model as a classifier's are, so
/// a prior in logits would mean a different thing for every template: for a demonstrator
/// whose repetitions are much alike (`log_width` 0.1), 2.5 logits would hold the patient's
/// limit within 28 % of the demonstrator's, where most of other people's correct repetitions
/// lie beyond it (73 % on UI-PRMD: VALIDATION.md §4, "A clinic's small template: the
/// verdict"). With it, personalising one-person templates with two labelled repetitions of
/// each kind gives 0.802 on UI-PRMD, 0.783 with the prior of 2.5 logits.
pub const ONE_CLASS_PRIOR_SD_LOG_LIMIT: f64 = std::f64::consts::LN_2;

/// The prior SD of the personal shift in the template's logits: `prior_sd_logit`, and for a
/// one-class template at least [`ONE_CLASS_PRIOR_SD_LOG_LIMIT`] `/ log_width`.
pub fn prior_sd_for(template: &Template, prior_sd_logit: f64) -> f64 {
    match &template.verdict {
        crate::template::VerdictModel::OneClass {
            log_width: Some(w), ..
        } if *w > 0.0 => prior_sd_logit.max(ONE_CLASS_PRIOR_SD_LOG_LIMIT / w),
        _ => prior_sd_logit,
    }
}

/// A template personalised to one patient from their labelled repetitions (module docs).
/// Every repetition found in an example carries the example's label. Errors: a template that
/// is already personalised (personalise the original with all the labelled repetitions
/// instead), a rating label, no repetition found, repetitions of one kind only, or a prior
/// that is not a positive number.
pub fn personalise(
    template: &Template,
    examples: &[Example<'_>],
    patient: Option<&str>,
    prior_sd_logit: f64,
) -> Result<Template> {
    if let Some(p) = &template.personalisation {
        return Err(Error::Personalise(format!(
            "it is already personalised{} (from template {}); personalise the original \
             template with all of the patient's labelled repetitions",
            p.for_whom(),
            p.base_template_id.get(..12).unwrap_or(&p.base_template_id)
        )));
    }
    if !(prior_sd_logit.is_finite() && prior_sd_logit > 0.0) {
        return Err(Error::InvalidSetting {
            name: "prior_sd_logit".into(),
            message: format!("expected a positive number of logits, found {prior_sd_logit}"),
        });
    }
    if examples.is_empty() {
        return Err(Error::Personalise(
            "no labelled repetitions of the patient were given".into(),
        ));
    }
    if let Some(e) = examples
        .iter()
        .find(|e| !matches!(e.label, Label::Correct | Label::Incorrect))
    {
        return Err(Error::Personalise(format!(
            "{} is labelled with a rating; personalisation learns from repetitions labelled \
             correct or incorrect",
            e.source
        )));
    }
    let scored: Vec<(RecordingScore, Vec<crate::score::RepBasis>)> = examples
        .par_iter()
        .map(|e| score_recording_with_basis(template, e.prepared))
        .collect::<Result<_>>()?;
    let mut labelled: Vec<(f64, bool)> = Vec::new();
    let mut correct_reps = 0usize;
    let mut broken_by_correct: Vec<(String, usize)> = Vec::new();
    for (e, (_, basis)) in examples.iter().zip(&scored) {
        let correct = e.label == Label::Correct;
        for b in basis {
            labelled.push((log_odds(b.model_probability), correct));
            if correct {
                correct_reps += 1;
                for rule in &b.broken_deciding_rules {
                    match broken_by_correct.iter_mut().find(|(id, _)| id == rule) {
                        Some((_, n)) => *n += 1,
                        None => broken_by_correct.push((rule.clone(), 1)),
                    }
                }
            }
        }
    }
    if labelled.is_empty() {
        return Err(Error::Personalise(
            "no repetition of the movement was found in the labelled recordings".into(),
        ));
    }
    let correct_count = labelled.iter().filter(|(_, c)| *c).count();
    if correct_count == 0 || correct_count == labelled.len() {
        return Err(Error::Personalise(format!(
            "all {} labelled repetitions are {}; label at least one of each kind (for \
             example, ask the patient to repeat the fault you see once): learnt from one kind \
             only, the shift can only move one way, and on UI-PRMD that gained nothing on \
             average and lost accuracy on some movements (VALIDATION.md §4)",
            labelled.len(),
            if correct_count == 0 {
                "incorrect"
            } else {
                "correct"
            }
        )));
    }
    let agreement_before = agreement(examples, scored.iter().map(|(s, _)| s));
    let prior_sd_logit = prior_sd_for(template, prior_sd_logit);
    let offset_logit = personal_offset(&labelled, prior_sd_logit);

    let mut out = template.clone();
    let share = template.settings.rule_decisive_share;
    let mut rules_not_deciding = Vec::new();
    for rule in out
        .rules
        .iter_mut()
        .filter(|r| r.enabled && r.decides_verdict)
    {
        let broken = broken_by_correct
            .iter()
            .find(|(id, _)| *id == rule.id)
            .map_or(0, |(_, n)| *n);
        if broken > 0 && broken as f64 > share * correct_reps as f64 {
            rule.decides_verdict = false;
            rule.note = Some(format!(
                "for this patient: {broken} of \
                 {correct_reps} repetitions the clinician labelled correct break it"
            ));
            rules_not_deciding.push(rule.id.clone());
        }
    }
    let summaries: Vec<ExampleSummary> = examples
        .iter()
        .zip(&scored)
        .map(|(e, (s, _))| ExampleSummary {
            path: e.source.clone(),
            label: e.label,
            repetitions: s.reps.len(),
            checks: Vec::new(),
        })
        .collect();
    out.personalisation = Some(Personalisation {
        patient: patient.map(str::to_string).filter(|p| !p.trim().is_empty()),
        base_template_id: template.id.clone(),
        examples: summaries,
        offset_logit,
        prior_sd_logit,
        rules_not_deciding,
        agreement_before,
        agreement_after: 0,
        labelled_repetitions: labelled.len(),
    });
    let rescored: Vec<RecordingScore> = examples
        .par_iter()
        .map(|e| score_recording(&out, e.prepared))
        .collect::<Result<_>>()?;
    let after = agreement(examples, rescored.iter());
    if let Some(p) = out.personalisation.as_mut() {
        p.agreement_after = after;
    }
    out.id = out.compute_id();
    Ok(out)
}

/// Repetitions whose verdict is the example's label.
fn agreement<'a>(
    examples: &[Example<'_>],
    scores: impl Iterator<Item = &'a RecordingScore>,
) -> usize {
    examples
        .iter()
        .zip(scores)
        .map(|(e, s)| {
            let want = if e.label == Label::Correct {
                Verdict::Correct
            } else {
                Verdict::Incorrect
            };
            s.reps.iter().filter(|r| r.verdict == want).count()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_labels_and_a_balanced_set_leave_the_verdict_alone() {
        assert_eq!(personal_offset(&[], 2.5), 0.0);
        let b = personal_offset(&[(1.0, true), (-1.0, false)], 2.5);
        assert!(b.abs() < 1e-12, "{b}");
    }

    #[test]
    fn the_shift_moves_towards_the_labels_and_the_prior_bounds_it() {
        // Every labelled repetition scored 2 logits too low: the shift is positive.
        let labels = [(-1.0, true), (-1.5, true), (-4.0, false), (-3.0, false)];
        let b = personal_offset(&labels, 2.5);
        assert!(b > 0.5, "{b}");
        // The optimum: gradient zero.
        let g: f64 = labels
            .iter()
            .map(|&(z, y)| if y { 1.0 } else { 0.0 } - sigmoid(z + b))
            .sum::<f64>()
            - b / 6.25;
        assert!(g.abs() < 1e-8, "{g}");
        // A tighter prior shifts less; correct labels only cannot run away.
        assert!(personal_offset(&labels, 0.5) < b);
        let only_correct = personal_offset(&[(-5.0, true); 3], 2.5);
        assert!(only_correct > 0.0 && only_correct < 20.0, "{only_correct}");
    }

    proptest::proptest! {
        /// Whatever the labelled log-odds: the shift is finite, is the optimum (zero gradient
        /// of the penalised likelihood), and one more repetition labelled correct never
        /// lowers it (nor one labelled incorrect raises it).
        #[test]
        fn the_shift_is_the_optimum_and_moves_with_the_labels(
            labels in proptest::collection::vec((-9.0f64..9.0, proptest::bool::ANY), 0..12),
            extra in -9.0f64..9.0,
            prior_sd in 0.3f64..10.0,
        ) {
            let b = personal_offset(&labels, prior_sd);
            proptest::prop_assert!(b.is_finite());
            let g: f64 = labels
                .iter()
                .map(|&(z, y)| if y { 1.0 } else { 0.0 } - sigmoid(z + b))
                .sum::<f64>()
                - b / (prior_sd * prior_sd);
            proptest::prop_assert!(g.abs() < 1e-7, "gradient {}", g);
            let mut more = labels.clone();
            more.push((extra, true));
            proptest::prop_assert!(personal_offset(&more, prior_sd) >= b - 1e-9);
            more.pop();
            more.push((extra, false));
            proptest::prop_assert!(personal_offset(&more, prior_sd) <= b + 1e-9);
        }
    }

    #[test]
    fn adjust_shifts_log_odds_and_handles_certainty() {
        let p = Personalisation {
            patient: None,
            base_template_id: String::new(),
            examples: Vec::new(),
            offset_logit: 2.0,
            prior_sd_logit: 2.5,
            rules_not_deciding: Vec::new(),
            agreement_before: 0,
            agreement_after: 0,
            labelled_repetitions: 0,
        };
        assert!((p.adjust(0.5) - sigmoid(2.0)).abs() < 1e-12);
        assert!(p.adjust(0.0) > 0.0 && p.adjust(0.0) < 0.01);
        assert!(p.adjust(1.0) <= 1.0);
        assert!(p.adjust(f64::NAN).is_nan());
    }
}
