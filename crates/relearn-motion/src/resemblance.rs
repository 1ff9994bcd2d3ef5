//! Is a new repetition or recording like the ones the template was built from?
//!
//! Two checks share one statistic ([`ExampleRange`]: the range the template's examples span,
//! and Tukey's far-out fence above it).
//!
//! **The exercise.**
//! A common mistake in a clinic is scoring a recording against the wrong template (the patient
//! did the hip hinge, the template is the squat), or a recording in which tracking was lost.
//! The model would then call every repetition incorrect with high confidence, and its
//! deviations would read as advice about the wrong movement. A template therefore keeps, for
//! the repetitions it was built from (correct and incorrect alike: both are the exercise), how
//! far they lie from its reference, as DTW distances on scaled signals
//! (`compare::Alignment::distance`), and how much of their movement is off its primary axis
//! (1 − `segment::share_along_either_side`: DTW can warp one movement onto another, but a
//! hip hinge does not move along a squat's axis). A repetition beyond Tukey's far-out fence of
//! either (upper quartile + 3 × interquartile range; Tukey, *Exploratory Data Analysis*, 1977,
//! §2) is reported as not resembling the exercise, with a warning that says what to check.
//!
//! The fence is a property of the template's own examples, not a constant tuned on a data set.
//! The examples shaped the reference, so their distances are a little smaller than a new
//! person's; the far-out multiplier (3, not the 1.5 of Tukey's inner fence) leaves room for
//! that. VALIDATION.md §4 ("Is it the exercise?") measures both kinds of error on UI-PRMD.
//!
//! **A clinic's small template.** A clinician demonstrates a handful of repetitions, all by
//! one person, and patients are other people. Such examples span only one person's
//! repetition-to-repetition variation, and they are in-sample twice over: the reference is
//! their own average (with five examples each is a fifth of it) and the primary axis is
//! their own principal component (fitted to make their off-axis share small). A fence learnt
//! from them sat at 1.5 × their typical distance and at 2 % of the movement off the axis, and
//! flagged 93 % of other people's correct repetitions (VALIDATION.md §4). Two guards
//! ([`ExerciseFences`]):
//! - the off-axis fence is never below [`OFF_AXIS_FLOOR`], one half: a repetition is called
//!   unlike the exercise on this ground only when most of its movement lies in directions
//!   the demonstration does not move in, whatever the examples' own spread; when the
//!   demonstration itself moves partly off its axis (one arm, then the other), when less
//!   than half as much of its movement lies along the axis as in the typical example;
//! - the distance fence is used only when learnt from at least [`MIN_EXAMPLES_FOR_DISTANCE`]
//!   repetitions. DTW distance has no scale of its own to floor it with (it is measured in
//!   the examples' own signal scales), so with fewer examples only the axis check runs.
//!
//! **The noise.** A template learns what its demonstration looks like through the tracker it
//! was recorded with, jitter included; a patient recorded with a noisier tracker (or farther
//! from the camera, or in poor light) differs from it by noise that the normal band never
//! saw, and verdicts change (VALIDATION.md §4, "Noise": with the template and the patient on
//! equally noisy recordings the accuracy holds). The template keeps the range of its example
//! recordings' tracking noise (`PreparedRecording::noise_mm`), and a recording noisier than
//! the fence gets the warning `noisier_than_template` ([`is_noisier`]) when its noise power is
//! also at least double the examples' typical (noise adds in quadrature: the extra noise is
//! then at least as large as a typical example's own). The second condition matters when the
//! examples' noise hardly varies (one session, one camera): the fence then sits just above
//! them, and a recording a tenth noisier is no cause for a warning.

use serde::{Deserialize, Serialize};

/// Tukey's far-out fence multiplier of the interquartile range (Tukey 1977).
pub const FAR_OUT_IQR: f64 = 3.0;

/// Lowest share (0-1) of a repetition's movement off the demonstration's primary axis that
/// can make it unlike the exercise, for a demonstration that moves along its axis only: more
/// than half of the movement in other directions. Not fitted: the share has a meaning of its
/// own, and one half is where the demonstrated direction stops being the main one (module
/// docs, "A clinic's small template"). For a demonstration whose typical repetition itself
/// moves partly off the axis, the floor is half of that repetition's on-axis share
/// ([`ExerciseFences::off_axis_fence`]).
pub const OFF_AXIS_FLOOR: f64 = 0.5;

