//! One pass over a transcript: normalise every turn, run the rubric's automaton once,
//! and index the cue matches so that rules can be evaluated without rescanning text.

use super::grouped::Grouped;
#[cfg(doc)]
use super::lexicon::MAX_GAP_WORDS;
use super::lexicon::{CompositePhrase, LexiconId, Need, PartMatcher, PhraseHit};
use super::question_form;
use super::rubric::Rubric;
use super::text::{token_text, Normaliser};
use super::words::short_word_key;
use crate::transcript::{Role, Transcript};
use foldhash::{HashMap as FoldHashMap, HashSet as FoldHashSet};
use std::ops::Range;
use std::sync::OnceLock;

/// How many words before a cue a negator may stand, whatever the words between.
const NEGATION_REACH: usize = 3;
/// How far a negator reaches over words that only carry it on to the act:
/// "I'm not going to say I'm sorry", "I won't be able to pass this on".
const NEGATION_BRIDGED_REACH: usize = 8;
/// Words a negation carries over to the act it refuses: auxiliaries, intention,
/// saying and pronouns, never content. "No problem at all, sorry" stops at
/// "problem", so the apology stands.
fn carries_negation(word: &str) -> bool {
    matches!(
        word,
        "i" | "you"
            | "we"
            | "it"
            | "that"
            | "me"
            | "am"
            | "is"
            | "are"
            | "was"
            | "be"
            | "been"
            | "will"
            | "would"
            | "can"
            | "could"
            | "should"
            | "shall"
            | "do"
            | "does"
            | "did"
            | "have"
            | "has"
            | "had"
            | "going"
            | "gonna"
            | "to"
            | "about"
            | "want"
            | "able"
            | "need"
            | "got"
            | "say"
            | "said"
            | "saying"
            | "tell"
            | "let"
            | "just"
            | "even"
            | "ever"
            | "really"
            | "actually"
            | "personally"
            | "again"
    )
}

/// A conjunction that opens a new clause when a subject follows it: the negation
/// of "that's on us, not you, and I'm sorry" ends at "and", because "I'm sorry"
/// has a subject of its own. ("I won't lie and say sorry" has none, and a bridged
/// negation stops at "lie" anyway.)
fn starts_clause_before_subject(word: &str, next: &str) -> bool {
    matches!(
        word,
        "and"
            | "so"
            | "because"
            | "cos"
            | "cause"
            | "since"
            | "then"
            | "or"
            | "although"
            | "though"
            | "while"
            | "whereas"
            | "when"
    ) && is_subject(next)
}

/// A subject and its verb that open a clause of their own, with no conjunction
/// and no punctuation before them, as unpunctuated speech runs clauses together:
/// in "the money hasn't turned up that's really stressful" the negation ends at
/// "up". The clause goes on after a word that takes a clause as its object ("I
/// can't say that's fair", "I'm not sure it's gone through") or a pronoun ("I
/// can't tell you it's been sent"), and a negator before the subject still
/// negates ("not that I'm aware"). A "that" joins the clause only as a
/// complementiser, after a word that takes a clause ("I'm not saying that I'll
/// refund it"); after any other word it is the object ("I'm not having that, I'm
/// booking you in"), and the subject after it opens a clause of its own.
fn opens_clause_unjoined(before: Option<&str>, word: &str, subject: &str, verb: &str) -> bool {
    is_subject(subject)
        && matches!(
            verb,
            "am" | "is"
                | "are"
                | "was"
                | "were"
                | "will"
                | "would"
                | "have"
                | "has"
                | "had"
                | "can"
                | "could"
                | "should"
                | "must"
        )
        && (!takes_a_clause(word) || word == "that" && is_object_that(before))
}

/// Whether the "that" after `before` is a demonstrative object, not a
/// complementiser: the word before it is neither one that takes a clause nor a
/// negator ("not that I'm aware"), nor a conjunction made with it ("so that",
/// "now that").
fn is_object_that(before: Option<&str>) -> bool {
    before.is_some_and(|before| {
        !takes_a_clause(before)
            && !is_negator(before)
            && !matches!(
                before,
                "so" | "now" | "such" | "except" | "given" | "provided" | "assuming" | "in"
            )
    })
}

