//! The text normaliser alone (words, sentences, char offsets), on generated
//! role-plays, as bytes of original text a second.
//!
//! Issue 22 asks for at least 200 MB/s on ASCII text with exact offsets kept;
//! `cargo bench --bench normalise` reports criterion's throughput for each size,
//! with the role-play's own text (ASCII) and the same text with curly
//! apostrophes, as word processors write them, which takes the Unicode path.

mod support;

use criterion::{BenchmarkId, Criterion, Throughput};
use rolemark::synth;
use std::hint::black_box;
use std::time::Duration;
use support::{human_bytes, parse};

const SIZES: [usize; 2] = [4096, 1024 * 1024];
const SEED: u64 = 5;

fn normalise(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalise");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for target in SIZES {
        let ascii = synth::roleplay(SEED, target);
        assert!(ascii.is_ascii(), "generated role-plays are ASCII");
        let curly = ascii.replace('\'', "\u{2019}");
        let label = human_bytes(target).replace(' ', "");
        for (kind, text) in [("ascii", &ascii), ("curly", &curly)] {
            let transcript = parse(text);
            let bytes: usize = transcript.turns.iter().map(|t| t.text.len()).sum();
            group.throughput(Throughput::Bytes(bytes as u64));
            group.bench_function(BenchmarkId::new(kind, &label), |b| {
                b.iter(|| support::normalised(black_box(&transcript)).len())
            });
        }
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    normalise(&mut criterion);
    criterion.final_summary();
}
