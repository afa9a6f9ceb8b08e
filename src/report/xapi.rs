//! xAPI 1.0.3 statements for a learning record store: one per criterion and one
//! for the whole assessment, the learner as actor and the verb `scored`.
//!
//! Statement ids and the registration are name-based UUIDs (v5) of the rubric,
//! the transcript and the learner, so posting the same assessment twice gives the
//! same statements, which an LRS recognises instead of storing twice.

use super::learner_names;
use crate::engine::{Assessment, CriterionResult, Evidence, Outcome, Overall};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The xAPI version the statements follow.
pub const XAPI_VERSION: &str = "1.0.3";
const VERB_SCORED: &str = "http://adlnet.gov/expapi/verbs/scored";
const ACTIVITY_OBJECTIVE: &str = "http://adlnet.gov/expapi/activities/objective";
const ACTIVITY_ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
/// The namespace of rolemark's name-based statement ids.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2b0e_5a7d_4c39_9e21_7d0b_3f48_a2c5);

/// Who and where, for statements.
#[derive(Debug, Clone)]
pub struct XapiContext {
    /// IRI under which rubrics, criteria and extensions are named, without a
    /// trailing slash, e.g. `https://lrs.example.ac.uk/rolemark`.
    pub base: String,
    /// The learner's account name on `account_home` (the e-portfolio's id).
    pub learner_id: String,
    /// The home page of the system that issued `learner_id`.
    pub account_home: String,
    /// sha256 of the transcript as received: part of every statement id.
    pub transcript_sha256: String,
}

/// The base IRI when none is configured: a reserved domain, so that nobody's
/// records are mistaken for another centre's.
pub const DEFAULT_XAPI_BASE: &str = "https://rolemark.invalid";

/// A base IRI or home page that is not an absolute http(s) address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("should be an absolute http(s) address such as https://lrs.example.ac.uk/rolemark")]
pub struct InvalidIri;

/// Checks a base IRI or home page given by a caller.
pub fn check_iri(value: &str) -> Result<(), InvalidIri> {
    let scheme_ok = value.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.starts_with('/')
    });
    if scheme_ok && !value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(())
    } else {
        Err(InvalidIri)
    }
}

impl XapiContext {
    fn iri(&self, path: &str) -> String {
        format!("{}/{path}", self.base.trim_end_matches('/'))
    }

    fn extension(&self, name: &str) -> String {
        self.iri(&format!("xapi/extensions/{name}"))
    }

    fn uuid(&self, assessment: &Assessment, part: &str) -> String {
        let name = format!(
            "{}\n{}\n{}\n{}\n{part}",
            assessment.rubric.sha256, self.transcript_sha256, self.account_home, self.learner_id
        );
        Uuid::new_v5(&ID_NAMESPACE, name.as_bytes())
            .hyphenated()
            .to_string()
    }
}

fn language_map(text: &str) -> Value {
    json!({ "en-GB": text })
}

fn evidence_record(e: &Evidence) -> Value {
    let mut record = json!({
        "polarity": e.polarity,
        "rule": e.rule,
        "turn": e.quote.turn,
        "speaker": e.quote.speaker,
        "role": e.quote.role,
        "quote": e.quote.quote,
        "start": e.quote.start,
        "end": e.quote.end,
    });
    if let Some(time) = e.quote.time {
        record["time"] = json!(time);
    }
    if let Some(cue) = &e.cue {
        record["cue"] = json!(cue);
    }
    record
}

fn score(scaled: f64) -> Value {
    let scaled = scaled.clamp(0.0, 1.0);
    json!({ "scaled": scaled, "raw": scaled, "min": 0, "max": 1 })
}

