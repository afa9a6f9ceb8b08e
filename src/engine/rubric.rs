//! Rubric files: raw serde structs, validation, and compilation into a [`Rubric`].
//!
//! A compiled rubric owns one phrase automaton for all its lexicons, resolves every
//! cue and behaviour name to an index, and carries the sha256 of its source so a
//! result can name exactly which rubric produced it.

use super::lexicon::{self, LexiconId, PhraseSet, PhraseSetBuilder};
use super::rules::{Rule, Who, Window};
use super::words::StemTable;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use toml::Spanned;

/// Limits applied while compiling, so untrusted rubric sources stay cheap.
#[derive(Debug, Clone, Copy)]
pub struct CompileLimits {
    /// Expanded phrase forms across the whole rubric.
    pub max_phrases: usize,
    /// Size of the rubric source in bytes.
    pub max_source_bytes: usize,
}

impl Default for CompileLimits {
    fn default() -> Self {
        CompileLimits {
            max_phrases: 200_000,
            max_source_bytes: 4 * 1024 * 1024,
        }
    }
}

/// A rubric that could not be compiled: where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricError {
    /// The file name, when the rubric came from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line and column; 0 when the error concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for RubricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        if self.line > 0 {
            write!(f, "{}:{}: ", self.line, self.column)?;
        } else if self.file.is_some() {
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RubricError {}

impl RubricError {
    /// Names the file the rubric came from in the message.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
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
    pub extends: Option<super::extend::BaseRubric>,
    /// The TOML it was compiled from (merged with its base's, when it extends
    /// one), so that other rubrics can extend it in turn.
    source: std::sync::Arc<str>,
    pub(crate) phrases: PhraseSet,
    pub(crate) stems: StemTable,
}

// ---- raw file structure -------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    id: Spanned<String>,
    /// Read by [`super::extend::extends_of`]; a value that is not a string is
    /// reported here.
    #[allow(dead_code)]
    extends: Option<String>,
    title: String,
    version: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    sources: Vec<String>,
    scoring: Option<Spanned<RawScoring>>,
    #[serde(default)]
    lexicons: BTreeMap<Spanned<String>, RawLexicon>,
    #[serde(default)]
    behaviours: Vec<Spanned<RawBehaviour>>,
    criteria: Vec<Spanned<RawCriterion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    #[serde(default = "default_met_at")]
    met_at: f64,
    #[serde(default = "default_partially_met_at")]
    partially_met_at: f64,
    #[serde(default = "default_bands")]
    bands: Vec<Band>,
    required_cap: Option<String>,
}

