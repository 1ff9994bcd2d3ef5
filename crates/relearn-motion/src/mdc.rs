//! Measurement error by recording system (`clinical-spec.md` §6 table): the smallest difference
//! a system can tell apart from its own noise. A difference smaller than this is reported as
//! "within measurement error" and a change over time as "no detectable change"
//! (`product-notes.md`, "Results people can trust").
//!
//! Only values the spec gives are used; where it gives none for a system and measure, the
//! minimal detectable change is unknown and results say so.

use crate::measures::MeasureKind;
use serde::{Deserialize, Serialize};

/// Kind of recording system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementSystem {
    /// Marker-based 3-D motion capture (C3D, TRC).
    MarkerMocap,
    /// Depth camera skeleton tracking (Kinect).
    DepthCamera,
    /// 2-D video keypoints (OpenPose, BlazePose, AlphaPose).
    Video2D,
    /// Not known (generic CSV, simulation).
    Unknown,
}

impl MeasurementSystem {
    /// The system a reader's format identifier implies.
    pub fn from_format(format: &str) -> MeasurementSystem {
        match format {
            "c3d" | "trc" => MeasurementSystem::MarkerMocap,
            "ui-prmd" | "kimore-csv" | "keraal-kinect" => MeasurementSystem::DepthCamera,
            "openpose-json" | "blazepose-json" | "alphapose-json" => MeasurementSystem::Video2D,
            _ => MeasurementSystem::Unknown,
        }
    }
}

/// A minimal detectable change with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectableChange {
    /// Smallest detectable difference, in the measure's unit.
    pub value: f64,
    /// Where it comes from.
    pub source: &'static str,
}

/// The minimal detectable change of a measure for a system, when `clinical-spec.md` §6 gives
/// one. The upper end of each published range is used (the conservative choice).
pub fn minimal_detectable_change(
    system: MeasurementSystem,
    kind: MeasureKind,
) -> Option<DetectableChange> {
    match (system, kind) {
        (MeasurementSystem::Video2D, MeasureKind::KneeFrontalPlaneProjection) => {
            Some(DetectableChange {
                value: 8.93,
                source: "clinical-spec.md §6: 2-D video FPPA SDD 7.54-8.93° (Munro 2012 [133])",
            })
        }
        (MeasurementSystem::DepthCamera, MeasureKind::KneeFlexion) => Some(DetectableChange {
            value: 29.55,
            source: "clinical-spec.md §6: Kinect-based knee angle SDC 25.06-29.55° (Ressman \
                     2020 [136])",
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_published_values_are_known() {
        assert!(minimal_detectable_change(
            MeasurementSystem::Video2D,
            MeasureKind::KneeFrontalPlaneProjection
        )
        .is_some());
        assert!(minimal_detectable_change(
            MeasurementSystem::MarkerMocap,
            MeasureKind::KneeFlexion
        )
        .is_none());
        assert_eq!(
            MeasurementSystem::from_format("c3d"),
            MeasurementSystem::MarkerMocap
        );
        assert_eq!(
            MeasurementSystem::from_format("ui-prmd"),
            MeasurementSystem::DepthCamera
        );
    }
}
