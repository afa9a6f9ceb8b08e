//! Per-byte cost from a seed rubric to a 50,000-phrase one.
//!
//! The large rubric is `challenging-customers` plus one lexicon of made-up
//! three-word phrases drawn from the generated role-plays' own vocabulary, so many
//! of them share prefixes with the text and the automaton walks deep, as a big
//! real lexicon would make it.

mod support;

use criterion::{BenchmarkId, Criterion, Throughput};
use rolemark::engine::{Rubric, Scorer};
use rolemark::rubrics::EMBEDDED;
use rolemark::synth;
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;
use support::{human_bytes, PhraseList, Tally};

// The binary allocates with mimalloc (see src/main.rs); measure what it does. Its
// immediate purge, which keeps the service's memory down, costs scoring no time
// that shows (BENCHMARKS.md, "Issue 22, allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_PHRASES: usize = 50_000;
const TEXT_BYTES: usize = 1024 * 1024;
const SEED: u64 = 21;

/// The seed rubric with a lexicon appended that brings it to about `TARGET_PHRASES`.
fn large_rubric_source(base: &str, base_phrases: usize) -> String {
    let vocabulary: BTreeSet<String> = synth::roleplay(SEED + 1, 200_000)
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1)
        .map(str::to_ascii_lowercase)
        .collect();
    let vocabulary: Vec<String> = vocabulary.into_iter().collect();
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut phrases = BTreeSet::new();
    let wanted = TARGET_PHRASES.saturating_sub(base_phrases);
    while phrases.len() < wanted {
        let words: Vec<&str> = (0..3)
            .map(|_| vocabulary[rng.usize(..vocabulary.len())].as_str())
            .collect();
        phrases.insert(words.join(" "));
    }
    let mut source = String::from(base);
    source.push_str("\n[lexicons.synthetic-scale]\n");
    source.push_str("description = \"Made-up phrases that make the rubric large.\"\n");
    source.push_str("phrases = [\n");
    for phrase in &phrases {
        source.push_str(&format!("  \"{phrase}\",\n"));
    }
    source.push_str("]\n");
    source
}

struct Row {
    name: String,
    phrases: usize,
    score: Tally,
    scan: Tally,
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let (_, base) = EMBEDDED[0];
    let seed_rubric = Rubric::compile(base).expect("seed rubric compiles");
    let large_source = large_rubric_source(base, seed_rubric.phrase_count());
    let large_rubric = Rubric::compile(&large_source).expect("large rubric compiles");

    let text = synth::roleplay(SEED, TEXT_BYTES);
    let transcript = support::parse(&text);
    let haystack = support::normalised(&transcript);

    let mut group = c.benchmark_group("scale");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    group.bench_function("compile/50k-phrases", |b| {
        b.iter(|| Rubric::compile(black_box(&large_source)))
    });
    group.throughput(Throughput::Bytes(text.len() as u64));
    let mut rows = Vec::new();
    for (name, source, rubric) in [
        ("seed", base, &seed_rubric),
        ("50k", large_source.as_str(), &large_rubric),
    ] {
        let phrases = PhraseList::from_source(source);
        assert_eq!(phrases.phrase_count(), rubric.phrase_count());
        let automaton = phrases.automaton();
        let scorer = Scorer::new(rubric);
        let mut row = Row {
            name: name.to_owned(),
            phrases: rubric.phrase_count(),
            score: Tally::default(),
            scan: Tally::default(),
        };
        let size = human_bytes(text.len()).replace(' ', "");
        group.bench_function(BenchmarkId::new(format!("score/{name}"), &size), |b| {
            b.iter_custom(|n| row.score.time(n, || scorer.score(&transcript)))
        });
        group.bench_function(
            BenchmarkId::new(format!("baseline-scan/{name}"), &size),
            |b| b.iter_custom(|n| row.scan.time(n, || support::scan(&automaton, &haystack))),
        );
        rows.push(row);
    }
    group.finish();

    if support::measuring() {
        println!();
        println!(
            "per-byte cost by rubric size ({} transcript; mean over all criterion iterations)",
            human_bytes(text.len())
        );
        println!(
            "{:>6} {:>9} {:>15} {:>14} {:>8}",
            "rubric", "phrases", "score ns/byte", "scan ns/byte", "ratio"
        );
        for row in &rows {
            let (Some(score), Some(scan)) = (row.score.mean_secs(), row.scan.mean_secs()) else {
                continue;
            };
            println!(
                "{:>6} {:>9} {:>15.1} {:>14.1} {:>7.0}%",
                row.name,
                row.phrases,
                score * 1e9 / text.len() as f64,
                scan * 1e9 / text.len() as f64,
                100.0 * scan / score
            );
        }
    }
    c.final_summary();
}
