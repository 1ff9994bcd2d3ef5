//! Leave-one-subject-out evaluation of correct/incorrect scoring: for each subject, a template
//! is built from the other subjects' examples through [`build_template`] (the same code path
//! as `relearn template build`), and the left-out subject's examples are scored with
//! [`crate::score::score_recording`]. Nothing of the left-out subject is seen while building its template.
//! Each example counts once (its mean repetition score decides its verdict), as in data sets
//! distributed one repetition per file.

use crate::error::Result;
use crate::prepare::PreparedRecording;
use crate::score::Scorer;
use crate::template::{build_template, Example, Label, Template, TemplateSettings};
use serde::{Deserialize, Serialize};

/// A labelled recording of a known subject.
pub struct SubjectExample {
    /// Subject identifier.
    pub subject: String,
    /// The prepared recording.
    pub prepared: PreparedRecording,
    /// Correct or incorrect.
    pub label: Label,
    /// Where it came from.
    pub source: String,
}

/// Counts of a binary evaluation, "positive" = correct.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// Correct repetitions scored correct.
    pub true_correct: usize,
    /// Correct repetitions scored incorrect.
    pub false_incorrect: usize,
    /// Incorrect repetitions scored incorrect.
    pub true_incorrect: usize,
    /// Incorrect repetitions scored correct.
    pub false_correct: usize,
}

impl Confusion {
    /// Adds one outcome.
    pub fn add(&mut self, truth_correct: bool, predicted_correct: bool) {
        match (truth_correct, predicted_correct) {
            (true, true) => self.true_correct += 1,
            (true, false) => self.false_incorrect += 1,
            (false, false) => self.true_incorrect += 1,
            (false, true) => self.false_correct += 1,
        }
    }

    /// Adds another table.
    pub fn merge(&mut self, o: &Confusion) {
        self.true_correct += o.true_correct;
        self.false_incorrect += o.false_incorrect;
        self.true_incorrect += o.true_incorrect;
        self.false_correct += o.false_correct;
    }

    /// Number of repetitions.
    pub fn total(&self) -> usize {
        self.true_correct + self.false_incorrect + self.true_incorrect + self.false_correct
    }

    /// Share of repetitions classified right.
    pub fn accuracy(&self) -> f64 {
        (self.true_correct + self.true_incorrect) as f64 / self.total().max(1) as f64
    }

    /// Mean of the per-class recalls (robust to unbalanced classes).
    pub fn balanced_accuracy(&self) -> f64 {
        let pos = self.true_correct + self.false_incorrect;
        let neg = self.true_incorrect + self.false_correct;
        let r_pos = if pos > 0 {
            self.true_correct as f64 / pos as f64
        } else {
            f64::NAN
        };
        let r_neg = if neg > 0 {
            self.true_incorrect as f64 / neg as f64
        } else {
            f64::NAN
        };
        match (pos > 0, neg > 0) {
            (true, true) => 0.5 * (r_pos + r_neg),
            (true, false) => r_pos,
            (false, true) => r_neg,
            _ => f64::NAN,
        }
    }
}

/// The result for one left-out subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldResult {
    /// The left-out subject.
    pub subject: String,
    /// Its outcomes.
    pub confusion: Confusion,
    /// Identity of the template built without it.
    pub template_id: String,
    /// Examples the scoring did not see as exactly one repetition (0 or several found).
    pub examples_not_one_repetition: usize,
    /// In a nested evaluation, the candidate setting the inner folds chose for this fold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
    /// The left-out subject's repetitions: truth and score, in file order.
    #[serde(default)]
    pub scores: Vec<HeldOutScore>,
    /// In a personalised evaluation, the left-out subject's examples that personalised the
    /// template (not scored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub personalised_with: Vec<String>,
    /// In a personalised evaluation, the personal shift learnt (logits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_offset_logit: Option<f64>,
    /// In a personalised evaluation, the outcomes of the template before personalising on the
    /// same scored repetitions (the fair comparison).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_personalisation: Option<Confusion>,
}

