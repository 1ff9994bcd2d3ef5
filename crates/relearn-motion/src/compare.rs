//! Comparison of one repetition with a reference movement: time normalisation, dynamic time
//! warping onto the reference, z-scores against the normal variability, and the feature
//! vector the template's models read.
//!
//! Steps for a repetition (frames `start..end` of a prepared recording):
//! 1. every channel ([`crate::channels`]) is linearly resampled to `points` samples (0-100 %
//!    of the movement);
//! 2. the curves, each divided by the channel's typical spread, are aligned to the reference
//!    mean by DTW with a Sakoe-Chiba band (10 % of the points by default), so a patient who is
//!    slower in one phase is compared phase for phase (Sakoe & Chiba 1978);
//! 3. the aligned curves are compared point by point with the reference band:
//!    `z = (aligned − mean) / sd_eff`, where `sd_eff` is the normal variability of the correct
//!    examples at that point, floored so that a phase where everybody is identical does not
//!    turn millimetres into large z;
//! 4. features per channel: RMS of z (how far outside the normal band) and mean z (in which
//!    direction), plus the DTW distance and the log duration ratio.

use crate::channels::{extract, Channel};
use crate::prepare::PreparedRecording;
use rayon::prelude::*;
use relearn_core::dtw::{dtw_align, warp_to, Series};
use relearn_core::resample::resample_linear;
use relearn_core::vector::{
    squared_distance_skipping_missing, weighted_squared_distance_skipping_missing,
};
use serde::{Deserialize, Serialize};

/// Time-normalised curves of one repetition: `points × channels`, frame-major.
#[derive(Debug, Clone, PartialEq)]
pub struct RepCurves {
    /// Values, `points × channels`.
    pub values: Vec<f64>,
    /// Number of points.
    pub points: usize,
    /// Duration of the repetition in seconds.
    pub duration_s: f64,
}

/// Extracts and time-normalises a repetition.
pub fn rep_curves(
    p: &PreparedRecording,
    channels: &[Channel],
    start: usize,
    end: usize,
    points: usize,
) -> RepCurves {
    let raw = extract(p, channels, start, end);
    let c = channels.len();
    let frames = raw.len().checked_div(c).unwrap_or(0);
    let raw = &raw[..frames * c];
    // All channels at once, row by row; then only the channels with a missing value are
    // redone on their own, gaps filled first (the same values, bit for bit, as resampling
    // every channel on its own: `resample_rows`).
    let mut values = relearn_core::resample::resample_rows(raw, c, points);
    let mut missing = vec![false; c];
    for row in raw.chunks_exact(c.max(1)) {
        for (m, v) in missing.iter_mut().zip(row) {
            *m |= !v.is_finite();
        }
    }
    for (k, _) in missing.iter().enumerate().filter(|(_, m)| **m) {
        let col: Vec<f64> = (0..frames).map(|f| raw[f * c + k]).collect();
        let col = fill_nan_edges(col);
        for (i, v) in resample_linear(&col, points).into_iter().enumerate() {
            values[i * c + k] = v;
        }
    }
    RepCurves {
        values,
        points,
        duration_s: (end.saturating_sub(start)) as f64 / p.recording.rate_hz,
    }
}

/// Fills missing values: interior gaps linearly, the edges with the nearest finite value (a
/// channel missing at a repetition's edge would otherwise spread NaN through interpolation,
/// and a NaN inside would force the slow path of DTW); an all-NaN column stays NaN.
fn fill_nan_edges(mut v: Vec<f64>) -> Vec<f64> {
    let Some(first) = v.iter().position(|x| x.is_finite()) else {
        return v;
    };
    let last = v.iter().rposition(|x| x.is_finite()).unwrap_or(first);
    let (head, tail) = (v[first], v[last]);
    v[..first].iter_mut().for_each(|x| *x = head);
    v[last + 1..].iter_mut().for_each(|x| *x = tail);
    let mut prev = first;
    for i in first + 1..=last {
        if v[i].is_finite() {
            if i > prev + 1 {
                let (a, b) = (v[prev], v[i]);
                let span = (i - prev) as f64;
                for (step, slot) in v[prev + 1..i].iter_mut().enumerate() {
                    *slot = a + (step + 1) as f64 / span * (b - a);
                }
            }
            prev = i;
        }
    }
    v
}

/// The reference a repetition is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Number of points of the time-normalised movement.
    pub points: usize,
    /// Channels, in order.
    pub channels: Vec<Channel>,
    /// Mean curve of the correct examples, `points × channels`.
    pub mean: Vec<f64>,
    /// Normal variability (SD across correct examples, after alignment), `points × channels`.
    pub sd: Vec<f64>,
    /// Effective SD used for z-scores (floored), `points × channels`.
    pub sd_eff: Vec<f64>,
    /// Typical spread of each channel (used to weigh channels equally in DTW).
    pub scale: Vec<f64>,
    /// Sakoe-Chiba half-width in points.
    pub band: usize,
    /// Median duration of the correct repetitions, seconds.
    pub duration_s: f64,
    /// Which features [`Reference::compare`] produces.
    pub features: FeatureSettings,
    /// The fault direction: mean of the incorrect examples minus the reference mean, divided by
    /// the effective SD, `points × channels` (`None` without incorrect examples). Projecting a
    /// repetition's z-curve onto it asks "does it deviate the way the incorrect examples do?"
    /// (a matched filter; Fisher's discriminant with a diagonal covariance, Hastie et al., ESL
    /// §4.3), so a person's harmless style, orthogonal to the fault, does not count.
    #[serde(default)]
    pub fault_direction: Option<Vec<f64>>,
    /// Mean starting posture of the correct examples per channel, when the curves are compared
    /// relative to the start ([`FeatureSettings::relative_to_start`]); add it to `mean` to get
    /// absolute values ([`Reference::absolute_mean`]) for plots and the replay.
    #[serde(default)]
    pub start_posture: Option<Vec<f64>>,
    /// Range of motion of each channel over a correct repetition (largest minus smallest
    /// value after alignment): mean and SD across the correct examples, per channel (empty
    /// when the template does not use [`FeatureSettings::excursion`]).
    #[serde(default)]
    pub excursion_mean: Vec<f64>,
    /// See [`Reference::excursion_mean`].
    #[serde(default)]
    pub excursion_sd: Vec<f64>,
    /// For each channel, its mirror image's index ([`crate::channels::mirror_map`]); empty
    /// when repetitions are not mirrored.
    #[serde(default)]
    pub mirror_index: Vec<usize>,
    /// The sign each channel takes in its mirror image (see [`Reference::mirror_index`]).
    #[serde(default)]
    pub mirror_sign: Vec<f64>,
    /// How far the demonstration lies from its own mirror image, against how far its correct
    /// examples lie from it ([`SideAsymmetry`]): whether a repetition's side can be told
    /// from how much of that asymmetry it shows. Absent when repetitions are not mirrored,
    /// and in templates written before it existed (their repetitions are mirrored by
    /// [`MIRROR_CLOSER`] alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sides: Option<SideAsymmetry>,
    /// The same test on the starting posture ([`StartSides`]): absent when repetitions are
    /// not mirrored or not compared relative to their start, with fewer than two correct
    /// examples, and in templates written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_sides: Option<StartSides>,
}

/// The side test of [`SideAsymmetry`] on the starting posture, which comparing changes from
/// the start leaves out: an internal-external rotation with the arm held out to the side,
/// or a lunge's split stance, shows its side in the posture it starts from far more than in
/// the movement that follows (UI-PRMD: the two people rotating the left shoulder were
/// compared as performed in 13 of their 40 repetitions; VALIDATION.md §4, "The side from the
/// starting posture"). Distances are squared, each channel's starting value in units of its
/// smallest credited variability (1°, 0.5 cm, 0.5 % of body size: `unit_floor`), that is in
/// the channels' own units, so that a posture held differently (an arm out to the side)
/// counts by its size. Dividing instead by how much the correct examples' starting postures
/// differ from one person to the next shrinks exactly the channels in which the sides differ
/// most (people hold the arm out at different heights): on UI-PRMD the rotation's starting
/// posture then lay 1.8 times as far from its mirror image as its examples from it, instead
/// of 12.2, and the accuracy was 0.902 against 0.903 (VALIDATION.md §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartSides {
    /// Per channel, the unit its starting value is measured in (its smallest credited
    /// variability: 1°, 0.5 cm, 0.5 %).
    pub spread: Vec<f64>,
    /// The demonstration's starting posture against its own mirror image, and its correct
    /// examples' (as performed, each on its nearer side) against it.
    pub sides: SideAsymmetry,
}

