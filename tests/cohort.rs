//! The cohort summary, pure: counts folded from assessments (overrides, not
//! applicable, review flags, grades, failures, several rubrics) and its text,
//! CSV and HTML renderings.

use rolemark::engine::{Assessment, AssessorOverride, Outcome, Rubric, Scorer};
use rolemark::report::cohort::{self, CohortSummary, LearnerRef};
use rolemark::transcript::{self, RoleHints};
use serde_json::Value;

const RUBRIC: &str = r#"
id = "cohort-test"
title = "Parcel complaints"
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
[[scoring.bands]]
grade = "merit"
label = "Merit"
min = 0.8
[[scoring.bands]]
grade = "distinction"
label = "Distinction"
min = 0.9

[lexicons.empathy]
phrases = ["that must be {awful|frustrating}"]
[lexicons.solution]
phrases = ["what I can do is"]
[lexicons.abuse]
negatable = false
phrases = ["you idiot"]
[lexicons.boundary]
negatable = false
phrases = ["please don't speak to me like that"]

[[criteria]]
id = "empathy"
title = "Shows empathy"
required = true
rule = { says = ["empathy"] }

[[criteria]]
id = "solution"
title = "Offers a solution"
rule = { says = ["solution"] }

[[criteria]]
id = "boundaries"
title = "Sets boundaries with an abusive customer"
applies_when = { says = { cues = ["abuse"], by = "customer" } }
rule = { says = ["boundary"] }
"#;

fn rubric() -> Rubric {
    Rubric::compile(RUBRIC).expect("the test rubric compiles")
}

fn assess(
    rubric: &Rubric,
    customer: &str,
    learner: &str,
    overrides: &[(&str, Outcome)],
) -> Assessment {
    let text = format!("Customer: {customer}\nAgent: {learner}");
    let transcript = transcript::parse(&text, None, &RoleHints::default()).expect("parses");
    let scorer = Scorer::new(rubric).without_transcript();
    let overrides: Vec<AssessorOverride> = overrides
        .iter()
        .map(|(criterion, outcome)| AssessorOverride {
            criterion: (*criterion).to_owned(),
            outcome: *outcome,
            comment: "Heard on the recording.".to_owned(),
            assessor: "A. Assessor (AS-0107)".to_owned(),
            at: Some("2026-11-27T14:05:00Z".to_owned()),
        })
        .collect();
    scorer
        .apply_overrides(scorer.score(&transcript), &overrides)
        .expect("overrides apply")
}

fn outcome(a: &Assessment, id: &str) -> Outcome {
    a.criteria.iter().find(|c| c.id == id).unwrap().outcome
}

/// Five learners whose outcomes are checked here before they are counted, so
/// that a change in scoring shows up as a broken fixture, not a wrong count.
fn five_learners(rubric: &Rubric) -> Vec<(LearnerRef, Assessment)> {
    let parcel = "My parcel never came.";
    let abusive = "My parcel never came, you idiot.";
    let both = "That must be awful. What I can do is send another today.";
    let solution_only = "What I can do is send another today.";
    let boundary = "Please don't speak to me like that. That must be frustrating.";

    let a = assess(rubric, parcel, both, &[]);
    assert_eq!(a.overall.grade.as_deref(), Some("distinction"));
    assert_eq!(outcome(&a, "boundaries"), Outcome::NotApplicable);

    // Empathy, required, has no evidence either way and alone caps the grade.
    let b = assess(rubric, parcel, solution_only, &[]);
    assert_eq!(b.overall.grade.as_deref(), Some("not-yet"));
    assert_eq!(b.review.len(), 1, "{:?}", b.review);

    let c = assess(rubric, abusive, boundary, &[]);
    assert_eq!(outcome(&c, "boundaries"), Outcome::Met);
    assert_eq!(outcome(&c, "solution"), Outcome::NotMet);
    assert_eq!(c.overall.grade.as_deref(), Some("pass"));

    // As b, but the assessor heard the empathy: met, and the review note is moot.
    let d = assess(rubric, parcel, solution_only, &[("empathy", Outcome::Met)]);
    assert_eq!(
        d.overall_after_overrides.as_ref().unwrap().grade.as_deref(),
        Some("distinction")
    );
    assert_eq!(d.review.len(), 1, "the system's note stays in the record");

    // As b, with an override elsewhere: the empathy note still stands.
    let e = assess(
        rubric,
        parcel,
        solution_only,
        &[("solution", Outcome::PartiallyMet)],
    );
    assert_eq!(
        e.overall_after_overrides.as_ref().unwrap().grade.as_deref(),
        Some("not-yet")
    );

    vec![
        (LearnerRef::line(1).with_learner_id(Some("C-1")), a),
        (LearnerRef::line(2).with_id(Some("b")), b),
        (LearnerRef::file("c.txt"), c),
        (LearnerRef::line(4).with_learner_id(Some("C-4")), d),
        (
            LearnerRef::line(5)
                .with_learner_id(Some("C-5"))
                .with_id(Some("e")),
            e,
        ),
    ]
}

