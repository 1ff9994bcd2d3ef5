//! The generic skeleton CSV (`generic-csv`): Relearn's documented exchange format for any
//! tracker without a reader of its own (`docs/formats.md`).
//!
//! ```text
//! # units: m            (optional metadata lines before the header)
//! # up: y
//! time_s,hip_left_x,hip_left_y,hip_left_z,knee_left_x,knee_left_y,knee_left_z,knee_left_c
//! 0.000,0.10,0.95,2.50,0.12,0.52,2.48,0.98
//! 0.033,0.10,0.95,2.50,,,,0.0
//! ```
//!
//! - One header line, then one row per frame, comma-separated.
//! - A time column: `time_s` (also `time`, `t`, seconds) or `time_ms` (milliseconds).
//! - Per joint `<joint>_x`, `<joint>_y` and, for 3-D data, `<joint>_z` (`.` also separates:
//!   `knee.x`); joints may have any names, in any order; the skeleton is built with
//!   `Skeleton::from_joint_names`, which resolves anatomical landmarks from the names and
//!   recognises known skeletons (Kinect v2, COCO, BlazePose) with their hierarchy.
//! - Optional per-joint confidence `<joint>_c` (also `_conf`, `_confidence`, `_score`,
//!   `_likelihood`), 0-1 (clamped); an empty confidence cell counts as 0.
//! - A file with only `_x` and `_y` columns is 2-D (`Dimensions::Two`, stored as (x, y, 0)).
//! - An empty cell, `NaN` or `NA` is a missing value; a joint with any missing coordinate in a
//!   row is missing in that frame.
//! - Units and vertical axis are unknown unless a `# units:` (`m`, `cm`, `mm`, `px`,
//!   `normalised`) or `# up:` (`x`, `-y`, ...) line states them; `relearn_core::lab::
//!   to_lab_frame` infers what is not stated. Other `#` lines are comments.
//! - The frame rate is 1 / the median time step. When the steps vary by more than 10 % of the
//!   median ([`MAX_TIME_JITTER`]), the recording is resampled to that uniform rate by linear
//!   interpolation (`relearn_core::resample::to_uniform_rate`) with a warning; grid points
//!   inside a time gap longer than [`MAX_INTERPOLATED_STEPS`] steps stay missing.
//! - Columns that are none of these are ignored with a warning.
//!
//! The file is streamed line by line: only the position table (4 bytes per value) and the
//! timestamps are held in memory, never the text.

use crate::error::{FormatError, Location, Result};
use crate::text::{self, Line, LineReader};
use crate::{Input, Reader};
use relearn_core::resample::to_uniform_rate;
use relearn_core::{
    stats, Dimensions, LengthUnit, PositionTable, Recording, SignedAxis, Skeleton, SourceInfo,
    Warning,
};
use std::collections::HashMap;

/// Largest spread of time steps, as a fraction of the median step, that still counts as a
/// uniform rate: 10 %. A 30 Hz stream with this much jitter is off by more than 3 ms per
/// frame, enough to bias velocities, so it is resampled instead.
pub const MAX_TIME_JITTER: f64 = 0.10;

/// Longest time gap, in median time steps, that resampling interpolates across: 3 (two
/// dropped frames, 0.1 s at 30 Hz, within the linear-fill limit of `clinical-spec.md` §5.1).
/// Longer gaps stay missing for the gap-filling stage to judge.
pub const MAX_INTERPOLATED_STEPS: f64 = 3.0;

/// Reader of the generic skeleton CSV.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenericCsvReader;

impl Reader for GenericCsvReader {
    fn id(&self) -> &'static str {
        "generic-csv"
    }

    fn description(&self) -> &'static str {
        "Generic skeleton CSV: header time_s,<joint>_x,<joint>_y[,<joint>_z][,<joint>_c]...; \
         rate from the time column"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        if text::is_c3d_or_trc(head) {
            return 0;
        }
        let Some(header) = header_fields(head) else {
            return 0;
        };
        let has_time = header.iter().any(|f| time_scale(f).is_some());
        let coordinates = header
            .iter()
            .filter(|f| coordinate_axis(f).is_some())
            .count();
        let csv = name.to_ascii_lowercase().ends_with(".csv");
        match (has_time, coordinates >= 2, csv) {
            (true, true, true) => 95,
            (true, true, false) => 90,
            // Coordinates without a time column: claim weakly so that the reader can say that
            // the time column is missing.
            (false, true, _) => 25,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        let mut lines = LineReader::new(input.reader, &path);
        let mut meta = Metadata {
            units: LengthUnit::Unknown,
            up: None,
        };
        let (header_line, header) = loop {
            let Some(line) = lines.next_non_blank()? else {
                return Err(FormatError::new(
                    &path,
                    None,
                    "the file has no header; expected a line like time_s,knee_x,knee_y,knee_z",
                ));
            };
            if let Some(comment) = line.text.trim_start().strip_prefix('#') {
                meta.read_comment(&path, line.number, comment)?;
                continue;
            }
            break (
                line.number,
                line.text
                    .split(',')
                    .map(|f| clean_name(f).to_string())
                    .collect::<Vec<_>>(),
            );
        };
        let layout = Layout::from_header(&path, header_line, &header)?;
        let mut table = Table::default();
        while let Some(line) = lines.next_non_blank()? {
            if line.text.trim_start().starts_with('#') {
                continue;
            }
            table.push_row(&path, &line, &layout, &header)?;
        }
        let mut rec = table.into_recording(&path, &layout)?;
        rec.units = meta.units;
        rec.up = meta.up;
        if !layout.ignored.is_empty() {
            rec.warnings.push(Warning::new(
                "columns_ignored",
                format!(
                    "{path}: columns that are not time, <joint>_x/_y/_z or a confidence were \
                     ignored: {}",
                    layout.ignored.join(", ")
                ),
            ));
        }
        Ok(rec)
    }
}