/// How many times farther from its mirror image than its correct examples are from it
/// (median) a demonstration's starting posture must be for a repetition's side to be told
/// from its start ([`StartSides::one_sided`]): 2 (*Relearn default*). A starting posture
/// barely more asymmetric than people differ from one another tells no side: on UI-PRMD the
/// hurdle step's and the leg raise's stand at 1.0-1.1 (feet together, weight shifting to the
/// standing leg), and at 1 one incorrect leg raise on the demonstrated side was compared
/// mirrored; the rotation's (12), the inline lunge's (6) and the shoulder extension's (3.5)
/// stand clear. 2 and 3 give the same accuracy, 4 loses the shoulder extension's gain
/// (VALIDATION.md §4, "The side from the starting posture").
pub const START_ONE_SIDED: f64 = 2.0;

impl StartSides {
    /// Whether the demonstration's starting posture is one-sided enough to tell a
    /// repetition's side ([`START_ONE_SIDED`]).
    pub fn one_sided(&self) -> bool {
        self.sides.mirror > START_ONE_SIDED * self.sides.examples
    }

    /// Squared distances of a starting posture `start` from the demonstration's `reference`
    /// as it is and as its mirror image (`index`, `sign`: [`mirror_curve`]); missing values
    /// add nothing.
    fn distances(
        &self,
        reference: &[f64],
        start: &[f64],
        index: &[usize],
        sign: &[f64],
    ) -> (f64, f64) {
        let image = mirror_curve(start, index, sign);
        let d = |x: &[f64]| {
            reference
                .iter()
                .zip(x)
                .zip(&self.spread)
                .map(|((r, v), s)| ((v - r) / s).powi(2))
                .filter(|t| t.is_finite())
                .sum::<f64>()
        };
        (d(start), d(&image))
    }
}

/// How many of a time-normalised repetition's `points` make its starting posture: the first
/// [`START_POSTURE_PCT`] %, at least one.
fn start_posture_points(points: usize) -> usize {
    ((START_POSTURE_PCT / 100.0 * points as f64).round() as usize).clamp(1, points.max(1))
}

/// A repetition's starting posture: each channel's mean over its first [`START_POSTURE_PCT`]
/// % of points (what [`subtract_start_posture`] subtracts).
fn start_of(values: &[f64], points: usize, channels: usize) -> Vec<f64> {
    let k = start_posture_points(points);
    let head: Vec<&[f64]> = values.chunks(channels.max(1)).take(k).collect();
    let mut means = relearn_core::stats::column_means(&head);
    means.resize(channels, None);
    means.into_iter().map(|m| m.unwrap_or(f64::NAN)).collect()
}

/// How one-sided a demonstration is, in squared distances on the scaled curves (the
/// distance [`Aligner::align`] decides the side with, before DTW).
///
/// Let `a` be the demonstration minus its mirror image. A repetition `x` with mirror image
/// `x'` is closer to the demonstration as performed than mirrored by `d(x) − d(x') =
/// −⟨a, x − x'⟩`: the projection of its own left-right difference on the demonstration's,
/// which is `−|a|²` for a repetition just like the demonstration and `+|a|²` for its mirror
/// image, whatever else differs (exactly so when a channel and its mirror image are scaled
/// alike, and missing values aside; the two sides' scales differ little). So the side of a repetition that moves unlike the
/// demonstration (an incorrect one, often far from it) still shows, where a ratio of the
/// two distances ([`MIRROR_CLOSER`]) drowns it in what both share. A repetition is taken
/// as mirrored when it is closer mirrored by more than half of `|a|²`
/// ([`MIRROR_SHARE`], halfway between the two sides), provided the demonstration is
/// one-sided: `|a|²` ([`SideAsymmetry::mirror`]) beyond the median distance of its correct
/// examples from it ([`SideAsymmetry::examples`]). Symmetric movements (a squat, sit to
/// stand) have a demonstration closer to its mirror image than its own examples are to it;
/// their repetitions' left-right differences are the person's, not a side, and only the
/// ratio test applies (VALIDATION.md §4, "The other side").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SideAsymmetry {
    /// Squared distance between the demonstration and its mirror image, `|a|²`.
    pub mirror: f64,
    /// Median squared distance of the correct examples from the demonstration, each on its
    /// nearer side.
    pub examples: f64,
}

impl SideAsymmetry {
    /// Whether the demonstration is one-sided enough for a repetition's side to be told by
    /// [`MIRROR_SHARE`] (see [`SideAsymmetry`]).
    pub fn one_sided(&self) -> bool {
        self.mirror > self.examples
    }
}

/// Share of the demonstration's own left-right difference by which a repetition must be
/// closer to its mirror image than to it, in a one-sided demonstration, to be compared
/// mirrored: 0.5, halfway between the demonstration (closer as performed by all of it) and
/// its mirror image (closer mirrored by all of it) ([`SideAsymmetry`]).
pub const MIRROR_SHARE: f64 = 0.5;

/// The mirror image of a `points × channels` curve: channel `k` takes the values of channel
/// `index[k]` times `sign[index[k]]`.
pub fn mirror_curve(values: &[f64], index: &[usize], sign: &[f64]) -> Vec<f64> {
    let c = index.len().max(1);
    let mut out = vec![f64::NAN; values.len()];
    for (src, dst) in values.chunks(c).zip(out.chunks_mut(c)) {
        for (k, d) in dst.iter_mut().enumerate() {
            let m = index.get(k).copied().unwrap_or(k);
            if let (Some(v), Some(sg)) = (src.get(m), sign.get(m)) {
                *d = v * sg;
            }
        }
    }
    out
}

/// Range of motion (largest minus smallest finite value) of each channel of a
/// `points × channels` curve; NaN for a channel without finite values.
pub fn channel_excursions(values: &[f64], channels: usize) -> Vec<f64> {
    let mut lo = vec![f64::INFINITY; channels];
    let mut hi = vec![f64::NEG_INFINITY; channels];
    for row in values.chunks(channels.max(1)) {
        for ((l, h), v) in lo.iter_mut().zip(hi.iter_mut()).zip(row) {
            // A missing or infinite value becomes NaN, which `min` and `max` pass over: the
            // same result as skipping it, without a branch (so the loop vectorises).
            let v = if v.is_finite() { *v } else { f64::NAN };
            *l = l.min(v);
            *h = h.max(v);
        }
    }
    lo.iter()
        .zip(&hi)
        .map(|(l, h)| if h >= l { h - l } else { f64::NAN })
        .collect()
}

/// Which features describe a repetition for the template's models.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeatureSettings {
    /// Include each channel's RMS z (distance from the normal band in either direction).
    pub rms_z: bool,
    /// Number of equal phase windows over which each channel's mean z is taken (1 = the whole
    /// movement); mean z keeps the direction of a difference.
    pub phase_windows: usize,
    /// Compare each signal as its change from the starting posture of the repetition (the
    /// mean of its first [`START_POSTURE_PCT`] %), so that a person's static signature (stance
    /// width, leg shape, how the camera fits their skeleton) does not look like a fault; the
    /// fault rules still read absolute values.
    pub relative_to_start: bool,
    /// Include the projection of each channel's z-curve onto the fault direction (the mean
    /// difference of the incorrect examples from the reference, in z units), when the template
    /// has incorrect examples.
    pub fault_projection: bool,
    /// z-scores are bounded to ±`z_limit` before features are taken: beyond about 4 SD a
    /// repetition is as abnormal as it gets, and larger values mostly come from tracking
    /// glitches (an occluded knee), which must not outweigh every other signal (a Huber-style
    /// bound; Huber 1964). 0 disables the bound.
    #[serde(default)]
    pub z_limit: f64,
    /// Include each channel's range of motion against the correct examples' (in SDs of
    /// theirs): "how far" a joint travels, whatever the timing, the commonest difference
    /// between a correct and a non-optimal repetition (a shallow squat, a short abduction).
    #[serde(default)]
    pub excursion: bool,
    /// Compare a repetition performed on the other side of the body (the other leg forward,
    /// the other arm) with the mirror image of the demonstration: each repetition is taken
    /// as performed or mirrored (left and right swapped, sideways signs flipped), whichever
    /// is closer to the reference, and the reference itself is built from the correct
    /// examples brought to one side. Differences are reported on the side the person used.
    #[serde(default)]
    pub mirror: bool,
}

