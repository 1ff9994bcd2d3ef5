//! Real-data tests of the Kinect text readers: UI-PRMD (positions rebuilt from the Angles
//! files), KIMORE raw CSV and KERAAL Kinect text. The data are in `../shared/data`
//! (`README.md` there describes each set); every test skips with a printed reason when the
//! folder is absent.

// Test helpers outside #[test] functions fail loudly on bad data, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use relearn_core::lab::{detect_up_axis, leg_length};
use relearn_core::{stats, Landmark, Recording, SignedAxis};
use relearn_formats::read_recording;
use std::path::{Path, PathBuf};

fn ui_prmd_positions(data: &Path, file: &str) -> PathBuf {
    let folder = if file.contains("_inc") {
        "Incorrect Segmented Movements"
    } else {
        "Segmented Movements"
    };
    data.join("ui-prmd")
        .join(folder)
        .join("Kinect/Positions")
        .join(format!("{file}.txt.gz"))
}

/// One coordinate of a landmark over all frames.
fn series(rec: &Recording, landmark: Landmark, axis: usize) -> Vec<f64> {
    (0..rec.frame_count())
        .map(|f| {
            rec.landmark(f, landmark)
                .map_or(f64::NAN, |p| p.to_array()[axis])
        })
        .collect()
}

fn distance(rec: &Recording, frame: usize, a: Landmark, b: Landmark) -> f64 {
    match (rec.landmark(frame, a), rec.landmark(frame, b)) {
        (Some(p), Some(q)) => (p - q).norm(),
        _ => f64::NAN,
    }
}

/// Median over frames of the distance between two landmarks.
fn median_distance(rec: &Recording, a: Landmark, b: Landmark) -> f64 {
    let d: Vec<f64> = (0..rec.frame_count())
        .map(|f| distance(rec, f, a, b))
        .collect();
    stats::median(&d).unwrap_or(f64::NAN)
}

#[test]
fn ui_prmd_feet_stay_planted_in_squat_side_lunge_and_sit_to_stand() {
    let Some(data) = common::data_dir() else {
        return;
    };
    for movement in ["m01", "m04", "m05"] {
        for rep in 1..=10 {
            let file = format!("{movement}_s03_e{rep:02}_positions");
            let rec = read_recording(&ui_prmd_positions(&data, &file), None).unwrap();
            assert_eq!(rec.source.format, "ui-prmd");
            for ankle in [Landmark::LeftAnkle, Landmark::RightAnkle] {
                let sd = stats::std_dev(&series(&rec, ankle, 1)).unwrap();
                assert!(
                    sd < 5.0,
                    "{file}: {ankle:?} height SD {sd:.1} cm, expected < 5"
                );
            }
            // The body does move: the pelvis goes down and up by tens of centimetres.
            let (lo, hi) = stats::min_max(&series(&rec, Landmark::Pelvis, 1)).unwrap();
            assert!(
                hi - lo > 20.0,
                "{file}: pelvis range {:.1} cm, expected > 20",
                hi - lo
            );
        }
    }
}

#[test]
fn ui_prmd_every_subject_is_upright_with_plausible_segment_lengths() {
    let Some(data) = common::data_dir() else {
        return;
    };
    for subject in 1..=10 {
        // Kinect v2 places its hip joints high, so its legs are short: per-file medians over
        // the whole set are 60-86 cm (m03, the inline lunge, has the shortest). The deep squat
        // (m01) of every subject is within 70-110 cm; every other file within 55-110 cm.
        for (movement, min_leg) in [("m01", 70.0), ("m07", 55.0)] {
            for suffix in ["", "_inc"] {
                let file = format!("{movement}_s{subject:02}_e01_positions{suffix}");
                let rec = read_recording(&ui_prmd_positions(&data, &file), None).unwrap();
                assert!(rec.frame_count() > 30, "{file}");
                assert_eq!(rec.up, Some(SignedAxis::PosY));
                for f in 0..rec.frame_count() {
                    let head = rec.landmark(f, Landmark::Head).unwrap();
                    for ankle in [Landmark::LeftAnkle, Landmark::RightAnkle] {
                        let a = rec.landmark(f, ankle).unwrap();
                        assert!(
                            head.y - a.y > 30.0,
                            "{file} frame {f}: head {:.1} cm above an ankle",
                            head.y - a.y
                        );
                    }
                }
                let leg = leg_length(&rec).unwrap();
                assert!(
                    (min_leg..110.0).contains(&leg),
                    "{file}: leg length {leg:.1} cm"
                );
                let shoulders =
                    median_distance(&rec, Landmark::LeftShoulder, Landmark::RightShoulder);
                assert!(
                    (25.0..45.0).contains(&shoulders),
                    "{file}: shoulder width {shoulders:.1}"
                );
                for side in [Landmark::LeftShoulder, Landmark::RightShoulder] {
                    let elbow = if side == Landmark::LeftShoulder {
                        Landmark::LeftElbow
                    } else {
                        Landmark::RightElbow
                    };
                    let upper_arm = median_distance(&rec, side, elbow);
                    assert!(
                        (22.0..33.0).contains(&upper_arm),
                        "{file}: upper arm {upper_arm:.1}"
                    );
                }
                for (hip, knee) in [
                    (Landmark::LeftHip, Landmark::LeftKnee),
                    (Landmark::RightHip, Landmark::RightKnee),
                ] {
                    let thigh = median_distance(&rec, hip, knee);
                    assert!((30.0..45.0).contains(&thigh), "{file}: thigh {thigh:.1}");
                }
                assert_eq!(
                    detect_up_axis(&rec).map(|(a, _)| a),
                    Some(SignedAxis::PosY),
                    "{file}"
                );
            }
        }
    }
}

