//! RFC 9457 problem details: every error the service returns, as one type.
//!
//! Messages name lines, turns, fields and limits, never transcript text.

use crate::engine::RubricError;
use crate::transcript::TranscriptError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
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
    pub title: String,
    pub status: u16,
    /// What went wrong and how to fix it.
    pub detail: String,
    /// The problem kind in short, the last part of `type`.
    pub code: String,
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
    /// With `no-learner`: the transcript's speaker labels, to choose the learner from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speakers: Option<Vec<String>>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:rolemark:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            line: None,
            column: None,
            turn: None,
            limit: None,
            limit_value: None,
            speakers: None,
        }
    }

    pub fn bad_request(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, code, "Bad request", detail)
    }

    pub fn unknown_rubric(id: &str, known: &[&str]) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "unknown-rubric",
            "Unknown rubric",
            format!("no rubric `{id}`: use one of {}", known.join(", ")),
        )
    }

    pub fn too_large(limit: &str, value: u64, detail: impl Into<String>) -> Problem {
        let mut problem = Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request too large",
            detail,
        );
        problem.limit = Some(limit.to_owned());
        problem.limit_value = Some(value);
        problem
    }

    pub fn limit_exceeded(limit: &str, value: u64, detail: impl Into<String>) -> Problem {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "limit-exceeded",
            "A limit was exceeded",
            detail,
        );
        problem.limit = Some(limit.to_owned());
        problem.limit_value = Some(value);
        problem
    }

    /// The client did not send the request (or a batch line) in time.
    pub fn request_timeout(seconds: u64, what: &str) -> Problem {
        let mut problem = Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request-timeout",
            "Request timeout",
            format!(
                "{what} did not arrive in full within {seconds} seconds (the request_timeout_secs limit): send it without pauses, or in smaller requests"
            ),
        );
        problem.limit = Some("request_timeout_secs".to_owned());
        problem.limit_value = Some(seconds);
        problem
    }

    /// A bug: says nothing of the request, whose content may be personal data.
    pub fn internal_error() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            "Internal server error",
            "the service failed on this request and has logged where; nothing was kept. Other requests are not affected: retrying will fail the same way, so please report it with the X-Request-Id",
        )
    }

    pub fn unsupported_media_type(found: &str) -> Problem {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!(
                "content type `{found}` is not accepted here: send application/json, or a transcript as text/plain (with ?rubric=ID)"
            ),
        )
    }

    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "this endpoint needs `Authorization: Bearer <key>` with a valid API key",
        )
    }

    pub fn invalid_utf8(valid_up_to: usize) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-utf8",
            "Transcript is not UTF-8",
            format!("the body is not valid UTF-8 (first invalid byte at offset {valid_up_to}): send UTF-8 text"),
        )
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST)
    }
}

impl From<TranscriptError> for Problem {
    fn from(error: TranscriptError) -> Problem {
        let (code, title) = match &error {
            TranscriptError::Empty => ("empty-transcript", "Empty transcript"),
            TranscriptError::NoLearner { .. } => ("no-learner", "No learner turn"),
            TranscriptError::Syntax { .. } | TranscriptError::InvalidTurn { .. } => {
                ("invalid-transcript", "Invalid transcript")
            }
        };
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            title,
            error.to_string(),
        );
        match error {
            TranscriptError::Syntax { line, .. } => problem.line = Some(line),
            TranscriptError::InvalidTurn { turn, .. } => problem.turn = Some(turn),
            TranscriptError::NoLearner { speakers, .. } => problem.speakers = Some(speakers),
            _ => {}
        }
        problem
    }
}

impl From<RubricError> for Problem {
    fn from(error: RubricError) -> Problem {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-rubric",
            "Invalid rubric",
            error.to_string(),
        );
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

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }

    fn error_response(&self) -> HttpResponse {
        let body = serde_json::to_string(self).unwrap_or_default();
        let mut response = HttpResponse::build(Problem::status_code(self))
            .content_type("application/problem+json")
            .body(body);
        response
            .extensions_mut()
            .insert(super::ProblemCode(self.code.clone()));
        response
    }
}
