//! Writing output files so that a crash, a full disk or a write error never leaves a
//! half-written file in place of a good one (a template, a report, converted recordings).
//!
//! Every output goes to a new temporary file in the destination's folder (created with
//! `create_new`, so the usual permissions apply: those of the file it replaces, else the
//! process's umask, as `std::fs::write` would give), is flushed to disk (`fsync`), and only then
//! replaces the destination with one `rename`, which POSIX makes atomic within a file system.
//! Until that moment the previous file, if any, is untouched; on any error the temporary file is
//! removed. Written by hand rather than with `tempfile`, whose files are private to their owner
//! (mode 0600), which would change who can read a clinic's reports and templates.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes the temporary files of one process (several threads may write at once).
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Removes the temporary file unless it was renamed into place.
struct Partial {
    path: PathBuf,
    done: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

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
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let mut partial = Partial {
        path: dir.join(format!(
            ".{name}.{}-{}.partial",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )),
        done: false,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial.path)
        .with_context(|| format!("{} (in the folder {})", cannot(), dir.display()))?;
    {
        let mut w = std::io::BufWriter::new(&file);
        write(&mut w).with_context(cannot)?;
        w.flush().with_context(cannot)?;
    }
    if let Ok(existing) = std::fs::metadata(path) {
        file.set_permissions(existing.permissions())
            .with_context(cannot)?;
    }
    file.sync_all().with_context(cannot)?;
    drop(file);
    std::fs::rename(&partial.path, path).with_context(cannot)?;
    partial.done = true;
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
    fn a_successful_write_replaces_the_file_and_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_bytes_atomically(&path, "the report", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // A new file gets what `std::fs::write` would have given it.
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").unwrap();
        let fresh = dir.path().join("fresh.txt");
        write_bytes_atomically(&fresh, "the file", b"x").unwrap();
        let mode_of = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode_of(&fresh), mode_of(&plain));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
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
