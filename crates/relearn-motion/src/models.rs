//! The two small statistical models a template learns from labelled examples:
//!
//! - [`LogisticModel`]: L2-regularised logistic regression (correct vs incorrect), fitted by
//!   iteratively reweighted least squares (Newton's method; Hastie, Tibshirani & Friedman,
//!   *The Elements of Statistical Learning*, 2nd ed., §4.4.1), with class-balanced sample
//!   weights so that an unbalanced manifest does not shift the decision towards the larger
//!   class.
//! - [`RidgeModel`]: ridge regression of a clinician's rating (ESL §3.4.1), closed form.
//!
//! Both standardise their features (mean 0, SD 1 over the training set) and treat a missing
//! feature (NaN) as the training mean. Their weights are readable: a weight says how much one
//! standard deviation of that feature moves the log-odds or the rating.

use crate::error::{Error, Result};
use rayon::prelude::*;
use relearn_core::vector::dot;
use serde::{Deserialize, Serialize};

/// Feature standardisation learnt from training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardiser {
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Standard deviation of each feature (1 where the feature is constant).
    pub sd: Vec<f64>,
}

impl Standardiser {
    /// Learns means and SDs column by column, ignoring NaN.
    pub fn fit(rows: &[Vec<f64>]) -> Standardiser {
        let d = rows.first().map_or(0, Vec::len);
        let mut mean = vec![0.0; d];
        let mut sd = vec![1.0; d];
        for k in 0..d {
            let col: Vec<f64> = rows
                .iter()
                .map(|r| r.get(k).copied().unwrap_or(f64::NAN))
                .collect();
            mean[k] = relearn_core::stats::mean(&col).unwrap_or(0.0);
            sd[k] = relearn_core::stats::std_dev(&col)
                .filter(|s| *s > 1e-9)
                .unwrap_or(1.0);
        }
        Standardiser { mean, sd }
    }

    /// Standardises one row; NaN becomes 0 (the mean).
    pub fn apply(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .zip(self.mean.iter().zip(&self.sd))
            .map(|(x, (m, s))| if x.is_finite() { (x - m) / s } else { 0.0 })
            .collect()
    }
}

/// Solves the symmetric positive-definite system `a x = b` (row-major `a`, n × n) by Cholesky
/// decomposition; `None` if `a` is not positive definite.
fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    Some(cholesky_solve(&cholesky(a, n)?, b, n))
}

/// The lower-triangular Cholesky factor `l` of the SPD matrix `a` (`a = l lᵀ`, row-major,
/// n × n); `None` if `a` is not positive definite.
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s = a[i * n + j] - dot(&l[i * n..i * n + j], &l[j * n..j * n + j]);
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves `l lᵀ x = b` given the Cholesky factor `l` (forward, then back substitution).
fn cholesky_solve(l: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s = dot(&l[i * n..i * n + i], &y[..i]);
        y[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i * n + i];
    }
    x
}

/// The full symmetric n × n matrix (row-major) from its lower triangle given row by row
/// (row `i` holds columns `0..=i`).
fn symmetric_from_lower(lower: &[Vec<f64>], n: usize) -> Vec<f64> {
    let mut m = vec![0.0; n * n];
    for (i, row) in lower.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            m[i * n + j] = *v;
            m[j * n + i] = *v;
        }
    }
    m
}

/// Penalty on the intercept in Newton's system: none in the model, a tiny one so that the
/// system stays positive definite.
const INTERCEPT_RIDGE: f64 = 1e-8;

/// Newton's step of the penalised logistic fit: solves `(Λ + Xᵀ W X) δ = g`, where the rows
/// of X are the standardised examples with a trailing 1 for the intercept, W = diag(`wt`) and
/// Λ = diag(l2, …, l2, [`INTERCEPT_RIDGE`]).
///
/// Two exact ways, chosen by shape (the same step up to rounding; a test checks they agree):
/// - **Primal**, for at most as many features as examples: build the (d+1) × (d+1) matrix
///   and factor it (ESL §4.4.1).
/// - **Dual**, for fewer examples than features (UI-PRMD: 200 repetitions, 348 features), as
///   ESL §18.3.5 recommends when p > N: with A = l2·I + X̃ᵀ W X̃ (X̃ without the intercept),
///   the Woodbury identity gives A⁻¹v = (v − X̃ᵀ S M⁻¹ S X̃ v) / l2, S = W^½,
///   M = l2·I + S X̃ X̃ᵀ S (n × n; X̃ X̃ᵀ is computed once per fit), and the intercept is
///   eliminated by its Schur complement. Factoring n × n instead of (d+1) × (d+1) is what
///   makes it faster.
struct NewtonSystem<'a> {
    /// Design rows (standardised features, then 1).
    rows: &'a [Vec<f64>],
    /// The same by columns.
    columns: &'a [Vec<f64>],
    /// X̃ X̃ᵀ (n × n, row-major) when the dual way is used.
    gram: Option<Vec<f64>>,
    l2: f64,
}