/// Words after which a subject and verb carry on the clause rather than open
/// one: verbs of saying, thinking and knowing, complementisers, pronouns, and
/// the nouns a relative clause hangs from.
fn takes_a_clause(word: &str) -> bool {
    matches!(
        word,
        "think"
            | "thought"
            | "believe"
            | "say"
            | "said"
            | "saying"
            | "says"
            | "tell"
            | "telling"
            | "told"
            | "know"
            | "knew"
            | "mean"
            | "means"
            | "meant"
            | "suppose"
            | "guess"
            | "sure"
            | "certain"
            | "feel"
            | "felt"
            | "expect"
            | "reckon"
            | "hope"
            | "promise"
            | "guarantee"
            | "pretend"
            | "realise"
            | "realize"
            | "seem"
            | "seems"
            | "like"
            | "that"
            | "if"
            | "whether"
            | "what"
            | "how"
            | "why"
            | "where"
            | "who"
            | "me"
            | "you"
            | "him"
            | "her"
            | "us"
            | "them"
            | "it"
            | "something"
            | "anything"
            | "everything"
            | "thing"
            | "way"
            | "chance"
            | "one"
    )
}

/// Words that a negator before them makes a complete formula of its own: "don't
/// worry", "no problem", "not a problem", "no wonder". The negation is spent on
/// them, so in "don't worry, I guarantee it" or "no wonder you're upset" the act
/// after the formula is said, not refused.
fn settles_negation(word: &str) -> bool {
    matches!(
        word,
        "worry" | "worries" | "problem" | "problems" | "bother" | "fuss" | "doubt" | "wonder"
    )
}

/// "No" said as an interjection negates nothing after it: "oh no, that's the last
/// thing you want", "no, I'd be fuming too". As a determiner it stands before a
/// noun ("no refund"), never after "oh" or before a subject pronoun.
fn is_interjected_no(word: &str, previous: Option<&str>, next: &str) -> bool {
    word == "no" && (matches!(previous, Some("oh" | "ah" | "aw" | "aww")) || is_subject(next))
}

/// A word that can open a clause as its subject.
fn is_subject(word: &str) -> bool {
    matches!(
        word,
        "i" | "we" | "you" | "they" | "he" | "she" | "it" | "that" | "this" | "there"
    )
}

/// Words that negate a cue standing close after them in the same clause.
fn is_negator(word: &str) -> bool {
    matches!(
        word,
        "not" | "no" | "never" | "nothing" | "nobody" | "neither" | "nor" | "hardly" | "without"
    )
}

/// A cue of one lexicon found in one turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueMatch {
    pub lexicon: LexiconId,
    pub pattern: usize,
    pub turn: usize,
    /// Token range (inclusive) in the analysis's token list.
    pub first_token: u32,
    pub last_token: u32,
}

/// A cue that was found but does not count, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppressed {
    pub cue: CueMatch,
    pub reason: SuppressedBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressedBy {
    /// A negating word (its token index) stands close before the cue.
    Negation(u32),
    /// The lexicon counts only cues that open a sentence, and this one does not.
    MidSentence,
    /// The lexicon counts only cues that end a sentence, and words follow this one.
    SentenceGoesOn,
    /// The lexicon counts only cues in statements, and this one is in a question.
    InQuestion,
    /// The lexicon counts only cues in questions, and this one is in a statement.
    InStatement,
    /// A cue of a lexicon that excludes this one counts in the same sentence:
    /// the sentence reads as that, not as this.
    Excluded {
        /// The excluding lexicon.
        by: LexiconId,
        /// The phrase of its cue.
        pattern: usize,
    },
}

impl Analysis<'_> {
    /// Why a suppressed cue does not count, in words for an author.
    pub fn held_back_because(&self, reason: SuppressedBy) -> String {
        match reason {
            SuppressedBy::Negation(word) => {
                format!("negated by \u{201c}{}\u{201d}", self.token_text(word))
            }
            SuppressedBy::MidSentence => {
                "does not open a sentence, and the lexicon counts only cues that do".to_owned()
            }
            SuppressedBy::SentenceGoesOn => {
                "does not end its sentence, and the lexicon counts only cues that do".to_owned()
            }
            SuppressedBy::InQuestion => {
                "is in a question, and the lexicon counts only cues in statements".to_owned()
            }
            SuppressedBy::InStatement => {
                "is in a statement, and the lexicon counts only cues in questions".to_owned()
            }
            SuppressedBy::Excluded { by, pattern } => format!(
                "the sentence reads as {} (\u{201c}{}\u{201d}), which rules it out",
                self.rubric.lexicons[by].name,
                self.rubric.phrases.phrase(pattern)
            ),
        }
    }
}

