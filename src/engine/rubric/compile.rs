//! Compiling a rubric source: read the TOML, then check and resolve it in the
//! order the file reads (id, scoring, lexicons, behaviours, criteria), so the
//! first error reported is the first one an author would meet.

use super::error::{CompileLimits, RubricError, RubricErrorKind};
use super::names::{
    is_kebab_case, is_semantic_version, is_snake_or_kebab, line_and_column, Locator, Names,
};
use super::raw::{
    default_bands, default_met_at, default_partially_met_at, RawBehaviour, RawCriterion,
    RawLexicon, RawRubric, RawScoring,
};
use super::rule::compile_rule;
use super::{Band, Behaviour, Criterion, Lexicon, RedFlags, Rubric, Scoring};
use crate::engine::lexicon::{self, LexiconId, PhraseError, PhraseSetBuilder, SlotError};
use crate::engine::words::StemTable;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

/// The body of [`Rubric::compile_with`].
pub(super) fn compile(source: &str, limits: CompileLimits) -> Result<Rubric, RubricError> {
    check_size(source, limits)?;
    let locator = Locator { source };
    refuse_extension(source, &locator)?;
    let raw = read(source, &locator)?;
    let sha256 = format!("{:x}", Sha256::digest(source.as_bytes()));
    if !is_kebab_case(raw.id.get_ref()) {
        return Err(locator.span(
            &raw.id,
            format!(
                "rubric id `{}` must be kebab-case (lower-case letters, digits and single hyphens)",
                raw.id.get_ref()
            ),
        ));
    }
    if !is_semantic_version(raw.version.get_ref()) {
        return Err(locator.span(
            &raw.version,
            format!(
                "rubric version `{}` is not a semantic version: write MAJOR.MINOR.PATCH, such as 1.0.0 or 2.1.0-draft (1 and 1.2 are read as 1.0.0 and 1.2.0)",
                raw.version.get_ref()
            ),
        ));
    }
    let scoring = compile_scoring(raw.scoring.as_ref(), &locator)?;
    let CompiledLexicons {
        lexicons,
        ids: lexicon_ids,
        phrases: builder,
    } = compile_lexicons(&raw.lexicons, limits, &locator)?;
    let excluded_by = compile_exclusions(&raw.lexicons, &lexicon_ids, &locator)?;
    let mut names = Names {
        lexicons: lexicon_ids,
        behaviours: BTreeMap::new(),
        locator: &locator,
    };
    let behaviours = compile_behaviours(&raw.behaviours, &mut names)?;
    let criteria = compile_criteria(&raw.criteria, &names)?;
    let phrases = builder
        .build()
        .map_err(|e| locator.at(0, format!("cannot build the phrase automaton: {e}")))?;
    let stems = StemTable::from_words(phrases.words());
    let mut rubric = Rubric {
        id: raw.id.into_inner(),
        title: raw.title,
        version: raw.version.into_inner(),
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
        excluded_by,
        slot_only: Vec::new(),
    };
    rubric.slot_only = crate::engine::explain::slot_only_lexicons(&rubric);
    Ok(rubric)
}

/// Resolves every lexicon's `excludes` into, for each lexicon, the lexicons
/// that rule it out. Two readings that exclude each other would each silence
/// the other, so that is refused, as are unknown names and self-exclusion.
fn compile_exclusions(
    raw: &BTreeMap<Spanned<String>, RawLexicon>,
    ids: &BTreeMap<&str, LexiconId>,
    locator: &Locator,
) -> Result<Vec<Vec<LexiconId>>, RubricError> {
    let mut excluded_by = vec![Vec::new(); ids.len()];
    for (name, lexicon) in raw {
        let by = ids[name.get_ref().as_str()];
        for excluded in &lexicon.excludes {
            let Some(&id) = ids.get(excluded.get_ref().as_str()) else {
                return Err(locator.span(
                    excluded,
                    format!(
                        "lexicon `{}` excludes `{}`, which is not a lexicon of this rubric",
                        name.get_ref(),
                        excluded.get_ref()
                    ),
                ));
            };
            if id == by {
                return Err(locator.span(
                    excluded,
                    format!("lexicon `{}` cannot exclude itself", name.get_ref()),
                ));
            }
            let mutual = raw
                .iter()
                .find(|(other, _)| other.get_ref() == excluded.get_ref())
                .is_some_and(|(_, other)| {
                    other.excludes.iter().any(|e| e.get_ref() == name.get_ref())
                });
            if mutual {
                return Err(locator.span(
                    excluded,
                    format!(
                        "lexicons `{}` and `{}` exclude each other, so neither could ever count: keep the exclusion on the reading that should win",
                        name.get_ref(),
                        excluded.get_ref()
                    ),
                ));
            }
            if !excluded_by[id].contains(&by) {
                excluded_by[id].push(by);
            }
        }
    }
    Ok(excluded_by)
}

