//! Fault rules: clinician-editable values, each with a cited default (style guide principle 3:
//! a fault rule is a value, not a function per fault).
//!
//! A [`FaultRule`] names a measure, the statistic taken over a phase window of the repetition,
//! a threshold and its direction, and its source. The defaults ([`default_rules`]) come from
//! `clinical-spec.md` §6 (knee valgus, trunk lateral lean, lumbar flexion in a hip hinge,
//! pelvic drop, shoulder elevation, left-right asymmetry, tempo) plus insufficient depth
//! relative to the demonstration. A clinician edits them as JSON (`relearn rules --defaults`
//! prints them; `--rules FILE` uses an edited copy).
//!
//! When a template is built, a rule that the demonstration itself breaks (a lateral trunk
//! stretch exceeds the trunk-lean limit by design) is switched off for that template, with the
//! reason recorded beside it.

use crate::measures::{value_at_peak_of, Measure, MeasureKind, AT_PEAK_TOLERANCE};
use crate::tempo::TempoPhases;
use relearn_core::{stats, Side};
use serde::{Deserialize, Serialize};

/// The statistic of a measure over the rule's window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Statistic {
    /// Largest value.
    Max,
    /// Smallest value.
    Min,
    /// Largest absolute value (sign kept).
    MaxAbs,
    /// Value at the peak of another measure on the same side (median over the frames within
    /// [`AT_PEAK_TOLERANCE`] of that peak).
    AtPeakOf {
        /// The reference measure (e.g. knee flexion for the valgus angle).
        reference: MeasureKind,
        /// The reference must peak at least this high (in its unit) for the value to be taken;
        /// below, the rule is not checked on that repetition and side (the valgus angle at
        /// "peak" flexion of a knee that stays straight). Absent: always checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_peak: Option<f64>,
    },
    /// Largest value while another measure on the same side stays below a limit (shoulder
    /// elevation before 60° of arm elevation).
    MaxWhileBelow {
        /// The gating measure.
        reference: MeasureKind,
        /// The limit of the gating measure.
        limit: f64,
    },
}

/// What a rule checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Check {
    /// The statistic exceeds (or falls below) a fixed threshold.
    Threshold {
        /// The measure (checked on each side for a paired measure).
        measure: MeasureKind,
        /// Statistic over the window.
        statistic: Statistic,
        /// Threshold in the measure's unit.
        threshold: f64,
        /// True: fault when above; false: fault when below.
        above: bool,
    },
    /// The statistic is below a fraction of the demonstration's (template's) value.
    BelowTemplateFraction {
        /// The measure.
        measure: MeasureKind,
        /// Statistic over the window.
        statistic: Statistic,
        /// Fault when the patient's value is below `fraction` × the template's.
        fraction: f64,
    },
    /// The left-right symmetry index of a paired measure's statistic exceeds a limit, in %
    /// (`SI = (L − R) / (0.5 (L + R)) × 100`, Robinson 1987).
    Asymmetry {
        /// The paired measure.
        measure: MeasureKind,
        /// Statistic over the window.
        statistic: Statistic,
        /// Largest acceptable |SI| in %.
        max_percent: f64,
        /// Statistics smaller than this (in the measure's unit) on both sides are not compared:
        /// a symmetry index of two near-zero values is meaningless.
        min_magnitude: f64,
    },
    /// A tempo phase lasts more than `max_percent` longer or shorter than the template's.
    Tempo {
        /// Largest acceptable deviation in %.
        max_percent: f64,
        /// Phases shorter than this in the template (seconds) are not compared.
        min_phase_s: f64,
    },
}

/// A clinician-editable fault rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Stable identifier (`knee_valgus`).
    pub id: String,
    /// Plain-language name ("Knee valgus").
    pub name: String,
    /// What is checked.
    pub check: Check,
    /// Window of the repetition the statistic is taken over, percent (0-100).
    pub window_pct: [f64; 2],
    /// Where the default comes from (`clinical-spec.md` section and reference).
    pub source: String,
    /// Whether the rule is applied.
    pub enabled: bool,
    /// Whether breaking the rule makes a repetition incorrect whatever the model says. A
    /// template sets it only for rules its own correct examples (almost) never break, so a
    /// measurement that is too noisy for the limit informs without deciding.
    #[serde(default = "default_true")]
    pub decides_verdict: bool,
    /// Why a rule was switched off or does not decide the verdict for a template (the reason
    /// only: `template show` and the report say which of the two), or a clinician's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn default_true() -> bool {
    true
}

