//! The pure scoring engine: text normalisation, phrase matching, rules and scores.
//!
//! Nothing here does I/O, logging or HTTP: it takes a compiled [`Rubric`] and a
//! [`crate::transcript::Transcript`] and returns an [`Assessment`].

mod analysis;
pub mod eval;
mod evidence;
mod examples;
mod explain;
pub mod extend;
pub mod lexicon;
pub mod rubric;
pub mod rules;
pub mod scenario;
mod score;
mod sentences;
pub mod text;
mod timing;
mod who;
mod words;

pub use evidence::{Evidence, Polarity, Quote, RuleKind};
pub use examples::{ExampleFailure, ExampleReport};
pub use explain::{CueFound, CueUse, Explanation};
pub use rubric::{CompileLimits, Rubric, RubricError, RubricErrorKind};
pub use scenario::Scenario;
pub use score::{
    Assessment, AssessorOverride, BehaviourResult, CriterionResult, Outcome, Overall,
    OverrideError, OverrideRecord, RubricRef, Scorer, TranscriptView,
};
