//! The cohort view of many scored requests: how results fold into a
//! [`CohortSummary`] and what it is rendered as, the same for the command line's
//! files and batches and for `POST /v1/score/batch?summary=true`.

use super::batch::LineAnswer;
use super::codes::ErrorCode;
use super::problem::Problem;
use super::render::Rendering;
use crate::report::cohort::{self, CohortSummary, LearnerRef};

/// What a cohort summary is rendered as: every rendering of an assessment but
/// xAPI, whose statements describe one learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryRendering {
    /// The summary document.
    Json,
    /// A table per rubric for a terminal.
    Text,
    /// A printable page.
    Html,
    /// One row per criterion (then grades, review flags, failures).
    Csv,
}

impl SummaryRendering {
    /// The media type a response in this rendering carries.
    pub fn media_type(self) -> &'static str {
        Rendering::from(self).media_type()
    }
}

impl From<SummaryRendering> for Rendering {
    fn from(rendering: SummaryRendering) -> Rendering {
        match rendering {
            SummaryRendering::Json => Rendering::Json,
            SummaryRendering::Text => Rendering::Text,
            SummaryRendering::Html => Rendering::Html,
            SummaryRendering::Csv => Rendering::Csv,
        }
    }
}

impl TryFrom<Rendering> for SummaryRendering {
    type Error = Problem;

    fn try_from(rendering: Rendering) -> Result<SummaryRendering, Problem> {
        match rendering {
            Rendering::Json => Ok(SummaryRendering::Json),
            Rendering::Text => Ok(SummaryRendering::Text),
            Rendering::Html => Ok(SummaryRendering::Html),
            Rendering::Csv => Ok(SummaryRendering::Csv),
            Rendering::Xapi => Err(Problem::new(
                ErrorCode::NotAcceptable,
                "a summary describes a group, and xAPI statements one learner: render the summary as JSON, text, CSV or HTML",
            )),
        }
    }
}

/// Renders a summary; JSON compact, or indented for people with a final newline.
pub fn render_summary(
    rendering: SummaryRendering,
    summary: &CohortSummary,
    pretty_json: bool,
) -> String {
    match rendering {
        SummaryRendering::Json => {
            let text = if pretty_json {
                serde_json::to_string_pretty(summary).map(|text| text + "\n")
            } else {
                serde_json::to_string(summary)
            };
            // Plain data structures always serialise.
            text.unwrap_or_default()
        }
        SummaryRendering::Text => cohort::render_text(summary),
        SummaryRendering::Html => cohort::render_html(summary),
        SummaryRendering::Csv => cohort::render_csv(summary),
    }
}

/// Counts a batch line's answer: the learner named by the line's
/// `learner_id`, else its `id`, else its number.
pub fn summarise_line(summary: &mut CohortSummary, answer: &LineAnswer) {
    let result = &answer.result;
    let learner = LearnerRef::line(result.line)
        .with_id(result.id.as_deref())
        .with_learner_id(answer.learner_id.as_deref());
    match (&result.assessment, &answer.rubric, &result.error) {
        (Some(assessment), Some(rubric), _) => summary.add_scored(learner, assessment, rubric),
        (_, _, Some(problem)) => summary.add_failed(learner, problem.code.code()),
        // A line is answered with an assessment or a problem; one with neither
        // would be a bug, and is not counted as scored.
        _ => summary.add_failed(learner, ErrorCode::InternalError.code()),
    }
}
