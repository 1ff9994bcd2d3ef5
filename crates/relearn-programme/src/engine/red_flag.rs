//! Red-flag screenings (§3) and clinician clearance.

use chrono::{Duration, NaiveDate};

use super::*;

impl ProgrammeEngine {
    pub(super) fn on_screening(&mut self, date: NaiveDate, answers: &RedFlagAnswers) {
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
                        "ROUTINE: {summary}. Recorded; clinician reviews at the next visit; programme continues (§3.1)"
                    ),
                    None,
                    "engine",
                );
            }
        }
    }

    pub(super) fn on_clearance(&mut self, date: NaiveDate, by: &str, reason: &str) {
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
}
