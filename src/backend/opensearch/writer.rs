//! Writes articles into an index in a cluster with bulk requests, and removes them.
//!
//! Every paragraph has a fixed document id (`format::document_id`), so writing an article
//! again overwrites its paragraphs; the paragraphs a shorter new version no longer has are
//! deleted in the same bulk request. Each article's first paragraph keeps its content hash
//! and paragraph count, which is what the ingest asks (`_mget`, one request per batch) to
//! skip unchanged articles and to know what to delete.
//!
//! Requests go to a thread of their own (see `bulk`), so that lede analyses the next
//! articles while the cluster indexes. Items the cluster answers 429 or 503 are sent again,
//! waiting longer each time; an item refused for another reason leaves its article out,
//! reported by article. A commit waits for every request, then refreshes: OpenSearch makes
//! an acknowledged write durable (its translog) by itself.

use std::collections::{BTreeSet, HashMap};

use reqwest::Method;
use serde_json::{json, Value};

use super::bulk::{self, Job, Operation, Sender};
use super::{format, Address, Index};
use crate::backend::{Store, StoreProblem};
use crate::document::{article_key, ArticleFields};
use crate::error::{Error, Result};
use crate::ingest::AnalysedArticle;
use crate::remove::{RemoveReport, Selector};

/// A bulk request is sent once it holds this many bytes...
const BULK_BYTES: usize = 8 * 1024 * 1024;
/// ... or this many operations.
const BULK_OPERATIONS: usize = 4_000;
/// Article ids asked about or deleted per request.
const IDS_PER_REQUEST: usize = 1_000;

/// Environment variables setting the shards and replicas of an index lede creates.
pub const SHARDS_VARIABLE: &str = "LEDE_OPENSEARCH_SHARDS";
/// See [`SHARDS_VARIABLE`].
pub const REPLICAS_VARIABLE: &str = "LEDE_OPENSEARCH_REPLICAS";

/// An article made ready for a bulk request: its paragraphs as JSON sources.
pub struct Encoded {
    key: u64,
    source: String,
    paragraphs: Vec<String>,
}

/// An article with operations in the bulk request being filled.
struct Pending {
    id: String,
    source: String,
    in_last_commit: bool,
    paragraphs: usize,
}

/// The write side of an index in a cluster.
pub struct OpenSearchWriter {
    index: Index,
    operations: Vec<Operation>,
    bytes: usize,
    articles: Vec<Pending>,
    /// Paragraph counts of stored articles, as the last `_mget` found them.
    stored_paragraphs: HashMap<String, u64>,
    /// Paragraph counts written in this run.
    written: HashMap<String, u64>,
    problems: Vec<StoreProblem>,
    sender: Sender<Pending>,
}

impl OpenSearchWriter {
    /// Opens the index at `address` for writing, creating it with lede's mapping if the
    /// cluster does not have it.
    pub fn open(address: &Address) -> Result<OpenSearchWriter> {
        let index = Index::new(address)?;
        if index.request(Method::HEAD, "", None)?.is_none() {
            create(&index)?;
        }
        index.upgrade_mapping()?;
        Ok(OpenSearchWriter {
            sender: Sender::new(index.clone()),
            index,
            operations: Vec::new(),
            bytes: 0,
            articles: Vec::new(),
            stored_paragraphs: HashMap::new(),
            written: HashMap::new(),
            problems: Vec::new(),
        })
    }

    /// Opens an index that must exist (to remove from it).
    pub fn open_existing(address: &Address) -> Result<OpenSearchWriter> {
        let index = Index::new(address)?;
        if index.request(Method::HEAD, "", None)?.is_none() {
            return Err(index.missing());
        }
        OpenSearchWriter::open(address)
    }

    fn push(&mut self, lines: String, article: usize) {
        self.bytes += lines.len();
        self.operations.push(Operation { lines, article });
    }

