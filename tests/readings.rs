//! What a sentence does: a cue of one lexicon that `excludes` another rules the
//! other out in the same sentence, so a sentence that counts against the learner
//! never also counts for them through the same words.

mod support;

use rolemark::engine::{CriterionResult, Outcome, Rubric, Scorer};
use rolemark::transcript::{self, RoleHints};

const RUBRIC: &str = r#"
id = "readings"
title = "Readings"
version = "1"

[lexicons.apology]
phrases = ["{I am|I'm} [so|really] sorry", "I apologise"]
[lexicons.empathy]
phrases = ["that {must be|sounds} {frustrating|awful}", "I can see why you're upset"]
[lexicons.non-apology]
negatable = false
excludes = ["apology", "empathy"]
phrases = ["sorry if {you feel|that's how}", "sorry you feel", "sorry, but that's {the process|policy}"]
[lexicons.promise]
phrases = ["I'll {sort|fix} this", "it will be {fixed|sorted} today"]
[lexicons.unrealistic-promise]
negatable = false
excludes = ["promise"]
phrases = ["{definitely|guaranteed|I promise} ... {fixed|sorted} today"]

[lexicons.blame]
negatable = false
phrases = ["your [own] fault", "you should have"]
[lexicons.reproach]
negatable = false
excludes = ["apology"]
phrases = ["you should have"]
[lexicons.our-failure]
negatable = false
excludes = ["reproach"]
phrases = ["you should have had"]
[lexicons.anger]
negatable = false
phrases = ["ridiculous"]
[lexicons.solution]
phrases = ["what I can do is"]
[lexicons.understanding]
statements_only = true
phrases = ["understand why"]

[[criteria]]
id = "apology"
title = "Apologises"
rule = { says = ["apology"] }

[[criteria]]
id = "apology-without-blame"
title = "Apologises without blaming"
rule = { says = { cues = ["apology"], unless = ["blame"] } }

[[criteria]]
id = "apology-in-a-turn-without-blame"
title = "Apologises in a turn without blame"
rule = { says = { cues = ["apology"], unless = ["blame"], unless_in = "turn" } }

[[criteria]]
id = "answers-anger"
title = "Answers anger with an apology"
rule = { reply = { to = ["anger"], with = ["apology"], unless = ["blame"] } }

[[criteria]]
id = "apology-first"
title = "Apologises before solving"
rule = { before = { first = ["apology"], then = ["solution"], unless = ["blame"] } }

[[criteria]]
id = "empathy"
title = "Shows empathy"
rule = { says = ["empathy"] }

[[criteria]]
id = "promise"
title = "Takes ownership"
rule = { says = ["promise"] }

[[criteria]]
id = "two-good-moves-without-blame"
title = "Apologises and empathises, without blame in the same sentence"
rule = { count = { of = [{ says = ["apology"] }, { says = ["empathy"] }], at_least = 2, unless = ["blame"] } }

[[criteria]]
id = "two-good-moves-in-turns-without-blame"
title = "Apologises and empathises in turns without blame"
rule = { count = { of = [{ says = ["apology"] }, { says = ["empathy"] }], at_least = 2, unless = ["blame"], unless_in = "turn" } }

[[criteria]]
id = "understands"
title = "Says they understand"
rule = { says = ["understanding"] }

[[criteria]]
id = "no-non-apology"
title = "Does not give a non-apology"
rule = { not = { says = ["non-apology"] } }
"#;

fn outcome(text: &str, criterion: &str) -> Outcome {
    let rubric = Rubric::compile(RUBRIC).expect("test rubric compiles");
    let transcript = transcript::parse(
        &format!("Customer: This is ridiculous.\n{text}"),
        None,
        &RoleHints::default(),
    )
    .expect("transcript parses");
    let assessment = Scorer::new(&rubric).score(&transcript);
    assessment
        .criteria
        .iter()
        .find(|c| c.id == criterion)
        .expect("criterion exists")
        .outcome
}

