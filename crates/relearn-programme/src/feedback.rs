//! Augmented feedback (spec §4.1-§4.3): for each trial, whether to give feedback, which kind
//! (KR or KP) and which message from the cue library; error-estimation prompts, the minimum
//! delay, withdrawal of concurrent (live) feedback, and no feedback during retention probes.
//!
//! Schedules (§4.2): every trial, faded (Winstein & Schmidt 1990 \[72\]), bandwidth (Sherwood
//! 1988 \[74\]), summary (Schmidt 1990 \[78\]), average (Yao 1994 \[80\]), self-controlled
//! (Chiviacowsky & Wulf 2002 \[81\], 2005 \[82\]), none. Deterministic for a given seed: the
//! faded schedule spreads its feedback trials with an accumulator whose starting phase comes
//! from the seeded [`SplitMix64`], so the realised frequency equals the scheduled one to
//! within one trial.

use serde::{Deserialize, Serialize};

use crate::exercise::{CueLibrary, FeedbackKind};
use crate::measures::change::fmt_num;
use crate::rng::SplitMix64;
use crate::session::Trial;

/// A feedback schedule (§4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackSchedule {
    /// Chosen from the context (§4.2 "default selection by context"): new skill
    /// (acquisition phase) → faded; skill in practice → bandwidth; unsupervised home practice
    /// → summary; maintenance → self-controlled (§7.3).
    #[default]
    Auto,
    /// After every repetition.
    EveryTrial,
    /// Relative frequency falling linearly from the start to the end frequency.
    Faded,
    /// Only when the error exceeds the bandwidth (or a fault its threshold).
    Bandwidth,
    /// After every N repetitions, each of the N results.
    Summary,
    /// After every N repetitions, the mean of the N.
    Average,
    /// Only when the learner asks, after the trial.
    SelfControlled,
    /// No augmented feedback (last step of the feedback axis, §7.2).
    None,
}

impl FeedbackSchedule {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            FeedbackSchedule::Auto => "auto",
            FeedbackSchedule::EveryTrial => "every trial",
            FeedbackSchedule::Faded => "faded",
            FeedbackSchedule::Bandwidth => "bandwidth",
            FeedbackSchedule::Summary => "summary",
            FeedbackSchedule::Average => "average",
            FeedbackSchedule::SelfControlled => "self-controlled",
            FeedbackSchedule::None => "none",
        }
    }
}

/// The feedback policy of one prescription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedbackPolicy {
    /// Schedule.
    pub schedule: FeedbackSchedule,
    /// Main kind: KP is the primary feedback for movement re-education (§4.1); a trial with a
    /// fault always gets KP.
    pub kind: FeedbackKind,
    /// Self-controlled option on top of the schedule (§4.2: "an option for any of these"),
    /// active from the session after `FeedbackSettings::self_controlled_after_sessions`.
    pub self_controlled: bool,
    /// Whether live (concurrent) feedback is used for this exercise (§4.1, §4.3).
    pub concurrent: bool,
    /// Fine task: bandwidth ±5 % instead of ±10 % (§4.2).
    pub fine_task: bool,
}

impl Default for FeedbackPolicy {
    fn default() -> Self {
        Self {
            schedule: FeedbackSchedule::Auto,
            kind: FeedbackKind::Kp,
            self_controlled: false,
            concurrent: false,
            fine_task: false,
        }
    }
}

