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
    /// It supports the criterion.
    For,
    /// It counts against the criterion (a red flag, a cue out of order).
    Against,
}

/// An exact slice of one turn: `turn.text[start..end] == quote`, counted in chars.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Quote {
    /// Index of the turn in the transcript.
    pub turn: usize,
    /// The turn's speaker, as the transcript names them.
    pub speaker: String,
    /// The speaker's role.
    pub role: Role,
    /// The quoted text, exactly as in the turn.
    pub quote: String,
    /// First char of the quote in the turn's text.
    pub start: u32,
    /// Char after the last of the quote in the turn's text.
    pub end: u32,
    /// When the turn starts, in seconds, for timed transcripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
}

/// The kind of rule a piece of evidence comes from, as results name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A `says` rule: a sentence holding one of its cues.
    Says,
    /// A `reply` rule: the learner's answer to a customer's cue.
    Reply,
    /// A `before` rule: the cue that came first, or (against) one out of order.
    Before,
    /// A `paraphrase` rule: a sentence restating the customer's words.
    Paraphrase,
    /// A `question` rule: a question asked.
    Question,
    /// An `interrupts` rule: a turn that started before the other speaker finished.
    Interrupts,
    /// A `silence` rule: a turn that came after a long gap.
    Silence,
    /// A `scenario_policy` rule: a sentence naming one of the scenario's policies.
    ScenarioPolicy,
    /// A `within_authority` rule: an amount offered, within or over the limit.
    WithinAuthority,
    /// An `escalates_over_authority` rule: the demand over the limit, then the escalation.
    EscalatesOverAuthority,
    /// A `demand_over_authority` rule: the customer asking for more than the limit.
    DemandOverAuthority,
    /// A customer behaviour's cue.
    Behaviour,
    /// A criterion's red flag: a cue or rule that counts against it.
    RedFlag,
}

impl RuleKind {
    /// The name results give it, as in the rubric format.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Says => "says",
            RuleKind::Reply => "reply",
            RuleKind::Before => "before",
            RuleKind::Paraphrase => "paraphrase",
            RuleKind::Question => "question",
            RuleKind::Interrupts => "interrupts",
            RuleKind::Silence => "silence",
            RuleKind::ScenarioPolicy => "scenario_policy",
            RuleKind::WithinAuthority => "within_authority",
            RuleKind::EscalatesOverAuthority => "escalates_over_authority",
            RuleKind::DemandOverAuthority => "demand_over_authority",
            RuleKind::Behaviour => "behaviour",
            RuleKind::RedFlag => "red_flag",
        }
    }
}

impl std::fmt::Display for RuleKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence for (or against) a criterion.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    /// The kind of rule that produced it.
    pub rule: RuleKind,
    /// The lexicon whose cue fired, when a cue did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// The normalised phrase that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// Whether it supports the criterion or counts against it.
    pub polarity: Polarity,
    /// The quote it rests on.
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
    pub(crate) fn from_cue(
        rule: RuleKind,
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

#[cfg(test)]
mod tests {
    use super::RuleKind;

    #[test]
    fn a_rule_kind_serialises_to_its_name() {
        let kinds = [
            RuleKind::Says,
            RuleKind::Reply,
            RuleKind::Before,
            RuleKind::Paraphrase,
            RuleKind::Question,
            RuleKind::Interrupts,
            RuleKind::Silence,
            RuleKind::ScenarioPolicy,
            RuleKind::WithinAuthority,
            RuleKind::EscalatesOverAuthority,
            RuleKind::DemandOverAuthority,
            RuleKind::Behaviour,
            RuleKind::RedFlag,
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(kind.to_string(), kind.as_str());
        }
    }
}
