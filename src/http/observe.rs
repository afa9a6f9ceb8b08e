//! The access log, metrics and request ids of every request.

use super::problem::ProblemCode;
use super::state::AppState;
use super::{metrics, RubricUsed};
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Uses the caller's `X-Request-Id` when it is short and plain, else makes one.
fn request_id(req: &ServiceRequest) -> String {
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .filter(|v| {
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    match given {
        Some(id) => id.to_owned(),
        None => format!(
            "rm-{:x}-{}",
            std::process::id(),
            REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed)
        ),
    }
}

/// Gives the request an id (echoed in `X-Request-Id`), counts it in the metrics
/// and writes its access-log line: route, rubric, status, sizes and time, never
/// the content.
pub(super) async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().to_string();
    let in_bytes = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let state = req.app_data::<web::Data<AppState>>().cloned();

    let mut response = next.call(req).await?;

    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let rubric = response
        .request()
        .extensions()
        .get::<RubricUsed>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "-".to_owned());
    let out_bytes = match response.response().body().size() {
        BodySize::Sized(n) => n.to_string(),
        BodySize::Stream => "stream".to_owned(),
        BodySize::None => "0".to_owned(),
    };
    if let Some(state) = &state {
        state
            .metrics
            .requests
            .get_or_create(&metrics::RequestLabels {
                route: route.clone(),
                status,
            })
            .inc();
        state
            .metrics
            .latency
            .get_or_create(&metrics::RouteLabels {
                route: route.clone(),
            })
            .observe(elapsed.as_secs_f64());
        if status >= 400 {
            let code = response
                .response()
                .extensions()
                .get::<ProblemCode>()
                .map(|c| c.0.code().to_owned())
                .unwrap_or_else(|| status.to_string());
            state.metrics.error(&code);
        }
    }
    log::info!(
        "request id={id} method={method} route={route} rubric={rubric} status={status} in_bytes={} out_bytes={out_bytes} ms={:.3}",
        in_bytes.map_or_else(|| "-".to_owned(), |n| n.to_string()),
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(response)
}
