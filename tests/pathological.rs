//! Inputs built to hurt: huge turns, huge numbers of turns, deep nesting, control
//! characters, scripts and sequences that break naive offset arithmetic, and a
//! rubric of 50,000 phrases. Each must be read (or refused with a clear error)
//! without a panic, in time that grows with the input rather than its square, and
//! every quote must still slice its turn exactly.
//!
//! These run in the debug build, so the sizes are the issue's own: a quadratic
//! step over 10 MB or 100,000 turns would not finish, which is the check.

mod support;

use rolemark::engine::{Assessment, CompileLimits, Outcome, Rubric, Scorer};
use rolemark::transcript::{self, Format, Role, RoleHints, Transcript, Turn};
use support::{assert_quotes_exact, registry};

fn rubric(id: &str) -> &'static Rubric {
    registry().get(id).expect("seed rubric")
}

fn turn(speaker: &str, role: Role, text: String) -> Turn {
    Turn {
        speaker: speaker.into(),
        role,
        text,
        start: None,
        end: None,
    }
}

fn criterion_outcome(assessment: &Assessment, id: &str) -> Outcome {
    assessment
        .criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("criterion {id}"))
        .outcome
}

#[test]
fn a_ten_megabyte_single_line_turn_is_scored_with_exact_quotes() {
    // One line, no sentence punctuation at all: a single 10 MB sentence, the worst
    // case for sentence-based quoting.
    let filler = "and the parcel still has not arrived after three weeks of waiting ";
    let mut rant = String::with_capacity(10 * 1024 * 1024 + filler.len());
    while rant.len() < 10 * 1024 * 1024 {
        rant.push_str(filler);
    }
    let input = format!(
        "Customer: {rant}\nAgent: I'm so sorry, I understand how frustrating that must be.\n"
    );
    let transcript = transcript::parse(&input, None, &RoleHints::default()).expect("parses");
    assert_eq!(transcript.turns.len(), 2);
    assert_eq!(transcript.turns[0].text.len(), rant.trim_end().len());
    let assessment = Scorer::new(rubric("heat")).score(&transcript);
    let quotes = assert_quotes_exact(&transcript, &assessment, "10 MB turn");
    assert!(quotes >= 1, "the apology is quoted");
    // Quotes from the huge sentence are cut to words around the cue, not 10 MB long.
    for evidence in assessment.criteria.iter().flat_map(|c| c.evidence.iter()) {
        for quote in std::iter::once(&evidence.quote).chain(evidence.responds_to.as_ref()) {
            assert!(
                quote.quote.len() < 4_000,
                "quote of {} bytes",
                quote.quote.len()
            );
        }
    }
}

#[test]
fn a_hundred_thousand_one_word_turns_are_scored() {
    let mut input = String::with_capacity(1_500_000);
    for i in 0..50_000 {
        input.push_str(if i % 2 == 0 {
            "Customer: This is ridiculous.\n"
        } else {
            "Customer: Refund.\n"
        });
        input.push_str(if i % 3 == 0 {
            "Agent: I'm so sorry.\n"
        } else {
            "Agent: Okay.\n"
        });
    }
    let transcript = transcript::parse(&input, None, &RoleHints::default()).expect("parses");
    assert_eq!(transcript.turns.len(), 100_000);
    for id in ["heat", "challenging-customers"] {
        let assessment = Scorer::new(rubric(id)).score(&transcript);
        assert!(
            assert_quotes_exact(&transcript, &assessment, id) > 0,
            "{id}"
        );
        assert_eq!(assessment.criteria.len(), rubric(id).criteria().len());
    }
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let inputs = [
        format!("{{\"turns\": {nested}}}"),
        nested.clone(),
        format!("{{\"turns\": [{{\"speaker\": \"A\", \"text\": {nested}}}]}}"),
        "{\"a\":".repeat(depth),
    ];
    let json_formats = [
        None,
        Some(Format::Json),
        Some(Format::Whisper),
        Some(Format::AwsTranscribe),
        Some(Format::Deepgram),
        Some(Format::AssemblyAi),
        Some(Format::GoogleStt),
        Some(Format::AzureBatch),
        Some(Format::RevAi),
    ];
    for input in &inputs {
        for format in json_formats {
            let result = transcript::parse(input, format, &RoleHints::default());
            let message = result
                .expect_err("nonsense nesting is not a transcript")
                .to_string();
            assert!(!message.is_empty(), "{format:?}");
            assert!(message.len() < 300, "one short line: {message}");
        }
    }
}

#[test]
fn nul_bytes_and_control_characters_keep_quotes_exact() {
    let input = "Customer: My order\0 never came \u{7}and I want a refund.\r\n\
                 Agent: I'm so\0 sorry. I understand\u{1b}[31m how frustrating that must be.\r\n\
                 Customer: \0\0\0\n\
                 Agent: What I can do is\u{0} arrange a refund today.\n";
    let transcript = transcript::parse(input, None, &RoleHints::default()).expect("parses");
    assert_eq!(transcript.turns.len(), 4);
    assert!(transcript.turns[1].text.contains('\0'));
    for rubric in registry().iter() {
        let assessment = Scorer::new(rubric).score(&transcript);
        assert_quotes_exact(&transcript, &assessment, rubric.id());
    }
    let assessment = Scorer::new(rubric("heat")).score(&transcript);
    let quoted: Vec<&str> = assessment
        .criteria
        .iter()
        .flat_map(|c| c.evidence.iter())
        .map(|e| e.quote.quote.as_str())
        .collect();
    assert!(
        quoted.contains(&"I'm so\0 sorry."),
        "a NUL byte does not hide the cue around it: {quoted:?}"
    );
}

