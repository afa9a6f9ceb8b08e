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
use actix_web::http::Method;
use actix_web::middleware::{from_fn, ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{web, App, Error, HttpMessage, HttpResponse, HttpServer, ResponseError};
pub use config::{Limits, ServeConfig};
use problem::Problem;
use state::AppState;
use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use utoipa::OpenApi;

/// The rubric a request used, put in the request's extensions by handlers so the
/// access log can name it.
#[derive(Debug, Clone)]
pub struct RubricUsed(pub String);

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    rubrics_poll: Option<Duration>,
}

impl Application {
    /// Compiles the rubrics and binds the listener; `bind` may use port 0.
    pub fn build(config: ServeConfig) -> Result<Application, String> {
        let embedded = Registry::embedded().map_err(|e| e.to_string())?;
        let mut registry = embedded.clone();
        if let Some(dir) = &config.rubrics_dir {
            registry.load_dir(dir).map_err(|e| e.to_string())?;
        }
        let mut state = AppState::new(
            registry,
            embedded,
            config.rubrics_dir.clone(),
            config.limits,
            &config.api_keys,
        );
        state.test_panic_route = config.test_panic_route;
        for iri in [Some(&config.xapi_base), config.xapi_account_home.as_ref()]
            .into_iter()
            .flatten()
        {
            crate::report::check_iri(iri).map_err(|why| format!("xAPI address `{iri}` {why}"))?;
        }
        state.xapi_account_home = config
            .xapi_account_home
            .clone()
            .unwrap_or_else(|| config.xapi_base.clone());
        state.xapi_base = config.xapi_base.clone();
        let state = web::Data::new(state);
        let app_state = state.clone();
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let mut server = HttpServer::new(move || app(state.clone()))
            .listen(listener)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?
            // Signals are ours to handle: actix stops forcibly on SIGINT, and Ctrl-C
            // must let in-flight requests finish as SIGTERM does.
            .disable_signals()
            .shutdown_timeout(30)
            // The head of a request must arrive within the request timeout too; the
            // body is timed by the handlers, which can answer with a problem.
            .client_request_timeout(Duration::from_secs(config.limits.request_timeout_secs))
            .max_connections(config.max_connections.max(1));
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            state: app_state,
            rubrics_poll: (config.rubrics_poll_secs > 0)
                .then(|| Duration::from_secs(config.rubrics_poll_secs)),
        })
    }

    /// Watches the rubric directory, when there is one, for the life of the server.
    fn watch_rubrics(&self) {
        if self.state.rubrics_dir().is_some() {
            actix_web::rt::spawn(watch_rubrics(self.state.clone(), self.rubrics_poll));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped through its handle (tests drop it).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.watch_rubrics();
        self.server.await
    }

    /// Serves until SIGTERM or Ctrl-C, then refuses new connections and lets
    /// requests in flight finish (up to 30 seconds).
    pub async fn run_until_signalled(self) -> std::io::Result<()> {
        self.watch_rubrics();
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            log::info!("shutting down: finishing requests in flight");
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// The `*.toml` files of a directory with their sizes and change times: a
/// different fingerprint means something to reload.
fn fingerprint(
    dir: &std::path::Path,
) -> Vec<(std::path::PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|ext| ext == "toml"))
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.path(),
                meta.as_ref().map_or(0, std::fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
            )
        })
        .collect();
    files.sort();
    files
}