pub struct Analysis<'a> {
    pub rubric: &'a Rubric,
    pub transcript: &'a Transcript,
    pub norm: Normaliser,
    /// Token and sentence ranges of each turn.
    pub turn_tokens: Vec<Range<u32>>,
    pub turn_sentences: Vec<Range<u32>>,
    /// Counted matches, ordered by turn, then position, then lexicon.
    pub matches: Vec<CueMatch>,
    /// For each lexicon, indices into `matches`, in transcript order.
    by_lexicon: Grouped<usize>,
    pub suppressed: Vec<Suppressed>,
    /// For each turn, byte offset of every char boundary, built on first quote;
    /// `None` for an ASCII turn, whose char offsets are its byte offsets.
    char_offsets: Vec<OnceLock<Option<Vec<u32>>>>,
    stems: OnceLock<Vec<Option<u32>>>,
}

impl<'a> Analysis<'a> {
    /// The analysis that scoring reads: the cues of a lexicon that only fills
    /// slots (no rule, behaviour, label or exclusion reads it) are kept as slot
    /// hits alone, without a negation check or a place in the match list. Feeling
    /// words and common verbs are everywhere, and nothing would read those cues.
    pub fn new(rubric: &'a Rubric, transcript: &'a Transcript) -> Analysis<'a> {
        Analysis::build(rubric, transcript, false)
    }

    /// The analysis that `explain` and a rubric's examples read: every cue found,
    /// slot vocabularies' included, so an author sees what each lexicon matched.
    pub fn with_every_cue(rubric: &'a Rubric, transcript: &'a Transcript) -> Analysis<'a> {
        Analysis::build(rubric, transcript, true)
    }

    fn build(rubric: &'a Rubric, transcript: &'a Transcript, every_cue: bool) -> Analysis<'a> {
        let bytes = transcript.turns.iter().map(|t| t.text.len()).sum();
        let mut norm = Normaliser::with_capacity(bytes);
        let mut turn_tokens = Vec::with_capacity(transcript.turns.len());
        let mut turn_sentences = Vec::with_capacity(transcript.turns.len());
        for turn in &transcript.turns {
            let tokens_before = norm.tokens.len() as u32;
            let sentences_before = norm.sentences.len() as u32;
            norm.push_text(&turn.text);
            norm.end_turn();
            turn_tokens.push(tokens_before..norm.tokens.len() as u32);
            turn_sentences.push(sentences_before..norm.sentences.len() as u32);
        }

        let mut matches = Vec::new();
        let mut suppressed = Vec::new();
        let mut fragments = Vec::new();
        // Each slot lexicon's phrases found, in the order found, filed by lexicon
        // once the text is read.
        let mut slot_hits: Vec<(LexiconId, SlotHit)> = Vec::new();
        let mut openings = Openings::new(rubric.phrases.composite_count());
        let mut turn_cursor = 0usize;
        let mut hits = rubric.phrases.find_all(&norm.text);
        order_by_span(&mut hits);
        let phrases = &rubric.phrases;
        let mut record = |cue: CueMatch, turn_start: u32| {
            let lexicon = &rubric.lexicons[cue.lexicon];
            if lexicon.sentence_start && !opens_sentence(&norm, cue.first_token) {
                suppressed.push(Suppressed {
                    cue,
                    reason: SuppressedBy::MidSentence,
                });
                return;
            }
            if lexicon.sentence_end && !ends_sentence(&norm, cue.last_token) {
                suppressed.push(Suppressed {
                    cue,
                    reason: SuppressedBy::SentenceGoesOn,
                });
                return;
            }
            if lexicon.statements_only && in_question(&norm, cue.first_token) {
                suppressed.push(Suppressed {
                    cue,
                    reason: SuppressedBy::InQuestion,
                });
                return;
            }
            if lexicon.questions_only && !asks(&norm, cue.first_token) {
                suppressed.push(Suppressed {
                    cue,
                    reason: SuppressedBy::InStatement,
                });
                return;
            }
            match find_negator(&norm, turn_start, cue.first_token) {
                Some(negator) if lexicon.negatable => {
                    suppressed.push(Suppressed {
                        cue,
                        reason: SuppressedBy::Negation(negator),
                    });
                }
                _ => matches.push(cue),
            }
        };
        // Hits come in order of start, so the first token is found by walking
        // forward, and the last is a few tokens on: no search over the whole text
        // per hit, which matters when common words are parts of phrases.
        let mut token_cursor = 0usize;
        // Common words and feeling words open a great many composite phrases
        // that the rest of their sentence cannot complete. Before a sentence's
        // hits are read, each later-part pattern and slot lexicon found in it is
        // stamped with the sentence, so an opener whose later parts are not all
        // there is never kept, sorted or chained (issue 22).
        let mut part_seen_in = vec![u32::MAX; phrases.later_part_count()];
        let mut slot_seen_in = vec![u32::MAX; rubric.lexicons.len()];
        let mut stamped_sentence = u32::MAX;
        // What the stamped sentence holds, each need once: the way in to the
        // phrases a common slot opener opens (see `slot_openers_needing`).
        let mut needs_seen: Vec<Need> = Vec::new();
        for (index, hit) in hits.iter().enumerate() {
            let tokens = &norm.tokens;
            while tokens
                .get(token_cursor)
                .is_some_and(|t| (t.norm_start as usize) < hit.start)
            {
                token_cursor += 1;
            }
            let first_token = token_cursor as u32;
            let mut last = token_cursor;
            while tokens
                .get(last + 1)
                .is_some_and(|t| (t.norm_end as usize) <= hit.end)
            {
                last += 1;
            }
            let last_token = last as u32;
            while turn_tokens[turn_cursor].end <= first_token {
                turn_cursor += 1;
            }
            let turn = turn_cursor;
            let sentence = norm.tokens[first_token as usize].sentence;
            if sentence != stamped_sentence {
                stamped_sentence = sentence;
                openings.here.clear();
                let last = norm.sentences[sentence as usize].end_token as usize - 1;
                let sentence_end = norm.tokens[last].norm_end as usize;
                needs_seen.clear();
                for later in hits[index..].iter().take_while(|h| h.start < sentence_end) {
                    if let Some(part) = phrases.later_part(later.pattern) {
                        if part_seen_in[part as usize] != sentence {
                            part_seen_in[part as usize] = sentence;
                            needs_seen.push(Need::LaterPart(part));
                        }
                    }
                    for &lexicon in phrases.owners(later.pattern) {
                        if slot_seen_in[lexicon] != sentence {
                            slot_seen_in[lexicon] = sentence;
                            if phrases.is_slot(lexicon) {
                                needs_seen.push(Need::Slot(lexicon));
                            }
                        }
                    }
                }
            }
            let can_finish = |composite: usize| {
                phrases.needs(composite).iter().all(|need| match *need {
                    Need::LaterPart(part) => part_seen_in[part as usize] == sentence,
                    Need::Slot(lexicon) => slot_seen_in[lexicon] == sentence,
                })
            };
            let fragment = |(composite, part): (usize, usize)| Fragment {
                composite,
                part,
                sentence,
                turn,
                first_token,
                last_token,
            };
            for &lexicon in phrases.owners(hit.pattern) {
                if every_cue || !rubric.slot_only[lexicon] {
                    let cue = CueMatch {
                        lexicon,
                        pattern: hit.pattern,
                        turn,
                        first_token,
                        last_token,
                    };
                    record(cue, turn_tokens[turn].start);
                }
                // A slot is filled by what its lexicon's phrase says, negated or not:
                // the composite phrase is judged as a whole when it is recorded.
                if phrases.is_slot(lexicon) {
                    slot_hits.push((
                        lexicon,
                        SlotHit {
                            first_token,
                            last_token,
                            sentence,
                        },
                    ));
                    // Each phrase that can finish is met once either way: it is
                    // filed under one need, which must have been seen.
                    let openers = phrases.opening_slot_of(lexicon);
                    let mut open = |composite: usize| {
                        if can_finish(composite) {
                            openings.open(composite, sentence);
                            fragments.push(fragment((composite, 0)));
                        }
                    };
                    if openers.len() <= needs_seen.len() + 1 {
                        openers.iter().for_each(|&(composite, _)| open(composite));
                    } else {
                        std::iter::once(None)
                            .chain(needs_seen.iter().copied().map(Some))
                            .flat_map(|need| phrases.slot_openers_needing(lexicon, need))
                            .for_each(|&composite| open(composite));
                    }
                }
            }
            for &composite in phrases.opened_by(hit.pattern) {
                if can_finish(composite) {
                    openings.open(composite, sentence);
                    fragments.push(fragment((composite, 0)));
                }
            }
            // A later part is kept only when its phrase's opening part came
            // earlier in the sentence. Common words ("you", "it") are later
            // parts of many phrases and a sentence opens few (good-angry's hits
            // are later parts 2,051 times, 5 of them in an opened phrase), so
            // the shorter list is walked (issue 22); either finds the same
            // fragments, which are sorted before they are chained.
            let later = phrases.later_part_in(hit.pattern);
            if later.len() <= openings.here.len() {
                for &(composite, part) in later {
                    if openings.sentence_of[composite] == sentence {
                        fragments.push(fragment((composite, part)));
                    }
                }
            } else {
                for &composite in &openings.here {
                    let parts = &phrases.composite(composite).parts;
                    for (part, _) in parts
                        .iter()
                        .enumerate()
                        .skip(1)
                        .filter(|(_, p)| p.matcher == PartMatcher::Pattern(hit.pattern))
                    {
                        fragments.push(fragment((composite, part)));
                    }
                }
            }
        }
        let slot_hits = Grouped::new(rubric.lexicons.len(), &slot_hits);
        for cue in assemble_composites(rubric, fragments, &slot_hits) {
            record(cue, turn_tokens[cue.turn].start);
        }
        matches.sort_by_key(|m| {
            (
                m.turn,
                m.first_token,
                m.lexicon,
                std::cmp::Reverse(m.last_token),
            )
        });
        if rubric.excluded_by.iter().any(|by| !by.is_empty()) {
            hold_back_excluded(rubric, &norm, &mut matches, &mut suppressed);
        }
        let by_lexicon: Vec<(LexiconId, usize)> = matches
            .iter()
            .enumerate()
            .map(|(index, m)| (m.lexicon, index))
            .collect();
        let by_lexicon = Grouped::new(rubric.lexicons.len(), &by_lexicon);
        Analysis {
            rubric,
            transcript,
            norm,
            turn_tokens,
            turn_sentences,
            matches,
            by_lexicon,
            suppressed,
            char_offsets: (0..transcript.turns.len())
                .map(|_| OnceLock::new())
                .collect(),
            stems: OnceLock::new(),
        }
    }

    /// The turn a token belongs to.
    pub fn turn_of_token(&self, token: u32) -> usize {
        self.turn_tokens.partition_point(|range| range.end <= token)
    }

    pub fn role(&self, turn: usize) -> Role {
        self.transcript.turns[turn].role
    }

    /// Matches of any of `lexicons`, in transcript order.
    pub fn cue_matches<'s>(
        &'s self,
        lexicons: &'s [LexiconId],
    ) -> impl Iterator<Item = &'s CueMatch> + 's {
        let mut indices: Vec<usize> = lexicons
            .iter()
            .flat_map(|&l| self.by_lexicon.get(l).iter().copied())
            .collect();
        if lexicons.len() > 1 {
            indices.sort_unstable();
            indices.dedup();
        }
        indices.into_iter().map(move |i| &self.matches[i])
    }

    /// The sentences in which a cue of any of `lexicons` starts.
    pub fn sentences_with(&self, lexicons: &[LexiconId]) -> FoldHashSet<u32> {
        self.cue_matches(lexicons)
            .map(|m| self.norm.tokens[m.first_token as usize].sentence)
            .collect()
    }

    /// Slices a turn's original text by char offsets.
    pub fn slice_chars(&self, turn: usize, start: u32, end: u32) -> &str {
        let text = &self.transcript.turns[turn].text;
        let offsets = self.char_offsets[turn].get_or_init(|| {
            if text.is_ascii() {
                return None;
            }
            let mut offsets: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            offsets.push(text.len() as u32);
            Some(offsets)
        });
        match offsets {
            Some(offsets) => {
                &text[offsets[start as usize] as usize..offsets[end as usize] as usize]
            }
            None => &text[start as usize..end as usize],
        }
    }

    /// Content-word stem of each token as an id (`None` for stop words), for
    /// paraphrase overlap: equal ids, equal stems. Participants' names are not
    /// content: a learner addressing the customer by name restates nothing.
    pub fn stems(&self) -> &[Option<u32>] {
        self.stems.get_or_init(|| {
            // A speaker speaks many turns: each name is normalised once.
            let mut speakers: FoldHashSet<&str> = FoldHashSet::default();
            let mut names = Normaliser::new();
            for turn in &self.transcript.turns {
                if speakers.insert(&turn.speaker) {
                    names.push_text(&turn.speaker);
                }
            }
            let name_words: FoldHashSet<&str> = names
                .tokens
                .iter()
                .map(|t| token_text(&names.text, t))
                .collect();
            // Conversations repeat their words, and stemming is the costly part:
            // each distinct word is stemmed once, and the rubric's own words not at
            // all. Stems the rubric does not know are numbered after its own.
            let known = &self.rubric.stems;
            let mut by_stem: FoldHashMap<String, u32> = FoldHashMap::default();
            let mut stem_of = |word: &str| {
                // Stop words are the commonest words, and no name is looked up
                // for them.
                let name = |word| name_words.contains(word);
                if let Some(stem) = known.word(word) {
                    return stem.filter(|_| !name(word));
                }
                let stem = super::words::content_stem(word)?;
                if name(word) {
                    return None;
                }
                if let Some(id) = known.stem(&stem) {
                    return Some(id);
                }
                let next = known.stems() + by_stem.len() as u32;
                Some(*by_stem.entry(stem).or_insert(next))
            };
            // Each word is looked up once a token, so most of them, the short
            // ones, are keyed by a number: hashed and compared as one, not as
            // bytes (issue 22). Room for the distinct words of a role-play of a
            // few thousand words up front, so no map is rebuilt as it grows.
            let room = (self.norm.tokens.len() / 2).min(1024);
            let mut by_short_word: FoldHashMap<u64, Option<u32>> =
                FoldHashMap::with_capacity_and_hasher(room, Default::default());
            let mut by_word: FoldHashMap<&str, Option<u32>> =
                FoldHashMap::with_capacity_and_hasher(room / 4, Default::default());
            self.norm
                .tokens
                .iter()
                .map(|t| token_text(&self.norm.text, t))
                .map(|word| match short_word_key(word) {
                    Some(key) => *by_short_word.entry(key).or_insert_with(|| stem_of(word)),
                    None => *by_word.entry(word).or_insert_with(|| stem_of(word)),
                })
                .collect()
        })
    }

    pub fn token_text(&self, token: u32) -> &str {
        token_text(&self.norm.text, &self.norm.tokens[token as usize])
    }
}

