//! The TOML scenario format (documented in `docs/scenario-format.md`): a patient, a care
//! team, an assessment, goals, settings, a cue library, an exercise library, prescriptions
//! and a dated sequence of events, turned into a [`ProgrammeSetup`] and
//! [`ProgrammeEvent`]s. Parsing a string is pure; reading the file is the caller's job.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::assessment::{Assessment, Finding, FindingMeasure, PatternFinding};
use crate::engine::{CheckIn, OverrideAction, ProgrammeEvent, ProgrammeSetup};
use crate::error::{Error, Result};
use crate::exercise::{
    load_steps, range_steps, AxisState, Cue, CueLibrary, Dose, ExerciseFamily, ExerciseLevel,
    FeedbackKind, Focus, Prescription, ProgressionAxis,
};
use crate::feedback::FeedbackPolicy;
use crate::measures::{Bothersomeness, Eyes, Instrument, MeasureInput, PsfsRating};
use crate::patient::{CareTeamMember, Patient, PsfsGoal};
use crate::phase::Phase;
use crate::practice::PracticeStructure;
use crate::red_flags::{RedFlagAnswers, RedFlagQuestion};
use crate::session::{
    Activity, ExerciseLog, FaultObservation, PainRatings, QualityResult, QualityVerdict,
    SessionKind, SessionLog, Trial,
};
use crate::settings::ProgrammeSettings;
use crate::staircase::StaircaseRule;

/// A calendar date written either as a TOML date (`2025-01-07`) or a string
/// (`"2025-01-07"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Toml(toml::value::Datetime),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s,
            Raw::Toml(d) => d.to_string(),
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Date)
            .map_err(|e| {
                serde::de::Error::custom(format!("date `{text}`: {e}; expected YYYY-MM-DD"))
            })
    }
}

/// The whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, description and seed.
    pub scenario: ScenarioHeader,
    /// The patient.
    pub patient: Patient,
    /// The care team.
    #[serde(default)]
    pub care_team: Vec<CareTeamMember>,
    /// The initial assessment.
    pub assessment: Option<ScenarioAssessment>,
    /// PSFS goals.
    #[serde(default)]
    pub goals: Vec<ScenarioGoal>,
    /// Settings overriding the defaults (any field of [`ProgrammeSettings`]).
    #[serde(default)]
    pub settings: ProgrammeSettings,
    /// Programme start, phase and practice structure.
    pub programme: ScenarioProgramme,
    /// The cue library shared by the care team.
    #[serde(default)]
    pub cues: Vec<ScenarioCue>,
    /// The exercise library.
    #[serde(default)]
    pub library: Vec<ScenarioFamily>,
    /// The prescriptions.
    pub exercises: Vec<ScenarioExercise>,
    /// Dated events, in date order.
    #[serde(default)]
    pub events: Vec<ScenarioEvent>,
}

/// `[scenario]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioHeader {
    /// Name.
    pub name: String,
    /// What the scenario shows.
    #[serde(default)]
    pub description: String,
    /// Seed of every pseudo-random choice (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_seed() -> u64 {
    1
}

fn default_true() -> bool {
    true
}

/// `[assessment]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioAssessment {
    /// Date.
    pub date: Date,
    /// Who assessed.
    pub clinician: String,
    /// Findings.
    #[serde(default)]
    pub findings: Vec<ScenarioFinding>,
}

/// `[[assessment.findings]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFinding {
    /// `over_active`, `under_loaded` or `poorly_timed`.
    pub pattern: PatternFinding,
    /// Structure.
    pub structure: String,
    /// Task.
    pub task: String,
    /// Measures.
    #[serde(default)]
    pub measures: Vec<ScenarioFindingMeasure>,
}

/// A finding's measure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFindingMeasure {
    /// Name.
    pub name: String,
    /// Value.
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// Reference value.
    pub reference: Option<f64>,
    /// Source of the reference.
    pub source: Option<String>,
}

/// `[[goals]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioGoal {
    /// PSFS activity.
    pub activity: String,
    /// Baseline 0-10.
    pub baseline: f64,
    /// Target 0-10.
    pub target: f64,
    /// Target date.
    pub target_date: Date,
}

