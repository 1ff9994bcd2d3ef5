//! Outcome measures of `clinical-spec.md` §1: scoring from answers alone, missing-item rules,
//! norms and cut-offs, and change classification against the MCID and the MDC.
//!
//! Every instrument carries its licence status ([`LicenceStatus`], spec §1 conventions). Item
//! text is never shipped: scoring works from item numbers and answers, which is what the
//! FREE-SCORING-ONLY and LICENSED instruments require, and the FREE instruments' question text
//! is not needed to score them. Only the NPRS and PSFS anchors (single generic lines quoted in
//! §1.1 and §1.2) are shipped, see [`Instrument::anchor_text`].
//!
//! Entry points: [`score`] (one [`MeasureInput`] → [`MeasureScore`]), the per-instrument
//! functions in the sub-modules, and [`classify_change`].

pub mod change;
pub mod performance;
pub mod questionnaires;
pub mod settings;

pub use change::{classify_change, ChangeAssessment, ChangeClass, ChangeThresholds};
pub use settings::MeasureSettings;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::patient::Sex;

/// Licence class of an instrument, as defined in the conventions of `clinical-spec.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    /// Item text may be shipped.
    Free,
    /// Scoring rule public, item text copyrighted: Relearn stores answers by item number.
    FreeScoringOnly,
    /// Needs a licence; Relearn never ships item text and scores only answers a licensed form
    /// produced.
    Licensed,
}

/// Which way a score improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Lower scores are better (pain, disability, fear, times).
    HigherIsWorse,
    /// Higher scores are better (function, balance, speed, counts).
    HigherIsBetter,
}

/// The outcome measures of spec §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Numeric Pain Rating Scale, 0-10 (§1.1).
    Nprs,
    /// Patient-Specific Functional Scale, mean 0-10 (§1.2).
    Psfs,
    /// Roland-Morris Disability Questionnaire, 0-24 (§1.3).
    Rmdq,
    /// Oswestry Disability Index v2.1a, 0-100 % (§1.4).
    Odi,
    /// Tampa Scale for Kinesiophobia, 17 items, 17-68 (§1.5).
    Tsk17,
    /// Tampa Scale for Kinesiophobia, 11 items, 11-44 (§1.5).
    Tsk11,
    /// Pain Catastrophizing Scale, 0-52 with three subscales (§1.6).
    Pcs,
    /// Fear-Avoidance Beliefs Questionnaire; score = FABQ-W, with FABQ-PA as a subscale (§1.7).
    Fabq,
    /// Keele STarT Back Screening Tool, 0-9 with a psychosocial subscore (§1.8).
    StartBack,
    /// PROMIS Physical Function T-score, supplied by the licensed instrument (§1.9).
    PromisPf,
    /// Five Times Sit-to-Stand, seconds (§1.10).
    FiveTimesSitToStand,
    /// Timed Up and Go, seconds (§1.11).
    TimedUpAndGo,
    /// 30-second chair stand, number of stands (§1.12).
    ThirtySecondChairStand,
    /// Single-leg stance, best of 3, seconds (§1.13).
    SingleLegStance,
    /// Comfortable gait speed, m/s (§1.14).
    GaitSpeed,
    /// Berg Balance Scale, 0-56 (§1.15).
    Berg,
    /// Functional Reach Test, cm (§1.16).
    FunctionalReach,
}

impl Instrument {
    /// Every instrument, in spec order.
    pub const ALL: [Instrument; 17] = [
        Instrument::Nprs,
        Instrument::Psfs,
        Instrument::Rmdq,
        Instrument::Odi,
        Instrument::Tsk17,
        Instrument::Tsk11,
        Instrument::Pcs,
        Instrument::Fabq,
        Instrument::StartBack,
        Instrument::PromisPf,
        Instrument::FiveTimesSitToStand,
        Instrument::TimedUpAndGo,
        Instrument::ThirtySecondChairStand,
        Instrument::SingleLegStance,
        Instrument::GaitSpeed,
        Instrument::Berg,
        Instrument::FunctionalReach,
    ];

