//! The report in a real browser: written to a file, loaded by a headless Chromium from disk,
//! the replay script must run (it marks `<html data-replay="ready">`) and draw the same frame
//! as the static SVG the library rendered. Skipped, with the reason printed, when Chromium is
//! not installed.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use relearn_report::{render_analysis_html, ReportInput};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The page's DOM after its scripts ran (with 10 s of virtual time for timers), as headless
/// Chromium dumps it.
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--virtual-time-budget=10000",
    ];
    // A hung browser must not hang the test suite.
    let mut cmd = if Path::new("/usr/bin/timeout").exists() {
        let mut c = Command::new("/usr/bin/timeout");
        c.arg("120").arg(browser);
        c
    } else {
        Command::new(browser)
    };
    let out = cmd
        .args(args)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `(x1, y1, x2, y2)` of the lines in group `class` of the SVG with id `view`.
fn lines(html: &str, view: &str, class: &str) -> Vec<[String; 4]> {
    let svg = &html[html.find(&format!("id=\"{view}\"")).unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    let group = &svg[svg.find(&format!("class=\"{class}\"")).unwrap()..];
    let group = &group[..group.find("</g>").unwrap()];
    group
        .split("<line")
        .skip(1)
        .filter(|l| !l.contains("visibility=\"hidden\""))
        .map(|l| {
            ["x1", "y1", "x2", "y2"].map(|a| {
                let from = l.find(&format!(" {a}=\"")).unwrap() + a.len() + 3;
                l[from..from + l[from..].find('"').unwrap()].to_string()
            })
        })
        .collect()
}

#[test]
fn replay_script_runs_in_headless_chromium_and_draws_what_the_library_drew() {
    let Some(browser) = chromium() else {
        println!("skipped: no Chromium at /usr/bin/chromium or /usr/bin/chromium-browser");
        return;
    };
    let t = common::squat_template();
    let p = common::valgus_patient(3);
    let a = common::analysis(&p, Some(&t));
    let html = render_analysis_html(&ReportInput::new(&p, &a).with_template(&t));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let dom = dump_dom(&browser, &page, &dir.path().join("profile"));
    assert!(
        dom.contains("data-replay=\"ready\""),
        "the replay script did not finish: {}",
        &dom[..dom.len().min(400)]
    );
    // The script filled in the status of the frame it shows (the first fault, in repetition 1).
    assert!(dom.contains("Repetition 1 of 3"), "repetition status shown");
    assert!(dom.contains("id=\"replay-time\""));
    // The script decoded the frames and drew the initial frame exactly where the library's
    // static drawing put it, for the patient and the demonstration, in both views.
    for view in ["mirror-front", "mirror-side"] {
        for class in ["pat", "tpl"] {
            let ours = lines(&html, view, class);
            let theirs = lines(&dom, view, class);
            assert!(!ours.is_empty(), "{view} {class} drawn");
            assert_eq!(ours, theirs, "{view} {class}");
        }
    }

    // The controls work: a test harness (an extra inline script, as a user's clicks) jumps to
    // the next repetition, plays at double speed for one (virtual) second and records where
    // the replay is.
    let harness = r#"<script>
window.addEventListener("load", function () {
  var s = document.getElementById("replay-slider");
  document.getElementById("replay-next").click();
  var atNext = +s.value, repNext = document.getElementById("replay-rep").textContent;
  document.getElementById("replay-speed").value = "2";
  document.getElementById("replay-play").click();
  setTimeout(function () {
    document.documentElement.setAttribute("data-check",
      atNext + "|" + repNext + "|" + s.value + "|" + document.getElementById("replay-play").textContent);
  }, 1000);
});
</script></body>"#;
    let played = dir.path().join("played.html");
    std::fs::write(&played, html.replace("</body>", harness)).unwrap();
    let dom = dump_dom(&browser, &played, &dir.path().join("profile"));
    let check = dom
        .split("data-check=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("harness did not run: {}", &dom[..dom.len().min(300)]));
    let parts: Vec<&str> = check.split('|').collect();
    let (at_next, rep_next, after, button) = (parts[0], parts[1], parts[2], parts[3]);
    assert!(rep_next.starts_with("Repetition 2 of 3"), "{check}");
    let (at_next, after): (f64, f64) = (at_next.parse().unwrap(), after.parse().unwrap());
    // About 2 s of recording at 30 frames per second in one second at double speed.
    assert!(
        (after - at_next - 60.0).abs() <= 12.0,
        "played {} frames: {check}",
        after - at_next
    );
    assert_eq!(button, "Pause", "still playing");
}