/// Fewest example repetitions for the DTW distance fence to be used (module docs). Twenty
/// is where the upper quartile and the interquartile range of the examples stop resting on
/// two or three repetitions each, and where one example is at most a twentieth of the
/// reference it is compared with.
pub const MIN_EXAMPLES_FOR_DISTANCE: usize = 20;

/// The exercise check of one template: its examples' DTW distances and off-axis shares, with
/// the guards of the module docs applied.
#[derive(Debug, Clone, Copy)]
pub struct ExerciseFences<'a> {
    /// The examples' DTW distances to the reference (`Template::resemblance`).
    pub distance: Option<&'a ExampleRange>,
    /// The examples' shares of movement off the primary axis (`Template::off_axis`).
    pub off_axis: Option<&'a ExampleRange>,
}

impl ExerciseFences<'_> {
    /// The distance beyond which a repetition is unlike the exercise; `None` when the
    /// template has no distance range or it was learnt from fewer than
    /// [`MIN_EXAMPLES_FOR_DISTANCE`] repetitions.
    pub fn distance_fence(&self) -> Option<f64> {
        self.distance
            .filter(|r| r.examples >= MIN_EXAMPLES_FOR_DISTANCE)
            .map(|r| r.fence)
    }

    /// The off-axis share beyond which a repetition is unlike the exercise: the examples'
    /// fence, never below the share at which less than half as much of the movement lies
    /// along the axis as in the typical (median) example, `1 − 0.5 × (1 − median)` (for
    /// examples entirely on the axis, [`OFF_AXIS_FLOOR`]). A demonstration of one arm and then
    /// the other moves about half off its axis by design (KIMORE's sample, VALIDATION.md §4,
    /// "A clinic's small template"), and a floor of one half of the whole movement would call
    /// the same movement by another repetition unlike it.
    pub fn off_axis_fence(&self) -> Option<f64> {
        self.off_axis.map(|r| {
            let typical = if r.median.is_finite() {
                r.median.clamp(0.0, 1.0)
            } else {
                0.0
            };
            r.fence
                .max(OFF_AXIS_FLOOR + (1.0 - OFF_AXIS_FLOOR) * typical)
        })
    }

    /// Whether a repetition at this DTW distance and off-axis share (`None`: not measured)
    /// is unlike the exercise: beyond either fence.
    pub fn is_unlike(&self, distance: f64, off_axis: Option<f64>) -> bool {
        let beyond =
            |value: f64, fence: Option<f64>| value.is_finite() && fence.is_some_and(|f| value > f);
        beyond(distance, self.distance_fence())
            || off_axis.is_some_and(|share| beyond(share, self.off_axis_fence()))
    }
}

/// Fewest examples from which a fence is learnt: below five, quartiles say little, and the
/// template makes no resemblance check.
pub const MIN_EXAMPLES: usize = 5;

/// The range of a quantity over the template's examples and Tukey's far-out fence above it: for
/// the exercise check, the examples' DTW distances to the reference (scaled signals, per point
/// and channel, RMS); for the noise check, their recordings' tracking noise in mm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleRange {
    /// Examples the values come from.
    pub examples: usize,
    /// Median of the examples' values.
    pub median: f64,
    /// Upper quartile of the examples' values.
    pub upper_quartile: f64,
    /// Largest value of an example.
    pub largest: f64,
    /// Upper quartile + [`FAR_OUT_IQR`] × interquartile range.
    pub fence: f64,
}

impl ExampleRange {
    /// Learns the range and fence from the examples' values (non-finite ones ignored); `None`
    /// with fewer than [`MIN_EXAMPLES`] finite values.
    pub fn learn(values: &[f64]) -> Option<ExampleRange> {
        let finite: Vec<f64> = values.iter().copied().filter(|d| d.is_finite()).collect();
        if finite.len() < MIN_EXAMPLES {
            return None;
        }
        let q1 = relearn_core::stats::quantile(&finite, 0.25)?;
        let q3 = relearn_core::stats::quantile(&finite, 0.75)?;
        let largest = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(ExampleRange {
            examples: finite.len(),
            median: relearn_core::stats::median(&finite)?,
            upper_quartile: q3,
            largest,
            fence: q3 + FAR_OUT_IQR * (q3 - q1),
        })
    }

    /// True when `value` lies beyond the fence. A value that could not be computed (NaN) is
    /// not judged.
    pub fn is_beyond(&self, value: f64) -> bool {
        value.is_finite() && value > self.fence
    }
}

