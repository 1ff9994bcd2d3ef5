//! Repetition segmentation of continuous recordings.
//!
//! 1. **Primary movement signal.** The first principal component of all joint positions in the
//!    body frame (each recording centred on its own mean, frames pooled across the training
//!    recordings when a template is built): the direction in posture space along which the
//!    body moves most. It is a squat's up-down, an arm raise's arc, a lunge's step, without
//!    knowing the exercise or the skeleton (PCA for movement primitives: Troje 2002; applied
//!    to exercise segmentation in e.g. Lin & Kulić 2014).
//! 2. **Rest and excursion.** The rest level is the signal at the start and end of the
//!    recording; the signal is oriented so that moving away from rest is positive and scaled
//!    so that a typical repetition's peak is 1 (98th percentile of the excursion).
//! 3. **Repetitions.** Each run above [`SegmentSettings::enter`] (0.5) is the core of one
//!    repetition; the repetition starts at the last frame at rest (below
//!    [`SegmentSettings::rest`], 0.15) before the run and ends at the first frame at rest
//!    after it, or at the lowest point between two runs when the person does not return to
//!    rest; from there the boundary moves outwards to where the movement's speed falls below
//!    5 % of its peak (the tempo rule of `clinical-spec.md` §6). Runs separated by a shallow
//!    dip are merged.
//! 4. **Confidence** (0-1) combines the return to rest at both ends, the consistency of the
//!    duration with the median repetition and of the peak with the median peak.
//!
//! Thresholds are *Relearn defaults* (hysteresis at half the typical excursion), exposed in
//! [`SegmentSettings`].

use crate::body::BodyFrame;
use crate::channels::{body_size_m, span_frame};
use crate::prepare::PreparedRecording;
use rayon::prelude::*;
use relearn_core::{stats, Vec3};
use serde::{Deserialize, Serialize};

/// Segmentation settings (*Relearn defaults*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSettings {
    /// Normalised excursion above which the body is "in" a repetition (0.5).
    pub enter: f64,
    /// Normalised excursion below which the body is "at rest" (0.15).
    pub rest: f64,
    /// Runs separated by a dip that stays above this are one repetition (0.35).
    pub merge_above: f64,
    /// Shortest repetition in seconds (0.4 s).
    pub min_duration_s: f64,
    /// Moving-average smoothing of the primary signal before detection, seconds (0.2 s).
    pub smooth_s: f64,
    /// A repetition starts and ends where the speed of the primary signal falls below this
    /// fraction of its peak speed: 5 % (the tempo phase rule of `clinical-spec.md` §6).
    pub still_fraction: f64,
    /// Smallest excursion of the primary movement, percent of body size, that counts as
    /// movement: 3 % (about 2.5 cm for an 85 cm leg). Tracking noise is about 0.3 % after
    /// filtering; without this floor the normalisation would blow noise up to a full
    /// "repetition" in a recording of quiet standing (*Relearn default*).
    pub min_excursion_pct: f64,
}

impl Default for SegmentSettings {
    fn default() -> Self {
        SegmentSettings {
            enter: 0.5,
            rest: 0.15,
            merge_above: 0.35,
            min_duration_s: 0.4,
            smooth_s: 0.2,
            still_fraction: 0.05,
            min_excursion_pct: 3.0,
        }
    }
}

/// One repetition found in a recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repetition {
    /// 1-based number in the recording.
    pub number: usize,
    /// First frame.
    pub start_frame: usize,
    /// One past the last frame.
    pub end_frame: usize,
    /// Frame of the largest excursion.
    pub peak_frame: usize,
    /// Start time in seconds.
    pub start_s: f64,
    /// End time in seconds.
    pub end_s: f64,
    /// Duration in seconds.
    pub duration_s: f64,
    /// How sure the segmentation is that this is one whole repetition (0-1).
    pub confidence: f64,
    /// The edge of the recording that cuts this repetition short, when the person is still
    /// more than half-way into the movement there ([`CutOff`]); absent for a whole
    /// repetition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_off: Option<CutOff>,
}

/// A repetition that the recording does not hold whole: it started before the recording did,
/// or the recording stopped before the person came back. At the recording's edge the
/// normalised primary signal is still above [`SegmentSettings::enter`] (more than half-way
/// from rest to a typical turning point), so the part recorded is not the movement the
/// demonstration shows, and comparing the two would report the missing part as faults ("the
/// hips flex 96° further at the end"). Such a repetition is shown but not judged
/// (`score.rs`) and not learnt from (`template.rs`). *Relearn default*: the threshold is the
/// segmentation's own entry level, so a repetition is cut off exactly when the recording's
/// edge falls inside its core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutOff {
    /// The recording starts during the repetition.
    Start,
    /// The recording stops during the repetition.
    End,
    /// The recording starts and stops during the repetition.
    Both,
}

impl CutOff {
    /// Whether a repetition over frames `start..end` of a normalised signal `s` is cut off
    /// by the recording's edges, `enter` being the level that counts as inside a repetition.
    pub fn of(s: &[f64], start: usize, end: usize, enter: f64) -> Option<CutOff> {
        let inside = |i: Option<&f64>| i.is_some_and(|v| *v > enter);
        let at_start = start == 0 && inside(s.first());
        let at_end = end >= s.len() && inside(s.last());
        match (at_start, at_end) {
            (true, true) => Some(CutOff::Both),
            (true, false) => Some(CutOff::Start),
            (false, true) => Some(CutOff::End),
            (false, false) => None,
        }
    }

    /// In words, for messages: "started before the recording did".
    pub fn words(self) -> &'static str {
        match self {
            CutOff::Start => "started before the recording did",
            CutOff::End => "was cut off by the end of the recording",
            CutOff::Both => "started before the recording and was cut off by its end",
        }
    }
}

/// The primary movement direction learnt from recordings (first principal component of the
/// joint positions in the body frame).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryAxis {
    /// Joint keys, as in [`crate::channels::Channel::Joint`].
    pub joints: Vec<String>,
    /// Loading per joint and body axis (lateral, forward, up), unit norm.
    pub loading: Vec<f64>,
    /// Share of the posture variance the component explains (0-1).
    pub explained: f64,
    /// Whether the axis is turned so that moving away from rest projects positive, as a
    /// template's demonstration shows ([`orient_away_from_rest`]). A recording that starts or
    /// stops inside a movement then still has its rest told apart from its turning point
    /// ([`normalise_excursion_towards`]). Absent (false) for an axis learnt from the recording
    /// itself and in templates built before it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub away_from_rest: bool,
}