#[test]
fn an_excluding_reading_rules_the_other_out_in_its_sentence() {
    let cases = [
        // (learner's words, criterion, outcome)
        (
            "Agent: I'm sorry if you feel that way.",
            "apology",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm sorry if that's how it came across.",
            "empathy",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm really sorry, but that's the process.",
            "apology",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm sorry if you feel that way.",
            "no-non-apology",
            Outcome::NotMet,
        ),
        // Another sentence is read on its own.
        (
            "Agent: I'm sorry if you feel that way. I'm so sorry, that must be awful.",
            "apology",
            Outcome::Met,
        ),
        (
            "Agent: I'm sorry if you feel that way. That sounds frustrating.",
            "empathy",
            Outcome::Met,
        ),
        // Without the excluding reading the apology stands.
        (
            "Agent: I'm so sorry, that must be awful.",
            "apology",
            Outcome::Met,
        ),
        (
            "Agent: I'm so sorry, that must be awful.",
            "empathy",
            Outcome::Met,
        ),
        // A gapped excluding cue rules out its sentence too.
        (
            "Agent: It will definitely be fixed today, I'll sort this.",
            "promise",
            Outcome::NotMet,
        ),
        (
            "Agent: I'll sort this. It will definitely be fixed today.",
            "promise",
            Outcome::Met,
        ),
        // A reading that is itself ruled out rules nothing out: the company's
        // failure holds back the reproach, so the apology stands.
        (
            "Agent: I'm sorry, you should have read the terms.",
            "apology",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm sorry, you should have had a text from us.",
            "apology",
            Outcome::Met,
        ),
    ];
    for (text, criterion, expected) in cases {
        assert_eq!(outcome(text, criterion), expected, "{criterion}: {text}");
    }
}

#[test]
fn unless_rules_a_cue_out_in_its_sentence_or_turn() {
    let cases = [
        (
            "Agent: I'm so sorry, but that's your fault.",
            "apology-without-blame",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm so sorry. You should have read the email.",
            "apology-without-blame",
            Outcome::Met,
        ),
        (
            "Agent: I'm so sorry. You should have read the email.",
            "apology-in-a-turn-without-blame",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm so sorry about that.",
            "apology-in-a-turn-without-blame",
            Outcome::Met,
        ),
        // The plain rule, with no `unless`, still credits the apology.
        (
            "Agent: I'm so sorry, but that's your fault.",
            "apology",
            Outcome::Met,
        ),
        (
            "Agent: I'm so sorry, but that's your fault.",
            "answers-anger",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm so sorry about that.",
            "answers-anger",
            Outcome::Met,
        ),
        (
            "Agent: I'm so sorry, it's your own fault. What I can do is refund it.",
            "apology-first",
            Outcome::NotMet,
        ),
        (
            "Agent: I'm so sorry. What I can do is refund it.",
            "apology-first",
            Outcome::Met,
        ),
        // A count drops the evidence an `unless` cue rules out before counting.
        (
            "Agent: I'm so sorry. That must be awful.",
            "two-good-moves-without-blame",
            Outcome::Met,
        ),
        (
            "Agent: I'm so sorry, it's your own fault. That must be awful.",
            "two-good-moves-without-blame",
            Outcome::PartiallyMet,
        ),
        (
            "Agent: I'm so sorry. That must be awful. You should have read the email.",
            "two-good-moves-without-blame",
            Outcome::Met,
        ),
        (
            "Agent: I'm so sorry. That must be awful. You should have read the email.",
            "two-good-moves-in-turns-without-blame",
            Outcome::NotMet,
        ),
    ];
    for (text, criterion, expected) in cases {
        assert_eq!(outcome(text, criterion), expected, "{criterion}: {text}");
    }
}

#[test]
fn an_unless_scope_other_than_sentence_or_turn_is_a_compile_error() {
    let source = RUBRIC.replace("unless_in = \"turn\"", "unless_in = \"call\"");
    let err = Rubric::compile(&source).expect_err("unknown scope");
    assert!(err.message().contains("call"), "{err}");
}

