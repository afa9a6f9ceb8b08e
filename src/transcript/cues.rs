//! Timed cue files (WebVTT, SRT and the old Teams `.txt`): finding cues and
//! their timings line by line, and turning subtitle cue text into turns.
//!
//! The scan is by line rather than by blank-line block, because real files
//! break the block rules: SRT without index lines or without blank lines
//! between cues, cue text with a blank line inside it. So:
//!
//! * a line with `-->` after a timestamp starts a cue; a timing that cannot be
//!   read is an error naming the line (the settings after the end time, such
//!   as `align:start position:0%`, are ignored);
//! * the line right before a timing is the cue's identifier, and is dropped,
//!   when it is a number (SRT, Zoom) or, in WebVTT, starts a block (a Teams GUID);
//! * every other non-blank line belongs to the cue above it, so text after a
//!   stray blank line is kept rather than lost;
//! * in WebVTT, the header block after `WEBVTT` and `NOTE`, `STYLE` and
//!   `REGION` blocks are skipped, as are blocks before the first cue.
//!
//! Overlapping and out-of-order cues are kept in file order: the order people
//! spoke in is what the file records, and times are only evidence.

use super::cuetext::{self, is_non_speech};
use super::{clock, RawTurn, Role, TranscriptError};
use std::collections::HashSet;

/// The cue file layouts this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    WebVtt,
    SubRip,
    /// Old Teams `.txt`: WebVTT-style timings, then the speaker's name on its own line.
    TeamsTxt,
}

/// One cue: its timing and its text lines (line number, text).
#[derive(Debug, PartialEq)]
pub(super) struct Cue<'a> {
    /// The timing line.
    pub line: usize,
    pub start: f64,
    pub end: f64,
    pub text: Vec<(usize, &'a str)>,
}

/// Reads a `start --> end [settings]` line: `None` when the line is not a
/// timing line at all, an error message when it is one that cannot be read.
pub(super) fn timing(line: &str) -> Option<Result<(f64, f64), &'static str>> {
    let (left, right) = line.split_once("-->")?;
    let left = left.trim();
    if !left.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let right = right.split_whitespace().next().unwrap_or_default();
    Some(match (clock::timestamp(left), clock::timestamp(right)) {
        (Some(start), Some(end)) if end >= start => Ok((start, end)),
        (Some(_), Some(_)) => Err("the cue ends before it starts"),
        _ => Err(
            "cannot read this cue timing; expected start and end times such as \
             `00:00:01.000 --> 00:00:04.000`",
        ),
    })
}

/// Whether a timing line writes its fractions with commas, as SRT does.
pub(super) fn uses_commas(line: &str) -> bool {
    line.split_once("-->")
        .is_some_and(|(left, _)| left.contains(','))
}

