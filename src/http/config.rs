//! Service configuration: where to listen, which rubrics, keys and limits.

use std::path::PathBuf;

/// Limits that keep one request from starving the others. Each is configurable and
/// each, when exceeded, gives a 408, 413 or 422 problem that names it and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of a request body (`/v1/score`, rubric validation).
    pub max_body_bytes: usize,
    /// Bytes of one NDJSON line in a batch.
    pub max_batch_line_bytes: usize,
    /// Lines in one batch request.
    pub max_batch_lines: usize,
    /// Turns in one transcript.
    pub max_turns: usize,
    /// Characters in one turn.
    pub max_turn_chars: usize,
    /// Bytes of an inline rubric source.
    pub max_rubric_bytes: usize,
    /// Expanded phrase forms of an inline rubric.
    pub max_rubric_phrases: usize,
    /// Inline rubrics kept compiled, by sha256.
    pub inline_rubric_cache: usize,
    /// Seconds a client has to send a request: the head (else actix answers a bare
    /// 408 and closes the connection), then the whole body of `/v1/score` or
    /// `/v1/rubrics/validate`, then each line of a batch, counted from when the
    /// server starts waiting for it. Stalled uploads would otherwise hold a
    /// connection and its buffer for ever.
    pub request_timeout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 4 * 1024 * 1024,
            max_batch_line_bytes: 4 * 1024 * 1024,
            max_batch_lines: 100_000,
            max_turns: 20_000,
            max_turn_chars: 200_000,
            max_rubric_bytes: 512 * 1024,
            max_rubric_phrases: 50_000,
            inline_rubric_cache: 64,
            request_timeout_secs: 30,
        }
    }
}

/// actix-web's own default, kept: enough for any real load on one host, while
/// still a bound on file descriptors and memory.
pub const DEFAULT_MAX_CONNECTIONS: usize = 25_000;

/// How `rolemark serve` runs: where it listens, what it serves, its limits.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port.
    pub bind: String,
    /// Extra rubrics on disk, added to (or replacing) the embedded ones.
    pub rubrics_dir: Option<PathBuf>,
    /// When non-empty, every `/v1` call needs one of these as a bearer token.
    pub api_keys: Vec<String>,
    /// The request, transcript and rubric limits.
    pub limits: Limits,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Connections each worker serves at once, idle keep-alive ones included. When
    /// every worker is full the server stops accepting: new connections wait in
    /// the operating system's listen backlog until one closes.
    pub max_connections: usize,
    /// Seconds between looks at `rubrics_dir` for changed files (0: reload on
    /// SIGHUP only).
    pub rubrics_poll_secs: u64,
    /// Refuse to start when a file of `rubrics_dir` fails to load. Otherwise the
    /// file is logged and listed as failed, and the others are served. Reloads
    /// are never strict: a bad edit must not take a running service down.
    pub strict_rubrics: bool,
    /// Base IRI of xAPI activity and extension ids.
    pub xapi_base: String,
    /// Home page of the system that issues learner ids (the xAPI account);
    /// `xapi_base` when unset.
    pub xapi_account_home: Option<String>,
    /// Test-only: registers `POST /v1/__panic` and the batch rubric id `__panic`,
    /// which panic, so tests can check that a panic stays inside its request.
    /// `rolemark serve` sets it only from `ROLEMARK_TEST_PANIC_ROUTE=1`, and
    /// only builds with the `test-panic-route` feature (test builds) act on it.
    #[doc(hidden)]
    pub test_panic_route: bool,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            bind: "127.0.0.1:8080".into(),
            rubrics_dir: None,
            api_keys: Vec::new(),
            limits: Limits::default(),
            workers: 0,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            rubrics_poll_secs: 2,
            strict_rubrics: false,
            xapi_base: crate::report::DEFAULT_XAPI_BASE.to_owned(),
            xapi_account_home: None,
            test_panic_route: false,
        }
    }
}
