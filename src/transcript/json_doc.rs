//! Shared reading of JSON transcript exports (Whisper, AWS Transcribe,
//! Deepgram, AssemblyAI): the line where each element of a nested array
//! starts, and typed access to fields with messages that name fields, never values.

use super::{RawTurn, TranscriptError};
use serde_json::{Map, Value};

/// Where the array at a key path sits in the source.
#[derive(Debug, Default, PartialEq)]
pub(super) struct ArrayLines {
    /// Line where the array value starts.
    pub array: Option<usize>,
    /// Line where each element starts.
    pub elements: Vec<usize>,
}

impl ArrayLines {
    /// The line of element `index`, else of the array, else 1.
    pub(super) fn of(&self, index: usize) -> usize {
        self.elements
            .get(index)
            .copied()
            .or(self.array)
            .unwrap_or(1)
    }
}

/// Finds the lines of the array reached from the root object through the
/// object keys in `path` (e.g. `["results", "items"]`), with one structural
/// pass over input that serde_json has already accepted: it only tracks
/// nesting, skips strings and notices where values begin. When a key repeats,
/// the last one counts, as it does for serde_json's map.
pub(super) fn array_lines(input: &str, path: &[&str]) -> ArrayLines {
    struct Frame {
        is_object: bool,
        /// How many keys of `path` lead here, or `None` off the path.
        matched: Option<usize>,
        /// This is the array `path` names.
        target: bool,
        lines: Vec<usize>,
    }

    let bytes = input.as_bytes();
    let mut found = ArrayLines::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line = 1;
    // The last structural byte seen, or b'v' after any part of a value; a
    // value starts right after '[', ',' or ':' (or at the very start).
    let mut previous = b' ';
    // The last key read in an object on the path; only read right before its ':'.
    let mut key: Option<String> = None;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'\n' {
            line += 1;
        }
        if byte.is_ascii_whitespace() {
            i += 1;
            continue;
        }

        let value_starts = !matches!(byte, b']' | b'}' | b',' | b':')
            && (stack.is_empty() || matches!(previous, b'[' | b',' | b':'))
            && !(stack.last().is_some_and(|f| f.is_object) && previous != b':');
        // The path position a value starting here would have.
        let child_matched = match stack.last() {
            None => Some(0),
            Some(frame) if frame.is_object && previous == b':' => frame
                .matched
                .filter(|&m| m < path.len() && key.as_deref() == Some(path[m]))
                .map(|m| m + 1),
            Some(_) => None,
        };
        if value_starts {
            if let Some(frame) = stack.last_mut() {
                if frame.target {
                    frame.lines.push(line);
                }
            }
            if child_matched == Some(path.len()) {
                found.array = Some(line);
            }
        }

        match byte {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    // Valid JSON escapes are one ASCII byte after the backslash
                    // (\uXXXX continues with plain hex digits).
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(bytes.len());
                let is_key = stack
                    .last()
                    .is_some_and(|f| f.is_object && f.matched.is_some())
                    && matches!(previous, b'{' | b',');
                if is_key {
                    key = input
                        .get(start..end)
                        .and_then(|raw| serde_json::from_str(raw).ok());
                }
                previous = b'v';
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let matched = if value_starts { child_matched } else { None };
                stack.push(Frame {
                    is_object: byte == b'{',
                    matched,
                    target: byte == b'[' && matched == Some(path.len()),
                    lines: Vec::new(),
                });
                previous = byte;
            }
            b'}' | b']' => {
                if let Some(frame) = stack.pop() {
                    if frame.target {
                        found.elements = frame.lines;
                    }
                }
                previous = b'v';
            }
            b',' | b':' => previous = byte,
            _ => previous = b'v',
        }
        i += 1;
    }
    found
}

/// Names a JSON value's type for messages, without its content.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A syntax error at `line` naming what is wrong.
pub(super) fn error_at(line: usize, message: impl Into<String>) -> TranscriptError {
    TranscriptError::Syntax {
        line,
        message: message.into(),
    }
}

