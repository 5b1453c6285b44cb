//! JSON and JSON Lines articles.
//!
//! Field names follow the exports people have: `id` or `_id`; `title` or `headline`; `body`,
//! `text` or `content`; `date`, `author`, `url`. BEIR corpora (`_id`, `title`, `text`) read
//! as they are. A `dateline` field opens the body, as it does in the printed story.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;
use serde_json::{Map, Value};

use super::stream::{self, Line, LineReader, MAX_LINE_BYTES};
use super::{encoding, Record};
use crate::article::{Article, ArticleDate};
use crate::error::Problem;

const ID_KEYS: &[&str] = &["id", "_id"];
const TITLE_KEYS: &[&str] = &["title", "headline"];
const BODY_KEYS: &[&str] = &["body", "text", "content"];
const AUTHOR_KEYS: &[&str] = &["author", "authors", "byline"];

/// How many problems of a gzip-compressed file are held back until its end: see
/// [`JsonLines::report`]. Past this many, they are let through as they come.
const MAX_HELD_PROBLEMS: usize = 100_000;

/// How much of the start of a file is looked at for NUL bytes, the mark of a binary file.
const BINARY_CHECK_BYTES: usize = 8192;

/// Reads JSON Lines one line at a time; each bad line is a problem naming its number. `gzip`
/// says the stream is decompressed gzip data (see [`JsonLines::report`]).
pub(super) fn read_lines<R: BufRead>(
    reader: R,
    path: PathBuf,
    source: String,
    gzip: bool,
) -> impl Iterator<Item = Record> {
    JsonLines::new(reader, path, source, gzip)
}

/// The reading state of one JSON Lines stream.
struct JsonLines<R> {
    lines: LineReader<R>,
    path: PathBuf,
    source: String,
    gzip: bool,
    /// The legacy encoding of the file's lines that are not UTF-8, decided at the first one.
    legacy: Option<&'static Encoding>,
    /// Problems held back while `holding`.
    held: Vec<Problem>,
    holding: bool,
    /// Records read and not yet handed out.
    ready: VecDeque<Record>,
    started: bool,
    finished: bool,
    /// Whether a line with more than white space was seen.
    any_content: bool,
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.ready.pop_front() {
                return Some(record);
            }
            if self.finished {
                return None;
            }
            if !self.started {
                self.started = true;
                // A binary file is one error, not one per chunk between its 0x0A bytes.
                let head = self.lines.peek();
                if head[..head.len().min(BINARY_CHECK_BYTES)].contains(&0) {
                    self.finish_with(Problem::error(
                        &self.path,
                        None,
                        "looks like a binary file (it contains NUL bytes), skipped",
                    ));
                    continue;
                }
            }
            self.read_line();
        }
    }
}

impl<R: BufRead> JsonLines<R> {
    /// Reads `reader`, a JSON Lines stream called `path` (articles name it `source`).
    fn new(reader: R, path: PathBuf, source: String, gzip: bool) -> Self {
        JsonLines {
            lines: LineReader::new(reader, MAX_LINE_BYTES),
            path,
            source,
            gzip,
            legacy: None,
            held: Vec::new(),
            holding: gzip,
            ready: VecDeque::new(),
            started: false,
            finished: false,
            any_content: false,
        }
    }

    /// Reads one line and queues what it yields.
    fn read_line(&mut self) {
        match self.lines.next_line() {
            None => {
                self.ready.extend(self.held.drain(..).map(Err));
                if !self.any_content {
                    self.ready.push_back(Err(super::empty_file(&self.path)));
                }
                self.finished = true;
            }
            Some(Err(e)) => {
                let mut message = stream::read_failed(&e, self.gzip);
                if let (Some(first), Some(last)) = (self.held.first(), self.held.last()) {
                    message.push_str(&format!(
                        "; the {} problems in lines {} to {} before it are not listed one by one, \
                         as corrupt data reads as garbage",
                        self.held.len(),
                        first.line.unwrap_or(0),
                        last.line.unwrap_or(0)
                    ));
                    self.held.clear();
                }
                let number = self.lines.number();
                self.finish_with(Problem::error(&self.path, Some(number), message));
            }
            Some(Ok(Line::TooLong)) => {
                self.any_content = true;
                let message = format!(
                    "the line is longer than {} MiB, the longest lede reads; skipped",
                    MAX_LINE_BYTES >> 20
                );
                self.report(Problem::error(
                    &self.path,
                    Some(self.lines.number()),
                    message,
                ));
            }
            Some(Ok(Line::Read)) => {
                for record in self.parse_line() {
                    match record {
                        Ok(article) => self.ready.push_back(Ok(article)),
                        Err(problem) => self.report(problem),
                    }
                }
            }
        }
    }

