//! Plateau detection: no change beyond the minimal detectable change over a configurable
//! number of reassessments prompts a clinician review (issue 4; MDC values of spec §1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::measures::change::fmt_num;
use crate::measures::{Instrument, MeasureScore, MeasureSettings};

/// Plateau settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlateauSettings {
    /// Number of reassessments (including the first of the window) whose scores must all lie
    /// within one MDC of each other: 3 (*Relearn default*; the spec gives no number).
    pub reassessments: usize,
    /// When an instrument has no MDC, use its MCID (as §1.2 says for the PSFS): on.
    pub use_mcid_without_mdc: bool,
}

impl Default for PlateauSettings {
    fn default() -> Self {
        Self {
            reassessments: 3,
            use_mcid_without_mdc: true,
        }
    }
}

/// A detected plateau.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plateau {
    /// The instrument.
    pub instrument: Instrument,
    /// The scores of the window, oldest first.
    pub window: Vec<(NaiveDate, f64)>,
    /// Largest minus smallest score in the window.
    pub spread: f64,
    /// The threshold used (MDC, or MCID when no MDC exists).
    pub threshold: f64,
    /// Plain-language rationale.
    pub rationale: String,
}

/// Look for a plateau in one instrument's reassessment series (oldest first). Returns `None`
/// when there are too few reassessments, when no threshold exists, or when the scores moved
/// by at least the threshold.
pub fn detect_plateau(
    series: &[(NaiveDate, MeasureScore)],
    measures: &MeasureSettings,
    settings: &PlateauSettings,
) -> Option<Plateau> {
    let n = settings.reassessments.max(2);
    if series.len() < n {
        return None;
    }
    let window = &series[series.len() - n..];
    let first = &window.first()?.1;
    let thresholds = measures.change_thresholds(first);
    let (threshold, name) = match (thresholds.mdc, thresholds.mcid) {
        (Some(mdc), _) => (mdc, "MDC"),
        (None, Some(mcid)) if settings.use_mcid_without_mdc => (mcid, "MCID (no MDC established)"),
        _ => return None,
    };
    let values: Vec<f64> = window.iter().map(|(_, s)| s.value).collect();
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    let spread = max - min;
    if spread >= threshold - 1e-9 {
        return None;
    }
    let listed: Vec<String> = window
        .iter()
        .map(|(d, s)| format!("{} on {d}", fmt_num(s.value)))
        .collect();
    Some(Plateau {
        instrument: first.instrument,
        window: window.iter().map(|(d, s)| (*d, s.value)).collect(),
        spread,
        threshold,
        rationale: format!(
            "{}: {} reassessments ({}) vary by {} < {name} {}: no detectable change, review the programme ({}; plateau window is a Relearn default)",
            first.instrument.short_name(),
            n,
            listed.join(", "),
            fmt_num(spread),
            fmt_num(threshold),
            thresholds.source
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::questionnaires::score_odi;
    use crate::measures::settings::OdiSettings;

    fn odi(date: u32, per_section: u8) -> (NaiveDate, MeasureScore) {
        let sections = vec![Some(per_section); 10];
        (
            NaiveDate::from_ymd_opt(2025, 1, date).unwrap_or_default(),
            score_odi(&sections, &OdiSettings::default()).unwrap(),
        )
    }

    #[test]
    fn three_odi_scores_within_ten_points_are_a_plateau() {
        // 40 %, 40 %, 40 %: spread 0 < MDC90 10.
        let series = vec![odi(1, 2), odi(8, 2), odi(15, 2)];
        let p = detect_plateau(
            &series,
            &MeasureSettings::default(),
            &PlateauSettings::default(),
        );
        assert!(p.is_some());
        assert_eq!(p.map(|p| p.threshold), Some(10.0));
    }

    #[test]
    fn change_beyond_the_mdc_is_not_a_plateau() {
        // 60 %, 40 %, 40 %: spread 20 ≥ 10.
        let series = vec![odi(1, 3), odi(8, 2), odi(15, 2)];
        assert!(detect_plateau(
            &series,
            &MeasureSettings::default(),
            &PlateauSettings::default()
        )
        .is_none());
        assert!(detect_plateau(
            &series[1..],
            &MeasureSettings::default(),
            &PlateauSettings::default()
        )
        .is_none());
    }
}
