//! Scoring a recording that is noisier than the template's examples.
//!
//! A template's normal band and models learn the demonstration through the tracker it was
//! recorded with. A patient recorded with more jitter (farther from the camera, in poor light,
//! with a keypoint tracker) leaves that band through noise alone: white noise of 5 mm added to
//! UI-PRMD recordings changed 23 % of the verdicts (VALIDATION.md §4, "Noise"). When the
//! recording's noise power is at least twice the examples' typical ([`plan`]; the
//! `noisier_than_template` warning comes later, beyond the fence of
//! [`crate::resemblance::is_noisier`]), scoring matches it to them in two steps, both from
//! the tracking noise measured during preparation ([`PreparedRecording::noise_mm`]):
//!
//! 1. **Filter down to the examples' noise.** For white noise the power a low-pass filter lets
//!    through is proportional to its cut-off (its spectrum is flat, the assumption of Winter's
//!    residual analysis, 2009 \[97\]), so the recording filtered at `fc · (m / n)²` passes as much noise as the examples
//!    did at the template's cut-off `fc` (`m` the examples' median noise, `n` the
//!    recording's). The cut-off is never set below [`matched_cutoff_floor_hz`] (four times the
//!    demonstration's repetition rate, [`NoiseMatchSettings`]), which keeps the movement itself: a smooth repetition
//!    (minimum jerk, Flash & Hogan 1985) of duration `T` has 99.998 % of its power below
//!    `4 / T`. The recording is re-filtered from its prepared positions
//!    ([`crate::prepare::refiltered`]): the template's 6 Hz filter passes everything below the
//!    ≤ 3 Hz matched cut-off (at least 99.8 % of the amplitude), so the cascade equals one
//!    filter at the lower cut-off.
//! 2. **Allow for the noise that remains.** When the floor stops the cut-off short of the
//!    match (a recording far noisier than a quiet demonstration), the extra noise per
//!    coordinate, `σ² = σₙ²·2f'/fs − σₘ²·2fc/fs` (the passed share `2f/fs` of an ideal
//!    low-pass at `f`; per-coordinate noise from the 3-D estimate by
//!    [`per_coordinate_noise_m`]), is propagated to every signal: to a joint position as
//!    itself, to a clinical measure by simulation ([`measure_noise`]). It is added in
//!    quadrature to the normal variability of every point of every channel, and fixed rule
//!    limits move away by twice it ([`matched_template`]).
//!
//! A recording at another frame rate than the examples' is compared with them by the noise
//! its filtered positions keep ([`noise_at_rate`]), not by the residual the estimate
//! measures, which shrinks as the rate falls.
//!
//! What is matched is reported on the score ([`NoiseMatch`], `noise_match` in the JSON) and in
//! the `noisier_than_template` warning. Recordings that are not noisier than the examples are
//! scored exactly as before. Measured on UI-PRMD with white noise added to the patient's
//! recordings (VALIDATION.md §4, "Noise"): accuracy 0.861 → 0.881 with 2 mm, 0.703 → 0.784
//! with 5 mm and 0.565 → 0.693 with 10 mm (0.872 without noise). A template built from
//! recordings as noisy as the patient's still does better (0.864 at 5 mm): the advice in the
//! warning stands.

use crate::body::{BodyFrame, View};
use crate::channels::{body_size_m, Channel};
use crate::error::Result;
use crate::faults::{Check, Statistic};
use crate::measures::{compute_measures, Measure};
use crate::prepare::{refiltered, PreparedRecording};
use crate::template::Template;
use relearn_core::filter::{Butterworth, KINEMATICS_ORDER};
use relearn_core::rng::SplitMix64;
use relearn_core::Vec3;
use serde::{Deserialize, Serialize};

/// Settings of noise matching, kept in the template's settings
/// (`TemplateSettings::noise_match`; all *Relearn defaults*, module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoiseMatchSettings {
    /// Whether a noisy recording is matched at all (true).
    pub enabled: bool,
    /// Noise power, relative to the examples' median, from which a recording is matched (2:
    /// noise adds in quadrature, so the recording then carries at least as much noise of its
    /// own as the examples do; the factor of the second test of
    /// [`crate::resemblance::is_noisier`]).
    pub from_power_ratio: f64,
    /// The matched cut-off is at least this many times the demonstration's repetition rate
    /// (`1 / duration`) (4: keeps 99.998 % of the power of a minimum-jerk repetition).
    pub harmonics_kept: f64,
    /// Rule limits move by this many standard deviations of what the remaining noise does to
    /// the rule's measure (2: a limit then counts as broken only by more than the noise could
    /// do about 19 times in 20).
    pub rule_margin_sd: f64,
}

