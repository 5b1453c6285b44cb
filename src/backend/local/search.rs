//! Runs a query over the local index: top passages, exact total and facet counts in one
//! pass over the matches (collectors combined), then the stored fields of the top passages.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::facet::EntityFacetCollector;
use super::format::{self, name, Fields};
use crate::backend::{Found, Search};
use crate::error::Result;
use crate::query::response::{ContextParagraph, Hit};

/// Searches for `query`: the page `search` asks for, the exact total, and its facet
/// counts (by `facets`, which counts `search.facets`), in one pass over the matches (two
/// with per-article hits).
pub fn search(
    searcher: &Searcher,
    fields: &Fields,
    facets: EntityFacetCollector<'_>,
    query: &dyn Query,
    search: &Search<'_>,
) -> Result<Found> {
    let wanted = search.limit.max(1);
    let (top, total, facets) = if search.per_article {
        let (total, facets) = searcher.search(query, &(Count, facets))?;
        let best = best_per_article(searcher, query, search.offset + wanted)?;
        let page = best.into_iter().skip(search.offset).take(wanted).collect();
        (page, total, facets)
    } else {
        let top = TopDocs::with_limit(wanted)
            .and_offset(search.offset)
            .order_by_score();
        if search.visits_every_match() {
            searcher.search(query, &(top, Count, facets))?
        } else {
            let top = searcher.search(query, &top)?;
            let total = top.len();
            (top, total, Vec::new())
        }
    };
    let facets = match search.only_values {
        Some(values) => facets
            .into_iter()
            .map(|counts| {
                counts
                    .into_iter()
                    .filter(|count| values.binary_search(&count.value).is_ok())
                    .collect()
            })
            .collect(),
        None => facets,
    };
    let hits = if search.limit == 0 {
        Vec::new()
    } else {
        top.into_iter()
            .map(|(score, address)| hit(searcher, fields, query, search, score, address))
            .collect::<Result<Vec<_>>>()?
    };
    Ok(Found {
        total: total as u64,
        hits,
        facets,
    })
}

/// One hit, read from the store, with its score breakdown when asked.
fn hit(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    search: &Search<'_>,
    score: f32,
    address: DocAddress,
) -> Result<Hit> {
    let mut hit = format::read(fields, &searcher.doc(address)?, score);
    if search.explain {
        let explanation = query.explain(searcher, address)?;
        hit.explanation = serde_json::to_value(&explanation).ok();
    }
    Ok(hit)
}

/// The best passage of each of the best `wanted` articles, best first. Passages are read
/// best first in growing batches until enough distinct articles are seen.
fn best_per_article(
    searcher: &Searcher,
    query: &dyn Query,
    wanted: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    let keys = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().u64(name::ARTICLE_KEY))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut batch = wanted.saturating_mul(4).max(64);
    loop {
        let top = searcher.search(query, &TopDocs::with_limit(batch).order_by_score())?;
        let mut seen = HashSet::new();
        let mut best = Vec::new();
        for (score, address) in &top {
            let key = keys[address.segment_ord as usize]
                .first(address.doc_id)
                .unwrap_or(u64::MAX);
            if seen.insert(key) {
                best.push((*score, *address));
                if best.len() == wanted {
                    return Ok(best);
                }
            }
        }
        if top.len() < batch {
            return Ok(best);
        }
        batch = batch.saturating_mul(4);
    }
}

/// Matching passages per article (by article key), in one pass over the matches.
pub fn passages_per_article(searcher: &Searcher, query: &dyn Query) -> Result<HashMap<u64, u64>> {
    Ok(searcher.search(query, &PassagesPerArticle)?)
}

/// The paragraphs of `article_id` within `n` of `paragraph`, in order, `paragraph` left out.
pub fn context(
    searcher: &Searcher,
    fields: &Fields,
    article_id: &str,
    paragraph: u64,
    n: usize,
) -> Result<Vec<ContextParagraph>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let low = paragraph.saturating_sub(n as u64);
    let high = paragraph.saturating_add(n as u64);
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.article_id, article_id),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.paragraph, low)),
                Bound::Included(Term::from_field_u64(fields.paragraph, high)),
            )),
        ),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(2 * n + 1).order_by_score())?;
    let mut paragraphs = Vec::new();
    for (_, address) in top {
        let doc = searcher.doc(address)?;
        let number = format::paragraph(fields, &doc);
        if number != paragraph {
            paragraphs.push(ContextParagraph {
                paragraph: number,
                text: format::body(fields, &doc),
            });
        }
    }
    paragraphs.sort_by_key(|p| p.paragraph);
    Ok(paragraphs)
}

