//! Patient-reported measures (spec §1.1-§1.9): scoring from item numbers and answers, with
//! each instrument's missing-item rule.

use super::change::fmt_num;
use super::settings::{
    FabqSettings, NprsBands, NprsSettings, OdiSettings, PcsSettings, RmdqSettings, TskSettings,
};
use super::{Bothersomeness, Instrument, MeasureScore, PsfsRating, Subscore};
use crate::error::{Error, Result};

fn check_count<T>(instrument: &'static str, items: &[T], expected: usize) -> Result<()> {
    if items.len() == expected {
        Ok(())
    } else {
        Err(Error::WrongItemCount {
            instrument,
            expected,
            found: items.len(),
        })
    }
}

fn check_range(instrument: &'static str, answers: &[Option<u8>], min: u8, max: u8) -> Result<()> {
    for (i, a) in answers.iter().enumerate() {
        if let Some(v) = a {
            if *v < min || *v > max {
                return Err(Error::AnswerOutOfRange {
                    instrument,
                    item: i + 1,
                    value: f64::from(*v),
                    min: f64::from(min),
                    max: f64::from(max),
                });
            }
        }
    }
    Ok(())
}

/// NPRS (§1.1): the number given, 0-10, no imputation; severity band per the chosen scheme;
/// 0 = "recovered" (Kamper 2010 \[12\]).
pub fn score_nprs(value: f64, settings: &NprsSettings) -> Result<MeasureScore> {
    if !(0.0..=10.0).contains(&value) {
        return Err(Error::AnswerOutOfRange {
            instrument: "NPRS",
            item: 1,
            value,
            min: 0.0,
            max: 10.0,
        });
    }
    let mut s = MeasureScore::new(Instrument::Nprs, value, "points (0-10)");
    let band = match settings.bands {
        NprsBands::Serlin => match value {
            v if v <= 0.0 => "none",
            v if v <= 4.0 => "mild",
            v if v <= 6.0 => "moderate",
            _ => "severe",
        },
        NprsBands::Boonstra => match value {
            v if v <= 5.0 => "mild",
            v if v <= 7.0 => "moderate",
            _ => "severe",
        },
    };
    let scheme = match settings.bands {
        NprsBands::Serlin => "Serlin 1995 [4]",
        NprsBands::Boonstra => "Boonstra 2016 [5]",
    };
    s.interpretation
        .push(format!("{band} pain ({scheme} bands, §1.1)"));
    if value <= 0.0 {
        s.interpretation
            .push("0 = rates as recovered (Kamper 2010 [12])".into());
    }
    Ok(s)
}

/// PSFS (§1.2): mean of the activities actually rated (at least 1), each 0-10; per-activity
/// scores kept as subscores named by the activity text.
pub fn score_psfs(activities: &[PsfsRating]) -> Result<MeasureScore> {
    if activities.is_empty() || activities.len() > 5 {
        return Err(Error::WrongItemCount {
            instrument: "PSFS",
            expected: 5,
            found: activities.len(),
        });
    }
    let mut rated = Vec::new();
    for (i, a) in activities.iter().enumerate() {
        if let Some(v) = a.score {
            if !(0.0..=10.0).contains(&v) {
                return Err(Error::AnswerOutOfRange {
                    instrument: "PSFS",
                    item: i + 1,
                    value: v,
                    min: 0.0,
                    max: 10.0,
                });
            }
            rated.push(v);
        }
    }
    if rated.is_empty() {
        return Err(Error::NotScorable {
            instrument: "PSFS",
            reason: "no activity rated; at least 1 is needed (§1.2, Stratford 1995 [6])".into(),
        });
    }
    let mean = rated.iter().sum::<f64>() / rated.len() as f64;
    let mut s = MeasureScore::new(Instrument::Psfs, mean, "points (0-10, mean)");
    s.subscores = activities
        .iter()
        .map(|a| Subscore {
            name: a.activity.clone(),
            value: a.score,
        })
        .collect();
    if activities.len() < 3 {
        s.interpretation.push(format!(
            "{} activities named; the PSFS asks for 3-5 (§1.2)",
            activities.len()
        ));
    }
    if rated.len() < activities.len() {
        s.interpretation.push(format!(
            "mean of the {} activities rated out of {} (§1.2 missing rule)",
            rated.len(),
            activities.len()
        ));
    }
    Ok(s)
}