impl Default for NoiseMatchSettings {
    fn default() -> Self {
        NoiseMatchSettings {
            enabled: true,
            from_power_ratio: 2.0,
            harmonics_kept: 4.0,
            rule_margin_sd: 2.0,
        }
    }
}

impl NoiseMatchSettings {
    /// True for the defaults (a template with them does not write them, so that templates
    /// built before the setting existed keep their identity).
    pub fn is_default(&self) -> bool {
        *self == NoiseMatchSettings::default()
    }
}

/// How a noisy recording was matched to the template's examples before scoring (module
/// documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoiseMatch {
    /// The recording's tracking noise, mm (what the template's filter removed).
    pub noise_mm: f64,
    /// The examples' typical (median) tracking noise, mm.
    pub examples_noise_mm: f64,
    /// The template's low-pass cut-off, Hz.
    pub template_cutoff_hz: f64,
    /// The cut-off the recording was scored at, Hz.
    pub cutoff_hz: f64,
    /// Noise per coordinate left above the examples' after that filter, mm (RMS); the normal
    /// band was widened by it. Zero when the filter alone matched.
    pub extra_noise_mm: f64,
    /// The recording's frame rate, Hz.
    pub rate_hz: f64,
    /// The examples' frame rate, Hz, at which the two noises were compared
    /// ([`noise_at_rate`]).
    pub examples_rate_hz: f64,
}

/// Whether two frame rates are the same camera's for the purpose of saying so: within 1 %
/// (29.97 and 30 Hz, or time stamps rounded). The noise is converted either way.
pub fn same_rate(a_hz: f64, b_hz: f64) -> bool {
    (a_hz / b_hz - 1.0).abs() <= 0.01
}

impl NoiseMatch {
    /// For a recording at another frame rate than the examples', the words that say so
    /// (", this recording at 15 Hz and the examples at 30 Hz compared by the noise their
    /// filtered positions keep"); empty otherwise.
    pub fn rates_note(&self) -> String {
        if same_rate(self.rate_hz, self.examples_rate_hz) {
            String::new()
        } else {
            format!(
                ", this recording at {:.0} Hz and the examples at {:.0} Hz compared by the noise \
                 their filtered positions keep",
                self.rate_hz, self.examples_rate_hz
            )
        }
    }

    /// The remaining noise (mm) worth naming in a message: `None` below 0.05 mm, which would
    /// print as 0.0.
    pub fn remaining_noise_mm(&self) -> Option<f64> {
        (self.extra_noise_mm >= 0.05).then_some(self.extra_noise_mm)
    }
}

/// The lowest cut-off the matched filter may use for a template: `harmonics_kept` divided by
/// the demonstration's repetition duration, and never above the template's own cut-off.
pub fn matched_cutoff_floor_hz(t: &Template, template_cutoff_hz: f64) -> f64 {
    let d = t.reference.duration_s;
    let floor = if d > 0.0 && d.is_finite() {
        t.settings.noise_match.harmonics_kept / d
    } else {
        template_cutoff_hz
    };
    floor.min(template_cutoff_hz)
}

/// The per-coordinate standard deviation (metres) of white noise whose residual after a
/// low-pass at `cutoff_hz` has the RMS length `noise_mm`: the residual keeps the share
/// `1 − 2·fc/fs` of each coordinate's noise power (an ideal low-pass), over the `coordinates`
/// the tracker measures (3; 2 for a camera's image, whose depth carries no noise).
pub fn per_coordinate_noise_m(
    noise_mm: f64,
    cutoff_hz: f64,
    rate_hz: f64,
    coordinates: usize,
) -> f64 {
    let removed = (1.0 - 2.0 * cutoff_hz / rate_hz).max(0.05);
    noise_mm / 1000.0 / (coordinates.max(1) as f64 * removed).sqrt()
}

