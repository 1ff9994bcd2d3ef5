//! Butterworth filters as second-order sections, applied forward and backward (zero phase).
//!
//! Defaults follow `clinical-spec.md` §5.1 (Winter 2009 \[97\]): a 2nd-order low-pass applied
//! forward and backward, cut-off 6 Hz for markers and video keypoints, with the dual-pass
//! correction `C = (2^(1/n) − 1)^(1/(2·order))` so that the −3 dB point of the combined filter
//! is the requested cut-off (n = 2 passes, order 2: C = 0.802), applied to the pre-warped
//! frequency ([`Butterworth::zero_phase_lowpass`]).
//!
//! Design: analog Butterworth prototype, frequency pre-warping and the bilinear transform, one
//! biquad per conjugate pole pair (plus a first-order section for odd orders), as in
//! `scipy.signal.butter(..., output="sos")`. Filtering: odd (point-reflected) padding at both
//! ends and steady-state initial conditions scaled to the first sample, as in
//! `scipy.signal.sosfiltfilt`, so results agree with SciPy to rounding when the same padding
//! length is used (checked in `validation/`).
//!
//! Missing samples (NaN) split a signal into runs; each run of finite samples is filtered on
//! its own and NaN stays NaN (fill gaps first with [`crate::gaps`]).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Default low-pass cut-off for marker and keypoint kinematics: 6 Hz (`clinical-spec.md`
/// §5.1, Winter 2009 \[97\]).
pub const KINEMATICS_CUTOFF_HZ: f64 = 6.0;

/// Default Butterworth order per pass: 2 (forward-backward gives an effective 4th order;
/// `clinical-spec.md` §5.1).
pub const KINEMATICS_ORDER: usize = 2;

/// Minimum padding at each end before filtering: 1 s (`clinical-spec.md` §5.1 edge handling,
/// *Relearn default*), or 3 × the filter length if longer.
pub const MIN_PAD_S: f64 = 1.0;

/// Filter response type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// Passes frequencies below the cut-off.
    LowPass,
    /// Passes frequencies above the cut-off.
    HighPass,
}

/// One second-order section `b0 + b1 z⁻¹ + b2 z⁻² / (1 + a1 z⁻¹ + a2 z⁻²)` (a0 normalised to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Biquad {
    /// Numerator coefficients b0, b1, b2.
    pub b: [f64; 3],
    /// Denominator coefficients a1, a2 (a0 = 1).
    pub a: [f64; 2],
}

/// A digital Butterworth filter as cascaded second-order sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Butterworth {
    /// The sections, applied in order.
    pub sections: Vec<Biquad>,
    /// Order of the filter (per pass).
    pub order: usize,
    /// Cut-off used for the design in Hz (after any dual-pass correction).
    pub design_cutoff_hz: f64,
}

/// Winter's dual-pass correction factor `C = (2^(1/passes) − 1)^(1/(2·order))`
/// (`clinical-spec.md` §5.1; Winter 2009 \[97\]). For order 2 and 2 passes, C = 0.802.
pub fn dual_pass_correction(order: usize, passes: usize) -> f64 {
    (2f64.powf(1.0 / passes as f64) - 1.0).powf(1.0 / (2.0 * order as f64))
}

