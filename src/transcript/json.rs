//! The canonical JSON transcript format:
//! `{"turns":[{"speaker":"…","text":"…","role"?:"learner|customer|other","start"?:s,"end"?:s}]}`.
//!
//! Unknown fields are ignored because real exports carry extras (ids,
//! confidences, metadata); known fields must have the right type. `null` in an
//! optional field (`role`, `start`, `end`) means the field is absent, as
//! exporters commonly write it. Text is kept exactly as given, whitespace
//! included, because evidence offsets index into it; whitespace-only turns are
//! kept too, so that turn numbers match the input.
//!
//! Turn numbers in errors are 0-based positions in the `turns` array, and the
//! messages say so; they name fields, never the text or values.

use super::json_doc::{array_lines, kind};
use super::{RawTurn, Role, TranscriptError};
use serde_json::{Map, Value};

const EXPECTED_SHAPE: &str = r#"expected a JSON object with a `turns` array, e.g. {"turns":[{"speaker":"Agent","text":"Hello"}]}"#;

/// Reads the canonical JSON format into turns. ([`super::parse_with`] parses
/// the document once for sniffing and calls [`parse_document`].)
#[cfg(test)]
pub fn parse(input: &str) -> Result<Vec<RawTurn>, TranscriptError> {
    if input.trim().is_empty() {
        return Err(TranscriptError::Empty);
    }
    let document: Value = serde_json::from_str(input).map_err(syntax_error)?;
    parse_document(input, &document)
}

/// Reads the canonical format from `input` already parsed into `document`.
pub(super) fn parse_document(
    input: &str,
    document: &Value,
) -> Result<Vec<RawTurn>, TranscriptError> {
    let positions = array_lines(input, &["turns"]);

    let Value::Object(root) = document else {
        return Err(TranscriptError::Syntax {
            line: first_value_line(input),
            message: format!("{EXPECTED_SHAPE}, found {}", kind(document)),
        });
    };
    let turns = match root.get("turns") {
        Some(Value::Array(turns)) => turns,
        Some(other) => {
            return Err(TranscriptError::Syntax {
                line: positions.array.unwrap_or(1),
                message: format!("`turns` must be an array, found {}", kind(other)),
            });
        }
        None => {
            return Err(TranscriptError::Syntax {
                line: first_value_line(input),
                message: format!("{EXPECTED_SHAPE}; the `turns` field is missing"),
            });
        }
    };
    if turns.is_empty() {
        return Err(TranscriptError::Empty);
    }

    turns
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let line = positions.elements.get(index).copied();
            read_turn(value, line).map_err(|problem| TranscriptError::InvalidTurn {
                turn: index,
                message: match line {
                    Some(line) => format!(
                        "{problem} (turns are counted from 0 in the `turns` array; this one starts on line {line})"
                    ),
                    None => format!("{problem} (turns are counted from 0 in the `turns` array)"),
                },
            })
        })
        .collect()
}

/// One element of `turns`, or what is wrong with it.
fn read_turn(value: &Value, line: Option<usize>) -> Result<RawTurn, String> {
    let Value::Object(fields) = value else {
        return Err(format!(
            "expected an object with `speaker` and `text`, found {}",
            kind(value)
        ));
    };

    let speaker = match fields.get("speaker") {
        None => return Err("`speaker` is missing".to_string()),
        Some(Value::String(speaker)) => speaker.trim(),
        Some(other) => return Err(format!("`speaker` must be a string, found {}", kind(other))),
    };
    if speaker.is_empty() {
        return Err("`speaker` is empty".to_string());
    }

    let text = match fields.get("text") {
        None => return Err("`text` is missing".to_string()),
        Some(Value::String(text)) => text.clone(),
        Some(other) => return Err(format!("`text` must be a string, found {}", kind(other))),
    };

    let role =
        match fields.get("role") {
            None | Some(Value::Null) => None,
            Some(Value::String(role)) => Some(Role::parse(role).ok_or_else(|| {
                "`role` must be \"learner\", \"customer\" or \"other\"".to_string()
            })?),
            Some(other) => return Err(format!("`role` must be a string, found {}", kind(other))),
        };

    let start = read_time(fields, "start")?;
    let end = read_time(fields, "end")?;
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            return Err("`end` is before `start`".to_string());
        }
    }

    Ok(RawTurn {
        speaker: speaker.to_string(),
        role,
        text,
        start,
        end,
        line: line.unwrap_or(1),
    })
}

/// A time in seconds: absent, or a finite number that is not negative.
fn read_time(fields: &Map<String, Value>, name: &str) -> Result<Option<f64>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => match number.as_f64() {
            Some(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(Some(seconds)),
            Some(seconds) if seconds.is_finite() => Err(format!("`{name}` must not be negative")),
            _ => Err(format!("`{name}` must be a finite number of seconds")),
        },
        Some(other) => Err(format!(
            "`{name}` must be a number of seconds, found {}",
            kind(other)
        )),
    }
}

