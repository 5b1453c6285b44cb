//! Query text and filters → a tantivy query.
//!
//! The text is read with tantivy's query grammar over `title` and `body` (English stemming,
//! AND between words, `"phrases"`, `-exclusions`, `OR`, `title:` fields). Filters become
//! facet term queries that every hit must match.

use std::collections::BTreeSet;

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::Term;

use super::request::QueryRequest;
use crate::document::facet_root;
use crate::error::{Error, Result};
use crate::gazetteer::{Countries, CountryCode};
use crate::index::LedeIndex;

/// Weight of a title match relative to a body match.
const TITLE_BOOST: f32 = 1.5;

/// The query to run and what to highlight.
pub struct ParsedQuery {
    /// Text query combined with the filters.
    pub query: Box<dyn Query>,
    /// Analysed (lower-cased, stemmed) terms of the text query, for highlighting.
    pub terms: BTreeSet<String>,
    /// Countries the hits are restricted to.
    pub countries: Vec<CountryCode>,
}

/// Builds the query for `request`.
pub fn parse(
    index: &LedeIndex,
    request: &QueryRequest,
    countries: &Countries,
) -> Result<ParsedQuery> {
    let fields = index.schema.fields;
    let text_query = text_query(index, &request.text)?;
    let mut terms = BTreeSet::new();
    text_query.query_terms(&mut |term, _| {
        if term.field() == fields.body || term.field() == fields.title {
            if let Some(text) = term.value().as_str() {
                terms.insert(text.to_string());
            }
        }
    });
    let codes = resolve_countries(&request.countries, countries)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
    if !codes.is_empty() {
        let any_country: Vec<(Occur, Box<dyn Query>)> = codes
            .iter()
            .map(|code| {
                let facet = Facet::from_path([facet_root::COUNTRY, code.as_str()]);
                let term = Term::from_facet(fields.entities, &facet);
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, query)
            })
            .collect();
        // A filter narrows the hits without changing their scores.
        let filter = ConstScoreQuery::new(Box::new(BooleanQuery::new(any_country)), 0.0);
        clauses.push((Occur::Must, Box::new(filter)));
    }
    let query: Box<dyn Query> = if clauses.len() == 1 {
        clauses.pop().expect("one clause").1
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(ParsedQuery {
        query,
        terms,
        countries: codes,
    })
}

fn text_query(index: &LedeIndex, text: &str) -> Result<Box<dyn Query>> {
    if text.trim().is_empty() || text.trim() == "*" {
        return Ok(Box::new(AllQuery));
    }
    check_balanced(text)?;
    let fields = index.schema.fields;
    let mut parser = QueryParser::for_index(&index.index, vec![fields.title, fields.body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(fields.title, TITLE_BOOST);
    parser.parse_query(text).map_err(|e| Error::Query {
        query: text.to_string(),
        message: e.to_string(),
    })
}

/// Refuses unbalanced quotes and parentheses with a message that points at them, rather than
/// letting the grammar guess a different query.
fn check_balanced(text: &str) -> Result<()> {
    let error = |message: String| Error::Query {
        query: text.to_string(),
        message,
    };
    let mut open_quote = None;
    let mut open_parens = Vec::new();
    for (position, c) in text.chars().enumerate() {
        match c {
            '"' => {
                open_quote = if open_quote.is_some() {
                    None
                } else {
                    Some(position)
                }
            }
            '(' if open_quote.is_none() => open_parens.push(position),
            ')' if open_quote.is_none() && open_parens.pop().is_none() => {
                return Err(error(format!(
                    "the ) at character {} closes no parenthesis",
                    position + 1
                )));
            }
            _ => {}
        }
    }
    if let Some(position) = open_quote {
        return Err(error(format!(
            "the quote at character {} is never closed; add a closing \" or remove it",
            position + 1
        )));
    }
    if let Some(position) = open_parens.pop() {
        return Err(error(format!(
            "the ( at character {} is never closed; add a ) or remove it",
            position + 1
        )));
    }
    Ok(())
}

/// Turns `--country` values into codes, refusing unknown ones with suggestions.
fn resolve_countries(values: &[String], countries: &Countries) -> Result<Vec<CountryCode>> {
    let mut codes = Vec::new();
    for value in values {
        let code = countries.resolve(value).ok_or_else(|| {
            let suggestions = countries.suggest(value);
            let hint = if suggestions.is_empty() {
                "use an ISO code (KP), an English name (North Korea) or an alias (DPRK)".to_string()
            } else {
                format!("did you mean {}?", suggestions.join(", "))
            };
            Error::Argument {
                argument: "--country".into(),
                value: value.clone(),
                message: format!("unknown country; {hint}"),
            }
        })?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbalanced_quotes_and_parentheses_are_pointed_at() {
        let err = check_balanced("weapons \"supply").unwrap_err().to_string();
        assert!(err.contains("character 9"), "{err}");
        let err = check_balanced("(a OR b").unwrap_err().to_string();
        assert!(err.contains("character 1"), "{err}");
        let err = check_balanced("a) b").unwrap_err().to_string();
        assert!(err.contains("character 2"), "{err}");
        assert!(check_balanced("\"a (b\" c").is_ok());
    }

    #[test]
    fn unknown_countries_are_refused_with_suggestions() {
        let countries = Countries::shipped().unwrap();
        let err = resolve_countries(&["Nort Korea".into()], countries)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--country") && err.contains("did you mean North Korea"),
            "{err}"
        );
        let codes =
            resolve_countries(&["kp".into(), "DPRK".into(), "russia".into()], countries).unwrap();
        assert_eq!(
            codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            ["KP", "RU"]
        );
    }
}
