//! Examples inside rubrics: every shipped rubric's examples pass, and a failing
//! example is reported with the cue that fired or why none counted; `explain`
//! shows which cues fire, which are held back and what they feed.

mod support;

use rolemark::engine::{Outcome, Rubric, Scorer};
use rolemark::transcript::{self, Role, RoleHints, Transcript, Turn};
use std::process::Command;
use support::registry;

#[test]
fn every_shipped_rubric_passes_its_own_examples() {
    for rubric in registry().iter() {
        let report = rolemark::rubrics::check_examples(rubric);
        let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        assert!(
            failures.is_empty(),
            "{}:\n{}",
            rubric.id(),
            failures.join("\n")
        );
        // Rich examples: every criterion carries both kinds and feedback, and
        // every lexicon at least one sentence that must count.
        for c in rubric.criteria() {
            assert!(
                !c.must_match.is_empty() && !c.must_not_match.is_empty(),
                "{} criterion {} needs examples of both kinds",
                rubric.id(),
                c.id
            );
            assert!(
                c.feedback.is_some(),
                "{} criterion {} needs feedback",
                rubric.id(),
                c.id
            );
        }
        for l in rubric.lexicons() {
            assert!(
                !l.must_match.is_empty(),
                "{} lexicon {} needs must_match examples",
                rubric.id(),
                l.name
            );
        }
        assert!(
            report.checked > 100,
            "{}: only {} examples",
            rubric.id(),
            report.checked
        );
    }
}

const EXAMPLE_RUBRIC: &str = r#"
id = "examples"
title = "Examples"
version = "1"

[lexicons.apology]
phrases = ["{I am|I'm} [really] sorry", "my apologies"]
must_match = ["I'm really sorry about that.", "I'm not sorry at all."]
must_not_match = ["Sorry?", "My apologies for the wait."]

[lexicons.opener]
phrases = ["so you"]
sentence_start = true
must_match = ["I'll refund it so you are covered."]

[[criteria]]
id = "apology"
title = "Apologises"
rule = { says = ["apology"] }
feedback = "Apologise for the problem itself."
must_match = ["Customer: It broke.\nAgent: I'm so sorry."]
must_not_match = ["Customer: It broke.\nAgent: I'm really sorry.", "not a transcript"]
"#;

#[test]
fn failing_examples_name_the_cue_that_fired_or_why_none_counted() {
    let rubric = Rubric::compile(EXAMPLE_RUBRIC).unwrap();
    let report = rolemark::rubrics::check_examples(&rubric);
    assert_eq!(report.checked, 8);
    let lines: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    let expected = [
        "lexicon `apology` must_match \u{201c}I'm not sorry at all.\u{201d}: no cue of the lexicon fired",
        "lexicon `apology` must_not_match \u{201c}My apologies for the wait.\u{201d}: the cue \u{201c}my apologies\u{201d} fired",
        "lexicon `opener` must_match \u{201c}I'll refund it so you are covered.\u{201d}: the cue \u{201c}so you\u{201d} was found but does not open a sentence",
        "criterion `apology` must_match \u{201c}Customer: It broke. / Agent: I'm so sorry.\u{201d}: it was not_met (score 0); looked for:",
        "criterion `apology` must_not_match \u{201c}Customer: It broke. / Agent: I'm really sorry.\u{201d}: it was met (score 1); credited by \u{201c}I'm really sorry.\u{201d} (says rule, cue \u{201c}i am really sorry\u{201d})",
        "criterion `apology` must_not_match \u{201c}not a transcript\u{201d}: the example is not a transcript",
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, start) in lines.iter().zip(expected) {
        assert!(line.starts_with(start), "{line}\n  should start\n{start}");
    }
}

#[test]
fn a_negated_cue_is_reported_as_negated() {
    let rubric = Rubric::compile(
        &EXAMPLE_RUBRIC.replace("\"I'm not sorry at all.\"", "\"Never my apologies.\""),
    )
    .unwrap();
    let failure = rolemark::rubrics::check_examples(&rubric).failures[0].to_string();
    assert!(
        failure.contains("was found but negated by \u{201c}never\u{201d}"),
        "{failure}"
    );
}

fn rolemark(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(args)
        .output()
        .expect("binary runs")
}

