//! Facet counts over all matching passages: per value, how many passages match and in how
//! many distinct articles.
//!
//! tantivy's `FacetCollector` counts documents only; users also need articles ("North Korea:
//! 3 passages in 1 article"). This collector reads each match's facet ordinals and its
//! `article_key` column in the same pass as the top-hits collector.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use super::format::{facet_root, name};
use crate::backend::FacetCount;
use crate::query::request::FacetKind;

/// Counts the values of the requested facet kinds.
pub struct EntityFacetCollector {
    kinds: Vec<FacetKind>,
}

impl EntityFacetCollector {
    /// Counts `kinds` in the entity facets, with distinct articles told apart by their
    /// article key.
    pub fn new(kinds: &[FacetKind]) -> EntityFacetCollector {
        EntityFacetCollector {
            kinds: kinds.to_vec(),
        }
    }
}

/// Raw counts of one kind: value → (passages, article keys).
type KindCounts = HashMap<String, (u64, Vec<u64>)>;

/// The facet ordinals of one kind in a segment: `[start, end)`.
struct OrdRange {
    start: u64,
    end: u64,
    start_key: Vec<u8>,
    end_key: Vec<u8>,
}

/// Per-segment state.
pub struct SegmentFacetCollector {
    reader: FacetReader,
    keys: Column<u64>,
    ranges: Vec<OrdRange>,
    passages: Vec<Vec<u64>>,
    pairs: Vec<Vec<(u32, u64)>>,
}

