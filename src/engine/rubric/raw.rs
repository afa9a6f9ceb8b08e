//! The rubric file as written: serde structs that mirror the TOML, with the
//! defaults the format documents. Nothing here is validated; see `compile`.

use super::Band;
use crate::engine::rules::{AskedOf, UnlessScope};
use crate::engine::who::Who;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// The rubric id a source extends, if it extends one.
pub fn extends_of(source: &str) -> Option<String> {
    if !source.contains("extends") {
        return None;
    }
    top_level_string(source, "extends")
}

/// The id a source declares, read without compiling it, so that a file that
/// fails can still be told apart by the rubric it is meant to be. A source that
/// is not TOML (a typo further down is the usual way a file breaks) is read line
/// by line for a plain `id = "..."` before its first table.
pub fn id_of(source: &str) -> Option<String> {
    if let Ok(table) = source.parse::<toml::Table>() {
        return table.get("id")?.as_str().map(str::to_owned);
    }
    source
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| {
            let value = line.strip_prefix("id")?.trim_start().strip_prefix('=')?;
            let quoted = value.trim().strip_prefix('"')?;
            quoted
                .split_once('"')
                .map(|(id, _)| id.to_owned())
                .filter(|id| !id.is_empty() && !id.contains('\\'))
        })
}

fn top_level_string(source: &str, key: &str) -> Option<String> {
    source
        .parse::<toml::Table>()
        .ok()?
        .get(key)?
        .as_str()
        .map(str::to_owned)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRubric {
    pub(super) id: Spanned<String>,
    /// Read by [`extends_of`]; a value that is not a string is
    /// reported here.
    #[allow(dead_code)]
    pub(super) extends: Option<String>,
    pub(super) title: String,
    pub(super) version: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) sources: Vec<String>,
    pub(super) scoring: Option<Spanned<RawScoring>>,
    #[serde(default)]
    pub(super) lexicons: BTreeMap<Spanned<String>, RawLexicon>,
    #[serde(default)]
    pub(super) behaviours: Vec<Spanned<RawBehaviour>>,
    pub(super) criteria: Vec<Spanned<RawCriterion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScoring {
    #[serde(default = "default_met_at")]
    pub(super) met_at: f64,
    #[serde(default = "default_partially_met_at")]
    pub(super) partially_met_at: f64,
    #[serde(default = "default_bands")]
    pub(super) bands: Vec<Band>,
    pub(super) required_cap: Option<String>,
}

pub(super) fn default_met_at() -> f64 {
    0.75
}
pub(super) fn default_partially_met_at() -> f64 {
    0.35
}
pub(super) fn default_bands() -> Vec<Band> {
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
pub(super) struct RawLexicon {
    #[serde(default)]
    pub(super) description: String,
    #[serde(default = "yes")]
    pub(super) negatable: bool,
    #[serde(default)]
    pub(super) sentence_start: bool,
    #[serde(default)]
    pub(super) sentence_end: bool,
    #[serde(default)]
    pub(super) statements_only: bool,
    #[serde(default)]
    pub(super) questions_only: bool,
    #[serde(default)]
    pub(super) excludes: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) labels: Vec<String>,
    pub(super) phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) must_match: Vec<String>,
    #[serde(default)]
    pub(super) must_not_match: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBehaviour {
    pub(super) id: String,
    #[serde(default)]
    pub(super) title: String,
    pub(super) cues: Vec<Spanned<String>>,
    #[serde(default = "one")]
    pub(super) at_least: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCriterion {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    #[serde(default)]
    pub(super) marking_points: Vec<String>,
    #[serde(default = "unit_weight")]
    pub(super) weight: f64,
    #[serde(default)]
    pub(super) required: bool,
    pub(super) looked_for: Option<String>,
    pub(super) feedback: Option<String>,
    #[serde(default)]
    pub(super) references: Vec<String>,
    pub(super) applies_when: Option<Spanned<RawRule>>,
    pub(super) rule: Spanned<RawRule>,
    pub(super) red_flags: Option<Spanned<RawRedFlagGroups>>,
    #[serde(default)]
    pub(super) must_match: Vec<String>,
    #[serde(default)]
    pub(super) must_not_match: Vec<String>,
}

fn unit_weight() -> f64 {
    1.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRedFlags {
    #[serde(default)]
    pub(super) cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) rules: Vec<Spanned<RawRule>>,
    #[serde(default = "default_penalty")]
    pub(super) penalty: f64,
    #[serde(default)]
    pub(super) floor: f64,
    pub(super) floor_turns: Option<u32>,
}

/// `red_flags` as one table or as an array of tables: each table is a group
/// with its own penalty and floor, so a lapse of manner and an insult can cost
/// differently.
pub(super) struct RawRedFlagGroups(pub(super) Vec<RawRedFlags>);

impl<'de> Deserialize<'de> for RawRedFlagGroups {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Groups;
        impl<'de> serde::de::Visitor<'de> for Groups {
            type Value = RawRedFlagGroups;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of red flags or an array of such tables")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                let one =
                    RawRedFlags::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawRedFlagGroups(vec![one]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                let many = Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(RawRedFlagGroups(many))
            }
        }
        deserializer.deserialize_any(Groups)
    }
}

fn default_late() -> f64 {
    0.5
}

fn default_penalty() -> f64 {
    0.25
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(super) enum RawRule {
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
    Optional(Box<Spanned<RawRule>>),
    Count(RawCount),
}

pub(super) enum RawSays {
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
pub(super) struct RawSaysFull {
    pub(super) cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) by: Option<Who>,
    #[serde(default = "one")]
    pub(super) at_least: u32,
    #[serde(default, rename = "in")]
    pub(super) window: Option<RawWindow>,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) unless_in: UnlessScope,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    pub(super) first_turns: Option<u32>,
    pub(super) last_turns: Option<u32>,
    pub(super) from_seconds: Option<f64>,
    pub(super) to_seconds: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReply {
    pub(super) to: Vec<Spanned<String>>,
    pub(super) with: Vec<Spanned<String>>,
    #[serde(default = "default_within")]
    pub(super) within: u32,
    #[serde(default)]
    pub(super) by: Option<Who>,
    #[serde(default)]
    pub(super) from: Option<Who>,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) unless_in: UnlessScope,
}

fn default_within() -> u32 {
    2
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBefore {
    pub(super) first: Vec<Spanned<String>>,
    pub(super) then: Vec<Spanned<String>>,
    /// What a `first` cue that comes only after a `then` cue is worth.
    #[serde(default = "default_late")]
    pub(super) late: f64,
    #[serde(default)]
    pub(super) by: Option<Who>,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) unless_in: UnlessScope,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParaphrase {
    #[serde(default = "one")]
    pub(super) at_least: u32,
    #[serde(default = "default_min_shared")]
    pub(super) min_shared: u32,
    #[serde(default = "default_min_overlap")]
    pub(super) min_overlap: f64,
    #[serde(default)]
    pub(super) lead_ins: Vec<Spanned<String>>,
    #[serde(default = "default_lead_in_overlap")]
    pub(super) lead_in_overlap: f64,
    #[serde(default = "default_within")]
    pub(super) window: u32,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) labels: Vec<String>,
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
pub(super) struct RawQuestion {
    #[serde(default)]
    pub(super) cues: Vec<Spanned<String>>,
    #[serde(default = "default_lead")]
    pub(super) lead: u32,
    #[serde(default = "one")]
    pub(super) at_least: u32,
    #[serde(default)]
    pub(super) by: Option<Who>,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) asked_of: AskedOf,
    #[serde(default)]
    pub(super) labels: Vec<String>,
}

fn default_lead() -> u32 {
    3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInterrupts {
    #[serde(default)]
    pub(super) by: Option<Who>,
    #[serde(default)]
    pub(super) of: Option<Who>,
    #[serde(default = "default_overlap")]
    pub(super) overlap: f64,
    #[serde(default = "default_min_words")]
    pub(super) min_words: u32,
    #[serde(default = "one")]
    pub(super) at_least: u32,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) unless_in: UnlessScope,
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
pub(super) struct RawSilence {
    pub(super) over: f64,
    #[serde(default)]
    pub(super) by: Option<Who>,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default = "one")]
    pub(super) at_least: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenarioPolicy {
    #[serde(default)]
    pub(super) by: Option<Who>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWithinAuthority {
    pub(super) offers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEscalatesOverAuthority {
    #[serde(default)]
    pub(super) demands: Vec<Spanned<String>>,
    pub(super) escalation: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDemandOverAuthority {
    #[serde(default)]
    pub(super) demands: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCount {
    pub(super) of: Vec<Spanned<RawRule>>,
    pub(super) at_least: u32,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) unless_in: UnlessScope,
}