/// Feedback settings (§4.2, §4.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedbackSettings {
    /// Faded schedule start frequency: 1.0 (*Relearn default*, Winstein & Schmidt 1990 \[72\]).
    pub faded_start: f64,
    /// Faded schedule end frequency: 0.25.
    pub faded_end: f64,
    /// Fade over this many practice sessions of a skill: 4.
    pub faded_sessions: u32,
    /// ... or this many repetitions, whichever first: 200.
    pub faded_reps: u32,
    /// Bandwidth, percent of the target value or fault threshold: 10 (Sherwood 1988 \[74\]).
    pub bandwidth_pct: f64,
    /// Bandwidth for fine tasks, percent: 5 (§4.2).
    pub fine_bandwidth_pct: f64,
    /// Summary feedback block length N: 5 for multi-joint tasks (Schmidt, Lange & Young 1990
    /// \[78\]).
    pub summary_n: u32,
    /// Average feedback block length N: 5 (Yao 1994 \[80\]).
    pub average_n: u32,
    /// Self-controlled feedback switches on after this many sessions of a skill: 2 (§4.2).
    pub self_controlled_after_sessions: u32,
    /// Ask the learner to estimate the error before showing KR/KP (Liu & Wrisberg 1997 \[84\];
    /// Swinnen 1990 \[85\]): on.
    pub error_estimation: bool,
    /// Minimum delay after the end of the repetition before terminal feedback, s: 2
    /// (*Relearn default* after Swinnen 1990 \[85\]).
    pub min_delay_s: f64,
    /// After the first session, live feedback on at most this share of sets: 0.5 (*Relearn
    /// default*, guidance hypothesis, Salmoni 1984 \[67\]).
    pub concurrent_max_share: f64,
    /// Simulation only: probability that a learner asks for feedback after a successful
    /// synthesised trial: 0.3 (*Relearn default*; learners ask mostly after good trials \[81\]).
    pub synthetic_request_probability: f64,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        Self {
            faded_start: 1.0,
            faded_end: 0.25,
            faded_sessions: 4,
            faded_reps: 200,
            bandwidth_pct: 10.0,
            fine_bandwidth_pct: 5.0,
            summary_n: 5,
            average_n: 5,
            self_controlled_after_sessions: 2,
            error_estimation: true,
            min_delay_s: 2.0,
            concurrent_max_share: 0.5,
            synthetic_request_probability: 0.3,
        }
    }
}

impl FeedbackSettings {
    /// Faded relative frequency for a trial: falls linearly from `faded_start` at the first
    /// session to `faded_end` at session `faded_sessions` (or after `faded_reps`
    /// repetitions, whichever comes first), then stays at `faded_end`.
    /// `sessions_before` = practice sessions of this skill before the current one;
    /// `reps_before` = repetitions practised before this trial.
    pub fn faded_frequency(&self, sessions_before: u32, reps_before: u32) -> f64 {
        let by_sessions = if self.faded_sessions <= 1 {
            1.0
        } else {
            f64::from(sessions_before) / f64::from(self.faded_sessions - 1)
        };
        let by_reps = if self.faded_reps == 0 {
            1.0
        } else {
            f64::from(reps_before) / f64::from(self.faded_reps)
        };
        let progress = by_sessions.max(by_reps).clamp(0.0, 1.0);
        self.faded_start - (self.faded_start - self.faded_end) * progress
    }
}

/// Everything the feedback plan of one exercise in one session depends on.
#[derive(Debug, Clone)]
pub struct FeedbackContext<'a> {
    /// The prescription's policy.
    pub policy: &'a FeedbackPolicy,
    /// The schedule after resolving `Auto`.
    pub schedule: FeedbackSchedule,
    /// Retention or transfer probe: no feedback of any kind (§4.3).
    pub probe: bool,
    /// Practice sessions of this skill before this one.
    pub sessions_before: u32,
    /// Repetitions of this skill practised before this session.
    pub reps_before: u32,
    /// Sets in this session.
    pub sets: u32,
    /// Internal-focus cues allowed (first explanation of a skill, §4.1).
    pub allow_internal: bool,
    /// Live feedback withdrawn entirely (maintenance phase, §7.3).
    pub no_live_feedback: bool,
    /// Cue ids of the prescription.
    pub cue_ids: &'a [String],
    /// The programme's cue library.
    pub cues: &'a CueLibrary,
}

