//! Which versions a running service keeps when rubric files are edited, deleted
//! or clash: files are changed under the server and the listing is polled.

use crate::reload::{outcome, rubric, serve_polling, temp_dir, versions, wait_for, write};
use serde_json::{json, Value};

/// The listed version `mine@version`.
fn listed<'a>(list: &'a Value, version: &str) -> &'a Value {
    list["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "mine" && r["version"] == version)
        .unwrap_or_else(|| panic!("mine@{version} is not listed: {list}"))
}

/// The listed state of the file `name`.
fn file<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {list}"))
}

const CHEERS: &str = "Agent: Cheers.\nCustomer: Bye.";

#[test]
fn a_pinned_version_stays_served_after_its_file_is_edited_to_a_new_version() {
    let dir = temp_dir("edit");
    write(&dir, "mine.toml", &rubric("1.0.0", "thank you"));
    let app = serve_polling(&dir);
    let list = || app.get("/v1/rubrics").json();
    let first = listed(&list(), "1.0.0")["sha256"].clone();

    write(&dir, "mine.toml", &rubric("1.1.0", "cheers"));
    let list = wait_for(list, |l| versions(l).len() == 2);

    assert_eq!(
        versions(&list),
        [("1.0.0".to_owned(), false), ("1.1.0".to_owned(), true)]
    );
    let kept = listed(&list, "1.0.0");
    assert_eq!(kept["state"], "removed", "{kept}");
    assert_eq!(kept["source"], "mine.toml", "{kept}");
    assert_eq!(kept["sha256"], first);
    assert_eq!(listed(&list, "1.1.0")["state"], "current");
    assert_eq!(
        file(&list, "mine.toml"),
        &json!({"file": "mine.toml", "state": "loaded", "rubrics": ["mine@1.1.0"]})
    );
    let pinned = outcome(&app, "mine@1.0.0", CHEERS);
    assert_eq!(pinned["rubric"]["version"], "1.0.0");
    assert_eq!(pinned["rubric"]["sha256"], first);
    assert_eq!(
        pinned["criteria"][0]["outcome"], "not_met",
        "the old content"
    );
    let latest = outcome(&app, "mine", CHEERS);
    assert_eq!(latest["rubric"]["version"], "1.1.0");
    assert_eq!(latest["criteria"][0]["outcome"], "met");
    assert_eq!(app.get("/v1/rubrics/mine@1.0.0").json()["sha256"], first);
}

#[test]
fn a_deleted_file_keeps_its_versions_for_pinned_requests_only() {
    let dir = temp_dir("delete");
    write(&dir, "mine.toml", &rubric("1.0.0", "thank you"));
    write(
        &dir,
        "other.toml",
        &rubric("1.0.0", "ta").replace("\"mine\"", "\"other\""),
    );
    let app = serve_polling(&dir);
    let list = || app.get("/v1/rubrics").json();

    std::fs::remove_file(dir.join("mine.toml")).unwrap();
    let list = wait_for(list, |l| l["files"].as_array().unwrap().len() == 1);

    let kept = listed(&list, "1.0.0");
    assert_eq!(kept["state"], "removed", "{kept}");
    assert_eq!(kept["latest"], false, "{kept}");
    let pinned = outcome(&app, "mine@1.0.0", "Agent: Thank you.\nCustomer: Bye.");
    assert_eq!(pinned["criteria"][0]["outcome"], "met");
    // Naming only the id gets what a restart would serve: nothing.
    let unpinned = app
        .score_json(&json!({"rubric": "mine", "transcript_text": CHEERS}))
        .expect_problem(404, "unknown-rubric");
    assert!(
        !unpinned["detail"].as_str().unwrap().contains("mine,"),
        "a removed id is not offered: {unpinned}"
    );
}