/// Personalisation inside a leave-one-subject-out evaluation: `per_class` correct and
/// `per_class` incorrect examples of the left-out subject personalise the subject's template
/// ([`crate::personalise::personalise`]) and are then left out of the scoring, so that no
/// repetition is scored by a template that learnt from it. Which examples: the first ones in
/// the order given (file order for UI-PRMD: the first repetitions a clinician would watch),
/// or, with a `seed`, a seeded random choice (a different one for each subject), to see how
/// much the result depends on which repetitions were labelled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FoldPersonalisation {
    /// Labelled examples of each kind taken from the left-out subject.
    pub per_class: usize,
    /// Prior standard deviation of the personal shift, logits.
    pub prior_sd_logit: f64,
    /// Seed of a random choice of the examples; `None`: the first ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// One left-out repetition's truth and score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeldOutScore {
    /// Labelled correct (else incorrect).
    pub correct: bool,
    /// Its score, 0-100 (the mean when the segmentation split it); `None` when no
    /// repetition was found in it.
    pub score: Option<f64>,
    /// Whether the scoring found it only partly recorded (a repetition cut off by the
    /// recording's start or end, [`crate::segment::CutOff`]): its score stands, but it is not
    /// judged by the fault rules. A pre-segmented file is one whole repetition, so each of
    /// these is a false mark (VALIDATION.md §4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partly_recorded: bool,
}

/// Area under the ROC curve of the scores of every fold's left-out repetitions, pooled
/// ([`relearn_core::stats::roc_auc`], correct repetitions as positives): how well one
/// threshold, the same for everybody, could separate correct from incorrect.
pub fn pooled_auc(folds: &[FoldResult]) -> Option<f64> {
    let (pos, neg) = split_scores(folds.iter().flat_map(|f| &f.scores));
    relearn_core::stats::roc_auc(&pos, &neg)
}

/// Mean over the left-out subjects of the area under the ROC curve of each subject's own
/// repetitions: how well the scores rank one person's correct repetitions above that same
/// person's incorrect ones. Well above [`pooled_auc`], it says that the errors come from
/// whole people scoring higher or lower than others, not from the order within a person.
pub fn mean_within_subject_auc(folds: &[FoldResult]) -> Option<f64> {
    let aucs: Vec<f64> = folds
        .iter()
        .filter_map(|f| {
            let (pos, neg) = split_scores(&f.scores);
            relearn_core::stats::roc_auc(&pos, &neg)
        })
        .collect();
    relearn_core::stats::mean(&aucs)
}

/// The best accuracy any single score threshold reaches on the left-out repetitions of all
/// folds, and that threshold (a repetition is called correct when its score is at least the
/// threshold; one without a score never is). The threshold is chosen on the very scores it
/// is judged on, so this is an upper bound for a threshold shared by everybody, not a
/// validation: it says whether a better threshold alone could reach a target.
pub fn best_threshold_accuracy(folds: &[FoldResult]) -> Option<(f64, f64)> {
    let scores: Vec<&HeldOutScore> = folds.iter().flat_map(|f| &f.scores).collect();
    if scores.is_empty() {
        return None;
    }
    let mut thresholds: Vec<f64> = scores.iter().filter_map(|s| s.score).collect();
    thresholds.push(f64::INFINITY);
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let n = scores.len() as f64;
    thresholds
        .into_iter()
        .map(|t| {
            let right = scores
                .iter()
                .filter(|s| s.score.is_some_and(|v| v >= t) == s.correct)
                .count();
            (right as f64 / n, t)
        })
        // The first (lowest) threshold wins ties.
        .fold(None, |best: Option<(f64, f64)>, x| match best {
            Some(b) if b.0 >= x.0 => Some(b),
            _ => Some(x),
        })
}

