//! The analysis report on a realistic input: a simulated patient squatting with a 12° left
//! knee valgus, scored against a template learnt from valgus-free simulated squats.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use relearn_report::{render_analysis_html, ReportInput};
use std::sync::OnceLock;

struct Rendered {
    html: String,
    summary: Vec<String>,
    reps: usize,
}

/// Builds the input once for all tests (template building is the slow part).
fn rendered() -> &'static Rendered {
    static R: OnceLock<Rendered> = OnceLock::new();
    R.get_or_init(|| {
        let t = common::squat_template();
        let p = common::valgus_patient(5);
        let a = common::analysis(&p, Some(&t));
        let input = ReportInput {
            title: None,
            generated_at: Some("2025-01-31 10:00"),
            ..ReportInput::new(&p, &a).with_template(&t)
        };
        Rendered {
            html: render_analysis_html(&input),
            summary: a.summary.clone(),
            reps: a.repetitions.len(),
        }
    })
}

/// The JSON the replay script reads, with its frames decoded as the script does.
fn replay_json(html: &str) -> serde_json::Value {
    let start = r#"<script type="application/json" id="replay-data">"#;
    let from = html.find(start).map(|i| i + start.len()).unwrap();
    let to = from + html[from..].find("</script>").unwrap();
    let mut d: serde_json::Value = serde_json::from_str(&html[from..to]).unwrap();
    for key in ["patient", "template"] {
        let mut prev: Option<Vec<serde_json::Value>> = None;
        for frame in d[key].as_array_mut().unwrap() {
            if let (Some(cur), Some(p)) = (frame.as_array_mut(), &prev) {
                for (v, b) in cur.iter_mut().zip(p) {
                    if let (Some(x), Some(y)) = (v.as_i64(), b.as_i64()) {
                        *v = (x + y).into();
                    }
                }
            }
            prev = frame.as_array().cloned();
        }
    }
    d
}

/// The `<figure>` of one measure's plot.
fn figure<'a>(html: &'a str, measure: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<figure class="plot" id="plot-{measure}">"#))
        .unwrap_or_else(|| panic!("no plot for {measure}"));
    let end = start + html[start..].find("</figure>").unwrap();
    &html[start..end]
}

