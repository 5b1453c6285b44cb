//! Where passages are kept and searched: one small interface, so that the ingest pipeline,
//! the query engine and the command line never know which index they talk to.
//!
//! [`Store`] is the write side (write an analysed article's paragraphs, remove articles,
//! commit); [`Backend`] is the read side (one search with its facet counts, counts per
//! value, the paragraphs around a hit, what the index holds). Everything that gives a query
//! its meaning (the query language, analysis, falling back to any of the words, counting a
//! filtered facet without its own filter, snippets) lives above this interface in
//! [`crate::query`], so every implementation answers alike. [`local`] is the embedded
//! tantivy index folder; [`opensearch`] an index in an OpenSearch cluster.

pub mod local;
pub mod opensearch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::ingest::AnalysedArticle;
use crate::query::plan::{Filter, FilterKind, Plan};
use crate::query::request::FacetKind;
use crate::query::response::{ContextParagraph, Hit};
use crate::query::top::TopKind;
use crate::remove::{RemoveReport, Selector};

/// The read side of an index.
pub trait Backend: Send + Sync {
    /// Where the index is, as shown to users (a folder or a URL).
    fn location(&self) -> String;

    /// Every value of a facet kind the index holds, for matching typed names
    /// (`--person putin`).
    fn facet_values(&self, kind: FacetKind) -> Result<Vec<String>>;

    /// One search: the exact total, a page of hits (without snippets, which the query
    /// engine adds) and the counts of the facets asked for, over every match.
    fn search(&self, search: &Search<'_>) -> Result<Found>;

    /// The passages of the whole index that hold each of `values` of `kind` (values held
    /// by none left out), when the index can tell them without a search; `None` (the
    /// default) sends the caller to [`Backend::search`].
    fn passages_of(
        &self,
        kind: FacetKind,
        values: &[String],
    ) -> Result<Option<HashMap<String, u64>>> {
        let _ = (kind, values);
        Ok(None)
    }

    /// How many distinct articles the matches come from, and how many matching passages
    /// each of `articles` has.
    fn article_passages(
        &self,
        selection: &Selection<'_>,
        articles: &[&str],
    ) -> Result<ArticlePassages>;

    /// Values of `kind` over the matches, with passages and distinct articles each, most
    /// passages first (at least the first `limit`, in order); the number of distinct values
    /// and of matching passages.
    fn count_values(
        &self,
        selection: &Selection<'_>,
        kind: TopKind,
        limit: usize,
    ) -> Result<Counted>;

    /// The paragraphs of `article_id` within `n` of `paragraph`, in order, that one left out.
    fn context(&self, article_id: &str, paragraph: u64, n: usize) -> Result<Vec<ContextParagraph>>;

    /// What the index holds.
    fn summary(&self) -> Result<Summary>;

    /// Matching passages and distinct articles per period of the article date, oldest
    /// first, and the matching passages of undated articles.
    fn timeline(&self, selection: &Selection<'_>, interval: Interval) -> Result<Timeline>;

    /// Every paragraph of an article, in order (none when the index does not hold it).
    fn article(&self, article_id: &str) -> Result<Vec<Hit>>;

    /// Hands every matching passage, best first, to `each` (without snippets), until it
    /// returns `false`; returns how many were handed over.
    fn export(
        &self,
        selection: &Selection<'_>,
        each: &mut dyn FnMut(Hit) -> Result<bool>,
    ) -> Result<u64>;

    /// Sees what was committed since the index was opened (a long-running reader).
    fn refresh(&self) -> Result<()>;
}

/// The length of the periods of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// Calendar years.
    Year,
    /// Calendar months.
    Month,
    /// Days.
    Day,
}

impl Interval {
    /// Reads `year`, `month` or `day` (plurals too).
    pub fn parse(text: &str) -> Option<Interval> {
        match text.trim().to_ascii_lowercase().trim_end_matches('s') {
            "year" => Some(Interval::Year),
            "month" => Some(Interval::Month),
            "day" => Some(Interval::Day),
            _ => None,
        }
    }

    /// The name of the interval (`year`, `month`, `day`).
    pub fn name(self) -> &'static str {
        match self {
            Interval::Year => "year",
            Interval::Month => "month",
            Interval::Day => "day",
        }
    }

