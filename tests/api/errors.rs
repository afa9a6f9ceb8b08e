//! Every error is an RFC 9457 problem (`application/problem+json` with type, title,
//! status, detail and code) and none is a 500.

use crate::helpers::{config_with_limits, short_roleplay, spawn_app, spawn_app_with};
use serde_json::json;

#[test]
fn malformed_json_gives_400_invalid_json() {
    let app = spawn_app();

    let reply = app.score_body(r#"{"rubric": "heat", "transcript_text": "Agent: hi"#);

    let problem = reply.expect_problem(400, "invalid-json");
    assert_eq!(problem["title"], "Bad request");
    assert_eq!(problem["line"], 1);
}

#[test]
fn a_field_of_the_wrong_type_gives_400_naming_the_problem() {
    let app = spawn_app();

    let rubric_number =
        app.score_json(&json!({"rubric": 5, "transcript_text": short_roleplay("a")}));
    let include_string = app.score_json(&json!({
        "rubric": "heat",
        "transcript_text": short_roleplay("a"),
        "include_transcript": "yes"
    }));
    let roles_list = app.score_json(&json!({
        "rubric": "heat",
        "transcript_text": short_roleplay("a"),
        "roles": ["Agent"]
    }));
    let bad_role = app.score_json(&json!({
        "rubric": "heat",
        "transcript_text": short_roleplay("a"),
        "roles": {"Agent": "boss"}
    }));

    for reply in [&rubric_number, &include_string, &roles_list, &bad_role] {
        let problem = reply.expect_problem(400, "invalid-json");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("the request is not a valid score request: "),
            "{problem}"
        );
        assert!(
            detail.contains("invalid type") || detail.contains("unknown variant"),
            "{problem}"
        );
    }
}

#[test]
fn a_body_that_is_not_an_object_gives_400() {
    let app = spawn_app();
    for body in ["null", "[]", "\"heat\"", "42", ""] {
        let reply = app.score_body(body);
        reply.expect_problem(400, "invalid-json");
    }
}

#[test]
fn an_unknown_field_gives_400_naming_the_field() {
    let app = spawn_app();

    let reply = app.score_json(&json!({
        "rubric": "heat",
        "transcript_text": short_roleplay("a"),
        "colour": "red"
    }));

    let problem = reply.expect_problem(400, "invalid-json");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("`colour` is not a score request's field"),
        "{problem}"
    );
}

#[test]
fn an_id_on_a_single_score_request_gives_400() {
    let app = spawn_app();

    let reply = app
        .score_json(&json!({"id": "x", "rubric": "heat", "transcript_text": short_roleplay("a")}));

    reply.expect_problem(400, "unexpected-id");
}

#[test]
fn both_transcript_fields_give_400_ambiguous_transcript() {
    let app = spawn_app();

    let reply = app.score_json(&json!({
        "rubric": "heat",
        "transcript": {"turns": [{"speaker": "Agent", "text": "Hello"}]},
        "transcript_text": "Agent: Hello"
    }));

    reply.expect_problem(400, "ambiguous-transcript");
}

#[test]
fn neither_transcript_field_gives_400_missing_transcript() {
    let app = spawn_app();

    let reply = app.score_json(&json!({"rubric": "heat"}));

    reply.expect_problem(400, "missing-transcript");
}

#[test]
fn no_rubric_gives_400_missing_rubric_listing_the_rubrics() {
    let app = spawn_app();

    let reply = app.score_json(&json!({"transcript_text": short_roleplay("a")}));

    let problem = reply.expect_problem(400, "missing-rubric");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("challenging-customers, complaint-handling, heat"),
        "{problem}"
    );
}

#[test]
fn score_returns_404_for_an_unknown_rubric() {
    let app = spawn_app();

    let reply = app.score_json(
        &json!({"rubric": "chalenging-customers", "transcript_text": short_roleplay("a")}),
    );

    let problem = reply.expect_problem(404, "unknown-rubric");
    assert_eq!(problem["title"], "Unknown rubric");
    assert_eq!(
        problem["detail"],
        "no rubric `chalenging-customers`: use one of challenging-customers, complaint-handling, heat"
    );
}

