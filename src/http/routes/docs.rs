//! `GET /openapi.json` and the Swagger UI at `/docs`, served from the binary.
//! The document is handed in, assembled from the other route modules, so that
//! this module needs nothing of theirs.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// Mounts the document and its page.
pub fn configure(cfg: &mut web::ServiceConfig, document: utoipa::openapi::OpenApi) {
    cfg.route(
        "/docs",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/docs/"))
                .finish()
        }),
    )
    .service(utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", document));
}