    /// The period holding the instant `seconds` since the epoch, as text: `1987`,
    /// `1987-03` or `1987-03-19` (UTC).
    pub fn period(self, seconds: i64) -> String {
        let date = chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
        match self {
            Interval::Year => date.format("%Y").to_string(),
            Interval::Month => date.format("%Y-%m").to_string(),
            Interval::Day => date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Matches counted per period.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Periods with matches, oldest first: the period (`1987-03`), passages, articles.
    pub periods: Vec<(String, u64, u64)>,
    /// Matching passages of undated articles.
    pub undated: u64,
}

/// The write side of an index. Articles are written in reading order; a later version of
/// an article replaces an earlier one, in the same ingest or across ingests.
pub trait Store: Sync {
    /// An analysed article made ready to write. Analysis workers make it in parallel
    /// (through [`Store::encode`]), the writer takes it in reading order.
    type Encoded: Send;

    /// Turns an analysed article into what [`Store::replace`] writes.
    fn encode(&self, analysed: &AnalysedArticle, content_hash: &str) -> Self::Encoded;

    /// The content hash the last commit holds for an article, if it holds the article.
    fn stored_hash(&mut self, article_id: &str) -> Result<Option<String>>;

    /// [`Store::stored_hash`] of several articles at once, in order (an index over a
    /// network answers them in one request).
    fn stored_hashes(&mut self, article_ids: &[&str]) -> Result<Vec<Option<String>>> {
        article_ids.iter().map(|id| self.stored_hash(id)).collect()
    }

    /// Whether the index held no passage when this writer opened it. An article id this
    /// writer has not written since then has no stored hash, so an ingest that knows which
    /// ids it wrote need not ask. `false` when unknown.
    fn held_nothing_at_open(&self) -> bool {
        false
    }

    /// Replaces every paragraph of `article_id` with the encoded ones. `in_last_commit` says
    /// whether the last commit holds the article, as [`Store::stored_hash`] found.
    fn replace(
        &mut self,
        article_id: &str,
        in_last_commit: bool,
        encoded: Self::Encoded,
    ) -> Result<()>;

    /// Sends what is written so far without committing it (an index over a network buffers
    /// writes) and looks at the index's state, so that [`Store::take_problems`] has every
    /// problem of the run.
    fn settle(&mut self) -> Result<()> {
        Ok(())
    }

    /// What went wrong with single articles, or had to be tried again, since last asked.
    fn take_problems(&mut self) -> Vec<StoreProblem> {
        Vec::new()
    }

    /// Deletes the articles the selectors name from what the last commit holds.
    fn remove(&mut self, selectors: &[Selector]) -> Result<RemoveReport>;

    /// Makes everything written so far durable and visible to new readers.
    fn commit(&mut self) -> Result<()>;

    /// Commits and releases the index for other writers; with `wait`, after the work the
    /// index does in the background (merges) has ended.
    fn finish(self, wait: bool) -> Result<()>;
}

/// Something a store could not do for one article, or had to try again; the ingest reports
/// it and goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreProblem {
    /// Something the user should know about the index (it was busy and writes were sent
    /// again, it lost a node); nothing was lost.
    Warning {
        /// The index.
        location: String,
        /// What was sent again, and why.
        message: String,
    },
    /// The index refused an article: it is not indexed.
    Refused {
        /// The article.
        article_id: String,
        /// The source name it was read from.
        source: String,
        /// Whether the index held an earlier version (which may now be partly overwritten).
        was_stored: bool,
        /// Its paragraphs, which were counted as written.
        paragraphs: usize,
        /// Why, in the index's words.
        cause: String,
    },
}

/// The passages a request selects: its text query and its filters, one kind of filter
/// possibly left out (to count a facet disjunctively, or to count undated articles).
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// The analysed text query.
    pub plan: &'a Plan,
    /// Filters, each a conjunct.
    pub filters: &'a [Filter],
    /// A kind of filter to leave out.
    pub without: Option<FilterKind>,
}

impl<'a> Selection<'a> {
    /// The filters that apply.
    pub fn active_filters(&self) -> impl Iterator<Item = &'a Filter> + 'a {
        let without = self.without;
        self.filters
            .iter()
            .filter(move |filter| Some(filter.kind()) != without)
    }
}

