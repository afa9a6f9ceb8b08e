//! The assessor's page, the printable report and CSV by `Accept`, xAPI
//! statements, and assessor overrides, over HTTP.

use crate::helpers::{golden, spawn_app, spawn_app_with, test_config, TestApp};
use crate::xapi_rules::xapi_violations;
use rolemark::transcript::Format;
use serde_json::{json, Value};

fn request() -> Value {
    json!({
        "rubric": "challenging-customers",
        "transcript_text": golden("good-angry.txt"),
        "learner_id": "C-0042",
        "date": "2026-11-27",
    })
}

fn score_accepting(app: &TestApp, accept: &str, body: &Value) -> crate::helpers::Reply {
    app.post_with(
        "/v1/score",
        Some("application/json"),
        &[("Accept", accept)],
        body.to_string().as_bytes(),
    )
}

#[test]
fn accept_text_html_gives_the_printable_report() {
    let app = spawn_app();
    let assessment = app.score_json(&request()).json();
    let reply = score_accepting(&app, "text/html", &request());
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.content_type().starts_with("text/html"),
        "{}",
        reply.content_type()
    );
    let page = reply.text();
    let rubric_at_version = format!(
        "challenging-customers@{}",
        assessment["rubric"]["version"].as_str().unwrap()
    );
    let scored_by = format!("rolemark {}", env!("CARGO_PKG_VERSION"));
    for expected in [
        "C-0042",
        "2026-11-27",
        assessment["rubric"]["sha256"].as_str().unwrap(),
        &rubric_at_version,
        assessment["audit"]["transcript_sha256"].as_str().unwrap(),
        &scored_by,
        assessment["overall"]["grade_label"].as_str().unwrap(),
    ] {
        assert!(page.contains(expected), "report lacks {expected}");
    }
    // A browser's own Accept header prefers HTML too.
    let browser = score_accepting(
        &app,
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        &request(),
    );
    assert_eq!(browser.text(), page);
}

#[test]
fn accept_text_csv_gives_one_row_per_criterion() {
    let app = spawn_app();
    let reply = score_accepting(&app, "text/csv", &request());
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.content_type().starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(reply.body.as_slice());
    let learner_id = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "learner_id")
        .expect("a learner_id column");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|row| &row[learner_id] == "C-0042"));
}

#[test]
fn json_stays_the_default_and_unknown_renderings_are_refused() {
    let app = spawn_app();
    for accept in ["application/json", "*/*", "application/*"] {
        let reply = score_accepting(&app, accept, &request());
        assert_eq!(reply.status, 200);
        assert!(
            reply.content_type().starts_with("application/json"),
            "{accept}"
        );
    }
    let refused = score_accepting(&app, "image/png", &request());
    let problem = refused.expect_problem(406, "not-acceptable");
    assert!(problem["detail"].as_str().unwrap().contains("text/html"));
}

