//! Clinical movement measures over time, from any skeleton that has the landmarks
//! (`clinical-spec.md` §6; joint-centre versions that work for markers, depth cameras and
//! video keypoints alike).
//!
//! Each [`Measure`] is a value (a kind plus a side), computed frame by frame in the body frame
//! of [`crate::body`]. A measure whose landmarks are missing, or whose plane a 2-D camera
//! cannot see, is simply absent from the [`MeasureSet`].

use crate::body::{body_frames, mid_hip, mid_shoulder, BodyFrame, View};
use relearn_core::{stats, Landmark, Recording, Side, Vec3};
use serde::{Deserialize, Serialize};

/// Largest frontal-plane projection angle of a demonstration, either way, at which a
/// difference from it is still told as the knee drifting in or out: 30° (*Relearn default*).
/// The single-leg squats of `clinical-spec.md` §6 average 8.4 ± 5.1° in controls and
/// 16.8 ± 5.4° with patellofemoral pain (Herrington 2014 \[162\]); 30° lies more than two
/// standard deviations beyond the painful knees' mean, so a correct demonstration there is
/// not showing the knee ([`Measure::describes_the_joint_at`]).
pub const FPPA_DESCRIBES_THE_KNEE_DEG: f64 = 30.0;

/// Kinds of clinical measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// Knee flexion: 180° − the 3-D included angle at the knee between (hip − knee) and
    /// (ankle − knee); 0 = straight, + = flexion (§6; Winter 2009 \[97\], Grood & Suntay \[143\]).
    KneeFlexion,
    /// Hip flexion (trunk-thigh): 180° − the angle between trunk (mid-hip → mid-shoulder) and
    /// thigh (hip → knee) in the sagittal plane; upright standing 0°, sitting ≈ 90° (§6, \[142\]).
    HipFlexion,
    /// Hip abduction: angle between the thigh and the body's sagittal plane, + = away from
    /// the midline: the abduction of the flexion-first joint coordinate system (Grood &
    /// Suntay 1983; Wu et al. 2002), which Weeks 2015 \[145\] reports as 3-D hip adduction in
    /// §6. Equal to the thigh's angle from vertical in the frontal plane while the thigh lies
    /// in that plane (see `thigh_out_of_sagittal_plane`).
    HipAbduction,
    /// Trunk flexion: angle of the trunk from vertical in the sagittal plane, + = forward (§6).
    TrunkFlexion,
    /// Trunk lateral lean: angle of the trunk from vertical in the frontal plane, + = toward
    /// the right (§6; Crossley 2011 \[137\]).
    TrunkLateralLean,
    /// Knee frontal-plane projection angle (dynamic valgus): 180° − the angle at the knee in
    /// the frontal plane, + = valgus (knee medial to the hip-ankle line) (§6; Willson & Davis
    /// 2008 \[132\], Munro 2012 \[133\]). Defined for a weight-bearing leg (squats, single-leg
    /// squats, landings): not computed on a frame where this side's ankle is at least
    /// [`crate::posture::ONE_LEG_FOOT_HEIGHT_M`] above the other (the raised leg of a leg
    /// raise or a hurdle step, whose knee is in no valgus or varus, VALIDATION.md §4).
    KneeFrontalPlaneProjection,
    /// Knee medial displacement: horizontal distance of the knee centre inside the ankle
    /// centre along the pelvis's mediolateral axis, in cm, + = knee medial to (inside) the
    /// ankle (*Relearn definition*: the knee-over-foot alignment that the visual rating of
    /// medial knee displacement judges, Ressman 2020 \[136\]; a frontal-plane measure that,
    /// unlike the projection angle, stays defined when the thigh points forward at the bottom
    /// of a deep squat, where the projected thigh is short and its angle meaningless).
    KneeMedialDisplacement,
    /// Contralateral pelvic drop: angle of the hip line to the horizontal in the frontal
    /// plane, + = this side lower (§6; Bramah 2018 \[138\]).
    PelvicDrop,
    /// Shoulder elevation: vertical rise of the shoulder centre relative to the upper trunk
    /// (or mid-hip) from the start, in cm, + = elevation (§6, *Relearn definition*).
    ShoulderElevation,
    /// Arm elevation: angle between the upper arm (shoulder → elbow) and the trunk pointing
    /// down, 3-D; 0 = arm by the side, 90 = horizontal, 180 = overhead (*Relearn definition*
    /// after the humeral elevation of ISB, Wu 2005).
    ArmElevation,
    /// Elbow flexion: 180° − the included angle at the elbow (*Relearn definition*, as knee
    /// flexion).
    ElbowFlexion,
    /// Squat depth (b): drop of mid-hip height from standing as % of standing leg length (hip
    /// → ankle), + = deeper (§6, *Relearn definition*).
    SquatDepth,
    /// Lumbar flexion: sagittal angle between the upper (mid-spine → upper trunk) and lower
    /// (pelvis → mid-spine) spine segments, change from the start, + = flexion (§6; Esola 1996
    /// \[139\]). Needs pelvis, mid-spine and upper-trunk landmarks (Kinect, UI-PRMD).
    LumbarFlexion,
}

