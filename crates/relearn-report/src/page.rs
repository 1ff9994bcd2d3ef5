//! The analysis page: header, the patient's summary, the mirror, the clinician's table, the
//! plots, and the details (warnings, rules, template, how to read the report).

use crate::moments::{moments, one_decimal, Moment};
use crate::plots::{measure_figures, primary_figure, BAND_SD};
use crate::replay::build_replay;
use crate::svg::escape_xml as e;
use crate::ReportInput;
use relearn_core::lab::UpAxisSource;
use relearn_core::LengthUnit;
use relearn_motion::analysis::Analysis;
use relearn_motion::faults::{Check, FaultRule, Statistic};
use relearn_motion::measures::{Measure, MeasureKind};
use relearn_motion::score::{DeviationSource, Verdict};
use relearn_motion::template::{Template, VerdictModel};
use std::fmt::Write as _;

const STYLE: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/replay.js");

/// Content-Security-Policy of the page: nothing may be loaded from anywhere, so the report
/// works from disk, offline, and cannot leak a patient's data by fetching a resource.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
                   img-src data:; base-uri 'none'; form-action 'none'";

/// Renders the whole page.
pub(crate) fn render(input: &ReportInput<'_>) -> String {
    let a = input.analysis;
    let found = moments(a, input.prepared.recording.start_time_s);
    let file = file_name(&a.path);
    let title = input
        .title
        .map(str::to_string)
        .unwrap_or_else(|| format!("Movement analysis: {file}"));
    let mut o = String::with_capacity(512 * 1024);
    let _ = write!(
        o,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="Relearn {version}">
<title>{title}</title>
<style>
{STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
"##,
        version = e(&a.program_version),
        title = e(&title),
    );
    header(&mut o, input, &title);
    o.push_str("<main id=\"main\">\n");
    summary(&mut o, a);
    let replay = build_replay(input, &found);
    mirror(&mut o, &replay);
    let _ = write!(
        o,
        "<section id=\"repetitions\" aria-labelledby=\"repetitions-h\">\n<h2 id=\"repetitions-h\">Repetitions</h2>\n{}",
        repetition_table(a, &found)
    );
    measures_table(&mut o, a);
    o.push_str("</section>\n");
    plots(&mut o, input, &found);
    details(&mut o, input);
    how_to_read(&mut o, input.template.is_some());
    o.push_str("</main>\n");
    let _ = writeln!(
        o,
        "<footer><p>Relearn {} · {}This report supports, and does not replace, the judgement \
         of your physiotherapist.</p></footer>",
        e(&a.program_version),
        input
            .generated_at
            .map(|g| format!("generated {} · ", e(g)))
            .unwrap_or_default()
    );
    let _ = write!(
        o,
        "<script type=\"application/json\" id=\"replay-data\">{}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        replay.json
    );
    o
}

/// The last component of a path (either separator).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(path)
}

fn fact(o: &mut String, term: &str, value: &str) {
    let _ = write!(o, "<div><dt>{}</dt><dd>{}</dd></div>", e(term), e(value));
}

fn unit_words(u: LengthUnit) -> &'static str {
    match u {
        LengthUnit::Metres => "metres",
        LengthUnit::Centimetres => "centimetres",
        LengthUnit::Millimetres => "millimetres",
        LengthUnit::Pixels => "image pixels",
        LengthUnit::NormalisedImage => "normalised image coordinates",
        LengthUnit::Unknown => "unknown",
    }
}

