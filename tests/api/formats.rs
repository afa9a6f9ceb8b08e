//! One role-play saved by every tool rolemark reads, scored end to end through the CLI and
//! the API: every file gives the same outcomes and the same quotes, with the
//! same times where its format carries them, and the service answers exactly
//! what the command line prints.

use crate::helpers::spawn_app;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

const RUBRIC: &str = "challenging-customers";
const LEARNER: &str = "Priya Shah";
/// The file every other is compared with.
const REFERENCE: &str = "refund.json";
/// Diarised exports label speakers `spk_0`, `A`...: the learner is guessed.
const DIARISED: [&str; 10] = [
    "refund-whisperx.json",
    "refund-whisper.json",
    "refund-aws.json",
    "refund-deepgram.json",
    "refund-deepgram-words.json",
    "refund-deepgram-paragraphs.json",
    "refund-assemblyai.json",
    "refund-google-stt.json",
    "refund-azure.json",
    "refund-rev.json",
];
/// Call Analytics and Contact Lens state AGENT and CUSTOMER roles themselves.
const ROLES_STATED: [&str; 2] = ["refund-aws-analytics.json", "refund-contact-lens.json"];
/// Chat, Zoom and Otter text give times to the second or minute, not offsets.
const CLOCK_TIMES: [&str; 3] = ["refund-chat.txt", "refund-zoom.txt", "refund-otter.txt"];
/// Google Meet's time lines mark sections, not turns.
const UNTIMED: [&str; 2] = ["refund.txt", "refund-google-meet.txt"];

fn fixtures() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("fixtures directory")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("refund"))
        })
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("fixture reads");
            (name, text)
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 23, "every format's fixture is here");
    files
}

fn needs_learner(file: &str) -> bool {
    !DIARISED.contains(&file) && !ROLES_STATED.contains(&file)
}

fn score_with_cli(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file);
    let mut command = Command::new(env!("CARGO_BIN_EXE_rolemark"));
    command.args(["score", "--rubric", RUBRIC]);
    if needs_learner(file) {
        command.args(["--learner", LEARNER]);
    }
    let output = command.arg(&path).output().expect("rolemark runs");
    assert!(
        output.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("CLI prints JSON")
}

/// Submits the file unchanged, as its tool saved it: caption and text files as
/// raw bodies of their media type, JSON exports inside a score request.
fn score_with_api(app: &crate::helpers::TestApp, file: &str, text: &str) -> Value {
    let learner = needs_learner(file).then_some(LEARNER);
    let reply = if file.ends_with(".json") {
        let document: Value = serde_json::from_str(text).expect("fixture is JSON");
        let mut request = json!({ "rubric": RUBRIC, "transcript": document });
        if let Some(learner) = learner {
            request["learner"] = json!(learner);
        }
        app.score_json(&request)
    } else {
        let media_type = match file.rsplit('.').next() {
            Some("vtt") => "text/vtt",
            Some("srt") => "application/x-subrip",
            _ => "text/plain; charset=utf-8",
        };
        let mut query = format!("rubric={RUBRIC}");
        if let Some(learner) = learner {
            query.push_str(&format!("&learner={}", learner.replace(' ', "%20")));
        }
        app.score_raw(media_type, &query, text)
    };
    assert_eq!(reply.status, 200, "{file}: {}", reply.text());
    reply.json()
}

/// What an assessor reads: each criterion's outcome, score and evidence, with
/// roles rather than speaker labels (diarised files name speakers `spk_0`).
fn marking(assessment: &Value, with_times: bool) -> Value {
    let quote = |q: &Value| {
        let mut shown = json!({
            "turn": q["turn"], "role": q["role"], "quote": q["quote"],
            "start": q["start"], "end": q["end"],
        });
        if with_times {
            shown["time"] = q["time"].clone();
        }
        shown
    };
    let criteria: Vec<Value> = assessment["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| {
            let evidence: Vec<Value> = c["evidence"]
                .as_array()
                .expect("evidence")
                .iter()
                .map(|e| {
                    json!({
                        "rule": e["rule"], "cue": e["cue"], "polarity": e["polarity"],
                        "quote": quote(e),
                        "responds_to": if e["responds_to"].is_null() { Value::Null } else { quote(&e["responds_to"]) },
                    })
                })
                .collect();
            json!({ "id": c["id"], "outcome": c["outcome"], "score": c["score"], "evidence": evidence })
        })
        .collect();
    json!({ "overall": assessment["overall"], "criteria": criteria })
}

#[test]
fn every_format_gives_the_same_outcomes_and_quotes_through_the_cli_and_the_api() {
    let app = spawn_app();
    let files = fixtures();
    let mut reference = None;
    let mut results = Vec::new();
    for (file, text) in &files {
        let mut from_cli = score_with_cli(file);
        let mut from_api = score_with_api(&app, file, text);
        if file.ends_with(".json") {
            // The digest is of the transcript as received: the CLI read the
            // file, the API the document as this test re-wrote it.
            assert_eq!(
                from_api["audit"]["transcript_sha256"]
                    .as_str()
                    .unwrap()
                    .len(),
                64
            );
            for assessment in [&mut from_cli, &mut from_api] {
                assessment["audit"]["transcript_sha256"] = Value::Null;
            }
        }
        assert_eq!(from_cli, from_api, "{file}: the CLI and the API agree");
        let input = &from_api["input"];
        assert_eq!(input["turns"], 12, "{file}");
        assert_eq!(input["timed"], !UNTIMED.contains(&file.as_str()), "{file}");
        assert_eq!(
            input["roles_guessed"].is_object(),
            DIARISED.contains(&file.as_str()),
            "{file}: a guess is reported exactly when roles were guessed"
        );
        if file == REFERENCE {
            reference = Some(from_api.clone());
        }
        results.push((file, from_api));
    }
    let reference = reference.expect("the reference fixture");
    let met = reference["overall"]["met"].as_u64().expect("met count");
    assert!(met >= 4, "the role-play meets several criteria: {met}");
    for (file, assessment) in &results {
        let with_times = !CLOCK_TIMES.contains(&file.as_str()) && !UNTIMED.contains(&file.as_str());
        assert_eq!(
            marking(assessment, with_times),
            marking(&reference, with_times),
            "{file} marks as {REFERENCE} does"
        );
    }
}

#[test]
fn keeping_cues_is_an_option_of_both_the_cli_and_the_api() {
    let app = spawn_app();
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refund-teams.vtt"),
    )
    .expect("fixture reads");
    let raw = app.score_raw(
        "text/vtt",
        "rubric=heat&learner=Priya%20Shah&keep_cues=true&include_transcript=false",
        &text,
    );
    assert_eq!(raw.status, 200, "{}", raw.text());
    let kept = raw.json()["input"]["turns"].as_u64().expect("turns");
    assert!(kept > 12, "cues kept apart: {kept}");

    let request = json!({
        "rubric": "heat", "transcript_text": text, "learner": LEARNER,
        "keep_cues": true, "include_transcript": false,
    });
    let from_json = app.score_json(&request);
    assert_eq!(from_json.status, 200, "{}", from_json.text());
    assert_eq!(from_json.json(), raw.json());

    let output = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args([
            "score",
            "--rubric",
            "heat",
            "--learner",
            LEARNER,
            "--keep-cues",
            "--no-transcript",
        ])
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refund-teams.vtt"))
        .output()
        .expect("rolemark runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let from_cli: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(from_cli, raw.json());
}
