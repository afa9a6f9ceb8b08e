//! AWS Transcribe JSON: standard jobs, whose turns are rebuilt from the word
//! `results.items`, and Call Analytics jobs and Amazon Connect Contact Lens
//! post-call files, whose `Transcript` array already holds turns with AGENT
//! and CUSTOMER roles.
//!
//! A word's speaker comes from its own `speaker_label` (or `channel_label`),
//! else from the `results.speaker_labels.segments` span containing its start
//! time, else from the `results.channel_labels` item with the same times.
//! Numbers may be strings (AWS writes `"0.04"`). Punctuation items carry no
//! times and attach to the word before them without a space. Words that no
//! label covers continue the speaker before them.

use super::json_doc::{
    array_at, array_lines, at_path, element, element_error, error_at, span, text_field, time_field,
};
use super::{widen, RawTurn, Role, TranscriptError};
use serde_json::{Map, Value};
use std::collections::HashMap;

const NOT_DIARISED: &str = "the AWS Transcribe output has no speaker or channel labels, so it \
     does not say who is speaking; run the job with speaker identification \
     (`ShowSpeakerLabels`) or channel identification";
const EXPECTED_SHAPE: &str = "expected AWS Transcribe JSON with `results.items`, or Call \
     Analytics JSON with a `Transcript` array";

/// Reads AWS Transcribe or Call Analytics output into turns.
pub fn parse(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    if document.get("Transcript").is_some() {
        return call_analytics(input, document);
    }
    let lines = array_lines(input, &["results", "items"]);
    let items = array_at(document, &["results", "items"], &lines, EXPECTED_SHAPE)?;
    let segments = speaker_segments(document);
    let channels = channel_items(document);

    let mut turns: Vec<RawTurn> = Vec::new();
    let mut labelled = false;
    for (index, value) in items.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("item", index, line, problem);
        let fields = element(value, "item", index, line)?;
        let content = fields
            .get("alternatives")
            .and_then(|alternatives| alternatives.get(0))
            .and_then(|best| best.get("content"))
            .and_then(Value::as_str)
            .ok_or_else(|| fail("`alternatives[0].content` is missing or not a string".into()))?
            .trim();
        let start = time_field(fields, "start_time", 1.0).map_err(fail)?;
        let end = time_field(fields, "end_time", 1.0).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let punctuation =
            start.is_none() || fields.get("type").and_then(Value::as_str) == Some("punctuation");
        if content.is_empty() {
            continue;
        }
        if punctuation {
            if let Some(turn) = turns.last_mut() {
                turn.text.push_str(content);
            }
            continue;
        }

        let speaker = label(fields, "speaker_label")
            .or_else(|| label(fields, "channel_label"))
            .or_else(|| start.and_then(|start| segment_at(&segments, start)))
            .or_else(|| channels.get(&time_key(start, end)).cloned());
        labelled |= speaker.is_some();
        // Words before the first label wait in a turn with no speaker yet,
        // which the first label then names.
        let continues = match (turns.last(), &speaker) {
            (Some(turn), Some(speaker)) => turn.speaker.is_empty() || turn.speaker == *speaker,
            (Some(_), None) => true,
            (None, _) => false,
        };
        match turns.last_mut() {
            Some(turn) if continues => {
                if let Some(speaker) = speaker {
                    turn.speaker = speaker;
                }
                add_word(turn, content, start, end);
            }
            _ => turns.push(RawTurn {
                speaker: speaker.unwrap_or_default(),
                role: None,
                text: content.to_string(),
                start,
                end,
                line,
            }),
        }
    }
    if turns.is_empty() {
        return Err(TranscriptError::Empty);
    }
    if !labelled {
        return Err(error_at(lines.array.unwrap_or(1), NOT_DIARISED));
    }
    Ok(turns)
}

