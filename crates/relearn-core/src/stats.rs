//! Descriptive statistics over `f64` slices that ignore NaN (missing samples).
//!
//! Every function returns `None` instead of NaN when there is nothing to compute on, so that
//! callers must decide what an empty input means.

/// Finite values of a slice, in order.
pub fn finite(values: &[f64]) -> impl Iterator<Item = f64> + '_ {
    values.iter().copied().filter(|v| v.is_finite())
}

/// Arithmetic mean of the finite values.
pub fn mean(values: &[f64]) -> Option<f64> {
    let (s, n) = finite(values).fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// Sample standard deviation (n - 1 denominator) of the finite values; `None` below 2 values.
pub fn std_dev(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    let (ss, n) = finite(values).fold((0.0, 0usize), |(s, n), v| (s + (v - m) * (v - m), n + 1));
    (n > 1).then(|| (ss / (n - 1) as f64).sqrt())
}

/// Quantile `q` in 0-1 of the finite values with linear interpolation between order statistics
/// (the "type 7" definition used by NumPy and R by default).
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = finite(values).collect();
    if v.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (*v.get(lo)?, *v.get(hi)?);
    Some(a + (b - a) * (pos - lo as f64))
}

/// Median of the finite values.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// Minimum and maximum of the finite values.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    finite(values).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Index and value of the largest finite value.
pub fn argmax(values: &[f64]) -> Option<(usize, f64)> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, v)| (i, *v))
}

/// Index and value of the smallest finite value.
pub fn argmin(values: &[f64]) -> Option<(usize, f64)> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, v)| (i, *v))
}

/// Root mean square of the finite values.
pub fn rms(values: &[f64]) -> Option<f64> {
    let (s, n) = finite(values).fold((0.0, 0usize), |(s, n), v| (s + v * v, n + 1));
    (n > 0).then(|| (s / n as f64).sqrt())
}

/// `x` rounded to one decimal place (half away from zero), for values reported to people or
/// drawn: a phase in percent, a score, an SVG coordinate.
pub fn round_tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Minimal detectable change at 95 % confidence from a standard error of measurement:
/// `MDC95 = 1.96 × √2 × SEM` (`clinical-spec.md`, conventions).
pub fn mdc95(sem: f64) -> f64 {
    1.96 * std::f64::consts::SQRT_2 * sem
}

/// Symmetry index `SI = (left − right) / (0.5 × (left + right)) × 100 %` (Robinson 1987,
/// `clinical-spec.md` §5.3); `None` when the mean of the two is zero or not finite.
pub fn symmetry_index(left: f64, right: f64) -> Option<f64> {
    let m = 0.5 * (left + right);
    (m.is_finite() && m.abs() > 1e-12).then(|| (left - right) / m * 100.0)
}

/// [`mean`] of each position across equal-length vectors (the "columns" of the rows), with
/// the same result bit for bit, computed row by row so that the rows are read in memory order.
/// `None` where a column has no finite value. Rows shorter than the first are an error of the
/// caller and contribute nothing past their end.
pub fn column_means<R: AsRef<[f64]>>(rows: &[R]) -> Vec<Option<f64>> {
    let mut means = ColumnMeans::new(rows.first().map_or(0, |r| r.as_ref().len()));
    for row in rows {
        means.add(row.as_ref());
    }
    means.finish()
}

/// [`column_means`] taken one row at a time, for rows that are made one by one and need not
/// all be kept (same result, bit for bit, for the same rows in the same order).
#[derive(Debug, Clone)]
pub struct ColumnMeans {
    sum: Vec<f64>,
    count: Vec<usize>,
}

impl ColumnMeans {
    /// Means of `len` columns (longer rows are cut, shorter ones fill the first columns).
    pub fn new(len: usize) -> ColumnMeans {
        ColumnMeans {
            sum: vec![0.0; len],
            count: vec![0; len],
        }
    }

