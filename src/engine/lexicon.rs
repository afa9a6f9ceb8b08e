//! Cue phrases: the compact phrase syntax, its expansion, and the one automaton
//! that finds every phrase of a rubric in a single pass.
//!
//! Syntax: `{a|b}` picks one alternative, `[a]` or `[a|b]` is optional, groups nest,
//! `...` lets a few words stand between two parts, and `<name>` is a slot that any
//! phrase of lexicon `name` fills. Every expanded form is normalised exactly like
//! transcript text, and patterns are padded with spaces so that they only match
//! whole words. Forms with gaps or slots are composites: their word parts are
//! patterns of the automaton, and they are assembled from the parts found.

use super::text::{self, Normaliser};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use foldhash::HashMap as FoldHashMap;

/// Expansion limit for one phrase: `{a|b}{c|d}` repeated grows exponentially.
pub const MAX_FORMS_PER_PHRASE: usize = 2_000;

/// Written between two parts of a phrase, `...` lets up to [`MAX_GAP_WORDS`] words
/// stand between them in the same sentence: `I want ... refund`.
pub const GAP_SYNTAX: &str = "...";
/// How a gap is kept inside an expanded, normalised form.
pub const GAP: &str = " ... ";
pub const MAX_GAP_WORDS: u32 = 6;

/// How a slot is written, in a phrase and in an expanded form: `<feeling>`.
const SLOT_OPEN: char = '<';
const SLOT_CLOSE: char = '>';

/// An error in one phrase, with the char column (1-based) where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseError {
    /// 1-based char column in the phrase.
    pub column: usize,
    /// What is wrong with the phrase.
    pub message: String,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Choice {
        options: Vec<Vec<Node>>,
        optional: bool,
    },
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    source: &'a str,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> PhraseError {
        PhraseError {
            column: self.pos + 1,
            message: message.into(),
        }
    }

    /// Reads a slot, `<lexicon-name>`, and gives it back as written.
    fn slot(&mut self) -> Result<String, PhraseError> {
        let open_at = self.pos;
        let name: String = self.chars[open_at + 1..]
            .iter()
            .take_while(|&&c| c != SLOT_CLOSE)
            .collect();
        let closed = self.chars.get(open_at + 1 + name.chars().count()) == Some(&SLOT_CLOSE);
        let well_formed = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !closed || !well_formed {
            return Err(self.error(
                "a slot is written `<lexicon-name>`: lower-case letters, digits, `-` or `_` between `<` and `>`",
            ));
        }
        self.pos = open_at + name.chars().count() + 2;
        Ok(format!("{SLOT_OPEN}{name}{SLOT_CLOSE}"))
    }

    /// Parses a sequence until one of `stops` (not consumed) or the end.
    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, PhraseError> {
        let mut nodes = Vec::new();
        let mut literal = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            match c {
                '{' | '[' => {
                    if depth >= 8 {
                        return Err(self.error("groups are nested more than 8 deep"));
                    }
                    if !literal.is_empty() {
                        nodes.push(Node::Text(std::mem::take(&mut literal)));
                    }
                    let open_at = self.pos;
                    self.pos += 1;
                    let close = if c == '{' { '}' } else { ']' };
                    let mut options = vec![self.sequence(depth + 1)?];
                    loop {
                        match self.chars.get(self.pos) {
                            Some('|') => {
                                self.pos += 1;
                                options.push(self.sequence(depth + 1)?);
                            }
                            Some(&found) if found == close => {
                                self.pos += 1;
                                break;
                            }
                            Some(&found) => {
                                return Err(self.error(format!(
                                    "expected `{close}` to close the `{c}` opened at column {}, found `{found}`",
                                    open_at + 1
                                )))
                            }
                            None => {
                                return Err(PhraseError {
                                    column: open_at + 1,
                                    message: format!("`{c}` is never closed: add `{close}`"),
                                })
                            }
                        }
                    }
                    nodes.push(Node::Choice {
                        options,
                        optional: c == '[',
                    });
                }
                SLOT_OPEN => {
                    literal.push(' ');
                    literal.push_str(&self.slot()?);
                    literal.push(' ');
                }
                '|' | '}' | ']' if depth == 0 => {
                    return Err(self.error(format!(
                        "`{c}` outside a group: alternatives go inside `{{a|b}}` or `[a|b]`"
                    )));
                }
                '|' | '}' | ']' => break,
                _ => {
                    literal.push(c);
                    self.pos += 1;
                }
            }
        }
        if !literal.is_empty() {
            nodes.push(Node::Text(literal));
        }
        Ok(nodes)
    }
}

