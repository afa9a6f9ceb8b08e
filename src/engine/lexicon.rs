//! Cue phrases: the compact phrase syntax, its expansion, and the one automaton
//! that finds every phrase of a rubric in a single pass.
//!
//! Syntax: `{a|b}` picks one alternative, `[a]` or `[a|b]` is optional, groups nest.
//! Every expanded form is normalised exactly like transcript text, and patterns are
//! padded with spaces so that they only match whole words.

use super::text::{self, Normaliser};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

/// Expansion limit for one phrase: `{a|b}{c|d}...` grows exponentially.
pub const MAX_FORMS_PER_PHRASE: usize = 2_000;

/// An error in one phrase, with the char column (1-based) where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseError {
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Choice {
        options: Vec<Vec<Node>>,
        optional: bool,
    },
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    source: &'a str,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> PhraseError {
        PhraseError {
            column: self.pos + 1,
            message: message.into(),
        }
    }

    /// Parses a sequence until one of `stops` (not consumed) or the end.
    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, PhraseError> {
        let mut nodes = Vec::new();
        let mut literal = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            match c {
                '{' | '[' => {
                    if depth >= 8 {
                        return Err(self.error("groups are nested more than 8 deep"));
                    }
                    if !literal.is_empty() {
                        nodes.push(Node::Text(std::mem::take(&mut literal)));
                    }
                    let open_at = self.pos;
                    self.pos += 1;
                    let close = if c == '{' { '}' } else { ']' };
                    let mut options = vec![self.sequence(depth + 1)?];
                    loop {
                        match self.chars.get(self.pos) {
                            Some('|') => {
                                self.pos += 1;
                                options.push(self.sequence(depth + 1)?);
                            }
                            Some(&found) if found == close => {
                                self.pos += 1;
                                break;
                            }
                            Some(&found) => {
                                return Err(self.error(format!(
                                    "expected `{close}` to close the `{c}` opened at column {}, found `{found}`",
                                    open_at + 1
                                )))
                            }
                            None => {
                                return Err(PhraseError {
                                    column: open_at + 1,
                                    message: format!("`{c}` is never closed: add `{close}`"),
                                })
                            }
                        }
                    }
                    nodes.push(Node::Choice {
                        options,
                        optional: c == '[',
                    });
                }
                '|' | '}' | ']' if depth == 0 => {
                    return Err(self.error(format!(
                        "`{c}` outside a group: alternatives go inside `{{a|b}}` or `[a|b]`"
                    )));
                }
                '|' | '}' | ']' => break,
                _ => {
                    literal.push(c);
                    self.pos += 1;
                }
            }
        }
        if !literal.is_empty() {
            nodes.push(Node::Text(literal));
        }
        Ok(nodes)
    }
}

/// Expands a phrase into its normalised forms (deduplicated, in first-seen order).
pub fn expand(phrase: &str) -> Result<Vec<String>, PhraseError> {
    let mut parser = Parser {
        chars: phrase.chars().collect(),
        pos: 0,
        source: phrase,
    };
    let nodes = parser.sequence(0)?;
    debug_assert!(parser.source.len() >= parser.pos);
    let mut forms = vec![String::new()];
    expand_sequence(&nodes, &mut forms)?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for form in forms {
        let Some(norm) = text::normalise_phrase(&form) else {
            return Err(PhraseError {
                column: 1,
                message: "the phrase can match no words at all: make at least one word required"
                    .into(),
            });
        };
        if seen.insert(norm.clone()) {
            out.push(norm);
        }
    }
    Ok(out)
}

fn expand_sequence(nodes: &[Node], forms: &mut Vec<String>) -> Result<(), PhraseError> {
    for node in nodes {
        match node {
            Node::Text(literal) => {
                for form in forms.iter_mut() {
                    form.push_str(literal);
                }
            }
            Node::Choice { options, optional } => {
                let mut next = Vec::new();
                let mut alternatives: Vec<Vec<String>> = Vec::new();
                for option in options {
                    let mut branch = vec![String::new()];
                    expand_sequence(option, &mut branch)?;
                    alternatives.push(branch);
                }
                if *optional {
                    alternatives.push(vec![String::new()]);
                }
                let total: usize = alternatives.iter().map(Vec::len).sum();
                if forms.len().saturating_mul(total) > MAX_FORMS_PER_PHRASE {
                    return Err(PhraseError {
                        column: 1,
                        message: format!(
                            "the phrase expands to more than {MAX_FORMS_PER_PHRASE} forms: split it into several phrases"
                        ),
                    });
                }
                for form in forms.iter() {
                    for branch in &alternatives {
                        for alternative in branch {
                            // Spaces around a group keep "a{b|c}" gluing as written.
                            next.push(format!("{form}{alternative}"));
                        }
                    }
                }
                *forms = next;
            }
        }
    }
    Ok(())
}

/// Index of a lexicon within its rubric.
pub type LexiconId = usize;

