//! `GET /healthz`, `GET /readyz` and `GET /metrics`: open even when API keys are set.

use crate::http::state::AppState;
use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// Routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::only("/healthz", Method::GET, healthz))
        .service(super::only("/readyz", Method::GET, readyz))
        .service(super::only("/metrics", Method::GET, metrics));
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(healthz, readyz, metrics), components(schemas(Health)))]
pub struct Api;

/// Liveness and readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (liveness); `ready`, `degraded` (ready, but some rubric file failed
    /// to load: see `failing_files`) or `not_ready` (readiness).
    #[schema(example = "ok")]
    status: &'static str,
    /// Rubrics loaded and compiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    rubrics: Option<usize>,
    /// Files of the rubric directory that failed to load when it was last read;
    /// `GET /v1/rubrics` says why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(example = json!(["my-centre.toml"]))]
    failing_files: Vec<String>,
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is up", body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        rubrics: None,
        failing_files: Vec::new(),
    })
}

#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Rubrics are compiled and requests can be scored; `degraded` when some file of the rubric directory failed to load (the other rubrics are served)", body = Health),
        (status = 503, description = "Not ready", body = Health)
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let registry = state.registry();
    let rubrics = registry.iter().count();
    let failing_files: Vec<String> = registry
        .failing_files()
        .map(|f| {
            f.path()
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // A failing file leaves the rest served, so it does not take the instance
    // out of rotation; the body says it, for the operator and for alerts.
    let status = match (rubrics, failing_files.is_empty()) {
        (0, _) => "not_ready",
        (_, true) => "ready",
        (_, false) => "degraded",
    };
    let body = Health {
        status,
        rubrics: Some(rubrics),
        failing_files,
    };
    if rubrics > 0 {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Metrics in the OpenMetrics text format (Prometheus reads it)", body = String, content_type = "application/openmetrics-text"))
)]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    state
        .metrics
        .files_failing(state.registry().failing_files().count());
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}
