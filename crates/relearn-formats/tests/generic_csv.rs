//! Generic skeleton CSV on real and long inputs: the BMC posture recording (a comma-separated
//! export with `Time,COG_X,...,R.Ankle_X,...` columns, `../shared/data/bmc-biomech-samples`)
//! and a generated one-hour 30 Hz Kinect-named recording streamed without holding its text.

// Test helpers outside #[test] functions fail loudly on bad data, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use relearn_core::{Dimensions, Landmark, LengthUnit};
use relearn_formats::generic_csv::GenericCsvReader;
use relearn_formats::{read_recording, Input, NoSiblings, Reader};
use std::io::{BufReader, Read};
use std::path::Path;

#[test]
fn bmc_posture_export_reads_as_generic_csv_with_ankle_landmarks() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let rec = read_recording(
        &data.join("bmc-biomech-samples/balance/postureData.txt"),
        None,
    )
    .unwrap();
    assert_eq!(rec.source.format, "generic-csv");
    assert_eq!(rec.frame_count(), 6000);
    assert!((rec.rate_hz - 100.0).abs() < 1e-6, "{}", rec.rate_hz);
    assert_eq!(rec.units, LengthUnit::Unknown);
    assert_eq!(rec.dimensions, Dimensions::Three);
    let names: Vec<&str> = rec
        .skeleton
        .joints()
        .iter()
        .map(|j| j.name.as_str())
        .collect();
    assert_eq!(names, ["COG", "R.Ankle", "L.Ankle"]);
    let right = rec.landmark(0, Landmark::RightAnkle).unwrap();
    assert!((right.x - 0.15038).abs() < 1e-6 && (right.z - 0.11538).abs() < 1e-6);
    assert!(rec.landmark(0, Landmark::LeftAnkle).is_some());
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
}

/// Generates a generic CSV row by row on demand, so that the text never exists in memory
/// as a whole: a one-hour, 30 Hz, 25-joint Kinect recording (108,000 rows, about 60 MB).
struct GeneratedCsv {
    rows: usize,
    next_row: usize,
    pending: Vec<u8>,
    offset: usize,
}

impl GeneratedCsv {
    const JOINTS: [&'static str; 25] = [
        "SpineBase",
        "SpineMid",
        "Neck",
        "Head",
        "ShoulderLeft",
        "ElbowLeft",
        "WristLeft",
        "HandLeft",
        "ShoulderRight",
        "ElbowRight",
        "WristRight",
        "HandRight",
        "HipLeft",
        "KneeLeft",
        "AnkleLeft",
        "FootLeft",
        "HipRight",
        "KneeRight",
        "AnkleRight",
        "FootRight",
        "SpineShoulder",
        "HandTipLeft",
        "ThumbLeft",
        "HandTipRight",
        "ThumbRight",
    ];

    fn new(rows: usize) -> Self {
        let header: Vec<String> = Self::JOINTS
            .iter()
            .flat_map(|j| ["x", "y", "z"].map(|a| format!("{j}_{a}")))
            .collect();
        let pending = format!("time_s,{}\n", header.join(",")).into_bytes();
        GeneratedCsv {
            rows,
            next_row: 0,
            pending,
            offset: 0,
        }
    }
}

impl Read for GeneratedCsv {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset == self.pending.len() {
            if self.next_row == self.rows {
                return Ok(0);
            }
            let f = self.next_row;
            self.pending.clear();
            self.offset = 0;
            let t = f as f64 / 30.0;
            self.pending.extend_from_slice(format!("{t:.6}").as_bytes());
            for j in 0..25 {
                let v = j as f64 * 0.05 + (f % 300) as f64 * 1e-3;
                self.pending
                    .extend_from_slice(format!(",{v:.4},{:.4},2.5000", 1.0 + v).as_bytes());
            }
            self.pending.push(b'\n');
            self.next_row += 1;
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

#[test]
fn a_one_hour_30_hz_kinect_csv_is_streamed_into_the_table() {
    let rows = 3600 * 30;
    let mut reader = BufReader::new(GeneratedCsv::new(rows));
    let mut input = Input {
        path: Path::new("hour.csv"),
        reader: &mut reader,
        siblings: &NoSiblings,
    };
    let rec = GenericCsvReader.read(&mut input).unwrap();
    assert_eq!(rec.frame_count(), rows);
    assert_eq!(rec.skeleton.name, "kinect-v2");
    assert!((rec.rate_hz - 30.0).abs() < 1e-3, "{}", rec.rate_hz);
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
    // The table is the only copy: 108,000 x 25 x 3 f32 = 32.4 MB.
    assert_eq!(rec.positions.values().len(), rows * 25 * 3);
    let last = rec.positions.get(rows - 1, 24).unwrap();
    assert!((last.x - (24.0 * 0.05 + ((rows - 1) % 300) as f64 * 1e-3)).abs() < 1e-4);
}

mod write_then_read {
    use proptest::prelude::*;
    use relearn_core::{
        Dimensions, LengthUnit, PositionTable, Recording, SignedAxis, Skeleton, SourceInfo, Vec3,
    };
    use relearn_formats::generic_csv::write_generic_csv;
    use relearn_formats::read_bytes;

