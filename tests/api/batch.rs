//! `POST /v1/score/batch`: NDJSON in, NDJSON out, one result line per request line.

use crate::helpers::{
    config_with_limits, engine_json, hints, short_roleplay, spawn_app, spawn_app_with,
};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn line(id: &str, tag: &str) -> String {
    json!({"id": id, "rubric": "heat", "transcript_text": short_roleplay(tag), "include_transcript": false}).to_string()
}

/// The result line the service should give for `line(id, tag)` at line `n`.
fn expected_result(n: usize, id: &str, tag: &str) -> String {
    let assessment = engine_json("heat", &short_roleplay(tag), None, &hints(None, &[]), false);
    format!(r#"{{"line":{n},"id":"{id}","assessment":{assessment}}}"#)
}

#[test]
fn batch_gives_one_result_per_non_blank_line_in_order() {
    let app = spawn_app();
    let body = [
        line("a", "a"),
        String::new(),
        "{\"rubric\": \"heat\", oops".to_owned(),
        json!({"id": "c", "rubric": "challenging-customers", "transcript_text": short_roleplay("c")}).to_string(),
        json!({"id": "d", "rubric": "nope", "transcript_text": short_roleplay("d")}).to_string(),
        "   ".to_owned(),
        line("f", "f"),
    ]
    .join("\n")
        + "\n";

    let reply = app.batch(&body);

    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.content_type().starts_with("application/x-ndjson"),
        "{}",
        reply.content_type()
    );
    let lines: Vec<&str> = reply.text().lines().collect();
    assert_eq!(lines.len(), 5, "{}", reply.text());
    assert_eq!(lines[0], expected_result(1, "a", "a"));
    let bad: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(bad["line"], 3);
    assert!(bad.get("id").is_none(), "{bad}");
    assert!(bad.get("assessment").is_none(), "{bad}");
    assert_eq!(bad["error"]["code"], "invalid-json");
    assert_eq!(bad["error"]["status"], 400);
    assert_eq!(bad["error"]["type"], "urn:rolemark:problem:invalid-json");
    let c = engine_json(
        "challenging-customers",
        &short_roleplay("c"),
        None,
        &hints(None, &[]),
        true,
    );
    assert_eq!(
        lines[2],
        format!(r#"{{"line":4,"id":"c","assessment":{c}}}"#)
    );
    let unknown: Value = serde_json::from_str(lines[3]).unwrap();
    assert_eq!(unknown["line"], 5);
    assert_eq!(unknown["id"], "d");
    assert_eq!(unknown["error"]["code"], "unknown-rubric");
    assert_eq!(unknown["error"]["status"], 404);
    assert_eq!(lines[4], expected_result(7, "f", "f"));
}

#[test]
fn batch_reads_crlf_lines_and_a_last_line_without_a_newline() {
    let app = spawn_app();
    let body = format!("{}\r\n\r\n{}", line("one", "1"), line("two", "2"));

    let reply = app.batch(&body);

    assert_eq!(reply.status, 200, "{}", reply.text());
    let lines: Vec<&str> = reply.text().lines().collect();
    assert_eq!(
        lines,
        [
            expected_result(1, "one", "1"),
            expected_result(3, "two", "2")
        ]
    );
}

#[test]
fn batch_lines_report_transcript_and_limit_errors_and_the_rest_go_on() {
    let app = spawn_app_with(config_with_limits(|l| l.max_batch_line_bytes = 600));
    let body = [
        json!({"id": "empty", "rubric": "heat", "transcript": {"turns": []}}).to_string(),
        json!({"id": "long", "rubric": "heat", "transcript_text": short_roleplay(&"x".repeat(800))}).to_string(),
        json!({"id": "both", "rubric": "heat"}).to_string(),
        line("ok", "ok"),
    ]
    .join("\n");

    let reply = app.batch(&body);

    let results = reply.ndjson();
    assert_eq!(results.len(), 4, "{}", reply.text());
    let lines: Vec<&str> = reply.text().lines().collect();
    assert_eq!(results[0]["id"], "empty");
    assert_eq!(results[0]["error"]["code"], "empty-transcript");
    assert_eq!(results[0]["error"]["status"], 422);
    assert_eq!(results[1]["line"], 2);
    assert_eq!(results[1]["error"]["code"], "too-large");
    assert_eq!(results[1]["error"]["limit"], "max_batch_line_bytes");
    assert_eq!(results[1]["error"]["limit_value"], 600);
    assert_eq!(results[2]["id"], "both");
    assert_eq!(results[2]["error"]["code"], "missing-transcript");
    assert_eq!(lines[3], expected_result(4, "ok", "ok"));
}

#[test]
fn the_max_batch_lines_limit_gives_a_final_error_line() {
    let app = spawn_app_with(config_with_limits(|l| l.max_batch_lines = 3));
    let body: String = (1..=6)
        .map(|i| line(&format!("n{i}"), &i.to_string()) + "\n")
        .collect();

    let reply = app.batch(&body);

    assert_eq!(reply.status, 200);
    let lines: Vec<&str> = reply.text().lines().collect();
    assert_eq!(lines.len(), 4, "{}", reply.text());
    for i in 1..=3 {
        assert_eq!(
            lines[i - 1],
            expected_result(i, &format!("n{i}"), &i.to_string())
        );
    }
    let last: Value = serde_json::from_str(lines[3]).unwrap();
    assert_eq!(last["line"], 4);
    assert_eq!(last["error"]["code"], "limit-exceeded");
    assert_eq!(last["error"]["limit"], "max_batch_lines");
    assert_eq!(last["error"]["limit_value"], 3);
}

#[test]
fn batch_refuses_a_body_that_is_not_ndjson_with_415() {
    let app = spawn_app();

    let json = app.post("/v1/score/batch", "application/json", line("a", "a"));
    let text = app.post("/v1/score/batch", "text/plain", line("a", "a"));

    json.expect_problem(415, "unsupported-media-type");
    text.expect_problem(415, "unsupported-media-type");
}

#[test]
fn batch_accepts_the_other_ndjson_media_types() {
    let app = spawn_app();
    for media in [
        "application/ndjson",
        "application/jsonl",
        "application/x-ndjson; charset=utf-8",
    ] {
        let reply = app.post("/v1/score/batch", media, line("a", "a"));
        assert_eq!(reply.status, 200, "{media}");
        assert_eq!(
            reply.text().trim_end(),
            expected_result(1, "a", "a"),
            "{media}"
        );
    }
}

#[test]
fn an_empty_batch_gives_an_empty_response() {
    let app = spawn_app();

    let reply = app.batch("\n\n");

    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "");
}