/// Expands a phrase into its normalised forms (deduplicated, in first-seen order).
/// A form with a gap (`...`) keeps its parts joined by [`GAP`].
pub fn expand(phrase: &str) -> Result<Vec<String>, PhraseError> {
    let mut parser = Parser {
        chars: phrase.chars().collect(),
        pos: 0,
        source: phrase,
    };
    let nodes = parser.sequence(0)?;
    debug_assert!(parser.source.len() >= parser.pos);
    let mut forms = vec![String::new()];
    expand_sequence(&nodes, &mut forms)?;
    let mut seen = foldhash::HashSet::default();
    let mut out = Vec::new();
    for form in forms {
        let norm = normalise_form(&form)?;
        if seen.insert(norm.clone()) {
            out.push(norm);
        }
    }
    Ok(out)
}

/// Normalises one expanded form: its words like transcript text, its slots as
/// written, gaps as [`GAP`].
fn normalise_form(form: &str) -> Result<String, PhraseError> {
    let error = |message: &str| PhraseError {
        column: 1,
        message: message.into(),
    };
    const NO_WORDS: &str = "the phrase can match no words at all: make at least one word required";
    // Most forms have neither a gap nor a slot: they are their words, with no
    // pieces to split, collect and join (a rubric has tens of thousands of forms).
    if !form.contains(['.', SLOT_OPEN]) {
        return text::normalise_phrase(form).ok_or_else(|| error(NO_WORDS));
    }
    let mut pieces = Vec::new();
    let mut has_words = false;
    for gap_piece in form.split(GAP_SYNTAX) {
        let mut parts = Vec::new();
        let mut rest = gap_piece;
        while !rest.is_empty() {
            let (text, slot, after) = match rest.find(SLOT_OPEN) {
                Some(open) => {
                    let close = rest[open..]
                        .find(SLOT_CLOSE)
                        .map_or(rest.len(), |c| open + c + 1);
                    (&rest[..open], Some(&rest[open..close]), &rest[close..])
                }
                None => (rest, None, ""),
            };
            if let Some(words) = text::normalise_phrase(text) {
                has_words = true;
                parts.push(words);
            }
            if let Some(slot) = slot {
                parts.push(slot.to_owned());
            }
            rest = after;
        }
        if parts.is_empty() {
            return Err(error(if form.contains(GAP_SYNTAX) {
                "words must stand on both sides of `...`, and the phrase must not end in an optional part beside it"
            } else {
                NO_WORDS
            }));
        }
        pieces.push(parts.join(" "));
    }
    if !has_words {
        return Err(error(
            "the phrase is only slots: add at least one word it must hold, or use the slot's lexicon itself",
        ));
    }
    Ok(pieces.join(GAP))
}