/// Scores of correct and of incorrect repetitions (a repetition without a score is left out).
fn split_scores<'a>(scores: impl IntoIterator<Item = &'a HeldOutScore>) -> (Vec<f64>, Vec<f64>) {
    let mut pos = Vec::new();
    let mut neg = Vec::new();
    for s in scores {
        if let Some(v) = s.score {
            if s.correct {
                pos.push(v);
            } else {
                neg.push(v);
            }
        }
    }
    (pos, neg)
}

/// Runs leave-one-subject-out for one exercise. `on_fold` is called after each fold (for
/// progress bars).
/// With `personalise`, each left-out subject's template is first personalised with a few of
/// their labelled examples ([`FoldPersonalisation`]).
pub fn leave_one_subject_out(
    exercise: &str,
    examples: &[SubjectExample],
    settings: &TemplateSettings,
    personalise: Option<FoldPersonalisation>,
    on_fold: &(dyn Fn(&FoldResult) + Sync),
) -> Result<Vec<FoldResult>> {
    let all: Vec<&SubjectExample> = examples.iter().collect();
    let mut out = Vec::new();
    for held_out in subjects_of(&all) {
        let fold = match personalise {
            Some(how) => run_personalised_fold(exercise, &all, &held_out, settings, how)?,
            None => run_fold(exercise, &all, &held_out, settings, None)?,
        };
        on_fold(&fold);
        out.push(fold);
    }
    Ok(out)
}

/// Nested leave-one-subject-out: for each left-out subject, every candidate setting is
/// scored by an inner leave-one-subject-out over the remaining subjects only; the best (the
/// first listed wins ties) builds the template that scores the left-out subject. The outer
/// accuracy is then free of the optimism of choosing settings on the data they are reported
/// on (Varma & Simon 2006, "Bias in error estimation when using cross-validation for model
/// selection", BMC Bioinformatics 7:91).
pub fn nested_leave_one_subject_out(
    exercise: &str,
    examples: &[SubjectExample],
    candidates: &[(String, TemplateSettings)],
    on_fold: &(dyn Fn(&FoldResult) + Sync),
) -> Result<Vec<FoldResult>> {
    let all: Vec<&SubjectExample> = examples.iter().collect();
    let mut out = Vec::new();
    for held_out in subjects_of(&all) {
        let train: Vec<&SubjectExample> = all
            .iter()
            .copied()
            .filter(|e| e.subject != held_out)
            .collect();
        let inner_subjects = subjects_of(&train);
        let mut best: Option<(usize, usize)> = None; // (candidate, right answers)
        for (k, (_, settings)) in candidates.iter().enumerate() {
            let mut total = Confusion::default();
            for inner in &inner_subjects {
                let fold = run_fold(exercise, &train, inner, settings, None)?;
                total.merge(&fold.confusion);
            }
            let right = total.true_correct + total.true_incorrect;
            if best.is_none_or(|(_, b)| right > b) {
                best = Some((k, right));
            }
        }
        let Some((chosen, _)) = best else {
            return Err(crate::error::Error::Template(
                "nested evaluation needs at least one candidate setting".into(),
            ));
        };
        let (name, settings) = &candidates[chosen];
        let fold = run_fold(exercise, &all, &held_out, settings, Some(name.clone()))?;
        on_fold(&fold);
        out.push(fold);
    }
    Ok(out)
}

/// The distinct subjects, sorted.
fn subjects_of(examples: &[&SubjectExample]) -> Vec<String> {
    let mut subjects: Vec<String> = examples.iter().map(|e| e.subject.clone()).collect();
    subjects.sort_unstable();
    subjects.dedup();
    subjects
}

/// Builds a template from every example but `held_out`'s and scores `held_out`'s.
fn run_fold(
    exercise: &str,
    examples: &[&SubjectExample],
    held_out: &str,
    settings: &TemplateSettings,
    selected: Option<String>,
) -> Result<FoldResult> {
    let (template, held) = fold_template(exercise, examples, held_out, settings)?;
    let scored = score_held_out(&template, &held)?;
    Ok(FoldResult {
        subject: held_out.to_string(),
        confusion: scored.confusion,
        template_id: template.id,
        examples_not_one_repetition: scored.split,
        selected,
        scores: scored.scores,
        personalised_with: Vec::new(),
        personal_offset_logit: None,
        without_personalisation: None,
    })
}

