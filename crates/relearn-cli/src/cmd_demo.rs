//! `relearn demo --out DIR`: the main job on data the project generates itself. A simulated
//! clinician demonstrates a squat (three correct recordings, two with a known fault); a
//! simulated patient squats with a 12° dynamic valgus of the left knee at the bottom. The
//! template is built through the same code path as `relearn template build` and the patient's
//! recording is analysed into a self-contained HTML report.

use crate::cmd_analyze::{self, AnalyzeArgs};
use crate::cmd_template::{self, BuildArgs, TemplateCommand};
use crate::load::ReadArgs;
use anyhow::{Context, Result};
use relearn_motion::simulate::{simulate_squat, SimFrame, SquatSimulation};
use std::path::{Path, PathBuf};

/// Arguments of `relearn demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Folder to write the demo recordings, manifest, template and report into.
    #[arg(long, default_value = "relearn-demo")]
    pub out: PathBuf,
    /// Left-knee valgus injected into the patient's squat, degrees (frontal-plane projection
    /// angle at the bottom).
    #[arg(long, default_value_t = 12.0)]
    pub valgus: f64,
}

fn write_recording(sim: &SquatSimulation, path: &Path) -> Result<()> {
    let (rec, _) = simulate_squat(sim)?;
    crate::files::write_atomically(path, "the recording", |w| {
        relearn_formats::generic_csv::write_generic_csv(&rec, w)
    })
}

/// Runs `relearn demo`.
pub fn run(args: DemoArgs) -> Result<()> {
    let dir = &args.out;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let base = SquatSimulation {
        frame: SimFrame::KinectCamera,
        variability: 0.06,
        ..SquatSimulation::default()
    };
    let mut manifest = String::from("path,label\n");
    for (k, yaw) in [0.0, 15.0, -20.0].iter().enumerate() {
        let name = format!("demonstration_{}.csv", k + 1);
        write_recording(
            &SquatSimulation {
                yaw_deg: *yaw,
                seed: 100 + k as u64,
                ..base.clone()
            },
            &dir.join(&name),
        )?;
        manifest.push_str(&format!("{name},correct\n"));
    }
    let faults = [
        (
            "fault_knee_valgus.csv",
            SquatSimulation {
                valgus_deg: [16.0, 14.0],
                seed: 200,
                ..base.clone()
            },
        ),
        (
            "fault_shallow_trunk_lean.csv",
            SquatSimulation {
                depth_deg: 60.0,
                trunk_lean_deg: 50.0,
                seed: 201,
                ..base.clone()
            },
        ),
    ];
    for (name, sim) in &faults {
        write_recording(sim, &dir.join(name))?;
        manifest.push_str(&format!("{name},incorrect\n"));
    }
    let manifest_path = dir.join("manifest.csv");
    crate::files::write_bytes_atomically(&manifest_path, "the manifest", manifest.as_bytes())?;
    let patient = dir.join("patient_squat.csv");
    write_recording(
        &SquatSimulation {
            valgus_deg: [args.valgus, 0.0],
            yaw_deg: 25.0,
            seed: 7,
            noise_m: 0.004,
            ..base.clone()
        },
        &patient,
    )?;
    let template = dir.join("squat.template.json");
    let read = ReadArgs {
        format: None,
        up: None,
    };
    outln!(
        "1. template from {} (3 correct, 2 incorrect demonstrations)",
        manifest_path.display()
    );
    cmd_template::run(TemplateCommand::Build(BuildArgs {
        exercise: "squat".into(),
        manifest: Some(manifest_path),
        correct: Vec::new(),
        incorrect: Vec::new(),
        out: template.clone(),
        rules: None,
        read: read.clone(),
        json: false,
    }))?;
    let report = dir.join("report.html");
    outln!(
        "\n2. the patient's squat ({} degrees of left-knee valgus injected)",
        args.valgus
    );
    cmd_analyze::run(AnalyzeArgs {
        file: patient,
        template: Some(template),
        report: Some(report.clone()),
        rules: None,
        read,
        json: false,
    })?;
    outln!("\nOpen {} in a browser.", report.display());
    Ok(())
}
