//! Progression and regression (spec §4.5 and §7.2): advance one step on one axis only after
//! ≥ 80 % success in two consecutive sessions (or the latest retention probe plus the latest
//! session) with green pain and quality within limits; hold at 50-79 % or amber; step back
//! below 50 % or on red, on the axis changed last.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::exercise::AxisState;
use crate::measures::change::fmt_num;
use crate::pain::TrafficLight;
use crate::session::SessionKind;

/// Progression settings (§4.5, §7.2; all *Relearn defaults* unless stated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProgressionSettings {
    /// Advance when success is at least this share: 0.80 (consistent with Guadagnoli & Lee
    /// 2004 \[90\] and the ≈ 85 % optimum of Wilson 2019 \[91\]).
    pub advance_success: f64,
    /// Step back when success is below this share: 0.50.
    pub step_back_below: f64,
    /// Sessions in a row that must reach `advance_success`: 2.
    pub consecutive_sessions: usize,
    /// Accept "latest retention probe + latest session" as the second session (§4.5).
    pub probe_plus_session: bool,
    /// Require a retention probe among the evidence (§4.3: "progression decisions use probe
    /// results, not practice results"); off by default because §4.5 also allows two practice
    /// sessions.
    pub require_retention_probe: bool,
    /// Advance on a provisional green (next-morning pain not yet reported): off, the
    /// conservative reading of §2.2.
    pub advance_on_provisional_green: bool,
    /// Volume factor applied when a step back has no changed axis to undo (§2.2 "or reduce
    /// volume"; the 50 % of the flare-up plan, §7.3): 0.5.
    pub volume_reduction_factor: f64,
    /// Load axis step when steps are generated, percent: 5 (Ratamess 2009 \[144\]).
    pub load_step_pct: f64,
    /// Range axis step when steps are generated, percent of target range: 25 (§7.2).
    pub range_step_pct: f64,
    /// Repetitions of a retention or transfer probe: 5 (*Relearn default*, §4.3); a probe
    /// with another count is used but flagged.
    pub probe_repetitions: u32,
}

impl Default for ProgressionSettings {
    fn default() -> Self {
        Self {
            advance_success: 0.80,
            step_back_below: 0.50,
            consecutive_sessions: 2,
            probe_plus_session: true,
            require_retention_probe: false,
            advance_on_provisional_green: false,
            volume_reduction_factor: 0.5,
            load_step_pct: 5.0,
            range_step_pct: 25.0,
            probe_repetitions: 5,
        }
    }
}

/// What one session says about one exercise, for the §4.5 rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionEvidence {
    /// Session date.
    pub date: NaiveDate,
    /// Practice or probe.
    pub kind: SessionKind,
    /// Success rate 0-1.
    pub success: f64,
    /// Pain light of the session.
    pub pain: TrafficLight,
    /// Pain light still provisional.
    pub provisional: bool,
    /// Quality within the §6 limits.
    pub quality_within_limits: bool,
}

/// The verdict of the §4.5 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Advance one step on one axis.
    Advance,
    /// Repeat the same level and dose.
    Hold,
    /// Step back one step.
    StepBack,
}

/// A verdict with its plain-language rationale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// The rule and numbers behind it.
    pub rationale: String,
}

fn pct(x: f64) -> String {
    format!("{} %", fmt_num(x * 100.0))
}

