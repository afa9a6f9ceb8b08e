//! The cohort summary for a terminal: a table of outcomes per criterion for
//! each rubric, then grades, review flags and what could not be scored.

use super::summary::{CohortSummary, LearnerRef, RubricSummary};
use std::fmt::Write;

/// The count columns, headed as an assessor reads them.
const COLUMNS: [&str; 5] = ["Met", "Partly met", "Not met", "N/A", "Overridden"];

/// Renders the summary as plain text.
pub fn render_text(summary: &CohortSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cohort summary: {} transcripts, {} scored, {} not scored",
        summary.total(),
        summary.scored,
        summary.not_scored
    );
    for rubric in &summary.rubrics {
        out.push('\n');
        rubric_block(&mut out, rubric);
    }
    if !summary.failures.is_empty() {
        let codes: Vec<String> = summary
            .not_scored_by_code
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "\nNot scored ({}): {}",
            summary.not_scored,
            codes.join(", ")
        );
        for failure in &summary.failures {
            let _ = writeln!(out, "  {}: {}", who(&failure.learner), failure.code);
        }
    }
    out
}

fn rubric_block(out: &mut String, s: &RubricSummary) {
    let r = &s.rubric;
    let _ = writeln!(
        out,
        "Rubric: {} ({} {}, sha256 {})",
        r.title,
        r.id,
        r.version,
        &r.sha256[..12.min(r.sha256.len())]
    );
    let _ = writeln!(out, "Scored {}, passed {}", s.scored, s.passed);
    // Ids rather than titles: titles run to eighty characters, and a table that
    // wide wraps in a terminal. The page and the JSON carry the titles.
    let names: Vec<String> = s
        .criteria
        .iter()
        .map(|c| {
            if c.required {
                format!("{} *", c.id)
            } else {
                c.id.clone()
            }
        })
        .collect();
    let width = names
        .iter()
        .map(|t| t.chars().count())
        .chain(["Criterion".len()])
        .max()
        .unwrap_or(0);
    let _ = write!(out, "\n{:<width$}", "Criterion");
    for column in COLUMNS {
        let _ = write!(out, "  {column}");
    }
    out.push('\n');
    for (c, name) in s.criteria.iter().zip(&names) {
        // `{:<width$}` pads by chars, so names with accents line up.
        let _ = write!(out, "{name:<width$}");
        let counts = [
            c.met,
            c.partially_met,
            c.not_met,
            c.not_applicable,
            c.overridden,
        ];
        for (column, count) in COLUMNS.iter().zip(counts) {
            let _ = write!(out, "  {count:>w$}", w = column.len());
        }
        out.push('\n');
    }
    if s.criteria.iter().any(|c| c.required) {
        let _ = writeln!(out, "* required: not meeting it caps the grade");
    }
    let grades: Vec<String> = s
        .grades
        .iter()
        .map(|g| format!("{} {}", g.label, g.count))
        .collect();
    let _ = writeln!(out, "\nGrades: {}", grades.join(", "));
    if !s.review.is_empty() {
        let _ = writeln!(out, "\nCheck before you fail ({}):", s.review.len());
        for flag in &s.review {
            let ids: Vec<&str> = flag.criteria.iter().map(|c| c.id.as_str()).collect();
            let _ = writeln!(out, "  {}: {}", who(&flag.learner), ids.join(", "));
        }
    }
}

/// The learner's label, and where their transcript was when that says more.
fn who(learner: &LearnerRef) -> String {
    match learner.locator() {
        Some(place) => format!("{} ({place})", learner.label),
        None => learner.label.clone(),
    }
}
