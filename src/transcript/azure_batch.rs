//! Azure AI Speech batch transcription JSON: `recognizedPhrases[*]`, each with
//! its best reading in `nBest[0].display`, its time as `offsetInTicks` and
//! `durationInTicks` (100 ns ticks) or ISO 8601 `offset` and `duration`
//! (`PT1.2S`), a numeric `speaker` when diarisation was on, and its audio
//! `channel`.
//!
//! Phrases that were not recognised (`recognitionStatus` other than
//! `Success`) are skipped. Phrases are put in time order, since a stereo
//! file's channels are listed one after the other. Without speakers, phrases
//! from more than one channel are labelled by channel (`Channel 0`).

use super::json_doc::{
    array_at, array_lines, by_start, element, element_error, error_at, fill_speakers, kind, span,
    speaker_field, speakers_or_channels, text_field, time_field, unnamed_turn,
};
use super::{RawTurn, TranscriptError};
use serde_json::{Map, Value};

const EXPECTED_SHAPE: &str =
    "expected Azure Speech batch transcription JSON with a `recognizedPhrases` array";
const NOT_DIARISED: &str = "the Azure transcription's phrases carry no `speaker`, so they do \
     not say who is speaking; create the transcription with `diarizationEnabled: true` (or \
     from stereo audio with one speaker per channel)";
/// Azure's ticks: 100 ns.
const TICKS_PER_SECOND: f64 = 10_000_000.0;

/// Reads Azure batch transcription phrases into turns (merged by the caller).
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["recognizedPhrases"]);
    let phrases = array_at(document, &["recognizedPhrases"], &lines, EXPECTED_SHAPE)?;
    let mut read = Vec::with_capacity(phrases.len());
    for (index, value) in phrases.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("phrase", index, line, problem);
        let fields = element(value, "phrase", index, line)?;
        if fields
            .get("recognitionStatus")
            .and_then(Value::as_str)
            .is_some_and(|status| status != "Success")
        {
            continue;
        }
        let text = display(fields).map_err(fail)?.trim();
        let (start, end) = times(fields).map_err(fail)?;
        let speaker = speaker_field(fields, "speaker", "Speaker ").map_err(fail)?;
        let channel = speaker_field(fields, "channel", "Channel ")
            .map_err(fail)?
            .unwrap_or_else(|| "Channel 0".to_string());
        if !text.is_empty() {
            read.push((speaker, channel, unnamed_turn(text, start, end, line)));
        }
    }
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    // A stable sort keeps the listed order where times tie or are missing.
    read.sort_by(|a, b| by_start(&a.2, &b.2));
    fill_speakers(speakers_or_channels(read))
        .ok_or_else(|| error_at(lines.array.unwrap_or(1), NOT_DIARISED))
}

/// `nBest[0].display`: the text with punctuation and capitals.
fn display(fields: &Map<String, Value>) -> Result<&str, String> {
    match fields.get("nBest") {
        Some(Value::Array(best)) => match best.first() {
            Some(Value::Object(best)) => {
                text_field(best, "display").map_err(|problem| format!("`nBest[0]`: {problem}"))
            }
            None => Ok(""),
            Some(other) => Err(format!(
                "`nBest[0]` must be an object, found {}",
                kind(other)
            )),
        },
        None | Some(Value::Null) => Err("`nBest` is missing".to_string()),
        Some(other) => Err(format!("`nBest` must be an array, found {}", kind(other))),
    }
}

/// Start and end in seconds, from ticks when given, else from ISO 8601
/// durations. Ticks are added before dividing, so that an end reads as the
/// same f64 as the number of seconds written.
fn times(fields: &Map<String, Value>) -> Result<(Option<f64>, Option<f64>), String> {
    let offset = time_field(fields, "offsetInTicks", 1.0)?;
    let length = time_field(fields, "durationInTicks", 1.0)?;
    let (start, end) = match (offset, length) {
        (Some(offset), Some(length)) => (
            Some(offset / TICKS_PER_SECOND),
            Some((offset + length) / TICKS_PER_SECOND),
        ),
        _ => {
            let start = match offset {
                Some(offset) => Some(offset / TICKS_PER_SECOND),
                None => iso_field(fields, "offset")?,
            };
            let length = iso_field(fields, "duration")?;
            (
                start,
                start.zip(length).map(|(start, length)| start + length),
            )
        }
    };
    span(start, end)
}

