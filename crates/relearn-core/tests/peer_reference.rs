//! Relearn's numerics against the peer libraries: SciPy's Butterworth design and `sosfiltfilt`,
//! and dtaidistance's DTW, on the values `validation/peer_reference.py` recorded
//! (`validation/peer_reference.json`, versions pinned in `validation/requirements.txt`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use relearn_core::dtw::{dtw_distance, Series};
use relearn_core::filter::{Butterworth, Response};

fn reference() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../validation/peer_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn zero_phase_butterworth_matches_scipy_sosfiltfilt() {
    for case in reference()["filters"].as_array().unwrap() {
        let (x, want) = (floats(&case["x"]), floats(&case["y"]));
        let rate = case["rate_hz"].as_f64().unwrap();
        let fc = case["cutoff_hz"].as_f64().unwrap();
        let order = case["order"].as_u64().unwrap() as usize;
        let pad = case["pad"].as_u64().unwrap() as usize;
        let filter = match case["kind"].as_str().unwrap() {
            "zero_phase_lowpass" => Butterworth::zero_phase_lowpass(order, fc, rate).unwrap(),
            _ => Butterworth::design(order, fc, rate, Response::HighPass).unwrap(),
        };
        assert_eq!(
            pad,
            filter.default_pad(rate).min(x.len() - 1),
            "same padding rule"
        );
        let got = filter.filtfilt(&x, rate);
        let worst = got
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            worst < 1e-9,
            "{} {fc} Hz at {rate} Hz: max difference {worst}",
            case["kind"]
        );
    }
}

#[test]
fn dtw_distance_matches_dtaidistance() {
    let r = reference();
    for case in r["dtw"].as_array().unwrap() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let want = case["distance"].as_f64().unwrap();
        // dtaidistance's `window = w` allows |i - j| <= w - 1 around the unscaled diagonal;
        // Relearn's band is around the diagonal scaled to the lengths. They coincide for equal
        // lengths (half-width w - 1) and without a window.
        let window = match case["window"].as_u64() {
            None => None,
            Some(_) if a.len() != b.len() => continue,
            Some(w) => Some(w as usize - 1),
        };
        let got = dtw_distance(
            Series::new(&a, 1).unwrap(),
            Series::new(&b, 1).unwrap(),
            window,
        )
        .unwrap();
        assert!((got - want).abs() < 1e-9 * want.max(1.0), "{got} vs {want}");
    }
    for case in r["dtw_ndim"].as_array().unwrap() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let dims = case["dims"].as_u64().unwrap() as usize;
        let want = case["distance"].as_f64().unwrap();
        let got = dtw_distance(
            Series::new(&a, dims).unwrap(),
            Series::new(&b, dims).unwrap(),
            None,
        )
        .unwrap();
        assert!((got - want).abs() < 1e-9 * want.max(1.0), "{got} vs {want}");
    }
}