/// One part of a composite form, as [`form_parts`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormPart<'a> {
    /// Normalised words, matched as one pattern.
    Words(&'a str),
    /// A slot: any phrase of the named lexicon.
    Slot(&'a str),
}

/// The parts of an expanded form, each with the most words that may stand
/// before it (after the previous part): [`MAX_GAP_WORDS`] after a gap, else 0.
pub fn form_parts(form: &str) -> Vec<(FormPart<'_>, u32)> {
    let mut parts = Vec::new();
    for (index, gap_piece) in form.split(GAP).enumerate() {
        let mut gap = if index == 0 { 0 } else { MAX_GAP_WORDS };
        let mut words_from: Option<usize> = None;
        let mut at = 0;
        for word in gap_piece.split(' ') {
            let start = at;
            at += word.len() + 1;
            if word.starts_with(SLOT_OPEN) {
                if let Some(from) = words_from.take() {
                    parts.push((FormPart::Words(&gap_piece[from..start - 1]), gap));
                    gap = 0;
                }
                let name = word
                    .trim_start_matches(SLOT_OPEN)
                    .trim_end_matches(SLOT_CLOSE);
                parts.push((FormPart::Slot(name), gap));
                gap = 0;
            } else if words_from.is_none() {
                words_from = Some(start);
            }
        }
        if let Some(from) = words_from {
            parts.push((FormPart::Words(&gap_piece[from..]), gap));
        }
    }
    parts
}

/// Whether an expanded form is assembled from parts (it has a gap or a slot)
/// rather than matched as one pattern.
pub fn is_composite(form: &str) -> bool {
    // A gap holds a full stop, which a form's words seldom do: looking for the
    // one character first spares most forms the substring search.
    form.contains(SLOT_OPEN) || (form.contains('.') && form.contains(GAP))
}

fn expand_sequence(nodes: &[Node], forms: &mut Vec<String>) -> Result<(), PhraseError> {
    for node in nodes {
        match node {
            Node::Text(literal) => {
                for form in forms.iter_mut() {
                    form.push_str(literal);
                }
            }
            Node::Choice { options, optional } => {
                let mut next = Vec::new();
                let mut alternatives: Vec<Vec<String>> = Vec::new();
                for option in options {
                    let mut branch = vec![String::new()];
                    expand_sequence(option, &mut branch)?;
                    alternatives.push(branch);
                }
                if *optional {
                    alternatives.push(vec![String::new()]);
                }
                let total: usize = alternatives.iter().map(Vec::len).sum();
                if forms.len().saturating_mul(total) > MAX_FORMS_PER_PHRASE {
                    return Err(PhraseError {
                        column: 1,
                        message: format!(
                            "the phrase expands to more than {MAX_FORMS_PER_PHRASE} forms: split it into several phrases"
                        ),
                    });
                }
                for form in forms.iter() {
                    for branch in &alternatives {
                        for alternative in branch {
                            // Spaces around a group keep "a{b|c}" gluing as written.
                            let mut joined =
                                String::with_capacity(form.len() + alternative.len() + 16);
                            joined.push_str(form);
                            joined.push_str(alternative);
                            next.push(joined);
                        }
                    }
                }
                *forms = next;
            }
        }
    }
    Ok(())
}

/// Index of a lexicon within its rubric.
pub type LexiconId = usize;

/// One cue found in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseHit {
    /// Index into [`PhraseSet::phrase`].
    pub pattern: usize,
    /// Byte range of the phrase's words in the normalised text (no padding).
    pub start: usize,
    pub end: usize,
}

/// Every expanded phrase of a rubric in one automaton.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    automaton: AhoCorasick,
    /// The normalised form of each pattern.
    phrases: Vec<String>,
    /// Which lexicons each pattern belongs to (a phrase may sit in several).
    owners: Vec<Vec<LexiconId>>,
    /// For each pattern, the composite phrases it opens (is part 0 of).
    opened_by: Vec<Vec<usize>>,
    /// For each pattern, the composite phrases it is a later part of, with the
    /// part's index.
    later_part_in: Vec<Vec<(usize, usize)>>,
    /// For each lexicon, the composite phrases that open with a slot it fills
    /// (their part 0).
    opening_slot_of: Vec<Vec<(usize, usize)>>,
    /// Whether each lexicon fills a slot anywhere.
    is_slot: Vec<bool>,
    composites: Vec<CompositePhrase>,
    /// For each composite phrase, what its parts after the first need found in
    /// a sentence, for ruling out openers cheaply (see [`Need`]).
    needs: Vec<Vec<Need>>,
    /// For each pattern that is a later part of some composite phrase, its
    /// number among such patterns (`u32::MAX` for the others), so that a score
    /// stamps a short array instead of one as long as the whole pattern list.
    later_part: Vec<u32>,
    later_part_count: usize,
    /// For each lexicon, the composite phrases that open with a slot it fills,
    /// by what their second part needs (see [`PhraseSet::slot_openers_needing`]).
    /// `None` holds the phrases with nothing after the slot to need.
    slot_openers_by_need: Vec<FoldHashMap<Option<Need>, Vec<usize>>>,
}

