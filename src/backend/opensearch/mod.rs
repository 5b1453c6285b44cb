//! An index in an OpenSearch cluster: the same passages, searched by the same query
//! language, so that a user who outgrows one machine changes `--index`, not their tools.
//!
//! `client` speaks HTTP to the cluster, `format` lays a passage out as a JSON source (and
//! holds the index's settings and mapping), `compile` turns a plan into the Query DSL,
//! `writer` writes and removes articles with bulk requests, and this module answers the
//! read side ([`Backend`]) with searches and aggregations.
//!
//! What the cluster cannot give exactly as the local index does is said where it happens:
//! distinct-article counts come from the `cardinality` aggregation (see
//! [`ARTICLE_PRECISION`]), and a word without a field is scored per field and added, as
//! OpenSearch has no BM25F query (see `compile`).

pub mod bulk;
pub mod client;
pub mod compile;
pub mod facet;
pub mod format;
pub mod writer;

use reqwest::Method;
use serde_json::{json, Value};

use super::{
    ArticlePassages, Backend, Counted, Found, Interval, Search, Selection, Summary, Timeline,
};
use crate::error::{Error, Result};
use crate::query::request::FacetKind;
use crate::query::response::{ContextParagraph, Hit};
use crate::query::top::TopKind;
use client::Client;
use format::{facet_field, name};
pub use writer::OpenSearchWriter;

/// Distinct articles are counted exactly up to this many per value (OpenSearch's
/// `precision_threshold`, at its maximum); above it they are estimates.
pub const ARTICLE_PRECISION: u64 = 40_000;

/// Values one facet count lists at most (most passages first): OpenSearch answers at most
/// 65,535 buckets per request.
pub const MAX_FACET_VALUES: usize = 65_000;

/// Values read per request when every value is listed.
const VALUES_PAGE: usize = 10_000;

/// Passages read per request when every match is handed over (exports, whole articles).
const PAGE: usize = 1_000;

/// Where an index is in a cluster: `http://HOST:PORT/NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// `http(s)://HOST:PORT`, with a path prefix if the cluster sits behind one.
    pub base: String,
    /// The index name.
    pub name: String,
}

impl Address {
    /// Reads `http(s)://HOST[:PORT][/PREFIX]/NAME`; `None` when `text` is not an http(s)
    /// URL (it is then a folder).
    pub fn parse(text: &str) -> Option<Result<Address>> {
        let lower = text.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return None;
        }
        Some(Address::read(text))
    }

    fn read(text: &str) -> Result<Address> {
        let parsed = reqwest::Url::parse(text);
        let shown = match &parsed {
            Ok(url) => without_credentials(url),
            Err(_) => text.to_string(),
        };
        let invalid = |message: &str| Error::Argument {
            argument: "--index".into(),
            value: shown.clone(),
            message: message.into(),
        };
        let url = parsed.map_err(|e| invalid(&format!("not a URL: {e}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(&format!(
                "credentials do not go in the URL (it is shown in messages and kept in shell history): set {} and {}",
                client::USER_VARIABLE,
                client::PASSWORD_VARIABLE
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("an index URL has no ?query or #fragment"));
        }
        let path = url.path().trim_end_matches('/');
        let (prefix, name) = path.rsplit_once('/').unwrap_or(("", path));
        if name.is_empty() {
            return Err(invalid(
                "name the index after the address: http://HOST:9200/INDEX_NAME",
            ));
        }
        check_index_name(name).map_err(|message| invalid(&message))?;
        let host = url.host_str().unwrap_or_default();
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        Ok(Address {
            base: format!("{}://{host}{port}{prefix}", url.scheme()),
            name: name.to_string(),
        })
    }

    /// The address as users write it.
    pub fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }
}

