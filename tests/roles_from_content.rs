//! Roles read from what people say: every transcript of the unseen role-play sets
//! and of `tests/roles` scored with no hint, against who the writer says is who.
//!
//! A wrong guess scores the customer as the learner, so none is allowed; asking
//! is allowed, and must happen where a careful reader could not tell either.
//! The right counts are ratchets: they may not fall below the figure last
//! measured. `cargo test --test roles_from_content -- --nocapture` prints the table.

use rolemark::transcript::{self, Format, Role, RoleHints, TranscriptError};
use std::collections::BTreeMap;
use std::path::Path;

/// Right guesses on `tests/roles/set-a` (of 36) and `set-b` (of 24), as last measured.
const RIGHT_FLOOR: [(&str, usize); 2] = [("set-a", 28), ("set-b", 17)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Right,
    Asked,
    Wrong,
}

/// Scores roles for `file` with no hint: right when the one learner and the one
/// customer are the ones given, asked when rolemark asks.
fn judge(file: &Path, learner: &str, customer: &str) -> Verdict {
    let input = std::fs::read_to_string(file).unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    match transcript::parse(&input, Format::from_extension(name), &RoleHints::default()) {
        Ok(transcript) => {
            let with_role = |role: Role| {
                let mut speakers: Vec<&str> = transcript
                    .turns
                    .iter()
                    .filter(|turn| turn.role == role)
                    .map(|turn| turn.speaker.as_str())
                    .collect();
                speakers.dedup();
                speakers.sort_unstable();
                speakers.dedup();
                speakers
            };
            // Diarised exports name speakers "Speaker A" where the key says "A".
            let is = |found: Vec<&str>, expected: &str| {
                found.len() == 1
                    && (found[0] == expected || found[0] == format!("Speaker {expected}"))
            };
            if is(with_role(Role::Learner), learner) && is(with_role(Role::Customer), customer) {
                Verdict::Right
            } else {
                Verdict::Wrong
            }
        }
        Err(TranscriptError::NoLearner { .. }) => Verdict::Asked,
        Err(other) => panic!("{name}: {other}"),
    }
}

/// `(file, learner, customer, ambiguous)` from a `KEY.tsv`.
fn key(dir: &Path) -> Vec<(String, String, String, bool)> {
    let text = std::fs::read_to_string(dir.join("KEY.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
                cells[6].trim() == "yes",
            )
        })
        .collect()
}

#[test]
fn roles_are_read_from_what_people_say_without_a_wrong_guess() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/roles");
    for (set, floor) in RIGHT_FLOOR {
        let dir = root.join(set);
        let mut counts: BTreeMap<Verdict, usize> = BTreeMap::new();
        let mut lines = Vec::new();
        for (file, learner, customer, ambiguous) in key(&dir) {
            let verdict = judge(&dir.join(&file), &learner, &customer);
            *counts.entry(verdict).or_default() += 1;
            lines.push(format!("{verdict:?}\t{file}\tambiguous: {ambiguous}"));
            assert_ne!(verdict, Verdict::Wrong, "{set}/{file}: a wrong guess");
            if ambiguous {
                assert_eq!(
                    verdict,
                    Verdict::Asked,
                    "{set}/{file}: nobody could tell, yet it guessed"
                );
            }
        }
        eprintln!("{set}: {counts:?}\n{}", lines.join("\n"));
        let right = counts.get(&Verdict::Right).copied().unwrap_or(0);
        assert!(
            right >= floor,
            "{set}: {right} right, under the floor of {floor}"
        );
    }
}

/// The learner column of an unseen set's `EXPECTED.md` summary table.
fn unseen_learners(dir: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join("EXPECTED.md")).unwrap();
    let header = text
        .lines()
        .find(|line| line.starts_with("| criterion |"))
        .unwrap();
    let cells = |line: &str| -> Vec<String> {
        line.trim_matches('|')
            .split('|')
            .map(|cell| cell.trim().trim_matches('`').to_string())
            .collect()
    };
    let files = cells(header);
    let learners = text
        .lines()
        .find(|line| line.starts_with("| learner ("))
        .map(cells)
        .unwrap();
    files.into_iter().zip(learners).skip(1).collect()
}

#[test]
fn every_unseen_role_play_finds_its_learner_without_being_told() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut right = 0;
    let mut refused = Vec::new();
    for set in [
        "unseen", "unseen-b", "unseen-c", "unseen-d", "unseen-e", "unseen-f", "unseen-g",
        "unseen-h", "unseen-i", "unseen-j", "unseen-k", "unseen-l", "unseen-m",
    ] {
        let dir = root.join(set);
        for (file, learner) in unseen_learners(&dir) {
            let input = std::fs::read_to_string(dir.join(&file)).unwrap();
            // A transcript whose roles are too unclear to tell is refused with a
            // message that asks for `--learner`; that is honest, a wrong guess is not.
            let transcript = match transcript::parse(
                &input,
                Format::from_extension(&file),
                &RoleHints::default(),
            ) {
                Ok(transcript) => transcript,
                Err(e) if e.to_string().contains("no learner turn found") => {
                    refused.push(format!("{set}/{file}"));
                    continue;
                }
                Err(e) => panic!("{set}/{file}: {e}"),
            };
            let learners: Vec<&str> = transcript
                .turns
                .iter()
                .filter(|turn| turn.role == Role::Learner)
                .map(|turn| turn.speaker.as_str())
                .collect();
            assert!(
                !learners.is_empty() && learners.iter().all(|s| s.eq_ignore_ascii_case(&learner)),
                "{set}/{file}: learner {learner}, found {learners:?}"
            );
            right += 1;
        }
    }
    // Of 198 role-plays (sets A-K, set K held out when this was measured), one
    // Teams call of set J, where the learner never names the organisation's side
    // plainly, is refused.
    assert!(right >= 197, "{right} learners found, refused: {refused:?}");
}
