//! `POST /v1/score`: every way of sending a transcript gives the engine's own result.

use crate::helpers::{engine_json, golden, hints, spawn_app};
use rolemark::transcript::{Format, Role};
use serde_json::{json, Value};

fn outcome<'a>(assessment: &'a Value, criterion: &str) -> &'a str {
    assessment["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == criterion)
        .unwrap_or_else(|| panic!("no criterion {criterion}"))["outcome"]
        .as_str()
        .expect("outcome")
}

#[test]
fn score_with_a_canonical_json_transcript_equals_the_engine_result() {
    let app = spawn_app();
    // Spliced in as written, so the service reads the very text the engine
    // reads; the final newline is not part of the JSON value the service receives.
    let transcript = golden("good-angry.json").trim_end().to_owned();
    let body = format!(r#"{{"rubric":"challenging-customers","transcript":{transcript}}}"#);

    let reply = app.score_body(&body);

    reply.expect_engine_result(
        "challenging-customers",
        &transcript,
        Some(Format::Json),
        &hints(None, &[]),
        true,
    );
    assert!(
        reply.content_type().starts_with("application/json"),
        "{}",
        reply.content_type()
    );
}

#[test]
fn score_with_a_canonical_json_transcript_gives_the_assessors_outcomes() {
    let app = spawn_app();
    let transcript: Value = serde_json::from_str(&golden("good-angry.json")).unwrap();

    let reply =
        app.score_json(&json!({"rubric": "challenging-customers", "transcript": transcript}));

    let assessment = reply.json();
    assert_eq!(reply.status, 200);
    assert_eq!(assessment["rubric"]["id"], "challenging-customers");
    for criterion in [
        "identify-behaviour",
        "active-listening",
        "empathy",
        "apology-ownership",
        "de-escalation",
        "professional-demeanour",
        "resolution-within-policy",
        "keeps-informed",
        "follow-up-satisfaction",
        "records-complaint",
    ] {
        assert_eq!(outcome(&assessment, criterion), "met", "{criterion}");
    }
    assert_eq!(
        outcome(&assessment, "escalation-handover"),
        "not_applicable"
    );
    assert_eq!(outcome(&assessment, "boundaries"), "not_applicable");
    let turns = assessment["transcript"]["turns"]
        .as_array()
        .expect("transcript included by default");
    assert_eq!(turns.len(), transcript["turns"].as_array().unwrap().len());
    assert_eq!(turns[0]["speaker"], "Priya");
    assert_eq!(turns[0]["role"], "learner");
}

#[test]
fn score_with_transcript_text_equals_the_engine_result() {
    let app = spawn_app();
    let text = golden("good-angry.txt");

    let reply = app.score_json(&json!({"rubric": "heat", "transcript_text": text}));

    reply.expect_engine_result("heat", &text, None, &hints(None, &[]), true);
    assert_eq!(reply.json()["rubric"]["id"], "heat");
}

#[test]
fn score_with_an_explicit_format_equals_the_engine_result() {
    let app = spawn_app();
    let text = golden("good-angry.txt");

    let reply = app.score_json(
        &json!({"rubric": "complaint-handling", "transcript_text": text, "format": "text"}),
    );

    reply.expect_engine_result(
        "complaint-handling",
        &text,
        Some(Format::Text),
        &hints(None, &[]),
        true,
    );
}

#[test]
fn include_transcript_false_omits_the_transcript() {
    let app = spawn_app();
    let text = golden("good-angry.txt");

    let reply = app.score_json(&json!({
        "rubric": "challenging-customers",
        "transcript_text": text,
        "include_transcript": false
    }));

    reply.expect_engine_result(
        "challenging-customers",
        &text,
        None,
        &hints(None, &[]),
        false,
    );
    let assessment = reply.json();
    assert!(assessment.get("transcript").is_none(), "{assessment}");
    assert_eq!(assessment["criteria"].as_array().unwrap().len(), 12);
}

#[test]
fn include_transcript_true_keeps_the_transcript() {
    let app = spawn_app();
    let text = golden("good-angry.txt");

    let reply = app.score_json(
        &json!({"rubric": "heat", "transcript_text": text, "include_transcript": true}),
    );

    assert_eq!(reply.status, 200);
    let turns = reply.json()["transcript"]["turns"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(turns, text.lines().count());
}

#[test]
fn learner_names_the_learner_of_an_unlabelled_transcript() {
    let app = spawn_app();
    let text = golden("no-labels.txt");

    let reply = app.score_json(
        &json!({"rubric": "challenging-customers", "transcript_text": text, "learner": "Aisha"}),
    );

    reply.expect_engine_result(
        "challenging-customers",
        &text,
        None,
        &hints(Some("Aisha"), &[]),
        true,
    );
    let assessment = reply.json();
    for turn in assessment["transcript"]["turns"].as_array().unwrap() {
        let expected = if turn["speaker"] == "Aisha" {
            "learner"
        } else {
            "customer"
        };
        assert_eq!(turn["role"], expected, "{turn}");
    }
    assert_eq!(outcome(&assessment, "records-complaint"), "met");
}

#[test]
fn roles_map_speaker_labels_to_roles() {
    let app = spawn_app();
    let text = golden("no-labels.txt");

    let as_labelled = app.score_json(&json!({
        "rubric": "heat",
        "transcript_text": text,
        "roles": {"Aisha": "learner", "Tom": "customer"}
    }));
    let swapped = app.score_json(&json!({
        "rubric": "heat",
        "transcript_text": text,
        "roles": {"Aisha": "customer", "Tom": "learner"}
    }));

    as_labelled.expect_engine_result(
        "heat",
        &text,
        None,
        &hints(None, &[("Aisha", Role::Learner), ("Tom", Role::Customer)]),
        true,
    );
    assert_eq!(swapped.status, 200, "{}", swapped.text());
    let turns = swapped.json()["transcript"]["turns"].clone();
    let first_tom = turns
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["speaker"] == "Tom")
        .unwrap();
    assert_eq!(first_tom["role"], "learner");
    assert_ne!(as_labelled.text(), swapped.text());
}

#[test]
fn a_raw_text_plain_body_is_scored_with_rubric_and_learner_from_the_query() {
    let app = spawn_app();
    let text = golden("no-labels.txt");

    let reply = app.score_raw(
        "text/plain; charset=utf-8",
        "rubric=heat&learner=Aisha",
        &text,
    );

    reply.expect_engine_result("heat", &text, None, &hints(Some("Aisha"), &[]), true);
    assert_eq!(reply.json()["rubric"]["id"], "heat");
}

#[test]
fn a_raw_body_honours_include_transcript_and_format_in_the_query() {
    let app = spawn_app();
    let text = golden("good-angry.txt");

    let reply = app.score_raw(
        "text/plain",
        "rubric=challenging-customers&format=text&include_transcript=false",
        &text,
    );

    reply.expect_engine_result(
        "challenging-customers",
        &text,
        Some(Format::Text),
        &hints(None, &[]),
        false,
    );
}

#[test]
fn a_raw_webvtt_body_is_read_as_webvtt() {
    let app = spawn_app();
    let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Customer>This is ridiculous, my refund is six weeks late.\n\n\
               00:00:04.500 --> 00:00:09.000\n<v Agent>I'm so sorry, I can hear how frustrating this has been.\n";

    let reply = app.score_raw("text/vtt", "rubric=heat", vtt);

    reply.expect_engine_result("heat", vtt, Some(Format::Vtt), &hints(None, &[]), true);
    let turns = reply.json()["transcript"]["turns"].clone();
    assert_eq!(turns[0]["start"], 1.0);
    assert_eq!(turns[1]["role"], "learner");
}

#[test]
fn a_json_body_with_a_charset_parameter_is_accepted() {
    let app = spawn_app();
    let text = golden("good-angry.txt");
    let body = json!({"rubric": "heat", "transcript_text": text}).to_string();

    let reply = app.post("/v1/score", "application/json; charset=utf-8", body);

    reply.expect_engine_result("heat", &text, None, &hints(None, &[]), true);
}

#[test]
fn every_golden_transcript_scores_as_the_engine_scores_it() {
    let app = spawn_app();
    for (file, learner) in [
        ("abusive-bad.txt", "Jordan"),
        ("abusive-good.txt", "Callum"),
        ("confused.txt", "Megan"),
        ("defensive.txt", "Agent"),
        ("escalation.txt", "José"),
        ("heat-order.txt", "Zoë"),
        ("solution-first.txt", "Kieran"),
    ] {
        let text = golden(file);
        let reply = app.score_json(&json!({
            "rubric": "challenging-customers",
            "transcript_text": text,
            "learner": learner,
            "include_transcript": false
        }));
        assert_eq!(reply.status, 200, "{file}: {}", reply.text());
        assert_eq!(
            reply.text(),
            engine_json(
                "challenging-customers",
                &text,
                None,
                &hints(Some(learner), &[]),
                false
            ),
            "{file}"
        );
    }
}
