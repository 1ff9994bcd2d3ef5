//! The simulator: runs a [`Scenario`] through the [`ProgrammeEngine`] and reports every
//! decision with its rationale, as a serialisable [`SimulationReport`] (one JSON document)
//! or as text ([`render_text`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::decision_log::{DecisionEntry, DecisionKind};
use crate::engine::{ClinicianTask, ProgrammeEngine, ProgrammeSnapshot, SessionReport};
use crate::error::{Error, Result};
use crate::exercise::FeedbackKind;
use crate::patient::{CareTeamMember, Patient, PsfsGoal};
use crate::scenario::Scenario;
use crate::settings::ProgrammeSettings;

/// Program identity carried by every report (style guide principle 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramInfo {
    /// Crate name.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// What was simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Seed used.
    pub seed: u64,
}

/// One event of the scenario and what it produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReport {
    /// Index in the scenario's `[[events]]`, from 0.
    pub index: usize,
    /// Date.
    pub date: NaiveDate,
    /// Event type.
    pub event: String,
    /// Decisions appended to the log.
    pub decisions: Vec<DecisionEntry>,
    /// Session details (pain, feedback per trial, staircase, next practice order).
    pub session: Option<SessionReport>,
}

/// The whole simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    /// Program name and version (the CLI puts `relearn` and its version here).
    pub program: ProgramInfo,
    /// Engine crate and version that made the decisions.
    pub engine: String,
    /// Scenario name, description, seed.
    pub scenario: ScenarioInfo,
    /// Settings in force (defaults plus the scenario's overrides).
    pub settings: ProgrammeSettings,
    /// Patient.
    pub patient: Patient,
    /// Care team (all share the same cue library).
    pub care_team: Vec<CareTeamMember>,
    /// Goals.
    pub goals: Vec<PsfsGoal>,
    /// Initial assessment.
    pub assessment: Option<Assessment>,
    /// Events in order.
    pub events: Vec<EventReport>,
    /// Every clinician task raised.
    pub tasks: Vec<ClinicianTask>,
    /// State after the last event.
    pub final_state: ProgrammeSnapshot,
}

impl SimulationReport {
    /// All decisions in log order.
    pub fn decisions(&self) -> impl Iterator<Item = &DecisionEntry> {
        self.events.iter().flat_map(|e| e.decisions.iter())
    }
}

/// Run a scenario. Errors name the event (`events[i]`) that could not be applied.
pub fn simulate(scenario: &Scenario) -> Result<SimulationReport> {
    let setup = scenario.setup()?;
    let events = scenario.events()?;
    let mut engine = ProgrammeEngine::new(setup.clone())?;
    let mut reports = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let outcome = engine.apply(event).map_err(|e| match e {
            Error::ScenarioInvalid { location, message } => Error::ScenarioInvalid {
                location: format!("events[{index}] ({location})"),
                message,
            },
            other => Error::ScenarioInvalid {
                location: format!("events[{index}]"),
                message: other.to_string(),
            },
        })?;
        reports.push(EventReport {
            index,
            date: event.date(),
            event: event.type_name().to_string(),
            decisions: outcome.decisions,
            session: outcome.session,
        });
    }
    Ok(SimulationReport {
        program: ProgramInfo {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        engine: crate::ENGINE_VERSION.to_string(),
        scenario: ScenarioInfo {
            name: scenario.scenario.name.clone(),
            description: scenario.scenario.description.clone(),
            seed: scenario.scenario.seed,
        },
        settings: engine.settings().clone(),
        patient: setup.patient,
        care_team: setup.care_team,
        goals: setup.goals,
        assessment: scenario.assessment(),
        events: reports,
        tasks: engine.tasks().to_vec(),
        final_state: engine.snapshot(),
    })
}

