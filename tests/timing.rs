//! Timing rules: interruptions and long silences, on timed transcripts, as
//! rules of their own and as red flags, and their absence on untimed ones.

use rolemark::engine::{Assessment, Outcome, Polarity, Rubric, Scorer};
use rolemark::rubrics::Registry;
use rolemark::transcript::{self, RoleHints};

const RUBRIC: &str = r#"
id = "timing"
title = "Timing rules"
version = "1"

[lexicons.hold]
phrases = ["bear with me", "let me check"]
[lexicons.apology]
phrases = ["sorry"]

[[criteria]]
id = "interrupts"
title = "Cuts the customer off"
rule = { interrupts = { overlap = 1.0 } }

[[criteria]]
id = "interrupts-unless-excused"
title = "Cuts the customer off without excusing it"
rule = { interrupts = { overlap = 1.0, unless = ["apology"] } }

[[criteria]]
id = "interrupts-unless-excused-in-turn"
title = "Cuts the customer off without excusing it anywhere in the turn"
rule = { interrupts = { overlap = 1.0, unless = ["apology"], unless_in = "turn" } }

[[criteria]]
id = "silence"
title = "Leaves dead air"
rule = { silence = { over = 10.0, unless = ["hold"] } }

[[criteria]]
id = "apology-without-interrupting"
title = "Apologises and lets the customer finish"
rule = { says = ["apology"] }
red_flags = { rules = [{ interrupts = { overlap = 1.0 } }, { silence = { over = 10.0 } }], penalty = 0.4 }
"#;

/// A timed canonical JSON transcript from (speaker, start, end, text).
fn timed(turns: &[(&str, f64, f64, &str)]) -> String {
    let turns: Vec<serde_json::Value> = turns
        .iter()
        .map(|(speaker, start, end, text)| {
            serde_json::json!({"speaker": speaker, "start": start, "end": end, "text": text})
        })
        .collect();
    serde_json::json!({ "turns": turns }).to_string()
}

fn score_with(rubric: &Rubric, input: &str) -> Assessment {
    let transcript =
        transcript::parse(input, None, &RoleHints::default()).expect("transcript parses");
    Scorer::new(rubric).score(&transcript)
}

fn score(input: &str) -> Assessment {
    score_with(
        &Rubric::compile(RUBRIC).expect("test rubric compiles"),
        input,
    )
}

fn criterion<'a>(a: &'a Assessment, id: &str) -> &'a rolemark::engine::CriterionResult {
    a.criteria
        .iter()
        .find(|c| c.id == id)
        .expect("criterion exists")
}

#[test]
fn a_learner_starting_before_the_customer_finishes_is_an_interruption() {
    let a = score(&timed(&[
        (
            "Customer",
            0.0,
            10.0,
            "My card was charged twice. Nobody has called me back.",
        ),
        (
            "Agent",
            7.5,
            9.0,
            "Right, what you need to do is phone the bank. Sorry.",
        ),
    ]));
    let c = criterion(&a, "interrupts");
    assert_eq!(c.outcome, Outcome::Met);
    let e = &c.evidence[0];
    assert_eq!(e.rule.as_str(), "interrupts");
    assert_eq!(e.quote.turn, 1);
    assert_eq!(
        e.quote.quote,
        "Right, what you need to do is phone the bank."
    );
    assert_eq!(e.quote.time, Some(7.5));
    let cut_off = e.responds_to.as_ref().expect("quotes the customer");
    assert_eq!(cut_off.quote, "Nobody has called me back.");
    assert_eq!(
        e.note.as_deref(),
        Some("started 2.5 s before the customer had finished")
    );
}

#[test]
fn an_interruption_holding_an_unless_cue_does_not_count() {
    let interruption = |words: &str| {
        score(&timed(&[
            ("Customer", 0.0, 10.0, "My card was charged twice by you."),
            ("Agent", 7.5, 9.0, words),
        ]))
    };
    let cases = [
        // (learner's words, criterion, outcome)
        (
            "Right, what you need to do is phone the bank.",
            "interrupts-unless-excused",
            Outcome::Met,
        ),
        (
            "Sorry, what you need to do is phone the bank.",
            "interrupts-unless-excused",
            Outcome::NotMet,
        ),
        // The cue must be in the quoted sentence, unless the rule says turn.
        (
            "Right, what you need to do is phone the bank. Sorry.",
            "interrupts-unless-excused",
            Outcome::Met,
        ),
        (
            "Right, what you need to do is phone the bank. Sorry.",
            "interrupts-unless-excused-in-turn",
            Outcome::NotMet,
        ),
    ];
    for (words, id, expected) in cases {
        let a = interruption(words);
        let c = criterion(&a, id);
        assert_eq!(c.outcome, expected, "{id}: {words}");
        if expected == Outcome::NotMet {
            assert!(c.evidence.is_empty(), "{id}: {words}: {:?}", c.evidence);
            assert!(
                c.looked_for.iter().any(|l| l.contains("not in a")),
                "{id}: {:?}",
                c.looked_for
            );
        }
    }
}

