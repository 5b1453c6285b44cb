//! An article as read from any input format: the unit users think in.
//!
//! Every reader in [`crate::source`] produces [`Article`]s; everything downstream works on the
//! plain-text `body`, so byte offsets of paragraphs, mentions and highlights all refer to it.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// One article: metadata and the plain-text body that gets split into paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable identity: given by the input, else derived from the source path.
    pub id: String,
    /// Headline, when the input has one.
    pub title: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publication date.
    pub date: Option<ArticleDate>,
    /// Where the article is published.
    pub url: Option<String>,
    /// The file it was read from, as shown to the user.
    pub source: String,
    /// Where in its file it was read: the file for a whole-file format, `file:LINE` for a
    /// JSON line, `file#ITEM` for an item of a JSON array (what messages name).
    pub origin: String,
    /// Plain text; paragraphs are separated by blank lines.
    pub body: String,
}

/// A publication date, kept as seconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleDate(i64);

/// The date formats accepted besides RFC 3339, tried in order.
const DATE_TIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];
const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%Y%m%d",
];

impl ArticleDate {
    /// Reads the date forms found in news exports: ISO 8601 / RFC 3339 with or without a time
    /// and zone, RFC 2822 (RSS), and spelled-out English dates ("3 March 2023").
    /// Dates without a zone are taken as UTC.
    pub fn parse(text: &str) -> Option<ArticleDate> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(ArticleDate(dt.timestamp()));
        }
        if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
            return Some(ArticleDate(dt.timestamp()));
        }
        for format in DATE_TIME_FORMATS {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(ArticleDate(naive.and_utc().timestamp()));
            }
        }
        for format in DATE_FORMATS {
            if let Ok(date) = NaiveDate::parse_from_str(text, format) {
                let midnight = date.and_hms_opt(0, 0, 0)?;
                return Some(ArticleDate(midnight.and_utc().timestamp()));
            }
        }
        None
    }

    /// Reads a date as [`ArticleDate::parse`] does, refusing one an index cannot hold:
    /// tantivy keeps dates as nanoseconds in 64 bits, from 1677-09-21 to 2262-04-11, and
    /// a date outside wrapped around into another century. The error says why, for a
    /// warning.
    pub fn read(text: &str) -> Result<ArticleDate, String> {
        let date =
            ArticleDate::parse(text).ok_or_else(|| format!("date {text:?} is not a date"))?;
        const LIMIT: i64 = i64::MAX / 1_000_000_000;
        if !(-LIMIT..=LIMIT).contains(&date.0) {
            return Err(format!(
                "date {text:?} is outside the years an index can hold (1677-09-21 to 2262-04-11)"
            ));
        }
        Ok(date)
    }

    /// Builds a date from seconds since the Unix epoch.
    pub fn from_timestamp(seconds: i64) -> ArticleDate {
        ArticleDate(seconds)
    }

    /// Seconds since the Unix epoch.
    pub fn timestamp(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ArticleDate {
    /// `2023-09-12` for a date at midnight, `2023-09-12T08:30:00Z` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Utc.timestamp_opt(self.0, 0).single() {
            Some(dt) if self.0.rem_euclid(86_400) == 0 => write!(f, "{}", dt.format("%Y-%m-%d")),
            Some(dt) => write!(f, "{}", dt.format("%Y-%m-%dT%H:%M:%SZ")),
            None => write!(f, "@{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Option<String> {
        ArticleDate::parse(text).map(|d| d.to_string())
    }

    #[test]
    fn iso_dates_with_and_without_time() {
        assert_eq!(show("2023-09-12").as_deref(), Some("2023-09-12"));
        assert_eq!(
            show("2023-09-12T08:30:00Z").as_deref(),
            Some("2023-09-12T08:30:00Z")
        );
        assert_eq!(
            show("2023-09-12T10:30:00+02:00").as_deref(),
            Some("2023-09-12T08:30:00Z")
        );
        assert_eq!(
            show("1987-02-26 15:01:01").as_deref(),
            Some("1987-02-26T15:01:01Z")
        );
    }

    #[test]
    fn rss_and_spelled_out_dates() {
        assert_eq!(
            show("Tue, 12 Sep 2023 08:30:00 +0000").as_deref(),
            Some("2023-09-12T08:30:00Z")
        );
        assert_eq!(show("12 September 2023").as_deref(), Some("2023-09-12"));
        assert_eq!(show("September 12, 2023").as_deref(), Some("2023-09-12"));
    }

    #[test]
    fn dates_an_index_cannot_hold_are_refused_with_the_reason() {
        assert!(ArticleDate::read("1987-03-19").is_ok());
        assert!(ArticleDate::read("1677-09-22").is_ok());
        for text in ["0001-01-01", "1400-06-01", "2300-01-01"] {
            let error = ArticleDate::read(text).unwrap_err();
            assert!(error.contains("outside the years"), "{text}: {error}");
        }
        assert!(ArticleDate::read("soon")
            .unwrap_err()
            .contains("not a date"));
    }

    #[test]
    fn garbage_is_not_a_date() {
        assert_eq!(show(""), None);
        assert_eq!(show("yesterday"), None);
        assert_eq!(show("2023-13-45"), None);
    }
}
