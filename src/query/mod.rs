//! The query pipeline: request → parse → search (hits + facets) → snippets → response.
//! This module only chains the stages; each lives in its own file.

pub mod batch;
pub mod facet;
pub mod parse;
pub mod request;
pub mod response;
pub mod search;
pub mod snippet;
pub mod syntax;
pub mod top;

use std::collections::BTreeMap;

use tantivy::{IndexReader, ReloadPolicy};

use crate::error::Result;
use crate::gazetteer::{Countries, CountryCode};
use crate::index::LedeIndex;
use parse::FilterKind;
use request::{FacetKind, QueryRequest};
use response::{ContextParagraph, CountryWhy, FacetValue, Hit, QueryResponse, SnippetData};
use search::StoredHit;
use snippet::Highlighter;
use tantivy::query::{BooleanQuery, ExistsQuery, Occur};

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
        let searcher = self.reader.searcher();
        let fields = self.index.schema.fields;
        let facet_values = |kind: FacetKind| -> Result<Vec<String>> {
            let field = searcher.schema().get_field_name(fields.entities);
            Ok(facet::values(&searcher, field, kind)?)
        };
        let mut parsed = parse::parse(
            &self.index,
            request,
            self.countries,
            &facet_values,
            request.any,
        )?;
        // Facets with a filter of their own are counted without it (disjunctive), so that
        // `--country KP` still shows what the other countries would give.
        let (own_filter, plain): (Vec<FacetKind>, Vec<FacetKind>) = request
            .facets
            .iter()
            .partition(|kind| parsed.filters(FilterKind::Facet(**kind)));
        let mut matches =
            search::search(&searcher, &fields, parsed.query().as_ref(), request, &plain)?;
        if matches.total == 0 && !request.any && parsed.relaxable {
            let relaxed = parse::parse(&self.index, request, self.countries, &facet_values, true)?;
            let relaxed_matches = search::search(
                &searcher,
                &fields,
                relaxed.query().as_ref(),
                request,
                &plain,
            )?;
            if relaxed_matches.total > 0 {
                let mut notices = parsed.notices;
                notices
                    .push("no passage has all the words; showing passages with any of them".into());
                parsed = relaxed;
                parsed.notices = notices;
                matches = relaxed_matches;
            }
        }
        let mut counted: BTreeMap<FacetKind, Vec<facet::FacetCount>> = plain
            .iter()
            .copied()
            .zip(std::mem::take(&mut matches.facets))
            .collect();
        for kind in own_filter {
            let query = parsed.query_without(Some(FilterKind::Facet(kind)));
            let mut counts = search::facet_counts(&searcher, &fields, query.as_ref(), &[kind])?;
            counted.insert(kind, counts.pop().unwrap_or_default());
        }
        let query = parsed.query();
        let undated_left_out = if parsed.filters(FilterKind::Date) {
            let without_dates = parsed.query_without(Some(FilterKind::Date));
            let dated = ExistsQuery::new(
                searcher.schema().get_field_name(fields.date).to_string(),
                false,
            );
            let undated = BooleanQuery::new(vec![
                (Occur::Must, without_dates),
                (
                    Occur::MustNot,
                    Box::new(dated) as Box<dyn tantivy::query::Query>,
                ),
            ]);
            Some(search::count(&searcher, &undated)?)
        } else {
            None
        };
        let per_article = if request.per_article {
            Some(search::passages_per_article(
                &searcher,
                &fields,
                query.as_ref(),
            )?)
        } else {
            None
        };
        let total_articles = per_article.as_ref().map(|counts| counts.len() as u64);
        let analyzer = self.index.index.tokenizer_for_field(fields.body)?;
        let mut highlighter = Highlighter::new(analyzer, parsed.highlight.clone());
        let mut hits = Vec::with_capacity(matches.hits.len());
        for stored in matches.hits {
            let mut hit = with_snippet(&stored, request.snippets.then_some(&mut highlighter));
            if let Some(counts) = &per_article {
                let key = crate::document::article_key(&stored.article_id);
                hit.article_passages = Some(counts.get(&key).copied().unwrap_or(1));
            }
            hit.context = search::context(
                &searcher,
                &fields,
                &stored.article_id,
                stored.paragraph,
                request.context,
            )?
            .into_iter()
            .map(|(paragraph, text)| ContextParagraph { paragraph, text })
            .collect();
            if request.explain {
                let explanation = query.explain(&searcher, stored.address)?;
                hit.explanation = serde_json::to_value(&explanation).ok();
            }
            hits.push(hit);
        }
        let facets = request
            .facets
            .iter()
            .map(|kind| {
                let values = counted
                    .remove(kind)
                    .unwrap_or_default()
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
            query_id: None,
            took_ms: None,
            query: request.text.clone(),
            total: matches.total,
            hits,
            facets,
            total_articles,
            undated_left_out,
            notices: parsed.notices,
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

fn with_snippet(hit: &StoredHit, highlighter: Option<&mut Highlighter>) -> Hit {
    let highlights = highlighter
        .map(|h| h.highlights(&hit.text))
        .unwrap_or_default();
    let snippet = snippet::snippet(&hit.text, &highlights);
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
            start: snippet.fragments.first().map_or(0, |f| f.0),
            fragments: pairs(&snippet.fragments),
            highlights: pairs(&snippet.highlights),
            text: snippet.text,
        },
        highlights: pairs(&highlights),
        article_id: hit.article_id.clone(),
        title: hit.title.clone(),
        source: hit.source.clone(),
        paragraph: hit.paragraph,
        date: hit.date.map(|d| d.to_string()),
        score: hit.score,
        text: hit.text.clone(),
        countries: hit.countries.clone(),
        persons: hit.persons.clone(),
        orgs: hit.orgs.clone(),
        heading: hit.heading.clone(),
        author: hit.author.clone(),
        url: hit.url.clone(),
        why,
        article_passages: None,
        context: Vec::new(),
        explanation: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ingest, IngestOptions};
    use crate::source::PathNames;

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
        let options = IngestOptions::new(vec![corpus], PathNames::new(dir.path()));
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
        // The country facet stays disjunctive: it shows what other countries would give.
        assert_eq!(facet(&response, "BR").map(|v| v.passages), Some(1));
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

    /// Query text a user might type, with every operator of the syntax mixed in.
    fn query_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "((missile|Pyongyang|north|korea|the|a|-|\\+|\"|\\(|\\)|OR|AND|title:|body:|\\*|~|~2|\\^|:|\\\\|é|日本|\u{1b}|[a-z]{1,5}|[^a-z]{1,3}) ?){0,12}",
        )
        .unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

        #[test]
        fn any_query_text_is_answered_or_refused_cleanly(
            text in proptest::prop_oneof![query_text(), ".{0,60}"],
            any in proptest::bool::ANY,
            per_article in proptest::bool::ANY,
        ) {
            let engine = ENGINE.with(|e| e.clone());
            let mut request = QueryRequest::new(text.as_str());
            request.any = any;
            request.per_article = per_article;
            request.facets = vec![FacetKind::Country];
            // An error is allowed (bad filters); a panic is not. Highlights slice the text.
            if let Ok(response) = engine.1.query(&request) {
                for hit in &response.hits {
                    for [s, e] in &hit.highlights {
                        proptest::prop_assert!(hit.text.get(*s..*e).is_some());
                    }
                }
            }
        }
    }

    thread_local! {
        /// One index per test thread: building it per case would dominate the run.
        static ENGINE: std::rc::Rc<(tempfile::TempDir, QueryEngine)> = std::rc::Rc::new(engine());
    }
}
