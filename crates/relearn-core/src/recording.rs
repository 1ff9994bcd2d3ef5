//! A movement recording: a skeleton, joint positions over time, optional analog channels, and
//! what is known about its units and axes.
//!
//! Positions are stored frame-major in one contiguous `Vec<f32>` (`[frame][joint][xyz]`), with
//! NaN for a missing sample (style guide §7: columnar data, no per-sample allocation). A
//! one-hour, 30 Hz, 25-joint recording is 32 MB.
//!
//! Readers fill a `Recording` in the source's own units and axes and say what they know in
//! [`Recording::units`] and [`Recording::up`]. [`crate::lab::to_lab_frame`] then converts it to
//! the lab frame of `clinical-spec.md` §6 (metres, right-handed, z up), detecting whatever the
//! format did not state (`product-notes.md`, "Recordings come in any convention").

use crate::error::{Error, Result};
use crate::geometry::Vec3;
use crate::skeleton::{Landmark, Skeleton};
use serde::{Deserialize, Serialize};

/// Unit of the position values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthUnit {
    /// Metres (Kinect camera space, lab frame after normalisation).
    Metres,
    /// Centimetres (UI-PRMD).
    Centimetres,
    /// Millimetres (C3D and TRC usually).
    Millimetres,
    /// Image pixels (2-D keypoints).
    Pixels,
    /// Image coordinates normalised to 0-1 by image width and height (MediaPipe, KERAAL JSON).
    NormalisedImage,
    /// Not stated by the source; inferred from body size by [`crate::lab::to_lab_frame`].
    Unknown,
}

impl std::fmt::Display for LengthUnit {
    /// The unit's name for people: `centimetres`, `normalised image coordinates`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LengthUnit::Metres => "metres",
            LengthUnit::Centimetres => "centimetres",
            LengthUnit::Millimetres => "millimetres",
            LengthUnit::Pixels => "pixels",
            LengthUnit::NormalisedImage => "normalised image coordinates",
            LengthUnit::Unknown => "unknown",
        })
    }
}

impl LengthUnit {
    /// Metres per unit, when the unit is a physical length.
    pub fn metres_per_unit(self) -> Option<f64> {
        match self {
            LengthUnit::Metres => Some(1.0),
            LengthUnit::Centimetres => Some(0.01),
            LengthUnit::Millimetres => Some(0.001),
            _ => None,
        }
    }

    /// Parses a unit string as written in C3D `POINT:UNITS` or TRC `Units` (`mm`, `m`, `cm`).
    pub fn parse(s: &str) -> LengthUnit {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "meter" | "meters" | "metre" | "metres" => LengthUnit::Metres,
            "cm" | "centimeter" | "centimeters" | "centimetre" | "centimetres" => {
                LengthUnit::Centimetres
            }
            "mm" | "millimeter" | "millimeters" | "millimetre" | "millimetres" => {
                LengthUnit::Millimetres
            }
            "px" | "pixel" | "pixels" => LengthUnit::Pixels,
            _ => LengthUnit::Unknown,
        }
    }
}

/// A coordinate axis with a sign, used to name the vertical axis of a source frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignedAxis {
    /// +x
    #[serde(rename = "x")]
    PosX,
    /// -x
    #[serde(rename = "-x")]
    NegX,
    /// +y
    #[serde(rename = "y")]
    PosY,
    /// -y
    #[serde(rename = "-y")]
    NegY,
    /// +z
    #[serde(rename = "z")]
    PosZ,
    /// -z
    #[serde(rename = "-z")]
    NegZ,
}

impl SignedAxis {
    /// All six signed axes.
    pub const ALL: [SignedAxis; 6] = [
        SignedAxis::PosX,
        SignedAxis::NegX,
        SignedAxis::PosY,
        SignedAxis::NegY,
        SignedAxis::PosZ,
        SignedAxis::NegZ,
    ];

    /// Component index (0 = x, 1 = y, 2 = z).
    pub fn index(self) -> usize {
        match self {
            SignedAxis::PosX | SignedAxis::NegX => 0,
            SignedAxis::PosY | SignedAxis::NegY => 1,
            SignedAxis::PosZ | SignedAxis::NegZ => 2,
        }
    }

    /// +1 or -1.
    pub fn sign(self) -> f64 {
        match self {
            SignedAxis::PosX | SignedAxis::PosY | SignedAxis::PosZ => 1.0,
            _ => -1.0,
        }
    }

    /// The unit vector of this axis.
    pub fn unit(self) -> Vec3 {
        let mut a = [0.0; 3];
        if let Some(c) = a.get_mut(self.index()) {
            *c = self.sign();
        }
        Vec3::from_array(a)
    }

