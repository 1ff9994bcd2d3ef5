//! # relearn-motion
//!
//! Kinematics analysis for movement re-education: from a recording to what is wrong with a
//! patient's repetitions, measurably.
//!
//! - [`prepare::prepare`]: lab frame, gap filling, zero-phase filtering, clinical measures
//!   (`clinical-spec.md` §5.1, §6).
//! - [`measures`]: knee, hip and trunk flexion, trunk lateral lean, knee frontal-plane
//!   projection angle (dynamic valgus), pelvic drop, shoulder elevation, squat depth and more,
//!   as values ([`measures::Measure`]) computed in the body frame ([`body`]).
//! - [`segment`]: repetition segmentation of continuous recordings with a confidence.
//! - [`simulate`]: a seeded simulated squatter with known faults (known-answer tests, demo).
//!
//! What it is not for: reading files (`relearn-formats`), rendering (`relearn-report`). It
//! never does IO, reads a clock or draws unseeded random numbers.

pub mod body;
pub mod channels;
pub mod error;
pub mod measures;
pub mod prepare;
pub mod segment;
pub mod simulate;

pub use error::{Error, Result};