/// Counts the matches of each article.
struct PassagesPerArticle;

/// Per-segment state of [`PassagesPerArticle`].
struct SegmentPassages {
    keys: tantivy::columnar::Column<u64>,
    counts: HashMap<u64, u64>,
}

impl Collector for PassagesPerArticle {
    type Fruit = HashMap<u64, u64>;
    type Child = SegmentPassages;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentPassages> {
        Ok(SegmentPassages {
            keys: segment.fast_fields().u64(name::ARTICLE_KEY)?,
            counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, u64>>) -> tantivy::Result<HashMap<u64, u64>> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *merged.entry(key).or_insert(0) += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentPassages {
    type Fruit = HashMap<u64, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(key) = self.keys.first(doc) {
            *self.counts.entry(key).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> HashMap<u64, u64> {
        self.counts
    }
}

/// Counts matches per period of the article date, with the distinct articles of each, and
/// the matches of undated articles.
pub struct TimelineCollector {
    /// The period length.
    pub interval: crate::backend::Interval,
}

/// Per-segment state of [`TimelineCollector`]: period start → (passages, article keys).
pub struct SegmentTimeline {
    interval: crate::backend::Interval,
    dates: tantivy::columnar::Column<tantivy::DateTime>,
    keys: tantivy::columnar::Column<u64>,
    periods: HashMap<String, (u64, Vec<u64>)>,
    undated: u64,
    /// The period of the last date seen: consecutive matches of one article share it.
    last: Option<(i64, String)>,
}

type TimelineFruit = (HashMap<String, (u64, Vec<u64>)>, u64);

impl Collector for TimelineCollector {
    type Fruit = TimelineFruit;
    type Child = SegmentTimeline;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentTimeline> {
        Ok(SegmentTimeline {
            interval: self.interval,
            dates: segment.fast_fields().date(name::DATE)?,
            keys: segment.fast_fields().u64(name::ARTICLE_KEY)?,
            periods: HashMap::new(),
            undated: 0,
            last: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<TimelineFruit>) -> tantivy::Result<TimelineFruit> {
        let mut merged: HashMap<String, (u64, Vec<u64>)> = HashMap::new();
        let mut undated = 0;
        for (periods, segment_undated) in fruits {
            undated += segment_undated;
            for (period, (passages, keys)) in periods {
                let entry = merged.entry(period).or_default();
                entry.0 += passages;
                entry.1.extend(keys);
            }
        }
        Ok((merged, undated))
    }
}

impl SegmentCollector for SegmentTimeline {
    type Fruit = TimelineFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(date) = self.dates.first(doc) else {
            self.undated += 1;
            return;
        };
        let seconds = date.into_timestamp_secs();
        let period = match &self.last {
            Some((at, period)) if *at == seconds => period.clone(),
            _ => {
                let period = self.interval.period(seconds);
                self.last = Some((seconds, period.clone()));
                period
            }
        };
        let entry = self.periods.entry(period).or_default();
        entry.0 += 1;
        entry.1.extend(self.keys.first(doc));
    }

    fn harvest(self) -> TimelineFruit {
        (self.periods, self.undated)
    }
}

/// Every matching passage's address, best first.
pub fn all_matches(searcher: &Searcher, query: &dyn Query) -> Result<Vec<DocAddress>> {
    let total = searcher.search(query, &Count)?;
    if total == 0 {
        return Ok(Vec::new());
    }
    let top = searcher.search(query, &TopDocs::with_limit(total).order_by_score())?;
    Ok(top.into_iter().map(|(_, address)| address).collect())
}

/// Every paragraph of `article_id`, in order.
pub fn article(searcher: &Searcher, fields: &Fields, article_id: &str) -> Result<Vec<Hit>> {
    let query = TermQuery::new(
        Term::from_field_text(fields.article_id, article_id),
        IndexRecordOption::Basic,
    );
    let mut paragraphs = Vec::new();
    for address in all_matches(searcher, &query)? {
        paragraphs.push(format::read(fields, &searcher.doc(address)?, 0.0));
    }
    paragraphs.sort_by_key(|hit| hit.paragraph);
    Ok(paragraphs)
}
