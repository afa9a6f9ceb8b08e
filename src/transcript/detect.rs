//! Picking a transcript format from content: JSON shape sniffing, the WebVTT
//! header, cue timing lines (commas for SRT), and the header lines of Teams
//! Zoom and Otter text exports, and Google Meet's title; anything else is
//! plain text.
//!
//! Text layouts are judged on the first [`LEAD_LINES`] non-blank lines only,
//! because every cue and header format shows itself at the top, while a
//! `Speaker: text` transcript may well contain a stray line that looks like a
//! header further down.

use super::{cues, google_meet, otter, zoom, Format};
use serde_json::Value;

/// Non-blank lines looked at to tell text layouts apart.
const LEAD_LINES: usize = 5;
/// Longest Teams name line, in characters.
const MAX_NAME_CHARS: usize = 60;
/// Most words in a Teams name line.
const MAX_NAME_WORDS: usize = 6;

/// Whether the input, after a BOM and whitespace, opens a JSON object.
pub(super) fn looks_like_json(input: &str) -> bool {
    input
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Whether the input opens with the `WEBVTT` signature.
pub(super) fn has_webvtt_header(input: &str) -> bool {
    input
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("WEBVTT")
}

/// Which JSON export a parsed document is, by its shape. The canonical
/// `turns` wins, so a canonical file with extra keys is never misread.
pub(super) fn sniff_json(document: &Value) -> Format {
    let Value::Object(root) = document else {
        return Format::Json;
    };
    if root.contains_key("turns") {
        return Format::Json;
    }
    if root.get("segments").is_some_and(Value::is_array) {
        return Format::Whisper;
    }
    let is_array = |key: &str| root.get(key).is_some_and(Value::is_array);
    // Google's results are an array (Deepgram's and AWS's an object), also
    // inside a long-running operation's `response`.
    if is_array("results")
        || root
            .get("response")
            .and_then(|response| response.get("results"))
            .is_some_and(Value::is_array)
    {
        return Format::GoogleStt;
    }
    if is_array("recognizedPhrases") || is_array("combinedRecognizedPhrases") {
        return Format::AzureBatch;
    }
    if is_array("monologues") {
        return Format::RevAi;
    }
    if let Some(Value::Object(results)) = root.get("results") {
        if results.contains_key("utterances") || results.contains_key("channels") {
            return Format::Deepgram;
        }
        if [
            "items",
            "transcripts",
            "speaker_labels",
            "channel_labels",
            "audio_segments",
        ]
        .iter()
        .any(|key| results.contains_key(*key))
        {
            return Format::AwsTranscribe;
        }
    }
    if root.get("Transcript").is_some_and(Value::is_array) {
        return Format::AwsTranscribe;
    }
    if root.contains_key("utterances") {
        return Format::AssemblyAi;
    }
    Format::Json
}

/// Which text layout the input is; see the module documentation.
pub(super) fn text_layout(input: &str) -> Format {
    if has_webvtt_header(input) {
        return Format::Vtt;
    }
    let mut lines = input.lines().peekable();
    let mut seen = 0;
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        seen += 1;
        if seen > LEAD_LINES {
            break;
        }
        if cues::timing(line).is_some() {
            if cues::uses_commas(line) {
                return Format::Srt;
            }
            // Old Teams text: the speaker's name, then words, right under the timing.
            let name = lines.next().unwrap_or_default();
            let words = lines.next().unwrap_or_default();
            let teams =
                is_name_line(name) && !words.trim().is_empty() && cues::timing(words).is_none();
            return if teams { Format::TeamsTxt } else { Format::Vtt };
        }
        if google_meet::is_heading(line) {
            return Format::GoogleMeet;
        }
        // Otter's `Name  0:03`, or its bare `0:03` for a speaker not identified,
        // opening the file.
        match otter::header(line) {
            Some((Some(_), _)) => return Format::OtterTxt,
            Some((None, _)) if seen == 1 => return Format::OtterTxt,
            _ => {}
        }
        if zoom::header(line).is_some() {
            return Format::ZoomTxt;
        }
    }
    Format::Text
}

