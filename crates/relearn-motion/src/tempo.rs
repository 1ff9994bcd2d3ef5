//! Tempo: phase durations of a repetition from its primary displacement signal
//! (`clinical-spec.md` §6): the movement away from rest (eccentric in a squat), the pause at
//! the turning point, and the return (concentric). Phase boundaries are where the speed of the
//! signal falls below 5 % of the repetition's peak speed (*Relearn default*, §6). The pause at
//! rest between repetitions is the gap between one repetition's end and the next one's start.

use serde::{Deserialize, Serialize};

/// Fraction of the peak speed below which the movement counts as paused: 5 % (§6).
pub const PAUSE_SPEED_FRACTION: f64 = 0.05;

/// Phase durations of one repetition, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TempoPhases {
    /// Moving away from rest (lowering into a squat, raising an arm).
    pub outward_s: f64,
    /// Held at the turning point.
    pub pause_s: f64,
    /// Returning to rest.
    pub return_s: f64,
}

/// Phase durations from a repetition's normalised excursion signal (0 = rest, 1 = peak): the
/// movement away from rest from its first frame faster than [`PAUSE_SPEED_FRACTION`] of the
/// peak speed, the pause around the peak, the return to the last such frame.
pub fn tempo_phases(signal: &[f64], rate_hz: f64) -> Option<TempoPhases> {
    let n = signal.len();
    if n < 3 || rate_hz <= 0.0 {
        return None;
    }
    let (peak_i, peak_v) = relearn_core::stats::argmax(signal)?;
    let speed: Vec<f64> = (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(1), (i + 1).min(n - 1));
            ((signal[b] - signal[a]) / (b - a).max(1) as f64).abs()
        })
        .collect();
    let peak_speed = speed.iter().fold(0.0f64, |m, v| m.max(*v));
    if peak_speed <= 0.0 {
        return None;
    }
    let still = PAUSE_SPEED_FRACTION * peak_speed;
    // The turning point: around the peak, the frames that are both near the peak value and
    // slow.
    let near = |i: usize| signal[i] >= 0.8 * peak_v && speed[i] <= still;
    let mut a = peak_i;
    while a > 0 && near(a - 1) {
        a -= 1;
    }
    let mut b = peak_i;
    while b + 1 < n && near(b + 1) {
        b += 1;
    }
    let pause_frames = if near(peak_i) { b - a + 1 } else { 0 };
    let (pause_start, pause_end) = if pause_frames > 0 {
        (a, b + 1)
    } else {
        (peak_i, peak_i)
    };
    // The movement runs from the first to the last frame faster than a pause (§6: phase
    // boundaries where the speed is under 5 % of its peak): standing still before or after
    // it, in a recording of one repetition, is neither phase.
    let onset = speed
        .iter()
        .position(|v| *v > still)
        .unwrap_or(0)
        .min(pause_start);
    let end = speed
        .iter()
        .rposition(|v| *v > still)
        .map_or(n, |i| i + 1)
        .max(pause_end);
    Some(TempoPhases {
        outward_s: (pause_start - onset) as f64 / rate_hz,
        pause_s: pause_frames as f64 / rate_hz,
        return_s: (end - pause_end) as f64 / rate_hz,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_bottom_is_a_pause_between_two_phases() {
        // 1 s down, 1 s hold, 2 s up at 30 Hz.
        let mut s: Vec<f64> = (0..30)
            .map(|i| 0.5 * (1.0 - (std::f64::consts::PI * i as f64 / 30.0).cos()))
            .collect();
        s.extend(std::iter::repeat_n(1.0, 30));
        s.extend((0..60).map(|i| 0.5 * (1.0 + (std::f64::consts::PI * i as f64 / 60.0).cos())));
        let t = tempo_phases(&s, 30.0).unwrap();
        assert!((t.pause_s - 1.0).abs() < 0.2, "{t:?}");
        assert!((t.outward_s - 1.0).abs() < 0.2, "{t:?}");
        assert!((t.return_s - 2.0).abs() < 0.2, "{t:?}");
    }

    #[test]
    fn standing_still_before_and_after_the_movement_is_neither_phase() {
        // 1 s down, 2 s up at 30 Hz, alone and with 1 s and 2 s of standing around it.
        let mut movement: Vec<f64> = (0..30)
            .map(|i| 0.5 * (1.0 - (std::f64::consts::PI * i as f64 / 30.0).cos()))
            .collect();
        movement
            .extend((0..60).map(|i| 0.5 * (1.0 + (std::f64::consts::PI * i as f64 / 60.0).cos())));
        let alone = tempo_phases(&movement, 30.0).unwrap();
        let mut standing = vec![0.0; 30];
        standing.extend(&movement);
        standing.extend(vec![0.0; 60]);
        let around = tempo_phases(&standing, 30.0).unwrap();
        assert!((alone.outward_s - 1.0).abs() < 0.1, "{alone:?}");
        assert!((alone.return_s - 2.0).abs() < 0.15, "{alone:?}");
        assert!(
            (around.outward_s - alone.outward_s).abs() < 0.05,
            "{around:?} {alone:?}"
        );
        assert!(
            (around.return_s - alone.return_s).abs() < 0.05,
            "{around:?} {alone:?}"
        );
    }

    #[test]
    fn a_flat_signal_has_no_tempo() {
        assert!(tempo_phases(&[0.0; 10], 30.0).is_none());
    }
}
