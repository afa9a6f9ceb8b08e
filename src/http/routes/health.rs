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
    #[schema(example = "ok")]
    status: &'static str,
    /// Rubrics loaded and compiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    rubrics: Option<usize>,
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is up", body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        rubrics: None,
    })
}

#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Rubrics are compiled and requests can be scored", body = Health),
        (status = 503, description = "Not ready", body = Health)
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let rubrics = state.registry().iter().count();
    let body = Health {
        status: if rubrics > 0 { "ready" } else { "not_ready" },
        rubrics: Some(rubrics),
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
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}
