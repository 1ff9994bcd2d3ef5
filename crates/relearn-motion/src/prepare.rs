//! From a raw recording to analysable kinematics: lab frame, keypoint confidence, gap filling,
//! zero-phase low-pass filtering and clinical measures (`clinical-spec.md` §5.1 and §6).
//!
//! Order of steps, and why:
//! 1. Samples below the keypoint confidence threshold (0.3) become missing (§5.1).
//! 2. Conversion to the lab frame (metres, z up), detecting axes and units the format does not
//!    state (`relearn_core::lab`); then limbs the tracker swapped left for right for a moment
//!    are put back ([`crate::swaps`]).
//! 3. Tracking spikes (a joint jumping away and back within 0.1 s) become missing
//!    ([`remove_tracking_spikes`], `relearn_core::spikes`; a *Relearn default*, §5.1 has no
//!    such step), before gap filling so that it bridges them like any short dropout.
//! 4. Interior gaps up to 10 frames and 0.1 s are filled with a cubic spline; longer gaps stay
//!    missing and are reported (§5.1, Howarth & Callaghan 2010 \[98\]).
//! 5. Each joint coordinate is low-passed with a 2nd-order Butterworth, forward and backward,
//!    6 Hz by default, with Winter's dual-pass correction (§5.1, Winter 2009 \[97\]).
//! 6. Measures are computed from the filtered positions in the body frame (§6).
//!
//! What the filter removes is kept as an estimate of the tracker's noise
//! ([`PreparedRecording::noise_mm`]): rehabilitation movements have almost nothing above the
//! 6 Hz cut-off (Winter 2009 \[97\], the reason for the cut-off), so the residual is mostly
//! jitter. Templates compare it with their examples' (`template.rs`, `score.rs`): a recording
//! much noisier than the demonstration's changes verdicts (VALIDATION.md §4, "Noise").

use crate::body::{detect_view, View};
use crate::error::{Error, Result};
use crate::measures::{compute_measures, MeasureSet};
use relearn_core::filter::{Butterworth, KINEMATICS_CUTOFF_HZ, KINEMATICS_ORDER};
use relearn_core::gaps::{fill_gaps, GapSettings};
use relearn_core::lab::{to_lab_frame, LabFrameOptions, LabFrameReport};
use relearn_core::{quality, Recording, SignedAxis, Warning};
use serde::{Deserialize, Serialize};

/// Keypoint confidence below which a sample is treated as missing: 0.3 (`clinical-spec.md`
/// §5.1, *Relearn default*).
pub const KEYPOINT_CONFIDENCE_THRESHOLD: f32 = 0.3;

/// Settings of the preparation pipeline; the defaults are those of `clinical-spec.md` §5.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareSettings {
    /// Low-pass cut-off in Hz (6 Hz, §5.1). `None` disables filtering.
    pub cutoff_hz: Option<f64>,
    /// Gap-filling limits and method (§5.1).
    pub gaps: GapSettings,
    /// Keypoint confidence threshold (§5.1).
    pub confidence_threshold: f32,
    /// Override of the source's vertical axis (`--up`).
    pub up: Option<SignedAxis>,
    /// Treat tracking spikes (a joint jumping away and back within 0.1 s,
    /// `relearn_core::spikes`) as missing before gap filling. Absent in templates built before
    /// the step existed, which were prepared without it, so it reads as `false` there.
    #[serde(default)]
    pub remove_spikes: bool,
}

impl Default for PrepareSettings {
    fn default() -> Self {
        PrepareSettings {
            cutoff_hz: Some(KINEMATICS_CUTOFF_HZ),
            gaps: GapSettings::default(),
            confidence_threshold: KEYPOINT_CONFIDENCE_THRESHOLD,
            up: None,
            remove_spikes: true,
        }
    }
}