/// The URL as it may be shown: a password given in it never reaches a message.
fn without_credentials(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    // Fails only for URLs that cannot hold credentials, which then have none.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// OpenSearch's rules for index names, checked before a request so that the message names
/// the argument.
fn check_index_name(name: &str) -> std::result::Result<(), String> {
    if name.len() > 255 {
        return Err("an index name has at most 255 bytes".into());
    }
    if name.starts_with(['-', '_', '+', '.']) {
        return Err("an index name cannot start with -, _, + or .".into());
    }
    if name.chars().any(|c| c.is_uppercase()) {
        return Err("an index name is lower case".into());
    }
    if let Some(c) = name.chars().find(|c| r#"\/*?"<>| ,#:"#.contains(*c)) {
        return Err(format!("an index name cannot hold {c:?}"));
    }
    Ok(())
}

/// An index in a cluster, as requests see it.
#[derive(Clone)]
pub struct Index {
    client: Client,
    address: Address,
}

impl Index {
    /// A connection to the index at `address` (nothing is asked yet).
    pub fn new(address: &Address) -> Result<Index> {
        Ok(Index {
            client: Client::new(&address.base)?,
            address: address.clone(),
        })
    }

    /// The index's URL.
    pub fn url(&self) -> String {
        self.address.url()
    }

    /// A request to `/{index}{path}`; `Ok(None)` when the cluster answers 404.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>> {
        let path = format!("/{}{path}", self.address.name);
        self.client.json(method, &path, body)
    }

    /// A request that needs the index: its absence is [`Error::MissingIndex`].
    fn existing(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        self.request(method, path, body)?
            .ok_or_else(|| self.missing())
    }

    fn missing(&self) -> Error {
        Error::MissingIndex {
            path: self.url().into(),
        }
    }

    /// A search (scored over the statistics of every shard, as one local index is).
    ///
    /// A primary and its replica hold the same passages but merge apart, so their deleted
    /// passages (which still weigh in the statistics) differ and so do the scores: the
    /// `preference` sends every search to the same copies, so that the requests of one
    /// answer (and a page and the next) rank alike.
    fn search(&self, body: &Value) -> Result<Value> {
        let answer = self.existing(
            Method::POST,
            "/_search?search_type=dfs_query_then_fetch&preference=lede",
            Some(body),
        )?;
        if let Some(failure) = answer["_shards"]["failures"].get(0) {
            return Err(self.client.remote(
                &format!("/{}/_search", self.address.name),
                format!("a shard failed: {}", failure["reason"]["reason"]),
            ));
        }
        Ok(answer)
    }

    /// Matches of `query` (exact).
    fn count(&self, query: &Value) -> Result<u64> {
        let answer = self.existing(Method::POST, "/_count", Some(&json!({ "query": query })))?;
        Ok(answer["count"].as_u64().unwrap_or(0))
    }

    /// Checks that the index exists and was made with this lede's mapping, or with the one
    /// before it, which lacks only the `work` field: reading it finds no works.
    pub fn check_mapping(&self) -> Result<()> {
        self.mapping_version().map(|_| ())
    }

    /// Checks the mapping as [`Index::check_mapping`] does, and adds to an index of the
    /// mapping before this one the field it lacks, so that lede can write to it.
    pub fn upgrade_mapping(&self) -> Result<()> {
        if self.mapping_version()? == format::MAPPING_VERSION {
            return Ok(());
        }
        self.existing(Method::PUT, "/_mapping", Some(&format::mapping_upgrade()))?;
        Ok(())
    }

    /// The lede mapping version of the index, if this lede reads it.
    fn mapping_version(&self) -> Result<u64> {
        let answer = self.existing(Method::GET, "/_mapping", None)?;
        let mapping = answer
            .as_object()
            .and_then(|indices| indices.values().next())
            .map(|index| &index["mappings"]["_meta"]);
        match mapping.and_then(|meta| meta["lede_mapping_version"].as_u64()) {
            Some(version) if format::READABLE_MAPPINGS.contains(&version) => Ok(version),
            Some(found) => Err(Error::IncompatibleIndex {
                path: self.url().into(),
                found: format!("mapping version {found}"),
                expected: format!("mapping version {}", format::MAPPING_VERSION),
            }),
            None => Err(self.client.remote(
                &format!("/{}", self.address.name),
                "this index was not made by lede (its mapping has no lede_mapping_version); choose another index name".into(),
            )),
        }
    }
}

/// The read side of an index in a cluster.
pub struct OpenSearchReader {
    index: Index,
}

impl OpenSearchReader {
    /// Opens the index at `address` for searching, after checking its mapping.
    pub fn open(address: &Address) -> Result<OpenSearchReader> {
        let index = Index::new(address)?;
        index.check_mapping()?;
        Ok(OpenSearchReader { index })
    }

    fn count_of(&self, selection: &Selection<'_>) -> Result<u64> {
        self.index.count(&compile::selection(selection))
    }
}

