//! The transcript model every parser produces and the scoring engine reads.
//!
//! A [`Transcript`] is an ordered list of [`Turn`]s. Parsers (one module per
//! input format, see [`Format`]) produce [`RawTurn`]s; cue-based formats then
//! have consecutive cues of one speaker merged into one turn; and
//! [`roles::assign_roles`] settles who is the learner and who is the customer,
//! so that every format shares one set of role rules. [`parse_with`] also
//! returns a [`ParseReport`]: the format read and any role guess made.

mod assemblyai;
mod aws;
mod azure_batch;
mod clock;
mod cues;
mod cuetext;
mod deepgram;
mod deepgram_channels;
mod detect;
mod google_meet;
mod google_stt;
mod json;
mod json_doc;
mod otter;
mod rev_ai;
pub mod roles;
mod srt;
mod teams;
mod text;
mod vtt;
mod whisper;
mod word_runs;
mod zoom;

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

pub use roles::{RoleGuess, RoleHints};

/// Who a speaker is in the role-play.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person being assessed (agent, adviser, staff member).
    Learner,
    /// The (role-played) customer.
    Customer,
    /// Anyone else: a supervisor joining, an assessor, a narrator.
    Other,
}

impl Role {
    /// The role's name on the wire: `learner`, `customer` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Customer => "customer",
            Role::Other => "other",
        }
    }

    /// Parses `learner`, `customer` or `other` (any case).
    pub fn parse(value: &str) -> Option<Role> {
        match value.trim().to_ascii_lowercase().as_str() {
            "learner" => Some(Role::Learner),
            "customer" => Some(Role::Customer),
            "other" => Some(Role::Other),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One speaker turn, with its text exactly as submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Turn {
    /// The speaker's label as the transcript gives it.
    pub speaker: String,
    /// Who the speaker is in the role-play.
    pub role: Role,
    /// The original text; evidence offsets index into it in Unicode scalar values.
    pub text: String,
    /// Seconds from the start of the recording, when the format has times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// Seconds from the start of the recording at which the turn ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
}

/// An ordered conversation with every turn's role settled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The turns in the order they were spoken.
    pub turns: Vec<Turn>,
}

impl Transcript {
    /// Whether any turn carries a time: what timing rules and windows in
    /// seconds need to judge anything.
    pub fn is_timed(&self) -> bool {
        self.turns.iter().any(|t| t.start.is_some())
    }

    /// One untimed sentence said by `role` (the speaker named after the role):
    /// what rubric examples and `explain` read.
    pub fn one_sentence(role: Role, text: &str) -> Transcript {
        Transcript {
            turns: vec![Turn {
                speaker: role.as_str().to_owned(),
                role,
                text: text.to_owned(),
                start: None,
                end: None,
            }],
        }
    }
}

/// A turn as a parser read it, before roles are settled.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTurn {
    /// The speaker's label as the input gives it.
    pub speaker: String,
    /// A role stated in the input itself (`"role"` in JSON, `Name (Customer):` in text).
    pub role: Option<Role>,
    /// The original text.
    pub text: String,
    /// Seconds from the start of the recording, when the format has times.
    pub start: Option<f64>,
    /// Seconds from the start of the recording at which the turn ends.
    pub end: Option<f64>,
    /// 1-based line in the input where the turn begins, for error messages.
    pub line: usize,
}

