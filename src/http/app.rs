//! The application: middleware, the route modules' rooms, and problem+json for
//! every error, including those actix makes itself.

use super::auth::require_api_key;
use super::observe::observe;
use super::problem::http_error;
use super::routes::ROOMS;
use super::state::AppState;
use crate::assess::{ErrorCode, Problem};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, Error, ResponseError};

pub(super) fn app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    #[cfg(feature = "test-panic-route")]
    let test_panic_route = state.test_panic_route;
    let mut app = App::new()
        .app_data(state)
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(require_api_key))
        .wrap(from_fn(observe));
    for room in ROOMS {
        app = app.configure(room.configure);
    }
    let document = super::openapi::api_doc();
    app = app.configure(|cfg| super::routes::docs::configure(cfg, document));
    #[cfg(feature = "test-panic-route")]
    if test_panic_route {
        app = app.service(super::routes::only(
            "/v1/__panic",
            actix_web::http::Method::POST,
            super::test_panic::panic_for_tests,
        ));
    }
    app.default_service(web::to(|| async {
        Problem::new(
            ErrorCode::NotFound,
            "no such endpoint: see /docs for the API",
        )
        .error_response()
    }))
}

/// Gives every error response a problem+json body, including those actix makes
/// itself (wrong method, extractor failures).
fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let problem = match status.as_u16() {
        404 => Problem::new(
            ErrorCode::NotFound,
            "no such endpoint: see /docs for the API",
        ),
        405 => Problem::new(
            ErrorCode::MethodNotAllowed,
            "this endpoint does not take that method: see /docs",
        ),
        _ => http_error(
            status,
            status.canonical_reason().unwrap_or("request failed"),
        ),
    };
    let (req, _) = res.into_parts();
    let res = ServiceResponse::new(req, problem.error_response()).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