/// Share of the movement (percent) whose mean is the starting posture.
pub const START_POSTURE_PCT: f64 = 5.0;

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            rms_z: true,
            phase_windows: 1,
            relative_to_start: true,
            fault_projection: true,
            z_limit: 4.0,
            excursion: true,
            mirror: true,
        }
    }
}

/// Subtracts each channel's starting posture (mean of the first [`START_POSTURE_PCT`] % of
/// points) from a time-normalised repetition, in place.
pub fn subtract_start_posture(values: &mut [f64], points: usize, channels: usize) {
    if channels == 0 {
        return;
    }
    let k = start_posture_points(points);
    let rows = values.len().min(points * channels) / channels;
    let head: Vec<&[f64]> = values.chunks(channels).take(k.min(rows)).collect();
    let base = relearn_core::stats::column_means(&head);
    for row in values.chunks_mut(channels).take(rows) {
        for (v, b) in row.iter_mut().zip(&base) {
            if let Some(b) = b {
                *v -= b;
            }
        }
    }
}

/// A repetition aligned to the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The repetition's curves warped onto the reference's time axis, `points × channels`.
    pub aligned: Vec<f64>,
    /// z-scores, `points × channels` (NaN where the channel is missing).
    pub z: Vec<f64>,
    /// DTW distance on scaled channels, per point and channel (RMS).
    pub distance: f64,
    /// The features for the template's models.
    pub features: Vec<f64>,
    /// For each reference point, the repetition's phase (percent) it was matched to.
    pub phase_map: Vec<f64>,
    /// RMS z of each channel over the movement.
    pub channel_rms_z: Vec<f64>,
    /// True when the repetition was compared as its mirror image (performed on the other
    /// side from the demonstration): channel `k` of `aligned` and `z` then describes the
    /// person's channel `mirror_index[k]`, with sign `mirror_sign[k]`.
    pub mirrored: bool,
}

/// A repetition aligned to the reference: the first half of [`Reference::compare`]
/// ([`Reference::align`]), from which [`Reference::describe`] computes the features. Building
/// a template aligns some repetitions without needing their features, and describes others
/// twice against references that differ only in what the features use.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// The repetition's curves warped onto the reference's time axis, `points × channels`.
    pub aligned: Vec<f64>,
    /// DTW distance on scaled channels, per point and channel (RMS).
    pub distance: f64,
    /// For each reference point, the repetition's phase (percent) it was matched to.
    pub phase_map: Vec<f64>,
    /// True when the repetition was aligned as its mirror image ([`Comparison::mirrored`]).
    pub mirrored: bool,
    /// The repetition's duration, s.
    pub duration_s: f64,
}

impl Reference {
    /// Number of channels.
    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    /// Names of the features [`Reference::compare`] produces, in order.
    pub fn feature_names(&self) -> Vec<String> {
        let mut v = Vec::with_capacity(2 * self.channels.len() + 2);
        let w = self.features.phase_windows;
        for c in &self.channels {
            if self.features.rms_z {
                v.push(format!("{}:rms_z", c.id()));
            }
            for k in 0..w {
                v.push(format!(
                    "{}:mean_z[{}-{}%]",
                    c.id(),
                    100 * k / w,
                    100 * (k + 1) / w
                ));
            }
        }
        if self.features.fault_projection && self.fault_direction.is_some() {
            for c in &self.channels {
                v.push(format!("{}:fault_projection", c.id()));
            }
            v.push("all:fault_projection".into());
        }
        if self.uses_excursion() {
            for c in &self.channels {
                v.push(format!("{}:excursion_z", c.id()));
            }
        }
        v.push("dtw_distance".into());
        v.push("log_duration_ratio".into());
        v
    }

    /// True when the excursion features are on and the template has their statistics.
    fn uses_excursion(&self) -> bool {
        self.features.excursion && self.excursion_mean.len() == self.channels.len()
    }

    /// Aligns a repetition's curves to the reference and computes its features
    /// ([`Reference::align`], then [`Reference::describe`]).
    pub fn compare(&self, rep: &RepCurves) -> crate::Result<Comparison> {
        Ok(self.describe(self.align(rep)?))
    }

    /// Aligns a repetition's curves to the reference by DTW (on scaled curves, relative to the
    /// start posture when the features say so, mirrored when its mirror image is clearly
    /// closer: [`MIRROR_CLOSER`]).
    pub fn align(&self, rep: &RepCurves) -> crate::Result<Alignment> {
        self.aligner().align(rep)
    }

    /// An [`Aligner`] for aligning many repetitions to this reference.
    pub fn aligner(&self) -> Aligner<'_> {
        let inverse_scale: Vec<f64> = self.scale.iter().map(|s| 1.0 / s).collect();
        let scaled_mean = scaled(&self.mean, &inverse_scale);
        // For each channel taking part in the mirror distance: where its mirror image is and
        // the sign and inverse scale it is taken with (channels without a sign, or whose
        // image lies outside a row, add nothing).
        let c = self.channels.len();
        let mirror_terms = (0..c)
            .filter_map(|k| {
                let src = self.mirror_index.get(k).copied().unwrap_or(k);
                let sign = *self.mirror_sign.get(src)?;
                let inv = *inverse_scale.get(k)?;
                (src < c).then_some(MirrorTerm { k, src, sign, inv })
            })
            .collect();
        Aligner {
            reference: self,
            inverse_scale,
            scaled_mean,
            mirror_terms,
        }
    }

    /// z-scores of aligned curves against the reference's mean and effective SD,
    /// `points × channels` (NaN where either is missing).
    pub fn z_scores(&self, aligned: &[f64]) -> Vec<f64> {
        aligned
            .iter()
            .zip(self.mean.iter().zip(&self.sd_eff))
            .map(|(x, (m, s))| {
                if x.is_finite() && m.is_finite() && *s > 0.0 {
                    (x - m) / s
                } else {
                    f64::NAN
                }
            })
            .collect()
    }

    /// The features and z-scores of an aligned repetition (the second half of
    /// [`Reference::compare`]).
    pub fn describe(&self, alignment: Alignment) -> Comparison {
        let Alignment {
            aligned,
            distance,
            phase_map,
            mirrored,
            duration_s,
        } = alignment;
        let c = self.channels.len();
        let p = self.points;
        let mut z = self.z_scores(&aligned);
        z.resize(p * c, f64::NAN);
        let w = self.features.phase_windows;
        let mut features = Vec::with_capacity((w + 1) * c + 2);
        let mut channel_rms_z = Vec::with_capacity(c);
        let lim = self.features.z_limit;
        let bounded = |v: f64| if lim > 0.0 { v.clamp(-lim, lim) } else { v };
        // The z-scores bounded once; every per-channel sum below is taken row by row with one
        // accumulator per channel: each channel's values are still added in point order (the
        // same bits as a sum down the channel), but the channels' sums are independent, so
        // they proceed side by side instead of waiting on one another, and nothing is
        // transposed. A missing value adds +0.0, which leaves these sums unchanged (none of
        // them can be −0.0).
        let zb: Vec<f64> = z.iter().take(p * c).map(|v| bounded(*v)).collect();
        let rows = || zb.chunks_exact(c.max(1));
        let mut squares = vec![0.0; c];
        let mut finite = vec![0usize; c];
        for row in rows() {
            for ((s, n), v) in squares.iter_mut().zip(&mut finite).zip(row) {
                let ok = v.is_finite();
                *s += if ok { v * v } else { 0.0 };
                *n += usize::from(ok);
            }
        }
        // Each phase window's mean of the bounded z-scores, channel by channel.
        let windows: Vec<Vec<Option<f64>>> = (0..w)
            .map(|win| {
                let (a, b) = (win * p / w, ((win + 1) * p / w).max(win * p / w + 1).min(p));
                let mut means = relearn_core::stats::ColumnMeans::new(c);
                rows().take(b).skip(a).for_each(|row| means.add(row));
                means.finish()
            })
            .collect();
        let ratio_or_nan = |s: f64, n: usize| if n > 0 { s / n as f64 } else { f64::NAN };
        for k in 0..c {
            let rms = ratio_or_nan(squares[k], finite[k]).sqrt();
            channel_rms_z.push(rms);
            if self.features.rms_z {
                features.push(rms);
            }
            for means in &windows {
                features.push(means[k].unwrap_or(f64::NAN));
            }
        }
        if let (true, Some(d)) = (self.features.fault_projection, &self.fault_direction) {
            let mut num = vec![0.0; c];
            let mut den = vec![0.0; c];
            for (row, drow) in rows().zip(d.chunks_exact(c.max(1))) {
                for (((nu, de), zi), di) in num.iter_mut().zip(&mut den).zip(row).zip(drow) {
                    let ok = zi.is_finite() && di.is_finite();
                    *nu += if ok { zi * di } else { 0.0 };
                    *de += if ok { di * di } else { 0.0 };
                }
            }
            let (mut num_all, mut den_all) = (0.0, 0.0);
            for (nu, de) in num.iter().zip(&den) {
                num_all += nu;
                den_all += de;
                features.push(if *de > 1e-12 { nu / de.sqrt() } else { 0.0 });
            }
            features.push(if den_all > 1e-12 {
                num_all / den_all.sqrt()
            } else {
                0.0
            });
        }
        if self.uses_excursion() {
            let lim = if lim > 0.0 { lim } else { f64::INFINITY };
            for (k, e) in channel_excursions(&aligned, c).iter().enumerate() {
                let floor = unit_floor(&self.channels[k]);
                let sd = self.excursion_sd.get(k).copied().unwrap_or(0.0).max(floor);
                let m = self.excursion_mean.get(k).copied().unwrap_or(f64::NAN);
                let z = (e - m) / sd;
                features.push(if z.is_finite() {
                    z.clamp(-lim, lim)
                } else {
                    0.0
                });
            }
        }
        features.push(distance);
        let ratio = if self.duration_s > 0.0 && duration_s > 0.0 {
            (duration_s / self.duration_s).ln()
        } else {
            f64::NAN
        };
        features.push(ratio);
        Comparison {
            aligned,
            z,
            distance,
            features,
            phase_map,
            channel_rms_z,
            mirrored,
        }
    }
}