/// Follows object keys from `value`; `None` when any step is missing or not an object.
pub(super) fn at_path<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// A time field: absent or `null`, else a finite, non-negative number given
/// as a number or, as AWS writes them, as a numeric string, in units of which
/// there are `per_second` in a second (1 for seconds, 1000 for milliseconds).
/// Returns seconds.
pub(super) fn time_field(
    fields: &Map<String, Value>,
    name: &str,
    per_second: f64,
) -> Result<Option<f64>, String> {
    let number = match fields.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(other) => {
            return Err(format!(
                "`{name}` must be a number of seconds, found {}",
                kind(other)
            ))
        }
    };
    match number {
        // Dividing (rather than multiplying by 0.001) makes 45400 ms read as
        // exactly the f64 that 45.4 s does.
        Some(value) if value.is_finite() && value >= 0.0 => Ok(Some(value / per_second)),
        Some(value) if value.is_finite() => Err(format!("`{name}` must not be negative")),
        _ => Err(format!("`{name}` must be a finite number")),
    }
}

/// A protobuf `Duration` field as Google's JSON writes it: a string of
/// seconds ending in `s` (`"1.500s"`), or an object of `seconds` and `nanos`
/// (as some client libraries print it). Absent or `null` is `None`.
pub(super) fn duration_field(
    fields: &Map<String, Value>,
    name: &str,
) -> Result<Option<f64>, String> {
    let seconds = match fields.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text
            .trim()
            .strip_suffix('s')
            .and_then(|number| number.parse::<f64>().ok()),
        Some(Value::Object(parts)) => {
            let part = |key| match parts.get(key) {
                None | Some(Value::Null) => Some(0.0),
                Some(Value::Number(number)) => number.as_f64(),
                Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
                Some(_) => None,
            };
            part("seconds")
                .zip(part("nanos"))
                .map(|(seconds, nanos)| seconds + nanos / 1e9)
        }
        Some(other) => {
            return Err(format!(
                "`{name}` must be a duration such as \"1.500s\", found {}",
                kind(other)
            ))
        }
    };
    match seconds {
        Some(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
        _ => Err(format!(
            "`{name}` must be a non-negative duration such as \"1.500s\""
        )),
    }
}

/// A required string field, or what is wrong with it.
pub(super) fn text_field<'a>(
    fields: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a str, String> {
    match fields.get(name) {
        None => Err(format!("`{name}` is missing")),
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(format!("`{name}` must be a string, found {}", kind(other))),
    }
}

/// A speaker label given as a string (`"SPEAKER_00"`, `"A"`) or a number (`0`).
/// Numbers get `prefix` (`"Speaker "`) so that labels read as names.
pub(super) fn speaker_field(
    fields: &Map<String, Value>,
    name: &str,
    prefix: &str,
) -> Result<Option<String>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(label)) if label.trim().is_empty() => Ok(None),
        Some(Value::String(label)) => Ok(Some(label.trim().to_string())),
        Some(Value::Number(number)) => Ok(Some(format!("{prefix}{number}"))),
        Some(other) => Err(format!(
            "`{name}` must be a string or a number, found {}",
            kind(other)
        )),
    }
}

/// A turn whose speaker [`fill_speakers`] settles once the whole export is read.
pub(super) fn unnamed_turn(
    text: &str,
    start: Option<f64>,
    end: Option<f64>,
    line: usize,
) -> RawTurn {
    RawTurn {
        speaker: String::new(),
        role: None,
        text: text.to_string(),
        start,
        end,
        line,
    }
}

/// (speaker, text, start, end, line) of each turn an export parser read, for tests.
#[cfg(test)]
pub(super) type TurnSummary = (String, String, Option<f64>, Option<f64>, usize);

/// Runs a JSON export parser on `input` and summarises its turns, for tests.
#[cfg(test)]
pub(super) fn summarise(
    parse: fn(&str, &Value) -> Result<Vec<RawTurn>, TranscriptError>,
    input: &str,
) -> Result<Vec<TurnSummary>, TranscriptError> {
    let document: Value = serde_json::from_str(input).expect("test input is JSON");
    parse(input, &document).map(|turns| {
        turns
            .into_iter()
            .map(|t| (t.speaker, t.text, t.start, t.end, t.line))
            .collect()
    })
}

/// Expected (speaker, text, start, end, line) of each turn, all timed, for tests.
#[cfg(test)]
pub(super) type Timed<'a> = &'a [(&'a str, &'a str, f64, f64, usize)];

