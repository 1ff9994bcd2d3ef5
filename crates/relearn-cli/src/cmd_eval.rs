//! `relearn eval uiprmd DIR`: leave-one-subject-out validation on UI-PRMD (Vakanski et al.
//! 2018), movement by movement, through the same code path as `relearn template build`.

use crate::load::{progress, read_prepared_with, ReadArgs};
use crate::manifest::{prepare_entries, read_manifest};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use relearn_motion::evaluate::{
    best_threshold_accuracy, leave_one_subject_out, mean_within_subject_auc,
    nested_leave_one_subject_out, pooled_auc, Confusion, FoldPersonalisation, FoldResult,
    SubjectExample,
};
use relearn_motion::personalise::DEFAULT_PRIOR_SD_LOGIT;
use relearn_motion::template::{ChannelSet, Label, TemplateSettings};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `relearn eval ...`
#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
    /// Leave-one-subject-out correct/incorrect classification on UI-PRMD Kinect data.
    Uiprmd(UiprmdArgs),
    /// Leave-one-subject-out correct/incorrect classification on your own labelled
    /// recordings: a manifest with the columns `path,label,subject`.
    Manifest(ManifestEvalArgs),
}

/// Arguments of `relearn eval manifest`.
#[derive(Debug, clap::Args)]
pub struct ManifestEvalArgs {
    /// CSV with header `path,label,subject`: label `correct` or `incorrect`, subject the
    /// person who performed the recording (so that no one's recordings are on both sides of
    /// a fold); paths relative to the manifest's folder.
    #[arg(long)]
    pub manifest: PathBuf,
    /// Name of the exercise ("deep squat").
    #[arg(long)]
    pub exercise: String,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub personal: PersonaliseEvalArgs,
    /// Write the full results (per fold) as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `relearn eval uiprmd`.
#[derive(Debug, clap::Args)]
pub struct UiprmdArgs {
    /// The UI-PRMD folder (with `Segmented Movements/` and `Incorrect Segmented Movements/`).
    pub dir: PathBuf,
    /// Only these movements (1-10), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub movements: Vec<u32>,
    /// Write the full results (per fold) as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Ablation: signals compared (all, measures, joints); default: the template default.
    #[arg(long, value_parser = parse_channel_set)]
    pub channels: Option<ChannelSet>,
    /// Ablation: include RMS z features (true/false).
    #[arg(long)]
    pub rms_z: Option<bool>,
    /// Ablation: phase windows of the mean-z features.
    #[arg(long)]
    pub phase_windows: Option<usize>,
    /// Ablation: compare signals as their change from the starting posture (true/false).
    #[arg(long)]
    pub relative_to_start: Option<bool>,
    /// Ablation: include fault-direction projections (true/false).
    #[arg(long)]
    pub fault_projection: Option<bool>,
    /// Ablation: bound on |z| before features (0 = none).
    #[arg(long)]
    pub z_limit: Option<f64>,
    /// Ablation: broken fault rules decide the verdict (true/false).
    #[arg(long)]
    pub rules_decide: Option<bool>,
    /// Ablation: L2 penalty of the correct/incorrect model.
    #[arg(long)]
    pub l2: Option<f64>,
    /// Ablation: include range-of-motion (excursion) features (true/false).
    #[arg(long)]
    pub excursion: Option<bool>,
    /// Ablation: compare a repetition done on the other side mirrored (true/false).
    #[arg(long)]
    pub mirror: Option<bool>,
    /// Ablation: match a recording noisier than the template's examples before scoring it
    /// (true/false; docs/scoring.md §4, "Noise matching").
    #[arg(long)]
    pub noise_match: Option<bool>,
    /// Nested leave-one-subject-out: within each fold, choose between the settings chosen
    /// on this data set (excursion features on/off x fault rules deciding on/off) by an inner
    /// leave-one-subject-out over the training subjects only, so that the reported accuracy
    /// carries no selection optimism. About 37 times the work of the plain evaluation.
    #[arg(long)]
    pub nested: bool,
    #[command(flatten)]
    pub personal: PersonaliseEvalArgs,
}

/// The personalised protocol of an evaluation.
#[derive(Debug, clap::Args)]
pub struct PersonaliseEvalArgs {
    /// Personalised protocol: each left-out subject's first K correct and first K incorrect
    /// files personalise their template (as `relearn template personalise` does) and are not
    /// scored; the other files are scored with and without the personalisation.
    #[arg(long, value_name = "K")]
    pub personalise: Option<usize>,
    /// With --personalise: prior standard deviation of the personal shift, logits.
    #[arg(long, default_value_t = DEFAULT_PRIOR_SD_LOGIT, requires = "personalise")]
    pub prior_sd: f64,
    /// With --personalise: choose the K files of each kind at random (seeded, different for
    /// each subject) instead of the first K.
    #[arg(long, requires = "personalise")]
    pub personalise_seed: Option<u64>,
}

impl PersonaliseEvalArgs {
    /// The fold personalisation asked for, if any.
    fn fold_personalisation(&self) -> Result<Option<FoldPersonalisation>> {
        if self.personalise == Some(0) {
            bail!("--personalise needs at least one labelled file of each kind (K >= 1)");
        }
        Ok(self.personalise.map(|k| FoldPersonalisation {
            per_class: k,
            prior_sd_logit: self.prior_sd,
            seed: self.personalise_seed,
        }))
    }

