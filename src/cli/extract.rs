//! `lede extract`: the ingest stages without an index, as JSON Lines.

use std::io::Write;
use std::path::PathBuf;

use super::{output, Global, Outcome};
use lede::article::Article;
use lede::ingest::{AnalysedArticle, IngestOptions, ReportTo, Sink};
use lede::render::{json, text};
use lede::source::PathNames;
use lede::Severity;

const EXAMPLES: &str = "\
Examples:
  lede extract corpus/vladivostok-summit.txt
  lede extract corpus/ | jq -c '{paragraph, countries}'

Each line is one paragraph: article_id, paragraph, offset (bytes into the article body),
text, mentions (kind, text, start, end, value, country, evidence), countries, persons, orgs, works (names used for a work or a band, which are no person).";

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
    let mut options = IngestOptions::new(args.paths, PathNames::new(global.id_base()));
    options.exclude = global.excluded();
    options.threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut sink = PrintSink {
        out: std::io::BufWriter::new(std::io::stdout()),
    };
    let mut errors = output::stderr(global.color);
    let mut failed = false;
    let mut report = ReportTo(
        |problem: &lede::Problem| {
            failed |= problem.severity == Severity::Error;
            let _ = text::problem(&mut errors, problem);
        },
        |_: &lede::ingest::Progress| {},
    );
    lede::ingest::run(&options, &mut sink, &mut report)?;
    sink.out.flush()?;
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}

/// Prints every analysed article as JSON Lines, rendered on the analysis threads.
struct PrintSink<W> {
    out: W,
}

impl<W: Write + Sync> Sink for PrintSink<W> {
    type Ticket = ();
    type Prepared = Vec<u8>;

    fn admit(&mut self, articles: &[(&Article, bool)]) -> lede::Result<Vec<Option<()>>> {
        Ok(vec![Some(()); articles.len()])
    }

    fn prepare(&self, analysed: AnalysedArticle, _: ()) -> Vec<u8> {
        let mut lines = Vec::new();
        json::extracted(&mut lines, &analysed).expect("writing to memory");
        lines
    }

    fn accept(&mut self, lines: Vec<u8>) -> lede::Result<()> {
        self.out
            .write_all(&lines)
            .map_err(|e| lede::Error::io("standard output", e))
    }
}