/// Aligns repetitions to one reference, with what every alignment shares (the scaled mean,
/// the inverse channel scales) computed once ([`Reference::aligner`]).
#[derive(Debug, Clone)]
pub struct Aligner<'r> {
    reference: &'r Reference,
    inverse_scale: Vec<f64>,
    scaled_mean: Vec<f64>,
    mirror_terms: Vec<MirrorTerm>,
}

/// One channel's part in [`Aligner::mirror_distance`]: channel `k` of the scaled mean against
/// channel `src` of the repetition times `sign` and the inverse scale `inv`.
#[derive(Debug, Clone, Copy)]
struct MirrorTerm {
    k: usize,
    src: usize,
    sign: f64,
    inv: f64,
}

impl Aligner<'_> {
    /// Aligns a repetition's curves to the reference by DTW (on scaled curves, relative to the
    /// start posture when the features say so, mirrored when its mirror image is clearly
    /// closer: [`MIRROR_CLOSER`]).
    pub fn align(&self, rep: &RepCurves) -> crate::Result<Alignment> {
        let r = self.reference;
        let c = r.channels.len();
        let p = r.points;
        // The starting posture as performed, for the side test on it (`StartSides`).
        let start = r
            .start_sides
            .as_ref()
            .map(|_| start_of(&rep.values, rep.points, c));
        let shifted;
        let rep = if r.features.relative_to_start {
            let mut values = rep.values.clone();
            subtract_start_posture(&mut values, rep.points, c);
            shifted = RepCurves {
                values,
                points: rep.points,
                duration_s: rep.duration_s,
            };
            &shifted
        } else {
            rep
        };
        // Performed on the other side? Compare its mirror image when that is closer to the
        // reference (both are time-normalised, so a plain distance decides).
        let mut a = std::borrow::Cow::Borrowed(self.scaled_mean.as_slice());
        let mut b = scaled(&rep.values, &self.inverse_scale);
        let mirror_image;
        let mut mirrored = false;
        let rep = if !r.mirror_index.is_empty() && rep.values.len() == r.mean.len() {
            if self.is_other_side(
                squared_distance_skipping_missing(&a, &b),
                self.mirror_distance(&rep.values),
            ) || self.starts_on_other_side(start.as_deref())
            {
                let image = mirror_curve(&rep.values, &r.mirror_index, &r.mirror_sign);
                mirrored = true;
                b = scaled(&image, &self.inverse_scale);
                mirror_image = RepCurves {
                    values: image,
                    points: rep.points,
                    duration_s: rep.duration_s,
                };
                &mirror_image
            } else {
                rep
            }
        } else {
            rep
        };
        // A channel missing in either contributes nothing to the alignment (zero in both, so
        // DTW keeps its vectorised path).
        // (Found in one pass over the rows, in memory order.)
        let rows = p.min(rep.points);
        let mut missing = vec![false; c];
        for (ra, rb) in a
            .chunks_exact(c.max(1))
            .zip(b.chunks_exact(c.max(1)))
            .take(rows)
        {
            for ((m, x), y) in missing.iter_mut().zip(ra).zip(rb) {
                // x·0 + y·0 is ±0 when both are finite and NaN otherwise (no branch).
                *m |= x * 0.0 + y * 0.0 != 0.0;
            }
        }
        for (k, _) in missing.iter().enumerate().filter(|(_, m)| **m) {
            let a = a.to_mut();
            (0..p).for_each(|i| a[i * c + k] = 0.0);
            (0..rep.points).for_each(|i| b[i * c + k] = 0.0);
        }
        let al = dtw_align(Series::new(&a, c)?, Series::new(&b, c)?, Some(r.band))?;
        let aligned = warp_to(&al.path, Series::new(&rep.values, c)?, p);
        let mut phase_sum = vec![0.0; p];
        let mut phase_n = vec![0usize; p];
        for &(i, j) in &al.path {
            if let (Some(s), Some(n)) = (phase_sum.get_mut(i), phase_n.get_mut(i)) {
                *s += j as f64 / (rep.points.max(2) - 1) as f64 * 100.0;
                *n += 1;
            }
        }
        let phase_map = phase_sum
            .iter()
            .zip(&phase_n)
            .map(|(s, n)| if *n > 0 { s / *n as f64 } else { f64::NAN })
            .collect();
        Ok(Alignment {
            aligned,
            distance: al.distance / ((p * c.max(1)) as f64).sqrt(),
            phase_map,
            mirrored,
            duration_s: rep.duration_s,
        })
    }

    /// Whether a repetition at squared distance `plain` from the reference as performed and
    /// `image` as its mirror image was performed on the other side: its image is closer by
    /// [`MIRROR_CLOSER`], or, in a one-sided demonstration, by more than [`MIRROR_SHARE`] of
    /// the demonstration's own left-right difference ([`SideAsymmetry`]).
    fn is_other_side(&self, plain: f64, image: f64) -> bool {
        image * MIRROR_CLOSER < plain
            || self
                .reference
                .sides
                .is_some_and(|s| s.one_sided() && plain - image > MIRROR_SHARE * s.mirror)
    }

    /// Whether a repetition starting from the posture `start` (as performed) starts on the
    /// other side: in a demonstration whose starting posture is one-sided
    /// ([`StartSides::one_sided`]), closer to the
    /// mirror image of that posture by more than [`MIRROR_SHARE`] of its own left-right
    /// difference ([`StartSides`]). False without a start or the test.
    fn starts_on_other_side(&self, start: Option<&[f64]>) -> bool {
        let r = self.reference;
        let (Some(start), Some(t), Some(reference)) =
            (start, r.start_sides.as_ref(), r.start_posture.as_deref())
        else {
            return false;
        };
        if !t.one_sided() {
            return false;
        }
        let (plain, image) = t.distances(reference, start, &r.mirror_index, &r.mirror_sign);
        plain - image > MIRROR_SHARE * t.sides.mirror
    }

    /// The [`SideAsymmetry`] of the reference, its examples' distances measured on
    /// `correct` (the correct examples' curves, as performed); `None` when repetitions are
    /// not mirrored or there is no example.
    pub fn side_asymmetry(&self, correct: &[&RepCurves]) -> Option<SideAsymmetry> {
        let r = self.reference;
        if r.mirror_index.is_empty() || correct.is_empty() {
            return None;
        }
        let c = r.channels.len();
        let distances: Vec<f64> = correct
            .par_iter()
            .filter(|rep| rep.values.len() == r.mean.len())
            .map(|rep| {
                let mut values = rep.values.clone();
                if r.features.relative_to_start {
                    subtract_start_posture(&mut values, rep.points, c);
                }
                let plain = squared_distance_skipping_missing(
                    &self.scaled_mean,
                    &scaled(&values, &self.inverse_scale),
                );
                plain.min(self.mirror_distance(&values))
            })
            .collect();
        let examples = relearn_core::stats::median(&distances)?;
        Some(SideAsymmetry {
            mirror: self.mirror_distance(&r.mean),
            examples,
        })
    }

    /// Squared distance (missing values skipped) between the scaled mean and the scaled
    /// mirror image of `values`, without building the image: most repetitions are not
    /// mirrored, and the image is only made for those that are.
    fn mirror_distance(&self, values: &[f64]) -> f64 {
        let c = self.reference.channels.len().max(1);
        // Whole rows of both, four at a time: each row's sum is still taken channel by
        // channel in order (the same bits), but four rows' sums proceed side by side rather
        // than one waiting on the last addition of the other.
        const ROWS: usize = 4;
        let full = self.scaled_mean.len().min(values.len()) / c;
        let mut total = 0.0;
        let mut first = 0;
        while first + ROWS <= full {
            let m = &self.scaled_mean[first * c..(first + ROWS) * c];
            let v = &values[first * c..(first + ROWS) * c];
            let mut rows = [0.0; ROWS];
            for t in &self.mirror_terms {
                for (l, row) in rows.iter_mut().enumerate() {
                    let d = m[l * c + t.k] - v[l * c + t.src] * t.sign * t.inv;
                    *row += if d.is_finite() { d * d } else { 0.0 };
                }
            }
            for row in rows {
                total += row;
            }
            first += ROWS;
        }
        // The remaining rows (and a last partial row), one at a time, by the same terms (a
        // channel missing from a partial row adds nothing).
        let rest_of_mean = self.scaled_mean.get(first * c..).unwrap_or_default();
        let rest_of_values = values.get(first * c..).unwrap_or_default();
        for (m, v) in rest_of_mean.chunks(c).zip(rest_of_values.chunks(c)) {
            let mut row = 0.0;
            for t in &self.mirror_terms {
                if let (Some(mk), Some(x)) = (m.get(t.k), v.get(t.src)) {
                    let d = mk - x * t.sign * t.inv;
                    row += if d.is_finite() { d * d } else { 0.0 };
                }
            }
            total += row;
        }
        total
    }
}