/// A recording ready for analysis.
#[derive(Debug, Clone)]
pub struct PreparedRecording {
    /// Positions in the lab frame, gap-filled and filtered.
    pub recording: Recording,
    /// What the lab-frame conversion found.
    pub lab: LabFrameReport,
    /// What the recording can see.
    pub view: View,
    /// Clinical measures frame by frame.
    pub measures: MeasureSet,
    /// Leg length in metres (hip → knee → ankle, median), when the legs are tracked.
    pub leg_length_m: Option<f64>,
    /// Tracking quality of the raw recording (before gap filling).
    pub quality: quality::TrackingQuality,
    /// The tracking spikes treated as missing before gap filling, per joint that had any
    /// ([`remove_tracking_spikes`]).
    pub spikes: Vec<JointSpikes>,
    /// Tracking noise, mm: for each joint, the RMS length of what the low-pass filter removed
    /// from its tracked 3-D positions (gap-filled samples left out), then the median over
    /// joints.
    /// `None` when the recording was not filtered or no joint was tracked long enough.
    pub noise_mm: Option<f64>,
    /// Everything worth telling the user (from reading, conversion, gaps, filtering).
    pub warnings: Vec<Warning>,
    /// The noise match the positions were filtered again for
    /// ([`crate::noise_match::match_in_place`]); `None` as prepared. A recording matched to
    /// one template's examples is scored only against that template.
    pub noise_matched: Option<crate::noise_match::NoiseMatch>,
}

/// Runs the preparation pipeline on a recording.
pub fn prepare(mut rec: Recording, settings: &PrepareSettings) -> Result<PreparedRecording> {
    let what = if rec.source.path.is_empty() {
        "recording".to_string()
    } else {
        rec.source.path.clone()
    };
    if rec.frame_count() < 3 {
        return Err(Error::Unusable {
            what,
            why: format!("it has {} frames; at least 3 are needed", rec.frame_count()),
        });
    }
    mask_low_confidence(&mut rec, settings.confidence_threshold);
    let quality = quality::tracking_quality(&rec);
    if quality.missing_fraction >= 1.0 {
        return Err(Error::Unusable {
            what,
            why: "no joint has any valid position".into(),
        });
    }
    let lab = to_lab_frame(&mut rec, LabFrameOptions { up: settings.up })?;
    let mut warnings = std::mem::take(&mut rec.warnings);
    warnings.extend(crate::swaps::repair_left_right_swaps(&mut rec));
    let spikes = if settings.remove_spikes {
        remove_tracking_spikes(&mut rec)
    } else {
        Vec::new()
    };
    warnings.extend(spike_warning(&spikes, &quality, rec.frame_count()));

    let limit = settings.gaps.limit_frames(rec.rate_hz);
    let filter = match settings.cutoff_hz {
        Some(fc) if fc < rec.rate_hz / 2.0 => Some(Butterworth::zero_phase_lowpass(
            KINEMATICS_ORDER,
            fc,
            rec.rate_hz,
        )?),
        Some(fc) => {
            warnings.push(Warning::new(
                "not_filtered",
                format!(
                    "the {fc} Hz low-pass is not below half the frame rate of {:.1} Hz: \
                     positions were not filtered",
                    rec.rate_hz
                ),
            ));
            None
        }
        None => None,
    };
    // Gap filling per coordinate, then the coordinates filtered a few at a time (the filter
    // runs them side by side; holding only a few keeps a long recording's memory flat).
    let joints = rec.skeleton.len();
    let mut unfilled_per_joint = Vec::with_capacity(joints);
    // Per joint: the sum of squared residuals (filtered minus tracked) over its coordinates,
    // and the number of samples summed.
    let mut residual = vec![(0.0f64, 0usize); joints];
    let all: Vec<(usize, usize)> = (0..joints)
        .flat_map(|j| (0..3).map(move |axis| (j, axis)))
        .collect();
    for batch in all.chunks(relearn_core::filter::FILTER_LANES) {
        let mut coordinates: Vec<Vec<f64>> = Vec::with_capacity(batch.len());
        for &(j, axis) in batch {
            let mut x = rec.positions.coordinate(j, axis);
            let report = fill_gaps(&mut x, limit, settings.gaps.method);
            if axis == 0 {
                unfilled_per_joint.push(report.unfilled);
            }
            coordinates.push(x);
        }
        if let Some(f) = &filter {
            f.filtfilt_each(&mut coordinates, rec.rate_hz);
        }
        // The table still holds the tracked samples: replacing them gives the residual on
        // tracked samples (gap-filled ones are not the tracker's).
        for (&(j, axis), x) in batch.iter().zip(&coordinates) {
            let (sum, n) = rec.positions.replace_coordinate(j, axis, x);
            if let Some(r) = residual.get_mut(j) {
                r.0 += sum;
                r.1 += n;
            }
        }
    }
    for (j, long_gaps) in unfilled_per_joint.into_iter().enumerate() {
        let interior: Vec<_> = long_gaps
            .iter()
            .filter(|g| g.len < rec.frame_count())
            .collect();
        if let Some(longest) = interior.iter().max_by_key(|g| g.len) {
            let name = rec
                .skeleton
                .joints()
                .get(j)
                .map(|x| x.name.as_str())
                .unwrap_or("?");
            warnings.push(Warning::new(
                "gap_not_filled",
                format!(
                    "{name}: {} gap(s) longer than {limit} frames or at an end were left missing \
                     (longest {} frames at {:.2} s)",
                    interior.len(),
                    longest.len,
                    rec.time_s(longest.start)
                ),
            ));
        }
    }
    let view = detect_view(&rec);
    if view != View::ThreeD {
        warnings.push(Warning::new("view_2d", view.describe()));
    }
    let leg_length_m = relearn_core::lab::leg_length(&rec);
    let measures = compute_measures(&rec, view, leg_length_m);
    let noise_mm = filter
        .as_ref()
        .and_then(|_| tracking_noise_mm(&residual, rec.rate_hz));
    Ok(PreparedRecording {
        recording: rec,
        lab,
        view,
        measures,
        leg_length_m,
        quality,
        spikes,
        noise_mm,
        warnings,
        noise_matched: None,
    })
}

