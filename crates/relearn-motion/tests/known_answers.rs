//! Known-answer tests on simulated movements (`style-guide.md` §4): a squat with an injected
//! knee valgus of known size, and recordings with a known number of repetitions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use relearn_core::Side;
use relearn_motion::measures::{value_at_peak_of, Measure, MeasureKind, AT_PEAK_TOLERANCE};
use relearn_motion::prepare::{prepare, PrepareSettings};
use relearn_motion::segment::{segment_repetitions, SegmentSettings};
use relearn_motion::simulate::{simulate_squat, SimFrame, SquatSimulation};

/// FPPA at the frame of peak knee flexion of each repetition (`clinical-spec.md` §6: "measured
/// at peak knee flexion").
fn fppa_at_peak_flexion(sim: &SquatSimulation, side: Side) -> Vec<f64> {
    let (rec, truth) = simulate_squat(sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let flex = p
        .measures
        .get(Measure::sided(MeasureKind::KneeFlexion, side))
        .unwrap();
    let fppa = p
        .measures
        .get(Measure::sided(
            MeasureKind::KneeFrontalPlaneProjection,
            side,
        ))
        .unwrap();
    truth
        .reps
        .iter()
        .map(|&(a, b)| value_at_peak_of(&fppa[a..b], &flex[a..b], AT_PEAK_TOLERANCE).unwrap())
        .collect()
}

#[test]
fn valgus_of_12_degrees_is_measured_within_2() {
    let sim = SquatSimulation {
        valgus_deg: [12.0, 0.0],
        ..SquatSimulation::default()
    };
    eprintln!(
        "injected 12 (left): measured {:.1?}",
        fppa_at_peak_flexion(&sim, Side::Left)
    );
    for v in fppa_at_peak_flexion(&sim, Side::Left) {
        assert!((v - 12.0).abs() <= 2.0, "left FPPA {v}");
    }
    for v in fppa_at_peak_flexion(&sim, Side::Right) {
        assert!(v.abs() <= 2.0, "right FPPA {v}");
    }
}

/// With 4 mm of noise per joint and frame, a single repetition's value scatters by about 1°
/// (standard deviation); the mean over a set of repetitions, which is what a report gives,
/// must be within 2°, and no single repetition more than 3.5° off.
#[test]
fn valgus_is_measured_within_2_degrees_whatever_the_size_facing_and_frame() {
    for (valgus, yaw, frame, seed) in [
        (5.0, 0.0, SimFrame::Lab, 2),
        (8.0, 45.0, SimFrame::KinectCamera, 3),
        (15.0, -30.0, SimFrame::KinectCamera, 4),
        (20.0, 90.0, SimFrame::Lab, 5),
        (-8.0, 10.0, SimFrame::KinectCamera, 6),
    ] {
        let sim = SquatSimulation {
            valgus_deg: [0.0, valgus],
            yaw_deg: yaw,
            frame,
            seed,
            noise_m: 0.004,
            variability: 0.1,
            ..SquatSimulation::default()
        };
        let all = fppa_at_peak_flexion(&sim, Side::Right);
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        eprintln!("injected {valgus} (yaw {yaw}, {frame:?}): mean {mean:.2}, reps {all:.1?}");
        assert!(
            (mean - valgus).abs() <= 2.0,
            "injected {valgus}, mean {mean} (yaw {yaw})"
        );
        for v in &all {
            assert!(
                (v - valgus).abs() <= 3.5,
                "injected {valgus}, measured {all:?} (yaw {yaw})"
            );
        }
    }
}

#[test]
fn knee_flexion_depth_is_measured_within_2_degrees() {
    let sim = SquatSimulation {
        depth_deg: 95.0,
        variability: 0.05,
        seed: 9,
        ..SquatSimulation::default()
    };
    let (rec, truth) = simulate_squat(&sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let flex = p
        .measures
        .get(Measure::sided(MeasureKind::KneeFlexion, Side::Left))
        .unwrap();
    for (&(a, b), depth) in truth.reps.iter().zip(&truth.depth_deg) {
        let peak = flex[a..b].iter().copied().fold(f64::MIN, f64::max);
        assert!(
            (peak - depth).abs() <= 2.0,
            "truth {depth}, measured {peak}"
        );
    }
}

#[test]
fn segmentation_of_n_simulated_repetitions_finds_n() {
    for (n, seed) in [(1usize, 1u64), (3, 2), (5, 3), (8, 4), (12, 5)] {
        let sim = SquatSimulation {
            reps: n,
            variability: 0.15,
            noise_m: 0.006,
            seed,
            ..SquatSimulation::default()
        };
        let (rec, truth) = simulate_squat(&sim).unwrap();
        let p = prepare(rec, &PrepareSettings::default()).unwrap();
        let (reps, _) = segment_repetitions(&p, None, &SegmentSettings::default());
        assert_eq!(reps.len(), n, "seed {seed}: {reps:?} vs {:?}", truth.reps);
        for (r, (a, b)) in reps.iter().zip(&truth.reps) {
            // Boundaries within 0.5 s of the truth.
            assert!(
                (r.start_frame as f64 - *a as f64).abs() <= 15.0,
                "{r:?} vs {a}"
            );
            assert!(
                (r.end_frame as f64 - *b as f64).abs() <= 15.0,
                "{r:?} vs {b}"
            );
            assert!(r.confidence > 0.5);
        }
    }
}

#[test]
fn repetitions_without_rest_between_them_are_still_counted() {
    let sim = SquatSimulation {
        reps: 6,
        rest_s: 0.0,
        seed: 11,
        ..SquatSimulation::default()
    };
    let (rec, _) = simulate_squat(&sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let (reps, _) = segment_repetitions(&p, None, &SegmentSettings::default());
    assert_eq!(reps.len(), 6);
}

#[test]
fn quiet_standing_has_no_repetitions() {
    let sim = SquatSimulation {
        reps: 0,
        edge_rest_s: 3.0,
        noise_m: 0.005,
        ..SquatSimulation::default()
    };
    let (rec, _) = simulate_squat(&sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let (reps, _) = segment_repetitions(&p, None, &SegmentSettings::default());
    assert!(reps.is_empty(), "{reps:?}");
}
