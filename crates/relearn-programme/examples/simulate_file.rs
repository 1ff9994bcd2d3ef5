//! Run a scenario file through the simulator and print the text report (development aid;
//! the `relearn programme simulate` command is the user-facing way).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: simulate_file SCENARIO.toml")?;
    let text = std::fs::read_to_string(&path)?;
    let scenario = relearn_programme::scenario::Scenario::from_toml_str(&text)
        .map_err(|e| format!("{path}: {e}"))?;
    let report = relearn_programme::simulate::simulate(&scenario)?;
    print!("{}", relearn_programme::simulate::render_text(&report));
    Ok(())
}
