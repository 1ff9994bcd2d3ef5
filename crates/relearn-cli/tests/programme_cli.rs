//! End-to-end tests of `relearn programme`: every example scenario runs as text and as JSON,
//! and a bad scenario fails with one line naming the file and the TOML location.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn examples() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/programme");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_scenario_runs_as_text() {
    let files = examples();
    assert!(
        files.len() >= 7,
        "expected the shipped examples, found {files:?}"
    );
    for file in files {
        Command::cargo_bin("relearn")
            .unwrap()
            .args(["programme", "simulate"])
            .arg(&file)
            .assert()
            .success()
            .stdout(predicate::str::contains("Relearn programme simulation"))
            .stdout(predicate::str::contains("Final state"));
    }
}

#[test]
fn every_example_scenario_runs_as_json_with_version_and_settings() {
    for file in examples() {
        let out = Command::cargo_bin("relearn")
            .unwrap()
            .args(["programme", "simulate", "--json"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", file.display());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["program"]["name"], "relearn");
        assert_eq!(json["program"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(json["settings"]["pain"]["ceiling"].is_number());
        assert!(json["events"].as_array().is_some_and(|e| !e.is_empty()));
    }
}

#[test]
fn the_emergency_example_prints_the_stop_and_the_clearance() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/programme/emergency-red-flag.toml");
    Command::cargo_bin("relearn")
        .unwrap()
        .args(["programme", "simulate"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("[red flag]: EMERGENCY"))
        .stdout(predicate::str::contains("[session blocked]"))
        .stdout(predicate::str::contains("[clearance]"));
}

#[test]
fn a_bad_scenario_gives_one_line_with_file_and_location() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[scenario]\nname = \"x\"\n\n[patient]\nid = \"p\"\nage_years = \"old\"\n",
    )
    .unwrap();
    let out = Command::cargo_bin("relearn")
        .unwrap()
        .args(["programme", "simulate"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml: line 6, column 13"), "{err}");
}

#[test]
fn settings_and_red_flag_questions_are_printed() {
    Command::cargo_bin("relearn")
        .unwrap()
        .args(["programme", "settings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[pain]"))
        .stdout(predicate::str::contains("ceiling = 5.0"));
    Command::cargo_bin("relearn")
        .unwrap()
        .args(["programme", "red-flags"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CES-1"))
        .stdout(predicate::str::contains("EMERGENCY"));
}