    /// Queues `problem`, the last record of the stream.
    fn finish_with(&mut self, problem: Problem) {
        self.ready.push_back(Err(problem));
        self.finished = true;
    }

    /// Queues a problem, or holds it back while reading gzip data. Corrupt gzip data is only
    /// known to be corrupt at the checksum at its end; until then the decompressor turns out
    /// garbage, tens of thousands of lines that are not JSON. Held back, those problems give
    /// way to one error for the file when the data proves corrupt, and are let through when
    /// it proves sound.
    fn report(&mut self, problem: Problem) {
        if !self.holding {
            self.ready.push_back(Err(problem));
            return;
        }
        self.held.push(problem);
        if self.held.len() > MAX_HELD_PROBLEMS {
            self.holding = false;
            self.ready.extend(self.held.drain(..).map(Err));
        }
    }

    /// The records of the line just read.
    fn parse_line(&mut self) -> Vec<Record> {
        let number = self.lines.number();
        let line = self.lines.line();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Vec::new();
        }
        self.any_content = true;
        if line.contains(&0) {
            return vec![Err(Problem::error(
                &self.path,
                Some(number),
                "the line contains NUL bytes (binary data), skipped",
            ))];
        }
        let bad = match std::str::from_utf8(line) {
            Ok(_) => return parse_json(line, &self.path, &self.source, number),
            Err(e) => e.valid_up_to(),
        };
        let (encoding, decided_now) = match self.legacy {
            Some(encoding) => (encoding, false),
            None => (self.decide_legacy(bad), true),
        };
        self.legacy = Some(encoding);
        let line = self.lines.line();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (text, _) = encoding.decode_without_bom_handling(line);
        let mut records = parse_json(text.as_bytes(), &self.path, &self.source, number);
        if decided_now {
            let message = format!(
                "not UTF-8: read as {} (and so are the file's other such lines)",
                encoding.name()
            );
            records.insert(0, Err(Problem::warning(&self.path, Some(number), message)));
        }
        records
    }

    /// Decides the legacy encoding of the whole file from a sample: the line just read, from
    /// a little before its first byte that is not UTF-8 (at `bad`), and the lines after it
    /// already buffered.
    fn decide_legacy(&mut self, bad: usize) -> &'static Encoding {
        let line = self.lines.line();
        let start = encoding::sample_start(line, bad);
        let mut sample = line[start..line.len().min(start + encoding::SAMPLE_BYTES)].to_vec();
        sample.push(b'\n');
        let room = encoding::SAMPLE_BYTES.saturating_sub(sample.len());
        let after = self.lines.peek();
        sample.extend_from_slice(&after[..after.len().min(room)]);
        encoding::detect(&sample, false)
    }
}

fn parse_json(bytes: &[u8], path: &Path, source: &str, number: usize) -> Vec<Record> {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            return vec![Err(Problem::error(
                path,
                Some(number),
                format!("invalid JSON: {e}"),
            ))]
        }
    };
    records_from_value(value, path, source, Some(number), format!(":{number}"))
}

/// Reads a `.json` file: an array of articles, a single article, or JSON Lines content.
pub(super) fn parse_document(content: &str, path: &Path, source: &str) -> Vec<Record> {
    let trimmed = content.trim_start();
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<Value>(content) {
            Ok(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .flat_map(|(i, item)| {
                    records_from_value(item, path, source, None, format!("#{i}"))
                        .into_iter()
                        .map(move |record| record.map_err(|p| in_item(p, i)))
                })
                .collect(),
            Ok(_) => unreachable!("a document starting with [ is an array"),
            Err(e) => vec![Err(Problem::error(
                path,
                Some(e.line()),
                format!("invalid JSON: {e}"),
            ))],
        };
    }
    match serde_json::from_str::<Value>(content) {
        Ok(value) => records_from_value(value, path, source, None, String::new()),
        // Several objects, one a line: a JSON Lines file with a .json name.
        Err(e) if e.is_data() || trimmed.lines().nth(1).is_some() => read_lines(
            content.as_bytes(),
            path.to_path_buf(),
            source.to_string(),
            false,
        )
        .collect(),
        Err(e) => vec![Err(Problem::error(
            path,
            Some(e.line()),
            format!("invalid JSON: {e}"),
        ))],
    }
}

