//! `GET /v1/rubrics`, `GET /v1/rubrics/{id}`, `POST /v1/rubrics/validate`,
//! `POST /v1/rubrics/{id}/explain`.

use crate::assess::{parse_format, ErrorCode, Problem};
use crate::assess::{utf8, without_values};
use crate::engine::{CueFound, CueUse};
use crate::engine::{Explanation, Rubric, RubricError};
use crate::http::body::{is_json, media_type, read_body, read_limited, refuse_unread, BodyLimit};
use crate::http::responses;
use crate::http::state::AppState;
use crate::http::RubricUsed;
use crate::rubrics::{self, FileStatus, Registry, Served, Source};
use crate::transcript::{self, ParseOptions, Role, RoleHints, Transcript};
use actix_web::http::Method;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

/// Routes of this module; `validate` before `{id}`, which would take it.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::only("/v1/rubrics", Method::GET, list))
        .service(super::only("/v1/rubrics/validate", Method::POST, validate))
        .service(super::only("/v1/rubrics/{id}", Method::GET, get))
        .service(super::only(
            "/v1/rubrics/{id}/explain",
            Method::POST,
            explain,
        ));
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(list, get, validate, explain),
    components(schemas(
        RubricList,
        RubricSummary,
        VersionState,
        RubricFile,
        FileState,
        RubricView,
        CriterionView,
        BandView,
        BehaviourView,
        Validation,
        ValidationError,
        ExplainRequest,
        Explanation,
        crate::engine::BaseRubric,
        CueFound,
        CueUse
    ))
)]
pub struct Api;

/// A rubric in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RubricSummary {
    #[schema(example = "challenging-customers")]
    id: String,
    title: String,
    version: String,
    /// sha256 of the rubric's source: results name it too.
    sha256: String,
    criteria: usize,
    /// In the list: whether this is the version a request naming only the id
    /// gets (pin another with `ID@VERSION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    latest: Option<bool>,
    /// In the list: `embedded` (compiled into the service) or the name of the
    /// file in the rubric directory it was loaded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "embedded")]
    source: Option<String>,
    /// In the list: whether a file (or the service itself) holds this version now.
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<VersionState>,
    /// In the list, when the file gave this id and version other content before
    /// (or the service has other content built in) and replaced it without a new
    /// version: the sha256 of that content. Requests pinned to this version now
    /// get this one's.
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced_sha256: Option<String>,
}

impl RubricSummary {
    fn of(r: &Rubric) -> Self {
        RubricSummary {
            id: r.id.clone(),
            title: r.title.clone(),
            version: r.version.clone(),
            sha256: r.sha256.clone(),
            criteria: r.criteria.len(),
            latest: None,
            source: None,
            state: None,
            replaced_sha256: None,
        }
    }

    fn listed(registry: &Registry, served: &Served) -> Self {
        let rubric = served.rubric();
        RubricSummary {
            latest: Some(registry.is_latest(rubric)),
            source: Some(match served.source() {
                Source::Embedded => "embedded".to_owned(),
                Source::File(path) => file_name(path),
            }),
            state: Some(if served.is_removed() {
                VersionState::Removed
            } else {
                VersionState::Current
            }),
            replaced_sha256: served.replaced_sha256().map(str::to_owned),
            ..RubricSummary::of(rubric)
        }
    }
}

/// Whether a version is held now, or kept only for requests that pin it.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    /// A file of the rubric directory, or the service itself, holds it.
    Current,
    /// Its file was deleted or now holds another version: it is still served
    /// to requests that name `ID@VERSION`, until the service restarts, but never
    /// to a request naming only the id.
    Removed,
}

/// Every version of every rubric served, and the state of each file of the
/// rubric directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct RubricList {
    /// By id, then version, oldest first.
    rubrics: Vec<RubricSummary>,
    /// The `*.toml` files of `--rubrics DIR` as last read, by name; empty
    /// without a rubric directory.
    files: Vec<RubricFile>,
}

/// A file of the rubric directory as last read.
#[derive(Debug, Serialize, ToSchema)]
pub struct RubricFile {
    /// The file's name in the rubric directory.
    #[schema(example = "my-centre.toml")]
    file: String,
    state: FileState,
    /// `ID@VERSION` of what is served from the file: what it holds when
    /// loaded, what it held before when it fails now.
    rubrics: Vec<String>,
    /// Why the file failed to load, when it did: where in the file (line 0
    /// when the whole file is concerned), and what to fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ValidationError>,
    /// What was loaded but deserves a look, e.g. content changed without a new version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

/// Whether the file loaded when the rubric directory was last read.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    /// It compiled and its examples pass.
    Loaded,
    /// It could not be read or compiled, its examples fail, or another file
    /// gives the same id and version with other content; what it gave before
    /// (if anything) is still served.
    Failed,
}

