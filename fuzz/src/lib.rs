//! Checks shared by the fuzz targets. Each target feeds raw bytes to one entry
//! point of rolemark; besides "no panic, no hang", the checks assert the
//! contracts that callers rely on, so that a wrong answer counts as a crash too.

use rolemark::engine::internals as text;
use rolemark::engine::internals::{self as lexicon, Normaliser};
use rolemark::engine::{Assessment, CompileLimits, Quote, Rubric, Scorer};
use rolemark::rubrics::Registry;
use rolemark::transcript::{
    self, Format, ParseOptions, ParseReport, Role, RoleHints, Transcript, TranscriptError, Turn,
};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Parses `data` as `format` (detected when `None`) twice: merged cues with no
/// hints, then kept cues with hints naming diarised labels, so that role
/// assignment gets past "no learner" on exports labelled `A`/`B`.
pub fn check_parse(data: &[u8], format: Option<Format>) {
    // Every caller (HTTP, CLI) rejects non-UTF-8 before parsing.
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let merged = ParseOptions {
        format,
        keep_cues: false,
    };
    let result = transcript::parse_with(input, &merged, &RoleHints::default());
    check_parsed(input, format, &result);

    let hints = RoleHints {
        learner: Some("A".to_owned()),
        roles: BTreeMap::from([("B".to_owned(), Role::Customer)]),
    };
    let kept = ParseOptions {
        format,
        keep_cues: true,
    };
    let result = transcript::parse_with(input, &kept, &hints);
    check_parsed(input, format, &result);
}

fn check_parsed(
    input: &str,
    requested: Option<Format>,
    result: &Result<(Transcript, ParseReport), TranscriptError>,
) {
    let Ok((transcript, report)) = result else {
        return;
    };
    let turns = &transcript.turns;
    assert!(!turns.is_empty(), "Ok with no turns");
    assert_eq!(report.turns, turns.len(), "report.turns");
    assert!(
        turns.iter().any(|t| t.role == Role::Learner),
        "Ok without a learner turn"
    );
    assert_eq!(
        report.timed,
        turns.iter().any(|t| t.start.is_some()),
        "report.timed"
    );
    for (i, turn) in turns.iter().enumerate() {
        for time in [turn.start, turn.end].into_iter().flatten() {
            assert!(
                time.is_finite() && time >= 0.0,
                "turn {i}: time {time} is not a finite, non-negative number"
            );
        }
        // What the canonical JSON reader demands of a turn, every reader should
        // give: a trimmed, non-empty speaker and an end no earlier than the start.
        assert!(
            !turn.speaker.is_empty() && turn.speaker.trim() == turn.speaker,
            "turn {i}: speaker {:?}",
            turn.speaker
        );
        if let (Some(start), Some(end)) = (turn.start, turn.end) {
            assert!(
                end >= start,
                "turn {i}: ends at {end}, before its start {start}"
            );
        }
    }
    check_json_round_trip(transcript);
    match requested {
        None => assert_eq!(
            report.format,
            Format::detect(input),
            "parse read a different format than Format::detect names"
        ),
        // JSON is told apart by shape; Teams and Zoom also export WebVTT.
        Some(Format::Json) => assert!(is_json(report.format), "{:?}", report.format),
        Some(f @ (Format::TeamsTxt | Format::ZoomTxt)) => {
            assert!(report.format == f || report.format == Format::Vtt)
        }
        Some(f) => assert_eq!(report.format, f),
    }
}

/// A parsed transcript written out as canonical JSON reads back to the same turns,
/// so that a client can store what it was shown and score it again.
fn check_json_round_trip(transcript: &Transcript) {
    let json = serde_json::to_string(transcript).expect("a transcript serialises");
    let options = ParseOptions {
        format: Some(Format::Json),
        keep_cues: false,
    };
    let (again, _) =
        transcript::parse_with(&json, &options, &RoleHints::default()).unwrap_or_else(|e| {
            panic!("canonical JSON of a parsed transcript does not read back: {e}")
        });
    assert_eq!(again.turns.len(), transcript.turns.len());
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        // serde_json's default float parsing may be one ulp off.
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        (a, b) => a.is_none() && b.is_none(),
    };
    for (a, b) in transcript.turns.iter().zip(&again.turns) {
        assert_eq!((&a.speaker, a.role, &a.text), (&b.speaker, b.role, &b.text));
        assert!(
            close(a.start, b.start) && close(a.end, b.end),
            "{a:?} vs {b:?}"
        );
    }
}

