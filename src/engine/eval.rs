//! Measures the turn-level detectors against human-annotated dialogues.
//!
//! Each dialogue's learner turns carry gold labels (`paraphrase`, `question`,
//! `empathy`, ...). A rubric says which of its detectors stand for which label:
//! a lexicon's `labels`, and the `labels` of a `paraphrase` or `question` rule.
//! A learner turn is predicted to carry a label when any evidence on that turn
//! comes from a detector tagged with it, so the figures measure the evidence an
//! assessor would be shown, not a classifier built for the benchmark.
//!
//! Nothing here quotes the dialogues: false positives are grouped by the detector
//! that fired, misses by the shape of the turn's opening (function words only).

use super::analysis::Analysis;
use super::evidence::Polarity;
use super::rubric::Rubric;
use super::rules::{Evaluator, Rule};
use super::text::{token_text, Normaliser};
use super::words::content_stem;
use crate::transcript::{Role, Transcript, Turn};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Gold labels that mean "none of the others" and are never predicted.
const UNSCORED_LABELS: [&str; 1] = ["other"];
/// The labels of the shared evaluation data, reported first and in this order.
pub const KNOWN_LABELS: [&str; 6] = [
    "paraphrase",
    "question",
    "empathy",
    "reassurance",
    "suggestion",
    "information",
];
/// Opening words that describe a missed turn's shape.
const SHAPE_WORDS: usize = 3;

/// One annotated dialogue, ready to score.
#[derive(Debug, Clone)]
pub struct Dialogue {
    /// The dialogue's turns, roles settled.
    pub transcript: Transcript,
    /// Gold labels of each learner turn, by turn index.
    pub gold: BTreeMap<usize, BTreeSet<String>>,
}

/// A line of an evaluation file that could not be read. Says where, never what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueError {
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong with the line.
    pub message: String,
}

impl fmt::Display for DialogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DialogueError {}

#[derive(Deserialize)]
struct RawDialogue {
    turns: Vec<RawTurn>,
}

#[derive(Deserialize)]
struct RawTurn {
    speaker: String,
    text: String,
    #[serde(default)]
    labels: Vec<String>,
}

const DIALOGUE_SHAPE: &str = r#"each line must be a JSON object {"turns": [{"speaker": "customer" or "learner", "text": "...", "labels": ["question", ...]}, ...]}"#;

/// Reads JSON Lines, one dialogue a line; blank lines are skipped.
pub fn read_dialogues(jsonl: &str) -> Result<Vec<Dialogue>, DialogueError> {
    let mut dialogues = Vec::new();
    for (index, line) in jsonl.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        // serde's messages can quote the offending value, which is personal data
        // here: say only what kind of error and where.
        let raw: RawDialogue = serde_json::from_str(line).map_err(|e| DialogueError {
            line: line_number,
            message: format!(
                "not a dialogue ({} error at column {}): {DIALOGUE_SHAPE}",
                match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof =>
                        "JSON syntax",
                    _ => "structure",
                },
                e.column()
            ),
        })?;
        let mut turns = Vec::with_capacity(raw.turns.len());
        let mut gold = BTreeMap::new();
        for (turn_index, turn) in raw.turns.into_iter().enumerate() {
            let role = Role::parse(&turn.speaker).ok_or_else(|| DialogueError {
                line: line_number,
                message: format!(
                    "turn {turn_index} (counted from 0): `speaker` must be \"customer\", \"learner\" or \"other\""
                ),
            })?;
            if role == Role::Learner {
                let labels: BTreeSet<String> = turn
                    .labels
                    .into_iter()
                    .filter(|l| !UNSCORED_LABELS.contains(&l.as_str()))
                    .collect();
                gold.insert(turn_index, labels);
            }
            turns.push(Turn {
                speaker: role.as_str().to_owned(),
                role,
                text: turn.text,
                start: None,
                end: None,
            });
        }
        dialogues.push(Dialogue {
            transcript: Transcript { turns },
            gold,
        });
    }
    Ok(dialogues)
}

/// What the rubric's detectors said about one learner turn: each label with the
/// detectors that evidenced it.
pub type TurnPrediction = BTreeMap<String, BTreeSet<String>>;

