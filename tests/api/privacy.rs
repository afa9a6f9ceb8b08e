//! No personal data leaves: a canary phrase sent through every endpoint, in
//! requests that succeed and requests that fail, must never reach the real binary's
//! output at trace level, and error responses must not repeat it.

use crate::helpers::{agent, INLINE_RUBRIC};
use crate::process::Server;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const CANARY: &str = "Zebedee-Quartz-7731";

/// Small limits, so that over-limit requests stay small.
const SERVE_FLAGS: &[&str] = &[
    "--max-body-bytes",
    "16384",
    "--max-turns",
    "40",
    "--max-turn-chars",
    "2000",
    "--max-rubric-bytes",
    "4096",
    "--request-timeout-secs",
    "1",
];

/// One request's outcome.
struct Sent {
    name: &'static str,
    status: u16,
    body: String,
    /// The response may name the canary: see `echoes_allowed_by_design`.
    echo_allowed: bool,
}

struct Client<'a> {
    server: &'a Server,
    agent: ureq::Agent,
    sent: Vec<Sent>,
}

impl Client<'_> {
    fn post(&mut self, name: &'static str, path: &str, content_type: &str, body: impl AsRef<[u8]>) {
        let mut reply = self
            .agent
            .post(self.server.url(path))
            .header("Content-Type", content_type)
            .send(body.as_ref())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let status = reply.status().as_u16();
        let body = reply.body_mut().read_to_string().unwrap_or_default();
        self.sent.push(Sent {
            name,
            status,
            body,
            echo_allowed: false,
        });
    }

    fn score(&mut self, name: &'static str, request: Value) {
        self.post(name, "/v1/score", "application/json", request.to_string());
    }

    /// Marks the last request as one whose reply may name the canary.
    fn echo_allowed(&mut self) {
        self.sent.last_mut().unwrap().echo_allowed = true;
    }

    /// A body that stops half-way, held open until the server gives up on it.
    fn stalled(&mut self, name: &'static str) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.server.port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let partial = format!(r#"{{"rubric": "heat", "transcript_text": "Customer: {CANARY}"#);
        write!(
            stream,
            "POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{partial}",
            partial.len() + 100
        )
        .unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        self.sent.push(Sent {
            name,
            status,
            body: response,
            echo_allowed: false,
        });
    }
}

fn transcript_text() -> String {
    format!(
        "Customer: This is ridiculous, {CANARY} ordered a heater six weeks ago.\n\
         Agent: I'm so sorry, {CANARY}, I can hear how frustrating this has been.\n\
         Agent: I've reissued the refund today and I'll call you on Friday.\n"
    )
}

fn vtt() -> String {
    format!(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Customer>My name is {CANARY} and it broke.\n\n\
         00:00:05.000 --> 00:00:09.000\n<v {CANARY}>I'm so sorry, that must be frustrating.\n"
    )
}

fn srt() -> String {
    format!(
        "1\n00:00:01,000 --> 00:00:04,000\nCustomer: My name is {CANARY} and it broke.\n\n\
         2\n00:00:05,000 --> 00:00:09,000\nAgent: I'm so sorry {CANARY}, that must be frustrating.\n"
    )
}

fn canonical_turns() -> Value {
    json!({"turns": [
        {"speaker": "Customer", "role": "customer", "text": format!("My name is {CANARY} and my refund is late.")},
        {"speaker": CANARY, "role": "learner", "text": format!("I'm so sorry, {CANARY}, let me put that right.")}
    ]})
}