impl<'a> NewtonSystem<'a> {
    fn new(rows: &'a [Vec<f64>], columns: &'a [Vec<f64>], l2: f64, dual: bool) -> Self {
        let n = rows.len();
        let d = columns.len().saturating_sub(1);
        let gram = dual.then(|| {
            // Lower triangle row by row in parallel (each row its own output: the result
            // does not depend on the thread count), then mirrored.
            let lower: Vec<Vec<f64>> = (0..n)
                .into_par_iter()
                .map(|i| (0..=i).map(|j| dot(&rows[i][..d], &rows[j][..d])).collect())
                .collect();
            symmetric_from_lower(&lower, n)
        });
        NewtonSystem {
            rows,
            columns,
            gram,
            l2,
        }
    }

    /// Solves for the step; `None` if the system is not positive definite.
    fn solve(&self, wt: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        match &self.gram {
            Some(gram) => self.solve_dual(gram, wt, g),
            None => self.solve_primal(wt, g),
        }
    }

    fn solve_primal(&self, wt: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        let p = self.columns.len();
        let d = p - 1;
        // Lower triangle of Xᵀ W X, row by row in parallel, then mirrored.
        let lower: Vec<Vec<f64>> = (0..p)
            .into_par_iter()
            .map(|a| {
                let weighted: Vec<f64> = self.columns[a]
                    .iter()
                    .zip(wt)
                    .map(|(xa, w)| xa * w)
                    .collect();
                self.columns[..=a]
                    .iter()
                    .map(|col| dot(&weighted, col))
                    .collect()
            })
            .collect();
        let mut h = symmetric_from_lower(&lower, p);
        for a in 0..d {
            h[a * p + a] += self.l2;
        }
        h[d * p + d] += INTERCEPT_RIDGE;
        solve_spd(&h, g, p)
    }

    fn solve_dual(&self, gram: &[f64], wt: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        let n = self.rows.len();
        let d = self.columns.len() - 1;
        let l2 = self.l2;
        let root: Vec<f64> = wt.iter().map(|w| w.sqrt()).collect();
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                m[i * n + j] = root[i] * gram[i * n + j] * root[j];
            }
            m[i * n + i] += l2;
        }
        let factor = cholesky(&m, n)?;
        // A⁻¹ v by the Woodbury identity.
        let a_inverse = |v: &[f64]| -> Vec<f64> {
            let u: Vec<f64> = self
                .rows
                .iter()
                .zip(&root)
                .map(|(x, r)| r * dot(&x[..d], v))
                .collect();
            let y = cholesky_solve(&factor, &u, n);
            let mut out = v.to_vec();
            for ((x, r), yi) in self.rows.iter().zip(&root).zip(&y) {
                let c = r * yi;
                for (o, xa) in out.iter_mut().zip(&x[..d]) {
                    *o -= c * xa;
                }
            }
            out.iter_mut().for_each(|o| *o /= l2);
            out
        };
        // The intercept's column of the system: b = X̃ᵀ w, c = Σ w (+ ridge).
        let b: Vec<f64> = self.columns[..d].iter().map(|col| dot(col, wt)).collect();
        let c = wt.iter().sum::<f64>() + INTERCEPT_RIDGE;
        let a_inv_g = a_inverse(&g[..d]);
        let a_inv_b = a_inverse(&b);
        let schur = c - dot(&b, &a_inv_b);
        if schur <= 0.0 || !schur.is_finite() {
            return None;
        }
        let t = (g[d] - dot(&b, &a_inv_g)) / schur;
        let mut step: Vec<f64> = a_inv_g
            .iter()
            .zip(&a_inv_b)
            .map(|(x, y)| x - t * y)
            .collect();
        step.push(t);
        Some(step)
    }
}

/// Largest weight change at which Newton's iterations stop.
const NEWTON_TOLERANCE: f64 = 1e-6;

/// L2-regularised, class-balanced logistic regression: P(correct | features).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// Feature standardisation.
    pub standardiser: Standardiser,
    /// Weight per standardised feature.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
    /// L2 penalty used (on the weights, not the intercept).
    pub l2: f64,
}

