//! The rubric registry: the seed rubrics compiled into the binary, plus any rubric
//! directory or file given at run time, each compiled once and shared.

use crate::engine::{Rubric, RubricError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The seed rubrics, embedded so the binary works from any directory.
pub const EMBEDDED: [(&str, &str); 3] = [
    (
        "challenging-customers.toml",
        include_str!("../rubrics/challenging-customers.toml"),
    ),
    (
        "complaint-handling.toml",
        include_str!("../rubrics/complaint-handling.toml"),
    ),
    ("heat.toml", include_str!("../rubrics/heat.toml")),
];

/// Compiled rubrics by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rubrics: BTreeMap<String, Arc<Rubric>>,
}

impl Registry {
    /// The embedded seed rubrics.
    pub fn embedded() -> Result<Registry, RubricError> {
        // Compiling is most of start-up (tens of milliseconds a rubric), and the
        // rubrics are independent, so they compile on every core; the first error in
        // file order is the one reported, as it would be one at a time.
        let compiled: Vec<Result<Rubric, RubricError>> = EMBEDDED
            .par_iter()
            .map(|(file, source)| Rubric::compile(source).map_err(|e| e.in_file(*file)))
            .collect();
        let mut registry = Registry::default();
        for rubric in compiled {
            registry.insert(rubric?);
        }
        Ok(registry)
    }

    /// Adds every `*.toml` in `dir`, replacing embedded rubrics with the same id.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), RubricError> {
        let entries = std::fs::read_dir(dir).map_err(|e| file_error(dir, &e))?;
        let mut paths: Vec<_> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        let compiled: Vec<Result<Rubric, RubricError>> =
            paths.par_iter().map(|path| load_checked(path)).collect();
        for rubric in compiled {
            self.insert(rubric?);
        }
        Ok(())
    }

    /// Compiles only the embedded rubric `id`, for one-off commands that need one.
    /// Embedded files are named after their rubric's id.
    pub fn embedded_one(id: &str) -> Option<Result<Rubric, RubricError>> {
        EMBEDDED
            .iter()
            .find(|(file, _)| file.strip_suffix(".toml") == Some(id))
            .map(|(file, source)| Rubric::compile(source).map_err(|e| e.in_file(*file)))
    }

    pub fn insert(&mut self, rubric: Rubric) {
        self.rubrics.insert(rubric.id.clone(), Arc::new(rubric));
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Rubric>> {
        self.rubrics.get(id)
    }

    /// Rubrics in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Rubric>> {
        self.rubrics.values()
    }

    pub fn ids(&self) -> Vec<&str> {
        self.rubrics.keys().map(String::as_str).collect()
    }
}

/// Reads and compiles one rubric file.
pub fn load_file(path: &Path) -> Result<Rubric, RubricError> {
    let source = std::fs::read_to_string(path).map_err(|e| file_error(path, &e))?;
    Rubric::compile(&source).map_err(|e| e.in_file(path.display().to_string()))
}

/// Reads and compiles one rubric file and runs its examples: a rubric whose
/// examples fail is refused, naming the first failure.
pub fn load_checked(path: &Path) -> Result<Rubric, RubricError> {
    let rubric = load_file(path)?;
    let report = rubric.check_examples();
    match report.failures.first() {
        None => Ok(rubric),
        Some(first) => Err(RubricError {
            file: Some(path.display().to_string()),
            line: 0,
            column: 0,
            message: format!(
                "{} of its {} examples fail (run `rolemark rubrics check {}`), the first: {first}",
                report.failures.len(),
                report.checked,
                path.display()
            ),
        }),
    }
}

fn file_error(path: &Path, error: &std::io::Error) -> RubricError {
    RubricError {
        file: Some(path.display().to_string()),
        line: 0,
        column: 0,
        message: format!("cannot read: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rubrics_are_named_after_their_ids() {
        let registry = Registry::embedded().unwrap();
        for (file, _) in EMBEDDED {
            let id = file.strip_suffix(".toml").unwrap();
            assert!(registry.get(id).is_some(), "{file}");
            assert_eq!(Registry::embedded_one(id).unwrap().unwrap().id, id);
        }
        assert!(Registry::embedded_one("nope").is_none());
    }
}
