//! Rendering of the HTML report (delegates to `relearn-report`).

use relearn_motion::analysis::Analysis;
use relearn_motion::prepare::PreparedRecording;
use relearn_motion::template::Template;

/// Renders the analysis report.
pub fn render(p: &PreparedRecording, a: &Analysis, t: Option<&Template>) -> String {
    let _ = (p, t);
    format!(
        "<!doctype html><title>{}</title><pre>{}</pre>",
        a.path,
        a.summary.join("\n")
    )
}
