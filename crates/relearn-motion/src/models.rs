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
    Some(x)
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

fn sigmoid(z: f64) -> f64 {
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
        let n = labels.len() as f64;
        let w_pos = n / (2.0 * n_pos as f64);
        let w_neg = n / (2.0 * n_neg as f64);
        let mut beta = vec![0.0; p];
        for _ in 0..50 {
            let mut h = vec![0.0; p * p];
            let mut g = vec![0.0; p];
            for (xi, &yi) in x.iter().zip(labels) {
                let z = dot(xi, &beta);
                let mu = sigmoid(z);
                let sw = if yi { w_pos } else { w_neg };
                let r = sw * ((if yi { 1.0 } else { 0.0 }) - mu);
                let wt = sw * (mu * (1.0 - mu)).max(1e-10);
                for (gi, xa) in g.iter_mut().zip(xi) {
                    *gi += r * xa;
                }
                // Lower triangle of the weighted outer product x xᵀ.
                for (a, xa) in xi.iter().enumerate() {
                    let wa = wt * xa;
                    let row = &mut h[a * p..a * p + a + 1];
                    for (hb, xb) in row.iter_mut().zip(&xi[..=a]) {
                        *hb += wa * xb;
                    }
                }
            }
            for a in 0..p {
                for b in 0..a {
                    h[b * p + a] = h[a * p + b];
                }
            }
            for a in 0..d {
                g[a] -= l2 * beta[a];
                h[a * p + a] += l2;
            }
            h[d * p + d] += 1e-8;
            let Some(step) = solve_spd(&h, &g, p) else {
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
