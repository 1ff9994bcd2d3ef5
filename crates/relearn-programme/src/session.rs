//! Session logs: what the patient did, how well (quality from the movement analysis, spec §6),
//! the pain ratings of spec §2.2, effort, adherence and notes; retention and transfer probes
//! (spec §4.3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;

/// Pain ratings of one session, in the programme's scale units (NPRS 0-10 or VAS 0-100 mm;
/// spec §2.2 inputs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct PainRatings {
    /// Before exercise.
    pub pre: f64,
    /// Maximum during the exercise.
    pub during: f64,
    /// At the end of the session.
    pub after: Option<f64>,
    /// Reported the next morning; absent → classification is provisional.
    pub next_morning: Option<f64>,
    /// Reported 24 h after the session (used by the `within_24h` recovery rule, §2.3).
    pub within_24h: Option<f64>,
}

/// The movement analysis's overall verdict for an exercise in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QualityVerdict {
    /// All quality measures within their §6 thresholds.
    #[default]
    WithinLimits,
    /// Close to a threshold but not beyond.
    Borderline,
    /// At least one measure beyond its threshold.
    OutsideLimits,
}

/// A quality fault the analysis reported (spec §6 fault thresholds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultObservation {
    /// Fault name as used by KP cues, e.g. `knee_valgus`.
    pub name: String,
    /// Peak measured value in the session, in the measure's unit.
    pub value: f64,
    /// The fault threshold, same unit.
    pub threshold: f64,
    /// A safety-critical fault always gets feedback (spec §4.2, every-trial row).
    #[serde(default)]
    pub safety_critical: bool,
}

impl FaultObservation {
    /// Whether the value exceeds the threshold.
    pub fn exceeded(&self) -> bool {
        self.value > self.threshold
    }
}

/// Quality summary of one exercise in one session, from the movement analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QualityResult {
    /// Score 0-100 from the analysis.
    pub score: Option<f64>,
    /// Verdict.
    pub verdict: QualityVerdict,
    /// Faults found.
    pub faults: Vec<FaultObservation>,
}

impl QualityResult {
    /// "Quality measures within limits" of spec §4.5: the verdict is not outside limits and
    /// no fault exceeds its threshold.
    pub fn within_limits(&self) -> bool {
        self.verdict != QualityVerdict::OutsideLimits && !self.faults.iter().any(|f| f.exceeded())
    }
}

/// One repetition (trial).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// Task goal met and no fault beyond its threshold (spec §4.5 definition of success).
    pub success: bool,
    /// Signed outcome error, percent of the target value (KR).
    pub error_pct: f64,
    /// The quality fault seen in this repetition, if any (KP).
    pub fault: Option<String>,
    /// Whether that fault is safety-critical.
    pub safety_critical: bool,
    /// Self-controlled feedback: the learner asked for feedback after this trial.
    pub requested_feedback: bool,
}

/// What was done of one exercise in one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseLog {
    /// Prescription id.
    pub exercise: String,
    /// Sets completed.
    pub sets_done: u32,
    /// Repetitions completed (all sets).
    pub reps_done: u32,
    /// Successful repetitions (spec §4.5 definition).
    pub successes: u32,
    /// Quality from the analysis.
    pub quality: QualityResult,
    /// Per-repetition outcomes, when the analysis supplies them.
    pub trials: Vec<Trial>,
}

impl ExerciseLog {
    /// Success rate 0-1 (successes / reps done); 0 when no repetition was done.
    pub fn success_rate(&self) -> f64 {
        if self.reps_done == 0 {
            0.0
        } else {
            f64::from(self.successes.min(self.reps_done)) / f64::from(self.reps_done)
        }
    }