/// Share of a recording's tracked joint samples that must be spikes before the user is
/// warned: 1 % (*Relearn default*). An occasional one-frame glitch, most often of the toes or
/// feet, is routine for depth cameras and is filled without comment (it is listed by
/// `relearn inspect`); one sample in a hundred means tracking poor enough to question the
/// recording.
pub const SPIKE_WARNING_SHARE: f64 = 0.01;

/// The tracking spikes found in one joint's track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointSpikes {
    /// The joint's name in the recording's skeleton.
    pub joint: String,
    /// The frames treated as missing, in increasing order.
    pub frames: Vec<usize>,
}

/// Marks every tracking spike of `rec` (lab frame, metres) missing, joint by joint
/// ([`relearn_core::spikes::find_spikes`], a Hampel identifier over ±0.1 s), so that gap
/// filling bridges it like any short dropout; returns the spikes of each joint that had any.
///
/// The Hampel identifier's coordinate-wise median depends on the axes it is taken along. So
/// that a spike is the same whichever way the camera faced, the horizontal coordinates are
/// taken along the person's own axes: the body frame of the whole recording (the hip line
/// averaged over it, [`crate::body::span_body_frame`]; the lab's axes when no hips or
/// shoulders are tracked). The lab frame's vertical is already the body's.
pub fn remove_tracking_spikes(rec: &mut Recording) -> Vec<JointSpikes> {
    let k = relearn_core::spikes::half_window_frames(rec.rate_hz);
    let (cos, sin) = crate::body::span_body_frame(rec, View::ThreeD, 0, rec.frame_count())
        .map_or((1.0, 0.0), |frame| (frame.lateral.x, frame.lateral.y));
    let mut found = Vec::new();
    let joints = rec.skeleton.len();
    let mut track: Vec<[f64; 3]> = Vec::with_capacity(rec.frame_count());
    for j in 0..joints {
        track.clear();
        track.extend(rec.positions.values().chunks_exact(3 * joints).map(|row| {
            let p = row.get(3 * j..3 * j + 3).unwrap_or(&[f32::NAN; 3]);
            let (x, y) = (f64::from(p[0]), f64::from(p[1]));
            [cos * x + sin * y, cos * y - sin * x, f64::from(p[2])]
        }));
        let frames = relearn_core::spikes::find_spikes(&track, k);
        if frames.is_empty() {
            continue;
        }
        for &f in &frames {
            rec.positions
                .set(f, j, relearn_core::Vec3::new(f64::NAN, f64::NAN, f64::NAN));
        }
        let joint = rec
            .skeleton
            .joints()
            .get(j)
            .map_or_else(|| format!("joint {j}"), |x| x.name.clone());
        found.push(JointSpikes { joint, frames });
    }
    found
}

