//! Deepgram JSON requested without `utterances=true`: turns rebuilt from
//! `results.channels[*].alternatives[0]`, from its `paragraphs.paragraphs`
//! (each with a `speaker`, `start`, `end` and `sentences[*].text`) when
//! present, else from its `words` (consecutive words of one `speaker` make a
//! turn, written as their `punctuated_word`, else their `word`).
//!
//! With more than one channel (`multichannel=true`), each channel is a speaker
//! (`Channel 0`, `Channel 1`) and the channels' paragraphs or words are put in
//! time order, so that the two sides of a call interleave as spoken.

use super::deepgram::NOT_DIARISED;
use super::json_doc::{
    array_at, array_lines, by_start, element, element_error, error_at, fill_speakers, span,
    speaker_field, text_field, time_field, unnamed_turn, SpeakerTurns,
};
use super::word_runs::Word;
use super::{RawTurn, TranscriptError};
use serde_json::{Map, Value};

const EXPECTED_SHAPE: &str = "expected Deepgram JSON with `results.utterances` or \
     `results.channels`";

/// Reads Deepgram channels into turns (paragraphs are merged by the caller).
pub(super) fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["results", "channels"]);
    let channels = array_at(document, &["results", "channels"], &lines, EXPECTED_SHAPE)?;
    let by_channel = channels.len() > 1;
    let mut paragraphs: SpeakerTurns = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    for (index, value) in channels.iter().enumerate() {
        let label = by_channel.then(|| format!("Channel {index}"));
        let (found, mut read) = read_channel(value, index, lines.of(index))?;
        if let Some(label) = &label {
            read.iter_mut()
                .for_each(|word| word.speaker = Some(label.clone()));
        }
        paragraphs.extend(
            found
                .into_iter()
                .map(|(speaker, turn)| (label.clone().or(speaker), turn)),
        );
        words.extend(read);
    }
    if by_channel {
        // Stable sorts keep each channel's own order where times tie or are missing.
        paragraphs.sort_by(|a, b| by_start(&a.1, &b.1));
        words.sort_by(|a, b| {
            let at = |word: &Word| word.start.unwrap_or(f64::INFINITY);
            at(a).total_cmp(&at(b))
        });
    }
    let mut read = paragraphs;
    read.extend(super::word_runs::word_runs(words));
    if read.is_empty() {
        return Err(TranscriptError::Empty);
    }
    fill_speakers(read).ok_or_else(|| error_at(lines.array.unwrap_or(1), NOT_DIARISED))
}

/// One channel's paragraphs, or its words when it has no paragraphs.
fn read_channel(
    value: &Value,
    index: usize,
    line: usize,
) -> Result<(SpeakerTurns, Vec<Word>), TranscriptError> {
    let fail = |problem| element_error("channel", index, line, problem);
    let best = element(value, "channel", index, line)?
        .get("alternatives")
        .and_then(|alternatives| alternatives.get(0))
        .and_then(Value::as_object)
        .ok_or_else(|| fail("`alternatives[0]` is missing or not an object".into()))?;
    if let Some(Value::Array(found)) = best.get("paragraphs").and_then(|p| p.get("paragraphs")) {
        if !found.is_empty() {
            let paragraphs = found
                .iter()
                .enumerate()
                .map(|(number, paragraph)| read_paragraph(paragraph, index, number, line))
                .collect::<Result<_, _>>()?;
            return Ok((paragraphs, Vec::new()));
        }
    }
    let words = match best.get("words") {
        Some(Value::Array(found)) => found.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err(fail("`words` must be an array".into())),
    };
    let words = read_words(words, &format!("channel {index}, word"), line)?;
    Ok((Vec::new(), words))
}

/// One paragraph: its speaker and its sentences joined with single spaces.
fn read_paragraph(
    value: &Value,
    channel: usize,
    index: usize,
    line: usize,
) -> Result<(Option<String>, RawTurn), TranscriptError> {
    let what = format!("channel {channel}, paragraph");
    let fail = |problem| element_error(&what, index, line, problem);
    let fields = element(value, &what, index, line)?;
    let sentences = match fields.get("sentences") {
        Some(Value::Array(sentences)) => sentences,
        _ => return Err(fail("`sentences` is missing or not an array".into())),
    };
    let mut text = String::new();
    for sentence in sentences {
        let sentence = sentence
            .as_object()
            .ok_or_else(|| fail("each of `sentences` must be an object".into()))?;
        let sentence = text_field(sentence, "text").map_err(fail)?.trim();
        if !sentence.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(sentence);
        }
    }
    let start = time_field(fields, "start", 1.0).map_err(fail)?;
    let end = time_field(fields, "end", 1.0).map_err(fail)?;
    let (start, end) = span(start, end).map_err(fail)?;
    let speaker = speaker_field(fields, "speaker", "Speaker ").map_err(fail)?;
    Ok((speaker, unnamed_turn(&text, start, end, line)))
}

/// Reads Deepgram `words`; `what` names them in errors (`channel 0, word`).
/// Words with no text are dropped.
pub(super) fn read_words(
    words: &[Value],
    what: &str,
    line: usize,
) -> Result<Vec<Word>, TranscriptError> {
    let mut read = Vec::with_capacity(words.len());
    for (index, value) in words.iter().enumerate() {
        let fail = |problem| element_error(what, index, line, problem);
        let fields = element(value, what, index, line)?;
        let text = word_text(fields).map_err(fail)?.trim();
        let start = time_field(fields, "start", 1.0).map_err(fail)?;
        let end = time_field(fields, "end", 1.0).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let speaker = speaker_field(fields, "speaker", "Speaker ").map_err(fail)?;
        read.extend(Word::spoken(speaker, text, start, end, line));
    }
    Ok(read)
}