    /// Hands the bulk request being filled to the sending thread.
    fn send(&mut self) -> Result<()> {
        if !self.operations.is_empty() {
            let job = Job {
                operations: std::mem::take(&mut self.operations),
                articles: std::mem::take(&mut self.articles),
            };
            self.bytes = 0;
            self.sender.hand_over(&self.index, job)?;
        }
        self.collect();
        Ok(())
    }

    /// Sends what is being filled and waits until every request is answered.
    fn send_and_wait(&mut self) -> Result<()> {
        self.send()?;
        let waited = self.sender.wait();
        self.collect();
        waited
    }

    /// Reports what the answered requests left undone: each refused article once, and
    /// writes sent again.
    fn collect(&mut self) {
        for (articles, outcome) in self.sender.take_done() {
            let mut reported = BTreeSet::new();
            for (article, cause) in outcome.refused {
                if !reported.insert(article) {
                    continue;
                }
                let Some(pending) = articles.get(article) else {
                    continue;
                };
                self.problems.push(StoreProblem::Refused {
                    article_id: pending.id.clone(),
                    source: pending.source.clone(),
                    was_stored: pending.in_last_commit,
                    paragraphs: pending.paragraphs,
                    cause,
                });
            }
            if outcome.resent > 0 {
                self.problems.push(StoreProblem::Warning {
                    location: self.index.url(),
                    message: format!(
                        "the cluster was busy for {} writes (429/503); sent again, nothing lost",
                        outcome.resent
                    ),
                });
            }
        }
        self.note_retried_requests();
    }

    fn note_retried_requests(&mut self) {
        let retried = self.index.client.take_retries();
        if let Some(first) = retried.first() {
            let more = match retried.len() {
                1 => String::new(),
                n => format!(" ({n} requests sent again in all)"),
            };
            self.problems.push(StoreProblem::Warning {
                location: self.index.url(),
                message: format!("{first}{more}; nothing lost"),
            });
        }
    }

    /// Ids of the articles with a paragraph matching `query`, paged through a composite
    /// aggregation.
    fn matching_articles(&self, query: &Value) -> Result<BTreeSet<String>> {
        let mut ids = BTreeSet::new();
        let mut after: Option<Value> = None;
        loop {
            let mut composite = json!({
                "size": IDS_PER_REQUEST,
                "sources": [{"id": {"terms": {"field": format::name::ARTICLE_ID}}}]
            });
            if let Some(after) = after.take() {
                composite["after"] = after;
            }
            let body =
                json!({"query": query, "size": 0, "aggs": {"ids": {"composite": composite}}});
            let answer = self.index.search(&body)?;
            let aggregation = &answer["aggregations"]["ids"];
            let buckets = aggregation["buckets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            ids.extend(
                buckets
                    .iter()
                    .filter_map(|b| b["key"]["id"].as_str().map(str::to_string)),
            );
            match aggregation.get("after_key") {
                Some(key) if buckets.len() == IDS_PER_REQUEST => after = Some(key.clone()),
                _ => return Ok(ids),
            }
        }
    }

    /// Deletes every paragraph of `ids` (each found by its article id, so that none is
    /// missed whatever the paragraph count says); returns how many there were.
    ///
    /// Bulk deletions by document id rather than `_delete_by_query`, which needs the
    /// `reindex` module that a cluster may leave out.
    fn delete_articles(&mut self, ids: &[&String]) -> Result<u64> {
        let mut documents = Vec::new();
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            self.index.scan(
                &json!({"terms": {format::name::ARTICLE_ID: chunk}}),
                json!([{format::name::ARTICLE_ID: "asc"}, {format::name::PARAGRAPH: "asc"}]),
                (false, false),
                &mut |hit| {
                    documents.extend(hit["_id"].as_str().map(str::to_string));
                    Ok(true)
                },
            )?;
        }
        for chunk in documents.chunks(BULK_OPERATIONS) {
            let operations = chunk
                .iter()
                .map(|id| Operation {
                    lines: format!("{}\n", json!({"delete": {"_id": id}})),
                    article: 0,
                })
                .collect();
            if let Some((_, cause)) = bulk::send(&self.index, operations)?.refused.pop_first() {
                return Err(self.index.client.remote(
                    &format!("/{}/_bulk", self.index.address.name),
                    format!("a deletion failed: {cause}"),
                ));
            }
        }
        Ok(documents.len() as u64)
    }
}