/// Share of white noise's power that the template's low-pass at `cutoff_hz` lets through at
/// `rate_hz` (an ideal low-pass: `2·fc/fs`, at most 1), and the share it removes, never taken
/// below 0.05 (as in [`per_coordinate_noise_m`]).
fn shares(cutoff_hz: f64, rate_hz: f64) -> (f64, f64) {
    let passed = (2.0 * cutoff_hz / rate_hz).min(1.0);
    (passed, (1.0 - passed).max(0.05))
}

/// The tracking noise (mm, as [`PreparedRecording::noise_mm`]: what the low-pass at
/// `cutoff_hz` removes) that a recording at `to_hz` would show if its filtered positions kept
/// as much noise as those of a recording at `from_hz` whose estimate is `noise_mm`.
///
/// Frame rates change what the estimate means: white noise of the same size per frame leaves
/// twice as much power after a 6 Hz low-pass at 15 Hz as at 30 Hz (the filter passes `2·fc/fs`
/// of it) while the residual the estimate measures shrinks (`1 − 2·fc/fs`). Recordings are
/// therefore compared with a template's examples by the noise their scores see: per
/// coordinate `σ² = n² / removed`, passed `σ²·passed`, and back at the other rate. The same
/// rate gives `noise_mm` back unchanged.
pub fn noise_at_rate(noise_mm: f64, cutoff_hz: f64, from_hz: f64, to_hz: f64) -> f64 {
    if from_hz == to_hz || !(from_hz > 0.0 && to_hz > 0.0) {
        return noise_mm;
    }
    let (passed_from, removed_from) = shares(cutoff_hz, from_hz);
    let (passed_to, removed_to) = shares(cutoff_hz, to_hz);
    noise_mm * (passed_from / removed_from * removed_to / passed_to).sqrt()
}

/// The recording's tracking noise as it compares with the template's examples': at their frame
/// rate ([`noise_at_rate`]; `None` without an estimate or a filter).
pub fn noise_at_examples_rate(t: &Template, p: &PreparedRecording) -> Option<f64> {
    let n = p.noise_mm?;
    let fc = t.settings.prepare.cutoff_hz?;
    let fs = p.recording.rate_hz;
    Some(noise_at_rate(n, fc, fs, t.noise_rate_hz.unwrap_or(fs)))
}

/// How to match the recording `p` to the template's examples, or `None` when it needs no
/// matching: matching is off, its tracking noise power (at the examples' frame rate,
/// [`noise_at_rate`]) is less than [`NoiseMatchSettings::from_power_ratio`] times the
/// examples' median, the template knows
/// nothing of its examples' noise, or either was not filtered. Matching starts below the
/// warning's fence ([`crate::resemblance::is_noisier`]): a recording can be within the range
/// of the examples' and still carry twice the typical noise.
pub fn plan(t: &Template, p: &PreparedRecording) -> Option<NoiseMatch> {
    let range = t.noise.as_ref()?;
    let n = p.noise_mm?;
    let fc = t.settings.prepare.cutoff_hz?;
    let fs = p.recording.rate_hz;
    let settings = &t.settings.noise_match;
    if !settings.enabled || fs.is_nan() || fs <= 2.0 * fc {
        return None;
    }
    // Compared at the examples' frame rate: the noise the scores see (`noise_at_rate`).
    let examples_rate_hz = t.noise_rate_hz.unwrap_or(fs);
    let at_examples_rate = noise_at_rate(n, fc, fs, examples_rate_hz);
    let m = range.median;
    if !(m > 0.0 && at_examples_rate.powi(2) >= settings.from_power_ratio * m * m) {
        return None;
    }
    let cutoff_hz = (fc * (m / at_examples_rate).powi(2)).clamp(matched_cutoff_floor_hz(t, fc), fc);
    // The examples are taken to see as many coordinates as the recording (a template of
    // another view is already warned about: `view_mismatch`).
    let coordinates = if p.view == View::ThreeD { 3 } else { 2 };
    let passed = |noise_mm: f64, rate: f64, f: f64| {
        per_coordinate_noise_m(noise_mm, fc, rate, coordinates).powi(2) * (2.0 * f / rate).min(1.0)
    };
    let extra = (passed(n, fs, cutoff_hz) - passed(m, examples_rate_hz, fc))
        .max(0.0)
        .sqrt();
    Some(NoiseMatch {
        noise_mm: n,
        examples_noise_mm: m,
        template_cutoff_hz: fc,
        cutoff_hz,
        extra_noise_mm: extra * 1000.0,
        rate_hz: fs,
        examples_rate_hz,
    })
}

