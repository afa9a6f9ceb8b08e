//! Each rule kind, negation, red flags, applicability and grading, on a small test
//! rubric and short transcripts, plus the compiler's error messages.

use rolemark::engine::{Assessment, Outcome, Polarity, Rubric};
use rolemark::transcript::{self, RoleHints};

const RUBRIC: &str = r#"
id = "rule-kinds"
title = "Rule kinds"
version = "1"

[scoring]
met_at = 0.75
partially_met_at = 0.35
required_cap = "fail"
[[scoring.bands]]
grade = "fail"
min = 0.0
[[scoring.bands]]
grade = "pass"
min = 0.5
[[scoring.bands]]
grade = "distinction"
min = 0.9

[lexicons.apology]
phrases = ["{I am|I'm} [so|really] sorry", "I apologise"]
[lexicons.empathy]
phrases = ["I understand", "that must be {frustrating|awful}"]
[lexicons.solution]
phrases = ["what I can do is", "I can offer"]
[lexicons.anger]
negatable = false
phrases = ["ridiculous", "not good enough"]
[lexicons.abuse]
phrases = ["idiot", "useless"]
[lexicons.closing]
phrases = ["anything else"]
[lexicons.lead-in]
phrases = ["so if I've understood", "so what you are saying is"]
[lexicons.open]
negatable = false
phrases = ["what", "how", "tell me"]
[lexicons.refund-demand]
phrases = ["want ... {refund|money back}"]
[lexicons.blame]
negatable = false
phrases = ["not my problem", "calm down"]

[[behaviours]]
id = "angry"
cues = ["anger"]
[[behaviours]]
id = "abusive"
cues = ["abuse"]

[[criteria]]
id = "apology"
title = "Apologises"
required = true
rule = { says = ["apology"] }

[[criteria]]
id = "two-apologies"
title = "Apologises twice"
rule = { says = { cues = ["apology"], at_least = 2 } }

[[criteria]]
id = "replies-to-anger"
title = "Answers anger with empathy"
rule = { reply = { to = ["anger"], with = ["empathy"], within = 1 } }

[[criteria]]
id = "empathy-first"
title = "Empathy before solution"
rule = { before = { first = ["empathy"], then = ["solution"] } }

[[criteria]]
id = "paraphrase"
title = "Paraphrases"
rule = { paraphrase = { lead_ins = ["lead-in"] } }

[[criteria]]
id = "open-question"
title = "Asks an open question"
rule = { question = { cues = ["open"], lead = 2 } }

[[criteria]]
id = "closing"
title = "Checks at the end"
[criteria.rule.says]
cues = ["closing"]
in = { last_turns = 2 }

[[criteria]]
id = "calm"
title = "No blame"
rule = { not = { says = ["blame"] } }
red_flags = { cues = ["blame"], penalty = 0.5 }

[[criteria]]
id = "boundaries"
title = "Sets boundaries"
applies_when = { behaviour = ["abusive"] }
rule = { says = ["apology"] }

[[criteria]]
id = "count"
title = "Three pieces"
rule = { count = { of = [{ says = ["apology"] }, { says = ["empathy"] }], at_least = 3 } }

[[criteria]]
id = "gapped"
title = "Gapped phrase"
rule = { says = { cues = ["refund-demand"], by = "customer" } }

[[criteria]]
id = "any-all"
title = "Combinators"
rule = { all = [{ any = [{ says = ["apology"] }, { says = ["closing"] }] }, { says = ["solution"] }] }
"#;

fn score(text: &str) -> Assessment {
    score_with(RUBRIC, text)
}

fn score_with(rubric: &str, text: &str) -> Assessment {
    let rubric = Rubric::compile(rubric).expect("test rubric compiles");
    let transcript =
        transcript::parse(text, None, &RoleHints::default()).expect("transcript parses");
    rolemark::engine::Scorer::new(&rubric).score(&transcript)
}