fn send_everything(client: &mut Client) {
    // Requests that succeed.
    client.score(
        "score transcript_text",
        json!({"rubric": "heat", "transcript_text": transcript_text()}),
    );
    client.score(
        "score canonical JSON, canary speaker",
        json!({"rubric": "challenging-customers", "transcript": canonical_turns()}),
    );
    client.score(
        "score with format and roles",
        json!({"rubric": "heat", "format": "text", "transcript_text": transcript_text(),
               "roles": {"Customer": "customer", "Agent": "learner"}, "include_transcript": false}),
    );
    client.post(
        "raw text/plain",
        "/v1/score?rubric=heat&learner=Agent",
        "text/plain",
        transcript_text(),
    );
    client.post(
        "raw text/plain, canary learner in the query",
        &format!("/v1/score?rubric=heat&learner={CANARY}"),
        "text/plain",
        format!("Customer: it broke.\n{CANARY}: I'm so sorry.\n"),
    );
    client.post("raw text/vtt", "/v1/score?rubric=heat", "text/vtt", vtt());
    client.post(
        "raw application/x-subrip",
        "/v1/score?rubric=heat",
        "application/x-subrip",
        srt(),
    );
    let canary_rubric = INLINE_RUBRIC
        .replace("I apologise", &format!("{CANARY} apologises"))
        .replace("Inline apology", &format!("Inline {CANARY}"));
    client.score(
        "inline rubric",
        json!({"rubric_source": canary_rubric, "transcript_text": transcript_text()}),
    );
    client.post(
        "validate, canary title and phrase",
        "/v1/rubrics/validate",
        "application/toml",
        &canary_rubric,
    );
    let batch = [
        json!({"id": "a", "rubric": "heat", "transcript_text": transcript_text()}).to_string(),
        format!(r#"{{"id": "b", "rubric": "heat", "transcript_text": "{CANARY}"#),
        json!({"id": "c", "rubric": "heat", "include_transcript": CANARY, "transcript_text": transcript_text()}).to_string(),
        json!({"id": "d", "rubric": "heat", "transcript_text": format!("Customer: {CANARY}\nCustomer: {CANARY}!\n")}).to_string(),
        json!({"id": "e", "rubric": "__panic", "transcript_text": transcript_text()}).to_string(),
        json!({"id": "f", "rubric": "heat", "transcript": canonical_turns()}).to_string(),
    ]
    .join("\n")
        + "\n";
    client.post(
        "batch with bad lines",
        "/v1/score/batch",
        "application/x-ndjson",
        batch,
    );

    // Requests that fail.
    client.post(
        "malformed JSON",
        "/v1/score",
        "application/json",
        format!(r#"{{"rubric": "heat", "transcript_text": "Agent: {CANARY}"#),
    );
    client.score(
        "unknown rubric",
        json!({"rubric": "nope", "transcript_text": transcript_text()}),
    );
    client.score(
        "value of the wrong type",
        json!({"rubric": "heat", "include_transcript": CANARY, "transcript_text": transcript_text()}),
    );
    client.score(
        "unknown role",
        json!({"rubric": "heat", "roles": {"Agent": CANARY}, "transcript_text": transcript_text()}),
    );
    client.score(
        "unknown format",
        json!({"rubric": "heat", "format": CANARY, "transcript_text": transcript_text()}),
    );
    client.score(
        "unknown field",
        json!({"rubric": "heat", "colour": CANARY, "transcript_text": transcript_text()}),
    );
    client.score(
        "bad turn",
        json!({"rubric": "heat", "transcript": {"turns": [{"speaker": CANARY, "text": CANARY, "role": CANARY}]}}),
    );
    client.score(
        "turn start of the wrong type",
        json!({"rubric": "heat", "transcript": {"turns": [{"speaker": CANARY, "text": CANARY, "start": CANARY}]}}),
    );
    client.post(
        "transcript JSON syntax error",
        "/v1/score?rubric=heat&format=json",
        "text/plain",
        format!(r#"{{"turns": [{{"speaker": "{CANARY}", "text": {CANARY}}}]}}"#),
    );
    client.post(
        "bad VTT timing",
        "/v1/score?rubric=heat",
        "text/vtt",
        format!("WEBVTT\n\n00:00.000 --> {CANARY}\nAgent: {CANARY}\n"),
    );
    client.score(
        "no learner, canary in the text",
        json!({"rubric": "heat", "transcript_text": format!("Customer: {CANARY}?\nClient: {CANARY}!\n")}),
    );
    client.score(
        "no learner, canary as a speaker",
        json!({"rubric": "heat", "transcript_text": format!("{CANARY}: hello\nCustomer: hi\nCaller: hey\n")}),
    );
    client.echo_allowed();
    client.score(
        "unknown learner",
        json!({"rubric": "heat", "learner": CANARY, "transcript_text": transcript_text()}),
    );
    client.echo_allowed();
    client.post(
        "invalid query value",
        &format!("/v1/score?rubric=heat&keep_cues={CANARY}"),
        "text/plain",
        transcript_text(),
    );
    client.post(
        "unsupported media type",
        "/v1/score",
        "application/xml",
        format!("<t>{CANARY}</t>"),
    );
    let mut not_utf8 = transcript_text().into_bytes();
    not_utf8.extend_from_slice(b"\xff\xfe");
    not_utf8.extend_from_slice(CANARY.as_bytes());
    client.post(
        "raw, not UTF-8",
        "/v1/score?rubric=heat",
        "text/plain",
        &not_utf8,
    );
    let mut json_not_utf8 = br#"{"rubric": "heat", "transcript_text": ""#.to_vec();
    json_not_utf8.extend_from_slice(CANARY.as_bytes());
    json_not_utf8.extend_from_slice(b"\xff\"}");
    client.post(
        "JSON, not UTF-8",
        "/v1/score",
        "application/json",
        json_not_utf8,
    );
    client.post(
        "body over max-body-bytes",
        "/v1/score?rubric=heat",
        "text/plain",
        format!("Customer: {CANARY}\n").repeat(1000),
    );
    client.score(
        "over max-turns",
        json!({"rubric": "heat", "transcript_text": format!("Customer: {CANARY}\nAgent: sorry {CANARY}\n").repeat(30)}),
    );
    client.score(
        "over max-turn-chars",
        json!({"rubric": "heat", "transcript_text": format!("Customer: it broke\nAgent: {}\n", format!("{CANARY} ").repeat(150))}),
    );
    client.score(
        "inline rubric over max-rubric-bytes",
        json!({"rubric_source": format!("title = \"{CANARY}\"\n").repeat(300), "transcript_text": transcript_text()}),
    );
    client.score(
        "inline rubric that does not compile",
        json!({"rubric_source": format!("id = \"x\"\ntitle = {CANARY}\n"), "transcript_text": transcript_text()}),
    );
    client.post(
        "validate over max-rubric-bytes",
        "/v1/rubrics/validate",
        "application/toml",
        format!("title = \"{CANARY}\"\n").repeat(300),
    );
    client.post(
        "validate, broken",
        "/v1/rubrics/validate",
        "application/toml",
        format!("id = \"x\"\ntitle = {CANARY}\n"),
    );
    client.post(
        "panic route",
        "/v1/__panic",
        "text/plain",
        transcript_text(),
    );
    client.stalled("stalled body");
}

#[test]
fn a_canary_sent_through_every_endpoint_never_reaches_the_logs_or_error_replies() {
    let server = Server::start_with(SERVE_FLAGS, &[("ROLEMARK_TEST_PANIC_ROUTE", "1")]);
    let mut client = Client {
        server: &server,
        agent: agent(),
        sent: Vec::new(),
    };

    send_everything(&mut client);
    let sent = std::mem::take(&mut client.sent);
    drop(client);
    let (stderr, stdout) = server.stop();

    // Every request did what it was meant to, so the output below comes from
    // each path, success and failure alike.
    let statuses: Vec<(&str, u16)> = sent.iter().map(|s| (s.name, s.status)).collect();
    let expected: Vec<(&str, u16)> = vec![
        ("score transcript_text", 200),
        ("score canonical JSON, canary speaker", 200),
        ("score with format and roles", 200),
        ("raw text/plain", 200),
        ("raw text/plain, canary learner in the query", 200),
        ("raw text/vtt", 200),
        ("raw application/x-subrip", 200),
        ("inline rubric", 200),
        ("validate, canary title and phrase", 200),
        ("batch with bad lines", 200),
        ("malformed JSON", 400),
        ("unknown rubric", 404),
        ("value of the wrong type", 400),
        ("unknown role", 400),
        ("unknown format", 400),
        ("unknown field", 400),
        ("bad turn", 422),
        ("turn start of the wrong type", 422),
        ("transcript JSON syntax error", 422),
        ("bad VTT timing", 422),
        ("no learner, canary in the text", 422),
        ("no learner, canary as a speaker", 422),
        ("unknown learner", 422),
        ("invalid query value", 400),
        ("unsupported media type", 415),
        ("raw, not UTF-8", 422),
        ("JSON, not UTF-8", 422),
        ("body over max-body-bytes", 413),
        ("over max-turns", 422),
        ("over max-turn-chars", 422),
        ("inline rubric over max-rubric-bytes", 422),
        ("inline rubric that does not compile", 422),
        ("validate over max-rubric-bytes", 413),
        ("validate, broken", 200),
        ("panic route", 500),
        ("stalled body", 408),
    ];
    assert_eq!(statuses, expected);
    let batch = &sent
        .iter()
        .find(|s| s.name == "batch with bad lines")
        .unwrap()
        .body;
    let batch_codes: Vec<Value> = batch
        .lines()
        .map(|l| {
            let line: Value = serde_json::from_str(l).unwrap();
            line["error"]["code"].clone()
        })
        .collect();
    assert_eq!(
        batch_codes,
        [
            Value::Null,
            json!("invalid-json"),
            json!("invalid-json"),
            json!("no-learner"),
            json!("internal-error"),
            Value::Null
        ],
        "{batch}"
    );

    // Error replies name lines, turns, fields and limits, never what was sent.
    for reply in &sent {
        let error_lines: Vec<&str> = if reply.name == "batch with bad lines" {
            reply
                .body
                .lines()
                .filter(|l| l.contains("\"error\""))
                .collect()
        } else if reply.status >= 400 {
            vec![reply.body.as_str()]
        } else {
            Vec::new()
        };
        for error in error_lines {
            assert!(
                reply.echo_allowed || !error.contains(CANARY),
                "the error reply to `{}` repeats the request: {error}",
                reply.name
            );
        }
    }

    // The output is real: trace logging was on and every route was logged.
    assert!(stderr.contains(" TRACE "), "RUST_LOG=trace took no effect");
    for route in [
        "route=/v1/score ",
        "route=/v1/score/batch ",
        "route=/v1/rubrics/validate ",
        "route=/v1/__panic ",
    ] {
        assert!(stderr.contains(route), "no access log line for {route}");
    }
    assert!(
        stderr.contains("panic in thread"),
        "the panic was not logged"
    );
    for (name, output) in [("stderr", &stderr), ("stdout", &stdout)] {
        if let Some(at) = output.find(CANARY) {
            let line_start = output[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = output[at..].find('\n').map_or(output.len(), |i| at + i);
            panic!(
                "personal data reached {name}: {}",
                &output[line_start..line_end]
            );
        }
    }
}

/// Two replies name the canary on purpose, and only to the client that sent it:
/// a transcript whose learner cannot be found lists the speaker labels it has
/// (and the learner asked for), because choosing among them is how the client
/// fixes the request. They never reach the logs.
#[test]
fn echoes_allowed_by_design() {
    let server = Server::start_with(&[], &[]);
    let mut reply = agent()
        .post(server.url("/v1/score"))
        .header("Content-Type", "application/json")
        .send(
            json!({"rubric": "heat", "transcript_text": format!("{CANARY}: hello\nCustomer: hi\nCaller: hey\n")})
                .to_string(),
        )
        .unwrap();
    let body = reply.body_mut().read_to_string().unwrap();
    let (stderr, stdout) = server.stop();

    assert!(body.contains("speakers found"), "{body}");
    assert!(!stderr.contains(CANARY) && !stdout.contains(CANARY));
}