/// serde_json's syntax messages describe the grammar, not the content, so
/// they are safe to show; its position suffix moves into our own fields.
pub(super) fn syntax_error(error: serde_json::Error) -> TranscriptError {
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(at) => format!("{} (column {})", &full[..at], error.column()),
        None => full,
    };
    TranscriptError::Syntax {
        line: error.line().max(1),
        message: format!("invalid JSON: {message}"),
    }
}

fn first_value_line(input: &str) -> usize {
    let leading = input.len() - input.trim_start().len();
    1 + input[..leading].matches('\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::json_doc::ArrayLines;
    use Role::{Customer as C, Learner as L, Other as O};

    fn invalid(turn: usize, line: usize, problem: &str) -> TranscriptError {
        TranscriptError::InvalidTurn {
            turn,
            message: format!(
                "{problem} (turns are counted from 0 in the `turns` array; this one starts on line {line})"
            ),
        }
    }

    #[test]
    fn parses_the_canonical_format() {
        let input = r#"{
  "turns": [
    {"speaker": "Agent", "text": "Hello, how can I help?", "role": "learner", "start": 0, "end": 2.5},
    {
      "speaker": " Sam ",
      "text": "  My order is late.\n",
      "role": "Customer"
    },
    {"speaker": "Lee", "text": "", "role": "other", "start": 3.25},
    {"speaker": "Agent", "text": "   ", "role": null, "start": null, "end": 7}
  ]
}"#;
        let expected = vec![
            RawTurn {
                speaker: "Agent".to_string(),
                role: Some(L),
                text: "Hello, how can I help?".to_string(),
                start: Some(0.0),
                end: Some(2.5),
                line: 3,
            },
            RawTurn {
                speaker: "Sam".to_string(),
                role: Some(C),
                text: "  My order is late.\n".to_string(),
                start: None,
                end: None,
                line: 4,
            },
            RawTurn {
                speaker: "Lee".to_string(),
                role: Some(O),
                text: String::new(),
                start: Some(3.25),
                end: None,
                line: 9,
            },
            RawTurn {
                speaker: "Agent".to_string(),
                role: None,
                text: "   ".to_string(),
                start: None,
                end: Some(7.0),
                line: 10,
            },
        ];
        assert_eq!(parse(input), Ok(expected));
    }

    #[test]
    fn ignores_unknown_fields_everywhere() {
        let input = r#"{"version": 2, "meta": {"turns": [1]}, "turns": [
            {"speaker": "Agent", "text": "Hi", "confidence": 0.9, "words": [{"w": "Hi"}], "id": null}
        ], "extra": "x"}"#;
        let turns = parse(input).unwrap();
        assert_eq!(turns.len(), 1);
        assert_eq!(
            (
                turns[0].speaker.as_str(),
                turns[0].text.as_str(),
                turns[0].line
            ),
            ("Agent", "Hi", 2)
        );
    }

    #[test]
    fn keeps_text_exactly() {
        let input = r#"{"turns":[{"speaker":"A","text":"caf\u00e9 \"quoted\"\ttab  "}]}"#;
        assert_eq!(parse(input).unwrap()[0].text, "café \"quoted\"\ttab  ");
    }

    #[test]
    fn rejects_bad_turns_with_their_index() {
        let cases: &[(&str, &str)] = &[
            (r#"{"text": "hi"}"#, "`speaker` is missing"),
            (r#"{"speaker": "  ", "text": "hi"}"#, "`speaker` is empty"),
            (
                r#"{"speaker": 7, "text": "hi"}"#,
                "`speaker` must be a string, found a number",
            ),
            (
                r#"{"speaker": null, "text": "hi"}"#,
                "`speaker` must be a string, found null",
            ),
            (r#"{"speaker": "A"}"#, "`text` is missing"),
            (
                r#"{"speaker": "A", "text": null}"#,
                "`text` must be a string, found null",
            ),
            (
                r#"{"speaker": "A", "text": ["hi"]}"#,
                "`text` must be a string, found an array",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "role": "agent"}"#,
                "`role` must be \"learner\", \"customer\" or \"other\"",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "role": 1}"#,
                "`role` must be a string, found a number",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "start": -1}"#,
                "`start` must not be negative",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "end": -0.5}"#,
                "`end` must not be negative",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "start": "1.5"}"#,
                "`start` must be a number of seconds, found a string",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "end": true}"#,
                "`end` must be a number of seconds, found a boolean",
            ),
            (
                r#"{"speaker": "A", "text": "hi", "start": 5, "end": 4.5}"#,
                "`end` is before `start`",
            ),
            (
                r#""Agent: hi""#,
                "expected an object with `speaker` and `text`, found a string",
            ),
            (
                "[]",
                "expected an object with `speaker` and `text`, found an array",
            ),
        ];
        for (bad_turn, problem) in cases {
            let input = format!(
                "{{\"turns\": [\n  {{\"speaker\": \"Agent\", \"text\": \"ok\"}},\n  {bad_turn}\n]}}"
            );
            assert_eq!(
                parse(&input),
                Err(invalid(1, 3, problem)),
                "turn {bad_turn}"
            );
        }
    }

    #[test]
    fn equal_start_and_end_are_fine() {
        let turns =
            parse(r#"{"turns":[{"speaker":"A","text":"hi","start":1.5,"end":1.5}]}"#).unwrap();
        assert_eq!((turns[0].start, turns[0].end), (Some(1.5), Some(1.5)));
    }

    #[test]
    fn invalid_turn_messages_never_quote_values() {
        let input = r#"{"turns":[{"speaker":"A","text":"hi","role":"secret-role"},{"speaker":"B","text":5}]}"#;
        let error = parse(input).unwrap_err();
        assert_eq!(
            error,
            invalid(
                0,
                1,
                "`role` must be \"learner\", \"customer\" or \"other\""
            )
        );
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn wrong_document_shapes_are_syntax_errors() {
        let shape = EXPECTED_SHAPE;
        let cases: Vec<(&str, usize, String)> = vec![
            ("\n[1, 2]", 2, format!("{shape}, found an array")),
            ("\"text\"", 1, format!("{shape}, found a string")),
            (
                "{\"Turns\": []}",
                1,
                format!("{shape}; the `turns` field is missing"),
            ),
            (
                "{\n\"turns\":\n {}}",
                3,
                "`turns` must be an array, found an object".to_string(),
            ),
            (
                "{\"turns\": \"Agent: hi\"}",
                1,
                "`turns` must be an array, found a string".to_string(),
            ),
            (
                "{\"turns\": null}",
                1,
                "`turns` must be an array, found null".to_string(),
            ),
        ];
        for (input, line, message) in cases {
            assert_eq!(
                parse(input),
                Err(TranscriptError::Syntax { line, message }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn json_syntax_errors_carry_serde_json_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "{\"turns\": [\n{\"speaker\": \"A\",\n\"text\": \"hi\" \"x\"}]}",
                3,
                "invalid JSON: expected `,` or `}` (column 14)",
            ),
            (
                "{\"turns\": [\n",
                2,
                "invalid JSON: EOF while parsing a list (column 0)",
            ),
            (
                "{\"turns\": []} trailing",
                1,
                "invalid JSON: trailing characters (column 15)",
            ),
        ];
        for (input, line, message) in cases {
            assert_eq!(
                parse(input),
                Err(TranscriptError::Syntax {
                    line: *line,
                    message: message.to_string()
                }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn syntax_errors_never_quote_the_transcript() {
        let error =
            parse("{\"turns\": [{\"speaker\": \"A\", \"text\": \"secret\" secret}]}").unwrap_err();
        assert!(
            matches!(error, TranscriptError::Syntax { line: 1, .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn empty_inputs_are_empty() {
        for input in [
            "",
            "  \n",
            "{\"turns\": []}",
            "{\"turns\": [ ]  , \"x\": 1}",
        ] {
            assert_eq!(parse(input), Err(TranscriptError::Empty), "input {input:?}");
        }
    }

    #[test]
    fn scan_finds_turn_lines_past_strings_and_nesting() {
        let input = "{\"meta\": {\"turns\": [\n1]},\n \"note\": \"a [ \\\" { , \\n\",\n\"turns\"\n:\n[\n\"x\", {\"a\": [1,\n2]},\n\n[3], 4\n]}";
        assert_eq!(
            array_lines(input, &["turns"]),
            ArrayLines {
                array: Some(6),
                elements: vec![7, 7, 10, 10]
            }
        );
    }

    #[test]
    fn scan_reads_escaped_keys_and_takes_the_last_duplicate() {
        let input = "{\"tu\\u0072ns\": [{}],\n\"turns\": [\n{},\n{}]}";
        assert_eq!(
            array_lines(input, &["turns"]),
            ArrayLines {
                array: Some(2),
                elements: vec![3, 4]
            }
        );
        // serde_json keeps the last duplicate too, so lines match the turns parsed.
        let turns = parse("{\"turns\": [{\"speaker\":\"A\",\"text\":\"1\"}],\n\"turns\": [\n{\"speaker\":\"B\",\"text\":\"2\"}]}").unwrap();
        assert_eq!(
            (turns.len(), turns[0].speaker.as_str(), turns[0].line),
            (1, "B", 3)
        );
    }

    #[test]
    fn multibyte_text_does_not_confuse_the_scan() {
        let input = "{\"turns\": [{\"speaker\": \"Zoë\", \"text\": \"日本語 \\\\\"},\n{\"speaker\": \"Ana\", \"text\": \"ñ\"}]}";
        let turns = parse(input).unwrap();
        assert_eq!(turns.iter().map(|t| t.line).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(turns[0].text, "日本語 \\");
    }
}