    /// Short name used in output and errors.
    pub fn short_name(self) -> &'static str {
        match self {
            Instrument::Nprs => "NPRS",
            Instrument::Psfs => "PSFS",
            Instrument::Rmdq => "RMDQ",
            Instrument::Odi => "ODI",
            Instrument::Tsk17 => "TSK-17",
            Instrument::Tsk11 => "TSK-11",
            Instrument::Pcs => "PCS",
            Instrument::Fabq => "FABQ",
            Instrument::StartBack => "STarT Back",
            Instrument::PromisPf => "PROMIS PF",
            Instrument::FiveTimesSitToStand => "5xSTS",
            Instrument::TimedUpAndGo => "TUG",
            Instrument::ThirtySecondChairStand => "30s-CST",
            Instrument::SingleLegStance => "SLS",
            Instrument::GaitSpeed => "Gait speed",
            Instrument::Berg => "Berg",
            Instrument::FunctionalReach => "FRT",
        }
    }

    /// The spec section that defines the instrument.
    pub fn spec_section(self) -> &'static str {
        match self {
            Instrument::Nprs => "§1.1",
            Instrument::Psfs => "§1.2",
            Instrument::Rmdq => "§1.3",
            Instrument::Odi => "§1.4",
            Instrument::Tsk17 | Instrument::Tsk11 => "§1.5",
            Instrument::Pcs => "§1.6",
            Instrument::Fabq => "§1.7",
            Instrument::StartBack => "§1.8",
            Instrument::PromisPf => "§1.9",
            Instrument::FiveTimesSitToStand => "§1.10",
            Instrument::TimedUpAndGo => "§1.11",
            Instrument::ThirtySecondChairStand => "§1.12",
            Instrument::SingleLegStance => "§1.13",
            Instrument::GaitSpeed => "§1.14",
            Instrument::Berg => "§1.15",
            Instrument::FunctionalReach => "§1.16",
        }
    }

    /// Licence status from the "Licence" row of each §1 table.
    pub fn licence(self) -> LicenceStatus {
        match self {
            Instrument::Rmdq | Instrument::Pcs | Instrument::StartBack => {
                LicenceStatus::FreeScoringOnly
            }
            Instrument::Odi | Instrument::PromisPf => LicenceStatus::Licensed,
            _ => LicenceStatus::Free,
        }
    }

    /// Whether the score improves upwards or downwards (stated for every score in §1).
    pub fn direction(self) -> Direction {
        match self {
            Instrument::Nprs
            | Instrument::Rmdq
            | Instrument::Odi
            | Instrument::Tsk17
            | Instrument::Tsk11
            | Instrument::Pcs
            | Instrument::Fabq
            | Instrument::StartBack
            | Instrument::FiveTimesSitToStand
            | Instrument::TimedUpAndGo => Direction::HigherIsWorse,
            _ => Direction::HigherIsBetter,
        }
    }

    /// The only item text Relearn ships: the generic anchors of the two FREE single-item
    /// scales (§1.1 NPRS, §1.2 PSFS). Every other instrument is scored from answers alone; no
    /// questionnaire item text is shipped (FREE instruments could be, but Relearn does not
    /// need their text to score them and has no verified copy).
    pub fn anchor_text(self) -> Option<&'static str> {
        match self {
            Instrument::Nprs => Some("0 = no pain, 10 = worst pain imaginable"),
            Instrument::Psfs => {
                Some("0 = unable to perform, 10 = able to perform at the level before the problem")
            }
            _ => None,
        }
    }

    /// Whether any item text of this instrument is shipped (see [`Instrument::anchor_text`]).
    pub fn item_text_shipped(self) -> bool {
        self.anchor_text().is_some()
    }

    /// Parse the identifiers used in scenario files (`nprs`, `odi`, `tsk17`, `5xsts`...).
    pub fn from_id(id: &str) -> Option<Instrument> {
        let normal: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match normal.as_str() {
            "nprs" => Instrument::Nprs,
            "psfs" => Instrument::Psfs,
            "rmdq" => Instrument::Rmdq,
            "odi" => Instrument::Odi,
            "tsk17" => Instrument::Tsk17,
            "tsk11" => Instrument::Tsk11,
            "pcs" => Instrument::Pcs,
            "fabq" => Instrument::Fabq,
            "startback" | "sbst" => Instrument::StartBack,
            "promispf" | "promis" => Instrument::PromisPf,
            "5xsts" | "fivetimessittostand" => Instrument::FiveTimesSitToStand,
            "tug" | "timedupandgo" => Instrument::TimedUpAndGo,
            "30scst" | "thirtysecondchairstand" => Instrument::ThirtySecondChairStand,
            "sls" | "singlelegstance" => Instrument::SingleLegStance,
            "gaitspeed" => Instrument::GaitSpeed,
            "berg" | "bbs" => Instrument::Berg,
            "frt" | "functionalreach" => Instrument::FunctionalReach,
            _ => return None,
        })
    }
}

