//! What an index holds: articles, passages, size on disk, segments and the top countries.

use serde::Serialize;

use crate::error::Result;
use crate::query::request::{FacetKind, QueryRequest};
use crate::query::response::FacetValue;
use crate::query::QueryEngine;

/// Summary of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Index folder.
    pub index: String,
    /// Articles indexed.
    pub articles: u64,
    /// Passages (paragraphs) indexed.
    pub passages: u64,
    /// Size of the index folder in bytes.
    pub size_bytes: u64,
    /// Tantivy segments.
    pub segments: usize,
    /// Schema version of the index.
    pub schema_version: u32,
    /// Most frequent countries over all passages.
    pub top_countries: Vec<FacetValue>,
}

/// Computes the summary of the index `engine` searches, listing `top` countries.
pub fn stats(engine: &QueryEngine, top: usize) -> Result<Stats> {
    let summary = engine.backend().summary()?;
    let mut request = QueryRequest::new("");
    request.limit = 0;
    request.facets = vec![FacetKind::Country];
    request.facet_limit = top;
    let mut response = engine.query(&request)?;
    Ok(Stats {
        index: summary.location,
        articles: summary.articles,
        passages: summary.passages,
        size_bytes: summary.size_bytes,
        segments: summary.segments,
        schema_version: summary.schema_version,
        top_countries: response
            .facets
            .remove(&FacetKind::Country)
            .unwrap_or_default(),
    })
}
