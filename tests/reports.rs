//! Reports and exports: the printable HTML report, CSV, xAPI statements and
//! assessor overrides, from the library and from the real binary.

mod support;

use rolemark::engine::{Assessment, AssessorOverride, Audit, Outcome, Scorer};
use rolemark::report::{self, ReportContext, XapiContext};
use rolemark::transcript::{self, RoleHints};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};
use support::registry;
use support::xapi::xapi_violations;

fn golden_path(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
        .display()
        .to_string()
}

fn scored(text: &str) -> Assessment {
    let rubric = registry()
        .get("challenging-customers")
        .expect("seed rubric");
    let transcript = transcript::parse(text, None, &RoleHints::default()).expect("parses");
    Scorer::new(rubric).score(&transcript)
}

fn golden_assessment() -> Assessment {
    scored(&std::fs::read_to_string(golden_path("good-angry.txt")).unwrap())
}

fn overridden(assessment: Assessment, overrides: &[AssessorOverride]) -> Assessment {
    let rubric = registry().get("challenging-customers").unwrap();
    Scorer::new(rubric)
        .apply_overrides(assessment, overrides)
        .expect("overrides apply")
}

fn rolemark(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A bad-input failure: exit 2 and one line on stderr.
fn refusal(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let message = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    message
}

fn override_of(criterion: &str, outcome: Outcome, comment: &str) -> AssessorOverride {
    AssessorOverride {
        criterion: criterion.into(),
        outcome,
        comment: comment.into(),
        assessor: "AS-0107".into(),
        at: Some("2026-11-27T14:05:00Z".into()),
    }
}

/// What the score use-case records of the golden role-play for learner C-0042.
fn golden_audit() -> Audit {
    Audit {
        learner_id: Some("C-0042".into()),
        date: Some("2026-11-27".into()),
        ..Audit::of_transcript(&std::fs::read_to_string(golden_path("good-angry.txt")).unwrap())
    }
}

fn sha256_of_file(path: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn an_override_keeps_the_system_outcome_and_regrades() {
    let system = golden_assessment();
    let empathy = system.criteria.iter().find(|c| c.id == "empathy").unwrap();
    assert_eq!(empathy.outcome, Outcome::Met);
    let after = overridden(
        system.clone(),
        &[override_of(
            "empathy",
            Outcome::NotMet,
            "Empathy came after the fix.",
        )],
    );
    let empathy = after.criteria.iter().find(|c| c.id == "empathy").unwrap();
    assert_eq!(empathy.outcome, Outcome::Met, "the system's outcome stays");
    assert_eq!(empathy.final_outcome(), Outcome::NotMet);
    let record = empathy.assessor_override.as_ref().unwrap();
    assert_eq!(record.comment, "Empathy came after the fix.");
    assert_eq!(record.assessor, "AS-0107");
    assert_eq!(record.at.as_deref(), Some("2026-11-27T14:05:00Z"));
    assert_eq!(record.score, Some(0.0));
    assert_eq!(after.overall, system.overall, "the system's grade stays");
    let regraded = after.overall_after_overrides.as_ref().unwrap();
    assert!(regraded.score < system.overall.score);
    assert_eq!(regraded.not_met, system.overall.not_met + 1);
    // Empathy is required: not met caps the grade at the rubric's cap.
    assert!(regraded.capped_by.contains(&"empathy".to_owned()));
    assert!(!regraded.passed);
}

#[test]
fn overrides_are_checked() {
    let rubric = registry().get("challenging-customers").unwrap();
    let scorer = Scorer::new(rubric);
    let cases = [
        (
            vec![override_of("empathyy", Outcome::Met, "x")],
            "no criterion `empathyy`",
        ),
        (
            vec![override_of("empathy", Outcome::Met, "  ")],
            "a comment saying why is required",
        ),
        (
            vec![
                override_of("empathy", Outcome::Met, "a"),
                override_of("empathy", Outcome::NotMet, "b"),
            ],
            "overridden twice",
        ),
        (
            vec![AssessorOverride {
                assessor: " ".into(),
                ..override_of("empathy", Outcome::Met, "a")
            }],
            "override 1 (`empathy`): `assessor` is required",
        ),
        (
            vec![
                override_of("boundaries", Outcome::Met, "a"),
                AssessorOverride {
                    at: Some("2026-11-27 2pm".into()),
                    ..override_of("empathy", Outcome::Met, "a")
                },
            ],
            "override 2 (`empathy`): `at` should be an RFC 3339 time",
        ),
    ];
    for (overrides, expected) in cases {
        let error = scorer
            .apply_overrides(golden_assessment(), &overrides)
            .unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
    // No overrides: the assessment is untouched, with no second grade.
    let untouched = scorer.apply_overrides(golden_assessment(), &[]).unwrap();
    assert_eq!(untouched, golden_assessment());
    assert!(untouched.overall_after_overrides.is_none());
}

#[test]
fn a_partially_met_override_takes_the_middle_of_the_partial_range() {
    let after = overridden(
        golden_assessment(),
        &[override_of(
            "empathy",
            Outcome::PartiallyMet,
            "Named the feeling once, late.",
        )],
    );
    let record = after.criteria.iter().find(|c| c.id == "empathy").unwrap();
    let score = record.assessor_override.as_ref().unwrap().score.unwrap();
    // The seed rubric's partially-met range is [0.5, 0.8).
    assert!((0.5..0.8).contains(&score), "{score}");
}

#[test]
fn the_html_report_names_the_rubric_learner_date_and_quotes_exactly() {
    let assessment = overridden(
        golden_assessment().with_audit(golden_audit()),
        &[override_of(
            "boundaries",
            Outcome::Met,
            "Set a calm limit <b>twice</b> & kept going.",
        )],
    );
    let page = report::render_html(
        &assessment,
        &ReportContext {
            source: Some("good-angry.txt".into()),
            date: "2026-11-27".into(),
        },
    );
    assert!(page.starts_with("<!DOCTYPE html>"));
    let audit = golden_audit();
    let rubric_at_version = format!("{}@{}", assessment.rubric.id, assessment.rubric.version);
    let scored_by = format!("rolemark {}", env!("CARGO_PKG_VERSION"));
    for expected in [
        "Priya",
        "C-0042",
        "2026-11-27",
        "good-angry.txt",
        &rubric_at_version,
        &assessment.rubric.sha256,
        &audit.transcript_sha256,
        &scored_by,
        &assessment.overall.grade_label,
        "@page { size: A4",
        "Assessor override",
        "By AS-0107 at <time datetime=\"2026-11-27T14:05:00Z\">",
        "1 criterion, by AS-0107",
        // The comment is escaped, never markup.
        "Set a calm limit &lt;b&gt;twice&lt;/b&gt; &amp; kept going.",
    ] {
        assert!(
            page.contains(expected),
            "the report should contain {expected}"
        );
    }
    for criterion in &assessment.criteria {
        assert!(page.contains(&maud::html! { (criterion.title) }.into_string()));
        for e in &criterion.evidence {
            let quote = maud::html! { (e.quote.quote) }.into_string();
            assert!(page.contains(&format!("<blockquote>{quote}</blockquote>")));
            assert!(page.contains(&format!("Turn {}", e.quote.turn)));
        }
    }
    assert!(!page.contains("<script"), "the report runs nothing");
}

#[test]
fn markup_in_a_transcript_is_shown_as_text() {
    let assessment = scored(
        "Customer: This is <script>alert(1)</script> ridiculous, I'm furious!\n\
         Agent: I'm so sorry, I can hear how frustrating <b>this</b> is.",
    );
    let page = report::render_html(&assessment, &ReportContext::default());
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;b&gt;this&lt;/b&gt;"));
}

#[test]
fn csv_has_one_row_per_criterion_and_guards_against_formulas() {
    let assessment = scored(
        &json!({"turns": [
            {"speaker": "Mr Daniels", "role": "customer", "text": "This is ridiculous, I'm furious!"},
            {"speaker": "=HYPERLINK(\"x\")", "role": "learner", "text": "I'm so sorry, I can hear how frustrating this is."},
        ]})
        .to_string(),
    );
    let text = report::csv_header() + &report::csv_rows("+call.txt", &assessment);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), assessment.criteria.len());
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for (row, criterion) in rows.iter().zip(&assessment.criteria) {
        assert_eq!(&row[column("file")], "'+call.txt");
        assert_eq!(&row[column("learner")], "'=HYPERLINK(\"x\")");
        assert_eq!(&row[column("criterion_id")], criterion.id);
        assert_eq!(&row[column("outcome")], criterion.outcome.as_str());
        assert_eq!(&row[column("rubric_sha256")], assessment.rubric.sha256);
        for e in &criterion.evidence {
            assert!(row[column("quotes")].contains(&e.quote.quote));
        }
    }
}

fn xapi_context() -> XapiContext {
    XapiContext {
        base: report::DEFAULT_XAPI_BASE.into(),
        learner_id: "candidate-0042".into(),
        account_home: "https://portfolio.example.ac.uk".into(),
        transcript_sha256: "cd".repeat(32),
    }
}

#[test]
fn xapi_statements_follow_the_statement_rules() {
    let assessment = overridden(
        golden_assessment(),
        &[override_of(
            "boundaries",
            Outcome::NotApplicable,
            "No abuse in this role-play.",
        )],
    );
    let statements = report::xapi_statements(&assessment, &xapi_context());
    assert_eq!(statements.len(), assessment.criteria.len() + 1);
    for statement in &statements {
        assert_eq!(
            xapi_violations(statement),
            Vec::<String>::new(),
            "{statement:#}"
        );
        assert_eq!(statement["actor"]["account"]["name"], "candidate-0042");
        assert_eq!(
            statement["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/scored"
        );
        assert_eq!(statement["version"], report::XAPI_VERSION);
    }
    let ids: std::collections::BTreeSet<&str> = statements
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        statements.len(),
        "every statement has its own id"
    );
    for (statement, criterion) in statements.iter().zip(&assessment.criteria) {
        assert_eq!(
            statement["object"]["id"],
            format!(
                "https://rolemark.invalid/rubrics/challenging-customers/criteria/{}",
                criterion.id
            )
        );
        let outcome = criterion.final_outcome();
        let result = &statement["result"];
        let ext = |name: &str| {
            &result["extensions"][format!("https://rolemark.invalid/xapi/extensions/{name}")]
        };
        assert_eq!(ext("outcome"), &json!(outcome));
        if outcome == Outcome::NotApplicable {
            assert!(result.get("success").is_none() && result.get("score").is_none());
        } else {
            assert_eq!(result["success"], outcome == Outcome::Met);
            assert_eq!(result["score"]["scaled"], json!(criterion.score.unwrap()));
        }
        let evidence = ext("evidence").as_array().unwrap();
        assert_eq!(evidence.len(), criterion.evidence.len());
        for (record, e) in evidence.iter().zip(&criterion.evidence) {
            assert_eq!(record["quote"], e.quote.quote);
            assert_eq!(record["turn"], e.quote.turn);
        }
    }
    let whole = statements.last().unwrap();
    let overall = assessment.overall_after_overrides.as_ref().unwrap();
    assert_eq!(whole["result"]["score"]["scaled"], json!(overall.score));
    assert_eq!(whole["result"]["success"], overall.passed);
}

#[test]
fn xapi_statement_ids_are_stable_and_depend_on_learner_and_transcript() {
    let assessment = golden_assessment();
    let ids = |context: &XapiContext| -> Vec<Value> {
        report::xapi_statements(&assessment, context)
            .iter()
            .map(|s| s["id"].clone())
            .collect()
    };
    let first = ids(&xapi_context());
    assert_eq!(first, ids(&xapi_context()));
    let mut other_learner = xapi_context();
    other_learner.learner_id = "candidate-0043".into();
    assert!(first.iter().zip(ids(&other_learner)).all(|(a, b)| *a != b));
    let mut other_transcript = xapi_context();
    other_transcript.transcript_sha256 = "ef".repeat(32);
    assert!(first
        .iter()
        .zip(ids(&other_transcript))
        .all(|(a, b)| *a != b));
}

#[test]
fn the_statement_checker_catches_broken_statements() {
    let good = report::xapi_statements(&golden_assessment(), &xapi_context())
        .pop()
        .unwrap();
    assert!(xapi_violations(&good).is_empty());
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 8] = [
        ("two identifiers", |s| {
            s["actor"]["mbox"] = json!("mailto:a@b.c")
        }),
        ("score out of range", |s| {
            s["result"]["score"]["scaled"] = json!(1.5)
        }),
        ("a null", |s| s["result"]["success"] = Value::Null),
        ("a bad id", |s| s["id"] = json!("not-a-uuid")),
        ("a relative activity id", |s| {
            s["object"]["id"] = json!("rubrics/x")
        }),
        ("an extension key that is no IRI", |s| {
            s["result"]["extensions"]["grade"] = json!(1)
        }),
        ("a timestamp that is only a date", |s| {
            s["timestamp"] = json!("2026-11-27")
        }),
        ("a timestamp without an offset", |s| {
            s["timestamp"] = json!("2026-11-27T00:00:00")
        }),
    ];
    for (what, breakage) in breakages {
        let mut broken = good.clone();
        breakage(&mut broken);
        assert!(
            !xapi_violations(&broken).is_empty(),
            "{what} should be caught"
        );
    }
}

