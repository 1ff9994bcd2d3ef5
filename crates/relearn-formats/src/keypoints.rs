//! Camera keypoint JSON: OpenPose (`openpose-json`), BlazePose (`blazepose-json`) and
//! AlphaPose (`alphapose-json`), as exported by the KERAAL data set
//! (`doc/readme_files_format.txt` of the set), plus OpenPose's own per-frame output.
//!
//! **KERAAL layout** (all three models):
//!
//! ```json
//! {"positions": {"1.0": {"Nose": [0.41, 0.51], "Neck": [0.43, 0.55], ...}, "2.0": {...}}}
//! ```
//!
//! The frame keys are the video frame numbers (`"1.0"`, `"0"`); they give the frame order,
//! and a number with no entry is kept as a missing frame so that timing stays right. Joint
//! keys are the model's joint names (OpenPose COCO-18 `known::COCO_18`, BlazePose
//! `known::BLAZEPOSE_33`) or indices (`"0"`..`"16"` for AlphaPose COCO-17 `known::COCO_17`);
//! names are matched without case or punctuation, and any model also accepts indices. A joint
//! absent from a frame is missing (NaN).
//!
//! Coordinates are image coordinates normalised to 0-1 by the image width and height, y down:
//! the recording is 2-D (`Dimensions::Two`, stored as (x, y, 0)), `units =
//! LengthUnit::NormalisedImage`, `up = -y`. A third value is read according to the model:
//! BlazePose's is a relative depth (scaled like x, relative to the hips, not metric), which is
//! dropped because mixing it with image coordinates would fake a 3-D measure; OpenPose's and
//! AlphaPose's native third value is the detector's confidence, kept in
//! `Recording::confidence` (the KERAAL files have none).
//!
//! **OpenPose per-frame output** (`{"people": [{"pose_keypoints_2d": [x, y, c, ...]}]}`, one
//! file per video frame) is read by `openpose-json` as a one-frame recording: COCO-18 (54
//! values) or BODY_25 (75 values, [`BODY_25`]); the person with the highest summed confidence
//! is kept; coordinates are pixels (normalised when every coordinate is within 0-1, as with
//! `--keypoint_scale 3`). A keypoint OpenPose did not detect is written as (0, 0, 0) and read
//! as missing; a keypoint below the §5.1 confidence threshold (0.3) keeps its position and its
//! confidence, so the analysis treats it as missing but it stays visible in `inspect`.
//!
//! **Frame rate.** None of these files states it. [`KeypointJsonReader::with_rate_hz`] sets
//! the video's rate when the caller knows it; otherwise [`ASSUMED_VIDEO_RATE_HZ`] is used and
//! a `frame_rate_assumed` warning says so.

use crate::error::{FormatError, Location, Result};
use crate::text;
use crate::{Input, Reader};
use relearn_core::skeleton::{known, JointDef, Landmark};
use relearn_core::{
    Dimensions, LengthUnit, PositionTable, Recording, SignedAxis, Skeleton, SourceInfo, Warning,
};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// Frame rate assumed when a keypoint file does not state it, in Hz: 30, the most common
/// video rate of phone and webcam recordings (KERAAL's videos are 30 Hz as well, matching its
/// Kinect). Reported as a `frame_rate_assumed` warning.
pub const ASSUMED_VIDEO_RATE_HZ: f64 = 30.0;

/// OpenPose BODY_25 keypoints in OpenPose's output order (OpenPose documentation,
/// `doc/02_output.md`, "Pose Output Format (BODY_25)"): COCO-18 plus the mid-hip and six foot
/// points. Used for OpenPose per-frame output with 75 values.
pub const BODY_25: [JointDef<'static>; 25] = [
    ("Nose", Some("Neck"), Some(Landmark::Nose)),
    ("Neck", None, Some(Landmark::Neck)),
    ("RShoulder", Some("Neck"), Some(Landmark::RightShoulder)),
    ("RElbow", Some("RShoulder"), Some(Landmark::RightElbow)),
    ("RWrist", Some("RElbow"), Some(Landmark::RightWrist)),
    ("LShoulder", Some("Neck"), Some(Landmark::LeftShoulder)),
    ("LElbow", Some("LShoulder"), Some(Landmark::LeftElbow)),
    ("LWrist", Some("LElbow"), Some(Landmark::LeftWrist)),
    ("MidHip", Some("Neck"), Some(Landmark::Pelvis)),
    ("RHip", Some("MidHip"), Some(Landmark::RightHip)),
    ("RKnee", Some("RHip"), Some(Landmark::RightKnee)),
    ("RAnkle", Some("RKnee"), Some(Landmark::RightAnkle)),
    ("LHip", Some("MidHip"), Some(Landmark::LeftHip)),
    ("LKnee", Some("LHip"), Some(Landmark::LeftKnee)),
    ("LAnkle", Some("LKnee"), Some(Landmark::LeftAnkle)),
    ("REye", Some("Nose"), None),
    ("LEye", Some("Nose"), None),
    ("REar", Some("REye"), None),
    ("LEar", Some("LEye"), None),
    ("LBigToe", Some("LAnkle"), Some(Landmark::LeftFoot)),
    ("LSmallToe", Some("LBigToe"), None),
    ("LHeel", Some("LAnkle"), Some(Landmark::LeftHeel)),
    ("RBigToe", Some("RAnkle"), Some(Landmark::RightFoot)),
    ("RSmallToe", Some("RBigToe"), None),
    ("RHeel", Some("RAnkle"), Some(Landmark::RightHeel)),
];

/// What the third value of a keypoint triple is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThirdValue {
    /// A relative depth (BlazePose): not metric, dropped for the 2-D recording.
    RelativeDepth,
    /// The detector's confidence 0-1 (OpenPose, AlphaPose), kept as `Recording::confidence`.
    Confidence,
}

