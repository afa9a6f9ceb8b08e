//! The printable evidence report: one self-contained HTML page (no scripts, no
//! external resources) that prints on A4 and stays readable in black and white.

use super::{learner_names, timestamp, ReportContext};
use crate::engine::{Assessment, CriterionResult, Evidence, Outcome, Overall, Polarity, Quote};
use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = include_str!("report.css");

fn outcome_class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "met",
        Outcome::PartiallyMet => "partial",
        Outcome::NotMet => "not-met",
        Outcome::NotApplicable => "na",
    }
}

fn outcome_badge(outcome: Outcome) -> Markup {
    html! { span.outcome.(outcome_class(outcome)) { (outcome.label()) } }
}

fn percent(score: f64) -> String {
    format!("{:.0}%", score * 100.0)
}

fn place(q: &Quote) -> String {
    let mut place = format!("Turn {}", q.turn);
    if let Some(time) = q.time {
        place.push_str(&format!(" at {}", timestamp(time)));
    }
    place.push_str(&format!(" \u{b7} {} ({})", q.speaker, q.role.as_str()));
    place
}

/// One quote; `judged` marks it as supporting or counting against a criterion
/// (customer-behaviour quotes are neither).
fn evidence_item(e: &Evidence, judged: bool) -> Markup {
    let (class, label) = match e.polarity {
        Polarity::For => ("for", "Supports"),
        Polarity::Against => ("against", "Counts against"),
    };
    html! {
        li.evidence.(class) {
            p.where {
                @if judged { span.polarity { (label) } " " }
                (place(&e.quote))
                @if let Some(cue) = &e.cue { " \u{b7} cue: " (cue) }
            }
            blockquote { (e.quote.quote) }
            @if let Some(earlier) = &e.responds_to {
                p.responds { "In reply to " (place(earlier)) ": \u{201c}" (earlier.quote) "\u{201d}" }
            }
            @if let Some(note) = &e.note { p.note { (note) } }
        }
    }
}

fn overall_block(o: &Overall, heading: &str) -> Markup {
    html! {
        div.overall {
            h3 { (heading) }
            @if let (Some(grade), Some(score)) = (&o.grade, o.score) {
                p.grade { "Grade: " strong { (o.grade_label) } " (" (grade) ", " (if o.passed { "pass" } else { "not yet a pass" }) ")" }
                p { "Score " (percent(score)) ": met " (o.met) ", partially met " (o.partially_met)
                    ", not met " (o.not_met) ", not applicable " (o.not_applicable)
                    "; learner turns with a red flag: " (o.red_flags) }
            } @else {
                p.grade { "Grade: " strong { (o.grade_label) } }
                p { "No marking point applied to this transcript (" (o.not_applicable)
                    " not applicable), so there is nothing to grade: check the rubric and who is the learner." }
            }
            @if !o.capped_by.is_empty() {
                p { "Grade capped because required criteria were not met: " (o.capped_by.join(", ")) }
            }
        }
    }
}

fn criterion_block(c: &CriterionResult) -> Markup {
    let score = c.score.map_or_else(|| "no score".to_owned(), percent);
    html! {
        article.criterion id={ "criterion-" (c.id) } {
            h3 { (c.title) " " (outcome_badge(c.final_outcome())) }
            p.facts {
                "Criterion " code { (c.id) } " \u{b7} score " (score) " \u{b7} weight " (c.weight)
                @if c.required { " \u{b7} required" }
                @if !c.references.is_empty() { " \u{b7} evidences " (c.references.join(", ")) }
            }
            @if let Some(o) = &c.assessor_override {
                div.override {
                    p { strong { "Assessor override: " } (o.outcome.label())
                        " (the system found: " (c.outcome.label()) ")" }
                    p.by { "By " (o.assessor)
                        @if let Some(at) = &o.at { " at " time datetime=(at) { (at) } } }
                    p { "Comment: " (o.comment) }
                }
            }
            @if !c.marking_points.is_empty() {
                details open {
                    summary { "Marking points" }
                    ul.points { @for point in &c.marking_points { li { (point) } } }
                }
            }
            @if c.evidence.is_empty() {
                p.none { "No evidence found in the transcript." }
            } @else {
                ol.evidence-list { @for e in &c.evidence { (evidence_item(e, true)) } }
            }
            @if !c.looked_for.is_empty() {
                div.looked-for {
                    p { strong { "Looked for:" } }
                    ul { @for item in &c.looked_for { li { (item) } } }
                }
            }
            @if let Some(feedback) = &c.feedback {
                div.feedback { p { strong { "Feedback for the learner: " } (feedback) } }
            }
        }
    }
}

