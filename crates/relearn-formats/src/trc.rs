//! TRC marker trajectories (`trc`), as written by Motion Analysis Cortex and read by OpenSim.
//!
//! Layout (OpenSim documentation, "Marker (.trc) Files"; Cortex exports):
//!
//! ```text
//! PathFileType  4  (X/Y/Z)  trial.trc
//! DataRate  CameraRate  NumFrames  NumMarkers  Units  OrigDataRate  OrigDataStartFrame  OrigNumFrames
//! 150.00    150.00      364        28          mm     150.00        1                   364
//! Frame#  Time  R.ASIS        L.ASIS  ...
//!               X1  Y1  Z1    X2  Y2  Z2  ...
//!
//! 1       0.000 -148.0 1039.8 -479.7 ...
//! ```
//!
//! Fields are tab-separated (runs of spaces are accepted when a file has no tab); an empty cell
//! is a missing coordinate (NaN). The reader streams the file line by line.
//!
//! - **Rate** from `DataRate` (else `CameraRate`), in Hz; the first row's `Time` is the
//!   recording's start time.
//! - **Units** from `Units` (`mm`, `m`, `cm`).
//! - **Markers** from the names line. Cortex can name more markers than `NumMarkers` counts
//!   (`walk.trc`: 55 names, `NumMarkers` 28, the 27 extra virtual markers empty in every row):
//!   extra markers with no value in any row are dropped with a warning, extra markers with data
//!   are kept.
//! - **Axes**: TRC does not state its vertical axis (OpenSim uses y up, Cortex labs often z up),
//!   so `up` is left to `relearn_core::lab::to_lab_frame` to detect from the body.

use crate::error::{FormatError, Location, Result};
use crate::{Input, Reader};
use relearn_core::{LengthUnit, PositionTable, Recording, Skeleton, SourceInfo, Warning};
use std::io::BufRead;

/// Reader of TRC marker files.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrcReader;

impl Reader for TrcReader {
    fn id(&self) -> &'static str {
        "trc"
    }

    fn description(&self) -> &'static str {
        "TRC marker trajectories (OpenSim, Motion Analysis Cortex): PathFileType 4 header, \
         tab-separated Frame#, Time, X/Y/Z per marker"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        if text.starts_with(b"PathFileType") {
            100
        } else if name.to_ascii_lowercase().ends_with(".trc") {
            // Lowest score: a damaged .trc still reaches this reader, whose error says what a
            // TRC file should start with.
            5
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        read_trc(&path, input.reader)
    }
}

/// Lines of the file with their 1-based numbers, line endings removed.
struct Lines<'a> {
    path: &'a str,
    inner: &'a mut dyn BufRead,
    buf: Vec<u8>,
    number: usize,
}

impl Lines<'_> {
    /// The next line, `None` at the end of the file. Bytes that are not UTF-8 are replaced
    /// (Windows paths on the first line are often Latin-1).
    fn next(&mut self) -> Result<Option<String>> {
        self.buf.clear();
        let n = self
            .inner
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| FormatError::at_line(self.path, self.number + 1, e.to_string()))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let text = String::from_utf8_lossy(&self.buf);
        Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()))
    }

    /// The next line, or an error naming what was expected there.
    fn expect(&mut self, what: &str) -> Result<String> {
        let number = self.number + 1;
        self.next()?.ok_or_else(|| {
            FormatError::at_line(
                self.path,
                number,
                format!("the file ends before {what}: a TRC file has five header lines"),
            )
        })
    }
}

/// Splits a line into fields: tabs when the file uses them, else runs of spaces.
fn fields(line: &str, tabs: bool) -> Vec<&str> {
    if tabs {
        line.split('\t').collect()
    } else {
        line.split_whitespace().collect()
    }
}