/// Person-level facts some norms need (§1.10-§1.16 are banded by age and sometimes sex).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PersonFacts {
    /// Age in whole years at the time of the test.
    pub age_years: u32,
    /// Sex used by the sex-specific norm tables.
    pub sex: Sex,
}

/// Eyes condition of a single-leg stance trial (§1.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Eyes {
    /// Eyes open (default protocol).
    #[default]
    Open,
    /// Eyes closed.
    Closed,
}

/// STarT Back item 9, bothersomeness over the last 2 weeks (§1.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bothersomeness {
    /// "Not at all" (scores 0).
    NotAtAll,
    /// "Slightly" (scores 0).
    Slightly,
    /// "Moderately" (scores 0).
    Moderately,
    /// "Very much" (scores 1).
    VeryMuch,
    /// "Extremely" (scores 1).
    Extremely,
}

/// One PSFS activity and its 0-10 rating (§1.2); `None` = not rated this time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsfsRating {
    /// The activity in the patient's words, stored with the baseline and shown at follow-up.
    pub activity: String,
    /// 0 = unable, 10 = as before the problem.
    pub score: Option<f64>,
}

/// The answers or measurement of one administration of one instrument. Questionnaire items
/// are in form order (item 1 first); `None` is a missing item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "instrument", rename_all = "snake_case")]
pub enum MeasureInput {
    /// NPRS rating, 0-10.
    Nprs {
        /// The number given.
        value: f64,
    },
    /// PSFS activities.
    Psfs {
        /// 3-5 activities.
        activities: Vec<PsfsRating>,
    },
    /// RMDQ: 24 items, ticked = true.
    Rmdq {
        /// One answer per statement.
        answers: Vec<Option<bool>>,
    },
    /// ODI: 10 sections scored 0-5.
    Odi {
        /// One score per section.
        sections: Vec<Option<u8>>,
    },
    /// TSK-17: 17 items scored 1-4.
    Tsk17 {
        /// One answer per item.
        answers: Vec<Option<u8>>,
    },
    /// TSK-11: 11 items scored 1-4.
    Tsk11 {
        /// One answer per item.
        answers: Vec<Option<u8>>,
    },
    /// PCS: 13 items scored 0-4.
    Pcs {
        /// One answer per item.
        answers: Vec<Option<u8>>,
    },
    /// FABQ: 16 items scored 0-6.
    Fabq {
        /// One answer per item.
        answers: Vec<Option<u8>>,
    },
    /// STarT Back: items 1-8 agree (true) / disagree, item 9 bothersomeness.
    StartBack {
        /// Items 1-8.
        agree: Vec<Option<bool>>,
        /// Item 9.
        bothersomeness: Option<Bothersomeness>,
    },
    /// PROMIS Physical Function T-score with its standard error if reported.
    PromisPf {
        /// T-score (mean 50, SD 10).
        t_score: f64,
        /// Standard error of the T-score, T-score points.
        se: Option<f64>,
    },
    /// Five Times Sit-to-Stand time, s.
    FiveTimesSitToStand {
        /// Time to the fifth seated (or standing) position, s.
        seconds: f64,
    },
    /// Timed Up and Go time, s.
    TimedUpAndGo {
        /// Time, s.
        seconds: f64,
    },
    /// 30-second chair stand count.
    ThirtySecondChairStand {
        /// Full stands in 30 s.
        stands: u32,
    },
    /// Single-leg stance trials, s (best of up to 3, each capped at 45 s).
    SingleLegStance {
        /// Trial times, s.
        trials_s: Vec<f64>,
        /// Eyes open or closed.
        eyes: Eyes,
    },
    /// Gait speed, m/s.
    GaitSpeed {
        /// Comfortable walking speed, m/s.
        speed_m_s: f64,
    },
    /// Berg: 14 tasks scored 0-4.
    Berg {
        /// One score per task.
        items: Vec<Option<u8>>,
    },
    /// Functional Reach, cm.
    FunctionalReach {
        /// Reach distance, cm.
        reach_cm: f64,
    },
}

