//! The TRC reader on `../shared/data/bmc-biomech-samples/trc` (OpenSim / Cortex exports, see
//! `../shared/data/README.md`, "bmc-biomech-samples").

// The helpers below serve the tests and fail them the same way (clippy allows this inside
// `#[test]` functions only).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relearn_core::{LengthUnit, Recording};
use std::path::PathBuf;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn read(name: &str) -> Option<Recording> {
    let dir = PathBuf::from(DATA).join("bmc-biomech-samples/trc");
    if !dir.is_dir() {
        println!(
            "skipped: the shared data folder {} is absent",
            dir.display()
        );
        return None;
    }
    Some(relearn_formats::read_recording(&dir.join(name), None).unwrap_or_else(|e| panic!("{e}")))
}

/// Asserts marker count, frame count, rate, units, format and one position read from the file.
fn check(r: &Recording, markers: usize, frames: usize, marker: &str, frame: usize, xyz: [f64; 3]) {
    assert_eq!(r.skeleton.len(), markers);
    assert_eq!(r.frame_count(), frames);
    assert_eq!(r.rate_hz, 150.0);
    assert_eq!(r.units, LengthUnit::Millimetres);
    assert_eq!(r.source.format, "trc");
    let j = r.skeleton.joint_index(marker).unwrap();
    let p = r.positions.get(frame, j).unwrap();
    for (got, want) in [p.x, p.y, p.z].into_iter().zip(xyz) {
        assert!(
            (got - want).abs() < 1e-3,
            "{marker} frame {frame}: {p:?} vs {xyz:?}"
        );
    }
}

#[test]
fn walk1_has_28_markers_364_frames_at_150_hz_in_mm() {
    let Some(r) = read("walk1.trc") else { return };
    check(
        &r,
        28,
        364,
        "R.ASIS",
        0,
        [-148.01762, 1039.82568, -479.70297],
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.up, None);
}

/// walk.trc names 55 markers but its header says `NumMarkers 28`: the 27 extra (Cortex virtual
/// markers `V_...`) are empty in every row and are dropped with a warning.
#[test]
fn walk_keeps_the_28_declared_markers_and_drops_27_empty_virtual_ones() {
    let Some(r) = read("walk.trc") else { return };
    check(&r, 28, 184, "R.ASIS", 0, [516.54236, 966.88000, -306.10416]);
    assert!(r.warnings.iter().any(|w| w.code == "empty_markers_dropped"));
    // Last row, first marker: "184 1.220 1916.91516 958.57813 -294.85443".
    check(
        &r,
        28,
        184,
        "R.ASIS",
        183,
        [1916.91516, 958.57813, -294.85443],
    );
}

#[test]
fn the_running_trial_has_78_markers_with_empty_cells_as_missing() {
    let Some(r) = read("motion_capture_run.trc") else {
        return;
    };
    check(&r, 78, 123, "RACR", 0, [-29.96947, 1430.34631, -94.01600]);
    // Row 1 leaves RASH, RPSH, LASH and LPSH (markers 5-8) empty; RUA1 follows them.
    for name in ["RASH", "RPSH", "LASH", "LPSH"] {
        assert_eq!(
            r.positions.get(0, r.skeleton.joint_index(name).unwrap()),
            None
        );
    }
    check(&r, 78, 123, "RUA1", 0, [-109.48244, 1368.95178, -21.47985]);
    assert!((r.time_s(122) - 0.813).abs() < 0.002, "{}", r.time_s(122));
}

#[test]
fn trc_is_detected_by_its_first_line_whatever_the_name() {
    let dir = PathBuf::from(DATA).join("bmc-biomech-samples/trc");
    let Ok(bytes) = std::fs::read(dir.join("walk1.trc")) else {
        println!("skipped: the shared data folder is absent");
        return;
    };
    let r = relearn_formats::read_bytes("upload.bin", &bytes, None).unwrap();
    assert_eq!(r.source.format, "trc");
    // Cut anywhere: a recording of fewer rows, or an error naming the file; never a panic.
    for cut in (0..bytes.len()).step_by(997) {
        match relearn_formats::read_bytes("cut.trc", &bytes[..cut], None) {
            Ok(r) => assert!(r.frame_count() <= 364),
            Err(e) => assert!(e.to_string().starts_with("cut.trc"), "{e}"),
        }
    }
}