/// One search.
#[derive(Debug, Clone, Copy)]
pub struct Search<'a> {
    /// The passages to find.
    pub selection: Selection<'a>,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return; 0 for counts only.
    pub limit: usize,
    /// The best passage of each article instead of every passage.
    pub per_article: bool,
    /// Facets to count over every match.
    pub facets: &'a [FacetKind],
    /// Values of each facet the caller shows: the counts must hold at least these first
    /// values, in order (a backend may count articles only for them).
    pub facet_limit: usize,
    /// When set (sorted), the facet counts hold these values only, each that occurs, with
    /// exact counts however many other values the matches have (`facet_limit` is then
    /// ignored).
    pub only_values: Option<&'a [String]>,
    /// Count the distinct articles of each facet value (a cluster counts them in further
    /// requests); without, a backend may leave every value's `articles` at 0.
    pub articles: bool,
    /// Attach the score breakdown to each hit.
    pub explain: bool,
    /// Count every match for [`Found::total`]; without (and without facets), a backend may
    /// stop once it has the page, and `total` is then the number of hits returned.
    pub total: bool,
}

impl<'a> Search<'a> {
    /// Whether the search must visit every match: for the exact total or for facet counts.
    pub fn visits_every_match(&self) -> bool {
        self.total || !self.facets.is_empty()
    }

    /// A search that only counts: the total and the counts of the first `facet_limit`
    /// values of `facets`, no hits.
    pub fn counting(
        selection: Selection<'a>,
        facets: &'a [FacetKind],
        facet_limit: usize,
    ) -> Search<'a> {
        Search {
            selection,
            offset: 0,
            limit: 0,
            per_article: false,
            facets,
            facet_limit,
            only_values: None,
            articles: true,
            explain: false,
            total: true,
        }
    }

    /// A search that only counts: the total and the counts of `values` (sorted) of
    /// `facets`, no hits.
    pub fn counting_values(
        selection: Selection<'a>,
        facets: &'a [FacetKind],
        values: &'a [String],
    ) -> Search<'a> {
        Search {
            only_values: Some(values),
            ..Search::counting(selection, facets, values.len())
        }
    }
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Matching passages in all.
    pub total: u64,
    /// The page asked for, best first, without snippets.
    pub hits: Vec<Hit>,
    /// Counts of each facet asked for, in the order asked.
    pub facets: Vec<Vec<FacetCount>>,
}

/// Counts of one value over the matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The value as stored (`KP`, `Vladimir Putin`).
    pub value: String,
    /// Matching passages with this value.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}

/// The values of one kind over the matches of a selection.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    /// Matching passages.
    pub total: u64,
    /// Distinct values over the matches (`values` may hold only the first ones).
    pub distinct: u64,
    /// Most passages first, then most articles, then by value.
    pub values: Vec<FacetCount>,
}

/// Matching passages counted by article.
#[derive(Debug, Clone, Default)]
pub struct ArticlePassages {
    /// Distinct articles among the matches.
    pub distinct: u64,
    /// Matching passages of each article asked about, in the order asked.
    pub of: Vec<u64>,
}

/// What an index holds, as a backend can tell without a query.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Where the index is.
    pub location: String,
    /// Articles indexed.
    pub articles: u64,
    /// Passages indexed.
    pub passages: u64,
    /// Size on disk in bytes.
    pub size_bytes: u64,
    /// Segments (or shards) of the index.
    pub segments: usize,
    /// Schema version.
    pub schema_version: u32,
}

/// Where an index is: a folder, or an index in an OpenSearch cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local index folder.
    Folder(PathBuf),
    /// `http(s)://HOST:PORT/NAME`.
    Cluster(opensearch::Address),
}

impl Location {
    /// Reads `--index`: an `http://` or `https://` URL names an index in a cluster, anything
    /// else a folder.
    pub fn parse(text: &std::ffi::OsStr) -> Result<Location> {
        match text.to_str().and_then(opensearch::Address::parse) {
            Some(address) => Ok(Location::Cluster(address?)),
            None => Ok(Location::Folder(PathBuf::from(text))),
        }
    }

    /// The location as users write it.
    pub fn shown(&self) -> String {
        match self {
            Location::Folder(path) => path.display().to_string(),
            Location::Cluster(address) => address.url(),
        }
    }

    /// The folder article ids are made relative to: the one holding a local index, the
    /// working folder for a cluster.
    pub fn id_base(&self) -> PathBuf {
        match self {
            Location::Folder(path) => id_base(path),
            Location::Cluster(_) => PathBuf::from("."),
        }
    }
}

/// Opens the index at `location` for reading.
pub fn open(location: &Location) -> Result<Box<dyn Backend>> {
    Ok(match location {
        Location::Folder(path) => Box::new(local::LocalReader::open(path)?),
        Location::Cluster(address) => Box::new(opensearch::OpenSearchReader::open(address)?),
    })
}

/// The folder article ids are made relative to: the one holding the index.
pub fn id_base(location: &Path) -> PathBuf {
    match location.parent() {
        Some(parent) if parent != Path::new("") => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
