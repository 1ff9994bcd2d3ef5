//! The patient, the care team and the patient-centred goals (issue 4 model; PSFS goals of
//! spec §1.2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Sex as used by the sex-specific norm tables of spec §1.12 and §1.16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Female norms.
    Female,
    /// Male norms.
    Male,
    /// Not recorded: sex-specific norms are not applied.
    #[default]
    Unspecified,
}

/// The person in the programme. No name is needed by the engine; `id` links to the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    /// Record identifier.
    pub id: String,
    /// Age in whole years at the start of the programme.
    pub age_years: u32,
    /// Sex for norm tables.
    #[serde(default)]
    pub sex: Sex,
    /// Presenting problem in the clinician's words.
    #[serde(default)]
    pub condition: String,
}

/// Role of a member of the care team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareRole {
    /// Physiotherapist.
    Physiotherapist,
    /// Occupational therapist.
    OccupationalTherapist,
    /// Exercise trainer or coach.
    Trainer,
    /// Physician.
    Physician,
}

/// One member of the care team. Everyone on the team works from the programme's single cue
/// library, so the patient hears the same words from every professional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareTeamMember {
    /// Name as shown in the decision log (who overrode, who cleared).
    pub name: String,
    /// Role.
    pub role: CareRole,
}

/// A patient-centred goal: a PSFS activity (spec §1.2) with its baseline rating, the target
/// rating and the date by which it should be reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsfsGoal {
    /// The activity in the patient's words; follow-ups must rate the same text (§1.2).
    pub activity: String,
    /// Baseline rating 0-10 (0 = unable, 10 = as before the problem).
    pub baseline: f64,
    /// Target rating 0-10.
    pub target: f64,
    /// Date by which the target should be reached.
    pub target_date: NaiveDate,
}

impl PsfsGoal {
    /// Share of the way from baseline to target reached by `current` (0 = baseline, 1 =
    /// target), clamped to 0-1; `None` when target equals baseline.
    pub fn progress(&self, current: f64) -> Option<f64> {
        let span = self.target - self.baseline;
        if span.abs() < f64::EPSILON {
            None
        } else {
            Some(((current - self.baseline) / span).clamp(0.0, 1.0))
        }
    }

    /// Whether `current` meets the target.
    pub fn is_met(&self, current: f64) -> bool {
        current >= self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_progress_is_fraction_of_the_way_to_target() {
        let goal = PsfsGoal {
            activity: "lift grandchild".into(),
            baseline: 2.0,
            target: 8.0,
            target_date: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default(),
        };
        assert_eq!(goal.progress(5.0), Some(0.5));
        assert_eq!(goal.progress(10.0), Some(1.0));
        assert!(goal.is_met(8.0));
        assert!(!goal.is_met(7.9));
    }
}
