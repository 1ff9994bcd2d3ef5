//! # relearn-motion
//!
//! (Being written; see ARCHITECTURE.md.)
