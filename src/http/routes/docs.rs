//! `GET /openapi.json` and the Swagger UI at `/docs`, served from the binary.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// Routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/docs",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/docs/"))
                .finish()
        }),
    )
    .service(
        utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
            .url("/openapi.json", crate::http::openapi::api_doc()),
    );
}
