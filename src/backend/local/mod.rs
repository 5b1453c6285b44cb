//! The embedded index: a tantivy index in one folder.
//!
//! `index` opens and creates the folder, `schema` reads the field declarations of
//! `schema/index.json`, `format` lays a passage out in fields and reads it back, `writer`
//! writes and removes articles (through `directory`, which keeps merges from inflating the
//! resident memory), `compile` turns a plan into a tantivy query, and `search` and `facet`
//! collect hits and counts in one pass over the matches.

pub mod bm25f;
pub mod compile;
pub mod directory;
pub mod facet;
pub mod format;
pub mod guard;
pub mod in_flight;
pub mod index;
pub mod schema;
pub mod search;
pub mod verify;
pub mod writer;

use std::collections::HashMap;
use std::path::Path;

use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, ReloadPolicy, Term};

use super::{
    ArticlePassages, Backend, Counted, Found, Interval, Search, Selection, Summary, Timeline,
};
use crate::error::Result;
use crate::query::request::FacetKind;
use crate::query::response::{ContextParagraph, Hit};
use crate::query::top::TopKind;
use facet::{FacetDictionaries, FieldValueCollector};
use format::Fields;
pub use index::LedeIndex;
pub use writer::{
    memory_budget_for, LocalWriter, DEFAULT_MEMORY_BUDGET, MIN_WRITER_BUDGET, SMALL_INPUT_BYTES,
    SMALL_INPUT_MEMORY_BUDGET,
};

/// The read side of a local index.
pub struct LocalReader {
    index: LedeIndex,
    reader: IndexReader,
    fields: Fields,
    dictionaries: FacetDictionaries,
}

impl LocalReader {
    /// Opens the index at `path` for searching, after checking that its files are intact
    /// (see [`verify`]).
    pub fn open(path: &Path) -> Result<LocalReader> {
        guard::reading(path, || {
            let index = LedeIndex::open(path)?;
            verify::ensure_intact(&index)?;
            LocalReader::of(index)
        })
    }

    /// A collector of the facet counts of `kinds`, telling articles apart as this index
    /// allows (from runs where its articles are contiguous).
    fn facet_collector(&self, kinds: &[FacetKind]) -> facet::EntityFacetCollector<'_> {
        let counting = if self.index.articles_contiguous {
            facet::ArticleCounting::Runs
        } else {
            facet::ArticleCounting::Keys
        };
        facet::EntityFacetCollector::new(kinds, &self.dictionaries, counting)
    }

    /// Runs `read` over the index, any failure on its files said as one clear error.
    fn guarded<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        guard::reading(&self.index.path, read)
    }

    /// Searches an index already open.
    pub fn of(index: LedeIndex) -> Result<LocalReader> {
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        verify::segments_agree_with_meta(&index, &reader.searcher())?;
        Ok(LocalReader {
            fields: index.schema.fields,
            index,
            reader,
            dictionaries: FacetDictionaries::default(),
        })
    }
}

impl Backend for LocalReader {
    fn location(&self) -> String {
        self.index.path.display().to_string()
    }

    fn facet_values(&self, kind: FacetKind) -> Result<Vec<String>> {
        self.guarded(|| {
            Ok(facet::values(
                &self.reader.searcher(),
                &self.dictionaries,
                kind,
            )?)
        })
    }

    fn passages_of(
        &self,
        kind: FacetKind,
        values: &[String],
    ) -> Result<Option<HashMap<String, u64>>> {
        self.guarded(|| {
            let searcher = self.reader.searcher();
            Ok(Some(facet::passages_of(
                &searcher,
                self.fields.entities,
                kind,
                values,
            )?))
        })
    }

    fn search(&self, search: &Search<'_>) -> Result<Found> {
        self.guarded(|| {
            let query = compile::selection(&self.fields, &search.selection);
            search::search(
                &self.reader.searcher(),
                &self.fields,
                self.facet_collector(search.facets),
                query.as_ref(),
                search,
            )
        })
    }

    fn article_passages(
        &self,
        selection: &Selection<'_>,
        articles: &[&str],
    ) -> Result<ArticlePassages> {
        self.guarded(|| self.count_article_passages(selection, articles))
    }

