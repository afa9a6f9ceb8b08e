//! The rubrics a `rolemark score` run can use: `--rubric` (an id or a file),
//! and for batch lines that name another, every rubric the command line knows.

use super::{CliError, RubricSource};
use crate::assess::{ErrorCode, Problem, RubricProvider};
use crate::engine::Rubric;
use crate::rubrics::Registry;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// An embedded rubric, one from `--rubrics DIR`, or a rubric file's path.
pub(super) fn resolve_rubric(id: &str, source: &RubricSource) -> Result<Arc<Rubric>, CliError> {
    // Compiling one embedded rubric, not all, keeps a one-file score quick.
    if source.is_embedded_only() {
        if let Some(compiled) = Registry::embedded_one(id) {
            return compiled
                .map(Arc::new)
                .map_err(|e| CliError::internal(e.to_string()));
        }
    }
    let registry = source.registry_for(Some(id))?;
    if let Some(rubric) = registry.get(id) {
        return Ok(rubric.clone());
    }
    let path = Path::new(id);
    if path.exists() {
        return crate::rubrics::load_checked(path, &registry)
            .map(Arc::new)
            .map_err(|e| CliError::input(e.to_string()));
    }
    Err(CliError::input(format!(
        "unknown rubric `{id}`: use one of {} or the path of a rubric file",
        registry.ids().join(", ")
    )))
}

/// `--rubric` for requests that name none, and the registry, compiled when a
/// request first names another rubric.
pub(super) struct CliRubrics<'a> {
    default: Option<Arc<Rubric>>,
    source: &'a RubricSource,
    others: OnceLock<Result<Registry, String>>,
}

impl<'a> CliRubrics<'a> {
    pub(super) fn new(default: Option<Arc<Rubric>>, source: &'a RubricSource) -> Self {
        CliRubrics {
            default,
            source,
            others: OnceLock::new(),
        }
    }

    fn others(&self) -> Result<&Registry, Problem> {
        self.others
            .get_or_init(|| self.source.registry_for(None).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|why| Problem::new(ErrorCode::RubricsUnavailable, why.clone()))
    }
}

impl RubricProvider for CliRubrics<'_> {
    fn named(&self, id: &str) -> Result<Arc<Rubric>, Problem> {
        if let Some(rubric) = self.default.as_ref().filter(|r| r.id == id) {
            return Ok(rubric.clone());
        }
        let registry = self.others()?;
        if let Some(failed) = registry.failing_files().find(|f| f.is_for(id)) {
            return Err(Problem::new(
                ErrorCode::RubricsUnavailable,
                super::failed_file(id, failed),
            ));
        }
        registry
            .get(id)
            .cloned()
            .ok_or_else(|| Problem::unknown_rubric(id, &registry.ids()))
    }

    fn inline(&self, _source: &str) -> Result<Arc<Rubric>, Problem> {
        Err(Problem::new(
            ErrorCode::InlineRubric,
            "`rubric_source` is for the service; on the command line pass the rubric file with --rubric",
        ))
    }

    fn default_rubric(&self) -> Option<Arc<Rubric>> {
        self.default.clone()
    }

    fn ids(&self) -> Vec<String> {
        self.others()
            .map(|registry| registry.ids().into_iter().map(str::to_owned).collect())
            .unwrap_or_default()
    }
}