/// A later part of a composite phrase, as the opener check reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Need {
    /// A word pattern, by its number among later-part patterns.
    LaterPart(u32),
    /// A phrase of this slot lexicon.
    Slot(LexiconId),
}

/// A phrase with gaps or slots: its parts must appear in order in one sentence,
/// each after the previous one with at most its `max_gap_before` words between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositePhrase {
    pub display: String,
    pub parts: Vec<Part>,
    pub lexicons: Vec<LexiconId>,
}

/// One part of a [`CompositePhrase`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub matcher: PartMatcher,
    /// The most words that may stand between the previous part and this one.
    pub max_gap_before: u32,
}

/// What fills a part of a composite phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartMatcher {
    /// Words, found as a pattern of the automaton.
    Pattern(usize),
    /// Any phrase of a lexicon (a slot).
    Slot(LexiconId),
}

/// Why a form could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotError {
    /// The slot names no lexicon of the rubric.
    Unknown(String),
}

#[derive(Debug, Default)]
pub struct PhraseSetBuilder {
    phrases: Vec<String>,
    owners: Vec<Vec<LexiconId>>,
    fragment_of: Vec<Vec<(usize, usize)>>,
    opening_slot_of: Vec<Vec<(usize, usize)>>,
    is_slot: Vec<bool>,
    index: FoldHashMap<String, usize>,
    composites: Vec<CompositePhrase>,
    composite_index: FoldHashMap<String, usize>,
    /// Slot names, resolved to lexicons.
    slot_names: FoldHashMap<String, LexiconId>,
    /// Lexicons with a composite form: a slot may not name one of them.
    composite_owners: foldhash::HashSet<LexiconId>,
}

