//! One module per resource; each owns its handlers, their OpenAPI docs, an
//! `Api` document of its own paths and a `configure(cfg)` that mounts them. The
//! application and the OpenAPI document are both assembled from [`ROOMS`].

pub mod batch;
pub mod docs;
pub mod health;
pub mod page;
pub mod rubrics;
pub mod score;

use crate::assess::{ErrorCode, Problem};
use crate::http::panic::contain_panics;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{web, ResponseError};

/// A route module: how it mounts its routes, and the OpenAPI paths it serves.
pub struct Room {
    /// Mounts the module's routes.
    pub configure: fn(&mut web::ServiceConfig),
    /// The module's part of the OpenAPI document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
}

/// Every route module that serves the API and the page, in the order their
/// routes are matched; [`docs`] serves the document assembled from them.
pub const ROOMS: &[Room] = &[
    Room {
        configure: score::configure,
        openapi: <score::Api as utoipa::OpenApi>::openapi,
    },
    Room {
        configure: batch::configure,
        openapi: <batch::Api as utoipa::OpenApi>::openapi,
    },
    Room {
        configure: rubrics::configure,
        openapi: <rubrics::Api as utoipa::OpenApi>::openapi,
    },
    Room {
        configure: page::configure,
        openapi: empty_openapi,
    },
    Room {
        configure: health::configure,
        openapi: <health::Api as utoipa::OpenApi>::openapi,
    },
];

fn empty_openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApi::default()
}

/// A resource that answers one method, and any other with a 405 problem whose
/// `Allow` header names it (RFC 9110 requires the header; actix leaves it out).
/// It contains its own panics (see [`contain_panics`]).
pub fn only<F, Args>(
    path: &str,
    method: Method,
    handler: F,
) -> impl actix_web::dev::HttpServiceFactory + 'static
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    let allowed = method.clone();
    web::resource(path)
        .route(web::method(method).to(handler))
        .default_service(web::to(move || {
            let allowed = allowed.clone();
            async move {
                let mut response = Problem::new(
                    ErrorCode::MethodNotAllowed,
                    format!("this endpoint takes {allowed} only: see /docs"),
                )
                .error_response();
                if let Ok(value) = HeaderValue::from_str(allowed.as_str()) {
                    response.headers_mut().insert(header::ALLOW, value);
                }
                response
            }
        }))
        .wrap(from_fn(contain_panics))
}
