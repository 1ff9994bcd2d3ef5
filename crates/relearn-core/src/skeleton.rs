//! Skeletons as data: joint names, a parent table and the anatomical landmark each joint
//! stands for.
//!
//! A device is never a code path. Kinect v2, COCO-18 (OpenPose), COCO-17 (AlphaPose),
//! BlazePose-33 and UI-PRMD's 22-joint tree are tables in [`known`]; a generic CSV builds its
//! skeleton from its column names with [`Skeleton::from_joint_names`], and anatomical measures
//! become available whenever joint names resolve to [`Landmark`]s, whatever the device.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Left or right side of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The person's left.
    Left,
    /// The person's right.
    Right,
}

impl Side {
    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }

    /// Lower-case name for messages ("left" / "right").
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }

    /// Both sides, left first.
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];
}

/// An anatomical landmark (a joint centre or body point) that clinical measures are defined on
/// (`clinical-spec.md` §6). Joint-centre definitions follow Winter 2009 and ISB (Wu 2002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Landmark {
    /// Top or centre of the head.
    Head,
    /// Nose (camera keypoint models).
    Nose,
    /// Base of the neck (cervical spine).
    Neck,
    /// Upper trunk between the shoulders (Kinect SpineShoulder, approximately C7-T2).
    Thorax,
    /// Mid trunk (Kinect SpineMid, approximately T12-L1).
    SpineMid,
    /// Pelvis centre (Kinect SpineBase, a waist marker, the sacrum).
    Pelvis,
    /// Left shoulder (glenohumeral) centre.
    LeftShoulder,
    /// Right shoulder (glenohumeral) centre.
    RightShoulder,
    /// Left elbow centre.
    LeftElbow,
    /// Right elbow centre.
    RightElbow,
    /// Left wrist centre.
    LeftWrist,
    /// Right wrist centre.
    RightWrist,
    /// Left hand.
    LeftHand,
    /// Right hand.
    RightHand,
    /// Left hip joint centre.
    LeftHip,
    /// Right hip joint centre.
    RightHip,
    /// Left knee joint centre.
    LeftKnee,
    /// Right knee joint centre.
    RightKnee,
    /// Left ankle joint centre.
    LeftAnkle,
    /// Right ankle joint centre.
    RightAnkle,
    /// Left heel.
    LeftHeel,
    /// Right heel.
    RightHeel,
    /// Left forefoot / toes.
    LeftFoot,
    /// Right forefoot / toes.
    RightFoot,
}

impl Landmark {
    /// Every landmark, in declaration order.
    pub const ALL: [Landmark; 24] = [
        Landmark::Head,
        Landmark::Nose,
        Landmark::Neck,
        Landmark::Thorax,
        Landmark::SpineMid,
        Landmark::Pelvis,
        Landmark::LeftShoulder,
        Landmark::RightShoulder,
        Landmark::LeftElbow,
        Landmark::RightElbow,
        Landmark::LeftWrist,
        Landmark::RightWrist,
        Landmark::LeftHand,
        Landmark::RightHand,
        Landmark::LeftHip,
        Landmark::RightHip,
        Landmark::LeftKnee,
        Landmark::RightKnee,
        Landmark::LeftAnkle,
        Landmark::RightAnkle,
        Landmark::LeftHeel,
        Landmark::RightHeel,
        Landmark::LeftFoot,
        Landmark::RightFoot,
    ];

    /// Position of this landmark in [`Landmark::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The side of a paired landmark, `None` for midline landmarks.
    pub fn side(self) -> Option<Side> {
        use Landmark::*;
        match self {
            LeftShoulder | LeftElbow | LeftWrist | LeftHand | LeftHip | LeftKnee | LeftAnkle
            | LeftHeel | LeftFoot => Some(Side::Left),
            RightShoulder | RightElbow | RightWrist | RightHand | RightHip | RightKnee
            | RightAnkle | RightHeel | RightFoot => Some(Side::Right),
            Head | Nose | Neck | Thorax | SpineMid | Pelvis => None,
        }
    }

