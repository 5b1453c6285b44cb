//! The layout of a stored passage in the local index, in both directions: a [`Document`]
//! is written into a tantivy document here, and a stored tantivy document is read back
//! into a [`Hit`] here. Every field name, the facet paths (`/country/KP`, `/person/…`,
//! `/org/…`, `/place/RU/Vladivostok`) and the encoding of the country evidence live in this
//! file and nowhere else.

use tantivy::schema::{Facet, Field, FieldType, Schema, Value};
use tantivy::{DateTime, TantivyDocument, Term};

use super::schema::Kind;
use crate::article::ArticleDate;
use crate::document::{CountryEvidence, Document};
use crate::error::{Error, Result};
use crate::gazetteer::CountryCode;
use crate::query::request::FacetKind;
use crate::query::response::{CountryWhy, Hit};
use crate::resolve::Entities;

/// Field names, as `schema/index.json` declares them.
pub mod name {
    /// Stable article id (exact string, stored, fast).
    pub const ARTICLE_ID: &str = "article_id";
    /// Hash of the article id (fast), for distinct-article counts.
    pub const ARTICLE_KEY: &str = "article_key";
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
    /// Article author.
    pub const AUTHOR: &str = "author";
    /// Source file.
    pub const SOURCE: &str = "source";
    /// Article URL.
    pub const URL: &str = "url";
    /// Article date.
    pub const DATE: &str = "date";
    /// Entity facets.
    pub const ENTITIES: &str = "entities";
    /// The spans that gave each country, as JSON.
    pub const COUNTRY_EVIDENCE: &str = "country_evidence";
    /// Hash of the article content and pipeline version.
    pub const CONTENT_HASH: &str = "content_hash";
}

/// First segment of each kind of entity facet.
mod root {
    /// `/country/KP`
    pub const COUNTRY: &str = "country";
    /// `/person/Kim Jong Un`
    pub const PERSON: &str = "person";
    /// `/org/National Security Council`
    pub const ORG: &str = "org";
    /// `/place/RU/Vladivostok`
    pub const PLACE: &str = "place";
    /// `/work/Vera Smith`: a name the article uses for a work or a band
    pub const WORK: &str = "work";
}

/// The first segment of a facet kind's paths.
pub fn facet_root(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Country => root::COUNTRY,
        FacetKind::Person => root::PERSON,
        FacetKind::Org => root::ORG,
        FacetKind::Work => root::WORK,
    }
}

/// The facet of one value: `/country/KP`.
pub fn facet(kind: FacetKind, value: &str) -> Facet {
    Facet::from_path([facet_root(kind), value])
}

/// The term a value is indexed under in the entity field: what a facet filter searches and
/// what counts of a value's passages read.
pub fn facet_term(entities: Field, kind: FacetKind, value: &str) -> Term {
    Term::from_facet(entities, &facet(kind, value))
}

/// Handles to every field the code reads or writes, resolved by name from the schema.
///
/// Resolving fails when the schema file lacks a field or declares it with another kind, which
/// is what makes the schema file the single source of truth.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Stable article id (exact string).
    pub article_id: Field,
    /// Hash of the article id, for distinct-article counts.
    pub article_key: Field,
    /// Paragraph ordinal.
    pub paragraph: Field,
    /// Byte offset of the paragraph in the article body.
    pub offset: Field,
    /// Title or first words of the article, for display.
    pub heading: Field,
    /// Article title.
    pub title: Field,
    /// Paragraph text.
    pub body: Field,
    /// Article author.
    pub author: Field,
    /// Source file.
    pub source: Field,
    /// Article URL.
    pub url: Field,
    /// Article date.
    pub date: Field,
    /// Entity facets.
    pub entities: Field,
    /// The spans that gave each country, as JSON.
    pub country_evidence: Field,
    /// Hash of the article content and pipeline version.
    pub content_hash: Field,
}

/// Every field the code uses, with the kind it expects.
pub const REQUIRED_FIELDS: &[(&str, Kind)] = &[
    (name::ARTICLE_ID, Kind::String),
    (name::ARTICLE_KEY, Kind::U64),
    (name::PARAGRAPH, Kind::U64),
    (name::OFFSET, Kind::U64),
    (name::HEADING, Kind::String),
    (name::TITLE, Kind::Text),
    (name::BODY, Kind::Text),
    (name::AUTHOR, Kind::String),
    (name::SOURCE, Kind::String),
    (name::URL, Kind::String),
    (name::DATE, Kind::Date),
    (name::ENTITIES, Kind::Facet),
    (name::COUNTRY_EVIDENCE, Kind::String),
    (name::CONTENT_HASH, Kind::String),
];

