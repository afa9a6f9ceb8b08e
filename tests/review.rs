//! Thin evidence is flagged, not silently failed: a required criterion that holds
//! the grade down with nothing found for or against it asks for a check of the
//! recording, in the assessment and in every rendering.

use rolemark::engine::{Assessment, Rubric, Scorer};
use rolemark::report::{self, ReportContext, XapiContext};
use rolemark::transcript::{self, RoleHints};

const RUBRIC: &str = r#"
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
[lexicons.rude]
negatable = false
phrases = ["whatever"]

[[criteria]]
id = "empathy"
title = "Shows empathy"
required = true
rule = { says = ["empathy"] }
red_flags = { cues = ["rude"], penalty = 0.5 }

[[criteria]]
id = "solution"
title = "Offers a solution"
rule = { says = ["solution"] }
"#;

fn assess(learner: &str) -> Assessment {
    let rubric = Rubric::compile(RUBRIC).unwrap();
    let text = format!("Customer: My parcel never came.\nAgent: {learner}");
    let transcript = transcript::parse(&text, None, &RoleHints::default()).unwrap();
    Scorer::new(&rubric).score(&transcript)
}

#[test]
fn a_required_criterion_with_no_evidence_that_caps_the_grade_asks_for_review() {
    let assessment = assess("What I can do is send another today.");

    assert_eq!(assessment.overall.grade.as_deref(), Some("not-yet"));
    assert_eq!(assessment.review.len(), 1, "{:?}", assessment.review);
    let note = &assessment.review[0];
    assert_eq!(note.criterion, "empathy");
    assert!(
        note.reason.contains("check the recording"),
        "{}",
        note.reason
    );
    assert!(note.reason.contains("Pass"), "{}", note.reason);
    assert!(!note.looked_for.is_empty());
}

#[test]
fn no_review_when_there_is_evidence_or_the_cap_changes_nothing() {
    // Evidence against: the learner was rude where empathy was wanted.
    let rude = assess("Whatever. What I can do is send another today.");
    assert!(rude.review.is_empty(), "{:?}", rude.review);
    // Nothing earned beyond the cap: failing is not the cap's doing.
    let silent = assess("Okay.");
    assert!(silent.review.is_empty(), "{:?}", silent.review);
    // Met: nothing to check.
    let good = assess("That must be awful. What I can do is send another today.");
    assert!(good.review.is_empty());
}

#[test]
fn every_rendering_shows_the_review() {
    let assessment = assess("What I can do is send another today.");
    let json = serde_json::to_value(&assessment).unwrap();
    assert_eq!(json["review"][0]["criterion"], "empathy");

    let text = report::render_text(&assessment, None);
    assert!(text.contains("Check before you fail (empathy)"), "{text}");

    let context = ReportContext {
        source: None,
        date: "2026-12-04".into(),
    };
    let html = report::render_html(&assessment, &context);
    assert!(html.contains("Check before you fail"), "{html}");

    let csv = report::csv_header() + &report::csv_rows("call.txt", &assessment);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let review_column = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "review")
        .unwrap();
    let reviews: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[review_column].to_owned())
        .collect();
    assert!(reviews[0].contains("check the recording"), "{reviews:?}");
    assert_eq!(reviews[1], "");

    let xapi = report::xapi_statements(
        &assessment,
        &XapiContext {
            base: report::DEFAULT_XAPI_BASE.into(),
            learner_id: "L1".into(),
            account_home: report::DEFAULT_XAPI_BASE.into(),
            transcript_sha256: "0".repeat(64),
        },
    );
    let flagged = xapi
        .iter()
        .filter(|s| s.to_string().contains("check the recording"))
        .count();
    assert_eq!(flagged, 1);
}
