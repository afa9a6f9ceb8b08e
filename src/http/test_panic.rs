//! Test builds only (the `test-panic-route` feature, see
//! [`super::ServeConfig::test_panic_route`]): a route that panics on purpose.

use super::body;
use super::state::AppState;
use crate::assess::Problem;
use actix_web::{web, HttpResponse};

/// Panics with the body in the message, as a careless bug might, to show that
/// neither the reply nor the log repeats it.
pub(super) async fn panic_for_tests(
    req: actix_web::HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let limit = body::BodyLimit {
        name: "max_body_bytes",
        max_bytes: state.limits.max_body_bytes,
        timeout_secs: state.limits.request_timeout_secs,
    };
    let body = body::read_limited(&req, &mut payload, limit).await?;
    panic!("test panic: {}", String::from_utf8_lossy(&body));
}
