//! The assessor's page at `/`: three files compiled into the binary, served with
//! a content security policy that lets the page talk to this service alone.

use actix_web::http::{header, Method};
use actix_web::{web, HttpResponse};

/// Routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::only("/", Method::GET, index))
        .service(super::only("/assets/rolemark.js", Method::GET, script))
        .service(super::only("/assets/rolemark.css", Method::GET, style));
}

const INDEX: &str = include_str!("../page/index.html");
const SCRIPT: &str = include_str!("../page/rolemark.js");
const STYLE: &str = include_str!("../page/rolemark.css");

/// No external script, style, font or connection, even if a quote held markup;
/// downloads are blob URLs made by the page itself.
const POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // The files change only with the binary; revalidating keeps an upgrade visible.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

pub async fn index() -> HttpResponse {
    asset("text/html; charset=utf-8", INDEX)
}

pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
