//! Turn-pattern rules and their evaluation over an [`Analysis`].
//!
//! Every rule scores 0..1 (or is not applicable) and returns its evidence and, when
//! it falls short, a sentence saying what was looked for and where. Every rule is
//! linear in the number of turns and matches: none compares each turn with every
//! earlier turn.

use super::address::Addressees;
use super::analysis::{Analysis, CueMatch};
use super::evidence::{quote_cue, quote_sentence, Evidence, Polarity, Quote, RuleKind};
use super::lexicon::LexiconId;
use super::question_form;
use super::scenario::{self, Amount, Scenario};
use super::text::Sentence;
use super::who::Who;
use crate::transcript::Role;
use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};

/// Content words a sentence of unpunctuated speech needs before it can be read
/// as a paraphrase without a lead-in ("so you're saying...").
const MIN_UNPUNCTUATED_CONTENT_WORDS: usize = 3;

/// Cues that stop a rule's own cue counting when said in the same sentence (or,
/// with [`UnlessScope::Turn`], the same turn): "I'm sorry, but that's your
/// fault" is no apology when the rule says `unless = ["blame"]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unless {
    /// The lexicons that rule a cue out; empty means none do.
    pub cues: Vec<LexiconId>,
    /// How far from the cue they reach.
    pub scope: UnlessScope,
}

/// How far an `unless` cue reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnlessScope {
    /// The cue's own sentence.
    #[default]
    Sentence,
    /// The cue's whole turn.
    Turn,
}

/// Whom a `question` rule's questions must be put to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AskedOf {
    /// Any question counts, whoever it is put to.
    #[default]
    Anyone,
    /// Not a question that opens or closes on the name of someone else: "Sam,
    /// can you check the stock room?" is put to a colleague.
    Customer,
}

impl AskedOf {
    fn describe(self) -> &'static str {
        match self {
            AskedOf::Anyone => "",
            AskedOf::Customer => " of the customer",
        }
    }
}

/// Where in the conversation a `says` rule looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    All,
    FirstTurns(u32),
    LastTurns(u32),
    /// From and to, in seconds from the start of the recording.
    Seconds(f64, f64),
}

impl Window {
    fn contains(self, analysis: &Analysis, turn: usize) -> bool {
        let turns = analysis.transcript.turns.len();
        match self {
            Window::All => true,
            Window::FirstTurns(n) => turn < n as usize,
            Window::LastTurns(n) => turn + n as usize >= turns,
            Window::Seconds(from, to) => analysis.transcript.turns[turn]
                .start
                .is_some_and(|t| t >= from && t < to),
        }
    }

    fn describe(self, analysis: &Analysis) -> String {
        let turns = analysis.transcript.turns.len();
        match self {
            Window::All => format!("in any of the {turns} turns"),
            Window::FirstTurns(n) => {
                let last = (n as usize).min(turns).saturating_sub(1);
                format!("in the first {n} turns (turns 0-{last})")
            }
            Window::LastTurns(n) => {
                let first = turns.saturating_sub(n as usize);
                format!(
                    "in the last {n} turns (turns {first}-{})",
                    turns.saturating_sub(1)
                )
            }
            Window::Seconds(from, to) if to.is_finite() => format!("between {from}s and {to}s"),
            Window::Seconds(from, _) => format!("from {from}s on"),
        }
    }
}