#[test]
fn cli_html_report_with_an_override() {
    let golden = golden_path("good-angry.txt");
    let args = [
        "score",
        "--rubric",
        "challenging-customers",
        "--format",
        "html",
        "--date",
        "2026-11-27",
        "--learner-id",
        "C-0042",
        "--override",
        "empathy=not_met:Empathy only after the solution.",
        "--assessor",
        "AS-0107",
        // Timed, so that two runs give the same bytes.
        "--overridden-at",
        "2026-11-27T14:05:00Z",
        &golden,
    ];
    let page = stdout(&rolemark(&args));
    assert!(page.contains("2026-11-27") && page.contains("C-0042"));
    assert!(
        page.contains("Assessor override") && page.contains("Empathy only after the solution.")
    );
    assert!(
        page.contains("By AS-0107 at"),
        "the report says who and when"
    );
    assert!(page.contains(&sha256_of_file(&golden)));
    assert!(page.contains("After the assessor's overrides"));
    assert_eq!(
        page,
        stdout(&rolemark(&args)),
        "the same inputs give the same bytes"
    );
}

#[test]
fn cli_csv_scores_many_files_under_one_header_with_error_rows() {
    let missing = golden_path("no-such-file.txt");
    let out = rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        "--format",
        "csv",
        &golden_path("good-angry.txt"),
        &missing,
        &golden_path("defensive.txt"),
    ]);
    assert_eq!(out.status.code(), Some(2), "a file failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let criteria = registry()
        .get("challenging-customers")
        .unwrap()
        .criteria()
        .len();
    assert_eq!(rows.len(), 2 * criteria + 1);
    assert_eq!(text.matches("file,learner,learner_id,rubric_id").count(), 1);
    let error_rows: Vec<_> = rows.iter().filter(|r| r[0] == *missing).collect();
    assert_eq!(error_rows.len(), 1);
    assert!(error_rows[0][error_rows[0].len() - 1].contains("cannot read"));
}

