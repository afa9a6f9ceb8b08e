//! WebVTT transcripts (`text/vtt`), as Teams, Zoom, YouTube and captioning
//! tools write them: speakers from `<v Name>` voice spans or `Name:` prefixes.
//!
//! The cue layout rules live in [`cues`](super::cues) and the cue text rules in
//! [`cuetext`](super::cuetext); a missing `WEBVTT` header is tolerated, so that
//! a headerless file passed as WebVTT still reads.

use super::cues::{self, Layout};
use super::{RawTurn, TranscriptError};

/// Reads a WebVTT file into one turn per cue and speaker (merged by the caller).
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    cues::subtitle_turns(cues::scan(input, Layout::WebVtt)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::test_support::{check_parser, Expected};

    fn check(cases: &[(&str, Expected)]) {
        check_parser(parse, cases);
    }

    #[test]
    fn reads_real_layouts() {
        check(&[
            // Teams: GUID identifiers, NOTE Confidence, voices.
            (
                "WEBVTT\n\nNOTE duration:\"00:00:09.0000000\"\n\nNOTE Confidence: 0.91\n\n\
                 0c3b2a1e-5f6d-4e7c-8b9a-0d1e2f3a4b5c/12-0\n00:00:00.000 --> 00:00:04.200\n\
                 <v Priya Shah>Thank you for calling.</v>\n\n\
                 0c3b2a1e-5f6d-4e7c-8b9a-0d1e2f3a4b5c/13-0\n00:00:04.600 --> 00:00:09.000\n\
                 <v Mr. Davis>Hi.</v>\n",
                &[
                    ("Priya Shah", "Thank you for calling.", 0.0, 4.2, 9),
                    ("Mr. Davis", "Hi.", 4.6, 9.0, 13),
                ],
            ),
            // Zoom: numbered cues, `Name: text`.
            (
                "WEBVTT\n\n1\n00:00:00.000 --> 00:00:04.200\nPriya Shah: Thank you: for calling.\n\n\
                 2\n00:00:04.600 --> 00:00:09.000\nCouncil Member Davis: Hi.\n",
                &[
                    ("Priya Shah", "Thank you: for calling.", 0.0, 4.2, 5),
                    ("Council Member Davis", "Hi.", 4.6, 9.0, 9),
                ],
            ),
            // Unpadded and hour-less timings, settings, out-of-order cues kept in file order.
            (
                "WEBVTT Kind: captions\n\n0:0:5.5 --> 0:0:6.0 align:start position:0%\n\
                 <v.customer Dr. Chen>Later cue first.\n\n00:01.000 --> 00:02.500 line:0\n\
                 <v Agent>&lt;Earlier&gt; &amp; second.\n",
                &[
                    ("Dr. Chen", "Later cue first.", 5.5, 6.0, 4),
                    ("Agent", "<Earlier> & second.", 1.0, 2.5, 7),
                ],
            ),
            // A headerless file passed as WebVTT.
            ("00:01.000 --> 00:02.000\nA: hi\n", &[("A", "hi", 1.0, 2.0, 2)]),
        ]);
    }

    #[test]
    fn captions_without_speakers_explain_what_is_needed() {
        let error = parse("WEBVTT\n\n00:01.000 --> 00:02.000\nhello there\n").unwrap_err();
        assert_eq!(
            error,
            TranscriptError::Syntax {
                line: 4,
                message: "no cue says who is speaking; export the transcript with speaker names \
                          (WebVTT `<v Name>` voices or `Name: text` lines), or run speaker \
                          diarisation first"
                    .to_string()
            }
        );
    }
}
