//! Stage 6 of ingest: documents → index.
//!
//! Wraps tantivy's `IndexWriter` with the two operations ingest needs: replace all paragraphs
//! of an article (delete by id, then add, in one commit, so a re-ingest never duplicates),
//! and look up what the last commit holds for an article (its content hash) so that
//! unchanged articles are skipped.

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use crate::error::{Error, Result};
use crate::index::LedeIndex;
use crate::schema::Fields;

/// Default memory budget of the tantivy writer, shared by its threads.
pub const DEFAULT_MEMORY_BUDGET: usize = 48 * 1024 * 1024;

/// Writes articles into an index.
pub struct Writer {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
    /// Articles added since the last commit: only these and those the last commit holds
    /// need deleting before they are written, and a fresh ingest then queues no deletes
    /// (tantivy keeps every queued delete until its segments have applied it).
    added_since_commit: FxHashSet<String>,
}

impl Writer {
    /// Opens the index for writing. Fails with a clear message when another process holds the
    /// index's write lock.
    pub fn open(index: &LedeIndex, memory_budget: usize, threads: usize) -> Result<Writer> {
        let writer = index
            .index
            .writer_with_num_threads(threads.max(1), memory_budget)
            .map_err(|e| match e {
                TantivyError::LockFailure(_, _) => Error::Locked {
                    path: index.path.clone(),
                },
                other => Error::Tantivy(other),
            })?;
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Writer {
            writer,
            reader,
            fields: index.schema.fields,
            added_since_commit: FxHashSet::default(),
        })
    }

    /// The content hash the last commit holds for an article, if it holds the article. The
    /// hash is stored on the article's first paragraph.
    pub fn stored_hash(&self, article_id: &str) -> Result<Option<String>> {
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
        let doc: TantivyDocument = searcher.doc(*address)?;
        Ok(doc
            .get_first(self.fields.content_hash)
            .and_then(|v| v.as_str())
            .map(str::to_string))
    }

    /// Replaces every paragraph of `article_id` with `documents`. `in_last_commit` says
    /// whether the last commit holds the article, as [`Writer::stored_hash`] found.
    pub fn replace(
        &mut self,
        article_id: &str,
        in_last_commit: bool,
        documents: Vec<TantivyDocument>,
    ) -> Result<()> {
        let added_again = !self.added_since_commit.insert(article_id.to_string());
        if added_again || in_last_commit {
            self.writer
                .delete_term(Term::from_field_text(self.fields.article_id, article_id));
        }
        for doc in documents {
            self.writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Deletes every article that has a paragraph matching `query` in the last commit, and
    /// returns their ids and how many paragraphs they had.
    pub fn remove_matching(&mut self, query: &dyn Query) -> Result<(BTreeSet<String>, usize)> {
        let searcher = self.reader.searcher();
        // Opened once per segment, not once per matching paragraph.
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().str("article_id"))
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

    /// Makes everything written so far durable and visible to new readers.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        self.reader.reload()?;
        self.added_since_commit.clear();
        Ok(())
    }

    /// Commits and waits for background merges, releasing the lock.
    pub fn finish(mut self) -> Result<()> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::document::{paragraph_document, ArticleFields};
    use crate::paragraph::split;
    use crate::resolve::ResolvedParagraph;

    fn documents(fields: &Fields, article: &Article) -> Vec<TantivyDocument> {
        let shared = ArticleFields::new(article, "h1");
        split(&article.body)
            .iter()
            .map(|p| paragraph_document(fields, &shared, p, &ResolvedParagraph::default()))
            .collect()
    }

    /// Writes article "a" with `body` (content hash "h1").
    fn write_a(writer: &mut Writer, index: &LedeIndex, body: &str) {
        let in_last_commit = writer.stored_hash("a").unwrap().is_some();
        let article = Article {
            id: "a".into(),
            title: None,
            author: None,
            date: None,
            url: None,
            source: "a.txt".into(),
            body: body.into(),
        };
        writer
            .replace(
                "a",
                in_last_commit,
                documents(&index.schema.fields, &article),
            )
            .unwrap();
    }

    /// Paragraphs the index holds once `writer` has finished.
    fn paragraphs_after(writer: Writer, index: &LedeIndex) -> u64 {
        writer.finish().unwrap();
        index.index.reader().unwrap().searcher().num_docs()
    }

    #[test]
    fn replacing_an_article_removes_its_old_paragraphs() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let mut writer = Writer::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        write_a(&mut writer, &index, "One.\n\nTwo.\n\nThree.");
        writer.commit().unwrap();
        assert_eq!(writer.stored_hash("a").unwrap().as_deref(), Some("h1"));
        assert_eq!(writer.stored_hash("b").unwrap(), None);
        write_a(&mut writer, &index, "Only one.");
        assert_eq!(paragraphs_after(writer, &index), 1);
    }

    #[test]
    fn an_article_written_twice_before_a_commit_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let mut writer = Writer::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        write_a(&mut writer, &index, "One.\n\nTwo.");
        write_a(&mut writer, &index, "Three.");
        assert_eq!(paragraphs_after(writer, &index), 1);
    }

    #[test]
    fn a_second_writer_is_refused_naming_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let _first = Writer::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        let err = Writer::open(&index, DEFAULT_MEMORY_BUDGET, 1)
            .err()
            .unwrap();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        assert!(err.to_string().contains("idx"), "{err}");
    }
}
