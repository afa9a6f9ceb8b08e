//! Many parallel requests give byte-for-byte the results of serial ones.

use crate::helpers::{golden, short_roleplay, spawn_app_with, test_config, TestApp, INLINE_RUBRIC};
use serde_json::json;
use std::sync::Arc;

/// A request: path, media type and body.
type Call = (String, &'static str, String);

fn calls() -> Vec<Call> {
    let mut calls = Vec::new();
    let json_transcript = golden("good-angry.json");
    for rubric in ["challenging-customers", "complaint-handling", "heat"] {
        calls.push((
            "/v1/score".to_owned(),
            "application/json",
            format!(r#"{{"rubric":"{rubric}","transcript":{json_transcript}}}"#),
        ));
    }
    for (file, learner) in [
        ("abusive-good.txt", "Callum"),
        ("confused.txt", "Megan"),
        ("escalation.txt", "José"),
        ("heat-order.txt", "Zoë"),
        ("no-labels.txt", "Aisha"),
    ] {
        calls.push((
            "/v1/score".to_owned(),
            "application/json",
            json!({"rubric": "challenging-customers", "transcript_text": golden(file), "learner": learner}).to_string(),
        ));
    }
    calls.push((
        "/v1/score?rubric=heat&learner=Kieran".to_owned(),
        "text/plain",
        golden("solution-first.txt"),
    ));
    calls.push((
        "/v1/score".to_owned(),
        "application/json",
        json!({"rubric_source": INLINE_RUBRIC, "transcript_text": short_roleplay("inline")})
            .to_string(),
    ));
    let batch: String = (0..5)
        .map(|i| {
            json!({"id": i.to_string(), "rubric": "heat", "transcript_text": short_roleplay(&i.to_string())}).to_string()
                + "\n"
        })
        .collect();
    calls.push(("/v1/score/batch".to_owned(), "application/x-ndjson", batch));
    calls.push((
        "/v1/score".to_owned(),
        "application/json",
        r#"{"rubric":"nope","transcript_text":"x"}"#.to_owned(),
    ));
    calls
}

fn run(app: &TestApp, (path, media, body): &Call) -> (u16, Vec<u8>) {
    let reply = app.post(path, media, body);
    (reply.status, reply.body)
}

#[test]
fn parallel_requests_give_the_same_bodies_as_serial_ones() {
    let mut config = test_config();
    config.workers = 4;
    let app = Arc::new(spawn_app_with(config));
    let calls = Arc::new(calls());
    let serial: Arc<Vec<(u16, Vec<u8>)>> =
        Arc::new(calls.iter().map(|call| run(&app, call)).collect());
    assert!(serial[..serial.len() - 1]
        .iter()
        .all(|(status, _)| *status == 200));
    assert_eq!(serial.last().unwrap().0, 404);

    let threads: Vec<_> = (0..16)
        .map(|t| {
            let (app, calls, serial) = (app.clone(), calls.clone(), serial.clone());
            std::thread::spawn(move || {
                let app = TestApp {
                    agent: crate::helpers::agent(),
                    address: app.address.clone(),
                    port: app.port,
                    api_key: None,
                };
                for round in 0..3 {
                    for k in 0..calls.len() {
                        // Each thread walks the calls from its own starting point.
                        let i = (k + t + round) % calls.len();
                        let (status, body) = run(&app, &calls[i]);
                        assert_eq!(status, serial[i].0, "thread {t}, call {i}");
                        assert!(
                            body == serial[i].1,
                            "thread {t}, call {i}: the body differs from the serial one"
                        );
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a client thread panicked");
    }
}
