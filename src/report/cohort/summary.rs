//! The cohort summary as data: built one assessment at a time, so a batch of
//! any size holds counts, not assessments.

use crate::engine::{Assessment, Outcome, Rubric, RubricRef};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// How a group of learners did: per rubric, how many met each criterion, the
/// grades, who has a criterion to check before failing; and what could not be
/// scored.
///
/// Outcomes and grades are those that stand: the assessor's where they overrode
/// the system (the assessment's `overall_after_overrides`), else the system's.
/// The same inputs in the same order give the same summary, byte for byte, in
/// every rendering; it names learners by their id, a batch line's `id`, a file
/// or a line number, never by anything in a transcript.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct CohortSummary {
    /// Transcripts (files or batch lines) scored.
    pub scored: usize,
    /// Transcripts that could not be scored.
    pub not_scored: usize,
    /// How many could not be scored with each error code, by code.
    #[schema(example = json!({"no-learner": 1}))]
    pub not_scored_by_code: BTreeMap<String, usize>,
    /// One summary per rubric, ordered by id, version and sha256.
    pub rubrics: Vec<RubricSummary>,
    /// Each transcript that could not be scored, in input order.
    pub failures: Vec<NotScored>,
}

/// The learners scored with one rubric.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RubricSummary {
    /// The rubric, as assessments name it.
    pub rubric: RubricRef,
    /// Transcripts scored with it.
    pub scored: usize,
    /// Of those, how many earned a passing grade (above the lowest band).
    pub passed: usize,
    /// Each criterion's outcomes, in rubric order.
    pub criteria: Vec<CriterionCounts>,
    /// How many earned each grade, lowest band first; grades nobody earned are
    /// listed with 0, so a table of them always has every band.
    pub grades: Vec<GradeCount>,
    /// The learners with a criterion to check before they are failed (the
    /// assessment's `review` notes), in input order. A note on a criterion the
    /// assessor has overridden is left out: the assessor has judged it.
    pub review: Vec<ReviewFlag>,
}

/// How many learners had each outcome on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CriterionCounts {
    /// The criterion's id.
    pub id: String,
    /// The criterion's title.
    pub title: String,
    /// Whether not meeting it caps the grade.
    pub required: bool,
    /// Learners who met it.
    pub met: usize,
    /// Learners who partially met it.
    pub partially_met: usize,
    /// Learners who did not meet it.
    pub not_met: usize,
    /// Learners for whom it did not apply.
    pub not_applicable: usize,
    /// Of all these, how many outcomes are the assessor's override.
    pub overridden: usize,
}

/// How many learners earned one grade.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GradeCount {
    /// The grade's name, as assessments give it; null for the learners whose
    /// transcripts had no applicable criterion ("Not assessable").
    pub grade: Option<String>,
    /// The grade as people read it.
    pub label: String,
    /// Whether the grade is a pass (above the rubric's lowest band).
    pub passed: bool,
    /// Learners who earned it.
    pub count: usize,
}

/// A learner whose assessment asks for a check before failing them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReviewFlag {
    /// Who.
    pub learner: LearnerRef,
    /// The criteria to check, in rubric order.
    pub criteria: Vec<CriterionName>,
}

/// A criterion named for people.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CriterionName {
    /// The criterion's id.
    pub id: String,
    /// The criterion's title.
    pub title: String,
}

/// A transcript that could not be scored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NotScored {
    /// Whose it was.
    pub learner: LearnerRef,
    /// The error code (the problem's `code`).
    #[schema(example = "no-learner")]
    pub code: String,
}

/// Who a transcript belongs to, as the request said it: never anything read
/// from the transcript itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LearnerRef {
    /// What to call them: the learner's id when the request gave one, else the
    /// batch line's `id`, else the file, else `line N`.
    #[schema(example = "C-0042")]
    pub label: String,
    /// The learner's id in the centre's records, from the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<String>,
    /// The batch line's `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The transcript file, on the command line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The 1-based line of a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl LearnerRef {
    /// The transcript in file `name`.
    pub fn file(name: impl Into<String>) -> LearnerRef {
        LearnerRef {
            label: String::new(),
            learner_id: None,
            id: None,
            file: Some(name.into()),
            line: None,
        }
        .relabelled()
    }

    /// The transcript on 1-based line `number` of a batch.
    pub fn line(number: usize) -> LearnerRef {
        LearnerRef {
            label: String::new(),
            learner_id: None,
            id: None,
            file: None,
            line: Some(number),
        }
        .relabelled()
    }

    /// With the batch line's `id`, when it had a usable one.
    pub fn with_id(mut self, id: Option<&str>) -> LearnerRef {
        self.id = usable(id);
        self.relabelled()
    }

    /// With the learner's id, when the request gave a usable one.
    pub fn with_learner_id(mut self, learner_id: Option<&str>) -> LearnerRef {
        self.learner_id = usable(learner_id);
        self.relabelled()
    }

    /// Where the transcript was, when the label is something else: the file, or
    /// `line N`. Shown beside the label, it tells apart learners whose requests
    /// gave the same id.
    pub fn locator(&self) -> Option<String> {
        let place = match (&self.file, self.line) {
            (Some(file), _) => file.clone(),
            (None, Some(line)) => format!("line {line}"),
            (None, None) => return None,
        };
        (place != self.label).then_some(place)
    }

    fn relabelled(mut self) -> LearnerRef {
        self.label = self
            .learner_id
            .clone()
            .or_else(|| self.id.clone())
            .or_else(|| self.file.clone())
            .or_else(|| self.line.map(|n| format!("line {n}")))
            .unwrap_or_default();
        self
    }
}

