//! API keys: with keys set every `/v1` call needs a bearer token; health,
//! readiness and metrics stay open.

use crate::helpers::{
    short_roleplay, spawn_app, spawn_app_with, test_config, TestApp, INLINE_RUBRIC,
};
use serde_json::json;

fn app_with_keys() -> TestApp {
    let mut config = test_config();
    config.api_keys = vec!["k1".into(), "second-key".into()];
    spawn_app_with(config)
}

fn score_body() -> String {
    json!({"rubric": "heat", "transcript_text": short_roleplay("a")}).to_string()
}

/// One request to each `/v1` endpoint.
fn v1_calls(app: &TestApp, headers: &[(&str, &str)]) -> Vec<(&'static str, crate::helpers::Reply)> {
    let line = json!({"rubric": "heat", "transcript_text": short_roleplay("a")}).to_string();
    vec![
        ("list", app.get_with("/v1/rubrics", headers)),
        ("show", app.get_with("/v1/rubrics/heat", headers)),
        (
            "score",
            app.post_with(
                "/v1/score",
                Some("application/json"),
                headers,
                score_body().as_bytes(),
            ),
        ),
        (
            "raw score",
            app.post_with(
                "/v1/score?rubric=heat",
                Some("text/plain"),
                headers,
                short_roleplay("a").as_bytes(),
            ),
        ),
        (
            "batch",
            app.post_with(
                "/v1/score/batch",
                Some("application/x-ndjson"),
                headers,
                line.as_bytes(),
            ),
        ),
        (
            "validate",
            app.post_with(
                "/v1/rubrics/validate",
                Some("text/plain"),
                headers,
                INLINE_RUBRIC.as_bytes(),
            ),
        ),
    ]
}

#[test]
fn v1_calls_without_a_key_give_401_when_keys_are_set() {
    let app = app_with_keys();
    for (name, reply) in v1_calls(&app, &[]) {
        let problem = reply.expect_problem(401, "unauthorized");
        assert_eq!(problem["title"], "Unauthorized", "{name}");
    }
}

#[test]
fn v1_calls_with_a_wrong_key_give_401() {
    let app = app_with_keys();
    for authorization in [
        "Bearer k2",
        "Bearer k1x",
        "Bearer ",
        "Basic k1",
        "k1",
        "Bearer k1 k1",
    ] {
        for (name, reply) in v1_calls(&app, &[("Authorization", authorization)]) {
            assert_eq!(reply.status, 401, "{name} with `{authorization}`");
            reply.problem();
        }
    }
}

#[test]
fn v1_calls_with_a_valid_key_pass() {
    let app = app_with_keys();
    for key in ["k1", "second-key"] {
        let authorization = format!("Bearer {key}");
        for (name, reply) in v1_calls(&app, &[("Authorization", authorization.as_str())]) {
            assert_eq!(reply.status, 200, "{name} with {key}: {}", reply.text());
        }
    }
    let reply = app.with_key("k1").score_body(&score_body());
    assert_eq!(reply.json()["rubric"]["id"], "heat");
}

#[test]
fn a_valid_key_does_not_hide_request_errors() {
    let app = app_with_keys().with_key("k1");

    let reply = app.score_json(&json!({"rubric": "nope", "transcript_text": "x"}));

    reply.expect_problem(404, "unknown-rubric");
}

#[test]
fn health_readiness_metrics_and_docs_stay_open_when_keys_are_set() {
    let app = app_with_keys();
    assert_eq!(app.get("/healthz").status, 200);
    assert_eq!(app.get("/readyz").status, 200);
    assert_eq!(app.get("/metrics").status, 200);
    assert_eq!(app.get("/openapi.json").status, 200);
    assert_eq!(app.get("/docs/").status, 200);
}

#[test]
fn refused_calls_are_counted_in_the_metrics() {
    let app = app_with_keys();
    assert_eq!(app.get("/v1/rubrics").status, 401);

    let metrics = app.get("/metrics").ok_text().to_owned();

    assert!(
        metrics.contains(r#"rolemark_http_requests_total{route="/v1/rubrics",status="401"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"rolemark_errors_total{code="unauthorized"} 1"#),
        "{metrics}"
    );
}

#[test]
fn without_keys_v1_calls_need_no_header() {
    let app = spawn_app();
    for (name, reply) in v1_calls(&app, &[]) {
        assert_eq!(reply.status, 200, "{name}: {}", reply.text());
    }
}

#[test]
fn without_keys_any_bearer_header_is_ignored() {
    let app = spawn_app().with_key("anything");

    let reply = app.get("/v1/rubrics");

    assert_eq!(reply.status, 200);
}

#[test]
fn a_refused_call_carries_a_request_id() {
    let app = app_with_keys();

    let reply = app.get_with("/v1/rubrics", &[("X-Request-Id", "portfolio-401")]);

    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("x-request-id"), Some("portfolio-401"));
}

#[test]
fn a_401_names_the_bearer_scheme_in_www_authenticate() {
    let app = app_with_keys();

    let reply = app.get("/v1/rubrics");

    assert_eq!(reply.status, 401);
    let challenge = reply.header("www-authenticate").unwrap_or_default();
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate: `{challenge}`"
    );
}
