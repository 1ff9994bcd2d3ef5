//! Programme phases (spec §7.3, after Fitts & Posner \[154\]): acquisition, consolidation,
//! maintenance and relapse prevention, with their exit criteria, default practice and
//! feedback, and the scheduled re-tests and tapering contacts.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::exercise::ExerciseLevel;
use crate::feedback::FeedbackSchedule;
use crate::measures::change::fmt_num;
use crate::measures::{ChangeClass, Instrument};
use crate::pain::TrafficLight;

/// The three phases of §7.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Understand and produce the pattern.
    #[default]
    Acquisition,
    /// Make the pattern reliable and automatic; transfer to function.
    Consolidation,
    /// Keep the gains; self-manage flare-ups.
    Maintenance,
}

impl Phase {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Acquisition => "acquisition",
            Phase::Consolidation => "consolidation",
            Phase::Maintenance => "maintenance and relapse prevention",
        }
    }

    /// The feedback schedule an `auto` policy resolves to (§4.2 default selection by
    /// context; §7.3 practice and feedback column).
    pub fn default_schedule(self, supervised: bool) -> FeedbackSchedule {
        match (self, supervised) {
            (Phase::Maintenance, _) => FeedbackSchedule::SelfControlled,
            (_, false) => FeedbackSchedule::Summary,
            (Phase::Acquisition, true) => FeedbackSchedule::Faded,
            (Phase::Consolidation, true) => FeedbackSchedule::Bandwidth,
        }
    }

    /// Whether internal-focus cues are allowed (§4.1: when a skill is first explained, i.e.
    /// in acquisition only, and only where no external cue exists).
    pub fn allows_internal_cues(self) -> bool {
        self == Phase::Acquisition
    }

    /// Whether live feedback is withdrawn (§7.3 maintenance: "no live feedback").
    pub fn withdraws_live_feedback(self) -> bool {
        self == Phase::Maintenance
    }
}

/// Whether consolidation exit needs every reassessed measure improved, or any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeRule {
    /// Every reassessed instrument with an MCID improved by at least its MCID (strict
    /// reading of "outcome measures improved by ≥ MCID"), **default**.
    #[default]
    All,
    /// At least one did.
    Any,
}

/// Phase settings (§7.3; *Relearn defaults*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhaseSettings {
    /// Acquisition exit: retention probe success at least this share: 0.80.
    pub acquisition_exit_success: f64,
    /// ... at this level or above: L2.
    pub acquisition_exit_level: ExerciseLevel,
    /// Consolidation exit: transfer probe success at least this share: 0.80.
    pub consolidation_exit_success: f64,
    /// ... at this level or above: L4.
    pub consolidation_exit_level: ExerciseLevel,
    /// ... with outcome measures improved by at least their MCID.
    pub outcome_rule: OutcomeRule,
    /// Maintenance contacts, months after discharge: 1, 3, 6, 12.
    pub taper_contact_months: Vec<u32>,
    /// Contacts (months) at which performance tests are re-tested: 3 and 12 (plus
    /// discharge).
    pub performance_retest_months: Vec<u32>,
}

impl Default for PhaseSettings {
    fn default() -> Self {
        Self {
            acquisition_exit_success: 0.80,
            acquisition_exit_level: ExerciseLevel::L2,
            consolidation_exit_success: 0.80,
            consolidation_exit_level: ExerciseLevel::L4,
            outcome_rule: OutcomeRule::All,
            taper_contact_months: vec![1, 3, 6, 12],
            performance_retest_months: vec![3, 12],
        }
    }
}

/// A probe result offered for a phase-exit check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// Success 0-1.
    pub success: f64,
    /// Level of the exercise probed.
    pub level: ExerciseLevel,
    /// Pain light of the probe session.
    pub pain: TrafficLight,
}

/// Acquisition exit (§7.3): retention probe success ≥ 80 % at L2 or above with green pain.
/// Returns the rationale when met, the reason when not.
pub fn acquisition_exit(
    probe: &ProbeResult,
    settings: &PhaseSettings,
) -> std::result::Result<String, String> {
    let pct = fmt_num(probe.success * 100.0);
    if probe.success >= settings.acquisition_exit_success - 1e-9
        && probe.level >= settings.acquisition_exit_level
        && probe.pain == TrafficLight::Green
    {
        Ok(format!(
            "retention probe {pct} % ≥ {} % at {:?} with green pain: acquisition exit met, move to consolidation (§7.3)",
            fmt_num(settings.acquisition_exit_success * 100.0),
            probe.level
        ))
    } else {
        Err(format!(
            "retention probe {pct} % at {:?}, pain {}: acquisition exit needs ≥ {} % at {:?}+ with green pain (§7.3)",
            probe.level,
            probe.pain.name(),
            fmt_num(settings.acquisition_exit_success * 100.0),
            settings.acquisition_exit_level
        ))
    }
}

