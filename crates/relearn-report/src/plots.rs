//! The analysis plots: every clinical measure over the whole recording with the repetitions
//! shaded, the demonstration's normal band under each repetition and the findings marked; and
//! the primary movement signal with the repetition boundaries.

use crate::moments::Moment;
use crate::svg::{line_chart_svg, palette, Band, LineChart, Marker, Series, Span};
use crate::ReportInput;
use relearn_motion::channels::Channel;
use relearn_motion::measures::{subtract_start, Measure, Unit};

/// Number of standard deviations either side of the demonstration's mean drawn as its normal
/// band: 2, the |z| from which the scoring reports a difference (`TemplateSettings::deviation_z`
/// default), so a curve leaving the band is what the scoring calls a deviation.
pub const BAND_SD: f64 = 2.0;

/// Template points kept per pixel of a repetition's width when drawing its band: one every
/// 3 px is indistinguishable from all 101 and keeps long recordings small.
const BAND_PX_PER_POINT: f64 = 3.0;

/// One measure's chart.
pub(crate) struct MeasureFigure {
    /// The measure.
    pub measure: Measure,
    /// Heading ("Left knee flexion").
    pub heading: String,
    /// The chart.
    pub svg: String,
    /// Findings marked on it.
    pub findings: usize,
}

/// Smallest y span of a measure's chart in its unit, so that a flat but noisy signal looks
/// flat: 10° (against errors of 2-5° for marker-based systems and an SEM of about 9-10° for
/// depth cameras, `clinical-spec.md` §6 measurement-error table, McGinley 2009 \[146\], Ressman
/// 2020 \[136\]), 4 cm, 10 % of leg length (*Relearn defaults*).
fn min_span(unit: Unit) -> f64 {
    match unit {
        Unit::Degrees => 10.0,
        Unit::Centimetres => 4.0,
        Unit::PercentLegLength | Unit::Percent => 10.0,
        Unit::Seconds => 1.0,
    }
}

/// Axis label of a unit.
fn unit_axis(unit: Unit) -> &'static str {
    match unit {
        Unit::Degrees => "angle (°)",
        Unit::Centimetres => "change (cm)",
        Unit::PercentLegLength => "depth (% of leg length)",
        Unit::Seconds => "time (s)",
        Unit::Percent => "%",
    }
}

/// Whether a finding about `measure_id` belongs on the chart of `m`: the same measure, or a
/// left-right finding (no side) about its kind.
fn finding_is_about(measure_id: &str, m: &Measure) -> bool {
    measure_id == m.id() || (m.side.is_some() && measure_id == Measure::midline(m.kind).id())
}

fn rep_spans(input: &ReportInput<'_>) -> Vec<Span> {
    let rate = input.analysis.rate_hz.max(f64::EPSILON);
    input
        .analysis
        .repetitions
        .iter()
        .map(|r| Span {
            x0: r.repetition.start_frame as f64 / rate,
            x1: r.repetition.end_frame as f64 / rate,
            label: Some(r.repetition.number.to_string()),
            colour: palette::BLACK.into(),
            opacity: 0.07,
        })
        .collect()
}

/// The patient's curve: one value per frame, against time in seconds.
fn patient_series(values: &[f64], rate: f64) -> Series {
    Series {
        label: Some("patient".into()),
        colour: palette::BLUE.into(),
        width: 2.0,
        dash: None,
        points: values
            .iter()
            .enumerate()
            .map(|(f, v)| (f as f64 / rate, *v))
            .collect(),
    }
}

fn markers(moments: &[&Moment], values: &[f64], rate: f64) -> Vec<Marker> {
    moments
        .iter()
        .map(|m| {
            let y = values
                .get(m.frame.round().max(0.0) as usize)
                .copied()
                .filter(|v| v.is_finite());
            Marker {
                x: m.frame / rate,
                y,
                half_width: m.half_width_frames / rate,
                label: format!("Repetition {}: {}", m.rep, m.sentence),
                colour: palette::VERMILLION.into(),
            }
        })
        .collect()
}

/// The value a measure relative to the start of a repetition is offset by in the whole
/// recording: what `relearn_motion::measures::subtract_start` (the definition the template's
/// curves were made with) removes from the repetition's values.
fn start_offset(values: &[f64], rate: f64) -> f64 {
    let mut shifted = values.to_vec();
    subtract_start(&mut shifted, rate);
    values
        .iter()
        .zip(&shifted)
        .find(|(v, _)| v.is_finite())
        .map_or(0.0, |(v, s)| v - s)
}

