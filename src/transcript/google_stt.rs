//! Google Cloud Speech-to-Text JSON with speaker diarisation: `results[*]`
//! (or the long-running operation's `response.results`), whose
//! `alternatives[0].words[*]` carry a `speakerTag` (v1, a number from 1) or a
//! `speakerLabel` (v2, and v1's newer field), and times as durations
//! (`"1.500s"`) in `startTime`/`endTime` (v1) or `startOffset`/`endOffset` (v2).
//!
//! In v1 the last result repeats every word of the earlier ones with its
//! speaker tag, while the earlier results' words carry none: only words with a
//! speaker are read, and a word already read (same text and times) is not read
//! again. Consecutive words of one speaker make a turn.
//!
//! Without speakers, results from more than one audio channel (`channelTag`,
//! with `enableSeparateRecognitionPerChannel`) are one turn each, labelled by
//! channel and put in time order.

use super::json_doc::{
    array_at, array_lines, at_path, by_start, duration_field, element, element_error, error_at,
    fill_speakers, span, speaker_field, text_field, unnamed_turn, SpeakerTurns,
};
use super::word_runs::{word_runs, Word};
use super::{RawTurn, TranscriptError};
use serde_json::{Map, Value};
use std::collections::HashSet;

const EXPECTED_SHAPE: &str = "expected Google Speech-to-Text JSON with a `results` array";
const NOT_DIARISED: &str = "the Google Speech-to-Text words carry no `speakerTag` or \
     `speakerLabel`, so they do not say who is speaking; request `diarizationConfig` with \
     `enableSpeakerDiarization: true` (or `enableSeparateRecognitionPerChannel` for one \
     speaker per channel)";

/// Reads Google Speech-to-Text results into speaker turns.
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let path: &[&str] = match at_path(document, &["response", "results"]) {
        Some(Value::Array(_)) => &["response", "results"],
        _ => &["results"],
    };
    let lines = array_lines(input, path);
    let results = array_at(document, path, &lines, EXPECTED_SHAPE)?;
    let mut words: Vec<Word> = Vec::new();
    let mut seen: HashSet<(String, u64, u64)> = HashSet::new();
    let mut channels: SpeakerTurns = Vec::new();
    let mut channel_tags: HashSet<String> = HashSet::new();
    for (index, value) in results.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("result", index, line, problem);
        let result = element(value, "result", index, line)?;
        let Some(best) = best_alternative(result).map_err(fail)? else {
            continue;
        };
        let read = read_words(best, index, line)?;
        let first_start = read.iter().find_map(|word| word.start);
        let last_end = read.iter().filter_map(|word| word.end).reduce(f64::max);
        for word in read.into_iter().filter(|word| word.speaker.is_some()) {
            let key = (
                word.text.clone(),
                word.start.map_or(u64::MAX, f64::to_bits),
                word.end.map_or(u64::MAX, f64::to_bits),
            );
            if seen.insert(key) {
                words.push(word);
            }
        }
        // Kept in case no word has a speaker and channels are all there is.
        let text = match best.get("transcript") {
            None | Some(Value::Null) => "",
            Some(_) => text_field(best, "transcript").map_err(fail)?.trim(),
        };
        let channel = speaker_field(result, "channelTag", "Channel ").map_err(fail)?;
        if let Some(channel) = &channel {
            channel_tags.insert(channel.clone());
        }
        let end = match duration_field(result, "resultEndTime").map_err(fail)? {
            Some(end) => Some(end),
            None => duration_field(result, "resultEndOffset").map_err(fail)?,
        };
        if !text.is_empty() {
            let (start, end) = span(first_start, end.or(last_end)).map_err(fail)?;
            channels.push((channel, unnamed_turn(text, start, end, line)));
        }
    }
    if !words.is_empty() {
        return fill_speakers(word_runs(words))
            .ok_or_else(|| error_at(lines.array.unwrap_or(1), NOT_DIARISED));
    }
    if channels.is_empty() {
        return Err(TranscriptError::Empty);
    }
    if channel_tags.len() < 2 {
        return Err(error_at(lines.array.unwrap_or(1), NOT_DIARISED));
    }
    // A stable sort keeps each channel's own order where times tie or are missing.
    channels.sort_by(|a, b| by_start(&a.1, &b.1));
    fill_speakers(channels).ok_or_else(|| error_at(lines.array.unwrap_or(1), NOT_DIARISED))
}

/// `alternatives[0]`, or `None` for a result with no alternatives (Google
/// sends those for stretches without speech).
fn best_alternative(result: &Map<String, Value>) -> Result<Option<&Map<String, Value>>, String> {
    match result.get("alternatives") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(alternatives)) => match alternatives.first() {
            None => Ok(None),
            Some(Value::Object(best)) => Ok(Some(best)),
            Some(_) => Err("`alternatives[0]` must be an object".to_string()),
        },
        Some(_) => Err("`alternatives` must be an array".to_string()),
    }
}