fn outcome(a: &Assessment, id: &str) -> (Outcome, Option<f64>) {
    let c = a
        .criteria
        .iter()
        .find(|c| c.id == id)
        .expect("criterion exists");
    (c.outcome, c.score)
}

fn quotes(a: &Assessment, id: &str) -> Vec<(usize, String, Polarity)> {
    let c = a
        .criteria
        .iter()
        .find(|c| c.id == id)
        .expect("criterion exists");
    c.evidence
        .iter()
        .map(|e| (e.quote.turn, e.quote.quote.clone(), e.polarity))
        .collect()
}

const GOOD: &str = "\
Customer: This is ridiculous, my parcel never arrived and the courier ignored me.
Agent: I understand, that must be frustrating. I'm so sorry.
Customer: It was meant to come on Monday.
Agent: So if I've understood, the parcel never arrived on Monday? What did the courier say?
Customer: Nothing.
Agent: What I can do is send a replacement today. I apologise again.
Customer: Fine.
Agent: Is there anything else I can help with?";

#[test]
fn says_counts_distinct_turns_against_at_least() {
    let a = score(GOOD);
    assert_eq!(outcome(&a, "apology"), (Outcome::Met, Some(1.0)));
    assert_eq!(outcome(&a, "two-apologies"), (Outcome::Met, Some(1.0)));
    let one = score("Customer: Hi.\nAgent: I'm sorry about that.");
    assert_eq!(
        outcome(&one, "two-apologies"),
        (Outcome::PartiallyMet, Some(0.5))
    );
}

#[test]
fn evidence_quotes_the_whole_sentence_of_the_cue() {
    let a = score(GOOD);
    assert_eq!(
        quotes(&a, "apology"),
        vec![
            (1, "I'm so sorry.".to_owned(), Polarity::For),
            (5, "I apologise again.".to_owned(), Polarity::For)
        ]
    );
}

#[test]
fn reply_rule_needs_the_answer_within_n_learner_turns() {
    let a = score(GOOD);
    assert_eq!(outcome(&a, "replies-to-anger"), (Outcome::Met, Some(1.0)));
    let late = score(
        "Customer: This is ridiculous.\nAgent: Right.\nCustomer: Well?\nAgent: I understand.",
    );
    assert_eq!(
        outcome(&late, "replies-to-anger"),
        (Outcome::NotMet, Some(0.0))
    );
    let calm = score("Customer: Hello there.\nAgent: Hello, I understand.");
    assert_eq!(
        outcome(&calm, "replies-to-anger"),
        (Outcome::NotApplicable, None)
    );
}

#[test]
fn before_rule_halves_the_score_when_the_order_is_wrong() {
    let a = score(GOOD);
    assert_eq!(outcome(&a, "empathy-first"), (Outcome::Met, Some(1.0)));
    let wrong = score("Customer: It broke.\nAgent: What I can do is replace it.\nCustomer: Ok.\nAgent: I understand.");
    assert_eq!(
        outcome(&wrong, "empathy-first"),
        (Outcome::PartiallyMet, Some(0.5))
    );
    let against: Vec<_> = quotes(&wrong, "empathy-first")
        .into_iter()
        .filter(|q| q.2 == Polarity::Against)
        .collect();
    assert_eq!(
        against,
        vec![(
            1,
            "What I can do is replace it.".to_owned(),
            Polarity::Against
        )]
    );
    let none = score("Customer: It broke.\nAgent: Ok.");
    assert_eq!(
        outcome(&none, "empathy-first"),
        (Outcome::NotMet, Some(0.0))
    );
}