fn is_json(format: Format) -> bool {
    matches!(
        format,
        Format::Json
            | Format::Whisper
            | Format::AwsTranscribe
            | Format::Deepgram
            | Format::AssemblyAi
            | Format::GoogleStt
            | Format::AzureBatch
            | Format::RevAi
    )
}

/// Phrase syntax and the phrase normaliser.
pub fn check_phrase(data: &[u8]) {
    let Ok(phrase) = std::str::from_utf8(data) else {
        return;
    };
    match lexicon::expand(phrase) {
        Ok(forms) => {
            assert!(!forms.is_empty(), "a valid phrase with no forms");
            assert!(forms.len() <= lexicon::MAX_FORMS_PER_PHRASE);
            let mut seen = std::collections::HashSet::new();
            for form in &forms {
                assert!(!form.trim().is_empty(), "an empty form");
                assert!(seen.insert(form), "form {form:?} listed twice");
                assert!(
                    !form.contains(text::SENTENCE_BREAK),
                    "form {form:?} holds a sentence break, so it can never match"
                );
            }
        }
        Err(e) => {
            assert!(
                e.column >= 1 && e.column <= phrase.chars().count() + 1,
                "error column {} outside the phrase",
                e.column
            );
        }
    }

    // The ASCII fast path of `normalise_phrase` must agree with the normaliser
    // that transcripts go through, or phrases silently stop matching.
    assert_eq!(
        text::normalise_phrase(phrase),
        text::normalise_phrase_fully(phrase),
        "fast and full paths differ"
    );

    let mut normaliser = Normaliser::new();
    normaliser.push_text(phrase);
    let chars = phrase.chars().count() as u32;
    for token in &normaliser.tokens {
        assert!(token.norm_start <= token.norm_end);
        assert!(normaliser.text.is_char_boundary(token.norm_start as usize));
        assert!(normaliser.text.is_char_boundary(token.norm_end as usize));
        assert!(token.orig_start <= token.orig_end && token.orig_end <= chars);
        assert!((token.sentence as usize) < normaliser.sentences.len());
    }
    for sentence in &normaliser.sentences {
        assert!(sentence.orig_start <= sentence.orig_end && sentence.orig_end <= chars);
        assert!(sentence.first_token <= sentence.end_token);
        assert!(sentence.end_token as usize <= normaliser.tokens.len());
    }
}

/// Small limits: the fuzzer should explore the compiler, not build huge automata.
pub const FUZZ_LIMITS: CompileLimits = CompileLimits {
    max_phrases: 2_000,
    max_source_bytes: 64 * 1024,
};

/// A short timed role-play that a fuzzed rubric is scored against.
fn fixed_transcript() -> &'static Transcript {
    static FIXED: OnceLock<Transcript> = OnceLock::new();
    FIXED.get_or_init(|| {
        let lines = [
            "I've rung three times and nobody called me back. This is ridiculous!",
            "I'm so sorry. I understand how frustrating that must be.",
            "So where's my refund? I want my money back.",
            "What I can do is issue it now: you'll see it in three working days. Is there anything else?",
            "No, that's all. Thank you.",
            "Mm. Let me check... Okay, so if I've understood correctly, the coat came back on the 2nd?",
        ];
        let turns = lines
            .iter()
            .enumerate()
            .map(|(i, text)| Turn {
                speaker: if i % 2 == 0 { "Customer" } else { "Agent" }.to_owned(),
                role: if i % 2 == 0 {
                    Role::Customer
                } else {
                    Role::Learner
                },
                text: (*text).to_owned(),
                // Overlaps and a long gap, so that timing rules have work to do.
                start: Some(i as f64 * 4.0 + if i == 5 { 40.0 } else { 0.0 }),
                end: Some(i as f64 * 4.0 + 5.0 + if i == 5 { 40.0 } else { 0.0 }),
            })
            .collect();
        Transcript { turns }
    })
}

