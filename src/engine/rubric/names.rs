//! Where an error is (byte offsets to line and column) and what a name refers
//! to (lexicon and behaviour names to their indices).

use super::error::{RubricError, RubricErrorKind};
use crate::engine::lexicon::LexiconId;
use std::collections::BTreeMap;
use toml::Spanned;

/// The 1-based line and column (in chars) of byte offset `byte` of `source`.
pub(crate) fn line_and_column(source: &str, byte: usize) -> (usize, usize) {
    let byte = byte.min(source.len());
    let before = &source[..source.floor_char_boundary(byte)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Maps byte offsets in the source to 1-based line and column (in chars).
pub(super) struct Locator<'a> {
    pub(super) source: &'a str,
}

impl Locator<'_> {
    pub(super) fn at(&self, byte: usize, message: impl Into<String>) -> RubricError {
        let (line, column) = line_and_column(self.source, byte);
        RubricError::at(RubricErrorKind::Invalid, line, column, message)
    }

    pub(super) fn span<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> RubricError {
        self.at(spanned.span().start, message)
    }
}

pub(super) struct Names<'a> {
    pub(super) lexicons: BTreeMap<&'a str, LexiconId>,
    pub(super) behaviours: BTreeMap<String, usize>,
    pub(super) locator: &'a Locator<'a>,
}

impl Names<'_> {
    pub(super) fn cues(
        &self,
        names: &[Spanned<String>],
        field: &str,
    ) -> Result<Vec<LexiconId>, RubricError> {
        if names.is_empty() {
            return Err(RubricError::new(
                RubricErrorKind::Invalid,
                format!("`{field}` lists no cues: name at least one lexicon"),
            ));
        }
        names
            .iter()
            .map(|name| {
                self.lexicons.get(name.get_ref().as_str()).copied().ok_or_else(|| {
                    let known: Vec<&str> = self.lexicons.keys().copied().collect();
                    self.locator.span(
                        name,
                        format!(
                            "unknown cue `{}` in `{field}`: define `[lexicons.{}]` or use one of: {}",
                            name.get_ref(),
                            name.get_ref(),
                            abbreviate(&known)
                        ),
                    )
                })
            })
            .collect()
    }

    pub(super) fn cues_at<T>(
        &self,
        at: &Spanned<T>,
        names: &[Spanned<String>],
        field: &str,
    ) -> Result<Vec<LexiconId>, RubricError> {
        self.cues(names, field).map_err(|e| {
            if e.line == 0 {
                self.locator.span(at, e.message)
            } else {
                e
            }
        })
    }
}

pub(super) fn abbreviate(names: &[&str]) -> String {
    if names.len() <= 12 {
        names.join(", ")
    } else {
        format!("{}, ... ({} in all)", names[..12].join(", "), names.len())
    }
}

pub(super) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub(super) fn is_snake_or_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Whether a rubric version is a semantic version (SemVer 2.0.0: `1.4.0`,
/// `2.0.0-rc.1`). `1` and `1.4` are taken as `1.0.0` and `1.4.0`, as authors
/// write them, but `banana` or `v1` is refused: versions order the rubric's
/// history and pin requests, so they must compare as numbers.
pub(super) fn is_semantic_version(version: &str) -> bool {
    let core_end = version.find(['-', '+']).unwrap_or(version.len());
    let (core, rest) = version.split_at(core_end);
    let padding = match core.split('.').count() {
        1 => ".0.0",
        2 => ".0",
        _ => "",
    };
    semver::Version::parse(&format!("{core}{padding}{rest}")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::is_semantic_version;

    #[test]
    fn versions_are_semantic_with_minor_and_patch_optional() {
        for good in [
            "1",
            "1.4",
            "1.0.0",
            "10.20.30",
            "2.0.0-rc.1",
            "1.0.0+build.7",
            "3-beta",
        ] {
            assert!(is_semantic_version(good), "{good}");
        }
        for bad in [
            "", "banana", "v1", "1.0.0.0", "01.0.0", "1..0", "1.0.0-", "1.x", " 1.0.0",
        ] {
            assert!(!is_semantic_version(bad), "{bad}");
        }
    }
}
