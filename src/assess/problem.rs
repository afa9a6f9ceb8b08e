//! RFC 9457 problem details: every error a score request can end in, as one type.
//! The HTTP layer answers with it as `application/problem+json`, batch lines
//! carry it as their `error`, and the command line prints its detail.
//!
//! Details name lines, turns, fields and limits, never transcript text.

use super::codes::ErrorCode;
use crate::engine::RubricError;
use crate::transcript::TranscriptError;
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:rolemark:problem:unknown-rubric",
    "title": "Unknown rubric",
    "status": 404,
    "detail": "no rubric `chalenging-customers`: use one of challenging-customers, complaint-handling, heat",
    "code": "unknown-rubric"
}))]
pub struct Problem {
    /// A URN naming the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short title of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong and how to fix it.
    pub detail: String,
    /// The problem kind in short, the last part of `type`.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// 1-based line in the submitted transcript or rubric source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in the submitted rubric source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// 0-based turn index in the submitted transcript.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<usize>,
    /// The name of the limit that was exceeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// The limit's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_value: Option<u64>,
    /// With `no-learner`, `no-customer` and `invalid-roles`: the transcript's
    /// speaker labels, to choose roles from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speakers: Option<Vec<String>>,
    /// With `no-learner`: the speaker that what people say points to as the
    /// learner, when it was not clear enough to score on; a client can offer it first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested: Option<String>,
    /// The detail in the command line's words (its flags rather than the API's
    /// fields), where they differ; never sent.
    #[serde(skip)]
    #[schema(ignore)]
    pub cli_detail: Option<String>,
}

impl Problem {
    /// A problem of `code`, with the status and title the table gives it.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: code.urn(),
            title: code.title().to_owned(),
            status: code.status(),
            detail: detail.into(),
            code,
            line: None,
            column: None,
            turn: None,
            limit: None,
            limit_value: None,
            speakers: None,
            suggested: None,
            cli_detail: None,
        }
    }

    /// A rubric id that names nothing served, with the ids that do.
    pub fn unknown_rubric(id: &str, known: &[&str]) -> Problem {
        Problem::new(
            ErrorCode::UnknownRubric,
            format!("no rubric `{id}`: use one of {}", known.join(", ")),
        )
    }

    /// A request or batch line over a byte limit.
    pub fn too_large(limit: &str, value: u64, detail: impl Into<String>) -> Problem {
        Problem::new(ErrorCode::TooLarge, detail).with_limit(limit, value)
    }

    /// A transcript or rubric over one of the service's limits.
    pub fn limit_exceeded(limit: &str, value: u64, detail: impl Into<String>) -> Problem {
        Problem::new(ErrorCode::LimitExceeded, detail).with_limit(limit, value)
    }

    fn with_limit(mut self, limit: &str, value: u64) -> Problem {
        self.limit = Some(limit.to_owned());
        self.limit_value = Some(value);
        self
    }

    /// The client did not send the request (or a batch line) in time.
    pub fn request_timeout(seconds: u64, what: &str) -> Problem {
        Problem::new(
            ErrorCode::RequestTimeout,
            format!(
                "{what} did not arrive in full within {seconds} seconds (the request_timeout_secs limit): send it without pauses, or in smaller requests"
            ),
        )
        .with_limit("request_timeout_secs", seconds)
    }

    /// A bug: says nothing of the request, whose content may be personal data.
    pub fn internal_error() -> Problem {
        Problem::new(
            ErrorCode::InternalError,
            "the service failed on this request and has logged where; nothing was kept. Other requests are not affected: retrying will fail the same way, so please report it with the X-Request-Id",
        )
    }

    /// A content type the endpoint does not take.
    pub fn unsupported_media_type(found: &str) -> Problem {
        Problem::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "content type `{found}` is not accepted here: send application/json, or a transcript as text/plain (with ?rubric=ID)"
            ),
        )
    }

    /// No API key, or a wrong one.
    pub fn unauthorized() -> Problem {
        Problem::new(
            ErrorCode::Unauthorized,
            "this endpoint needs `Authorization: Bearer <key>` with a valid API key",
        )
    }

    /// Bytes that are not UTF-8, and where they stop being so.
    pub fn invalid_utf8(valid_up_to: usize) -> Problem {
        Problem::new(
            ErrorCode::InvalidUtf8,
            format!("the body is not valid UTF-8 (first invalid byte at offset {valid_up_to}): send UTF-8 text"),
        )
    }
}

impl From<TranscriptError> for Problem {
    fn from(error: TranscriptError) -> Problem {
        let code = match &error {
            TranscriptError::Empty => ErrorCode::EmptyTranscript,
            TranscriptError::NoLearner { .. } => ErrorCode::NoLearner,
            TranscriptError::NoCustomer { .. } => ErrorCode::NoCustomer,
            TranscriptError::Roles { .. } => ErrorCode::InvalidRoles,
            TranscriptError::Syntax { .. } | TranscriptError::InvalidTurn { .. } => {
                ErrorCode::InvalidTranscript
            }
        };
        // How to fix a roles problem, in each transport's own words.
        let advice = match &error {
            TranscriptError::NoLearner { .. } => Some((
                "set `learner` to one of `speakers`, or map speakers to roles in `roles`",
                "pass --learner SPEAKER, or --role SPEAKER=learner|customer|other",
            )),
            TranscriptError::NoCustomer { .. } => Some((
                "map the speaker who played the customer in `roles` (`\"roles\": {\"NAME\": \"customer\"}`)",
                "map the speaker who played the customer with --role SPEAKER=customer",
            )),
            TranscriptError::Roles { .. } => Some((
                "name speakers from `speakers` in `learner` and `roles`, and one learner at most",
                "name speakers from the list in --learner and --role, and one learner at most",
            )),
            _ => None,
        };
        let mut problem = match advice {
            Some((api, cli)) => {
                let mut problem = Problem::new(code, format!("{error}; {api}"));
                problem.cli_detail = Some(format!("{error}; {cli}"));
                problem
            }
            None => Problem::new(code, error.to_string()),
        };
        match error {
            TranscriptError::Syntax { line, .. } => problem.line = Some(line),
            TranscriptError::InvalidTurn { turn, .. } => problem.turn = Some(turn),
            TranscriptError::NoLearner {
                speakers,
                suggested,
                ..
            } => {
                problem.speakers = Some(speakers);
                problem.suggested = suggested;
            }
            TranscriptError::NoCustomer { speakers, .. }
            | TranscriptError::Roles { speakers, .. } => problem.speakers = Some(speakers),
            TranscriptError::Empty => {}
        }
        problem
    }
}

impl From<RubricError> for Problem {
    fn from(error: RubricError) -> Problem {
        let mut problem = Problem::new(ErrorCode::InvalidRubric, error.to_string());
        if error.line() > 0 {
            problem.line = Some(error.line());
            problem.column = Some(error.column());
        }
        problem
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code, self.status)
    }
}

impl std::error::Error for Problem {}