#[test]
fn a_raw_body_with_an_unknown_rubric_gives_404() {
    let app = spawn_app();

    let reply = app.score_raw("text/plain", "rubric=nope", short_roleplay("a"));

    reply.expect_problem(404, "unknown-rubric");
}

#[test]
fn a_raw_body_without_a_rubric_gives_400_missing_rubric() {
    let app = spawn_app();

    let reply = app.score_raw("text/plain", "learner=Agent", short_roleplay("a"));

    reply.expect_problem(400, "missing-rubric");
}

#[test]
fn an_unknown_query_parameter_on_a_raw_body_gives_400_invalid_query() {
    let app = spawn_app();

    let reply = app.score_raw("text/plain", "rubric=heat&colour=red", short_roleplay("a"));

    reply.expect_problem(400, "invalid-query");
}

#[test]
fn an_unknown_format_gives_400_unknown_format() {
    let app = spawn_app();

    let reply = app.score_json(
        &json!({"rubric": "heat", "transcript_text": short_roleplay("a"), "format": "docx"}),
    );
    let raw = app.score_raw("text/plain", "rubric=heat&format=docx", short_roleplay("a"));

    let problem = reply.expect_problem(400, "unknown-format");
    // The field is named and the accepted formats listed; the value is not
    // repeated, as no value a client sends is (see privacy.rs).
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`format`") && detail.contains("json, text, vtt"),
        "{problem}"
    );
    raw.expect_problem(400, "unknown-format");
}

#[test]
fn an_unsupported_media_type_gives_415() {
    let app = spawn_app();

    let xml = app.post("/v1/score", "application/xml", "<score rubric=\"heat\"/>");
    let form = app.post(
        "/v1/score",
        "application/x-www-form-urlencoded",
        "rubric=heat",
    );
    let none = app.post_with("/v1/score", None, &[], b"{\"rubric\":\"heat\"}");

    let problem = xml.expect_problem(415, "unsupported-media-type");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("application/xml"),
        "{problem}"
    );
    form.expect_problem(415, "unsupported-media-type");
    none.expect_problem(415, "unsupported-media-type");
}

#[test]
fn a_body_over_the_limit_gives_413_naming_the_limit() {
    let app = spawn_app_with(config_with_limits(|l| l.max_body_bytes = 1024));
    let body =
        json!({"rubric": "heat", "transcript_text": short_roleplay(&"x".repeat(4000))}).to_string();

    let reply = app.score_body(&body);

    let problem = reply.expect_problem(413, "too-large");
    assert_eq!(problem["limit"], "max_body_bytes");
    assert_eq!(problem["limit_value"], 1024);
}

#[test]
fn a_chunked_body_over_the_limit_gives_413() {
    let app = spawn_app_with(config_with_limits(|l| l.max_body_bytes = 1024));
    let body =
        json!({"rubric": "heat", "transcript_text": short_roleplay(&"x".repeat(4000))}).to_string();
    // A reader has no known length, so the body goes out chunked, without Content-Length.
    let reader = std::io::Cursor::new(body.into_bytes());

    let response = app
        .agent
        .post(app.url("/v1/score"))
        .header("Content-Type", "application/json")
        .send(ureq::SendBody::from_owned_reader(reader))
        .expect("request completes");

    assert_eq!(response.status().as_u16(), 413);
    let problem: serde_json::Value =
        serde_json::from_str(&response.into_body().read_to_string().unwrap()).unwrap();
    assert_eq!(problem["code"], "too-large");
    assert_eq!(problem["limit"], "max_body_bytes");
    assert_eq!(problem["limit_value"], 1024);
}

