//! A plan and its filters → OpenSearch's Query DSL, meaning what the local index means.
//!
//! - The plan's words are already analysed by lede; the fields search them with an analyzer
//!   that only cuts and lower-cases (see `format`), so nothing is stemmed twice.
//! - A word without a field matches the paragraph or the title, as locally. OpenSearch 2.19
//!   has no BM25F query (`combined_fields` came to Elasticsearch after OpenSearch forked), so
//!   the word is scored in each field and the scores added, the title's times 1.5; locally
//!   the two fields are scored as one (`CombinedFieldQuery`). The same passages match; their
//!   order can differ where a word is in a title.
//! - Lucene's BM25 and tantivy's are the same formula (both leave out the factor `k1 + 1`),
//!   so a word in one field, or a phrase, scores the same in both indexes.
//! - A boolean keeps tantivy's rule: without a required part, one optional part must match.
//! - Filters are `filter` clauses, which never score.

use serde_json::{json, Value};

use super::format::{facet_field, name};
use crate::backend::local::compile::TITLE_WEIGHT;
use crate::backend::Selection;
use crate::query::plan::{Filter, Occur, Plan};
use crate::query::syntax::FieldName;

/// The query of a selection: its plan, with every filter that applies.
pub fn selection(selection: &Selection<'_>) -> Value {
    let filters: Vec<Value> = selection.active_filters().map(filter).collect();
    json!({"bool": {"must": [plan(selection.plan)], "filter": filters}})
}

/// The query of a plan.
pub fn plan(plan: &Plan) -> Value {
    match plan {
        Plan::All => json!({"match_all": {}}),
        Plan::Nothing => json!({"match_none": {}}),
        Plan::Term { field, token } => over_fields(
            *field,
            true,
            |field, weight| json!({"term": {field: {"value": token, "boost": weight}}}),
        ),
        Plan::Phrase {
            field,
            tokens,
            slop,
        } => over_fields(*field, true, |field, weight| {
            json!({"match_phrase": {field: {
                "query": tokens.join(" "),
                "slop": slop,
                "boost": weight
            }}})
        }),
        Plan::Prefix { field, prefix } => over_fields(
            *field,
            false,
            |field, _| json!({"prefix": {field: {"value": prefix}}}),
        ),
        Plan::Bool(clauses) => boolean(clauses),
        Plan::Boost(inner, weight) => {
            json!({"bool": {"must": [self::plan(inner)], "boost": shortest(*weight)}})
        }
    }
}

/// `weight` as the shortest decimal that reads back as it (0.3, not 0.30000001192092896).
fn shortest(weight: f32) -> f64 {
    weight.to_string().parse().unwrap_or(f64::from(weight))
}

/// A boolean with tantivy's meaning: with no required clause, one optional clause must
/// match.
fn boolean(clauses: &[(Occur, Plan)]) -> Value {
    let of = |wanted: Occur| -> Vec<Value> {
        clauses
            .iter()
            .filter(|(occur, _)| *occur == wanted)
            .map(|(_, part)| plan(part))
            .collect()
    };
    let (must, should, must_not) = (of(Occur::Must), of(Occur::Should), of(Occur::MustNot));
    if must.is_empty() && should.is_empty() {
        // OpenSearch would match every passage but the excluded ones; tantivy matches none.
        return json!({"match_none": {}});
    }
    let mut query = json!({"bool": {"must": must, "should": should, "must_not": must_not}});
    if must.is_empty() {
        query["bool"]["minimum_should_match"] = json!(1);
    }
    query
}

fn field_name(field: FieldName) -> &'static str {
    match field {
        FieldName::Title => name::TITLE,
        FieldName::Body => name::BODY,
    }
}

