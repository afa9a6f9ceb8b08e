//! The rubric registry: the seed rubrics compiled into the binary, plus any rubric
//! directory or file given at run time, each compiled once and shared.

use crate::engine::rubric::extends_of;
use crate::engine::{CompileLimits, ExampleReport, Rubric, RubricError, RubricErrorKind};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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

/// A version string ordered as people read it: numeric parts as numbers
/// ("1.10.0" after "1.9.2"), other parts as text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VersionKey(String);

impl Ord for VersionKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let parts = |v: &str| -> Vec<(u64, String)> {
            v.split(['.', '-', '+'])
                .map(|p| match p.parse::<u64>() {
                    Ok(n) => (n, String::new()),
                    Err(_) => (u64::MAX, p.to_owned()),
                })
                .collect()
        };
        parts(&self.0)
            .cmp(&parts(&other.0))
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for VersionKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Compiled rubrics by id and version. A name is `ID` (the latest version) or
/// `ID@VERSION` (that version).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rubrics: BTreeMap<String, BTreeMap<VersionKey, Arc<Rubric>>>,
    /// The file each rubric loaded from a directory came from, so that a reload
    /// can keep serving it when the file stops compiling.
    origins: BTreeMap<(String, String), PathBuf>,
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

    /// Adds every `*.toml` in `dir`; a rubric with the id and version of one
    /// already here replaces it. Rubrics that extend another are compiled once
    /// the one they extend is in. The first rubric that fails is the error.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), RubricError> {
        match self.load_dir_keeping(dir, None)?.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Like [`Registry::load_dir`], for a reload while `serving` is in use: a file
    /// that cannot be read or compiled, or whose examples fail, is reported and
    /// what it gave before stays. Errs only when the directory cannot be read.
    pub fn reload_dir(
        &mut self,
        dir: &Path,
        serving: &Registry,
    ) -> Result<Vec<RubricError>, RubricError> {
        self.load_dir_keeping(dir, Some(serving))
    }

    fn load_dir_keeping(
        &mut self,
        dir: &Path,
        serving: Option<&Registry>,
    ) -> Result<Vec<RubricError>, RubricError> {
        let entries = std::fs::read_dir(dir).map_err(|e| file_error(dir, &e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        let mut failures = Vec::new();
        let mut fail = |registry: &mut Registry, path: &Path, error: RubricError| {
            if let Some(serving) = serving {
                for ((id, version), origin) in &serving.origins {
                    if origin == path {
                        if let Some(rubric) = serving.get(&format!("{id}@{version}")) {
                            registry.insert_from(rubric.clone(), path);
                        }
                    }
                }
            }
            failures.push(error);
        };
        let mut sources = Vec::new();
        for path in &paths {
            match read(path) {
                Ok(source) => sources.push((path, source)),
                Err(error) => fail(self, path, error),
            }
        }
        // Each source's base, read once: (path, source, the rubric it extends).
        let (mut waiting, plain): (Vec<_>, Vec<_>) = sources
            .into_iter()
            .map(|(path, source)| {
                let base = extends_of(&source);
                (path, source, base)
            })
            .partition(|(_, _, base)| base.is_some());
        let compiled: Vec<Result<Rubric, RubricError>> = plain
            .par_iter()
            .map(|(path, source, _)| {
                checked(path, Rubric::compile_with(source, CompileLimits::default()))
            })
            .collect();
        for ((path, _, _), rubric) in plain.iter().zip(compiled) {
            match rubric {
                Ok(rubric) => self.insert_from(Arc::new(rubric), path),
                Err(error) => fail(self, path, error),
            }
        }
        // Each pass compiles the extensions whose base is in; a chain of them
        // takes one pass a link.
        while !waiting.is_empty() {
            let before = waiting.len();
            let mut still = Vec::new();
            for (path, source, base) in waiting {
                let found = base.as_deref().and_then(|b| self.get(b)).cloned();
                match found {
                    Some(base_rubric) => {
                        let compiled = Rubric::compile_extension(
                            &source,
                            &base_rubric,
                            CompileLimits::default(),
                        );
                        match checked(path, compiled) {
                            Ok(rubric) => self.insert_from(Arc::new(rubric), path),
                            Err(error) => fail(self, path, error),
                        }
                    }
                    None => still.push((path, source, base)),
                }
            }
            if still.len() == before {
                for (path, _, base) in still {
                    let base = base.unwrap_or_default();
                    let error = RubricError::new(
                        RubricErrorKind::MissingBase,
                        format!(
                            "extends `{base}`, which is neither embedded nor in the directory: use one of {}",
                            self.ids().join(", ")
                        ),
                    )
                    .in_file(path.display().to_string());
                    fail(self, path, error);
                }
                break;
            }
            waiting = still;
        }
        Ok(failures)
    }

    /// Compiles a rubric source, on top of the rubric it extends when it extends
    /// one of this registry's.
    pub fn compile(&self, source: &str, limits: CompileLimits) -> Result<Rubric, RubricError> {
        match extends_of(source) {
            None => Rubric::compile_with(source, limits),
            Some(base) => match self.get(&base) {
                Some(base) => Rubric::compile_extension(source, base, limits),
                None => Err(RubricError::new(
                    RubricErrorKind::MissingBase,
                    format!(
                        "extends `{base}`, which is not a rubric here: use one of {}",
                        self.ids().join(", ")
                    ),
                )),
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

    /// Adds a compiled rubric, replacing one with the same id and version.
    pub fn insert(&mut self, rubric: Rubric) {
        self.insert_shared(Arc::new(rubric));
    }

    fn insert_shared(&mut self, rubric: Arc<Rubric>) {
        self.origins
            .remove(&(rubric.id.clone(), rubric.version.clone()));
        self.rubrics
            .entry(rubric.id.clone())
            .or_default()
            .insert(VersionKey(rubric.version.clone()), rubric);
    }

    fn insert_from(&mut self, rubric: Arc<Rubric>, path: &Path) {
        let key = (rubric.id.clone(), rubric.version.clone());
        self.insert_shared(rubric);
        self.origins.insert(key, path.to_owned());
    }

    /// `ID` (its latest version) or `ID@VERSION`.
    pub fn get(&self, name: &str) -> Option<&Arc<Rubric>> {
        match name.split_once('@') {
            Some((id, version)) => self.rubrics.get(id)?.get(&VersionKey(version.to_owned())),
            None => self.rubrics.get(name)?.values().next_back(),
        }
    }

    /// Every version of every rubric, by id, then version, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Rubric>> {
        self.rubrics.values().flat_map(BTreeMap::values)
    }

    /// The latest version of each rubric, by id.
    pub fn latest(&self) -> impl Iterator<Item = &Arc<Rubric>> {
        self.rubrics.values().filter_map(|v| v.values().next_back())
    }

    /// Whether `rubric` is the latest version of its id here.
    pub fn is_latest(&self, rubric: &Rubric) -> bool {
        self.get(&rubric.id)
            .is_some_and(|latest| latest.version == rubric.version)
    }

    /// The ids served, in order.
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

/// Runs a rubric's examples, reading each criterion example as a transcript in
/// any format (its layout detected, roles from its labels).
pub fn check_examples(rubric: &Rubric) -> ExampleReport {
    rubric.check_examples_with(&|exchange| {
        crate::transcript::parse(exchange, None, &Default::default())
    })
}

/// Reads and compiles one rubric file and runs its examples: a rubric whose
/// examples fail is refused, naming the first failure.
pub fn load_checked(path: &Path, bases: &Registry) -> Result<Rubric, RubricError> {
    checked(path, load_file(path, bases))
}

fn checked(path: &Path, compiled: Result<Rubric, RubricError>) -> Result<Rubric, RubricError> {
    let rubric = compiled.map_err(|e| e.in_file(path.display().to_string()))?;
    let report = check_examples(&rubric);
    match report.failures.first() {
        None => Ok(rubric),
        Some(first) => Err(RubricError::new(
            RubricErrorKind::ExamplesFailed,
            format!(
                "{} of its {} examples fail (run `rolemark rubrics check {}`), the first: {first}",
                report.failures.len(),
                report.checked,
                path.display()
            ),
        )
        .in_file(path.display().to_string())),
    }
}

fn file_error(path: &Path, error: &std::io::Error) -> RubricError {
    RubricError::new(RubricErrorKind::Unreadable, format!("cannot read: {error}"))
        .in_file(path.display().to_string())
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
