//! `POST /v1/score` and `POST /v1/score/batch`.

use crate::engine::Assessment;
use crate::http::body::{
    is_json, media_type, read_body, refuse_unread, unreadable, utf8, without_values,
};
use crate::http::problem::Problem;
use crate::http::scoring::{self, parse_format, ScoreJob, ScoreRequest};
use crate::http::state::AppState;
use crate::http::RubricUsed;
use crate::report::{self, ReportContext, XapiContext};
use crate::transcript::{Format, RoleHints};
use actix_web::http::header;
use actix_web::rt::time::{sleep, Sleep};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
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
    /// The learner's id in your records, for the printable report and xAPI.
    learner_id: Option<String>,
    /// The day of the assessment, `YYYY-MM-DD`, for the printable report.
    date: Option<String>,
}

/// What `/v1/score` answers with, chosen by the `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rendering {
    Json,
    Html,
    Csv,
}

/// The client's most preferred rendering that the service has; JSON when the
/// client does not say. A 406 names the choices when none fits.
fn negotiate(req: &HttpRequest) -> Result<Rendering, Problem> {
    use actix_web::mime;
    let accept = match req.get_header::<header::Accept>() {
        Some(accept) if !accept.is_empty() => accept,
        _ => return Ok(Rendering::Json),
    };
    for wanted in accept.ranked() {
        let rendering = match (wanted.type_(), wanted.subtype()) {
            (mime::STAR, mime::STAR) | (mime::APPLICATION, mime::STAR | mime::JSON) => {
                Rendering::Json
            }
            (mime::TEXT, mime::HTML | mime::STAR) => Rendering::Html,
            (mime::TEXT, mime::CSV) => Rendering::Csv,
            _ => continue,
        };
        return Ok(rendering);
    }
    Err(Problem::new(
        actix_web::http::StatusCode::NOT_ACCEPTABLE,
        "not-acceptable",
        "Not acceptable",
        "this endpoint answers with application/json (the assessment), text/html (the printable report) or text/csv: ask for one of them in `Accept`",
    ))
}

/// A scored request, with what the renderings need beyond the assessment.
struct ScoredRequest {
    scored: scoring::Scored,
    learner_id: Option<String>,
    date: Option<String>,
    /// sha256 of the transcript as received, when the caller asked for it.
    transcript_sha256: Option<String>,
}

