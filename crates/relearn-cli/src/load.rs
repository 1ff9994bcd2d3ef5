//! Reading and preparing recordings, with the file named in every error.

use anyhow::{Context, Result};
use relearn_core::SignedAxis;
use relearn_motion::prepare::{prepare, PrepareSettings, PreparedRecording};
use std::path::Path;

/// Options shared by the commands that read recordings.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Force the format instead of detecting it (see `relearn formats`).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The recording's vertical axis, overriding the format and detection: x, y, z, -x, -y, -z.
    #[arg(long, value_name = "AXIS", value_parser = parse_axis, allow_hyphen_values = true)]
    pub up: Option<SignedAxis>,
}

fn parse_axis(s: &str) -> std::result::Result<SignedAxis, String> {
    SignedAxis::parse(s).ok_or_else(|| format!("expected one of x, y, z, -x, -y, -z; found {s:?}"))
}

/// Reads a recording (format detected or forced).
pub fn read(path: &Path, args: &ReadArgs) -> Result<relearn_core::Recording> {
    Ok(relearn_formats::read_recording(
        path,
        args.format.as_deref(),
    )?)
}

/// Prepares with explicit settings.
pub fn read_prepared_with(
    path: &Path,
    args: &ReadArgs,
    settings: &PrepareSettings,
) -> Result<PreparedRecording> {
    let rec = read(path, args)?;
    let settings = PrepareSettings {
        up: args.up.or(settings.up),
        ..settings.clone()
    };
    prepare(rec, &settings).with_context(|| format!("{}: cannot analyse", path.display()))
}

/// A progress bar for long work, hidden when stderr is not a terminal or output is JSON.
pub fn progress(len: u64, message: &str, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(message.to_string());
    bar
}
