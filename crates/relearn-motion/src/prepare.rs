//! From a raw recording to analysable kinematics: lab frame, keypoint confidence, gap filling,
//! zero-phase low-pass filtering and clinical measures (`clinical-spec.md` §5.1 and §6).
//!
//! Order of steps, and why:
//! 1. Samples below the keypoint confidence threshold (0.3) become missing (§5.1).
//! 2. Conversion to the lab frame (metres, z up), detecting axes and units the format does not
//!    state (`relearn_core::lab`); then limbs the tracker swapped left for right for a moment
//!    are put back ([`crate::swaps`]).
//! 3. Interior gaps up to 10 frames and 0.1 s are filled with a cubic spline; longer gaps stay
//!    missing and are reported (§5.1, Howarth & Callaghan 2010 [98]).
//! 4. Each joint coordinate is low-passed with a 2nd-order Butterworth, forward and backward,
//!    6 Hz by default, with Winter's dual-pass correction (§5.1, Winter 2009 [97]).
//! 5. Measures are computed from the filtered positions in the body frame (§6).
//!
//! What the filter removes is kept as an estimate of the tracker's noise
//! ([`PreparedRecording::noise_mm`]): rehabilitation movements have almost nothing above the
//! 6 Hz cut-off (Winter 2009 [97], the reason for the cut-off), so the residual is mostly
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
}

impl Default for PrepareSettings {
    fn default() -> Self {
        PrepareSettings {
            cutoff_hz: Some(KINEMATICS_CUTOFF_HZ),
            gaps: GapSettings::default(),
            confidence_threshold: KEYPOINT_CONFIDENCE_THRESHOLD,
            up: None,
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
                    "the {fc} Hz low-pass is above half the frame rate ({} Hz): positions were \
                     not filtered",
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
        noise_mm,
        warnings,
        noise_matched: None,
    })
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
}