/// [`run_fold`], with the template personalised by the left-out subject's first examples
/// of each kind, which are then not scored ([`FoldPersonalisation`]).
fn run_personalised_fold(
    exercise: &str,
    examples: &[&SubjectExample],
    held_out: &str,
    settings: &TemplateSettings,
    how: FoldPersonalisation,
) -> Result<FoldResult> {
    let (template, held) = fold_template(exercise, examples, held_out, settings)?;
    let mut calibration: Vec<&SubjectExample> = Vec::new();
    let mut rng = how.seed.map(|seed| {
        relearn_core::rng::SplitMix64::for_stream(seed, relearn_core::rng::label_hash(held_out))
    });
    for label in [Label::Correct, Label::Incorrect] {
        let mut of_kind: Vec<&SubjectExample> =
            held.iter().copied().filter(|e| e.label == label).collect();
        if let Some(rng) = rng.as_mut() {
            rng.shuffle(&mut of_kind);
        }
        calibration.extend(of_kind.into_iter().take(how.per_class));
    }
    let scored_examples: Vec<&SubjectExample> = held
        .iter()
        .copied()
        .filter(|e| !calibration.iter().any(|c| std::ptr::eq(*c, *e)))
        .collect();
    let labelled: Vec<Example<'_>> = calibration.iter().map(|e| e.as_example()).collect();
    let personal =
        crate::personalise::personalise(&template, &labelled, Some(held_out), how.prior_sd_logit)?;
    let before = score_held_out(&template, &scored_examples)?;
    let after = score_held_out(&personal, &scored_examples)?;
    Ok(FoldResult {
        subject: held_out.to_string(),
        confusion: after.confusion,
        template_id: personal.id.clone(),
        examples_not_one_repetition: after.split,
        selected: None,
        scores: after.scores,
        personalised_with: calibration.iter().map(|e| e.source.clone()).collect(),
        personal_offset_logit: personal.personalisation.as_ref().map(|p| p.offset_logit),
        without_personalisation: Some(before.confusion),
    })
}

/// The template built without `held_out` (through [`build_template`]), and `held_out`'s
/// examples.
fn fold_template<'a>(
    exercise: &str,
    examples: &[&'a SubjectExample],
    held_out: &str,
    settings: &TemplateSettings,
) -> Result<(Template, Vec<&'a SubjectExample>)> {
    let train: Vec<Example<'_>> = examples
        .iter()
        .filter(|e| e.subject != held_out)
        .map(|e| e.as_example())
        .collect();
    let template = build_template(exercise, &train, settings)?;
    let held = examples
        .iter()
        .copied()
        .filter(|e| e.subject == held_out)
        .collect();
    Ok((template, held))
}

impl SubjectExample {
    /// The example as [`build_template`] and [`crate::personalise::personalise`] take it.
    fn as_example(&self) -> Example<'_> {
        Example {
            prepared: &self.prepared,
            label: self.label,
            source: self.source.clone(),
        }
    }
}

/// The outcomes of scoring left-out examples with a template.
struct HeldOutOutcome {
    confusion: Confusion,
    split: usize,
    scores: Vec<HeldOutScore>,
}