fn read_trc(path: &str, reader: &mut dyn BufRead) -> Result<Recording> {
    let mut lines = Lines {
        path,
        inner: reader,
        buf: Vec::new(),
        number: 0,
    };
    let first = lines
        .next()?
        .ok_or_else(|| FormatError::new(path, None, "the file is empty"))?;
    let first = first.trim_start_matches('\u{feff}');
    if !first.starts_with("PathFileType") {
        return Err(FormatError::at_line(
            path,
            1,
            format!(
                "expected a first line starting with PathFileType, found {:?}: not a TRC file",
                first.chars().take(40).collect::<String>()
            ),
        ));
    }
    let keys_line = lines.expect("the DataRate/CameraRate/NumFrames/NumMarkers/Units line")?;
    let tabs = keys_line.contains('\t');
    let keys: Vec<String> = fields(&keys_line, tabs)
        .iter()
        .map(|k| k.trim().to_string())
        .collect();
    let values_line = lines.expect("the line of header values")?;
    let values: Vec<String> = fields(&values_line, tabs)
        .iter()
        .map(|v| v.trim().to_string())
        .collect();
    let value = |key: &str| -> Option<(usize, &str)> {
        let col = keys.iter().position(|k| k.eq_ignore_ascii_case(key))?;
        values.get(col).map(|v| (col + 1, v.as_str()))
    };
    let number = |key: &str| -> Result<Option<f64>> {
        match value(key) {
            None => Ok(None),
            Some((_, "")) => Ok(None),
            Some((col, v)) => v.parse::<f64>().map(Some).map_err(|_| {
                FormatError::new(
                    path,
                    Some(Location::LineColumn(3, col)),
                    format!("{key} is {v:?}, expected a number"),
                )
            }),
        }
    };
    let positive = |r: &Option<f64>| r.is_some_and(|r| r.is_finite() && r > 0.0);
    let data_rate = number("DataRate")?;
    let camera_rate = number("CameraRate")?;
    let rate_hz = match (data_rate, camera_rate) {
        (r, _) if positive(&r) => r.unwrap_or_default(),
        (_, c) if positive(&c) => c.unwrap_or_default(),
        _ => {
            let col = value("DataRate").map_or(1, |(c, _)| c);
            return Err(FormatError::new(
                path,
                Some(Location::LineColumn(3, col)),
                format!(
                    "DataRate is {} and CameraRate is {}, expected a positive number of Hz",
                    data_rate.map_or("missing".to_string(), |r| r.to_string()),
                    camera_rate.map_or("missing".to_string(), |r| r.to_string())
                ),
            ));
        }
    };
    let declared_frames = number("NumFrames")?;
    let declared_markers = number("NumMarkers")?
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n as usize);
    let units = value("Units").map_or(LengthUnit::Unknown, |(_, u)| LengthUnit::parse(u));

    let names_line = lines.expect("the line of marker names (Frame#, Time, names)")?;
    let name_fields = fields(&names_line, tabs);
    // Names sit on the X column of each marker: fields 2, 5, 8...; with space separation the
    // empty Y and Z cells vanish, so every field after Time is a name.
    let step = if tabs { 3 } else { 1 };
    let mut names: Vec<String> = name_fields
        .iter()
        .skip(2)
        .step_by(step)
        .map(|n| n.trim().to_string())
        .collect();
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    let mut warnings = Vec::new();
    let axes_line = lines.expect("the X1 Y1 Z1 line")?;
    // `NumMarkers` may count markers the names line leaves unnamed, but never more than the
    // X/Y/Z line labels: that bound keeps a corrupt count from sizing anything.
    let labelled = fields(&axes_line, tabs)
        .iter()
        .filter(|f| !f.trim().is_empty())
        .count()
        / 3;
    let markers = names.len().max(declared_markers.unwrap_or(0).min(labelled));
    for (i, n) in names.iter_mut().enumerate() {
        if n.is_empty() {
            *n = format!("marker_{}", i + 1);
        }
    }
    while names.len() < markers {
        names.push(format!("marker_{}", names.len() + 1));
    }

    let columns = 2 + 3 * markers;
    let mut values_xyz: Vec<f32> = Vec::new();
    let mut has_data = vec![false; markers];
    let mut frames = 0usize;
    let mut start_time_s = None;
    while let Some(line) = lines.next()? {
        if line.trim().is_empty() {
            continue;
        }
        let number = lines.number;
        let cells = fields(&line, tabs);
        if let Some((i, extra)) = cells
            .iter()
            .enumerate()
            .skip(columns)
            .find(|(_, c)| !c.trim().is_empty())
        {
            return Err(FormatError::new(
                path,
                Some(Location::LineColumn(number, i + 1)),
                format!(
                    "found {:?} past the {columns} columns of Frame#, Time and {markers} markers",
                    extra.trim()
                ),
            ));
        }
        let cell = |i: usize| -> Result<f64> {
            match cells.get(i).map(|c| c.trim()) {
                None | Some("") => Ok(f64::NAN),
                Some(c) => c.parse::<f64>().map_err(|_| {
                    FormatError::new(
                        path,
                        Some(Location::LineColumn(number, i + 1)),
                        format!("{c:?} is not a number"),
                    )
                }),
            }
        };
        if start_time_s.is_none() {
            start_time_s = Some(cell(1)?);
        }
        for (m, seen) in has_data.iter_mut().enumerate() {
            let xyz = [cell(2 + 3 * m)?, cell(3 + 3 * m)?, cell(4 + 3 * m)?];
            // A marker with any coordinate missing is missing as a whole.
            let complete = xyz.iter().all(|v| v.is_finite());
            *seen |= complete;
            for v in xyz {
                values_xyz.push(if complete { v as f32 } else { f32::NAN });
            }
        }
        frames += 1;
    }
    if frames == 0 {
        return Err(FormatError::at_line(
            path,
            lines.number,
            "the file has a TRC header but no data rows",
        ));
    }
    if let Some(d) = declared_frames.filter(|d| (*d - frames as f64).abs() > 0.5) {
        warnings.push(Warning::new(
            "frame_count_mismatch",
            format!("{path}: NumFrames is {d} but the file holds {frames} rows; all rows are read"),
        ));
    }
    let (names, values_xyz) = drop_empty_extras(
        path,
        names,
        values_xyz,
        &has_data,
        declared_markers,
        &mut warnings,
    );
    let joints = names.len();
    let skeleton = Skeleton::from_joint_names(&names)
        .map_err(|e| FormatError::at_line(path, 4, e.to_string()))?;
    let positions = PositionTable::from_values(frames, joints, values_xyz)
        .map_err(|e| FormatError::new(path, None, e.to_string()))?;
    let mut rec = Recording::new(SourceInfo::default(), skeleton, rate_hz, positions)
        .map_err(|e| FormatError::new(path, None, e.to_string()))?;
    rec.start_time_s = start_time_s.filter(|t| t.is_finite()).unwrap_or(0.0);
    rec.units = units;
    rec.warnings = warnings;
    Ok(rec)
}

