//! What an index holds: articles, passages, size on disk, segments and the top countries.

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{ReloadPolicy, Term};

use crate::error::Result;
use crate::index::LedeIndex;
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

/// Computes the summary of an index, listing `top` countries.
pub fn stats(index: LedeIndex, top: usize) -> Result<Stats> {
    let path = index.path.display().to_string();
    let size_bytes = index.size_on_disk();
    let schema_version = index.schema.file.version;
    let fields = index.schema.fields;
    let reader = index
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    // Every article has a paragraph 0: counting those counts articles, deletions included.
    let first_paragraphs = TermQuery::new(
        Term::from_field_u64(fields.paragraph, 0),
        IndexRecordOption::Basic,
    );
    let articles = searcher.search(&first_paragraphs, &Count)? as u64;
    let segments = searcher.segment_readers().len();
    let engine = QueryEngine::new(index)?;
    let mut request = QueryRequest::new("");
    request.limit = 0;
    request.facets = vec![FacetKind::Country];
    request.facet_limit = top;
    let response = engine.query(&request)?;
    Ok(Stats {
        index: path,
        articles,
        passages: response.total,
        size_bytes,
        segments,
        schema_version,
        top_countries: response.facets.get("country").cloned().unwrap_or_default(),
    })
}