    /// Adds a row; NaN (missing) values are skipped.
    pub fn add(&mut self, row: &[f64]) {
        for ((s, n), v) in self.sum.iter_mut().zip(self.count.iter_mut()).zip(row) {
            // A missing value adds +0.0, which leaves the sum as it is (a sum started at +0.0
            // is never −0.0): the same bits as skipping it, without a branch.
            let ok = v.is_finite();
            *s += if ok { *v } else { 0.0 };
            *n += usize::from(ok);
        }
    }

    /// The mean of each column, `None` where it had no value.
    pub fn finish(self) -> Vec<Option<f64>> {
        self.sum
            .iter()
            .zip(&self.count)
            .map(|(s, n)| (*n > 0).then(|| s / *n as f64))
            .collect()
    }
}

/// [`std_dev`] of each column (see [`column_means`]), bit for bit, read in memory order
/// ([`column_moments`]).
pub fn column_std_devs<R: AsRef<[f64]>>(rows: &[R]) -> Vec<Option<f64>> {
    column_moments(rows).iter().map(Moments::std_dev).collect()
}

/// Count, mean and sum of squared deviations (M2) of one column's finite values: what a sample
/// variance needs, kept so that the moments of separate groups of rows can be pooled without
/// their values ([`Moments::pooled`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    /// Number of finite values.
    pub count: f64,
    /// Their mean (0 without values).
    pub mean: f64,
    /// Sum of their squared deviations from `mean`.
    pub m2: f64,
}

impl Moments {
    /// The moments of two groups of values taken together, by the pairwise update of Chan,
    /// Golub & LeVeque (1983, "Algorithms for computing the sample variance: analysis and
    /// recommendations", The American Statistician 37:242-247): M2 = M2ₐ + M2ᵦ + δ² nₐ nᵦ / n,
    /// δ the difference of the means. Equal to the two-pass moments of all the values up to
    /// rounding, not bit for bit.
    pub fn pooled(self, other: Moments) -> Moments {
        if other.count == 0.0 {
            return self;
        }
        if self.count == 0.0 {
            return other;
        }
        let count = self.count + other.count;
        let delta = other.mean - self.mean;
        Moments {
            count,
            mean: self.mean + delta * other.count / count,
            m2: self.m2 + other.m2 + delta * delta * self.count * other.count / count,
        }
    }

    /// These moments with every value multiplied by `factor` (a change of sign or of unit).
    pub fn scaled(self, factor: f64) -> Moments {
        Moments {
            count: self.count,
            mean: self.mean * factor,
            m2: self.m2 * factor * factor,
        }
    }

    /// Sample standard deviation (n − 1 denominator); `None` below 2 values.
    pub fn std_dev(&self) -> Option<f64> {
        (self.count > 1.0).then(|| (self.m2 / (self.count - 1.0)).sqrt())
    }
}

/// [`Moments`] of each column of `rows` (NaN skipped), in two passes: the means
/// ([`ColumnMeans`]), then the squared deviations from them, row by row in memory order.
pub fn column_moments<R: AsRef<[f64]>>(rows: &[R]) -> Vec<Moments> {
    let len = rows.first().map_or(0, |r| r.as_ref().len());
    let mut means = ColumnMeans::new(len);
    for row in rows {
        means.add(row.as_ref());
    }
    let mut moments: Vec<Moments> = means
        .sum
        .iter()
        .zip(&means.count)
        .map(|(s, n)| Moments {
            count: *n as f64,
            mean: if *n > 0 { s / *n as f64 } else { 0.0 },
            m2: 0.0,
        })
        .collect();
    for row in rows {
        for (m, v) in moments.iter_mut().zip(row.as_ref()) {
            // Branch-free, as in `ColumnMeans::add` (+0.0 for a value left out).
            m.m2 += if v.is_finite() {
                (v - m.mean) * (v - m.mean)
            } else {
                0.0
            };
        }
    }
    moments
}

