//! The plain-text and chat-export transcript format: `Speaker: text` lines.
//!
//! * `Name (Role): text` puts `Name` in the speaker and reads `Role` with the
//!   same label rules as [`roles`](super::roles) (so `Sam (Customer):` is a
//!   customer turn and `Jo (Service Advisor):` a learner turn).
//! * Chat exports put a time before or beside the label: `[10:32] Name: text`,
//!   `[12/03/2024, 10:32:05] Name: text`, `10:32 - Name: text` (WhatsApp),
//!   `Name (10:32): text`, with 24-hour or AM/PM clocks. The time becomes the
//!   turn's start, in seconds after the first time in the file (see
//!   [`Elapsed`]), so that gaps between messages are visible to rules; dates
//!   are not read.
//! * A line without a label continues the previous turn. Continuation lines are
//!   trimmed and joined to the turn with a single `"\n"`, keeping the words and
//!   line structure of the original while dropping layout indentation.
//! * In a file whose turns carry chat times, a timed line without a label is a
//!   notice from the chat tool (someone joined, messages are encrypted) and is
//!   skipped; elsewhere such a line is unlabelled text like any other.
//! * Blank lines are ignored, including inside a turn. CRLF line ends are accepted.
//!
//! A label is at most [`MAX_LABEL_CHARS`] characters and [`MAX_LABEL_WORDS`]
//! words, starts with a letter and holds only letters, digits, spaces, dots,
//! apostrophes, hyphens and underscores, plus one trailing parenthesised part.
//! `10:32` (a time) and `https://` (a URL) are never labels. Short prose such
//! as `Note: ...` still reads as a label: there is no telling it apart from a
//! speaker name.

use super::clock::{self, Elapsed};
use super::roles::role_from_label;
use super::{RawTurn, Role, TranscriptError};

/// Longest speaker label, in characters, before the first `:`.
const MAX_LABEL_CHARS: usize = 40;
/// Most words in a speaker name (and, separately, in its parenthesised role),
/// which keeps ordinary sentences containing a colon from reading as labels.
const MAX_LABEL_WORDS: usize = 4;
/// Longest chat time prefix (`12/03/2024, 10:32:05 PM`), in bytes.
const MAX_STAMP_BYTES: usize = 32;

const HOW_TO_LABEL: &str =
    "every turn must start with `Speaker: text` (e.g. `Agent: Hello` or `Sam (Customer): Hi`)";

/// A speaker label read from the start of a line.
#[derive(Debug, PartialEq)]
pub(super) struct Label<'a> {
    pub speaker: &'a str,
    pub role: Option<Role>,
    /// What follows the colon, trimmed.
    pub text: &'a str,
    /// A clock time in the parentheses (`Name (10:32):`), in seconds after midnight.
    pub time: Option<f64>,
}

/// What one input line is.
enum Line<'a> {
    Blank,
    /// A labelled line, with the chat time written before the label, if any.
    Turn(Label<'a>, Option<f64>),
    /// A chat time with no label after it: a tool's notice, or text.
    Stamped,
    /// Anything else: text continuing a turn.
    Text,
}

/// Reads `Speaker: text` lines into turns; see the module documentation for the format.
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    // Classify first: whether timed unlabelled lines are notices depends on
    // whether the file's turns carry times at all.
    let lines: Vec<(&str, Line)> = input.lines().map(|line| (line, classify(line))).collect();
    let timed_turns = lines.iter().any(|(_, kind)| {
        matches!(kind, Line::Turn(label, stamp) if stamp.is_some() || label.time.is_some())
    });

    let mut turns: Vec<RawTurn> = Vec::new();
    let mut elapsed = Elapsed::default();
    // The first unlabelled line before any turn; only an error once we know
    // whether the file has labels at all, which changes the advice given.
    let mut orphan_line: Option<usize> = None;

    for (index, (line, kind)) in lines.into_iter().enumerate() {
        let line_number = index + 1;
        match kind {
            Line::Blank => {}
            Line::Stamped if timed_turns => {}
            Line::Turn(label, stamp) => {
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
                    start: stamp.or(label.time).map(|time| elapsed.at(time)),
                    end: None,
                    line: line_number,
                });
            }
            Line::Stamped | Line::Text => {
                if let Some(turn) = turns.last_mut() {
                    if !turn.text.is_empty() {
                        turn.text.push('\n');
                    }
                    turn.text.push_str(line.trim());
                } else if orphan_line.is_none() {
                    orphan_line = Some(line_number);
                }
            }
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

