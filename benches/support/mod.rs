//! What the benches share: the bare aho-corasick baseline built from a rubric's own
//! phrases, the engine's normalised text, and a tally of measured time per bench so
//! ratios can be printed from the same run.

#![allow(dead_code)] // Each bench target uses its own part of this module.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rolemark::engine::internals::Normaliser;
use rolemark::engine::internals::{self as lexicon, FormPart};
use rolemark::transcript::{self, RoleHints, Transcript};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Every pattern the engine's automaton holds for a rubric source: each expanded form,
/// and each word part of a composite form (one with gaps or slots: the engine
/// searches the parts and joins them after).
pub struct PhraseList {
    pub patterns: Vec<String>,
    /// Distinct composite forms, which the engine counts as phrases but never searches.
    pub composite: usize,
}

impl PhraseList {
    pub fn from_source(source: &str) -> PhraseList {
        let table: toml::Table = toml::from_str(source).expect("rubric TOML");
        let mut seen = HashSet::new();
        let mut composite = HashSet::new();
        let mut patterns = Vec::new();
        let lexicons = table["lexicons"].as_table().expect("lexicons table");
        for lexicon in lexicons.values() {
            for phrase in lexicon["phrases"].as_array().expect("phrases array") {
                let phrase = phrase.as_str().expect("phrase string");
                for form in lexicon::expand(phrase).expect("phrase expands") {
                    if lexicon::is_composite(&form) {
                        for (part, _) in lexicon::form_parts(&form) {
                            if let FormPart::Words(part) = part {
                                if seen.insert(part.to_owned()) {
                                    patterns.push(part.to_owned());
                                }
                            }
                        }
                        composite.insert(form);
                    } else if seen.insert(form.clone()) {
                        patterns.push(form);
                    }
                }
            }
        }
        PhraseList {
            patterns,
            composite: composite.len(),
        }
    }

    /// Distinct phrases as `Rubric::phrase_count` counts them.
    pub fn phrase_count(&self) -> usize {
        self.patterns.len() + self.composite
    }

    /// The automaton the engine builds: the same padded patterns, the same match kind,
    /// everything else left at the crate's defaults, as the engine leaves it.
    pub fn automaton(&self) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(self.patterns.iter().map(|p| format!(" {p} ")))
            .expect("automaton builds")
    }
}

/// A generated role-play parsed as the engine reads it, roles from its labels.
pub fn parse(text: &str) -> Transcript {
    transcript::parse(text, None, &RoleHints::default()).expect("generated text parses")
}

/// The haystack the engine searches: every turn normalised into one text.
pub fn normalised(transcript: &Transcript) -> String {
    let mut norm = Normaliser::new();
    for turn in &transcript.turns {
        norm.push_text(&turn.text);
        norm.end_turn();
    }
    norm.text
}

/// The bare scan: every overlapping match visited, as the engine's search visits them.
pub fn scan(automaton: &AhoCorasick, haystack: &str) -> usize {
    automaton.find_overlapping_iter(haystack).count()
}

/// Time measured through `iter_custom`, summed over every iteration criterion ran.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub elapsed: Duration,
    pub iterations: u64,
}

impl Tally {
    /// Runs `routine` `iterations` times, adds the time to the tally and returns it
    /// for criterion.
    pub fn time<R>(&mut self, iterations: u64, mut routine: impl FnMut() -> R) -> Duration {
        let start = Instant::now();
        for _ in 0..iterations {
            std::hint::black_box(routine());
        }
        let elapsed = start.elapsed();
        self.elapsed += elapsed;
        self.iterations += iterations;
        elapsed
    }

    /// Mean seconds per iteration, or `None` when the bench was filtered out.
    pub fn mean_secs(&self) -> Option<f64> {
        (self.iterations > 0).then(|| self.elapsed.as_secs_f64() / self.iterations as f64)
    }
}

pub fn human_bytes(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", bytes as f64 / (1 << 10) as f64)
    } else {
        format!("{bytes} B")
    }
}

/// Whether criterion is measuring (`cargo bench`) rather than smoke-testing each
/// bench once (`cargo test --benches`), when the summaries would mean nothing.
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}
