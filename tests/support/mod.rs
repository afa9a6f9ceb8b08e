//! Shared by the integration tests that score in-process: the compiled seed
//! rubrics and the evidence contract.

// Each test file is its own crate and uses only part of this module.
#![allow(dead_code)]

pub mod cli;
pub mod xapi;

use rolemark::engine::{Assessment, Evidence, Quote, Scorer};
use rolemark::rubrics::Registry;
use rolemark::transcript::Transcript;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The embedded rubrics, compiled once for the whole test binary.
pub fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| Registry::embedded().expect("embedded rubrics compile"))
}

/// The evidence of `criterion` of the seed rubric `rubric` on `exchange`, a
/// short role-play in the `Speaker: text` format.
pub fn seed_evidence(rubric: &str, exchange: &str, criterion: &str) -> Vec<Evidence> {
    let transcript =
        rolemark::transcript::parse(exchange, None, &Default::default()).expect("exchange parses");
    let rubric = registry().get(rubric).expect("seed rubric");
    Scorer::new(rubric)
        .score(&transcript)
        .criteria
        .into_iter()
        .find(|c| c.id == criterion)
        .expect("criterion exists")
        .evidence
}

/// Every quote of an assessment: the evidence of criteria and customer behaviour,
/// and the turns that evidence responds to.
pub fn all_quotes(assessment: &Assessment) -> Vec<&Quote> {
    let criteria = assessment.criteria.iter().flat_map(|c| c.evidence.iter());
    let behaviours = assessment
        .customer_behaviour
        .iter()
        .flat_map(|b| b.evidence.iter());
    criteria
        .chain(behaviours)
        .flat_map(|e| std::iter::once(&e.quote).chain(e.responds_to.as_ref()))
        .collect()
}

/// The evidence contract: each quote is the exact `[start, end)` slice, in
/// Unicode scalar values, of its turn's text, with the turn's speaker and role.
/// Returns how many quotes were checked; `context` names the case in failures.
/// Char offsets become byte offsets once per turn, so a 10 MB turn costs one
/// pass rather than one per quote.
pub fn assert_quotes_exact(
    transcript: &Transcript,
    assessment: &Assessment,
    context: &str,
) -> usize {
    let mut byte_offsets: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    let quotes = all_quotes(assessment);
    for quote in &quotes {
        let turn = &transcript.turns[quote.turn];
        let offsets = byte_offsets.entry(quote.turn).or_insert_with(|| {
            turn.text
                .char_indices()
                .map(|(at, _)| at)
                .chain(std::iter::once(turn.text.len()))
                .collect()
        });
        assert!(
            quote.start <= quote.end && (quote.end as usize) < offsets.len(),
            "{context}: {quote:?}"
        );
        let (start, end) = (offsets[quote.start as usize], offsets[quote.end as usize]);
        assert_eq!(
            &turn.text[start..end],
            quote.quote,
            "{context}: turn {}",
            quote.turn
        );
        assert_eq!(quote.speaker, turn.speaker, "{context}");
        assert_eq!(quote.role, turn.role, "{context}");
    }
    quotes.len()
}

/// The entries of a test data directory, in name order so that failures repeat.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    paths.sort();
    paths
}

/// The summary table of an assessor's `EXPECTED.md` (golden or unseen role-plays):
/// row name -> (fixture file -> cell), markdown emphasis and code marks removed.
pub fn summary_table(path: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let doc = std::fs::read_to_string(path).unwrap();
    let section = doc
        .split("## Summary")
        .nth(1)
        .expect("EXPECTED.md has a Summary section");
    let rows: Vec<Vec<String>> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.replace(['*', '`'], "").trim().to_owned())
                .collect()
        })
        .collect();
    let files = &rows[0][1..];
    rows[2..]
        .iter()
        .map(|row| {
            let cells = files
                .iter()
                .cloned()
                .zip(row[1..].iter().cloned())
                .collect();
            (row[0].clone(), cells)
        })
        .collect()
}