/// The header fields of the sniffed head (after metadata lines), if it has a header line.
fn header_fields(head: &[u8]) -> Option<Vec<&str>> {
    let valid = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(head.get(..e.valid_up_to())?).ok()?,
    };
    let mut rest = valid;
    loop {
        let (line, after, complete) = match rest.find('\n') {
            Some(i) => (rest.get(..i)?, rest.get(i + 1..)?, true),
            None => (rest, "", head.len() < crate::SNIFF_BYTES),
        };
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            if after.is_empty() {
                return None;
            }
            rest = after;
            continue;
        }
        let mut fields: Vec<&str> = line.split(',').map(clean_name).collect();
        if !complete {
            // The header goes on past the sniffed bytes: its last field may be cut.
            fields.pop();
        }
        return Some(fields);
    }
}

/// A header field without surrounding spaces and quotes.
fn clean_name(field: &str) -> &str {
    field.trim().trim_matches('"').trim()
}

/// Seconds per unit of a time column name (`time_s` 1, `time_ms` 0.001; any case), `None`
/// otherwise.
fn time_scale(name: &str) -> Option<f64> {
    let is = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
    if is(&["time_s", "time", "t", "time (s)", "time(s)"]) {
        Some(1.0)
    } else if is(&["time_ms", "time (ms)", "time(ms)"]) {
        Some(0.001)
    } else {
        None
    }
}

/// The axis (0 = x, 1 = y, 2 = z) of a header field naming a joint's coordinate
/// (`knee_x`, `Knee.Y`), as [`classify`] finds it, without building the joint's name.
fn coordinate_axis(name: &str) -> Option<usize> {
    if time_scale(name).is_some() {
        return None;
    }
    let at = name.rfind(['_', '.'])?;
    if name.get(..at)?.trim().is_empty() {
        return None;
    }
    ["x", "y", "z"].iter().position(|a| {
        name.get(at + 1..)
            .is_some_and(|s| s.eq_ignore_ascii_case(a))
    })
}

/// What a header column is.
#[derive(Debug, Clone, PartialEq)]
enum ColumnKind {
    /// Time, in seconds per unit.
    Time(f64),
    /// A coordinate of a joint: name and axis (0 = x, 1 = y, 2 = z).
    Coordinate(String, usize),
    /// The confidence of a joint.
    Confidence(String),
    /// Anything else.
    Other,
}

/// Classifies a header field by its suffix.
fn classify(name: &str) -> ColumnKind {
    if let Some(scale) = time_scale(name) {
        return ColumnKind::Time(scale);
    }
    let Some(at) = name.rfind(['_', '.']) else {
        return ColumnKind::Other;
    };
    let (joint, suffix) = (
        name.get(..at).unwrap_or_default(),
        name.get(at + 1..).unwrap_or_default(),
    );
    if joint.trim().is_empty() {
        return ColumnKind::Other;
    }
    match suffix.to_ascii_lowercase().as_str() {
        "x" => ColumnKind::Coordinate(joint.to_string(), 0),
        "y" => ColumnKind::Coordinate(joint.to_string(), 1),
        "z" => ColumnKind::Coordinate(joint.to_string(), 2),
        "c" | "conf" | "confidence" | "score" | "likelihood" => {
            ColumnKind::Confidence(joint.to_string())
        }
        _ => ColumnKind::Other,
    }
}

/// Units and vertical axis stated by `#` lines.
struct Metadata {
    units: LengthUnit,
    up: Option<SignedAxis>,
}

impl Metadata {
    /// Reads a `# key: value` (or `key = value`) line; unknown keys are comments.
    fn read_comment(&mut self, path: &str, line: usize, comment: &str) -> Result<()> {
        let Some((key, value)) = comment.split_once([':', '=']) else {
            return Ok(());
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "units" | "unit" => {
                self.units = match value.to_ascii_lowercase().as_str() {
                    "normalised" | "normalized" | "normalised image" | "normalized image" => {
                        LengthUnit::NormalisedImage
                    }
                    other => match LengthUnit::parse(other) {
                        LengthUnit::Unknown => {
                            return Err(FormatError::at_line(
                                path,
                                line,
                                format!(
                                    "expected units m, cm, mm, px or normalised, found {}",
                                    text::quoted(value)
                                ),
                            ))
                        }
                        unit => unit,
                    },
                }
            }
            "up" => {
                self.up = Some(SignedAxis::parse(value).ok_or_else(|| {
                    FormatError::at_line(
                        path,
                        line,
                        format!(
                            "expected an up axis x, y, z, -x, -y or -z, found {}",
                            text::quoted(value)
                        ),
                    )
                })?);
            }
            _ => {}
        }
        Ok(())
    }
}