/// `[programme]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioProgramme {
    /// Start date; weekly pain trends count weeks from here.
    pub start: Date,
    /// Starting phase (default acquisition).
    #[serde(default)]
    pub phase: Phase,
    /// Starting practice structure (default blocked).
    #[serde(default)]
    pub practice_structure: PracticeStructure,
}

/// `[[cues]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioCue {
    /// Id.
    pub id: String,
    /// Words.
    pub text: String,
    /// `external` (default) or `internal`.
    #[serde(default)]
    pub focus: Focus,
    /// `kp` or `kr`.
    pub kind: FeedbackKind,
    /// Fault addressed.
    pub fault: Option<String>,
}

/// `[[library]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFamily {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Level 1-5 (§7.1).
    pub level: u8,
    /// Axes (§7.2).
    pub axes: Vec<ProgressionAxis>,
}

/// `[[exercises]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioExercise {
    /// Id used by session logs.
    pub id: String,
    /// Name.
    pub name: String,
    /// Library family id.
    pub family: String,
    /// Sets.
    pub sets: u32,
    /// Reps per set.
    pub reps: Option<u32>,
    /// Hold time, s.
    pub hold_s: Option<f64>,
    /// Tempo.
    pub tempo: Option<String>,
    /// Load, kg.
    pub load_kg: Option<f64>,
    /// Cue ids.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Feedback policy.
    #[serde(default)]
    pub feedback: FeedbackPolicy,
    /// Staircase rule, if used.
    pub staircase: Option<StaircaseRule>,
    /// Axes in priority order.
    #[serde(default)]
    pub axes: Vec<ScenarioAxis>,
}

/// `[[exercises.axes]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioAxis {
    /// Axis.
    pub axis: ProgressionAxis,
    /// Step labels, easiest first (generated for `range`, and for `load` from `start_kg` and
    /// `max_kg`, when omitted).
    pub steps: Option<Vec<String>>,
    /// Load axis: starting load, kg.
    pub start_kg: Option<f64>,
    /// Load axis: highest load, kg.
    pub max_kg: Option<f64>,
    /// Starting step index (default 0).
    #[serde(default)]
    pub current: usize,
    /// Locked by the clinician.
    #[serde(default)]
    pub locked: bool,
}

/// `[[events]]`, tagged by `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScenarioEvent {
    /// A session log.
    Session(ScenarioSession),
    /// A daily check-in.
    CheckIn {
        /// Date.
        date: Date,
        /// Morning pain in the programme's scale.
        pain: Option<f64>,
        /// New or changed symptoms.
        #[serde(default)]
        new_symptoms: bool,
        /// Note.
        #[serde(default)]
        note: String,
    },
    /// A red-flag screening.
    RedFlagScreening {
        /// Date.
        date: Date,
        /// Question ids answered yes, e.g. `["FX-1", "FX-3"]`.
        #[serde(default)]
        yes: Vec<String>,
        /// NEU-1 worsening over hours to days or in both legs.
        #[serde(default)]
        neu1_rapid_or_bilateral: bool,
        /// Sudden severe onset (FX-3 qualifier).
        #[serde(default)]
        sudden_severe_onset: bool,
    },
    /// Outcome measures.
    Reassessment {
        /// Date.
        date: Date,
        /// Measures.
        measures: Vec<ScenarioMeasure>,
    },
    /// A clinician override.
    Override {
        /// Date.
        date: Date,
        /// Clinician.
        by: String,
        /// Why.
        reason: String,
        /// Decision sequence number (as printed).
        decision: u32,
        /// `advance`, `hold` or `step_back`.
        action: OverrideAction,
    },
    /// A clinician clearance.
    Clearance {
        /// Date.
        date: Date,
        /// Clinician.
        by: String,
        /// Why.
        reason: String,
    },
    /// Lock or unlock an axis.
    LockAxis {
        /// Date.
        date: Date,
        /// Clinician.
        by: String,
        /// Exercise id.
        exercise: String,
        /// Axis.
        axis: ProgressionAxis,
        /// Lock (default true) or unlock.
        #[serde(default = "default_true")]
        locked: bool,
    },
    /// Set the phase.
    SetPhase {
        /// Date.
        date: Date,
        /// Clinician.
        by: String,
        /// Phase.
        phase: Phase,
        /// Why.
        reason: String,
    },
}