/// Finds the cues of `input`; see the module documentation for the rules.
pub(super) fn scan(input: &str, layout: Layout) -> Result<Vec<Cue<'_>>, TranscriptError> {
    let lines: Vec<&str> = input.lines().collect();
    let mut cues: Vec<Cue> = Vec::new();
    let mut i = 0;
    if layout == Layout::WebVtt
        && lines
            .first()
            .is_some_and(|line| line.trim_start().starts_with("WEBVTT"))
    {
        // The header line may carry text, and header fields (`Kind: captions`)
        // follow it up to the first blank line.
        i = 1;
        while i < lines.len() && !lines[i].trim().is_empty() && timing(lines[i]).is_none() {
            i += 1;
        }
    }

    let mut block_start = true;
    let mut skipping = false;
    let mut next_timing = i < lines.len() && timing(lines[i]).is_some();
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        let this_timing = next_timing;
        next_timing = lines.get(i + 1).is_some_and(|next| timing(next).is_some());
        i += 1;

        if line.trim().is_empty() {
            block_start = true;
            skipping = false;
            continue;
        }
        let at_block_start = std::mem::replace(&mut block_start, false);
        if this_timing {
            skipping = false;
            let (start, end) = match timing(line) {
                Some(Ok(times)) => times,
                Some(Err(message)) => {
                    return Err(TranscriptError::Syntax {
                        line: number,
                        message: message.to_string(),
                    })
                }
                None => continue,
            };
            cues.push(Cue {
                line: number,
                start,
                end,
                text: Vec::new(),
            });
            continue;
        }
        if skipping {
            continue;
        }
        if layout != Layout::SubRip && at_block_start && is_skipped_block(line) {
            skipping = true;
            continue;
        }
        // WebVTT identifiers are any text; SRT's are numbers, and Teams text has none.
        let all_digits = line.trim().bytes().all(|b| b.is_ascii_digit());
        if next_timing && (all_digits || (layout == Layout::WebVtt && at_block_start)) {
            continue;
        }
        match cues.last_mut() {
            Some(cue) => cue.text.push((number, line)),
            None if layout == Layout::WebVtt => {}
            None => {
                return Err(TranscriptError::Syntax {
                    line: number,
                    message: match layout {
                        Layout::SubRip => "expected a subtitle number or a timing line such as \
                                           `00:00:01,000 --> 00:00:04,000`"
                            .to_string(),
                        _ => "expected a timing line such as `0:0:1.0 --> 0:0:4.0`".to_string(),
                    },
                })
            }
        }
    }
    Ok(cues)
}

/// `NOTE`, `STYLE` and `REGION` blocks, whose content is not speech.
fn is_skipped_block(line: &str) -> bool {
    let line = line.trim_start();
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    })
}

