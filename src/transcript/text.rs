//! The plain-text transcript format: `Speaker: text` lines.
//!
//! * `Name (Role): text` puts `Name` in the speaker and reads `Role` with the
//!   same label rules as [`roles`](super::roles) (so `Sam (Customer):` is a
//!   customer turn and `Jo (Service Advisor):` a learner turn).
//! * A line without a label continues the previous turn. Continuation lines are
//!   trimmed and joined to the turn with a single `"\n"`, keeping the words and
//!   line structure of the original while dropping layout indentation.
//! * Blank lines are ignored, including inside a turn. CRLF line ends are accepted.
//!
//! A label is at most [`MAX_LABEL_CHARS`] characters and [`MAX_LABEL_WORDS`]
//! words, starts with a letter and holds only letters, digits, spaces, dots,
//! apostrophes, hyphens and underscores, plus one trailing parenthesised part.
//! `10:32` (a time) and `https://` (a URL) are never labels. Short prose such
//! as `Note: ...` still reads as a label: there is no telling it apart from a
//! speaker name.

use super::roles::role_from_label;
use super::{RawTurn, Role, TranscriptError};

/// Longest speaker label, in characters, before the first `:`.
const MAX_LABEL_CHARS: usize = 40;
/// Most words in a speaker name (and, separately, in its parenthesised role),
/// which keeps ordinary sentences containing a colon from reading as labels.
const MAX_LABEL_WORDS: usize = 4;

const HOW_TO_LABEL: &str =
    "every turn must start with `Speaker: text` (e.g. `Agent: Hello` or `Sam (Customer): Hi`)";

/// A speaker label read from the start of a line.
#[derive(Debug, PartialEq)]
struct Label<'a> {
    speaker: &'a str,
    role: Option<Role>,
    /// What follows the colon, trimmed.
    text: &'a str,
}

/// Reads `Speaker: text` lines into turns; see the module documentation for the format.
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    let mut turns: Vec<RawTurn> = Vec::new();
    // The first unlabelled line before any turn; only an error once we know
    // whether the file has labels at all, which changes the advice given.
    let mut orphan_line: Option<usize> = None;

    for (index, line) in input.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(label) = split_label(line) {
            if let Some(line) = orphan_line {
                return Err(TranscriptError::Syntax {
                    line,
                    message: format!("this line has no speaker label; {HOW_TO_LABEL}"),
                });
            }
            turns.push(RawTurn {
                speaker: label.speaker.to_string(),
                role: label.role,
                text: label.text.to_string(),
                start: None,
                end: None,
                line: line_number,
            });
        } else if let Some(turn) = turns.last_mut() {
            if !turn.text.is_empty() {
                turn.text.push('\n');
            }
            turn.text.push_str(line.trim());
        } else if orphan_line.is_none() {
            orphan_line = Some(line_number);
        }
    }

    match orphan_line {
        Some(line) => Err(TranscriptError::Syntax {
            line,
            message: format!(
                "no line starts with a speaker label; {HOW_TO_LABEL}, \
                 and lines without a label continue the turn above"
            ),
        }),
        None if turns.is_empty() => Err(TranscriptError::Empty),
        None => Ok(turns),
    }
}

/// Splits `Speaker: text` or `Name (Role): text`, or returns `None` when the
/// line does not open with a speaker label.
fn split_label(line: &str) -> Option<Label<'_>> {
    let colon = line.find(':')?;
    let head = &line[..colon];
    let rest = &line[colon + 1..];

    let looks_like_time = head.ends_with(|c: char| c.is_ascii_digit())
        && rest.starts_with(|c: char| c.is_ascii_digit());
    if looks_like_time || rest.starts_with("//") {
        return None;
    }

    let head = head.trim();
    if head.chars().count() > MAX_LABEL_CHARS || !head.starts_with(char::is_alphabetic) {
        return None;
    }
    let (name, role_label) = match head.find('(') {
        Some(open) => {
            let inner = head[open + 1..].strip_suffix(')')?;
            (head[..open].trim_end(), Some(inner.trim()))
        }
        None => (head, None),
    };
    if !is_label_part(name) {
        return None;
    }
    if let Some(inner) = role_label {
        if !is_label_part(inner) {
            return None;
        }
    }

    Some(Label {
        speaker: name,
        role: role_label.and_then(role_from_label),
        text: rest.trim(),
    })
}

