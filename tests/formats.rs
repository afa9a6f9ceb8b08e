//! The same role-play saved in every supported transcript format reads to the
//! same turns (speakers, roles, texts, and times where the format has them),
//! and no input, however mangled, makes a parser panic.

use proptest::prelude::*;
use rolemark::transcript::{
    self, Format, ParseOptions, ParseReport, Role, RoleHints, Transcript, TranscriptError,
};

const AGENT: &str = "Priya Shah";
const CUSTOMER: &str = "Mr. Davis";

/// The role-play every fixture holds: (learner speaks, text, start, end).
const TURNS: [(bool, &str, f64, f64); 12] = [
    (true, "Thank you for calling Northway Retail, you're speaking to Priya. How can I help you today?", 0.0, 4.2),
    (false, "Hi Priya. I returned a coat five weeks ago and I still haven't had my refund. I've rung twice already.", 4.6, 10.1),
    (true, "I'm sorry to hear that, Mr. Davis. Can I take your order number so I can look into it?", 10.5, 15.0),
    (false, "It's NR-48213. Your email said: refund within ten working days.", 15.4, 20.2),
    (true, "Thank you. I can see the coat arrived back at our warehouse on the 2nd of May.", 20.7, 25.3),
    (false, "So where's my money? This is ridiculous.", 25.6, 28.0),
    (true, "You're right to be frustrated. The refund was approved but it was never sent to your bank.", 28.4, 33.9),
    (false, "Never sent? Why not?", 34.2, 36.0),
    (true, "The card on the order had expired, so the payment bounced. That should have been flagged to you, and it wasn't.", 36.3, 42.8),
    (false, "Nobody told me anything.", 43.1, 45.0),
    (true, "I've now issued it to your new card: £89.99, and you'll see it within three working days. I'll email you the confirmation.", 45.4, 53.0),
    (false, "Okay. Thank you, Priya.", 53.5, 55.2),
];

/// How a fixture names its speakers.
#[derive(Debug, Clone, Copy)]
enum Speakers {
    /// By name; the caller names the learner.
    Named,
    /// By diarisation labels (learner, customer); roles are guessed from the greeting.
    Guessed(&'static str, &'static str),
    /// By labels that carry roles.
    Roles(&'static str, &'static str),
}

/// Which times a fixture carries.
#[derive(Debug, Clone, Copy)]
enum Times {
    /// Start and end offsets.
    Offsets,
    /// Clock times to the second, read as seconds after the first.
    Clock,
    None,
}