/// Orders hits by span, (start, end). A span fixes its words, and patterns are
/// distinct word strings, so no two hits tie and this is the order of (start,
/// end, pattern) too. The automaton reports a hit when it reaches the hit's
/// end, so hits come in order of end, and a hit is out of place only by the
/// few hits inside its own span: an insertion sort moves each that far and no
/// further, where a general sort was an eighth of building the analysis (issue
/// 22). Any order comes out right, only slower.
fn order_by_span(hits: &mut [PhraseHit]) {
    let span = |hit: &PhraseHit| (hit.start, hit.end);
    for next in 1..hits.len() {
        let hit = hits[next];
        let mut at = next;
        while at > 0 && span(&hits[at - 1]) > span(&hit) {
            hits[at] = hits[at - 1];
            at -= 1;
        }
        hits[at] = hit;
    }
}

/// The composite phrases whose opening part was found, as the hits of a
/// transcript are read sentence by sentence.
struct Openings {
    /// For each composite phrase, the sentence it was last opened in.
    sentence_of: Vec<u32>,
    /// The phrases opened in the sentence being read, each once: those whose
    /// `sentence_of` is that sentence. Cleared when the next sentence starts.
    here: Vec<usize>,
}

impl Openings {
    fn new(composites: usize) -> Openings {
        Openings {
            sentence_of: vec![u32::MAX; composites],
            here: Vec::new(),
        }
    }