/// A camera keypoint model as written in KERAAL-style JSON: its joints and how to read them.
#[derive(Debug)]
pub struct KeypointModel {
    /// The reader identifier (`openpose-json`).
    pub format_id: &'static str,
    /// One line for `--help`.
    pub description: &'static str,
    /// The skeleton identifier (`coco-18`).
    pub skeleton_name: &'static str,
    /// The skeleton table, in the model's index order.
    pub joints: &'static [JointDef<'static>],
    /// What a third coordinate value means.
    pub third_value: ThirdValue,
    /// The modality tag of KERAAL file names (`-OP-` in `G3-OP-CTK-P1T1-Unknown-C-0.json`).
    pub keraal_tag: &'static str,
}

/// OpenPose, COCO-18 joint names (Cao et al. 2019, IEEE TPAMI 43(1):172-186).
pub static OPENPOSE: KeypointModel = KeypointModel {
    format_id: "openpose-json",
    description: "OpenPose keypoint JSON (KERAAL positions by COCO-18 name, or OpenPose \
                  per-frame people output): 2-D image coordinates",
    skeleton_name: "coco-18",
    joints: &known::COCO_18,
    third_value: ThirdValue::Confidence,
    keraal_tag: "-OP-",
};

/// BlazePose / MediaPipe Pose, 33 landmark names (Bazarevsky et al. 2020, arXiv:2006.10204).
pub static BLAZEPOSE: KeypointModel = KeypointModel {
    format_id: "blazepose-json",
    description: "BlazePose keypoint JSON (KERAAL positions by 33 landmark names): 2-D \
                  normalised image coordinates, relative depth dropped",
    skeleton_name: "blazepose-33",
    joints: &known::BLAZEPOSE_33,
    third_value: ThirdValue::RelativeDepth,
    keraal_tag: "-BP-",
};

/// AlphaPose, COCO-17 keypoints by index (Fang et al. 2023, IEEE TPAMI 45(6):7157-7173).
pub static ALPHAPOSE: KeypointModel = KeypointModel {
    format_id: "alphapose-json",
    description: "AlphaPose keypoint JSON (KERAAL positions by COCO-17 index 0-16): 2-D \
                  normalised image coordinates",
    skeleton_name: "coco-17",
    joints: &known::COCO_17,
    third_value: ThirdValue::Confidence,
    keraal_tag: "-AP-",
};

/// Reader of one keypoint model's JSON.
#[derive(Debug, Clone, Copy)]
pub struct KeypointJsonReader {
    model: &'static KeypointModel,
    rate_hz: Option<f64>,
}

/// The registered OpenPose reader (frame rate assumed).
pub static OPENPOSE_JSON: KeypointJsonReader = KeypointJsonReader::new(&OPENPOSE);
/// The registered BlazePose reader (frame rate assumed).
pub static BLAZEPOSE_JSON: KeypointJsonReader = KeypointJsonReader::new(&BLAZEPOSE);
/// The registered AlphaPose reader (frame rate assumed).
pub static ALPHAPOSE_JSON: KeypointJsonReader = KeypointJsonReader::new(&ALPHAPOSE);

impl KeypointJsonReader {
    /// A reader for `model` that assumes [`ASSUMED_VIDEO_RATE_HZ`] and warns.
    pub const fn new(model: &'static KeypointModel) -> Self {
        KeypointJsonReader {
            model,
            rate_hz: None,
        }
    }

    /// The same reader with the video's frame rate in Hz, when the caller knows it (from the
    /// video file or the clinician); no warning is then raised.
    pub const fn with_rate_hz(self, rate_hz: f64) -> Self {
        KeypointJsonReader {
            model: self.model,
            rate_hz: Some(rate_hz),
        }
    }
}

impl Reader for KeypointJsonReader {
    fn id(&self) -> &'static str {
        self.model.format_id
    }

    fn description(&self) -> &'static str {
        self.model.description
    }

    fn sniff(&self, name: &str, head: &[u8]) -> u8 {
        if text::is_c3d_or_trc(head) || !head.trim_ascii_start().starts_with(b"{") {
            return 0;
        }
        let tagged =
            name.to_ascii_lowercase().ends_with(".json") && name.contains(self.model.keraal_tag);
        let cues = JsonHead::scan(head);
        let content = if cues.has_people {
            if self.model.format_id == OPENPOSE.format_id {
                90
            } else {
                0
            }
        } else if cues.has_positions && !cues.joint_keys.is_empty() {
            content_score(self.model, &cues.joint_keys)
        } else {
            0
        };
        match (content, tagged) {
            (0, true) => 20,
            (0, false) => 0,
            (c, true) => c.saturating_add(10).min(98),
            (c, false) => c,
        }
    }

    fn read(&self, input: &mut Input<'_>) -> Result<Recording> {
        let path = input.path_str();
        let rate_hz = self.rate_hz.unwrap_or(ASSUMED_VIDEO_RATE_HZ);
        if !(rate_hz.is_finite() && rate_hz > 0.0) {
            return Err(FormatError::new(
                &path,
                None,
                format!("expected a positive frame rate in Hz, found {rate_hz}"),
            ));
        }
        let mut parse = Parse::new(self.model);
        let mut de = serde_json::Deserializer::from_reader(&mut *input.reader);
        let outcome = DocumentSeed { parse: &mut parse }
            .deserialize(&mut de)
            .and_then(|()| de.end());
        if let Err(e) = outcome {
            return Err(parse.error(&path, &e));
        }
        let mut rec = parse.finish(&path, rate_hz)?;
        if self.rate_hz.is_none() {
            rec.warnings.push(Warning::new(
                "frame_rate_assumed",
                format!(
                    "{path}: the file does not state its frame rate; {ASSUMED_VIDEO_RATE_HZ} Hz \
                     was assumed, so times, durations and speeds are right only if the video \
                     was recorded at that rate"
                ),
            ));
        }
        Ok(rec)
    }
}