// A turn spans all its words: items need not come in time order (edited or
// concatenated exports), and a turn must never end before it starts.
fn add_word(turn: &mut RawTurn, word: &str, start: Option<f64>, end: Option<f64>) {
    if !turn.text.is_empty() {
        turn.text.push(' ');
    }
    turn.text.push_str(word);
    widen(&mut turn.start, &mut turn.end, [start, end]);
}

fn label(fields: &Map<String, Value>, name: &str) -> Option<String> {
    fields
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|label| !label.is_empty())
        .map(str::to_string)
}

/// `results.speaker_labels.segments` as (start, end, label), sorted by start.
/// Malformed segments are skipped: they only help place words.
fn speaker_segments(document: &Value) -> Vec<(f64, f64, String)> {
    let Some(Value::Array(segments)) =
        at_path(document, &["results", "speaker_labels", "segments"])
    else {
        return Vec::new();
    };
    let mut found: Vec<(f64, f64, String)> = segments
        .iter()
        .filter_map(|segment| {
            let fields = segment.as_object()?;
            let start = time_field(fields, "start_time", 1.0).ok()??;
            let end = time_field(fields, "end_time", 1.0).ok()??;
            Some((start, end, label(fields, "speaker_label")?))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found
}

/// The label of the last segment starting at or before `time` that still covers it.
fn segment_at(segments: &[(f64, f64, String)], time: f64) -> Option<String> {
    let after = segments.partition_point(|(start, _, _)| *start <= time);
    let (_, end, label) = segments.get(after.checked_sub(1)?)?;
    (time <= *end).then(|| label.clone())
}

/// Items under `results.channel_labels.channels`, keyed by their times.
fn channel_items(document: &Value) -> HashMap<(u64, u64), String> {
    let mut found = HashMap::new();
    let Some(Value::Array(channels)) =
        at_path(document, &["results", "channel_labels", "channels"])
    else {
        return found;
    };
    for channel in channels.iter().filter_map(Value::as_object) {
        let Some(name) = label(channel, "channel_label") else {
            continue;
        };
        let Some(Value::Array(items)) = channel.get("items") else {
            continue;
        };
        for item in items.iter().filter_map(Value::as_object) {
            let start = time_field(item, "start_time", 1.0).ok().flatten();
            let end = time_field(item, "end_time", 1.0).ok().flatten();
            if start.is_some() {
                found.insert(time_key(start, end), name.clone());
            }
        }
    }
    found
}

fn time_key(start: Option<f64>, end: Option<f64>) -> (u64, u64) {
    (
        start.map_or(u64::MAX, f64::to_bits),
        end.map_or(u64::MAX, f64::to_bits),
    )
}

/// Call Analytics and Contact Lens: `Transcript` entries with `Content`,
/// `BeginOffsetMillis` and `EndOffsetMillis`, and either their own
/// `ParticipantRole` (Call Analytics) or a `ParticipantId` whose role the
/// top-level `Participants` list gives (Contact Lens, version 1.1.0). AGENT is
/// the learner. Contact Lens's own interruption and loudness figures are not
/// read: interruptions are seen from the entries' overlapping times, as for
/// every timed format.
fn call_analytics(input: &str, document: &Value) -> Result<Vec<RawTurn>, TranscriptError> {
    let lines = array_lines(input, &["Transcript"]);
    let entries = array_at(document, &["Transcript"], &lines, EXPECTED_SHAPE)?;
    let roles = participant_roles(document);
    let mut turns = Vec::with_capacity(entries.len());
    for (index, value) in entries.iter().enumerate() {
        let line = lines.of(index);
        let fail = |problem| element_error("`Transcript` entry", index, line, problem);
        let fields = element(value, "`Transcript` entry", index, line)?;
        let text = text_field(fields, "Content").map_err(fail)?.trim();
        let start = time_field(fields, "BeginOffsetMillis", 1000.0).map_err(fail)?;
        let end = time_field(fields, "EndOffsetMillis", 1000.0).map_err(fail)?;
        let (start, end) = span(start, end).map_err(fail)?;
        let (speaker, role) = participant(fields, &roles).map_err(fail)?;
        if text.is_empty() {
            continue;
        }
        turns.push(RawTurn {
            speaker,
            role,
            text: text.to_string(),
            start,
            end,
            line,
        });
    }
    if turns.is_empty() {
        return Err(TranscriptError::Empty);
    }
    Ok(turns)
}

/// `Participants` as ParticipantId -> ParticipantRole; entries missing either are skipped.
fn participant_roles(document: &Value) -> HashMap<String, String> {
    let Some(Value::Array(participants)) = document.get("Participants") else {
        return HashMap::new();
    };
    participants
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|fields| {
            Some((
                label(fields, "ParticipantId")?,
                label(fields, "ParticipantRole")?,
            ))
        })
        .collect()
}

/// The speaker label and stated role of one entry: its own `ParticipantRole`,
/// else the role `Participants` gives its `ParticipantId`, else the id itself
/// as a label whose role is settled like any other speaker's.
fn participant(
    fields: &Map<String, Value>,
    roles: &HashMap<String, String>,
) -> Result<(String, Option<Role>), String> {
    let stated = match fields.get("ParticipantRole") {
        None | Some(Value::Null) => None,
        Some(_) => Some(text_field(fields, "ParticipantRole")?.trim()),
    };
    let id = match fields.get("ParticipantId") {
        None | Some(Value::Null) => None,
        Some(_) => Some(text_field(fields, "ParticipantId")?.trim()),
    };
    let role = match (stated, id) {
        (Some(""), _) => return Err("`ParticipantRole` is empty".to_string()),
        (Some(role), _) => role,
        (None, Some("")) => return Err("`ParticipantId` is empty".to_string()),
        (None, Some(id)) => match roles.get(id) {
            Some(role) => role.as_str(),
            None => return Ok((id.to_string(), None)),
        },
        (None, None) => {
            return Err("`ParticipantRole` and `ParticipantId` are both missing; \
                 give each entry one, with roles for ids in `Participants`"
                .to_string())
        }
    };
    Ok(match role.to_ascii_uppercase().as_str() {
        "AGENT" => ("Agent".to_string(), Some(Role::Learner)),
        "CUSTOMER" => ("Customer".to_string(), Some(Role::Customer)),
        _ => (role.to_string(), None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Summary = (
        String,
        Option<Role>,
        String,
        Option<f64>,
        Option<f64>,
        usize,
    );

    fn run(input: &str) -> Result<Vec<Summary>, TranscriptError> {
        let document: Value = serde_json::from_str(input).unwrap();
        parse(input, &document).map(|turns| {
            turns
                .into_iter()
                .map(|t| (t.speaker, t.role, t.text, t.start, t.end, t.line))
                .collect()
        })
    }

    fn turn(speaker: &str, text: &str, start: f64, end: f64, line: usize) -> Summary {
        (
            speaker.to_string(),
            None,
            text.to_string(),
            Some(start),
            Some(end),
            line,
        )
    }

    fn word(content: &str, start: &str, end: &str, speaker: Option<&str>) -> String {
        let speaker = speaker.map_or(String::new(), |s| format!(", \"speaker_label\": \"{s}\""));
        format!("{{\"start_time\": \"{start}\", \"end_time\": \"{end}\", \"alternatives\": [{{\"confidence\": \"0.99\", \"content\": \"{content}\"}}], \"type\": \"pronunciation\"{speaker}}}")
    }

    fn punct(content: &str) -> String {
        format!("{{\"alternatives\": [{{\"confidence\": \"0.0\", \"content\": \"{content}\"}}], \"type\": \"punctuation\"}}")
    }

    fn document(items: &[String], extra: &str) -> String {
        format!("{{\"jobName\": \"x\", \"results\": {{\"transcripts\": [{{\"transcript\": \"x\"}}],{extra}\n\"items\": [\n{}\n]}}, \"status\": \"COMPLETED\"}}", items.join(",\n"))
    }

    #[test]
    fn rebuilds_turns_from_labelled_items() {
        let items = [
            word("Thank", "0.0", "0.3", Some("spk_0")),
            word("you", "0.3", "0.5", Some("spk_0")),
            punct("."),
            word("Hi", "4.6", "4.9", Some("spk_1")),
            punct(","),
            word("it's", "5.0", "5.3", Some("spk_1")),
            word("late", "5.3", "9.0", None),
            punct("."),
            word("Sorry", "9.5", "10.0", Some("spk_0")),
        ];
        assert_eq!(
            run(&document(&items, "")),
            Ok(vec![
                turn("spk_0", "Thank you.", 0.0, 0.5, 3),
                turn("spk_1", "Hi, it's late.", 4.6, 9.0, 6),
                turn("spk_0", "Sorry", 9.5, 10.0, 11),
            ])
        );
    }

    #[test]
    fn places_unlabelled_items_by_speaker_segments() {
        let items = [
            word("Thank", "0.04", "0.3", None),
            word("you", "0.3", "0.5", None),
            punct("?"),
            word("Hi", "4.6", "4.9", None),
        ];
        let segments = r#""speaker_labels": {"speakers": 2, "segments": [
            {"start_time": "4.5", "end_time": "5.0", "speaker_label": "spk_1", "items": []},
            {"start_time": "0.0", "end_time": "0.6", "speaker_label": "spk_0", "items": []}]},"#;
        assert_eq!(
            run(&document(&items, segments)),
            Ok(vec![
                turn("spk_0", "Thank you?", 0.04, 0.5, 5),
                turn("spk_1", "Hi", 4.6, 4.9, 8),
            ])
        );
    }

    #[test]
    fn places_unlabelled_items_by_channel() {
        let items = [
            word("Hello", "0.0", "0.5", None),
            word("Hi", "1.0", "1.5", None),
        ];
        let channels = r#""channel_labels": {"number_of_channels": 2, "channels": [
            {"channel_label": "ch_0", "items": [{"start_time": "0.0", "end_time": "0.5"}]},
            {"channel_label": "ch_1", "items": [{"start_time": "1.0", "end_time": "1.5"}]}]},"#;
        let got = run(&document(&items, channels)).unwrap();
        let speakers: Vec<&str> = got.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(speakers, vec!["ch_0", "ch_1"]);
        // Labels on items themselves.
        let item = word("Hello", "0.0", "0.5", None)
            .replace("\"type\"", "\"channel_label\": \"ch_1\", \"type\"");
        assert_eq!(run(&document(&[item], "")).unwrap()[0].0, "ch_1");
    }

    #[test]
    fn leading_unlabelled_words_join_the_first_labelled_speaker() {
        let items = [
            word("Hello", "0.0", "0.5", None),
            word("there", "0.5", "1.0", Some("spk_3")),
        ];
        assert_eq!(
            run(&document(&items, "")),
            Ok(vec![turn("spk_3", "Hello there", 0.0, 1.0, 3)])
        );
    }

    #[test]
    fn undiarised_output_and_bad_items_are_errors_naming_lines() {
        let items = [word("secret", "0.0", "0.5", None)];
        assert_eq!(run(&document(&items, "")), Err(error_at(2, NOT_DIARISED)));
        let bad = [word("a", "1.0", "0.5", Some("spk_0"))];
        assert_eq!(
            run(&document(&bad, "")),
            Err(error_at(
                3,
                "item 0 (counted from 0): the end time is before the start time"
            ))
        );
        let bad = ["{\"alternatives\": []}".to_string()];
        assert_eq!(
            run(&document(&bad, "")),
            Err(error_at(
                3,
                "item 0 (counted from 0): `alternatives[0].content` is missing or not a string"
            ))
        );
        assert_eq!(
            run(r#"{"results": {"transcripts": []}}"#),
            Err(error_at(1, EXPECTED_SHAPE))
        );
        assert_eq!(run(&document(&[], "")), Err(TranscriptError::Empty));
    }

    #[test]
    fn reads_call_analytics_turns_with_roles() {
        let input = r#"{"JobStatus": "COMPLETED", "Transcript": [
  {"LoudnessScores": [70.1], "Content": "Thank you for calling.", "Id": "a", "BeginOffsetMillis": 0, "EndOffsetMillis": 4200, "Sentiment": "NEUTRAL", "ParticipantRole": "AGENT"},
  {"Content": " Hi. ", "BeginOffsetMillis": 4600, "EndOffsetMillis": 9000, "ParticipantRole": "CUSTOMER"},
  {"Content": "Joining.", "BeginOffsetMillis": 9000, "EndOffsetMillis": 9500, "ParticipantRole": "SUPERVISOR"}
], "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}]}"#;
        assert_eq!(
            run(input),
            Ok(vec![
                (
                    "Agent".to_string(),
                    Some(Role::Learner),
                    "Thank you for calling.".to_string(),
                    Some(0.0),
                    Some(4.2),
                    2
                ),
                (
                    "Customer".to_string(),
                    Some(Role::Customer),
                    "Hi.".to_string(),
                    Some(4.6),
                    Some(9.0),
                    3
                ),
                (
                    "SUPERVISOR".to_string(),
                    None,
                    "Joining.".to_string(),
                    Some(9.0),
                    Some(9.5),
                    4
                ),
            ])
        );
        let bad = "{\"Transcript\": [\n{\"Content\": \"x\"}]}";
        assert_eq!(
            run(bad),
            Err(error_at(
                2,
                "`Transcript` entry 0 (counted from 0): `ParticipantRole` and `ParticipantId` \
                 are both missing; give each entry one, with roles for ids in `Participants`"
            ))
        );
    }

    #[test]
    fn contact_lens_entries_take_roles_from_participants() {
        // Contact Lens post-call output, version 1.1.0: entries name a
        // `ParticipantId`; the roles are in `Participants`.
        let input = r#"{"Version": "1.1.0", "Channel": "VOICE", "JobStatus": "COMPLETED",
  "Participants": [{"ParticipantId": "CUSTOMER", "ParticipantRole": "CUSTOMER"},
                   {"ParticipantId": "a-1", "ParticipantRole": "AGENT"}],
  "ConversationCharacteristics": {"Interruptions": {"TotalCount": 0}},
  "Transcript": [
  {"BeginOffsetMillis": 0, "Content": "Thank you for calling.", "EndOffsetMillis": 4200, "Id": "x", "ParticipantId": "a-1", "LoudnessScore": [74.1]},
  {"BeginOffsetMillis": 4600, "Content": "Hi.", "EndOffsetMillis": 9000, "ParticipantId": "CUSTOMER"},
  {"BeginOffsetMillis": 9000, "Content": "Joining.", "EndOffsetMillis": 9500, "ParticipantId": "SUPERVISOR-7"}
]}"#;
        let got: Vec<(String, Option<Role>, usize)> = run(input)
            .unwrap()
            .into_iter()
            .map(|t| (t.0, t.1, t.5))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Agent".to_string(), Some(Role::Learner), 6),
                ("Customer".to_string(), Some(Role::Customer), 7),
                ("SUPERVISOR-7".to_string(), None, 8),
            ]
        );
        let bad = "{\"Participants\": [], \"Transcript\": [\n{\"Content\": \"x\", \"ParticipantId\": \" \"}]}";
        assert_eq!(
            run(bad),
            Err(error_at(
                2,
                "`Transcript` entry 0 (counted from 0): `ParticipantId` is empty"
            ))
        );
    }
}
