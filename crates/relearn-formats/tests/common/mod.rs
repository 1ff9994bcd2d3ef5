//! Shared helpers of the integration tests: where the real test data live.

use std::path::PathBuf;

/// The shared test data folder (`../shared/data` beside the repository), or `None` with a
/// printed reason when it is absent (the test then skips, style guide §4).
pub fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: the shared test data folder {} is absent",
            dir.display()
        );
        None
    }
}
