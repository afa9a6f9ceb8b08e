//! The old Microsoft Teams transcript `.txt`: a timing line
//! (`0:0:0.0 --> 0:0:3.720`, unpadded), the speaker's name on its own line,
//! then the words on the lines after it.
//!
//! Teams names are written as the directory has them (`Shah, Priya`), so the
//! name line is taken as it is. A cue with a single line has no name line: it
//! continues the speaker before it. Layout rules are in [`cues`](super::cues).

use super::cues::{self, Layout};
use super::cuetext::collapse_whitespace;
use super::{RawTurn, TranscriptError};

/// Reads an old Teams `.txt` transcript into one turn per cue (merged by the caller).
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    let mut turns: Vec<RawTurn> = Vec::new();
    for cue in cues::scan(input, Layout::TeamsTxt)? {
        let (speaker, line, words) = match cue.text.as_slice() {
            [] => continue,
            [(line, words)] => match turns.last() {
                Some(previous) => (previous.speaker.clone(), *line, vec![*words]),
                None => {
                    return Err(TranscriptError::Syntax {
                        line: *line,
                        message: "expected the speaker's name on the line after the timing, \
                                  then their words on the lines below it"
                            .to_string(),
                    })
                }
            },
            [(line, name), words @ ..] => (
                collapse_whitespace(name),
                *line,
                words.iter().map(|(_, text)| *text).collect(),
            ),
        };
        let text = collapse_whitespace(&words.join(" "));
        if text.is_empty() {
            continue;
        }
        turns.push(RawTurn {
            speaker,
            role: None,
            text,
            start: Some(cue.start),
            end: Some(cue.end),
            line,
        });
    }
    if turns.is_empty() {
        return Err(TranscriptError::Empty);
    }
    Ok(turns)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (speaker, text, start, end, line) of a turn.
    type Summary = (String, String, Option<f64>, Option<f64>, usize);

    #[test]
    fn reads_timing_name_and_text_lines() {
        let input = "0:0:0.0 --> 0:0:4.200\nShah, Priya\nThank you for calling: Northway.\n\n\
                     0:0:4.600 --> 0:0:7.0\nMr. Davis\nHi, I returned a coat\nfive weeks ago.\n\n\
                     0:0:7.0 --> 0:0:9.50\nStill going.\n";
        let got: Vec<Summary> = parse(input)
            .unwrap()
            .into_iter()
            .map(|t| (t.speaker, t.text, t.start, t.end, t.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Shah, Priya".to_string(),
                    "Thank you for calling: Northway.".to_string(),
                    Some(0.0),
                    Some(4.2),
                    2
                ),
                (
                    "Mr. Davis".to_string(),
                    "Hi, I returned a coat five weeks ago.".to_string(),
                    Some(4.6),
                    Some(7.0),
                    6
                ),
                (
                    "Mr. Davis".to_string(),
                    "Still going.".to_string(),
                    Some(7.0),
                    Some(9.5),
                    11
                ),
            ]
        );
    }

    #[test]
    fn errors_name_lines() {
        let cases: &[(&str, usize)] = &[
            ("0:0:0.0 --> 0:0:4.2\nsecret words only\n", 2),
            ("secret\n0:0:0.0 --> 0:0:4.2\nA\nhi\n", 1),
            ("0:0:5.0 --> 0:0:4.2\nA\nhi\n", 1),
        ];
        for (input, line) in cases {
            let error = parse(input).unwrap_err();
            assert!(
                matches!(error, TranscriptError::Syntax { line: got, .. } if got == *line),
                "{input:?}: {error:?}"
            );
            assert!(!error.to_string().contains("secret"));
        }
        assert_eq!(parse("\n\n"), Err(TranscriptError::Empty));
    }
}