#[test]
fn before_rule_with_late_zero_credits_nothing_said_after_and_shows_no_evidence_for() {
    let rubric = RUBRIC.replace(
        r#"rule = { before = { first = ["empathy"], then = ["solution"] } }"#,
        r#"rule = { before = { first = ["empathy"], then = ["solution"], late = 0.0 } }"#,
    );
    let wrong = score_with(
        &rubric,
        "Customer: It broke.\nAgent: What I can do is replace it.\nCustomer: Ok.\nAgent: I understand.",
    );
    assert_eq!(
        outcome(&wrong, "empathy-first"),
        (Outcome::NotMet, Some(0.0))
    );
    let polarities: Vec<_> = quotes(&wrong, "empathy-first")
        .into_iter()
        .map(|q| q.2)
        .collect();
    assert_eq!(polarities, vec![Polarity::Against]);
    let right = score_with(
        &rubric,
        "Customer: It broke.\nAgent: I understand. What I can do is replace it.",
    );
    assert_eq!(outcome(&right, "empathy-first"), (Outcome::Met, Some(1.0)));
    let out_of_range = RUBRIC.replace(
        r#"then = ["solution"] } }"#,
        r#"then = ["solution"], late = 1.5 } }"#,
    );
    let error = Rubric::compile(&out_of_range).unwrap_err().to_string();
    assert!(error.contains("before.late"), "{error}");
}

#[test]
fn paraphrase_quotes_both_turns() {
    let a = score(GOOD);
    let c = a.criteria.iter().find(|c| c.id == "paraphrase").unwrap();
    assert_eq!(c.outcome, Outcome::Met);
    let e = &c.evidence[0];
    assert_eq!(e.quote.turn, 3);
    assert_eq!(
        e.quote.quote,
        "So if I've understood, the parcel never arrived on Monday?"
    );
    let earlier = e
        .responds_to
        .as_ref()
        .expect("paraphrase names what it restates");
    // The restatement shares most with the first complaint, two turns back.
    assert_eq!(earlier.turn, 0);
    assert_eq!(
        earlier.quote,
        "This is ridiculous, my parcel never arrived and the courier ignored me."
    );
}

#[test]
fn paraphrase_without_overlap_is_not_found() {
    let a = score("Customer: My parcel never arrived on Monday.\nAgent: Lovely weather for ducks today, isn't it.");
    assert_eq!(outcome(&a, "paraphrase"), (Outcome::NotMet, Some(0.0)));
    assert!(!a
        .criteria
        .iter()
        .find(|c| c.id == "paraphrase")
        .unwrap()
        .looked_for
        .is_empty());
}

#[test]
fn open_questions_need_a_question_and_an_opener() {
    let a = score(GOOD);
    assert_eq!(
        quotes(&a, "open-question"),
        vec![(3, "What did the courier say?".to_owned(), Polarity::For)]
    );
    let statement = score("Customer: Hi.\nAgent: What a day it has been.");
    assert_eq!(
        outcome(&statement, "open-question"),
        (Outcome::NotMet, Some(0.0))
    );
    let unpunctuated = score("Customer: hi\nAgent: how can I help you today");
    assert_eq!(
        outcome(&unpunctuated, "open-question"),
        (Outcome::Met, Some(1.0))
    );
    // A chat question often opens with "so" or a greeting before its question word.
    let prefaced = score("Customer: hi\nAgent: so how long ago was that");
    assert_eq!(
        outcome(&prefaced, "open-question"),
        (Outcome::Met, Some(1.0))
    );
    let prefaced_statement = score("Customer: hi\nAgent: so tell me about it");
    assert_eq!(
        outcome(&prefaced_statement, "open-question"),
        (Outcome::NotMet, Some(0.0))
    );
}

#[test]
fn windows_limit_where_a_cue_counts() {
    let early = score("Customer: Hi.\nAgent: Anything else first?\nCustomer: No.\nAgent: Ok.\nCustomer: Bye.\nAgent: Bye.");
    assert_eq!(outcome(&early, "closing"), (Outcome::NotMet, Some(0.0)));
    let a = score(GOOD);
    assert_eq!(outcome(&a, "closing"), (Outcome::Met, Some(1.0)));
}

#[test]
fn red_flags_subtract_and_are_quoted_against() {
    let a = score(
        "Customer: Hi.\nAgent: Calm down, it's not my problem.\nCustomer: What?\nAgent: Calm down.",
    );
    assert_eq!(outcome(&a, "calm"), (Outcome::NotMet, Some(0.0)));
    assert!(quotes(&a, "calm").iter().all(|q| q.2 == Polarity::Against));
    assert_eq!(a.overall.red_flags, 2);
}

