//! Turning a score request into an assessment: rubric choice, transcript parsing,
//! limits. Shared by the single and batch endpoints.

use super::problem::Problem;
use super::state::AppState;
use crate::engine::{Assessment, AssessorOverride, Scenario, Scorer};
use crate::transcript::{self, Format, ParseOptions, Role, RoleHints, Transcript};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A transcript in canonical JSON (documentation of `ScoreRequest.transcript`).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TranscriptInput {
    /// The turns in order.
    turns: Vec<TurnInput>,
}

/// One turn of a canonical JSON transcript.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TurnInput {
    #[schema(example = "Priya")]
    speaker: String,
    #[schema(example = "I'm so sorry, that must have been really frustrating.")]
    text: String,
    role: Option<Role>,
    /// Seconds from the start of the recording.
    start: Option<f64>,
    end: Option<f64>,
}

/// A request to score one transcript.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "rubric": "challenging-customers",
    "transcript_text": "Customer: This is ridiculous, my refund is six weeks late.\nAgent: I'm really sorry, I can hear how frustrating this has been.",
    "include_transcript": false
}))]
pub struct ScoreRequest {
    /// An id echoed back in batch results, to match results to requests.
    pub id: Option<String>,
    /// Id of a rubric the service knows (see `GET /v1/rubrics`).
    pub rubric: Option<String>,
    /// A rubric's TOML source, compiled under limits and cached by sha256.
    pub rubric_source: Option<String>,
    /// The transcript as canonical JSON.
    #[schema(value_type = Option<TranscriptInput>)]
    pub transcript: Option<Box<RawValue>>,
    /// The transcript as text in any supported format.
    pub transcript_text: Option<String>,
    /// Format of `transcript_text`; detected from the content when omitted.
    #[schema(example = "text")]
    pub format: Option<String>,
    /// Speaker label of the learner.
    pub learner: Option<String>,
    /// Speaker label to role.
    pub roles: Option<BTreeMap<String, Role>>,
    /// Include the parsed transcript in the result (default true).
    pub include_transcript: Option<bool>,
    /// Keep every caption cue or segment of `transcript_text` as its own turn
    /// (default false: consecutive cues of one speaker merge into one turn).
    pub keep_cues: Option<bool>,
    /// The assessor's judgements: each replaces the system's outcome of one
    /// criterion and needs a comment; the system's outcome stays beside it and
    /// `overall_after_overrides` grades the assessment with them.
    pub overrides: Option<Vec<AssessorOverride>>,
    /// The learner's id in your records (candidate or enrolment number): shown on
    /// the printable report, and the actor of xAPI statements (required there).
    pub learner_id: Option<String>,
    /// The day of the assessment, `YYYY-MM-DD`, for the printable report
    /// (default: today, UTC).
    #[schema(example = "2026-11-27")]
    pub date: Option<String>,
    /// The role-play's scenario brief: the organisation's policies, the
    /// learner's authority limit, the customer's demand. Scenario rules read it.
    pub scenario: Option<Scenario>,
}

/// Where the transcript comes from, once the request is taken apart.
pub struct ScoreJob<'a> {
    pub rubric: Option<&'a str>,
    pub rubric_source: Option<&'a str>,
    pub transcript: &'a str,
    pub format: Option<Format>,
    pub hints: RoleHints,
    pub include_transcript: bool,
    pub keep_cues: bool,
    pub overrides: &'a [AssessorOverride],
    pub learner_id: Option<&'a str>,
    /// Checked, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Checked.
    pub scenario: Option<&'a Scenario>,
}