fn header(o: &mut String, input: &ReportInput<'_>, title: &str) {
    let a = input.analysis;
    let p = input.prepared;
    let _ = write!(
        o,
        "<header>\n<p class=\"brand\">Relearn · movement analysis</p>\n<h1>{}</h1>\n<dl class=\"facts\">",
        e(title)
    );
    fact(o, "File", &a.path);
    fact(o, "Format", &a.format);
    match input.template {
        Some(t) => {
            fact(o, "Exercise", &t.exercise);
            fact(
                o,
                "Template",
                &format!("{} ({} example files)", t.short_id(), t.examples.len()),
            );
            if let Some(p) = &t.personalisation {
                fact(
                    o,
                    "Personalised",
                    &format!(
                        "{}from {} repetitions the clinician labelled (verdict shifted by \
                         {:+.1} logits)",
                        match p.for_whom().trim_start() {
                            "" => String::new(),
                            whom => format!("{whom}, "),
                        },
                        p.labelled_repetitions,
                        p.offset_logit
                    ),
                );
            }
        }
        None => fact(o, "Template", "none: standard limits only"),
    }
    if let Some(g) = input.generated_at {
        fact(o, "Generated", g);
    }
    fact(o, "Relearn version", &a.program_version);
    fact(
        o,
        "Recording",
        &format!(
            "{:.1} s · {} frames at {} Hz",
            a.duration_s,
            a.frames,
            trim_number(a.rate_hz)
        ),
    );
    fact(
        o,
        "Skeleton",
        &format!(
            "{} ({} joints)",
            p.recording.skeleton.name,
            p.recording.skeleton.len()
        ),
    );
    fact(o, "View", a.view.describe());
    let how = match a.lab.up_source {
        UpAxisSource::Format => "stated by the format",
        UpAxisSource::Detected => "detected from the body",
        UpAxisSource::Override => "given by the user",
        UpAxisSource::Assumed => "assumed (could not be detected)",
    };
    fact(
        o,
        "Vertical axis",
        &format!("{} ({how})", a.lab.source_up.as_str()),
    );
    fact(
        o,
        "Unit",
        &format!(
            "{}{}",
            unit_words(a.lab.source_unit),
            if a.lab.unit_inferred {
                " (inferred from body size)"
            } else {
                ""
            }
        ),
    );
    if let Some(l) = p.leg_length_m {
        fact(o, "Leg length", &format!("{:.0} cm", l * 100.0));
    }
    if let Some(posture) = &a.posture {
        fact(o, "Posture", &posture.describe());
    }
    if let Some(stance) = &a.stance {
        fact(o, "Stance", &stance.describe());
    }
    fact(
        o,
        "Tracking",
        &format!(
            "{:.1} % of joint samples missing{}",
            p.quality.missing_fraction * 100.0,
            p.noise_mm
                .map(|n| format!("; noise {n:.1} mm"))
                .unwrap_or_default()
        ),
    );
    if let Some(m) = &p.noise_matched {
        fact(
            o,
            "Noise matching",
            &format!(
                "filtered at {:.1} Hz instead of {} Hz to match the demonstration's noise \
                 ({:.1} mm typically{}){}; the curves below are the filtered ones",
                m.cutoff_hz,
                m.template_cutoff_hz,
                m.examples_noise_mm,
                m.rates_note(),
                m.remaining_noise_mm()
                    .map(|x| format!(
                        ", and compared allowing for the {x:.1} mm of noise that remains"
                    ))
                    .unwrap_or_default()
            ),
        );
    }
    o.push_str("</dl>\n<nav aria-label=\"Sections\"><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#mirror\">Mirror</a></li><li><a href=\"#repetitions\">Repetitions</a></li><li><a href=\"#plots\">Plots</a></li><li><a href=\"#details\">Warnings and rules</a></li><li><a href=\"#how-to-read\">How to read this</a></li></ul></nav>\n</header>\n");
}