/// Makes NDJSON batch lines on demand, so the request body never exists whole.
struct BatchSource {
    next: usize,
    count: usize,
    pending: Vec<u8>,
}

/// Every 100th line is malformed; the others are distinct role-plays.
fn batch_line(n: usize) -> String {
    if n.is_multiple_of(100) {
        format!("{{\"id\": \"n-{n}\", oops\n")
    } else {
        line(&format!("n-{n}"), &(n % 7).to_string()) + "\n"
    }
}

impl Read for BatchSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.is_empty() && self.next <= self.count {
            self.pending = batch_line(self.next).into_bytes();
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// Posts `count` generated lines as a streamed body (no length known up front)
/// and returns the 200 response, its body not yet read.
fn stream_batch(app: &crate::helpers::TestApp, count: usize) -> ureq::http::Response<ureq::Body> {
    let source = BatchSource {
        next: 1,
        count,
        pending: Vec::new(),
    };
    let response = app
        .agent
        .post(app.url("/v1/score/batch"))
        .header("Content-Type", "application/x-ndjson")
        .send(ureq::SendBody::from_owned_reader(source))
        .expect("batch completes");
    assert_eq!(response.status().as_u16(), 200);
    response
}

#[test]
fn a_large_batch_streams_from_a_reader_and_answers_every_line_in_order() {
    const LINES: usize = 2_000;
    let app = spawn_app();
    let expected: Vec<String> = (0..7)
        .map(|tag| {
            engine_json(
                "heat",
                &short_roleplay(&tag.to_string()),
                None,
                &hints(None, &[]),
                false,
            )
        })
        .collect();
    let response = stream_batch(&app, LINES);
    let reader = BufReader::new(response.into_body().into_reader());
    let mut n: usize = 0;
    for result in reader.lines() {
        let result = result.expect("a result line");
        n += 1;
        if n.is_multiple_of(100) {
            let value: Value = serde_json::from_str(&result).unwrap();
            assert_eq!(value["line"], n);
            assert_eq!(value["error"]["code"], "invalid-json", "{result}");
        } else {
            assert_eq!(
                result,
                format!(
                    r#"{{"line":{n},"id":"n-{n}","assessment":{}}}"#,
                    expected[n % 7]
                )
            );
        }
    }
    assert_eq!(n, LINES);
}

/// Reads one chunk of a chunked HTTP/1.1 body; `None` at the last chunk.
fn read_chunk(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut size_line = String::new();
    reader.read_line(&mut size_line).expect("chunk size");
    let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap(), 16)
        .expect("hex chunk size");
    let mut chunk = vec![0; size + 2];
    reader.read_exact(&mut chunk).expect("chunk data");
    chunk.truncate(size);
    (size > 0).then_some(chunk)
}

