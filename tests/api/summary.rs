//! `POST /v1/score/batch?summary=true`: the same lines as the stream, answered
//! with one cohort summary, rendered by `Accept`.

use crate::helpers::{config_with_limits, short_roleplay, spawn_app, spawn_app_with, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A rubric whose one required criterion, with nothing said for or against
/// it, holds the grade down: the assessment then asks for a review.
const THIN_EVIDENCE: &str = r#"
id = "thin-evidence"
title = "Thin <evidence> & co"
version = "1"

[scoring]
required_cap = "not-yet"
[[scoring.bands]]
grade = "not-yet"
label = "Not yet competent"
min = 0.0
[[scoring.bands]]
grade = "pass"
label = "Pass"
min = 0.5

[lexicons.empathy]
phrases = ["that must be {awful|frustrating}"]
[lexicons.solution]
phrases = ["what I can do is"]

[[criteria]]
id = "empathy"
title = "Shows empathy"
required = true
rule = { says = ["empathy"] }

[[criteria]]
id = "solution"
title = "Offers a solution"
rule = { says = ["solution"] }
"#;

const HELD_DOWN: &str =
    "Customer: My parcel never came.\nAgent: What I can do is send another today.";

/// A batch over two seed rubrics, an inline one, and lines that fail.
fn cohort_body() -> String {
    [
        json!({"id": "a", "learner_id": "C-0001", "rubric": "heat", "transcript_text": short_roleplay("a"), "include_transcript": false}),
        json!({"id": "b", "rubric": "challenging-customers", "transcript_text": short_roleplay("b")}),
        json!({"id": "c", "rubric": "heat", "transcript_text": "Customer: Hello.\nAgent: Hi.",
            "overrides": [{"criterion": "hear", "outcome": "met", "comment": "Listened in silence.", "assessor": "A. Assessor"}]}),
        json!({"id": "d", "learner_id": "C-0004", "rubric_source": THIN_EVIDENCE, "transcript_text": HELD_DOWN}),
        json!({"id": "e", "learner_id": "C-0005", "rubric_source": THIN_EVIDENCE, "transcript_text": HELD_DOWN,
            "overrides": [{"criterion": "empathy", "outcome": "met", "comment": "Heard on the recording.", "assessor": "A. Assessor"}]}),
        json!({"id": "f", "rubric": "nope", "transcript_text": short_roleplay("f")}),
        json!({"id": "g", "rubric": "heat", "transcript": {"turns": []}}),
    ]
    .iter()
    .map(Value::to_string)
    .chain(["{\"rubric\": \"heat\", oops".to_owned()])
    .collect::<Vec<_>>()
    .join("\n")
        + "\n"
}

fn summary(app: &TestApp, query: &str, accept: Option<&str>, body: &str) -> crate::helpers::Reply {
    let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept", a)).into_iter().collect();
    app.post_with(
        &format!("/v1/score/batch{query}"),
        Some("application/x-ndjson"),
        &headers,
        body.as_bytes(),
    )
}

/// The final outcome of each criterion, and the grade, of a result's assessment.
fn outcomes(assessment: &Value) -> (Vec<(String, String, bool)>, String) {
    let criteria = assessment["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let overridden = c.get("assessor_override");
            let outcome = overridden.map_or(&c["outcome"], |o| &o["outcome"]);
            (
                c["id"].as_str().unwrap().to_owned(),
                outcome.as_str().unwrap().to_owned(),
                overridden.is_some(),
            )
        })
        .collect();
    let overall = assessment
        .get("overall_after_overrides")
        .unwrap_or(&assessment["overall"]);
    (criteria, overall["grade"].as_str().unwrap().to_owned())
}

#[test]
fn a_batch_summary_counts_what_the_stream_answers_line_for_line() {
    let app = spawn_app();
    let body = cohort_body();

    let stream = app.batch(&body).ndjson();
    let reply = summary(&app, "?summary=true", None, &body);

    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.content_type().starts_with("application/json"),
        "{}",
        reply.content_type()
    );
    let doc = reply.json();
    let scored: Vec<&Value> = stream.iter().filter_map(|r| r.get("assessment")).collect();
    assert_eq!(doc["scored"], scored.len());
    assert_eq!(doc["not_scored"], stream.len() - scored.len());
    // Each rubric's counts, worked out here from the stream's own assessments.
    for group in doc["rubrics"].as_array().unwrap() {
        let of_rubric: Vec<&&Value> = scored
            .iter()
            .filter(|a| a["rubric"] == group["rubric"])
            .collect();
        assert_eq!(group["scored"], of_rubric.len(), "{group}");
        for counts in group["criteria"].as_array().unwrap() {
            let id = counts["id"].as_str().unwrap();
            let mut expected: BTreeMap<String, u64> = BTreeMap::new();
            for a in &of_rubric {
                let (criteria, _) = outcomes(a);
                let (_, outcome, overridden) = criteria.iter().find(|(c, _, _)| c == id).unwrap();
                *expected.entry(outcome.clone()).or_default() += 1;
                *expected.entry("overridden".into()).or_default() += u64::from(*overridden);
            }
            for key in [
                "met",
                "partially_met",
                "not_met",
                "not_applicable",
                "overridden",
            ] {
                assert_eq!(
                    counts[key].as_u64().unwrap(),
                    expected.get(key).copied().unwrap_or(0),
                    "{id} {key}"
                );
            }
        }
        for grade in group["grades"].as_array().unwrap() {
            let earned = of_rubric
                .iter()
                .filter(|a| outcomes(a).1 == grade["grade"].as_str().unwrap())
                .count();
            assert_eq!(grade["count"], earned, "{grade}");
        }
    }
    let ids: Vec<&str> = doc["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rubric"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["challenging-customers", "heat", "thin-evidence"]);
    // The stream's failed lines, by line and code, are the summary's.
    let failed: Vec<(u64, &str)> = stream
        .iter()
        .filter_map(|r| Some((r["line"].as_u64()?, r.get("error")?["code"].as_str()?)))
        .collect();
    let listed: Vec<(u64, &str)> = doc["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["learner"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, failed);
    assert_eq!(
        doc["not_scored_by_code"],
        json!({"empty-transcript": 1, "invalid-json": 1, "unknown-rubric": 1})
    );
    assert_eq!(doc["failures"][0]["learner"]["label"], "f");
    assert_eq!(doc["failures"][2]["learner"]["label"], "line 8");
}

