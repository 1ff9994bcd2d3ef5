//! Helpers shared by the integration tests: load the example scenarios shipped in
//! `examples/programme/` and query the decisions.

#![allow(dead_code, clippy::panic)]

use relearn_programme::scenario::Scenario;
use relearn_programme::simulate::{simulate, SimulationReport};
use relearn_programme::{DecisionEntry, DecisionKind};

/// Every example scenario: (file name, text).
pub const EXAMPLES: [(&str, &str); 10] = [
    (
        "smooth-progression",
        include_str!("../../../../examples/programme/smooth-progression.toml"),
    ),
    (
        "red-day-regression",
        include_str!("../../../../examples/programme/red-day-regression.toml"),
    ),
    (
        "flare-up",
        include_str!("../../../../examples/programme/flare-up.toml"),
    ),
    (
        "emergency-red-flag",
        include_str!("../../../../examples/programme/emergency-red-flag.toml"),
    ),
    (
        "urgent-red-flag-and-override",
        include_str!("../../../../examples/programme/urgent-red-flag-and-override.toml"),
    ),
    (
        "plateau",
        include_str!("../../../../examples/programme/plateau.toml"),
    ),
    (
        "faded-feedback",
        include_str!("../../../../examples/programme/faded-feedback.toml"),
    ),
    (
        "feedback-schedules",
        include_str!("../../../../examples/programme/feedback-schedules.toml"),
    ),
    (
        "practice-structure",
        include_str!("../../../../examples/programme/practice-structure.toml"),
    ),
    (
        "return-to-sport",
        include_str!("../../../../examples/programme/return-to-sport.toml"),
    ),
];

/// Run one example by name.
pub fn run(name: &str) -> SimulationReport {
    let text = EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no example {name}"));
    let scenario = Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    simulate(&scenario).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decisions of one kind, optionally for one exercise, in order.
pub fn of_kind<'a>(
    report: &'a SimulationReport,
    kind: DecisionKind,
    exercise: Option<&str>,
) -> Vec<&'a DecisionEntry> {
    report
        .decisions()
        .filter(|d| d.kind == kind && (exercise.is_none() || d.exercise.as_deref() == exercise))
        .collect()
}

/// Decisions made on one date (YYYY-MM-DD).
pub fn on<'a>(report: &'a SimulationReport, date: &str) -> Vec<&'a DecisionEntry> {
    report
        .decisions()
        .filter(|d| d.date.to_string() == date)
        .collect()
}