/// Input formats known to this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `{"turns":[{"speaker","text","role"?,"start"?,"end"?}]}`
    Json,
    /// `Speaker: text` lines, `Name (Role): text`, unlabelled lines continue a
    /// turn; chat exports with times (`[10:32] Name: text`, `10:32 - Name: text`,
    /// `Name (10:32): text`).
    Text,
    /// WebVTT (`text/vtt`): Teams, Zoom and captioning tools.
    Vtt,
    /// SubRip (`application/x-subrip`).
    Srt,
    /// Whisper JSON `segments`, diarised (WhisperX `speaker`).
    Whisper,
    /// AWS Transcribe JSON (`results.items`), Call Analytics JSON and Amazon
    /// Connect Contact Lens post-call files (`Transcript`).
    AwsTranscribe,
    /// Deepgram JSON (`results.utterances`, else the words or paragraphs of
    /// `results.channels`).
    Deepgram,
    /// AssemblyAI JSON (`utterances`).
    AssemblyAi,
    /// The old Teams `.txt`: a timing line, the speaker's name, the words.
    TeamsTxt,
    /// Speaker-header text: Zoom's saved transcript and chat `.txt`
    /// (`[Name] 11:02:09`, `11:02:09 From Name to Everyone:`).
    ZoomTxt,
    /// Google Cloud Speech-to-Text JSON with diarisation (`results[*]` words
    /// with `speakerTag` or `speakerLabel`).
    GoogleStt,
    /// Azure AI Speech batch transcription JSON (`recognizedPhrases`).
    AzureBatch,
    /// Rev.ai JSON (`monologues` of `elements`).
    RevAi,
    /// Otter.ai's text export: `Name  0:03` header lines, then the words.
    OtterTxt,
    /// Google Meet's transcript saved as text: a `- Transcript` title, then
    /// `Name: text` lines.
    GoogleMeet,
}

impl Format {
    /// Every format, for help texts and listings.
    pub const ALL: [Format; 15] = [
        Format::Json,
        Format::Text,
        Format::Vtt,
        Format::Srt,
        Format::Whisper,
        Format::AwsTranscribe,
        Format::Deepgram,
        Format::AssemblyAi,
        Format::TeamsTxt,
        Format::ZoomTxt,
        Format::GoogleStt,
        Format::AzureBatch,
        Format::RevAi,
        Format::OtterTxt,
        Format::GoogleMeet,
    ];

    /// Reads a format name, ignoring case, dots, hyphens, underscores and
    /// spaces: `json`, `text` (`txt`, `plain`, `chat`), `vtt` (`webvtt`), `srt`
    /// (`subrip`), `whisper` (`whisperx`), `aws` (`aws-transcribe`,
    /// `transcribe`, `call-analytics`, `contact-lens`), `deepgram`,
    /// `assemblyai`, `teams` (`teams-txt`), `zoom` (`zoom-txt`), `google-stt`
    /// (`google`, `google-speech`), `azure-batch` (`azure`, `azure-speech`),
    /// `rev-ai` (`rev`), `otter-txt` (`otter`), `google-meet` (`meet`).
    pub fn parse(value: &str) -> Option<Format> {
        let name: String = value
            .trim()
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Some(match name.as_str() {
            "json" | "canonical" => Format::Json,
            "text" | "txt" | "plain" | "plaintext" | "chat" => Format::Text,
            "vtt" | "webvtt" => Format::Vtt,
            "srt" | "subrip" => Format::Srt,
            "whisper" | "whisperx" | "whisperjson" => Format::Whisper,
            "aws" | "awstranscribe" | "transcribe" | "amazontranscribe" | "callanalytics"
            | "awscallanalytics" | "contactlens" | "amazonconnect" => Format::AwsTranscribe,
            "deepgram" => Format::Deepgram,
            "assemblyai" | "assembly" => Format::AssemblyAi,
            "teams" | "teamstxt" | "msteams" => Format::TeamsTxt,
            "zoom" | "zoomtxt" => Format::ZoomTxt,
            "googlestt" | "google" | "googlespeech" | "googlespeechtotext" => Format::GoogleStt,
            "azurebatch" | "azure" | "azurespeech" => Format::AzureBatch,
            "revai" | "rev" => Format::RevAi,
            "ottertxt" | "otter" | "otterai" => Format::OtterTxt,
            "googlemeet" | "meet" | "meettxt" => Format::GoogleMeet,
            _ => return None,
        })
    }