#[test]
fn a_batch_summary_names_learners_to_review_by_their_id_unless_the_assessor_judged_it() {
    let app = spawn_app();

    let doc = summary(&app, "?summary=true", None, &cohort_body()).json();

    let thin = doc["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["rubric"]["id"] == "thin-evidence")
        .unwrap();
    assert_eq!(
        thin["review"],
        json!([{
            "learner": {"label": "C-0004", "learner_id": "C-0004", "id": "d", "line": 4},
            "criteria": [{"id": "empathy", "title": "Shows empathy"}]
        }])
    );
    assert_eq!(thin["criteria"][0]["overridden"], 1);
}

#[test]
fn a_batch_summary_is_rendered_as_accept_asks_and_the_same_each_time() {
    let app = spawn_app();
    let body = cohort_body();

    for (accept, media, opening) in [
        ("text/csv", "text/csv", "section,rubric_id,"),
        ("text/html", "text/html", "<!DOCTYPE html>"),
        (
            "text/plain",
            "text/plain",
            "Cohort summary: 8 transcripts, 5 scored, 3 not scored\n",
        ),
        ("application/json", "application/json", "{\"scored\":5,"),
    ] {
        let first = summary(&app, "?summary=true", Some(accept), &body);
        let second = summary(&app, "?summary=true", Some(accept), &body);

        assert_eq!(first.status, 200, "{accept}: {}", first.text());
        assert!(
            first.content_type().starts_with(media),
            "{accept}: {}",
            first.content_type()
        );
        assert!(
            first.text().starts_with(opening),
            "{accept}: {}",
            first.text()
        );
        assert_eq!(first.body, second.body, "{accept}");
    }
    let page = summary(&app, "?summary=true", Some("text/html"), &body);
    assert!(
        page.text().contains("Thin &lt;evidence&gt; &amp; co"),
        "{}",
        page.text()
    );
    assert!(!page.text().contains("<evidence>"));
}

#[test]
fn a_summary_that_is_not_true_or_false_or_cannot_be_rendered_is_refused() {
    let app = spawn_app();
    let body = cohort_body();

    for query in ["?summary=banana", "?summary=", "?sumary=true"] {
        let reply = summary(&app, query, None, &body);
        let problem = reply.expect_problem(400, "invalid-query");
        assert!(
            problem["detail"].as_str().unwrap().contains("summary=true"),
            "{query}: {problem}"
        );
    }
    let reply = summary(&app, "?summary=true", Some("application/xml"), &body);
    reply.expect_problem(406, "not-acceptable");
    // Without a summary, the lines are NDJSON or CSV: other types are refused
    // as /v1/score refuses them, not answered with what was not asked for.
    let stream = summary(&app, "?summary=false", Some("application/xml"), &body);
    stream.expect_problem(406, "not-acceptable");
    let stream = summary(&app, "?summary=false", None, &body);
    assert_eq!(stream.status, 200);
    assert_eq!(stream.ndjson().len(), 8);
}

#[test]
fn a_summary_counts_the_line_past_the_limit_as_not_scored_and_stops_there() {
    let app = spawn_app_with(config_with_limits(|l| l.max_batch_lines = 2));
    let line = |id: &str| {
        json!({"id": id, "rubric": "heat", "transcript_text": short_roleplay(id)}).to_string()
    };
    let body = [line("a"), line("b"), line("c"), line("d")].join("\n");

    let doc = summary(&app, "?summary=true", None, &body).json();

    assert_eq!(doc["scored"], 2);
    assert_eq!(doc["not_scored"], 1);
    assert_eq!(
        doc["failures"],
        json!([{"learner": {"label": "line 3", "line": 3}, "code": "limit-exceeded"}])
    );
}