#[test]
fn batch_results_arrive_while_the_request_body_is_still_being_sent() {
    let app = spawn_app();
    let stream = TcpStream::connect(("127.0.0.1", app.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    write!(
        writer,
        "POST /v1/score/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut send_line = |n: usize| {
        let data = line(&format!("n-{n}"), &n.to_string()) + "\n";
        write!(writer, "{:x}\r\n{data}\r\n", data.len()).unwrap();
        writer.flush().unwrap();
    };

    // The first line goes out and its result comes back before any more is sent.
    send_line(1);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let mut chunked = false;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        if header == "\r\n" {
            break;
        }
        chunked |= header
            .to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked");
    }
    assert!(chunked, "a streamed response has no length");
    let mut received = Vec::new();
    while !received.ends_with(b"\n") {
        received.extend(read_chunk(&mut reader).expect("a chunk before the end"));
    }
    assert_eq!(
        String::from_utf8(received).unwrap().trim_end(),
        expected_result(1, "n-1", "1")
    );

    // Then the rest, and the end of the body.
    for n in 2..=5 {
        send_line(n);
    }
    write!(writer, "0\r\n\r\n").unwrap();
    writer.flush().unwrap();
    let mut rest = Vec::new();
    while let Some(chunk) = read_chunk(&mut reader) {
        rest.extend(chunk);
    }
    let rest = String::from_utf8(rest).unwrap();
    let lines: Vec<&str> = rest.lines().collect();
    let expected: Vec<String> = (2..=5)
        .map(|n| expected_result(n, &format!("n-{n}"), &n.to_string()))
        .collect();
    assert_eq!(lines, expected);
}

#[test]
fn the_max_batch_lines_limit_is_reported_when_far_more_lines_are_sent() {
    let app = spawn_app_with(config_with_limits(|l| l.max_batch_lines = 10));
    let mut response = stream_batch(&app, 5_000);
    let text = response.body_mut().read_to_string().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11, "{text}");
    let last: Value = serde_json::from_str(lines[10]).unwrap();
    assert_eq!(last["line"], 11);
    assert_eq!(last["error"]["limit"], "max_batch_lines");
}

