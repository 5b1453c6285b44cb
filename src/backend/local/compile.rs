//! A plan and its filters → a tantivy query.
//!
//! The plan decides what a query means (see [`crate::query::plan`]); this module only spells
//! it in tantivy's terms: a word without a field searches the paragraph and the title as one
//! field (BM25F), a phrase either of them, a prefix becomes a regular expression over the
//! terms, filters become zero-scoring conjuncts so that they never change a score.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use super::bm25f::CombinedFieldQuery;
use super::format::{self, Fields};
use crate::backend::Selection;
use crate::query::plan::{Filter, Occur as PlanOccur, Plan};
use crate::query::syntax::FieldName;

/// How much a word in the title counts against one in the paragraph, in the BM25F
/// combination of the two (see [`super::bm25f`]): on CACM (scripts/eval_ranking.py,
/// default mode) 1.0 gave nDCG@10 0.521 and MAP 0.368, 1.5 gave 0.532 and 0.375, 2.0 gave
/// 0.533 and 0.376; scoring the fields apart and adding them (the earlier way) 0.525 and
/// 0.372, with the double count that favours generic title words on other collections.
pub const TITLE_WEIGHT: f32 = 1.5;

/// The query of a selection: its plan, and every filter that applies as a zero-scoring
/// conjunct.
pub fn selection(fields: &Fields, selection: &Selection<'_>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, plan(fields, selection.plan))];
    for filter in selection.active_filters() {
        let filter = ConstScoreQuery::new(self::filter(fields, filter), 0.0);
        clauses.push((Occur::Must, Box::new(filter)));
    }
    if clauses.len() == 1 {
        clauses.pop().expect("one clause").1
    } else {
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The query of a plan.
pub fn plan(fields: &Fields, planned: &Plan) -> Box<dyn Query> {
    match planned {
        Plan::All => Box::new(AllQuery),
        Plan::Nothing => Box::new(EmptyQuery),
        Plan::Term { field: None, token } => Box::new(CombinedFieldQuery::new(
            token,
            &[(fields.body, 1.0), (fields.title, TITLE_WEIGHT)],
        )),
        Plan::Term { field, token } => over_fields(fields, *field, |field| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, token),
                IndexRecordOption::WithFreqs,
            ))
        }),
        Plan::Phrase {
            field,
            tokens,
            slop,
        } => over_fields(fields, *field, |field| {
            let terms = tokens
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect();
            let mut phrase = PhraseQuery::new(terms);
            phrase.set_slop(*slop);
            Box::new(phrase)
        }),
        Plan::Prefix { field, prefix } => prefix_query(fields, *field, prefix),
        Plan::Bool(clauses) => Box::new(BooleanQuery::new(
            clauses
                .iter()
                .map(|(occur, part)| (occur_of(*occur), plan(fields, part)))
                .collect(),
        )),
        Plan::Boost(inner, weight) => Box::new(BoostQuery::new(plan(fields, inner), *weight)),
    }
}

fn occur_of(occur: PlanOccur) -> Occur {
    match occur {
        PlanOccur::Must => Occur::Must,
        PlanOccur::Should => Occur::Should,
        PlanOccur::MustNot => Occur::MustNot,
    }
}

/// The fields a phrase or prefix searches, with their weights (a word without a field is
/// one BM25F query over both).
fn target_fields(fields: &Fields, field: Option<FieldName>) -> Vec<(Field, f32)> {
    match field {
        None => vec![(fields.body, 1.0), (fields.title, TITLE_WEIGHT)],
        Some(FieldName::Body) => vec![(fields.body, 1.0)],
        Some(FieldName::Title) => vec![(fields.title, 1.0)],
    }
}

/// `make`'s query over each target field, weighted, any of them.
fn over_fields(
    fields: &Fields,
    field: Option<FieldName>,
    make: impl Fn(Field) -> Box<dyn Query>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = target_fields(fields, field)
        .into_iter()
        .map(|(field, weight)| {
            let query = make(field);
            let weighted: Box<dyn Query> = if weight == 1.0 {
                query
            } else {
                Box::new(BoostQuery::new(query, weight))
            };
            (Occur::Should, weighted)
        })
        .collect();
    if clauses.len() == 1 {
        clauses.pop().expect("one clause").1
    } else {
        Box::new(BooleanQuery::new(clauses))
    }
}

/// Terms starting with `prefix`, as a regular expression over each target field's terms.
fn prefix_query(fields: &Fields, field: Option<FieldName>, prefix: &str) -> Box<dyn Query> {
    let pattern = format!("{}.*", regex_escape(prefix));
    let clauses: Vec<(Occur, Box<dyn Query>)> = target_fields(fields, field)
        .into_iter()
        .filter_map(|(field, _)| RegexQuery::from_pattern(&pattern, field).ok())
        .map(|q| (Occur::Should, Box::new(q) as Box<dyn Query>))
        .collect();
    if clauses.is_empty() {
        Box::new(EmptyQuery)
    } else {
        Box::new(BooleanQuery::new(clauses))
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

/// The query of one filter.
fn filter(fields: &Fields, filter: &Filter) -> Box<dyn Query> {
    match filter {
        Filter::Facet { kind, values } => any_term(
            values
                .iter()
                .map(|value| format::facet_term(fields.entities, *kind, value)),
        ),
        Filter::Articles(ids) => any_term(
            ids.iter()
                .map(|id| Term::from_field_text(fields.article_id, id)),
        ),
        Filter::Dates { from, to } => {
            let bound = |seconds: Option<i64>, inclusive: bool| match seconds {
                None => Bound::Unbounded,
                Some(seconds) => {
                    let term = Term::from_field_date(fields.date, representable(seconds));
                    if inclusive {
                        Bound::Included(term)
                    } else {
                        Bound::Excluded(term)
                    }
                }
            };
            Box::new(RangeQuery::new(bound(*from, true), bound(*to, false)))
        }
        Filter::ExceptArticles(ids) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
            (
                Occur::MustNot,
                any_term(
                    ids.iter()
                        .map(|id| Term::from_field_text(fields.article_id, id)),
                ),
            ),
        ])),
        Filter::Undated => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
            (
                Occur::MustNot,
                Box::new(ExistsQuery::new(format::name::DATE.to_string(), false)),
            ),
        ])),
    }
}

/// A filter bound as a tantivy date, which counts nanoseconds in an i64 (the years 1677 to
/// 2262): bounds outside are moved to the nearest end instead of wrapping around.
fn representable(seconds: i64) -> DateTime {
    const LIMIT: i64 = i64::MAX / 1_000_000_000;
    DateTime::from_timestamp_secs(seconds.clamp(-LIMIT, LIMIT))
}

/// Passages holding any of `terms`.
fn any_term(terms: impl Iterator<Item = Term>) -> Box<dyn Query> {
    let clauses = terms
        .map(|term| {
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_meta_characters_are_escaped() {
        assert_eq!(regex_escape("a.b*"), "a\\.b\\*");
    }
}
