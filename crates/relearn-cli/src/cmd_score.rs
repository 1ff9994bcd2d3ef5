//! `relearn score --template T FILE...`: score every repetition of each file.

use crate::cmd_template::{check_identity, read_template_unverified};
use crate::load::{progress, read_prepared_with, ReadArgs};
use anyhow::Result;
use rayon::prelude::*;
use relearn_motion::score::{RecordingScore, Scorer, Verdict};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `relearn score`.
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// The template (from `relearn template build`).
    #[arg(long)]
    pub template: PathBuf,
    /// Recordings to score, or folders: every recording in a folder (not its sub-folders) is
    /// scored, and its other files (manifests, templates, reports) are skipped.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// One JSON object per input file per line.
    #[arg(long)]
    pub json: bool,
    /// Score a recording noisier than the template's examples as it is, without first
    /// matching it to them (docs/scoring.md §4, "Noise matching"); to compare, or to see what
    /// the matching changed.
    #[arg(long)]
    pub no_noise_match: bool,
}

#[derive(Serialize)]
struct JsonRep<'a> {
    number: usize,
    start_s: f64,
    end_s: f64,
    score: f64,
    verdict: Verdict,
    confidence: f64,
    rating: Option<f64>,
    duration_s: f64,
    deviations: &'a [relearn_motion::score::Deviation],
    /// Present (true) only for a repetition compared with the mirrored demonstration.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    mirrored: bool,
    /// Present (true) only for a repetition that does not resemble the exercise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unlike_exercise: bool,
    /// What the exercise check measured (absent for a template without the check).
    #[serde(skip_serializing_if = "Option::is_none")]
    exercise_check: Option<relearn_motion::score::ExerciseCheck>,
    /// Present only for a repetition the recording does not hold whole: `start`, `end` or
    /// `both` (not judged; no deviations told).
    #[serde(skip_serializing_if = "Option::is_none")]
    cut_off: Option<relearn_motion::segment::CutOff>,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    path: &'a str,
    exercise: &'a str,
    template_id: &'a str,
    program_version: &'a str,
    reps: Vec<JsonRep<'a>>,
    summary: relearn_motion::score::SetSummary,
    warnings: Vec<&'a str>,
    /// How a recording noisier than the template's examples was matched to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    noise_match: Option<&'a relearn_motion::noise_match::NoiseMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The JSON line of one scored file (the format documented in `docs/scoring.md`).
pub fn json_line(s: &RecordingScore) -> Result<String> {
    let line = JsonLine {
        path: &s.path,
        exercise: &s.exercise,
        template_id: &s.template_id,
        program_version: &s.program_version,
        reps: s
            .reps
            .iter()
            .map(|r| JsonRep {
                number: r.number,
                start_s: r.start_s,
                end_s: r.end_s,
                score: relearn_core::stats::round_tenth(r.score),
                verdict: r.verdict,
                confidence: (r.confidence * 1000.0).round() / 1000.0,
                rating: r.rating,
                duration_s: r.duration_s,
                deviations: &r.deviations,
                mirrored: r.mirrored,
                unlike_exercise: r.unlike_exercise,
                exercise_check: r.exercise_check,
                cut_off: r.cut_off,
            })
            .collect(),
        summary: rounded(s.summary()),
        warnings: s.warnings.iter().map(|w| w.message.as_str()).collect(),
        noise_match: s.noise_match.as_ref(),
        error: None,
    };
    Ok(serde_json::to_string(&line)?)
}

/// The summary with its mean rounded as the scores are.
fn rounded(mut summary: relearn_motion::score::SetSummary) -> relearn_motion::score::SetSummary {
    summary.mean_score = summary.mean_score.map(relearn_core::stats::round_tenth);
    summary
}

/// One file's result, ready to print.
enum Scored {
    /// Its JSON line (`--json`).
    Json(String),
    /// Its score, printed as text.
    Text(RecordingScore),
}