    /// The protocol in words, for the results file.
    fn protocol(&self) -> Option<String> {
        self.personalise.map(|k| {
            format!(
                "leave-one-subject-out, personalised: template built with the same code path as \
                 `relearn template build` from the other subjects' correct and incorrect \
                 repetitions, then personalised (as `relearn template personalise`) with {k} \
                 correct and {k} incorrect files of the left-out subject ({}), which are not \
                 scored; prior SD {} logits",
                self.personalise_seed.map_or_else(
                    || "the first ones".to_string(),
                    |s| format!("a seeded random choice, seed {s}")
                ),
                self.prior_sd
            )
        })
    }
}

fn parse_channel_set(s: &str) -> std::result::Result<ChannelSet, String> {
    match s {
        "all" => Ok(ChannelSet::All),
        "measures" => Ok(ChannelSet::Measures),
        "joints" => Ok(ChannelSet::Joints),
        _ => Err(format!("expected all, measures or joints; found {s:?}")),
    }
}

/// UI-PRMD movement names (Vakanski et al. 2018).
pub const UIPRMD_MOVEMENTS: [&str; 10] = [
    "deep squat",
    "hurdle step",
    "inline lunge",
    "side lunge",
    "sit to stand",
    "standing active straight leg raise",
    "standing shoulder abduction",
    "standing shoulder extension",
    "standing shoulder internal-external rotation",
    "standing shoulder scaption",
];

#[derive(Debug, Clone)]
struct UiprmdFile {
    path: PathBuf,
    movement: u32,
    subject: String,
    correct: bool,
}

fn parse_name(name: &str) -> Option<(u32, String)> {
    // mMM_sSS_eEE_positions[_inc].txt[.gz]
    let mut parts = name.split('_');
    let m = parts.next()?.strip_prefix('m')?.parse().ok()?;
    let s = parts.next()?.strip_prefix('s')?.to_string();
    Some((m, s))
}

fn discover(dir: &Path) -> Result<Vec<UiprmdFile>> {
    let mut out = Vec::new();
    for (sub, correct) in [
        ("Segmented Movements", true),
        ("Incorrect Segmented Movements", false),
    ] {
        let folder = dir.join(sub).join("Kinect").join("Positions");
        let entries = std::fs::read_dir(&folder).with_context(|| {
            format!(
                "{}: not found; expected the UI-PRMD layout `{sub}/Kinect/Positions`",
                folder.display()
            )
        })?;
        for e in entries {
            let path = e?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if let Some((movement, subject)) = parse_name(&name) {
                out.push(UiprmdFile {
                    path,
                    movement,
                    subject,
                    correct,
                });
            }
        }
    }
    if out.is_empty() {
        bail!("{}: no UI-PRMD position files found", dir.display());
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Results of one UI-PRMD movement.
#[derive(Debug, Serialize)]
pub struct MovementResult {
    /// Movement number (1-10).
    pub movement: u32,
    /// What the evaluation found.
    #[serde(flatten)]
    pub summary: EvalSummary,
}

/// What a leave-one-subject-out evaluation of one exercise found.
#[derive(Debug, Serialize)]
pub struct EvalSummary {
    /// Exercise (movement) name.
    pub name: String,
    /// Subjects (folds).
    pub subjects: usize,
    /// Pooled outcomes over the folds.
    pub confusion: Confusion,
    /// Accuracy.
    pub accuracy: f64,
    /// Balanced accuracy.
    pub balanced_accuracy: f64,
    /// Area under the ROC curve of the left-out scores pooled over the subjects
    /// ([`pooled_auc`]).
    pub auc: Option<f64>,
    /// Mean of the left-out subjects' own areas under the ROC curve
    /// ([`mean_within_subject_auc`]).
    pub within_subject_auc: Option<f64>,
    /// The best accuracy one score threshold could reach, chosen on the left-out scores
    /// themselves (an optimistic bound, not a validation: [`best_threshold_accuracy`]).
    pub best_threshold_accuracy: Option<f64>,
    /// That threshold (score 0-100; the verdict uses 50).
    pub best_threshold: Option<f64>,
    /// Personalised protocol: the outcomes of the templates before personalising, on the
    /// same scored repetitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub without_personalisation: Option<Confusion>,
    /// Per fold.
    pub folds: Vec<FoldResult>,
}

impl EvalSummary {
    /// Pools the folds of one exercise.
    fn of(name: &str, folds: Vec<FoldResult>, personalised: bool) -> EvalSummary {
        let mut c = Confusion::default();
        let mut before = Confusion::default();
        for f in &folds {
            c.merge(&f.confusion);
            if let Some(b) = &f.without_personalisation {
                before.merge(b);
            }
        }
        let best = best_threshold_accuracy(&folds);
        EvalSummary {
            name: name.to_string(),
            subjects: folds.len(),
            confusion: c,
            accuracy: c.accuracy(),
            balanced_accuracy: c.balanced_accuracy(),
            auc: pooled_auc(&folds),
            within_subject_auc: mean_within_subject_auc(&folds),
            best_threshold_accuracy: best.map(|b| b.0),
            best_threshold: best.map(|b| b.1),
            without_personalisation: personalised.then_some(before),
            folds,
        }
    }
}

/// Runs `relearn eval ...`.
pub fn run(cmd: EvalCommand) -> Result<()> {
    match cmd {
        EvalCommand::Uiprmd(args) => uiprmd(args),
        EvalCommand::Manifest(args) => manifest(args),
    }
}

fn uiprmd(args: UiprmdArgs) -> Result<()> {
    let mut files = discover(&args.dir)?;
    if !args.movements.is_empty() {
        files.retain(|f| args.movements.contains(&f.movement));
    }
    let mut settings = TemplateSettings::default();
    if let Some(c) = args.channels {
        settings.channels = c;
    }
    if let Some(r) = args.rms_z {
        settings.features.rms_z = r;
    }
    if let Some(w) = args.phase_windows {
        settings.features.phase_windows = w;
    }
    if let Some(r) = args.relative_to_start {
        settings.features.relative_to_start = r;
    }
    if let Some(f) = args.fault_projection {
        settings.features.fault_projection = f;
    }
    if let Some(z) = args.z_limit {
        settings.features.z_limit = z;
    }
    if let Some(r) = args.rules_decide {
        settings.rules_decide_verdict = r;
    }
    if let Some(l) = args.l2 {
        settings.classifier_l2 = l;
    }
    if let Some(e) = args.excursion {
        settings.features.excursion = e;
    }
    if let Some(m) = args.mirror {
        settings.features.mirror = m;
    }
    if let Some(n) = args.noise_match {
        settings.noise_match.enabled = n;
    }
    let read_args = ReadArgs {
        format: Some("ui-prmd".into()),
        up: None,
    };
    let bar = progress(files.len() as u64, "reading UI-PRMD", args.json);
    let prepared: Vec<_> = files
        .par_iter()
        .map(|f| {
            let p = read_prepared_with(&f.path, &read_args, &settings.prepare);
            bar.inc(1);
            p
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    let mut by_movement: Vec<(u32, Vec<SubjectExample>)> = Vec::new();
    for (f, p) in files.iter().zip(prepared) {
        let ex = SubjectExample {
            subject: f.subject.clone(),
            prepared: p,
            label: if f.correct {
                Label::Correct
            } else {
                Label::Incorrect
            },
            source: f.path.display().to_string(),
        };
        match by_movement.iter_mut().find(|(m, _)| *m == f.movement) {
            Some((_, v)) => v.push(ex),
            None => by_movement.push((f.movement, vec![ex])),
        }
    }
    by_movement.sort_by_key(|(m, _)| *m);
    let folds: u64 = by_movement
        .iter()
        .map(|(_, v)| {
            let mut s: Vec<&str> = v.iter().map(|e| e.subject.as_str()).collect();
            s.sort_unstable();
            s.dedup();
            s.len() as u64
        })
        .sum();
    let candidates = nested_candidates(&settings);
    if args.nested && args.personal.personalise.is_some() {
        bail!("--nested and --personalise are different protocols: choose one");
    }
    let personalise = args.personal.fold_personalisation()?;
    let bar = progress(
        folds,
        if args.nested {
            "nested leave-one-subject-out"
        } else {
            "leave-one-subject-out"
        },
        args.json,
    );
    let results: Vec<MovementResult> = by_movement
        .par_iter()
        .map(|(m, examples)| {
            let name = UIPRMD_MOVEMENTS
                .get((*m as usize).wrapping_sub(1))
                .copied()
                .unwrap_or("unknown");
            let folds = if args.nested {
                nested_leave_one_subject_out(name, examples, &candidates, &|_| bar.inc(1))
            } else {
                leave_one_subject_out(name, examples, &settings, personalise, &|_| bar.inc(1))
            }
            .with_context(|| format!("movement m{m:02}"))?;
            Ok(MovementResult {
                movement: *m,
                summary: EvalSummary::of(name, folds, personalise.is_some()),
            })
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    let summaries: Vec<(String, &EvalSummary)> = results
        .iter()
        .map(|r| (format!("m{:02} {}", r.movement, r.summary.name), &r.summary))
        .collect();
    let total = pooled(summaries.iter().map(|(_, s)| &s.confusion));
    let doc = serde_json::json!({
        "dataset": "UI-PRMD Kinect (Vakanski et al. 2018)",
        "protocol": if let Some(p) = args.personal.protocol() {
            format!("{p}; per movement")
        } else if args.nested {
            "nested leave-one-subject-out per movement: in each outer fold the setting is chosen among the candidates by an inner leave-one-subject-out over the training subjects only; template built with the same code path as `relearn template build` from the other subjects' correct and incorrect repetitions".to_string()
        } else {
            PLAIN_PROTOCOL.to_string() + " per movement"
        },
        "candidates": if args.nested { candidates.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>() } else { Vec::new() },
        "program_version": relearn_core::VERSION,
        "settings": settings,
        "movements": results,
        "overall": { "confusion": total, "accuracy": total.accuracy(), "balanced_accuracy": total.balanced_accuracy() },
        "personalisation": personalise,
    });
    if write_results(&doc, args.out.as_deref(), args.json)? {
        return Ok(());
    }
    print_table("movement", &summaries, personalise.is_some());
    if args.nested {
        outln!();
        outln!("Settings chosen by the inner folds (number of outer folds):");
        for (name, _) in &candidates {
            let n = results
                .iter()
                .flat_map(|r| &r.summary.folds)
                .filter(|f| f.selected.as_deref() == Some(name.as_str()))
                .count();
            outln!("  {name}: {n}");
        }
    }
    Ok(())
}

fn manifest(args: ManifestEvalArgs) -> Result<()> {
    let entries = read_manifest(&args.manifest)?;
    let settings = TemplateSettings::default();
    let mut examples_rows = Vec::with_capacity(entries.len());
    for e in &entries {
        let Some(subject) = e.subject.clone() else {
            bail!(
                "{}: line {}: no subject; `relearn eval manifest` needs a `subject` column naming \
                 who performed each recording, so that no one's recordings are on both sides \
                 of a fold",
                args.manifest.display(),
                e.line
            );
        };
        if !matches!(e.label, Label::Correct | Label::Incorrect) {
            bail!(
                "{}: line {}: label {:?}; the evaluation compares verdicts, so every recording \
                 must be labelled `correct` or `incorrect`",
                args.manifest.display(),
                e.line,
                e.label
            );
        }
        examples_rows.push((e, subject));
    }
    let personalise = args.personal.fold_personalisation()?;
    let prepared = prepare_entries(&entries, &args.read, &settings.prepare, args.json)?;
    let examples: Vec<SubjectExample> = examples_rows
        .into_iter()
        .zip(prepared)
        .map(|((e, subject), p)| SubjectExample {
            subject,
            prepared: p,
            label: e.label,
            source: e.path_text.clone(),
        })
        .collect();
    let subjects = {
        let mut s: Vec<&str> = examples.iter().map(|e| e.subject.as_str()).collect();
        s.sort_unstable();
        s.dedup();
        s.len()
    };
    if subjects < 3 {
        bail!(
            "{}: {subjects} subject(s); leave-one-subject-out needs at least 3 (each template is \
             built from the others)",
            args.manifest.display()
        );
    }
    let bar = progress(subjects as u64, "leave-one-subject-out", args.json);
    let folds = leave_one_subject_out(&args.exercise, &examples, &settings, personalise, &|_| {
        bar.inc(1)
    })
    .with_context(|| format!("{}: cannot evaluate", args.manifest.display()))?;
    bar.finish_and_clear();
    let summary = EvalSummary::of(&args.exercise, folds, personalise.is_some());
    let doc = serde_json::json!({
        "manifest": args.manifest.display().to_string(),
        "protocol": args.personal.protocol().unwrap_or_else(|| PLAIN_PROTOCOL.to_string()),
        "program_version": relearn_core::VERSION,
        "settings": settings,
        "result": summary,
        "personalisation": personalise,
    });
    if write_results(&doc, args.out.as_deref(), args.json)? {
        return Ok(());
    }
    print_table(
        "exercise",
        &[(args.exercise.clone(), &summary)],
        personalise.is_some(),
    );
    outln!();
    outln!("Left-out subjects (right / repetitions scored):");
    for f in &summary.folds {
        let c = f.confusion;
        outln!(
            "  {}: {} / {}{}",
            f.subject,
            c.true_correct + c.true_incorrect,
            c.total(),
            f.without_personalisation
                .map(|b| format!(" (not personalised: {})", b.true_correct + b.true_incorrect))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// Writes the results document to `out` when given, and prints it as JSON when `json`;
/// returns whether it was printed (then there is no table to print).
fn write_results(doc: &serde_json::Value, out: Option<&Path>, json: bool) -> Result<bool> {
    if let Some(out) = out {
        crate::files::write_bytes_atomically(
            out,
            "the results",
            serde_json::to_string_pretty(doc)?.as_bytes(),
        )?;
    }
    if json {
        crate::out::json_pretty(doc)?;
    }
    Ok(json)
}

/// The plain protocol in words, for the results file.
const PLAIN_PROTOCOL: &str = "leave-one-subject-out; template built with the same code path as \
     `relearn template build` from the other subjects' correct and incorrect repetitions";

/// The confusion tables pooled.
fn pooled<'a>(tables: impl Iterator<Item = &'a Confusion>) -> Confusion {
    let mut total = Confusion::default();
    tables.for_each(|c| total.merge(c));
    total
}

/// Prints the results table: one row per summary (`what` names the first column), a row for
/// all of them when there are several, and what the columns mean.
fn print_table(what: &str, rows: &[(String, &EvalSummary)], personalised: bool) {
    outln!(
        "| {what} | subjects | repetitions | accuracy | balanced accuracy | AUC pooled | AUC within subject | best-threshold accuracy (bound) | not one repetition | partly recorded |{}",
        if personalised { " accuracy not personalised (same repetitions) |" } else { "" }
    );
    outln!(
        "|---|---|---|---|---|---|---|---|---|---|{}",
        if personalised { "---|" } else { "" }
    );
    let before = |c: &Option<Confusion>| {
        c.map(|c| format!(" {:.3} |", c.accuracy()))
            .unwrap_or_default()
    };
    let auc = |a: Option<f64>| a.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
    for (label, r) in rows {
        let split: usize = r.folds.iter().map(|f| f.examples_not_one_repetition).sum();
        let partly: usize = r
            .folds
            .iter()
            .flat_map(|f| &f.scores)
            .filter(|s| s.partly_recorded)
            .count();
        outln!(
            "| {label} | {} | {} | {:.3} | {:.3} | {} | {} | {} | {} | {} |{}",
            r.subjects,
            r.confusion.total(),
            r.accuracy,
            r.balanced_accuracy,
            auc(r.auc),
            auc(r.within_subject_auc),
            match (r.best_threshold_accuracy, r.best_threshold) {
                (Some(a), Some(t)) => format!("{a:.3} at {t:.1}"),
                _ => "-".into(),
            },
            split,
            partly,
            before(&r.without_personalisation)
        );
    }
    if rows.len() > 1 {
        let total = pooled(rows.iter().map(|(_, r)| &r.confusion));
        let total_before = personalised.then(|| {
            pooled(
                rows.iter()
                    .filter_map(|(_, r)| r.without_personalisation.as_ref()),
            )
        });
        outln!(
            "| all | | {} | {:.3} | {:.3} | | | | | |{}",
            total.total(),
            total.accuracy(),
            total.balanced_accuracy(),
            before(&total_before)
        );
    }
    outln!();
    outln!(
        "AUC pooled: how well one score threshold, the same for everybody, ranks the left-out \
         correct repetitions above the incorrect ones; AUC within subject: the same for each \
         person's own repetitions (mean over subjects). A within-subject AUC well above the \
         pooled one means that errors come from whole people scoring higher or lower. \
         Best-threshold accuracy: the best any one threshold could do, chosen on these very \
         scores (an optimistic bound, not a validation). Partly recorded: left-out files the \
         scoring took for a repetition the recording cuts off (not judged by the fault rules; \
         each file is one whole repetition, so these are false marks)."
    );
}

/// The settings a nested evaluation chooses between: the choices made on UI-PRMD itself
/// (VALIDATION.md), around the given settings, which come first so that they win ties.
fn nested_candidates(base: &TemplateSettings) -> Vec<(String, TemplateSettings)> {
    let mut out = Vec::new();
    let on_off = |b: bool| if b { "on" } else { "off" };
    for excursion in [base.features.excursion, !base.features.excursion] {
        for rules in [base.rules_decide_verdict, !base.rules_decide_verdict] {
            let mut s = base.clone();
            s.features.excursion = excursion;
            s.rules_decide_verdict = rules;
            out.push((
                format!(
                    "excursion {}, rules decide {}",
                    on_off(excursion),
                    on_off(rules)
                ),
                s,
            ));
        }
    }
    out
}