#[test]
fn listening_noises_small_overlaps_and_turns_after_the_end_are_not_interruptions() {
    let a = score(&timed(&[
        ("Customer", 0.0, 10.0, "My card was charged twice."),
        // A listening noise over the customer's words.
        ("Agent", 4.0, 4.5, "Mm, yeah, I see."),
        ("Customer", 4.6, 12.0, "And nobody rang me back."),
        // Transcriber jitter: under the one-second overlap.
        (
            "Agent",
            11.6,
            14.0,
            "I'm sorry about that, let me look into it.",
        ),
        ("Customer", 15.0, 16.0, "Thanks."),
        ("Agent", 16.5, 18.0, "It's sorted now."),
    ]));
    let c = criterion(&a, "interrupts");
    assert_eq!(c.outcome, Outcome::NotMet, "{:?}", c.evidence);
    assert!(c.evidence.is_empty());
}

#[test]
fn a_long_silence_before_the_learner_speaks_is_found_unless_announced() {
    let dead_air = score(&timed(&[
        ("Customer", 0.0, 4.0, "Can you find my order?"),
        ("Agent", 5.0, 6.0, "Yes."),
        ("Customer", 6.5, 7.0, "Thanks."),
        ("Agent", 25.0, 27.0, "Found it. It left yesterday."),
    ]));
    let c = criterion(&dead_air, "silence");
    assert_eq!(c.outcome, Outcome::Met);
    assert_eq!(c.evidence[0].quote.quote, "Found it.");
    assert_eq!(
        c.evidence[0].note.as_deref(),
        Some("after 18.0 s of silence")
    );
    assert_eq!(
        c.evidence[0].responds_to.as_ref().map(|q| q.quote.as_str()),
        Some("Thanks.")
    );

    let announced = score(&timed(&[
        ("Customer", 0.0, 4.0, "Can you find my order?"),
        ("Agent", 5.0, 6.0, "Yes, bear with me."),
        ("Customer", 6.5, 7.0, "Thanks."),
        ("Agent", 25.0, 27.0, "Found it. It left yesterday."),
    ]));
    assert_eq!(criterion(&announced, "silence").outcome, Outcome::NotMet);
}

#[test]
fn silence_is_measured_from_the_last_voice_heard_and_only_before_the_learner() {
    let a = score(&timed(&[
        // The customer's long turn ends after the agent's overlapping one.
        ("Customer", 0.0, 30.0, "Let me tell you the whole story."),
        ("Agent", 10.0, 11.0, "Mm."),
        ("Customer", 38.0, 40.0, "Are you still there?"),
        // The customer keeps the learner waiting: not the learner's silence.
        ("Agent", 41.0, 42.0, "Yes, sorry."),
        ("Customer", 70.0, 71.0, "Hello?"),
    ]));
    let c = criterion(&a, "silence");
    assert_eq!(c.outcome, Outcome::NotMet, "{:?}", c.evidence);
}

#[test]
fn untimed_transcripts_leave_timing_rules_out_of_the_score() {
    let a = score("Customer: My card was charged twice.\nAgent: Sorry, I can look at that.");
    assert_eq!(criterion(&a, "interrupts").outcome, Outcome::NotApplicable);
    assert_eq!(criterion(&a, "silence").outcome, Outcome::NotApplicable);
    let flagged = criterion(&a, "apology-without-interrupting");
    assert_eq!(flagged.outcome, Outcome::Met);
    assert_eq!(flagged.score, Some(1.0));
}

#[test]
fn a_window_in_seconds_does_not_apply_to_an_untimed_transcript() {
    let rubric = Rubric::compile(
        &RUBRIC.replace(
            "[[criteria]]\nid = \"interrupts\"",
            "[[criteria]]\nid = \"early-apology\"\ntitle = \"Apologises in the first minute\"\nrule = { says = { cues = [\"apology\"], in = { to_seconds = 60.0 } } }\n\n[[criteria]]\nid = \"interrupts\"",
        ),
    )
    .expect("test rubric compiles");
    let untimed = score_with(
        &rubric,
        "Customer: My card was charged twice.\nAgent: Sorry, I can look at that.",
    );
    assert_eq!(
        criterion(&untimed, "early-apology").outcome,
        Outcome::NotApplicable
    );
    assert_eq!(criterion(&untimed, "early-apology").score, None);
    // Timed, the same words in the window meet it, and outside it do not.
    let apology_at = |start: f64| {
        let timed = timed(&[
            ("Customer", 0.0, 4.0, "My card was charged twice."),
            ("Agent", start, start + 3.0, "Sorry, I can look at that."),
        ]);
        criterion(&score_with(&rubric, &timed), "early-apology").outcome
    };
    assert_eq!(apology_at(5.0), Outcome::Met);
    assert_eq!(apology_at(95.0), Outcome::NotMet);
}

