//! The ingest pipeline: files → articles → paragraphs → mentions → entities → documents →
//! index. This module only chains the stages; each stage lives in its own module.
//!
//! One pipeline serves `lede ingest` and `lede extract`: inputs are read in order and
//! gathered into bounded batches, the articles of a batch are analysed on worker threads,
//! and what they become reaches a [`Sink`] in reading order. Ingest's sink writes into a
//! [`Store`] (skipping articles the store already holds unchanged); extract's prints. What
//! the user is told (problems, progress) goes to a [`Report`]; the library never prints.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

pub use crate::analyse::{analyse, AnalysedArticle, AnalysedParagraph};
use crate::article::Article;
use crate::backend::{Store, StoreProblem};
use crate::error::{Error, Problem, Result, Severity};
use crate::extract::Extractor;
use crate::gazetteer::Gazetteer;
use crate::paragraph;
use crate::source::{self, PathNames};

/// Version of everything that turns an article into documents. It is part of each article's
/// content hash, so a new lede re-indexes articles whose extraction may have changed.
const PIPELINE_VERSION: &str = concat!("lede ", env!("CARGO_PKG_VERSION"), " pipeline 3");
/// Paragraphs written between intermediate commits, so an interrupted ingest keeps its work.
pub const COMMIT_EVERY_PARAGRAPHS: usize = 200_000;
/// Longest time between intermediate commits, by default.
pub const COMMIT_EVERY: Duration = Duration::from_secs(30);
/// Items read ahead of the analysis, at most.
const READ_AHEAD: usize = 256;
/// How often a waiting run looks whether it was asked to stop.
const STOP_POLL: Duration = Duration::from_millis(100);

/// Where the articles of a run go, in reading order.
///
/// The articles of a batch are first offered to [`Sink::admit`] together (an index is
/// asked once about all of them); an admitted one is analysed and handed to
/// [`Sink::prepare`] on a worker thread, and what that makes reaches [`Sink::accept`] in
/// reading order.
pub trait Sink: Sync {
    /// What admitting an article decided, carried to its preparation.
    type Ticket: Send;
    /// What a worker makes of an analysed article.
    type Prepared: Send;

    /// Whether to analyse each article, in order: `None` skips it. The `bool` says that an
    /// earlier article of this run had the same id (this one replaces it).
    fn admit(&mut self, articles: &[(&Article, bool)]) -> Result<Vec<Option<Self::Ticket>>>;

    /// Makes an analysed article ready for [`Sink::accept`]; runs on worker threads.
    fn prepare(&self, analysed: AnalysedArticle, ticket: Self::Ticket) -> Self::Prepared;

    /// Takes a prepared article, in reading order.
    fn accept(&mut self, prepared: Self::Prepared) -> Result<()>;

    /// Called after each batch has been accepted.
    fn batch_done(&mut self) -> Result<()> {
        Ok(())
    }

    /// Problems the sink met since last asked (an index refusing an article), for the run
    /// to report and count.
    fn take_problems(&mut self) -> Vec<Problem> {
        Vec::new()
    }
}

/// What a run tells its user as it goes.
pub trait Report {
    /// A problem with one input; it is counted and the run goes on.
    fn problem(&mut self, problem: &Problem);

    /// How far the run has come (see [`Progress`]).
    fn progress(&mut self, _progress: &Progress) {}
}

/// A [`Report`] from two closures.
pub struct ReportTo<P, G>(pub P, pub G);

impl<P: FnMut(&Problem), G: FnMut(&Progress)> Report for ReportTo<P, G> {
    fn problem(&mut self, problem: &Problem) {
        (self.0)(problem)
    }

    fn progress(&mut self, progress: &Progress) {
        (self.1)(progress)
    }
}

/// A [`Report`] for tests: every problem is a failure.
#[cfg(test)]
pub(crate) struct Strict;

#[cfg(test)]
impl Report for Strict {
    fn problem(&mut self, problem: &Problem) {
        panic!("{problem}")
    }
}

