//! Output, in one place: text for people, JSON for programs. Both render the same data
//! types (`QueryResponse`, `Stats`, analysed articles); nothing else in the library prints.

pub mod json;
pub mod text;
