//! `relearn programme ...`: run rehabilitation-programme scenarios through the programme
//! engine (`relearn-programme`). IO lives here: the library only sees text and values.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use relearn_programme::red_flags::RedFlagQuestion;
use relearn_programme::scenario::Scenario;
use relearn_programme::simulate::{render_text, simulate, ProgramInfo};
use relearn_programme::ProgrammeSettings;

/// Programme subcommands.
#[derive(clap::Subcommand)]
pub enum ProgrammeCommand {
    /// Run a scenario (docs/scenario-format.md) and print every decision with its rationale.
    Simulate {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Print one JSON document (program version, settings, events, decisions, final
        /// state) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the default settings as TOML, ready to paste into a scenario's `[settings]`.
    Settings,
    /// Print the red-flag screening questions (clinical-spec §3.2; free to ship).
    RedFlags,
}

/// Run a programme subcommand.
pub fn run(cmd: ProgrammeCommand) -> anyhow::Result<()> {
    match cmd {
        ProgrammeCommand::Simulate { scenario, json } => {
            let text = std::fs::read_to_string(&scenario)
                .with_context(|| format!("cannot read {}", scenario.display()))?;
            let parsed = Scenario::from_toml_str(&text)
                .map_err(|e| anyhow!("{}: {e}", scenario.display()))?;
            let mut report =
                simulate(&parsed).map_err(|e| anyhow!("{}: {e}", scenario.display()))?;
            report.program = ProgramInfo {
                name: "relearn".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            };
            if json {
                crate::out::json_pretty(&report)?;
            } else {
                print!("{}", render_text(&report));
            }
        }
        ProgrammeCommand::Settings => {
            print!(
                "{}",
                relearn_programme::settings::settings_toml(&ProgrammeSettings::default())?
            );
        }
        ProgrammeCommand::RedFlags => {
            for q in RedFlagQuestion::ALL {
                outln!(
                    "{:<6} {} [{}; {}]",
                    q.id(),
                    q.text(),
                    q.condition(),
                    q.base_level()
                        .map_or("counts towards the SpA screen", |l| l.name())
                );
            }
        }
    }
    Ok(())
}