impl RubricFile {
    fn of(registry: &Registry, file: &FileStatus) -> Self {
        let warnings = file
            .gives()
            .iter()
            .filter_map(|(id, version)| {
                let name = format!("{id}@{version}");
                let served = registry
                    .served(id, version)
                    .filter(|s| *s.source() == Source::File(file.path().to_owned()))?;
                served.replaced_sha256().map(|before| {
                    format!(
                        "`{name}` had other content (sha256 {before}) before this file gave it new content under the same version: requests pinned to `{name}` now get this file's; give changed content a new version"
                    )
                })
            })
            .collect();
        RubricFile {
            file: file_name(file.path()),
            state: match file.state() {
                rubrics::FileState::Loaded => FileState::Loaded,
                rubrics::FileState::Failed => FileState::Failed,
            },
            rubrics: file
                .gives()
                .iter()
                .map(|(id, version)| format!("{id}@{version}"))
                .collect(),
            error: file.error().cloned().map(ValidationError::from),
            warnings,
        }
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// A criterion as a client shows it: what is marked and where it comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionView {
    id: String,
    title: String,
    marking_points: Vec<String>,
    weight: f64,
    required: bool,
    /// What an assessor looks for, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    looked_for: Option<String>,
    /// True when the criterion only applies in some conversations (e.g. an abusive customer).
    conditional: bool,
    /// Advice given to the learner when the criterion is not met or only partly met.
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback: Option<String>,
    /// The standards the criterion evidences (criterion references, KSB codes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<String>,
}

/// A grade band.
#[derive(Debug, Serialize, ToSchema)]
pub struct BandView {
    grade: String,
    label: String,
    min: f64,
}

/// A customer behaviour the rubric recognises.
#[derive(Debug, Serialize, ToSchema)]
pub struct BehaviourView {
    id: String,
    title: String,
}

/// A rubric in full, for clients to show.
#[derive(Debug, Serialize, ToSchema)]
pub struct RubricView {
    id: String,
    title: String,
    version: String,
    description: String,
    sources: Vec<String>,
    sha256: String,
    met_at: f64,
    partially_met_at: f64,
    bands: Vec<BandView>,
    behaviours: Vec<BehaviourView>,
    criteria: Vec<CriterionView>,
}

impl RubricView {
    fn of(r: &Rubric) -> Self {
        RubricView {
            id: r.id.clone(),
            title: r.title.clone(),
            version: r.version.clone(),
            description: r.description.clone(),
            sources: r.sources.clone(),
            sha256: r.sha256.clone(),
            met_at: r.scoring.met_at,
            partially_met_at: r.scoring.partially_met_at,
            bands: r
                .scoring
                .bands
                .iter()
                .map(|b| BandView {
                    grade: b.grade.clone(),
                    label: b.label.clone(),
                    min: b.min,
                })
                .collect(),
            behaviours: r
                .behaviours
                .iter()
                .map(|b| BehaviourView {
                    id: b.id.clone(),
                    title: b.title.clone(),
                })
                .collect(),
            criteria: r
                .criteria
                .iter()
                .map(|c| CriterionView {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    marking_points: c.marking_points.clone(),
                    weight: c.weight,
                    required: c.required,
                    looked_for: c.looked_for.clone(),
                    conditional: c.applies_when.is_some(),
                    feedback: c.feedback.clone(),
                    references: c.references.clone(),
                })
                .collect(),
        }
    }
}

#[utoipa::path(
    get,
    path = "/v1/rubrics",
    tag = "rubrics",
    responses((status = 200, description = "Every version of every rubric this service scores with, by id then version, and whether each file of the rubric directory loaded", body = RubricList)),
    security((), ("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>) -> HttpResponse {
    let registry = state.registry();
    HttpResponse::Ok().json(RubricList {
        rubrics: registry
            .versions()
            .map(|served| RubricSummary::listed(&registry, served))
            .collect(),
        files: registry
            .files()
            .map(|file| RubricFile::of(&registry, file))
            .collect(),
    })
}

#[utoipa::path(
    get,
    path = "/v1/rubrics/{id}",
    tag = "rubrics",
    params(("id" = String, Path, description = "Rubric id (its latest version) or `ID@VERSION`", example = "heat")),
    responses(
        (status = 200, description = "The rubric with its criteria and marking points", body = RubricView),
        responses::UnknownRubric,
    ),
    security((), ("bearer" = []))
)]
pub async fn get(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let rubric = state.rubric(&path)?;
    Ok(HttpResponse::Ok().json(RubricView::of(&rubric)))
}

/// The result of validating a rubric source.
#[derive(Debug, Serialize, ToSchema)]
pub struct Validation {
    /// The rubric compiles and all its examples pass.
    valid: bool,
    /// How many of the rubric's examples ran, when it compiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    examples_checked: Option<usize>,
    /// Examples that did not behave as written, with the cue that fired or did not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    example_failures: Vec<crate::engine::ExampleFailure>,
    /// Present when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    rubric: Option<RubricSummary>,
    /// Expanded phrase forms, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    phrases: Option<usize>,
    errors: Vec<ValidationError>,
}

/// A rubric error with its place in the source.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationError {
    /// 1-based; 0 when the error concerns the whole source.
    line: usize,
    column: usize,
    message: String,
}

