//! The real `rolemark` binary: exit codes, messages and output formats.

mod support;

use std::path::PathBuf;
use support::cli::{rolemark, rolemark_stdin, stderr, temp_file};

/// A golden role-play.
fn fixture(name: &str) -> String {
    test_file("tests/golden", name)
}

/// The role-play as a transcription tool exported it.
fn format_fixture(name: &str) -> String {
    test_file("tests/fixtures", name)
}

fn test_file(dir: &str, name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join(name)
        .display()
        .to_string()
}

/// The text report of scoring `path` against the HEAT rubric.
fn heat_report(path: &str) -> String {
    let out = rolemark(&["score", "--rubric", "heat", "--format", "text", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn score_prints_the_assessment_as_json_from_any_directory() {
    let out = rolemark(&[
        "score",
        "--rubric",
        "challenging-customers",
        &fixture("good-angry.txt"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rubric"]["id"], "challenging-customers");
    assert_eq!(doc["rubric"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(doc["criteria"].as_array().unwrap().len(), 12);
    assert!(doc["transcript"]["turns"].as_array().unwrap().len() > 10);
}

#[test]
fn text_format_is_a_readable_report() {
    let text = heat_report(&fixture("heat-order.txt"));
    assert!(text.contains("Rubric: "), "{text}");
    assert!(text.contains("[MET] apologise"), "{text}");
    assert!(text.contains("Overall: "), "{text}");
}

#[test]
fn several_files_give_one_json_line_each() {
    let out = rolemark(&[
        "score",
        "--rubric",
        "heat",
        "--no-transcript",
        &fixture("good-angry.txt"),
        &fixture("good-angry.json"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["file"], fixture("good-angry.txt"));
    assert_eq!(records[1]["file"], fixture("good-angry.json"));
    let lines: Vec<&serde_json::Value> = records.iter().map(|r| &r["assessment"]).collect();
    assert!(lines[0].get("transcript").is_none());
    // The same conversation as text and as JSON scores the same.
    for (a, b) in lines[0]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .zip(lines[1]["criteria"].as_array().unwrap())
    {
        assert_eq!(
            (&a["id"], &a["outcome"], &a["score"]),
            (&b["id"], &b["outcome"], &b["score"])
        );
    }
    assert!(lines[1]["criteria"][0]["evidence"][0]["time"].is_number());
}

#[test]
fn learner_flag_names_the_learner() {
    // Names, and nothing said that tells the two apart: the CLI asks, in its own flags.
    let unclear = temp_file("unclear.txt", "Sam: Hello.\nJo: Hi there.\nSam: Right.\n");
    let without = rolemark(&["score", "--rubric", "heat", &unclear]);
    assert_eq!(without.status.code(), Some(2));
    let message = stderr(&without);
    assert!(
        message.contains("--learner") && message.contains("\"Sam\", \"Jo\""),
        "{message}"
    );
    assert!(!message.contains("`learner`"), "{message}");
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    let with = rolemark(&["score", "--rubric", "heat", "--learner", "Sam", &unclear]);
    assert!(with.status.success(), "{}", stderr(&with));
    // Named speakers who say who they are need no flag.
    let named = rolemark(&["score", "--rubric", "heat", &fixture("no-labels.txt")]);
    assert!(named.status.success(), "{}", stderr(&named));
    let doc: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(doc["input"]["roles_guessed"]["learner"], "Aisha");
}

#[test]
fn roles_that_do_not_fit_exit_2_listing_the_speakers() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["--role", "Nobody=learner"],
            "Sam: Thanks for calling, how can I help?\nJo: My order is late.\n",
            "\"Nobody\"",
        ),
        (
            &["--role", "Bob=learner", "--learner", "Agent"],
            "Agent: Hello, how can I help?\nBob: Hi.\nCustomer: My order is late.\n",
            "one learner",
        ),
        (
            &[],
            "Learner: Hello, how can I help?\nAssessor: My order is late.\n",
            "--role SPEAKER=customer",
        ),
    ];
    for (flags, transcript, says) in cases {
        let mut args = vec!["score", "--rubric", "heat"];
        args.extend_from_slice(flags);
        args.push("-");
        let out = rolemark_stdin(&args, transcript);
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let message = stderr(&out);
        assert!(message.contains(says), "{flags:?}: {message}");
        assert!(message.contains("speakers found"), "{message}");
        assert_eq!(message.trim().lines().count(), 1, "{message}");
    }
}

#[test]
fn role_flag_maps_a_speaker() {
    let out = rolemark_stdin(
        &["score", "--rubric", "heat", "--role", "Sam=learner", "-"],
        "Sam: I'm so sorry about that.\nJo: Thanks.\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["transcript"]["turns"][1]["role"], "customer");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "score".into(),
                "--rubric".into(),
                "nope".into(),
                fixture("good-angry.txt"),
            ],
            "unknown rubric",
        ),
        (
            vec![
                "score".into(),
                "--rubric".into(),
                "heat".into(),
                "/no/such/file.txt".into(),
            ],
            "cannot read",
        ),
        (
            vec![
                "score".into(),
                "--rubric".into(),
                "heat".into(),
                temp_file("empty.txt", ""),
            ],
            "no turns",
        ),
        (
            vec![
                "score".into(),
                "--rubric".into(),
                "heat".into(),
                temp_file("bad.json", "{\"turns\": [}"),
            ],
            "line 1",
        ),
        (
            vec![
                "score".into(),
                "--rubric".into(),
                "heat".into(),
                temp_file("nolabels.txt", "hello there\nhow are you\n"),
            ],
            "Speaker",
        ),
        (
            vec![
                "score".into(),
                "--rubric".into(),
                "heat".into(),
                "--input-format".into(),
                "xml".into(),
                fixture("good-angry.txt"),
            ],
            "unknown input format",
        ),
        (
            vec!["score".into(), "--rubric".into(), "heat".into()],
            "FILE",
        ),
        (
            vec![
                "rubrics".into(),
                "check".into(),
                temp_file("bad.toml", "id = \"x\"\ntitle = 3\n"),
            ],
            ":2:",
        ),
    ];
    for (args, fragment) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = rolemark(&args);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(fragment), "{args:?}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "{args:?}: {message}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let path = std::env::temp_dir().join(format!("rolemark-latin1-{}.txt", std::process::id()));
    std::fs::write(&path, b"Agent: caf\xe9\n").unwrap();
    let out = rolemark(&["score", "--rubric", "heat", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("UTF-8"), "{}", stderr(&out));
}

#[test]
fn rubrics_list_shows_the_seed_rubrics() {
    let out = rolemark(&["rubrics", "list", "--json"]);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["challenging-customers", "complaint-handling", "heat"]
    );
    let table = rolemark(&["rubrics", "list"]);
    assert!(String::from_utf8(table.stdout)
        .unwrap()
        .contains("challenging-customers"));
}

#[test]
fn rubrics_check_accepts_the_seed_rubrics() {
    for name in ["challenging-customers", "complaint-handling", "heat"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("rubrics/{name}.toml"));
        let out = rolemark(&["rubrics", "check", path.to_str().unwrap()]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(String::from_utf8(out.stdout).unwrap().contains(": ok: "));
    }
}

#[test]
fn a_rubric_file_path_can_be_scored_with() {
    let path = temp_file(
        "mine.toml",
        "id = \"mine\"\ntitle = \"Mine\"\nversion = \"1\"\n[lexicons.thanks]\nphrases = [\"thank you\"]\n[[criteria]]\nid = \"thanks\"\ntitle = \"Thanks\"\nrule = { says = [\"thanks\"] }\n",
    );
    let out = rolemark_stdin(
        &["score", "--rubric", &path, "-"],
        "Agent: Thank you for calling.\nCustomer: Hi.\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["criteria"][0]["outcome"], "met");
    assert_eq!(
        doc["criteria"][0]["evidence"][0]["quote"],
        "Thank you for calling."
    );
}

#[test]
fn the_report_says_how_the_transcript_was_read_and_who_was_guessed() {
    let report = heat_report(&format_fixture("refund-aws.json"));
    assert!(
        report.contains("Input: aws-transcribe, 12 turns, timed\n"),
        "{report}"
    );
    let guessed = report
        .lines()
        .find(|l| l.starts_with("Roles guessed: "))
        .expect("the guess is reported");
    assert!(
        guessed.contains("\"spk_0\"") && guessed.contains("confidence"),
        "{guessed}"
    );

    let out = rolemark(&["score", "--rubric", "heat", &format_fixture("refund.txt")]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["input"],
        serde_json::json!({"format": "text", "turns": 12, "timed": false})
    );
}

#[test]
fn the_file_extension_names_the_format_and_unknown_formats_list_the_known_ones() {
    // The extension decides the format, in any case.
    let srt = temp_file(
        "call.SRT",
        "1\n00:00:01,000 --> 00:00:02,000\nAgent: Hello, how can I help?\n\n2\n00:00:02,500 --> 00:00:04,000\nCustomer: My order is late.\n",
    );
    let out = rolemark(&["score", "--rubric", "heat", &srt]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["input"]["format"], "srt");
    assert_eq!(json["transcript"]["turns"][1]["start"], 2.5);

    let out = rolemark(&["score", "--rubric", "heat", "--input-format", "docx", &srt]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("unknown input format `docx`") && message.contains("vtt, srt, whisper"),
        "{message}"
    );
}

#[test]
fn a_batch_scores_every_good_file_in_order_and_records_the_bad_ones() {
    let mut files = Vec::new();
    for i in 0..70 {
        files.push(temp_file(
            &format!("batch-{i:02}.txt"),
            format!("Customer: My order {i} is late.\nAgent: I'm so sorry, I understand how frustrating that is."),
        ));
    }
    files[5] = temp_file("batch-bad.txt", "no speaker labels on this line at all");
    let mut args = vec!["score", "--rubric", "heat", "--no-transcript"];
    args.extend(files.iter().map(String::as_str));
    let out = rolemark(&args);
    assert_eq!(out.status.code(), Some(2), "a bad file fails the run");
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("1 of 70 files could not be scored"),
        "{message}"
    );
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let order: Vec<&str> = records
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(order, files.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(records[5]["error"]
        .as_str()
        .unwrap()
        .contains("batch-bad.txt"));
    assert!(records[5].get("assessment").is_none());
    assert_eq!(
        records
            .iter()
            .filter(|r| r["assessment"]["overall"].is_object())
            .count(),
        69
    );

    // One thread or many, the same bytes.
    let mut one_thread = args.clone();
    one_thread.extend(["--jobs", "1"]);
    assert_eq!(rolemark(&one_thread).stdout, out.stdout);
}

/// A rubric directory of this test process's own holding `files`.
fn rubric_dir(tag: &str, files: &[(&str, &str)]) -> String {
    let dir = std::env::temp_dir().join(format!("rolemark-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir.display().to_string()
}

const BROKEN_MINE: &str = "id = \"mine\"\ntitle = \"Mine\"\nversion = [\n";

#[test]
fn a_built_in_rubric_scores_despite_an_unrelated_broken_file_with_one_warning() {
    let dir = rubric_dir("unrelated", &[("broken.toml", BROKEN_MINE)]);
    let out = rolemark(&[
        "score",
        "--rubrics",
        &dir,
        "--rubric",
        "heat",
        &fixture("heat-order.txt"),
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("warning") && err.contains("broken.toml"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rubric"]["id"], "heat");
}

#[test]
fn the_rubric_of_a_broken_file_fails_with_exit_2_naming_the_file() {
    // Found by the id the file declares, or by its name when it is not TOML.
    for (file, text) in [
        ("broken.toml", BROKEN_MINE),
        ("mine.toml", "this is not [ toml"),
    ] {
        let dir = rubric_dir("requested", &[(file, text)]);
        let out = rolemark(&[
            "score",
            "--rubrics",
            &dir,
            "--rubric",
            "mine",
            &fixture("heat-order.txt"),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("rubric `mine`") && err.contains(file), "{err}");
    }
}

#[test]
fn rubrics_list_shows_the_rubrics_that_load_and_exits_2_naming_the_broken_file() {
    let dir = rubric_dir("list", &[("broken.toml", BROKEN_MINE)]);
    let out = rolemark(&["rubrics", "list", "--rubrics", &dir]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("heat"));
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("broken.toml"), "{err}");
}