#[test]
fn negated_cues_do_not_count() {
    let cases = [
        ("Agent: I'm not sorry.", Outcome::NotMet),
        ("Agent: I am not really sorry.", Outcome::NotMet),
        ("Agent: I’m never sorry about that.", Outcome::NotMet),
        ("Agent: No, I'm sorry.", Outcome::Met),
        ("Agent: I'm so sorry.", Outcome::Met),
        (
            "Agent: I can't tell you how sorry I am. I am sorry.",
            Outcome::Met,
        ),
    ];
    for (line, expected) in cases {
        let a = score(&format!("Customer: Hi.\n{line}"));
        assert_eq!(outcome(&a, "apology").0, expected, "{line}");
    }
    // A lexicon of negative statements opts out of negation.
    let angry = score("Customer: This is not good enough.\nAgent: Ok.");
    assert!(angry
        .customer_behaviour
        .iter()
        .any(|b| b.id == "angry" && b.shown));
}

#[test]
fn criteria_depending_on_behaviour_are_not_applicable_without_it() {
    let calm = score(GOOD);
    assert_eq!(outcome(&calm, "boundaries"), (Outcome::NotApplicable, None));
    let abusive = score("Customer: You useless idiot.\nAgent: I'm sorry you feel that way.");
    assert_eq!(outcome(&abusive, "boundaries"), (Outcome::Met, Some(1.0)));
    let profile: Vec<&str> = abusive
        .customer_behaviour
        .iter()
        .filter(|b| b.shown)
        .map(|b| b.id.as_str())
        .collect();
    assert_eq!(profile, vec!["abusive"]);
}

#[test]
fn count_and_combinators() {
    let a = score(GOOD);
    assert_eq!(outcome(&a, "count"), (Outcome::Met, Some(1.0)));
    assert_eq!(outcome(&a, "any-all"), (Outcome::Met, Some(1.0)));
    let half = score("Customer: Hi.\nAgent: I'm sorry.");
    assert_eq!(
        outcome(&half, "any-all"),
        (Outcome::PartiallyMet, Some(0.5))
    );
}

#[test]
fn an_optional_part_of_all_counts_only_when_it_raises_the_mean() {
    let rubric = format!(
        "{RUBRIC}\n{}",
        r#"
[[criteria]]
id = "optional-lift"
title = "Apology and solution, a closing check to the good"
rule = { all = [{ says = ["apology"] }, { says = ["solution"] }, { optional = { says = ["closing"] } }] }
"#
    );
    let optional = |text: &str| {
        let a = score_with(&rubric, text);
        let closing_quoted = quotes(&a, "optional-lift")
            .iter()
            .any(|(_, quote, _)| quote.to_lowercase().contains("anything else"));
        let criterion = a.criteria.iter().find(|c| c.id == "optional-lift").unwrap();
        let closing_unmet = criterion.looked_for.iter().any(|u| u.contains("closing"));
        (outcome(&a, "optional-lift"), closing_quoted, closing_unmet)
    };
    // Everything done: the optional part cannot raise a full score, so it is
    // neither counted, quoted nor reported missing.
    assert_eq!(
        optional("Customer: Hi.\nAgent: I'm sorry. What I can do is refund it."),
        ((Outcome::Met, Some(1.0)), false, false)
    );
    assert_eq!(
        optional("Customer: Hi.\nAgent: I'm sorry. What I can do is refund it. Anything else?"),
        ((Outcome::Met, Some(1.0)), false, false)
    );
    // Half done: the optional part lifts the mean, with its evidence.
    let (lifted, quoted, _) = optional("Customer: Hi.\nAgent: I'm sorry. Anything else?");
    assert_eq!(lifted.0, Outcome::PartiallyMet);
    assert_eq!(
        lifted.1,
        Some(0.667),
        "(1 + 0 + 1) / 3, as results round it"
    );
    assert!(quoted);
    // Missing, it costs nothing.
    assert_eq!(
        optional("Customer: Hi.\nAgent: I'm sorry.").0,
        (Outcome::PartiallyMet, Some(0.5))
    );
}