/// `values` (`points × channels`) with each channel multiplied by its inverse scale, row by
/// row (no division, and no division of the index per value: this runs for every alignment).
fn scaled(values: &[f64], inverse_scale: &[f64]) -> Vec<f64> {
    let c = inverse_scale.len().max(1);
    let mut out = values.to_vec();
    for row in out.chunks_mut(c) {
        for (v, s) in row.iter_mut().zip(inverse_scale) {
            *v *= s;
        }
    }
    out
}

/// Builds the reference from the correct repetitions' curves: starting from the medoid, the
/// mean is refined by aligning every repetition to the current mean and averaging, `rounds`
/// times (at least once: DTW barycentre averaging, Petitjean, Ketterlin & Gançarski 2011);
/// the normal variability is that of the last round's alignments.
pub fn build_reference<R: std::borrow::Borrow<RepCurves> + Sync>(
    channels: Vec<Channel>,
    curves: &[R],
    points: usize,
    band: usize,
    sd_floor_fraction: f64,
    features: FeatureSettings,
    rounds: usize,
) -> crate::Result<Reference> {
    let curves: Vec<&RepCurves> = curves.iter().map(std::borrow::Borrow::borrow).collect();
    let c = channels.len();
    if curves.is_empty() || c == 0 {
        return Err(crate::Error::Template(
            "no correct repetitions to learn the movement from".into(),
        ));
    }
    let mirror = if features.mirror {
        crate::channels::mirror_map(&channels)
    } else {
        None
    };
    let (mirrored, compared): (Vec<Option<RepCurves>>, Option<Vec<Vec<f64>>>) = match &mirror {
        Some((index, sign)) => {
            let o = orient_to_one_side(&curves, index, sign, c, features.relative_to_start);
            let images = o
                .images
                .into_iter()
                .zip(&curves)
                .map(|(image, r)| {
                    image.map(|values| RepCurves {
                        values,
                        points: r.points,
                        duration_s: r.duration_s,
                    })
                })
                .collect();
            (images, Some(o.compared))
        }
        None => (Vec::new(), None),
    };
    let as_performed = curves.clone();
    let curves: Vec<&RepCurves> = curves
        .iter()
        .enumerate()
        .map(|(i, r)| mirrored.get(i).and_then(Option::as_ref).unwrap_or(r))
        .collect();
    let start_posture = features.relative_to_start.then(|| {
        let k = start_posture_points(points);
        let heads: Vec<&[f64]> = curves
            .iter()
            .flat_map(|r| r.values.chunks(c).take(k))
            .collect();
        let mut means = relearn_core::stats::column_means(&heads);
        means.resize(c, None);
        means
            .into_iter()
            .map(|m| m.unwrap_or(0.0))
            .collect::<Vec<f64>>()
    });
    let mut shifted: Option<Vec<RepCurves>> = None;
    let curves: Vec<&RepCurves> = if features.relative_to_start {
        let own = match compared {
            // Already relative to the start, and mirrored where the curve is.
            Some(compared) => compared
                .into_iter()
                .zip(&curves)
                .map(|(values, r)| RepCurves {
                    values,
                    points: r.points,
                    duration_s: r.duration_s,
                })
                .collect(),
            None => curves
                .par_iter()
                .map(|r| {
                    let mut values = r.values.clone();
                    subtract_start_posture(&mut values, r.points, c);
                    RepCurves {
                        values,
                        points: r.points,
                        duration_s: r.duration_s,
                    }
                })
                .collect(),
        };
        shifted.insert(own).iter().collect()
    } else {
        curves
    };
    // Channel scale: pooled SD over all points of all correct repetitions.
    let all_points: Vec<&[f64]> = curves
        .iter()
        .flat_map(|r| r.values.chunks(c).take(points))
        .collect();
    let scale = channel_scale(&all_points, c);
    let durations: Vec<f64> = curves.iter().map(|r| r.duration_s).collect();
    let duration_s = relearn_core::stats::median(&durations).unwrap_or(0.0);
    // Medoid by Euclidean distance on scaled curves.
    let weights = inverse_square_scale(&scale, points);
    let values: Vec<&[f64]> = curves.iter().map(|r| r.values.as_slice()).collect();
    let medoid = medoid(&values, &weights);
    let mut reference = Reference {
        points,
        channels,
        mean: curves[medoid].values.clone(),
        sd: vec![0.0; points * c],
        sd_eff: vec![1.0; points * c],
        scale,
        band,
        duration_s,
        features,
        fault_direction: None,
        start_posture,
        excursion_mean: Vec::new(),
        excursion_sd: Vec::new(),
        mirror_index: Vec::new(),
        mirror_sign: Vec::new(),
        sides: None,
        start_sides: None,
    };
    if let Some((index, sign)) = mirror {
        reference.start_sides = reference
            .start_posture
            .as_deref()
            .and_then(|s| start_sides(s, &as_performed, &reference.channels, &index, &sign));
        reference.mirror_index = index;
        reference.mirror_sign = sign;
    }
    let mut aligned_all: Vec<Vec<f64>> = Vec::new();
    let rounds = rounds.max(1);
    let mean_of = |aligned: &[Vec<f64>]| -> Vec<f64> {
        by_column_blocks(aligned, |b| relearn_core::stats::column_means(b))
            .into_iter()
            .map(|m| m.unwrap_or(f64::NAN))
            .collect()
    };
    for _ in 1..rounds {
        // The previous round's curves are done with (their mean is taken): free them first,
        // so that this round reuses their memory.
        aligned_all.clear();
        let aligner = reference.aligner();
        aligned_all = curves
            .par_iter()
            .map(|r| aligner.align(r).map(|a| a.aligned))
            .collect::<crate::Result<_>>()?;
        reference.mean = mean_of(&aligned_all);
    }
    // The last round. Over this function's own start-relative copies, each copy is freed as
    // soon as it is aligned, so that the aligned curves reuse its memory rather than touch
    // new pages (BENCHMARKS.md, page faults).
    aligned_all.clear();
    let aligner = reference.aligner();
    aligned_all = if features.relative_to_start {
        shifted
            .take()
            .unwrap_or_default()
            .into_par_iter()
            .map(|r| aligner.align(&r).map(|a| a.aligned))
            .collect::<crate::Result<_>>()?
    } else {
        curves
            .par_iter()
            .map(|r| aligner.align(r).map(|a| a.aligned))
            .collect::<crate::Result<_>>()?
    };
    drop(aligner);
    reference.mean = mean_of(&aligned_all);
    if features.excursion {
        let excursions: Vec<Vec<f64>> = aligned_all
            .par_iter()
            .map(|a| channel_excursions(a, c))
            .collect();
        reference.excursion_mean = relearn_core::stats::column_means(&excursions)
            .into_iter()
            .map(|m| m.unwrap_or(f64::NAN))
            .collect();
        reference.excursion_sd = relearn_core::stats::column_std_devs(&excursions)
            .into_iter()
            .map(|s| s.unwrap_or(0.0))
            .collect();
    }
    reference.sd = by_column_blocks(&aligned_all, |b| relearn_core::stats::column_std_devs(b))
        .into_iter()
        .map(|s| s.unwrap_or(0.0))
        .collect();
    for k in 0..c {
        let col: Vec<f64> = (0..points).map(|i| reference.sd[i * c + k]).collect();
        let typical = relearn_core::stats::median(&col).unwrap_or(0.0);
        let floor = (sd_floor_fraction * typical).max(unit_floor(&reference.channels[k]));
        for i in 0..points {
            reference.sd_eff[i * c + k] = reference.sd[i * c + k].max(floor);
        }
    }
    Ok(reference)
}