impl MeasureInput {
    /// The instrument these answers belong to.
    pub fn instrument(&self) -> Instrument {
        match self {
            MeasureInput::Nprs { .. } => Instrument::Nprs,
            MeasureInput::Psfs { .. } => Instrument::Psfs,
            MeasureInput::Rmdq { .. } => Instrument::Rmdq,
            MeasureInput::Odi { .. } => Instrument::Odi,
            MeasureInput::Tsk17 { .. } => Instrument::Tsk17,
            MeasureInput::Tsk11 { .. } => Instrument::Tsk11,
            MeasureInput::Pcs { .. } => Instrument::Pcs,
            MeasureInput::Fabq { .. } => Instrument::Fabq,
            MeasureInput::StartBack { .. } => Instrument::StartBack,
            MeasureInput::PromisPf { .. } => Instrument::PromisPf,
            MeasureInput::FiveTimesSitToStand { .. } => Instrument::FiveTimesSitToStand,
            MeasureInput::TimedUpAndGo { .. } => Instrument::TimedUpAndGo,
            MeasureInput::ThirtySecondChairStand { .. } => Instrument::ThirtySecondChairStand,
            MeasureInput::SingleLegStance { .. } => Instrument::SingleLegStance,
            MeasureInput::GaitSpeed { .. } => Instrument::GaitSpeed,
            MeasureInput::Berg { .. } => Instrument::Berg,
            MeasureInput::FunctionalReach { .. } => Instrument::FunctionalReach,
        }
    }
}

/// A named part score (a subscale) of an instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscore {
    /// Subscale name, e.g. `rumination`.
    pub name: String,
    /// Subscale score in the instrument's units; `None` when its missing-item rule forbids it.
    pub value: Option<f64>,
}

/// The scored result of one administration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureScore {
    /// Which instrument.
    pub instrument: Instrument,
    /// The headline score in the instrument's units (points, %, s, m/s, cm, stands).
    pub value: f64,
    /// Unit of `value`.
    pub unit: &'static str,
    /// Subscales (PCS, FABQ, STarT Back, PSFS activities).
    pub subscores: Vec<Subscore>,
    /// Interpretation lines: bands, norms, cut-offs crossed, each naming its source.
    pub interpretation: Vec<String>,
    /// Number of missing items replaced by the instrument's rule (pro-rating or person mean).
    pub imputed_items: usize,
    /// Whether the score was pro-rated (RMDQ with 1-2 missing items, ODI with one section).
    pub prorated: bool,
    /// PROMIS only: the standard error supplied with the T-score.
    pub standard_error: Option<f64>,
}

impl MeasureScore {
    fn new(instrument: Instrument, value: f64, unit: &'static str) -> Self {
        Self {
            instrument,
            value,
            unit,
            subscores: Vec::new(),
            interpretation: Vec::new(),
            imputed_items: 0,
            prorated: false,
            standard_error: None,
        }
    }

