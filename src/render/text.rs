//! Text output for people at a terminal.
//!
//! Everything goes through a `WriteColor`, so the same code prints colour on a terminal,
//! plain markers in a pipe, and into a `Vec<u8>` in tests. Corpus text is cleaned of control
//! characters before it is written: an article cannot send escape sequences to a terminal.

use std::io;

use termcolor::{Color, ColorSpec, WriteColor};

use crate::backend::local::verify::CheckReport;
use crate::error::{Problem, Severity};
use crate::gazetteer::CountryCode;
use crate::ingest::IngestReport;
use crate::query::response::{ContextParagraph, FacetValue, Hit, QueryResponse, TimelineResponse};
use crate::query::top::TopValues;
use crate::remove::RemoveReport;
use crate::stats::Stats;

/// Marks around highlighted words when there is no colour.
const MARK_OPEN: &str = "**";
const MARK_CLOSE: &str = "**";
/// Indentation of the lines under a hit's heading.
const INDENT: &str = "   ";

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Columns to wrap text at.
    pub width: usize,
    /// Show which words gave each country of a hit.
    pub why: bool,
}

impl Default for TextOptions {
    fn default() -> TextOptions {
        TextOptions {
            width: 100,
            why: false,
        }
    }
}

/// Prints hits (heading, provenance, countries, snippet) and then the facet tables.
/// Countries are shown by name.
pub fn query(
    out: &mut dyn WriteColor,
    response: &QueryResponse,
    options: TextOptions,
) -> io::Result<()> {
    let shared_source = shared_source(&response.hits);
    for (rank, hit) in response.hits.iter().enumerate() {
        hit_block(out, rank + 1, hit, shared_source.is_none(), options)?;
    }
    writeln!(out, "{}", summary(response, shared_source))?;
    for (kind, values) in &response.facets {
        writeln!(out)?;
        facet_table(out, kind.name(), values)?;
    }
    Ok(())
}

/// The file every hit comes from, when they all come from one file that holds articles with
/// ids of their own (a JSON Lines export): said once instead of on every hit.
fn shared_source(hits: &[Hit]) -> Option<&str> {
    let source = hits.first()?.source.as_deref()?;
    (hits.len() > 1
        && hits
            .iter()
            .all(|hit| hit.source.as_deref() == Some(source) && hit.article_id != source))
    .then_some(source)
}

/// "3 of 12 matching passages shown, all from news.jsonl. 2 articles."
fn summary(response: &QueryResponse, shared_source: Option<&str>) -> String {
    let partial = response.hits.iter().filter(|hit| hit.partial).count() as u64;
    let shown = response.hits.len() as u64 - partial;
    let mut summary = match (response.total, shown) {
        (0, _) => format!("No passage matches {:?}.", clean(&response.query)),
        (total, shown) if shown == total => format!("{total} matching passage{}", plural(total)),
        (total, 0) => format!("{total} matching passage{}", plural(total)),
        (total, shown) => format!("{shown} of {total} matching passages shown"),
    };
    if response.total > 0 {
        if partial > 0 {
            summary.push_str(&format!(", and {partial} more with some of the words"));
        }
        if let Some(source) = shared_source {
            summary.push_str(&format!(", all from {}", clean(source)));
        }
        summary.push('.');
    }
    if let Some(articles) = response.total_articles {
        summary.push_str(&format!(" {articles} article{}.", plural(articles)));
    }
    if let Some(undated) = response.undated_left_out.filter(|n| *n > 0) {
        summary.push_str(&format!(
            " {undated} passage{} of undated articles left out by the date filter.",
            plural(undated)
        ));
    }
    summary
}

