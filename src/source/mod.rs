//! Stage 1 of ingest: files → articles.
//!
//! Walks the folders and files a user names, decides each file's format from its extension,
//! and reads it into [`Article`]s. Gzip-compressed files (`.gz`) are read transparently, `-`
//! reads JSON Lines from standard input, and text that is not UTF-8 is decoded from the
//! legacy encoding it most likely uses, decided once per file, with a warning. Memory stays
//! bounded whatever the input: see [`MAX_LINE_BYTES`] and [`MAX_FILE_BYTES`]. A bad file or
//! line becomes a [`Problem`] that names it; the other files and lines are still read.

mod encoding;
mod html;
mod json;
mod markdown;
mod stream;
mod text;

use std::fs;
use std::path::{Component, Path, PathBuf};

pub use stream::{MAX_FILE_BYTES, MAX_LINE_BYTES};

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
    /// `.html`, `.htm`: a saved article page, reduced to the article.
    Html,
}

impl Format {
    /// The format of `path`, or `None` for extensions lede does not read. A `.gz` ending is
    /// looked through: `articles.jsonl.gz` is JSON Lines.
    pub fn of(path: &Path) -> Option<Format> {
        let mut extension = path.extension()?.to_str()?.to_ascii_lowercase();
        if extension == "gz" {
            extension = Path::new(path.file_stem()?)
                .extension()?
                .to_str()?
                .to_ascii_lowercase();
        }
        match extension.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }
}

