//! Compile and score timed separately, on the golden role-plays.

use criterion::{criterion_group, criterion_main, Criterion};
use rolemark::engine::{Rubric, Scorer};
use rolemark::rubrics::EMBEDDED;
use rolemark::transcript::{self, RoleHints};

fn compile(c: &mut Criterion) {
    for (file, source) in EMBEDDED {
        c.bench_function(&format!("compile/{file}"), |b| {
            b.iter(|| Rubric::compile(std::hint::black_box(source)).unwrap())
        });
    }
}

fn score(c: &mut Criterion) {
    let input = include_str!("../tests/golden/good-angry.txt");
    let transcript = transcript::parse(input, None, &RoleHints::default()).unwrap();
    let (_, source) = EMBEDDED[0];
    let rubric = Rubric::compile(source).unwrap();
    let scorer = Scorer::new(&rubric);
    c.bench_function("score/typical-roleplay/challenging-customers", |b| {
        b.iter(|| scorer.score(std::hint::black_box(&transcript)))
    });
}

criterion_group!(benches, compile, score);
criterion_main!(benches);