/// For each of `items` (equal-length vectors), the sum of its weighted squared distances to
/// all the items, `Σⱼ Σₑ wₑ (xᵢₑ − xⱼₑ)²`, where a pair of values contributes only when both
/// are present (not NaN): the sums behind a medoid ([`medoid`]).
///
/// Computed in O(n·L) rather than pair by pair in O(n²·L), by the König–Huygens identity
/// applied value by value: over the items present at value e (count cₑ, deviations
/// yⱼ = xⱼₑ − x̄ₑ from their mean, Sₑ = Σ yⱼ, Qₑ = Σ yⱼ²), an item present there gets
/// `cₑ yᵢ² − 2 yᵢ Sₑ + Qₑ = Σⱼ (xᵢₑ − xⱼₑ)²`. Deviations from the mean keep the three terms
/// small, so little is lost to cancellation.
pub fn distance_sums(items: &[&[f64]], weights: &[f64]) -> Vec<f64> {
    let len = common_length(items, weights);
    let same_length: Vec<&[f64]> = items.iter().map(|v| &v[..len]).collect();
    let spreads = position_spreads(&same_length);
    items
        .iter()
        .map(|item| distance_sum(item, &spreads, weights))
        .collect()
}

/// The number of values [`distance_sums`] compares: the shortest item's length, at most the
/// number of weights.
pub fn common_length(items: &[&[f64]], weights: &[f64]) -> usize {
    items
        .iter()
        .map(|v| v.len())
        .min()
        .unwrap_or(0)
        .min(weights.len())
}

/// What [`distance_sums`] needs of one value position e across the items: cₑ, x̄ₑ, Sₑ, Qₑ.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PositionSpread {
    count: f64,
    mean: f64,
    sum: f64,
    sum_sq: f64,
}

/// The [`PositionSpread`] of every value position of `items` (up to the shortest item's
/// length). Each position depends on that position alone, so a table can be split into blocks
/// of positions (on several threads) and the results put end to end, with the same bits.
pub fn position_spreads<R: AsRef<[f64]>>(items: &[R]) -> Vec<PositionSpread> {
    let len = items.iter().map(|v| v.as_ref().len()).min().unwrap_or(0);
    let mut spreads = vec![PositionSpread::default(); len];
    for item in items {
        for (p, x) in spreads.iter_mut().zip(item.as_ref()) {
            if x.is_finite() {
                p.count += 1.0;
                p.mean += x;
            }
        }
    }
    for p in &mut spreads {
        if p.count > 0.0 {
            p.mean /= p.count;
        }
    }
    for item in items {
        for (p, x) in spreads.iter_mut().zip(item.as_ref()) {
            let y = x - p.mean;
            if y.is_finite() {
                p.sum += y;
                p.sum_sq += y * y;
            }
        }
    }
    spreads
}

/// `item`'s sum of weighted squared distances to all the items `spreads` were taken over
/// ([`distance_sums`], [`position_spreads`]).
pub fn distance_sum(item: &[f64], spreads: &[PositionSpread], weights: &[f64]) -> f64 {
    let mut total = 0.0;
    for ((x, p), w) in item.iter().zip(spreads).zip(weights) {
        let y = x - p.mean;
        if y.is_finite() {
            total += w * (p.count * y * y - 2.0 * y * p.sum + p.sum_sq);
        }
    }
    total
}

/// The index of the smallest of `sums` (the first of equals); `None` when empty.
pub fn index_of_smallest(sums: &[f64]) -> Option<usize> {
    (0..sums.len()).min_by(|&i, &j| sums[i].total_cmp(&sums[j]))
}

/// The medoid of `items`: the index with the smallest [`distance_sums`] (for squared
/// Euclidean distances, the item closest to the mean); `None` when there are no items.
pub fn medoid(items: &[&[f64]], weights: &[f64]) -> Option<usize> {
    index_of_smallest(&distance_sums(items, weights))
}

