//! C3D motion-capture files (`c3d`): markers, analog channels and events, from every processor
//! type (Intel, DEC, SGI/MIPS) and both storage types (16-bit integer, 32-bit float).
//!
//! # Why this reader is written by hand
//!
//! The style guide prefers a well-kept crate, so `c3dio` 0.8 was tried first on every sample
//! file in `../shared/data` (c3d.org, ezc3d and BMC samples). It read sample_01 and sample_02
//! consistently, but:
//! - it rejects valid files: `sample_08/TESTBPI.c3d` and `TESTDPI.c3d` (parameter section not
//!   at block 2; it always reads parameters from byte 512) and ezc3d's `FP_Type1.c3d`
//!   (`ANALOG:USED` stored as a byte);
//! - it loses data: `Kistler.c3d` (analog-only, no `POINT` group) comes back with no analog
//!   samples, and all markers of the Biogesta files (`sample_30`) are flagged missing because a
//!   non-standard residual word is cast with saturation;
//! - it panics on malformed input (unchecked slicing, `u16` subtraction of frame numbers,
//!   `unwrap` on conversions), which our readers must never do.
//!
//! Wrapping it would have needed a validating pre-parser as large as a reader, so this module
//! reads the format directly from the C3D user guide (c3d.org): 512-byte blocks; a header block;
//! a parameter section of groups and typed parameters (`parameters`); 3-D and analog frames.
//! Numbers are decoded per processor in `numbers` (VAX F-floating for DEC).
//!
//! # What is read
//!
//! - **Markers**: `POINT:USED` points per frame (header word 2 when the parameter is missing),
//!   labelled by `POINT:LABELS` (+ `LABELS2`, `LABELS3`...), trimmed. Integer files are scaled by
//!   `POINT:SCALE`; float files are already in units. A point whose residual word is negative is
//!   missing (NaN), as the format defines.
//! - **Units** from `POINT:UNITS` (`mm`, `cm`, `m`); unknown units are left for
//!   `relearn_core::lab::to_lab_frame` to infer.
//! - **Rate** from `POINT:RATE`, else the header (word 11), else `ANALOG:RATE` / samples per
//!   frame for analog-only files.
//! - **Frames**: `POINT:FRAMES` (as ezc3d, the parameter wins over the header's first..last
//!   frame), extended by `TRIAL:ACTUAL_START_FIELD`/`ACTUAL_END_FIELD` and `POINT:LONG_FRAMES`
//!   for recordings past 65535 frames. A file that holds fewer frames than it declares (ezc3d's
//!   `Optotrak.c3d` declares 1149 and holds 29) is read up to its last complete frame, with a
//!   warning.
//! - **Analog**: `ANALOG:USED` channels, sample-interleaved after each frame's points, value =
//!   (raw - `OFFSET`) x `SCALE` x `GEN_SCALE`, labels and units from `ANALOG:LABELS`/`UNITS`.
//! - **Events** from the `EVENT` group (`LABELS`, `CONTEXTS`, `TIMES` as minutes and seconds),
//!   in seconds from the recording's first frame.
//! - **Up axis**: see `stated_up_axis`.
//!
//! Files with neither markers nor analog channels (ezc3d's `C3DRotationExample.c3d` holds only a
//! `ROTATION` group) are rejected: there is nothing Relearn can analyse in them.

mod numbers;
mod parameters;

use crate::error::{FormatError, Result};
use crate::{Input, Reader};
use numbers::{bytes2, bytes4, Processor};
use parameters::{field_error, Parameters};
use relearn_core::skeleton::JointDef;
use relearn_core::{
    AnalogChannel, Event, Landmark, LengthUnit, PositionTable, Recording, SignedAxis, Skeleton,
    SourceInfo, Warning,
};
use std::io::{BufRead, Read};

/// Size of a C3D block in bytes.
const BLOCK: u64 = 512;

/// The key byte at offset 1 of every C3D file (0x50, "P").
const KEY: u8 = 0x50;

/// Reader of C3D files.
#[derive(Debug, Clone, Copy, Default)]
pub struct C3dReader;

impl Reader for C3dReader {
    fn id(&self) -> &'static str {
        "c3d"
    }

    fn description(&self) -> &'static str {
        "C3D motion capture (Vicon, Qualisys, BTS, Optotrak, Kistler...): markers, analog \
         channels, events; Intel, DEC and SGI/MIPS, integer and float"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        let named_c3d = name.to_ascii_lowercase().ends_with(".c3d");
        match (head.first(), head.get(1)) {
            (Some(&block), Some(&KEY)) if block >= 2 => {
                let processor_at = (usize::from(block) - 1) * BLOCK as usize + 3;
                match head.get(processor_at) {
                    Some(b) if Processor::from_byte(*b).is_some() => 100,
                    // A text file may start with "?P" by chance: a processor byte that is
                    // visible and wrong means it is not C3D.
                    Some(_) => 0,
                    // The parameter block lies beyond the sniffed bytes. Writers put it at
                    // block 2 (the C3D User Guide's "usually 2"), so a block number that is a
                    // visible character ("%PDF" has "P" at byte 1 and block 37) is taken for
                    // C3D only when the file is named so.
                    None if block < 0x20 || named_c3d => 80,
                    None => 0,
                }
            }
            // A file named .c3d that fails the magic test still goes to this reader (lowest
            // score) so that its error says what is wrong with it as a C3D file.
            _ if named_c3d => 5,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        read_c3d(&path, input.reader)
    }
}

/// A forward-only reader that knows its byte offset, for error locations.
struct Cursor<'a> {
    path: &'a str,
    inner: &'a mut dyn BufRead,
    pos: u64,
}

