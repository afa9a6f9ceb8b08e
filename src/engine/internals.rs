//! The engine's parts, for benches and fuzz targets only: the phrase syntax, the
//! text normaliser and the money reader that scenario rules use.
//!
//! Nothing here is a stable API: names, signatures and behaviour change with the
//! engine, without notice. Applications use [`Rubric`](super::Rubric) and
//! [`Scorer`](super::Scorer).

pub use super::lexicon::{
    expand, form_parts, is_composite, normalised, FormPart, PhraseError, GAP, MAX_FORMS_PER_PHRASE,
};
pub use super::scenario::{amounts, Amount};
pub use super::text::{
    normalise_phrase, normalise_phrase_fully, Normaliser, Sentence, Token, SENTENCE_BREAK,
};
