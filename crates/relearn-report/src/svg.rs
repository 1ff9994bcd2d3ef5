//! Building blocks for SVG charts: XML escaping, linear scales, "nice" axis ticks and a line
//! chart with normal bands, shaded time spans and highlighted markers.
//!
//! Pure string building (values in, text out), reusable for any chart Relearn draws (analysis
//! plots today, progress charts later). Every text that reaches the output goes through
//! [`escape_xml`]; every coordinate is rounded to 0.1 px so that pages stay small.
//!
//! A chart is responsive (a `viewBox`, no fixed pixel size), accessible (`role="img"` with a
//! `<title>` and a `<desc>`) and uses the colour-blind-safe [`palette`] by default.

use std::fmt::Write as _;

/// The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"): eight colours that stay
/// distinguishable with every common colour-vision deficiency; recommended by Wong 2011
/// (*Nature Methods* 8:441) for scientific figures.
pub mod palette {
    /// Blue: the patient's curve and skeleton.
    pub const BLUE: &str = "#0072B2";
    /// Orange: the demonstration (template).
    pub const ORANGE: &str = "#E69F00";
    /// Bluish green: the normal band of the demonstration.
    pub const GREEN: &str = "#009E73";
    /// Vermillion: faults and deviations.
    pub const VERMILLION: &str = "#D55E00";
    /// Sky blue.
    pub const SKY_BLUE: &str = "#56B4E9";
    /// Reddish purple.
    pub const PURPLE: &str = "#CC79A7";
    /// Yellow.
    pub const YELLOW: &str = "#F0E442";
    /// Black.
    pub const BLACK: &str = "#000000";
    /// Dark grey for axes and text (contrast 12.6:1 on white, WCAG AAA).
    pub const INK: &str = "#333333";
    /// Light grey for grid lines.
    pub const GRID: &str = "#E3E3E3";
}

/// Escapes text for XML and HTML, in element content and in quoted attribute values alike:
/// `&`, `<`, `>`, `"` and `'` become entities, and control characters that XML 1.0 forbids
/// are dropped (a file name or message must never break the document).
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A number for SVG output: rounded to one decimal, without a trailing `.0` or a negative zero
/// (the bulk of a chart is coordinates, so every character counts).
pub fn num(v: f64) -> String {
    let r = relearn_core::stats::round_tenth(v);
    if r == 0.0 || !r.is_finite() {
        return "0".into();
    }
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A linear map from a data interval (`domain`) to a pixel interval (`range`). A range may be
/// reversed (pixels grow downwards, values upwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    /// Data interval.
    pub domain: [f64; 2],
    /// Pixel interval.
    pub range: [f64; 2],
}

impl LinearScale {
    /// A scale from `domain` onto `range`.
    pub fn new(domain: [f64; 2], range: [f64; 2]) -> LinearScale {
        LinearScale { domain, range }
    }