/// Frames of a recording as joint positions in the body frame, % of body size.
fn posture_rows(p: &PreparedRecording, joints: &[Option<usize>]) -> (SpanFrameRows, usize) {
    let rec = &p.recording;
    let sf = span_frame(p, 0, rec.frame_count());
    let size = body_size_m(p);
    (
        SpanFrameRows {
            frame: sf.frame,
            origin: sf.origin,
            size,
        },
        joints.len() * 3,
    )
}

struct SpanFrameRows {
    frame: BodyFrame,
    origin: Vec3,
    size: f64,
}

impl SpanFrameRows {
    fn row(&self, p: &PreparedRecording, f: usize, joints: &[Option<usize>], out: &mut [f64]) {
        for (k, j) in joints.iter().enumerate() {
            let v = j
                .and_then(|j| p.recording.positions.get(f, j))
                .map(|pos| self.frame.to_body(pos - self.origin) / self.size * 100.0);
            let base = 3 * k;
            match v {
                Some(b) => {
                    out[base] = b.x;
                    out[base + 1] = b.y;
                    out[base + 2] = b.z;
                }
                None => {
                    out[base] = f64::NAN;
                    out[base + 1] = f64::NAN;
                    out[base + 2] = f64::NAN;
                }
            }
        }
    }
}

fn joint_keys(p: &PreparedRecording) -> Vec<String> {
    // The joints of `available_channels`' joint channels, in order, without building the
    // channel list (this runs for every repetition scored).
    let mut keys = crate::channels::joint_keys(&p.recording);
    keys.dedup();
    keys
}

fn joint_indices(p: &PreparedRecording, keys: &[String]) -> Vec<Option<usize>> {
    let mine = joint_keys(p);
    keys.iter()
        .map(|k| mine.iter().position(|m| m == k))
        .collect()
}

/// Mean posture row of a recording over every `step`-th frame, ignoring missing values (0 for
/// a coordinate that is never present).
fn posture_mean(
    p: &PreparedRecording,
    rows: &SpanFrameRows,
    idx: &[Option<usize>],
    c: usize,
    step: usize,
) -> Vec<f64> {
    let mut row = vec![0.0; c];
    let mut mean = RowMean::new(c);
    for f in (0..p.recording.frame_count()).step_by(step.max(1)) {
        rows.row(p, f, idx, &mut row);
        mean.add(&row);
    }
    mean.finish()
}

/// Mean of each coordinate over the rows added, ignoring missing values (0 for a coordinate
/// that is never present).
struct RowMean {
    sum: Vec<f64>,
    count: Vec<usize>,
}

impl RowMean {
    fn new(c: usize) -> Self {
        RowMean {
            sum: vec![0.0; c],
            count: vec![0; c],
        }
    }

    fn add(&mut self, row: &[f64]) {
        for ((s, n), v) in self.sum.iter_mut().zip(&mut self.count).zip(row) {
            if v.is_finite() {
                *s += v;
                *n += 1;
            }
        }
    }

    fn finish(self) -> Vec<f64> {
        self.sum
            .iter()
            .zip(&self.count)
            .map(|(s, n)| if *n > 0 { s / *n as f64 } else { 0.0 })
            .collect()
    }
}

/// One recording's scatter matrix of posture rows (upper triangle, `c × c` for the `keys`
/// joints' three coordinates) about its own mean, and the number of frames it took. Up to
/// `buffered` values the rows are computed once and kept for both the mean and the scatter;
/// a longer recording computes them twice rather than hold them (the same bits either way:
/// test `buffered_and_streamed_scatters_are_the_same_bits`).
fn recording_scatter(p: &PreparedRecording, keys: &[String], buffered: usize) -> (Vec<f64>, usize) {
    let c = keys.len() * 3;
    let mut cov = vec![0.0; c * c];
    if c == 0 {
        return (cov, 0);
    }
    let idx = joint_indices(p, keys);
    let (rows, _) = posture_rows(p, &idx);
    let n = p.recording.frame_count();
    let step = (n / MAX_PCA_FRAMES).max(1);
    let used = n.div_ceil(step);
    if let Some(mut table) = posture_table(p, &rows, &idx, c, step, buffered) {
        let mean = table_mean(&table, c);
        table
            .chunks_exact_mut(c)
            .for_each(|r| centre_for_scatter(r, &mean));
        relearn_core::vector::add_upper_scatter(&mut cov, &table, c);
    } else {
        let mean = posture_mean(p, &rows, &idx, c, step);
        let mut row = vec![0.0; c];
        for f in (0..n).step_by(step) {
            rows.row(p, f, &idx, &mut row);
            centre_for_scatter(&mut row, &mean);
            relearn_core::vector::add_upper_scatter(&mut cov, &row, c);
        }
    }
    (cov, used)
}

/// A posture row centred on `mean` for the scatter matrix, a missing coordinate as zero (it
/// then adds nothing).
fn centre_for_scatter(row: &mut [f64], mean: &[f64]) {
    for (v, m) in row.iter_mut().zip(mean) {
        *v = if v.is_finite() { *v - m } else { 0.0 };
    }
}

/// Most frames per recording used to estimate the covariance (long recordings are
/// subsampled evenly; the principal direction of a repeated movement is stable).
const MAX_PCA_FRAMES: usize = 20_000;

