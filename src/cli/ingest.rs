//! `lede ingest`: read articles into the index.

use std::path::PathBuf;

use anyhow::Context;
use std::io::Write;

use super::progress::IngestBar;
use super::{output, Global, Outcome};
use lede::backend::local::{memory_budget_for, LocalWriter, MIN_WRITER_BUDGET, SMALL_INPUT_BYTES};
use lede::backend::opensearch::OpenSearchWriter;
use lede::backend::Location;
use lede::ingest::{ingest, IngestOptions, ReportTo, COMMIT_EVERY, COMMIT_EVERY_PARAGRAPHS};
use lede::render::text;
use lede::source::{input_bytes_up_to, PathNames};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  lede ingest corpus/                      a folder, recursively
  lede ingest notes.md export.jsonl        single files
  lede ingest corpus/ --index ~/news-index
  lede ingest corpus/ --index http://127.0.0.1:9200/news   an OpenSearch cluster

Re-ingesting an article (same id, or same path) replaces its paragraphs; unchanged
articles are skipped. Exit code 2 when some input failed (the rest is indexed).";

/// Arguments of `lede ingest`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Files and folders to read
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Indexing threads [default: the number of cores, at most 4]
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Memory budget of the index writer, in MiB [default: 96 when the input is at most
    /// 24 MiB, so that the index ends in one segment per thread; 44 otherwise]
    #[arg(long, value_name = "MIB")]
    memory_mb: Option<usize>,
    /// Commit after this many paragraphs, so that an interrupted ingest keeps what it had
    /// committed
    #[arg(long, value_name = "N", default_value_t = COMMIT_EVERY_PARAGRAPHS as u64, value_parser = clap::value_parser!(u64).range(1..))]
    commit_every: u64,
    /// Commit at least every this many seconds, however slowly articles come
    #[arg(long, value_name = "SECONDS", default_value_t = COMMIT_EVERY.as_secs(), value_parser = clap::value_parser!(u64).range(1..=86_400))]
    commit_seconds: u64,
    /// Print neither the progress bar (shown on a terminal) nor the summary
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Runs `lede ingest`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let memory_budget = match args.memory_mb {
        Some(mib) => mib.saturating_mul(1024 * 1024),
        None => memory_budget_for(input_bytes_up_to(
            &args.paths,
            &global.excluded(),
            SMALL_INPUT_BYTES,
        )),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = args
        .jobs
        .unwrap_or(cores.min(4))
        .clamp(1, (memory_budget / MIN_WRITER_BUDGET).max(1));
    if memory_budget < MIN_WRITER_BUDGET {
        anyhow::bail!(
            "--memory-mb {}: the index writer needs at least {} MiB",
            memory_budget / (1024 * 1024),
            MIN_WRITER_BUDGET / (1024 * 1024)
        );
    }
    refuse_when_nothing_exists(&args.paths)?;
    let options = IngestOptions {
        paths: args.paths,
        names: PathNames::new(global.id_base()),
        exclude: global.excluded(),
        threads,
        commit_every: usize::try_from(args.commit_every).unwrap_or(usize::MAX),
        commit_interval: Duration::from_secs(args.commit_seconds),
        stop: Some(stop_on_signals()?),
    };
    let mut errors = output::stderr(global.color);
    let bar = IngestBar::new(args.quiet);
    let mut report_to = ReportTo(
        |problem: &lede::Problem| {
            bar.suspend(|| text::problem(&mut errors, problem)).ok();
        },
        |progress: &lede::ingest::Progress| bar.update(progress),
    );
    let report = match &global.index {
        Location::Folder(path) => {
            let store = LocalWriter::open(path, memory_budget, threads)
                .with_context(|| format!("cannot open the index at {}", path.display()))?;
            ingest(store, &options, &mut report_to)
        }
        Location::Cluster(address) => {
            let store = OpenSearchWriter::open(address)
                .with_context(|| format!("cannot open the index at {}", address.url()))?;
            ingest(store, &options, &mut report_to)
        }
    };
    bar.finish();
    let report = report?;
    if !args.quiet {
        let mut out = output::stdout(global.color);
        text::ingest_report(&mut out, &report)?;
        out.flush()?;
    }
    Ok(if report.interrupted {
        Outcome::Interrupted
    } else if report.failed > 0 {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}

/// Refuses an ingest none of whose paths exists before the index is opened, so that a typo
/// leaves no empty index behind. Among paths that exist, a missing one is reported by the
/// ingest and the others are read.
fn refuse_when_nothing_exists(paths: &[PathBuf]) -> anyhow::Result<()> {
    let reads_input = paths.iter().any(|path| path.as_os_str() == "-");
    if paths.is_empty() || reads_input || paths.iter().any(|path| path.exists()) {
        return Ok(());
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    anyhow::bail!(
        "{}: no such file or folder; nothing was indexed",
        names.join(", ")
    )
}

/// A flag that Ctrl-C (SIGINT) or SIGTERM sets, so that the ingest stops reading, commits
/// what it analysed and reports; a second signal ends the process at once (exit 130).
fn stop_on_signals() -> anyhow::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The order matters: the second signal finds the flag set by the first.
        flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))?;
        flag::register(signal, Arc::clone(&stop))?;
    }
    Ok(stop)
}
