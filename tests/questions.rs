//! Typed questions (issue 18, item 4): active listening in `challenging-customers`
//! counts clarifying, open and checking questions put to the customer, and no
//! social, procedural, rhetorical or offering question, nor one put to a
//! colleague, with or without a question mark. Every line here is worded afresh,
//! not copied from a rubric example.

mod support;

use rolemark::engine::{Evidence, Polarity};

const COMPLAINT: &str = "Our boiler's been broken since Friday and nobody has rung me back.";

/// The active-listening evidence on the learner's last turn of `exchange`.
fn listening_evidence(exchange: &str) -> Vec<Evidence> {
    let last = exchange.lines().count() - 1;
    support::seed_evidence("challenging-customers", exchange, "active-listening")
        .into_iter()
        .filter(|e| e.quote.turn == last)
        .collect()
}

/// Whether the learner's line earns any active-listening evidence for the
/// criterion: a question, a clarifying or checking cue, a restatement.
fn credited(exchange: &str) -> bool {
    listening_evidence(exchange)
        .iter()
        .any(|e| e.polarity == Polarity::For)
}

fn after_complaint(learner: &str) -> String {
    format!("Customer: {COMPLAINT}\nAgent: {learner}")
}

fn assert_table(cases: &[(&str, bool)], exchange: impl Fn(&str) -> String) {
    for &(line, expected) in cases {
        assert_eq!(
            credited(&exchange(line)),
            expected,
            "{line}: expected {}",
            if expected { "credit" } else { "no credit" }
        );
    }
}

#[test]
fn social_questions_are_courtesy_not_listening() {
    assert_table(
        &[
            ("Hiya, how are you doing this afternoon?", false),
            ("How's your week been so far?", false),
            ("are you keeping well", false),
            ("hello how have you been", false),
            // A question about how the customer is managing the problem asks.
            ("How are you managing without the boiler?", true),
            ("how are you getting on with the temporary heater", true),
        ],
        after_complaint,
    );
}

#[test]
fn questions_put_to_a_colleague_by_role_are_not_listening() {
    assert_table(
        &[
            ("Guys, is anyone free to take the front desk?", false),
            ("lads has anybody got the van keys", false),
            ("Sorry, could I get a team leader over here?", false),
            ("Can somebody grab me the spare parts list?", false),
            // Asking about people around the customer still asks about the problem.
            ("Has anybody from the gas board been out to you?", true),
        ],
        after_complaint,
    );
}

#[test]
fn questions_that_open_or_close_on_a_colleague_s_name_are_not_listening() {
    assert_table(
        &[
            ("Priya, is the duty manager back from lunch?", false),
            ("Could you check the engineer rota, Tom?", false),
            (
                "Sorry Kez, have we got any boilers in the warehouse?",
                false,
            ),
            // A title marks the customer, and so does their own name. These
            // questions hold no clarifying cue, so only the question rule credits them.
            ("Mrs Okafor, is the boiler under guarantee?", true),
            ("Right, is the boiler under guarantee?", true),
            ("Lovely, is the boiler under guarantee?", true),
        ],
        after_complaint,
    );
    // The customer's name, from their label or from what they said, is theirs.
    let named = |line: &str| format!("Dana Reid (Customer): {COMPLAINT}\nAgent: {line}");
    assert_table(&[("Dana, is the boiler under guarantee?", true)], named);
    let introduced =
        |line: &str| format!("Customer: Hello, it's Dana Reid here. {COMPLAINT}\nAgent: {line}");
    assert_table(
        &[("Dana, is the boiler under guarantee?", true)],
        introduced,
    );
    // A third speaker's name needs no comma or capital in transcribed speech.
    let with_colleague = |line: &str| {
        format!("Customer: {COMPLAINT}\nMo (Other): I'm just by the till.\nAgent: {line}")
    };
    assert_table(
        &[
            ("mo can you check the engineer rota", false),
            ("is the boiler under guarantee", true),
        ],
        with_colleague,
    );
}

#[test]
fn procedural_rhetorical_and_offering_questions_are_not_listening() {
    assert_table(
        &[
            ("Can I just take the first line of your address?", false),
            ("what's your date of birth", false),
            ("Well that's hardly my fault though, is it?", false),
            ("what do you expect me to do", false),
            (
                "Would you like me to rebook the engineer for Monday?",
                false,
            ),
            ("Have you tried bleeding the radiators?", false),
        ],
        after_complaint,
    );
}

#[test]
fn clarifying_open_and_checking_questions_are_listening_with_or_without_a_question_mark() {
    assert_table(
        &[
            ("What happened when you rang on Saturday?", true),
            ("what happened after you rang us", true),
            ("Walk me through what the engineer said.", true),
            ("Did I get that right?", true),
            (
                "so nobody has called you since friday is that correct",
                true,
            ),
            ("how long has the pressure been dropping", true),
        ],
        after_complaint,
    );
}