/// One cue found in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseHit {
    /// Index into [`PhraseSet::phrase`].
    pub pattern: usize,
    /// Byte range of the phrase's words in the normalised text (no padding).
    pub start: usize,
    pub end: usize,
}

/// Every expanded phrase of a rubric in one automaton.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    automaton: AhoCorasick,
    /// The normalised form of each pattern.
    phrases: Vec<String>,
    /// Which lexicons each pattern belongs to (a phrase may sit in several).
    owners: Vec<Vec<LexiconId>>,
}

#[derive(Debug, Default)]
pub struct PhraseSetBuilder {
    phrases: Vec<String>,
    owners: Vec<Vec<LexiconId>>,
    index: HashMap<String, usize>,
}

impl PhraseSetBuilder {
    /// Adds a normalised form for `lexicon`.
    pub fn add(&mut self, form: String, lexicon: LexiconId) {
        match self.index.get(&form) {
            Some(&pattern) => {
                if !self.owners[pattern].contains(&lexicon) {
                    self.owners[pattern].push(lexicon);
                }
            }
            None => {
                self.index.insert(form.clone(), self.phrases.len());
                self.phrases.push(form);
                self.owners.push(vec![lexicon]);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    pub fn build(self) -> Result<PhraseSet, String> {
        let padded = self.phrases.iter().map(|p| format!(" {p} "));
        // Standard semantics, because overlapping search needs it: one sentence can
        // hold an apology inside an empathy statement and both must be seen.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(padded)
            .map_err(|e| format!("cannot build the phrase automaton: {e}"))?;
        Ok(PhraseSet {
            automaton,
            phrases: self.phrases,
            owners: self.owners,
        })
    }
}

impl PhraseSet {
    /// All phrase occurrences in `normalised`, overlapping ones included, in order of end.
    pub fn find_all(&self, normalised: &str) -> Vec<PhraseHit> {
        self.automaton
            .find_overlapping_iter(normalised)
            .map(|m| PhraseHit {
                pattern: m.pattern().as_usize(),
                start: m.start() + 1,
                end: m.end() - 1,
            })
            .collect()
    }

    pub fn phrase(&self, pattern: usize) -> &str {
        &self.phrases[pattern]
    }

    pub fn owners(&self, pattern: usize) -> &[LexiconId] {
        &self.owners[pattern]
    }

    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// A normaliser's output for a single sentence: handy for tests and `explain`.
pub fn normalised(text: &str) -> String {
    let mut n = Normaliser::new();
    n.push_text(text);
    n.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_table() {
        let cases: &[(&str, &[&str])] = &[
            ("sorry", &["sorry"]),
            ("{I am|I'm} sorry", &["i am sorry"]),
            (
                "I'm [really|so] sorry",
                &["i am really sorry", "i am so sorry", "i am sorry"],
            ),
            (
                "{I will|we'll} [{look into|sort}] it",
                &[
                    "i will look into it",
                    "i will sort it",
                    "i will it",
                    "we will look into it",
                    "we will sort it",
                    "we will it",
                ],
            ),
            ("{a|} b", &["a b", "b"]),
            ("Can’t", &["can not"]),
        ];
        for (phrase, expected) in cases {
            assert_eq!(expand(phrase).unwrap(), *expected, "phrase {phrase}");
        }
    }

    #[test]
    fn syntax_errors_name_the_column() {
        let cases: &[(&str, usize, &str)] = &[
            ("{a|b", 1, "never closed"),
            ("a [b} c", 5, "expected `]`"),
            ("a | b", 3, "outside a group"),
            ("[maybe]", 1, "no words"),
            ("--", 1, "no words"),
            ("a}", 2, "outside a group"),
        ];
        for (phrase, column, fragment) in cases {
            let err = expand(phrase).unwrap_err();
            assert_eq!(err.column, *column, "phrase {phrase}: {}", err.message);
            assert!(
                err.message.contains(fragment),
                "phrase {phrase}: {}",
                err.message
            );
        }
    }

    #[test]
    fn expansion_blow_up_is_refused() {
        let phrase = "{a|b|c|d}".repeat(8);
        let err = expand(&phrase).unwrap_err();
        assert!(err.message.contains("more than"), "{}", err.message);
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let mut builder = PhraseSetBuilder::default();
        builder.add("sorry".into(), 0);
        builder.add("i am sorry".into(), 1);
        builder.add("help".into(), 2);
        let set = builder.build().unwrap();
        let haystack = normalised("I'm sorry, helpful? Unsorry!");
        let mut found: Vec<&str> = set
            .find_all(&haystack)
            .iter()
            .map(|h| set.phrase(h.pattern))
            .collect();
        found.sort_unstable();
        assert_eq!(found, vec!["i am sorry", "sorry"]);
    }

    #[test]
    fn a_phrase_in_two_lexicons_reports_both() {
        let mut builder = PhraseSetBuilder::default();
        builder.add("i understand".into(), 0);
        builder.add("i understand".into(), 3);
        let set = builder.build().unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(set.owners(0), &[0, 3]);
    }
}