/// RMDQ-24 (§1.3): number of ticked statements. With 1-2 unanswered items the score is
/// pro-rated (`ticked × 24 / answered`); with more it is not scored (*Relearn default*).
pub fn score_rmdq(answers: &[Option<bool>], settings: &RmdqSettings) -> Result<MeasureScore> {
    check_count("RMDQ", answers, 24)?;
    let answered = answers.iter().filter(|a| a.is_some()).count();
    let missing = 24 - answered;
    if missing > settings.max_unanswered {
        return Err(Error::NotScorable {
            instrument: "RMDQ",
            reason: format!(
                "{missing} items unanswered, more than {} (§1.3 Relearn default)",
                settings.max_unanswered
            ),
        });
    }
    let ticked = answers.iter().filter(|a| **a == Some(true)).count() as f64;
    let value = if missing == 0 {
        ticked
    } else {
        ticked * 24.0 / answered as f64
    };
    let mut s = MeasureScore::new(Instrument::Rmdq, value, "points (0-24)");
    if missing > 0 {
        s.prorated = true;
        s.imputed_items = missing;
        s.interpretation.push(format!(
            "pro-rated: {} ticked × 24 / {answered} answered (§1.3)",
            fmt_num(ticked)
        ));
    }
    if value <= settings.recovered_at_most {
        s.interpretation
            .push("≤ 2: rates as recovered (Kamper 2010 [12])".into());
    }
    if value < 4.0 {
        s.interpretation
            .push("below 4: improvement may not be detectable (floor, [10], [159])".into());
    } else if value > 20.0 {
        s.interpretation
            .push("above 20: deterioration may not be detectable (ceiling, [10], [159])".into());
    }
    Ok(s)
}

/// The ODI section score when a patient marked two statements in one section: the higher
/// one (§1.4, Fairbank & Pynsent 2000 \[13\]).
pub fn odi_section_from_marks(marks: &[u8]) -> Option<u8> {
    marks.iter().copied().max()
}

/// ODI v2.1a (§1.4): `sum / (5 × answered sections) × 100`; one missing section allowed
/// (denominator 45), two or more not scored (*Relearn default*). Bands of \[13\].
pub fn score_odi(sections: &[Option<u8>], settings: &OdiSettings) -> Result<MeasureScore> {
    check_count("ODI", sections, 10)?;
    check_range("ODI", sections, 0, 5)?;
    let answered: Vec<u8> = sections.iter().flatten().copied().collect();
    let missing = 10 - answered.len();
    if missing > settings.max_missing_sections {
        return Err(Error::NotScorable {
            instrument: "ODI",
            reason: format!(
                "{missing} sections missing, more than {} (§1.4, Fairbank & Pynsent 2000 [13])",
                settings.max_missing_sections
            ),
        });
    }
    let sum: u32 = answered.iter().map(|v| u32::from(*v)).sum();
    let value = f64::from(sum) / (5.0 * answered.len() as f64) * 100.0;
    let mut s = MeasureScore::new(Instrument::Odi, value, "% (0-100)");
    if missing > 0 {
        s.prorated = true;
        s.imputed_items = missing;
        s.interpretation.push(format!(
            "{missing} section missing: denominator {} (§1.4)",
            5 * answered.len()
        ));
    }
    let band = match value {
        v if v <= 20.0 => "minimal disability",
        v if v <= 40.0 => "moderate disability",
        v if v <= 60.0 => "severe disability",
        v if v <= 80.0 => "crippled",
        _ => "bed-bound or exaggerating",
    };
    s.interpretation
        .push(format!("{band} (Fairbank & Pynsent 2000 [13])"));
    Ok(s)
}

