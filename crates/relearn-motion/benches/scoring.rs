//! Criterion benchmarks of Relearn's scoring path (issue 2, "Speed and memory": scoring one
//! repetition against a template takes well under 1 ms). Not a test: the numbers go to
//! `BENCHMARKS.md` through `bench/criterion_summary.py`.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p relearn-motion --bench scoring
//! python3 bench/criterion_summary.py /work/target-bench/criterion
//! ```
//!
//! Two groups, each timing the same steps:
//!
//! - `sim`: a template built once (outside the timing) from simulated one-repetition squats
//!   (`simulate::simulate_squat`, Kinect v2 skeleton, 25 joints, 30 Hz, 3 s each), 6 correct
//!   (valgus 0°) and 6 incorrect (valgus 15°), through `template::build_template`; a seventh
//!   correct recording (other seed) is scored.
//! - `uiprmd`: the same with real UI-PRMD Kinect files (movement m01, deep squat): the
//!   template from all 200 m01 files (100 correct, 100 incorrect), exactly as
//!   `relearn template build` would, and `m01_s01_e01_positions.txt.gz` scored. Skipped with a
//!   printed reason when the data folder is absent (`RELEARN_DATA`, default
//!   `../shared/data` from the repository root).
//!
//! Benchmarks per group:
//!
//! - `score_rep_core`: the per-repetition scoring core on a prepared recording:
//!   `compare::rep_curves` (channel extraction in the body frame, resampling to 101 points) +
//!   `Reference::compare` (start-posture shift, DTW with a 10-point Sakoe-Chiba band, warping,
//!   z-scores, features) + `template::verdict_probability` (logistic model).
//! - `score_recording`: `score::score_recording` on the prepared one-repetition recording
//!   (adds repetition spans, rules, tempo and the deviation messages).
//! - `prepare`: `prepare::prepare` of the raw recording (lab frame, gap filling, 6 Hz
//!   zero-phase Butterworth per coordinate, body frames and clinical measures); the clone of
//!   the raw recording it consumes is made outside the timing.
//! - `uiprmd` only: `read` (gunzip and parse the Positions and Angles files, rebuild absolute
//!   positions; warm file cache) and `read_prepare_score` (one file end to end in process, the
//!   per-file work of `relearn score`).

