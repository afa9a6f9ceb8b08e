//! A rubric's own examples: sentences each lexicon must and must not count, and
//! short exchanges each criterion must and must not credit. Authors write them
//! next to the phrases, so a change that breaks a known case is caught by
//! `rolemark rubrics check` and by the service before it serves the rubric.

use super::analysis::Analysis;
use super::rubric::Rubric;
use super::score::{Outcome, Scorer};
use crate::transcript::{Role, Transcript, TranscriptError};
use serde::Serialize;
use std::fmt;

/// One example that did not behave as its author said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExampleFailure {
    /// `lexicon apology` or `criterion empathy`.
    pub subject: String,
    /// `must_match` or `must_not_match`.
    pub expected: &'static str,
    /// The example as written in the rubric.
    pub example: String,
    /// What happened instead: the cue that fired, or why none counted.
    pub detail: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let example = self.example.trim().replace('\n', " / ");
        write!(
            f,
            "{} {} \u{201c}{example}\u{201d}: {}",
            self.subject, self.expected, self.detail
        )
    }
}

/// How many examples a rubric holds and which failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExampleReport {
    /// Examples run.
    pub checked: usize,
    /// Examples that did not behave as written, in rubric order.
    pub failures: Vec<ExampleFailure>,
}

impl ExampleReport {
    /// Checks one subject's examples; `check` says what went wrong, if anything.
    fn run(
        &mut self,
        subject: &str,
        must_match: &[String],
        must_not_match: &[String],
        check: impl Fn(&str, bool) -> Option<String>,
    ) {
        let examples = must_match
            .iter()
            .map(|e| (e, true))
            .chain(must_not_match.iter().map(|e| (e, false)));
        for (example, must) in examples {
            self.checked += 1;
            if let Some(detail) = check(example, must) {
                self.failures.push(ExampleFailure {
                    subject: subject.to_owned(),
                    expected: if must { "must_match" } else { "must_not_match" },
                    example: example.clone(),
                    detail,
                });
            }
        }
    }
}

fn quoted(text: &str) -> String {
    format!("\u{201c}{text}\u{201d}")
}

/// Turns a criterion example (a short exchange of `Speaker: text` lines) into
/// a transcript. The engine reads no transcript format itself, so the caller
/// hands it a reader (`rolemark::rubrics::check_examples` passes the parser).
pub type ExchangeReader<'a> = &'a dyn Fn(&str) -> Result<Transcript, TranscriptError>;

impl Rubric {
    /// Runs every example of every lexicon and criterion, reading criterion
    /// examples with `read_exchange`.
    pub fn check_examples_with(&self, read_exchange: ExchangeReader<'_>) -> ExampleReport {
        let mut report = ExampleReport::default();
        for (id, lexicon) in self.lexicons.iter().enumerate() {
            report.run(
                &format!("lexicon `{}`", lexicon.name),
                &lexicon.must_match,
                &lexicon.must_not_match,
                |sentence, must| self.lexicon_example(id, sentence, must),
            );
        }
        for criterion in &self.criteria {
            report.run(
                &format!("criterion `{}`", criterion.id),
                &criterion.must_match,
                &criterion.must_not_match,
                |exchange, must| {
                    self.criterion_example(&criterion.id, exchange, must, read_exchange)
                },
            );
        }
        report
    }

    /// `None` when the lexicon counts a cue in `sentence` exactly when it `must`.
    fn lexicon_example(&self, lexicon: usize, sentence: &str, must: bool) -> Option<String> {
        let transcript = Transcript::one_sentence(Role::Learner, sentence);
        let analysis = Analysis::with_every_cue(self, &transcript);
        let wanted = [lexicon];
        let counted = analysis.cue_matches(&wanted).next();
        let phrase = |pattern: usize| quoted(self.phrases.phrase(pattern));
        match (must, counted) {
            (true, Some(_)) | (false, None) => None,
            (false, Some(cue)) => Some(format!("the cue {} fired", phrase(cue.pattern))),
            (true, None) => {
                let held_back = analysis
                    .suppressed
                    .iter()
                    .find(|s| s.cue.lexicon == lexicon);
                Some(match held_back {
                    Some(s) => format!(
                        "the cue {} was found but {}",
                        phrase(s.cue.pattern),
                        analysis.held_back_because(s.reason)
                    ),
                    None => {
                        let mut others: Vec<&str> = analysis
                            .matches
                            .iter()
                            .map(|m| self.lexicons[m.lexicon].name.as_str())
                            .collect();
                        others.dedup();
                        if others.is_empty() {
                            "no cue of the lexicon fired".to_owned()
                        } else {
                            format!(
                                "no cue of the lexicon fired (cues of {} did)",
                                others.join(", ")
                            )
                        }
                    }
                })
            }
        }
    }

    /// `None` when the criterion is met on `exchange` exactly when it `must` be
    /// (a `must_not_match` exchange may leave it not met or not applicable).
    fn criterion_example(
        &self,
        criterion: &str,
        exchange: &str,
        must: bool,
        read_exchange: ExchangeReader<'_>,
    ) -> Option<String> {
        let transcript = match read_exchange(exchange) {
            Ok(transcript) => transcript,
            Err(e) => return Some(format!("the example is not a transcript: {e}")),
        };
        let assessment = Scorer::new(self).without_transcript().score(&transcript);
        let result = assessment.criteria.iter().find(|c| c.id == criterion)?;
        let credited = matches!(result.outcome, Outcome::Met | Outcome::PartiallyMet);
        let ok = if must {
            result.outcome == Outcome::Met
        } else {
            !credited
        };
        if ok {
            return None;
        }
        let score = result
            .score
            .map_or_else(|| "no score".to_owned(), |s| format!("score {s}"));
        let mut detail = format!("it was {} ({score})", result.outcome.as_str());
        if must {
            if let Some(first) = result.looked_for.first() {
                detail.push_str(&format!("; looked for: {first}"));
            }
        } else {
            let credit: Vec<String> = result
                .evidence
                .iter()
                .filter(|e| e.polarity == super::Polarity::For)
                .map(|e| match &e.phrase {
                    Some(phrase) => format!(
                        "{} ({} rule, cue {})",
                        quoted(&e.quote.quote),
                        e.rule,
                        quoted(phrase)
                    ),
                    None => format!("{} ({} rule)", quoted(&e.quote.quote), e.rule),
                })
                .collect();
            if !credit.is_empty() {
                detail.push_str(&format!("; credited by {}", credit.join(", ")));
            }
        }
        Some(detail)
    }
}