/// How well the joint keys seen at the start of a file fit a model: 85 when every key is one
/// of the model's names, 80 when every key is an index (AlphaPose's convention, so the other
/// models score indices lower), 0 otherwise.
fn content_score(model: &KeypointModel, keys: &[String]) -> u8 {
    let names: Vec<String> = model.joints.iter().map(|d| normalise(d.0)).collect();
    let by_name = keys.iter().all(|k| names.contains(&normalise(k)));
    let by_index = keys
        .iter()
        .all(|k| index_key(k).is_some_and(|i| i < model.joints.len()));
    if by_name {
        // COCO-17 names are a subset of COCO-18's: a named file is OpenPose's by preference.
        if model.format_id == ALPHAPOSE.format_id {
            70
        } else {
            85
        }
    } else if by_index {
        if model.format_id == ALPHAPOSE.format_id {
            85
        } else {
            40
        }
    } else {
        0
    }
}

/// A joint name without case, spaces or punctuation (`Left_eye` = `lefteye`).
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A joint key that is an index (`"0"`, `"16"`).
fn index_key(key: &str) -> Option<usize> {
    if !key.is_empty() && key.len() <= 4 && key.bytes().all(|b| b.is_ascii_digit()) {
        key.parse().ok()
    } else {
        None
    }
}

/// What the first bytes of a JSON file show: a `positions` object, a `people` list, and the
/// keys of the first frame's joints.
struct JsonHead {
    has_positions: bool,
    has_people: bool,
    joint_keys: Vec<String>,
}

impl JsonHead {
    /// Scans the head token by token (strings and brackets only), so that it works on a
    /// document cut off at the sniff limit.
    fn scan(head: &[u8]) -> JsonHead {
        let mut cues = JsonHead {
            has_positions: false,
            has_people: false,
            joint_keys: Vec::new(),
        };
        let mut depth = 0usize;
        let mut positions_depth: Option<usize> = None;
        let mut i = 0usize;
        while let Some(&b) = head.get(i) {
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                b'"' => {
                    let start = i + 1;
                    let mut j = start;
                    while let Some(&c) = head.get(j) {
                        match c {
                            b'\\' => j += 2,
                            b'"' => break,
                            _ => j += 1,
                        }
                    }
                    let s = head.get(start..j.min(head.len())).unwrap_or_default();
                    let s = String::from_utf8_lossy(s);
                    let rest = head.get(j + 1..).unwrap_or_default().trim_ascii_start();
                    if rest.starts_with(b":") {
                        match (depth, positions_depth) {
                            (1, _) if s == "positions" => {
                                cues.has_positions = true;
                                positions_depth = Some(depth + 1);
                            }
                            (1, _) if s == "people" || s == "pose_keypoints_2d" => {
                                cues.has_people = true
                            }
                            (d, Some(p)) if d == p + 1 && cues.joint_keys.len() < 64 => {
                                cues.joint_keys.push(s.into_owned())
                            }
                            _ => {}
                        }
                    }
                    i = j;
                }
                _ => {}
            }
            i += 1;
        }
        cues
    }
}

/// One person of OpenPose per-frame output.
struct Person {
    keypoints: Vec<f64>,
}

/// What has been read so far, and what went wrong.
struct Parse {
    model: &'static KeypointModel,
    /// Normalised joint name -> index.
    lookup: HashMap<String, usize>,
    /// Where the parser is (`positions`, `"12.0"`, `Nose`), for messages.
    path: Vec<String>,
    /// A content error found by the visitors: the JSON path and what is wrong.
    failure: Option<(String, String)>,
    /// Frame numbers in file order.
    frame_keys: Vec<f64>,
    /// Per parsed frame, joints x (x, y, 0).
    values: Vec<f32>,
    /// Per parsed frame, joints confidences (1.0 for a joint present without one).
    confidence: Vec<f32>,
    has_confidence: bool,
    /// Joints of the current frame already seen (to reject duplicates).
    seen: Vec<bool>,
    joint_entries: usize,
    recognised_entries: usize,
    unknown_joints: BTreeSet<String>,
    people: Option<Vec<Person>>,
    saw_positions: bool,
}

impl Parse {
    fn new(model: &'static KeypointModel) -> Parse {
        Parse {
            model,
            lookup: model
                .joints
                .iter()
                .enumerate()
                .map(|(i, d)| (normalise(d.0), i))
                .collect(),
            path: Vec::new(),
            failure: None,
            frame_keys: Vec::new(),
            values: Vec::new(),
            confidence: Vec::new(),
            has_confidence: false,
            seen: vec![false; model.joints.len()],
            joint_entries: 0,
            recognised_entries: 0,
            unknown_joints: BTreeSet::new(),
            people: None,
            saw_positions: false,
        }
    }

    /// The JSON path of the current position (`positions."12.0".Nose`).
    fn here(&self) -> String {
        let mut s = String::new();
        for (i, seg) in self.path.iter().enumerate() {
            if i > 0 && !seg.starts_with('[') {
                s.push('.');
            }
            let plain = seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if i == 0 || plain || seg.starts_with('[') {
                s.push_str(seg);
            } else {
                s.push_str(&format!("{seg:?}"));
            }
        }
        s
    }

    /// Records a content error at the current path and returns the error that stops serde.
    fn fail<E: de::Error>(&mut self, message: String) -> E {
        let e = E::custom(&message);
        self.failure = Some((self.here(), message));
        e
    }

