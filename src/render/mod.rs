//! Output, in one place: text for people, JSON and TREC runs for programs. Both render the same data
//! types (`QueryResponse`, `Stats`, analysed articles); nothing else in the library prints.

pub mod json;
pub mod text;
pub mod trec;
