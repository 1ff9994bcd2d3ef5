//! The C3D reader on the public sample files in `../shared/data` (c3d.org samples kept by c3dio,
//! ezc3d's vendor files, the BMC gait trial). See `../shared/data/README.md`, "C3D and TRC
//! samples", for the reference values asserted here.

// The helpers below serve the tests and fail them the same way (clippy allows this inside
// `#[test]` functions only).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relearn_core::{LengthUnit, Recording, SignedAxis};
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// Files that must be rejected, with a phrase their error has to contain and why.
const REJECTED: [(&str, &str, &str); 1] = [(
    "C3DRotationExample.c3d",
    "only 21 rotations",
    "no markers and no analog channels: the file holds only a ROTATION group (21 rigid-body \
     rotations), which Relearn does not read",
)];

fn data_dir() -> Option<PathBuf> {
    let d = PathBuf::from(DATA);
    if d.is_dir() {
        Some(d)
    } else {
        println!("skipped: the shared data folder {DATA} is absent");
        None
    }
}

fn read(rel: &str) -> Option<Recording> {
    let dir = data_dir()?;
    Some(relearn_formats::read_recording(&dir.join(rel), None).unwrap_or_else(|e| panic!("{e}")))
}

fn c3d_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(c3d_files(&p));
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("c3d")) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Asserts that variants of the same recording hold the same markers (same missing pattern,
/// positions within `tol_mm`) and the same analog samples (within `tol_analog`).
fn assert_same_data(files: &[&str], tol_mm: f32, tol_analog: f32) {
    let Some(recs) = files.iter().map(|f| read(f)).collect::<Option<Vec<_>>>() else {
        return;
    };
    let base = &recs[0];
    for (name, r) in files.iter().zip(&recs).skip(1) {
        assert_eq!(r.frame_count(), base.frame_count(), "{name}");
        assert_eq!(r.skeleton, base.skeleton, "{name}");
        assert_eq!(r.rate_hz, base.rate_hz, "{name}");
        assert_eq!(r.units, base.units, "{name}");
        let mut max = 0f32;
        for (a, b) in base.positions.values().iter().zip(r.positions.values()) {
            assert_eq!(a.is_nan(), b.is_nan(), "{name}: missing markers differ");
            if a.is_finite() {
                max = max.max((a - b).abs());
            }
        }
        assert!(max <= tol_mm, "{name}: markers differ by {max} mm");
        assert_eq!(r.analog.len(), base.analog.len(), "{name}");
        for (a, b) in base.analog.iter().zip(&r.analog) {
            assert_eq!(
                (&a.label, &a.unit, a.rate_hz),
                (&b.label, &b.unit, b.rate_hz),
                "{name}"
            );
            assert_eq!(a.samples.len(), b.samples.len(), "{name}");
            for (x, y) in a.samples.iter().zip(&b.samples) {
                assert!(
                    (x - y).abs() <= tol_analog,
                    "{name} {}: {x} vs {y}",
                    a.label
                );
            }
        }
    }
}

#[test]
fn sample_01_intel_sgi_and_dec_integer_and_float_read_identically() {
    let files = [
        "Eb015pi", "Eb015pr", "Eb015si", "Eb015sr", "Eb015vi", "Eb015vr",
    ]
    .map(|f| format!("c3d-samples-c3dio/sample_01/{f}.c3d"));
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    assert_same_data(&files, 1e-3, 1e-4);
    let Some(r) = read(files[0]) else { return };
    assert_eq!(
        (r.skeleton.len(), r.frame_count(), r.rate_hz),
        (26, 450, 50.0)
    );
    assert_eq!(r.skeleton.joints()[0].name, "RFT1");
    // Known answer (c3dio reads the same): RFT1 in frame 0.
    let p = r.positions.get(0, 0).unwrap();
    assert!(
        (p.x - 248.58334).abs() < 1e-3 && (p.y - 226.83334).abs() < 1e-3,
        "{p:?}"
    );
    assert!((p.z - 37.416668).abs() < 1e-3, "{p:?}");
    let measured = r
        .positions
        .values()
        .chunks(3)
        .filter(|c| c[0].is_finite())
        .count();
    assert_eq!(measured, 11474);
    assert_eq!(r.analog.len(), 16);
    assert_eq!(r.analog[0].rate_hz, 200.0);
}

#[test]
fn sample_02_intel_sgi_and_dec_integer_and_float_read_identically() {
    let files = [
        "pc_int", "pc_real", "sgi_int", "sgi_real", "dec_int", "dec_real",
    ]
    .map(|f| format!("c3d-samples-c3dio/sample_02/{f}.c3d"));
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    // The Intel and SGI integer files agree exactly; the DEC integer file agrees exactly with
    // the three float files. Between the two sets, 58 points (59 coordinates of 9612) differ by
    // one integer step (POINT:SCALE = 0.281 mm): their raw 16-bit values in pc_int/sgi_int are
    // one higher or lower than in dec_int, a rounding made when the set was written. Analog
    // samples agree exactly everywhere.
    assert_same_data(&[files[0], files[2]], 0.0, 0.0);
    assert_same_data(&[files[4], files[1], files[3], files[5]], 0.0, 0.0);
    assert_same_data(&files, 0.2812 + 1e-3, 0.0);
    let Some(r) = read(files[0]) else { return };
    // README: 36 markers, 16 analog channels, frames 1-89, 50 Hz video, 200 Hz analog.
    assert_eq!(
        (r.skeleton.len(), r.frame_count(), r.rate_hz),
        (36, 89, 50.0)
    );
    assert_eq!(r.analog.len(), 16);
    assert_eq!(r.analog[0].rate_hz, 200.0);
    assert_eq!(r.analog[0].samples.len(), 89 * 4);
    assert_eq!(r.units, LengthUnit::Millimetres);
}

#[test]
fn sample_08_parameter_sections_anywhere_read_identically() {
    let files = ["EB015PI", "TESTAPI", "TESTBPI", "TESTCPI", "TESTDPI"]
        .map(|f| format!("c3d-samples-c3dio/sample_08/{f}.c3d"));
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    assert_same_data(&files, 0.0, 0.0);
    let Some(r) = read(files[2]) else { return };
    assert_eq!(
        (r.skeleton.len(), r.frame_count(), r.analog.len()),
        (26, 450, 16)
    );
}

/// ezc3d's header reference values (README table), with `samples per frame` = analog rate /
/// point rate.
#[test]
fn ezc3d_vendor_files_match_the_reference_header_values() {
    // (file, points, point rate, analog channels, analog samples per frame, frames, first frame
    // 0-based)
    let table: [(&str, usize, f64, usize, usize, usize, u32); 3] = [
        ("Qualisys.c3d", 55, 200.0, 69, 10, 340, 704),
        ("Optotrak.c3d", 54, 30.0, 0, 0, 29, 0),
        ("BTS.c3d", 22, 100.0, 44, 10, 675, 0),
    ];
    for (file, points, rate, channels, per_frame, frames, first) in table {
        let Some(r) = read(&format!("c3d-samples-ezc3d/{file}")) else {
            return;
        };
        assert_eq!(r.skeleton.len(), points, "{file}");
        assert_eq!(r.rate_hz, rate, "{file}");
        assert_eq!(r.analog.len(), channels, "{file}");
        assert_eq!(r.frame_count(), frames, "{file}");
        assert!(
            (r.start_time_s - f64::from(first) / rate).abs() < 1e-9,
            "{file}"
        );
        for a in &r.analog {
            assert_eq!(a.rate_hz, rate * per_frame as f64, "{file}");
            assert_eq!(a.samples.len(), frames * per_frame, "{file}");
        }
    }
}

/// Kistler.c3d has no POINT group. ezc3d reports a point rate of 0 and 1 analog sample per
/// frame because it defaults the missing POINT:RATE to 0; the header states 60 Hz and 10 samples
/// per frame, and the data section is exactly 3969 frames x 10 samples x 16 channels x 2 bytes,
/// so those are the values used here. Points, channels and frames match ezc3d.
#[test]
fn kistler_analog_only_file_reads_its_sixteen_force_channels() {
    let Some(r) = read("c3d-samples-ezc3d/Kistler.c3d") else {
        return;
    };
    assert_eq!(r.skeleton.len(), 0);
    assert_eq!(r.frame_count(), 3969);
    assert_eq!(r.rate_hz, 60.0);
    assert_eq!(r.analog.len(), 16);
    assert_eq!(r.analog[0].label, "F1x12");
    assert_eq!(r.analog[0].unit, "N");
    assert_eq!(r.analog[0].rate_hz, 600.0);
    assert_eq!(r.analog[0].samples.len(), 3969 * 10);
}

#[test]
fn optotrak_holding_fewer_frames_than_declared_is_read_with_a_warning() {
    let Some(r) = read("c3d-samples-ezc3d/Optotrak.c3d") else {
        return;
    };
    assert_eq!(r.frame_count(), 29);
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == "frames_missing")
        .unwrap();
    assert!(w.message.contains("declares 1149 frames"), "{}", w.message);
}