fn criterion<'a>(assessment: &'a Value, id: &str) -> &'a Value {
    assessment["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

#[test]
fn overrides_in_a_request_are_kept_beside_the_system_outcome() {
    let app = spawn_app();
    let mut body = request();
    body["overrides"] = json!([
        {"criterion": "empathy", "outcome": "not_met", "comment": "Empathy only after the fix.",
         "assessor": "A. Assessor (AS-0107)", "at": "2026-11-27T14:05:00+01:00"}
    ]);
    let assessment = app.score_json(&body).json();
    let empathy = criterion(&assessment, "empathy");
    assert_eq!(empathy["outcome"], "met");
    assert_eq!(empathy["assessor_override"]["outcome"], "not_met");
    assert_eq!(
        empathy["assessor_override"]["comment"],
        "Empathy only after the fix."
    );
    assert_eq!(
        empathy["assessor_override"]["assessor"],
        "A. Assessor (AS-0107)"
    );
    // Kept in UTC, so records sort and compare whatever the assessor's zone.
    assert_eq!(empathy["assessor_override"]["at"], "2026-11-27T13:05:00Z");
    assert!(assessment["overall_after_overrides"].is_object());
    // A timed override gives the same record every time.
    assert_eq!(app.score_json(&body).body, app.score_json(&body).body);

    let page = score_accepting(&app, "text/html", &body).text().to_owned();
    for expected in [
        "Empathy only after the fix.",
        "By A. Assessor (AS-0107) at",
        "2026-11-27T13:05:00Z",
    ] {
        assert!(page.contains(expected), "the report lacks {expected}");
    }
}

#[test]
fn an_override_without_a_comment_or_an_assessor_or_with_a_bad_time_is_a_422_saying_what_to_fix() {
    let app = spawn_app();
    let valid = json!({"criterion": "empathy", "outcome": "not_met", "comment": "x", "assessor": "AS-0107"});
    let with = |change: &dyn Fn(&mut Value)| {
        let mut o = valid.clone();
        change(&mut o);
        json!([o])
    };
    let cases = [
        (
            with(&|o| o["comment"] = json!("")),
            422,
            "invalid-override",
            "comment",
        ),
        (
            with(&|o| o["criterion"] = json!("nope")),
            422,
            "invalid-override",
            "no criterion",
        ),
        (
            with(&|o| {
                o.as_object_mut().unwrap().remove("assessor");
            }),
            422,
            "invalid-override",
            "`assessor` is required",
        ),
        (
            with(&|o| o["assessor"] = json!("  ")),
            422,
            "invalid-override",
            "`assessor` is required",
        ),
        (
            with(&|o| o["at"] = json!("27/11/2026 14:05")),
            422,
            "invalid-override",
            "`at` should be an RFC 3339 time",
        ),
        (
            with(&|o| o["at"] = json!("2026-11-27T14:05:00")),
            422,
            "invalid-override",
            "with its offset",
        ),
        (
            with(&|o| o["outcome"] = json!("great")),
            400,
            "invalid-json",
            "unknown variant",
        ),
        (
            with(&|o| {
                o.as_object_mut().unwrap().remove("comment");
            }),
            422,
            "invalid-override",
            "comment",
        ),
    ];
    for (overrides, status, code, says) in cases {
        let mut bad = request();
        bad["overrides"] = overrides.clone();
        let problem = app.score_json(&bad).expect_problem(status, code);
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{overrides}: {detail}");
        // The client's words stay out of the answer.
        assert!(!detail.contains("27/11/2026"), "{detail}");
    }
    let mut bad_date = request();
    bad_date["date"] = json!("27/11/2026");
    app.score_json(&bad_date)
        .expect_problem(400, "invalid-date");
}

#[test]
fn an_override_without_a_time_is_stamped_with_the_time_of_scoring() {
    let app = spawn_app();
    let mut body = request();
    body["overrides"] = json!([
        {"criterion": "empathy", "outcome": "not_met", "comment": "x", "assessor": "AS-0107"}
    ]);
    // The stamp is to the second, so the window is widened to whole seconds.
    let before = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
    let assessment = app.score_json(&body).json();
    let after = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 1).unwrap();

    let at = criterion(&assessment, "empathy")["assessor_override"]["at"]
        .as_str()
        .expect("an untimed override gets a time")
        .to_owned();
    assert!(at.ends_with('Z'), "{at}");
    let at: jiff::Timestamp = at.parse().unwrap();
    assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
}

#[test]
fn the_assessment_records_learner_date_transcript_digest_and_rolemark_version() {
    let app = spawn_app();

    let assessment = app.score_json(&request()).json();

    let audit = &assessment["audit"];
    assert_eq!(audit["learner_id"], "C-0042");
    assert_eq!(audit["date"], "2026-11-27");
    assert_eq!(
        audit["transcript_sha256"],
        sha256_hex(&golden("good-angry.txt"))
    );
    assert_eq!(audit["rolemark_version"], env!("CARGO_PKG_VERSION"));
    let rubric = &assessment["rubric"];
    assert_eq!(rubric["id"], "challenging-customers");
    assert!(rubric["version"].is_string());
    assert_eq!(rubric["sha256"].as_str().unwrap().len(), 64);

    // Without them the record says nothing of learner or date, rather than
    // making a date up: the same request gives the same bytes on any day.
    let mut anonymous = request();
    anonymous.as_object_mut().unwrap().remove("learner_id");
    anonymous.as_object_mut().unwrap().remove("date");
    let audit = app.score_json(&anonymous).json()["audit"].clone();
    assert_eq!(
        audit.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["rolemark_version", "transcript_sha256"]
    );

    // The digest is of the transcript as sent: a raw body's bytes, or the
    // canonical JSON exactly as written in the request.
    let text = golden("good-angry.txt");
    let raw = app.post(
        "/v1/score?rubric=challenging-customers&learner_id=C-7&date=2026-11-28",
        "text/plain",
        text.clone(),
    );
    let audit = raw.json()["audit"].clone();
    assert_eq!(audit["transcript_sha256"], sha256_hex(&text));
    assert_eq!(audit["learner_id"], "C-7");
    assert_eq!(audit["date"], "2026-11-28");
    let canonical = r#"{"turns": [ {"speaker": "Customer", "text": "My refund is late and I'm furious."},
        {"speaker": "Agent", "text": "I'm so sorry, I can hear how frustrating that is."} ]}"#;
    let body = format!(r#"{{"rubric": "heat", "transcript": {canonical}}}"#);
    let reply = app.post("/v1/score", "application/json", body);
    assert_eq!(
        reply.json()["audit"]["transcript_sha256"],
        sha256_hex(canonical)
    );
}