/// Runs a JSON export parser on `input` and checks it reads the `expected` turns.
#[cfg(test)]
pub(super) fn expect_timed(
    parse: fn(&str, &Value) -> Result<Vec<RawTurn>, TranscriptError>,
    input: &str,
    expected: Timed,
) {
    let expected: Vec<TurnSummary> = expected
        .iter()
        .map(|&(speaker, text, start, end, line)| {
            (speaker.into(), text.into(), Some(start), Some(end), line)
        })
        .collect();
    assert_eq!(summarise(parse, input), Ok(expected), "input {input}");
}

/// Turns read with the speaker label each carries, if any, before
/// [`fill_speakers`] settles the unlabelled ones.
pub(super) type SpeakerTurns = Vec<(Option<String>, RawTurn)>;

/// Labels turns by their audio channel (`Channel 0`) instead of their
/// speaker when no turn has a speaker and more than one channel spoke: a
/// stereo call with one party per channel, transcribed without diarisation.
pub(super) fn speakers_or_channels(read: Vec<(Option<String>, String, RawTurn)>) -> SpeakerTurns {
    let first_channel = read.first().map(|(_, channel, _)| channel.clone());
    let by_channel = read.iter().all(|(speaker, _, _)| speaker.is_none())
        && read
            .iter()
            .any(|(_, channel, _)| Some(channel) != first_channel.as_ref());
    read.into_iter()
        .map(|(speaker, channel, turn)| (if by_channel { Some(channel) } else { speaker }, turn))
        .collect()
}

/// Orders turns by start; a turn with no start sorts after those with one.
/// Used with stable sorts, so that ties keep the export's own order.
pub(super) fn by_start(a: &RawTurn, b: &RawTurn) -> std::cmp::Ordering {
    let at = |turn: &RawTurn| turn.start.unwrap_or(f64::INFINITY);
    at(a).total_cmp(&at(b))
}

/// Gives every turn a speaker when an export labels only some of them:
/// unlabelled turns continue the speaker before them, and leading ones take
/// the first label found. `None` when no turn is labelled at all.
pub(super) fn fill_speakers(read: SpeakerTurns) -> Option<Vec<RawTurn>> {
    let mut current = read.iter().find_map(|(speaker, _)| speaker.clone())?;
    Some(
        read.into_iter()
            .map(|(speaker, mut turn)| {
                if let Some(speaker) = speaker {
                    current = speaker;
                }
                turn.speaker.clone_from(&current);
                turn
            })
            .collect(),
    )
}

/// The array at `path`, or an error naming its line: `missing` explains what
/// to do when the field is absent or `null`.
pub(super) fn array_at<'a>(
    document: &'a Value,
    path: &[&str],
    lines: &ArrayLines,
    missing: &str,
) -> Result<&'a [Value], TranscriptError> {
    match at_path(document, path) {
        Some(Value::Array(values)) => Ok(values),
        None | Some(Value::Null) => Err(error_at(lines.array.unwrap_or(1), missing)),
        Some(other) => Err(error_at(
            lines.array.unwrap_or(1),
            format!(
                "`{}` must be an array, found {}",
                path.join("."),
                kind(other)
            ),
        )),
    }
}

/// One element of an export's array as an object, or an error naming the line.
pub(super) fn element<'a>(
    value: &'a Value,
    what: &str,
    index: usize,
    line: usize,
) -> Result<&'a Map<String, Value>, TranscriptError> {
    match value {
        Value::Object(fields) => Ok(fields),
        other => Err(error_at(
            line,
            format!(
                "{what} {index} (counted from 0) must be an object, found {}",
                kind(other)
            ),
        )),
    }
}

/// An error about element `index` of an export's array.
pub(super) fn element_error(
    what: &str,
    index: usize,
    line: usize,
    problem: String,
) -> TranscriptError {
    error_at(line, format!("{what} {index} (counted from 0): {problem}"))
}

