//! Shared state: compiled rubrics, the inline-rubric cache, API keys and metrics.

use super::config::Limits;
use super::metrics::Metrics;
use crate::assess::{Problem, RubricProvider, TranscriptLimits};
use crate::engine::{CompileLimits, Rubric, RubricError, RubricErrorKind};
use crate::rubrics::Registry;
use arc_swap::ArcSwap;
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;

pub struct AppState {
    /// The rubrics served now; a reload swaps in a new set while requests in
    /// flight finish with the one they took.
    registry: ArcSwap<Registry>,
    /// What a reload starts from (the embedded rubrics), and the directory it reads.
    embedded: Registry,
    rubrics_dir: Option<PathBuf>,
    pub limits: Limits,
    pub metrics: Metrics,
    /// See [`super::ServeConfig::test_panic_route`].
    pub test_panic_route: bool,
    /// Base IRI of xAPI ids, and the home page of learner accounts.
    pub xapi_base: String,
    pub xapi_account_home: String,
    inline_rubrics: Mutex<lru::LruCache<[u8; 32], Arc<Rubric>>>,
    /// sha256 of each key: comparing digests takes the same time whatever the key's length.
    api_key_digests: Vec<[u8; 32]>,
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl AppState {
    /// State whose rubrics can be reloaded from `rubrics_dir` on top of `embedded`.
    pub fn new(
        registry: Registry,
        embedded: Registry,
        rubrics_dir: Option<PathBuf>,
        limits: Limits,
        api_keys: &[String],
    ) -> AppState {
        let capacity =
            NonZeroUsize::new(limits.inline_rubric_cache.max(1)).unwrap_or(NonZeroUsize::MIN);
        AppState {
            registry: ArcSwap::from_pointee(registry),
            embedded,
            rubrics_dir,
            limits,
            metrics: Metrics::default(),
            test_panic_route: false,
            xapi_base: crate::report::DEFAULT_XAPI_BASE.to_owned(),
            xapi_account_home: crate::report::DEFAULT_XAPI_BASE.to_owned(),
            inline_rubrics: Mutex::new(lru::LruCache::new(capacity)),
            api_key_digests: api_keys
                .iter()
                .map(|k| digest(k.trim().as_bytes()))
                .collect(),
        }
    }

    pub fn auth_required(&self) -> bool {
        !self.api_key_digests.is_empty()
    }

    /// Checks a bearer token against every key in constant time per key.
    pub fn key_is_valid(&self, token: &str) -> bool {
        let presented = digest(token.as_bytes());
        self.api_key_digests.iter().fold(false, |found, key| {
            found | bool::from(key.ct_eq(&presented))
        })
    }

    /// The rubrics served now.
    pub fn registry(&self) -> Arc<Registry> {
        self.registry.load_full()
    }

    /// `ID` (the latest version) or `ID@VERSION`.
    pub fn rubric(&self, name: &str) -> Result<Arc<Rubric>, Problem> {
        let registry = self.registry.load();
        registry
            .get(name)
            .cloned()
            .ok_or_else(|| unknown_rubric(&registry, name))
    }

    /// Reads the rubric directory again and serves what it holds now. A file that
    /// fails to compile, or whose examples fail, keeps what it gave before and is
    /// returned as an error; so is a directory that cannot be read, and then
    /// nothing changes.
    pub fn reload(&self) -> Result<Vec<RubricError>, RubricError> {
        let Some(dir) = &self.rubrics_dir else {
            return Ok(Vec::new());
        };
        let serving = self.registry();
        let mut next = self.embedded.clone();
        let failures = next.reload_dir(dir, &serving)?;
        self.registry.store(Arc::new(next));
        // Inline rubrics may extend a served one that has just changed.
        self.cache().clear();
        Ok(failures)
    }

    pub fn rubrics_dir(&self) -> Option<&PathBuf> {
        self.rubrics_dir.as_ref()
    }

    /// Compiles an inline rubric under the service's limits, or takes it from the
    /// cache when the same source was compiled before.
    pub fn inline_rubric(&self, source: &str) -> Result<Arc<Rubric>, Problem> {
        if source.len() > self.limits.max_rubric_bytes {
            return Err(Problem::limit_exceeded(
                "max_rubric_bytes",
                self.limits.max_rubric_bytes as u64,
                format!(
                    "the inline rubric is {} bytes, over the limit of {} bytes",
                    source.len(),
                    self.limits.max_rubric_bytes
                ),
            ));
        }
        let key = digest(source.as_bytes());
        if let Some(rubric) = self.cache().get(&key) {
            return Ok(rubric.clone());
        }
        let limits = CompileLimits {
            max_phrases: self.limits.max_rubric_phrases,
            max_source_bytes: self.limits.max_rubric_bytes,
        };
        let rubric = Arc::new(self.registry.load().compile(source, limits).map_err(|e| {
            let too_many_phrases = e.kind() == RubricErrorKind::TooManyPhrases;
            let mut problem = Problem::from(e);
            if too_many_phrases {
                problem.limit = Some("max_rubric_phrases".into());
                problem.limit_value = Some(self.limits.max_rubric_phrases as u64);
            }
            problem
        })?);
        self.cache().put(key, rubric.clone());
        Ok(rubric)
    }

    /// How large a transcript the service scores.
    pub fn transcript_limits(&self) -> TranscriptLimits {
        TranscriptLimits {
            max_turns: self.limits.max_turns,
            max_turn_chars: self.limits.max_turn_chars,
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, lru::LruCache<[u8; 32], Arc<Rubric>>> {
        // A panic while holding the lock cannot leave the cache inconsistent.
        self.inline_rubrics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl RubricProvider for AppState {
    fn named(&self, id: &str) -> Result<Arc<Rubric>, Problem> {
        if cfg!(feature = "test-panic-route") && self.test_panic_route && id == TEST_PANIC_RUBRIC {
            panic!("test panic while choosing rubric {id}");
        }
        self.rubric(id)
    }

    fn inline(&self, source: &str) -> Result<Arc<Rubric>, Problem> {
        self.inline_rubric(source)
    }

    fn ids(&self) -> Vec<String> {
        self.registry()
            .ids()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

/// No rubric `name`; when a file of the rubric directory that declares it
/// failed to load, the problem says so, since that is what the operator must fix.
fn unknown_rubric(registry: &Registry, name: &str) -> Problem {
    let mut problem = Problem::unknown_rubric(name, &registry.ids());
    if let Some(failed) = registry.failing_files().find(|f| f.is_for(name)) {
        let file = failed
            .path()
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        problem.detail = format!(
            "{} (the rubric file `{file}` fails to load: see `GET /v1/rubrics`)",
            problem.detail
        );
    }
    problem
}

/// Test-only (see [`super::ServeConfig::test_panic_route`]): a request naming
/// this rubric panics while it is scored.
pub const TEST_PANIC_RUBRIC: &str = "__panic";
