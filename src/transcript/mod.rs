//! The transcript model every parser produces and the scoring engine reads.
//!
//! A [`Transcript`] is an ordered list of [`Turn`]s. Parsers (one module per
//! input format) produce [`RawTurn`]s; [`roles::assign_roles`] then settles who
//! is the learner and who is the customer, so that every format shares one set
//! of role rules.

mod json;
pub mod roles;
mod text;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use roles::RoleHints;

/// Who a speaker is in the role-play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person being assessed (agent, adviser, staff member).
    Learner,
    /// The (role-played) customer.
    Customer,
    /// Anyone else: a supervisor joining, an assessor, a narrator.
    Other,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Customer => "customer",
            Role::Other => "other",
        }
    }

    /// Parses `learner`, `customer` or `other` (any case).
    pub fn parse(value: &str) -> Option<Role> {
        match value.trim().to_ascii_lowercase().as_str() {
            "learner" => Some(Role::Learner),
            "customer" => Some(Role::Customer),
            "other" => Some(Role::Other),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One speaker turn, with its text exactly as submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub speaker: String,
    pub role: Role,
    /// The original text; evidence offsets index into it in Unicode scalar values.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
}

/// An ordered conversation with every turn's role settled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub turns: Vec<Turn>,
}

/// A turn as a parser read it, before roles are settled.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTurn {
    pub speaker: String,
    /// A role stated in the input itself (`"role"` in JSON, `Name (Customer):` in text).
    pub role: Option<Role>,
    pub text: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// 1-based line in the input where the turn begins, for error messages.
    pub line: usize,
}

/// Input formats known to this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `{"turns":[{"speaker","text","role"?,"start"?,"end"?}]}`
    Json,
    /// `Speaker: text` lines, `Name (Role): text`, unlabelled lines continue a turn.
    Text,
}

impl Format {
    pub fn parse(value: &str) -> Option<Format> {
        match value.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "text" | "txt" | "plain" => Some(Format::Text),
            _ => None,
        }
    }

    /// Picks a format from the content: JSON when it opens with `{`.
    pub fn detect(input: &str) -> Format {
        if input
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Format::Json
        } else {
            Format::Text
        }
    }
}

/// Why a transcript could not be read. Messages name a line or turn number,
/// never the transcript's text, because transcripts are personal data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TranscriptError {
    #[error("the transcript has no turns")]
    Empty,
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("turn {turn}: {message}")]
    InvalidTurn { turn: usize, message: String },
    #[error("no learner turn found: {hint}")]
    NoLearner { hint: String },
}

/// Parses `input` in `format` (detected from the content when `None`) and settles roles.
pub fn parse(
    input: &str,
    format: Option<Format>,
    hints: &RoleHints,
) -> Result<Transcript, TranscriptError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let raw = match format.unwrap_or_else(|| Format::detect(input)) {
        Format::Json => json::parse(input)?,
        Format::Text => text::parse(input)?,
    };
    roles::assign_roles(raw, hints)
}
