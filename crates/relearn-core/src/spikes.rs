//! Tracking spikes: samples where a tracked joint jumps away from where it was and comes
//! back, faster than a body moves (a depth camera briefly taking a knee for the other knee,
//! a keypoint detector snapping to the background for a frame or two).
//!
//! A spike is found with the Hampel identifier applied to the joint's 3-D position (Hampel
//! 1974, *J Am Stat Assoc* 69:383; Pearson 2002, *IEEE Trans Control Syst Technol* 10:55): in
//! a moving window of ±[`SPIKE_HALF_WINDOW_S`] around each sample, the sample's distance from
//! the window's coordinate-wise median is compared with the window's median absolute
//! distance from it, scaled to a standard deviation (× 1.4826), and with an absolute floor.
//! A sample farther than [`SPIKE_THRESHOLD`] such deviations and than
//! [`SPIKE_FLOOR_M`] is a spike. Smooth movement, however fast, stays close to its window's
//! median (the median of a ramp is its middle sample), so only jumps that go and come back
//! within the window are found; a jump that stays (a joint relabelled for good) is not a
//! spike and is left to the left-right swap repair. The caller marks spikes missing, so that
//! gap filling (`gaps`, `clinical-spec.md` §5.1) bridges them like any short dropout.
//!
//! A window with no tracked sample on one side of the sample (the first and last frames, the
//! edges of a gap) is not judged: its median is pulled along the movement. The coordinate-wise
//! median depends on the axes; callers give the horizontal coordinates along the person's
//! own axes, so that the result does not depend on where the camera stood. Most windows are
//! skipped by bounds without sorting anything, and a coordinate in which the sample is its
//! window's median is recognised by counting ([`find_spikes`]); a test checks that these
//! shortcuts find exactly the frames the plain identifier finds.
//!
//! `clinical-spec.md` §5.1 has no spike step; the window, threshold and floor are *Relearn
//! defaults*, stated with their reasons on each constant. Validation: VALIDATION.md §4,
//! "Spikes" (`validation/glitches.py`: one frame of a joint thrown 30 cm changed 79 of 1000
//! UI-PRMD verdicts before this step and 3 after).

/// Half-width of the Hampel window, seconds: 0.1 s (±3 frames at 30 Hz), the longest gap
/// `clinical-spec.md` §5.1 fills. A spike at most the half-window long is found (the window's
/// median still comes from the tracked samples around it: 3 of 7 at 30 Hz), and what is
/// found is then short enough to fill (*Relearn default*).
pub const SPIKE_HALF_WINDOW_S: f64 = 0.1;

/// Fewest frames on each side of the window, whatever the frame rate (*Relearn default*: with
/// one frame per side, the median of three samples cannot tell a two-frame spike).
pub const SPIKE_MIN_HALF_WINDOW: usize = 2;

/// Deviations (the window's median absolute deviation × 1.4826) beyond which a sample is a
/// spike: 3, Pearson's (2002) usual choice, as for a Gaussian's 3 σ.
pub const SPIKE_THRESHOLD: f64 = 3.0;

/// Smallest jump called a spike, metres: 5 cm, several times the joint-position noise of the
/// depth cameras and video keypoint detectors Relearn reads (about 1-2 cm) and small against
/// the 20-50 cm of the tracking failures this step is for. In quiet standing the window's
/// deviation is that noise, and the floor keeps ordinary noise from being called a spike
/// (*Relearn default*).
pub const SPIKE_FLOOR_M: f64 = 0.05;

/// Scale from the median absolute deviation to a standard deviation for Gaussian data.
const MAD_TO_SD: f64 = 1.4826;

/// Half-width of the Hampel window in frames at `rate_hz` ([`SPIKE_HALF_WINDOW_S`], at least
/// [`SPIKE_MIN_HALF_WINDOW`]).
pub fn half_window_frames(rate_hz: f64) -> usize {
    let k = (SPIKE_HALF_WINDOW_S * rate_hz).round();
    if k.is_finite() && k > 0.0 {
        (k as usize).max(SPIKE_MIN_HALF_WINDOW)
    } else {
        SPIKE_MIN_HALF_WINDOW
    }
}

