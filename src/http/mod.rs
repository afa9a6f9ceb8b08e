//! The REST service: an actix-web application over the scoring engine.
//!
//! Handlers take a request apart, call the engine and shape the reply; everything
//! else (rubrics, limits, keys, metrics) lives in [`state::AppState`], built once.
//! Logs carry request ids, routes, rubric ids, statuses, sizes and timings, never
//! transcript text or quotes: transcripts are personal data.

// `Problem` is the error of every handler and is built at most once per request;
// boxing it would buy nothing measurable.
#![allow(clippy::result_large_err)]

mod body;
pub mod config;
mod metrics;
pub mod openapi;
pub mod problem;
mod routes;
pub(crate) mod scoring;
mod state;

use crate::rubrics::Registry;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{web, App, Error, HttpMessage, HttpResponse, HttpServer, ResponseError};
pub use config::{Limits, ServeConfig};
use problem::Problem;
use state::AppState;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use utoipa::OpenApi;

/// The rubric a request used, put in the request's extensions by handlers so the
/// access log can name it.
#[derive(Debug, Clone)]
pub struct RubricUsed(pub String);

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Compiles the rubrics and binds the listener; `bind` may use port 0.
    pub fn build(config: ServeConfig) -> Result<Application, String> {
        let mut registry = Registry::embedded().map_err(|e| e.to_string())?;
        if let Some(dir) = &config.rubrics_dir {
            registry.load_dir(dir).map_err(|e| e.to_string())?;
        }
        let state = web::Data::new(AppState::new(registry, config.limits, &config.api_keys));
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let mut server = HttpServer::new(move || app(state.clone()))
            .listen(listener)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?
            // Signals are ours to handle: actix stops forcibly on SIGINT, and Ctrl-C
            // must let in-flight requests finish as SIGTERM does.
            .disable_signals()
            .shutdown_timeout(30);
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped through its handle (tests drop it).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// Serves until SIGTERM or Ctrl-C, then refuses new connections and lets
    /// requests in flight finish (up to 30 seconds).
    pub async fn run_until_signalled(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            log::info!("shutting down: finishing requests in flight");
            handle.stop(true).await;
        });
        self.server.await
    }
}

async fn shutdown_signal() {
    let ctrl_c = Box::pin(async {
        let _ = actix_web::rt::signal::ctrl_c().await;
    });
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let term = Box::pin(async move {
                    term.recv().await;
                });
                futures_util::future::select(ctrl_c, term).await;
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

fn app(
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
    App::new()
        .app_data(state)
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(observe))
        .service(
            // Resources, not bare routes: a wrong method on a known path is then a 405.
            web::scope("/v1")
                .service(web::resource("/score").post(routes::score::score))
                .service(web::resource("/score/batch").post(routes::score::batch))
                .service(web::resource("/rubrics").get(routes::rubrics::list))
                .service(web::resource("/rubrics/validate").post(routes::rubrics::validate))
                .service(web::resource("/rubrics/{id}").get(routes::rubrics::get)),
        )
        .service(web::resource("/healthz").get(routes::health::healthz))
        .service(web::resource("/readyz").get(routes::health::readyz))
        .service(web::resource("/metrics").get(routes::health::metrics))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .service(
            utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                .url("/openapi.json", openapi::ApiDoc::openapi()),
        )
        .default_service(web::to(|| async {
            Problem::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "no such endpoint: see /docs for the API",
            )
            .error_response()
        }))
}

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

/// Access log, metrics, request ids and API-key checks, in one place.
async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
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

    let denied = state
        .as_ref()
        .is_some_and(|s| s.auth_required() && route.starts_with("/v1") && !bearer_ok(&req, s));
    let mut response = if denied {
        let mut refusal = Problem::unauthorized().error_response();
        refusal
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        req.into_response(refusal).map_into_right_body()
    } else {
        next.call(req).await?.map_into_left_body()
    };

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
                .map(|c| c.0.clone())
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

/// The problem code of an error response, for the error counter.
#[derive(Debug, Clone)]
pub struct ProblemCode(pub String);

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
    let (code, detail) = match status.as_u16() {
        404 => (
            "not-found",
            "no such endpoint: see /docs for the API".to_owned(),
        ),
        405 => (
            "method-not-allowed",
            "this endpoint does not take that method: see /docs".to_owned(),
        ),
        _ => (
            "http-error",
            status
                .canonical_reason()
                .unwrap_or("request failed")
                .to_owned(),
        ),
    };
    let problem = Problem::new(
        status,
        code,
        status.canonical_reason().unwrap_or("Error"),
        detail,
    );
    let (req, _) = res.into_parts();
    let res = ServiceResponse::new(req, problem.error_response()).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