impl Cursor<'_> {
    /// Fills `buf` as far as the stream allows and returns how many bytes were read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            let rest = buf.get_mut(n..).unwrap_or_default();
            match self.inner.read(rest) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(FormatError::at_byte(self.path, self.pos, e.to_string())),
            }
        }
        self.pos += n as u64;
        Ok(n)
    }

    /// Fills `buf` completely or fails, naming what was being read.
    fn exact(&mut self, buf: &mut [u8], what: &str) -> Result<()> {
        let start = self.pos;
        let n = self.fill(buf)?;
        if n < buf.len() {
            return Err(FormatError::at_byte(
                self.path,
                self.pos,
                format!(
                    "the file ends inside {what} ({} bytes from byte {start}, found {n}): it is \
                     truncated",
                    buf.len()
                ),
            ));
        }
        Ok(())
    }

    /// Skips forward to byte `to`.
    fn skip_to(&mut self, to: u64, what: &str) -> Result<()> {
        if to < self.pos {
            return Err(FormatError::at_byte(
                self.path,
                to,
                format!(
                    "{what} starts at byte {to}, before byte {} already read",
                    self.pos
                ),
            ));
        }
        let want = to - self.pos;
        let skipped = std::io::copy(&mut (&mut self.inner).take(want), &mut std::io::sink())
            .map_err(|e| FormatError::at_byte(self.path, self.pos, e.to_string()))?;
        self.pos += skipped;
        if skipped < want {
            return Err(FormatError::at_byte(
                self.path,
                self.pos,
                format!("the file ends before {what} at byte {to}: it is truncated"),
            ));
        }
        Ok(())
    }
}

/// The header block fields Relearn uses (C3D user guide, "The header section"; words are 16-bit,
/// numbered from 1).
struct Header {
    /// Word 2: 3-D points per frame.
    points: u16,
    /// Word 3: analog values per frame (channels x samples per frame).
    analog_values: u16,
    /// Word 4: first frame number (1-based).
    first_frame: u16,
    /// Word 5: last frame number.
    last_frame: u16,
    /// Words 7-8: point scale; negative means float storage.
    scale: f32,
    /// Word 9: first block of the data section (1-based).
    data_start: u16,
    /// Word 10: analog samples per frame per channel.
    analog_per_frame: u16,
    /// Words 11-12: frame rate in Hz.
    rate: f32,
}

impl Header {
    fn decode(block: &[u8; 512], p: Processor) -> Header {
        let w = |at: usize| bytes2(block, at).map_or(0, |b| p.u16(b));
        let f = |at: usize| bytes4(block, at).map_or(f32::NAN, |b| p.f32(b));
        Header {
            points: w(2),
            analog_values: w(4),
            first_frame: w(6),
            last_frame: w(8),
            scale: f(12),
            data_start: w(16),
            analog_per_frame: w(18),
            rate: f(20),
        }
    }
}

/// How one frame is laid out and how to turn its numbers into values.
struct Layout {
    float: bool,
    points: usize,
    point_scale: f64,
    /// Analog values stored per frame (may exceed `channels * samples_per_frame` only when the
    /// file has unlabelled analog data, which is skipped).
    analog_values: usize,
    channels: usize,
    samples_per_frame: usize,
    unsigned_analog: bool,
}

impl Layout {
    fn frame_bytes(&self) -> usize {
        let (p, a) = if self.float { (16, 4) } else { (8, 2) };
        self.points * p + self.analog_values * a
    }
}

fn read_c3d(path: &str, reader: &mut dyn BufRead) -> Result<Recording> {
    let mut cur = Cursor {
        path,
        inner: reader,
        pos: 0,
    };
    let mut header_block = [0u8; 512];
    let n = cur.fill(&mut header_block)?;
    if n == 0 {
        return Err(FormatError::new(path, None, "the file is empty"));
    }
    match header_block.get(1) {
        Some(&KEY) => {}
        found => {
            return Err(FormatError::at_byte(
                path,
                1,
                format!(
                    "expected the C3D key byte 0x50, found {}: not a C3D file",
                    found.map_or("the end of the file".to_string(), |b| format!("0x{b:02x}"))
                ),
            ))
        }
    }
    if n < header_block.len() {
        return Err(FormatError::at_byte(
            path,
            n as u64,
            format!("the file ends inside the 512-byte header (found {n} bytes): it is truncated"),
        ));
    }
    let param_block = header_block.first().copied().unwrap_or(0);
    if param_block < 2 {
        return Err(FormatError::at_byte(
            path,
            0,
            format!(
                "the parameter section starts at block {param_block}, expected block 2 or \
                 later (block 1 is the header)"
            ),
        ));
    }
    let param_at = (u64::from(param_block) - 1) * BLOCK;
    cur.skip_to(param_at, "the parameter section")?;
    let mut first_block = [0u8; 512];
    cur.exact(&mut first_block, "the first parameter block")?;
    let block_count = first_block.get(2).copied().unwrap_or(0);
    if block_count == 0 {
        return Err(FormatError::at_byte(
            path,
            param_at + 2,
            "parameter block count 0, expected at least 1",
        ));
    }
    let proc_byte = first_block.get(3).copied().unwrap_or(0);
    let processor = Processor::from_byte(proc_byte).ok_or_else(|| {
        FormatError::at_byte(
            path,
            param_at + 3,
            format!("processor type {proc_byte}, expected 84 (Intel), 85 (DEC) or 86 (SGI/MIPS)"),
        )
    })?;
    let header = Header::decode(&header_block, processor);
    let data_at = u64::from(header.data_start).saturating_sub(1) * BLOCK;
    if data_at <= param_at {
        return Err(FormatError::at_byte(
            path,
            16,
            format!(
                "the data section starts at block {}, expected a block after the parameter \
                 section (block {param_block})",
                header.data_start
            ),
        ));
    }
    // The section is `block_count` blocks long, but never reaches into the data section (some
    // writers overstate the count).
    let section_len = (u64::from(block_count) * BLOCK).min(data_at - param_at);
    let mut section = first_block.to_vec();
    if section_len > BLOCK {
        let mut rest = vec![0u8; (section_len - BLOCK) as usize];
        cur.exact(&mut rest, "the parameter section")?;
        section.extend_from_slice(&rest);
    } else {
        section.truncate(section_len as usize);
    }
    let params = parameters::parse(path, &section, param_at, processor)?;
    let mut warnings = Vec::new();
    let layout = layout(path, &header, &params, processor, &mut warnings)?;
    let rate_hz = frame_rate(path, &header, &params, processor, &layout)?;
    let declared = declared_frames(&header, &params, processor);

    cur.skip_to(data_at, "the data section")?;
    let mut positions: Vec<f32> = Vec::new();
    let mut analog: Vec<Vec<f32>> = vec![Vec::new(); layout.channels];
    let analog_cal = AnalogCalibration::from_parameters(&params, processor, &layout, &mut warnings);
    let mut frame = vec![0u8; layout.frame_bytes()];
    let mut frames = 0usize;
    // A declared count of 0 means the writer did not fill it in: read to the end of the file.
    let limit = if declared == 0 { usize::MAX } else { declared };
    while frames < limit {
        let frame_at = cur.pos;
        let got = cur.fill(&mut frame)?;
        if got < frame.len() {
            if declared != 0 || got > 0 {
                warnings.push(Warning::new(
                    "frames_missing",
                    format!(
                        "{path}: the file declares {declared} frames but its data end at byte {} \
                         after {frames} complete frames{}",
                        frame_at + got as u64,
                        if got > 0 { " and part of another" } else { "" }
                    ),
                ));
            }
            break;
        }
        decode_frame(
            &frame,
            &layout,
            processor,
            &analog_cal,
            &mut positions,
            &mut analog,
        );
        frames += 1;
    }
    if frames == 0 {
        return Err(FormatError::at_byte(
            path,
            cur.pos,
            format!(
                "no complete frame of data (a frame is {} bytes; the file declares {declared} \
                 frames): it is truncated or empty",
                layout.frame_bytes()
            ),
        ));
    }

    let labels = point_labels(&params, layout.points, &mut warnings);
    let skeleton = markers_skeleton(path, &labels)?;
    let positions = PositionTable::from_values(frames, layout.points, positions)
        .map_err(|e| FormatError::new(path, None, e.to_string()))?;
    let mut rec = Recording::new(SourceInfo::default(), skeleton, rate_hz, positions)
        .map_err(|e| FormatError::new(path, None, e.to_string()))?;
    let first_frame = first_frame(&header, &params, processor);
    rec.start_time_s = first_frame.saturating_sub(1) as f64 / rate_hz;
    rec.units = params
        .get("POINT", "UNITS")
        .and_then(|p| p.string())
        .map_or(LengthUnit::Unknown, |u| LengthUnit::parse(&u));
    rec.up = stated_up_axis(&params);
    let analog_rate = rate_hz * layout.samples_per_frame as f64;
    if let Some(stated) = params
        .get("ANALOG", "RATE")
        .and_then(|p| p.number(processor))
    {
        if layout.channels > 0 && (stated - analog_rate).abs() > 1e-3 * analog_rate {
            warnings.push(Warning::new(
                "analog_rate_mismatch",
                format!(
                    "{path}: ANALOG:RATE is {stated} Hz but the data hold {} samples per frame \
                     at {rate_hz} Hz; {analog_rate} Hz is used",
                    layout.samples_per_frame
                ),
            ));
        }
    }
    let labels = params.strings_series("ANALOG", "LABELS");
    let units = params.strings_series("ANALOG", "UNITS");
    rec.analog = analog
        .into_iter()
        .enumerate()
        .map(|(c, samples)| AnalogChannel {
            label: labels
                .get(c)
                .filter(|l| !l.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("channel_{}", c + 1)),
            unit: units.get(c).cloned().unwrap_or_default(),
            rate_hz: analog_rate,
            samples,
        })
        .collect();
    rec.events = events(&params, processor, rec.start_time_s);
    rec.warnings = warnings;
    Ok(rec)
}

