//! rolemark scores transcribed customer-service role-plays against rubrics and
//! returns, for each criterion, an outcome and exact evidence quotes.
//!
//! - [`transcript`]: the transcript model and its parsers (the ground floor);
//! - [`engine`]: pure scoring: normalisation, one automaton per rubric, rules;
//! - [`rubrics`]: the registry of embedded and on-disk rubrics;
//! - [`report`]: renderers of an assessment for people;
//! - [`http`]: the REST service;
//! - [`cli`]: the `rolemark` command.
//!
//! ```
//! use rolemark::{rubrics::Registry, transcript::{self, RoleHints}, engine::{Outcome, Scorer}};
//!
//! let registry = Registry::embedded().unwrap();
//! let rubric = registry.get("heat").unwrap();
//! let transcript = transcript::parse(
//!     "Customer: My room was freezing all night.\nAgent: I'm so sorry, that must have been awful.",
//!     None,
//!     &RoleHints::default(),
//! ).unwrap();
//! let assessment = Scorer::new(rubric).score(&transcript);
//! let apology = assessment.criteria.iter().find(|c| c.id == "apologise").unwrap();
//! assert_eq!(apology.outcome, Outcome::Met);
//! assert_eq!(apology.evidence[0].quote.quote, "I'm so sorry, that must have been awful.");
//! ```

#![warn(missing_docs)]

pub mod assess;
pub mod cli;
pub mod engine;
pub mod http;
pub mod report;
pub mod rubrics;
// Only `rolemark generate` needs the generator; benches and examples enable
// the `synth` feature to reach it.
#[cfg(feature = "synth")]
pub mod synth;
#[cfg(not(feature = "synth"))]
pub(crate) mod synth;
pub mod transcript;
