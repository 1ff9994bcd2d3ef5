//! `MANIFEST.csv`: the labelled examples a template is built from (or, for `template build`,
//! folders of correct and incorrect recordings: [`entries_from_folders`]).
//!
//! Header `path,label`, optionally `subject` (who performed the recording: `relearn eval
//! manifest` needs it; other commands ignore it); more columns are allowed and ignored. A label is
//! `correct`, `incorrect` or a number (a clinician's rating on any scale); paths are relative
//! to the manifest's folder.

use crate::load::{progress, read_prepared_with, ReadArgs};
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use relearn_motion::prepare::{PrepareSettings, PreparedRecording};
use relearn_motion::template::Label;
use std::path::{Path, PathBuf};

/// One manifest row.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestEntry {
    /// The path as written in the manifest.
    pub path_text: String,
    /// The path resolved against the manifest's folder.
    pub path: PathBuf,
    /// The label.
    pub label: Label,
    /// 1-based line number, for messages.
    pub line: usize,
    /// Who performed the recording (the optional `subject` column; `None` when the manifest
    /// has no such column or the cell is empty).
    pub subject: Option<String>,
    /// Where the entry comes from, for messages: `MANIFEST: line N`, or the option that named
    /// the recording.
    pub origin: String,
}

/// Reads and validates a manifest; every error names the manifest and the line.
pub fn read_manifest(manifest: &Path) -> Result<Vec<ManifestEntry>> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("{}: cannot read the manifest", manifest.display()))?;
    parse_manifest(&text, manifest)
}

/// Parses manifest text; `manifest` locates relative paths and names errors.
pub fn parse_manifest(text: &str, manifest: &Path) -> Result<Vec<ManifestEntry>> {
    let base = manifest.parent().unwrap_or_else(|| Path::new("."));
    let name = manifest.display();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("{name}: line 1: cannot read the header"))?
        .clone();
    let col = |want: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(want));
    let (Some(pi), Some(li)) = (col("path"), col("label")) else {
        bail!(
            "{name}: line 1: the header must have the columns `path,label`, found `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let si = col("subject");
    let mut out = Vec::new();
    for (k, row) in reader.records().enumerate() {
        let line = k + 2;
        let row = row.with_context(|| format!("{name}: line {line}: malformed row"))?;
        let path_text = row.get(pi).unwrap_or("").to_string();
        let label_text = row.get(li).unwrap_or("");
        if path_text.is_empty() {
            bail!("{name}: line {line}: empty path");
        }
        let label = Label::parse(label_text).ok_or_else(|| {
            anyhow!("{name}: line {line}: label {label_text:?} is not `correct`, `incorrect` or a number")
        })?;
        let path = base.join(&path_text);
        if !path.exists() {
            bail!("{name}: line {line}: {} does not exist (paths are relative to the manifest's folder)", path.display());
        }
        let subject = si
            .and_then(|i| row.get(i))
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        out.push(ManifestEntry {
            path_text,
            path,
            label,
            line,
            subject,
            origin: format!("{name}: line {line}"),
        });
    }
    if out.is_empty() {
        bail!("{name}: the manifest lists no recordings");
    }
    Ok(out)
}

/// Entries for the recordings given with `--correct` and `--incorrect` (files, or folders
/// whose recordings are taken as [`crate::load::expand_recordings`] does), in that order.
pub fn entries_from_folders(
    correct: &[PathBuf],
    incorrect: &[PathBuf],
) -> Result<Vec<ManifestEntry>> {
    let mut out = Vec::new();
    for (given, label, option) in [
        (correct, Label::Correct, "--correct"),
        (incorrect, Label::Incorrect, "--incorrect"),
    ] {
        for path in crate::load::expand_recordings(given)? {
            if !path.exists() {
                bail!("{}: does not exist (given with {option})", path.display());
            }
            out.push(ManifestEntry {
                path_text: path.display().to_string(),
                origin: format!("{} (given with {option})", path.display()),
                path,
                label,
                line: 0,
                subject: None,
            });
        }
    }
    Ok(out)
}

/// The recordings of a manifest's entries, read and prepared in parallel with a progress bar
/// (`quiet`: none); an error names where the entry came from (the manifest and its line).
pub fn prepare_entries(
    entries: &[ManifestEntry],
    read: &ReadArgs,
    prepare: &PrepareSettings,
    quiet: bool,
) -> Result<Vec<PreparedRecording>> {
    let bar = progress(entries.len() as u64, "reading recordings", quiet);
    let prepared = entries
        .par_iter()
        .map(|e| {
            let p = read_prepared_with(&e.path, read, prepare);
            bar.inc(1);
            p.with_context(|| e.origin.clone())
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_relative_paths_are_parsed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        std::fs::write(dir.path().join("b.csv"), "x").unwrap();
        let m = dir.path().join("manifest.csv");
        let rows =
            parse_manifest("path,label,subject\na.csv,correct,s1\nb.csv, 7.5 ,s2\n", &m).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].label, Label::Correct);
        assert_eq!(rows[1].label, Label::Rating(7.5));
        assert_eq!(rows[1].path, dir.path().join("b.csv"));
        assert_eq!(rows[0].subject.as_deref(), Some("s1"));
        let rows = parse_manifest("path,label\na.csv,correct\n", &m).unwrap();
        assert_eq!(rows[0].subject, None);
    }

    #[test]
    fn bad_labels_missing_files_and_headers_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        let m = dir.path().join("manifest.csv");
        let e = parse_manifest("path,label\na.csv,good\n", &m)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("good"), "{e}");
        let e = parse_manifest("path,label\nnope.csv,correct\n", &m)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("does not exist"), "{e}");
        let e = parse_manifest("file,quality\na.csv,correct\n", &m)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1"), "{e}");
    }
}
