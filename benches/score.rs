//! Compile and score, on generated role-plays (see `rolemark::synth`), against a bare
//! aho-corasick scan of the same normalised text with the same phrases.
//!
//! `cargo bench --bench score` prints, after criterion's own report, each size's
//! scoring and scanning throughput and their ratio, measured over the same samples.

mod support;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use rolemark::engine::{Rubric, Scorer};
use rolemark::report::{self, ReportContext, XapiContext};
use rolemark::rubrics::EMBEDDED;
use rolemark::synth;
use std::hint::black_box;
use std::time::Duration;
use support::{human_bytes, parse, PhraseList, Tally};

// The binary allocates with mimalloc (see src/main.rs); measure what it does. Its
// immediate purge, which keeps the service's memory down, costs scoring no time
// that shows (BENCHMARKS.md, "Issue 22, allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUBRIC: &str = "challenging-customers.toml";
/// The typical role-play: about 40 turns, 4 KB.
const TYPICAL_BYTES: usize = 4096;
const TYPICAL_SEED: u64 = 1;
const LARGE_SIZES: [usize; 3] = [1024, 100 * 1024, 10 * 1024 * 1024];
const LARGE_SEED: u64 = 5;

fn source(file: &str) -> &'static str {
    EMBEDDED
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, source)| *source)
        .expect("embedded rubric")
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    for (file, source) in EMBEDDED {
        let id = file.trim_end_matches(".toml");
        group.bench_function(id, |b| b.iter(|| Rubric::compile(black_box(source))));
    }
    group.finish();
}

fn typical(c: &mut Criterion) {
    let rubric = Rubric::compile(source(RUBRIC)).expect("seed rubric compiles");
    let scorer = Scorer::new(&rubric);
    let text = synth::roleplay(TYPICAL_SEED, TYPICAL_BYTES);
    let transcript = parse(&text);
    let phrases = PhraseList::from_source(source(RUBRIC));
    let automaton = phrases.automaton();
    let haystack = support::normalised(&transcript);
    if support::measuring() {
        println!(
            "typical role-play: {} turns, {} bytes, {} phrases ({} patterns searched)",
            transcript.turns.len(),
            text.len(),
            phrases.phrase_count(),
            phrases.patterns.len()
        );
    }

    let mut group = c.benchmark_group("typical");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("score/challenging-customers", |b| {
        b.iter(|| scorer.score(black_box(&transcript)))
    });
    group.bench_function("parse+score/challenging-customers", |b| {
        b.iter(|| scorer.score(&parse(black_box(&text))))
    });
    group.bench_function("baseline-scan/challenging-customers", |b| {
        b.iter(|| support::scan(&automaton, black_box(&haystack)))
    });
    group.finish();
}

/// The renderings of one typical assessment, beside its JSON: what an HTTP
/// `Accept` or a CLI `--format` adds to scoring.
fn renderings(c: &mut Criterion) {
    let rubric = Rubric::compile(source(RUBRIC)).expect("seed rubric compiles");
    let transcript = parse(&synth::roleplay(TYPICAL_SEED, TYPICAL_BYTES));
    let assessment = Scorer::new(&rubric).score(&transcript);
    let report_context = ReportContext {
        date: "2026-11-27".into(),
        ..ReportContext::default()
    };
    let xapi_context = XapiContext {
        base: report::DEFAULT_XAPI_BASE.into(),
        learner_id: "C-0042".into(),
        account_home: report::DEFAULT_XAPI_BASE.into(),
        transcript_sha256: "0".repeat(64),
    };
    let mut group = c.benchmark_group("render");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("json", |b| {
        b.iter(|| serde_json::to_string(black_box(&assessment)))
    });
    group.bench_function("html", |b| {
        b.iter(|| report::render_html(black_box(&assessment), &report_context))
    });
    group.bench_function("csv", |b| {
        b.iter(|| report::csv_rows("call.txt", black_box(&assessment)))
    });
    group.bench_function("xapi", |b| {
        b.iter(|| report::xapi_statements(black_box(&assessment), &xapi_context))
    });
    group.finish();
}

struct Sized {
    bytes: usize,
    score: Tally,
    scan: Tally,
    normalise: Tally,
}

fn large(c: &mut Criterion) -> Vec<Sized> {
    let rubric = Rubric::compile(source(RUBRIC)).expect("seed rubric compiles");
    let scorer = Scorer::new(&rubric);
    let phrases = PhraseList::from_source(source(RUBRIC));
    assert_eq!(
        phrases.phrase_count(),
        rubric.phrase_count(),
        "the baseline must search the engine's phrase set"
    );
    let automaton = phrases.automaton();

    let mut results = Vec::new();
    let mut group = c.benchmark_group("large");
    group.warm_up_time(Duration::from_secs(1));
    for target in LARGE_SIZES {
        let text = synth::roleplay(LARGE_SEED, target);
        let transcript = parse(&text);
        let haystack = support::normalised(&transcript);
        let label = human_bytes(target).replace(' ', "");
        if target >= 1 << 20 {
            // One iteration takes a large share of a second: few, flat samples.
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .measurement_time(Duration::from_secs(8));
        } else {
            group
                .sampling_mode(SamplingMode::Auto)
                .sample_size(30)
                .measurement_time(Duration::from_secs(3));
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        let mut sized = Sized {
            bytes: text.len(),
            score: Tally::default(),
            scan: Tally::default(),
            normalise: Tally::default(),
        };
        group.bench_function(BenchmarkId::new("score", &label), |b| {
            b.iter_custom(|n| sized.score.time(n, || scorer.score(&transcript)))
        });
        group.bench_function(BenchmarkId::new("baseline-scan", &label), |b| {
            b.iter_custom(|n| sized.scan.time(n, || support::scan(&automaton, &haystack)))
        });
        group.bench_function(BenchmarkId::new("normalise", &label), |b| {
            b.iter_custom(|n| {
                sized
                    .normalise
                    .time(n, || support::normalised(&transcript).len())
            })
        });
        results.push(sized);
    }
    group.finish();
    results
}

fn report(results: &[Sized]) {
    println!();
    println!("scoring vs bare aho-corasick scan (challenging-customers; mean over all criterion iterations)");
    println!(
        "{:>10} {:>12} {:>12} {:>12} {:>10} {:>14} {:>16}",
        "size", "score MB/s", "scan MB/s", "norm. MB/s", "ratio", "score ns/byte", "norm. share"
    );
    for sized in results {
        let (Some(score), Some(scan)) = (sized.score.mean_secs(), sized.scan.mean_secs()) else {
            continue;
        };
        let mb = sized.bytes as f64 / 1e6;
        let normalise = sized.normalise.mean_secs();
        println!(
            "{:>10} {:>12.1} {:>12.1} {:>12} {:>9.0}% {:>14.1} {:>16}",
            human_bytes(sized.bytes),
            mb / score,
            mb / scan,
            normalise.map_or("-".into(), |n| format!("{:.1}", mb / n)),
            100.0 * scan / score,
            score * 1e9 / sized.bytes as f64,
            normalise.map_or("-".into(), |n| format!("{:.0}%", 100.0 * n / score)),
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    compile(&mut c);
    typical(&mut c);
    renderings(&mut c);
    let results = large(&mut c);
    if support::measuring() {
        report(&results);
    }
    c.final_summary();
}
