//! Why a rubric credits what it credits: every cue found in a transcript, whether
//! it counts (or was held back by negation or its place in the sentence), and
//! which behaviours and criteria would use it from this speaker.

use super::analysis::{Analysis, CueMatch};
use super::lexicon::LexiconId;
use super::rubric::Rubric;
use super::rules::Rule;
use super::who::Who;
use crate::transcript::{Role, Transcript};
use serde::Serialize;

/// Every cue of the rubric in the transcript, in turn order.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    /// The rubric's id.
    pub rubric: String,
    /// Every cue found, in text order.
    pub cues: Vec<CueFound>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
/// One cue found in the text, whether it counts, and what reads it.
pub struct CueFound {
    /// Index of the turn in the transcript.
    pub turn: usize,
    /// The turn's speaker.
    pub speaker: String,
    /// The speaker's role.
    pub role: Role,
    /// The lexicon the cue belongs to.
    pub lexicon: String,
    /// The phrase, as written after expansion, that matched.
    pub phrase: String,
    /// The matched words in the original text, and their char offsets in the turn.
    pub text: String,
    /// First char of the matched words in the turn.
    pub start: u32,
    /// Char after the last of the matched words in the turn.
    pub end: u32,
    /// Whether the cue counts at all.
    pub counts: bool,
    /// Why it does not count: negation, or not opening a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_back: Option<String>,
    /// Each behaviour or criterion rule that reads this lexicon, and whether it
    /// takes a cue from this speaker's role.
    pub feeds: Vec<CueUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
/// A rule or behaviour that reads a cue's lexicon.
pub struct CueUse {
    /// `criterion empathy` or `behaviour angry`.
    pub target: String,
    /// The rule kind and part: `says`, `reply.with`, `before.first`, `red_flags`...
    pub rule: String,
    /// Whether a cue in this turn can count there: the rule reads only some roles.
    pub takes_this_role: bool,
    /// Why a cue in this turn cannot count there, when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_not: Option<String>,
}

/// One place in the rubric that reads a lexicon.
struct Reader {
    target: String,
    rule: String,
    by: Who,
}

fn who_label(who: Who) -> &'static str {
    match who {
        Who::Learner => "the learner's",
        Who::Customer => "the customer's",
        Who::Other => "other speakers'",
        Who::Anyone => "anyone's",
    }
}

fn collect(rule: &Rule, target: &str, out: &mut Vec<(LexiconId, Reader)>) {
    let mut add = |lexicons: &[LexiconId], part: &str, by: Who| {
        for &lexicon in lexicons {
            out.push((
                lexicon,
                Reader {
                    target: target.to_owned(),
                    rule: part.to_owned(),
                    by,
                },
            ));
        }
    };
    match rule {
        Rule::Says {
            cues, by, unless, ..
        } => {
            add(cues, "says", *by);
            add(&unless.cues, "says.unless", *by);
        }
        Rule::Reply {
            to,
            with,
            by,
            from,
            unless,
            ..
        } => {
            add(to, "reply.to", *from);
            add(with, "reply.with", *by);
            add(&unless.cues, "reply.unless", *by);
        }
        Rule::Before {
            first,
            then,
            by,
            unless,
            ..
        } => {
            add(first, "before.first", *by);
            add(then, "before.then", *by);
            add(&unless.cues, "before.unless", *by);
        }
        Rule::Paraphrase {
            lead_ins, unless, ..
        } => {
            add(lead_ins, "paraphrase.lead_ins", Who::Learner);
            add(unless, "paraphrase.unless", Who::Learner);
        }
        Rule::Question {
            cues, unless, by, ..
        } => {
            add(cues, "question", *by);
            add(unless, "question.unless", *by);
        }
        Rule::Silence { unless, by, .. } => add(unless, "silence.unless", *by),
        Rule::WithinAuthority { offers } => add(offers, "within_authority.offers", Who::Learner),
        Rule::EscalatesOverAuthority {
            demands,
            escalation,
        } => {
            add(demands, "escalates_over_authority.demands", Who::Customer);
            add(
                escalation,
                "escalates_over_authority.escalation",
                Who::Learner,
            );
        }
        Rule::DemandOverAuthority { demands } => {
            add(demands, "demand_over_authority.demands", Who::Customer)
        }
        Rule::Interrupts { unless, by, .. } => add(&unless.cues, "interrupts.unless", *by),
        Rule::Behaviour(_) | Rule::ScenarioPolicy { .. } => {}
        Rule::All(rules) | Rule::Any(rules) => {
            for r in rules {
                collect(r, target, out);
            }
        }
        Rule::Count { of, unless, .. } => {
            // The count's own `unless` reaches whoever its parts credit.
            add(&unless.cues, "count.unless", Who::Anyone);
            for r in of {
                collect(r, target, out);
            }
        }
        Rule::Not(inner) | Rule::Optional(inner) => collect(inner, target, out),
    }
}

/// For each lexicon, whether it only fills slots: a slot lexicon that no rule,
/// behaviour, red flag, evaluation label or exclusion reads.
pub(crate) fn slot_only_lexicons(rubric: &Rubric) -> Vec<bool> {
    let mut read = vec![false; rubric.lexicons.len()];
    for (lexicon, _) in all_readers(rubric) {
        read[lexicon] = true;
    }
    (0..rubric.lexicons.len())
        .map(|id| {
            let lexicon = &rubric.lexicons[id];
            rubric.phrases.is_slot(id)
                && !read[id]
                && lexicon.labels.is_empty()
                && lexicon.excludes.is_empty()
                && rubric.excluded_by[id].is_empty()
        })
        .collect()
}