#[test]
fn scripts_and_sequences_that_break_offset_arithmetic_keep_quotes_exact() {
    // Each noise sits right against a cue, where an off-by-one in char or byte
    // offsets would cut into the quote.
    let noises = [
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd}",                // Hebrew, right to left
        "\u{627}\u{644}\u{633}\u{644}\u{627}\u{645}",  // Arabic
        "\u{202e}reversed\u{202c}",                    // bidi override
        "\u{200d}\u{200d}",                            // zero-width joiners
        "e\u{301}\u{302}\u{303}\u{304}",               // stacked combining marks
        "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}", // family emoji (ZWJ sequence)
        "\u{1f44d}\u{1f3fd}",                          // emoji with skin tone
        "\u{1f1ec}\u{1f1e7}",                          // flag: regional indicators
        "\u{feff}",                                    // stray byte-order mark
        "\u{fe0f}\u{20e3}",                            // keycap sequence parts
    ];
    let mut turns = Vec::new();
    for (i, noise) in noises.iter().enumerate() {
        // Glued to words, noise may join them into one word (a Hebrew letter next
        // to a Latin one does, by Unicode's rules): the quotes must still be exact.
        turns.push(turn(
            "Customer",
            Role::Customer,
            format!("{noise}This is ridiculous{noise}, my delivery{noise} is late{noise}."),
        ));
        // Set apart by spaces, it must not stop the cues from counting.
        turns.push(turn(
            "Agent",
            Role::Learner,
            format!(
                "{noise} I'm so sorry {noise}. That must be really frustrating {noise}. \
                 So your delivery is late {noise}? What I can do {noise} is refund it, turn {i}."
            ),
        ));
    }
    let transcript = Transcript { turns };
    let mut quotes = 0;
    for rubric in registry().iter() {
        let assessment = Scorer::new(rubric).score(&transcript);
        quotes += assert_quotes_exact(&transcript, &assessment, rubric.id());
    }
    assert!(quotes > noises.len() * 3, "only {quotes} quotes");
    let assessment = Scorer::new(rubric("challenging-customers")).score(&transcript);
    assert_ne!(
        criterion_outcome(&assessment, "empathy"),
        Outcome::NotMet,
        "cues next to noise still count"
    );
}

/// A rubric of `phrases` distinct two-word phrases in one lexicon, plus a
/// criterion that uses it.
fn big_rubric_source(phrases: usize) -> String {
    let mut source = String::from(
        "id = \"big\"\ntitle = \"Big\"\nversion = \"1\"\n\n[lexicons.codes]\ndescription = \"codes\"\nphrases = [\n",
    );
    for i in 0..phrases {
        source.push_str(&format!("  \"code w{i} x{}\",\n", i % 97));
    }
    source.push_str(
        "]\n\n[[criteria]]\nid = \"says-a-code\"\ntitle = \"Says a code\"\n\n[criteria.rule]\nsays = [\"codes\"]\n",
    );
    source
}

#[test]
fn a_rubric_of_fifty_thousand_phrases_compiles_and_scores() {
    let source = big_rubric_source(50_000);
    let rubric = Rubric::compile_with(
        &source,
        CompileLimits {
            max_phrases: 50_000,
            ..CompileLimits::default()
        },
    )
    .expect("a rubric at the phrase limit compiles");
    assert_eq!(rubric.phrase_count(), 50_000);
    let transcript = Transcript {
        turns: vec![
            turn("Customer", Role::Customer, "Which code?".into()),
            turn(
                "Agent",
                Role::Learner,
                "Your code w49999 x44 is ready. And code w7 x7 too.".into(),
            ),
        ],
    };
    let assessment = Scorer::new(&rubric).score(&transcript);
    assert_eq!(
        assert_quotes_exact(&transcript, &assessment, "50,000 phrases"),
        2
    );
    assert_eq!(criterion_outcome(&assessment, "says-a-code"), Outcome::Met);

    let over = Rubric::compile_with(
        &big_rubric_source(50_001),
        CompileLimits {
            max_phrases: 50_000,
            ..CompileLimits::default()
        },
    )
    .expect_err("one phrase over the limit is refused");
    assert!(
        over.to_string().contains("more than 50000 phrases"),
        "{over}"
    );
}

#[test]
fn phrase_expansion_blow_up_is_refused_before_it_is_expanded() {
    // 4^12 = 16.7 million forms if expanded: refused with the phrase named.
    let phrase = "{a|b|c|d}".repeat(12);
    let source = format!(
        "id = \"blow-up\"\ntitle = \"Blow-up\"\nversion = \"1\"\n\n[lexicons.x]\ndescription = \"x\"\nphrases = [\"{phrase}\"]\n\n[[criteria]]\nid = \"c\"\ntitle = \"C\"\n\n[criteria.rule]\nsays = [\"x\"]\n"
    );
    let error = Rubric::compile(&source).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("more than"), "{message}");
    assert!(message.contains("split it"), "says what to do: {message}");
}
