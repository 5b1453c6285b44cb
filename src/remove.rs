//! `lede remove`: delete articles from the index, by id or by the file they came from.
//!
//! Removal goes through the same locked writer as ingest and ends with one commit, so a
//! crash leaves either the old index or the new one, never half an article.

use serde::Serialize;

use crate::backend::Store;
use crate::error::Result;

/// Which articles to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The article with this id.
    Article(String),
    /// Articles read from this source name (as `lede ingest` named it: relative to the folder
    /// holding the index).
    Source(String),
    /// Articles read from any file under this folder (a source name prefix ending in `/`).
    SourceFolder(String),
}

/// What a removal did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RemoveReport {
    /// Ids of the articles removed, sorted.
    pub articles: Vec<String>,
    /// Paragraphs removed with them.
    pub paragraphs: usize,
}

/// Removes the articles the selectors name from `store`, in one commit.
pub fn remove<S: Store>(mut store: S, selectors: &[Selector]) -> Result<RemoveReport> {
    let report = store.remove(selectors)?;
    store.finish(true)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::local::{LedeIndex, LocalWriter, DEFAULT_MEMORY_BUDGET};
    use crate::ingest::{ingest, IngestOptions, Strict};
    use crate::source::PathNames;

    fn writer(index: &LedeIndex) -> LocalWriter {
        LocalWriter::of(index, DEFAULT_MEMORY_BUDGET, 1).unwrap()
    }

    fn indexed(dir: &std::path::Path) -> LedeIndex {
        std::fs::create_dir_all(dir.join("news/old")).unwrap();
        std::fs::write(dir.join("news/a.txt"), "Oil rose.\n\nGas fell.").unwrap();
        std::fs::write(dir.join("news/old/b.txt"), "Wheat rose.").unwrap();
        std::fs::write(
            dir.join("news/feed.jsonl"),
            "{\"id\": \"x1\", \"body\": \"Rice.\"}\n{\"id\": \"x2\", \"body\": \"Tea.\"}\n",
        )
        .unwrap();
        let index = LedeIndex::open_or_create(&dir.join("idx")).unwrap();
        let options = IngestOptions::new(vec![dir.join("news")], PathNames::new(dir));
        ingest(writer(&index), &options, &mut Strict).unwrap();
        index
    }

    fn passages(index: &LedeIndex) -> u64 {
        index.index.reader().unwrap().searcher().num_docs()
    }

    #[test]
    fn removes_by_id_by_file_and_by_folder() {
        let dir = tempfile::tempdir().unwrap();
        let index = indexed(dir.path());
        assert_eq!(passages(&index), 5);
        let by_id = remove(writer(&index), &[Selector::Article("x2".into())]).unwrap();
        assert_eq!((by_id.articles, by_id.paragraphs), (vec!["x2".into()], 1));
        let by_file = remove(writer(&index), &[Selector::Source("news/a.txt".into())]).unwrap();
        assert_eq!(by_file.paragraphs, 2);
        let by_folder = remove(
            writer(&index),
            &[Selector::SourceFolder("news/old/".into())],
        )
        .unwrap();
        assert_eq!(by_folder.articles, ["news/old/b.txt"]);
        assert_eq!(passages(&index), 1);
    }

    #[test]
    fn removing_nothing_reports_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let index = indexed(dir.path());
        let report = remove(writer(&index), &[Selector::Article("nope".into())]).unwrap();
        assert!(report.articles.is_empty());
        assert_eq!(passages(&index), 5);
    }
}