/// A copy of the recording filtered at the matched cut-off (`m.cutoff_hz`), its measures
/// recomputed ([`crate::prepare::refiltered`]); what scoring does when it is given a recording
/// that was not matched in place.
pub fn matched_recording(p: &PreparedRecording, m: &NoiseMatch) -> Result<PreparedRecording> {
    let mut out = refiltered(p, m.cutoff_hz)?;
    out.noise_matched = Some(m.clone());
    Ok(out)
}

/// Matches the prepared recording `p` to the template's examples where it is, without a copy
/// (the filter of [`plan`], [`crate::prepare::refilter_in_place`]), when it needs it; returns
/// the match. Scoring `p` against `t` afterwards uses it as it is. The command-line tool does
/// this for `score` and `analyze`, so that an hour-long noisy recording is not held twice.
/// Matching twice is refused.
pub fn match_in_place(t: &Template, p: &mut PreparedRecording) -> Result<Option<NoiseMatch>> {
    if p.noise_matched.is_some() {
        return Err(crate::error::Error::Unusable {
            what: p.recording.source.path.clone(),
            why: "its noise was already matched to a template".into(),
        });
    }
    let Some(m) = plan(t, p) else {
        return Ok(None);
    };
    crate::prepare::refilter_in_place(p, m.cutoff_hz)?;
    p.noise_matched = Some(m.clone());
    Ok(Some(m))
}

/// The longest stretch of a recording [`measure_noise`] simulates on: 60 s from its middle
/// (*Relearn default*: over a minute of frames the RMS is stable to a few per cent, and an
/// hour-long recording costs no more memory or time than a minute).
pub const SIMULATED_S: f64 = 60.0;

/// Seed of the simulated noise in [`measure_noise`] (every run gives the same result).
const NOISE_SEED: u64 = 0x6e6f_6973_655f_6d61;

/// How much the extra noise of `m` moves each clinical measure of the matched recording `p`,
/// in the measure's unit (RMS over frames), found by simulation rather than by formula
/// (angles between short segments, such as the pelvis or the lower back, move far more than
/// long ones): seeded white noise, low-passed at the matched cut-off and scaled to
/// `m.extra_noise_mm` per coordinate, is added to the positions and the measures are
/// recomputed, on at most [`SIMULATED_S`] of the recording.
pub fn measure_noise(p: &PreparedRecording, m: &NoiseMatch) -> Result<Vec<(Measure, f64)>> {
    let all = p.recording.frame_count();
    let n = ((SIMULATED_S * p.recording.rate_hz).round() as usize).clamp(1, all.max(1));
    let start = (all - n.min(all)) / 2;
    let mut noisy = p.recording.slice_frames(start, start + n);
    let base_of_block;
    let base = if n >= all {
        &p.measures
    } else {
        base_of_block = compute_measures(&noisy, p.view, p.leg_length_m);
        &base_of_block
    };
    let (frames, joints, rate) = (noisy.frame_count(), noisy.skeleton.len(), noisy.rate_hz);
    let extra_m = m.extra_noise_mm / 1000.0;
    let filter = Butterworth::zero_phase_lowpass(KINEMATICS_ORDER, m.cutoff_hz, rate)?;
    let mut rng = SplitMix64::new(NOISE_SEED);
    let mut noise: Vec<Vec<f64>> = (0..joints * 3)
        .map(|_| (0..frames).map(|_| rng.normal()).collect())
        .collect();
    filter.filtfilt_each(&mut noise, rate);
    let rms = relearn_core::stats::rms(&noise.concat()).unwrap_or(0.0);
    let scale = if rms > 0.0 { extra_m / rms } else { 0.0 };
    // The noise is laid along the body's axes, not the lab's, so that the same movement
    // filmed from another angle gets the same noise (and the same result); a 2-D view gets
    // none along the axis it cannot see.
    let body = crate::body::span_body_frame(&noisy, p.view, 0, frames).unwrap_or(BodyFrame {
        lateral: Vec3::new(1.0, 0.0, 0.0),
        forward: Vec3::new(0.0, 1.0, 0.0),
        up: Vec3::UP,
    });
    let seen = |v: Vec3, hidden: bool| if hidden { Vec3::ZERO } else { v * scale };
    let lateral = seen(body.lateral, p.view == View::Sagittal2D);
    let forward = seen(body.forward, p.view == View::Frontal2D);
    let up = seen(body.up, false);
    for (j, c) in noise.chunks_exact(3).enumerate() {
        for (f, ((a, b), u)) in c[0].iter().zip(&c[1]).zip(&c[2]).enumerate() {
            if let Some(x) = noisy.positions.get(f, j) {
                noisy
                    .positions
                    .set(f, j, x + lateral * *a + forward * *b + up * *u);
            }
        }
    }
    let moved = compute_measures(&noisy, p.view, p.leg_length_m);
    Ok(base
        .measures()
        .into_iter()
        .filter_map(|measure| {
            let (a, b) = (base.get(measure)?, moved.get(measure)?);
            let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
            relearn_core::stats::rms(&d).map(|r| (measure, r))
        })
        .collect())
}

