//! Speaker-header text transcripts: Zoom's saved transcript `.txt`
//! (`[Name] 11:02:09` on its own line, then the words) and its saved chat
//! (`11:02:09 From Name to Everyone: text`, or the words on the next line),
//! plus the `Name  0:03` header lines of Otter and of Teams documents saved as text.
//!
//! Times become turn starts in seconds after the first header's time (see
//! [`Elapsed`]); no end times are known. Lines under a header are display
//! wrapping and join with single spaces.

use super::clock::{self, Elapsed};
use super::cuetext::collapse_whitespace;
use super::{RawTurn, TranscriptError};

/// Longest speaker name read from a header line, in characters.
const MAX_NAME_CHARS: usize = 60;

/// A speaker header line.
#[derive(Debug, PartialEq)]
pub(super) struct Header<'a> {
    pub speaker: &'a str,
    /// The time written, in seconds (of the day, or of the recording).
    pub time: f64,
    /// Words on the header line itself (chat messages).
    pub text: &'a str,
}

/// Reads a header line: `[Name] 11:02:09`, `11:02:09 From Name to Everyone: text`,
/// `11:02:09 From Name : text`, or `Name  0:03` (two or more spaces, or a tab).
pub(super) fn header(line: &str) -> Option<Header<'_>> {
    let line = line.trim();
    if let Some(inside) = line.strip_prefix('[') {
        let close = inside.find(']')?;
        let speaker = inside[..close].trim();
        let time = clock::timestamp(inside[close + 1..].trim())?;
        return is_name(speaker).then_some(Header {
            speaker,
            time,
            text: "",
        });
    }
    if let Some(header) = chat_header(line) {
        return Some(header);
    }
    spaced_header(line)
}

/// `Name  0:03`: a name, two or more spaces or a tab, and a time (the layout
/// of Otter's export, read by [`otter`](super::otter) too).
pub(super) fn spaced_header(line: &str) -> Option<Header<'_>> {
    let line = line.trim();
    let split = line.rfind(char::is_whitespace)?;
    let time = clock::timestamp(line[split..].trim_start())?;
    let before = &line[..split];
    let wide_gap = before.ends_with(char::is_whitespace) || line[split..].starts_with('\t');
    let speaker = before.trim_end();
    (wide_gap && is_name(speaker)).then_some(Header {
        speaker,
        time,
        text: "",
    })
}

/// `11:02:09 From Name to Everyone: text` (recent Zoom) or
/// `11:02:09\t From Name : text` (older Zoom).
fn chat_header(line: &str) -> Option<Header<'_>> {
    let (time, rest) = line.split_once(char::is_whitespace)?;
    let time = clock::timestamp(time)?;
    let rest = rest.trim_start().strip_prefix("From")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let colon = rest.find(':')?;
    let head = &rest[..colon];
    let speaker = match head.rfind(" to ") {
        Some(at) => &head[..at],
        None => head,
    }
    .trim();
    is_name(speaker).then_some(Header {
        speaker,
        time,
        text: rest[colon + 1..].trim(),
    })
}

fn is_name(name: &str) -> bool {
    name.starts_with(char::is_alphabetic)
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.contains([':', '<', '>', '[', ']'])
}

