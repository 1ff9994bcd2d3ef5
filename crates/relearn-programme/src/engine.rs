//! The programme engine: a state machine that takes dated events (session logs, check-ins,
//! red-flag screenings, reassessments, clinician actions), applies every rule of the spec
//! and appends each decision to the [`DecisionLog`]. Pure: time comes with the events, the
//! only randomness is the seeded [`SplitMix64`].

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::decision_log::{DecisionEntry, DecisionKind, DecisionLog, DoseChange};
use crate::error::{Error, Result};
use crate::exercise::{CueLibrary, Prescription, ProgressionAxis};
use crate::feedback::{plan_feedback, FeedbackContext, FeedbackPlan, FeedbackSchedule};
use crate::flare_up::find_pain_rise;
use crate::measures::change::fmt_num;
use crate::measures::{
    classify_change, score, ChangeClass, Instrument, MeasureInput, MeasureScore, PersonFacts,
};
use crate::pain::{classify_pain, weekly_trend, PainResponse, TrafficLight};
use crate::patient::{CareRole, CareTeamMember, Patient, PsfsGoal};
use crate::phase::{
    acquisition_exit, consolidation_exit, maintenance_schedule, Phase, ProbeResult,
};
use crate::plateau::detect_plateau;
use crate::practice::{decide_structure, practice_order, PracticeStructure};
use crate::progression::{axis_to_advance, axis_to_step_back, judge, SessionEvidence, Verdict};
use crate::red_flags::{screen, EscalationLevel, RedFlagAnswers, SPA_NOTE};
use crate::rng::{label_hash, SplitMix64};
use crate::session::{Activity, SessionKind, SessionLog};
use crate::settings::ProgrammeSettings;
use crate::staircase::{run_staircase, StaircaseRun};

/// Within-session staircase bounds, steps either side of the prescribed difficulty
/// (*Relearn default*: the spec gives no bound).
pub const STAIRCASE_STEPS_EACH_WAY: i32 = 3;

/// Whether the programme may run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ProgrammeStatus {
    /// Sessions and progression allowed.
    Active,
    /// URGENT red flag: loading exercises suspended, progression blocked (§3.1).
    LoadingSuspended {
        /// Since when.
        since: NaiveDate,
        /// Why.
        reason: String,
    },
    /// EMERGENCY red flag: programme stopped, sessions blocked (§3.1).
    Stopped {
        /// Since when.
        since: NaiveDate,
        /// Why.
        reason: String,
    },
}

impl ProgrammeStatus {
    /// Short name.
    pub fn name(&self) -> &'static str {
        match self {
            ProgrammeStatus::Active => "active",
            ProgrammeStatus::LoadingSuspended { .. } => "loading suspended (URGENT)",
            ProgrammeStatus::Stopped { .. } => "stopped (EMERGENCY)",
        }
    }
}

/// What a clinician task is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// EMERGENCY red flag: contact the patient now.
    EmergencyReview,
    /// URGENT red flag: review within 24-48 h.
    UrgentReview,
    /// ROUTINE red flag or SpA note: review at the next visit.
    RoutineReview,
    /// Two red pain sessions in a row (§2.2).
    PainReview,
    /// Flare-up not resolving or recurring (§7.3 step 5).
    FlareUpReview,
    /// Plateau in an outcome measure.
    PlateauReview,
    /// Screen red flags (new symptoms, flare-up step 2).
    ScreenRedFlags,
    /// Re-test outcome measures (phase change, §7.3).
    RetestOutcomes,
}

/// A task raised for the clinician.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClinicianTask {
    /// Identifier, from 1.
    pub id: u32,
    /// Kind.
    pub kind: TaskKind,
    /// Raised on.
    pub raised: NaiveDate,
    /// Due by.
    pub due: Option<NaiveDate>,
    /// What to do and why.
    pub message: String,
    /// Resolved on, by whom.
    pub resolved: Option<(NaiveDate, String)>,
}

/// A daily check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    /// Date.
    pub date: NaiveDate,
    /// Morning NPRS 0-10 (in the programme's pain scale units).
    pub pain: Option<f64>,
    /// New or changed symptoms reported (§3.2 rule 4).
    pub new_symptoms: bool,
    /// Free note.
    pub note: String,
}

/// What a clinician override replaces a decision with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideAction {
    /// Advance one step.
    Advance,
    /// Keep the level (undo the original change).
    Hold,
    /// Step back one step.
    StepBack,
}

/// An event fed to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProgrammeEvent {
    /// A session log.
    Session(SessionLog),
    /// A daily check-in.
    CheckIn(CheckIn),
    /// A red-flag screening.
    RedFlagScreening {
        /// Date.
        date: NaiveDate,
        /// Answers.
        answers: RedFlagAnswers,
    },
    /// Outcome measures administered.
    Reassessment {
        /// Date.
        date: NaiveDate,
        /// Answers or measurements.
        measures: Vec<MeasureInput>,
    },
    /// A clinician overrides a decision.
    Override {
        /// Date.
        date: NaiveDate,
        /// Clinician.
        by: String,
        /// Why.
        reason: String,
        /// Decision overridden (sequence number).
        decision: u32,
        /// Replacement.
        action: OverrideAction,
    },
    /// A clinician clears a suspended or stopped programme.
    Clearance {
        /// Date.
        date: NaiveDate,
        /// Clinician.
        by: String,
        /// Why.
        reason: String,
    },
    /// A clinician locks or unlocks an axis.
    LockAxis {
        /// Date.
        date: NaiveDate,
        /// Clinician.
        by: String,
        /// Exercise id.
        exercise: String,
        /// Axis.
        axis: ProgressionAxis,
        /// Lock (true) or unlock.
        locked: bool,
    },
    /// A clinician sets the phase.
    SetPhase {
        /// Date.
        date: NaiveDate,
        /// Clinician.
        by: String,
        /// New phase.
        phase: Phase,
        /// Why.
        reason: String,
    },
}

impl ProgrammeEvent {
    /// Date of the event.
    pub fn date(&self) -> NaiveDate {
        match self {
            ProgrammeEvent::Session(s) => s.date,
            ProgrammeEvent::CheckIn(c) => c.date,
            ProgrammeEvent::RedFlagScreening { date, .. }
            | ProgrammeEvent::Reassessment { date, .. }
            | ProgrammeEvent::Override { date, .. }
            | ProgrammeEvent::Clearance { date, .. }
            | ProgrammeEvent::LockAxis { date, .. }
            | ProgrammeEvent::SetPhase { date, .. } => *date,
        }
    }

    /// Short name of the event type.
    pub fn type_name(&self) -> &'static str {
        match self {
            ProgrammeEvent::Session(_) => "session",
            ProgrammeEvent::CheckIn(_) => "check-in",
            ProgrammeEvent::RedFlagScreening { .. } => "red-flag screening",
            ProgrammeEvent::Reassessment { .. } => "reassessment",
            ProgrammeEvent::Override { .. } => "override",
            ProgrammeEvent::Clearance { .. } => "clearance",
            ProgrammeEvent::LockAxis { .. } => "axis lock",
            ProgrammeEvent::SetPhase { .. } => "phase set",
        }
    }
}

/// One exercise's state in the programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseState {
    /// The prescription, with the current axis positions.
    pub prescription: Prescription,
    /// Indices of axes advanced, oldest first (for "step back on the axis changed last").
    pub changes: Vec<usize>,
    /// Evidence since the last change (§7.2: hold the new step until the rule is met again).
    pub evidence: Vec<SessionEvidence>,
    /// Practice sessions done (for faded feedback and self-control).
    pub sessions_practised: u32,
    /// Practice repetitions done.
    pub reps_practised: u32,
    /// Share of the prescribed volume, 1 = full.
    pub volume_factor: f64,
    /// Date of the last practice session.
    pub last_practice: Option<NaiveDate>,
}

impl ExerciseState {
    fn new(prescription: Prescription) -> Self {
        Self {
            prescription,
            changes: Vec::new(),
            evidence: Vec::new(),
            sessions_practised: 0,
            reps_practised: 0,
            volume_factor: 1.0,
            last_practice: None,
        }
    }