    /// The named subscale, if present and scored.
    pub fn subscore(&self, name: &str) -> Option<f64> {
        self.subscores
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.value)
    }
}

/// Score one administration with the given settings (spec §1 rules; see each sub-module).
pub fn score(
    input: &MeasureInput,
    person: &PersonFacts,
    settings: &MeasureSettings,
) -> Result<MeasureScore> {
    use performance as p;
    use questionnaires as q;
    match input {
        MeasureInput::Nprs { value } => q::score_nprs(*value, &settings.nprs),
        MeasureInput::Psfs { activities } => q::score_psfs(activities),
        MeasureInput::Rmdq { answers } => q::score_rmdq(answers, &settings.rmdq),
        MeasureInput::Odi { sections } => q::score_odi(sections, &settings.odi),
        MeasureInput::Tsk17 { answers } => q::score_tsk17(answers, &settings.tsk),
        MeasureInput::Tsk11 { answers } => q::score_tsk11(answers, &settings.tsk),
        MeasureInput::Pcs { answers } => q::score_pcs(answers, &settings.pcs),
        MeasureInput::Fabq { answers } => q::score_fabq(answers, &settings.fabq),
        MeasureInput::StartBack {
            agree,
            bothersomeness,
        } => q::score_start_back(agree, *bothersomeness),
        MeasureInput::PromisPf { t_score, se } => q::score_promis_pf(*t_score, *se),
        MeasureInput::FiveTimesSitToStand { seconds } => {
            p::score_five_times_sit_to_stand(*seconds, person, &settings.five_times_sit_to_stand)
        }
        MeasureInput::TimedUpAndGo { seconds } => {
            p::score_timed_up_and_go(*seconds, person, &settings.timed_up_and_go)
        }
        MeasureInput::ThirtySecondChairStand { stands } => {
            p::score_chair_stand(*stands, person, &settings.chair_stand)
        }
        MeasureInput::SingleLegStance { trials_s, eyes } => {
            p::score_single_leg_stance(trials_s, *eyes, person, &settings.single_leg_stance)
        }
        MeasureInput::GaitSpeed { speed_m_s } => p::score_gait_speed(*speed_m_s),
        MeasureInput::Berg { items } => p::score_berg(items, &settings.berg),
        MeasureInput::FunctionalReach { reach_cm } => {
            p::score_functional_reach(*reach_cm, person, &settings.functional_reach)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_status_follows_the_spec_tables() {
        assert_eq!(Instrument::Odi.licence(), LicenceStatus::Licensed);
        assert_eq!(Instrument::PromisPf.licence(), LicenceStatus::Licensed);
        assert_eq!(Instrument::Rmdq.licence(), LicenceStatus::FreeScoringOnly);
        assert_eq!(Instrument::Pcs.licence(), LicenceStatus::FreeScoringOnly);
        assert_eq!(
            Instrument::StartBack.licence(),
            LicenceStatus::FreeScoringOnly
        );
        assert_eq!(Instrument::Tsk17.licence(), LicenceStatus::Free);
        assert_eq!(Instrument::Berg.licence(), LicenceStatus::Free);
    }

    #[test]
    fn no_item_text_is_shipped_for_non_free_instruments() {
        for instrument in Instrument::ALL {
            if instrument.licence() != LicenceStatus::Free {
                assert!(!instrument.item_text_shipped(), "{instrument:?}");
            }
        }
    }

    #[test]
    fn ids_round_trip() {
        assert_eq!(Instrument::from_id("TSK-11"), Some(Instrument::Tsk11));
        assert_eq!(
            Instrument::from_id("5xSTS"),
            Some(Instrument::FiveTimesSitToStand)
        );
        assert_eq!(
            Instrument::from_id("30s-CST"),
            Some(Instrument::ThirtySecondChairStand)
        );
        assert_eq!(
            Instrument::from_id("gait_speed"),
            Some(Instrument::GaitSpeed)
        );
        assert_eq!(Instrument::from_id("unknown"), None);
    }
}
