//! Role-plays the scoring rules were not written against: twelve sets of eighteen
//! transcripts, each written and judged by an assessor who read only the seeds
//! and the criterion titles (`tests/unseen*/EXPECTED.md`, each committed before
//! its role-plays were first scored). The newest set is held out from all
//! tuning; the older ones were opened for general rules one by one as a new set
//! replaced them.
//!
//! rolemark does not agree with every judgement yet, so these are ratchets, not
//! golden tests: agreement may not fall below the figure measured last (recorded
//! in EVALUATION.md), and a change that raises it should raise the floor. Two
//! ratchets read what the customer does: how often the behaviours rolemark shows
//! match the assessor's customer-behaviour row, and how often the criteria that
//! apply only when the customer does something (identify-behaviour,
//! escalation-handover, boundaries) are not applicable where the assessor judged
//! them, or the reverse.
//! `cargo test --test unseen -- --nocapture` prints every disagreement.

mod support;

use rolemark::engine::Scorer;
use rolemark::transcript::{self, RoleHints};
use std::path::PathBuf;

/// Criterion outcomes that agree with the assessor in `tests/unseen`, of 216
/// (18 role-plays by 12 criteria), as last measured.
const AGREEMENT_FLOOR: usize = 188;
/// The same for `tests/unseen-b`, of 216.
const AGREEMENT_FLOOR_B: usize = 179;
/// The same for `tests/unseen-c`, of 216: held out from all tuning until set D
/// came (109 before issue 19's own-words phrases, scored once its expectations
/// were committed; 144 when it was opened for general rules).
const AGREEMENT_FLOOR_C: usize = 176;
/// The same for `tests/unseen-d`, of 216: held out until set E came, committed
/// (5697508) before anything scored it. First scored at 149, against 113 with the
/// rubric as issue 18 left it; 168 once opened for general rules.
const AGREEMENT_FLOOR_D: usize = 181;
/// The same for `tests/unseen-e`, of 216: held out until set F came, committed
/// (after 9ed25bc) before anything scored it. First scored at 158 with the rubric
/// of 9ed25bc; opened for general rules when its closing checks were read (163).
const AGREEMENT_FLOOR_E: usize = 180;
/// The same for `tests/unseen-f`, of 216: held out until sets G and H came,
/// committed (a4f5c53) before anything scored it. First scored at 156, with the
/// rubric of c578ace and with that of df3d48e; opened for general rules with set G.
const AGREEMENT_FLOOR_F: usize = 180;
/// The same for `tests/unseen-g`, of 216, committed (987dce4) before anything
/// scored it: 135 with the rubric of df3d48e, measured blind. Its disagreements
/// were then read for general rules, so set H took its place as the held-out set.
const AGREEMENT_FLOOR_G: usize = 171;
/// The same for `tests/unseen-h`, of 216, committed (22ec50b) before anything
/// scored it: 137 with the rubric of df3d48e, 141 with the rubric of the session
/// that wrote it, both measured blind. Opened for general rules once set I was
/// committed (04f774c) to be held out in its place.
const AGREEMENT_FLOOR_H: usize = 166;
/// The same for `tests/unseen-i`, of 216, committed (04f774c) before anything
/// scored it: 143 with the rubric of 632e8cc, 144 with that of 1ac31ad, and 148
/// with resolution judged by its way forward (tuned on A-H only), all measured
/// blind. Opened for general rules once set J was committed (9e70300) to be held
/// out in its place.
const AGREEMENT_FLOOR_I: usize = 167;
/// The same for `tests/unseen-j`, of 216, committed (9e70300) before anything
/// scored it: 145 with the rubric of 1ac31ad, 147 with 064fc85, 148 with 5058292
/// and after, all measured blind. Opened for general rules once set K was
/// committed (6e623ff) to be held out in its place.
const AGREEMENT_FLOOR_J: usize = 184;
/// The same for `tests/unseen-k`, of 216, committed (6e623ff) before anything
/// scored it: 145 with the rubric of 2d0e982, 144 with 71107c7, 145 with c4f394a
/// and dcdb319, 146 with 3d1d746, all measured blind. Opened for general rules
/// once set L was written (committed c49d82a) to be held out in its place.
const AGREEMENT_FLOOR_K: usize = 179;
/// The same for `tests/unseen-l`, of 216: the set now held out from all tuning,
/// committed (c49d82a) before anything scored it. Scored only to measure: 164
/// with the rubric of 3d1d746, 165 with bd6794f, 167 with the interjected "no"
/// and the rubric after it; a change that moves it is reported, never made for it.
const AGREEMENT_FLOOR_L: usize = 167;
/// The same for `tests/unseen-m`, of 216, written blind by a helper and
/// committed (6644194) before anything scored it: 170 with the engine and rubric
/// of 81c02f8, 170 after the interjected "no". Held out like set L.
const AGREEMENT_FLOOR_M: usize = 170;

