//! Dynamic time warping (Sakoe & Chiba 1978) of multivariate series.
//!
//! A series is frame-major: `len × dims` values. The local cost is the squared Euclidean
//! distance between frames and the reported distance is the square root of the smallest
//! cumulative cost, the convention of `dtaidistance` (Meert et al.), so distances can be
//! compared with that library. A Sakoe-Chiba band limits how far the alignment may stray from
//! the diagonal (scaled to the diagonal when the lengths differ).

use crate::error::{Error, Result};

/// A frame-major multivariate series view: `values.len() == len × dims`.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    values: &'a [f64],
    dims: usize,
}

impl<'a> Series<'a> {
    /// Wraps frame-major values with `dims` features per frame.
    pub fn new(values: &'a [f64], dims: usize) -> Result<Self> {
        if dims == 0 || values.len() % dims != 0 {
            return Err(Error::InvalidParameter {
                name: "dims",
                message: format!("{} values do not split into frames of {dims}", values.len()),
            });
        }
        Ok(Series { values, dims })
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.values.len() / self.dims
    }

    /// True when the series has no frames.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Features per frame.
    pub fn dims(&self) -> usize {
        self.dims
    }

    fn frame(&self, i: usize) -> &'a [f64] {
        &self.values[i * self.dims..(i + 1) * self.dims]
    }
}

/// The result of an alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// `sqrt` of the smallest cumulative squared Euclidean cost.
    pub distance: f64,
    /// The warping path as (index in `a`, index in `b`) pairs from (0, 0) to the last frames.
    pub path: Vec<(usize, usize)>,
}

#[inline(always)]
fn sq_dist_finite(a: &[f64], b: &[f64]) -> f64 {
    crate::vector::squared_distance(a, b)
}

#[inline(always)]
fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    crate::vector::squared_distance_skipping_missing(a, b)
}

/// The local cost function: the NaN-aware one only when either series has a missing value,
/// so the common case runs a plain loop the compiler vectorises.
fn cost_fn(a: &Series<'_>, b: &Series<'_>) -> fn(&[f64], &[f64]) -> f64 {
    let finite = |s: &Series<'_>| s.values.iter().all(|v| v.is_finite());
    if finite(a) && finite(b) {
        sq_dist_finite
    } else {
        sq_dist
    }
}

fn check(a: &Series<'_>, b: &Series<'_>) -> Result<()> {
    if a.dims != b.dims {
        return Err(Error::InvalidParameter {
            name: "dims",
            message: format!("series have {} and {} features per frame", a.dims, b.dims),
        });
    }
    if a.is_empty() || b.is_empty() {
        return Err(Error::TooShort {
            message: "DTW needs two non-empty series".into(),
        });
    }
    Ok(())
}

/// Column range of row `i` allowed by a band of half-width `window` around the (scaled)
/// diagonal.
fn band(i: usize, n: usize, m: usize, window: Option<usize>) -> (usize, usize) {
    match window {
        None => (0, m),
        Some(w) => {
            let centre = if n > 1 { i * (m - 1) / (n - 1) } else { 0 };
            let w = w.max(1);
            (centre.saturating_sub(w), (centre + w + 1).min(m))
        }
    }
}

/// DTW distance only, in O(m) memory. `window` is the Sakoe-Chiba half-width in frames
/// (`None` = unconstrained).
pub fn dtw_distance(a: Series<'_>, b: Series<'_>, window: Option<usize>) -> Result<f64> {
    check(&a, &b)?;
    let (n, m) = (a.len(), b.len());
    let cost_of = cost_fn(&a, &b);
    let mut prev = vec![f64::INFINITY; m + 1];
    let mut cur = vec![f64::INFINITY; m + 1];
    prev[0] = 0.0;
    for i in 0..n {
        cur.fill(f64::INFINITY);
        let (lo, hi) = band(i, n, m, window);
        let fa = a.frame(i);
        for j in lo..hi {
            let cost = cost_of(fa, b.frame(j));
            let best = prev[j].min(prev[j + 1]).min(cur[j]);
            cur[j + 1] = cost + best;
        }
        std::mem::swap(&mut prev, &mut cur);
        if i == 0 {
            prev[0] = f64::INFINITY;
        }
    }
    let d = prev[m];
    if d.is_finite() {
        Ok(d.sqrt())
    } else {
        Err(Error::InvalidParameter {
            name: "window",
            message: format!("no alignment of {n} and {m} frames fits in the band"),
        })
    }
}