/// The warning for a recording whose spikes reach [`SPIKE_WARNING_SHARE`] of its tracked
/// joint samples, naming the joints; `None` below it.
fn spike_warning(
    spikes: &[JointSpikes],
    quality: &quality::TrackingQuality,
    frames: usize,
) -> Option<Warning> {
    let total: usize = spikes.iter().map(|s| s.frames.len()).sum();
    let tracked = (1.0 - quality.missing_fraction) * (frames * quality.joints.len()) as f64;
    if total == 0 || (total as f64) < SPIKE_WARNING_SHARE * tracked {
        return None;
    }
    let list: Vec<String> = spikes
        .iter()
        .map(|s| format!("{} {}", s.joint, s.frames.len()))
        .collect();
    Some(Warning::new(
        "tracking_spikes",
        format!(
            "{total} joint positions ({:.1} % of those tracked) jumped away and back within \
             {:.1} s, faster than a body moves, and were treated as missing and filled: {}; \
             tracking was poor, so check the recording (distance, light, the whole body in \
             view)",
            100.0 * total as f64 / tracked.max(1.0),
            relearn_core::spikes::SPIKE_HALF_WINDOW_S,
            list.join(", ")
        ),
    ))
}

/// The prepared recording `p` low-passed again at `cutoff_hz` (the same zero-phase
/// Butterworth as [`prepare`]), its measures recomputed; tracking noise, quality, view, leg
/// length and warnings are those of `p`. Used to score a recording noisier than a template's
/// examples at a lower cut-off ([`crate::noise_match`]): below the first filter's cut-off the
/// cascade is the second filter.
pub fn refiltered(p: &PreparedRecording, cutoff_hz: f64) -> Result<PreparedRecording> {
    let mut out = p.clone();
    refilter_in_place(&mut out, cutoff_hz)?;
    Ok(out)
}

/// [`refiltered`] without a copy: the positions are filtered where they are and the measures
/// replaced (a long recording's memory stays flat).
pub fn refilter_in_place(p: &mut PreparedRecording, cutoff_hz: f64) -> Result<()> {
    let rate = p.recording.rate_hz;
    if !(cutoff_hz > 0.0 && cutoff_hz < rate / 2.0) {
        return Err(Error::Unusable {
            what: p.recording.source.path.clone(),
            why: format!(
                "a {cutoff_hz} Hz low-pass needs a frame rate above {} Hz; it is {rate} Hz",
                2.0 * cutoff_hz
            ),
        });
    }
    let filter = Butterworth::zero_phase_lowpass(KINEMATICS_ORDER, cutoff_hz, rate)?;
    let all: Vec<(usize, usize)> = (0..p.recording.skeleton.len())
        .flat_map(|j| (0..3).map(move |axis| (j, axis)))
        .collect();
    for batch in all.chunks(relearn_core::filter::FILTER_LANES) {
        let mut coordinates: Vec<Vec<f64>> = batch
            .iter()
            .map(|&(j, axis)| p.recording.positions.coordinate(j, axis))
            .collect();
        filter.filtfilt_each(&mut coordinates, rate);
        for (&(j, axis), x) in batch.iter().zip(&coordinates) {
            p.recording.positions.replace_coordinate(j, axis, x);
        }
    }
    // The old measures go before the new ones are computed: one set in memory at a time.
    p.measures.series = Vec::new();
    p.measures = compute_measures(&p.recording, p.view, p.leg_length_m);
    Ok(())
}

