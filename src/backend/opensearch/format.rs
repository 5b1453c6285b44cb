//! The layout of a stored passage in an OpenSearch index, in both directions: the index's
//! settings and mapping, a [`Document`] written as a JSON source, and a hit's source read
//! back into a [`Hit`]. As `backend::local::format` is for the local index.
//!
//! Analysis follows lede's own as closely as OpenSearch allows: words are runs of
//! alphabetic characters and digits (Rust's `char::is_alphanumeric`, which tantivy's
//! tokenizer uses, is Java's `\p{IsAlphabetic}` or `\p{N}`), lower-cased, stemmed with the
//! Snowball English stemmer (tantivy's `en_stem` uses the same algorithm). Overlong words
//! are dropped: locally from 40 bytes, here from 41 characters (OpenSearch's `length` filter
//! counts characters), the same for English but not for long words in other scripts.
//! Queries reach the index already analysed by lede (see `compile`), so the fields search
//! without stemming again.

use serde_json::{json, Map, Value};

use crate::article::ArticleDate;
use crate::document::{CountryEvidence, Document};
use crate::gazetteer::CountryCode;
use crate::query::request::FacetKind;
use crate::query::response::{CountryWhy, Hit};

/// The version of the mapping below, recorded in the index's `_meta`: an index made with
/// another version is refused with a message.
pub const MAPPING_VERSION: u64 = 2;

/// The mapping versions this lede reads: 1 lacks the `work` field, which
/// [`mapping_upgrade`] adds.
pub const READABLE_MAPPINGS: [u64; 2] = [1, MAPPING_VERSION];

/// Field names.
pub mod name {
    /// Stable article id (keyword).
    pub const ARTICLE_ID: &str = "article_id";
    /// 0-based paragraph ordinal.
    pub const PARAGRAPH: &str = "paragraph";
    /// Byte offset of the paragraph in the article body.
    pub const OFFSET: &str = "offset";
    /// First words of an untitled article.
    pub const HEADING: &str = "heading";
    /// Article title (analysed).
    pub const TITLE: &str = "title";
    /// Paragraph text (analysed).
    pub const BODY: &str = "body";
    /// Article author (keyword).
    pub const AUTHOR: &str = "author";
    /// Source file (keyword).
    pub const SOURCE: &str = "source";
    /// Article URL.
    pub const URL: &str = "url";
    /// Article date (seconds since the epoch).
    pub const DATE: &str = "date";
    /// Country codes (keyword).
    pub const COUNTRY: &str = "country";
    /// People (keyword).
    pub const PERSON: &str = "person";
    /// Organisations (keyword).
    pub const ORG: &str = "org";
    /// Places as `CODE/Name` (keyword).
    pub const PLACE: &str = "place";
    /// Names used for works or bands (keyword).
    pub const WORK: &str = "work";
    /// The spans that gave each country (not indexed).
    pub const COUNTRY_EVIDENCE: &str = "country_evidence";
    /// Hash of the article content and pipeline version (paragraph 0 only).
    pub const CONTENT_HASH: &str = "content_hash";
    /// How many paragraphs the article has (paragraph 0 only): what a re-ingest that
    /// shortens the article deletes.
    pub const PARAGRAPHS: &str = "paragraphs";
}

/// The field of a facet kind.
pub fn facet_field(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Country => name::COUNTRY,
        FacetKind::Person => name::PERSON,
        FacetKind::Org => name::ORG,
        FacetKind::Work => name::WORK,
    }
}

/// What turns the mapping of version 1 into this version's: the `work` field.
pub fn mapping_upgrade() -> Value {
    json!({
        "_meta": {"lede_mapping_version": MAPPING_VERSION, "schema": "lede-paragraphs"},
        "properties": { name::WORK: {"type": "keyword"} }
    })
}

/// Hits a search may skip and return together: lede pages up to a million passages deep.
pub const MAX_RESULT_WINDOW: u64 = 1_010_000;

