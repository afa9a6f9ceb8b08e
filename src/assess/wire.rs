//! The score request and batch result as they travel: JSON over HTTP, and the
//! NDJSON lines that `POST /v1/score/batch` and `rolemark score --batch` both read.
//! These are data transfer shapes only; [`super::ScoreRequest`] is what they
//! become once checked.

use super::problem::Problem;
use crate::engine::{Assessment, AssessorOverride, Scenario};
use crate::transcript::Role;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A transcript in canonical JSON (documentation of `ScoreRequest.transcript`).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TranscriptInput {
    /// The turns in order.
    turns: Vec<TurnInput>,
}

/// One turn of a canonical JSON transcript.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TurnInput {
    #[schema(example = "Priya")]
    speaker: String,
    #[schema(example = "I'm so sorry, that must have been really frustrating.")]
    text: String,
    role: Option<Role>,
    /// Seconds from the start of the recording.
    start: Option<f64>,
    end: Option<f64>,
}

/// Every field of [`ScoreRequestDto`] by its JSON name: a body with any other
/// top-level field is not a score request (see `json_body`).
pub const SCORE_REQUEST_FIELDS: [&str; 14] = [
    "id",
    "rubric",
    "rubric_source",
    "transcript",
    "transcript_text",
    "format",
    "learner",
    "roles",
    "include_transcript",
    "keep_cues",
    "overrides",
    "learner_id",
    "date",
    "scenario",
];

/// A request to score one transcript.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ScoreRequest, example = json!({
    "rubric": "challenging-customers",
    "transcript_text": "Customer: This is ridiculous, my refund is six weeks late.\nAgent: I'm really sorry, I can hear how frustrating this has been.",
    "include_transcript": false
}))]
pub struct ScoreRequestDto {
    /// An id echoed back in batch results, to match results to requests.
    pub id: Option<String>,
    /// Id of a rubric the service knows (see `GET /v1/rubrics`).
    pub rubric: Option<String>,
    /// A rubric's TOML source, compiled under limits and cached by sha256.
    pub rubric_source: Option<String>,
    /// The transcript as canonical JSON.
    #[schema(value_type = Option<TranscriptInput>)]
    pub transcript: Option<Box<RawValue>>,
    /// The transcript as text in any supported format.
    pub transcript_text: Option<String>,
    /// Format of `transcript_text`; detected from the content when omitted.
    #[schema(example = "text")]
    pub format: Option<String>,
    /// Speaker label of the learner.
    pub learner: Option<String>,
    /// Speaker label to role.
    pub roles: Option<BTreeMap<String, Role>>,
    /// Include the parsed transcript in the result (default true).
    pub include_transcript: Option<bool>,
    /// Keep every caption cue or segment of `transcript_text` as its own turn
    /// (default false: consecutive cues of one speaker merge into one turn).
    pub keep_cues: Option<bool>,
    /// The assessor's judgements: each replaces the system's outcome of one
    /// criterion and needs a comment and the `assessor` (name or id); `at`, when
    /// it was made, defaults to the time of scoring. The system's outcome stays
    /// beside it and `overall_after_overrides` grades the assessment with them.
    pub overrides: Option<Vec<AssessorOverride>>,
    /// The learner's id in your records (candidate or enrolment number): kept in
    /// the assessment's `audit`, shown on the reports and in CSV, and the actor
    /// of xAPI statements (required there).
    pub learner_id: Option<String>,
    /// The day of the assessment, `YYYY-MM-DD`: kept in the assessment's
    /// `audit` and the `timestamp` of xAPI statements. When left out the record
    /// has no date and the printable report shows the day it is made (UTC).
    #[schema(example = "2026-11-27")]
    pub date: Option<String>,
    /// The role-play's scenario brief: the organisation's policies, the
    /// learner's authority limit, the customer's demand. Scenario rules read it.
    pub scenario: Option<Scenario>,
}

/// One line of batch output.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// 1-based line number of the request in the batch body.
    pub line: usize,
    /// The request's `id`, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The assessment, when the line was scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// Why the line was not scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

