//! `POST /v1/score` and `POST /v1/score/batch`.

use crate::engine::Assessment;
use crate::http::body::{is_json, media_type, read_limited, utf8};
use crate::http::problem::Problem;
use crate::http::scoring::{self, parse_format, ScoreJob, ScoreRequest};
use crate::http::state::AppState;
use crate::http::RubricUsed;
use crate::transcript::{Format, RoleHints};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use std::pin::Pin;
use utoipa::{IntoParams, ToSchema};

/// Query parameters of a raw-transcript score request.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RawScoreQuery {
    /// Rubric id.
    rubric: Option<String>,
    /// Speaker label of the learner.
    learner: Option<String>,
    /// Transcript format; detected when omitted.
    format: Option<String>,
    /// Include the parsed transcript in the result (default true).
    include_transcript: Option<bool>,
    /// Keep every caption cue or segment as its own turn (default false: consecutive
    /// cues of one speaker merge into one turn).
    keep_cues: Option<bool>,
}

#[utoipa::path(
    post,
    path = "/v1/score",
    tag = "score",
    params(RawScoreQuery),
    request_body(
        description = "A score request as JSON, or a raw transcript as text/plain with ?rubric=ID",
        content(
            (ScoreRequest = "application/json"),
            (String = "text/plain", example = "Customer: My refund is late.\nAgent: I'm so sorry about that.")
        )
    ),
    responses(
        (status = 200, description = "The assessment", body = Assessment),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown rubric", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported media type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Transcript or rubric cannot be used", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub async fn score(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let media = media_type(&req);
    let body = read_limited(&req, payload, state.limits.max_body_bytes).await?;
    let scored = if is_json(&media) {
        let request: ScoreRequest = parse_json(&body)?;
        if request.id.is_some() {
            return Err(Problem::bad_request(
                "unexpected-id",
                "`id` is only for batch lines",
            ));
        }
        let job = request.job()?;
        scoring::run(&state, job)?
    } else if media == "text/plain" || Format::from_media_type(&media).is_some() {
        let query = web::Query::<RawScoreQuery>::from_query(req.query_string())
            .map_err(|e| {
                Problem::bad_request("invalid-query", format!("invalid query string: {e}"))
            })?
            .into_inner();
        let text = utf8(&body)?;
        let format = match query.format.as_deref() {
            Some(name) => parse_format(Some(name))?,
            None => Format::from_media_type(&media),
        };
        let rubric = query.rubric.ok_or_else(|| {
            Problem::bad_request(
                "missing-rubric",
                "a raw transcript needs `?rubric=ID` in the query string",
            )
        })?;
        let job = ScoreJob {
            rubric: Some(&rubric),
            rubric_source: None,
            transcript: text,
            format,
            hints: RoleHints {
                learner: query.learner,
                roles: Default::default(),
            },
            include_transcript: query.include_transcript.unwrap_or(true),
            keep_cues: query.keep_cues.unwrap_or(false),
        };
        scoring::run(&state, job)?
    } else {
        return Err(Problem::unsupported_media_type(&media));
    };
    req.extensions_mut().insert(RubricUsed(scored.rubric_label));
    Ok(HttpResponse::Ok().json(scored.assessment))
}

fn parse_json(body: &[u8]) -> Result<ScoreRequest, Problem> {
    let text = utf8(body)?;
    serde_json::from_str(text).map_err(|e| {
        let mut problem = Problem::bad_request(
            "invalid-json",
            format!("the request is not a valid score request: {e}"),
        );
        problem.line = Some(e.line());
        problem
    })
}

/// One line of batch output.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// 1-based line number of the request in the batch body.
    line: usize,
    /// The request's `id`, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<Assessment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Problem>,
}

const NDJSON_MEDIA_TYPES: [&str; 4] = [
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/jsonlines",
];

