//! Query tree and filters → tantivy queries.
//!
//! Every word is analysed with the index's own analyzer (lower-casing, English stemming), so
//! a query means what the index holds: a word that analysis splits ("tnf-alpha", "U.S.",
//! "1/2000") becomes a phrase of its parts, never a silent OR. Repeated words weigh more.
//! Function words are left out of the bag of words (not out of phrases). Passages where
//! neighbouring query words stand close get a proximity boost. Filters are separate
//! zero-scoring clauses, kept apart by kind so facets can be counted disjunctively.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Bound;
use std::sync::OnceLock;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Term};

use super::request::{FacetKind, QueryRequest};
use super::syntax::{self, FieldName, Node};
use crate::error::{Error, Result};
use crate::gazetteer::{Countries, CountryCode};
use crate::index::LedeIndex;
use crate::schema::Fields;

/// Weight of a title match relative to a body match. On the CACM development collection
/// (scripts/eval_ranking.py) 0.5 to 1.0 rank alike (MAP 0.36-0.37); equal weight is the
/// choice that assumes least.
pub const TITLE_WEIGHT: f32 = 1.0;
/// Weight of the proximity clauses relative to a single word (CACM: 0.3 beats 0 and 0.6 on
/// nDCG@10 at either title weight).
pub const PROXIMITY_WEIGHT: f32 = 0.3;
/// How far apart (in words) two neighbouring query words may stand and still earn the
/// proximity boost.
pub const PROXIMITY_SLOP: u32 = 4;

const STOPWORDS_TXT: &str = include_str!("../../schema/stopwords.txt");

