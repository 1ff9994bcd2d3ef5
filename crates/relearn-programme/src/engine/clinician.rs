//! Phase changes (§7.3) and clinician actions: overrides and axis locks.

use chrono::NaiveDate;

use super::*;

impl ProgrammeEngine {
    pub(super) fn check_phase_exit(&mut self, log: &SessionLog, light: TrafficLight) {
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

    pub(super) fn change_phase(&mut self, date: NaiveDate, to: Phase, rationale: String, by: &str) {
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

    pub(super) fn on_override(
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

    pub(super) fn on_lock(
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