/// A session event.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSession {
    /// Date.
    pub date: Date,
    /// `practice` (default), `retention_probe` or `transfer_probe`.
    #[serde(default)]
    pub kind: SessionKind,
    /// `exercise` (default) or `sport`.
    #[serde(default)]
    pub activity: Activity,
    /// Supervised (default true).
    #[serde(default = "default_true")]
    pub supervised: bool,
    /// Pain ratings.
    pub pain: PainRatings,
    /// Effort 0-10.
    pub effort: Option<f64>,
    /// Adherence 0-1.
    pub adherence: Option<f64>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// Exercises done.
    #[serde(default)]
    pub exercises: Vec<ScenarioExerciseLog>,
}

/// `[[events.exercises]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioExerciseLog {
    /// Prescription id.
    pub id: String,
    /// Sets done (default: prescribed).
    pub sets: Option<u32>,
    /// Reps done (all sets).
    pub reps: u32,
    /// Successful reps.
    pub successes: u32,
    /// Quality.
    #[serde(default)]
    pub quality: ScenarioQuality,
    /// Per-trial outcomes (optional).
    #[serde(default)]
    pub trials: Vec<ScenarioTrial>,
}

/// Quality block.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ScenarioQuality {
    /// Score 0-100.
    pub score: Option<f64>,
    /// Verdict.
    #[serde(default)]
    pub verdict: QualityVerdict,
    /// Faults.
    #[serde(default)]
    pub faults: Vec<FaultObservation>,
}

/// A trial.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioTrial {
    /// Success.
    pub success: bool,
    /// Error, percent of target.
    #[serde(default)]
    pub error_pct: f64,
    /// Fault.
    pub fault: Option<String>,
    /// Safety-critical fault.
    #[serde(default)]
    pub safety_critical: bool,
    /// Learner asked for feedback.
    #[serde(default)]
    pub requested: bool,
}

/// `[[events.measures]]`: one instrument; which fields apply depends on `instrument`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioMeasure {
    /// Instrument id: nprs, psfs, rmdq, odi, tsk17, tsk11, pcs, fabq, start_back,
    /// promis_pf, 5xsts, tug, 30s_cst, sls, gait_speed, berg, frt.
    pub instrument: String,
    /// NPRS value.
    pub value: Option<f64>,
    /// PSFS activities.
    pub activities: Option<Vec<ScenarioPsfsActivity>>,
    /// Questionnaire answers in item order (RMDQ and STarT Back items 1-8: 1 = yes, 0 = no).
    pub answers: Option<Vec<i64>>,
    /// Item numbers (1-based) that are missing; their entries in `answers` are ignored.
    #[serde(default)]
    pub missing: Vec<usize>,
    /// STarT Back item 9.
    pub bothersomeness: Option<Bothersomeness>,
    /// PROMIS T-score.
    pub t_score: Option<f64>,
    /// PROMIS standard error.
    pub se: Option<f64>,
    /// Timed tests, s.
    pub seconds: Option<f64>,
    /// 30 s chair stand count.
    pub stands: Option<u32>,
    /// SLS trial times, s.
    pub trials_s: Option<Vec<f64>>,
    /// SLS eyes.
    #[serde(default)]
    pub eyes: Eyes,
    /// Gait speed, m/s.
    pub speed_m_s: Option<f64>,
    /// Gait: distance walked, m (with `seconds`).
    pub distance_m: Option<f64>,
    /// Functional reach, cm.
    pub reach_cm: Option<f64>,
}

/// A PSFS activity rating; omit `score` for an activity not rated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioPsfsActivity {
    /// Activity.
    pub activity: String,
    /// Score 0-10.
    pub score: Option<f64>,
}