/// Names the array item (0-based, as `#i` in its id) a problem belongs to.
fn in_item(mut problem: Problem, index: usize) -> Problem {
    problem.message = format!("item #{index}: {}", problem.message);
    problem
}

fn records_from_value(
    value: Value,
    path: &Path,
    source: &str,
    line: Option<usize>,
    locator: String,
) -> Vec<Record> {
    let Value::Object(object) = value else {
        return vec![Err(Problem::error(
            path,
            line,
            "expected a JSON object (an article)",
        ))];
    };
    match article_from_object(object, source, locator) {
        Ok((article, warnings)) => warnings
            .into_iter()
            .map(|w| Err(Problem::warning(path, line, w)))
            .chain(std::iter::once(Ok(article)))
            .collect(),
        Err(message) => vec![Err(Problem::error(path, line, message))],
    }
}

/// Builds an article from one JSON object, with warnings for values it had to leave out.
fn article_from_object(
    object: Map<String, Value>,
    source: &str,
    locator: String,
) -> Result<(Article, Vec<String>), String> {
    let origin = format!("{source}{locator}");
    let mut fields = Fields {
        object,
        warnings: Vec::new(),
    };
    let body = match fields.take(BODY_KEYS) {
        Taken::Text(body) => body,
        Taken::Missing => {
            return Err(fields.no_body("expected a text field named body, text or content"))
        }
        Taken::Unusable { key, kind } => {
            return Err(fields.no_body(&format!("{key} is {kind}, expected text")))
        }
    };
    let id = match fields.take(ID_KEYS) {
        Taken::Text(id) => super::article_id(Some(id), source, Some(locator)),
        Taken::Missing => super::article_id(None, source, Some(locator)),
        Taken::Unusable { key, kind } => {
            let id = super::article_id(None, source, Some(locator));
            fields.warn(key, kind, &format!("the article's id is {id} instead"));
            id
        }
    };
    let date = fields
        .text(&["date"], "indexed without a date")
        .and_then(|text| match ArticleDate::read(&text) {
            Ok(date) => Some(date),
            Err(why) => {
                fields
                    .warnings
                    .push(format!("{why}; indexed without a date"));
                None
            }
        });
    // Wire exports keep the dateline apart ("LOS ANGELES, Feb 26"); in the story it opens
    // the first paragraph, and it names where the story happened.
    let body = match fields.text(&["dateline"], "left out") {
        Some(dateline) if !body.trim_start().starts_with(dateline.trim()) => {
            format!("{} - {}", dateline.trim(), body.trim_start())
        }
        _ => body,
    };
    let article = Article {
        id,
        title: fields.text(TITLE_KEYS, "left out"),
        author: fields.author(),
        date,
        url: fields.text(&["url", "link"], "left out"),
        source: source.to_string(),
        origin,
        body,
    };
    Ok((article, fields.warnings))
}

/// The fields of one JSON article, taken out as text, and warnings for values of a kind that
/// cannot be used (a title given as an array, an id as an object): those are never dropped
/// silently.
struct Fields {
    object: Map<String, Value>,
    warnings: Vec<String>,
}

/// What [`Fields::take`] found.
enum Taken {
    Text(String),
    Missing,
    /// A value of another kind than text; `kind` says which ("an array").
    Unusable {
        key: &'static str,
        kind: &'static str,
    },
}