/// Every place that reads each lexicon, once each, in rubric order.
fn readers(rubric: &Rubric) -> Vec<(LexiconId, Reader)> {
    let mut out = all_readers(rubric);
    let mut seen = std::collections::HashSet::new();
    out.retain(|(lexicon, r)| seen.insert((*lexicon, r.target.clone(), r.rule.clone())));
    out
}

fn all_readers(rubric: &Rubric) -> Vec<(LexiconId, Reader)> {
    let mut out = Vec::new();
    for b in &rubric.behaviours {
        for &lexicon in &b.cues {
            out.push((
                lexicon,
                Reader {
                    target: format!("behaviour {}", b.id),
                    rule: "cues".into(),
                    by: Who::Customer,
                },
            ));
        }
    }
    for c in &rubric.criteria {
        let target = format!("criterion {}", c.id);
        if let Some(when) = &c.applies_when {
            collect(when, &format!("{target} (applies_when)"), &mut out);
        }
        collect(&c.rule, &target, &mut out);
        for flags in &c.red_flags {
            for &lexicon in &flags.cues {
                out.push((
                    lexicon,
                    Reader {
                        target: target.clone(),
                        rule: "red_flags".into(),
                        by: Who::Learner,
                    },
                ));
            }
            for r in &flags.rules {
                collect(r, &format!("{target} (red_flags)"), &mut out);
            }
        }
    }
    out
}

impl Rubric {
    /// Phrases found running into a longer word, held back by the word-boundary
    /// rule, as cues with their reason.
    fn inside_words(&self, analysis: &Analysis) -> Vec<(CueMatch, Option<String>)> {
        let tokens = &analysis.norm.tokens;
        let mut found = Vec::new();
        for hit in self.phrases.inside_words(&analysis.norm.text) {
            // The tokens the phrase touches, the partly covered one included.
            let first = tokens.partition_point(|t| (t.norm_end as usize) <= hit.start);
            let last = tokens.partition_point(|t| (t.norm_start as usize) < hit.end);
            let (Some(first_token), Some(last_token)) =
                (tokens.get(first), tokens.get(last.saturating_sub(1)))
            else {
                continue;
            };
            if last <= first || first_token.sentence != last_token.sentence {
                continue;
            }
            let turn = analysis.turn_of_token(first as u32);
            let word = |token: u32| analysis.token_text(token).to_owned();
            let partial = if (first_token.norm_start as usize) < hit.start {
                word(first as u32)
            } else {
                word(last as u32 - 1)
            };
            for &lexicon in self.phrases.owners(hit.pattern) {
                found.push((
                    CueMatch {
                        lexicon,
                        pattern: hit.pattern,
                        turn,
                        first_token: first as u32,
                        last_token: last as u32 - 1,
                    },
                    Some(format!(
                        "runs into the longer word \u{201c}{partial}\u{201d}: cues match whole words only"
                    )),
                ));
            }
        }
        found
    }

    /// Explains which cues fire in `transcript` and where they would count.
    pub fn explain(&self, transcript: &Transcript) -> Explanation {
        let analysis = Analysis::with_every_cue(self, transcript);
        let readers = readers(self);
        let mut found: Vec<(CueMatch, Option<String>)> = analysis
            .matches
            .iter()
            .map(|m| (*m, None))
            .chain(
                analysis
                    .suppressed
                    .iter()
                    .map(|s| (s.cue, Some(analysis.held_back_because(s.reason)))),
            )
            .collect();
        found.extend(self.inside_words(&analysis));
        found.sort_by_key(|(m, _)| (m.turn, m.first_token, m.lexicon, m.last_token));
        let cues = found
            .into_iter()
            .map(|(m, held_back)| {
                let tokens = &analysis.norm.tokens;
                let (start, end) = (
                    tokens[m.first_token as usize].orig_start,
                    tokens[m.last_token as usize].orig_end,
                );
                let turn = &transcript.turns[m.turn];
                let feeds = readers
                    .iter()
                    .filter(|(lexicon, _)| *lexicon == m.lexicon)
                    .map(|(_, reader)| {
                        let takes = reader.by.admits(turn.role);
                        CueUse {
                            target: reader.target.clone(),
                            rule: reader.rule.clone(),
                            takes_this_role: takes,
                            why_not: (!takes).then(|| {
                                format!(
                                    "it reads {} turns, and this is the {}'s",
                                    who_label(reader.by),
                                    turn.role.as_str()
                                )
                            }),
                        }
                    })
                    .collect();
                CueFound {
                    turn: m.turn,
                    speaker: turn.speaker.clone(),
                    role: turn.role,
                    lexicon: self.lexicons[m.lexicon].name.clone(),
                    phrase: self.phrases.phrase(m.pattern).to_owned(),
                    text: analysis.slice_chars(m.turn, start, end).to_owned(),
                    start,
                    end,
                    counts: held_back.is_none(),
                    held_back,
                    feeds,
                }
            })
            .collect();
        Explanation {
            rubric: self.id.clone(),
            cues,
        }
    }
}
