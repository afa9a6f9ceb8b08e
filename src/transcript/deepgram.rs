//! Deepgram JSON requested with `utterances=true`: `results.utterances`, each
//! with `start` and `end` in seconds, a `transcript`, and an integer `speaker`
//! when diarised (labelled `Speaker 0`, `Speaker 1`, as Deepgram's own tools
//! show them). Output without utterances is read from its words or paragraphs
//! by [`deepgram_channels`](super::deepgram_channels).
//!
//! An utterance's `speaker` is Deepgram's vote over its words, and its words
//! sometimes disagree: where an utterance's `words` change speaker inside it,
//! the utterance is split there, so that each part goes to the speaker its
//! words name. Without speakers, utterances from more than one audio channel
//! are told apart by channel (`Channel 0`); otherwise the output cannot say who
//! is speaking and is an error that says which request options give speakers.

use super::deepgram_channels::{self, read_words};
use super::json_doc::{
    array_lines, at_path, element, element_error, error_at, fill_speakers, span, speaker_field,
    speakers_or_channels, text_field, time_field, unnamed_turn, SpeakerTurns,
};
use super::word_runs::word_runs;
use super::{RawTurn, TranscriptError};
use serde_json::{Map, Value};

pub(super) const NOT_DIARISED: &str = "the Deepgram output carries no `speaker`, so it does not \
     say who is speaking; request `diarize=true` (or `multichannel=true` for one speaker per channel)";

/// Reads Deepgram output: utterances when it has them, else its channels' words.
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    match at_path(document, &["results", "utterances"]) {
        None | Some(Value::Null) => deepgram_channels::parse(input, document),
        Some(_) => utterances(input, document),
    }
}

/// One turn per utterance, or per speaker run where its words change speaker
/// (merged by the caller).
fn utterances(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["results", "utterances"]);
    let line_of_array = lines.array.unwrap_or(1);
    let utterances = match at_path(document, &["results", "utterances"]) {
        Some(Value::Array(utterances)) => utterances,
        _ => {
            return Err(error_at(
                line_of_array,
                "`results.utterances` must be an array",
            ))
        }
    };
    let mut read = Vec::with_capacity(utterances.len());
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
        match split_by_words(fields, index, line)? {
            Some(parts) => read.extend(
                parts
                    .into_iter()
                    .map(|(speaker, turn)| (speaker, channel.clone(), turn)),
            ),
            None => read.push((speaker, channel, unnamed_turn(text, start, end, line))),
        }
    }
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    fill_speakers(speakers_or_channels(read)).ok_or_else(|| error_at(line_of_array, NOT_DIARISED))
}

/// The utterance cut into its words' speaker runs, when its words name more
/// than one speaker; `None` when they agree (or carry no speakers), so that
/// the utterance's own `transcript` is kept as written.
fn split_by_words(
    fields: &Map<String, Value>,
    index: usize,
    line: usize,
) -> Result<Option<SpeakerTurns>, TranscriptError> {
    let words = match fields.get("words") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(words)) => words,
        Some(_) => {
            return Err(element_error(
                "utterance",
                index,
                line,
                "`words` must be an array".to_string(),
            ))
        }
    };
    let words = read_words(words, &format!("utterance {index}, word"), line)?;
    let mut speakers = words.iter().filter_map(|word| word.speaker.as_deref());
    let first = speakers.next();
    if speakers.all(|speaker| Some(speaker) == first) {
        return Ok(None);
    }
    Ok(Some(word_runs(words)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::json_doc::{expect_timed, summarise, Timed, TurnSummary};

    type Summary = TurnSummary;

    fn run(input: &str) -> Result<Vec<Summary>, TranscriptError> {
        summarise(parse, input)
    }

    fn check(input: &str, expected: Timed) {
        expect_timed(parse, input, expected);
    }

    #[test]
    fn reads_diarised_utterances() {
        let input = r#"{"metadata": {"request_id": "x", "channels": 1}, "results": {"channels": [{"alternatives": [{"transcript": "x", "words": []}]}], "utterances": [
  {"start": 0.0, "end": 4.2, "confidence": 0.99, "channel": 0, "transcript": "Thank you for calling.", "words": [], "speaker": 0, "id": "u1"},
  {"start": 4.6, "end": 9.0, "channel": 0, "transcript": "Hi: it's late.", "speaker": 1}
]}}"#;
        check(
            input,
            &[
                ("Speaker 0", "Thank you for calling.", 0.0, 4.2, 2),
                ("Speaker 1", "Hi: it's late.", 4.6, 9.0, 3),
            ],
        );
    }

    #[test]
    fn an_utterance_whose_words_change_speaker_is_split_there() {
        let word = |text: &str, start: f64, speaker: u32| {
            format!(
                r#"{{"word": "{}", "punctuated_word": "{text}", "start": {start}, "end": {}, "speaker": {speaker}}}"#,
                text.to_lowercase().trim_end_matches(['.', ',']),
                start + 0.4
            )
        };
        let words = [
            word("Sorry.", 0.0, 0),
            word("Okay,", 0.5, 1),
            word("thanks.", 1.0, 1),
        ]
        .join(", ");
        let input = format!(
            "{{\"results\": {{\"utterances\": [\n{{\"start\": 0.0, \"end\": 1.4, \"channel\": 0, \"speaker\": 0, \"transcript\": \"Sorry. Okay, thanks.\", \"words\": [{words}]}},\n{{\"start\": 2.0, \"end\": 3.0, \"speaker\": 0, \"transcript\": \"Right.\", \"words\": [{}]}}]}}}}",
            word("Right.", 2.0, 0)
        );
        check(
            &input,
            &[
                ("Speaker 0", "Sorry.", 0.0, 0.4, 2),
                ("Speaker 1", "Okay, thanks.", 0.5, 1.4, 2),
                ("Speaker 0", "Right.", 2.0, 3.0, 3),
            ],
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
    fn utterances_without_speakers_explain_the_request_options() {
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
        let input = "{\"results\": {\"utterances\": [\n{\"transcript\": \"x\", \"speaker\": 0, \"words\": [{\"word\": 3}]}]}}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "utterance 0, word 0 (counted from 0): `word` must be a string, found a number"
            ))
        );
    }
}
