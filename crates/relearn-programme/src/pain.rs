//! Pain monitoring during exercise (spec §2): the traffic-light classification of §2.2 with
//! the selectable variants of §2.3, the week-to-week rule and the "two reds in a row" review.
//!
//! The model lets a person keep exercising while symptoms stay inside agreed limits
//! (Thomeé 1997 \[55\]; Silbernagel 2007 \[56\]). Pain is always compared with the person's own
//! pre-exercise level, never with zero.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::measures::change::fmt_num;
use crate::session::PainRatings;

/// Pain scale of the ratings (§2.3 `scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PainScale {
    /// Numeric Pain Rating Scale 0-10 (§1.1), **default**.
    #[default]
    Nprs,
    /// Visual analogue scale 0-100 mm, divided by 10 before classification.
    Vas,
}

impl PainScale {
    /// Convert a rating in this scale to the 0-10 scale of the rules.
    pub fn to_ten_point(self, value: f64) -> f64 {
        match self {
            PainScale::Nprs => value,
            PainScale::Vas => value / 10.0,
        }
    }

    /// Highest rating on this scale.
    pub fn max(self) -> f64 {
        match self {
            PainScale::Nprs => 10.0,
            PainScale::Vas => 100.0,
        }
    }
}

/// When pain must have settled after exercise (§2.3 `recovery_rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryRule {
    /// By the next morning (Silbernagel 2007 \[56\]), **default**.
    #[default]
    NextMorning,
    /// Back to the pre-exercise level within 24 h (GLA:D materials, Skou & Roos 2017 \[59\];
    /// wording *unverified*).
    #[serde(rename = "within_24h")]
    Within24h,
}

/// Pain-monitoring settings (§2.2, §2.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PainSettings {
    /// Maximum acceptable pain during exercise, 0-10: options 2, 3, 4, 5; default 5
    /// (Silbernagel 2007 \[56\]; 2 = upper end of Thomeé's safe zone \[55\]).
    pub ceiling: f64,
    /// Upper bound of the green zone, 0-10: options 0, 1, 2, 3; default 2 (Thomeé 1997 \[55\]).
    pub green_upper: f64,
    /// Recovery rule.
    pub recovery_rule: RecoveryRule,
    /// Week-to-week rule on/off; default on (Silbernagel 2007 \[56\]).
    pub weekly_rule: bool,
    /// Return-to-sport mode (Silbernagel & Crossley 2015 \[57\]): the same monitoring rules are
    /// applied to logged sport sessions as well as exercise sessions; default off.
    pub return_to_sport_mode: bool,
    /// Rating scale.
    pub scale: PainScale,
    /// A week "rises" when its mean next-morning pain exceeds the previous week's by at least
    /// this many points: 1 (*Relearn default*, below the 2-point MCID of §1.1).
    pub weekly_rise_points: f64,
    /// Consecutive rising weeks that make the light red: 2 (*Relearn default*, §2.2); a single
    /// rising week caps the light at amber.
    pub rising_weeks_for_red: u32,
    /// Red sessions in a row that trigger a clinician review: 2 (§2.2).
    pub reds_in_a_row_for_review: u32,
}

impl Default for PainSettings {
    fn default() -> Self {
        Self {
            ceiling: 5.0,
            green_upper: 2.0,
            recovery_rule: RecoveryRule::NextMorning,
            weekly_rule: true,
            return_to_sport_mode: false,
            scale: PainScale::Nprs,
            weekly_rise_points: 1.0,
            rising_weeks_for_red: 2,
            reds_in_a_row_for_review: 2,
        }
    }
}

impl PainSettings {
    /// Check the options against the §2.3 table.
    pub fn validate(&self) -> Result<()> {
        if ![2.0, 3.0, 4.0, 5.0].contains(&self.ceiling) {
            return Err(Error::InvalidSetting {
                name: "pain.ceiling".into(),
                message: format!("{} is not one of 2, 3, 4, 5 (§2.3)", self.ceiling),
            });
        }
        if ![0.0, 1.0, 2.0, 3.0].contains(&self.green_upper) {
            return Err(Error::InvalidSetting {
                name: "pain.green_upper".into(),
                message: format!("{} is not one of 0, 1, 2, 3 (§2.3)", self.green_upper),
            });
        }
        if self.green_upper >= self.ceiling {
            return Err(Error::InvalidSetting {
                name: "pain.green_upper".into(),
                message: format!(
                    "{} must be below the ceiling {} (§2.2)",
                    self.green_upper, self.ceiling
                ),
            });
        }
        if self.rising_weeks_for_red == 0 || self.reds_in_a_row_for_review == 0 {
            return Err(Error::InvalidSetting {
                name: "pain.rising_weeks_for_red / reds_in_a_row_for_review".into(),
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

/// The traffic light of §2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrafficLight {
    /// Progress allowed if the performance rules of §4.5 are met.
    Green,
    /// Hold: same level and dose.
    Amber,
    /// Regress; two in a row → clinician review.
    Red,
}

impl TrafficLight {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            TrafficLight::Green => "green",
            TrafficLight::Amber => "amber",
            TrafficLight::Red => "red",
        }
    }
}

/// The week-to-week trend of next-morning pain at the time of a session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct WeeklyTrend {
    /// Number of consecutive completed weeks, ending with the last completed one, whose mean
    /// next-morning pain rose by at least the rise step over the week before.
    pub rising_weeks: u32,
    /// Change of the last completed week's mean over the week before, points 0-10.
    pub last_change: Option<f64>,
}

/// The classified pain response of one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PainResponse {
    /// The light.
    pub light: TrafficLight,
    /// True when the recovery rating (next morning or 24 h) is absent and the light could
    /// still turn red (§2.2).
    pub provisional: bool,
    /// The rule clauses that decided the light, with the numbers.
    pub reasons: Vec<String>,
}