impl Check {
    /// The measure checked (`None` for tempo, which uses the repetition's phases).
    pub fn measure(&self) -> Option<MeasureKind> {
        match self {
            Check::Threshold { measure, .. }
            | Check::BelowTemplateFraction { measure, .. }
            | Check::Asymmetry { measure, .. } => Some(*measure),
            Check::Tempo { .. } => None,
        }
    }
}

/// Switches off the rules whose check `not_applicable` picks, with `note` (replacing any
/// earlier note: not applying is the first reason, and a rule a demonstration "breaks" where
/// it does not apply was never meant for it). Returns the number of rules that were enabled
/// and now are not.
fn switch_off_where(
    rules: &mut [FaultRule],
    not_applicable: impl Fn(&Check) -> bool,
    note: &str,
) -> usize {
    let mut n = 0;
    for rule in rules.iter_mut().filter(|r| not_applicable(&r.check)) {
        n += usize::from(rule.enabled);
        rule.enabled = false;
        rule.note = Some(note.to_string());
    }
    n
}

/// Switches off, for a seated recording, the rules on measures that only mean something in a
/// standing movement ([`crate::posture::needs_standing`]: knee valgus, pelvic drop, squat
/// depth), with a note saying why (replacing any earlier note). Does nothing for any other
/// posture. Returns the number of rules that were enabled and now are not.
pub fn switch_off_for_posture(
    rules: &mut [FaultRule],
    posture: &crate::posture::PostureEstimate,
) -> usize {
    if posture.posture != crate::posture::Posture::Seated {
        return 0;
    }
    switch_off_where(
        rules,
        |c| c.measure().is_some_and(crate::posture::needs_standing),
        &format!(
            "not applicable: the person is {}, and this rule is for standing movements",
            posture.describe()
        ),
    )
}

/// Switches off the rules that do not apply to the stance, with a note saying why (replacing
/// any earlier note): on both feet, the rules on measures defined for standing on one leg
/// ([`crate::posture::needs_one_leg`]: contralateral pelvic drop); on one leg, the left-right
/// asymmetry rules, which compare the two sides of a movement both make (§5.3, Robinson
/// 1987), where a leg raise or a step over a hurdle moves one leg by design. Returns the
/// number of rules that were enabled and now are not.
pub fn switch_off_for_stance(
    rules: &mut [FaultRule],
    stance: &crate::posture::StanceEstimate,
) -> usize {
    match stance.stance {
        crate::posture::Stance::BothFeet => switch_off_where(
            rules,
            |c| c.measure().is_some_and(crate::posture::needs_one_leg),
            &format!(
                "not applicable: the person stands {}, and this rule is for standing on one leg",
                stance.describe()
            ),
        ),
        crate::posture::Stance::OneLeg => switch_off_where(
            rules,
            |c| matches!(c, Check::Asymmetry { .. }),
            &format!(
                "not applicable: the person stands {}, and this rule compares the two sides \
                 of a movement made with both",
                stance.describe()
            ),
        ),
    }
}

/// Range of arm elevation, degrees, that the arms must move through in a typical repetition
/// for the shoulder elevation rule to be checked: 45° (*Relearn default*). The rule is for an
/// arm raise (`clinical-spec.md` §6: "shoulder elevation during arm raise", a rise before
/// 60° of arm elevation). In a lunge or a step holding a stick the arms hardly move, the
/// shoulders' rise is the trunk's, and on UI-PRMD the rule failed correct hurdle steps and
/// inline lunges; there the arms move through 5-20° (at most 52° in one lunge), in
/// abduction and scaption through 80-160° (VALIDATION.md §4, "Fault rules that do not
/// apply").
pub const ARM_RAISE_MIN_DEG: f64 = 45.0;

/// How far the arms move in `series` (a repetition's or a recording's measures): the larger
/// of the two sides' ranges (largest minus smallest) of arm elevation, degrees; `None`
/// without arms.
pub fn arm_movement_deg(series: &[(Measure, Vec<f64>)]) -> Option<f64> {
    series
        .iter()
        .filter(|(m, _)| m.kind == MeasureKind::ArmElevation)
        .filter_map(|(_, v)| Some(stats::argmax(v)?.1 - stats::argmin(v)?.1))
        .max_by(f64::total_cmp)
}

