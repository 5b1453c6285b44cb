//! `lede query`: best passages with highlights, and facet counts; or a batch of queries.

use std::io::Write;
use std::path::PathBuf;

use super::filters::{Filters, WordsArg};
use super::{output, Global, Outcome};
use lede::query::batch;
use lede::query::request::{FacetKind, QueryRequest, DEFAULT_FACET_LIMIT, DEFAULT_LIMIT};
use lede::query::response::QueryResponse;
use lede::query::QueryEngine;
use lede::render::{json, text, trec};

const EXAMPLES: &str = "\
Query syntax:
  weapons supply           passages with both words, any form (\"supplying weapons\"), first;
                           then, to fill the page, those with one of them (--all: only both;
                           --any: either, by score)
  \"weapons supply\"         the exact phrase;  \"weapons supply\"~3  words at most 3 apart
  weapons OR arms          either word;  (arms OR weapons) supply  groups
  weapons -nuclear         without \"nuclear\";  -nuclear alone: every passage without it
  title:summit             a word of the article title (body: for the paragraph)
  comput*                  words starting with \"comput\"
Words such as \"the\" and \"of\" are left out unless quoted. When no passage has all the
words, the passages with any of them are shown, with a notice. --person and --org take a
name or part of one (\"blair\": every Blair, listed in a notice), or after = one name as
spelled (\"=Blair\": not Tony Blair; \"=Sun Co\": not Rico Sun Oil Co). --since and
--until take 1987, 1987-03, \"March 1987\" or 1987-03-19, each the whole period. --facet
counts over all matches; the facet of a filtered kind ignores its own filter (--country
KP --facet country still lists the other countries), unlike `lede facets`.

Examples:
  lede query \"weapons supply\" --facet country
  lede query \"weapons supply\" --country KP --country \"south korea\" --why
  lede query sanctions --person putin --since 2023 --per-article -C 1
  lede query \"crude oil\" --org \"=Sun Co Inc\" --facet person
  lede query --batch queries.jsonl --format trec --limit 1000 > run.trec

Exit code 0 when passages match, 1 when none does, 2 on error.";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Readable text.
    Text,
    /// One JSON object per query.
    Json,
    /// TREC run lines: QID Q0 ARTICLE_ID RANK SCORE lede (one line per article).
    Trec,
    /// CSV (RFC 4180), one row per passage: article_id, title, date, paragraph, text,
    /// countries, persons, orgs; with --limit 0, every matching passage.
    Csv,
}

/// Arguments of `lede query`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// What to search for
    #[arg(value_name = "QUERY", required_unless_present = "batch")]
    text: Option<String>,
    /// Passages to show (articles with --per-article or --format trec)
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT, value_name = "N")]
    limit: usize,
    /// Passages to skip, for paging
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,
    #[command(flatten)]
    words: WordsArg,
    /// Show the best passage of each article (and how many of its passages match)
    #[arg(long)]
    per_article: bool,
    #[command(flatten)]
    filters: Filters,
    /// Count matching passages and articles per value of a facet: country, person, org; repeatable
    #[arg(long, value_name = "KIND", value_parser = parse_facet)]
    facet: Vec<FacetKind>,
    /// Values to list per facet
    #[arg(long, default_value_t = DEFAULT_FACET_LIMIT, value_name = "N")]
    facet_limit: usize,
    /// Show N paragraphs before and after each hit
    #[arg(long, short = 'C', default_value_t = 0, value_name = "N")]
    context: usize,
    /// Show the score breakdown of each hit
    #[arg(long)]
    explain: bool,
    /// Show which words of each passage gave its countries (JSON hits always carry "why")
    #[arg(long)]
    why: bool,
    /// Print one JSON object instead of text (same as --format json)
    #[arg(long)]
    json: bool,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    /// Run every query of FILE (JSON Lines with _id/id and text/query, or one query a line)
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    batch: Option<PathBuf>,
}

fn parse_facet(text: &str) -> Result<FacetKind, String> {
    FacetKind::parse(text)
        .ok_or_else(|| format!("unknown facet {text:?}: use country, person or org"))
}

