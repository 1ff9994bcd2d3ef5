//! # relearn-formats
//!
//! Readers for movement recordings: one module per format behind one [`Reader`] trait, format
//! detection from the file name and first bytes, and transparent `.gz` decompression. This is
//! the only analysis-side crate that touches files.
//!
//! Entry points:
//! - [`read_recording`]: open a path, decompress if gzip, detect (or force) the format, read.
//! - [`read_bytes`]: the same on an in-memory buffer (used by fuzz targets and tests).
//! - [`readers`]: every reader, for listing formats in `--help`.
//!
//! Readers return a [`Recording`] in the source's own units and axes, stating what the format
//! says in `Recording::units` and `Recording::up`; conversion to the lab frame is
//! `relearn_core::lab::to_lab_frame`. Errors name the file and the place (line, column, byte
//! offset, frame) and say what was expected versus found (style guide §3). No reader panics on
//! any input: each has a fuzz target in `fuzz/`.
//!
//! What it is not for: filtering, gap filling or any analysis (that is `relearn-core` and
//! `relearn-motion`).

#![deny(clippy::indexing_slicing)]

pub mod c3d;
pub mod error;
pub mod generic_csv;
pub mod keraal;
pub mod keypoints;
pub mod kimore;
mod text;
pub mod trc;
pub mod ui_prmd;

pub use error::{FormatError, Location, Result};

use relearn_core::Recording;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Opens a file that lives next to the one being read (UI-PRMD's `Angles` folder beside
/// `Positions`). Tests and fuzz targets pass [`NoSiblings`].
pub trait SiblingOpener: Sync {
    /// Opens `path` for reading, decompressing gzip transparently.
    fn open(&self, path: &Path) -> std::io::Result<Box<dyn BufRead>>;
}

/// A [`SiblingOpener`] that opens real files.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileSystem;

impl SiblingOpener for FileSystem {
    fn open(&self, path: &Path) -> std::io::Result<Box<dyn BufRead>> {
        open_decompressed(path)
    }
}

/// A [`SiblingOpener`] that finds nothing (for in-memory reads and fuzzing).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSiblings;

impl SiblingOpener for NoSiblings {
    fn open(&self, path: &Path) -> std::io::Result<Box<dyn BufRead>> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{}: sibling files are not available here", path.display()),
        ))
    }
}

/// What a reader gets: the path (for error messages and sibling lookup), the decompressed
/// content as a buffered stream (text readers stream it line by line so that long recordings
/// are never held twice in memory), and a way to open sibling files.
pub struct Input<'a> {
    /// The path as given by the user (possibly ending in `.gz`).
    pub path: &'a Path,
    /// The decompressed content.
    pub reader: &'a mut dyn BufRead,
    /// Opens files next to `path`.
    pub siblings: &'a dyn SiblingOpener,
}

impl Input<'_> {
    /// The path as a display string for error messages.
    pub fn path_str(&self) -> String {
        self.path.display().to_string()
    }

    /// The file name without a trailing `.gz` (used for detection and labels).
    pub fn name(&self) -> String {
        file_name_without_gz(self.path)
    }
}

/// A recording format.
pub trait Reader: Sync {
    /// Stable identifier used by `--format` and in results (`ui-prmd`, `c3d`, `generic-csv`).
    fn id(&self) -> &'static str;

    /// One line for `--help` and `inspect`: the device or tool and the layout.
    fn description(&self) -> &'static str;

    /// How likely this reader handles a file, 0 (no) to 100 (certain), from the file name
    /// (without `.gz`) and the first bytes of the decompressed content (up to 8 KiB).
    fn sniff(&self, name: &str, head: &[u8]) -> u8;

    /// Reads the whole recording.
    fn read(&self, input: &mut Input<'_>) -> Result<Recording>;
}

/// Every reader Relearn has, in detection priority order (ties go to the earlier one).
pub fn readers() -> Vec<&'static dyn Reader> {
    vec![
        &kimore::KimoreCsvReader,
        &keraal::KeraalKinectReader,
        &ui_prmd::UiPrmdReader,
        &keypoints::OPENPOSE_JSON,
        &keypoints::BLAZEPOSE_JSON,
        &keypoints::ALPHAPOSE_JSON,
        &c3d::C3dReader,
        &trc::TrcReader,
        &generic_csv::GenericCsvReader,
    ]
}

/// The reader with this identifier.
pub fn reader_by_id(id: &str) -> Option<&'static dyn Reader> {
    readers().into_iter().find(|r| r.id() == id)
}

/// Number of decompressed bytes given to [`Reader::sniff`].
pub const SNIFF_BYTES: usize = 8192;

/// Opens a file, decompressing gzip (detected by its magic bytes `1f 8b`, not by the name).
pub fn open_decompressed(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = std::fs::File::open(path)?;
    // A small file is read whole into a buffer of its size: one read, and no 64 KiB buffer
    // to allocate and fill for a few kilobytes (UI-PRMD files are 10-20 KiB compressed).
    if file.metadata().is_ok_and(|m| m.len() <= SMALL_FILE) {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        return Ok(decompressed_in_memory(bytes));
    }
    let mut buf = BufReader::with_capacity(1 << 16, file);
    let is_gz = buf.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if is_gz {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buf),
        )))
    } else {
        Ok(Box::new(buf))
    }
}

