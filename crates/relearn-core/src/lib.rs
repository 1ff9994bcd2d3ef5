//! # relearn-core
//!
//! The data model and the numerics every other Relearn crate builds on.
//!
//! - **Data model**: [`Skeleton`] (joint names, parent table, anatomical [`Landmark`]s: a
//!   skeleton is data, not a code path), [`Recording`] (positions over time in one contiguous
//!   frame-major table, analog channels, units and axes), [`Warning`].
//! - **Frames**: [`lab::to_lab_frame`] converts any recording to the lab frame of
//!   `clinical-spec.md` §6 (metres, right-handed, z up), detecting the vertical axis and the
//!   unit when the format does not state them.
//! - **Numerics**: zero-phase Butterworth filtering and residual analysis ([`filter`]), gap
//!   filling ([`gaps`]), resampling ([`resample`]), dynamic time warping ([`dtw`]),
//!   statistics ([`stats`]), tracking quality ([`quality`]) and [`geometry`].
//!
//! What it is not for: reading files (that is `relearn-formats`), clinical measures (that is
//! `relearn-motion`). Nothing here does IO, reads a clock or draws unseeded random numbers.

pub mod dtw;
pub mod error;
pub mod filter;
pub mod gaps;
pub mod geometry;
pub mod lab;
pub mod quality;
pub mod recording;
pub mod resample;
pub mod rng;
pub mod skeleton;
pub mod spikes;
pub mod stats;
pub mod vector;

pub use error::{Error, Result};
pub use geometry::{Mat3, Vec3};
pub use recording::{
    AnalogChannel, Dimensions, Event, LengthUnit, PositionTable, Recording, SignedAxis, SourceInfo,
    Warning,
};
pub use skeleton::{Joint, Landmark, Side, Skeleton};

/// The program version recorded with every result (style guide principle 5).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
