//! What a user asks: the query text, filters, facets and paging, free of any CLI type.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

use super::period::Period;

/// Default number of passages returned.
pub const DEFAULT_LIMIT: usize = 10;
/// Default number of values listed per facet.
pub const DEFAULT_FACET_LIMIT: usize = 25;
/// Most passages one request returns (`--limit`).
pub const MAX_LIMIT: usize = 10_000;
/// Most passages a request may skip (`--offset`): paging deeper costs memory and time.
pub const MAX_OFFSET: usize = 1_000_000;
/// Most paragraphs shown before and after each hit (`-C`).
pub const MAX_CONTEXT: usize = 50;

/// A facet users can count and filter by. Ordered by name, as JSON objects list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetKind {
    /// Countries, by ISO code.
    Country,
    /// People.
    Person,
    /// Organisations.
    Org,
    /// Names used for works or bands, which are no person in their article. Kept for
    /// the query engine, which drops from the person facet the names the index mostly uses
    /// so; not offered to users (not in [`FacetKind::ALL`], not parsed).
    Work,
}

impl FacetKind {
    /// Every kind, in display order.
    pub const ALL: [FacetKind; 3] = [FacetKind::Country, FacetKind::Person, FacetKind::Org];

    /// Name used on the command line and in JSON (`country`, `person`, `org`).
    pub fn name(self) -> &'static str {
        match self {
            FacetKind::Country => "country",
            FacetKind::Person => "person",
            FacetKind::Org => "org",
            FacetKind::Work => "work",
        }
    }

    /// Parses a kind name, accepting common plurals and spellings.
    pub fn parse(text: &str) -> Option<FacetKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "country" | "countries" => Some(FacetKind::Country),
            "person" | "persons" | "people" => Some(FacetKind::Person),
            "org" | "orgs" | "organisation" | "organization" | "organisations"
            | "organizations" => Some(FacetKind::Org),
            _ => None,
        }
    }
}

impl Ord for FacetKind {
    fn cmp(&self, other: &FacetKind) -> Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for FacetKind {
    fn partial_cmp(&self, other: &FacetKind) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for FacetKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for FacetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many of a query's words a passage needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordMatch {
    /// Every word; when no passage has them all, any of them, with a notice.
    #[default]
    Default,
    /// Every word, and nothing else (`--all`).
    All,
    /// Any of the words (`--any`).
    Any,
}

/// A search request.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    /// Query text in lede's syntax; empty matches every passage.
    pub text: String,
    /// Passages to return.
    pub limit: usize,
    /// Passages to skip (paging).
    pub offset: usize,
    /// Countries to keep, as typed by the user (code, name or alias); several are OR-ed.
    pub countries: Vec<String>,
    /// People to keep, as typed ("putin" matches "Vladimir Putin"); several are OR-ed.
    pub persons: Vec<String>,
    /// Organisations to keep, as typed; several are OR-ed.
    pub orgs: Vec<String>,
    /// Articles to keep, by id; several are OR-ed.
    pub articles: Vec<String>,
    /// Keep articles dated in or after this period.
    pub since: Option<Period>,
    /// Keep articles dated in or before this period.
    pub until: Option<Period>,
    /// How many of the words a passage needs.
    pub words: WordMatch,
    /// The best passage per article instead of every passage.
    pub per_article: bool,
    /// Paragraphs of context before and after each hit.
    pub context: usize,
    /// Attach the score breakdown of each hit.
    pub explain: bool,
    /// Compute highlights and snippets (a TREC run needs neither).
    pub snippets: bool,
    /// Facets to count over all matching passages.
    pub facets: Vec<FacetKind>,
    /// Values listed per facet, most frequent first.
    pub facet_limit: usize,
}

impl QueryRequest {
    /// Refuses paging and context past the limits that keep a request's cost bounded,
    /// naming the flag.
    pub fn check(&self) -> crate::Result<()> {
        for (flag, value, max) in [
            ("--limit", self.limit, MAX_LIMIT),
            ("--offset", self.offset, MAX_OFFSET),
            ("--context", self.context, MAX_CONTEXT),
        ] {
            if value > max {
                return Err(crate::Error::Argument {
                    argument: flag.into(),
                    value: value.to_string(),
                    message: format!("the most lede takes is {max}"),
                });
            }
        }
        Ok(())
    }

    /// A request for `text` with default paging and no filters or facets.
    pub fn new(text: impl Into<String>) -> QueryRequest {
        QueryRequest {
            text: text.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            countries: Vec::new(),
            persons: Vec::new(),
            orgs: Vec::new(),
            articles: Vec::new(),
            since: None,
            until: None,
            words: WordMatch::Default,
            per_article: false,
            context: 0,
            explain: false,
            snippets: true,
            facets: Vec::new(),
            facet_limit: DEFAULT_FACET_LIMIT,
        }
    }
}