/// Predicts labels for every learner turn of `transcript`, keyed by turn index.
pub fn predict(rubric: &Rubric, transcript: &Transcript) -> BTreeMap<usize, TurnPrediction> {
    let analysis = Analysis::new(rubric, transcript);
    let mut predictions: BTreeMap<usize, TurnPrediction> = BTreeMap::new();
    for cue in &analysis.matches {
        let lexicon = &rubric.lexicons[cue.lexicon];
        if lexicon.labels.is_empty() || analysis.role(cue.turn) != Role::Learner {
            continue;
        }
        let detector = format!(
            "`{}` lexicon: \"{}\"",
            lexicon.name,
            rubric.phrases.phrase(cue.pattern).trim()
        );
        let turn = predictions.entry(cue.turn).or_default();
        for label in &lexicon.labels {
            turn.entry(label.clone())
                .or_default()
                .insert(detector.clone());
        }
    }
    // Labelled rules are leaves (paraphrase, question) that never read the
    // customer-behaviour profile, so none needs to be worked out.
    let nothing_shown = vec![false; rubric.behaviours.len()];
    let evaluator = Evaluator {
        analysis: &analysis,
        behaviours_shown: &nothing_shown,
        scenario: None,
    };
    for (rule, labels) in labelled_rules(rubric) {
        let detector = describe_detector(rubric, rule);
        for evidence in evaluator.evaluate(rule).evidence {
            if evidence.polarity != Polarity::For || evidence.quote.role != Role::Learner {
                continue;
            }
            let turn = predictions.entry(evidence.quote.turn).or_default();
            for label in labels {
                turn.entry(label.clone())
                    .or_default()
                    .insert(detector.clone());
            }
        }
    }
    predictions
}

/// Every paraphrase and question rule of the rubric that carries labels, once each.
fn labelled_rules(rubric: &Rubric) -> Vec<(&Rule, &[String])> {
    fn walk<'r>(rule: &'r Rule, found: &mut Vec<(&'r Rule, &'r [String])>) {
        match rule {
            Rule::Paraphrase { labels, .. } | Rule::Question { labels, .. }
                if !labels.is_empty() && !found.iter().any(|(seen, _)| *seen == rule) =>
            {
                found.push((rule, labels));
            }
            Rule::All(parts) | Rule::Any(parts) | Rule::Count { of: parts, .. } => {
                parts.iter().for_each(|p| walk(p, found))
            }
            Rule::Not(inner) | Rule::Optional(inner) => walk(inner, found),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for criterion in &rubric.criteria {
        walk(&criterion.rule, &mut found);
        if let Some(rule) = &criterion.applies_when {
            walk(rule, &mut found);
        }
        for flags in &criterion.red_flags {
            flags.rules.iter().for_each(|r| walk(r, &mut found));
        }
    }
    found
}

fn describe_detector(rubric: &Rubric, rule: &Rule) -> String {
    let names = |cues: &[usize]| {
        let names: Vec<&str> = cues
            .iter()
            .map(|&c| rubric.lexicons[c].name.as_str())
            .collect();
        names.join("`, `")
    };
    match rule {
        Rule::Paraphrase { lead_ins, .. } if lead_ins.is_empty() => "paraphrase rule".into(),
        Rule::Paraphrase { lead_ins, .. } => {
            format!("paraphrase rule (lead-ins `{}`)", names(lead_ins))
        }
        Rule::Question { cues, .. } if cues.is_empty() => "question rule (any question)".into(),
        Rule::Question { cues, .. } => format!("question rule opening with `{}`", names(cues)),
        _ => "rule".into(),
    }
}

/// The shape of a turn's opening, for grouping misses without quoting them:
/// its first words with every content word replaced by `…`, and whether it asks.
pub fn turn_shape(text: &str) -> String {
    let mut normaliser = Normaliser::new();
    normaliser.push_text(text);
    let words: Vec<&str> = normaliser
        .tokens
        .iter()
        .take(SHAPE_WORDS)
        .map(|t| {
            let word = token_text(&normaliser.text, t);
            if content_stem(word).is_some() || word.chars().any(|c| c.is_ascii_digit()) {
                "…"
            } else {
                word
            }
        })
        .collect();
    let opening = if words.is_empty() {
        "(no words)".to_owned()
    } else {
        format!("opens \"{}\"", words.join(" "))
    };
    if text.contains('?') {
        format!("{opening}, asks \"?\"")
    } else {
        opening
    }
}

/// Counts for one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Turns predicted to carry the label that carry it.
    pub true_positives: usize,
    /// Turns predicted to carry the label that do not.
    pub false_positives: usize,
    /// Turns carrying the gold label.
    pub support: usize,
}

