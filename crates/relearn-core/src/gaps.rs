//! Gap filling of missing samples (`clinical-spec.md` §5.1).
//!
//! Interior gaps no longer than the limit are filled with a natural cubic spline through the
//! valid samples around the gap (Howarth & Callaghan 2010 \[98\]: interpolation error grows with
//! gap length, and cubic splines do best among the tested methods); gaps of at most
//! [`LINEAR_MAX_FRAMES`] may use linear interpolation when the caller asks. Longer gaps, and
//! gaps at either end (which would need extrapolation), stay missing and are reported so the
//! caller can warn. Gap filling runs on one continuous recording, never across recordings.

use serde::{Deserialize, Serialize};

/// Longest gap filled, in frames: 10 (`clinical-spec.md` §5.1, *Relearn default*).
pub const MAX_GAP_FRAMES: usize = 10;

/// Longest gap filled, in seconds: 0.1 s (`clinical-spec.md` §5.1). Both limits apply: at
/// 30 Hz the time limit allows 3 frames, at 100 Hz the frame limit allows 10.
pub const MAX_GAP_S: f64 = 0.1;

/// Gaps up to this length may be filled linearly (`clinical-spec.md` §5.1 alternative).
pub const LINEAR_MAX_FRAMES: usize = 3;

/// Valid samples used on each side of a gap to fit the spline.
const SPLINE_SUPPORT: usize = 4;

/// How gaps are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapMethod {
    /// Natural cubic spline (default).
    CubicSpline,
    /// Straight line between the samples bounding the gap.
    Linear,
}

/// Gap-filling settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GapSettings {
    /// Longest gap filled, in frames.
    pub max_gap_frames: usize,
    /// Longest gap filled, in seconds.
    pub max_gap_s: f64,
    /// Interpolation method.
    pub method: GapMethod,
}

impl Default for GapSettings {
    fn default() -> Self {
        GapSettings {
            max_gap_frames: MAX_GAP_FRAMES,
            max_gap_s: MAX_GAP_S,
            method: GapMethod::CubicSpline,
        }
    }
}

impl GapSettings {
    /// The longest gap in frames at a given rate (both limits applied; at least 1).
    pub fn limit_frames(&self, rate_hz: f64) -> usize {
        let by_time = (self.max_gap_s * rate_hz + 1e-9).floor() as usize;
        self.max_gap_frames.min(by_time).max(1)
    }
}

/// A run of missing samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapSpan {
    /// First missing sample.
    pub start: usize,
    /// Number of missing samples.
    pub len: usize,
}

/// What [`fill_gaps`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GapReport {
    /// Gaps that were filled.
    pub filled: Vec<GapSpan>,
    /// Gaps left missing (too long, or at an end of the series).
    pub unfilled: Vec<GapSpan>,
}

/// Finds the runs of non-finite samples.
pub fn find_gaps(x: &[f64]) -> Vec<GapSpan> {
    let mut gaps = Vec::new();
    let mut i = 0;
    while i < x.len() {
        if x[i].is_finite() {
            i += 1;
            continue;
        }
        let start = i;
        while i < x.len() && !x[i].is_finite() {
            i += 1;
        }
        gaps.push(GapSpan {
            start,
            len: i - start,
        });
    }
    gaps
}

/// Fills interior gaps no longer than `max_len` samples in place and reports every gap.
pub fn fill_gaps(x: &mut [f64], max_len: usize, method: GapMethod) -> GapReport {
    let mut report = GapReport::default();
    for gap in find_gaps(x) {
        let interior = gap.start > 0 && gap.start + gap.len < x.len();
        if !interior || gap.len > max_len {
            report.unfilled.push(gap);
            continue;
        }
        let use_linear = method == GapMethod::Linear;
        let ok = if use_linear {
            fill_linear(x, gap)
        } else {
            fill_spline(x, gap)
        };
        if ok {
            report.filled.push(gap);
        } else {
            report.unfilled.push(gap);
        }
    }
    report
}

fn fill_linear(x: &mut [f64], gap: GapSpan) -> bool {
    let (a, b) = (gap.start - 1, gap.start + gap.len);
    let (ya, yb) = (x[a], x[b]);
    for (i, slot) in x.iter_mut().enumerate().take(b).skip(gap.start) {
        let t = (i - a) as f64 / (b - a) as f64;
        *slot = ya + t * (yb - ya);
    }
    true
}

fn fill_spline(x: &mut [f64], gap: GapSpan) -> bool {
    // Up to SPLINE_SUPPORT finite samples on each side, stopping at another gap.
    let mut knots_t = Vec::with_capacity(2 * SPLINE_SUPPORT);
    let mut knots_y = Vec::with_capacity(2 * SPLINE_SUPPORT);
    let mut i = gap.start;
    let mut left = Vec::new();
    while i > 0 && left.len() < SPLINE_SUPPORT && x[i - 1].is_finite() {
        i -= 1;
        left.push(i);
    }
    left.reverse();
    let end = gap.start + gap.len;
    let mut right = Vec::new();
    let mut j = end;
    while j < x.len() && right.len() < SPLINE_SUPPORT && x[j].is_finite() {
        right.push(j);
        j += 1;
    }
    for k in left.iter().chain(&right) {
        knots_t.push(*k as f64);
        knots_y.push(x[*k]);
    }
    if knots_t.len() < 3 {
        return fill_linear(x, gap);
    }
    let Some(spline) = NaturalSpline::fit(&knots_t, &knots_y) else {
        return false;
    };
    for (k, slot) in x.iter_mut().enumerate().take(end).skip(gap.start) {
        *slot = spline.eval(k as f64);
    }
    true
}

