//! Several versions of a rubric, pinned by `ID@VERSION`, and reloading the
//! rubric directory on change or SIGHUP without ever serving a broken rubric.

use crate::helpers::{spawn_app_with, test_config, TestApp};
use crate::process::Server;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A server on `dir` that looks for changed files every second.
pub(crate) fn serve_polling(dir: &Path) -> TestApp {
    let mut config = test_config();
    config.rubrics_dir = Some(dir.to_owned());
    config.rubrics_poll_secs = 1;
    spawn_app_with(config)
}

pub(crate) fn rubric(version: &str, phrase: &str) -> String {
    format!(
        "id = \"mine\"\ntitle = \"Mine\"\nversion = \"{version}\"\n\
         [lexicons.thanks]\nphrases = [\"{phrase}\"]\nmust_match = [\"{phrase}.\"]\n\
         [[criteria]]\nid = \"thanks\"\ntitle = \"Thanks\"\nrule = {{ says = [\"thanks\"] }}\n"
    )
}

pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rolemark-reload-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The versions of `mine` listed, each with whether it is the latest.
pub(crate) fn versions(list: &Value) -> Vec<(String, bool)> {
    list["rubrics"]
        .as_array()
        .unwrap_or_else(|| panic!("no `rubrics` array: {list}"))
        .iter()
        .filter(|r| r["id"] == "mine")
        .map(|r| {
            (
                r["version"].as_str().unwrap().to_owned(),
                r["latest"] == true,
            )
        })
        .collect()
}

pub(crate) fn outcome(app: &TestApp, rubric: &str, text: &str) -> Value {
    let reply = app.score_json(&json!({"rubric": rubric, "transcript_text": text}));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

/// Polls `GET /v1/rubrics` until `check` holds, for up to 20 seconds.
pub(crate) fn wait_for(get: impl Fn() -> Value, check: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let list = get();
        if check(&list) {
            return list;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the rubrics did not change: {list}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(crate) fn write(dir: &Path, file: &str, text: &str) {
    // Written aside and renamed, as an editor saves, so a poll never reads half a file.
    let staging = dir.join(format!(".{file}.tmp"));
    std::fs::write(&staging, text).unwrap();
    std::fs::rename(&staging, dir.join(file)).unwrap();
}

#[test]
fn versions_are_pinned_and_a_changed_directory_is_reloaded_without_breaking() {
    let dir = temp_dir("poll");
    write(&dir, "mine-1.toml", &rubric("1.0.0", "thank you"));
    write(&dir, "mine-2.toml", &rubric("1.2.0", "cheers"));
    let app = serve_polling(&dir);
    let list = || app.get("/v1/rubrics").json();

    assert_eq!(
        versions(&list()),
        [("1.0.0".to_owned(), false), ("1.2.0".to_owned(), true)]
    );
    let latest = outcome(&app, "mine", "Agent: Cheers.\nCustomer: Bye.");
    assert_eq!(latest["rubric"]["version"], "1.2.0");
    assert_eq!(latest["criteria"][0]["outcome"], "met");
    let pinned = outcome(&app, "mine@1.0.0", "Agent: Cheers.\nCustomer: Bye.");
    assert_eq!(pinned["rubric"]["version"], "1.0.0");
    assert_eq!(pinned["criteria"][0]["outcome"], "not_met");
    app.score_json(&json!({"rubric": "mine@9", "transcript_text": "Agent: Hi.\nCustomer: Hi."}))
        .expect_problem(404, "unknown-rubric");
    assert_eq!(app.get("/v1/rubrics/mine@1.0.0").json()["version"], "1.0.0");

    // A new version is picked up without a restart.
    write(&dir, "mine-3.toml", &rubric("1.10.0", "ta"));
    wait_for(list, |l| {
        versions(l).last() == Some(&("1.10.0".to_owned(), true))
    });

    // A file that stops compiling, or whose examples fail, keeps what it gave.
    let served = app.get("/v1/rubrics/mine@1.2.0").json()["sha256"].clone();
    write(&dir, "mine-2.toml", "id = \"mine\"\nversion = [\n");
    write(
        &dir,
        "mine-3.toml",
        &rubric("1.10.0", "ta").replace("must_match = [\"ta.\"]", "must_match = [\"hello.\"]"),
    );
    write(
        &dir,
        "other.toml",
        &rubric("1.0.0", "thanks a lot").replace("\"mine\"", "\"other\""),
    );
    let list = wait_for(list, |l| {
        l["rubrics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "other")
    });
    assert_eq!(
        versions(&list),
        [
            ("1.0.0".to_owned(), false),
            ("1.2.0".to_owned(), false),
            ("1.10.0".to_owned(), true)
        ]
    );
    assert_eq!(app.get("/v1/rubrics/mine@1.2.0").json()["sha256"], served);
    let metrics = app.get("/metrics").text().to_owned();
    assert!(
        metrics.contains("rolemark_rubric_reloads_total{result=\"ok\"}")
            && metrics.contains("rolemark_rubric_reloads_total{result=\"partial\"}"),
        "{metrics}"
    );
    let kept = outcome(&app, "mine", "Agent: Ta.\nCustomer: Bye.");
    assert_eq!(
        kept["criteria"][0]["outcome"], "met",
        "the working 1.10.0 stays"
    );
}

#[test]
fn sighup_reloads_the_directory() {
    let dir = temp_dir("hup");
    write(&dir, "mine.toml", &rubric("1.0.0", "thank you"));
    let server = Server::start_with(
        &[
            "--rubrics",
            dir.to_str().unwrap(),
            "--rubrics-poll-secs",
            "0",
        ],
        &[],
    );
    let agent = crate::helpers::agent();
    let list = || -> Value {
        let body = agent
            .get(server.url("/v1/rubrics"))
            .call()
            .unwrap()
            .into_body()
            .read_to_string()
            .unwrap();
        serde_json::from_str(&body).unwrap()
    };
    write(&dir, "mine-2.toml", &rubric("2.0.0", "cheers"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        versions(&list()).len(),
        1,
        "no polling: nothing changes by itself"
    );
    server.signal("HUP");
    wait_for(list, |l| versions(l).len() == 2);
    write(&dir, "mine-2.toml", "not toml at all [");
    server.signal("HUP");
    let started = Instant::now();
    while !server.stderr_contains("rubric not reloaded") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no reload failure logged"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        versions(&list()).len(),
        2,
        "the broken file's rubric stays served"
    );
    let (stderr, _) = server.stop();
    assert!(
        stderr.contains("mine-2.toml"),
        "the log names the failing file"
    );
}
