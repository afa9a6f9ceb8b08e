//! `POST /v1/score` and `POST /v1/score/xapi`: one transcript, scored through
//! [`crate::assess`] and rendered as the client asked.

use crate::assess::{
    self, parse_format, utf8, without_values, ErrorCode, JsonBody, Problem, RenderSettings,
    Rendering, RubricChoice, ScoreRequest, ScoreRequestDto, Scored,
};
use crate::assess::{TranscriptInput, TurnInput};
use crate::engine::Assessment;
use crate::engine::{
    AssessorOverride, Audit, BehaviourResult, CriterionResult, Evidence, Outcome, Overall,
    OverrideRecord, Polarity, Quote, RubricRef, Scenario, TranscriptView,
};
use crate::http::body::{is_json, media_type, read_body, refuse_unread};
use crate::http::responses;
use crate::http::state::AppState;
use crate::http::RubricUsed;
use crate::transcript::{Format, RoleHints};
use crate::transcript::{Role, Turn};
use actix_web::http::header;
use actix_web::http::Method;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

/// Routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::only("/v1/score", Method::POST, score))
        .service(super::only("/v1/score/xapi", Method::POST, xapi));
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(score, xapi),
    components(schemas(
        Problem,
        ScoreRequestDto,
        TranscriptInput,
        TurnInput,
        Assessment,
        Audit,
        Overall,
        RubricRef,
        BehaviourResult,
        CriterionResult,
        AssessorOverride,
        OverrideRecord,
        Evidence,
        Quote,
        Polarity,
        Outcome,
        TranscriptView,
        Turn,
        Role,
        Scenario
    ))
)]
pub struct Api;

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
    /// The learner's id in your records: kept in the assessment's `audit`, and
    /// the actor of xAPI statements.
    learner_id: Option<String>,
    /// The day of the assessment, `YYYY-MM-DD`: kept in the assessment's
    /// `audit`, and the `timestamp` of xAPI statements.
    date: Option<String>,
}

/// The client's most preferred rendering that `/v1/score` has; JSON when the
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
        ErrorCode::NotAcceptable,
        "this endpoint answers with application/json (the assessment), text/html (the printable report) or text/csv: ask for one of them in `Accept`",
    ))
}

/// Takes a `/v1/score` body in either shape apart into a checked request.
fn score_request<'a>(req: &HttpRequest, body: &'a [u8]) -> Result<ScoreRequest<'a>, Problem> {
    let media = media_type(req);
    let query = web::Query::<RawScoreQuery>::from_query(req.query_string())
        .map_err(|e| {
            Problem::new(
                ErrorCode::InvalidQuery,
                format!(
                    "invalid query string: {}",
                    without_values(&e.to_string(), true)
                ),
            )
        })?
        .into_inner();
    let (text, transcript_format) = if is_json(&media) {
        let text = utf8(body)?;
        // A score request pays for nothing more; only a body that is not one
        // is looked at again to see whether it is a transcript.
        let not_a_request = match parse_json(text) {
            Ok(dto) => return json_score_request(req, dto),
            Err(problem) => problem,
        };
        match assess::classify_json_body(text)? {
            JsonBody::ScoreRequest => return Err(not_a_request),
            // The query's format, when given, still wins: it names the export.
            JsonBody::Transcript(format) => (text, Some(format)),
        }
    } else if media == "text/plain" || Format::from_media_type(&media).is_some() {
        (utf8(body)?, Format::from_media_type(&media))
    } else {
        return Err(Problem::unsupported_media_type(&media));
    };
    let format = match query.format.as_deref() {
        Some(name) => parse_format(Some(name))?,
        None => transcript_format,
    };
    let rubric = query.rubric.ok_or_else(|| {
        Problem::new(
            ErrorCode::MissingRubric,
            "a transcript sent on its own needs `?rubric=ID` in the query string",
        )
    })?;
    ScoreRequest::new(text)
        .with_date(query.date.as_deref())
        .map(|request| {
            request
                .with_rubric(RubricChoice::Named(rubric))
                .with_format(format)
                .with_roles(RoleHints {
                    learner: query.learner,
                    roles: Default::default(),
                })
                .including_transcript(query.include_transcript.unwrap_or(true))
                .keeping_cues(query.keep_cues.unwrap_or(false))
                .with_learner_id(query.learner_id)
        })
}

