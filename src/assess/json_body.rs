//! What a JSON body holds: a score request, or a transcript as a vendor or the
//! canonical format wrote it. Integrators post JSON as JSON; an AWS, Deepgram or
//! Whisper file sent as `application/json` is a transcript to score with the
//! query's `rubric`, not a malformed score request.

use super::codes::ErrorCode;
use super::problem::Problem;
use super::wire::SCORE_REQUEST_FIELDS;
use crate::transcript::Format;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// Fields only a score request has: a body that mixes them with a transcript
/// export's own fields could mean either, so it is refused rather than guessed.
const REQUEST_ONLY_FIELDS: [&str; 6] = [
    "rubric",
    "rubric_source",
    "transcript",
    "transcript_text",
    "overrides",
    "scenario",
];

/// What a JSON body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonBody {
    /// Every top-level field is a score request's (or the body is not an object,
    /// which the score request's own parser then explains).
    ScoreRequest,
    /// A transcript rolemark reads: canonical `turns` or a vendor export.
    Transcript(Format),
}

/// Tells a score request from a transcript by the body's top-level fields and,
/// when they are not all a score request's, by the transcript's shape.
pub fn classify(text: &str) -> Result<JsonBody, Problem> {
    // Field names only: values are skipped, not built, so a score request pays
    // for one extra scan and no allocation per value.
    let Ok(fields) = serde_json::from_str::<BTreeMap<String, IgnoredAny>>(text) else {
        return Ok(JsonBody::ScoreRequest);
    };
    let foreign: Vec<&str> = fields
        .keys()
        .map(String::as_str)
        .filter(|name| !SCORE_REQUEST_FIELDS.contains(name))
        .collect();
    if foreign.is_empty() {
        return Ok(JsonBody::ScoreRequest);
    }
    let format = Format::detect(text);
    let transcript = format != Format::Json || fields.contains_key("turns");
    let request_fields: Vec<&str> = REQUEST_ONLY_FIELDS
        .into_iter()
        .filter(|name| fields.contains_key(*name))
        .collect();
    match (transcript, request_fields.is_empty()) {
        (true, true) => Ok(JsonBody::Transcript(format)),
        (true, false) => Err(Problem::new(
            ErrorCode::AmbiguousBody,
            format!(
                "the body mixes a score request's fields ({}) with a {} transcript's ({}): send either a score request with the transcript in `transcript` (any JSON export) or `transcript_text`, or the transcript file alone with `?rubric=ID` in the query string",
                quoted(&request_fields),
                format.name(),
                quoted(&foreign),
            ),
        )),
        (false, _) => Err(Problem::new(
            ErrorCode::InvalidJson,
            format!(
                "the body is neither a score request nor a transcript rolemark reads: {} {} not a score request's field, and the body has no canonical `turns` or a known export's shape; send a score request (`rubric` and `transcript` or `transcript_text`), or a transcript file with `?rubric=ID`",
                quoted(&foreign),
                if foreign.len() == 1 { "is" } else { "are" },
            ),
        )),
    }
}

fn quoted(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut listed: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|name| format!("`{name}`"))
        .collect();
    if names.len() > SHOWN {
        listed.push(format!("and {} more", names.len() - SHOWN));
    }
    listed.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_requests_stay_score_requests() {
        let request = r#"{"rubric": "heat", "transcript_text": "Customer: Hi.\nAgent: Hello."}"#;
        assert_eq!(classify(request).ok(), Some(JsonBody::ScoreRequest));
        // Not an object, or not JSON: the score request parser says what is wrong.
        assert_eq!(classify("[1, 2]").ok(), Some(JsonBody::ScoreRequest));
        assert_eq!(classify("{\"rubric\": ").ok(), Some(JsonBody::ScoreRequest));
    }

    #[test]
    fn transcripts_are_told_by_shape() {
        let canonical = r#"{"turns": [{"speaker": "Customer", "text": "Hi."}]}"#;
        assert_eq!(
            classify(canonical).ok(),
            Some(JsonBody::Transcript(Format::Json))
        );
        let assemblyai = r#"{"id": "x", "status": "completed", "utterances": [{"speaker": "A", "text": "Hi.", "start": 0, "end": 900}]}"#;
        assert_eq!(
            classify(assemblyai).ok(),
            Some(JsonBody::Transcript(Format::AssemblyAi))
        );
        let whisper = r#"{"text": "Hi.", "segments": [{"start": 0.0, "end": 1.0, "text": "Hi.", "speaker": "SPEAKER_00"}]}"#;
        assert_eq!(
            classify(whisper).ok(),
            Some(JsonBody::Transcript(Format::Whisper))
        );
    }

    #[test]
    fn mixtures_and_strangers_say_what_to_send() {
        let mixed = r#"{"rubric": "heat", "jobName": "j", "results": {"items": []}}"#;
        let problem = classify(mixed).unwrap_err();
        assert_eq!(problem.code, ErrorCode::AmbiguousBody);
        assert!(problem.detail.contains("(`rubric`)"), "{}", problem.detail);
        assert!(
            problem.detail.contains("`jobName`, `results`"),
            "{}",
            problem.detail
        );
        let stranger = r#"{"rubric": "heat", "transcrpt_text": "Customer: Hi."}"#;
        let problem = classify(stranger).unwrap_err();
        assert_eq!(problem.code, ErrorCode::InvalidJson);
        assert!(
            problem.detail.contains("`transcrpt_text` is not"),
            "{}",
            problem.detail
        );
    }
}
