//! JSON output: one object per query, one line per extracted paragraph.
//!
//! serde_json escapes control characters, so corpus text cannot inject anything here.

use std::io::{self, Write};

use serde::Serialize;

use crate::extract::{Evidence, Kind};
use crate::gazetteer::CountryCode;
use crate::ingest::AnalysedArticle;
use crate::query::response::QueryResponse;
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
        };
        line(out, &record)?;
    }
    Ok(())
}

fn line<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