/// The rubric compiler, and scoring with whatever it accepts.
pub fn check_rubric(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match Rubric::compile_with(source, FUZZ_LIMITS) {
        Ok(rubric) => {
            assert!(rubric.phrase_count() <= FUZZ_LIMITS.max_phrases);
            let transcript = fixed_transcript();
            check_quotes(transcript, &Scorer::new(&rubric).score(transcript));
        }
        Err(e) => {
            // Line 0 means the whole file; otherwise the line must exist.
            let lines = source.split('\n').count();
            assert!(e.line() <= lines, "error at line {} of {lines}", e.line());
            assert!(!e.message().is_empty());
        }
    }
}

fn seed_rubrics() -> &'static Vec<std::sync::Arc<Rubric>> {
    static RUBRICS: OnceLock<Vec<std::sync::Arc<Rubric>>> = OnceLock::new();
    RUBRICS.get_or_init(|| {
        let registry = Registry::embedded().expect("embedded rubrics compile");
        let mut rubrics: Vec<_> = registry.iter().cloned().collect();
        rubrics.sort_by(|a, b| a.id().cmp(b.id()));
        rubrics
    })
}

/// Scores arbitrary transcript text with a seed rubric picked by the first
/// byte, and checks the evidence contract on every quote.
pub fn check_score(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let rubrics = seed_rubrics();
    let rubric = &rubrics[selector as usize % rubrics.len()];
    // Parsed when the parsers accept it; otherwise each line becomes a turn,
    // so that text no parser accepts still reaches the scorer.
    let transcript = match transcript::parse(input, None, &RoleHints::default()) {
        Ok(transcript) => transcript,
        Err(_) => lines_as_turns(input, selector & 0x80 != 0),
    };
    if transcript.turns.is_empty() {
        return;
    }
    check_quotes(&transcript, &Scorer::new(rubric).score(&transcript));
}

fn lines_as_turns(input: &str, timed: bool) -> Transcript {
    let turns = input
        .split('\n')
        .enumerate()
        .map(|(i, text)| {
            let start = i as f64 * 3.0;
            Turn {
                speaker: if i % 2 == 0 { "Customer" } else { "Agent" }.to_owned(),
                role: if i % 2 == 0 {
                    Role::Customer
                } else {
                    Role::Learner
                },
                text: text.to_owned(),
                start: timed.then_some(start),
                end: timed.then_some(start + (text.len() % 11) as f64),
            }
        })
        .collect();
    Transcript { turns }
}

fn all_quotes(assessment: &Assessment) -> impl Iterator<Item = &Quote> {
    let criteria = assessment.criteria.iter().flat_map(|c| c.evidence.iter());
    let behaviours = assessment
        .customer_behaviour
        .iter()
        .flat_map(|b| b.evidence.iter());
    criteria
        .chain(behaviours)
        .flat_map(|e| std::iter::once(&e.quote).chain(e.responds_to.as_ref()))
}

/// Every quote is the char slice `[start..end)` of its turn's original text.
pub fn check_quotes(transcript: &Transcript, assessment: &Assessment) {
    for quote in all_quotes(assessment) {
        let turn = transcript.turns.get(quote.turn).unwrap_or_else(|| {
            panic!(
                "quote names turn {} of {}",
                quote.turn,
                transcript.turns.len()
            )
        });
        let chars = turn.text.chars().count() as u32;
        assert!(
            quote.start <= quote.end && quote.end <= chars,
            "quote {}..{} outside turn {} of {chars} chars",
            quote.start,
            quote.end,
            quote.turn
        );
        let slice: String = turn
            .text
            .chars()
            .skip(quote.start as usize)
            .take((quote.end - quote.start) as usize)
            .collect();
        assert_eq!(
            slice, quote.quote,
            "quote is not the slice of turn {}",
            quote.turn
        );
        assert_eq!(quote.speaker, turn.speaker);
        assert_eq!(quote.role, turn.role);
    }
    let unit = |score: f64| (0.0..=1.0).contains(&score);
    let overall = &assessment.overall;
    assert!(
        overall.score.is_none_or(unit),
        "overall score {:?}",
        overall.score
    );
    // Not assessable exactly when no criterion applied.
    assert_eq!(
        overall.assessable,
        assessment.criteria.iter().any(|c| c.score.is_some())
    );
    assert_eq!(overall.assessable, overall.grade.is_some());
    for criterion in &assessment.criteria {
        if let Some(score) = criterion.score {
            assert!(unit(score), "criterion {} scores {score}", criterion.id);
        }
    }
}
