//! The cohort view: how a group of learners did on each criterion, built one
//! assessment at a time ([`CohortSummary`]), and its renderings for a terminal,
//! a spreadsheet and print; the JSON document is the summary's serde form.

mod csv;
mod html;
mod summary;
mod text;

pub use self::csv::render_csv;
pub use html::render_html;
pub use summary::{
    CohortSummary, CriterionCounts, CriterionName, GradeCount, LearnerRef, NotScored, ReviewFlag,
    RubricSummary,
};
pub use text::render_text;