/// The decision for one trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialFeedback {
    /// Trial number in the session, 1-based.
    pub trial: usize,
    /// Whether feedback is given after this trial.
    pub give: bool,
    /// KR or KP, when given.
    pub kind: Option<FeedbackKind>,
    /// The cue used, when one fits.
    pub cue: Option<String>,
    /// The message shown.
    pub message: Option<String>,
    /// The error-estimation prompt asked before the message (§4.3).
    pub estimate_prompt: Option<String>,
    /// Delay after the end of the repetition before the message, s (§4.3).
    pub delay_s: Option<f64>,
    /// Why (schedule and numbers).
    pub reason: String,
}

/// Live-feedback plan for one set (§4.3 withdrawal of concurrent feedback).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetFeedback {
    /// Set number, 1-based.
    pub set: u32,
    /// Live feedback on during this set.
    pub live: bool,
}

/// The feedback plan of one exercise in one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackPlan {
    /// Resolved schedule.
    pub schedule: FeedbackSchedule,
    /// Whether self-controlled feedback was active.
    pub self_controlled_active: bool,
    /// Per trial.
    pub trials: Vec<TrialFeedback>,
    /// Per set (empty when the exercise uses no live feedback).
    pub sets: Vec<SetFeedback>,
    /// Scheduled relative frequency at the first and last trial (faded schedule), 0-1.
    pub scheduled_frequency: Option<(f64, f64)>,
}

impl FeedbackPlan {
    /// Number of trials with feedback.
    pub fn given(&self) -> usize {
        self.trials.iter().filter(|t| t.give).count()
    }
}

const KR_PROMPT: &str =
    "Before you see the result: was that over or under the target, and by how much?";
const KP_PROMPT: &str = "Before you see the result: how do you think that repetition looked?";

