//! Cue phrases: the compact phrase syntax, its expansion, and the one automaton
//! that finds every phrase of a rubric in a single pass.
//!
//! Syntax: `{a|b}` picks one alternative, `[a]` or `[a|b]` is optional, groups nest.
//! Every expanded form is normalised exactly like transcript text, and patterns are
//! padded with spaces so that they only match whole words.

use super::text::{self, Normaliser};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use foldhash::HashMap as FoldHashMap;

/// Expansion limit for one phrase: `{a|b}{c|d}` repeated grows exponentially.
pub const MAX_FORMS_PER_PHRASE: usize = 2_000;

/// Written between two parts of a phrase, `...` lets up to [`MAX_GAP_WORDS`] words
/// stand between them in the same sentence: `I want ... refund`.
pub const GAP_SYNTAX: &str = "...";
/// How a gap is kept inside an expanded, normalised form.
pub const GAP: &str = " ... ";
pub const MAX_GAP_WORDS: u32 = 6;

/// An error in one phrase, with the char column (1-based) where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseError {
    /// 1-based char column in the phrase.
    pub column: usize,
    /// What is wrong with the phrase.
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
/// A form with a gap (`...`) keeps its parts joined by [`GAP`].
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
    let mut seen = foldhash::HashSet::default();
    let mut out = Vec::new();
    for form in forms {
        let mut parts = Vec::new();
        for part in form.split(GAP_SYNTAX) {
            let Some(norm) = text::normalise_phrase(part) else {
                return Err(PhraseError {
                    column: 1,
                    message: if form.contains(GAP_SYNTAX) {
                        "words must stand on both sides of `...`, and the phrase must not end in an optional part beside it".into()
                    } else {
                        "the phrase can match no words at all: make at least one word required"
                            .into()
                    },
                });
            };
            parts.push(norm);
        }
        let norm = parts.join(GAP);
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
                            let mut joined =
                                String::with_capacity(form.len() + alternative.len() + 16);
                            joined.push_str(form);
                            joined.push_str(alternative);
                            next.push(joined);
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
    /// For each pattern, the gapped phrases it is a part of, with the part's index.
    fragment_of: Vec<Vec<(usize, usize)>>,
    gapped: Vec<GappedPhrase>,
}

/// A phrase with gaps: its parts must appear in order in one sentence, with at most
/// [`MAX_GAP_WORDS`] words between neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GappedPhrase {
    pub display: String,
    pub parts: Vec<usize>,
    pub lexicons: Vec<LexiconId>,
}

#[derive(Debug, Default)]
pub struct PhraseSetBuilder {
    phrases: Vec<String>,
    owners: Vec<Vec<LexiconId>>,
    fragment_of: Vec<Vec<(usize, usize)>>,
    index: FoldHashMap<String, usize>,
    gapped: Vec<GappedPhrase>,
    gapped_index: FoldHashMap<String, usize>,
}

impl PhraseSetBuilder {
    fn pattern(&mut self, form: &str) -> usize {
        if let Some(&pattern) = self.index.get(form) {
            return pattern;
        }
        self.index.insert(form.to_owned(), self.phrases.len());
        self.phrases.push(form.to_owned());
        self.owners.push(Vec::new());
        self.fragment_of.push(Vec::new());
        self.phrases.len() - 1
    }

    /// Adds an expanded, normalised form for `lexicon`.
    pub fn add(&mut self, form: String, lexicon: LexiconId) {
        if form.contains(GAP) {
            return self.add_gapped(form, lexicon);
        }
        let pattern = self.pattern(&form);
        if !self.owners[pattern].contains(&lexicon) {
            self.owners[pattern].push(lexicon);
        }
    }

    fn add_gapped(&mut self, form: String, lexicon: LexiconId) {
        if let Some(&g) = self.gapped_index.get(&form) {
            if !self.gapped[g].lexicons.contains(&lexicon) {
                self.gapped[g].lexicons.push(lexicon);
            }
            return;
        }
        let g = self.gapped.len();
        let parts: Vec<usize> = form.split(GAP).map(|part| self.pattern(part)).collect();
        for (index, &pattern) in parts.iter().enumerate() {
            self.fragment_of[pattern].push((g, index));
        }
        self.gapped_index.insert(form.clone(), g);
        self.gapped.push(GappedPhrase {
            display: form,
            parts,
            lexicons: vec![lexicon],
        });
    }