fn check_size(source: &str, limits: CompileLimits) -> Result<(), RubricError> {
    if source.len() > limits.max_source_bytes {
        return Err(RubricError::new(
            RubricErrorKind::SourceTooLarge,
            format!(
                "the rubric is {} bytes, over the limit of {} bytes",
                source.len(),
                limits.max_source_bytes
            ),
        ));
    }
    Ok(())
}

/// An extension is partial (its criteria may name only what they change), so
/// say what it is before the schema complains of what it lacks.
fn refuse_extension(source: &str, locator: &Locator) -> Result<(), RubricError> {
    match super::raw::extends_of(source) {
        Some(base) => Err(RubricError {
            kind: RubricErrorKind::MissingBase,
            ..locator.at(
            source.find("extends").unwrap_or(0),
            format!(
                "this rubric extends `{base}`: check or load it with the rubrics it extends (`rolemark rubrics check`, `--rubrics DIR`)"
            ),
        )
        }),
        None => Ok(()),
    }
}

fn read(source: &str, locator: &Locator) -> Result<RawRubric, RubricError> {
    toml::from_str(source).map_err(|e| {
        let message = friendly_toml_message(e.message());
        let (line, column) = e
            .span()
            .map_or((0, 0), |span| line_and_column(locator.source, span.start));
        RubricError::at(RubricErrorKind::Syntax, line, column, message)
    })
}

fn friendly_toml_message(message: &str) -> String {
    let message = message.trim();
    let message = message
        .replace("RawRule", "rule")
        .replace("variant", "rule kind");
    format!("{message} (see rubrics/README.md for the format)")
}

fn compile_scoring(
    raw: Option<&Spanned<RawScoring>>,
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
    let fail = |m: String| locator.span(raw, m);
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

/// Example forms read better with words than with slots: "understand why you
/// are so sad" rather than "... so <feeling>". A slot's lexicon is plain
/// phrases, so its own first example has no slot to fill.
fn fill_slots_in_examples(lexicons: &mut [Lexicon]) {
    let fillers: BTreeMap<String, String> = lexicons
        .iter()
        .filter_map(|l| Some((format!("<{}>", l.name), l.examples.first()?.clone())))
        .collect();
    for lexicon in lexicons.iter_mut() {
        for example in &mut lexicon.examples {
            if example.contains('<') {
                for (slot, filler) in &fillers {
                    if example.contains(slot.as_str()) {
                        *example = example.replace(slot.as_str(), filler);
                    }
                }
            }
        }
    }
}

/// Every lexicon of a rubric, compiled.
struct CompiledLexicons<'r> {
    lexicons: Vec<Lexicon>,
    /// Each name's index.
    ids: BTreeMap<&'r str, LexiconId>,
    /// Every lexicon's phrases, expanded.
    phrases: PhraseSetBuilder,
}