    /// The per-trial outcomes: the logged trials when present, otherwise trials synthesised
    /// from the counts. Synthesis (for simulation only, documented in
    /// `docs/scenario-format.md`): successes are spread over the repetitions by a seeded
    /// shuffle; a success gets an error inside ±80 % of the bandwidth, a failure either one of
    /// the logged faults (round robin) or an error of 1.5-3 × the bandwidth; after a success
    /// the learner asks for feedback with probability `request_probability` (learners ask
    /// mostly after good trials, Chiviacowsky & Wulf 2002 \[81\]).
    pub fn trials_or_synthesised(
        &self,
        rng: &mut SplitMix64,
        bandwidth_pct: f64,
        request_probability: f64,
    ) -> Vec<Trial> {
        if !self.trials.is_empty() {
            return self.trials.clone();
        }
        let n = self.reps_done as usize;
        let mut outcomes: Vec<bool> = (0..n).map(|i| i < self.successes as usize).collect();
        rng.shuffle(&mut outcomes);
        let faults: Vec<&FaultObservation> = self
            .quality
            .faults
            .iter()
            .filter(|f| f.exceeded())
            .collect();
        let mut fault_turn = 0usize;
        outcomes
            .into_iter()
            .map(|success| {
                let sign = if rng.next_f64() < 0.5 { -1.0 } else { 1.0 };
                if success {
                    Trial {
                        success,
                        error_pct: sign * rng.next_f64() * 0.8 * bandwidth_pct,
                        fault: None,
                        safety_critical: false,
                        requested_feedback: rng.next_f64() < request_probability,
                    }
                } else if let Some(f) = faults.get(fault_turn % faults.len().max(1)) {
                    fault_turn += 1;
                    Trial {
                        success,
                        error_pct: sign * rng.next_f64() * 0.8 * bandwidth_pct,
                        fault: Some(f.name.clone()),
                        safety_critical: f.safety_critical,
                        requested_feedback: false,
                    }
                } else {
                    Trial {
                        success,
                        error_pct: sign * (1.5 + 1.5 * rng.next_f64()) * bandwidth_pct,
                        fault: None,
                        safety_critical: false,
                        requested_feedback: false,
                    }
                }
            })
            .collect()
    }
}

/// What kind of session this is (spec §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Ordinary practice.
    #[default]
    Practice,
    /// Retention probe: ≥ 24 h after practice, no augmented feedback, 5 repetitions.
    RetentionProbe,
    /// Transfer probe: as a retention probe with one context change.
    TransferProbe,
}

impl SessionKind {
    /// Whether this is a probe (no feedback of any kind).
    pub fn is_probe(self) -> bool {
        self != SessionKind::Practice
    }
}

/// What activity the session was: an exercise session or a sport session (monitored only in
/// return-to-sport mode, spec §2.3, Silbernagel & Crossley 2015 \[57\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// The prescribed exercises.
    #[default]
    Exercise,
    /// Sport or running (staged return to sport).
    Sport,
}

/// One logged session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLog {
    /// Date of the session.
    pub date: NaiveDate,
    /// Practice or probe.
    pub kind: SessionKind,
    /// Exercise or sport.
    pub activity: Activity,
    /// Supervised by a clinician (false = home practice, where summary feedback is the
    /// default, §4.2).
    pub supervised: bool,
    /// Pain ratings.
    pub pain: PainRatings,
    /// Rating of perceived effort, 0-10.
    pub effort: Option<f64>,
    /// Share of the prescribed dose done, 0-1.
    pub adherence: Option<f64>,
    /// Free notes.
    pub notes: String,
    /// Per-exercise logs.
    pub exercises: Vec<ExerciseLog>,
}

impl SessionLog {
    /// Success rate over all exercises (successes / reps), 0-1; `None` with no repetitions.
    pub fn overall_success_rate(&self) -> Option<f64> {
        let reps: u32 = self.exercises.iter().map(|e| e.reps_done).sum();
        let ok: u32 = self
            .exercises
            .iter()
            .map(|e| e.successes.min(e.reps_done))
            .sum();
        (reps > 0).then(|| f64::from(ok) / f64::from(reps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(reps: u32, successes: u32) -> ExerciseLog {
        ExerciseLog {
            exercise: "sts".into(),
            sets_done: 2,
            reps_done: reps,
            successes,
            quality: QualityResult::default(),
            trials: Vec::new(),
        }
    }

    #[test]
    fn success_rate_is_successes_over_reps() {
        assert_eq!(log(20, 17).success_rate(), 0.85);
        assert_eq!(log(0, 0).success_rate(), 0.0);
    }

    #[test]
    fn synthesised_trials_keep_the_counts_and_are_seeded() {
        let l = log(20, 13);
        let a = l.trials_or_synthesised(&mut SplitMix64::new(5), 10.0, 0.3);
        let b = l.trials_or_synthesised(&mut SplitMix64::new(5), 10.0, 0.3);
        assert_eq!(a, b);
        assert_eq!(a.len(), 20);
        assert_eq!(a.iter().filter(|t| t.success).count(), 13);
        assert!(a
            .iter()
            .filter(|t| !t.success)
            .all(|t| t.error_pct.abs() > 10.0));
    }

    #[test]
    fn quality_outside_limits_when_a_fault_exceeds_threshold() {
        let mut q = QualityResult::default();
        assert!(q.within_limits());
        q.faults.push(FaultObservation {
            name: "knee_valgus".into(),
            value: 14.0,
            threshold: 10.0,
            safety_critical: false,
        });
        assert!(!q.within_limits());
    }
}
