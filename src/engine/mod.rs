//! The pure scoring engine: text normalisation, phrase matching, rules and scores.
//!
//! Nothing here does I/O, logging or HTTP: it takes a compiled [`Rubric`] and a
//! [`crate::transcript::Transcript`] and returns an [`Assessment`].
//!
//! The front door is small: [`Rubric::compile`] builds a rubric once, and a
//! [`Scorer`] scores any number of transcripts against it through `&self`. What
//! the rubric format compiles to ([`Criterion`], [`Lexicon`], ...) can be read
//! but not built by hand; benches and fuzz targets reach further in through
//! [`internals`], which carries no stability promise.

#![warn(missing_docs)]

mod address;
mod analysis;
mod audit;
pub mod eval;
mod evidence;
mod examples;
mod explain;
mod extend;
mod grouped;
pub mod internals;
mod lexicon;
mod overrides;
mod question_form;
mod review;
pub(crate) mod rubric;
mod rules;
mod scenario;
mod score;
mod sentences;
mod speech;
mod text;
mod timing;
mod who;
mod words;

pub use audit::{sha256_hex, Audit, ROLEMARK_VERSION};
pub use evidence::{Evidence, Polarity, Quote, RuleKind};
pub use examples::{ExampleFailure, ExampleReport, ExchangeReader};
pub use explain::{CueFound, CueUse, Explanation};
pub use overrides::{AssessorOverride, OverrideError, OverrideRecord};
pub use review::ReviewNote;
pub use rubric::{
    Band, BaseRubric, Behaviour, CompileLimits, Criterion, Lexicon, Rubric, RubricError,
    RubricErrorKind, Scoring,
};
pub use scenario::{Scenario, ScenarioError};
pub use score::{
    Assessment, BehaviourResult, CriterionResult, Outcome, Overall, RubricRef, Scorer,
    TranscriptView, NOT_ASSESSABLE,
};