    fn open(&mut self, composite: usize, sentence: u32) {
        if self.sentence_of[composite] != sentence {
            self.sentence_of[composite] = sentence;
            self.here.push(composite);
        }
    }
}

/// A part of a composite phrase found in the text.
#[derive(Debug, Clone, Copy)]
struct Fragment {
    composite: usize,
    part: usize,
    sentence: u32,
    turn: usize,
    first_token: u32,
    last_token: u32,
}

/// A phrase of a slot lexicon found in the text, in the order found (by first
/// token), for the composite phrases that look it up.
#[derive(Debug, Clone, Copy)]
struct SlotHit {
    first_token: u32,
    last_token: u32,
    sentence: u32,
}

/// Chains the parts of each composite phrase within one sentence, in order, each
/// after the previous one with at most its gap of words between (none for a word
/// or slot written next to it, [`MAX_GAP_WORDS`] after `...`). Each search is
/// bounded by the gap, so the cost stays linear in the number of fragments.
fn assemble_composites(
    rubric: &Rubric,
    mut fragments: Vec<Fragment>,
    slot_hits: &Grouped<SlotHit>,
) -> Vec<CueMatch> {
    let mut found = Vec::new();
    // The key holds every field but the turn, which the first token fixes, so
    // equal keys are equal fragments and an unstable sort orders them the same.
    fragments
        .sort_unstable_by_key(|f| (f.composite, f.sentence, f.first_token, f.part, f.last_token));
    fragments.dedup_by_key(|f| (f.composite, f.sentence, f.first_token, f.part, f.last_token));
    for group in fragments.chunk_by(|a, b| a.composite == b.composite && a.sentence == b.sentence) {
        let phrase = rubric.phrases.composite(group[0].composite);
        for start in group.iter().filter(|f| f.part == 0) {
            let chain = Chain {
                phrase,
                group,
                slot_hits,
                sentence: start.sentence,
            };
            if let Some(end) = chain.end(1, start.last_token) {
                for &lexicon in &phrase.lexicons {
                    found.push(CueMatch {
                        lexicon,
                        pattern: rubric.phrases.composite_phrase_id(start.composite),
                        turn: start.turn,
                        first_token: start.first_token,
                        last_token: end,
                    });
                }
            }
        }
    }
    found
}