/// Scores a `/v1/score` request body in either shape. The transcript's digest
/// is worked out only for renderings that print it: plain JSON needs none.
fn score_request(
    req: &HttpRequest,
    body: &[u8],
    state: &AppState,
    digest: bool,
) -> Result<ScoredRequest, Problem> {
    let digest_of = |transcript: &str| digest.then(|| report::transcript_digest(transcript));
    let media = media_type(req);
    let query = web::Query::<RawScoreQuery>::from_query(req.query_string())
        .map_err(|e| {
            Problem::bad_request(
                "invalid-query",
                format!(
                    "invalid query string: {}",
                    without_values(&e.to_string(), true)
                ),
            )
        })?
        .into_inner();
    let scored = if is_json(&media) {
        // Silently ignoring `?rubric=` would score with whatever the body names.
        if !req.query_string().is_empty() {
            return Err(Problem::bad_request(
                "unexpected-query",
                "query parameters are only for a raw transcript body: put them in the JSON request instead",
            ));
        }
        let request: ScoreRequest = parse_json(body)?;
        if request.id.is_some() {
            return Err(Problem::bad_request(
                "unexpected-id",
                "`id` is only for batch lines",
            ));
        }
        let job = request.job()?;
        let (learner_id, date) = (job.learner_id.map(str::to_owned), job.date.clone());
        let transcript_sha256 = digest_of(job.transcript);
        ScoredRequest {
            scored: scoring::run(state, job)?,
            learner_id,
            date,
            transcript_sha256,
        }
    } else if media == "text/plain" || Format::from_media_type(&media).is_some() {
        let text = utf8(body)?;
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
        let date = scoring::parse_date(query.date.as_deref())?;
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
            overrides: &[],
            learner_id: query.learner_id.as_deref(),
            date: date.clone(),
            scenario: None,
        };
        ScoredRequest {
            scored: scoring::run(state, job)?,
            learner_id: query.learner_id.clone(),
            date,
            transcript_sha256: digest_of(text),
        }
    } else {
        return Err(Problem::unsupported_media_type(&media));
    };
    req.extensions_mut()
        .insert(RubricUsed(scored.scored.rubric_label.clone()));
    Ok(scored)
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
        (status = 200, description = "The assessment as JSON; with `Accept: text/html` the printable report, with `Accept: text/csv` one row per criterion", content(
            (Assessment = "application/json"),
            (String = "text/html"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown rubric", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "`Accept` names no rendering the service has", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the request timeout", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported media type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Transcript, rubric or override cannot be used", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "A bug: the reply repeats nothing of the request", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub async fn score(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let rendering = match negotiate(&req) {
        Ok(rendering) => rendering,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    let body = match read_body(&req, &mut payload, &state.limits).await {
        Ok(body) => body,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    let ScoredRequest {
        scored,
        learner_id,
        date,
        transcript_sha256,
    } = score_request(&req, &body, &state, rendering == Rendering::Html)?;
    Ok(match rendering {
        Rendering::Json => HttpResponse::Ok().json(scored.assessment),
        Rendering::Html => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(report::render_html(
                &scored.assessment,
                &ReportContext {
                    source: None,
                    learner_id,
                    date: date.unwrap_or_else(report::today),
                    transcript_sha256,
                },
            )),
        Rendering::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8; header=present")
            .body(
                report::csv_header()
                    + &report::csv_rows(learner_id.as_deref().unwrap_or(""), &scored.assessment),
            ),
    })
}

#[utoipa::path(
    post,
    path = "/v1/score/xapi",
    tag = "score",
    params(RawScoreQuery),
    request_body(
        description = "A score request as for /v1/score; `learner_id` is required",
        content(
            (ScoreRequest = "application/json"),
            (String = "text/plain")
        )
    ),
    responses(
        (status = 200, description = "xAPI 1.0.3 statements, one per criterion and one for the whole assessment, ready to POST to a learning record store's /statements", body = Vec<Object>),
        (status = 400, description = "Malformed request, or no `learner_id`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown rubric", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported media type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Transcript, rubric or override cannot be used", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub async fn xapi(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let body = match read_body(&req, &mut payload, &state.limits).await {
        Ok(body) => body,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    let ScoredRequest {
        scored,
        learner_id,
        transcript_sha256,
        ..
    } = score_request(&req, &body, &state, true)?;
    // Asked for above, so always there.
    let transcript_sha256 = transcript_sha256.ok_or_else(Problem::internal_error)?;
    let learner_id = learner_id.filter(|id| !id.trim().is_empty()).ok_or_else(|| {
        Problem::bad_request(
            "missing-learner-id",
            "xAPI statements need `learner_id` (the learner's id in your e-portfolio or LRS) as their actor",
        )
    })?;
    let context = XapiContext {
        base: state.xapi_base.clone(),
        account_home: state.xapi_account_home.clone(),
        learner_id,
        transcript_sha256,
    };
    Ok(HttpResponse::Ok().json(report::xapi_statements(&scored.assessment, &context)))
}

fn parse_json(body: &[u8]) -> Result<ScoreRequest, Problem> {
    let text = utf8(body)?;
    serde_json::from_str(text).map_err(|e| {
        let mut problem = Problem::bad_request(
            "invalid-json",
            format!(
                "the request is not a valid score request: {}",
                without_values(&e.to_string(), true)
            ),
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

/// Test-only: with [`crate::http::ServeConfig::test_panic_route`], a batch line
/// naming this rubric panics while it is scored.
const PANIC_RUBRIC: &str = "__panic";

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
        (status = 200, description = "One result per request line, in order, streamed as each is scored; a line that fails (including one that does not arrive within the request timeout) gets an `error` problem", body = BatchResult, content_type = "application/x-ndjson"),
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
        line_deadline: None,
        state: state.into_inner(),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(lines))
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
    /// When the line being received must be in; set when the server starts waiting
    /// for it, cleared when it is complete, so slow scoring never counts against
    /// the client but a line dribbled in a byte at a time does.
    line_deadline: Option<Pin<Box<Sleep>>>,
    state: std::sync::Arc<AppState>,
}

impl Stream for BatchLines {
    type Item = Result<Bytes, actix_web::Error>;

    // A hand-written stream rather than `stream::unfold`: unfold drops its state,
    // and with it the request body, as soon as the output ends, and actix then
    // drains a chunked body that is still open (for ever, if the client stalled on
    // purpose). Held here until the response is written, it makes actix close.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let lines = self.get_mut();
        loop {
            if lines.stopped {
                return Poll::Ready(None);
            }
            if let Some(bytes) = lines.next_ready() {
                return Poll::Ready(Some(Ok(bytes)));
            }
            if lines.input_done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut lines.payload).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => lines.take(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Some(Ok(lines.stop_with(unreadable(e)))));
                }
                Poll::Ready(None) => lines.input_done = true,
                Poll::Pending => {
                    let timeout_secs = lines.state.limits.request_timeout_secs;
                    let deadline = lines
                        .line_deadline
                        .get_or_insert_with(|| Box::pin(sleep(Duration::from_secs(timeout_secs))));
                    if deadline.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    lines.line += 1;
                    let problem = Problem::request_timeout(
                        timeout_secs,
                        &format!("line {} of the batch", lines.line),
                    );
                    return Poll::Ready(Some(Ok(lines.stop_with(problem))));
                }
            }
        }
    }
}

impl BatchLines {
    /// Answers a failure to read the body as the last line: nothing after it can
    /// be trusted to be whole.
    fn stop_with(&mut self, problem: Problem) -> Bytes {
        self.input_done = true;
        self.stopped = true;
        self.result(None, Err(problem))
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
            self.line_deadline = None;
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
                Problem::bad_request(
                    "invalid-json",
                    format!(
                        "not a valid score request: {}",
                        without_values(&e.to_string(), true)
                    ),
                )
            })
        });
        let (id, outcome) = match request {
            Ok(request) => {
                let id = request.id.clone();
                let state = &self.state;
                // The response is already under way when a line is scored, so the
                // middleware's containment cannot answer for it: a panic becomes
                // this line's error and the batch carries on.
                let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    if state.test_panic_route && request.rubric.as_deref() == Some(PANIC_RUBRIC) {
                        panic!("test panic in a batch line: {:?}", request.transcript_text);
                    }
                    request
                        .job()
                        .and_then(|job| scoring::run(state, job))
                        .map(|s| s.assessment)
                }))
                .unwrap_or_else(|_panic| Err(Problem::internal_error()));
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