/// The medoid of `curves` under the weighted squared distance, missing values skipped
/// ([`relearn_core::stats::medoid`]; the first curve if there are none), on the worker
/// threads: the spread of the values in blocks of positions ([`by_column_blocks`]), then each
/// curve's distance sum.
/// The same sums bit for bit as [`relearn_core::stats::distance_sums`] (each position and
/// each curve is summed in the same order), whatever the number of threads.
fn medoid(curves: &[&[f64]], weights: &[f64]) -> usize {
    use relearn_core::stats::{common_length, distance_sum, index_of_smallest, position_spreads};
    let len = common_length(curves, weights);
    let same_length: Vec<&[f64]> = curves.iter().map(|c| &c[..len]).collect();
    let spreads = by_column_blocks(&same_length, |b| position_spreads(b));
    let sums: Vec<f64> = curves
        .par_iter()
        .map(|c| distance_sum(c, &spreads, weights))
        .collect();
    index_of_smallest(&sums).unwrap_or(0)
}

/// A per-column statistic of `rows` (such as [`relearn_core::stats::column_means`]), computed
/// on blocks of columns in parallel and put back together in column order. Each column's
/// value depends on that column alone, read in row order, so the result is the same, bit for
/// bit, whatever the number of threads (in a template build they ran on one thread between
/// two parallel steps).
fn by_column_blocks<R, T>(rows: &[R], stat: impl Fn(&[&[f64]]) -> Vec<T> + Sync) -> Vec<T>
where
    R: AsRef<[f64]> + Sync,
    T: Send,
{
    /// Below this many values, one block: splitting would cost more than it saves.
    const MIN_VALUES_PER_BLOCK: usize = 1 << 15;
    let width = rows.first().map_or(0, |r| r.as_ref().len());
    let blocks = (rayon::current_num_threads() * 2)
        .min(width * rows.len() / MIN_VALUES_PER_BLOCK)
        .max(1);
    let size = width.div_ceil(blocks).max(1);
    let starts: Vec<usize> = (0..width).step_by(size).collect();
    if starts.len() <= 1 {
        let all: Vec<&[f64]> = rows.iter().map(AsRef::as_ref).collect();
        return stat(&all);
    }
    let parts: Vec<Vec<T>> = starts
        .par_iter()
        .map(|&lo| {
            let hi = (lo + size).min(width);
            // A row shorter than the first contributes to the columns it has (as in `stat`).
            let block: Vec<&[f64]> = rows
                .iter()
                .map(|r| {
                    let r = r.as_ref();
                    r.get(lo..hi.min(r.len())).unwrap_or(&[])
                })
                .collect();
            stat(&block)
        })
        .collect();
    parts.into_iter().flatten().collect()
}

/// The scale of each of `c` channels: its SD over `rows` (one row per point of every curve),
/// 1 where it is missing or (nearly) constant, so that dividing by it is always defined.
/// One pass down whole rows: the rows are narrow (one per point), so splitting them into
/// column blocks for the threads ([`by_column_blocks`]) cost more than it saved (a template
/// build's scales took twice as long split).
fn channel_scale(rows: &[&[f64]], c: usize) -> Vec<f64> {
    let mut scale: Vec<f64> = relearn_core::stats::column_std_devs(rows)
        .into_iter()
        .map(|s| s.filter(|v| *v > 1e-6).unwrap_or(1.0))
        .collect();
    scale.resize(c, 1.0);
    scale
}

/// Weights `1 / scale²` repeated for `points` rows: with
/// [`weighted_squared_distance_skipping_missing`] they give the distance between curves
/// whose channels are divided by `scale`.
fn inverse_square_scale(scale: &[f64], points: usize) -> Vec<f64> {
    let row: Vec<f64> = scale.iter().map(|s| 1.0 / (s * s)).collect();
    (0..points).flat_map(|_| row.iter().copied()).collect()
}

/// How much closer (a factor on the squared distance) a repetition's mirror image must be to
/// the reference than the repetition as performed for it to be compared mirrored: clearly the
/// other side, so that a symmetric movement (a squat) is not mirrored by noise (*Relearn
/// default*; 1.0, 1.25 and 1.5 give the same UI-PRMD accuracy, VALIDATION.md).
pub const MIRROR_CLOSER: f64 = 1.5;

/// The correct examples brought to one side ([`orient_to_one_side`]).
struct Oriented {
    /// Per example, its mirror image (as performed, not relative to the start) when it is to
    /// be compared mirrored; `None`: as performed.
    images: Vec<Option<Vec<f64>>>,
    /// Per example, the values compared from here on: relative to the start when the curves
    /// are compared so (the same bits as [`subtract_start_posture`] on the curve it is
    /// compared as), the mirror image for a mirrored example.
    compared: Vec<Vec<f64>>,
}

/// Brings the correct examples to one side: the medoid (smallest sum of distances to the
/// others, as performed; the majority side wins it) sets the side, and every example whose
/// mirror image is closer to it (by [`MIRROR_CLOSER`]) is mirrored. Distances are on the
/// curves relative to their start when `relative`, each channel divided by its spread over
/// all examples and their mirror images. That spread only decides which example is the
/// medoid and which are mirrored, so it is pooled from each example's moments
/// ([`Moments::pooled`]; a mirror image's moments are its channel's, signed) rather than
/// taken over copies of every image.
fn orient_to_one_side(
    curves: &[&RepCurves],
    index: &[usize],
    sign: &[f64],
    c: usize,
    relative: bool,
) -> Oriented {
    use relearn_core::stats::{column_moments, Moments};
    let (mut as_is, moments): (Vec<Vec<f64>>, Vec<Vec<Moments>>) = curves
        .par_iter()
        .map(|r| {
            let mut v = r.values.to_vec();
            if relative {
                subtract_start_posture(&mut v, r.points, c);
            }
            let rows: Vec<&[f64]> = v.chunks(c).collect();
            let m = column_moments(&rows);
            (v, m)
        })
        .unzip();
    let mut all = vec![Moments::default(); c];
    for m in &moments {
        for (a, b) in all.iter_mut().zip(m) {
            *a = a.pooled(*b);
        }
    }
    let scale: Vec<f64> = (0..c)
        .map(|k| {
            let m = index.get(k).copied().unwrap_or(k);
            let image = all.get(m).map_or(Moments::default(), |x| {
                x.scaled(sign.get(m).copied().unwrap_or(1.0))
            });
            all[k]
                .pooled(image)
                .std_dev()
                .filter(|v| *v > 1e-6)
                .unwrap_or(1.0)
        })
        .collect();
    let weights = inverse_square_scale(&scale, as_is.first().map_or(0, |v| v.len() / c.max(1)));
    let values: Vec<&[f64]> = as_is.iter().map(Vec::as_slice).collect();
    let medoid = medoid(&values, &weights);
    let dist = |x: &[f64], y: &[f64]| weighted_squared_distance_skipping_missing(x, y, &weights);
    let mirrored: Vec<bool> = as_is
        .par_iter()
        .map(|v| {
            let image = mirror_curve(v, index, sign);
            dist(&as_is[medoid], &image) * MIRROR_CLOSER < dist(&as_is[medoid], v)
        })
        .collect();
    let images: Vec<Option<Vec<f64>>> = curves
        .par_iter()
        .zip(as_is.par_iter_mut())
        .zip(&mirrored)
        .map(|((r, compared), &mirror)| {
            mirror.then(|| {
                let image = mirror_curve(&r.values, index, sign);
                *compared = image.clone();
                if relative {
                    subtract_start_posture(compared, r.points, c);
                }
                image
            })
        })
        .collect();
    Oriented {
        images,
        compared: as_is,
    }
}