/// Scores left-out examples. Each example is one repetition in a pre-segmented data set: its
/// verdict is that of its mean score when the segmentation splits it.
fn score_held_out(template: &Template, held: &[&SubjectExample]) -> Result<HeldOutOutcome> {
    let mut confusion = Confusion::default();
    let mut split = 0usize;
    let mut scores = Vec::new();
    let scorer = Scorer::new(template);
    for e in held {
        let truth = match e.label {
            Label::Correct => true,
            Label::Incorrect => false,
            Label::Rating(_) => continue,
        };
        let scored = scorer.score(&e.prepared)?;
        if scored.reps.len() != 1 {
            split += 1;
        }
        let rep_scores: Vec<f64> = scored.reps.iter().map(|r| r.score).collect();
        let mean = relearn_core::stats::mean(&rep_scores);
        confusion.add(truth, mean.is_some_and(|m| m >= 50.0));
        scores.push(HeldOutScore {
            correct: truth,
            score: mean,
            partly_recorded: scored.reps.iter().any(|r| r.cut_off.is_some()),
        });
    }
    Ok(HeldOutOutcome {
        confusion,
        split,
        scores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::{prepare, PrepareSettings};
    use crate::simulate::{simulate_squat, SquatSimulation};

    /// Three simulated subjects (different leg lengths), four one-repetition squats each way:
    /// correct (no valgus) and incorrect (15° valgus, shallower).
    fn subjects() -> Vec<SubjectExample> {
        let mut out = Vec::new();
        for (s, thigh) in [(0u64, 0.40), (1, 0.44), (2, 0.48)] {
            for k in 0..8u64 {
                let incorrect = k % 2 == 1;
                let sim = SquatSimulation {
                    reps: 1,
                    thigh_m: thigh,
                    valgus_deg: if incorrect { [15.0, 15.0] } else { [0.0, 0.0] },
                    depth_deg: if incorrect { 70.0 } else { 95.0 },
                    seed: 100 * s + k,
                    ..SquatSimulation::default()
                };
                let (rec, _) = simulate_squat(&sim).unwrap();
                out.push(SubjectExample {
                    subject: format!("s{s}"),
                    prepared: prepare(rec, &PrepareSettings::default()).unwrap(),
                    label: if incorrect {
                        Label::Incorrect
                    } else {
                        Label::Correct
                    },
                    source: format!("s{s}-{k}"),
                });
            }
        }
        out
    }

    #[test]
    fn nested_evaluation_scores_every_subject_once_and_records_the_choice() {
        let examples = subjects();
        let base = TemplateSettings::default();
        let mut other = base.clone();
        other.features.excursion = false;
        let candidates = vec![
            ("default".to_string(), base.clone()),
            ("other".into(), other),
        ];
        let folds = nested_leave_one_subject_out("squat", &examples, &candidates, &|_| {}).unwrap();
        assert_eq!(folds.len(), 3);
        for f in &folds {
            assert_eq!(f.confusion.total(), 8, "{f:?}");
            assert!(f.selected.is_some());
        }
        let plain = leave_one_subject_out("squat", &examples, &base, None, &|_| {}).unwrap();
        assert!(plain.iter().all(|f| f.selected.is_none()));
        // Every left-out repetition's score is kept, and agrees with the confusion table.
        for f in &plain {
            assert_eq!(f.scores.len(), 8);
            let right = f
                .scores
                .iter()
                .filter(|s| s.score.is_some_and(|v| v >= 50.0) == s.correct)
                .count();
            assert_eq!(right, f.confusion.true_correct + f.confusion.true_incorrect);
        }
        assert!(pooled_auc(&plain).is_some_and(|a| a >= 0.9));
        // The injected fault is large: both protocols find it in the left-out subjects.
        for run in [&folds, &plain] {
            let mut c = Confusion::default();
            run.iter().for_each(|f| c.merge(&f.confusion));
            assert!(c.accuracy() >= 0.9, "{c:?}");
        }
    }

    #[test]
    fn a_personalised_fold_scores_only_what_it_did_not_learn_from() {
        let examples = subjects();
        let how = FoldPersonalisation {
            per_class: 1,
            prior_sd_logit: crate::personalise::DEFAULT_PRIOR_SD_LOGIT,
            seed: None,
        };
        let folds = leave_one_subject_out(
            "squat",
            &examples,
            &TemplateSettings::default(),
            Some(how),
            &|_| {},
        )
        .unwrap();
        assert_eq!(folds.len(), 3);
        for f in &folds {
            // One correct and one incorrect example personalise; the other six are scored,
            // by the personalised template and, for comparison, by the template before it.
            assert_eq!(
                f.personalised_with,
                [format!("{}-0", f.subject), format!("{}-1", f.subject)]
            );
            assert_eq!(f.scores.len(), 6);
            assert_eq!(f.confusion.total(), 6);
            assert_eq!(f.without_personalisation.map(|c| c.total()), Some(6));
            assert!(f.personal_offset_logit.is_some_and(f64::is_finite));
        }
        // A seeded choice: reproducible, one of each kind, and not always the first ones.
        let seeded = FoldPersonalisation {
            seed: Some(7),
            ..how
        };
        let run = || {
            leave_one_subject_out(
                "squat",
                &examples,
                &TemplateSettings::default(),
                Some(seeded),
                &|_| {},
            )
            .unwrap()
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b);
        assert!(a
            .iter()
            .all(|f| f.scores.len() == 6 && f.personalised_with.len() == 2));
        assert!(a
            .iter()
            .zip(&folds)
            .any(|(s, f)| s.personalised_with != f.personalised_with));
    }

    #[test]
    fn balanced_accuracy_weighs_both_classes_equally() {
        let mut c = Confusion::default();
        for _ in 0..90 {
            c.add(true, true);
        }
        for _ in 0..10 {
            c.add(false, true);
        }
        assert!((c.accuracy() - 0.9).abs() < 1e-12);
        assert!((c.balanced_accuracy() - 0.5).abs() < 1e-12);
    }

    /// A fold whose subject's correct repetitions score `correct` and incorrect ones
    /// `incorrect`.
    fn fold(subject: &str, correct: &[f64], incorrect: &[f64]) -> FoldResult {
        let mut confusion = Confusion::default();
        let mut scores = Vec::new();
        for (truth, values) in [(true, correct), (false, incorrect)] {
            for v in values {
                confusion.add(truth, *v >= 50.0);
                scores.push(HeldOutScore {
                    correct: truth,
                    score: Some(*v),
                    partly_recorded: false,
                });
            }
        }
        FoldResult {
            subject: subject.into(),
            confusion,
            template_id: String::new(),
            examples_not_one_repetition: 0,
            selected: None,
            scores,
            personalised_with: Vec::new(),
            personal_offset_logit: None,
            without_personalisation: None,
        }
    }

    #[test]
    fn a_subject_scoring_higher_throughout_lowers_the_pooled_auc_not_the_within_subject_one() {
        // Each person's correct repetitions outscore their own incorrect ones, but the second
        // person scores 40 points higher throughout: their incorrect repetitions beat the
        // first person's correct ones.
        let folds = [
            fold("a", &[40.0, 45.0], &[10.0, 15.0]),
            fold("b", &[80.0, 85.0], &[50.0, 55.0]),
        ];
        assert_eq!(mean_within_subject_auc(&folds), Some(1.0));
        // Pairs (correct, incorrect) across both: 16; ranked wrong: a's two correct against
        // b's two incorrect, 4.
        assert_eq!(pooled_auc(&folds), Some(12.0 / 16.0));
        // One threshold for both: at 40, a's four and b's correct (80, 85) are right, b's
        // incorrect (50, 55) wrong: 6 of 8. At 56 too (a's correct wrong instead), and at the
        // verdict's 50 only 4; no threshold does better than 6, and the lowest reaching it is
        // reported.
        assert_eq!(best_threshold_accuracy(&folds), Some((0.75, 40.0)));
        assert_eq!(
            best_threshold_accuracy(&[fold("a", &[90.0], &[10.0])]),
            Some((1.0, 90.0))
        );
        // A subject with one class only has no within-subject AUC and is left out of the mean.
        let one_class = fold("c", &[70.0], &[]);
        assert_eq!(
            mean_within_subject_auc(&[folds[0].clone(), one_class]),
            Some(1.0)
        );
    }
}
