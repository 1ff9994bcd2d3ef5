//! The crate's one error type.

/// Everything that can go wrong in `relearn-programme`: an answer set that cannot be scored, a
/// measurement that makes no sense, a scenario that does not parse or refers to something that
/// does not exist, or a setting outside its allowed options.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A questionnaire was given the wrong number of items.
    #[error("{instrument}: expected {expected} items, found {found}")]
    WrongItemCount {
        /// Instrument short name, e.g. `ODI`.
        instrument: &'static str,
        /// Number of items the instrument has.
        expected: usize,
        /// Number of items supplied.
        found: usize,
    },
    /// An answer is outside the item's response range.
    #[error("{instrument}: item {item}: answer {value} is outside {min}-{max}")]
    AnswerOutOfRange {
        /// Instrument short name.
        instrument: &'static str,
        /// Item number, 1-based as printed on the form.
        item: usize,
        /// The answer found.
        value: f64,
        /// Lowest allowed answer.
        min: f64,
        /// Highest allowed answer.
        max: f64,
    },
    /// The missing-item rule of the instrument says the answers cannot be scored.
    #[error("{instrument}: not scored: {reason}")]
    NotScorable {
        /// Instrument short name.
        instrument: &'static str,
        /// Which missing-item rule applied, with its source.
        reason: String,
    },
    /// A performance-test measurement is impossible (negative time, NaN...).
    #[error("{instrument}: {reason}")]
    InvalidMeasurement {
        /// Instrument short name.
        instrument: &'static str,
        /// What is wrong, with the value found.
        reason: String,
    },
    /// The scenario text is not valid TOML or does not match the scenario format.
    #[error("line {line}, column {column}: {message}")]
    ScenarioSyntax {
        /// 1-based line of the offending text.
        line: usize,
        /// 1-based column of the offending text.
        column: usize,
        /// What the parser expected versus found.
        message: String,
    },
    /// The scenario parses but is inconsistent (unknown exercise, cue or axis, dates out of
    /// order...). `location` is a TOML path such as `exercises\[1\].axes\[0\]`.
    #[error("{location}: {message}")]
    ScenarioInvalid {
        /// TOML path of the offending value.
        location: String,
        /// What is wrong.
        message: String,
    },
    /// A clinician-editable setting is outside its allowed options.
    #[error("setting `{name}`: {message}")]
    InvalidSetting {
        /// Setting name as in the scenario's `[settings]` table.
        name: String,
        /// What is allowed.
        message: String,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
