//! Scoring a checked request: choose the rubric, read the transcript, hold it to
//! the limits, score it, apply the assessor's overrides and record the audit
//! facts. The one path every transport takes.

use super::codes::ErrorCode;
use super::problem::Problem;
use super::request::{RubricChoice, ScoreRequest};
use crate::engine::{Assessment, AssessorOverride, Audit, Rubric, Scorer};
use crate::transcript::{self, ParseOptions, Transcript};
use std::borrow::Cow;
use std::sync::Arc;

/// Where a transport finds the rubrics a request names.
pub trait RubricProvider {
    /// A rubric by `ID` (its latest version) or `ID@VERSION`.
    fn named(&self, id: &str) -> Result<Arc<Rubric>, Problem>;

    /// A rubric compiled from TOML sent with the request.
    fn inline(&self, source: &str) -> Result<Arc<Rubric>, Problem>;

    /// The rubric for a request that names none, when the transport has one
    /// (the command line's `--rubric`).
    fn default_rubric(&self) -> Option<Arc<Rubric>> {
        None
    }

    /// The ids a request may name, offered when it names none.
    fn ids(&self) -> Vec<String>;
}

/// How large a transcript may be. The service sets them; the command line,
/// scoring the user's own files, has none.
#[derive(Debug, Clone, Copy)]
pub struct TranscriptLimits {
    /// Most turns in one transcript.
    pub max_turns: usize,
    /// Most characters in one turn.
    pub max_turn_chars: usize,
}

impl TranscriptLimits {
    /// No limits.
    pub const NONE: TranscriptLimits = TranscriptLimits {
        max_turns: usize::MAX,
        max_turn_chars: usize::MAX,
    };

    /// Refuses a transcript over a limit, naming the limit and where.
    pub fn check(&self, transcript: &Transcript) -> Result<(), Problem> {
        if transcript.turns.len() > self.max_turns {
            return Err(Problem::limit_exceeded(
                "max_turns",
                self.max_turns as u64,
                format!(
                    "the transcript has {} turns, over the limit of {}",
                    transcript.turns.len(),
                    self.max_turns
                ),
            ));
        }
        // Bytes bound characters from above, so most turns need no count.
        if let Some((index, turn)) = transcript.turns.iter().enumerate().find(|(_, t)| {
            t.text.len() > self.max_turn_chars && t.text.chars().count() > self.max_turn_chars
        }) {
            let mut problem = Problem::limit_exceeded(
                "max_turn_chars",
                self.max_turn_chars as u64,
                format!(
                    "turn {index} has {} characters, over the limit of {}",
                    turn.text.chars().count(),
                    self.max_turn_chars
                ),
            );
            problem.turn = Some(index);
            return Err(problem);
        }
        Ok(())
    }
}

/// A scored request.
#[derive(Debug)]
pub struct Scored {
    /// The assessment, overrides applied.
    pub assessment: Assessment,
    /// The rubric as logs and metrics name it: its id as requested, or `inline`
    /// (inline rubrics are not named, so label cardinality stays bounded).
    pub rubric_label: String,
    /// The rubric that scored it (a cohort summary takes its grade bands).
    pub rubric: Arc<Rubric>,
}

/// Scores one request: the single scoring path of every transport.
pub fn score(
    request: &ScoreRequest<'_>,
    rubrics: &dyn RubricProvider,
    limits: &TranscriptLimits,
) -> Result<Scored, Problem> {
    let (rubric, rubric_label) = match &request.rubric {
        Some(RubricChoice::Named(id)) => (rubrics.named(id)?, id.clone()),
        Some(RubricChoice::Inline(source)) => (rubrics.inline(source)?, "inline".to_owned()),
        None => match rubrics.default_rubric() {
            Some(rubric) => {
                let label = rubric.id.clone();
                (rubric, label)
            }
            None => {
                return Err(Problem::new(
                    ErrorCode::MissingRubric,
                    format!(
                        "name a rubric with `rubric` (one of {}) or send `rubric_source`",
                        rubrics.ids().join(", ")
                    ),
                ))
            }
        },
    };
    let options = ParseOptions {
        format: request.format,
        keep_cues: request.keep_cues,
    };
    let (transcript, report) =
        transcript::parse_with(&request.transcript, &options, &request.hints)?;
    limits.check(&transcript)?;
    let mut scorer = Scorer::new(&rubric).with_scenario(request.scenario.as_ref());
    if !request.include_transcript {
        scorer = scorer.without_transcript();
    }
    let audit = Audit {
        learner_id: request.learner_id.clone(),
        date: request.date.clone(),
        ..Audit::of_transcript(&request.transcript)
    };
    let assessment = scorer
        .apply_overrides(
            scorer
                .score(&transcript)
                .with_input(report)
                .with_audit(audit),
            &timed(&request.overrides),
        )
        .map_err(|e| Problem::new(ErrorCode::InvalidOverride, e.to_string()))?;
    Ok(Scored {
        assessment,
        rubric_label,
        rubric,
    })
}

/// The overrides, each with a time: those the client sent without one are
/// stamped with the time of scoring. The one place the clock reaches an
/// assessment, and only when overrides come untimed: clients that want
/// byte-identical records send `at`.
fn timed(overrides: &[AssessorOverride]) -> Cow<'_, [AssessorOverride]> {
    if overrides.iter().all(|o| o.at.is_some()) {
        return Cow::Borrowed(overrides);
    }
    // To the second: finer would claim a precision the record does not need.
    let now = jiff::Timestamp::now();
    let now = now.round(jiff::Unit::Second).unwrap_or(now).to_string();
    Cow::Owned(
        overrides
            .iter()
            .map(|o| AssessorOverride {
                at: o.at.clone().or_else(|| Some(now.clone())),
                ..o.clone()
            })
            .collect(),
    )
}
