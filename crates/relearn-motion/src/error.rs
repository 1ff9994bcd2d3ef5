//! The error type of `relearn-motion`.

/// Errors raised by the kinematics analysis.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A numerical routine in `relearn-core` rejected its input.
    #[error(transparent)]
    Core(#[from] relearn_core::Error),
    /// The recording cannot be analysed (too short, no usable joints...).
    #[error("cannot analyse {what}: {why}")]
    Unusable {
        /// What was being analysed (a file path or "repetition 3").
        what: String,
        /// Why, and what to do about it.
        why: String,
    },
    /// A template cannot be built from the examples given.
    #[error("cannot build the template: {0}")]
    Template(String),
    /// A template cannot be personalised with the repetitions given.
    #[error("cannot personalise the template: {0}")]
    Personalise(String),
    /// A recording does not fit the template (different joints, 2-D vs 3-D...).
    #[error("recording does not match the template: {0}")]
    Mismatch(String),
    /// A setting is out of range.
    #[error("invalid setting {name}: {message}")]
    InvalidSetting {
        /// The setting's name.
        name: String,
        /// What was expected and found.
        message: String,
    },
}

/// Result alias for `relearn-motion`.
pub type Result<T> = std::result::Result<T, Error>;
