//! The problem responses that route docs list, each defined once: a route's
//! `#[utoipa::path(responses(...))]` names these types instead of repeating
//! the status, description and `application/problem+json` body.

use std::collections::BTreeMap;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// One problem+json response: `status`, and what it means on the routes that list it.
fn problem_response(status: u16, description: &str) -> BTreeMap<String, RefOr<Response>> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", content)
        .build();
    BTreeMap::from([(status.to_string(), RefOr::T(response))])
}

macro_rules! problem_responses {
    ($($(#[doc = $doc:literal])* $name:ident => ($status:literal, $description:literal),)*) => {
        $(
            $(#[doc = $doc])*
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    problem_response($status, $description)
                }
            }
        )*
    };
}

problem_responses! {
    /// 400 on the score routes.
    MalformedRequest => (400, "Malformed request"),
    /// 400 on the xAPI route, which also needs the learner's id.
    MalformedOrNoLearnerId => (400, "Malformed request, or no `learner_id`"),
    /// 400 on rubric validation.
    EmptyBody => (400, "Empty body"),
    /// 401 on every `/v1` route when API keys are set.
    Unauthorized => (401, "Missing or wrong API key"),
    /// 404 on routes that name a rubric.
    UnknownRubric => (404, "Unknown rubric"),
    /// 406 on the score route's content negotiation.
    NotAcceptable => (406, "`Accept` names no rendering the service has"),
    /// 408 on routes that read a body.
    BodyTimeout => (408, "The body did not arrive within the request timeout"),
    /// 413 on routes that read a request body.
    BodyTooLarge => (413, "Body over the limit"),
    /// 413 on rubric validation.
    SourceTooLarge => (413, "Source over the limit"),
    /// 415 on the score routes.
    UnsupportedMediaType => (415, "Unsupported media type"),
    /// 415 on the batch route.
    NotNdjson => (415, "Not NDJSON"),
    /// 415 on routes that take JSON only.
    NotJson => (415, "Not JSON"),
    /// 422 on the score routes.
    CannotScore => (422, "Transcript, rubric or override cannot be used"),
    /// 422 on the explain route.
    TranscriptUnreadable => (422, "The transcript cannot be read"),
    /// 422 on rubric validation.
    SourceNotUtf8 => (422, "Source not UTF-8"),
    /// 500: a bug.
    InternalError => (500, "A bug: the reply repeats nothing of the request"),
}