    /// Parses `x`, `y`, `z`, `-x`, `-y`, `-z` (also `+x`...).
    pub fn parse(s: &str) -> Option<SignedAxis> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "x" | "+x" => SignedAxis::PosX,
            "-x" => SignedAxis::NegX,
            "y" | "+y" => SignedAxis::PosY,
            "-y" => SignedAxis::NegY,
            "z" | "+z" => SignedAxis::PosZ,
            "-z" => SignedAxis::NegZ,
            _ => return None,
        })
    }

    /// Text form (`y`, `-z`...).
    pub fn as_str(self) -> &'static str {
        match self {
            SignedAxis::PosX => "x",
            SignedAxis::NegX => "-x",
            SignedAxis::PosY => "y",
            SignedAxis::NegY => "-y",
            SignedAxis::PosZ => "z",
            SignedAxis::NegZ => "-z",
        }
    }
}

/// Whether the positions are 3-D or 2-D image coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimensions {
    /// Full 3-D positions.
    Three,
    /// 2-D image coordinates stored as (x, y, 0): only the plane the camera sees can be measured
    /// (`product-notes.md`, "2-D keypoints").
    Two,
}

impl std::fmt::Display for Dimensions {
    /// `3-D` or `2-D image`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dimensions::Three => "3-D",
            Dimensions::Two => "2-D image",
        })
    }
}

/// A warning that does not stop a result (style guide §3): a gap filled, a unit inferred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable machine-readable code (`gap_not_filled`, `unit_inferred`...).
    pub code: String,
    /// The plain-language message, naming where it applies.
    pub message: String,
}

impl Warning {
    /// Builds a warning.
    pub fn new(code: &str, message: impl Into<String>) -> Warning {
        Warning {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// An analog channel recorded beside the positions (C3D analog: EMG, force plates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalogChannel {
    /// Channel label as in the source.
    pub label: String,
    /// Unit as stated by the source (`V`, `N`, `uV`), empty when unknown.
    pub unit: String,
    /// Sampling rate in Hz.
    pub rate_hz: f64,
    /// Scaled samples (source offsets and scales applied).
    pub samples: Vec<f32>,
}

/// A labelled event in time (C3D `EVENT` group: foot strike, foot off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Label as in the source (`Foot Strike`).
    pub label: String,
    /// Context as in the source (`Left`, `Right`, `General`).
    pub context: String,
    /// Time in seconds from the start of the recording.
    pub time_s: f64,
}

/// Where a recording came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Path of the file as given by the user.
    pub path: String,
    /// Identifier of the format that read it (`ui-prmd`, `c3d`, `generic-csv`...).
    pub format: String,
}

/// Joint positions over time, frame-major, NaN for missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PositionTable {
    frames: usize,
    joints: usize,
    values: Vec<f32>,
}

impl PositionTable {
    /// An all-missing table.
    pub fn missing(frames: usize, joints: usize) -> PositionTable {
        PositionTable {
            frames,
            joints,
            values: vec![f32::NAN; frames * joints * 3],
        }
    }

    /// Wraps frame-major values (`[frame][joint][xyz]`).
    pub fn from_values(frames: usize, joints: usize, values: Vec<f32>) -> Result<PositionTable> {
        if values.len() != frames * joints * 3 {
            return Err(Error::InvalidRecording(format!(
                "{} values for {frames} frames x {joints} joints x 3",
                values.len()
            )));
        }
        Ok(PositionTable {
            frames,
            joints,
            values,
        })
    }

    /// Number of frames.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Number of joints.
    pub fn joints(&self) -> usize {
        self.joints
    }

    /// The raw frame-major values.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Mutable raw frame-major values.
    pub fn values_mut(&mut self) -> &mut [f32] {
        &mut self.values
    }

    /// Position of `joint` at `frame`, `None` if out of range or missing (any NaN).
    pub fn get(&self, frame: usize, joint: usize) -> Option<Vec3> {
        if frame >= self.frames || joint >= self.joints {
            return None;
        }
        let i = (frame * self.joints + joint) * 3;
        let s = self.values.get(i..i + 3)?;
        let v = Vec3::new(f64::from(s[0]), f64::from(s[1]), f64::from(s[2]));
        v.is_finite().then_some(v)
    }

    /// Sets the position of `joint` at `frame` (ignored when out of range).
    pub fn set(&mut self, frame: usize, joint: usize, p: Vec3) {
        if frame >= self.frames || joint >= self.joints {
            return;
        }
        let i = (frame * self.joints + joint) * 3;
        if let Some(s) = self.values.get_mut(i..i + 3) {
            s[0] = p.x as f32;
            s[1] = p.y as f32;
            s[2] = p.z as f32;
        }
    }