/// Runs `lede query`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let format = match (args.format, args.json) {
        (Some(format), _) => format,
        (None, true) => Format::Json,
        (None, false) => Format::Text,
    };
    let engine = QueryEngine::new(lede::backend::open(&global.index)?)?;
    if format == Format::Csv {
        return csv_rows(global, &engine, &args);
    }
    let mut template = request(&args, String::new());
    // A TREC run ranks articles and shows no text.
    template.per_article |= format == Format::Trec;
    template.snippets = format != Format::Trec;
    let batch = args.batch.is_some();
    let queries = match &args.batch {
        Some(path) => batch::read(path)?,
        None => vec![batch::BatchQuery {
            id: "1".into(),
            text: args.text.clone().unwrap_or_default(),
        }],
    };
    let mut printer = Printer {
        out: output::stdout(global.color),
        errors: output::stderr(global.color),
        format,
        batch,
        why: args.why,
    };
    let (mut found, mut refused) = (false, false);
    for query in &queries {
        let request = QueryRequest {
            text: query.text.clone(),
            ..template.clone()
        };
        let started = std::time::Instant::now();
        match engine.query(&request) {
            Ok(mut response) => {
                if batch {
                    let took_ms = started.elapsed().as_secs_f64() * 1000.0;
                    response.query_id = Some(query.id.clone());
                    response.took_ms = Some((took_ms * 1000.0).round() / 1000.0);
                }
                found |= response.total > 0;
                printer.answer(query, &response)?;
            }
            // One refused query of a batch does not stop the others.
            Err(error @ lede::Error::Query { .. }) if batch => {
                refused = true;
                printer.refusal(query, &error)?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    printer.out.flush()?;
    // The process ends here: the kernel takes the index's memory maps down with it faster
    // than dropping the engine unmaps them one by one (a cold query on Reuters in 2
    // segments: 2.44-2.50 ms against 2.50-2.62 ms, hyperfine, 4 x 400 runs alternating).
    // Nothing in the engine has work to finish on drop: it only reads.
    std::mem::forget(engine);
    Ok(if refused {
        Outcome::Failed
    } else if found {
        Outcome::Done
    } else {
        Outcome::NothingFound
    })
}

/// `--format csv`: the page's passages as CSV rows, or with `--limit 0` every matching
/// passage, streamed.
fn csv_rows(global: &Global, engine: &QueryEngine, args: &Args) -> anyhow::Result<Outcome> {
    if args.batch.is_some() {
        anyhow::bail!("--format csv answers one query; use --format json with --batch");
    }
    let mut request = request(args, args.text.clone().unwrap_or_default());
    request.snippets = false;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut rows = lede::render::csv::CsvRows::new(&mut out)?;
    let mut errors = output::stderr(global.color);
    let mut found = 0u64;
    let notices = if request.limit == 0 {
        engine.export(&request, &mut |hit| {
            found += 1;
            rows.row(&hit)
                .map(|()| true)
                .map_err(|e| lede::Error::io("standard output", e))
        })?
    } else {
        let response = engine.query(&request)?;
        for hit in &response.hits {
            found += 1;
            rows.row(hit)?;
        }
        response.notices
    };
    rows.finish()?;
    out.flush()?;
    for notice in &notices {
        text::notice(&mut errors, "", false, notice)?;
    }
    Ok(if found > 0 {
        Outcome::Done
    } else {
        Outcome::NothingFound
    })
}

/// Prints the answers of a run in one format.
struct Printer {
    out: termcolor::BufferedStandardStream,
    errors: termcolor::StandardStream,
    format: Format,
    batch: bool,
    why: bool,
}

impl Printer {
    fn answer(
        &mut self,
        query: &batch::BatchQuery,
        response: &QueryResponse,
    ) -> anyhow::Result<()> {
        if !response.notices.is_empty() {
            // Keep notices after the answers to the queries before them on a terminal.
            self.out.flush()?;
        }
        for notice in &response.notices {
            text::notice(&mut self.errors, &query.id, self.batch, notice)?;
        }
        match self.format {
            Format::Json => json::query(&mut self.out, response)?,
            Format::Trec => trec::run(&mut self.out, &query.id, response)?,
            // Written by csv_rows, before any printer exists.
            Format::Csv => {}
            Format::Text => {
                if self.batch {
                    text::batch_header(&mut self.out, &query.id, &query.text)?;
                }
                text::query(&mut self.out, response, output::text_options(self.why))?;
                if self.batch {
                    writeln!(self.out)?;
                }
            }
        }
        Ok(())
    }

    /// A query of a batch refused for its cost: an error line naming it, and in JSON an
    /// object in its place so that answers stay one a line in the order of the queries.
    fn refusal(&mut self, query: &batch::BatchQuery, error: &lede::Error) -> anyhow::Result<()> {
        self.out.flush()?;
        text::query_error(&mut self.errors, &query.id, &error.to_string())?;
        match self.format {
            Format::Json => json::query_error(&mut self.out, &query.id, &query.text, error)?,
            Format::Text => {
                text::batch_header(&mut self.out, &query.id, &query.text)?;
                text::refused(&mut self.out)?;
            }
            Format::Trec | Format::Csv => {}
        }
        Ok(())
    }
}

fn request(args: &Args, text: String) -> QueryRequest {
    let mut facets = Vec::new();
    for kind in &args.facet {
        if !facets.contains(kind) {
            facets.push(*kind);
        }
    }
    let mut request = QueryRequest {
        limit: args.limit,
        offset: args.offset,
        words: args.words.choice(),
        per_article: args.per_article,
        context: args.context,
        explain: args.explain,
        facets,
        facet_limit: args.facet_limit,
        ..QueryRequest::new(text)
    };
    args.filters.apply(&mut request);
    request
}
