//! The query pipeline: request → parse → search (hits + facets) → snippets → response.
//! This module only chains the stages; each lives in its own file.

pub mod facet;
pub mod parse;
pub mod request;
pub mod response;
pub mod search;
pub mod snippet;

use std::collections::BTreeMap;

use tantivy::{IndexReader, ReloadPolicy};

use crate::error::{Error, Result};
use crate::gazetteer::{Countries, CountryCode};
use crate::index::LedeIndex;
use request::{FacetKind, QueryRequest};
use response::{CountryWhy, FacetValue, Hit, QueryResponse, SnippetData};
use search::StoredHit;
use snippet::Highlighter;

/// An open index ready to answer queries; cheap to query many times.
pub struct QueryEngine {
    index: LedeIndex,
    reader: IndexReader,
    countries: &'static Countries,
}

impl QueryEngine {
    /// Opens `index` for searching.
    pub fn new(index: LedeIndex) -> Result<QueryEngine> {
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(QueryEngine {
            index,
            reader,
            countries: Countries::shipped()?,
        })
    }

    /// Answers one request.
    pub fn query(&self, request: &QueryRequest) -> Result<QueryResponse> {
        let parsed = parse::parse(&self.index, request, self.countries)?;
        let searcher = self.reader.searcher();
        let fields = self.index.schema.fields;
        let matches = search::search(&searcher, &fields, &parsed, request)?;
        let analyzer = self
            .index
            .index
            .tokenizer_for_field(fields.body)
            .map_err(Error::Tantivy)?;
        let mut highlighter = Highlighter::new(analyzer, parsed.terms);
        let hits = matches
            .hits
            .into_iter()
            .map(|hit| with_snippet(hit, &mut highlighter))
            .collect();
        let facets = request
            .facets
            .iter()
            .zip(matches.facets)
            .map(|(kind, counts)| {
                let values = counts
                    .into_iter()
                    .take(request.facet_limit)
                    .map(|count| FacetValue {
                        label: self.label(*kind, &count.value),
                        value: count.value,
                        passages: count.passages,
                        articles: count.articles,
                    })
                    .collect();
                (kind.name().to_string(), values)
            })
            .collect::<BTreeMap<_, _>>();
        Ok(QueryResponse {
            query: request.text.clone(),
            total: matches.total,
            hits,
            facets,
        })
    }

    /// The index being searched.
    pub fn index(&self) -> &LedeIndex {
        &self.index
    }

    /// What to show for a facet value: country names for codes, the value otherwise.
    fn label(&self, kind: FacetKind, value: &str) -> String {
        match kind {
            FacetKind::Country => CountryCode::parse(value)
                .map(|code| self.countries.label(code))
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    }
}

fn with_snippet(hit: StoredHit, highlighter: &mut Highlighter) -> Hit {
    let highlights = highlighter.highlights(&hit.text);
    let fragment = snippet::fragment(&hit.text, &highlights);
    let pairs = |ranges: &[(usize, usize)]| ranges.iter().map(|&(s, e)| [s, e]).collect::<Vec<_>>();
    let why = hit
        .country_evidence
        .iter()
        .filter_map(|e| {
            Some(CountryWhy {
                text: hit.text.get(e.start..e.end)?.to_string(),
                country: e.country.clone(),
                start: e.start,
                end: e.end,
                rule: e.rule.clone(),
            })
        })
        .collect();
    Hit {
        snippet: SnippetData {
            text: hit.text[fragment.start..fragment.end].to_string(),
            highlights: pairs(&fragment.highlights),
            start: fragment.start,
        },
        highlights: pairs(&highlights),
        article_id: hit.article_id,
        title: hit.title,
        source: hit.source,
        paragraph: hit.paragraph,
        date: hit.date.map(|d| d.to_string()),
        score: hit.score,
        text: hit.text,
        countries: hit.countries,
        persons: hit.persons,
        orgs: hit.orgs,
        heading: hit.heading,
        author: hit.author,
        url: hit.url,
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ingest, IngestOptions};
    use crate::source::PathNames;
    use crate::writer::DEFAULT_MEMORY_BUDGET;

    /// Three articles: two about North Korea (one with two matching paragraphs), one not.
    fn engine() -> (tempfile::TempDir, QueryEngine) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        let articles = [
            (
                "a.txt",
                "Pyongyang tested a missile.\n\nThe missile flew over Japan.\n\nNothing else.",
            ),
            ("b.txt", "A North Korean missile test worried Seoul."),
            ("c.txt", "Brazil launched a missile satellite program."),
        ];
        for (name, body) in articles {
            std::fs::write(corpus.join(name), body).unwrap();
        }
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let options = IngestOptions {
            paths: vec![corpus],
            names: PathNames::new(dir.path()),
            memory_budget: DEFAULT_MEMORY_BUDGET,
            threads: 1,
        };
        ingest(&index, &options, &mut |p| panic!("{p}")).unwrap();
        (dir, QueryEngine::new(index).unwrap())
    }

    fn facet<'a>(response: &'a QueryResponse, value: &str) -> Option<&'a FacetValue> {
        response.facets["country"].iter().find(|v| v.value == value)
    }

    #[test]
    fn facets_count_passages_and_distinct_articles_over_all_matches() {
        let (_dir, engine) = engine();
        let mut request = QueryRequest::new("missile");
        request.limit = 1;
        request.facets = vec![FacetKind::Country];
        let response = engine.query(&request).unwrap();
        assert_eq!(response.total, 4);
        assert_eq!(response.hits.len(), 1);
        let kp = facet(&response, "KP").unwrap();
        assert_eq!(
            (kp.passages, kp.articles, kp.label.as_str()),
            (2, 2, "North Korea")
        );
        let br = facet(&response, "BR").unwrap();
        assert_eq!((br.passages, br.articles), (1, 1));
    }

    #[test]
    fn country_filters_restrict_hits_and_facets() {
        let (_dir, engine) = engine();
        let mut request = QueryRequest::new("missile");
        request.countries = vec!["north korea".into()];
        request.facets = vec![FacetKind::Country];
        let response = engine.query(&request).unwrap();
        assert_eq!(response.total, 2);
        assert!(response
            .hits
            .iter()
            .all(|h| h.countries.contains(&"KP".to_string())));
        assert!(facet(&response, "BR").is_none());
        // Filtering does not change scores.
        let unfiltered = engine.query(&QueryRequest::new("missile")).unwrap();
        for hit in &response.hits {
            let same = unfiltered
                .hits
                .iter()
                .find(|h| h.article_id == hit.article_id && h.paragraph == hit.paragraph);
            assert_eq!(same.map(|h| h.score), Some(hit.score));
        }
    }

    #[test]
    fn hits_carry_highlights_that_slice_to_the_matched_words() {
        let (_dir, engine) = engine();
        let response = engine.query(&QueryRequest::new("missiles")).unwrap();
        for hit in &response.hits {
            assert!(!hit.highlights.is_empty());
            for [s, e] in &hit.highlights {
                assert_eq!(hit.text[*s..*e].to_lowercase(), "missile");
            }
        }
    }
}
