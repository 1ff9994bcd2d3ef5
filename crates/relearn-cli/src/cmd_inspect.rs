//! `relearn inspect FILE`: what a recording is and how well it was tracked.

use crate::load::{read, ReadArgs};
use anyhow::Result;
use relearn_core::lab::{to_lab_frame, LabFrameOptions};
use relearn_core::quality::tracking_quality;
use relearn_motion::prepare::PrepareSettings;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `relearn inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The recording.
    pub file: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Inspection {
    path: String,
    format: String,
    program_version: &'static str,
    skeleton: String,
    dimensions: relearn_core::Dimensions,
    rate_hz: f64,
    frames: usize,
    duration_s: f64,
    joints: Vec<JointInfo>,
    analog_channels: Vec<AnalogInfo>,
    events: usize,
    source_unit: relearn_core::LengthUnit,
    unit_inferred: bool,
    up_axis: String,
    up_axis_source: relearn_core::lab::UpAxisSource,
    leg_length_cm: Option<f64>,
    missing_fraction: f64,
    low_confidence_fraction: f64,
    /// What the 6 Hz low-pass removes, RMS per joint, median over joints (mm): the tracker's
    /// noise (`PreparedRecording::noise_mm`); `null` when it cannot be estimated.
    tracking_noise_mm: Option<f64>,
    /// Joint positions that jumped away and back within 0.1 s (tracking glitches), which the
    /// analysis treats as missing and fills (`PreparedRecording::spikes`).
    tracking_spikes: Vec<relearn_motion::prepare::JointSpikes>,
    gaps: Vec<relearn_core::quality::Gap>,
    warnings: Vec<relearn_core::Warning>,
}

#[derive(Serialize)]
struct JointInfo {
    name: String,
    landmark: Option<relearn_core::Landmark>,
    missing_fraction: f64,
    inferred_fraction: f64,
    low_confidence_fraction: f64,
    longest_gap_frames: usize,
}

#[derive(Serialize)]
struct AnalogInfo {
    label: String,
    unit: String,
    rate_hz: f64,
    samples: usize,
}

/// Runs `relearn inspect`.
pub fn run(args: InspectArgs) -> Result<()> {
    let mut rec = read(&args.file, &args.read)?;
    // The noise estimate comes from the analysis pipeline; a recording it cannot prepare
    // (too short, nothing tracked) is still inspected.
    let prepare = PrepareSettings {
        up: args.read.up,
        ..PrepareSettings::default()
    };
    let (tracking_noise_mm, tracking_spikes) =
        match relearn_motion::prepare::prepare(rec.clone(), &prepare) {
            Ok(p) => (p.noise_mm, p.spikes),
            Err(_) => (None, Vec::new()),
        };
    let quality = tracking_quality(&rec);
    let source_unit_stated = rec.units;
    let report = to_lab_frame(&mut rec, LabFrameOptions { up: args.read.up })?;
    let info = Inspection {
        path: args.file.display().to_string(),
        format: rec.source.format.clone(),
        program_version: relearn_core::VERSION,
        skeleton: rec.skeleton.name.clone(),
        dimensions: rec.dimensions,
        rate_hz: rec.rate_hz,
        frames: rec.frame_count(),
        duration_s: rec.duration_s(),
        joints: rec
            .skeleton
            .joints()
            .iter()
            .zip(&quality.joints)
            .map(|(j, q)| JointInfo {
                name: j.name.clone(),
                landmark: j.landmark,
                missing_fraction: q.missing_fraction,
                inferred_fraction: q.inferred_fraction,
                low_confidence_fraction: q.low_confidence_fraction,
                longest_gap_frames: q.longest_gap_frames,
            })
            .collect(),
        analog_channels: rec
            .analog
            .iter()
            .map(|a| AnalogInfo {
                label: a.label.clone(),
                unit: a.unit.clone(),
                rate_hz: a.rate_hz,
                samples: a.samples.len(),
            })
            .collect(),
        events: rec.events.len(),
        source_unit: if report.unit_inferred {
            report.source_unit
        } else {
            source_unit_stated
        },
        unit_inferred: report.unit_inferred,
        up_axis: report.source_up.as_str().to_string(),
        up_axis_source: report.up_source,
        leg_length_cm: report.leg_length_m.map(|l| l * 100.0),
        missing_fraction: quality.missing_fraction,
        low_confidence_fraction: quality.low_confidence_fraction,
        tracking_noise_mm,
        tracking_spikes,
        gaps: quality.gaps.iter().take(10).cloned().collect(),
        warnings: rec.warnings.clone(),
    };
    if args.json {
        crate::out::json_pretty(&info)?;
        return Ok(());
    }
    outln!("{}", info.path);
    outln!(
        "  format      {} ({} skeleton, {})",
        info.format,
        info.skeleton,
        info.dimensions
    );
    outln!(
        "  frames      {} at {:.2} Hz = {:.2} s",
        info.frames,
        info.rate_hz,
        info.duration_s
    );
    outln!(
        "  units       {}{}",
        info.source_unit,
        if info.unit_inferred {
            " (inferred from body size)"
        } else {
            ""
        }
    );
    outln!("  up axis     {} ({})", info.up_axis, info.up_axis_source);
    if let Some(l) = info.leg_length_cm {
        outln!("  leg length  {l:.0} cm");
    }
    let landmarks = info.joints.iter().filter(|j| j.landmark.is_some()).count();
    outln!(
        "  joints      {} ({} anatomical landmarks)",
        info.joints.len(),
        landmarks
    );
    outln!(
        "  tracking    {:.1} % missing, {:.1} % low confidence",
        100.0 * info.missing_fraction,
        100.0 * info.low_confidence_fraction
    );
    if let Some(n) = info.tracking_noise_mm {
        outln!("  noise       {n:.1} mm (removed by the 6 Hz low-pass; median over joints)");
    }
    if !info.tracking_spikes.is_empty() {
        let total: usize = info.tracking_spikes.iter().map(|s| s.frames.len()).sum();
        let list: Vec<String> = info
            .tracking_spikes
            .iter()
            .take(8)
            .map(|s| format!("{} {}", s.joint, s.frames.len()))
            .collect();
        outln!(
            "  spikes      {total} positions jumped away and back within 0.1 s (filled): {}{}",
            list.join(", "),
            if info.tracking_spikes.len() > 8 {
                ", ..."
            } else {
                ""
            }
        );
    }
    let poor: Vec<&JointInfo> = info
        .joints
        .iter()
        .filter(|j| j.missing_fraction > 0.05 || j.inferred_fraction > 0.2)
        .collect();
    for j in poor.iter().take(8) {
        outln!(
            "    {:<18} {:>5.1} % missing, {:>5.1} % inferred, longest gap {} frames",
            j.name,
            100.0 * j.missing_fraction,
            100.0 * j.inferred_fraction,
            j.longest_gap_frames
        );
    }
    if !info.gaps.is_empty() {
        outln!("  longest gaps");
        for g in info.gaps.iter().take(5) {
            outln!(
                "    {:<18} {} frames from frame {}",
                g.joint,
                g.frames,
                g.start_frame
            );
        }
    }
    if !info.analog_channels.is_empty() {
        outln!("  analog      {} channels", info.analog_channels.len());
        for a in info.analog_channels.iter().take(8) {
            outln!(
                "    {:<18} {} at {:.0} Hz ({} samples)",
                a.label,
                a.unit,
                a.rate_hz,
                a.samples
            );
        }
    }
    for w in &info.warnings {
        outln!("  warning: {}", w.message);
    }
    Ok(())
}
