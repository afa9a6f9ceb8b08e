//! Problems as HTTP responses: `application/problem+json` with the status of the
//! problem's code. The problems themselves are [`crate::assess::Problem`].

use crate::assess::{ErrorCode, Problem};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// The problem code of an error response, for the error counter.
#[derive(Debug, Clone, Copy)]
pub struct ProblemCode(pub ErrorCode);

/// An HTTP error that actix raised itself, answered as an `http-error` problem
/// with its status and that status's reason as title.
pub fn http_error(status: StatusCode, detail: impl Into<String>) -> Problem {
    let mut problem = Problem::new(ErrorCode::HttpError, detail);
    problem.status = status.as_u16();
    problem.title = status.canonical_reason().unwrap_or("Error").to_owned();
    problem
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST)
    }

    fn error_response(&self) -> HttpResponse {
        let body = serde_json::to_string(self).unwrap_or_default();
        let mut response = HttpResponse::build(self.status_code())
            .content_type("application/problem+json")
            .body(body);
        response.extensions_mut().insert(ProblemCode(self.code));
        response
    }
}
