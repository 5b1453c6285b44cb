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

use std::ffi::OsString;
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
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// The options every command takes, before or after its name.
#[derive(Debug, clap::Args)]
struct GlobalArgs {
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
}

/// [`Cli`] with the query command alone. Clap builds every argument of every command before
/// it parses: for `lede query` that was 7% of a cold query's instructions and 100 KB of
/// fresh heap, most of it for the nine other commands. Root and query arguments are
/// [`Cli`]'s own, so the same words parse to the same values, errors and help (tested
/// against [`Cli`] itself).
#[derive(Debug, Parser)]
#[command(name = "lede", version, about = ABOUT, after_help = EXAMPLES)]
struct QueryCli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: QueryCommand,
}

/// [`Command::Query`], the one command [`QueryCli`] knows.
#[derive(Debug, Subcommand)]
enum QueryCommand {
    /// Search the index: best passages with highlights, and facet counts
    Query(query::Args),
}

impl Cli {
    /// The command line of this process; exits with clap's message (and code 2) when it
    /// does not parse, or after printing help or the version.
    pub fn from_env() -> Cli {
        Cli::parse_args(std::env::args_os().collect()).unwrap_or_else(|error| error.exit())
    }

    /// `args` (the program's name first) parsed, building only the query command's
    /// arguments when the command is `query`.
    fn parse_args(args: Vec<OsString>) -> Result<Cli, clap::Error> {
        if names_query(&args) {
            let QueryCli { global, command } = QueryCli::try_parse_from(args)?;
            let QueryCommand::Query(query) = command;
            return Ok(Cli {
                global,
                command: Command::Query(query),
            });
        }
        Cli::try_parse_from(args)
    }
}

/// Whether the first word of `args` that is not a root option (after the program's name)
/// is `query`.
fn names_query(args: &[OsString]) -> bool {
    let mut words = args.iter().skip(1).map(|arg| arg.to_str());
    while let Some(word) = words.next() {
        match word {
            Some("--index" | "--color") => {
                words.next();
            }
            Some(option) if option.starts_with("--index=") || option.starts_with("--color=") => {}
            Some("query") => return true,
            _ => return false,
        }
    }
    false
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
        index: Location::parse(cli.global.index.as_os_str())?,
        color: cli.global.color,
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `args` parse to: the parsed command line, or clap's error kind and message
    /// (help and version are errors too, with the text they print).
    fn outcome(parsed: Result<Cli, clap::Error>) -> String {
        match parsed {
            Ok(cli) => format!("{cli:?}"),
            Err(error) => format!("{:?}: {}", error.kind(), error.render()),
        }
    }

    fn both(words: &[&str]) -> (String, String) {
        let args: Vec<OsString> = std::iter::once("lede")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect();
        (
            outcome(Cli::parse_args(args.clone())),
            outcome(Cli::try_parse_from(args)),
        )
    }

    #[test]
    fn the_query_command_alone_parses_as_the_whole_command_line() {
        let cases: &[&[&str]] = &[
            &["query", "weapons supply", "--facet", "country"],
            &["--index", "/tmp/x", "query", "oil", "--json", "-n", "3"],
            &[
                "--color=never",
                "query",
                "--country",
                "kp",
                "--since",
                "2020",
            ],
            &["query", "--help"],
            &["query", "-h"],
            &["query", "--version"],
            &["query", "--bogus"],
            &["query", "oil", "--limit", "many"],
            &["query", "--facet", "planet"],
            &["--color", "purple", "query", "oil"],
            &["query", "--", "-opec"],
            &["query"],
            &["--index"],
            &["stats"],
            &["--help"],
        ];
        for words in cases {
            let (fast, whole) = both(words);
            assert_eq!(fast, whole, "{words:?}");
        }
        assert!(names_query(
            &["lede", "--index=x", "query"].map(OsString::from)
        ));
        assert!(!names_query(&["lede", "help", "query"].map(OsString::from)));
        assert!(!names_query(&["lede", "--index"].map(OsString::from)));
    }

    const WORDS: &[&str] = &[
        "query",
        "stats",
        "help",
        "--index",
        "/tmp/i",
        "--index=/tmp/j",
        "--color",
        "always",
        "--color=never",
        "auto",
        "purple",
        "weapons supply",
        "oil",
        "-opec",
        "--",
        "--facet",
        "country",
        "person",
        "org",
        "author",
        "planet",
        "--facet=org",
        "--country",
        "KP",
        "north korea",
        "--person",
        "putin",
        "--org",
        "--article",
        "--json",
        "--format",
        "csv",
        "trec",
        "tsv",
        "--limit",
        "-n",
        "5",
        "0",
        "many",
        "--offset",
        "--any",
        "--all",
        "--per-article",
        "--since",
        "--until",
        "2020-01-01",
        "87",
        "--explain",
        "--why",
        "--batch",
        "q.txt",
        "--facet-limit",
        "--help",
        "-h",
        "--version",
        "-V",
        "--bogus",
    ];

    proptest! {
        #[test]
        fn any_words_after_query_parse_as_with_the_whole_command_line(
            before in proptest::collection::vec(0..4usize, 0..3),
            after in proptest::collection::vec(proptest::sample::select(WORDS), 0..7),
        ) {
            let roots = [&["--index", "/tmp/k"][..], &["--color=always"], &["--color", "never"], &["--index=/x"]];
            let mut words: Vec<&str> = before.iter().flat_map(|&i| roots[i].iter().copied()).collect();
            words.push("query");
            words.extend(after);
            let (fast, whole) = both(&words);
            prop_assert_eq!(fast, whole, "{:?}", words);
        }
    }
}
