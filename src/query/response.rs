//! The answer to a query as plain data: what both renderers (text and JSON) print.

use std::collections::BTreeMap;

use serde::Serialize;

/// Everything a query returns.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResponse {
    /// The query as given.
    pub query: String,
    /// Matching passages in all (not only those returned).
    pub total: u64,
    /// The best passages, best first.
    pub hits: Vec<Hit>,
    /// Requested facets by kind name (`country`, `person`, `org`).
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// One matching passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Article id.
    pub article_id: String,
    /// Article title, if it has one.
    pub title: Option<String>,
    /// File the article came from.
    pub source: Option<String>,
    /// 0-based paragraph number in the article.
    pub paragraph: u64,
    /// Article date (ISO 8601).
    pub date: Option<String>,
    /// Relevance score (BM25).
    pub score: f32,
    /// The passage.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// The part of the passage to show, with its own highlight ranges.
    pub snippet: SnippetData,
    /// Countries of the passage (ISO codes).
    pub countries: Vec<String>,
    /// People named in the passage.
    pub persons: Vec<String>,
    /// Organisations named in the passage.
    pub orgs: Vec<String>,
    /// Title, or the article's first words when it has none: what lists show.
    pub heading: String,
    /// Article author.
    pub author: Option<String>,
    /// Article URL.
    pub url: Option<String>,
    /// Which words gave each country, in text order.
    pub why: Vec<CountryWhy>,
}

/// Words of a passage that gave it a country.
#[derive(Debug, Clone, Serialize)]
pub struct CountryWhy {
    /// ISO code.
    pub country: String,
    /// The words, as written.
    pub text: String,
    /// Byte offset in the passage text.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// The rule that read them (`capital`, `demonym`, `metonym`...).
    pub rule: String,
}

/// A snippet cut from a passage.
#[derive(Debug, Clone, Serialize)]
pub struct SnippetData {
    /// The snippet text: a slice of the passage.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte offset of the snippet in the passage.
    pub start: usize,
}

/// One facet value with its counts over all matching passages.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetValue {
    /// The value as stored (`KP`, `Vladimir Putin`).
    pub value: String,
    /// What to show (`North Korea`).
    pub label: String,
    /// Matching passages with this value.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}
