//! `POST /v1/score/batch`: score request lines in, result lines out, streamed;
//! or, with `?summary=true`, one cohort summary of them all.

use crate::assess::{
    without_values, BatchResult, ErrorCode, Problem, ScoreRequestDto, SummaryRendering,
};
use crate::http::body::{media_type, refuse_unread};
use crate::http::ndjson::BatchLines;
use crate::http::responses;
use crate::http::state::AppState;
use crate::http::RubricUsed;
use crate::report::cohort::{
    CohortSummary, CriterionCounts, CriterionName, GradeCount, LearnerRef, NotScored, ReviewFlag,
    RubricSummary,
};
use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

/// Routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::only(
        "/v1/score/batch",
        actix_web::http::Method::POST,
        batch,
    ));
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(batch),
    components(schemas(
        BatchResult,
        CohortSummary,
        RubricSummary,
        CriterionCounts,
        GradeCount,
        ReviewFlag,
        CriterionName,
        NotScored,
        LearnerRef
    ))
)]
pub struct Api;

const NDJSON_MEDIA_TYPES: [&str; 4] = [
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/jsonlines",
];

/// Query parameters of a batch.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// Answer with one cohort summary of all the lines (per criterion how many
    /// met, partially met, not met, not applicable; the grades; who has a review
    /// flag; what could not be scored) instead of a result line each (default
    /// false). Rendered by `Accept`: JSON, `text/csv`, `text/html` or `text/plain`.
    summary: Option<bool>,
}

/// The rendering of a summary the client prefers; JSON when it does not say.
fn negotiate_summary(req: &HttpRequest) -> Result<SummaryRendering, Problem> {
    use actix_web::mime;
    let accept = match req.get_header::<header::Accept>() {
        Some(accept) if !accept.is_empty() => accept,
        _ => return Ok(SummaryRendering::Json),
    };
    for wanted in accept.ranked() {
        let rendering = match (wanted.type_(), wanted.subtype()) {
            (mime::STAR, mime::STAR) | (mime::APPLICATION, mime::STAR | mime::JSON) => {
                SummaryRendering::Json
            }
            (mime::TEXT, mime::HTML | mime::STAR) => SummaryRendering::Html,
            (mime::TEXT, mime::CSV) => SummaryRendering::Csv,
            (mime::TEXT, mime::PLAIN) => SummaryRendering::Text,
            _ => continue,
        };
        return Ok(rendering);
    }
    Err(Problem::new(
        ErrorCode::NotAcceptable,
        "a batch summary is answered as application/json, text/csv, text/html (the printable page) or text/plain: ask for one of them in `Accept`",
    ))
}

/// What a batch answers with.
enum Answer {
    Lines(LineRendering),
    Summary(SummaryRendering),
}

/// How a batch answers line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineRendering {
    Ndjson,
    Csv,
}

/// The line-by-line rendering the client prefers: NDJSON unless `Accept` puts
/// `text/csv` first. JSON types get NDJSON, as they always have.
fn negotiate_lines(req: &HttpRequest) -> Result<LineRendering, Problem> {
    use actix_web::mime;
    let accept = match req.get_header::<header::Accept>() {
        Some(accept) if !accept.is_empty() => accept,
        _ => return Ok(LineRendering::Ndjson),
    };
    for wanted in accept.ranked() {
        let ndjson = wanted.type_() == mime::APPLICATION
            && (wanted.subtype() == mime::STAR
                || wanted.subtype() == mime::JSON
                || NDJSON_MEDIA_TYPES.contains(&wanted.essence_str()));
        if ndjson || (wanted.type_() == mime::STAR && wanted.subtype() == mime::STAR) {
            return Ok(LineRendering::Ndjson);
        }
        if wanted.type_() == mime::TEXT && wanted.subtype() == mime::CSV {
            return Ok(LineRendering::Csv);
        }
    }
    Err(Problem::new(
        ErrorCode::NotAcceptable,
        "a batch is answered as application/x-ndjson (a result line per request line) or text/csv (a row per criterion of each line); add `?summary=true` for a cohort summary as JSON, CSV, HTML or text",
    ))
}

/// Whether the client asked for a summary, and in which rendering.
fn summary_wanted(req: &HttpRequest) -> Result<Option<SummaryRendering>, Problem> {
    let query = web::Query::<BatchQuery>::from_query(req.query_string()).map_err(|e| {
        Problem::new(
            ErrorCode::InvalidQuery,
            format!(
                "invalid query string: {} (a batch takes `summary=true` or `summary=false`)",
                without_values(&e.to_string(), true)
            ),
        )
    })?;
    if query.summary == Some(true) {
        negotiate_summary(req).map(Some)
    } else {
        Ok(None)
    }
}

#[utoipa::path(
    post,
    path = "/v1/score/batch",
    tag = "score",
    params(BatchQuery),
    request_body(
        description = "One score request (as for /v1/score) per line",
        content((ScoreRequestDto = "application/x-ndjson"))
    ),
    responses(
        (status = 200, description = "One result per request line, in order, streamed as each is scored (with `Accept: text/csv`, CSV instead: one header, then one row per criterion of each scored line and one row for each failed line, named by its `id` or `line N`); a line that fails (including one that does not arrive within the request timeout) gets an `error` problem. With `?summary=true`, one cohort summary of every line instead, sent when the last line is in: the lines are scored and fail exactly as without it, a failed line counted under its problem's code. Outcomes and grades counted are those after assessor overrides; learners are named by `learner_id`, else the line's `id`, else its number. The summary is JSON unless `Accept` asks for `text/csv` (one row per criterion, then grades, review flags and failures, by `section`), `text/html` (a printable page) or `text/plain`", content(
            (BatchResult = "application/x-ndjson"),
            (CohortSummary = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
            (String = "text/plain"),
        )),
        responses::MalformedRequest,
        responses::Unauthorized,
        responses::NotAcceptable,
        responses::NotNdjson,
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
    let wanted = summary_wanted(&req).and_then(|summary| match summary {
        Some(rendering) => Ok(Answer::Summary(rendering)),
        None => negotiate_lines(&req).map(Answer::Lines),
    });
    let wanted = match wanted {
        Ok(wanted) => wanted,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    req.extensions_mut().insert(RubricUsed("batch".into()));
    Ok(match wanted {
        Answer::Lines(LineRendering::Ndjson) => HttpResponse::Ok()
            .content_type("application/x-ndjson")
            .streaming(BatchLines::new(payload, state.into_inner())),
        Answer::Lines(LineRendering::Csv) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8; header=present")
            .streaming(BatchLines::as_csv(payload, state.into_inner())),
        Answer::Summary(rendering) => HttpResponse::Ok()
            .content_type(rendering.media_type())
            .streaming(BatchLines::summarising(
                payload,
                state.into_inner(),
                rendering,
            )),
    })
}