fn default_met_at() -> f64 {
    0.75
}
fn default_partially_met_at() -> f64 {
    0.35
}
fn default_bands() -> Vec<Band> {
    vec![
        Band {
            grade: "not-yet-competent".into(),
            label: "Not yet competent".into(),
            min: 0.0,
        },
        Band {
            grade: "pass".into(),
            label: "Pass".into(),
            min: 0.6,
        },
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    description: String,
    #[serde(default = "yes")]
    negatable: bool,
    #[serde(default)]
    sentence_start: bool,
    #[serde(default)]
    labels: Vec<String>,
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    must_match: Vec<String>,
    #[serde(default)]
    must_not_match: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBehaviour {
    id: String,
    #[serde(default)]
    title: String,
    cues: Vec<Spanned<String>>,
    #[serde(default = "one")]
    at_least: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    marking_points: Vec<String>,
    #[serde(default = "unit_weight")]
    weight: f64,
    #[serde(default)]
    required: bool,
    looked_for: Option<String>,
    feedback: Option<String>,
    #[serde(default)]
    references: Vec<String>,
    applies_when: Option<Spanned<RawRule>>,
    rule: Spanned<RawRule>,
    red_flags: Option<Spanned<RawRedFlags>>,
    #[serde(default)]
    must_match: Vec<String>,
    #[serde(default)]
    must_not_match: Vec<String>,
}

fn unit_weight() -> f64 {
    1.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedFlags {
    #[serde(default)]
    cues: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
    #[serde(default = "default_penalty")]
    penalty: f64,
}

fn default_penalty() -> f64 {
    0.25
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum RawRule {
    Says(RawSays),
    Reply(RawReply),
    Before(RawBefore),
    Paraphrase(RawParaphrase),
    Question(RawQuestion),
    Interrupts(RawInterrupts),
    Silence(RawSilence),
    ScenarioPolicy(RawScenarioPolicy),
    WithinAuthority(RawWithinAuthority),
    EscalatesOverAuthority(RawEscalatesOverAuthority),
    DemandOverAuthority(RawDemandOverAuthority),
    Behaviour(Vec<Spanned<String>>),
    All(Vec<Spanned<RawRule>>),
    Any(Vec<Spanned<RawRule>>),
    Not(Box<Spanned<RawRule>>),
    Count(RawCount),
}

enum RawSays {
    Cues(Vec<Spanned<String>>),
    Full(RawSaysFull),
}

// Hand-written rather than `#[serde(untagged)]`: untagged buffering loses the spans
// that error messages need, and its error message names no alternative.
impl<'de> Deserialize<'de> for RawSays {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SaysVisitor;
        impl<'de> serde::de::Visitor<'de> for SaysVisitor {
            type Value = RawSays;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a list of cues (`says = [\"empathy\"]`) or a table (`says = { cues = [...], by = \"learner\", at_least = 1, in = { last_turns = 6 } }`)",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<RawSays, A::Error> {
                Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(RawSays::Cues)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawSays, A::Error> {
                Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawSays::Full)
            }
        }
        deserializer.deserialize_any(SaysVisitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSaysFull {
    cues: Vec<Spanned<String>>,
    #[serde(default)]
    by: Option<Who>,
    #[serde(default = "one")]
    at_least: u32,
    #[serde(default, rename = "in")]
    window: Option<RawWindow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    first_turns: Option<u32>,
    last_turns: Option<u32>,
    from_seconds: Option<f64>,
    to_seconds: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    to: Vec<Spanned<String>>,
    with: Vec<Spanned<String>>,
    #[serde(default = "default_within")]
    within: u32,
    #[serde(default)]
    by: Option<Who>,
    #[serde(default)]
    from: Option<Who>,
}

fn default_within() -> u32 {
    2
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBefore {
    first: Vec<Spanned<String>>,
    then: Vec<Spanned<String>>,
    #[serde(default)]
    by: Option<Who>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParaphrase {
    #[serde(default = "one")]
    at_least: u32,
    #[serde(default = "default_min_shared")]
    min_shared: u32,
    #[serde(default = "default_min_overlap")]
    min_overlap: f64,
    #[serde(default)]
    lead_ins: Vec<Spanned<String>>,
    #[serde(default = "default_lead_in_overlap")]
    lead_in_overlap: f64,
    #[serde(default = "default_within")]
    window: u32,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    labels: Vec<String>,
}

fn default_min_shared() -> u32 {
    2
}
fn default_min_overlap() -> f64 {
    0.5
}
fn default_lead_in_overlap() -> f64 {
    0.25
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    #[serde(default)]
    cues: Vec<Spanned<String>>,
    #[serde(default = "default_lead")]
    lead: u32,
    #[serde(default = "one")]
    at_least: u32,
    #[serde(default)]
    by: Option<Who>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    labels: Vec<String>,
}

fn default_lead() -> u32 {
    3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterrupts {
    #[serde(default)]
    by: Option<Who>,
    #[serde(default)]
    of: Option<Who>,
    #[serde(default = "default_overlap")]
    overlap: f64,
    #[serde(default = "default_min_words")]
    min_words: u32,
    #[serde(default = "one")]
    at_least: u32,
}

// Transcribers' cue times overlap by a few hundred milliseconds on their own.
fn default_overlap() -> f64 {
    0.5
}
fn default_min_words() -> u32 {
    3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSilence {
    over: f64,
    #[serde(default)]
    by: Option<Who>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default = "one")]
    at_least: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenarioPolicy {
    #[serde(default)]
    by: Option<Who>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWithinAuthority {
    offers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalatesOverAuthority {
    #[serde(default)]
    demands: Vec<Spanned<String>>,
    escalation: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemandOverAuthority {
    #[serde(default)]
    demands: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCount {
    of: Vec<Spanned<RawRule>>,
    at_least: u32,
}

// ---- compilation --------------------------------------------------------

/// Maps byte offsets in the source to 1-based line and column (in chars).
struct Locator<'a> {
    source: &'a str,
}

impl Locator<'_> {
    fn at(&self, byte: usize, message: impl Into<String>) -> RubricError {
        let byte = byte.min(self.source.len());
        let before = &self.source[..self.source.floor_char_boundary(byte)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        RubricError {
            file: None,
            line,
            column,
            message: message.into(),
        }
    }

    fn span<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> RubricError {
        self.at(spanned.span().start, message)
    }
}

struct Names<'a> {
    lexicons: BTreeMap<&'a str, LexiconId>,
    behaviours: BTreeMap<String, usize>,
    locator: &'a Locator<'a>,
}

impl Names<'_> {
    fn cues(&self, names: &[Spanned<String>], field: &str) -> Result<Vec<LexiconId>, RubricError> {
        if names.is_empty() {
            return Err(RubricError {
                file: None,
                line: 0,
                column: 0,
                message: format!("`{field}` lists no cues: name at least one lexicon"),
            });
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

    fn cues_at<T>(
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

fn abbreviate(names: &[&str]) -> String {
    if names.len() <= 12 {
        names.join(", ")
    } else {
        format!("{}, ... ({} in all)", names[..12].join(", "), names.len())
    }
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Rubric {
    /// Compiles a rubric from TOML source with the default limits.
    pub fn compile(source: &str) -> Result<Rubric, RubricError> {
        Rubric::compile_with(source, CompileLimits::default())
    }

    pub fn compile_with(source: &str, limits: CompileLimits) -> Result<Rubric, RubricError> {
        if source.len() > limits.max_source_bytes {
            return Err(RubricError {
                file: None,
                line: 0,
                column: 0,
                message: format!(
                    "the rubric is {} bytes, over the limit of {} bytes",
                    source.len(),
                    limits.max_source_bytes
                ),
            });
        }
        let locator = Locator { source };
        // An extension is partial (its criteria may name only what they change),
        // so say what it is before the schema complains of what it lacks.
        if let Some(base) = super::extend::extends_of(source) {
            return Err(locator.at(
                source.find("extends").unwrap_or(0),
                format!(
                    "this rubric extends `{base}`: check or load it with the rubrics it extends (`rolemark rubrics check`, `--rubrics DIR`)"
                ),
            ));
        }
        let raw: RawRubric = toml::from_str(source).map_err(|e| {
            let message = friendly_toml_message(e.message());
            match e.span() {
                Some(span) => locator.at(span.start, message),
                None => RubricError {
                    file: None,
                    line: 0,
                    column: 0,
                    message,
                },
            }
        })?;
        let mut sha = Sha256::new();
        sha.update(source.as_bytes());
        let sha256 = format!("{:x}", sha.finalize());

        if !is_kebab_case(raw.id.get_ref()) {
            return Err(locator.span(
                &raw.id,
                format!(
                    "rubric id `{}` must be kebab-case (lower-case letters, digits and single hyphens)",
                    raw.id.get_ref()
                ),
            ));
        }

        let scoring = compile_scoring(raw.scoring, &locator)?;

        let mut builder = PhraseSetBuilder::default();
        let mut lexicons = Vec::new();
        let mut lexicon_ids = BTreeMap::new();
        for (name, raw_lexicon) in &raw.lexicons {
            if !is_kebab_case(name.get_ref()) && !is_snake_or_kebab(name.get_ref()) {
                return Err(locator.span(
                    name,
                    format!(
                        "lexicon name `{}` must use lower-case letters, digits, `-` or `_`",
                        name.get_ref()
                    ),
                ));
            }
            if raw_lexicon.phrases.is_empty() {
                return Err(locator.span(
                    name,
                    format!(
                        "lexicon `{}` has no phrases: add `phrases = [\"...\"]`",
                        name.get_ref()
                    ),
                ));
            }
            let id = lexicons.len();
            let mut examples = Vec::new();
            let mut forms = 0;
            for phrase in &raw_lexicon.phrases {
                let expanded = lexicon::expand(phrase.get_ref()).map_err(|e| {
                    // +1 skips the opening quote of the TOML string.
                    let err = locator.at(phrase.span().start + 1, String::new());
                    RubricError {
                        column: err.column + e.column - 1,
                        message: format!(
                            "in phrase of lexicon `{}`: {}",
                            name.get_ref(),
                            e.message
                        ),
                        ..err
                    }
                })?;
                forms += expanded.len();
                for form in expanded {
                    if examples.len() < 3 {
                        examples.push(form.clone());
                    }
                    builder.add(form, id);
                }
                if builder.len() > limits.max_phrases {
                    return Err(locator.span(
                        phrase,
                        format!(
                            "the rubric expands to more than {} phrases (the limit): remove phrases or alternatives",
                            limits.max_phrases
                        ),
                    ));
                }
            }
            lexicon_ids.insert(name.get_ref().as_str(), id);
            lexicons.push(Lexicon {
                name: name.get_ref().clone(),
                description: raw_lexicon.description.clone(),
                negatable: raw_lexicon.negatable,
                sentence_start: raw_lexicon.sentence_start,
                labels: raw_lexicon.labels.clone(),
                examples,
                forms,
                must_match: raw_lexicon.must_match.clone(),
                must_not_match: raw_lexicon.must_not_match.clone(),
            });
        }

        let mut names = Names {
            lexicons: lexicon_ids,
            behaviours: BTreeMap::new(),
            locator: &locator,
        };
        let mut behaviours = Vec::new();
        for raw_behaviour in &raw.behaviours {
            let b = raw_behaviour.get_ref();
            if !is_kebab_case(&b.id) {
                return Err(locator.span(
                    raw_behaviour,
                    format!("behaviour id `{}` must be kebab-case", b.id),
                ));
            }
            if names.behaviours.contains_key(&b.id) {
                return Err(locator.span(
                    raw_behaviour,
                    format!("behaviour `{}` is defined twice", b.id),
                ));
            }
            if b.at_least == 0 {
                return Err(locator.span(raw_behaviour, "`at_least` must be 1 or more"));
            }
            let cues = names.cues_at(raw_behaviour, &b.cues, "cues")?;
            names.behaviours.insert(b.id.clone(), behaviours.len());
            behaviours.push(Behaviour {
                id: b.id.clone(),
                title: if b.title.is_empty() {
                    b.id.clone()
                } else {
                    b.title.clone()
                },
                cues,
                at_least: b.at_least,
            });
        }

        if raw.criteria.is_empty() {
            return Err(locator.at(
                0,
                "the rubric has no criteria: add at least one `[[criteria]]`",
            ));
        }
        let mut criteria = Vec::new();
        let mut seen = HashSet::new();
        for raw_criterion in raw.criteria {
            let span_holder = &raw_criterion;
            let c = raw_criterion.get_ref();
            let id = c.id.get_ref();
            if !is_kebab_case(id) {
                return Err(locator.span(&c.id, format!("criterion id `{id}` must be kebab-case")));
            }
            if !seen.insert(id.clone()) {
                return Err(locator.span(
                    &c.id,
                    format!("criterion id `{id}` is used twice: ids must be unique"),
                ));
            }
            if !(c.weight.is_finite() && c.weight > 0.0) {
                return Err(locator.span(
                    span_holder,
                    format!("criterion `{id}`: `weight` must be a positive number"),
                ));
            }
            let rule = compile_rule(&c.rule, &names)?;
            let applies_when = c
                .applies_when
                .as_ref()
                .map(|r| compile_rule(r, &names))
                .transpose()?;
            let red_flags = match &c.red_flags {
                Some(spanned) => {
                    let flags = spanned.get_ref();
                    if !(0.0..=1.0).contains(&flags.penalty) {
                        return Err(locator.span(
                            spanned,
                            format!("criterion `{id}`: red flag `penalty` must be between 0 and 1"),
                        ));
                    }
                    if flags.cues.is_empty() && flags.rules.is_empty() {
                        return Err(locator.span(
                            spanned,
                            format!("criterion `{id}`: `red_flags` needs `cues`, `rules` or both"),
                        ));
                    }
                    Some(RedFlags {
                        cues: if flags.cues.is_empty() {
                            Vec::new()
                        } else {
                            names.cues_at(spanned, &flags.cues, "red_flags.cues")?
                        },
                        rules: flags
                            .rules
                            .iter()
                            .map(|r| compile_rule(r, &names))
                            .collect::<Result<Vec<_>, _>>()?,
                        penalty: flags.penalty,
                    })
                }
                None => None,
            };
            criteria.push(Criterion {
                id: id.clone(),
                title: c.title.clone(),
                marking_points: c.marking_points.clone(),
                weight: c.weight,
                required: c.required,
                looked_for: c.looked_for.clone(),
                feedback: c.feedback.clone(),
                references: c.references.clone(),
                applies_when,
                rule,
                red_flags,
                must_match: c.must_match.clone(),
                must_not_match: c.must_not_match.clone(),
            });
        }

        let phrases = builder.build().map_err(|m| locator.at(0, m))?;
        let stems = StemTable::from_words(phrases.words());
        Ok(Rubric {
            id: raw.id.into_inner(),
            title: raw.title,
            version: raw.version,
            description: raw.description,
            sources: raw.sources,
            sha256,
            scoring,
            lexicons,
            behaviours,
            criteria,
            extends: None,
            source: source.into(),
            phrases,
            stems,
        })
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

fn is_snake_or_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn friendly_toml_message(message: &str) -> String {
    let message = message.trim();
    let message = message
        .replace("RawRule", "rule")
        .replace("variant", "rule kind");
    format!("{message} (see rubrics/README.md for the format)")
}

fn compile_scoring(
    raw: Option<Spanned<RawScoring>>,
    locator: &Locator,
) -> Result<Scoring, RubricError> {
    let Some(raw) = raw else {
        return Ok(Scoring {
            met_at: default_met_at(),
            partially_met_at: default_partially_met_at(),
            bands: default_bands(),
            required_cap: 0,
        });
    };
    let s = raw.get_ref();
    let fail = |m: String| locator.span(&raw, m);
    if !(0.0..=1.0).contains(&s.met_at) || !(0.0..=1.0).contains(&s.partially_met_at) {
        return Err(fail(
            "`met_at` and `partially_met_at` must be between 0 and 1".into(),
        ));
    }
    if s.partially_met_at > s.met_at {
        return Err(fail("`partially_met_at` must not be above `met_at`".into()));
    }
    if s.bands.is_empty() || s.bands[0].min != 0.0 {
        return Err(fail(
            "`scoring.bands` must start with a band whose `min` is 0".into(),
        ));
    }
    for pair in s.bands.windows(2) {
        if !(pair[1].min > pair[0].min && pair[1].min <= 1.0) {
            return Err(fail(format!(
                "band `{}` must have a `min` above band `{}` and at most 1: list bands in ascending order",
                pair[1].grade, pair[0].grade
            )));
        }
    }
    let mut grades = HashSet::new();
    for band in &s.bands {
        if !grades.insert(band.grade.as_str()) {
            return Err(fail(format!("grade `{}` is listed twice", band.grade)));
        }
    }
    let required_cap = match &s.required_cap {
        None => 0,
        Some(grade) => s
            .bands
            .iter()
            .position(|b| &b.grade == grade)
            .ok_or_else(|| {
                fail(format!(
                    "`required_cap` names grade `{grade}`, which is not in `scoring.bands`"
                ))
            })?,
    };
    let bands = s
        .bands
        .iter()
        .map(|b| Band {
            label: if b.label.is_empty() {
                b.grade.clone()
            } else {
                b.label.clone()
            },
            ..b.clone()
        })
        .collect();
    Ok(Scoring {
        met_at: s.met_at,
        partially_met_at: s.partially_met_at,
        bands,
        required_cap,
    })
}

fn positive(
    value: u32,
    at: &Spanned<RawRule>,
    field: &str,
    names: &Names,
) -> Result<u32, RubricError> {
    if value == 0 {
        Err(names
            .locator
            .span(at, format!("`{field}` must be 1 or more")))
    } else {
        Ok(value)
    }
}

fn fraction(
    value: f64,
    at: &Spanned<RawRule>,
    field: &str,
    names: &Names,
) -> Result<f64, RubricError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(names
            .locator
            .span(at, format!("`{field}` must be between 0 and 1")))
    }
}

fn compile_rule(raw: &Spanned<RawRule>, names: &Names) -> Result<Rule, RubricError> {
    Ok(match raw.get_ref() {
        RawRule::Says(RawSays::Cues(cues)) => Rule::Says {
            cues: names.cues_at(raw, cues, "says")?,
            by: Who::Learner,
            at_least: 1,
            window: Window::All,
        },
        RawRule::Says(RawSays::Full(s)) => {
            let window = match &s.window {
                None => Window::All,
                Some(w) => match (w.first_turns, w.last_turns, w.from_seconds, w.to_seconds) {
                    (Some(n), None, None, None) => Window::FirstTurns(positive(n, raw, "first_turns", names)?),
                    (None, Some(n), None, None) => Window::LastTurns(positive(n, raw, "last_turns", names)?),
                    (None, None, from, to) if from.is_some() || to.is_some() => {
                        let from = from.unwrap_or(0.0);
                        let to = to.unwrap_or(f64::INFINITY);
                        if !(from >= 0.0 && to > from) {
                            return Err(names.locator.span(raw, "`in`: `from_seconds` must be at least 0 and below `to_seconds`"));
                        }
                        Window::Seconds(from, to)
                    }
                    _ => {
                        return Err(names.locator.span(
                            raw,
                            "`in` takes one of `{ first_turns = N }`, `{ last_turns = N }` or `{ from_seconds = A, to_seconds = B }`",
                        ))
                    }
                },
            };
            Rule::Says {
                cues: names.cues_at(raw, &s.cues, "says.cues")?,
                by: s.by.unwrap_or(Who::Learner),
                at_least: positive(s.at_least, raw, "at_least", names)?,
                window,
            }
        }
        RawRule::Reply(r) => Rule::Reply {
            to: names.cues_at(raw, &r.to, "reply.to")?,
            with: names.cues_at(raw, &r.with, "reply.with")?,
            within: positive(r.within, raw, "within", names)?,
            by: r.by.unwrap_or(Who::Learner),
            from: r.from.unwrap_or(Who::Customer),
        },
        RawRule::Before(b) => Rule::Before {
            first: names.cues_at(raw, &b.first, "before.first")?,
            then: names.cues_at(raw, &b.then, "before.then")?,
            by: b.by.unwrap_or(Who::Learner),
        },
        RawRule::Paraphrase(p) => Rule::Paraphrase {
            at_least: positive(p.at_least, raw, "at_least", names)?,
            min_shared: positive(p.min_shared, raw, "min_shared", names)?,
            min_overlap: fraction(p.min_overlap, raw, "min_overlap", names)?,
            lead_ins: if p.lead_ins.is_empty() {
                Vec::new()
            } else {
                names.cues_at(raw, &p.lead_ins, "paraphrase.lead_ins")?
            },
            lead_in_overlap: fraction(p.lead_in_overlap, raw, "lead_in_overlap", names)?,
            window: positive(p.window, raw, "window", names)?,
            unless: if p.unless.is_empty() {
                Vec::new()
            } else {
                names.cues_at(raw, &p.unless, "paraphrase.unless")?
            },
            labels: p.labels.clone(),
        },
        RawRule::Question(q) => Rule::Question {
            cues: if q.cues.is_empty() {
                Vec::new()
            } else {
                names.cues_at(raw, &q.cues, "question.cues")?
            },
            lead: positive(q.lead, raw, "lead", names)?,
            at_least: positive(q.at_least, raw, "at_least", names)?,
            by: q.by.unwrap_or(Who::Learner),
            unless: if q.unless.is_empty() {
                Vec::new()
            } else {
                names.cues_at(raw, &q.unless, "question.unless")?
            },
            labels: q.labels.clone(),
        },
        RawRule::Interrupts(i) => {
            if !(i.overlap.is_finite() && (0.0..=60.0).contains(&i.overlap)) {
                return Err(names
                    .locator
                    .span(raw, "`interrupts.overlap` must be between 0 and 60 seconds"));
            }
            Rule::Interrupts {
                by: i.by.unwrap_or(Who::Learner),
                of: i.of.unwrap_or(Who::Customer),
                overlap: i.overlap,
                min_words: i.min_words,
                at_least: positive(i.at_least, raw, "at_least", names)?,
            }
        }
        RawRule::Silence(q) => {
            if !(q.over.is_finite() && q.over > 0.0 && q.over <= 3600.0) {
                return Err(names.locator.span(
                    raw,
                    "`silence.over` must be above 0 and at most 3600 seconds",
                ));
            }
            Rule::Silence {
                by: q.by.unwrap_or(Who::Learner),
                over: q.over,
                unless: if q.unless.is_empty() {
                    Vec::new()
                } else {
                    names.cues_at(raw, &q.unless, "silence.unless")?
                },
                at_least: positive(q.at_least, raw, "at_least", names)?,
            }
        }
        RawRule::Behaviour(ids) => {
            if ids.is_empty() {
                return Err(names.locator.span(raw, "`behaviour` lists no behaviours"));
            }
            let mut resolved = Vec::new();
            for id in ids {
                let found = names.behaviours.get(id.get_ref()).copied().ok_or_else(|| {
                    let known: Vec<&str> = names.behaviours.keys().map(String::as_str).collect();
                    names.locator.span(
                        id,
                        format!(
                            "unknown behaviour `{}`: define it in `[[behaviours]]` or use one of: {}",
                            id.get_ref(),
                            abbreviate(&known)
                        ),
                    )
                })?;
                resolved.push(found);
            }
            Rule::Behaviour(resolved)
        }
        RawRule::All(parts) | RawRule::Any(parts) => {
            if parts.is_empty() {
                return Err(names
                    .locator
                    .span(raw, "`all` and `any` need at least one rule"));
            }
            let compiled = parts
                .iter()
                .map(|p| compile_rule(p, names))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(raw.get_ref(), RawRule::All(_)) {
                Rule::All(compiled)
            } else {
                Rule::Any(compiled)
            }
        }
        RawRule::Not(inner) => Rule::Not(Box::new(compile_rule(inner, names)?)),
        RawRule::ScenarioPolicy(p) => Rule::ScenarioPolicy {
            by: p.by.unwrap_or(Who::Learner),
        },
        RawRule::WithinAuthority(w) => Rule::WithinAuthority {
            offers: names.cues_at(raw, &w.offers, "within_authority.offers")?,
        },
        RawRule::EscalatesOverAuthority(e) => Rule::EscalatesOverAuthority {
            demands: if e.demands.is_empty() {
                Vec::new()
            } else {
                names.cues_at(raw, &e.demands, "escalates_over_authority.demands")?
            },
            escalation: names.cues_at(raw, &e.escalation, "escalates_over_authority.escalation")?,
        },
        RawRule::DemandOverAuthority(d) => Rule::DemandOverAuthority {
            demands: if d.demands.is_empty() {
                Vec::new()
            } else {
                names.cues_at(raw, &d.demands, "demand_over_authority.demands")?
            },
        },
        RawRule::Count(c) => {
            if c.of.is_empty() {
                return Err(names
                    .locator
                    .span(raw, "`count.of` needs at least one rule"));
            }
            Rule::Count {
                of: c
                    .of
                    .iter()
                    .map(|p| compile_rule(p, names))
                    .collect::<Result<Vec<_>, _>>()?,
                at_least: positive(c.at_least, raw, "at_least", names)?,
            }
        }
    })
}