/// What to read and how.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files and folders to read.
    pub paths: Vec<PathBuf>,
    /// How article ids are derived from paths.
    pub names: PathNames,
    /// Folders never read (the index itself).
    pub exclude: Vec<PathBuf>,
    /// Analysis threads.
    pub threads: usize,
    /// Paragraphs between intermediate commits: what an interrupted ingest loses at most.
    pub commit_every: usize,
    /// Longest time between intermediate commits, however slowly articles come (a feed
    /// trickling through standard input).
    pub commit_interval: Duration,
    /// Set (by a signal handler) to stop: reading stops, what was analysed is committed.
    pub stop: Option<Arc<AtomicBool>>,
}

impl IngestOptions {
    /// Options to read `paths` with the defaults: one thread, and intermediate commits
    /// every [`COMMIT_EVERY_PARAGRAPHS`] paragraphs.
    pub fn new(paths: Vec<PathBuf>, names: PathNames) -> IngestOptions {
        IngestOptions {
            paths,
            names,
            exclude: Vec::new(),
            threads: 1,
            commit_every: COMMIT_EVERY_PARAGRAPHS,
            commit_interval: COMMIT_EVERY,
            stop: None,
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
    /// Whether the ingest was stopped (Ctrl-C, SIGTERM) before reading everything; what it
    /// had analysed is committed.
    pub interrupted: bool,
}

/// How far a run has come, reported when the inputs are known, after each file and after
/// each batch.
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
    /// Paragraphs analysed so far.
    pub paragraphs: usize,
}

/// What the reading side of a run counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunCounts {
    /// Files read.
    pub files: usize,
    /// Files skipped for their format.
    pub skipped_files: usize,
    /// Inputs that could not be read.
    pub failed: usize,
    /// Warnings.
    pub warnings: usize,
    /// Articles handed to the sink.
    pub articles: usize,
    /// Whether the run stopped before reading everything.
    pub interrupted: bool,
}

/// Ingests `options.paths` into `store`. Problems with single inputs go to `report` and are
/// counted; the rest is still indexed. A later version of an article always replaces an
/// earlier one, in the same run or across runs.
pub fn ingest<S: Store>(
    store: S,
    options: &IngestOptions,
    report: &mut dyn Report,
) -> Result<IngestReport> {
    let started = Instant::now();
    let mut sink = IndexSink {
        store,
        report: IngestReport::default(),
        since_commit: 0,
        commit_every: options.commit_every.max(1),
        commit_interval: options.commit_interval,
        last_commit: Instant::now(),
    };
    let mut counts = run(options, &mut sink, report)?;
    // What the store still holds back is sent, so that every refusal is reported.
    sink.store.settle()?;
    for problem in sink.take_problems() {
        match problem.severity {
            Severity::Error => counts.failed += 1,
            Severity::Warning => counts.warnings += 1,
        }
        report.problem(&problem);
    }
    let IndexSink {
        store,
        report: mut ingested,
        ..
    } = sink;
    // Stopped: commit what was analysed now, without waiting for merges to end.
    store.finish(!counts.interrupted)?;
    ingested.interrupted = counts.interrupted;
    ingested.files = counts.files;
    ingested.skipped_files = counts.skipped_files;
    ingested.failed = counts.failed;
    ingested.warnings = counts.warnings;
    ingested.elapsed = started.elapsed();
    Ok(ingested)
}