/// Unit of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Degrees.
    #[serde(rename = "deg")]
    Degrees,
    /// Centimetres.
    #[serde(rename = "cm")]
    Centimetres,
    /// Percent of standing leg length.
    #[serde(rename = "%leg")]
    PercentLegLength,
    /// Seconds.
    #[serde(rename = "s")]
    Seconds,
    /// Percent.
    #[serde(rename = "%")]
    Percent,
}

impl Unit {
    /// The word used in plain-language messages ("degrees", "cm").
    pub fn word(self) -> &'static str {
        match self {
            Unit::Degrees => "degrees",
            Unit::Centimetres => "cm",
            Unit::PercentLegLength => "% of leg length",
            Unit::Seconds => "s",
            Unit::Percent => "%",
        }
    }
}

/// A measure: a kind, on a side for bilateral kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Measure {
    /// What is measured.
    pub kind: MeasureKind,
    /// The side, for measures of a paired joint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
}

impl Measure {
    /// A midline measure.
    pub const fn midline(kind: MeasureKind) -> Measure {
        Measure { kind, side: None }
    }

    /// A measure on one side.
    pub const fn sided(kind: MeasureKind, side: Side) -> Measure {
        Measure {
            kind,
            side: Some(side),
        }
    }

    /// Every measure Relearn computes, in report order.
    pub fn all() -> Vec<Measure> {
        use MeasureKind::*;
        let mut v = vec![
            Measure::midline(SquatDepth),
            Measure::midline(TrunkFlexion),
            Measure::midline(TrunkLateralLean),
            Measure::midline(LumbarFlexion),
        ];
        for kind in [
            KneeFlexion,
            KneeFrontalPlaneProjection,
            KneeMedialDisplacement,
            HipFlexion,
            HipAbduction,
            PelvicDrop,
            ShoulderElevation,
            ArmElevation,
            ElbowFlexion,
        ] {
            for side in Side::BOTH {
                v.push(Measure::sided(kind, side));
            }
        }
        v
    }

    /// Stable identifier (`left_knee_flexion`, `trunk_flexion`).
    pub fn id(&self) -> String {
        let kind = match self.kind {
            MeasureKind::KneeFlexion => "knee_flexion",
            MeasureKind::HipFlexion => "hip_flexion",
            MeasureKind::HipAbduction => "hip_abduction",
            MeasureKind::TrunkFlexion => "trunk_flexion",
            MeasureKind::TrunkLateralLean => "trunk_lateral_lean",
            MeasureKind::KneeFrontalPlaneProjection => "knee_valgus_fppa",
            MeasureKind::KneeMedialDisplacement => "knee_medial_displacement",
            MeasureKind::PelvicDrop => "pelvic_drop",
            MeasureKind::ShoulderElevation => "shoulder_elevation",
            MeasureKind::ArmElevation => "arm_elevation",
            MeasureKind::ElbowFlexion => "elbow_flexion",
            MeasureKind::SquatDepth => "squat_depth",
            MeasureKind::LumbarFlexion => "lumbar_flexion",
        };
        match self.side {
            Some(s) => format!("{}_{kind}", s.as_str()),
            None => kind.to_string(),
        }
    }

