//! The answer to a query as plain data: what both renderers (text and JSON) print.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::request::FacetKind;
use crate::article::ArticleDate;
use crate::extract::Evidence;
use crate::gazetteer::CountryCode;

/// Everything a query returns.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResponse {
    /// The query's id in a batch run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// Milliseconds the query took inside lede (parsing, search, facets, snippets; not
    /// printing), in a batch run: what warm-latency benchmarks read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub took_ms: Option<f64>,
    /// The query as given.
    pub query: String,
    /// Matching passages in all (not only those returned).
    pub total: u64,
    /// The best passages, best first.
    pub hits: Vec<Hit>,
    /// Requested facets by kind, in the order of their names (`country`, `org`, `person`).
    pub facets: BTreeMap<FacetKind, Vec<FacetValue>>,
    /// Distinct articles among the matching passages (with --per-article).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_articles: Option<u64>,
    /// Passages of undated articles a date filter left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undated_left_out: Option<u64>,
    /// The person and organisation filters as typed, with the values each was taken to
    /// mean and their passages in the whole index (only when such a filter is given).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filter_values: Vec<FilterValues>,
    /// How the query was read where it was not taken literally (an unclosed quote, AND
    /// relaxed to OR); also printed on standard error.
    pub notices: Vec<String>,
}

/// What a typed person or organisation filter was taken to mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterValues {
    /// The facet filtered (`person`, `org`).
    pub filter: FacetKind,
    /// The name as typed.
    pub typed: String,
    /// The index values taken, most passages first.
    pub values: Vec<ValueCount>,
}

/// A value with its passages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueCount {
    /// The value as stored.
    pub value: String,
    /// Passages of the whole index with it (with those of `alone`).
    pub passages: u64,
    /// The surname stored alone that this person's row takes in (`Reagan` for `Ronald
    /// Reagan`: see the README's Entities section).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alone: Option<String>,
}

/// One matching passage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Hit {
    /// Article id.
    pub article_id: String,
    /// Article title, if it has one.
    pub title: Option<String>,
    /// File the article came from.
    pub source: Option<String>,
    /// 0-based paragraph number in the article.
    pub paragraph: u64,
    /// Article date (ISO 8601 in JSON).
    #[serde(serialize_with = "as_text")]
    pub date: Option<ArticleDate>,
    /// Relevance score (BM25).
    pub score: f32,
    /// The passage.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte ranges of matched words in `title` (empty without a title): a passage may
    /// match through its article's title alone.
    pub title_highlights: Vec<[usize; 2]>,
    /// The part of the passage to show, with its own highlight ranges.
    pub snippet: SnippetData,
    /// Countries of the passage (ISO codes).
    pub countries: Vec<CountryCode>,
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
    /// With --per-article: matching passages of this article in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_passages: Option<u64>,
    /// With --context N: the paragraphs around this one, in order (this one excluded).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextParagraph>,
    /// With --explain: tantivy's breakdown of the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<serde_json::Value>,
    /// The passage has some of the words, not all: it fills a page that the passages with
    /// every word do not (only present, as `true`, on such hits).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// A paragraph next to a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextParagraph {
    /// 0-based paragraph number.
    pub paragraph: u64,
    /// Its text.
    pub text: String,
}

/// Words of a passage that gave it a country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryWhy {
    /// The country.
    pub country: CountryCode,
    /// The words, as written.
    pub text: String,
    /// Byte offset in the passage text.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// The rule that read them (`capital`, `demonym`, `metonym`...; only the rule's name in
    /// JSON).
    #[serde(serialize_with = "rule_name")]
    pub rule: Evidence,
}

/// A snippet cut from a passage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SnippetData {
    /// The snippet text: a slice of the passage.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte offset of the snippet's first fragment in the passage.
    pub start: usize,
    /// Byte ranges of the snippet's fragments in the passage; in `text` they are joined
    /// by " … ".
    pub fragments: Vec<[usize; 2]>,
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
    /// The surname stored alone that this person's row takes in, counted in `passages` and
    /// `articles` (`Reagan` for `Ronald Reagan`: see the README's Entities section).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alone: Option<String>,
}

/// A value by its `Display` form (dates as `2023-09-12`).
fn as_text<T: std::fmt::Display, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

/// Evidence by its rule's name alone (`city`, without the population).
fn rule_name<S: Serializer>(evidence: &Evidence, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(evidence.rule_name())
}

/// How matches spread over time (`lede facets year|month|day`, `/api/timeline`).
#[derive(Debug, Clone, Serialize)]
pub struct TimelineResponse {
    /// The query as given; empty for the whole index.
    pub query: String,
    /// The period length: `year`, `month` or `day`.
    pub interval: crate::backend::Interval,
    /// Matching passages in all, dated or not.
    pub total: u64,
    /// Matching passages of undated articles (in no period).
    pub undated: u64,
    /// Periods with matches, oldest first.
    pub periods: Vec<PeriodCount>,
    /// How the query was read where it was not taken literally.
    pub notices: Vec<String>,
}

/// Matches in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCount {
    /// The period: `1987`, `1987-03` or `1987-03-19`.
    pub period: String,
    /// Matching passages dated in it.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}

/// A whole article with every paragraph and its entities (`/api/articles/{id}`); asked
/// with a query, also what the query matches in it. The fields of a query are left out of
/// the JSON when there is none, so that answer stays as it was.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// The query the article was asked with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Article id.
    pub article_id: String,
    /// Title, if it has one.
    pub title: Option<String>,
    /// Title, or the first words: what lists show.
    pub heading: String,
    /// Article date.
    #[serde(serialize_with = "as_text")]
    pub date: Option<ArticleDate>,
    /// File it came from.
    pub source: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// With a query: byte ranges of matched words in `title` (empty without a title).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_highlights: Option<Vec<[usize; 2]>>,
    /// Its paragraphs, in order.
    pub paragraphs: Vec<ArticleParagraph>,
    /// With a query: how it was read where it was not taken literally.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notices: Option<Vec<String>>,
}

/// One paragraph of an [`ArticleView`].
#[derive(Debug, Clone, Serialize)]
pub struct ArticleParagraph {
    /// 0-based paragraph number.
    pub paragraph: u64,
    /// Its text.
    pub text: String,
    /// Countries (ISO codes).
    pub countries: Vec<CountryCode>,
    /// People.
    pub persons: Vec<String>,
    /// Organisations.
    pub orgs: Vec<String>,
    /// The words behind each country.
    pub why: Vec<CountryWhy>,
    /// With a query: whether it matches this paragraph (as a hit of the query within the
    /// article, with every word or, filling after those, some of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<bool>,
    /// With a query: the paragraph has some of the words, not all (only present, as
    /// `true`, on such paragraphs; as `partial` on hits).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// With a query: byte ranges of matched words in `text` (empty where it does not
    /// match).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlights: Option<Vec<[usize; 2]>>,
}
