//! Loading the rubric directory into a [`Registry`], at start and on each reload:
//! what each file gives or why it fails, which versions stay for pinned
//! requests, and which files may not give the same version.

use super::{checked, file_error, read, Registry, Served, Source};
use crate::engine::rubric::{extends_of, id_of as declared_id};
use crate::engine::{CompileLimits, Rubric, RubricError, RubricErrorKind};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether a file of the rubric directory loaded when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// It compiled and its examples pass: what it holds is served.
    Loaded,
    /// It could not be read or compiled, its examples fail, or it clashes with
    /// another file: what it gave before (if anything) stays served.
    Failed,
}

/// One file of the rubric directory as last read.
#[derive(Debug, Clone)]
pub struct FileStatus {
    path: PathBuf,
    error: Option<RubricError>,
    declared_id: Option<String>,
    gives: Vec<(String, String)>,
}

impl FileStatus {
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loaded, or failed.
    pub fn state(&self) -> FileState {
        match self.error {
            None => FileState::Loaded,
            Some(_) => FileState::Failed,
        }
    }

    /// Why it failed, when it did.
    pub fn error(&self) -> Option<&RubricError> {
        self.error.as_ref()
    }

    /// The rubric id the file declares, when it is TOML with a string `id`
    /// (a failing file's too, so a command asked for that id can say why it fails).
    pub fn declared_id(&self) -> Option<&str> {
        self.declared_id.as_deref()
    }

    /// The ids and versions served from this file: what it holds when loaded,
    /// what it held before when it fails now.
    pub fn gives(&self) -> &[(String, String)] {
        &self.gives
    }

    /// Whether a request for `name` (`ID` or `ID@VERSION`) is one for this
    /// file's rubric: its declared id, or its file name when it declares none
    /// that can be read.
    pub fn is_for(&self, name: &str) -> bool {
        let id = name.split_once('@').map_or(name, |(id, _)| id);
        match &self.declared_id {
            Some(declared) => declared == id,
            None => self.path.file_stem().is_some_and(|stem| stem == id),
        }
    }
}

