//! The write side of the local index: documents → index folder.
//!
//! Wraps tantivy's `IndexWriter` with what ingest and removal need: replace all paragraphs
//! of an article (delete by id, then add, in one commit, so a re-ingest never duplicates),
//! look up what the last commit holds for an article (its content hash) so that unchanged
//! articles are skipped, and delete the articles a selector names.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rustc_hash::FxHashSet;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::indexer::UserOperation;
use tantivy::query::{BooleanQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use super::format::{self, name, Fields};
use super::in_flight::{CountedDoc, InFlight};
use super::index::LedeIndex;
use super::{guard, verify};
use crate::backend::Store;
use crate::document::ArticleFields;
use crate::error::{Error, Result};
use crate::ingest::AnalysedArticle;
use crate::remove::{RemoveReport, Selector};

/// Default memory budget of the tantivy writer, shared by its threads. It bounds the peak
/// memory of a large ingest, whose RSS peaks when both indexing threads serialise their
/// segments at once: a million paragraphs (ten Reuters copies, same session) peaked at
/// 128-144 MiB over fourteen runs with 44 MiB, against 134-161 MiB over fourteen with 48
/// (two of them over the 150 MiB target), in the same three segments and time.
pub const DEFAULT_MEMORY_BUDGET: usize = 44 * 1024 * 1024;

/// Input up to this size gets [`SMALL_INPUT_MEMORY_BUDGET`]: enough for each indexing
/// thread to hold its share of the whole input, so that the index ends in one segment per
/// thread. Reuters-21578 (21.5 MB of JSON Lines) filled 67 MiB of writer memory.
pub const SMALL_INPUT_BYTES: u64 = 24 * 1024 * 1024;

/// Writer budget for an input of at most [`SMALL_INPUT_BYTES`]. Every segment costs each
/// query a fixed cost (opening its files, looking up each word, reading its facet
/// dictionary): Reuters in 4 segments (48 MiB) answered a cold `"weapons supply"` in
/// 3.3 ms, in 2 segments (72 or 96 MiB) in 2.7 ms. Writer memory is taken as the threads
/// fill it, so a smaller input holds less; at Reuters peak RSS went from 114 to 117 MiB.
/// Larger inputs keep [`DEFAULT_MEMORY_BUDGET`], which bounds the peak of any ingest: at
/// a million paragraphs 72 MiB peaked at 185 MiB of RSS against 141 MiB with 48.
pub const SMALL_INPUT_MEMORY_BUDGET: usize = 96 * 1024 * 1024;

/// The writer budget for an ingest of `input_bytes` (`None` when unknown, as for
/// standard input).
pub fn memory_budget_for(input_bytes: Option<u64>) -> usize {
    match input_bytes {
        Some(bytes) if bytes <= SMALL_INPUT_BYTES => SMALL_INPUT_MEMORY_BUDGET,
        _ => DEFAULT_MEMORY_BUDGET,
    }
}

/// Writes articles into a local index.
pub struct LocalWriter {
    writer: IndexWriter<CountedDoc>,
    /// Passages handed to the writer and not indexed yet.
    in_flight: Arc<InFlight>,
    reader: IndexReader,
    fields: Fields,
    /// The index folder.
    path: PathBuf,
    /// When the writer opened: the files written since are this writer's own.
    opened: SystemTime,
    /// Articles added since the last commit: only these and those the last commit holds
    /// need deleting before they are written, and a fresh ingest then queues no deletes
    /// (tantivy keeps every queued delete until its segments have applied it).
    added_since_commit: FxHashSet<String>,
    /// The index held no passage when the writer opened (see
    /// [`Store::held_nothing_at_open`]).
    held_nothing_at_open: bool,
}

impl LocalWriter {
    /// Opens the index at `path` for writing, creating it when there is none. Fails with a
    /// clear message when another process holds the index's write lock.
    pub fn open(path: &Path, memory_budget: usize, threads: usize) -> Result<LocalWriter> {
        guard::reading(path, || {
            LocalWriter::of(&LedeIndex::open_or_create(path)?, memory_budget, threads)
        })
    }

    /// Opens the existing index at `path` for writing; a missing index is an error.
    pub fn open_existing(path: &Path, memory_budget: usize) -> Result<LocalWriter> {
        guard::reading(path, || {
            LocalWriter::of(&LedeIndex::open_writable(path)?, memory_budget, 1)
        })
    }

    /// A writer of an index already open.
    pub fn of(index: &LedeIndex, memory_budget: usize, threads: usize) -> Result<LocalWriter> {
        let opened = SystemTime::now();
        let writer: IndexWriter<CountedDoc> = index
            .index
            .writer_with_num_threads(threads.max(1), memory_budget)
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
                    path: index.path.clone(),
                },
                TantivyError::LockFailure(LockError::IoError(io), _) => Error::io(
                    index.path.join(".tantivy-writer.lock"),
                    std::io::Error::new(io.kind(), io.to_string()),
                ),
                other => Error::Tantivy(other),
            })?;
        // Files a failed commit left behind (a full disk, a kill) are no segment's: they go
        // before anything is written.
        let _ = writer.garbage_collect_files().wait();
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let held_nothing_at_open = reader.searcher().num_docs() == 0;
        Ok(LocalWriter {
            writer,
            in_flight: Arc::default(),
            held_nothing_at_open,
            reader,
            fields: index.schema.fields,
            path: index.path.clone(),
            opened,
            added_since_commit: FxHashSet::default(),
        })
    }

    /// Why the indexing threads stopped: tantivy says only "an index writer was killed"
    /// when a document is added after a thread failed (a full disk); committing joins the
    /// threads and returns the error that stopped them.
    fn worker_error(&mut self) -> Option<TantivyError> {
        self.writer.commit().err()
    }

    /// The error a failed write stands for: the cause, with the index it concerns.
    fn failed(&self, error: TantivyError) -> Error {
        let cause = match &error {
            TantivyError::IoError(io) => io.to_string(),
            TantivyError::ErrorInThread(message) => message.clone(),
            other => guard::plain(&other.to_string()),
        };
        Error::WriteFailed {
            path: self.path.clone(),
            cause,
        }
    }

    /// Deletes every article that has a paragraph matching `query` in the last commit, and
    /// returns their ids and how many paragraphs they had.
    fn remove_matching(&mut self, query: &dyn Query) -> Result<(BTreeSet<String>, usize)> {
        let searcher = self.reader.searcher();
        // Opened once per segment, not once per matching paragraph.
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().str(name::ARTICLE_ID))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut ids = BTreeSet::new();
        let mut id = String::new();
        for address in searcher.search(query, &DocSetCollector)? {
            let Some(column) = &columns[address.segment_ord as usize] else {
                continue;
            };
            for ord in column.term_ords(address.doc_id) {
                id.clear();
                if column
                    .ord_to_str(ord, &mut id)
                    .map_err(TantivyError::from)?
                {
                    ids.insert(id.clone());
                }
            }
        }
        let mut paragraphs = 0;
        for id in &ids {
            let term = Term::from_field_text(self.fields.article_id, id);
            paragraphs += searcher.doc_freq(&term)? as usize;
            self.writer.delete_term(term);
        }
        Ok((ids, paragraphs))
    }

    /// The hash stored on an article's first paragraph, if the last commit holds it.
    fn read_stored_hash(&self, article_id: &str) -> Result<Option<String>> {
        let searcher = self.reader.searcher();
        let term =
            |term| -> Box<dyn Query> { Box::new(TermQuery::new(term, IndexRecordOption::Basic)) };
        let query = BooleanQuery::intersection(vec![
            term(Term::from_field_text(self.fields.article_id, article_id)),
            term(Term::from_field_u64(self.fields.paragraph, 0)),
        ]);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        Ok(format::content_hash(&self.fields, &searcher.doc(*address)?))
    }

    /// The passages a selector names.
    fn selected(&self, selector: &Selector) -> Box<dyn Query> {
        let exact = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ))
        };
        match selector {
            Selector::Article(id) => exact(self.fields.article_id, id),
            Selector::Source(name) => exact(self.fields.source, name),
            Selector::SourceFolder(prefix) => {
                // Every name that starts with `prefix` sorts between it and `prefix`
                // followed by the largest character.
                let upper = format!("{prefix}\u{10FFFF}");
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_text(self.fields.source, prefix)),
                    Bound::Excluded(Term::from_field_text(self.fields.source, &upper)),
                ))
            }
        }
    }
}