/// Learns the primary movement axis from one or more recordings of the same skeleton.
pub fn learn_primary_axis(recordings: &[&PreparedRecording]) -> Option<PrimaryAxis> {
    let first = recordings.first()?;
    let keys = joint_keys(first);
    let c = keys.len() * 3;
    if c == 0 {
        return None;
    }
    // Each recording's scatter matrix (upper triangle) in parallel, added up in recording
    // order so that the axis does not depend on the number of threads.
    let partial: Vec<(Vec<f64>, usize)> = recordings
        .par_iter()
        .map(|p| recording_scatter(p, &keys, BUFFERED_PROJECTION_VALUES))
        .collect();
    let mut cov = vec![0.0; c * c];
    let mut total = 0usize;
    for (part, n) in &partial {
        for (dst, v) in cov.iter_mut().zip(part) {
            *dst += v;
        }
        total += n;
    }
    for a in 0..c {
        for b in 0..a {
            cov[a * c + b] = cov[b * c + a];
        }
    }
    if total < 2 {
        return None;
    }
    let trace: f64 = (0..c).map(|k| cov[k * c + k]).sum();
    if trace <= 0.0 {
        return None;
    }
    // Power iteration, started from the channel with the largest variance.
    let start = (0..c).max_by(|a, b| cov[a * c + a].total_cmp(&cov[b * c + b]))?;
    let mut v = vec![0.0; c];
    v[start] = 1.0;
    let mut lambda = 0.0;
    for _ in 0..200 {
        let mut w = vec![0.0; c];
        for a in 0..c {
            w[a] = (0..c).map(|b| cov[a * c + b] * v[b]).sum();
        }
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm <= 0.0 {
            return None;
        }
        let next: Vec<f64> = w.iter().map(|x| x / norm).collect();
        let delta: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
        v = next;
        lambda = norm;
        if delta < 1e-10 {
            break;
        }
    }
    Some(PrimaryAxis {
        joints: keys,
        loading: v,
        explained: (lambda / trace).clamp(0.0, 1.0),
        away_from_rest: false,
    })
}

/// The axis turned so that moving away from rest projects positive: a principal component's
/// sign is arbitrary, but each demonstration recording, starting and ending at rest, shows
/// which way the movement goes from there ([`direction_from_rest`]). The recordings vote,
/// each counted once; on a tie the axis keeps its sign. A template stores the turned axis, and
/// segmentation along it can then tell rest from the turning point in a recording that starts
/// or stops during a repetition. (`template.rs` takes the votes from the projections its
/// first segmentation pass makes anyway, through [`turned_away_from_rest`].)
pub fn orient_away_from_rest(
    axis: PrimaryAxis,
    recordings: &[&PreparedRecording],
    smooth_s: f64,
) -> PrimaryAxis {
    let votes: f64 = recordings
        .par_iter()
        .map(|p| direction_from_rest(&project(p, &axis), p.recording.rate_hz, smooth_s))
        .sum();
    turned_away_from_rest(axis, votes)
}

/// The way (+1 or −1) a recording's projection moves from rest: the larger swing from the
/// level at its two ends, as [`normalise_excursion`] finds it; 0 for an empty projection.
pub fn direction_from_rest(projection: &[f64], rate_hz: f64, smooth_s: f64) -> f64 {
    let smooth = smoothed(projection, rate_hz, smooth_s);
    excursion_frame(&smooth, false).map_or(0.0, |(_, sign, _)| sign)
}

/// `axis` turned by the sum of the recordings' [`direction_from_rest`] votes: negated when
/// it is negative, and marked [`PrimaryAxis::away_from_rest`].
pub fn turned_away_from_rest(mut axis: PrimaryAxis, votes: f64) -> PrimaryAxis {
    if votes < 0.0 {
        axis.loading.iter_mut().for_each(|l| *l = -*l);
    }
    axis.away_from_rest = true;
    axis
}

/// Projects a recording on a primary axis (its own mean removed), frame by frame. Streams
/// over the frames twice (mean, then projection) so memory stays at one posture row.
pub fn project(p: &PreparedRecording, axis: &PrimaryAxis) -> Vec<f64> {
    let idx = joint_indices(p, &axis.joints);
    let (rows, c) = posture_rows(p, &idx);
    if let Some(table) = posture_table(p, &rows, &idx, c, 1, BUFFERED_PROJECTION_VALUES) {
        return project_table(&table, c, axis);
    }
    // A long recording: the rows are computed twice rather than held (memory stays flat).
    let n = p.recording.frame_count();
    let mut row = vec![0.0; c];
    let mean = posture_mean(p, &rows, &idx, c, 1);
    (0..n)
        .map(|f| {
            rows.row(p, f, &idx, &mut row);
            along_axis(&row, &mean, axis)
        })
        .collect()
}

/// [`project`] on whichever of `axis` and its mirror image `mirrored` ([`PrimaryAxis::mirrored`])
/// the recording moves along: a person who does a one-sided exercise on the other side from
/// the demonstration (the hurdle step with the other leg) moves along the mirrored axis and
/// hardly at all along the template's, whose projection is then tracking noise, in which
/// neither repetitions, nor a cut-off edge, nor the tempo can be found. The mirrored
/// projection is taken when its variance is more than [`OTHER_SIDE_VARIANCE_RATIO`] times the
/// other's, so that a symmetric movement (a squat), whose two axes are nearly the same, keeps
/// the template's. One computation of the posture rows serves both projections.
pub fn project_either_side(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
) -> Vec<f64> {
    match project_sides(p, axis, mirrored) {
        (own, Some(theirs)) => side_moved_along(own, theirs),
        (own, None) => own,
    }
}

/// A recording's projections on a primary axis and on its mirror image (`None` when there is
/// none over the same joints: no joint is sided), as [`segment_sides`] takes them.
pub type SideProjections = (Vec<f64>, Option<Vec<f64>>);

/// [`project`] on `axis` and, when `mirrored` is over the same joints, on it too
/// ([`project_both`]).
pub fn project_sides(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
) -> SideProjections {
    match same_joints(axis, mirrored) {
        Some(other) => {
            let (own, theirs) = project_both(p, axis, other);
            (own, Some(theirs))
        }
        None => (project(p, axis), None),
    }
}

/// `theirs` when the recording moves more along it than along `own` ([`moves_more_along`]),
/// else `own`.
fn side_moved_along(own: Vec<f64>, theirs: Vec<f64>) -> Vec<f64> {
    if moves_more_along(&theirs, &own) {
        theirs
    } else {
        own
    }
}

/// `mirrored` when it is over the same joints as `axis` (as [`PrimaryAxis::mirrored`] makes it).
fn same_joints<'a>(
    axis: &PrimaryAxis,
    mirrored: Option<&'a PrimaryAxis>,
) -> Option<&'a PrimaryAxis> {
    mirrored.filter(|m| m.joints == axis.joints)
}