/// The frames of one joint's track that are tracking spikes, in increasing order, with a
/// half-window of `half_window` frames. `track` is the joint's position per frame (metres; a
/// sample with any non-finite coordinate is missing). The median and its deviation are taken
/// over the tracked samples of the window; a window with fewer than `half_window + 1` of
/// them, or with none on one side of the sample, is not judged.
pub fn find_spikes(track: &[[f64; 3]], half_window: usize) -> Vec<usize> {
    let n = track.len();
    // A window wider than the track is the track (a frame rate read from a damaged file can
    // ask for any width).
    let k = half_window.clamp(1, n.max(1));
    let sample = |f: usize| track[f];
    // tracked_before[f]: tracked samples among frames 0..f, so that a window's count and its
    // two sides are differences.
    let mut tracked_before = Vec::with_capacity(n + 1);
    tracked_before.push(0usize);
    let mut count = 0usize;
    for point in track {
        count += usize::from(point.iter().all(|x| x.is_finite()));
        tracked_before.push(count);
    }
    let all_tracked = count == n;
    let tracked = |f: usize| all_tracked || tracked_before[f + 1] > tracked_before[f];
    let mut spikes = Vec::new();
    // One coordinate of the window, gathered for its median.
    let mut column: Vec<f64> = Vec::with_capacity(2 * k + 1);
    let mut moments = WindowMoments::default();
    for f in (0..k.min(n)).filter(|&f| tracked(f)) {
        moments.update(sample(f), 1.0);
    }
    for f in 0..n {
        if f + k < n && tracked(f + k) {
            moments.update(sample(f + k), 1.0);
        }
        if f > k && tracked(f - k - 1) {
            moments.update(sample(f - k - 1), -1.0);
        }
        if !tracked(f) {
            continue;
        }
        let p = sample(f);
        let (lo, hi) = (f.saturating_sub(k), (f + k).min(n - 1));
        // A window tracked on one side only (the first and last frames, the edge of a gap) has
        // its median pulled along the movement, away from a sample that is no spike.
        let before = tracked_before[f] - tracked_before[lo];
        let after = tracked_before[hi + 1] - tracked_before[f + 1];
        if before + after < k || before == 0 || after == 0 {
            continue;
        }
        // Bounds first, so that most windows need no median. Each coordinate's median is
        // within one standard deviation of its mean (|mean − median| ≤ σ for any sample), so
        // the sample is at most √Σ(|x − mean| + σ)² from the window's median: when that
        // cannot pass the floor (quiet and slow stretches, most of a recording), nothing
        // needs sorting. That bound is tried in two forms: one with no root or division,
        // from (a + b)² ≤ 2a² + 2b² and scaled by the window's count n, then the bound itself.
        let m = moments.count as f64;
        let mut loose = 0.0;
        let mut scaled = [(0.0f64, 0.0f64); 3];
        for (c, s) in scaled.iter_mut().enumerate() {
            // n·(x − mean) and n²·σ².
            let deviation = m * p[c] - moments.sum[c];
            let variance = (m * moments.squares[c] - moments.sum[c] * moments.sum[c]).max(0.0);
            loose += deviation * deviation + variance;
            *s = (deviation.abs(), variance);
        }
        if 2.0 * loose <= m * m * FLOOR_SQUARED_WITH_MARGIN {
            continue;
        }
        let mut reach = scaled.map(|(deviation, variance)| (deviation + variance.sqrt()) / m);
        let out_of_reach = |reach: &[f64; 3]| {
            reach.iter().map(|r| r * r).sum::<f64>() <= FLOOR_SQUARED_WITH_MARGIN
        };
        if out_of_reach(&reach) {
            continue;
        }
        // Then the medians, the coordinate with the widest bound first, each replacing its
        // bound by the exact distance, until the floor is out of reach (a joint moving along
        // one axis needs one). A coordinate with no more than half the window's samples on
        // either side of the sample has the sample's own value as its median (the middle of
        // a ramp, the usual case): counting tells that without sorting.
        let mut order = [0usize, 1, 2];
        order.sort_unstable_by(|a, b| reach[*b].total_cmp(&reach[*a]));
        let mut centre = [0.0f64; 3];
        let mut skipped = false;
        let count = before + after + 1;
        for (i, &c) in order.iter().enumerate() {
            let x = p[c];
            let (mut below, mut above) = (0usize, 0usize);
            for q in (lo..hi + 1).filter(|&q| tracked(q)) {
                let v = sample(q)[c];
                below += usize::from(v < x);
                above += usize::from(v > x);
            }
            centre[c] = if below <= (count - 1) / 2 && above < count - count / 2 {
                x
            } else {
                // Only the coordinates whose median is needed are gathered.
                column.clear();
                column.extend((lo..hi + 1).filter(|&q| tracked(q)).map(|q| sample(q)[c]));
                sorted_median(&mut column)
            };
            reach[c] = (x - centre[c]).abs();
            if i < 2 && out_of_reach(&reach) {
                skipped = true;
                break;
            }
        }
        if skipped {
            continue;
        }
        let distance = |v: [f64; 3]| {
            ((v[0] - centre[0]).powi(2) + (v[1] - centre[1]).powi(2) + (v[2] - centre[2]).powi(2))
                .sqrt()
        };
        let deviation = distance(p);
        if deviation <= SPIKE_FLOOR_M {
            continue;
        }
        let mut distances: Vec<f64> = (lo..hi + 1)
            .filter(|&q| tracked(q))
            .map(|q| distance(sample(q)))
            .collect();
        let spread = MAD_TO_SD * sorted_median(&mut distances);
        if deviation > SPIKE_THRESHOLD * spread {
            spikes.push(f);
        }
    }
    spikes
}