/// DTW distance and warping path, in O(n·m) memory.
pub fn dtw_align(a: Series<'_>, b: Series<'_>, window: Option<usize>) -> Result<Alignment> {
    check(&a, &b)?;
    // One monomorphised copy per cost function, so the cost is inlined in the inner loop.
    // Compiled for the widest vector instructions the processor has (AVX2, AVX-512), chosen
    // at run time: the same arithmetic in the same order, so the same bits on any processor.
    let arch = pulp::Arch::new();
    if has_missing(&a) || has_missing(&b) {
        arch.dispatch(Aligning {
            a,
            b,
            window,
            cost_of: sq_dist,
        })
    } else {
        arch.dispatch(Aligning {
            a,
            b,
            window,
            cost_of: sq_dist_finite,
        })
    }
}

fn has_missing(s: &Series<'_>) -> bool {
    !crate::vector::all_finite(s.values)
}

/// [`align_with`] as a job for [`pulp::Arch::dispatch`], which compiles it once per
/// instruction set and runs the best one the processor has.
struct Aligning<'a, F> {
    a: Series<'a>,
    b: Series<'a>,
    window: Option<usize>,
    cost_of: F,
}

impl<F: Fn(&[f64], &[f64]) -> f64> pulp::WithSimd for Aligning<'_, F> {
    type Output = Result<Alignment>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
        align_with(self.a, self.b, self.window, self.cost_of)
    }
}

