//! # relearn-programme
//!
//! Relearn's clinical domain as explicit, auditable rules: outcome measures, pain monitoring,
//! red-flag screening, progression and regression, motor-learning feedback schedules,
//! practice structure, phases, flare-ups and plateaus, all with a decision log, plus a
//! scenario simulator. Every rule, threshold and default comes from
//! `clinical-spec.md` (cited as §x.y and [n] beside the code) and is a clinician-editable
//! setting ([`ProgrammeSettings`]).
//!
//! What it is for: deciding, for each dated event of a rehabilitation programme, what happens
//! next and why. What it is not for: storing data, reading files, talking HTTP or reading a
//! clock. The crate is pure: time comes with the events, and the only randomness is
//! [`rng::SplitMix64`] seeded by the caller, so identical inputs give identical decisions.
//!
//! Entry points:
//! - [`ProgrammeEngine`]: build it from a [`engine::ProgrammeSetup`], feed it
//!   [`ProgrammeEvent`]s with [`ProgrammeEngine::apply`], read the [`DecisionLog`].
//! - [`scenario::Scenario::from_toml_str`] and [`simulate::simulate`]: run a TOML scenario
//!   (format in `docs/scenario-format.md`) and get a [`simulate::SimulationReport`], which
//!   serialises to JSON or renders as text with [`simulate::render_text`].
//! - The rule modules can be used alone: [`measures::score`] and
//!   [`measures::classify_change`] (§1), [`pain::classify_pain`] (§2),
//!   [`red_flags::screen`] (§3), [`feedback::plan_feedback`] (§4.1-§4.3),
//!   [`practice::decide_structure`] (§4.4), [`progression::judge`] and
//!   [`staircase::run_staircase`] (§4.5), [`phase`] and [`flare_up`] (§7.3),
//!   [`plateau::detect_plateau`].

// Doc comments cite the reference list of clinical-spec.md §8 as `[n]`; those brackets are
// citations, not intra-doc links.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod assessment;
pub mod decision_log;
pub mod engine;
pub mod error;
pub mod exercise;
pub mod feedback;
pub mod flare_up;
pub mod measures;
pub mod pain;
pub mod patient;
pub mod phase;
pub mod plateau;
pub mod practice;
pub mod progression;
pub mod red_flags;
pub mod rng;
pub mod scenario;
pub mod session;
pub mod settings;
pub mod simulate;
pub mod staircase;

pub use decision_log::{DecisionEntry, DecisionKind, DecisionLog};
pub use engine::{ProgrammeEngine, ProgrammeEvent, ProgrammeStatus};
pub use error::{Error, Result};
pub use settings::ProgrammeSettings;

/// Name and version of this crate, carried in every simulation report (style guide
/// principle 5).
pub const ENGINE_VERSION: &str = concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION"));