fn compress_order(order: &[String], limit: usize) -> String {
    let mut runs: Vec<(String, usize)> = Vec::new();
    for item in order {
        match runs.last_mut() {
            Some((last, n)) if last == item => *n += 1,
            _ => runs.push((item.clone(), 1)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(limit)
        .map(|(t, n)| {
            if *n > 1 {
                format!("{t}×{n}")
            } else {
                t.clone()
            }
        })
        .collect();
    let mut s = shown.join(" ");
    if runs.len() > limit {
        s.push_str(&format!(" … ({} repetitions)", order.len()));
    }
    s
}

/// Render a report as plain text: one line per decision (`#seq [kind] exercise: rationale`),
/// the feedback given trial by trial, the next session's practice order, the open tasks and
/// the final state.
pub fn render_text(report: &SimulationReport) -> String {
    let mut out = String::new();
    let p = &report.patient;
    out.push_str(&format!(
        "Relearn programme simulation: {} ({} {}, engine {}, seed {})\n",
        report.scenario.name,
        report.program.name,
        report.program.version,
        report.engine,
        report.scenario.seed
    ));
    if !report.scenario.description.is_empty() {
        out.push_str(&format!("{}\n", report.scenario.description));
    }
    out.push_str(&format!(
        "Patient {}: {} years, {:?}, {}\n",
        p.id, p.age_years, p.sex, p.condition
    ));
    if !report.care_team.is_empty() {
        let team: Vec<String> = report
            .care_team
            .iter()
            .map(|m| format!("{} ({:?})", m.name, m.role))
            .collect();
        out.push_str(&format!(
            "Care team (one shared cue library): {}\n",
            team.join(", ")
        ));
    }
    if let Some(a) = &report.assessment {
        for f in &a.findings {
            let measures: Vec<String> = f
                .measures
                .iter()
                .map(|m| {
                    format!(
                        "{} {} {}{}",
                        m.name,
                        m.value,
                        m.unit,
                        m.reference
                            .map_or(String::new(), |r| format!(" (reference {r})"))
                    )
                })
                .collect();
            out.push_str(&format!(
                "Finding {}: {:?} {} in {}: {}\n",
                a.date,
                f.pattern,
                f.structure,
                f.task,
                measures.join("; ")
            ));
        }
    }
    for g in &report.goals {
        out.push_str(&format!(
            "Goal (PSFS): \"{}\" from {} to {} by {}\n",
            g.activity, g.baseline, g.target, g.target_date
        ));
    }
    for e in &report.events {
        out.push_str(&format!(
            "\n{}  {} (events[{}])\n",
            e.date, e.event, e.index
        ));
        for d in &e.decisions {
            out.push_str(&format!(
                "  #{} [{}]{}: {}{}\n",
                d.seq,
                d.kind.label(),
                d.exercise
                    .as_ref()
                    .map_or(String::new(), |x| format!(" {x}")),
                d.rationale,
                if d.by != "engine" {
                    format!(" — by {}", d.by)
                } else {
                    String::new()
                }
            ));
            if d.kind == DecisionKind::Feedback {
                let plan = e.session.as_ref().and_then(|s| {
                    s.exercises
                        .iter()
                        .find(|x| Some(&x.exercise) == d.exercise.as_ref())
                        .and_then(|x| x.feedback.as_ref())
                });
                if let Some(plan) = plan {
                    // Group identical messages: `KP "..." after trials 1, 3, 4`.
                    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
                    for t in plan.trials.iter().filter(|t| t.give) {
                        let key = format!(
                            "{} \"{}\"",
                            match t.kind {
                                Some(FeedbackKind::Kr) => "KR",
                                _ => "KP",
                            },
                            t.message.as_deref().unwrap_or("")
                        );
                        match groups.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, trials)) => trials.push(t.trial),
                            None => groups.push((key, vec![t.trial])),
                        }
                    }
                    for (key, trials) in groups {
                        let list: Vec<String> = trials.iter().map(usize::to_string).collect();
                        out.push_str(&format!(
                            "      {key} after trial{} {}\n",
                            if trials.len() > 1 { "s" } else { "" },
                            list.join(", ")
                        ));
                    }
                }
            }
        }
        if let Some(s) = &e.session {
            if !s.next_practice_order.is_empty()
                && e.decisions
                    .iter()
                    .any(|d| d.kind == DecisionKind::PracticeStructure)
            {
                out.push_str(&format!(
                    "  next session, {} practice: {}\n",
                    s.next_practice_structure.name(),
                    compress_order(&s.next_practice_order, 12)
                ));
            }
        }
    }
    let f = &report.final_state;
    out.push_str(&format!(
        "\nFinal state: {}, phase {}, {} practice{}\n",
        f.status.name(),
        f.phase.name(),
        f.practice_structure.name(),
        if f.flare_up_active {
            ", flare-up plan running"
        } else {
            ""
        }
    ));
    for x in &f.exercises {
        out.push_str(&format!(
            "  {}: {} ({} practice sessions)\n",
            x.exercise, x.prescription, x.sessions_practised
        ));
    }
    if f.open_tasks.is_empty() {
        out.push_str("Open clinician tasks: none\n");
    } else {
        out.push_str("Open clinician tasks:\n");
        for t in &f.open_tasks {
            out.push_str(&format!(
                "  task {} ({:?}, raised {}{}): {}\n",
                t.id,
                t.kind,
                t.raised,
                t.due.map_or(String::new(), |d| format!(", due {d}")),
                t.message
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_compressed_into_runs() {
        let order: Vec<String> = ["a", "a", "a", "b", "c", "c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(compress_order(&order, 10), "a×3 b c×2");
        assert_eq!(compress_order(&order, 1), "a×3 … (6 repetitions)");
    }
}