#[test]
fn a_required_criterion_not_met_caps_the_grade() {
    let good = score(GOOD);
    assert_ne!(good.overall.grade.as_deref(), Some("fail"));
    assert!(good.overall.capped_by.is_empty());
    let rude = score("Customer: Hi.\nAgent: What I can do is offer a refund. Anything else?");
    assert_eq!(rude.overall.capped_by, vec!["apology"]);
    assert_eq!(rude.overall.grade.as_deref(), Some("fail"));
}

#[test]
fn not_applicable_criteria_leave_the_denominator() {
    let a = score(GOOD);
    let (sum, weights) = a
        .criteria
        .iter()
        .filter_map(|c| c.score.map(|s| (s * c.weight, c.weight)))
        .fold((0.0, 0.0), |(x, y), (s, w)| (x + s, y + w));
    assert!((a.overall.score.unwrap_or_default() - sum / weights).abs() < 0.001);
    assert_eq!(a.overall.not_applicable, 1);
}

#[test]
fn scoring_is_deterministic() {
    let first = serde_json::to_string(&score(GOOD)).unwrap();
    for _ in 0..5 {
        assert_eq!(serde_json::to_string(&score(GOOD)).unwrap(), first);
    }
}

#[test]
fn rubric_errors_name_line_column_and_fix() {
    let cases: &[(&str, &str, usize, &str)] = &[
        (
            "unknown cue",
            "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\n[lexicons.a]\nphrases = [\"a\"]\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = { says = [\"nope\"] }\n",
            9,
            "unknown cue `nope`",
        ),
        (
            "unknown field",
            "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\ncolour = \"red\"\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = { behaviour = [\"x\"] }\n",
            4,
            "unknown field `colour`",
        ),
        (
            "duplicate id",
            "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\n[lexicons.a]\nphrases = [\"a\"]\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = { says = [\"a\"] }\n[[criteria]]\nid = \"c\"\ntitle = \"d\"\nrule = { says = [\"a\"] }\n",
            11,
            "used twice",
        ),
        (
            "bad phrase",
            "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\n[lexicons.a]\nphrases = [\n  \"ok\",\n  \"{a|b\",\n]\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = { says = [\"a\"] }\n",
            7,
            "never closed",
        ),
        (
            "toml syntax",
            "id = \"x\"\ntitle = \"t\nversion = \"1\"\n",
            2,
            "",
        ),
        (
            "unknown rule kind",
            "id = \"x\"\ntitle = \"t\"\nversion = \"1\"\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = { shouts = [\"a\"] }\n",
            7,
            "shouts",
        ),
        (
            "bad id",
            "id = \"Not Kebab\"\ntitle = \"t\"\nversion = \"1\"\n[[criteria]]\nid = \"c\"\ntitle = \"c\"\nrule = { behaviour = [\"x\"] }\n",
            1,
            "kebab-case",
        ),
    ];
    for (name, source, line, fragment) in cases {
        let err = Rubric::compile(source).expect_err(name);
        assert_eq!(err.line(), *line, "{name}: {err}");
        assert!(err.message().contains(fragment), "{name}: {err}");
    }
}

#[test]
fn a_compiled_rubric_carries_the_sha256_of_its_source() {
    let rubric = Rubric::compile(RUBRIC).unwrap();
    assert_eq!(rubric.sha256().len(), 64);
    let changed = Rubric::compile(&RUBRIC.replace("Rule kinds", "Rule kinds!")).unwrap();
    assert_ne!(rubric.sha256(), changed.sha256());
}