fn summary_of_five() -> CohortSummary {
    let rubric = rubric();
    let mut summary = CohortSummary::new();
    for (learner, assessment) in five_learners(&rubric) {
        summary.add_scored(learner, &assessment, &rubric);
    }
    summary.add_failed(LearnerRef::line(6), "no-learner");
    summary
}

fn json(summary: &CohortSummary) -> Value {
    serde_json::to_value(summary).unwrap()
}

/// met, partially met, not met, not applicable, overridden.
fn counts(criterion: &Value) -> [u64; 5] {
    [
        "met",
        "partially_met",
        "not_met",
        "not_applicable",
        "overridden",
    ]
    .map(|key| criterion[key].as_u64().unwrap())
}

#[test]
fn criteria_are_counted_by_the_outcome_that_stands_after_overrides() {
    let doc = json(&summary_of_five());

    assert_eq!(doc["scored"], 5);
    let rubric = &doc["rubrics"][0];
    assert_eq!(rubric["rubric"]["id"], "cohort-test");
    assert_eq!(rubric["scored"], 5);
    let criteria = rubric["criteria"].as_array().unwrap();
    let ids: Vec<&str> = criteria.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["empathy", "solution", "boundaries"], "rubric order");
    assert_eq!(criteria[0]["title"], "Shows empathy");
    assert_eq!(criteria[0]["required"], true);
    // a, c, d (overridden to met) met; b, e not.
    assert_eq!(counts(&criteria[0]), [3, 0, 2, 0, 1]);
    // a, b, d met; e overridden to partially met; c not met.
    assert_eq!(counts(&criteria[1]), [3, 1, 1, 0, 1]);
    // Only c's customer was abusive.
    assert_eq!(counts(&criteria[2]), [1, 0, 0, 4, 0]);
}