/// An id worth naming someone by: blank ones name nobody.
fn usable(id: Option<&str>) -> Option<String> {
    id.filter(|id| !id.trim().is_empty()).map(str::to_owned)
}

impl CohortSummary {
    /// An empty summary.
    pub fn new() -> CohortSummary {
        CohortSummary::default()
    }

    /// Counts `assessment`, of `learner`, scored with `rubric`.
    ///
    /// `rubric` must be the rubric that produced the assessment: its grade bands
    /// give the grades their order.
    pub fn add_scored(&mut self, learner: LearnerRef, assessment: &Assessment, rubric: &Rubric) {
        self.scored += 1;
        let key = |r: &RubricRef| (r.id.clone(), r.version.clone(), r.sha256.clone());
        let wanted = key(&assessment.rubric);
        let at = match self
            .rubrics
            .binary_search_by(|s| key(&s.rubric).cmp(&wanted))
        {
            Ok(at) => at,
            Err(at) => {
                self.rubrics
                    .insert(at, RubricSummary::new(assessment.rubric.clone(), rubric));
                at
            }
        };
        self.rubrics[at].add(learner, assessment);
    }

    /// Counts a transcript of `learner` that could not be scored, and why
    /// (an error code such as `no-learner`).
    pub fn add_failed(&mut self, learner: LearnerRef, code: &str) {
        self.not_scored += 1;
        *self.not_scored_by_code.entry(code.to_owned()).or_default() += 1;
        self.failures.push(NotScored {
            learner,
            code: code.to_owned(),
        });
    }

    /// Transcripts counted, scored or not.
    pub fn total(&self) -> usize {
        self.scored + self.not_scored
    }
}

impl RubricSummary {
    fn new(named: RubricRef, rubric: &Rubric) -> RubricSummary {
        let criteria = rubric
            .criteria()
            .iter()
            .map(|c| CriterionCounts {
                id: c.id.clone(),
                title: c.title.clone(),
                required: c.required,
                met: 0,
                partially_met: 0,
                not_met: 0,
                not_applicable: 0,
                overridden: 0,
            })
            .collect();
        let grades = rubric
            .scoring()
            .bands
            .iter()
            .enumerate()
            .map(|(band, b)| GradeCount {
                grade: Some(b.grade.clone()),
                label: b.label.clone(),
                passed: band > 0,
                count: 0,
            })
            .collect();
        RubricSummary {
            rubric: named,
            scored: 0,
            passed: 0,
            criteria,
            grades,
            review: Vec::new(),
        }
    }

    fn add(&mut self, learner: LearnerRef, assessment: &Assessment) {
        self.scored += 1;
        let overall = assessment
            .overall_after_overrides
            .as_ref()
            .unwrap_or(&assessment.overall);
        self.passed += usize::from(overall.passed);
        match self.grades.iter_mut().find(|g| g.grade == overall.grade) {
            Some(grade) => grade.count += 1,
            // A rubric's assessments grade within its bands; should one not,
            // its grade is still counted rather than lost.
            None => self.grades.push(GradeCount {
                grade: overall.grade.clone(),
                label: overall.grade_label.clone(),
                passed: overall.passed,
                count: 1,
            }),
        }
        for (at, result) in assessment.criteria.iter().enumerate() {
            // Assessments list criteria in rubric order; the id check keeps the
            // count right should one not.
            let counts = match self.criteria.get_mut(at).filter(|c| c.id == result.id) {
                Some(counts) => counts,
                None => match self.criteria.iter().position(|c| c.id == result.id) {
                    Some(found) => &mut self.criteria[found],
                    None => continue,
                },
            };
            match result.final_outcome() {
                Outcome::Met => counts.met += 1,
                Outcome::PartiallyMet => counts.partially_met += 1,
                Outcome::NotMet => counts.not_met += 1,
                Outcome::NotApplicable => counts.not_applicable += 1,
            }
            counts.overridden += usize::from(result.assessor_override.is_some());
        }
        let overridden = |id: &str| {
            assessment
                .criteria
                .iter()
                .any(|c| c.id == id && c.assessor_override.is_some())
        };
        let criteria: Vec<CriterionName> = assessment
            .review
            .iter()
            .filter(|note| !overridden(&note.criterion))
            .map(|note| CriterionName {
                id: note.criterion.clone(),
                title: note.title.clone(),
            })
            .collect();
        if !criteria.is_empty() {
            self.review.push(ReviewFlag { learner, criteria });
        }
    }
}
