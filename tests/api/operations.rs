//! `GET /healthz`, `GET /readyz` and `GET /metrics`.

use crate::helpers::{short_roleplay, spawn_app};
use serde_json::json;

#[test]
fn healthz_answers_200_ok() {
    let app = spawn_app();

    let reply = app.get("/healthz");

    assert_eq!(reply.status, 200);
    assert!(reply.content_type().starts_with("application/json"));
    assert_eq!(reply.json(), json!({"status": "ok"}));
}

#[test]
fn readyz_answers_200_with_the_number_of_rubrics() {
    let app = spawn_app();

    let reply = app.get("/readyz");

    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"status": "ready", "rubrics": 3}));
}

/// The value of the metric sample whose name and labels start the line as given.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|l| {
        l.strip_prefix(series)
            .and_then(|rest| rest.trim().parse().ok())
    })
}

#[test]
fn metrics_count_requests_by_route_and_status_and_transcripts_scored() {
    let app = spawn_app();
    let good = json!({"rubric": "heat", "transcript_text": short_roleplay("a")});
    assert_eq!(app.score_json(&good).status, 200);
    assert_eq!(app.score_json(&good).status, 200);
    assert_eq!(
        app.score_json(&json!({"rubric": "nope", "transcript_text": "x"}))
            .status,
        404
    );
    assert_eq!(app.get("/v1/rubrics/heat").status, 200);

    let reply = app.get("/metrics");

    let metrics = reply.ok_text().to_owned();
    assert!(
        reply
            .content_type()
            .starts_with("application/openmetrics-text"),
        "{}",
        reply.content_type()
    );
    assert!(metrics.contains("rolemark_http_requests"), "{metrics}");
    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_http_requests_total{route="/v1/score",status="200"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_http_requests_total{route="/v1/score",status="404"}"#
        ),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_http_requests_total{route="/v1/rubrics/{id}",status="200"}"#
        ),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_transcripts_scored_total{rubric="heat"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, r#"rolemark_errors_total{code="unknown-rubric"}"#),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_http_request_duration_seconds_count{route="/v1/score"}"#
        ),
        Some(3.0),
        "{metrics}"
    );
    assert!(metrics.trim_end().ends_with("# EOF"), "{metrics}");
}

#[test]
fn metrics_count_batch_lines_scored_and_their_errors() {
    let app = spawn_app();
    let good =
        json!({"rubric": "complaint-handling", "transcript_text": short_roleplay("a")}).to_string();
    let reply = app.batch(&format!("{good}\n{{oops\n{good}\n"));
    assert_eq!(reply.ndjson().len(), 3);

    let metrics = app.get("/metrics").ok_text().to_owned();

    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_transcripts_scored_total{rubric="complaint-handling"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, r#"rolemark_errors_total{code="invalid-json"}"#),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_http_requests_total{route="/v1/score/batch",status="200"}"#
        ),
        Some(1.0),
        "{metrics}"
    );
}

#[test]
fn inline_rubrics_are_counted_under_one_label() {
    let app = spawn_app();
    let request = json!({"rubric_source": crate::helpers::INLINE_RUBRIC, "transcript_text": short_roleplay("a")});
    assert_eq!(app.score_json(&request).status, 200);

    let metrics = app.get("/metrics").ok_text().to_owned();

    assert_eq!(
        sample(
            &metrics,
            r#"rolemark_transcripts_scored_total{rubric="inline"}"#
        ),
        Some(1.0),
        "{metrics}"
    );
    assert!(!metrics.contains("inline-apology"), "{metrics}");
}
