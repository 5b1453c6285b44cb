//! Runs a parsed query: top passages, exact total and facet counts in one pass over the
//! matches (collectors combined), then the stored fields of the top passages.

use tantivy::collector::{Count, TopDocs};
use tantivy::schema::{Facet, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::facet::{EntityFacetCollector, FacetCount};
use super::parse::ParsedQuery;
use super::request::QueryRequest;
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
    /// The requested page of best passages.
    pub hits: Vec<StoredHit>,
    /// Facet counts, one list per requested kind, in request order.
    pub facets: Vec<Vec<FacetCount>>,
}

/// Searches `searcher` for `parsed`, returning the page `request` asks for.
pub fn search(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &ParsedQuery,
    request: &QueryRequest,
) -> Result<Matches> {
    let top = TopDocs::with_limit(request.limit.max(1))
        .and_offset(request.offset)
        .order_by_score();
    let facets = EntityFacetCollector::new(
        searcher.schema().get_field_name(fields.entities),
        searcher.schema().get_field_name(fields.article_key),
        &request.facets,
    );
    let (top, total, facets) = searcher.search(&parsed.query, &(top, Count, facets))?;
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
        article_id: text(fields.article_id).unwrap_or_default(),
        heading: text(fields.heading).unwrap_or_default(),
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