#[test]
fn xapi_statements_name_the_learner_and_follow_the_rules() {
    let mut config = test_config();
    config.xapi_base = "https://lrs.example.ac.uk/rolemark".into();
    let app = spawn_app_with(config);
    let reply = app.post("/v1/score/xapi", "application/json", request().to_string());
    assert_eq!(reply.status, 200, "{}", reply.text());
    let statements = reply.json();
    let statements = statements.as_array().unwrap();
    assert_eq!(statements.len(), 13);
    for statement in statements {
        assert_eq!(xapi_violations(statement), Vec::<String>::new());
        assert_eq!(statement["actor"]["account"]["name"], "C-0042");
        // The request's date is when the role-play happened.
        assert_eq!(statement["timestamp"], "2026-11-27T00:00:00Z");
        assert_eq!(
            statement["context"]["extensions"]
                ["https://lrs.example.ac.uk/rolemark/xapi/extensions/rolemark-version"],
            env!("CARGO_PKG_VERSION")
        );
        assert!(statement["object"]["id"]
            .as_str()
            .unwrap()
            .starts_with("https://lrs.example.ac.uk/rolemark/rubrics/challenging-customers"));
    }
    // The same request gives the same statements, ids included.
    let again = app.post("/v1/score/xapi", "application/json", request().to_string());
    assert_eq!(again.body, reply.body);

    let mut anonymous = request();
    anonymous.as_object_mut().unwrap().remove("learner_id");
    app.post("/v1/score/xapi", "application/json", anonymous.to_string())
        .expect_problem(400, "missing-learner-id");
    let raw = app.post(
        "/v1/score/xapi?rubric=challenging-customers&learner_id=C-7",
        "text/plain",
        golden("good-angry.txt"),
    );
    assert_eq!(raw.status, 200, "{}", raw.text());
    // Without a date the LRS stamps the time it receives them.
    assert!(raw.json()[0].get("timestamp").is_none(), "{}", raw.text());

    let mut overridden = request();
    overridden["overrides"] = json!([
        {"criterion": "empathy", "outcome": "not_met", "comment": "Late.",
         "assessor": "AS-0107", "at": "2026-11-27T14:05:00Z"}
    ]);
    let reply = app.post("/v1/score/xapi", "application/json", overridden.to_string());
    let statements = reply.json();
    let record = statements
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            &s["result"]["extensions"]
                ["https://lrs.example.ac.uk/rolemark/xapi/extensions/assessor-override"]
        })
        .find(|r| !r.is_null())
        .expect("the overridden criterion carries the override")
        .clone();
    assert_eq!(record["assessor"], "AS-0107");
    assert_eq!(record["at"], "2026-11-27T14:05:00Z");
}