/// Sum with missing items replaced by the person's mean item score, when at most
/// `max_missing` are missing. Returns (sum, imputed count).
fn sum_with_person_mean(
    instrument: &'static str,
    values: &[Option<f64>],
    max_missing: usize,
    rule: &str,
) -> Result<(f64, usize)> {
    let answered: Vec<f64> = values.iter().flatten().copied().collect();
    let missing = values.len() - answered.len();
    if missing > max_missing || answered.is_empty() {
        return Err(Error::NotScorable {
            instrument,
            reason: format!("{missing} items missing, more than {max_missing} ({rule})"),
        });
    }
    let mean = answered.iter().sum::<f64>() / answered.len() as f64;
    Ok((
        answered.iter().sum::<f64>() + mean * missing as f64,
        missing,
    ))
}

/// TSK-17 (§1.5): items 1-4; items 4, 8, 12 and 16 reverse-scored (5 − response); sum 17-68;
/// up to 2 missing items replaced by the person's mean (*Relearn default*). > 37 = high
/// kinesiophobia (Vlaeyen 1995 \[16\]).
pub fn score_tsk17(answers: &[Option<u8>], settings: &TskSettings) -> Result<MeasureScore> {
    check_count("TSK-17", answers, 17)?;
    check_range("TSK-17", answers, 1, 4)?;
    const REVERSED: [usize; 4] = [4, 8, 12, 16];
    let values: Vec<Option<f64>> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.map(|v| {
                if REVERSED.contains(&(i + 1)) {
                    f64::from(5 - v)
                } else {
                    f64::from(v)
                }
            })
        })
        .collect();
    let (value, imputed) = sum_with_person_mean(
        "TSK-17",
        &values,
        settings.max_missing_17,
        "§1.5 Relearn default",
    )?;
    let mut s = MeasureScore::new(Instrument::Tsk17, value, "points (17-68)");
    s.imputed_items = imputed;
    if value > settings.high_kinesiophobia_above {
        s.interpretation.push(format!(
            "> {}: high kinesiophobia (Vlaeyen 1995 [16])",
            fmt_num(settings.high_kinesiophobia_above)
        ));
    }
    Ok(s)
}

/// TSK-11 (§1.5): 11 items 1-4 (TSK-17 items 1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17, in that
/// order), no reverse-scored items; sum 11-44; one missing item replaced by the person's mean
/// (*Relearn default*). No cut-off is published.
pub fn score_tsk11(answers: &[Option<u8>], settings: &TskSettings) -> Result<MeasureScore> {
    check_count("TSK-11", answers, 11)?;
    check_range("TSK-11", answers, 1, 4)?;
    let values: Vec<Option<f64>> = answers.iter().map(|a| a.map(f64::from)).collect();
    let (value, imputed) = sum_with_person_mean(
        "TSK-11",
        &values,
        settings.max_missing_11,
        "§1.5 Relearn default",
    )?;
    let mut s = MeasureScore::new(Instrument::Tsk11, value, "points (11-44)");
    s.imputed_items = imputed;
    Ok(s)
}

/// PCS subscales (Sullivan 1995 \[18\], manual \[19\]): item numbers.
pub const PCS_RUMINATION: [usize; 4] = [8, 9, 10, 11];
/// PCS magnification items.
pub const PCS_MAGNIFICATION: [usize; 3] = [6, 7, 13];
/// PCS helplessness items.
pub const PCS_HELPLESSNESS: [usize; 6] = [1, 2, 3, 4, 5, 12];