/// One search for the rest of a composite phrase, from a start in one sentence.
struct Chain<'s> {
    phrase: &'s CompositePhrase,
    /// The fragments of the phrase's word parts in the sentence.
    group: &'s [Fragment],
    slot_hits: &'s Grouped<SlotHit>,
    sentence: u32,
}

impl Chain<'_> {
    /// The last token of the first way to complete the phrase from `part` on,
    /// after a chain that ends at token `end`. Every candidate for a part is
    /// tried, because a slot may be filled by a short and a long phrase from the
    /// same word ("fed up" and "fed up to the back teeth"), and only one may
    /// leave room for what follows. The candidates lie within the part's gap, so
    /// the search stays small.
    fn end(&self, part: usize, end: u32) -> Option<u32> {
        let Some(next) = self.phrase.parts.get(part) else {
            return Some(end);
        };
        let within = |first_token: u32| first_token <= end + 1 + next.max_gap_before;
        match next.matcher {
            PartMatcher::Pattern(_) => {
                let from = self.group.partition_point(|f| f.first_token <= end);
                self.group[from..]
                    .iter()
                    .take_while(|f| within(f.first_token))
                    .filter(|f| f.part == part)
                    .find_map(|f| self.end(part + 1, f.last_token))
            }
            PartMatcher::Slot(lexicon) => {
                let hits = self.slot_hits.get(lexicon);
                let from = hits.partition_point(|h| h.first_token <= end);
                hits[from..]
                    .iter()
                    .take_while(|h| within(h.first_token))
                    .filter(|h| h.sentence == self.sentence)
                    .find_map(|h| self.end(part + 1, h.last_token))
            }
        }
    }
}