impl From<RubricError> for ValidationError {
    fn from(e: RubricError) -> Self {
        ValidationError {
            line: e.line(),
            column: e.column(),
            message: e.message().to_owned(),
        }
    }
}

#[utoipa::path(
    post,
    path = "/v1/rubrics/validate",
    tag = "rubrics",
    request_body(content = String, content_type = "application/toml", description = "A rubric's TOML source (any text media type)"),
    responses(
        (status = 200, description = "Whether the rubric compiles, with errors by line and column", body = Validation),
        responses::EmptyBody,
        responses::BodyTimeout,
        responses::SourceTooLarge,
        responses::SourceNotUtf8,
    ),
    security((), ("bearer" = []))
)]
pub async fn validate(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let limit = state.limits.max_rubric_bytes;
    let body_limit = BodyLimit {
        name: "max_rubric_bytes",
        max_bytes: limit,
        timeout_secs: state.limits.request_timeout_secs,
    };
    let body = match read_limited(&req, &mut payload, body_limit).await {
        Ok(body) => body,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    let source = utf8(&body)?;
    if source.trim().is_empty() {
        return Err(Problem::new(
            ErrorCode::EmptyBody,
            "send a rubric's TOML source as the request body (see rubrics/README.md)",
        ));
    }
    let limits = crate::engine::CompileLimits {
        max_phrases: state.limits.max_rubric_phrases,
        max_source_bytes: limit,
    };
    let validation = match Rubric::compile_with(source, limits) {
        Ok(rubric) => {
            let report = crate::rubrics::check_examples(&rubric);
            Validation {
                valid: report.failures.is_empty(),
                examples_checked: Some(report.checked),
                example_failures: report.failures,
                phrases: Some(rubric.phrase_count()),
                rubric: Some(RubricSummary::of(&rubric)),
                errors: Vec::new(),
            }
        }
        Err(e) => Validation {
            valid: false,
            examples_checked: None,
            example_failures: Vec::new(),
            rubric: None,
            phrases: None,
            errors: vec![e.into()],
        },
    };
    Ok(HttpResponse::Ok().json(validation))
}

/// A sentence or transcript to explain against a rubric.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sentence": "I'm not sorry, but I can hear you're really frustrated.", "role": "learner"}))]
pub struct ExplainRequest {
    /// One sentence, spoken by `role`.
    sentence: Option<String>,
    /// Who speaks `sentence` (default learner).
    role: Option<Role>,
    /// Or a whole transcript, in any supported format.
    transcript_text: Option<String>,
    /// Format of `transcript_text`; detected when omitted.
    format: Option<String>,
    /// Speaker label of the learner in `transcript_text`.
    learner: Option<String>,
    /// Speaker label to role, for `transcript_text`.
    roles: Option<BTreeMap<String, Role>>,
}

#[utoipa::path(
    post,
    path = "/v1/rubrics/{id}/explain",
    tag = "rubrics",
    params(("id" = String, Path, description = "Rubric id", example = "heat")),
    request_body(content = ExplainRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Every cue of the rubric found, whether it counts or was held back (and why), and the behaviours and criteria that read it from this speaker", body = Explanation),
        responses::MalformedRequest,
        responses::Unauthorized,
        responses::UnknownRubric,
        responses::BodyTooLarge,
        responses::NotJson,
        responses::TranscriptUnreadable,
    ),
    security((), ("bearer" = []))
)]
pub async fn explain(
    req: HttpRequest,
    path: web::Path<String>,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let body = match read_body(&req, &mut payload, &state.limits).await {
        Ok(body) => body,
        Err(problem) => return Ok(refuse_unread(&problem, payload)),
    };
    let media = media_type(&req);
    if !is_json(&media) {
        return Err(Problem::unsupported_media_type(&media));
    }
    let rubric = state.rubric(&path)?;
    req.extensions_mut().insert(RubricUsed(rubric.id.clone()));
    let request: ExplainRequest = serde_json::from_str(utf8(&body)?).map_err(|e| {
        Problem::new(
            ErrorCode::InvalidJson,
            format!(
                "the request is not a valid explain request: {}",
                without_values(&e.to_string(), true)
            ),
        )
    })?;
    let transcript = match (request.sentence, request.transcript_text) {
        (Some(sentence), None) => {
            Transcript::one_sentence(request.role.unwrap_or(Role::Learner), &sentence)
        }
        (None, Some(text)) => {
            let options = ParseOptions {
                format: parse_format(request.format.as_deref())?,
                keep_cues: false,
            };
            let hints = RoleHints {
                learner: request.learner,
                roles: request.roles.unwrap_or_default(),
            };
            transcript::parse_with(&text, &options, &hints)?.0
        }
        _ => {
            return Err(Problem::new(
                ErrorCode::MissingText,
                "send either `sentence` (with an optional `role`) or `transcript_text`",
            ))
        }
    };
    state.transcript_limits().check(&transcript)?;
    Ok(HttpResponse::Ok().json(rubric.explain(&transcript)))
}