/// Apply §4.5 to the evidence gathered since the last change of this exercise (oldest first;
/// the last element is the session being judged).
pub fn judge(evidence: &[SessionEvidence], settings: &ProgressionSettings) -> Judgement {
    let Some(latest) = evidence.last() else {
        return Judgement {
            verdict: Verdict::Hold,
            rationale: "no session since the last change (§4.5)".into(),
        };
    };
    let s = latest.success;
    let hold = |why: String| Judgement {
        verdict: Verdict::Hold,
        rationale: why,
    };
    if latest.pain == TrafficLight::Red {
        return Judgement {
            verdict: Verdict::StepBack,
            rationale: format!(
                "pain red: step back one step (§2.2, §4.5); success was {}",
                pct(s)
            ),
        };
    }
    if s < settings.step_back_below {
        return Judgement {
            verdict: Verdict::StepBack,
            rationale: format!(
                "success {} < {}: step back one step (§4.5)",
                pct(s),
                pct(settings.step_back_below)
            ),
        };
    }
    if latest.pain == TrafficLight::Amber {
        return hold(format!(
            "pain amber: hold the same level and dose (§2.2, §4.5); success {}",
            pct(s)
        ));
    }
    if s < settings.advance_success - 1e-9 {
        return hold(format!(
            "success {} is between {} and {}: hold (§4.5)",
            pct(s),
            pct(settings.step_back_below),
            pct(settings.advance_success)
        ));
    }
    if !latest.quality_within_limits {
        return hold(format!(
            "success {} but quality outside the §6 limits: hold (§4.5)",
            pct(s)
        ));
    }
    if latest.provisional && !settings.advance_on_provisional_green {
        return hold(format!(
            "success {} with pain green but provisional (next-morning pain not reported): hold until confirmed (§2.2)",
            pct(s)
        ));
    }
    // Every session counted towards the advance must itself reach the success rate, with
    // quality within limits and no red light (the stricter reading of §4.5).
    let qualifies = |e: &SessionEvidence| {
        e.success >= settings.advance_success - 1e-9
            && e.pain != TrafficLight::Red
            && e.quality_within_limits
    };
    let earlier = &evidence[..evidence.len() - 1];
    let needed = settings.consecutive_sessions.max(1);
    let run_ok =
        earlier.len() + 1 >= needed && earlier.iter().rev().take(needed - 1).all(qualifies);
    let probe_in_run = latest.kind == SessionKind::RetentionProbe
        || earlier
            .iter()
            .rev()
            .take(needed - 1)
            .any(|e| e.kind == SessionKind::RetentionProbe);
    let latest_probe = earlier
        .iter()
        .rev()
        .find(|e| e.kind == SessionKind::RetentionProbe);
    let probe_route = settings.probe_plus_session
        && (latest.kind == SessionKind::RetentionProbe && earlier.last().is_some_and(qualifies)
            || latest_probe.is_some_and(qualifies));
    let consecutive = run_ok && (!settings.require_retention_probe || probe_in_run);
    if consecutive {
        let values: Vec<String> = earlier
            .iter()
            .rev()
            .take(needed - 1)
            .rev()
            .chain(std::iter::once(latest))
            .map(|e| pct(e.success))
            .collect();
        return Judgement {
            verdict: Verdict::Advance,
            rationale: format!(
                "success {} in {needed} consecutive sessions ≥ {}, pain green, quality within limits: advance one step (§4.5)",
                values.join(" and "),
                pct(settings.advance_success)
            ),
        };
    }
    if probe_route {
        let probe = if latest.kind == SessionKind::RetentionProbe {
            Some(latest)
        } else {
            latest_probe
        };
        let session = if latest.kind == SessionKind::RetentionProbe {
            earlier.last()
        } else {
            Some(latest)
        };
        if let (Some(p), Some(q)) = (probe, session) {
            return Judgement {
                verdict: Verdict::Advance,
                rationale: format!(
                    "retention probe {} and latest session {} ≥ {}, pain green, quality within limits: advance one step (§4.5)",
                    pct(p.success),
                    pct(q.success),
                    pct(settings.advance_success)
                ),
            };
        }
    }
    hold(format!(
        "success {} ≥ {} in this session; {} needed: hold (§4.5)",
        pct(s),
        pct(settings.advance_success),
        if settings.require_retention_probe {
            "a qualifying retention probe is".to_string()
        } else {
            format!("{needed} consecutive sessions (or a retention probe plus a session) are")
        }
    ))
}

/// The axis to advance: the first unlocked axis, in the clinician's order, that is stepped by
/// the §4.5 rule and has a harder step (§7.2: one axis at a time; axes are ordered).
pub fn axis_to_advance(axes: &[AxisState]) -> Option<usize> {
    axes.iter()
        .position(|a| a.axis.is_stepped_by_progression() && a.can_advance())
}

