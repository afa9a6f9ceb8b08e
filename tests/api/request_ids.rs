//! Every response carries `x-request-id`; a sane incoming one is echoed.

use crate::helpers::{short_roleplay, spawn_app};
use serde_json::json;

#[test]
fn every_response_has_a_request_id() {
    let app = spawn_app();
    let replies = [
        app.get("/healthz"),
        app.get("/v1/rubrics"),
        app.get("/v1/rubrics/nope"),
        app.get("/no/such/route"),
        app.get("/v1/score"),
        app.score_json(&json!({"rubric": "heat", "transcript_text": short_roleplay("a")})),
        app.score_body("{oops"),
        app.batch("{oops\n"),
    ];
    let mut ids = std::collections::HashSet::new();
    for reply in &replies {
        let id = reply
            .header("x-request-id")
            .unwrap_or_else(|| panic!("no x-request-id on a {}", reply.status));
        assert!(!id.is_empty());
        ids.insert(id.to_owned());
    }
    assert_eq!(
        ids.len(),
        replies.len(),
        "request ids are distinct: {ids:?}"
    );
}

#[test]
fn a_sane_incoming_request_id_is_echoed() {
    let app = spawn_app();

    let health = app.get_with("/healthz", &[("X-Request-Id", "portfolio-42_a.b")]);
    let problem = app.get_with("/v1/rubrics/nope", &[("X-Request-Id", "portfolio-43")]);

    assert_eq!(health.header("x-request-id"), Some("portfolio-42_a.b"));
    assert_eq!(problem.header("x-request-id"), Some("portfolio-43"));
}

#[test]
fn an_unreasonable_incoming_request_id_is_replaced() {
    let app = spawn_app();
    let long = "a".repeat(65);
    for given in ["has spaces", "semi;colon", "<script>", long.as_str()] {
        let reply = app.get_with("/healthz", &[("X-Request-Id", given)]);
        let id = reply.header("x-request-id").expect("a request id");
        assert_ne!(id, given);
        assert!(!id.is_empty() && id.len() <= 64, "{id}");
    }
}