/// Runs `relearn score`. Files that cannot be read are reported and make the exit status
/// non-zero, but the other files are still scored.
pub fn run(mut args: ScoreArgs) -> Result<()> {
    let (t, text) = read_template_unverified(&args.template)?;
    // `--no-noise-match` scores with a copy whose noise matching is off; the identity is
    // checked on the template as read.
    let without_noise_match = args.no_noise_match.then(|| {
        let mut copy = t.clone();
        copy.settings.noise_match.enabled = false;
        copy
    });
    let scoring = without_noise_match.as_ref().unwrap_or(&t);
    args.files = crate::load::expand_recordings(&args.files)?;
    let bar = progress(args.files.len() as u64, "scoring", args.json);
    // The template's identity is checked (hashing its content) while the files are scored;
    // nothing is printed before it has passed.
    let (verified, results) = rayon::join(
        || check_identity(&t, &text, &args.template),
        || score_files(&args, scoring, &bar),
    );
    verified?;
    bar.finish_and_clear();
    if let (false, Some(p)) = (args.json, &t.personalisation) {
        outln!(
            "template {} is personalised{}: verdict shifted by {:+.2} logits from {} repetitions \
             the clinician labelled",
            t.short_id(),
            p.for_whom(),
            p.offset_logit,
            p.labelled_repetitions
        );
    }
    let mut failures = 0usize;
    for (f, r) in args.files.iter().zip(results) {
        match r {
            Ok(Scored::Json(line)) => outln!("{line}"),
            Ok(Scored::Text(s)) => print_text(&s),
            Err(e) => {
                failures += 1;
                if args.json {
                    outln!(
                        "{}",
                        serde_json::json!({"path": f.display().to_string(), "error": format!("{e:#}")})
                    );
                } else {
                    eprintln!("error: {e:#}");
                }
            }
        }
    }
    if failures > 0 {
        anyhow::bail!(
            "{failures} of {} files could not be scored",
            args.files.len()
        );
    }
    Ok(())
}

/// Scores every file on the worker threads: each is read, scored and (with `--json`) turned
/// into its JSON line; the results come back in the order of the arguments.
fn score_files(
    args: &ScoreArgs,
    t: &relearn_motion::template::Template,
    bar: &indicatif::ProgressBar,
) -> Vec<Result<Scored>> {
    let scorer = Scorer::new(t);
    args.files
        .par_iter()
        .map(|f| {
            let r = read_prepared_with(f, &args.read, &t.settings.prepare)
                .and_then(|mut p| {
                    // Matched where it is: a long noisy recording is not held twice.
                    relearn_motion::noise_match::match_in_place(t, &mut p)?;
                    Ok(scorer.score(&p)?)
                })
                .and_then(|s| {
                    Ok(if args.json {
                        Scored::Json(json_line(&s)?)
                    } else {
                        Scored::Text(s)
                    })
                });
            bar.inc(1);
            r
        })
        .collect()
}

fn print_text(s: &RecordingScore) {
    outln!(
        "{} ({} repetitions, template {})",
        s.path,
        s.reps.len(),
        &s.template_id[..12.min(s.template_id.len())]
    );
    for r in &s.reps {
        let rating = r
            .rating
            .map(|x| format!(", rating {x:.1}"))
            .unwrap_or_default();
        let mut notes = String::new();
        if r.mirrored {
            notes.push_str("  (other side, compared mirrored)");
        }
        if let Some(why) = r.not_judged_because() {
            notes.push_str(&format!("  ({why}: not judged)"));
        }
        outln!(
            "  rep {:>2}  {:>6.2}-{:<6.2}s  score {:>5.1}  {:<9}  confidence {:.2}{rating}{notes}",
            r.number,
            r.start_s,
            r.end_s,
            r.score,
            format!("{:?}", r.verdict).to_lowercase(),
            r.confidence
        );
        for d in &r.deviations {
            outln!("          - {}", d.message);
        }
    }
    let set = s.summary();
    if let (true, Some(mean)) = (set.repetitions > 1, set.mean_score) {
        let (unlike, cut) = s.left_out();
        let left_out: Vec<String> = [(unlike, "not like the exercise"), (cut, "partly recorded")]
            .iter()
            .filter(|(k, _)| *k > 0)
            .map(|(k, why)| format!("{k} {why}"))
            .collect();
        outln!(
            "  set: {} of {} judged correct, mean score {mean:.1}{}",
            set.correct,
            set.judged,
            if left_out.is_empty() {
                String::new()
            } else {
                format!(" ({} left out)", left_out.join(", "))
            }
        );
    }
    if let Some(m) = &s.noise_match {
        outln!(
            "  noise: {:.1} mm against the examples' {:.1} mm{}; scored after a {:.1} Hz \
             low-pass instead of {} Hz{}",
            m.noise_mm,
            m.examples_noise_mm,
            m.rates_note(),
            m.cutoff_hz,
            m.template_cutoff_hz,
            m.remaining_noise_mm()
                .map(|x| format!(", allowing for {x:.1} mm of remaining noise"))
                .unwrap_or_default()
        );
    }
    for w in &s.warnings {
        outln!("  warning: {}", w.message);
    }
}
