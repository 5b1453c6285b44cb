//! Stages 2 to 4 for one article: body → paragraphs → mentions → entities.
//!
//! Mentions are extracted paragraph by paragraph; entities are resolved with the whole
//! article as context (short names of people, places named elsewhere in it).

use crate::article::Article;
use crate::extract::{words, Extractor};
use crate::gazetteer::Gazetteer;
use crate::paragraph::{self, Paragraph};
use crate::resolve::{self, ResolvedParagraph};

/// A paragraph with its entities decided.
#[derive(Debug, Clone)]
pub struct AnalysedParagraph {
    /// Position and byte range in the body.
    pub paragraph: Paragraph,
    /// Mentions and entities.
    pub resolved: ResolvedParagraph,
}

/// An article split into paragraphs, each with its mentions and entities.
#[derive(Debug, Clone)]
pub struct AnalysedArticle {
    /// The article.
    pub article: Article,
    /// Its paragraphs, in order.
    pub paragraphs: Vec<AnalysedParagraph>,
}

/// Paragraphs whose entities are resolved together. Article-wide context (short names of
/// people, countries named elsewhere) spans this many paragraphs; a giant "article" (a
/// 50 MB line, a whole book) is resolved window by window so that memory stays bounded.
const CONTEXT_PARAGRAPHS: usize = 500;

/// Splits an article and finds the entities of each paragraph.
pub fn analyse(article: Article, extractor: &Extractor, gazetteer: &Gazetteer) -> AnalysedArticle {
    let paragraphs = paragraph::split(&article.body);
    let mut resolved = Vec::with_capacity(paragraphs.len());
    for window in paragraphs.chunks(CONTEXT_PARAGRAPHS) {
        let texts: Vec<&str> = window.iter().map(|p| p.text(&article.body)).collect();
        let words: Vec<_> = texts.iter().map(|text| words::words(text)).collect();
        let mentions = texts
            .iter()
            .zip(&words)
            .map(|(text, words)| extractor.extract_with_words(text, words))
            .collect();
        resolved.extend(resolve::resolve(
            gazetteer,
            &texts,
            words,
            mentions,
            article.date,
        ));
    }
    let paragraphs = paragraphs
        .into_iter()
        .zip(resolved)
        .map(|(paragraph, resolved)| AnalysedParagraph {
            paragraph,
            resolved,
        })
        .collect();
    AnalysedArticle {
        article,
        paragraphs,
    }
}
