// A score makes about a thousand short-lived allocations (turns, sentences, evidence,
// quotes). In a loop of scores glibc's allocator spent more time on them,
// consolidating freed chunks, than the phrase scan takes: mimalloc halves a score
// there, and serves about a tenth more requests a second (BENCHMARKS.md, "Issue 22,
// allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h, which libmimalloc-sys names no constant
/// for; the test below checks it still reads mimalloc's documented default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Memory freed goes back to the system at once. With mimalloc's default delay
    // (a second) the seed rubrics' compile left the service holding about 150 MB,
    // against 60-70 MB under glibc; with none it holds about 80 MB and scores no
    // slower (BENCHMARKS.md).
    // SAFETY: sets one integer option, which mimalloc allows from any thread at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    std::process::ExitCode::from(rolemark::cli::run(std::env::args_os()))
}

#[cfg(test)]
mod tests {
    /// The option number is mimalloc's purge delay: its default is 1,000 ms in
    /// mimalloc 3 (options.c) unless the environment sets it.
    #[test]
    fn the_purge_delay_option_is_the_one_main_sets() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
