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

/// A rubric that could not be compiled: where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricError {
    /// The file name, when the rubric came from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line and column; 0 when the error concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub message: String,
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
    /// Names the file the rubric came from in the message.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}
