//! The query string of an API request → the library's request types, refusing what it
//! cannot read with the parameter's name (HTTP 400).

use crate::backend::Interval;
use crate::query::period::Period;
use crate::query::request::{FacetKind, QueryRequest, WordMatch};
use crate::query::top::TopKind;

/// A parameter the API cannot take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParameter {
    /// The parameter's name (`limit`, `country`…).
    pub parameter: String,
    /// What is wrong, with what would be right.
    pub error: String,
}

impl BadParameter {
    fn new(parameter: &str, error: impl Into<String>) -> BadParameter {
        BadParameter {
            parameter: parameter.into(),
            error: error.into(),
        }
    }
}

/// Parameters every searching endpoint takes, as `lede query` takes them as flags.
const SEARCH: &[&str] = &[
    "q", "country", "person", "org", "article", "since", "until", "any", "all",
];
/// Parameters of `/api/articles/{id}`: a text query and how many of its words are needed,
/// read as `/api/query` reads them.
pub const TEXT_QUERY: &[&str] = &["q", "any", "all"];
/// Parameters of `/api/query` besides [`SEARCH`].
pub const QUERY: &[&str] = &[
    "facet",
    "facet_limit",
    "limit",
    "offset",
    "per_article",
    "context",
    "explain",
];

/// A parsed query string: its pairs, in order.
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Reads `raw` (`a=1&b=2`), refusing parameters that none of `allowed` names: a typo
    /// (`contry=KP`) must not silently drop a filter.
    pub fn parse(raw: Option<&str>, allowed: &[&[&str]]) -> Result<Params, BadParameter> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (key, _) in &pairs {
            if !allowed.iter().any(|names| names.contains(&key.as_str())) {
                let names: Vec<&str> = allowed.iter().flat_map(|n| n.iter().copied()).collect();
                return Err(BadParameter::new(
                    key,
                    format!(
                        "unknown parameter; this endpoint takes {}",
                        names.join(", ")
                    ),
                ));
            }
        }
        Ok(Params { pairs })
    }

    /// Every value of `key`, in order.
    fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The last value of `key`.
    fn one(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, key: &str, default: usize) -> Result<usize, BadParameter> {
        match self.one(key) {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| BadParameter::new(key, format!("{text:?} is not a whole number"))),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, BadParameter> {
        match self.one(key) {
            None | Some("" | "0" | "false" | "no") => Ok(false),
            Some("1" | "true" | "yes") => Ok(true),
            Some(text) => Err(BadParameter::new(
                key,
                format!("{text:?} is not true or false (use 1 or 0)"),
            )),
        }
    }

    fn period(&self, key: &str) -> Result<Option<Period>, BadParameter> {
        match self.one(key) {
            None | Some("") => Ok(None),
            Some(text) => Period::parse(text)
                .map(Some)
                .map_err(|error| BadParameter::new(key, error)),
        }
    }

    /// The search the parameters describe: text, filters and how many words are needed.
    pub fn search(&self) -> Result<QueryRequest, BadParameter> {
        let mut request = self.text_query()?;
        request.countries = self.all("country");
        request.persons = self.all("person");
        request.orgs = self.all("org");
        request.articles = self.all("article");
        request.since = self.period("since")?;
        request.until = self.period("until")?;
        Ok(request)
    }

    /// The text query alone: `q` and how many of its words are needed (`any`, `all`).
    fn text_query(&self) -> Result<QueryRequest, BadParameter> {
        let mut request = QueryRequest::new(self.one("q").unwrap_or(""));
        request.words = match (self.flag("any")?, self.flag("all")?) {
            (true, true) => {
                return Err(BadParameter::new("all", "any and all cannot both be asked"))
            }
            (true, false) => WordMatch::Any,
            (false, true) => WordMatch::All,
            (false, false) => WordMatch::Default,
        };
        Ok(request)
    }

    /// The query `/api/articles/{id}` marks in the article; `None` without `q` (or with an
    /// empty one), which asks for the article alone.
    pub fn article_query(&self) -> Result<Option<QueryRequest>, BadParameter> {
        let request = self.text_query()?;
        Ok((!request.text.is_empty()).then_some(request))
    }

    /// The request of `/api/query`: the search, its page and facets.
    pub fn query(&self) -> Result<QueryRequest, BadParameter> {
        let mut request = self.search()?;
        request.limit = self.number("limit", request.limit)?;
        request.offset = self.number("offset", 0)?;
        request.context = self.number("context", 0)?;
        request.facet_limit = self.number("facet_limit", request.facet_limit)?;
        request.per_article = self.flag("per_article")?;
        request.explain = self.flag("explain")?;
        for text in self.all("facet") {
            let kind = FacetKind::parse(&text).ok_or_else(|| {
                BadParameter::new("facet", format!("{text:?} is not country, person or org"))
            })?;
            if !request.facets.contains(&kind) {
                request.facets.push(kind);
            }
        }
        Ok(request)
    }

    /// The number of values `/api/facets/{kind}` lists.
    pub fn limit(&self, default: usize) -> Result<usize, BadParameter> {
        self.number("limit", default)
    }

    /// The `interval` of `/api/timeline` (a month by default).
    pub fn interval(&self) -> Result<Interval, BadParameter> {
        match self.one("interval") {
            None | Some("") => Ok(Interval::Month),
            Some(text) => Interval::parse(text).ok_or_else(|| {
                BadParameter::new("interval", format!("{text:?} is not year, month or day"))
            }),
        }
    }

    /// The `format` of `/api/export`.
    pub fn export_format(&self) -> Result<ExportFormat, BadParameter> {
        match self.one("format").unwrap_or("jsonl") {
            "csv" => Ok(ExportFormat::Csv),
            "jsonl" | "" => Ok(ExportFormat::JsonLines),
            other => Err(BadParameter::new(
                "format",
                format!("{other:?} is not csv or jsonl"),
            )),
        }
    }
}