impl Reference {
    /// How this reference tells a repetition done on the other side, in words for the
    /// clinician (`template show`): which of the tests of [`Aligner::align`] apply
    /// ([`MIRROR_CLOSER`], [`SideAsymmetry`], [`StartSides`]) and how one-sided the
    /// demonstration is (its distance from its mirror image over its examples' median
    /// distance from it, in movement and in starting posture).
    pub fn describe_sides(&self) -> String {
        if self.mirror_index.is_empty() {
            return "the other side: repetitions are compared as performed (no left and right \
                    signals to swap, or mirroring switched off)"
                .into();
        }
        // "the movement lies 6.5 times as far from its mirror image as its examples lie
        // from it"
        let lies = |what: &str, s: &SideAsymmetry| {
            let times = if s.examples > 0.0 {
                format!("{:.1} times", s.mirror / s.examples)
            } else {
                "infinitely".into()
            };
            format!("{what} lies {times} as far from its mirror image as its examples lie from it")
        };
        let mut tests = vec![format!(
            "when its mirror image is {MIRROR_CLOSER} times closer to it"
        )];
        let mut symmetric = Vec::new();
        let parts = [
            (
                self.sides.as_ref().map(|s| (s, s.one_sided())),
                "the demonstrated movement",
                "when it shows the demonstration's left-right difference the other way round",
            ),
            (
                self.start_sides.as_ref().map(|t| (&t.sides, t.one_sided())),
                "the demonstration's starting posture",
                "when it starts from the mirror image of the demonstration's starting posture",
            ),
        ];
        for (sides, what, test) in parts {
            match sides {
                Some((s, true)) => tests.push(format!("{test} ({})", lies(what, s))),
                Some((s, false)) => symmetric.push(lies(what, s)),
                None => {}
            }
        }
        let mut line = format!(
            "the other side: a repetition done with the other arm or leg is compared with the \
             mirrored demonstration {}",
            tests.join(", or ")
        );
        if !symmetric.is_empty() {
            line.push_str(&format!(
                "; {}: too close to symmetric to tell a side",
                symmetric.join(", and ")
            ));
        }
        line
    }

    /// The mean curves in absolute values (`mean` plus the starting posture when curves are
    /// compared relative to the start), `points × channels`.
    pub fn absolute_mean(&self) -> Vec<f64> {
        let c = self.channels.len().max(1);
        match &self.start_posture {
            Some(start) => self
                .mean
                .iter()
                .enumerate()
                .map(|(i, m)| m + start.get(i % c).copied().unwrap_or(0.0))
                .collect(),
            None => self.mean.clone(),
        }
    }

    /// Learns the fault direction from the incorrect examples' alignments to this reference
    /// ([`Reference::align`]): their mean z-score curve (aligned curve minus the reference
    /// mean, over the effective SD).
    pub fn learn_fault_direction(&mut self, incorrect: &[&Alignment]) {
        if incorrect.is_empty() {
            self.fault_direction = None;
            return;
        }
        let n = self.points * self.channels.len();
        // The z-score curves a few at a time (computed on the worker threads, added in order;
        // they are not kept).
        let mut means =
            relearn_core::stats::ColumnMeans::new(incorrect.first().map_or(0, |a| a.aligned.len()));
        for chunk in incorrect.chunks(Z_CURVES_AT_A_TIME) {
            let z: Vec<Vec<f64>> = chunk
                .par_iter()
                .map(|a| self.z_scores(&a.aligned))
                .collect();
            z.iter().for_each(|z| means.add(z));
        }
        let mut d: Vec<f64> = means
            .finish()
            .into_iter()
            .map(|m| m.unwrap_or(f64::NAN))
            .collect();
        d.resize(n, f64::NAN);
        self.fault_direction = Some(d);
    }
}

/// How many incorrect examples' z-score curves [`Reference::learn_fault_direction`] holds at
/// once (a few hundred kilobytes).
const Z_CURVES_AT_A_TIME: usize = 16;

/// The [`StartSides`] of a demonstration whose starting posture is `start`, from its correct
/// examples as performed (`as_performed`); `None` with fewer than two.
fn start_sides(
    start: &[f64],
    as_performed: &[&RepCurves],
    channels: &[Channel],
    index: &[usize],
    sign: &[f64],
) -> Option<StartSides> {
    if as_performed.len() < 2 {
        return None;
    }
    let c = channels.len();
    let mut t = StartSides {
        spread: channels.iter().map(unit_floor).collect(),
        sides: SideAsymmetry {
            mirror: 0.0,
            examples: 0.0,
        },
    };
    t.sides.mirror = t.distances(start, start, index, sign).1;
    let nearer: Vec<f64> = as_performed
        .iter()
        .map(|r| {
            let (plain, image) = t.distances(start, &start_of(&r.values, r.points, c), index, sign);
            plain.min(image)
        })
        .collect();
    t.sides.examples = relearn_core::stats::median(&nearer)?;
    Some(t)
}

