//! Whisper JSON (`whisper --output_format json`, the OpenAI API's
//! `verbose_json`) and WhisperX's diarised output: `segments` with `start`,
//! `end` and `text`, and a `speaker` once diarised.
//!
//! Text is trimmed (Whisper starts each segment with a space) and extra keys
//! (`tokens`, `avg_logprob`, `words`, …) are ignored. A segment WhisperX left
//! without a speaker takes the one most of its words carry, else the speaker
//! before it; plain Whisper output, with no speakers at all, cannot say who is
//! the learner and is an error that says how to diarise it.

use super::json_doc::{
    array_at, array_lines, element, element_error, error_at, fill_speakers, span, speaker_field,
    text_field, time_field, unnamed_turn,
};
use super::{RawTurn, TranscriptError};
use serde_json::{Map, Value};

const NOT_DIARISED: &str = "the Whisper segments carry no `speaker`: plain Whisper output is not \
     diarised, so it does not say who is speaking; run diarisation (e.g. WhisperX with \
     `--diarize`) or convert the transcript to `Speaker: text` lines";

/// Reads Whisper segments into one turn per segment (merged by the caller).
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["segments"]);
    let segments = array_at(
        document,
        &["segments"],
        &lines,
        "expected Whisper JSON with a `segments` array",
    )?;
    let mut read = Vec::with_capacity(segments.len());
    for (index, value) in segments.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("segment", index, line, problem);
        let fields = element(value, "segment", index, line)?;
        let text = text_field(fields, "text").map_err(fail)?.trim();
        let start = time_field(fields, "start", 1.0).map_err(fail)?;
        let end = time_field(fields, "end", 1.0).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let speaker = match speaker_field(fields, "speaker", "Speaker ").map_err(fail)? {
            Some(speaker) => Some(speaker),
            None => word_speaker(fields),
        };
        if text.is_empty() {
            continue;
        }
        read.push((speaker, unnamed_turn(text, start, end, line)));
    }
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    fill_speakers(read).ok_or_else(|| error_at(lines.array.unwrap_or(1), NOT_DIARISED))
}

/// The speaker most of a segment's `words` carry (WhisperX), first on ties.
fn word_speaker(fields: &Map<String, Value>) -> Option<String> {
    let Some(Value::Array(words)) = fields.get("words") else {
        return None;
    };
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for word in words {
        if let Some(speaker) = word.get("speaker").and_then(Value::as_str) {
            match counts.iter_mut().find(|(seen, _)| *seen == speaker) {
                Some((_, count)) => *count += 1,
                None => counts.push((speaker, 1)),
            }
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for (speaker, count) in counts {
        if best.is_none_or(|(_, most)| count > most) {
            best = Some((speaker, count));
        }
    }
    best.map(|(speaker, _)| speaker.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::json_doc::{summarise, TurnSummary};

    type Summary = TurnSummary;

    fn run(input: &str) -> Result<Vec<Summary>, TranscriptError> {
        summarise(parse, input)
    }

    fn turn(speaker: &str, text: &str, start: f64, end: f64, line: usize) -> Summary {
        (
            speaker.to_string(),
            text.to_string(),
            Some(start),
            Some(end),
            line,
        )
    }

    #[test]
    fn reads_whisperx_segments() {
        let input = r#"{"segments": [
  {"id": 0, "seek": 0, "start": 0.0, "end": 4.2, "text": " Thank you for calling.", "tokens": [1, 2], "avg_logprob": -0.2, "speaker": "SPEAKER_00"},
  {"start": 4.6, "end": 9.0, "text": " Hi: it's late. ", "speaker": "SPEAKER_01",
   "words": [{"word": "Hi:", "start": 4.6, "end": 5.0, "score": 0.9, "speaker": "SPEAKER_01"}]},
  {"start": 9.0, "end": 9.5, "text": " ", "speaker": "SPEAKER_00"},
  {"start": 9.5, "end": 10.0, "text": " Still me.", "words": [
    {"word": "Still", "speaker": "SPEAKER_00"}, {"word": "me.", "speaker": "SPEAKER_01"}, {"word": "x", "speaker": "SPEAKER_01"}]},
  {"start": 10.0, "end": 11.0, "text": "And me."}
], "language": "en", "word_segments": []}"#;
        assert_eq!(
            run(input),
            Ok(vec![
                turn("SPEAKER_00", "Thank you for calling.", 0.0, 4.2, 2),
                turn("SPEAKER_01", "Hi: it's late.", 4.6, 9.0, 3),
                turn("SPEAKER_01", "Still me.", 9.5, 10.0, 6),
                turn("SPEAKER_01", "And me.", 10.0, 11.0, 8),
            ])
        );
    }

    #[test]
    fn leading_unlabelled_segments_take_the_first_speaker() {
        let input = r#"{"segments": [{"start": 0, "end": 1, "text": "a"}, {"start": 1, "end": 2, "text": "b", "speaker": 1}]}"#;
        let got = run(input).unwrap();
        assert_eq!(got[0].0, "Speaker 1");
        assert_eq!(got[1].0, "Speaker 1");
    }

    #[test]
    fn undiarised_whisper_is_an_error_explaining_diarisation() {
        let input = "{\"text\": \"secret\",\n\"segments\": [\n{\"start\": 0, \"end\": 1, \"text\": \" secret\"}]}";
        assert_eq!(run(input), Err(error_at(2, NOT_DIARISED)));
    }

    #[test]
    fn bad_segments_name_their_line_and_field() {
        let cases: &[(&str, usize, &str)] = &[
            (r#"{"segments": {}}"#, 1, "`segments` must be an array, found an object"),
            (r#"{"text": "x"}"#, 1, "expected Whisper JSON with a `segments` array"),
            ("{\"segments\": [\n{\"text\": 1}]}", 2, "segment 0 (counted from 0): `text` must be a string, found a number"),
            ("{\"segments\": [\n{\"text\": \"a\", \"start\": 2, \"end\": 1}]}", 2, "segment 0 (counted from 0): the end time is before the start time"),
            ("{\"segments\": [\n{\"text\": \"a\", \"start\": \"soon\"}]}", 2, "segment 0 (counted from 0): `start` must be a finite number"),
            ("{\"segments\": [\n{\"text\": \"a\", \"speaker\": [1]}]}", 2, "segment 0 (counted from 0): `speaker` must be a string or a number, found an array"),
            ("{\"segments\": [1]}", 1, "segment 0 (counted from 0) must be an object, found a number"),
        ];
        for (input, line, message) in cases {
            assert_eq!(run(input), Err(error_at(*line, *message)), "input {input}");
        }
        assert_eq!(run(r#"{"segments": []}"#), Err(TranscriptError::Empty));
    }
}
