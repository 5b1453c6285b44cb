//! Runs a parsed query: top passages, exact total and facet counts in one pass over the
//! matches (collectors combined), then the stored fields of the top passages.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use super::facet::{EntityFacetCollector, FacetCount};
use super::request::{FacetKind, QueryRequest};
use crate::article::ArticleDate;
use crate::document::facet_root;
use crate::error::Result;
use crate::resolve::CountryEvidence;
use crate::schema::Fields;

/// A matching passage as stored in the index.
#[derive(Debug, Clone)]
pub struct StoredHit {
    /// BM25 score.
    pub score: f32,
    /// Where the passage is in the index.
    pub address: DocAddress,
    /// Article id.
    pub article_id: String,
    /// Title or first words.
    pub heading: String,
    /// Article title.
    pub title: Option<String>,
    /// Source file.
    pub source: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Paragraph number.
    pub paragraph: u64,
    /// Article date.
    pub date: Option<ArticleDate>,
    /// The passage text.
    pub text: String,
    /// Country codes of the passage.
    pub countries: Vec<String>,
    /// People of the passage.
    pub persons: Vec<String>,
    /// Organisations of the passage.
    pub orgs: Vec<String>,
    /// The spans that gave each country.
    pub country_evidence: Vec<CountryEvidence>,
}

/// What one search pass yields.
pub struct Matches {
    /// Total matching passages.
    pub total: u64,
    /// The requested page of best passages (with --per-article, the best of each article).
    pub hits: Vec<StoredHit>,
    /// Facet counts, one list per kind asked, in that order.
    pub facets: Vec<Vec<FacetCount>>,
}

/// Searches for `query`: the page `request` asks for, the exact total, and the counts of
/// `facet_kinds`, in one pass over the matches (two with --per-article).
pub fn search(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    request: &QueryRequest,
    facet_kinds: &[FacetKind],
) -> Result<Matches> {
    let facets = facet_collector(searcher, fields, facet_kinds);
    let wanted = request.limit.max(1);
    let (top, total, facets) = if request.per_article {
        let (total, facets) = searcher.search(query, &(Count, facets))?;
        let best = best_per_article(searcher, fields, query, request.offset + wanted)?;
        let page = best.into_iter().skip(request.offset).take(wanted).collect();
        (page, total, facets)
    } else {
        let top = TopDocs::with_limit(wanted)
            .and_offset(request.offset)
            .order_by_score();
        searcher.search(query, &(top, Count, facets))?
    };
    let hits = if request.limit == 0 {
        Vec::new()
    } else {
        top.into_iter()
            .map(|(score, address)| stored_hit(searcher, fields, score, address))
            .collect::<Result<Vec<_>>>()?
    };
    Ok(Matches {
        total: total as u64,
        hits,
        facets,
    })
}

fn facet_collector(
    searcher: &Searcher,
    fields: &Fields,
    kinds: &[FacetKind],
) -> EntityFacetCollector {
    EntityFacetCollector::new(
        searcher.schema().get_field_name(fields.entities),
        searcher.schema().get_field_name(fields.article_key),
        kinds,
    )
}

/// Facet counts of `kinds` over the matches of `query`.
pub fn facet_counts(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    kinds: &[FacetKind],
) -> Result<Vec<Vec<FacetCount>>> {
    Ok(searcher.search(query, &facet_collector(searcher, fields, kinds))?)
}

/// Number of passages matching `query`.
pub fn count(searcher: &Searcher, query: &dyn Query) -> Result<u64> {
    Ok(searcher.search(query, &Count)? as u64)
}

