//! CSV output (RFC 4180): one row per passage, for spreadsheets and data tools.
//!
//! The `csv` crate quotes what needs quoting (commas, quotes, line breaks). Characters that
//! could disturb a terminal showing the file (controls other than line breaks and tabs,
//! bidirectional overrides, zero-width characters) are replaced as in text output.

use std::io::{self, Write};

use crate::query::response::Hit;

/// The columns, in order.
pub const COLUMNS: [&str; 8] = [
    "article_id",
    "title",
    "date",
    "paragraph",
    "text",
    "countries",
    "persons",
    "orgs",
];

/// What several values in one cell are joined with.
const VALUE_SEPARATOR: &str = "; ";

/// Writes passages as CSV rows under a header line.
pub struct CsvRows<W: Write> {
    out: W,
}

impl<W: Write> CsvRows<W> {
    /// Starts the output with the header line.
    pub fn new(mut out: W) -> io::Result<CsvRows<W>> {
        out.write_all(&header())?;
        Ok(CsvRows { out })
    }

    /// Writes one passage.
    pub fn row(&mut self, hit: &Hit) -> io::Result<()> {
        self.out.write_all(&row(hit)?)
    }

    /// Flushes what was written.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The header line.
pub fn header() -> Vec<u8> {
    record(COLUMNS.iter().map(|c| c.to_string())).unwrap_or_default()
}

/// One passage as a CSV line.
pub fn row(hit: &Hit) -> io::Result<Vec<u8>> {
    let countries: Vec<&str> = hit.countries.iter().map(|c| c.as_str()).collect();
    record([
        safe(&hit.article_id),
        safe(hit.title.as_deref().unwrap_or("")),
        hit.date.map(|d| d.to_string()).unwrap_or_default(),
        hit.paragraph.to_string(),
        safe(&hit.text),
        countries.join(VALUE_SEPARATOR),
        safe(&hit.persons.join(VALUE_SEPARATOR)),
        safe(&hit.orgs.join(VALUE_SEPARATOR)),
    ])
}

/// One CSV line of `fields`, quoted where they need it, ended by CRLF.
fn record(fields: impl IntoIterator<Item = String>) -> io::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(fields.into_iter().collect::<Vec<_>>())
        .map_err(io::Error::other)?;
    writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))
}

/// `text` with the characters that could disturb a terminal replaced.
fn safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => c,
            c if c.is_control() || super::is_invisible(c) => '\u{FFFD}',
            c if super::is_line_separator(c) => '\n',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_quote_what_needs_quoting_and_end_in_crlf() {
        let hit = Hit {
            article_id: "a,1".into(),
            title: Some("Say \"no\"".into()),
            paragraph: 2,
            text: "Line one\nline two\u{202e}".into(),
            persons: vec!["Ann Lee".into(), "Bo".into()],
            ..Hit::default()
        };
        let mut out = Vec::new();
        let mut rows = CsvRows::new(&mut out).unwrap();
        rows.row(&hit).unwrap();
        rows.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "article_id,title,date,paragraph,text,countries,persons,orgs\r\n\
             \"a,1\",\"Say \"\"no\"\"\",,2,\"Line one\nline two\u{FFFD}\",,Ann Lee; Bo,\r\n"
        );
    }
}