/// PCS (§1.6): 13 items 0-4; total 0-52 and three subscales. A subscale with at most 1
/// missing item gets it replaced by the mean of its answered items; otherwise that subscale
/// and the total are not scored (*Relearn default*). Total ≥ 30 is clinically relevant
/// (Sullivan manual \[19\]).
pub fn score_pcs(answers: &[Option<u8>], settings: &PcsSettings) -> Result<MeasureScore> {
    check_count("PCS", answers, 13)?;
    check_range("PCS", answers, 0, 4)?;
    let mut subscores = Vec::new();
    let mut total = Some(0.0);
    let mut imputed = 0;
    for (name, items) in [
        ("rumination", &PCS_RUMINATION[..]),
        ("magnification", &PCS_MAGNIFICATION[..]),
        ("helplessness", &PCS_HELPLESSNESS[..]),
    ] {
        let values: Vec<Option<f64>> = items
            .iter()
            .map(|i| answers.get(i - 1).copied().flatten().map(f64::from))
            .collect();
        match sum_with_person_mean(
            "PCS",
            &values,
            settings.max_missing_per_subscale,
            "§1.6 Relearn default",
        ) {
            Ok((v, n)) => {
                imputed += n;
                total = total.map(|t| t + v);
                subscores.push(Subscore {
                    name: name.into(),
                    value: Some(v),
                });
            }
            Err(_) => {
                total = None;
                subscores.push(Subscore {
                    name: name.into(),
                    value: None,
                });
            }
        }
    }
    let Some(value) = total else {
        return Err(Error::NotScorable {
            instrument: "PCS",
            reason: format!(
                "a subscale has more than {} missing item(s) (§1.6 Relearn default)",
                settings.max_missing_per_subscale
            ),
        });
    };
    let mut s = MeasureScore::new(Instrument::Pcs, value, "points (0-52)");
    s.subscores = subscores;
    s.imputed_items = imputed;
    if value >= settings.clinically_relevant_at {
        s.interpretation.push(format!(
            "≥ {}: clinically relevant catastrophizing (Sullivan manual [19])",
            fmt_num(settings.clinically_relevant_at)
        ));
    }
    Ok(s)
}

/// FABQ physical-activity items (Waddell 1993 \[21\]).
pub const FABQ_PA_ITEMS: [usize; 4] = [2, 3, 4, 5];
/// FABQ work items (Waddell 1993 \[21\]).
pub const FABQ_W_ITEMS: [usize; 7] = [6, 7, 9, 10, 11, 12, 15];

/// FABQ (§1.7): 16 items 0-6; FABQ-PA = items 2-5 (0-24), FABQ-W = items 6, 7, 9, 10, 11,
/// 12, 15 (0-42); a subscale with any missing item is not scored (*Relearn default*). The
/// headline value is FABQ-W when scored, otherwise FABQ-PA; both are subscores.
pub fn score_fabq(answers: &[Option<u8>], settings: &FabqSettings) -> Result<MeasureScore> {
    check_count("FABQ", answers, 16)?;
    check_range("FABQ", answers, 0, 6)?;
    let sub = |items: &[usize]| -> Option<f64> {
        items
            .iter()
            .map(|i| answers.get(i - 1).copied().flatten().map(f64::from))
            .sum::<Option<f64>>()
    };
    let pa = sub(&FABQ_PA_ITEMS);
    let w = sub(&FABQ_W_ITEMS);
    let Some(value) = w.or(pa) else {
        return Err(Error::NotScorable {
            instrument: "FABQ",
            reason: "both subscales have missing items (§1.7 Relearn default)".into(),
        });
    };
    let mut s = MeasureScore::new(Instrument::Fabq, value, "points (FABQ-W 0-42)");
    if w.is_none() {
        s.unit = "points (FABQ-PA 0-24; FABQ-W not scored)";
    }
    s.subscores = vec![
        Subscore {
            name: "physical_activity".into(),
            value: pa,
        },
        Subscore {
            name: "work".into(),
            value: w,
        },
    ];
    if let Some(w) = w {
        if w > settings.work_high_risk_above {
            s.interpretation.push(format!(
                "FABQ-W > {}: high risk of not returning to work (Fritz & George 2002 [22])",
                fmt_num(settings.work_high_risk_above)
            ));
        } else if w < settings.work_low_risk_below {
            s.interpretation.push(format!(
                "FABQ-W < {}: low risk of not returning to work (Fritz & George 2002 [22])",
                fmt_num(settings.work_low_risk_below)
            ));
        }
        if w < settings.work_manipulation_rule_below {
            s.interpretation.push(format!(
                "FABQ-W < {}: meets that criterion of the manipulation rule (Flynn 2002 [24])",
                fmt_num(settings.work_manipulation_rule_below)
            ));
        }
    } else {
        s.interpretation
            .push("FABQ-W not scored: a work item is missing (§1.7)".into());
    }
    match pa {
        Some(pa) if pa > settings.physical_activity_elevated_above => {
            s.interpretation.push(format!(
                "FABQ-PA > {}: elevated fear-avoidance about activity (George 2008 [23])",
                fmt_num(settings.physical_activity_elevated_above)
            ))
        }
        None => s
            .interpretation
            .push("FABQ-PA not scored: an activity item is missing (§1.7)".into()),
        _ => {}
    }
    Ok(s)
}

