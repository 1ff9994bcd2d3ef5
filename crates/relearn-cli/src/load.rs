//! Reading and preparing recordings, with the file named in every error.

use anyhow::{Context, Result};
use relearn_core::SignedAxis;
use relearn_motion::prepare::{prepare, PrepareSettings, PreparedRecording};
use std::path::{Path, PathBuf};

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

/// The recordings named on the command line: a file as given; for a folder, the files in it
/// (not in its sub-folders; hidden files left out), in name order, that a reader recognises
/// ([`relearn_formats::recognise`]). How many other files a folder holds is said on stderr; a
/// folder without any recording is an error naming it.
pub fn expand_recordings(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("{}: cannot list the folder", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        entries.sort();
        let mut found = 0usize;
        for entry in &entries {
            if relearn_formats::recognise(entry)?.is_some() {
                out.push(entry.clone());
                found += 1;
            }
        }
        if found == 0 {
            anyhow::bail!(
                "{}: no recording in this folder ({} files, none in a format Relearn reads; \
                 see `relearn formats`)",
                path.display(),
                entries.len()
            );
        }
        if found < entries.len() {
            eprintln!(
                "note: {}: {found} recordings; {} other files skipped",
                path.display(),
                entries.len() - found
            );
        }
    }
    Ok(out)
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
    prepare(rec, &settings).map_err(|e| match e {
        // Already names the file ("cannot analyse PATH: why"): said once, not twice.
        relearn_motion::Error::Unusable { .. } => anyhow::Error::new(e),
        other => anyhow::Error::new(other).context(format!("{}: cannot analyse", path.display())),
    })
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