    /// Distinct expanded forms so far, gapped ones included.
    pub fn len(&self) -> usize {
        self.index.len() + self.gapped.len()
    }

    /// The automaton over every form, with what each match means.
    pub fn build(self) -> Result<PhraseSet, aho_corasick::BuildError> {
        let padded = self.phrases.iter().map(|phrase| {
            let mut padded = String::with_capacity(phrase.len() + 2);
            padded.push(' ');
            padded.push_str(phrase);
            padded.push(' ');
            padded
        });
        // Standard semantics, because overlapping search needs it: one sentence can
        // hold an apology inside an empathy statement and both must be seen.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(padded)?;
        Ok(PhraseSet {
            automaton,
            phrases: self.phrases,
            owners: self.owners,
            fragment_of: self.fragment_of,
            gapped: self.gapped,
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

    /// Occurrences of whole phrases that the word-boundary rule keeps from
    /// counting: a phrase running into a longer word on one side ("sorry" in
    /// "sorryness"), with its start or end still on a word edge. For explaining
    /// a miss; it builds an automaton of its own, so it is not for scoring.
    pub fn inside_words(&self, normalised: &str) -> Vec<PhraseHit> {
        // Phrases this short are everywhere inside words and explain nothing.
        const SHORTEST: usize = 4;
        let Ok(automaton) = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&self.phrases)
        else {
            return Vec::new();
        };
        let bytes = normalised.as_bytes();
        let edge = |at: usize| at == 0 || at >= bytes.len() || bytes[at] == b' ';
        automaton
            .find_overlapping_iter(normalised)
            .filter(|m| m.end() - m.start() >= SHORTEST)
            .filter(|m| !self.owners[m.pattern().as_usize()].is_empty())
            .filter(|m| {
                let starts_on_edge = m.start() == 0 || edge(m.start() - 1);
                let ends_on_edge = edge(m.end());
                starts_on_edge != ends_on_edge
            })
            .map(|m| PhraseHit {
                pattern: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect()
    }

    /// The phrase a match reports: a pattern, or a gapped phrase numbered after them.
    pub fn phrase(&self, phrase: usize) -> &str {
        match phrase.checked_sub(self.phrases.len()) {
            Some(g) => &self.gapped[g].display,
            None => &self.phrases[phrase],
        }
    }

    pub fn owners(&self, pattern: usize) -> &[LexiconId] {
        &self.owners[pattern]
    }

    /// The gapped phrases `pattern` is a part of, as (gapped index, part index).
    pub fn fragment_of(&self, pattern: usize) -> &[(usize, usize)] {
        &self.fragment_of[pattern]
    }

    pub fn gapped(&self, g: usize) -> &GappedPhrase {
        &self.gapped[g]
    }

    /// The phrase number of gapped phrase `g`, as [`PhraseSet::phrase`] takes it.
    pub fn gapped_phrase_id(&self, g: usize) -> usize {
        self.phrases.len() + g
    }

    /// Every word of every pattern (gapped phrases' parts are patterns too).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.phrases.iter().flat_map(|p| p.split(' '))
    }

    /// Distinct expanded forms, gapped ones included.
    pub fn len(&self) -> usize {
        self.phrases.len() + self.gapped.len()
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
    fn gaps_split_a_phrase_into_parts() {
        assert_eq!(
            expand("{I want|I'd like} ... refund").unwrap(),
            vec!["i want ... refund", "i would like ... refund"]
        );
        assert!(expand("... refund")
            .unwrap_err()
            .message
            .contains("both sides"));
        let mut builder = PhraseSetBuilder::default();
        builder.add("i want ... refund".into(), 0);
        builder.add("refund".into(), 1);
        let set = builder.build().unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(set.fragment_of(1), &[(0, 1)]);
        assert_eq!(set.owners(1), &[1]);
        assert_eq!(set.phrase(set.gapped_phrase_id(0)), "i want ... refund");
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