/// STarT Back risk group (§1.8, Hill 2008 \[26\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartBackRisk {
    /// Overall ≤ 3.
    Low,
    /// Overall ≥ 4 and psychosocial ≤ 3.
    Medium,
    /// Psychosocial ≥ 4.
    High,
}

/// The classification of §1.8: psychosocial ≥ 4 → high, else overall ≥ 4 → medium, else low.
pub fn start_back_risk(overall: u8, psychosocial: u8) -> StartBackRisk {
    if psychosocial >= 4 {
        StartBackRisk::High
    } else if overall >= 4 {
        StartBackRisk::Medium
    } else {
        StartBackRisk::Low
    }
}

/// STarT Back (§1.8): items 1-8 agree = 1; item 9 scores 1 for "very much" or "extremely";
/// overall 0-9, psychosocial = items 5-9 (0-5). Not classified when any item is missing.
pub fn score_start_back(
    agree: &[Option<bool>],
    bothersomeness: Option<Bothersomeness>,
) -> Result<MeasureScore> {
    check_count("STarT Back", agree, 8)?;
    let (Some(items), Some(item9)) = (
        agree.iter().copied().collect::<Option<Vec<bool>>>(),
        bothersomeness,
    ) else {
        return Err(Error::NotScorable {
            instrument: "STarT Back",
            reason: "an item is missing; the tool is not classified then (§1.8)".into(),
        });
    };
    let item9 = u8::from(matches!(
        item9,
        Bothersomeness::VeryMuch | Bothersomeness::Extremely
    ));
    let overall = items.iter().filter(|a| **a).count() as u8 + item9;
    let psychosocial = items[4..8].iter().filter(|a| **a).count() as u8 + item9;
    let risk = start_back_risk(overall, psychosocial);
    let mut s = MeasureScore::new(Instrument::StartBack, f64::from(overall), "points (0-9)");
    s.subscores = vec![Subscore {
        name: "psychosocial".into(),
        value: Some(f64::from(psychosocial)),
    }];
    s.interpretation.push(format!(
        "{} risk (overall {overall}, psychosocial {psychosocial}; Hill 2008 [26])",
        match risk {
            StartBackRisk::Low => "low",
            StartBackRisk::Medium => "medium",
            StartBackRisk::High => "high",
        }
    ));
    Ok(s)
}

