//! Prometheus metrics: requests by route and status, latency, transcripts scored,
//! errors, rubric reloads and rubric files failing.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RubricLabels {
    pub rubric: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadLabels {
    /// `ok`, `partial` (some files failed and kept what they gave) or `failed`.
    pub result: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub rubric_reloads: Family<ReloadLabels, Counter>,
    rubric_files_failing: Gauge,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    pub transcripts_scored: Family<RubricLabels, Counter>,
    pub errors: Family<ErrorLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        // 50 µs to about 3 s: scoring a role-play takes tens of microseconds, a large
        // batch seconds.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.00005, 2.0, 16))
        });
        let transcripts_scored = Family::<RubricLabels, Counter>::default();
        let errors = Family::<ErrorLabels, Counter>::default();
        let rubric_reloads = Family::<ReloadLabels, Counter>::default();
        let rubric_files_failing = Gauge::default();
        registry.register(
            "rolemark_rubric_files_failing",
            "Files of the rubric directory that failed to load when it was last read",
            rubric_files_failing.clone(),
        );
        registry.register(
            "rolemark_rubric_reloads",
            "Reloads of the rubric directory: ok, partial (failing files kept what they gave) or failed (nothing changed)",
            rubric_reloads.clone(),
        );
        registry.register(
            "rolemark_http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "rolemark_http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "rolemark_transcripts_scored",
            "Transcripts scored by rubric",
            transcripts_scored.clone(),
        );
        registry.register(
            "rolemark_errors",
            "Problems returned, by problem code",
            errors.clone(),
        );
        Metrics {
            registry,
            rubric_reloads,
            rubric_files_failing,
            requests,
            latency,
            transcripts_scored,
            errors,
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    pub fn scored(&self, rubric: &str) {
        self.transcripts_scored
            .get_or_create(&RubricLabels {
                rubric: rubric.to_owned(),
            })
            .inc();
    }

    pub fn reloaded(&self, result: &'static str) {
        self.rubric_reloads
            .get_or_create(&ReloadLabels { result })
            .inc();
    }

    /// Set from the registry when metrics are read, so it is never stale.
    pub fn files_failing(&self, count: usize) {
        self.rubric_files_failing
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    pub fn error(&self, code: &str) {
        self.errors
            .get_or_create(&ErrorLabels {
                code: code.to_owned(),
            })
            .inc();
    }
}
