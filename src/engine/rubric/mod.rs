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
pub use raw::{extends_of, id_of};

use super::lexicon::{LexiconId, PhraseSet};
use super::rules::Rule;
use super::words::StemTable;
use serde::{Deserialize, Serialize};

/// The rubric another one extends, as results name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BaseRubric {
    /// The base rubric's id.
    pub id: String,
    /// The base rubric's version.
    pub version: String,
    /// Hex sha256 of the base rubric's source.
    pub sha256: String,
}

/// A grade band: the overall score reaching `min` earns `grade`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The grade's name, as results give it.
    pub grade: String,
    /// The grade as people read it; the grade's name when not given.
    #[serde(default)]
    pub label: String,
    /// The lowest overall score that earns the grade.
    pub min: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// How criterion scores become outcomes and the overall score a grade.
pub struct Scoring {
    /// A criterion scoring at least this is met.
    pub met_at: f64,
    /// A criterion scoring at least this (and above 0) is partially met.
    pub partially_met_at: f64,
    /// Ascending by `min`, the first at 0.
    pub bands: Vec<Band>,
    /// Index into `bands`: the highest grade possible while a required criterion is not met.
    pub required_cap: usize,
}

impl Scoring {
    /// Index into `bands` of the grade `score` earns, before any cap.
    pub(crate) fn band_for(&self, score: f64) -> usize {
        self.bands.iter().rposition(|b| score >= b.min).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// A named list of phrases: one vocabulary of cues.
pub struct Lexicon {
    /// The lexicon's name, as rules cite it.
    pub name: String,
    /// What the phrases mean, for authors and `explain`.
    pub description: String,
    /// Whether a negation before a cue stops it counting.
    pub negatable: bool,
    /// Its cues count only when they open a sentence: "so you're" restates the
    /// customer there, but is a conjunction in "I'll refund it so you're not out of pocket".
    pub sentence_start: bool,
    /// Its cues count only when they end a sentence: "how are you today?" is a
    /// greeting, "how are you coping with the move?" asks about the problem.
    pub sentence_end: bool,
    /// Its cues count only in sentences that are not questions: "that must be
    /// worrying" acknowledges a feeling, "must that be worrying?" asks about one.
    pub statements_only: bool,
    /// Its cues count only in sentences put as questions: "what happened?"
    /// asks for the facts, "I'll find out what happened" promises to.
    pub questions_only: bool,
    /// Readings this one rules out in its sentence: where a cue of this lexicon
    /// counts, cues of these do not ("I'm sorry if you feel that way" is a
    /// non-apology, so neither an apology nor empathy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
    /// Turn-level evaluation labels this lexicon evidences.
    pub labels: Vec<String>,
    /// A few expanded forms, to show what was looked for.
    pub examples: Vec<String>,
    /// Expanded forms of all its phrases.
    pub forms: usize,
    /// Learner sentences in which a cue of this lexicon must count, and must not
    /// (see [`Rubric::check_examples`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub must_match: Vec<String>,
    /// Learner sentences in which no cue of this lexicon may count.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub must_not_match: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// A customer behaviour: cues that show it, and how many are needed.
pub struct Behaviour {
    /// The behaviour's id, as rules cite it.
    pub id: String,
    /// The behaviour as people read it; the id when not given.
    pub title: String,
    #[serde(skip)]
    pub(crate) cues: Vec<LexiconId>,
    /// Sentences showing it needed before it counts as shown.
    pub at_least: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RedFlags {
    pub cues: Vec<LexiconId>,
    /// Rules whose evidence counts against the criterion (e.g. interruptions).
    pub rules: Vec<Rule>,
    pub penalty: f64,
    /// The lowest score this group's flags can bring the criterion to on their
    /// own: a curt learner is partly professional, a rude one is not.
    pub floor: f64,
    /// How many flagged turns the floor holds for; each turn beyond costs the
    /// penalty below it, so lapses all through a call can still sink it.
    pub floor_turns: Option<u32>,
}

impl RedFlags {
    /// The score after `raised` flagged turns of this group. The floor bounds
    /// what the group's flags take away, for up to `floor_turns` of them; a score
    /// the rule already put below the floor stays where it is.
    pub(crate) fn apply(&self, score: f64, raised: usize) -> f64 {
        let held = self
            .floor_turns
            .map_or(raised, |turns| raised.min(turns as usize));
        let floored = (score - self.penalty * held as f64).max(score.min(self.floor));
        (floored - self.penalty * (raised - held) as f64).max(0.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
/// A criterion: what is judged, by which rule, and with what weight.
pub struct Criterion {
    /// The criterion's id, as results give it.
    pub id: String,
    /// The criterion as people read it.
    pub title: String,
    /// The marking points it stands for, as an assessor reads them.
    pub marking_points: Vec<String>,
    /// Its weight in the overall score.
    pub weight: f64,
    /// Whether not meeting it caps the grade.
    pub required: bool,
    /// What was looked for, in words, shown when it is not met.
    pub looked_for: Option<String>,
    /// Advice to the learner when the criterion is not met or only partly met.
    pub feedback: Option<String>,
    /// The standards the criterion evidences: awarding-body criterion references,
    /// apprenticeship KSB codes.
    pub references: Vec<String>,
    pub(crate) applies_when: Option<Rule>,
    pub(crate) rule: Rule,
    /// Groups of red flags, each with its own penalty; a learner turn counts
    /// once, in the first group that flags it.
    pub(crate) red_flags: Vec<RedFlags>,
    /// Short exchanges (`Speaker: text` lines) that must meet the criterion, and
    /// that must not (see [`Rubric::check_examples`]).
    pub must_match: Vec<String>,
    /// Short exchanges that must not meet the criterion.
    pub must_not_match: Vec<String>,
}

/// A validated, compiled rubric: build once, score many transcripts through `&self`.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: String,
    pub(crate) sources: Vec<String>,
    /// Hex sha256 of the exact source text.
    pub(crate) sha256: String,
    pub(crate) scoring: Scoring,
    pub(crate) lexicons: Vec<Lexicon>,
    pub(crate) behaviours: Vec<Behaviour>,
    pub(crate) criteria: Vec<Criterion>,
    /// The rubric this one extends, when it extends one.
    pub(crate) extends: Option<BaseRubric>,
    /// The TOML it was compiled from (merged with its base's, when it extends
    /// one), so that other rubrics can extend it in turn.
    source: std::sync::Arc<str>,
    pub(crate) phrases: PhraseSet,
    pub(crate) stems: StemTable,
    /// For each lexicon, the lexicons whose cues rule it out in a sentence
    /// (the inverse of [`Lexicon::excludes`]); all empty when none are declared.
    pub(crate) excluded_by: Vec<Vec<LexiconId>>,
    /// For each lexicon, whether it only fills slots (see
    /// [`Analysis::new`](crate::engine::analysis::Analysis::new)).
    pub(crate) slot_only: Vec<bool>,
}

impl Rubric {
    /// Compiles a rubric from TOML source with the default limits.
    pub fn compile(source: &str) -> Result<Rubric, RubricError> {
        Rubric::compile_with(source, CompileLimits::default())
    }

    /// Compiles a rubric from TOML source within `limits`, which untrusted sources should get.
    pub fn compile_with(source: &str, limits: CompileLimits) -> Result<Rubric, RubricError> {
        compile::compile(source, limits)
    }

    /// The rubric's id, as results and the registry name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The rubric's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The rubric's version, as its author writes it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// What the rubric assesses.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The standards or documents the rubric is based on.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Hex sha256 of the source (for an extension, of the extending file alone).
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Thresholds and grade bands.
    pub fn scoring(&self) -> &Scoring {
        &self.scoring
    }

    /// The lexicons, in the order of their names.
    pub fn lexicons(&self) -> &[Lexicon] {
        &self.lexicons
    }

    /// The customer behaviours the rubric looks for.
    pub fn behaviours(&self) -> &[Behaviour] {
        &self.behaviours
    }

    /// The criteria, in file order.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// The rubric this one extends, when it extends one.
    pub fn extends(&self) -> Option<&BaseRubric> {
        self.extends.as_ref()
    }

    /// The TOML the rubric was compiled from (for an extension, as merged).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of distinct expanded phrases in the automaton.
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
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