/// Moves every counted cue that a counted cue of an excluding lexicon rules out
/// in the same sentence to `suppressed`. Excluding cues are taken from the
/// counted ones only, so a negated non-apology rules nothing out; and an
/// excluding cue that is itself ruled out rules nothing out either, so in "I'm
/// sorry, you should've had a text" the company's failure holds back the blame
/// that would otherwise have held back the apology. `matches` is in transcript
/// order, so a sentence's cues stand together; most sentences rule nothing out,
/// and then nothing is moved or copied.
fn hold_back_excluded(
    rubric: &Rubric,
    norm: &Normaliser,
    matches: &mut Vec<CueMatch>,
    suppressed: &mut Vec<Suppressed>,
) {
    let sentence_of = |m: &CueMatch| norm.tokens[m.first_token as usize].sentence;
    let mut held = Vec::new();
    let mut start = 0;
    for sentence in matches.chunk_by(|a, b| sentence_of(a) == sentence_of(b)) {
        for (offset, excluder) in settle_exclusions(rubric, sentence) {
            held.push(start + offset);
            suppressed.push(Suppressed {
                cue: sentence[offset],
                reason: SuppressedBy::Excluded {
                    by: excluder.lexicon,
                    pattern: excluder.pattern,
                },
            });
        }
        start += sentence.len();
    }
    if held.is_empty() {
        return;
    }
    let mut index = 0;
    let mut next_held = held.into_iter().peekable();
    matches.retain(|_| {
        let keep = next_held.next_if_eq(&index).is_none();
        index += 1;
        keep
    });
}