/// Drops the markers named after `NumMarkers` when none of them has a value in any row (Cortex
/// names its virtual markers without exporting them), and warns about any other disagreement
/// between `NumMarkers` and the names line.
fn drop_empty_extras(
    path: &str,
    names: Vec<String>,
    values: Vec<f32>,
    has_data: &[bool],
    declared: Option<usize>,
    warnings: &mut Vec<Warning>,
) -> (Vec<String>, Vec<f32>) {
    let total = names.len();
    let Some(keep) = declared.filter(|d| *d != total) else {
        return (names, values);
    };
    let extras_empty = has_data.iter().skip(keep).all(|d| !d);
    if keep < total && extras_empty {
        warnings.push(Warning::new(
            "empty_markers_dropped",
            format!(
                "{path}: NumMarkers is {keep} but {total} markers are named; the {} named after \
                 them have no data in any row and are dropped",
                total - keep
            ),
        ));
        let kept: Vec<f32> = values
            .chunks(total * 3)
            .flat_map(|row| row.iter().take(keep * 3).copied())
            .collect();
        let mut names = names;
        names.truncate(keep);
        return (names, kept);
    }
    warnings.push(Warning::new(
        "marker_count_mismatch",
        format!("{path}: NumMarkers is {keep} but {total} markers are read"),
    ));
    (names, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "PathFileType\t4\t(X/Y/Z)\tt.trc\r\n\
        DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\r\n\
        100.00\t100.00\t3\t2\tmm\t100.00\r\n\
        Frame#\tTime\tRKJC\t\t\tLASI\t\t\r\n\
        \t\tX1\tY1\tZ1\tX2\tY2\tZ2\r\n\
        \r\n\
        1\t0.50\t1\t2\t3\t4\t5\t6\r\n\
        2\t0.51\t\t\t\t4.5\t5\t6\t\r\n\
        3\t0.52\t1.2\t2\t3\r\n";

    fn read(text: &str) -> Result<Recording> {
        read_trc("t.trc", &mut text.as_bytes())
    }

    #[test]
    fn a_small_file_reads_rate_units_names_and_missing_cells() {
        let r = read(GOOD).unwrap();
        assert_eq!(
            (r.frame_count(), r.skeleton.len(), r.rate_hz),
            (3, 2, 100.0)
        );
        assert_eq!(r.units, LengthUnit::Millimetres);
        assert_eq!(r.skeleton.joints()[1].name, "LASI");
        assert_eq!(r.up, None);
        assert!((r.start_time_s - 0.5).abs() < 1e-12);
        let p = r.positions.get(2, 0).unwrap();
        assert!((p.x - 1.2).abs() < 1e-6);
        assert_eq!(r.positions.get(1, 0), None);
        assert_eq!(r.positions.get(2, 1), None);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn a_nan_or_zero_rate_is_rejected_at_its_column() {
        let e = read(&GOOD.replace("100.00\t100.00", "NaN\tNaN")).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(3, 1)), "{e}");
        assert!(e.message.contains("positive number of Hz"), "{e}");
        let r = read(&GOOD.replace("100.00\t100.00", "0\t60")).unwrap();
        assert_eq!(r.rate_hz, 60.0);
    }

    #[test]
    fn a_bad_cell_is_reported_at_its_line_and_column() {
        let e = read(&GOOD.replace("1.2\t2", "1.2\tabc")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.trc: line 9, column 4: \"abc\" is not a number"
        );
        let e = read(&GOOD.replace("5\t6\t\r\n", "5\t6\t7\r\n")).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(8, 9)), "{e}");
    }

    #[test]
    fn truncated_empty_and_foreign_files_are_errors() {
        assert_eq!(
            read("").unwrap_err().to_string(),
            "t.trc: the file is empty"
        );
        let e = read("Frame#,Time\n").unwrap_err();
        assert!(e.message.contains("PathFileType"), "{e}");
        for cut in 0..GOOD.len() {
            let Some(part) = GOOD.get(..cut) else {
                continue;
            };
            match read(part) {
                Ok(r) => assert!(r.frame_count() >= 1),
                Err(e) => assert!(e.to_string().starts_with("t.trc"), "{e}"),
            }
        }
        let e = read(&GOOD[..GOOD.find("1\t0.50").unwrap()]).unwrap_err();
        assert!(e.message.contains("no data rows"), "{e}");
    }

    #[test]
    fn named_markers_past_num_markers_without_data_are_dropped() {
        let text = GOOD
            .replace("\t3\t2\tmm", "\t3\t1\tmm")
            .replace("LASI\t\t\r\n", "LASI\t\t\tV_X\t\t\r\n")
            .replace("4\t5\t6\r\n", "\t\t\r\n")
            .replace("4.5\t5\t6\t\r\n", "\t\t\t\r\n");
        let r = read(&text).unwrap();
        assert_eq!(r.skeleton.len(), 1);
        assert!(r.warnings.iter().any(|w| w.code == "empty_markers_dropped"));
        // With data they are kept.
        let r = read(&GOOD.replace("\t3\t2\tmm", "\t3\t1\tmm")).unwrap();
        assert_eq!(r.skeleton.len(), 2);
        assert!(r.warnings.iter().any(|w| w.code == "marker_count_mismatch"));
    }

    #[test]
    fn a_huge_num_markers_is_bounded_by_the_xyz_line() {
        let r = read(&GOOD.replace("\t3\t2\tmm", "\t3\t1e30\tmm")).unwrap();
        assert_eq!(r.skeleton.len(), 2);
        let unnamed = GOOD.replace("RKJC\t\t\tLASI", "\t\t\t");
        let r = read(&unnamed).unwrap();
        assert_eq!(r.skeleton.joints()[0].name, "marker_1");
        assert_eq!(r.skeleton.len(), 2);
    }

    #[test]
    fn sniffing_needs_the_path_file_type_line() {
        assert_eq!(TrcReader.sniff("x.txt", GOOD.as_bytes()), 100);
        assert_eq!(TrcReader.sniff("x.trc", b"garbage"), 5);
        assert_eq!(TrcReader.sniff("x.csv", b"Frame#,Time"), 0);
        assert_eq!(TrcReader.sniff("x.c3d", &[2, 0x50, 0, 0]), 0);
    }

    #[test]
    fn space_separated_files_are_read() {
        let text = "PathFileType 4 (X/Y/Z) t.trc\nDataRate CameraRate NumFrames NumMarkers Units\n\
                    50 50 1 1 m\nFrame# Time Head\nX1 Y1 Z1\n1 0 0.1 0.2 1.7\n";
        let r = read(text).unwrap();
        assert_eq!(
            (r.skeleton.joints()[0].name.as_str(), r.units),
            ("Head", LengthUnit::Metres)
        );
        assert!((r.positions.get(0, 0).unwrap().z - 1.7).abs() < 1e-6);
    }
}