/// Evidence for the landmark rows of `known::UI_PRMD_22` around the neck: by raw row index,
/// "Neck" (row 4) lies within 2 cm of "Chest" (row 3), "Head" (row 5) 5-9 cm above it and
/// "Head tip" (row 6) 13-18 cm above "Head", which matches Kinect v2's SpineShoulder -> Neck
/// (6-8 cm) -> Head (about 14 cm) in the KIMORE and KERAAL recordings.
#[test]
fn ui_prmd_neck_rows_match_kinect_spine_shoulder_neck_and_head() {
    let Some(data) = common::data_dir() else {
        return;
    };
    for subject in 1..=10 {
        let file = format!("m01_s{subject:02}_e01_positions");
        let rec = read_recording(&ui_prmd_positions(&data, &file), None).unwrap();
        let row_distance = |a: usize, b: usize| {
            let d: Vec<f64> = (0..rec.frame_count())
                .map(
                    |f| match (rec.positions.get(f, a), rec.positions.get(f, b)) {
                        (Some(p), Some(q)) => (p - q).norm(),
                        _ => f64::NAN,
                    },
                )
                .collect();
            stats::median(&d).unwrap()
        };
        let (chest, neck, head, head_tip) = (2, 3, 4, 5);
        assert!(row_distance(chest, neck) < 2.0, "{file}");
        assert!((5.0..9.0).contains(&row_distance(neck, head)), "{file}");
        assert!(
            (13.0..18.0).contains(&row_distance(head, head_tip)),
            "{file}"
        );
    }
}

#[test]
fn ui_prmd_plain_positions_find_compressed_angles() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let source = ui_prmd_positions(&data, "m05_s03_e01_positions");
    let reference = read_recording(&source, None).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-prmd-plain");
    std::fs::create_dir_all(dir.join("Positions")).unwrap();
    std::fs::create_dir_all(dir.join("Angles")).unwrap();
    let mut plain = Vec::new();
    std::io::copy(
        &mut relearn_formats::open_decompressed(&source).unwrap(),
        &mut plain,
    )
    .unwrap();
    let positions = dir.join("Positions/m05_s03_e01_positions.txt");
    std::fs::write(&positions, plain).unwrap();
    let angles = data.join("ui-prmd/Segmented Movements/Kinect/Angles/m05_s03_e01_angles.txt.gz");
    std::fs::copy(angles, dir.join("Angles/m05_s03_e01_angles.txt.gz")).unwrap();
    let rec = read_recording(&positions, None).unwrap();
    assert_eq!(rec.positions, reference.positions);

    std::fs::remove_file(dir.join("Angles/m05_s03_e01_angles.txt.gz")).unwrap();
    let e = read_recording(&positions, None).unwrap_err();
    assert!(e.message.contains("Angles/m05_s03_e01_angles.txt"), "{e}");
}

#[test]
fn kimore_sample_reads_all_frames_with_tracking_confidence() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let rec = read_recording(&data.join("kimore-sample-stgcn/input.csv"), None).unwrap();
    assert_eq!(rec.source.format, "kimore-csv");
    assert_eq!(rec.frame_count(), 1423);
    assert_eq!(rec.skeleton.name, "kinect-v2");
    assert!((rec.duration_s() - 1423.0 / 30.0).abs() < 1e-9);
    let conf = rec.confidence.as_ref().unwrap();
    // The sample has 1256 inferred joint samples (state 1) and none untracked.
    assert_eq!(conf.iter().filter(|c| **c == 0.5).count(), 1256);
    assert_eq!(conf.iter().filter(|c| **c == 0.0).count(), 0);
    let leg = leg_length(&rec).unwrap();
    assert!((0.6..1.1).contains(&leg), "leg length {leg:.2} m");
    assert_eq!(detect_up_axis(&rec).map(|(a, _)| a), Some(SignedAxis::PosY));
    let first = rec.positions.get(0, 0).unwrap();
    assert!((first.x - -0.0652774).abs() < 1e-6 && (first.z - 2.56966).abs() < 1e-6);
}

#[test]
fn keraal_kinect_samples_read_upright_with_their_frame_counts() {
    let Some(data) = common::data_dir() else {
        return;
    };
    for (exercise, frames) in [("CTK", 197), ("ELK", 193), ("RTK", 193)] {
        let path = data.join(format!(
            "keraal-sample/dataSampleKeraal/G3-Kinect-{exercise}-P1T1-Unknown-C-0.txt"
        ));
        let rec = read_recording(&path, None).unwrap();
        assert_eq!(rec.source.format, "keraal-kinect");
        assert_eq!(rec.frame_count(), frames, "{exercise}");
        let leg = leg_length(&rec).unwrap();
        assert!(
            (0.6..1.1).contains(&leg),
            "{exercise}: leg length {leg:.2} m"
        );
        assert_eq!(detect_up_axis(&rec).map(|(a, _)| a), Some(SignedAxis::PosY));
        let head = rec.landmark(0, Landmark::Head).unwrap();
        assert!((head.x - 0.354231).abs() < 1e-6 || exercise != "CTK");
    }
}