impl Store for LocalWriter {
    type Encoded = Vec<TantivyDocument>;

    fn encode(&self, analysed: &AnalysedArticle, content_hash: &str) -> Vec<TantivyDocument> {
        ArticleFields::new(analysed, content_hash)
            .documents()
            .map(|document| format::write(&self.fields, &document))
            .collect()
    }

    /// The hash is stored on the article's first paragraph.
    fn stored_hash(&mut self, article_id: &str) -> Result<Option<String>> {
        guard::reading(&self.path, || self.read_stored_hash(article_id))
    }

    fn held_nothing_at_open(&self) -> bool {
        self.held_nothing_at_open
    }

    fn replace(
        &mut self,
        article_id: &str,
        in_last_commit: bool,
        documents: Vec<TantivyDocument>,
    ) -> Result<()> {
        let added_again = !self.added_since_commit.insert(article_id.to_string());
        let mut operations = Vec::with_capacity(documents.len() + 1);
        if added_again || in_last_commit {
            operations.push(UserOperation::Delete(Term::from_field_text(
                self.fields.article_id,
                article_id,
            )));
        }
        // One batch: tantivy gives its documents to one indexing thread, in order, so the
        // article's passages are consecutive documents of one segment (merges keep them
        // so), which the facet counts rely on (see `LedeIndex::articles_contiguous`).
        self.in_flight.wait_for_room(documents.len());
        operations.extend(
            documents
                .into_iter()
                .map(|doc| UserOperation::Add(CountedDoc::new(doc, Arc::clone(&self.in_flight)))),
        );
        if let Err(killed) = self.writer.run(operations) {
            let cause = self.worker_error().unwrap_or(killed);
            return Err(self.failed(cause));
        }
        Ok(())
    }