/// The projections of a recording on `axis` and on `other` (over the same joints), from one
/// computation of its posture rows (a long recording: two streaming passes each, so that
/// memory stays flat).
pub fn project_both(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    other: &PrimaryAxis,
) -> (Vec<f64>, Vec<f64>) {
    let idx = joint_indices(p, &axis.joints);
    let (rows, c) = posture_rows(p, &idx);
    match posture_table(p, &rows, &idx, c, 1, BUFFERED_PROJECTION_VALUES) {
        Some(table) => (
            project_table(&table, c, axis),
            project_table(&table, c, other),
        ),
        None => (project(p, axis), project(p, other)),
    }
}

/// How much more a recording must move along the mirrored axis than along the template's for
/// [`project_either_side`] to take it (2: twice the variance). One-sided exercises done on the
/// other side differ by far more (UI-PRMD's s07 and s10 against s01-s05: 6 to 26,000 times,
/// `validation/cut_off.py --sides`); *Relearn default*.
pub const OTHER_SIDE_VARIANCE_RATIO: f64 = 2.0;

/// Whether the projection `theirs` varies more than [`OTHER_SIDE_VARIANCE_RATIO`] times as
/// much as `own` ([`project_either_side`]).
pub fn moves_more_along(theirs: &[f64], own: &[f64]) -> bool {
    let spread = |v: &[f64]| stats::std_dev(v).map_or(0.0, |sd| sd * sd);
    spread(theirs) > OTHER_SIDE_VARIANCE_RATIO * spread(own)
}

/// [`project_either_side`] and [`share_along_either_side`] of a whole recording (a repetition recorded on
/// its own) from one computation of its posture rows: both take the rows in the body frame of
/// the whole recording, so they share them, with the same values as each computed alone.
/// The share is computed only when `share` asks for it; a long recording falls back to the
/// two functions (their memory stays flat).
pub fn project_and_share(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    share: bool,
) -> (Vec<f64>, Option<f64>) {
    let n = p.recording.frame_count();
    let idx = joint_indices(p, &axis.joints);
    let (rows, c) = posture_rows(p, &idx);
    let axes: Vec<&PrimaryAxis> = std::iter::once(axis).chain(mirrored).collect();
    let Some(table) = posture_table(p, &rows, &idx, c, 1, BUFFERED_PROJECTION_VALUES) else {
        let shared = share
            .then(|| share_along_either_side(p, axis, mirrored, 0, n))
            .flatten();
        return (project_either_side(p, axis, mirrored), shared);
    };
    let own = project_table(&table, c, axis);
    let projection = match same_joints(axis, mirrored) {
        Some(other) => side_moved_along(own, project_table(&table, c, other)),
        None => own,
    };
    let shared = share
        .then(|| {
            if axes.iter().any(|a| a.joints != axis.joints) {
                return share_along_either_side(p, axis, mirrored, 0, n);
            }
            // The usable rows: all of them, as a rule (no copy then).
            let kept: Vec<f64> = if table.iter().all(|v| v.is_finite()) {
                table
            } else {
                table
                    .chunks_exact(c)
                    .filter(|r| r.iter().all(|v| v.is_finite()))
                    .flatten()
                    .copied()
                    .collect()
            };
            shares_of_rows(kept, c, &axes)?.into_iter().reduce(f64::max)
        })
        .flatten();
    (projection, shared)
}

/// The posture row of every `step`-th frame (frames × `c`), or `None` when that is more than
/// `limit` values (a recording too long to hold them, computed twice instead) or there are
/// no coordinates.
fn posture_table(
    p: &PreparedRecording,
    rows: &SpanFrameRows,
    idx: &[Option<usize>],
    c: usize,
    step: usize,
    limit: usize,
) -> Option<Vec<f64>> {
    let n = p.recording.frame_count();
    let step = step.max(1);
    let used = n.div_ceil(step);
    if c == 0 || used * c > limit {
        return None;
    }
    let mut table = vec![0.0; used * c];
    for (row, f) in table.chunks_exact_mut(c).zip((0..n).step_by(step)) {
        rows.row(p, f, idx, row);
    }
    Some(table)
}

/// The mean of each coordinate over a table's rows, missing values skipped ([`RowMean`]).
fn table_mean(table: &[f64], c: usize) -> Vec<f64> {
    let mut mean = RowMean::new(c);
    table.chunks_exact(c).for_each(|r| mean.add(r));
    mean.finish()
}

/// [`project`] of posture rows held in a table (same values, same order of summation as the
/// streaming path).
fn project_table(table: &[f64], c: usize, axis: &PrimaryAxis) -> Vec<f64> {
    let mean = table_mean(table, c);
    table
        .chunks_exact(c)
        .map(|r| along_axis(r, &mean, axis))
        .collect()
}

/// A posture row's coordinate along `axis` (its `mean` removed), rescaled when some joints
/// are missing so that the signal keeps its amplitude; NaN when too few joints are present.
fn along_axis(row: &[f64], mean: &[f64], axis: &PrimaryAxis) -> f64 {
    let mut s = 0.0;
    let mut w = 0.0;
    for ((v, m), l) in row.iter().zip(mean).zip(&axis.loading) {
        if v.is_finite() {
            s += (v - m) * l;
            w += l * l;
        }
    }
    if w > 0.25 {
        s / w
    } else {
        f64::NAN
    }
}

/// Most values (frames × coordinates) for which [`project`] keeps every posture row (8 MB):
/// a repetition or a recording of a few minutes; an hour-long recording is projected in two
/// passes instead, so that analysing it stays within its memory budget (BENCHMARKS.md).
const BUFFERED_PROJECTION_VALUES: usize = 1 << 20;

/// The share (0-1) of the posture variance over frames `start..end` that lies along `axis`:
/// how much of this stretch's movement is the template's main movement. Frames with a joint
/// missing are left out; `None` with fewer than 5 usable frames or no movement at all.
pub fn share_along(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    start: usize,
    end: usize,
) -> Option<f64> {
    shares_along(p, &[axis], start, end)?.first().copied()
}

/// [`share_along`] the axis or its mirror image (`mirrored`, from [`PrimaryAxis::mirrored`]:
/// left and right swapped, the lateral direction reversed), whichever is larger: a repetition
/// done on the other side from the demonstration moves along the mirrored axis. One pass over
/// the frames for both.
pub fn share_along_either_side(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    start: usize,
    end: usize,
) -> Option<f64> {
    let axes: Vec<&PrimaryAxis> = std::iter::once(axis).chain(mirrored).collect();
    shares_along(p, &axes, start, end)?
        .into_iter()
        .reduce(f64::max)
}