impl PhraseSetBuilder {
    /// A builder whose phrases may name these lexicons as slots.
    pub fn with_slot_names<'n>(names: impl IntoIterator<Item = (&'n str, LexiconId)>) -> Self {
        PhraseSetBuilder {
            slot_names: names
                .into_iter()
                .map(|(name, id)| (name.to_owned(), id))
                .collect(),
            ..PhraseSetBuilder::default()
        }
    }

    fn pattern(&mut self, form: &str) -> usize {
        if let Some(&pattern) = self.index.get(form) {
            return pattern;
        }
        self.index.insert(form.to_owned(), self.phrases.len());
        self.phrases.push(form.to_owned());
        self.owners.push(Vec::new());
        self.fragment_of.push(Vec::new());
        self.phrases.len() - 1
    }

    /// Adds an expanded, normalised form for `lexicon`.
    pub fn add(&mut self, form: String, lexicon: LexiconId) -> Result<(), SlotError> {
        if is_composite(&form) {
            return self.add_composite(form, lexicon);
        }
        let pattern = self.pattern(&form);
        if !self.owners[pattern].contains(&lexicon) {
            self.owners[pattern].push(lexicon);
        }
        Ok(())
    }

    fn add_composite(&mut self, form: String, lexicon: LexiconId) -> Result<(), SlotError> {
        self.composite_owners.insert(lexicon);
        if let Some(&c) = self.composite_index.get(&form) {
            if !self.composites[c].lexicons.contains(&lexicon) {
                self.composites[c].lexicons.push(lexicon);
            }
            return Ok(());
        }
        let mut parts = Vec::new();
        for (part, max_gap_before) in form_parts(&form) {
            let matcher = match part {
                FormPart::Words(words) => PartMatcher::Pattern(self.pattern(words)),
                FormPart::Slot(name) => match self.slot_names.get(name) {
                    Some(&slot) => PartMatcher::Slot(slot),
                    None => return Err(SlotError::Unknown(name.to_owned())),
                },
            };
            parts.push(Part {
                matcher,
                max_gap_before,
            });
        }
        let c = self.composites.len();
        for (index, part) in parts.iter().enumerate() {
            match part.matcher {
                PartMatcher::Pattern(pattern) => self.fragment_of[pattern].push((c, index)),
                PartMatcher::Slot(slot) => {
                    if self.is_slot.len() <= slot {
                        self.is_slot.resize(slot + 1, false);
                        self.opening_slot_of.resize(slot + 1, Vec::new());
                    }
                    self.is_slot[slot] = true;
                    // A slot later in a phrase is looked up when the parts before
                    // it are found; only an opening slot starts a search.
                    if index == 0 {
                        self.opening_slot_of[slot].push((c, index));
                    }
                }
            }
        }
        self.composite_index.insert(form.clone(), c);
        self.composites.push(CompositePhrase {
            display: form,
            parts,
            lexicons: vec![lexicon],
        });
        Ok(())
    }

    /// A lexicon used as a slot whose own phrases have gaps or slots, with a
    /// lexicon that uses it: slots are filled from the automaton's matches, so
    /// they nest one level only.
    pub fn nested_slot(&self) -> Option<(LexiconId, LexiconId)> {
        self.composites.iter().find_map(|phrase| {
            phrase.parts.iter().find_map(|part| match part.matcher {
                PartMatcher::Slot(slot) if self.composite_owners.contains(&slot) => {
                    Some((phrase.lexicons[0], slot))
                }
                _ => None,
            })
        })
    }

    /// Distinct expanded forms so far, composite ones included.
    pub fn len(&self) -> usize {
        self.index.len() + self.composites.len()
    }

    /// The automaton over every form, with what each match means.
    pub fn build(self) -> Result<PhraseSet, aho_corasick::BuildError> {
        let padded = self.phrases.iter().map(|phrase| {
            let mut padded = String::with_capacity(phrase.len() + 2);
            padded.push(' ');
            padded.push_str(phrase);
            padded.push(' ');
            padded
        });
        // Standard semantics, because overlapping search needs it: one sentence can
        // hold an apology inside an empathy statement and both must be seen.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(padded)?;
        let mut later_part = vec![u32::MAX; self.phrases.len()];
        let mut later_part_count = 0usize;
        let needs = self
            .composites
            .iter()
            .map(|composite| {
                composite.parts[1..]
                    .iter()
                    .map(|part| match part.matcher {
                        PartMatcher::Pattern(pattern) => {
                            if later_part[pattern] == u32::MAX {
                                later_part[pattern] = later_part_count as u32;
                                later_part_count += 1;
                            }
                            Need::LaterPart(later_part[pattern])
                        }
                        PartMatcher::Slot(lexicon) => Need::Slot(lexicon),
                    })
                    .collect()
            })
            .collect::<Vec<Vec<Need>>>();
        let slot_openers_by_need = self
            .opening_slot_of
            .iter()
            .map(|openers| {
                let mut by_need: FoldHashMap<Option<Need>, Vec<usize>> = FoldHashMap::default();
                for &(composite, _) in openers {
                    let first = needs[composite].first().copied();
                    by_need.entry(first).or_default().push(composite);
                }
                by_need
            })
            .collect();
        // Scoring reads the opening and the later parts of a pattern apart.
        let (opened_by, later_part_in) = self
            .fragment_of
            .into_iter()
            .map(|parts| {
                let (opening, later): (Vec<_>, Vec<_>) =
                    parts.into_iter().partition(|&(_, part)| part == 0);
                (opening.into_iter().map(|(c, _)| c).collect(), later)
            })
            .unzip();
        Ok(PhraseSet {
            automaton,
            phrases: self.phrases,
            owners: self.owners,
            opened_by,
            later_part_in,
            opening_slot_of: self.opening_slot_of,
            is_slot: self.is_slot,
            composites: self.composites,
            needs,
            later_part,
            later_part_count,
            slot_openers_by_need,
        })
    }
}