/// Works out the frame layout from the header and the `POINT` and `ANALOG` groups.
fn layout(
    path: &str,
    h: &Header,
    params: &Parameters,
    p: Processor,
    warnings: &mut Vec<Warning>,
) -> Result<Layout> {
    // ezc3d treats the parameters as authoritative where they and the header disagree; so do we.
    let points = match params.get("POINT", "USED").and_then(|x| x.count(p)) {
        Some(n) => {
            if n != u64::from(h.points) {
                warnings.push(Warning::new(
                    "point_count_mismatch",
                    format!(
                        "{path}: POINT:USED is {n} but the header (byte 2) says {}; {n} is used",
                        h.points
                    ),
                ));
            }
            // The format counts points in 16 bits (header word 2); a float parameter could
            // claim more and size a frame past memory.
            if n > u64::from(u16::MAX) {
                return Err(field_error(
                    path,
                    "POINT:USED",
                    format!("{n} points, expected at most 65535"),
                ));
            }
            n as usize
        }
        None => usize::from(h.points),
    };
    let param_scale = params
        .get("POINT", "SCALE")
        .and_then(|x| x.number(p))
        .filter(|s| s.is_finite() && *s != 0.0);
    let header_scale = f64::from(h.scale);
    let scale = param_scale.unwrap_or(header_scale);
    if let Some(ps) = param_scale {
        if header_scale.is_finite() && header_scale != 0.0 && (ps < 0.0) != (header_scale < 0.0) {
            return Err(field_error(
                path,
                "POINT:SCALE",
                format!(
                    "POINT:SCALE {ps} and the header scale {header_scale} (byte 12) disagree on \
                     integer versus float storage"
                ),
            ));
        }
    }
    if !scale.is_finite() {
        return Err(field_error(
            path,
            "POINT:SCALE",
            format!("point scale factor is {scale}, expected a finite number"),
        ));
    }
    let float = scale < 0.0;
    if !float && scale == 0.0 && points > 0 {
        return Err(field_error(
            path,
            "POINT:SCALE",
            "point scale factor is 0 for integer data, expected a non-zero number",
        ));
    }
    let stored = usize::from(h.analog_values);
    let (channels, samples_per_frame) = match params.get("ANALOG", "USED").and_then(|x| x.count(p))
    {
        Some(0) => (0, 0),
        Some(n) if stored == 0 => {
            warnings.push(Warning::new(
                "analog_missing",
                format!(
                    "{path}: ANALOG:USED is {n} but the header (byte 4) stores no analog \
                         values per frame; no analog channel is read"
                ),
            ));
            (0, 0)
        }
        Some(n) => {
            let n = n as usize;
            if stored % n != 0 {
                return Err(field_error(
                    path,
                    "ANALOG:USED",
                    format!(
                        "{n} channels do not divide the {stored} analog values per frame of \
                             the header (byte 4)"
                    ),
                ));
            }
            (n, stored / n)
        }
        None if stored == 0 => (0, 0),
        None => {
            let spf = usize::from(h.analog_per_frame);
            if spf > 0 && stored % spf == 0 {
                (stored / spf, spf)
            } else {
                (stored, 1)
            }
        }
    };
    if channels == 0 && stored > 0 {
        warnings.push(Warning::new(
            "analog_skipped",
            format!("{path}: {stored} analog values per frame without ANALOG:USED are skipped"),
        ));
    }
    if points == 0 && channels == 0 {
        let rotations = params
            .get("ROTATION", "USED")
            .and_then(|x| x.count(p))
            .filter(|n| *n > 0)
            .map(|n| {
                format!(
                    ": it holds only {n} rotations (ROTATION group), which Relearn does not read"
                )
            })
            .unwrap_or_default();
        return Err(field_error(
            path,
            "POINT:USED",
            format!("no markers (POINT:USED 0) and no analog channels (ANALOG:USED 0){rotations}"),
        ));
    }
    let unsigned_analog = params
        .get("ANALOG", "FORMAT")
        .and_then(|x| x.string())
        .is_some_and(|f| f.eq_ignore_ascii_case("UNSIGNED"));
    Ok(Layout {
        float,
        points,
        point_scale: scale.abs(),
        analog_values: stored,
        channels,
        samples_per_frame,
        unsigned_analog,
    })
}

