//! JSON and JSON Lines articles.
//!
//! Field names follow the exports people have: `id` or `_id`; `title` or `headline`; `body`,
//! `text` or `content`; `date`, `author`, `url`. BEIR corpora (`_id`, `title`, `text`) read
//! as they are. A `dateline` field opens the body, as it does in the printed story.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::Record;
use crate::article::{Article, ArticleDate};
use crate::error::Problem;

const ID_KEYS: &[&str] = &["id", "_id"];
const TITLE_KEYS: &[&str] = &["title", "headline"];
const BODY_KEYS: &[&str] = &["body", "text", "content"];
const AUTHOR_KEYS: &[&str] = &["author", "authors", "byline"];

/// Reads JSON Lines one line at a time; each bad line is a problem naming its number.
pub(super) fn read_lines<R: BufRead>(
    reader: R,
    path: PathBuf,
    source: String,
) -> impl Iterator<Item = Record> {
    let mut failed = false;
    // One legacy encoding for the whole file, decided at its first line that is not UTF-8.
    let mut legacy: Option<&'static encoding_rs::Encoding> = None;
    reader
        .split(b'\n')
        .enumerate()
        .map_while(move |(index, line)| {
            if failed {
                return None;
            }
            let number = index + 1;
            let records = match line {
                Ok(bytes) => match std::str::from_utf8(&bytes) {
                    Ok(_) => parse_line(&bytes, &path, &source, number),
                    Err(e) => {
                        let decided_now = legacy.is_none();
                        let encoding = *legacy.get_or_insert_with(|| {
                            let start = super::encoding::sample_start(&bytes, e.valid_up_to());
                            super::encoding::detect(&bytes[start..], true)
                        });
                        let (text, _) = encoding.decode_without_bom_handling(&bytes);
                        let mut records = parse_line(text.as_bytes(), &path, &source, number);
                        if decided_now {
                            let message = format!(
                                "not UTF-8: read as {} (and so are the file's other such lines)",
                                encoding.name()
                            );
                            records.insert(0, Err(Problem::warning(&path, Some(number), message)));
                        }
                        records
                    }
                },
                Err(e) => {
                    // The rest of the file cannot be read either.
                    failed = true;
                    vec![Err(Problem::error(
                        &path,
                        Some(number),
                        format!("read failed: {e}"),
                    ))]
                }
            };
            Some(records)
        })
        .flatten()
}

fn parse_line(bytes: &[u8], path: &Path, source: &str, number: usize) -> Vec<Record> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let bytes = if number == 1 {
        bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
    } else {
        bytes
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Vec::new();
    }
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
        Err(e) if e.is_data() || trimmed.lines().nth(1).is_some() => {
            read_lines(content.as_bytes(), path.to_path_buf(), source.to_string()).collect()
        }
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
    let mut warnings = Vec::new();
    let body = first_text(&object, BODY_KEYS).ok_or_else(|| {
        let id = first_text(&object, ID_KEYS)
            .map(|id| format!(" (id {id:?})"))
            .unwrap_or_default();
        format!("article{id} has no body: expected a text field named body, text or content")
    })?;
    let date = first_text(&object, &["date"]).and_then(|text| {
        let date = ArticleDate::parse(&text);
        if date.is_none() {
            warnings.push(format!(
                "date {text:?} is not a date; indexed without a date"
            ));
        }
        date
    });
    // Wire exports keep the dateline apart ("LOS ANGELES, Feb 26"); in the story it opens
    // the first paragraph, and it names where the story happened.
    let body = match first_text(&object, &["dateline"]) {
        Some(dateline) if !body.trim_start().starts_with(dateline.trim()) => {
            format!("{} - {}", dateline.trim(), body.trim_start())
        }
        _ => body,
    };
    let article = Article {
        id: super::article_id(first_text(&object, ID_KEYS), source, Some(locator)),
        title: first_text(&object, TITLE_KEYS),
        author: AUTHOR_KEYS
            .iter()
            .find_map(|k| object.get(*k).and_then(author_text)),
        date,
        url: first_text(&object, &["url", "link"]),
        source: source.to_string(),
        body,
    };
    Ok((article, warnings))
}

/// The first of `keys` holding a non-empty string or a number.
fn first_text(object: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match object.get(*key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
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
        read_lines(content.as_bytes(), "a.jsonl".into(), "a.jsonl".into()).collect()
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
    fn the_legacy_encoding_is_decided_once_for_the_file() {
        // Line 1 alone would pass for Central European; line 2 shows the file is Western.
        let text = concat!(
            "{\"id\": \"f1\", \"body\": \"Le président a déclaré à Marseille.\"}\n",
            "{\"id\": \"e2\", \"body\": \"The deal was worth £600m (¥90bn); shares rose 2½%.\"}\n",
        );
        let bytes = encoding_rs::WINDOWS_1252.encode(text).0;
        let records: Vec<Record> =
            read_lines(&bytes[..], "a.jsonl".into(), "a.jsonl".into()).collect();
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
