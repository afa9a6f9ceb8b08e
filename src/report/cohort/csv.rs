//! The cohort summary for spreadsheets: one row per criterion with its counts,
//! then one per grade, per review flag and per transcript not scored, told
//! apart by the first column so that a filter on it gives each table.

use super::summary::{CohortSummary, LearnerRef, RubricSummary};
use crate::report::csv::write;

const HEADER: [&str; 18] = [
    "section",
    "rubric_id",
    "rubric_version",
    "rubric_sha256",
    "id",
    "title",
    "required",
    "met",
    "partially_met",
    "not_met",
    "not_applicable",
    "overridden",
    "count",
    "learner",
    "learner_id",
    "file",
    "line",
    "code",
];

/// A row with the named columns filled and the rest empty.
fn row(cells: &[(&str, String)]) -> Vec<String> {
    let mut row = vec![String::new(); HEADER.len()];
    for (name, value) in cells {
        if let Some(at) = HEADER.iter().position(|h| h == name) {
            row[at] = value.clone();
        }
    }
    row
}

fn rubric_cells(s: &RubricSummary) -> [(&'static str, String); 3] {
    [
        ("rubric_id", s.rubric.id.clone()),
        ("rubric_version", s.rubric.version.clone()),
        ("rubric_sha256", s.rubric.sha256.clone()),
    ]
}

fn learner_cells(learner: &LearnerRef) -> [(&'static str, String); 4] {
    [
        ("learner", learner.label.clone()),
        ("learner_id", learner.learner_id.clone().unwrap_or_default()),
        ("file", learner.file.clone().unwrap_or_default()),
        (
            "line",
            learner.line.map(|n| n.to_string()).unwrap_or_default(),
        ),
    ]
}

/// Renders the summary as CSV, header first. Sections: `criterion` (its
/// outcome counts, `count` the transcripts scored with the rubric), `grade`
/// (`id` the grade, `title` its label, `count` the learners who earned it),
/// `review` (a learner and a criterion to check) and `not_scored` (a learner
/// and the error `code`).
pub fn render_csv(summary: &CohortSummary) -> String {
    let mut rows = vec![HEADER.iter().map(|h| (*h).to_owned()).collect()];
    for s in &summary.rubrics {
        for c in &s.criteria {
            let mut cells = rubric_cells(s).to_vec();
            cells.extend([
                ("section", "criterion".to_owned()),
                ("id", c.id.clone()),
                ("title", c.title.clone()),
                ("required", c.required.to_string()),
                ("met", c.met.to_string()),
                ("partially_met", c.partially_met.to_string()),
                ("not_met", c.not_met.to_string()),
                ("not_applicable", c.not_applicable.to_string()),
                ("overridden", c.overridden.to_string()),
                ("count", s.scored.to_string()),
            ]);
            rows.push(row(&cells));
        }
        for g in &s.grades {
            let mut cells = rubric_cells(s).to_vec();
            cells.extend([
                ("section", "grade".to_owned()),
                (
                    "id",
                    g.grade
                        .clone()
                        .unwrap_or_else(|| "not-assessable".to_owned()),
                ),
                ("title", g.label.clone()),
                ("count", g.count.to_string()),
            ]);
            rows.push(row(&cells));
        }
        for flag in &s.review {
            for c in &flag.criteria {
                let mut cells = rubric_cells(s).to_vec();
                cells.extend(learner_cells(&flag.learner));
                cells.extend([
                    ("section", "review".to_owned()),
                    ("id", c.id.clone()),
                    ("title", c.title.clone()),
                ]);
                rows.push(row(&cells));
            }
        }
    }
    for failure in &summary.failures {
        let mut cells = learner_cells(&failure.learner).to_vec();
        cells.extend([
            ("section", "not_scored".to_owned()),
            ("code", failure.code.clone()),
        ]);
        rows.push(row(&cells));
    }
    write(rows)
}
