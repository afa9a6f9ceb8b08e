//! The real `rolemark serve` binary: what it logs, and how it shuts down.

use crate::helpers::{agent, engine_json, hints, short_roleplay};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A `rolemark serve` process on a free loopback port, its output captured.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

/// Copies a child's output, line by line, into a shared buffer.
fn capture(
    stream: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while reader
            .read_until(b'\n', &mut line)
            .map(|n| n > 0)
            .unwrap_or(false)
        {
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&line));
            line.clear();
        }
    })
}

const SERVING_ON: &str = "serving on http://127.0.0.1:";

impl Server {
    fn start() -> Server {
        Server::start_with(&[], &[])
    }

    /// Starts with more `serve` flags and environment variables, logging at trace.
    pub(crate) fn start_with(extra_args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rolemark"))
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2"])
            .args(extra_args)
            .env("RUST_LOG", "trace")
            .env_remove("ROLEMARK_API_KEYS")
            .env_remove("ROLEMARK_TEST_PANIC_ROUTE")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rolemark serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let stdout = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            capture(child.stderr.take().unwrap(), stderr.clone()),
            capture(child.stdout.take().unwrap(), stdout.clone()),
        ];
        let started = Instant::now();
        let port = loop {
            let found = {
                let text = stderr.lock().unwrap();
                text.find(SERVING_ON).map(|at| {
                    text[at + SERVING_ON.len()..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
            };
            if let Some(port) = found.filter(|p| !p.is_empty()) {
                break port.parse::<u16>().expect("a port number");
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "rolemark serve exited with {status}: {}",
                    stderr.lock().unwrap()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no `{SERVING_ON}` line in 60 s: {}",
                stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Server {
            child,
            port,
            stderr,
            stdout,
            readers,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name} failed");
    }

    pub(crate) fn stderr_contains(&self, text: &str) -> bool {
        self.stderr.lock().unwrap().contains(text)
    }

    /// Waits up to `limit` for the process to exit.
    fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Stops the process (SIGTERM), waits for it and returns all it wrote.
    pub(crate) fn stop(mut self) -> (String, String) {
        self.signal("TERM");
        let status = self.wait_exit(Duration::from_secs(30));
        assert!(
            status.is_some(),
            "rolemark serve did not stop within 30 s of SIGTERM"
        );
        for reader in std::mem::take(&mut self.readers) {
            reader.join().unwrap();
        }
        let stderr = self.stderr.lock().unwrap().clone();
        let stdout = self.stdout.lock().unwrap().clone();
        (stderr, stdout)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

const CANARY: &str = "zebra-canary-7781";

/// Requests of every kind, succeeding and failing, that carry the canary as
/// transcript text, speaker names or rubric text.
fn requests_with_the_canary(server: &Server) -> Vec<(String, u16)> {
    let agent = agent();
    let transcript = format!(
        "Customer: This is ridiculous, {CANARY} is six weeks late.\n\
         Agent: I'm so sorry about {CANARY}, I can hear how frustrating this has been.\n"
    );
    let score = |body: String| {
        let reply = agent
            .post(server.url("/v1/score"))
            .header("Content-Type", "application/json")
            .send(body)
            .expect("request completes");
        reply.status().as_u16()
    };
    let mut statuses = vec![
        (
            "score text".to_owned(),
            score(json!({"rubric": "heat", "transcript_text": transcript}).to_string()),
        ),
        (
            "score json".to_owned(),
            score(
                json!({"rubric": "challenging-customers", "transcript": {"turns": [
                    {"speaker": CANARY, "role": "learner", "text": format!("Hello, {CANARY} speaking.")},
                    {"speaker": "Customer", "role": "customer", "text": format!("My name is {CANARY}.")}
                ]}})
                .to_string(),
            ),
        ),
        (
            "unknown rubric".to_owned(),
            score(json!({"rubric": "nope", "transcript_text": transcript}).to_string()),
        ),
        (
            "no learner".to_owned(),
            score(
                json!({"rubric": "heat", "transcript_text": format!("Customer: {CANARY}?\nCustomer: {CANARY}!\n")})
                    .to_string(),
            ),
        ),
        (
            "unknown learner".to_owned(),
            score(json!({"rubric": "heat", "transcript_text": transcript, "learner": CANARY}).to_string()),
        ),
        (
            "bad json".to_owned(),
            score(format!(r#"{{"rubric": "heat", "transcript_text": "Agent: {CANARY}"#)),
        ),
        (
            "bad turn".to_owned(),
            score(
                json!({"rubric": "heat", "transcript": {"turns": [{"speaker": CANARY, "text": CANARY, "role": CANARY}]}})
                    .to_string(),
            ),
        ),
        (
            "unknown field".to_owned(),
            score(format!(r#"{{"rubric": "heat", "{CANARY}": "{CANARY}"}}"#)),
        ),
        (
            "inline rubric".to_owned(),
            score(
                json!({
                    "rubric_source": crate::helpers::INLINE_RUBRIC.replace("I apologise", CANARY),
                    "transcript_text": transcript
                })
                .to_string(),
            ),
        ),
    ];
    let raw = agent
        .post(server.url("/v1/score?rubric=heat&learner=Agent"))
        .header("Content-Type", "text/plain")
        .send(&transcript)
        .unwrap();
    statuses.push(("raw".to_owned(), raw.status().as_u16()));
    let mut not_utf8 = transcript.clone().into_bytes();
    not_utf8.push(0xff);
    let raw_bad = agent
        .post(server.url("/v1/score?rubric=heat"))
        .header("Content-Type", "text/plain")
        .send(&not_utf8)
        .unwrap();
    statuses.push(("raw not utf-8".to_owned(), raw_bad.status().as_u16()));
    let batch = format!(
        "{}\n{{\"rubric\": \"heat\", \"transcript_text\": \"{CANARY}\n{}\n",
        json!({"id": CANARY, "rubric": "heat", "transcript_text": transcript}),
        json!({"id": "x", "rubric": "heat", "transcript_text": format!("Customer: {CANARY}\n")}),
    );
    let mut batch_reply = agent
        .post(server.url("/v1/score/batch"))
        .header("Content-Type", "application/x-ndjson")
        .send(&batch)
        .unwrap();
    let batch_body = batch_reply.body_mut().read_to_string().unwrap();
    assert_eq!(batch_body.lines().count(), 3, "{batch_body}");
    statuses.push(("batch".to_owned(), batch_reply.status().as_u16()));
    for (name, source) in [
        ("validate broken", format!("id = \"x\"\ntitle = {CANARY}\n")),
        (
            "validate unterminated",
            format!("id = \"{CANARY}\ntitle = \"t\"\n"),
        ),
        (
            "validate unknown cue",
            crate::helpers::INLINE_RUBRIC
                .replace("says = [\"apology\"]", &format!("says = [\"{CANARY}\"]")),
        ),
    ] {
        let reply = agent
            .post(server.url("/v1/rubrics/validate"))
            .header("Content-Type", "application/toml")
            .send(&source)
            .unwrap();
        statuses.push((name.to_owned(), reply.status().as_u16()));
    }
    statuses
}

#[test]
fn the_binary_never_logs_transcript_text_even_at_trace_level() {
    let server = Server::start();

    let statuses = requests_with_the_canary(&server);

    let expected: Vec<(&str, u16)> = vec![
        ("score text", 200),
        ("score json", 200),
        ("unknown rubric", 404),
        ("no learner", 422),
        ("unknown learner", 422),
        ("bad json", 400),
        ("bad turn", 422),
        ("unknown field", 400),
        ("inline rubric", 200),
        ("raw", 200),
        ("raw not utf-8", 422),
        ("batch", 200),
        ("validate broken", 200),
        ("validate unterminated", 200),
        ("validate unknown cue", 200),
    ];
    let statuses: Vec<(&str, u16)> = statuses.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    assert_eq!(statuses, expected);
    let (stderr, stdout) = server.stop();
    // Trace logging and the access log are there, so the check below looks at real output.
    assert!(
        stderr.contains(" TRACE "),
        "RUST_LOG=trace took no effect: {stderr}"
    );
    assert!(
        stderr.contains("route=/v1/score rubric=heat status=200"),
        "{stderr}"
    );
    assert!(
        stderr.contains("route=/v1/score rubric=- status=404"),
        "{stderr}"
    );
    assert!(stderr.contains("route=/v1/score/batch"), "{stderr}");
    assert!(stderr.contains("route=/v1/rubrics/validate"), "{stderr}");
    for (name, output) in [("stderr", &stderr), ("stdout", &stdout)] {
        if let Some(at) = output.find(CANARY) {
            let line_start = output[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = output[at..].find('\n').map_or(output.len(), |i| at + i);
            panic!(
                "transcript text reached {name}: {}",
                &output[line_start..line_end]
            );
        }
    }
}

/// A batch body given out in two halves: the second only once the test says so.
struct SlowBatch {
    lines: Vec<Vec<u8>>,
    next: usize,
    half: usize,
    first_half_sent: Option<mpsc::Sender<()>>,
    release: mpsc::Receiver<()>,
}

impl Read for SlowBatch {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.next == self.half {
            if let Some(sent) = self.first_half_sent.take() {
                let _ = sent.send(());
                self.release.recv().expect("the test releases the rest");
            }
        }
        let Some(line) = self.lines.get(self.next) else {
            return Ok(0);
        };
        // One line per read, so the halves are sent as the test says.
        assert!(buf.len() >= line.len(), "a line fits the send buffer");
        buf[..line.len()].copy_from_slice(line);
        self.next += 1;
        Ok(line.len())
    }
}

fn batch_line(n: usize) -> String {
    json!({"id": format!("n-{n}"), "rubric": "heat", "transcript_text": short_roleplay(&n.to_string()), "include_transcript": false})
        .to_string()
        + "\n"
}

fn expected_batch_line(n: usize) -> String {
    let assessment = engine_json(
        "heat",
        &short_roleplay(&n.to_string()),
        None,
        &hints(None, &[]),
        false,
    );
    format!(r#"{{"line":{n},"id":"n-{n}","assessment":{assessment}}}"#)
}

fn connection_refused(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500)).is_err()
}

/// Starts a batch, sends half of it, signals the server, sends the rest: the
/// batch must be answered in full, new connections refused, and the process
/// must exit successfully.
fn in_flight_batch_survives(signal: &str) {
    const LINES: usize = 40;
    let mut server = Server::start();
    let port = server.port;
    let (sent_tx, sent_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let body = SlowBatch {
        lines: (1..=LINES).map(|n| batch_line(n).into_bytes()).collect(),
        next: 0,
        half: LINES / 2,
        first_half_sent: Some(sent_tx),
        release: release_rx,
    };
    let url = server.url("/v1/score/batch");
    let client = std::thread::spawn(move || -> Result<(u16, String), String> {
        let mut response = agent()
            .post(&url)
            .header("Content-Type", "application/x-ndjson")
            .header("Connection", "close")
            .send(ureq::SendBody::from_owned_reader(body))
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok((status, text))
    });

    sent_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the first half goes out");
    let started = Instant::now();
    while !server.stderr_contains("route=/v1/score/batch") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the batch request never reached the server"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.signal(signal);
    let started = Instant::now();
    while !connection_refused(port) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "new connections are still accepted 10 s after SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    release_tx.send(()).unwrap();

    let (status, text) = client
        .join()
        .expect("client thread")
        .unwrap_or_else(|e| panic!("the in-flight batch failed after SIG{signal}: {e}"));
    assert_eq!(status, 200);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), LINES, "{text}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(*line, expected_batch_line(i + 1));
    }
    let exit = server.wait_exit(Duration::from_secs(10));
    let exit =
        exit.unwrap_or_else(|| panic!("rolemark serve still running 10 s after the batch ended"));
    assert!(exit.success(), "rolemark serve exited with {exit}");
    assert!(connection_refused(port), "connections accepted after exit");
}

#[test]
fn sigterm_lets_an_in_flight_batch_finish_then_the_process_exits() {
    in_flight_batch_survives("TERM");
}

#[test]
fn ctrl_c_lets_an_in_flight_batch_finish_then_the_process_exits() {
    in_flight_batch_survives("INT");
}

#[test]
fn the_binary_answers_requests_and_logs_the_port_it_serves_on() {
    let server = Server::start();

    let mut reply = agent().get(server.url("/readyz")).call().unwrap();

    assert_eq!(reply.status().as_u16(), 200);
    let body: Value = serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["rubrics"], 3);
    let (stderr, _) = server.stop();
    assert!(
        stderr.contains("API docs at /docs, API keys off"),
        "{stderr}"
    );
    assert!(
        stderr.contains("route=/readyz rubric=- status=200"),
        "{stderr}"
    );
}
