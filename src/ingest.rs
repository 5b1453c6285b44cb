//! The ingest pipeline: files → articles → paragraphs → mentions → entities → documents →
//! index. This module only chains the stages; each stage lives in its own module.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::article::Article;
use crate::document::{paragraph_document, ArticleFields};
use crate::error::{Error, Problem, Result, Severity};
use crate::extract::{words, Extractor};
use crate::gazetteer::Gazetteer;
use crate::index::LedeIndex;
use crate::paragraph::{self, Paragraph};
use crate::resolve::{self, ResolvedParagraph};
use crate::source::{self, PathNames};
use crate::writer::Writer;

/// Version of everything that turns an article into documents. It is part of each article's
/// content hash, so a new lede re-indexes articles whose extraction may have changed.
const PIPELINE_VERSION: &str = concat!("lede ", env!("CARGO_PKG_VERSION"), " pipeline 2");
/// Paragraphs written between intermediate commits, so an interrupted ingest keeps its work.
pub const COMMIT_EVERY_PARAGRAPHS: usize = 200_000;
/// Longest time between intermediate commits while articles keep coming.
const COMMIT_EVERY: Duration = Duration::from_secs(30);

/// What to ingest and how.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files and folders to read.
    pub paths: Vec<PathBuf>,
    /// How article ids are derived from paths.
    pub names: PathNames,
    /// Memory budget of the index writer in bytes.
    pub memory_budget: usize,
    /// Indexing threads.
    pub threads: usize,
    /// Paragraphs between intermediate commits (also made every 30 s): what an interrupted
    /// ingest keeps at most loses.
    pub commit_every: usize,
}

