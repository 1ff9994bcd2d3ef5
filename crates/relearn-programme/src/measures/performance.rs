//! Performance tests (spec §1.10-§1.16): norms, cut-offs and fall-risk flags. Each function
//! returns the measured value with interpretation lines naming their source; a value outside
//! the tables' age range gets a line saying no norm applies rather than a guess.

use super::change::fmt_num;
use super::settings::{
    BergSettings, ChairStandMaleNorms, ChairStandSettings, FunctionalReachSettings,
    SingleLegStanceSettings, SitToStandSettings, TugSettings,
};
use super::{Eyes, Instrument, MeasureScore, PersonFacts};
use crate::error::{Error, Result};
use crate::patient::Sex;

fn check_positive(instrument: &'static str, what: &str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidMeasurement {
            instrument,
            reason: format!("{what} {value} must be a positive number"),
        })
    }
}

/// 5xSTS: age band (lowest, highest age) and the time above which performance is worse than
/// average, s (Bohannon 2006 meta-analysis \[30\]).
pub const FIVE_STS_AGE_NORMS: [(u32, u32, f64); 3] =
    [(60, 69, 11.4), (70, 79, 12.6), (80, 89, 14.8)];

/// 5xSTS upper limit of normal in healthy adults (mean age 39), s (Klukowska 2021 \[35\]);
/// applied below age 60, where \[30\] has no band.
pub const FIVE_STS_HEALTHY_ADULT_ULN_S: f64 = 12.39;

/// 5xSTS severity bands in lumbar degenerative disease, upper bound of each band, s
/// (Klukowska 2020 \[34\]): none ≤ 10.4, mild ≤ 15.2, moderate ≤ 22.0, severe above.
pub const FIVE_STS_LUMBAR_BANDS: [(f64, &str); 3] =
    [(10.4, "none"), (15.2, "mild"), (22.0, "moderate")];

/// Five Times Sit-to-Stand (§1.10). Lower = better.
pub fn score_five_times_sit_to_stand(
    seconds: f64,
    person: &PersonFacts,
    settings: &SitToStandSettings,
) -> Result<MeasureScore> {
    check_positive("5xSTS", "time", seconds)?;
    let mut s = MeasureScore::new(Instrument::FiveTimesSitToStand, seconds, "s");
    let age = person.age_years;
    match FIVE_STS_AGE_NORMS
        .iter()
        .find(|(lo, hi, _)| age >= *lo && age <= *hi)
    {
        Some((lo, hi, limit)) => s.interpretation.push(format!(
            "{} average for age {lo}-{hi} (limit {} s; Bohannon 2006 [30])",
            if seconds > *limit {
                "worse than"
            } else {
                "within"
            },
            fmt_num(*limit)
        )),
        None if age < 60 => s.interpretation.push(format!(
            "{} the healthy-adult upper limit of normal {} s (Klukowska 2021 [35])",
            if seconds > FIVE_STS_HEALTHY_ADULT_ULN_S {
                "above"
            } else {
                "within"
            },
            fmt_num(FIVE_STS_HEALTHY_ADULT_ULN_S)
        )),
        None => s
            .interpretation
            .push(format!("no age norm for age {age} in §1.10")),
    }
    if seconds > settings.recurrent_falls_above {
        s.interpretation.push(format!(
            "> {} s: recurrent-falls risk (Buatois 2008 [32])",
            fmt_num(settings.recurrent_falls_above)
        ));
    } else if seconds >= settings.fall_risk_at {
        s.interpretation.push(format!(
            "≥ {} s: fall risk (Tiedemann 2008 [31])",
            fmt_num(settings.fall_risk_at)
        ));
    }
    let band = FIVE_STS_LUMBAR_BANDS
        .iter()
        .find(|(upper, _)| seconds <= *upper)
        .map(|(_, b)| *b)
        .unwrap_or("severe");
    s.interpretation.push(format!(
        "lumbar degenerative disease: {band} impairment (Klukowska 2020 [34]); {} the upper limit of normal {} s (Staartjes & Schröder 2018 [33])",
        if seconds > settings.lumbar_upper_limit_s { "above" } else { "within" },
        fmt_num(settings.lumbar_upper_limit_s)
    ));
    Ok(s)
}

