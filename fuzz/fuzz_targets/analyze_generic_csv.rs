//! Fuzz target: a generic skeleton CSV that reads must also prepare (lab frame, left-right swap
//! repair, gap filling, filtering at whatever rate the file states, measures) and analyse
//! without a template (segmentation, fault rules), or fail with a clear error: never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use relearn_motion::prepare::{prepare, PrepareSettings};
use relearn_motion::segment::SegmentSettings;

fuzz_target!(|data: &[u8]| {
    let Ok(rec) = relearn_formats::read_bytes("fuzz-input", data, Some("generic-csv")) else {
        return;
    };
    let Ok(p) = prepare(rec, &PrepareSettings::default()) else {
        return;
    };
    let _ = relearn_motion::analysis::analyze(&p, None, None, &SegmentSettings::default());
});
