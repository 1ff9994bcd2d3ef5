//! Fuzz target: format detection plus whichever reader it picks must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = relearn_formats::read_bytes("fuzz-input", data, None);
});
