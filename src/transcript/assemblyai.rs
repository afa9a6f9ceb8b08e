//! AssemblyAI JSON: top-level `utterances`, each with a letter `speaker`
//! (`A`, `B`, labelled `Speaker A` as AssemblyAI shows them), `start` and
//! `end` in milliseconds, and `text`.
//!
//! `utterances` is `null` unless the transcript was requested with
//! `speaker_labels`, which the error then says.

use super::json_doc::{
    array_at, array_lines, element, element_error, error_at, fill_speakers, span, speaker_field,
    text_field, time_field, unnamed_turn,
};
use super::{RawTurn, TranscriptError};
use serde_json::Value;

const NO_UTTERANCES: &str = "the AssemblyAI transcript has no `utterances`, so it does not say \
     who is speaking; request it with `speaker_labels: true`";

/// Reads AssemblyAI utterances into one turn per utterance (merged by the caller).
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["utterances"]);
    let utterances = array_at(document, &["utterances"], &lines, NO_UTTERANCES)?;
    let mut read = Vec::with_capacity(utterances.len());
    for (index, value) in utterances.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("utterance", index, line, problem);
        let fields = element(value, "utterance", index, line)?;
        let text = text_field(fields, "text").map_err(fail)?.trim();
        let start = time_field(fields, "start", 1000.0).map_err(fail)?;
        let end = time_field(fields, "end", 1000.0).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let speaker = speaker_field(fields, "speaker", "")
            .map_err(fail)?
            .map(|speaker| format!("Speaker {speaker}"));
        if text.is_empty() {
            continue;
        }
        read.push((speaker, unnamed_turn(text, start, end, line)));
    }
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    fill_speakers(read).ok_or_else(|| error_at(lines.array.unwrap_or(1), NO_UTTERANCES))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::json_doc::{summarise, TurnSummary};

    type Summary = TurnSummary;

    fn run(input: &str) -> Result<Vec<Summary>, TranscriptError> {
        summarise(parse, input)
    }

    #[test]
    fn reads_utterances_in_milliseconds() {
        let input = r#"{"id": "x", "status": "completed", "text": "x", "words": [], "utterances": [
  {"confidence": 0.97, "end": 4200, "speaker": "A", "start": 0, "text": "Thank you for calling.", "words": []},
  {"end": 9000, "speaker": "B", "start": 4600, "text": "Hi: it's late."}
], "audio_duration": 55}"#;
        assert_eq!(
            run(input),
            Ok(vec![
                (
                    "Speaker A".to_string(),
                    "Thank you for calling.".to_string(),
                    Some(0.0),
                    Some(4.2),
                    2
                ),
                (
                    "Speaker B".to_string(),
                    "Hi: it's late.".to_string(),
                    Some(4.6),
                    Some(9.0),
                    3
                ),
            ])
        );
    }

    #[test]
    fn no_utterances_explains_speaker_labels() {
        for input in [
            r#"{"id": "x", "status": "completed", "text": "secret", "utterances": null}"#,
            r#"{"id": "x", "status": "completed", "text": "secret"}"#,
            r#"{"utterances": [{"start": 0, "end": 1, "text": "secret"}]}"#,
        ] {
            assert_eq!(run(input), Err(error_at(1, NO_UTTERANCES)), "input {input}");
        }
        let input =
            "{\"utterances\": [\n{\"speaker\": \"A\", \"start\": 5, \"end\": 1, \"text\": \"x\"}]}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "utterance 0 (counted from 0): the end time is before the start time"
            ))
        );
    }
}