/// The settings and mappings a new index is created with, of `shards` primary shards each
/// with `replicas` copies.
pub fn index_body(shards: u32, replicas: u32) -> Value {
    let text = json!({"type": "text", "analyzer": "lede_en", "search_analyzer": "lede_terms"});
    let keyword = json!({"type": "keyword"});
    let stored_only = json!({"type": "keyword", "index": false, "doc_values": false});
    json!({
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "max_result_window": MAX_RESULT_WINDOW
            },
            "analysis": {
                "tokenizer": {
                    "lede_words": {"type": "pattern", "pattern": "[^\\p{IsAlphabetic}\\p{N}]+"}
                },
                "filter": {
                    "lede_long": {"type": "length", "max": 40},
                    "lede_stem": {"type": "snowball", "language": "English"}
                },
                "analyzer": {
                    "lede_en": {"type": "custom", "tokenizer": "lede_words",
                                "filter": ["lede_long", "lowercase", "lede_stem"]},
                    "lede_terms": {"type": "custom", "tokenizer": "lede_words",
                                   "filter": ["lowercase"]}
                }
            }
        },
        "mappings": {
            "_meta": {"lede_mapping_version": MAPPING_VERSION, "schema": "lede-paragraphs"},
            "dynamic": "strict",
            "properties": {
                name::ARTICLE_ID: keyword,
                name::PARAGRAPH: {"type": "integer"},
                name::OFFSET: {"type": "integer", "index": false},
                name::HEADING: stored_only,
                name::TITLE: text,
                name::BODY: text,
                name::AUTHOR: keyword,
                name::SOURCE: keyword,
                name::URL: stored_only,
                name::DATE: {"type": "date", "format": "epoch_second"},
                name::COUNTRY: keyword,
                name::PERSON: keyword,
                name::ORG: keyword,
                name::PLACE: keyword,
                name::WORK: keyword,
                name::COUNTRY_EVIDENCE: {"type": "object", "enabled": false},
                name::CONTENT_HASH: stored_only,
                name::PARAGRAPHS: {"type": "integer", "index": false}
            }
        }
    })
}

/// The document id of paragraph `paragraph` of the article with `key`: fixed, so that
/// writing an article again overwrites its paragraphs instead of adding them.
pub fn document_id(key: u64, paragraph: u64) -> String {
    format!("{key:016x}-{paragraph}")
}

/// One paragraph as an OpenSearch source; `paragraphs` is the article's paragraph count,
/// written with the first paragraph.
pub fn write(document: &Document<'_>, paragraphs: usize) -> Value {
    let article = document.article;
    let entities = document.entities;
    let mut source = Map::new();
    let mut put = |key: &str, value: Value| {
        source.insert(key.to_string(), value);
    };
    put(name::ARTICLE_ID, json!(article.id));
    put(name::PARAGRAPH, json!(document.paragraph.ordinal));
    put(name::OFFSET, json!(document.paragraph.start));
    if let Some(heading) = document.heading {
        put(name::HEADING, json!(heading));
    }
    if let Some(title) = &article.title {
        put(name::TITLE, json!(title));
    }
    put(name::BODY, json!(document.text));
    if let Some(author) = &article.author {
        put(name::AUTHOR, json!(author));
    }
    put(name::SOURCE, json!(article.source));
    if let Some(url) = &article.url {
        put(name::URL, json!(url));
    }
    if let Some(date) = article.date {
        put(name::DATE, json!(date.timestamp()));
    }
    put(name::COUNTRY, json!(entities.countries));
    put(name::PERSON, json!(entities.persons));
    put(name::ORG, json!(entities.orgs));
    let places: Vec<String> = entities
        .places
        .iter()
        .map(|(code, place)| format!("{code}/{place}"))
        .collect();
    put(name::PLACE, json!(places));
    if !entities.works.is_empty() {
        put(name::WORK, json!(entities.works));
    }
    put(
        name::COUNTRY_EVIDENCE,
        json!({ "spans": document.evidence }),
    );
    if let Some(hash) = document.content_hash {
        put(name::CONTENT_HASH, json!(hash));
        put(name::PARAGRAPHS, json!(paragraphs));
    }
    Value::Object(source)
}

