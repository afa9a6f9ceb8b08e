//! `GET /v1/rubrics`, `GET /v1/rubrics/{id}` and `POST /v1/rubrics/validate`.

use crate::helpers::{is_sha256_hex, registry, spawn_app, BROKEN_RUBRIC, INLINE_RUBRIC};
use sha2::{Digest, Sha256};

const CHALLENGING_CUSTOMERS_CRITERIA: [&str; 12] = [
    "identify-behaviour",
    "active-listening",
    "empathy",
    "apology-ownership",
    "de-escalation",
    "professional-demeanour",
    "resolution-within-policy",
    "escalation-handover",
    "keeps-informed",
    "boundaries",
    "follow-up-satisfaction",
    "records-complaint",
];

#[test]
fn rubrics_lists_the_embedded_rubrics_with_title_version_sha256_and_criteria() {
    let app = spawn_app();

    let reply = app.get("/v1/rubrics");

    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.content_type().starts_with("application/json"));
    let listing = reply.json();
    assert_eq!(
        listing["files"],
        serde_json::json!([]),
        "no rubric directory"
    );
    let list = listing["rubrics"]
        .as_array()
        .expect("a JSON array of rubrics");
    let ids: Vec<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["challenging-customers", "complaint-handling", "heat"]);
    for summary in list {
        let rubric = registry().get(summary["id"].as_str().unwrap()).unwrap();
        assert_eq!(summary["title"], rubric.title());
        assert_eq!(summary["version"], rubric.version());
        assert_eq!(summary["sha256"], rubric.sha256());
        assert!(is_sha256_hex(&summary["sha256"]), "{summary}");
        assert_eq!(summary["criteria"], rubric.criteria().len());
        assert_eq!(summary["source"], "embedded", "{summary}");
        assert_eq!(summary["state"], "current", "{summary}");
    }
    assert_eq!(list[0]["criteria"], 12);
    assert_eq!(list[0]["title"], "Dealing with challenging customers");
    assert_eq!(list[2]["criteria"], 5);
}

#[test]
fn a_rubric_is_shown_with_its_criteria_and_marking_points() {
    let app = spawn_app();

    let reply = app.get("/v1/rubrics/challenging-customers");

    assert_eq!(reply.status, 200, "{}", reply.text());
    let rubric = reply.json();
    assert_eq!(rubric["id"], "challenging-customers");
    assert!(is_sha256_hex(&rubric["sha256"]));
    assert_eq!(
        rubric["sha256"],
        registry().get("challenging-customers").unwrap().sha256()
    );
    let criteria = rubric["criteria"].as_array().unwrap();
    let ids: Vec<&str> = criteria.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, CHALLENGING_CUSTOMERS_CRITERIA);
    for criterion in criteria {
        let points = criterion["marking_points"]
            .as_array()
            .expect("marking_points");
        assert!(!points.is_empty(), "{criterion}");
        assert!(
            points
                .iter()
                .all(|p| p.as_str().is_some_and(|p| !p.is_empty())),
            "{criterion}"
        );
        assert!(criterion["title"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let boundaries = criteria.iter().find(|c| c["id"] == "boundaries").unwrap();
    assert_eq!(boundaries["conditional"], true);
    let bands = rubric["bands"].as_array().unwrap();
    assert_eq!(bands[0]["min"], 0.0);
    let behaviours: Vec<&str> = rubric["behaviours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(behaviours, ["angry", "confused", "demanding", "abusive"]);
}

#[test]
fn every_listed_rubric_can_be_fetched() {
    let app = spawn_app();
    for rubric in registry().iter() {
        let reply = app.get(&format!("/v1/rubrics/{}", rubric.id()));
        assert_eq!(reply.status, 200, "{}", rubric.id());
        let view = reply.json();
        assert_eq!(view["version"], rubric.version());
        assert_eq!(
            view["criteria"].as_array().unwrap().len(),
            rubric.criteria().len()
        );
    }
}

#[test]
fn an_unknown_rubric_gives_a_404_problem() {
    let app = spawn_app();

    let reply = app.get("/v1/rubrics/chalenging-customers");

    let problem = reply.expect_problem(404, "unknown-rubric");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("`chalenging-customers`"),
        "{problem}"
    );
}

#[test]
fn validate_accepts_a_valid_rubric_and_gives_its_sha256() {
    let app = spawn_app();

    let reply = app.validate(INLINE_RUBRIC);

    assert_eq!(reply.status, 200, "{}", reply.text());
    let validation = reply.json();
    assert_eq!(validation["valid"], true);
    assert_eq!(validation["errors"], serde_json::json!([]));
    assert_eq!(validation["phrases"], 4);
    assert_eq!(validation["rubric"]["id"], "inline-apology");
    assert_eq!(validation["rubric"]["criteria"], 1);
    let sha256 = format!("{:x}", Sha256::digest(INLINE_RUBRIC.as_bytes()));
    assert_eq!(validation["rubric"]["sha256"], sha256);
}

#[test]
fn validate_accepts_any_text_media_type() {
    let app = spawn_app();
    for media in ["text/plain", "application/toml", "text/x-toml"] {
        let reply = app.post("/v1/rubrics/validate", media, INLINE_RUBRIC);
        assert_eq!(reply.status, 200, "{media}");
        assert_eq!(reply.json()["valid"], true, "{media}");
    }
}

#[test]
fn validate_reports_an_invalid_rubric_with_line_and_column() {
    let app = spawn_app();

    let reply = app.validate(BROKEN_RUBRIC);

    assert_eq!(reply.status, 200, "{}", reply.text());
    let validation = reply.json();
    assert_eq!(validation["valid"], false);
    assert!(validation.get("rubric").is_none());
    let errors = validation["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(errors[0]["column"], 9);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid type"),
        "{validation}"
    );
}

#[test]
fn validate_reports_an_unknown_lexicon_in_a_rule() {
    let app = spawn_app();
    let source = INLINE_RUBRIC.replace("says = [\"apology\"]", "says = [\"apologies\"]");

    let reply = app.validate(&source);

    let validation = reply.json();
    assert_eq!(validation["valid"], false, "{validation}");
    let error = &validation["errors"][0];
    assert!(
        error["message"].as_str().unwrap().contains("apologies"),
        "{validation}"
    );
    assert_eq!(
        error["line"],
        source
            .lines()
            .position(|l| l.contains("apologies"))
            .unwrap()
            + 1
    );
}

#[test]
fn validate_refuses_a_version_that_is_not_semantic_and_points_at_it() {
    let app = spawn_app();
    let line = INLINE_RUBRIC
        .lines()
        .position(|l| l.starts_with("version"))
        .expect("the inline rubric has a version")
        + 1;
    let version = INLINE_RUBRIC.lines().nth(line - 1).unwrap();
    for bad in ["banana", "v1", "1.0.0.0"] {
        let source = INLINE_RUBRIC.replace(version, &format!("version = \"{bad}\""));
        let validation = app.validate(&source).json();
        assert_eq!(validation["valid"], false, "{bad}: {validation}");
        let error = &validation["errors"][0];
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("not a semantic version") && message.contains(bad),
            "{message}"
        );
        assert_eq!(error["line"], line, "{validation}");
    }
    for good in ["1", "1.2", "2.0.0-draft"] {
        let source = INLINE_RUBRIC.replace(version, &format!("version = \"{good}\""));
        let validation = app.validate(&source).json();
        assert_eq!(validation["valid"], true, "{good}: {validation}");
    }
}