/// The point frame rate: `POINT:RATE`, else the header, else the analog rate divided by the
/// samples per frame (analog-only files without a `POINT` group).
fn frame_rate(
    path: &str,
    h: &Header,
    params: &Parameters,
    p: Processor,
    layout: &Layout,
) -> Result<f64> {
    let valid = |r: f64| r.is_finite() && r > 0.0;
    let param = params.get("POINT", "RATE").and_then(|x| x.number(p));
    if let Some(r) = param.filter(|r| valid(*r)) {
        return Ok(r);
    }
    let header = f64::from(h.rate);
    if valid(header) {
        return Ok(header);
    }
    let analog = params.get("ANALOG", "RATE").and_then(|x| x.number(p));
    if let Some(a) = analog.filter(|a| valid(*a)) {
        if layout.samples_per_frame > 0 {
            return Ok(a / layout.samples_per_frame as f64);
        }
    }
    Err(field_error(
        path,
        "POINT:RATE",
        format!(
            "frame rate is {} in POINT:RATE and {header} in the header (byte 20), expected a \
             positive number of Hz",
            param.map_or("missing".to_string(), |r| r.to_string())
        ),
    ))
}

/// Frames the file declares: `POINT:FRAMES` when set, else the header's first..last frame,
/// extended by the fields that hold counts past 65535.
fn declared_frames(h: &Header, params: &Parameters, p: Processor) -> usize {
    let header = if h.last_frame >= h.first_frame {
        u64::from(h.last_frame - h.first_frame) + 1
    } else {
        0
    };
    let mut frames = params
        .get("POINT", "FRAMES")
        .and_then(|x| x.count(p))
        .filter(|n| *n > 0)
        .unwrap_or(header);
    let field = |name: &str| {
        params
            .get("TRIAL", name)
            .map(|x| x.counts(p))
            .and_then(|v| match v.as_slice() {
                [low, high, ..] => Some(low.saturating_add(high.saturating_mul(65536))),
                _ => None,
            })
    };
    if let (Some(start), Some(end)) = (field("ACTUAL_START_FIELD"), field("ACTUAL_END_FIELD")) {
        if end >= start {
            frames = frames.max((end - start).saturating_add(1));
        }
    }
    if let Some(long) = params.get("POINT", "LONG_FRAMES").and_then(|x| x.count(p)) {
        frames = frames.max(long);
    }
    usize::try_from(frames).unwrap_or(usize::MAX)
}

/// Number (1-based) of the first frame in the acquisition, for the recording's start time.
fn first_frame(h: &Header, params: &Parameters, p: Processor) -> u64 {
    params
        .get("TRIAL", "ACTUAL_START_FIELD")
        .map(|x| x.counts(p))
        .and_then(|v| match v.as_slice() {
            [low, high, ..] => Some(low.saturating_add(high.saturating_mul(65536))),
            _ => None,
        })
        .filter(|f| *f > 0)
        .unwrap_or(u64::from(h.first_frame))
}

/// Per-channel analog calibration.
struct AnalogCalibration {
    offset: Vec<f64>,
    scale: Vec<f64>,
}

impl AnalogCalibration {
    fn from_parameters(
        params: &Parameters,
        p: Processor,
        layout: &Layout,
        warnings: &mut Vec<Warning>,
    ) -> AnalogCalibration {
        let n = layout.channels;
        let gen = params
            .get("ANALOG", "GEN_SCALE")
            .and_then(|x| x.number(p))
            .filter(|g| g.is_finite())
            .unwrap_or(1.0);
        let mut scale = params.numbers_series("ANALOG", "SCALE", p);
        if n > 0 && scale.len() < n {
            warnings.push(Warning::new(
                "analog_scale_missing",
                format!(
                    "ANALOG:SCALE has {} values for {n} channels: the others are left unscaled \
                     (scale 1)",
                    scale.len()
                ),
            ));
        }
        scale.resize(n, 1.0);
        let offset = params
            .numbers_series("ANALOG", "OFFSET", p)
            .into_iter()
            .map(|o| {
                if layout.unsigned_analog && o < 0.0 {
                    // Unsigned data store offsets above 32767 through the signed field.
                    o + 65536.0
                } else if o == -32768.0 {
                    // -32768 cannot be the zero of signed 16-bit samples (every sample would
                    // shift to 0..65535): it is the unsigned mid-scale 32768 written through the
                    // signed field, as in c3d.org's sample_07/16bitanalog.c3d, whose raw values
                    // sit around 32768 on those channels.
                    32768.0
                } else {
                    o
                }
            })
            .chain(std::iter::repeat(0.0))
            .take(n)
            .collect();
        AnalogCalibration {
            offset,
            scale: scale.into_iter().map(|s| s * gen).collect(),
        }
    }
}