#[test]
fn a_refused_act_is_not_credited_however_far_the_negation_reaches() {
    let cases = [
        ("Agent: I'm not going to say I'm sorry.", Outcome::NotMet),
        (
            "Agent: I don't want to say I'm sorry for that.",
            Outcome::NotMet,
        ),
        ("Agent: i'm not gonna say i'm sorry", Outcome::NotMet),
        // Content words stop the reach: the apology stands.
        (
            "Agent: I don't know what happened but I'm so sorry.",
            Outcome::Met,
        ),
        ("Agent: No problem at all, I'm so sorry.", Outcome::Met),
        (
            "Agent: i don't know what happened i'm so sorry",
            Outcome::Met,
        ),
        ("Agent: I just want to say I'm so sorry.", Outcome::Met),
        // A conjunction and a new subject end the negated clause.
        ("Agent: so that's on us not you and i'm sorry", Outcome::Met),
        ("Agent: It's not your fault and I'm so sorry.", Outcome::Met),
        // So does a subject and its verb in unpunctuated speech, unless a
        // word before them takes a clause as its object.
        ("Agent: it hasn't turned up i'm so sorry", Outcome::Met),
        ("Agent: don't worry i'm so sorry", Outcome::Met),
        ("Agent: i'm not saying i'm sorry", Outcome::NotMet),
        ("Agent: i won't tell you i'm sorry", Outcome::NotMet),
        ("Agent: not that i'm sorry", Outcome::NotMet),
        // A "that" after a word that takes a clause introduces it; after any
        // other word it is the object, and the clause after it stands alone.
        ("Agent: i'm not saying that i'm sorry", Outcome::NotMet),
        ("Agent: i can't change that i'm so sorry", Outcome::Met),
        // A negated formula ("don't worry", "no problem") spends the negation
        // on itself; a verb of pretending carries it on to the act.
        ("Agent: don't worry i apologise", Outcome::Met),
        ("Agent: No problem, I apologise for that.", Outcome::Met),
        (
            "Agent: I'm not going to pretend I apologise for that.",
            Outcome::NotMet,
        ),
        // "No" said as an interjection, after "oh" or before a subject,
        // negates nothing; as a determiner it still does.
        ("Agent: oh no i'm so sorry about that", Outcome::Met),
        ("Agent: no you're right i'm so sorry", Outcome::Met),
        ("Agent: no i apologise for that", Outcome::Met),
        ("Agent: no apology from me for that", Outcome::NotMet),
    ];
    for (text, expected) in cases {
        assert_eq!(outcome(text, "apology"), expected, "{text}");
    }
}

/// `criterion` of a seed rubric on a short exchange.
fn seed_criterion(rubric: &str, exchange: &str, criterion: &str) -> CriterionResult {
    let transcript = transcript::parse(exchange, None, &RoleHints::default()).unwrap();
    let rubric = support::registry().get(rubric).unwrap();
    Scorer::new(rubric)
        .score(&transcript)
        .criteria
        .into_iter()
        .find(|c| c.id == criterion)
        .unwrap()
}

#[test]
fn the_seed_rubrics_no_longer_credit_a_refused_apology_or_escalation() {
    let cases = [
        (
            "heat",
            "apologise",
            "Agent: I'm not going to say I'm sorry, it wasn't us.",
        ),
        (
            "challenging-customers",
            "apology-ownership",
            "Agent: I'm not going to apologise for the courier.",
        ),
        (
            "challenging-customers",
            "escalation-handover",
            "Agent: I won't be passing this on to my manager.",
        ),
    ];
    for (rubric, criterion, line) in cases {
        let exchange =
            format!("Customer: This is ridiculous, I want to speak to your manager.\n{line}");
        let result = seed_criterion(rubric, &exchange, criterion);
        assert!(
            !matches!(result.outcome, Outcome::Met | Outcome::PartiallyMet),
            "{rubric} {criterion}: {line} was {:?}",
            result.outcome
        );
    }
}

