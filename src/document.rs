//! Stage 5 of ingest: paragraph + entities → index document.
//!
//! One tantivy document per paragraph. Article metadata is repeated on each paragraph so that
//! a hit can be shown and filtered without a second lookup; the stored-field compressor makes
//! the repetition cheap.

use tantivy::schema::Facet;
use tantivy::{DateTime, TantivyDocument};

use crate::article::Article;
use crate::paragraph::Paragraph;
use crate::resolve::{Entities, ResolvedParagraph};
use crate::schema::Fields;

/// Words of the first paragraph shown when an article has no title.
const HEADING_WORDS: usize = 12;

/// Facet root of each entity kind in the `entities` field.
pub mod facet_root {
    /// `/country/KP`
    pub const COUNTRY: &str = "country";
    /// `/person/Kim Jong Un`
    pub const PERSON: &str = "person";
    /// `/org/National Security Council`
    pub const ORG: &str = "org";
    /// `/place/RU/Vladivostok`
    pub const PLACE: &str = "place";
}

/// What every paragraph of one article shares.
#[derive(Debug, Clone)]
pub struct ArticleFields<'a> {
    /// The article.
    pub article: &'a Article,
    /// Hash of the article id (distinct-article counting).
    pub key: u64,
    /// Hash of content and pipeline version.
    pub content_hash: &'a str,
    /// The heading to store: the first words of the body, or a title that differs from
    /// the stored title once trimmed. `None` when the heading is the title, which the query
    /// reads back instead: storing it again would make every paragraph carry the title
    /// three times (indexed, stored, heading).
    pub stored_heading: Option<String>,
}

impl<'a> ArticleFields<'a> {
    /// Prepares the shared fields of `article`.
    pub fn new(article: &'a Article, content_hash: &'a str) -> ArticleFields<'a> {
        ArticleFields {
            article,
            key: article_key(&article.id),
            content_hash,
            stored_heading: Some(heading(article))
                .filter(|heading| article.title.as_deref() != Some(heading.as_str())),
        }
    }
}

/// Stable 64-bit key of an article id; stored in the index, so it must never change.
pub fn article_key(id: &str) -> u64 {
    let hash = blake3::hash(id.as_bytes());
    u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"))
}

/// The title, or the first words of the body followed by an ellipsis.
pub fn heading(article: &Article) -> String {
    if let Some(title) = article.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return title.trim().to_string();
    }
    let words: Vec<&str> = article
        .body
        .split_whitespace()
        .take(HEADING_WORDS + 1)
        .collect();
    if words.len() > HEADING_WORDS {
        format!("{}…", words[..HEADING_WORDS].join(" "))
    } else {
        words.join(" ")
    }
}

/// Builds the document of one paragraph.
pub fn paragraph_document(
    fields: &Fields,
    shared: &ArticleFields<'_>,
    paragraph: &Paragraph,
    resolved: &ResolvedParagraph,
) -> TantivyDocument {
    let entities = &resolved.entities;
    let article = shared.article;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.article_id, &article.id);
    doc.add_u64(fields.article_key, shared.key);
    doc.add_u64(fields.paragraph, paragraph.ordinal as u64);
    doc.add_u64(fields.offset, paragraph.start as u64);
    if let Some(heading) = &shared.stored_heading {
        doc.add_text(fields.heading, heading);
    }
    if let Some(title) = &article.title {
        doc.add_text(fields.title, title);
    }
    doc.add_text(fields.body, paragraph.text(&article.body));
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
    // The writer reads the hash of an article from its first paragraph only.
    if paragraph.ordinal == 0 {
        doc.add_text(fields.content_hash, shared.content_hash);
    }
    let evidence =
        serde_json::to_string(&resolved.country_evidence()).expect("evidence serialises");
    doc.add_text(fields.country_evidence, evidence);
    for facet in entity_facets(entities) {
        doc.add_facet(fields.entities, facet);
    }
    doc
}