    /// Converts a parse failure into a reading error: the content error found by the
    /// visitors (with its JSON path), or the JSON syntax error with its line and column and
    /// the JSON path it happened in.
    fn error(&self, path: &str, e: &serde_json::Error) -> FormatError {
        let position = format!("line {}, column {}", e.line(), e.column());
        if let Some((json_path, message)) = &self.failure {
            let location = if json_path.is_empty() {
                "document".to_string()
            } else {
                json_path.clone()
            };
            return FormatError::new(
                path,
                Some(Location::Field(location)),
                format!("{message} ({position})"),
            );
        }
        let full = e.to_string();
        let bare = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m);
        let what = match e.classify() {
            serde_json::error::Category::Eof => {
                "the JSON ends early, so the file looks truncated".to_string()
            }
            serde_json::error::Category::Io => format!("the file cannot be read ({bare})"),
            serde_json::error::Category::Syntax => format!("invalid JSON: {bare}"),
            serde_json::error::Category::Data => bare.to_string(),
        };
        let context = if self.path.is_empty() {
            String::new()
        } else {
            format!(" (in {})", self.here())
        };
        FormatError::new(
            path,
            Some(Location::LineColumn(e.line(), e.column())),
            format!("{what}{context}"),
        )
    }

    /// Builds the recording from what was read.
    fn finish(self, path: &str, rate_hz: f64) -> Result<Recording> {
        if let Some(people) = &self.people {
            if !self.saw_positions {
                return finish_people(path, people, rate_hz);
            }
        }
        if !self.saw_positions {
            return Err(FormatError::new(
                path,
                Some(Location::Field("document".to_string())),
                "expected a top-level \"positions\" object (KERAAL keypoint JSON) or \"people\" \
                 list (OpenPose per-frame output), found neither",
            ));
        }
        let joints = self.model.joints.len();
        let mut warnings = Vec::new();
        if self.joint_entries > 0 && self.recognised_entries == 0 {
            return Err(FormatError::new(
                path,
                Some(Location::Field("positions".to_string())),
                format!(
                    "expected {} joint names such as {} or indices 0-{}, found only other \
                     keys ({}); is this another keypoint model?",
                    self.model.skeleton_name,
                    self.model
                        .joints
                        .iter()
                        .take(4)
                        .map(|d| d.0)
                        .collect::<Vec<_>>()
                        .join(", "),
                    joints.saturating_sub(1),
                    list(&self.unknown_joints)
                ),
            ));
        }
        if !self.unknown_joints.is_empty() {
            warnings.push(Warning::new(
                "joints_ignored",
                format!(
                    "{path}: joint keys that are not {} joints were ignored: {}",
                    self.model.skeleton_name,
                    list(&self.unknown_joints)
                ),
            ));
        }
        let parsed = self.frame_keys.len();
        if parsed == 0 {
            return Err(FormatError::new(
                path,
                Some(Location::Field("positions".to_string())),
                "expected at least one frame in \"positions\", found none",
            ));
        }
        let order = frame_order(path, &self.frame_keys, &mut warnings)?;
        let frames = order
            .iter()
            .filter_map(|slot| *slot)
            .max()
            .map_or(0, |m| m + 1);
        let mut table = vec![f32::NAN; frames * joints * 3];
        let mut confidence = vec![0.0f32; frames * joints];
        for (parsed_index, slot) in order.iter().enumerate() {
            let Some(frame) = slot else { continue };
            let src = self
                .values
                .get(parsed_index * joints * 3..(parsed_index + 1) * joints * 3);
            let dst = table.get_mut(frame * joints * 3..(frame + 1) * joints * 3);
            if let (Some(src), Some(dst)) = (src, dst) {
                dst.copy_from_slice(src);
            }
            let src = self
                .confidence
                .get(parsed_index * joints..(parsed_index + 1) * joints);
            let dst = confidence.get_mut(frame * joints..(frame + 1) * joints);
            if let (Some(src), Some(dst)) = (src, dst) {
                dst.copy_from_slice(src);
            }
        }
        let mut rec = build(
            path,
            self.model.skeleton_name,
            self.model.joints,
            frames,
            table,
            rate_hz,
        )?;
        rec.units = LengthUnit::NormalisedImage;
        if self.has_confidence {
            rec.confidence = Some(confidence);
        }
        rec.warnings = warnings;
        Ok(rec)
    }
}

/// Names for a message, at most ten.
fn list(names: &BTreeSet<String>) -> String {
    let shown: Vec<String> = names.iter().take(10).map(|n| format!("{n:?}")).collect();
    if names.len() > 10 {
        format!("{}, ... ({} in all)", shown.join(", "), names.len())
    } else {
        shown.join(", ")
    }
}

