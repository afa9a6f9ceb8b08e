//! Paraphrase means giving the customer's content back to them (issue 18, item 7):
//! a restatement in the second person, a summary of their problem or a check of
//! understanding counts in `challenging-customers`; the learner's own offer or
//! promise, a read-out of their system, giving in, and an echo that mocks do not,
//! however many of the customer's words they repeat. Every line here is worded
//! afresh, not copied from a rubric example.

mod support;

use rolemark::engine::Evidence;
use rolemark::transcript::Role;

const COMPLAINT: &str = "I've had no hot water since Friday, the engineer never turned up on Saturday, and you've charged me sixty pounds for the visit.";

/// The active-listening evidence that credits the learner's reply to
/// [`COMPLAINT`] as a paraphrase: the paraphrase rule, or a paraphrase lead-in.
fn paraphrase_evidence(learner: &str) -> Vec<Evidence> {
    let exchange = format!("Customer: {COMPLAINT}\nAgent: {learner}");
    support::seed_evidence("challenging-customers", &exchange, "active-listening")
        .into_iter()
        .filter(|e| {
            e.quote.turn == 1
                && (e.rule.as_str() == "paraphrase"
                    || matches!(
                        e.cue.as_deref(),
                        Some("paraphrase-lead-in" | "reflection-opener")
                    ))
        })
        .collect()
}

fn assert_table(cases: &[(&str, bool)]) {
    for &(line, expected) in cases {
        let found = paraphrase_evidence(line);
        assert_eq!(
            !found.is_empty(),
            expected,
            "{line}: {}",
            if expected {
                "should be credited as a paraphrase".to_owned()
            } else {
                format!("credited as a paraphrase by {:?}", found[0].rule)
            }
        );
    }
}

#[test]
fn the_learner_s_own_offer_or_promise_is_no_paraphrase() {
    assert_table(&[
        (
            "We'll put the sixty pounds you were charged for the visit back on your card.",
            false,
        ),
        (
            "Okay, I'm going to get an engineer out to sort the hot water before Saturday.",
            false,
        ),
        (
            "I can refund the sixty pounds for the visit the engineer never turned up to.",
            false,
        ),
        (
            "I'll send someone out so you've got hot water again by Friday.",
            false,
        ),
    ]);
}

#[test]
fn reading_out_the_system_is_no_paraphrase() {
    assert_table(&[
        (
            "Right, I've pulled your account up and it says the engineer visit was Saturday.",
            false,
        ),
        (
            "Looking at the notes, the sixty pounds was charged for Saturday's engineer visit.",
            false,
        ),
        (
            "It shows here no hot water reported since Friday and a visit booked for Saturday.",
            false,
        ),
    ]);
}

#[test]
fn giving_in_is_no_paraphrase() {
    assert_table(&[
        (
            "Oh alright then, you can have the sixty pounds back for the visit.",
            false,
        ),
        (
            "Fine then, the engineer charge for Saturday comes off.",
            false,
        ),
    ]);
}

#[test]
fn an_echo_that_mocks_is_no_paraphrase() {
    assert_table(&[
        (
            "Ah, so the engineer just never turned up on Saturday, did he?",
            false,
        ),
        (
            "So you say nobody turned up on Saturday and you've had no hot water.",
            false,
        ),
    ]);
}

#[test]
fn a_restatement_summary_or_check_of_the_customer_s_problem_is_a_paraphrase() {
    assert_table(&[
        ("So you've had no hot water since Friday and the engineer didn't turn up.", true),
        ("so you've been without hot water since friday and you were still charged for the visit", true),
        ("So the main problem is the missed visit on Saturday and the sixty pounds charged for it.", true),
        ("Just so I'm clear, you were charged sixty pounds for a visit that never happened?", true),
        ("Ah, so the engineer never turned up on Saturday. I'm so sorry.", true),
    ]);
}

#[test]
fn paraphrase_evidence_quotes_the_learner_and_the_customer_turn_it_restates() {
    let found = paraphrase_evidence(
        "So you've been without hot water since Friday and the engineer never turned up.",
    );
    let restatement = found
        .iter()
        .find(|e| e.rule.as_str() == "paraphrase")
        .expect("a paraphrase");
    assert_eq!(restatement.quote.role, Role::Learner);
    let source = restatement
        .responds_to
        .as_ref()
        .expect("the customer's turn");
    assert_eq!((source.turn, source.role), (0, Role::Customer));
    assert!(COMPLAINT.contains(&source.quote), "{}", source.quote);
}

#[test]
fn a_few_words_of_unpunctuated_speech_need_a_lead_in_to_restate_the_customer() {
    // Two of the customer's words make a two-word unit of speech "all theirs" by
    // chance; a written sentence, a longer unit or a lead-in is read as before.
    assert_table(&[
        ("right hot water", false),
        (
            "no hot water since friday and the engineer never came",
            true,
        ),
        ("so you've got no hot water", true),
        ("No hot water.", true),
    ]);
}
