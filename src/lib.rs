//! lede: full-text search for news corpora, with country, person and organisation facets.
//!
//! Ingest: [`source`] (files → [`article::Article`]s) → [`paragraph`] → [`extract`]
//! (mentions) → [`resolve`] (entities), per article in [`analyse`] → [`document`] → a
//! [`backend::Store`] (index), chained by [`ingest`].
//!
//! Query: [`query::request`] → [`query::plan`] → a [`backend::Backend`]'s search (hits and
//! facet counts) → [`query::snippet`] → [`query::response`] → [`render`], chained by
//! [`query::QueryEngine`].
//!
//! [`backend::local`] is the embedded tantivy index; its `format` module owns the layout of
//! a stored passage.

#![warn(missing_docs)]

pub mod analyse;
pub mod analyzer;
pub mod article;
pub mod backend;
pub mod document;
pub mod error;
pub mod extract;
pub mod gazetteer;
pub mod ingest;
pub mod paragraph;
pub mod query;
pub mod remove;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod source;
pub mod stats;
pub mod suggest;

pub use error::{Error, Problem, Result, Severity};
