//! Session logs: pain light, feedback, staircase, progression (§2.2, §4.1-§4.5, §7.2) and practice structure (§4.4).

use chrono::{Duration, NaiveDate};

use super::*;

impl ProgrammeEngine {
    pub(super) fn on_session(&mut self, log: &SessionLog) -> Result<SessionReport> {
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

    pub(super) fn describe_feedback(&self, plan: &FeedbackPlan, kind: SessionKind) -> String {
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

    pub(super) fn progress_exercise(
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
}