/// One hit: its heading, what and where it is, its snippet and any context.
fn hit_block(
    out: &mut dyn WriteColor,
    rank: usize,
    hit: &Hit,
    with_source: bool,
    options: TextOptions,
) -> io::Result<()> {
    let heading = ColorSpec::new().set_bold(true).clone();
    let first = format!("{rank:>2} ");
    wrapped_line(out, &clean(&hit.heading), &first, &heading, options.width)?;
    let provenance = ColorSpec::new().set_fg(Some(Color::Cyan)).clone();
    let fields: Vec<String> = metadata(hit, with_source)
        .iter()
        .map(|f| clean(f))
        .collect();
    wrapped_fields(out, &fields, &provenance, options.width)?;
    if options.why && !hit.why.is_empty() {
        why_line(out, hit)?;
    }
    let (before, after): (Vec<_>, Vec<_>) = hit
        .context
        .iter()
        .partition(|c| c.paragraph < hit.paragraph);
    for paragraph in before {
        context_paragraph(out, paragraph, options)?;
    }
    snippet(out, hit, options)?;
    for paragraph in after {
        context_paragraph(out, paragraph, options)?;
    }
    if let Some(explanation) = &hit.explanation {
        let pretty = serde_json::to_string_pretty(explanation).unwrap_or_default();
        for line in pretty.lines() {
            writeln!(out, "{INDENT}{}", clean(line))?;
        }
    }
    writeln!(out)
}

/// What and where a hit is: its article id (what `--article` takes), the file it came from
/// when that is not its id, paragraph, date, countries, matching passages, score.
fn metadata(hit: &Hit, with_source: bool) -> Vec<String> {
    let mut fields = vec![hit.article_id.clone()];
    if let Some(source) = hit
        .source
        .as_ref()
        .filter(|s| with_source && **s != hit.article_id)
    {
        fields.push(source.clone());
    }
    fields.push(format!("paragraph {}", hit.paragraph));
    if let Some(date) = &hit.date {
        fields.push(date.to_string());
    }
    if !hit.countries.is_empty() {
        let names: Vec<String> = hit.countries.iter().map(|code| code.name()).collect();
        fields.push(names.join(", "));
    }
    if let Some(passages) = hit.article_passages {
        fields.push(format!(
            "{passages} matching passage{} in the article",
            plural(passages)
        ));
    }
    if hit.partial {
        fields.push("some of the words".into());
    }
    fields.push(format!("score {:.2}", hit.score));
    fields
}

/// The hit's snippet, with "…" where it starts or ends inside the passage.
fn snippet(out: &mut dyn WriteColor, hit: &Hit, options: TextOptions) -> io::Result<()> {
    let snippet = &hit.snippet;
    let last_end = snippet.fragments.last().map_or(0, |f| f[1]);
    let prefix = if snippet.start > 0 { "…" } else { "" };
    let suffix = if last_end < hit.text.len() { "…" } else { "" };
    highlighted_paragraph(
        out,
        &snippet.text,
        &snippet.highlights,
        prefix,
        suffix,
        options,
    )
}

/// Writes `fields` joined by " · ", indented, breaking lines only between fields (a field
/// longer than a line is wrapped at its spaces).
fn wrapped_fields(
    out: &mut dyn WriteColor,
    fields: &[String],
    spec: &ColorSpec,
    width: usize,
) -> io::Result<()> {
    const SEPARATOR: &str = " · ";
    let room = width.saturating_sub(INDENT.len()).max(20);
    let mut lines: Vec<String> = Vec::new();
    for field in fields {
        match lines.last_mut() {
            Some(line)
                if line.chars().count() + SEPARATOR.len() + field.chars().count() <= room =>
            {
                line.push_str(SEPARATOR);
                line.push_str(field);
            }
            _ => lines.push(field.clone()),
        }
    }
    for line in lines {
        wrapped_line(out, &line, INDENT, spec, width)?;
    }
    Ok(())
}

/// Writes one coloured line of `text` wrapped at `width` columns: the first line after
/// `first`, the next ones indented, so that a long heading or a long list of countries
/// stays in its block on a narrow terminal.
fn wrapped_line(
    out: &mut dyn WriteColor,
    text: &str,
    first: &str,
    spec: &ColorSpec,
    width: usize,
) -> io::Result<()> {
    let width = width.saturating_sub(INDENT.len().max(first.len())).max(20);
    for (i, (start, end)) in wrap(text, width).into_iter().enumerate() {
        write!(out, "{}", if i == 0 { first } else { INDENT })?;
        out.set_color(spec)?;
        write!(out, "{}", &text[start..end])?;
        out.reset()?;
        writeln!(out)?;
    }
    Ok(())
}

