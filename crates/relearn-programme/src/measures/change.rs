//! Change classification against the MCID and the MDC (spec §1 conventions; product notes:
//! a change smaller than the MDC is reported as "no detectable change").

use serde::{Deserialize, Serialize};

use super::Direction;

/// The change thresholds that apply to one comparison, with their source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeThresholds {
    /// Minimal clinically important difference, in score units (absolute criterion).
    pub mcid: Option<f64>,
    /// Relative MCID criterion in percent of the baseline (e.g. 30 % for NPRS, RMDQ, ODI);
    /// either criterion satisfies (spec §1.1 rule).
    pub mcid_percent: Option<f64>,
    /// Minimal detectable change, in score units.
    pub mdc: Option<f64>,
    /// Where the numbers come from (spec section and reference).
    pub source: String,
}

/// How a follow-up score compares with the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// Better by at least the MCID (and at least the MDC where one is known).
    ImportantImprovement,
    /// Better by at least the MDC but less than the MCID.
    DetectableImprovement,
    /// Change smaller than the MDC: "no detectable change".
    NoDetectableChange,
    /// No MDC is established and the change is smaller than the MCID.
    BelowImportantChange,
    /// Worse by at least the MDC but less than the MCID.
    DetectableWorsening,
    /// Worse by at least the MCID (and the MDC).
    ImportantWorsening,
    /// Neither MCID nor MDC is established for this instrument in the spec: the change is
    /// reported as a number only.
    NotEstablished,
}

impl ChangeClass {
    /// Plain-language label.
    pub fn label(self) -> &'static str {
        match self {
            ChangeClass::ImportantImprovement => "important improvement",
            ChangeClass::DetectableImprovement => "detectable improvement (below the MCID)",
            ChangeClass::NoDetectableChange => "no detectable change",
            ChangeClass::BelowImportantChange => "change below the MCID (no MDC established)",
            ChangeClass::DetectableWorsening => "detectable worsening (below the MCID)",
            ChangeClass::ImportantWorsening => "important worsening",
            ChangeClass::NotEstablished => "no MCID or MDC established",
        }
    }
}

/// The result of comparing two scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeAssessment {
    /// Raw change, current − baseline, in score units.
    pub change: f64,
    /// Change in the "better" direction (positive = improved).
    pub improvement: f64,
    /// The class.
    pub class: ChangeClass,
    /// Plain-language explanation with the thresholds used.
    pub rationale: String,
}

/// Classify `current` against `baseline`.
///
/// Order of tests: if an MDC is known and the absolute change is below it, the change is not
/// detectable. Otherwise the change is important when the absolute MCID **or** the relative
/// MCID (percent of baseline) is reached (spec §1.1 rule, also used for RMDQ and ODI), else
/// detectable.
pub fn classify_change(
    direction: Direction,
    baseline: f64,
    current: f64,
    thresholds: &ChangeThresholds,
) -> ChangeAssessment {
    let change = current - baseline;
    let improvement = match direction {
        Direction::HigherIsWorse => -change,
        Direction::HigherIsBetter => change,
    };
    let size = improvement.abs();
    let relative = if baseline.abs() > f64::EPSILON {
        Some(size / baseline.abs() * 100.0)
    } else {
        None
    };
    let important = thresholds.mcid.is_some_and(|m| size >= m - 1e-9)
        || matches!((thresholds.mcid_percent, relative), (Some(p), Some(r)) if r >= p - 1e-9);
    let improved = improvement > 0.0;
    let class = match (thresholds.mdc, thresholds.mcid.or(thresholds.mcid_percent)) {
        (None, None) => ChangeClass::NotEstablished,
        (Some(mdc), _) if size < mdc - 1e-9 => ChangeClass::NoDetectableChange,
        (mdc, _) => {
            if important && improved {
                ChangeClass::ImportantImprovement
            } else if important {
                ChangeClass::ImportantWorsening
            } else if mdc.is_none() {
                ChangeClass::BelowImportantChange
            } else if improved {
                ChangeClass::DetectableImprovement
            } else if size > 0.0 {
                ChangeClass::DetectableWorsening
            } else {
                ChangeClass::NoDetectableChange
            }
        }
    };
    let mut limits = Vec::new();
    if let Some(m) = thresholds.mcid {
        limits.push(format!("MCID {}", fmt_num(m)));
    }
    if let Some(p) = thresholds.mcid_percent {
        limits.push(format!("or {}% of baseline", fmt_num(p)));
    }
    if let Some(m) = thresholds.mdc {
        limits.push(format!("MDC {}", fmt_num(m)));
    }
    let limits = if limits.is_empty() {
        "no thresholds established".to_string()
    } else {
        limits.join(", ")
    };
    let rationale = format!(
        "{} → {} (change {}{}{}): {}; thresholds {} [{}]",
        fmt_num(baseline),
        fmt_num(current),
        if change >= 0.0 { "+" } else { "" },
        fmt_num(change),
        relative
            .map(|r| format!(", {}% of baseline", fmt_num(r)))
            .unwrap_or_default(),
        class.label(),
        limits,
        thresholds.source
    );
    ChangeAssessment {
        change,
        improvement,
        class,
        rationale,
    }
}

/// Format a number with at most 2 decimals and no trailing zeros (for rationales).
pub fn fmt_num(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nprs() -> ChangeThresholds {
        ChangeThresholds {
            mcid: Some(2.0),
            mcid_percent: Some(30.0),
            mdc: Some(2.0),
            source: "§1.1".into(),
        }
    }

    #[test]
    fn nprs_seven_to_four_is_an_important_improvement() {
        let c = classify_change(Direction::HigherIsWorse, 7.0, 4.0, &nprs());
        assert_eq!(c.class, ChangeClass::ImportantImprovement);
        assert_eq!(c.improvement, 3.0);
    }

    #[test]
    fn nprs_change_below_mdc_is_not_detectable_even_if_thirty_percent() {
        // 5 → 3.5 is 30 % but below the 2-point MDC.
        let c = classify_change(Direction::HigherIsWorse, 5.0, 3.5, &nprs());
        assert_eq!(c.class, ChangeClass::NoDetectableChange);
    }

    #[test]
    fn worsening_is_classified() {
        let c = classify_change(Direction::HigherIsWorse, 3.0, 6.0, &nprs());
        assert_eq!(c.class, ChangeClass::ImportantWorsening);
    }

    #[test]
    fn detectable_but_not_important() {
        let t = ChangeThresholds {
            mcid: Some(0.10),
            mcid_percent: None,
            mdc: Some(0.05),
            source: "§1.14".into(),
        };
        let c = classify_change(Direction::HigherIsBetter, 0.80, 0.87, &t);
        assert_eq!(c.class, ChangeClass::DetectableImprovement);
    }

    #[test]
    fn without_any_threshold_the_change_is_only_reported() {
        let t = ChangeThresholds {
            mcid: None,
            mcid_percent: None,
            mdc: None,
            source: "§1.11".into(),
        };
        let c = classify_change(Direction::HigherIsWorse, 14.0, 10.0, &t);
        assert_eq!(c.class, ChangeClass::NotEstablished);
        assert_eq!(c.change, -4.0);
    }

    #[test]
    fn numbers_are_formatted_compactly() {
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(7.734), "7.73");
        assert_eq!(fmt_num(-0.001), "0");
    }
}