/// The fields a hit is read from.
pub fn source_fields() -> Value {
    json!([
        name::ARTICLE_ID,
        name::PARAGRAPH,
        name::HEADING,
        name::TITLE,
        name::BODY,
        name::AUTHOR,
        name::SOURCE,
        name::URL,
        name::DATE,
        name::COUNTRY,
        name::PERSON,
        name::ORG,
        name::COUNTRY_EVIDENCE
    ])
}

/// Reads a hit's `_source` back into a [`Hit`] with `score`.
pub fn read(source: &Value, score: f32) -> Hit {
    let text = |key: &str| source[key].as_str().map(str::to_string);
    let list = |key: &str| -> Vec<String> {
        source[key]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let body = text(name::BODY).unwrap_or_default();
    let evidence: Vec<CountryEvidence> =
        serde_json::from_value(source[name::COUNTRY_EVIDENCE]["spans"].clone()).unwrap_or_default();
    let why = evidence
        .into_iter()
        .filter_map(|e| {
            Some(CountryWhy {
                text: body.get(e.start..e.end)?.to_string(),
                country: e.country,
                start: e.start,
                end: e.end,
                rule: e.evidence,
            })
        })
        .collect();
    let title = text(name::TITLE);
    Hit {
        article_id: text(name::ARTICLE_ID).unwrap_or_default(),
        heading: text(name::HEADING)
            .or_else(|| title.clone())
            .unwrap_or_default(),
        title,
        source: text(name::SOURCE),
        author: text(name::AUTHOR),
        url: text(name::URL),
        paragraph: source[name::PARAGRAPH].as_u64().unwrap_or(0),
        date: source[name::DATE].as_i64().map(ArticleDate::from_timestamp),
        score,
        text: body,
        countries: list(name::COUNTRY)
            .iter()
            .filter_map(|code| CountryCode::parse(code))
            .collect(),
        persons: list(name::PERSON),
        orgs: list(name::ORG),
        why,
        ..Hit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::document::ArticleFields;
    use crate::ingest::{AnalysedArticle, AnalysedParagraph};
    use crate::resolve::{Entities, ResolvedParagraph};

    #[test]
    fn a_document_is_written_and_read_back() {
        let article = Article {
            id: "a1".into(),
            title: Some("Summit".into()),
            author: Some("Ann".into()),
            date: ArticleDate::parse("2023-09-12"),
            url: None,
            source: "news.jsonl".into(),
            origin: "news.jsonl:1".into(),
            body: "First.\n\nKim Jong Un went to Russia.".into(),
        };
        let entities = Entities {
            countries: vec![CountryCode::parse("RU").unwrap()],
            persons: vec!["Kim Jong Un".into()],
            orgs: vec![],
            places: vec![],
            works: vec![],
        };
        let paragraphs = crate::paragraph::split(&article.body)
            .into_iter()
            .map(|paragraph| AnalysedParagraph {
                paragraph,
                resolved: ResolvedParagraph {
                    mentions: vec![],
                    entities: entities.clone(),
                },
            })
            .collect();
        let analysed = AnalysedArticle {
            article,
            paragraphs,
        };
        let shared = ArticleFields::new(&analysed, "hash");
        let sources: Vec<Value> = shared.documents().map(|d| write(&d, 2)).collect();
        assert_eq!(sources[0][name::CONTENT_HASH], "hash");
        assert_eq!(sources[0][name::PARAGRAPHS], 2);
        assert!(sources[1].get(name::CONTENT_HASH).is_none());
        let hit = read(&sources[1], 2.5);
        assert_eq!(
            (hit.article_id.as_str(), hit.paragraph, hit.heading.as_str()),
            ("a1", 1, "Summit")
        );
        assert_eq!(hit.countries, [CountryCode::parse("RU").unwrap()]);
        assert_eq!(hit.persons, ["Kim Jong Un"]);
        assert_eq!(hit.date, ArticleDate::parse("2023-09-12"));
        assert_eq!(document_id(255, 3), "00000000000000ff-3");
    }
}