impl Index {
    /// Every page of the matches of `query` in `sort` order (with their scores when
    /// `scores`, their stored fields when `sources`), handed to `each` until it returns
    /// `false`; returns how many were handed over.
    fn scan(
        &self,
        query: &Value,
        sort: Value,
        (scores, sources): (bool, bool),
        each: &mut dyn FnMut(&Value) -> Result<bool>,
    ) -> Result<u64> {
        let mut after: Option<Value> = None;
        let mut handed = 0;
        let source = if sources {
            format::source_fields()
        } else {
            json!(false)
        };
        loop {
            let mut body = json!({
                "query": query,
                "size": PAGE,
                "sort": sort,
                "track_scores": scores,
                "track_total_hits": false,
                "_source": source,
            });
            if let Some(after) = after.take() {
                body["search_after"] = after;
            }
            let answer = self.search(&body)?;
            let hits = answer["hits"]["hits"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for hit in &hits {
                handed += 1;
                if !each(hit)? {
                    return Ok(handed);
                }
            }
            match hits.last() {
                Some(last) if hits.len() == PAGE => after = Some(last["sort"].clone()),
                _ => return Ok(handed),
            }
        }
    }
}

/// A hit of a search answer.
fn read_hit(hit: &Value, explain: bool) -> Hit {
    let mut read = format::read(
        &hit["_source"],
        hit["_score"].as_f64().unwrap_or(0.0) as f32,
    );
    if explain {
        read.explanation = hit.get("_explanation").cloned();
    }
    read
}

fn total_of(answer: &Value) -> u64 {
    answer["hits"]["total"]["value"].as_u64().unwrap_or(0)
}

fn interval_of(interval: Interval) -> (&'static str, &'static str) {
    match interval {
        Interval::Year => ("year", "yyyy"),
        Interval::Month => ("month", "yyyy-MM"),
        Interval::Day => ("day", "yyyy-MM-dd"),
    }
}

impl Backend for OpenSearchReader {
    fn location(&self) -> String {
        self.index.url()
    }

    fn facet_values(&self, kind: FacetKind) -> Result<Vec<String>> {
        let field = facet_field(kind);
        let mut values = Vec::new();
        let mut after: Option<Value> = None;
        loop {
            let mut composite = json!({
                "size": VALUES_PAGE,
                "sources": [{"value": {"terms": {"field": field}}}]
            });
            if let Some(after) = after.take() {
                composite["after"] = after;
            }
            let body = json!({"size": 0, "aggs": {"values": {"composite": composite}}});
            let answer = self.index.search(&body)?;
            let aggregation = &answer["aggregations"]["values"];
            let buckets = aggregation["buckets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            values.extend(
                buckets
                    .iter()
                    .filter_map(|b| b["key"]["value"].as_str().map(str::to_string)),
            );
            match aggregation.get("after_key") {
                Some(key) if buckets.len() == VALUES_PAGE => after = Some(key.clone()),
                _ => return Ok(values),
            }
        }
    }

    fn search(&self, search: &Search<'_>) -> Result<Found> {
        let query = compile::selection(&search.selection);
        let size = facet::first_size(search.facet_limit);
        let mut aggregations = serde_json::Map::new();
        for kind in search.facets {
            let field = facet_field(*kind);
            let counting = match search.only_values {
                Some(values) => facet::values_aggregation(field, values),
                None => facet::passages_aggregation(field, size),
            };
            aggregations.insert(kind.name().to_string(), counting);
        }
        let mut body = json!({
            "query": query,
            // Without an exact total the cluster may stop counting once it has the page.
            "track_total_hits": search.visits_every_match(),
            "from": if search.limit == 0 { 0 } else { search.offset },
            "size": search.limit,
            "_source": format::source_fields(),
            "aggs": aggregations,
        });
        if search.per_article {
            body["collapse"] = json!({"field": name::ARTICLE_ID});
        }
        if search.explain {
            body["explain"] = json!(true);
        }
        let answer = self.index.search(&body)?;
        let hits: Vec<Hit> = answer["hits"]["hits"]
            .as_array()
            .map(|hits| hits.iter().map(|h| read_hit(h, search.explain)).collect())
            .unwrap_or_default();
        let facets = search
            .facets
            .iter()
            .map(|kind| {
                let counted = facet::read_passages(&answer["aggregations"][kind.name()]);
                let field = facet_field(*kind);
                match (search.articles, search.only_values) {
                    (false, _) => Ok(facet::without_articles(counted)),
                    // Values named in advance were all counted: nothing lies beyond them.
                    (true, Some(_)) => facet::with_articles(&self.index, &query, field, counted),
                    (true, None) => facet::ranked(
                        &self.index,
                        &query,
                        field,
                        search.facet_limit,
                        (size, counted),
                    ),
                }
            })
            .collect::<Result<_>>()?;
        let total = if search.visits_every_match() {
            total_of(&answer)
        } else {
            hits.len() as u64
        };
        Ok(Found {
            total,
            hits,
            facets,
        })
    }