/// Reloads the rubric directory on SIGHUP, and when its files change (looked
/// at every `poll`). A rubric that fails keeps being served as it was.
async fn watch_rubrics(state: web::Data<AppState>, poll: Option<Duration>) {
    let Some(dir) = state.rubrics_dir().cloned() else {
        return;
    };
    #[cfg(unix)]
    let mut hangup =
        actix_web::rt::signal::unix::signal(actix_web::rt::signal::unix::SignalKind::hangup()).ok();
    let mut seen = fingerprint(&dir);
    loop {
        // Without polling, a long sleep stands in for "until SIGHUP".
        let wait = actix_web::rt::time::sleep(poll.unwrap_or(Duration::from_secs(3600)));
        #[cfg(unix)]
        let asked = match hangup.as_mut() {
            Some(signal) => {
                let received = Box::pin(signal.recv());
                matches!(
                    futures_util::future::select(received, Box::pin(wait)).await,
                    futures_util::future::Either::Left(_)
                )
            }
            None => {
                wait.await;
                false
            }
        };
        #[cfg(not(unix))]
        let asked = {
            wait.await;
            false
        };
        let now = fingerprint(&dir);
        if !asked && (poll.is_none() || now == seen) {
            continue;
        }
        seen = now;
        let reloading = state.clone();
        match web::block(move || reloading.reload()).await {
            Ok(Ok(failures)) => {
                let served = state.registry().iter().count();
                state
                    .metrics
                    .reloaded(if failures.is_empty() { "ok" } else { "partial" });
                if failures.is_empty() {
                    log::info!("rubrics reloaded from {}: {served} served", dir.display());
                } else {
                    log::warn!(
                        "rubrics reloaded from {} with {} failing, kept as they were: {served} served",
                        dir.display(),
                        failures.len()
                    );
                    for failure in failures {
                        log::warn!("rubric not reloaded: {failure}");
                    }
                }
            }
            Ok(Err(error)) => {
                state.metrics.reloaded("failed");
                log::error!("rubrics not reloaded, nothing changed: {error}");
            }
            Err(_) => {
                state.metrics.reloaded("failed");
                log::error!("rubrics not reloaded, nothing changed: the reload failed");
            }
        }
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
    let test_panic_route = state.test_panic_route;
    App::new()
        .app_data(state)
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(observe))
        // Each resource contains its own panics: see `only`.
        .service(
            web::scope("/v1")
                .service(only("/score", Method::POST, routes::score::score))
                .service(only("/score/batch", Method::POST, routes::score::batch))
                .service(only("/score/xapi", Method::POST, routes::score::xapi))
                .service(only("/rubrics", Method::GET, routes::rubrics::list))
                .service(only(
                    "/rubrics/validate",
                    Method::POST,
                    routes::rubrics::validate,
                ))
                .service(only("/rubrics/{id}", Method::GET, routes::rubrics::get))
                .service(only(
                    "/rubrics/{id}/explain",
                    Method::POST,
                    routes::rubrics::explain,
                ))
                .configure(|scope| {
                    if test_panic_route {
                        scope.service(only("/__panic", Method::POST, panic_for_tests));
                    }
                }),
        )
        .service(only("/", Method::GET, routes::page::index))
        .service(only(
            "/assets/rolemark.js",
            Method::GET,
            routes::page::script,
        ))
        .service(only(
            "/assets/rolemark.css",
            Method::GET,
            routes::page::style,
        ))
        .service(only("/healthz", Method::GET, routes::health::healthz))
        .service(only("/readyz", Method::GET, routes::health::readyz))
        .service(only("/metrics", Method::GET, routes::health::metrics))
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

/// A resource that answers one method, and any other with a 405 problem whose
/// `Allow` header names it (RFC 9110 requires the header; actix leaves it out).
/// It contains its own panics (see `contain_panics`).
fn only<F, Args>(
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
                    actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
                    "method-not-allowed",
                    "Method Not Allowed",
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

/// Turns a panic in a handler into a 500 problem for that request alone. Without
/// this, actix drops the connection with no answer at all.
///
/// It wraps each resource rather than the whole app because it must keep a handle
/// on the request to answer it, and actix's router needs the only handle while it
/// matches the path; inside a resource the path is matched already. The access log
/// and metrics, outside it, see the 500 like any other error.
async fn contain_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    use futures_util::FutureExt;
    let request = req.request().clone();
    // Handlers share nothing mutable but the inline-rubric cache, whose lock
    // recovers from poisoning, so no broken state outlives the panic.
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => response.map(ServiceResponse::map_into_left_body),
        Err(_panic) => {
            let response = Problem::internal_error().error_response();
            Ok(ServiceResponse::new(request, response).map_into_right_body())
        }
    }
}

/// Test-only (see [`ServeConfig::test_panic_route`]): panics with the body in the
/// message, as a careless bug might, to show that neither the reply nor the log
/// repeats it.
async fn panic_for_tests(
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

/// Logs where a panic happened but not what it said: a formatted panic message
/// can quote the data it failed on (`str` slicing panics quote the string), and
/// here that is a transcript. Literal messages (`&'static str`) are kept since they
/// come from the code. Installed by `rolemark serve`; process-wide, so a library
/// user decides for themselves.
pub fn install_private_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(|| "an unknown place".to_owned(), ToString::to_string);
        let message = info
            .payload()
            .downcast_ref::<&'static str>()
            .copied()
            .unwrap_or("(message withheld: it may quote request content)");
        let thread = std::thread::current();
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => String::new(),
        };
        log::error!(
            "panic in thread {} at {location}: {message}{backtrace}",
            thread.name().unwrap_or("unnamed")
        );
    }));
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