/// A compiled rule. Cue lists hold lexicon indices of the owning rubric.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Says {
        cues: Vec<LexiconId>,
        by: Who,
        at_least: u32,
        window: Window,
        unless: Unless,
    },
    Reply {
        to: Vec<LexiconId>,
        with: Vec<LexiconId>,
        within: u32,
        by: Who,
        from: Who,
        /// Rules out a reply, not the cue it answers.
        unless: Unless,
    },
    Before {
        first: Vec<LexiconId>,
        then: Vec<LexiconId>,
        /// The score when `first` comes only after `then`: part credit by default,
        /// none where saying it late does not show what the criterion asks.
        late: f64,
        by: Who,
        unless: Unless,
    },
    Paraphrase {
        at_least: u32,
        min_shared: u32,
        min_overlap: f64,
        lead_ins: Vec<LexiconId>,
        lead_in_overlap: f64,
        window: u32,
        /// Sentences holding one of these cues tell the customer something (what
        /// they can do, what happens next) and are no restatement, whatever words
        /// they share.
        unless: Vec<LexiconId>,
        /// Turn-level evaluation labels its evidence stands for.
        labels: Vec<String>,
    },
    Question {
        cues: Vec<LexiconId>,
        lead: u32,
        at_least: u32,
        by: Who,
        /// Questions holding one of these cues are something else (an offer,
        /// a suggestion, a closing check) and do not count.
        unless: Vec<LexiconId>,
        /// Whom the question must be put to.
        asked_of: AskedOf,
        /// Turn-level evaluation labels its evidence stands for.
        labels: Vec<String>,
    },
    /// Turns by `by` starting at least `overlap` seconds before the turn of
    /// `of` they follow had ended (needs turn times).
    Interrupts {
        by: Who,
        of: Who,
        overlap: f64,
        min_words: u32,
        at_least: u32,
        /// An interruption whose quoted sentence (or turn) holds one of these
        /// cues does not count.
        unless: Unless,
    },
    /// Turns by `by` after a silence of at least `over` seconds, unless `by`
    /// said one of `unless` just before it (needs turn times).
    Silence {
        by: Who,
        over: f64,
        unless: Vec<LexiconId>,
        at_least: u32,
    },
    /// Sentences of `by` naming one of the scenario's policies; not applicable
    /// without a scenario that names some.
    ScenarioPolicy {
        by: Who,
    },
    /// Amounts the learner offers in sentences holding an `offers` cue, against
    /// the scenario's authority limit: 1 when none is over it, 0 when any is;
    /// not applicable without a limit or an amount offered.
    WithinAuthority {
        offers: Vec<LexiconId>,
    },
    /// When the customer asks for more than the authority limit (an amount in a
    /// sentence holding a `demands` cue, or the brief's `customer_demand`), 1
    /// when the learner then says an `escalation` cue, else 0; not applicable
    /// when nothing over the limit is asked for.
    EscalatesOverAuthority {
        demands: Vec<LexiconId>,
        escalation: Vec<LexiconId>,
    },
    /// 1 when the customer asks for more than the authority limit (as
    /// `escalates_over_authority` finds it); not applicable otherwise. Makes an
    /// escalation criterion apply.
    DemandOverAuthority {
        demands: Vec<LexiconId>,
    },
    /// Indices of rubric behaviours; scores 1 when the customer showed any.
    Behaviour(Vec<usize>),
    All(Vec<Rule>),
    Any(Vec<Rule>),
    Not(Box<Rule>),
    /// A part of `all` that counts in its mean only when it raises it: a sign of
    /// success (the customer settling) that adds to the learner's own moves but
    /// is not asked of every call. Anywhere else it scores as its part.
    Optional(Box<Rule>),
    Count {
        of: Vec<Rule>,
        at_least: u32,
        /// A piece of evidence whose sentence (or turn) holds one of these cues
        /// is not counted, nor credited.
        unless: Unless,
    },
}

/// What a rule found.
#[derive(Debug, Clone, Default)]
pub struct RuleOutcome {
    /// `None` when the rule had nothing to judge (e.g. a reply rule with no trigger).
    pub score: Option<f64>,
    pub evidence: Vec<Evidence>,
    /// What was looked for and not (fully) found.
    pub unmet: Vec<String>,
}

impl RuleOutcome {
    fn scored(score: f64, evidence: Vec<Evidence>, unmet: Option<String>) -> RuleOutcome {
        RuleOutcome {
            score: Some(score.clamp(0.0, 1.0)),
            evidence,
            unmet: unmet.into_iter().collect(),
        }
    }
}

/// A customer demand over the learner's authority limit.
struct OverLimit {
    limit: Amount,
    demand: Amount,
    from_turn: usize,
    evidence: Vec<Evidence>,
}

/// Evaluation context: the analysis plus which behaviours the customer showed,
/// and the scenario brief when the request gave one.
pub struct Evaluator<'a, 'b> {
    pub analysis: &'b Analysis<'a>,
    pub behaviours_shown: &'b [bool],
    pub scenario: Option<&'b Scenario>,
}

impl Rule {
    /// The cues whose counting credits this rule, with who must say them and the
    /// kind of rule that reads them: what an assessor asks about when a
    /// criterion is not met. `unless` cues, the customer's triggers and anything
    /// under `not` credit nothing and are left out.
    pub(crate) fn credited_cues(&self, out: &mut Vec<(LexiconId, Who, RuleKind)>) {
        let mut add = |cues: &[LexiconId], by: Who, kind: RuleKind| {
            out.extend(cues.iter().map(|&cue| (cue, by, kind)));
        };
        match self {
            Rule::Says { cues, by, .. } => add(cues, *by, RuleKind::Says),
            Rule::Reply { with, by, .. } => add(with, *by, RuleKind::Reply),
            Rule::Before {
                first, then, by, ..
            } => {
                add(first, *by, RuleKind::Before);
                add(then, *by, RuleKind::Before);
            }
            Rule::Question { cues, by, .. } => add(cues, *by, RuleKind::Question),
            Rule::WithinAuthority { offers } => {
                add(offers, Who::Learner, RuleKind::WithinAuthority)
            }
            Rule::EscalatesOverAuthority { escalation, .. } => {
                add(escalation, Who::Learner, RuleKind::EscalatesOverAuthority)
            }
            Rule::All(parts) | Rule::Any(parts) | Rule::Count { of: parts, .. } => {
                for part in parts {
                    part.credited_cues(out);
                }
            }
            Rule::Optional(inner) => inner.credited_cues(out),
            Rule::Paraphrase { .. }
            | Rule::Interrupts { .. }
            | Rule::Silence { .. }
            | Rule::ScenarioPolicy { .. }
            | Rule::DemandOverAuthority { .. }
            | Rule::Behaviour(_)
            | Rule::Not(_) => {}
        }
    }
}

fn ratio(found: usize, needed: u32) -> f64 {
    (found as f64 / needed as f64).min(1.0)
}

