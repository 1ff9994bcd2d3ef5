//! # relearn-formats
//!
//! (Being written; see ARCHITECTURE.md.)
