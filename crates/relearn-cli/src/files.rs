//! Writing output files so that a crash, a full disk or a write error never leaves a
//! half-written file in place of a good one (a template, a report, converted recordings).
//!
//! Every output goes to a temporary file in the destination's folder, is flushed to disk
//! (`fsync`), and only then replaces the destination with one `rename`, which POSIX makes atomic
//! within a file system. Until that moment the previous file, if any, is untouched; on any error
//! the temporary file is removed. The `tempfile` crate creates the temporary file (unique name,
//! removed on drop) and does the rename (`NamedTempFile::persist`).

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Writes `path` atomically: `write` fills a buffered temporary file next to it, which then
/// replaces `path`. `what` names the content in error messages ("the template").
pub fn write_atomically(
    path: &Path,
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let cannot = || format!("{}: cannot write {what}", path.display());
    let tmp = tempfile::Builder::new()
        .prefix(".relearn-")
        .suffix(".partial")
        .tempfile_in(dir)
        .with_context(|| format!("{} (in the folder {})", cannot(), dir.display()))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        write(&mut w).with_context(cannot)?;
        w.flush().with_context(cannot)?;
    }
    tmp.as_file().sync_all().with_context(cannot)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(cannot)?;
    Ok(())
}

/// [`write_atomically`] for content already in memory.
pub fn write_bytes_atomically(path: &Path, what: &str, bytes: &[u8]) -> Result<()> {
    write_atomically(path, what, |w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_previous_file_and_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.json");
        std::fs::write(&path, "previous").unwrap();
        let err = write_atomically(&path, "the template", |w| {
            w.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("template.json: cannot write the template"),
            "{msg}"
        );
        assert!(msg.contains("disk full"), "{msg}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("template.json")]);
    }

    #[test]
    fn a_successful_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        std::fs::write(&path, "old").unwrap();
        write_bytes_atomically(&path, "the report", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_missing_folder_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("out.csv");
        let msg = format!(
            "{:#}",
            write_bytes_atomically(&path, "the recording", b"x").unwrap_err()
        );
        assert!(msg.contains("out.csv: cannot write the recording"), "{msg}");
        assert!(msg.contains("no-such-folder"), "{msg}");
    }
}