    /// Plain-language name of the body part that moves ("left knee", "trunk").
    pub fn body_part(&self) -> String {
        let part = match self.kind {
            MeasureKind::KneeFlexion
            | MeasureKind::KneeFrontalPlaneProjection
            | MeasureKind::KneeMedialDisplacement => "knee",
            MeasureKind::HipFlexion | MeasureKind::HipAbduction => "hip",
            MeasureKind::TrunkFlexion | MeasureKind::TrunkLateralLean => "trunk",
            MeasureKind::PelvicDrop => "side of the pelvis",
            MeasureKind::ShoulderElevation => "shoulder",
            MeasureKind::ArmElevation => "arm",
            MeasureKind::ElbowFlexion => "elbow",
            MeasureKind::SquatDepth => "hips",
            MeasureKind::LumbarFlexion => "lower back",
        };
        match self.side {
            Some(s) => format!("{} {part}", s.as_str()),
            None => part.to_string(),
        }
    }

    /// Plain-language name of the measure ("left knee valgus (frontal-plane projection angle)").
    pub fn label(&self) -> String {
        let what = match self.kind {
            MeasureKind::KneeFlexion => "knee flexion",
            MeasureKind::HipFlexion => "hip flexion",
            MeasureKind::HipAbduction => "hip abduction",
            MeasureKind::TrunkFlexion => "trunk flexion",
            MeasureKind::TrunkLateralLean => "trunk lateral lean",
            MeasureKind::KneeFrontalPlaneProjection => {
                "knee valgus (frontal-plane projection angle)"
            }
            MeasureKind::KneeMedialDisplacement => "knee medial displacement (inside the ankle)",
            MeasureKind::PelvicDrop => "pelvic drop",
            MeasureKind::ShoulderElevation => "shoulder elevation",
            MeasureKind::ArmElevation => "arm elevation",
            MeasureKind::ElbowFlexion => "elbow flexion",
            MeasureKind::SquatDepth => "squat depth",
            MeasureKind::LumbarFlexion => "lumbar flexion",
        };
        match self.side {
            Some(s) => format!("{} {what}", s.as_str()),
            None => what.to_string(),
        }
    }

    /// The unit of the measure.
    pub fn unit(&self) -> Unit {
        match self.kind {
            MeasureKind::ShoulderElevation | MeasureKind::KneeMedialDisplacement => {
                Unit::Centimetres
            }
            MeasureKind::SquatDepth => Unit::PercentLegLength,
            _ => Unit::Degrees,
        }
    }

