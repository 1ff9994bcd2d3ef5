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
//! - [`posture`]: seated or standing, so that rules for standing movements are not applied
//!   to seated exercises.
//! - [`segment`]: repetition segmentation of continuous recordings with a confidence.
//! - [`template::build_template`]: a reference movement and its normal variability from
//!   correct examples, a readable correct/incorrect model from incorrect ones, a rating model
//!   from rated ones ([`compare`], [`models`]).
//! - [`score::score_recording`]: score, verdict, confidence, rating and deviations phrased as
//!   knowledge of performance for every repetition; fault rules with cited defaults
//!   ([`faults`]), tempo ([`tempo`]), measurement error by system ([`mdc`]).
//! - [`noise_match`]: a recording noisier than the template's examples is scored after a
//!   lower low-pass and against a normal band widened by the noise that remains.
//! - [`personalise::personalise`]: a template adapted to one patient from a few of their
//!   repetitions the clinician labelled (a personal shift of the verdict, rules the patient's
//!   correct repetitions break stop deciding).
//! - [`simulate`]: a seeded simulated squatter with known faults (known-answer tests, demo).
//!
//! What it is not for: reading files (`relearn-formats`), rendering (`relearn-report`). It
//! never does IO, reads a clock or draws unseeded random numbers.

pub mod analysis;
pub mod body;
pub mod channels;
pub mod compare;
pub mod error;
pub mod evaluate;
pub mod faults;
pub mod mdc;
pub mod measures;
pub mod models;
pub mod noise_match;
pub mod personalise;
pub mod posture;
pub mod prepare;
pub mod resemblance;
pub mod score;
pub mod segment;
pub mod simulate;
pub mod swaps;
pub mod template;
pub mod tempo;

pub use error::{Error, Result};