impl ScoreRequest {
    pub fn job(&self) -> Result<ScoreJob<'_>, Problem> {
        let (transcript, format) = match (&self.transcript, &self.transcript_text) {
            (Some(json), None) => (json.get(), Some(Format::Json)),
            (None, Some(text)) => (text.as_str(), parse_format(self.format.as_deref())?),
            (Some(_), Some(_)) => {
                return Err(Problem::bad_request(
                    "ambiguous-transcript",
                    "send either `transcript` (canonical JSON) or `transcript_text`, not both",
                ))
            }
            (None, None) => {
                return Err(Problem::bad_request(
                    "missing-transcript",
                    "send the transcript as `transcript` (canonical JSON) or `transcript_text` (any supported format)",
                ))
            }
        };
        Ok(ScoreJob {
            rubric: self.rubric.as_deref(),
            rubric_source: self.rubric_source.as_deref(),
            transcript,
            format,
            hints: RoleHints {
                learner: self.learner.clone(),
                roles: self.roles.clone().unwrap_or_default(),
            },
            include_transcript: self.include_transcript.unwrap_or(true),
            keep_cues: self.keep_cues.unwrap_or(false),
            overrides: self.overrides.as_deref().unwrap_or_default(),
            learner_id: self.learner_id.as_deref(),
            date: parse_date(self.date.as_deref())?,
            scenario: match &self.scenario {
                Some(scenario) => {
                    scenario.validate().map_err(|why| {
                        Problem::bad_request("invalid-scenario", format!("`scenario`: {why}"))
                    })?;
                    Some(scenario)
                }
                None => None,
            },
        })
    }
}

/// Checks an assessment date given in a request.
pub fn parse_date(date: Option<&str>) -> Result<Option<String>, Problem> {
    date.map(|d| {
        crate::report::parse_date(d)
            .map_err(|why| Problem::bad_request("invalid-date", format!("`date`: {why}")))
    })
    .transpose()
}

pub fn parse_format(name: Option<&str>) -> Result<Option<Format>, Problem> {
    match name {
        None => Ok(None),
        Some(name) => Format::parse(name).map(Some).ok_or_else(|| {
            Problem::bad_request(
                "unknown-format",
                // The value is not repeated: a client may put anything in it.
                format!(
                    "unknown transcript format in `format`: leave it out to detect the format, or use one of {}",
                    Format::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
                ),
            )
        }),
    }
}

/// The rubric label used in logs and metrics: inline rubrics are not named, so
/// label cardinality stays bounded.
pub struct Scored {
    pub assessment: Assessment,
    pub rubric_label: String,
}

pub fn run(state: &AppState, job: ScoreJob) -> Result<Scored, Problem> {
    let (rubric, label) = match (job.rubric, job.rubric_source) {
        (Some(id), None) => (state.rubric(id)?, id.to_owned()),
        (None, Some(source)) => (state.inline_rubric(source)?, "inline".to_owned()),
        (Some(_), Some(_)) => {
            return Err(Problem::bad_request(
                "ambiguous-rubric",
                "send either `rubric` (an id) or `rubric_source` (TOML), not both",
            ))
        }
        (None, None) => {
            return Err(Problem::bad_request(
                "missing-rubric",
                format!(
                    "name a rubric with `rubric` (one of {}) or send `rubric_source`",
                    state.registry().ids().join(", ")
                ),
            ))
        }
    };
    let options = ParseOptions {
        format: job.format,
        keep_cues: job.keep_cues,
    };
    let (transcript, report) = transcript::parse_with(job.transcript, &options, &job.hints)?;
    check_limits(state, &transcript)?;
    let mut scorer = Scorer::new(&rubric).with_scenario(job.scenario);
    if !job.include_transcript {
        scorer = scorer.without_transcript();
    }
    let assessment = scorer
        .apply_overrides(scorer.score(&transcript).with_input(report), job.overrides)
        .map_err(|e| {
            Problem::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-override",
                "Invalid override",
                e.to_string(),
            )
        })?;
    state.metrics.scored(&label);
    Ok(Scored {
        assessment,
        rubric_label: label,
    })
}

pub fn check_limits(state: &AppState, transcript: &Transcript) -> Result<(), Problem> {
    let limits = &state.limits;
    if transcript.turns.len() > limits.max_turns {
        return Err(Problem::limit_exceeded(
            "max_turns",
            limits.max_turns as u64,
            format!(
                "the transcript has {} turns, over the limit of {}",
                transcript.turns.len(),
                limits.max_turns
            ),
        ));
    }
    if let Some((index, turn)) = transcript.turns.iter().enumerate().find(|(_, t)| {
        t.text.len() > limits.max_turn_chars && t.text.chars().count() > limits.max_turn_chars
    }) {
        let mut problem = Problem::limit_exceeded(
            "max_turn_chars",
            limits.max_turn_chars as u64,
            format!(
                "turn {index} has {} characters, over the limit of {}",
                turn.text.chars().count(),
                limits.max_turn_chars
            ),
        );
        problem.turn = Some(index);
        return Err(problem);
    }
    Ok(())
}
