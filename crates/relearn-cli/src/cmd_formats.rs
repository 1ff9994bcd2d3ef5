//! `relearn formats`: the recording formats Relearn reads (the values of `--format`).

use anyhow::Result;

/// Arguments of `relearn formats`.
#[derive(Debug, clap::Args)]
pub struct FormatsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `relearn formats`.
pub fn run(args: FormatsArgs) -> Result<()> {
    let readers = relearn_formats::readers();
    if args.json {
        let list: Vec<serde_json::Value> = readers
            .iter()
            .map(|r| serde_json::json!({"id": r.id(), "description": r.description()}))
            .collect();
        return crate::out::json_pretty(&list);
    }
    for r in readers {
        outln!("{:<16} {}", r.id(), r.description());
    }
    outln!();
    outln!("Formats are detected from the file name and content; --format ID forces one.");
    outln!("Any file may be gzip-compressed. See docs/formats.md.");
    Ok(())
}