/// Largest file [`open_decompressed`] reads whole rather than streams (1 MiB).
const SMALL_FILE: u64 = 1 << 20;

/// Largest decompressed size [`decompressed_in_memory`] inflates in one piece (64 MiB).
const WHOLE_INFLATE_LIMIT: usize = 64 << 20;

/// A whole file's bytes as a decompressed stream: gzip is inflated in one piece when it can
/// be ([`inflate_single_member`]), by the streaming decoder otherwise (several members, or
/// corrupt data, whose error it then reports); anything else is read as it is.
fn decompressed_in_memory(bytes: Vec<u8>) -> Box<dyn BufRead> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Box::new(std::io::Cursor::new(bytes));
    }
    match inflate_single_member(&bytes) {
        Some(out) => Box::new(std::io::Cursor::new(out)),
        None => Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(
            std::io::Cursor::new(bytes),
        ))),
    }
}

/// Inflates a single-member gzip file in one call to libdeflate, into a buffer of the size
/// its trailer gives: faster than zlib-rs streaming through two buffers, the cost that
/// dominated reading small UI-PRMD files (criterion `uiprmd/read`, BENCHMARKS.md). Hand-checked rather than left to the library, because libdeflate
/// decodes one member and does not say where it ended: the file is taken as single-member
/// only if the gzip magic (1f 8b 08) does not occur again after its header, which a second
/// member would need. `None` (use the streaming decoder) whenever it cannot be sure: another
/// magic, an implausible size, or any decoding error (reported by the streaming decoder).
fn inflate_single_member(bytes: &[u8]) -> Option<Vec<u8>> {
    const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
    let n = bytes.len();
    if n < 18 || !bytes.starts_with(&MAGIC) {
        return None;
    }
    if memchr::memmem::find(bytes.get(3..)?, &MAGIC).is_some() {
        return None;
    }
    let trailer: [u8; 4] = bytes.get(n - 4..)?.try_into().ok()?;
    let size = u32::from_le_bytes(trailer) as usize;
    // Deflate cannot compress by more than 1032:1.
    if size > n.saturating_mul(1032).min(WHOLE_INFLATE_LIMIT) {
        return None;
    }
    let mut out = vec![0; size];
    let written = libdeflater::Decompressor::new()
        .gzip_decompress(bytes, &mut out)
        .ok()?;
    (written == size).then_some(out)
}

/// The file name of `path` without a trailing `.gz`.
pub fn file_name_without_gz(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    match name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".GZ"))
    {
        Some(stem) => stem.to_string(),
        None => name,
    }
}

/// Reads a recording from a file, detecting the format unless `format` forces one.
///
/// Errors name the file; an unknown format lists the formats that exist; an undetectable file
/// says how to force one.
pub fn read_recording(path: &Path, format: Option<&str>) -> Result<Recording> {
    let p = path.display().to_string();
    let mut reader = open_decompressed(path).map_err(|e| FormatError::io(&p, &e))?;
    read_stream(path, &mut reader, format, &FileSystem)
}

/// Reads a recording from an in-memory buffer (gzip is decompressed transparently). `name` is
/// used for detection and error messages. Sibling files are not available.
pub fn read_bytes(name: &str, bytes: &[u8], format: Option<&str>) -> Result<Recording> {
    let path = PathBuf::from(name);
    let mut r = decompressed_in_memory(bytes.to_vec());
    read_stream(&path, &mut r, format, &NoSiblings)
}

/// Lowest sniff score that means "a recording in this format", rather than a claim made only so
/// that the reader can explain what is wrong (a UI-PRMD Angles file, a file named like a
/// format but not laid out like it, coordinates without a time column): docs/formats.md,
/// "How detection works".
pub const RECOGNISED: u8 = 60;

/// The format of the file at `path` when a reader recognises it (best sniff score at least
/// [`RECOGNISED`]), `None` for anything else (a manifest, a template, a report, an Angles
/// file). Picks the recordings out of a folder; reads only the first 8 KiB (decompressed).
pub fn recognise(path: &Path) -> Result<Option<&'static str>> {
    let p = path.display().to_string();
    let mut reader = open_decompressed(path).map_err(|e| FormatError::io(&p, &e))?;
    let head = peek(&mut reader, SNIFF_BYTES).map_err(|e| FormatError::io(&p, &e))?;
    let name = file_name_without_gz(path);
    let best = readers()
        .into_iter()
        .map(|r| (r.sniff(&name, &head), r.id()))
        .max_by_key(|(score, _)| *score);
    Ok(best.and_then(|(score, id)| (score >= RECOGNISED).then_some(id)))
}

