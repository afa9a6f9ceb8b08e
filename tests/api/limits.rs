//! The request timeout and the connection limit, spoken to over raw TCP: a client
//! that stalls mid-request is exactly what an HTTP library will not do.

use crate::helpers::{short_roleplay, spawn_app_with, test_config, TestApp};
use rolemark::http::ServeConfig;
use serde_json::{json, Value};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Long enough never to fire on a slow machine: it only stops a broken test
/// from hanging for ever.
const GIVE_UP: Duration = Duration::from_secs(120);

fn config_with_timeout(seconds: u64) -> ServeConfig {
    let mut config = test_config();
    config.limits.request_timeout_secs = seconds;
    config
}

fn connect(app: &TestApp) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", app.port)).expect("connects");
    stream.set_read_timeout(Some(GIVE_UP)).unwrap();
    stream
}

/// Reads until the server closes the connection.
fn read_to_close(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            // A reset after the reply has been read counts as closing.
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !bytes.is_empty() => break,
            Err(e) => panic!(
                "reading the reply failed: {e}; read so far: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
            ),
        }
    }
    String::from_utf8(bytes).expect("the reply is UTF-8")
}

/// Reads one response with a `Content-Length` body, leaving the connection open.
fn read_one_response(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("the head arrives");
        assert!(n > 0, "closed mid-head: {bytes:?}");
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("a content-length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("the body arrives");
    head + &String::from_utf8(body).unwrap()
}

fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {response}"))
}

fn body_of(response: &str) -> &str {
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or("")
}

/// Asserts a 408 problem+json that names the timeout and its value.
fn assert_timeout_problem(problem: &Value, seconds: u64) {
    assert_eq!(problem["status"], 408, "{problem}");
    assert_eq!(problem["code"], "request-timeout", "{problem}");
    assert_eq!(
        problem["type"], "urn:rolemark:problem:request-timeout",
        "{problem}"
    );
    assert_eq!(problem["limit"], "request_timeout_secs", "{problem}");
    assert_eq!(problem["limit_value"], seconds, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("{seconds} seconds"))),
        "{problem}"
    );
}

/// Sends a head promising `declared` bytes and only part of the body, then waits
/// for the server to give up on it.
fn stalled_upload(app: &TestApp, path: &str, content_type: &str, partial: &str) -> String {
    let mut stream = connect(app);
    let declared = partial.len() + 1000;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\n\r\n{partial}"
    )
    .unwrap();
    stream.flush().unwrap();
    read_to_close(&mut stream)
}

#[test]
fn a_score_body_that_stalls_gets_408_naming_the_limit() {
    let app = spawn_app_with(config_with_timeout(1));

    let response = stalled_upload(
        &app,
        "/v1/score",
        "application/json",
        r#"{"rubric": "heat", "transcript_text": "Customer: it bro"#,
    );

    assert_eq!(status_of(&response), 408, "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{response}"
    );
    let problem: Value = serde_json::from_str(body_of(&response)).expect("a JSON body");
    assert_timeout_problem(&problem, 1);
}

#[test]
fn a_raw_transcript_or_rubric_that_stalls_gets_408_too() {
    let app = spawn_app_with(config_with_timeout(1));

    let raw = stalled_upload(
        &app,
        "/v1/score?rubric=heat",
        "text/plain",
        "Customer: it broke\n",
    );
    let rubric = stalled_upload(
        &app,
        "/v1/rubrics/validate",
        "application/toml",
        "id = \"x\"\n",
    );

    for response in [raw, rubric] {
        assert_eq!(status_of(&response), 408, "{response}");
        let problem: Value = serde_json::from_str(body_of(&response)).expect("a JSON body");
        assert_timeout_problem(&problem, 1);
    }
}

