//! The top values of one facet over the whole index or over the passages matching a query
//! (`lede facets`): the facet counts of a query without its hits.

use serde::Serialize;

use super::request::{FacetKind, QueryRequest, WordMatch};
use super::response::{FacetValue, FilterValues};
use super::surnames::Joined;
use super::{selection, Matched, QueryEngine};
use crate::backend::Counted;
use crate::error::Result;

/// What `lede facets` can count: an entity facet, or the article author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKind {
    /// Countries, people or organisations.
    Entity(FacetKind),
    /// Article authors (a stored field, not an entity facet).
    Author,
}

impl TopKind {
    /// Every kind, in display order.
    pub const ALL: [TopKind; 4] = [
        TopKind::Entity(FacetKind::Country),
        TopKind::Entity(FacetKind::Person),
        TopKind::Entity(FacetKind::Org),
        TopKind::Author,
    ];

    /// Name on the command line and in JSON (`country`, `person`, `org`, `author`).
    pub fn name(self) -> &'static str {
        match self {
            TopKind::Entity(kind) => kind.name(),
            TopKind::Author => "author",
        }
    }

    /// Parses a kind name, accepting the plurals and spellings [`FacetKind::parse`] does.
    pub fn parse(text: &str) -> Option<TopKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "author" | "authors" => Some(TopKind::Author),
            other => FacetKind::parse(other).map(TopKind::Entity),
        }
    }
}

/// The top values of one facet.
#[derive(Debug, Clone, Serialize)]
pub struct TopValues {
    /// The kind counted (`country`, `person`, `org`, `author`).
    pub kind: String,
    /// The query as given; empty for the whole index.
    pub query: String,
    /// Passages counted: all passages, or those matching the query.
    pub total: u64,
    /// Distinct values among those passages (`values` holds the first of them).
    pub distinct: u64,
    /// Most passages first, then most articles, then by value.
    pub values: Vec<FacetValue>,
    /// The person and organisation filters as typed and the values each stands for (only
    /// when such a filter is given).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filter_values: Vec<FilterValues>,
    /// How the query was read where it was not taken literally.
    pub notices: Vec<String>,
}

impl QueryEngine {
    /// The `limit` most frequent values of `kind` over the passages matching `request`
    /// (every passage when its text is empty and it has no filters). Hits, paging and the
    /// facets of `request` are ignored.
    pub fn top_values(
        &self,
        request: &QueryRequest,
        kind: TopKind,
        limit: usize,
    ) -> Result<TopValues> {
        let planned = self.plan(request, request.words == WordMatch::Any)?;
        // A filter of the counted kind keeps its meaning here: `lede facets country
        // --country iran` lists the countries named in passages about Iran.
        let (mut planned, counted) = self.search_relaxing(request, planned, |planned| {
            self.backend
                .count_values(&selection(planned, None), kind, limit)
        })?;
        let filter_values = self.filter_values(&mut planned)?;
        let (distinct, values) = match kind {
            TopKind::Entity(FacetKind::Person) => {
                let surnames = self.surnames()?;
                let people = selection(&planned, None);
                let mut distinct = counted.distinct;
                let mut first = Some(counted.values);
                let folded =
                    self.joined_counts(&people, &surnames, limit, |wanted| match first.take() {
                        Some(values) if wanted <= limit => Ok(values),
                        _ => {
                            let more = self.backend.count_values(&people, kind, wanted)?;
                            distinct = more.distinct;
                            Ok(more.values)
                        }
                    })?;
                (distinct.saturating_sub(folded.merged), folded.values)
            }
            _ => (
                counted.distinct,
                counted.values.into_iter().map(Joined::plain).collect(),
            ),
        };
        let values = values
            .into_iter()
            .take(limit)
            .map(|joined| match kind {
                TopKind::Entity(kind) => self.labelled(kind, joined),
                TopKind::Author => FacetValue {
                    label: joined.count.value.clone(),
                    value: joined.count.value,
                    passages: joined.count.passages,
                    articles: joined.count.articles,
                    alone: None,
                },
            })
            .collect();
        Ok(TopValues {
            kind: kind.name().to_string(),
            query: request.text.clone(),
            total: counted.total,
            distinct,
            values,
            filter_values,
            notices: planned.notices,
        })
    }
}

impl Matched for crate::backend::Timeline {
    fn matched(&self) -> u64 {
        self.periods.iter().map(|p| p.1).sum::<u64>() + self.undated
    }
}

impl Matched for Counted {
    fn matched(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::local::{LocalReader, LocalWriter, DEFAULT_MEMORY_BUDGET};
    use crate::ingest::{ingest, IngestOptions, Strict};
    use crate::source::PathNames;

    /// Three articles by two authors: Ann writes about North Korea twice, Bob about Brazil.
    fn engine() -> (tempfile::TempDir, QueryEngine) {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            r#"{"id":"a","author":"Ann","text":"Pyongyang tested a missile.\n\nThe missile flew over Japan."}"#,
            r#"{"id":"b","author":"Ann","text":"A North Korean missile test worried Seoul."}"#,
            r#"{"id":"c","author":"Bob","text":"Brazil launched a satellite."}"#,
            r#"{"id":"d","text":"Nobody signed this note about Brazil."}"#,
        ];
        std::fs::write(dir.path().join("news.jsonl"), lines.join("\n")).unwrap();
        let index = dir.path().join("idx");
        let writer = LocalWriter::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        let options = IngestOptions::new(
            vec![dir.path().join("news.jsonl")],
            PathNames::new(dir.path()),
        );
        ingest(writer, &options, &mut Strict).unwrap();
        let backend = LocalReader::open(&index).unwrap();
        (dir, QueryEngine::new(Box::new(backend)).unwrap())
    }

    fn counts(top: &TopValues) -> Vec<(&str, u64, u64)> {
        top.values
            .iter()
            .map(|v| (v.value.as_str(), v.passages, v.articles))
            .collect()
    }

    #[test]
    fn authors_are_counted_by_passage_and_article_over_the_whole_index() {
        let (_dir, engine) = engine();
        let top = engine
            .top_values(&QueryRequest::new(""), TopKind::Author, 10)
            .unwrap();
        assert_eq!(top.total, 5);
        assert_eq!(counts(&top), [("Ann", 3, 2), ("Bob", 1, 1)]);
    }

    #[test]
    fn a_query_narrows_the_counts_and_the_limit_keeps_the_first() {
        let (_dir, engine) = engine();
        let top = engine
            .top_values(&QueryRequest::new("missile"), TopKind::Author, 10)
            .unwrap();
        assert_eq!((top.total, counts(&top)), (3, vec![("Ann", 3, 2)]));
        let countries = engine
            .top_values(
                &QueryRequest::new(""),
                TopKind::Entity(FacetKind::Country),
                1,
            )
            .unwrap();
        // Brazil and North Korea both have two passages in two articles: ties go by code.
        assert_eq!(countries.values.len(), 1);
        assert!(countries.distinct >= 3, "{countries:?}");
        assert_eq!(
            (
                countries.values[0].value.as_str(),
                countries.values[0].label.as_str()
            ),
            ("BR", "Brazil")
        );
    }

    #[test]
    fn kinds_parse_with_plurals_and_refuse_the_unknown() {
        assert_eq!(TopKind::parse("Authors"), Some(TopKind::Author));
        assert_eq!(
            TopKind::parse("people"),
            Some(TopKind::Entity(FacetKind::Person))
        );
        assert_eq!(TopKind::parse("colour"), None);
        for kind in TopKind::ALL {
            assert_eq!(TopKind::parse(kind.name()), Some(kind));
        }
    }
}
