//! The exercise library and prescriptions: families tagged with a level (spec §7.1) and with
//! progression axes (spec §7.2); prescriptions with dose, cues (external or internal focus,
//! KR or KP, spec §4.1) and a feedback policy (spec §4.2).

use serde::{Deserialize, Serialize};

use crate::feedback::FeedbackPolicy;
use crate::staircase::StaircaseRule;

/// The five levels of spec §7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ExerciseLevel {
    /// L1 isolated control: single joint or segment, minimal load.
    L1,
    /// L2 multi-joint, supported.
    L2,
    /// L3 weight-bearing postures.
    L3,
    /// L4 progressive resistance.
    L4,
    /// L5 task-specific, variable practice.
    L5,
}

impl ExerciseLevel {
    /// Level number 1-5.
    pub fn number(self) -> u8 {
        match self {
            ExerciseLevel::L1 => 1,
            ExerciseLevel::L2 => 2,
            ExerciseLevel::L3 => 3,
            ExerciseLevel::L4 => 4,
            ExerciseLevel::L5 => 5,
        }
    }

    /// The level with this number.
    pub fn from_number(n: u8) -> Option<Self> {
        Some(match n {
            1 => ExerciseLevel::L1,
            2 => ExerciseLevel::L2,
            3 => ExerciseLevel::L3,
            4 => ExerciseLevel::L4,
            5 => ExerciseLevel::L5,
            _ => return None,
        })
    }

    /// Description from the §7.1 table.
    pub fn description(self) -> &'static str {
        match self {
            ExerciseLevel::L1 => "isolated control",
            ExerciseLevel::L2 => "multi-joint, supported",
            ExerciseLevel::L3 => "weight-bearing postures",
            ExerciseLevel::L4 => "progressive resistance",
            ExerciseLevel::L5 => "task-specific, variable",
        }
    }

    /// Whether exercises at this level load the tissues (weight-bearing or resisted, L3-L5);
    /// these are the "loading exercises" suspended by an URGENT red flag (spec §3.1).
    pub fn is_loading(self) -> bool {
        self >= ExerciseLevel::L3
    }
}

/// The progression axes of spec §7.2, in the table's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressionAxis {
    /// Body weight → external load; default step +5 % (Ratamess 2009 \[144\]).
    Load,
    /// Sets × repetitions or hold time; +1 set or +2 reps or +5 s hold.
    Volume,
    /// Slow controlled (3-1-1) → normal → fast.
    Speed,
    /// Partial → full range, 25 % of target range per step.
    Range,
    /// Wide → narrow → semi-tandem → tandem → single leg; firm → foam; eyes open → closed
    /// (Sherrington 2017 \[94\]).
    BaseOfSupport,
    /// Single-joint → multi-joint → whole-body; one plane → multiplanar.
    Complexity,
    /// Blocked → serial → random (Porter & Magill 2010 \[89\]); driven by the §4.4 rule at
    /// programme level, see [`crate::practice`].
    PracticeStructure,
    /// Clinic → home → work or sport; predictable → unpredictable.
    Context,
    /// Single task → simple dual task → complex dual task (Silsupadol 2009 \[153\]).
    Attention,
    /// Faded → bandwidth → summary → self-controlled → none; driven by the feedback policy,
    /// see [`crate::feedback`].
    Feedback,
}

impl ProgressionAxis {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            ProgressionAxis::Load => "load",
            ProgressionAxis::Volume => "volume",
            ProgressionAxis::Speed => "speed",
            ProgressionAxis::Range => "range",
            ProgressionAxis::BaseOfSupport => "base of support",
            ProgressionAxis::Complexity => "complexity",
            ProgressionAxis::PracticeStructure => "practice structure",
            ProgressionAxis::Context => "context",
            ProgressionAxis::Attention => "attention",
            ProgressionAxis::Feedback => "feedback",
        }
    }

    /// Whether the axis is stepped by the per-exercise §4.5 rule (the practice-structure and
    /// feedback axes have their own rules, §4.4 and §4.2).
    pub fn is_stepped_by_progression(self) -> bool {
        !matches!(
            self,
            ProgressionAxis::PracticeStructure | ProgressionAxis::Feedback
        )
    }
}