#[test]
fn a_body_just_under_the_limit_is_scored() {
    let app = spawn_app_with(config_with_limits(|l| l.max_body_bytes = 1024));
    let body = json!({"rubric": "heat", "transcript_text": short_roleplay("a")}).to_string();
    assert!(body.len() < 1024);

    let reply = app.score_body(&body);

    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[test]
fn an_empty_transcript_gives_422_empty_transcript() {
    let app = spawn_app();

    let no_turns = app.score_json(&json!({"rubric": "heat", "transcript": {"turns": []}}));
    let blank_text = app.score_json(&json!({"rubric": "heat", "transcript_text": "  \n\n"}));
    let empty_raw = app.score_raw("text/plain", "rubric=heat", "");

    let problem = no_turns.expect_problem(422, "empty-transcript");
    assert_eq!(problem["title"], "Empty transcript");
    blank_text.expect_problem(422, "empty-transcript");
    empty_raw.expect_problem(422, "empty-transcript");
}

#[test]
fn a_transcript_without_a_learner_turn_gives_422_no_learner() {
    let app = spawn_app();
    let transcript = json!({"turns": [
        {"speaker": "Mr Daniels", "role": "customer", "text": "Hello?"},
        {"speaker": "Mr Daniels", "role": "customer", "text": "Is anyone there?"}
    ]});

    let reply = app.score_json(&json!({"rubric": "heat", "transcript": transcript}));
    let unknown_learner = app.score_raw(
        "text/plain",
        "rubric=heat&learner=Nobody",
        "Customer: Hello?\nCustomer: Anyone?\n",
    );

    let problem = reply.expect_problem(422, "no-learner");
    assert_eq!(problem["title"], "No learner turn");
    unknown_learner.expect_problem(422, "no-learner");
}

#[test]
fn a_raw_body_that_is_not_utf8_gives_422_invalid_utf8() {
    let app = spawn_app();

    let reply = app.score_raw(
        "text/plain",
        "rubric=heat",
        b"Agent: caf\xe9 is closed\n".as_slice(),
    );

    let problem = reply.expect_problem(422, "invalid-utf8");
    assert!(
        problem["detail"].as_str().unwrap().contains("offset 10"),
        "{problem}"
    );
}

#[test]
fn a_json_body_that_is_not_utf8_gives_422_invalid_utf8() {
    let app = spawn_app();

    let reply = app.post(
        "/v1/score",
        "application/json",
        b"{\"rubric\":\"h\xffeat\"}".as_slice(),
    );

    reply.expect_problem(422, "invalid-utf8");
}

#[test]
fn a_bad_turn_in_a_json_transcript_gives_422_naming_the_turn() {
    let app = spawn_app();
    let transcript = json!({"turns": [
        {"speaker": "Agent", "text": "Hello, how can I help?"},
        {"speaker": "Customer", "text": "My refund is late."},
        {"speaker": "Agent", "text": 5}
    ]});

    let reply = app.score_json(&json!({"rubric": "heat", "transcript": transcript}));

    let problem = reply.expect_problem(422, "invalid-transcript");
    assert_eq!(problem["turn"], 2);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("turn 2: `text` must be a string"),
        "{problem}"
    );
}

#[test]
fn a_json_transcript_with_a_syntax_error_gives_422_naming_the_line() {
    let app = spawn_app();
    let text = "{\"turns\": [\n  {\"speaker\": \"Agent\", \"text\": \"Hello\"},\n  {\"speaker\": \"Customer\" \"text\": \"Hi\"}\n]}";

    let reply =
        app.score_json(&json!({"rubric": "heat", "transcript_text": text, "format": "json"}));

    let problem = reply.expect_problem(422, "invalid-transcript");
    assert_eq!(problem["line"], 3);
}

#[test]
fn too_many_turns_give_422_naming_the_max_turns_limit() {
    let app = spawn_app_with(config_with_limits(|l| l.max_turns = 2));

    let reply = app.score_json(&json!({"rubric": "heat", "transcript_text": short_roleplay("a")}));

    let problem = reply.expect_problem(422, "limit-exceeded");
    assert_eq!(problem["limit"], "max_turns");
    assert_eq!(problem["limit_value"], 2);
    assert_eq!(
        problem["detail"],
        "the transcript has 3 turns, over the limit of 2"
    );
}

#[test]
fn a_turn_over_max_turn_chars_gives_422_naming_the_turn() {
    let app = spawn_app_with(config_with_limits(|l| l.max_turn_chars = 70));

    let reply = app.score_json(&json!({"rubric": "heat", "transcript_text": short_roleplay("a")}));

    let problem = reply.expect_problem(422, "limit-exceeded");
    assert_eq!(problem["limit"], "max_turn_chars");
    assert_eq!(problem["limit_value"], 70);
    assert_eq!(problem["turn"], 2);
}

#[test]
fn an_unknown_route_gives_a_404_problem() {
    let app = spawn_app();

    let get = app.get("/v2/score");
    let post = app.post("/v1/nothing", "application/json", "{}");

    get.expect_problem(404, "not-found");
    post.expect_problem(404, "not-found");
}