/// [`share_along`] for several axes over the same joints, in one pass over the frames.
fn shares_along(
    p: &PreparedRecording,
    axes: &[&PrimaryAxis],
    start: usize,
    end: usize,
) -> Option<Vec<f64>> {
    let first = axes.first()?;
    let idx = joint_indices(p, &first.joints);
    let (rows, c) = posture_rows(p, &idx);
    if axes
        .iter()
        .any(|a| a.loading.len() != c || a.joints != first.joints)
    {
        return None;
    }
    let end = end.min(p.recording.frame_count());
    let mut row = vec![0.0; c];
    // The usable frames, flat (frames × c).
    let mut kept: Vec<f64> = Vec::with_capacity(end.saturating_sub(start) * c);
    for f in start..end {
        rows.row(p, f, &idx, &mut row);
        if row.iter().all(|v| v.is_finite()) {
            kept.extend_from_slice(&row);
        }
    }
    shares_of_rows(kept, c, axes)
}

/// The shares of [`shares_along`] from the usable posture rows (`kept`, frames × `c`, every
/// value finite).
fn shares_of_rows(mut kept: Vec<f64>, c: usize, axes: &[&PrimaryAxis]) -> Option<Vec<f64>> {
    if axes.iter().any(|a| a.loading.len() != c) {
        return None;
    }
    let n = kept.len() / c.max(1);
    if n < 5 || c == 0 {
        return None;
    }
    let mut mean = vec![0.0; c];
    for r in kept.chunks_exact(c) {
        mean.iter_mut().zip(r).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    // Centre in place, then the total variance and each axis's projection.
    for r in kept.chunks_exact_mut(c) {
        r.iter_mut().zip(&mean).for_each(|(v, m)| *v -= m);
    }
    let total: f64 = kept.iter().map(|d| d * d).sum();
    let along: Vec<f64> = axes
        .iter()
        .map(|a| {
            kept.chunks_exact(c)
                .map(|r| {
                    let s: f64 = r.iter().zip(&a.loading).map(|(d, l)| d * l).sum();
                    s * s
                })
                .sum()
        })
        .collect();
    (total > 0.0).then(|| along.iter().map(|x| (x / total).clamp(0.0, 1.0)).collect())
}

impl PrimaryAxis {
    /// The axis of the same movement done on the other side ([`crate::channels::mirror_map`]
    /// over its joint channels); `None` when no joint is sided.
    pub fn mirrored(&self) -> Option<PrimaryAxis> {
        use crate::channels::{BodyAxis, Channel};
        let channels: Vec<Channel> = self
            .joints
            .iter()
            .flat_map(|j| {
                BodyAxis::ALL.into_iter().map(move |axis| Channel::Joint {
                    joint: j.clone(),
                    axis,
                })
            })
            .collect();
        let (index, sign) = crate::channels::mirror_map(&channels)?;
        let loading = (0..self.loading.len())
            .map(|k| {
                let m = *index.get(k)?;
                Some(sign.get(k)? * self.loading.get(m)?)
            })
            .collect::<Option<Vec<f64>>>()?;
        Some(PrimaryAxis {
            joints: self.joints.clone(),
            loading,
            explained: self.explained,
            away_from_rest: self.away_from_rest,
        })
    }
}

/// The primary signal normalised so that rest is 0 and a typical repetition peaks at 1. A
/// signal whose excursion is below `min_excursion` (in the signal's unit, % of body size) is
/// all zeros: there is no movement to segment.
pub fn normalise_excursion(
    signal: &[f64],
    rate_hz: f64,
    smooth_s: f64,
    min_excursion: f64,
) -> Vec<f64> {
    normalise_excursion_towards(signal, rate_hz, smooth_s, min_excursion, false)
}

/// [`normalise_excursion`] of a signal along an axis turned away from rest
/// ([`PrimaryAxis::away_from_rest`], when `away_from_rest` is true). Rest is normally the
/// level at both ends of the recording (the median of each end's tenth together), and the
/// movement goes the way of the larger swing from it. When the two ends' levels lie more than
/// half the signal's range apart (2nd to 98th percentile), one end is inside a movement: the
/// median of both would sit half-way and the direction would be a toss-up, reversing the
/// segmentation (pauses taken for repetitions; VALIDATION.md §4, "Recordings that start or
/// stop during a repetition"). Along an axis turned away from rest, rest is then the lower
/// end and the movement goes up from it. *Relearn default* (the half-range test).
pub fn normalise_excursion_towards(
    signal: &[f64],
    rate_hz: f64,
    smooth_s: f64,
    min_excursion: f64,
    away_from_rest: bool,
) -> Vec<f64> {
    let n = signal.len();
    let smooth = smoothed(signal, rate_hz, smooth_s);
    let Some((rest, sign, amp)) = excursion_frame(&smooth, away_from_rest) else {
        return vec![f64::NAN; n];
    };
    if amp <= min_excursion.max(1e-9) {
        return vec![0.0; n];
    }
    smooth.iter().map(|v| sign * (v - rest) / amp).collect()
}

/// The moving mean of `signal` over `smooth_s` seconds (centred, shorter at the ends).
fn smoothed(signal: &[f64], rate_hz: f64, smooth_s: f64) -> Vec<f64> {
    let n = signal.len();
    let half = (smooth_s * rate_hz / 2.0).round() as usize;
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(n);
            stats::mean(&signal[lo..hi]).unwrap_or(f64::NAN)
        })
        .collect()
}

/// Rest level, direction (+1 or −1) and amplitude (98th percentile of the excursion) of a
/// smoothed primary signal ([`normalise_excursion_towards`]); `turned` when the signal's axis
/// is turned away from rest. `None` for an empty signal.
fn excursion_frame(smooth: &[f64], turned: bool) -> Option<(f64, f64, f64)> {
    let n = smooth.len();
    let edge = (n / 10).max(3).min(n);
    let mut ends: Vec<f64> = smooth.get(..edge)?.to_vec();
    ends.extend_from_slice(smooth.get(n - edge..)?);
    let rest = stats::median(&ends)?;
    let high = stats::quantile(smooth, 0.98);
    let low = stats::quantile(smooth, 0.02);
    if let (true, Some(high), Some(low)) = (turned, high, low) {
        let first = stats::median(smooth.get(..edge)?)?;
        let last = stats::median(smooth.get(n - edge..)?)?;
        if (first - last).abs() > 0.5 * (high - low) {
            let rest = first.min(last);
            return Some((rest, 1.0, high - rest));
        }
    }
    let up = high.map_or(0.0, |q| q - rest);
    let down = low.map_or(0.0, |q| rest - q);
    Some(if up >= down {
        (rest, 1.0, up)
    } else {
        (rest, -1.0, down)
    })
}

