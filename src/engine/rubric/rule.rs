//! Compiling one rule: a raw rule table to a [`Rule`], every cue and behaviour
//! name resolved and every number checked. Errors point at the rule's table.

use super::error::RubricError;
use super::names::{abbreviate, Names};
use super::raw::{
    RawInterrupts, RawParaphrase, RawQuestion, RawRule, RawSays, RawSaysFull, RawSilence, RawWindow,
};
use crate::engine::lexicon::LexiconId;
use crate::engine::rules::{Rule, Unless, UnlessScope, Window};
use crate::engine::who::Who;
use toml::Spanned;

/// Checks and resolves what the rule at `raw` holds, its own rules included.
pub(super) fn compile_rule(raw: &Spanned<RawRule>, names: &Names) -> Result<Rule, RubricError> {
    let at = Place { raw, names };
    Ok(match raw.get_ref() {
        RawRule::Says(RawSays::Cues(cues)) => Rule::Says {
            cues: at.cues(cues, "says")?,
            by: Who::Learner,
            at_least: 1,
            window: Window::All,
            unless: Unless::default(),
        },
        RawRule::Says(RawSays::Full(s)) => says(s, &at)?,
        RawRule::Reply(r) => Rule::Reply {
            to: at.cues(&r.to, "reply.to")?,
            with: at.cues(&r.with, "reply.with")?,
            within: at.positive(r.within, "within")?,
            by: r.by.unwrap_or(Who::Learner),
            from: r.from.unwrap_or(Who::Customer),
            unless: at.unless(&r.unless, r.unless_in, "reply.unless")?,
        },
        RawRule::Before(b) => Rule::Before {
            first: at.cues(&b.first, "before.first")?,
            then: at.cues(&b.then, "before.then")?,
            late: at.fraction(b.late, "before.late")?,
            by: b.by.unwrap_or(Who::Learner),
            unless: at.unless(&b.unless, b.unless_in, "before.unless")?,
        },
        RawRule::Paraphrase(p) => paraphrase(p, &at)?,
        RawRule::Question(q) => question(q, &at)?,
        RawRule::Interrupts(i) => interrupts(i, &at)?,
        RawRule::Silence(s) => silence(s, &at)?,
        RawRule::Behaviour(ids) => behaviour(ids, &at)?,
        RawRule::All(parts) | RawRule::Any(parts) => {
            if parts.is_empty() {
                return Err(at.error("`all` and `any` need at least one rule"));
            }
            let compiled = at.rules(parts)?;
            if matches!(raw.get_ref(), RawRule::All(_)) {
                Rule::All(compiled)
            } else {
                Rule::Any(compiled)
            }
        }
        RawRule::Not(inner) => Rule::Not(Box::new(compile_rule(inner, names)?)),
        RawRule::Optional(inner) => Rule::Optional(Box::new(compile_rule(inner, names)?)),
        RawRule::Count(c) => {
            if c.of.is_empty() {
                return Err(at.error("`count.of` needs at least one rule"));
            }
            Rule::Count {
                of: at.rules(&c.of)?,
                at_least: at.positive(c.at_least, "at_least")?,
                unless: at.unless(&c.unless, c.unless_in, "count.unless")?,
            }
        }
        RawRule::ScenarioPolicy(p) => Rule::ScenarioPolicy {
            by: p.by.unwrap_or(Who::Learner),
        },
        RawRule::WithinAuthority(w) => Rule::WithinAuthority {
            offers: at.cues(&w.offers, "within_authority.offers")?,
        },
        RawRule::EscalatesOverAuthority(e) => Rule::EscalatesOverAuthority {
            demands: at.optional_cues(&e.demands, "escalates_over_authority.demands")?,
            escalation: at.cues(&e.escalation, "escalates_over_authority.escalation")?,
        },
        RawRule::DemandOverAuthority(d) => Rule::DemandOverAuthority {
            demands: at.optional_cues(&d.demands, "demand_over_authority.demands")?,
        },
    })
}

/// The rule being compiled, which every error points at.
struct Place<'a> {
    raw: &'a Spanned<RawRule>,
    names: &'a Names<'a>,
}

impl Place<'_> {
    fn error(&self, message: impl Into<String>) -> RubricError {
        self.names.locator.span(self.raw, message)
    }

    fn cues(&self, cues: &[Spanned<String>], field: &str) -> Result<Vec<LexiconId>, RubricError> {
        self.names.cues_at(self.raw, cues, field)
    }

    /// Like [`Place::cues`], for a list the rule may leave empty.
    fn optional_cues(
        &self,
        cues: &[Spanned<String>],
        field: &str,
    ) -> Result<Vec<LexiconId>, RubricError> {
        if cues.is_empty() {
            Ok(Vec::new())
        } else {
            self.cues(cues, field)
        }
    }

    /// A rule's `unless` cues and how far they reach.
    fn unless(
        &self,
        cues: &[Spanned<String>],
        scope: UnlessScope,
        field: &str,
    ) -> Result<Unless, RubricError> {
        Ok(Unless {
            cues: self.optional_cues(cues, field)?,
            scope,
        })
    }

    fn rules(&self, parts: &[Spanned<RawRule>]) -> Result<Vec<Rule>, RubricError> {
        parts.iter().map(|p| compile_rule(p, self.names)).collect()
    }

    fn positive(&self, value: u32, field: &str) -> Result<u32, RubricError> {
        if value == 0 {
            Err(self.error(format!("`{field}` must be 1 or more")))
        } else {
            Ok(value)
        }
    }

    fn fraction(&self, value: f64, field: &str) -> Result<f64, RubricError> {
        if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(self.error(format!("`{field}` must be between 0 and 1")))
        }
    }
}

