//! The programme engine: a state machine that takes dated events (session logs, check-ins,
//! red-flag screenings, reassessments, clinician actions), applies every rule of the spec
//! and appends each decision to the [`DecisionLog`]. Pure: time comes with the events, the
//! only randomness is the seeded [`SplitMix64`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
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

mod clinician;
mod flare;
mod outcomes;
mod red_flag;
mod session;

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

    /// Move one axis one step harder (`up`) or easier and describe the change. The caller
    /// has checked that the step exists.
    fn move_axis(&mut self, ai: usize, up: bool) -> DoseChange {
        let axis = &mut self.prescription.axes[ai];
        let from_label = axis.current_label().to_string();
        let from = axis.current;
        axis.current = if up { from + 1 } else { from.saturating_sub(1) };
        DoseChange {
            axis_index: Some(ai),
            axis: Some(axis.axis),
            from: from as f64,
            to: axis.current as f64,
            description: format!(
                "{}: {from_label} → {}",
                axis.axis.name(),
                axis.current_label()
            ),
        }
    }

    /// Set the volume factor and describe the change.
    fn set_volume(&mut self, to: f64) -> DoseChange {
        let from = self.volume_factor;
        self.volume_factor = to;
        DoseChange {
            axis_index: None,
            axis: None,
            from,
            to,
            description: format!("volume {} → {}", pct(from), pct(to)),
        }
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
            if let Some(pos) = ex.changes.iter().rposition(|c| *c == ai) {
                ex.changes.remove(pos);
            }
            return Some(ex.move_axis(ai, false));
        }
        if ex.volume_factor >= 1.0 - 1e-9 {
            let to = ex.volume_factor * factor;
            return Some(ex.set_volume(to));
        }
        None
    }

    /// Advance one exercise one step: restore reduced volume first, else the first unlocked
    /// axis in order (§7.2).
    fn advance(&mut self, idx: usize) -> Option<DoseChange> {
        let ex = &mut self.exercises[idx];
        ex.evidence.clear();
        if ex.volume_factor < 1.0 - 1e-9 {
            return Some(ex.set_volume(1.0));
        }
        let ai = axis_to_advance(&ex.prescription.axes)?;
        ex.changes.push(ai);
        Some(ex.move_axis(ai, true))
    }

    /// One rebuild step towards the pre-flare-up positions (§7.3 step 4).
    fn rebuild_step(&mut self, idx: usize, target: &(Vec<usize>, f64)) -> Option<DoseChange> {
        let ex = &mut self.exercises[idx];
        ex.evidence.clear();
        if ex.volume_factor < target.1 - 1e-9 {
            return Some(ex.set_volume(target.1));
        }
        let ai = ex
            .prescription
            .axes
            .iter()
            .enumerate()
            .position(|(i, a)| target.0.get(i).is_some_and(|t| a.current < *t))?;
        ex.changes.push(ai);
        Some(ex.move_axis(ai, true))
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
}