/// The logistic function `1 / (1 + e^-z)`, computed without overflow for either sign of `z`.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl LogisticModel {
    /// Fits the model; `labels[i]` is true for a correct example. Needs both classes.
    pub fn fit(rows: &[Vec<f64>], labels: &[bool], l2: f64) -> Result<LogisticModel> {
        let features = rows.first().map_or(0, Vec::len);
        Self::fit_with(rows, labels, l2, l2 > 0.0 && rows.len() < features)
    }

    /// [`LogisticModel::fit`], solving Newton's system the dual way or not (see
    /// [`NewtonSystem`]).
    fn fit_with(rows: &[Vec<f64>], labels: &[bool], l2: f64, dual: bool) -> Result<LogisticModel> {
        let n_pos = labels.iter().filter(|l| **l).count();
        let n_neg = labels.len() - n_pos;
        if rows.len() != labels.len() || n_pos == 0 || n_neg == 0 {
            return Err(Error::Template(format!(
                "a correct/incorrect model needs both kinds of example ({n_pos} correct, {n_neg} \
                 incorrect)"
            )));
        }
        let standardiser = Standardiser::fit(rows);
        let d = standardiser.mean.len();
        let p = d + 1; // intercept last
                       // Design rows with the intercept's constant 1 appended, so the loops below have no
                       // branch and vectorise.
        let x: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| {
                let mut v = standardiser.apply(r);
                v.push(1.0);
                v
            })
            .collect();
        // The design matrix by columns as well: the Hessian's entries are dot products of
        // (weighted) columns, which read memory in order and vectorise.
        let columns: Vec<Vec<f64>> = (0..p).map(|a| x.iter().map(|xi| xi[a]).collect()).collect();
        let n = labels.len() as f64;
        let w_pos = n / (2.0 * n_pos as f64);
        let w_neg = n / (2.0 * n_neg as f64);
        let mut beta = vec![0.0; p];
        let system = NewtonSystem::new(&x, &columns, l2, dual);
        for _ in 0..50 {
            // Per example: the weighted residual r and the IRLS weight wt.
            let (r, wt): (Vec<f64>, Vec<f64>) = x
                .iter()
                .zip(labels)
                .map(|(xi, &yi)| {
                    let mu = sigmoid(dot(xi, &beta));
                    let sw = if yi { w_pos } else { w_neg };
                    let r = sw * ((if yi { 1.0 } else { 0.0 }) - mu);
                    (r, sw * (mu * (1.0 - mu)).max(1e-10))
                })
                .unzip();
            // Gradient of the penalised log-likelihood.
            let mut g: Vec<f64> = columns.iter().map(|col| dot(&r, col)).collect();
            for a in 0..d {
                g[a] -= l2 * beta[a];
            }
            let Some(step) = system.solve(&wt, &g) else {
                return Err(Error::Template(
                    "the logistic model did not converge".into(),
                ));
            };
            let change = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
            for (b, s) in beta.iter_mut().zip(&step) {
                *b += s;
            }
            // Newton's method converges quadratically: once no weight moves by more than
            // 1e-6 (on standardised features) the probabilities are fixed to many digits.
            if change < NEWTON_TOLERANCE {
                break;
            }
        }
        let bias = beta[d];
        beta.truncate(d);
        Ok(LogisticModel {
            standardiser,
            weights: beta,
            bias,
            l2,
        })
    }

    /// Probability that a repetition with these features is correct.
    pub fn probability(&self, row: &[f64]) -> f64 {
        let x = self.standardiser.apply(row);
        let z: f64 = x.iter().zip(&self.weights).map(|(a, b)| a * b).sum::<f64>() + self.bias;
        sigmoid(z)
    }

    /// Contribution of each feature to the log-odds for a row (weight × standardised value).
    pub fn contributions(&self, row: &[f64]) -> Vec<f64> {
        self.standardiser
            .apply(row)
            .iter()
            .zip(&self.weights)
            .map(|(a, b)| a * b)
            .collect()
    }
}

/// Ridge regression of a numeric rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RidgeModel {
    /// Feature standardisation.
    pub standardiser: Standardiser,
    /// Weight per standardised feature.
    pub weights: Vec<f64>,
    /// Intercept (the mean rating).
    pub bias: f64,
    /// L2 penalty.
    pub l2: f64,
    /// Lowest rating seen in training (predictions are clamped to the scale).
    pub min: f64,
    /// Highest rating seen in training.
    pub max: f64,
}