impl Fields {
    /// Looks up every required field in `schema`, checking its kind.
    pub fn resolve(schema: &Schema) -> Result<Fields> {
        for (name, kind) in REQUIRED_FIELDS {
            let field = schema
                .get_field(name)
                .map_err(|_| Error::Schema(format!("the schema has no field `{name}`")))?;
            let actual = schema.get_field_entry(field).field_type();
            if !kind_matches(*kind, actual) {
                return Err(Error::Schema(format!(
                    "field `{name}` should be of type {kind:?}, the schema declares {:?}",
                    actual.value_type()
                )));
            }
        }
        let get = |name: &str| schema.get_field(name).expect("checked above");
        Ok(Fields {
            article_id: get(name::ARTICLE_ID),
            article_key: get(name::ARTICLE_KEY),
            paragraph: get(name::PARAGRAPH),
            offset: get(name::OFFSET),
            heading: get(name::HEADING),
            title: get(name::TITLE),
            body: get(name::BODY),
            author: get(name::AUTHOR),
            source: get(name::SOURCE),
            url: get(name::URL),
            date: get(name::DATE),
            entities: get(name::ENTITIES),
            country_evidence: get(name::COUNTRY_EVIDENCE),
            content_hash: get(name::CONTENT_HASH),
        })
    }
}

fn kind_matches(kind: Kind, actual: &FieldType) -> bool {
    matches!(
        (kind, actual),
        (Kind::Text | Kind::String, FieldType::Str(_))
            | (Kind::U64, FieldType::U64(_))
            | (Kind::Date, FieldType::Date(_))
            | (Kind::Facet, FieldType::Facet(_))
    )
}

/// Writes one paragraph's document.
pub fn write(fields: &Fields, document: &Document<'_>) -> TantivyDocument {
    let article = document.article;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.article_id, &article.id);
    doc.add_u64(fields.article_key, document.key);
    doc.add_u64(fields.paragraph, document.paragraph.ordinal as u64);
    doc.add_u64(fields.offset, document.paragraph.start as u64);
    if let Some(heading) = document.heading {
        doc.add_text(fields.heading, heading);
    }
    if let Some(title) = &article.title {
        doc.add_text(fields.title, title);
    }
    doc.add_text(fields.body, document.text);
    if let Some(author) = &article.author {
        doc.add_text(fields.author, author);
    }
    doc.add_text(fields.source, &article.source);
    if let Some(url) = &article.url {
        doc.add_text(fields.url, url);
    }
    if let Some(date) = article.date {
        doc.add_date(fields.date, DateTime::from_timestamp_secs(date.timestamp()));
    }
    if let Some(hash) = document.content_hash {
        doc.add_text(fields.content_hash, hash);
    }
    let evidence = serde_json::to_string(&document.evidence).expect("evidence serialises");
    doc.add_text(fields.country_evidence, evidence);
    for facet in entity_facets(document.entities) {
        doc.add_facet(fields.entities, facet);
    }
    doc
}

/// The facets of a paragraph's entities.
fn entity_facets(entities: &Entities) -> Vec<Facet> {
    let mut facets = Vec::new();
    for code in &entities.countries {
        facets.push(facet(FacetKind::Country, code.as_str()));
    }
    for person in &entities.persons {
        facets.push(facet(FacetKind::Person, &facet_segment(person)));
    }
    for org in &entities.orgs {
        facets.push(facet(FacetKind::Org, &facet_segment(org)));
    }
    for (code, place) in &entities.places {
        facets.push(Facet::from_path([
            root::PLACE,
            code.as_str(),
            &facet_segment(place),
        ]));
    }
    for work in &entities.works {
        facets.push(facet(FacetKind::Work, &facet_segment(work)));
    }
    facets
}