/// Finds the repetitions in a normalised excursion signal (see the module documentation).
pub fn find_repetitions(s: &[f64], rate_hz: f64, settings: &SegmentSettings) -> Vec<Repetition> {
    let n = s.len();
    // Runs above the entry threshold.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        if s[i] > settings.enter {
            let a = i;
            while i < n && s[i] > settings.enter {
                i += 1;
            }
            runs.push((a, i));
        } else {
            i += 1;
        }
    }
    // Merge runs separated by a shallow dip.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for r in runs {
        if let Some(last) = merged.last_mut() {
            let dip = s[last.1..r.0].iter().copied().fold(f64::INFINITY, f64::min);
            if dip > settings.merge_above {
                last.1 = r.1;
                continue;
            }
        }
        merged.push(r);
    }
    let velocity: Vec<f64> = (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(1), (i + 1).min(n - 1));
            if b > a {
                (s[b] - s[a]) / (b - a) as f64
            } else {
                0.0
            }
        })
        .collect();
    let mut reps: Vec<(usize, usize, usize, bool, bool)> = Vec::new();
    for (k, &(a, b)) in merged.iter().enumerate() {
        let lower = reps.last().map_or(0, |r| r.1);
        let upper = merged.get(k + 1).map_or(n, |r| r.0);
        let before = &s[lower..a];
        let (cross_start, rest_start) = match before.iter().rposition(|v| *v <= settings.rest) {
            Some(p) => (lower + p, true),
            None => (lower + stats::argmin(before).map_or(0, |x| x.0), false),
        };
        let after = &s[b..upper];
        let (cross_end, rest_end) = match after.iter().position(|v| *v <= settings.rest) {
            Some(p) => (b + p, true),
            None => (b + stats::argmin(after).map_or(after.len(), |x| x.0), false),
        };
        // Movement onset and end: where the speed falls below a fraction of this
        // repetition's peak speed (the tempo rule of clinical-spec.md §6).
        let peak_speed = velocity[cross_start..cross_end.max(cross_start + 1).min(n)]
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let still = settings.still_fraction * peak_speed;
        let mut start = cross_start;
        while start > lower && s[start - 1] < s[start] && velocity[start].abs() > still {
            start -= 1;
        }
        let mut end = cross_end;
        while end + 1 < upper && s[end + 1] < s[end] && velocity[end].abs() > still {
            end += 1;
        }
        let peak = a + stats::argmax(&s[a..b]).map_or(0, |x| x.0);
        reps.push((start, (end + 1).min(n), peak, rest_start, rest_end));
    }
    let min_len = (settings.min_duration_s * rate_hz).ceil() as usize;
    reps.retain(|r| r.1 > r.0 && r.1 - r.0 >= min_len);
    let durations: Vec<f64> = reps.iter().map(|r| (r.1 - r.0) as f64).collect();
    let peaks: Vec<f64> = reps.iter().map(|r| s[r.2]).collect();
    let med_d = stats::median(&durations).unwrap_or(1.0);
    let med_p = stats::median(&peaks).unwrap_or(1.0);
    reps.iter()
        .enumerate()
        .map(|(k, &(a, b, peak, rs, re))| {
            let c_rest = match (rs, re) {
                (true, true) => 1.0,
                (true, false) | (false, true) => 0.8,
                (false, false) => 0.6,
            };
            let d = (b - a) as f64;
            let c_dur = (1.0 - (d - med_d).abs() / med_d).clamp(0.0, 1.0);
            let c_peak = (1.0 - (s[peak] - med_p).abs() / med_p.max(1e-9)).clamp(0.0, 1.0);
            Repetition {
                number: k + 1,
                start_frame: a,
                end_frame: b,
                peak_frame: peak,
                start_s: a as f64 / rate_hz,
                end_s: b as f64 / rate_hz,
                duration_s: d / rate_hz,
                confidence: (c_rest * c_dur * c_peak).cbrt(),
                cut_off: CutOff::of(s, a, b, settings.enter),
            }
        })
        .collect()
}

/// Segments a prepared recording into repetitions along a primary axis (learnt from the
/// recording itself when none is given). Returns the repetitions and the normalised primary
/// signal (for plots).
pub fn segment_repetitions(
    p: &PreparedRecording,
    axis: Option<&PrimaryAxis>,
    settings: &SegmentSettings,
) -> (Vec<Repetition>, Vec<f64>) {
    let own;
    let axis = match axis {
        Some(a) => a,
        None => match learn_primary_axis(&[p]) {
            Some(a) => {
                own = a;
                &own
            }
            None => return (Vec::new(), vec![f64::NAN; p.recording.frame_count()]),
        },
    };
    segment_projection(p, &project(p, axis), axis.away_from_rest, settings)
}

/// [`segment_repetitions`] along `axis` and its mirror image `mirrored` at once
/// ([`segment_sides`]), so that repetitions done on either side are found, the other side's
/// as well as a mix of both in one recording (alternate legs).
pub fn segment_either_side(
    p: &PreparedRecording,
    axis: &PrimaryAxis,
    mirrored: Option<&PrimaryAxis>,
    settings: &SegmentSettings,
) -> (Vec<Repetition>, Vec<f64>) {
    let (own, theirs) = project_sides(p, axis, mirrored);
    segment_sides(p, &own, theirs.as_deref(), axis.away_from_rest, settings)
}