    /// Every value is counted, whatever `limit` says.
    fn count_values(
        &self,
        selection: &Selection<'_>,
        kind: TopKind,
        _limit: usize,
    ) -> Result<Counted> {
        self.guarded(|| self.count(selection, kind))
    }

    fn context(&self, article_id: &str, paragraph: u64, n: usize) -> Result<Vec<ContextParagraph>> {
        self.guarded(|| {
            search::context(
                &self.reader.searcher(),
                &self.fields,
                article_id,
                paragraph,
                n,
            )
        })
    }

    fn summary(&self) -> Result<Summary> {
        self.guarded(|| self.summarise())
    }

    fn timeline(&self, selection: &Selection<'_>, interval: Interval) -> Result<Timeline> {
        self.guarded(|| {
            let query = compile::selection(&self.fields, selection);
            let (periods, undated) = self
                .reader
                .searcher()
                .search(query.as_ref(), &search::TimelineCollector { interval })?;
            let mut periods: Vec<(String, u64, u64)> = periods
                .into_iter()
                .map(|(period, (passages, mut keys))| {
                    keys.sort_unstable();
                    keys.dedup();
                    (period, passages, keys.len() as u64)
                })
                .collect();
            periods.sort();
            Ok(Timeline { periods, undated })
        })
    }

    fn article(&self, article_id: &str) -> Result<Vec<Hit>> {
        self.guarded(|| search::article(&self.reader.searcher(), &self.fields, article_id))
    }

    fn export(
        &self,
        selection: &Selection<'_>,
        each: &mut dyn FnMut(Hit) -> Result<bool>,
    ) -> Result<u64> {
        self.guarded(|| {
            let searcher = self.reader.searcher();
            let query = compile::selection(&self.fields, selection);
            let mut handed = 0;
            for address in search::all_matches(&searcher, query.as_ref())? {
                handed += 1;
                if !each(format::read(&self.fields, &searcher.doc(address)?, 0.0))? {
                    break;
                }
            }
            Ok(handed)
        })
    }

    /// Verifies the files committed since (see [`verify`]) before the reader sees them.
    fn refresh(&self) -> Result<()> {
        self.guarded(|| {
            verify::ensure_intact(&self.index)?;
            self.reader.reload()?;
            self.dictionaries.keep_only(&self.reader.searcher());
            Ok(())
        })
    }
}

impl LocalReader {
    fn count_article_passages(
        &self,
        selection: &Selection<'_>,
        articles: &[&str],
    ) -> Result<ArticlePassages> {
        let query = compile::selection(&self.fields, selection);
        let counts = search::passages_per_article(&self.reader.searcher(), query.as_ref())?;
        Ok(ArticlePassages {
            distinct: counts.len() as u64,
            of: articles
                .iter()
                .map(|id| {
                    let key = crate::document::article_key(id);
                    counts.get(&key).copied().unwrap_or(0)
                })
                .collect(),
        })
    }

    fn count(&self, selection: &Selection<'_>, kind: TopKind) -> Result<Counted> {
        let searcher = self.reader.searcher();
        let query = compile::selection(&self.fields, selection);
        let (total, values) = match kind {
            TopKind::Entity(kind) => {
                let (total, mut counts) =
                    searcher.search(query.as_ref(), &(Count, self.facet_collector(&[kind])))?;
                (total, counts.pop().unwrap_or_default())
            }
            TopKind::Author => searcher.search(
                query.as_ref(),
                &(Count, FieldValueCollector::new(self.fields.author)),
            )?,
        };
        Ok(Counted {
            total: total as u64,
            distinct: values.len() as u64,
            values,
        })
    }

    fn summarise(&self) -> Result<Summary> {
        let searcher = self.reader.searcher();
        // Every article has a paragraph 0: counting those counts articles, deletions included.
        let first_paragraphs = TermQuery::new(
            Term::from_field_u64(self.fields.paragraph, 0),
            IndexRecordOption::Basic,
        );
        Ok(Summary {
            location: self.location(),
            articles: searcher.search(&first_paragraphs, &Count)? as u64,
            passages: searcher.num_docs(),
            size_bytes: self.index.size_on_disk(),
            segments: searcher.segment_readers().len(),
            schema_version: self.index.schema.file.version,
        })
    }
}