#[test]
fn every_sample_file_is_read_or_rejected_as_listed() {
    let Some(dir) = data_dir() else { return };
    let mut files = Vec::new();
    for d in [
        "c3d-samples-c3dio",
        "c3d-samples-ezc3d",
        "bmc-biomech-samples/c3d",
    ] {
        files.extend(c3d_files(&dir.join(d)));
    }
    assert_eq!(files.len(), 36, "sample files found: {files:?}");
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let result = relearn_formats::read_recording(&f, None);
        match REJECTED.iter().find(|(n, _, _)| *n == name) {
            Some((_, phrase, _why)) => {
                let e = result.expect_err(&name);
                assert!(e.to_string().contains(phrase), "{e}");
                assert!(e.to_string().contains(&name), "{e}");
            }
            None => {
                let r = result.unwrap_or_else(|e| panic!("{e}"));
                assert!(r.frame_count() > 0, "{name}");
                assert_eq!(r.source.format, "c3d", "{name}");
                assert!(r.skeleton.len() + r.analog.len() > 0, "{name}");
            }
        }
    }
}

#[test]
fn plug_in_gait_events_are_in_seconds_from_the_first_frame() {
    let Some(r) = read("c3d-samples-c3dio/sample_03/gait-pig.c3d") else {
        return;
    };
    assert_eq!(r.events.len(), 9);
    let first = &r.events[0];
    assert_eq!(
        (first.label.as_str(), first.context.as_str()),
        ("Foot Strike", "Left")
    );
    assert!((first.time_s - 0.57).abs() < 1e-6, "{}", first.time_s);
    // Qualisys starts at frame 705 (3.52 s at 200 Hz); its first event is at 3.59 s.
    let Some(q) = read("c3d-samples-ezc3d/Qualisys.c3d") else {
        return;
    };
    assert_eq!(q.events.len(), 7);
    assert_eq!(q.events[0].label, "LHS");
    assert!(
        (q.events[0].time_s - 0.07).abs() < 1e-5,
        "{}",
        q.events[0].time_s
    );
}