impl Registry {
    /// Adds every `*.toml` in `dir`; a rubric with the id and version of an
    /// embedded one replaces it. Rubrics that extend another are compiled once
    /// the one they extend is in. The first file that fails is the error.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), RubricError> {
        match self.load_dir_keeping(dir, None)?.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Like [`Registry::load_dir`], but a file that fails is reported (here and
    /// in [`Registry::files`]) and the others are added. Errs only when the
    /// directory cannot be read.
    pub fn load_dir_reporting(&mut self, dir: &Path) -> Result<Vec<RubricError>, RubricError> {
        self.load_dir_keeping(dir, None)
    }

    /// Like [`Registry::load_dir_reporting`], for a reload while `serving` is in
    /// use: a file that fails keeps what it gave before, and every version a
    /// file gave stays served to pinned requests after its file changes or goes
    /// (see [`Served::is_removed`]).
    pub fn reload_dir(
        &mut self,
        dir: &Path,
        serving: &Registry,
    ) -> Result<Vec<RubricError>, RubricError> {
        self.load_dir_keeping(dir, Some(serving))
    }

    /// The files of the rubric directory as last read, by path.
    pub fn files(&self) -> impl Iterator<Item = &FileStatus> {
        self.files.values()
    }

    /// The files that failed when the directory was last read.
    pub fn failing_files(&self) -> impl Iterator<Item = &FileStatus> {
        self.files().filter(|f| f.state() == FileState::Failed)
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
        // Every version a file gave stays, for requests pinned to it; the files
        // that still hold it take it back below. Before they do, it occupies its
        // id and version, so that no other file can give them other content.
        for served in serving.into_iter().flat_map(Registry::versions) {
            let (id, version) = served.key();
            if matches!(served.source, Source::File(_)) && self.served(&id, &version).is_none() {
                self.put(Served {
                    removed: true,
                    ..served.clone()
                });
            }
        }
        self.files.clear();
        let mut failures = Vec::new();
        let mut sources = Vec::new();
        for path in &paths {
            match read(path) {
                Ok(source) => sources.push((path, source)),
                Err(error) => failures.push(self.fail(path, None, error, serving)),
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
        for ((path, source, _), rubric) in plain.iter().zip(compiled) {
            if let Err(error) = rubric.and_then(|rubric| self.add(path, rubric)) {
                failures.push(self.fail(path, declared_id(source), error, serving));
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
                        if let Err(error) =
                            checked(path, compiled).and_then(|rubric| self.add(path, rubric))
                        {
                            failures.push(self.fail(path, declared_id(&source), error, serving));
                        }
                    }
                    None => still.push((path, source, base)),
                }
            }
            if still.len() == before {
                for (path, source, base) in still {
                    let base = base.unwrap_or_default();
                    let error = RubricError::new(
                        RubricErrorKind::MissingBase,
                        format!(
                            "extends `{base}`, which is neither embedded nor in the directory: use one of {}",
                            self.ids().join(", ")
                        ),
                    )
                    .in_file(path.display().to_string());
                    failures.push(self.fail(path, declared_id(&source), error, serving));
                }
                break;
            }
            waiting = still;
        }
        Ok(failures)
    }

    /// Serves `rubric` from the file at `path`, unless another file gives its id
    /// and version with other content: that is the error, naming both files.
    fn add(&mut self, path: &Path, rubric: Rubric) -> Result<(), RubricError> {
        let sha256 = rubric.sha256.clone();
        let replaced_sha256 = match self.served(&rubric.id, &rubric.version) {
            None => None,
            // A file may replace an embedded rubric, as it always could.
            Some(before) if before.source == Source::Embedded => {
                (before.rubric.sha256 != sha256).then(|| before.rubric.sha256.clone())
            }
            // The same file, edited: its new content is served, and the listing
            // says the version was not bumped for as long as this content stays.
            Some(before) if before.source == Source::File(path.to_owned()) => {
                if before.rubric.sha256 == sha256 {
                    before.replaced_sha256.clone()
                } else {
                    Some(before.rubric.sha256.clone())
                }
            }
            // Identical content that its old file no longer holds: moved or renamed.
            Some(before) if before.rubric.sha256 == sha256 && before.removed => None,
            // Identical content in two files: harmless, the first keeps it.
            Some(before) if before.rubric.sha256 == sha256 => {
                self.loaded(path, &rubric);
                return Ok(());
            }
            Some(before) => return Err(duplicate(path, &rubric, before)),
        };
        self.loaded(path, &rubric);
        self.put(Served {
            rubric: Arc::new(rubric),
            source: Source::File(path.to_owned()),
            removed: false,
            replaced_sha256,
        });
        Ok(())
    }

    fn loaded(&mut self, path: &Path, rubric: &Rubric) {
        self.files.insert(
            path.to_owned(),
            FileStatus {
                path: path.to_owned(),
                error: None,
                declared_id: Some(rubric.id.clone()),
                gives: vec![(rubric.id.clone(), rubric.version.clone())],
            },
        );
    }

    /// Records that the file at `path` failed; what it gave before stays served
    /// as `serving` served it. Returns the error.
    fn fail(
        &mut self,
        path: &Path,
        declared_id: Option<String>,
        error: RubricError,
        serving: Option<&Registry>,
    ) -> RubricError {
        let source = Source::File(path.to_owned());
        let mut gives = Vec::new();
        for served in self.rubrics.values_mut().flat_map(|v| v.values_mut()) {
            if served.source == source {
                let (id, version) = served.key();
                served.removed = serving
                    .and_then(|s| s.served(&id, &version))
                    .is_none_or(|before| before.removed);
                if !served.removed {
                    gives.push((id, version));
                }
            }
        }
        self.files.insert(
            path.to_owned(),
            FileStatus {
                path: path.to_owned(),
                error: Some(error.clone()),
                declared_id,
                gives,
            },
        );
        error
    }
}

fn duplicate(path: &Path, rubric: &Rubric, before: &Served) -> RubricError {
    let other = match &before.source {
        Source::File(other) => other.display().to_string(),
        Source::Embedded => "the binary".to_owned(),
    };
    let still = if before.removed {
        ", which no longer holds it but whose content stays served to requests pinned to it until restart"
    } else {
        ""
    };
    RubricError::new(
        RubricErrorKind::DuplicateVersion,
        format!(
            "`{}@{}` is already served from {other}{still}, with other content (sha256 {} here, {} there): give one of them another version",
            rubric.id,
            rubric.version,
            short(&rubric.sha256),
            short(&before.rubric.sha256),
        ),
    )
    .in_file(path.display().to_string())
}

/// The first 12 hex digits of a sha256, enough to tell two contents apart.
fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric(version: &str) -> String {
        format!(
            "id = \"mine\"\ntitle = \"Mine\"\nversion = \"{version}\"\n\
             [lexicons.thanks]\nphrases = [\"thank you\"]\nmust_match = [\"thank you.\"]\n\
             [[criteria]]\nid = \"thanks\"\ntitle = \"Thanks\"\nrule = {{ says = [\"thanks\"] }}\n"
        )
    }

    /// Writes `text` to `mine.toml` and reloads on top of `serving`.
    fn reload(dir: &Path, text: &str, serving: &Registry) -> Registry {
        std::fs::write(dir.join("mine.toml"), text).unwrap();
        let mut next = Registry::default();
        next.reload_dir(dir, serving).unwrap();
        next
    }

    fn removed(registry: &Registry, version: &str) -> bool {
        registry.served("mine", version).unwrap().is_removed()
    }

    #[test]
    fn a_file_that_breaks_keeps_its_versions_as_they_were_served() {
        let dir = std::env::temp_dir().join(format!("rolemark-dir-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = reload(&dir, &rubric("1.0.0"), &Registry::default());
        let edited = reload(&dir, &rubric("1.1.0"), &first);
        assert!(removed(&edited, "1.0.0") && !removed(&edited, "1.1.0"));

        let broken = reload(&dir, "id = \"mine\"\nversion = [\n", &edited);

        assert!(removed(&broken, "1.0.0"), "1.0.0 stays pinned-only");
        assert!(!removed(&broken, "1.1.0"), "1.1.0 stays current");
        assert_eq!(broken.get("mine").unwrap().version, "1.1.0");
        let file = broken.failing_files().next().unwrap();
        assert_eq!(file.gives(), [("mine".to_owned(), "1.1.0".to_owned())]);
        assert_eq!(file.declared_id(), Some("mine"));
    }
}