/// TUG age norms: (lowest age, highest age, mean s, upper 95 % CI s) (Bohannon 2006 \[36\]).
pub const TUG_AGE_NORMS: [(u32, u32, f64, f64); 3] = [
    (60, 69, 8.1, 9.0),
    (70, 79, 9.2, 10.2),
    (80, 99, 11.3, 12.7),
];

/// Timed Up and Go (§1.11). Lower = better; above the upper CI of the age band = worse than
/// average \[36\].
pub fn score_timed_up_and_go(
    seconds: f64,
    person: &PersonFacts,
    settings: &TugSettings,
) -> Result<MeasureScore> {
    check_positive("TUG", "time", seconds)?;
    let mut s = MeasureScore::new(Instrument::TimedUpAndGo, seconds, "s");
    let age = person.age_years;
    match TUG_AGE_NORMS
        .iter()
        .find(|(lo, hi, _, _)| age >= *lo && age <= *hi)
    {
        Some((lo, hi, mean, upper)) => s.interpretation.push(format!(
            "{} average for age {lo}-{hi} (mean {} s, upper CI {} s; Bohannon 2006 [36])",
            if seconds > *upper {
                "worse than"
            } else {
                "within"
            },
            fmt_num(*mean),
            fmt_num(*upper)
        )),
        None => s
            .interpretation
            .push(format!("no age norm for age {age} in §1.11")),
    }
    let flag = if seconds >= settings.dependent_at {
        format!(
            "≥ {} s: dependent in most mobility tasks (Podsiadlo 1991 [37], wording unverified)",
            fmt_num(settings.dependent_at)
        )
    } else if seconds >= settings.high_fall_risk_at {
        format!(
            "≥ {} s: high risk of falls (Shumway-Cook 2000 [38])",
            fmt_num(settings.high_fall_risk_at)
        )
    } else if seconds >= settings.fall_risk_screen_at {
        format!(
            "≥ {} s: at risk of falling (CDC STEADI screen [39])",
            fmt_num(settings.fall_risk_screen_at)
        )
    } else if seconds < settings.freely_mobile_below {
        format!(
            "< {} s: freely mobile (Podsiadlo 1991 [37], wording unverified)",
            fmt_num(settings.freely_mobile_below)
        )
    } else {
        "below the fall-risk screen".to_string()
    };
    s.interpretation.push(flag);
    Ok(s)
}

/// One age band of the 30 s chair-stand norms: normal range = 25th-75th centile, in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChairStandNorm {
    /// Lowest age of the band, years.
    pub age_from: u32,
    /// Highest age of the band, years.
    pub age_to: u32,
    /// Women (low, high).
    pub women: (u32, u32),
    /// Men, Rikli & Jones 1999 (low, high) (**default**).
    pub men_1999: (u32, u32),
    /// Men, 2013 manual (low, high) (*unverified*).
    pub men_2013: (u32, u32),
}

const fn norm(
    age_from: u32,
    age_to: u32,
    women: (u32, u32),
    men_1999: (u32, u32),
    men_2013: (u32, u32),
) -> ChairStandNorm {
    ChairStandNorm {
        age_from,
        age_to,
        women,
        men_1999,
        men_2013,
    }
}

/// 30 s chair stand normal ranges, 7183 community-dwelling adults aged 60-94 (Rikli & Jones
/// 1999 \[41\]; §1.12 table).
pub const CHAIR_STAND_NORMS: [ChairStandNorm; 7] = [
    norm(60, 64, (12, 17), (14, 19), (14, 19)),
    norm(65, 69, (11, 16), (12, 18), (13, 18)),
    norm(70, 74, (10, 15), (12, 17), (12, 17)),
    norm(75, 79, (10, 15), (11, 17), (11, 17)),
    norm(80, 84, (9, 14), (10, 15), (10, 15)),
    norm(85, 89, (8, 13), (8, 14), (8, 13)),
    norm(90, 94, (4, 11), (7, 12), (7, 12)),
];