impl Tally {
    /// Turns predicted to carry the label.
    pub fn predicted(&self) -> usize {
        self.true_positives + self.false_positives
    }

    /// Precision, recall and F1 from these counts.
    pub fn figures(&self) -> Figures {
        let precision = ratio(self.true_positives, self.predicted());
        let recall = ratio(self.true_positives, self.support);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Figures {
            precision: round(precision),
            recall: round(recall),
            f1: round(f1),
            support: self.support,
        }
    }

    fn add(&mut self, other: &Tally) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.support += other.support;
    }
}

/// Precision, recall and F1 of one label, as `rolemark eval --format json` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    /// Of the turns predicted to carry the label, the share that carry it.
    pub precision: f64,
    /// Of the turns that carry the label, the share predicted.
    pub recall: f64,
    /// The harmonic mean of precision and recall.
    pub f1: f64,
    /// Turns carrying the gold label.
    pub support: usize,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// The tallies of one file (or of several pooled), with what went wrong, by pattern.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Dialogues scored.
    pub dialogues: usize,
    /// Learner turns scored.
    pub learner_turns: usize,
    /// Labels some turn of the data carries. A label no turn carries was not
    /// annotated (AnnoMI has no empathy labels), so predicting it is no error.
    pub tallies: BTreeMap<String, Tally>,
    /// (label, detector) -> turns wrongly predicted.
    pub false_positives: BTreeMap<(String, String), usize>,
    /// (label, turn shape) -> turns missed.
    pub misses: BTreeMap<(String, String), usize>,
}

impl Evaluation {
    /// Scores every dialogue with `rubric` and tallies its predictions against the gold labels.
    pub fn of(rubric: &Rubric, dialogues: &[Dialogue]) -> Evaluation {
        let annotated: BTreeSet<&str> = dialogues
            .iter()
            .flat_map(|d| d.gold.values().flatten())
            .map(String::as_str)
            .collect();
        let mut evaluation = Evaluation {
            dialogues: dialogues.len(),
            tallies: annotated
                .iter()
                .map(|l| (l.to_string(), Tally::default()))
                .collect(),
            ..Default::default()
        };
        let empty = TurnPrediction::new();
        for dialogue in dialogues {
            let predictions = predict(rubric, &dialogue.transcript);
            for (&turn, gold) in &dialogue.gold {
                evaluation.learner_turns += 1;
                let predicted = predictions.get(&turn).unwrap_or(&empty);
                for (label, tally) in evaluation.tallies.iter_mut() {
                    let is_gold = gold.contains(label);
                    let detectors = predicted.get(label);
                    if is_gold {
                        tally.support += 1;
                    }
                    match (is_gold, detectors) {
                        (true, Some(_)) => tally.true_positives += 1,
                        (false, Some(detectors)) => {
                            tally.false_positives += 1;
                            for detector in detectors {
                                *evaluation
                                    .false_positives
                                    .entry((label.clone(), detector.clone()))
                                    .or_default() += 1;
                            }
                        }
                        (true, None) => {
                            let shape = turn_shape(&dialogue.transcript.turns[turn].text);
                            *evaluation.misses.entry((label.clone(), shape)).or_default() += 1;
                        }
                        (false, None) => {}
                    }
                }
            }
        }
        evaluation
    }

    /// Adds another file's evaluation, pooling turns (a micro average).
    pub fn absorb(&mut self, other: &Evaluation) {
        self.dialogues += other.dialogues;
        self.learner_turns += other.learner_turns;
        for (label, tally) in &other.tallies {
            self.tallies.entry(label.clone()).or_default().add(tally);
        }
        for (key, n) in &other.false_positives {
            *self.false_positives.entry(key.clone()).or_default() += n;
        }
        for (key, n) in &other.misses {
            *self.misses.entry(key.clone()).or_default() += n;
        }
    }

