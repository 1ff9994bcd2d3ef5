//! Writes the analysis report of a simulated patient (a squat with a 12° left knee valgus,
//! scored against a template of valgus-free simulated squats) to the file given as the first
//! argument, to look at the page in a browser:
//!
//! ```text
//! cargo run -p relearn-report --example demo_report -- /tmp/report.html [REPS]
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use relearn_report::{render_analysis_html, ReportInput};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "report.html".into());
    let reps = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let template = common::squat_template();
    let patient = common::valgus_patient(reps);
    let analysis = common::analysis(&patient, Some(&template));
    let input = ReportInput {
        generated_at: Some("demo"),
        ..ReportInput::new(&patient, &analysis).with_template(&template)
    };
    let html = render_analysis_html(&input);
    std::fs::write(&out, &html)?;
    println!("{out}: {} KiB", html.len() / 1024);
    Ok(())
}