fn says(s: &RawSaysFull, at: &Place) -> Result<Rule, RubricError> {
    let window = match &s.window {
        None => Window::All,
        Some(w) => window(w, at)?,
    };
    Ok(Rule::Says {
        cues: at.cues(&s.cues, "says.cues")?,
        by: s.by.unwrap_or(Who::Learner),
        at_least: at.positive(s.at_least, "at_least")?,
        window,
        unless: at.unless(&s.unless, s.unless_in, "says.unless")?,
    })
}

fn window(w: &RawWindow, at: &Place) -> Result<Window, RubricError> {
    Ok(
        match (w.first_turns, w.last_turns, w.from_seconds, w.to_seconds) {
            (Some(n), None, None, None) => Window::FirstTurns(at.positive(n, "first_turns")?),
            (None, Some(n), None, None) => Window::LastTurns(at.positive(n, "last_turns")?),
            (None, None, from, to) if from.is_some() || to.is_some() => {
                let from = from.unwrap_or(0.0);
                let to = to.unwrap_or(f64::INFINITY);
                if !(from >= 0.0 && to > from) {
                    return Err(at.error(
                        "`in`: `from_seconds` must be at least 0 and below `to_seconds`",
                    ));
                }
                Window::Seconds(from, to)
            }
            _ => {
                return Err(at.error(
                    "`in` takes one of `{ first_turns = N }`, `{ last_turns = N }` or `{ from_seconds = A, to_seconds = B }`",
                ))
            }
        },
    )
}

fn paraphrase(p: &RawParaphrase, at: &Place) -> Result<Rule, RubricError> {
    Ok(Rule::Paraphrase {
        at_least: at.positive(p.at_least, "at_least")?,
        min_shared: at.positive(p.min_shared, "min_shared")?,
        min_overlap: at.fraction(p.min_overlap, "min_overlap")?,
        lead_ins: at.optional_cues(&p.lead_ins, "paraphrase.lead_ins")?,
        lead_in_overlap: at.fraction(p.lead_in_overlap, "lead_in_overlap")?,
        window: at.positive(p.window, "window")?,
        unless: at.optional_cues(&p.unless, "paraphrase.unless")?,
        labels: p.labels.clone(),
    })
}

fn question(q: &RawQuestion, at: &Place) -> Result<Rule, RubricError> {
    Ok(Rule::Question {
        cues: at.optional_cues(&q.cues, "question.cues")?,
        lead: at.positive(q.lead, "lead")?,
        at_least: at.positive(q.at_least, "at_least")?,
        by: q.by.unwrap_or(Who::Learner),
        unless: at.optional_cues(&q.unless, "question.unless")?,
        asked_of: q.asked_of,
        labels: q.labels.clone(),
    })
}

fn interrupts(i: &RawInterrupts, at: &Place) -> Result<Rule, RubricError> {
    if !(i.overlap.is_finite() && (0.0..=60.0).contains(&i.overlap)) {
        return Err(at.error("`interrupts.overlap` must be between 0 and 60 seconds"));
    }
    Ok(Rule::Interrupts {
        by: i.by.unwrap_or(Who::Learner),
        of: i.of.unwrap_or(Who::Customer),
        overlap: i.overlap,
        min_words: i.min_words,
        at_least: at.positive(i.at_least, "at_least")?,
        unless: at.unless(&i.unless, i.unless_in, "interrupts.unless")?,
    })
}

fn silence(s: &RawSilence, at: &Place) -> Result<Rule, RubricError> {
    if !(s.over.is_finite() && s.over > 0.0 && s.over <= 3600.0) {
        return Err(at.error("`silence.over` must be above 0 and at most 3600 seconds"));
    }
    Ok(Rule::Silence {
        by: s.by.unwrap_or(Who::Learner),
        over: s.over,
        unless: at.optional_cues(&s.unless, "silence.unless")?,
        at_least: at.positive(s.at_least, "at_least")?,
    })
}

fn behaviour(ids: &[Spanned<String>], at: &Place) -> Result<Rule, RubricError> {
    if ids.is_empty() {
        return Err(at.error("`behaviour` lists no behaviours"));
    }
    let names = at.names;
    let resolved = ids
        .iter()
        .map(|id| {
            names.behaviours.get(id.get_ref()).copied().ok_or_else(|| {
                let known: Vec<&str> = names.behaviours.keys().map(String::as_str).collect();
                names.locator.span(
                    id,
                    format!(
                        "unknown behaviour `{}`: define it in `[[behaviours]]` or use one of: {}",
                        id.get_ref(),
                        abbreviate(&known)
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rule::Behaviour(resolved))
}