/// 30-second chair stand (§1.12). Higher = better; below the lower bound of the age and sex
/// range = below average (Rikli & Jones 1999 \[41\]; CDC STEADI \[39\]).
pub fn score_chair_stand(
    stands: u32,
    person: &PersonFacts,
    settings: &ChairStandSettings,
) -> Result<MeasureScore> {
    let mut s = MeasureScore::new(
        Instrument::ThirtySecondChairStand,
        f64::from(stands),
        "stands",
    );
    let age = person.age_years;
    let row = CHAIR_STAND_NORMS
        .iter()
        .find(|n| age >= n.age_from && age <= n.age_to);
    match (row, person.sex) {
        (Some(n), sex @ (Sex::Female | Sex::Male)) => {
            let (lo, hi) = (n.age_from, n.age_to);
            let (low, high) = match (sex, settings.male_norms) {
                (Sex::Female, _) => n.women,
                (_, ChairStandMaleNorms::Rikli1999) => n.men_1999,
                (_, ChairStandMaleNorms::Manual2013) => n.men_2013,
            };
            let verdict = if stands < low {
                "below average"
            } else if stands > high {
                "above average"
            } else {
                "within the normal range"
            };
            s.interpretation.push(format!(
                "{verdict} for {} aged {lo}-{hi} (normal {low}-{high}; Rikli & Jones 1999 [41])",
                if sex == Sex::Female { "women" } else { "men" }
            ));
        }
        (Some(_), _) => s
            .interpretation
            .push("norms are sex-specific; sex not recorded (§1.12)".into()),
        (None, _) => s
            .interpretation
            .push(format!("no norm for age {age}: tables cover 60-94 (§1.12)")),
    }
    if stands < settings.low_function_below {
        s.interpretation.push(format!(
            "< {} stands: associated with lower functional ability (Rikli & Jones 1999 [41])",
            settings.low_function_below
        ));
    }
    Ok(s)
}

/// Single-leg stance means, best of 3, s: (lowest age, highest age, eyes open, eyes closed)
/// (Springer 2007 \[42\]; values *unverified*).
pub const SLS_AGE_NORMS: [(u32, u32, f64, f64); 6] = [
    (18, 39, 43.5, 9.4),
    (40, 49, 40.4, 7.3),
    (50, 59, 36.0, 4.8),
    (60, 69, 26.9, 2.8),
    (70, 79, 15.0, 2.0),
    (80, 99, 6.2, 1.3),
];

/// Single-leg stance (§1.13): best of up to 3 trials, each capped at 45 s (Springer 2007
/// \[42\]); eyes-open stance below 5 s flags injurious-fall risk (Vellas 1997 \[43\]).
pub fn score_single_leg_stance(
    trials_s: &[f64],
    eyes: Eyes,
    person: &PersonFacts,
    settings: &SingleLegStanceSettings,
) -> Result<MeasureScore> {
    if trials_s.is_empty() || trials_s.len() > 3 {
        return Err(Error::WrongItemCount {
            instrument: "SLS",
            expected: 3,
            found: trials_s.len(),
        });
    }
    for t in trials_s {
        if !(t.is_finite() && *t >= 0.0) {
            return Err(Error::InvalidMeasurement {
                instrument: "SLS",
                reason: format!("trial time {t} must be zero or positive"),
            });
        }
    }
    let best = trials_s
        .iter()
        .map(|t| t.min(settings.max_trial_s))
        .fold(0.0, f64::max);
    let mut s = MeasureScore::new(Instrument::SingleLegStance, best, "s (best of trials)");
    let age = person.age_years;
    if let Some((lo, hi, open, closed)) = SLS_AGE_NORMS
        .iter()
        .find(|(lo, hi, ..)| age >= *lo && age <= *hi)
    {
        let mean = if eyes == Eyes::Open { open } else { closed };
        s.interpretation.push(format!(
            "{} the mean for age {lo}-{hi}, eyes {} ({} s; Springer 2007 [42], unverified)",
            if best < *mean { "below" } else { "at or above" },
            if eyes == Eyes::Open { "open" } else { "closed" },
            fmt_num(*mean)
        ));
    } else {
        s.interpretation
            .push(format!("no norm for age {age} in §1.13"));
    }
    if eyes == Eyes::Open && best < settings.fall_risk_below_s {
        s.interpretation.push(format!(
            "< {} s eyes open: injurious-fall risk (Vellas 1997 [43])",
            fmt_num(settings.fall_risk_below_s)
        ));
    }
    Ok(s)
}