#[test]
fn a_chunked_body_that_stalls_gets_408_and_the_connection_closes() {
    // actix reads a dropped chunked body to its end; this one never ends, so
    // only a closed connection lets the test finish.
    let app = spawn_app_with(config_with_timeout(1));
    let mut stream = connect(&app);

    write!(
        stream,
        "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{}",
        chunk(r#"{"rubric": "heat", "#)
    )
    .unwrap();
    let response = read_to_close(&mut stream);

    assert_eq!(status_of(&response), 408, "{response}");
    let problem: Value = serde_json::from_str(body_of(&response)).expect("a JSON body");
    assert_timeout_problem(&problem, 1);
}

#[test]
fn the_timeout_value_is_the_configured_one() {
    let app = spawn_app_with(config_with_timeout(2));

    let response = stalled_upload(&app, "/v1/score", "application/json", "{");

    let problem: Value = serde_json::from_str(body_of(&response)).expect("a JSON body");
    assert_timeout_problem(&problem, 2);
}

#[test]
fn a_request_head_that_stalls_gets_408_and_the_connection_closes() {
    let app = spawn_app_with(config_with_timeout(1));
    let mut stream = connect(&app);

    // No blank line: the head never ends.
    write!(
        stream,
        "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl"
    )
    .unwrap();
    let response = read_to_close(&mut stream);

    // actix answers a stalled head itself, before any handler, with an empty 408.
    assert_eq!(status_of(&response), 408, "{response}");
}

/// One chunk of a chunked request body.
fn chunk(data: &str) -> String {
    format!("{:x}\r\n{data}\r\n", data.len())
}

#[test]
fn a_batch_line_that_stalls_ends_the_batch_with_a_408_line() {
    let app = spawn_app_with(config_with_timeout(1));
    let mut stream = connect(&app);
    let whole_line = json!({"id": "a", "rubric": "heat", "transcript_text": short_roleplay("a"), "include_transcript": false})
        .to_string()
        + "\n";

    write!(
        stream,
        "POST /v1/score/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n{}{}",
        chunk(&whole_line),
        chunk(r#"{"id": "b", "rubric": "he"#)
    )
    .unwrap();
    let response = read_to_close(&mut stream);

    assert_eq!(status_of(&response), 200, "{response}");
    // The body is chunked; every result is one line of JSON inside it.
    let results: Vec<Value> = body_of(&response)
        .split('\n')
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(results.len(), 2, "{response}");
    assert_eq!(results[0]["line"], 1);
    assert_eq!(results[0]["id"], "a");
    assert!(results[0]["assessment"].is_object(), "{}", results[0]);
    assert_eq!(results[1]["line"], 2);
    assert_timeout_problem(&results[1]["error"], 1);
}

#[test]
fn a_slow_but_steady_batch_is_not_cut_off() {
    // Each line arrives in time, though the whole batch takes longer than the
    // timeout: the limit is per line, so a long batch over a slow link survives.
    let app = spawn_app_with(config_with_timeout(2));
    let mut stream = connect(&app);
    write!(
        stream,
        "POST /v1/score/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    for n in 0..8 {
        let line = json!({"id": n.to_string(), "rubric": "heat", "transcript_text": short_roleplay("s"), "include_transcript": false})
            .to_string()
            + "\n";
        stream.write_all(chunk(&line).as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    stream.write_all(b"0\r\n\r\n").unwrap();
    let response = read_to_close(&mut stream);

    let results: Vec<Value> = body_of(&response)
        .split('\n')
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(results.len(), 8, "{response}");
    assert!(
        results.iter().all(|r| r["assessment"].is_object()),
        "{response}"
    );
}

#[test]
fn the_server_keeps_serving_after_a_stalled_request() {
    let app = spawn_app_with(config_with_timeout(1));

    stalled_upload(&app, "/v1/score", "application/json", "{");
    let reply = app.score_json(&json!({"rubric": "heat", "transcript_text": short_roleplay("x")}));

    assert_eq!(reply.status, 200, "{}", reply.text());
}

const HEALTH_REQUEST: &str = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

#[test]
fn a_connection_over_max_connections_waits_until_one_closes() {
    let mut config = config_with_timeout(60);
    config.workers = 1;
    config.max_connections = 1;
    let app = spawn_app_with(config);

    // The first connection is served, so it holds the one slot...
    let mut first = connect(&app);
    first.write_all(HEALTH_REQUEST.as_bytes()).unwrap();
    assert_eq!(status_of(&read_one_response(&mut first)), 200);
    // ...and keeps holding it with a request in flight, which keep-alive expiry
    // cannot end.
    write!(
        first,
        "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    )
    .unwrap();

    // The second connects (the listen backlog takes it) but is not served.
    let mut second = connect(&app);
    second.write_all(HEALTH_REQUEST.as_bytes()).unwrap();
    second
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut byte = [0u8; 1];
    match second.read(&mut byte) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => {
            panic!("the second connection was served while the first held the only slot: {other:?}")
        }
    }

    // Once the first closes, the waiting connection is taken and answered.
    drop(first);
    second.set_read_timeout(Some(GIVE_UP)).unwrap();
    let response = read_one_response(&mut second);
    assert_eq!(status_of(&response), 200, "{response}");
}

#[test]
fn with_the_default_limit_a_second_connection_is_served_at_once() {
    // The counterpart of the test above: the same steps, the default limit.
    let mut config = config_with_timeout(60);
    config.workers = 1;
    let app = spawn_app_with(config);
    let mut first = connect(&app);
    first.write_all(HEALTH_REQUEST.as_bytes()).unwrap();
    assert_eq!(status_of(&read_one_response(&mut first)), 200);

    let mut second = connect(&app);
    second.write_all(HEALTH_REQUEST.as_bytes()).unwrap();

    assert_eq!(status_of(&read_one_response(&mut second)), 200);
    drop(first);
}