impl Butterworth {
    /// Designs a Butterworth filter of `order` with a −3 dB point at `cutoff_hz` for a single
    /// pass (no dual-pass correction; use [`Butterworth::zero_phase_lowpass`] for that).
    pub fn design(order: usize, cutoff_hz: f64, rate_hz: f64, response: Response) -> Result<Self> {
        if order == 0 || order > 16 {
            return Err(Error::InvalidParameter {
                name: "order",
                message: format!("expected 1-16, found {order}"),
            });
        }
        if !(rate_hz.is_finite() && rate_hz > 0.0) {
            return Err(Error::InvalidParameter {
                name: "rate_hz",
                message: format!("expected a positive sampling rate, found {rate_hz}"),
            });
        }
        let nyquist = rate_hz / 2.0;
        if !(cutoff_hz.is_finite() && cutoff_hz > 0.0 && cutoff_hz < nyquist) {
            return Err(Error::InvalidParameter {
                name: "cutoff_hz",
                message: format!(
                    "expected between 0 and the Nyquist frequency {nyquist} Hz, found {cutoff_hz}"
                ),
            });
        }
        let k = 2.0 * rate_hz;
        // Pre-warped analog cut-off (rad/s) so the digital −3 dB point lands on cutoff_hz.
        let wc = k * (std::f64::consts::PI * cutoff_hz / rate_hz).tan();
        let mut sections = Vec::with_capacity(order.div_ceil(2));
        for i in 0..order / 2 {
            // Prototype pole pair angle: p = exp(jθ), θ = π(2i + 1 + n) / (2n); Re(p) < 0.
            let theta =
                std::f64::consts::PI * (2.0 * i as f64 + 1.0 + order as f64) / (2.0 * order as f64);
            let re = theta.cos();
            let a0 = k * k - 2.0 * re * wc * k + wc * wc;
            let a1 = (2.0 * wc * wc - 2.0 * k * k) / a0;
            let a2 = (k * k + 2.0 * re * wc * k + wc * wc) / a0;
            let b = match response {
                Response::LowPass => {
                    let g = wc * wc / a0;
                    [g, 2.0 * g, g]
                }
                Response::HighPass => {
                    let g = k * k / a0;
                    [g, -2.0 * g, g]
                }
            };
            sections.push(Biquad { b, a: [a1, a2] });
        }
        if order % 2 == 1 {
            let a0 = k + wc;
            let a1 = (wc - k) / a0;
            let b = match response {
                Response::LowPass => [wc / a0, wc / a0, 0.0],
                Response::HighPass => [k / a0, -k / a0, 0.0],
            };
            sections.push(Biquad { b, a: [a1, 0.0] });
        }
        Ok(Butterworth {
            sections,
            order,
            design_cutoff_hz: cutoff_hz,
        })
    }

    /// The kinematics low-pass of `clinical-spec.md` §5.1: Butterworth of `order` per pass,
    /// with Winter's dual-pass correction `C` so that the forward-backward filter's −3 dB point
    /// is `cutoff_hz`.
    ///
    /// The correction is applied to the pre-warped frequency, `tan(π·f_design/fs) =
    /// tan(π·fc/fs) / C` (Robertson & Dowling 2003, J Electromyogr Kinesiol 13:569; Winter
    /// 2009 \[97\] gives the same for the digital filter). The spec's `fc_design = fc / C` is its
    /// limit for a rate far above the cut-off: at 100 Hz the two differ by 0.3 %, but at 30 Hz
    /// `fc / C` puts the −3 dB point at 6.45 Hz instead of 6, and at 15 Hz at 7.48 Hz, next to
    /// the Nyquist frequency, where the filter removes almost nothing. With the pre-warped
    /// correction the design cut-off stays below the Nyquist frequency whenever `cutoff_hz`
    /// does.
    pub fn zero_phase_lowpass(order: usize, cutoff_hz: f64, rate_hz: f64) -> Result<Self> {
        if !(rate_hz.is_finite() && cutoff_hz > 0.0 && cutoff_hz < rate_hz / 2.0) {
            // Out of range: the design says why.
            return Butterworth::design(order, cutoff_hz, rate_hz, Response::LowPass);
        }
        let c = dual_pass_correction(order, 2);
        let pi = std::f64::consts::PI;
        let warped = (pi * cutoff_hz / rate_hz).tan() / c;
        Butterworth::design(
            order,
            warped.atan() * rate_hz / pi,
            rate_hz,
            Response::LowPass,
        )
    }

    /// Number of taps SciPy counts for its default padding (`3 × taps`): `2·sections + 1`,
    /// minus trailing zero coefficients of a first-order section.
    fn taps(&self) -> usize {
        let zeros = self
            .sections
            .iter()
            .filter(|s| s.b[2] == 0.0 && s.a[1] == 0.0)
            .count();
        2 * self.sections.len() + 1 - zeros
    }

    /// Padding length used by [`Butterworth::filtfilt`] for a given rate: the larger of
    /// 3 × the filter length (SciPy's default) and [`MIN_PAD_S`].
    pub fn default_pad(&self, rate_hz: f64) -> usize {
        (3 * self.taps()).max((MIN_PAD_S * rate_hz).ceil() as usize)
    }