struct Fixture {
    file: &'static str,
    format: Format,
    speakers: Speakers,
    times: Times,
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        file: "refund.json",
        format: Format::Json,
        speakers: Speakers::Named,
        times: Times::Offsets,
    },
    Fixture {
        file: "refund.txt",
        format: Format::Text,
        speakers: Speakers::Named,
        times: Times::None,
    },
    Fixture {
        file: "refund-chat.txt",
        format: Format::Text,
        speakers: Speakers::Named,
        times: Times::Clock,
    },
    Fixture {
        file: "refund-teams.vtt",
        format: Format::Vtt,
        speakers: Speakers::Named,
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-zoom.vtt",
        format: Format::Vtt,
        speakers: Speakers::Named,
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-captions.vtt",
        format: Format::Vtt,
        speakers: Speakers::Named,
        times: Times::Offsets,
    },
    Fixture {
        file: "refund.srt",
        format: Format::Srt,
        speakers: Speakers::Named,
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-teams.txt",
        format: Format::TeamsTxt,
        speakers: Speakers::Named,
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-zoom.txt",
        format: Format::ZoomTxt,
        speakers: Speakers::Named,
        times: Times::Clock,
    },
    Fixture {
        file: "refund-whisperx.json",
        format: Format::Whisper,
        speakers: Speakers::Guessed("SPEAKER_00", "SPEAKER_01"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-whisper.json",
        format: Format::Whisper,
        speakers: Speakers::Guessed("SPEAKER_00", "SPEAKER_01"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-aws.json",
        format: Format::AwsTranscribe,
        speakers: Speakers::Guessed("spk_0", "spk_1"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-aws-analytics.json",
        format: Format::AwsTranscribe,
        speakers: Speakers::Roles("Agent", "Customer"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-deepgram.json",
        format: Format::Deepgram,
        speakers: Speakers::Guessed("Speaker 0", "Speaker 1"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-contact-lens.json",
        format: Format::AwsTranscribe,
        speakers: Speakers::Roles("Agent", "Customer"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-deepgram-words.json",
        format: Format::Deepgram,
        speakers: Speakers::Guessed("Speaker 0", "Speaker 1"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-deepgram-paragraphs.json",
        format: Format::Deepgram,
        speakers: Speakers::Guessed("Speaker 0", "Speaker 1"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-assemblyai.json",
        format: Format::AssemblyAi,
        speakers: Speakers::Guessed("Speaker A", "Speaker B"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-google-stt.json",
        format: Format::GoogleStt,
        speakers: Speakers::Guessed("Speaker 1", "Speaker 2"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-azure.json",
        format: Format::AzureBatch,
        speakers: Speakers::Guessed("Speaker 1", "Speaker 2"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-rev.json",
        format: Format::RevAi,
        speakers: Speakers::Guessed("Speaker 0", "Speaker 1"),
        times: Times::Offsets,
    },
    Fixture {
        file: "refund-otter.txt",
        format: Format::OtterTxt,
        speakers: Speakers::Named,
        times: Times::Clock,
    },
    Fixture {
        file: "refund-google-meet.txt",
        format: Format::GoogleMeet,
        speakers: Speakers::Named,
        times: Times::None,
    },
];

fn read(file: &str) -> String {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hints(fixture: &Fixture) -> RoleHints {
    RoleHints {
        learner: matches!(fixture.speakers, Speakers::Named).then(|| AGENT.to_string()),
        ..RoleHints::default()
    }
}

fn parse(input: &str, fixture: &Fixture, options: &ParseOptions) -> (Transcript, ParseReport) {
    transcript::parse_with(input, options, &hints(fixture))
        .unwrap_or_else(|e| panic!("{}: {e}", fixture.file))
}

/// Checks every turn against [`TURNS`].
fn check(fixture: &Fixture, transcript: &Transcript) {
    let file = fixture.file;
    assert_eq!(transcript.turns.len(), TURNS.len(), "{file}: turn count");
    for (index, (turn, (learner, text, start, end))) in
        transcript.turns.iter().zip(TURNS).enumerate()
    {
        let at = format!("{file}, turn {index}");
        assert_eq!(turn.text, text, "{at}: text");
        let role = if learner {
            Role::Learner
        } else {
            Role::Customer
        };
        assert_eq!(turn.role, role, "{at}: role");
        let speaker = match (fixture.speakers, learner) {
            (Speakers::Named, true) => AGENT,
            (Speakers::Named, false) => CUSTOMER,
            (Speakers::Guessed(agent, _) | Speakers::Roles(agent, _), true) => agent,
            (Speakers::Guessed(_, customer) | Speakers::Roles(_, customer), false) => customer,
        };
        assert_eq!(turn.speaker, speaker, "{at}: speaker");
        match fixture.times {
            Times::Offsets => {
                let near =
                    |got: Option<f64>, want: f64| got.is_some_and(|got| (got - want).abs() < 1e-9);
                assert!(
                    near(turn.start, start),
                    "{at}: start {:?}, expected {start}",
                    turn.start
                );
                assert!(
                    near(turn.end, end),
                    "{at}: end {:?}, expected {end}",
                    turn.end
                );
            }
            Times::Clock => {
                assert_eq!(turn.start, Some(start.floor()), "{at}: start");
                assert_eq!(turn.end, None, "{at}: end");
            }
            Times::None => assert_eq!((turn.start, turn.end), (None, None), "{at}: times"),
        }
    }
}

#[test]
fn every_format_reads_the_same_role_play() {
    for fixture in FIXTURES {
        let input = read(fixture.file);
        let (transcript, report) = parse(&input, fixture, &ParseOptions::default());
        check(fixture, &transcript);
        assert_eq!(report.format, fixture.format, "{}: format", fixture.file);
        match fixture.speakers {
            Speakers::Guessed(learner, customer) => {
                let guess = report
                    .roles_guessed
                    .unwrap_or_else(|| panic!("{}: expected a role guess", fixture.file));
                assert_eq!(guess.learner, learner, "{}", fixture.file);
                assert_eq!(
                    guess.customer.as_deref(),
                    Some(customer),
                    "{}",
                    fixture.file
                );
                assert!(
                    guess
                        .signals
                        .contains(&"learner: \"thank you for calling\"".to_string()),
                    "{}: {:?}",
                    fixture.file,
                    guess.signals
                );
                assert!(guess.confidence >= 0.75, "{}", fixture.file);
            }
            _ => assert_eq!(report.roles_guessed, None, "{}: no guess", fixture.file),
        }
    }
}

#[test]
fn every_format_is_detected_and_named_formats_read_the_same() {
    for fixture in FIXTURES {
        let input = read(fixture.file);
        assert_eq!(
            Format::detect(&input),
            fixture.format,
            "{}: detected",
            fixture.file
        );
        // Naming the format gives the same turns as detecting it.
        let options = ParseOptions {
            format: Some(fixture.format),
            keep_cues: false,
        };
        check(fixture, &parse(&input, fixture, &options).0);
        // So does naming only the extension's format, for the extensions that name one.
        let extension = fixture.file.rsplit('.').next().unwrap_or_default();
        let options = ParseOptions {
            format: Format::from_extension(extension),
            keep_cues: false,
        };
        check(fixture, &parse(&input, fixture, &options).0);
    }
}

#[test]
fn a_bom_and_crlf_line_ends_change_nothing() {
    for fixture in FIXTURES {
        let input = read(fixture.file);
        let crlf = input.replace("\r\n", "\n").replace('\n', "\r\n");
        for variant in [
            format!("\u{feff}{input}"),
            crlf.clone(),
            format!("\u{feff}{crlf}"),
        ] {
            check(
                fixture,
                &parse(&variant, fixture, &ParseOptions::default()).0,
            );
        }
    }
}

#[test]
fn keep_cues_keeps_each_cue_as_a_turn() {
    let cues_per_format = [
        ("refund-teams.vtt", 15),
        ("refund-zoom.vtt", 15),
        ("refund.srt", 15),
        ("refund-teams.txt", 15),
        ("refund-whisperx.json", 15),
        ("refund-deepgram.json", 15),
        ("refund-aws-analytics.json", 15),
        ("refund-contact-lens.json", 15),
        ("refund-deepgram-paragraphs.json", 15),
        // Rebuilt from words, Deepgram turns without paragraphs are speaker runs.
        ("refund-deepgram-words.json", 12),
        ("refund-google-stt.json", 12),
        ("refund-azure.json", 15),
        ("refund-rev.json", 12),
        ("refund-otter.txt", 13),
        ("refund-google-meet.txt", 12),
        // Rebuilt from words, AWS turns are speaker runs whatever the option.
        ("refund-aws.json", 12),
        ("refund-assemblyai.json", 12),
        ("refund.json", 12),
    ];
    for (file, count) in cues_per_format {
        let fixture = FIXTURES
            .iter()
            .find(|f| f.file == file)
            .expect("listed fixture");
        let options = ParseOptions {
            format: None,
            keep_cues: true,
        };
        let (transcript, _) = parse(&read(file), fixture, &options);
        assert_eq!(transcript.turns.len(), count, "{file}");
    }
    let fixture = &FIXTURES[3];
    let options = ParseOptions {
        format: None,
        keep_cues: true,
    };
    let (transcript, _) = parse(&read(fixture.file), fixture, &options);
    let split: Vec<(&str, Option<f64>, Option<f64>)> = transcript.turns[1..3]
        .iter()
        .map(|t| (t.text.as_str(), t.start, t.end))
        .collect();
    assert_eq!(
        split,
        vec![
            (
                "Hi Priya. I returned a coat five weeks ago and I still haven't had my refund.",
                Some(4.6),
                Some(8.2)
            ),
            ("I've rung twice already.", Some(8.2), Some(10.1)),
        ]
    );
}

#[test]
fn named_speakers_are_told_apart_by_what_they_say() {
    let (transcript, report) = transcript::parse_with(
        &read("refund-teams.vtt"),
        &ParseOptions::default(),
        &RoleHints::default(),
    )
    .unwrap();
    let guess = report.roles_guessed.expect("a guess from what people say");
    assert_eq!(guess.learner, "Priya Shah");
    assert_eq!(guess.customer.as_deref(), Some("Mr. Davis"));
    assert_eq!(transcript.turns[0].role, Role::Learner);
    assert_eq!(transcript.turns[1].role, Role::Customer);
    // Two people who say nothing that tells them apart are not guessed at.
    let error = transcript::parse(
        "Sam: Hello.\nAlex: Hi there.\nSam: Right.",
        None,
        &RoleHints::default(),
    )
    .unwrap_err();
    match error {
        TranscriptError::NoLearner {
            speakers,
            suggested,
            ..
        } => {
            assert_eq!(speakers, ["Sam", "Alex"]);
            assert_eq!(suggested, None);
        }
        other => panic!("expected NoLearner, got {other:?}"),
    }
}

#[test]
fn a_learner_hint_beats_the_greeting_guess() {
    let hints = RoleHints {
        learner: Some("SPEAKER_01".to_string()),
        ..RoleHints::default()
    };
    let (transcript, report) = transcript::parse_with(
        &read("refund-whisperx.json"),
        &ParseOptions::default(),
        &hints,
    )
    .unwrap();
    assert_eq!(report.roles_guessed, None);
    assert_eq!(transcript.turns[0].role, Role::Customer);
    assert_eq!(transcript.turns[1].role, Role::Learner);
}

#[test]
fn the_report_serialises_for_clients() {
    let fixture = &FIXTURES[11];
    let (_, report) = parse(&read(fixture.file), fixture, &ParseOptions::default());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["format"], "aws-transcribe");
    assert_eq!(json["roles_guessed"]["learner"], "spk_0");
    assert_eq!(json["roles_guessed"]["customer"], "spk_1");
    assert!(json["roles_guessed"]["reason"]
        .as_str()
        .unwrap()
        .contains("speaks for the organisation"));
    assert!(json["roles_guessed"]["confidence"].as_f64().unwrap() >= 0.75);
    assert!(json["roles_guessed"]["signals"].as_array().unwrap().len() >= 2);
    let fixture = &FIXTURES[0];
    let (_, report) = parse(&read(fixture.file), fixture, &ParseOptions::default());
    assert_eq!(
        serde_json::to_string(&report).unwrap(),
        r#"{"format":"json","turns":12,"timed":true}"#
    );
}

#[test]
fn format_names_media_types_and_extensions() {
    for format in Format::ALL {
        assert_eq!(Format::parse(format.name()), Some(format), "{format}");
        assert_eq!(
            Format::parse(&format.name().to_uppercase()),
            Some(format),
            "{format}"
        );
    }
    let names: &[(&str, Format)] = &[
        ("json", Format::Json),
        ("text", Format::Text),
        ("txt", Format::Text),
        ("plain", Format::Text),
        ("vtt", Format::Vtt),
        ("WebVTT", Format::Vtt),
        (".srt", Format::Srt),
        ("subrip", Format::Srt),
        ("whisper", Format::Whisper),
        ("WhisperX", Format::Whisper),
        ("aws", Format::AwsTranscribe),
        ("aws_transcribe", Format::AwsTranscribe),
        ("call-analytics", Format::AwsTranscribe),
        ("deepgram", Format::Deepgram),
        ("assemblyai", Format::AssemblyAi),
        ("AssemblyAI", Format::AssemblyAi),
        ("teams", Format::TeamsTxt),
        ("zoom", Format::ZoomTxt),
        ("otter", Format::OtterTxt),
        ("google", Format::GoogleStt),
        ("Google-STT", Format::GoogleStt),
        ("azure", Format::AzureBatch),
        ("azure_batch", Format::AzureBatch),
        ("rev", Format::RevAi),
        ("rev.ai", Format::RevAi),
        ("meet", Format::GoogleMeet),
        ("google-meet", Format::GoogleMeet),
        ("contact-lens", Format::AwsTranscribe),
    ];
    for (name, format) in names {
        assert_eq!(Format::parse(name), Some(*format), "{name}");
    }
    assert_eq!(Format::parse("docx"), None);

    let media: &[(&str, Option<Format>)] = &[
        ("text/vtt", Some(Format::Vtt)),
        ("text/vtt; charset=utf-8", Some(Format::Vtt)),
        ("application/x-subrip", Some(Format::Srt)),
        ("Application/X-SubRip", Some(Format::Srt)),
        ("text/srt", Some(Format::Srt)),
        ("application/json", Some(Format::Json)),
        ("application/vnd.deepgram+json", Some(Format::Json)),
        ("text/plain", None),
        ("text/plain; charset=utf-8", None),
        ("application/octet-stream", None),
        ("", None),
    ];
    for (media_type, format) in media {
        assert_eq!(Format::from_media_type(media_type), *format, "{media_type}");
    }
    let extensions: &[(&str, Option<Format>)] = &[
        ("vtt", Some(Format::Vtt)),
        (".VTT", Some(Format::Vtt)),
        ("call.srt", Some(Format::Srt)),
        ("json", Some(Format::Json)),
        ("txt", None),
        ("docx", None),
    ];
    for (extension, format) in extensions {
        assert_eq!(Format::from_extension(extension), *format, "{extension}");
    }
}

#[test]
fn teams_and_zoom_names_read_their_webvtt_exports_too() {
    for (name, file) in [("teams", "refund-teams.vtt"), ("zoom", "refund-zoom.vtt")] {
        let fixture = FIXTURES
            .iter()
            .find(|f| f.file == file)
            .expect("listed fixture");
        let options = ParseOptions {
            format: Format::parse(name),
            keep_cues: false,
        };
        let (transcript, report) = parse(&read(file), fixture, &options);
        check(fixture, &transcript);
        assert_eq!(report.format, Format::Vtt);
    }
}

#[test]
fn json_named_as_json_is_still_told_apart_by_shape() {
    let fixture = &FIXTURES[13];
    let options = ParseOptions {
        format: Some(Format::Json),
        keep_cues: false,
    };
    let (transcript, report) = parse(&read(fixture.file), fixture, &options);
    check(fixture, &transcript);
    assert_eq!(report.format, Format::Deepgram);
}

/// Applies edits (position, kind, length, text) to `input`, by characters.
fn mutate(input: &str, edits: &[(usize, u8, usize, String)]) -> String {
    let mut chars: Vec<char> = input.chars().collect();
    for (position, kind, length, text) in edits {
        let at = if chars.is_empty() {
            0
        } else {
            position % (chars.len() + 1)
        };
        let end = (at + length).min(chars.len());
        match kind % 4 {
            0 => {
                chars.drain(at..end);
            }
            1 => {
                chars.splice(at..at, text.chars());
            }
            2 => {
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            _ => {
                chars.splice(at..end, text.chars());
            }
        }
    }
    chars.into_iter().collect()
}

/// Every way of asking for a parse: detected, and each format named.
fn all_options() -> Vec<ParseOptions> {
    let formats = std::iter::once(None).chain(Format::ALL.into_iter().map(Some));
    formats
        .flat_map(|format| [false, true].map(|keep_cues| ParseOptions { format, keep_cues }))
        .collect()
}

/// Parses `input` every way, checking only that nothing panics and that
/// syntax errors never quote the role-play's words. (Role errors list speaker
/// labels by design, and a mangled file can make words into a label.)
fn parse_every_way(input: &str) {
    for options in all_options() {
        let result = transcript::parse_with(input, &options, &RoleHints::default());
        if let Err(error @ (TranscriptError::Syntax { .. } | TranscriptError::InvalidTurn { .. })) =
            result
        {
            let message = error.to_string();
            for (_, text, _, _) in TURNS {
                let quote: String = text.chars().take(24).collect();
                assert!(!message.contains(&quote), "{options:?}: {message}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>()) {
        parse_every_way(&input);
    }

    #[test]
    fn structured_noise_never_panics(
        input in "(WEBVTT\n|\\{|\\[|<v |</v>|<c>|&amp;|&#[0-9]{1,8};|-->|00:0[0-9]:[0-9]{2}[.,][0-9]{3}|0:0:[0-9]\\.[0-9]|\"[a-z_]{1,12}\": |[A-Za-z. ]{1,12}: |\\[[A-Za-z ]{1,10}\\] [0-9]{1,2}:[0-9]{2}:[0-9]{2}|\n|\r\n| |[0-9]{1,3}|[a-z]{1,6}|[\\]\\},:\\-]){0,120}",
    ) {
        parse_every_way(&input);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_fixtures_never_panic(
        fixture in 0..FIXTURES.len(),
        edits in prop::collection::vec(
            (any::<usize>(), any::<u8>(), 0usize..64, "[\\[\\]<>{}:,.\\-\" \n\r0-9a-zA-Z&;#>\u{feff}é£]{0,12}"),
            1..6,
        ),
    ) {
        let input = mutate(&read(FIXTURES[fixture].file), &edits);
        parse_every_way(&input);
    }
}