#[test]
fn analog_offsets_scales_and_general_scale_are_applied() {
    // gait-raw (DEC integer): channel LFS, frame 50, raw 1982, offset 2048, scale 1,
    // GEN_SCALE 0.00488.
    let Some(r) = read("c3d-samples-c3dio/sample_03/gait-raw.c3d") else {
        return;
    };
    let v = r.analog[0].samples[50 * 16];
    assert!((v - (1982.0 - 2048.0) * 0.00488).abs() < 1e-5, "{v}");
    // 16bitanalog (float): channel 33 (LFSW) has OFFSET -32768, the unsigned mid-scale 32768;
    // frame 100 holds the raw value 32748.
    let Some(r) = read("c3d-samples-c3dio/sample_07/16bitanalog.c3d") else {
        return;
    };
    assert_eq!(r.analog[32].label, "LFSW");
    assert_eq!(r.analog[32].samples[100 * 10], -20.0);
    // The file has no valid 3-D point (README): every residual word is 0xFFFF.
    assert!(r.positions.values().iter().all(|v| v.is_nan()));
}

#[test]
fn biogesta_points_with_non_standard_residual_words_are_kept() {
    let Some(r) = read("c3d-samples-c3dio/sample_30/marche281.c3d") else {
        return;
    };
    assert_eq!(
        (r.skeleton.len(), r.frame_count(), r.rate_hz),
        (29, 961, 240.0)
    );
    assert!(r.positions.values().iter().all(|v| v.is_finite()));
    let Some(emg) = read("c3d-samples-c3dio/sample_30/emgwl.c3d") else {
        return;
    };
    assert_eq!((emg.skeleton.len(), emg.analog.len()), (0, 4));
    assert_eq!(emg.analog[0].rate_hz, 1600.0);
}