/// A natural cubic spline through knots with strictly increasing abscissae.
#[derive(Debug, Clone, PartialEq)]
pub struct NaturalSpline {
    t: Vec<f64>,
    y: Vec<f64>,
    /// Second derivatives at the knots.
    m: Vec<f64>,
}

impl NaturalSpline {
    /// Fits the spline (second derivative zero at both ends); `None` for fewer than 2 knots,
    /// mismatched lengths or non-increasing abscissae.
    pub fn fit(t: &[f64], y: &[f64]) -> Option<NaturalSpline> {
        let n = t.len();
        if n < 2 || y.len() != n || t.windows(2).any(|w| w[1] <= w[0]) {
            return None;
        }
        let mut m = vec![0.0; n];
        if n > 2 {
            // Tridiagonal system for interior second derivatives (Thomas algorithm).
            let mut c_prime = vec![0.0; n];
            let mut d_prime = vec![0.0; n];
            for i in 1..n - 1 {
                let h0 = t[i] - t[i - 1];
                let h1 = t[i + 1] - t[i];
                let a = h0;
                let b = 2.0 * (h0 + h1);
                let c = h1;
                let d = 6.0 * ((y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0);
                let denom = b - a * c_prime[i - 1];
                c_prime[i] = c / denom;
                d_prime[i] = (d - a * d_prime[i - 1]) / denom;
            }
            for i in (1..n - 1).rev() {
                m[i] = d_prime[i] - c_prime[i] * m[i + 1];
            }
        }
        Some(NaturalSpline {
            t: t.to_vec(),
            y: y.to_vec(),
            m,
        })
    }

    /// Value at `x` (linear extrapolation of the end segments' cubic outside the knots).
    pub fn eval(&self, x: f64) -> f64 {
        let n = self.t.len();
        let k = match self.t.iter().position(|&tk| tk > x) {
            Some(0) => 0,
            Some(p) => p - 1,
            None => n - 2,
        };
        let (t0, t1) = (self.t[k], self.t[k + 1]);
        let h = t1 - t0;
        let a = (t1 - x) / h;
        let b = (x - t0) / h;
        a * self.y[k]
            + b * self.y[k + 1]
            + ((a * a * a - a) * self.m[k] + (b * b * b - b) * self.m[k + 1]) * h * h / 6.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_interior_gap_in_a_smooth_curve_is_filled_accurately() {
        let truth: Vec<f64> = (0..60).map(|i| (i as f64 * 0.1).sin()).collect();
        let mut x = truth.clone();
        for v in &mut x[20..26] {
            *v = f64::NAN;
        }
        let r = fill_gaps(&mut x, 10, GapMethod::CubicSpline);
        assert_eq!(r.filled, vec![GapSpan { start: 20, len: 6 }]);
        let err = x
            .iter()
            .zip(&truth)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(err < 1e-3, "max error {err}");
    }

    #[test]
    fn long_and_edge_gaps_stay_missing_and_are_reported() {
        let mut x: Vec<f64> = (0..40).map(|i| i as f64).collect();
        x[0] = f64::NAN;
        for v in &mut x[10..25] {
            *v = f64::NAN;
        }
        x[39] = f64::NAN;
        let r = fill_gaps(&mut x, 10, GapMethod::CubicSpline);
        assert!(r.filled.is_empty());
        assert_eq!(r.unfilled.len(), 3);
        assert!(x[0].is_nan() && x[15].is_nan() && x[39].is_nan());
    }

    #[test]
    fn linear_fill_is_exact_on_a_line() {
        let mut x = vec![0.0, 1.0, f64::NAN, f64::NAN, 4.0, 5.0];
        fill_gaps(&mut x, 3, GapMethod::Linear);
        assert_eq!(x, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn the_stricter_of_frame_and_time_limits_applies() {
        let s = GapSettings::default();
        assert_eq!(s.limit_frames(30.0), 3);
        assert_eq!(s.limit_frames(100.0), 10);
        assert_eq!(s.limit_frames(200.0), 10);
    }

    #[test]
    fn spline_interpolates_its_knots() {
        let t = [0.0, 1.0, 2.5, 4.0];
        let y = [1.0, -1.0, 2.0, 0.5];
        let s = NaturalSpline::fit(&t, &y).unwrap();
        for (a, b) in t.iter().zip(y) {
            assert!((s.eval(*a) - b).abs() < 1e-12);
        }
        assert!(NaturalSpline::fit(&[0.0, 0.0], &[1.0, 2.0]).is_none());
    }
}
