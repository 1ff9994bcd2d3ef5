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