/// The demonstration's band and mean for one measure under every repetition.
fn template_layers(
    input: &ReportInput<'_>,
    m: &Measure,
    values: &[f64],
    plot_px: f64,
) -> (Vec<Band>, Vec<Series>) {
    let Some(t) = input.template else {
        return (Vec::new(), Vec::new());
    };
    let r = &t.reference;
    let absolute = r.absolute_mean();
    let Some(k) = r
        .channels
        .iter()
        .position(|c| matches!(c, Channel::Measure { measure } if measure == m))
    else {
        return (Vec::new(), Vec::new());
    };
    let c = r.channels.len();
    let rate = input.analysis.rate_hz.max(f64::EPSILON);
    let duration = input.analysis.duration_s.max(f64::EPSILON);
    let last = r.points.saturating_sub(1).max(1);
    let mut bands = Vec::new();
    let mut means = Vec::new();
    for rep in &input.analysis.repetitions {
        let rep = &rep.repetition;
        let (a, b) = (rep.start_frame, rep.end_frame);
        if b <= a + 1 {
            continue;
        }
        // A repetition done on the other side was compared with the mirrored demonstration:
        // draw that, the person's channel k being the reference's mirror channel.
        let mirrored = input.repetition_mirrored(a, b);
        let (k, sign) = match r.mirror_index.get(k) {
            Some(&m) if mirrored => (m, r.mirror_sign.get(k).copied().unwrap_or(1.0)),
            _ => (k, 1.0),
        };
        let offset = if m.relative_to_start() {
            start_offset(values.get(a..b.min(values.len())).unwrap_or(&[]), rate)
        } else {
            0.0
        };
        let width_px = (b - a) as f64 / rate / duration * plot_px;
        let keep = ((width_px / BAND_PX_PER_POINT).ceil() as usize).clamp(2, r.points.max(2));
        let step = (last as f64 / (keep - 1) as f64).max(1.0);
        let mut idx: Vec<usize> = (0..keep)
            .map(|i| ((i as f64 * step).round() as usize).min(last))
            .collect();
        idx.dedup();
        let mut band = Vec::with_capacity(idx.len());
        let mut mean = Vec::with_capacity(idx.len());
        for i in idx {
            let (Some(mu), Some(sd)) = (absolute.get(i * c + k), r.sd_eff.get(i * c + k)) else {
                continue;
            };
            let mu = sign * mu;
            // Linear time mapping: point i of the demonstration onto the repetition's frames.
            let frame = a as f64 + i as f64 / last as f64 * (b - 1 - a) as f64;
            let x = frame / rate;
            band.push((x, mu + offset - BAND_SD * sd, mu + offset + BAND_SD * sd));
            mean.push((x, mu + offset));
        }
        bands.push(Band {
            label: Some(format!("demonstration ±{BAND_SD:.0} SD")),
            colour: palette::GREEN.into(),
            opacity: 0.28,
            points: band,
        });
        means.push(Series {
            label: Some("demonstration mean".into()),
            colour: palette::ORANGE.into(),
            width: 1.5,
            dash: Some("5 3".into()),
            points: mean,
        });
    }
    (bands, means)
}

const CHART_WIDTH: f64 = 520.0;
/// Plot area width of a [`CHART_WIDTH`] chart (minus the axis margins of `svg`).
const PLOT_PX: f64 = CHART_WIDTH - 72.0;

