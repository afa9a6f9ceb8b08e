//! The score request once checked: what every transport turns its input into
//! before scoring. A value of [`ScoreRequest`] has a known format, a real date
//! and a usable scenario brief; the wire shape becomes one through `TryFrom`,
//! and the command line builds one from its flags.

use super::codes::ErrorCode;
use super::problem::Problem;
use super::wire::ScoreRequestDto;
use crate::engine::{AssessorOverride, Scenario};
use crate::transcript::{Format, RoleHints};
use std::borrow::Cow;

/// Which rubric scores the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RubricChoice {
    /// A rubric the scorer knows, as `ID` (its latest version) or `ID@VERSION`.
    Named(String),
    /// A rubric's TOML source, sent with the request.
    Inline(String),
}

/// A checked request to score one transcript.
#[derive(Debug, Clone)]
pub struct ScoreRequest<'a> {
    pub(super) rubric: Option<RubricChoice>,
    pub(super) transcript: Cow<'a, str>,
    pub(super) format: Option<Format>,
    pub(super) hints: RoleHints,
    pub(super) keep_cues: bool,
    pub(super) include_transcript: bool,
    pub(super) overrides: Vec<AssessorOverride>,
    pub(super) learner_id: Option<String>,
    pub(super) date: Option<String>,
    pub(super) scenario: Option<Scenario>,
}

impl<'a> ScoreRequest<'a> {
    /// A request for `transcript` with every option at its default: no rubric
    /// named yet, the format detected, roles from the labels, the parsed
    /// transcript included in the result.
    pub fn new(transcript: impl Into<Cow<'a, str>>) -> Self {
        ScoreRequest {
            rubric: None,
            transcript: transcript.into(),
            format: None,
            hints: RoleHints::default(),
            keep_cues: false,
            include_transcript: true,
            overrides: Vec::new(),
            learner_id: None,
            date: None,
            scenario: None,
        }
    }

    /// The same options for another transcript (a command line scoring many files).
    pub fn for_transcript<'b>(&self, transcript: impl Into<Cow<'b, str>>) -> ScoreRequest<'b> {
        ScoreRequest {
            rubric: self.rubric.clone(),
            transcript: transcript.into(),
            format: self.format,
            hints: self.hints.clone(),
            keep_cues: self.keep_cues,
            include_transcript: self.include_transcript,
            overrides: self.overrides.clone(),
            learner_id: self.learner_id.clone(),
            date: self.date.clone(),
            scenario: self.scenario.clone(),
        }
    }

    /// Scores with this rubric.
    pub fn with_rubric(mut self, rubric: RubricChoice) -> Self {
        self.rubric = Some(rubric);
        self
    }

    /// Reads the transcript in this format (`None`: detect it).
    pub fn with_format(mut self, format: Option<Format>) -> Self {
        self.format = format;
        self
    }

    /// Who is who, when labels do not say.
    pub fn with_roles(mut self, hints: RoleHints) -> Self {
        self.hints = hints;
        self
    }

    /// Keeps every caption cue as its own turn.
    pub fn keeping_cues(mut self, keep_cues: bool) -> Self {
        self.keep_cues = keep_cues;
        self
    }

    /// Puts the parsed transcript in the assessment, or leaves it out.
    pub fn including_transcript(mut self, include: bool) -> Self {
        self.include_transcript = include;
        self
    }

    /// The assessor's judgements, applied after scoring.
    pub fn with_overrides(mut self, overrides: Vec<AssessorOverride>) -> Self {
        self.overrides = overrides;
        self
    }

    /// The learner's id in the centre's records.
    pub fn with_learner_id(mut self, learner_id: Option<String>) -> Self {
        self.learner_id = learner_id;
        self
    }

    /// The day of the assessment, checked to be a real `YYYY-MM-DD`.
    pub fn with_date(mut self, date: Option<&str>) -> Result<Self, Problem> {
        self.date = date
            .map(|d| {
                crate::report::parse_date(d)
                    .map_err(|why| Problem::new(ErrorCode::InvalidDate, format!("`date`: {why}")))
            })
            .transpose()?;
        Ok(self)
    }

    /// The role-play's scenario brief, checked to be usable.
    pub fn with_scenario(mut self, scenario: Option<Scenario>) -> Result<Self, Problem> {
        if let Some(brief) = &scenario {
            brief.validate().map_err(|why| {
                Problem::new(ErrorCode::InvalidScenario, format!("`scenario`: {why}"))
            })?;
        }
        self.scenario = scenario;
        Ok(self)
    }

    /// The rubric named, if any.
    pub fn rubric(&self) -> Option<&RubricChoice> {
        self.rubric.as_ref()
    }

    /// The transcript's format, when known before reading it.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// The transcript as received.
    pub fn transcript(&self) -> &str {
        &self.transcript
    }

    /// The learner's id in the centre's records.
    pub fn learner_id(&self) -> Option<&str> {
        self.learner_id.as_deref()
    }

    /// The day of the assessment, `YYYY-MM-DD`, when given.
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }
}

/// A transcript format named in a request (`None`: detect it).
pub fn parse_format(name: Option<&str>) -> Result<Option<Format>, Problem> {
    match name {
        None => Ok(None),
        Some(name) => Format::parse(name).map(Some).ok_or_else(|| {
            Problem::new(
                ErrorCode::UnknownFormat,
                // The value is not repeated: a client may put anything in it.
                format!(
                    "unknown transcript format in `format`: leave it out to detect the format, or use one of {}",
                    Format::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
                ),
            )
        }),
    }
}

impl TryFrom<ScoreRequestDto> for ScoreRequest<'static> {
    type Error = Problem;

    fn try_from(dto: ScoreRequestDto) -> Result<Self, Problem> {
        let (transcript, format) = match (dto.transcript, dto.transcript_text) {
            (Some(json), None) => (String::from(Box::<str>::from(json)), Some(Format::Json)),
            (None, Some(text)) => (text, parse_format(dto.format.as_deref())?),
            (Some(_), Some(_)) => {
                return Err(Problem::new(
                    ErrorCode::AmbiguousTranscript,
                    "send either `transcript` (canonical JSON) or `transcript_text`, not both",
                ))
            }
            (None, None) => {
                return Err(Problem::new(
                    ErrorCode::MissingTranscript,
                    "send the transcript as `transcript` (canonical JSON) or `transcript_text` (any supported format)",
                ))
            }
        };
        let request = ScoreRequest {
            rubric: None,
            transcript: Cow::Owned(transcript),
            format,
            hints: RoleHints {
                learner: dto.learner,
                roles: dto.roles.unwrap_or_default(),
            },
            keep_cues: dto.keep_cues.unwrap_or(false),
            include_transcript: dto.include_transcript.unwrap_or(true),
            overrides: dto.overrides.unwrap_or_default(),
            learner_id: dto.learner_id,
            date: None,
            scenario: None,
        };
        let request = request
            .with_date(dto.date.as_deref())?
            .with_scenario(dto.scenario)?;
        // Checked after the transcript and options, as the service always has,
        // so a request with several mistakes is told of them in the same order.
        let rubric = match (dto.rubric, dto.rubric_source) {
            (Some(id), None) => Some(RubricChoice::Named(id)),
            (None, Some(source)) => Some(RubricChoice::Inline(source)),
            (Some(_), Some(_)) => {
                return Err(Problem::new(
                    ErrorCode::AmbiguousRubric,
                    "send either `rubric` (an id) or `rubric_source` (TOML), not both",
                ))
            }
            (None, None) => None,
        };
        Ok(ScoreRequest { rubric, ..request })
    }
}