/// The statements for one assessment: the criteria in rubric order, then the
/// whole assessment.
pub fn statements(assessment: &Assessment, context: &XapiContext) -> Vec<Value> {
    let rubric = &assessment.rubric;
    let rubric_iri = context.iri(&format!("rubrics/{}", rubric.id));
    let names = learner_names(assessment);
    let mut actor = json!({
        "objectType": "Agent",
        "account": { "homePage": context.account_home, "name": context.learner_id },
    });
    if !names.is_empty() {
        actor["name"] = json!(names.join(", "));
    }
    let rubric_extension = json!({
        "id": rubric.id, "version": rubric.version, "sha256": rubric.sha256,
    });
    let statement_context = |parent: bool| {
        let mut extensions = Map::new();
        extensions.insert(context.extension("rubric"), rubric_extension.clone());
        extensions.insert(
            context.extension("transcript-sha256"),
            json!(context.transcript_sha256),
        );
        if let Some(audit) = &assessment.audit {
            extensions.insert(
                context.extension("rolemark-version"),
                json!(audit.rolemark_version),
            );
        }
        let mut value = json!({
            "registration": context.uuid(assessment, "registration"),
            "language": "en-GB",
            "extensions": extensions,
        });
        if parent {
            value["contextActivities"] = json!({
                "parent": [{ "objectType": "Activity", "id": rubric_iri }]
            });
        }
        value
    };
    let timestamp = assessment
        .audit
        .as_ref()
        .and_then(|a| a.date.as_deref())
        .map(start_of_day);
    // Without a date the LRS stamps `timestamp` with the time it receives them;
    // it always stamps `stored`.
    let finish = |mut statement: Value| {
        if let Some(timestamp) = &timestamp {
            statement["timestamp"] = json!(timestamp);
        }
        statement["version"] = json!(XAPI_VERSION);
        statement
    };
    let mut out: Vec<Value> = assessment
        .criteria
        .iter()
        .map(|c| {
            finish(json!({
                "id": context.uuid(assessment, &format!("criterion\n{}", c.id)),
                "actor": actor,
                "verb": { "id": VERB_SCORED, "display": language_map("scored") },
                "object": {
                    "objectType": "Activity",
                    "id": context.iri(&format!("rubrics/{}/criteria/{}", rubric.id, c.id)),
                    "definition": criterion_definition(c, context),
                },
                "result": criterion_result(c, assessment, context),
                "context": statement_context(true),
            }))
        })
        .collect();
    let overall = assessment
        .overall_after_overrides
        .as_ref()
        .unwrap_or(&assessment.overall);
    out.push(finish(json!({
        "id": context.uuid(assessment, "assessment"),
        "actor": actor,
        "verb": { "id": VERB_SCORED, "display": language_map("scored") },
        "object": {
            "objectType": "Activity",
            "id": rubric_iri,
            "definition": { "type": ACTIVITY_ASSESSMENT, "name": language_map(&rubric.title) },
        },
        "result": overall_result(assessment, overall, context),
        "context": statement_context(false),
    })));
    out
}

/// A statement `timestamp` (when the experience happened) for an assessment
/// day: the record knows the day, not the hour, so the start of the day in
/// UTC, as the full date-time that xAPI and learning record stores require.
fn start_of_day(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// The criterion as an activity; the standards it evidences go in an extension
/// so that an e-portfolio can file the statement under them.
fn criterion_definition(c: &CriterionResult, context: &XapiContext) -> Value {
    let mut definition = json!({
        "type": ACTIVITY_OBJECTIVE,
        "name": language_map(&c.title),
        "description": language_map(&c.marking_points.join(" ")),
    });
    if !c.references.is_empty() {
        definition["extensions"] = json!({ context.extension("references"): c.references });
    }
    definition
}

fn criterion_result(c: &CriterionResult, assessment: &Assessment, context: &XapiContext) -> Value {
    let outcome = c.final_outcome();
    let mut extensions = Map::new();
    if let Some(note) = assessment.review.iter().find(|n| n.criterion == c.id) {
        extensions.insert(context.extension("review"), json!(note.reason));
    }
    extensions.insert(context.extension("outcome"), json!(outcome));
    extensions.insert(
        context.extension("evidence"),
        Value::Array(c.evidence.iter().map(evidence_record).collect()),
    );
    if !c.looked_for.is_empty() {
        extensions.insert(context.extension("looked-for"), json!(c.looked_for));
    }
    if let Some(feedback) = &c.feedback {
        extensions.insert(context.extension("feedback"), json!(feedback));
    }
    if let Some(o) = &c.assessor_override {
        // xAPI forbids null values, so a missing score is left out.
        let mut record = json!({
            "system_outcome": c.outcome, "comment": o.comment, "assessor": o.assessor,
        });
        if let Some(at) = &o.at {
            record["at"] = json!(at);
        }
        if let Some(score) = c.score {
            record["system_score"] = json!(score);
        }
        extensions.insert(context.extension("assessor-override"), record);
    }
    let mut result = json!({ "extensions": extensions });
    if outcome == Outcome::NotApplicable {
        return result;
    }
    result["success"] = json!(outcome == Outcome::Met);
    let scaled = c.assessor_override.as_ref().map_or(c.score, |o| o.score);
    if let Some(scaled) = scaled {
        result["score"] = score(scaled);
    }
    result
}

fn overall_result(assessment: &Assessment, overall: &Overall, context: &XapiContext) -> Value {
    let mut extensions = Map::new();
    extensions.insert(
        context.extension("grade"),
        json!({ "grade": overall.grade, "label": overall.grade_label }),
    );
    if assessment.overall_after_overrides.is_some() {
        extensions.insert(
            context.extension("system-grade"),
            json!({ "grade": assessment.overall.grade, "score": assessment.overall.score }),
        );
    }
    // Not assessable: no score and no success either way, since nothing was
    // judged; the grade extension says why.
    let mut result = json!({ "completion": true, "extensions": extensions });
    if let Some(scaled) = overall.score {
        result["score"] = score(scaled);
        result["success"] = json!(overall.passed);
    }
    result
}
