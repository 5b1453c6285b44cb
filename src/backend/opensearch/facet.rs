//! Counts of facet values in a cluster: passages per value exactly, distinct articles per
//! value with the `cardinality` aggregation, sized so that it stays cheap.
//!
//! A `cardinality` aggregation reserves memory in proportion to its precision in every
//! bucket: at the precision that makes it exact up to 40,000 articles, a person facet of a
//! few thousand values asked for 800 MB and tripped the cluster's circuit breaker. So the
//! values are counted in two steps: their passages first (a `terms` aggregation, which
//! costs little), then articles only for the values the caller shows and the values tied
//! with the last of them, each group at the precision its largest passage count needs
//! (a value cannot have more articles than passages).

use serde_json::{json, Value};

use super::{name, Index, ARTICLE_PRECISION, MAX_FACET_VALUES};
use crate::backend::FacetCount;
use crate::error::Result;

/// A value's passages, from the first step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passages {
    /// The value.
    pub value: String,
    /// Matching passages holding it.
    pub passages: u64,
}

/// Values asked for first: enough beyond `limit` that a tie with the last value shown
/// usually ends among them.
pub fn first_size(limit: usize) -> usize {
    limit
        .saturating_mul(2)
        .saturating_add(20)
        .min(MAX_FACET_VALUES)
}

/// The first step's aggregation: the `size` values with most passages.
pub fn passages_aggregation(field: &str, size: usize) -> Value {
    json!({
        "terms": {
            "field": field,
            "size": size.max(1),
            "shard_size": size.max(1),
            "order": [{"_count": "desc"}, {"_key": "asc"}]
        }
    })
}

/// The passages of each of `values` (named in advance) that occurs.
pub fn values_aggregation(field: &str, values: &[String]) -> Value {
    json!({
        "terms": {
            "field": field,
            "include": values,
            "size": values.len().max(1),
            "shard_size": values.len().max(1),
            "order": [{"_count": "desc"}, {"_key": "asc"}]
        }
    })
}

/// Distinct values of a field (an estimate above 40,000).
pub fn distinct_aggregation(field: &str) -> Value {
    json!({"cardinality": {"field": field, "precision_threshold": ARTICLE_PRECISION}})
}

/// Distinct articles among the passages of a bucket, at a precision enough for `most`
/// articles (exact below it, but for the rare collision of two ids' 32-bit hashes).
pub fn articles_aggregation(most: u64) -> Value {
    let precision = most.saturating_add(1).clamp(1, ARTICLE_PRECISION);
    json!({"cardinality": {"field": name::ARTICLE_ID, "precision_threshold": precision}})
}