/// The path that stands for standard input.
pub const STDIN: &str = "-";

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
    let excluded = canonical(exclude);
    let mut discovery = Discovery::default();
    for root in paths {
        if root.as_os_str() == STDIN {
            discovery.files.push(InputFile {
                path: root.clone(),
                format: Format::JsonLines,
            });
            continue;
        }
        if !root.exists() {
            discovery
                .problems
                .push(Problem::error(root, None, "no such file or folder"));
            continue;
        }
        for entry in walk(root) {
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

/// The total size of the files lede would read under `paths`, as long as it is at most
/// `limit` bytes: `None` past it, or when a path is standard input (of unknown size). The
/// walk stops at the first byte past the limit, so a large corpus costs a few directory
/// reads, not a second walk of every folder.
pub fn input_bytes_up_to(paths: &[PathBuf], exclude: &[PathBuf], limit: u64) -> Option<u64> {
    let excluded = canonical(exclude);
    let mut total = 0u64;
    for root in paths {
        if root.as_os_str() == STDIN {
            return None;
        }
        for entry in walk(root).flatten() {
            let readable = entry.file_type().is_file()
                && Format::of(entry.path()).is_some()
                && !is_inside_any(entry.path(), &excluded);
            if readable {
                total = total.saturating_add(entry.metadata().ok()?.len());
                if total > limit {
                    return None;
                }
            }
        }
    }
    Some(total)
}

/// The canonical form of each of `paths` that exists, to compare with walked paths.
fn canonical(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect()
}

/// Every entry under `root`, in file name order, following links and leaving out hidden
/// files and folders (but not `root` itself).
fn walk(root: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()))
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
        // A path that no longer exists (a removed file) is named as it would have been.
        let absolute = fs::canonicalize(path).unwrap_or_else(|_| {
            lexically_normal(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
        });
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

/// Reads the articles of one file (or of standard input, named `-`).
///
/// Returns an iterator so that a JSON Lines file of any size is read line by line. A file
/// that cannot be opened or read yields a single `Err`; a bad line yields an `Err` naming the
/// line and reading continues.
pub fn read(file: &InputFile, names: &PathNames) -> Box<dyn Iterator<Item = Record>> {
    let is_stdin = file.path.as_os_str() == STDIN;
    let source = if is_stdin {
        "stdin".to_string()
    } else {
        names.name(&file.path)
    };
    let opened = match stream::open(&file.path) {
        Ok(opened) => opened,
        Err(e) => return Box::new(std::iter::once(Err(Problem::error(&file.path, None, e)))),
    };
    match file.format {
        Format::JsonLines => {
            let shown = if is_stdin {
                PathBuf::from("<stdin>")
            } else {
                file.path.clone()
            };
            Box::new(json::read_lines(opened.reader, shown, source, opened.gzip))
        }
        Format::Text | Format::Markdown | Format::Json | Format::Html => {
            let records = match read_text(file, opened) {
                Ok((content, warning)) => warning
                    .map(|w| Err(Problem::warning(&file.path, None, w)))
                    .into_iter()
                    .chain(parse_whole_file(file, &content, source))
                    .collect(),
                Err(problem) => vec![Err(problem)],
            };
            Box::new(records.into_iter())
        }
    }
}

fn parse_whole_file(file: &InputFile, content: &str, source: String) -> Vec<Record> {
    if content.trim().is_empty() {
        return vec![Err(empty_file(&file.path))];
    }
    let with_warnings = |parsed: Result<(Article, Vec<String>), String>| match parsed {
        Ok((article, warnings)) => warnings
            .into_iter()
            .map(|w| Err(Problem::warning(&file.path, None, w)))
            .chain(std::iter::once(Ok(article)))
            .collect(),
        Err(message) => vec![Err(Problem::error(&file.path, None, message))],
    };
    match file.format {
        Format::Text => vec![Ok(text::parse(content, source))],
        Format::Markdown => with_warnings(markdown::parse(content, source)),
        Format::Html => with_warnings(html::parse(content, source)),
        Format::Json => json::parse_document(content, &file.path, &source),
        Format::JsonLines => unreachable!("JSON Lines files are streamed"),
    }
}

/// The warning for a file with nothing but white space in it.
fn empty_file(path: &Path) -> Problem {
    Problem::warning(path, None, "empty file, skipped")
}

/// Reads a whole file as text, within [`MAX_FILE_BYTES`]: UTF-8, or the encoding a page
/// declares, or the legacy encoding detected (the second value is then a warning saying
/// which). Problems name the file.
fn read_text(
    file: &InputFile,
    opened: stream::Opened,
) -> Result<(String, Option<String>), Problem> {
    let from_bom = opened.bom;
    let problem = |message| Problem::error(&file.path, None, message);
    let bytes = stream::read_whole(&file.path, opened).map_err(problem)?;
    let declared = match file.format {
        Format::Html if !from_bom => html::declared_encoding(&bytes),
        _ => None,
    };
    encoding::decode(bytes, from_bom, declared).map_err(problem)
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
        assert_eq!(Format::of(Path::new("b.HTM")), Some(Format::Html));
        assert_eq!(Format::of(Path::new("b.jsonl.gz")), Some(Format::JsonLines));
        assert_eq!(Format::of(Path::new("b.gz")), None);
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
    fn input_bytes_count_the_files_discovery_would_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("sub/.git")).unwrap();
        fs::create_dir_all(dir.path().join("lede-index")).unwrap();
        fs::write(dir.path().join("a.txt"), "12345").unwrap();
        fs::write(dir.path().join("sub/b.md"), "123").unwrap();
        fs::write(dir.path().join("sub/.git/c.txt"), "123456789").unwrap();
        fs::write(dir.path().join("sub/photo.jpg"), "123456789").unwrap();
        fs::write(dir.path().join("lede-index/x.json"), "123456789").unwrap();
        let paths = [dir.path().to_path_buf()];
        let exclude = [dir.path().join("lede-index")];
        assert_eq!(input_bytes_up_to(&paths, &exclude, 100), Some(8));
        assert_eq!(input_bytes_up_to(&paths, &exclude, 8), Some(8));
        assert_eq!(input_bytes_up_to(&paths, &exclude, 7), None);
        // Standard input has no size to read in advance.
        assert_eq!(
            input_bytes_up_to(&[PathBuf::from(STDIN)], &[], u64::MAX),
            None
        );
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

    /// Reads `bytes` written to a file called `name` (its extension gives the format).
    fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Record> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        let format = Format::of(&path).unwrap();
        read(&InputFile { path, format }, &PathNames::new(dir.path())).collect()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn messages(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect()
    }

    fn bodies(records: &[Record]) -> Vec<&str> {
        records
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|a| a.body.as_str()))
            .collect()
    }

    #[test]
    fn binary_content_is_refused_and_legacy_encodings_are_decoded_with_a_warning() {
        let binary = read_bytes("a.txt", b"abc\0def");
        assert!(messages(&binary)[0].contains("binary"), "{binary:?}");
        let latin = read_bytes("a.txt", b"Caf\xe9 cr\xe8me at S\xe3o Paulo \x93quoted\x94");
        assert_eq!(bodies(&latin), ["Café crème at São Paulo “quoted”"]);
        assert!(messages(&latin)[0].contains("read as windows-1252"));
        let bom = read_bytes("a.txt", b"\xEF\xBB\xBFhello");
        assert_eq!(bodies(&bom), ["hello"]);
        assert!(messages(&bom).is_empty());
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Kyiv".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(bodies(&read_bytes("a.txt", &utf16)), ["Kyiv"]);
    }

    #[test]
    fn nul_bytes_past_the_first_8_kib_still_make_a_file_binary() {
        let mut bytes = b"Plain text about Oslo. ".repeat(1000);
        bytes.extend_from_slice(b"\0\0secret zebra\n");
        for name in ["a.txt", "a.md", "a.html", "a.json"] {
            let records = read_bytes(name, &bytes);
            assert_eq!(records.len(), 1, "{name}");
            assert!(messages(&records)[0].contains("binary"), "{name}");
        }
    }

    #[test]
    fn nul_bytes_in_json_lines_refuse_the_line_or_a_binary_file() {
        let mut bytes = b"{\"body\": \"Oslo.\"}\n".repeat(1000);
        bytes.extend_from_slice(b"{\"body\": \"zebra\0\"}\n{\"body\": \"Bergen.\"}\n");
        let records = read_bytes("a.jsonl", &bytes);
        assert_eq!(bodies(&records).len(), 1001);
        assert_eq!(
            messages(&records),
            [format!(
                "{}:1001: the line contains NUL bytes (binary data), skipped",
                records_path(&records)
            )]
        );
        let png = read_bytes(
            "photo.jsonl",
            &[0x89, b'P', b'N', b'G', 0, 0, b'\n', 0, b'\n'],
        );
        assert_eq!(png.len(), 1);
        assert!(messages(&png)[0].contains("binary file"), "{png:?}");
    }

    fn records_path(records: &[Record]) -> String {
        let problem = records.iter().find_map(|r| r.as_ref().err()).unwrap();
        problem.path.display().to_string()
    }

    #[test]
    fn html_pages_are_read_in_the_encoding_they_declare() {
        let russian = "Президент России провёл в среду встречу с министрами. ".repeat(5);
        for head in [
            "<meta charset=\"windows-1251\">",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">",
        ] {
            let page = format!(
                "<html><head>{head}<title>Новости</title></head><body><article><h1>Новости</h1>\
                 <p>{russian}</p></article></body></html>"
            );
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
            let records = read_bytes("ru.html", &bytes);
            assert!(
                bodies(&records)[0].contains("провёл в среду"),
                "{records:?}"
            );
            assert!(messages(&records)[0]
                .contains("read as windows-1251, the encoding the page declares"));
        }
        // A page declaring KOI8-R is read as KOI8-R, though its bytes would also read as
        // windows-1251 (as gibberish).
        let page = format!(
            "<html><head><meta charset=koi8-r></head><body><article><p>{russian}</p></article></body></html>"
        );
        let koi8 = encoding_rs::Encoding::for_label(b"koi8-r").unwrap();
        let records = read_bytes("ru.htm", &koi8.encode(&page).0);
        assert!(
            bodies(&records)[0].contains("провёл в среду"),
            "{records:?}"
        );
        // Valid UTF-8 is read as UTF-8, whatever the page still declares.
        let records = read_bytes("utf8.html", page.as_bytes());
        assert!(
            bodies(&records)[0].contains("провёл в среду"),
            "{records:?}"
        );
        assert!(messages(&records).is_empty());
    }

    #[test]
    fn utf16_json_lines_are_read_to_the_last_line() {
        let text = "{\"id\": \"a\", \"body\": \"Kyiv grain deal\"}\r\n{\"id\": \"b\", \"body\": \"Warsaw talks\"}\r\n";
        for (big_endian, bom) in [(false, [0xFF, 0xFE]), (true, [0xFE, 0xFF])] {
            let mut bytes = bom.to_vec();
            bytes.extend(stream::tests::utf16(text, big_endian));
            let records = read_bytes("a.jsonl", &bytes);
            assert_eq!(
                bodies(&records),
                ["Kyiv grain deal", "Warsaw talks"],
                "{records:?}"
            );
            assert_eq!(bodies(&read_bytes("a.jsonl.gz", &gzip(&bytes))).len(), 2);
        }
    }

    #[test]
    fn an_empty_json_lines_file_gets_the_empty_file_warning() {
        for bytes in [&b""[..], b"\n\n  \n"] {
            let records = read_bytes("a.jsonl", bytes);
            assert_eq!(records.len(), 1);
            assert!(messages(&records)[0].ends_with("a.jsonl: empty file, skipped"));
        }
    }

    #[test]
    fn a_corrupt_gzip_file_is_one_error_not_one_per_line() {
        let lines: String = (0..20_000)
            .map(|i| {
                format!("{{\"id\": \"g{i}\", \"body\": \"Article {i} about oil in Oslo.\"}}\n")
            })
            .collect();
        let good = gzip(lines.as_bytes());
        let mut garbled = good.clone();
        // Flipped bits a third of the way in: the decompressor turns out garbage (lines that are
        // not JSON) until the checksum at the end tells the data is corrupt.
        let third = garbled.len() / 3;
        for byte in &mut garbled[third..third + 64] {
            *byte = byte.wrapping_mul(7).wrapping_add(13);
        }
        let truncated = &good[..good.len() / 2];
        for (name, bytes) in [
            ("garbled.jsonl.gz", &garbled[..]),
            ("cut.jsonl.gz", truncated),
        ] {
            let records = read_bytes(name, bytes);
            let problems = messages(&records);
            assert_eq!(
                problems.len(),
                1,
                "{name}: {:?}",
                &problems[..problems.len().min(3)]
            );
            assert!(problems[0].contains("corrupt gzip data"), "{}", problems[0]);
            assert!(!bodies(&records).is_empty());
        }
        for name in ["garbled.txt.gz", "garbled.json.gz"] {
            let records = read_bytes(name, &garbled);
            assert_eq!(messages(&records).len(), 1, "{name}");
            assert!(bodies(&records).is_empty());
        }
    }

    #[test]
    fn gzip_files_are_read_whatever_their_name_and_fake_gz_is_refused() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder
            .write_all(b"{\"id\": \"1\", \"body\": \"Oil rose.\"}\n")
            .unwrap();
        let compressed = encoder.finish().unwrap();
        fs::write(dir.path().join("a.jsonl.gz"), &compressed).unwrap();
        fs::write(dir.path().join("b.jsonl.gz"), b"plain").unwrap();
        let names = PathNames::new(dir.path());
        let read_all = |name: &str| -> Vec<Record> {
            let path = dir.path().join(name);
            let format = Format::of(&path).unwrap();
            read(&InputFile { path, format }, &names).collect()
        };
        let good = read_all("a.jsonl.gz");
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].as_ref().unwrap().body, "Oil rose.");
        let bad = read_all("b.jsonl.gz");
        assert!(bad[0].as_ref().unwrap_err().message.contains("not gzip"));
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

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        /// Every reader, fed arbitrary bytes, yields articles or problems naming the file.
        #[test]
        fn any_bytes_in_any_format_are_read_or_refused_by_name(
            bytes in proptest::prop_oneof![
                proptest::collection::vec(proptest::num::u8::ANY, 0..400),
                proptest::string::string_regex("(\\{\"(id|body|title|date|text)\": ?(\"[^\"]{0,20}\"|[0-9]{1,3}|null|\\[|\\{)(, )?|\\}|\\]|\n|<p>|</p>|<h1>|---\n|# |title: |date: |[a-zé]{1,8}| ){0,30}")
                    .unwrap()
                    .prop_map(String::into_bytes),
            ],
            format in proptest::sample::select(vec![Format::Text, Format::Markdown, Format::JsonLines, Format::Json, Format::Html]),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("input");
            fs::write(&path, &bytes).unwrap();
            let names = PathNames::new(dir.path());
            for record in read(&InputFile { path: path.clone(), format }, &names) {
                match record {
                    Ok(article) => proptest::prop_assert!(!article.id.is_empty()),
                    Err(problem) => proptest::prop_assert_eq!(&problem.path, &path),
                }
            }
        }
    }
}