/// Frame index of each parsed frame. Integer frame numbers are placed at their number (minus
/// the first), leaving missing frames for numbers with no entry, so that timing stays right;
/// when numbers are not integers, or so sparse that the gaps would dwarf the data, frames are
/// kept in number order with a warning. Duplicate numbers are an error.
fn frame_order(
    path: &str,
    keys: &[f64],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Option<usize>>> {
    let mut sorted: Vec<(f64, usize)> = keys.iter().copied().zip(0..).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some(w) = sorted
        .windows(2)
        .find(|w| matches!(w, [a, b] if a.0 == b.0))
    {
        let k = w.first().map_or(0.0, |p| p.0);
        return Err(FormatError::new(
            path,
            Some(Location::Field(format!("positions.\"{k}\""))),
            format!("expected each frame number once, found frame {k} twice"),
        ));
    }
    let (Some(first), Some(last)) = (sorted.first().map(|p| p.0), sorted.last().map(|p| p.0))
    else {
        return Ok(Vec::new());
    };
    let n = keys.len();
    let span = last - first + 1.0;
    let integral = keys.iter().all(|k| k.fract() == 0.0);
    let max_span = (n + (3 * n).max(1000)) as f64;
    let mut order = vec![None; n];
    if integral && span <= max_span {
        for (k, parsed) in &sorted {
            if let Some(slot) = order.get_mut(*parsed) {
                *slot = Some((k - first) as usize);
            }
        }
        let missing = span as usize - n;
        if missing > 0 {
            warnings.push(Warning::new(
                "frames_missing",
                format!(
                    "{path}: {missing} of the {} video frames from {first} to {last} have no \
                     entry; they are kept as missing frames so that timing stays right",
                    span as usize
                ),
            ));
        }
    } else {
        for (rank, (_, parsed)) in sorted.iter().enumerate() {
            if let Some(slot) = order.get_mut(*parsed) {
                *slot = Some(rank);
            }
        }
        warnings.push(Warning::new(
            "frame_numbers_irregular",
            format!(
                "{path}: frame numbers from {first} to {last} are not consecutive integers; the \
                 {n} frames are kept in number order, one frame period apart"
            ),
        ));
    }
    Ok(order)
}

/// A 2-D recording (y down) from a frame-major table.
fn build(
    path: &str,
    skeleton_name: &str,
    joints: &[JointDef<'static>],
    frames: usize,
    table: Vec<f32>,
    rate_hz: f64,
) -> Result<Recording> {
    let skeleton = Skeleton::with_exact_landmarks(skeleton_name, joints)
        .map_err(|e| text::model_error(path, e))?;
    let positions = PositionTable::from_values(frames, joints.len(), table)
        .map_err(|e| text::model_error(path, e))?;
    let mut rec = Recording::new(SourceInfo::default(), skeleton, rate_hz, positions)
        .map_err(|e| text::model_error(path, e))?;
    rec.dimensions = Dimensions::Two;
    rec.up = Some(SignedAxis::NegY);
    Ok(rec)
}

/// The one-frame recording of OpenPose per-frame output.
fn finish_people(path: &str, people: &[Person], rate_hz: f64) -> Result<Recording> {
    let mut warnings = Vec::new();
    let score = |p: &Person| -> f64 {
        p.keypoints
            .chunks_exact(3)
            .filter_map(|k| k.get(2))
            .filter(|c| c.is_finite())
            .sum()
    };
    let Some((index, person)) = people
        .iter()
        .enumerate()
        .max_by(|a, b| score(a.1).total_cmp(&score(b.1)))
    else {
        return Err(FormatError::new(
            path,
            Some(Location::Field("people".to_string())),
            "expected at least one person, found an empty list (nobody detected in this frame)",
        ));
    };
    if people.len() > 1 {
        warnings.push(Warning::new(
            "several_people",
            format!(
                "{path}: {} people detected; person {index} (highest summed confidence) was kept",
                people.len()
            ),
        ));
    }
    let (name, table): (&str, &[JointDef<'static>]) = match person.keypoints.len() {
        54 => ("coco-18", &known::COCO_18),
        75 => ("body-25", &BODY_25),
        n => {
            return Err(FormatError::new(
                path,
                Some(Location::Field(format!(
                    "people[{index}].pose_keypoints_2d"
                ))),
                format!(
                    "expected 54 values (COCO-18 x (x, y, confidence)) or 75 (BODY_25), found {n}"
                ),
            ))
        }
    };
    let mut values = Vec::with_capacity(table.len() * 3);
    let mut confidence = Vec::with_capacity(table.len());
    for k in person.keypoints.chunks_exact(3) {
        let &[x, y, c] = k else { continue };
        let (xy, c) = keypoint_with_confidence(x, y, c);
        values.extend_from_slice(&[xy.0, xy.1, if xy.0.is_nan() { f32::NAN } else { 0.0 }]);
        confidence.push(c);
    }
    let normalised = values
        .iter()
        .filter(|v| v.is_finite())
        .all(|v| (0.0..=1.0).contains(v));
    let mut rec = build(path, name, table, 1, values, rate_hz)?;
    rec.units = if normalised {
        LengthUnit::NormalisedImage
    } else {
        LengthUnit::Pixels
    };
    rec.confidence = Some(confidence);
    rec.warnings = warnings;
    Ok(rec)
}

/// A keypoint with a detector confidence: OpenPose writes (0, 0, 0) for a part it did not
/// detect, so a confidence of 0 or less means no position; otherwise the position is kept
/// with its confidence (clamped to 0-1; a missing confidence counts as 0).
fn keypoint_with_confidence(x: f64, y: f64, c: f64) -> ((f32, f32), f32) {
    let c = if c.is_finite() {
        c.clamp(0.0, 1.0) as f32
    } else {
        0.0
    };
    if c <= 0.0 {
        ((f32::NAN, f32::NAN), 0.0)
    } else {
        ((x as f32, y as f32), c)
    }
}

/// The whole document.
struct DocumentSeed<'p> {
    parse: &'p mut Parse,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with \"positions\" or \"people\"")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let parse = self.parse;
        while let Some(key) = map.next_key::<String>()? {
            parse.path.push(key.clone());
            match key.as_str() {
                "positions" => {
                    parse.saw_positions = true;
                    map.next_value_seed(PositionsSeed { parse: &mut *parse })?;
                }
                "people" => {
                    if parse.model.format_id != OPENPOSE.format_id {
                        return Err(parse.fail(format!(
                            "this is OpenPose per-frame output; read it as openpose-json, not {}",
                            parse.model.format_id
                        )));
                    }
                    let people = map.next_value_seed(PeopleSeed { parse: &mut *parse })?;
                    parse.people = Some(people);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            parse.path.pop();
        }
        Ok(())
    }
}

/// The `positions` object: frame number -> frame.
struct PositionsSeed<'p> {
    parse: &'p mut Parse,
}

impl<'de> DeserializeSeed<'de> for PositionsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PositionsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of frame numbers to frames")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let parse = self.parse;
        while let Some(key) = map.next_key::<String>()? {
            parse.path.push(key.clone());
            let number = match key.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    return Err(parse.fail(format!(
                        "expected a frame number as key (\"12.0\", \"12\"), found {}",
                        text::quoted(&key)
                    )))
                }
            };
            parse.frame_keys.push(number);
            let joints = parse.model.joints.len();
            parse
                .values
                .extend(std::iter::repeat_n(f32::NAN, joints * 3));
            parse.confidence.extend(std::iter::repeat_n(0.0, joints));
            parse.seen.iter_mut().for_each(|s| *s = false);
            map.next_value_seed(FrameSeed { parse: &mut *parse })?;
            parse.path.pop();
        }
        Ok(())
    }
}

/// One frame: joint key -> coordinates.
struct FrameSeed<'p> {
    parse: &'p mut Parse,
}