/// Where one exercise stands on one axis: the ordered steps (easier → harder), the current
/// step and whether the clinician locked the axis (§7.2: "the clinician can lock an axis").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisState {
    /// Which axis.
    pub axis: ProgressionAxis,
    /// Step labels, easiest first, e.g. `["25 %", "50 %", "75 %", "100 %"]`.
    pub steps: Vec<String>,
    /// Index of the current step in `steps`.
    pub current: usize,
    /// A locked axis is never changed by the engine.
    pub locked: bool,
}

impl AxisState {
    /// Label of the current step.
    pub fn current_label(&self) -> &str {
        self.steps.get(self.current).map_or("?", String::as_str)
    }

    /// Whether a harder step exists.
    pub fn can_advance(&self) -> bool {
        !self.locked && self.current + 1 < self.steps.len()
    }

    /// Whether an easier step exists.
    pub fn can_step_back(&self) -> bool {
        !self.locked && self.current > 0
    }
}

/// Load steps from a starting load: each step adds `step_pct` percent of the previous load
/// (§7.2 load axis; default +5 %, Ratamess 2009 \[144\]), until `max_kg`. Labels in kg with one
/// decimal.
pub fn load_steps(start_kg: f64, max_kg: f64, step_pct: f64) -> Vec<String> {
    let mut steps = Vec::new();
    let mut load = start_kg;
    if !(start_kg.is_finite() && max_kg.is_finite() && step_pct > 0.0) {
        return vec![format!("{start_kg:.1} kg")];
    }
    while load <= max_kg + 1e-9 && steps.len() < 100 {
        steps.push(format!("{load:.1} kg"));
        load *= 1.0 + step_pct / 100.0;
    }
    if steps.is_empty() {
        steps.push(format!("{start_kg:.1} kg"));
    }
    steps
}

/// Range steps as percent of target range (§7.2: 25 % of target range per step).
pub fn range_steps(step_pct: f64) -> Vec<String> {
    let mut steps = Vec::new();
    let mut pct = step_pct;
    while pct <= 100.0 + 1e-9 && step_pct > 0.0 && steps.len() < 100 {
        steps.push(format!("{pct:.0} % of target range"));
        pct += step_pct;
    }
    steps
}

/// Attentional focus of a cue (spec §4.1; Wulf 2013 \[69\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Focus {
    /// On the effect of the movement or the environment: the **default** for all cues.
    #[default]
    External,
    /// On body parts: allowed when a skill is first explained, then replaced.
    Internal,
}

/// Type of augmented feedback (spec §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// Knowledge of results: the outcome (depth, tempo, reach).
    Kr,
    /// Knowledge of performance: the movement pattern (quality faults, §6).
    Kp,
}

/// A message template in the cue library, shared by the whole care team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Identifier.
    pub id: String,
    /// The words, e.g. "Push the floor away".
    pub text: String,
    /// External (default) or internal focus.
    pub focus: Focus,
    /// KR or KP.
    pub kind: FeedbackKind,
    /// The quality fault this cue addresses (KP cues), as named in session logs.
    pub fault: Option<String>,
}

/// The programme's cue library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CueLibrary {
    /// All cues.
    pub cues: Vec<Cue>,
}

impl CueLibrary {
    /// Choose the cue for a feedback message among `allowed` cue ids: same kind, matching the
    /// fault when one is given (a fault-free cue otherwise), external focus preferred; an
    /// internal cue only when `allow_internal` (spec §4.1). `rotation` picks among equally
    /// good cues so repeated messages vary deterministically.
    pub fn select(
        &self,
        allowed: &[String],
        kind: FeedbackKind,
        fault: Option<&str>,
        allow_internal: bool,
        rotation: usize,
    ) -> Option<&Cue> {
        let candidates: Vec<&Cue> = self
            .cues
            .iter()
            .filter(|c| allowed.iter().any(|a| a == &c.id) && c.kind == kind)
            .collect();
        let matching: Vec<&Cue> = match fault {
            Some(f) => {
                let m: Vec<&Cue> = candidates
                    .iter()
                    .copied()
                    .filter(|c| c.fault.as_deref() == Some(f))
                    .collect();
                if m.is_empty() {
                    candidates
                        .iter()
                        .copied()
                        .filter(|c| c.fault.is_none())
                        .collect()
                } else {
                    m
                }
            }
            None => candidates
                .iter()
                .copied()
                .filter(|c| c.fault.is_none())
                .collect(),
        };
        let external: Vec<&Cue> = matching
            .iter()
            .copied()
            .filter(|c| c.focus == Focus::External)
            .collect();
        let pool = if !external.is_empty() {
            external
        } else if allow_internal {
            matching
        } else {
            Vec::new()
        };
        if pool.is_empty() {
            None
        } else {
            pool.get(rotation % pool.len()).copied()
        }
    }
}

