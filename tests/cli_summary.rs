//! `rolemark score --summary`, the real binary: the summary of many files or
//! batch lines agrees with each one's own result, is the same byte for byte
//! however many threads score it, and refuses what it cannot do in one line.

mod support;

use rolemark::rubrics::Registry;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use support::cli::{rolemark, rolemark_stdin, stderr, temp_file};

/// Every golden role-play, in name order.
fn golden_files() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "json"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    files
}

/// A criterion's counts as the summary gives them.
type Counts = [u64; 5];

fn counts_of(criterion: &Value) -> Counts {
    [
        "met",
        "partially_met",
        "not_met",
        "not_applicable",
        "overridden",
    ]
    .map(|key| criterion[key].as_u64().unwrap())
}

/// What the summary of `assessments` should say, worked out from the
/// assessments themselves: each criterion's counts by the outcome that stands
/// (the assessor's, else the system's), and each grade's count.
fn expected_counts(assessments: &[&Value]) -> (Vec<(String, Counts)>, BTreeMap<String, u64>) {
    let mut criteria: Vec<(String, Counts)> = Vec::new();
    let mut grades = BTreeMap::new();
    for a in assessments {
        for c in a["criteria"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            let at = match criteria.iter().position(|(known, _)| known == id) {
                Some(at) => at,
                None => {
                    criteria.push((id.to_owned(), [0; 5]));
                    criteria.len() - 1
                }
            };
            let overridden = c.get("assessor_override");
            let outcome = overridden.map_or(&c["outcome"], |o| &o["outcome"]);
            let column = ["met", "partially_met", "not_met", "not_applicable"]
                .iter()
                .position(|o| outcome == o)
                .unwrap();
            criteria[at].1[column] += 1;
            criteria[at].1[4] += u64::from(overridden.is_some());
        }
        let overall = a.get("overall_after_overrides").unwrap_or(&a["overall"]);
        *grades
            .entry(overall["grade"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    (criteria, grades)
}

fn summary_counts(rubric: &Value) -> (Vec<(String, Counts)>, BTreeMap<String, u64>) {
    let criteria = rubric["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), counts_of(c)))
        .collect();
    let grades = rubric["grades"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["count"] != 0)
        .map(|g| {
            (
                g["grade"].as_str().unwrap().to_owned(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    (criteria, grades)
}

#[test]
fn the_summary_of_the_golden_files_agrees_with_each_files_own_assessment() {
    let files = golden_files();
    let mut args = vec![
        "score",
        "--rubric",
        "challenging-customers",
        "--no-transcript",
    ];
    args.extend(files.iter().map(String::as_str));
    let each = rolemark(&args);
    assert!(each.status.success(), "{}", stderr(&each));
    let records: Vec<Value> = String::from_utf8(each.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let assessments: Vec<&Value> = records.iter().map(|r| &r["assessment"]).collect();
    let passed = assessments
        .iter()
        .filter(|a| a["overall"]["passed"] == true)
        .count();

    args.push("--summary");
    let out = rolemark(&args);

    assert!(out.status.success(), "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["scored"], files.len());
    assert_eq!(summary["not_scored"], 0);
    let rubrics = summary["rubrics"].as_array().unwrap();
    assert_eq!(rubrics.len(), 1);
    let rubric = &rubrics[0];
    assert_eq!(rubric["rubric"], assessments[0]["rubric"]);
    assert_eq!(rubric["scored"], files.len());
    assert_eq!(rubric["passed"], passed);
    assert_eq!(summary_counts(rubric), expected_counts(&assessments));
    // Every band, in the rubric's order, whether anyone earned it or not.
    let registry = Registry::embedded().unwrap();
    let bands: Vec<&str> = registry
        .get("challenging-customers")
        .unwrap()
        .scoring()
        .bands
        .iter()
        .map(|b| b.grade.as_str())
        .collect();
    let grades: Vec<&str> = rubric["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["grade"].as_str().unwrap())
        .collect();
    assert_eq!(grades, bands);
    // Learners are named by file; these golden calls give no review notes.
    let flagged = assessments
        .iter()
        .filter(|a| a.get("review").is_some())
        .count();
    assert_eq!(rubric["review"].as_array().unwrap().len(), flagged);
}

#[test]
fn every_rendering_is_the_same_byte_for_byte_whatever_the_thread_count() {
    let mut files = golden_files();
    files.insert(2, temp_file("latin1.txt", b"Agent: caf\xe9\n"));
    files.push("no-such-file.txt".to_owned());
    for (format, opening) in [
        ("json", "{\n  \"scored\": 10,"),
        (
            "text",
            "Cohort summary: 12 transcripts, 10 scored, 2 not scored\n",
        ),
        (
            "csv",
            "section,rubric_id,rubric_version,rubric_sha256,id,title,",
        ),
        ("html", "<!DOCTYPE html><html lang=\"en-GB\">"),
    ] {
        let run = |jobs: &str| {
            let mut args = vec![
                "score",
                "--rubric",
                "heat",
                "--summary",
                "--format",
                format,
                "--jobs",
                jobs,
            ];
            args.extend(files.iter().map(String::as_str));
            let out = rolemark(&args);
            assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
            String::from_utf8(out.stdout).unwrap()
        };
        let one = run("1");
        assert!(one.starts_with(opening), "{format}: {one}");
        assert_eq!(one, run("4"), "{format}");
    }
}

#[test]
fn files_that_cannot_be_scored_are_listed_by_code_and_the_run_exits_2() {
    let good = golden_files().remove(0);
    let latin1 = temp_file("latin1.txt", b"Agent: caf\xe9\n");
    let missing = temp_file("gone.txt", b"");
    std::fs::remove_file(&missing).unwrap();

    let out = rolemark(&[
        "score",
        "--rubric",
        "heat",
        "--summary",
        &latin1,
        &good,
        &missing,
    ]);

    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("2 of 3 files could not be scored"),
        "{message}"
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["scored"], 1);
    assert_eq!(summary["not_scored"], 2);
    assert_eq!(
        summary["not_scored_by_code"],
        serde_json::json!({"invalid-utf8": 1, "unreadable-file": 1})
    );
    let failures: Vec<(&str, &str)> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["learner"]["label"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failures,
        [
            (latin1.as_str(), "invalid-utf8"),
            (missing.as_str(), "unreadable-file")
        ]
    );
}

#[test]
fn summary_refuses_what_it_cannot_do_with_one_line_and_exit_2() {
    let files = golden_files();
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec![
                "score",
                "--rubric",
                "heat",
                "--summary",
                "--format",
                "xapi",
                "--learner-id",
                "C-1",
                &files[0],
            ],
            "--summary describes a group",
        ),
        (
            vec![
                "score",
                "--rubric",
                "heat",
                "--summary",
                "--override",
                "hear=met:heard it",
                &files[0],
                &files[1],
            ],
            "--override applies to one transcript",
        ),
        (
            vec!["score", "--summary", "--batch", "-", &files[0]],
            "cannot be used with",
        ),
    ];
    for (args, fragment) in cases {
        let out = rolemark(&args);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(fragment), "{args:?}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "{args:?}: {message}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// A rubric whose one required criterion, with nothing said for or against
/// it, holds the grade down: the assessment then asks for a review.
const THIN_EVIDENCE: &str = r#"
id = "thin-evidence"
title = "Thin evidence"
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

#[test]
fn a_batch_summary_agrees_with_its_lines_and_names_flagged_learners_by_their_id() {
    let rubric = temp_file("thin.toml", THIN_EVIDENCE.as_bytes());
    let transcript = "Customer: My parcel never came.\nAgent: What I can do is send another today.";
    let lines = [
        serde_json::json!({"id": "a", "learner_id": "C-0001", "transcript_text": transcript}),
        serde_json::json!({"id": "b", "learner_id": "C-0002", "transcript_text": transcript,
            "overrides": [{"criterion": "empathy", "outcome": "met", "comment": "Heard on the recording.", "assessor": "A. Assessor"}]}),
        serde_json::json!({"id": "c", "transcript_text": transcript,
            "overrides": [{"criterion": "solution", "outcome": "partially_met", "comment": "Vague.", "assessor": "A. Assessor"}]}),
        serde_json::json!({"id": "d", "rubric": "no-such-rubric", "transcript_text": transcript}),
    ]
    .map(|l| l.to_string());
    let body = format!(
        "{}\n{}\n\nnot json\n{}\n{}\n",
        lines[0], lines[1], lines[2], lines[3]
    );

    let each = rolemark_stdin(&["score", "--rubric", &rubric, "--batch", "-"], &body);
    let out = rolemark_stdin(
        &["score", "--rubric", &rubric, "--batch", "-", "--summary"],
        &body,
    );

    assert_eq!(each.status.code(), Some(2), "{}", stderr(&each));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 of 5 request lines could not be scored"),
        "{}",
        stderr(&out)
    );
    let results: Vec<Value> = String::from_utf8(each.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let assessments: Vec<&Value> = results.iter().filter_map(|r| r.get("assessment")).collect();
    assert_eq!(assessments.len(), 3);
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["scored"], 3);
    let rubric = &summary["rubrics"][0];
    assert_eq!(summary_counts(rubric), expected_counts(&assessments));
    // a and c are held down by empathy with no evidence; b's assessor judged it.
    let flagged: Vec<(&str, Option<&str>, u64)> = rubric["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["learner"]["label"].as_str().unwrap(),
                r["learner"]["learner_id"].as_str(),
                r["learner"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(flagged, [("C-0001", Some("C-0001"), 1), ("c", None, 5)]);
    let failed: Vec<(u64, &str)> = results
        .iter()
        .filter_map(|r| Some((r["line"].as_u64()?, r.get("error")?["code"].as_str()?)))
        .collect();
    let listed: Vec<(u64, &str)> = summary["failures"]
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
    assert_eq!(listed, [(4, "invalid-json"), (6, "unknown-rubric")]);
}
