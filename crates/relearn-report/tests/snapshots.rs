//! Snapshots of small, stable parts of a report (style guide §4: `insta` for reports): the
//! clinician's repetition table for a tiny hand-written analysis, and one SVG chart.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The hand-written analysis is one large JSON literal.
#![recursion_limit = "256"]

use relearn_motion::analysis::Analysis;
use relearn_report::repetition_table_html;
use relearn_report::svg::{line_chart_svg, palette, Band, LineChart, Marker, Series, Span};
use serde_json::json;

/// Two repetitions scored against a template: one correct, one with a left knee valgus (a
/// rule) and a difference from the demonstration (the trunk).
fn tiny_analysis() -> Analysis {
    let rep = |n: usize, start: usize, end: usize| {
        json!({
            "number": n, "start_frame": start, "end_frame": end, "peak_frame": (start + end) / 2,
            "start_s": start as f64 / 30.0, "end_s": end as f64 / 30.0,
            "duration_s": (end - start) as f64 / 30.0, "confidence": 0.9
        })
    };
    let tempo = json!({"outward_s": 1.4, "pause_s": 0.2, "return_s": 1.3});
    let valgus = json!({
        "rule": "knee_valgus",
        "name": "Knee valgus (frontal-plane projection angle at peak knee flexion)",
        "measure": "left_knee_valgus_fppa", "body_part": "left knee",
        "value": 12.4, "limit": 10.0, "unit": "degrees", "phase_pct": 49.0, "excess": 2.4
    });
    serde_json::from_value(json!({
        "path": "tiny.csv", "format": "generic-csv", "program_version": "0.0.0-test",
        "rate_hz": 30.0, "frames": 240, "duration_s": 8.0, "view": "three_d",
        "lab": {
            "source_up": "z", "up_source": "format", "source_unit": "metres",
            "unit_inferred": false, "metres_per_unit": 1.0, "leg_length_m": 0.88
        },
        "repetitions": [
            {
                "repetition": rep(1, 30, 120),
                "measures": [{"measure": "left_knee_flexion", "label": "left knee flexion",
                              "unit": "deg", "min": 2.0, "max": 98.5, "range": 96.5}],
                "faults": [],
                "tempo": tempo
            },
            {
                "repetition": rep(2, 135, 225),
                "measures": [{"measure": "left_knee_flexion", "label": "left knee flexion",
                              "unit": "deg", "min": 1.5, "max": 97.0, "range": 95.5}],
                "faults": [valgus],
                "tempo": tempo
            }
        ],
        "primary_signal": [],
        "score": {
            "path": "tiny.csv", "exercise": "Squat", "template_id": "abc", "program_version": "0.0.0-test",
            "reps": [
                {
                    "number": 1, "start_s": 1.0, "end_s": 4.0, "duration_s": 3.0, "score": 91.2,
                    "verdict": "correct", "confidence": 0.82, "rating": null,
                    "segmentation_confidence": 0.9, "tempo": tempo, "deviations": []
                },
                {
                    "number": 2, "start_s": 4.5, "end_s": 7.5, "duration_s": 3.0, "score": 12.7,
                    "verdict": "incorrect", "confidence": 0.75, "rating": null,
                    "segmentation_confidence": 0.9, "tempo": tempo,
                    "deviations": [
                        {
                            "source": "rule", "rule": "knee_valgus", "measure": "left_knee_valgus_fppa",
                            "body_part": "left knee", "phase_pct": 49.0, "phase": "at the bottom of the squat",
                            "size": 12.4, "unit": "deg", "direction": "inward", "limit": 10.0,
                            "exceeds_mdc": true,
                            "message": "left knee valgus reaches 12 degrees at the bottom of the squat (limit 10 degrees)"
                        },
                        {
                            "source": "template", "measure": "trunk_flexion", "body_part": "trunk",
                            "phase_pct": 52.0, "phase": "at the bottom of the squat", "size": 9.3,
                            "unit": "deg", "direction": "forward", "z": 3.1, "exceeds_mdc": false,
                            "message": "trunk leans 9 degrees further forward at the bottom of the squat (within this camera's measurement error)"
                        }
                    ]
                }
            ],
            "warnings": []
        },
        "rules": [],
        "summary": ["You did 2 repetitions of the squat.", "1 of 2 matched the demonstration well."],
        "warnings": []
    }))
    .unwrap()
}

#[test]
fn repetition_table_snapshot() {
    insta::assert_snapshot!("repetition_table", repetition_table_html(&tiny_analysis()));
}

#[test]
fn line_chart_snapshot() {
    let mut chart = LineChart::new("knee", "Left knee flexion");
    chart.description = "Left knee flexion over two repetitions.".into();
    chart.width = 480.0;
    chart.height = 200.0;
    chart.x_label = "time (s)".into();
    chart.y_label = "angle (°)".into();
    chart.x_domain = Some([0.0, 8.0]);
    chart.series.push(Series {
        label: Some("patient".into()),
        colour: palette::BLUE.into(),
        width: 2.0,
        dash: None,
        points: (0..=16)
            .map(|i| {
                let t = i as f64 * 0.5;
                (t, 90.0 * (std::f64::consts::PI * t / 4.0).sin().powi(2))
            })
            .collect(),
    });
    for (a, b) in [(1.0, 4.0), (4.5, 7.5)] {
        chart.spans.push(Span {
            x0: a,
            x1: b,
            label: Some(if a < 2.0 { "1" } else { "2" }.into()),
            colour: palette::BLACK.into(),
            opacity: 0.07,
        });
        chart.bands.push(Band {
            label: Some("demonstration ±2 SD".into()),
            colour: palette::GREEN.into(),
            opacity: 0.28,
            points: (0..=4)
                .map(|k| {
                    let x = a + (b - a) * k as f64 / 4.0;
                    let mid = 90.0 * (std::f64::consts::PI * k as f64 / 4.0).sin();
                    (x, mid - 8.0, mid + 8.0)
                })
                .collect(),
        });
    }
    chart.span_label = Some("repetition".into());
    chart.markers.push(Marker {
        x: 6.0,
        y: Some(90.0),
        half_width: 0.15,
        label: "Repetition 2: left knee drifts inward".into(),
        colour: palette::VERMILLION.into(),
    });
    chart.marker_label = Some("fault or deviation".into());
    insta::assert_snapshot!("line_chart", line_chart_svg(&chart));
}