#[test]
fn the_up_axis_comes_from_y_screen_without_its_sign() {
    for (file, up) in [
        ("c3d-samples-ezc3d/Qualisys.c3d", Some(SignedAxis::PosZ)),
        ("c3d-samples-ezc3d/BTS.c3d", Some(SignedAxis::PosY)),
        ("c3d-samples-ezc3d/FP_Type1.c3d", Some(SignedAxis::PosY)),
        ("bmc-biomech-samples/c3d/Gait.c3d", Some(SignedAxis::PosZ)),
        ("c3d-samples-c3dio/sample_30/marche281.c3d", None),
    ] {
        let Some(r) = read(file) else { return };
        assert_eq!(r.up, up, "{file}");
        if let Some(up) = up {
            // The stated axis is the one along which the markers spread from the floor to the
            // head (about 1-1.9 m): check it against the data.
            let axis = up.index();
            let (mut lo, mut hi) = (f32::MAX, f32::MIN);
            for c in r
                .positions
                .values()
                .chunks(3)
                .filter(|c| c[axis].is_finite())
            {
                lo = lo.min(c[axis]);
                hi = hi.max(c[axis]);
            }
            let metres = if r.units == LengthUnit::Metres {
                1.0
            } else {
                0.001
            };
            let span = f64::from(hi - lo) * metres;
            assert!(
                f64::from(lo) * metres > -0.1 && (0.9..2.0).contains(&span),
                "{file}: {lo}..{hi}"
            );
        }
    }
}

#[test]
fn gait_c3d_repeated_labels_are_made_unique() {
    let Some(r) = read("bmc-biomech-samples/c3d/Gait.c3d") else {
        return;
    };
    assert_eq!(
        (r.skeleton.len(), r.frame_count(), r.analog.len()),
        (33, 487, 28)
    );
    assert!(r.skeleton.joint_index("RKNE_2").is_some());
    assert_eq!(r.units, LengthUnit::Millimetres);
}

#[test]
fn a_real_file_cut_at_many_offsets_errors_or_reports_missing_frames() {
    let Some(dir) = data_dir() else { return };
    let bytes = std::fs::read(dir.join("c3d-samples-ezc3d/FP_Type3.c3d")).unwrap();
    let data_at = 14 * 512;
    for cut in (0..bytes.len()).step_by(7) {
        match relearn_formats::read_bytes("cut.c3d", &bytes[..cut], None) {
            Err(e) => assert!(e.to_string().starts_with("cut.c3d"), "{e}"),
            Ok(r) => {
                assert!(cut > data_at, "cut at {cut} read");
                // Either both frames survive (the cut is in the padding after the data) or
                // the missing frames are reported.
                let complete = r.frame_count() == 2 && r.warnings.is_empty();
                assert!(complete || r.warnings.iter().any(|w| w.code == "frames_missing"));
            }
        }
    }
}
