//! `POST /v1/score`: every way of sending a transcript gives the engine's own result.

use crate::helpers::{engine_json, golden, hints, is_sha256_hex, spawn_app};
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

/// Every JSON export among the fixtures, by file name.
fn json_exports() -> Vec<(String, Value)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("fixtures directory")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("fixture reads");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).expect("fixture is JSON"))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

#[test]
fn a_json_export_posted_as_json_scores_as_it_does_inside_a_score_request() {
    let app = spawn_app();
    let exports = json_exports();
    assert!(exports.len() >= 7, "the JSON fixtures are found");
    for (name, document) in exports {
        // Named speakers need the learner; diarised and role-stating ones do not.
        let learner = document.to_string().contains("Priya Shah");
        let mut request = json!({ "rubric": "challenging-customers", "transcript": document });
        let mut query = "rubric=challenging-customers".to_string();
        if learner {
            request["learner"] = json!("Priya Shah");
            query.push_str("&learner=Priya%20Shah");
        }
        let wrapped = app.score_json(&request);
        assert_eq!(wrapped.status, 200, "{name}: {}", wrapped.text());
        // The file's own bytes, as an integrator's HTTP client would send them.
        let bytes = std::fs::read(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(&name),
        )
        .expect("fixture reads");
        let alone = app.score_raw("application/json", &query, bytes);
        assert_eq!(alone.status, 200, "{name}: {}", alone.text());
        // The digest is of the bytes received: the file here, re-serialised JSON there.
        let (mut alone, mut wrapped) = (alone.json(), wrapped.json());
        for assessment in [&mut alone, &mut wrapped] {
            let digest = assessment["audit"]["transcript_sha256"].take();
            assert!(is_sha256_hex(&digest), "{name}: {digest}");
        }
        assert_eq!(alone, wrapped, "{name}");
    }
}

#[test]
fn a_json_export_posted_as_json_needs_the_rubric_in_the_query() {
    let app = spawn_app();
    let export = golden_export();
    let reply = app.score_raw("application/json", "learner=Priya%20Shah", &export);
    let problem = reply.expect_problem(400, "missing-rubric");
    assert!(
        problem["detail"].as_str().unwrap().contains("?rubric=ID"),
        "{problem}"
    );
}

fn golden_export() -> String {
    std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refund-aws.json"),
    )
    .expect("fixture reads")
}

#[test]
fn a_body_mixing_a_score_request_and_an_export_says_what_to_send() {
    let app = spawn_app();
    let mut mixed: Value = serde_json::from_str(&golden_export()).unwrap();
    mixed["rubric"] = json!("challenging-customers");
    let reply = app.score_json(&mixed);
    let problem = reply.expect_problem(400, "ambiguous-body");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`rubric`") && detail.contains("aws-transcribe"),
        "{detail}"
    );
    assert!(
        detail.contains("?rubric=ID") && detail.contains("`transcript`"),
        "{detail}"
    );
}

#[test]
fn a_json_body_that_is_neither_names_the_fields_it_does_not_know() {
    let app = spawn_app();
    let reply = app.score_json(
        &json!({ "rubric": "challenging-customers", "transcrpt_text": "Customer: Hi." }),
    );
    let problem = reply.expect_problem(400, "invalid-json");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("`transcrpt_text`"), "{detail}");
    assert!(
        !detail.contains("Customer: Hi."),
        "no transcript text is echoed: {detail}"
    );
}

#[test]
fn a_score_request_with_a_query_string_is_still_refused() {
    let app = spawn_app();
    let request = json!({ "rubric": "challenging-customers", "transcript_text": "Customer: Hi.\nAgent: Hello." });
    let reply = app.score_raw("application/json", "rubric=heat", request.to_string());
    reply.expect_problem(400, "unexpected-query");
}

/// A rubric whose one criterion applies only when the customer swears.
const ABUSE_ONLY_RUBRIC: &str = r#"id = "abuse-only"
title = "Boundaries with an abusive customer"
version = "1.0.0"

