//! Renderers of an [`Assessment`] for people; JSON is plain serde.

mod text;

pub use text::render_text;