/// The customer behaviours (angry, confused, demanding, abusive) rolemark shows or
/// not as the assessor's customer-behaviour row does, of 72 (18 role-plays by four
/// behaviours), in `tests/unseen`, `tests/unseen-b`, `tests/unseen-c`,
/// `tests/unseen-d`, `tests/unseen-e`, `tests/unseen-f`, `tests/unseen-g`,
/// `tests/unseen-h`, `tests/unseen-i`, `tests/unseen-j`, `tests/unseen-k` and the
/// held-out `tests/unseen-l` and `tests/unseen-m`, as last
/// measured (59 and 58 before the customer-side readings of issue 19, which were
/// tuned on the first two sets; the later sets were not tuned on before they were
/// measured, sets L and M never).
const BEHAVIOUR_FLOOR: [usize; 13] = [71, 71, 67, 64, 68, 68, 66, 65, 61, 66, 66, 60, 67];
/// Role-plays whose whole set of behaviours rolemark gets right, of 18 (8 and 5
/// before issue 19), in the same thirteen sets.
const BEHAVIOUR_EXACT_FLOOR: [usize; 13] = [17, 17, 14, 11, 14, 14, 13, 12, 9, 12, 12, 7, 13];
/// The criteria that apply only when the customer does something, whose
/// applicability is counted on its own.
const APPLICABILITY_CRITERIA: [&str; 3] =
    ["identify-behaviour", "escalation-handover", "boundaries"];
/// Applicability errors on those criteria (rolemark not_applicable where the assessor
/// judged the criterion, or the reverse), of 54, in each set, as last measured:
/// they may not rise (12 and 9 before issue 19 in the first two sets).
const APPLICABILITY_ERRORS_CEILING: [usize; 13] = [0, 0, 3, 4, 3, 0, 1, 0, 2, 0, 0, 3, 0];

/// What one unseen set measures.
struct Measures {
    agreed: usize,
    judged: usize,
    /// Behaviour decisions (shown or not) that agree with the assessor, of 72.
    behaviours_agreed: usize,
    /// Role-plays with every behaviour decision right, of 18.
    behaviours_exact: usize,
    /// Applicability errors on `APPLICABILITY_CRITERIA`, of 54.
    applicability_errors: usize,
}

/// Outcomes that agree with the assessor's, of those judged, the customer
/// behaviours and applicability measures, with every disagreement (and every good
/// learner failed) printed.
fn agreement(set: &str) -> Measures {
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
    let (mut behaviours_agreed, mut behaviours_exact, mut applicability_errors) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut behaviour_misses = Vec::new();
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
        let expected_behaviours: Vec<&str> = table["customer behaviour"][file]
            .split(',')
            .map(str::trim)
            .collect();
        let mut exact = true;
        for behaviour in &assessment.customer_behaviour {
            let expected = expected_behaviours.contains(&behaviour.id.as_str());
            if behaviour.shown == expected {
                behaviours_agreed += 1;
            } else {
                exact = false;
                let found = behaviour
                    .evidence
                    .iter()
                    .map(|e| format!("{:?} ({})", e.quote.quote, e.cue.as_deref().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("; ");
                behaviour_misses.push(format!(
                    "{file} {}: assessor {}, rolemark {} {found}",
                    behaviour.id,
                    if expected { "shown" } else { "not shown" },
                    if behaviour.shown {
                        "shown"
                    } else {
                        "not shown"
                    },
                ));
            }
        }
        behaviours_exact += usize::from(exact);
        for criterion in &assessment.criteria {
            let expected = &table[&criterion.id][file];
            if APPLICABILITY_CRITERIA.contains(&criterion.id.as_str())
                && (expected == "not_applicable")
                    != (criterion.outcome.as_str() == "not_applicable")
            {
                applicability_errors += 1;
                disagreements.push(format!(
                    "{file} {}: applicability: assessor {expected}, rolemark {}",
                    criterion.id,
                    criterion.outcome.as_str()
                ));
            }
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
                assessment.overall.grade_label
            ));
        }
    }
    eprintln!(
        "{set}: agreement {agreed} of {judged}\n{}",
        disagreements.join("\n")
    );
    eprintln!(
        "{set}: customer behaviours {behaviours_agreed} of 72, role-plays with all right {behaviours_exact} of 18, applicability errors {applicability_errors} of 54\n{}",
        behaviour_misses.join("\n")
    );
    Measures {
        agreed,
        judged,
        behaviours_agreed,
        behaviours_exact,
        applicability_errors,
    }
}

