//! `relearn rules`: print the default fault rules (JSON a clinician can edit and pass back with
//! `--rules`).

use anyhow::Result;

/// Arguments of `relearn rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {}

/// Runs `relearn rules`.
pub fn run(_args: RulesArgs) -> Result<()> {
    outln!(
        "{}",
        serde_json::to_string_pretty(&relearn_motion::faults::default_rules())?
    );
    Ok(())
}