#[test]
fn gapped_phrases_match_words_in_order_within_the_gap() {
    let cases = [
        ("Customer: I want a refund.", Outcome::Met),
        ("Customer: I want my money back.", Outcome::Met),
        ("Customer: I want all of it as a full refund.", Outcome::Met),
        (
            "Customer: I want one two three four five six seven refund.",
            Outcome::NotMet,
        ),
        ("Customer: I want it. Refund please.", Outcome::NotMet),
        ("Customer: A refund is what I want.", Outcome::NotMet),
        ("Customer: I don't want a refund.", Outcome::NotMet),
    ];
    for (line, expected) in cases {
        let a = score(&format!("{line}\nAgent: Ok."));
        assert_eq!(outcome(&a, "gapped").0, expected, "{line}");
    }
    let a = score("Customer: Honestly I want all of it as a full refund today.\nAgent: Ok.");
    let c = a.criteria.iter().find(|c| c.id == "gapped").unwrap();
    assert_eq!(c.evidence[0].phrase.as_deref(), Some("want ... refund"));
    assert_eq!(
        c.evidence[0].quote.quote,
        "Honestly I want all of it as a full refund today."
    );
}

const EXCEPTIONS_RUBRIC: &str = r#"
id = "exceptions"
title = "Sentence exceptions and openers"
version = "1"

[scoring]
met_at = 0.75
partially_met_at = 0.35
required_cap = "fail"
[[scoring.bands]]
grade = "fail"
min = 0.0

[lexicons.offer]
negatable = false
phrases = ["would you like {me to|a refund}"]
[lexicons.advice]
negatable = false
sentence_start = true
phrases = ["[so] you {can|should}"]
[lexicons.restating]
negatable = false
sentence_start = true
phrases = ["so you {were|are}"]

[[criteria]]
id = "asks"
title = "Asks about the problem, offers aside"
rule = { question = { unless = ["offer"], at_least = 2 } }

[[criteria]]
id = "restates"
title = "Restates, advice aside"
rule = { paraphrase = { unless = ["advice"] } }

[[criteria]]
id = "opens-with-restatement"
title = "Opens a sentence by restating"
rule = { says = ["restating"] }
"#;

#[test]
fn questions_holding_an_unless_cue_do_not_count() {
    let a = score_with(
        EXCEPTIONS_RUBRIC,
        "Customer: My order never came.\nAgent: Would you like a refund? When did you order it?\nCustomer: Monday.\nAgent: Would you like me to chase it?",
    );
    let c = a.criteria.iter().find(|c| c.id == "asks").unwrap();
    assert_eq!((c.outcome, c.score), (Outcome::PartiallyMet, Some(0.5)));
    let asked: Vec<&str> = c.evidence.iter().map(|e| e.quote.quote.as_str()).collect();
    assert_eq!(asked, ["When did you order it?"]);
    assert!(
        c.looked_for.iter().any(|l| l.contains("found 1, 2 needed")),
        "{:?}",
        c.looked_for
    );
}

#[test]
fn paraphrase_skips_sentences_holding_an_unless_cue() {
    let customer = "Customer: The heater in room twelve stopped working overnight.\n";
    let advice = score_with(
        EXCEPTIONS_RUBRIC,
        &format!("{customer}Agent: You can move the heater in room twelve yourself."),
    );
    assert_eq!(outcome(&advice, "restates"), (Outcome::NotMet, Some(0.0)));
    let restated = score_with(
        EXCEPTIONS_RUBRIC,
        &format!("{customer}Agent: The heater in room twelve stopped working overnight."),
    );
    assert_eq!(outcome(&restated, "restates"), (Outcome::Met, Some(1.0)));
}

