//! `lede facets`: the most frequent countries, people, organisations or authors, over the
//! whole index or the passages matching a query.

use std::io::Write;

use super::filters::{Filters, WordsArg};
use super::{output, Global, Outcome};
use lede::backend::Interval;
use lede::query::request::QueryRequest;
use lede::query::top::TopKind;
use lede::query::QueryEngine;
use lede::render::{json, text};

/// Values listed unless `--limit` says otherwise.
const DEFAULT_LIMIT: usize = 20;

const EXAMPLES: &str = "\
Examples:
  lede facets country                        the countries the whole index is about
  lede facets month \"oil prices\"             when the query's passages were published
  lede facets person \"weapons supply\"        who is named where the query matches
  lede facets org --country KP --limit 5     organisations in passages about North Korea
  lede facets author --json | jq -r '.values[].value'

Each value comes with its passages and distinct articles; countries show their name and
ISO code. The query takes the syntax of `lede query` (see `lede query --help`). A filter
of the kind listed keeps its meaning: `lede facets country --country iran` lists the
countries named in passages about Iran (`lede query --facet` ignores it instead).
Exit code 0 when some value is counted, 1 when none is, 2 on error.";

/// Arguments of `lede facets`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// What to count: country, person, org or author; or year, month or day for how the
    /// passages spread over time
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    kind: Counting,
    /// Count only over the passages matching this query [default: every passage]
    #[arg(value_name = "QUERY")]
    text: Option<String>,
    /// Values to list, most frequent first
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT, value_name = "N")]
    limit: usize,
    #[command(flatten)]
    words: WordsArg,
    #[command(flatten)]
    filters: Filters,
    /// Print one JSON object instead of a table
    #[arg(long)]
    json: bool,
}

/// What `lede facets` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counting {
    /// The values of a facet, most frequent first.
    Values(TopKind),
    /// Matching passages per year, month or day.
    Periods(Interval),
}

/// Reads a kind, suggesting the nearest one for a typo.
fn parse_kind(text: &str) -> Result<Counting, String> {
    if let Some(kind) = TopKind::parse(text) {
        return Ok(Counting::Values(kind));
    }
    if let Some(interval) = Interval::parse(text) {
        return Ok(Counting::Periods(interval));
    }
    let mut names = TopKind::ALL.map(TopKind::name).to_vec();
    names.extend(["year", "month", "day"]);
    let nearest = lede::suggest::nearest(text, names.iter().map(|name| (*name, *name)), 1);
    let hint = nearest
        .first()
        .map_or(String::new(), |name| format!("did you mean {name}? "));
    Err(format!(
        "unknown facet {text:?}: {hint}use {}",
        names.join(", ")
    ))
}

/// Runs `lede facets`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let engine = QueryEngine::new(lede::backend::open(&global.index)?)?;
    let mut request = QueryRequest::new(args.text.unwrap_or_default());
    request.words = args.words.choice();
    args.filters.apply(&mut request);
    let kind = match args.kind {
        Counting::Values(kind) => kind,
        Counting::Periods(interval) => {
            return timeline(global, &engine, &request, interval, args.json)
        }
    };
    let top = engine.top_values(&request, kind, args.limit)?;
    let mut errors = output::stderr(global.color);
    for notice in &top.notices {
        text::notice(&mut errors, "", false, notice)?;
    }
    let mut out = output::stdout(global.color);
    if args.json {
        json::top_values(&mut out, &top)?;
    } else {
        text::top_values(&mut out, &top)?;
    }
    out.flush()?;
    // `--limit 0` still found values: only an empty count is "nothing found".
    Ok(if top.distinct == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

/// `lede facets year|month|day`: the matching passages per period, as a bar chart.
fn timeline(
    global: &Global,
    engine: &QueryEngine,
    request: &QueryRequest,
    interval: Interval,
    as_json: bool,
) -> anyhow::Result<Outcome> {
    let timeline = engine.timeline(request, interval)?;
    let mut errors = output::stderr(global.color);
    for notice in &timeline.notices {
        text::notice(&mut errors, "", false, notice)?;
    }
    let mut out = output::stdout(global.color);
    if as_json {
        json::timeline(&mut out, &timeline)?;
    } else {
        text::timeline(&mut out, &timeline)?;
    }
    out.flush()?;
    Ok(if timeline.total == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_kind_gets_the_nearest_and_the_list() {
        let error = parse_kind("contry").unwrap_err();
        assert!(error.contains("did you mean country?"), "{error}");
        assert!(
            error.contains("country, person, org, author, year"),
            "{error}"
        );
        assert_eq!(
            parse_kind("Orgs"),
            Ok(Counting::Values(TopKind::Entity(
                lede::query::request::FacetKind::Org
            )))
        );
        assert_eq!(parse_kind("months"), Ok(Counting::Periods(Interval::Month)));
    }
}
