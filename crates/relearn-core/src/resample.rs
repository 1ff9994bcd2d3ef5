//! Resampling: time normalisation of a repetition to a fixed number of points, and
//! interpolation of irregular timestamps onto a uniform grid.

use crate::error::{Error, Result};

/// Linearly resamples `x` to `n` points spanning the same interval (time normalisation to
/// 0-100 % of a movement when `n = 101`). NaN samples propagate only to output points whose
/// two neighbouring input samples include a NaN.
pub fn resample_linear(x: &[f64], n: usize) -> Vec<f64> {
    match (x.len(), n) {
        (_, 0) => Vec::new(),
        (0, _) => vec![f64::NAN; n],
        (1, _) => vec![x[0]; n],
        (len, 1) => vec![x[len / 2]],
        (len, _) => {
            let scale = (len - 1) as f64 / (n - 1) as f64;
            (0..n)
                .map(|i| {
                    let pos = i as f64 * scale;
                    let k = (pos.floor() as usize).min(len - 2);
                    let t = pos - k as f64;
                    if t == 0.0 {
                        x[k]
                    } else {
                        x[k] + t * (x[k + 1] - x[k])
                    }
                })
                .collect()
        }
    }
}

/// [`resample_linear`] applied to every column of a row-major table (`rows × width`), giving
/// `n × width`: the same values bit for bit, but the interpolation positions are computed
/// once per output row and every row is read and written in memory order (time-normalising a
/// repetition's 80-odd channels column by column was a strided walk per channel).
pub fn resample_rows(values: &[f64], width: usize, n: usize) -> Vec<f64> {
    let rows = values.len().checked_div(width).unwrap_or(0);
    let row = |k: usize| values.get(k * width..(k + 1) * width).unwrap_or(&[]);
    let mut out = Vec::with_capacity(n * width);
    match (rows, n) {
        (_, 0) => {}
        (0, _) => out.resize(n * width, f64::NAN),
        (1, _) => (0..n).for_each(|_| out.extend_from_slice(row(0))),
        (len, 1) => out.extend_from_slice(row(len / 2)),
        (len, _) => {
            let scale = (len - 1) as f64 / (n - 1) as f64;
            for i in 0..n {
                let pos = i as f64 * scale;
                let k = (pos.floor() as usize).min(len - 2);
                let t = pos - k as f64;
                if t == 0.0 {
                    out.extend_from_slice(row(k));
                } else {
                    out.extend(row(k).iter().zip(row(k + 1)).map(|(a, b)| a + t * (b - a)));
                }
            }
        }
    }
    out
}

/// Interpolates samples taken at increasing `times_s` onto a uniform grid at `rate_hz` starting
/// at the first timestamp; returns the values on the grid.
pub fn to_uniform_rate(times_s: &[f64], values: &[f64], rate_hz: f64) -> Result<Vec<f64>> {
    if times_s.len() != values.len() {
        return Err(Error::InvalidParameter {
            name: "values",
            message: format!("{} values for {} timestamps", values.len(), times_s.len()),
        });
    }
    if !(rate_hz.is_finite() && rate_hz > 0.0) {
        return Err(Error::InvalidParameter {
            name: "rate_hz",
            message: format!("expected a positive rate, found {rate_hz}"),
        });
    }
    if times_s
        .windows(2)
        .any(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
    {
        return Err(Error::InvalidParameter {
            name: "times_s",
            message: "timestamps must be finite and strictly increasing".into(),
        });
    }
    let (Some(&t0), Some(&t1)) = (times_s.first(), times_s.last()) else {
        return Ok(Vec::new());
    };
    let n = ((t1 - t0) * rate_hz + 1e-9).floor() as usize + 1;
    let mut out = Vec::with_capacity(n);
    let mut k = 0usize;
    for i in 0..n {
        let t = t0 + i as f64 / rate_hz;
        while k + 2 < times_s.len() && times_s[k + 1] < t {
            k += 1;
        }
        if times_s.len() == 1 {
            out.push(values[0]);
            continue;
        }
        let (ta, tb) = (times_s[k], times_s[k + 1]);
        let u = ((t - ta) / (tb - ta)).clamp(0.0, 1.0);
        out.push(values[k] + u * (values[k + 1] - values[k]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_rows_equals_resampling_each_column() {
        let width = 3;
        for rows in [0usize, 1, 2, 7, 64] {
            let values: Vec<f64> = (0..rows * width)
                .map(|i| {
                    if i == 4 {
                        f64::NAN
                    } else {
                        (i as f64 * 0.83).sin() * 10.0
                    }
                })
                .collect();
            for n in [0usize, 1, 2, 11, 101] {
                let table = resample_rows(&values, width, n);
                assert_eq!(table.len(), n * width);
                for c in 0..width {
                    let col: Vec<f64> = (0..rows).map(|r| values[r * width + c]).collect();
                    let want = resample_linear(&col, n);
                    for (i, w) in want.iter().enumerate() {
                        let got = table[i * width + c];
                        assert!(
                            got.to_bits() == w.to_bits() || (got.is_nan() && w.is_nan()),
                            "rows {rows} n {n} col {c} point {i}: {got} vs {w}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn resampling_a_line_keeps_it_a_line() {
        let x: Vec<f64> = (0..31).map(|i| i as f64).collect();
        let y = resample_linear(&x, 101);
        assert_eq!(y.len(), 101);
        assert!((y[50] - 15.0).abs() < 1e-12);
        assert!((y[100] - 30.0).abs() < 1e-12);
        assert!(y.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn degenerate_lengths_do_not_panic() {
        assert!(resample_linear(&[], 5).iter().all(|v| v.is_nan()));
        assert_eq!(resample_linear(&[2.0], 3), vec![2.0; 3]);
        assert!(resample_linear(&[1.0, 2.0], 0).is_empty());
    }

    #[test]
    fn jittered_timestamps_become_uniform() {
        let t = [0.0, 0.034, 0.066, 0.101, 0.133];
        let v: Vec<f64> = t.iter().map(|x| 10.0 * x).collect();
        let y = to_uniform_rate(&t, &v, 30.0).unwrap();
        assert_eq!(y.len(), 4);
        assert!((y[3] - 1.0).abs() < 1e-9);
        assert!(to_uniform_rate(&[0.0, 0.0], &[1.0, 2.0], 30.0).is_err());
    }
}
