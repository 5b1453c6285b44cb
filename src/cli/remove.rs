//! `lede remove`: delete articles from the index.

use std::io::Write;
use std::path::PathBuf;

use super::{output, Global, Outcome};
use lede::backend::local::{LocalWriter, DEFAULT_MEMORY_BUDGET};
use lede::backend::opensearch::OpenSearchWriter;
use lede::backend::Location;
use lede::remove::{remove, Selector};
use lede::render::{json, text};
use lede::source::PathNames;

const EXAMPLES: &str = "\
Examples:
  lede remove --article reuters-1234
  lede remove --source corpus/old-story.txt
  lede remove --source corpus/2019/          every article read from that folder

Exit code 1 when nothing matched.";

/// Arguments of `lede remove`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["article", "source"])))]
pub struct Args {
    /// Id of an article to remove (repeatable)
    #[arg(long, value_name = "ID")]
    article: Vec<String>,
    /// File or folder whose articles to remove, as given to `lede ingest` (repeatable; the
    /// file need not exist any more)
    #[arg(long, value_name = "PATH")]
    source: Vec<PathBuf>,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

/// Runs `lede remove`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let names = PathNames::new(global.id_base());
    let selectors: Vec<Selector> = args
        .article
        .iter()
        .map(|id| Selector::Article(id.clone()))
        .chain(args.source.iter().map(|path| source_selector(&names, path)))
        .collect();
    let report = match &global.index {
        Location::Folder(path) => remove(
            LocalWriter::open_existing(path, DEFAULT_MEMORY_BUDGET)?,
            &selectors,
        )?,
        Location::Cluster(address) => {
            remove(OpenSearchWriter::open_existing(address)?, &selectors)?
        }
    };
    let mut out = output::stdout(global.color);
    if args.json {
        json::remove_report(&mut out, &report)?;
    } else {
        text::remove_report(&mut out, &report)?;
    }
    out.flush()?;
    Ok(if report.articles.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

/// A folder (or a path written with a trailing `/`) removes everything under it.
fn source_selector(names: &PathNames, path: &std::path::Path) -> Selector {
    let name = names.name(path);
    let is_folder = path.is_dir() || path.as_os_str().to_string_lossy().ends_with('/');
    if is_folder {
        Selector::SourceFolder(format!("{}/", name.trim_end_matches('/')))
    } else {
        Selector::Source(name)
    }
}
