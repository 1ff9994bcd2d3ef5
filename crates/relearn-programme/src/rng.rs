//! Seeded randomness for the engine: the generator of `relearn_core::rng`, and stable label hashes.
//!
//! The engine never draws unseeded random numbers (style guide §1 principle 2). Where a choice
//! must look random (the phase of a faded feedback schedule, the order of random practice, the
//! spreading of successes over repetitions when a session log gives only counts), it uses
//! [`SplitMix64`], seeded from the scenario seed and the event's position, so that identical
//! inputs always give identical decisions.

pub use relearn_core::rng::{label_hash, SplitMix64};
