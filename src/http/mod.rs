//! The REST service: an actix-web application over the score use-case.
//!
//! Handlers take a request apart, call [`crate::assess`] and shape the reply;
//! everything else (rubrics, limits, keys, metrics) lives in [`state::AppState`],
//! built once. Logs carry request ids, routes, rubric ids, statuses, sizes and
//! timings, never transcript text or quotes: transcripts are personal data.

// `Problem` is the error of every handler and is built at most once per request;
// boxing it would buy nothing measurable.
#![allow(clippy::result_large_err)]

mod app;
mod auth;
mod body;
pub mod config;
mod metrics;
mod ndjson;
mod observe;
pub mod openapi;
mod panic;
pub mod problem;
mod reload;
mod responses;
mod routes;
mod startup;
mod state;
#[cfg(feature = "test-panic-route")]
mod test_panic;

pub use config::{Limits, ServeConfig};
pub use panic::install_private_panic_hook;
pub use startup::{Application, StartError};

/// The rubric a request used, put in the request's extensions by handlers so the
/// access log can name it.
#[derive(Debug, Clone)]
pub struct RubricUsed(pub String);