    /// The paired landmark on the given side: `Landmark::Knee.on(Side::Left)`-style helper that
    /// maps any side-specific landmark to the same part on `side` (midline landmarks map to
    /// themselves).
    pub fn on(self, side: Side) -> Landmark {
        match (self.side(), side) {
            (Some(s), target) if s != target => self.mirrored(),
            _ => self,
        }
    }

    /// The same part on the opposite side (midline landmarks map to themselves).
    pub fn mirrored(self) -> Landmark {
        use Landmark::*;
        match self {
            LeftShoulder => RightShoulder,
            RightShoulder => LeftShoulder,
            LeftElbow => RightElbow,
            RightElbow => LeftElbow,
            LeftWrist => RightWrist,
            RightWrist => LeftWrist,
            LeftHand => RightHand,
            RightHand => LeftHand,
            LeftHip => RightHip,
            RightHip => LeftHip,
            LeftKnee => RightKnee,
            RightKnee => LeftKnee,
            LeftAnkle => RightAnkle,
            RightAnkle => LeftAnkle,
            LeftHeel => RightHeel,
            RightHeel => LeftHeel,
            LeftFoot => RightFoot,
            RightFoot => LeftFoot,
            other => other,
        }
    }

    /// Stable snake-case identifier, as serialised (`left_knee`, `pelvis`).
    pub fn as_str(self) -> &'static str {
        use Landmark::*;
        match self {
            Head => "head",
            Nose => "nose",
            Neck => "neck",
            Thorax => "thorax",
            SpineMid => "spine_mid",
            Pelvis => "pelvis",
            LeftShoulder => "left_shoulder",
            RightShoulder => "right_shoulder",
            LeftElbow => "left_elbow",
            RightElbow => "right_elbow",
            LeftWrist => "left_wrist",
            RightWrist => "right_wrist",
            LeftHand => "left_hand",
            RightHand => "right_hand",
            LeftHip => "left_hip",
            RightHip => "right_hip",
            LeftKnee => "left_knee",
            RightKnee => "right_knee",
            LeftAnkle => "left_ankle",
            RightAnkle => "right_ankle",
            LeftHeel => "left_heel",
            RightHeel => "right_heel",
            LeftFoot => "left_foot",
            RightFoot => "right_foot",
        }
    }

    /// Plain-language name for reports ("left knee").
    pub fn display_name(self) -> &'static str {
        use Landmark::*;
        match self {
            Head => "head",
            Nose => "nose",
            Neck => "neck",
            Thorax => "upper back",
            SpineMid => "mid back",
            Pelvis => "pelvis",
            LeftShoulder => "left shoulder",
            RightShoulder => "right shoulder",
            LeftElbow => "left elbow",
            RightElbow => "right elbow",
            LeftWrist => "left wrist",
            RightWrist => "right wrist",
            LeftHand => "left hand",
            RightHand => "right hand",
            LeftHip => "left hip",
            RightHip => "right hip",
            LeftKnee => "left knee",
            RightKnee => "right knee",
            LeftAnkle => "left ankle",
            RightAnkle => "right ankle",
            LeftHeel => "left heel",
            RightHeel => "right heel",
            LeftFoot => "left foot",
            RightFoot => "right foot",
        }
    }

    /// Resolves a joint name from any common naming scheme to a landmark.
    ///
    /// Case, spaces, `_`, `-` and `.` are ignored. The side may be a `left`/`right` word or an
    /// `l`/`r` prefix or suffix (`KneeLeft`, `left_knee`, `LKnee`, `lKnee`, `knee_l`,
    /// `Left_knee`, `RHip`). Returns `None` for names that are not an anatomical landmark
    /// (eyes, ears, fingers, marker labels such as `LASI`).
    pub fn from_joint_name(name: &str) -> Option<Landmark> {
        let n: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if let Some(l) = midline_part(&n) {
            return Some(l);
        }
        for (word, side) in [("left", Side::Left), ("right", Side::Right)] {
            if let Some(rest) = n.strip_prefix(word).or_else(|| n.strip_suffix(word)) {
                return sided_part(rest, side);
            }
        }
        for (letter, side) in [('l', Side::Left), ('r', Side::Right)] {
            if let Some(rest) = n.strip_prefix(letter) {
                if let Some(l) = sided_part(rest, side) {
                    return Some(l);
                }
            }
            if let Some(rest) = n.strip_suffix(letter) {
                if let Some(l) = sided_part(rest, side) {
                    return Some(l);
                }
            }
        }
        None
    }
}