/// [`segment_projection`] of a recording's projections on an axis (`own`) and on its mirror
/// image (`theirs`, when there is one). Each is normalised from its own rest level, as
/// [`normalise_excursion_towards`] finds it, upward from it along axes turned away from rest
/// (otherwise the way of its larger swing), but both by the larger of their two amplitudes;
/// the segmentation follows whichever is further from rest, frame by frame. A recording done on one side is then segmented as along that
/// side alone (the other's excursion is a small fraction of it: a symmetric movement's two
/// are nearly the same), and a recording that alternates sides has each repetition at full
/// height on its own side. *Relearn definition*.
pub fn segment_sides(
    p: &PreparedRecording,
    own: &[f64],
    theirs: Option<&[f64]>,
    away_from_rest: bool,
    settings: &SegmentSettings,
) -> (Vec<Repetition>, Vec<f64>) {
    let Some(theirs) = theirs else {
        return segment_projection(p, own, away_from_rest, settings);
    };
    let rate = p.recording.rate_hz;
    let a = smoothed(own, rate, settings.smooth_s);
    let b = smoothed(theirs, rate, settings.smooth_s);
    // Along axes turned away from rest, each side's movement goes up from its rest: the
    // larger swing of one side may be the other side's repetitions seen from it.
    // (Going up, the amplitude is already the 98th percentile above rest.)
    let frame = |v: &[f64]| {
        let (rest, sign, amp) = excursion_frame(v, away_from_rest)?;
        if away_from_rest && sign < 0.0 {
            Some((rest, 1.0, stats::quantile(v, 0.98)? - rest))
        } else {
            Some((rest, sign, amp))
        }
    };
    let s = match (frame(&a), frame(&b)) {
        (Some((rest_a, sign_a, amp_a)), Some((rest_b, sign_b, amp_b))) => {
            let amp = amp_a.max(amp_b);
            if amp <= settings.min_excursion_pct.max(1e-9) {
                vec![0.0; a.len()]
            } else {
                a.iter()
                    .zip(&b)
                    .map(|(x, y)| (sign_a * (x - rest_a)).max(sign_b * (y - rest_b)) / amp)
                    .collect()
            }
        }
        _ => vec![f64::NAN; a.len()],
    };
    (repetitions_in(p, &s, settings), s)
}

/// The repetitions of a normalised primary signal `s` of recording `p`, timed in the
/// recording's clock.
fn repetitions_in(p: &PreparedRecording, s: &[f64], settings: &SegmentSettings) -> Vec<Repetition> {
    let mut reps = find_repetitions(s, p.recording.rate_hz, settings);
    for r in &mut reps {
        r.start_s += p.recording.start_time_s;
        r.end_s += p.recording.start_time_s;
    }
    reps
}

