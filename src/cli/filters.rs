//! The filter flags `lede query` and `lede facets` share, defined once.

use lede::query::period::Period;
use lede::query::request::{QueryRequest, WordMatch};

/// `--any` or `--all`: how many of the words a passage needs.
#[derive(Debug, Clone, clap::Args)]
pub struct WordsArg {
    /// Match passages with any of the words instead of all
    #[arg(long, conflicts_with = "all")]
    any: bool,
    /// Match only passages with every word, never falling back to any of them
    #[arg(long)]
    all: bool,
}

impl WordsArg {
    /// The choice made, or the default.
    pub fn choice(&self) -> WordMatch {
        match (self.any, self.all) {
            (true, _) => WordMatch::Any,
            (_, true) => WordMatch::All,
            _ => WordMatch::Default,
        }
    }
}

/// Filters of a query: several values of one flag are any of them; different flags all
/// apply.
#[derive(Debug, Clone, clap::Args)]
pub struct Filters {
    /// Keep passages about this country: ISO code, English name or alias, any case; repeat for any of several
    #[arg(long, value_name = "COUNTRY")]
    country: Vec<String>,
    /// Keep passages naming this person: "putin" takes every name with the words typed (Vladimir Putin), "=Sun Co" only the name spelled so; repeatable
    #[arg(long, value_name = "NAME")]
    person: Vec<String>,
    /// Keep passages naming this organisation: words of a name, or "=NAME" for that name only; repeatable
    #[arg(long, value_name = "NAME")]
    org: Vec<String>,
    /// Keep passages of this article id; repeatable
    #[arg(long, value_name = "ID")]
    article: Vec<String>,
    /// Keep articles dated in or after this year, month or day (1987, 1987-03, 1987-03-19, "March 1987"); undated articles are left out and counted
    #[arg(long, value_name = "DATE", value_parser = Period::parse)]
    since: Option<Period>,
    /// Keep articles dated in or before this year, month or day (--until 1987-03: to the end of March 1987)
    #[arg(long, value_name = "DATE", value_parser = Period::parse)]
    until: Option<Period>,
}

impl Filters {
    /// Puts the filters into `request`.
    pub fn apply(&self, request: &mut QueryRequest) {
        request.countries = self.country.clone();
        request.persons = self.person.clone();
        request.orgs = self.org.clone();
        request.articles = self.article.clone();
        request.since = self.since;
        request.until = self.until;
    }
}
