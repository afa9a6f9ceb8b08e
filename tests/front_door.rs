//! The engine's front door: a compiled rubric and its scorer are shared across
//! threads (the service keeps rubrics in an `Arc` and scores on every worker),
//! and an assessment is handed to whichever thread renders it.

use rolemark::engine::{Assessment, Rubric, Scorer};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn rubric_scorer_and_assessment_are_send_and_sync() {
    assert_send_sync::<Rubric>();
    assert_send_sync::<Scorer<'_>>();
    assert_send_sync::<Assessment>();
}