/// True when a recording's tracking noise (mm) is beyond the fence of the template's example
/// recordings' and its power at least double their median's (module documentation).
pub fn is_noisier(range: &ExampleRange, noise_mm: f64) -> bool {
    range.is_beyond(noise_mm) && noise_mm >= std::f64::consts::SQRT_2 * range.median
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fence_is_tukeys_far_out_fence_of_the_examples() {
        // Quartiles (type 7) of 1..=9: 3 and 7, so the fence is 7 + 3 × 4 = 19.
        let d: Vec<f64> = (1..=9).map(f64::from).collect();
        let r = ExampleRange::learn(&d).unwrap();
        assert_eq!(
            (r.examples, r.median, r.upper_quartile, r.largest),
            (9, 5.0, 7.0, 9.0)
        );
        assert!((r.fence - 19.0).abs() < 1e-12);
        assert!(!r.is_beyond(19.0));
        assert!(r.is_beyond(19.5));
        assert!(!r.is_beyond(f64::NAN));
    }

    #[test]
    fn a_recording_is_noisier_only_well_beyond_examples_that_hardly_vary() {
        // Five recordings of one session, 3.40 mm each: the fence is at 3.40 mm.
        let r = ExampleRange::learn(&[3.40, 3.40, 3.41, 3.39, 3.40]).unwrap();
        assert!(r.is_beyond(3.6));
        assert!(!is_noisier(&r, 3.6), "a tenth noisier");
        assert!(!is_noisier(&r, 4.7));
        assert!(is_noisier(&r, 4.9), "√2 × 3.40 = 4.81");
        // Examples that vary widely: the fence decides.
        let r = ExampleRange::learn(&[0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 1.9]).unwrap();
        assert!(!is_noisier(&r, 0.8));
        assert!(is_noisier(&r, 1.2));
    }

    #[test]
    fn a_small_template_checks_the_axis_from_one_half_and_not_the_distance() {
        let few = ExampleRange::learn(&[1.0, 1.1, 1.2, 1.3, 1.4]).unwrap();
        let shares = ExampleRange::learn(&[0.01, 0.02, 0.02, 0.03, 0.03]).unwrap();
        let fences = ExerciseFences {
            distance: Some(&few),
            off_axis: Some(&shares),
        };
        assert_eq!(
            fences.distance_fence(),
            None,
            "five examples: no distance fence"
        );
        // Half of the typical example's on-axis share, 0.98: the fence is at 1 − 0.49.
        assert!((fences.off_axis_fence().unwrap() - 0.51).abs() < 1e-12);
        assert!(!fences.is_unlike(100.0, Some(0.3)));
        assert!(fences.is_unlike(1.0, Some(0.6)));
        assert!(!fences.is_unlike(1.0, None));
        // Twenty examples: the distance fence is used, and a wide off-axis fence is kept.
        let many: Vec<f64> = (0..20).map(|i| 1.0 + f64::from(i) / 20.0).collect();
        let many = ExampleRange::learn(&many).unwrap();
        let wide = ExampleRange::learn(&[0.1, 0.2, 0.3, 0.4, 0.5]).unwrap();
        let fences = ExerciseFences {
            distance: Some(&many),
            off_axis: Some(&wide),
        };
        assert_eq!(fences.distance_fence(), Some(many.fence));
        assert!(fences.is_unlike(many.fence + 0.1, Some(0.0)));
        assert!(
            !fences.is_unlike(many.fence, Some(0.9)),
            "0.9 is inside the fence 1.4"
        );
        assert!(!fences.is_unlike(f64::NAN, None));
    }

    /// A demonstration that itself moves half off its primary axis (one arm, then the other:
    /// KIMORE's alternating arm raise) keeps a repetition like it within the fence: the floor
    /// is half of the demonstration's typical on-axis share, not of the whole movement.
    #[test]
    fn a_demonstration_half_off_its_axis_keeps_its_like_within_the_fence() {
        let shares = ExampleRange::learn(&[0.52, 0.53, 0.55, 0.55, 0.55, 0.58]).unwrap();
        let fences = ExerciseFences {
            distance: None,
            off_axis: Some(&shares),
        };
        let fence = fences.off_axis_fence().unwrap();
        assert!((fence - (1.0 - 0.5 * 0.45)).abs() < 1e-12, "{fence}");
        assert!(!fences.is_unlike(1.0, Some(0.61)));
        assert!(fences.is_unlike(1.0, Some(0.8)));
    }

    #[test]
    fn too_few_examples_make_no_fence() {
        assert!(ExampleRange::learn(&[1.0, 2.0, 3.0, 4.0, f64::NAN]).is_none());
        assert!(ExampleRange::learn(&[1.0, 2.0, 3.0, 4.0, 5.0]).is_some());
    }
}
