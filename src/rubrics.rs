//! The rubric registry: the seed rubrics compiled into the binary, plus any rubric
//! directory or file given at run time, each compiled once and shared.

use crate::engine::extend::extends_of;
use crate::engine::{CompileLimits, Rubric, RubricError};
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
    /// Rubrics that extend another are compiled once the one they extend is in.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), RubricError> {
        let entries = std::fs::read_dir(dir).map_err(|e| file_error(dir, &e))?;
        let mut paths: Vec<_> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        let sources: Vec<(&std::path::PathBuf, String)> = paths
            .iter()
            .map(|path| Ok((path, read(path)?)))
            .collect::<Result<_, RubricError>>()?;
        let (mut waiting, plain): (Vec<_>, Vec<_>) = sources
            .into_iter()
            .partition(|(_, source)| extends_of(source).is_some());
        let compiled: Vec<Result<Rubric, RubricError>> = plain
            .par_iter()
            .map(|(path, source)| checked(path, self.compile(source, CompileLimits::default())))
            .collect();
        for rubric in compiled {
            self.insert(rubric?);
        }
        // Each pass compiles the extensions whose base is in; a chain of them
        // takes one pass a link.
        while !waiting.is_empty() {
            let before = waiting.len();
            let mut still = Vec::new();
            for (path, source) in waiting {
                let base = extends_of(&source).unwrap_or_default();
                if self.get(&base).is_some() {
                    self.insert(checked(
                        path,
                        self.compile(&source, CompileLimits::default()),
                    )?);
                } else {
                    still.push((path, source));
                }
            }
            if still.len() == before {
                let (path, source) = &still[0];
                let base = extends_of(source).unwrap_or_default();
                return Err(RubricError {
                    file: Some(path.display().to_string()),
                    line: 0,
                    column: 0,
                    message: format!(
                        "extends `{base}`, which is neither embedded nor in the directory: use one of {}",
                        self.ids().join(", ")
                    ),
                });
            }
            waiting = still;
        }
        Ok(())
    }

    /// Compiles a rubric source, on top of the rubric it extends when it extends
    /// one of this registry's.
    pub fn compile(&self, source: &str, limits: CompileLimits) -> Result<Rubric, RubricError> {
        match extends_of(source) {
            None => Rubric::compile_with(source, limits),
            Some(base) => match self.get(&base) {
                Some(base) => Rubric::compile_extension(source, base, limits),
                None => Err(RubricError {
                    file: None,
                    line: 0,
                    column: 0,
                    message: format!(
                        "extends `{base}`, which is not a rubric here: use one of {}",
                        self.ids().join(", ")
                    ),
                }),
            },
        }
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

fn read(path: &Path) -> Result<String, RubricError> {
    std::fs::read_to_string(path).map_err(|e| file_error(path, &e))
}

/// Reads and compiles one rubric file (on top of one of `bases` when it extends one).
pub fn load_file(path: &Path, bases: &Registry) -> Result<Rubric, RubricError> {
    bases
        .compile(&read(path)?, CompileLimits::default())
        .map_err(|e| e.in_file(path.display().to_string()))
}

/// Reads and compiles one rubric file and runs its examples: a rubric whose
/// examples fail is refused, naming the first failure.
pub fn load_checked(path: &Path, bases: &Registry) -> Result<Rubric, RubricError> {
    checked(path, load_file(path, bases))
}

fn checked(path: &Path, compiled: Result<Rubric, RubricError>) -> Result<Rubric, RubricError> {
    let rubric = compiled.map_err(|e| e.in_file(path.display().to_string()))?;
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