/// Turns subtitle cues (WebVTT, SRT) into one turn per speaker piece of each
/// cue, with the cue's times. A cue that names no speaker continues the
/// speaker before it; consecutive turns are merged later, by the caller.
pub(super) fn subtitle_turns(cues: Vec<Cue>) -> Result<Vec<RawTurn>, TranscriptError> {
    let mut known = HashSet::new();
    let mut turns = Vec::new();
    let mut speaker: Option<(String, Option<Role>)> = None;
    // The first speech before any speaker is named.
    let mut unlabelled: Option<usize> = None;
    for cue in cues {
        for piece in cuetext::pieces(&cue.text, &mut known) {
            if let Some(name) = piece.speaker {
                speaker = Some((name, piece.role));
            }
            match &speaker {
                Some((name, role)) => turns.push(RawTurn {
                    speaker: name.clone(),
                    role: *role,
                    text: piece.text,
                    start: Some(cue.start),
                    end: Some(cue.end),
                    line: piece.line,
                }),
                None if is_non_speech(&piece.text) => {}
                None => {
                    unlabelled.get_or_insert(piece.line);
                }
            }
        }
    }
    match unlabelled {
        Some(line) if turns.is_empty() => Err(TranscriptError::Syntax {
            line,
            message: "no cue says who is speaking; export the transcript with speaker names \
                      (WebVTT `<v Name>` voices or `Name: text` lines), or run speaker \
                      diarisation first"
                .to_string(),
        }),
        Some(line) => Err(TranscriptError::Syntax {
            line,
            message: "this cue names no speaker and no cue before it does; start it with \
                      `Name: ` or a `<v Name>` voice"
                .to_string(),
        }),
        None if turns.is_empty() => Err(TranscriptError::Empty),
        None => Ok(turns),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A timing line and what reading it gives.
    type TimingCase<'a> = (&'a str, Option<Result<(f64, f64), &'a str>>);

    /// (timing line, start, end, text lines) of each cue.
    type Summary = (usize, f64, f64, Vec<(usize, String)>);

    fn summary(input: &str, layout: Layout) -> Result<Vec<Summary>, TranscriptError> {
        scan(input, layout).map(|cues| {
            cues.into_iter()
                .map(|c| {
                    let text = c
                        .text
                        .into_iter()
                        .map(|(n, t)| (n, t.to_string()))
                        .collect();
                    (c.line, c.start, c.end, text)
                })
                .collect()
        })
    }

    fn cue(line: usize, start: f64, end: f64, text: &[(usize, &str)]) -> Summary {
        let text = text.iter().map(|(n, t)| (*n, t.to_string())).collect();
        (line, start, end, text)
    }

    #[test]
    fn timing_lines_read_with_settings_and_lax_timestamps() {
        let cases: &[TimingCase] = &[
            ("00:00:01.000 --> 00:00:04.000", Some(Ok((1.0, 4.0)))),
            (
                "00:01.000 --> 00:04.500 align:start position:0%",
                Some(Ok((1.0, 4.5))),
            ),
            ("0:0:0.210 --> 0:0:3.7200000", Some(Ok((0.21, 3.72)))),
            (
                "00:00:01,000 --> 00:00:04,000 X1:40 X2:600",
                Some(Ok((1.0, 4.0))),
            ),
            ("00:00:01.000-->00:00:04.000", Some(Ok((1.0, 4.0)))),
            ("00:00:01.000 --> 00:00:01.000", Some(Ok((1.0, 1.0)))),
            (
                "00:00:04.000 --> 00:00:01.000",
                Some(Err("the cue ends before it starts")),
            ),
            ("Go to Settings --> Privacy", None),
            ("no arrow 00:00:01.000", None),
        ];
        for (line, expected) in cases {
            assert_eq!(timing(line), *expected, "line {line:?}");
        }
        assert!(matches!(timing("00:00:01.000 --> soon"), Some(Err(_))));
        assert!(matches!(timing("1 --> 2"), Some(Err(_))));
        assert!(uses_commas("00:00:01,000 --> 00:00:04,000"));
        assert!(!uses_commas("00:00:01.000 --> 00:00:04,000"));
    }

    #[test]
    fn webvtt_blocks_headers_notes_and_identifiers() {
        let input = "WEBVTT - Refund call\nKind: captions\nLanguage: en\n\n\
                     STYLE\n::cue { color: white }\n\n\
                     REGION\nid:fred\n\n\
                     NOTE duration:\"00:00:55.2000000\"\n\n\
                     NOTE\nThis is a note\nover two lines --> not a cue?\n\n\
                     8f1c2e4a-1b2c-4d5e-9f60-7a8b9c0d1e2f/15-0\n00:00:00.000 --> 00:00:04.200\n<v A>Hello\n\n\
                     NOTE Confidence: 0.93\n\n\
                     2\n00:00:04.600 --> 00:00:10.100 align:start\nline one\n\nline after a blank\n";
        assert_eq!(
            summary(input, Layout::WebVtt),
            Ok(vec![
                cue(18, 0.0, 4.2, &[(19, "<v A>Hello")]),
                cue(
                    24,
                    4.6,
                    10.1,
                    &[(25, "line one"), (27, "line after a blank")]
                ),
            ])
        );
    }

    #[test]
    fn webvtt_header_may_run_into_the_first_cue_and_blocks_before_cues_are_dropped() {
        let input = "WEBVTT\n00:01.000 --> 00:02.000\nHi\n";
        assert_eq!(
            summary(input, Layout::WebVtt),
            Ok(vec![cue(2, 1.0, 2.0, &[(3, "Hi")])])
        );
        let input = "\nstray text\n\n00:01.000 --> 00:02.000\nHi\n";
        assert_eq!(
            summary(input, Layout::WebVtt),
            Ok(vec![cue(4, 1.0, 2.0, &[(5, "Hi")])])
        );
    }

    #[test]
    fn srt_with_and_without_index_lines_and_blank_lines() {
        let expected = vec![
            cue(2, 1.0, 2.5, &[(3, "Hello"), (4, "there")]),
            cue(7, 3.0, 4.0, &[(8, "42")]),
        ];
        let input = "7\n00:00:01,000 --> 00:00:02,500\nHello\nthere\n\n8\n00:00:03,000 --> 00:00:04,000\n42\n";
        assert_eq!(summary(input, Layout::SubRip), Ok(expected));
        // No index lines.
        let input = "00:00:01,000 --> 00:00:02,500\nHello\n\n00:00:03,000 --> 00:00:04,000\nBye\n";
        assert_eq!(
            summary(input, Layout::SubRip),
            Ok(vec![
                cue(1, 1.0, 2.5, &[(2, "Hello")]),
                cue(4, 3.0, 4.0, &[(5, "Bye")]),
            ])
        );
        // No blank lines between cues: the number right before a timing is its index.
        let input = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nBye";
        assert_eq!(
            summary(input, Layout::SubRip),
            Ok(vec![
                cue(2, 1.0, 2.5, &[(3, "Hello")]),
                cue(5, 3.0, 4.0, &[(6, "Bye")]),
            ])
        );
    }

    #[test]
    fn text_before_the_first_cue_and_bad_timings_are_errors() {
        let cases: &[(&str, Layout, usize)] = &[
            (
                "Hello\n\n1\n00:00:01,000 --> 00:00:02,000\nHi",
                Layout::SubRip,
                1,
            ),
            (
                "Jane\nHello\n0:0:1.0 --> 0:0:2.0\nJane\nHi",
                Layout::TeamsTxt,
                1,
            ),
            ("1\n00:00:01,000 --> 00:00:0x,000\nHi", Layout::SubRip, 2),
            ("WEBVTT\n\n00:02.000 --> 00:01.000\nHi", Layout::WebVtt, 3),
        ];
        for (input, layout, line) in cases {
            match scan(input, *layout) {
                Err(TranscriptError::Syntax { line: got, .. }) => {
                    assert_eq!(got, *line, "input {input:?}")
                }
                other => panic!("expected a syntax error for {input:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn subtitle_turns_carry_speakers_forward_and_explain_missing_ones() {
        let input = "WEBVTT\n\n00:01.000 --> 00:02.000\nA: one\n\n00:02.000 --> 00:03.000\ntwo\n\n00:03.000 --> 00:04.000\n[Music]\n";
        let turns = subtitle_turns(scan(input, Layout::WebVtt).unwrap()).unwrap();
        let got: Vec<(&str, &str, Option<f64>, usize)> = turns
            .iter()
            .map(|t| (t.speaker.as_str(), t.text.as_str(), t.start, t.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", "one", Some(1.0), 4),
                ("A", "two", Some(2.0), 7),
                ("A", "[Music]", Some(3.0), 10)
            ]
        );

        // A leading sound cue needs no speaker.
        let input =
            "WEBVTT\n\n00:00.000 --> 00:01.000\n[Music]\n\n00:01.000 --> 00:02.000\nA: one\n";
        assert_eq!(
            subtitle_turns(scan(input, Layout::WebVtt).unwrap())
                .unwrap()
                .len(),
            1
        );

        let input =
            "WEBVTT\n\n00:00.000 --> 00:01.000\nsecret words\n\n00:01.000 --> 00:02.000\nA: one\n";
        let error = subtitle_turns(scan(input, Layout::WebVtt).unwrap()).unwrap_err();
        assert!(
            matches!(error, TranscriptError::Syntax { line: 4, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("names no speaker"), "{error}");
        assert!(!error.to_string().contains("secret"));

        let input = "WEBVTT\n\n00:00.000 --> 00:01.000\nsecret words\n";
        let error = subtitle_turns(scan(input, Layout::WebVtt).unwrap()).unwrap_err();
        assert!(error.to_string().contains("diarisation"), "{error}");

        for input in ["WEBVTT\n", "WEBVTT\n\n00:00.000 --> 00:01.000\n\n", ""] {
            assert_eq!(
                subtitle_turns(scan(input, Layout::WebVtt).unwrap()),
                Err(TranscriptError::Empty)
            );
        }
    }
}
