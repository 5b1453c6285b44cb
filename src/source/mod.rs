//! Stage 1 of ingest: files → articles.
//!
//! Walks the folders and files a user names, decides each file's format from its extension,
//! and reads it into [`Article`]s. A bad file or line becomes a [`Problem`] that names it; the
//! other files and lines are still read.

mod json;
mod markdown;
mod text;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Component, Path, PathBuf};

use crate::article::Article;
use crate::error::Problem;

/// Input formats lede reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`: optional title line and `By NAME` byline, then paragraphs.
    Text,
    /// `.md`, `.markdown`: optional YAML front matter, Markdown body.
    Markdown,
    /// `.jsonl`, `.ndjson`: one JSON article per line.
    JsonLines,
    /// `.json`: an array of articles, one article, or JSON Lines.
    Json,
}

impl Format {
    /// The format of `path`, or `None` for extensions lede does not read.
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// A file to read and its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path as found while walking (relative paths stay relative).
    pub path: PathBuf,
    /// Format chosen from the extension.
    pub format: Format,
}

/// The files found under the paths a user gave.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files lede can read, in a stable (sorted) order.
    pub files: Vec<InputFile>,
    /// Files skipped because of their extension.
    pub skipped: Vec<PathBuf>,
    /// Paths that could not be walked.
    pub problems: Vec<Problem>,
}

/// Finds the input files under `paths` (folders are walked recursively, hidden entries are
/// skipped), leaving out anything inside `exclude` (the index folder, when it sits inside
/// the corpus).
pub fn discover(paths: &[PathBuf], exclude: &[PathBuf]) -> Discovery {
    let excluded: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    let mut discovery = Discovery::default();
    for root in paths {
        if !root.exists() {
            discovery
                .problems
                .push(Problem::error(root, None, "no such file or folder"));
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let path = entry.into_path();
                    if is_inside_any(&path, &excluded) {
                        continue;
                    }
                    match Format::of(&path) {
                        Some(format) => discovery.files.push(InputFile { path, format }),
                        None => discovery.skipped.push(path),
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    let path = error.path().unwrap_or(root).to_path_buf();
                    discovery
                        .problems
                        .push(Problem::error(path, None, error.to_string()));
                }
            }
        }
    }
    discovery
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

fn is_inside_any(path: &Path, folders: &[PathBuf]) -> bool {
    if folders.is_empty() {
        return false;
    }
    fs::canonicalize(path).is_ok_and(|p| folders.iter().any(|f| p.starts_with(f)))
}

/// Turns source paths into stable article ids and display names.
///
/// Ids are paths relative to `base` (the folder that holds the index), so that ingesting
/// `corpus/` and `./corpus/a.txt` from that folder name the same article. Paths outside it
/// stay absolute.
#[derive(Debug, Clone)]
pub struct PathNames {
    base: PathBuf,
}

impl PathNames {
    /// Names paths relative to `base`.
    pub fn new(base: impl AsRef<Path>) -> PathNames {
        let base = base.as_ref();
        let base = fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        PathNames { base }
    }

    /// The stable name of `path`: relative to the base when inside it, with `/` separators.
    pub fn name(&self, path: &Path) -> String {
        let absolute = fs::canonicalize(path).unwrap_or_else(|_| lexically_normal(path));
        let shown = absolute.strip_prefix(&self.base).unwrap_or(&absolute);
        let parts: Vec<String> = shown
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                Component::RootDir => Some(String::new()),
                _ => None,
            })
            .collect();
        parts.join("/")
    }
}

fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The outcome of reading one record (a file, or a line of a JSON Lines file).
pub type Record = Result<Article, Problem>;

/// Reads the articles of one file.
///
/// Returns an iterator so that a JSON Lines file of any size is read line by line. A file
/// that cannot be opened yields a single `Err`; a bad line yields an `Err` naming the line
/// and reading continues.
pub fn read(file: &InputFile, names: &PathNames) -> Box<dyn Iterator<Item = Record>> {
    let source = names.name(&file.path);
    match file.format {
        Format::JsonLines => match fs::File::open(&file.path) {
            Ok(handle) => Box::new(json::read_lines(
                BufReader::new(handle),
                file.path.clone(),
                source,
            )),
            Err(e) => Box::new(std::iter::once(Err(Problem::error(
                &file.path,
                None,
                e.to_string(),
            )))),
        },
        Format::Text | Format::Markdown | Format::Json => {
            let records = match read_text_file(&file.path) {
                Ok(content) => parse_whole_file(file, &content, source),
                Err(problem) => vec![Err(problem)],
            };
            Box::new(records.into_iter())
        }
    }
}

/// Reads JSON Lines from any reader (standard input, for example); records are named
/// `source`, and problems name `path`.
pub fn read_json_lines<R: BufRead + 'static>(
    reader: R,
    path: PathBuf,
    source: String,
) -> impl Iterator<Item = Record> {
    json::read_lines(reader, path, source)
}