/// Classify one session (§2.2 with the §2.3 settings). `trend` is the week-to-week trend at
/// the session date (see [`weekly_trend`]).
pub fn classify_pain(
    ratings: &PainRatings,
    trend: WeeklyTrend,
    settings: &PainSettings,
) -> Result<PainResponse> {
    let scale = settings.scale;
    let check = |name: &str, v: f64| -> Result<f64> {
        if v.is_finite() && (0.0..=scale.max()).contains(&v) {
            Ok(scale.to_ten_point(v))
        } else {
            Err(Error::InvalidSetting {
                name: format!("pain.{name}"),
                message: format!("{v} is outside 0-{} of the {:?} scale", scale.max(), scale),
            })
        }
    };
    let pre = check("pre", ratings.pre)?;
    let during = check("during", ratings.during)?;
    let recovery_raw = match settings.recovery_rule {
        RecoveryRule::NextMorning => ratings.next_morning,
        RecoveryRule::Within24h => ratings.within_24h.or(ratings.next_morning),
    };
    let recovery = recovery_raw.map(|v| check("recovery", v)).transpose()?;
    let recovery_name = match settings.recovery_rule {
        RecoveryRule::NextMorning => "next-morning",
        RecoveryRule::Within24h => "24-hour",
    };
    let mut reasons = Vec::new();
    let mut light = TrafficLight::Green;
    if during > settings.ceiling {
        light = TrafficLight::Red;
        reasons.push(format!(
            "pain during {} > ceiling {} (§2.2, Silbernagel 2007 [56])",
            fmt_num(during),
            fmt_num(settings.ceiling)
        ));
    } else if during > settings.green_upper {
        light = TrafficLight::Amber;
        reasons.push(format!(
            "pain during {} is above {} and within the ceiling {} (§2.2)",
            fmt_num(during),
            fmt_num(settings.green_upper),
            fmt_num(settings.ceiling)
        ));
    } else {
        reasons.push(format!(
            "pain during {} ≤ {} (§2.2, Thomeé 1997 [55])",
            fmt_num(during),
            fmt_num(settings.green_upper)
        ));
    }
    match recovery {
        Some(r) if r > pre + 1e-9 => {
            light = TrafficLight::Red;
            reasons.push(format!(
                "{recovery_name} pain {} > pre-exercise {}: not settled (§2.2)",
                fmt_num(r),
                fmt_num(pre)
            ));
        }
        Some(r) => reasons.push(format!(
            "{recovery_name} pain {} ≤ pre-exercise {}: settled (§2.2)",
            fmt_num(r),
            fmt_num(pre)
        )),
        None => reasons.push(format!(
            "{recovery_name} pain not reported yet: provisional (§2.2)"
        )),
    }
    if settings.weekly_rule && trend.rising_weeks > 0 {
        let change = trend.last_change.map(fmt_num).unwrap_or_default();
        if trend.rising_weeks >= settings.rising_weeks_for_red {
            light = TrafficLight::Red;
            reasons.push(format!(
                "weekly next-morning pain rose {} weeks in a row (last +{change}; ≥ {} point step; §2.2 Relearn default)",
                trend.rising_weeks,
                fmt_num(settings.weekly_rise_points)
            ));
        } else if light == TrafficLight::Green {
            light = TrafficLight::Amber;
            reasons.push(format!(
                "weekly next-morning pain rose by {change} (≥ {} point): hold until the trend settles (§2.2)",
                fmt_num(settings.weekly_rise_points)
            ));
        }
    }
    let provisional = recovery.is_none() && light != TrafficLight::Red;
    Ok(PainResponse {
        light,
        provisional,
        reasons,
    })
}

