//! Starting the service on a free loopback port and speaking HTTP to it.
//!
//! Each test spawns its own server (its own actix `System` on a background thread),
//! so tests share no state: counters, caches and limits are the test's own.

use rolemark::engine::{Audit, Rubric, Scorer};
use rolemark::http::{Application, Limits, ServeConfig};
use rolemark::rubrics::Registry;
use rolemark::transcript::{self, Format, ParseOptions, Role, RoleHints};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub address: String,
    pub port: u16,
    pub agent: ureq::Agent,
    /// Sent as `Authorization: Bearer KEY` on every request when set.
    pub api_key: Option<String>,
}

/// The configuration tests start from: a free loopback port, two workers.
pub fn test_config() -> ServeConfig {
    ServeConfig {
        bind: "127.0.0.1:0".into(),
        workers: 2,
        ..Default::default()
    }
}

/// The configuration with some limits changed.
pub fn config_with_limits(change: impl FnOnce(&mut Limits)) -> ServeConfig {
    let mut config = test_config();
    change(&mut config.limits);
    config
}

pub fn spawn_app() -> TestApp {
    spawn_app_with(test_config())
}

pub fn spawn_app_with(config: ServeConfig) -> TestApp {
    let (port_tx, port_rx) = mpsc::channel::<Result<u16, String>>();
    std::thread::Builder::new()
        .name("rolemark-test-server".into())
        .spawn(move || {
            let result = actix_web::rt::System::new().block_on(async move {
                let app = match Application::build(config) {
                    Ok(app) => app,
                    Err(e) => {
                        let _ = port_tx.send(Err(e.to_string()));
                        return Ok(());
                    }
                };
                let _ = port_tx.send(Ok(app.port()));
                app.run_until_stopped().await
            });
            if let Err(e) = result {
                eprintln!("test server failed: {e}");
            }
        })
        .expect("server thread starts");
    let port = port_rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the server reports its port")
        .expect("the server builds");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        agent: agent(),
        api_key: None,
    }
}

/// A client that returns 4xx and 5xx responses instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// A response, read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    fn from(response: ureq::http::Response<ureq::Body>) -> Reply {
        let (parts, body) = response.into_parts();
        let mut bytes = Vec::new();
        body.into_reader()
            .read_to_end(&mut bytes)
            .expect("response body reads");
        Reply {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: bytes,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("response body is UTF-8")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.text()))
    }

    /// The body as a problem document, after checking it is one: the media type,
    /// the five members every problem has, and `status` matching the HTTP status.
    pub fn problem(&self) -> Value {
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "expected application/problem+json, got `{}` with {}: {}",
            self.content_type(),
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        let problem = self.json();
        let code = problem["code"].as_str().expect("problem has a code");
        assert_eq!(
            problem["type"].as_str(),
            Some(format!("urn:rolemark:problem:{code}").as_str()),
            "{problem}"
        );
        assert!(
            problem["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{problem}"
        );
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{problem}"
        );
        assert_eq!(
            problem["status"].as_u64(),
            Some(u64::from(self.status)),
            "{problem}"
        );
        problem
    }

    /// Checks the status and that the body is a problem with `code`, and returns it.
    pub fn expect_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let problem = self.problem();
        assert_eq!(problem["code"], code, "{problem}");
        problem
    }

    /// Checks for a 200 and returns the body as text.
    /// Asserts a 200 whose body is byte for byte the engine's own assessment of
    /// `input` (see [`engine_json`]).
    pub fn expect_engine_result(
        &self,
        rubric: &str,
        input: &str,
        format: Option<Format>,
        hints: &RoleHints,
        include_transcript: bool,
    ) {
        assert_eq!(self.status, 200, "{}", self.text());
        assert_eq!(
            self.text(),
            engine_json(rubric, input, format, hints, include_transcript)
        );
    }

    pub fn ok_text(&self) -> &str {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        self.text()
    }

    /// The non-empty lines of an NDJSON body, parsed.
    pub fn ndjson(&self) -> Vec<Value> {
        self.text()
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line ({e}): {l}"))
            })
            .collect()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The same server, sending `key` as a bearer token.
    pub fn with_key(&self, key: &str) -> TestApp {
        TestApp {
            address: self.address.clone(),
            port: self.port,
            agent: self.agent.clone(),
            api_key: Some(key.to_owned()),
        }
    }

    fn auth<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.api_key {
            Some(key) => request.header("Authorization", format!("Bearer {key}")),
            None => request,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[])
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.auth(self.agent.get(self.url(path)));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.call().expect("GET completes"))
    }

    /// A POST with a body of the given media type (`None`: no Content-Type header).
    pub fn post_with(
        &self,
        path: &str,
        content_type: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut request = self.auth(self.agent.post(self.url(path)));
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.send(body).expect("POST completes"))
    }

    pub fn post(&self, path: &str, content_type: &str, body: impl AsRef<[u8]>) -> Reply {
        self.post_with(path, Some(content_type), &[], body.as_ref())
    }

    /// `POST /v1/score` with a JSON document.
    pub fn score_json(&self, request: &Value) -> Reply {
        self.score_body(&request.to_string())
    }

    /// `POST /v1/score` with JSON text as written (for bodies `Value` cannot hold).
    pub fn score_body(&self, body: &str) -> Reply {
        self.post("/v1/score", "application/json", body)
    }

    /// `POST /v1/score?QUERY` with a raw transcript body.
    pub fn score_raw(&self, content_type: &str, query: &str, body: impl AsRef<[u8]>) -> Reply {
        self.post(&format!("/v1/score?{query}"), content_type, body)
    }

    /// `POST /v1/score/batch` with NDJSON.
    pub fn batch(&self, ndjson: &str) -> Reply {
        self.post("/v1/score/batch", "application/x-ndjson", ndjson)
    }

    /// `POST /v1/rubrics/validate` with a TOML source.
    pub fn validate(&self, source: &str) -> Reply {
        self.post("/v1/rubrics/validate", "application/toml", source)
    }
}