/// The axis to step back: the most recently changed axis that can still step back
/// (§7.2: "on regression, step back on the axis changed last"). `changes` lists the indices
/// of axes advanced, oldest first.
pub fn axis_to_step_back(axes: &[AxisState], changes: &[usize]) -> Option<usize> {
    changes
        .iter()
        .rev()
        .copied()
        .find(|i| axes.get(*i).is_some_and(AxisState::can_step_back))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::ProgressionAxis;

    fn ev(success: f64, pain: TrafficLight, kind: SessionKind) -> SessionEvidence {
        SessionEvidence {
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            kind,
            success,
            pain,
            provisional: false,
            quality_within_limits: true,
        }
    }

    fn judge_all(e: &[SessionEvidence]) -> Verdict {
        judge(e, &ProgressionSettings::default()).verdict
    }

    use SessionKind::{Practice as P, RetentionProbe as R};
    use TrafficLight::{Amber as A, Green as G, Red as Rd};

    #[test]
    fn two_sessions_at_80_percent_advance() {
        assert_eq!(
            judge_all(&[ev(0.8, G, P), ev(0.85, G, P)]),
            Verdict::Advance
        );
        assert_eq!(judge_all(&[ev(0.85, G, P)]), Verdict::Hold);
        assert_eq!(judge_all(&[ev(0.7, G, P), ev(0.9, G, P)]), Verdict::Hold);
    }

    #[test]
    fn probe_plus_session_advances() {
        assert_eq!(
            judge_all(&[ev(0.6, G, P), ev(0.8, G, R), ev(0.9, G, P)]),
            Verdict::Advance
        );
        assert_eq!(judge_all(&[ev(0.9, G, P), ev(0.8, G, R)]), Verdict::Advance);
    }

    #[test]
    fn hold_and_step_back_bands() {
        assert_eq!(judge_all(&[ev(0.9, G, P), ev(0.6, G, P)]), Verdict::Hold);
        assert_eq!(judge_all(&[ev(0.9, G, P), ev(0.9, A, P)]), Verdict::Hold);
        assert_eq!(
            judge_all(&[ev(0.9, G, P), ev(0.45, G, P)]),
            Verdict::StepBack
        );
        assert_eq!(
            judge_all(&[ev(0.9, G, P), ev(0.95, Rd, P)]),
            Verdict::StepBack
        );
    }

    #[test]
    fn quality_or_provisional_pain_blocks_advance() {
        let mut latest = ev(0.9, G, P);
        latest.quality_within_limits = false;
        assert_eq!(judge_all(&[ev(0.9, G, P), latest.clone()]), Verdict::Hold);
        latest.quality_within_limits = true;
        let mut earlier = ev(0.9, G, P);
        earlier.quality_within_limits = false;
        assert_eq!(judge_all(&[earlier, latest.clone()]), Verdict::Hold);
        latest.provisional = true;
        assert_eq!(judge_all(&[ev(0.9, G, P), latest]), Verdict::Hold);
    }

    #[test]
    fn requiring_a_probe_blocks_two_practice_sessions() {
        let s = ProgressionSettings {
            require_retention_probe: true,
            ..ProgressionSettings::default()
        };
        assert_eq!(
            judge(&[ev(0.9, G, P), ev(0.9, G, P)], &s).verdict,
            Verdict::Hold
        );
        assert_eq!(
            judge(&[ev(0.9, G, R), ev(0.9, G, P)], &s).verdict,
            Verdict::Advance
        );
    }

    fn axis(axis: ProgressionAxis, current: usize, locked: bool) -> AxisState {
        AxisState {
            axis,
            steps: vec!["a".into(), "b".into(), "c".into()],
            current,
            locked,
        }
    }

    #[test]
    fn axis_choice_respects_order_locks_and_last_change() {
        let axes = vec![
            axis(ProgressionAxis::Range, 2, false),
            axis(ProgressionAxis::Load, 0, true),
            axis(ProgressionAxis::Speed, 0, false),
        ];
        assert_eq!(axis_to_advance(&axes), Some(2));
        // Axis 2 was changed last but is at its first step: fall back to axis 0.
        assert_eq!(axis_to_step_back(&axes, &[0, 2]), Some(0));
        assert_eq!(axis_to_step_back(&axes, &[2, 0]), Some(0));
        assert_eq!(axis_to_step_back(&axes, &[]), None);
    }
}