impl<'de> DeserializeSeed<'de> for FrameSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FrameSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of joint names to [x, y] coordinates")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let parse = self.parse;
        let joints = parse.model.joints.len();
        let frame = parse.frame_keys.len().saturating_sub(1);
        while let Some(key) = map.next_key::<String>()? {
            parse.path.push(key.clone());
            let coords = map.next_value_seed(CoordinatesSeed { parse: &mut *parse })?;
            parse.joint_entries += 1;
            let joint = index_key(&key)
                .filter(|i| *i < joints)
                .or_else(|| parse.lookup.get(&normalise(&key)).copied());
            let Some(joint) = joint else {
                if parse.unknown_joints.len() < 1000 {
                    parse.unknown_joints.insert(key);
                }
                parse.path.pop();
                continue;
            };
            if parse.seen.get(joint) == Some(&true) {
                return Err(parse.fail(format!(
                    "expected each joint once per frame, found {} again",
                    parse.model.joints.get(joint).map_or("?", |d| d.0)
                )));
            }
            if let Some(s) = parse.seen.get_mut(joint) {
                *s = true;
            }
            parse.recognised_entries += 1;
            let [x, y, third] = coords.values;
            let (xy, c) = match (coords.len, parse.model.third_value) {
                (3, ThirdValue::Confidence) => {
                    parse.has_confidence = true;
                    keypoint_with_confidence(x, y, third)
                }
                _ => ((x as f32, y as f32), 1.0),
            };
            let z = if xy.0.is_nan() || xy.1.is_nan() {
                f32::NAN
            } else {
                0.0
            };
            let at = (frame * joints + joint) * 3;
            if let Some(slot) = parse.values.get_mut(at..at + 3) {
                slot.copy_from_slice(&[xy.0, xy.1, z]);
            }
            if let Some(slot) = parse.confidence.get_mut(frame * joints + joint) {
                *slot = c;
            }
            parse.path.pop();
        }
        Ok(())
    }
}

/// The coordinates of one joint: 2 or 3 numbers (`null` = missing).
struct Coordinates {
    values: [f64; 3],
    len: usize,
}

struct CoordinatesSeed<'p> {
    parse: &'p mut Parse,
}

impl<'de> DeserializeSeed<'de> for CoordinatesSeed<'_> {
    type Value = Coordinates;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Coordinates, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CoordinatesSeed<'_> {
    type Value = Coordinates;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list [x, y] or [x, y, z] of numbers")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Coordinates, A::Error> {
        let mut c = Coordinates {
            values: [f64::NAN; 3],
            len: 0,
        };
        for slot in c.values.iter_mut() {
            match seq.next_element::<Coordinate>()? {
                Some(Coordinate(v)) => {
                    *slot = v;
                    c.len += 1;
                }
                None => break,
            }
        }
        if c.len == 3 && seq.next_element::<IgnoredAny>()?.is_some() {
            let mut n = 4;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                n += 1;
            }
            return Err(self
                .parse
                .fail(format!("expected [x, y] or [x, y, z], found {n} values")));
        }
        if c.len < 2 {
            return Err(self.parse.fail(format!(
                "expected [x, y] or [x, y, z], found {} value{}",
                c.len,
                if c.len == 1 { "" } else { "s" }
            )));
        }
        Ok(c)
    }
}

/// One coordinate: a number, or `null` for a missing value (NaN).
struct Coordinate(f64);

impl<'de> de::Deserialize<'de> for Coordinate {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(CoordinateVisitor)
    }
}

struct CoordinateVisitor;