/// [`segment_repetitions`] of a recording's projection on a primary axis ([`project`]),
/// `away_from_rest` when the axis is turned away from rest.
pub fn segment_projection(
    p: &PreparedRecording,
    projection: &[f64],
    away_from_rest: bool,
    settings: &SegmentSettings,
) -> (Vec<Repetition>, Vec<f64>) {
    let s = normalise_excursion_towards(
        projection,
        p.recording.rate_hz,
        settings.smooth_s,
        settings.min_excursion_pct,
        away_from_rest,
    );
    (repetitions_in(p, &s, settings), s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffered_and_streamed_scatters_are_the_same_bits() {
        let sim = crate::simulate::SquatSimulation::default();
        let (rec, _) = crate::simulate::simulate_squat(&sim).unwrap();
        let p = crate::prepare::prepare(rec, &crate::prepare::PrepareSettings::default()).unwrap();
        let keys = joint_keys(&p);
        let (buffered, n) = recording_scatter(&p, &keys, usize::MAX);
        let (streamed, m) = recording_scatter(&p, &keys, 0);
        assert!(n > 10);
        assert_eq!(n, m);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        assert_eq!(bits(&buffered), bits(&streamed));
        assert!(buffered.iter().any(|v| *v != 0.0));
    }

    #[test]
    fn the_mirrored_axis_swaps_sides_and_reverses_the_lateral_direction() {
        // Left knee moving outward (lateral, towards the left = negative) and up; the right
        // knee still.
        let axis = PrimaryAxis {
            joints: vec!["left_knee".into(), "right_knee".into()],
            loading: vec![-0.6, 0.0, 0.8, 0.0, 0.0, 0.0],
            explained: 0.9,
            away_from_rest: false,
        };
        let m = axis.mirrored().unwrap();
        assert_eq!(m.joints, axis.joints);
        assert_eq!(m.loading, vec![0.0, 0.0, 0.0, 0.6, 0.0, 0.8]);
        assert_eq!(m.mirrored().unwrap().loading, axis.loading);
        // Joints without a side have no mirror image to move to.
        let centre = PrimaryAxis {
            joints: vec!["pelvis".into()],
            loading: vec![0.0, 0.0, 1.0],
            explained: 0.9,
            away_from_rest: false,
        };
        assert!(centre.mirrored().is_none());
    }

    #[test]
    fn a_squat_moves_mostly_along_its_own_axis() {
        use crate::prepare::{prepare, PrepareSettings};
        use crate::simulate::{simulate_squat, SquatSimulation};
        let (rec, _) = simulate_squat(&SquatSimulation::default()).unwrap();
        let p = prepare(rec, &PrepareSettings::default()).unwrap();
        let axis = learn_primary_axis(&[&p]).unwrap();
        let n = p.recording.frame_count();
        let share = share_along(&p, &axis, 0, n).unwrap();
        assert!(
            (share - axis.explained).abs() < 0.05,
            "{share} vs {}",
            axis.explained
        );
        let mirrored = axis.mirrored();
        let either = share_along_either_side(&p, &axis, mirrored.as_ref(), 0, n).unwrap();
        assert!(either >= share);
        assert!(share_along(&p, &axis, 0, 3).is_none(), "too few frames");
    }

    #[test]
    fn a_symmetric_movement_is_projected_on_the_templates_own_axis() {
        use crate::prepare::{prepare, PrepareSettings};
        use crate::simulate::{simulate_squat, SquatSimulation};
        let (rec, _) = simulate_squat(&SquatSimulation::default()).unwrap();
        let p = prepare(rec, &PrepareSettings::default()).unwrap();
        let axis = learn_primary_axis(&[&p]).unwrap();
        let mirrored = axis.mirrored().unwrap();
        let own = project(&p, &axis);
        // A squat moves along its axis and the axis's mirror image alike: the template's own.
        assert_eq!(project_either_side(&p, &axis, Some(&mirrored)), own);
        assert_eq!(project_either_side(&p, &axis, None), own);
        // An axis along which the squat hardly moves (its left-right direction only) gives
        // way to one along which it moves: the projection follows the movement.
        let lateral: Vec<f64> = axis
            .loading
            .chunks(3)
            .flat_map(|c| [c[0], 0.0, 0.0])
            .collect();
        let norm = lateral.iter().map(|l| l * l).sum::<f64>().sqrt();
        assert!(norm > 0.0);
        let still = PrimaryAxis {
            loading: lateral.iter().map(|l| l / norm).collect(),
            ..axis.clone()
        };
        assert_eq!(project_either_side(&p, &still, Some(&axis)), own);
    }

    #[test]
    fn projecting_and_sharing_at_once_gives_the_same_bits_as_each_alone() {
        use crate::prepare::{prepare, PrepareSettings};
        use crate::simulate::{simulate_squat, SquatSimulation};
        let (mut rec, _) = simulate_squat(&SquatSimulation::default()).unwrap();
        // A joint missing for longer than gap filling bridges: those frames are left out of
        // the share but still projected (rescaled), on both paths.
        let knee = rec
            .skeleton
            .landmark(relearn_core::skeleton::Landmark::LeftKnee)
            .unwrap();
        for f in 40..70 {
            rec.positions
                .set(f, knee, Vec3::new(f64::NAN, f64::NAN, f64::NAN));
        }
        let p = prepare(rec, &PrepareSettings::default()).unwrap();
        assert!(p.recording.positions.get(55, knee).is_none());
        let axis = learn_primary_axis(&[&p]).unwrap();
        let mirrored = axis.mirrored();
        let n = p.recording.frame_count();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        let (signal, share) = project_and_share(&p, &axis, mirrored.as_ref(), true);
        assert_eq!(bits(&signal), bits(&project(&p, &axis)));
        let alone = share_along_either_side(&p, &axis, mirrored.as_ref(), 0, n).unwrap();
        assert_eq!(share.unwrap().to_bits(), alone.to_bits());
        assert!(signal.iter().filter(|v| v.is_finite()).count() > n / 2);
        // Without the share asked for, none is computed.
        let (again, none) = project_and_share(&p, &axis, mirrored.as_ref(), false);
        assert_eq!(bits(&again), bits(&signal));
        assert!(none.is_none());
    }

    fn bumps(count: usize, rate: f64) -> Vec<f64> {
        let mut v = vec![0.0; 30];
        for _ in 0..count {
            for i in 0..90 {
                v.push(0.5 * (1.0 - (2.0 * std::f64::consts::PI * i as f64 / 90.0).cos()));
            }
            v.extend(std::iter::repeat_n(0.0, 30));
        }
        let _ = rate;
        v
    }

    #[test]
    fn each_bump_is_one_repetition_with_high_confidence() {
        let s = bumps(4, 30.0);
        let n = normalise_excursion(&s, 30.0, 0.2, 0.0);
        let reps = find_repetitions(&n, 30.0, &SegmentSettings::default());
        assert_eq!(reps.len(), 4);
        assert!(reps.iter().all(|r| r.confidence > 0.9), "{reps:?}");
        assert!(
            (reps[0].duration_s - 3.0).abs() < 0.4,
            "{}",
            reps[0].duration_s
        );
    }

    #[test]
    fn a_flat_signal_has_no_repetitions() {
        let n = normalise_excursion(&vec![1.0; 200], 30.0, 0.2, 0.0);
        assert!(find_repetitions(&n, 30.0, &SegmentSettings::default()).is_empty());
    }

    #[test]
    fn an_axis_turned_away_from_rest_projects_a_squat_positive_whatever_its_sign() {
        use crate::prepare::{prepare, PrepareSettings};
        use crate::simulate::{simulate_squat, SquatSimulation};
        let (rec, truth) = simulate_squat(&SquatSimulation::default()).unwrap();
        let p = prepare(rec, &PrepareSettings::default()).unwrap();
        let learnt = learn_primary_axis(&[&p]).unwrap();
        let mut negated = learnt.clone();
        negated.loading.iter_mut().for_each(|l| *l = -*l);
        let (a, b) = truth.reps[0];
        for axis in [learnt, negated] {
            let turned = orient_away_from_rest(axis, &[&p], 0.2);
            assert!(turned.away_from_rest);
            let signal = project(&p, &turned);
            // The bottom of the first squat lies above its standing start.
            assert!(signal[(a + b) / 2] > signal[a] + 1.0, "{:?}", &signal[a..b]);
        }
    }

    #[test]
    fn along_an_axis_turned_away_from_rest_a_recording_stopped_at_the_top_keeps_its_rest() {
        // Rest at 0 for a second, two movements up to 10 and back, a third held at 10 for a
        // second when the recording stops: the two ends' tenths lie 10 apart.
        let mut s: Vec<f64> = Vec::new();
        for _ in 0..2 {
            s.extend(std::iter::repeat_n(0.0, 30));
            s.extend((0..60).map(|i| 10.0 * (std::f64::consts::PI * i as f64 / 60.0).sin()));
        }
        s.extend(std::iter::repeat_n(0.0, 30));
        s.extend((0..30).map(|i| 10.0 * (std::f64::consts::FRAC_PI_2 * i as f64 / 30.0).sin()));
        s.extend(std::iter::repeat_n(10.0, 30));
        let plain = normalise_excursion(&s, 30.0, 0.2, 0.0);
        let turned = normalise_excursion_towards(&s, 30.0, 0.2, 0.0, true);
        // Without the direction, rest is taken half-way between the ends.
        assert!(plain[10] < -0.5, "{}", plain[10]);
        assert!(turned[10].abs() < 1e-9, "{}", turned[10]);
        assert!((turned[s.len() - 1] - 1.0).abs() < 0.05);
        let reps = find_repetitions(&turned, 30.0, &SegmentSettings::default());
        let cut: Vec<Option<CutOff>> = reps.iter().map(|r| r.cut_off).collect();
        assert_eq!(cut, [None, None, Some(CutOff::End)], "{reps:?}");
        // Both ends at rest: the direction changes nothing.
        let whole = &s[..210];
        assert_eq!(
            normalise_excursion(whole, 30.0, 0.2, 0.0),
            normalise_excursion_towards(whole, 30.0, 0.2, 0.0, true)
        );
    }
}
