//! Rendering of the HTML report (the page itself is `relearn-report`; this adds the clock).

use relearn_motion::analysis::Analysis;
use relearn_motion::prepare::PreparedRecording;
use relearn_motion::template::Template;
use relearn_report::{render_analysis_html, ReportInput};

/// Renders the analysis report, stamped with the current local time.
pub fn render(p: &PreparedRecording, a: &Analysis, t: Option<&Template>) -> String {
    let stamp = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    let mut input = ReportInput::new(p, a);
    if let Some(t) = t {
        input = input.with_template(t);
    }
    input.generated_at = Some(&stamp);
    render_analysis_html(&input)
}
