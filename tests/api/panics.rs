//! A panic in a handler stays inside its request: a 500 problem that repeats
//! nothing of the request, and the server carries on. The panics come from test-only
//! hooks (`ServeConfig::test_panic_route`).

use crate::helpers::{short_roleplay, spawn_app, spawn_app_with, test_config, TestApp};
use serde_json::json;

const CANARY: &str = "Zebedee-Quartz-7731";

fn app_with_panic_route() -> TestApp {
    let mut config = test_config();
    config.test_panic_route = true;
    spawn_app_with(config)
}

fn assert_contained(reply: &crate::helpers::Reply) {
    let problem = reply.expect_problem(500, "internal-error");
    assert!(
        !reply.text().contains(CANARY),
        "the 500 repeats the request: {problem}"
    );
    assert!(
        reply.header("x-request-id").is_some(),
        "the 500 has no request id to report"
    );
}

#[test]
fn a_panicking_request_gets_a_500_problem_and_the_server_keeps_serving() {
    let app = app_with_panic_route();
    // More rounds than workers: a panic that killed its worker would show.
    let rounds = 2 * test_config().workers + 2;

    for round in 0..rounds {
        let panicked = app.post(
            "/v1/__panic",
            "text/plain",
            format!("Customer: {CANARY} round {round}"),
        );
        assert_contained(&panicked);

        let scored =
            app.score_json(&json!({"rubric": "heat", "transcript_text": short_roleplay("after")}));
        assert_eq!(scored.status, 200, "round {round}: {}", scored.text());
    }
}

#[test]
fn a_panic_is_counted_as_an_internal_error() {
    let app = app_with_panic_route();

    app.post("/v1/__panic", "text/plain", CANARY);
    let metrics = app.get("/metrics");

    assert!(
        metrics
            .text()
            .lines()
            .any(|l| l.contains("internal-error") && !l.starts_with('#')),
        "{}",
        metrics.text()
    );
}

#[test]
fn a_panic_while_scoring_a_batch_line_fails_that_line_only() {
    let app = app_with_panic_route();
    let batch = [
        json!({"id": "before", "rubric": "heat", "transcript_text": short_roleplay("a")}),
        json!({"id": "boom", "rubric": "__panic", "transcript_text": format!("Customer: {CANARY}")}),
        json!({"id": "after", "rubric": "heat", "transcript_text": short_roleplay("b")}),
    ]
    .iter()
    .map(|l| l.to_string() + "\n")
    .collect::<String>();

    let reply = app.batch(&batch);

    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(!reply.text().contains(CANARY), "{}", reply.text());
    let results = reply.ndjson();
    assert_eq!(results.len(), 3, "{}", reply.text());
    assert!(results[0]["assessment"].is_object());
    assert_eq!(results[1]["id"], "boom");
    assert_eq!(results[1]["error"]["status"], 500);
    assert_eq!(results[1]["error"]["code"], "internal-error");
    assert!(results[2]["assessment"].is_object());
}

#[test]
fn without_the_test_switch_there_is_no_panic_route() {
    let app = spawn_app();

    app.post("/v1/__panic", "text/plain", CANARY)
        .expect_problem(404, "not-found");
    let batch = app.batch(
        &(json!({"rubric": "__panic", "transcript_text": short_roleplay("a")}).to_string() + "\n"),
    );
    assert_eq!(batch.ndjson()[0]["error"]["code"], "unknown-rubric");
}
