//! `lede check`: verify that every file of the index is intact.

use std::io::Write;

use super::{output, Global, Outcome};
use lede::backend::local::{guard, verify, LedeIndex};
use lede::backend::Location;
use lede::render::{json, text};

const EXAMPLES: &str = "\
Examples:
  lede check
  lede check --index ~/news-index --json

Reads every data file of the index and compares it with the checksum tantivy wrote at
its end. Queries check only files that changed since they were last found intact; run
this after copying an index, or when answers look wrong. A damaged index cannot be
repaired: re-ingest into a new folder. Exit code 0 when every file is intact, 2 when
some file is damaged or the index cannot be opened.";

/// Arguments of `lede check`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

/// Runs `lede check`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let Location::Folder(path) = &global.index else {
        anyhow::bail!(
            "lede check verifies the files of a local index; an OpenSearch cluster checks its own (GET _cluster/health, GET {}/_stats)",
            global.index.shown()
        );
    };
    let report = guard::reading(path, || verify::check(&LedeIndex::open(path)?))?;
    let mut out = output::stdout(global.color);
    if args.json {
        json::check_report(&mut out, &report)?;
    } else {
        text::check_report(&mut out, &report)?;
    }
    out.flush()?;
    Ok(if report.damaged.is_empty() {
        Outcome::Done
    } else {
        Outcome::Failed
    })
}