impl Collector for EntityFacetCollector {
    type Fruit = Vec<Vec<FacetCount>>;
    type Child = SegmentFacetCollector;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let reader = segment.facet_reader(name::ENTITIES)?;
        let keys = segment.fast_fields().u64(name::ARTICLE_KEY)?;
        let ranges = self
            .kinds
            .iter()
            .map(|kind| ord_range(&reader, facet_root(*kind)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let passages = ranges
            .iter()
            .map(|r| vec![0; (r.end - r.start) as usize])
            .collect();
        let pairs = ranges.iter().map(|_| Vec::new()).collect();
        Ok(SegmentFacetCollector {
            reader,
            keys,
            ranges,
            passages,
            pairs,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<KindCounts>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: Vec<KindCounts> = self.kinds.iter().map(|_| HashMap::new()).collect();
        for segment in segments {
            for (kind, counts) in segment.into_iter().enumerate() {
                add_counts(&mut merged[kind], counts);
            }
        }
        Ok(merged.into_iter().map(finish).collect())
    }
}

impl SegmentCollector for SegmentFacetCollector {
    type Fruit = Vec<KindCounts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let key = self.keys.first(doc).unwrap_or(0);
        for ord in self.reader.facet_ords(doc) {
            for (kind, range) in self.ranges.iter().enumerate() {
                if ord >= range.start && ord < range.end {
                    let local = ord - range.start;
                    self.passages[kind][local as usize] += 1;
                    self.pairs[kind].push((local as u32, key));
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.ranges
            .iter()
            .zip(self.passages)
            .zip(self.pairs)
            .map(|((range, passages), pairs)| {
                let mut keys_by_ord: HashMap<u32, Vec<u64>> = HashMap::new();
                for (local, key) in pairs {
                    keys_by_ord.entry(local).or_default().push(key);
                }
                let mut counts = KindCounts::new();
                // The counted values are read in one pass over the range of the dictionary:
                // looking each ordinal up alone would decompress its block again every time.
                let _ = for_each_value(&self.reader, range, &mut |ord, value| {
                    let local = (ord - range.start) as usize;
                    let count = passages.get(local).copied().unwrap_or(0);
                    if count > 0 {
                        let keys = keys_by_ord.remove(&(local as u32)).unwrap_or_default();
                        counts.insert(value.to_string(), (count, keys));
                    }
                });
                counts
            })
            .collect()
    }
}

/// Adds one segment's counts of a kind to those of the segments before it.
fn add_counts(merged: &mut KindCounts, counts: KindCounts) {
    for (value, (passages, keys)) in counts {
        let entry = merged.entry(value).or_default();
        entry.0 += passages;
        entry.1.extend(keys);
    }
}

/// Calls `visit` with the ordinal and value of every direct child of the range's root
/// (`/country/KP`, not deeper levels), in ordinal order.
fn for_each_value(
    reader: &FacetReader,
    range: &OrdRange,
    visit: &mut dyn FnMut(u64, &str),
) -> tantivy::Result<()> {
    let mut stream = reader
        .facet_dict()
        .range()
        .ge(&range.start_key)
        .lt(&range.end_key)
        .into_stream()?;
    while stream.advance() {
        // Encoded facets separate path segments with a NUL byte: `country\0KP`.
        let mut segments = stream.key().split(|&b| b == 0);
        let (Some(_root), Some(value), None) = (segments.next(), segments.next(), segments.next())
        else {
            continue;
        };
        if let Ok(value) = std::str::from_utf8(value) {
            visit(stream.term_ord(), value);
        }
    }
    Ok(())
}

fn ord_range(reader: &FacetReader, root: &str) -> tantivy::Result<OrdRange> {
    let dictionary = reader.facet_dict();
    let first_at_or_after = |key: &[u8]| -> tantivy::Result<u64> {
        let mut stream = dictionary.range().ge(key).into_stream()?;
        Ok(if stream.advance() {
            stream.term_ord()
        } else {
            dictionary.num_terms() as u64
        })
    };
    // Encoded facets separate segments with a NUL byte: `country\0KP`.
    let mut start_key = root.as_bytes().to_vec();
    start_key.push(0);
    let mut end_key = root.as_bytes().to_vec();
    end_key.push(1);
    Ok(OrdRange {
        start: first_at_or_after(&start_key)?,
        end: first_at_or_after(&end_key)?,
        start_key,
        end_key,
    })
}

/// Counts distinct articles and sorts values: most passages first, then most articles,
/// then by value.
fn finish(counts: KindCounts) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, (passages, mut keys))| {
            keys.sort_unstable();
            keys.dedup();
            FacetCount {
                value,
                passages,
                articles: keys.len() as u64,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.passages
            .cmp(&a.passages)
            .then(b.articles.cmp(&a.articles))
            .then(a.value.cmp(&b.value))
    });
    out
}

/// Counts the values of a raw string field that is indexed but not a fast field (the
/// author): passages and distinct articles per value, like [`EntityFacetCollector`].
///
/// Each segment's term dictionary is un-inverted once into a document → value table, so
/// the cost is one walk over the field's postings plus one look-up per match.
pub struct FieldValueCollector {
    field: Field,
}

impl FieldValueCollector {
    /// Counts the values of `field`, with distinct articles told apart by their article
    /// key.
    pub fn new(field: Field) -> FieldValueCollector {
        FieldValueCollector { field }
    }
}

/// Per-segment state of [`FieldValueCollector`].
pub struct SegmentFieldValueCollector {
    keys: Column<u64>,
    /// The value (index into `values`) of each document, `u32::MAX` for none.
    value_of: Vec<u32>,
    values: Vec<String>,
    passages: Vec<u64>,
    pairs: Vec<(u32, u64)>,
}

impl Collector for FieldValueCollector {
    type Fruit = Vec<FacetCount>;
    type Child = SegmentFieldValueCollector;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let keys = segment.fast_fields().u64(name::ARTICLE_KEY)?;
        let mut value_of = vec![u32::MAX; segment.max_doc() as usize];
        let mut values = Vec::new();
        let inverted = segment.inverted_index(self.field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let local = values.len() as u32;
            values.push(String::from_utf8_lossy(terms.key()).into_owned());
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                value_of[doc as usize] = local;
                doc = postings.advance();
            }
        }
        Ok(SegmentFieldValueCollector {
            keys,
            value_of,
            passages: vec![0; values.len()],
            values,
            pairs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<KindCounts>) -> tantivy::Result<Self::Fruit> {
        let mut merged = KindCounts::new();
        for counts in segments {
            add_counts(&mut merged, counts);
        }
        Ok(finish(merged))
    }
}

impl SegmentCollector for SegmentFieldValueCollector {
    type Fruit = KindCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(&local) = self.value_of.get(doc as usize) else {
            return;
        };
        if local != u32::MAX {
            self.passages[local as usize] += 1;
            self.pairs.push((local, self.keys.first(doc).unwrap_or(0)));
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut keys_by_value: HashMap<u32, Vec<u64>> = HashMap::new();
        for (local, key) in self.pairs {
            keys_by_value.entry(local).or_default().push(key);
        }
        self.values
            .into_iter()
            .zip(self.passages)
            .enumerate()
            .filter(|(_, (_, passages))| *passages > 0)
            .map(|(local, (value, passages))| {
                let keys = keys_by_value.remove(&(local as u32)).unwrap_or_default();
                (value, (passages, keys))
            })
            .collect()
    }
}

/// Every value of a facet kind in the index (deleted documents included until merged).
pub fn values(searcher: &tantivy::Searcher, kind: FacetKind) -> tantivy::Result<Vec<String>> {
    let mut values = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let reader = segment.facet_reader(name::ENTITIES)?;
        let range = ord_range(&reader, facet_root(kind))?;
        for_each_value(&reader, &range, &mut |_, value| {
            values.insert(value.to_string());
        })?;
    }
    Ok(values.into_iter().collect())
}
