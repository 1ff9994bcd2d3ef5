//! Assessment findings: which movement pattern is over-active, under-loaded or poorly timed,
//! with the measures behind each finding (issue 4 model; measures of spec §5-§6).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kind of movement problem a finding describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternFinding {
    /// A muscle or segment does too much (e.g. lumbar erector spinae dominance, shoulder
    /// elevation before 60° of arm raise).
    OverActive,
    /// A structure is under-used or under-loaded (e.g. hip abductors in single-leg squat).
    UnderLoaded,
    /// Activation happens at the wrong time (e.g. delayed feed-forward trunk onset, §5.2).
    PoorlyTimed,
}

/// A measured value supporting a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingMeasure {
    /// Measure name, e.g. `knee FPPA, single-leg squat`.
    pub name: String,
    /// Measured value.
    pub value: f64,
    /// Unit, e.g. `deg`, `ms`, `cm`.
    pub unit: String,
    /// Threshold or normal reference the value is compared with, in the same unit.
    pub reference: Option<f64>,
    /// Where the reference comes from (spec section and reference number).
    pub source: Option<String>,
}

/// One assessment finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Over-active, under-loaded or poorly timed.
    pub pattern: PatternFinding,
    /// The muscle, segment or joint concerned.
    pub structure: String,
    /// The task in which it was seen.
    pub task: String,
    /// The measures behind the finding.
    pub measures: Vec<FindingMeasure>,
}

/// A clinician's assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Date of the assessment.
    pub date: NaiveDate,
    /// Who assessed.
    pub clinician: String,
    /// The findings.
    pub findings: Vec<Finding>,
}