impl Fields {
    /// Takes out the first of `keys` holding a non-empty string or a number. Moving the text
    /// out rather than copying it matters for bodies of many megabytes.
    fn take(&mut self, keys: &[&'static str]) -> Taken {
        let mut unusable = None;
        for &key in keys {
            match self.object.remove(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => return Taken::Text(s),
                Some(Value::Number(n)) => return Taken::Text(n.to_string()),
                Some(value @ (Value::Array(_) | Value::Object(_) | Value::Bool(_))) => {
                    unusable.get_or_insert((key, kind(&value)));
                }
                Some(Value::String(_) | Value::Null) | None => {}
            }
        }
        match unusable {
            Some((key, kind)) => Taken::Unusable { key, kind },
            None => Taken::Missing,
        }
    }

    /// The text of the first of `keys`; a value of another kind is left out with a warning
    /// saying so and what follows (`consequence`).
    fn text(&mut self, keys: &[&'static str], consequence: &str) -> Option<String> {
        match self.take(keys) {
            Taken::Text(text) => Some(text),
            Taken::Missing => None,
            Taken::Unusable { key, kind } => {
                self.warn(key, kind, consequence);
                None
            }
        }
    }

    /// The author: a name, a list of names, or objects with a `name`.
    fn author(&mut self) -> Option<String> {
        let mut unusable = None;
        for &key in AUTHOR_KEYS {
            let Some(value) = self.object.get(key) else {
                continue;
            };
            if let Some(name) = author_text(value) {
                return Some(name);
            }
            if matches!(value, Value::Number(_) | Value::Bool(_) | Value::Object(_)) {
                unusable.get_or_insert((key, kind(value)));
            }
        }
        if let Some((key, kind)) = unusable {
            self.warn(key, kind, "left out");
        }
        None
    }

    fn warn(&mut self, key: &str, kind: &str, consequence: &str) {
        self.warnings
            .push(format!("{key} is {kind}, not text; {consequence}"));
    }

    /// The error for an article without a usable body, with its id when it has one.
    fn no_body(&mut self, why: &str) -> String {
        let id = match self.take(ID_KEYS) {
            Taken::Text(id) => format!(" (id {id:?})"),
            _ => String::new(),
        };
        format!("article{id} has no body: {why}")
    }
}

/// What kind of JSON value `value` is, as a warning names it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn author_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(author_text).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        Value::Object(map) => map.get("name").and_then(author_text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(content: &str) -> Vec<Record> {
        read_lines(
            content.as_bytes(),
            "a.jsonl".into(),
            "a.jsonl".into(),
            false,
        )
        .collect()
    }

    #[test]
    fn json_lines_with_every_field_alias() {
        let records = lines(concat!(
            r#"{"id": "n1", "title": "T1", "body": "B1", "date": "2023-09-12", "author": "A", "url": "u"}"#,
            "\n",
            r#"{"_id": 7, "headline": "T2", "text": "B2"}"#,
            "\n\n",
            r#"{"content": "B3", "authors": ["X", "Y"]}"#,
            "\n"
        ));
        let articles: Vec<Article> = records.into_iter().map(Result::unwrap).collect();
        assert_eq!(articles.len(), 3);
        assert_eq!(articles[0].id, "n1");
        assert_eq!(articles[0].date.unwrap().to_string(), "2023-09-12");
        assert_eq!(articles[1].id, "7");
        assert_eq!(articles[1].title.as_deref(), Some("T2"));
        assert_eq!(articles[1].body, "B2");
        assert_eq!(articles[2].id, "a.jsonl:4");
        assert_eq!(articles[2].author.as_deref(), Some("X, Y"));
    }

    #[test]
    fn a_bad_line_is_reported_with_its_number_and_the_others_are_read() {
        let records = lines(
            "{\"body\": \"ok\"}\n{not json\n{\"title\": \"no body\"}\n{\"body\": \"ok too\"}\n",
        );
        assert!(records[0].is_ok());
        let bad = records[1].as_ref().unwrap_err();
        assert_eq!(bad.line, Some(2));
        assert!(bad.message.contains("invalid JSON"), "{}", bad.message);
        let no_body = records[2].as_ref().unwrap_err();
        assert_eq!(no_body.line, Some(3));
        assert!(no_body.message.contains("no body"), "{}", no_body.message);
        assert!(records[3].is_ok());
    }

