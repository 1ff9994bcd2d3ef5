//! The moments a report points at: fault rules broken and differences from the demonstration,
//! each placed in time inside its repetition, so that the table, the plots and the replay
//! all show the same findings at the same instants.
//!
//! A fault rule found by the analysis and the same rule reported as a deviation by the score
//! are one moment (the analysis gives the clinical numbers, the score's deviation the
//! sentence); differences from the demonstration come from the score alone.

use relearn_motion::analysis::Analysis;
use relearn_motion::faults::FaultFinding;
use relearn_motion::score::{Deviation, DeviationSource};

/// Half-width of the highlighted strip around a moment, as a share of the repetition's
/// duration (a phase percentage is a point; the eye needs a visible strip), at least
/// [`MIN_HALF_WIDTH_S`].
pub(crate) const HALF_WIDTH_SHARE: f64 = 0.04;
/// Smallest half-width of a highlighted strip, seconds.
pub(crate) const MIN_HALF_WIDTH_S: f64 = 0.15;

/// One finding placed in time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Moment {
    /// Repetition number (1-based).
    pub rep: usize,
    /// Measure identifier (`left_knee_valgus_fppa`, `tempo`, `left_knee.up`).
    pub measure: String,
    /// A fault rule or a difference from the demonstration.
    pub source: DeviationSource,
    /// Fractional frame of the recording where it occurs.
    pub frame: f64,
    /// Half-width of the highlighted strip, frames.
    pub half_width_frames: f64,
    /// Phase of the movement, percent.
    pub phase_pct: f64,
    /// The clinical line for the table ("Knee valgus …: 12.3° (limit 10°)").
    pub clinical: String,
    /// The plain-language sentence (patients read it in the replay).
    pub sentence: String,
}

/// Every moment of an analysis, in repetition order, rules first.
pub(crate) fn moments(a: &Analysis, start_time_s: f64) -> Vec<Moment> {
    let rate = a.rate_hz.max(f64::EPSILON);
    let mut out = Vec::new();
    let mut placed_reps = Vec::new();
    for r in &a.repetitions {
        let rep = &r.repetition;
        placed_reps.push(rep.number);
        let len = rep.end_frame.saturating_sub(rep.start_frame).max(1) as f64;
        let span = Span {
            rep: rep.number,
            start_frame: rep.start_frame as f64,
            frames: len,
            rate,
        };
        let score_rep = a
            .score
            .as_ref()
            .and_then(|s| s.reps.iter().find(|x| x.number == rep.number));
        for f in &r.faults {
            let dev = score_rep.and_then(|s| {
                s.deviations.iter().find(|d| {
                    d.source == DeviationSource::Rule
                        && d.rule.as_deref() == Some(f.rule.as_str())
                        && d.measure == f.measure
                })
            });
            out.push(span.place(
                &f.measure,
                DeviationSource::Rule,
                f.phase_pct,
                fault_clinical(f),
                dev.map_or_else(|| fault_sentence(f), |d| sentence_case(&d.message)),
            ));
        }
        if let Some(s) = score_rep {
            for d in &s.deviations {
                let already = d.source == DeviationSource::Rule
                    && r.faults.iter().any(|f| {
                        d.rule.as_deref() == Some(f.rule.as_str()) && f.measure == d.measure
                    });
                if !already {
                    out.push(span.place_deviation(d));
                }
            }
        }
    }
    // A score computed apart from the analysis may have repetitions the analysis lacks: place
    // them by their own times.
    if let Some(s) = &a.score {
        for sr in s.reps.iter().filter(|x| !placed_reps.contains(&x.number)) {
            let start = ((sr.start_s - start_time_s) * rate).max(0.0);
            let span = Span {
                rep: sr.number,
                start_frame: start,
                frames: (sr.duration_s * rate).max(1.0),
                rate,
            };
            out.extend(sr.deviations.iter().map(|d| span.place_deviation(d)));
        }
    }
    out
}

/// Where a repetition lies, to place phases in it.
struct Span {
    rep: usize,
    start_frame: f64,
    frames: f64,
    rate: f64,
}