/// Area under the ROC curve of a score that should be higher for `positives` than for
/// `negatives`: the probability that a random positive scores above a random negative, ties
/// counting one half. This is the Mann–Whitney U statistic divided by `n₊ n₋` (Hanley &
/// McNeil 1982, "The meaning and use of the area under a receiver operating characteristic
/// (ROC) curve", Radiology 143:29-36), computed from mid-ranks in O(n log n). Non-finite
/// scores are left out; `None` when either group has no finite score.
pub fn roc_auc(positives: &[f64], negatives: &[f64]) -> Option<f64> {
    let mut all: Vec<(f64, bool)> = finite(positives)
        .map(|v| (v, true))
        .chain(finite(negatives).map(|v| (v, false)))
        .collect();
    let n_pos = all.iter().filter(|(_, p)| *p).count();
    let n_neg = all.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the positives' mid-ranks (1-based; tied values share their mean rank).
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let mid_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mid_rank * all[i..=j].iter().filter(|(_, p)| *p).count() as f64;
        i = j + 1;
    }
    let (np, nn) = (n_pos as f64, n_neg as f64);
    Some((rank_sum - np * (np + 1.0) / 2.0) / (np * nn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_moments_give_the_standard_deviation_of_all_values() {
        let a = [1.0, 4.0, f64::NAN, 2.5, 7.0];
        let b = [-3.0, 0.5, 9.0];
        let col = |v: &[f64]| v.iter().map(|x| vec![*x]).collect::<Vec<_>>();
        let ma = column_moments(&col(&a))[0];
        let mb = column_moments(&col(&b))[0];
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let pooled = ma.pooled(mb).std_dev().unwrap();
        assert!((pooled - std_dev(&all).unwrap()).abs() < 1e-12);
        let negated: Vec<f64> = b.iter().map(|x| -x).collect();
        let with_negated: Vec<f64> = a.iter().chain(&negated).copied().collect();
        let pooled = ma.pooled(mb.scaled(-1.0)).std_dev().unwrap();
        assert!((pooled - std_dev(&with_negated).unwrap()).abs() < 1e-12);
        assert_eq!(ma.pooled(Moments::default()), ma);
        assert_eq!(Moments::default().pooled(mb), mb);
        assert_eq!(column_moments(&col(&[f64::NAN]))[0].std_dev(), None);
    }

    #[test]
    fn distance_sums_match_pairwise_sums_with_missing_values() {
        let items: Vec<Vec<f64>> = (0..7)
            .map(|k| {
                (0..40)
                    .map(|i| {
                        if (i + k) % 11 == 3 {
                            f64::NAN
                        } else {
                            100.0 + ((i * (k + 2)) as f64 * 0.37).sin() * (k as f64 + 1.0)
                        }
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&[f64]> = items.iter().map(Vec::as_slice).collect();
        let w: Vec<f64> = (0..40).map(|i| 0.5 + (i % 5) as f64).collect();
        let sums = distance_sums(&refs, &w);
        for i in 0..7 {
            let direct: f64 = (0..7)
                .map(|j| {
                    crate::vector::weighted_squared_distance_skipping_missing(
                        &items[i], &items[j], &w,
                    )
                })
                .sum();
            assert!(
                (sums[i] - direct).abs() < 1e-9 * direct,
                "{i}: {} vs {direct}",
                sums[i]
            );
        }
        let best = (0..7).min_by(|&a, &b| sums[a].total_cmp(&sums[b]));
        assert_eq!(medoid(&refs, &w), best);
        assert_eq!(medoid(&[], &w), None);
        // Gathered in blocks of positions put end to end: the same sums, bit for bit.
        let len = common_length(&refs, &w);
        let head: Vec<&[f64]> = refs.iter().map(|r| &r[..17]).collect();
        let tail: Vec<&[f64]> = refs.iter().map(|r| &r[17..len]).collect();
        let mut blocks = position_spreads(&head);
        blocks.extend(position_spreads(&tail));
        for (item, sum) in refs.iter().zip(&sums) {
            assert_eq!(distance_sum(item, &blocks, &w).to_bits(), sum.to_bits());
        }
    }

    #[test]
    fn nan_is_ignored() {
        let v = [1.0, f64::NAN, 3.0];
        assert_eq!(mean(&v), Some(2.0));
        assert_eq!(median(&v), Some(2.0));
        assert!((std_dev(&v).unwrap() - 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(mean(&[f64::NAN]), None);
        assert_eq!(std_dev(&[1.0]), None);
    }

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4], 0.25) == 1.75
        assert!((quantile(&[4.0, 1.0, 3.0, 2.0], 0.25).unwrap() - 1.75).abs() < 1e-12);
    }

    #[test]
    fn mdc95_of_sem_1_is_2_77() {
        assert!((mdc95(1.0) - 2.772).abs() < 1e-3);
    }

    #[test]
    fn symmetry_index_is_zero_when_equal() {
        assert_eq!(symmetry_index(5.0, 5.0), Some(0.0));
        assert!((symmetry_index(11.0, 9.0).unwrap() - 20.0).abs() < 1e-12);
        assert_eq!(symmetry_index(0.0, 0.0), None);
    }

    #[test]
    fn column_statistics_equal_the_statistics_of_each_column() {
        let rows: Vec<Vec<f64>> = (0..7)
            .map(|r| {
                (0..5)
                    .map(|c| {
                        if (r + c) % 4 == 0 {
                            f64::NAN
                        } else {
                            ((r * 5 + c) as f64 * 0.37).sin()
                        }
                    })
                    .collect()
            })
            .collect();
        let means = column_means(&rows);
        let sds = column_std_devs(&rows);
        for c in 0..5 {
            let col: Vec<f64> = rows.iter().map(|r| r[c]).collect();
            assert_eq!(means[c].map(f64::to_bits), mean(&col).map(f64::to_bits));
            assert_eq!(sds[c].map(f64::to_bits), std_dev(&col).map(f64::to_bits));
        }
        assert!(column_means(&[vec![f64::NAN]])[0].is_none());
        assert!(column_means::<Vec<f64>>(&[]).is_empty());
    }

    /// The pair-by-pair definition that [`roc_auc`] computes from ranks.
    fn auc_by_pairs(pos: &[f64], neg: &[f64]) -> f64 {
        let mut s = 0.0;
        for p in pos {
            for n in neg {
                s += if p > n {
                    1.0
                } else if p == n {
                    0.5
                } else {
                    0.0
                };
            }
        }
        s / (pos.len() * neg.len()) as f64
    }

    #[test]
    fn round_tenth_rounds_half_away_from_zero() {
        assert_eq!(round_tenth(62.04), 62.0);
        assert_eq!(round_tenth(28.999999999999996), 29.0);
        assert_eq!(round_tenth(0.25), 0.3);
        assert_eq!(round_tenth(-0.25), -0.3);
    }

    #[test]
    fn roc_auc_known_values() {
        assert_eq!(roc_auc(&[3.0, 4.0], &[1.0, 2.0]), Some(1.0));
        assert_eq!(roc_auc(&[1.0, 2.0], &[3.0, 4.0]), Some(0.0));
        assert_eq!(roc_auc(&[1.0, 1.0], &[1.0]), Some(0.5));
        // 1 beats 0; 3 beats 0 and 2: 3 of 4 pairs.
        assert_eq!(roc_auc(&[1.0, 3.0], &[0.0, 2.0]), Some(0.75));
        assert_eq!(roc_auc(&[], &[1.0]), None);
        assert_eq!(roc_auc(&[f64::NAN], &[1.0]), None);
    }

    proptest::proptest! {
        #[test]
        fn roc_auc_equals_the_share_of_pairs_ranked_right(
            pos in proptest::collection::vec(0i32..20, 1..30),
            neg in proptest::collection::vec(0i32..20, 1..30),
        ) {
            // Small integers, so that ties are frequent.
            let pos: Vec<f64> = pos.into_iter().map(f64::from).collect();
            let neg: Vec<f64> = neg.into_iter().map(f64::from).collect();
            let auc = roc_auc(&pos, &neg).unwrap();
            proptest::prop_assert!((auc - auc_by_pairs(&pos, &neg)).abs() < 1e-12);
        }
    }
}