/// Start and end checked against each other.
pub(super) fn span(
    start: Option<f64>,
    end: Option<f64>,
) -> Result<(Option<f64>, Option<f64>), String> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => {
            Err("the end time is before the start time".to_string())
        }
        _ => Ok((start, end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_array_element_lines() {
        let input = "{\n \"results\": {\n  \"transcripts\": [{\"transcript\": \"a [ , {\"}],\n  \"items\": [\n   {\"a\": 1},\n   {\"b\": [1,\n 2]}, 3,\n\n   \"x\"\n  ]\n }\n}";
        assert_eq!(
            array_lines(input, &["results", "items"]),
            ArrayLines {
                array: Some(4),
                elements: vec![5, 6, 7, 9]
            }
        );
        assert_eq!(
            array_lines(input, &["results", "transcripts"]).elements,
            vec![3]
        );
    }

    #[test]
    fn ignores_same_keys_off_the_path() {
        let input = "{\"meta\": {\"segments\": [1, 2]},\n\"list\": [{\"segments\": [3]}],\n\"segments\": [\n{},\n{}]}";
        assert_eq!(
            array_lines(input, &["segments"]),
            ArrayLines {
                array: Some(3),
                elements: vec![4, 5]
            }
        );
    }

    #[test]
    fn the_last_duplicate_key_counts_and_escaped_keys_read() {
        let input = "{\"segm\\u0065nts\": [{}],\n\"segments\": [\n{},\n{}]}";
        assert_eq!(array_lines(input, &["segments"]).elements, vec![3, 4]);
        let input = "{\"segm\\u0065nts\": [\n{}]}";
        assert_eq!(array_lines(input, &["segments"]).elements, vec![2]);
    }

    #[test]
    fn missing_or_non_array_paths_find_nothing() {
        for input in [
            "{}",
            "[{\"segments\": [1]}]",
            "{\"segments\": {\"0\": 1}}",
            "{\"segments\": \"[1, 2]\"}",
            "",
        ] {
            assert_eq!(
                array_lines(input, &["segments"]).elements,
                Vec::<usize>::new(),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn time_fields_take_numbers_and_numeric_strings() {
        let fields: Map<String, Value> = serde_json::from_str(
            r#"{"a": 1.5, "b": "0.04", "c": null, "d": -1, "e": "x", "f": true, "g": 45400}"#,
        )
        .unwrap();
        assert_eq!(time_field(&fields, "a", 1.0), Ok(Some(1.5)));
        assert_eq!(time_field(&fields, "b", 1.0), Ok(Some(0.04)));
        assert_eq!(time_field(&fields, "c", 1.0), Ok(None));
        assert_eq!(time_field(&fields, "missing", 1.0), Ok(None));
        assert_eq!(
            time_field(&fields, "d", 1.0),
            Err("`d` must not be negative".to_string())
        );
        assert_eq!(
            time_field(&fields, "e", 1.0),
            Err("`e` must be a finite number".to_string())
        );
        assert_eq!(
            time_field(&fields, "f", 1.0),
            Err("`f` must be a number of seconds, found a boolean".to_string())
        );
        assert_eq!(time_field(&fields, "g", 1000.0), Ok(Some(45.4)));
    }

    #[test]
    fn duration_fields_take_google_strings_and_objects() {
        let fields: Map<String, Value> = serde_json::from_str(
            r#"{"a": "1.500s", "b": "3s", "c": {"seconds": "2", "nanos": 500000000}, "d": {"nanos": 100000000}, "e": "1.5", "f": "-1s", "g": 2, "h": null}"#,
        )
        .unwrap();
        assert_eq!(duration_field(&fields, "a"), Ok(Some(1.5)));
        assert_eq!(duration_field(&fields, "b"), Ok(Some(3.0)));
        assert_eq!(duration_field(&fields, "c"), Ok(Some(2.5)));
        assert_eq!(duration_field(&fields, "d"), Ok(Some(0.1)));
        assert_eq!(duration_field(&fields, "h"), Ok(None));
        assert_eq!(duration_field(&fields, "none"), Ok(None));
        for bad in ["e", "f"] {
            assert_eq!(
                duration_field(&fields, bad),
                Err(format!(
                    "`{bad}` must be a non-negative duration such as \"1.500s\""
                ))
            );
        }
        assert!(duration_field(&fields, "g").is_err());
    }

    #[test]
    fn speaker_fields_take_strings_and_numbers() {
        let fields: Map<String, Value> =
            serde_json::from_str(r#"{"a": " SPEAKER_00 ", "b": 1, "c": "", "d": [1]}"#).unwrap();
        assert_eq!(
            speaker_field(&fields, "a", "Speaker "),
            Ok(Some("SPEAKER_00".to_string()))
        );
        assert_eq!(
            speaker_field(&fields, "b", "Speaker "),
            Ok(Some("Speaker 1".to_string()))
        );
        assert_eq!(speaker_field(&fields, "c", "Speaker "), Ok(None));
        assert_eq!(speaker_field(&fields, "none", "Speaker "), Ok(None));
        assert!(speaker_field(&fields, "d", "Speaker ").is_err());
    }
}
