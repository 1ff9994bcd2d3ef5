//! The flare-up plan (spec §7.3, *Relearn default* built on §2): detection, reduced dose for
//! a few days, one-step-per-green-session rebuild, and escalation when it does not resolve or
//! recurs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::measures::change::fmt_num;

/// Flare-up settings (§7.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlareUpSettings {
    /// Red sessions in a row that make a flare-up: 2 (§7.3 step 1).
    pub consecutive_reds: u32,
    /// NPRS rise above the recent baseline that counts: 2 points (§7.3 step 1).
    pub nprs_rise_points: f64,
    /// The rise must last more than this many days: 2 (§7.3 step 1); counted in calendar
    /// days from the first raised check-in, inclusive.
    pub rise_more_than_days: i64,
    /// The recent baseline is the mean check-in NPRS over this many days before the rise: 7
    /// (*Relearn default*; the spec does not define "recent").
    pub baseline_window_days: i64,
    /// Reduced dose lasts this many days: 3 (§7.3 step 3).
    pub reduced_days: i64,
    /// Volume factor when no level can be dropped: 0.5 (§7.3 step 3).
    pub volume_reduction_factor: f64,
    /// Clinician review if not back to the previous level within this many days: 14 (§7.3
    /// step 5).
    pub recovery_deadline_days: i64,
    /// Clinician review if flare-ups recur more than this many times...: 2 (§7.3 step 5).
    pub recurrence_limit: usize,
    /// ... within this many days: 90 (3 months, §7.3 step 5).
    pub recurrence_window_days: i64,
}

impl Default for FlareUpSettings {
    fn default() -> Self {
        Self {
            consecutive_reds: 2,
            nprs_rise_points: 2.0,
            rise_more_than_days: 2,
            baseline_window_days: 7,
            reduced_days: 3,
            volume_reduction_factor: 0.5,
            recovery_deadline_days: 14,
            recurrence_limit: 2,
            recurrence_window_days: 90,
        }
    }
}

/// A sustained pain rise found in daily check-ins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PainRise {
    /// Recent baseline, mean NPRS before the rise.
    pub baseline: f64,
    /// First raised check-in.
    pub since: NaiveDate,
    /// Calendar days raised, inclusive.
    pub days: i64,
    /// Latest NPRS.
    pub latest: f64,
}

impl PainRise {
    /// Plain-language rationale.
    pub fn rationale(&self, settings: &FlareUpSettings) -> String {
        format!(
            "NPRS {} ≥ recent baseline {} + {} for {} days since {} (> {} days): flare-up (§7.3 step 1)",
            fmt_num(self.latest),
            fmt_num(self.baseline),
            fmt_num(settings.nprs_rise_points),
            self.days,
            self.since,
            settings.rise_more_than_days
        )
    }
}

/// Look for a sustained rise in daily NPRS check-ins (sorted by date, latest last): the
/// longest run of check-ins ending with the latest, all at least `nprs_rise_points` above
/// the mean of the check-ins in the `baseline_window_days` before the run, lasting more than
/// `rise_more_than_days` calendar days.
pub fn find_pain_rise(
    checkins: &[(NaiveDate, f64)],
    settings: &FlareUpSettings,
) -> Option<PainRise> {
    let (latest_date, latest) = *checkins.last()?;
    // The earliest start whose whole run up to the latest check-in is raised above the mean
    // of the window before it: the longest current rise.
    let best = (0..checkins.len()).find_map(|k| {
        let start = checkins[k].0;
        let window_from = start - chrono::Duration::days(settings.baseline_window_days);
        let before: Vec<f64> = checkins
            .iter()
            .filter(|(d, _)| *d >= window_from && *d < start)
            .map(|(_, v)| *v)
            .collect();
        if before.is_empty() {
            return None;
        }
        let baseline = before.iter().sum::<f64>() / before.len() as f64;
        checkins[k..]
            .iter()
            .all(|(_, v)| *v >= baseline + settings.nprs_rise_points - 1e-9)
            .then(|| PainRise {
                baseline,
                since: start,
                days: (latest_date - start).num_days() + 1,
                latest,
            })
    });
    best.filter(|r| r.days > settings.rise_more_than_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, day).unwrap_or_default()
    }

    #[test]
    fn three_raised_days_make_a_flare_up_two_do_not() {
        let s = FlareUpSettings::default();
        let mut c = vec![
            (d(1), 2.0),
            (d(2), 2.0),
            (d(3), 3.0),
            (d(4), 5.0),
            (d(5), 5.0),
        ];
        assert!(find_pain_rise(&c, &s).is_none());
        c.push((d(6), 5.0));
        let rise = find_pain_rise(&c, &s);
        assert_eq!(rise.as_ref().map(|r| r.since), Some(d(4)));
        assert_eq!(rise.as_ref().map(|r| r.days), Some(3));
        assert!((rise.map(|r| r.baseline).unwrap_or(0.0) - 7.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn a_small_rise_is_not_a_flare_up() {
        let s = FlareUpSettings::default();
        let c = vec![
            (d(1), 2.0),
            (d(2), 3.0),
            (d(3), 3.5),
            (d(4), 3.5),
            (d(5), 3.5),
        ];
        assert!(find_pain_rise(&c, &s).is_none());
    }
}
