//! SubRip subtitles (`application/x-subrip`): numbered cues with comma
//! milliseconds, speakers from `NAME:` or `[Name]` prefixes.
//!
//! Index lines may be missing or start at any number; cues in two languages
//! keep both lines as text. Layout rules are in [`cues`](super::cues).

use super::cues::{self, Layout};
use super::{RawTurn, TranscriptError};

/// Reads an SRT file into one turn per cue and speaker (merged by the caller).
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    cues::subtitle_turns(cues::scan(input, Layout::SubRip)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::test_support::check_parser;

    #[test]
    fn reads_prefixes_numbering_and_two_language_cues() {
        // (input, expected (speaker, text, start, end, line))
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str, f64, f64, usize)]);
        let cases: &[Case] = &[
            (
                "1\n00:00:00,000 --> 00:00:04,200\nPRIYA: Thank you for calling.\n\n\
                 2\n00:00:04,600 --> 00:00:09,000\n[Mr. Davis] Hi.\n",
                &[
                    ("PRIYA", "Thank you for calling.", 0.0, 4.2, 3),
                    ("Mr. Davis", "Hi.", 4.6, 9.0, 7),
                ],
            ),
            (
                "\u{feff}41\n00:00:01,000 --> 00:00:02,000\nSPEAKER 1: Hello.\nHola.\n\n\
                 42\n00:00:02,000 --> 00:00:03,000\nStill me.\n",
                &[
                    ("SPEAKER 1", "Hello. Hola.", 1.0, 2.0, 3),
                    ("SPEAKER 1", "Still me.", 2.0, 3.0, 8),
                ],
            ),
            (
                "00:00:01,000 --> 00:00:02,000\n<i>A:</i> Hi\n\n00:00:02,000 --> 00:00:03,000\n- A: Yes.\n- B: No.\n",
                &[
                    ("A", "Hi", 1.0, 2.0, 2),
                    ("A", "Yes.", 2.0, 3.0, 5),
                    ("B", "No.", 2.0, 3.0, 6),
                ],
            ),
        ];
        check_parser(|input| parse(input.trim_start_matches('\u{feff}')), cases);
    }

    #[test]
    fn text_before_any_cue_is_an_error_naming_the_line() {
        let error = parse("secret\n\n1\n00:00:01,000 --> 00:00:02,000\nA: hi\n").unwrap_err();
        assert!(
            matches!(error, TranscriptError::Syntax { line: 1, .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("secret"));
    }
}