/// A chart for every measure of the recording, the ones with findings first, left and right
/// of a kind next to each other.
pub(crate) fn measure_figures(input: &ReportInput<'_>, moments: &[Moment]) -> Vec<MeasureFigure> {
    let rate = input.analysis.rate_hz.max(f64::EPSILON);
    let spans = rep_spans(input);
    let mut figures: Vec<MeasureFigure> = Vec::new();
    for (m, values) in &input.prepared.measures.series {
        let mine: Vec<&Moment> = moments
            .iter()
            .filter(|x| finding_is_about(&x.measure, m))
            .collect();
        let heading = crate::moments::sentence_case(&m.label());
        let id = format!("chart-{}", m.id());
        let mut chart = LineChart::new(&id, &heading);
        chart.width = CHART_WIDTH;
        chart.height = 240.0;
        chart.x_label = "time (s)".into();
        chart.y_label = unit_axis(m.unit()).into();
        chart.y_min_span = min_span(m.unit());
        chart.x_domain = Some([0.0, input.analysis.duration_s.max(f64::EPSILON)]);
        chart.spans = spans.clone();
        chart.span_label = Some("repetition".into());
        let (bands, means) = template_layers(input, m, values, PLOT_PX);
        let has_band = !bands.is_empty();
        chart.bands = bands;
        chart.series.push(patient_series(values, rate));
        chart.series.extend(means);
        chart.markers = markers(&mine, values, rate);
        chart.marker_label = Some("fault or deviation".into());
        chart.description = format!(
            "{heading} over the whole recording, in {}; {} repetitions shaded{}; {}.",
            m.unit().word(),
            spans.len(),
            if has_band {
                format!(
                    "; the demonstration's normal band (mean ± {BAND_SD:.0} SD) under each \
                     repetition"
                )
            } else {
                String::new()
            },
            match mine.len() {
                0 => "no findings".to_string(),
                1 => "1 finding marked".to_string(),
                k => format!("{k} findings marked"),
            }
        );
        figures.push(MeasureFigure {
            measure: *m,
            heading,
            svg: line_chart_svg(&chart),
            findings: mine.len(),
        });
    }
    // Kinds with findings first; the sort is stable, so report order (left before right) is
    // kept otherwise.
    let keys: Vec<(bool, usize)> = figures
        .iter()
        .map(|f| {
            let same_kind = |g: &&MeasureFigure| g.measure.kind == f.measure.kind;
            let first = figures.iter().position(|g| same_kind(&g)).unwrap_or(0);
            let flagged = figures.iter().filter(same_kind).any(|g| g.findings > 0);
            (!flagged, first)
        })
        .collect();
    let mut keyed: Vec<((bool, usize), MeasureFigure)> = keys.into_iter().zip(figures).collect();
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// The primary movement signal with the repetitions, the demonstration's curve under each
/// and every finding marked.
pub(crate) fn primary_figure(input: &ReportInput<'_>, moments: &[Moment]) -> String {
    let a = input.analysis;
    let rate = a.rate_hz.max(f64::EPSILON);
    let mut chart = LineChart::new("chart-primary", "Movement over time");
    chart.width = 960.0;
    chart.height = 260.0;
    chart.x_label = "time (s)".into();
    chart.y_label = "movement (0 = rest, 1 = turn)".into();
    chart.x_domain = Some([0.0, a.duration_s.max(f64::EPSILON)]);
    chart.spans = rep_spans(input);
    chart.span_label = Some("repetition".into());
    chart.series.push(patient_series(&a.primary_signal, rate));
    if let Some(t) = input.template.filter(|t| t.primary_curve.len() >= 2) {
        let last = (t.primary_curve.len() - 1) as f64;
        for r in &a.repetitions {
            let (s, e) = (r.repetition.start_frame, r.repetition.end_frame);
            if e <= s + 1 {
                continue;
            }
            chart.series.push(Series {
                label: Some("demonstration".into()),
                colour: palette::ORANGE.into(),
                width: 1.5,
                dash: Some("5 3".into()),
                points: t
                    .primary_curve
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let frame = s as f64 + i as f64 / last * (e - 1 - s) as f64;
                        (frame / rate, *v)
                    })
                    .collect(),
            });
        }
    }
    let all: Vec<&Moment> = moments.iter().collect();
    chart.markers = markers(&all, &a.primary_signal, rate);
    chart.marker_label = Some("fault or deviation".into());
    chart.description = format!(
        "The main movement of the exercise over the whole recording (0 = rest, 1 = the \
         turning point); {} repetitions shaded and numbered; {} findings marked.",
        a.repetitions.len(),
        moments.len()
    );
    line_chart_svg(&chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use relearn_core::Side;
    use relearn_motion::measures::MeasureKind;

    #[test]
    fn left_right_findings_belong_on_both_sides_charts() {
        let left = Measure::sided(MeasureKind::KneeFlexion, Side::Left);
        assert!(finding_is_about("left_knee_flexion", &left));
        assert!(finding_is_about("knee_flexion", &left));
        assert!(!finding_is_about("right_knee_flexion", &left));
        assert!(!finding_is_about("tempo", &left));
        let trunk = Measure::midline(MeasureKind::TrunkFlexion);
        assert!(finding_is_about("trunk_flexion", &trunk));
    }

    #[test]
    fn start_offset_is_the_median_of_the_first_half_second() {
        let v = [f64::NAN, 2.0, 4.0, 3.0, 100.0, 100.0];
        assert_eq!(start_offset(&v, 6.0), 3.0);
        assert_eq!(start_offset(&[], 30.0), 0.0);
    }
}
