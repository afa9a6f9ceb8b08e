//! One module per resource; each owns its handlers and their OpenAPI docs.

pub mod health;
pub mod page;
pub mod rubrics;
pub mod score;