    /// The verb phrase for a positive and a negative difference, so that a difference reads as
    /// knowledge of performance ("drifts inward", "does not bend as far").
    pub fn direction_words(&self, positive: bool) -> &'static str {
        use MeasureKind::*;
        match (self.kind, positive) {
            (KneeFlexion, true) | (ElbowFlexion, true) => "bends further",
            (KneeFlexion, false) | (ElbowFlexion, false) => "does not bend as far",
            (HipFlexion, true) => "flexes further",
            (HipFlexion, false) => "does not flex as far",
            (HipAbduction, true) => "swings further out",
            (HipAbduction, false) => "swings further in",
            (TrunkFlexion, true) => "leans further forward",
            (TrunkFlexion, false) => "stays more upright",
            (TrunkLateralLean, true) => "leans to the right",
            (TrunkLateralLean, false) => "leans to the left",
            (KneeFrontalPlaneProjection, true) => "drifts inward",
            (KneeFrontalPlaneProjection, false) => "drifts outward",
            (KneeMedialDisplacement, true) => "moves inside the ankle",
            (KneeMedialDisplacement, false) => "moves outside the ankle",
            (PelvicDrop, true) => "drops",
            (PelvicDrop, false) => "hitches up",
            (ShoulderElevation, true) => "shrugs up",
            (ShoulderElevation, false) => "sits lower",
            (ArmElevation, true) => "rises higher",
            (ArmElevation, false) => "does not rise as high",
            (SquatDepth, true) => "go deeper",
            (SquatDepth, false) => "do not go as deep",
            (LumbarFlexion, true) => "rounds more",
            (LumbarFlexion, false) => "arches more",
        }
    }

    /// True when the measure is reported as the change from the start of a repetition
    /// (shoulder elevation and lumbar flexion, §6).
    pub fn relative_to_start(&self) -> bool {
        matches!(
            self.kind,
            MeasureKind::ShoulderElevation | MeasureKind::LumbarFlexion
        )
    }

    /// The range of values a human body can produce for this measure, in its unit. A value
    /// outside it can only come from a tracking failure (an occluded knee swapped with the
    /// other, a limb flipped) and is dropped rather than reported (*Relearn default*, wide
    /// limits from normal joint ranges of motion: knee 0-160°, hip -30-140°, trunk ±90°; the
    /// frontal-plane projection angle ±60° exceeds any reported valgus collapse; a knee
    /// cannot sit further than ±40 cm, about a shank's length, sideways from its ankle).
    pub fn plausible_range(&self) -> (f64, f64) {
        use MeasureKind::*;
        match self.kind {
            KneeFlexion => (-20.0, 170.0),
            ElbowFlexion => (-20.0, 170.0),
            HipFlexion => (-45.0, 150.0),
            HipAbduction => (-45.0, 90.0),
            TrunkFlexion => (-60.0, 120.0),
            TrunkLateralLean => (-60.0, 60.0),
            KneeFrontalPlaneProjection => (-60.0, 60.0),
            KneeMedialDisplacement => (-40.0, 40.0),
            PelvicDrop => (-30.0, 30.0),
            ShoulderElevation => (-20.0, 20.0),
            ArmElevation => (0.0, 180.0),
            SquatDepth => (-20.0, 120.0),
            LumbarFlexion => (-60.0, 90.0),
        }
    }

    /// Whether a difference from a demonstration whose value at that moment is `demonstrated`
    /// can be told to a patient as this measure. Always, except for the knee frontal-plane
    /// projection angle beyond ±[`FPPA_DESCRIBES_THE_KNEE_DEG`]: a correct demonstration
    /// that "reaches" such an angle is not in valgus or varus; the thigh points forward (the
    /// bottom of a deep squat) and its projection on the frontal plane is short and sideways,
    /// so the angle describes the projection, not the knee (VALIDATION.md §4: in UI-PRMD's
    /// deep squats the demonstrated angle runs to −56° at the bottom). There the knee medial
    /// displacement tells the knee's frontal alignment instead.
    pub fn describes_the_joint_at(&self, demonstrated: f64) -> bool {
        match self.kind {
            MeasureKind::KneeFrontalPlaneProjection => {
                demonstrated.abs() <= FPPA_DESCRIBES_THE_KNEE_DEG
            }
            _ => true,
        }
    }

    /// True when a 2-D camera with this view can measure it.
    pub fn visible_in(&self, view: View) -> bool {
        use MeasureKind::*;
        match view {
            View::ThreeD => true,
            View::Frontal2D => matches!(
                self.kind,
                KneeFrontalPlaneProjection
                    | KneeMedialDisplacement
                    | TrunkLateralLean
                    | PelvicDrop
                    | HipAbduction
                    | ShoulderElevation
                    | SquatDepth
            ),
            View::Sagittal2D => matches!(
                self.kind,
                KneeFlexion
                    | HipFlexion
                    | TrunkFlexion
                    | ElbowFlexion
                    | SquatDepth
                    | ShoulderElevation
                    | LumbarFlexion
            ),
        }
    }

    /// The landmarks the measure needs.
    fn needs(&self) -> Vec<Landmark> {
        use Landmark::*;
        use MeasureKind::*;
        let s = self.side.unwrap_or(Side::Left);
        let trunk = vec![LeftHip, RightHip, LeftShoulder, RightShoulder];
        match self.kind {
            KneeFlexion => vec![LeftHip.on(s), LeftKnee.on(s), LeftAnkle.on(s)],
            KneeFrontalPlaneProjection | KneeMedialDisplacement => {
                vec![
                    LeftHip.on(s),
                    LeftKnee.on(s),
                    LeftAnkle.on(s),
                    LeftHip,
                    RightHip,
                ]
            }
            HipFlexion | HipAbduction => {
                let mut v = trunk;
                v.push(LeftKnee.on(s));
                v
            }
            TrunkFlexion | TrunkLateralLean => trunk,
            PelvicDrop => vec![LeftHip, RightHip],
            ShoulderElevation => vec![LeftShoulder.on(s), LeftHip, RightHip],
            ArmElevation => {
                let mut v = trunk;
                v.push(LeftElbow.on(s));
                v
            }
            ElbowFlexion => vec![LeftShoulder.on(s), LeftElbow.on(s), LeftWrist.on(s)],
            SquatDepth => vec![
                LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle,
            ],
            LumbarFlexion => vec![Pelvis, SpineMid, Thorax, LeftHip, RightHip],
        }
    }
}

