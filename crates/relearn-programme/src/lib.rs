//! # relearn-programme
//!
//! (Being written; see ARCHITECTURE.md.)