impl<'de> Visitor<'de> for CoordinateVisitor {
    type Value = Coordinate;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or null")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Coordinate, E> {
        Ok(Coordinate(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Coordinate, E> {
        Ok(Coordinate(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Coordinate, E> {
        Ok(Coordinate(v as f64))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Coordinate, E> {
        Ok(Coordinate(f64::NAN))
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Coordinate, E> {
        Ok(Coordinate(f64::NAN))
    }
}

/// The `people` list of OpenPose per-frame output.
struct PeopleSeed<'p> {
    parse: &'p mut Parse,
}

impl<'de> DeserializeSeed<'de> for PeopleSeed<'_> {
    type Value = Vec<Person>;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Vec<Person>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PeopleSeed<'_> {
    type Value = Vec<Person>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of people")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Vec<Person>, A::Error> {
        let mut people = Vec::new();
        loop {
            self.parse.path.push(format!("[{}]", people.len()));
            match seq.next_element_seed(PersonSeed)? {
                Some(p) => people.push(p),
                None => {
                    self.parse.path.pop();
                    break;
                }
            }
            self.parse.path.pop();
        }
        Ok(people)
    }
}

/// One person: only `pose_keypoints_2d` is read (face and hand keypoints are not used).
struct PersonSeed;

impl<'de> DeserializeSeed<'de> for PersonSeed {
    type Value = Person;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Person, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PersonSeed {
    type Value = Person;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a person object with pose_keypoints_2d")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Person, A::Error> {
        let mut keypoints = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "pose_keypoints_2d" {
                let values: Vec<Coordinate> = map.next_value()?;
                keypoints = Some(values.into_iter().map(|Coordinate(v)| v).collect());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let keypoints = keypoints.ok_or_else(|| de::Error::missing_field("pose_keypoints_2d"))?;
        Ok(Person { keypoints })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_bytes, NoSiblings};
    use std::path::Path;

    fn read_as(reader: &KeypointJsonReader, json: &str) -> Result<Recording> {
        let mut bytes = json.as_bytes();
        let mut input = Input {
            path: Path::new("clip.json"),
            reader: &mut bytes,
            siblings: &NoSiblings,
        };
        reader.read(&mut input)
    }

    fn read(format: &str, json: &str) -> Result<Recording> {
        read_bytes("clip.json", json.as_bytes(), Some(format))
    }

    #[test]
    fn openpose_names_become_2d_normalised_points_with_missing_joints() {
        let json = r#"{"positions": {"1.0": {"Nose": [0.4, 0.5], "rKnee": [0.45, 0.8]},
                                     "2.0": {"Nose": [0.41, 0.51]}}}"#;
        let rec = read("openpose-json", json).unwrap();
        assert_eq!(rec.frame_count(), 2);
        assert_eq!(rec.skeleton.name, "coco-18");
        let knee = rec.landmark(0, Landmark::RightKnee).unwrap();
        assert!((knee.x - 0.45).abs() < 1e-6 && (knee.y - 0.8).abs() < 1e-6 && knee.z == 0.0);
        assert!(rec.landmark(1, Landmark::RightKnee).is_none());
        assert_eq!(rec.dimensions, Dimensions::Two);
        assert_eq!(rec.up, Some(SignedAxis::NegY));
        assert_eq!(rec.units, LengthUnit::NormalisedImage);
        assert_eq!(rec.rate_hz, ASSUMED_VIDEO_RATE_HZ);
        assert!(rec.confidence.is_none());
        assert!(rec.warnings.iter().any(|w| w.code == "frame_rate_assumed"));
    }

    #[test]
    fn a_known_rate_is_used_without_warning_and_a_nan_rate_is_an_error() {
        let json = r#"{"positions": {"0": {"0": [0.4, 0.5]}}}"#;
        let rec = read_as(&ALPHAPOSE_JSON.with_rate_hz(25.0), json).unwrap();
        assert_eq!(rec.rate_hz, 25.0);
        assert!(rec.warnings.is_empty());
        let e = read_as(&ALPHAPOSE_JSON.with_rate_hz(f64::NAN), json).unwrap_err();
        assert!(
            e.message.contains("frame rate") && e.message.contains("NaN"),
            "{e}"
        );
    }

    #[test]
    fn alphapose_indices_are_ordered_by_frame_number_and_gaps_kept() {
        let json = r#"{"positions": {"3": {"15": [0.3, 0.9]}, "0": {"15": [0.1, 0.9]},
                                     "1": {"16": [0.2, 0.9]}}}"#;
        let rec = read("alphapose-json", json).unwrap();
        assert_eq!(rec.frame_count(), 4);
        assert!((rec.landmark(0, Landmark::LeftAnkle).unwrap().x - 0.1).abs() < 1e-6);
        assert!(rec.landmark(1, Landmark::RightAnkle).is_some());
        assert!(rec.positions.get(2, 15).is_none());
        assert!((rec.landmark(3, Landmark::LeftAnkle).unwrap().x - 0.3).abs() < 1e-6);
        assert!(rec.warnings.iter().any(|w| w.code == "frames_missing"));
    }

    #[test]
    fn non_integer_frame_numbers_keep_their_order_with_a_warning() {
        let json = r#"{"positions": {"0.5": {"Nose": [0.2, 0.5]}, "0.25": {"Nose": [0.1, 0.5]}}}"#;
        let rec = read("openpose-json", json).unwrap();
        assert_eq!(rec.frame_count(), 2);
        assert!((rec.landmark(0, Landmark::Nose).unwrap().x - 0.1).abs() < 1e-6);
        assert!(rec
            .warnings
            .iter()
            .any(|w| w.code == "frame_numbers_irregular"));
    }

    #[test]
    fn blazepose_relative_depth_is_dropped() {
        let json = r#"{"positions": {"1.0": {"Left_knee": [0.5, 0.7, -0.3]}}}"#;
        let rec = read("blazepose-json", json).unwrap();
        let p = rec.landmark(0, Landmark::LeftKnee).unwrap();
        assert_eq!(p.z, 0.0);
        assert!(rec.confidence.is_none());
    }

    #[test]
    fn an_openpose_third_value_is_a_confidence_and_zero_means_not_detected() {
        let json = r#"{"positions": {"1": {"Nose": [0.4, 0.5, 0.2], "Neck": [0, 0, 0],
                                           "rHip": [0.4, 0.6]}}}"#;
        let rec = read("openpose-json", json).unwrap();
        assert!(rec.landmark(0, Landmark::Nose).is_some());
        assert!((rec.confidence(0, 0) - 0.2).abs() < 1e-6);
        assert!(rec.landmark(0, Landmark::Neck).is_none());
        assert_eq!(rec.confidence(0, 1), 0.0);
        assert_eq!(rec.confidence(0, 8), 1.0);
        // A joint absent from the frame has no confidence.
        assert_eq!(rec.confidence(0, 2), 0.0);
    }

    #[test]
    fn null_coordinates_are_missing() {
        let json = r#"{"positions": {"1": {"Nose": [null, 0.5]}}}"#;
        let rec = read("openpose-json", json).unwrap();
        assert!(rec.landmark(0, Landmark::Nose).is_none());
    }

    #[test]
    fn truncated_json_says_so_with_line_and_column() {
        let json = "{\"positions\": {\"1.0\": {\"Nose\": [0.4, 0.5],\n \"Neck\": [0.4";
        let e = read("openpose-json", json).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(2, 13)));
        assert!(e.message.contains("truncated"), "{e}");
        assert!(e.message.contains("positions.\"1.0\".Neck"), "{e}");
    }

    #[test]
    fn garbled_json_is_a_syntax_error_with_its_place() {
        let e = read(
            "openpose-json",
            "{\"positions\": {\"1.0\": {\"Nose\" [0.4]}}}",
        )
        .unwrap_err();
        assert!(
            matches!(e.location, Some(Location::LineColumn(1, _))),
            "{e}"
        );
        assert!(e.message.contains("invalid JSON"), "{e}");
        let e = read("openpose-json", "{\"positions\": {}} trailing").unwrap_err();
        assert!(e.message.contains("invalid JSON"), "{e}");
    }

    #[test]
    fn wrong_coordinate_counts_name_the_json_path() {
        for (coords, found) in [("[0.4]", "found 1"), ("[1, 2, 3, 4, 5]", "found 5")] {
            let json = format!("{{\"positions\": {{\"12.0\": {{\"Nose\": {coords}}}}}}}");
            let e = read("openpose-json", &json).unwrap_err();
            assert_eq!(
                e.location,
                Some(Location::Field("positions.\"12.0\".Nose".into()))
            );
            assert!(e.message.contains(found), "{e}");
        }
    }

    #[test]
    fn a_non_numeric_coordinate_is_an_error_in_its_joint() {
        let e = read(
            "openpose-json",
            r#"{"positions": {"1": {"Nose": ["a", 0.5]}}}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("positions.\"1\".Nose"), "{e}");
        assert!(e.message.contains("expected a number or null"), "{e}");
    }

    #[test]
    fn bad_frame_keys_duplicates_and_empty_documents_are_errors() {
        let e = read("openpose-json", r#"{"positions": {"abc": {}}}"#).unwrap_err();
        assert_eq!(e.location, Some(Location::Field("positions.abc".into())));
        assert!(e.message.contains("frame number"), "{e}");

        let e = read("openpose-json", r#"{"positions": {"1": {}, "1.0": {}}}"#).unwrap_err();
        assert!(e.message.contains("twice"), "{e}");

        let json = r#"{"positions": {"1": {"Nose": [1, 2], "nose": [1, 2]}}}"#;
        let e = read("openpose-json", json).unwrap_err();
        assert!(e.message.contains("once per frame"), "{e}");

        let e = read("openpose-json", "{}").unwrap_err();
        assert!(e.message.contains("neither"), "{e}");
        let e = read("openpose-json", r#"{"positions": {}}"#).unwrap_err();
        assert!(e.message.contains("at least one frame"), "{e}");
        let e = read("openpose-json", "[1, 2]").unwrap_err();
        assert!(e.message.contains("expected a JSON object"), "{e}");
    }

    #[test]
    fn joints_of_another_model_are_an_error_and_a_few_strays_a_warning() {
        let json = r#"{"positions": {"1": {"Left_eye_inner": [1, 2], "Mouth_left": [1, 2]}}}"#;
        let e = read("openpose-json", json).unwrap_err();
        assert!(e.message.contains("another keypoint model"), "{e}");
        let json = r#"{"positions": {"1": {"Nose": [1, 2], "MidHip": [1, 2]}}}"#;
        let rec = read("openpose-json", json).unwrap();
        assert!(rec
            .warnings
            .iter()
            .any(|w| w.code == "joints_ignored" && w.message.contains("MidHip")));
    }

    fn person(n: usize, c: f64) -> String {
        let v: Vec<String> = (0..n)
            .map(|i| format!("{}.0,{}.0,{c}", 100 + i, 200 + i))
            .collect();
        format!(
            "{{\"person_id\":[-1],\"pose_keypoints_2d\":[{}],\"face_keypoints_2d\":[]}}",
            v.join(",")
        )
    }

    #[test]
    fn openpose_per_frame_output_keeps_the_most_confident_person_in_pixels() {
        let json = format!(
            "{{\"version\":1.3,\"people\":[{},{}]}}",
            person(25, 0.4),
            person(25, 0.9)
        );
        let rec = read("openpose-json", &json).unwrap();
        assert_eq!(rec.frame_count(), 1);
        assert_eq!(rec.skeleton.name, "body-25");
        assert_eq!(rec.units, LengthUnit::Pixels);
        assert!((rec.confidence(0, 0) - 0.9).abs() < 1e-6);
        let hip = rec.landmark(0, Landmark::Pelvis).unwrap();
        assert_eq!((hip.x, hip.y), (108.0, 208.0));
        assert!(rec.warnings.iter().any(|w| w.code == "several_people"));

        let rec = read(
            "openpose-json",
            &format!("{{\"people\":[{}]}}", person(18, 0.5)),
        )
        .unwrap();
        assert_eq!(rec.skeleton.name, "coco-18");
    }

    #[test]
    fn openpose_per_frame_output_errors() {
        let e = read("openpose-json", r#"{"people": []}"#).unwrap_err();
        assert!(e.message.contains("empty list"), "{e}");
        let e = read(
            "openpose-json",
            &format!("{{\"people\":[{}]}}", person(10, 0.5)),
        )
        .unwrap_err();
        assert_eq!(
            e.location,
            Some(Location::Field("people[0].pose_keypoints_2d".into()))
        );
        assert!(e.message.contains("found 30"), "{e}");
        let e = read("openpose-json", r#"{"people": [{"person_id": 1}]}"#).unwrap_err();
        assert!(e.message.contains("pose_keypoints_2d"), "{e}");
        let e = read(
            "blazepose-json",
            &format!("{{\"people\":[{}]}}", person(18, 0.5)),
        )
        .unwrap_err();
        assert!(e.message.contains("openpose-json"), "{e}");
    }

    #[test]
    fn sniff_tells_the_three_models_apart_from_their_joint_keys() {
        let op = br#"{"positions": {"1.0": {"Nose": [0.4, 0.5], "Neck": [0.4, 0.6]}}}"#;
        let bp = br#"{"positions": {"1.0": {"Nose": [0.4, 0.5, 0.1], "Left_eye_inner": [0.4, 0.5, 0.1]}}}"#;
        let ap = br#"{"positions": {"0": {"0": [0.4, 0.5], "1": [0.4, 0.5]}}}"#;
        let best = |name: &str, head: &[u8]| {
            [&OPENPOSE_JSON, &BLAZEPOSE_JSON, &ALPHAPOSE_JSON]
                .into_iter()
                .max_by_key(|r| r.sniff(name, head))
                .map(|r| r.id())
                .unwrap()
        };
        assert_eq!(best("clip.json", op), "openpose-json");
        assert_eq!(best("clip.json", bp), "blazepose-json");
        assert_eq!(best("clip.json", ap), "alphapose-json");
        assert_eq!(
            best(
                "0001_keypoints.json",
                person(25, 0.5)
                    .replace("{\"person", "{\"people\":[{\"person")
                    .as_bytes()
            ),
            "openpose-json"
        );
        assert!(
            OPENPOSE_JSON.sniff("G3-OP-CTK-P1T1-Unknown-C-0.json", op)
                > OPENPOSE_JSON.sniff("clip.json", op)
        );
        assert_eq!(OPENPOSE_JSON.sniff("walk.trc", b"PathFileType\t4\n"), 0);
        assert_eq!(OPENPOSE_JSON.sniff("a.c3d", &[0x02, 0x50, b'{']), 0);
        assert_eq!(ALPHAPOSE_JSON.sniff("a.csv", b"time_s,a_x\n"), 0);
    }
}