/// The week-to-week trend at `today`: weeks are 7-day blocks counted from `start`; only
/// completed weeks (before the week containing `today`) are compared, each by its mean
/// next-morning pain on the 0-10 scale. A week with no rating breaks the run.
pub fn weekly_trend(
    morning_pain: &[(NaiveDate, f64)],
    start: NaiveDate,
    today: NaiveDate,
    settings: &PainSettings,
) -> WeeklyTrend {
    let week_of = |d: NaiveDate| (d - start).num_days().div_euclid(7);
    let current = week_of(today);
    let mean = |w: i64| -> Option<f64> {
        let values: Vec<f64> = morning_pain
            .iter()
            .filter(|(d, _)| week_of(*d) == w)
            .map(|(_, v)| settings.scale.to_ten_point(*v))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let mut rising = 0;
    let mut last_change = None;
    let mut w = current - 1;
    while w >= 1 {
        match (mean(w), mean(w - 1)) {
            (Some(a), Some(b)) => {
                if last_change.is_none() {
                    last_change = Some(a - b);
                }
                if a - b >= settings.weekly_rise_points - 1e-9 {
                    rising += 1;
                    w -= 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    WeeklyTrend {
        rising_weeks: rising,
        last_change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratings(pre: f64, during: f64, next: Option<f64>) -> PainRatings {
        PainRatings {
            pre,
            during,
            after: None,
            next_morning: next,
            within_24h: None,
        }
    }

    fn classify(r: PainRatings) -> PainResponse {
        classify_pain(&r, WeeklyTrend::default(), &PainSettings::default()).unwrap()
    }

    #[test]
    fn green_amber_red_with_defaults() {
        assert_eq!(
            classify(ratings(2.0, 2.0, Some(2.0))).light,
            TrafficLight::Green
        );
        assert_eq!(
            classify(ratings(2.0, 4.0, Some(2.0))).light,
            TrafficLight::Amber
        );
        assert_eq!(
            classify(ratings(2.0, 6.0, Some(2.0))).light,
            TrafficLight::Red
        );
        // Not settled by the next morning.
        assert_eq!(
            classify(ratings(2.0, 2.0, Some(3.0))).light,
            TrafficLight::Red
        );
    }

    #[test]
    fn missing_next_morning_is_provisional() {
        let p = classify(ratings(1.0, 1.0, None));
        assert_eq!(p.light, TrafficLight::Green);
        assert!(p.provisional);
        let red = classify(ratings(1.0, 7.0, None));
        assert!(!red.provisional);
    }

    #[test]
    fn ceiling_and_green_upper_variants() {
        let s = PainSettings {
            ceiling: 2.0,
            green_upper: 0.0,
            ..PainSettings::default()
        };
        let p = classify_pain(&ratings(1.0, 3.0, Some(1.0)), WeeklyTrend::default(), &s).unwrap();
        assert_eq!(p.light, TrafficLight::Red);
        let p = classify_pain(&ratings(1.0, 1.0, Some(1.0)), WeeklyTrend::default(), &s).unwrap();
        assert_eq!(p.light, TrafficLight::Amber);
        assert!(PainSettings {
            ceiling: 6.0,
            ..PainSettings::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn vas_is_divided_by_ten() {
        let s = PainSettings {
            scale: PainScale::Vas,
            ..PainSettings::default()
        };
        let p =
            classify_pain(&ratings(20.0, 45.0, Some(20.0)), WeeklyTrend::default(), &s).unwrap();
        assert_eq!(p.light, TrafficLight::Amber);
        assert!(classify_pain(&ratings(20.0, 145.0, None), WeeklyTrend::default(), &s).is_err());
    }

    #[test]
    fn within_24h_rule_uses_the_24h_rating() {
        let s = PainSettings {
            recovery_rule: RecoveryRule::Within24h,
            ..PainSettings::default()
        };
        let mut r = ratings(2.0, 2.0, Some(3.0));
        r.within_24h = Some(2.0);
        assert_eq!(
            classify_pain(&r, WeeklyTrend::default(), &s).unwrap().light,
            TrafficLight::Green
        );
        assert_eq!(classify(r).light, TrafficLight::Red);
    }

    #[test]
    fn weekly_rule_one_rising_week_holds_two_regress() {
        let d = |day: u32| NaiveDate::from_ymd_opt(2025, 1, day).unwrap();
        let start = d(1);
        let s = PainSettings::default();
        // Week 0 mean 1, week 1 mean 2, week 2 mean 3.
        let morning = vec![(d(2), 1.0), (d(9), 2.0), (d(16), 3.0)];
        let t = weekly_trend(&morning, start, d(23), &s);
        assert_eq!(t.rising_weeks, 2);
        let p = classify_pain(&ratings(3.0, 1.0, Some(3.0)), t, &s).unwrap();
        assert_eq!(p.light, TrafficLight::Red);
        let t1 = weekly_trend(&morning, start, d(16), &s);
        assert_eq!(t1.rising_weeks, 1);
        let p = classify_pain(&ratings(3.0, 1.0, Some(3.0)), t1, &s).unwrap();
        assert_eq!(p.light, TrafficLight::Amber);
        let off = PainSettings {
            weekly_rule: false,
            ..PainSettings::default()
        };
        assert_eq!(
            classify_pain(&ratings(3.0, 1.0, Some(3.0)), t, &off)
                .unwrap()
                .light,
            TrafficLight::Green
        );
    }
}