#[test]
fn cli_xapi_statements_are_valid_and_need_a_learner_id() {
    let out = rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        "--format",
        "xapi",
        "--learner-id",
        "C-0042",
        "--xapi-base",
        "https://lrs.example.ac.uk/rolemark",
        &golden_path("good-angry.txt"),
    ]);
    let statements: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(!statements.is_empty());
    for statement in &statements {
        assert_eq!(xapi_violations(statement), Vec::<String>::new());
        assert!(statement["object"]["id"]
            .as_str()
            .unwrap()
            .starts_with("https://lrs.example.ac.uk/rolemark/rubrics/challenging-customers"));
        assert_eq!(
            statement["actor"]["account"]["homePage"],
            "https://lrs.example.ac.uk/rolemark"
        );
    }

    let golden = golden_path("good-angry.txt");
    let refusals: [(&[&str], &str); 12] = [
        (&["--format", "xapi", &golden], "--learner-id"),
        (
            &["--format", "xapi", "--learner-id", "a", &golden, &golden],
            "one learner",
        ),
        (&["--format", "html", &golden, &golden], "one transcript"),
        (
            &[
                "--override",
                "empathy=met:ok",
                "--assessor",
                "a",
                &golden,
                &golden,
            ],
            "one transcript",
        ),
        (&["--override", "empathy=great:ok", &golden], "outcome"),
        (
            &["--override", "empathy=met: ", "--assessor", "a", &golden],
            "comment",
        ),
        (
            &["--override", "empathy=met:ok", &golden],
            "--override needs --assessor NAME",
        ),
        (
            &["--override", "empathy=met:ok", "--assessor", " ", &golden],
            "--override needs --assessor NAME",
        ),
        (&["--assessor", "a", &golden], "give an --override"),
        (
            &[
                "--override",
                "empathy=met:ok",
                "--assessor",
                "a",
                "--overridden-at",
                "2026-11-27 14:05",
                &golden,
            ],
            "RFC 3339",
        ),
        (&["--date", "2026-02-30", &golden], "YYYY-MM-DD"),
        (
            &[
                "--format",
                "xapi",
                "--learner-id",
                "a",
                "--xapi-base",
                "lrs.example.ac.uk",
                &golden,
            ],
            "absolute http(s) address",
        ),
    ];
    for (args, expected) in refusals {
        let mut all = vec!["score", "--rubric", "challenging-customers"];
        all.extend_from_slice(args);
        let message = refusal(&rolemark(&all));
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

#[test]
fn cli_text_report_shows_an_override_and_the_regraded_result() {
    let out = rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        "--format",
        "text",
        "--override",
        "empathy=not_met:Empathy only after the solution.",
        "--assessor",
        "AS-0107",
        "--overridden-at",
        "2026-11-27T14:05:00+01:00",
        &golden_path("good-angry.txt"),
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("assessor override: NOT MET (Empathy only after the solution.), by AS-0107 at 2026-11-27T13:05:00Z"),
        "{text}"
    );
    assert!(text.contains("After the assessor's overrides:"), "{text}");
}

