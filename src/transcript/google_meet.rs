//! Google Meet's transcript, the Google Doc saved as text: a date and a title
//! ending in `- Transcript` (older documents: the title, `Attendees` and their
//! names, then a `Transcript` heading), then one `Name: text` line per stretch
//! of speech, with a time line (`00:02:35`) every minute or two, and closing
//! lines (`Transcription ended after 00:28:51` or `Meeting ended after ...`,
//! and `This editable transcript was computer generated...`).
//!
//! The time lines mark sections, not turns, so turns are read without times:
//! giving the few turns after a marker a start would make silences appear
//! between markers rather than between speakers.

use super::cuetext::collapse_whitespace;
use super::text::split_label;
use super::{RawTurn, TranscriptError};

const NO_HEADING: &str = "expected a Google Meet transcript: a title ending in `- Transcript` \
     or a `Transcript` heading before the first `Name: text` line";

/// Reads a Google Meet transcript into one turn per `Name: text` line (merged by the caller).
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    let mut turns: Vec<RawTurn> = Vec::new();
    let mut heading_seen = false;
    for (index, line) in input.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || is_section_time(line) || is_closing(line) {
            continue;
        }
        if is_heading(line) {
            heading_seen = true;
            continue;
        }
        match split_label(line) {
            Some(label) if heading_seen => turns.push(RawTurn {
                speaker: label.speaker.to_string(),
                role: label.role,
                text: label.text.to_string(),
                start: None,
                end: None,
                line: index + 1,
            }),
            Some(_) => {
                return Err(TranscriptError::Syntax {
                    line: index + 1,
                    message: NO_HEADING.to_string(),
                })
            }
            // The date, `Attendees` and their names come before the first turn.
            None => {
                if let Some(turn) = turns.last_mut() {
                    turn.text.push(' ');
                    turn.text.push_str(line);
                }
            }
        }
    }
    for turn in &mut turns {
        turn.text = collapse_whitespace(&turn.text);
    }
    turns.retain(|turn| !turn.text.is_empty());
    if turns.is_empty() {
        return Err(if heading_seen {
            TranscriptError::Empty
        } else {
            TranscriptError::Syntax {
                line: 1,
                message: NO_HEADING.to_string(),
            }
        });
    }
    Ok(turns)
}

/// The document's title (`Weekly sync (2026-03-16 10:00 GMT) - Transcript`)
/// or its `Transcript` heading (`📖 Transcript` in Gemini's notes).
pub(super) fn is_heading(line: &str) -> bool {
    let line = line.trim().trim_start_matches('📖').trim_start();
    line == "Transcript" || line.ends_with(" - Transcript")
}

/// `00:02:35`: hours, minutes and seconds alone on a line.
fn is_section_time(line: &str) -> bool {
    let parts: Vec<&str> = line.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|part| (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
}

fn is_closing(line: &str) -> bool {
    [
        "Meeting ended after ",
        "Transcription ended after ",
        "This editable transcript was computer generated",
        "People can also change the text after it was created",
    ]
    .iter()
    .any(|closing| line.starts_with(closing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::test_support::check_parser;

    #[test]
    fn reads_both_layouts_skipping_sections_and_closing_lines() {
        check_parser(
            parse,
            &[
                (
                    "Mar 16, 2026\nRefund call - Transcript\n00:00:00\n \nPriya Shah: Thank you for calling.\nMr. Davis: Hi: it's late.\n \n \n00:01:10\n \nMr. Davis: Very late.\n \nTranscription ended after 00:01:30\n\nThis editable transcript was computer generated and might contain errors. People can also change the text after it was created.\n",
                    &[
                        ("Priya Shah", "Thank you for calling.", -1.0, -1.0, 5),
                        ("Mr. Davis", "Hi: it's late.", -1.0, -1.0, 6),
                        ("Mr. Davis", "Very late.", -1.0, -1.0, 11),
                    ],
                ),
                (
                    "Refund call (2023-05-04 10:00 GMT+1) - Transcript\nAttendees\nMr. Davis, Priya Shah\nTranscript\nPriya Shah: Hello.\nwrapped on\nMeeting ended after 00:00:55 👋\n",
                    &[("Priya Shah", "Hello. wrapped on", -1.0, -1.0, 5)],
                ),
            ],
        );
    }

    #[test]
    fn turns_before_any_heading_are_an_error() {
        assert_eq!(
            parse("Priya: secret\n"),
            Err(TranscriptError::Syntax {
                line: 1,
                message: NO_HEADING.to_string()
            })
        );
        assert_eq!(
            parse("Refund - Transcript\n00:00:00\n"),
            Err(TranscriptError::Empty)
        );
    }
}
