//! The REST service, over real HTTP on loopback: one test binary, one module per
//! area. Every test starts its own server (see `helpers::spawn_app`); the process
//! tests start the real `rolemark serve` binary.

mod auth;
mod batch;
mod concurrency;
mod docs;
mod errors;
mod formats;
mod helpers;
mod inline_rubrics;
mod limits;
mod operations;
mod panics;
mod privacy;
mod process;
mod reload;
mod reload_failures;
mod reload_versions;
mod reports;
mod request_ids;
mod rubrics;
mod score;
mod summary;
#[path = "../support/xapi.rs"]
mod xapi_rules;