#[inline(always)]
fn align_with(
    a: Series<'_>,
    b: Series<'_>,
    window: Option<usize>,
    cost_of: impl Fn(&[f64], &[f64]) -> f64,
) -> Result<Alignment> {
    let (n, m) = (a.len(), b.len());
    // The accumulated-cost matrix, (n + 1) × (m + 1), stored band only: row r holds the
    // columns `starts[r]..starts[r] + len`, every other cell is +∞ (never reached), exactly
    // as if the whole matrix had been filled with +∞ first. With the usual band this is a
    // fifth of the matrix, and nothing outside it is written or read.
    let mut cells: Vec<f64> = Vec::with_capacity(match window {
        Some(w) => (n + 1) * (2 * w.max(1) + 2),
        None => (n + 1) * (m + 1),
    });
    let mut starts: Vec<usize> = Vec::with_capacity(n + 1);
    let mut offsets: Vec<usize> = Vec::with_capacity(n + 2);
    starts.push(0);
    offsets.push(0);
    cells.push(0.0);
    offsets.push(cells.len());
    for i in 0..n {
        let (lo, hi) = band(i, n, m, window);
        let fa = a.frame(i);
        let previous = (starts[i], offsets[i], offsets[i + 1]);
        let mut left = f64::INFINITY;
        for j in lo..hi {
            let cost = cost_of(fa, b.frame(j));
            let best = band_cell(&cells, previous, j)
                .min(band_cell(&cells, previous, j + 1))
                .min(left);
            left = cost + best;
            cells.push(left);
        }
        starts.push(lo + 1);
        offsets.push(cells.len());
    }
    let at = |r: usize, c: usize| -> f64 {
        match (starts.get(r), offsets.get(r), offsets.get(r + 1)) {
            (Some(&start), Some(&from), Some(&to)) => band_cell(&cells, (start, from, to), c),
            _ => f64::INFINITY,
        }
    };
    let total = at(n, m);
    if !total.is_finite() {
        return Err(Error::InvalidParameter {
            name: "window",
            message: format!("no alignment of {n} and {m} frames fits in the band"),
        });
    }
    let (mut i, mut j) = (n, m);
    let mut path = Vec::with_capacity(n + m);
    while i > 0 && j > 0 {
        path.push((i - 1, j - 1));
        let diag = at(i - 1, j - 1);
        let up = at(i - 1, j);
        let left = at(i, j - 1);
        if diag <= up && diag <= left {
            i -= 1;
            j -= 1;
        } else if up <= left {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    path.reverse();
    Ok(Alignment {
        distance: total.sqrt(),
        path,
    })
}

/// Column `c` of a banded row stored as `(first column, from, to)` in `cells`; +∞ outside
/// the band.
#[inline(always)]
fn band_cell(cells: &[f64], (start, from, to): (usize, usize, usize), c: usize) -> f64 {
    match c.checked_sub(start) {
        Some(k) if from + k < to => cells.get(from + k).copied().unwrap_or(f64::INFINITY),
        _ => f64::INFINITY,
    }
}

/// Warps `b` onto the time axis of `a` along an alignment path: for each frame of `a`, the
/// mean of the frames of `b` matched to it. Returns `a.len() × dims` values.
pub fn warp_to(path: &[(usize, usize)], b: Series<'_>, a_len: usize) -> Vec<f64> {
    let d = b.dims();
    let mut sum = vec![0.0; a_len * d];
    let mut count = vec![0usize; a_len];
    for &(i, j) in path {
        if i >= a_len || j >= b.len() {
            continue;
        }
        for (s, v) in sum[i * d..(i + 1) * d].iter_mut().zip(b.frame(j)) {
            *s += v;
        }
        count[i] += 1;
    }
    for (row, n) in sum.chunks_exact_mut(d.max(1)).zip(&count) {
        match *n {
            0 => row.fill(f64::NAN),
            // x / 1 is x: most frames are matched once.
            1 => {}
            n => {
                let n = n as f64;
                row.iter_mut().for_each(|v| *v /= n);
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_series_have_zero_distance_and_diagonal_path() {
        let x = [0.0, 1.0, 2.0, 1.0, 0.0];
        let s = Series::new(&x, 1).unwrap();
        let al = dtw_align(s, s, None).unwrap();
        assert_eq!(al.distance, 0.0);
        assert_eq!(al.path, (0..5).map(|i| (i, i)).collect::<Vec<_>>());
    }

    /// The build for the widest vectors this processor has and the plain build give the same
    /// alignment to the bit, with and without missing values (the dispatch must never
    /// change a result).
    #[test]
    fn every_instruction_set_aligns_to_the_same_bits() {
        use pulp::Simd;
        let mut rng = crate::rng::SplitMix64::new(7);
        for (dims, missing) in [(1, false), (3, false), (86, false), (86, true), (13, true)] {
            let mut series = |n: usize| -> Vec<f64> {
                (0..n * dims)
                    .map(|k| {
                        if missing && k % 97 == 5 {
                            f64::NAN
                        } else {
                            rng.normal() * 10.0
                        }
                    })
                    .collect()
            };
            let (x, y) = (series(101), series(87));
            let job = || Aligning {
                a: Series::new(&x, dims).unwrap(),
                b: Series::new(&y, dims).unwrap(),
                window: Some(10),
                cost_of: if missing { sq_dist } else { sq_dist_finite },
            };
            let widest = pulp::Arch::new().dispatch(job()).unwrap();
            let plain = pulp::Scalar::new().vectorize(job()).unwrap();
            assert_eq!(
                widest.distance.to_bits(),
                plain.distance.to_bits(),
                "{dims} dims"
            );
            assert_eq!(widest.path, plain.path);
            let public = dtw_align(job().a, job().b, Some(10)).unwrap();
            assert_eq!(public.distance.to_bits(), plain.distance.to_bits());
        }
    }

    #[test]
    fn a_time_shifted_copy_aligns_cheaply() {
        // dtaidistance.dtw.distance([0,0,1,2,1,0], [0,1,2,1,0,0]) == 0.0
        let a = [0.0, 0.0, 1.0, 2.0, 1.0, 0.0];
        let b = [0.0, 1.0, 2.0, 1.0, 0.0, 0.0];
        let d = dtw_distance(
            Series::new(&a, 1).unwrap(),
            Series::new(&b, 1).unwrap(),
            None,
        );
        assert_eq!(d.unwrap(), 0.0);
    }

    #[test]
    fn distance_matches_a_hand_computed_value() {
        // Costs: |1-2|^2 = 1 at best, path (0,0),(1,1),(2,2) with b = a + 1 => sqrt(3).
        let a = [1.0, 2.0, 3.0];
        let b = [2.0, 3.0, 4.0];
        let d = dtw_distance(
            Series::new(&a, 1).unwrap(),
            Series::new(&b, 1).unwrap(),
            None,
        )
        .unwrap();
        // Best path: (0,0)=1, (1,0)=0, (2,1)=0, (2,2)=1 => sqrt(2).
        assert!((d - 2f64.sqrt()).abs() < 1e-12, "{d}");
    }

    /// The textbook version: the whole (n + 1) × (m + 1) matrix filled with +∞ first.
    fn full_matrix_alignment(
        a: &[f64],
        b: &[f64],
        window: Option<usize>,
    ) -> Option<(f64, Vec<(usize, usize)>)> {
        let (n, m) = (a.len(), b.len());
        let w = m + 1;
        let mut acc = vec![f64::INFINITY; (n + 1) * w];
        acc[0] = 0.0;
        for i in 0..n {
            let (lo, hi) = band(i, n, m, window);
            for j in lo..hi {
                let cost = (a[i] - b[j]) * (a[i] - b[j]);
                let best = acc[i * w + j]
                    .min(acc[i * w + j + 1])
                    .min(acc[(i + 1) * w + j]);
                acc[(i + 1) * w + j + 1] = cost + best;
            }
        }
        let total = acc[n * w + m];
        if !total.is_finite() {
            return None;
        }
        let (mut i, mut j) = (n, m);
        let mut path = Vec::new();
        while i > 0 && j > 0 {
            path.push((i - 1, j - 1));
            let (diag, up, left) = (
                acc[(i - 1) * w + j - 1],
                acc[(i - 1) * w + j],
                acc[i * w + j - 1],
            );
            if diag <= up && diag <= left {
                i -= 1;
                j -= 1;
            } else if up <= left {
                i -= 1;
            } else {
                j -= 1;
            }
        }
        path.reverse();
        Some((total.sqrt(), path))
    }

    #[test]
    fn banded_storage_gives_the_full_matrix_alignment_bit_for_bit() {
        for (n, m) in [(1, 1), (5, 9), (30, 30), (41, 23), (17, 60)] {
            let a: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 3.0).collect();
            let b: Vec<f64> = (0..m)
                .map(|i| (i as f64 * 0.29 + 0.4).sin() * 2.5)
                .collect();
            for window in [None, Some(1), Some(3), Some(10), Some(100)] {
                let got = dtw_align(
                    Series::new(&a, 1).unwrap(),
                    Series::new(&b, 1).unwrap(),
                    window,
                );
                match full_matrix_alignment(&a, &b, window) {
                    Some((distance, path)) => {
                        let got = got.unwrap();
                        assert_eq!(
                            got.distance.to_bits(),
                            distance.to_bits(),
                            "{n}x{m} {window:?}"
                        );
                        assert_eq!(got.path, path, "{n}x{m} {window:?}");
                    }
                    None => assert!(got.is_err(), "{n}x{m} {window:?}"),
                }
            }
        }
    }

    #[test]
    fn distance_only_and_full_alignment_agree_with_a_band() {
        let a: Vec<f64> = (0..40).map(|i| (i as f64 * 0.3).sin()).collect();
        let b: Vec<f64> = (0..50).map(|i| (i as f64 * 0.25).sin() * 1.1).collect();
        let (sa, sb) = (Series::new(&a, 2).unwrap(), Series::new(&b, 2).unwrap());
        for w in [None, Some(3), Some(10)] {
            let d1 = dtw_distance(sa, sb, w).unwrap();
            let d2 = dtw_align(sa, sb, w).unwrap().distance;
            assert!((d1 - d2).abs() < 1e-12, "{w:?}: {d1} vs {d2}");
        }
    }

    #[test]
    fn mismatched_dims_and_empty_series_are_errors() {
        let a = [1.0, 2.0];
        assert!(Series::new(&a, 3).is_err());
        let s1 = Series::new(&a, 1).unwrap();
        let s2 = Series::new(&a, 2).unwrap();
        assert!(dtw_distance(s1, s2, None).is_err());
        let e = Series::new(&[], 1).unwrap();
        assert!(dtw_distance(s1, e, None).is_err());
    }

    #[test]
    fn warping_a_stretched_copy_recovers_the_original() {
        let a = [0.0, 1.0, 2.0, 3.0];
        let b = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0];
        let (sa, sb) = (Series::new(&a, 1).unwrap(), Series::new(&b, 1).unwrap());
        let al = dtw_align(sa, sb, None).unwrap();
        assert_eq!(warp_to(&al.path, sb, 4), a.to_vec());
    }
}
