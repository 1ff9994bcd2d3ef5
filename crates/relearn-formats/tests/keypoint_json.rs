//! Real-data tests of the keypoint JSON readers on the KERAAL sample (`../shared/data/
//! keraal-sample/dataSampleKeraal`): the same three videos analysed by OpenPose, BlazePose
//! and AlphaPose. Skips with a printed reason when the data folder is absent.

// Test helpers outside #[test] functions fail loudly on bad data, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use relearn_core::lab::detect_up_axis;
use relearn_core::{stats, Dimensions, Landmark, LengthUnit, Recording, SignedAxis};
use relearn_formats::read_recording;
use std::path::Path;

fn read(data: &Path, model: &str, exercise: &str) -> Recording {
    let path = data.join(format!(
        "keraal-sample/dataSampleKeraal/G3-{model}-{exercise}-P1T1-Unknown-C-0.json"
    ));
    read_recording(&path, None).unwrap()
}

/// Median image position (x, y) of a landmark over the recording.
fn median_xy(rec: &Recording, landmark: Landmark) -> (f64, f64) {
    let pts: Vec<_> = (0..rec.frame_count())
        .filter_map(|f| rec.landmark(f, landmark))
        .collect();
    let xs: Vec<f64> = pts.iter().map(|p| p.x).collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.y).collect();
    (stats::median(&xs).unwrap(), stats::median(&ys).unwrap())
}

#[test]
fn every_keraal_keypoint_file_is_detected_and_read_in_frame_order() {
    let Some(data) = common::data_dir() else {
        return;
    };
    // Frame counts: one per frame number; AlphaPose CTK has no entry for frame 12, which is
    // kept as a missing frame.
    for (model, format, counts) in [
        ("OP", "openpose-json", [197, 194, 195]),
        ("BP", "blazepose-json", [196, 193, 194]),
        ("AP", "alphapose-json", [196, 193, 194]),
    ] {
        for (exercise, frames) in ["CTK", "ELK", "RTK"].into_iter().zip(counts) {
            let rec = read(&data, model, exercise);
            assert_eq!(rec.source.format, format, "{model} {exercise}");
            assert_eq!(rec.frame_count(), frames, "{model} {exercise}");
            assert_eq!(rec.dimensions, Dimensions::Two);
            assert_eq!(rec.units, LengthUnit::NormalisedImage);
            assert_eq!(rec.up, Some(SignedAxis::NegY));
            assert!(rec.warnings.iter().any(|w| w.code == "frame_rate_assumed"));
            let values: Vec<f32> = rec
                .positions
                .values()
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            assert!(
                values.iter().all(|v| (0.0..=1.0).contains(v)),
                "{model} {exercise}"
            );
            // Standing person, y down: the head is above the feet in the image.
            assert_eq!(detect_up_axis(&rec).map(|(a, _)| a), Some(SignedAxis::NegY));
        }
    }
    let ap = read(&data, "AP", "CTK");
    assert!((0..17).all(|j| ap.positions.get(12, j).is_none()));
    assert!(ap.warnings.iter().any(|w| w.code == "frames_missing"));
}

#[test]
fn the_three_models_put_the_same_joints_in_the_same_place() {
    let Some(data) = common::data_dir() else {
        return;
    };
    for exercise in ["CTK", "ELK", "RTK"] {
        let op = read(&data, "OP", exercise);
        let bp = read(&data, "BP", exercise);
        let ap = read(&data, "AP", exercise);
        for landmark in [
            Landmark::Nose,
            Landmark::LeftShoulder,
            Landmark::RightShoulder,
            Landmark::RightHip,
            Landmark::LeftAnkle,
        ] {
            let (ox, oy) = median_xy(&op, landmark);
            let (ax, ay) = median_xy(&ap, landmark);
            let (_, by) = median_xy(&bp, landmark);
            // OpenPose and AlphaPose normalise by the same image size: x and y agree.
            assert!(
                (ox - ax).abs() < 0.015 && (oy - ay).abs() < 0.015,
                "{exercise} {landmark:?}"
            );
            // BlazePose's x is shifted (a different crop) but heights agree.
            assert!(
                (oy - by).abs() < 0.015,
                "{exercise} {landmark:?}: {oy} vs {by}"
            );
        }
        // The person faces the camera: their left shoulder is on the image's right.
        for rec in [&op, &bp, &ap] {
            let (lx, _) = median_xy(rec, Landmark::LeftShoulder);
            let (rx, _) = median_xy(rec, Landmark::RightShoulder);
            assert!(lx > rx + 0.03, "{exercise} {}", rec.source.format);
        }
    }
}