/// What `/api/facets/{kind}` counts.
pub fn facet_kind(text: &str) -> Result<Result<TopKind, Interval>, BadParameter> {
    if let Some(kind) = TopKind::parse(text) {
        return Ok(Ok(kind));
    }
    Interval::parse(text).map(Err).ok_or_else(|| {
        BadParameter::new(
            "kind",
            format!("{text:?} is not country, person, org, author, year, month or day"),
        )
    })
}

/// The formats of `/api/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV, one row per passage.
    Csv,
    /// One JSON object per passage and line.
    JsonLines,
}

/// The parameters `/api/query` takes.
pub fn query_parameters() -> [&'static [&'static str]; 2] {
    [SEARCH, QUERY]
}

/// The parameters of the endpoints that only search (`/api/facets`, `/api/timeline`,
/// `/api/export`), with their own extra ones.
pub fn search_parameters(extra: &'static [&'static str]) -> [&'static [&'static str]; 2] {
    [SEARCH, extra]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_filters_and_facets_read_like_the_command_line() {
        let params = Params::parse(
            Some("q=weapons+supply&country=KP&country=ru&facet=country&limit=5&any=1"),
            &query_parameters(),
        )
        .unwrap();
        let request = params.query().unwrap();
        assert_eq!(request.text, "weapons supply");
        assert_eq!(request.countries, ["KP", "ru"]);
        assert_eq!(request.facets, [FacetKind::Country]);
        assert_eq!((request.limit, request.words), (5, WordMatch::Any));
    }

    #[test]
    fn bad_values_and_unknown_names_say_which_parameter() {
        let bad = |raw: &str| {
            Params::parse(Some(raw), &query_parameters())
                .and_then(|p| p.query())
                .unwrap_err()
                .parameter
        };
        assert_eq!(bad("contry=KP"), "contry");
        assert_eq!(bad("limit=ten"), "limit");
        assert_eq!(bad("since=March"), "since");
        assert_eq!(bad("facet=colour"), "facet");
        assert_eq!(bad("any=maybe"), "any");
    }
}