    fn article_passages(
        &self,
        selection: &Selection<'_>,
        articles: &[&str],
    ) -> Result<ArticlePassages> {
        let body = json!({
            "query": compile::selection(selection),
            "size": 0,
            "track_total_hits": true,
            "aggs": {
                "distinct": facet::articles_aggregation(ARTICLE_PRECISION),
                "of": {"terms": {
                    "field": name::ARTICLE_ID,
                    "include": articles,
                    "size": articles.len().max(1)
                }}
            }
        });
        let answer = self.index.search(&body)?;
        let counts: std::collections::HashMap<&str, u64> = answer["aggregations"]["of"]["buckets"]
            .as_array()
            .map(|buckets| {
                buckets
                    .iter()
                    .filter_map(|b| Some((b["key"].as_str()?, b["doc_count"].as_u64()?)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(ArticlePassages {
            distinct: answer["aggregations"]["distinct"]["value"]
                .as_u64()
                .unwrap_or(0),
            of: articles
                .iter()
                .map(|id| counts.get(id).copied().unwrap_or(0))
                .collect(),
        })
    }

    fn count_values(
        &self,
        selection: &Selection<'_>,
        kind: TopKind,
        limit: usize,
    ) -> Result<Counted> {
        let field = match kind {
            TopKind::Entity(kind) => facet_field(kind),
            TopKind::Author => name::AUTHOR,
        };
        let query = compile::selection(selection);
        let size = facet::first_size(limit);
        let body = json!({
            "query": query,
            "size": 0,
            "track_total_hits": true,
            "aggs": {
                "values": facet::passages_aggregation(field, size),
                "distinct": facet::distinct_aggregation(field)
            }
        });
        let answer = self.index.search(&body)?;
        let counted = facet::read_passages(&answer["aggregations"]["values"]);
        // Fewer values than asked for are every value.
        let distinct = if counted.len() < size {
            counted.len() as u64
        } else {
            answer["aggregations"]["distinct"]["value"]
                .as_u64()
                .unwrap_or(0)
        };
        Ok(Counted {
            total: total_of(&answer),
            distinct,
            values: facet::ranked(&self.index, &query, field, limit, (size, counted))?,
        })
    }

    fn context(&self, article_id: &str, paragraph: u64, n: usize) -> Result<Vec<ContextParagraph>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let body = json!({
            "query": {"bool": {"filter": [
                {"term": {name::ARTICLE_ID: article_id}},
                {"range": {name::PARAGRAPH: {
                    "gte": paragraph.saturating_sub(n as u64),
                    "lte": paragraph.saturating_add(n as u64)
                }}}
            ]}},
            "size": 2 * n + 1,
            "sort": [{name::PARAGRAPH: "asc"}],
            "_source": [name::PARAGRAPH, name::BODY]
        });
        let answer = self.index.search(&body)?;
        Ok(answer["hits"]["hits"]
            .as_array()
            .map(|hits| {
                hits.iter()
                    .map(|hit| ContextParagraph {
                        paragraph: hit["_source"][name::PARAGRAPH].as_u64().unwrap_or(0),
                        text: hit["_source"][name::BODY]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    })
                    .filter(|context| context.paragraph != paragraph)
                    .collect()
            })
            .unwrap_or_default())
    }

    fn summary(&self) -> Result<Summary> {
        let stats = self
            .index
            .existing(Method::GET, "/_stats/docs,store,segments", None)?;
        let primaries = &stats["_all"]["primaries"];
        Ok(Summary {
            location: self.location(),
            articles: self.index.count(&json!({"term": {name::PARAGRAPH: 0}}))?,
            passages: self.index.count(&json!({"match_all": {}}))?,
            size_bytes: primaries["store"]["size_in_bytes"].as_u64().unwrap_or(0),
            segments: primaries["segments"]["count"].as_u64().unwrap_or(0) as usize,
            schema_version: format::MAPPING_VERSION as u32,
        })
    }

    /// Two requests: the periods' passages, then their articles at the precision the
    /// busiest period needs (see `facet` for why).
    fn timeline(&self, selection: &Selection<'_>, interval: Interval) -> Result<Timeline> {
        let (calendar, date_format) = interval_of(interval);
        let histogram = json!({
            "field": name::DATE,
            "calendar_interval": calendar,
            "format": date_format,
            "min_doc_count": 1
        });
        let query = compile::selection(selection);
        let periods = |articles: Option<Value>| {
            let mut periods = json!({ "date_histogram": histogram });
            if let Some(articles) = articles {
                periods["aggs"] = json!({ "articles": articles });
            }
            json!({
                "query": query,
                "size": 0,
                "aggs": {"periods": periods, "undated": {"missing": {"field": name::DATE}}}
            })
        };
        let first = self.index.search(&periods(None))?;
        let busiest = first["aggregations"]["periods"]["buckets"]
            .as_array()
            .and_then(|buckets| buckets.iter().filter_map(|b| b["doc_count"].as_u64()).max());
        let answer = match busiest {
            Some(most) => {
                let articles = facet::articles_aggregation(most);
                self.index.search(&periods(Some(articles)))?
            }
            None => first,
        };
        let periods = answer["aggregations"]["periods"]["buckets"]
            .as_array()
            .map(|buckets| {
                buckets
                    .iter()
                    .map(|bucket| {
                        (
                            bucket["key_as_string"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                            bucket["doc_count"].as_u64().unwrap_or(0),
                            bucket["articles"]["value"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Timeline {
            periods,
            undated: answer["aggregations"]["undated"]["doc_count"]
                .as_u64()
                .unwrap_or(0),
        })
    }

    fn article(&self, article_id: &str) -> Result<Vec<Hit>> {
        let mut paragraphs = Vec::new();
        self.index.scan(
            &json!({"term": {name::ARTICLE_ID: article_id}}),
            json!([{name::PARAGRAPH: "asc"}]),
            (false, true),
            &mut |hit| {
                paragraphs.push(read_hit(hit, false));
                Ok(true)
            },
        )?;
        Ok(paragraphs)
    }

    fn export(
        &self,
        selection: &Selection<'_>,
        each: &mut dyn FnMut(Hit) -> Result<bool>,
    ) -> Result<u64> {
        // Ties in score keep one order across pages.
        let sort = json!([
            {"_score": "desc"},
            {name::ARTICLE_ID: "asc"},
            {name::PARAGRAPH: "asc"}
        ]);
        let query = compile::selection(selection);
        self.index.scan(&query, sort, (true, true), &mut |hit| {
            each(read_hit(hit, false))
        })
    }

    /// A cluster's searches see every refreshed write already.
    fn refresh(&self) -> Result<()> {
        Ok(())
    }
}

impl OpenSearchReader {
    /// Matching passages of a selection (exact), for tests and tools.
    pub fn count(&self, selection: &Selection<'_>) -> Result<u64> {
        self.count_of(selection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_urls_are_read_and_bad_ones_named() {
        let address = Address::parse("http://127.0.0.1:9200/news")
            .unwrap()
            .unwrap();
        assert_eq!(address.base, "http://127.0.0.1:9200");
        assert_eq!(address.name, "news");
        let behind_proxy = Address::parse("https://search.example/os/news/")
            .unwrap()
            .unwrap();
        assert_eq!(behind_proxy.base, "https://search.example/os");
        assert_eq!(behind_proxy.url(), "https://search.example/os/news");
        assert!(Address::parse("lede-index").is_none());
        assert!(Address::parse("./http-archive").is_none());
        for (bad, says) in [
            ("http://127.0.0.1:9200", "name the index"),
            ("http://127.0.0.1:9200/", "name the index"),
            (
                "http://u:secret@127.0.0.1:9200/news",
                "LEDE_OPENSEARCH_USER",
            ),
            ("http://127.0.0.1:9200/News", "lower case"),
            ("http://127.0.0.1:9200/_all", "cannot start"),
            ("http://127.0.0.1:9200/news?x=1", "no ?query"),
            ("http://", "not a URL"),
        ] {
            let error = Address::parse(bad).unwrap().unwrap_err().to_string();
            assert!(error.contains(says), "{bad}: {error}");
            assert!(!error.contains("secret"), "{error}");
        }
    }
}
