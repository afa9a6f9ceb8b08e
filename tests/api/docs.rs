//! `GET /openapi.json`, the `/docs` page, and the committed `openapi/rolemark.json`.

use crate::helpers::spawn_app;
use serde_json::Value;
use std::path::PathBuf;

#[test]
fn openapi_json_is_an_openapi_3_1_document_with_the_score_path() {
    let app = spawn_app();

    let reply = app.get("/openapi.json");

    assert_eq!(reply.status, 200);
    assert!(
        reply.content_type().starts_with("application/json"),
        "{}",
        reply.content_type()
    );
    let document = reply.json();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/v1/score",
        "/v1/score/batch",
        "/v1/rubrics",
        "/v1/rubrics/{id}",
        "/v1/rubrics/validate",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path} is missing");
    }
    assert!(document["paths"]["/v1/score"]["post"].is_object());
    assert!(document["components"]["schemas"]["Problem"].is_object());
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn openapi_json_is_the_committed_document() {
    let app = spawn_app();

    let served = app.get("/openapi.json").json();

    // Read from disk: the in-memory document is what the server serves, so
    // comparing with it could never fail.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/rolemark.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        served, committed,
        "GET /openapi.json differs from openapi/rolemark.json: regenerate it with `cargo run -- openapi > openapi/rolemark.json`"
    );
}

#[test]
fn docs_redirects_to_docs_slash() {
    let app = spawn_app();

    let reply = app.get("/docs");

    assert!(
        [301, 302, 307, 308].contains(&reply.status),
        "{}",
        reply.status
    );
    assert_eq!(reply.header("location"), Some("/docs/"));
}

#[test]
fn docs_serves_swagger_ui_from_the_binary() {
    let app = spawn_app();

    let page = app.get("/docs/");

    assert_eq!(page.status, 200);
    assert!(
        page.content_type().starts_with("text/html"),
        "{}",
        page.content_type()
    );
    let html = page.text();
    assert!(html.contains("swagger-ui"), "{html}");
    for cdn in ["unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com"] {
        assert!(!html.contains(cdn), "the page loads from {cdn}");
    }
    // The page's assets are served by the service itself.
    let bundle = app.get("/docs/swagger-ui-bundle.js");
    assert_eq!(bundle.status, 200);
    assert!(bundle.body.len() > 100_000, "{} bytes", bundle.body.len());
    let initializer = app.get("/docs/swagger-initializer.js");
    assert_eq!(initializer.status, 200);
    assert!(
        initializer.text().contains("/openapi.json"),
        "{}",
        initializer.text()
    );
}

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/rolemark.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = rolemark::http::openapi::document();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()))
            + 1;
        panic!(
            "openapi/rolemark.json is out of date with the code (first difference at line {first_difference}).\n\
             Regenerate it with:\n\n    cargo run -- openapi > openapi/rolemark.json\n"
        );
    }
}

/// The record fields an awarding body files are in the published schema: the
/// assessment's `audit`, and who overrode a criterion and when.
#[test]
fn the_openapi_document_describes_the_audit_record_and_who_overrode_when() {
    let document = spawn_app().get("/openapi.json").json();
    let schemas = &document["components"]["schemas"];
    let properties = |schema: &str| -> Vec<String> {
        let found = schemas[schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no properties in schema {schema}"));
        found.keys().cloned().collect()
    };
    let required = |schema: &str| -> Vec<String> {
        schemas[schema]["required"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let has = |names: Vec<String>, name: &str| names.iter().any(|n| n == name);

    assert!(
        schemas["Assessment"]["properties"]["audit"]
            .to_string()
            .contains("#/components/schemas/Audit"),
        "{}",
        schemas["Assessment"]["properties"]["audit"]
    );
    for field in [
        "learner_id",
        "date",
        "transcript_sha256",
        "rolemark_version",
    ] {
        assert!(has(properties("Audit"), field), "Audit.{field}");
    }
    for field in ["transcript_sha256", "rolemark_version"] {
        assert!(has(required("Audit"), field), "Audit.{field} is required");
    }
    for field in ["assessor", "at"] {
        assert!(
            has(properties("AssessorOverride"), field),
            "AssessorOverride.{field}"
        );
        assert!(
            has(properties("OverrideRecord"), field),
            "OverrideRecord.{field}"
        );
    }
    // A client that leaves the assessor out is refused, so the schema says so.
    assert!(has(required("AssessorOverride"), "assessor"));
    assert!(!has(required("AssessorOverride"), "at"));
    assert!(has(required("OverrideRecord"), "assessor"));
    for field in ["learner_id", "date", "overrides"] {
        assert!(
            has(properties("ScoreRequest"), field),
            "ScoreRequest.{field}"
        );
    }
}

#[test]
fn the_score_request_body_lists_every_media_type_the_service_takes() {
    let app = spawn_app();
    let document = app.get("/openapi.json").json();
    let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Customer>It broke.\n\n00:00:03.500 --> 00:00:05.000\n<v Agent>I am so sorry.\n";
    let srt = "1\n00:00:01,000 --> 00:00:03,000\nCustomer: It broke.\n\n2\n00:00:03,500 --> 00:00:05,000\nAgent: I am so sorry.\n";
    let text = "Customer: It broke.\nAgent: I am so sorry.";
    let canonical = r#"{"turns": [{"speaker": "Customer", "text": "It broke."}, {"speaker": "Agent", "text": "I am so sorry."}]}"#;
    for path in ["/v1/score", "/v1/score/xapi"] {
        let listed = document["paths"][path]["post"]["requestBody"]["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{path} has a request body"));
        for (media, body) in [
            ("text/plain", text),
            ("text/vtt", vtt),
            ("application/x-subrip", srt),
            ("application/json", canonical),
        ] {
            assert!(listed.contains_key(media), "{path} does not list {media}");
            if path == "/v1/score" {
                let reply = app.score_raw(media, "rubric=heat", body);
                assert_eq!(reply.status, 200, "{media}: {}", reply.text());
            }
        }
    }
}