[lexicons.abuse]
phrases = ["you idiot", "useless muppet"]
[lexicons.boundary]
phrases = ["I won't accept that language", "please don't speak to me like that"]

[[criteria]]
id = "boundaries"
title = "Sets a boundary with an abusive customer"
rule = { reply = { to = ["abuse"], with = ["boundary"], from = "customer", by = "learner" } }
"#;

#[test]
fn a_transcript_no_criterion_applies_to_is_not_assessable_and_not_failed() {
    let app = spawn_app();
    let polite = "Customer: Could you tell me when my parcel will arrive?\nAgent: Of course, it is due on Friday.";
    let request = json!({
        "rubric_source": ABUSE_ONLY_RUBRIC, "transcript_text": polite, "learner_id": "C-0042",
        "date": "2026-12-01",
    });
    let reply = app.score_json(&request);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let overall = &reply.json()["overall"];
    assert_eq!(overall["assessable"], false, "{overall}");
    assert_eq!(overall["grade"], Value::Null, "{overall}");
    assert_eq!(overall["score"], Value::Null, "{overall}");
    assert_eq!(overall["grade_label"], "Not assessable", "{overall}");
    assert_eq!(overall["passed"], false, "{overall}");
    assert_eq!(overall["not_applicable"], 1, "{overall}");

    // CSV says so in the grade column and leaves the score empty.
    let csv = app.post_with(
        "/v1/score",
        Some("application/json"),
        &[("Accept", "text/csv")],
        request.to_string().as_bytes(),
    );
    assert_eq!(csv.status, 200, "{}", csv.text());
    let mut lines = csv.text().lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(column("overall_grade"), "not-assessable");
    assert_eq!(column("overall_score"), "");

    // The whole-assessment xAPI statement claims neither a score nor a success.
    let xapi = app.post("/v1/score/xapi", "application/json", request.to_string());
    assert_eq!(xapi.status, 200, "{}", xapi.text());
    let statements = xapi.json();
    let whole = statements.as_array().unwrap().last().unwrap();
    assert!(whole["result"].get("score").is_none(), "{whole}");
    assert!(whole["result"].get("success").is_none(), "{whole}");

    // The printable report says there was nothing to grade.
    let html = app.post_with(
        "/v1/score",
        Some("application/json"),
        &[("Accept", "text/html")],
        request.to_string().as_bytes(),
    );
    assert!(
        html.text().contains("nothing to grade"),
        "the report explains it"
    );

    // The same rubric with the behaviour present grades as usual.
    let rude = "Customer: You useless muppet, where is my parcel?\nAgent: Please don't speak to me like that. It is due on Friday.";
    let graded =
        app.score_json(&json!({ "rubric_source": ABUSE_ONLY_RUBRIC, "transcript_text": rude }));
    let overall = &graded.json()["overall"];
    assert_eq!(overall["assessable"], true, "{overall}");
    assert_eq!(overall["score"], 1.0, "{overall}");
    assert!(overall["grade"].is_string(), "{overall}");
}

#[test]
fn a_window_in_seconds_on_an_untimed_transcript_is_not_applicable_over_http() {
    let app = spawn_app();
    let rubric = ABUSE_ONLY_RUBRIC.replace(
        "rule = { reply = { to = [\"abuse\"], with = [\"boundary\"], from = \"customer\", by = \"learner\" } }",
        "rule = { says = { cues = [\"boundary\"], in = { to_seconds = 60.0 } } }",
    );
    let untimed = "Customer: You useless muppet.\nAgent: Please don't speak to me like that.";
    let reply = app.score_json(&json!({ "rubric_source": rubric, "transcript_text": untimed }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let criterion = &reply.json()["criteria"][0];
    assert_eq!(criterion["outcome"], "not_applicable", "{criterion}");
}