    /// The pixel position of a value; the middle of the range when the domain is empty.
    pub fn map(&self, v: f64) -> f64 {
        let [d0, d1] = self.domain;
        let [r0, r1] = self.range;
        if (d1 - d0).abs() < f64::EPSILON {
            return 0.5 * (r0 + r1);
        }
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// A "nice" tick step (1, 2 or 5 × 10ⁿ) giving about `target` intervals over `span`
/// (Heckbert 1990, "Nice numbers for graph labels", *Graphics Gems*).
pub fn nice_step(span: f64, target: usize) -> f64 {
    let target = target.max(1) as f64;
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target;
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.0 {
        2.0
    } else if fraction < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Ticks at multiples of a nice step inside `[min, max]` (about `target` intervals).
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max < min {
        return Vec::new();
    }
    if max == min {
        return vec![min];
    }
    ticks_with_step(min, max, nice_step(max - min, target))
}

/// Multiples of `step` inside `[min, max]`.
fn ticks_with_step(min: f64, max: f64, step: f64) -> Vec<f64> {
    if !(step.is_finite() && step > 0.0) {
        return Vec::new();
    }
    // Half a part per billion of slack so that a bound that is a multiple of the step, up to
    // rounding, gets its tick.
    let first = (min / step - 1e-9).ceil() as i64;
    let last = (max / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            // Avoid -0 and 0.30000000000000004 in labels and comparisons.
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// `[min, max]` widened outward to the nearest multiples of a nice step (so the axis starts
/// and ends on a tick). An empty interval is widened by one unit either side.
pub fn nice_domain(min: f64, max: f64, target: usize) -> [f64; 2] {
    nice_axis(min, max, target).0
}

/// [`nice_domain`] and the step its ends are multiples of (the step to put ticks at).
pub fn nice_axis(min: f64, max: f64, target: usize) -> ([f64; 2], f64) {
    if !(min.is_finite() && max.is_finite()) || max < min {
        return ([0.0, 1.0], nice_step(1.0, target));
    }
    let (min, max) = if max - min < 1e-9 {
        (min - 1.0, max + 1.0)
    } else {
        (min, max)
    };
    let step = nice_step(max - min, target);
    (
        [(min / step).floor() * step, (max / step).ceil() * step],
        step,
    )
}

/// A tick label with as many decimals as the step needs (`0.25` → 2, `5` → 0).
pub fn format_tick(v: f64, step: f64) -> String {
    let decimals = if step > 0.0 && step.is_finite() {
        (-(step.log10().floor())).clamp(0.0, 6.0) as usize
    } else {
        0
    };
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        // "-0.0" → "0.0"
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Keeps at most two points per bucket of the x range (the smallest and the largest value,
/// in their original order), so a long series draws the same envelope with far fewer points.
/// Non-finite values are kept as breaks in the line.
pub fn decimate_min_max(points: &[(f64, f64)], x: [f64; 2], buckets: usize) -> Vec<(f64, f64)> {
    if points.len() <= 2 * buckets.max(1) {
        return points.to_vec();
    }
    let width = (x[1] - x[0]).abs().max(f64::EPSILON);
    let bucket_of = |px: f64| (((px - x[0]) / width) * buckets as f64).floor() as i64;
    let mut out = Vec::with_capacity(2 * buckets + 16);
    let mut current: Option<(i64, usize, usize)> = None; // bucket, index of min, index of max
    let flush = |cur: &mut Option<(i64, usize, usize)>, out: &mut Vec<(f64, f64)>| {
        if let Some((_, lo, hi)) = cur.take() {
            let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
            out.push(points[a]);
            if b != a {
                out.push(points[b]);
            }
        }
    };
    for (i, &(px, py)) in points.iter().enumerate() {
        if !(px.is_finite() && py.is_finite()) {
            flush(&mut current, &mut out);
            out.push((px, f64::NAN));
            continue;
        }
        let b = bucket_of(px);
        match current {
            Some((cb, lo, hi)) if cb == b => {
                let lo = if py < points[lo].1 { i } else { lo };
                let hi = if py > points[hi].1 { i } else { hi };
                current = Some((cb, lo, hi));
            }
            _ => {
                flush(&mut current, &mut out);
                current = Some((b, i, i));
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// A line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text (`None`: not in the legend).
    pub label: Option<String>,
    /// Stroke colour.
    pub colour: String,
    /// Stroke width, px.
    pub width: f64,
    /// Dash pattern (`"6 4"`), `None` for a solid line.
    pub dash: Option<String>,
    /// Points (x, y); a non-finite y breaks the line.
    pub points: Vec<(f64, f64)>,
}

/// A filled band between a lower and an upper curve (a normal range).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Legend text (bands with the same label share one legend entry).
    pub label: Option<String>,
    /// Fill colour.
    pub colour: String,
    /// Fill opacity, 0-1.
    pub opacity: f64,
    /// Points (x, lower, upper); a non-finite bound breaks the band.
    pub points: Vec<(f64, f64, f64)>,
}

/// A shaded interval of the x axis (a repetition), optionally labelled at the top.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// Start, x units.
    pub x0: f64,
    /// End, x units.
    pub x1: f64,
    /// Short label drawn at the top of the span ("3").
    pub label: Option<String>,
    /// Fill colour.
    pub colour: String,
    /// Fill opacity, 0-1.
    pub opacity: f64,
}

/// A highlighted moment: a translucent strip around `x`, a ring at `(x, y)` when `y` is given,
/// and a tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Centre, x units.
    pub x: f64,
    /// Value at the moment, when known.
    pub y: Option<f64>,
    /// Half-width of the strip, x units.
    pub half_width: f64,
    /// Tooltip (and accessible) text.
    pub label: String,
    /// Colour.
    pub colour: String,
}

/// A line chart: series over bands over shaded spans, with markers, axes, ticks, a legend and
/// accessible title and description.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Prefix of the element ids in the chart (unique within the page).
    pub id: String,
    /// Accessible title (`<title>`).
    pub title: String,
    /// Accessible description (`<desc>`): what the chart shows, in a sentence.
    pub description: String,
    /// Width in px (of the `viewBox`; the chart scales to its container).
    pub width: f64,
    /// Height in px.
    pub height: f64,
    /// X-axis label with its unit ("time (s)").
    pub x_label: String,
    /// Y-axis label with its unit ("angle (°)").
    pub y_label: String,
    /// X domain; `None`: from the data.
    pub x_domain: Option<[f64; 2]>,
    /// Y domain; `None`: from the data, widened to nice ticks.
    pub y_domain: Option<[f64; 2]>,
    /// Smallest span of a y domain taken from the data (0: none), so that a nearly flat
    /// signal is not magnified until its noise looks like movement.
    pub y_min_span: f64,
    /// Lines, drawn in order over everything but markers.
    pub series: Vec<Series>,
    /// Bands, drawn under the lines.
    pub bands: Vec<Band>,
    /// Shaded x intervals, drawn first.
    pub spans: Vec<Span>,
    /// Legend text for the spans (one entry for all).
    pub span_label: Option<String>,
    /// Highlighted moments, drawn on top.
    pub markers: Vec<Marker>,
    /// Legend text for the markers (one entry for all; shown only when there are markers).
    pub marker_label: Option<String>,
}

impl LineChart {
    /// An empty chart of the default size (640 × 240 px).
    pub fn new(id: &str, title: &str) -> LineChart {
        LineChart {
            id: id.to_string(),
            title: title.to_string(),
            description: String::new(),
            width: 640.0,
            height: 240.0,
            x_label: String::new(),
            y_label: String::new(),
            x_domain: None,
            y_domain: None,
            y_min_span: 0.0,
            series: Vec::new(),
            bands: Vec::new(),
            spans: Vec::new(),
            span_label: None,
            markers: Vec::new(),
            marker_label: None,
        }
    }

    fn data_x_range(&self) -> Option<[f64; 2]> {
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .chain(self.bands.iter().flat_map(|b| b.points.iter().map(|p| p.0)))
            .chain(self.spans.iter().flat_map(|s| [s.x0, s.x1]));
        min_max(xs)
    }

    fn data_y_range(&self) -> Option<[f64; 2]> {
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(
                self.bands
                    .iter()
                    .flat_map(|b| b.points.iter().flat_map(|p| [p.1, p.2])),
            )
            .chain(self.markers.iter().filter_map(|m| m.y));
        min_max(ys)
    }
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<[f64; 2]> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<[f64; 2]>, v| match acc {
            None => Some([v, v]),
            Some([lo, hi]) => Some([lo.min(v), hi.max(v)]),
        })
}

/// Approximate width of a text in px at `size` px (system sans-serif averages about 0.55 em
/// per character): enough to lay out a legend without measuring fonts.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.55
}

const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const FONT_SIZE: f64 = 12.0;
const TICK_TARGET_X: usize = 8;
const TICK_TARGET_Y: usize = 4;

/// One legend entry: its text and how its swatch is drawn.
enum Swatch<'a> {
    Line(&'a Series),
    Fill { colour: &'a str, opacity: f64 },
    Marker(&'a str),
}

/// Adds a legend entry unless one with the same text exists.
fn push_legend<'a>(
    legend: &mut Vec<(String, Swatch<'a>)>,
    text: Option<&String>,
    swatch: Swatch<'a>,
) {
    if let Some(t) = text {
        if !legend.iter().any(|(l, _)| l == t) {
            legend.push((t.clone(), swatch));
        }
    }
}

/// The SVG namespace, which a standalone `.svg` file must declare (inline in HTML5 the parser
/// assigns it, so the page itself carries no URL at all).
pub const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// Makes an inline `<svg>` element (as the chart functions return) a standalone SVG document,
/// for writing to a `.svg` file: an XML declaration and the namespace on the root element.
pub fn standalone_document(inline_svg: &str) -> String {
    let body = inline_svg
        .strip_prefix("<svg")
        .map(|rest| format!("<svg xmlns=\"{SVG_NAMESPACE}\"{rest}"))
        .unwrap_or_else(|| inline_svg.to_string());
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n")
}

/// Renders a line chart as an inline `<svg>` element (for HTML; see [`standalone_document`]
/// for a file).
pub fn line_chart_svg(chart: &LineChart) -> String {
    let id = escape_xml(&chart.id);
    let (w, h) = (chart.width.max(120.0), chart.height.max(80.0));

    // Legend entries, deduplicated by text, laid out in rows above the plot.
    let mut legend: Vec<(String, Swatch<'_>)> = Vec::new();
    for s in &chart.series {
        push_legend(&mut legend, s.label.as_ref(), Swatch::Line(s));
    }
    for b in &chart.bands {
        push_legend(
            &mut legend,
            b.label.as_ref(),
            Swatch::Fill {
                colour: &b.colour,
                opacity: b.opacity,
            },
        );
    }
    if let Some(s) = chart.spans.first() {
        push_legend(
            &mut legend,
            chart.span_label.as_ref(),
            Swatch::Fill {
                colour: &s.colour,
                opacity: s.opacity.max(0.12),
            },
        );
    }
    if let Some(m) = chart.markers.first() {
        push_legend(
            &mut legend,
            chart.marker_label.as_ref(),
            Swatch::Marker(&m.colour),
        );
    }
    let margin_left = 58.0;
    let margin_right = 14.0;
    let mut rows: Vec<Vec<(f64, usize)>> = vec![Vec::new()];
    let mut x = margin_left;
    for (i, (text, _)) in legend.iter().enumerate() {
        let item = 26.0 + text_width(text, FONT_SIZE) + 16.0;
        if x + item > w - margin_right && x > margin_left {
            rows.push(Vec::new());
            x = margin_left;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, i));
        }
        x += item;
    }
    let legend_rows = if legend.is_empty() { 0 } else { rows.len() };
    // Span labels sit in a strip above the plot, where no data can hide them.
    let label_strip = if chart.spans.iter().any(|s| s.label.is_some()) {
        13.0
    } else {
        0.0
    };
    let margin_top = 12.0 + 18.0 * legend_rows as f64 + label_strip;
    let margin_bottom = 44.0;
    let (px0, px1) = (margin_left, w - margin_right);
    let (py0, py1) = (margin_top, h - margin_bottom);

    let x_domain = chart
        .x_domain
        .or_else(|| chart.data_x_range())
        .unwrap_or([0.0, 1.0]);
    // A domain from the data ends on ticks of the step it was widened to.
    let (y_domain, y_step) = match chart.y_domain {
        Some(d) => (d, nice_step(d[1] - d[0], TICK_TARGET_Y)),
        None => {
            let [lo, hi] = chart.data_y_range().unwrap_or([0.0, 1.0]);
            let widen = (chart.y_min_span - (hi - lo)).max(0.0) / 2.0;
            nice_axis(lo - widen, hi + widen, TICK_TARGET_Y)
        }
    };
    let sx = LinearScale::new(x_domain, [px0, px1]);
    let sy = LinearScale::new(y_domain, [py1, py0]);

    let mut o = String::with_capacity(16 * 1024);
    let _ = write!(
        o,
        r#"<svg viewBox="0 0 {vw} {vh}" class="chart" role="img" aria-labelledby="{id}-t {id}-d" font-family="{FONT}" font-size="{FONT_SIZE}"><title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>"#,
        vw = num(w),
        vh = num(h),
        title = escape_xml(&chart.title),
        desc = escape_xml(&chart.description),
    );
    let _ = write!(
        o,
        r#"<defs><clipPath id="{id}-c"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
        num(px0),
        num(py0),
        num(px1 - px0),
        num(py1 - py0)
    );

    // Spans (repetitions), with their labels along the top of the plot. Elements of the same
    // style share one group (or one path) so that a long recording's chart stays small.
    let mut labels = String::new();
    let mut group: Option<String> = None;
    for s in &chart.spans {
        let (a, b) = (sx.map(s.x0).max(px0), sx.map(s.x1).min(px1));
        if b <= a {
            continue;
        }
        let style = format!(
            r#"fill="{}" fill-opacity="{}""#,
            escape_xml(&s.colour),
            s.opacity
        );
        if group.as_ref() != Some(&style) {
            if group.is_some() {
                o.push_str("</g>");
            }
            let _ = write!(o, "<g {style}>");
            group = Some(style);
        }
        let _ = write!(
            o,
            r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
            num(a),
            num(py0),
            num(b - a),
            num(py1 - py0),
        );
        if let Some(l) = &s.label {
            let _ = write!(
                labels,
                r#"<text x="{}" y="{}">{}</text>"#,
                num(0.5 * (a + b)),
                num(py0 - 3.0),
                escape_xml(l)
            );
        }
    }
    if group.is_some() {
        o.push_str("</g>");
    }
    if !labels.is_empty() {
        let _ = write!(
            o,
            r#"<g text-anchor="middle" font-size="10" fill="{}">{labels}</g>"#,
            palette::INK
        );
    }

    // Grid and y ticks.
    let y_ticks = ticks_with_step(y_domain[0], y_domain[1], y_step);
    let mut grid = String::new();
    let mut tick_labels = String::new();
    for t in &y_ticks {
        let y = sy.map(*t);
        let _ = write!(grid, "M{} {}H{}", num(px0), num(y), num(px1));
        let _ = write!(
            tick_labels,
            r#"<text x="{}" y="{}">{}</text>"#,
            num(px0 - 6.0),
            num(y + 4.0),
            escape_xml(&format_tick(*t, y_step)),
        );
    }
    if !grid.is_empty() {
        let _ = write!(
            o,
            r#"<path d="{grid}" stroke="{}" stroke-width="1"/><g text-anchor="end" fill="{}">{tick_labels}</g>"#,
            palette::GRID,
            palette::INK
        );
    }

    // Bands, then lines, clipped to the plot area; consecutive ones of the same style are one
    // path.
    let _ = write!(o, r#"<g clip-path="url(#{id}-c)">"#);
    let mut merged: Vec<(String, String)> = Vec::new(); // (style, path data)
    for b in &chart.bands {
        let style = format!(
            r#"fill="{}" fill-opacity="{}""#,
            escape_xml(&b.colour),
            b.opacity
        );
        for seg in finite_runs(&b.points, |p| p.1.is_finite() && p.2.is_finite()) {
            let outline = seg
                .iter()
                .map(|p| (sx.map(p.0), sy.map(p.2)))
                .chain(seg.iter().rev().map(|p| (sx.map(p.0), sy.map(p.1))));
            let d = polyline_path(outline) + "Z";
            push_merged(&mut merged, style.clone(), &d);
        }
    }
    // Two points (a minimum and a maximum) per 2 px keep the envelope a reader sees.
    let buckets = ((px1 - px0) / 2.0).max(1.0) as usize;
    for s in &chart.series {
        let pts = decimate_min_max(&s.points, x_domain, buckets);
        let d = polyline_path(pts.iter().map(|&(x, y)| (sx.map(x), sy.map(y))));
        if d.is_empty() {
            continue;
        }
        let dash = dash_attribute(s);
        let style = format!(
            r#"fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"{dash}"#,
            escape_xml(&s.colour),
            num(s.width)
        );
        push_merged(&mut merged, style, &d);
    }
    for (style, d) in &merged {
        let _ = write!(o, r#"<path d="{d}" {style}/>"#);
    }
    o.push_str("</g>");

    // Markers: a strip for the moment, a ring at the value, the message as a tooltip.
    for m in &chart.markers {
        let (a, b) = (
            sx.map(m.x - m.half_width).max(px0),
            sx.map(m.x + m.half_width).min(px1),
        );
        let colour = escape_xml(&m.colour);
        let _ = write!(o, "<g><title>{}</title>", escape_xml(&m.label));
        if b > a {
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}" fill-opacity="0.22"/>"#,
                num(a),
                num(py0),
                num((b - a).max(2.0)),
                num(py1 - py0)
            );
        }
        if let Some(y) = m.y.filter(|y| y.is_finite()) {
            let _ = write!(
                o,
                r##"<circle cx="{}" cy="{}" r="5" fill="#fff" stroke="{colour}" stroke-width="2.5"/>"##,
                num(sx.map(m.x)),
                num(sy.map(y).clamp(py0, py1))
            );
        }
        o.push_str("</g>");
    }

    // Axes, x ticks and labels.
    let _ = write!(
        o,
        r#"<path d="M{x0} {y0}V{y1}H{x1}" fill="none" stroke="{ink}" stroke-width="1"/>"#,
        x0 = num(px0),
        y0 = num(py0),
        y1 = num(py1),
        x1 = num(px1),
        ink = palette::INK
    );
    let x_ticks = nice_ticks(x_domain[0], x_domain[1], TICK_TARGET_X);
    let x_step = nice_step(x_domain[1] - x_domain[0], TICK_TARGET_X);
    let mut marks = String::new();
    let mut tick_labels = String::new();
    for t in &x_ticks {
        let x = num(sx.map(*t));
        let _ = write!(marks, "M{x} {}v5", num(py1));
        let _ = write!(
            tick_labels,
            r#"<text x="{x}" y="{}">{}</text>"#,
            num(py1 + 18.0),
            escape_xml(&format_tick(*t, x_step)),
        );
    }
    if !marks.is_empty() {
        let _ = write!(
            o,
            r#"<path d="{marks}" stroke="{ink}"/><g text-anchor="middle" fill="{ink}">{tick_labels}</g>"#,
            ink = palette::INK
        );
    }
    let _ = write!(
        o,
        r#"<text x="{}" y="{}" text-anchor="middle" fill="{ink}">{}</text><text transform="translate(14 {}) rotate(-90)" text-anchor="middle" fill="{ink}">{}</text>"#,
        num(0.5 * (px0 + px1)),
        num(h - 8.0),
        escape_xml(&chart.x_label),
        num(0.5 * (py0 + py1)),
        escape_xml(&chart.y_label),
        ink = palette::INK
    );

    // Legend.
    for (r, row) in rows.iter().enumerate() {
        let y = 14.0 + 18.0 * r as f64;
        for &(x, i) in row {
            let Some((text, swatch)) = legend.get(i) else {
                continue;
            };
            match swatch {
                Swatch::Line(s) => {
                    let dash = dash_attribute(s);
                    let _ = write!(
                        o,
                        r#"<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="{}"{dash}/>"#,
                        num(x),
                        num(x + 20.0),
                        num(y - 4.0),
                        num(y - 4.0),
                        escape_xml(&s.colour),
                        num(s.width.max(2.0))
                    );
                }
                Swatch::Fill { colour, opacity } => {
                    let _ = write!(
                        o,
                        r#"<rect x="{}" y="{}" width="20" height="10" fill="{}" fill-opacity="{}"/>"#,
                        num(x),
                        num(y - 9.0),
                        escape_xml(colour),
                        opacity
                    );
                }
                Swatch::Marker(colour) => {
                    let _ = write!(
                        o,
                        r##"<rect x="{}" y="{}" width="20" height="12" fill="{c}" fill-opacity="0.22"/><circle cx="{}" cy="{}" r="4" fill="#fff" stroke="{c}" stroke-width="2.5"/>"##,
                        num(x),
                        num(y - 10.0),
                        num(x + 10.0),
                        num(y - 4.0),
                        c = escape_xml(colour)
                    );
                }
            }
            let _ = write!(
                o,
                r#"<text x="{}" y="{}" fill="{}">{}</text>"#,
                num(x + 26.0),
                num(y),
                palette::INK,
                escape_xml(text)
            );
        }
    }
    o.push_str("</svg>");
    o
}

/// The ` stroke-dasharray` attribute of a dashed series (empty for a solid one).
fn dash_attribute(s: &Series) -> String {
    s.dash
        .as_ref()
        .map(|p| format!(r#" stroke-dasharray="{}""#, escape_xml(p)))
        .unwrap_or_default()
}

/// Appends path data to the last path when it has the same style, else starts a new path.
fn push_merged(paths: &mut Vec<(String, String)>, style: String, d: &str) {
    match paths.last_mut() {
        Some((last, data)) if *last == style => data.push_str(d),
        _ => paths.push((style, d.to_string())),
    }
}

/// Path data for a polyline in pixels: `M` to the first point, then relative `l` steps between
/// points rounded to 0.1 px (short numbers; rounding absolute positions first means the steps
/// never drift); a non-finite point lifts the pen.
pub fn polyline_path(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let round = relearn_core::stats::round_tenth;
    let mut d = String::new();
    let mut last: Option<(f64, f64)> = None;
    let mut in_lineto = false;
    for (x, y) in points {
        if !(x.is_finite() && y.is_finite()) {
            last = None;
            continue;
        }
        let (x, y) = (round(x), round(y));
        match last {
            None => {
                let _ = write!(d, "M{} {}", num(x), num(y));
                in_lineto = false;
            }
            Some((lx, ly)) => {
                if !in_lineto {
                    d.push('l');
                    in_lineto = true;
                }
                for v in [num(x - lx), num(y - ly)] {
                    // A minus sign separates numbers by itself.
                    if !(d.ends_with('l') || v.starts_with('-')) {
                        d.push(' ');
                    }
                    d.push_str(&v);
                }
            }
        }
        last = Some((x, y));
    }
    d
}

/// The maximal runs of consecutive items that satisfy `ok`.
fn finite_runs<T: Copy>(items: &[T], ok: impl Fn(&T) -> bool) -> Vec<Vec<T>> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for it in items {
        if ok(it) {
            cur.push(*it);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_every_markup_character() {
        assert_eq!(
            escape_xml(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn escaping_keeps_plain_and_non_ascii_text_and_drops_forbidden_controls() {
        assert_eq!(escape_xml("genou gauche 12°"), "genou gauche 12°");
        assert_eq!(escape_xml("a\u{0}b\u{7}c\nd"), "abc\nd");
        assert_eq!(escape_xml(""), "");
    }

    #[test]
    fn escaped_text_never_contains_a_raw_markup_character() {
        let nasty = "</script><svg onload='x'>&amp;\"";
        let e = escape_xml(nasty);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        // Every ampersand starts an entity.
        for (i, _) in e.match_indices('&') {
            let rest = &e[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|x| rest.starts_with(x)),
                "{rest}"
            );
        }
    }

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    proptest::proptest! {
        #[test]
        fn escaping_is_reversible_and_leaves_no_markup(s in "\\PC*") {
            let e = escape_xml(&s);
            proptest::prop_assert!(!e.contains(['<', '>', '"', '\'']));
            proptest::prop_assert_eq!(unescape(&e), s);
        }
    }

    #[test]
    fn numbers_are_rounded_to_a_tenth_without_trailing_zeros() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.06), "12.1");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-3.25), "-3.3");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn scale_maps_domain_ends_onto_range_ends_even_reversed() {
        let s = LinearScale::new([0.0, 10.0], [200.0, 20.0]);
        assert_eq!(s.map(0.0), 200.0);
        assert_eq!(s.map(10.0), 20.0);
        assert_eq!(s.map(5.0), 110.0);
        let flat = LinearScale::new([3.0, 3.0], [0.0, 100.0]);
        assert_eq!(flat.map(3.0), 50.0);
    }

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(100.0, 4), 20.0);
        assert_eq!(nice_step(1.0, 4), 0.2);
        assert_eq!(nice_step(60.0, 8), 10.0);
        assert_eq!(nice_step(0.0, 4), 1.0);
    }

    #[test]
    fn ticks_lie_inside_the_interval_on_multiples_of_the_step() {
        assert_eq!(
            nice_ticks(0.0, 10.0, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(nice_ticks(-3.2, 47.9, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        let t = nice_ticks(0.0, 1.0, 4);
        assert_eq!(t.len(), 6);
        assert_eq!(format_tick(t[3], 0.2), "0.6");
        assert!(nice_ticks(5.0, 1.0, 4).is_empty());
        assert_eq!(nice_ticks(2.0, 2.0, 4), vec![2.0]);
    }

    #[test]
    fn nice_domain_widens_outward_to_ticks() {
        assert_eq!(nice_domain(-3.2, 47.9, 4), [-10.0, 50.0]);
        assert_eq!(nice_domain(0.0, 100.0, 4), [0.0, 100.0]);
        let [a, b] = nice_domain(5.0, 5.0, 4);
        assert!(a < 5.0 && b > 5.0);
        assert_eq!(nice_domain(f64::NAN, 1.0, 4), [0.0, 1.0]);
    }

    #[test]
    fn a_nice_axis_starts_and_ends_on_its_ticks() {
        let ([a, b], step) = nice_axis(-8.0, 98.0, 4);
        assert_eq!(([a, b], step), ([-20.0, 100.0], 20.0));
        let t = ticks_with_step(a, b, step);
        assert_eq!(t.first(), Some(&-20.0));
        assert_eq!(t.last(), Some(&100.0));
        // Rounding does not lose an end tick.
        assert_eq!(ticks_with_step(0.0, 0.30000000000000004, 0.1).len(), 4);
        assert_eq!(ticks_with_step(0.0, 0.29999999999999993, 0.1).len(), 4);
    }

    #[test]
    fn tick_labels_have_the_decimals_the_step_needs() {
        assert_eq!(format_tick(5.0, 5.0), "5");
        assert_eq!(format_tick(0.25, 0.05), "0.25");
        assert_eq!(format_tick(-0.0, 0.1), "0.0");
        assert_eq!(format_tick(120.0, 20.0), "120");
    }

    #[test]
    fn polyline_paths_step_relatively_and_break_at_gaps() {
        let d = polyline_path([
            (10.0, 20.0),
            (12.5, 18.0),
            (15.04, 18.0),
            (f64::NAN, 1.0),
            (30.0, 5.0),
            (31.0, 7.0),
        ]);
        assert_eq!(d, "M10 20l2.5-2 2.5 0M30 5l1 2");
        // Steps between rounded points add up to the rounded end point.
        let pts: Vec<(f64, f64)> = (0..500)
            .map(|i| (i as f64 * 0.333, (i as f64).sin() * 50.0))
            .collect();
        let d = polyline_path(pts.iter().copied());
        let nums: Vec<f64> = d
            .trim_start_matches('M')
            .replace('l', " ")
            .replace('-', " -")
            .split_whitespace()
            .map(|t| t.parse().unwrap())
            .collect();
        let x_end: f64 = nums.iter().step_by(2).sum();
        assert!((x_end - 499.0 * 0.333).abs() < 0.051, "{x_end}");
        assert_eq!(polyline_path([(1.0, 1.0)]), "M1 1");
    }

    #[test]
    fn decimation_keeps_the_extremes_and_the_breaks() {
        let pts: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let x = i as f64 / 100.0;
                let y = if i == 537 {
                    50.0
                } else if i == 200 {
                    f64::NAN
                } else {
                    (x * 3.0).sin()
                };
                (x, y)
            })
            .collect();
        let d = decimate_min_max(&pts, [0.0, 10.0], 50);
        assert!(d.len() <= 2 * 50 + 4, "{}", d.len());
        assert!(d.iter().any(|p| p.1 == 50.0), "spike kept");
        assert!(d.iter().any(|p| p.1.is_nan()), "break kept");
        let min = d
            .iter()
            .map(|p| p.1)
            .filter(|y| y.is_finite())
            .fold(0.0, f64::min);
        assert!(min < -0.999);
        // Order of x is preserved.
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0));
        // Short series are untouched.
        assert_eq!(decimate_min_max(&pts[..50], [0.0, 10.0], 50).len(), 50);
    }

    fn sample_chart() -> LineChart {
        let mut c = LineChart::new("k", "Left knee <flexion> & \"valgus\"");
        c.description = "A test chart".into();
        c.x_label = "time (s)".into();
        c.y_label = "angle (°)".into();
        c.series.push(Series {
            label: Some("patient".into()),
            colour: palette::BLUE.into(),
            width: 2.0,
            dash: None,
            points: vec![
                (0.0, 0.0),
                (1.0, 10.0),
                (2.0, f64::NAN),
                (3.0, 30.0),
                (4.0, 40.0),
            ],
        });
        c.bands.push(Band {
            label: Some("normal band".into()),
            colour: palette::GREEN.into(),
            opacity: 0.25,
            points: vec![(0.0, -5.0, 5.0), (1.0, 5.0, 15.0)],
        });
        c.spans.push(Span {
            x0: 0.5,
            x1: 3.5,
            label: Some("1".into()),
            colour: palette::BLACK.into(),
            opacity: 0.06,
        });
        c.span_label = Some("repetition".into());
        c.markers.push(Marker {
            x: 3.0,
            y: Some(30.0),
            half_width: 0.2,
            label: "knee drifts <inward>".into(),
            colour: palette::VERMILLION.into(),
        });
        c.marker_label = Some("fault".into());
        c
    }

    #[test]
    fn chart_is_well_formed_escaped_and_accessible() {
        let svg = line_chart_svg(&sample_chart());
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(
            "<title id=\"k-t\">Left knee &lt;flexion&gt; &amp; &quot;valgus&quot;</title>"
        ));
        assert!(svg.contains("<title>knee drifts &lt;inward&gt;</title>"));
        assert!(svg.contains(">time (s)</text>") && svg.contains(">angle (°)</text>"));
        // The NaN breaks the line into two sub-paths.
        let line = svg
            .split("<path d=\"")
            .find(|p| p.contains(palette::BLUE) && p.contains("stroke-linejoin"))
            .unwrap_or_default();
        assert_eq!(line.split('"').next().unwrap_or("").matches('M').count(), 2);
        // Legend entries.
        for l in ["patient", "normal band", "repetition", "fault"] {
            assert!(svg.contains(&format!(">{l}</text>")), "{l}");
        }
        // Balanced tags (no element left open).
        let opens = svg.matches("<g").count();
        assert_eq!(opens, svg.matches("</g>").count());
    }

    #[test]
    fn standalone_document_declares_the_namespace_once() {
        let doc = standalone_document(&line_chart_svg(&sample_chart()));
        assert!(doc.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox="));
        assert_eq!(doc.matches("xmlns=").count(), 1);
    }

    #[test]
    fn a_minimum_span_keeps_noise_small() {
        let mut c = LineChart::new("n", "Noise");
        c.series.push(Series {
            label: None,
            colour: palette::BLUE.into(),
            width: 1.0,
            dash: None,
            points: vec![(0.0, -1.2), (1.0, 1.4), (2.0, 0.3)],
        });
        let tick_labels = |svg: &str| -> Vec<String> {
            let g = svg
                .split("<g text-anchor=\"end\"")
                .nth(1)
                .unwrap_or_default();
            let g = g.split("</g>").next().unwrap_or_default();
            g.split("</text>")
                .filter_map(|t| t.rsplit('>').next())
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            tick_labels(&line_chart_svg(&c)).first().map(String::as_str),
            Some("-1.5")
        );
        c.y_min_span = 10.0;
        let labels = tick_labels(&line_chart_svg(&c));
        assert_eq!(labels.first().map(String::as_str), Some("-6"));
        assert_eq!(labels.last().map(String::as_str), Some("6"));
    }

    #[test]
    fn chart_without_data_still_renders_axes() {
        let svg = line_chart_svg(&LineChart::new("e", "Empty"));
        assert!(svg.contains("<title id=\"e-t\">Empty</title>"));
        assert!(svg.ends_with("</svg>"));
    }
}
