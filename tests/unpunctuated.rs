//! Speech as cheap transcription gives it: the golden role-plays with their
//! punctuation and capitals taken out must score almost as they do written
//! (at most 1 outcome in 20 may change), and quotes must stay sentence-sized
//! (under 40 words) though the text has no full stops to cut them.

mod support;

use rolemark::engine::{Assessment, Scorer};
use rolemark::transcript::{self, RoleHints};
use std::path::PathBuf;

/// A turn's text as speech-to-text without punctuation would give it; the
/// `Name (Role):` label is kept so the roles stay the same.
fn unpunctuated(line: &str) -> String {
    let Some((label, text)) = line.split_once(": ") else {
        return line.to_owned();
    };
    let words: Vec<String> = text
        .to_lowercase()
        .replace(
            |c: char| ".,!?;:\"\u{201c}\u{201d}()\u{2014}\u{2013}-".contains(c),
            " ",
        )
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    format!("{label}: {}", words.join(" "))
}

fn score(text: &str, learner: &str) -> Assessment {
    let hints = RoleHints {
        learner: Some(learner.to_owned()),
        ..RoleHints::default()
    };
    let transcript = transcript::parse(text, None, &hints).unwrap();
    Scorer::new(support::registry().get("challenging-customers").unwrap()).score(&transcript)
}

#[test]
fn golden_role_plays_without_punctuation_keep_their_outcomes_and_short_quotes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let table = support::summary_table(&dir.join("EXPECTED.md"));
    let (mut changed, mut judged, mut longest) = (Vec::new(), 0, (0, String::new()));
    for (file, learner) in &table["learner (--learner)"] {
        if !file.ends_with(".txt") {
            continue;
        }
        let written = std::fs::read_to_string(dir.join(file)).unwrap();
        let spoken: String = written.lines().map(|l| unpunctuated(l) + "\n").collect();
        let (as_written, as_spoken) = (score(&written, learner), score(&spoken, learner));
        for (w, s) in as_written.criteria.iter().zip(&as_spoken.criteria) {
            judged += 1;
            if w.outcome != s.outcome {
                changed.push(format!(
                    "{file} {}: {:?} -> {:?}",
                    w.id, w.outcome, s.outcome
                ));
            }
            for evidence in &s.evidence {
                let words = evidence.quote.quote.split_whitespace().count();
                if words > longest.0 {
                    longest = (words, format!("{file} {}: {}", s.id, evidence.quote.quote));
                }
            }
        }
    }
    eprintln!(
        "{} of {judged} outcomes changed; longest quote {} words\n{}",
        changed.len(),
        longest.0,
        changed.join("\n")
    );
    assert!(judged >= 100, "{judged}");
    assert!(changed.len() * 20 <= judged, "{}", changed.join("\n"));
    assert!(longest.0 < 40, "{}", longest.1);
}