impl Evaluator<'_, '_> {
    pub fn evaluate(&self, rule: &Rule) -> RuleOutcome {
        match rule {
            Rule::Says {
                cues,
                by,
                at_least,
                window,
                unless,
            } => self.says(cues, *by, *at_least, *window, unless),
            Rule::Reply {
                to,
                with,
                within,
                by,
                from,
                unless,
            } => self.reply(to, with, *within, *by, *from, unless),
            Rule::Before {
                first,
                then,
                late,
                by,
                unless,
            } => self.before(first, then, *late, *by, unless),
            Rule::Paraphrase { .. } => self.paraphrase(rule),
            Rule::Question {
                cues,
                lead,
                at_least,
                by,
                unless,
                asked_of,
                ..
            } => self.question(cues, *lead, *at_least, *by, unless, *asked_of),
            Rule::Interrupts { .. } | Rule::Silence { .. } => self.timing(rule),
            Rule::ScenarioPolicy { by } => self.scenario_policy(*by),
            Rule::WithinAuthority { offers } => self.within_authority(offers),
            Rule::EscalatesOverAuthority {
                demands,
                escalation,
            } => self.escalates_over_authority(demands, escalation),
            Rule::DemandOverAuthority { demands } => self.demand_over_authority(demands),
            Rule::Behaviour(ids) => {
                let shown = ids.iter().any(|&i| self.behaviours_shown[i]);
                let unmet =
                    (!shown).then(|| format!("the customer showed {}", self.describe(rule)));
                RuleOutcome::scored(if shown { 1.0 } else { 0.0 }, Vec::new(), unmet)
            }
            Rule::All(parts) => self.all(parts),
            Rule::Optional(inner) => self.evaluate(inner),
            Rule::Any(parts) => {
                let outcomes: Vec<RuleOutcome> = parts.iter().map(|p| self.evaluate(p)).collect();
                let score = outcomes.iter().filter_map(|o| o.score).reduce(f64::max);
                let mut merged = merge(score, outcomes);
                if score == Some(1.0) {
                    merged.unmet.clear();
                }
                merged
            }
            Rule::Not(inner) => {
                let outcome = self.evaluate(inner);
                let Some(score) = outcome.score else {
                    return RuleOutcome::default();
                };
                let evidence = outcome
                    .evidence
                    .into_iter()
                    .map(|mut e| {
                        e.polarity = match e.polarity {
                            Polarity::For => Polarity::Against,
                            Polarity::Against => Polarity::For,
                        };
                        e
                    })
                    .collect();
                let unmet = (score > 0.0)
                    .then(|| format!("not expected, but found: {}", self.describe(inner)));
                RuleOutcome::scored(1.0 - score, evidence, unmet)
            }
            Rule::Count {
                of,
                at_least,
                unless,
            } => {
                let outcomes: Vec<RuleOutcome> = of.iter().map(|p| self.evaluate(p)).collect();
                let mut merged = merge(None, outcomes);
                if !unless.cues.is_empty() {
                    let ruled_out = self.evidence_ruled_out(unless);
                    merged
                        .evidence
                        .retain(|e| e.polarity == Polarity::Against || !ruled_out(e));
                }
                let turns: BTreeSet<(usize, u32)> = merged
                    .evidence
                    .iter()
                    .filter(|e| e.polarity == Polarity::For)
                    .map(|e| (e.quote.turn, e.quote.start))
                    .collect();
                let score = ratio(turns.len(), *at_least);
                merged.score = Some(score);
                merged.unmet.clear();
                if score < 1.0 {
                    merged.unmet.push(format!(
                        "{}: found {} distinct piece(s) of evidence",
                        self.describe(rule),
                        turns.len()
                    ));
                }
                merged
            }
        }
    }

    /// Sentence or turn numbers, as the scope of `unless` says, that hold one of
    /// its cues.
    fn places_with(&self, unless: &Unless) -> HashSet<u32> {
        let a = self.analysis;
        match unless.scope {
            _ if unless.cues.is_empty() => HashSet::default(),
            UnlessScope::Sentence => a.sentences_with(&unless.cues),
            UnlessScope::Turn => a.cue_matches(&unless.cues).map(|m| m.turn as u32).collect(),
        }
    }