    /// Labels in report order: the shared data's labels first, then any others.
    pub fn labels(&self) -> Vec<&str> {
        let mut labels: Vec<&str> = KNOWN_LABELS
            .iter()
            .copied()
            .filter(|l| self.tallies.contains_key(*l))
            .collect();
        labels.extend(
            self.tallies
                .keys()
                .map(String::as_str)
                .filter(|l| !KNOWN_LABELS.contains(l)),
        );
        labels
    }

    /// Figures per label, in report order.
    pub fn figures(&self) -> Vec<(&str, Figures)> {
        self.labels()
            .into_iter()
            .map(|l| (l, self.tallies[l].figures()))
            .collect()
    }

    /// The `n` most frequent false positives: (count, label, detector).
    pub fn top_false_positives(&self, n: usize) -> Vec<(usize, &str, &str)> {
        top(&self.false_positives, n)
    }

    /// The `n` most frequent misses: (count, label, turn shape).
    pub fn top_misses(&self, n: usize) -> Vec<(usize, &str, &str)> {
        top(&self.misses, n)
    }
}

fn top(counts: &BTreeMap<(String, String), usize>, n: usize) -> Vec<(usize, &str, &str)> {
    let mut rows: Vec<(usize, &str, &str)> = counts
        .iter()
        .map(|((label, pattern), &count)| (count, label.as_str(), pattern.as_str()))
        .collect();
    // Most frequent first; ties in label then pattern order, so output is stable.
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(b.2)));
    rows.truncate(n);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_follow_the_definitions() {
        let tally = Tally {
            true_positives: 3,
            false_positives: 1,
            support: 6,
        };
        let f = tally.figures();
        assert_eq!((f.precision, f.recall, f.support), (0.75, 0.5, 6));
        assert_eq!(f.f1, 0.6);
        let none = Tally::default().figures();
        assert_eq!((none.precision, none.recall, none.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn bad_lines_say_where_and_never_what() {
        let secret = "my account number is 12345678";
        let jsonl = format!(
            "{{\"turns\": []}}\n\n{{\"turns\": [{{\"speaker\": \"{secret}\", \"text\": \"x\"}}]}}\n"
        );
        let err = read_dialogues(&jsonl).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("turn 0"), "{err}");
        assert!(!err.to_string().contains(secret));

        let err = read_dialogues(&format!("{{\"turns\": \"{secret}\"}}")).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("structure error"), "{err}");
        assert!(!err.to_string().contains(secret));

        let err = read_dialogues("{\"turns\": [").unwrap_err();
        assert!(err.message.contains("JSON syntax error"), "{err}");
    }

    #[test]
    fn gold_labels_are_kept_for_learner_turns_only() {
        let jsonl = r#"{"turns": [{"speaker": "customer", "text": "a", "labels": ["question"]}, {"speaker": "Learner", "text": "b", "labels": ["question", "other"]}]}"#;
        let dialogues = read_dialogues(jsonl).unwrap();
        let gold = &dialogues[0].gold;
        assert_eq!(gold.len(), 1);
        assert_eq!(gold[&1], BTreeSet::from(["question".to_owned()]));
        assert_eq!(dialogues[0].transcript.turns[1].role, Role::Learner);
    }

    #[test]
    fn turn_shapes_keep_function_words_only() {
        assert_eq!(
            turn_shape("It sounds like the refund never arrived?"),
            "opens \"it … like\", asks \"?\""
        );
        assert_eq!(
            turn_shape("So you were charged twice."),
            "opens \"so you were\""
        );
        assert_eq!(turn_shape("Parcel 42 lost"), "opens \"… … …\"");
        assert_eq!(turn_shape("  "), "(no words)");
    }

    #[test]
    fn the_most_frequent_come_first_and_ties_are_stable() {
        let mut counts = BTreeMap::new();
        counts.insert(("b".to_owned(), "x".to_owned()), 2);
        counts.insert(("a".to_owned(), "y".to_owned()), 2);
        counts.insert(("a".to_owned(), "z".to_owned()), 5);
        assert_eq!(
            top(&counts, 2),
            vec![(5, "a", "z"), (2, "a", "y")],
            "ties break by label"
        );
    }
}