/// `punctuated_word` (with `punctuate` or `smart_format`), else `word`.
fn word_text(fields: &Map<String, Value>) -> Result<&str, String> {
    match fields.get("punctuated_word") {
        Some(Value::String(text)) => Ok(text),
        _ => text_field(fields, "word"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::deepgram;
    use super::*;

    use crate::transcript::json_doc::{expect_timed, summarise, Timed, TurnSummary};

    fn run(input: &str) -> Result<Vec<TurnSummary>, TranscriptError> {
        summarise(deepgram::parse, input)
    }

    fn check(input: &str, expected: Timed) {
        expect_timed(deepgram::parse, input, expected);
    }

    fn word(word: &str, punctuated: &str, start: f64, speaker: Option<u32>) -> String {
        let speaker = speaker.map_or(String::new(), |s| format!(", \"speaker\": {s}"));
        format!(
            "{{\"word\": \"{word}\", \"start\": {start}, \"end\": {}, \"confidence\": 0.9, \"punctuated_word\": \"{punctuated}\"{speaker}}}",
            start + 0.5
        )
    }

    #[test]
    fn words_of_one_speaker_make_a_turn() {
        let words = [
            word("thank", "Thank", 0.0, Some(0)),
            word("you", "you.", 0.5, Some(0)),
            word("hi", "Hi,", 1.5, Some(1)),
            word("sorry", "sorry", 2.0, None),
            word("right", "Right.", 3.0, Some(0)),
        ]
        .join(",\n");
        let input = format!(
            "{{\"metadata\": {{\"channels\": 1}}, \"results\": {{\"channels\": [\n{{\"alternatives\": [{{\"transcript\": \"x\", \"words\": [\n{words}]}}]}}]}}}}"
        );
        check(
            &input,
            &[
                ("Speaker 0", "Thank you.", 0.0, 1.0, 2),
                ("Speaker 1", "Hi, sorry", 1.5, 2.5, 2),
                ("Speaker 0", "Right.", 3.0, 3.5, 2),
            ],
        );
        // Without `punctuated_word`, the bare word is the text.
        let bare = r#"{"results": {"channels": [{"alternatives": [{"words": [
            {"word": "hello", "start": 0, "end": 1, "speaker": 0}]}]}]}}"#;
        assert_eq!(run(bare).unwrap()[0].1, "hello");
    }

    #[test]
    fn paragraphs_win_over_words() {
        let input = r#"{"results": {"channels": [
{"alternatives": [{"transcript": "x", "words": [{"word": "ignored", "start": 0, "end": 1, "speaker": 5}],
  "paragraphs": {"transcript": "x", "paragraphs": [
    {"sentences": [{"text": "Thank you for calling.", "start": 0.0, "end": 2.0}, {"text": "How can I help?", "start": 2.0, "end": 4.2}], "speaker": 0, "num_words": 8, "start": 0.0, "end": 4.2},
    {"sentences": [{"text": "Hi: it's late.", "start": 4.6, "end": 9.0}], "speaker": 1, "start": 4.6, "end": 9.0}]}}]}]}}"#;
        check(
            input,
            &[
                (
                    "Speaker 0",
                    "Thank you for calling. How can I help?",
                    0.0,
                    4.2,
                    2,
                ),
                ("Speaker 1", "Hi: it's late.", 4.6, 9.0, 2),
            ],
        );
    }

    #[test]
    fn each_channel_is_a_speaker_in_time_order() {
        let input = r#"{"metadata": {"channels": 2}, "results": {"channels": [
{"alternatives": [{"words": [{"word": "hello", "start": 0.0, "end": 0.5}, {"word": "sorry", "start": 3.0, "end": 3.5}]}]},
{"alternatives": [{"words": [{"word": "hi", "start": 1.0, "end": 1.5}]}]}]}}"#;
        let expected = [
            ("Channel 0", "hello", 0.0, 0.5, 2),
            ("Channel 1", "hi", 1.0, 1.5, 3),
            ("Channel 0", "sorry", 3.0, 3.5, 2),
        ];
        check(input, &expected);
    }

    #[test]
    fn undiarised_or_malformed_channels_are_errors_naming_lines() {
        let input = format!(
            "{{\"results\": {{\"channels\": [\n{{\"alternatives\": [{{\"words\": [{}]}}]}}]}}}}",
            word("secret", "secret", 0.0, None)
        );
        assert_eq!(run(&input), Err(error_at(1, NOT_DIARISED)));
        assert_eq!(
            run("{\"results\": {\"channels\": [\n{\"alternatives\": []}]}}"),
            Err(error_at(
                2,
                "channel 0 (counted from 0): `alternatives[0]` is missing or not an object"
            ))
        );
        assert_eq!(
            run("{\"results\": {\"channels\": [\n{\"alternatives\": [{\"words\": [{\"start\": 1}]}]}]}}"),
            Err(error_at(
                2,
                "channel 0, word 0 (counted from 0): `word` is missing"
            ))
        );
        assert_eq!(
            run("{\"results\": {\"channels\": [{\"alternatives\": [{\"words\": []}]}]}}"),
            Err(TranscriptError::Empty)
        );
        assert_eq!(
            run("{\"results\": {\"metadata\": {}}}"),
            Err(error_at(1, EXPECTED_SHAPE))
        );
    }
}