impl IngestOptions {
    /// Options to read `paths` with the defaults: a 48 MiB writer budget, one thread, and
    /// intermediate commits every [`COMMIT_EVERY_PARAGRAPHS`] paragraphs.
    pub fn new(paths: Vec<PathBuf>, names: PathNames) -> IngestOptions {
        IngestOptions {
            paths,
            names,
            memory_budget: crate::writer::DEFAULT_MEMORY_BUDGET,
            threads: 1,
            commit_every: COMMIT_EVERY_PARAGRAPHS,
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    /// Files read.
    pub files: usize,
    /// Files skipped because lede does not read their format.
    pub skipped_files: usize,
    /// Articles indexed for the first time.
    pub new: usize,
    /// Articles whose content changed and were re-indexed.
    pub updated: usize,
    /// Articles already indexed with the same content.
    pub unchanged: usize,
    /// Inputs (files or lines) that could not be indexed.
    pub failed: usize,
    /// Warnings (empty files, unreadable dates); nothing was lost.
    pub warnings: usize,
    /// Paragraphs written.
    pub paragraphs: usize,
    /// Entity mentions found in the paragraphs written.
    pub mentions: usize,
    /// Wall-clock time.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// How far an ingest has come, handed to the progress observer of [`ingest_with_progress`]
/// when the inputs are known, after each file and after each batch is written.
///
/// Byte counts are sizes on disk; within a large file (JSON Lines) the bytes read are
/// estimated from the article text read so far, so that a single big file still moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Input files found.
    pub files_total: usize,
    /// Files read to the end.
    pub files_done: usize,
    /// Size of all input files.
    pub bytes_total: u64,
    /// Bytes read so far (at most `bytes_total`).
    pub bytes_read: u64,
    /// Articles read so far (indexed, unchanged or waiting in the current batch).
    pub articles: usize,
    /// Paragraphs written so far.
    pub paragraphs: usize,
}

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
        resolved.extend(resolve::resolve(gazetteer, &texts, words, mentions));
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

/// Reads and analyses every article under `paths` without indexing, handing each to
/// `on_article` and each problem to `on_problem`. Returns how many articles were analysed.
pub fn analyse_paths(
    paths: &[PathBuf],
    names: &PathNames,
    exclude: &[PathBuf],
    on_article: &mut dyn FnMut(&AnalysedArticle) -> Result<()>,
    on_problem: &mut dyn FnMut(&Problem),
) -> Result<usize> {
    let extractor = Extractor::shipped()?;
    let gazetteer = Gazetteer::shipped()?;
    let mut analysed = 0;
    for_each_input(paths, names, exclude, &mut |input| match input {
        Input::Article(article) => {
            on_article(&analyse(article, extractor, gazetteer))?;
            analysed += 1;
            Ok(())
        }
        Input::Problem(problem) => {
            on_problem(&problem);
            Ok(())
        }
        Input::Found { .. } | Input::FileStart { .. } | Input::FileDone => Ok(()),
    })?;
    Ok(analysed)
}

/// Ingests `options.paths` into `index`. Problems with single inputs go to `on_problem` and
/// are counted; the rest is still indexed.
///
/// Inputs are read in order and gathered into bounded batches; the articles of a batch are
/// analysed on `options.threads` worker threads while tantivy's own threads index the
/// previous batch, and the batch's documents reach the writer in reading order, so that a
/// later version of an article always replaces an earlier one.
pub fn ingest(
    index: &LedeIndex,
    options: &IngestOptions,
    on_problem: &mut dyn FnMut(&Problem),
) -> Result<IngestReport> {
    ingest_with_progress(index, options, on_problem, &mut |_| {})
}

/// [`ingest`], telling `on_progress` how far it has come (see [`Progress`]) so that a caller
/// can draw a progress bar; the library itself never prints.
pub fn ingest_with_progress(
    index: &LedeIndex,
    options: &IngestOptions,
    on_problem: &mut dyn FnMut(&Problem),
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<IngestReport> {
    let started = Instant::now();
    // Building the extractor's automata takes a noticeable fraction of a second: do it while
    // the inputs are found and the first batch is read. `flush` waits for it.
    std::thread::spawn(|| Extractor::shipped().map(|_| ()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .thread_name(|i| format!("lede-analyse-{i}"))
        .build()
        .map_err(|e| Error::io(&index.path, std::io::Error::other(e)))?;
    let mut run = IngestRun {
        writer: Writer::open(index, options.memory_budget, options.threads)?,
        fields: index.schema.fields,
        report: IngestReport::default(),
        batch: Batch::default(),
        since_commit: 0,
        commit_every: options.commit_every.max(1),
        last_commit: Instant::now(),
        progress: ProgressTracker::default(),
    };
    let counts = for_each_input(
        &options.paths,
        &options.names,
        std::slice::from_ref(&index.path),
        &mut |input| {
            match input {
                Input::Article(article) if article.body.trim().is_empty() => {
                    let message = format!("article {:?} has no text, skipped", article.id);
                    run.report.note(
                        &Problem::warning(&article.source, None, message),
                        on_problem,
                    );
                }
                Input::Article(article) => {
                    run.progress.article(&article);
                    run.batch.push(article);
                }
                Input::Problem(problem) => run.report.note(&problem, on_problem),
                Input::Found { files, bytes } => {
                    run.progress.found(files, bytes);
                    on_progress(&run.progress.now(&run.report));
                }
                Input::FileStart { bytes } => run.progress.file_start(bytes),
                Input::FileDone => {
                    run.progress.file_done();
                    on_progress(&run.progress.now(&run.report));
                }
            }
            if run.batch.is_full() {
                run.flush(&pool)?;
                on_progress(&run.progress.now(&run.report));
            }
            Ok(())
        },
    )?;
    run.flush(&pool)?;
    on_progress(&run.progress.now(&run.report));
    let IngestRun {
        writer, mut report, ..
    } = run;
    writer.finish()?;
    report.files = counts.files;
    report.skipped_files = counts.skipped;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Articles waiting to be analysed, bounded in count and in text size so that the articles
/// in flight take the same memory whatever the size of the corpus.
#[derive(Default)]
struct Batch {
    articles: Vec<Article>,
    bytes: usize,
}

impl Batch {
    /// Articles per batch: enough to keep every worker busy between two hand-overs.
    const MAX_ARTICLES: usize = 1024;
    /// Body bytes per batch.
    const MAX_BYTES: usize = 8 * 1024 * 1024;

    fn push(&mut self, article: Article) {
        self.bytes += article.body.len();
        self.articles.push(article);
    }

    fn is_full(&self) -> bool {
        self.articles.len() >= Self::MAX_ARTICLES || self.bytes >= Self::MAX_BYTES
    }

    fn take(&mut self) -> Vec<Article> {
        self.bytes = 0;
        std::mem::take(&mut self.articles)
    }
}

/// The state of one ingest between batches.
struct IngestRun {
    writer: Writer,
    fields: crate::schema::Fields,
    report: IngestReport,
    batch: Batch,
    since_commit: usize,
    commit_every: usize,
    last_commit: Instant,
    progress: ProgressTracker,
}

/// Counts behind [`Progress`]: files and bytes done, and the article text read from the
/// file being read, which stands in for its bytes (up to its size) until the file is done.
#[derive(Default)]
struct ProgressTracker {
    files_total: usize,
    files_done: usize,
    bytes_total: u64,
    bytes_done: u64,
    file_size: u64,
    text_in_file: u64,
    articles: usize,
}

impl ProgressTracker {
    fn found(&mut self, files: usize, bytes: u64) {
        self.files_total = files;
        self.bytes_total = bytes;
    }

    fn file_start(&mut self, bytes: u64) {
        self.file_size = bytes;
        self.text_in_file = 0;
    }

    fn article(&mut self, article: &Article) {
        self.articles += 1;
        self.text_in_file += article.body.len() as u64;
    }

    fn file_done(&mut self) {
        self.files_done += 1;
        self.bytes_done += self.file_size;
        self.file_size = 0;
        self.text_in_file = 0;
    }

    fn now(&self, report: &IngestReport) -> Progress {
        Progress {
            files_total: self.files_total,
            files_done: self.files_done,
            bytes_total: self.bytes_total,
            bytes_read: (self.bytes_done + self.text_in_file.min(self.file_size))
                .min(self.bytes_total),
            articles: self.articles,
            paragraphs: report.paragraphs,
        }
    }
}

/// An article's documents, ready for the writer.
struct Prepared {
    id: String,
    previously_indexed: bool,
    documents: Vec<tantivy::TantivyDocument>,
    mentions: usize,
}

impl IngestRun {
    /// Analyses the waiting articles in parallel and hands their documents to the writer in
    /// reading order; commits when enough work has piled up since the last commit.
    fn flush(&mut self, pool: &rayon::ThreadPool) -> Result<()> {
        if self.batch.articles.is_empty() {
            return Ok(());
        }
        let extractor = Extractor::shipped()?;
        let gazetteer = Gazetteer::shipped()?;
        let mut changed = Vec::new();
        for article in self.batch.take() {
            let hash = content_hash(&article);
            let stored = self.writer.stored_hash(&article.id)?;
            if stored.as_deref() == Some(hash.as_str()) {
                self.report.unchanged += 1;
            } else {
                changed.push((article, hash, stored.is_some()));
            }
        }
        let fields = self.fields;
        let prepared: Vec<Prepared> = pool.install(|| {
            changed
                .into_par_iter()
                .map(|(article, hash, previously_indexed)| {
                    prepare(
                        &fields,
                        article,
                        &hash,
                        previously_indexed,
                        extractor,
                        gazetteer,
                    )
                })
                .collect()
        });
        for article in prepared {
            self.report.paragraphs += article.documents.len();
            self.report.mentions += article.mentions;
            self.since_commit += article.documents.len();
            if article.previously_indexed {
                self.report.updated += 1;
            } else {
                self.report.new += 1;
            }
            self.writer
                .replace(&article.id, article.previously_indexed, article.documents)?;
        }
        if self.since_commit >= self.commit_every
            || (self.since_commit > 0 && self.last_commit.elapsed() >= COMMIT_EVERY)
        {
            self.writer.commit()?;
            self.since_commit = 0;
            self.last_commit = Instant::now();
        }
        Ok(())
    }
}

/// Analyses one article and builds its documents.
fn prepare(
    fields: &crate::schema::Fields,
    article: Article,
    hash: &str,
    previously_indexed: bool,
    extractor: &Extractor,
    gazetteer: &Gazetteer,
) -> Prepared {
    let analysed = analyse(article, extractor, gazetteer);
    let shared = ArticleFields::new(&analysed.article, hash);
    let documents = analysed
        .paragraphs
        .iter()
        .map(|p| paragraph_document(fields, &shared, &p.paragraph, &p.resolved))
        .collect();
    let mentions = analysed
        .paragraphs
        .iter()
        .map(|p| p.resolved.mentions.len())
        .sum();
    Prepared {
        id: analysed.article.id,
        previously_indexed,
        documents,
        mentions,
    }
}

impl IngestReport {
    /// Counts a problem and passes it on.
    fn note(&mut self, problem: &Problem, on_problem: &mut dyn FnMut(&Problem)) {
        match problem.severity {
            Severity::Error => self.failed += 1,
            Severity::Warning => self.warnings += 1,
        }
        on_problem(problem);
    }
}

/// One item read from the inputs.
enum Input {
    Article(Article),
    Problem(Problem),
    /// The inputs are known: how many files, and their size on disk.
    Found {
        files: usize,
        bytes: u64,
    },
    /// A file is about to be read; its size on disk.
    FileStart {
        bytes: u64,
    },
    /// That file has been read to the end.
    FileDone,
}

/// How many files were read and skipped.
struct FileCounts {
    files: usize,
    skipped: usize,
}

/// Walks the inputs and hands every article and every problem, in reading order, to
/// `handle`. Fails only when there is nothing to read at all, or when `handle` fails.
fn for_each_input(
    paths: &[PathBuf],
    names: &PathNames,
    exclude: &[PathBuf],
    handle: &mut dyn FnMut(Input) -> Result<()>,
) -> Result<FileCounts> {
    let discovery = source::discover(paths, exclude);
    if discovery.files.is_empty() && discovery.problems.is_empty() {
        return Err(Error::NoInput(format!(
            "no articles to read under {}: lede reads .txt, .md, .json, .jsonl and .html files, gzip-compressed or not ({} other files skipped)",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            discovery.skipped.len()
        )));
    }
    let sizes: Vec<u64> = discovery
        .files
        .iter()
        .map(|file| std::fs::metadata(&file.path).map_or(0, |m| m.len()))
        .collect();
    handle(Input::Found {
        files: discovery.files.len(),
        bytes: sizes.iter().sum(),
    })?;
    for problem in discovery.problems {
        handle(Input::Problem(problem))?;
    }
    for (file, bytes) in discovery.files.iter().zip(sizes) {
        handle(Input::FileStart { bytes })?;
        for record in source::read(file, names) {
            handle(match record {
                Ok(article) => Input::Article(article),
                Err(problem) => Input::Problem(problem),
            })?;
        }
        handle(Input::FileDone)?;
    }
    Ok(FileCounts {
        files: discovery.files.len(),
        skipped: discovery.skipped.len(),
    })
}

/// Hash of everything that ends up in the article's documents.
fn content_hash(article: &Article) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in [
        PIPELINE_VERSION,
        &article.id,
        article.title.as_deref().unwrap_or(""),
        article.author.as_deref().unwrap_or(""),
        &article
            .date
            .map(|d| d.timestamp().to_string())
            .unwrap_or_default(),
        article.url.as_deref().unwrap_or(""),
        &article.source,
        &article.body,
    ] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(body: &str) -> Article {
        Article {
            id: "a".into(),
            title: Some("T".into()),
            author: None,
            date: None,
            url: None,
            source: "a.txt".into(),
            body: body.into(),
        }
    }

    #[test]
    fn analysis_keeps_paragraph_ranges_and_mention_spans_inside_them() {
        let a = article("Moscow and Pyongyang talked.\n\nThe Kremlin said nothing.");
        let analysed = analyse(
            a,
            Extractor::shipped().unwrap(),
            Gazetteer::shipped().unwrap(),
        );
        assert_eq!(analysed.paragraphs.len(), 2);
        for p in &analysed.paragraphs {
            let text = p.paragraph.text(&analysed.article.body);
            for m in &p.resolved.mentions {
                assert!(m.end <= text.len() && m.start < m.end);
            }
        }
        let second = &analysed.paragraphs[1].resolved.entities;
        assert_eq!(
            second
                .countries
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            ["RU"]
        );
    }

    #[test]
    fn content_hashes_change_with_any_field() {
        let a = article("Body.");
        let mut b = a.clone();
        assert_eq!(content_hash(&a), content_hash(&b));
        b.title = Some("Other".into());
        assert_ne!(content_hash(&a), content_hash(&b));
        let mut c = a.clone();
        c.body.push('!');
        assert_ne!(content_hash(&a), content_hash(&c));
    }

    #[test]
    fn ingesting_into_an_index_reports_new_then_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "One.\n\nTwo.").unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let options =
            IngestOptions::new(vec![dir.path().join("a.txt")], PathNames::new(dir.path()));
        let first = ingest(&index, &options, &mut |p| panic!("{p}")).unwrap();
        assert_eq!((first.new, first.paragraphs), (1, 2));
        let second = ingest(&index, &options, &mut |p| panic!("{p}")).unwrap();
        assert_eq!((second.new, second.unchanged, second.paragraphs), (0, 1, 0));
    }

    #[test]
    fn progress_reaches_every_file_byte_article_and_paragraph() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "One.\n\nTwo.").unwrap();
        std::fs::write(
            dir.path().join("b.jsonl"),
            "{\"id\":\"b1\",\"text\":\"Three.\"}\n{\"id\":\"b2\",\"text\":\"Four.\"}\n",
        )
        .unwrap();
        let index = LedeIndex::open_or_create(&dir.path().join("idx")).unwrap();
        let options = IngestOptions::new(
            vec![dir.path().join("a.txt"), dir.path().join("b.jsonl")],
            PathNames::new(dir.path()),
        );
        let mut seen = Vec::new();
        let report = ingest_with_progress(&index, &options, &mut |p| panic!("{p}"), &mut |p| {
            seen.push(*p)
        })
        .unwrap();
        let size = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().len();
        let total = size("a.txt") + size("b.jsonl");
        assert_eq!(
            seen.first().map(|p| (p.files_total, p.files_done)),
            Some((2, 0))
        );
        assert_eq!(
            seen.last().copied(),
            Some(Progress {
                files_total: 2,
                files_done: 2,
                bytes_total: total,
                bytes_read: total,
                articles: 3,
                paragraphs: report.paragraphs,
            })
        );
        // Counts never go backwards.
        for pair in seen.windows(2) {
            assert!(pair[0].bytes_read <= pair[1].bytes_read);
            assert!(pair[0].files_done <= pair[1].files_done);
            assert!(pair[0].articles <= pair[1].articles);
        }
    }
}