/// Reads, splits and analyses `options.paths`, handing every article to `sink` in reading
/// order and every problem and step to `report`.
pub fn run<S: Sink>(
    options: &IngestOptions,
    sink: &mut S,
    report: &mut dyn Report,
) -> Result<RunCounts> {
    // Building the extractor's automata takes a noticeable fraction of a second: do it while
    // the inputs are found and the first batch is read. `flush` waits for it.
    std::thread::spawn(|| Extractor::shipped().map(|_| ()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .thread_name(|i| format!("lede-analyse-{i}"))
        .build()
        .map_err(|e| Error::NoInput(format!("cannot start the analysis threads: {e}")))?;
    let mut pipeline = Pipeline {
        sink,
        report,
        pool,
        batch: Batch::default(),
        counts: RunCounts::default(),
        progress: ProgressTracker::default(),
        seen: SeenIds::default(),
    };
    let read = read_in_background(options);
    let mut last_flush = Instant::now();
    let files = loop {
        if options
            .stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::SeqCst))
        {
            pipeline.counts.interrupted = true;
            break None;
        }
        let due = options.commit_interval.saturating_sub(last_flush.elapsed());
        match read.recv_timeout(due.min(STOP_POLL)) {
            Ok(Read::Input(input)) => pipeline.take(input)?,
            Ok(Read::Done(files)) => break Some(files?),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::NoInput(
                    "reading the inputs stopped unexpectedly".into(),
                ))
            }
        }
        // However slowly articles come, what was read is written and committed in time.
        if last_flush.elapsed() >= options.commit_interval {
            pipeline.flush()?;
            last_flush = Instant::now();
        }
    };
    if let Some(files) = files {
        pipeline.flush()?;
        pipeline.counts.files = files.files;
        pipeline.counts.skipped_files = files.skipped;
    }
    pipeline.report_progress();
    Ok(pipeline.counts)
}

/// What the reading thread hands over.
enum Read {
    /// An item read from the inputs.
    Input(Input),
    /// Reading ended: how many files there were, or why there was nothing to read.
    Done(Result<FileCounts>),
}

/// Reads the inputs on a thread of their own, a bounded number of items ahead, so that the
/// run can commit on time and stop while reading waits (on a slow standard input).
fn read_in_background(options: &IngestOptions) -> Receiver<Read> {
    let (send, receive) = sync_channel(READ_AHEAD);
    let options = options.clone();
    let spawned = std::thread::Builder::new()
        .name("lede-read".into())
        .spawn(move || {
            let done = for_each_input(&options, &mut |input| {
                // The run has stopped reading when the receiver is gone.
                send.send(Read::Input(input))
                    .map_err(|_| Error::NoInput("reading stopped".into()))
            });
            let _ = send.send(Read::Done(done));
        });
    if let Err(error) = spawned {
        let (send, failed) = sync_channel(1);
        let _ = send.send(Read::Done(Err(Error::NoInput(format!(
            "cannot start reading: {error}"
        )))));
        return failed;
    }
    receive
}

/// A run between batches.
struct Pipeline<'a, S: Sink> {
    sink: &'a mut S,
    report: &'a mut dyn Report,
    pool: rayon::ThreadPool,
    batch: Batch,
    counts: RunCounts,
    progress: ProgressTracker,
    seen: SeenIds,
}

/// The article ids a run has read and where it read each first, so that an id given
/// twice is said (the later article replaces the earlier). Kept compact: 16 bytes an
/// article (a hash of the id, the file's number and the line or item).
#[derive(Default)]
struct SeenIds {
    files: Vec<String>,
    first: rustc_hash::FxHashMap<u64, u64>,
}

impl SeenIds {
    /// Bit of a place that marks an item of a JSON array rather than a line.
    const ITEM: u64 = 1 << 31;

    fn file_start(&mut self, path: String) {
        self.files.push(path);
    }

    /// A warning when an article with this id was read before in this run.
    fn repeated(&mut self, article: &Article) -> Option<Problem> {
        let place = self.place(article);
        let first = self
            .first
            .insert(crate::document::article_key(&article.id), place)?;
        Some(Problem::warning(
            &article.source,
            None,
            format!(
                "article id {:?} is given again at {} (first at {}): the later one is kept",
                article.id,
                article.origin,
                self.describe(first)
            ),
        ))
    }

    /// The article's file (by number) and line or item, packed in 64 bits.
    fn place(&self, article: &Article) -> u64 {
        let file = self.files.len().saturating_sub(1) as u64;
        let locator = article
            .origin
            .strip_prefix(article.source.as_str())
            .unwrap_or("");
        let number = |text: &str| text.parse::<u64>().unwrap_or(0).min(Self::ITEM - 1);
        let at = match (locator.strip_prefix(':'), locator.strip_prefix('#')) {
            (Some(line), _) => number(line),
            (_, Some(item)) => Self::ITEM | number(item),
            _ => 0,
        };
        (file << 32) | at
    }