/// Reads a speaker-header transcript into one turn per header (merged by the caller).
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    let mut turns: Vec<RawTurn> = Vec::new();
    let mut elapsed = Elapsed::default();
    for (index, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(header) = header(line) {
            turns.push(RawTurn {
                speaker: header.speaker.to_string(),
                role: None,
                text: header.text.to_string(),
                start: Some(elapsed.at(header.time)),
                end: None,
                line: index + 1,
            });
            continue;
        }
        match turns.last_mut() {
            Some(turn) => {
                if !turn.text.is_empty() {
                    turn.text.push(' ');
                }
                turn.text.push_str(line.trim());
            }
            None => {
                return Err(TranscriptError::Syntax {
                    line: index + 1,
                    message: "expected a speaker line such as `[Name] 11:02:09` before the words"
                        .to_string(),
                })
            }
        }
    }
    for turn in &mut turns {
        turn.text = collapse_whitespace(&turn.text);
    }
    turns.retain(|turn| !turn.text.is_empty());
    if turns.is_empty() {
        return Err(TranscriptError::Empty);
    }
    Ok(turns)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line and the (speaker, time, text) of the header it is, if any.
    type HeaderCase<'a> = (&'a str, Option<(&'a str, f64, &'a str)>);

    #[test]
    fn header_lines() {
        let cases: &[HeaderCase] = &[
            ("[Priya Shah] 14:02:05", Some(("Priya Shah", 50525.0, ""))),
            ("[Dr. Chen] 00:00:03", Some(("Dr. Chen", 3.0, ""))),
            ("Speaker 1  0:03", Some(("Speaker 1", 3.0, ""))),
            (
                "Council Member Davis\t1:02:03",
                Some(("Council Member Davis", 3723.0, "")),
            ),
            (
                "14:02:05 From  Priya Shah  to  Everyone:",
                Some(("Priya Shah", 50525.0, "")),
            ),
            (
                "14:02:05\t From  Priya Shah : Hello: there",
                Some(("Priya Shah", 50525.0, "Hello: there")),
            ),
            (
                "14:02:05 From Priya Shah to Mr. Davis(Direct Message): Hi",
                Some(("Priya Shah", 50525.0, "Hi")),
            ),
            ("Meeting at 10:30", None),
            ("Agent: see you at  10:30", None),
            ("[10:32] Priya: hi", None),
            ("[Priya Shah] soon", None),
            ("14:02:05 Priya: hi", None),
            ("  0:03", None),
        ];
        for (line, expected) in cases {
            let got = header(line).map(|h| (h.speaker, h.time, h.text));
            assert_eq!(got, *expected, "line {line:?}");
        }
    }

    #[test]
    fn reads_zoom_otter_and_chat_layouts() {
        // (input, expected (speaker, text, start, line))
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str, f64, usize)]);
        let cases: &[Case] = &[
            (
                "[Priya Shah] 14:02:05\nThank you for calling.\nHow can I help?\n\n[Mr. Davis] 14:02:10\nHi: it's late.\n",
                &[
                    ("Priya Shah", "Thank you for calling. How can I help?", 0.0, 1),
                    ("Mr. Davis", "Hi: it's late.", 5.0, 5),
                ],
            ),
            (
                "Speaker 1  0:00\nThank you for calling.\n\nSpeaker 2  0:05\nHi.\n",
                &[
                    ("Speaker 1", "Thank you for calling.", 0.0, 1),
                    ("Speaker 2", "Hi.", 5.0, 4),
                ],
            ),
            (
                "14:02:05 From  Priya Shah  to  Everyone:\n\tThank you for calling.\n\
                 14:02:10 From  Mr. Davis  to  Everyone:\n\tHi.\n",
                &[
                    ("Priya Shah", "Thank you for calling.", 0.0, 1),
                    ("Mr. Davis", "Hi.", 5.0, 3),
                ],
            ),
            (
                "23:59:58\t From  A : one\n00:00:03\t From  B : two\n",
                &[("A", "one", 0.0, 1), ("B", "two", 5.0, 2)],
            ),
        ];
        for (input, expected) in cases {
            let got: Vec<(String, String, f64, usize)> = parse(input)
                .unwrap_or_else(|e| panic!("{input:?}: {e}"))
                .into_iter()
                .map(|t| (t.speaker, t.text, t.start.unwrap_or(-1.0), t.line))
                .collect();
            let expected: Vec<(String, String, f64, usize)> = expected
                .iter()
                .map(|(s, t, a, l)| (s.to_string(), t.to_string(), *a, *l))
                .collect();
            assert_eq!(got, expected, "input {input:?}");
        }
    }

    #[test]
    fn words_before_any_header_are_an_error() {
        let error = parse("secret\n[A] 10:00:00\nhi\n").unwrap_err();
        assert!(
            matches!(error, TranscriptError::Syntax { line: 1, .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("secret"));
        assert_eq!(parse("[A] 10:00:00\n"), Err(TranscriptError::Empty));
    }
}
