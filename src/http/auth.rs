//! API keys: with keys configured, every `/v1` route needs a valid bearer token.

use super::state::AppState;
use crate::assess::Problem;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};

/// Refuses a `/v1` request without a valid key, with a 401 problem that names
/// the bearer scheme; health, metrics, the page and the docs stay open.
pub(super) async fn require_api_key(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let denied = req.app_data::<web::Data<AppState>>().is_some_and(|state| {
        state.auth_required()
            && req
                .match_pattern()
                .is_some_and(|route| route.starts_with("/v1"))
            && !bearer_ok(&req, state)
    });
    if denied {
        let mut refusal = Problem::unauthorized().error_response();
        refusal
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Ok(req.into_response(refusal).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn bearer_ok(req: &ServiceRequest, state: &AppState) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .is_some_and(|token| state.key_is_valid(token.trim()))
}
