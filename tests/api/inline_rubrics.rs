//! Inline rubrics: `rubric_source` in a score request, compiled under limits.

use crate::helpers::{
    config_with_limits, engine_json_with, hints, short_roleplay, spawn_app, spawn_app_with,
    BROKEN_RUBRIC, INLINE_RUBRIC,
};
use rolemark::engine::Rubric;
use serde_json::json;

#[test]
fn an_inline_rubric_scores_as_the_engine_scores_it() {
    let app = spawn_app();
    let text = short_roleplay("a");

    let reply = app.score_json(&json!({"rubric_source": INLINE_RUBRIC, "transcript_text": text}));

    assert_eq!(reply.status, 200, "{}", reply.text());
    let rubric = Rubric::compile(INLINE_RUBRIC).unwrap();
    assert_eq!(
        reply.text(),
        engine_json_with(&rubric, &text, None, &hints(None, &[]), true)
    );
    let assessment = reply.json();
    assert_eq!(assessment["rubric"]["id"], "inline-apology");
    assert_eq!(assessment["criteria"][0]["id"], "apology");
    assert_eq!(assessment["criteria"][0]["outcome"], "met");
    assert_eq!(
        assessment["criteria"][0]["evidence"][0]["quote"],
        "I'm so sorry, I can hear how frustrating this has been."
    );
}

#[test]
fn a_repeated_inline_rubric_gives_the_same_result() {
    let app = spawn_app();
    let request = json!({"rubric_source": INLINE_RUBRIC, "transcript_text": short_roleplay("a")});

    let first = app.score_json(&request);
    let second = app.score_json(&request);

    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(second.status, 200, "{}", second.text());
    assert_eq!(first.text(), second.text());
}

#[test]
fn an_inline_rubric_over_max_rubric_phrases_gives_422_naming_the_limit() {
    let app = spawn_app_with(config_with_limits(|l| l.max_rubric_phrases = 2));

    let reply = app.score_json(
        &json!({"rubric_source": INLINE_RUBRIC, "transcript_text": short_roleplay("a")}),
    );

    let problem = reply.expect_problem(422, "invalid-rubric");
    assert_eq!(problem["limit"], "max_rubric_phrases");
    assert_eq!(problem["limit_value"], 2);
}

#[test]
fn an_inline_rubric_over_max_rubric_bytes_gives_422_naming_the_limit() {
    let app = spawn_app_with(config_with_limits(|l| l.max_rubric_bytes = 100));

    let reply = app.score_json(
        &json!({"rubric_source": INLINE_RUBRIC, "transcript_text": short_roleplay("a")}),
    );

    let problem = reply.expect_problem(422, "limit-exceeded");
    assert_eq!(problem["limit"], "max_rubric_bytes");
    assert_eq!(problem["limit_value"], 100);
    assert_eq!(
        problem["detail"],
        format!(
            "the inline rubric is {} bytes, over the limit of 100 bytes",
            INLINE_RUBRIC.len()
        )
    );
}

#[test]
fn an_invalid_inline_rubric_gives_422_with_line_and_column() {
    let app = spawn_app();

    let reply = app.score_json(
        &json!({"rubric_source": BROKEN_RUBRIC, "transcript_text": short_roleplay("a")}),
    );

    let problem = reply.expect_problem(422, "invalid-rubric");
    assert_eq!(problem["line"], 2);
    assert_eq!(problem["column"], 9);
}

#[test]
fn an_invalid_inline_rubric_stays_invalid_when_sent_again() {
    let app = spawn_app();
    let request = json!({"rubric_source": BROKEN_RUBRIC, "transcript_text": short_roleplay("a")});

    let first = app.score_json(&request);
    let second = app.score_json(&request);

    first.expect_problem(422, "invalid-rubric");
    second.expect_problem(422, "invalid-rubric");
    assert_eq!(first.body, second.body);
}

#[test]
fn both_rubric_and_rubric_source_give_400_ambiguous_rubric() {
    let app = spawn_app();

    let reply = app.score_json(&json!({
        "rubric": "heat",
        "rubric_source": INLINE_RUBRIC,
        "transcript_text": short_roleplay("a")
    }));

    reply.expect_problem(400, "ambiguous-rubric");
}

#[test]
fn inline_rubrics_work_in_a_batch() {
    let app = spawn_app();
    let line =
        json!({"id": "i", "rubric_source": INLINE_RUBRIC, "transcript_text": short_roleplay("a")})
            .to_string();

    let reply = app.batch(&format!("{line}\n{line}\n"));

    let results = reply.ndjson();
    assert_eq!(results.len(), 2, "{}", reply.text());
    assert_eq!(results[0]["assessment"]["rubric"]["id"], "inline-apology");
    assert_eq!(results[0]["assessment"], results[1]["assessment"]);
    assert_eq!(results[1]["line"], 2);
}

#[test]
fn an_inline_rubric_may_extend_a_served_one() {
    let app = crate::helpers::spawn_app();
    let source = "id = \"mine\"\ntitle = \"Mine\"\nversion = \"1\"\nextends = \"heat\"\n[[criteria]]\nid = \"heat-order\"\nenabled = false\n";
    let reply = app.score_json(&serde_json::json!({
        "rubric_source": source,
        "transcript_text": "Customer: It broke.\nAgent: I'm so sorry.",
    }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let assessment = reply.json();
    assert_eq!(assessment["rubric"]["extends"]["id"], "heat");
    assert_eq!(assessment["criteria"].as_array().unwrap().len(), 4);
}