/// Renders the assessment as a printable page.
pub fn render_html(assessment: &Assessment, context: &ReportContext) -> String {
    let r = &assessment.rubric;
    let learners = learner_names(assessment);
    let learner = if learners.is_empty() {
        "(no learner turns)".to_owned()
    } else {
        learners.join(", ")
    };
    let audit = assessment.audit.as_ref();
    let mut assessors: Vec<&str> = Vec::new();
    let mut overridden = 0;
    for o in assessment
        .criteria
        .iter()
        .filter_map(|c| c.assessor_override.as_ref())
    {
        overridden += 1;
        if !assessors.contains(&o.assessor.as_str()) {
            assessors.push(&o.assessor);
        }
    }
    let behaviours: Vec<_> = assessment
        .customer_behaviour
        .iter()
        .filter(|b| b.shown)
        .collect();
    let page = html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Role-play assessment: " (learner) ", " (r.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main.report {
                    header {
                        h1 { "Role-play assessment" }
                        p.subtitle { (r.title) }
                    }
                    table.meta {
                        tbody {
                            tr { th scope="row" { "Learner" } td { (learner) } }
                            @if let Some(id) = audit.and_then(|a| a.learner_id.as_ref()) {
                                tr { th scope="row" { "Learner id" } td { (id) } }
                            }
                            tr { th scope="row" { "Date" } td {
                                (context.date)
                                @if audit.is_some_and(|a| a.date.is_none()) {
                                    " (the day of this report: no assessment date was given)"
                                }
                            } }
                            @if let Some(source) = &context.source {
                                tr { th scope="row" { "Transcript" } td { (source) } }
                            }
                            @if let Some(input) = &assessment.input {
                                tr { th scope="row" { "Read as" } td {
                                    (input.format.name()) ", " (input.turns) " turns, "
                                    (if input.timed { "timed" } else { "untimed" })
                                    @if let Some(guess) = &input.roles_guessed { "; roles guessed: " (guess.reason) }
                                } }
                            }
                            @if let Some(audit) = audit {
                                tr { th scope="row" { "Transcript sha256" } td { code.hash { (audit.transcript_sha256) } } }
                            }
                            tr { th scope="row" { "Rubric" } td { (r.title) " (" code { (r.id) "@" (r.version) } ")" } }
                            tr { th scope="row" { "Rubric sha256" } td { code.hash { (r.sha256) } } }
                            @if let Some(audit) = audit {
                                tr { th scope="row" { "Scored by" } td { "rolemark " (audit.rolemark_version) } }
                            }
                            @if !assessors.is_empty() {
                                tr { th scope="row" { "Assessor overrides" } td {
                                    (overridden) " " (if overridden == 1 { "criterion" } else { "criteria" })
                                    ", by " (assessors.join(", "))
                                } }
                            }
                        }
                    }
                    @if let Some(scenario) = &assessment.scenario {
                        section {
                            h2 { "Scenario" }
                            table.meta {
                                tbody {
                                    @if let Some(title) = &scenario.title { tr { th scope="row" { "Brief" } td { (title) } } }
                                    @if let Some(org) = &scenario.organisation { tr { th scope="row" { "Organisation" } td { (org) } } }
                                    @if !scenario.policies.is_empty() { tr { th scope="row" { "Policies" } td { (scenario.policies.join("; ")) } } }
                                    @if let Some(limit) = &scenario.authority_limit { tr { th scope="row" { "Authority limit" } td { (limit) } } }
                                    @if let Some(demand) = &scenario.customer_demand { tr { th scope="row" { "Customer's demand" } td { (demand) } } }
                                    @if !scenario.expected_resolutions.is_empty() { tr { th scope="row" { "Expected resolutions" } td { (scenario.expected_resolutions.join("; ")) } } }
                                }
                            }
                        }
                    }
                    section {
                        h2 { "Result" }
                        @if let Some(after) = &assessment.overall_after_overrides {
                            (overall_block(after, "After the assessor's overrides"))
                            (overall_block(&assessment.overall, "As scored by rolemark"))
                        } @else {
                            (overall_block(&assessment.overall, "As scored by rolemark"))
                        }
                        @if !assessment.review.is_empty() {
                            div.review {
                                h3 { "Check before you fail" }
                                ul {
                                    @for note in &assessment.review {
                                        li { strong { (note.title) } ": " (note.reason) }
                                    }
                                }
                            }
                        }
                    }
                    section {
                        h2 { "Customer behaviour" }
                        @if behaviours.is_empty() {
                            p { "No challenging behaviour recognised." }
                        } @else {
                            ul.behaviours {
                                @for b in &behaviours {
                                    li {
                                        strong { (b.title) }
                                        ol.evidence-list { @for e in b.evidence.iter().take(3) { (evidence_item(e, false)) } }
                                    }
                                }
                            }
                        }
                    }
                    section {
                        h2 { "Criteria" }
                        @for c in &assessment.criteria { (criterion_block(c)) }
                    }
                    footer {
                        p { "Quotes are exact extracts from the transcript; turns are numbered from 0 as in the assessment record." }
                    }
                }
            }
        }
    };
    page.into_string()
}