/// Where each value of a row goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Time,
    Coordinate { joint: usize, axis: usize },
    Confidence { joint: usize },
    Ignored,
}

/// The columns of a file, resolved from its header.
struct Layout {
    slots: Vec<Slot>,
    /// 1-based column of the time.
    time_column: usize,
    /// Seconds per unit of the time column.
    time_scale: f64,
    joints: Vec<String>,
    three_d: bool,
    has_confidence: bool,
    ignored: Vec<String>,
}

impl Layout {
    fn from_header(path: &str, line: usize, header: &[String]) -> Result<Layout> {
        let at = |column: usize, message: String| {
            FormatError::new(path, Some(Location::LineColumn(line, column)), message)
        };
        let mut slots = Vec::with_capacity(header.len());
        let mut time: Option<(usize, f64)> = None;
        let mut joints: Vec<String> = Vec::new();
        let mut joint_index: HashMap<String, usize> = HashMap::new();
        // Per joint: the 1-based column of x, y, z and confidence.
        let mut columns: Vec<[Option<usize>; 4]> = Vec::new();
        let mut ignored = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let column = i + 1;
            let (joint, kind) = match classify(name) {
                ColumnKind::Time(scale) => {
                    if let Some((first, _)) = time {
                        return Err(at(
                            column,
                            format!(
                                "expected one time column, found {name:?} after column {first}"
                            ),
                        ));
                    }
                    time = Some((column, scale));
                    slots.push(Slot::Time);
                    continue;
                }
                ColumnKind::Coordinate(joint, axis) => (joint, axis),
                ColumnKind::Confidence(joint) => (joint, 3),
                ColumnKind::Other => {
                    // An empty name is the trailing comma some exporters write.
                    if !name.is_empty() {
                        ignored.push(format!("{name:?}"));
                    }
                    slots.push(Slot::Ignored);
                    continue;
                }
            };
            let j = *joint_index.entry(joint).or_insert_with_key(|joint| {
                joints.push(joint.clone());
                columns.push([None; 4]);
                joints.len() - 1
            });
            let entry = columns.get_mut(j).and_then(|c| c.get_mut(kind));
            if let Some(entry) = entry {
                if let Some(first) = *entry {
                    return Err(at(
                        column,
                        format!("expected each column once, found {name:?} again (first at column {first})"),
                    ));
                }
                *entry = Some(column);
            }
            slots.push(if kind == 3 {
                Slot::Confidence { joint: j }
            } else {
                Slot::Coordinate {
                    joint: j,
                    axis: kind,
                }
            });
        }
        let Some((time_column, time_scale)) = time else {
            return Err(FormatError::at_line(
                path,
                line,
                format!(
                    "expected a time column named time_s (seconds) or time_ms, found columns {}",
                    header
                        .iter()
                        .take(8)
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        if joints.is_empty() {
            return Err(FormatError::at_line(
                path,
                line,
                "expected joint columns named <joint>_x, <joint>_y[, <joint>_z], found none",
            ));
        }
        let with_z = columns
            .iter()
            .filter(|c| c.get(2).is_some_and(Option::is_some))
            .count();
        let three_d = with_z > 0;
        for (joint, c) in joints.iter().zip(&columns) {
            let &[x, y, z, _] = c;
            let first = [x, y, z].into_iter().flatten().min().unwrap_or(time_column);
            for (axis, present) in [("x", x), ("y", y)] {
                if present.is_none() {
                    return Err(at(
                        first,
                        format!("expected a {joint}_{axis} column for joint {joint:?}, found none"),
                    ));
                }
            }
            if three_d && z.is_none() {
                return Err(at(
                    first,
                    format!(
                        "expected a {joint}_z column: {with_z} other joints have z, so the file \
                         is 3-D, but joint {joint:?} has only x and y"
                    ),
                ));
            }
        }
        let has_confidence = columns
            .iter()
            .any(|c| c.get(3).is_some_and(Option::is_some));
        Ok(Layout {
            slots,
            time_column,
            time_scale,
            joints,
            three_d,
            has_confidence,
            ignored,
        })
    }
}

/// The values read so far: time stamps, frame-major positions and confidences.
#[derive(Default)]
struct Table {
    times_s: Vec<f64>,
    values: Vec<f32>,
    confidence: Vec<f32>,
    row: Vec<f64>,
    row_confidence: Vec<f32>,
}

impl Table {
    fn push_row(
        &mut self,
        path: &str,
        line: &Line<'_>,
        layout: &Layout,
        header: &[String],
    ) -> Result<()> {
        let mut found = line.text.split(',').count();
        // One trailing comma (an empty last field) is tolerated, as some exporters write it.
        if found == layout.slots.len() + 1 && line.text.trim_end().ends_with(',') {
            found -= 1;
        }
        if found != layout.slots.len() {
            return Err(FormatError::at_line(
                path,
                line.number,
                format!(
                    "expected {} comma-separated values (one per header column), found {}{}",
                    layout.slots.len(),
                    found,
                    text::truncation_hint(line, found, layout.slots.len())
                ),
            ));
        }
        let joints = layout.joints.len();
        self.row.clear();
        self.row
            .resize(joints * 3, if layout.three_d { f64::NAN } else { 0.0 });
        self.row_confidence.clear();
        self.row_confidence.resize(joints, 1.0);
        let mut time = f64::NAN;
        for (i, (field, slot)) in line.text.split(',').zip(&layout.slots).enumerate() {
            let column = i + 1;
            let here = || Some(Location::LineColumn(line.number, column));
            let name = header.get(i).map_or("", String::as_str);
            match *slot {
                Slot::Ignored => {}
                Slot::Time => {
                    time = match missing_or_number(field) {
                        Ok(Some(t)) => t * layout.time_scale,
                        Ok(None) => {
                            return Err(FormatError::new(
                                path,
                                here(),
                                format!("{name}: expected a time, found a missing value"),
                            ))
                        }
                        Err(msg) => {
                            return Err(FormatError::new(path, here(), format!("{name}: {msg}")))
                        }
                    };
                }
                Slot::Coordinate { joint, axis } => {
                    let v = missing_or_number(field)
                        .map_err(|msg| FormatError::new(path, here(), format!("{name}: {msg}")))?
                        .unwrap_or(f64::NAN);
                    if let Some(s) = self.row.get_mut(joint * 3 + axis) {
                        *s = v;
                    }
                }
                Slot::Confidence { joint } => {
                    let c = missing_or_number(field)
                        .map_err(|msg| FormatError::new(path, here(), format!("{name}: {msg}")))?
                        .map_or(0.0, |c| c.clamp(0.0, 1.0) as f32);
                    if let Some(s) = self.row_confidence.get_mut(joint) {
                        *s = c;
                    }
                }
            }
        }
        if let Some(&previous) = self.times_s.last() {
            if time <= previous {
                return Err(FormatError::new(
                    path,
                    Some(Location::LineColumn(line.number, layout.time_column)),
                    format!(
                        "expected times to increase, found {time} s after {previous} s on the \
                         previous row"
                    ),
                ));
            }
        }
        self.times_s.push(time);
        for p in self.row.chunks_exact(3) {
            if p.iter().any(|v| v.is_nan()) {
                self.values.extend_from_slice(&[f32::NAN; 3]);
            } else {
                self.values.extend(p.iter().map(|v| *v as f32));
            }
        }
        if layout.has_confidence {
            self.confidence.extend_from_slice(&self.row_confidence);
        }
        Ok(())
    }

    fn into_recording(self, path: &str, layout: &Layout) -> Result<Recording> {
        let rows = self.times_s.len();
        if rows < 2 {
            return Err(FormatError::new(
                path,
                None,
                format!(
                    "expected at least 2 data rows to determine the frame rate from the time \
                     column, found {rows}"
                ),
            ));
        }
        let steps: Vec<f64> = self
            .times_s
            .windows(2)
            .map(|w| match w {
                [a, b] => b - a,
                _ => f64::NAN,
            })
            .collect();
        let step = stats::median(&steps).unwrap_or(f64::NAN);
        let rate_hz = 1.0 / step;
        if !(rate_hz.is_finite() && rate_hz > 0.0) {
            return Err(FormatError::new(
                path,
                None,
                format!(
                    "expected a finite frame rate from the time column, found {rate_hz} Hz \
                     (median time step {step} s)"
                ),
            ));
        }
        let jitter = steps
            .iter()
            .map(|s| (s - step).abs() / step)
            .fold(0.0, f64::max);
        let joints = layout.joints.len();
        let skeleton =
            Skeleton::from_joint_names(&layout.joints).map_err(|e| text::model_error(path, e))?;
        let t0 = self.times_s.first().copied().unwrap_or(0.0);
        let mut warnings = Vec::new();
        let (frames, values, confidence) = if jitter > MAX_TIME_JITTER {
            let Resampled {
                frames,
                values,
                confidence,
                gap_frames,
            } = resample(
                path,
                &self.times_s,
                &self.values,
                &self.confidence,
                joints,
                rate_hz,
                step,
            )?;
            let (min, max) = stats::min_max(&steps).unwrap_or((step, step));
            warnings.push(Warning::new(
                "resampled",
                format!(
                    "{path}: time steps vary from {min:.4} to {max:.4} s around a median of \
                     {step:.4} s ({:.0} % > {:.0} %); the {rows} rows were resampled to a \
                     uniform {rate_hz:.3} Hz ({frames} frames) by linear interpolation{}",
                    jitter * 100.0,
                    MAX_TIME_JITTER * 100.0,
                    if gap_frames > 0 {
                        format!(
                            "; {gap_frames} frames inside time gaps longer than \
                             {MAX_INTERPOLATED_STEPS} steps were left missing"
                        )
                    } else {
                        String::new()
                    }
                ),
            ));
            (frames, values, confidence)
        } else {
            (rows, self.values, self.confidence)
        };
        let table = PositionTable::from_values(frames, joints, values)
            .map_err(|e| text::model_error(path, e))?;
        let mut rec = Recording::new(SourceInfo::default(), skeleton, rate_hz, table)
            .map_err(|e| text::model_error(path, e))?;
        rec.start_time_s = t0;
        if layout.has_confidence {
            rec.confidence = Some(confidence);
        }
        if !layout.three_d {
            rec.dimensions = Dimensions::Two;
        }
        rec.warnings = warnings;
        Ok(rec)
    }
}

/// A cell that is a number, or missing (empty, `NaN`, `NA`).
fn missing_or_number(field: &str) -> std::result::Result<Option<f64>, String> {
    let f = field.trim();
    if f.is_empty() || f.eq_ignore_ascii_case("nan") || f.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    text::parse_number(f).map(Some)
}

/// Rows resampled onto a uniform time grid.
struct Resampled {
    frames: usize,
    values: Vec<f32>,
    confidence: Vec<f32>,
    /// Grid frames left missing inside time gaps longer than [`MAX_INTERPOLATED_STEPS`].
    gap_frames: usize,
}

/// Resamples irregular rows onto a uniform grid at `rate_hz` from the first time stamp.
fn resample(
    path: &str,
    times_s: &[f64],
    values: &[f32],
    confidence: &[f32],
    joints: usize,
    rate_hz: f64,
    step: f64,
) -> Result<Resampled> {
    let rows = times_s.len();
    let (t0, t1) = (
        times_s.first().copied().unwrap_or(0.0),
        times_s.last().copied().unwrap_or(0.0),
    );
    // The same grid as `to_uniform_rate`: every 1/rate s from the first time stamp.
    let grid_span = ((t1 - t0) * rate_hz + 1e-9).floor();
    // Resampling must not invent a recording far longer than the data: a time stamp typed
    // wrong (an hour instead of a second) would otherwise allocate hours of empty frames.
    let max_frames = 4 * rows + 1000;
    // Written so that a NaN or infinite span is rejected too.
    if grid_span.is_nan() || grid_span >= max_frames as f64 {
        return Err(FormatError::new(
            path,
            None,
            format!(
                "expected time stamps spread like the {rows} rows (at most {max_frames} frames \
                 at {rate_hz:.3} Hz), found a span from {t0} to {t1} s ({} frames); check the \
                 time column for a jump",
                grid_span + 1.0
            ),
        ));
    }
    let frames = grid_span as usize + 1;
    let column = |source: &[f32], stride: usize, index: usize| -> Vec<f64> {
        (0..rows)
            .map(|r| {
                source
                    .get(r * stride + index)
                    .map_or(f64::NAN, |v| f64::from(*v))
            })
            .collect()
    };
    let uniform = |series: &[f64]| -> Result<Vec<f64>> {
        to_uniform_rate(times_s, series, rate_hz).map_err(|e| text::model_error(path, e))
    };
    // Grid frames inside a gap longer than MAX_INTERPOLATED_STEPS stay missing.
    let mut in_gap = vec![false; frames];
    let mut k = 0usize;
    for (i, slot) in in_gap.iter_mut().enumerate() {
        let t = t0 + i as f64 / rate_hz;
        while k + 2 < rows && times_s.get(k + 1).is_some_and(|tk| *tk < t) {
            k += 1;
        }
        if let (Some(a), Some(b)) = (times_s.get(k), times_s.get(k + 1)) {
            *slot = b - a > MAX_INTERPOLATED_STEPS * step && t > *a && t < *b;
        }
    }
    let mut out = vec![f32::NAN; frames * joints * 3];
    for j in 0..joints * 3 {
        for (i, v) in uniform(&column(values, joints * 3, j))?
            .into_iter()
            .enumerate()
            .take(frames)
        {
            if let Some(slot) = out.get_mut(i * joints * 3 + j) {
                *slot = if in_gap.get(i) == Some(&true) {
                    f32::NAN
                } else {
                    v as f32
                };
            }
        }
    }
    let mut out_confidence = Vec::new();
    if !confidence.is_empty() {
        out_confidence = vec![0.0f32; frames * joints];
        for j in 0..joints {
            for (i, v) in uniform(&column(confidence, joints, j))?
                .into_iter()
                .enumerate()
                .take(frames)
            {
                if let Some(slot) = out_confidence.get_mut(i * joints + j) {
                    *slot = if in_gap.get(i) == Some(&true) {
                        0.0
                    } else {
                        v as f32
                    };
                }
            }
        }
    }
    Ok(Resampled {
        frames,
        values: out,
        confidence: out_confidence,
        gap_frames: in_gap.iter().filter(|g| **g).count(),
    })
}

/// Writes a recording as a generic skeleton CSV: `# units:` and `# up:` lines when known, the
/// header `time_s,<joint>_x,<joint>_y,<joint>_z,...` (2-D recordings without `_z`; a
/// `<joint>_c` confidence column after each joint when the recording has confidences), one row
/// per frame, missing samples as empty cells, times and positions as the shortest decimals
/// that read back as the same numbers (nothing is rounded away), confidences with 0.001.
/// Streams row by row. [`GenericCsvReader`] reads the
/// result back. Analog channels and events are not part of the format and are not written.
pub fn write_generic_csv(rec: &Recording, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let unit = match rec.units {
        LengthUnit::Metres => Some("m"),
        LengthUnit::Centimetres => Some("cm"),
        LengthUnit::Millimetres => Some("mm"),
        LengthUnit::Pixels => Some("px"),
        LengthUnit::NormalisedImage => Some("normalised"),
        LengthUnit::Unknown => None,
    };
    if let Some(u) = unit {
        writeln!(out, "# units: {u}")?;
    }
    if let Some(up) = rec.up {
        writeln!(out, "# up: {}", up.as_str())?;
    }
    let three_d = rec.dimensions == relearn_core::Dimensions::Three;
    let axes: &[&str] = if three_d {
        &["x", "y", "z"]
    } else {
        &["x", "y"]
    };
    let mut header = String::from("time_s");
    for j in rec.skeleton.joints() {
        for a in axes {
            header.push(',');
            header.push_str(&j.name.replace([',', '\n', '\r'], "_"));
            header.push('_');
            header.push_str(a);
        }
        if rec.confidence.is_some() {
            header.push(',');
            header.push_str(&j.name.replace([',', '\n', '\r'], "_"));
            header.push_str("_c");
        }
    }
    writeln!(out, "{header}")?;
    let mut row = String::new();
    for f in 0..rec.frame_count() {
        row.clear();
        // The shortest decimal that reads back as the same number: rounding the time (to 1 µs,
        // say) would change the rate the reader derives from the steps.
        row.push_str(&format!("{}", rec.time_s(f)));
        for j in 0..rec.skeleton.len() {
            let p = rec.positions.get(f, j);
            for k in 0..axes.len() {
                row.push(',');
                if let Some(p) = p {
                    let v = p.to_array().get(k).copied().unwrap_or(f64::NAN);
                    // Positions are stored as f32: its shortest decimal reads back as the
                    // same number, so a converted recording is the recording, bit for bit.
                    #[allow(clippy::cast_possible_truncation)]
                    row.push_str(&format!("{}", v as f32));
                }
            }
            if rec.confidence.is_some() {
                row.push_str(&format!(",{:.3}", rec.confidence(f, j)));
            }
        }
        writeln!(out, "{row}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_bytes;
    use relearn_core::skeleton::known;
    use relearn_core::Landmark;

    fn read(text: &str) -> Result<Recording> {
        read_bytes("trial.csv", text.as_bytes(), Some("generic-csv"))
    }

    const TWO_JOINTS: &str =
        "time_s,hip_left_x,hip_left_y,hip_left_z,knee_left_x,knee_left_y,knee_left_z\n";

    #[test]
    fn a_regular_3d_file_reads_with_its_rate_start_time_and_landmarks() {
        let text = format!("{TWO_JOINTS}1.0,0.1,0.9,2.5,0.1,0.5,2.5\n1.1,0.1,0.9,2.5,0.1,0.5,2.5\n1.2,0.1,0.9,2.5,0.1,0.4,2.5\n");
        let rec = read(&text).unwrap();
        assert_eq!(rec.frame_count(), 3);
        assert!((rec.rate_hz - 10.0).abs() < 1e-9);
        assert!((rec.start_time_s - 1.0).abs() < 1e-12);
        assert_eq!(rec.units, LengthUnit::Unknown);
        assert_eq!(rec.up, None);
        assert_eq!(rec.dimensions, Dimensions::Three);
        assert_eq!(rec.skeleton.name, "generic");
        let knee = rec.landmark(2, Landmark::LeftKnee).unwrap();
        assert!((knee.y - 0.4).abs() < 1e-6);
        assert!(rec.confidence.is_none());
        assert!(rec.warnings.is_empty());
    }

    #[test]
    fn kinect_joint_names_give_the_kinect_skeleton() {
        let names: Vec<&str> = known::KINECT_V2.iter().map(|d| d.0).collect();
        let header: Vec<String> = names
            .iter()
            .flat_map(|n| ["x", "y", "z"].map(|a| format!("{n}_{a}")))
            .collect();
        let row = vec!["1.0"; 75].join(",");
        let text = format!("time_s,{}\n0,{row}\n0.033,{row}\n", header.join(","));
        let rec = read(&text).unwrap();
        assert_eq!(rec.skeleton.name, "kinect-v2");
        assert!(rec.skeleton.joints()[1].parent.is_some());
    }

    #[test]
    fn a_2d_file_has_z_zero_and_two_dimensions() {
        let rec = read("time_s,nose.x,nose.y\n0,10,20\n0.04,11,21\n").unwrap();
        assert_eq!(rec.dimensions, Dimensions::Two);
        let p = rec.landmark(1, Landmark::Nose).unwrap();
        assert_eq!((p.x, p.y, p.z), (11.0, 21.0, 0.0));
        assert!((rec.rate_hz - 25.0).abs() < 1e-9);
    }

    #[test]
    fn confidence_columns_are_read_and_clamped_and_empty_counts_as_zero() {
        let text = "time_s,a_x,a_y,a_c,b_x,b_y,b_conf,c_x,c_y\n0,1,2,0.2,1,2,1.5,1,2\n0.1,1,2,,1,2,0.9,1,2\n";
        let rec = read(text).unwrap();
        assert!((rec.confidence(0, 0) - 0.2).abs() < 1e-6);
        assert_eq!(rec.confidence(0, 1), 1.0);
        assert_eq!(rec.confidence(1, 0), 0.0);
        // A joint without a confidence column is fully trusted.
        assert_eq!(rec.confidence(1, 2), 1.0);
        assert!(
            rec.positions.get(1, 0).is_some(),
            "the position stays, its confidence says how reliable it is"
        );
    }

    #[test]
    fn empty_nan_and_na_cells_are_missing_joints() {
        let text = format!("{TWO_JOINTS}0,0.1,0.9,,0.1,0.5,2.5\n0.1,NaN,0.9,2.5,NA,0.5,2.5\n0.2,0.1,0.9,2.5,0.1,0.5,2.5\n");
        let rec = read(&text).unwrap();
        assert!(rec.positions.get(0, 0).is_none());
        assert!(rec.positions.get(0, 1).is_some());
        assert!(rec.positions.get(1, 0).is_none() && rec.positions.get(1, 1).is_none());
        assert!(rec.positions.get(2, 0).is_some());
    }

    #[test]
    fn metadata_lines_state_units_and_up_and_bad_values_are_errors() {
        let text =
            "# recorded with a phone\n# units: mm\n# up = -z\ntime_ms,a_x,a_y\n0,1,2\n20,1,2\n";
        let rec = read(text).unwrap();
        assert_eq!(rec.units, LengthUnit::Millimetres);
        assert_eq!(rec.up, Some(SignedAxis::NegZ));
        assert!((rec.rate_hz - 50.0).abs() < 1e-9);
        let rec = read("# units: normalised\ntime_s,a_x,a_y\n0,1,2\n1,1,2\n").unwrap();
        assert_eq!(rec.units, LengthUnit::NormalisedImage);

        let e = read("# units: furlongs\ntime_s,a_x,a_y\n0,1,2\n").unwrap_err();
        assert_eq!(e.location, Some(Location::Line(1)));
        assert!(e.message.contains("\"furlongs\""), "{e}");
        let e = read("\n# up: sideways\ntime_s,a_x,a_y\n0,1,2\n").unwrap_err();
        assert_eq!(e.location, Some(Location::Line(2)));
    }

    #[test]
    fn irregular_timestamps_are_resampled_linearly_with_a_warning() {
        // Median step 0.1 s; one step of 0.15 s is 50 % off.
        let text =
            "time_s,a_x,a_y,a_z\n0,0,0,0\n0.1,1,0,0\n0.25,2.5,0,0\n0.35,3.5,0,0\n0.45,4.5,0,0\n";
        let rec = read(text).unwrap();
        assert!((rec.rate_hz - 10.0).abs() < 1e-9);
        assert_eq!(rec.frame_count(), 5);
        // x = 10 t on every row, so the grid at t = 0.2 s gives 2.0.
        let p = rec.positions.get(2, 0).unwrap();
        assert!((p.x - 2.0).abs() < 1e-5, "{p:?}");
        let w = rec.warnings.iter().find(|w| w.code == "resampled").unwrap();
        assert!(w.message.contains("10.000 Hz"), "{}", w.message);
    }

    #[test]
    fn resampling_leaves_long_time_gaps_missing() {
        let mut text = String::from("time_s,a_x,a_y\n");
        for t in [0.0, 0.1, 0.2, 0.3, 1.0, 1.1, 1.2] {
            text.push_str(&format!("{t},1,2\n"));
        }
        let rec = read(&text).unwrap();
        assert_eq!(rec.frame_count(), 13);
        assert!(rec.positions.get(3, 0).is_some());
        assert!((4..10).all(|f| rec.positions.get(f, 0).is_none()));
        assert!(rec.positions.get(10, 0).is_some());
        assert!(
            rec.warnings[0]
                .message
                .contains("6 frames inside time gaps"),
            "{}",
            rec.warnings[0].message
        );
    }

    #[test]
    fn a_time_jump_far_beyond_the_data_is_an_error() {
        let e = read("time_s,a_x,a_y\n0,1,2\n0.1,1,2\n0.2,1,2\n3600,1,2\n").unwrap_err();
        assert!(e.message.contains("check the time column"), "{e}");
        // A span beyond any number of frames must not overflow the frame count.
        let e = read("time_s,a_x,a_y\n0,1,2\n0.1,1,2\n0.2,1,2\n1e308,1,2\n").unwrap_err();
        assert!(e.message.contains("check the time column"), "{e}");
    }

    #[test]
    fn one_row_or_an_infinite_rate_has_no_frame_rate() {
        let e = read("time_s,a_x,a_y\n0,1,2\n").unwrap_err();
        assert!(
            e.message.contains("at least 2 data rows") && e.message.contains("found 1"),
            "{e}"
        );
        let e = read("time_s,a_x,a_y\n0,1,2\n1e-320,1,2\n").unwrap_err();
        assert!(e.message.contains("finite frame rate"), "{e}");
    }

    #[test]
    fn header_errors_name_the_column() {
        let e = read("").unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        let e = read("\n \n").unwrap_err();
        assert!(e.message.contains("no header"), "{e}");
        let e = read("frame,a_x,a_y\n0,1,2\n").unwrap_err();
        assert_eq!(e.location, Some(Location::Line(1)));
        assert!(e.message.contains("time column"), "{e}");
        let e = read("time_s,label\n0,a\n").unwrap_err();
        assert!(e.message.contains("found none"), "{e}");
        let e = read("time_s,a_x,a_z\n0,1,2\n").unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(1, 2)));
        assert!(e.message.contains("a_y"), "{e}");
        let e = read("time_s,a_x,a_y,a_z,b_x,b_y\n0,1,2,3,4,5\n").unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(1, 5)));
        assert!(e.message.contains("b_z"), "{e}");
        let e = read("time_s,a_x,a_y,a_x\n0,1,2,3\n").unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(1, 4)));
        assert!(e.message.contains("first at column 2"), "{e}");
        let e = read("time_s,time_ms,a_x,a_y\n0,1,2,3\n").unwrap_err();
        assert!(e.message.contains("one time column"), "{e}");
    }

    #[test]
    fn row_errors_wrong_count_truncated_garbled_missing_time_and_time_order() {
        let e = read("time_s,a_x,a_y\n0,1,2\n0.1,1\n").unwrap_err();
        assert_eq!(e.location, Some(Location::Line(3)));
        assert!(
            e.message.contains("expected 3") && e.message.contains("found 2"),
            "{e}"
        );
        assert!(!e.message.contains("truncated"), "{e}");
        let e = read("time_s,a_x,a_y\n0,1,2\n0.1,1").unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        let e = read("time_s,a_x,a_y\n0,1,2\n0.1,1,two\n").unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(3, 3)));
        assert!(
            e.message.contains("\"two\"") && e.message.contains("a_y"),
            "{e}"
        );
        let e = read("time_s,a_x,a_y\n0,1,2\n,1,2\n").unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(3, 1)));
        assert!(e.message.contains("missing"), "{e}");
        let e = read("time_s,a_x,a_y\n0,1,2\n0.1,1,2\n0.1,1,2\n").unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(4, 1)));
        assert!(e.message.contains("increase"), "{e}");
        let e = read("time_s,a_x,a_y\n0,1,inf\n0.1,1,2\n").unwrap_err();
        assert!(e.message.contains("finite"), "{e}");
    }

    #[test]
    fn unknown_columns_are_ignored_with_a_warning_and_a_trailing_comma_is_tolerated() {
        let rec = read("time_s,frame,a_x,a_y,\n0,1,1,2,\n0.1,2,1,2,\n").unwrap();
        assert_eq!(rec.skeleton.len(), 1);
        let w = rec
            .warnings
            .iter()
            .find(|w| w.code == "columns_ignored")
            .unwrap();
        assert!(w.message.contains("\"frame\""), "{}", w.message);
    }

    #[test]
    fn sniff_wants_a_time_column_and_coordinates() {
        let r = GenericCsvReader;
        assert_eq!(r.sniff("trial.csv", TWO_JOINTS.as_bytes()), 95);
        assert_eq!(r.sniff("trial.txt", b"# units: m\ntime_s,a_x,a_y\n"), 90);
        assert!(r.sniff("trial.csv", b"frame,a_x,a_y\n") < 50);
        assert_eq!(r.sniff("input.csv", b"-0.06,-0.41,2.56,2,-0.07\n"), 0);
        assert_eq!(
            r.sniff("walk.trc", b"PathFileType\t4\t(X/Y/Z)\twalk.trc\n"),
            0
        );
        assert_eq!(r.sniff("gait.c3d", &[0x02, 0x50, b't', b'i']), 0);
        // A header longer than the sniffed bytes is still recognised.
        let mut long = String::from("time_s");
        while long.len() < crate::SNIFF_BYTES + 100 {
            long.push_str(",joint_with_a_long_name_x,joint_with_a_long_name_y");
        }
        assert_eq!(
            r.sniff(
                "long.csv",
                long.as_bytes().get(..crate::SNIFF_BYTES).unwrap()
            ),
            95
        );
    }

    #[test]
    fn written_csv_reads_back_the_same_positions() {
        use relearn_core::{PositionTable, SourceInfo, Vec3};
        let sk = Skeleton::from_joint_names(&["left_knee", "right_knee"]).unwrap();
        let mut p = PositionTable::missing(3, 2);
        p.set(0, 0, Vec3::new(0.1, 0.2, 0.3));
        p.set(1, 0, Vec3::new(0.1, 0.25, 0.3));
        p.set(2, 0, Vec3::new(0.1, 0.3, 0.3));
        p.set(0, 1, Vec3::new(-0.1, 0.2, 0.3));
        p.set(2, 1, Vec3::new(-0.1, 0.2, 0.35));
        let mut rec = Recording::new(SourceInfo::default(), sk, 30.0, p).unwrap();
        rec.units = LengthUnit::Metres;
        rec.up = Some(SignedAxis::PosZ);
        let mut out = Vec::new();
        write_generic_csv(&rec, &mut out).unwrap();
        let back = read(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(back.frame_count(), 3);
        assert_eq!(back.units, LengthUnit::Metres);
        assert_eq!(back.up, Some(SignedAxis::PosZ));
        assert!((back.rate_hz - 30.0).abs() < 1e-3, "{}", back.rate_hz);
        assert!(back.positions.get(1, 1).is_none());
        let q = back.positions.get(1, 0).unwrap();
        assert!((q.y - 0.25).abs() < 1e-6);
        assert!(back.confidence.is_none());

        // Confidences (Kinect's inferred joints, keypoint scores) are written and read back.
        rec.confidence = Some(vec![1.0, 0.5, 0.25, 1.0, 0.0, 0.75]);
        let mut out = Vec::new();
        write_generic_csv(&rec, &mut out).unwrap();
        let text = std::str::from_utf8(&out).unwrap();
        assert!(
            text.contains("time_s,left_knee_x,left_knee_y,left_knee_z,left_knee_c,right_knee_x"),
            "{text}"
        );
        let back = read(text).unwrap();
        for (f, j, c) in [(0, 0, 1.0), (0, 1, 0.5), (1, 0, 0.25), (2, 1, 0.75)] {
            assert!((back.confidence(f, j) - c).abs() < 1e-6, "{f} {j}");
        }
    }
}