/// An entry of the exercise library: a family of exercises at one §7.1 level with the axes
/// along which it can progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseFamily {
    /// Identifier, e.g. `sit-to-stand`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// §7.1 level.
    pub level: ExerciseLevel,
    /// §7.2 axes this family can progress along.
    pub axes: Vec<ProgressionAxis>,
}

/// The dose of a prescription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    /// Sets per session.
    pub sets: u32,
    /// Repetitions per set (when not a hold).
    pub reps: Option<u32>,
    /// Hold time per repetition, s (for holds).
    pub hold_s: Option<f64>,
    /// Tempo, eccentric-pause-concentric seconds, e.g. `3-1-1`.
    pub tempo: Option<String>,
    /// External load, kg.
    pub load_kg: Option<f64>,
}

/// One prescribed exercise for this patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prescription {
    /// Identifier used by session logs.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Family in the library.
    pub family: String,
    /// §7.1 level.
    pub level: ExerciseLevel,
    /// Dose.
    pub dose: Dose,
    /// Cue ids from the programme's cue library.
    pub cues: Vec<String>,
    /// Feedback policy (§4.2-§4.3).
    pub feedback: FeedbackPolicy,
    /// Within-session difficulty staircase (§4.5), if used.
    pub staircase: Option<StaircaseRule>,
    /// Axes in the clinician's order (§7.2: "axes are ordered").
    pub axes: Vec<AxisState>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(id: &str, focus: Focus, kind: FeedbackKind, fault: Option<&str>) -> Cue {
        Cue {
            id: id.into(),
            text: id.into(),
            focus,
            kind,
            fault: fault.map(Into::into),
        }
    }

    #[test]
    fn external_cue_is_preferred_and_internal_only_when_allowed() {
        let lib = CueLibrary {
            cues: vec![
                cue(
                    "knee-out",
                    Focus::Internal,
                    FeedbackKind::Kp,
                    Some("valgus"),
                ),
                cue(
                    "light-line",
                    Focus::External,
                    FeedbackKind::Kp,
                    Some("valgus"),
                ),
                cue("tummy", Focus::Internal, FeedbackKind::Kp, Some("brace")),
            ],
        };
        let all: Vec<String> = lib.cues.iter().map(|c| c.id.clone()).collect();
        let c = lib.select(&all, FeedbackKind::Kp, Some("valgus"), true, 0);
        assert_eq!(c.map(|c| c.id.as_str()), Some("light-line"));
        assert!(lib
            .select(&all, FeedbackKind::Kp, Some("brace"), false, 0)
            .is_none());
        let c = lib.select(&all, FeedbackKind::Kp, Some("brace"), true, 0);
        assert_eq!(c.map(|c| c.id.as_str()), Some("tummy"));
    }

    #[test]
    fn load_steps_add_five_percent() {
        let steps = load_steps(10.0, 12.0, 5.0);
        assert_eq!(steps, vec!["10.0 kg", "10.5 kg", "11.0 kg", "11.6 kg"]);
        assert_eq!(range_steps(25.0).len(), 4);
    }

    #[test]
    fn locked_axis_cannot_move() {
        let mut a = AxisState {
            axis: ProgressionAxis::Range,
            steps: range_steps(25.0),
            current: 1,
            locked: false,
        };
        assert!(a.can_advance() && a.can_step_back());
        a.locked = true;
        assert!(!a.can_advance() && !a.can_step_back());
    }
}