    fn describe(&self, place: u64) -> String {
        let file = self
            .files
            .get((place >> 32) as usize)
            .map_or("?", String::as_str);
        let at = place & 0xffff_ffff;
        match (at & Self::ITEM != 0, at & (Self::ITEM - 1)) {
            (_, 0) if at == 0 => file.to_string(),
            (true, item) => format!("{file}#{item}"),
            (false, line) => format!("{file}:{line}"),
        }
    }
}

impl<S: Sink> Pipeline<'_, S> {
    /// Takes one item read from the inputs.
    fn take(&mut self, input: Input) -> Result<()> {
        match input {
            Input::Article(article) if article.body.trim().is_empty() => {
                let message = format!("article {:?} has no text, skipped", article.id);
                self.problem(&Problem::warning(&article.source, None, message));
            }
            Input::Article(article) => {
                self.progress.article(&article);
                self.counts.articles += 1;
                let repeated = self.seen.repeated(&article);
                if let Some(warning) = &repeated {
                    self.problem(warning);
                }
                self.batch.push(article, repeated.is_some());
            }
            Input::Problem(problem) => self.problem(&problem),
            Input::Found { files, bytes } => {
                self.progress.found(files, bytes);
                self.report_progress();
            }
            Input::FileStart { bytes, path } => {
                self.progress.file_start(bytes);
                self.seen.file_start(path);
            }
            Input::FileDone => {
                self.progress.file_done();
                self.report_progress();
            }
        }
        if self.batch.is_full() {
            self.flush()?;
            self.report_progress();
        }
        Ok(())
    }

    fn problem(&mut self, problem: &Problem) {
        match problem.severity {
            Severity::Error => self.counts.failed += 1,
            Severity::Warning => self.counts.warnings += 1,
        }
        self.report.problem(problem);
    }

    fn report_progress(&mut self) {
        self.report.progress(&self.progress.now());
    }

    /// Analyses the waiting articles in parallel and hands them to the sink in reading
    /// order.
    fn flush(&mut self) -> Result<()> {
        if self.batch.articles.is_empty() {
            // Nothing to analyse; what was written before may be due for a commit.
            return self.sink.batch_done();
        }
        let extractor = Extractor::shipped()?;
        let gazetteer = Gazetteer::shipped()?;
        let read = self.batch.take();
        let offered: Vec<(&Article, bool)> = read.iter().map(|(a, r)| (a, *r)).collect();
        let tickets = self.sink.admit(&offered)?;
        let articles: Vec<(Article, S::Ticket)> = read
            .into_iter()
            .zip(tickets)
            .filter_map(|((article, _), ticket)| Some((article, ticket?)))
            .collect();
        let sink: &S = self.sink;
        let prepared: Vec<(usize, Option<Problem>, S::Prepared)> = self.pool.install(|| {
            articles
                .into_par_iter()
                .map(|(article, ticket)| {
                    let warning = long_word_warning(&article);
                    let analysed = analyse(article, extractor, gazetteer);
                    let paragraphs = analysed.paragraphs.len();
                    (paragraphs, warning, sink.prepare(analysed, ticket))
                })
                .collect()
        });
        for (paragraphs, warning, prepared) in prepared {
            if let Some(warning) = warning {
                self.problem(&warning);
            }
            self.progress.paragraphs += paragraphs;
            self.sink.accept(prepared)?;
        }
        let done = self.sink.batch_done();
        for problem in self.sink.take_problems() {
            self.problem(&problem);
        }
        done
    }
}

/// A warning for an article holding a "word" too long to be text (see
/// [`paragraph::MAX_WORD_BYTES`]).
fn long_word_warning(article: &Article) -> Option<Problem> {
    let longest = paragraph::longest_word(&article.body);
    (longest > paragraph::MAX_WORD_BYTES).then(|| {
        Problem::warning(
            &article.source,
            None,
            format!(
                "article {:?} holds a word of {longest} bytes without a space (an inline image or data?): it is cut where its passages are cut and cannot be searched",
                article.id
            ),
        )
    })
}