/// Creates the index with lede's settings and mapping (another ingest creating it at the
/// same moment is fine).
fn create(index: &Index) -> Result<()> {
    let number = |variable: &str, default: u32| -> Result<u32> {
        match std::env::var(variable) {
            Err(_) => Ok(default),
            Ok(text) => text.trim().parse().map_err(|_| Error::Argument {
                argument: variable.into(),
                value: text.clone(),
                message: "expected a whole number".into(),
            }),
        }
    };
    // One copy on each of two nodes; a one-node cluster could not place the second copy
    // and would stay yellow.
    let health = index
        .client
        .json(Method::GET, "/_cluster/health", None)?
        .unwrap_or_default();
    let nodes = health["number_of_data_nodes"].as_u64().unwrap_or(1);
    let replicas = if nodes > 1 { 1 } else { 0 };
    let body = format::index_body(
        number(SHARDS_VARIABLE, 1)?,
        number(REPLICAS_VARIABLE, replicas)?,
    );
    match index.request(Method::PUT, "", Some(&body)) {
        Ok(_) => Ok(()),
        Err(Error::Remote { cause, .. }) if cause.contains("already exists") => Ok(()),
        Err(error) => Err(error),
    }
}

/// The action line of a bulk operation on one paragraph.
fn action(action: &str, key: u64, paragraph: u64) -> String {
    let id = format::document_id(key, paragraph);
    format!("{}\n", json!({ action: {"_id": id} }))
}

impl Store for OpenSearchWriter {
    type Encoded = Encoded;

    fn encode(&self, analysed: &AnalysedArticle, content_hash: &str) -> Encoded {
        let fields = ArticleFields::new(analysed, content_hash);
        let count = analysed.paragraphs.len();
        Encoded {
            key: fields.key,
            source: analysed.article.source.clone(),
            paragraphs: fields
                .documents()
                .map(|document| format::write(&document, count).to_string())
                .collect(),
        }
    }

    fn stored_hash(&mut self, article_id: &str) -> Result<Option<String>> {
        Ok(self.stored_hashes(&[article_id])?.pop().flatten())
    }

    /// One `_mget` of the articles' first paragraphs per thousand articles.
    fn stored_hashes(&mut self, article_ids: &[&str]) -> Result<Vec<Option<String>>> {
        let mut hashes = Vec::with_capacity(article_ids.len());
        for chunk in article_ids.chunks(IDS_PER_REQUEST) {
            let ids: Vec<String> = chunk
                .iter()
                .map(|id| format::document_id(article_key(id), 0))
                .collect();
            let answer = self.index.existing(
                Method::POST,
                "/_mget?_source_includes=article_id,content_hash,paragraphs",
                Some(&json!({ "ids": ids })),
            )?;
            let docs = answer["docs"].as_array().cloned().unwrap_or_default();
            for (id, doc) in chunk
                .iter()
                .zip(docs.iter().chain(std::iter::repeat(&Value::Null)))
            {
                let source = &doc["_source"];
                // Another article whose id hashes alike is not this one.
                let found = doc["found"].as_bool() == Some(true)
                    && source[format::name::ARTICLE_ID].as_str() == Some(id);
                if found {
                    let paragraphs = source[format::name::PARAGRAPHS].as_u64().unwrap_or(0);
                    self.stored_paragraphs.insert(id.to_string(), paragraphs);
                }
                hashes.push(
                    found
                        .then(|| {
                            source[format::name::CONTENT_HASH]
                                .as_str()
                                .map(String::from)
                        })
                        .flatten(),
                );
            }
        }
        Ok(hashes)
    }

