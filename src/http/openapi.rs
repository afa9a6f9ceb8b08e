//! The OpenAPI document, assembled from the route modules' own parts.

use super::routes::ROOMS;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// What belongs to the document as a whole: its description, tags and security.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "rolemark",
        description = "Scores transcribed customer-service role-plays against rubrics and returns, for each criterion, an outcome and exact evidence quotes. Transcripts are personal data: the service keeps nothing after a request and logs no transcript text.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "score", description = "Score transcripts"),
        (name = "rubrics", description = "Rubrics: list, show, validate"),
        (name = "operations", description = "Health, readiness and metrics")
    )
)]
struct ApiDoc;

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

/// The service's OpenAPI document.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for room in ROOMS {
        doc.merge((room.openapi)());
    }
    doc
}

/// The document as committed in `openapi/rolemark.json`.
pub fn document() -> String {
    api_doc().to_pretty_json().unwrap_or_default() + "\n"
}
