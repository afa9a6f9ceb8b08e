//! One line of a batch: a score request as NDJSON in, a [`BatchResult`] out.
//! `POST /v1/score/batch` and `rolemark score --batch` both answer every line
//! through [`score_line`], so the same lines give the same results.

use super::codes::ErrorCode;
use super::problem::Problem;
use super::request::ScoreRequest;
use super::run::{score, RubricProvider, TranscriptLimits};
use super::wire::{utf8, without_values, BatchResult, ScoreRequestDto};
use crate::engine::Rubric;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// A batch line answered, and the rubric label of a scored one (for metrics).
#[derive(Debug)]
pub struct LineAnswer {
    /// The result line.
    pub result: BatchResult,
    /// How logs and metrics name the rubric that scored the line.
    pub rubric_label: Option<String>,
    /// The rubric that scored the line.
    pub rubric: Option<Arc<Rubric>>,
    /// The line's `learner_id`, when it was a request that gave one.
    pub learner_id: Option<String>,
}

impl LineAnswer {
    /// Line `number` answered with `problem` before it could be read as a
    /// request (too long, too late, over the batch's line limit).
    pub fn refused(number: usize, problem: Problem) -> LineAnswer {
        LineAnswer {
            result: BatchResult {
                line: number,
                id: None,
                assessment: None,
                error: Some(problem),
            },
            rubric_label: None,
            rubric: None,
            learner_id: None,
        }
    }
}

/// Scores request line `number` (1-based). A line that is not a valid request,
/// or cannot be scored, gets an `error` problem instead of an assessment; so
/// does one whose scoring panics (a bug), and the batch goes on.
pub fn score_line(
    number: usize,
    line: &[u8],
    rubrics: &dyn RubricProvider,
    limits: &TranscriptLimits,
) -> LineAnswer {
    let dto = utf8(line).and_then(|text| {
        serde_json::from_str::<ScoreRequestDto>(text).map_err(|e| {
            Problem::new(
                ErrorCode::InvalidJson,
                format!(
                    "not a valid score request: {}",
                    without_values(&e.to_string(), true)
                ),
            )
        })
    });
    let (id, learner_id, scored) = match dto {
        Ok(mut dto) => {
            let id = dto.id.take();
            let learner_id = dto.learner_id.clone();
            // Results of other lines may be written already, so nothing can
            // answer for a panic but this line's result: it becomes the line's
            // error, the id kept, and the batch carries on.
            let scored = std::panic::catch_unwind(AssertUnwindSafe(|| {
                ScoreRequest::try_from(dto).and_then(|request| score(&request, rubrics, limits))
            }))
            .unwrap_or_else(|_panic| Err(Problem::internal_error()));
            (id, learner_id, scored)
        }
        Err(problem) => (None, None, Err(problem)),
    };
    let (assessment, error, rubric_label, rubric) = match scored {
        Ok(scored) => (
            Some(scored.assessment),
            None,
            Some(scored.rubric_label),
            Some(scored.rubric),
        ),
        Err(problem) => (None, Some(problem), None, None),
    };
    LineAnswer {
        result: BatchResult {
            line: number,
            id,
            assessment,
            error,
        },
        rubric_label,
        rubric,
        learner_id,
    }
}