    /// A recording of `joints` joints over the given frames (`None` = missing joint).
    fn recording(
        frames: &[Vec<Option<[f32; 3]>>],
        joints: usize,
        rate_hz: f64,
        start_time_s: f64,
        confidence: Option<Vec<f32>>,
        two_d: bool,
    ) -> Recording {
        let names: Vec<String> = (0..joints).map(|j| format!("marker{j}")).collect();
        let skeleton = Skeleton::from_joint_names(&names).unwrap();
        let mut table = PositionTable::missing(frames.len(), joints);
        for (f, row) in frames.iter().enumerate() {
            for (j, p) in row.iter().enumerate() {
                if let Some([x, y, z]) = p {
                    let z = if two_d { 0.0 } else { *z };
                    table.set(f, j, Vec3::new(f64::from(*x), f64::from(*y), f64::from(z)));
                }
            }
        }
        let mut rec = Recording::new(SourceInfo::default(), skeleton, rate_hz, table).unwrap();
        rec.start_time_s = start_time_s;
        rec.units = LengthUnit::Millimetres;
        rec.up = Some(SignedAxis::NegY);
        rec.confidence = confidence;
        if two_d {
            rec.dimensions = Dimensions::Two;
        }
        rec
    }

    fn frames_strategy() -> impl Strategy<Value = (usize, Vec<Vec<Option<[f32; 3]>>>)> {
        (2usize..6).prop_flat_map(|joints| {
            let point = prop::option::weighted(0.9, prop::array::uniform3(-5.0e3f32..5.0e3));
            (
                Just(joints),
                prop::collection::vec(prop::collection::vec(point, joints), 2..40),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// `relearn convert` promises that the CSV is the recording: every position bit for
        /// bit, the same frames, rate, start time, unit and vertical, confidences to 0.001.
        #[test]
        fn a_written_recording_reads_back_the_same(
            (joints, frames) in frames_strategy(),
            rate_hz in 1.0f64..1000.0,
            start_time_s in 0.0f64..3600.0,
            with_confidence in any::<bool>(),
            two_d in any::<bool>(),
            seed in any::<u32>(),
        ) {
            let confidence = with_confidence.then(|| {
                (0..frames.len() * joints)
                    .map(|i| ((i as u32).wrapping_mul(2_654_435_761) ^ seed) as f32 / u32::MAX as f32)
                    .collect::<Vec<f32>>()
            });
            let rec = recording(&frames, joints, rate_hz, start_time_s, confidence, two_d);
            let mut text = Vec::new();
            write_generic_csv(&rec, &mut text).unwrap();
            let back = read_bytes("back.csv", &text, Some("generic-csv"))
                .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&text))))?;
            prop_assert_eq!(back.frame_count(), rec.frame_count());
            prop_assert_eq!(back.skeleton.len(), joints);
            prop_assert_eq!(back.dimensions, rec.dimensions);
            prop_assert_eq!((back.units, back.up), (rec.units, rec.up));
            prop_assert!((back.rate_hz - rate_hz).abs() <= 1e-9 * rate_hz, "{} {}", back.rate_hz, rate_hz);
            prop_assert!((back.start_time_s - start_time_s).abs() <= 1e-9, "{}", back.start_time_s);
            for f in 0..rec.frame_count() {
                for j in 0..joints {
                    prop_assert_eq!(back.positions.get(f, j), rec.positions.get(f, j), "frame {} joint {}", f, j);
                    if rec.positions.get(f, j).is_some() {
                        // Written to 0.001: half of it, plus the f32 rounding of both ends.
                        prop_assert!((back.confidence(f, j) - rec.confidence(f, j)).abs() <= 5e-4 + 1e-6);
                    }
                }
            }
        }
    }
}