/// PROMIS Physical Function (§1.9): the supplied T-score (Relearn scores no items) with the
/// *Relearn default* (*unverified*) interpretation: ≥ 45 within normal limits, 40-44.9 mild,
/// 30-39.9 moderate, < 30 severe limitation.
pub fn score_promis_pf(t_score: f64, se: Option<f64>) -> Result<MeasureScore> {
    if !t_score.is_finite() || !(0.0..=100.0).contains(&t_score) {
        return Err(Error::InvalidMeasurement {
            instrument: "PROMIS PF",
            reason: format!("T-score {t_score} is not a plausible T-score"),
        });
    }
    if let Some(se) = se {
        if !(se.is_finite() && se > 0.0) {
            return Err(Error::InvalidMeasurement {
                instrument: "PROMIS PF",
                reason: format!("standard error {se} must be positive"),
            });
        }
    }
    let mut s = MeasureScore::new(Instrument::PromisPf, t_score, "T-score");
    s.standard_error = se;
    let band = match t_score {
        t if t >= 45.0 => "within normal limits",
        t if t >= 40.0 => "mild limitation",
        t if t >= 30.0 => "moderate limitation",
        _ => "severe limitation",
    };
    s.interpretation
        .push(format!("{band} (§1.9 Relearn default bands, unverified)"));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(v: &[u8]) -> Vec<Option<u8>> {
        v.iter().map(|x| Some(*x)).collect()
    }

    #[test]
    fn nprs_bands_follow_serlin_and_boonstra() {
        let serlin = NprsSettings::default();
        assert!(score_nprs(4.0, &serlin).unwrap().interpretation[0].starts_with("mild"));
        assert!(score_nprs(5.0, &serlin).unwrap().interpretation[0].starts_with("moderate"));
        assert!(score_nprs(7.0, &serlin).unwrap().interpretation[0].starts_with("severe"));
        let boonstra = NprsSettings {
            bands: NprsBands::Boonstra,
            ..NprsSettings::default()
        };
        assert!(score_nprs(5.0, &boonstra).unwrap().interpretation[0].starts_with("mild"));
        assert!(score_nprs(7.0, &boonstra).unwrap().interpretation[0].starts_with("moderate"));
        assert!(score_nprs(11.0, &serlin).is_err());
    }

    #[test]
    fn psfs_is_the_mean_of_rated_activities() {
        let acts = vec![
            PsfsRating {
                activity: "lift child".into(),
                score: Some(3.0),
            },
            PsfsRating {
                activity: "garden".into(),
                score: Some(5.0),
            },
            PsfsRating {
                activity: "run".into(),
                score: None,
            },
        ];
        let s = score_psfs(&acts).unwrap();
        assert_eq!(s.value, 4.0);
        assert_eq!(s.subscore("garden"), Some(5.0));
    }

    #[test]
    fn rmdq_counts_ticks_and_prorates_up_to_two_missing() {
        let mut a = vec![Some(false); 24];
        for item in a.iter_mut().take(12) {
            *item = Some(true);
        }
        assert_eq!(
            score_rmdq(&a, &RmdqSettings::default()).unwrap().value,
            12.0
        );
        a[23] = None;
        a[22] = None;
        // 12 ticked of 22 answered → 12 × 24 / 22 = 13.09
        let s = score_rmdq(&a, &RmdqSettings::default()).unwrap();
        assert!((s.value - 13.0909).abs() < 1e-3);
        assert!(s.prorated);
        a[21] = None;
        assert!(score_rmdq(&a, &RmdqSettings::default()).is_err());
    }

    #[test]
    fn odi_worked_example_with_one_missing_section() {
        // All ten sections: sum 20 / 50 × 100 = 40 %.
        let full = some(&[2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
        assert_eq!(
            score_odi(&full, &OdiSettings::default()).unwrap().value,
            40.0
        );
        // Sex life missing: sum 18 / 45 × 100 = 40 %.
        let mut one = full.clone();
        one[7] = None;
        let s = score_odi(&one, &OdiSettings::default()).unwrap();
        assert!((s.value - 40.0).abs() < 1e-9);
        assert!(s.prorated);
        let mut two = one.clone();
        two[0] = None;
        assert!(matches!(
            score_odi(&two, &OdiSettings::default()),
            Err(Error::NotScorable { .. })
        ));
        assert_eq!(odi_section_from_marks(&[2, 4]), Some(4));
    }

    #[test]
    fn tsk17_reverses_items_4_8_12_16() {
        // All answers 4: 13 items × 4 + 4 reversed items × 1 = 56.
        let s = score_tsk17(&some(&[4; 17]), &TskSettings::default()).unwrap();
        assert_eq!(s.value, 56.0);
        assert!(s.interpretation[0].contains("high kinesiophobia"));
        // All answers 1: 13 + 4 × 4 = 29.
        assert_eq!(
            score_tsk17(&some(&[1; 17]), &TskSettings::default())
                .unwrap()
                .value,
            29.0
        );
    }

    #[test]
    fn tsk_missing_items_use_the_person_mean() {
        let mut a = some(&[2; 11]);
        a[0] = None;
        let s = score_tsk11(&a, &TskSettings::default()).unwrap();
        assert_eq!(s.value, 22.0);
        assert_eq!(s.imputed_items, 1);
        a[1] = None;
        assert!(score_tsk11(&a, &TskSettings::default()).is_err());
    }

    #[test]
    fn pcs_total_and_subscales() {
        let answers = some(&[1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3]);
        let s = score_pcs(&answers, &PcsSettings::default()).unwrap();
        assert_eq!(s.value, 26.0);
        assert_eq!(s.subscore("rumination"), Some(8.0)); // items 8-11: 3+4+0+1
        assert_eq!(s.subscore("magnification"), Some(6.0)); // items 6, 7, 13: 1+2+3
        assert_eq!(s.subscore("helplessness"), Some(12.0)); // 1-5, 12: 1+2+3+4+0+2
    }

    #[test]
    fn pcs_replaces_one_missing_item_per_subscale_only() {
        let mut answers = some(&[4; 13]);
        answers[5] = None; // magnification item 6
        let s = score_pcs(&answers, &PcsSettings::default()).unwrap();
        assert_eq!(s.value, 52.0);
        answers[6] = None; // magnification item 7 too
        assert!(score_pcs(&answers, &PcsSettings::default()).is_err());
    }

    #[test]
    fn fabq_subscales_and_cut_offs() {
        let mut answers = some(&[0; 16]);
        for i in FABQ_PA_ITEMS {
            answers[i - 1] = Some(4); // PA = 16
        }
        for i in FABQ_W_ITEMS {
            answers[i - 1] = Some(5); // W = 35
        }
        answers[0] = Some(6); // unscored item
        let s = score_fabq(&answers, &FabqSettings::default()).unwrap();
        assert_eq!(s.subscore("physical_activity"), Some(16.0));
        assert_eq!(s.subscore("work"), Some(35.0));
        assert!(s.interpretation.iter().any(|l| l.contains("high risk")));
        assert!(s.interpretation.iter().any(|l| l.contains("FABQ-PA > 14")));
        answers[5] = None;
        let s = score_fabq(&answers, &FabqSettings::default()).unwrap();
        assert_eq!(s.subscore("work"), None);
        assert_eq!(s.value, 16.0);
    }

    #[test]
    fn start_back_classification() {
        assert_eq!(start_back_risk(3, 3), StartBackRisk::Low);
        assert_eq!(start_back_risk(5, 3), StartBackRisk::Medium);
        assert_eq!(start_back_risk(5, 4), StartBackRisk::High);
        let agree = [true, true, false, false, true, true, true, false].map(Some);
        let s = score_start_back(&agree, Some(Bothersomeness::Extremely)).unwrap();
        assert_eq!(s.value, 6.0);
        assert_eq!(s.subscore("psychosocial"), Some(4.0));
        assert!(s.interpretation[0].starts_with("high"));
        assert!(score_start_back(&agree, None).is_err());
    }

    #[test]
    fn promis_bands() {
        assert!(score_promis_pf(46.0, None).unwrap().interpretation[0].starts_with("within"));
        assert!(score_promis_pf(42.0, None).unwrap().interpretation[0].starts_with("mild"));
        assert!(score_promis_pf(29.0, None).unwrap().interpretation[0].starts_with("severe"));
        assert!(score_promis_pf(40.0, Some(0.0)).is_err());
    }
}
