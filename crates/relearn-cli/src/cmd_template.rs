//! `relearn template build`: a template from a manifest of labelled examples.

use crate::load::ReadArgs;
use crate::manifest::{entries_from_folders, prepare_entries, read_manifest, ManifestEntry};
use anyhow::{Context, Result};
use relearn_motion::faults::FaultRule;
use relearn_motion::personalise::{personalise, DEFAULT_PRIOR_SD_LOGIT};
use relearn_motion::prepare::PreparedRecording;
use relearn_motion::template::{build_template_unidentified, Example, TemplateSettings};
use std::path::PathBuf;

/// `relearn template ...`
#[derive(Debug, clap::Subcommand)]
pub enum TemplateCommand {
    /// Build a template from labelled example recordings.
    Build(BuildArgs),
    /// Personalise a template to one patient from a few of their repetitions that you
    /// labelled correct or incorrect: the verdict shifts to how this person's repetitions
    /// score, and rules their correct repetitions break stop deciding (docs/scoring.md).
    Personalise(PersonaliseArgs),
    /// Show what a template holds (exercise, examples, models, how a repetition on the other
    /// side is told, rules).
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
    /// the manifest's folder. Or give the recordings with --correct and --incorrect.
    #[arg(long, required_unless_present = "correct", conflicts_with_all = ["correct", "incorrect"])]
    pub manifest: Option<PathBuf>,
    /// Recordings of the exercise done correctly (the demonstration): files, or folders whose
    /// recordings are all taken (their other files are skipped). Instead of --manifest.
    #[arg(long, num_args = 1.., value_name = "FILE|FOLDER")]
    pub correct: Vec<PathBuf>,
    /// Recordings of the exercise done incorrectly (files or folders), with --correct.
    #[arg(long, num_args = 1.., value_name = "FILE|FOLDER", requires = "correct")]
    pub incorrect: Vec<PathBuf>,
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

/// Arguments of `relearn template personalise`.
#[derive(Debug, clap::Args)]
pub struct PersonaliseArgs {
    /// The template to personalise (from `relearn template build`).
    #[arg(long)]
    pub template: PathBuf,
    /// CSV with header `path,label`: recordings of this patient, label `correct` or
    /// `incorrect` as you judged them; paths relative to the manifest's folder. Both kinds
    /// are needed; two repetitions of each are a good start.
    #[arg(long)]
    pub manifest: PathBuf,
    /// Where to write the personalised template (a new file: the original is kept, to
    /// personalise again later with more labelled repetitions).
    #[arg(long)]
    pub out: PathBuf,
    /// A pseudonym for the patient, stored in the template (templates are shared files:
    /// avoid real names).
    #[arg(long)]
    pub patient: Option<String>,
    /// How far the labelled repetitions may move the verdict: the prior standard deviation
    /// of the personal shift, in logits (smaller trusts the template more).
    #[arg(long, default_value_t = DEFAULT_PRIOR_SD_LOGIT)]
    pub prior_sd: f64,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print the personalisation as JSON.
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

/// Reads a template file and checks that its identity matches its content.
pub fn read_template(path: &std::path::Path) -> Result<relearn_motion::template::Template> {
    let (t, text) = read_template_unverified(path)?;
    check_identity(&t, &text, path)?;
    Ok(t)
}

/// The error for a template whose identity no longer matches its content, `text` being the
/// file it was read from. A file as Relearn wrote it is checked by hashing its text
/// ([`relearn_motion::template::Template::matches_written_identity`]); another layout (a
/// reformatted file) by serialising the template again, which takes a few milliseconds
/// (`relearn score` does either while the first files are being scored).
pub fn check_identity(
    t: &relearn_motion::template::Template,
    text: &str,
    path: &std::path::Path,
) -> Result<()> {
    if !t.matches_written_identity(text) && t.compute_id() != t.id {
        anyhow::bail!("{}: the template was modified after it was built (its identity no longer matches its content); rebuild it", path.display());
    }
    Ok(())
}

/// Reads a template file without checking its identity ([`check_identity`]): the caller must
/// check it before using any result.
pub fn read_template_unverified(
    path: &std::path::Path,
) -> Result<(relearn_motion::template::Template, String)> {
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
    Ok((t, text))
}

/// Runs `relearn template ...`.
pub fn run(cmd: TemplateCommand) -> Result<()> {
    match cmd {
        TemplateCommand::Build(args) => build(args),
        TemplateCommand::Personalise(args) => personalise_cmd(args),
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
        "  built by relearn {} from {} example{} ({} correct, {} incorrect, {} rated repetitions)",
        t.program_version,
        t.examples.len(),
        if t.examples.len() == 1 { "" } else { "s" },
        t.training.correct,
        t.training.incorrect,
        t.training.rated
    );
    outln!(
        "  {} signals, repetition {:.2} s, skeleton {}; {}",
        t.reference.channel_count(),
        t.reference.duration_s,
        t.skeleton,
        t.view.describe()
    );
    outln!("  {}", t.reference.describe_sides());
    match &t.verdict {
        relearn_motion::template::VerdictModel::Classifier { .. } => {
            outln!("  verdict: correct/incorrect model learnt from the examples")
        }
        relearn_motion::template::VerdictModel::OneClass {
            limit, log_width, ..
        } => {
            outln!("  verdict: distance from the correct examples (limit {limit:.2})");
            if log_width.is_some() && t.personalisation.is_none() {
                outln!(
                    "  note: with correct examples only, the verdict is the demonstrators' own \
                     spread; other people's correct repetitions often lie beyond it, the more \
                     so with one demonstrator. Add correct repetitions of a second and third \
                     person, or incorrect examples, or label two or three of a patient's \
                     repetitions of each kind and run `relearn template personalise`"
                );
            }
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
    let fences = t.exercise_fences();
    if let Some(r) = &t.resemblance {
        match fences.distance_fence() {
            Some(fence) => outln!(
                "  the exercise: a repetition farther than {:.2} from the demonstration (its \
                 examples {:.2} typically, {:.2} at most; DTW distance) is said not to resemble it",
                fence,
                r.median,
                r.largest
            ),
            None => outln!(
                "  the exercise: distance to the demonstration not checked ({} example \
                 repetitions; {} are needed to know how far other people's may lie)",
                r.examples,
                relearn_motion::resemblance::MIN_EXAMPLES_FOR_DISTANCE
            ),
        }
    }
    if let (Some(o), Some(fence)) = (&t.off_axis, fences.off_axis_fence()) {
        outln!(
            "  a repetition with more than {:.0} % of its movement off the demonstration's main \
             direction (its examples {:.0} % typically) is said not to resemble it",
            100.0 * fence,
            100.0 * o.median
        );
    }
    let flagged: Vec<_> = t.examples.iter().filter(|e| !e.checks.is_empty()).collect();
    if !flagged.is_empty() {
        outln!(
            "  examples to check ({} of {}: noisier than the others, beyond their far-out fence, \
             or moving unlike them; look at the recording and its tracking):",
            flagged.len(),
            t.examples.len()
        );
        for e in flagged.iter().take(10) {
            outln!("    {}: {}", e.path, e.checks.join("; "));
        }
        if flagged.len() > 10 {
            outln!(
                "    and {} more (`checks` of each example in the template file)",
                flagged.len() - 10
            );
        }
    }
    if let Some(n) = &t.noise {
        let rate = t
            .noise_rate_hz
            .map(|r| format!(" (at {r:.0} Hz; a recording at another rate is compared as the noise its scores see)"))
            .unwrap_or_default();
        outln!(
            "  tracking noise of the examples {:.1} mm typically, {:.1} mm at most: a recording \
             above {:.1} mm is said to be noisier than the template{rate}",
            n.median,
            n.largest,
            n.fence.max(std::f64::consts::SQRT_2 * n.median)
        );
    }
    if let Some(p) = &t.personalisation {
        outln!(
            "  personalised{} from template {} with {} labelled repetitions: verdict shifted \
             by {:+.2} logits (prior SD {}); {} of {} agreed with the clinician before, {} after",
            p.for_whom(),
            p.base_template_id.get(..12).unwrap_or(&p.base_template_id),
            p.labelled_repetitions,
            p.offset_logit,
            p.prior_sd_logit,
            p.agreement_before,
            p.labelled_repetitions,
            p.agreement_after
        );
    }
    for r in &t.rules {
        // "rule on" decides the verdict when broken; "reported" only tells the difference.
        let state = match (r.enabled, r.decides_verdict) {
            (true, true) => "rule on ",
            (true, false) => "reported",
            (false, _) => "rule off",
        };
        match &r.note {
            Some(n) => outln!("  {state}: {} ({n})", r.name),
            None => outln!("  {state}: {}", r.name),
        }
    }
}

/// The manifest's examples as the template code takes them.
fn examples_of<'a>(
    entries: &[ManifestEntry],
    prepared: &'a [PreparedRecording],
) -> Vec<Example<'a>> {
    entries
        .iter()
        .zip(prepared)
        .map(|(e, p)| Example {
            prepared: p,
            label: e.label,
            source: e.path_text.clone(),
        })
        .collect()
}

fn build(args: BuildArgs) -> Result<()> {
    let settings = TemplateSettings::default();
    let (entries, source) = match &args.manifest {
        Some(m) => (read_manifest(m)?, m.display().to_string()),
        None => (
            entries_from_folders(&args.correct, &args.incorrect)?,
            "the recordings given".to_string(),
        ),
    };
    let prepared = prepare_entries(&entries, &args.read, &settings.prepare, args.json)?;
    let examples = examples_of(&entries, &prepared);
    let mut template = build_template_unidentified(&args.exercise, &examples, &settings)
        .with_context(|| format!("{source}: cannot build the template"))?;
    if let Some(path) = &args.rules {
        template.rules = read_rules(path)?;
    }
    // The identity is set as the template is serialised for writing (one serialisation).
    let json = template.identified_json()?;
    let summary = serde_json::json!({
        "template": args.out.display().to_string(),
        "id": template.id,
        "exercise": template.exercise,
        "program_version": template.program_version,
        "training": template.training,
        "examples": template.examples,
    });
    write_and_report(&template, &json, &args.out, summary, args.json)
}

/// Writes a template to `out`, then reports it: `summary` as one JSON line with `--json`,
/// else the summary for people.
fn write_and_report(
    t: &relearn_motion::template::Template,
    bytes: &[u8],
    out: &std::path::Path,
    summary: serde_json::Value,
    json: bool,
) -> Result<()> {
    crate::files::write_bytes_atomically(out, "the template", bytes)?;
    if json {
        outln!("{summary}");
    } else {
        print_summary(t);
        outln!("  written to {}", out.display());
    }
    Ok(())
}

fn personalise_cmd(args: PersonaliseArgs) -> Result<()> {
    let same_file = match (args.out.canonicalize(), args.template.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file {
        anyhow::bail!(
            "{}: --out is the template being personalised; write the personalised template to \
             a new file (the original is needed to personalise again with more labelled \
             repetitions)",
            args.out.display()
        );
    }
    let base = read_template(&args.template)?;
    let entries = read_manifest(&args.manifest)?;
    let prepared = prepare_entries(&entries, &args.read, &base.settings.prepare, args.json)?;
    let examples = examples_of(&entries, &prepared);
    let mut personal = personalise(&base, &examples, args.patient.as_deref(), args.prior_sd)
        .with_context(|| {
            format!(
                "{} with {}",
                args.template.display(),
                args.manifest.display()
            )
        })?;
    let json = personal.identified_json()?;
    let summary = serde_json::json!({
        "template": args.out.display().to_string(),
        "id": personal.id,
        "personalisation": personal.personalisation,
    });
    write_and_report(&personal, &json, &args.out, summary, args.json)
}