/// `30` rather than `30.0`, `29.97` kept.
fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn summary(o: &mut String, a: &Analysis) {
    o.push_str("<section id=\"summary\" aria-labelledby=\"summary-h\" class=\"summary\">\n<h2 id=\"summary-h\">Summary for you</h2>\n<ul class=\"summary-lines\">");
    for line in &a.summary {
        let _ = write!(o, "<li>{}</li>", e(line));
    }
    o.push_str("</ul>\n");
    // One chip per repetition: a symbol and a word, never colour alone. A repetition that is
    // not judged (unlike the exercise, or only partly recorded) gets neither mark.
    let chips: Vec<(usize, Option<bool>, String)> = match &a.score {
        Some(s) => s
            .reps
            .iter()
            .map(|r| {
                if let Some(why) = r.not_judged_because() {
                    return (
                        r.number,
                        None,
                        format!("Repetition {}: {why}, not judged", r.number),
                    );
                }
                let ok = r.verdict == Verdict::Correct;
                let word = if ok {
                    "matched the demonstration"
                } else {
                    "needs work"
                };
                (
                    r.number,
                    Some(ok),
                    format!("Repetition {}: {word}, score {:.0}", r.number, r.score),
                )
            })
            .collect(),
        None => a
            .repetitions
            .iter()
            .map(|r| {
                let ok = r.faults.is_empty();
                let word = if ok {
                    "no fault found".to_string()
                } else {
                    format!("{} fault(s)", r.faults.len())
                };
                if r.repetition.cut_off.is_some() {
                    return (
                        r.repetition.number,
                        None,
                        format!(
                            "Repetition {}: {}, not judged",
                            r.repetition.number,
                            relearn_motion::score::PARTLY_RECORDED
                        ),
                    );
                }
                (
                    r.repetition.number,
                    Some(ok),
                    format!("Repetition {}: {word}", r.repetition.number),
                )
            })
            .collect(),
    };
    if !chips.is_empty() {
        let skipped = if chips.iter().any(|c| c.1.is_none()) {
            ", – not judged"
        } else {
            ""
        };
        let _ = write!(
            o,
            "<p class=\"chips-key\">Each repetition: ✓ {}, ✗ {}{skipped}</p>",
            if a.score.is_some() {
                "matched the demonstration"
            } else {
                "no fault found"
            },
            if a.score.is_some() {
                "needs work"
            } else {
                "a fault rule was broken"
            }
        );
        o.push_str("<ol class=\"chips\" aria-label=\"Each repetition\">");
        for (n, ok, label) in chips {
            let (class, mark) = match ok {
                Some(true) => ("ok", "✓"),
                Some(false) => ("work", "✗"),
                None => ("skip", "–"),
            };
            let _ = write!(
                o,
                "<li class=\"chip {class}\" title=\"{l}\"><span class=\"sr-only\">{l}</span><span aria-hidden=\"true\">{n} {mark}</span></li>",
                l = e(&label),
            );
        }
        o.push_str("</ol>\n");
    }
    o.push_str("</section>\n");
}

