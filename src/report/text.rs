//! A readable per-criterion report for an assessor at a terminal.

use super::timestamp;
use crate::engine::{Assessment, Evidence, Outcome, Polarity, Quote};
use std::fmt::Write;

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "MET",
        Outcome::PartiallyMet => "PARTIALLY MET",
        Outcome::NotMet => "NOT MET",
        Outcome::NotApplicable => "N/A",
    }
}

fn quote_line(q: &Quote) -> String {
    let time = q
        .time
        .map(|t| format!(" at {}", timestamp(t)))
        .unwrap_or_default();
    format!(
        "turn {}{time}, {} ({}): \u{201c}{}\u{201d}",
        q.turn, q.speaker, q.role, q.quote
    )
}

fn evidence_line(e: &Evidence) -> String {
    let mark = match e.polarity {
        Polarity::For => '+',
        Polarity::Against => '-',
    };
    let cue = e
        .cue
        .as_deref()
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    let mut line = format!("    {mark} {}{cue}", quote_line(&e.quote));
    if let Some(earlier) = &e.responds_to {
        let _ = write!(line, "\n        after {}", quote_line(earlier));
    }
    if let Some(note) = &e.note {
        let _ = write!(line, "\n        ({note})");
    }
    line
}

/// The first twelve hex digits of a sha256: enough to tell records apart at a
/// glance; the JSON and the HTML report carry it whole.
fn short(sha256: &str) -> &str {
    &sha256[..12.min(sha256.len())]
}

/// Renders the assessment as plain text, one block per criterion.
pub fn render_text(assessment: &Assessment, source: Option<&str>) -> String {
    let mut out = String::new();
    let r = &assessment.rubric;
    let o = &assessment.overall;
    if let Some(source) = source {
        let _ = writeln!(out, "Transcript: {source}");
    }
    if let Some(audit) = &assessment.audit {
        if let Some(id) = &audit.learner_id {
            let _ = writeln!(out, "Learner id: {id}");
        }
        if let Some(date) = &audit.date {
            let _ = writeln!(out, "Date: {date}");
        }
        let _ = writeln!(
            out,
            "Transcript sha256: {} (rolemark {})",
            short(&audit.transcript_sha256),
            audit.rolemark_version
        );
    }
    let _ = writeln!(
        out,
        "Rubric: {} ({}@{}, sha256 {})",
        r.title,
        r.id,
        r.version,
        short(&r.sha256)
    );
    if let Some(input) = &assessment.input {
        let _ = writeln!(
            out,
            "Input: {}, {} turns, {}",
            input.format,
            input.turns,
            if input.timed {
                "timed"
            } else {
                "untimed (interruptions and silences not checked)"
            }
        );
        if let Some(guess) = &input.roles_guessed {
            let _ = writeln!(out, "Roles guessed: {}", guess.reason);
        }
    }
    let _ = writeln!(
        out,
        "Overall: {}{} (met {}, partially met {}, not met {}, not applicable {}; red flags {})",
        score_shown(o.score),
        o.grade_label,
        o.met,
        o.partially_met,
        o.not_met,
        o.not_applicable,
        o.red_flags
    );
    if let Some(after) = &assessment.overall_after_overrides {
        let _ = writeln!(
            out,
            "After the assessor's overrides: {}{}{}",
            score_shown(after.score),
            after.grade_label,
            if after.capped_by.is_empty() {
                String::new()
            } else {
                format!(" (capped: {} not met)", after.capped_by.join(", "))
            }
        );
    }
    if !o.capped_by.is_empty() {
        let _ = writeln!(
            out,
            "Grade capped: required criteria not met: {}",
            o.capped_by.join(", ")
        );
    }
    for note in &assessment.review {
        let _ = writeln!(
            out,
            "Check before you fail ({}): {}",
            note.criterion, note.reason
        );
    }
    let shown: Vec<String> = assessment
        .customer_behaviour
        .iter()
        .filter(|b| b.shown)
        .map(|b| format!("{} ({})", b.title, b.evidence.len()))
        .collect();
    let _ = writeln!(
        out,
        "Customer behaviour: {}",
        if shown.is_empty() {
            "none recognised".to_owned()
        } else {
            shown.join(", ")
        }
    );
    for b in assessment.customer_behaviour.iter().filter(|b| b.shown) {
        for e in b.evidence.iter().take(3) {
            let _ = writeln!(out, "    {}: {}", b.id, quote_line(&e.quote));
        }
    }
    for c in &assessment.criteria {
        let score = c
            .score
            .map(|s| format!("{s:.2}"))
            .unwrap_or_else(|| "-".into());
        let required = if c.required { ", required" } else { "" };
        let _ = writeln!(
            out,
            "\n[{}] {}: {} (score {score}, weight {}{required})",
            outcome_label(c.outcome),
            c.id,
            c.title,
            c.weight
        );
        if let Some(o) = &c.assessor_override {
            let at =
                o.at.as_deref()
                    .map(|at| format!(" at {at}"))
                    .unwrap_or_default();
            let _ = writeln!(
                out,
                "    assessor override: {} ({}), by {}{at}",
                outcome_label(o.outcome),
                o.comment,
                o.assessor
            );
        }
        for e in &c.evidence {
            let _ = writeln!(out, "{}", evidence_line(e));
        }
        for l in &c.looked_for {
            let _ = writeln!(out, "    looked for: {l}");
        }
        if let Some(feedback) = &c.feedback {
            let _ = writeln!(out, "    feedback for the learner: {feedback}");
        }
        if !c.references.is_empty() {
            let _ = writeln!(out, "    evidences: {}", c.references.join(", "));
        }
    }
    out
}

/// A score followed by a comma, or nothing when there was nothing to score.
fn score_shown(score: Option<f64>) -> String {
    score.map_or_else(String::new, |score| format!("{score:.2}, "))
}
