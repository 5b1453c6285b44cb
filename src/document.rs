//! Stage 5 of ingest: an analysed article → the documents to store, one per paragraph.
//!
//! A [`Document`] is what every stored passage carries, whatever index keeps it: the
//! paragraph, its article's metadata repeated (so a hit can be shown and filtered without a
//! second lookup), its entities and the evidence behind its countries. How a document is
//! laid out in an index, and read back, is that index's format (`backend::local::format`).

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::extract::Evidence;
use crate::gazetteer::CountryCode;
use crate::ingest::AnalysedArticle;
use crate::paragraph::Paragraph;
use crate::resolve::{Entities, ResolvedParagraph};

/// Words of the first paragraph shown when an article has no title.
const HEADING_WORDS: usize = 12;
/// Longest heading stored, in bytes: every paragraph of the article stores it, so a first
/// "word" of a megabyte (an inline image) once made a 75 MB index of a 1 MB article, and
/// a 20 MB one exhausted memory.
pub const MAX_HEADING_BYTES: usize = 200;

/// One paragraph as stored.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The article it belongs to.
    pub article: &'a Article,
    /// [`article_key`] of the article id.
    pub key: u64,
    /// Position and byte range in the body.
    pub paragraph: &'a Paragraph,
    /// The paragraph text.
    pub text: &'a str,
    /// The heading to store: the first words of the body, or a title that differs from the
    /// stored title once trimmed. `None` when the heading is the title, which a reader uses
    /// instead: storing it again would make every paragraph carry the title three times.
    pub heading: Option<&'a str>,
    /// Countries, people, organisations and places.
    pub entities: &'a Entities,
    /// The spans behind each country.
    pub evidence: Vec<CountryEvidence>,
    /// Hash of content and pipeline version, on the article's first paragraph only (the
    /// writer reads an article's hash from there).
    pub content_hash: Option<&'a str>,
}

/// What every paragraph of one article shares.
#[derive(Debug, Clone)]
pub struct ArticleFields<'a> {
    /// The analysed article.
    pub analysed: &'a AnalysedArticle,
    /// Hash of the article id.
    pub key: u64,
    /// Hash of content and pipeline version.
    pub content_hash: &'a str,
    /// The heading to store, see [`Document::heading`].
    pub stored_heading: Option<String>,
}

impl<'a> ArticleFields<'a> {
    /// Prepares the shared fields of `analysed`.
    pub fn new(analysed: &'a AnalysedArticle, content_hash: &'a str) -> ArticleFields<'a> {
        let article = &analysed.article;
        ArticleFields {
            analysed,
            key: article_key(&article.id),
            content_hash,
            stored_heading: Some(heading(article))
                .filter(|heading| article.title.as_deref() != Some(heading.as_str())),
        }
    }

    /// The documents of every paragraph, in order.
    pub fn documents(&self) -> impl Iterator<Item = Document<'_>> {
        let article = &self.analysed.article;
        self.analysed.paragraphs.iter().map(move |p| Document {
            article,
            key: self.key,
            paragraph: &p.paragraph,
            text: p.paragraph.text(&article.body),
            heading: self.stored_heading.as_deref(),
            entities: &p.resolved.entities,
            evidence: country_evidence(&p.resolved),
            content_hash: (p.paragraph.ordinal == 0).then_some(self.content_hash),
        })
    }
}

/// Stable 64-bit key of an article id, for counting distinct articles; stored in indexes, so
/// it must never change.
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
    let heading = words[..words.len().min(HEADING_WORDS)].join(" ");
    if heading.len() > MAX_HEADING_BYTES {
        let mut end = MAX_HEADING_BYTES;
        while !heading.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &heading[..end])
    } else if words.len() > HEADING_WORDS {
        format!("{heading}…")
    } else {
        heading
    }
}

/// A span of a paragraph that gave it a country: the answer to "why is this passage
/// tagged KP?". Stored with the passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryEvidence {
    /// Byte offset in the paragraph.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// The country.
    pub country: CountryCode,
    /// The rule that read the span (`capital`, `demonym`, `metonym`...).
    #[serde(flatten)]
    pub evidence: Evidence,
}

/// The spans behind each of a paragraph's countries, in text order.
pub fn country_evidence(resolved: &ResolvedParagraph) -> Vec<CountryEvidence> {
    resolved
        .mentions
        .iter()
        .filter(|m| m.gives_country())
        .filter_map(|m| {
            Some(CountryEvidence {
                start: m.start,
                end: m.end,
                country: m.country?,
                evidence: m.evidence,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: Option<&str>, body: &str) -> Article {
        Article {
            id: "a1".into(),
            title: title.map(str::to_string),
            author: Some("Ann".into()),
            date: crate::article::ArticleDate::parse("2023-09-12"),
            url: None,
            source: "corpus/a.txt".into(),
            origin: "corpus/a.txt".into(),
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
        let image = format!("data:image/png;base64,{} more", "A".repeat(1 << 20));
        let cut = heading(&article(None, &image));
        assert_eq!(cut.len(), MAX_HEADING_BYTES + "…".len(), "{cut}");
        assert!(cut.ends_with('…'));
        let wide = heading(&article(None, &"é".repeat(1000)));
        assert!(wide.len() <= MAX_HEADING_BYTES + "…".len());
    }

    #[test]
    fn article_keys_are_stable() {
        // Stored in indexes: a change would split every article's counts.
        assert_eq!(
            article_key("corpus/vladivostok-summit.txt"),
            article_key("corpus/vladivostok-summit.txt")
        );
        assert_eq!(article_key("a"), 6_027_058_585_768_261_143);
        assert_ne!(article_key("a"), article_key("b"));
    }

    #[test]
    fn evidence_reads_back_with_its_rule_and_old_entries_still_read() {
        let evidence = CountryEvidence {
            start: 0,
            end: 9,
            country: CountryCode::parse("KP").unwrap(),
            evidence: Evidence::City { population: 100 },
        };
        let json = serde_json::to_string(&evidence).unwrap();
        assert_eq!(
            json,
            r#"{"start":0,"end":9,"country":"KP","rule":"city","population":100}"#
        );
        assert_eq!(
            serde_json::from_str::<CountryEvidence>(&json).unwrap(),
            evidence
        );
        // Indexes written before the population was stored.
        let old: CountryEvidence =
            serde_json::from_str(r#"{"start":0,"end":9,"country":"KP","rule":"capital"}"#).unwrap();
        assert_eq!(old.evidence, Evidence::Capital);
    }
}
