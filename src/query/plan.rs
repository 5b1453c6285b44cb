//! Query tree and filters → an analysed plan that any index implementation can run.
//!
//! Every word is analysed with the index's own analyzer (lower-casing, English stemming), so
//! a query means what the index holds: a word that analysis splits ("tnf-alpha", "U.S.",
//! "1/2000") becomes a phrase of its parts, never a silent OR. Repeated words weigh more.
//! Function words are left out of the bag of words (not out of phrases). Passages where
//! neighbouring query words stand close get a proximity boost. Filters are resolved to the
//! values the index stores (country names to codes, "putin" to "Vladimir Putin") and kept
//! apart by kind, so that a facet can be counted without its own filter.
//!
//! The plan is data: [`crate::backend`] implementations translate it into their own query
//! objects without deciding anything about its meaning.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::tokenizer::TextAnalyzer;

use super::request::{FacetKind, QueryRequest};
use super::syntax::{self, FieldName, Node};
use crate::error::{Error, Result};
use crate::gazetteer::{Countries, CountryCode};

/// How far apart (in words) two neighbouring query words may stand and still earn the
/// proximity boost.
pub const PROXIMITY_SLOP: u32 = 4;
/// Weight of the proximity clauses relative to a single word (CACM: 0.3 beats 0 and 0.6 on
/// nDCG@10 at either title weight).
pub const PROXIMITY_WEIGHT: f32 = 0.3;

/// English function words, sorted: `schema/stopwords.txt`, tabled by the build script so
/// that a query does not parse the list (a third of a cold query's planning).
const STOPWORDS: &[&str] = include!(concat!(env!("OUT_DIR"), "/stopwords.rs"));

/// How a clause of a [`Plan::Bool`] takes part, as in Lucene and tantivy: a passage must
/// match every `Must` clause and no `MustNot` clause; `Should` clauses add to the score,
/// and when a boolean has no `Must` clause at least one `Should` clause must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Required.
    Must,
    /// Optional (required as a group when there is no `Must`).
    Should,
    /// Excluded.
    MustNot,
}

/// An analysed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Every passage (an empty query).
    All,
    /// No passage (a query of which nothing survives analysis).
    Nothing,
    /// One analysed word, in a field or (no field) in the title and the paragraph.
    Term {
        /// Restricting field, if any.
        field: Option<FieldName>,
        /// The analysed word.
        token: String,
    },
    /// Analysed words in order, at most `slop` positions apart.
    Phrase {
        /// Restricting field, if any.
        field: Option<FieldName>,
        /// The analysed words.
        tokens: Vec<String>,
        /// Allowed distance.
        slop: u32,
    },
    /// Words starting with a prefix (lower-cased, not stemmed).
    Prefix {
        /// Restricting field, if any.
        field: Option<FieldName>,
        /// The prefix.
        prefix: String,
    },
    /// A boolean combination (see [`Occur`]).
    Bool(Vec<(Occur, Plan)>),
    /// A part whose score counts `weight` times.
    Boost(Box<Plan>, f32),
}

/// What to highlight in one field: analysed words, word prefixes and phrases.
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

/// What to highlight in each field. A word restricted to one field (`title:summit`) is
/// marked only there: a mark says where the passage matched, so the same word elsewhere
/// is left unmarked. Words under an exclusion are marked nowhere.
#[derive(Debug, Clone, Default)]
pub struct FieldHighlights {
    /// What to mark in the article title.
    pub title: HighlightSpec,
    /// What to mark in the paragraph.
    pub body: HighlightSpec,
}

impl FieldHighlights {
    /// Adds to the spec of `field`, or of both fields when the word has none.
    fn add(&mut self, field: Option<FieldName>, add: impl Fn(&mut HighlightSpec)) {
        if field != Some(FieldName::Body) {
            add(&mut self.title);
        }
        if field != Some(FieldName::Title) {
            add(&mut self.body);
        }
    }
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

/// One filter of a request, with the values the index stores. Several values of one filter
/// are any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Passages with any of these values of a facet.
    Facet {
        /// The facet.
        kind: FacetKind,
        /// Stored values (`KP`, `Vladimir Putin`).
        values: Vec<String>,
    },
    /// Passages of any of these articles.
    Articles(Vec<String>),
    /// Passages of articles dated in `[from, to)` (seconds since the epoch; open ends).
    Dates {
        /// First second kept.
        from: Option<i64>,
        /// First second no longer kept.
        to: Option<i64>,
    },
    /// Passages of undated articles only (to count what a date filter leaves out).
    Undated,
    /// Passages of articles other than these (articles already listed).
    ExceptArticles(Vec<String>),
}