    fn positions(&self) -> Vec<usize> {
        self.prescription.axes.iter().map(|a| a.current).collect()
    }

    /// Plain description of the current prescription.
    pub fn describe(&self) -> String {
        let d = &self.prescription.dose;
        let has = |axis: ProgressionAxis| self.prescription.axes.iter().any(|a| a.axis == axis);
        let mut parts = Vec::new();
        if !has(ProgressionAxis::Volume) {
            parts.push(match (d.reps, d.hold_s) {
                (Some(r), _) => format!("{} × {} reps", d.sets, r),
                (None, Some(h)) => format!("{} × {} s hold", d.sets, fmt_num(h)),
                (None, None) => format!("{} sets", d.sets),
            });
        }
        if let (Some(t), false) = (&d.tempo, has(ProgressionAxis::Speed)) {
            parts.push(format!("tempo {t}"));
        }
        if let (Some(l), false) = (d.load_kg, has(ProgressionAxis::Load)) {
            parts.push(format!("{} kg", fmt_num(l)));
        }
        for a in &self.prescription.axes {
            parts.push(format!(
                "{}: {}{}",
                a.axis.name(),
                a.current_label(),
                if a.locked { " (locked)" } else { "" }
            ));
        }
        if self.volume_factor < 1.0 {
            parts.push(format!(
                "volume at {} of prescribed",
                pct(self.volume_factor)
            ));
        }
        parts.join(", ")
    }

    fn reps_per_session(&self) -> u32 {
        let d = &self.prescription.dose;
        let reps = d.reps.unwrap_or(1);
        ((f64::from(d.sets * reps) * self.volume_factor).round() as u32).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FlareState {
    started: NaiveDate,
    reduced_until: NaiveDate,
    targets: Vec<(Vec<usize>, f64)>,
    review_requested: bool,
}

/// The per-exercise part of a session report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseSessionReport {
    /// Exercise id.
    pub exercise: String,
    /// Success rate 0-1.
    pub success: f64,
    /// Repetitions done.
    pub reps: u32,
    /// Feedback plan (absent when the exercise was not practised).
    pub feedback: Option<FeedbackPlan>,
    /// Staircase run, when the prescription uses one.
    pub staircase: Option<StaircaseRun>,
    /// Prescription after the session's decisions.
    pub prescription_after: String,
}

/// What a session produced besides decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionReport {
    /// Pain response (absent when the session was blocked or not monitored).
    pub pain: Option<PainResponse>,
    /// Per exercise.
    pub exercises: Vec<ExerciseSessionReport>,
    /// Practice structure for the next session.
    pub next_practice_structure: PracticeStructure,
    /// Order of repetitions for the next session.
    pub next_practice_order: Vec<String>,
}

/// What one event produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventOutcome {
    /// Decisions appended to the log by this event.
    pub decisions: Vec<DecisionEntry>,
    /// Session details, for session events.
    pub session: Option<SessionReport>,
}

/// Where one exercise stands, for the final state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseSnapshot {
    /// Exercise id.
    pub exercise: String,
    /// Current prescription in words.
    pub prescription: String,
    /// Practice sessions done.
    pub sessions_practised: u32,
}

/// The programme's state at a point in time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeSnapshot {
    /// Status.
    pub status: ProgrammeStatus,
    /// Phase.
    pub phase: Phase,
    /// Practice structure.
    pub practice_structure: PracticeStructure,
    /// Exercises.
    pub exercises: Vec<ExerciseSnapshot>,
    /// Open clinician tasks.
    pub open_tasks: Vec<ClinicianTask>,
    /// Whether a flare-up plan is running.
    pub flare_up_active: bool,
    /// Discharge date (entry to maintenance), if any.
    pub discharge: Option<NaiveDate>,
}

/// Everything needed to start a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeSetup {
    /// The patient.
    pub patient: Patient,
    /// The care team.
    pub care_team: Vec<CareTeamMember>,
    /// PSFS goals.
    pub goals: Vec<PsfsGoal>,
    /// Start date.
    pub start: NaiveDate,
    /// Starting phase.
    pub phase: Phase,
    /// Starting practice structure.
    pub practice_structure: PracticeStructure,
    /// The shared cue library.
    pub cues: CueLibrary,
    /// Prescriptions.
    pub prescriptions: Vec<Prescription>,
    /// Settings.
    pub settings: ProgrammeSettings,
    /// Seed of every pseudo-random choice.
    pub seed: u64,
}

/// The programme engine.
#[derive(Debug, Clone)]
pub struct ProgrammeEngine {
    settings: ProgrammeSettings,
    seed: u64,
    start: NaiveDate,
    patient: Patient,
    care_team: Vec<CareTeamMember>,
    goals: Vec<PsfsGoal>,
    cues: CueLibrary,
    exercises: Vec<ExerciseState>,
    phase: Phase,
    practice_structure: PracticeStructure,
    status: ProgrammeStatus,
    log: DecisionLog,
    tasks: Vec<ClinicianTask>,
    consecutive_reds: u32,
    red_run_snapshot: Option<Vec<(Vec<usize>, f64)>>,
    morning_pain: Vec<(NaiveDate, f64)>,
    checkins: Vec<(NaiveDate, f64)>,
    flare: Option<FlareState>,
    flare_starts: Vec<NaiveDate>,
    reassessments: BTreeMap<Instrument, Vec<(NaiveDate, MeasureScore)>>,
    latest_change: BTreeMap<Instrument, ChangeClass>,
    discharge: Option<NaiveDate>,
    events_seen: u64,
    pending: Vec<u32>,
}

fn pct(x: f64) -> String {
    format!("{} %", fmt_num(x * 100.0))
}

