//! Realistic report inputs from the seeded squat simulator: a template learnt from valgus-free
//! squats (and a few faulty ones), and a patient whose left knee drifts inward by 12°.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relearn_motion::analysis::{analyze, Analysis};
use relearn_motion::prepare::{prepare, PrepareSettings, PreparedRecording};
use relearn_motion::segment::SegmentSettings;
use relearn_motion::simulate::{simulate_squat, SquatSimulation};
use relearn_motion::template::{build_template, Example, Label, Template, TemplateSettings};

/// A simulated squat, prepared, under a file name of our choosing.
pub fn prepared(sim: &SquatSimulation, path: &str) -> PreparedRecording {
    let (mut rec, _) = simulate_squat(sim).unwrap();
    rec.source.path = path.into();
    prepare(rec, &PrepareSettings::default()).unwrap()
}

/// A squat template from three valgus-free recordings (correct) and two faulty ones
/// (incorrect: a knee valgus, a trunk lateral lean).
pub fn squat_template() -> Template {
    squat_template_with(true)
}

/// The squat template of [`squat_template`], with its two faulty recordings or, without
/// them, from the three correct ones only (a one-class template).
pub fn squat_template_with(incorrect_examples: bool) -> Template {
    let base = SquatSimulation {
        reps: 4,
        variability: 0.05,
        ..SquatSimulation::default()
    };
    let correct: Vec<PreparedRecording> = (0..3)
        .map(|k| {
            prepared(
                &SquatSimulation {
                    seed: 11 + k,
                    yaw_deg: 10.0 * k as f64,
                    ..base.clone()
                },
                &format!("demo-{k}.csv"),
            )
        })
        .collect();
    let valgus = prepared(
        &SquatSimulation {
            seed: 21,
            valgus_deg: [14.0, 0.0],
            ..base.clone()
        },
        "faulty-valgus.csv",
    );
    let lean = prepared(
        &SquatSimulation {
            seed: 22,
            lateral_lean_deg: 14.0,
            ..base
        },
        "faulty-lean.csv",
    );
    let mut examples: Vec<Example<'_>> = correct
        .iter()
        .map(|p| Example {
            prepared: p,
            label: Label::Correct,
            source: p.recording.source.path.clone(),
        })
        .collect();
    for p in [&valgus, &lean].into_iter().filter(|_| incorrect_examples) {
        examples.push(Example {
            prepared: p,
            label: Label::Incorrect,
            source: p.recording.source.path.clone(),
        });
    }
    build_template("Squat", &examples, &TemplateSettings::default()).unwrap()
}

/// The patient: `reps` squats with a 12° left knee valgus.
pub fn valgus_patient(reps: usize) -> PreparedRecording {
    prepared(
        &SquatSimulation {
            reps,
            seed: 42,
            variability: 0.04,
            valgus_deg: [12.0, 0.0],
            ..SquatSimulation::default()
        },
        "patients/anna <left> & right.csv",
    )
}

/// The analysis as `relearn analyze` computes it.
pub fn analysis(p: &PreparedRecording, t: Option<&Template>) -> Analysis {
    analyze(p, t, None, &SegmentSettings::default()).unwrap()
}