/// Plan the feedback for one exercise in one session (§4.1-§4.3).
pub fn plan_feedback(
    ctx: &FeedbackContext<'_>,
    trials: &[Trial],
    settings: &FeedbackSettings,
    rng: &mut SplitMix64,
) -> FeedbackPlan {
    let schedule = ctx.schedule;
    let self_controlled_active = ctx.policy.self_controlled
        && ctx.sessions_before >= settings.self_controlled_after_sessions
        || schedule == FeedbackSchedule::SelfControlled;
    let bandwidth = if ctx.policy.fine_task {
        settings.fine_bandwidth_pct
    } else {
        settings.bandwidth_pct
    };
    let mut credit = rng.next_f64();
    let mut first_last = None::<(f64, f64)>;
    let mut out = Vec::with_capacity(trials.len());
    let mut rotation = 0usize;
    for (i, trial) in trials.iter().enumerate() {
        let n = i + 1;
        let silent = |reason: String| TrialFeedback {
            trial: n,
            give: false,
            kind: None,
            cue: None,
            message: None,
            estimate_prompt: None,
            delay_s: None,
            reason,
        };
        if ctx.probe {
            out.push(silent(
                "retention/transfer probe: no augmented feedback of any kind (§4.3, Kantak & Winstein 2012 [86])"
                    .into(),
            ));
            continue;
        }
        // Decide whether and what, before composing the message.
        let decision: Result<(String, Option<String>), String> = if trial.safety_critical
            && trial.fault.is_some()
        {
            Ok((
                "safety-critical fault: feedback every time (§4.2)".into(),
                None,
            ))
        } else if self_controlled_active {
            if trial.requested_feedback {
                Ok((
                    "learner asked after the trial (self-controlled, §4.2, Chiviacowsky & Wulf 2005 [82])"
                        .into(),
                    None,
                ))
            } else {
                Err("self-controlled: not requested (§4.2)".into())
            }
        } else {
            match schedule {
                FeedbackSchedule::EveryTrial => Ok(("every trial (§4.2)".into(), None)),
                FeedbackSchedule::None | FeedbackSchedule::SelfControlled => {
                    Err(format!("schedule {}: no feedback", schedule.name()))
                }
                FeedbackSchedule::Faded | FeedbackSchedule::Auto => {
                    let reps_before = ctx.reps_before.saturating_add(i as u32);
                    let f = settings.faded_frequency(ctx.sessions_before, reps_before);
                    first_last = Some((first_last.map_or(f, |(a, _)| a), f));
                    credit += f;
                    if credit >= 1.0 - 1e-12 {
                        credit -= 1.0;
                        Ok((
                            format!(
                                "faded schedule at {} % (§4.2, Winstein & Schmidt 1990 [72])",
                                fmt_num(f * 100.0)
                            ),
                            None,
                        ))
                    } else {
                        Err(format!(
                            "faded schedule at {} %: not this trial",
                            fmt_num(f * 100.0)
                        ))
                    }
                }
                FeedbackSchedule::Bandwidth => {
                    if trial.fault.is_some() {
                        Ok((
                            "fault beyond its threshold: outside the bandwidth (§4.2)".into(),
                            None,
                        ))
                    } else if trial.error_pct.abs() > bandwidth {
                        Ok((
                            format!(
                                "error {} % outside ±{} % bandwidth (§4.2, Sherwood 1988 [74])",
                                fmt_num(trial.error_pct),
                                fmt_num(bandwidth)
                            ),
                            None,
                        ))
                    } else {
                        Err(format!(
                            "error {} % within ±{} %: no news is good news (§4.2)",
                            fmt_num(trial.error_pct),
                            fmt_num(bandwidth)
                        ))
                    }
                }
                FeedbackSchedule::Summary | FeedbackSchedule::Average => {
                    let block = if schedule == FeedbackSchedule::Summary {
                        settings.summary_n
                    } else {
                        settings.average_n
                    }
                    .max(1) as usize;
                    let end_of_block = n % block == 0 || n == trials.len();
                    if end_of_block {
                        let start = (n - 1) / block * block;
                        let window = &trials[start..n];
                        let msg = if schedule == FeedbackSchedule::Summary {
                            let items: Vec<String> = window
                                .iter()
                                .map(|t| match &t.fault {
                                    Some(f) => f.replace('_', " "),
                                    None => format!("{:+.0} %", t.error_pct),
                                })
                                .collect();
                            format!("Reps {}-{}: {}", start + 1, n, items.join(", "))
                        } else {
                            let mean = window.iter().map(|t| t.error_pct).sum::<f64>()
                                / window.len() as f64;
                            format!(
                                "Reps {}-{}: average {:+.0} % from target",
                                start + 1,
                                n,
                                mean
                            )
                        };
                        Ok((
                            format!(
                                "{} feedback after {} repetitions (§4.2, N = {block})",
                                schedule.name(),
                                window.len()
                            ),
                            Some(msg),
                        ))
                    } else {
                        Err(format!(
                            "{} feedback: within a block of {block}",
                            schedule.name()
                        ))
                    }
                }
            }
        };
        match decision {
            Err(reason) => out.push(silent(reason)),
            Ok((reason, block_message)) => {
                let kind = if trial.fault.is_some() {
                    FeedbackKind::Kp
                } else {
                    ctx.policy.kind
                };
                let cue = ctx.cues.select(
                    ctx.cue_ids,
                    kind,
                    trial.fault.as_deref(),
                    ctx.allow_internal,
                    rotation,
                );
                rotation += 1;
                let result = match (&trial.fault, kind) {
                    (Some(f), _) => format!("{} seen", f.replace('_', " ")),
                    (None, FeedbackKind::Kr) => {
                        format!("{:+.0} % from target", trial.error_pct)
                    }
                    (None, FeedbackKind::Kp) if trial.success => "pattern within limits".into(),
                    (None, FeedbackKind::Kp) => "pattern outside limits".into(),
                };
                let message = match (block_message, cue) {
                    (Some(m), Some(c)) => format!("{m}. {}", c.text),
                    (Some(m), None) => m,
                    (None, Some(c)) => format!("{result}. {}", c.text),
                    (None, None) => result,
                };
                let prompt = settings.error_estimation.then(|| {
                    match kind {
                        FeedbackKind::Kr => KR_PROMPT,
                        FeedbackKind::Kp => KP_PROMPT,
                    }
                    .to_string()
                });
                out.push(TrialFeedback {
                    trial: n,
                    give: true,
                    kind: Some(kind),
                    cue: cue.map(|c| c.id.clone()),
                    message: Some(message),
                    estimate_prompt: prompt,
                    delay_s: Some(settings.min_delay_s),
                    reason,
                });
            }
        }
    }
    FeedbackPlan {
        schedule,
        self_controlled_active,
        trials: out,
        sets: plan_live_feedback(ctx, settings),
        scheduled_frequency: first_last,
    }
}