/// Consolidation exit (§7.3): transfer probe success ≥ 80 % at L4-L5 and outcome measures
/// improved by ≥ MCID (per [`OutcomeRule`]). `outcomes` = latest change class of each
/// reassessed instrument that has an MCID.
pub fn consolidation_exit(
    probe: &ProbeResult,
    outcomes: &[(Instrument, ChangeClass)],
    settings: &PhaseSettings,
) -> std::result::Result<String, String> {
    let pct = fmt_num(probe.success * 100.0);
    let probe_ok = probe.success >= settings.consolidation_exit_success - 1e-9
        && probe.level >= settings.consolidation_exit_level
        && probe.pain == TrafficLight::Green;
    let improved = |c: &ChangeClass| *c == ChangeClass::ImportantImprovement;
    let outcomes_ok = !outcomes.is_empty()
        && match settings.outcome_rule {
            OutcomeRule::All => outcomes.iter().all(|(_, c)| improved(c)),
            OutcomeRule::Any => outcomes.iter().any(|(_, c)| improved(c)),
        };
    let listed: Vec<String> = outcomes
        .iter()
        .map(|(i, c)| format!("{} {}", i.short_name(), c.label()))
        .collect();
    let listed = if listed.is_empty() {
        "no outcome measure reassessed".to_string()
    } else {
        listed.join("; ")
    };
    if probe_ok && outcomes_ok {
        Ok(format!(
            "transfer probe {pct} % at {:?} with green pain and outcomes improved ≥ MCID ({listed}): move to maintenance (§7.3)",
            probe.level
        ))
    } else {
        Err(format!(
            "transfer probe {pct} % at {:?}, pain {}; outcomes: {listed}. Consolidation exit needs ≥ {} % at {:?}+ with green pain and {} outcome(s) improved ≥ MCID (§7.3)",
            probe.level,
            probe.pain.name(),
            fmt_num(settings.consolidation_exit_success * 100.0),
            settings.consolidation_exit_level,
            match settings.outcome_rule {
                OutcomeRule::All => "all",
                OutcomeRule::Any => "at least one",
            }
        ))
    }
}

/// One tapering contact of the maintenance phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledContact {
    /// Contact date.
    pub date: NaiveDate,
    /// Months after discharge.
    pub months_after_discharge: u32,
    /// What is re-tested (§7.3 scheduled re-tests).
    pub retests: Vec<String>,
}

/// The maintenance contacts after discharge on `discharge` (§7.3): PROMs and movement
/// measures at every contact; performance tests at the configured months.
pub fn maintenance_schedule(
    discharge: NaiveDate,
    settings: &PhaseSettings,
) -> Vec<ScheduledContact> {
    settings
        .taper_contact_months
        .iter()
        .filter_map(|m| {
            let date = discharge.checked_add_months(Months::new(*m))?;
            let mut retests = vec![
                "PROMs (§1.1-§1.9)".to_string(),
                "movement measures (§6)".to_string(),
                "red-flag screening (§3.2 rule 4)".to_string(),
            ];
            if settings.performance_retest_months.contains(m) {
                retests.push("performance tests (§1.10-§1.16)".to_string());
            }
            Some(ScheduledContact {
                date,
                months_after_discharge: *m,
                retests,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acquisition_exit_needs_level_success_and_green() {
        let s = PhaseSettings::default();
        let ok = ProbeResult {
            success: 0.8,
            level: ExerciseLevel::L2,
            pain: TrafficLight::Green,
        };
        assert!(acquisition_exit(&ok, &s).is_ok());
        assert!(acquisition_exit(
            &ProbeResult {
                level: ExerciseLevel::L1,
                ..ok
            },
            &s
        )
        .is_err());
        assert!(acquisition_exit(
            &ProbeResult {
                pain: TrafficLight::Amber,
                ..ok
            },
            &s
        )
        .is_err());
        assert!(acquisition_exit(&ProbeResult { success: 0.7, ..ok }, &s).is_err());
    }

    #[test]
    fn consolidation_exit_needs_outcomes() {
        let s = PhaseSettings::default();
        let probe = ProbeResult {
            success: 0.9,
            level: ExerciseLevel::L4,
            pain: TrafficLight::Green,
        };
        let good = [(Instrument::Odi, ChangeClass::ImportantImprovement)];
        assert!(consolidation_exit(&probe, &good, &s).is_ok());
        let mixed = [
            (Instrument::Odi, ChangeClass::ImportantImprovement),
            (Instrument::Nprs, ChangeClass::NoDetectableChange),
        ];
        assert!(consolidation_exit(&probe, &mixed, &s).is_err());
        let any = PhaseSettings {
            outcome_rule: OutcomeRule::Any,
            ..PhaseSettings::default()
        };
        assert!(consolidation_exit(&probe, &mixed, &any).is_ok());
        assert!(consolidation_exit(&probe, &[], &any).is_err());
    }

    #[test]
    fn maintenance_contacts_taper_at_1_3_6_12_months() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap_or_default();
        let plan = maintenance_schedule(d, &PhaseSettings::default());
        let dates: Vec<String> = plan.iter().map(|c| c.date.to_string()).collect();
        assert_eq!(
            dates,
            vec!["2025-02-28", "2025-04-30", "2025-07-31", "2026-01-31"]
        );
        assert_eq!(plan[1].retests.len(), 4);
        assert_eq!(plan[0].retests.len(), 3);
    }

    #[test]
    fn auto_schedule_follows_phase_and_supervision() {
        assert_eq!(
            Phase::Acquisition.default_schedule(true),
            FeedbackSchedule::Faded
        );
        assert_eq!(
            Phase::Consolidation.default_schedule(true),
            FeedbackSchedule::Bandwidth
        );
        assert_eq!(
            Phase::Acquisition.default_schedule(false),
            FeedbackSchedule::Summary
        );
        assert_eq!(
            Phase::Maintenance.default_schedule(true),
            FeedbackSchedule::SelfControlled
        );
    }
}
