//! Fuzz target: the `openpose-json` reader must return a recording or a clear error, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = relearn_formats::read_bytes("fuzz-input", data, Some("openpose-json"));
});
