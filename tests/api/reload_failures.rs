//! A rubric file that fails to load, at start or on a reload: the listing and
//! `/readyz` say which and why, the rest are served, and `--strict` refuses.

use crate::helpers::{spawn_app_with, test_config};
use crate::process::Server;
use crate::reload::{outcome, rubric, serve_polling, temp_dir, wait_for, write};
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BROKEN: &str = "id = \"mine\"\ntitle = \"Mine\"\nversion = [\n";

#[test]
fn a_file_that_fails_to_reload_is_listed_with_its_error_and_readyz_says_degraded() {
    let dir = temp_dir("fails");
    write(&dir, "mine.toml", &rubric("1.0.0", "thank you"));
    let app = serve_polling(&dir);
    let list = || app.get("/v1/rubrics").json();
    assert_eq!(
        app.get("/readyz").json(),
        json!({"status": "ready", "rubrics": 4})
    );

    write(&dir, "mine.toml", BROKEN);
    let listing = wait_for(list, |l| l["files"][0]["state"] == "failed");

    let failed = &listing["files"][0];
    assert_eq!(failed["file"], "mine.toml");
    assert_eq!(failed["rubrics"], json!(["mine@1.0.0"]), "kept: {failed}");
    let error = &failed["error"];
    assert_eq!(error["line"], 3, "{error}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{error}"
    );
    let ready = app.get("/readyz");
    assert_eq!(ready.status, 200, "the other rubrics are served");
    assert_eq!(
        ready.json(),
        json!({"status": "degraded", "rubrics": 4, "failing_files": ["mine.toml"]})
    );
    assert_eq!(
        outcome(&app, "mine", "Agent: Thank you.\nCustomer: Bye.")["criteria"][0]["outcome"],
        "met",
        "what the file gave before stays"
    );
    let metrics = app.get("/metrics").text().to_owned();
    assert!(
        metrics.contains("rolemark_rubric_files_failing 1"),
        "{metrics}"
    );

    write(&dir, "mine.toml", &rubric("1.0.1", "thank you"));
    wait_for(list, |l| l["files"][0]["state"] == "loaded");
    assert_eq!(app.get("/readyz").json()["status"], "ready");
    assert!(app
        .get("/metrics")
        .text()
        .contains("rolemark_rubric_files_failing 0"));
}

#[test]
fn a_broken_file_at_start_is_listed_and_the_other_rubrics_are_served() {
    let dir = temp_dir("start");
    write(&dir, "broken.toml", BROKEN);
    write(
        &dir,
        "other.toml",
        &rubric("1.0.0", "ta").replace("\"mine\"", "\"other\""),
    );
    let mut config = test_config();
    config.rubrics_dir = Some(dir.clone());
    let app = spawn_app_with(config);

    let listing = app.get("/v1/rubrics").json();
    assert_eq!(listing["files"][0]["file"], "broken.toml");
    assert_eq!(listing["files"][0]["state"], "failed");
    assert_eq!(listing["files"][0]["rubrics"], json!([]));
    assert_eq!(listing["files"][1]["state"], "loaded");
    assert_eq!(
        outcome(&app, "other", "Agent: Ta.\nCustomer: Bye.")["criteria"][0]["outcome"],
        "met"
    );
    let unknown = app
        .score_json(&json!({"rubric": "mine", "transcript_text": "Agent: Hi.\nCustomer: Hi."}))
        .expect_problem(404, "unknown-rubric");
    assert!(
        unknown["detail"]
            .as_str()
            .unwrap()
            .contains("`broken.toml` fails to load"),
        "the id's broken file is named: {unknown}"
    );
    assert_eq!(app.get("/readyz").json()["status"], "degraded");
}

#[test]
fn serve_logs_a_broken_file_at_start_and_serves_the_rest() {
    let dir = temp_dir("start-log");
    write(&dir, "broken.toml", BROKEN);
    let server = Server::start_with(&["--rubrics", dir.to_str().unwrap()], &[]);
    let (stderr, _) = server.stop();
    let line = stderr
        .lines()
        .find(|l| l.contains("rubric not loaded"))
        .unwrap_or_else(|| panic!("no log line for the broken file: {stderr}"));
    assert!(line.contains("broken.toml"), "{line}");
}

#[test]
fn serve_strict_refuses_to_start_with_a_broken_file_naming_it() {
    let dir = temp_dir("strict");
    write(&dir, "broken.toml", BROKEN);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["serve", "--strict", "--bind", "127.0.0.1:0", "--rubrics"])
        .arg(&dir)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rolemark serve starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("rolemark serve --strict did not exit within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("broken.toml") && stderr.contains("--strict"),
        "{stderr}"
    );
}