#[test]
fn sentence_start_cues_count_only_where_a_sentence_opens() {
    let opening = score_with(
        EXCEPTIONS_RUBRIC,
        "Customer: It broke.\nAgent: Right. So you were charged twice?",
    );
    assert_eq!(
        quotes(&opening, "opens-with-restatement"),
        vec![(1, "So you were charged twice?".to_owned(), Polarity::For)]
    );
    // The same words as a conjunction inside a sentence, and at the start of the
    // next turn after the customer's own sentence, are told apart.
    let inside = score_with(
        EXCEPTIONS_RUBRIC,
        "Customer: It broke.\nAgent: I will refund it so you are not out of pocket.",
    );
    assert_eq!(
        outcome(&inside, "opens-with-restatement"),
        (Outcome::NotMet, Some(0.0))
    );
    let next_turn = score_with(
        EXCEPTIONS_RUBRIC,
        "Customer: It broke\nAgent: so you were charged twice",
    );
    assert_eq!(
        outcome(&next_turn, "opens-with-restatement"),
        (Outcome::Met, Some(1.0))
    );
}

const ASKING_RUBRIC: &str = r#"
id = "asking"
title = "Asks for the facts"
version = "1.0.0"

[lexicons.clarifying]
questions_only = true
phrases = ["what happened", "can you tell me"]

[[criteria]]
id = "asks"
title = "Asks what happened"
rule = { says = ["clarifying"] }
"#;

fn asks(text: &str) -> Outcome {
    let rubric = Rubric::compile(ASKING_RUBRIC).expect("test rubric compiles");
    let transcript =
        transcript::parse(text, None, &RoleHints::default()).expect("transcript parses");
    rolemark::engine::Scorer::new(&rubric)
        .score(&transcript)
        .criteria[0]
        .outcome
}

#[test]
fn a_questions_only_lexicon_counts_questions_and_not_statements() {
    assert_eq!(
        asks("Customer: It broke.\nAgent: What happened?"),
        Outcome::Met
    );
    assert_eq!(
        asks("Customer: It broke.\nAgent: I'll leave a note explaining what happened."),
        Outcome::NotMet
    );
    // Unpunctuated speech runs questions together: a cue that opens like one counts.
    assert_eq!(
        asks("Customer: it broke\nAgent: right so dennis can you tell me the date"),
        Outcome::Met
    );
    assert_eq!(
        asks("Customer: it broke\nAgent: i'll find out for you and write down how it went"),
        Outcome::NotMet
    );
    let both = ASKING_RUBRIC.replace(
        "questions_only = true",
        "questions_only = true\nstatements_only = true",
    );
    let error = Rubric::compile(&both).expect_err("both flags count nothing");
    assert!(error.to_string().contains("would count no cue"), "{error}");
}

/// A rubric whose red flags come in two groups: lapses of manner, which on their
/// own leave the criterion partly met, and rudeness, which can sink it.
const GROUPED_FLAGS: &str = r#"
id = "grouped-flags"
title = "Grouped red flags"
version = "1"

[lexicons.courtesy]
phrases = ["thank you"]
[lexicons.curt]
negatable = false
phrases = ["not my problem"]
[lexicons.rude]
negatable = false
phrases = ["shut up"]

[[criteria]]
id = "demeanour"
title = "Stays professional"
rule = { says = ["courtesy"] }
red_flags = [
  { cues = ["rude"], penalty = 0.55 },
  { cues = ["curt", "rude"], penalty = 0.3, floor = 0.6 },
]
"#;

#[test]
fn a_red_flag_group_with_a_floor_never_takes_the_score_below_it() {
    let curt = "Customer: Hi.\nAgent: Thank you. Not my problem.\nCustomer: What?\nAgent: Not my problem.\nCustomer: Really?\nAgent: Not my problem.";
    let a = score_with(GROUPED_FLAGS, curt);
    // Three curt turns would cost 0.9 at 0.3 each; the group stops at its floor.
    assert_eq!(outcome(&a, "demeanour"), (Outcome::PartiallyMet, Some(0.6)));
    assert_eq!(a.overall.red_flags, 3);
    let once = score_with(
        GROUPED_FLAGS,
        "Customer: Hi.\nAgent: Thank you. Not my problem.",
    );
    assert_eq!(
        outcome(&once, "demeanour"),
        (Outcome::PartiallyMet, Some(0.7))
    );
    let fine = score_with(GROUPED_FLAGS, "Customer: Hi.\nAgent: Thank you.");
    assert_eq!(outcome(&fine, "demeanour"), (Outcome::Met, Some(1.0)));
}