    fn remove(&mut self, selectors: &[Selector]) -> Result<RemoveReport> {
        let mut report = RemoveReport::default();
        for selector in selectors {
            let (ids, paragraphs) = self.remove_matching(self.selected(selector).as_ref())?;
            report.paragraphs += paragraphs;
            report.articles.extend(ids);
        }
        report.articles.sort();
        report.articles.dedup();
        Ok(report)
    }

    /// The files of the commit are recorded intact (see [`verify`]), so that queries and
    /// `lede serve` reading the index meanwhile need not verify them.
    fn commit(&mut self) -> Result<()> {
        self.writer.commit().map_err(|e| self.failed(e))?;
        self.reader.reload()?;
        self.added_since_commit.clear();
        verify::record_written(&self.path, self.opened);
        Ok(())
    }

    /// Records the files written as intact (see [`verify`]); without `wait`, merges in
    /// progress are abandoned (they are redone by a later ingest; a commit never depends
    /// on them).
    ///
    /// With `wait`, the index's tail is then merged (see [`merge_tail`]).
    fn finish(mut self, wait: bool) -> Result<()> {
        self.commit()?;
        let (path, opened) = (self.path.clone(), self.opened);
        if wait {
            let index = self.writer.index().clone();
            self.writer
                .wait_merging_threads()
                .map_err(|e| Error::WriteFailed {
                    path: path.clone(),
                    cause: e.to_string(),
                })?;
            // The commit above holds everything: a tail that could not be merged (another
            // writer took the index, a full disk) leaves the index whole, and the next
            // ingest or removal tries again.
            let _ = merge_tail(&index);
        } else {
            drop(self);
        }
        verify::record_written(&path, opened);
        Ok(())
    }
}

/// A segment with fewer than this fraction (1/N) of the index's passages is part of its
/// tail.
const TAIL_FRACTION: u32 = 8;

/// Merges the index's tail, its segments of less than 1/[`TAIL_FRACTION`] of its
/// passages, into one segment, when there are two or more.
///
/// Each intermediate commit and the last one leave a small segment per indexing thread,
/// which tantivy's merge policy leaves alone until enough of a size gather: a million
/// paragraphs ended in 14 segments, 12 of them of 17k-40k passages. Every segment costs
/// each query a fixed cost (opening its files, looking each word up, reading its facet
/// dictionary): merging those 12 (0.76 s) took a cold `"weapons supply"` from 4.9 to
/// 2.9 ms and the warm median from 0.90-1.09 to 0.77-0.86 ms. Only the tail is rewritten,
/// so the cost follows what was added, not the size of the index.
fn merge_tail(index: &tantivy::Index) -> tantivy::Result<()> {
    // Only the ids are kept: tantivy keeps the files of every segment whose metadata is
    // held, and the merged segments' files should go.
    let sizes: Vec<_> = index
        .searchable_segment_metas()?
        .iter()
        .map(|meta| (meta.id(), meta.num_docs()))
        .collect();
    let passages: u32 = sizes.iter().map(|(_, docs)| docs).sum();
    let tail: Vec<_> = sizes
        .iter()
        .filter(|(_, docs)| *docs < passages / TAIL_FRACTION)
        .map(|(id, _)| *id)
        .collect();
    if tail.len() < 2 {
        return Ok(());
    }
    let mut writer: IndexWriter = index.writer_with_num_threads(1, MIN_WRITER_BUDGET)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    writer.merge(&tail).wait()?;
    writer.wait_merging_threads()
}