/// The median over joints of each joint's RMS residual length (mm), from the per-joint sums
/// of squared coordinate residuals (metres) and sample counts. A joint needs one second of
/// samples (three coordinates each) to count.
fn tracking_noise_mm(residual: &[(f64, usize)], rate_hz: f64) -> Option<f64> {
    let min_samples = (3.0 * rate_hz).ceil() as usize;
    let per_joint: Vec<f64> = residual
        .iter()
        .filter(|(_, n)| *n >= min_samples.max(3))
        // Three coordinates per frame: the mean squared 3-D residual is 3 × the mean per
        // coordinate.
        .map(|(sum, n)| (3.0 * sum / *n as f64).sqrt() * 1000.0)
        .collect();
    relearn_core::stats::median(&per_joint)
}

/// Marks samples whose confidence is below the threshold as missing.
fn mask_low_confidence(rec: &mut Recording, threshold: f32) {
    let Some(conf) = rec.confidence.clone() else {
        return;
    };
    let joints = rec.skeleton.len();
    for (i, c) in conf.iter().enumerate() {
        if *c < threshold {
            let (f, j) = (i / joints.max(1), i % joints.max(1));
            rec.positions
                .set(f, j, relearn_core::Vec3::new(f64::NAN, f64::NAN, f64::NAN));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{simulate_squat, SquatSimulation};

    fn noise_of(noise_m: f64) -> f64 {
        let sim = SquatSimulation {
            noise_m,
            ..SquatSimulation::default()
        };
        let (rec, _) = simulate_squat(&sim).unwrap();
        prepare(rec, &PrepareSettings::default())
            .unwrap()
            .noise_mm
            .unwrap()
    }

    #[test]
    fn a_slow_camera_is_filtered_and_one_below_twice_the_cut_off_is_not() {
        // 13 Hz used to fail (the corrected design cut-off, 6 / 0.802 = 7.48 Hz, lay above
        // the 6.5 Hz Nyquist frequency); 15 Hz was filtered at 7.48 Hz, almost nothing.
        for (rate, filtered) in [(13.0, true), (15.0, true), (10.0, false)] {
            let sim = SquatSimulation {
                reps: 2,
                rate_hz: rate,
                noise_m: 0.005,
                ..SquatSimulation::default()
            };
            let rec = simulate_squat(&sim).unwrap().0;
            let p = prepare(rec, &PrepareSettings::default()).unwrap();
            let warned = p.warnings.iter().any(|w| w.code == "not_filtered");
            assert_eq!(!warned, filtered, "{rate} Hz");
            // Filtered, it removes the noise above 6 Hz: per coordinate 5 mm, a share
            // 1 − 12/rate of its power, 3 coordinates.
            if filtered {
                let want = 5.0 * (3.0 * (1.0 - 12.0 / rate)).sqrt();
                let got = p.noise_mm.unwrap();
                assert!(
                    (got / want - 1.0).abs() < 0.35,
                    "{rate} Hz: {got} mm, {want} mm"
                );
            }
        }
    }

    #[test]
    fn filtering_a_prepared_recording_again_equals_filtering_it_once_at_the_lower_cut_off() {
        let sim = SquatSimulation {
            reps: 2,
            noise_m: 0.01,
            ..SquatSimulation::default()
        };
        let rec = simulate_squat(&sim).unwrap().0;
        let at = |fc: f64| PrepareSettings {
            cutoff_hz: Some(fc),
            ..PrepareSettings::default()
        };
        let once = prepare(rec.clone(), &at(2.0)).unwrap();
        let first = prepare(rec, &at(6.0)).unwrap();
        let twice = refiltered(&first, 2.0).unwrap();
        assert_eq!(
            twice.noise_mm, first.noise_mm,
            "the noise measured first is kept"
        );
        let mut largest = 0.0f64;
        for f in 0..once.recording.frame_count() {
            for j in 0..once.recording.skeleton.len() {
                if let (Some(a), Some(b)) = (
                    once.recording.positions.get(f, j),
                    twice.recording.positions.get(f, j),
                ) {
                    largest = largest.max((a - b).norm());
                }
            }
        }
        assert!(largest < 0.001, "largest difference {largest} m");
        assert!(
            refiltered(&first, 20.0).is_err(),
            "above half the 30 Hz rate"
        );
    }

    #[test]
    fn tracking_noise_is_what_the_low_pass_removes() {
        // White noise of SD s per coordinate: the 3-D residual cannot exceed the whole noise
        // (√3·s), and a 6 Hz low-pass at 30 Hz keeps well under half of it, so it is above s.
        for s_mm in [5.0, 10.0, 20.0] {
            let n = noise_of(s_mm / 1000.0);
            assert!(n > s_mm && n < 3f64.sqrt() * s_mm, "{s_mm} mm -> {n}");
        }
        // A smooth squat without noise leaves almost nothing above 6 Hz.
        let clean = noise_of(0.0);
        assert!(clean < 0.5, "{clean}");
        // Without filtering there is no estimate.
        let (rec, _) = simulate_squat(&SquatSimulation::default()).unwrap();
        let unfiltered = PrepareSettings {
            cutoff_hz: None,
            ..PrepareSettings::default()
        };
        assert!(prepare(rec, &unfiltered).unwrap().noise_mm.is_none());
    }

    /// A simulated squat with the left knee thrown `jump_m` sideways for `len` frames in the
    /// middle of the first descent, and the frames thrown.
    fn squat_with_knee_glitch(jump_m: f64, len: usize) -> (Recording, Recording, Vec<usize>) {
        let sim = SquatSimulation {
            reps: 2,
            noise_m: 0.004,
            ..SquatSimulation::default()
        };
        let (clean, _) = simulate_squat(&sim).unwrap();
        let mut glitched = clean.clone();
        let knee = glitched.skeleton.joint_index("KneeLeft").unwrap();
        let start = (sim.edge_rest_s * sim.rate_hz) as usize + 20;
        let frames: Vec<usize> = (start..start + len).collect();
        for &f in &frames {
            let p = glitched.positions.get(f, knee).unwrap();
            glitched
                .positions
                .set(f, knee, p + relearn_core::Vec3::new(jump_m, 0.0, 0.0));
        }
        (clean, glitched, frames)
    }

    fn largest_difference(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn a_knee_thrown_aside_for_three_frames_is_removed_and_its_angle_kept() {
        let (clean, glitched, frames) = squat_with_knee_glitch(0.3, 3);
        let glitched_clean = clean.clone();
        let clean = prepare(clean, &PrepareSettings::default()).unwrap();
        assert!(clean.spikes.is_empty(), "{:?}", clean.spikes);
        let repaired = prepare(glitched.clone(), &PrepareSettings::default()).unwrap();
        assert_eq!(
            repaired.spikes,
            vec![JointSpikes {
                joint: "KneeLeft".into(),
                frames: frames.clone()
            }]
        );
        let kept = PrepareSettings {
            remove_spikes: false,
            ..PrepareSettings::default()
        };
        let unrepaired = prepare(glitched, &kept).unwrap();
        assert!(unrepaired.spikes.is_empty());
        let knee = crate::measures::Measure::sided(
            crate::measures::MeasureKind::KneeFlexion,
            relearn_core::Side::Left,
        );
        let series = |p: &PreparedRecording| p.measures.get(knee).unwrap().to_vec();
        // Removed, the spike is exactly a dropout of those frames: the same samples gap-filled.
        let mut dropout = glitched_clean;
        let joint = dropout.skeleton.joint_index("KneeLeft").unwrap();
        for &f in &frames {
            let nan = relearn_core::Vec3::new(f64::NAN, f64::NAN, f64::NAN);
            dropout.positions.set(f, joint, nan);
        }
        let dropout = prepare(dropout, &PrepareSettings::default()).unwrap();
        assert_eq!(series(&repaired), series(&dropout));
        // Filling 0.1 s in the middle of a descent costs a degree or two; the spike, more.
        let repaired_error = largest_difference(&series(&repaired), &series(&clean));
        let unrepaired_error = largest_difference(&series(&unrepaired), &series(&clean));
        assert!(repaired_error < 3.0, "repaired: {repaired_error}°");
        assert!(unrepaired_error > 10.0, "left in: {unrepaired_error}°");
        // Three samples of 22 joints' are far below the share that warns.
        assert!(!repaired
            .warnings
            .iter()
            .any(|w| w.code == "tracking_spikes"));
    }

    #[test]
    fn fast_noisy_squats_at_any_rate_have_no_spikes() {
        for (rate, noise, seconds, seed) in [
            (30.0, 0.010, 1.0, 1),
            (60.0, 0.008, 1.2, 2),
            (100.0, 0.005, 0.8, 3),
            (15.0, 0.010, 1.5, 4),
        ] {
            let sim = SquatSimulation {
                reps: 4,
                rate_hz: rate,
                noise_m: noise,
                rep_duration_s: seconds,
                variability: 0.1,
                seed,
                ..SquatSimulation::default()
            };
            let (rec, _) = simulate_squat(&sim).unwrap();
            let p = prepare(rec, &PrepareSettings::default()).unwrap();
            assert!(p.spikes.is_empty(), "{rate} Hz: {:?}", p.spikes);
        }
    }

    #[test]
    fn frequent_spikes_are_warned_about_and_rare_ones_are_not() {
        let quality = |joints: usize| quality::TrackingQuality {
            joints: vec![
                quality::JointQuality {
                    name: "j".into(),
                    missing_fraction: 0.0,
                    low_confidence_fraction: 0.0,
                    inferred_fraction: 0.0,
                    gaps: 0,
                    longest_gap_frames: 0,
                };
                joints
            ],
            missing_fraction: 0.0,
            low_confidence_fraction: 0.0,
            gaps: Vec::new(),
        };
        let spikes = |n: usize| {
            vec![JointSpikes {
                joint: "KneeLeft".into(),
                frames: (0..n).collect(),
            }]
        };
        // 20 joints × 100 frames: 19 samples are under 1 %, 20 reach it.
        assert!(spike_warning(&spikes(19), &quality(20), 100).is_none());
        let w = spike_warning(&spikes(20), &quality(20), 100).unwrap();
        assert_eq!(w.code, "tracking_spikes");
        assert!(w.message.contains("KneeLeft 20"), "{}", w.message);
        assert!(spike_warning(&[], &quality(20), 100).is_none());
    }

    #[test]
    fn a_template_written_before_spike_removal_prepares_without_it() {
        let old = r#"{"cutoff_hz":6.0,"gaps":{"max_gap_frames":10,"max_gap_s":0.1,"method":"cubic_spline"},"confidence_threshold":0.3,"up":null}"#;
        let settings: PrepareSettings = serde_json::from_str(old).unwrap();
        assert!(!settings.remove_spikes);
        assert!(PrepareSettings::default().remove_spikes);
    }
}
