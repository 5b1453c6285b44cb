//! `lede extract`: the ingest stages without an index, as JSON Lines.

use std::io::Write;
use std::path::PathBuf;

use super::{output, Global, Outcome};
use lede::ingest::analyse_paths;
use lede::render::{json, text};
use lede::source::PathNames;
use lede::Severity;

const EXAMPLES: &str = "\
Examples:
  lede extract corpus/vladivostok-summit.txt
  lede extract corpus/ | jq -c '{paragraph, countries}'

Each line is one paragraph: article_id, paragraph, offset (bytes into the article body),
text, mentions (kind, text, start, end, value, country, evidence), countries, persons, orgs.";

/// Arguments of `lede extract`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Files and folders to read
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// Runs `lede extract`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let names = PathNames::new(global.id_base());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut errors = output::stderr(global.color);
    let mut failed = false;
    analyse_paths(
        &args.paths,
        &names,
        std::slice::from_ref(&global.index),
        &mut |article| {
            json::extracted(&mut out, article).map_err(|e| lede::Error::io("standard output", e))
        },
        &mut |problem| {
            failed |= problem.severity == Severity::Error;
            let _ = text::problem(&mut errors, problem);
        },
    )?;
    out.flush()?;
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}