/// Measures of one recording, frame by frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSet {
    /// Frame rate in Hz.
    pub rate_hz: f64,
    /// What the recording can see.
    pub view: View,
    /// Each available measure with its value per frame (NaN where not computable).
    pub series: Vec<(Measure, Vec<f64>)>,
}

impl MeasureSet {
    /// The series of one measure.
    pub fn get(&self, m: Measure) -> Option<&[f64]> {
        self.series
            .iter()
            .find(|(k, _)| *k == m)
            .map(|(_, v)| v.as_slice())
    }

    /// The measures present.
    pub fn measures(&self) -> Vec<Measure> {
        self.series.iter().map(|(m, _)| *m).collect()
    }

    /// Frames `start..end` of every series.
    pub fn slice(&self, start: usize, end: usize) -> MeasureSet {
        MeasureSet {
            rate_hz: self.rate_hz,
            view: self.view,
            series: self
                .series
                .iter()
                .map(|(m, v)| {
                    let e = end.min(v.len());
                    (
                        *m,
                        v.get(start.min(e)..e)
                            .map(<[f64]>::to_vec)
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }
}

/// Signed angle in degrees of `v` from vertical towards `towards` (both in the plane spanned by
/// `up` and `towards`); NaN when the projection is degenerate.
fn plane_angle(v: Vec3, towards: Vec3, up: Vec3) -> f64 {
    let (a, b) = (v.dot(towards), v.dot(up));
    if a.abs() < 1e-12 && b.abs() < 1e-12 {
        f64::NAN
    } else {
        a.atan2(b).to_degrees()
    }
}

/// Hip abduction (+) or adduction (−) in degrees: the angle between the thigh (`thigh`, hip
/// to knee) and the body's sagittal plane, `asin(thigh · outward / |thigh|)`. This is the
/// abduction of the flexion-first joint coordinate system (Grood & Suntay 1983, *J. Biomech.
/// Eng.* 105:136; the hip as recommended by Wu et al. 2002, *J. Biomech.* 35:543): after
/// flexing about the mediolateral axis, abducting about the floating axis by φ puts a share
/// sin φ of the thigh's length along the mediolateral axis, whatever the flexion. Unlike the
/// thigh's angle in the frontal plane, it stays defined when the thigh points forward (the
/// bottom of a deep squat, a seated person), where the frontal-plane projection is a few
/// centimetres long and its angle swings by tens of degrees for a knee that moves by one
/// or two. With the thigh in the frontal plane (standing, or a frontal 2-D view) the two
/// are equal.
fn thigh_out_of_sagittal_plane(thigh: Vec3, outward: Vec3) -> f64 {
    let len = thigh.norm();
    if len < 1e-12 {
        f64::NAN
    } else {
        (thigh.dot(outward) / len)
            .clamp(-1.0, 1.0)
            .asin()
            .to_degrees()
    }
}

/// 180° − the included angle at `b` between `a − b` and `c − b`.
fn flexion(a: Vec3, b: Vec3, c: Vec3) -> f64 {
    (a - b).angle_deg(c - b).map_or(f64::NAN, |ang| 180.0 - ang)
}

/// Knee frontal-plane projection angle (degrees, + = valgus) from hip, knee and ankle in a
/// body frame (`clinical-spec.md` §6, Willson & Davis 2008 \[132\]).
pub fn fppa_deg(hip: Vec3, knee: Vec3, ankle: Vec3, frame: &BodyFrame, side: Side) -> f64 {
    let proj = |p: Vec3| Vec3::new(p.dot(frame.lateral), 0.0, p.dot(frame.up));
    let (h, k, a) = (proj(hip), proj(knee), proj(ankle));
    let Some(included) = (h - k).angle_deg(a - k) else {
        return f64::NAN;
    };
    let size = 180.0 - included;
    // Which side of the hip-ankle line the knee lies on, along the medial direction.
    let dz = a.z - h.z;
    if dz.abs() < 1e-9 {
        return f64::NAN;
    }
    let t = (k.z - h.z) / dz;
    let line_lateral = h.x + t * (a.x - h.x);
    let medial = match side {
        Side::Left => 1.0,
        Side::Right => -1.0,
    };
    let offset = (k.x - line_lateral) * medial;
    if offset >= 0.0 {
        size
    } else {
        -size
    }
}

/// Knee medial displacement (cm, + = knee inside the ankle): the horizontal distance from the
/// ankle to the knee towards the midline, along the body frame's mediolateral axis
/// ([`MeasureKind::KneeMedialDisplacement`]).
pub fn medial_displacement_cm(knee: Vec3, ankle: Vec3, frame: &BodyFrame, side: Side) -> f64 {
    (ankle - knee).dot(frame.outward(side)) * 100.0
}

/// Computes every available measure of a lab-frame recording.
///
/// `leg_length_m` (hip → knee → ankle) scales squat depth; pass the recording's own value.
pub fn compute_measures(rec: &Recording, view: View, leg_length_m: Option<f64>) -> MeasureSet {
    let frames = body_frames(rec, view);
    let n = rec.frame_count();
    let mut series = Vec::new();
    for m in Measure::all() {
        if !m.visible_in(view) || !rec.skeleton.has_landmarks(&m.needs()) {
            continue;
        }
        let mut v = vec![f64::NAN; n];
        for (f, slot) in v.iter_mut().enumerate() {
            let Some(bf) = frames.get(f).copied().flatten() else {
                continue;
            };
            *slot = measure_at(rec, f, m, &bf).unwrap_or(f64::NAN);
        }
        if m.kind == MeasureKind::SquatDepth {
            depth_from_heights(&mut v, leg_length_m);
        }
        if m.relative_to_start() {
            subtract_start(&mut v, rec.rate_hz);
        }
        let (lo, hi) = m.plausible_range();
        for x in v.iter_mut() {
            if *x < lo || *x > hi {
                *x = f64::NAN;
            }
        }
        if v.iter().any(|x| x.is_finite()) {
            series.push((m, v));
        }
    }
    MeasureSet {
        rate_hz: rec.rate_hz,
        view,
        series,
    }
}

/// Converts mid-hip heights (m) to depth below standing (% of leg length). Standing height is
/// the 95th percentile of the recording's mid-hip height (robust to a few noisy frames).
fn depth_from_heights(v: &mut [f64], leg_length_m: Option<f64>) {
    let (Some(stand), Some(leg)) = (stats::quantile(v, 0.95), leg_length_m) else {
        v.iter_mut().for_each(|x| *x = f64::NAN);
        return;
    };
    if leg <= 0.0 {
        v.iter_mut().for_each(|x| *x = f64::NAN);
        return;
    }
    for x in v.iter_mut() {
        *x = (stand - *x) / leg * 100.0;
    }
}

/// Width of the "at the peak" window: frames whose reference measure is within 5° (or 5 units)
/// of its peak. A single frame at the peak carries all of that frame's noise; the median over
/// the frames near the peak keeps the meaning of "measured at peak knee flexion"
/// (`clinical-spec.md` §6, FPPA) with a fraction of the noise (*Relearn default*).
pub const AT_PEAK_TOLERANCE: f64 = 5.0;

/// The value of `values` at the peak of `reference`: the median of `values` over the frames
/// where `reference` is within `tolerance` of its maximum. `None` when either is all missing.
pub fn value_at_peak_of(values: &[f64], reference: &[f64], tolerance: f64) -> Option<f64> {
    let (_, peak) = stats::argmax(reference)?;
    let near: Vec<f64> = values
        .iter()
        .zip(reference)
        .filter(|(_, r)| r.is_finite() && **r >= peak - tolerance)
        .map(|(v, _)| *v)
        .collect();
    stats::median(&near)
}

/// Subtracts the median of the first 0.5 s (at least 3 frames) of finite values.
pub fn subtract_start(v: &mut [f64], rate_hz: f64) {
    let k = ((0.5 * rate_hz) as usize).max(3);
    let head: Vec<f64> = v
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .take(k)
        .collect();
    if let Some(base) = stats::median(&head) {
        v.iter_mut().for_each(|x| *x -= base);
    }
}

fn measure_at(rec: &Recording, f: usize, m: Measure, bf: &BodyFrame) -> Option<f64> {
    use MeasureKind::*;
    let lm = |l: Landmark| rec.landmark(f, l);
    let side = m.side.unwrap_or(Side::Left);
    let on = |l: Landmark| l.on(side);
    let trunk = || -> Option<Vec3> { Some(mid_shoulder(rec, f)? - mid_hip(rec, f)?) };
    let trunk_flexion = || -> Option<f64> { Some(plane_angle(trunk()?, bf.forward, bf.up)) };
    Some(match m.kind {
        KneeFlexion => flexion(
            lm(on(Landmark::LeftHip))?,
            lm(on(Landmark::LeftKnee))?,
            lm(on(Landmark::LeftAnkle))?,
        ),
        ElbowFlexion => flexion(
            lm(on(Landmark::LeftShoulder))?,
            lm(on(Landmark::LeftElbow))?,
            lm(on(Landmark::LeftWrist))?,
        ),
        HipFlexion => {
            let thigh = lm(on(Landmark::LeftKnee))? - lm(on(Landmark::LeftHip))?;
            plane_angle(-thigh, -bf.forward, bf.up) + trunk_flexion()?
        }
        HipAbduction => {
            let thigh = lm(on(Landmark::LeftKnee))? - lm(on(Landmark::LeftHip))?;
            thigh_out_of_sagittal_plane(thigh, bf.outward(side))
        }
        TrunkFlexion => trunk_flexion()?,
        TrunkLateralLean => plane_angle(trunk()?, bf.lateral, bf.up),
        KneeFrontalPlaneProjection => {
            let ankle = lm(on(Landmark::LeftAnkle))?;
            // Defined for a weight-bearing leg: not on a foot held off the floor.
            if let Some(other) = lm(on(Landmark::LeftAnkle).mirrored()) {
                if (ankle - other).dot(bf.up) >= crate::posture::ONE_LEG_FOOT_HEIGHT_M {
                    return None;
                }
            }
            fppa_deg(
                lm(on(Landmark::LeftHip))?,
                lm(on(Landmark::LeftKnee))?,
                ankle,
                bf,
                side,
            )
        }
        KneeMedialDisplacement => medial_displacement_cm(
            lm(on(Landmark::LeftKnee))?,
            lm(on(Landmark::LeftAnkle))?,
            bf,
            side,
        ),
        PelvicDrop => {
            let this = lm(on(Landmark::LeftHip))?;
            let other = lm(on(Landmark::LeftHip).mirrored())?;
            let d = other - this;
            let horizontal = d.dot(bf.lateral).abs();
            d.dot(bf.up).atan2(horizontal).to_degrees()
        }
        ShoulderElevation => {
            let reference = lm(Landmark::Thorax).or_else(|| mid_hip(rec, f))?;
            (lm(on(Landmark::LeftShoulder))? - reference).dot(bf.up) * 100.0
        }
        ArmElevation => {
            let humerus = lm(on(Landmark::LeftElbow))? - lm(on(Landmark::LeftShoulder))?;
            humerus.angle_deg(-trunk()?)?
        }
        SquatDepth => mid_hip(rec, f)?.dot(bf.up),
        LumbarFlexion => {
            let lower = lm(Landmark::SpineMid)? - lm(Landmark::Pelvis)?;
            let upper = lm(Landmark::Thorax)? - lm(Landmark::SpineMid)?;
            plane_angle(upper, bf.forward, bf.up) - plane_angle(lower, bf.forward, bf.up)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> BodyFrame {
        BodyFrame::from_lateral(Vec3::new(1.0, 0.0, 0.0)).unwrap()
    }

    #[test]
    fn straight_leg_has_zero_fppa_and_medial_knee_is_positive_on_both_sides() {
        let f = frame();
        let hip = Vec3::new(-0.1, 0.0, 0.9);
        let ankle = Vec3::new(-0.1, 0.0, 0.1);
        assert!(fppa_deg(hip, Vec3::new(-0.1, 0.0, 0.5), ankle, &f, Side::Left).abs() < 1e-9);
        // Left leg (at -x): medial is +x.
        let v = fppa_deg(hip, Vec3::new(-0.05, 0.0, 0.5), ankle, &f, Side::Left);
        assert!(v > 0.0, "{v}");
        let hip_r = Vec3::new(0.1, 0.0, 0.9);
        let ankle_r = Vec3::new(0.1, 0.0, 0.1);
        let w = fppa_deg(hip_r, Vec3::new(0.05, 0.0, 0.5), ankle_r, &f, Side::Right);
        assert!((v - w).abs() < 1e-9, "{v} {w}");
        let varus = fppa_deg(hip_r, Vec3::new(0.15, 0.0, 0.5), ankle_r, &f, Side::Right);
        assert!(varus < 0.0);
    }

    #[test]
    fn a_knee_inside_its_ankle_is_positive_on_both_sides_in_cm() {
        let f = frame();
        // Left leg at -x: a knee 4 cm nearer the midline than the ankle is +4 cm.
        let left = medial_displacement_cm(
            Vec3::new(-0.08, 0.2, 0.5),
            Vec3::new(-0.12, 0.0, 0.1),
            &f,
            Side::Left,
        );
        assert!((left - 4.0).abs() < 1e-9, "{left}");
        let right = medial_displacement_cm(
            Vec3::new(0.15, 0.2, 0.5),
            Vec3::new(0.12, 0.0, 0.1),
            &f,
            Side::Right,
        );
        assert!((right + 3.0).abs() < 1e-9, "{right}");
    }

    #[test]
    fn no_projection_angle_for_a_knee_whose_foot_is_off_the_floor() {
        let rec = crate::posture::tests::squat_with_left_foot_lifted(0.3, 0.25, 0.5);
        let n = rec.frame_count();
        let lifted = n / 4..n / 2;
        let set = compute_measures(&rec, View::ThreeD, None);
        let fppa = |side| {
            set.get(Measure::sided(
                MeasureKind::KneeFrontalPlaneProjection,
                side,
            ))
            .unwrap()
        };
        let (left, right) = (fppa(Side::Left), fppa(Side::Right));
        for f in 0..n {
            assert_eq!(
                left[f].is_nan(),
                lifted.contains(&f),
                "frame {f}: {}",
                left[f]
            );
            assert!(right[f].is_finite(), "frame {f}");
        }
    }

    #[test]
    fn fppa_of_a_known_geometry_is_exact() {
        // Knee 0.4 m below the hip, ankle 0.4 m below the knee, knee 0.4*tan(10°) medial:
        // each segment deviates 10° from the line: FPPA = 20°.
        let f = frame();
        let off = 0.4 * 10f64.to_radians().tan();
        let v = fppa_deg(
            Vec3::new(0.0, 0.0, 0.9),
            Vec3::new(off, 0.3, 0.5),
            Vec3::new(0.0, 0.1, 0.1),
            &f,
            Side::Left,
        );
        assert!((v - 20.0).abs() < 1e-9, "{v}");
    }

    #[test]
    fn hip_abduction_is_the_thigh_out_of_the_sagittal_plane_whatever_the_flexion() {
        let f = frame();
        // Right side: outward is +x. A thigh 10° out of the sagittal plane reads 10°,
        // hanging down or pointing forward (the bottom of a deep squat), where the thigh's
        // frontal-plane projection angle reads 90°.
        let ten = 10f64.to_radians();
        let down = Vec3::new(ten.sin(), 0.0, -ten.cos());
        let forward = Vec3::new(ten.sin(), ten.cos(), 0.0);
        for thigh in [down, forward, forward * 0.45] {
            let a = thigh_out_of_sagittal_plane(thigh, f.outward(Side::Right));
            assert!((a - 10.0).abs() < 1e-9, "{a}");
            let b = thigh_out_of_sagittal_plane(thigh, f.outward(Side::Left));
            assert!((b + 10.0).abs() < 1e-9, "{b}");
        }
        assert!((plane_angle(-forward, -f.outward(Side::Right), f.up) - 90.0).abs() < 1e-9);
        // Hanging in the frontal plane, the two definitions agree.
        let frontal = plane_angle(-down, -f.outward(Side::Right), f.up);
        assert!((frontal - 10.0).abs() < 1e-9, "{frontal}");
        assert!(thigh_out_of_sagittal_plane(Vec3::new(0.0, 0.0, 0.0), f.lateral).is_nan());
    }

    #[test]
    fn plane_angles_have_the_documented_signs() {
        let f = frame();
        // Trunk leaning forward (+y) is positive flexion; to the right (+x) positive lean.
        assert!(plane_angle(Vec3::new(0.0, 0.5, 1.0), f.forward, f.up) > 0.0);
        assert!(plane_angle(Vec3::new(0.5, 0.0, 1.0), f.lateral, f.up) > 0.0);
        assert!(
            (flexion(
                Vec3::new(0.0, 0.0, 1.0),
                Vec3::ZERO,
                Vec3::new(0.0, 0.0, -1.0)
            ))
            .abs()
                < 1e-9
        );
    }
}
