//! # relearn-report
//!
//! HTML and SVG rendering of Relearn's results: values in, text out. It turns an analysis of
//! a recording (`relearn_motion::analysis::Analysis`), the prepared recording it came from and
//! the template it was scored against into a single self-contained HTML page that a patient
//! and a clinician can open from disk, print, or read on a phone.
//!
//! The page ([`render_analysis_html`]) holds:
//! - a header with the file, exercise, template identity, program version and the recording's
//!   facts (rate, duration, frames, view, vertical axis and unit found);
//! - the plain-language **summary for the patient**, and a chip per repetition;
//! - **the mirror**: an animated replay of the patient's skeleton (front and side views) with
//!   the demonstration's skeleton overlaid during each repetition (mirrored for a repetition
//!   performed on the other side), play/pause, scrubbing,
//!   speed, and the repetition and finding of the moment as text;
//! - the clinician's **repetition table** ([`repetition_table_html`]): times, tempo, score,
//!   verdict, confidence, rating, differences from the demonstration, fault rules broken;
//! - **plots** (inline SVG): every clinical measure over time with the repetitions shaded, the
//!   demonstration's normal band under each repetition and the findings highlighted, plus the
//!   primary movement signal;
//! - warnings, the fault rules applied with their sources, the template, and how to read it.
//!
//! Everything is inline (CSS, script, SVG, JSON data); a Content-Security-Policy forbids the
//! page to load anything, so it works offline and cannot leak data. The [`svg`] module holds
//! the chart building blocks (escaping, scales, ticks, a line chart with bands, spans and
//! markers), reusable for other charts.
//!
//! What it is not for: computing anything clinical (that is `relearn-motion`), reading or
//! writing files (the caller writes the string), or knowing the time (the caller may pass a
//! timestamp to print).

mod moments;
mod page;
mod plots;
mod replay;
pub mod svg;

use relearn_motion::analysis::Analysis;
use relearn_motion::prepare::PreparedRecording;
use relearn_motion::template::Template;

pub use page::repetition_table_html;
pub use plots::BAND_SD;
pub use replay::{MAX_REPLAY_FPS, MAX_REPLAY_FRAMES};

/// Everything an analysis report is drawn from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The prepared recording the analysis was computed from (lab-frame positions, skeleton,
    /// measures frame by frame).
    pub prepared: &'a PreparedRecording,
    /// The analysis of that recording.
    pub analysis: &'a Analysis,
    /// The template the recording was scored against, if any: adds the normal bands to the
    /// plots and the demonstration to the mirror.
    pub template: Option<&'a Template>,
    /// Page title; `None`: "Movement analysis: " and the file name.
    pub title: Option<&'a str>,
    /// When the report was generated, as the caller wants it printed (the library has no
    /// clock); `None`: not shown.
    pub generated_at: Option<&'a str>,
}

impl<'a> ReportInput<'a> {
    /// An input without template, title or timestamp.
    pub fn new(prepared: &'a PreparedRecording, analysis: &'a Analysis) -> ReportInput<'a> {
        ReportInput {
            prepared,
            analysis,
            template: None,
            title: None,
            generated_at: None,
        }
    }

    /// The same input with the template the analysis used.
    pub fn with_template(self, template: &'a Template) -> ReportInput<'a> {
        ReportInput {
            template: Some(template),
            ..self
        }
    }

    /// True when the repetition spanning frames `start..end` was performed on the other side
    /// from the demonstration and compared with its mirror image (`mirrored` in its score):
    /// the plots and the mirror then show the mirrored demonstration.
    pub(crate) fn repetition_mirrored(&self, start: usize, end: usize) -> bool {
        let rate = self.analysis.rate_hz.max(f64::EPSILON);
        self.analysis.score.as_ref().is_some_and(|s| {
            s.reps.iter().any(|sr| {
                sr.mirrored && sr.start_s < end as f64 / rate && sr.end_s > start as f64 / rate
            })
        })
    }
}

/// Renders the analysis report: one self-contained HTML page (inline CSS, script, SVG and
/// data; no external resources).
///
/// The analysis must have been computed from `input.prepared` (its repetitions index that
/// recording's frames), with `input.template` when one is given.
pub fn render_analysis_html(input: &ReportInput<'_>) -> String {
    page::render(input)
}
