//! Starting the service: compile the rubrics, bind the listener, and run until
//! stopped or signalled.

use super::config::ServeConfig;
use super::state::AppState;
use crate::rubrics::Registry;
use actix_web::dev::Server;
use actix_web::{web, HttpServer};
use std::net::TcpListener;
use std::time::Duration;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// An embedded rubric does not compile, or `--rubrics DIR` cannot be read.
    #[error("{0}")]
    Rubrics(#[from] crate::engine::RubricError),
    /// With `strict_rubrics`, a file of the rubric directory fails to load.
    #[error("{first}{}; not starting, as --strict asks", and_more(.others))]
    StrictRubrics {
        /// The first file that fails, and why.
        first: crate::engine::RubricError,
        /// How many more fail.
        others: usize,
    },
    /// An xAPI base or home page that is not an absolute IRI.
    #[error("xAPI address `{iri}` {why}")]
    XapiAddress {
        /// The address as given.
        iri: String,
        /// What is wrong with it.
        why: crate::report::InvalidIri,
    },
    /// The address cannot be listened on.
    #[error("cannot listen on {bind}: {source}")]
    Listen {
        /// The address as given.
        bind: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

fn and_more(others: &usize) -> String {
    match others {
        0 => String::new(),
        1 => " (and 1 more file fails)".to_owned(),
        n => format!(" (and {n} more files fail)"),
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    rubrics_poll: Option<Duration>,
    /// The rubric directory as it was before start-up read it.
    rubrics_seen: Option<super::reload::Fingerprint>,
}

impl Application {
    /// Compiles the rubrics and binds the listener; `bind` may use port 0.
    pub fn build(config: ServeConfig) -> Result<Application, StartError> {
        let embedded = Registry::embedded().map_err(StartError::Rubrics)?;
        let mut registry = embedded.clone();
        let rubrics_seen = config
            .rubrics_dir
            .as_deref()
            .map(super::reload::fingerprint);
        if let Some(dir) = &config.rubrics_dir {
            let mut failures = registry
                .load_dir_reporting(dir)
                .map_err(StartError::Rubrics)?
                .into_iter();
            if config.strict_rubrics {
                if let Some(first) = failures.next() {
                    let others = failures.len();
                    return Err(StartError::StrictRubrics { first, others });
                }
            }
            for failure in failures {
                log::warn!("rubric not loaded, the others are served: {failure}");
            }
        }
        let mut state = AppState::new(
            registry,
            embedded,
            config.rubrics_dir.clone(),
            config.limits,
            &config.api_keys,
        );
        state.test_panic_route = config.test_panic_route;
        for iri in [Some(&config.xapi_base), config.xapi_account_home.as_ref()]
            .into_iter()
            .flatten()
        {
            crate::report::check_iri(iri).map_err(|why| StartError::XapiAddress {
                iri: iri.clone(),
                why,
            })?;
        }
        state.xapi_account_home = config
            .xapi_account_home
            .clone()
            .unwrap_or_else(|| config.xapi_base.clone());
        state.xapi_base = config.xapi_base.clone();
        let state = web::Data::new(state);
        let app_state = state.clone();
        let listener = TcpListener::bind(&config.bind).map_err(|source| StartError::Listen {
            bind: config.bind.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Listen {
                bind: config.bind.clone(),
                source,
            })?
            .port();
        let mut server = HttpServer::new(move || super::app::app(state.clone()))
            .listen(listener)
            .map_err(|source| StartError::Listen {
                bind: config.bind.clone(),
                source,
            })?
            // Signals are ours to handle: actix stops forcibly on SIGINT, and Ctrl-C
            // must let in-flight requests finish as SIGTERM does.
            .disable_signals()
            .shutdown_timeout(30)
            // The head of a request must arrive within the request timeout too; the
            // body is timed by the handlers, which can answer with a problem.
            .client_request_timeout(Duration::from_secs(config.limits.request_timeout_secs))
            .max_connections(config.max_connections.max(1));
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            state: app_state,
            rubrics_poll: (config.rubrics_poll_secs > 0)
                .then(|| Duration::from_secs(config.rubrics_poll_secs)),
            rubrics_seen,
        })
    }

    /// Watches the rubric directory, when there is one, for the life of the server.
    fn watch_rubrics(&mut self) {
        if let Some(seen) = self.rubrics_seen.take() {
            actix_web::rt::spawn(super::reload::watch_rubrics(
                self.state.clone(),
                self.rubrics_poll,
                seen,
            ));
        }
    }

    /// The port bound (the one the system chose, for `bind` on port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped through its handle (tests drop it).
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        self.watch_rubrics();
        self.server.await
    }

    /// Serves until SIGTERM or Ctrl-C, then refuses new connections and lets
    /// requests in flight finish (up to 30 seconds).
    pub async fn run_until_signalled(mut self) -> std::io::Result<()> {
        self.watch_rubrics();
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            log::info!("shutting down: finishing requests in flight");
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// Waits for SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = Box::pin(async {
        let _ = actix_web::rt::signal::ctrl_c().await;
    });
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let term = Box::pin(async move {
                    term.recv().await;
                });
                futures_util::future::select(ctrl_c, term).await;
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
