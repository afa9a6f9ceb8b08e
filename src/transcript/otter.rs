//! Otter.ai's text export: a header line for each paragraph, `Name  0:03` or
//! `Name  1:02:03` (the speaker, two or more spaces, the time into the
//! recording, often followed by spaces), then the words, which Otter wraps
//! freely. Its closing `Transcribed by https://otter.ai` line is not speech.
//!
//! A header with a time and no name (`0:15`) is what Otter writes for a
//! paragraph whose speaker it did not identify: it continues the speaker
//! before it. Times are offsets into the recording, kept as turn starts; no
//! ends are known.

use super::clock;
use super::cuetext::collapse_whitespace;
use super::json_doc::{fill_speakers, unnamed_turn};
use super::zoom::spaced_header;
use super::{RawTurn, TranscriptError};

const NO_NAMES: &str = "the Otter export names no speakers, so it does not say who is \
     speaking; in Otter, tag the speakers of the conversation and export the text again \
     with speaker names";
const WORDS_FIRST: &str = "expected a speaker line such as `Name  0:03` before the words";

/// Reads an Otter text export into one turn per paragraph (merged by the caller).
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    let mut read: Vec<(Option<String>, RawTurn)> = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || is_footer(trimmed) {
            continue;
        }
        if let Some((speaker, time)) = header(trimmed) {
            read.push((
                speaker.map(str::to_string),
                unnamed_turn("", Some(time), None, index + 1),
            ));
            continue;
        }
        match read.last_mut() {
            Some((_, turn)) => {
                turn.text.push(' ');
                turn.text.push_str(trimmed);
            }
            None => {
                return Err(TranscriptError::Syntax {
                    line: index + 1,
                    message: WORDS_FIRST.to_string(),
                })
            }
        }
    }
    for (_, turn) in &mut read {
        turn.text = collapse_whitespace(&turn.text);
    }
    read.retain(|(_, turn)| !turn.text.is_empty());
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    fill_speakers(read).ok_or_else(|| TranscriptError::Syntax {
        line: 1,
        message: NO_NAMES.to_string(),
    })
}

/// A paragraph header: `Name  0:03` gives the name, a bare `0:03` none.
pub(super) fn header(line: &str) -> Option<(Option<&str>, f64)> {
    if let Some(header) = spaced_header(line) {
        return Some((Some(header.speaker), header.time));
    }
    let line = line.trim();
    (line.contains(':') && !line.contains(['.', ',']))
        .then(|| clock::timestamp(line))
        .flatten()
        .map(|time| (None, time))
}

/// Otter's closing line, `Transcribed by https://otter.ai` (any case, http or https).
fn is_footer(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    line.starts_with("transcribed by http") && line.contains("otter.ai")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::test_support::check_parser;

    #[test]
    fn reads_paragraphs_with_offsets_and_drops_the_footer() {
        check_parser(
            parse,
            &[
                (
                    "Priya Shah  0:00  \nThank you for calling.\nHow can I help?\n\nMr. Davis  0:05  \nHi: it's late.\n\n0:09  \nVery late.\n\nUnknown Speaker  1:02:03\nHello?\n\nTranscribed by https://otter.ai\n",
                    &[
                        ("Priya Shah", "Thank you for calling. How can I help?", 0.0, -1.0, 1),
                        ("Mr. Davis", "Hi: it's late.", 5.0, -1.0, 5),
                        ("Mr. Davis", "Very late.", 9.0, -1.0, 8),
                        ("Unknown Speaker", "Hello?", 3723.0, -1.0, 11),
                    ],
                ),
                // The first header's time is an offset, not the start of the clock.
                (
                    "Speaker 1\t0:03\nHi.\nSpeaker 2  0:07\nHello.\ntranscribed by http://otter.ai",
                    &[("Speaker 1", "Hi.", 3.0, -1.0, 1), ("Speaker 2", "Hello.", 7.0, -1.0, 3)],
                ),
            ],
        );
    }

    #[test]
    fn unnamed_exports_and_leading_words_are_errors() {
        assert_eq!(
            parse("0:00\nsecret\n\n0:05\nmore\n"),
            Err(TranscriptError::Syntax {
                line: 1,
                message: NO_NAMES.to_string()
            })
        );
        assert_eq!(
            parse("secret\nSpeaker 1  0:00\nhi\n"),
            Err(TranscriptError::Syntax {
                line: 1,
                message: WORDS_FIRST.to_string()
            })
        );
        assert_eq!(
            parse("Speaker 1  0:00\n\nTranscribed by https://otter.ai\n"),
            Err(TranscriptError::Empty)
        );
    }
}
