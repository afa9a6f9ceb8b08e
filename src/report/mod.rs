//! Renderers of an [`Assessment`] for people and for other systems; the assessment
//! document itself is plain serde JSON.

pub mod cohort;
mod csv;
mod html;
mod text;
mod xapi;

pub use self::csv::{csv_error_row, csv_header, csv_rows};
pub use html::render_html;
pub use text::render_text;
pub use xapi::{
    check_iri, statements as xapi_statements, InvalidIri, XapiContext, DEFAULT_XAPI_BASE,
    XAPI_VERSION,
};

use crate::engine::{Assessment, Evidence};
use crate::transcript::Role;

/// What a report says that the assessment alone does not know. Whose
/// assessment it is and of which transcript is in the assessment's `audit`.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// Where the transcript came from (a file name), when known.
    pub source: Option<String>,
    /// The day to print, `YYYY-MM-DD`: the audit's date when the request gave
    /// one, else the day the report is made.
    pub date: String,
}

/// Today's date in UTC, `YYYY-MM-DD`: the default assessment date.
pub fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

/// Checks an assessment date given by a caller: `YYYY-MM-DD`, a real day.
pub fn parse_date(value: &str) -> Result<String, InvalidDate> {
    value
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| value.len() == 10)
        .map(|d| d.to_string())
        .ok_or(InvalidDate)
}

/// An assessment date that is not a real day written `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the date should be a real day written YYYY-MM-DD, e.g. 2026-11-27")]
pub struct InvalidDate;

/// sha256 of a transcript's text, hex: the assessment's
/// `audit.transcript_sha256`.
pub fn transcript_digest(text: &str) -> String {
    crate::engine::sha256_hex(text.as_bytes())
}

/// `mm:ss` from the start of the recording (`h:mm:ss` past an hour).
pub(crate) fn timestamp(seconds: f64) -> String {
    let total = seconds.max(0.0) as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes:02}:{secs:02}")
    }
}

/// The learner's speaker labels in order of first appearance: from the transcript
/// when the assessment carries it, else from the evidence.
pub(crate) fn learner_names(assessment: &Assessment) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    };
    if let Some(view) = &assessment.transcript {
        for turn in view.turns.iter().filter(|t| t.role == Role::Learner) {
            add(&turn.speaker);
        }
    } else {
        let evidence = assessment.criteria.iter().flat_map(|c| &c.evidence);
        let mut quoted: Vec<&Evidence> =
            evidence.filter(|e| e.quote.role == Role::Learner).collect();
        quoted.sort_by_key(|e| e.quote.turn);
        for e in quoted {
            add(&e.quote.speaker);
        }
    }
    names
}