    /// Steady-state initial conditions of each section for a unit step input
    /// (`scipy.signal.sosfilt_zi`), for transposed direct form II.
    fn step_state(&self) -> Vec<[f64; 2]> {
        let mut scale = 1.0;
        self.sections
            .iter()
            .map(|s| {
                let gain = (s.b[0] + s.b[1] + s.b[2]) / (1.0 + s.a[0] + s.a[1]);
                let x = scale;
                let y = gain * x;
                let z2 = s.b[2] * x - s.a[1] * y;
                let z1 = s.b[1] * x - s.a[0] * y + z2;
                scale = y;
                [z1, z2]
            })
            .collect()
    }

    /// Zero-phase filtering of a signal without missing samples, with odd padding of `pad`
    /// samples at each end (clamped to `len − 1`), as `scipy.signal.sosfiltfilt(...,
    /// padtype="odd", padlen=pad)`.
    pub fn filtfilt_finite(&self, x: &[f64], pad: usize) -> Vec<f64> {
        if x.len() < 2 {
            return x.to_vec();
        }
        self.filtfilt_lanes([x], pad)
            .into_iter()
            .map(|[v]| v)
            .collect()
    }

    /// [`Butterworth::filtfilt`] applied to each of several signals, in place, with the same
    /// result bit for bit. Signals without missing samples that share a length are filtered
    /// [`FILTER_LANES`] at a time, interleaved: the recursion of one signal is a chain of
    /// dependent multiply-adds, so running independent signals side by side lets the
    /// processor overlap them (a recording's 66-75 coordinates filter several times faster).
    pub fn filtfilt_each(&self, signals: &mut [Vec<f64>], rate_hz: f64) {
        let pad = self.default_pad(rate_hz);
        let mut whole: Vec<usize> = Vec::with_capacity(signals.len());
        for (k, s) in signals.iter_mut().enumerate() {
            if s.len() >= 3 && s.iter().all(|v| v.is_finite()) {
                whole.push(k);
            } else {
                *s = self.filtfilt(s, rate_hz);
            }
        }
        let lengths: Vec<usize> = signals.iter().map(Vec::len).collect();
        whole.sort_by_key(|&k| lengths[k]);
        for group in whole.chunk_by(|&a, &b| lengths[a] == lengths[b]) {
            for lanes in group.chunks(FILTER_LANES) {
                // A short last chunk repeats its first signal in the unused lanes.
                let inputs: [&[f64]; FILTER_LANES] = std::array::from_fn(|l| {
                    signals[lanes.get(l).copied().unwrap_or(lanes[0])].as_slice()
                });
                let out = self.filtfilt_lanes(inputs, pad);
                for (l, &k) in lanes.iter().enumerate() {
                    for (dst, v) in signals[k].iter_mut().zip(&out) {
                        *dst = v[l];
                    }
                }
            }
        }
    }

    /// Zero-phase filtering of `N` finite signals of the same length (at least 2 samples) at
    /// once, interleaved, with odd padding of `pad` samples (clamped to `len − 1`); lane `l` of
    /// the result is exactly what one signal alone gives (`N` = 1 is the plain filter).
    fn filtfilt_lanes<const N: usize>(&self, inputs: [&[f64]; N], pad: usize) -> Vec<[f64; N]> {
        let n = inputs[0].len();
        let pad = pad.min(n - 1);
        let at = |i: usize| -> [f64; N] { std::array::from_fn(|l| inputs[l][i]) };
        let (first, last) = (at(0), at(n - 1));
        let mut ext: Vec<[f64; N]> = Vec::with_capacity(n + 2 * pad);
        ext.extend((1..=pad).rev().map(|i| {
            let x = at(i);
            std::array::from_fn(|l| 2.0 * first[l] - x[l])
        }));
        ext.extend((0..n).map(at));
        ext.extend((1..=pad).map(|i| {
            let x = at(n - 1 - i);
            std::array::from_fn(|l| 2.0 * last[l] - x[l])
        }));
        let zi = self.step_state();
        let scaled = |v: [f64; N]| -> Vec<[[f64; N]; 2]> {
            zi.iter()
                .map(|z| {
                    [
                        std::array::from_fn(|l| z[0] * v[l]),
                        std::array::from_fn(|l| z[1] * v[l]),
                    ]
                })
                .collect()
        };
        let x0 = ext[0];
        self.run_lanes(&mut ext, scaled(x0));
        ext.reverse();
        let y0 = ext[0];
        self.run_lanes(&mut ext, scaled(y0));
        ext.reverse();
        ext.drain(..pad);
        ext.truncate(n);
        ext
    }