fn classify(line: &str) -> Line<'_> {
    if line.trim().is_empty() {
        return Line::Blank;
    }
    if let Some((time, rest)) = chat_prefix(line) {
        return match split_label(rest) {
            Some(label) => Line::Turn(label, Some(time)),
            None => Line::Stamped,
        };
    }
    match split_label(line) {
        Some(label) => Line::Turn(label, None),
        None => Line::Text,
    }
}

/// Splits a chat export's time off the front of a line: `[10:32] rest`,
/// `[12/03/2024, 10:32:05] rest`, `10:32 - rest` or `12/03/2024, 10:32 - rest`.
/// Returns the clock time (seconds after midnight) and the rest.
fn chat_prefix(line: &str) -> Option<(f64, &str)> {
    let line = line.trim_start();
    if let Some(inside) = line.strip_prefix('[') {
        let close = inside.find(']').filter(|&at| at <= MAX_STAMP_BYTES)?;
        let time = stamp(&inside[..close])?;
        return Some((time, inside[close + 1..].trim_start()));
    }
    // The first spaced dash; dashes inside a date (`2024-03-12`) are not spaced.
    let dash = [" - ", " – "]
        .iter()
        .filter_map(|sep| line.find(sep).map(|at| (at, sep.len())))
        .min()
        .filter(|&(at, _)| at <= MAX_STAMP_BYTES);
    let (at, width) = dash?;
    Some((stamp(&line[..at])?, line[at + width..].trim_start()))
}

/// Reads `[date[,]] clock`, ignoring the date.
fn stamp(text: &str) -> Option<f64> {
    let text = text.trim();
    let time = match text.split_once(|c: char| c == ',' || c.is_whitespace()) {
        Some((date, rest)) if is_date(date) => rest.trim_start_matches(',').trim(),
        _ => text,
    };
    clock::clock(time)
}

/// `12/03/2024`, `2024-03-12`, `12.03.24`: three groups of digits.
fn is_date(text: &str) -> bool {
    let groups: Vec<&str> = text.split(['/', '-', '.']).collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits `Speaker: text`, `Name (Role): text` or `Name (10:32): text`, or
/// returns `None` when the line does not open with a speaker label.
pub(super) fn split_label(line: &str) -> Option<Label<'_>> {
    let colon = label_colon(line)?;
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
    let (name, inner) = match head.find('(') {
        Some(open) => {
            let inner = head[open + 1..].strip_suffix(')')?;
            (head[..open].trim_end(), Some(inner.trim()))
        }
        None => (head, None),
    };
    if !is_label_part(name) {
        return None;
    }
    let time = inner.and_then(clock::clock);
    if let Some(inner) = inner {
        if time.is_none() && !is_label_part(inner) {
            return None;
        }
    }

    Some(Label {
        speaker: name,
        role: if time.is_some() {
            None
        } else {
            inner.and_then(role_from_label)
        },
        text: rest.trim(),
        time,
    })
}

/// The first `:` outside parentheses, so that `Name (10:32): text` splits
/// after the parenthesis.
fn label_colon(line: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in line.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return Some(at),
            _ => {}
        }
    }
    None
}

