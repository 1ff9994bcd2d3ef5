//! `relearn analyze FILE`: repetitions, clinical measures, faults, the score against a template,
//! and an HTML report a person can open.

use crate::cmd_template::{read_rules, read_template};
use crate::load::{read_prepared_with, ReadArgs};
use anyhow::{Context, Result};
use relearn_motion::analysis::{analyze, Analysis};
use relearn_motion::prepare::PrepareSettings;
use relearn_motion::segment::SegmentSettings;
use std::path::PathBuf;

/// Arguments of `relearn analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The recording.
    pub file: PathBuf,
    /// Compare with this template (from `relearn template build`).
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// Write a self-contained HTML report here.
    #[arg(long, value_name = "OUT.html")]
    pub report: Option<PathBuf>,
    /// Fault rules edited by a clinician (JSON, as printed by `relearn rules`).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print the analysis as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `relearn analyze`.
pub fn run(args: AnalyzeArgs) -> Result<()> {
    let template = args.template.as_deref().map(read_template).transpose()?;
    let rules = args.rules.as_deref().map(read_rules).transpose()?;
    let settings = template
        .as_ref()
        .map_or_else(PrepareSettings::default, |t| t.settings.prepare.clone());
    let mut prepared = read_prepared_with(&args.file, &args.read, &settings)?;
    if let Some(t) = &template {
        // Matched where it is (a long noisy recording is not held twice); the report then
        // shows the curves the scores were computed from.
        relearn_motion::noise_match::match_in_place(t, &mut prepared)
            .with_context(|| format!("{}: analysis failed", args.file.display()))?;
    }
    let segment = template
        .as_ref()
        .map_or_else(SegmentSettings::default, |t| t.settings.segment.clone());
    let analysis = analyze(&prepared, template.as_ref(), rules.as_deref(), &segment)
        .with_context(|| format!("{}: analysis failed", args.file.display()))?;
    if let Some(out) = &args.report {
        let html = crate::report::render(&prepared, &analysis, template.as_ref());
        crate::files::write_bytes_atomically(out, "the report", html.as_bytes())?;
    }
    if args.json {
        crate::out::json_pretty(&analysis)?;
    } else {
        print_text(&analysis);
        if let Some(out) = &args.report {
            outln!("report written to {}", out.display());
        }
    }
    Ok(())
}

fn print_text(a: &Analysis) {
    outln!(
        "{} ({}, {:.1} s at {:.0} Hz; {})",
        a.path,
        a.format,
        a.duration_s,
        a.rate_hz,
        a.view.describe()
    );
    if let Some(posture) = &a.posture {
        outln!("  posture: {}", posture.describe());
        if posture.posture == relearn_motion::posture::Posture::Seated {
            let off: Vec<&str> = a
                .rules
                .iter()
                .filter(|r| !r.enabled && r.note.as_deref().is_some_and(|n| n.contains("seated")))
                .map(|r| r.name.as_str())
                .collect();
            if !off.is_empty() {
                outln!(
                    "  rules for standing movements not applied: {}",
                    off.join("; ")
                );
            }
        }
    }
    if let Some(stance) = &a.stance {
        outln!("  stance: {}", stance.describe());
    }
    for line in &a.summary {
        outln!("  {line}");
    }
    outln!("  repetitions: {}", a.repetitions.len());
    for (k, r) in a.repetitions.iter().enumerate() {
        let rep = &r.repetition;
        let score = a.score.as_ref().and_then(|s| s.reps.get(k));
        let scored = score
            .map(|s| {
                format!(
                    "  score {:>5.1} {:<9} confidence {:.2}{}",
                    s.score,
                    format!("{:?}", s.verdict).to_lowercase(),
                    s.confidence,
                    s.not_judged_because()
                        .map(|why| format!("  ({why}: not judged)"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_else(|| match rep.cut_off {
                Some(_) => format!("  ({}: not judged)", relearn_motion::score::PARTLY_RECORDED),
                None => String::new(),
            });
        outln!(
            "  rep {:>2}  {:>6.2}-{:<6.2}s  segmentation confidence {:.2}{scored}",
            rep.number,
            rep.start_s,
            rep.end_s,
            rep.confidence
        );
        match score {
            Some(s) => {
                for d in &s.deviations {
                    outln!("          - {}", d.message);
                }
            }
            None => {
                for f in &r.faults {
                    outln!(
                        "          - {}: {:.1} {} (limit {:.1})",
                        f.name,
                        f.value,
                        f.unit,
                        f.limit
                    );
                }
            }
        }
    }
    // The score's own warnings (noise, resemblance, repetitions cut off) after the
    // recording's, each once, as the report lists them.
    let mut warnings: Vec<&relearn_core::Warning> = a.warnings.iter().collect();
    for w in a.score.iter().flat_map(|s| &s.warnings) {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    for w in warnings {
        outln!("  warning: {}", w.message);
    }
}