/// Facet path segments are separated by NUL inside tantivy: control characters are dropped.
fn facet_segment(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// The text of a stored field.
fn text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The paragraph number of a stored document.
pub fn paragraph(fields: &Fields, doc: &TantivyDocument) -> u64 {
    doc.get_first(fields.paragraph)
        .and_then(|v| v.as_u64())
        .unwrap_or(0)
}

/// The paragraph text of a stored document.
pub fn body(fields: &Fields, doc: &TantivyDocument) -> String {
    text(doc, fields.body).unwrap_or_default()
}

/// The content hash stored with an article's first paragraph.
pub fn content_hash(fields: &Fields, doc: &TantivyDocument) -> Option<String> {
    text(doc, fields.content_hash)
}

/// Reads a stored document back into a hit with `score`, without snippets.
pub fn read(fields: &Fields, doc: &TantivyDocument, score: f32) -> Hit {
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
            [root::COUNTRY, code] => countries.extend(CountryCode::parse(code)),
            [root::PERSON, name] => persons.push(name.to_string()),
            [root::ORG, name] => orgs.push(name.to_string()),
            _ => {}
        }
    }
    let body = body(fields, doc);
    // Written by lede itself; an unreadable value only loses the explanation.
    let evidence: Vec<CountryEvidence> = text(doc, fields.country_evidence)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
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
    let title = text(doc, fields.title);
    Hit {
        article_id: text(doc, fields.article_id).unwrap_or_default(),
        // Stored only when it is not the title (see Document::heading).
        heading: text(doc, fields.heading)
            .or_else(|| title.clone())
            .unwrap_or_default(),
        title,
        source: text(doc, fields.source),
        author: text(doc, fields.author),
        url: text(doc, fields.url),
        paragraph: paragraph(fields, doc),
        date: doc
            .get_first(fields.date)
            .and_then(|v| v.as_datetime())
            .map(|d| ArticleDate::from_timestamp(d.into_timestamp_secs())),
        score,
        text: body,
        countries,
        persons,
        orgs,
        why,
        ..Hit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::backend::local::schema::IndexSchema;
    use crate::document::ArticleFields;
    use crate::ingest::{AnalysedArticle, AnalysedParagraph};
    use crate::resolve::ResolvedParagraph;

    fn analysed(title: Option<&str>, body: &str, entities: Entities) -> AnalysedArticle {
        let article = Article {
            id: "a1".into(),
            title: title.map(str::to_string),
            author: Some("Ann".into()),
            date: ArticleDate::parse("2023-09-12"),
            url: None,
            source: "corpus/a.txt".into(),
            origin: "corpus/a.txt".into(),
            body: body.into(),
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
        AnalysedArticle {
            article,
            paragraphs,
        }
    }

    #[test]
    fn a_document_is_written_and_read_back() {
        let schema = IndexSchema::load().unwrap();
        let f = schema.fields;
        let entities = Entities {
            countries: vec![CountryCode::parse("KP").unwrap()],
            persons: vec!["Kim Jong Un".into()],
            orgs: vec![],
            places: vec![(CountryCode::parse("RU").unwrap(), "Vladivostok".into())],
            works: vec!["Vera Drake".into()],
        };
        let a = analysed(Some("Summit"), "First.\n\nSecond paragraph.", entities);
        let shared = ArticleFields::new(&a, "hash");
        let docs: Vec<TantivyDocument> = shared.documents().map(|d| write(&f, &d)).collect();
        let second = &docs[1];
        assert_eq!(body(&f, second), "Second paragraph.");
        assert_eq!(paragraph(&f, second), 1);
        assert_eq!(second.get_first(f.offset).and_then(|v| v.as_u64()), Some(8));
        // The title is the heading; only the first paragraph carries the hash.
        assert!(second.get_first(f.heading).is_none());
        assert_eq!(content_hash(&f, second), None);
        assert_eq!(content_hash(&f, &docs[0]).as_deref(), Some("hash"));
        let facets: Vec<String> = second
            .get_all(f.entities)
            .filter_map(|v| {
                v.as_facet().map(|s| {
                    Facet::from_encoded(s.as_bytes().to_vec())
                        .unwrap()
                        .to_string()
                })
            })
            .collect();
        assert_eq!(
            facets,
            [
                "/country/KP",
                "/person/Kim Jong Un",
                "/place/RU/Vladivostok",
                "/work/Vera Drake"
            ]
        );
        let hit = read(&f, second, 1.5);
        assert_eq!(
            (
                hit.article_id.as_str(),
                hit.heading.as_str(),
                hit.paragraph,
                hit.score
            ),
            ("a1", "Summit", 1, 1.5)
        );
        assert_eq!(hit.countries, [CountryCode::parse("KP").unwrap()]);
        assert_eq!(hit.persons, ["Kim Jong Un"]);
        assert_eq!(hit.date, ArticleDate::parse("2023-09-12"));
        assert_eq!(hit.author.as_deref(), Some("Ann"));
    }

    #[test]
    fn an_untitled_article_stores_its_first_words_as_heading() {
        let schema = IndexSchema::load().unwrap();
        let a = analysed(None, "First words.", Entities::default());
        let shared = ArticleFields::new(&a, "hash");
        let doc = write(&schema.fields, &shared.documents().next().unwrap());
        assert_eq!(
            doc.get_first(schema.fields.heading)
                .and_then(|v| v.as_str()),
            Some("First words.")
        );
        assert_eq!(read(&schema.fields, &doc, 0.0).heading, "First words.");
    }
}