/// Every lexicon, its phrases expanded into one phrase set. Indices follow the
/// names' order, so a phrase may name as a slot a lexicon that comes after its own.
fn compile_lexicons<'r>(
    raw: &'r BTreeMap<Spanned<String>, RawLexicon>,
    limits: CompileLimits,
    locator: &Locator,
) -> Result<CompiledLexicons<'r>, RubricError> {
    let ids: BTreeMap<&str, LexiconId> = raw
        .keys()
        .enumerate()
        .map(|(id, name)| (name.get_ref().as_str(), id))
        .collect();
    let mut builder = PhraseSetBuilder::with_slot_names(ids.iter().map(|(&name, &id)| (name, id)));
    // Expanding and normalising the phrases is a third of compiling a seed
    // rubric and each phrase stands alone, so it runs on every core; the forms
    // are then added in the file's order, so the rubric is the same as built in
    // one pass, errors included (the first in the file is the one reported).
    let expanded: Vec<Vec<Result<Vec<String>, PhraseError>>> = raw
        .values()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|lexicon| {
            lexicon
                .phrases
                .par_iter()
                .map(|phrase| lexicon::expand(phrase.get_ref()))
                .collect()
        })
        .collect();
    let mut lexicons = Vec::new();
    for ((id, (name, raw_lexicon)), forms) in raw.iter().enumerate().zip(expanded) {
        lexicons.push(compile_lexicon(
            name,
            raw_lexicon,
            forms,
            id,
            &mut builder,
            limits,
            locator,
        )?);
    }
    if let Some((user, slot)) = builder.nested_slot() {
        let (user_name, slot_name) = (&lexicons[user].name, &lexicons[slot].name);
        let message = format!(
            "lexicon `{user_name}` uses `<{slot_name}>` as a slot, but `{slot_name}` has phrases with slots or `...` itself: a slot's lexicon must be plain phrases"
        );
        return Err(match raw.keys().nth(user) {
            Some(span) => locator.span(span, message),
            None => locator.at(0, message),
        });
    }
    fill_slots_in_examples(&mut lexicons);
    Ok(CompiledLexicons {
        lexicons,
        ids,
        phrases: builder,
    })
}

fn compile_lexicon(
    name: &Spanned<String>,
    raw: &RawLexicon,
    expanded_phrases: Vec<Result<Vec<String>, PhraseError>>,
    id: LexiconId,
    builder: &mut PhraseSetBuilder,
    limits: CompileLimits,
    locator: &Locator,
) -> Result<Lexicon, RubricError> {
    if !is_kebab_case(name.get_ref()) && !is_snake_or_kebab(name.get_ref()) {
        return Err(locator.span(
            name,
            format!(
                "lexicon name `{}` must use lower-case letters, digits, `-` or `_`",
                name.get_ref()
            ),
        ));
    }
    if raw.phrases.is_empty() {
        return Err(locator.span(
            name,
            format!(
                "lexicon `{}` has no phrases: add `phrases = [\"...\"]`",
                name.get_ref()
            ),
        ));
    }
    let mut examples = Vec::new();
    let mut forms = 0;
    for (phrase, expanded) in raw.phrases.iter().zip(expanded_phrases) {
        let expanded = expanded.map_err(|e| {
            // +1 skips the opening quote of the TOML string.
            let err = locator.at(phrase.span().start + 1, String::new());
            RubricError {
                column: err.column + e.column - 1,
                message: format!("in phrase of lexicon `{}`: {}", name.get_ref(), e.message),
                ..err
            }
        })?;
        forms += expanded.len();
        for form in expanded {
            if examples.len() < 3 {
                examples.push(form.clone());
            }
            builder.add(form, id).map_err(|SlotError::Unknown(slot)| {
                let column = phrase.get_ref().find(&format!("<{slot}>")).unwrap_or(0);
                // +1 skips the opening quote of the TOML string.
                locator.at(
                    phrase.span().start + 1 + column,
                    format!(
                        "in phrase of lexicon `{}`: the slot `<{slot}>` names no lexicon of this rubric",
                        name.get_ref()
                    ),
                )
            })?;
        }
        if builder.len() > limits.max_phrases {
            return Err(RubricError {
                kind: RubricErrorKind::TooManyPhrases,
                ..locator.span(
                    phrase,
                    format!(
                        "the rubric expands to more than {} phrases (the limit): remove phrases or alternatives",
                        limits.max_phrases
                    ),
                )
            });
        }
    }
    if raw.statements_only && raw.questions_only {
        return Err(locator.span(
            name,
            format!(
                "lexicon `{}`: `statements_only` and `questions_only` together would count no cue: keep one",
                name.get_ref()
            ),
        ));
    }
    Ok(Lexicon {
        name: name.get_ref().clone(),
        description: raw.description.clone(),
        negatable: raw.negatable,
        sentence_start: raw.sentence_start,
        sentence_end: raw.sentence_end,
        statements_only: raw.statements_only,
        questions_only: raw.questions_only,
        excludes: raw.excludes.iter().map(|e| e.get_ref().clone()).collect(),
        labels: raw.labels.clone(),
        examples,
        forms,
        must_match: raw.must_match.clone(),
        must_not_match: raw.must_not_match.clone(),
    })
}

