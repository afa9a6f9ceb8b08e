//! `rolemark serve` and `rolemark openapi`.

use super::CliError;
use crate::http::config::DEFAULT_MAX_CONNECTIONS;
use crate::http::{Application, Limits, ServeConfig};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: String,
    /// Also serve every *.toml rubric in this directory.
    #[arg(long, value_name = "DIR")]
    rubrics: Option<PathBuf>,
    /// File of API keys, one per line; when given, /v1 calls need `Authorization: Bearer KEY`.
    /// Keys can also come from ROLEMARK_API_KEYS (comma- or newline-separated).
    #[arg(long, value_name = "FILE")]
    api_keys_file: Option<PathBuf>,
    /// Largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Most turns in one transcript.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_turns)]
    max_turns: usize,
    /// Most characters in one turn.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_turn_chars)]
    max_turn_chars: usize,
    /// Most lines in one batch request.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_batch_lines)]
    max_batch_lines: usize,
    /// Largest inline rubric source, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_rubric_bytes)]
    max_rubric_bytes: usize,
    /// Most expanded phrases in an inline rubric.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_rubric_phrases)]
    max_rubric_phrases: usize,
    /// Seconds a client has to send a request's head, then its body (each line, for
    /// a batch); a request that stalls gets a 408.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = Limits::default().request_timeout_secs,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    request_timeout_secs: u64,
    /// Connections each worker thread serves at once, idle keep-alive ones included;
    /// beyond that, new connections wait in the listen backlog until one closes.
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_MAX_CONNECTIONS,
        value_parser = at_least_one
    )]
    max_connections: usize,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    workers: usize,
    /// Seconds between looks at --rubrics DIR for changed files, which are then
    /// reloaded (0: only on SIGHUP). A rubric that fails to compile, or whose
    /// examples fail, is logged and the one served before stays; versions a file
    /// no longer holds stay served to requests that pin `ID@VERSION`.
    #[arg(long, value_name = "SECONDS", default_value_t = 2)]
    rubrics_poll_secs: u64,
    /// Refuse to start when a file in --rubrics DIR fails to load (exit 2, naming
    /// the file). Without it, the file is logged and listed as failed in
    /// `GET /v1/rubrics` and `/readyz`, and the other rubrics are served.
    #[arg(long)]
    strict: bool,
    /// Base IRI of the activity and extension ids in xAPI statements.
    #[arg(long, value_name = "IRI", default_value = crate::report::DEFAULT_XAPI_BASE, value_parser = super::iri)]
    xapi_base: String,
    /// Home page of the system that issues learner ids (default: --xapi-base).
    #[arg(long, value_name = "URL", value_parser = super::iri)]
    xapi_account_home: Option<String>,
}

fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("`{value}` is not a whole number of at least 1")),
    }
}

/// Test-only switch for [`ServeConfig::test_panic_route`]; an environment variable
/// rather than a flag so that it appears in no help text.
const TEST_PANIC_ROUTE_VAR: &str = "ROLEMARK_TEST_PANIC_ROUTE";

fn api_keys(args: &ServeArgs) -> Result<Vec<String>, CliError> {
    let mut keys = Vec::new();
    if let Some(path) = &args.api_keys_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::input(format!("{}: cannot read API keys: {e}", path.display()))
        })?;
        keys.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned),
        );
        if keys.is_empty() {
            return Err(CliError::input(format!(
                "{}: holds no API keys (one key a line)",
                path.display()
            )));
        }
    }
    if let Ok(value) = std::env::var("ROLEMARK_API_KEYS") {
        keys.extend(
            value
                .split([',', '\n'])
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned),
        );
    }
    Ok(keys)
}

pub fn run(args: ServeArgs) -> Result<(), CliError> {
    let limits = Limits {
        max_body_bytes: args.max_body_bytes,
        max_batch_line_bytes: args.max_body_bytes,
        max_turns: args.max_turns,
        max_turn_chars: args.max_turn_chars,
        max_batch_lines: args.max_batch_lines,
        max_rubric_bytes: args.max_rubric_bytes,
        max_rubric_phrases: args.max_rubric_phrases,
        request_timeout_secs: args.request_timeout_secs,
        ..Limits::default()
    };
    let test_panic_route = cfg!(feature = "test-panic-route")
        && std::env::var(TEST_PANIC_ROUTE_VAR).is_ok_and(|v| v == "1");
    if test_panic_route {
        log::warn!("{TEST_PANIC_ROUTE_VAR}=1: POST /v1/__panic panics on purpose; for tests only");
    }
    let config = ServeConfig {
        bind: args.bind.clone(),
        rubrics_dir: args.rubrics.clone(),
        api_keys: api_keys(&args)?,
        limits,
        workers: args.workers,
        max_connections: args.max_connections,
        rubrics_poll_secs: args.rubrics_poll_secs,
        strict_rubrics: args.strict,
        xapi_base: args.xapi_base.clone(),
        xapi_account_home: args.xapi_account_home.clone(),
        test_panic_route,
    };
    let auth = !config.api_keys.is_empty();
    crate::http::install_private_panic_hook();
    let application = Application::build(config).map_err(|e| CliError::input(e.to_string()))?;
    let host = args
        .bind
        .rsplit_once(':')
        .map_or(args.bind.as_str(), |(h, _)| h);
    log::info!(
        "serving on http://{host}:{} (the assessor's page at /, API docs at /docs, API keys {})",
        application.port(),
        if auth { "required" } else { "off" }
    );
    actix_web::rt::System::new()
        .block_on(application.run_until_signalled())
        .map_err(|e| CliError::internal(format!("server failed: {e}")))
}

pub fn openapi() -> Result<(), CliError> {
    super::write_out(&crate::http::openapi::document())
}
