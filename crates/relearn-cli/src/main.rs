//! The `relearn` command-line tool. Thin: it parses arguments and calls library use cases.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {};
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
