//! What can go wrong compiling a rubric, and the limits that keep untrusted
//! sources cheap to compile.

use serde::Serialize;
use std::fmt;

/// Limits applied while compiling, so untrusted rubric sources stay cheap.
#[derive(Debug, Clone, Copy)]
pub struct CompileLimits {
    /// Expanded phrase forms across the whole rubric.
    pub max_phrases: usize,
    /// Size of the rubric source in bytes.
    pub max_source_bytes: usize,
}

impl Default for CompileLimits {
    fn default() -> Self {
        CompileLimits {
            max_phrases: 200_000,
            max_source_bytes: 4 * 1024 * 1024,
        }
    }
}

/// A rubric that could not be compiled, read or checked: where, and how to fix it.
///
/// [`RubricError::kind`] says what went wrong, for callers that act on it; the
/// message (and `Display`, which adds the file and place) says it to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricError {
    #[serde(skip)]
    pub(super) kind: RubricErrorKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) file: Option<String>,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) message: String,
}

/// What kind of problem a [`RubricError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RubricErrorKind {
    /// The source is not TOML, or not in the shape of a rubric file: a missing
    /// or unknown key, a value of the wrong type, an unknown rule kind.
    Syntax,
    /// The file has the right shape but says something the format does not
    /// allow: an unknown cue, a duplicate id, a number out of range.
    Invalid,
    /// The phrases expand to more forms than [`CompileLimits::max_phrases`].
    TooManyPhrases,
    /// The source is longer than [`CompileLimits::max_source_bytes`].
    SourceTooLarge,
    /// The rubric extends another that was not given or is not known.
    MissingBase,
    /// The rubric compiles, but some of its own examples fail.
    ExamplesFailed,
    /// The rubric file or directory could not be read.
    Unreadable,
    /// Another file of the rubric directory already gives this rubric's id and
    /// version with other content.
    DuplicateVersion,
}

impl fmt::Display for RubricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        if self.line > 0 {
            write!(f, "{}:{}: ", self.line, self.column)?;
        } else if self.file.is_some() {
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RubricError {}

impl RubricError {
    /// An error about the whole source, at no particular place.
    pub(crate) fn new(kind: RubricErrorKind, message: impl Into<String>) -> Self {
        RubricError::at(kind, 0, 0, message)
    }

    /// An error at a 1-based line and column of the source.
    pub(crate) fn at(
        kind: RubricErrorKind,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        RubricError {
            kind,
            file: None,
            line,
            column,
            message: message.into(),
        }
    }

    /// The same kind of error said of the whole source, when its place is no
    /// longer meaningful (as in a rubric merged with the one it extends).
    pub(crate) fn for_whole_source(self, message: impl Into<String>) -> Self {
        RubricError {
            line: 0,
            column: 0,
            message: message.into(),
            ..self
        }
    }

    /// Names the file the rubric came from in the message.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> RubricErrorKind {
        self.kind
    }

    /// The file name, when the rubric came from a file.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// The 1-based line of the source; 0 when the error concerns the whole source.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column (in chars) of the source; 0 when the error concerns
    /// the whole source.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong and how to fix it, without the file or place.
    pub fn message(&self) -> &str {
        &self.message
    }
}