impl Filter {
    /// The kind of restriction, for leaving a filter out of a count.
    pub fn kind(&self) -> FilterKind {
        match self {
            Filter::Facet { kind, .. } => FilterKind::Facet(*kind),
            Filter::Articles(_) | Filter::ExceptArticles(_) => FilterKind::Article,
            Filter::Dates { .. } | Filter::Undated => FilterKind::Date,
        }
    }
}

/// A request made into a plan and filters.
#[derive(Debug, Clone)]
pub struct PlannedQuery {
    /// The text query alone (scored).
    pub plan: Plan,
    /// Filters (not scored).
    pub filters: Vec<Filter>,
    /// What to highlight, per field.
    pub highlight: FieldHighlights,
    /// Notices about lenient readings and fallbacks, one line each.
    pub notices: Vec<String>,
    /// Whether the text query has words that OR semantics could relax.
    pub relaxable: bool,
    /// The person and organisation filters as typed, with the values each stands for.
    pub names: Vec<NameMatch>,
    /// Whether words were joined with OR (`--any`, or relaxed because no passage has them
    /// all).
    pub any: bool,
}

/// A person or organisation filter as typed and the index values it stands for:
/// `--person blair` takes Tony Blair, Cherie Blair and Blair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    /// The facet filtered.
    pub kind: FacetKind,
    /// The name as typed.
    pub typed: String,
    /// Index values taken, sorted.
    pub values: Vec<String>,
}

impl NameMatch {
    /// Whether the filter took exactly the value typed (in any case), which needs no
    /// notice.
    pub fn is_exact(&self) -> bool {
        let typed = exact_name(&self.typed).unwrap_or(&self.typed);
        matches!(&self.values[..], [value] if value.to_lowercase() == typed.trim().to_lowercase())
    }
}

/// What starts a person or organisation filter that takes one stored value as it is
/// spelled (`--person "=Sun Co"`), where a name without it takes every value that has its
/// words ("Sun Co" also takes "Rico Sun Oil Co"). A facet clicked in a list names one value
/// and must select that value only. The extractor stores names that start with a letter,
/// so no stored name starts with `=`; in a URL, `person==Sun Co` reads as it is typed.
pub const EXACT_MARK: char = '=';

/// The name an exact filter asks for (`"=Sun Co"` → `Some("Sun Co")`), or `None` when the
/// filter takes every value with the words typed.
pub fn exact_name(typed: &str) -> Option<&str> {
    typed.trim_start().strip_prefix(EXACT_MARK).map(str::trim)
}

impl PlannedQuery {
    /// Whether any filter of `kind` applies.
    pub fn filters(&self, kind: FilterKind) -> bool {
        self.filters.iter().any(|filter| filter.kind() == kind)
    }
}

/// Where plans find what they need beyond the request: the analyzer of the text fields,
/// and the person and organisation values of the index. (Country names come from the
/// shipped list, read only when a request names countries.)
pub struct Context<'a> {
    /// The analyzer the index used for `title` and `body`.
    pub analyzer: &'a TextAnalyzer,
    /// Every value of a facet kind in the index.
    pub facet_values: &'a dyn Fn(FacetKind) -> Result<Vec<String>>,
}