/// Smallest variability credited to a channel whatever the examples show, in its unit: 1° for
/// angles, 0.5 cm, 0.5 % of leg or body size. Below these, differences are within what any
/// motion capture system can resolve (`clinical-spec.md` §6 measurement-error table: even
/// marker-based errors are about 2°), so they must not produce large z-scores (*Relearn
/// default*).
fn unit_floor(c: &Channel) -> f64 {
    use crate::measures::Unit;
    match c.unit() {
        Unit::Degrees => 1.0,
        Unit::Centimetres => 0.5,
        Unit::PercentLegLength | Unit::Percent => 0.5,
        Unit::Seconds => 0.05,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::prepare::{prepare, PrepareSettings};
    use crate::simulate::{simulate_squat, SquatSimulation};

    #[test]
    fn column_blocks_give_the_statistics_bit_for_bit() {
        // Wide enough to be split; a short row and missing values included.
        let rows: Vec<Vec<f64>> = (0..40)
            .map(|r| {
                let len = if r == 7 { 3000 } else { 5000 };
                (0..len)
                    .map(|c| {
                        if (r + c) % 97 == 0 {
                            f64::NAN
                        } else {
                            ((r * 31 + c * 7) as f64 * 0.013).sin() * (1.0 + c as f64 * 1e-3)
                        }
                    })
                    .collect()
            })
            .collect();
        // Same bits, column by column, whichever way the statistic is computed.
        let bits = |v: Vec<Option<f64>>| -> Vec<Option<u64>> {
            v.into_iter().map(|x| x.map(f64::to_bits)).collect()
        };
        let direct = relearn_core::stats::column_std_devs(&rows);
        assert_eq!(direct.len(), 5000);
        assert_eq!(
            bits(direct),
            bits(by_column_blocks(&rows, |b| {
                relearn_core::stats::column_std_devs(b)
            }))
        );
        assert_eq!(
            bits(relearn_core::stats::column_means(&rows)),
            bits(by_column_blocks(&rows, |b| {
                relearn_core::stats::column_means(b)
            }))
        );
        // Few values: one block, the statistic itself.
        let small = vec![vec![1.0, 2.0], vec![3.0, 4.0]];
        assert_eq!(
            by_column_blocks(&small, |b| relearn_core::stats::column_means(b)),
            vec![Some(2.0), Some(3.0)]
        );
    }

    #[test]
    fn channel_excursions_are_range_of_motion_per_channel() {
        // 3 points x 2 channels; the second channel has a missing point, a third would be
        // all missing.
        let v = [0.0, 5.0, 10.0, f64::NAN, 4.0, 1.0];
        assert_eq!(channel_excursions(&v, 2), vec![10.0, 4.0]);
        assert!(channel_excursions(&[f64::NAN, f64::NAN], 1)[0].is_nan());
    }

    /// One simulated repetition's curves (all channels, 101 points) and its channels.
    fn simulated_rep(sim: SquatSimulation) -> (RepCurves, Vec<Channel>) {
        let sim = SquatSimulation { reps: 1, ..sim };
        let p = prepare(simulate_squat(&sim).unwrap().0, &PrepareSettings::default()).unwrap();
        let channels = crate::channels::available_channels(&p);
        let n = p.recording.frame_count();
        (rep_curves(&p, &channels, 0, n, 101), channels)
    }

    /// A shallower squat has a negative knee-flexion excursion z, and the feature vector has
    /// one value per feature name.
    #[test]
    fn a_shallow_squat_shows_as_a_smaller_excursion() {
        let curves = |depth: f64, seed: u64| {
            simulated_rep(SquatSimulation {
                depth_deg: depth,
                seed,
                ..SquatSimulation::default()
            })
        };
        let (first, channels) = curves(95.0, 1);
        let correct: Vec<RepCurves> = std::iter::once(first)
            .chain((2..8).map(|s| curves(95.0, s).0))
            .collect();
        let features = FeatureSettings {
            excursion: true,
            ..FeatureSettings::default()
        };
        let reference = build_reference(channels, &correct, 101, 10, 0.5, features, 1).unwrap();
        let shallow = reference.compare(&curves(60.0, 99).0).unwrap();
        assert_eq!(shallow.features.len(), reference.feature_names().len());
        let names = reference.feature_names();
        let k = names
            .iter()
            .position(|n| n.contains("left_knee_flexion") && n.ends_with(":excursion_z"))
            .expect("a knee flexion excursion feature");
        assert!(shallow.features[k] < -2.0, "{}", shallow.features[k]);
    }

    /// The reference of `correct` as a template builds it by default (101 points, a band of
    /// 10, the band floored at a quarter of the median SD, one round).
    fn test_reference(
        channels: Vec<Channel>,
        correct: &[RepCurves],
        features: FeatureSettings,
    ) -> Reference {
        build_reference(channels, correct, 101, 10, 0.25, features, 1).unwrap()
    }

    /// A demonstration whose starting posture is one-sided (a left joint held 15 % of body
    /// size further along its first axis throughout, in every example), built once.
    fn one_sided_start_reference() -> &'static Reference {
        static REFERENCE: std::sync::OnceLock<Reference> = std::sync::OnceLock::new();
        REFERENCE.get_or_init(|| {
            let (_, channels) = simulated_rep(SquatSimulation::default());
            let k = channels
                .iter()
                .position(
                    |c| matches!(c, Channel::Joint { joint, .. } if joint.starts_with("left")),
                )
                .expect("a left joint");
            let correct: Vec<RepCurves> = (1..8)
                .map(|seed| {
                    let (mut r, _) = simulated_rep(SquatSimulation {
                        seed,
                        ..SquatSimulation::default()
                    });
                    let c = channels.len();
                    r.values
                        .iter_mut()
                        .skip(k)
                        .step_by(c)
                        .for_each(|v| *v += 15.0);
                    r
                })
                .collect();
            test_reference(channels, &correct, FeatureSettings::default())
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Whatever the starting posture (missing values included), it and its mirror image
        /// are never both taken as starting on the other side: their two distances are each
        /// other's, exchanged (`StartSides`).
        #[test]
        fn a_start_and_its_mirror_image_are_never_both_on_the_other_side(
            seed in proptest::num::u64::ANY,
            size in 0.0f64..4.0,
            missing in 0.0f64..0.3,
        ) {
            let r = one_sided_start_reference();
            let t = r.start_sides.as_ref().expect("the starting-posture test");
            proptest::prop_assert!(t.one_sided());
            let mut rng = relearn_core::rng::SplitMix64::new(seed);
            let start: Vec<f64> = r
                .start_posture
                .as_ref()
                .unwrap()
                .iter()
                .zip(&t.spread)
                .map(|(m, s)| {
                    if rng.next_f64() < missing {
                        f64::NAN
                    } else {
                        m + rng.normal() * s * size
                    }
                })
                .collect();
            let image = mirror_curve(&start, &r.mirror_index, &r.mirror_sign);
            let a = r.aligner();
            proptest::prop_assert!(
                !(a.starts_on_other_side(Some(&start)) && a.starts_on_other_side(Some(&image)))
            );
            // The demonstration's own starting posture is on its side, its image on the other.
            let own = r.start_posture.as_deref().unwrap();
            proptest::prop_assert!(!a.starts_on_other_side(Some(own)));
            proptest::prop_assert!(a.starts_on_other_side(Some(&mirror_curve(
                own,
                &r.mirror_index,
                &r.mirror_sign
            ))));
        }
    }

    /// `template show` says which side tests a reference uses: a squat whose left knee caves
    /// in and whose trunk leans to one side is one-sided in its movement, not in its
    /// standing start; a symmetric squat is neither; without mirroring, none.
    #[test]
    fn the_side_tests_a_reference_uses_are_told_in_words() {
        let reference = |valgus: f64, lean: f64, features: FeatureSettings| {
            let (first, channels) = simulated_rep(SquatSimulation {
                valgus_deg: [valgus, 0.0],
                lateral_lean_deg: lean,
                seed: 1,
                ..SquatSimulation::default()
            });
            let mut correct = vec![first];
            correct.extend((2..8).map(|seed| {
                simulated_rep(SquatSimulation {
                    valgus_deg: [valgus, 0.0],
                    lateral_lean_deg: lean,
                    seed,
                    ..SquatSimulation::default()
                })
                .0
            }));
            let mut r = test_reference(channels, &correct, features);
            let refs: Vec<&RepCurves> = correct.iter().collect();
            r.sides = r.aligner().side_asymmetry(&refs);
            r.describe_sides()
        };
        let one_sided = reference(25.0, 25.0, FeatureSettings::default());
        assert!(
            one_sided.contains("left-right difference the other way round"),
            "{one_sided}"
        );
        assert!(one_sided.contains("starting posture lies"), "{one_sided}");
        assert!(
            !one_sided.contains("starts from the mirror image"),
            "{one_sided}"
        );
        let symmetric = reference(0.0, 0.0, FeatureSettings::default());
        assert!(symmetric.contains("1.5 times closer"), "{symmetric}");
        assert!(!symmetric.contains(", or when"), "{symmetric}");
        assert!(symmetric.contains("too close to symmetric"), "{symmetric}");
        let unmirrored = reference(
            25.0,
            25.0,
            FeatureSettings {
                mirror: false,
                ..FeatureSettings::default()
            },
        );
        assert!(unmirrored.contains("compared as performed"), "{unmirrored}");
    }

    /// A repetition performed on the other side is compared as its mirror image: same
    /// features as the same repetition performed on the demonstration's side.
    #[test]
    fn a_repetition_on_the_other_side_is_compared_mirrored() {
        // A one-sided squat: the left knee caves in, the trunk leans to one side.
        let curves = |seed: u64| {
            simulated_rep(SquatSimulation {
                valgus_deg: [25.0, 0.0],
                lateral_lean_deg: 25.0,
                seed,
                ..SquatSimulation::default()
            })
        };
        let (first, channels) = curves(1);
        let (index, sign) = crate::channels::mirror_map(&channels).expect("a sided skeleton");
        let mut correct: Vec<RepCurves> = vec![first];
        correct.extend((2..8).map(|s| curves(s).0));
        // Two of the correct examples were performed on the other side.
        for r in correct.iter_mut().take(2) {
            r.values = mirror_curve(&r.values, &index, &sign);
        }
        let reference = test_reference(channels, &correct, FeatureSettings::default());
        assert!(!reference.mirror_index.is_empty());
        let rep = curves(42).0;
        let mut other_side = rep.clone();
        other_side.values = mirror_curve(&rep.values, &index, &sign);
        let same = reference.compare(&rep).unwrap();
        let mirrored = reference.compare(&other_side).unwrap();
        assert!(!same.mirrored);
        assert!(mirrored.mirrored);
        for (a, b) in same.features.iter().zip(&mirrored.features) {
            assert!(
                (a - b).abs() < 1e-9 || (a.is_nan() && b.is_nan()),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn mirror_images_swap_sides_and_flip_sideways_signs() {
        use crate::channels::{BodyAxis, Channel};
        use crate::measures::{Measure, MeasureKind};
        use relearn_core::Side;
        let knee = Channel::Measure {
            measure: Measure::sided(MeasureKind::KneeFlexion, Side::Left),
        };
        let (m, s) = knee.mirrored();
        assert_eq!(m.id(), "right_knee_flexion");
        assert_eq!(s, 1.0);
        let lean = Channel::Measure {
            measure: Measure::midline(MeasureKind::TrunkLateralLean),
        };
        assert_eq!(lean.mirrored(), (lean.clone(), -1.0));
        let wrist = Channel::Joint {
            joint: "left_wrist".into(),
            axis: BodyAxis::Lateral,
        };
        let (m, s) = wrist.mirrored();
        assert_eq!(m.id(), "right_wrist.lateral");
        assert_eq!(s, -1.0);
        let collar = Channel::Joint {
            joint: "Left collar".into(),
            axis: BodyAxis::Up,
        };
        assert_eq!(collar.mirrored().0.id(), "Right collar.up");
        // A midline-only channel list has nothing to mirror.
        assert!(crate::channels::mirror_map(&[lean]).is_none());
    }
}