/// `rolemark score --batch FILE` reads the same lines as the batch endpoint and
/// answers each in the same shape, with the same assessments and problems.
#[test]
fn the_cli_batch_answers_as_the_batch_endpoint_does() {
    let app = spawn_app();
    let lines = [
        json!({"id": "a", "rubric": "heat", "transcript_text": short_roleplay("a"), "include_transcript": false}).to_string(),
        String::new(),
        json!({"id": "b", "rubric": "challenging-customers", "transcript_text": short_roleplay("b"), "include_transcript": false}).to_string(),
        "{not json".to_string(),
        json!({"id": "c", "rubric": "no-such-rubric", "transcript_text": short_roleplay("c")}).to_string(),
        json!({"id": "d", "rubric": "heat", "transcript_text": "no labels at all"}).to_string(),
        json!({"id": "e", "transcript_text": short_roleplay("e"), "include_transcript": false}).to_string(),
    ];
    let ndjson = lines.join("\n") + "\n";
    let path = std::env::temp_dir().join(format!("rolemark-batch-{}.ndjson", std::process::id()));
    std::fs::write(&path, &ndjson).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["score", "--rubric", "heat", "--batch"])
        .arg(&path)
        .output()
        .expect("rolemark runs");
    assert_eq!(output.status.code(), Some(2), "bad lines fail the run");
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("3 of 6 request lines could not be scored"),
        "{message}"
    );
    let from_cli: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    // The service has no default rubric: line "e" names none, so it is left out there.
    let served: Vec<&String> = lines.iter().filter(|l| !l.contains("\"e\"")).collect();
    let reply = app.batch(
        &(served
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"),
    );
    let from_api = reply.ndjson();
    assert_eq!(from_cli.len(), 6);
    assert_eq!(from_api.len(), 5);
    for (cli, api) in from_cli.iter().zip(&from_api) {
        assert_eq!(cli, api, "line {}", cli["line"]);
    }
    let lines_and_ids: Vec<(u64, &str, bool)> = from_cli
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["id"].as_str().unwrap_or(""),
                r["assessment"].is_object(),
            )
        })
        .collect();
    assert_eq!(
        lines_and_ids,
        vec![
            (1, "a", true),
            (3, "b", true),
            (4, "", false),
            (5, "c", false),
            (6, "d", false),
            (7, "e", true)
        ]
    );
    assert_eq!(
        from_cli[5]["assessment"]["rubric"]["id"], "heat",
        "--rubric is the default"
    );
    assert_eq!(from_cli[3]["error"]["code"], "unknown-rubric");
}

/// The CLI's `score --batch` reads the same lines as the service and must give
/// the same results, byte for byte: scenario briefs, overrides, dates, roles and
/// errors included (it once dropped the scenario and the overrides).
#[test]
fn cli_batch_and_http_batch_give_byte_identical_results_for_the_same_lines() {
    let scenario_line = json!({
        "id": "scenario",
        "rubric": "challenging-customers",
        "transcript_text": "Customer: You've overcharged me for months and I'm furious.\nAgent: I'm really sorry. Under the Northway Promise I can refund £80 to your account today.",
        "scenario": {
            "organisation": "Northway Energy",
            "policies": ["Northway Promise"],
            "authority_limit": "refunds up to £50",
        },
        "date": "2026-11-27",
        "learner_id": "C-1042",
    });
    let override_line = json!({
        "id": "override",
        "rubric": "challenging-customers",
        "transcript_text": short_roleplay("o"),
        // Timed by the client: an untimed override takes the time of scoring,
        // which two processes need not share.
        "overrides": [
            {"criterion": "empathy", "outcome": "not_met", "comment": "Empathy only after the fix.",
             "assessor": "AS-0107", "at": "2026-11-27T14:05:00Z"}
        ],
    });
    let roles_line = json!({
        "rubric": "heat",
        "transcript_text": "Priya: Good morning, how can I help?\nMr Davis: My refund is late.\nPriya: I'm so sorry about that.",
        "learner": "Priya",
        "include_transcript": false,
    });
    let lines = [
        scenario_line.to_string(),
        override_line.to_string(),
        roles_line.to_string(),
        line("heat", "h"),
        json!({"id": "bad-override", "rubric": "heat", "transcript_text": short_roleplay("x"),
               "overrides": [{"criterion": "nope", "outcome": "met", "comment": "?", "assessor": "AS-0107"}]})
        .to_string(),
        json!({"id": "unknown", "rubric": "nope", "transcript_text": short_roleplay("u")})
            .to_string(),
        "{\"rubric\": \"heat\", oops".to_owned(),
    ];
    let body = lines.join("\n") + "\n";

    let over_http = spawn_app().batch(&body);
    let from_cli = cli_batch(&body);

    assert_eq!(over_http.status, 200);
    let results = over_http.ndjson();
    assert_eq!(results.len(), lines.len(), "{}", over_http.text());
    assert_eq!(
        results[0]["assessment"]["scenario"]["organisation"],
        "Northway Energy"
    );
    let audit = &results[0]["assessment"]["audit"];
    assert_eq!(audit["learner_id"], "C-1042");
    assert_eq!(audit["date"], "2026-11-27");
    assert_eq!(audit["rolemark_version"], env!("CARGO_PKG_VERSION"));
    assert!(results[1]["assessment"]["overall_after_overrides"].is_object());
    let empathy = results[1]["assessment"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "empathy")
        .unwrap()
        .clone();
    assert_eq!(empathy["assessor_override"]["assessor"], "AS-0107");
    assert_eq!(empathy["assessor_override"]["at"], "2026-11-27T14:05:00Z");
    assert_eq!(results[4]["error"]["code"], "invalid-override");
    assert_eq!(results[5]["error"]["code"], "unknown-rubric");
    assert_eq!(results[6]["error"]["code"], "invalid-json");
    // Some lines fail, so the CLI says so in its exit status.
    assert_eq!(from_cli.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(from_cli.stdout).unwrap(),
        over_http.text()
    );
}

