//! # relearn-report
//!
//! (Being written; see ARCHITECTURE.md.)