impl Span {
    /// Phase 0 % is the repetition's first frame and 100 % its last, as in the time
    /// normalisation of `relearn_motion::compare`.
    fn place(
        &self,
        measure: &str,
        source: DeviationSource,
        phase_pct: f64,
        clinical: String,
        sentence: String,
    ) -> Moment {
        let phase = phase_pct.clamp(0.0, 100.0);
        let half = (HALF_WIDTH_SHARE * self.frames).max(MIN_HALF_WIDTH_S * self.rate);
        Moment {
            rep: self.rep,
            measure: measure.to_string(),
            source,
            frame: self.start_frame + phase / 100.0 * (self.frames - 1.0).max(0.0),
            half_width_frames: half,
            phase_pct: phase,
            clinical,
            sentence,
        }
    }

    fn place_deviation(&self, d: &Deviation) -> Moment {
        self.place(
            &d.measure,
            d.source,
            d.phase_pct,
            deviation_clinical(d),
            sentence_case(&d.message),
        )
    }
}

/// Short unit text after a number ("°", " cm"), from a unit code (`deg`, as deviations carry
/// it) or a unit word (`degrees`, as fault findings carry it).
pub(crate) fn unit_suffix(unit: &str) -> &'static str {
    match unit {
        "deg" | "degrees" => "°",
        "cm" => " cm",
        "%leg" | "% of leg length" => " % of leg length",
        "%" => " %",
        "s" => " s",
        "%body" => " % of body size",
        _ => "",
    }
}

/// A number with one decimal for the clinician's table.
pub(crate) fn one_decimal(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "–".into()
    }
}

fn fault_clinical(f: &FaultFinding) -> String {
    let u = unit_suffix(&f.unit);
    format!(
        "{}: {}{u} (limit {}{u}), {} at {:.0} %",
        f.name,
        one_decimal(f.value),
        one_decimal(f.limit),
        f.body_part,
        f.phase_pct
    )
}

fn fault_sentence(f: &FaultFinding) -> String {
    let u = unit_suffix(&f.unit);
    sentence_case(&format!(
        "{}: {}{u}, beyond the limit of {}{u}",
        f.body_part,
        one_decimal(f.value),
        one_decimal(f.limit)
    ))
}

fn deviation_clinical(d: &Deviation) -> String {
    let u = unit_suffix(&d.unit);
    let mut s = format!(
        "{}: {}{u} {}, {} ({:.0} %)",
        d.body_part,
        one_decimal(d.size.abs()),
        d.direction,
        d.phase,
        d.phase_pct
    );
    if let Some(z) = d.z {
        s.push_str(&format!(", z = {z:.1}"));
    }
    if let Some(l) = d.limit {
        s.push_str(&format!(", limit {}{u}", one_decimal(l)));
    }
    if d.exceeds_mdc == Some(false) {
        s.push_str(", within measurement error");
    }
    s
}

/// The text with its first letter in upper case.
pub(crate) fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_and_words_give_the_same_suffix() {
        assert_eq!(unit_suffix("deg"), unit_suffix("degrees"));
        assert_eq!(unit_suffix("%leg"), unit_suffix("% of leg length"));
        assert_eq!(unit_suffix("cm"), " cm");
        assert_eq!(unit_suffix("furlongs"), "");
    }

    #[test]
    fn sentence_case_capitalises_only_the_first_letter() {
        assert_eq!(sentence_case("left knee drifts"), "Left knee drifts");
        assert_eq!(sentence_case("élan"), "Élan");
        assert_eq!(sentence_case(""), "");
    }

    #[test]
    fn phases_are_placed_from_first_to_last_frame_of_the_repetition() {
        let span = Span {
            rep: 2,
            start_frame: 100.0,
            frames: 91.0,
            rate: 30.0,
        };
        let m = span.place(
            "x",
            DeviationSource::Rule,
            50.0,
            String::new(),
            String::new(),
        );
        assert_eq!(m.frame, 145.0);
        assert_eq!(
            span.place(
                "x",
                DeviationSource::Rule,
                100.0,
                String::new(),
                String::new()
            )
            .frame,
            190.0
        );
        assert_eq!(
            span.place(
                "x",
                DeviationSource::Rule,
                -5.0,
                String::new(),
                String::new()
            )
            .frame,
            100.0
        );
        // 4 % of 91 frames is below 0.15 s at 30 Hz (4.5 frames).
        assert!((m.half_width_frames - 4.5).abs() < 1e-9);
    }
}