fn invalid(location: impl Into<String>, message: impl Into<String>) -> Error {
    Error::ScenarioInvalid {
        location: location.into(),
        message: message.into(),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Scenario {
    /// Parse a scenario. Syntax and shape errors carry the line and column; consistency
    /// errors carry the TOML path (e.g. `events\[4\].exercises\[0\]`).
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((0, 0), |span| line_column(text, span.start));
            Error::ScenarioSyntax {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        scenario.settings.validate()?;
        scenario.setup()?;
        scenario.events()?;
        Ok(scenario)
    }

    /// The programme setup described by the scenario.
    pub fn setup(&self) -> Result<ProgrammeSetup> {
        let mut cue_ids = BTreeSet::new();
        for (i, c) in self.cues.iter().enumerate() {
            if !cue_ids.insert(c.id.clone()) {
                return Err(invalid(
                    format!("cues[{i}]"),
                    format!("duplicate cue id `{}`", c.id),
                ));
            }
        }
        let cues = CueLibrary {
            cues: self
                .cues
                .iter()
                .map(|c| Cue {
                    id: c.id.clone(),
                    text: c.text.clone(),
                    focus: c.focus,
                    kind: c.kind,
                    fault: c.fault.clone(),
                })
                .collect(),
        };
        let mut families = Vec::new();
        for (i, f) in self.library.iter().enumerate() {
            let level = ExerciseLevel::from_number(f.level).ok_or_else(|| {
                invalid(
                    format!("library[{i}].level"),
                    format!("{} is not a level 1-5 (§7.1)", f.level),
                )
            })?;
            families.push(ExerciseFamily {
                id: f.id.clone(),
                name: f.name.clone(),
                level,
                axes: f.axes.clone(),
            });
        }
        let mut ids = BTreeSet::new();
        let mut prescriptions = Vec::new();
        for (i, e) in self.exercises.iter().enumerate() {
            let loc = format!("exercises[{i}]");
            if !ids.insert(e.id.clone()) {
                return Err(invalid(&loc, format!("duplicate exercise id `{}`", e.id)));
            }
            let family = families.iter().find(|f| f.id == e.family).ok_or_else(|| {
                invalid(
                    format!("{loc}.family"),
                    format!("no library family `{}`", e.family),
                )
            })?;
            if e.reps.is_none() && e.hold_s.is_none() {
                return Err(invalid(&loc, "give `reps` or `hold_s`"));
            }
            for (j, c) in e.cues.iter().enumerate() {
                if !cue_ids.contains(c) {
                    return Err(invalid(
                        format!("{loc}.cues[{j}]"),
                        format!("no cue `{c}` in [[cues]]"),
                    ));
                }
            }
            let mut axes = Vec::new();
            for (j, a) in e.axes.iter().enumerate() {
                let aloc = format!("{loc}.axes[{j}]");
                if !a.axis.is_stepped_by_progression() {
                    return Err(invalid(
                        &aloc,
                        format!(
                            "the {} axis follows its own rule: set {} instead",
                            a.axis.name(),
                            if a.axis == ProgressionAxis::PracticeStructure {
                                "[programme] practice_structure (§4.4)"
                            } else {
                                "the exercise's feedback policy (§4.2)"
                            }
                        ),
                    ));
                }
                if !family.axes.contains(&a.axis) {
                    return Err(invalid(
                        &aloc,
                        format!(
                            "family `{}` does not progress along {}",
                            family.id,
                            a.axis.name()
                        ),
                    ));
                }
                let steps = match (&a.steps, a.axis) {
                    (Some(s), _) => s.clone(),
                    (None, ProgressionAxis::Range) => range_steps(self.settings.progression.range_step_pct),
                    (None, ProgressionAxis::Load) => match (a.start_kg.or(e.load_kg), a.max_kg) {
                        (Some(start), Some(max)) => {
                            load_steps(start, max, self.settings.progression.load_step_pct)
                        }
                        _ => {
                            return Err(invalid(&aloc, "load axis without `steps` needs `start_kg` (or the exercise's `load_kg`) and `max_kg`"))
                        }
                    },
                    (None, other) => {
                        return Err(invalid(&aloc, format!("give `steps` for the {} axis", other.name())))
                    }
                };
                if steps.is_empty() || a.current >= steps.len() {
                    return Err(invalid(
                        &aloc,
                        format!(
                            "current step {} outside the {} steps",
                            a.current,
                            steps.len()
                        ),
                    ));
                }
                axes.push(AxisState {
                    axis: a.axis,
                    steps,
                    current: a.current,
                    locked: a.locked,
                });
            }
            prescriptions.push(Prescription {
                id: e.id.clone(),
                name: e.name.clone(),
                family: family.id.clone(),
                level: family.level,
                dose: Dose {
                    sets: e.sets,
                    reps: e.reps,
                    hold_s: e.hold_s,
                    tempo: e.tempo.clone(),
                    load_kg: e.load_kg,
                },
                cues: e.cues.clone(),
                feedback: e.feedback.clone(),
                staircase: e.staircase,
                axes,
            });
        }
        Ok(ProgrammeSetup {
            patient: self.patient.clone(),
            care_team: self.care_team.clone(),
            goals: self
                .goals
                .iter()
                .map(|g| PsfsGoal {
                    activity: g.activity.clone(),
                    baseline: g.baseline,
                    target: g.target,
                    target_date: g.target_date.0,
                })
                .collect(),
            start: self.programme.start.0,
            phase: self.programme.phase,
            practice_structure: self.programme.practice_structure,
            cues,
            prescriptions,
            settings: self.settings.clone(),
            seed: self.scenario.seed,
        })
    }

    /// The assessment as a model value.
    pub fn assessment(&self) -> Option<Assessment> {
        self.assessment.as_ref().map(|a| Assessment {
            date: a.date.0,
            clinician: a.clinician.clone(),
            findings: a
                .findings
                .iter()
                .map(|f| Finding {
                    pattern: f.pattern,
                    structure: f.structure.clone(),
                    task: f.task.clone(),
                    measures: f
                        .measures
                        .iter()
                        .map(|m| FindingMeasure {
                            name: m.name.clone(),
                            value: m.value,
                            unit: m.unit.clone(),
                            reference: m.reference,
                            source: m.source.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// The events as engine events, checked for date order and references.
    pub fn events(&self) -> Result<Vec<ProgrammeEvent>> {
        let mut out = Vec::with_capacity(self.events.len());
        let mut previous: Option<NaiveDate> = None;
        for (i, e) in self.events.iter().enumerate() {
            let loc = format!("events[{i}]");
            let event = self.convert_event(e, &loc)?;
            let date = event.date();
            if date < self.programme.start.0 {
                return Err(invalid(
                    &loc,
                    format!(
                        "date {date} is before the programme start {}",
                        self.programme.start.0
                    ),
                ));
            }
            if let Some(p) = previous {
                if date < p {
                    return Err(invalid(&loc, format!("date {date} is before the previous event's {p}: events must be in date order")));
                }
            }
            previous = Some(date);
            out.push(event);
        }
        Ok(out)
    }

    fn prescription(&self, id: &str) -> Option<&ScenarioExercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    fn convert_event(&self, e: &ScenarioEvent, loc: &str) -> Result<ProgrammeEvent> {
        Ok(match e {
            ScenarioEvent::Session(s) => {
                let mut exercises = Vec::new();
                for (j, x) in s.exercises.iter().enumerate() {
                    let xloc = format!("{loc}.exercises[{j}]");
                    let p = self.prescription(&x.id).ok_or_else(|| {
                        invalid(
                            &xloc,
                            format!("no prescription `{}` in [[exercises]]", x.id),
                        )
                    })?;
                    if x.successes > x.reps {
                        return Err(invalid(
                            &xloc,
                            format!("successes {} > reps {}", x.successes, x.reps),
                        ));
                    }
                    if !x.trials.is_empty() && x.trials.len() != x.reps as usize {
                        return Err(invalid(
                            &xloc,
                            format!("{} trials listed for {} reps", x.trials.len(), x.reps),
                        ));
                    }
                    let listed = x.trials.iter().filter(|t| t.success).count();
                    if !x.trials.is_empty() && listed != x.successes as usize {
                        return Err(invalid(
                            &xloc,
                            format!(
                                "{listed} successful trials listed but successes = {}",
                                x.successes
                            ),
                        ));
                    }
                    exercises.push(ExerciseLog {
                        exercise: x.id.clone(),
                        sets_done: x.sets.unwrap_or(p.sets),
                        reps_done: x.reps,
                        successes: x.successes,
                        quality: QualityResult {
                            score: x.quality.score,
                            verdict: x.quality.verdict,
                            faults: x.quality.faults.clone(),
                        },
                        trials: x
                            .trials
                            .iter()
                            .map(|t| Trial {
                                success: t.success,
                                error_pct: t.error_pct,
                                fault: t.fault.clone(),
                                safety_critical: t.safety_critical,
                                requested_feedback: t.requested,
                            })
                            .collect(),
                    });
                }
                ProgrammeEvent::Session(SessionLog {
                    date: s.date.0,
                    kind: s.kind,
                    activity: s.activity,
                    supervised: s.supervised,
                    pain: s.pain,
                    effort: s.effort,
                    adherence: s.adherence,
                    notes: s.notes.clone(),
                    exercises,
                })
            }
            ScenarioEvent::CheckIn {
                date,
                pain,
                new_symptoms,
                note,
            } => ProgrammeEvent::CheckIn(CheckIn {
                date: date.0,
                pain: *pain,
                new_symptoms: *new_symptoms,
                note: note.clone(),
            }),
            ScenarioEvent::RedFlagScreening {
                date,
                yes,
                neu1_rapid_or_bilateral,
                sudden_severe_onset,
            } => {
                let mut set = BTreeSet::new();
                for (j, id) in yes.iter().enumerate() {
                    let q = RedFlagQuestion::from_id(id).ok_or_else(|| {
                        invalid(
                            format!("{loc}.yes[{j}]"),
                            format!("`{id}` is not a §3.2 question id (CES-1 … GEN-1)"),
                        )
                    })?;
                    set.insert(q);
                }
                ProgrammeEvent::RedFlagScreening {
                    date: date.0,
                    answers: RedFlagAnswers {
                        yes: set,
                        neu1_rapid_or_bilateral: *neu1_rapid_or_bilateral,
                        sudden_severe_onset: *sudden_severe_onset,
                    },
                }
            }
            ScenarioEvent::Reassessment { date, measures } => ProgrammeEvent::Reassessment {
                date: date.0,
                measures: measures
                    .iter()
                    .enumerate()
                    .map(|(j, m)| convert_measure(m, &format!("{loc}.measures[{j}]")))
                    .collect::<Result<Vec<_>>>()?,
            },
            ScenarioEvent::Override {
                date,
                by,
                reason,
                decision,
                action,
            } => ProgrammeEvent::Override {
                date: date.0,
                by: by.clone(),
                reason: reason.clone(),
                decision: *decision,
                action: *action,
            },
            ScenarioEvent::Clearance { date, by, reason } => ProgrammeEvent::Clearance {
                date: date.0,
                by: by.clone(),
                reason: reason.clone(),
            },
            ScenarioEvent::LockAxis {
                date,
                by,
                exercise,
                axis,
                locked,
            } => {
                let p = self.prescription(exercise).ok_or_else(|| {
                    invalid(
                        format!("{loc}.exercise"),
                        format!("no prescription `{exercise}`"),
                    )
                })?;
                if !p.axes.iter().any(|a| a.axis == *axis) {
                    return Err(invalid(
                        format!("{loc}.axis"),
                        format!("`{exercise}` has no {} axis", axis.name()),
                    ));
                }
                ProgrammeEvent::LockAxis {
                    date: date.0,
                    by: by.clone(),
                    exercise: exercise.clone(),
                    axis: *axis,
                    locked: *locked,
                }
            }
            ScenarioEvent::SetPhase {
                date,
                by,
                phase,
                reason,
            } => ProgrammeEvent::SetPhase {
                date: date.0,
                by: by.clone(),
                phase: *phase,
                reason: reason.clone(),
            },
        })
    }
}

fn convert_measure(m: &ScenarioMeasure, loc: &str) -> Result<MeasureInput> {
    let instrument = Instrument::from_id(&m.instrument).ok_or_else(|| {
        invalid(
            format!("{loc}.instrument"),
            format!("unknown instrument `{}`", m.instrument),
        )
    })?;
    let need = |field: &str| invalid(loc, format!("{} needs `{field}`", instrument.short_name()));
    let items = |count: usize| -> Result<Vec<Option<i64>>> {
        let answers = m.answers.as_ref().ok_or_else(|| need("answers"))?;
        if answers.len() != count {
            return Err(invalid(
                format!("{loc}.answers"),
                format!(
                    "{} has {count} items, found {}",
                    instrument.short_name(),
                    answers.len()
                ),
            ));
        }
        for item in &m.missing {
            if *item == 0 || *item > count {
                return Err(invalid(
                    format!("{loc}.missing"),
                    format!("item {item} is not 1-{count}"),
                ));
            }
        }
        Ok(answers
            .iter()
            .enumerate()
            .map(|(i, a)| (!m.missing.contains(&(i + 1))).then_some(*a))
            .collect())
    };
    let small = |v: Vec<Option<i64>>| -> Result<Vec<Option<u8>>> {
        v.into_iter()
            .enumerate()
            .map(|(i, a)| {
                a.map(|x| {
                    u8::try_from(x).map_err(|_| {
                        invalid(
                            format!("{loc}.answers[{i}]"),
                            format!("{x} is not a valid answer"),
                        )
                    })
                })
                .transpose()
            })
            .collect()
    };
    let yes_no = |v: Vec<Option<i64>>| -> Result<Vec<Option<bool>>> {
        v.into_iter()
            .enumerate()
            .map(|(i, a)| match a {
                None => Ok(None),
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                Some(x) => Err(invalid(
                    format!("{loc}.answers[{i}]"),
                    format!("{x}: use 1 for yes, 0 for no"),
                )),
            })
            .collect()
    };
    Ok(match instrument {
        Instrument::Nprs => MeasureInput::Nprs {
            value: m.value.ok_or_else(|| need("value"))?,
        },
        Instrument::Psfs => MeasureInput::Psfs {
            activities: m
                .activities
                .as_ref()
                .ok_or_else(|| need("activities"))?
                .iter()
                .map(|a| PsfsRating {
                    activity: a.activity.clone(),
                    score: a.score,
                })
                .collect(),
        },
        Instrument::Rmdq => MeasureInput::Rmdq {
            answers: yes_no(items(24)?)?,
        },
        Instrument::Odi => MeasureInput::Odi {
            sections: small(items(10)?)?,
        },
        Instrument::Tsk17 => MeasureInput::Tsk17 {
            answers: small(items(17)?)?,
        },
        Instrument::Tsk11 => MeasureInput::Tsk11 {
            answers: small(items(11)?)?,
        },
        Instrument::Pcs => MeasureInput::Pcs {
            answers: small(items(13)?)?,
        },
        Instrument::Fabq => MeasureInput::Fabq {
            answers: small(items(16)?)?,
        },
        Instrument::StartBack => MeasureInput::StartBack {
            agree: yes_no(items(8)?)?,
            bothersomeness: m.bothersomeness,
        },
        Instrument::PromisPf => MeasureInput::PromisPf {
            t_score: m.t_score.ok_or_else(|| need("t_score"))?,
            se: m.se,
        },
        Instrument::FiveTimesSitToStand => MeasureInput::FiveTimesSitToStand {
            seconds: m.seconds.ok_or_else(|| need("seconds"))?,
        },
        Instrument::TimedUpAndGo => MeasureInput::TimedUpAndGo {
            seconds: m.seconds.ok_or_else(|| need("seconds"))?,
        },
        Instrument::ThirtySecondChairStand => MeasureInput::ThirtySecondChairStand {
            stands: m.stands.ok_or_else(|| need("stands"))?,
        },
        Instrument::SingleLegStance => MeasureInput::SingleLegStance {
            trials_s: m.trials_s.clone().ok_or_else(|| need("trials_s"))?,
            eyes: m.eyes,
        },
        Instrument::GaitSpeed => MeasureInput::GaitSpeed {
            speed_m_s: match (m.speed_m_s, m.distance_m, m.seconds) {
                (Some(v), _, _) => v,
                (None, Some(d), Some(t)) => {
                    crate::measures::performance::gait_speed_from_walk(d, t)
                        .map_err(|e| invalid(loc, e.to_string()))?
                }
                _ => return Err(need("speed_m_s (or distance_m and seconds)")),
            },
        },
        Instrument::Berg => MeasureInput::Berg {
            items: small(items(14)?)?,
        },
        Instrument::FunctionalReach => MeasureInput::FunctionalReach {
            reach_cm: m.reach_cm.ok_or_else(|| need("reach_cm"))?,
        },
    })
}
