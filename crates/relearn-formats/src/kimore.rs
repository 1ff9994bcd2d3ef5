//! KIMORE raw Kinect v2 CSV (`kimore-csv`).
//!
//! The raw `JointPosition` layout of the KIMORE data set (Capecci et al. 2019, IEEE TNSRE
//! 27(7):1436-1448): comma-separated, no header, one row per frame, 100 values = 25 joints in
//! the Kinect v2 SDK order x (x, y, z, tracking state). Positions are metres in Kinect camera
//! space (y up, z away from the sensor), 30 Hz (the Kinect v2 body stream rate). The tracking
//! state is the SDK's `TrackingState`: 2 tracked, 1 inferred, 0 not tracked.

use crate::error::{FormatError, Location, Result};
use crate::text::{self, Separator};
use crate::{Input, Reader};
use relearn_core::skeleton::known;
use relearn_core::{LengthUnit, PositionTable, Recording, SignedAxis, Skeleton, SourceInfo};

/// Frame rate of the Kinect v2 body stream in Hz (Microsoft Kinect for Windows SDK 2.0; KIMORE
/// states 30 Hz).
pub const KINECT_V2_RATE_HZ: f64 = 30.0;

/// Joints per frame (Kinect v2).
const JOINTS: usize = known::KINECT_V2.len();
/// Values per joint: x, y, z, tracking state.
const PER_JOINT: usize = 4;
/// Values per row.
const COLUMNS: usize = JOINTS * PER_JOINT;
const LAYOUT: &str = "25 Kinect v2 joints x (x, y, z, tracking state)";

/// Confidence given to each Kinect tracking state (index = state): not tracked 0.0, inferred
/// 0.5, tracked 1.0. "Inferred" sits between the §5.1 keypoint threshold of 0.3 and 1, so it
/// counts as usable but is reported as inferred (`relearn_core::quality`).
pub const TRACKING_STATE_CONFIDENCE: [f32; 3] = [0.0, 0.5, 1.0];

/// Reader of KIMORE raw Kinect v2 CSV files.
///
/// Not-tracked joints (state 0) have no position (NaN) and confidence 0; the skeleton is
/// `known::KINECT_V2`; units metres, up +y.
#[derive(Debug, Clone, Copy, Default)]
pub struct KimoreCsvReader;

impl Reader for KimoreCsvReader {
    fn id(&self) -> &'static str {
        "kimore-csv"
    }

    fn description(&self) -> &'static str {
        "KIMORE raw Kinect v2 CSV: 25 joints x (x, y, z, tracking state), metres, 30 Hz, no header"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        if text::is_c3d_or_trc(head) {
            return 0;
        }
        let Some(first) = text::head_lines(head).first().copied() else {
            return 0;
        };
        let Some(values) = text::numeric_fields(first, Separator::Comma) else {
            return 0;
        };
        let states_valid = values.len() == COLUMNS
            && values
                .chunks_exact(PER_JOINT)
                .all(|j| j.get(3).is_some_and(|s| tracking_state(*s).is_some()));
        match (
            states_valid,
            name.to_ascii_lowercase().contains("jointposition"),
        ) {
            (true, true) => 95,
            (true, false) => 85,
            (false, _) => 0,
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        let mut values: Vec<f32> = Vec::new();
        let mut confidence: Vec<f32> = Vec::new();
        let frames = text::for_each_numeric_row(
            input.reader,
            &path,
            Separator::Comma,
            COLUMNS,
            LAYOUT,
            |line, row| {
                for (j, joint) in row.chunks_exact(PER_JOINT).enumerate() {
                    let &[x, y, z, s] = joint else { continue };
                    let state = tracking_state(s).ok_or_else(|| {
                        FormatError::new(
                            &path,
                            Some(Location::LineColumn(line, j * PER_JOINT + 4)),
                            format!(
                                "expected a Kinect tracking state 0, 1 or 2 for joint {} \
                                 ({}), found {s}",
                                j,
                                known::KINECT_V2.get(j).map_or("?", |d| d.0)
                            ),
                        )
                    })?;
                    let c = TRACKING_STATE_CONFIDENCE.get(state).copied().unwrap_or(0.0);
                    if state == 0 {
                        values.extend_from_slice(&[f32::NAN; 3]);
                    } else {
                        values.extend_from_slice(&[x as f32, y as f32, z as f32]);
                    }
                    confidence.push(c);
                }
                Ok(())
            },
        )?;
        let skeleton = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2)
            .map_err(|e| text::model_error(&path, e))?;
        let table = PositionTable::from_values(frames, JOINTS, values)
            .map_err(|e| text::model_error(&path, e))?;
        let mut rec = Recording::new(SourceInfo::default(), skeleton, KINECT_V2_RATE_HZ, table)
            .map_err(|e| text::model_error(&path, e))?;
        rec.confidence = Some(confidence);
        rec.units = LengthUnit::Metres;
        rec.up = Some(SignedAxis::PosY);
        Ok(rec)
    }
}

