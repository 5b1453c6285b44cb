//! `lede stats`: what the index holds.

use std::io::Write;

use super::{output, Global, Outcome};
use lede::query::QueryEngine;
use lede::render::{json, text};

/// Countries listed.
const TOP_COUNTRIES: usize = 10;

/// Arguments of `lede stats`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  lede stats\n  lede stats --index ~/news-index\n  lede stats --json | jq .passages\n\nThe country list is the top of `lede facets country`."
)]
pub struct Args {
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

/// Runs `lede stats`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let engine = QueryEngine::new(lede::backend::open(&global.index)?)?;
    let stats = lede::stats::stats(&engine, TOP_COUNTRIES)?;
    let mut out = output::stdout(global.color);
    if args.json {
        json::stats(&mut out, &stats)?;
    } else {
        text::stats(&mut out, &stats)?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}