    fn replace(&mut self, article_id: &str, in_last_commit: bool, encoded: Encoded) -> Result<()> {
        if self.written.contains_key(article_id) {
            // Its earlier version must be written before this one overwrites it, whatever
            // is sent again.
            self.send_and_wait()?;
        }
        let stored = if in_last_commit {
            self.stored_paragraphs.get(article_id).copied().unwrap_or(0)
        } else {
            0
        };
        let before = stored.max(self.written.get(article_id).copied().unwrap_or(0));
        let article = self.articles.len();
        self.articles.push(Pending {
            id: article_id.to_string(),
            source: encoded.source,
            in_last_commit,
            paragraphs: encoded.paragraphs.len(),
        });
        let count = encoded.paragraphs.len() as u64;
        for (paragraph, source) in (0..).zip(encoded.paragraphs) {
            let lines = format!("{}{source}\n", action("index", encoded.key, paragraph));
            self.push(lines, article);
        }
        for paragraph in count..before {
            self.push(action("delete", encoded.key, paragraph), article);
        }
        self.written.insert(article_id.to_string(), count);
        if self.bytes >= BULK_BYTES || self.operations.len() >= BULK_OPERATIONS {
            self.send()?;
        }
        Ok(())
    }

    fn remove(&mut self, selectors: &[Selector]) -> Result<RemoveReport> {
        self.commit()?;
        let mut ids = BTreeSet::new();
        for selector in selectors {
            let query = match selector {
                Selector::Article(id) => json!({"term": {format::name::ARTICLE_ID: id}}),
                Selector::Source(name) => json!({"term": {format::name::SOURCE: name}}),
                Selector::SourceFolder(prefix) => {
                    json!({"prefix": {format::name::SOURCE: prefix}})
                }
            };
            ids.extend(self.matching_articles(&query)?);
        }
        let listed: Vec<&String> = ids.iter().collect();
        let paragraphs = self.delete_articles(&listed)?;
        self.commit()?;
        for id in &ids {
            self.written.remove(id);
            self.stored_paragraphs.remove(id);
        }
        Ok(RemoveReport {
            articles: ids.into_iter().collect(),
            paragraphs: paragraphs as usize,
        })
    }

    fn commit(&mut self) -> Result<()> {
        self.send_and_wait()?;
        self.index.existing(Method::POST, "/_refresh", None)?;
        Ok(())
    }

    /// Also says when the index has fewer copies than it asks for (a node has left).
    fn settle(&mut self) -> Result<()> {
        self.send_and_wait()?;
        // A new index's copies take a moment to start: wait for them a little.
        let path = format!(
            "/_cluster/health/{}?wait_for_status=green&timeout=5s",
            self.index.address.name
        );
        let health = match self.index.client.json(Method::GET, &path, None) {
            Ok(health) => health.unwrap_or_default(),
            Err(error) => {
                // Only a look at the state: what was written stays written.
                self.problems.push(StoreProblem::Warning {
                    location: self.index.url(),
                    message: format!("cannot tell the index's health: {error}"),
                });
                return Ok(());
            }
        };
        let status = health["status"].as_str().unwrap_or("unknown");
        let unassigned = health["unassigned_shards"].as_u64().unwrap_or(0);
        if status == "red" || unassigned > 0 {
            let copies = match unassigned {
                1 => "1 shard copy has".to_string(),
                n => format!("{n} shard copies have"),
            };
            self.problems.push(StoreProblem::Warning {
                location: self.index.url(),
                message: format!(
                    "the index is {status}: {copies} no node (has a node left the cluster?); what was written is on fewer nodes than asked"
                ),
            });
        }
        Ok(())
    }

    fn take_problems(&mut self) -> Vec<StoreProblem> {
        std::mem::take(&mut self.problems)
    }

    /// The cluster merges on its own; there is nothing to wait for.
    fn finish(mut self, _wait: bool) -> Result<()> {
        self.commit()
    }
}
