//! All clinician-editable settings of a programme in one value, each with its cited default
//! (style guide principles 3-4). A scenario's `[settings]` table overrides any field.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::feedback::FeedbackSettings;
use crate::flare_up::FlareUpSettings;
use crate::measures::MeasureSettings;
use crate::pain::PainSettings;
use crate::phase::PhaseSettings;
use crate::plateau::PlateauSettings;
use crate::practice::PracticeSettings;
use crate::progression::ProgressionSettings;
use crate::red_flags::RedFlagSettings;

/// Every setting the engine uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ProgrammeSettings {
    /// Pain monitoring (§2).
    pub pain: PainSettings,
    /// Red flags (§3).
    pub red_flags: RedFlagSettings,
    /// Progression and regression (§4.5, §7.2).
    pub progression: ProgressionSettings,
    /// Feedback schedules (§4.2, §4.3).
    pub feedback: FeedbackSettings,
    /// Practice structure (§4.4).
    pub practice: PracticeSettings,
    /// Plateau detection.
    pub plateau: PlateauSettings,
    /// Phases (§7.3).
    pub phase: PhaseSettings,
    /// Flare-up plan (§7.3).
    pub flare_up: FlareUpSettings,
    /// Outcome measures (§1).
    pub measures: MeasureSettings,
}

impl ProgrammeSettings {
    /// Check settings whose options are restricted by the spec.
    pub fn validate(&self) -> Result<()> {
        self.pain.validate()?;
        let share = |name: &str, v: f64| -> Result<()> {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(Error::InvalidSetting {
                    name: name.into(),
                    message: format!("{v} must be a share between 0 and 1"),
                })
            }
        };
        share(
            "progression.advance_success",
            self.progression.advance_success,
        )?;
        share(
            "progression.step_back_below",
            self.progression.step_back_below,
        )?;
        if self.progression.step_back_below > self.progression.advance_success {
            return Err(Error::InvalidSetting {
                name: "progression.step_back_below".into(),
                message: "must not exceed progression.advance_success".into(),
            });
        }
        share("feedback.faded_start", self.feedback.faded_start)?;
        share("feedback.faded_end", self.feedback.faded_end)?;
        share("practice.move_up_success", self.practice.move_up_success)?;
        share("practice.step_back_below", self.practice.step_back_below)?;
        share(
            "flare_up.volume_reduction_factor",
            self.flare_up.volume_reduction_factor,
        )?;
        share(
            "progression.volume_reduction_factor",
            self.progression.volume_reduction_factor,
        )?;
        if !(2.0..=6.0).contains(&self.measures.promis_pf.mcid) {
            return Err(Error::InvalidSetting {
                name: "measures.promis_pf.mcid".into(),
                message: format!(
                    "{} is outside the 2-6 range of Terwee 2021 [158] (§1.9)",
                    self.measures.promis_pf.mcid
                ),
            });
        }
        if self.plateau.reassessments < 2 {
            return Err(Error::InvalidSetting {
                name: "plateau.reassessments".into(),
                message: "at least 2 reassessments are needed to see a change".into(),
            });
        }
        Ok(())
    }
}

/// The settings as TOML, in the shape of a scenario's `[settings]` table.
pub fn settings_toml(settings: &ProgrammeSettings) -> Result<String> {
    toml::to_string_pretty(settings).map_err(|e| Error::InvalidSetting {
        name: "settings".into(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(ProgrammeSettings::default().validate().is_ok());
    }

    #[test]
    fn settings_round_trip_through_toml() {
        let text = settings_toml(&ProgrammeSettings::default()).unwrap();
        let back: ProgrammeSettings = toml::from_str(&text).unwrap();
        assert_eq!(back, ProgrammeSettings::default());
    }

    #[test]
    fn promis_mcid_must_stay_in_range() {
        let mut s = ProgrammeSettings::default();
        s.measures.promis_pf.mcid = 8.0;
        assert!(s.validate().is_err());
    }
}