/// Chooses the reader for a stream: the forced one, or the best sniff score.
pub fn detect<'r>(
    name: &str,
    head: &[u8],
    format: Option<&str>,
    path_for_errors: &str,
) -> Result<&'r dyn Reader> {
    let all = readers();
    if let Some(id) = format {
        return all.into_iter().find(|r| r.id() == id).ok_or_else(|| {
            FormatError::new(
                path_for_errors,
                None,
                format!(
                    "unknown format {id:?}; known formats: {}",
                    readers()
                        .iter()
                        .map(|r| r.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        });
    }
    let mut best: Option<(u8, &dyn Reader)> = None;
    for r in all {
        let s = r.sniff(name, head);
        if s > 0 && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, r));
        }
    }
    best.map(|(_, r)| r).ok_or_else(|| {
        FormatError::new(
            path_for_errors,
            None,
            format!(
                "not a recording format Relearn recognises; pass --format with one of: {}",
                readers()
                    .iter()
                    .map(|r| r.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

fn read_stream(
    path: &Path,
    reader: &mut dyn BufRead,
    format: Option<&str>,
    siblings: &dyn SiblingOpener,
) -> Result<Recording> {
    let p = path.display().to_string();
    let name = file_name_without_gz(path);
    // Peek without consuming: fill the buffer up to SNIFF_BYTES.
    let head = peek(reader, SNIFF_BYTES).map_err(|e| FormatError::io(&p, &e))?;
    if head.is_empty() {
        return Err(FormatError::new(&p, None, "the file is empty"));
    }
    let chosen = detect(&name, &head, format, &p)?;
    let mut chained = std::io::Cursor::new(head).chain(reader);
    let mut buffered = BufReader::with_capacity(1 << 16, &mut chained);
    let mut input = Input {
        path,
        reader: &mut buffered,
        siblings,
    };
    let mut rec = chosen.read(&mut input)?;
    rec.source.path = p;
    rec.source.format = chosen.id().to_string();
    Ok(rec)
}

/// Reads up to `n` bytes from the start of a stream (they are consumed; the caller chains them
/// back in front).
fn peek(reader: &mut dyn BufRead, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        decompressed_in_memory(bytes).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_single_member_gzip_is_inflated_whole() {
        let text: Vec<u8> = (0..5000)
            .flat_map(|i| format!("{i},{}\n", i * 3).into_bytes())
            .collect();
        let gz = gzip(&text);
        assert_eq!(inflate_single_member(&gz).as_deref(), Some(&text[..]));
        assert_eq!(read_all(gz).unwrap(), text);
        assert_eq!(
            read_all(text.clone()).unwrap(),
            text,
            "plain bytes pass through"
        );
    }

    #[test]
    fn every_member_of_a_multi_member_gzip_is_read() {
        // The same member twice: the last trailer matches the first member's size and CRC,
        // so only the magic check stops the whole-file path from reading half of it.
        let part = b"0.5,1.5,2.5\n".repeat(300);
        let mut gz = gzip(&part);
        gz.extend(gzip(&part));
        assert_eq!(inflate_single_member(&gz), None);
        assert_eq!(read_all(gz).unwrap(), [part.clone(), part].concat());
    }

    #[test]
    fn a_corrupt_or_truncated_gzip_is_an_error_not_a_panic() {
        let gz = gzip(&b"1,2,3\n".repeat(2000));
        let mut corrupt = gz.clone();
        let mid = corrupt.len() / 2;
        corrupt[mid] ^= 0xff;
        corrupt[mid + 1] ^= 0x55;
        assert_eq!(inflate_single_member(&corrupt), None);
        assert!(read_all(corrupt).is_err());
        let truncated = gz[..gz.len() - 7].to_vec();
        assert_eq!(inflate_single_member(&truncated), None);
        assert!(read_all(truncated).is_err());
        // A trailer claiming an impossible size.
        let mut huge = gz;
        let n = huge.len();
        huge[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(inflate_single_member(&huge), None);
    }

    #[test]
    fn recognise_picks_recordings_not_files_kept_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let csv = write(
            "trial.csv",
            "time_s,a_x,a_y,a_z,b_x,b_y,b_z\n0,1,2,3,4,5,6\n",
        );
        assert_eq!(recognise(&csv).unwrap(), Some("generic-csv"));
        let row: Vec<String> = (0..66).map(|i| format!("{i}.5")).collect();
        let angles = write("m01_s01_e01_angles.txt", &(row.join(",") + "\n"));
        assert_eq!(
            recognise(&angles).unwrap(),
            None,
            "an Angles file is not a recording"
        );
        let positions = write("m01_s01_e01_positions.txt", &(row.join(",") + "\n"));
        assert_eq!(recognise(&positions).unwrap(), Some("ui-prmd"));
        for (name, text) in [
            ("manifest.csv", "path,label\na.csv,correct\n"),
            ("t.json", "{\"format\": \"relearn-template\"}"),
            ("empty.csv", ""),
        ] {
            assert_eq!(recognise(&write(name, text)).unwrap(), None, "{name}");
        }
        let err = recognise(&dir.path().join("missing.csv")).unwrap_err();
        assert!(err.to_string().contains("missing.csv"), "{err}");
    }
}