fn midline_part(n: &str) -> Option<Landmark> {
    Some(match n {
        "head" | "headtop" | "top" => Landmark::Head,
        "nose" => Landmark::Nose,
        "neck" | "cervical" => Landmark::Neck,
        "spineshoulder" | "thorax" | "chest" | "c7" | "spinechest" | "upperspine" => {
            Landmark::Thorax
        }
        "spinemid" | "spine" | "midspine" | "spinenaval" | "t12" => Landmark::SpineMid,
        "spinebase" | "pelvis" | "waist" | "midhip" | "sacrum" | "root" | "hips" => {
            Landmark::Pelvis
        }
        _ => return None,
    })
}

fn sided_part(rest: &str, side: Side) -> Option<Landmark> {
    use Landmark::*;
    let left = match rest {
        "shoulder" => LeftShoulder,
        "elbow" => LeftElbow,
        "wrist" => LeftWrist,
        "hand" => LeftHand,
        "hip" => LeftHip,
        "knee" => LeftKnee,
        "ankle" => LeftAnkle,
        "heel" => LeftHeel,
        "foot" | "toe" | "toes" | "footindex" | "bigtoe" | "foottip" => LeftFoot,
        _ => return None,
    };
    Some(left.on(side))
}

/// One joint of a skeleton.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Joint {
    /// The name as the source format spells it (`KneeLeft`, `lKnee`, `Left lower leg`).
    pub name: String,
    /// Index of the parent joint, `None` for a root (or when the format has no hierarchy).
    pub parent: Option<usize>,
    /// The anatomical landmark this joint stands for, if any.
    pub landmark: Option<Landmark>,
}

/// A skeleton: named joints, their parent table and their anatomical landmarks.
///
/// Skeletons are values, never code paths (style guide principle 3): the same analysis runs on
/// any skeleton that has the landmarks a measure needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skeleton {
    /// A short identifier of the model (`kinect-v2`, `coco-18`, `generic`).
    pub name: String,
    joints: Vec<Joint>,
    /// Which joint stands for each landmark, filled on first use (not stored).
    #[serde(skip)]
    landmark_index: LandmarkIndex,
}

/// The landmark → joint table of a [`Skeleton`], built from its joints on first use:
/// measures look landmarks up for every frame, and a search of the joint list per lookup was
/// a tenth of the time spent computing measures. A cache, not data: it takes no part in
/// comparisons, and it is rebuilt after a skeleton is read back.
#[derive(Debug, Clone, Default)]
struct LandmarkIndex(std::sync::OnceLock<[Option<usize>; Landmark::ALL.len()]>);

