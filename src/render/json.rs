//! JSON output: one object per query, one line per extracted paragraph.
//!
//! Every character that could disturb a terminal or a reader is escaped (see
//! `SafeFormatter`), so corpus text cannot inject anything here.

use std::io::{self, Write};

use serde::Serialize;

use crate::backend::local::verify::CheckReport;
use crate::extract::{Evidence, Kind};
use crate::gazetteer::CountryCode;
use crate::ingest::AnalysedArticle;
use crate::query::response::{ArticleView, QueryResponse, TimelineResponse};
use crate::query::top::TopValues;
use crate::remove::RemoveReport;
use crate::stats::Stats;

/// Writes a query response as exactly one JSON object and a newline.
pub fn query(out: &mut dyn Write, response: &QueryResponse) -> io::Result<()> {
    line(out, response)
}

/// A query of a batch refused for its cost, in place of its answer:
/// `{"query_id", "query", "error"}`.
pub fn query_error(
    out: &mut dyn Write,
    id: &str,
    text: &str,
    error: &crate::Error,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Refused<'a> {
        query_id: &'a str,
        query: &'a str,
        error: String,
    }
    line(
        out,
        &Refused {
            query_id: id,
            query: text,
            error: error.to_string(),
        },
    )
}

/// Writes what `lede remove` did as one JSON object: `{"articles": [ids], "paragraphs": n}`.
pub fn remove_report(out: &mut dyn Write, report: &RemoveReport) -> io::Result<()> {
    line(out, report)
}

/// Writes the top values of a facet (`lede facets --json`) as one JSON object.
pub fn top_values(out: &mut dyn Write, top: &TopValues) -> io::Result<()> {
    line(out, top)
}

/// Writes what `lede check` found as one JSON object: `{"index", "segments", "files",
/// "damaged": [file]}`.
pub fn check_report(out: &mut dyn Write, report: &CheckReport) -> io::Result<()> {
    line(out, report)
}

/// Writes how matches spread over time (`lede facets year|month|day --json`) as one JSON
/// object: `{"query", "interval", "total", "undated", "periods": [{"period", "passages",
/// "articles"}], "notices"}`.
pub fn timeline(out: &mut dyn Write, timeline: &TimelineResponse) -> io::Result<()> {
    line(out, timeline)
}

/// Writes a whole article as one JSON object (the `/api/articles/{id}` answer).
pub fn article(out: &mut dyn Write, article: &ArticleView) -> io::Result<()> {
    line(out, article)
}

/// Writes any serialisable value as one JSON line, escaped like every other output.
pub fn value<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    line(out, value)
}

/// One passage of an export as a JSON line: the columns of the CSV export.
pub fn export_row(out: &mut dyn Write, hit: &crate::query::response::Hit) -> io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        article_id: &'a str,
        title: Option<&'a str>,
        date: Option<String>,
        paragraph: u64,
        text: &'a str,
        countries: &'a [CountryCode],
        persons: &'a [String],
        orgs: &'a [String],
    }
    line(
        out,
        &Row {
            article_id: &hit.article_id,
            title: hit.title.as_deref(),
            date: hit.date.map(|d| d.to_string()),
            paragraph: hit.paragraph,
            text: &hit.text,
            countries: &hit.countries,
            persons: &hit.persons,
            orgs: &hit.orgs,
        },
    )
}

/// Writes index statistics as one JSON object.
pub fn stats(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    line(out, stats)
}

/// One paragraph of `lede extract` output.
#[derive(Serialize)]
struct ParagraphRecord<'a> {
    article_id: &'a str,
    paragraph: usize,
    offset: usize,
    text: &'a str,
    mentions: Vec<MentionRecord<'a>>,
    countries: &'a [CountryCode],
    persons: &'a [String],
    orgs: &'a [String],
    /// Names the article uses for works or bands, which are no person in it.
    works: &'a [String],
}

#[derive(Serialize)]
struct MentionRecord<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
    end: usize,
    value: &'a str,
    country: Option<CountryCode>,
    evidence: Evidence,
}

/// Writes one JSON line per paragraph of an analysed article.
pub fn extracted(out: &mut dyn Write, analysed: &AnalysedArticle) -> io::Result<()> {
    let body = &analysed.article.body;
    for p in &analysed.paragraphs {
        let text = p.paragraph.text(body);
        let entities = &p.resolved.entities;
        let record = ParagraphRecord {
            article_id: &analysed.article.id,
            paragraph: p.paragraph.ordinal,
            offset: p.paragraph.start,
            text,
            mentions: p
                .resolved
                .mentions
                .iter()
                .map(|m| MentionRecord {
                    kind: m.kind,
                    text: &text[m.start..m.end],
                    start: m.start,
                    end: m.end,
                    value: &m.value,
                    country: m.country,
                    evidence: m.evidence,
                })
                .collect(),
            countries: &entities.countries,
            persons: &entities.persons,
            orgs: &entities.orgs,
            works: &entities.works,
        };
        line(out, &record)?;
    }
    Ok(())
}

fn line<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, SafeFormatter);
    value.serialize(&mut serializer)?;
    out.write_all(b"\n")
}

/// serde_json's compact output, with every character that can disturb a reader escaped as
/// `\uXXXX`, not only the control characters below U+0020 JSON requires: DEL and the C1
/// controls (terminal escapes), bidirectional overrides and zero-width characters (text
/// shown backwards or hidden), and U+2028/U+2029 (line breaks to JavaScript). The escapes
/// read back as the same text.
struct SafeFormatter;

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control() || super::is_invisible(c) || super::is_line_separator(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_that_disturb_readers_are_escaped_and_read_back() {
        let text = "a\u{7f}b\u{9b}31m\u{202e}evil\u{200b}x\u{2028}y\u{feff}z é 日本";
        let mut out = Vec::new();
        line(&mut out, &serde_json::json!({ "text": text })).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert_eq!(
            json,
            "{\"text\":\"a\\u007fb\\u009b31m\\u202eevil\\u200bx\\u2028y\\ufeffz é 日本\"}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["text"], text);
    }
}
