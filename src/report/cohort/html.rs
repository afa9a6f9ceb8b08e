//! The cohort summary as a printable page, in the evidence report's style: one
//! self-contained HTML page (no scripts, no external resources) for A4.

use super::summary::{CohortSummary, LearnerRef, RubricSummary};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The evidence report's style, so both print alike, and the count tables'.
const STYLE: &str = concat!(include_str!("../report.css"), include_str!("cohort.css"));

fn who(learner: &LearnerRef) -> Markup {
    html! {
        strong { (learner.label) }
        @if let Some(place) = learner.locator() { " " span.where { "(" (place) ")" } }
    }
}

fn rubric_section(s: &RubricSummary) -> Markup {
    let r = &s.rubric;
    html! {
        section {
            h2 { (r.title) }
            table.meta {
                tbody {
                    tr { th scope="row" { "Rubric" } td { (r.title) " (" code { (r.id) } ", version " (r.version) ")" } }
                    tr { th scope="row" { "Rubric sha256" } td { code.hash { (r.sha256) } } }
                    tr { th scope="row" { "Scored" } td { (s.scored) } }
                    tr { th scope="row" { "Passed" } td { (s.passed) } }
                }
            }
            h3 { "Criteria" }
            table.counts {
                thead {
                    tr {
                        th scope="col" { "Criterion" }
                        th scope="col" { "Met" }
                        th scope="col" { "Partially met" }
                        th scope="col" { "Not met" }
                        th scope="col" { "Not applicable" }
                        th scope="col" { "Overridden" }
                    }
                }
                tbody {
                    @for c in &s.criteria {
                        tr {
                            th scope="row" {
                                (c.title)
                                @if c.required { " " span.required { "required" } }
                            }
                            td { (c.met) }
                            td { (c.partially_met) }
                            td { (c.not_met) }
                            td { (c.not_applicable) }
                            td { (c.overridden) }
                        }
                    }
                }
            }
            h3 { "Grades" }
            table.counts {
                thead { tr { th scope="col" { "Grade" } th scope="col" { "Learners" } } }
                tbody {
                    @for g in &s.grades {
                        tr { th scope="row" { (g.label) } td { (g.count) } }
                    }
                }
            }
            @if !s.review.is_empty() {
                div.review {
                    h3 { "Check before you fail" }
                    p { "Required criteria with nothing found for or against them, which alone hold these learners' grades down: check the recordings." }
                    ul {
                        @for flag in &s.review {
                            li {
                                (who(&flag.learner)) ": "
                                (flag.criteria.iter().map(|c| c.title.as_str()).collect::<Vec<_>>().join("; "))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Renders the summary as a printable page.
pub fn render_html(summary: &CohortSummary) -> String {
    let titles: Vec<&str> = summary
        .rubrics
        .iter()
        .map(|s| s.rubric.title.as_str())
        .collect();
    let page = html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Cohort summary" @if !titles.is_empty() { ": " (titles.join(", ")) } }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main.report {
                    header {
                        h1 { "Cohort summary" }
                        p.subtitle {
                            (summary.total()) " transcripts: " (summary.scored) " scored, "
                            (summary.not_scored) " not scored"
                        }
                    }
                    @for s in &summary.rubrics { (rubric_section(s)) }
                    @if !summary.failures.is_empty() {
                        section {
                            h2 { "Not scored" }
                            table.counts {
                                thead { tr { th scope="col" { "Error code" } th scope="col" { "Transcripts" } } }
                                tbody {
                                    @for (code, count) in &summary.not_scored_by_code {
                                        tr { th scope="row" { code { (code) } } td { (count) } }
                                    }
                                }
                            }
                            ul {
                                @for failure in &summary.failures {
                                    li { (who(&failure.learner)) ": " code { (failure.code) } }
                                }
                            }
                        }
                    }
                    footer {
                        p { "Outcomes and grades are the assessor's where they overrode rolemark's, else rolemark's. Learners are named by the id their request gave, else by file or batch line." }
                    }
                }
            }
        }
    };
    page.into_string()
}
