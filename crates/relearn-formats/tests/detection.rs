//! Format detection on every sample file of the skeleton and keypoint data sets in
//! `../shared/data` (UI-PRMD, KIMORE, KERAAL), and no false claim by these readers on C3D
//! and TRC files (another reader's formats) or on anything else in those folders. Skips with
//! a printed reason when the data folder is absent.

// Test helpers outside #[test] functions fail loudly on bad data, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use relearn_formats::{detect, file_name_without_gz, open_decompressed, reader_by_id, SNIFF_BYTES};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The readers written for skeleton and keypoint files.
const SKELETON_READERS: [&str; 7] = [
    "ui-prmd",
    "kimore-csv",
    "keraal-kinect",
    "openpose-json",
    "blazepose-json",
    "alphapose-json",
    "generic-csv",
];

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The name and sniffed head of a file, as `read_recording` sees them.
fn head_of(path: &Path) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    open_decompressed(path)
        .unwrap()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .unwrap();
    (file_name_without_gz(path), head)
}

/// The reader a sample file must be detected as, or `None` when none of the skeleton readers
/// may claim it.
fn expected_reader(name: &str) -> Option<&'static str> {
    if name.ends_with("_positions.txt") || name.ends_with("_positions_inc.txt") {
        Some("ui-prmd")
    } else if name.ends_with("_angles.txt") || name.ends_with("_angles_inc.txt") {
        // Claimed so that the reader can say to open the Positions file instead.
        Some("ui-prmd")
    } else if name == "input.csv" {
        Some("kimore-csv")
    } else if name.contains("-Kinect-") {
        Some("keraal-kinect")
    } else if name.contains("-OP-") {
        Some("openpose-json")
    } else if name.contains("-BP-") {
        Some("blazepose-json")
    } else if name.contains("-AP-") {
        Some("alphapose-json")
    } else {
        None
    }
}

#[test]
fn every_skeleton_sample_file_is_detected_as_its_format() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let mut checked = 0usize;
    for folder in ["ui-prmd", "kimore-sample-stgcn", "keraal-sample"] {
        for path in files_under(&data.join(folder)) {
            let (name, head) = head_of(&path);
            let shown = path.display().to_string();
            match expected_reader(&name) {
                Some(id) => {
                    let chosen = detect(&name, &head, None, &shown).unwrap();
                    assert_eq!(chosen.id(), id, "{shown}");
                }
                None => {
                    for id in SKELETON_READERS {
                        let score = reader_by_id(id).unwrap().sniff(&name, &head);
                        assert_eq!(score, 0, "{id} claims {shown}");
                    }
                }
            }
            checked += 1;
        }
    }
    // 4000 UI-PRMD files, 3 KIMORE, 23 KERAAL.
    assert!(checked >= 4026, "{checked} files checked");
}

/// How many files under `data` that `skip` does not exclude were checked: none of them is
/// claimed (sniff score 0) by any of the `readers`.
fn unclaimed_by(data: &Path, readers: &[&str], skip: impl Fn(&Path, &str) -> bool) -> usize {
    let mut checked = 0usize;
    for path in files_under(data) {
        if skip(&path, &file_name_without_gz(&path).to_ascii_lowercase()) {
            continue;
        }
        let (name, head) = head_of(&path);
        for id in readers {
            assert_eq!(
                reader_by_id(id).unwrap().sniff(&name, &head),
                0,
                "{id} claims {path:?}"
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn c3d_and_trc_files_are_not_claimed_by_skeleton_readers() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let checked = unclaimed_by(&data, &SKELETON_READERS, |_, name| {
        !name.ends_with(".c3d") && !name.ends_with(".trc")
    });
    assert!(checked >= 30, "{checked} C3D/TRC files checked");
}

/// The C3D reader claims no file of another kind in the data folders: IMU and EMG tables,
/// MATLAB files, a PDF (whose "%PDF" has the C3D key byte "P" at offset 1: it was once taken
/// for a C3D file whose processor byte was wrong, instead of for no recording at all).
#[test]
fn no_other_file_is_taken_for_c3d() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let checked = unclaimed_by(&data, &["c3d"], |path, name| {
        path.components().any(|c| c.as_os_str() == "ui-prmd") || name.ends_with(".c3d")
    });
    assert!(checked >= 300, "{checked} other files checked");
}