/// Switches off the rules on measures that are about raising the arm (shoulder elevation)
/// when the arms move through less than [`ARM_RAISE_MIN_DEG`] in a typical repetition
/// (`typical_deg`, from [`arm_movement_deg`]), with a note saying why (replacing any earlier
/// note). Returns the number of rules that were enabled and now are not.
pub fn switch_off_without_arm_raise(rules: &mut [FaultRule], typical_deg: f64) -> usize {
    // A NaN (no arm measured) switches nothing off.
    if typical_deg.is_nan() || typical_deg >= ARM_RAISE_MIN_DEG {
        return 0;
    }
    switch_off_where(
        rules,
        |c| c.measure() == Some(MeasureKind::ShoulderElevation),
        &format!(
            "not applicable: the arms move through {typical_deg:.0}° in a typical repetition, \
             and this rule is for raising the arm (at least {ARM_RAISE_MIN_DEG:.0}°)"
        ),
    )
}

/// Knee flexion the knee must reach for the knee valgus rule to be checked: 30° (*Relearn
/// default*). The frontal-plane projection angle is defined at peak knee flexion of squatting
/// and landing tasks (`clinical-spec.md` §6; Willson & Davis 2008 \[132\], Munro 2012 \[133\]),
/// in which the knee flexes 45° or more. A knee that stays nearly straight (a standing
/// shoulder exercise) has no such peak: its projection angle there is static alignment and
/// tracking error, and on UI-PRMD it flipped shoulder-exercise verdicts with the frame rate
/// (VALIDATION.md §4, "Frame rates").
pub const VALGUS_MIN_KNEE_FLEXION_DEG: f64 = 30.0;

/// The default fault rules with their sources (`clinical-spec.md` §6).
pub fn default_rules() -> Vec<FaultRule> {
    use MeasureKind::*;
    let rule = |id: &str, name: &str, check: Check, source: &str| FaultRule {
        id: id.into(),
        name: name.into(),
        check,
        window_pct: [0.0, 100.0],
        source: source.into(),
        enabled: true,
        decides_verdict: true,
        note: None,
    };
    vec![
        rule(
            "knee_valgus",
            "Knee valgus (frontal-plane projection angle at peak knee flexion)",
            Check::Threshold {
                measure: KneeFrontalPlaneProjection,
                statistic: Statistic::AtPeakOf {
                    reference: KneeFlexion,
                    min_peak: Some(VALGUS_MIN_KNEE_FLEXION_DEG),
                },
                threshold: 10.0,
                above: true,
            },
            "clinical-spec.md §6: > 10° (Relearn default between the control and \
             patellofemoral-pain means of Herrington 2014 [162]; FPPA of Willson & Davis 2008 \
             [132]); checked when the knee flexes at least 30° (Relearn default), on the leg that bears \
             weight",
        ),
        rule(
            "trunk_lateral_lean",
            "Trunk lateral lean",
            Check::Threshold {
                measure: TrunkLateralLean,
                statistic: Statistic::MaxAbs,
                threshold: 10.0,
                above: true,
            },
            "clinical-spec.md §6: > 10° (Relearn default; normal single-leg squat values of \
             Weeks 2015 [145])",
        ),
        rule(
            "lumbar_flexion",
            "Lumbar flexion in a hip hinge (change from standing)",
            Check::Threshold {
                measure: LumbarFlexion,
                statistic: Statistic::Max,
                threshold: 10.0,
                above: true,
            },
            "clinical-spec.md §6: > 10° (Relearn default, unverified; lumbopelvic rhythm of \
             Esola 1996 [139])",
        ),
        rule(
            "pelvic_drop",
            "Contralateral pelvic drop",
            Check::Threshold {
                measure: PelvicDrop,
                statistic: Statistic::Max,
                threshold: 5.0,
                above: true,
            },
            "clinical-spec.md §6: > 5° (Relearn default, unverified; Bramah 2018 [138])",
        ),
        rule(
            "shoulder_elevation",
            "Shoulder elevation (shrug) before 60° of arm elevation",
            Check::Threshold {
                measure: ShoulderElevation,
                statistic: Statistic::MaxWhileBelow {
                    reference: ArmElevation,
                    limit: 60.0,
                },
                threshold: 1.5,
                above: true,
            },
            "clinical-spec.md §6: > 1.5 cm before 60° arm elevation (Relearn default, \
             unverified)",
        ),
        rule(
            "insufficient_depth",
            "Insufficient depth compared with the demonstration",
            Check::BelowTemplateFraction {
                measure: SquatDepth,
                statistic: Statistic::Max,
                fraction: 0.8,
            },
            "Relearn default: squat depth below 80 % of the demonstration's (no published \
             threshold; clinical-spec.md §6 defines depth)",
        ),
        rule(
            "knee_asymmetry",
            "Left-right asymmetry of knee flexion",
            Check::Asymmetry {
                measure: KneeFlexion,
                statistic: Statistic::Max,
                max_percent: 10.0,
                min_magnitude: 20.0,
            },
            "clinical-spec.md §6 and §5.3: |SI| > 10 % (Relearn default; symmetry index of \
             Robinson 1987 [121])",
        ),
        rule(
            "hip_asymmetry",
            "Left-right asymmetry of hip flexion",
            Check::Asymmetry {
                measure: HipFlexion,
                statistic: Statistic::Max,
                max_percent: 10.0,
                min_magnitude: 20.0,
            },
            "clinical-spec.md §6 and §5.3: |SI| > 10 % (Relearn default; Robinson 1987 [121])",
        ),
        // Reported, not deciding: see [`TEMPO_NOTE`].
        FaultRule {
            decides_verdict: false,
            note: Some(TEMPO_NOTE.into()),
            ..rule(
                "tempo",
                "Tempo (phase durations against the demonstration)",
                Check::Tempo {
                    max_percent: 20.0,
                    min_phase_s: 0.3,
                },
                "clinical-spec.md §6: phase duration outside ±20 % of the target (Relearn \
                 default)",
            )
        },
    ]
}