impl ProgrammeEngine {
    /// Start a programme. Fails when the settings are outside their allowed options.
    pub fn new(setup: ProgrammeSetup) -> Result<Self> {
        setup.settings.validate()?;
        Ok(Self {
            settings: setup.settings,
            seed: setup.seed,
            start: setup.start,
            patient: setup.patient,
            care_team: setup.care_team,
            goals: setup.goals,
            cues: setup.cues,
            exercises: setup
                .prescriptions
                .into_iter()
                .map(ExerciseState::new)
                .collect(),
            phase: setup.phase,
            practice_structure: setup.practice_structure,
            status: ProgrammeStatus::Active,
            log: DecisionLog::default(),
            tasks: Vec::new(),
            consecutive_reds: 0,
            red_run_snapshot: None,
            morning_pain: Vec::new(),
            checkins: Vec::new(),
            flare: None,
            flare_starts: Vec::new(),
            reassessments: BTreeMap::new(),
            latest_change: BTreeMap::new(),
            discharge: None,
            events_seen: 0,
            pending: Vec::new(),
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &ProgrammeSettings {
        &self.settings
    }

    /// The decision log.
    pub fn log(&self) -> &DecisionLog {
        &self.log
    }

    /// All clinician tasks, open and resolved.
    pub fn tasks(&self) -> &[ClinicianTask] {
        &self.tasks
    }

    /// Current status.
    pub fn status(&self) -> &ProgrammeStatus {
        &self.status
    }

    /// Current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The exercises' current state.
    pub fn exercises(&self) -> &[ExerciseState] {
        &self.exercises
    }

    /// A snapshot of the state.
    pub fn snapshot(&self) -> ProgrammeSnapshot {
        ProgrammeSnapshot {
            status: self.status.clone(),
            phase: self.phase,
            practice_structure: self.practice_structure,
            exercises: self
                .exercises
                .iter()
                .map(|e| ExerciseSnapshot {
                    exercise: e.prescription.id.clone(),
                    prescription: e.describe(),
                    sessions_practised: e.sessions_practised,
                })
                .collect(),
            open_tasks: self
                .tasks
                .iter()
                .filter(|t| t.resolved.is_none())
                .cloned()
                .collect(),
            flare_up_active: self.flare.is_some(),
            discharge: self.discharge,
        }
    }

    /// Apply one event and return the decisions it produced.
    pub fn apply(&mut self, event: &ProgrammeEvent) -> Result<EventOutcome> {
        self.events_seen += 1;
        self.pending.clear();
        let date = event.date();
        let session = match event {
            ProgrammeEvent::Session(log) => Some(self.on_session(log)?),
            ProgrammeEvent::CheckIn(c) => {
                self.on_checkin(c);
                None
            }
            ProgrammeEvent::RedFlagScreening { date, answers } => {
                self.on_screening(*date, answers);
                None
            }
            ProgrammeEvent::Reassessment { date, measures } => {
                self.on_reassessment(*date, measures);
                None
            }
            ProgrammeEvent::Override {
                date,
                by,
                reason,
                decision,
                action,
            } => {
                self.on_override(*date, by, reason, *decision, *action)?;
                None
            }
            ProgrammeEvent::Clearance { date, by, reason } => {
                self.on_clearance(*date, by, reason);
                None
            }
            ProgrammeEvent::LockAxis {
                date,
                by,
                exercise,
                axis,
                locked,
            } => {
                self.on_lock(*date, by, exercise, *axis, *locked)?;
                None
            }
            ProgrammeEvent::SetPhase {
                date,
                by,
                phase,
                reason,
            } => {
                let rationale = format!(
                    "{by} set the phase {} → {}: {reason}",
                    self.phase.name(),
                    phase.name()
                );
                self.change_phase(*date, *phase, rationale, by);
                None
            }
        };
        self.check_flare_deadline(date);
        let decisions = self
            .pending
            .iter()
            .filter_map(|s| self.log.get(*s).cloned())
            .collect();
        Ok(EventOutcome { decisions, session })
    }

    // ----- helpers ---------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn decide(
        &mut self,
        date: NaiveDate,
        kind: DecisionKind,
        exercise: Option<&str>,
        rule: &str,
        rationale: String,
        change: Option<DoseChange>,
        by: &str,
    ) -> u32 {
        let seq = self.log.append(DecisionEntry {
            seq: 0,
            date,
            kind,
            exercise: exercise.map(str::to_string),
            rule: rule.to_string(),
            rationale,
            change,
            overrides: None,
            by: by.to_string(),
        });
        self.pending.push(seq);
        seq
    }

    fn raise_task(
        &mut self,
        kind: TaskKind,
        raised: NaiveDate,
        due: Option<NaiveDate>,
        message: String,
    ) {
        let id = self.tasks.len() as u32 + 1;
        self.tasks.push(ClinicianTask {
            id,
            kind,
            raised,
            due,
            message,
            resolved: None,
        });
    }

    fn has_open_task(&self, kind: TaskKind, containing: &str) -> bool {
        self.tasks
            .iter()
            .any(|t| t.kind == kind && t.resolved.is_none() && t.message.contains(containing))
    }

    fn exercise_index(&self, id: &str) -> Result<usize> {
        self.exercises
            .iter()
            .position(|e| e.prescription.id == id)
            .ok_or_else(|| Error::ScenarioInvalid {
                location: format!("exercise `{id}`"),
                message: "no prescription with this id".into(),
            })
    }

    fn snapshot_positions(&self) -> Vec<(Vec<usize>, f64)> {
        self.exercises
            .iter()
            .map(|e| (e.positions(), e.volume_factor))
            .collect()
    }

    fn is_clinician(&self, name: &str) -> Option<bool> {
        self.care_team
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.role != CareRole::Trainer)
    }

    /// Step one exercise back: on the axis changed last, else reduce volume (§7.2, §2.2).
    fn step_back(&mut self, idx: usize) -> Option<DoseChange> {
        let factor = self.settings.progression.volume_reduction_factor;
        let ex = &mut self.exercises[idx];
        ex.evidence.clear();
        if let Some(ai) = axis_to_step_back(&ex.prescription.axes, &ex.changes) {
            let axis = &mut ex.prescription.axes[ai];
            let from_label = axis.current_label().to_string();
            let from = axis.current;
            axis.current -= 1;
            if let Some(pos) = ex.changes.iter().rposition(|c| *c == ai) {
                ex.changes.remove(pos);
            }
            return Some(DoseChange {
                axis_index: Some(ai),
                axis: Some(axis.axis),
                from: from as f64,
                to: axis.current as f64,
                description: format!(
                    "{}: {from_label} → {}",
                    axis.axis.name(),
                    axis.current_label()
                ),
            });
        }
        if ex.volume_factor >= 1.0 - 1e-9 {
            let from = ex.volume_factor;
            ex.volume_factor = from * factor;
            return Some(DoseChange {
                axis_index: None,
                axis: None,
                from,
                to: ex.volume_factor,
                description: format!("volume {} → {}", pct(from), pct(ex.volume_factor)),
            });
        }
        None
    }

    /// Advance one exercise one step: restore reduced volume first, else the first unlocked
    /// axis in order (§7.2).
    fn advance(&mut self, idx: usize) -> Option<DoseChange> {
        let ex = &mut self.exercises[idx];
        ex.evidence.clear();
        if ex.volume_factor < 1.0 - 1e-9 {
            let from = ex.volume_factor;
            ex.volume_factor = 1.0;
            return Some(DoseChange {
                axis_index: None,
                axis: None,
                from,
                to: 1.0,
                description: format!("volume {} → 100 %", pct(from)),
            });
        }
        let ai = axis_to_advance(&ex.prescription.axes)?;
        let axis = &mut ex.prescription.axes[ai];
        let from_label = axis.current_label().to_string();
        let from = axis.current;
        axis.current += 1;
        ex.changes.push(ai);
        Some(DoseChange {
            axis_index: Some(ai),
            axis: Some(axis.axis),
            from: from as f64,
            to: axis.current as f64,
            description: format!(
                "{}: {from_label} → {}",
                axis.axis.name(),
                axis.current_label()
            ),
        })
    }

    /// One rebuild step towards the pre-flare-up positions (§7.3 step 4).
    fn rebuild_step(&mut self, idx: usize, target: &(Vec<usize>, f64)) -> Option<DoseChange> {
        let ex = &mut self.exercises[idx];
        ex.evidence.clear();
        if ex.volume_factor < target.1 - 1e-9 {
            let from = ex.volume_factor;
            ex.volume_factor = target.1;
            return Some(DoseChange {
                axis_index: None,
                axis: None,
                from,
                to: target.1,
                description: format!("volume {} → {}", pct(from), pct(target.1)),
            });
        }
        let ai = ex
            .prescription
            .axes
            .iter()
            .enumerate()
            .position(|(i, a)| target.0.get(i).is_some_and(|t| a.current < *t))?;
        let axis = &mut ex.prescription.axes[ai];
        let from_label = axis.current_label().to_string();
        let from = axis.current;
        axis.current += 1;
        ex.changes.push(ai);
        Some(DoseChange {
            axis_index: Some(ai),
            axis: Some(axis.axis),
            from: from as f64,
            to: axis.current as f64,
            description: format!(
                "{}: {from_label} → {}",
                axis.axis.name(),
                axis.current_label()
            ),
        })
    }

    fn at_targets(&self, targets: &[(Vec<usize>, f64)]) -> bool {
        self.exercises.iter().zip(targets).all(|(e, t)| {
            e.volume_factor >= t.1 - 1e-9
                && e.prescription
                    .axes
                    .iter()
                    .zip(&t.0)
                    .all(|(a, target)| a.current >= *target || a.locked)
        })
    }

    fn progression_block(&self) -> Option<String> {
        match &self.status {
            ProgrammeStatus::Active => None,
            ProgrammeStatus::LoadingSuspended { since, reason } => Some(format!(
                "URGENT red flag open since {since} ({reason}): progression blocked until a clinician clears it (§3.1)"
            )),
            ProgrammeStatus::Stopped { since, reason } => Some(format!(
                "EMERGENCY red flag since {since} ({reason}): programme stopped until a clinician clears it (§3.1)"
            )),
        }
    }

    // ----- sessions --------------------------------------------------------------------

    fn on_session(&mut self, log: &SessionLog) -> Result<SessionReport> {
        let date = log.date;
        for e in &log.exercises {
            self.exercise_index(&e.exercise)?;
        }
        let mut report = SessionReport {
            pain: None,
            exercises: Vec::new(),
            next_practice_structure: self.practice_structure,
            next_practice_order: Vec::new(),
        };
        if let ProgrammeStatus::Stopped { since, .. } = &self.status {
            let since = *since;
            self.decide(
                date,
                DecisionKind::SessionBlocked,
                None,
                "§3.1 EMERGENCY",
                format!(
                    "programme stopped by an EMERGENCY red flag on {since}: no session is released until a clinician clears it (§3.1)"
                ),
                None,
                "engine",
            );
            return Ok(report);
        }
        if log.activity == Activity::Sport && !self.settings.pain.return_to_sport_mode {
            self.decide(
                date,
                DecisionKind::Note,
                None,
                "§2.3 return_to_sport_mode",
                "sport session recorded; sport sessions are pain-monitored only in return-to-sport mode (§2.3, Silbernagel & Crossley 2015 [57])".into(),
                None,
                "engine",
            );
            return Ok(report);
        }

        // Pain (§2.2).
        let trend = weekly_trend(&self.morning_pain, self.start, date, &self.settings.pain);
        let pain = classify_pain(&log.pain, trend, &self.settings.pain).map_err(|e| {
            Error::ScenarioInvalid {
                location: format!("session {date}: pain"),
                message: e.to_string(),
            }
        })?;
        if let Some(m) = log.pain.next_morning {
            self.morning_pain.push((date + Duration::days(1), m));
        }
        let light = pain.light;
        self.decide(
            date,
            DecisionKind::PainLight,
            None,
            "§2.2 traffic light",
            format!(
                "{}{}{}: {}",
                light.name(),
                if pain.provisional {
                    " (provisional)"
                } else {
                    ""
                },
                if log.activity == Activity::Sport {
                    " for a sport session (return-to-sport mode)"
                } else {
                    ""
                },
                pain.reasons.join("; ")
            ),
            None,
            "engine",
        );
        let mut flare_started_now = false;
        if light == TrafficLight::Red {
            if self.consecutive_reds == 0 {
                self.red_run_snapshot = Some(self.snapshot_positions());
            }
            self.consecutive_reds += 1;
            if self.consecutive_reds == self.settings.pain.reds_in_a_row_for_review {
                let msg = format!(
                    "{} red pain sessions in a row (latest {date}): clinician review (§2.2)",
                    self.consecutive_reds
                );
                self.raise_task(TaskKind::PainReview, date, None, msg.clone());
                self.decide(
                    date,
                    DecisionKind::ClinicianReview,
                    None,
                    "§2.2 two reds",
                    msg,
                    None,
                    "engine",
                );
            }
            if self.consecutive_reds == self.settings.flare_up.consecutive_reds
                && self.flare.is_none()
            {
                let targets = self
                    .red_run_snapshot
                    .clone()
                    .unwrap_or_else(|| self.snapshot_positions());
                let reason = format!(
                    "{} red sessions in a row (§7.3 step 1)",
                    self.consecutive_reds
                );
                self.start_flare_up(date, targets, &reason);
                flare_started_now = true;
            }
        } else {
            self.consecutive_reds = 0;
            self.red_run_snapshot = None;
        }

        if log.activity == Activity::Sport && light != TrafficLight::Green {
            // Return-to-sport mode: the sport load itself is what the light judges; a
            // non-green sport session restarts the exercise evidence so no exercise advances
            // on the back of it (§2.2, Silbernagel & Crossley 2015 [57]).
            for idx in 0..self.exercises.len() {
                self.exercises[idx].evidence.clear();
                let id = self.exercises[idx].prescription.id.clone();
                self.decide(
                    date,
                    DecisionKind::Hold,
                    Some(&id),
                    "§2.2 return-to-sport mode",
                    format!(
                        "{} light after a sport session: {} and hold this exercise; progression evidence restarts (§2.2, §2.3, [57])",
                        light.name(),
                        if light == TrafficLight::Red { "step the sport activity back one stage" } else { "keep the sport activity at its current stage" }
                    ),
                    None,
                    "engine",
                );
            }
        }
        let block = self.progression_block();
        let loading_suspended = matches!(self.status, ProgrammeStatus::LoadingSuspended { .. });
        let session_no = self.events_seen;
        for ex_log in &log.exercises {
            let idx = self.exercise_index(&ex_log.exercise)?;
            let id = ex_log.exercise.clone();
            let level = self.exercises[idx].prescription.level;
            if loading_suspended && level.is_loading() {
                self.decide(
                    date,
                    DecisionKind::Pause,
                    Some(&id),
                    "§3.1 URGENT",
                    format!(
                        "{:?} {} is a loading exercise: suspended while an URGENT red flag is open; the log is kept but not used (§3.1)",
                        level,
                        level.description()
                    ),
                    None,
                    "engine",
                );
                report.exercises.push(ExerciseSessionReport {
                    exercise: id,
                    success: ex_log.success_rate(),
                    reps: ex_log.reps_done,
                    feedback: None,
                    staircase: None,
                    prescription_after: self.exercises[idx].describe(),
                });
                continue;
            }
            let success = ex_log.success_rate();
            // Probe checks (§4.3).
            if log.kind.is_probe() {
                let expected = self.settings.progression.probe_repetitions;
                if ex_log.reps_done != expected {
                    self.decide(
                        date,
                        DecisionKind::Note,
                        Some(&id),
                        "§4.3 retention probe",
                        format!(
                            "probe of {} repetitions; the protocol is {expected} (§4.3 Relearn default): compare probes of equal length",
                            ex_log.reps_done
                        ),
                        None,
                        "engine",
                    );
                }
                let last = self.exercises[idx].last_practice;
                if last.is_some_and(|d| (date - d).num_days() < 1) {
                    self.decide(
                        date,
                        DecisionKind::Note,
                        Some(&id),
                        "§4.3 retention probe",
                        "probe taken less than 24 h after the last practice: retention is not established, interpret with care (§4.3)".into(),
                        None,
                        "engine",
                    );
                }
            }
            // Feedback (§4.1-§4.3).
            let state = &self.exercises[idx];
            let schedule = match state.prescription.feedback.schedule {
                FeedbackSchedule::Auto => self.phase.default_schedule(log.supervised),
                s => s,
            };
            let stream = session_no.wrapping_mul(0x9E37_79B9) ^ label_hash(&id);
            let mut rng = SplitMix64::for_stream(self.seed, stream);
            let bandwidth = if state.prescription.feedback.fine_task {
                self.settings.feedback.fine_bandwidth_pct
            } else {
                self.settings.feedback.bandwidth_pct
            };
            let trials = ex_log.trials_or_synthesised(
                &mut rng,
                bandwidth,
                self.settings.feedback.synthetic_request_probability,
            );
            let ctx = FeedbackContext {
                policy: &state.prescription.feedback,
                schedule,
                probe: log.kind.is_probe(),
                sessions_before: state.sessions_practised,
                reps_before: state.reps_practised,
                sets: ex_log.sets_done.max(1),
                allow_internal: self.phase.allows_internal_cues() && state.sessions_practised == 0,
                no_live_feedback: self.phase.withdraws_live_feedback(),
                cue_ids: &state.prescription.cues,
                cues: &self.cues,
            };
            let plan = plan_feedback(&ctx, &trials, &self.settings.feedback, &mut rng);
            let staircase = state
                .prescription
                .staircase
                .filter(|_| !log.kind.is_probe())
                .map(|rule| {
                    let outcomes: Vec<bool> = trials.iter().map(|t| t.success).collect();
                    run_staircase(
                        rule,
                        &outcomes,
                        -STAIRCASE_STEPS_EACH_WAY,
                        STAIRCASE_STEPS_EACH_WAY,
                    )
                });
            let feedback_rationale = self.describe_feedback(&plan, log.kind);
            self.decide(
                date,
                DecisionKind::Feedback,
                Some(&id),
                "§4.1-§4.3 feedback",
                feedback_rationale,
                None,
                "engine",
            );
            if let Some(run) = &staircase {
                self.decide(
                    date,
                    DecisionKind::Staircase,
                    Some(&id),
                    "§4.5 challenge-point staircase",
                    format!(
                        "{}: {} harder and {} easier steps, ending at {:+} (converges on {} success, Levitt 1971 [92]; target 70-85 %, Guadagnoli & Lee 2004 [90])",
                        run.rule.name(),
                        run.harder_steps,
                        run.easier_steps,
                        run.final_level,
                        pct(run.target_success)
                    ),
                    None,
                    "engine",
                );
            }
            // Evidence and counters.
            {
                let state = &mut self.exercises[idx];
                state.evidence.push(SessionEvidence {
                    date,
                    kind: log.kind,
                    success,
                    pain: light,
                    provisional: pain.provisional,
                    quality_within_limits: ex_log.quality.within_limits(),
                });
                if log.kind == SessionKind::Practice {
                    state.sessions_practised += 1;
                    state.reps_practised += ex_log.reps_done;
                    state.last_practice = Some(date);
                }
            }
            // Progression (§4.5, §7.2, §7.3 flare-up plan).
            self.progress_exercise(
                idx,
                date,
                light,
                pain.provisional,
                block.as_deref(),
                flare_started_now,
            );
            report.exercises.push(ExerciseSessionReport {
                exercise: id,
                success,
                reps: ex_log.reps_done,
                feedback: Some(plan),
                staircase,
                prescription_after: self.exercises[idx].describe(),
            });
        }
        self.resolve_flare_if_done(date);

        // Practice structure (§4.4).
        if let (Some(overall), SessionKind::Practice) = (log.overall_success_rate(), log.kind) {
            let decision =
                decide_structure(self.practice_structure, overall, &self.settings.practice);
            let harder = decision.to > decision.from;
            if harder && (light != TrafficLight::Green || block.is_some()) {
                self.decide(
                    date,
                    DecisionKind::PracticeStructure,
                    None,
                    "§4.4 practice structure",
                    format!(
                        "success {} would move {} → {}, but pain is {}{}: keep {} (no progression on a non-green day or with an open red flag)",
                        pct(overall),
                        decision.from.name(),
                        decision.to.name(),
                        light.name(),
                        block.as_deref().map(|_| " and a red flag is open").unwrap_or(""),
                        decision.from.name()
                    ),
                    None,
                    "engine",
                );
            } else {
                self.practice_structure = decision.to;
                self.decide(
                    date,
                    DecisionKind::PracticeStructure,
                    None,
                    "§4.4 practice structure",
                    decision.rationale,
                    None,
                    "engine",
                );
            }
        }
        // Phase exits (§7.3).
        self.check_phase_exit(log, light);

        report.next_practice_structure = self.practice_structure;
        let tasks: Vec<(String, u32)> = self
            .exercises
            .iter()
            .map(|e| (e.prescription.id.clone(), e.reps_per_session()))
            .collect();
        let mut rng = SplitMix64::for_stream(self.seed, session_no ^ 0x5052_4143_5449_4345);
        report.next_practice_order = practice_order(self.practice_structure, &tasks, &mut rng);
        report.pain = Some(pain);
        Ok(report)
    }

    fn describe_feedback(&self, plan: &FeedbackPlan, kind: SessionKind) -> String {
        let n = plan.trials.len();
        if kind.is_probe() {
            return format!(
                "{} probe: no augmented feedback on any of {n} trials (§4.3)",
                if kind == SessionKind::RetentionProbe {
                    "retention"
                } else {
                    "transfer"
                }
            );
        }
        let given = plan.given();
        let kp = plan
            .trials
            .iter()
            .filter(|t| t.kind == Some(crate::exercise::FeedbackKind::Kp))
            .count();
        let mut s = format!(
            "{} schedule{}: feedback after {given} of {n} trials ({}; KP {kp}, KR {})",
            plan.schedule.name(),
            if plan.self_controlled_active {
                " with self-controlled requests"
            } else {
                ""
            },
            if n == 0 {
                "-".to_string()
            } else {
                pct(given as f64 / n as f64)
            },
            given - kp
        );
        if let Some((a, b)) = plan.scheduled_frequency {
            s.push_str(&format!(
                "; faded frequency {} → {} (100 % → 25 % over 4 sessions or 200 reps, §4.2)",
                pct(a),
                pct(b)
            ));
        }
        if given > 0 {
            s.push_str(&format!(
                "; each after an error-estimation prompt and ≥ {} s delay (§4.3)",
                fmt_num(self.settings.feedback.min_delay_s)
            ));
        }
        if !plan.sets.is_empty() {
            let live: Vec<String> = plan
                .sets
                .iter()
                .filter(|s| s.live)
                .map(|s| s.set.to_string())
                .collect();
            s.push_str(&format!(
                "; live feedback on set(s) {} of {} (withdrawal of concurrent feedback, §4.3)",
                if live.is_empty() {
                    "none".to_string()
                } else {
                    live.join(", ")
                },
                plan.sets.len()
            ));
        }
        s
    }

    fn progress_exercise(
        &mut self,
        idx: usize,
        date: NaiveDate,
        light: TrafficLight,
        provisional: bool,
        block: Option<&str>,
        flare_started_now: bool,
    ) {
        let id = self.exercises[idx].prescription.id.clone();
        let id = id.as_str();
        if flare_started_now {
            let change = self.step_back(idx);
            let (kind, text) = match &change {
                Some(c) if c.axis.is_some() => (
                    DecisionKind::StepBack,
                    format!("drop one level ({})", c.description),
                ),
                Some(c) => (
                    DecisionKind::ReduceVolume,
                    format!("reduce volume ({})", c.description),
                ),
                None => (
                    DecisionKind::Hold,
                    "no level left to drop and volume already reduced".to_string(),
                ),
            };
            self.decide(
                date,
                kind,
                Some(id),
                "§7.3 flare-up plan step 3",
                format!(
                    "flare-up: {text} for {} days; keep moving within amber limits (§7.3)",
                    self.settings.flare_up.reduced_days
                ),
                change,
                "engine",
            );
            return;
        }
        if let Some(why) = block {
            self.decide(
                date,
                DecisionKind::Pause,
                Some(id),
                "§3.1 red flag",
                why.to_string(),
                None,
                "engine",
            );
            return;
        }
        if let Some(flare) = self.flare.clone() {
            if light == TrafficLight::Red {
                let change = self.step_back(idx);
                let kind = if change.as_ref().is_some_and(|c| c.axis.is_none()) {
                    DecisionKind::ReduceVolume
                } else {
                    DecisionKind::StepBack
                };
                self.decide(
                    date,
                    kind,
                    Some(id),
                    "§2.2 red during a flare-up",
                    format!(
                        "pain red during the flare-up plan: step back ({}) (§2.2, §7.3)",
                        change
                            .as_ref()
                            .map_or("nothing left to reduce", |c| c.description.as_str())
                    ),
                    change,
                    "engine",
                );
                return;
            }
            if date < flare.reduced_until {
                self.decide(
                    date,
                    DecisionKind::Hold,
                    Some(id),
                    "§7.3 flare-up plan step 3",
                    format!(
                        "flare-up plan: reduced dose until {} ({} days from {}); hold (§7.3)",
                        flare.reduced_until, self.settings.flare_up.reduced_days, flare.started
                    ),
                    None,
                    "engine",
                );
                return;
            }
            if light == TrafficLight::Green
                && (!provisional || self.settings.progression.advance_on_provisional_green)
            {
                let target = flare.targets.get(idx).cloned().unwrap_or_default();
                match self.rebuild_step(idx, &target) {
                    Some(change) => {
                        self.decide(
                            date,
                            DecisionKind::FlareUpRebuild,
                            Some(id),
                            "§7.3 flare-up plan step 4",
                            format!(
                                "green session after the reduced days: rebuild one step ({}) towards the pre-flare-up level (§7.3)",
                                change.description
                            ),
                            Some(change),
                            "engine",
                        );
                    }
                    None => {
                        self.decide(
                            date,
                            DecisionKind::Hold,
                            Some(id),
                            "§7.3 flare-up plan step 4",
                            "already back at the pre-flare-up level for this exercise; hold until the others are rebuilt".into(),
                            None,
                            "engine",
                        );
                    }
                }
            } else {
                self.decide(
                    date,
                    DecisionKind::Hold,
                    Some(id),
                    "§7.3 flare-up plan step 4",
                    format!(
                        "pain {}{}: rebuild only after a green session; hold (§7.3)",
                        light.name(),
                        if provisional { " (provisional)" } else { "" }
                    ),
                    None,
                    "engine",
                );
            }
            return;
        }
        let judgement = judge(&self.exercises[idx].evidence, &self.settings.progression);
        match judgement.verdict {
            Verdict::Hold => {
                self.decide(
                    date,
                    DecisionKind::Hold,
                    Some(id),
                    "§4.5 hold",
                    judgement.rationale,
                    None,
                    "engine",
                );
            }
            Verdict::Advance => match self.advance(idx) {
                Some(change) => {
                    self.decide(
                        date,
                        DecisionKind::Advance,
                        Some(id),
                        "§4.5 advance, §7.2 one axis at a time",
                        format!("{}; {}", judgement.rationale, change.description),
                        Some(change),
                        "engine",
                    );
                }
                None => {
                    self.decide(
                        date,
                        DecisionKind::Hold,
                        Some(id),
                        "§7.2 axes",
                        format!(
                            "{}; but every axis is at its last step or locked: hold and consider the next §7.1 level",
                            judgement.rationale
                        ),
                        None,
                        "engine",
                    );
                }
            },
            Verdict::StepBack => {
                let change = self.step_back(idx);
                let kind = match &change {
                    Some(c) if c.axis.is_some() => DecisionKind::StepBack,
                    Some(_) => DecisionKind::ReduceVolume,
                    None => DecisionKind::Hold,
                };
                let tail = change.as_ref().map_or(
                    "no axis to step back and volume already reduced: hold at the lowest dose"
                        .to_string(),
                    |c| {
                        if c.axis.is_some() {
                            format!("step back on the axis changed last ({})", c.description)
                        } else {
                            format!("no axis changed yet: reduce volume ({})", c.description)
                        }
                    },
                );
                self.decide(
                    date,
                    kind,
                    Some(id),
                    "§4.5 step back, §7.2 axis changed last",
                    format!("{}; {tail}", judgement.rationale),
                    change,
                    "engine",
                );
            }
        }
    }

    // ----- flare-ups (§7.3) ------------------------------------------------------------

    fn start_flare_up(&mut self, date: NaiveDate, targets: Vec<(Vec<usize>, f64)>, reason: &str) {
        let s = &self.settings.flare_up;
        let reduced_until = date + Duration::days(s.reduced_days);
        self.flare = Some(FlareState {
            started: date,
            reduced_until,
            targets,
            review_requested: false,
        });
        self.flare_starts.push(date);
        let window = s.recurrence_window_days;
        let recent = self
            .flare_starts
            .iter()
            .filter(|d| (date - **d).num_days() < window)
            .count();
        let limit = s.recurrence_limit;
        self.decide(
            date,
            DecisionKind::FlareUp,
            None,
            "§7.3 flare-up plan",
            format!(
                "flare-up: {reason}. Plan: screen red flags first (step 2); drop one level or reduce volume by 50 % until {reduced_until} (step 3); rebuild one step per green session (step 4); review if not back within {} days (step 5)",
                s.recovery_deadline_days
            ),
            None,
            "engine",
        );
        self.raise_task(
            TaskKind::ScreenRedFlags,
            date,
            Some(date),
            format!("flare-up on {date}: screen red flags first (§7.3 step 2)"),
        );
        if recent > limit {
            let msg = format!(
                "{recent} flare-ups within {window} days (more than {limit}): clinician review (§7.3 step 5)"
            );
            self.raise_task(TaskKind::FlareUpReview, date, None, msg.clone());
            self.decide(
                date,
                DecisionKind::ClinicianReview,
                None,
                "§7.3 step 5 recurrence",
                msg,
                None,
                "engine",
            );
        }
    }

    fn resolve_flare_if_done(&mut self, date: NaiveDate) {
        let Some(flare) = &self.flare else { return };
        if date < flare.reduced_until {
            return;
        }
        if self.at_targets(&flare.targets.clone()) {
            let started = flare.started;
            self.flare = None;
            self.decide(
                date,
                DecisionKind::FlareUpResolved,
                None,
                "§7.3 flare-up plan step 4",
                format!(
                    "back at the pre-flare-up level {} days after the flare-up of {started}: plan closed, normal progression rules resume (§7.3)",
                    (date - started).num_days()
                ),
                None,
                "engine",
            );
        }
    }

    fn check_flare_deadline(&mut self, date: NaiveDate) {
        let deadline = self.settings.flare_up.recovery_deadline_days;
        let Some(flare) = self.flare.as_mut() else {
            return;
        };
        if flare.review_requested || (date - flare.started).num_days() <= deadline {
            return;
        }
        flare.review_requested = true;
        let msg = format!(
            "flare-up of {} not back to the previous level within {deadline} days: clinician review (§7.3 step 5)",
            flare.started
        );
        self.raise_task(TaskKind::FlareUpReview, date, None, msg.clone());
        self.decide(
            date,
            DecisionKind::ClinicianReview,
            None,
            "§7.3 step 5",
            msg,
            None,
            "engine",
        );
    }

    // ----- check-ins ------------------------------------------------------------------

    fn on_checkin(&mut self, c: &CheckIn) {
        if let Some(p) = c.pain {
            self.morning_pain.push((c.date, p));
            self.checkins
                .push((c.date, self.settings.pain.scale.to_ten_point(p)));
            self.checkins.sort_by_key(|(d, _)| *d);
            if self.flare.is_none() {
                if let Some(rise) = find_pain_rise(&self.checkins, &self.settings.flare_up) {
                    let reason = rise.rationale(&self.settings.flare_up);
                    let targets = self.snapshot_positions();
                    self.start_flare_up(c.date, targets, &reason);
                    for idx in 0..self.exercises.len() {
                        self.progress_exercise(idx, c.date, TrafficLight::Amber, false, None, true);
                    }
                }
            }
        }
        if c.new_symptoms {
            let msg = format!(
                "new or changed symptoms reported on {}{}: screen red flags before the next session (§3.2 rule 4)",
                c.date,
                if c.note.is_empty() { String::new() } else { format!(" (\"{}\")", c.note) }
            );
            self.raise_task(TaskKind::ScreenRedFlags, c.date, Some(c.date), msg.clone());
            self.decide(
                c.date,
                DecisionKind::ClinicianReview,
                None,
                "§3.2 rule 4",
                msg,
                None,
                "engine",
            );
        }
    }

    // ----- red flags (§3) -------------------------------------------------------------

    fn on_screening(&mut self, date: NaiveDate, answers: &RedFlagAnswers) {
        let result = screen(answers, &self.settings.red_flags);
        // A screening done resolves "screen red flags" tasks.
        for t in self.tasks.iter_mut() {
            if t.kind == TaskKind::ScreenRedFlags && t.resolved.is_none() {
                t.resolved = Some((date, "screening".into()));
            }
        }
        let findings: Vec<String> = result.findings.iter().map(|f| f.reason.clone()).collect();
        let Some(level) = result.level else {
            self.decide(
                date,
                DecisionKind::RedFlag,
                None,
                "§3.2 screening",
                format!(
                    "screening clear: no red-flag answer among {} questions (§3.2)",
                    crate::red_flags::RedFlagQuestion::ALL.len()
                ),
                None,
                "engine",
            );
            return;
        };
        let summary = findings.join("; ");
        match level {
            EscalationLevel::Emergency => {
                self.status = ProgrammeStatus::Stopped {
                    since: date,
                    reason: result
                        .findings
                        .iter()
                        .filter(|f| f.level == EscalationLevel::Emergency)
                        .map(|f| f.question.id())
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                let message = result
                    .patient_message
                    .unwrap_or(crate::red_flags::EMERGENCY_MESSAGE);
                self.raise_task(
                    TaskKind::EmergencyReview,
                    date,
                    Some(date),
                    format!("EMERGENCY red flag on {date}: contact the patient today. {summary}"),
                );
                self.decide(
                    date,
                    DecisionKind::RedFlag,
                    None,
                    "§3.1 EMERGENCY",
                    format!(
                        "EMERGENCY: {summary}. Programme stopped now; patient told: \"{message}\"; clinician notified; sessions blocked until a clinician clears them (§3.1, rule 1)"
                    ),
                    None,
                    "engine",
                );
            }
            EscalationLevel::Urgent => {
                if !matches!(self.status, ProgrammeStatus::Stopped { .. }) {
                    self.status = ProgrammeStatus::LoadingSuspended {
                        since: date,
                        reason: result
                            .findings
                            .iter()
                            .filter(|f| f.level == EscalationLevel::Urgent)
                            .map(|f| f.question.id())
                            .collect::<Vec<_>>()
                            .join(", "),
                    };
                }
                let due =
                    date + Duration::hours(i64::from(self.settings.red_flags.urgent_review_hours));
                self.raise_task(
                    TaskKind::UrgentReview,
                    date,
                    Some(due.max(date)),
                    format!(
                        "URGENT red flag on {date}: review within {} h. {summary}",
                        self.settings.red_flags.urgent_review_hours
                    ),
                );
                self.decide(
                    date,
                    DecisionKind::RedFlag,
                    None,
                    "§3.1 URGENT",
                    format!(
                        "URGENT: {summary}. Loading exercises suspended, progression blocked, clinician review within {} h (§3.1, rule 2)",
                        self.settings.red_flags.urgent_review_hours
                    ),
                    None,
                    "engine",
                );
            }
            EscalationLevel::Routine => {
                self.raise_task(
                    TaskKind::RoutineReview,
                    date,
                    None,
                    format!(
                        "ROUTINE red flag on {date}: review at the next visit. {summary}{}",
                        if result.spa_note {
                            format!(" Note: {SPA_NOTE}.")
                        } else {
                            String::new()
                        }
                    ),
                );
                self.decide(
                    date,
                    DecisionKind::RedFlag,
                    None,
                    "§3.1 ROUTINE",
                    format!(
                        "ROUTINE: {summary}{}. Recorded; clinician reviews at the next visit; programme continues (§3.1)",
                        if result.spa_note { format!("; note \"{SPA_NOTE}\"") } else { String::new() }
                    ),
                    None,
                    "engine",
                );
            }
        }
    }

    fn on_clearance(&mut self, date: NaiveDate, by: &str, reason: &str) {
        match self.is_clinician(by) {
            Some(true) => {}
            Some(false) => {
                self.decide(
                    date,
                    DecisionKind::Note,
                    None,
                    "§3.1 clearance",
                    format!("clearance by {by} refused: a trainer is not a clinician; the programme stays {}", self.status.name()),
                    None,
                    by,
                );
                return;
            }
            None => {
                self.decide(
                    date,
                    DecisionKind::Note,
                    None,
                    "§3.1 clearance",
                    format!("clearance by {by} refused: not a member of the care team; the programme stays {}", self.status.name()),
                    None,
                    by,
                );
                return;
            }
        }
        if self.status == ProgrammeStatus::Active {
            self.decide(
                date,
                DecisionKind::Note,
                None,
                "§3.1 clearance",
                format!("{by}: nothing to clear, the programme is active ({reason})"),
                None,
                by,
            );
            return;
        }
        let before = self.status.name();
        self.status = ProgrammeStatus::Active;
        for t in self.tasks.iter_mut() {
            if matches!(t.kind, TaskKind::EmergencyReview | TaskKind::UrgentReview)
                && t.resolved.is_none()
            {
                t.resolved = Some((date, by.to_string()));
            }
        }
        for e in self.exercises.iter_mut() {
            e.evidence.clear();
        }
        self.decide(
            date,
            DecisionKind::Clearance,
            None,
            "§3.1 clinician clearance",
            format!(
                "{by} cleared the programme (was {before}): {reason}. Sessions released; progression evidence restarts from the next session (§3.1)"
            ),
            None,
            by,
        );
    }

    // ----- reassessments (§1) and plateau ------------------------------------------------

    fn on_reassessment(&mut self, date: NaiveDate, measures: &[MeasureInput]) {
        let person = PersonFacts {
            age_years: self.patient.age_years,
            sex: self.patient.sex,
        };
        for input in measures {
            let instrument = input.instrument();
            let name = instrument.short_name();
            let scored = match score(input, &person, &self.settings.measures) {
                Ok(s) => s,
                Err(e) => {
                    self.decide(
                        date,
                        DecisionKind::OutcomeChange,
                        None,
                        instrument.spec_section(),
                        format!("{name} not scored: {e}"),
                        None,
                        "engine",
                    );
                    continue;
                }
            };
            let series = self.reassessments.entry(instrument).or_default();
            let baseline = series.first().map(|(d, s)| (*d, s.clone()));
            series.push((date, scored.clone()));
            let mut text = format!(
                "{name} {} {}{}",
                fmt_num(scored.value),
                scored.unit,
                if scored.interpretation.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", scored.interpretation.join("; "))
                }
            );
            for sub in &scored.subscores {
                if instrument != Instrument::Psfs {
                    text.push_str(&format!(
                        "; {} {}",
                        sub.name,
                        sub.value.map_or("not scored".to_string(), fmt_num)
                    ));
                }
            }
            match &baseline {
                None => text.push_str("; baseline recorded"),
                Some((bdate, b)) => {
                    let thresholds = self.settings.measures.change_thresholds(b);
                    let change =
                        classify_change(instrument.direction(), b.value, scored.value, &thresholds);
                    text.push_str(&format!("; since baseline {bdate}: {}", change.rationale));
                    if thresholds.mcid.is_some() || thresholds.mcid_percent.is_some() {
                        self.latest_change.insert(instrument, change.class);
                    }
                    if instrument == Instrument::Psfs {
                        let before: Vec<&str> =
                            b.subscores.iter().map(|s| s.name.as_str()).collect();
                        let now: Vec<&str> =
                            scored.subscores.iter().map(|s| s.name.as_str()).collect();
                        if before != now {
                            text.push_str("; warning: follow-up must rate the same activities as the baseline (§1.2)");
                        }
                    }
                }
            }
            if instrument == Instrument::Psfs {
                for goal in &self.goals {
                    if let Some(v) = scored.subscore(&goal.activity) {
                        text.push_str(&format!(
                            "; goal \"{}\": {} of target {} ({} of the way, due {}{})",
                            goal.activity,
                            fmt_num(v),
                            fmt_num(goal.target),
                            goal.progress(v).map_or("-".to_string(), pct),
                            goal.target_date,
                            if goal.is_met(v) {
                                ", met"
                            } else if date > goal.target_date {
                                ", overdue"
                            } else {
                                ""
                            }
                        ));
                    }
                }
            }
            self.decide(
                date,
                DecisionKind::OutcomeChange,
                None,
                instrument.spec_section(),
                format!("{text} [{:?} licence]", instrument.licence()),
                None,
                "engine",
            );
            let series = self
                .reassessments
                .get(&instrument)
                .cloned()
                .unwrap_or_default();
            if let Some(plateau) =
                detect_plateau(&series, &self.settings.measures, &self.settings.plateau)
            {
                let tag = format!("plateau in {name}");
                if !self.has_open_task(TaskKind::PlateauReview, &tag) {
                    self.raise_task(
                        TaskKind::PlateauReview,
                        date,
                        None,
                        format!("{tag}: review the programme. {}", plateau.rationale),
                    );
                }
                self.decide(
                    date,
                    DecisionKind::Plateau,
                    None,
                    "plateau rule",
                    plateau.rationale,
                    None,
                    "engine",
                );
            }
        }
    }

    // ----- phases (§7.3) ----------------------------------------------------------------

    fn check_phase_exit(&mut self, log: &SessionLog, light: TrafficLight) {
        let probes: Vec<ProbeResult> = log
            .exercises
            .iter()
            .filter_map(|e| {
                let idx = self
                    .exercises
                    .iter()
                    .position(|s| s.prescription.id == e.exercise)?;
                Some(ProbeResult {
                    success: e.success_rate(),
                    level: self.exercises[idx].prescription.level,
                    pain: light,
                })
            })
            .collect();
        let best = probes.iter().copied().max_by(|a, b| {
            (a.level, a.success)
                .partial_cmp(&(b.level, b.success))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let Some(best) = best else { return };
        if self.progression_block().is_some() {
            return;
        }
        match (self.phase, log.kind) {
            (Phase::Acquisition, SessionKind::RetentionProbe) => {
                match acquisition_exit(&best, &self.settings.phase) {
                    Ok(rationale) => {
                        self.change_phase(log.date, Phase::Consolidation, rationale, "engine")
                    }
                    Err(reason) => {
                        self.decide(
                            log.date,
                            DecisionKind::Note,
                            None,
                            "§7.3 acquisition exit",
                            reason,
                            None,
                            "engine",
                        );
                    }
                }
            }
            (Phase::Consolidation, SessionKind::TransferProbe) => {
                let outcomes: Vec<(Instrument, ChangeClass)> =
                    self.latest_change.iter().map(|(i, c)| (*i, *c)).collect();
                match consolidation_exit(&best, &outcomes, &self.settings.phase) {
                    Ok(rationale) => {
                        self.change_phase(log.date, Phase::Maintenance, rationale, "engine")
                    }
                    Err(reason) => {
                        self.decide(
                            log.date,
                            DecisionKind::Note,
                            None,
                            "§7.3 consolidation exit",
                            reason,
                            None,
                            "engine",
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn change_phase(&mut self, date: NaiveDate, to: Phase, rationale: String, by: &str) {
        let from = self.phase;
        self.phase = to;
        self.decide(
            date,
            DecisionKind::PhaseChange,
            None,
            "§7.3 phases",
            rationale,
            None,
            by,
        );
        self.raise_task(
            TaskKind::RetestOutcomes,
            date,
            None,
            format!(
                "phase change {} → {} on {date}: re-test PROMs (§7.3 scheduled re-tests)",
                from.name(),
                to.name()
            ),
        );
        if to == Phase::Maintenance {
            self.discharge = Some(date);
            for contact in maintenance_schedule(date, &self.settings.phase) {
                self.decide(
                    date,
                    DecisionKind::ScheduledContact,
                    None,
                    "§7.3 tapering contact",
                    format!(
                        "contact on {} ({} month(s) after discharge): re-test {}; self-selected programme 2-3 times per week, self-controlled feedback, no live feedback (§7.3)",
                        contact.date,
                        contact.months_after_discharge,
                        contact.retests.join(", ")
                    ),
                    None,
                    "engine",
                );
            }
        }
    }

    // ----- clinician actions ------------------------------------------------------------

    fn on_override(
        &mut self,
        date: NaiveDate,
        by: &str,
        reason: &str,
        target: u32,
        action: OverrideAction,
    ) -> Result<()> {
        let Some(entry) = self.log.get(target).cloned() else {
            return Err(Error::ScenarioInvalid {
                location: format!("override of decision {target}"),
                message: format!(
                    "no decision {target} in the log (it has {})",
                    self.log.len()
                ),
            });
        };
        let overridable = matches!(
            entry.kind,
            DecisionKind::Advance
                | DecisionKind::Hold
                | DecisionKind::StepBack
                | DecisionKind::ReduceVolume
                | DecisionKind::FlareUpRebuild
        );
        let Some(exercise) = entry.exercise.clone().filter(|_| overridable) else {
            return Err(Error::ScenarioInvalid {
                location: format!("override of decision {target}"),
                message: format!(
                    "decision {target} is a {} decision; only advance, hold, step-back, volume and rebuild decisions of an exercise can be overridden",
                    entry.kind.label()
                ),
            });
        };
        if self.is_clinician(by) != Some(true) {
            self.decide(
                date,
                DecisionKind::Note,
                Some(&exercise),
                "override",
                format!("override of decision {target} by {by} refused: only a clinician of the care team can override"),
                None,
                by,
            );
            return Ok(());
        }
        if action == OverrideAction::Advance {
            if let Some(why) = self.progression_block() {
                self.decide(
                    date,
                    DecisionKind::Note,
                    Some(&exercise),
                    "override",
                    format!("override of decision {target} to advance refused: {why}"),
                    None,
                    by,
                );
                return Ok(());
            }
        }
        let idx = self.exercise_index(&exercise)?;
        let mut notes = Vec::new();
        // Undo the original change when the exercise is still where it left it.
        if let Some(change) = &entry.change {
            let ex = &mut self.exercises[idx];
            match change.axis_index {
                Some(ai) => {
                    if let Some(axis) = ex.prescription.axes.get_mut(ai) {
                        if axis.current as f64 == change.to {
                            axis.current = change.from as usize;
                            if change.to > change.from {
                                if let Some(pos) = ex.changes.iter().rposition(|c| *c == ai) {
                                    ex.changes.remove(pos);
                                }
                            } else {
                                ex.changes.push(ai);
                            }
                            notes.push(format!("undid {}", change.description));
                        } else {
                            notes.push(format!(
                                "{} has moved since; original change not undone",
                                axis.axis.name()
                            ));
                        }
                    }
                }
                None => {
                    if (ex.volume_factor - change.to).abs() < 1e-9 {
                        ex.volume_factor = change.from;
                        notes.push(format!("undid {}", change.description));
                    }
                }
            }
        }
        let new_change = match action {
            OverrideAction::Hold => None,
            OverrideAction::Advance => self.advance(idx),
            OverrideAction::StepBack => self.step_back(idx),
        };
        self.exercises[idx].evidence.clear();
        if let Some(c) = &new_change {
            notes.push(format!("applied {}", c.description));
        }
        let seq = self.log.append(DecisionEntry {
            seq: 0,
            date,
            kind: DecisionKind::Override,
            exercise: Some(exercise.clone()),
            rule: "clinician override".into(),
            rationale: format!(
                "{by} overrode decision {target} ({} {}) with {}: {reason}{}",
                entry.kind.label(),
                entry
                    .change
                    .as_ref()
                    .map_or(String::new(), |c| format!("[{}]", c.description)),
                match action {
                    OverrideAction::Advance => "advance",
                    OverrideAction::Hold => "hold",
                    OverrideAction::StepBack => "step back",
                },
                if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join("; "))
                }
            ),
            change: new_change,
            overrides: Some(target),
            by: by.to_string(),
        });
        self.pending.push(seq);
        Ok(())
    }

    fn on_lock(
        &mut self,
        date: NaiveDate,
        by: &str,
        exercise: &str,
        axis: ProgressionAxis,
        locked: bool,
    ) -> Result<()> {
        let idx = self.exercise_index(exercise)?;
        let Some(state) = self.exercises[idx]
            .prescription
            .axes
            .iter_mut()
            .find(|a| a.axis == axis)
        else {
            return Err(Error::ScenarioInvalid {
                location: format!("exercise `{exercise}`"),
                message: format!("has no {} axis", axis.name()),
            });
        };
        state.locked = locked;
        let label = state.current_label().to_string();
        self.decide(
            date,
            DecisionKind::AxisLock,
            Some(exercise),
            "§7.2 locked axes",
            format!(
                "{by} {} the {} axis at {label} (§7.2: the clinician can lock an axis)",
                if locked { "locked" } else { "unlocked" },
                axis.name()
            ),
            None,
            by,
        );
        Ok(())
    }
}
