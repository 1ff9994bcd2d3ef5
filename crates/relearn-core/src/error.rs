//! The error type of `relearn-core`.

/// Errors raised by the data model and the numerics.
///
/// Numerics never panic on bad input: a NaN-only signal, a cut-off above Nyquist or an empty
/// series comes back as one of these variants, with the numbers that were wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A parameter is outside the range the algorithm accepts.
    #[error("invalid parameter {name}: {message}")]
    InvalidParameter {
        /// The parameter's name as the caller knows it (e.g. `cutoff_hz`).
        name: &'static str,
        /// What was expected and what was found.
        message: String,
    },
    /// The input is too short for the requested operation.
    #[error("input too short: {message}")]
    TooShort {
        /// What was expected and what was found.
        message: String,
    },
    /// A skeleton definition is inconsistent (unknown parent, duplicate name, cycle).
    #[error("invalid skeleton: {0}")]
    InvalidSkeleton(String),
    /// Recording data do not match the skeleton or are otherwise inconsistent.
    #[error("invalid recording: {0}")]
    InvalidRecording(String),
}

/// Result alias for `relearn-core`.
pub type Result<T> = std::result::Result<T, Error>;
