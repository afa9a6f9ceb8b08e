// A score makes about a thousand short-lived allocations (turns, sentences, evidence,
// quotes). glibc's allocator spent more time on them, consolidating freed chunks,
// than the phrase scan takes; mimalloc roughly halves a typical score (BENCHMARKS.md,
// "Issue 22, allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    std::process::ExitCode::from(rolemark::cli::run(std::env::args_os()))
}