/// A line that can be a name on its own (`Priya Shah`, `Shah, Priya`,
/// `Dr. Chen`) rather than words: short, no label or markup characters, and
/// not ending like a sentence.
fn is_name_line(line: &str) -> bool {
    let line = line.trim();
    line.starts_with(char::is_alphabetic)
        && line.chars().count() <= MAX_NAME_CHARS
        && line.split_whitespace().count() <= MAX_NAME_WORDS
        && !line.contains([':', '<', '>', '[', ']'])
        && !line.ends_with(['.', ',', '?', '!', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_json_shapes() {
        let cases: &[(&str, Format)] = &[
            (r#"{"turns": [], "segments": []}"#, Format::Json),
            (r#"{"segments": [], "text": ""}"#, Format::Whisper),
            (
                r#"{"results": {"transcripts": [], "items": []}}"#,
                Format::AwsTranscribe,
            ),
            (
                r#"{"results": {"speaker_labels": {}}}"#,
                Format::AwsTranscribe,
            ),
            (
                r#"{"Transcript": [], "Participants": []}"#,
                Format::AwsTranscribe,
            ),
            (
                r#"{"metadata": {}, "results": {"channels": [], "utterances": []}}"#,
                Format::Deepgram,
            ),
            (r#"{"results": {"channels": []}}"#, Format::Deepgram),
            (
                r#"{"id": "x", "utterances": null, "status": "completed"}"#,
                Format::AssemblyAi,
            ),
            (r#"{"segments": {}}"#, Format::Json),
            (r#"{"results": [{"alternatives": []}]}"#, Format::GoogleStt),
            (
                r#"{"name": "1", "done": true, "response": {"results": []}}"#,
                Format::GoogleStt,
            ),
            (
                r#"{"recognizedPhrases": [], "source": "x"}"#,
                Format::AzureBatch,
            ),
            (r#"{"monologues": []}"#, Format::RevAi),
            (r#"{"results": "done"}"#, Format::Json),
            (r#"{"Transcript": "text"}"#, Format::Json),
            (r#"{"other": 1}"#, Format::Json),
            ("[1, 2]", Format::Json),
        ];
        for (input, expected) in cases {
            let document: Value = serde_json::from_str(input).unwrap();
            assert_eq!(sniff_json(&document), *expected, "input {input}");
        }
    }

    #[test]
    fn tells_text_layouts_apart() {
        let cases: &[(&str, Format)] = &[
            ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>hi", Format::Vtt),
            ("\n\nWEBVTT - title", Format::Vtt),
            ("1\n00:00:01,000 --> 00:00:02,000\nA: hi", Format::Srt),
            ("00:00:01,000 --> 00:00:02,000\nA: hi", Format::Srt),
            ("00:00:01.000 --> 00:00:02.000\nA: hi", Format::Vtt),
            (
                "1\n00:00:01.000 --> 00:00:02.000\n<v A>hi\nthere",
                Format::Vtt,
            ),
            (
                "0:0:0.0 --> 0:0:4.200\nShah, Priya\nThank you for calling.",
                Format::TeamsTxt,
            ),
            ("0:0:0.0 --> 0:0:4.200\nDr. Chen\nHi.", Format::TeamsTxt),
            (
                "0:0:0.0 --> 0:0:4.200\nHello there.\nHow are you?",
                Format::Vtt,
            ),
            ("0:0:0.0 --> 0:0:4.200\nPriya Shah\n", Format::Vtt),
            ("[Priya Shah] 14:02:05\nHello", Format::ZoomTxt),
            ("Speaker 1  0:00\nHello", Format::OtterTxt),
            ("Sidney  55:21  \nThank you.", Format::OtterTxt),
            ("0:00\nHello\n\n0:05\nHi", Format::OtterTxt),
            (
                "Mar 16, 2026\nRefund call - Transcript\n00:00:00\n \nPriya: Hi",
                Format::GoogleMeet,
            ),
            (
                "Call (2023-05-04 10:00 GMT+1) - Transcript\nAttendees\nA, B\nTranscript\nA: hi",
                Format::GoogleMeet,
            ),
            ("Agent: see the transcript\nCustomer: Hi", Format::Text),
            (
                "14:02:05 From  Priya Shah  to  Everyone:\n\tHello",
                Format::ZoomTxt,
            ),
            ("Agent: Hello\nCustomer: Hi", Format::Text),
            ("[10:32] Priya: Hello", Format::Text),
            ("10:32 - Priya: Hello", Format::Text),
            ("Priya (10:32): Hello", Format::Text),
            ("Agent: Go to Settings --> Privacy", Format::Text),
            (
                "A: 1\nB: 2\nA: 3\nB: 4\nA: 5\n00:00:01,000 --> 00:00:02,000",
                Format::Text,
            ),
            ("", Format::Text),
        ];
        for (input, expected) in cases {
            assert_eq!(text_layout(input), *expected, "input {input:?}");
        }
    }
}