#[test]
fn grades_are_every_band_in_order_counted_after_overrides() {
    let doc = json(&summary_of_five());

    let rubric = &doc["rubrics"][0];
    let grades: Vec<(&str, &str, bool, u64)> = rubric["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["grade"].as_str().unwrap(),
                g["label"].as_str().unwrap(),
                g["passed"].as_bool().unwrap(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        grades,
        [
            ("not-yet", "Not yet competent", false, 2),
            ("pass", "Pass", true, 1),
            ("merit", "Merit", true, 0),
            ("distinction", "Distinction", true, 2),
        ]
    );
    assert_eq!(rubric["passed"], 3);
}

#[test]
fn review_flags_name_learners_and_leave_out_criteria_the_assessor_overrode() {
    let doc = json(&summary_of_five());

    let review = doc["rubrics"][0]["review"].as_array().unwrap();
    let flagged: Vec<(&str, &str)> = review
        .iter()
        .map(|r| {
            (
                r["learner"]["label"].as_str().unwrap(),
                r["criteria"][0]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(flagged, [("b", "empathy"), ("C-5", "empathy")]);
    assert_eq!(review[0]["criteria"][0]["title"], "Shows empathy");
    assert_eq!(review[1]["learner"]["id"], "e");
    assert_eq!(review[1]["learner"]["line"], 5);
}

#[test]
fn failures_are_counted_by_code_and_listed_in_input_order() {
    let mut summary = CohortSummary::new();
    summary.add_failed(LearnerRef::file("a.txt"), "no-learner");
    summary.add_failed(LearnerRef::file("b.txt"), "unreadable-file");
    summary.add_failed(LearnerRef::file("c.txt"), "no-learner");

    let doc = json(&summary);

    assert_eq!(doc["scored"], 0);
    assert_eq!(doc["not_scored"], 3);
    assert_eq!(
        doc["not_scored_by_code"],
        serde_json::json!({"no-learner": 2, "unreadable-file": 1})
    );
    let listed: Vec<(&str, &str)> = doc["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["learner"]["file"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("a.txt", "no-learner"),
            ("b.txt", "unreadable-file"),
            ("c.txt", "no-learner")
        ]
    );
    assert_eq!(doc["rubrics"], serde_json::json!([]));
}

#[test]
fn each_rubric_and_version_is_summarised_apart_in_id_order() {
    let heat_like = rubric();
    let other = Rubric::compile(&RUBRIC.replace("cohort-test", "another-rubric")).unwrap();
    let newer = Rubric::compile(&RUBRIC.replace("version = \"1\"", "version = \"2\"")).unwrap();
    let mut summary = CohortSummary::new();
    for rubric in [&heat_like, &other, &newer, &heat_like] {
        let assessment = assess(
            rubric,
            "My parcel never came.",
            "What I can do is send another.",
            &[],
        );
        summary.add_scored(LearnerRef::file("x.txt"), &assessment, rubric);
    }

    let doc = json(&summary);

    let groups: Vec<(&str, &str, u64)> = doc["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rubric"]["id"].as_str().unwrap(),
                r["rubric"]["version"].as_str().unwrap(),
                r["scored"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("another-rubric", "1", 1),
            ("cohort-test", "1", 2),
            ("cohort-test", "2", 1)
        ]
    );
    assert_eq!(doc["scored"], 4);
}

#[test]
fn learners_are_labelled_by_learner_id_then_line_id_then_file_then_line() {
    let cases = [
        (LearnerRef::line(3), "line 3", None),
        (
            LearnerRef::line(3).with_id(Some("b7")),
            "b7",
            Some("line 3"),
        ),
        (
            LearnerRef::line(3)
                .with_id(Some("b7"))
                .with_learner_id(Some("C-9")),
            "C-9",
            Some("line 3"),
        ),
        (
            LearnerRef::line(3).with_learner_id(Some("  ")),
            "line 3",
            None,
        ),
        (LearnerRef::file("a.vtt"), "a.vtt", None),
        (
            LearnerRef::file("a.vtt").with_learner_id(Some("C-9")),
            "C-9",
            Some("a.vtt"),
        ),
    ];
    for (learner, label, locator) in cases {
        assert_eq!(learner.label, label, "{learner:?}");
        assert_eq!(learner.locator().as_deref(), locator, "{learner:?}");
    }
}

#[test]
fn the_json_document_keeps_its_documented_key_order() {
    let text = serde_json::to_string(&summary_of_five()).unwrap();

    let keys = [
        "\"scored\"",
        "\"not_scored\"",
        "\"not_scored_by_code\"",
        "\"rubrics\"",
        "\"failures\"",
    ];
    let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    let rubric = &text[text.find("\"rubrics\"").unwrap()..];
    let keys = [
        "\"rubric\"",
        "\"scored\"",
        "\"passed\"",
        "\"criteria\"",
        "\"grades\"",
        "\"review\"",
    ];
    let at: Vec<usize> = keys.iter().map(|k| rubric.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{rubric}");
}

#[test]
fn text_is_a_table_per_rubric_then_grades_flags_and_failures() {
    let text = cohort::render_text(&summary_of_five());

    assert!(
        text.starts_with("Cohort summary: 6 transcripts, 5 scored, 1 not scored\n"),
        "{text}"
    );
    assert!(
        text.contains("Rubric: Parcel complaints (cohort-test 1, sha256 "),
        "{text}"
    );
    let row = |name: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row {name}: {text}"));
        line[name.len()..]
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(row("empathy *"), ["3", "0", "2", "0", "1"]);
    assert_eq!(row("solution"), ["3", "1", "1", "0", "1"]);
    assert_eq!(row("boundaries"), ["1", "0", "0", "4", "0"]);
    assert!(
        text.contains("Grades: Not yet competent 2, Pass 1, Merit 0, Distinction 2\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "Check before you fail (2):\n  b (line 2): empathy\n  C-5 (line 5): empathy\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Not scored (1): no-learner 1\n  line 6: no-learner\n"),
        "{text}"
    );
}

/// A summary whose learners' ids are what a hostile request could send.
fn summary_with_hostile_ids() -> CohortSummary {
    let mut summary = summary_of_five();
    let rubric = rubric();
    let flagged = assess(
        &rubric,
        "My parcel never came.",
        "What I can do is send another today.",
        &[],
    );
    summary.add_scored(
        LearnerRef::line(7).with_learner_id(Some("<script>alert('x')</script>")),
        &flagged,
        &rubric,
    );
    summary.add_failed(
        LearnerRef::line(8).with_learner_id(Some("=HYPERLINK(\"http://evil.invalid\")")),
        "invalid-transcript",
    );
    summary
}

#[test]
fn csv_has_a_row_per_criterion_with_counts_and_cells_safe_from_formulas() {
    let text = cohort::render_csv(&summary_with_hostile_ids());

    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "section",
            "rubric_id",
            "rubric_version",
            "rubric_sha256",
            "id",
            "title",
            "required",
            "met",
            "partially_met",
            "not_met",
            "not_applicable",
            "overridden",
            "count",
            "learner",
            "learner_id",
            "file",
            "line",
            "code"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let section = |name: &str| rows.iter().filter(|r| r[0] == name).collect::<Vec<_>>();
    let criteria = section("criterion");
    assert_eq!(criteria.len(), 3);
    // empathy: a, c and d met; b, e and the seventh learner not.
    assert_eq!(
        criteria[0][4..13],
        [
            "empathy",
            "Shows empathy",
            "true",
            "3",
            "0",
            "3",
            "0",
            "1",
            "6"
        ]
    );
    assert_eq!(criteria[2][4], "boundaries");
    assert_eq!(criteria[2][10], "5");
    let grades = section("grade");
    assert_eq!(grades.len(), 4);
    assert_eq!(grades[0][4..6], ["not-yet", "Not yet competent"]);
    assert_eq!(grades[0][12], "3");
    let review = section("review");
    assert_eq!(review.len(), 3);
    assert_eq!(review[2][13], "<script>alert('x')</script>");
    let failed = section("not_scored");
    assert_eq!(failed.len(), 2);
    // Marked as text, so a spreadsheet shows the id instead of running it.
    assert_eq!(failed[1][13], "'=HYPERLINK(\"http://evil.invalid\")");
    assert_eq!(failed[1][16], "8");
    assert_eq!(failed[1][17], "invalid-transcript");
}

#[test]
fn html_is_a_printable_page_that_escapes_what_requests_named() {
    let page = cohort::render_html(&summary_with_hostile_ids());

    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..100]);
    assert!(page.contains("<h1>Cohort summary</h1>"), "{page}");
    assert!(
        page.contains("@page { size: A4"),
        "the report's print style"
    );
    assert!(!page.contains("<script"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("=HYPERLINK(&quot;http://evil.invalid&quot;)"),
        "{page}"
    );
    assert!(page.contains("<th scope=\"row\">Shows empathy <span class=\"required\">required</span></th><td>3</td><td>0</td><td>3</td><td>0</td><td>1</td>"), "{page}");
    assert!(
        page.contains("<th scope=\"row\">Merit</th><td>0</td>"),
        "{page}"
    );
    assert!(page.contains("<code>invalid-transcript</code>"), "{page}");
}