    /// One forward pass in place over `N` interleaved signals (transposed direct form II per
    /// section), starting from the given section states.
    fn run_lanes<const N: usize>(&self, x: &mut [[f64; N]], mut state: Vec<[[f64; N]; 2]>) {
        for v in x.iter_mut() {
            let mut s_in = *v;
            for (sec, z) in self.sections.iter().zip(state.iter_mut()) {
                let mut y = [0.0; N];
                for l in 0..N {
                    y[l] = sec.b[0] * s_in[l] + z[0][l];
                    z[0][l] = sec.b[1] * s_in[l] - sec.a[0] * y[l] + z[1][l];
                    z[1][l] = sec.b[2] * s_in[l] - sec.a[1] * y[l];
                }
                s_in = y;
            }
            *v = s_in;
        }
    }

    /// Zero-phase filtering that leaves NaN samples as NaN and filters each run of finite
    /// samples separately, padding each by [`Butterworth::default_pad`]. Runs shorter than 3
    /// samples are left unfiltered.
    pub fn filtfilt(&self, x: &[f64], rate_hz: f64) -> Vec<f64> {
        let pad = self.default_pad(rate_hz);
        let mut out = x.to_vec();
        let mut i = 0;
        while i < x.len() {
            if !x[i].is_finite() {
                i += 1;
                continue;
            }
            let start = i;
            while i < x.len() && x[i].is_finite() {
                i += 1;
            }
            if i - start >= 3 {
                let y = self.filtfilt_finite(&x[start..i], pad);
                out[start..i].copy_from_slice(&y);
            }
        }
        out
    }
}

/// Zero-phase low-pass of a kinematic signal with the `clinical-spec.md` §5.1 defaults
/// (2nd order, dual-pass corrected, 1 s padding); NaN samples stay NaN.
pub fn lowpass_kinematics(x: &[f64], rate_hz: f64, cutoff_hz: f64) -> Result<Vec<f64>> {
    let f = Butterworth::zero_phase_lowpass(KINEMATICS_ORDER, cutoff_hz, rate_hz)?;
    Ok(f.filtfilt(x, rate_hz))
}

/// How many signals [`Butterworth::filtfilt_each`] filters side by side (four `f64` fill one
/// 256-bit vector register).
pub const FILTER_LANES: usize = 4;

/// Result of Winter's residual analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidualAnalysis {
    /// Candidate cut-offs in Hz.
    pub cutoffs_hz: Vec<f64>,
    /// RMS residual between raw and filtered signal at each candidate (mean over signals).
    pub residuals: Vec<f64>,
    /// Intercept at 0 Hz of the straight line fitted to the noise (high-frequency) part.
    pub noise_intercept: f64,
    /// The chosen cut-off in Hz: where the residual curve falls to the intercept.
    pub chosen_cutoff_hz: f64,
}

