//! Vector kernels shared by the numerics (DTW costs, medoids, the models' linear algebra):
//! sums taken in independent partial sums so that the compiler can vectorise them.

/// Independent partial sums kept by [`squared_distance`]: floating-point addition is not
/// associative, so a single running sum is a chain of dependent additions the compiler may
/// not reorder; eight partial sums fill two 256-bit registers and let it vectorise.
const PARTIAL_SUMS: usize = 8;

/// Squared Euclidean distance between two equal-length vectors without missing values
/// (vectorised; the sum is taken in `PARTIAL_SUMS` interleaved parts, so its last bits may
/// differ from a left-to-right sum).
#[inline]
pub fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    partial_sums(a, b, |x, y| (x - y) * (x - y))
}

/// Squared Euclidean distance in which a missing value (NaN) on either side contributes
/// nothing, rather than poisoning the whole distance (vectorised like [`squared_distance`]).
#[inline]
pub fn squared_distance_skipping_missing(a: &[f64], b: &[f64]) -> f64 {
    partial_sums(a, b, |x, y| {
        let d = x - y;
        if d.is_finite() {
            d * d
        } else {
            0.0
        }
    })
}

/// Weighted squared distance `Σ wᵢ (aᵢ − bᵢ)²` in which a missing value (NaN) on either
/// side contributes nothing (vectorised like [`squared_distance`]). With `wᵢ = 1 / sᵢ²` it is
/// the distance between the curves scaled by `s`, without making the scaled copies.
#[inline]
pub fn weighted_squared_distance_skipping_missing(a: &[f64], b: &[f64], w: &[f64]) -> f64 {
    let n = a.len().min(b.len()).min(w.len());
    let (a, b, w) = (&a[..n], &b[..n], &w[..n]);
    let term = |x: f64, y: f64, v: f64| {
        let d = x - y;
        if d.is_finite() {
            v * d * d
        } else {
            0.0
        }
    };
    let mut acc = [0.0; PARTIAL_SUMS];
    let (ca, cb, cw) = (
        a.chunks_exact(PARTIAL_SUMS),
        b.chunks_exact(PARTIAL_SUMS),
        w.chunks_exact(PARTIAL_SUMS),
    );
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .zip(cw.remainder())
        .map(|((x, y), v)| term(*x, *y, *v))
        .sum();
    for ((x, y), v) in ca.zip(cb).zip(cw) {
        for l in 0..PARTIAL_SUMS {
            acc[l] += term(x[l], y[l], v[l]);
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Whether every value is finite (no NaN, no infinity). x·0 is ±0 for a finite x and NaN
/// otherwise, so a sum of them is ±0 exactly when all are finite: taken in partial sums
/// (vectorised) and a block at a time, so that a missing value early on ends the scan early.
pub fn all_finite(values: &[f64]) -> bool {
    const BLOCK: usize = 512;
    values
        .chunks(BLOCK)
        .all(|block| partial_sums(block, block, |x, _| x * 0.0) == 0.0)
}

#[inline(always)]
fn partial_sums(a: &[f64], b: &[f64], term: impl Fn(f64, f64) -> f64) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; PARTIAL_SUMS];
    let (ca, cb) = (a.chunks_exact(PARTIAL_SUMS), b.chunks_exact(PARTIAL_SUMS));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| term(*x, *y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..PARTIAL_SUMS {
            acc[l] += term(x[l], y[l]);
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Dot product of two vectors (over the shorter length; vectorised like
/// [`squared_distance`]).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    partial_sums(a, b, |x, y| x * y)
}

/// Adds to `scatter` (`c × c`, row-major) the upper triangle (the diagonal included) of
/// `r rᵀ` for each row `r` of `rows` (`c` values each, taken in order): the scatter matrix of
/// a principal-component analysis, built one observation at a time. A row's zero entries
/// are skipped (a missing coordinate, once centred, is zero). Each entry is added to in row
/// order, product by product, so the result is the same bits whatever the vector width;
/// compiled for the widest vectors the processor has, as the DTW kernel is
/// ([`crate::dtw::dtw_align`]).
pub fn add_upper_scatter(scatter: &mut [f64], rows: &[f64], c: usize) {
    if c == 0 {
        return;
    }
    pulp::Arch::new().dispatch(UpperScatter { scatter, rows, c });
}

/// [`add_upper_scatter`] as a job for [`pulp::Arch::dispatch`].
struct UpperScatter<'a> {
    scatter: &'a mut [f64],
    rows: &'a [f64],
    c: usize,
}

impl pulp::WithSimd for UpperScatter<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        upper_scatter(self.scatter, self.rows, self.c);
    }
}

#[inline(always)]
fn upper_scatter(scatter: &mut [f64], rows: &[f64], c: usize) {
    for row in rows.chunks_exact(c) {
        for (a, &ra) in row.iter().enumerate() {
            if ra == 0.0 {
                continue;
            }
            let Some(dst) = scatter.get_mut(a * c + a..(a + 1) * c) else {
                continue;
            };
            for (d, rb) in dst.iter_mut().zip(&row[a..]) {
                *d += ra * rb;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upper_scatter_is_the_same_bits_on_every_instruction_set() {
        use pulp::Simd;
        let mut rng = crate::rng::SplitMix64::new(11);
        for c in [1usize, 3, 7, 66] {
            let rows: Vec<f64> = (0..40 * c)
                .map(|k| if k % 13 == 4 { 0.0 } else { rng.normal() * 5.0 })
                .collect();
            let mut widest = vec![0.0; c * c];
            add_upper_scatter(&mut widest, &rows, c);
            let mut plain = vec![0.0; c * c];
            pulp::Scalar::new().vectorize(UpperScatter {
                scatter: &mut plain,
                rows: &rows,
                c,
            });
            // The definition, entry by entry in row order.
            let mut naive = vec![0.0; c * c];
            for r in rows.chunks_exact(c) {
                for a in 0..c {
                    for b in a..c {
                        if r[a] != 0.0 {
                            naive[a * c + b] += r[a] * r[b];
                        }
                    }
                }
            }
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
            assert_eq!(bits(&widest), bits(&naive), "c = {c}");
            assert_eq!(bits(&plain), bits(&naive), "c = {c}");
        }
    }

    #[test]
    fn all_finite_finds_a_missing_value_anywhere() {
        let mut v: Vec<f64> = (0..1100).map(|i| i as f64 * -0.5).collect();
        assert!(all_finite(&v));
        assert!(all_finite(&[]));
        assert!(all_finite(&[-0.0, 0.0, f64::MAX, f64::MIN_POSITIVE]));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for at in [0, 7, 8, 511, 512, 1099] {
                let keep = v[at];
                v[at] = bad;
                assert!(!all_finite(&v), "{bad} at {at}");
                v[at] = keep;
            }
        }
    }

    #[test]
    fn kernels_match_plain_sums() {
        let a: Vec<f64> = (0..37).map(|i| (i as f64 * 0.7).sin()).collect();
        let b: Vec<f64> = (0..37).map(|i| (i as f64 * 0.3).cos()).collect();
        let plain_sq: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
        let plain_dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((squared_distance(&a, &b) - plain_sq).abs() < 1e-12);
        assert!((dot(&a, &b) - plain_dot).abs() < 1e-12);
        let mut c = a.clone();
        c[5] = f64::NAN;
        let skip: f64 = c
            .iter()
            .zip(&b)
            .filter(|(x, _)| x.is_finite())
            .map(|(x, y)| (x - y) * (x - y))
            .sum();
        assert!((squared_distance_skipping_missing(&c, &b) - skip).abs() < 1e-12);
        assert_eq!(dot(&[], &[]), 0.0);
        let w: Vec<f64> = (0..37).map(|i| 0.5 + i as f64 / 10.0).collect();
        let weighted: f64 = c
            .iter()
            .zip(&b)
            .zip(&w)
            .filter(|((x, _), _)| x.is_finite())
            .map(|((x, y), v)| v * (x - y) * (x - y))
            .sum();
        assert!((weighted_squared_distance_skipping_missing(&c, &b, &w) - weighted).abs() < 1e-12);
    }
}
