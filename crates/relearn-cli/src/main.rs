//! The `relearn` command-line tool. Thin: it parses arguments and calls library use cases.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[macro_use]
mod out;
mod cmd_analyze;
mod cmd_convert;
mod cmd_demo;
mod cmd_eval;
mod cmd_formats;
mod cmd_inspect;
mod cmd_rules;
mod cmd_score;
mod cmd_template;
mod files;
mod load;
mod manifest;
mod memory;
mod programme_cmd;
mod report;

/// Relearn: movement re-education from real recordings.
#[derive(Parser)]
#[command(name = "relearn", version, about, long_about = None)]
struct Cli {
    /// Show the full error chain on failure.
    #[arg(long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the recording formats Relearn reads (the values of --format).
    Formats(cmd_formats::FormatsArgs),
    /// Show a recording's format, rate, joints, frames, duration, gaps and tracking quality.
    Inspect(cmd_inspect::InspectArgs),
    /// Analyse a recording: repetitions, clinical measures, faults, score against a template,
    /// and an HTML report.
    Analyze(cmd_analyze::AnalyzeArgs),
    /// Write a recording as the generic skeleton CSV (docs/formats.md), as read or in the lab
    /// frame.
    Convert(cmd_convert::ConvertArgs),
    /// Build or show templates (the clinician's demonstration and what it learnt).
    #[command(subcommand)]
    Template(cmd_template::TemplateCommand),
    /// Score every repetition of recordings against a template.
    Score(cmd_score::ScoreArgs),
    /// Validate the scoring on public data sets with published results.
    #[command(subcommand)]
    Eval(cmd_eval::EvalCommand),
    /// Print the default fault rules as editable JSON.
    Rules(cmd_rules::RulesArgs),
    /// Generate a demonstration and a patient squat with a known knee fault, build the
    /// template, analyse the patient and write an HTML report (the main job, on data the
    /// project makes itself).
    Demo(cmd_demo::DemoArgs),
    /// Simulate a rehabilitation programme: run a scenario through the programme engine and
    /// print every decision with its rationale.
    #[command(subcommand)]
    Programme(programme_cmd::ProgrammeCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    memory::prepare_heaps(match &cli.command {
        Command::Template(cmd_template::TemplateCommand::Build(_)) | Command::Eval(_) => {
            memory::BUILDING
        }
        _ => memory::DEFAULT,
    });
    let result: anyhow::Result<()> = match cli.command {
        Command::Formats(a) => cmd_formats::run(a),
        Command::Inspect(a) => cmd_inspect::run(a),
        Command::Analyze(a) => cmd_analyze::run(a),
        Command::Convert(a) => cmd_convert::run(a),
        Command::Template(c) => cmd_template::run(c),
        Command::Score(a) => cmd_score::run(a),
        Command::Eval(c) => cmd_eval::run(c),
        Command::Rules(a) => cmd_rules::run(a),
        Command::Demo(a) => cmd_demo::run(a),
        Command::Programme(c) => programme_cmd::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if cli.verbose {
                eprintln!("error: {e:?}");
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
