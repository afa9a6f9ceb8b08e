//! Evidence: quotes cut from the original turn text, with exact offsets.

use super::analysis::{Analysis, CueMatch};
use crate::transcript::Role;
use serde::Serialize;

/// Quotes longer than this (in chars) are cut to words around the cue.
const MAX_SENTENCE_QUOTE: u32 = 400;
/// Words kept either side of a cue when a sentence is too long to quote whole.
const WORDS_AROUND_CUE: u32 = 12;

/// Whether a piece of evidence supports the criterion or counts against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    For,
    Against,
}

/// An exact slice of one turn: `turn.text[start..end] == quote`, counted in chars.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Quote {
    pub turn: usize,
    pub speaker: String,
    pub role: Role,
    pub quote: String,
    pub start: u32,
    pub end: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
}

/// One piece of evidence for (or against) a criterion.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    /// The rule kind that produced it: says, reply, before, paraphrase, question, red_flag.
    pub rule: &'static str,
    /// The lexicon whose cue fired, when a cue did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// The normalised phrase that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    pub polarity: Polarity,
    #[serde(flatten)]
    pub quote: Quote,
    /// The earlier turn this one answers or restates (reply and paraphrase rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responds_to: Option<Quote>,
    /// A short explanation, e.g. how much of a paraphrase overlaps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Evidence {
    pub fn from_cue(
        rule: &'static str,
        analysis: &Analysis,
        cue: &CueMatch,
        polarity: Polarity,
    ) -> Evidence {
        Evidence {
            rule,
            cue: Some(analysis.rubric.lexicons[cue.lexicon].name.clone()),
            phrase: Some(analysis.rubric.phrases.phrase(cue.pattern).to_owned()),
            polarity,
            quote: quote_cue(analysis, cue),
            responds_to: None,
            note: None,
        }
    }

    /// Identity used to avoid listing the same quote twice for one criterion.
    pub fn key(&self) -> (usize, u32, u32, Polarity) {
        (
            self.quote.turn,
            self.quote.start,
            self.quote.end,
            self.polarity,
        )
    }
}

/// The sentence holding a cue, or words around it when the sentence is very long.
pub fn quote_cue(analysis: &Analysis, cue: &CueMatch) -> Quote {
    let tokens = &analysis.norm.tokens;
    let first = tokens[cue.first_token as usize];
    let sentence = analysis.norm.sentences[first.sentence as usize];
    if sentence.orig_end - sentence.orig_start <= MAX_SENTENCE_QUOTE {
        return quote_span(analysis, cue.turn, sentence.orig_start, sentence.orig_end);
    }
    let from = cue
        .first_token
        .saturating_sub(WORDS_AROUND_CUE)
        .max(sentence.first_token);
    let to = (cue.last_token + WORDS_AROUND_CUE).min(sentence.end_token - 1);
    quote_span(
        analysis,
        cue.turn,
        tokens[from as usize].orig_start,
        tokens[to as usize].orig_end,
    )
}

/// The whole sentence with index `sentence`.
pub fn quote_sentence(analysis: &Analysis, turn: usize, sentence: u32) -> Quote {
    let s = analysis.norm.sentences[sentence as usize];
    if s.orig_end - s.orig_start <= MAX_SENTENCE_QUOTE || s.first_token == s.end_token {
        return quote_span(analysis, turn, s.orig_start, s.orig_end);
    }
    let tokens = &analysis.norm.tokens;
    let last = (s.first_token + 2 * WORDS_AROUND_CUE).min(s.end_token - 1);
    quote_span(
        analysis,
        turn,
        tokens[s.first_token as usize].orig_start,
        tokens[last as usize].orig_end,
    )
}

pub fn quote_span(analysis: &Analysis, turn: usize, start: u32, end: u32) -> Quote {
    let t = &analysis.transcript.turns[turn];
    Quote {
        turn,
        speaker: t.speaker.clone(),
        role: t.role,
        quote: analysis.slice_chars(turn, start, end).to_owned(),
        start,
        end,
        time: t.start,
    }
}