/// Decodes one frame's points (appended to `positions`) and analog samples.
fn decode_frame(
    frame: &[u8],
    layout: &Layout,
    p: Processor,
    cal: &AnalogCalibration,
    positions: &mut Vec<f32>,
    analog: &mut [Vec<f32>],
) {
    let word = |at: usize| bytes2(frame, at).map_or(f64::NAN, |b| f64::from(p.i16(b)));
    let float = |at: usize| bytes4(frame, at).map_or(f64::NAN, |b| f64::from(p.f32(b)));
    for j in 0..layout.points {
        let (xyz, residual) = if layout.float {
            let at = j * 16;
            ([float(at), float(at + 4), float(at + 8)], float(at + 12))
        } else {
            let at = j * 8;
            let s = layout.point_scale;
            (
                [word(at) * s, word(at + 2) * s, word(at + 4) * s],
                word(at + 6),
            )
        };
        let valid =
            residual_word_is_valid(residual, layout.float) && xyz.iter().all(|v| v.is_finite());
        for v in xyz {
            positions.push(if valid { v as f32 } else { f32::NAN });
        }
    }
    let (point_bytes, size) = if layout.float {
        (layout.points * 16, 4)
    } else {
        (layout.points * 8, 2)
    };
    let channels = layout.channels;
    for s in 0..layout.samples_per_frame {
        for (c, samples) in analog.iter_mut().enumerate() {
            let at = point_bytes + (s * channels + c) * size;
            let raw = if layout.float {
                float(at)
            } else if layout.unsigned_analog {
                bytes2(frame, at).map_or(f64::NAN, |b| f64::from(p.u16(b)))
            } else {
                word(at)
            };
            let offset = cal.offset.get(c).copied().unwrap_or(0.0);
            let scale = cal.scale.get(c).copied().unwrap_or(1.0);
            samples.push(((raw - offset) * scale) as f32);
        }
    }
}

/// Whether a point's fourth word (camera mask in the high byte, residual in the low byte) marks
/// it as measured. The format defines a negative 16-bit word as "missing". Float files store the
/// word as a float holding its value: -1.0 (BTS) or its unsigned reading 65535.0 (c3d.org
/// `sample_07`) both mean 0xFFFF, so values from 32768 to 65535 are negative words too. Values
/// past the 16-bit range are not a word at all (Biogesta, `sample_30`, stores two 16-bit words
/// 0x7F00 there, which reads as 1.7e38, on points that are plainly measured); like ezc3d, which
/// reads those bytes as integers, such points are kept.
fn residual_word_is_valid(word: f64, float: bool) -> bool {
    if !float {
        return word >= 0.0;
    }
    (0.0..32768.0).contains(&word) || word >= 65536.0
}

/// Marker labels from `POINT:LABELS` (+ `LABELS2`...), one per point: empty or missing labels
/// become `point_N` and repeated labels get a `_2`, `_3`... suffix (joint names must be unique).
fn point_labels(params: &Parameters, points: usize, warnings: &mut Vec<Warning>) -> Vec<String> {
    let given = params.strings_series("POINT", "LABELS");
    let mut labels: Vec<String> = Vec::with_capacity(points);
    // A set keeps this linear: a file may declare up to 65535 points.
    let mut taken = std::collections::HashSet::new();
    let mut renamed = Vec::new();
    for i in 0..points {
        let base = given
            .get(i)
            .filter(|l| !l.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("point_{}", i + 1));
        let mut label = base.clone();
        let mut k = 2;
        while taken.contains(&label) {
            label = format!("{base}_{k}");
            k += 1;
        }
        if label != base {
            renamed.push(format!("{base} -> {label}"));
        }
        taken.insert(label.clone());
        labels.push(label);
    }
    if !renamed.is_empty() {
        warnings.push(Warning::new(
            "duplicate_labels",
            format!(
                "repeated marker labels were made unique: {}",
                renamed.join(", ")
            ),
        ));
    }
    labels
}

/// Joint-centre virtual markers as written by Plug-in Gait style models (pyCGM2 and Vicon's
/// Conventional Gait Model name them `LHJC`, `RKJC`, `LAJC`... : side letter, joint initial,
/// "JC"). A label like that is the joint centre by definition, so the mapping is exact. Surface
/// markers (`LKNE`, `RANK`) are not joint centres and stay unmapped.
const JOINT_CENTRES: [(&str, Landmark); 12] = [
    ("LHJC", Landmark::LeftHip),
    ("RHJC", Landmark::RightHip),
    ("LKJC", Landmark::LeftKnee),
    ("RKJC", Landmark::RightKnee),
    ("LAJC", Landmark::LeftAnkle),
    ("RAJC", Landmark::RightAnkle),
    ("LSJC", Landmark::LeftShoulder),
    ("RSJC", Landmark::RightShoulder),
    ("LEJC", Landmark::LeftElbow),
    ("REJC", Landmark::RightElbow),
    ("LWJC", Landmark::LeftWrist),
    ("RWJC", Landmark::RightWrist),
];

/// The landmark a marker label stands for: a joint-centre virtual marker, else whatever
/// [`Landmark::from_joint_name`] resolves. A Vicon subject prefix (`A22:RKNE`) is ignored.
fn marker_landmark(label: &str) -> Option<Landmark> {
    let bare = label.rsplit(':').next().unwrap_or(label).trim();
    JOINT_CENTRES
        .iter()
        .find(|(name, _)| bare.eq_ignore_ascii_case(name))
        .map(|(_, l)| *l)
        .or_else(|| Landmark::from_joint_name(bare))
}

/// A flat skeleton of the markers, with the landmarks their labels resolve to, or a known
/// skeleton when the labels are exactly its joint names (a Kinect recording saved as C3D).
///
/// When two markers resolve to the same landmark the first one stands for it: a later marker is
/// given no landmark here, but `Skeleton::new` resolves a `None` from the name again, so it may
/// keep the same landmark; `Skeleton::landmark` returns the first joint either way.
fn markers_skeleton(path: &str, labels: &[String]) -> Result<Skeleton> {
    let err = |e: relearn_core::Error| FormatError::new(path, None, e.to_string());
    if let Some(known) = relearn_core::skeleton::known::matching(labels) {
        return Ok(known);
    }
    let mut seen = Vec::new();
    let defs: Vec<JointDef<'_>> = labels
        .iter()
        .map(|l| {
            let landmark = marker_landmark(l).filter(|m| {
                let fresh = !seen.contains(m);
                seen.push(*m);
                fresh
            });
            (l.as_str(), None, landmark)
        })
        .collect();
    Skeleton::with_exact_landmarks("generic", &defs).map_err(err)
}