/// The behaviour and applicability ratchets of set number `i`.
fn assert_customer_measures(set: &str, i: usize, m: &Measures) {
    assert!(
        m.behaviours_agreed >= BEHAVIOUR_FLOOR[i],
        "{set}: behaviour agreement fell to {} of 72, under the floor of {}",
        m.behaviours_agreed,
        BEHAVIOUR_FLOOR[i]
    );
    assert!(
        m.behaviours_exact >= BEHAVIOUR_EXACT_FLOOR[i],
        "{set}: role-plays with every behaviour right fell to {} of 18, under the floor of {}",
        m.behaviours_exact,
        BEHAVIOUR_EXACT_FLOOR[i]
    );
    assert!(
        m.applicability_errors <= APPLICABILITY_ERRORS_CEILING[i],
        "{set}: applicability errors rose to {} of 54, over the ceiling of {}",
        m.applicability_errors,
        APPLICABILITY_ERRORS_CEILING[i]
    );
}

/// Scores one set and holds it to its floors: outcome agreement, then the
/// customer measures at `index` of their tables.
fn assert_set_holds(set: &str, agreement_floor: usize, index: usize) {
    let m = agreement(set);
    assert_eq!(m.judged, 216);
    assert!(
        m.agreed >= agreement_floor,
        "{set}: agreement fell to {} of {}, under the floor of {agreement_floor}",
        m.agreed,
        m.judged
    );
    assert_customer_measures(set, index, &m);
}

#[test]
fn agreement_with_the_assessor_on_unseen_role_plays_does_not_fall() {
    assert_set_holds("unseen", AGREEMENT_FLOOR, 0);
}

#[test]
fn agreement_with_the_assessor_on_the_second_unseen_set_does_not_fall() {
    assert_set_holds("unseen-b", AGREEMENT_FLOOR_B, 1);
}

#[test]
fn agreement_with_the_assessor_on_the_held_out_set_does_not_fall() {
    assert_set_holds("unseen-c", AGREEMENT_FLOOR_C, 2);
}

#[test]
fn agreement_with_the_assessor_on_the_fourth_unseen_set_does_not_fall() {
    assert_set_holds("unseen-d", AGREEMENT_FLOOR_D, 3);
}

#[test]
fn agreement_with_the_assessor_on_the_fifth_held_out_set_does_not_fall() {
    assert_set_holds("unseen-e", AGREEMENT_FLOOR_E, 4);
}

#[test]
fn agreement_with_the_assessor_on_the_sixth_unseen_set_does_not_fall() {
    assert_set_holds("unseen-f", AGREEMENT_FLOOR_F, 5);
}

#[test]
fn agreement_with_the_assessor_on_the_seventh_unseen_set_does_not_fall() {
    assert_set_holds("unseen-g", AGREEMENT_FLOOR_G, 6);
}

#[test]
fn agreement_with_the_assessor_on_the_eighth_unseen_set_does_not_fall() {
    assert_set_holds("unseen-h", AGREEMENT_FLOOR_H, 7);
}

#[test]
fn agreement_with_the_assessor_on_the_ninth_held_out_set_does_not_fall() {
    assert_set_holds("unseen-i", AGREEMENT_FLOOR_I, 8);
}

#[test]
fn agreement_with_the_assessor_on_the_tenth_held_out_set_does_not_fall() {
    assert_set_holds("unseen-j", AGREEMENT_FLOOR_J, 9);
}

#[test]
fn agreement_with_the_assessor_on_the_eleventh_held_out_set_does_not_fall() {
    assert_set_holds("unseen-k", AGREEMENT_FLOOR_K, 10);
}

#[test]
fn agreement_with_the_assessor_on_the_twelfth_held_out_set_does_not_fall() {
    assert_set_holds("unseen-l", AGREEMENT_FLOOR_L, 11);
}

#[test]
fn agreement_with_the_assessor_on_the_thirteenth_held_out_set_does_not_fall() {
    assert_set_holds("unseen-m", AGREEMENT_FLOOR_M, 12);
}
