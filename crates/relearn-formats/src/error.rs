//! The error type of `relearn-formats`.

use std::fmt;

/// Where in a file an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// 1-based line number of a text file.
    Line(usize),
    /// 1-based line and column (field) of a delimited text file.
    LineColumn(usize, usize),
    /// 0-based byte offset in a binary file (after decompression).
    Byte(u64),
    /// 0-based frame index.
    Frame(usize),
    /// A named field, key or parameter (`positions."12.0".Nose`, `POINT:RATE`).
    Field(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(l) => write!(f, "line {l}"),
            Location::LineColumn(l, c) => write!(f, "line {l}, column {c}"),
            Location::Byte(b) => write!(f, "byte {b}"),
            Location::Frame(fr) => write!(f, "frame {fr}"),
            Location::Field(s) => write!(f, "{s}"),
        }
    }
}

/// A reading error: the file, the place and what was expected versus found, e.g.
/// `trial.c3d: byte 512: parameter block count 0, expected at least 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The file as given by the user.
    pub path: String,
    /// Where in the file, when it applies.
    pub location: Option<Location>,
    /// What is wrong, with what was expected and what was found.
    pub message: String,
}

impl FormatError {
    /// Builds an error.
    pub fn new(path: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        FormatError {
            path: path.to_string(),
            location,
            message: message.into(),
        }
    }

    /// An error at a 1-based line.
    pub fn at_line(path: &str, line: usize, message: impl Into<String>) -> Self {
        Self::new(path, Some(Location::Line(line)), message)
    }

    /// An error at a 0-based byte offset.
    pub fn at_byte(path: &str, byte: u64, message: impl Into<String>) -> Self {
        Self::new(path, Some(Location::Byte(byte)), message)
    }

    /// An IO error while reading the file (not found, permission, truncated gzip...).
    pub fn io(path: &str, e: &std::io::Error) -> Self {
        let msg = match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::UnexpectedEof => {
                "the file ends early (truncated or incomplete compressed data)".to_string()
            }
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
                format!("the content cannot be decoded ({e})")
            }
            _ => e.to_string(),
        };
        Self::new(path, None, msg)
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{}: {}: {}", self.path, l, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for FormatError {}

/// Result alias for `relearn-formats`.
pub type Result<T> = std::result::Result<T, FormatError>;