#[test]
fn cli_batch_needs_no_rubric_flag_when_every_line_names_its_rubric() {
    let output = cli_batch(&(line("a", "a") + "\n"));

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        expected_result(1, "a", "a") + "\n"
    );
}

/// `rolemark score --batch -` with `body` on its standard input.
fn cli_batch(body: &str) -> std::process::Output {
    let mut cli = std::process::Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["score", "--batch", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    cli.stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    cli.wait_with_output().unwrap()
}

fn batch_with_accept(
    app: &crate::helpers::TestApp,
    accept: &str,
    body: &str,
) -> crate::helpers::Reply {
    app.post_with(
        "/v1/score/batch",
        Some("application/x-ndjson"),
        &[("Accept", accept)],
        body.as_bytes(),
    )
}

#[test]
fn batch_answers_in_csv_when_asked_a_row_per_criterion_and_one_per_failed_line() {
    let app = spawn_app();
    let body = [
        line("a", "a"),
        json!({"rubric": "nope", "transcript_text": short_roleplay("b")}).to_string(),
        line("c", "c"),
    ]
    .join("\n");
    let reply = batch_with_accept(&app, "text/csv", &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.content_type().starts_with("text/csv"),
        "{}",
        reply.content_type()
    );
    let mut reader = csv::Reader::from_reader(reply.text().as_bytes());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let criteria = crate::helpers::registry()
        .get("heat")
        .unwrap()
        .criteria()
        .len();
    assert_eq!(
        rows.len(),
        2 * criteria + 1,
        "every criterion of a and c, one row for line 2"
    );
    let named: Vec<&str> = rows.iter().map(|r| &r[column("file")]).collect();
    assert!(named[..criteria].iter().all(|n| *n == "a"), "{named:?}");
    assert_eq!(named[criteria], "line 2");
    assert!(
        rows[criteria][column("error")].contains("nope"),
        "{:?}",
        rows[criteria]
    );
    assert!(named[criteria + 1..].iter().all(|n| *n == "c"), "{named:?}");
    // The same outcomes as the result lines.
    let lines = app.batch(&body).ndjson();
    for (at, criterion) in lines[0]["assessment"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(
            rows[at][column("criterion_id")],
            criterion["id"].as_str().unwrap().to_owned()
        );
        assert_eq!(
            rows[at][column("outcome")],
            criterion["outcome"].as_str().unwrap().to_owned()
        );
    }
}

#[test]
fn batch_negotiates_its_line_rendering() {
    let app = spawn_app();
    let body = line("a", "a");
    // NDJSON for NDJSON, JSON and anything; CSV only when it ranks first.
    for accept in [
        "application/x-ndjson",
        "application/json",
        "*/*",
        "text/csv;q=0.5, application/x-ndjson",
    ] {
        let reply = batch_with_accept(&app, accept, &body);
        assert_eq!(reply.status, 200, "{accept}: {}", reply.text());
        assert_eq!(reply.content_type(), "application/x-ndjson", "{accept}");
    }
    let reply = batch_with_accept(&app, "text/html", &body);
    let problem = reply.expect_problem(406, "not-acceptable");
    assert!(
        problem["detail"].as_str().unwrap().contains("text/csv"),
        "{problem}"
    );
    // An empty batch in CSV is the header alone.
    let empty = batch_with_accept(&app, "text/csv", "");
    assert_eq!(empty.status, 200);
    assert_eq!(empty.text().lines().count(), 1, "{}", empty.text());
    assert!(
        empty.text().starts_with("file,learner,"),
        "{}",
        empty.text()
    );
}
