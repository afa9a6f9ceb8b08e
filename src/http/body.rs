//! Reading request bodies under a size limit, with problem+json errors.

use crate::assess::{ErrorCode, Problem};
use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::rt::time::{timeout, Instant};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The media type of a request, lower-cased, without parameters.
pub fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// How much a body may hold and how long it may take to arrive.
pub struct BodyLimit {
    /// Named in the 413 problem: callers have their own byte limits.
    pub name: &'static str,
    pub max_bytes: usize,
    pub timeout_secs: u64,
}

/// Reads the whole body, refusing it as soon as it passes the byte limit or when
/// it has not arrived in full by the deadline.
///
/// On an error the caller should answer with [`refuse_unread`], which closes the
/// connection instead of leaving actix to drain a body that may never end.
pub async fn read_limited(
    req: &HttpRequest,
    payload: &mut web::Payload,
    limit: BodyLimit,
) -> Result<web::BytesMut, Problem> {
    let max = limit.max_bytes;
    let too_large = || {
        Problem::too_large(
            limit.name,
            max as u64,
            format!("the request body is over the limit of {max} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let deadline = Instant::now() + Duration::from_secs(limit.timeout_secs);
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(max));
    loop {
        let chunk = match timeout(
            deadline.saturating_duration_since(Instant::now()),
            payload.next(),
        )
        .await
        {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_elapsed) => {
                return Err(Problem::request_timeout(
                    limit.timeout_secs,
                    "the request body",
                ))
            }
        };
        let chunk = chunk.map_err(unreadable)?;
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The problem as a response that holds on to the unread request body until the
/// response has been written. actix closes a connection whose body is unread
/// only while something still holds it: dropped, a chunked body is instead read
/// to its end and discarded, and a client that stalls on purpose would keep the
/// connection for ever.
pub fn refuse_unread(problem: &Problem, unread: web::Payload) -> HttpResponse {
    let mut response = problem.error_response();
    let body = serde_json::to_vec(problem).unwrap_or_default();
    response = response.set_body(
        BodyHoldingPayload {
            body: Some(Bytes::from(body)),
            _unread: unread,
        }
        .boxed(),
    );
    response
}

struct BodyHoldingPayload {
    body: Option<Bytes>,
    _unread: web::Payload,
}

impl MessageBody for BodyHoldingPayload {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.body.as_ref().map_or(0, |b| b.len() as u64))
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(self.get_mut().body.take().map(Ok))
    }
}

/// actix's payload errors describe the framing (length, chunking), never the bytes.
pub fn unreadable(error: actix_web::error::PayloadError) -> Problem {
    Problem::new(
        ErrorCode::UnreadableBody,
        format!("the request body could not be read: {error}"),
    )
}

/// Reads a request body under `max_body_bytes` and the request timeout.
pub async fn read_body(
    req: &HttpRequest,
    payload: &mut web::Payload,
    limits: &super::Limits,
) -> Result<BytesMut, Problem> {
    let limit = BodyLimit {
        name: "max_body_bytes",
        max_bytes: limits.max_body_bytes,
        timeout_secs: limits.request_timeout_secs,
    };
    read_limited(req, payload, limit).await
}