#[test]
fn validate_refuses_a_source_over_max_rubric_bytes_with_413() {
    let app = crate::helpers::spawn_app_with(crate::helpers::config_with_limits(|l| {
        l.max_rubric_bytes = 100
    }));

    let reply = app.validate(INLINE_RUBRIC);

    let problem = reply.expect_problem(413, "too-large");
    assert_eq!(problem["limit"], "max_rubric_bytes");
    assert_eq!(problem["limit_value"], 100);
}

#[test]
fn validate_refuses_a_source_that_is_not_utf8_with_422() {
    let app = spawn_app();

    let reply = app.post(
        "/v1/rubrics/validate",
        "text/plain",
        b"id = \"\xff\"\n".as_slice(),
    );

    reply.expect_problem(422, "invalid-utf8");
}

#[test]
fn explain_lists_cues_with_what_held_them_back_and_what_they_feed() {
    let app = crate::helpers::spawn_app();
    let reply = app.post(
        "/v1/rubrics/challenging-customers/explain",
        "application/json",
        serde_json::json!({"sentence": "I don't understand why you're upset."}).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let explanation = reply.json();
    assert_eq!(explanation["rubric"], "challenging-customers");
    let empathy: Vec<&serde_json::Value> = explanation["cues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["lexicon"] == "empathy")
        .collect();
    assert!(!empathy.is_empty());
    for cue in empathy {
        assert_eq!(cue["counts"], false);
        assert_eq!(cue["held_back"], "negated by \u{201c}not\u{201d}");
        assert!(cue["feeds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["target"] == "criterion empathy"));
    }
    let transcript = app.post(
        "/v1/rubrics/heat/explain",
        "application/json",
        serde_json::json!({"transcript_text": "Customer: This is ridiculous!\nAgent: I'm so sorry."})
            .to_string(),
    );
    assert_eq!(transcript.status, 200, "{}", transcript.text());
    assert!(transcript.json()["cues"].as_array().unwrap().len() >= 2);

    app.post("/v1/rubrics/heat/explain", "application/json", "{}")
        .expect_problem(400, "missing-text");
    app.post(
        "/v1/rubrics/nope/explain",
        "application/json",
        r#"{"sentence":"hi"}"#,
    )
    .expect_problem(404, "unknown-rubric");
    app.post("/v1/rubrics/heat/explain", "text/plain", "hi")
        .expect_problem(415, "unsupported-media-type");
}

#[test]
fn validate_runs_the_rubric_examples() {
    let app = crate::helpers::spawn_app();
    let source = r#"
id = "mine"
title = "Mine"
version = "1"
[lexicons.thanks]
phrases = ["thank you"]
must_match = ["Thank you for waiting.", "Thanks a lot."]
[[criteria]]
id = "thanks"
title = "Thanks"
rule = { says = ["thanks"] }
"#;
    let validation = app.validate(source).json();
    assert_eq!(validation["valid"], false, "{validation}");
    assert_eq!(validation["examples_checked"], 2);
    let failures = validation["example_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["example"], "Thanks a lot.");
    assert_eq!(failures[0]["detail"], "no cue of the lexicon fired");
    let fixed = app
        .validate(&source.replace(", \"Thanks a lot.\"", ""))
        .json();
    assert_eq!(fixed["valid"], true, "{fixed}");
}
