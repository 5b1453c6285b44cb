//! lede: full-text search for news corpora, with country, person and organisation facets.
//!
//! Ingest: [`source`] (files → [`article::Article`]s) → [`paragraph`] → [`extract`]
//! (mentions) → [`resolve`] (entities) → [`document`] → [`writer`] (index), chained by
//! [`ingest`].
//!
//! Query: [`query::request`] → [`query::parse`] → [`query::search`] (hits and
//! [`query::facet`] counts) → [`query::snippet`] → [`query::response`] → [`render`],
//! chained by [`query::QueryEngine`].

#![warn(missing_docs)]

pub mod analyzer;
pub mod article;
pub mod directory;
pub mod document;
pub mod error;
pub mod extract;
pub mod gazetteer;
pub mod index;
pub mod ingest;
pub mod paragraph;
pub mod query;
pub mod remove;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod stats;
pub mod suggest;
pub mod writer;

pub use error::{Error, Problem, Result, Severity};