/// The smallest writer budget tantivy accepts per indexing thread (a merge alone adds no
/// documents, so it takes this).
pub const MIN_WRITER_BUDGET: usize = 15 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::ingest::AnalysedParagraph;
    use crate::resolve::ResolvedParagraph;
    use std::collections::BTreeMap;

    fn analysed(body: &str) -> AnalysedArticle {
        analysed_as("a", body)
    }

    fn analysed_as(id: &str, body: &str) -> AnalysedArticle {
        let article = Article {
            id: id.into(),
            title: None,
            author: None,
            date: None,
            url: None,
            source: "a.txt".into(),
            origin: "a.txt".into(),
            body: body.into(),
        };
        let paragraphs = crate::paragraph::split(&article.body)
            .into_iter()
            .map(|paragraph| AnalysedParagraph {
                paragraph,
                resolved: ResolvedParagraph::default(),
            })
            .collect();
        AnalysedArticle {
            article,
            paragraphs,
        }
    }

    #[test]
    fn a_small_input_gets_the_budget_that_holds_it_whole() {
        assert_eq!(memory_budget_for(Some(0)), SMALL_INPUT_MEMORY_BUDGET);
        assert_eq!(
            memory_budget_for(Some(SMALL_INPUT_BYTES)),
            SMALL_INPUT_MEMORY_BUDGET
        );
        assert_eq!(
            memory_budget_for(Some(SMALL_INPUT_BYTES + 1)),
            DEFAULT_MEMORY_BUDGET
        );
        assert_eq!(memory_budget_for(None), DEFAULT_MEMORY_BUDGET);
    }

    /// Writes article "a" with `body` (content hash "h1").
    fn write_a(writer: &mut LocalWriter, body: &str) {
        let in_last_commit = writer.stored_hash("a").unwrap().is_some();
        let encoded = writer.encode(&analysed(body), "h1");
        writer.replace("a", in_last_commit, encoded).unwrap();
    }

    /// Paragraphs the index holds once `writer` has finished.
    fn paragraphs_after(writer: LocalWriter, index: &LedeIndex) -> u64 {
        writer.finish(true).unwrap();
        index.index.reader().unwrap().searcher().num_docs()
    }

    #[test]
    fn replacing_an_article_removes_its_old_paragraphs() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let mut writer = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        write_a(&mut writer, "One.\n\nTwo.\n\nThree.");
        writer.commit().unwrap();
        assert_eq!(writer.stored_hash("a").unwrap().as_deref(), Some("h1"));
        assert_eq!(writer.stored_hash("b").unwrap(), None);
        write_a(&mut writer, "Only one.");
        assert_eq!(paragraphs_after(writer, &index), 1);
    }

    #[test]
    fn an_article_written_twice_before_a_commit_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let mut writer = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        write_a(&mut writer, "One.\n\nTwo.");
        write_a(&mut writer, "Three.");
        assert_eq!(paragraphs_after(writer, &index), 1);
    }

    /// Writes a new article `id` of `paragraphs` paragraphs and commits it.
    fn commit_article(writer: &mut LocalWriter, id: &str, paragraphs: usize) {
        let body: Vec<String> = (0..paragraphs).map(|i| format!("Line {i}.")).collect();
        let encoded = writer.encode(&analysed_as(id, &body.join("\n\n")), "h");
        writer.replace(id, false, encoded).unwrap();
        writer.commit().unwrap();
    }

    /// The segment ids of the index's last commit, and those its folder has files of.
    fn segments(index: &LedeIndex) -> (BTreeSet<String>, BTreeSet<String>) {
        let committed = index
            .index
            .searchable_segment_metas()
            .unwrap()
            .iter()
            .map(|meta| meta.id().uuid_string())
            .collect();
        let on_disk = std::fs::read_dir(&index.path)
            .unwrap()
            .filter_map(|entry| {
                let name = entry.unwrap().file_name().into_string().unwrap();
                let (stem, extension) = name.split_once('.')?;
                (extension == "store").then(|| stem.to_string())
            })
            .collect();
        (committed, on_disk)
    }

    #[test]
    fn finishing_merges_the_small_segments_of_the_tail_and_deletes_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let mut writer = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        writer
            .writer
            .set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        commit_article(&mut writer, "big", 80);
        for id in ["s1", "s2", "s3"] {
            commit_article(&mut writer, id, 2);
        }
        assert_eq!(segments(&index).0.len(), 4);
        assert_eq!(paragraphs_after(writer, &index), 86);
        let (committed, on_disk) = segments(&index);
        assert_eq!(committed.len(), 2, "the big segment and the merged tail");
        assert_eq!(on_disk, committed, "no file of a merged segment is left");
    }

    #[test]
    fn a_lone_small_segment_is_no_tail_to_merge() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let mut writer = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        commit_article(&mut writer, "big", 80);
        commit_article(&mut writer, "s1", 2);
        let before = segments(&index).0;
        assert_eq!(paragraphs_after(writer, &index), 82);
        assert_eq!(segments(&index).0, before);
    }

    /// Facet counts of countries over every passage, each article told apart as `counting`
    /// says.
    fn country_counts(
        index: &LedeIndex,
        counting: super::super::facet::ArticleCounting,
    ) -> Vec<crate::backend::FacetCount> {
        use super::super::facet::{EntityFacetCollector, FacetDictionaries};
        use crate::query::request::FacetKind;
        let searcher = index.index.reader().unwrap().searcher();
        let dictionaries = FacetDictionaries::default();
        let collector = EntityFacetCollector::new(&[FacetKind::Country], &dictionaries, counting);
        let mut counts = searcher
            .search(&tantivy::query::AllQuery, &collector)
            .unwrap();
        counts.pop().unwrap()
    }

    /// Brute force over the stored passages: per country, passages and distinct article
    /// ids.
    fn country_counts_by_scan(index: &LedeIndex) -> BTreeMap<String, (u64, BTreeSet<String>)> {
        let searcher = index.index.reader().unwrap().searcher();
        let fields = Fields::resolve(&index.index.schema()).unwrap();
        let mut counts: BTreeMap<String, (u64, BTreeSet<String>)> = BTreeMap::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let stored: TantivyDocument = searcher
                    .doc(tantivy::DocAddress::new(ord as u32, doc))
                    .unwrap();
                let hit = format::read(&fields, &stored, 0.0);
                for country in hit.countries {
                    let entry = counts.entry(country.to_string()).or_default();
                    entry.0 += 1;
                    entry.1.insert(hit.article_id.clone());
                }
            }
        }
        counts
    }

    #[test]
    fn articles_counted_from_runs_agree_with_their_keys_and_with_a_scan_of_the_passages() {
        use super::super::facet::ArticleCounting;
        use crate::gazetteer::CountryCode;
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        assert!(
            index.articles_contiguous,
            "a new index writes articles as runs"
        );
        let mut writer = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 2).unwrap();
        let codes = ["KP", "RU", "US", "CN", "UA"];
        // Articles of 1 to 6 paragraphs naming countries in a fixed but irregular pattern,
        // over several commits, some written again (their old passages deleted).
        for round in 0..3u64 {
            for article in 0..60u64 {
                if round > 0 && article % 7 != round {
                    continue;
                }
                let id = format!("article-{article}");
                let paragraphs = 1 + ((article * 5 + round) % 6) as usize;
                let body: Vec<String> = (0..paragraphs).map(|i| format!("Line {i}.")).collect();
                let mut analysed = analysed_as(&id, &body.join("\n\n"));
                for (i, paragraph) in analysed.paragraphs.iter_mut().enumerate() {
                    let pick = (article as usize * 3 + i * 2 + round as usize) % 7;
                    let mut countries: Vec<CountryCode> = codes
                        .iter()
                        .enumerate()
                        .filter(|(c, _)| pick & (1 << (c % 3)) != 0 && (c + pick) % 2 == 0)
                        .map(|(_, code)| CountryCode::parse(code).unwrap())
                        .collect();
                    countries.sort();
                    paragraph.resolved.entities.countries = countries;
                }
                let in_last_commit = writer.stored_hash(&id).unwrap().is_some();
                let encoded = writer.encode(&analysed, "h");
                writer.replace(&id, in_last_commit, encoded).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.finish(true).unwrap();
        let scanned = country_counts_by_scan(&index);
        assert!(scanned.len() >= 3, "{scanned:?}");
        for counting in [ArticleCounting::Runs, ArticleCounting::Keys] {
            let counted: BTreeMap<String, (u64, u64)> = country_counts(&index, counting)
                .into_iter()
                .map(|count| (count.value, (count.passages, count.articles)))
                .collect();
            let expected: BTreeMap<String, (u64, u64)> = scanned
                .iter()
                .map(|(code, (passages, ids))| (code.clone(), (*passages, ids.len() as u64)))
                .collect();
            assert_eq!(counted, expected, "{counting:?}");
        }
    }

    #[test]
    fn a_second_writer_is_refused_naming_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let _first = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        let err = LocalWriter::of(&index, DEFAULT_MEMORY_BUDGET, 1)
            .err()
            .unwrap();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        assert!(err.to_string().contains("idx"), "{err}");
    }
}