impl BatchResult {
    /// The line as written: one JSON object and a newline.
    pub fn to_line(&self) -> Vec<u8> {
        // Serialising plain data structures cannot fail.
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// A serde error message with every value the client sent taken out.
///
/// serde quotes the offending value (`invalid type: string "..."`, `unknown
/// variant `...``), and in a score request any string may be transcript text or
/// a speaker's name. Kept: the kind of mistake, what was expected and where, and
/// an unknown field's name when `keep_unknown_field` (a key of the request
/// object, not its content: naming it is what tells the client about a typo).
pub fn without_values(message: &str, keep_unknown_field: bool) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open_at) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open_at] as char;
        let Some(close_len) = rest[open_at + 1..].find(quote) else {
            break;
        };
        let quoted = &rest[open_at + 1..open_at + 1 + close_len];
        let before = &rest[..open_at];
        out.push_str(before);
        let names_unknown_field = before.ends_with("unknown field ");
        // Fields that are missing or given twice are ones we know.
        let names_known_field =
            before.ends_with("missing field ") || before.ends_with("duplicate field ");
        // After "expected" serde lists the accepted names, which are ours.
        let lists_expected = out.contains("expected");
        let is_literal = matches!(quoted, "true" | "false") || quoted.chars().count() <= 1;
        if lists_expected
            || names_known_field
            || is_literal
            || (names_unknown_field && keep_unknown_field && is_field_name(quoted))
        {
            out.push(quote);
            out.push_str(quoted);
            out.push(quote);
        } else {
            out.push_str("(value not shown)");
        }
        rest = &rest[open_at + 1 + close_len + 1..];
    }
    out.push_str(rest);
    out
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Decodes UTF-8 (a leading byte-order mark dropped) or explains where it broke.
pub fn utf8(bytes: &[u8]) -> Result<&str, Problem> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| Problem::invalid_utf8(e.valid_up_to()))
}

#[cfg(test)]
mod tests {
    use super::{without_values, ScoreRequestDto, SCORE_REQUEST_FIELDS};

    #[test]
    fn the_field_list_is_the_score_requests_fields() {
        let schema = serde_json::to_value(<ScoreRequestDto as utoipa::PartialSchema>::schema())
            .expect("a schema serialises");
        let mut documented: Vec<&str> = schema["properties"]
            .as_object()
            .expect("the score request schema has properties")
            .keys()
            .map(String::as_str)
            .collect();
        documented.sort_unstable();
        let mut listed = SCORE_REQUEST_FIELDS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, documented);
        for name in SCORE_REQUEST_FIELDS {
            let body = format!("{{\"{name}\": null}}");
            assert!(
                serde_json::from_str::<ScoreRequestDto>(&body).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn serde_messages_lose_the_values_the_client_sent() {
        assert_eq!(
            without_values(
                r#"invalid type: string "Mrs Jones", expected a boolean at line 1 column 9"#,
                true
            ),
            "invalid type: string (value not shown), expected a boolean at line 1 column 9"
        );
        assert_eq!(
            without_values(
                "unknown variant `boss`, expected one of `learner`, `customer`, `other`",
                true
            ),
            "unknown variant (value not shown), expected one of `learner`, `customer`, `other`"
        );
        assert_eq!(
            without_values(
                "unknown field `colour`, expected one of `id`, `rubric`",
                true
            ),
            "unknown field `colour`, expected one of `id`, `rubric`"
        );
        assert_eq!(
            without_values("unknown field `colour`, expected `id`", false),
            "unknown field (value not shown), expected `id`"
        );
        assert_eq!(
            without_values("unknown field `Mrs Jones said`, expected `id`", true),
            "unknown field (value not shown), expected `id`"
        );
        assert_eq!(
            without_values("missing field `turns` at line 1 column 2", true),
            "missing field `turns` at line 1 column 2"
        );
        assert_eq!(
            without_values("provided string was not `true` or `false`", true),
            "provided string was not `true` or `false`"
        );
        assert_eq!(
            without_values("EOF while parsing a string", true),
            "EOF while parsing a string"
        );
        assert_eq!(without_values("half `open", true), "half `open");
    }
}