/// Articles waiting to be analysed, bounded in count and in text size so that the articles
/// in flight take the same memory whatever the size of the corpus; each with whether its id
/// was read before in this run.
#[derive(Default)]
struct Batch {
    articles: Vec<(Article, bool)>,
    bytes: usize,
}

impl Batch {
    /// Articles per batch: enough to keep every worker busy between two hand-overs.
    const MAX_ARTICLES: usize = 1024;
    /// Body bytes per batch.
    const MAX_BYTES: usize = 8 * 1024 * 1024;

    fn push(&mut self, article: Article, repeated: bool) {
        self.bytes += article.body.len();
        self.articles.push((article, repeated));
    }

    fn is_full(&self) -> bool {
        self.articles.len() >= Self::MAX_ARTICLES || self.bytes >= Self::MAX_BYTES
    }

    fn take(&mut self) -> Vec<(Article, bool)> {
        self.bytes = 0;
        std::mem::take(&mut self.articles)
    }
}

/// The sink of `lede ingest`: writes articles into a store, skipping unchanged ones, and
/// commits every `commit_every` paragraphs or [`COMMIT_EVERY`].
struct IndexSink<S: Store> {
    store: S,
    report: IngestReport,
    since_commit: usize,
    commit_every: usize,
    commit_interval: Duration,
    last_commit: Instant,
}

/// What ingest decided about an article before analysing it.
struct Admitted {
    content_hash: String,
    in_last_commit: bool,
    /// It replaces an article of the same id read earlier in this run (not counted again).
    repeated: bool,
}

/// An article's documents, ready for the store.
struct Encoded<E> {
    id: String,
    in_last_commit: bool,
    repeated: bool,
    paragraphs: usize,
    mentions: usize,
    encoded: E,
}

impl<S: Store> Sink for IndexSink<S> {
    type Ticket = Admitted;
    type Prepared = Encoded<S::Encoded>;

    fn admit(&mut self, articles: &[(&Article, bool)]) -> Result<Vec<Option<Admitted>>> {
        // One question to the index for the whole batch.
        let asked: Vec<&str> = articles
            .iter()
            .filter(|(_, repeated)| !repeated)
            .map(|(article, _)| article.id.as_str())
            .collect();
        let mut stored = if self.store.held_nothing_at_open() {
            // Only this run can have written an article, and an id read before in this
            // run is `repeated`: a first one cannot be stored. A fresh million-paragraph
            // ingest asked every committed segment once per article.
            vec![None; asked.len()]
        } else {
            self.store.stored_hashes(&asked)?
        }
        .into_iter();
        let mut admitted = Vec::with_capacity(articles.len());
        for (article, repeated) in articles {
            let content_hash = content_hash(article);
            if *repeated {
                // An earlier article of this run with the same id may have replaced what
                // the index held: this one is written whatever the stored hash says.
                admitted.push(Some(Admitted {
                    content_hash,
                    in_last_commit: true,
                    repeated: true,
                }));
                continue;
            }
            let stored = stored.next().flatten();
            if stored.as_deref() == Some(content_hash.as_str()) {
                self.report.unchanged += 1;
                admitted.push(None);
            } else {
                admitted.push(Some(Admitted {
                    content_hash,
                    in_last_commit: stored.is_some(),
                    repeated: false,
                }));
            }
        }
        Ok(admitted)
    }

    fn prepare(&self, analysed: AnalysedArticle, admitted: Admitted) -> Self::Prepared {
        Encoded {
            in_last_commit: admitted.in_last_commit,
            repeated: admitted.repeated,
            paragraphs: analysed.paragraphs.len(),
            mentions: analysed
                .paragraphs
                .iter()
                .map(|p| p.resolved.mentions.len())
                .sum(),
            encoded: self.store.encode(&analysed, &admitted.content_hash),
            id: analysed.article.id,
        }
    }

