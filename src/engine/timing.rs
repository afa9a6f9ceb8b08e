//! Rules that read turn times rather than words: interruptions and long silences.
//!
//! Both need `start` and `end` times, which only timed formats (WebVTT, SRT,
//! Whisper, AWS, Deepgram, AssemblyAI, timed JSON) carry. On a transcript with
//! no times they have nothing to judge and stay out of the score, so the same
//! role-play typed as plain text is not marked down for what cannot be seen.

use super::analysis::Analysis;
use super::evidence::{quote_sentence, Evidence, Polarity, Quote, RuleKind};
use super::lexicon::LexiconId;
use super::rules::{Evaluator, Rule, RuleOutcome, Unless};
use super::who::Who;
use std::collections::BTreeSet;

/// Short listening noises: overlapping the customer with these is active
/// listening, not taking the floor, so they do not count towards `min_words`.
const BACKCHANNEL: &[&str] = &[
    "mm", "mmm", "hmm", "mhm", "uh", "huh", "um", "er", "erm", "ah", "oh", "yeah", "yes", "yep",
    "right", "okay", "ok", "sure", "i", "see", "uh-huh", "mm-hmm", "aha", "alright", "no",
];

impl Evaluator<'_, '_> {
    /// Evaluates an `interrupts` or `silence` rule; not applicable without times.
    pub(super) fn timing(&self, rule: &Rule) -> RuleOutcome {
        if !self.analysis.transcript.is_timed() {
            return RuleOutcome::default();
        }
        match rule {
            Rule::Interrupts {
                by,
                of,
                overlap,
                min_words,
                at_least,
                unless,
            } => self.interrupts(*by, *of, *overlap, *min_words, *at_least, unless),
            Rule::Silence {
                by,
                over,
                unless,
                at_least,
            } => self.silence(*by, *over, unless, *at_least),
            _ => RuleOutcome::default(),
        }
    }

    /// Turns by `by` that start at least `overlap` seconds before the turn of
    /// `of` they follow has ended, and say at least `min_words` words beyond
    /// listening noises.
    fn interrupts(
        &self,
        by: Who,
        of: Who,
        overlap: f64,
        min_words: u32,
        at_least: u32,
        unless: &Unless,
    ) -> RuleOutcome {
        let a = self.analysis;
        let turns = &a.transcript.turns;
        let ruled_out = self.evidence_ruled_out(unless);
        let mut evidence = Vec::new();
        let mut found = 0;
        // The latest turn of `of` that no turn of `by` has followed yet: only the
        // first turn of `by` after it can have cut it short.
        let mut pending: Option<usize> = None;
        for turn in 0..turns.len() {
            let role = a.role(turn);
            if by.admits(role) {
                if let Some(interrupted) = pending.take() {
                    let (Some(started), Some(other_end)) =
                        (turns[turn].start, turns[interrupted].end)
                    else {
                        continue;
                    };
                    let after_other_began = turns[interrupted].start.is_none_or(|s| started > s);
                    let early_by = other_end - started;
                    if early_by >= overlap
                        && after_other_began
                        && self.substantive_words(turn) >= min_words as usize
                    {
                        let evidence_of_it =
                            timing_evidence(a, RuleKind::Interrupts, turn, interrupted);
                        // "Sorry to jump in" and the like, when the rubric says so.
                        if evidence_of_it.as_ref().is_some_and(&ruled_out) {
                            continue;
                        }
                        found += 1;
                        if let Some(mut e) = evidence_of_it {
                            e.note = Some(format!(
                                "started {early_by:.1} s before {} had finished",
                                of.name()
                            ));
                            evidence.push(e);
                        }
                    }
                }
            }
            if of.admits(role) {
                pending = Some(turn);
            }
        }
        self.timing_outcome(found, at_least, evidence, || {
            self.describe_interrupts(by, of, overlap, unless)
        })
    }

    /// Turns by `by` that begin at least `over` seconds after everyone fell
    /// silent, unless `by` said one of `unless` (a hold notice, say) in one of
    /// the two turns before the silence.
    fn silence(&self, by: Who, over: f64, unless: &[LexiconId], at_least: u32) -> RuleOutcome {
        let a = self.analysis;
        let turns = &a.transcript.turns;
        let excusing_turns: BTreeSet<usize> = a
            .cue_matches(unless)
            .filter(|m| by.admits(a.role(m.turn)))
            .map(|m| m.turn)
            .collect();
        let mut evidence = Vec::new();
        let mut found = 0;
        // Overlapping cues mean the previous turn need not be the last to end.
        let mut last_sound: Option<f64> = None;
        for (turn, current) in turns.iter().enumerate() {
            if by.admits(a.role(turn)) {
                if let (Some(started), Some(quiet_since)) = (current.start, last_sound) {
                    let gap = started - quiet_since;
                    let excused =
                        (turn.saturating_sub(2)..turn).any(|t| excusing_turns.contains(&t));
                    if gap >= over && !excused {
                        found += 1;
                        if let Some(mut e) = timing_evidence(a, RuleKind::Silence, turn, turn - 1) {
                            e.note = Some(format!("after {gap:.1} s of silence"));
                            evidence.push(e);
                        }
                    }
                }
            }
            if let Some(sound) = current.end.or(current.start) {
                last_sound = Some(last_sound.map_or(sound, |s| s.max(sound)));
            }
        }
        self.timing_outcome(found, at_least, evidence, || {
            self.describe_silence(by, over, unless)
        })
    }

    fn timing_outcome(
        &self,
        found: usize,
        at_least: u32,
        evidence: Vec<Evidence>,
        describe: impl FnOnce() -> String,
    ) -> RuleOutcome {
        let score = (found as f64 / at_least as f64).min(1.0);
        let unmet =
            (score < 1.0).then(|| format!("{}: found {found}, {at_least} needed", describe()));
        RuleOutcome {
            score: Some(score),
            evidence,
            unmet: unmet.into_iter().collect(),
        }
    }

    /// Words in a turn that are more than listening noises.
    fn substantive_words(&self, turn: usize) -> usize {
        let a = self.analysis;
        a.turn_tokens[turn]
            .clone()
            .filter(|&t| !BACKCHANNEL.contains(&a.token_text(t)))
            .count()
    }

    pub(super) fn describe_interrupts(
        &self,
        by: Who,
        of: Who,
        overlap: f64,
        unless: &Unless,
    ) -> String {
        format!(
            "{} starting to speak at least {overlap} s before {} had finished{}",
            by.name(),
            of.name(),
            self.describe_unless(unless)
        )
    }

    pub(super) fn describe_silence(&self, by: Who, over: f64, unless: &[LexiconId]) -> String {
        let mut text = format!("a silence of {over} s or more before {} spoke", by.name());
        if !unless.is_empty() {
            text.push_str(&format!(
                ", unless {} had just said {}",
                by.name(),
                self.describe_cues(unless)
            ));
        }
        text
    }
}

/// The first sentence of `turn`, answering the last sentence of `earlier`;
/// `None` when the turn has no words to quote.
fn timing_evidence(a: &Analysis, rule: RuleKind, turn: usize, earlier: usize) -> Option<Evidence> {
    let first = a.turn_sentences[turn].clone().next()?;
    let responds_to: Option<Quote> = a.turn_sentences[earlier]
        .clone()
        .last()
        .map(|s| quote_sentence(a, earlier, s));
    Some(Evidence {
        rule,
        cue: None,
        phrase: None,
        polarity: Polarity::For,
        quote: quote_sentence(a, turn, first),
        responds_to,
        note: None,
    })
}
