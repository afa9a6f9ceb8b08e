//! Rev.ai JSON: `monologues[*]`, each one speaker's stretch of talk, with a
//! numeric `speaker` (labelled `Speaker 0`), an optional `speaker_name` that
//! wins when given, and `elements[*]` of `{type, value, ts, end_ts}`: `text`
//! elements are words with times in seconds, `punct` elements the spaces and
//! punctuation between them, written out as they are. Other element types
//! (`unknown`, for stretches Rev could not make out) carry no words and are left out.

use super::cuetext::collapse_whitespace;
use super::json_doc::{
    array_at, array_lines, element, element_error, error_at, fill_speakers, kind, span,
    speaker_field, text_field, time_field, unnamed_turn,
};
use super::{widen, RawTurn, TranscriptError};
use serde_json::{Map, Value};

const EXPECTED_SHAPE: &str = "expected Rev.ai JSON with a `monologues` array";
const NO_SPEAKERS: &str = "the Rev.ai monologues carry no `speaker`, so they do not say who \
     is speaking; submit the job without `skip_diarization: true`";

/// Reads Rev.ai monologues into one turn each (merged by the caller).
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["monologues"]);
    let monologues = array_at(document, &["monologues"], &lines, EXPECTED_SHAPE)?;
    let mut read = Vec::with_capacity(monologues.len());
    for (index, value) in monologues.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("monologue", index, line, problem);
        let fields = element(value, "monologue", index, line)?;
        let named = match fields.get("speaker_name") {
            None | Some(Value::Null) => None,
            Some(_) => Some(text_field(fields, "speaker_name").map_err(fail)?.trim())
                .filter(|name| !name.is_empty())
                .map(str::to_string),
        };
        let speaker = match named {
            Some(name) => Some(name),
            None => speaker_field(fields, "speaker", "Speaker ").map_err(fail)?,
        };
        let (text, start, end) = words(fields).map_err(fail)?;
        if text.is_empty() {
            continue;
        }
        read.push((speaker, unnamed_turn(&text, start, end, line)));
    }
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    fill_speakers(read).ok_or_else(|| error_at(lines.array.unwrap_or(1), NO_SPEAKERS))
}

/// The monologue's text, its elements' values joined as written (single
/// spaces where Rev wrote any run of whitespace), and the span of its words.
fn words(fields: &Map<String, Value>) -> Result<(String, Option<f64>, Option<f64>), String> {
    let elements = match fields.get("elements") {
        Some(Value::Array(elements)) => elements,
        None | Some(Value::Null) => return Err("`elements` is missing".to_string()),
        Some(other) => {
            return Err(format!(
                "`elements` must be an array, found {}",
                kind(other)
            ))
        }
    };
    let mut text = String::new();
    let (mut start, mut end) = (None, None);
    for (index, element) in elements.iter().enumerate() {
        let element = element
            .as_object()
            .ok_or_else(|| format!("element {index} must be an object"))?;
        let at = |problem: String| format!("element {index}: {problem}");
        let kind = element
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("text");
        if !matches!(kind, "text" | "punct") {
            continue;
        }
        text.push_str(text_field(element, "value").map_err(at)?);
        if kind == "text" {
            let (from, to) = span(
                time_field(element, "ts", 1.0).map_err(at)?,
                time_field(element, "end_ts", 1.0).map_err(at)?,
            )
            .map_err(at)?;
            widen(&mut start, &mut end, [from, to]);
        }
    }
    Ok((collapse_whitespace(&text), start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::json_doc::{expect_timed, summarise};

    #[test]
    fn reads_monologues_from_their_elements() {
        let input = r#"{"monologues": [
  {"speaker": 0, "elements": [
    {"type": "text", "value": "Thank", "ts": 0.0, "end_ts": 0.4, "confidence": 1},
    {"type": "punct", "value": " "},
    {"type": "text", "value": "you", "ts": 0.4, "end_ts": 4.2, "confidence": 1},
    {"type": "punct", "value": "."}]},
  {"speaker": 1, "speaker_name": " Mr. Davis ", "elements": [
    {"type": "text", "value": "Hi", "ts": 4.6, "end_ts": 5.0},
    {"type": "punct", "value": ": "},
    {"type": "unknown", "value": "<inaudible>"},
    {"type": "punct", "value": " "},
    {"type": "text", "value": "late", "ts": 8.0, "end_ts": 9.0},
    {"type": "punct", "value": "."}]},
  {"speaker": 0, "elements": []}
]}"#;
        expect_timed(
            parse,
            input,
            &[
                ("Speaker 0", "Thank you.", 0.0, 4.2, 2),
                ("Mr. Davis", "Hi: late.", 4.6, 9.0, 7),
            ],
        );
    }

    #[test]
    fn missing_speakers_or_bad_elements_are_errors_naming_lines() {
        let run = |input: &str| summarise(parse, input);
        let input =
            "{\"monologues\": [\n{\"elements\": [{\"type\": \"text\", \"value\": \"secret\"}]}]}";
        assert_eq!(run(input), Err(error_at(1, NO_SPEAKERS)));
        assert_eq!(run("{\"id\": \"x\"}"), Err(error_at(1, EXPECTED_SHAPE)));
        let input = "{\"monologues\": [\n{\"speaker\": 0, \"elements\": [{\"type\": \"text\", \"value\": \"a\", \"ts\": 2, \"end_ts\": 1}]}]}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "monologue 0 (counted from 0): element 0: the end time is before the start time"
            ))
        );
        assert_eq!(
            run("{\"monologues\": [{\"speaker\": 0, \"elements\": []}]}"),
            Err(TranscriptError::Empty)
        );
    }
}