/// The facets of a paragraph's entities.
pub fn entity_facets(entities: &Entities) -> Vec<Facet> {
    let mut facets = Vec::new();
    for code in &entities.countries {
        facets.push(Facet::from_path([facet_root::COUNTRY, code.as_str()]));
    }
    for person in &entities.persons {
        facets.push(Facet::from_path([
            facet_root::PERSON,
            &facet_segment(person),
        ]));
    }
    for org in &entities.orgs {
        facets.push(Facet::from_path([facet_root::ORG, &facet_segment(org)]));
    }
    for (code, place) in &entities.places {
        facets.push(Facet::from_path([
            facet_root::PLACE,
            code.as_str(),
            &facet_segment(place),
        ]));
    }
    facets
}

/// Facet path segments are separated by NUL inside tantivy: control characters are dropped.
fn facet_segment(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::CountryCode;
    use crate::schema::IndexSchema;
    use tantivy::schema::Value;

    fn article(title: Option<&str>, body: &str) -> Article {
        Article {
            id: "a1".into(),
            title: title.map(str::to_string),
            author: Some("Ann".into()),
            date: crate::article::ArticleDate::parse("2023-09-12"),
            url: None,
            source: "corpus/a.txt".into(),
            body: body.into(),
        }
    }

    #[test]
    fn heading_is_the_title_or_the_first_words() {
        assert_eq!(heading(&article(Some("Summit"), "x")), "Summit");
        assert_eq!(
            heading(&article(
                None,
                "one two three four five six seven eight nine ten eleven twelve thirteen"
            )),
            "one two three four five six seven eight nine ten eleven twelve…"
        );
        assert_eq!(heading(&article(None, "short body")), "short body");
    }

    #[test]
    fn a_document_carries_the_paragraph_and_its_facets() {
        let schema = IndexSchema::load().unwrap();
        let a = article(Some("Summit"), "First.\n\nSecond paragraph.");
        let paragraph = crate::paragraph::split(&a.body)[1];
        let entities = Entities {
            countries: vec![CountryCode::parse("KP").unwrap()],
            persons: vec!["Kim Jong Un".into()],
            orgs: vec![],
            places: vec![(CountryCode::parse("RU").unwrap(), "Vladivostok".into())],
        };
        let shared = ArticleFields::new(&a, "hash");
        let resolved = ResolvedParagraph {
            mentions: vec![],
            entities,
        };
        let doc = paragraph_document(&schema.fields, &shared, &paragraph, &resolved);
        let f = schema.fields;
        assert_eq!(
            doc.get_first(f.body).and_then(|v| v.as_str()),
            Some("Second paragraph.")
        );
        assert_eq!(doc.get_first(f.paragraph).and_then(|v| v.as_u64()), Some(1));
        assert_eq!(doc.get_first(f.offset).and_then(|v| v.as_u64()), Some(8));
        // The title is the heading; only the first paragraph carries the hash.
        assert!(doc.get_first(f.heading).is_none());
        assert!(doc.get_first(f.content_hash).is_none());
        let first = crate::paragraph::split(&a.body)[0];
        let doc = paragraph_document(&schema.fields, &shared, &first, &resolved);
        assert_eq!(
            doc.get_first(f.content_hash).and_then(|v| v.as_str()),
            Some("hash")
        );
        let untitled = article(None, "First words.");
        let shared = ArticleFields::new(&untitled, "hash");
        let doc = paragraph_document(&schema.fields, &shared, &first, &resolved);
        assert_eq!(
            doc.get_first(f.heading).and_then(|v| v.as_str()),
            Some("First words.")
        );
        let facets: Vec<String> = doc
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
                "/place/RU/Vladivostok"
            ]
        );
    }

    #[test]
    fn article_keys_are_stable() {
        assert_eq!(
            article_key("corpus/vladivostok-summit.txt"),
            article_key("corpus/vladivostok-summit.txt")
        );
        assert_ne!(article_key("a"), article_key("b"));
    }
}
