//! `lede query`: best passages with highlights, and facet counts.

use std::io::Write;

use super::{output, Global, Outcome};
use lede::gazetteer::Countries;
use lede::index::LedeIndex;
use lede::query::request::{FacetKind, QueryRequest, DEFAULT_FACET_LIMIT, DEFAULT_LIMIT};
use lede::query::QueryEngine;
use lede::render::{json, text};

const EXAMPLES: &str = "\
Query syntax:
  weapons supply           both words (stems match: \"supplying weapons\")
  \"weapons supply\"         the exact phrase
  weapons OR arms          either word
  weapons -nuclear         leave out passages with \"nuclear\"
  title:summit             a word in the article title

Examples:
  lede query \"weapons supply\" --facet country
  lede query \"weapons supply\" --country KP --country \"south korea\"
  lede query \"weapons supply\" --country \"north korea\" --json

Exit code 0 when passages match, 1 when none does, 2 on error.";

/// Arguments of `lede query`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// What to search for
    #[arg(value_name = "QUERY")]
    text: String,
    /// Passages to show
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT, value_name = "N")]
    limit: usize,
    /// Passages to skip, for paging
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,
    /// Keep passages about this country: ISO code, English name or alias, any case; repeat for any of several
    #[arg(long, value_name = "COUNTRY")]
    country: Vec<String>,
    /// Count matching passages and articles per value of a facet: country, person, org; repeatable
    #[arg(long, value_name = "KIND", value_parser = parse_facet)]
    facet: Vec<FacetKind>,
    /// Values to list per facet
    #[arg(long, default_value_t = DEFAULT_FACET_LIMIT, value_name = "N")]
    facet_limit: usize,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
    /// Show which words of each passage gave its countries (JSON hits always carry "why")
    #[arg(long)]
    why: bool,
}

fn parse_facet(text: &str) -> Result<FacetKind, String> {
    FacetKind::parse(text)
        .ok_or_else(|| format!("unknown facet {text:?}: use country, person or org"))
}

/// Runs `lede query`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let engine = QueryEngine::new(LedeIndex::open(&global.index)?)?;
    let mut facets = Vec::new();
    for kind in args.facet {
        if !facets.contains(&kind) {
            facets.push(kind);
        }
    }
    let request = QueryRequest {
        text: args.text,
        limit: args.limit,
        offset: args.offset,
        countries: args.country,
        facets,
        facet_limit: args.facet_limit,
    };
    let response = engine.query(&request)?;
    let mut out = output::stdout(global.color);
    if args.json {
        json::query(&mut out, &response)?;
    } else {
        text::query(
            &mut out,
            &response,
            output::text_options(args.why),
            Countries::shipped()?,
        )?;
    }
    out.flush()?;
    Ok(if response.total > 0 {
        Outcome::Done
    } else {
        Outcome::NothingFound
    })
}