#[test]
fn feedback_and_references_reach_every_rendering() {
    let rubric = registry().get("heat").unwrap();
    let transcript = transcript::parse(
        "Customer: My heating has been broken for a week!\nAgent: What's your postcode?",
        None,
        &RoleHints::default(),
    )
    .unwrap();
    let mut assessment = Scorer::new(rubric).score(&transcript);
    assessment.criteria[0].references = vec!["KSB S6".into()];
    let unmet = assessment
        .criteria
        .iter()
        .find(|c| c.feedback.is_some())
        .expect("a criterion with feedback")
        .clone();
    let feedback = unmet.feedback.as_deref().unwrap();
    let text = report::render_text(&assessment, None);
    assert!(text.contains(&format!("feedback for the learner: {feedback}")));
    assert!(text.contains("evidences: KSB S6"));
    let page = report::render_html(&assessment, &ReportContext::default());
    assert!(page.contains(&maud::html! { (feedback) }.into_string()));
    assert!(page.contains("evidences KSB S6"));
    let csv = report::csv_header() + &report::csv_rows("call.txt", &assessment);
    assert!(csv.contains("KSB S6"));
    let statements = report::xapi_statements(&assessment, &xapi_context());
    assert_eq!(
        statements[0]["object"]["definition"]["extensions"]
            ["https://rolemark.invalid/xapi/extensions/references"],
        json!(["KSB S6"])
    );
    assert!(xapi_violations(&statements[0]).is_empty());
}