#[test]
fn timing_red_flags_cost_the_penalty_per_turn_and_quote_against() {
    let a = score(&timed(&[
        (
            "Customer",
            0.0,
            10.0,
            "I was charged twice and I am furious.",
        ),
        (
            "Agent",
            6.0,
            8.0,
            "Sorry, sorry, I know what happened here.",
        ),
        ("Customer", 9.0, 10.0, "Go on then."),
        ("Agent", 30.0, 32.0, "Right, it's refunded."),
    ]));
    let c = criterion(&a, "apology-without-interrupting");
    assert_eq!(c.score, Some(0.2), "two flagged turns at 0.4 each");
    let against: Vec<(usize, &str)> = c
        .evidence
        .iter()
        .filter(|e| e.polarity == Polarity::Against)
        .map(|e| (e.quote.turn, e.rule.as_str()))
        .collect();
    assert_eq!(against, vec![(1, "red_flag"), (3, "red_flag")]);
    assert!(c.looked_for.iter().any(|l| l.starts_with("no red flags")
        && l.contains("starting to speak at least 1 s before the customer had finished")));
}

#[test]
fn timing_rules_are_checked_when_the_rubric_compiles() {
    let base = "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\n[lexicons.a]\nphrases = [\"a\"]\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\n";
    let cases = [
        ("rule = { interrupts = { overlap = -1.0 } }", "overlap"),
        ("rule = { silence = { over = 0.0 } }", "silence.over"),
        ("rule = { silence = { unless = [\"a\"] } }", "over"),
        (
            "rule = { silence = { over = 5.0, unless = [\"nope\"] } }",
            "nope",
        ),
        (
            "rule = { says = [\"a\"] }\nred_flags = { penalty = 0.2 }",
            "needs `cues`, `rules` or both",
        ),
    ];
    for (criterion, fragment) in cases {
        let err = Rubric::compile(&format!("{base}{criterion}\n")).expect_err(criterion);
        assert!(err.message().contains(fragment), "{criterion}: {err}");
        assert!(err.line() >= 9, "{criterion}: {err}");
    }
}

#[test]
fn seed_rubrics_mark_interrupting_the_customer_against_listening() {
    let registry = Registry::embedded().expect("seed rubrics compile");
    let input = timed(&[
        (
            "Agent",
            0.0,
            3.0,
            "Good morning, thank you for calling, how can I help?",
        ),
        (
            "Customer",
            3.5,
            15.0,
            "I've been waiting three weeks for my refund and nobody has told me anything.",
        ),
        (
            "Agent",
            9.0,
            12.0,
            "Yes, so what you need to do is fill in the form again.",
        ),
    ]);
    for (rubric, criterion_id) in [
        ("challenging-customers", "active-listening"),
        ("complaint-handling", "listen-and-clarify"),
        ("heat", "hear"),
    ] {
        let a = score_with(registry.get(rubric).expect("seed rubric"), &input);
        let c = criterion(&a, criterion_id);
        let flags: Vec<&str> = c
            .evidence
            .iter()
            .filter(|e| e.rule.as_str() == "red_flag")
            .filter_map(|e| e.note.as_deref())
            .collect();
        assert_eq!(
            flags,
            vec!["started 6.0 s before the customer had finished"],
            "{rubric}"
        );
    }
}

#[test]
fn caption_files_carry_interruptions_and_silences_through_to_the_rules() {
    let vtt = "WEBVTT\n\n\
        00:00:00.000 --> 00:00:10.000\n<v Sam Lee>I was charged twice and nobody called me back.\n\n\
        00:00:06.500 --> 00:00:08.000\n<v Priya>Okay so you need to ring the bank about that.\n\n\
        00:00:10.000 --> 00:00:12.000\n<v Sam Lee>Let me finish.\n\n\
        00:00:40.000 --> 00:00:42.000\n<v Priya>Sorry. I've refunded the second payment.\n";
    let hints = RoleHints {
        learner: Some("Priya".into()),
        ..RoleHints::default()
    };
    let transcript = transcript::parse(vtt, None, &hints).expect("WebVTT parses");
    let a = Scorer::new(&Rubric::compile(RUBRIC).expect("compiles")).score(&transcript);
    let interruption = &criterion(&a, "interrupts").evidence[0];
    assert_eq!(interruption.quote.turn, 1);
    assert_eq!(interruption.quote.time, Some(6.5));
    let silence = &criterion(&a, "silence").evidence[0];
    assert_eq!(silence.quote.quote, "Sorry.");
    assert_eq!(silence.note.as_deref(), Some("after 28.0 s of silence"));
}
