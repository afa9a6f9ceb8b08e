//! The assessor's overrides: checked, recorded next to the system's outcomes
//! with who made them and when, and graded again.

use super::score::{feedback_for, round, Assessment, Outcome, Scorer};
use serde::{Deserialize, Serialize};

/// An assessor's judgement that replaces the system's outcome of one criterion.
/// The system's own outcome, score and evidence stay in the record beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessorOverride {
    /// The criterion id.
    pub criterion: String,
    /// The outcome that replaces the system's.
    pub outcome: Outcome,
    /// Why the assessor disagrees with the system: required, so that the record
    /// explains itself to a moderator.
    // Defaulted so that a missing comment is refused as an invalid override
    // (422, naming the override) like an empty one, not as malformed JSON.
    #[serde(default)]
    #[schema(
        required = true,
        example = "Listened in silence: the transcript cannot show it."
    )]
    pub comment: String,
    /// Who made the judgement: the assessor's name or id in the centre's
    /// records. Required, so that the record says whose judgement it is.
    // Defaulted so that a missing assessor is refused as an invalid override
    // (422, naming the override), as a missing comment's words are.
    #[serde(default)]
    #[schema(required = true, example = "A. Assessor (AS-0107)")]
    pub assessor: String,
    /// When the judgement was made: RFC 3339 with an offset, e.g.
    /// `2026-11-27T14:05:00Z`; recorded in UTC. The time of scoring when left
    /// out, so send it for byte-identical records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-11-27T14:05:00Z")]
    pub at: Option<String>,
}

/// Why a set of overrides cannot be applied. Messages name criterion ids and
/// positions only: comments are the assessor's words about a learner.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OverrideError {
    /// The override names a criterion the rubric does not have.
    #[error("override {index}: the rubric has no criterion `{criterion}`: use one of {known}")]
    UnknownCriterion {
        /// 1-based position of the override in the list.
        index: usize,
        /// The criterion id it names.
        criterion: String,
        /// The rubric's criterion ids, comma-separated.
        known: String,
    },
    /// The override gives no comment.
    #[error("override {index} (`{criterion}`): a comment saying why is required")]
    MissingComment {
        /// 1-based position of the override in the list.
        index: usize,
        /// The criterion id it names.
        criterion: String,
    },
    /// The override does not say who made it.
    #[error("override {index} (`{criterion}`): `assessor` is required: the name or id of the assessor who made the judgement")]
    MissingAssessor {
        /// 1-based position of the override in the list.
        index: usize,
        /// The criterion id it names.
        criterion: String,
    },
    /// The override's time is not an RFC 3339 time with an offset.
    #[error("override {index} (`{criterion}`): `at` should be an RFC 3339 time with its offset, e.g. 2026-11-27T14:05:00Z, or left out for the time of scoring")]
    InvalidTime {
        /// 1-based position of the override in the list.
        index: usize,
        /// The criterion id it names.
        criterion: String,
    },
    /// A criterion is overridden more than once.
    #[error("override {index}: criterion `{criterion}` is overridden twice")]
    Duplicate {
        /// 1-based position of the second override in the list.
        index: usize,
        /// The criterion id both name.
        criterion: String,
    },
}

/// An override as kept in the assessment, next to the system's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OverrideRecord {
    /// The assessor's outcome.
    pub outcome: Outcome,
    /// The score the criterion carries into `overall_after_overrides`.
    pub score: Option<f64>,
    /// Why the assessor disagrees with the system.
    pub comment: String,
    /// Who made the judgement: the assessor's name or id.
    pub assessor: String,
    /// When the judgement was made, RFC 3339 in UTC. Always present in what the
    /// service and the command line return; absent only when a library caller
    /// gave no time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// An override's time, checked, in UTC.
fn utc_time(at: &str) -> Option<String> {
    at.parse::<jiff::Timestamp>().ok().map(|t| t.to_string())
}

impl Scorer<'_> {
    /// Records the assessor's overrides next to the system's outcomes and grades
    /// the assessment again with them. An overridden criterion scores 1 when met,
    /// 0 when not met, its own score when the system also found it partially met
    /// (else the middle of the rubric's partially-met range), and drops out of the
    /// weighted mean when not applicable.
    ///
    /// Each override needs a comment and an assessor; its time, when given, must
    /// be RFC 3339 with an offset. Times are recorded in UTC; none is made up
    /// here (the score use-case stamps overrides that come without one).
    pub fn apply_overrides(
        &self,
        mut assessment: Assessment,
        overrides: &[AssessorOverride],
    ) -> Result<Assessment, OverrideError> {
        if overrides.is_empty() {
            return Ok(assessment);
        }
        let scoring = &self.rubric.scoring;
        let mut graded = assessment.criteria.clone();
        for (position, given) in overrides.iter().enumerate() {
            let index = position + 1;
            let Some(at) = graded.iter().position(|c| c.id == given.criterion) else {
                let known: Vec<&str> = graded.iter().map(|c| c.id.as_str()).collect();
                return Err(OverrideError::UnknownCriterion {
                    index,
                    criterion: given.criterion.clone(),
                    known: known.join(", "),
                });
            };
            let criterion = given.criterion.clone();
            if given.comment.trim().is_empty() {
                return Err(OverrideError::MissingComment { index, criterion });
            }
            if given.assessor.trim().is_empty() {
                return Err(OverrideError::MissingAssessor { index, criterion });
            }
            let time = match &given.at {
                None => None,
                Some(text) => match utc_time(text) {
                    Some(time) => Some(time),
                    None => return Err(OverrideError::InvalidTime { index, criterion }),
                },
            };
            if assessment.criteria[at].assessor_override.is_some() {
                return Err(OverrideError::Duplicate { index, criterion });
            }
            let criterion = &mut graded[at];
            criterion.score = match given.outcome {
                Outcome::Met => Some(1.0),
                Outcome::NotMet => Some(0.0),
                Outcome::NotApplicable => None,
                Outcome::PartiallyMet if criterion.outcome == Outcome::PartiallyMet => {
                    criterion.score
                }
                Outcome::PartiallyMet => {
                    Some(round((scoring.partially_met_at + scoring.met_at) / 2.0))
                }
            };
            criterion.outcome = given.outcome;
            assessment.criteria[at].feedback =
                feedback_for(&self.rubric.criteria[at], given.outcome);
            assessment.criteria[at].assessor_override = Some(OverrideRecord {
                outcome: given.outcome,
                score: criterion.score,
                comment: given.comment.clone(),
                assessor: given.assessor.trim().to_owned(),
                at: time,
            });
        }
        assessment.overall_after_overrides =
            Some(self.overall(&graded, assessment.overall.red_flags));
        Ok(assessment)
    }
}

#[cfg(test)]
mod tests {
    use super::utc_time;

    #[test]
    fn override_times_are_rfc_3339_with_an_offset_and_kept_in_utc() {
        let cases = [
            ("2026-11-27T14:05:00Z", Some("2026-11-27T14:05:00Z")),
            ("2026-11-27T14:05:00+01:00", Some("2026-11-27T13:05:00Z")),
            ("2026-11-27T14:05:00.250Z", Some("2026-11-27T14:05:00.25Z")),
            ("2026-11-27T14:05:00", None),
            ("2026-11-27", None),
            ("2026-02-30T14:05:00Z", None),
            ("yesterday", None),
            ("", None),
        ];
        for (given, expected) in cases {
            assert_eq!(utc_time(given).as_deref(), expected, "{given}");
        }
    }
}
