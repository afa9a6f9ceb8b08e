//! Deepgram JSON: `results.utterances`, each with `start` and `end` in
//! seconds, a `transcript`, and an integer `speaker` when diarised (labelled
//! `Speaker 0`, `Speaker 1`, as Deepgram's own tools show them).
//!
//! Without speakers, utterances from more than one audio channel are told
//! apart by channel (`Channel 0`); otherwise the output cannot say who is
//! speaking and is an error that says which request options give speakers.

use super::json_doc::{
    array_at, array_lines, element, element_error, error_at, fill_speakers, span, speaker_field,
    text_field, time_field, unnamed_turn,
};
use super::{RawTurn, TranscriptError};
use serde_json::Value;

const NO_UTTERANCES: &str = "the Deepgram output has no `results.utterances`; request \
     `utterances=true` with `diarize=true` so that it holds turns and speakers";
const NOT_DIARISED: &str = "the Deepgram utterances carry no `speaker`, so they do not say who \
     is speaking; request `diarize=true` (or `multichannel=true` for one speaker per channel)";

/// Reads Deepgram utterances into one turn per utterance (merged by the caller).
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["results", "utterances"]);
    let utterances = array_at(document, &["results", "utterances"], &lines, NO_UTTERANCES)?;
    let mut read = Vec::with_capacity(utterances.len());
    let mut channels: Vec<String> = Vec::new();
    for (index, value) in utterances.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("utterance", index, line, problem);
        let fields = element(value, "utterance", index, line)?;
        let text = text_field(fields, "transcript").map_err(fail)?.trim();
        let start = time_field(fields, "start", 1.0).map_err(fail)?;
        let end = time_field(fields, "end", 1.0).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let speaker = speaker_field(fields, "speaker", "Speaker ").map_err(fail)?;
        let channel = speaker_field(fields, "channel", "Channel ")
            .map_err(fail)?
            .unwrap_or_else(|| "Channel 0".to_string());
        if text.is_empty() {
            continue;
        }
        if !channels.contains(&channel) {
            channels.push(channel.clone());
        }
        read.push((speaker, channel, unnamed_turn(text, start, end, line)));
    }
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    let by_channel = channels.len() > 1 && read.iter().all(|(speaker, _, _)| speaker.is_none());
    let read = read
        .into_iter()
        .map(|(speaker, channel, turn)| (if by_channel { Some(channel) } else { speaker }, turn))
        .collect();
    fill_speakers(read).ok_or_else(|| error_at(lines.array.unwrap_or(1), NOT_DIARISED))
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
    fn reads_diarised_utterances() {
        let input = r#"{"metadata": {"request_id": "x", "channels": 1}, "results": {"channels": [{"alternatives": [{"transcript": "x", "words": []}]}], "utterances": [
  {"start": 0.0, "end": 4.2, "confidence": 0.99, "channel": 0, "transcript": "Thank you for calling.", "words": [], "speaker": 0, "id": "u1"},
  {"start": 4.6, "end": 9.0, "channel": 0, "transcript": "Hi: it's late.", "speaker": 1}
]}}"#;
        assert_eq!(
            run(input),
            Ok(vec![
                (
                    "Speaker 0".to_string(),
                    "Thank you for calling.".to_string(),
                    Some(0.0),
                    Some(4.2),
                    2
                ),
                (
                    "Speaker 1".to_string(),
                    "Hi: it's late.".to_string(),
                    Some(4.6),
                    Some(9.0),
                    3
                ),
            ])
        );
    }

    #[test]
    fn multichannel_utterances_without_speakers_use_channels() {
        let input = r#"{"results": {"utterances": [
  {"start": 0.0, "end": 1.0, "channel": 0, "transcript": "Hello."},
  {"start": 1.0, "end": 2.0, "channel": 1, "transcript": "Hi."}]}}"#;
        let speakers: Vec<String> = run(input).unwrap().into_iter().map(|t| t.0).collect();
        assert_eq!(speakers, vec!["Channel 0", "Channel 1"]);
    }

    #[test]
    fn missing_utterances_or_speakers_explain_the_request_options() {
        assert_eq!(
            run(r#"{"results": {"channels": []}}"#),
            Err(error_at(1, NO_UTTERANCES))
        );
        let input = "{\"results\": {\n\"utterances\": [{\"start\": 0, \"end\": 1, \"channel\": 0, \"transcript\": \"secret\"}]}}";
        assert_eq!(run(input), Err(error_at(2, NOT_DIARISED)));
        let input = "{\"results\": {\"utterances\": [\n{\"start\": 0, \"end\": 1}]}}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "utterance 0 (counted from 0): `transcript` is missing"
            ))
        );
    }
}