#[test]
fn a_wrong_method_gives_a_405_problem() {
    let app = spawn_app();

    let get_score = app.get("/v1/score");
    let post_rubrics = app.post("/v1/rubrics", "application/json", "{}");
    let delete = app
        .agent
        .delete(app.url("/v1/rubrics/heat"))
        .call()
        .expect("DELETE completes");

    get_score.expect_problem(405, "method-not-allowed");
    post_rubrics.expect_problem(405, "method-not-allowed");
    assert_eq!(delete.status().as_u16(), 405);
    assert!(delete.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
}

#[test]
fn odd_requests_never_give_a_500_and_the_server_keeps_serving() {
    let app = spawn_app();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bodies: Vec<(&str, &str, Vec<u8>)> = vec![
        ("/v1/score", "application/json", deep.clone().into_bytes()),
        (
            "/v1/score",
            "application/json",
            br#"{"rubric":null,"transcript_text":null}"#.to_vec(),
        ),
        (
            "/v1/score",
            "application/json",
            br#"{"rubric":"heat","transcript":"not an object"}"#.to_vec(),
        ),
        (
            "/v1/score",
            "application/json",
            br#"{"rubric":"heat","transcript":{"turns":{}}}"#.to_vec(),
        ),
        (
            "/v1/score",
            "application/json",
            br#"{"rubric":"heat","transcript":{"turns":[1,2]}}"#.to_vec(),
        ),
        (
            "/v1/score",
            "application/json",
            br#"{"rubric":"heat","transcript_text":"\u0000\u0000"}"#.to_vec(),
        ),
        (
            "/v1/score",
            "application/json",
            b"\xef\xbb\xbf{\"rubric\":\"heat\"}".to_vec(),
        ),
        ("/v1/score", "application/problem+json", b"{}".to_vec()),
        (
            "/v1/score?rubric=heat&include_transcript=maybe",
            "text/plain",
            b"Agent: hi".to_vec(),
        ),
        (
            "/v1/score?rubric=heat",
            "text/srt",
            b"1\n00:00:01,000 --> 00:00:02,000\nhi\n".to_vec(),
        ),
        (
            "/v1/score?rubric=heat",
            "application/x-subrip",
            b"not an srt at all".to_vec(),
        ),
        ("/v1/score?rubric=heat", "text/vtt", b"WEBVTT\n\n".to_vec()),
        (
            "/v1/score?rubric=heat&format=whisper",
            "text/plain",
            b"{\"segments\": 3}".to_vec(),
        ),
        (
            "/v1/score/batch",
            "application/x-ndjson",
            deep.clone().into_bytes(),
        ),
        (
            "/v1/score/batch",
            "application/x-ndjson",
            b"\xff\xfe\n{}\n[]\n".to_vec(),
        ),
        ("/v1/rubrics/validate", "text/plain", b"\xff\xfe".to_vec()),
        ("/v1/rubrics/validate", "text/plain", deep.into_bytes()),
        ("/v1/rubrics/validate", "text/plain", b"".to_vec()),
    ];
    for (path, content_type, body) in bodies {
        let reply = app.post(path, content_type, &body);
        assert!(
            reply.status < 500,
            "{path} {content_type}: {} {}",
            reply.status,
            reply.text()
        );
        if reply.status >= 400 {
            reply.problem();
        }
    }
    for path in [
        "/v1/rubrics/%FF",
        "/v1/rubrics/..%2F..%2Fetc",
        "/docs/../../Cargo.toml",
        "/%00",
    ] {
        let reply = app.get(path);
        assert!(reply.status < 500, "{path}: {}", reply.status);
    }
    assert_eq!(app.get("/healthz").status, 200);
}

#[test]
fn a_large_body_over_the_limit_still_gets_its_413() {
    let app = spawn_app_with(config_with_limits(|l| l.max_body_bytes = 1024));
    let body = json!({"rubric": "heat", "transcript_text": "x".repeat(2_000_000)}).to_string();

    let reply = app.score_body(&body);

    let problem = reply.expect_problem(413, "too-large");
    assert_eq!(problem["limit_value"], 1024);
}