/// A paragraph of context, dimmed, with its number.
fn context_paragraph(
    out: &mut dyn WriteColor,
    paragraph: &ContextParagraph,
    options: TextOptions,
) -> io::Result<()> {
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(out, "{INDENT}[paragraph {}]", paragraph.paragraph)?;
    out.reset()?;
    writeln!(out)?;
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    highlighted_paragraph(out, &paragraph.text, &[], "", "", options)?;
    out.reset()
}

/// "why: North Korea ← “Pyongyang” capital, “North Korean” demonym; Russia ← ..."
fn why_line(out: &mut dyn WriteColor, hit: &Hit) -> io::Result<()> {
    let mut groups: Vec<(CountryCode, Vec<String>)> = Vec::new();
    for why in &hit.why {
        let rule = why.rule.rule_name().replace('_', " ");
        let entry = format!("“{}” {rule}", clean(&why.text));
        match groups.iter_mut().find(|(code, _)| *code == why.country) {
            Some((_, words)) if !words.contains(&entry) => words.push(entry),
            Some(_) => {}
            None => groups.push((why.country, vec![entry])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(code, words)| format!("{} ← {}", code.name(), words.join(", ")))
        .collect();
    writeln!(out, "{INDENT}why: {}", parts.join("; "))
}

/// Writes `text` wrapped at the options width, highlighting `ranges`.
fn highlighted_paragraph(
    out: &mut dyn WriteColor,
    text: &str,
    ranges: &[[usize; 2]],
    prefix: &str,
    suffix: &str,
    options: TextOptions,
) -> io::Result<()> {
    let width = options.width.saturating_sub(INDENT.len()).max(20);
    let lines = wrap(text, width);
    let last = lines.len().saturating_sub(1);
    for (i, (start, end)) in lines.into_iter().enumerate() {
        write!(out, "{INDENT}")?;
        if i == 0 {
            write!(out, "{prefix}")?;
        }
        let mut at = start;
        for &[s, e] in ranges.iter().filter(|[s, e]| *s < end && *e > start) {
            let (s, e) = (s.max(at), e.min(end));
            if s >= e || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            write!(out, "{}", clean(&text[at..s]))?;
            highlight(out, &clean(&text[s..e]))?;
            at = e;
        }
        write!(out, "{}", clean(&text[at..end]))?;
        if i == last {
            write!(out, "{suffix}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn highlight(out: &mut dyn WriteColor, word: &str) -> io::Result<()> {
    if out.supports_color() {
        out.set_color(ColorSpec::new().set_fg(Some(Color::Red)).set_bold(true))?;
        write!(out, "{word}")?;
        out.reset()
    } else {
        write!(out, "{MARK_OPEN}{word}{MARK_CLOSE}")
    }
}

/// Byte ranges of the lines of `text` wrapped at `width` characters, breaking at white space.
fn wrap(text: &str, width: usize) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut line: Option<(usize, usize, usize)> = None; // start, end, chars
    for (start, word) in words_with_offsets(text) {
        let chars = word.chars().count();
        let end = start + word.len();
        line = match line {
            None => Some((start, end, chars)),
            Some((s, _, n)) if n + 1 + chars <= width => Some((s, end, n + 1 + chars)),
            Some((s, e, _)) => {
                lines.push((s, e));
                Some((start, end, chars))
            }
        };
    }
    if let Some((s, e, _)) = line {
        lines.push((s, e));
    }
    lines
}

fn words_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

/// A facet as a table: label, code, passages, articles.
fn facet_table(out: &mut dyn WriteColor, kind: &str, values: &[FacetValue]) -> io::Result<()> {
    let labels: Vec<String> = values
        .iter()
        .map(|v| {
            let label = if v.label == v.value {
                clean(&v.label)
            } else {
                format!("{} ({})", clean(&v.label), clean(&v.value))
            };
            // A person's row that counts the surname named alone says so.
            match &v.alone {
                Some(alone) => format!("{label} (+ \"{}\" alone)", clean(alone)),
                None => label,
            }
        })
        .collect();
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(kind.len());
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(
        out,
        "{:<width$}  {:>8}  {:>8}",
        title_case(kind),
        "passages",
        "articles"
    )?;
    out.reset()?;
    writeln!(out)?;
    if values.is_empty() {
        writeln!(out, "(none)")?;
    }
    for (label, value) in labels.iter().zip(values) {
        out.set_color(ColorSpec::new().set_fg(Some(Color::Green)))?;
        write!(out, "{label:<width$}")?;
        out.reset()?;
        writeln!(out, "  {:>8}  {:>8}", value.passages, value.articles)?;
    }
    Ok(())
}

/// Prints the top values of a facet (`lede facets`) as a table, then what was counted:
/// "20 of 146 countries in 10,555 passages matching "election"."
pub fn top_values(out: &mut dyn WriteColor, top: &TopValues) -> io::Result<()> {
    facet_table(out, &top.kind, &top.values)?;
    let shown = top.values.len() as u64;
    let things = plural_kind(&top.kind, top.distinct);
    let counted = if shown < top.distinct {
        format!("{shown} of {} {things}", top.distinct)
    } else {
        format!("{} {things}", top.distinct)
    };
    let passages = format!("{} passage{}", top.total, plural(top.total));
    if top.query.is_empty() {
        writeln!(out, "{counted} in {passages}.")
    } else {
        writeln!(
            out,
            "{counted} in {passages} matching {:?}.",
            clean(&top.query)
        )
    }
}

/// "country" → "countries", "person" → "people", for counts other than one.
fn plural_kind(kind: &str, n: u64) -> String {
    match (kind, n) {
        (_, 1) => kind.to_string(),
        ("country", _) => "countries".into(),
        ("person", _) => "people".into(),
        ("org", _) => "organisations".into(),
        (other, _) => format!("{other}s"),
    }
}

/// Prints index statistics.
pub fn stats(out: &mut dyn WriteColor, stats: &Stats) -> io::Result<()> {
    writeln!(out, "index      {}", clean(&stats.index))?;
    writeln!(out, "articles   {}", stats.articles)?;
    writeln!(out, "passages   {}", stats.passages)?;
    writeln!(out, "size       {}", human_bytes(stats.size_bytes))?;
    writeln!(out, "segments   {}", stats.segments)?;
    writeln!(out, "schema     version {}", stats.schema_version)?;
    writeln!(out)?;
    facet_table(out, "country", &stats.top_countries)
}

/// The one-line summary at the end of an ingest.
pub fn ingest_report(out: &mut dyn WriteColor, report: &IngestReport) -> io::Result<()> {
    let mut parts = vec![
        format!("{} file{}", report.files, plural(report.files as u64)),
        format!(
            "articles: {} new, {} updated, {} unchanged, {} failed",
            report.new, report.updated, report.unchanged, report.failed
        ),
        format!("{} paragraphs", report.paragraphs),
        format!("{} entity mentions", report.mentions),
    ];
    if report.skipped_files > 0 {
        parts.push(format!(
            "{} skipped (not .txt/.md/.json/.jsonl/.html)",
            report.skipped_files
        ));
    }
    if report.warnings > 0 {
        parts.push(format!(
            "{} warning{}",
            report.warnings,
            plural(report.warnings as u64)
        ));
    }
    parts.push(format!("{:.1}s", report.elapsed.as_secs_f64()));
    let what = if report.interrupted {
        "interrupted: committed what was analysed; run the same ingest again to finish:"
    } else {
        "ingested"
    };
    writeln!(out, "{what} {}", parts.join(" · "))
}

/// What `lede remove` did, in one line.
pub fn remove_report(out: &mut dyn WriteColor, report: &RemoveReport) -> io::Result<()> {
    let count = report.articles.len() as u64;
    if count == 0 {
        return writeln!(out, "No article matches; nothing removed.");
    }
    writeln!(
        out,
        "removed {count} article{} ({} passage{})",
        plural(count),
        report.paragraphs,
        plural(report.paragraphs as u64)
    )
}

/// A warning, as `lede: warning: ...`.
pub fn warning(out: &mut dyn WriteColor, message: &str) -> io::Result<()> {
    write!(out, "lede: ")?;
    out.set_color(ColorSpec::new().set_fg(Some(Color::Yellow)).set_bold(true))?;
    write!(out, "warning")?;
    out.reset()?;
    writeln!(out, ": {}", clean(message))
}

/// A notice about how a query was read, as `lede: notice: ...` (with the query id in a
/// batch).
pub fn notice(out: &mut dyn WriteColor, id: &str, batch: bool, message: &str) -> io::Result<()> {
    write!(out, "lede: ")?;
    out.set_color(ColorSpec::new().set_fg(Some(Color::Yellow)))?;
    write!(out, "notice")?;
    out.reset()?;
    if batch {
        writeln!(out, ": query {}: {}", clean(id), clean(message))
    } else {
        writeln!(out, ": {}", clean(message))
    }
}

/// Widest bar of a timeline, in characters.
const BAR_WIDTH: usize = 40;

/// How matches spread over time, as a bar chart: one line per period with its passages,
/// articles and a bar, then what was counted.
pub fn timeline(out: &mut dyn WriteColor, timeline: &TimelineResponse) -> io::Result<()> {
    let most = timeline
        .periods
        .iter()
        .map(|p| p.passages)
        .max()
        .unwrap_or(0);
    let label = title_case(timeline.interval.name());
    let width = timeline
        .periods
        .iter()
        .map(|p| p.period.len())
        .max()
        .unwrap_or(0)
        .max(label.len());
    writeln!(out, "{label:<width$}  passages  articles")?;
    for period in &timeline.periods {
        let bar = if most == 0 {
            0
        } else {
            ((period.passages * BAR_WIDTH as u64).div_ceil(most)) as usize
        };
        write!(
            out,
            "{:<width$}  {:>8}  {:>8}  ",
            period.period, period.passages, period.articles
        )?;
        out.set_color(ColorSpec::new().set_fg(Some(Color::Cyan)))?;
        write!(out, "{}", "█".repeat(bar))?;
        out.reset()?;
        writeln!(out)?;
    }
    let scope = if timeline.query.is_empty() {
        String::new()
    } else {
        format!(" matching {:?}", clean(&timeline.query))
    };
    let mut summary = format!(
        "{} {}{} with {} passage{}{scope}.",
        timeline.periods.len(),
        timeline.interval.name(),
        plural(timeline.periods.len() as u64),
        timeline.total - timeline.undated,
        plural(timeline.total - timeline.undated)
    );
    if timeline.undated > 0 {
        summary.push_str(&format!(
            " {} passage{} of undated articles not shown.",
            timeline.undated,
            plural(timeline.undated)
        ));
    }
    writeln!(out, "{summary}")
}

/// What `lede check` found: every file intact, or the damaged ones and what to do.
pub fn check_report(out: &mut dyn WriteColor, report: &CheckReport) -> io::Result<()> {
    let files = format!(
        "{} file{} of {} segment{}",
        report.files,
        plural(report.files as u64),
        report.segments,
        plural(report.segments as u64)
    );
    if report.damaged.is_empty() {
        return writeln!(out, "{}: intact ({files} checked)", clean(&report.index));
    }
    writeln!(
        out,
        "{}: {} damaged, of {files}:",
        clean(&report.index),
        report.damaged.len()
    )?;
    for file in &report.damaged {
        writeln!(out, "  {}", clean(file))?;
    }
    writeln!(
        out,
        "A damaged index cannot be repaired: re-ingest into a new folder (lede ingest PATH --index NEW)."
    )
}

/// A query of a batch that was refused, as `lede: error: query ID: reason`.
pub fn query_error(out: &mut dyn WriteColor, id: &str, message: &str) -> io::Result<()> {
    write!(out, "lede: ")?;
    out.set_color(ColorSpec::new().set_fg(Some(Color::Red)).set_bold(true))?;
    write!(out, "error")?;
    out.reset()?;
    writeln!(out, ": query {}: {}", clean(id), clean(message))
}

/// The line that opens each query's answer in a batch run: `query ID: TEXT`, in bold.
pub fn batch_header(out: &mut dyn WriteColor, id: &str, text: &str) -> io::Result<()> {
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "query {}: {}", clean(id), clean(text))?;
    out.reset()?;
    writeln!(out)
}

/// What a batch's text answer says for a refused query (the reason is on standard error).
pub fn refused(out: &mut dyn WriteColor) -> io::Result<()> {
    writeln!(out, "Refused (see the error above).\n")
}

/// One problem with an input, as `lede: error: path:line: message`.
pub fn problem(out: &mut dyn WriteColor, problem: &Problem) -> io::Result<()> {
    let (label, color) = match problem.severity {
        Severity::Error => ("error", Color::Red),
        Severity::Warning => ("warning", Color::Yellow),
    };
    write!(out, "lede: ")?;
    out.set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true))?;
    write!(out, "{label}")?;
    out.reset()?;
    writeln!(out, ": {}", clean(&problem.to_string()))
}

/// Replaces control characters (escape sequences among them) and invisible direction marks:
/// line breaks and tabs become spaces, anything else a visible U+FFFD.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if super::is_line_separator(c) => ' ',
            c if c.is_control() || super::is_invisible(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::request::FacetKind;
    use crate::query::response::SnippetData;
    use std::collections::BTreeMap;
    use termcolor::{Ansi, NoColor};

    fn response() -> QueryResponse {
        let text = "Moscow wants \u{1b}[31mweapons\u{1b}[0m supply.".to_string();
        let at = text.find("weapons").unwrap();
        QueryResponse {
            query_id: None,
            took_ms: None,
            total_articles: None,
            undated_left_out: None,
            filter_values: vec![],
            notices: vec![],
            query: "weapons".into(),
            total: 1,
            hits: vec![Hit {
                article_id: "a".into(),
                title: None,
                source: Some("corpus/a.txt".into()),
                paragraph: 2,
                date: None,
                score: 1.5,
                highlights: vec![[at, at + 7]],
                title_highlights: vec![],
                snippet: SnippetData {
                    text: text.clone(),
                    highlights: vec![[at, at + 7]],
                    start: 0,
                    fragments: vec![[0, text.len()]],
                },
                text,
                countries: vec![CountryCode::parse("RU").unwrap()],
                persons: vec![],
                orgs: vec![],
                heading: "The heading".into(),
                author: None,
                url: None,
                why: vec![],
                article_passages: None,
                context: vec![],
                explanation: None,
                partial: false,
            }],
            facets: BTreeMap::from([(
                FacetKind::Country,
                vec![FacetValue {
                    value: "RU".into(),
                    label: "Russia".into(),
                    passages: 1,
                    articles: 1,
                    alone: None,
                }],
            )]),
        }
    }

    /// What `write` prints without colour.
    fn plain(write: impl FnOnce(&mut NoColor<Vec<u8>>) -> io::Result<()>) -> String {
        let mut out = NoColor::new(Vec::new());
        write(&mut out).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn plain_output_marks_highlights_and_neutralises_escapes() {
        let text = plain(|out| query(out, &response(), TextOptions::default()));
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("**weapons**"), "{text}");
        assert!(
            text.contains("   a · corpus/a.txt · paragraph 2 · Russia · score 1.50"),
            "{text}"
        );
        assert!(text.contains("Russia (RU)"), "{text}");
    }

    #[test]
    fn hits_show_their_article_id_and_a_file_they_all_share_once() {
        let mut response = response();
        let mut second = response.hits[0].clone();
        second.article_id = "b".into();
        response.hits.push(second);
        response.total = 2;
        let text = plain(|out| query(out, &response, TextOptions::default()));
        assert!(text.contains("   a · paragraph 2 ·"), "{text}");
        assert!(text.contains("   b · paragraph 2 ·"), "{text}");
        assert!(
            text.contains("2 matching passages, all from corpus/a.txt."),
            "{text}"
        );
    }

    #[test]
    fn the_metadata_line_breaks_between_fields() {
        let mut narrow = response();
        narrow.hits[0].source = Some("feeds/2023/world-news-export.jsonl".into());
        let options = TextOptions {
            width: 44,
            ..TextOptions::default()
        };
        let text = plain(|out| query(out, &narrow, options));
        assert!(
            text.contains(
                "   a · feeds/2023/world-news-export.jsonl\n   paragraph 2 · Russia · score 1.50\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn colour_output_uses_escapes_only_of_its_own() {
        let mut out = Ansi::new(Vec::new());
        query(&mut out, &response(), TextOptions::default()).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        assert!(
            !text.contains("wants \u{1b}"),
            "corpus escape leaked: {text:?}"
        );
        assert!(text.contains("wants \u{FFFD}[31m"), "{text:?}");
        assert!(!text.contains("**"), "{text}");
        assert!(text.contains("weapons"), "{text}");
    }

    /// One counted value of a facet table.
    fn row(
        value: &str,
        label: &str,
        passages: u64,
        articles: u64,
        alone: Option<&str>,
    ) -> FacetValue {
        FacetValue {
            value: value.into(),
            label: label.into(),
            passages,
            articles,
            alone: alone.map(str::to_string),
        }
    }

    #[test]
    fn top_values_show_codes_with_names_and_say_what_was_counted() {
        let top = TopValues {
            kind: "country".into(),
            query: "weapons supply".into(),
            total: 5,
            distinct: 3,
            filter_values: vec![],
            values: vec![
                row("RU", "Russia", 3, 1, None),
                row("KP", "North Korea", 2, 1, None),
            ],
            notices: vec![],
        };
        let text = plain(|out| top_values(out, &top));
        assert_eq!(
            text,
            "Country           passages  articles\n\
             Russia (RU)              3         1\n\
             North Korea (KP)         2         1\n\
             2 of 3 countries in 5 passages matching \"weapons supply\".\n"
        );
    }

    #[test]
    fn a_persons_row_that_counts_a_surname_alone_says_so() {
        let top = TopValues {
            kind: "person".into(),
            query: String::new(),
            total: 9,
            distinct: 2,
            filter_values: vec![],
            values: vec![
                row("Ronald Reagan", "Ronald Reagan", 4, 3, Some("Reagan")),
                row("Bush", "Bush", 1, 1, None),
            ],
            notices: vec![],
        };
        let text = plain(|out| top_values(out, &top));
        assert_eq!(
            text,
            "Person                            passages  articles\n\
             Ronald Reagan (+ \"Reagan\" alone)         4         3\n\
             Bush                                     1         1\n\
             2 people in 9 passages.\n"
        );
    }

    #[test]
    fn headings_and_provenance_wrap_at_the_width_too() {
        let mut narrow = response();
        narrow.hits[0].heading = "A heading long enough to need two lines at this width".into();
        let options = TextOptions {
            width: 40,
            why: false,
        };
        let text = plain(|out| query(out, &narrow, options));
        // Heading and provenance lines (the snippet's own wrapping is tested below).
        for line in text.lines().take(4) {
            assert!(line.chars().count() <= 40, "{line:?} in\n{text}");
        }
        // The metadata line breaks between fields, never inside "paragraph 2".
        assert!(
            text.contains("\n   a · corpus/a.txt · paragraph 2\n   Russia · score 1.50\n"),
            "{text}"
        );
        assert!(
            text.starts_with(" 1 A heading long enough to need two\n   lines"),
            "{text}"
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces_within_width() {
        let text = "one two three four five six seven eight nine ten";
        let lines: Vec<&str> = wrap(text, 14)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            lines,
            ["one two three", "four five six", "seven eight", "nine ten"]
        );
    }

    #[test]
    fn clean_replaces_controls() {
        assert_eq!(
            clean("a\u{1b}]0;x\u{7}b\nc\u{202E}"),
            "a\u{FFFD}]0;x\u{FFFD}b c\u{FFFD}"
        );
    }
}