/// Why the default tempo rule reports without deciding the verdict (*Relearn default*).
///
/// Its target is the demonstration's own pace, and a clinician demonstrating a squat at their
/// pace has not prescribed that pace: a patient who squats well but a little slower is told
/// so ("the return phase takes 1.3 s, 22 % longer than the demonstration") and not that the
/// squat was incorrect. When the pace is part of the exercise (a slow eccentric phase), the
/// clinician sets `decides_verdict` to `true` in the rules given to `template build --rules`.
/// Measured on UI-PRMD with one person's five correct repetitions as the template
/// (`validation/small_template.py`): the tempo rule fired on 56 % of other people's correct
/// repetitions, and deciding on it cost 3 points of their repetitions called correct
/// against 1 point of incorrect ones caught (VALIDATION.md §4, "The tempo rule").
pub const TEMPO_NOTE: &str = "a demonstration's pace is not a prescription: set \
     decides_verdict to true to prescribe it";

/// A rule broken by a repetition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultFinding {
    /// The rule's identifier.
    pub rule: String,
    /// The rule's name.
    pub name: String,
    /// The measure checked (side included).
    pub measure: String,
    /// The body part, for messages.
    pub body_part: String,
    /// The value found, in the measure's unit.
    pub value: f64,
    /// The limit it broke, in the same unit.
    pub limit: f64,
    /// The unit code, as in [`crate::score::Deviation::unit`] (`deg`, `cm`, `%leg`, `s`, `%`).
    pub unit: String,
    /// Phase of the repetition where the value occurs, percent.
    pub phase_pct: f64,
    /// Positive when the value is above the limit, negative when below.
    pub excess: f64,
}

/// What a rule needs to see of one repetition.
pub struct RepMeasures<'a> {
    /// The measures over the repetition's frames.
    pub series: &'a [(Measure, Vec<f64>)],
    /// The repetition's tempo phases.
    pub tempo: Option<&'a TempoPhases>,
    /// The leg the repetition lifts off the floor ([`crate::posture::lifted_leg`]): rules on
    /// measures defined on a weight-bearing leg ([`crate::posture::needs_weight_bearing`]:
    /// knee valgus) are not checked on it.
    pub lifted: Option<Side>,
}

impl RepMeasures<'_> {
    fn get(&self, kind: MeasureKind, side: Option<Side>) -> Option<&[f64]> {
        self.series
            .iter()
            .find(|(m, _)| m.kind == kind && m.side == side)
            .map(|(_, v)| v.as_slice())
    }
}

/// The statistic of `values` (already cut to the window) and the index where it occurs.
pub fn statistic(
    stat: Statistic,
    values: &[f64],
    reference: Option<&[f64]>,
) -> Option<(f64, usize)> {
    match stat {
        Statistic::Max => stats::argmax(values).map(|(i, v)| (v, i)),
        Statistic::Min => stats::argmin(values).map(|(i, v)| (v, i)),
        Statistic::MaxAbs => values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .map(|(i, v)| (*v, i)),
        Statistic::AtPeakOf { min_peak, .. } => {
            let r = reference?;
            let (i, peak) = stats::argmax(r)?;
            if min_peak.is_some_and(|min| peak < min) {
                return None;
            }
            Some((value_at_peak_of(values, r, AT_PEAK_TOLERANCE)?, i))
        }
        Statistic::MaxWhileBelow { limit, .. } => {
            let r = reference?;
            let end = r
                .iter()
                .position(|x| x.is_finite() && *x >= limit)
                .unwrap_or(r.len());
            stats::argmax(values.get(..end)?).map(|(i, v)| (v, i))
        }
    }
}