#[test]
fn explain_says_which_reading_held_a_cue_back() {
    let rubric = Rubric::compile(RUBRIC).unwrap();
    let sentence = transcript::Transcript::one_sentence(
        transcript::Role::Learner,
        "I'm sorry if you feel that way.",
    );
    let explanation = serde_json::to_value(rubric.explain(&sentence)).unwrap();
    let cues = explanation["cues"].as_array().unwrap();
    let apology = cues.iter().find(|c| c["lexicon"] == "apology").unwrap();
    assert_eq!(apology["counts"], false, "{apology}");
    let why = apology["held_back"].as_str().unwrap();
    assert!(why.contains("reads as non-apology"), "{why}");
    let non_apology = cues.iter().find(|c| c["lexicon"] == "non-apology").unwrap();
    assert_eq!(non_apology["counts"], true, "{non_apology}");
}

#[test]
fn exclusions_that_cannot_work_are_compile_errors() {
    let base = "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\n[lexicons.a]\nphrases = [\"a\"]\n";
    let cases = [
        (
            format!("{base}excludes = [\"nope\"]\n"),
            6,
            "excludes `nope`, which is not a lexicon",
        ),
        (
            format!("{base}excludes = [\"a\"]\n"),
            6,
            "cannot exclude itself",
        ),
        (
            format!(
                "{base}excludes = [\"b\"]\n[lexicons.b]\nphrases = [\"b\"]\nexcludes = [\"a\"]\n"
            ),
            6,
            "exclude each other",
        ),
    ];
    for (source, line, fragment) in cases {
        let source = format!(
            "{source}[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = {{ says = [\"a\"] }}\n"
        );
        let err = Rubric::compile(&source).expect_err(fragment);
        assert_eq!(err.line(), line, "{fragment}: {err}");
        assert!(err.message().contains(fragment), "{err}");
    }
}

#[test]
fn procedural_and_rhetorical_questions_are_not_active_listening() {
    let question_evidence = |learner: &str| {
        let exchange = format!(
            "Customer: My parcel still hasn't come and nobody rings back.\nAgent: {learner}"
        );
        let listening = seed_criterion("challenging-customers", &exchange, "active-listening");
        listening
            .evidence
            .iter()
            .filter(|e| e.rule.as_str() == "question")
            .count()
    };
    for not_listening in [
        "Could I grab your account number first?",
        "Can I take your postcode, please?",
        "How do you spell your surname?",
        "That's not down to me though, is it?",
        "What do you want me to do about it?",
        "could i just take your date of birth",
    ] {
        assert_eq!(question_evidence(not_listening), 0, "{not_listening}");
    }
    for listening in [
        "What happened when the courier came?",
        "When did you last hear from them?",
    ] {
        assert_eq!(question_evidence(listening), 1, "{listening}");
    }
}

#[test]
fn a_criterion_not_met_names_the_cues_it_held_back_and_why() {
    let rubric = Rubric::compile(RUBRIC).expect("test rubric compiles");
    let result = |learner: &str, criterion: &str| -> CriterionResult {
        let transcript = transcript::parse(
            &format!("Customer: This is ridiculous.\n{learner}"),
            None,
            &RoleHints::default(),
        )
        .expect("transcript parses");
        Scorer::new(&rubric)
            .score(&transcript)
            .criteria
            .into_iter()
            .find(|c| c.id == criterion)
            .expect("criterion exists")
    };
    let cases = [
        // (learner's words, criterion, quote held back, why)
        (
            "Agent: I'm sorry if you feel that way.",
            "apology",
            "I'm sorry if you feel that way.",
            "held back: the sentence reads as non-apology",
        ),
        (
            "Agent: Look. I'm not going to say I'm sorry.",
            "apology",
            "I'm not going to say I'm sorry.",
            "held back: negated by \u{201c}not\u{201d}",
        ),
        (
            "Agent: Definitely, it will be fixed today.",
            "promise",
            "Definitely, it will be fixed today.",
            "held back: the sentence reads as unrealistic-promise",
        ),
    ];
    for (learner, criterion, quote, why) in cases {
        let c = result(learner, criterion);
        assert_eq!(c.outcome, Outcome::NotMet, "{learner}");
        assert!(c.evidence.is_empty(), "{learner}: nothing is credited");
        assert_eq!(c.held_back.len(), 1, "{learner}: {:?}", c.held_back);
        let held = &c.held_back[0];
        assert_eq!(held.quote.quote, quote, "{learner}");
        let note = held.note.as_deref().unwrap_or_default();
        assert!(note.starts_with(why), "{learner}: {note}");
        assert!(
            c.looked_for
                .iter()
                .any(|l| l.contains("was not credited") && l.contains(why)),
            "{learner}: {:?}",
            c.looked_for
        );
    }
    // A met criterion lists nothing held back; nor does one whose cue was never said.
    assert!(result("Agent: I'm so sorry about that.", "apology")
        .held_back
        .is_empty());
    assert!(result("Agent: What's the order number?", "apology")
        .held_back
        .is_empty());
}