    /// One coordinate (0 = x, 1 = y, 2 = z) of one joint over all frames, as `f64`
    /// (NaN where missing).
    pub fn coordinate(&self, joint: usize, axis: usize) -> Vec<f64> {
        if joint >= self.joints || axis > 2 {
            return vec![f64::NAN; self.frames];
        }
        // Frame by frame through the rows (no index arithmetic or bounds check per value).
        let at = joint * 3 + axis;
        self.values
            .chunks_exact(self.joints * 3)
            .take(self.frames)
            .map(|row| row.get(at).map_or(f64::NAN, |v| f64::from(*v)))
            .collect()
    }

    /// Replaces one coordinate of one joint over all frames (extra values are ignored).
    pub fn set_coordinate(&mut self, joint: usize, axis: usize, series: &[f64]) {
        if joint >= self.joints || axis > 2 {
            return;
        }
        let at = joint * 3 + axis;
        for (row, v) in self.values.chunks_exact_mut(self.joints * 3).zip(series) {
            if let Some(slot) = row.get_mut(at) {
                *slot = *v as f32;
            }
        }
    }

    /// [`Self::set_coordinate`], returning how much the coordinate changed where it was
    /// present before and is finite after: the sum of squared differences and their number
    /// (what a filter removed, for a noise estimate, without a copy of the series).
    pub fn replace_coordinate(
        &mut self,
        joint: usize,
        axis: usize,
        series: &[f64],
    ) -> (f64, usize) {
        let (mut sum, mut n) = (0.0, 0usize);
        if joint >= self.joints || axis > 2 {
            return (sum, n);
        }
        let at = joint * 3 + axis;
        for (row, v) in self.values.chunks_exact_mut(self.joints * 3).zip(series) {
            if let Some(slot) = row.get_mut(at) {
                let old = f64::from(*slot);
                // Branch-free: a pair left out adds +0.0 (the sum is never −0.0).
                let ok = old.is_finite() & v.is_finite();
                sum += if ok { (v - old) * (v - old) } else { 0.0 };
                n += usize::from(ok);
                *slot = *v as f32;
            }
        }
        (sum, n)
    }

    /// Keeps only frames `start..end` (clamped to the table).
    pub fn slice_frames(&self, start: usize, end: usize) -> PositionTable {
        let end = end.min(self.frames);
        let start = start.min(end);
        let w = self.joints * 3;
        PositionTable {
            frames: end - start,
            joints: self.joints,
            values: self
                .values
                .get(start * w..end * w)
                .map(<[f32]>::to_vec)
                .unwrap_or_default(),
        }
    }
}

/// A movement recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// Where it came from.
    pub source: SourceInfo,
    /// The skeleton the positions refer to (joint order = position order).
    pub skeleton: Skeleton,
    /// Frame rate in Hz (uniform; readers resample irregular timestamps and warn).
    pub rate_hz: f64,
    /// Time of frame 0 in seconds.
    pub start_time_s: f64,
    /// Joint positions.
    pub positions: PositionTable,
    /// Per frame and joint tracking confidence 0-1 (`[frame][joint]`), when the source has it
    /// (Kinect tracking state: tracked 1.0, inferred 0.5, not tracked 0.0; keypoint scores).
    pub confidence: Option<Vec<f32>>,
    /// Unit of the positions.
    pub units: LengthUnit,
    /// The source's vertical axis, when the format states it; `None` = detect from the body.
    pub up: Option<SignedAxis>,
    /// 3-D or 2-D image coordinates.
    pub dimensions: Dimensions,
    /// Analog channels (EMG, force plates), possibly empty.
    pub analog: Vec<AnalogChannel>,
    /// Events from the source, possibly empty.
    pub events: Vec<Event>,
    /// Warnings raised while reading or normalising.
    pub warnings: Vec<Warning>,
}

impl Recording {
    /// A recording with no analog channels, events or warnings.
    pub fn new(
        source: SourceInfo,
        skeleton: Skeleton,
        rate_hz: f64,
        positions: PositionTable,
    ) -> Result<Recording> {
        if !(rate_hz.is_finite() && rate_hz > 0.0) {
            return Err(Error::InvalidRecording(format!(
                "frame rate must be a positive number of Hz, found {rate_hz}"
            )));
        }
        if positions.joints() != skeleton.len() {
            return Err(Error::InvalidRecording(format!(
                "positions have {} joints but the skeleton has {}",
                positions.joints(),
                skeleton.len()
            )));
        }
        Ok(Recording {
            source,
            skeleton,
            rate_hz,
            start_time_s: 0.0,
            positions,
            confidence: None,
            units: LengthUnit::Unknown,
            up: None,
            dimensions: Dimensions::Three,
            analog: Vec::new(),
            events: Vec::new(),
            warnings: Vec::new(),
        })
    }