/// Plans `request`. `any` asks for OR semantics between words.
pub fn plan(request: &QueryRequest, context: &Context<'_>, any: bool) -> Result<PlannedQuery> {
    let parsed = syntax::parse(&request.text).map_err(|refused| Error::Query {
        query: request.text.clone(),
        message: refused.0,
    })?;
    let mut builder = Builder {
        analyzer: context.analyzer.clone(),
        any,
        highlight: FieldHighlights::default(),
        drop_stopwords: false,
        refused: None,
    };
    let (plan, relaxable) = match &parsed.root {
        None => (Plan::All, false),
        Some(root) => {
            builder.drop_stopwords = has_content_word(root);
            let plan = builder.node(root).unwrap_or(Plan::Nothing);
            (plan, count_words(root) > 1)
        }
    };
    if let Some(message) = builder.refused {
        return Err(Error::Query {
            query: request.text.clone(),
            message,
        });
    }
    let (filters, names) = filters(request, context)?;
    Ok(PlannedQuery {
        plan,
        filters,
        highlight: builder.highlight,
        notices: parsed.notices,
        relaxable,
        names,
        any,
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
    STOPWORDS.binary_search(&word.as_str()).is_ok()
}

struct Builder {
    analyzer: TextAnalyzer,
    any: bool,
    highlight: FieldHighlights,
    drop_stopwords: bool,
    /// Why the query is refused, once a part of it is past a limit.
    refused: Option<String>,
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

    /// The plan of one node; `None` when nothing of it survives analysis ("--", "the").
    fn node(&mut self, node: &Node) -> Option<Plan> {
        match node {
            Node::Word { field, text } => {
                if self.drop_stopwords && is_stopword(text) {
                    return None;
                }
                let tokens = self.analyse(text);
                if is_compound(&tokens) {
                    return self.compound(*field, tokens);
                }
                self.tokens(*field, tokens, 0)
            }
            Node::Phrase { field, text, slop } => {
                let tokens = self.analyse(text);
                self.tokens(*field, tokens, *slop)
            }
            Node::Prefix { field, text } => self.prefix(*field, text),
            Node::Or(parts) => {
                let clauses: Vec<(Occur, Plan)> = parts
                    .iter()
                    .filter_map(|p| self.node(p))
                    .map(|q| (Occur::Should, q))
                    .collect();
                (!clauses.is_empty()).then_some(Plan::Bool(clauses))
            }
            Node::Not(inner) => self.excluded(inner).map(complement),
            Node::And(parts) => self.and(parts),
        }
    }

    /// The plan of an excluded node. Its words add nothing to the highlights: a passage
    /// can hold an excluded word only where the exclusion stands beside `OR` ("supply OR
    /// -nuclear"), and there the word is not why the passage matched.
    fn excluded(&mut self, node: &Node) -> Option<Plan> {
        let highlight = self.highlight.clone();
        let plan = self.node(node);
        self.highlight = highlight;
        plan
    }

    /// A conjunction (or, with --any, a disjunction) of parts, with repeated words
    /// weighing more, exclusions, and the proximity boost.
    fn and(&mut self, parts: &[Node]) -> Option<Plan> {
        let occur = if self.any { Occur::Should } else { Occur::Must };
        let mut clauses: Vec<(Occur, Plan)> = Vec::new();
        let mut repeats: BTreeMap<String, (usize, usize)> = BTreeMap::new(); // key → (clause, count)
        let mut neighbours: Vec<Vec<String>> = Vec::new();
        let mut positives = 0;
        for part in parts {
            if let Node::Not(inner) = part {
                if let Some(q) = self.excluded(inner) {
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
            if let Some((_, count)) = key.as_ref().and_then(|k| repeats.get_mut(k)) {
                *count += 1;
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
                let (occur, plan) = clauses.remove(*index);
                clauses.insert(*index, (occur, Plan::Boost(Box::new(plan), *count as f32)));
            }
        }
        for pair in neighbours.windows(2) {
            if pair[0][0] != pair[1][0] {
                // Over the title too: where abstracts are missing or short the title holds
                // the words (CACM: nDCG@10 0.513 with the boost on the paragraph only, 0.521
                // over both).
                let phrase = Plan::Phrase {
                    field: None,
                    tokens: vec![pair[0][0].clone(), pair[1][0].clone()],
                    slop: PROXIMITY_SLOP,
                };
                let boosted = Plan::Boost(Box::new(phrase), PROXIMITY_WEIGHT);
                clauses.push((Occur::Should, boosted));
            }
        }
        if positives == 0 {
            if clauses.iter().all(|(o, _)| *o != Occur::MustNot) {
                return None;
            }
            clauses.push((Occur::Must, Plan::All));
        }
        Some(Plan::Bool(clauses))
    }

    /// Analysed tokens as a term (one token) or a phrase (several).
    fn tokens(&mut self, field: Option<FieldName>, tokens: Vec<String>, slop: u32) -> Option<Plan> {
        if tokens.len() > syntax::MAX_PHRASE_WORDS {
            self.refused = Some(format!(
                "a phrase has {} words; the most lede takes is {}",
                tokens.len(),
                syntax::MAX_PHRASE_WORDS
            ));
            return None;
        }
        match tokens.len() {
            0 => None,
            1 => {
                self.highlight.add(field, |spec| {
                    spec.terms.insert(tokens[0].clone());
                });
                let token = tokens.into_iter().next().expect("one token");
                Some(Plan::Term { field, token })
            }
            _ => {
                self.highlight
                    .add(field, |spec| spec.phrases.push((tokens.clone(), slop)));
                Some(Plan::Phrase {
                    field,
                    tokens,
                    slop,
                })
            }
        }
    }

    /// A hyphenated or slashed word ("fast-twitch", "Rad53-dependent"): all its parts, and
    /// a boost where they stand together, so that "twitch fibres are fast" matches too,
    /// below the word as written.
    fn compound(&mut self, field: Option<FieldName>, tokens: Vec<String>) -> Option<Plan> {
        let mut clauses: Vec<(Occur, Plan)> = Vec::new();
        for token in &tokens {
            self.highlight.add(field, |spec| {
                spec.terms.insert(token.clone());
            });
            clauses.push((
                Occur::Must,
                Plan::Term {
                    field,
                    token: token.clone(),
                },
            ));
        }
        let together = Plan::Phrase {
            field,
            tokens,
            slop: 0,
        };
        clauses.push((
            Occur::Should,
            Plan::Boost(Box::new(together), PROXIMITY_WEIGHT),
        ));
        Some(Plan::Bool(clauses))
    }

    /// Words starting with a prefix. The prefix is lower-cased, not stemmed: "comput*"
    /// finds "computer" and "computation" (indexed as stems that start with it).
    fn prefix(&mut self, field: Option<FieldName>, prefix: &str) -> Option<Plan> {
        let prefix: String = prefix
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        if prefix.is_empty() {
            return None;
        }
        self.highlight.add(field, |spec| {
            spec.prefixes.insert(prefix.clone());
        });
        Some(Plan::Prefix { field, prefix })
    }
}

/// Whether the parts a typed word was cut into are words of their own ("fast-twitch",
/// "tnf-alpha"), read as parts near each other, rather than pieces of one name or number
/// ("U.S.", "1/2000", "e-mail"), read as a strict phrase: a one-character part is a piece.
fn is_compound(tokens: &[String]) -> bool {
    tokens.len() > 1 && tokens.iter().all(|token| token.chars().count() > 1)
}

/// Every passage without a match of `plan`, scoring nothing: an exclusion outside a
/// conjunction ("-nuclear" alone, "weapons OR -nuclear") still excludes.
fn complement(plan: Plan) -> Plan {
    let without = Plan::Bool(vec![(Occur::Must, Plan::All), (Occur::MustNot, plan)]);
    Plan::Boost(Box::new(without), 0.0)
}

/// The filters of a request, resolved to stored values, and what each typed person or
/// organisation name was taken to mean.
fn filters(request: &QueryRequest, context: &Context<'_>) -> Result<(Vec<Filter>, Vec<NameMatch>)> {
    let mut filters = Vec::new();
    let mut names = Vec::new();
    let codes = if request.countries.is_empty() {
        Vec::new()
    } else {
        resolve_countries(&request.countries, Countries::shipped()?)?
    };
    if !codes.is_empty() {
        filters.push(Filter::Facet {
            kind: FacetKind::Country,
            values: codes.iter().map(|c| c.to_string()).collect(),
        });
    }
    for (kind, wanted, flag) in [
        (FacetKind::Person, &request.persons, "--person"),
        (FacetKind::Org, &request.orgs, "--org"),
    ] {
        if wanted.is_empty() {
            continue;
        }
        let known = (context.facet_values)(kind)?;
        let mut values = Vec::new();
        for typed in wanted {
            let matches = match_names(typed, &known);
            if matches.is_empty() {
                return Err(unknown_name(kind, flag, typed, &known));
            }
            values.extend(matches.iter().cloned());
            names.push(NameMatch {
                kind,
                typed: typed.clone(),
                values: matches,
            });
        }
        values.sort();
        values.dedup();
        filters.push(Filter::Facet { kind, values });
    }
    if !request.articles.is_empty() {
        filters.push(Filter::Articles(request.articles.clone()));
    }
    if request.since.is_some() || request.until.is_some() {
        filters.push(Filter::Dates {
            from: request.since.map(|period| period.first),
            to: request.until.map(|period| period.after),
        });
    }
    Ok((filters, names))
}

/// The refusal of a person or organisation filter that takes no value of the index.
fn unknown_name(kind: FacetKind, flag: &str, typed: &str, known: &[String]) -> Error {
    let message = match exact_name(typed) {
        Some("") => format!(
            "`{EXACT_MARK}` takes the one {} spelled as what follows it: {flag} \"{EXACT_MARK}NAME\"",
            kind.name()
        ),
        Some(name) => format!(
            "no {} spelled so in the index{}",
            kind.name(),
            suggestion(kind, name, &EXACT_MARK.to_string(), known)
        ),
        None => format!(
            "no {} of that name in the index{}",
            kind.name(),
            suggestion(kind, typed, "", known)
        ),
    };
    Error::Argument {
        argument: flag.into(),
        value: typed.into(),
        message,
    }
}

/// Index values a typed person or organisation name stands for. An exact name
/// (`=Sun Co`) takes the value spelled so; any other name, every value that has all its
/// words as whole words ("blair" → "Tony Blair", "Cherie Blair", "Blair"), and when none
/// has, the values whose initials it spells ("nato").
fn match_names(typed: &str, known: &[String]) -> Vec<String> {
    if let Some(name) = exact_name(typed) {
        return match_exact(name, known);
    }
    let typed_lower = typed.trim().to_lowercase();
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

/// The value spelled `name`; when none is, the values spelled so in another case, so a
/// typed `=sun co` finds "Sun Co" (several values then, said in a notice, if the index
/// holds the name in several cases).
fn match_exact(name: &str, known: &[String]) -> Vec<String> {
    if name.is_empty() {
        return Vec::new();
    }
    let same: Vec<String> = known.iter().filter(|k| *k == name).cloned().collect();
    if !same.is_empty() {
        return same;
    }
    let lower = name.to_lowercase();
    known
        .iter()
        .filter(|k| k.to_lowercase() == lower)
        .cloned()
        .collect()
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
        .collect()
}

/// "; did you mean "Vladimir Putin"?" for a name not in the index (each suggestion written
/// after `mark`, so an exact name is suggested as one), and where to see them all.
fn suggestion(kind: FacetKind, typed: &str, mark: &str, known: &[String]) -> String {
    let keys: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
    let candidates = keys
        .iter()
        .zip(known)
        .map(|(k, n)| (k.as_str(), n.as_str()));
    let names: Vec<String> = crate::suggest::nearest(typed, candidates, 3)
        .into_iter()
        .map(|name| format!("{:?}", format!("{mark}{name}")))
        .collect();
    let list = format!("`lede facets {}` lists the most frequent", kind.name());
    if names.is_empty() {
        format!("; {list}")
    } else {
        format!("; did you mean {}? ({list})", names.join(", "))
    }
}

/// Turns `--country` values into codes, refusing unknown ones with suggestions. A country
/// is always taken exactly (a code, a whole name or alias, never part of one), so the
/// exact mark of names (`=KP`) is read and changes nothing.
fn resolve_countries(values: &[String], countries: &Countries) -> Result<Vec<CountryCode>> {
    let mut codes = Vec::new();
    for value in values {
        let name = exact_name(value).unwrap_or(value);
        let code = countries.resolve(name).ok_or_else(|| {
            let suggestions = countries.suggest(name);
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
        let blairs = vec![
            "Tony Blair".to_string(),
            "Blair".to_string(),
            "Cherie Blair".to_string(),
            "Blairgowrie Council".to_string(),
        ];
        assert_eq!(
            match_names("blair", &blairs),
            ["Tony Blair", "Blair", "Cherie Blair"],
            "a short name takes every value that has it as a whole word"
        );
        assert_eq!(match_names("tony blair", &blairs), ["Tony Blair"]);
        assert!(match_names("obama", &known).is_empty());
        let orgs = vec!["North Atlantic Treaty Organization".to_string()];
        assert_eq!(match_names("nato", &orgs), orgs);
    }

    #[test]
    fn an_exact_name_takes_the_value_spelled_so_and_no_name_that_holds_it() {
        let known: Vec<String> = [
            "Sun Co",
            "Lai Sun Garment Co",
            "Rico Sun Oil Co",
            "Sun Microsystems Co",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            match_names("sun co", &known).len(),
            4,
            "words take all four"
        );
        for typed in ["=Sun Co", "=sun co", " = Sun Co ", "=SUN CO"] {
            assert_eq!(match_names(typed, &known), ["Sun Co"], "{typed:?}");
        }
        assert!(match_names("=Sun", &known).is_empty());
        assert!(match_names("=", &known).is_empty());
        // The same name in two cases: the one spelled so; in a third case, both.
        let cased: Vec<String> = ["Sun Co", "SUN CO"].map(String::from).to_vec();
        assert_eq!(match_names("=SUN CO", &cased), ["SUN CO"]);
        assert_eq!(match_names("=sun co", &cased), ["Sun Co", "SUN CO"]);
        // `=` only marks the start: a name with `=` inside is a name.
        assert_eq!(exact_name("a=b"), None);
        assert_eq!(exact_name("==b"), Some("=b"));
    }

    #[test]
    fn a_name_taken_exactly_needs_no_notice_and_unknown_exact_names_suggest_exact_ones() {
        let name = |typed: &str, values: &[&str]| NameMatch {
            kind: FacetKind::Person,
            typed: typed.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        assert!(name("=Sun Co", &["Sun Co"]).is_exact());
        assert!(name("=sun co", &["Sun Co"]).is_exact());
        assert!(!name("=sun co", &["Sun Co", "SUN CO"]).is_exact());
        assert!(!name("sun co", &["Sun Co", "Rico Sun Oil Co"]).is_exact());
        let known = vec!["Sun Co".to_string()];
        let error = unknown_name(FacetKind::Person, "--person", "=Sun Coo", &known).to_string();
        assert!(error.contains("did you mean \"=Sun Co\""), "{error}");
        let error = unknown_name(FacetKind::Org, "--org", "=", &known).to_string();
        assert!(error.contains("--org \"=NAME\""), "{error}");
    }

    #[test]
    fn countries_are_exact_with_or_without_the_mark() {
        let countries = Countries::shipped().unwrap();
        let codes = |values: &[&str]| {
            let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            resolve_countries(&values, countries)
                .unwrap()
                .iter()
                .map(|c| c.as_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&["=KP", "= north korea"]), ["KP"]);
        // A name inside another country's name is that country only.
        assert_eq!(codes(&["Niger"]), ["NE"]);
        assert_eq!(codes(&["Guinea"]), ["GN"]);
        assert!(resolve_countries(&["=".into()], countries).is_err());
    }

    /// The plan of `text` with the test analyzer and no index values.
    fn planned(text: &str) -> PlannedQuery {
        let analyzer = crate::analyzer::en_stem();
        let none = |_| Ok(Vec::new());
        let context = Context {
            analyzer: &analyzer,
            facet_values: &none,
        };
        plan(&QueryRequest::new(text), &context, false).unwrap()
    }

    #[test]
    fn words_are_marked_in_their_own_field_and_excluded_words_nowhere() {
        let highlight = planned("title:summit body:talks weapons \"arms deal\" -nuclear").highlight;
        let terms = |spec: &HighlightSpec| spec.terms.iter().cloned().collect::<Vec<_>>();
        assert_eq!(terms(&highlight.title), ["summit", "weapon"]);
        assert_eq!(terms(&highlight.body), ["talk", "weapon"]);
        for spec in [&highlight.title, &highlight.body] {
            assert_eq!(spec.phrases, [(vec!["arm".to_string(), "deal".into()], 0)]);
        }
        let highlight = planned("supply OR -(nuclear weapons)").highlight;
        assert_eq!(terms(&highlight.body), ["suppli"]);
        assert_eq!(terms(&highlight.title), ["suppli"]);
    }

    #[test]
    fn hyphenated_words_are_their_parts_and_abbreviations_stay_phrases() {
        let words = |tokens: &[&str]| tokens.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert!(is_compound(&words(&["fast", "twitch"])));
        assert!(is_compound(&words(&["rad53", "depend"])));
        assert!(!is_compound(&words(&["u", "s"])));
        assert!(!is_compound(&words(&["1", "2000"])));
        assert!(!is_compound(&words(&["weapon"])));
    }

    #[test]
    fn function_words_are_recognised() {
        assert!(is_stopword("The"));
        assert!(is_stopword("which,"));
        assert!(!is_stopword("weapons"));
        assert!(!is_stopword("not"));
        let listed = include_str!("../../schema/stopwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        for word in listed {
            assert!(is_stopword(word), "{word}");
        }
    }
}