#[test]
fn floor_turns_lets_lapses_all_through_a_call_go_below_the_floor() {
    let limited = GROUPED_FLAGS.replace("floor = 0.6 }", "floor = 0.6, floor_turns = 2 }");
    let mut call = String::from("Customer: Hi.\nAgent: Thank you.");
    for _ in 0..4 {
        call.push_str("\nCustomer: Well?\nAgent: Not my problem.");
    }
    // Two curt turns reach the floor (0.6); the third and fourth cost 0.3 each below it.
    let a = score_with(&limited, &call);
    assert_eq!(outcome(&a, "demeanour"), (Outcome::NotMet, Some(0.0)));
    let two_lapses = call.rsplitn(3, "\nCustomer:").last().unwrap().to_owned();
    let b = score_with(&limited, &two_lapses);
    assert_eq!(outcome(&b, "demeanour"), (Outcome::PartiallyMet, Some(0.6)));
    let unlimited = score_with(GROUPED_FLAGS, &call);
    assert_eq!(
        outcome(&unlimited, "demeanour"),
        (Outcome::PartiallyMet, Some(0.6))
    );
}

#[test]
fn a_group_without_a_floor_can_sink_the_criterion_and_a_turn_counts_once() {
    let rude = "Customer: Hi.\nAgent: Thank you. Shut up.\nCustomer: What?\nAgent: Shut up.";
    let a = score_with(GROUPED_FLAGS, rude);
    // Each rude turn is flagged by the first group only (0.55 each), not again
    // by the second group that also lists `rude`.
    assert_eq!(outcome(&a, "demeanour"), (Outcome::NotMet, Some(0.0)));
    assert_eq!(a.overall.red_flags, 2);
    let against = quotes(&a, "demeanour")
        .into_iter()
        .filter(|q| q.2 == Polarity::Against)
        .count();
    assert_eq!(against, 2);
    let c = a.criteria.iter().find(|c| c.id == "demeanour").unwrap();
    assert_eq!(
        c.looked_for
            .iter()
            .filter(|l| l.starts_with("no red flags"))
            .count(),
        1,
        "{:?}",
        c.looked_for
    );
    // Once rude, then curt: 1.0 - 0.55 = 0.45, already below the second group's
    // floor, so the curt turn costs nothing more.
    let both = score_with(
        GROUPED_FLAGS,
        "Customer: Hi.\nAgent: Thank you. Shut up.\nCustomer: What?\nAgent: Not my problem.",
    );
    assert_eq!(
        outcome(&both, "demeanour"),
        (Outcome::PartiallyMet, Some(0.45))
    );
}

#[test]
fn red_flag_groups_are_checked_when_the_rubric_compiles() {
    let base = GROUPED_FLAGS.split("red_flags = [").next().unwrap();
    let cases = [
        ("red_flags = []", "empty array"),
        (
            "red_flags = [{ cues = [\"rude\"], floor = 1.5 }]",
            "`floor` must be between 0 and 1",
        ),
        (
            "red_flags = [{ cues = [\"rude\"], penalty = -0.1 }]",
            "`penalty` must be between 0 and 1",
        ),
        (
            "red_flags = [{ penalty = 0.2 }]",
            "needs `cues`, `rules` or both",
        ),
        (
            "red_flags = [{ cues = [\"rude\"], floor_turns = 2 }]",
            "`floor_turns` needs a `floor`",
        ),
        (
            "red_flags = [{ cues = [\"rude\"], floor = 0.5, floor_turns = 0 }]",
            "at least 1",
        ),
        ("red_flags = [{ cues = [\"nope\"] }]", "nope"),
        (
            "red_flags = \"rude\"",
            "a table of red flags or an array of such tables",
        ),
    ];
    for (flags, fragment) in cases {
        let err = Rubric::compile(&format!("{base}{flags}\n")).expect_err(flags);
        assert!(err.message().contains(fragment), "{flags}: {err}");
    }
}
