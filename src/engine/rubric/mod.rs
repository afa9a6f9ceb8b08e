//! Rubric files: raw serde structs, validation, and compilation into a [`Rubric`].
//!
//! A compiled rubric owns one phrase automaton for all its lexicons, resolves every
//! cue and behaviour name to an index, and carries the sha256 of its source so a
//! result can name exactly which rubric produced it.

mod compile;
mod error;
mod names;
mod raw;
mod rule;

pub use error::{CompileLimits, RubricError, RubricErrorKind};
pub(crate) use names::line_and_column;
pub use raw::extends_of;

use super::lexicon::{LexiconId, PhraseSet};
use super::rules::Rule;
use super::words::StemTable;
use serde::{Deserialize, Serialize};

/// The rubric another one extends, as results name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BaseRubric {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

/// A grade band: the overall score reaching `min` earns `grade`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub grade: String,
    #[serde(default)]
    pub label: String,
    pub min: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scoring {
    pub met_at: f64,
    pub partially_met_at: f64,
    /// Ascending by `min`, the first at 0.
    pub bands: Vec<Band>,
    /// Index into `bands`: the highest grade possible while a required criterion is not met.
    pub required_cap: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lexicon {
    pub name: String,
    pub description: String,
    pub negatable: bool,
    /// Its cues count only when they open a sentence: "so you're" restates the
    /// customer there, but is a conjunction in "I'll refund it so you're not out of pocket".
    pub sentence_start: bool,
    /// Turn-level evaluation labels this lexicon evidences.
    pub labels: Vec<String>,
    /// A few expanded forms, to show what was looked for.
    pub examples: Vec<String>,
    pub forms: usize,
    /// Learner sentences in which a cue of this lexicon must count, and must not
    /// (see [`Rubric::check_examples`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub must_match: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub must_not_match: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Behaviour {
    pub id: String,
    pub title: String,
    #[serde(skip)]
    pub cues: Vec<LexiconId>,
    pub at_least: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RedFlags {
    pub cues: Vec<LexiconId>,
    /// Rules whose evidence counts against the criterion (e.g. interruptions).
    pub rules: Vec<Rule>,
    pub penalty: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    pub marking_points: Vec<String>,
    pub weight: f64,
    pub required: bool,
    pub looked_for: Option<String>,
    /// Advice to the learner when the criterion is not met or only partly met.
    pub feedback: Option<String>,
    /// The standards the criterion evidences: awarding-body criterion references,
    /// apprenticeship KSB codes.
    pub references: Vec<String>,
    pub applies_when: Option<Rule>,
    pub rule: Rule,
    pub red_flags: Option<RedFlags>,
    /// Short exchanges (`Speaker: text` lines) that must meet the criterion, and
    /// that must not (see [`Rubric::check_examples`]).
    pub must_match: Vec<String>,
    pub must_not_match: Vec<String>,
}

/// A validated, compiled rubric: build once, score many transcripts through `&self`.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub sources: Vec<String>,
    /// Hex sha256 of the exact source text.
    pub sha256: String,
    pub scoring: Scoring,
    pub lexicons: Vec<Lexicon>,
    pub behaviours: Vec<Behaviour>,
    pub criteria: Vec<Criterion>,
    /// The rubric this one extends, when it extends one.
    pub extends: Option<BaseRubric>,
    /// The TOML it was compiled from (merged with its base's, when it extends
    /// one), so that other rubrics can extend it in turn.
    source: std::sync::Arc<str>,
    pub(crate) phrases: PhraseSet,
    pub(crate) stems: StemTable,
}

impl Rubric {
    /// Compiles a rubric from TOML source with the default limits.
    pub fn compile(source: &str) -> Result<Rubric, RubricError> {
        Rubric::compile_with(source, CompileLimits::default())
    }

    pub fn compile_with(source: &str, limits: CompileLimits) -> Result<Rubric, RubricError> {
        compile::compile(source, limits)
    }

    /// The TOML the rubric was compiled from (for an extension, as merged).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of distinct expanded phrases in the automaton.
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    pub fn lexicon_id(&self, name: &str) -> Option<LexiconId> {
        self.lexicons.iter().position(|l| l.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "id = \"k\"\ntitle = \"K\"\nversion = \"1\"\n[lexicons.a]\nphrases = [\"{a|b|c} {d|e}\"]\n[[criteria]]\nid = \"c\"\ntitle = \"C\"\nrule = { says = [\"a\"] }\n";

    #[test]
    fn each_compile_error_names_its_kind() {
        let small = CompileLimits {
            max_phrases: 4,
            max_source_bytes: 4096,
        };
        let cases: [(&str, String, CompileLimits, RubricErrorKind); 5] = [
            (
                "not toml",
                "id = ".into(),
                CompileLimits::default(),
                RubricErrorKind::Syntax,
            ),
            (
                "unknown cue",
                MINIMAL.replace("says = [\"a\"]", "says = [\"b\"]"),
                CompileLimits::default(),
                RubricErrorKind::Invalid,
            ),
            (
                "too many phrases",
                MINIMAL.into(),
                small,
                RubricErrorKind::TooManyPhrases,
            ),
            (
                "too large",
                MINIMAL.replace(
                    "title = \"K\"",
                    &format!("title = \"{}\"", "K".repeat(5000)),
                ),
                small,
                RubricErrorKind::SourceTooLarge,
            ),
            (
                "an extension on its own",
                format!("extends = \"heat\"\n{MINIMAL}"),
                CompileLimits::default(),
                RubricErrorKind::MissingBase,
            ),
        ];
        for (name, source, limits, kind) in cases {
            let error = Rubric::compile_with(&source, limits).expect_err(name);
            assert_eq!(error.kind(), kind, "{name}: {error}");
        }
    }
}