#[test]
fn page_is_self_contained() {
    let html = &rendered().html;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://"), "no http URL");
    assert!(!html.contains("https://"), "no https URL");
    assert!(!html.contains("//cdn") && !html.contains("<link") && !html.contains("@import"));
    for (i, _) in html.match_indices("src=") {
        let rest = &html[i + 4..];
        assert!(
            rest.starts_with("\"data:") || rest.starts_with("'data:"),
            "external src at {i}: {}",
            &rest[..rest.len().min(60)]
        );
    }
    // url(...) only for in-document references (clip paths).
    for (i, _) in html.match_indices("url(") {
        assert!(html[i + 4..].starts_with('#'), "url( at {i}");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn untrusted_text_is_escaped() {
    let html = &rendered().html;
    assert!(!html.contains("anna <left>"));
    assert!(html.contains("patients/anna &lt;left&gt; &amp; right.csv"));
    assert!(html.contains("<title>Movement analysis: anna &lt;left&gt; &amp; right.csv</title>"));
}

#[test]
fn header_names_file_exercise_template_version_and_recording_facts() {
    let html = &rendered().html;
    for needle in [
        "<dt>Exercise</dt><dd>Squat</dd>",
        "<dt>Generated</dt><dd>2025-01-31 10:00</dd>",
        "<dt>Relearn version</dt>",
        " frames at 30 Hz",
        "<dt>Vertical axis</dt>",
        "<dt>Unit</dt><dd>metres",
        "3-D recording: all planes measured",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn summary_lines_are_shown_for_the_patient() {
    let r = rendered();
    assert!(!r.summary.is_empty());
    let section = &r.html[r.html.find("id=\"summary\"").unwrap()..];
    for line in &r.summary {
        let escaped = relearn_report::svg::escape_xml(line);
        assert!(section.contains(&format!("<li>{escaped}</li>")), "{line}");
    }
    assert_eq!(
        section[..section.find("</section>").unwrap()]
            .matches("class=\"chip ")
            .count(),
        r.reps
    );
}

#[test]
fn repetition_table_lists_every_repetition_with_its_score_and_the_valgus() {
    let r = rendered();
    let html = &r.html;
    let table = &html[html.find("<table class=\"reps\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<th scope=\"row\">").count(), r.reps);
    assert!(table.contains("<th scope=\"col\">Score</th>"));
    assert!(table.contains("correct"), "verdicts shown");
    assert!(table.contains("Knee valgus"), "the valgus rule is named");
    assert!(table.contains("left knee"), "and the side");
}

#[test]
fn plots_are_inline_svg_with_units_ticks_and_legends() {
    let html = &rendered().html;
    assert!(html.contains("id=\"chart-primary-t\""));
    for m in [
        "left_knee_flexion",
        "right_knee_flexion",
        "left_knee_valgus_fppa",
        "right_knee_valgus_fppa",
        "trunk_flexion",
        "squat_depth",
    ] {
        let f = figure(html, m);
        assert!(f.contains("<svg viewBox="), "{m} is inline SVG");
        assert!(f.contains(">time (s)</text>"), "{m} x label");
        assert!(
            f.contains(">patient</text>") && f.contains(">repetition</text>"),
            "{m} legend"
        );
    }
    assert!(figure(html, "left_knee_flexion").contains(">angle (°)</text>"));
    assert!(figure(html, "squat_depth").contains(">depth (% of leg length)</text>"));
}

#[test]
fn template_band_is_drawn_under_each_repetition() {
    let r = rendered();
    let f = figure(&r.html, "left_knee_flexion");
    assert!(f.contains(">demonstration ±2 SD</text>"));
    assert!(f.contains(">demonstration mean</text>"));
    // The bands share one path, one closed outline per repetition.
    let band_path = f
        .split("<path d=\"")
        .find(|p| p.contains("\" fill=\"#009E73\" fill-opacity=\"0.28\""))
        .unwrap();
    let d = band_path.split('"').next().unwrap();
    assert_eq!(d.matches('Z').count(), r.reps, "one band per repetition");
}

#[test]
fn left_knee_valgus_is_highlighted_in_time_and_the_right_is_not() {
    let html = &rendered().html;
    let left = figure(html, "left_knee_valgus_fppa");
    assert!(left.contains("class=\"badge\""), "left valgus has findings");
    let markers: Vec<&str> = left.split("<g><title>Repetition ").skip(1).collect();
    assert!(!markers.is_empty(), "left valgus markers");
    assert!(markers
        .iter()
        .all(|m| m.contains("left knee") || m.contains("Left knee")));
    assert!(
        left.contains("fill=\"#D55E00\" fill-opacity=\"0.22\""),
        "highlight strip"
    );
    let right = figure(html, "right_knee_valgus_fppa");
    assert!(
        !right.contains("left knee"),
        "no left finding on the right chart"
    );
}

#[test]
fn replay_data_holds_both_skeletons_and_the_findings() {
    let r = rendered();
    let d = replay_json(&r.html);
    let fps = d["fps"].as_f64().unwrap();
    assert!(fps <= 30.0);
    let joints = d["joints"].as_u64().unwrap() as usize;
    assert_eq!(joints, 25, "Kinect v2 skeleton");
    let patient = d["patient"].as_array().unwrap();
    assert!(patient.len() > 100);
    assert!(patient
        .iter()
        .all(|f| f.as_array().unwrap().len() == 3 * joints));
    // Millimetres, rounded.
    assert!(patient[0]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v.is_i64() || v.is_null()));
    assert!(!d["bones"].as_array().unwrap().is_empty());
    let template = d["template"].as_array().unwrap();
    assert_eq!(template.len(), patient.len());
    let overlaid = template.iter().filter(|t| !t.is_null()).count();
    assert!(overlaid > patient.len() / 2, "overlay during repetitions");
    assert!(overlaid < patient.len(), "none during rest");
    assert_eq!(d["reps"].as_array().unwrap().len(), r.reps);
    let moments = d["moments"].as_array().unwrap();
    assert!(moments.iter().any(|m| m["text"]
        .as_str()
        .unwrap_or("")
        .to_lowercase()
        .contains("left knee")
        && !m["j"].is_null()));
    assert_eq!(
        d["views"].as_array().unwrap().len(),
        2,
        "front and side views of a 3-D recording"
    );
    assert!(r.html.contains("id=\"mirror-front\"") && r.html.contains("id=\"mirror-side\""));
    assert!(r.html.contains("id=\"replay-play\"") && r.html.contains("id=\"replay-slider\""));
}

#[test]
fn demonstration_overlay_stands_where_the_patient_stands() {
    // At the start of every repetition, the rebuilt demonstration's hips are where the
    // patient's hips are (both frames start at the patient's mid-hip) and its feet within a
    // few centimetres of the patient's (same size, same stance): the overlay is the
    // demonstration at the patient's size and position.
    let d = replay_json(&rendered().html);
    let patient = d["patient"].as_array().unwrap();
    let template = d["template"].as_array().unwrap();
    // Kinect v2 joint order: 12 HipLeft, 16 HipRight, 14 AnkleLeft, 18 AnkleRight.
    let at = |f: &serde_json::Value, j: usize| -> [f64; 3] {
        let a = f.as_array().unwrap();
        [0, 1, 2].map(|k| a[3 * j + k].as_f64().unwrap())
    };
    let mut checked = 0;
    for (i, t) in template.iter().enumerate() {
        let starts = !t.is_null() && (i == 0 || template[i - 1].is_null());
        if !starts {
            continue;
        }
        for (joint, tolerance_mm) in [(12, 40.0), (16, 40.0), (14, 60.0), (18, 60.0)] {
            let (p, q) = (at(&patient[i], joint), at(t, joint));
            let dist =
                ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
            assert!(
                dist < tolerance_mm,
                "frame {i} joint {joint}: {dist:.0} mm apart"
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "{checked} repetitions checked");
}

#[test]
fn page_without_template_has_no_band_and_no_overlay() {
    let p = common::valgus_patient(3);
    let a = common::analysis(&p, None);
    let html = render_analysis_html(&ReportInput::new(&p, &a));
    assert!(!html.contains("demonstration ±2 SD"));
    assert!(html.contains("<dt>Template</dt><dd>none: standard limits only</dd>"));
    let d = replay_json(&html);
    assert!(d["template"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.is_null()));
    // The fault rules alone still find the left valgus.
    assert!(figure(&html, "left_knee_valgus_fppa").contains("class=\"badge\""));
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn one_minute_recording_gives_a_page_well_under_two_megabytes() {
    let t = common::squat_template();
    // 15 repetitions of 3 s with 1 s rests and 1 s at either end: 61 s at 30 Hz.
    let p = common::valgus_patient(15);
    assert!(p.recording.duration_s() >= 60.0);
    let a = common::analysis(&p, Some(&t));
    let html = render_analysis_html(&ReportInput::new(&p, &a).with_template(&t));
    let kb = html.len() as f64 / 1024.0;
    println!(
        "1-minute 30 Hz recording ({} frames, {} repetitions): page {kb:.0} KiB",
        p.recording.frame_count(),
        a.repetitions.len()
    );
    assert!(html.len() < 1_500_000, "{kb:.0} KiB");
}

#[test]
fn recording_without_repetitions_still_gives_a_complete_page() {
    let p = common::prepared(
        &relearn_motion::simulate::SquatSimulation {
            reps: 0,
            edge_rest_s: 3.0,
            ..Default::default()
        },
        "standing.csv",
    );
    // relearn-motion's segmentation currently finds one repetition in quiet standing with
    // 3 mm noise; the page must cope with an analysis that has none, so it is made so here,
    // as `analyze` would return it.
    let mut a = common::analysis(&p, None);
    a.repetitions.clear();
    a.summary = relearn_motion::analysis::patient_summary(&[], None, None);
    a.warnings.push(relearn_core::Warning::new(
        "no_repetitions",
        "no repeated movement was found: the measures are shown for the whole recording",
    ));
    let html = render_analysis_html(&ReportInput::new(&p, &a));
    assert!(html.contains("No repetition was found in this recording."));
    assert!(html.contains("We could not find a repeated movement"));
    assert!(html.contains("no_repetitions"), "the warning is listed");
    assert!(html.trim_end().ends_with("</html>"));
    let d = replay_json(&html);
    assert!(d["reps"].as_array().unwrap().is_empty());
    assert!(!d["patient"].as_array().unwrap().is_empty());
}

/// The header says whether the person stood or sat (the simulated squat stands, with hips
/// and knees deeply flexed part of the time).
#[test]
fn header_states_the_posture() {
    let html = &rendered().html;
    assert!(
        html.contains("<dt>Posture</dt><dd>standing"),
        "posture fact"
    );
}

#[test]
fn header_says_when_and_for_whom_the_template_was_personalised() {
    let mut t = common::squat_template();
    t.personalisation = Some(relearn_motion::personalise::Personalisation {
        patient: Some("P-07 <b>".into()),
        base_template_id: t.id.clone(),
        examples: Vec::new(),
        offset_logit: 1.24,
        prior_sd_logit: 2.5,
        rules_not_deciding: Vec::new(),
        agreement_before: 2,
        agreement_after: 4,
        labelled_repetitions: 4,
    });
    let p = common::valgus_patient(1);
    let a = common::analysis(&p, Some(&t));
    let html = render_analysis_html(&ReportInput::new(&p, &a).with_template(&t));
    assert!(
        html.contains(
            "<dt>Personalised</dt><dd>for P-07 &lt;b&gt;, from 4 repetitions the clinician \
             labelled (verdict shifted by +1.2 logits)</dd>"
        ),
        "personalisation line missing"
    );
    // A template that is not personalised says nothing of it.
    assert!(!rendered().html.contains("<dt>Personalised</dt>"));
}

#[test]
fn a_noise_matched_recording_says_so_in_the_header() {
    let t = common::squat_template();
    let mut p = common::prepared(
        &relearn_motion::simulate::SquatSimulation {
            reps: 2,
            noise_m: 0.015,
            ..relearn_motion::simulate::SquatSimulation::default()
        },
        "noisy.csv",
    );
    let m = relearn_motion::noise_match::match_in_place(&t, &mut p)
        .unwrap()
        .expect("15 mm against a 3 mm demonstration is matched");
    let a = common::analysis(&p, Some(&t));
    assert_eq!(a.score.as_ref().unwrap().noise_match.as_ref(), Some(&m));
    let html = render_analysis_html(&ReportInput::new(&p, &a).with_template(&t));
    assert!(
        html.contains("<dt>Noise matching</dt>"),
        "no noise matching fact"
    );
    assert!(html.contains(&format!(
        "filtered at {:.1} Hz instead of 6 Hz",
        m.cutoff_hz
    )));
    // A steady recording has no such line.
    assert!(!rendered().html.contains("Noise matching"));
}

/// The rules table says which rules decide the verdict and which are only reported: the
/// tempo rule is reported by default (the demonstration's pace is not a prescription).
#[test]
fn rules_table_tells_a_deciding_rule_from_a_reported_one() {
    let html = &rendered().html;
    let table = &html[html.find("<table class=\"rules\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = |name: &str| {
        let at = table
            .find(name)
            .unwrap_or_else(|| panic!("{name} not in {table}"));
        let row = &table[at..];
        row[..row.find("</tr>").unwrap()].to_string()
    };
    let tempo = row("Tempo (phase durations");
    assert!(
        tempo.contains("reported, not deciding the verdict: a demonstration&#39;s pace"),
        "{tempo}"
    );
    assert!(row("Knee valgus").contains("<td>yes</td>"));
}

/// A template of correct examples only, not personalised, comes with a caution in the
/// template facts: its verdicts are strict with people other than the demonstrators. A
/// template with incorrect examples has none.
#[test]
fn a_correct_only_template_is_shown_with_a_caution_about_other_people() {
    let facts = |t: &relearn_motion::template::Template| {
        let p = common::valgus_patient(2);
        let a = common::analysis(&p, Some(t));
        let html = render_analysis_html(&ReportInput::new(&p, &a).with_template(t));
        let at = html.find("Verdict from").expect("template facts");
        html[at..at + html[at..].find("</dl>").unwrap()].to_string()
    };
    let one_class = common::squat_template_with(false);
    let shown = facts(&one_class);
    assert!(
        shown.contains("Caution") && shown.contains("personalise the template"),
        "{shown}"
    );
    assert!(!facts(&common::squat_template()).contains("Caution"));
}