#[test]
fn xapi_statements_carry_a_timestamp_only_when_the_date_is_known() {
    let dated = golden_assessment().with_audit(golden_audit());
    let statements = report::xapi_statements(&dated, &xapi_context());
    for statement in &statements {
        assert_eq!(statement["timestamp"], "2026-11-27T00:00:00Z");
        assert_eq!(
            statement["context"]["extensions"]
                ["https://rolemark.invalid/xapi/extensions/rolemark-version"],
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(xapi_violations(statement), Vec::<String>::new());
    }

    let undated = golden_assessment().with_audit(Audit {
        date: None,
        ..golden_audit()
    });
    for statement in report::xapi_statements(&undated, &xapi_context()) {
        assert!(statement.get("timestamp").is_none(), "{statement:#}");
    }
    // The timestamp says when, not which: the statement ids stay the same.
    let ids = |a: &Assessment| -> Vec<Value> {
        report::xapi_statements(a, &xapi_context())
            .iter()
            .map(|s| s["id"].clone())
            .collect()
    };
    assert_eq!(ids(&dated), ids(&undated));
}

#[test]
fn cli_json_records_learner_date_transcript_digest_and_rolemark_version() {
    let golden = golden_path("good-angry.txt");
    let out = rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        "--learner-id",
        "C-0042",
        "--date",
        "2026-11-27",
        "--override",
        "empathy=not_met:Empathy only after the solution.",
        "--assessor",
        "AS-0107",
        "--overridden-at",
        "2026-11-27T14:05:00Z",
        &golden,
    ]);
    let assessment: Value = serde_json::from_str(&stdout(&out)).unwrap();

    let audit = &assessment["audit"];
    assert_eq!(audit["learner_id"], "C-0042");
    assert_eq!(audit["date"], "2026-11-27");
    // What `sha256sum` prints for the file.
    assert_eq!(audit["transcript_sha256"], sha256_of_file(&golden));
    assert_eq!(audit["rolemark_version"], env!("CARGO_PKG_VERSION"));
    let empathy = assessment["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "empathy")
        .unwrap();
    assert_eq!(
        empathy["assessor_override"],
        json!({
            "outcome": "not_met", "score": 0.0, "comment": "Empathy only after the solution.",
            "assessor": "AS-0107", "at": "2026-11-27T14:05:00Z",
        })
    );
}