/// Live-feedback plan (§4.3): in the first session of a skill every set but the last; after
/// it at most `concurrent_max_share` of the sets, alternating with no-feedback sets, never the
/// last set; none in probes or when live feedback is withdrawn (maintenance).
fn plan_live_feedback(ctx: &FeedbackContext<'_>, settings: &FeedbackSettings) -> Vec<SetFeedback> {
    if !ctx.policy.concurrent {
        return Vec::new();
    }
    let sets = ctx.sets.max(1);
    let cap = if ctx.sessions_before == 0 {
        sets.saturating_sub(1)
    } else {
        (f64::from(sets) * settings.concurrent_max_share).floor() as u32
    };
    let mut live_count = 0;
    (1..=sets)
        .map(|set| {
            let eligible = !ctx.probe
                && !ctx.no_live_feedback
                && set < sets
                && (ctx.sessions_before == 0 || set % 2 == 1);
            let live = eligible && live_count < cap;
            if live {
                live_count += 1;
            }
            SetFeedback { set, live }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::{Cue, Focus};

    fn trials(n: usize, ok: bool) -> Vec<Trial> {
        (0..n)
            .map(|i| Trial {
                success: ok,
                error_pct: if ok { 3.0 } else { 15.0 } * if i % 2 == 0 { 1.0 } else { -1.0 },
                fault: None,
                safety_critical: false,
                requested_feedback: i % 4 == 0,
            })
            .collect()
    }

    fn library() -> CueLibrary {
        CueLibrary {
            cues: vec![
                Cue {
                    id: "floor".into(),
                    text: "Push the floor away".into(),
                    focus: Focus::External,
                    kind: FeedbackKind::Kp,
                    fault: None,
                },
                Cue {
                    id: "target".into(),
                    text: "Reach the target line".into(),
                    focus: Focus::External,
                    kind: FeedbackKind::Kr,
                    fault: None,
                },
            ],
        }
    }

    fn plan(
        schedule: FeedbackSchedule,
        policy: &FeedbackPolicy,
        sessions_before: u32,
        probe: bool,
        t: &[Trial],
    ) -> FeedbackPlan {
        let lib = library();
        let ids = vec!["floor".to_string(), "target".to_string()];
        let ctx = FeedbackContext {
            policy,
            schedule,
            probe,
            sessions_before,
            reps_before: 0,
            sets: 3,
            allow_internal: false,
            no_live_feedback: false,
            cue_ids: &ids,
            cues: &lib,
        };
        plan_feedback(
            &ctx,
            t,
            &FeedbackSettings::default(),
            &mut SplitMix64::new(11),
        )
    }

    #[test]
    fn faded_frequency_is_linear_over_four_sessions_or_200_reps() {
        let s = FeedbackSettings::default();
        assert_eq!(s.faded_frequency(0, 0), 1.0);
        assert_eq!(s.faded_frequency(1, 0), 0.75);
        assert_eq!(s.faded_frequency(2, 0), 0.5);
        assert_eq!(s.faded_frequency(3, 0), 0.25);
        assert_eq!(s.faded_frequency(8, 0), 0.25);
        assert_eq!(s.faded_frequency(0, 100), 0.625);
        assert_eq!(s.faded_frequency(0, 200), 0.25);
    }

    #[test]
    fn faded_gives_every_trial_first_and_a_quarter_later() {
        let p = FeedbackPolicy::default();
        // First session: 100 % at the first trial, falling with repetitions (20 of 200 reps
        // → 90.5 % at the last trial).
        let first = plan(FeedbackSchedule::Faded, &p, 0, false, &trials(20, true));
        assert!(first.trials[0].give);
        assert_eq!(first.given(), 19);
        let (a, b) = first.scheduled_frequency.unwrap();
        assert_eq!(a, 1.0);
        assert!((b - 0.92875).abs() < 1e-9);
        let late = plan(FeedbackSchedule::Faded, &p, 5, false, &trials(20, true));
        assert_eq!(late.given(), 5);
    }

    #[test]
    fn probes_get_no_feedback() {
        let p = FeedbackPolicy::default();
        let plan = plan(FeedbackSchedule::EveryTrial, &p, 0, true, &trials(5, false));
        assert_eq!(plan.given(), 0);
    }

    #[test]
    fn bandwidth_only_outside_ten_percent() {
        let p = FeedbackPolicy {
            kind: FeedbackKind::Kr,
            ..FeedbackPolicy::default()
        };
        assert_eq!(
            plan(FeedbackSchedule::Bandwidth, &p, 2, false, &trials(10, true)).given(),
            0
        );
        let bad = plan(
            FeedbackSchedule::Bandwidth,
            &p,
            2,
            false,
            &trials(10, false),
        );
        assert_eq!(bad.given(), 10);
        let first = &bad.trials[0];
        assert_eq!(first.kind, Some(FeedbackKind::Kr));
        assert_eq!(first.cue.as_deref(), Some("target"));
        assert!(first.message.as_deref().unwrap_or("").contains("+15 %"));
        assert!(first.estimate_prompt.is_some());
        assert_eq!(first.delay_s, Some(2.0));
    }

    #[test]
    fn summary_and_average_every_five() {
        let p = FeedbackPolicy::default();
        let s = plan(FeedbackSchedule::Summary, &p, 2, false, &trials(12, true));
        let given: Vec<usize> = s
            .trials
            .iter()
            .filter(|t| t.give)
            .map(|t| t.trial)
            .collect();
        assert_eq!(given, vec![5, 10, 12]);
        let a = plan(FeedbackSchedule::Average, &p, 2, false, &trials(10, false));
        assert!(a.trials[4]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("average"));
    }

    #[test]
    fn self_controlled_after_session_two_follows_requests() {
        let p = FeedbackPolicy {
            self_controlled: true,
            ..FeedbackPolicy::default()
        };
        let early = plan(FeedbackSchedule::Bandwidth, &p, 1, false, &trials(8, true));
        assert!(!early.self_controlled_active);
        let later = plan(FeedbackSchedule::Bandwidth, &p, 2, false, &trials(8, true));
        assert!(later.self_controlled_active);
        let given: Vec<usize> = later
            .trials
            .iter()
            .filter(|t| t.give)
            .map(|t| t.trial)
            .collect();
        assert_eq!(given, vec![1, 5]);
    }

    #[test]
    fn safety_critical_fault_always_gets_kp() {
        let p = FeedbackPolicy::default();
        let mut t = trials(4, true);
        t[2].fault = Some("lumbar_flexion".into());
        t[2].safety_critical = true;
        let plan = plan(FeedbackSchedule::None, &p, 3, false, &t);
        assert_eq!(plan.given(), 1);
        assert_eq!(plan.trials[2].kind, Some(FeedbackKind::Kp));
    }

    #[test]
    fn live_feedback_is_withdrawn_after_the_first_session() {
        let p = FeedbackPolicy {
            concurrent: true,
            ..FeedbackPolicy::default()
        };
        let first = plan(FeedbackSchedule::Faded, &p, 0, false, &trials(3, true));
        let live: Vec<bool> = first.sets.iter().map(|s| s.live).collect();
        assert_eq!(live, vec![true, true, false]);
        let later = plan(FeedbackSchedule::Faded, &p, 1, false, &trials(3, true));
        let live: Vec<bool> = later.sets.iter().map(|s| s.live).collect();
        assert_eq!(live, vec![true, false, false]);
    }
}
