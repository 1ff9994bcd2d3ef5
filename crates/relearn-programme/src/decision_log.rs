//! The decision log: every decision the engine or a clinician makes, append-only, each with
//! the rule it applied and a plain-language rationale quoting the numbers. A clinician
//! override never edits an entry: it appends a new entry that names the one it overrides,
//! who overrode it and why.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::exercise::ProgressionAxis;

/// What kind of decision an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Advance one step on one axis (§4.5).
    Advance,
    /// Hold the same level and dose (§4.5, amber pain).
    Hold,
    /// Step back one step on the axis changed last (§4.5, §7.2).
    StepBack,
    /// Reduce volume when no axis can step back (§2.2, §7.3).
    ReduceVolume,
    /// Progression paused by an open red flag or a flare-up's reduced days.
    Pause,
    /// A session refused because the programme is stopped (§3.1 EMERGENCY).
    SessionBlocked,
    /// The session's pain traffic light (§2.2).
    PainLight,
    /// A clinician review requested (two reds, flare-up not resolving, plateau...).
    ClinicianReview,
    /// A flare-up started (§7.3).
    FlareUp,
    /// A flare-up rebuild step (§7.3 step 4).
    FlareUpRebuild,
    /// The flare-up is over: back at the previous level.
    FlareUpResolved,
    /// A red-flag screening result (§3).
    RedFlag,
    /// A clinician cleared a suspended or stopped programme.
    Clearance,
    /// A plateau: no change beyond the MDC over the set number of reassessments.
    Plateau,
    /// An outcome measure scored and compared with its baseline (§1).
    OutcomeChange,
    /// Practice-structure change or hold (§4.4).
    PracticeStructure,
    /// The feedback given in one exercise of one session (§4.1-§4.3).
    Feedback,
    /// The within-session staircase summary (§4.5).
    Staircase,
    /// A programme phase change (§7.3).
    PhaseChange,
    /// A scheduled re-test or maintenance contact (§7.3).
    ScheduledContact,
    /// A clinician override of an earlier decision.
    Override,
    /// An axis locked or unlocked by the clinician (§7.2).
    AxisLock,
    /// A note that changes nothing (sport session outside return-to-sport mode, a refused
    /// action...).
    Note,
}

impl DecisionKind {
    /// Short lower-case label used in text output.
    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::Advance => "advance",
            DecisionKind::Hold => "hold",
            DecisionKind::StepBack => "step back",
            DecisionKind::ReduceVolume => "reduce volume",
            DecisionKind::Pause => "pause",
            DecisionKind::SessionBlocked => "session blocked",
            DecisionKind::PainLight => "pain",
            DecisionKind::ClinicianReview => "clinician review",
            DecisionKind::FlareUp => "flare-up",
            DecisionKind::FlareUpRebuild => "flare-up rebuild",
            DecisionKind::FlareUpResolved => "flare-up resolved",
            DecisionKind::RedFlag => "red flag",
            DecisionKind::Clearance => "clearance",
            DecisionKind::Plateau => "plateau",
            DecisionKind::OutcomeChange => "outcome",
            DecisionKind::PracticeStructure => "practice structure",
            DecisionKind::Feedback => "feedback",
            DecisionKind::Staircase => "staircase",
            DecisionKind::PhaseChange => "phase",
            DecisionKind::ScheduledContact => "scheduled",
            DecisionKind::Override => "override",
            DecisionKind::AxisLock => "axis lock",
            DecisionKind::Note => "note",
        }
    }

    /// Whether the decision makes an exercise harder.
    pub fn is_progression(self) -> bool {
        matches!(self, DecisionKind::Advance | DecisionKind::FlareUpRebuild)
    }
}

/// A change of one exercise's position on one axis, or of its volume factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseChange {
    /// Axis index in the prescription (`None` for a volume change).
    pub axis_index: Option<usize>,
    /// The axis (`None` for a volume change).
    pub axis: Option<ProgressionAxis>,
    /// Step index (or volume factor) before.
    pub from: f64,
    /// Step index (or volume factor) after.
    pub to: f64,
    /// Human-readable "50 % of target range → 75 % of target range".
    pub description: String,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionEntry {
    /// Sequence number, from 1, in order of decision.
    pub seq: u32,
    /// Date the decision applies to.
    pub date: NaiveDate,
    /// Kind.
    pub kind: DecisionKind,
    /// The exercise concerned, if any.
    pub exercise: Option<String>,
    /// The rule applied: spec section and short name.
    pub rule: String,
    /// Plain-language rationale quoting the rule and the numbers.
    pub rationale: String,
    /// The dose change applied, if any.
    pub change: Option<DoseChange>,
    /// For overrides: the entry overridden.
    pub overrides: Option<u32>,
    /// Who made the decision: `engine` or the clinician's name.
    pub by: String,
}

/// The append-only decision log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DecisionLog {
    entries: Vec<DecisionEntry>,
}

impl DecisionLog {
    /// Append an entry, assigning its sequence number; returns the number.
    pub fn append(&mut self, mut entry: DecisionEntry) -> u32 {
        let seq = self.entries.len() as u32 + 1;
        entry.seq = seq;
        self.entries.push(entry);
        seq
    }

    /// All entries in order.
    pub fn entries(&self) -> &[DecisionEntry] {
        &self.entries
    }

    /// The entry with this sequence number.
    pub fn get(&self, seq: u32) -> Option<&DecisionEntry> {
        seq.checked_sub(1)
            .and_then(|i| self.entries.get(i as usize))
    }

    /// The override entry that replaced `seq`, if any.
    pub fn override_of(&self, seq: u32) -> Option<&DecisionEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.kind == DecisionKind::Override && e.overrides == Some(seq))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: DecisionKind) -> DecisionEntry {
        DecisionEntry {
            seq: 0,
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            kind,
            exercise: None,
            rule: "§4.5".into(),
            rationale: "test".into(),
            change: None,
            overrides: None,
            by: "engine".into(),
        }
    }

    #[test]
    fn append_numbers_entries_and_overrides_are_found() {
        let mut log = DecisionLog::default();
        assert_eq!(log.append(entry(DecisionKind::Advance)), 1);
        let mut o = entry(DecisionKind::Override);
        o.overrides = Some(1);
        o.by = "A. Physio".into();
        assert_eq!(log.append(o), 2);
        assert_eq!(log.get(1).map(|e| e.kind), Some(DecisionKind::Advance));
        assert_eq!(log.override_of(1).map(|e| e.by.as_str()), Some("A. Physio"));
        assert!(log.get(0).is_none());
        assert_eq!(log.len(), 2);
    }
}
