//! `POST /v1/score/batch`: score request lines in, result lines out, streamed.

use crate::assess::{BatchResult, Problem, ScoreRequestDto};
use crate::http::body::media_type;
use crate::http::ndjson::BatchLines;
use crate::http::responses;
use crate::http::state::AppState;
use crate::http::RubricUsed;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use utoipa::OpenApi;

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
#[openapi(paths(batch), components(schemas(BatchResult)))]
pub struct Api;

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
        content((ScoreRequestDto = "application/x-ndjson"))
    ),
    responses(
        (status = 200, description = "One result per request line, in order, streamed as each is scored; a line that fails (including one that does not arrive within the request timeout) gets an `error` problem", body = BatchResult, content_type = "application/x-ndjson"),
        responses::Unauthorized,
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
    req.extensions_mut().insert(RubricUsed("batch".into()));
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(BatchLines::new(payload, state.into_inner())))
}
