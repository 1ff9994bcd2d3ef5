//! Snapshot tests (insta) of the simulator's text output for every example scenario: any
//! change to a rule, a rationale or a default shows up as a reviewable diff.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use relearn_programme::simulate::render_text;

#[test]
fn simulator_text_output_of_every_example() {
    for (name, _) in common::EXAMPLES {
        let report = common::run(name);
        insta::assert_snapshot!(name, render_text(&report));
    }
}

#[test]
fn simulator_json_shape_carries_version_and_settings() {
    let report = common::run("smooth-progression");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["program"]["name"], "relearn-programme");
    assert!(json["engine"]
        .as_str()
        .unwrap_or("")
        .starts_with("relearn-programme "));
    assert_eq!(json["settings"]["pain"]["ceiling"], 5.0);
    assert_eq!(json["settings"]["feedback"]["faded_end"], 0.25);
    assert!(json["events"][2]["decisions"][0]["rationale"].is_string());
}