fn reference_kind(stat: Statistic) -> Option<MeasureKind> {
    match stat {
        Statistic::AtPeakOf { reference, .. } | Statistic::MaxWhileBelow { reference, .. } => {
            Some(reference)
        }
        _ => None,
    }
}

fn window(values: &[f64], w: [f64; 2]) -> (&[f64], usize) {
    let n = values.len();
    let a = ((w[0].clamp(0.0, 100.0) / 100.0) * n as f64).floor() as usize;
    let b = ((w[1].clamp(0.0, 100.0) / 100.0) * n as f64).ceil() as usize;
    let b = b.clamp(a.min(n), n);
    (values.get(a.min(n)..b).unwrap_or(&[]), a)
}

/// The sides a measure kind is evaluated on: not a lifted leg for a measure defined on a
/// weight-bearing one.
fn sides_of(kind: MeasureKind, rep: &RepMeasures<'_>) -> Vec<Option<Side>> {
    if rep.get(kind, None).is_some() {
        vec![None]
    } else {
        let weight_bearing = crate::posture::needs_weight_bearing(kind);
        Side::BOTH
            .iter()
            .map(|s| Some(*s))
            .filter(|s| rep.get(kind, *s).is_some())
            .filter(|s| !(weight_bearing && *s == rep.lifted))
            .collect()
    }
}

/// Value of a rule's statistic for one measure side: (value, phase %).
pub fn rule_statistic(
    rule: &FaultRule,
    kind: MeasureKind,
    stat: Statistic,
    side: Option<Side>,
    rep: &RepMeasures<'_>,
) -> Option<(f64, f64)> {
    let values = rep.get(kind, side)?;
    let n = values.len().max(1);
    let (win, offset) = window(values, rule.window_pct);
    let reference = reference_kind(stat)
        .and_then(|k| rep.get(k, side).or_else(|| rep.get(k, None)))
        .map(|r| window(r, rule.window_pct).0);
    let (v, i) = statistic(stat, win, reference)?;
    Some((v, (offset + i) as f64 / n as f64 * 100.0))
}

