//! Scores the seed-1 4 KB synthetic role-play (or the transcript file given
//! after N) against `challenging-customers` N times, for counting instructions
//! under callgrind (see BENCHMARKS.md): the difference between N = 101 and
//! N = 1, divided by 100, is one score. A file keeps the input fixed when a
//! rubric change also changes what the synthetic role-play draws; a rubric file
//! given after it (an older version of the seed rubric, say) replaces the
//! embedded one, so the engine's cost can be told from the rubric's.

use rolemark::engine::{Rubric, Scorer};
use rolemark::transcript::{self, RoleHints};

// The binary allocates with mimalloc (see src/main.rs); measure what it does. Its
// immediate purge, which keeps the service's memory down, costs scoring no time
// that shows (BENCHMARKS.md, "Issue 22, allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let times: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let text = match std::env::args().nth(2) {
        Some(path) => std::fs::read_to_string(&path).expect("transcript file reads"),
        None => rolemark::synth::roleplay(1, 4096),
    };
    let transcript = transcript::parse(&text, None, &RoleHints::default()).expect("parses");
    let source = match std::env::args().nth(3) {
        Some(path) => std::fs::read_to_string(&path).expect("rubric file reads"),
        None => rolemark::rubrics::EMBEDDED
            .iter()
            .find(|(file, _)| file.contains("challenging-customers"))
            .map(|(_, source)| source.to_string())
            .expect("seed rubric"),
    };
    let rubric = Rubric::compile(&source).expect("compiles");
    let scorer = Scorer::new(&rubric);
    let criteria: usize = (0..times)
        .map(|_| {
            scorer
                .score(std::hint::black_box(&transcript))
                .criteria
                .len()
        })
        .sum();
    println!("{criteria} criteria scored");
}
