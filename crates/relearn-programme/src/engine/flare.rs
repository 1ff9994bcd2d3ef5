//! Flare-ups (§7.3) and daily check-ins.

use chrono::{Duration, NaiveDate};

use super::*;

impl ProgrammeEngine {
    pub(super) fn start_flare_up(
        &mut self,
        date: NaiveDate,
        targets: Vec<(Vec<usize>, f64)>,
        reason: &str,
    ) {
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

    pub(super) fn resolve_flare_if_done(&mut self, date: NaiveDate) {
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

    pub(super) fn check_flare_deadline(&mut self, date: NaiveDate) {
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

    pub(super) fn on_checkin(&mut self, c: &CheckIn) {
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
}