/// Gait speed bands (§1.14): household < 0.4, limited community 0.4-0.8, community > 0.8 m/s
/// (Perry 1995 \[44\]; Fritz & Lusardi 2009 \[45\]).
pub const GAIT_SPEED_AMBULATION_BANDS_M_S: (f64, f64) = (0.4, 0.8);
/// Gait speed below which older adults are at increased risk of adverse outcomes, m/s \[45\].
pub const GAIT_SPEED_ADVERSE_RISK_BELOW_M_S: f64 = 0.6;
/// Gait speed associated with better survival, m/s (Studenski 2011 \[47\]).
pub const GAIT_SPEED_BETTER_SURVIVAL_AT_M_S: f64 = 1.0;

/// Comfortable gait speed (§1.14). Higher = better.
pub fn score_gait_speed(speed_m_s: f64) -> Result<MeasureScore> {
    check_positive("Gait speed", "speed", speed_m_s)?;
    let mut s = MeasureScore::new(Instrument::GaitSpeed, speed_m_s, "m/s");
    let (household, community) = GAIT_SPEED_AMBULATION_BANDS_M_S;
    let band = if speed_m_s < household {
        "household ambulator"
    } else if speed_m_s <= community {
        "limited community ambulator"
    } else {
        "community ambulator"
    };
    s.interpretation.push(format!(
        "{band} (Perry 1995 [44]; Fritz & Lusardi 2009 [45])"
    ));
    if speed_m_s < GAIT_SPEED_ADVERSE_RISK_BELOW_M_S {
        s.interpretation
            .push("< 0.6 m/s: increased risk of adverse outcomes in older adults [45]".into());
    }
    if speed_m_s >= GAIT_SPEED_BETTER_SURVIVAL_AT_M_S {
        s.interpretation
            .push("≥ 1.0 m/s: associated with better survival (Studenski 2011 [47])".into());
    }
    Ok(s)
}

/// Gait speed from a timed distance (m over s).
pub fn gait_speed_from_walk(distance_m: f64, seconds: f64) -> Result<f64> {
    check_positive("Gait speed", "distance", distance_m)?;
    check_positive("Gait speed", "time", seconds)?;
    Ok(distance_m / seconds)
}

/// Berg Balance Scale (§1.15): 14 tasks 0-4, sum 0-56; not scored if any task is missing.
/// Fall risk below 45 (Berg 1992 \[49\]); bands 0-20, 21-40, 41-56 (*unverified*).
pub fn score_berg(items: &[Option<u8>], settings: &BergSettings) -> Result<MeasureScore> {
    if items.len() != 14 {
        return Err(Error::WrongItemCount {
            instrument: "Berg",
            expected: 14,
            found: items.len(),
        });
    }
    let mut sum = 0u32;
    for (i, item) in items.iter().enumerate() {
        match item {
            None => {
                return Err(Error::NotScorable {
                    instrument: "Berg",
                    reason: format!("task {} missing: re-test (§1.15)", i + 1),
                })
            }
            Some(v) if *v > 4 => {
                return Err(Error::AnswerOutOfRange {
                    instrument: "Berg",
                    item: i + 1,
                    value: f64::from(*v),
                    min: 0.0,
                    max: 4.0,
                })
            }
            Some(v) => sum += u32::from(*v),
        }
    }
    let value = f64::from(sum);
    let mut s = MeasureScore::new(Instrument::Berg, value, "points (0-56)");
    let band = match sum {
        0..=20 => "wheelchair-bound",
        21..=40 => "walking with assistance",
        _ => "independent",
    };
    s.interpretation
        .push(format!("{band} (Berg 1989 [49] bands, unverified)"));
    if value < settings.fall_risk_below {
        s.interpretation.push(format!(
            "< {}: fall risk (Berg 1992 [49])",
            fmt_num(settings.fall_risk_below)
        ));
    }
    Ok(s)
}