    /// Whether a piece of evidence is ruled out by an `unless` cue in a sentence
    /// it quotes (or, with [`UnlessScope::Turn`], in its turn); for rules that
    /// judge evidence rather than cues.
    pub(super) fn evidence_ruled_out<'s>(
        &'s self,
        unless: &Unless,
    ) -> impl Fn(&Evidence) -> bool + 's {
        let a = self.analysis;
        let scope = unless.scope;
        let near = self.places_with(unless);
        move |e: &Evidence| {
            let turn = e.quote.turn;
            match scope {
                UnlessScope::Turn => near.contains(&(turn as u32)),
                UnlessScope::Sentence => a.turn_sentences[turn].clone().any(|s| {
                    let sentence = &a.norm.sentences[s as usize];
                    near.contains(&s)
                        && sentence.orig_start < e.quote.end
                        && e.quote.start < sentence.orig_end
                }),
            }
        }
    }

    /// Whether a cue is ruled out by an `unless` cue near it; worked out once
    /// per rule evaluation.
    fn ruled_out<'s>(&'s self, unless: &Unless) -> impl Fn(&CueMatch) -> bool + 's {
        let a = self.analysis;
        let scope = unless.scope;
        let near = self.places_with(unless);
        move |m: &CueMatch| {
            near.contains(&match scope {
                UnlessScope::Sentence => a.norm.tokens[m.first_token as usize].sentence,
                UnlessScope::Turn => m.turn as u32,
            })
        }
    }

    fn says(
        &self,
        cues: &[LexiconId],
        by: Who,
        at_least: u32,
        window: Window,
        unless: &Unless,
    ) -> RuleOutcome {
        let a = self.analysis;
        // Seconds cannot be told in a transcript without times: the rule has
        // nothing to judge, as a timing rule has not, rather than finding no one
        // saying anything.
        if matches!(window, Window::Seconds(..)) && !a.transcript.is_timed() {
            return RuleOutcome::default();
        }
        let ruled_out = self.ruled_out(unless);
        let mut turns = BTreeSet::new();
        // Cues come in transcript order, so a sentence's cues come together: the
        // first of each is its evidence.
        let mut last_sentence = None;
        let mut evidence = Vec::new();
        for m in a.cue_matches(cues) {
            if !by.admits(a.role(m.turn)) || !window.contains(a, m.turn) || ruled_out(m) {
                continue;
            }
            turns.insert(m.turn);
            let sentence = a.norm.tokens[m.first_token as usize].sentence;
            if last_sentence != Some(sentence) {
                last_sentence = Some(sentence);
                evidence.push(Evidence::from_cue(RuleKind::Says, a, m, Polarity::For));
            }
        }
        let score = ratio(turns.len(), at_least);
        let unmet = (score < 1.0).then(|| {
            format!(
                "{} saying {}{} {}: found in {} turn(s), {} needed",
                by.name(),
                self.describe_cues(cues),
                self.describe_unless(unless),
                window.describe(a),
                turns.len(),
                at_least
            )
        });
        RuleOutcome::scored(score, evidence, unmet)
    }

    fn scenario_policy(&self, by: Who) -> RuleOutcome {
        let Some(scenario) = self.scenario.filter(|s| !s.policies.is_empty()) else {
            return RuleOutcome::default();
        };
        let evidence = scenario::policy_evidence(self.analysis, scenario, by);
        let unmet = evidence.is_empty().then(|| {
            format!(
                "{} naming the scenario's policies: {}",
                by.name(),
                scenario.policies.join(", ")
            )
        });
        RuleOutcome::scored(if evidence.is_empty() { 0.0 } else { 1.0 }, evidence, unmet)
    }

    /// Amounts said in sentences of `who` holding one of `cues`, with the
    /// sentence's quote, in transcript order.
    fn amounts_with(&self, cues: &[LexiconId], who: Who) -> Vec<(Amount, Quote)> {
        let a = self.analysis;
        let mut seen = BTreeSet::new();
        let mut found = Vec::new();
        for m in a.cue_matches(cues) {
            let sentence = a.norm.tokens[m.first_token as usize].sentence;
            if !who.admits(a.role(m.turn)) || !seen.insert(sentence) {
                continue;
            }
            let span = a.norm.sentences[sentence as usize];
            let text = a.slice_chars(m.turn, span.orig_start, span.orig_end);
            for (amount, _, _) in scenario::amounts(text) {
                found.push((amount, quote_sentence(a, m.turn, sentence)));
            }
        }
        found
    }

    fn within_authority(&self, offers: &[LexiconId]) -> RuleOutcome {
        let Some(limit) = self.scenario.and_then(Scenario::limit) else {
            return RuleOutcome::default();
        };
        let offered = self.amounts_with(offers, Who::Learner);
        if offered.is_empty() {
            return RuleOutcome::default();
        }
        let mut over = 0;
        let evidence: Vec<Evidence> = offered
            .into_iter()
            .map(|(amount, quote)| {
                let beyond = amount > limit;
                over += usize::from(beyond);
                Evidence {
                    rule: RuleKind::WithinAuthority,
                    cue: None,
                    phrase: None,
                    polarity: if beyond {
                        Polarity::Against
                    } else {
                        Polarity::For
                    },
                    quote,
                    responds_to: None,
                    note: Some(if beyond {
                        format!("offers {amount}, over the authority limit of {limit}")
                    } else {
                        format!("offers {amount}, within the authority limit of {limit}")
                    }),
                }
            })
            .collect();
        let unmet = (over > 0).then(|| {
            format!("offers within the learner's authority limit of {limit}: {over} over it")
        });
        RuleOutcome::scored(if over > 0 { 0.0 } else { 1.0 }, evidence, unmet)
    }

    /// The first thing the customer asks for over the authority limit: in a
    /// sentence holding a `demands` cue, else the brief's `customer_demand`.
    fn demand_over_limit(&self, demands: &[LexiconId], rule: RuleKind) -> Option<OverLimit> {
        let scenario = self.scenario?;
        let limit = scenario.limit()?;
        let said = self
            .amounts_with(demands, Who::Customer)
            .into_iter()
            .find(|(amount, _)| *amount > limit);
        match (said, scenario.demand()) {
            (Some((amount, quote)), _) => Some(OverLimit {
                limit,
                demand: amount,
                from_turn: quote.turn,
                evidence: vec![Evidence {
                    rule,
                    cue: None,
                    phrase: None,
                    polarity: Polarity::For,
                    quote,
                    responds_to: None,
                    note: Some(format!(
                        "the customer asks for {amount}, over the authority limit of {limit}"
                    )),
                }],
            }),
            (None, Some(amount)) if amount > limit => Some(OverLimit {
                limit,
                demand: amount,
                from_turn: 0,
                evidence: Vec::new(),
            }),
            _ => None,
        }
    }

    fn demand_over_authority(&self, demands: &[LexiconId]) -> RuleOutcome {
        match self.demand_over_limit(demands, RuleKind::DemandOverAuthority) {
            Some(over) => RuleOutcome::scored(1.0, over.evidence, None),
            None => RuleOutcome::default(),
        }
    }

    fn escalates_over_authority(
        &self,
        demands: &[LexiconId],
        escalation: &[LexiconId],
    ) -> RuleOutcome {
        let Some(OverLimit {
            limit,
            demand,
            from_turn,
            mut evidence,
        }) = self.demand_over_limit(demands, RuleKind::EscalatesOverAuthority)
        else {
            return RuleOutcome::default();
        };
        let a = self.analysis;
        let escalated = a
            .cue_matches(escalation)
            .find(|m| m.turn >= from_turn && a.role(m.turn) == Role::Learner);
        match escalated {
            Some(m) => {
                evidence.push(Evidence::from_cue(RuleKind::EscalatesOverAuthority, a, m, Polarity::For));
                RuleOutcome::scored(1.0, evidence, None)
            }
            None => RuleOutcome::scored(
                0.0,
                evidence,
                Some(format!(
                    "the learner escalating ({}) once the customer asked for {demand}, over the authority limit of {limit}",
                    self.describe_cues(escalation)
                )),
            ),
        }
    }

    fn first_cue_per_turn(
        &self,
        cues: &[LexiconId],
        who: Who,
        ruled_out: &dyn Fn(&CueMatch) -> bool,
    ) -> BTreeMap<usize, CueMatch> {
        let a = self.analysis;
        let mut first = BTreeMap::new();
        for m in a.cue_matches(cues) {
            if who.admits(a.role(m.turn)) && !ruled_out(m) {
                first.entry(m.turn).or_insert(*m);
            }
        }
        first
    }

    fn reply(
        &self,
        to: &[LexiconId],
        with: &[LexiconId],
        within: u32,
        by: Who,
        from: Who,
        unless: &Unless,
    ) -> RuleOutcome {
        let a = self.analysis;
        let triggers = self.first_cue_per_turn(to, from, &|_| false);
        if triggers.is_empty() {
            return RuleOutcome::default();
        }
        let replies = self.first_cue_per_turn(with, by, &self.ruled_out(unless));
        // next_responder[t] is the first turn at or after t that `by` speaks, so each
        // trigger walks at most `within` responder turns however long the gaps are.
        let turns = a.transcript.turns.len();
        let mut next_responder = vec![usize::MAX; turns + 1];
        for t in (0..turns).rev() {
            next_responder[t] = if by.admits(a.role(t)) {
                t
            } else {
                next_responder[t + 1]
            };
        }
        let mut evidence = Vec::new();
        let mut missed = Vec::new();
        for (&turn, trigger) in &triggers {
            let mut candidate = next_responder[turn + 1];
            let mut answered = None;
            for _ in 0..within {
                if candidate == usize::MAX {
                    break;
                }
                if let Some(reply) = replies.get(&candidate) {
                    answered = Some(reply);
                    break;
                }
                candidate = next_responder[candidate + 1];
            }
            match answered {
                Some(reply) => {
                    let mut e = Evidence::from_cue(RuleKind::Reply, a, reply, Polarity::For);
                    e.responds_to = Some(quote_cue(a, trigger));
                    evidence.push(e);
                }
                None => missed.push(turn),
            }
        }
        let score = 1.0 - missed.len() as f64 / triggers.len() as f64;
        let unmet = (!missed.is_empty()).then(|| {
            format!(
                "{} replying with {} within {within} turn(s) of {} saying {}: {} of {} such turns had no such reply (turns {})",
                by.name(),
                self.describe_cues(with),
                from.name(),
                self.describe_cues(to),
                missed.len(),
                triggers.len(),
                list_turns(&missed)
            )
        });
        RuleOutcome::scored(score, evidence, unmet)
    }

    fn before(
        &self,
        first: &[LexiconId],
        then: &[LexiconId],
        late: f64,
        by: Who,
        unless: &Unless,
    ) -> RuleOutcome {
        let a = self.analysis;
        let ruled_out = self.ruled_out(unless);
        let earliest = |cues: &[LexiconId]| {
            a.cue_matches(cues)
                .find(|m| by.admits(a.role(m.turn)) && !ruled_out(m))
                .copied()
        };
        let (Some(a_match), b_match) = (earliest(first), earliest(then)) else {
            return RuleOutcome::scored(
                0.0,
                Vec::new(),
                Some(format!(
                    "{} saying {} before {}: none found",
                    by.name(),
                    self.describe_cues(first),
                    self.describe_cues(then)
                )),
            );
        };
        let mut evidence = vec![Evidence::from_cue(
            RuleKind::Before,
            a,
            &a_match,
            Polarity::For,
        )];
        match b_match {
            Some(b) if (b.turn, b.first_token) < (a_match.turn, a_match.first_token) => {
                let mut against = Evidence::from_cue(RuleKind::Before, a, &b, Polarity::Against);
                against.note = Some(format!(
                    "came before the first {} (turn {})",
                    self.lexicon_name(first),
                    a_match.turn
                ));
                if late == 0.0 {
                    // Nothing is credited, so the late cue is not shown as evidence for.
                    evidence.remove(0);
                }
                evidence.push(against);
                let unmet = format!(
                    "{} saying {} before {}: {} came first, in turn {}",
                    by.name(),
                    self.describe_cues(first),
                    self.describe_cues(then),
                    self.lexicon_name(then),
                    b.turn
                );
                RuleOutcome::scored(late, evidence, Some(unmet))
            }
            _ => RuleOutcome::scored(1.0, evidence, None),
        }
    }

    fn paraphrase(&self, rule: &Rule) -> RuleOutcome {
        let Rule::Paraphrase {
            at_least,
            min_shared,
            min_overlap,
            lead_ins,
            lead_in_overlap,
            window,
            unless,
            ..
        } = rule
        else {
            return RuleOutcome::default();
        };
        let a = self.analysis;
        let stems = a.stems();
        let lead_in_sentences = a.sentences_with(lead_ins);
        let telling_sentences = a.sentences_with(unless);
        let turns = a.transcript.turns.len();
        let mut evidence = Vec::new();
        let mut recent_customer_turns: Vec<usize> = Vec::new();
        let mut paraphrasing_turns = BTreeSet::new();
        // Content stem -> the customer sentence that said it (the latest wins). Rebuilt
        // only when a customer speaks, so long learner monologues stay linear.
        let mut said: HashMap<u32, u32> = HashMap::default();
        let mut own: Vec<u32> = Vec::new();
        for turn in 0..turns {
            match a.role(turn) {
                Role::Customer => {
                    recent_customer_turns.push(turn);
                    if recent_customer_turns.len() > *window as usize {
                        recent_customer_turns.remove(0);
                    }
                    said.clear();
                    for &c in &recent_customer_turns {
                        for token in a.turn_tokens[c].clone() {
                            if let Some(stem) = stems[token as usize] {
                                said.insert(stem, a.norm.tokens[token as usize].sentence);
                            }
                        }
                    }
                    continue;
                }
                Role::Learner => {}
                Role::Other => continue,
            }
            if said.is_empty() {
                continue;
            }
            for sentence_index in a.turn_sentences[turn].clone() {
                if telling_sentences.contains(&sentence_index) {
                    continue;
                }
                let sentence = a.norm.sentences[sentence_index as usize];
                // The sentence's distinct stems in ascending order, in one buffer
                // for every sentence rather than a set allocated for each.
                own.clear();
                own.extend(
                    (sentence.first_token..sentence.end_token).filter_map(|t| stems[t as usize]),
                );
                own.sort_unstable();
                own.dedup();
                if own.len() < 2 {
                    continue;
                }
                let mut shared_in: BTreeMap<u32, usize> = BTreeMap::new();
                let mut shared = 0;
                for stem in &own {
                    if let Some(&s) = said.get(stem) {
                        shared += 1;
                        *shared_in.entry(s).or_default() += 1;
                    }
                }
                let overlap = shared as f64 / own.len() as f64;
                let led_in = lead_in_sentences.contains(&sentence_index)
                    || (sentence_index > a.turn_sentences[turn].start
                        && lead_in_sentences.contains(&(sentence_index - 1)));
                let threshold = if led_in {
                    *lead_in_overlap
                } else {
                    *min_overlap
                };
                if shared < *min_shared as usize || overlap < threshold {
                    continue;
                }
                // A unit cut from unpunctuated speech can be a few words long, and
                // two words the customer used make it half theirs by chance; with
                // no lead-in, such a unit restates the customer only when it has
                // words enough to say something of its own.
                if sentence.unpunctuated && !led_in && own.len() < MIN_UNPUNCTUATED_CONTENT_WORDS {
                    continue;
                }
                paraphrasing_turns.insert(turn);
                let source_sentence = shared_in
                    .iter()
                    .max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s)))
                    .map(|(s, _)| *s)
                    .unwrap_or_default();
                let source_turn = owning_turn(&a.turn_sentences, source_sentence);
                evidence.push(Evidence {
                    rule: RuleKind::Paraphrase,
                    cue: None,
                    phrase: None,
                    polarity: Polarity::For,
                    quote: quote_sentence(a, turn, sentence_index),
                    responds_to: Some(quote_sentence(a, source_turn, source_sentence)),
                    note: Some(format!(
                        "restates {shared} of {} content words from the customer{}",
                        own.len(),
                        if led_in { " after a lead-in" } else { "" }
                    )),
                });
            }
        }
        let score = ratio(paraphrasing_turns.len(), *at_least);
        let unmet = (score < 1.0).then(|| {
            format!(
                "{}: found in {} turn(s), {} needed",
                self.describe(rule),
                paraphrasing_turns.len(),
                at_least
            )
        });
        RuleOutcome::scored(score, evidence, unmet)
    }

    fn question(
        &self,
        cues: &[LexiconId],
        lead: u32,
        at_least: u32,
        by: Who,
        unless: &[LexiconId],
        asked_of: AskedOf,
    ) -> RuleOutcome {
        let a = self.analysis;
        // Sentences that ask, but ask for something else (an offer, a suggestion).
        let asking_something_else = a.sentences_with(unless);
        let addressees = Addressees::new(a);
        let put_to_someone_else =
            |s: u32| asked_of == AskedOf::Customer && addressees.someone_else(s);
        let mut asked = BTreeSet::new();
        let mut evidence = Vec::new();
        if cues.is_empty() {
            for turn in 0..a.transcript.turns.len() {
                if !by.admits(a.role(turn)) {
                    continue;
                }
                for s in a.turn_sentences[turn].clone() {
                    if !asking_something_else.contains(&s)
                        && self.is_question(&a.norm.sentences[s as usize])
                        && !put_to_someone_else(s)
                        && asked.insert(s)
                    {
                        let mut e = Evidence {
                            rule: RuleKind::Question,
                            cue: None,
                            phrase: None,
                            polarity: Polarity::For,
                            quote: quote_sentence(a, turn, s),
                            responds_to: None,
                            note: None,
                        };
                        e.quote.turn = turn;
                        evidence.push(e);
                    }
                }
            }
        } else {
            for m in a.cue_matches(cues) {
                if !by.admits(a.role(m.turn)) {
                    continue;
                }
                let s = a.norm.tokens[m.first_token as usize].sentence;
                let sentence = a.norm.sentences[s as usize];
                if m.first_token - sentence.first_token < lead
                    && !asking_something_else.contains(&s)
                    && self.is_question(&sentence)
                    && !put_to_someone_else(s)
                    && asked.insert(s)
                {
                    evidence.push(Evidence::from_cue(RuleKind::Question, a, m, Polarity::For));
                }
            }
        }
        let found = asked.len();
        let score = ratio(found, at_least);
        let unmet = (score < 1.0).then(|| {
            format!(
                "{} asking {}{}: found {}, {} needed",
                by.name(),
                if cues.is_empty() {
                    "a question".to_owned()
                } else {
                    format!("a question opening with {}", self.describe_cues(cues))
                },
                asked_of.describe(),
                found,
                at_least
            )
        });
        RuleOutcome::scored(score, evidence, unmet)
    }

    fn is_question(&self, sentence: &Sentence) -> bool {
        question_form::is_question(&self.analysis.norm, sentence)
    }

    fn lexicon_name(&self, cues: &[LexiconId]) -> String {
        let mut names = String::with_capacity(24 * cues.len());
        self.push_lexicon_names(&mut names, cues);
        names
    }

    // Written into one buffer: these texts are built for every rule that falls
    // short, and a `format!` per name and example showed in profiles.
    fn push_lexicon_names(&self, out: &mut String, cues: &[LexiconId]) {
        for (i, &c) in cues.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push('`');
            out.push_str(&self.analysis.rubric.lexicons[c].name);
            out.push('`');
        }
    }

    /// Lexicon names with a few example phrases, so an assessor sees what was sought.
    /// ", not in a sentence with blame", or nothing when the rule has no `unless`.
    pub(super) fn describe_unless(&self, unless: &Unless) -> String {
        if unless.cues.is_empty() {
            return String::new();
        }
        let mut out = String::from(match unless.scope {
            UnlessScope::Sentence => ", not in a sentence with ",
            UnlessScope::Turn => ", not in a turn with ",
        });
        self.push_lexicon_names(&mut out, &unless.cues);
        out
    }

    pub fn describe_cues(&self, cues: &[LexiconId]) -> String {
        let lexicons = &self.analysis.rubric.lexicons;
        let mut out = String::with_capacity(96 * cues.len().min(3) + 16);
        self.push_lexicon_names(&mut out, cues);
        out.push_str(" (e.g. ");
        let examples = cues
            .iter()
            .flat_map(|&c| lexicons[c].examples.iter().take(2))
            .take(3);
        for (i, example) in examples.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('\u{201c}');
            out.push_str(example);
            out.push('\u{201d}');
        }
        out.push(')');
        out
    }

    /// One line saying what a rule looks for.
    pub fn describe(&self, rule: &Rule) -> String {
        match rule {
            Rule::Says {
                cues,
                by,
                window,
                unless,
                ..
            } => format!(
                "{} saying {}{} {}",
                by.name(),
                self.describe_cues(cues),
                self.describe_unless(unless),
                window.describe(self.analysis)
            ),
            Rule::Reply {
                to,
                with,
                within,
                by,
                from,
                unless,
            } => format!(
                "{} replying with {}{} within {within} turn(s) of {} saying {}",
                by.name(),
                self.describe_cues(with),
                self.describe_unless(unless),
                from.name(),
                self.describe_cues(to)
            ),
            Rule::Before {
                first,
                then,
                late,
                by,
                unless,
            } => format!(
                "{} saying {} before {}{}{}",
                by.name(),
                self.describe_cues(first),
                self.describe_cues(then),
                if *late == 0.0 { " (saying it only after earns nothing)" } else { "" },
                self.describe_unless(unless)
            ),
            Rule::Paraphrase { min_shared, .. } => format!(
                "the learner restating what the customer just said (at least {min_shared} of the customer's content words)"
            ),
            Rule::Question { cues, by, asked_of, .. } if cues.is_empty() => {
                format!("{} asking a question{}", by.name(), asked_of.describe())
            }
            Rule::Question { cues, by, asked_of, .. } => format!(
                "{} asking a question{} opening with {}",
                by.name(),
                asked_of.describe(),
                self.describe_cues(cues)
            ),
            Rule::Interrupts {
                by,
                of,
                overlap,
                unless,
                ..
            } => self.describe_interrupts(*by, *of, *overlap, unless),
            Rule::Silence { by, over, unless, .. } => self.describe_silence(*by, *over, unless),
            Rule::ScenarioPolicy { by } => format!("{} naming one of the scenario's policies", by.name()),
            Rule::WithinAuthority { offers } => format!(
                "amounts offered with {} within the scenario's authority limit",
                self.describe_cues(offers)
            ),
            Rule::EscalatesOverAuthority { escalation, .. } => format!(
                "the learner escalating ({}) when the customer asks for more than the authority limit",
                self.describe_cues(escalation)
            ),
            Rule::DemandOverAuthority { .. } => {
                "the customer asking for more than the scenario's authority limit".to_owned()
            }
            Rule::Behaviour(ids) => {
                let names: Vec<&str> = ids
                    .iter()
                    .map(|&i| self.analysis.rubric.behaviours[i].id.as_str())
                    .collect();
                format!("any of these behaviours: {}", names.join(", "))
            }
            Rule::All(parts) => format!("all of: {}", self.describe_list(parts)),
            Rule::Any(parts) => format!("any of: {}", self.describe_list(parts)),
            Rule::Not(inner) => format!("not: {}", self.describe(inner)),
            Rule::Optional(inner) => format!("optionally: {}", self.describe(inner)),
            Rule::Count {
                of,
                at_least,
                unless,
            } => format!(
                "at least {at_least} distinct pieces of evidence{} from: {}",
                self.describe_unless(unless),
                self.describe_list(of)
            ),
        }
    }

    fn describe_list(&self, rules: &[Rule]) -> String {
        let parts: Vec<String> = rules.iter().map(|r| self.describe(r)).collect();
        parts.join("; ")
    }

    /// The mean of the applicable parts; an [optional](Rule::Optional) part joins
    /// the mean, with its evidence, only when its score is above the mean so far.
    fn all(&self, parts: &[Rule]) -> RuleOutcome {
        let is_optional = |part: &&Rule| matches!(part, Rule::Optional(_));
        let mut outcomes: Vec<RuleOutcome> = Vec::with_capacity(parts.len());
        outcomes.extend(
            parts
                .iter()
                .filter(|part| !is_optional(part))
                .map(|part| self.evaluate(part)),
        );
        let mut scores: Vec<f64> = outcomes.iter().filter_map(|o| o.score).collect();
        for part in parts.iter().filter(is_optional) {
            let outcome = self.evaluate(part);
            let so_far = mean(&scores);
            if let Some(score) = outcome.score.filter(|&s| so_far.is_none_or(|m| s > m)) {
                scores.push(score);
                outcomes.push(outcome);
            }
        }
        merge(mean(&scores), outcomes)
    }
}

/// The mean of `scores`, or `None` when there are none to average.
fn mean(scores: &[f64]) -> Option<f64> {
    (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
}

fn merge(score: Option<f64>, outcomes: Vec<RuleOutcome>) -> RuleOutcome {
    // Evidence is large: room for all of it at once spares copying it as it grows.
    let mut merged = RuleOutcome {
        score,
        evidence: Vec::with_capacity(outcomes.iter().map(|o| o.evidence.len()).sum()),
        unmet: Vec::with_capacity(outcomes.iter().map(|o| o.unmet.len()).sum()),
    };
    for outcome in outcomes {
        merged.evidence.extend(outcome.evidence);
        merged.unmet.extend(outcome.unmet);
    }
    merged
}

fn owning_turn(turn_sentences: &[std::ops::Range<u32>], sentence: u32) -> usize {
    turn_sentences.partition_point(|r| r.end <= sentence)
}

fn list_turns(turns: &[usize]) -> String {
    let shown: Vec<String> = turns.iter().take(5).map(usize::to_string).collect();
    if turns.len() > 5 {
        format!("{}, ...", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