/// Every behaviour, each id recorded in `names` for the criteria that follow.
fn compile_behaviours(
    raw: &[Spanned<RawBehaviour>],
    names: &mut Names,
) -> Result<Vec<Behaviour>, RubricError> {
    let locator = names.locator;
    let mut behaviours = Vec::new();
    for raw_behaviour in raw {
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
    Ok(behaviours)
}

fn compile_criteria(
    raw: &[Spanned<RawCriterion>],
    names: &Names,
) -> Result<Vec<Criterion>, RubricError> {
    if raw.is_empty() {
        return Err(names.locator.at(
            0,
            "the rubric has no criteria: add at least one `[[criteria]]`",
        ));
    }
    let mut seen = HashSet::new();
    raw.iter()
        .map(|raw_criterion| compile_criterion(raw_criterion, &mut seen, names))
        .collect()
}

fn compile_criterion(
    raw: &Spanned<RawCriterion>,
    seen: &mut HashSet<String>,
    names: &Names,
) -> Result<Criterion, RubricError> {
    let locator = names.locator;
    let c = raw.get_ref();
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
            raw,
            format!("criterion `{id}`: `weight` must be a positive number"),
        ));
    }
    let rule = compile_rule(&c.rule, names)?;
    let applies_when = c
        .applies_when
        .as_ref()
        .map(|r| compile_rule(r, names))
        .transpose()?;
    let red_flags = match &c.red_flags {
        None => Vec::new(),
        Some(groups) => {
            if groups.get_ref().0.is_empty() {
                return Err(names.locator.span(
                    groups,
                    format!("criterion `{id}`: `red_flags` is an empty array; give at least one group or leave it out"),
                ));
            }
            groups
                .get_ref()
                .0
                .iter()
                .map(|flags| compile_red_flags(id, groups, flags, names))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    Ok(Criterion {
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
    })
}

fn compile_red_flags(
    criterion: &str,
    spanned: &Spanned<super::raw::RawRedFlagGroups>,
    flags: &super::raw::RawRedFlags,
    names: &Names,
) -> Result<RedFlags, RubricError> {
    for (key, value) in [("penalty", flags.penalty), ("floor", flags.floor)] {
        if !(0.0..=1.0).contains(&value) {
            return Err(names.locator.span(
                spanned,
                format!("criterion `{criterion}`: red flag `{key}` must be between 0 and 1"),
            ));
        }
    }
    if flags.floor_turns.is_some() && flags.floor == 0.0 {
        return Err(names.locator.span(
            spanned,
            format!("criterion `{criterion}`: red flag `floor_turns` needs a `floor` above 0"),
        ));
    }
    if flags.floor_turns == Some(0) {
        return Err(names.locator.span(
            spanned,
            format!("criterion `{criterion}`: red flag `floor_turns` must be at least 1"),
        ));
    }
    if flags.cues.is_empty() && flags.rules.is_empty() {
        return Err(names.locator.span(
            spanned,
            format!("criterion `{criterion}`: `red_flags` needs `cues`, `rules` or both"),
        ));
    }
    Ok(RedFlags {
        cues: if flags.cues.is_empty() {
            Vec::new()
        } else {
            names.cues_at(spanned, &flags.cues, "red_flags.cues")?
        },
        rules: flags
            .rules
            .iter()
            .map(|r| compile_rule(r, names))
            .collect::<Result<Vec<_>, _>>()?,
        penalty: flags.penalty,
        floor: flags.floor,
        floor_turns: flags.floor_turns,
    })
}