/// The template as it applies to the matched recording `p`: the normal band of every point of
/// every channel widened in quadrature by what the extra noise of `m` does to the channel
/// (a joint position by the noise itself, in % of body size; a clinical measure by
/// [`measure_noise`]), and every fixed rule limit moved away by
/// [`NoiseMatchSettings::rule_margin_sd`] times what
/// the noise does to the rule's measure (a noisy recording breaks a limit on an extreme value
/// through noise alone). `None` when the filter alone matched the noise: the template applies
/// as it is.
pub fn matched_template(
    t: &Template,
    p: &PreparedRecording,
    m: &NoiseMatch,
) -> Result<Option<Template>> {
    let extra_m = m.extra_noise_mm / 1000.0;
    if extra_m <= 0.0 {
        return Ok(None);
    }
    let mut out = t.clone();
    let moved = measure_noise(p, m)?;
    let of = |measure: &Measure| {
        moved
            .iter()
            .find(|(x, _)| x == measure)
            .map_or(0.0, |(_, v)| *v)
    };
    let size = body_size_m(p);
    let r = &mut out.reference;
    let c = r.channels.len();
    if c > 0 {
        let added: Vec<f64> = r
            .channels
            .iter()
            .map(|ch| match ch {
                Channel::Measure { measure } => of(measure).powi(2),
                Channel::Joint { .. } => (extra_m / size * 100.0).powi(2),
            })
            .collect();
        for (i, sd) in r.sd_eff.iter_mut().enumerate() {
            *sd = (*sd * *sd + added[i % c]).sqrt();
        }
    }
    for rule in &mut out.rules {
        if let Check::Threshold {
            measure,
            statistic,
            threshold,
            above,
        } = &mut rule.check
        {
            let kind = *measure;
            let sd = moved
                .iter()
                .filter(|(x, _)| x.kind == kind)
                .map(|(_, v)| *v)
                .fold(0.0, f64::max);
            let margin = t.settings.noise_match.rule_margin_sd * sd;
            let looser = *above || matches!(statistic, Statistic::MaxAbs);
            *threshold += if looser { margin } else { -margin };
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::{prepare, PrepareSettings};
    use crate::simulate::{simulate_squat, SquatSimulation};

    #[test]
    fn per_coordinate_noise_inverts_the_residual_of_white_noise() {
        // At 30 Hz a 6 Hz low-pass removes 60 % of each coordinate's power: 3-D residual
        // length = √(3 · 0.6) σ.
        let s = per_coordinate_noise_m(1.3416, 6.0, 30.0, 3);
        assert!((s - 0.001).abs() < 1e-6, "{s}");
        // An image: two coordinates, √(2 · 0.6) σ.
        let s = per_coordinate_noise_m(1.0954, 6.0, 30.0, 2);
        assert!((s - 0.001).abs() < 1e-6, "{s}");
    }

    fn matched(extra_noise_mm: f64) -> NoiseMatch {
        NoiseMatch {
            noise_mm: 10.0,
            examples_noise_mm: 1.0,
            template_cutoff_hz: 6.0,
            cutoff_hz: 1.5,
            extra_noise_mm,
            rate_hz: 30.0,
            examples_rate_hz: 30.0,
        }
    }

    #[test]
    fn another_frame_rate_is_named_and_a_rounded_one_is_not() {
        let mut m = matched(0.0);
        assert_eq!(m.rates_note(), "");
        m.rate_hz = 29.97;
        assert_eq!(m.rates_note(), "");
        m.rate_hz = 15.0;
        assert!(
            m.rates_note()
                .contains("at 15 Hz and the examples at 30 Hz"),
            "{}",
            m.rates_note()
        );
    }

    #[test]
    fn noise_is_compared_at_the_examples_frame_rate() {
        // Same rate: unchanged, bit for bit.
        assert_eq!(noise_at_rate(3.7, 6.0, 30.0, 30.0), 3.7);
        // White noise of σ per coordinate, 3-D: the 6 Hz residual is σ√(3·0.2) at 15 Hz and
        // σ√(3·0.6) at 30 Hz, but the filtered positions keep σ²·0.8 at 15 Hz, twice the
        // σ²·0.4 at 30 Hz; at 30 Hz that much would show a residual of σ√(3·0.6·2).
        let sigma = 2.0;
        let at_15 = sigma * (3.0f64 * 0.2).sqrt();
        let want = sigma * (3.0f64 * 0.6 * 2.0).sqrt();
        assert!((noise_at_rate(at_15, 6.0, 15.0, 30.0) - want).abs() < 1e-12);
        // And back.
        let back = noise_at_rate(noise_at_rate(at_15, 6.0, 15.0, 30.0), 6.0, 30.0, 15.0);
        assert!((back - at_15).abs() < 1e-12);
        // 120 Hz keeps a quarter of what 30 Hz keeps (2·6/120 against 2·6/30).
        let at_120 = sigma * (3.0f64 * 0.9).sqrt();
        let want = sigma * (3.0f64 * 0.6 / 4.0).sqrt();
        assert!((noise_at_rate(at_120, 6.0, 120.0, 30.0) - want).abs() < 1e-12);
    }

    #[test]
    fn what_noise_does_to_a_measure_grows_with_the_noise_and_is_repeatable() {
        let sim = SquatSimulation {
            reps: 2,
            ..SquatSimulation::default()
        };
        let p = prepare(simulate_squat(&sim).unwrap().0, &PrepareSettings::default()).unwrap();
        let of = |extra: f64, kind: crate::measures::MeasureKind| {
            measure_noise(&p, &matched(extra))
                .unwrap()
                .into_iter()
                .filter(|(m, _)| m.kind == kind)
                .map(|(_, v)| v)
                .fold(0.0, f64::max)
        };
        use crate::measures::MeasureKind::{KneeFlexion, PelvicDrop};
        assert_eq!(of(0.0, KneeFlexion), 0.0);
        let (one, two) = (of(2.0, KneeFlexion), of(4.0, KneeFlexion));
        assert!(one > 0.05 && one < 2.0, "{one} degrees from 2 mm");
        // Small errors propagate linearly.
        assert!((two / one - 2.0).abs() < 0.1, "{one} {two}");
        assert_eq!(one, of(2.0, KneeFlexion), "seeded");
        // The pelvis (two hips some 20 cm apart) tilts more than the knee (40 cm segments).
        assert!(of(2.0, PelvicDrop) > one);
    }

    #[test]
    fn an_hour_long_recording_is_simulated_on_a_minute_with_the_same_result() {
        let knee_noise = |reps: usize| {
            let sim = SquatSimulation {
                reps,
                ..SquatSimulation::default()
            };
            let p = prepare(simulate_squat(&sim).unwrap().0, &PrepareSettings::default()).unwrap();
            let seconds = p.recording.duration_s();
            let v = measure_noise(&p, &matched(3.0))
                .unwrap()
                .into_iter()
                .filter(|(m, _)| m.kind == crate::measures::MeasureKind::KneeFlexion)
                .map(|(_, v)| v)
                .fold(0.0, f64::max);
            (seconds, v)
        };
        let (short_s, short) = knee_noise(8);
        let (long_s, long) = knee_noise(60);
        assert!(
            short_s < SIMULATED_S && long_s > 2.0 * SIMULATED_S,
            "{short_s} {long_s}"
        );
        assert!((long / short - 1.0).abs() < 0.2, "{short} {long}");
    }
}