/// The buckets of a [`passages_aggregation`].
pub fn read_passages(aggregation: &Value) -> Vec<Passages> {
    aggregation["buckets"]
        .as_array()
        .map(|buckets| {
            buckets
                .iter()
                .filter_map(|bucket| {
                    Some(Passages {
                        value: bucket["key"].as_str()?.to_string(),
                        passages: bucket["doc_count"].as_u64()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The values of `field` over the matches of `query`, at least the first `limit` of them
/// in the local index's order (most passages, then most articles, then by value), given
/// the first step's answer for `size` values.
pub fn ranked(
    index: &Index,
    query: &Value,
    field: &str,
    limit: usize,
    (mut size, mut counted): (usize, Vec<Passages>),
) -> Result<Vec<FacetCount>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    // Ask again, for more values, while values tied with the last one shown may lie
    // beyond those counted.
    while ties_run_past(&counted, size, limit) {
        size = size.saturating_mul(4).min(MAX_FACET_VALUES);
        let body = json!({
            "query": query,
            "size": 0,
            "aggs": {"values": passages_aggregation(field, size)}
        });
        counted = read_passages(&index.search(&body)?["aggregations"]["values"]);
    }
    let cut = counted
        .get(limit.saturating_sub(1))
        .map_or(0, |last| last.passages);
    counted.retain(|value| value.passages >= cut);
    with_articles(index, query, field, counted)
}

/// `counted` with the distinct articles of each value, in the local index's order (most
/// passages, then most articles, then by value).
pub fn with_articles(
    index: &Index,
    query: &Value,
    field: &str,
    counted: Vec<Passages>,
) -> Result<Vec<FacetCount>> {
    let mut values = Vec::new();
    for group in precision_groups(counted.into_iter()) {
        values.extend(articles_of(index, query, field, group)?);
    }
    values.sort_by(|a, b| {
        b.passages
            .cmp(&a.passages)
            .then(b.articles.cmp(&a.articles))
            .then(a.value.cmp(&b.value))
    });
    Ok(values)
}

/// Passage counts as facet counts whose articles were not asked for (0).
pub fn without_articles(counted: Vec<Passages>) -> Vec<FacetCount> {
    counted
        .into_iter()
        .map(|value| FacetCount {
            value: value.value,
            passages: value.passages,
            articles: 0,
        })
        .collect()
}

/// Whether the values tied with the `limit`-th may go on past the `size` counted.
fn ties_run_past(counted: &[Passages], size: usize, limit: usize) -> bool {
    let full = counted.len() >= size && size < MAX_FACET_VALUES;
    match (counted.get(limit.saturating_sub(1)), counted.last()) {
        (Some(shown), Some(last)) => full && last.passages == shown.passages,
        _ => false,
    }
}

/// Values × precision of one request counting articles: about 16 MB of the cluster's
/// memory.
const COUNTING_BUDGET: u64 = 4_000_000;

/// Values (most passages first) in groups whose articles one request counts within
/// [`COUNTING_BUDGET`], each at the precision of its first value.
fn precision_groups(values: impl Iterator<Item = Passages>) -> Vec<Vec<Passages>> {
    let mut groups: Vec<Vec<Passages>> = Vec::new();
    let mut precision = 0;
    for value in values {
        let fits = groups
            .last()
            .is_some_and(|group| (group.len() as u64 + 1) * precision <= COUNTING_BUDGET);
        if !fits {
            precision = value.passages.saturating_add(1).min(ARTICLE_PRECISION);
            groups.push(Vec::new());
        }
        groups.last_mut().expect("a group").push(value);
    }
    groups
}

/// Adds the distinct articles of each value.
fn articles_of(
    index: &Index,
    query: &Value,
    field: &str,
    values: Vec<Passages>,
) -> Result<Vec<FacetCount>> {
    let Some(most) = values.iter().map(|value| value.passages).max() else {
        return Ok(Vec::new());
    };
    if most == 1 {
        // One passage is one article.
        return Ok(values
            .into_iter()
            .map(|value| FacetCount {
                value: value.value,
                passages: 1,
                articles: 1,
            })
            .collect());
    }
    let wanted: Vec<&str> = values.iter().map(|value| value.value.as_str()).collect();
    let body = json!({
        "query": query,
        "size": 0,
        "aggs": {"values": {
            "terms": {"field": field, "include": wanted, "size": wanted.len()},
            "aggs": {"articles": articles_aggregation(most)}
        }}
    });
    let answer = index.search(&body)?;
    let articles: std::collections::HashMap<&str, u64> = answer["aggregations"]["values"]
        ["buckets"]
        .as_array()
        .map(|buckets| {
            buckets
                .iter()
                .filter_map(|b| Some((b["key"].as_str()?, b["articles"]["value"].as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(values
        .iter()
        .map(|value| FacetCount {
            articles: articles
                .get(value.value.as_str())
                .copied()
                .unwrap_or(0)
                .min(value.passages),
            value: value.value.clone(),
            passages: value.passages,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(passages: &[u64]) -> Vec<Passages> {
        passages
            .iter()
            .enumerate()
            .map(|(i, &passages)| Passages {
                value: format!("v{i}"),
                passages,
            })
            .collect()
    }

    #[test]
    fn values_tied_with_the_last_shown_are_fetched_when_they_may_run_past() {
        // Three shown of five counted, all five asked for: the fifth ties with the third.
        assert!(ties_run_past(&counted(&[9, 5, 3, 3, 3]), 5, 3));
        assert!(!ties_run_past(&counted(&[9, 5, 3, 3, 2]), 5, 3));
        // Fewer values than asked for: there are no more.
        assert!(!ties_run_past(&counted(&[9, 5, 3, 3]), 5, 3));
        assert!(!ties_run_past(&counted(&[9]), 5, 3));
        assert_eq!(first_size(10), 40);
        // 100 values at the highest precision fill a request; smaller values join the
        // last group while it has room, at its precision.
        let mut passages = vec![50_000; 150];
        passages.extend([5, 5, 1]);
        let groups = precision_groups(counted(&passages).into_iter());
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, [100, 53]);
        let small = precision_groups(counted(&[5; 900_000]).into_iter());
        assert_eq!(small[0].len(), 666_666);
        assert_eq!(first_size(usize::MAX), MAX_FACET_VALUES);
    }
}