#[test]
fn seed_rubrics_never_credit_an_act_the_learner_refuses_or_negates() {
    // (rubric, the learner's words, lexicon that must not count in them)
    let cases = [
        ("heat", "I'm not going to say I'm sorry.", "apology"),
        ("heat", "Why should I apologise for that?", "apology"),
        (
            "challenging-customers",
            "Why would I say sorry for that?",
            "apology",
        ),
        (
            "challenging-customers",
            "What would I have to apologise for?",
            "apology",
        ),
        (
            "challenging-customers",
            "I won't be passing this on to anyone.",
            "escalation",
        ),
        (
            "challenging-customers",
            "I'm not going to escalate this, it's policy.",
            "escalation",
        ),
        (
            "complaint-handling",
            "Why should we refund you when you broke it?",
            "solution-offer",
        ),
        (
            "challenging-customers",
            "There's no date I can give you, it's up to the engineers.",
            "solution-offer",
        ),
        (
            "challenging-customers",
            "I'm not going to take responsibility for the courier.",
            "ownership",
        ),
        (
            "challenging-customers",
            "i'm not saying that i'll book you in for friday",
            "solution-offer",
        ),
    ];
    for (rubric_id, words, lexicon) in cases {
        let rubric = support::registry().get(rubric_id).expect("seed rubric");
        let transcript = transcript::parse(
            &format!("Customer: This is ridiculous.\nAgent: {words}"),
            None,
            &RoleHints::default(),
        )
        .expect("transcript parses");
        let explanation = rubric.explain(&transcript);
        let counted: Vec<&str> = explanation
            .cues
            .iter()
            .filter(|c| c.lexicon == lexicon && c.counts)
            .map(|c| c.text.as_str())
            .collect();
        assert!(counted.is_empty(), "{rubric_id}: {words}: {counted:?}");
    }
}

#[test]
fn an_act_after_a_refused_object_counts_in_unpunctuated_speech() {
    // "that" here is what is refused, not a clause introduced: the booking after
    // it is offered, not refused.
    let rubric = support::registry()
        .get("challenging-customers")
        .expect("seed rubric");
    let transcript = transcript::parse(
        "Customer: This is ridiculous.\nAgent: right well i'm not having that i'm booking you in for friday",
        None,
        &RoleHints::default(),
    )
    .expect("transcript parses");
    let explanation = rubric.explain(&transcript);
    let counted = explanation
        .cues
        .iter()
        .any(|c| c.lexicon == "solution-offer" && c.counts);
    assert!(counted, "{:?}", explanation.cues);
}

#[test]
fn a_statements_only_lexicon_does_not_count_in_a_question() {
    let cases = [
        ("Agent: I can understand why.", Outcome::Met),
        ("Agent: Can you understand why?", Outcome::NotMet),
        // Unpunctuated speech opening like a question is a question too.
        ("agent: can you understand why", Outcome::NotMet),
        ("agent: i can understand why", Outcome::Met),
        // Another sentence of the turn is read on its own.
        ("Agent: Is that right? I can understand why.", Outcome::Met),
    ];
    for (line, expected) in cases {
        assert_eq!(outcome(line, "understands"), expected, "{line}");
    }
}