#[test]
fn two_files_with_one_version_and_other_content_are_an_error_naming_both() {
    let dir = temp_dir("clash");
    write(&dir, "a.toml", &rubric("1.0.0", "thank you"));
    write(&dir, "b.toml", &rubric("1.0.0", "cheers"));
    let app = serve_polling(&dir);
    let list = app.get("/v1/rubrics").json();

    // At start the first file by name keeps the version, the second fails.
    assert_eq!(file(&list, "a.toml")["state"], "loaded");
    let clash = file(&list, "b.toml");
    assert_eq!(clash["state"], "failed", "{clash}");
    assert_eq!(clash["rubrics"], json!([]), "{clash}");
    let error = clash["error"]["message"].as_str().unwrap();
    assert!(
        error.contains("mine@1.0.0") && error.contains("a.toml"),
        "names the version and the other file: {error}"
    );
    assert_eq!(
        outcome(&app, "mine@1.0.0", CHEERS)["criteria"][0]["outcome"],
        "not_met",
        "a.toml's content is served"
    );
    let ready = app.get("/readyz");
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["failing_files"], json!(["b.toml"]));
}

#[test]
fn a_new_file_may_not_give_other_content_to_a_version_kept_for_pinned_requests() {
    let dir = temp_dir("clash-kept");
    write(&dir, "a.toml", &rubric("1.0.0", "thank you"));
    let app = serve_polling(&dir);
    let list = || app.get("/v1/rubrics").json();
    let first = listed(&list(), "1.0.0")["sha256"].clone();
    write(&dir, "a.toml", &rubric("1.1.0", "ta"));
    wait_for(list, |l| versions(l).len() == 2);

    // 1.0.0 is no file's now, but pinned requests still get a.toml's old content.
    write(&dir, "0-b.toml", &rubric("1.0.0", "cheers"));
    let listing = wait_for(list, |l| l["files"].as_array().unwrap().len() == 2);

    let clash = file(&listing, "0-b.toml");
    assert_eq!(clash["state"], "failed", "{clash}");
    let error = clash["error"]["message"].as_str().unwrap();
    assert!(
        error.contains("mine@1.0.0") && error.contains("a.toml"),
        "{error}"
    );
    assert_eq!(listed(&listing, "1.0.0")["sha256"], first);
    assert_eq!(
        outcome(&app, "mine@1.0.0", CHEERS)["criteria"][0]["outcome"],
        "not_met"
    );

    // The same content under another name is a rename, not a clash.
    write(&dir, "0-b.toml", &rubric("1.0.0", "thank you"));
    let list = wait_for(list, |l| file(l, "0-b.toml")["state"] == "loaded");
    assert_eq!(listed(&list, "1.0.0")["source"], "0-b.toml");
    assert_eq!(listed(&list, "1.0.0")["state"], "current");
}

#[test]
fn editing_a_file_without_a_new_version_serves_the_new_content_with_a_warning() {
    let dir = temp_dir("unbumped");
    write(&dir, "mine.toml", &rubric("1.0.0", "thank you"));
    let app = serve_polling(&dir);
    let list = || app.get("/v1/rubrics").json();
    let first = listed(&list(), "1.0.0")["sha256"].clone();

    write(&dir, "mine.toml", &rubric("1.0.0", "cheers"));
    let list = wait_for(list, |l| listed(l, "1.0.0")["sha256"] != first);

    assert_eq!(listed(&list, "1.0.0")["replaced_sha256"], first);
    let warnings = file(&list, "mine.toml")["warnings"].clone();
    assert!(
        warnings[0]
            .as_str()
            .is_some_and(|w| w.contains("mine@1.0.0") && w.contains("under the same version")),
        "{warnings}"
    );
    assert_eq!(
        outcome(&app, "mine@1.0.0", CHEERS)["criteria"][0]["outcome"],
        "met"
    );

    // The warning stays through reloads for other files, while the content stays.
    write(
        &dir,
        "other.toml",
        &rubric("1.0.0", "ta").replace("\"mine\"", "\"other\""),
    );
    let list = wait_for(
        || app.get("/v1/rubrics").json(),
        |l| l["files"].as_array().unwrap().len() == 2,
    );
    assert_eq!(file(&list, "mine.toml")["warnings"], warnings);
}
