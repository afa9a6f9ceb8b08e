//! The OpenAPI document, generated from the handlers' own types.

use super::problem::Problem;
use super::routes::{health, rubrics, score};
use super::scoring::{ScoreRequest, TranscriptInput, TurnInput};
use crate::engine::{
    Assessment, AssessorOverride, BehaviourResult, CriterionResult, CueFound, CueUse, Evidence,
    Explanation, Outcome, Overall, OverrideRecord, Polarity, Quote, RubricRef, Scenario,
    TranscriptView,
};
use crate::transcript::{Role, Turn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "rolemark",
        description = "Scores transcribed customer-service role-plays against rubrics and returns, for each criterion, an outcome and exact evidence quotes. Transcripts are personal data: the service keeps nothing after a request and logs no transcript text.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        score::score,
        score::batch,
        score::xapi,
        rubrics::list,
        rubrics::get,
        rubrics::validate,
        rubrics::explain,
        health::healthz,
        health::readyz,
        health::metrics,
    ),
    components(schemas(
        Problem, ScoreRequest, TranscriptInput, TurnInput, Assessment, Overall, RubricRef, BehaviourResult,
        CriterionResult, AssessorOverride, OverrideRecord, Evidence, Quote, Polarity, Outcome, TranscriptView, Turn, Role, score::BatchResult,
        rubrics::RubricSummary, rubrics::RubricView, rubrics::CriterionView, rubrics::BandView,
        rubrics::BehaviourView, rubrics::Validation, rubrics::ValidationError, rubrics::ExplainRequest, Explanation, Scenario, crate::engine::rubric::BaseRubric, CueFound, CueUse, health::Health
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "score", description = "Score transcripts"),
        (name = "rubrics", description = "Rubrics: list, show, validate"),
        (name = "operations", description = "Health, readiness and metrics")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as committed in `openapi/rolemark.json`.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default() + "\n"
}