    fn accept(&mut self, article: Self::Prepared) -> Result<()> {
        self.report.paragraphs += article.paragraphs;
        self.report.mentions += article.mentions;
        self.since_commit += article.paragraphs;
        if article.repeated {
            // Counted when its id was first read.
        } else if article.in_last_commit {
            self.report.updated += 1;
        } else {
            self.report.new += 1;
        }
        self.store
            .replace(&article.id, article.in_last_commit, article.encoded)
    }

    /// A refused article is counted as failed instead of new or updated.
    fn take_problems(&mut self) -> Vec<Problem> {
        self.store
            .take_problems()
            .into_iter()
            .map(|problem| match problem {
                StoreProblem::Warning { location, message } => {
                    Problem::warning(location, None, message)
                }
                StoreProblem::Refused {
                    article_id,
                    source,
                    was_stored,
                    paragraphs,
                    cause,
                } => {
                    self.report.paragraphs = self.report.paragraphs.saturating_sub(paragraphs);
                    let counted = if was_stored {
                        &mut self.report.updated
                    } else {
                        &mut self.report.new
                    };
                    *counted = counted.saturating_sub(1);
                    let message = format!("article {article_id:?} was not indexed: {cause}");
                    Problem::error(source, None, message)
                }
            })
            .collect()
    }

    fn batch_done(&mut self) -> Result<()> {
        if self.since_commit >= self.commit_every
            || (self.since_commit > 0 && self.last_commit.elapsed() >= self.commit_interval)
        {
            self.store.commit()?;
            self.since_commit = 0;
            self.last_commit = Instant::now();
        }
        Ok(())
    }
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
    paragraphs: usize,
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

    fn now(&self) -> Progress {
        Progress {
            files_total: self.files_total,
            files_done: self.files_done,
            bytes_total: self.bytes_total,
            bytes_read: (self.bytes_done + self.text_in_file.min(self.file_size))
                .min(self.bytes_total),
            articles: self.articles,
            paragraphs: self.paragraphs,
        }
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
    /// A file is about to be read; its size on disk and its name as messages give it.
    FileStart {
        bytes: u64,
        path: String,
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
    options: &IngestOptions,
    handle: &mut dyn FnMut(Input) -> Result<()>,
) -> Result<FileCounts> {
    let paths = &options.paths;
    let discovery = source::discover(paths, &options.exclude);
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
        handle(Input::FileStart {
            bytes,
            path: file.path.display().to_string(),
        })?;
        for record in source::read(file, &options.names) {
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
    use crate::backend::local::{LocalWriter, DEFAULT_MEMORY_BUDGET};

    fn article(body: &str) -> Article {
        Article {
            id: "a".into(),
            title: Some("T".into()),
            author: None,
            date: None,
            url: None,
            source: "a.txt".into(),
            origin: "a.txt".into(),
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

    fn writer(dir: &std::path::Path) -> LocalWriter {
        LocalWriter::open(&dir.join("idx"), DEFAULT_MEMORY_BUDGET, 1).unwrap()
    }

    #[test]
    fn ingesting_into_an_index_reports_new_then_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "One.\n\nTwo.").unwrap();
        let options =
            IngestOptions::new(vec![dir.path().join("a.txt")], PathNames::new(dir.path()));
        let first = ingest(writer(dir.path()), &options, &mut Strict).unwrap();
        assert_eq!((first.new, first.paragraphs), (1, 2));
        let second = ingest(writer(dir.path()), &options, &mut Strict).unwrap();
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
        let options = IngestOptions::new(
            vec![dir.path().join("a.txt"), dir.path().join("b.jsonl")],
            PathNames::new(dir.path()),
        );
        let mut seen = Vec::new();
        let mut report = ReportTo(|p: &Problem| panic!("{p}"), |p: &Progress| seen.push(*p));
        let ingested = ingest(writer(dir.path()), &options, &mut report).unwrap();
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
                paragraphs: ingested.paragraphs,
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