impl PhraseSet {
    /// All phrase occurrences in `normalised`, overlapping ones included, in order of end.
    pub fn find_all(&self, normalised: &str) -> Vec<PhraseHit> {
        // About one hit for every ten bytes of a role-play: room for that up front
        // spares the copies of a list grown from nothing.
        let mut hits = Vec::with_capacity(normalised.len() / 8);
        hits.extend(
            self.automaton
                .find_overlapping_iter(normalised)
                .map(|m| PhraseHit {
                    pattern: m.pattern().as_usize(),
                    start: m.start() + 1,
                    end: m.end() - 1,
                }),
        );
        hits
    }

    /// Occurrences of whole phrases that the word-boundary rule keeps from
    /// counting: a phrase running into a longer word on one side ("sorry" in
    /// "sorryness"), with its start or end still on a word edge. For explaining
    /// a miss; it builds an automaton of its own, so it is not for scoring.
    pub fn inside_words(&self, normalised: &str) -> Vec<PhraseHit> {
        // Phrases this short are everywhere inside words and explain nothing.
        const SHORTEST: usize = 4;
        let Ok(automaton) = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&self.phrases)
        else {
            return Vec::new();
        };
        let bytes = normalised.as_bytes();
        let edge = |at: usize| at == 0 || at >= bytes.len() || bytes[at] == b' ';
        automaton
            .find_overlapping_iter(normalised)
            .filter(|m| m.end() - m.start() >= SHORTEST)
            .filter(|m| !self.owners[m.pattern().as_usize()].is_empty())
            .filter(|m| {
                let starts_on_edge = m.start() == 0 || edge(m.start() - 1);
                let ends_on_edge = edge(m.end());
                starts_on_edge != ends_on_edge
            })
            .map(|m| PhraseHit {
                pattern: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect()
    }

    /// The phrase a match reports: a pattern, or a composite phrase numbered after them.
    pub fn phrase(&self, phrase: usize) -> &str {
        match phrase.checked_sub(self.phrases.len()) {
            Some(c) => &self.composites[c].display,
            None => &self.phrases[phrase],
        }
    }

    pub fn owners(&self, pattern: usize) -> &[LexiconId] {
        &self.owners[pattern]
    }

    /// The composite phrases `pattern` opens (is part 0 of).
    pub fn opened_by(&self, pattern: usize) -> &[usize] {
        &self.opened_by[pattern]
    }

    /// The composite phrases `pattern` is a later part of, as (composite
    /// index, part index).
    pub fn later_part_in(&self, pattern: usize) -> &[(usize, usize)] {
        &self.later_part_in[pattern]
    }

    /// The composite phrases that open with a slot `lexicon` fills, as
    /// (composite index, part index).
    pub fn opening_slot_of(&self, lexicon: LexiconId) -> &[(usize, usize)] {
        self.opening_slot_of.get(lexicon).map_or(&[], Vec::as_slice)
    }

    /// The composite phrases that open with a slot `lexicon` fills and whose
    /// second part needs `need` (`None`: the phrases that are the slot alone):
    /// the ones to try when `need` was found in a sentence. A common opener
    /// ("I'll", "let me") opens hundreds of phrases, and a sentence holds only
    /// a few of their later parts.
    pub fn slot_openers_needing(&self, lexicon: LexiconId, need: Option<Need>) -> &[usize] {
        self.slot_openers_by_need
            .get(lexicon)
            .and_then(|by_need| by_need.get(&need))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `lexicon` fills a slot of any composite phrase.
    pub fn is_slot(&self, lexicon: LexiconId) -> bool {
        self.is_slot.get(lexicon).copied().unwrap_or(false)
    }

    pub fn composite(&self, c: usize) -> &CompositePhrase {
        &self.composites[c]
    }

    /// What the parts after the first of composite phrase `c` need found.
    pub fn needs(&self, c: usize) -> &[Need] {
        &self.needs[c]
    }

    /// `pattern`'s number among the patterns that are later parts of composite
    /// phrases, if it is one.
    pub fn later_part(&self, pattern: usize) -> Option<u32> {
        let index = self.later_part[pattern];
        (index != u32::MAX).then_some(index)
    }

    /// How many patterns are later parts of composite phrases.
    pub fn later_part_count(&self) -> usize {
        self.later_part_count
    }

    /// How many composite phrases there are.
    pub fn composite_count(&self) -> usize {
        self.composites.len()
    }

    /// The phrase number of composite phrase `c`, as [`PhraseSet::phrase`] takes it.
    pub fn composite_phrase_id(&self, c: usize) -> usize {
        self.phrases.len() + c
    }

    /// Every word of every pattern (composite phrases' word parts are patterns too).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.phrases.iter().flat_map(|p| p.split(' '))
    }

    /// Distinct expanded forms, composite ones included.
    pub fn len(&self) -> usize {
        self.phrases.len() + self.composites.len()
    }
}

/// A normaliser's output for a single sentence: handy for tests and `explain`.
pub fn normalised(text: &str) -> String {
    let mut n = Normaliser::new();
    n.push_text(text);
    n.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_table() {
        let cases: &[(&str, &[&str])] = &[
            ("sorry", &["sorry"]),
            ("{I am|I'm} sorry", &["i am sorry"]),
            (
                "I'm [really|so] sorry",
                &["i am really sorry", "i am so sorry", "i am sorry"],
            ),
            (
                "{I will|we'll} [{look into|sort}] it",
                &[
                    "i will look into it",
                    "i will sort it",
                    "i will it",
                    "we will look into it",
                    "we will sort it",
                    "we will it",
                ],
            ),
            ("{a|} b", &["a b", "b"]),
            ("Can’t", &["can not"]),
        ];
        for (phrase, expected) in cases {
            assert_eq!(expand(phrase).unwrap(), *expected, "phrase {phrase}");
        }
    }

    /// Each phrase fails to expand, at its column, with the fragment in its message.
    fn assert_phrase_errors(cases: &[(&str, usize, &str)]) {
        for (phrase, column, fragment) in cases {
            let err = expand(phrase).unwrap_err();
            assert_eq!(err.column, *column, "phrase {phrase}: {}", err.message);
            assert!(
                err.message.contains(fragment),
                "phrase {phrase}: {}",
                err.message
            );
        }
    }

    #[test]
    fn syntax_errors_name_the_column() {
        let cases: &[(&str, usize, &str)] = &[
            ("{a|b", 1, "never closed"),
            ("a [b} c", 5, "expected `]`"),
            ("a | b", 3, "outside a group"),
            ("[maybe]", 1, "no words"),
            ("--", 1, "no words"),
            ("a}", 2, "outside a group"),
        ];
        assert_phrase_errors(cases);
    }

    #[test]
    fn expansion_blow_up_is_refused() {
        let phrase = "{a|b|c|d}".repeat(8);
        let err = expand(&phrase).unwrap_err();
        assert!(err.message.contains("more than"), "{}", err.message);
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let mut builder = PhraseSetBuilder::default();
        builder.add("sorry".into(), 0).unwrap();
        builder.add("i am sorry".into(), 1).unwrap();
        builder.add("help".into(), 2).unwrap();
        let set = builder.build().unwrap();
        let haystack = normalised("I'm sorry, helpful? Unsorry!");
        let mut found: Vec<&str> = set
            .find_all(&haystack)
            .iter()
            .map(|h| set.phrase(h.pattern))
            .collect();
        found.sort_unstable();
        assert_eq!(found, vec!["i am sorry", "sorry"]);
    }

    #[test]
    fn gaps_split_a_phrase_into_parts() {
        assert_eq!(
            expand("{I want|I'd like} ... refund").unwrap(),
            vec!["i want ... refund", "i would like ... refund"]
        );
        assert!(expand("... refund")
            .unwrap_err()
            .message
            .contains("both sides"));
        let mut builder = PhraseSetBuilder::default();
        builder.add("i want ... refund".into(), 0).unwrap();
        builder.add("refund".into(), 1).unwrap();
        let set = builder.build().unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(set.later_part_in(1), &[(0, 1)]);
        assert!(set.opened_by(1).is_empty());
        assert_eq!(set.opened_by(0), &[0]);
        assert_eq!(set.owners(1), &[1]);
        assert_eq!(set.phrase(set.composite_phrase_id(0)), "i want ... refund");
    }

    #[test]
    fn slots_stay_whole_in_expanded_forms() {
        let cases: &[(&str, &[&str])] = &[
            (
                "no wonder you're <feeling>",
                &["no wonder you are <feeling>"],
            ),
            (
                "you're [so] <feeling> about it",
                &[
                    "you are so <feeling> about it",
                    "you are <feeling> about it",
                ],
            ),
            ("I'd be just as<feeling>", &["i would be just as <feeling>"]),
            ("you must be ... <feeling>", &["you must be ... <feeling>"]),
            ("<degree> <feeling> now", &["<degree> <feeling> now"]),
        ];
        for (phrase, expected) in cases {
            assert_eq!(expand(phrase).unwrap(), *expected, "phrase {phrase}");
        }
        let errors: &[(&str, usize, &str)] = &[
            ("you're <Feeling>", 8, "a slot is written"),
            ("you're <feeling", 8, "a slot is written"),
            ("you're <>", 8, "a slot is written"),
            ("<feeling>", 1, "only slots"),
            ("[so] <feeling>", 1, "only slots"),
            ("you feel ... [<feeling>]", 1, "both sides"),
        ];
        assert_phrase_errors(errors);
    }

    #[test]
    fn form_parts_name_each_gap() {
        assert_eq!(
            form_parts("you must be ... <degree> <feeling> about it"),
            vec![
                (FormPart::Words("you must be"), 0),
                (FormPart::Slot("degree"), MAX_GAP_WORDS),
                (FormPart::Slot("feeling"), 0),
                (FormPart::Words("about it"), 0),
            ]
        );
        assert_eq!(
            form_parts("plain words"),
            vec![(FormPart::Words("plain words"), 0)]
        );
        assert!(is_composite("a <b>") && is_composite("a ... b") && !is_composite("a b"));
    }

    #[test]
    fn later_parts_are_numbered_for_the_opener_check() {
        let mut builder = PhraseSetBuilder::with_slot_names([("feeling", 1)]);
        builder
            .add("sorry ... you are <feeling>".into(), 0)
            .unwrap();
        builder.add("i ... you are".into(), 0).unwrap();
        builder.add("upset".into(), 1).unwrap();
        let set = builder.build().unwrap();
        let you_are = set.phrases.iter().position(|p| p == "you are").unwrap();
        let sorry = set.phrases.iter().position(|p| p == "sorry").unwrap();
        // "you are" is a later part of both phrases and gets one number; an
        // opening part and a plain phrase get none.
        assert_eq!(set.later_part(you_are), Some(0));
        assert_eq!(set.later_part(sorry), None);
        assert_eq!(set.later_part_count(), 1);
        assert_eq!(set.needs(0), &[Need::LaterPart(0), Need::Slot(1)]);
        assert_eq!(set.needs(1), &[Need::LaterPart(0)]);
    }

    #[test]
    fn slots_resolve_to_lexicons_and_do_not_nest() {
        let mut builder = PhraseSetBuilder::with_slot_names([("feeling", 1), ("empathy", 0)]);
        builder
            .add("no wonder you are <feeling>".into(), 0)
            .unwrap();
        builder.add("upset".into(), 1).unwrap();
        assert_eq!(
            builder.add("you are <mood>".into(), 0),
            Err(SlotError::Unknown("mood".into()))
        );
        assert_eq!(builder.nested_slot(), None);
        builder.add("so <empathy>".into(), 2).unwrap();
        assert_eq!(builder.nested_slot(), Some((2, 0)));
        let set = builder.build().unwrap();
        assert!(set.is_slot(1) && set.is_slot(0) && !set.is_slot(2) && !set.is_slot(7));
        assert_eq!(set.opening_slot_of(1), &[] as &[(usize, usize)]);
        assert_eq!(set.composite(0).parts[1].matcher, PartMatcher::Slot(1));
    }

    #[test]
    fn a_phrase_in_two_lexicons_reports_both() {
        let mut builder = PhraseSetBuilder::default();
        builder.add("i understand".into(), 0).unwrap();
        builder.add("i understand".into(), 3).unwrap();
        let set = builder.build().unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(set.owners(0), &[0, 3]);
    }
}
