//! CSV for spreadsheets: one row per transcript per criterion. `learner` is
//! the learner's speaker label(s), `learner_id` the id in the centre's records;
//! `assessor` and `assessor_at` say who overrode a criterion and when.

use super::learner_names;
use crate::engine::{Assessment, CriterionResult, Overall, Polarity};

const HEADER: [&str; 27] = [
    "file",
    "learner",
    "learner_id",
    "rubric_id",
    "rubric_version",
    "rubric_sha256",
    "criterion_id",
    "criterion_title",
    "required",
    "weight",
    "outcome",
    "score",
    "assessor_outcome",
    "assessor_comment",
    "assessor",
    "assessor_at",
    "evidence_for",
    "evidence_against",
    "evidence_turns",
    "quotes",
    "looked_for",
    "feedback",
    "references",
    "overall_grade",
    "overall_score",
    "review",
    "error",
];

/// Text that a spreadsheet would run as a formula is marked as text with a
/// leading apostrophe (the OWASP advice for CSV injection); spreadsheets hide the
/// mark, so the cell still shows the exact text.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Rows as CSV text, every cell made safe for spreadsheets.
pub(super) fn write(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail, and every cell came from a `str`.
    for row in rows {
        let _ = writer.write_record(row.iter().map(|s| cell(s)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The header line, written once before any rows.
pub fn csv_header() -> String {
    write([HEADER.iter().map(|h| (*h).to_owned()).collect()])
}

/// The rows of one scored transcript, one per criterion.
pub fn csv_rows(file: &str, assessment: &Assessment) -> String {
    let learner = learner_names(assessment).join(", ");
    let overall = assessment
        .overall_after_overrides
        .as_ref()
        .unwrap_or(&assessment.overall);
    write(
        assessment
            .criteria
            .iter()
            .map(|c| criterion_row(file, &learner, assessment, c, overall)),
    )
}

/// The row of a transcript that could not be scored.
pub fn csv_error_row(file: &str, error: &str) -> String {
    let mut row = vec![String::new(); HEADER.len()];
    row[0] = file.to_owned();
    row[HEADER.len() - 1] = error.to_owned();
    write([row])
}

fn criterion_row(
    file: &str,
    learner: &str,
    assessment: &Assessment,
    c: &CriterionResult,
    overall: &Overall,
) -> Vec<String> {
    let r = &assessment.rubric;
    let count = |p: Polarity| c.evidence.iter().filter(|e| e.polarity == p).count();
    let mut turns: Vec<usize> = c.evidence.iter().map(|e| e.quote.turn).collect();
    turns.sort_unstable();
    turns.dedup();
    let quotes: Vec<String> = c
        .evidence
        .iter()
        .map(|e| {
            let mark = if e.polarity == Polarity::Against {
                " against"
            } else {
                ""
            };
            format!("[turn {}{mark}] {}", e.quote.turn, e.quote.quote)
        })
        .collect();
    let (assessor_outcome, assessor_comment, assessor, assessor_at) = match &c.assessor_override {
        Some(o) => (
            o.outcome.as_str().to_owned(),
            o.comment.clone(),
            o.assessor.clone(),
            o.at.clone().unwrap_or_default(),
        ),
        None => Default::default(),
    };
    let learner_id = assessment
        .audit
        .as_ref()
        .and_then(|a| a.learner_id.clone())
        .unwrap_or_default();
    let turns: Vec<String> = turns.iter().map(ToString::to_string).collect();
    vec![
        file.to_owned(),
        learner.to_owned(),
        learner_id,
        r.id.clone(),
        r.version.clone(),
        r.sha256.clone(),
        c.id.clone(),
        c.title.clone(),
        c.required.to_string(),
        c.weight.to_string(),
        c.outcome.as_str().to_owned(),
        c.score.map(|s| s.to_string()).unwrap_or_default(),
        assessor_outcome,
        assessor_comment,
        assessor,
        assessor_at,
        count(Polarity::For).to_string(),
        count(Polarity::Against).to_string(),
        turns.join(" "),
        quotes.join(" | "),
        c.looked_for.join(" | "),
        c.feedback.clone().unwrap_or_default(),
        c.references.join(" | "),
        overall
            .grade
            .clone()
            .unwrap_or_else(|| "not-assessable".to_owned()),
        overall
            .score
            .map(|score| score.to_string())
            .unwrap_or_default(),
        assessment
            .review
            .iter()
            .find(|note| note.criterion == c.id)
            .map(|note| note.reason.clone())
            .unwrap_or_default(),
        String::new(),
    ]
}