/// Winter's residual analysis (`clinical-spec.md` §5.1, Winter 2009 \[97\]): for candidate
/// cut-offs 1 … fs/4 Hz in 1 Hz steps, the RMS difference between raw and filtered signal;
/// a straight line is fitted to the upper half of the candidates (where the residual is
/// noise); the chosen cut-off is where the residual curve equals the line's intercept at 0 Hz.
/// Several signals (e.g. all coordinates of all joints) are pooled by averaging residuals.
pub fn residual_analysis(signals: &[Vec<f64>], rate_hz: f64) -> Result<ResidualAnalysis> {
    let max_fc = (rate_hz / 4.0).floor() as usize;
    if max_fc < 3 {
        return Err(Error::InvalidParameter {
            name: "rate_hz",
            message: format!("residual analysis needs a rate of at least 12 Hz, found {rate_hz}"),
        });
    }
    let cutoffs: Vec<f64> = (1..=max_fc).map(|f| f as f64).collect();
    let mut residuals = Vec::with_capacity(cutoffs.len());
    for &fc in &cutoffs {
        let f = Butterworth::zero_phase_lowpass(KINEMATICS_ORDER, fc, rate_hz)?;
        let mut sum = 0.0;
        let mut n = 0usize;
        for s in signals {
            let y = f.filtfilt(s, rate_hz);
            let (ss, k) = s
                .iter()
                .zip(&y)
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .fold((0.0, 0usize), |(ss, k), (a, b)| {
                    (ss + (a - b) * (a - b), k + 1)
                });
            if k > 0 {
                sum += (ss / k as f64).sqrt();
                n += 1;
            }
        }
        if n == 0 {
            return Err(Error::TooShort {
                message: "no finite samples to analyse".into(),
            });
        }
        residuals.push(sum / n as f64);
    }
    // Least-squares line through the upper half of the candidates.
    let half = cutoffs.len() / 2;
    let (xs, ys) = (&cutoffs[half..], &residuals[half..]);
    let m = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / m, ys.iter().sum::<f64>() / m);
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let intercept = my - slope * mx;
    let mut chosen = *cutoffs.last().unwrap_or(&KINEMATICS_CUTOFF_HZ);
    for w in 0..cutoffs.len().saturating_sub(1) {
        let (r0, r1) = (residuals[w], residuals[w + 1]);
        if r0 >= intercept && r1 <= intercept {
            let t = if (r0 - r1).abs() > 0.0 {
                (r0 - intercept) / (r0 - r1)
            } else {
                0.0
            };
            chosen = cutoffs[w] + t * (cutoffs[w + 1] - cutoffs[w]);
            break;
        }
    }
    Ok(ResidualAnalysis {
        cutoffs_hz: cutoffs,
        residuals,
        noise_intercept: intercept,
        chosen_cutoff_hz: chosen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| (2.0 * std::f64::consts::PI * freq * i as f64 / rate).sin())
            .collect()
    }

    fn amplitude(x: &[f64]) -> f64 {
        let mid = &x[x.len() / 4..3 * x.len() / 4];
        mid.iter().fold(0.0f64, |m, v| m.max(v.abs()))
    }

    #[test]
    fn correction_factor_for_second_order_two_passes_is_0_802() {
        assert!((dual_pass_correction(2, 2) - 0.802).abs() < 1e-3);
    }

    #[test]
    fn zero_phase_lowpass_is_minus_3_db_at_the_cutoff_at_any_rate() {
        // Also at rates close to twice the cut-off, where correcting the cut-off itself
        // (`fc / C`) rather than its pre-warped value puts the −3 dB point at 6.45 Hz (30 Hz)
        // or at the Nyquist frequency (15 Hz).
        for rate in [13.0, 15.0, 30.0, 100.0, 1000.0] {
            let f = Butterworth::zero_phase_lowpass(2, 6.0, rate).unwrap();
            assert!(f.design_cutoff_hz < rate / 2.0, "{rate} Hz");
            // Amplitude from the RMS of the middle half (a sine sampled near the Nyquist
            // frequency rarely lands on its peak).
            let n = (40.0 * rate) as usize;
            let rms_amplitude = |x: &[f64]| {
                let mid = &x[n / 4..3 * n / 4];
                (2.0 * mid.iter().map(|v| v * v).sum::<f64>() / mid.len() as f64).sqrt()
            };
            let gain = rms_amplitude(&f.filtfilt(&sine(6.0, rate, n), rate));
            assert!(
                (gain - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.01,
                "{rate} Hz: gain {gain}"
            );
            // A quarter of the cut-off passes, three times it is removed.
            let slow = rms_amplitude(&f.filtfilt(&sine(1.5, rate, n), rate));
            assert!(slow > 0.99, "{rate} Hz: slow {slow}");
        }
        for (rate, fc) in [(12.0, 6.0), (10.0, 6.0), (f64::NAN, 6.0), (30.0, 0.0)] {
            assert!(
                Butterworth::zero_phase_lowpass(2, fc, rate).is_err(),
                "{rate} {fc}"
            );
        }
    }

    #[test]
    fn passband_is_kept_and_stopband_removed_without_phase_shift() {
        let f = Butterworth::zero_phase_lowpass(2, 6.0, 100.0).unwrap();
        let slow = sine(1.0, 100.0, 1000);
        let y = f.filtfilt(&slow, 100.0);
        let max_err = slow
            .iter()
            .zip(&y)
            .skip(100)
            .take(800)
            .map(|(a, b)| (a - b).abs());
        assert!(max_err.fold(0.0, f64::max) < 0.02);
        let fast = f.filtfilt(&sine(30.0, 100.0, 1000), 100.0);
        assert!(amplitude(&fast) < 0.01);
    }

    #[test]
    fn highpass_removes_a_constant_offset() {
        let f = Butterworth::design(4, 20.0, 1000.0, Response::HighPass).unwrap();
        let x: Vec<f64> = sine(100.0, 1000.0, 3000).iter().map(|v| v + 5.0).collect();
        let y = f.filtfilt(&x, 1000.0);
        let mean = y[500..2500].iter().sum::<f64>() / 2000.0;
        assert!(mean.abs() < 0.01, "{mean}");
        // The sampled sine never hits exactly 1.0: compare with the input's own peak.
        let peak_in = amplitude(&sine(100.0, 1000.0, 3000));
        assert!((amplitude(&y) - peak_in).abs() < 0.02);
    }

    #[test]
    fn nan_runs_stay_nan_and_edges_are_filtered_separately() {
        let mut x = sine(1.0, 30.0, 90);
        x[40] = f64::NAN;
        let y = lowpass_kinematics(&x, 30.0, 6.0).unwrap();
        assert!(y[40].is_nan());
        assert!(y.iter().enumerate().all(|(i, v)| i == 40 || v.is_finite()));
    }

    #[test]
    fn cutoff_above_nyquist_is_an_error() {
        assert!(Butterworth::design(2, 60.0, 100.0, Response::LowPass).is_err());
        assert!(Butterworth::design(0, 6.0, 100.0, Response::LowPass).is_err());
        assert!(lowpass_kinematics(&[1.0, 2.0], f64::NAN, 6.0).is_err());
    }

    #[test]
    fn constant_signal_is_unchanged() {
        let f = Butterworth::zero_phase_lowpass(2, 6.0, 30.0).unwrap();
        let y = f.filtfilt(&[3.5; 50], 30.0);
        assert!(y.iter().all(|v| (v - 3.5).abs() < 1e-9));
    }

    #[test]
    fn residual_analysis_picks_a_cutoff_between_signal_and_noise() {
        // 2 Hz movement plus deterministic broadband "noise".
        let rate = 100.0;
        let mut s = 12345u64;
        let x: Vec<f64> = (0..1000)
            .map(|i| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let noise = (s % 1000) as f64 / 1000.0 - 0.5;
                (2.0 * std::f64::consts::PI * 2.0 * i as f64 / rate).sin() + 0.02 * noise
            })
            .collect();
        let r = residual_analysis(&[x], rate).unwrap();
        assert!(
            r.chosen_cutoff_hz > 2.0 && r.chosen_cutoff_hz < 12.0,
            "{}",
            r.chosen_cutoff_hz
        );
    }

    #[test]
    fn filtering_several_signals_at_once_gives_the_same_bits_as_one_by_one() {
        let f = Butterworth::zero_phase_lowpass(2, 6.0, 30.0).unwrap();
        let make = |k: usize, n: usize| -> Vec<f64> {
            (0..n)
                .map(|i| ((i * (k + 3)) as f64 * 0.37).sin() * (k as f64 + 1.0) + 0.01 * i as f64)
                .collect()
        };
        // Two lengths, a partial last group, a signal with a gap, one too short to filter.
        let mut signals: Vec<Vec<f64>> = (0..7).map(|k| make(k, 73)).collect();
        signals.extend((0..3).map(|k| make(k + 10, 40)));
        signals[2][10] = f64::NAN;
        signals.push(vec![1.0, 2.0]);
        let expected: Vec<Vec<f64>> = signals.iter().map(|s| f.filtfilt(s, 30.0)).collect();
        f.filtfilt_each(&mut signals, 30.0);
        for (got, want) in signals.iter().zip(&expected) {
            let gb: Vec<u64> = got.iter().map(|v| v.to_bits()).collect();
            let wb: Vec<u64> = want.iter().map(|v| v.to_bits()).collect();
            assert_eq!(gb, wb);
        }
    }
}