/// The square of [`SPIKE_FLOOR_M`] shrunk by a part in a million: the bounds that skip a
/// window are widened by that much against rounding.
const FLOOR_SQUARED_WITH_MARGIN: f64 =
    (SPIKE_FLOOR_M / (1.0 + 1e-6)) * (SPIKE_FLOOR_M / (1.0 + 1e-6));

/// Count, sums and sums of squares of the tracked samples in a window, slid along a track.
#[derive(Default)]
struct WindowMoments {
    count: usize,
    sum: [f64; 3],
    squares: [f64; 3],
}

impl WindowMoments {
    /// Adds (`sign` = 1) or removes (`sign` = −1) a sample.
    fn update(&mut self, v: [f64; 3], sign: f64) {
        if sign > 0.0 {
            self.count += 1;
        } else {
            self.count = self.count.saturating_sub(1);
        }
        for (c, x) in v.iter().enumerate() {
            self.sum[c] += sign * x;
            self.squares[c] += sign * x * x;
        }
    }
}

/// Median of `values` (finite, not empty), sorting them in place. A window holds 2k + 1 ≤ 21
/// samples up to 100 Hz: a plain insertion sort orders that few values several times faster
/// than a general selection (callgrind, BENCHMARKS.md).
fn sorted_median(values: &mut [f64]) -> f64 {
    for i in 1..values.len() {
        let v = values[i];
        let mut j = i;
        while j > 0 && values[j - 1] > v {
            values[j] = values[j - 1];
            j -= 1;
        }
        values[j] = v;
    }
    let len = values.len();
    match len {
        0 => f64::NAN,
        _ if len % 2 == 1 => values[len / 2],
        _ => 0.5 * (values[len / 2 - 1] + values[len / 2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vec3;

    /// Runs [`find_spikes`] on a track given as points (`None` = missing).
    fn spikes_of(track: &[Option<Vec3>], k: usize) -> Vec<usize> {
        let points: Vec<[f64; 3]> = track
            .iter()
            .map(|p| p.map_or([f64::NAN; 3], |p| [p.x, p.y, p.z]))
            .collect();
        find_spikes(&points, k)
    }

    fn ramp(n: usize, speed_m_per_frame: f64) -> Vec<Option<Vec3>> {
        (0..n)
            .map(|f| Some(Vec3::new(f as f64 * speed_m_per_frame, 0.0, 1.0)))
            .collect()
    }

    #[test]
    fn a_two_frame_jump_that_comes_back_is_found_and_nothing_else() {
        let mut t = ramp(60, 0.01);
        for f in [30, 31] {
            t[f] = t[f].map(|p| p + Vec3::new(0.0, 0.25, 0.0));
        }
        assert_eq!(spikes_of(&t, 3), vec![30, 31]);
    }

    #[test]
    fn fast_smooth_movement_and_a_reversal_are_not_spikes() {
        // 3 m/s at 30 Hz, then back: a fast arm swing with a sharp turn.
        let t: Vec<Option<Vec3>> = (0..60)
            .map(|f| {
                let x = 0.1 * (30.0 - (f as f64 - 30.0).abs());
                Some(Vec3::new(x, 0.0, 1.0))
            })
            .collect();
        assert!(spikes_of(&t, 3).is_empty());
        // A sine at 2 Hz with 40 cm amplitude, sampled at 30 Hz.
        let s: Vec<Option<Vec3>> = (0..90)
            .map(|f| {
                let y = 0.4 * (2.0 * std::f64::consts::PI * 2.0 * f as f64 / 30.0).sin();
                Some(Vec3::new(0.0, y, 1.0))
            })
            .collect();
        assert!(spikes_of(&s, 3).is_empty());
    }

    #[test]
    fn a_jump_that_stays_is_not_a_spike() {
        let t: Vec<Option<Vec3>> = (0..60)
            .map(|f| Some(Vec3::new(if f < 30 { 0.0 } else { 0.3 }, 0.0, 1.0)))
            .collect();
        assert!(spikes_of(&t, 3).is_empty());
    }

    #[test]
    fn noise_below_the_floor_is_not_a_spike_and_missing_samples_are_skipped() {
        let mut rng = crate::rng::SplitMix64::new(7);
        let mut t: Vec<Option<Vec3>> = (0..300)
            .map(|_| Some(Vec3::new(0.01 * rng.normal(), 0.01 * rng.normal(), 1.0)))
            .collect();
        t[100] = None;
        t[101] = None;
        assert!(spikes_of(&t, 3).is_empty());
        t[150] = Some(Vec3::new(0.0, 0.0, 1.3));
        assert_eq!(spikes_of(&t, 3), vec![150]);
    }

    #[test]
    fn any_window_width_and_track_length_is_judged_without_panicking() {
        let mut t = ramp(40, 0.01);
        t[20] = t[20].map(|p| p + Vec3::new(0.0, 0.3, 0.0));
        for k in [0, 1, 3, 39, 40, 1000, usize::MAX / 4] {
            let found = spikes_of(&t, k);
            assert!(found.iter().all(|&f| f < 40), "{k}: {found:?}");
        }
        assert_eq!(spikes_of(&t, 3), vec![20]);
        for n in 0..4 {
            assert!(spikes_of(&ramp(n, 0.01), 3).is_empty());
        }
        assert_eq!(half_window_frames(1e300), usize::MAX);
    }

    /// The Hampel identifier as the module states it, with no bound and no shortcut.
    fn plain_hampel(track: &[[f64; 3]], k: usize) -> Vec<usize> {
        let n = track.len();
        let k = k.clamp(1, n.max(1));
        let ok = |f: usize| track[f].iter().all(|x| x.is_finite());
        (0..n)
            .filter(|&f| {
                if !ok(f) {
                    return false;
                }
                let (lo, hi) = (f.saturating_sub(k), (f + k).min(n - 1));
                let before = (lo..f).filter(|&q| ok(q)).count();
                let after = (f + 1..hi + 1).filter(|&q| ok(q)).count();
                if before + after < k || before == 0 || after == 0 {
                    return false;
                }
                let window: Vec<[f64; 3]> =
                    (lo..hi + 1).filter(|&q| ok(q)).map(|q| track[q]).collect();
                let centre: Vec<f64> = (0..3)
                    .map(|c| sorted_median(&mut window.iter().map(|v| v[c]).collect::<Vec<_>>()))
                    .collect();
                let distance = |v: [f64; 3]| {
                    (0..3)
                        .map(|c| (v[c] - centre[c]).powi(2))
                        .sum::<f64>()
                        .sqrt()
                };
                let mut distances: Vec<f64> = window.iter().map(|&v| distance(v)).collect();
                let spread = MAD_TO_SD * sorted_median(&mut distances);
                let deviation = distance(track[f]);
                deviation > SPIKE_FLOOR_M && deviation > SPIKE_THRESHOLD * spread
            })
            .collect()
    }

    #[test]
    fn the_bounds_and_the_counting_find_what_the_plain_identifier_finds() {
        // Random walks at several speeds, with noise, spikes of 1-3 frames, gaps, plateaus
        // (ties) and windows of 2-10 frames per side: every shortcut must give the same frames.
        let mut rng = crate::rng::SplitMix64::new(11);
        let mut found_any = 0;
        for trial in 0..1000 {
            let n = 20 + (rng.next_u64() % 400) as usize;
            let k = 2 + (rng.next_u64() % 9) as usize;
            let speed = [0.001, 0.01, 0.03, 0.08][trial % 4];
            let noise = [0.0, 0.002, 0.01][trial % 3];
            let mut p = [0.0f64, 0.0, 1.0];
            let mut track: Vec<[f64; 3]> = (0..n)
                .map(|_| {
                    for x in p.iter_mut() {
                        *x += speed * rng.normal();
                    }
                    let noisy = p.map(|x| x + noise * rng.normal());
                    // Quantised now and then, so that windows hold equal values.
                    if trial % 3 == 0 {
                        noisy.map(|x| (x * 50.0).round() / 50.0)
                    } else {
                        noisy
                    }
                })
                .collect();
            for _ in 0..(rng.next_u64() % 6) {
                let at = (rng.next_u64() % n as u64) as usize;
                let len = 1 + (rng.next_u64() % 3) as usize;
                // Around the floor as well as far beyond it.
                let size = [0.03, 0.04, 0.1, 0.3][(rng.next_u64() % 4) as usize];
                let jump = [
                    size * rng.normal(),
                    size * rng.normal(),
                    size * rng.normal(),
                ];
                for v in track.iter_mut().skip(at).take(len) {
                    for c in 0..3 {
                        v[c] += jump[c];
                    }
                }
            }
            for _ in 0..(rng.next_u64() % 4) {
                let at = (rng.next_u64() % n as u64) as usize;
                let len = 1 + (rng.next_u64() % 5) as usize;
                for v in track.iter_mut().skip(at).take(len) {
                    *v = [f64::NAN; 3];
                }
            }
            let expected = plain_hampel(&track, k);
            found_any += usize::from(!expected.is_empty());
            assert_eq!(find_spikes(&track, k), expected, "trial {trial}, k {k}");
        }
        assert!(found_any > 300, "{found_any}");
    }

    #[test]
    fn the_window_follows_the_frame_rate() {
        assert_eq!(half_window_frames(30.0), 3);
        assert_eq!(half_window_frames(100.0), 10);
        assert_eq!(half_window_frames(10.0), 2);
        assert_eq!(half_window_frames(f64::NAN), 2);
    }
}