/// Whether `name` could be a speaker name: the rules for the name part of a
/// `Name: text` label, for formats that write names in other places.
pub(super) fn is_speaker_name(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(char::is_alphabetic)
        && name.chars().count() <= MAX_LABEL_CHARS
        && is_label_part(name)
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
                    text,
                    time: None,
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

    #[test]
    fn chat_exports_put_times_before_or_beside_labels() {
        // (input, expected (speaker, text, start) per turn)
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str, Option<f64>)]);
        let cases: &[Case] = &[
            (
                "[10:32] Priya Shah: Hello, how can I help?\n[10:33] Mr. Davis: It's about: my refund.",
                &[
                    ("Priya Shah", "Hello, how can I help?", Some(0.0)),
                    ("Mr. Davis", "It's about: my refund.", Some(60.0)),
                ],
            ),
            (
                "[10:32:05] A: one\n[10:32:35 ] B: two",
                &[("A", "one", Some(0.0)), ("B", "two", Some(30.0))],
            ),
            (
                "[12/03/2024, 10:32:05] A: one\n[12/03/2024, 10:34:05] B: two",
                &[("A", "one", Some(0.0)), ("B", "two", Some(120.0))],
            ),
            (
                "12/03/2024, 10:32 - A: one\n2024-03-12 10:33 – B: two",
                &[("A", "one", Some(0.0)), ("B", "two", Some(60.0))],
            ),
            (
                "10:32 - Council Member Davis: Point one: the bins.\n10:35 - Dr. Chen: Noted.",
                &[
                    ("Council Member Davis", "Point one: the bins.", Some(0.0)),
                    ("Dr. Chen", "Noted.", Some(180.0)),
                ],
            ),
            (
                "Priya (10:32): Hello\nSam (10:33 AM): Hi\nPriya (12:01 PM): Bye",
                &[
                    ("Priya", "Hello", Some(0.0)),
                    ("Sam", "Hi", Some(60.0)),
                    ("Priya", "Bye", Some(5340.0)),
                ],
            ),
            // Notices from the chat tool are skipped; untimed lines continue a turn.
            (
                "12/03/2024, 10:30 - Messages are end-to-end encrypted.\n\
                 12/03/2024, 10:32 - A: one\nsecond line\n12/03/2024, 10:33 - B joined\n\
                 12/03/2024, 10:34 - B: two",
                &[
                    ("A", "one\nsecond line", Some(0.0)),
                    ("B", "two", Some(120.0)),
                ],
            ),
            // Without timed turns, a timed unlabelled line is text.
            (
                "A: one\n[10:32] more words",
                &[("A", "one\n[10:32] more words", None)],
            ),
        ];
        for (input, expected) in cases {
            let got: Vec<(String, String, Option<f64>)> = parse(input)
                .unwrap_or_else(|e| panic!("{input:?}: {e}"))
                .into_iter()
                .map(|t| (t.speaker, t.text, t.start))
                .collect();
            let expected: Vec<(String, String, Option<f64>)> = expected
                .iter()
                .map(|(s, t, start)| (s.to_string(), t.to_string(), *start))
                .collect();
            assert_eq!(got, expected, "input {input:?}");
        }
    }

    #[test]
    fn chat_prefix_reads_times_and_leaves_the_rest() {
        let cases: &[(&str, Option<(f64, &str)>)] = &[
            ("[10:32] A: hi", Some((37920.0, "A: hi"))),
            ("  [10:32 PM]A: hi", Some((81120.0, "A: hi"))),
            ("[12.03.24 10:32] A: hi", Some((37920.0, "A: hi"))),
            ("10:32 - A: hi - there", Some((37920.0, "A: hi - there"))),
            ("[Agent]: hello", None),
            ("[10:32 A: hi", None),
            ("[99:32] A: hi", None),
            ("Agent - 10:32: hi", None),
            ("10:32 Agent: hi", None),
            ("10:32-A: hi", None),
            ("- Agent: hello", None),
        ];
        for (line, expected) in cases {
            assert_eq!(chat_prefix(line), *expected, "line {line:?}");
        }
    }

    #[test]
    fn a_time_in_parentheses_is_not_a_role() {
        let label = split_label("Sam (10:32 am): it's 10:40 now").unwrap();
        assert_eq!(
            label,
            Label {
                speaker: "Sam",
                role: None,
                text: "it's 10:40 now",
                time: Some(37920.0)
            }
        );
        assert!(is_speaker_name("Dr. Chen"));
        assert!(is_speaker_name("Council Member Davis"));
        assert!(!is_speaker_name("laughs?"));
        assert!(!is_speaker_name("1st"));
        assert!(!is_speaker_name(""));
    }
}