/// Functional Reach means, cm: (lowest age, highest age, men, women) (Duncan 1990 \[53\]).
pub const FRT_AGE_NORMS: [(u32, u32, f64, f64); 3] = [
    (20, 40, 42.5, 37.1),
    (41, 69, 37.8, 35.1),
    (70, 87, 33.5, 26.7),
];

/// Functional Reach Test (§1.16). ≤ 15.2 cm high fall risk, 15.3-25.4 cm moderate
/// (Duncan 1992 \[54\]).
pub fn score_functional_reach(
    reach_cm: f64,
    person: &PersonFacts,
    settings: &FunctionalReachSettings,
) -> Result<MeasureScore> {
    if !(reach_cm.is_finite() && reach_cm >= 0.0) {
        return Err(Error::InvalidMeasurement {
            instrument: "FRT",
            reason: format!("reach {reach_cm} cm must be zero or positive"),
        });
    }
    let mut s = MeasureScore::new(Instrument::FunctionalReach, reach_cm, "cm");
    let age = person.age_years;
    let row = FRT_AGE_NORMS
        .iter()
        .find(|(lo, hi, ..)| age >= *lo && age <= *hi);
    match (row, person.sex) {
        (Some((lo, hi, men, women)), sex @ (Sex::Female | Sex::Male)) => {
            let mean = if sex == Sex::Female { women } else { men };
            s.interpretation.push(format!(
                "{} the mean for {} aged {lo}-{hi} ({} cm; Duncan 1990 [53])",
                if reach_cm < *mean {
                    "below"
                } else {
                    "at or above"
                },
                if sex == Sex::Female { "women" } else { "men" },
                fmt_num(*mean)
            ));
        }
        (Some(_), _) => s
            .interpretation
            .push("norms are sex-specific; sex not recorded (§1.16)".into()),
        (None, _) => s
            .interpretation
            .push(format!("no norm for age {age} in §1.16")),
    }
    if reach_cm <= settings.high_risk_at_most_cm {
        s.interpretation.push(format!(
            "≤ {} cm: high fall risk, about 4 times the odds (Duncan 1992 [54])",
            fmt_num(settings.high_risk_at_most_cm)
        ));
    } else if reach_cm <= settings.moderate_risk_at_most_cm {
        s.interpretation.push(format!(
            "≤ {} cm: moderate fall risk, about 2 times the odds (Duncan 1992 [54])",
            fmt_num(settings.moderate_risk_at_most_cm)
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(age: u32, sex: Sex) -> PersonFacts {
        PersonFacts {
            age_years: age,
            sex,
        }
    }

    #[test]
    fn five_sts_worked_example() {
        let s = score_five_times_sit_to_stand(
            13.0,
            &person(72, Sex::Female),
            &SitToStandSettings::default(),
        )
        .unwrap();
        assert!(s.interpretation[0].starts_with("worse than average for age 70-79"));
        assert!(s.interpretation[1].contains("fall risk"));
        assert!(s.interpretation[2].contains("mild impairment"));
        let fast = score_five_times_sit_to_stand(
            9.0,
            &person(40, Sex::Male),
            &SitToStandSettings::default(),
        )
        .unwrap();
        assert!(fast.interpretation[0].starts_with("within the healthy-adult"));
        assert!(score_five_times_sit_to_stand(
            -1.0,
            &person(40, Sex::Male),
            &SitToStandSettings::default()
        )
        .is_err());
    }

    #[test]
    fn tug_norms_and_cut_offs() {
        let s =
            score_timed_up_and_go(12.5, &person(75, Sex::Male), &TugSettings::default()).unwrap();
        assert!(s.interpretation[0].starts_with("worse than average"));
        assert!(s.interpretation[1].contains("STEADI"));
        let s =
            score_timed_up_and_go(14.0, &person(85, Sex::Male), &TugSettings::default()).unwrap();
        assert!(s.interpretation[0].starts_with("worse than average"));
        assert!(s.interpretation[1].contains("high risk"));
        let s =
            score_timed_up_and_go(8.0, &person(65, Sex::Male), &TugSettings::default()).unwrap();
        assert!(s.interpretation[1].contains("freely mobile"));
    }

    #[test]
    fn chair_stand_uses_age_and_sex_norms() {
        let s = score_chair_stand(11, &person(67, Sex::Female), &ChairStandSettings::default())
            .unwrap();
        assert!(s.interpretation[0].starts_with("within the normal range for women aged 65-69"));
        let s =
            score_chair_stand(12, &person(67, Sex::Male), &ChairStandSettings::default()).unwrap();
        assert!(s.interpretation[0].starts_with("within"));
        let manual = ChairStandSettings {
            male_norms: ChairStandMaleNorms::Manual2013,
            ..ChairStandSettings::default()
        };
        let s = score_chair_stand(12, &person(67, Sex::Male), &manual).unwrap();
        assert!(s.interpretation[0].starts_with("below average"));
        let s =
            score_chair_stand(7, &person(50, Sex::Male), &ChairStandSettings::default()).unwrap();
        assert!(s.interpretation[0].contains("no norm"));
        assert!(s.interpretation[1].contains("< 8"));
    }

    #[test]
    fn single_leg_stance_takes_best_capped_trial() {
        let s = score_single_leg_stance(
            &[3.0, 4.5, 2.0],
            Eyes::Open,
            &person(82, Sex::Female),
            &SingleLegStanceSettings::default(),
        )
        .unwrap();
        assert_eq!(s.value, 4.5);
        assert!(s.interpretation[0].starts_with("below the mean"));
        assert!(s.interpretation[1].contains("injurious-fall"));
        let capped = score_single_leg_stance(
            &[60.0],
            Eyes::Open,
            &person(30, Sex::Male),
            &SingleLegStanceSettings::default(),
        )
        .unwrap();
        assert_eq!(capped.value, 45.0);
    }

    #[test]
    fn gait_speed_bands() {
        assert!(score_gait_speed(0.3).unwrap().interpretation[0].starts_with("household"));
        assert!(score_gait_speed(0.7).unwrap().interpretation[0].starts_with("limited"));
        let s = score_gait_speed(1.1).unwrap();
        assert!(s.interpretation[0].starts_with("community"));
        assert!(s.interpretation[1].contains("survival"));
        assert!((gait_speed_from_walk(10.0, 8.0).unwrap() - 1.25).abs() < 1e-12);
    }

    #[test]
    fn berg_sum_and_fall_risk() {
        let mut items = vec![Some(3u8); 14];
        let s = score_berg(&items, &BergSettings::default()).unwrap();
        assert_eq!(s.value, 42.0);
        assert!(s.interpretation[1].contains("fall risk"));
        items[0] = None;
        assert!(score_berg(&items, &BergSettings::default()).is_err());
    }

    #[test]
    fn functional_reach_flags() {
        let s = score_functional_reach(
            14.0,
            &person(75, Sex::Female),
            &FunctionalReachSettings::default(),
        )
        .unwrap();
        assert!(s.interpretation[0].starts_with("below the mean for women aged 70-87"));
        assert!(s.interpretation[1].contains("high fall risk"));
        let s = score_functional_reach(
            20.0,
            &person(75, Sex::Male),
            &FunctionalReachSettings::default(),
        )
        .unwrap();
        assert!(s.interpretation[1].contains("moderate"));
    }
}
