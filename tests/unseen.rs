//! Role-plays the scoring rules were not written against: two sets of eighteen
//! transcripts, each written and judged by an assessor who read only the seeds
//! and the criterion titles (`tests/unseen/EXPECTED.md` and
//! `tests/unseen-b/EXPECTED.md`, each committed before its role-plays were first
//! scored).
//!
//! rolemark does not agree with every judgement yet, so these are ratchets, not
//! golden tests: agreement may not fall below the figure measured last (recorded
//! in EVALUATION.md), and a change that raises it should raise the floor.
//! `cargo test --test unseen -- --nocapture` prints every disagreement.

mod support;

use rolemark::engine::Scorer;
use rolemark::transcript::{self, RoleHints};
use std::path::PathBuf;

/// Criterion outcomes that agree with the assessor in `tests/unseen`, of 216
/// (18 role-plays by 12 criteria), as last measured.
const AGREEMENT_FLOOR: usize = 119;
/// The same for `tests/unseen-b`, of 216.
const AGREEMENT_FLOOR_B: usize = 115;

/// Outcomes that agree with the assessor's, of those judged, with every
/// disagreement (and every good learner failed) printed.
fn agreement(set: &str) -> (usize, usize) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(set);
    let table = support::summary_table(&dir.join("EXPECTED.md"));
    let rubric = support::registry().get("challenging-customers").unwrap();
    let learners = &table["learner (--learner)"];
    assert_eq!(
        learners.len(),
        18,
        "{set}: every role-play has its learner named"
    );
    let (mut agreed, mut judged) = (0, 0);
    let mut disagreements = Vec::new();
    for (file, learner) in learners {
        let input = std::fs::read_to_string(dir.join(file)).unwrap();
        let hints = RoleHints {
            learner: Some(learner.clone()),
            ..RoleHints::default()
        };
        let format = transcript::Format::from_extension(file);
        let transcript =
            transcript::parse(&input, format, &hints).unwrap_or_else(|e| panic!("{file}: {e}"));
        let assessment = Scorer::new(rubric).score(&transcript);
        for criterion in &assessment.criteria {
            let expected = &table[&criterion.id][file];
            judged += 1;
            if criterion.outcome.as_str() == expected {
                agreed += 1;
            } else {
                disagreements.push(format!(
                    "{file} {}: assessor {expected}, rolemark {}",
                    criterion.id,
                    criterion.outcome.as_str()
                ));
            }
        }
        // A learner the assessor rates good or excellent should not be failed.
        let quality = &table["learner quality"][file];
        if matches!(quality.as_str(), "good" | "excellent") && !assessment.overall.passed {
            disagreements.push(format!(
                "{file}: a {quality} learner graded {}",
                assessment.overall.grade
            ));
        }
    }
    eprintln!(
        "{set}: agreement {agreed} of {judged}\n{}",
        disagreements.join("\n")
    );
    (agreed, judged)
}

#[test]
fn agreement_with_the_assessor_on_unseen_role_plays_does_not_fall() {
    let (agreed, judged) = agreement("unseen");
    assert_eq!(judged, 216);
    assert!(
        agreed >= AGREEMENT_FLOOR,
        "agreement fell to {agreed} of {judged}, under the floor of {AGREEMENT_FLOOR}"
    );
}

#[test]
fn agreement_with_the_assessor_on_the_second_unseen_set_does_not_fall() {
    let (agreed, judged) = agreement("unseen-b");
    assert_eq!(judged, 216);
    assert!(
        agreed >= AGREEMENT_FLOOR_B,
        "agreement fell to {agreed} of {judged}, under the floor of {AGREEMENT_FLOOR_B}"
    );
}
