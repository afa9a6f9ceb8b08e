//! Reading request bodies under a size limit, with problem+json errors.

use super::problem::Problem;
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
    Problem::bad_request(
        "unreadable-body",
        format!("the request body could not be read: {error}"),
    )
}

/// A serde error message with every value the client sent taken out.
///
/// serde quotes the offending value (`invalid type: string "..."`, `unknown
/// variant `...``), and in a score request any string may be transcript text or
/// a speaker's name. Kept: the kind of mistake, what was expected and where, and
/// an unknown field's name when `keep_unknown_field` (a key of the request
/// object, not its content: naming it is what tells the client about a typo).
pub fn without_values(message: &str, keep_unknown_field: bool) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open_at) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open_at] as char;
        let Some(close_len) = rest[open_at + 1..].find(quote) else {
            break;
        };
        let quoted = &rest[open_at + 1..open_at + 1 + close_len];
        let before = &rest[..open_at];
        out.push_str(before);
        let names_unknown_field = before.ends_with("unknown field ");
        // Fields that are missing or given twice are ones we know.
        let names_known_field =
            before.ends_with("missing field ") || before.ends_with("duplicate field ");
        // After "expected" serde lists the accepted names, which are ours.
        let lists_expected = out.contains("expected");
        let is_literal = matches!(quoted, "true" | "false") || quoted.chars().count() <= 1;
        if lists_expected
            || names_known_field
            || is_literal
            || (names_unknown_field && keep_unknown_field && is_field_name(quoted))
        {
            out.push(quote);
            out.push_str(quoted);
            out.push(quote);
        } else {
            out.push_str("(value not shown)");
        }
        rest = &rest[open_at + 1 + close_len + 1..];
    }
    out.push_str(rest);
    out
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Decodes UTF-8 or explains where it broke.
pub fn utf8(bytes: &[u8]) -> Result<&str, Problem> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| Problem::invalid_utf8(e.valid_up_to()))
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

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn serde_messages_lose_the_values_the_client_sent() {
        assert_eq!(
            without_values(
                r#"invalid type: string "Mrs Jones", expected a boolean at line 1 column 9"#,
                true
            ),
            "invalid type: string (value not shown), expected a boolean at line 1 column 9"
        );
        assert_eq!(
            without_values(
                "unknown variant `boss`, expected one of `learner`, `customer`, `other`",
                true
            ),
            "unknown variant (value not shown), expected one of `learner`, `customer`, `other`"
        );
        assert_eq!(
            without_values(
                "unknown field `colour`, expected one of `id`, `rubric`",
                true
            ),
            "unknown field `colour`, expected one of `id`, `rubric`"
        );
        assert_eq!(
            without_values("unknown field `colour`, expected `id`", false),
            "unknown field (value not shown), expected `id`"
        );
        assert_eq!(
            without_values("unknown field `Mrs Jones said`, expected `id`", true),
            "unknown field (value not shown), expected `id`"
        );
        assert_eq!(
            without_values("missing field `turns` at line 1 column 2", true),
            "missing field `turns` at line 1 column 2"
        );
        assert_eq!(
            without_values("provided string was not `true` or `false`", true),
            "provided string was not `true` or `false`"
        );
        assert_eq!(
            without_values("EOF while parsing a string", true),
            "EOF while parsing a string"
        );
        assert_eq!(without_values("half `open", true), "half `open");
    }
}