/// The tracking state a value stands for (exactly 0, 1 or 2).
fn tracking_state(v: f64) -> Option<usize> {
    [0.0, 1.0, 2.0].iter().position(|s| *s == v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_bytes;

    /// A row with every joint at (0.1 j, 1, 2.5) and the given state.
    fn row(state: u8) -> String {
        (0..JOINTS)
            .map(|j| format!("{},1,2.5,{state}", j as f64 * 0.1))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn read(text: &str) -> Result<Recording> {
        read_bytes("input.csv", text.as_bytes(), Some("kimore-csv"))
    }

    #[test]
    fn tracking_states_map_to_confidence_and_not_tracked_is_missing() {
        let text = format!("{}\n{}\n{}\n", row(2), row(1), row(0));
        let rec = read(&text).unwrap();
        assert_eq!(rec.frame_count(), 3);
        assert_eq!(rec.confidence(0, 4), 1.0);
        assert_eq!(rec.confidence(1, 4), 0.5);
        assert_eq!(rec.confidence(2, 4), 0.0);
        assert!(rec.positions.get(1, 3).is_some());
        assert!(rec.positions.get(2, 3).is_none());
        let p = rec.positions.get(0, 3).unwrap();
        assert!((p.x - 0.3).abs() < 1e-6 && p.y == 1.0 && p.z == 2.5);
        assert_eq!(rec.up, Some(SignedAxis::PosY));
        assert_eq!(rec.units, LengthUnit::Metres);
        assert_eq!(rec.rate_hz, 30.0);
    }

    #[test]
    fn an_unknown_tracking_state_is_an_error_at_its_column() {
        let text = format!("{}\n{}\n", row(2), row(3));
        let e = read(&text).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(2, 4)));
        assert!(
            e.message.contains("0, 1 or 2") && e.message.contains("found 3"),
            "{e}"
        );
    }

    #[test]
    fn wrong_column_count_truncation_garbage_and_empty_are_errors() {
        let short = row(2).rsplit_once(',').unwrap().0.to_string();
        let e = read(&format!("{}\n{short}", row(2))).unwrap_err();
        assert_eq!(e.location, Some(Location::Line(2)));
        assert!(
            e.message.contains("expected 100") && e.message.contains("found 99"),
            "{e}"
        );
        assert!(e.message.contains("truncated"), "{e}");

        let garbled = row(2).replacen("1,", "1x,", 1);
        let e = read(&garbled).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(1, 2)));
        assert!(e.message.contains("\"1x\""), "{e}");

        let e = read("\n\n  \n").unwrap_err();
        assert!(e.message.contains("no data rows"), "{e}");
    }

    #[test]
    fn nan_positions_are_missing_but_keep_the_state() {
        let text = row(2).replacen("0,1,2.5", "NaN,1,2.5", 1);
        let rec = read(&text).unwrap();
        assert!(rec.positions.get(0, 0).is_none());
        assert_eq!(rec.confidence(0, 0), 1.0);
    }

    #[test]
    fn sniff_wants_one_hundred_numbers_with_tracking_states() {
        let r = KimoreCsvReader;
        assert!(r.sniff("input.csv", format!("{}\n", row(2)).as_bytes()) >= 80);
        assert_eq!(
            r.sniff("input.csv", row(2).replace(",2,", ",0.7,").as_bytes()),
            0
        );
        assert_eq!(r.sniff("input.csv", b"time_s,a_x\n0,1\n"), 0);
        assert_eq!(r.sniff("x.c3d", &[0x02, 0x50, 0x01]), 0);
    }
}
