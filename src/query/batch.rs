//! Query files for batch runs: one query a line, either a JSON object (BEIR style: `_id` or
//! `id`, `text` or `query`) or plain query text (its id is the line number). A file may mix
//! both: a line that starts with `{` is read as JSON wherever it stands.

use std::path::Path;

use crate::error::{Error, Result};

/// A query of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchQuery {
    /// Its id: given, or the 1-based line number.
    pub id: String,
    /// The query text.
    pub text: String,
}

/// Reads a query file. A bad JSON line is an error naming the line: a batch with a missing
/// query would shift every result after it.
pub fn read(path: &Path) -> Result<Vec<BatchQuery>> {
    let content = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(&content).map_err(|(line, message)| Error::Argument {
        argument: "--batch".into(),
        value: format!("{}:{line}", path.display()),
        message,
    })
}

/// Parses query-file content; an error gives the 1-based line and the reason.
pub fn parse(content: &str) -> std::result::Result<Vec<BatchQuery>, (usize, String)> {
    let mut queries = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let number = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with('{') {
            queries.push(BatchQuery {
                id: number.to_string(),
                text: line.to_string(),
            });
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| (number, format!("invalid JSON: {e}")))?;
        let text_of = |keys: &[&str]| {
            keys.iter().find_map(|k| match value.get(*k)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        let text = text_of(&["text", "query"])
            .ok_or_else(|| (number, "no \"text\" or \"query\" field".to_string()))?;
        queries.push(BatchQuery {
            id: text_of(&["_id", "id"]).unwrap_or_else(|| number.to_string()),
            text,
        });
    }
    Ok(queries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beir_json_lines_and_plain_text() {
        let q =
            parse("{\"_id\": \"1\", \"text\": \"a b\"}\n{\"id\": 7, \"query\": \"c\"}\n").unwrap();
        assert_eq!(
            q[0],
            BatchQuery {
                id: "1".into(),
                text: "a b".into()
            }
        );
        assert_eq!(
            q[1],
            BatchQuery {
                id: "7".into(),
                text: "c".into()
            }
        );
        let q = parse("first query\n\nthird line\n").unwrap();
        assert_eq!(
            q[1],
            BatchQuery {
                id: "3".into(),
                text: "third line".into()
            }
        );
    }

    #[test]
    fn json_lines_are_read_as_json_wherever_they_stand() {
        let q = parse("plain words\n{\"_id\": \"q2\", \"text\": \"from json\"}\n").unwrap();
        assert_eq!(
            q,
            [
                BatchQuery {
                    id: "1".into(),
                    text: "plain words".into()
                },
                BatchQuery {
                    id: "q2".into(),
                    text: "from json".into()
                }
            ]
        );
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            parse("{\"_id\": \"1\", \"text\": \"a\"}\n{oops\n")
                .unwrap_err()
                .0,
            2
        );
        assert_eq!(parse("{\"_id\": \"1\"}\n").unwrap_err().0, 1);
    }
}