// Fixtures and the engine, for computing what the service should answer.

pub fn golden(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The embedded rubrics, compiled once for the whole test binary.
pub fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| Registry::embedded().expect("embedded rubrics compile"))
}

pub fn hints(learner: Option<&str>, roles: &[(&str, Role)]) -> RoleHints {
    RoleHints {
        learner: learner.map(str::to_owned),
        roles: roles
            .iter()
            .map(|(label, role)| (label.to_string(), *role))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The assessment the engine gives, serialised as the service serialises it.
pub fn engine_json_with(
    rubric: &Rubric,
    input: &str,
    format: Option<Format>,
    hints: &RoleHints,
    include_transcript: bool,
) -> String {
    let options = ParseOptions {
        format,
        keep_cues: false,
    };
    let (transcript, report) =
        transcript::parse_with(input, &options, hints).expect("fixture parses");
    let mut scorer = Scorer::new(rubric);
    if !include_transcript {
        scorer = scorer.without_transcript();
    }
    // The service records the transcript as it was sent: `input` here.
    let assessment = scorer
        .score(&transcript)
        .with_input(report)
        .with_audit(Audit::of_transcript(input));
    serde_json::to_string(&assessment).expect("assessment serialises")
}

/// [`engine_json_with`] for an embedded rubric.
pub fn engine_json(
    rubric: &str,
    input: &str,
    format: Option<Format>,
    hints: &RoleHints,
    include_transcript: bool,
) -> String {
    let rubric = registry().get(rubric).expect("embedded rubric");
    engine_json_with(rubric, input, format, hints, include_transcript)
}

/// A short role-play, one labelled turn a line; `tag` makes each one distinct.
pub fn short_roleplay(tag: &str) -> String {
    format!(
        "Customer: This is ridiculous, my refund {tag} is six weeks late.\n\
         Agent: I'm so sorry, I can hear how frustrating this has been.\n\
         Agent: Under our refund policy I've reissued it today, and I'll call you on Friday to check it has arrived.\n"
    )
}

/// A small valid rubric: one criterion, four phrases.
pub const INLINE_RUBRIC: &str = r#"id = "inline-apology"
title = "Inline apology"
version = "1"

[scoring]
met_at = 0.75
partially_met_at = 0.35
required_cap = "fail"

[[scoring.bands]]
grade = "fail"
label = "Fail"
min = 0.0

[[scoring.bands]]
grade = "pass"
label = "Pass"
min = 0.5

[lexicons.apology]
phrases = ["{I am|I'm} [so|really] sorry", "I apologise"]

[[criteria]]
id = "apology"
title = "Apologises"
rule = { says = ["apology"] }
"#;

/// A rubric with a type error at line 2, column 9.
pub const BROKEN_RUBRIC: &str = "id = \"x\"\ntitle = 3\n";

pub fn is_sha256_hex(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