fn mirror(o: &mut String, replay: &crate::replay::Replay) {
    let _ = write!(
        o,
        "<section id=\"mirror\" aria-labelledby=\"mirror-h\">\n<h2 id=\"mirror-h\">The mirror: your movement{}</h2>\n<p class=\"legend\"><span class=\"item\"><span class=\"key you\"></span> You</span>{}<span class=\"item\"><span class=\"key finding\"></span> A finding at that moment</span></p>\n<div class=\"mirror-views\">",
        if replay.has_template {
            " and the demonstration"
        } else {
            ""
        },
        if replay.has_template {
            "<span class=\"item\"><span class=\"key demo\"></span> The demonstration, at your size and position</span>"
        } else {
            ""
        }
    );
    // The aspect ratio lets a narrow screen give each view a width in proportion, so both
    // keep one scale side by side.
    for (svg, aspect) in &replay.views {
        let _ = write!(o, "<figure style=\"--aspect:{aspect:.3}\">{svg}</figure>");
    }
    let _ = write!(
        o,
        "</div>\n<div class=\"controls\" role=\"group\" aria-label=\"Replay controls\">\
<button type=\"button\" id=\"replay-play\" aria-pressed=\"false\">Play</button>\
<button type=\"button\" id=\"replay-prev\">◀ Repetition</button>\
<button type=\"button\" id=\"replay-next\">Repetition ▶</button>\
<label>Speed <select id=\"replay-speed\"><option value=\"0.25\">¼×</option><option value=\"0.5\">½×</option><option value=\"1\" selected>1×</option><option value=\"2\">2×</option></select></label>\
<label class=\"scrub\"><span class=\"sr-only\">Position in the recording</span><input type=\"range\" id=\"replay-slider\" min=\"0\" max=\"{}\" step=\"1\" value=\"0\"></label>\
<output id=\"replay-time\" for=\"replay-slider\"></output></div>\n\
<p id=\"replay-rep\" class=\"rep-now\"></p>\n<p id=\"replay-moment\" class=\"moment-now\" aria-live=\"polite\"></p>\n\
<p class=\"caption static-caption\">{}</p>\n\
<noscript><p class=\"caption\">The replay needs JavaScript; the figure shows one moment of the recording.</p></noscript>\n\
<p class=\"caption\">Front view mirrored (your right side on the right) and side view, in the body frame of the recording, {} frames per second.{}</p>\n</section>\n",
        replay.frames.saturating_sub(1),
        e(&replay.initial_caption),
        trim_number(replay.fps),
        if replay.has_template {
            " During each repetition the demonstration is drawn from the template's average \
             movement, scaled to your body size, started from your hip position and stretched \
             to the repetition's duration."
        } else {
            ""
        }
    );
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Correct => "✓ correct",
        Verdict::Incorrect => "✗ incorrect",
    }
}

fn list(o: &mut String, items: &[String]) {
    if items.is_empty() {
        o.push_str("<td class=\"none\">none</td>");
        return;
    }
    o.push_str("<td><ul>");
    for i in items {
        let _ = write!(o, "<li>{}</li>", e(i));
    }
    o.push_str("</ul></td>");
}

/// The clinician's table of repetitions (an HTML `<table>` in a scrolling wrapper): number,
/// times, tempo, score, verdict, confidence, rating, differences from the demonstration and
/// the fault rules broken. Columns that need a template appear only when the analysis has a
/// score.
pub fn repetition_table_html(a: &Analysis) -> String {
    // Start time only places repetitions of a score computed apart from the analysis in time;
    // the table groups by repetition number, so 0 is as good as any.
    repetition_table(a, &moments(a, 0.0))
}

