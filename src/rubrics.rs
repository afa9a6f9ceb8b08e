//! The rubric registry: the seed rubrics compiled into the binary, plus any rubric
//! directory or file given at run time, each compiled once and shared.

mod dir;

pub use dir::{FileState, FileStatus};

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

/// Where a served rubric came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Compiled into the binary, or added by the program with [`Registry::insert`].
    Embedded,
    /// A file of the rubric directory.
    File(PathBuf),
}

/// One version of a rubric as it is served, with where it came from.
#[derive(Debug, Clone)]
pub struct Served {
    rubric: Arc<Rubric>,
    source: Source,
    removed: bool,
    replaced_sha256: Option<String>,
}

impl Served {
    /// The compiled rubric.
    pub fn rubric(&self) -> &Arc<Rubric> {
        &self.rubric
    }

    /// Where it came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Its file no longer holds it (the file was deleted, or now holds another
    /// version): it is served only to requests that pin `ID@VERSION`, until the
    /// process restarts, so work pinned to it can finish.
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// The sha256 of the other content this id and version had before its file
    /// replaced it without a new version (or replaced the embedded rubric of the
    /// same version): requests pinned to it now get this content.
    pub fn replaced_sha256(&self) -> Option<&str> {
        self.replaced_sha256.as_deref()
    }

    fn key(&self) -> (String, String) {
        (self.rubric.id.clone(), self.rubric.version.clone())
    }
}

/// Compiled rubrics by id and version. A name is `ID` (the latest version that
/// the binary or a file holds now) or `ID@VERSION` (that version, even one whose
/// file has since changed: see [`Served::is_removed`]).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rubrics: BTreeMap<String, BTreeMap<VersionKey, Served>>,
    /// The files of the rubric directory as last read, by path.
    files: BTreeMap<PathBuf, FileStatus>,
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
        self.put(Served {
            rubric: Arc::new(rubric),
            source: Source::Embedded,
            removed: false,
            replaced_sha256: None,
        });
    }

    fn put(&mut self, served: Served) {
        self.rubrics
            .entry(served.rubric.id.clone())
            .or_default()
            .insert(VersionKey(served.rubric.version.clone()), served);
    }

    /// The version `version` of `id`, with where it came from.
    pub fn served(&self, id: &str, version: &str) -> Option<&Served> {
        self.rubrics.get(id)?.get(&VersionKey(version.to_owned()))
    }

    /// `ID` (its latest version held now) or `ID@VERSION` (any version served).
    pub fn get(&self, name: &str) -> Option<&Arc<Rubric>> {
        match name.split_once('@') {
            Some((id, version)) => self.served(id, version).map(Served::rubric),
            None => self
                .rubrics
                .get(name)?
                .values()
                .rev()
                .find(|served| !served.removed)
                .map(Served::rubric),
        }
    }

    /// Every version of every rubric, by id, then version, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Rubric>> {
        self.versions().map(Served::rubric)
    }

    /// Every version served, with where it came from, in the order of [`Registry::iter`].
    pub fn versions(&self) -> impl Iterator<Item = &Served> {
        self.rubrics.values().flat_map(BTreeMap::values)
    }

    /// The latest version of each rubric that a request naming only its id gets.
    pub fn latest(&self) -> impl Iterator<Item = &Arc<Rubric>> {
        self.rubrics.keys().filter_map(|id| self.get(id))
    }

    /// Whether `rubric` is the version a request naming only its id gets.
    pub fn is_latest(&self, rubric: &Rubric) -> bool {
        self.get(&rubric.id)
            .is_some_and(|latest| latest.version == rubric.version)
    }

    /// The ids a request may name without a version, in order.
    pub fn ids(&self) -> Vec<&str> {
        self.rubrics
            .keys()
            .filter(|id| self.get(id).is_some())
            .map(String::as_str)
            .collect()
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