use criterion::{black_box, BatchSize, Criterion};
use relearn_core::Recording;
use relearn_motion::compare::rep_curves;
use relearn_motion::prepare::{prepare, PreparedRecording};
use relearn_motion::score::score_recording;
use relearn_motion::simulate::{simulate_squat, SquatSimulation};
use relearn_motion::template::{
    build_template, verdict_probability, Example, Label, Template, TemplateSettings,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A simulated one-repetition squat: 0.3 s standing, 2.4 s down and up, 0.3 s standing
/// (90 frames at 30 Hz, 25 Kinect v2 joints, 3 mm noise, 5 % variability).
fn simulated(valgus_deg: f64, seed: u64) -> BoxResult<Recording> {
    let sim = SquatSimulation {
        reps: 1,
        rep_duration_s: 2.4,
        rest_s: 0.0,
        edge_rest_s: 0.3,
        valgus_deg: [valgus_deg, valgus_deg],
        variability: 0.05,
        seed,
        ..SquatSimulation::default()
    };
    Ok(simulate_squat(&sim)?.0)
}

fn template_from(
    exercise: &str,
    prepared: &[(PreparedRecording, Label, String)],
    settings: &TemplateSettings,
) -> BoxResult<Template> {
    let examples: Vec<Example<'_>> = prepared
        .iter()
        .map(|(p, label, source)| Example {
            prepared: p,
            label: *label,
            source: source.clone(),
        })
        .collect();
    Ok(build_template(exercise, &examples, settings)?)
}

/// The timed steps shared by both groups.
fn bench_group(
    c: &mut Criterion,
    name: &str,
    template: &Template,
    raw: &Recording,
    settings: &TemplateSettings,
) -> BoxResult<()> {
    let prepared = prepare(raw.clone(), &settings.prepare)?;
    let n = prepared.recording.frame_count();
    let reference = &template.reference;
    let mut g = c.benchmark_group(name);
    g.bench_function("score_rep_core", |b| {
        b.iter(|| {
            let curves = rep_curves(
                black_box(&prepared),
                &reference.channels,
                0,
                n,
                reference.points,
            );
            reference
                .compare(&curves)
                .map(|cmp| verdict_probability(template, &cmp))
                .unwrap_or(f64::NAN)
        })
    });
    g.bench_function("score_recording", |b| {
        b.iter(|| score_recording(template, black_box(&prepared)).map(|s| s.reps.len()))
    });
    g.bench_function("prepare", |b| {
        b.iter_batched(
            || raw.clone(),
            |r| prepare(r, &settings.prepare).map(|p| p.measures.series.len()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
    Ok(())
}

fn bench_simulated(c: &mut Criterion) -> BoxResult<()> {
    let settings = TemplateSettings::default();
    let mut examples = Vec::new();
    for k in 0..6u64 {
        for (valgus, label, seed) in [
            (0.0, Label::Correct, 1 + k),
            (15.0, Label::Incorrect, 101 + k),
        ] {
            let p = prepare(simulated(valgus, seed)?, &settings.prepare)?;
            examples.push((p, label, format!("sim-{seed}")));
        }
    }
    let template = template_from("squat", &examples, &settings)?;
    let raw = simulated(0.0, 7)?;
    eprintln!(
        "sim: template of {} signals from {} examples; scored recording {} frames, {} joints",
        template.reference.channel_count(),
        examples.len(),
        raw.frame_count(),
        raw.skeleton.len()
    );
    bench_group(c, "sim", &template, &raw, &settings)
}

fn data_dir() -> PathBuf {
    match std::env::var_os("RELEARN_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The m01 (deep squat) Positions files, correct then incorrect, sorted.
fn uiprmd_m01(dir: &Path) -> BoxResult<Vec<(PathBuf, Label)>> {
    let mut out = Vec::new();
    for (folder, label) in [
        ("Segmented Movements/Kinect/Positions", Label::Correct),
        (
            "Incorrect Segmented Movements/Kinect/Positions",
            Label::Incorrect,
        ),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("m01_"))
            })
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|p| (p, label)));
    }
    Ok(out)
}

fn bench_uiprmd(c: &mut Criterion) -> BoxResult<()> {
    let dir = data_dir().join("ui-prmd");
    if !dir.is_dir() {
        eprintln!(
            "uiprmd: skipped, {} not found (set RELEARN_DATA)",
            dir.display()
        );
        return Ok(());
    }
    let settings = TemplateSettings::default();
    let files = uiprmd_m01(&dir)?;
    let mut examples = Vec::with_capacity(files.len());
    for (path, label) in &files {
        let rec = relearn_formats::read_recording(path, None)?;
        let p = prepare(rec, &settings.prepare)?;
        examples.push((p, *label, path.display().to_string()));
    }
    let template = template_from("deep squat", &examples, &settings)?;
    let file = files
        .first()
        .map(|(p, _)| p.clone())
        .ok_or("no m01 files")?;
    let raw = relearn_formats::read_recording(&file, None)?;
    eprintln!(
        "uiprmd: template of {} signals from {} files; scored {} ({} frames, {} joints)",
        template.reference.channel_count(),
        files.len(),
        file.display(),
        raw.frame_count(),
        raw.skeleton.len()
    );
    bench_group(c, "uiprmd", &template, &raw, &settings)?;
    let mut g = c.benchmark_group("uiprmd");
    g.bench_function("read", |b| {
        b.iter(|| relearn_formats::read_recording(black_box(&file), None).map(|r| r.frame_count()))
    });
    g.bench_function("read_prepare_score", |b| {
        b.iter(|| -> Option<usize> {
            let rec = relearn_formats::read_recording(black_box(&file), None).ok()?;
            let p = prepare(rec, &settings.prepare).ok()?;
            score_recording(&template, &p).ok().map(|s| s.reps.len())
        })
    });
    g.finish();
    Ok(())
}

fn benches(c: &mut Criterion) {
    for (name, run) in [
        (
            "sim",
            bench_simulated as fn(&mut Criterion) -> BoxResult<()>,
        ),
        ("uiprmd", bench_uiprmd),
    ] {
        if let Err(e) = run(c) {
            eprintln!("{name}: benchmark setup failed: {e}");
        }
    }
}

fn main() {
    // Short runs: the machine is shared (2 cores); criterion's confidence intervals say how
    // stable each number is. Command-line options (a filter, `--sample-size`...) still apply.
    let mut c = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c);
    c.final_summary();
}
