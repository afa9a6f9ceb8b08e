//! The role-play's scenario brief as data: the organisation's policies, the
//! learner's authority limit and the customer's demand. Scenario rules read it:
//! naming the scenario's own policies, staying within the limit, and escalating
//! when the customer asks for more than the learner may give.

use super::analysis::Analysis;
use super::evidence::{quote_sentence, Evidence, Polarity, RuleKind};
use super::text::normalise_phrase;
use super::who::Who;
use serde::{Deserialize, Serialize};

/// A scenario brief, as a score request or `--scenario FILE` gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The scenario's name.
    pub title: Option<String>,
    /// The organisation the learner works for.
    pub organisation: Option<String>,
    /// Names of the organisation's policies and procedures the learner should
    /// apply, e.g. "Northway Promise", "28-day returns policy".
    #[serde(default)]
    pub policies: Vec<String>,
    /// What the learner may give without a supervisor, with an amount:
    /// "refunds up to £50".
    pub authority_limit: Option<String>,
    /// What the customer asks for, when the brief says: "a £120 refund".
    pub customer_demand: Option<String>,
    /// The resolutions the brief expects (shown in reports).
    #[serde(default)]
    pub expected_resolutions: Vec<String>,
}

/// A sum of money, in hundredths of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(pub u64);

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_multiple_of(100) {
            write!(f, "£{}", self.0 / 100)
        } else {
            write!(f, "£{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }
}

const UNIT_WORDS: [&str; 8] = [
    "pounds", "pound", "quid", "euros", "euro", "dollars", "dollar", "gbp",
];

/// Every sum of money in `text`, with its char span: "£50", "£49.99", "50 pounds",
/// "€20", "$15", "a 30 quid voucher", "£1,200".
pub fn amounts(text: &str) -> Vec<(Amount, u32, u32)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let symbol = matches!(chars[i], '£' | '€' | '$');
        let start = i;
        let digits_from = if symbol { i + 1 } else { i };
        let at_word_start = start == 0 || !chars[start - 1].is_alphanumeric();
        if !(digits_from < chars.len() && chars[digits_from].is_ascii_digit() && at_word_start) {
            i += 1;
            continue;
        }
        let mut j = digits_from;
        let mut whole: u64 = 0;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (chars[j] == ',' && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
        {
            if let Some(d) = chars[j].to_digit(10) {
                whole = whole.saturating_mul(10).saturating_add(u64::from(d));
            }
            j += 1;
        }
        let mut pence = 0;
        if chars.get(j) == Some(&'.')
            && chars.get(j + 1).is_some_and(char::is_ascii_digit)
            && chars.get(j + 2).is_some_and(char::is_ascii_digit)
        {
            pence = u64::from(chars[j + 1].to_digit(10).unwrap_or(0)) * 10
                + u64::from(chars[j + 2].to_digit(10).unwrap_or(0));
            j += 3;
        }
        let mut end = j;
        let unit = if symbol {
            true
        } else {
            let rest: String = chars[j..].iter().take(10).collect();
            let next = rest.trim_start();
            let skipped = rest.len() - next.len();
            UNIT_WORDS
                .iter()
                .find(|w| {
                    next.len() >= w.len()
                        && next[..w.len()].eq_ignore_ascii_case(w)
                        && !next[w.len()..].starts_with(char::is_alphanumeric)
                })
                .map(|w| end = j + skipped + w.chars().count())
                .is_some()
        };
        if unit {
            found.push((
                Amount(whole.saturating_mul(100).saturating_add(pence)),
                start as u32,
                end as u32,
            ));
        }
        i = end.max(i + 1);
    }
    found
}

/// The single amount a brief's field gives, e.g. the limit in "refunds up to £50".
pub fn brief_amount(text: &str) -> Option<Amount> {
    amounts(text).first().map(|(amount, _, _)| *amount)
}

/// Why a scenario brief cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The authority limit or the customer's demand gives no amount to hold
    /// offers against.
    #[error("`{field}` names no amount of money: write it with one, e.g. \"refunds up to £50\"")]
    NoAmount {
        /// `authority_limit` or `customer_demand`.
        field: &'static str,
    },
    /// A policy with no name.
    #[error("`policies` holds an empty name")]
    EmptyPolicy,
}

impl Scenario {
    /// Checks the brief: an authority limit or demand must carry an amount.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        for (field, value) in [
            ("authority_limit", &self.authority_limit),
            ("customer_demand", &self.customer_demand),
        ] {
            if let Some(text) = value {
                if brief_amount(text).is_none() {
                    return Err(ScenarioError::NoAmount { field });
                }
            }
        }
        if self.policies.iter().any(|p| p.trim().is_empty()) {
            return Err(ScenarioError::EmptyPolicy);
        }
        Ok(())
    }

    /// The amount of the authority limit, when the brief gives one.
    pub fn limit(&self) -> Option<Amount> {
        self.authority_limit.as_deref().and_then(brief_amount)
    }

    /// The amount the customer asks for, when the brief gives one.
    pub fn demand(&self) -> Option<Amount> {
        self.customer_demand.as_deref().and_then(brief_amount)
    }
}

/// Sentences of `by` naming one of the scenario's policies, one piece of
/// evidence a sentence.
pub fn policy_evidence(analysis: &Analysis, scenario: &Scenario, by: Who) -> Vec<Evidence> {
    let names: Vec<String> = scenario
        .policies
        .iter()
        .filter_map(|p| normalise_phrase(p))
        .collect();
    let text = &analysis.norm.text;
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut sentences = std::collections::BTreeSet::new();
    for name in &names {
        for (at, _) in text.match_indices(name.as_str()) {
            let bounded_before = at == 0 || text.as_bytes()[at - 1] == b' ';
            let after = at + name.len();
            let bounded_after = after == text.len() || text.as_bytes()[after] == b' ';
            if !(bounded_before && bounded_after) {
                continue;
            }
            let token = analysis
                .norm
                .tokens
                .partition_point(|t| (t.norm_start as usize) < at);
            let Some(first) = analysis.norm.tokens.get(token) else {
                continue;
            };
            let turn = analysis.turn_of_token(token as u32);
            if !by.admits(analysis.role(turn)) || !sentences.insert(first.sentence) {
                continue;
            }
            evidence.push(Evidence {
                rule: RuleKind::ScenarioPolicy,
                cue: None,
                phrase: Some(name.clone()),
                polarity: Polarity::For,
                quote: quote_sentence(analysis, turn, first.sentence),
                responds_to: None,
                note: Some("names a policy of the scenario".into()),
            });
        }
    }
    evidence.sort_by_key(|e| (e.quote.turn, e.quote.start));
    evidence
}