    /// Number of frames.
    pub fn frame_count(&self) -> usize {
        self.positions.frames()
    }

    /// Duration in seconds (frames / rate).
    pub fn duration_s(&self) -> f64 {
        self.frame_count() as f64 / self.rate_hz
    }

    /// Time of a frame in seconds.
    pub fn time_s(&self, frame: usize) -> f64 {
        self.start_time_s + frame as f64 / self.rate_hz
    }

    /// Position of a landmark at a frame, `None` if the skeleton lacks it or it is missing.
    pub fn landmark(&self, frame: usize, landmark: Landmark) -> Option<Vec3> {
        self.positions.get(frame, self.skeleton.landmark(landmark)?)
    }

    /// Confidence of a joint at a frame (1.0 when the source has no confidence).
    pub fn confidence(&self, frame: usize, joint: usize) -> f32 {
        match &self.confidence {
            None => 1.0,
            Some(c) => c
                .get(frame * self.skeleton.len() + joint)
                .copied()
                .unwrap_or(0.0),
        }
    }

    /// A copy holding frames `start..end` only (analog channels are cut to the same time span).
    pub fn slice_frames(&self, start: usize, end: usize) -> Recording {
        let end = end.min(self.frame_count());
        let start = start.min(end);
        let j = self.skeleton.len();
        let t0 = start as f64 / self.rate_hz;
        let t1 = end as f64 / self.rate_hz;
        Recording {
            source: self.source.clone(),
            skeleton: self.skeleton.clone(),
            rate_hz: self.rate_hz,
            start_time_s: self.time_s(start),
            positions: self.positions.slice_frames(start, end),
            confidence: self.confidence.as_ref().map(|c| {
                c.get(start * j..end * j)
                    .map(<[f32]>::to_vec)
                    .unwrap_or_default()
            }),
            units: self.units,
            up: self.up,
            dimensions: self.dimensions,
            analog: self
                .analog
                .iter()
                .map(|a| {
                    let s = ((t0 * a.rate_hz).round() as usize).min(a.samples.len());
                    let e = ((t1 * a.rate_hz).round() as usize).clamp(s, a.samples.len());
                    AnalogChannel {
                        samples: a.samples.get(s..e).map(<[f32]>::to_vec).unwrap_or_default(),
                        ..a.clone()
                    }
                })
                .collect(),
            events: self
                .events
                .iter()
                .filter(|e| e.time_s >= t0 && e.time_s < t1)
                .map(|e| Event {
                    time_s: e.time_s - t0,
                    ..e.clone()
                })
                .collect(),
            warnings: self.warnings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skeleton::known;

    fn tiny() -> Recording {
        let sk = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2).unwrap();
        let mut p = PositionTable::missing(10, sk.len());
        p.set(3, 0, Vec3::new(1.0, 2.0, 3.0));
        Recording::new(SourceInfo::default(), sk, 30.0, p).unwrap()
    }

    #[test]
    fn missing_samples_read_as_none() {
        let r = tiny();
        assert_eq!(r.positions.get(3, 0), Some(Vec3::new(1.0, 2.0, 3.0)));
        assert_eq!(r.positions.get(2, 0), None);
        assert_eq!(r.positions.get(99, 0), None);
        assert_eq!(
            r.landmark(3, Landmark::Pelvis),
            Some(Vec3::new(1.0, 2.0, 3.0))
        );
    }

    #[test]
    fn slicing_keeps_the_right_frames_and_time() {
        let r = tiny().slice_frames(3, 5);
        assert_eq!(r.frame_count(), 2);
        assert_eq!(r.positions.get(0, 0), Some(Vec3::new(1.0, 2.0, 3.0)));
        assert!((r.start_time_s - 0.1).abs() < 1e-12);
    }

    #[test]
    fn zero_rate_and_mismatched_joints_are_rejected() {
        let sk = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2).unwrap();
        assert!(Recording::new(
            SourceInfo::default(),
            sk.clone(),
            0.0,
            PositionTable::missing(1, 25)
        )
        .is_err());
        assert!(Recording::new(
            SourceInfo::default(),
            sk,
            30.0,
            PositionTable::missing(1, 3)
        )
        .is_err());
    }
}