fn is_label_part(part: &str) -> bool {
    part.split_whitespace().count() <= MAX_LABEL_WORDS
        && part.chars().all(|c| {
            c.is_alphanumeric() || c.is_whitespace() || matches!(c, '.' | '\'' | '’' | '-' | '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::{Customer as C, Learner as L, Other as O};

    /// (speaker, role, text, line) of each turn.
    type Summary = (String, Option<Role>, String, usize);

    /// Like [`Summary`], borrowed, for tables.
    type Expected<'a> = (&'a str, Option<Role>, &'a str, usize);

    fn summary(input: &str) -> Result<Vec<Summary>, TranscriptError> {
        parse(input).map(|turns| {
            turns
                .into_iter()
                .map(|t| (t.speaker, t.role, t.text, t.line))
                .collect()
        })
    }

    fn turn(speaker: &str, role: Option<Role>, text: &str, line: usize) -> Summary {
        (speaker.to_string(), role, text.to_string(), line)
    }

    #[test]
    fn split_label_accepts_speaker_labels() {
        let cases: &[(&str, &str, Option<Role>, &str)] = &[
            ("Agent: Hello", "Agent", None, "Hello"),
            ("Agent:Hello", "Agent", None, "Hello"),
            ("  Agent :   Hello there  ", "Agent", None, "Hello there"),
            ("Agent 1: Hi", "Agent 1", None, "Hi"),
            ("Customer_2: Hi", "Customer_2", None, "Hi"),
            ("Dr. O'Neil-Smith: Hi", "Dr. O'Neil-Smith", None, "Hi"),
            ("Mary Jane van Dyke: Hi", "Mary Jane van Dyke", None, "Hi"),
            ("Zoë: Hi", "Zoë", None, "Hi"),
            ("Agent: it's 10:30 now", "Agent", None, "it's 10:30 now"),
            (
                "Agent: see https://example.com",
                "Agent",
                None,
                "see https://example.com",
            ),
            ("Agent:", "Agent", None, ""),
            ("Sam (Customer): Hi", "Sam", Some(C), "Hi"),
            ("Sam(customer): Hi", "Sam", Some(C), "Hi"),
            ("Jo (Service Advisor): Hi", "Jo", Some(L), "Hi"),
            ("Jo ( Agent ): Hi", "Jo", Some(L), "Hi"),
            ("Kim (Learner): Hi", "Kim", Some(L), "Hi"),
            ("Lee (Supervisor): Hi", "Lee", Some(O), "Hi"),
            ("Sam (Jones): Hi", "Sam", None, "Hi"),
            ("Sam (): Hi", "Sam", None, "Hi"),
        ];
        for (line, speaker, role, text) in cases {
            assert_eq!(
                split_label(line),
                Some(Label {
                    speaker,
                    role: *role,
                    text
                }),
                "line {line:?}"
            );
        }
    }

    #[test]
    fn split_label_rejects_non_labels() {
        let cases = [
            "no colon at all",
            "10:32 Agent: hello",
            "at 10:32 we spoke",
            "ratio 3:1",
            "https://example.com/page",
            "see http://example.com",
            "[Agent]: hello",
            "- Agent: hello",
            "1. Agent: hello",
            "Agent #2: hello",
            "So then I said to him: fine",
            "Sam Lee (Customer Service Team Lead Role): hi",
            ": starts with a colon",
            "(Customer): no name",
            "Sam (Customer: unclosed",
            "Sam (Customer) Smith: trailing name",
            "Sam ((Customer)): nested",
            "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 41 characters",
        ];
        for line in cases {
            assert_eq!(split_label(line), None, "line {line:?}");
        }
    }

    #[test]
    fn forty_character_label_is_accepted() {
        let line = format!("{}: hi", "A".repeat(40));
        assert_eq!(
            split_label(&line).map(|label| label.speaker.len()),
            Some(40)
        );
    }

    #[test]
    fn parses_turns_with_line_numbers() {
        let cases: &[(&str, &[Expected])] = &[
            (
                "Agent: Hello, how can I help?\nCustomer: My order is late.\n",
                &[
                    ("Agent", None, "Hello, how can I help?", 1),
                    ("Customer", None, "My order is late.", 2),
                ],
            ),
            // CRLF line ends.
            (
                "Agent: Hello\r\nCustomer: Hi\r\n",
                &[("Agent", None, "Hello", 1), ("Customer", None, "Hi", 2)],
            ),
            // Blank lines, including whitespace-only ones, are skipped.
            (
                "\n\nAgent: Hello\n   \n\t\nCustomer: Hi",
                &[("Agent", None, "Hello", 3), ("Customer", None, "Hi", 6)],
            ),
            // Continuation lines join with "\n", trimmed, across blank lines.
            (
                "Agent: Hello.\n  How can I help?\n\nIt's 10:30 now.\nCustomer: Hi",
                &[
                    ("Agent", None, "Hello.\nHow can I help?\nIt's 10:30 now.", 1),
                    ("Customer", None, "Hi", 5),
                ],
            ),
            // A label with no text takes its text from the next line.
            ("Agent:\n  Hello", &[("Agent", None, "Hello", 1)]),
            ("Agent:", &[("Agent", None, "", 1)]),
            // Role labels in parentheses.
            (
                "Sam (Agent): Hello\r\nPat (Customer): Hi\nLee (Observer): Note this",
                &[
                    ("Sam", Some(L), "Hello", 1),
                    ("Pat", Some(C), "Hi", 2),
                    ("Lee", Some(O), "Note this", 3),
                ],
            ),
        ];
        for (input, expected) in cases {
            let expected: Vec<Summary> = expected
                .iter()
                .map(|(s, r, t, l)| turn(s, *r, t, *l))
                .collect();
            assert_eq!(summary(input), Ok(expected), "input {input:?}");
        }
    }

    #[test]
    fn parsed_turns_have_no_times() {
        let turns = parse("Agent: Hello").unwrap();
        assert_eq!((turns[0].start, turns[0].end), (None, None));
    }

    #[test]
    fn unlabelled_lines_before_the_first_turn_are_rejected() {
        let cases: &[(&str, usize)] = &[
            ("Hello there\nAgent: Hi", 1),
            ("\n\n10:32 Agent: Hi\nCustomer: Hello", 3),
            ("[00:01] hello\n\nAgent: Hi", 1),
        ];
        for (input, line) in cases {
            assert_eq!(
                parse(input),
                Err(TranscriptError::Syntax {
                    line: *line,
                    message: "this line has no speaker label; every turn must start with \
                              `Speaker: text` (e.g. `Agent: Hello` or `Sam (Customer): Hi`)"
                        .to_string()
                }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn input_without_any_label_explains_how_to_label() {
        let cases: &[(&str, usize)] = &[
            ("hello\nhow are you", 1),
            ("\r\n\r\n10:32 hello\r\n10:33 hi", 3),
            ("https://example.com", 1),
        ];
        for (input, line) in cases {
            let Err(TranscriptError::Syntax { line: got, message }) = parse(input) else {
                panic!("expected a syntax error for {input:?}");
            };
            assert_eq!(got, *line, "input {input:?}");
            assert_eq!(
                message,
                "no line starts with a speaker label; every turn must start with `Speaker: text` \
                 (e.g. `Agent: Hello` or `Sam (Customer): Hi`), and lines without a label \
                 continue the turn above",
                "input {input:?}"
            );
        }
    }

    #[test]
    fn errors_never_quote_the_transcript() {
        let Err(error) = parse("secret words\nAgent: hi") else {
            panic!("expected an error");
        };
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn blank_input_is_empty() {
        for input in ["", "\n", " \r\n\t\n"] {
            assert_eq!(parse(input), Err(TranscriptError::Empty), "input {input:?}");
        }
    }

    #[test]
    fn a_note_line_reads_as_a_speaker() {
        // Documented limitation: short prose before a colon is a label.
        let turns = summary("Agent: Hello\nNote: the customer is upset").unwrap();
        assert_eq!(turns[1], turn("Note", None, "the customer is upset", 2));
    }
}