#[test]
fn cli_text_report_names_the_learner_day_transcript_and_rolemark() {
    let golden = golden_path("good-angry.txt");
    let text = stdout(&rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        "--format",
        "text",
        "--learner-id",
        "C-0042",
        "--date",
        "2026-11-27",
        &golden,
    ]));
    let rubric = registry().get("challenging-customers").unwrap();
    for expected in [
        "Learner id: C-0042\n".to_owned(),
        "Date: 2026-11-27\n".to_owned(),
        format!(
            "Transcript sha256: {} (rolemark {})\n",
            &sha256_of_file(&golden)[..12],
            env!("CARGO_PKG_VERSION")
        ),
        format!("({}@{}, sha256 ", rubric.id(), rubric.version()),
    ] {
        assert!(text.contains(&expected), "{expected:?} in {text}");
    }
}

#[test]
fn cli_csv_carries_the_learner_id_and_who_overrode_when() {
    let out = rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        "--format",
        "csv",
        "--learner-id",
        "C-0042",
        "--override",
        "empathy=not_met:Empathy only after the solution.",
        "--assessor",
        "AS-0107",
        "--overridden-at",
        "2026-11-27T14:05:00Z",
        &golden_path("good-angry.txt"),
    ]);
    let text = stdout(&out);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let header: Vec<&str> = headers.iter().collect();
    assert_eq!(&header[..3], ["file", "learner", "learner_id"]);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    assert_eq!(column("assessor"), column("assessor_comment") + 1);
    assert_eq!(column("assessor_at"), column("assessor") + 1);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(&row[column("learner_id")], "C-0042");
        let overridden = &row[column("criterion_id")] == "empathy";
        let (who, when) = if overridden {
            ("AS-0107", "2026-11-27T14:05:00Z")
        } else {
            ("", "")
        };
        assert_eq!(&row[column("assessor")], who);
        assert_eq!(&row[column("assessor_at")], when);
    }
    assert!(rows.iter().any(|r| &r[column("criterion_id")] == "empathy"));
}