/// `make`'s query over the field asked, or over paragraph and title (the title weighted
/// when `weighted`), any of them.
fn over_fields(
    field: Option<FieldName>,
    weighted: bool,
    make: impl Fn(&str, f64) -> Value,
) -> Value {
    match field {
        Some(field) => make(field_name(field), 1.0),
        None => {
            let title_weight = if weighted {
                f64::from(TITLE_WEIGHT)
            } else {
                1.0
            };
            json!({"bool": {
                "should": [make(name::BODY, 1.0), make(name::TITLE, title_weight)],
                "minimum_should_match": 1
            }})
        }
    }
}

/// The query of one filter.
fn filter(filter: &Filter) -> Value {
    match filter {
        Filter::Facet { kind, values } => json!({"terms": {facet_field(*kind): values}}),
        Filter::Articles(ids) => json!({"terms": {name::ARTICLE_ID: ids}}),
        Filter::ExceptArticles(ids) => {
            json!({"bool": {"must_not": [{"terms": {name::ARTICLE_ID: ids}}]}})
        }
        Filter::Dates { from, to } => {
            let mut range = serde_json::Map::new();
            if let Some(from) = from {
                range.insert("gte".into(), json!(from));
            }
            if let Some(to) = to {
                range.insert("lt".into(), json!(to));
            }
            json!({"range": {name::DATE: range}})
        }
        Filter::Undated => json!({"bool": {"must_not": [{"exists": {"field": name::DATE}}]}}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::plan::{Context, PlannedQuery};
    use crate::query::request::QueryRequest;

    /// The plan of a request, as the engine makes it, with no index values.
    fn planned(request: &QueryRequest) -> PlannedQuery {
        let analyzer = crate::analyzer::en_stem();
        let none = |_| Ok(Vec::new());
        let context = Context {
            analyzer: &analyzer,
            facet_values: &none,
        };
        crate::query::plan::plan(request, &context, false).unwrap()
    }

    /// The README shows what `lede query "weapons supply" --country "north korea"` sends,
    /// for users who reach the index with their own client: it must stay what lede sends.
    #[test]
    fn the_query_the_readme_shows_is_the_query_lede_sends() {
        let mut request = QueryRequest::new("weapons supply");
        request.countries = vec!["north korea".into()];
        let planned = planned(&request);
        let sent = selection(&Selection {
            plan: &planned.plan,
            filters: &planned.filters,
            without: None,
        });
        let readme = include_str!("../../../README.md");
        let shown = readme
            .split("<!-- opensearch-query -->\n```json\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("README shows the query under <!-- opensearch-query -->");
        let shown: Value = serde_json::from_str(shown).expect("the README's query is JSON");
        assert_eq!(
            shown,
            sent,
            "README's query is out of date; lede sends:\n{}",
            serde_json::to_string_pretty(&sent).unwrap()
        );
    }

    #[test]
    fn words_phrases_prefixes_and_exclusions_become_query_dsl() {
        let plan = Plan::Bool(vec![
            (
                Occur::Must,
                Plan::Term {
                    field: None,
                    token: "weapon".into(),
                },
            ),
            (
                Occur::MustNot,
                Plan::Prefix {
                    field: Some(FieldName::Title),
                    prefix: "nucl".into(),
                },
            ),
        ]);
        let query = self::plan(&plan);
        let word = &query["bool"]["must"][0]["bool"]["should"];
        assert_eq!(
            word[0],
            json!({"term": {"body": {"value": "weapon", "boost": 1.0}}})
        );
        assert_eq!(word[1]["term"]["title"]["value"], "weapon");
        assert_eq!(
            query["bool"]["must_not"][0],
            json!({"prefix": {"title": {"value": "nucl"}}})
        );
        assert!(query["bool"].get("minimum_should_match").is_none());
        let either = boolean(&[(Occur::Should, Plan::All), (Occur::Should, Plan::Nothing)]);
        assert_eq!(either["bool"]["minimum_should_match"], 1);
        let only_excluded = boolean(&[(Occur::MustNot, Plan::All)]);
        assert_eq!(only_excluded, json!({"match_none": {}}));
    }
}