/// The words of one result, each with its speaker if it has one (a
/// `speakerTag` of 0 is protobuf's default, meaning none).
fn read_words(
    best: &Map<String, Value>,
    result: usize,
    line: usize,
) -> Result<Vec<Word>, TranscriptError> {
    let words = match best.get("words") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(words)) => words,
        Some(_) => {
            return Err(element_error(
                "result",
                result,
                line,
                "`alternatives[0].words` must be an array".to_string(),
            ))
        }
    };
    let what = format!("result {result}, word");
    let mut read = Vec::with_capacity(words.len());
    for (index, value) in words.iter().enumerate() {
        let fail = |problem| element_error(&what, index, line, problem);
        let fields = element(value, &what, index, line)?;
        let text = text_field(fields, "word").map_err(fail)?.trim();
        let start = first_duration(fields, ["startTime", "startOffset"]).map_err(fail)?;
        let end = first_duration(fields, ["endTime", "endOffset"]).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let speaker = match speaker_field(fields, "speakerLabel", "Speaker ").map_err(fail)? {
            Some(label) => Some(label_name(label)),
            None => speaker_field(fields, "speakerTag", "Speaker ")
                .map_err(fail)?
                .filter(|tag| tag != "Speaker 0"),
        };
        read.extend(Word::spoken(speaker, text, start, end, line));
    }
    Ok(read)
}

/// v2 labels are bare numbers in strings (`"1"`): named `Speaker 1` as v1's tags are.
fn label_name(label: String) -> String {
    if label.bytes().all(|b| b.is_ascii_digit()) {
        format!("Speaker {label}")
    } else {
        label
    }
}

/// The first of `names` present, as seconds.
fn first_duration(fields: &Map<String, Value>, names: [&str; 2]) -> Result<Option<f64>, String> {
    match duration_field(fields, names[0])? {
        Some(seconds) => Ok(Some(seconds)),
        None => duration_field(fields, names[1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::transcript::json_doc::{expect_timed, summarise};

    #[test]
    fn v1_reads_only_the_tagged_words_of_the_last_result() {
        let input = r#"{"results": [
  {"alternatives": [{"transcript": "Thank you for calling.", "confidence": 0.9, "words": [
    {"startTime": "0s", "endTime": "0.400s", "word": "Thank"}, {"startTime": "0.400s", "endTime": "4.200s", "word": "calling."}]}], "languageCode": "en-gb"},
  {"alternatives": [{"transcript": " Hi, it's late.", "words": [
    {"startTime": "4.600s", "endTime": "9s", "word": "Hi,"}]}], "resultEndTime": "9s"},
  {"alternatives": [{"words": [
    {"startTime": "0s", "endTime": "0.400s", "word": "Thank", "speakerTag": 1},
    {"startTime": "0.400s", "endTime": "4.200s", "word": "calling.", "speakerTag": 1},
    {"startTime": "4.600s", "endTime": "9s", "word": "Hi,", "speakerTag": 2},
    {"startTime": "0.400s", "endTime": "4.200s", "word": "calling.", "speakerTag": 1}]}]}
]}"#;
        expect_timed(
            parse,
            input,
            &[
                ("Speaker 1", "Thank calling.", 0.0, 4.2, 6),
                ("Speaker 2", "Hi,", 4.6, 9.0, 6),
            ],
        );
    }

    #[test]
    fn v2_labels_and_offsets_in_an_operation_response() {
        let input = r#"{"name": "op", "done": true, "response": {"results": [
  {"alternatives": [{"transcript": "Hello there.", "words": [
    {"startOffset": "0.100s", "endOffset": "0.500s", "word": "Hello", "speakerLabel": "1"},
    {"startOffset": {"seconds": "1", "nanos": 0}, "endOffset": {"seconds": 1, "nanos": 500000000}, "word": "there.", "speakerLabel": "1"}]}]},
  {"alternatives": [{"words": [{"startOffset": "2s", "endOffset": "3s", "word": "Hi.", "speakerLabel": "2"}]}]}
]}}"#;
        expect_timed(
            parse,
            input,
            &[
                ("Speaker 1", "Hello there.", 0.1, 1.5, 2),
                ("Speaker 2", "Hi.", 2.0, 3.0, 5),
            ],
        );
    }

    #[test]
    fn untagged_results_from_two_channels_are_one_speaker_each() {
        let input = r#"{"results": [
  {"alternatives": [{"transcript": "Sorry.", "words": [{"startTime": "3s", "endTime": "4s", "word": "Sorry."}]}], "channelTag": 1, "resultEndTime": "4s"},
  {"alternatives": [{"transcript": "Hello.", "words": [{"startTime": "0s", "endTime": "1s", "word": "Hello."}]}], "channelTag": 1},
  {"alternatives": [{"transcript": "Hi.", "words": [{"startTime": "1.5s", "endTime": "2s", "word": "Hi."}]}], "channelTag": 2, "resultEndTime": "2.200s"}
]}"#;
        expect_timed(
            parse,
            input,
            &[
                ("Channel 1", "Hello.", 0.0, 1.0, 3),
                ("Channel 2", "Hi.", 1.5, 2.2, 4),
                ("Channel 1", "Sorry.", 3.0, 4.0, 2),
            ],
        );
    }

    #[test]
    fn undiarised_or_malformed_results_are_errors_naming_lines() {
        let run = |input: &str| summarise(parse, input);
        let input = "{\"results\": [\n{\"alternatives\": [{\"transcript\": \"secret\", \"words\": [{\"word\": \"secret\"}]}]}]}";
        assert_eq!(run(input), Err(error_at(1, NOT_DIARISED)));
        assert_eq!(run("{\"other\": []}"), Err(error_at(1, EXPECTED_SHAPE)));
        assert_eq!(
            run("{\"results\": [{}, {\"alternatives\": []}]}"),
            Err(TranscriptError::Empty)
        );
        let input = "{\"results\": [\n{\"alternatives\": [{\"words\": [{\"word\": \"a\", \"startTime\": \"soon\", \"speakerTag\": 1}]}]}]}";
        assert_eq!(
            run(input),
            Err(error_at(
                2,
                "result 0, word 0 (counted from 0): `startTime` must be a non-negative duration such as \"1.500s\""
            ))
        );
    }
}
