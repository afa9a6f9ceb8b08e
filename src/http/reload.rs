//! Reloading `--rubrics DIR` while serving: on SIGHUP, and when its files change.

use super::state::AppState;
use actix_web::web;
use std::time::Duration;

/// The `*.toml` files of a directory with their sizes and change times: a
/// different fingerprint means something to reload.
pub(super) type Fingerprint = Vec<(std::path::PathBuf, u64, Option<std::time::SystemTime>)>;

/// Taken before the directory is read, so that a change made while it is read,
/// or before the watch starts, is a change to the watch.
pub(super) fn fingerprint(dir: &std::path::Path) -> Fingerprint {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|ext| ext == "toml"))
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.path(),
                meta.as_ref().map_or(0, std::fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
            )
        })
        .collect();
    files.sort();
    files
}

/// Reloads the rubric directory on SIGHUP, and when its files change from `seen`
/// (looked at every `poll`). A rubric that fails keeps being served as it was.
pub(super) async fn watch_rubrics(
    state: web::Data<AppState>,
    poll: Option<Duration>,
    mut seen: Fingerprint,
) {
    let Some(dir) = state.rubrics_dir().cloned() else {
        return;
    };
    #[cfg(unix)]
    let mut hangup =
        actix_web::rt::signal::unix::signal(actix_web::rt::signal::unix::SignalKind::hangup()).ok();
    loop {
        // Without polling, a long sleep stands in for "until SIGHUP".
        let wait = actix_web::rt::time::sleep(poll.unwrap_or(Duration::from_secs(3600)));
        #[cfg(unix)]
        let asked = match hangup.as_mut() {
            Some(signal) => {
                let received = Box::pin(signal.recv());
                matches!(
                    futures_util::future::select(received, Box::pin(wait)).await,
                    futures_util::future::Either::Left(_)
                )
            }
            None => {
                wait.await;
                false
            }
        };
        #[cfg(not(unix))]
        let asked = {
            wait.await;
            false
        };
        let now = fingerprint(&dir);
        if !asked && (poll.is_none() || now == seen) {
            continue;
        }
        seen = now;
        let reloading = state.clone();
        match web::block(move || reloading.reload()).await {
            Ok(Ok(failures)) => {
                let served = state.registry().iter().count();
                state
                    .metrics
                    .reloaded(if failures.is_empty() { "ok" } else { "partial" });
                if failures.is_empty() {
                    log::info!("rubrics reloaded from {}: {served} served", dir.display());
                } else {
                    log::warn!(
                        "rubrics reloaded from {} with {} failing, kept as they were: {served} served",
                        dir.display(),
                        failures.len()
                    );
                    for failure in failures {
                        log::warn!("rubric not reloaded: {failure}");
                    }
                }
            }
            Ok(Err(error)) => {
                state.metrics.reloaded("failed");
                log::error!("rubrics not reloaded, nothing changed: {error}");
            }
            Err(_) => {
                state.metrics.reloaded("failed");
                log::error!("rubrics not reloaded, nothing changed: the reload failed");
            }
        }
    }
}