fn stopwords() -> &'static HashSet<&'static str> {
    static STOPWORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    STOPWORDS.get_or_init(|| {
        STOPWORDS_TXT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// What to highlight: analysed words, word prefixes and phrases.
#[derive(Debug, Clone, Default)]
pub struct HighlightSpec {
    /// Analysed words matched anywhere.
    pub terms: BTreeSet<String>,
    /// Prefixes of analysed words ("comput").
    pub prefixes: BTreeSet<String>,
    /// Phrases as analysed words, with their slop: only their words, standing together,
    /// are highlighted.
    pub phrases: Vec<(Vec<String>, u32)>,
}

/// What a filter restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// A facet (country, person, org).
    Facet(FacetKind),
    /// Article ids.
    Article,
    /// The article date.
    Date,
}

/// The filters of a request, one query per kind, so that a facet can be counted without its
/// own filter.
#[derive(Default)]
pub struct Filters {
    /// Filters with what they restrict.
    pub parts: Vec<(FilterKind, Box<dyn Query>)>,
    /// Resolved country codes.
    pub countries: Vec<CountryCode>,
}

/// A request made into queries.
pub struct ParsedQuery {
    /// The text query alone (scored).
    pub text: Box<dyn Query>,
    /// Filters (not scored).
    pub filters: Filters,
    /// What to highlight.
    pub highlight: HighlightSpec,
    /// Notices about lenient readings and fallbacks, one line each.
    pub notices: Vec<String>,
    /// Whether the text query has words that OR semantics could relax.
    pub relaxable: bool,
}

impl ParsedQuery {
    /// The text query with every filter.
    pub fn query(&self) -> Box<dyn Query> {
        self.query_without(None)
    }

    /// The text query with every filter but those of `kind` (for disjunctive facets and
    /// for counting undated articles).
    pub fn query_without(&self, kind: Option<FilterKind>) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.text.box_clone())];
        for (filter_kind, filter) in &self.filters.parts {
            if Some(*filter_kind) == kind {
                continue;
            }
            let filter = ConstScoreQuery::new(filter.box_clone(), 0.0);
            clauses.push((Occur::Must, Box::new(filter)));
        }
        if clauses.len() == 1 {
            clauses.pop().expect("one clause").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    /// Whether any filter of `kind` applies.
    pub fn filters(&self, kind: FilterKind) -> bool {
        self.filters.parts.iter().any(|(k, _)| *k == kind)
    }
}

/// Builds the queries of `request`. `any` asks for OR semantics between words.
pub fn parse(
    index: &LedeIndex,
    request: &QueryRequest,
    countries: &Countries,
    facet_values: &dyn Fn(FacetKind) -> Result<Vec<String>>,
    any: bool,
) -> Result<ParsedQuery> {
    let fields = index.schema.fields;
    let analyzer = index.index.tokenizer_for_field(fields.body)?;
    let parsed = syntax::parse(&request.text);
    let mut builder = Builder {
        fields,
        analyzer,
        any,
        highlight: HighlightSpec::default(),
        drop_stopwords: false,
    };
    let (text, relaxable) = match &parsed.root {
        None => (Box::new(AllQuery) as Box<dyn Query>, false),
        Some(root) => {
            builder.drop_stopwords = has_content_word(root);
            let query = builder.node(root).unwrap_or_else(|| Box::new(EmptyQuery));
            (query, count_words(root) > 1)
        }
    };
    let filters = build_filters(&fields, request, countries, facet_values)?;
    Ok(ParsedQuery {
        text,
        filters,
        highlight: builder.highlight,
        notices: parsed.notices,
        relaxable,
    })
}

/// True when the query has a word that is not a function word: only then are function
/// words dropped ("to be or not to be" keeps them).
fn has_content_word(node: &Node) -> bool {
    match node {
        Node::Word { text, .. } => !is_stopword(text),
        Node::Prefix { .. } | Node::Phrase { .. } => true,
        Node::And(parts) | Node::Or(parts) => parts.iter().any(has_content_word),
        Node::Not(_) => false,
    }
}

fn count_words(node: &Node) -> usize {
    match node {
        Node::And(parts) => parts.iter().map(count_words).sum(),
        Node::Not(_) => 0,
        _ => 1,
    }
}

fn is_stopword(word: &str) -> bool {
    let word = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    stopwords().contains(word.as_str())
}

struct Builder {
    fields: Fields,
    analyzer: TextAnalyzer,
    any: bool,
    highlight: HighlightSpec,
    drop_stopwords: bool,
}

impl Builder {
    fn analyse(&mut self, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        tokens
    }

    fn target_fields(&self, field: Option<FieldName>) -> Vec<(Field, f32)> {
        match field {
            None => vec![(self.fields.body, 1.0), (self.fields.title, TITLE_WEIGHT)],
            Some(FieldName::Body) => vec![(self.fields.body, 1.0)],
            Some(FieldName::Title) => vec![(self.fields.title, 1.0)],
        }
    }

    /// The query of one node; `None` when nothing of it survives analysis ("--", "the").
    fn node(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        match node {
            Node::Word { field, text } => {
                if self.drop_stopwords && is_stopword(text) {
                    return None;
                }
                let tokens = self.analyse(text);
                self.tokens_query(*field, tokens, 0)
            }
            Node::Phrase { field, text, slop } => {
                let tokens = self.analyse(text);
                self.tokens_query(*field, tokens, *slop)
            }
            Node::Prefix { field, text } => self.prefix_query(*field, text),
            Node::Or(parts) => {
                let clauses: Vec<(Occur, Box<dyn Query>)> = parts
                    .iter()
                    .filter_map(|p| self.node(p))
                    .map(|q| (Occur::Should, q))
                    .collect();
                (!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
            Node::Not(inner) => self.node(inner),
            Node::And(parts) => self.and(parts),
        }
    }

    /// A conjunction (or, with --any, a disjunction) of parts, with repeated words
    /// weighing more, exclusions, and the proximity boost.
    fn and(&mut self, parts: &[Node]) -> Option<Box<dyn Query>> {
        let occur = if self.any { Occur::Should } else { Occur::Must };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut repeats: BTreeMap<String, (usize, usize)> = BTreeMap::new(); // key → (clause, count)
        let mut neighbours: Vec<Vec<String>> = Vec::new();
        let mut positives = 0;
        for part in parts {
            if let Node::Not(inner) = part {
                if let Some(q) = self.node(inner) {
                    clauses.push((Occur::MustNot, q));
                }
                continue;
            }
            let key = match part {
                Node::Word { field: None, text } if !(self.drop_stopwords && is_stopword(text)) => {
                    let tokens = self.analyse(text);
                    if tokens.len() == 1 {
                        neighbours.push(tokens.clone());
                    }
                    Some(format!("{tokens:?}"))
                }
                _ => None,
            };
            if let Some((index, count)) = key.as_ref().and_then(|k| repeats.get_mut(k)) {
                *count += 1;
                let _ = index;
                continue;
            }
            if let Some(q) = self.node(part) {
                if let Some(k) = key {
                    repeats.insert(k, (clauses.len(), 1));
                }
                clauses.push((occur, q));
                positives += 1;
            }
        }
        for (index, count) in repeats.values() {
            if *count > 1 {
                let (occur, query) = clauses.remove(*index);
                clauses.insert(
                    *index,
                    (occur, Box::new(BoostQuery::new(query, *count as f32))),
                );
            }
        }
        for pair in neighbours.windows(2) {
            let terms = vec![
                Term::from_field_text(self.fields.body, &pair[0][0]),
                Term::from_field_text(self.fields.body, &pair[1][0]),
            ];
            if terms[0] != terms[1] {
                let mut phrase = PhraseQuery::new(terms);
                phrase.set_slop(PROXIMITY_SLOP);
                let boosted = BoostQuery::new(Box::new(phrase), PROXIMITY_WEIGHT);
                clauses.push((Occur::Should, Box::new(boosted)));
            }
        }
        if positives == 0 {
            if clauses.iter().all(|(o, _)| *o != Occur::MustNot) {
                return None;
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Analysed tokens as a term (one token) or a phrase (several), over the target fields.
    fn tokens_query(
        &mut self,
        field: Option<FieldName>,
        tokens: Vec<String>,
        slop: u32,
    ) -> Option<Box<dyn Query>> {
        if tokens.is_empty() {
            return None;
        }
        if tokens.len() == 1 {
            self.highlight.terms.insert(tokens[0].clone());
        } else {
            self.highlight.phrases.push((tokens.clone(), slop));
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = self
            .target_fields(field)
            .into_iter()
            .map(|(field, weight)| {
                let query: Box<dyn Query> = if tokens.len() == 1 {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &tokens[0]),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    let terms = tokens
                        .iter()
                        .map(|t| Term::from_field_text(field, t))
                        .collect();
                    let mut phrase = PhraseQuery::new(terms);
                    phrase.set_slop(slop);
                    Box::new(phrase)
                };
                let weighted: Box<dyn Query> = if weight == 1.0 {
                    query
                } else {
                    Box::new(BoostQuery::new(query, weight))
                };
                (Occur::Should, weighted)
            })
            .collect();
        Some(if clauses.len() == 1 {
            clauses.into_iter().next().expect("one").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        })
    }

    /// Words starting with a prefix. The prefix is lower-cased, not stemmed: "comput*"
    /// finds "computer" and "computation" (indexed as stems that start with it).
    fn prefix_query(&mut self, field: Option<FieldName>, prefix: &str) -> Option<Box<dyn Query>> {
        let prefix: String = prefix
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        if prefix.is_empty() {
            return None;
        }
        self.highlight.prefixes.insert(prefix.clone());
        let pattern = format!("{}.*", regex_escape(&prefix));
        let clauses: Vec<(Occur, Box<dyn Query>)> = self
            .target_fields(field)
            .into_iter()
            .filter_map(|(field, _)| RegexQuery::from_pattern(&pattern, field).ok())
            .map(|q| (Occur::Should, Box::new(q) as Box<dyn Query>))
            .collect();
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn build_filters(
    fields: &Fields,
    request: &QueryRequest,
    countries: &Countries,
    facet_values: &dyn Fn(FacetKind) -> Result<Vec<String>>,
) -> Result<Filters> {
    let mut filters = Filters::default();
    let codes = resolve_countries(&request.countries, countries)?;
    if !codes.is_empty() {
        let values: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        filters.parts.push((
            FilterKind::Facet(FacetKind::Country),
            facet_any(fields, FacetKind::Country, &values),
        ));
    }
    filters.countries = codes;
    for (kind, wanted, flag) in [
        (FacetKind::Person, &request.persons, "--person"),
        (FacetKind::Org, &request.orgs, "--org"),
    ] {
        if wanted.is_empty() {
            continue;
        }
        let known = facet_values(kind)?;
        let mut values = Vec::new();
        for typed in wanted {
            let matches = match_names(typed, &known);
            if matches.is_empty() {
                return Err(Error::Argument {
                    argument: flag.into(),
                    value: typed.clone(),
                    message: format!(
                        "no {} of that name in the index{}",
                        kind.name(),
                        suggestion(kind, typed, &known)
                    ),
                });
            }
            values.extend(matches);
        }
        filters
            .parts
            .push((FilterKind::Facet(kind), facet_any(fields, kind, &values)));
    }
    if !request.articles.is_empty() {
        let clauses = request
            .articles
            .iter()
            .map(|id| {
                let term = Term::from_field_text(fields.article_id, id);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        filters
            .parts
            .push((FilterKind::Article, Box::new(BooleanQuery::new(clauses))));
    }
    if request.since.is_some() || request.until.is_some() {
        let bound = |date: Option<crate::article::ArticleDate>, inclusive: bool| match date {
            None => Bound::Unbounded,
            Some(d) => {
                let term = Term::from_field_date(
                    fields.date,
                    DateTime::from_timestamp_secs(d.timestamp()),
                );
                if inclusive {
                    Bound::Included(term)
                } else {
                    Bound::Excluded(term)
                }
            }
        };
        // --until is a day: everything before the next midnight.
        let until = request
            .until
            .map(|d| crate::article::ArticleDate::from_timestamp(d.timestamp() + 86_400));
        let range = RangeQuery::new(bound(request.since, true), bound(until, false));
        filters.parts.push((FilterKind::Date, Box::new(range)));
    }
    Ok(filters)
}

/// A facet filter accepting any of `values`.
fn facet_any(fields: &Fields, kind: FacetKind, values: &[String]) -> Box<dyn Query> {
    let clauses = values
        .iter()
        .map(|value| {
            let facet = Facet::from_path([kind.root(), value.as_str()]);
            let term = Term::from_facet(fields.entities, &facet);
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Index values a typed person or organisation name stands for: the same name in any case,
/// else every value containing all its words ("putin" → "Vladimir Putin").
fn match_names(typed: &str, known: &[String]) -> Vec<String> {
    let typed_lower = typed.trim().to_lowercase();
    let exact: Vec<String> = known
        .iter()
        .filter(|k| k.to_lowercase() == typed_lower)
        .cloned()
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let words: Vec<&str> = typed_lower.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let by_words: Vec<String> = known
        .iter()
        .filter(|k| {
            let lower = k.to_lowercase();
            let value_words: Vec<&str> = lower.split_whitespace().collect();
            words.iter().all(|w| value_words.contains(w))
        })
        .cloned()
        .collect();
    if !by_words.is_empty() || words.len() > 1 || typed_lower.len() < 2 {
        return by_words;
    }
    // An acronym of the value's capitalised words: "nato" → "North Atlantic Treaty
    // Organization".
    known
        .iter()
        .filter(|k| initials(k).eq_ignore_ascii_case(&typed_lower))
        .cloned()
        .collect()
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
        .collect()
}

/// "; did you mean "Vladimir Putin"?" for a name not in the index, and where to see them all.
fn suggestion(kind: FacetKind, typed: &str, known: &[String]) -> String {
    let keys: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
    let candidates = keys
        .iter()
        .zip(known)
        .map(|(k, n)| (k.as_str(), n.as_str()));
    let names: Vec<String> = crate::suggest::nearest(typed, candidates, 3)
        .into_iter()
        .map(|name| format!("{name:?}"))
        .collect();
    let list = format!("`lede facets {}` lists the most frequent", kind.name());
    if names.is_empty() {
        format!("; {list}")
    } else {
        format!("; did you mean {}? ({list})", names.join(", "))
    }
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

    #[test]
    fn typed_names_match_index_values() {
        let known = vec![
            "Vladimir Putin".to_string(),
            "Kim Jong Un".to_string(),
            "Kim Yo Jong".to_string(),
        ];
        assert_eq!(match_names("putin", &known), ["Vladimir Putin"]);
        assert_eq!(match_names("KIM JONG UN", &known), ["Kim Jong Un"]);
        assert_eq!(match_names("kim", &known).len(), 2);
        assert!(match_names("obama", &known).is_empty());
        let orgs = vec!["North Atlantic Treaty Organization".to_string()];
        assert_eq!(match_names("nato", &orgs), orgs);
    }

    #[test]
    fn function_words_are_recognised() {
        assert!(is_stopword("The"));
        assert!(is_stopword("which,"));
        assert!(!is_stopword("weapons"));
        assert!(!is_stopword("not"));
    }

    #[test]
    fn regex_meta_characters_are_escaped() {
        assert_eq!(regex_escape("a.b*"), "a\\.b\\*");
    }
}
