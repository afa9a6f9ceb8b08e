//! The score use-case, below every transport: one checked request type
//! ([`ScoreRequest`]), one function that scores it ([`score`]), one that renders
//! the result ([`render`]), and one that answers a batch line ([`score_line`]);
//! many results fold into a cohort summary ([`summarise_line`], [`render_summary`]).
//!
//! The command line (single files and `--batch`) and every HTTP score route only
//! translate their input into a [`ScoreRequest`] and the result into their
//! output, so the same request gives the same assessment through any door. Its
//! errors are [`Problem`]s, each with an [`ErrorCode`] from one table.

// `Problem` is made at most once per request, on the way out; boxing it would
// only add an allocation to every error.
#![allow(clippy::result_large_err)]

mod batch;
mod codes;
mod json_body;
mod problem;
mod render;
mod request;
mod run;
mod summary;
mod wire;

pub use batch::{score_line, LineAnswer};
pub use codes::ErrorCode;
pub use json_body::{classify as classify_json_body, JsonBody};
pub use problem::Problem;
pub use render::{render, RenderSettings, Rendering};
pub use request::{parse_format, RubricChoice, ScoreRequest};
pub use run::{score, RubricProvider, Scored, TranscriptLimits};
pub use summary::{render_summary, summarise_line, SummaryRendering};
pub use wire::{utf8, without_values, BatchResult, ScoreRequestDto, TranscriptInput, TurnInput};