    /// The canonical name, which [`Format::parse`] reads back.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Text => "text",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
            Format::Whisper => "whisper",
            Format::AwsTranscribe => "aws-transcribe",
            Format::Deepgram => "deepgram",
            Format::AssemblyAi => "assemblyai",
            Format::TeamsTxt => "teams-txt",
            Format::ZoomTxt => "zoom-txt",
            Format::GoogleStt => "google-stt",
            Format::AzureBatch => "azure-batch",
            Format::RevAi => "rev-ai",
            Format::OtterTxt => "otter-txt",
            Format::GoogleMeet => "google-meet",
        }
    }

    /// The format a media type names (parameters such as `; charset=utf-8`
    /// ignored). JSON types give [`Format::Json`], which still tells JSON
    /// exports apart by shape. `text/plain` and unknown types give `None`:
    /// they say nothing about the layout (uploads of `.srt` and `.vtt` files
    /// often arrive as `text/plain`), so the content decides.
    pub fn from_media_type(media_type: &str) -> Option<Format> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/vtt" => Some(Format::Vtt),
            "application/x-subrip"
            | "application/srt"
            | "text/srt"
            | "text/x-srt"
            | "application/x-srt" => Some(Format::Srt),
            "application/json" | "text/json" => Some(Format::Json),
            other if other.starts_with("application/") && other.ends_with("+json") => {
                Some(Format::Json)
            }
            _ => None,
        }
    }

    /// The format a file extension names (`vtt`, `.srt`, or a whole file
    /// name such as `call.VTT`). `.json` gives [`Format::Json`], which still
    /// tells JSON exports apart by shape; `.txt` and others give `None`,
    /// since every text layout uses `.txt`, so the content decides.
    pub fn from_extension(extension: &str) -> Option<Format> {
        let extension = extension.trim();
        let extension = extension.rsplit('.').next().unwrap_or(extension);
        match extension.to_ascii_lowercase().as_str() {
            "vtt" | "webvtt" => Some(Format::Vtt),
            "srt" => Some(Format::Srt),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// Picks a format from the content: a JSON object is sniffed by shape
    /// (canonical `turns`, Whisper `segments`, AWS `results.items` or
    /// `Transcript`, Deepgram `results.utterances` or `results.channels`,
    /// AssemblyAI `utterances`, Google `results` array, Azure
    /// `recognizedPhrases`, Rev `monologues`); text by its first lines
    /// (`WEBVTT`, SRT or WebVTT timings, Teams, Zoom and Otter header lines, a
    /// Google Meet title), else [`Format::Text`].
    pub fn detect(input: &str) -> Format {
        if detect::looks_like_json(input) {
            let input = input.trim_start_matches('\u{feff}');
            return serde_json::from_str(input)
                .map_or(Format::Json, |document| detect::sniff_json(&document));
        }
        detect::text_layout(input.trim_start_matches('\u{feff}'))
    }

    /// Whether the format holds cues or segments that [`ParseOptions::keep_cues`]
    /// governs; the canonical JSON and plain text turns are taken as written.
    fn has_cues(self) -> bool {
        !matches!(self, Format::Json | Format::Text)
    }

    fn is_json(self) -> bool {
        matches!(
            self,
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
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// How to read a transcript.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The input format; detected from the content when `None`. Given as
    /// [`Format::Json`], a JSON document is still told apart by shape, so a
    /// Whisper file sent as `application/json` reads as Whisper.
    pub format: Option<Format>,
    /// Keep every cue or segment as its own turn, instead of merging
    /// consecutive ones of one speaker into one turn.
    pub keep_cues: bool,
}

/// What parsing found out besides the turns.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[non_exhaustive]
pub struct ParseReport {
    /// The format the transcript was read as.
    #[schema(value_type = String, example = "vtt")]
    pub format: Format,
    /// Turns after merging consecutive cues of one speaker.
    pub turns: usize,
    /// Whether turns carry times, which timing rules (interruptions, silences) need.
    pub timed: bool,
    /// Set when roles were guessed from a greeting rather than read from
    /// labels or hints, so that a client can offer to swap them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles_guessed: Option<RoleGuess>,
}

/// Why a transcript could not be read. Messages name a line or turn number,
/// never the transcript's text, because transcripts are personal data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TranscriptError {
    /// Nothing to score.
    #[error("the transcript has no turns")]
    Empty,
    /// The input does not follow its format.
    #[error("line {line}: {message}")]
    Syntax {
        /// 1-based line of the input.
        line: usize,
        /// What is wrong there and how to fix it.
        message: String,
    },
    /// A turn of a JSON transcript cannot be used.
    #[error("turn {turn}: {message}")]
    InvalidTurn {
        /// 0-based turn index.
        turn: usize,
        /// What is wrong with it and how to fix it.
        message: String,
    },
    /// No turn is the learner's: the labels do not say who is, and what
    /// people say does not make it clear.
    #[error("no learner turn found: {hint}")]
    NoLearner {
        /// Why, and what was found, in words that suit every transport (the
        /// transport adds how to name the learner in its own terms).
        hint: String,
        /// Every speaker label, in order of first turn (at most
        /// [`roles::MAX_SPEAKERS_LISTED`]), so that a client can offer a choice.
        speakers: Vec<String>,
        /// The speaker that what people say points to, when it points somewhere
        /// but not clearly enough to score on.
        suggested: Option<String>,
    },
    /// A learner but nobody in the customer's part: half a role-play.
    #[error("no customer turn found: {hint}")]
    NoCustomer {
        /// Why, and the roles settled.
        hint: String,
        /// Every speaker label, in order of first turn.
        speakers: Vec<String>,
    },
    /// A roles mapping that names a speaker who is not there, or makes two
    /// speakers the learner.
    #[error("the roles given do not fit the transcript: {hint}")]
    Roles {
        /// What does not fit, and the speakers found.
        hint: String,
        /// Every speaker label, in order of first turn.
        speakers: Vec<String>,
    },
}

/// Parses `input` in `format` (detected from the content when `None`) and settles roles.
pub fn parse(
    input: &str,
    format: Option<Format>,
    hints: &RoleHints,
) -> Result<Transcript, TranscriptError> {
    let options = ParseOptions {
        format,
        keep_cues: false,
    };
    parse_with(input, &options, hints).map(|(transcript, _)| transcript)
}

/// Parses `input` as `options` say and settles roles, reporting the format
/// read and any role guess made.
pub fn parse_with(
    input: &str,
    options: &ParseOptions,
    hints: &RoleHints,
) -> Result<(Transcript, ParseReport), TranscriptError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let requested = match options.format {
        None if detect::looks_like_json(input) => Format::Json,
        None => detect::text_layout(input),
        // Teams and Zoom also export WebVTT; a user naming the tool means either.
        Some(Format::TeamsTxt | Format::ZoomTxt) if detect::has_webvtt_header(input) => Format::Vtt,
        Some(format) => format,
    };
    let (format, raw) = read(input, requested)?;
    let raw = if format.has_cues() && !options.keep_cues {
        merge_cues(raw)
    } else {
        raw
    };
    let (transcript, roles_guessed) = roles::assign_roles_reported(raw, hints)?;
    let report = ParseReport {
        format,
        turns: transcript.turns.len(),
        timed: transcript.is_timed(),
        roles_guessed,
    };
    Ok((transcript, report))
}

/// Runs the parser for `format`, returning the format actually read (a JSON
/// document asked for as [`Format::Json`] is told apart by shape).
fn read(input: &str, format: Format) -> Result<(Format, Vec<RawTurn>), TranscriptError> {
    if format.is_json() {
        if input.trim().is_empty() {
            return Err(TranscriptError::Empty);
        }
        // One parse serves both sniffing and reading.
        let document: serde_json::Value =
            serde_json::from_str(input).map_err(json::syntax_error)?;
        let format = match format {
            Format::Json => detect::sniff_json(&document),
            format => format,
        };
        let raw = match format {
            Format::Whisper => whisper::parse(input, &document)?,
            Format::AwsTranscribe => aws::parse(input, &document)?,
            Format::Deepgram => deepgram::parse(input, &document)?,
            Format::AssemblyAi => assemblyai::parse(input, &document)?,
            Format::GoogleStt => google_stt::parse(input, &document)?,
            Format::AzureBatch => azure_batch::parse(input, &document)?,
            Format::RevAi => rev_ai::parse(input, &document)?,
            _ => json::parse_document(input, &document)?,
        };
        return Ok((format, raw));
    }
    let raw = match format {
        Format::Vtt => vtt::parse(input)?,
        Format::Srt => srt::parse(input)?,
        Format::TeamsTxt => teams::parse(input)?,
        Format::ZoomTxt => zoom::parse(input)?,
        Format::OtterTxt => otter::parse(input)?,
        Format::GoogleMeet => google_meet::parse(input)?,
        _ => text::parse(input)?,
    };
    Ok((format, raw))
}

/// Merges consecutive turns of one speaker (and one stated role) into one:
/// the earliest start, the latest end (which for cues in order is the first
/// start and the last end), texts joined with a single space.
fn merge_cues(raw: Vec<RawTurn>) -> Vec<RawTurn> {
    let mut merged: Vec<RawTurn> = Vec::with_capacity(raw.len());
    let mut last_key = String::new();
    for turn in raw {
        let key = roles::speaker_key(&turn.speaker);
        match merged.last_mut() {
            Some(last) if last.role == turn.role && key == last_key => {
                if !turn.text.is_empty() {
                    if !last.text.is_empty() {
                        last.text.push(' ');
                    }
                    last.text.push_str(&turn.text);
                }
                (last.start, last.end) = covering_span(last, &turn);
            }
            _ => {
                merged.push(turn);
                last_key = key;
            }
        }
    }
    merged
}

/// The span of two cues merged into one turn: from the earliest time either
/// carries to the latest. A cue may carry only one of its times (a Whisper
/// segment with an end but no start), so both ends are taken over every known
/// time; taking starts only from starts could leave a start after the end.
/// A side no cue gave stays unknown rather than being made up from the other.
fn covering_span(a: &RawTurn, b: &RawTurn) -> (Option<f64>, Option<f64>) {
    let times = [a.start, a.end, b.start, b.end];
    let earliest = times.into_iter().flatten().reduce(f64::min);
    let latest = times.into_iter().flatten().reduce(f64::max);
    let start = if a.start.is_some() || b.start.is_some() {
        earliest
    } else {
        None
    };
    let end = if a.end.is_some() || b.end.is_some() {
        latest
    } else {
        None
    };
    (start, end)
}

/// Combines two optional times with `pick`, keeping whichever is known.
pub(super) fn combine(a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// Widens a turn's span to take in a word's or element's times. Every known time
/// bounds the span both ways, so a turn never ends before it starts even when a
/// word gives an end and no start, or a start and no end.
pub(super) fn widen(start: &mut Option<f64>, end: &mut Option<f64>, times: [Option<f64>; 2]) {
    for time in [*start, *end].into_iter().chain(times).flatten() {
        *start = combine(*start, Some(time), f64::min);
        *end = combine(*end, Some(time), f64::max);
    }
}

/// Table checks shared by the parsers' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{RawTurn, TranscriptError};

    /// (speaker, text, start, end, line) of each turn; a missing time reads as -1.
    pub type Expected<'a> = &'a [(&'a str, &'a str, f64, f64, usize)];

    /// Parses each input and compares the turns with the expected ones.
    pub fn check_parser(
        parse: impl Fn(&str) -> Result<Vec<RawTurn>, TranscriptError>,
        cases: &[(&str, Expected)],
    ) {
        for (input, expected) in cases {
            let got: Vec<(String, String, f64, f64, usize)> = parse(input)
                .unwrap_or_else(|e| panic!("{input:?}: {e}"))
                .into_iter()
                .map(|t| {
                    (
                        t.speaker,
                        t.text,
                        t.start.unwrap_or(-1.0),
                        t.end.unwrap_or(-1.0),
                        t.line,
                    )
                })
                .collect();
            let expected: Vec<(String, String, f64, f64, usize)> = expected
                .iter()
                .map(|(s, t, a, b, l)| (s.to_string(), t.to_string(), *a, *b, *l))
                .collect();
            assert_eq!(got, expected, "input {input:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_widened_by_partial_times_never_ends_before_it_starts() {
        let (mut start, mut end) = (Some(21.2), None);
        widen(&mut start, &mut end, [None, Some(16.4)]);
        assert_eq!((start, end), (Some(16.4), Some(21.2)));
        widen(&mut start, &mut end, [Some(30.0), None]);
        assert_eq!((start, end), (Some(16.4), Some(30.0)));
        let (mut start, mut end) = (None, None);
        widen(&mut start, &mut end, [None, None]);
        assert_eq!((start, end), (None, None));
    }

    fn raw(speaker: &str, text: &str, start: Option<f64>, end: Option<f64>) -> RawTurn {
        RawTurn {
            speaker: speaker.to_string(),
            role: None,
            text: text.to_string(),
            start,
            end,
            line: 1,
        }
    }

    #[test]
    fn a_merged_turn_spans_every_time_its_cues_carry() {
        let span = |cues: Vec<RawTurn>| {
            let merged = merge_cues(cues);
            assert_eq!(merged.len(), 1);
            (merged[0].start, merged[0].end)
        };
        // An end-only cue then a start-only cue: the span covers both times and
        // never starts after it ends.
        assert_eq!(
            span(vec![
                raw("A", "x", None, Some(15.0)),
                raw("A", "y", Some(15.4), None)
            ]),
            (Some(15.0), Some(15.4))
        );
        // Times the cues never gave stay unknown.
        assert_eq!(
            span(vec![
                raw("A", "x", Some(1.0), None),
                raw("A", "y", Some(2.0), None)
            ]),
            (Some(1.0), None)
        );
        assert_eq!(
            span(vec![
                raw("A", "x", None, Some(3.0)),
                raw("A", "y", None, None)
            ]),
            (None, Some(3.0))
        );
    }

    #[test]
    fn merging_joins_consecutive_cues_of_one_speaker() {
        let merged = merge_cues(vec![
            raw("Priya", "Hello,", Some(0.0), Some(1.0)),
            raw(" priya ", "how can I help?", Some(1.0), Some(2.5)),
            raw("Sam", "Hi.", Some(3.0), None),
            // Out of order: the merged turn spans both.
            raw("Priya", "One.", Some(9.0), Some(10.0)),
            raw("Priya", "", None, None),
            raw("Priya", "Two.", Some(4.0), Some(5.0)),
            RawTurn {
                role: Some(Role::Other),
                ..raw("Priya", "Aside.", None, None)
            },
        ]);
        let got: Vec<(&str, &str, Option<f64>, Option<f64>)> = merged
            .iter()
            .map(|t| (t.speaker.as_str(), t.text.as_str(), t.start, t.end))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Priya", "Hello, how can I help?", Some(0.0), Some(2.5)),
                ("Sam", "Hi.", Some(3.0), None),
                ("Priya", "One. Two.", Some(4.0), Some(10.0)),
                ("Priya", "Aside.", None, None),
            ]
        );
    }

    #[test]
    fn parse_keeps_its_old_behaviour() {
        let hints = RoleHints::default();
        let transcript = parse("Agent: Hi\nCustomer: Hello", None, &hints).unwrap();
        assert_eq!(transcript.turns.len(), 2);
        let transcript = parse(
            r#"{"turns":[{"speaker":"Agent","text":"Hi"},{"speaker":"Customer","text":"Yo"}]}"#,
            Some(Format::Json),
            &hints,
        )
        .unwrap();
        assert_eq!(transcript.turns[1].role, Role::Customer);
        assert_eq!(
            parse("  ", Some(Format::Json), &hints),
            Err(TranscriptError::Empty)
        );
        assert_eq!(parse("", None, &hints), Err(TranscriptError::Empty));
        // Text named explicitly is read as text even when it looks like another layout.
        assert!(parse("[Agent] 10:00:00\nhello", Some(Format::Text), &hints).is_err());
    }

    #[test]
    fn detect_sniffs_json_and_text_layouts() {
        let cases: &[(&str, Format)] = &[
            ("\u{feff}{\"turns\": []}", Format::Json),
            ("{\"segments\": []}", Format::Whisper),
            ("{ not json", Format::Json),
            ("\u{feff}WEBVTT\n", Format::Vtt),
            ("1\n00:00:01,000 --> 00:00:02,000\nA: hi", Format::Srt),
            ("Agent: hi", Format::Text),
        ];
        for (input, format) in cases {
            assert_eq!(Format::detect(input), *format, "{input:?}");
        }
    }
}