fn repetition_table(a: &Analysis, found: &[Moment]) -> String {
    let mut o = String::with_capacity(8 * 1024);
    if a.repetitions.is_empty() {
        o.push_str("<p>No repetition was found in this recording.</p>\n");
        return o;
    }
    let score = a.score.as_ref();
    let has_rating = score.is_some_and(|s| s.reps.iter().any(|r| r.rating.is_some()));
    o.push_str("<div class=\"table-wrap\"><table class=\"reps\">\n<caption>Each repetition: times in seconds from the start of the recording; tempo is the time moving out, holding and coming back.</caption>\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Start–end (s)</th><th scope=\"col\">Duration (s)</th><th scope=\"col\">Tempo (s)</th>");
    if score.is_some() {
        o.push_str("<th scope=\"col\">Score</th><th scope=\"col\">Verdict</th><th scope=\"col\">Confidence</th>");
        if has_rating {
            o.push_str("<th scope=\"col\">Rating</th>");
        }
        o.push_str("<th scope=\"col\">Differences from the demonstration</th>");
    } else {
        o.push_str("<th scope=\"col\">Segmentation confidence</th>");
    }
    o.push_str("<th scope=\"col\">Fault rules broken</th></tr></thead>\n<tbody>\n");
    for r in &a.repetitions {
        let rep = &r.repetition;
        let sr = score.and_then(|s| s.reps.iter().find(|x| x.number == rep.number));
        let tempo = r
            .tempo
            .as_ref()
            .map(|t| {
                format!(
                    "{} / {} / {}",
                    one_decimal(t.outward_s),
                    one_decimal(t.pause_s),
                    one_decimal(t.return_s)
                )
            })
            .unwrap_or_else(|| "–".into());
        let class = match sr.map(|s| (s.verdict, s.is_judged())) {
            Some((Verdict::Incorrect, true)) => " class=\"work\"",
            _ => "",
        };
        let _ = write!(
            o,
            "<tr{class}><th scope=\"row\">{}</th><td class=\"nowrap\">{}–{}</td><td>{}</td><td class=\"nowrap\">{}</td>",
            rep.number,
            one_decimal(rep.start_s),
            one_decimal(rep.end_s),
            one_decimal(rep.duration_s),
            e(&tempo)
        );
        let of = |src: DeviationSource| -> Vec<String> {
            found
                .iter()
                .filter(|m| m.rep == rep.number && m.source == src)
                .map(|m| m.clinical.clone())
                .collect()
        };
        if score.is_some() {
            match sr {
                Some(s) => {
                    let verdict = match s.not_judged_because() {
                        Some(why) => format!("– not judged ({why})"),
                        None => verdict_text(s.verdict).to_string(),
                    };
                    let _ = write!(
                        o,
                        "<td class=\"num\">{:.0}</td><td class=\"verdict\">{}</td><td class=\"num\">{:.0} %</td>",
                        s.score,
                        e(&verdict),
                        s.confidence * 100.0
                    );
                    if has_rating {
                        let _ = write!(
                            o,
                            "<td class=\"num\">{}</td>",
                            s.rating.map_or_else(|| "–".into(), one_decimal)
                        );
                    }
                }
                None => {
                    o.push_str("<td>–</td><td>not scored</td><td>–</td>");
                    if has_rating {
                        o.push_str("<td>–</td>");
                    }
                }
            }
            list(&mut o, &of(DeviationSource::Template));
        } else {
            let _ = write!(o, "<td class=\"num\">{:.0} %</td>", rep.confidence * 100.0);
        }
        list(&mut o, &of(DeviationSource::Rule));
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div>\n");
    o
}

/// Range of each measure in each repetition, collapsible (clinicians want it, patients do
/// not).
fn measures_table(o: &mut String, a: &Analysis) {
    let Some(first) = a.repetitions.first() else {
        return;
    };
    o.push_str("<details class=\"measures\"><summary>Range of each measure per repetition</summary>\n<div class=\"table-wrap\"><table>\n<caption>Smallest and largest value in each repetition.</caption>\n<thead><tr><th scope=\"col\">Measure</th>");
    for r in &a.repetitions {
        let _ = write!(o, "<th scope=\"col\">{}</th>", r.repetition.number);
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for m in &first.measures {
        let unit = crate::moments::unit_suffix(
            serde_json::to_value(m.unit)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .as_deref()
                .unwrap_or(""),
        );
        let _ = write!(
            o,
            "<tr><th scope=\"row\">{} ({})</th>",
            e(&crate::moments::sentence_case(&m.label)),
            e(unit.trim())
        );
        for r in &a.repetitions {
            match r.measures.iter().find(|x| x.measure == m.measure) {
                Some(x) => {
                    let _ = write!(
                        o,
                        "<td class=\"num\">{}–{}</td>",
                        one_decimal(x.min),
                        one_decimal(x.max)
                    );
                }
                None => o.push_str("<td>–</td>"),
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div></details>\n");
}

fn plots(o: &mut String, input: &ReportInput<'_>, found: &[Moment]) {
    let _ = write!(
        o,
        "<section id=\"plots\" aria-labelledby=\"plots-h\">\n<h2 id=\"plots-h\">Measures over time</h2>\n<p class=\"caption\">Time runs left to right over the whole recording; grey bands are the \
         repetitions, numbered. Vermillion strips and rings mark the moments where a fault \
         rule fired or the movement left the normal range (hover or tap for the sentence).{}</p>\n\
         <figure class=\"plot wide\"><figcaption><h3>Movement over time</h3></figcaption>{}</figure>\n<div class=\"plots\">",
        if input.template.is_some() {
            format!(
                " Under each repetition, the green band is the demonstration's normal range \
                 (mean ± {BAND_SD:.0} SD of the correct examples, the limits the scoring uses) \
                 and the dashed orange line its mean, stretched linearly from 0-100 % of the \
                 demonstration onto the start and end of that repetition. The scoring aligns \
                 phases by dynamic time warping instead, so a curve may touch the band here \
                 without being reported, or the reverse."
            )
        } else {
            String::new()
        },
        primary_figure(input, found)
    );
    // One row per kind of measure, so that left and right sit side by side.
    let mut kind = None;
    for f in measure_figures(input, found) {
        if kind != Some(f.measure.kind) {
            if kind.is_some() {
                o.push_str("</div>\n");
            }
            o.push_str("<div class=\"plot-row\">");
            kind = Some(f.measure.kind);
        }
        let badge = match f.findings {
            0 => String::new(),
            1 => " <span class=\"badge\">1 finding</span>".into(),
            k => format!(" <span class=\"badge\">{k} findings</span>"),
        };
        let _ = write!(
            o,
            "<figure class=\"plot\" id=\"plot-{}\"><figcaption><h3>{}{badge}</h3></figcaption>{}</figure>",
            e(&f.measure.id()),
            e(&f.heading),
            f.svg
        );
    }
    if kind.is_some() {
        o.push_str("</div>\n");
    }
    o.push_str("</div>\n</section>\n");
}

fn statistic_words(s: &Statistic) -> String {
    match s {
        Statistic::Max => "largest value".into(),
        Statistic::Min => "smallest value".into(),
        Statistic::MaxAbs => "largest absolute value".into(),
        Statistic::AtPeakOf { reference, .. } => {
            format!("value at peak {}", Measure::midline(*reference).label())
        }
        Statistic::MaxWhileBelow { reference, limit } => {
            let (label, unit) = kind_words(*reference);
            format!("largest value while {label} is below {limit}{unit}")
        }
    }
}

/// When a statistic is taken at all, in words (empty when always).
fn statistic_condition(s: &Statistic) -> String {
    match s {
        Statistic::AtPeakOf {
            reference,
            min_peak: Some(min),
        } => {
            let (label, unit) = kind_words(*reference);
            format!(", checked when {label} reaches {min}{unit}")
        }
        _ => String::new(),
    }
}

fn kind_words(k: MeasureKind) -> (String, &'static str) {
    let m = Measure::midline(k);
    let unit = match m.unit() {
        relearn_motion::measures::Unit::Degrees => "°",
        relearn_motion::measures::Unit::Centimetres => " cm",
        relearn_motion::measures::Unit::PercentLegLength => " % of leg length",
        relearn_motion::measures::Unit::Seconds => " s",
        relearn_motion::measures::Unit::Percent => " %",
    };
    (m.label(), unit)
}

/// What a rule checks, in a clinician's words.
fn check_words(c: &Check) -> String {
    match c {
        Check::Threshold {
            measure,
            statistic,
            threshold,
            above,
        } => {
            let (label, unit) = kind_words(*measure);
            format!(
                "{label}: {} {} {threshold}{unit}{}",
                statistic_words(statistic),
                if *above { ">" } else { "<" },
                statistic_condition(statistic)
            )
        }
        Check::BelowTemplateFraction {
            measure,
            statistic,
            fraction,
        } => {
            let (label, _) = kind_words(*measure);
            format!(
                "{label}: {} < {:.0} % of the demonstration's",
                statistic_words(statistic),
                fraction * 100.0
            )
        }
        Check::Asymmetry {
            measure,
            statistic,
            max_percent,
            min_magnitude,
        } => {
            let (label, unit) = kind_words(*measure);
            format!(
                "{label}: left-right symmetry index of the {} > {max_percent} % (not compared \
                 below {min_magnitude}{unit} on both sides)",
                statistic_words(statistic)
            )
        }
        Check::Tempo {
            max_percent,
            min_phase_s,
        } => format!(
            "a tempo phase more than {max_percent} % longer or shorter than the \
             demonstration's (phases under {min_phase_s} s not compared)"
        ),
    }
}

fn rules_table(o: &mut String, rules: &[FaultRule]) {
    o.push_str("<div class=\"table-wrap\"><table class=\"rules\">\n<caption>Fault rules applied to every repetition, with the source of each limit.</caption>\n<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Checks</th><th scope=\"col\">Window</th><th scope=\"col\">Applied</th><th scope=\"col\">Source</th></tr></thead>\n<tbody>\n");
    for r in rules {
        let window = if r.window_pct == [0.0, 100.0] {
            "whole repetition".to_string()
        } else {
            format!("{:.0}-{:.0} %", r.window_pct[0], r.window_pct[1])
        };
        let applied = match (r.enabled, r.decides_verdict, &r.note) {
            (true, true, _) => "yes".to_string(),
            (true, false, Some(n)) => format!("reported, not deciding the verdict: {n}"),
            (true, false, None) => "reported, not deciding the verdict".to_string(),
            (false, _, Some(n)) => format!("no: {n}"),
            (false, _, None) => "no".to_string(),
        };
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&r.name),
            e(&check_words(&r.check)),
            e(&window),
            e(&applied),
            e(&r.source)
        );
    }
    o.push_str("</tbody></table></div>\n");
}

fn template_facts(o: &mut String, t: &Template) {
    let model = match &t.verdict {
        VerdictModel::Classifier { .. } => {
            "a correct/incorrect model learnt from correct and incorrect examples".to_string()
        }
        VerdictModel::OneClass {
            quantile,
            log_width,
            ..
        } => format!(
            "how far a repetition lies outside the correct examples' own spread ({:.0}th \
             percentile limit{})",
            quantile * 100.0,
            if log_width.is_some() {
                ", each example measured against a reference built without it"
            } else {
                ""
            }
        ),
    };
    o.push_str("<dl class=\"facts compact\">");
    fact(o, "Exercise", &t.exercise);
    fact(o, "Identity", &t.id);
    fact(o, "Built by Relearn", &t.program_version);
    fact(
        o,
        "Examples",
        &format!(
            "{} files: {} correct, {} incorrect, {} rated repetitions",
            t.examples.len(),
            t.training.correct,
            t.training.incorrect,
            t.training.rated
        ),
    );
    fact(o, "Verdict from", &model);
    if let Some(caution) = one_class_caution(t) {
        fact(o, "Caution", caution);
    }
    fact(
        o,
        "Typical repetition",
        &format!("{:.1} s", t.reference.duration_s),
    );
    fact(
        o,
        "Signals compared",
        &format!(
            "{} ({} clinical measures)",
            t.reference.channels.len(),
            t.reference
                .channels
                .iter()
                .filter(|c| c.is_measure())
                .count()
        ),
    );
    o.push_str("</dl>\n");
}

/// What a clinician should know about the verdicts of a template of correct examples only
/// that was not personalised: they are strict with people other than the demonstrators
/// (VALIDATION.md §4, "A clinic's small template: the verdict" and "Two or three
/// demonstrators"). `None` for other templates.
fn one_class_caution(t: &Template) -> Option<&'static str> {
    let one_class = matches!(
        t.verdict,
        VerdictModel::OneClass {
            log_width: Some(_),
            ..
        }
    );
    (one_class && t.personalisation.is_none()).then_some(
        "this template holds correct repetitions only, and another person's correct movement \
         often lies beyond the demonstrators' spread: read an \"incorrect\" verdict with its \
         differences, and personalise the template with a few of this patient's labelled \
         repetitions (relearn template personalise)",
    )
}

fn details(o: &mut String, input: &ReportInput<'_>) {
    let a = input.analysis;
    let mut warnings = a.warnings.clone();
    if let Some(s) = &a.score {
        for w in &s.warnings {
            if !warnings.contains(w) {
                warnings.push(w.clone());
            }
        }
    }
    let _ = write!(
        o,
        "<section id=\"details\" aria-labelledby=\"details-h\">\n<h2 id=\"details-h\">Warnings, rules and template</h2>\n<details{}><summary>Warnings ({})</summary>\n",
        if warnings.is_empty() { "" } else { " open" },
        warnings.len()
    );
    if warnings.is_empty() {
        o.push_str("<p>None: the recording was read and analysed without reservations.</p>\n");
    } else {
        o.push_str("<ul class=\"warnings\">");
        for w in &warnings {
            let _ = write!(o, "<li><code>{}</code> {}</li>", e(&w.code), e(&w.message));
        }
        o.push_str("</ul>\n");
    }
    let _ = write!(
        o,
        "</details>\n<details><summary>Fault rules applied ({})</summary>\n",
        a.rules.iter().filter(|r| r.enabled).count()
    );
    rules_table(o, &a.rules);
    o.push_str("</details>\n");
    if let Some(t) = input.template {
        o.push_str("<details><summary>Template</summary>\n");
        template_facts(o, t);
        o.push_str("</details>\n");
    }
    o.push_str("</section>\n");
}

fn how_to_read(o: &mut String, with_template: bool) {
    o.push_str("<section id=\"how-to-read\" aria-labelledby=\"how-h\">\n<h2 id=\"how-h\">How to read this report</h2>\n<ul class=\"how\">");
    o.push_str("<li><strong>Summary</strong>: what you did and the one or two things to work on, in plain words.</li>");
    if with_template {
        o.push_str("<li><strong>Score</strong> (0-100): how likely the repetition is to be performed as demonstrated, from the template's examples; 50 or more counts as correct. <strong>Confidence</strong> says how clear-cut that is and how well the repetition was found and tracked.</li>");
        o.push_str("<li><strong>Differences from the demonstration</strong> are reported where a measure leaves the range of the correct examples (|z| ≥ 2) by a visible amount; “within measurement error” marks a difference smaller than the camera can reliably resolve.</li>");
    }
    o.push_str("<li><strong>Fault rules</strong> compare each repetition with published limits (see the rules and their sources above); a clinician can change them.</li>");
    o.push_str("<li><strong>The mirror</strong> replays the recording: blue is you");
    if with_template {
        o.push_str(", orange the demonstration placed at your size and position");
    }
    o.push_str("; a vermillion ring shows the joint of a finding at the moment it happens.</li>");
    o.push_str("<li>Every measurement system has an error: a few degrees for marker-based motion capture, more for depth cameras and video. Small differences between repetitions are normal.</li>");
    o.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_takes_the_last_component_of_either_separator() {
        assert_eq!(file_name("a/b/squat.csv"), "squat.csv");
        assert_eq!(file_name(r"C:\data\squat.c3d"), "squat.c3d");
        assert_eq!(file_name("squat.trc"), "squat.trc");
        assert_eq!(file_name(""), "");
    }

    #[test]
    fn numbers_lose_useless_decimals() {
        assert_eq!(trim_number(30.0), "30");
        assert_eq!(trim_number(29.97), "29.97");
        assert_eq!(trim_number(59.9400001), "59.94");
    }

    #[test]
    fn rule_checks_read_as_sentences() {
        let rules = relearn_motion::faults::default_rules();
        let valgus = rules.iter().find(|r| r.id == "knee_valgus");
        let text = valgus.map(|r| check_words(&r.check)).unwrap_or_default();
        assert!(
            text.contains(
                "value at peak knee flexion > 10°, checked when knee flexion reaches 30°"
            ),
            "{text}"
        );
    }
}