/// A score request in JSON, which carries its own options.
fn json_score_request<'a>(
    req: &HttpRequest,
    dto: ScoreRequestDto,
) -> Result<ScoreRequest<'a>, Problem> {
    // Silently ignoring `?rubric=` would score with whatever the body names.
    if !req.query_string().is_empty() {
        return Err(Problem::new(
            ErrorCode::UnexpectedQuery,
            "query parameters are only for a transcript sent on its own (text, captions or a JSON export): put them in the JSON score request instead",
        ));
    }
    if dto.id.is_some() {
        return Err(Problem::new(
            ErrorCode::UnexpectedId,
            "`id` is only for batch lines",
        ));
    }
    ScoreRequest::try_from(dto)
}

fn parse_json(text: &str) -> Result<ScoreRequestDto, Problem> {
    serde_json::from_str(text).map_err(|e| {
        let mut problem = Problem::new(
            ErrorCode::InvalidJson,
            format!(
                "the request is not a valid score request: {}",
                without_values(&e.to_string(), true)
            ),
        );
        problem.line = Some(e.line());
        problem
    })
}

/// Reads, scores and renders one request.
async fn score_and_render(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
    rendering: Rendering,
) -> Result<HttpResponse, Problem> {
    let body = match read_body(&req, &mut payload, &state.limits).await {
        Ok(body) => body,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    let request = score_request(&req, &body)?;
    let Scored {
        assessment,
        rubric_label,
        ..
    } = assess::score(&request, state.get_ref(), &state.transcript_limits())?;
    state.metrics.scored(&rubric_label);
    req.extensions_mut().insert(RubricUsed(rubric_label));
    let settings = RenderSettings {
        source: None,
        pretty_json: false,
        xapi_base: state.xapi_base.clone(),
        xapi_account_home: state.xapi_account_home.clone(),
    };
    let body = assess::render(rendering, &request, &assessment, &settings)?;
    Ok(HttpResponse::Ok()
        .content_type(rendering.media_type())
        .body(body))
}

#[utoipa::path(
    post,
    path = "/v1/score",
    tag = "score",
    params(RawScoreQuery),
    request_body(
        description = "A score request as JSON; or a transcript on its own with `?rubric=ID`: text (`text/plain`), WebVTT (`text/vtt`), SubRip (`application/x-subrip`), or a JSON transcript (canonical `turns` or a vendor export such as AWS Transcribe, Deepgram, AssemblyAI or Whisper) as `application/json`. A JSON body whose top-level fields are all a score request's is a score request; one that mixes both is refused (`ambiguous-body`).",
        content(
            (ScoreRequestDto = "application/json"),
            (String = "text/plain", example = "Customer: My refund is late.\nAgent: I'm so sorry about that."),
            (String = "text/vtt", example = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Customer>My refund is late.\n\n00:00:04.500 --> 00:00:07.000\n<v Agent>I'm so sorry about that."),
            (String = "application/x-subrip", example = "1\n00:00:01,000 --> 00:00:04,000\nCustomer: My refund is late.\n\n2\n00:00:04,500 --> 00:00:07,000\nAgent: I'm so sorry about that.")
        )
    ),
    responses(
        (status = 200, description = "The assessment as JSON; with `Accept: text/html` the printable report, with `Accept: text/csv` one row per criterion", content(
            (Assessment = "application/json"),
            (String = "text/html"),
            (String = "text/csv"),
        )),
        responses::MalformedRequest,
        responses::Unauthorized,
        responses::UnknownRubric,
        responses::NotAcceptable,
        responses::BodyTimeout,
        responses::BodyTooLarge,
        responses::UnsupportedMediaType,
        responses::CannotScore,
        responses::InternalError,
    ),
    security((), ("bearer" = []))
)]
pub async fn score(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    match negotiate(&req) {
        Ok(rendering) => score_and_render(req, payload, state, rendering).await,
        Err(problem) => Ok(refuse_unread(&problem, payload)),
    }
}

#[utoipa::path(
    post,
    path = "/v1/score/xapi",
    tag = "score",
    params(RawScoreQuery),
    request_body(
        description = "A score request or a transcript on its own, as for /v1/score; `learner_id` is required",
        content(
            (ScoreRequestDto = "application/json"),
            (String = "text/plain"),
            (String = "text/vtt"),
            (String = "application/x-subrip")
        )
    ),
    responses(
        (status = 200, description = "xAPI 1.0.3 statements, one per criterion and one for the whole assessment, ready to POST to a learning record store's /statements", body = Vec<Object>),
        responses::MalformedOrNoLearnerId,
        responses::Unauthorized,
        responses::UnknownRubric,
        responses::BodyTooLarge,
        responses::UnsupportedMediaType,
        responses::CannotScore,
    ),
    security((), ("bearer" = []))
)]
pub async fn xapi(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    score_and_render(req, payload, state, Rendering::Xapi).await
}