/// Evaluates the enabled rules on one repetition. `template_values` gives the template's
/// statistic for [`Check::BelowTemplateFraction`] rules (by rule id and measure id), and
/// `template_tempo` its tempo phases.
pub fn evaluate(
    rules: &[FaultRule],
    rep: &RepMeasures<'_>,
    template_values: &[(String, String, f64)],
    template_tempo: Option<&TempoPhases>,
) -> Vec<FaultFinding> {
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| r.enabled) {
        match &rule.check {
            Check::Threshold {
                measure,
                statistic: stat,
                threshold,
                above,
            } => {
                for side in sides_of(*measure, rep) {
                    let m = Measure {
                        kind: *measure,
                        side,
                    };
                    let Some((v, phase)) = rule_statistic(rule, *measure, *stat, side, rep) else {
                        continue;
                    };
                    let broken = if *above {
                        v > *threshold
                    } else {
                        v < *threshold
                    };
                    // MaxAbs rules compare the magnitude.
                    let broken = if matches!(stat, Statistic::MaxAbs) {
                        v.abs() > *threshold
                    } else {
                        broken
                    };
                    if broken {
                        out.push(finding(rule, &m, v, *threshold, phase));
                    }
                }
            }
            Check::BelowTemplateFraction {
                measure,
                statistic: stat,
                fraction,
            } => {
                for side in sides_of(*measure, rep) {
                    let m = Measure {
                        kind: *measure,
                        side,
                    };
                    let Some(tv) = template_values
                        .iter()
                        .find(|(r, mid, _)| *r == rule.id && *mid == m.id())
                        .map(|x| x.2)
                    else {
                        continue;
                    };
                    let Some((v, phase)) = rule_statistic(rule, *measure, *stat, side, rep) else {
                        continue;
                    };
                    let limit = fraction * tv;
                    if tv > 0.0 && v < limit {
                        out.push(finding(rule, &m, v, limit, phase));
                    }
                }
            }
            Check::Asymmetry {
                measure,
                statistic: stat,
                max_percent,
                min_magnitude,
            } => {
                let l = rule_statistic(rule, *measure, *stat, Some(Side::Left), rep);
                let r = rule_statistic(rule, *measure, *stat, Some(Side::Right), rep);
                if let (Some((lv, lp)), Some((rv, _))) = (l, r) {
                    if lv.abs().max(rv.abs()) < *min_magnitude {
                        continue;
                    }
                    if let Some(si) = stats::symmetry_index(lv, rv) {
                        if si.abs() > *max_percent {
                            let m = Measure {
                                kind: *measure,
                                side: None,
                            };
                            let mut f = finding(rule, &m, si, *max_percent * si.signum(), lp);
                            f.unit = "%".into();
                            f.body_part = if si > 0.0 {
                                "left side (more than the right)".into()
                            } else {
                                "right side (more than the left)".into()
                            };
                            out.push(f);
                        }
                    }
                }
            }
            Check::Tempo {
                max_percent,
                min_phase_s,
            } => {
                let (Some(t), Some(tt)) = (rep.tempo, template_tempo) else {
                    continue;
                };
                for (name, v, target, phase) in [
                    ("lowering phase", t.outward_s, tt.outward_s, 25.0),
                    ("pause at the turning point", t.pause_s, tt.pause_s, 50.0),
                    ("return phase", t.return_s, tt.return_s, 75.0),
                ] {
                    if target < *min_phase_s {
                        continue;
                    }
                    let dev = (v - target) / target * 100.0;
                    if dev.abs() > *max_percent {
                        out.push(FaultFinding {
                            rule: rule.id.clone(),
                            name: rule.name.clone(),
                            measure: "tempo".into(),
                            body_part: name.into(),
                            value: v,
                            limit: target * (1.0 + max_percent.copysign(dev) / 100.0),
                            unit: "s".into(),
                            phase_pct: phase,
                            excess: dev,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The short code of a unit (`deg`, `cm`, `%leg`, `s`, `%`), as serialised.
pub fn unit_code(u: crate::measures::Unit) -> String {
    serde_json::to_value(u)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn finding(rule: &FaultRule, m: &Measure, v: f64, limit: f64, phase: f64) -> FaultFinding {
    FaultFinding {
        rule: rule.id.clone(),
        name: rule.name.clone(),
        measure: m.id(),
        body_part: m.body_part(),
        value: v,
        limit,
        unit: unit_code(m.unit()),
        phase_pct: phase,
        excess: v - limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(series: Vec<(Measure, Vec<f64>)>) -> Vec<(Measure, Vec<f64>)> {
        series
    }

    /// The default rules on one repetition's measures, without a template or tempo.
    fn evaluate_defaults(series: &[(Measure, Vec<f64>)]) -> Vec<FaultFinding> {
        evaluate(
            &default_rules(),
            &RepMeasures {
                series,
                tempo: None,
                lifted: None,
            },
            &[],
            None,
        )
    }

    #[test]
    fn valgus_above_10_degrees_at_peak_flexion_is_a_fault_on_that_side_only() {
        let flex: Vec<f64> = (0..50)
            .map(|i| 100.0 * (i as f64 / 49.0 * std::f64::consts::PI).sin())
            .collect();
        let valgus_l: Vec<f64> = flex.iter().map(|f| f * 0.14).collect();
        let valgus_r: Vec<f64> = flex.iter().map(|f| f * 0.05).collect();
        let s = rep(vec![
            (
                Measure::sided(MeasureKind::KneeFlexion, Side::Left),
                flex.clone(),
            ),
            (Measure::sided(MeasureKind::KneeFlexion, Side::Right), flex),
            (
                Measure::sided(MeasureKind::KneeFrontalPlaneProjection, Side::Left),
                valgus_l,
            ),
            (
                Measure::sided(MeasureKind::KneeFrontalPlaneProjection, Side::Right),
                valgus_r,
            ),
        ]);
        let found = evaluate_defaults(&s);
        let valgus: Vec<_> = found.iter().filter(|f| f.rule == "knee_valgus").collect();
        assert_eq!(valgus.len(), 1);
        assert_eq!(valgus[0].measure, "left_knee_valgus_fppa");
        assert!((valgus[0].value - 14.0).abs() < 0.5, "{}", valgus[0].value);
        assert!((valgus[0].phase_pct - 50.0).abs() < 5.0);
    }

    #[test]
    fn valgus_is_judged_on_the_leg_that_bears_weight_not_on_the_one_lifted() {
        // Both knees flex 60° with 20° of projection angle. Lifted, a leg bears no weight and
        // its projection angle is not dynamic valgus (a raised leg's ankle folded back onto
        // the knee by the tracking); the other leg is still judged.
        let flex: Vec<f64> = (0..50)
            .map(|i| 60.0 * (i as f64 / 49.0 * std::f64::consts::PI).sin())
            .collect();
        let mut series = Vec::new();
        for side in Side::BOTH {
            series.push((Measure::sided(MeasureKind::KneeFlexion, side), flex.clone()));
            series.push((
                Measure::sided(MeasureKind::KneeFrontalPlaneProjection, side),
                vec![20.0; 50],
            ));
        }
        let s = rep(series);
        let judged = |lifted| {
            let mut found: Vec<String> = evaluate(
                &default_rules(),
                &RepMeasures {
                    series: &s,
                    tempo: None,
                    lifted,
                },
                &[],
                None,
            )
            .into_iter()
            .filter(|f| f.rule == "knee_valgus")
            .map(|f| f.measure)
            .collect();
            found.sort();
            found
        };
        assert_eq!(
            judged(None),
            ["left_knee_valgus_fppa", "right_knee_valgus_fppa"]
        );
        assert_eq!(judged(Some(Side::Left)), ["right_knee_valgus_fppa"]);
        assert_eq!(judged(Some(Side::Right)), ["left_knee_valgus_fppa"]);
    }

    #[test]
    fn valgus_is_not_judged_on_a_knee_that_stays_nearly_straight() {
        // Knee flexion peaking at 25° (a standing exercise) with a 20° projection angle: the
        // angle at "peak flexion" is static alignment, not dynamic valgus. At 35° it counts.
        for (peak, faults) in [(25.0, 0), (35.0, 1)] {
            let flex: Vec<f64> = (0..50)
                .map(|i| peak * (i as f64 / 49.0 * std::f64::consts::PI).sin())
                .collect();
            let s = rep(vec![
                (Measure::sided(MeasureKind::KneeFlexion, Side::Left), flex),
                (
                    Measure::sided(MeasureKind::KneeFrontalPlaneProjection, Side::Left),
                    vec![20.0; 50],
                ),
            ]);
            let found = evaluate_defaults(&s);
            let valgus = found.iter().filter(|f| f.rule == "knee_valgus").count();
            assert_eq!(valgus, faults, "peak {peak}°");
        }
    }

    #[test]
    fn disabled_rules_are_not_applied() {
        let s = rep(vec![(
            Measure::midline(MeasureKind::TrunkLateralLean),
            vec![0.0, 25.0, 0.0],
        )]);
        let mut rules = default_rules();
        let found = evaluate(
            &rules,
            &RepMeasures {
                series: &s,
                tempo: None,
                lifted: None,
            },
            &[],
            None,
        );
        assert_eq!(found.len(), 1);
        rules.iter_mut().for_each(|r| r.enabled = false);
        assert!(evaluate(
            &rules,
            &RepMeasures {
                series: &s,
                tempo: None,
                lifted: None,
            },
            &[],
            None
        )
        .is_empty());
    }

    #[test]
    fn asymmetry_compares_left_and_right_peaks() {
        let s = rep(vec![
            (
                Measure::sided(MeasureKind::KneeFlexion, Side::Left),
                vec![0.0, 100.0, 0.0],
            ),
            (
                Measure::sided(MeasureKind::KneeFlexion, Side::Right),
                vec![0.0, 80.0, 0.0],
            ),
        ]);
        let found = evaluate_defaults(&s);
        let a: Vec<_> = found
            .iter()
            .filter(|f| f.rule == "knee_asymmetry")
            .collect();
        assert_eq!(a.len(), 1);
        assert!((a[0].value - 22.22).abs() < 0.1);
    }

    #[test]
    fn depth_below_80_percent_of_the_template_is_a_fault() {
        let s = rep(vec![(
            Measure::midline(MeasureKind::SquatDepth),
            vec![0.0, 20.0, 0.0],
        )]);
        let tv = vec![(
            "insufficient_depth".to_string(),
            "squat_depth".to_string(),
            30.0,
        )];
        let found = evaluate(
            &default_rules(),
            &RepMeasures {
                series: &s,
                tempo: None,
                lifted: None,
            },
            &tv,
            None,
        );
        assert!(found
            .iter()
            .any(|f| f.rule == "insufficient_depth" && (f.limit - 24.0).abs() < 1e-9));
        let tv_ok = vec![(
            "insufficient_depth".to_string(),
            "squat_depth".to_string(),
            22.0,
        )];
        let ok = evaluate(
            &default_rules(),
            &RepMeasures {
                series: &s,
                tempo: None,
                lifted: None,
            },
            &tv_ok,
            None,
        );
        assert!(!ok.iter().any(|f| f.rule == "insufficient_depth"));
    }

    #[test]
    fn default_rules_round_trip_through_json() {
        let rules = default_rules();
        let json = serde_json::to_string_pretty(&rules).unwrap();
        let back: Vec<FaultRule> = serde_json::from_str(&json).unwrap();
        assert_eq!(rules, back);
        assert!(rules
            .iter()
            .all(|r| r.source.contains('§') || r.source.contains("Relearn")));
    }

    #[test]
    fn a_seated_posture_switches_off_exactly_the_rules_for_standing_movements() {
        use crate::posture::{Posture, PostureEstimate};
        let estimate = |posture| PostureEstimate {
            posture,
            seated_share: 0.9,
            frames_measured: 100,
        };
        for posture in [Posture::Standing, Posture::Mixed] {
            let mut rules = default_rules();
            assert_eq!(switch_off_for_posture(&mut rules, &estimate(posture)), 0);
            assert_eq!(rules, default_rules());
        }
        let mut rules = default_rules();
        let n = switch_off_for_posture(&mut rules, &estimate(Posture::Seated));
        let off: Vec<&str> = rules
            .iter()
            .filter(|r| !r.enabled)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(off, ["knee_valgus", "pelvic_drop", "insufficient_depth"]);
        assert_eq!(n, 3);
        assert!(rules
            .iter()
            .filter(|r| !r.enabled)
            .all(|r| r.note.as_deref().is_some_and(|n| n.contains("seated"))));
    }

    #[test]
    fn shoulder_elevation_is_not_checked_when_the_arms_are_not_raised() {
        let arms = |range: f64| -> Vec<(Measure, Vec<f64>)> {
            vec![
                (
                    Measure::sided(MeasureKind::ArmElevation, Side::Left),
                    vec![10.0, 10.0 + range / 2.0, 10.0 + range, f64::NAN, 12.0],
                ),
                (
                    Measure::sided(MeasureKind::ArmElevation, Side::Right),
                    vec![8.0, 9.0, 10.0, 9.0, 8.0],
                ),
            ]
        };
        assert_eq!(arm_movement_deg(&arms(120.0)), Some(120.0));
        assert_eq!(arm_movement_deg(&arms(0.0)), Some(2.0));
        assert_eq!(arm_movement_deg(&[]), None);
        let mut rules = default_rules();
        assert_eq!(switch_off_without_arm_raise(&mut rules, 120.0), 0);
        assert_eq!(switch_off_without_arm_raise(&mut rules, f64::NAN), 0);
        assert_eq!(rules, default_rules());
        assert_eq!(switch_off_without_arm_raise(&mut rules, 12.0), 1);
        let off: Vec<&FaultRule> = rules.iter().filter(|r| !r.enabled).collect();
        assert_eq!(off.len(), 1);
        assert_eq!(off[0].id, "shoulder_elevation");
        let note = off[0].note.as_deref().unwrap();
        assert!(note.contains("arms move through 12°"), "{note}");
    }

    #[test]
    fn pelvic_drop_is_not_checked_on_both_feet_nor_asymmetry_on_one_leg() {
        use crate::posture::{Stance, StanceEstimate};
        let estimate = |stance, one_leg_share| StanceEstimate {
            stance,
            one_leg_share,
            frames_measured: 100,
        };
        // On one leg the pelvic drop rule stays, and the asymmetry rules go: a leg raise moves
        // one leg by design.
        let mut rules = default_rules();
        assert_eq!(
            switch_off_for_stance(&mut rules, &estimate(Stance::OneLeg, 0.4)),
            2
        );
        let off: Vec<&str> = rules
            .iter()
            .filter(|r| !r.enabled)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(off, ["knee_asymmetry", "hip_asymmetry"]);
        assert!(rules.iter().filter(|r| !r.enabled).all(|r| r
            .note
            .as_deref()
            .unwrap()
            .contains("two sides")));
        let mut rules = default_rules();
        let n = switch_off_for_stance(&mut rules, &estimate(Stance::BothFeet, 0.01));
        let off: Vec<&FaultRule> = rules.iter().filter(|r| !r.enabled).collect();
        assert_eq!(n, 1);
        assert_eq!(off.len(), 1);
        assert_eq!(off[0].id, "pelvic_drop");
        let note = off[0].note.as_deref().unwrap();
        assert!(
            note.contains("on both feet") && note.contains("one leg"),
            "{note}"
        );
        // Already off (say, broken by the demonstration): the stance is the reason given, and
        // it is not counted again.
        let mut rules = default_rules();
        rules[3].enabled = false;
        rules[3].note = Some("switched off: the demonstration itself breaks it".into());
        assert_eq!(
            switch_off_for_stance(&mut rules, &estimate(Stance::BothFeet, 0.0)),
            0
        );
        assert!(rules[3]
            .note
            .as_deref()
            .unwrap()
            .starts_with("not applicable"));
    }
}
