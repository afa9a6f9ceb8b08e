//! Golden role-plays: hand-written transcripts scored against the seed rubrics, with
//! the outcomes an experienced assessor gives them. The expectations live in
//! `tests/golden/EXPECTED.md` (its summary table), so the document an assessor reads
//! and the test that enforces it cannot drift apart.

mod support;

use rolemark::engine::{Assessment, Outcome, Scorer};
use rolemark::transcript::{self, RoleHints};
use std::collections::BTreeMap;
use std::path::PathBuf;
use support::registry;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The summary table of `EXPECTED.md`: row name -> (fixture file -> cell).
fn expected_table() -> BTreeMap<String, BTreeMap<String, String>> {
    support::summary_table(&golden_dir().join("EXPECTED.md"))
}

fn score(rubric: &str, file: &str, learner: &str) -> Assessment {
    let registry = registry();
    let input = std::fs::read_to_string(golden_dir().join(file)).unwrap();
    let hints = RoleHints {
        learner: Some(learner.to_owned()),
        ..Default::default()
    };
    let transcript = transcript::parse(&input, None, &hints).unwrap();
    Scorer::new(registry.get(rubric).unwrap()).score(&transcript)
}

fn outcome_name(outcome: Outcome) -> &'static str {
    outcome.as_str()
}

#[test]
fn challenging_customers_outcomes_match_the_assessor() {
    let table = expected_table();
    let learners = &table["learner (--learner)"];
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (file, learner) in learners {
        let assessment = score("challenging-customers", file, learner);
        for criterion in &assessment.criteria {
            let expected = &table[&criterion.id][file];
            checked += 1;
            if outcome_name(criterion.outcome) != expected {
                mismatches.push(format!(
                    "{file} {}: expected {expected}, got {} (score {:?})",
                    criterion.id,
                    outcome_name(criterion.outcome),
                    criterion.score
                ));
            }
        }
    }
    assert_eq!(checked, 120);
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn customer_behaviour_matches_the_assessor() {
    let table = expected_table();
    let learners = &table["learner (--learner)"];
    for (file, learner) in learners {
        let assessment = score("challenging-customers", file, learner);
        let shown: Vec<&str> = assessment
            .customer_behaviour
            .iter()
            .filter(|b| b.shown)
            .map(|b| b.id.as_str())
            .collect();
        let expected: Vec<&str> = table["customer behaviour"][file].split(", ").collect();
        for behaviour in &expected {
            assert!(
                shown.contains(behaviour),
                "{file}: expected {behaviour}, shown {shown:?}"
            );
        }
        // Calling a customer abusive when they were not is the costly mistake.
        if !expected.contains(&"abusive") {
            assert!(
                !shown.contains(&"abusive"),
                "{file}: abusive shown, expected {expected:?}"
            );
        }
    }
}

#[test]
fn heat_order_matches_the_assessor() {
    let table = expected_table();
    let learners = &table["learner (--learner)"];
    let mut mismatches = Vec::new();
    for (file, learner) in learners {
        let assessment = score("heat", file, learner);
        let order = assessment
            .criteria
            .iter()
            .find(|c| c.id == "heat-order")
            .unwrap();
        let expected_met = table["HEAT"][file] == "met";
        if (order.outcome == Outcome::Met) != expected_met {
            mismatches.push(format!(
                "{file}: expected HEAT {}, got {:?}",
                table["HEAT"][file], order.outcome
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn the_key_evidence_an_assessor_names_is_quoted() {
    // Spot checks of exact quotes, offsets included.
    let a = score("challenging-customers", "good-angry.txt", "Priya");
    let find = |id: &str| a.criteria.iter().find(|c| c.id == id).unwrap();
    let listening = find("active-listening");
    assert!(
        listening.evidence.iter().any(|e| e
            .quote
            .quote
            .starts_with("So if I've understood correctly, you closed your account")),
        "{:#?}",
        listening.evidence
    );
    let satisfaction = find("follow-up-satisfaction");
    assert!(satisfaction
        .evidence
        .iter()
        .any(|e| e.quote.quote == "Are you happy with how we've left things, Mr Daniels?"));
}

#[test]
fn text_and_json_transcripts_of_one_role_play_score_identically() {
    let text = score("challenging-customers", "good-angry.txt", "Priya");
    let json = score("challenging-customers", "good-angry.json", "Priya");
    assert_eq!(text.overall, json.overall);
    for (a, b) in text.criteria.iter().zip(&json.criteria) {
        assert_eq!((a.outcome, a.score), (b.outcome, b.score), "{}", a.id);
        let quotes = |c: &rolemark::engine::CriterionResult| -> Vec<(usize, String)> {
            c.evidence
                .iter()
                .map(|e| (e.quote.turn, e.quote.quote.clone()))
                .collect()
        };
        assert_eq!(quotes(a), quotes(b), "{}", a.id);
    }
}

#[test]
fn complaint_handling_separates_good_from_poor_handling() {
    let good = score("complaint-handling", "good-angry.txt", "Priya");
    let poor = score("complaint-handling", "defensive.txt", "Agent");
    assert!(
        good.overall.score.unwrap_or_default() > 0.7,
        "good scored {:?}",
        good.overall.score
    );
    assert!(
        poor.overall.score.unwrap_or_default() < 0.35,
        "poor scored {:?}",
        poor.overall.score
    );
    assert_ne!(good.overall.grade, poor.overall.grade);
}

#[test]
fn grades_rank_good_above_poor_handling() {
    let good = score("challenging-customers", "good-angry.txt", "Priya");
    let defensive = score("challenging-customers", "defensive.txt", "Agent");
    let abusive_bad = score("challenging-customers", "abusive-bad.txt", "Jordan");
    let abusive_good = score("challenging-customers", "abusive-good.txt", "Callum");
    assert_eq!(
        defensive.overall.grade.as_deref(),
        Some("not-yet-competent")
    );
    assert_eq!(
        abusive_bad.overall.grade.as_deref(),
        Some("not-yet-competent")
    );
    assert!(
        good.overall.score.unwrap_or_default() > 0.8
            && abusive_good.overall.score.unwrap_or_default() > 0.8
    );
    assert!(defensive.overall.red_flags > 0 && abusive_bad.overall.red_flags > 0);
}