/// The vertical axis when the file states it.
///
/// `POINT:Y_SCREEN` names the lab axis that a viewer should draw pointing up the screen
/// (`POINT:X_SCREEN` the one pointing right); Vicon and c3d.org samples write `+Z` (z-up labs),
/// BTS writes `+Y` (y-up). Its sign is not used: Qualisys writes `-Z` (with `X_SCREEN` `-X`) for
/// data whose vertical is +z (ezc3d's `Qualisys.c3d` and `FP_Type3.c3d`: the pelvis markers lie
/// about 0.9 m above the feet along +z), i.e. with the screen's y pointing down. Motion-capture
/// labs are never upside down, so the axis named by `Y_SCREEN` is taken with a positive sign.
/// Without `Y_SCREEN` (or with a value that names no axis) `None` is returned and
/// `relearn_core::lab::to_lab_frame` detects the vertical from the body.
pub(crate) fn stated_up_axis(params: &Parameters) -> Option<SignedAxis> {
    let y = params.get("POINT", "Y_SCREEN")?.string()?;
    let axis = y.trim_start_matches(['+', '-']).trim();
    SignedAxis::parse(axis)
}

/// Events of the `EVENT` group, in seconds from the recording's first frame, sorted by time.
fn events(params: &Parameters, p: Processor, start_time_s: f64) -> Vec<Event> {
    let Some(used) = params.get("EVENT", "USED").and_then(|x| x.count(p)) else {
        return Vec::new();
    };
    let labels = params.strings_series("EVENT", "LABELS");
    let contexts = params.strings_series("EVENT", "CONTEXTS");
    let times = params.numbers_series("EVENT", "TIMES", p);
    // Every event needs a time, so the times bound a corrupt count.
    let used = usize::try_from(used).unwrap_or(usize::MAX).min(times.len());
    // TIMES is [2, n]: minutes then seconds per event; a writer that stored plain seconds
    // ([n]) is accepted too.
    let pairs = times.len() >= 2 * used;
    let mut out: Vec<Event> = (0..used)
        .filter_map(|i| {
            let t = if pairs {
                times.get(2 * i)? * 60.0 + times.get(2 * i + 1)?
            } else {
                *times.get(i)?
            };
            t.is_finite().then(|| Event {
                label: labels
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("event_{}", i + 1)),
                context: contexts.get(i).cloned().unwrap_or_default(),
                time_s: t - start_time_s,
            })
        })
        .collect();
    out.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a synthetic file holds.
    #[derive(Clone, Copy)]
    struct Synth {
        processor: Processor,
        float: bool,
        points: usize,
        channels: usize,
        samples_per_frame: usize,
        frames: usize,
        rate: f32,
        /// Writes POINT:USED as this float instead of the integer point count.
        float_point_used: Option<f32>,
        /// Writes EVENT:USED as this float instead of 1.
        float_event_used: Option<f32>,
    }

    impl Synth {
        fn new(processor: Processor, float: bool) -> Synth {
            Synth {
                processor,
                float,
                points: 3,
                channels: 2,
                samples_per_frame: 2,
                frames: 5,
                rate: 50.0,
                float_point_used: None,
                float_event_used: None,
            }
        }
    }

    const SCALE: f32 = 0.5;
    const ANALOG_SCALE: f32 = 0.25;
    const GEN_SCALE: f32 = 2.0;
    const OFFSET: i16 = 10;

    fn u16b(p: Processor, v: u16) -> [u8; 2] {
        if p == Processor::Mips {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn i16b(p: Processor, v: i16) -> [u8; 2] {
        if p == Processor::Mips {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn f32b(p: Processor, v: f32) -> [u8; 4] {
        match p {
            Processor::Intel => v.to_le_bytes(),
            Processor::Mips => v.to_be_bytes(),
            Processor::Dec => {
                let q = (v * 4.0).to_le_bytes();
                [q[2], q[3], q[0], q[1]]
            }
        }
    }

    fn group(out: &mut Vec<u8>, p: Processor, id: i8, name: &str) {
        out.push(name.len() as u8);
        out.push(id.wrapping_neg() as u8);
        out.extend(name.as_bytes());
        out.extend(i16b(p, 3));
        out.push(0);
    }

    fn param(
        out: &mut Vec<u8>,
        p: Processor,
        group: i8,
        name: &str,
        kind: i8,
        dims: &[u8],
        data: &[u8],
    ) {
        out.push(name.len() as u8);
        out.push(group as u8);
        out.extend(name.as_bytes());
        out.extend(i16b(p, (2 + 1 + 1 + dims.len() + data.len() + 1) as i16));
        out.push(kind as u8);
        out.push(dims.len() as u8);
        out.extend(dims);
        out.extend(data);
        out.push(0);
    }

    /// Expected marker position (before the scale of integer files is applied back).
    fn point(f: usize, j: usize) -> [f32; 3] {
        [(f * 10 + j) as f32, 100.0 + j as f32, 1000.0 + f as f32]
    }

    /// Raw analog value of channel `c` at sample `k` (counted over the whole recording).
    fn raw_analog(k: usize, c: usize) -> f32 {
        (k + c * 100) as f32
    }

    /// Writes a C3D file: header block, one parameter block, data from block 3. Marker 0 is
    /// missing in frame 1.
    fn build(s: Synth) -> Vec<u8> {
        let p = s.processor;
        let mut out = vec![0u8; 512];
        out[0] = 2;
        out[1] = KEY;
        let scale = if s.float { -SCALE } else { SCALE };
        let mut put = |at: usize, b: &[u8]| out[at..at + b.len()].copy_from_slice(b);
        put(2, &u16b(p, s.points as u16));
        put(4, &u16b(p, (s.channels * s.samples_per_frame) as u16));
        put(6, &u16b(p, 1));
        put(8, &u16b(p, s.frames as u16));
        put(12, &f32b(p, scale));
        put(16, &u16b(p, 3));
        put(18, &u16b(p, s.samples_per_frame as u16));
        put(20, &f32b(p, s.rate));
        let proc_byte = match p {
            Processor::Intel => 84,
            Processor::Dec => 85,
            Processor::Mips => 86,
        };
        let mut par = vec![1, KEY, 1, proc_byte];
        group(&mut par, p, 1, "POINT");
        group(&mut par, p, 2, "ANALOG");
        group(&mut par, p, 3, "EVENT");
        match s.float_point_used {
            Some(v) => param(&mut par, p, 1, "USED", 4, &[], &f32b(p, v)),
            None => param(&mut par, p, 1, "USED", 2, &[], &i16b(p, s.points as i16)),
        }
        param(&mut par, p, 1, "RATE", 4, &[], &f32b(p, s.rate));
        param(&mut par, p, 1, "SCALE", 4, &[], &f32b(p, scale));
        param(&mut par, p, 1, "FRAMES", 2, &[], &i16b(p, s.frames as i16));
        param(&mut par, p, 1, "UNITS", -1, &[2], b"mm");
        param(&mut par, p, 1, "Y_SCREEN", -1, &[2], b"+Z");
        let labels: Vec<u8> = (0..s.points)
            .flat_map(|j| format!("M{j:<3}").into_bytes())
            .collect();
        param(&mut par, p, 1, "LABELS", -1, &[4, s.points as u8], &labels);
        param(&mut par, p, 2, "USED", 2, &[], &i16b(p, s.channels as i16));
        let analog_rate = s.rate * s.samples_per_frame as f32;
        param(&mut par, p, 2, "RATE", 4, &[], &f32b(p, analog_rate));
        param(&mut par, p, 2, "GEN_SCALE", 4, &[], &f32b(p, GEN_SCALE));
        let scales: Vec<u8> = (0..s.channels)
            .flat_map(|_| f32b(p, ANALOG_SCALE))
            .collect();
        param(&mut par, p, 2, "SCALE", 4, &[s.channels as u8], &scales);
        let offsets: Vec<u8> = (0..s.channels).flat_map(|_| i16b(p, OFFSET)).collect();
        param(&mut par, p, 2, "OFFSET", 2, &[s.channels as u8], &offsets);
        let names: Vec<u8> = (0..s.channels)
            .flat_map(|c| format!("EMG{c}").into_bytes())
            .collect();
        param(&mut par, p, 2, "LABELS", -1, &[4, s.channels as u8], &names);
        match s.float_event_used {
            Some(v) => param(&mut par, p, 3, "USED", 4, &[], &f32b(p, v)),
            None => param(&mut par, p, 3, "USED", 2, &[], &i16b(p, 1)),
        }
        param(&mut par, p, 3, "LABELS", -1, &[11, 1], b"Foot Strike");
        param(&mut par, p, 3, "CONTEXTS", -1, &[4, 1], b"Left");
        let times: Vec<u8> = [0.0f32, 0.04].iter().flat_map(|t| f32b(p, *t)).collect();
        param(&mut par, p, 3, "TIMES", 4, &[2, 1], &times);
        assert!(par.len() <= 512, "synthetic parameters fit one block");
        par.resize(512, 0);
        out.extend(par);
        for f in 0..s.frames {
            for j in 0..s.points {
                let missing = j == 0 && f == 1;
                let xyz = point(f, j);
                if s.float {
                    for v in xyz {
                        out.extend(f32b(p, v));
                    }
                    out.extend(f32b(p, if missing { -1.0 } else { 3.0 }));
                } else {
                    for v in xyz {
                        out.extend(i16b(p, (v / SCALE) as i16));
                    }
                    out.extend(i16b(p, if missing { -1 } else { 3 }));
                }
            }
            for sub in 0..s.samples_per_frame {
                for c in 0..s.channels {
                    let v = raw_analog(f * s.samples_per_frame + sub, c);
                    if s.float {
                        out.extend(f32b(p, v));
                    } else {
                        out.extend(i16b(p, v as i16));
                    }
                }
            }
        }
        out
    }

    fn read(bytes: &[u8]) -> Result<Recording> {
        read_c3d("t.c3d", &mut &bytes[..])
    }

    #[test]
    fn every_processor_and_storage_reads_the_same_known_values() {
        for p in [Processor::Intel, Processor::Dec, Processor::Mips] {
            for float in [false, true] {
                let s = Synth::new(p, float);
                let r = read(&build(s)).unwrap();
                assert_eq!(r.frame_count(), s.frames);
                assert_eq!(r.skeleton.len(), s.points);
                assert_eq!(r.skeleton.joints()[1].name, "M1");
                assert_eq!(r.rate_hz, 50.0);
                assert_eq!(r.units, LengthUnit::Millimetres);
                assert_eq!(r.up, Some(SignedAxis::PosZ));
                for f in 0..s.frames {
                    for j in 0..s.points {
                        let got = r.positions.get(f, j);
                        if j == 0 && f == 1 {
                            assert_eq!(got, None, "{p:?} float {float}");
                        } else {
                            let want = point(f, j);
                            let got = got.unwrap();
                            assert_eq!([got.x as f32, got.y as f32, got.z as f32], want);
                        }
                    }
                }
                assert_eq!(r.analog.len(), 2);
                let a = &r.analog[1];
                assert_eq!(a.label, "EMG1");
                assert_eq!(a.rate_hz, 100.0);
                assert_eq!(a.samples.len(), s.frames * s.samples_per_frame);
                let k = 7;
                let want = (raw_analog(k, 1) - f32::from(OFFSET)) * ANALOG_SCALE * GEN_SCALE;
                assert!(
                    (a.samples[k] - want).abs() < 1e-4,
                    "{p:?} {float}: {} vs {want}",
                    a.samples[k]
                );
                assert_eq!(r.events.len(), 1);
                assert_eq!(r.events[0].context, "Left");
                assert!((r.events[0].time_s - 0.04).abs() < 1e-6);
                assert!(r.warnings.is_empty(), "{:?}", r.warnings);
            }
        }
    }

    #[test]
    fn a_file_cut_anywhere_errors_or_reports_missing_frames_and_never_panics() {
        for p in [Processor::Intel, Processor::Dec, Processor::Mips] {
            for float in [false, true] {
                let bytes = build(Synth::new(p, float));
                let data_at = 1024;
                for cut in 0..bytes.len() {
                    match read(&bytes[..cut]) {
                        Err(e) => assert!(e.to_string().starts_with("t.c3d"), "{e}"),
                        Ok(r) => {
                            assert!(
                                cut > data_at,
                                "cut {cut} inside the header or parameters read"
                            );
                            assert!(r.frame_count() < 5);
                            assert!(r.warnings.iter().any(|w| w.code == "frames_missing"));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_empty_file_is_rejected() {
        let e = read(&[]).unwrap_err();
        assert_eq!(e.to_string(), "t.c3d: the file is empty");
    }

    #[test]
    fn a_wrong_magic_byte_is_rejected_at_byte_1() {
        let mut b = build(Synth::new(Processor::Intel, false));
        b[1] = 0x51;
        let e = read(&b).unwrap_err();
        assert_eq!(e.location, Some(crate::Location::Byte(1)));
        assert!(e.message.contains("0x51"), "{e}");
        let e = read(b"PathFileType\t4\t(X/Y/Z)\n").unwrap_err();
        assert!(e.message.contains("not a C3D file"), "{e}");
    }

    #[test]
    fn zero_parameter_blocks_are_rejected() {
        let mut b = build(Synth::new(Processor::Intel, false));
        b[512 + 2] = 0;
        let e = read(&b).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 514: parameter block count 0, expected at least 1"
        );
        b[0] = 0;
        let e = read(&b).unwrap_err();
        assert_eq!(e.location, Some(crate::Location::Byte(0)));
    }

    #[test]
    fn an_unknown_processor_is_rejected() {
        let mut b = build(Synth::new(Processor::Intel, false));
        b[512 + 3] = 0x57;
        let e = read(&b).unwrap_err();
        assert!(e.message.contains("processor type 87"), "{e}");
    }

    #[test]
    fn a_garbled_parameter_section_names_its_byte() {
        let clean = build(Synth::new(Processor::Intel, false));
        // Overwrite the parameter section (after its 4-byte header) with a repeating pattern
        // that is no valid record chain.
        for seed in 0u8..=255 {
            let mut b = clean.clone();
            for (i, x) in b[516..1024].iter_mut().enumerate() {
                *x = seed.wrapping_mul(31).wrapping_add(i as u8).rotate_left(3);
            }
            match read(&b) {
                Err(e) => assert!(e.to_string().starts_with("t.c3d: "), "{e}"),
                Ok(r) => assert!(r.frame_count() > 0),
            }
        }
        let mut b = clean;
        // The first record's type byte of POINT:USED: groups take 3 x (2 + name + 3) bytes.
        let used_type = 516 + (2 + 5 + 3) + (2 + 6 + 3) + (2 + 5 + 3) + 2 + 4 + 2;
        b[used_type] = 7;
        let e = read(&b).unwrap_err();
        assert!(matches!(e.location, Some(crate::Location::Byte(_))), "{e}");
        assert!(e.message.contains("garbled"), "{e}");
    }

    #[test]
    fn a_nan_rate_is_rejected_naming_point_rate() {
        let mut s = Synth::new(Processor::Intel, true);
        s.rate = f32::NAN;
        let mut b = build(s);
        // No analog rate to fall back on either.
        let e = read(&b).unwrap_err();
        assert_eq!(
            e.location,
            Some(crate::Location::Field("POINT:RATE".to_string())),
            "{e}"
        );
        assert!(e.message.contains("NaN"), "{e}");
        // A valid header rate is used when the parameter is NaN.
        b[20..24].copy_from_slice(&25f32.to_le_bytes());
        assert_eq!(read(&b).unwrap().rate_hz, 25.0);
    }

    #[test]
    fn huge_float_counts_neither_size_memory_nor_loop() {
        let mut s = Synth::new(Processor::Intel, true);
        s.float_point_used = Some(1e30);
        let e = read(&build(s)).unwrap_err();
        assert_eq!(
            e.location,
            Some(crate::Location::Field("POINT:USED".to_string())),
            "{e}"
        );
        let mut s = Synth::new(Processor::Intel, true);
        s.float_event_used = Some(1e30);
        // Bounded by the two TIMES values of the file.
        assert!(read(&build(s)).unwrap().events.len() <= 2);
    }

    #[test]
    fn sniffing_needs_the_magic_and_a_processor_byte() {
        let b = build(Synth::new(Processor::Dec, false));
        assert_eq!(C3dReader.sniff("trial.bin", &b), 100);
        assert_eq!(C3dReader.sniff("trial.c3d", b"PathFileType\t4"), 5);
        assert_eq!(C3dReader.sniff("walk.trc", b"PathFileType\t4"), 0);
        assert_eq!(C3dReader.sniff("x.csv", &b[..64]), 80);
        let mut wrong = b.clone();
        wrong[515] = b'a';
        assert_eq!(C3dReader.sniff("x.csv", &wrong), 0);
        // A PDF also has "P" at byte 1; its "parameter block" 37 lies beyond the sniffed head.
        let pdf = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n";
        assert_eq!(C3dReader.sniff("Description.pdf", pdf), 0);
        assert_eq!(C3dReader.sniff("Description.c3d", pdf), 80);
    }

    #[test]
    fn residual_words_follow_the_float_conventions() {
        assert!(residual_word_is_valid(0.0, true));
        assert!(residual_word_is_valid(383.0, true));
        assert!(!residual_word_is_valid(-1.0, true));
        assert!(!residual_word_is_valid(65535.0, true));
        assert!(!residual_word_is_valid(f64::NAN, true));
        assert!(residual_word_is_valid(1.7e38, true));
        assert!(!residual_word_is_valid(-1.0, false));
        assert!(residual_word_is_valid(12.0, false));
    }

    #[test]
    fn joint_centre_markers_become_landmarks_and_surface_markers_do_not() {
        assert_eq!(marker_landmark("LKJC"), Some(Landmark::LeftKnee));
        assert_eq!(marker_landmark("A22:RHJC"), Some(Landmark::RightHip));
        assert_eq!(marker_landmark("LKNE"), None);
        assert_eq!(marker_landmark("RASI"), None);
        let sk =
            markers_skeleton("t.c3d", &["m".into(), "A22:LKJC".into(), "LeftKnee".into()]).unwrap();
        assert_eq!(sk.landmark(Landmark::LeftKnee), Some(1));
        assert_eq!(sk.joints()[0].landmark, None);
    }

    #[test]
    fn repeated_and_empty_labels_are_made_unique() {
        let s = Synth::new(Processor::Intel, false);
        let mut b = build(s);
        // Rename marker 1 to marker 0's label and blank marker 2's.
        let at = b.windows(4).position(|w| w == b"M1  ").unwrap();
        b[at..at + 4].copy_from_slice(b"M0  ");
        b[at + 4..at + 8].copy_from_slice(b"    ");
        let r = read(&b).unwrap();
        let names: Vec<&str> = r
            .skeleton
            .joints()
            .iter()
            .map(|j| j.name.as_str())
            .collect();
        assert_eq!(names, ["M0", "M0_2", "point_3"]);
        assert!(r.warnings.iter().any(|w| w.code == "duplicate_labels"));
    }
}