    #[test]
    fn fields_of_the_wrong_kind_are_named_in_a_warning_not_dropped_silently() {
        let records = lines(concat!(
            r#"{"id": {"x": 1}, "title": ["A", "B"], "body": "Oslo talks.", "url": true}"#,
            "\n",
            r#"{"id": "n2", "headline": {"main": "H"}, "body": "Bergen.", "date": [2024], "author": 7}"#,
            "\n",
            r#"{"id": "n3", "body": ["Only", "parts"]}"#,
            "\n",
        ));
        let problems: Vec<String> = records
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect();
        assert_eq!(
            problems,
            [
                "a.jsonl:1: id is an object, not text; the article's id is a.jsonl:1 instead",
                "a.jsonl:1: title is an array, not text; left out",
                "a.jsonl:1: url is true or false, not text; left out",
                "a.jsonl:2: date is an array, not text; indexed without a date",
                "a.jsonl:2: headline is an object, not text; left out",
                "a.jsonl:2: author is a number, not text; left out",
                "a.jsonl:3: article (id \"n3\") has no body: body is an array, expected text",
            ]
        );
        let articles: Vec<&Article> = records.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(articles.len(), 2);
        assert_eq!(articles[0].id, "a.jsonl:1");
        assert_eq!(articles[0].title, None);
        // A usable value under another key is taken without a warning.
        let records = lines("{\"title\": [1], \"headline\": \"H\", \"body\": \"b\"}\n");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].as_ref().unwrap().title.as_deref(), Some("H"));
    }

    #[test]
    fn the_legacy_encoding_is_decided_once_for_the_file() {
        // Line 1 alone would pass for Central European; line 2 shows the file is Western.
        let text = concat!(
            "{\"id\": \"f1\", \"body\": \"Le président a déclaré à Marseille.\"}\n",
            "{\"id\": \"e2\", \"body\": \"The deal was worth £600m (¥90bn); shares rose 2½%.\"}\n",
        );
        let bytes = encoding_rs::WINDOWS_1252.encode(text).0;
        let records: Vec<Record> =
            read_lines(&bytes[..], "a.jsonl".into(), "a.jsonl".into(), false).collect();
        assert_eq!(records.len(), 3, "{records:?}");
        let warning = records[0].as_ref().unwrap_err();
        assert_eq!(warning.line, Some(1));
        assert!(
            warning.message.contains("read as windows-1252"),
            "{warning}"
        );
        assert_eq!(
            records[1].as_ref().unwrap().body,
            "Le président a déclaré à Marseille."
        );
        assert_eq!(
            records[2].as_ref().unwrap().body,
            "The deal was worth £600m (¥90bn); shares rose 2½%."
        );
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_and_the_next_one_read() {
        let long = format!("{{\"body\": \"{}\"}}", "x".repeat(100));
        let input = format!("{long}\n{{\"body\": \"short\"}}\n");
        let json = JsonLines {
            lines: LineReader::new(input.as_bytes(), 50),
            ..JsonLines::new(&b""[..], "a.jsonl".into(), "a.jsonl".into(), false)
        };
        let records: Vec<Record> = json.collect();
        let problem = records[0].as_ref().unwrap_err();
        assert_eq!(
            problem.to_string(),
            "a.jsonl:1: the line is longer than 64 MiB, the longest lede reads; skipped"
        );
        assert_eq!(records[1].as_ref().unwrap().body, "short");
    }

    #[test]
    fn a_dateline_opens_the_body() {
        let records = lines(concat!(
            r#"{"body": "Talks resumed.", "dateline": "MOSCOW, March 3"}"#,
            "\n",
            r#"{"body": "MOSCOW, March 3 - Talks resumed.", "dateline": "MOSCOW, March 3"}"#,
            "\n"
        ));
        assert_eq!(
            records[0].as_ref().unwrap().body,
            "MOSCOW, March 3 - Talks resumed."
        );
        assert_eq!(
            records[1].as_ref().unwrap().body,
            "MOSCOW, March 3 - Talks resumed."
        );
    }

    #[test]
    fn an_unreadable_date_warns_and_keeps_the_article() {
        let records = lines("{\"body\": \"b\", \"date\": \"soon\"}\n");
        assert_eq!(records.len(), 2);
        let warning = records[0].as_ref().unwrap_err();
        assert_eq!(warning.severity, crate::error::Severity::Warning);
        assert!(records[1].is_ok());
    }

    #[test]
    fn a_json_document_can_be_an_array_an_object_or_json_lines() {
        let path = Path::new("a.json");
        let array = parse_document(r#"[{"body": "one"}, {"body": "two"}]"#, path, "a.json");
        assert_eq!(array.len(), 2);
        assert_eq!(array[1].as_ref().unwrap().id, "a.json#1");
        let single = parse_document(r#"{"id": "x", "body": "one"}"#, path, "a.json");
        assert_eq!(single[0].as_ref().unwrap().id, "x");
        let jsonl = parse_document("{\"body\": \"one\"}\n{\"body\": \"two\"}\n", path, "a.json");
        assert_eq!(jsonl.len(), 2);
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"body\": {}1{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let records = lines(&deep);
        assert!(records[0].is_err());
    }
}
