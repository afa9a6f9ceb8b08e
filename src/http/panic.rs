//! Panics: contained to the request that hit one, and logged without what they said.

use crate::assess::Problem;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use std::panic::AssertUnwindSafe;

/// Turns a panic in a handler into a 500 problem for that request alone. Without
/// this, actix drops the connection with no answer at all.
///
/// It wraps each resource rather than the whole app because it must keep a handle
/// on the request to answer it, and actix's router needs the only handle while it
/// matches the path; inside a resource the path is matched already. The access log
/// and metrics, outside it, see the 500 like any other error.
pub(super) async fn contain_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    use futures_util::FutureExt;
    let request = req.request().clone();
    // Handlers share nothing mutable but the inline-rubric cache, whose lock
    // recovers from poisoning, so no broken state outlives the panic.
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => response.map(ServiceResponse::map_into_left_body),
        Err(_panic) => {
            let response = Problem::internal_error().error_response();
            Ok(ServiceResponse::new(request, response).map_into_right_body())
        }
    }
}

/// Logs where a panic happened but not what it said: a formatted panic message
/// can quote the data it failed on (`str` slicing panics quote the string), and
/// here that is a transcript. Literal messages (`&'static str`) are kept since they
/// come from the code. Installed by `rolemark serve`; process-wide, so a library
/// user decides for themselves.
pub fn install_private_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(|| "an unknown place".to_owned(), ToString::to_string);
        let message = info
            .payload()
            .downcast_ref::<&'static str>()
            .copied()
            .unwrap_or("(message withheld: it may quote request content)");
        let thread = std::thread::current();
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => String::new(),
        };
        log::error!(
            "panic in thread {} at {location}: {message}{backtrace}",
            thread.name().unwrap_or("unnamed")
        );
    }));
}