fn iso_field(fields: &Map<String, Value>, name: &str) -> Result<Option<f64>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => iso_duration(text)
            .map(Some)
            .ok_or_else(|| format!("`{name}` must be an ISO 8601 duration such as \"PT1.2S\"")),
        Some(other) => Err(format!(
            "`{name}` must be an ISO 8601 duration such as \"PT1.2S\", found {}",
            kind(other)
        )),
    }
}

/// Reads `PT[nH][nM][n.nS]` as seconds.
fn iso_duration(text: &str) -> Option<f64> {
    let mut rest = text.trim().strip_prefix("PT")?;
    if rest.is_empty() {
        return None;
    }
    let mut seconds = 0.0;
    for (unit, scale) in [('H', 3600.0), ('M', 60.0), ('S', 1.0)] {
        if let Some(at) = rest.find(unit) {
            let number: f64 = rest[..at].parse().ok()?;
            if !number.is_finite() || number < 0.0 {
                return None;
            }
            seconds += number * scale;
            rest = &rest[at + 1..];
        }
    }
    rest.is_empty().then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::json_doc::{expect_timed, summarise};

    #[test]
    fn reads_phrases_in_time_order_with_speakers() {
        let input = r#"{"source": "x", "durationInTicks": 90000000, "combinedRecognizedPhrases": [], "recognizedPhrases": [
  {"recognitionStatus": "Success", "channel": 0, "speaker": 2, "offset": "PT4.6S", "duration": "PT4.4S", "offsetInTicks": 46000000.0, "durationInTicks": 44000000.0,
   "nBest": [{"confidence": 0.9, "lexical": "hi it's late", "itn": "hi it's late", "maskedITN": "hi it's late", "display": "Hi: it's late."}]},
  {"recognitionStatus": "Success", "channel": 0, "speaker": 1, "offset": "PT0S", "duration": "PT4.2S",
   "nBest": [{"display": "Thank you for calling."}]},
  {"recognitionStatus": "NoMatch", "channel": 0, "offsetInTicks": 100000000}
]}"#;
        expect_timed(
            parse,
            input,
            &[
                ("Speaker 1", "Thank you for calling.", 0.0, 4.2, 4),
                ("Speaker 2", "Hi: it's late.", 4.6, 9.0, 2),
            ],
        );
    }

    #[test]
    fn stereo_phrases_without_speakers_use_channels() {
        let input = r#"{"recognizedPhrases": [
  {"channel": 0, "offsetInTicks": 0, "durationInTicks": 10000000, "nBest": [{"display": "Hello."}]},
  {"channel": 0, "offsetInTicks": 30000000, "durationInTicks": 10000000, "nBest": [{"display": "Sorry."}]},
  {"channel": 1, "offsetInTicks": 15000000, "durationInTicks": 5000000, "nBest": [{"display": "Hi."}]}
]}"#;
        expect_timed(
            parse,
            input,
            &[
                ("Channel 0", "Hello.", 0.0, 1.0, 2),
                ("Channel 1", "Hi.", 1.5, 2.0, 4),
                ("Channel 0", "Sorry.", 3.0, 4.0, 3),
            ],
        );
    }

    #[test]
    fn iso_durations() {
        let cases = [
            ("PT1.2S", Some(1.2)),
            ("PT1M2.5S", Some(62.5)),
            ("PT1H", Some(3600.0)),
            ("PT0S", Some(0.0)),
            ("PT", None),
            ("1.2S", None),
            ("PT-1S", None),
            ("PT1X", None),
        ];
        for (text, expected) in cases {
            assert_eq!(iso_duration(text), expected, "{text}");
        }
    }

    #[test]
    fn undiarised_or_malformed_phrases_are_errors_naming_lines() {
        let run = |input: &str| summarise(parse, input);
        let input =
            "{\"recognizedPhrases\": [\n{\"channel\": 0, \"nBest\": [{\"display\": \"secret\"}]}]}";
        assert_eq!(run(input), Err(error_at(1, NOT_DIARISED)));
        assert_eq!(run("{\"source\": \"x\"}"), Err(error_at(1, EXPECTED_SHAPE)));
        let input = "{\"recognizedPhrases\": [\n{\"speaker\": 1, \"offset\": \"soon\", \"nBest\": [{\"display\": \"x\"}]}]}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "phrase 0 (counted from 0): `offset` must be an ISO 8601 duration such as \"PT1.2S\""
            ))
        );
        let input =
            "{\"recognizedPhrases\": [\n{\"speaker\": 1, \"nBest\": [{\"lexical\": \"x\"}]}]}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "phrase 0 (counted from 0): `nBest[0]`: `display` is missing"
            ))
        );
    }
}