/// The best passage of each of the best `wanted` articles, best first. Passages are read
/// best first in growing batches until enough distinct articles are seen.
pub fn best_per_article(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    wanted: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    let key_field = searcher
        .schema()
        .get_field_name(fields.article_key)
        .to_string();
    let keys = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().u64(&key_field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut batch = wanted.saturating_mul(4).max(64);
    loop {
        let top = searcher.search(query, &TopDocs::with_limit(batch).order_by_score())?;
        let mut seen = HashSet::new();
        let mut best = Vec::new();
        for (score, address) in &top {
            let key = keys[address.segment_ord as usize]
                .first(address.doc_id)
                .unwrap_or(u64::MAX);
            if seen.insert(key) {
                best.push((*score, *address));
                if best.len() == wanted {
                    return Ok(best);
                }
            }
        }
        if top.len() < batch {
            return Ok(best);
        }
        batch = batch.saturating_mul(4);
    }
}

/// Matching passages per article (by article key), in one pass over the matches.
pub fn passages_per_article(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
) -> Result<HashMap<u64, u64>> {
    let collector = PassagesPerArticle {
        field: searcher
            .schema()
            .get_field_name(fields.article_key)
            .to_string(),
    };
    Ok(searcher.search(query, &collector)?)
}

/// The paragraphs of `article_id` within `n` of `paragraph`, in order, `paragraph` left out.
pub fn context(
    searcher: &Searcher,
    fields: &Fields,
    article_id: &str,
    paragraph: u64,
    n: usize,
) -> Result<Vec<(u64, String)>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let low = paragraph.saturating_sub(n as u64);
    let high = paragraph + n as u64;
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.article_id, article_id),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.paragraph, low)),
                Bound::Included(Term::from_field_u64(fields.paragraph, high)),
            )),
        ),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(2 * n + 1).order_by_score())?;
    let mut paragraphs = Vec::new();
    for (_, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let number = doc
            .get_first(fields.paragraph)
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        if number != paragraph {
            let text = doc
                .get_first(fields.body)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            paragraphs.push((number, text.to_string()));
        }
    }
    paragraphs.sort_by_key(|(number, _)| *number);
    Ok(paragraphs)
}

/// Counts the matches of each article.
struct PassagesPerArticle {
    field: String,
}

/// Per-segment state of [`PassagesPerArticle`].
struct SegmentPassages {
    keys: tantivy::columnar::Column<u64>,
    counts: HashMap<u64, u64>,
}

impl Collector for PassagesPerArticle {
    type Fruit = HashMap<u64, u64>;
    type Child = SegmentPassages;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentPassages> {
        Ok(SegmentPassages {
            keys: segment.fast_fields().u64(&self.field)?,
            counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, u64>>) -> tantivy::Result<HashMap<u64, u64>> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *merged.entry(key).or_insert(0) += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentPassages {
    type Fruit = HashMap<u64, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(key) = self.keys.first(doc) {
            *self.counts.entry(key).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> HashMap<u64, u64> {
        self.counts
    }
}

fn stored_hit(
    searcher: &Searcher,
    fields: &Fields,
    score: f32,
    address: DocAddress,
) -> Result<StoredHit> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let mut countries = Vec::new();
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    for value in doc.get_all(fields.entities) {
        let Some(encoded) = value.as_facet() else {
            continue;
        };
        let facet =
            Facet::from_encoded(encoded.as_bytes().to_vec()).unwrap_or_else(|_| Facet::root());
        match facet.to_path().as_slice() {
            [facet_root::COUNTRY, code] => countries.push(code.to_string()),
            [facet_root::PERSON, name] => persons.push(name.to_string()),
            [facet_root::ORG, name] => orgs.push(name.to_string()),
            _ => {}
        }
    }
    Ok(StoredHit {
        score,
        address,
        article_id: text(fields.article_id).unwrap_or_default(),
        // Stored only when it is not the title (see document::paragraph_document).
        heading: text(fields.heading)
            .or_else(|| text(fields.title))
            .unwrap_or_default(),
        title: text(fields.title),
        source: text(fields.source),
        author: text(fields.author),
        url: text(fields.url),
        paragraph: doc
            .get_first(fields.paragraph)
            .and_then(|v| v.as_u64())
            .unwrap_or(0),
        date: doc
            .get_first(fields.date)
            .and_then(|v| v.as_datetime())
            .map(|d| ArticleDate::from_timestamp(d.into_timestamp_secs())),
        text: text(fields.body).unwrap_or_default(),
        countries,
        persons,
        orgs,
        // Written by lede itself; an unreadable value only loses the explanation.
        country_evidence: text(fields.country_evidence)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
    })
}