/// Which cues of one sentence are ruled out, in order, each with the kept cue
/// that rules it out. A cue with no excluder in the sentence is kept; a cue with
/// a kept excluder is held; a cue whose excluders are all held is kept; and so
/// on until nothing changes. Cues left undecided exclude one another in a
/// circle, and are all held, as neither reading can be trusted.
fn settle_exclusions<'a>(rubric: &Rubric, sentence: &'a [CueMatch]) -> Vec<(usize, &'a CueMatch)> {
    let excluders_of = |cue: &CueMatch| {
        let excluded_by = &rubric.excluded_by[cue.lexicon];
        sentence
            .iter()
            .enumerate()
            .filter(move |(_, other)| excluded_by.contains(&other.lexicon))
    };
    if sentence
        .iter()
        .all(|cue| excluders_of(cue).next().is_none())
    {
        return Vec::new();
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Undecided,
        Kept,
        Held,
    }
    let mut state = vec![State::Undecided; sentence.len()];
    loop {
        let mut changed = false;
        for (i, cue) in sentence.iter().enumerate() {
            if state[i] != State::Undecided {
                continue;
            }
            let mut excluders = excluders_of(cue).map(|(j, _)| state[j]);
            let next = if excluders.clone().any(|s| s == State::Kept) {
                State::Held
            } else if excluders.all(|s| s == State::Held) {
                State::Kept
            } else {
                continue;
            };
            state[i] = next;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    sentence
        .iter()
        .enumerate()
        .filter(|&(i, _)| state[i] != State::Kept)
        .map(|(i, cue)| {
            let by = excluders_of(cue)
                .find(|&(j, _)| state[j] == State::Kept)
                .or_else(|| excluders_of(cue).next())
                .map(|(_, other)| other)
                .expect("a cue that is not kept has an excluder");
            (i, by)
        })
        .collect()
}

fn in_question(norm: &Normaliser, token: u32) -> bool {
    let sentence = norm.tokens[token as usize].sentence;
    question_form::is_question(norm, &norm.sentences[sentence as usize])
}

/// Whether the cue starting at `token` is asked: its sentence is a question, or,
/// in speech left unpunctuated (where one "sentence" may run several together),
/// the cue itself opens like a question ("so dennis can you tell me ...").
fn asks(norm: &Normaliser, token: u32) -> bool {
    let sentence = &norm.sentences[norm.tokens[token as usize].sentence as usize];
    question_form::is_question(norm, sentence)
        || (sentence.unpunctuated && question_form::opens_question(norm, token))
}

fn opens_sentence(norm: &Normaliser, token: u32) -> bool {
    token == 0 || norm.tokens[token as usize - 1].sentence != norm.tokens[token as usize].sentence
}

fn ends_sentence(norm: &Normaliser, token: u32) -> bool {
    norm.tokens
        .get(token as usize + 1)
        .is_none_or(|next| next.sentence != norm.tokens[token as usize].sentence)
}

/// A negator before the cue in its clause: within [`NEGATION_REACH`] words of
/// any kind, or further over words that [carry negation](carries_negation) only.
fn find_negator(norm: &Normaliser, turn_start: u32, cue_start: u32) -> Option<u32> {
    let clause = norm.tokens.get(cue_start as usize)?.clause;
    let reach_from = (cue_start as usize)
        .saturating_sub(NEGATION_BRIDGED_REACH)
        .max(turn_start as usize);
    for (distance, i) in (reach_from..cue_start as usize).rev().enumerate() {
        let token = &norm.tokens[i];
        if token.clause != clause {
            return None;
        }
        let word = token_text(&norm.text, token);
        let next = token_text(&norm.text, &norm.tokens[i + 1]);
        // The word before, in the same clause: read only by the two checks that
        // need it, as most words pass neither.
        let previous = || {
            (i > turn_start as usize)
                .then(|| &norm.tokens[i - 1])
                .filter(|previous| previous.clause == clause)
                .map(|previous| token_text(&norm.text, previous))
        };
        if is_negator(word) {
            if is_interjected_no(word, previous(), next) {
                return None;
            }
            return Some(i as u32);
        }
        if settles_negation(word) {
            return None;
        }
        if starts_clause_before_subject(word, next) {
            return None;
        }
        if let Some(after_next) = norm.tokens.get(i + 2).filter(|t| t.clause == clause) {
            if opens_clause_unjoined(previous(), word, next, token_text(&norm.text, after_next)) {
                return None;
            }
        }
        if distance + 1 >= NEGATION_REACH && !carries_negation(word) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{order_by_span, PhraseHit};

    #[test]
    fn hits_are_ordered_by_span_whatever_order_they_come_in() {
        let spans = [(0, 5), (0, 11), (6, 11), (12, 20), (6, 20), (0, 20)];
        let hit = |(start, end)| PhraseHit {
            pattern: start * 100 + end,
            start,
            end,
        };
        let mut sorted: Vec<PhraseHit> = spans.iter().copied().map(hit).collect();
        sorted.sort_unstable_by_key(|h| (h.start, h.end));
        let by_end: Vec<PhraseHit> = spans.iter().copied().map(hit).collect();
        for mut hits in [by_end.clone(), by_end.into_iter().rev().collect()] {
            order_by_span(&mut hits);
            assert_eq!(hits, sorted);
        }
    }
}
