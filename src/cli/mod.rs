//! Command-line arguments (clap) and one module per command. Clap types stop here: each
//! command turns its arguments into the library's plain request types.

mod check;
mod docs;
mod extract;
mod facets;
mod filters;
mod ingest;
pub mod output;
mod progress;
mod query;
mod remove;
mod serve;
mod stats;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use lede::backend::Location;

/// How a command ended, as the process exit code (grep's convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found or done.
    Done = 0,
    /// A query matched nothing.
    NothingFound = 1,
    /// An error, or an ingest in which some inputs failed.
    Failed = 2,
    /// Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
    Interrupted = 130,
}

const ABOUT: &str =
    "Full-text search for news corpora, with country, person and organisation facets.";
const EXAMPLES: &str = "\
Examples:
  lede ingest corpus/
  lede query \"weapons supply\" --facet country
  lede query \"weapons supply\" --country \"north korea\" --json
  lede facets country
  lede extract corpus/vladivostok-summit.txt
  lede stats";

/// lede's command line.
#[derive(Debug, Parser)]
#[command(name = "lede", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// Index folder, or an OpenSearch index: http(s)://HOST:9200/NAME [default: ./lede-index,
    /// or $LEDE_INDEX]
    #[arg(
        long,
        global = true,
        env = "LEDE_INDEX",
        value_name = "DIR|URL",
        default_value = "lede-index",
        hide_default_value = true
    )]
    index: PathBuf,
    /// When to use colour: auto (only on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read articles (folders, .txt, .md, .json, .jsonl) into the index
    Ingest(ingest::Args),
    /// Search the index: best passages with highlights, and facet counts
    Query(query::Args),
    /// List the most frequent countries, people, organisations or authors, with counts
    Facets(facets::Args),
    /// Show the paragraphs and entities lede finds in files, as JSON Lines, without indexing
    Extract(extract::Args),
    /// Show what the index holds
    Stats(stats::Args),
    /// Delete articles from the index, by id or by the file or folder they came from
    Remove(remove::Args),
    /// Verify that every file of the index is intact (checksums)
    Check(check::Args),
    /// Serve a search page and a JSON API over the index (read-only)
    Serve(serve::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(docs::CompletionArgs),
    /// Print the manual page, in roff
    #[command(hide = true)]
    Man(docs::ManArgs),
}

/// Runs the command the arguments name.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let global = Global {
        index: Location::parse(cli.index.as_os_str())?,
        color: cli.color,
    };
    match cli.command {
        Command::Ingest(args) => ingest::run(&global, args),
        Command::Query(args) => query::run(&global, args),
        Command::Facets(args) => facets::run(&global, args),
        Command::Extract(args) => extract::run(&global, args),
        Command::Stats(args) => stats::run(&global, args),
        Command::Remove(args) => remove::run(&global, args),
        Command::Check(args) => check::run(&global, args),
        Command::Serve(args) => serve::run(&global, args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    }
}

/// Options shared by every command.
pub struct Global {
    /// Where the index is.
    pub index: Location,
    /// Colour choice.
    pub color: ColorWhen,
}

impl Global {
    /// The folder article ids are relative to: the one holding the index.
    pub fn id_base(&self) -> PathBuf {
        self.index.id_base()
    }

    /// Folders never read as input: a local index's own.
    pub fn excluded(&self) -> Vec<PathBuf> {
        match &self.index {
            Location::Folder(path) => vec![path.clone()],
            Location::Cluster(_) => Vec::new(),
        }
    }
}
