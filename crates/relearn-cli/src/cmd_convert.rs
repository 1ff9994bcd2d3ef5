//! `relearn convert FILE --out OUT.csv`: any recording Relearn reads, written as the generic
//! skeleton CSV (docs/formats.md), for other tools, for a spreadsheet, or to hand a clinic's
//! recordings to Relearn in one documented layout.

use crate::files::write_atomically;
use crate::load::{read, ReadArgs};
use anyhow::{bail, Result};
use relearn_core::lab::{to_lab_frame, LabFrameOptions};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `relearn convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// The recording to convert (any format of `relearn formats`).
    pub file: PathBuf,
    /// The generic skeleton CSV to write. Written atomically: an existing file is replaced only
    /// once the new one is complete. Must not be the input.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Write in Relearn's lab frame (right-handed, z up, metres; `clinical-spec.md` §6) instead
    /// of the source's axes and unit. The unit and vertical axis are then the ones Relearn
    /// established (stated by the format, detected from the body, or `--up`), and the file
    /// says so in its `# units:` and `# up:` lines.
    #[arg(long)]
    pub lab_frame: bool,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What was converted (the `--json` output).
#[derive(Serialize)]
struct Conversion {
    path: String,
    out: String,
    program_version: &'static str,
    format: String,
    skeleton: String,
    frames: usize,
    joints: usize,
    rate_hz: f64,
    units: relearn_core::LengthUnit,
    up_axis: Option<String>,
    lab_frame: bool,
    confidence_written: bool,
    /// Analog channels in the source, which the skeleton CSV cannot hold.
    analog_channels_not_written: usize,
    /// Events in the source, which the skeleton CSV cannot hold.
    events_not_written: usize,
    warnings: Vec<relearn_core::Warning>,
}

/// Runs `relearn convert`.
pub fn run(args: ConvertArgs) -> Result<()> {
    if let (Ok(a), Ok(b)) = (args.out.canonicalize(), args.file.canonicalize()) {
        if a == b {
            bail!(
                "{}: --out is the recording being converted; write the CSV to a new file",
                args.out.display()
            );
        }
    }
    let mut rec = read(&args.file, &args.read)?;
    if args.lab_frame {
        to_lab_frame(&mut rec, LabFrameOptions { up: args.read.up })?;
    } else if let Some(up) = args.read.up {
        // The stated axis travels with the file, so that it is read back the same way.
        rec.up = Some(up);
    }
    if rec.skeleton.is_empty() {
        bail!(
            "{}: no joint positions to write (the recording holds {} analog channels only; the \
             skeleton CSV holds joint positions)",
            args.file.display(),
            rec.analog.len()
        );
    }
    write_atomically(&args.out, "the recording", |w| {
        relearn_formats::generic_csv::write_generic_csv(&rec, w)
    })?;
    let summary = Conversion {
        path: args.file.display().to_string(),
        out: args.out.display().to_string(),
        program_version: relearn_core::VERSION,
        format: rec.source.format.clone(),
        skeleton: rec.skeleton.name.clone(),
        frames: rec.frame_count(),
        joints: rec.skeleton.len(),
        rate_hz: rec.rate_hz,
        units: rec.units,
        up_axis: rec.up.map(|u| u.as_str().to_string()),
        lab_frame: args.lab_frame,
        confidence_written: rec.confidence.is_some(),
        analog_channels_not_written: rec.analog.len(),
        events_not_written: rec.events.len(),
        warnings: rec.warnings.clone(),
    };
    if args.json {
        outln!("{}", serde_json::to_string(&summary)?);
        return Ok(());
    }
    outln!(
        "{} ({}, {} frames at {:.2} Hz, {} joints) written to {}",
        summary.path,
        summary.format,
        summary.frames,
        summary.rate_hz,
        summary.joints,
        summary.out
    );
    outln!(
        "  units {}, up axis {}{}",
        summary.units,
        summary
            .up_axis
            .as_deref()
            .unwrap_or("not stated (detected when read)"),
        if args.lab_frame { " (lab frame)" } else { "" }
    );
    if summary.analog_channels_not_written > 0 || summary.events_not_written > 0 {
        outln!(
            "  not written (the skeleton CSV holds joint positions only): {} analog channels, \
             {} events",
            summary.analog_channels_not_written,
            summary.events_not_written
        );
    }
    for w in &summary.warnings {
        outln!("  warning: {}", w.message);
    }
    Ok(())
}