#[test]
fn rubrics_check_runs_examples_and_exits_2_when_one_fails() {
    let ok = rolemark(&["rubrics", "check", "heat"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let text = String::from_utf8(ok.stdout).unwrap();
    assert!(
        text.contains("heat: ok: heat") && text.contains("examples pass"),
        "{text}"
    );

    let path = std::env::temp_dir().join(format!("rolemark-examples-{}.toml", std::process::id()));
    std::fs::write(&path, EXAMPLE_RUBRIC).unwrap();
    let failed = rolemark(&["rubrics", "check", path.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(2));
    let out = String::from_utf8(failed.stdout).unwrap();
    assert_eq!(
        out.lines().filter(|l| l.contains("must_")).count(),
        6,
        "{out}"
    );
    assert!(out.contains("FAILED: examples 1"), "{out}");
    let message = String::from_utf8(failed.stderr).unwrap();
    assert_eq!(message.trim().lines().count(), 1, "{message}");

    // A rubric whose examples fail is not loaded from a rubric directory.
    let dir = std::env::temp_dir().join(format!("rolemark-examples-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("examples.toml"), EXAMPLE_RUBRIC).unwrap();
    let refused = rolemark(&["rubrics", "list", "--rubrics", dir.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("examples fail"));
}

fn learner_says(text: &str) -> Transcript {
    Transcript {
        turns: vec![Turn {
            speaker: "Priya".into(),
            role: Role::Learner,
            text: text.into(),
            start: None,
            end: None,
        }],
    }
}

#[test]
fn explain_shows_counted_and_held_back_cues_and_what_they_feed() {
    let rubric = registry().get("challenging-customers").unwrap();
    let text =
        "So you're still waiting? I can hear you're really frustrated, so you're right to call.";
    let explanation = rubric.explain(&learner_says(text));
    let chars: Vec<char> = text.chars().collect();
    for cue in &explanation.cues {
        let slice: String = chars[cue.start as usize..cue.end as usize].iter().collect();
        assert_eq!(slice, cue.text, "cue offsets slice the turn exactly");
    }
    let opener: Vec<_> = explanation
        .cues
        .iter()
        .filter(|c| c.lexicon == "reflection-opener")
        .collect();
    assert_eq!(opener.len(), 2, "{opener:#?}");
    assert!(opener[0].counts && opener[0].start == 0);
    assert!(!opener[1].counts);
    assert!(opener[1]
        .held_back
        .as_deref()
        .unwrap()
        .contains("does not open a sentence"));
    let feeling = explanation
        .cues
        .iter()
        .find(|c| c.lexicon == "feeling-acknowledgement")
        .unwrap();
    assert!(feeling
        .feeds
        .iter()
        .any(|u| u.target == "criterion empathy" && u.takes_this_role));
    // "still waiting" is a customer cue: the learner saying it feeds no behaviour.
    let anger = explanation
        .cues
        .iter()
        .find(|c| c.lexicon == "customer-anger")
        .unwrap();
    let behaviour = anger
        .feeds
        .iter()
        .find(|u| u.target == "behaviour angry")
        .unwrap();
    assert!(!behaviour.takes_this_role);
    assert!(behaviour
        .why_not
        .as_deref()
        .unwrap()
        .contains("customer's turns"));
}

#[test]
fn explain_names_the_negating_word() {
    let rubric = registry().get("challenging-customers").unwrap();
    let explanation = rubric.explain(&learner_says("I don't understand why you're upset."));
    let empathy: Vec<_> = explanation
        .cues
        .iter()
        .filter(|c| c.lexicon == "empathy")
        .collect();
    assert!(!empathy.is_empty());
    for cue in empathy {
        assert!(!cue.counts);
        // "don't" is read as "do not".
        assert_eq!(
            cue.held_back.as_deref(),
            Some("negated by \u{201c}not\u{201d}")
        );
    }
}

#[test]
fn feedback_is_given_only_when_a_criterion_is_not_fully_met() {
    let rubric = registry().get("heat").unwrap();
    let transcript = transcript::parse(
        "Customer: My heating has been broken for a week and nobody has come!\nAgent: Right. What's your postcode?",
        None,
        &RoleHints::default(),
    )
    .unwrap();
    let assessment = Scorer::new(rubric).score(&transcript);
    for (c, spec) in assessment.criteria.iter().zip(rubric.criteria()) {
        match c.outcome {
            Outcome::NotMet | Outcome::PartiallyMet => {
                assert_eq!(c.feedback, spec.feedback, "{}", c.id)
            }
            _ => assert!(c.feedback.is_none(), "{}", c.id),
        }
    }
    assert!(assessment.criteria.iter().any(|c| c.feedback.is_some()));
}

#[test]
fn references_reach_the_assessment() {
    let source = EXAMPLE_RUBRIC.replace(
        "feedback = \"Apologise for the problem itself.\"",
        "feedback = \"Apologise for the problem itself.\"\nreferences = [\"BTEC CS L3 B.P3\", \"KSB S6\"]",
    );
    let rubric = Rubric::compile(&source).unwrap();
    let assessment = Scorer::new(&rubric).score(&learner_says("I'm so sorry."));
    assert_eq!(
        assessment.criteria[0].references,
        ["BTEC CS L3 B.P3", "KSB S6"]
    );
}

#[test]
fn explain_names_a_phrase_that_runs_into_a_longer_word() {
    let rubric = registry().get("heat").unwrap();
    let explanation = rubric.explain(&learner_says("I apologised to her yesterday."));
    let apology: Vec<_> = explanation
        .cues
        .iter()
        .filter(|c| c.lexicon == "apology")
        .collect();
    assert!(!apology.is_empty(), "{explanation:#?}");
    for cue in apology {
        assert!(!cue.counts);
        assert_eq!(
            cue.held_back.as_deref(),
            Some(
                "runs into the longer word \u{201c}apologised\u{201d}: cues match whole words only"
            )
        );
        assert_eq!(
            cue.text, "I apologised",
            "the quote spans the whole words touched"
        );
    }
}
