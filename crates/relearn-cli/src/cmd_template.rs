//! `relearn template build`: a template from a manifest of labelled examples.

use crate::load::{progress, read_prepared_with, ReadArgs};
use crate::manifest::read_manifest;
use anyhow::{Context, Result};
use rayon::prelude::*;
use relearn_motion::faults::FaultRule;
use relearn_motion::template::{build_template, Example, TemplateSettings};
use std::path::PathBuf;

/// `relearn template ...`
#[derive(Debug, clap::Subcommand)]
pub enum TemplateCommand {
    /// Build a template from labelled example recordings.
    Build(BuildArgs),
    /// Show what a template holds (exercise, examples, models, rules).
    Show {
        /// The template file.
        template: PathBuf,
    },
}

/// Arguments of `relearn template build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Name of the exercise ("deep squat"); used in messages ("at the bottom of the deep squat").
    #[arg(long)]
    pub exercise: String,
    /// CSV with header `path,label`; label = correct, incorrect or a number; paths relative to
    /// the manifest's folder.
    #[arg(long)]
    pub manifest: PathBuf,
    /// Where to write the template (JSON).
    #[arg(long)]
    pub out: PathBuf,
    /// Fault rules edited by a clinician (JSON, as printed by `relearn rules`).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print the template summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads a rules file.
pub fn read_rules(path: &std::path::Path) -> Result<Vec<FaultRule>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a valid rules file (see `relearn rules`)",
            path.display()
        )
    })
}

/// Reads a template file.
pub fn read_template(path: &std::path::Path) -> Result<relearn_motion::template::Template> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the template", path.display()))?;
    let t: relearn_motion::template::Template = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a Relearn template (build one with `relearn template build`)",
            path.display()
        )
    })?;
    if t.format != relearn_motion::template::TEMPLATE_FORMAT {
        anyhow::bail!("{}: not a Relearn template", path.display());
    }
    if t.compute_id() != t.id {
        anyhow::bail!("{}: the template was modified after it was built (its identity no longer matches its content); rebuild it", path.display());
    }
    Ok(t)
}

/// Runs `relearn template ...`.
pub fn run(cmd: TemplateCommand) -> Result<()> {
    match cmd {
        TemplateCommand::Build(args) => build(args),
        TemplateCommand::Show { template } => {
            let t = read_template(&template)?;
            print_summary(&t);
            Ok(())
        }
    }
}

fn print_summary(t: &relearn_motion::template::Template) {
    outln!("template {} ({})", t.short_id(), t.exercise);
    outln!(
        "  built by relearn {} from {} examples ({} correct, {} incorrect, {} rated repetitions)",
        t.program_version,
        t.examples.len(),
        t.training.correct,
        t.training.incorrect,
        t.training.rated
    );
    outln!(
        "  {} signals, repetition {:.2} s, skeleton {}, {:?}",
        t.reference.channel_count(),
        t.reference.duration_s,
        t.skeleton,
        t.view
    );
    match &t.verdict {
        relearn_motion::template::VerdictModel::Classifier { .. } => {
            outln!("  verdict: correct/incorrect model learnt from the examples")
        }
        relearn_motion::template::VerdictModel::OneClass { limit, .. } => {
            outln!("  verdict: distance from the correct examples (limit {limit:.2})")
        }
    }
    if let Some(a) = t.training.training_accuracy {
        outln!(
            "  accuracy on its own examples {:.3} (not a validation: see `relearn eval`)",
            a
        );
    }
    if t.rating.is_some() {
        outln!("  rating model: yes");
    }
    for r in &t.rules {
        match (&r.note, r.enabled) {
            (_, true) => outln!("  rule on : {}", r.name),
            (Some(n), false) => outln!("  rule off: {} ({n})", r.name),
            (None, false) => outln!("  rule off: {}", r.name),
        }
    }
}

fn build(args: BuildArgs) -> Result<()> {
    let entries = read_manifest(&args.manifest)?;
    let settings = TemplateSettings::default();
    let bar = progress(entries.len() as u64, "reading examples", args.json);
    let prepared: Vec<_> = entries
        .par_iter()
        .map(|e| {
            let p = read_prepared_with(&e.path, &args.read, &settings.prepare);
            bar.inc(1);
            p.with_context(|| format!("{}: line {}", args.manifest.display(), e.line))
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    let examples: Vec<Example<'_>> = entries
        .iter()
        .zip(&prepared)
        .map(|(e, p)| Example {
            prepared: p,
            label: e.label,
            source: e.path_text.clone(),
        })
        .collect();
    let mut template = build_template(&args.exercise, &examples, &settings)
        .with_context(|| format!("{}: cannot build the template", args.manifest.display()))?;
    if let Some(path) = &args.rules {
        template.rules = read_rules(path)?;
        template.id = template.compute_id();
    }
    let json = serde_json::to_string(&template)?;
    std::fs::write(&args.out, json)
        .with_context(|| format!("{}: cannot write the template", args.out.display()))?;
    if args.json {
        outln!(
            "{}",
            serde_json::json!({
                "template": args.out.display().to_string(),
                "id": template.id,
                "exercise": template.exercise,
                "program_version": template.program_version,
                "training": template.training,
                "examples": template.examples,
            })
        );
    } else {
        print_summary(&template);
        outln!("  written to {}", args.out.display());
    }
    Ok(())
}