#[test]
fn the_page_is_served_with_its_assets_and_a_strict_policy() {
    let app = spawn_app();
    let page = app.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type().starts_with("text/html"));
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"));
    for asset in ["/assets/rolemark.js", "/assets/rolemark.css"] {
        assert!(page.text().contains(asset), "the page links {asset}");
        let reply = app.get(asset);
        assert_eq!(reply.status, 200, "{asset}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
    // Nothing outside the service: no absolute addresses in the page or script.
    let script = app.get("/assets/rolemark.js");
    for text in [page.text(), script.text()] {
        assert!(!text.contains("http://") && !text.contains("https://"));
    }
    // The page offers every transcript format the service reads.
    for format in Format::ALL {
        assert!(
            script.text().contains(&format!("\"{}\"", format.name())),
            "the page's format list lacks {}",
            format.name()
        );
    }
    app.post("/", "text/plain", "x")
        .expect_problem(405, "method-not-allowed");
}

#[test]
fn a_transcript_whose_learner_is_unknown_lists_its_speakers() {
    let app = spawn_app();
    let reply = app.score_json(&json!({
        "rubric": "challenging-customers",
        "transcript_text": "Priya Shah: Hello.\nMr. Davis: Hi.",
    }));
    let problem = reply.expect_problem(422, "no-learner");
    assert_eq!(problem["speakers"], json!(["Priya Shah", "Mr. Davis"]));
    assert!(problem.get("suggested").is_none(), "{problem}");
    // The API's own words, not the command line's.
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`learner`") && !detail.contains("--learner"),
        "{detail}"
    );
    // A weak sign is offered as the suggestion, not scored on.
    let reply = app.score_json(&json!({
        "rubric": "challenging-customers",
        "transcript_text": "Priya Shah: Bear with me.\nMr. Davis: Okay.",
    }));
    let problem = reply.expect_problem(422, "no-learner");
    assert_eq!(problem["suggested"], "Priya Shah");
}

#[test]
fn named_speakers_are_told_apart_by_what_they_say() {
    let app = spawn_app();
    let assessment = app
        .score_json(&json!({
            "rubric": "challenging-customers",
            "transcript_text": "Mr. Davis: I've been waiting five weeks for my refund.\nPriya Shah: I'm sorry about that. Can I take your order number and I'll look into it?",
        }))
        .json();
    let guess = &assessment["input"]["roles_guessed"];
    assert_eq!(guess["learner"], "Priya Shah");
    assert_eq!(guess["customer"], "Mr. Davis");
    assert!(guess["confidence"].as_f64().unwrap() >= 0.75, "{guess}");
    assert_eq!(assessment["transcript"]["turns"][0]["role"], "customer");
}

#[test]
fn roles_that_do_not_fit_and_a_missing_customer_are_422_listing_the_speakers() {
    let app = spawn_app();
    let cases = [
        (
            json!({"transcript_text": "Agent: How can I help?\nCustomer: My order is late.", "roles": {"Nobody": "learner"}}),
            "invalid-roles",
        ),
        (
            json!({"transcript_text": "Agent: How can I help?\nBob: Hi.\nCustomer: Late.", "roles": {"Bob": "learner", "Agent": "learner"}}),
            "invalid-roles",
        ),
        (
            json!({"transcript_text": "Learner: How can I help?\nAssessor: My order is late."}),
            "no-customer",
        ),
    ];
    for (mut body, code) in cases {
        body["rubric"] = json!("challenging-customers");
        let problem = app.score_json(&body).expect_problem(422, code);
        assert!(
            problem["speakers"].as_array().unwrap().len() >= 2,
            "{problem}"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("`roles`") || detail.contains("`speakers`"),
            "{detail}"
        );
        assert!(!detail.contains("--role"), "{detail}");
    }
}

#[test]
fn a_scenario_in_the_request_feeds_the_scenario_rules() {
    let app = spawn_app();
    let transcript = "Customer: You've overcharged me for months and I'm furious.\nAgent: I'm really sorry. Under the Northway Promise I can refund £80 to your account today.";
    let mut body = json!({
        "rubric": "challenging-customers",
        "transcript_text": transcript,
        "scenario": {
            "organisation": "Northway Energy",
            "policies": ["Northway Promise"],
            "authority_limit": "refunds up to £50",
        },
    });
    let assessment = app.score_json(&body).json();
    assert_eq!(assessment["scenario"]["organisation"], "Northway Energy");
    let resolution = assessment["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "resolution-within-policy")
        .unwrap()
        .clone();
    assert!(resolution["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["note"] == "offers £80, over the authority limit of £50"));
    let page = score_accepting(&app, "text/html", &body);
    assert!(page.text().contains("Authority limit") && page.text().contains("refunds up to £50"));

    body["scenario"]["authority_limit"] = json!("whatever the manager says");
    let problem = app
        .score_json(&body)
        .expect_problem(400, "invalid-scenario");
    assert!(problem["detail"].as_str().unwrap().contains("no amount"));
    body["scenario"] = json!({"policy": ["typo"]});
    app.score_json(&body).expect_problem(400, "invalid-json");
}