impl PartialEq for LandmarkIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A joint definition for [`Skeleton::new`]: name, parent name, explicit landmark (or `None`
/// to resolve it from the name with [`Landmark::from_joint_name`]).
pub type JointDef<'a> = (&'a str, Option<&'a str>, Option<Landmark>);

impl Skeleton {
    /// Builds a skeleton from joint definitions, validating that names are unique, parents
    /// exist and the parent table has no cycle. A joint given no landmark gets the one its
    /// name resolves to ([`Landmark::from_joint_name`]).
    pub fn new(name: &str, defs: &[JointDef<'_>]) -> Result<Skeleton> {
        Skeleton::build(name, defs, true)
    }

    /// Like [`Skeleton::new`], but the landmarks are exactly as given: `None` means the joint
    /// is no landmark, whatever its name (device tables such as UI-PRMD's, where the row named
    /// "Neck" sits at the upper trunk).
    pub fn with_exact_landmarks(name: &str, defs: &[JointDef<'_>]) -> Result<Skeleton> {
        Skeleton::build(name, defs, false)
    }

    fn build(name: &str, defs: &[JointDef<'_>], resolve: bool) -> Result<Skeleton> {
        let mut joints: Vec<Joint> = Vec::with_capacity(defs.len());
        let mut index: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(defs.len());
        for (i, (jname, _, landmark)) in defs.iter().enumerate() {
            if jname.is_empty() {
                return Err(Error::InvalidSkeleton(format!(
                    "joint {i} has an empty name"
                )));
            }
            if index.insert(jname, i).is_some() {
                return Err(Error::InvalidSkeleton(format!(
                    "duplicate joint name {jname:?}"
                )));
            }
            let landmark = if resolve {
                landmark.or_else(|| Landmark::from_joint_name(jname))
            } else {
                *landmark
            };
            joints.push(Joint {
                name: (*jname).to_string(),
                parent: None,
                landmark,
            });
        }
        for (i, (jname, parent, _)) in defs.iter().enumerate() {
            if let Some(p) = parent {
                let idx = *index.get(p).ok_or_else(|| {
                    Error::InvalidSkeleton(format!("joint {jname:?} has unknown parent {p:?}"))
                })?;
                if let Some(j) = joints.get_mut(i) {
                    j.parent = Some(idx);
                }
            }
        }
        let sk = Skeleton {
            name: name.to_string(),
            joints,
            landmark_index: LandmarkIndex::default(),
        };
        sk.check_acyclic()?;
        sk.check_unique_landmarks()?;
        Ok(sk)
    }

    /// Builds a flat skeleton (no hierarchy) from joint names, resolving landmarks from the
    /// names. If the name set is exactly that of a known skeleton, that skeleton (with its
    /// hierarchy) is returned instead.
    pub fn from_joint_names<S: AsRef<str>>(names: &[S]) -> Result<Skeleton> {
        if let Some(known) = known::matching(names) {
            return Ok(known);
        }
        let defs: Vec<JointDef<'_>> = names.iter().map(|n| (n.as_ref(), None, None)).collect();
        let mut sk = Skeleton::new("generic", &defs)?;
        // Two joints that resolve to the same landmark (e.g. "LeftFoot" and "left_toe"):
        // keep the first so landmark lookup stays unambiguous.
        let mut seen = std::collections::HashSet::new();
        for j in &mut sk.joints {
            if let Some(l) = j.landmark {
                if !seen.insert(l) {
                    j.landmark = None;
                }
            }
        }
        sk.landmark_index = LandmarkIndex::default();
        Ok(sk)
    }

    /// The joints in order.
    pub fn joints(&self) -> &[Joint] {
        &self.joints
    }

    /// Number of joints.
    pub fn len(&self) -> usize {
        self.joints.len()
    }

    /// True when the skeleton has no joints.
    pub fn is_empty(&self) -> bool {
        self.joints.is_empty()
    }

    /// Index of the joint with this exact name.
    pub fn joint_index(&self, name: &str) -> Option<usize> {
        self.joints.iter().position(|j| j.name == name)
    }

    /// Index of the joint that stands for this landmark.
    pub fn landmark(&self, landmark: Landmark) -> Option<usize> {
        let table = self.landmark_index.0.get_or_init(|| {
            Landmark::ALL.map(|l| self.joints.iter().position(|j| j.landmark == Some(l)))
        });
        table.get(landmark.index()).copied().flatten()
    }

    /// All landmarks this skeleton provides.
    pub fn landmarks(&self) -> Vec<Landmark> {
        let mut v: Vec<Landmark> = self.joints.iter().filter_map(|j| j.landmark).collect();
        v.sort();
        v
    }

    /// True when every landmark in `needed` is present.
    pub fn has_landmarks(&self, needed: &[Landmark]) -> bool {
        needed.iter().all(|l| self.landmark(*l).is_some())
    }

    /// Parent-child pairs (bones) for drawing; for a skeleton without hierarchy, a default
    /// set of bones between the landmarks present.
    pub fn bones(&self) -> Vec<(usize, usize)> {
        let tree: Vec<(usize, usize)> = self
            .joints
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.parent.map(|p| (p, i)))
            .collect();
        if !tree.is_empty() {
            return tree;
        }
        use Landmark::*;
        let mut pairs = vec![
            (Head, Neck),
            (Nose, Neck),
            (Neck, Thorax),
            (Thorax, SpineMid),
            (SpineMid, Pelvis),
            (LeftShoulder, RightShoulder),
            (LeftHip, RightHip),
        ];
        for side in Side::BOTH {
            for (a, b) in [
                (LeftShoulder, LeftElbow),
                (LeftElbow, LeftWrist),
                (LeftWrist, LeftHand),
                (LeftShoulder, LeftHip),
                (LeftHip, LeftKnee),
                (LeftKnee, LeftAnkle),
                (LeftAnkle, LeftHeel),
                (LeftAnkle, LeftFoot),
            ] {
                pairs.push((a.on(side), b.on(side)));
            }
        }
        pairs
            .into_iter()
            .filter_map(|(a, b)| Some((self.landmark(a)?, self.landmark(b)?)))
            .collect()
    }

    fn check_acyclic(&self) -> Result<()> {
        for start in 0..self.joints.len() {
            let mut cur = Some(start);
            let mut steps = 0usize;
            while let Some(i) = cur {
                steps += 1;
                if steps > self.joints.len() {
                    return Err(Error::InvalidSkeleton(format!(
                        "parent table has a cycle through joint {:?}",
                        self.joints
                            .get(start)
                            .map(|j| j.name.as_str())
                            .unwrap_or("?")
                    )));
                }
                cur = self.joints.get(i).and_then(|j| j.parent);
            }
        }
        Ok(())
    }

    fn check_unique_landmarks(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for j in &self.joints {
            if let Some(l) = j.landmark {
                if !seen.insert(l) && self.name != "generic" {
                    return Err(Error::InvalidSkeleton(format!(
                        "landmark {l:?} is assigned to more than one joint (again at {:?})",
                        j.name
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Skeleton tables of the devices and pose models Relearn reads. Each is data: joint names in
/// the device's order, parents and landmarks.
pub mod known {
    use super::{JointDef, Landmark, Skeleton};
    use Landmark::*;

    /// Kinect v2 body tracking, 25 joints in the SDK's `JointType` order (Microsoft Kinect for
    /// Windows SDK 2.0; also KIMORE and KERAAL, `../shared/data/README.md`).
    pub const KINECT_V2: [JointDef<'static>; 25] = [
        ("SpineBase", None, Some(Pelvis)),
        ("SpineMid", Some("SpineBase"), Some(SpineMid)),
        ("Neck", Some("SpineShoulder"), Some(Neck)),
        ("Head", Some("Neck"), Some(Head)),
        ("ShoulderLeft", Some("SpineShoulder"), Some(LeftShoulder)),
        ("ElbowLeft", Some("ShoulderLeft"), Some(LeftElbow)),
        ("WristLeft", Some("ElbowLeft"), Some(LeftWrist)),
        ("HandLeft", Some("WristLeft"), Some(LeftHand)),
        ("ShoulderRight", Some("SpineShoulder"), Some(RightShoulder)),
        ("ElbowRight", Some("ShoulderRight"), Some(RightElbow)),
        ("WristRight", Some("ElbowRight"), Some(RightWrist)),
        ("HandRight", Some("WristRight"), Some(RightHand)),
        ("HipLeft", Some("SpineBase"), Some(LeftHip)),
        ("KneeLeft", Some("HipLeft"), Some(LeftKnee)),
        ("AnkleLeft", Some("KneeLeft"), Some(LeftAnkle)),
        ("FootLeft", Some("AnkleLeft"), Some(LeftFoot)),
        ("HipRight", Some("SpineBase"), Some(RightHip)),
        ("KneeRight", Some("HipRight"), Some(RightKnee)),
        ("AnkleRight", Some("KneeRight"), Some(RightAnkle)),
        ("FootRight", Some("AnkleRight"), Some(RightFoot)),
        ("SpineShoulder", Some("SpineMid"), Some(Thorax)),
        ("HandTipLeft", Some("HandLeft"), None),
        ("ThumbLeft", Some("HandLeft"), None),
        ("HandTipRight", Some("HandRight"), None),
        ("ThumbRight", Some("HandRight"), None),
    ];

    /// OpenPose COCO-18 body model in OpenPose's order (Cao et al. 2019, IEEE TPAMI), with the
    /// joint names used by KERAAL's OpenPose JSON.
    pub const COCO_18: [JointDef<'static>; 18] = [
        ("Nose", Some("Neck"), Some(Nose)),
        ("Neck", None, Some(Neck)),
        ("rShoulder", Some("Neck"), Some(RightShoulder)),
        ("rElbow", Some("rShoulder"), Some(RightElbow)),
        ("rWrist", Some("rElbow"), Some(RightWrist)),
        ("lShoulder", Some("Neck"), Some(LeftShoulder)),
        ("lElbow", Some("lShoulder"), Some(LeftElbow)),
        ("lWrist", Some("lElbow"), Some(LeftWrist)),
        ("rHip", Some("Neck"), Some(RightHip)),
        ("rKnee", Some("rHip"), Some(RightKnee)),
        ("rAnkle", Some("rKnee"), Some(RightAnkle)),
        ("lHip", Some("Neck"), Some(LeftHip)),
        ("lKnee", Some("lHip"), Some(LeftKnee)),
        ("lAnkle", Some("lKnee"), Some(LeftAnkle)),
        ("rEye", Some("Nose"), None),
        ("lEye", Some("Nose"), None),
        ("rEar", Some("rEye"), None),
        ("lEar", Some("lEye"), None),
    ];

    /// COCO-17 keypoints in the COCO dataset order (Lin et al. 2014), as written by AlphaPose.
    pub const COCO_17: [JointDef<'static>; 17] = [
        ("Nose", None, Some(Nose)),
        ("LEye", Some("Nose"), None),
        ("REye", Some("Nose"), None),
        ("LEar", Some("LEye"), None),
        ("REar", Some("REye"), None),
        ("LShoulder", Some("Nose"), Some(LeftShoulder)),
        ("RShoulder", Some("Nose"), Some(RightShoulder)),
        ("LElbow", Some("LShoulder"), Some(LeftElbow)),
        ("RElbow", Some("RShoulder"), Some(RightElbow)),
        ("LWrist", Some("LElbow"), Some(LeftWrist)),
        ("RWrist", Some("RElbow"), Some(RightWrist)),
        ("LHip", Some("LShoulder"), Some(LeftHip)),
        ("RHip", Some("RShoulder"), Some(RightHip)),
        ("LKnee", Some("LHip"), Some(LeftKnee)),
        ("RKnee", Some("RHip"), Some(RightKnee)),
        ("LAnkle", Some("LKnee"), Some(LeftAnkle)),
        ("RAnkle", Some("RKnee"), Some(RightAnkle)),
    ];

    /// BlazePose / MediaPipe Pose 33 landmarks in MediaPipe's order (Bazarevsky et al. 2020),
    /// with the names used by KERAAL's BlazePose JSON.
    pub const BLAZEPOSE_33: [JointDef<'static>; 33] = [
        ("Nose", None, Some(Nose)),
        ("Left_eye_inner", Some("Nose"), None),
        ("Left_eye", Some("Left_eye_inner"), None),
        ("Left_eye_outer", Some("Left_eye"), None),
        ("Right_eye_inner", Some("Nose"), None),
        ("Right_eye", Some("Right_eye_inner"), None),
        ("Right_eye_outer", Some("Right_eye"), None),
        ("Left_ear", Some("Left_eye_outer"), None),
        ("Right_ear", Some("Right_eye_outer"), None),
        ("Mouth_left", Some("Nose"), None),
        ("Mouth_right", Some("Nose"), None),
        ("Left_shoulder", Some("Nose"), Some(LeftShoulder)),
        ("Right_shoulder", Some("Nose"), Some(RightShoulder)),
        ("Left_elbow", Some("Left_shoulder"), Some(LeftElbow)),
        ("Right_elbow", Some("Right_shoulder"), Some(RightElbow)),
        ("Left_wrist", Some("Left_elbow"), Some(LeftWrist)),
        ("Right_wrist", Some("Right_elbow"), Some(RightWrist)),
        ("Left_pinky", Some("Left_wrist"), None),
        ("Right_pinky", Some("Right_wrist"), None),
        ("Left_index", Some("Left_wrist"), Some(LeftHand)),
        ("Right_index", Some("Right_wrist"), Some(RightHand)),
        ("Left_thumb", Some("Left_wrist"), None),
        ("Right_thumb", Some("Right_wrist"), None),
        ("Left_hip", Some("Left_shoulder"), Some(LeftHip)),
        ("Right_hip", Some("Right_shoulder"), Some(RightHip)),
        ("Left_knee", Some("Left_hip"), Some(LeftKnee)),
        ("Right_knee", Some("Right_hip"), Some(RightKnee)),
        ("Left_ankle", Some("Left_knee"), Some(LeftAnkle)),
        ("Right_ankle", Some("Right_knee"), Some(RightAnkle)),
        ("Left_heel", Some("Left_ankle"), Some(LeftHeel)),
        ("Right_heel", Some("Right_ankle"), Some(RightHeel)),
        ("Left_foot_index", Some("Left_ankle"), Some(LeftFoot)),
        ("Right_foot_index", Some("Right_ankle"), Some(RightFoot)),
    ];

    /// UI-PRMD Kinect 22-joint tree (Vakanski et al. 2018, `../shared/data/README.md`). The
    /// data set names each row after the segment that starts there; the landmark column says
    /// which joint centre that row's position is (e.g. "Left lower leg" starts at the knee),
    /// established from segment lengths over all ten subjects: "Neck" lies 0.7 cm from "Chest"
    /// (both at Kinect's SpineShoulder), "Head" 6-7 cm above it (Kinect's Neck), "Head tip"
    /// 14-17 cm higher (Kinect's Head); the collars are 3 cm apart and the "upper arm" rows
    /// 27-38 cm apart (shoulder centres).
    pub const UI_PRMD_22: [JointDef<'static>; 22] = [
        ("Waist", None, Some(Pelvis)),
        ("Spine", Some("Waist"), Some(SpineMid)),
        ("Chest", Some("Spine"), Some(Thorax)),
        ("Neck", Some("Chest"), None),
        ("Head", Some("Neck"), Some(Neck)),
        ("Head tip", Some("Head"), Some(Head)),
        ("Left collar", Some("Chest"), None),
        ("Left upper arm", Some("Left collar"), Some(LeftShoulder)),
        ("Left forearm", Some("Left upper arm"), Some(LeftElbow)),
        ("Left hand", Some("Left forearm"), Some(LeftWrist)),
        ("Right collar", Some("Chest"), None),
        ("Right upper arm", Some("Right collar"), Some(RightShoulder)),
        ("Right forearm", Some("Right upper arm"), Some(RightElbow)),
        ("Right hand", Some("Right forearm"), Some(RightWrist)),
        ("Left upper leg", Some("Waist"), Some(LeftHip)),
        ("Left lower leg", Some("Left upper leg"), Some(LeftKnee)),
        ("Left foot", Some("Left lower leg"), Some(LeftAnkle)),
        ("Left leg toes", Some("Left foot"), Some(LeftFoot)),
        ("Right upper leg", Some("Waist"), Some(RightHip)),
        ("Right lower leg", Some("Right upper leg"), Some(RightKnee)),
        ("Right foot", Some("Right lower leg"), Some(RightAnkle)),
        ("Right leg toes", Some("Right foot"), Some(RightFoot)),
    ];

    /// All known skeleton tables with their identifiers.
    pub const ALL: [(&str, &[JointDef<'static>]); 5] = [
        ("kinect-v2", &KINECT_V2),
        ("coco-18", &COCO_18),
        ("coco-17", &COCO_17),
        ("blazepose-33", &BLAZEPOSE_33),
        ("ui-prmd-22", &UI_PRMD_22),
    ];

    /// Builds a known skeleton by identifier (`kinect-v2`, `coco-18`, `coco-17`,
    /// `blazepose-33`, `ui-prmd-22`).
    pub fn by_name(name: &str) -> Option<Skeleton> {
        ALL.iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, defs)| Skeleton::with_exact_landmarks(n, defs).ok())
    }

    /// The known skeleton whose joint names are exactly `names` (same order, compared without
    /// case, spaces or punctuation), if any.
    pub fn matching<S: AsRef<str>>(names: &[S]) -> Option<Skeleton> {
        let norm = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        ALL.iter()
            .find(|(_, defs)| {
                defs.len() == names.len()
                    && defs
                        .iter()
                        .zip(names)
                        .all(|((d, _, _), n)| norm(d) == norm(n.as_ref()))
            })
            .and_then(|(n, defs)| Skeleton::with_exact_landmarks(n, defs).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmark_lookups_survive_serialisation_and_ignore_the_cache_in_comparisons() {
        for (name, _) in known::ALL {
            let sk = known::by_name(name).expect("a known skeleton");
            let looked_up: Vec<Option<usize>> =
                Landmark::ALL.iter().map(|l| sk.landmark(*l)).collect();
            let direct: Vec<Option<usize>> = Landmark::ALL
                .iter()
                .map(|l| sk.joints().iter().position(|j| j.landmark == Some(*l)))
                .collect();
            assert_eq!(looked_up, direct, "{name}");
            let back: Skeleton =
                serde_json::from_str(&serde_json::to_string(&sk).unwrap()).unwrap();
            assert_eq!(
                back, sk,
                "{name}: a used cache does not make skeletons differ"
            );
            let again: Vec<Option<usize>> =
                Landmark::ALL.iter().map(|l| back.landmark(*l)).collect();
            assert_eq!(again, direct, "{name}: read back");
        }
    }

    #[test]
    fn common_naming_schemes_resolve_to_landmarks() {
        for (name, want) in [
            ("KneeLeft", Landmark::LeftKnee),
            ("left_knee", Landmark::LeftKnee),
            ("LKnee", Landmark::LeftKnee),
            ("lKnee", Landmark::LeftKnee),
            ("knee_l", Landmark::LeftKnee),
            ("Right_foot_index", Landmark::RightFoot),
            ("RHip", Landmark::RightHip),
            ("SpineBase", Landmark::Pelvis),
            ("SpineShoulder", Landmark::Thorax),
            ("Head", Landmark::Head),
        ] {
            assert_eq!(Landmark::from_joint_name(name), Some(want), "{name}");
        }
        for name in ["LEye", "Left_pinky", "LASI", "HandTipLeft", "marker7"] {
            assert_eq!(Landmark::from_joint_name(name), None, "{name}");
        }
    }

    #[test]
    fn every_known_skeleton_is_valid_and_has_the_leg_landmarks() {
        for (name, defs) in known::ALL {
            let sk = Skeleton::with_exact_landmarks(name, defs).unwrap();
            assert_eq!(sk.len(), defs.len());
            assert!(
                sk.has_landmarks(&[
                    Landmark::LeftHip,
                    Landmark::RightHip,
                    Landmark::LeftKnee,
                    Landmark::RightKnee,
                    Landmark::LeftAnkle,
                    Landmark::RightAnkle,
                    Landmark::LeftShoulder,
                    Landmark::RightShoulder
                ]),
                "{name}"
            );
        }
    }

    #[test]
    fn generic_names_matching_kinect_get_its_hierarchy() {
        let names: Vec<&str> = known::KINECT_V2.iter().map(|d| d.0).collect();
        let sk = Skeleton::from_joint_names(&names).unwrap();
        assert_eq!(sk.name, "kinect-v2");
        assert!(sk.joints()[1].parent.is_some());
    }

    #[test]
    fn generic_skeleton_with_unknown_names_has_no_landmarks() {
        let sk = Skeleton::from_joint_names(&["m1", "m2", "m3"]).unwrap();
        assert_eq!(sk.name, "generic");
        assert!(sk.landmarks().is_empty());
    }

    #[test]
    fn identifiers_match_the_serialised_names() {
        for l in Landmark::ALL {
            assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
        }
    }

    #[test]
    fn cycles_and_unknown_parents_are_rejected() {
        assert!(Skeleton::new("x", &[("a", Some("b"), None), ("b", Some("a"), None)]).is_err());
        assert!(Skeleton::new("x", &[("a", Some("zz"), None)]).is_err());
        assert!(Skeleton::new("x", &[("a", None, None), ("a", None, None)]).is_err());
    }
}