#[utoipa::path(
    post,
    path = "/v1/score/batch",
    tag = "score",
    request_body(
        description = "One score request (as for /v1/score) per line",
        content((ScoreRequest = "application/x-ndjson"))
    ),
    responses(
        (status = 200, description = "One result per request line, in order, streamed as each is scored", body = BatchResult, content_type = "application/x-ndjson"),
        (status = 401, description = "Missing or wrong API key", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not NDJSON", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub async fn batch(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let media = media_type(&req);
    if !NDJSON_MEDIA_TYPES.contains(&media.as_str()) {
        return Err(Problem::unsupported_media_type(&media));
    }
    req.extensions_mut().insert(RubricUsed("batch".into()));
    let lines = BatchLines {
        payload,
        buffer: BytesMut::new(),
        line: 0,
        scored: 0,
        discarding: false,
        input_done: false,
        stopped: false,
        state: state.into_inner(),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(lines.into_stream()))
}

/// Reads the batch body line by line and scores each as it completes, so memory
/// holds one line at a time however long the batch.
struct BatchLines {
    payload: web::Payload,
    buffer: BytesMut,
    /// 1-based number of the last line taken from the buffer.
    line: usize,
    /// Non-blank lines answered so far.
    scored: usize,
    /// Set while skipping the rest of an over-long line.
    discarding: bool,
    input_done: bool,
    /// Set once the line limit is reached: nothing more is read or written.
    stopped: bool,
    state: std::sync::Arc<AppState>,
}

impl BatchLines {
    fn into_stream(self) -> Pin<Box<dyn Stream<Item = Result<Bytes, actix_web::Error>>>> {
        Box::pin(futures_util::stream::unfold(self, |mut lines| async move {
            loop {
                if lines.stopped {
                    return None;
                }
                if let Some(bytes) = lines.next_ready() {
                    return Some((Ok(bytes), lines));
                }
                if lines.input_done {
                    return None;
                }
                match lines.payload.next().await {
                    Some(Ok(chunk)) => lines.take(&chunk),
                    Some(Err(e)) => {
                        lines.input_done = true;
                        lines.stopped = true;
                        let problem = Problem::bad_request(
                            "unreadable-body",
                            format!("the request body could not be read: {e}"),
                        );
                        let bytes = lines.result(None, Err(problem));
                        return Some((Ok(bytes), lines));
                    }
                    None => lines.input_done = true,
                }
            }
        }))
    }

    fn take(&mut self, mut chunk: &[u8]) {
        if self.discarding {
            match chunk.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    self.discarding = false;
                    chunk = &chunk[end + 1..];
                }
                None => return,
            }
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// The next output line that can be produced without reading more input.
    fn next_ready(&mut self) -> Option<Bytes> {
        loop {
            let line = if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line = self.buffer.split_to(end + 1);
                line.truncate(end);
                line
            } else if self.buffer.len() > self.state.limits.max_batch_line_bytes {
                self.buffer.clear();
                self.line += 1;
                self.discarding = !self.input_done;
                let limit = self.state.limits.max_batch_line_bytes;
                let problem = Problem::too_large(
                    "max_batch_line_bytes",
                    limit as u64,
                    format!("line {} is over the limit of {limit} bytes", self.line),
                );
                return Some(self.result(None, Err(problem)));
            } else if self.input_done && !self.buffer.is_empty() {
                self.buffer.split()
            } else {
                return None;
            };
            self.line += 1;
            if let Some(bytes) = self.score_line(&line) {
                return Some(bytes);
            }
        }
    }

    /// Scores one line; blank lines give no output.
    fn score_line(&mut self, line: &[u8]) -> Option<Bytes> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let max_line = self.state.limits.max_batch_line_bytes;
        if line.len() > max_line {
            let problem = Problem::too_large(
                "max_batch_line_bytes",
                max_line as u64,
                format!("line {} is over the limit of {max_line} bytes", self.line),
            );
            return Some(self.result(None, Err(problem)));
        }
        let limit = self.state.limits.max_batch_lines;
        if self.scored >= limit {
            self.stopped = true;
            let problem = Problem::limit_exceeded(
                "max_batch_lines",
                limit as u64,
                format!(
                    "a batch holds at most {limit} lines; line {} and the rest were not scored",
                    self.line
                ),
            );
            return Some(self.result(None, Err(problem)));
        }
        let request = utf8(line).and_then(|text| {
            serde_json::from_str::<ScoreRequest>(text).map_err(|e| {
                Problem::bad_request("invalid-json", format!("not a valid score request: {e}"))
            })
        });
        let (id, outcome) = match request {
            Ok(request) => {
                let id = request.id.clone();
                let outcome = request
                    .job()
                    .and_then(|job| scoring::run(&self.state, job))
                    .map(|s| s.assessment);
                (id, outcome)
            }
            Err(problem) => (None, Err(problem)),
        };
        Some(self.result(id, outcome))
    }

    fn result(&mut self, id: Option<String>, outcome: Result<Assessment, Problem>) -> Bytes {
        self.scored += 1;
        let (assessment, error) = match outcome {
            Ok(a) => (Some(a), None),
            Err(problem) => {
                self.state.metrics.error(&problem.code);
                (None, Some(problem))
            }
        };
        let result = BatchResult {
            line: self.line,
            id,
            assessment,
            error,
        };
        // Serialising plain data structures cannot fail.
        let mut bytes = serde_json::to_vec(&result).unwrap_or_default();
        bytes.push(b'\n');
        Bytes::from(bytes)
    }
}