fn parse_whole_file(file: &InputFile, content: &str, source: String) -> Vec<Record> {
    if content.trim().is_empty() {
        return vec![Err(Problem::warning(
            &file.path,
            None,
            "empty file, skipped",
        ))];
    }
    match file.format {
        Format::Text => vec![Ok(text::parse(content, source))],
        Format::Markdown => match markdown::parse(content, source) {
            Ok((article, warnings)) => warnings
                .into_iter()
                .map(|w| Err(Problem::warning(&file.path, None, w)))
                .chain(std::iter::once(Ok(article)))
                .collect(),
            Err(message) => vec![Err(Problem::error(&file.path, None, message))],
        },
        Format::Json => json::parse_document(content, &file.path, &source),
        Format::JsonLines => unreachable!("JSON Lines files are streamed"),
    }
}

/// Reads a whole file as UTF-8 text, refusing binary data with a message that says so.
fn read_text_file(path: &Path) -> Result<String, Problem> {
    let bytes = fs::read(path).map_err(|e| Problem::error(path, None, e.to_string()))?;
    decode(&bytes).map_err(|message| Problem::error(path, None, message))
}

/// Decodes file content as UTF-8 (a byte-order mark is dropped).
pub(crate) fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if looks_binary(bytes) {
        return Err("looks like a binary file (it contains NUL bytes), skipped".into());
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "not valid UTF-8 (first bad byte at offset {}), skipped",
            e.utf8_error().valid_up_to()
        )
    })
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// Picks the id of an article: the one given, else the source name with a locator
/// (`file.jsonl:12` for line 12) so that records of one file never collide.
pub(crate) fn article_id(given: Option<String>, source: &str, locator: Option<String>) -> String {
    match (given, locator) {
        (Some(id), _) if !id.trim().is_empty() => id.trim().to_string(),
        (_, Some(locator)) => format!("{source}{locator}"),
        (_, None) => source.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_in_any_case() {
        assert_eq!(Format::of(Path::new("a/b.TXT")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("b.md")), Some(Format::Markdown));
        assert_eq!(Format::of(Path::new("b.jsonl")), Some(Format::JsonLines));
        assert_eq!(Format::of(Path::new("b.json")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("b.pdf")), None);
        assert_eq!(Format::of(Path::new("README")), None);
    }

    #[test]
    fn discovery_walks_folders_skips_hidden_and_counts_unknown_extensions() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("sub/.git")).unwrap();
        fs::write(dir.path().join("a.txt"), "x").unwrap();
        fs::write(dir.path().join("sub/b.md"), "x").unwrap();
        fs::write(dir.path().join("sub/.git/c.txt"), "x").unwrap();
        fs::write(dir.path().join("sub/photo.jpg"), "x").unwrap();
        let found = discover(&[dir.path().to_path_buf()], &[]);
        let names: Vec<_> = found
            .files
            .iter()
            .map(|f| f.path.file_name().unwrap())
            .collect();
        assert_eq!(names, ["a.txt", "b.md"]);
        assert_eq!(found.skipped.len(), 1);
        assert!(found.problems.is_empty());
    }

    #[test]
    fn discovery_leaves_out_the_index_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("lede-index")).unwrap();
        fs::write(dir.path().join("lede-index/meta.json"), "{}").unwrap();
        fs::write(dir.path().join("a.json"), "{}").unwrap();
        let found = discover(
            &[dir.path().to_path_buf()],
            &[dir.path().join("lede-index")],
        );
        assert_eq!(found.files.len(), 1);
    }

    #[test]
    fn a_missing_path_is_a_problem_naming_it() {
        let found = discover(&[PathBuf::from("/no/such/place")], &[]);
        assert_eq!(found.problems.len(), 1);
        assert_eq!(
            found.problems[0].to_string(),
            "/no/such/place: no such file or folder"
        );
    }

    #[test]
    fn names_are_relative_to_the_base_and_independent_of_spelling() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("corpus")).unwrap();
        fs::write(dir.path().join("corpus/a.txt"), "x").unwrap();
        let names = PathNames::new(dir.path());
        let direct = names.name(&dir.path().join("corpus/a.txt"));
        let dotted = names.name(&dir.path().join("corpus/./../corpus/a.txt"));
        assert_eq!(direct, "corpus/a.txt");
        assert_eq!(dotted, "corpus/a.txt");
    }

    #[test]
    fn binary_and_non_utf8_content_is_refused_with_a_reason() {
        assert!(decode(b"abc\0def").unwrap_err().contains("binary"));
        assert!(decode(b"caf\xe9").unwrap_err().contains("UTF-8"));
        assert_eq!(decode(b"\xEF\xBB\xBFhello").unwrap(), "hello");
    }

    #[test]
    fn article_ids_prefer_the_given_id() {
        assert_eq!(
            article_id(Some("42".into()), "a.jsonl", Some(":3".into())),
            "42"
        );
        assert_eq!(article_id(None, "a.jsonl", Some(":3".into())), "a.jsonl:3");
        assert_eq!(article_id(Some("  ".into()), "a.txt", None), "a.txt");
    }
}
