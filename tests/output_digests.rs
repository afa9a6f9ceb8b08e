//! Every byte of what the engine says about every role-play we hold, pinned: the
//! sha256 of each assessment's JSON, for each seed rubric over the golden
//! transcripts and for `challenging-customers` over the unseen sets (each with its
//! learner). A speed change must leave all of them as they are; a change to
//! scoring or to a rubric changes some on purpose, and then the digests are
//! re-pinned with `ROLEMARK_PIN_DIGESTS=1 cargo test --test output_digests`
//! once the golden and unseen tests say the change is the intended one.

mod support;

use rolemark::engine::Scorer;
use rolemark::transcript::{self, RoleHints};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const PINNED: &str = "tests/output-digests.tsv";
const SEED_RUBRICS: [&str; 3] = ["challenging-customers", "complaint-handling", "heat"];
const UNSEEN_SETS: [&str; 5] = ["unseen", "unseen-b", "unseen-c", "unseen-d", "unseen-e"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The digest of one assessment as JSON (no audit record: it names the
/// rolemark version, which changes with releases, not with scoring).
fn digest(rubric: &str, path: &Path, learner: Option<&str>) -> String {
    let input = std::fs::read_to_string(path).unwrap();
    let hints = RoleHints {
        learner: learner.map(str::to_owned),
        ..RoleHints::default()
    };
    let name = path.file_name().unwrap().to_string_lossy();
    let transcript = transcript::parse(&input, transcript::Format::from_extension(&name), &hints)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rubric = support::registry().get(rubric).unwrap();
    let assessment = Scorer::new(rubric).score(&transcript);
    let json = serde_json::to_vec(&assessment).expect("an assessment serialises");
    format!("{:x}", Sha256::digest(&json))
}

/// (rubric, file relative to `tests/`) -> digest, for everything pinned.
fn digests() -> BTreeMap<(String, String), String> {
    let mut found = BTreeMap::new();
    for path in support::sorted_entries(&root().join("tests/golden")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        for rubric in SEED_RUBRICS {
            let key = (rubric.to_owned(), format!("golden/{name}"));
            found.insert(key, digest(rubric, &path, None));
        }
    }
    for set in UNSEEN_SETS {
        let dir = root().join("tests").join(set);
        let table = support::summary_table(&dir.join("EXPECTED.md"));
        for (file, learner) in &table["learner (--learner)"] {
            let sha = digest("challenging-customers", &dir.join(file), Some(learner));
            let key = ("challenging-customers".to_owned(), format!("{set}/{file}"));
            found.insert(key, sha);
        }
    }
    found
}

fn written(digests: &BTreeMap<(String, String), String>) -> String {
    let mut text = String::from("# rubric\ttranscript\tsha256 of the assessment JSON\n");
    for ((rubric, file), sha) in digests {
        text.push_str(&format!("{rubric}\t{file}\t{sha}\n"));
    }
    text
}

#[test]
fn every_assessment_is_byte_for_byte_what_was_pinned() {
    let now = digests();
    assert_eq!(now.len(), 10 * 3 + 5 * 18, "every transcript is pinned");
    let path = root().join(PINNED);
    if std::env::var_os("ROLEMARK_PIN_DIGESTS").is_some() {
        std::fs::write(&path, written(&now)).unwrap();
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_default();
    let changed: Vec<String> = written(&now)
        .lines()
        .filter(|line| !pinned.lines().any(|p| p == *line))
        .map(|line| {
            line.rsplit_once('\t')
                .map_or(line, |(what, _)| what)
                .replace('\t', " ")
        })
        .collect();
    assert!(
        changed.is_empty() && pinned.lines().count() == now.len() + 1,
        "{} assessment(s) changed: {}. If scoring changed on purpose, re-pin with ROLEMARK_PIN_DIGESTS=1 cargo test --test output_digests",
        changed.len(),
        changed.join(", ")
    );
}