impl RidgeModel {
    /// Fits the model on at least 3 rated examples.
    pub fn fit(rows: &[Vec<f64>], ratings: &[f64], l2: f64) -> Result<RidgeModel> {
        if rows.len() != ratings.len() || rows.len() < 3 {
            return Err(Error::Template(format!(
                "a rating model needs at least 3 rated examples, found {}",
                ratings.len()
            )));
        }
        let standardiser = Standardiser::fit(rows);
        let x: Vec<Vec<f64>> = rows.iter().map(|r| standardiser.apply(r)).collect();
        let d = standardiser.mean.len();
        let bias = ratings.iter().sum::<f64>() / ratings.len() as f64;
        let mut a = vec![0.0; d * d];
        let mut b = vec![0.0; d];
        for (xi, yi) in x.iter().zip(ratings) {
            for i in 0..d {
                b[i] += xi[i] * (yi - bias);
                for j in 0..=i {
                    a[i * d + j] += xi[i] * xi[j];
                }
            }
        }
        for i in 0..d {
            for j in 0..i {
                a[j * d + i] = a[i * d + j];
            }
            a[i * d + i] += l2.max(1e-8);
        }
        let weights = solve_spd(&a, &b, d)
            .ok_or_else(|| Error::Template("the rating model could not be solved".into()))?;
        let (min, max) = ratings
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                (lo.min(*r), hi.max(*r))
            });
        Ok(RidgeModel {
            standardiser,
            weights,
            bias,
            l2,
            min,
            max,
        })
    }

    /// Predicted rating, clamped to the range seen in training.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let x = self.standardiser.apply(row);
        let y: f64 = x.iter().zip(&self.weights).map(|(a, b)| a * b).sum::<f64>() + self.bias;
        y.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_separates_two_clusters_and_is_balanced() {
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for i in 0..40 {
            let t = i as f64 / 40.0;
            rows.push(vec![1.0 + t, 0.3 * t]);
            labels.push(true);
        }
        for i in 0..10 {
            let t = i as f64 / 10.0;
            rows.push(vec![-1.0 - t, 0.3 * t]);
            labels.push(false);
        }
        let m = LogisticModel::fit(&rows, &labels, 1.0).unwrap();
        assert!(m.probability(&[1.5, 0.1]) > 0.8);
        assert!(m.probability(&[-1.5, 0.1]) < 0.2);
        // Balanced: the midpoint between the clusters is near 0.5 despite 4:1 classes.
        assert!((m.probability(&[0.0, 0.15]) - 0.5).abs() < 0.15);
        assert!(m.weights[0] > 0.0);
    }

    #[test]
    fn newton_steps_agree_both_ways() {
        // Fewer examples than features: the dual (Woodbury) and primal solutions of every
        // Newton step agree, so the fitted models agree.
        let rows: Vec<Vec<f64>> = (0..30)
            .map(|i| {
                (0..45)
                    .map(|k| ((i * 7 + k * 3) as f64 * 0.61).sin() + if i < 12 { 0.3 } else { 0.0 })
                    .collect()
            })
            .collect();
        let labels: Vec<bool> = (0..30).map(|i| i < 12).collect();
        for l2 in [0.1, 1.0, 10.0] {
            let dual = LogisticModel::fit_with(&rows, &labels, l2, true).unwrap();
            let primal = LogisticModel::fit_with(&rows, &labels, l2, false).unwrap();
            for (a, b) in dual.weights.iter().zip(&primal.weights) {
                assert!((a - b).abs() < 1e-7, "l2 {l2}: {a} vs {b}");
            }
            assert!((dual.bias - primal.bias).abs() < 1e-7);
            assert_eq!(dual, LogisticModel::fit(&rows, &labels, l2).unwrap());
        }
    }

    #[test]
    fn logistic_needs_both_classes() {
        assert!(LogisticModel::fit(&[vec![1.0], vec![2.0]], &[true, true], 1.0).is_err());
    }

    #[test]
    fn ridge_recovers_a_linear_rating() {
        let rows: Vec<Vec<f64>> = (0..30).map(|i| vec![i as f64, (i % 3) as f64]).collect();
        let ratings: Vec<f64> = rows.iter().map(|r| 2.0 * r[0] + 5.0).collect();
        let m = RidgeModel::fit(&rows, &ratings, 1e-6).unwrap();
        assert!((m.predict(&[10.0, 1.0]) - 25.0).abs() < 0.1);
        // Clamped to the training range.
        assert!((m.predict(&[1000.0, 0.0]) - m.max).abs() < 1e-9);
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let x = solve_spd(&a, &[6.0, 5.0], 2).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
        assert!(solve_spd(&[-1.0], &[1.0], 1).is_none());
    }
}
