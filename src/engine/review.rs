//! Thin evidence, flagged rather than silently failed: a required criterion that
//! holds the grade down only because nothing was found for or against it is a
//! reason to check the recording, not a finding that the learner failed.

use super::score::{CriterionResult, Outcome};
use super::Rubric;
use serde::Serialize;

/// A criterion an assessor should check before accepting the grade.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewNote {
    /// The criterion's id.
    pub criterion: String,
    /// The criterion's title.
    pub title: String,
    /// What was looked for and not found.
    pub looked_for: Vec<String>,
    /// Why it matters, in words for the assessor.
    pub reason: String,
}

/// The notes for `criteria`, graded `score` (before any cap) by `rubric`: one
/// for each required criterion that was not met with no evidence either way,
/// when the cap it imposes lowers the grade the other criteria earned.
pub(crate) fn review_notes(
    rubric: &Rubric,
    criteria: &[CriterionResult],
    score: f64,
) -> Vec<ReviewNote> {
    let scoring = &rubric.scoring;
    let earned = scoring.band_for(score);
    if earned <= scoring.required_cap {
        return Vec::new();
    }
    let (earned_label, capped_label) = (
        &scoring.bands[earned].label,
        &scoring.bands[scoring.required_cap].label,
    );
    criteria
        .iter()
        .filter(|c| c.required && c.outcome == Outcome::NotMet && c.evidence.is_empty())
        .map(|c| ReviewNote {
            criterion: c.id.clone(),
            title: c.title.clone(),
            looked_for: c.looked_for.clone(),
            reason: format!(
                "no evidence for or against \u{201c}{}\u{201d} was found, and as a required criterion it alone holds the grade at {capped_label} where the rest earn {earned_label}: check the recording before you fail this learner",
                c.title
            ),
        })
        .collect()
}
