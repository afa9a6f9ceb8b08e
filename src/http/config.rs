//! Service configuration: where to listen, which rubrics, keys and limits.

use std::path::PathBuf;

/// Limits that keep one request from starving the others. Each is configurable and
/// each, when exceeded, gives a 413 or 422 problem that names it and its value.
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
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port.
    pub bind: String,
    /// Extra rubrics on disk, added to (or replacing) the embedded ones.
    pub rubrics_dir: Option<PathBuf>,
    /// When non-empty, every `/v1` call needs one of these as a bearer token.
    pub api_keys: Vec<String>,
    pub limits: Limits,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            bind: "127.0.0.1:8080".into(),
            rubrics_dir: None,
            api_keys: Vec::new(),
            limits: Limits::default(),
            workers: 0,
        }
    }
}
