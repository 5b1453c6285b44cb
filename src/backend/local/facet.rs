//! Facet counts over all matching passages: per value, how many passages match and in how
//! many distinct articles.
//!
//! tantivy's `FacetCollector` counts documents only; users also need articles ("North Korea:
//! 3 passages in 1 article"). This collector reads each match's facet ordinals, and what
//! tells its article apart, in the same pass as the top-hits collector: in an index whose
//! articles are runs of consecutive documents, the document of its paragraph 0 (articles are
//! then counted as they come); else its `article_key` (kept, and told apart at the end).
//!
//! Which ordinals of a segment's facet dictionary belong to a kind, and the value of each,
//! never change (segments are immutable), yet reading them decompresses dictionary blocks:
//! a fifth of a warm query's time. [`FacetDictionaries`] reads them once per segment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::{AliveBitSet, FacetReader};
use tantivy::index::InvertedIndexReader;
use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, Term, TERMINATED};

use super::format::{self, facet_root, name};
use crate::backend::FacetCount;
use crate::query::request::FacetKind;

/// Counts the values of the requested facet kinds.
pub struct EntityFacetCollector<'a> {
    kinds: Vec<FacetKind>,
    dictionaries: &'a FacetDictionaries,
    counting: ArticleCounting,
}

impl EntityFacetCollector<'_> {
    /// Counts `kinds` in the entity facets, with distinct articles told apart as
    /// `counting` says; the values are read from `dictionaries`.
    pub fn new<'a>(
        kinds: &[FacetKind],
        dictionaries: &'a FacetDictionaries,
        counting: ArticleCounting,
    ) -> EntityFacetCollector<'a> {
        EntityFacetCollector {
            kinds: kinds.to_vec(),
            dictionaries,
            counting,
        }
    }
}

/// The values of each facet kind in each segment seen, read from its dictionary once, and
/// the columns facet counts read there, opened once (opening a column looks it up in the
/// segment's column directory and reads its header, the entity column's dictionary index
/// too: 3-4% of a warm query when done for every query): an open index keeps one, and
/// forgets the segments a reload no longer lists.
#[derive(Default)]
pub struct FacetDictionaries {
    read: Mutex<HashMap<(SegmentId, FacetKind), Arc<KindValues>>>,
    /// The entity facets of each passage.
    entities: Mutex<HashMap<SegmentId, StrColumn>>,
    /// What tells a passage's article apart (see [`ArticleCounting`]).
    articles: Mutex<HashMap<(SegmentId, ArticleCounting), Column<u64>>>,
}

/// The values of one facet kind in one segment: its ordinals `[start, start + len)`, and
/// the value of each (`None` for a deeper level, such as a place under its country).
pub struct KindValues {
    start: u64,
    values: Vec<Option<Box<str>>>,
}

impl KindValues {
    /// Reads the values of the kind under `root` from a segment's facet dictionary, in one
    /// pass: the kind's ordinals are consecutive, and a dictionary stream costs a block
    /// look-up and decompression each time it is opened (three streams a kind took a
    /// quarter of a millisecond of a cold query over 4 segments).
    fn read(reader: &FacetReader, root: &str) -> tantivy::Result<KindValues> {
        // Encoded facets separate path segments with a NUL byte: `country\0KP`.
        let mut start_key = root.as_bytes().to_vec();
        start_key.push(0);
        let mut end_key = root.as_bytes().to_vec();
        end_key.push(1);
        let mut stream = reader
            .facet_dict()
            .range()
            .ge(&start_key)
            .lt(&end_key)
            .into_stream()?;
        let mut start = None;
        let mut values = Vec::new();
        while stream.advance() {
            start.get_or_insert(stream.term_ord());
            values.push(direct_child(stream.key()).map(Box::from));
        }
        Ok(KindValues {
            start: start.unwrap_or(0),
            values,
        })
    }

    /// The first ordinal past the kind's.
    fn end(&self) -> u64 {
        self.start + self.values.len() as u64
    }

    /// The kind's position of a facet ordinal, when the ordinal is one of the kind's.
    fn local(&self, ord: u64) -> Option<usize> {
        let local = ord.checked_sub(self.start)? as usize;
        (local < self.values.len()).then_some(local)
    }

    /// Every value, in ordinal order.
    fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().flatten().map(|value| &**value)
    }
}

impl FacetDictionaries {
    /// The values of `kind` in `segment`, read on first use.
    pub fn of(&self, segment: &SegmentReader, kind: FacetKind) -> tantivy::Result<Arc<KindValues>> {
        cached(&self.read, (segment.segment_id(), kind), || {
            let reader = FacetReader::new(self.entities(segment)?);
            Ok(Arc::new(KindValues::read(&reader, facet_root(kind))?))
        })
    }

    /// The entity facet column of `segment`, opened on first use.
    fn entities(&self, segment: &SegmentReader) -> tantivy::Result<StrColumn> {
        cached(&self.entities, segment.segment_id(), || {
            segment.fast_fields().str(name::ENTITIES)?.ok_or_else(|| {
                tantivy::TantivyError::SchemaError(format!("no `{}` column", name::ENTITIES))
            })
        })
    }

    /// The column that tells the articles of `segment` apart as `counting` says, opened on
    /// first use.
    fn articles(
        &self,
        segment: &SegmentReader,
        counting: ArticleCounting,
    ) -> tantivy::Result<Column<u64>> {
        cached(&self.articles, (segment.segment_id(), counting), || {
            segment.fast_fields().u64(match counting {
                ArticleCounting::Runs => name::PARAGRAPH,
                ArticleCounting::Keys => name::ARTICLE_KEY,
            })
        })
    }

    /// Forgets every segment `searcher` does not list (merged away since).
    pub fn keep_only(&self, searcher: &tantivy::Searcher) {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.segment_id())
            .collect();
        lock(&self.read).retain(|(segment, _), _| live.contains(segment));
        lock(&self.entities).retain(|segment, _| live.contains(segment));
        lock(&self.articles).retain(|(segment, _), _| live.contains(segment));
    }
}

/// The value `map` holds for `key`, made by `make` and kept on first use. `make` runs
/// without the lock: another thread asking for the same key at worst repeats it.
fn cached<K: std::hash::Hash + Eq, V: Clone>(
    map: &Mutex<HashMap<K, V>>,
    key: K,
    make: impl FnOnce() -> tantivy::Result<V>,
) -> tantivy::Result<V> {
    if let Some(value) = lock(map).get(&key) {
        return Ok(value.clone());
    }
    let value = make()?;
    lock(map).insert(key, value.clone());
    Ok(value)
}

/// A map of [`FacetDictionaries`], locked.
fn lock<K, V>(map: &Mutex<HashMap<K, V>>) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
    // A panic while holding the lock leaves a map that is still whole.
    map.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One value's raw counts: its passages, and its articles, counted already (from runs)
/// or as article keys still to be told apart across segments.
#[derive(Debug, Default)]
pub struct Tally {
    passages: u64,
    articles: u64,
    keys: Vec<u64>,
}

/// Raw counts of one kind, by value.
type KindCounts = HashMap<String, Tally>;

/// How a segment's matches tell their articles apart, for distinct-article counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleCounting {
    /// Each article's passages are consecutive documents of one segment (see
    /// `LedeIndex::articles_contiguous`): an article is a run of documents starting at its
    /// paragraph 0, so a value's articles are counted as the matches come, segment by
    /// segment, with no key to keep.
    Runs,
    /// Each match's article key is kept and the keys of a value told apart at the end.
    Keys,
}

/// One kind's articles in a segment: counted per value (from runs), or the keys kept per
/// value.
type KindArticles = (Vec<u64>, HashMap<u32, Vec<u64>>);

/// Per-segment article counting (see [`ArticleCounting`]).
enum SegmentArticles {
    /// The paragraph column, and per kind and value the first document of the last article
    /// counted and the articles counted.
    Runs {
        paragraphs: Column<u64>,
        last: Vec<Vec<u64>>,
        counted: Vec<Vec<u64>>,
    },
    /// The article key column, and per kind the (value, key) pairs seen.
    Keys {
        keys: Column<u64>,
        pairs: Vec<Vec<(u32, u64)>>,
    },
}

impl SegmentArticles {
    /// Counting as `counting` says, from `column`: the paragraph column for runs, the
    /// article key column for keys.
    fn new(
        counting: ArticleCounting,
        column: Column<u64>,
        kinds: &[Arc<KindValues>],
    ) -> SegmentArticles {
        match counting {
            ArticleCounting::Runs => SegmentArticles::Runs {
                paragraphs: column,
                last: kinds
                    .iter()
                    .map(|k| vec![u64::MAX; k.values.len()])
                    .collect(),
                counted: kinds.iter().map(|k| vec![0; k.values.len()]).collect(),
            },
            ArticleCounting::Keys => SegmentArticles::Keys {
                keys: column,
                pairs: kinds.iter().map(|_| Vec::new()).collect(),
            },
        }
    }

    /// What tells `doc`'s article apart: the document of its paragraph 0, or its key.
    fn article_of(&self, doc: DocId) -> u64 {
        match self {
            SegmentArticles::Runs { paragraphs, .. } => {
                u64::from(doc).saturating_sub(paragraphs.first(doc).unwrap_or(0))
            }
            SegmentArticles::Keys { keys, .. } => keys.first(doc).unwrap_or(0),
        }
    }

    /// Counts `article` for value `local` of kind `kind`. With runs, documents come in
    /// order and an article's are consecutive, so an article differing from the value's
    /// last one is a new one.
    fn record(&mut self, kind: usize, local: usize, article: u64) {
        match self {
            SegmentArticles::Runs { last, counted, .. } => {
                if last[kind][local] != article {
                    last[kind][local] = article;
                    counted[kind][local] += 1;
                }
            }
            SegmentArticles::Keys { pairs, .. } => pairs[kind].push((local as u32, article)),
        }
    }

    /// Per kind, the articles counted for each value and the keys kept for each value.
    fn into_kinds(self) -> Vec<KindArticles> {
        match self {
            SegmentArticles::Runs { counted, .. } => counted
                .into_iter()
                .map(|counted| (counted, HashMap::new()))
                .collect(),
            SegmentArticles::Keys { pairs, .. } => pairs
                .into_iter()
                .map(|pairs| (Vec::new(), keys_by_value(pairs)))
                .collect(),
        }
    }
}

/// Per-segment state.
pub struct SegmentFacetCollector {
    reader: FacetReader,
    kinds: Vec<Arc<KindValues>>,
    /// The first ordinal past every counted kind's.
    end: u64,
    passages: Vec<Vec<u64>>,
    articles: SegmentArticles,
}

impl Collector for EntityFacetCollector<'_> {
    type Fruit = Vec<Vec<FacetCount>>;
    type Child = SegmentFacetCollector;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let reader = FacetReader::new(self.dictionaries.entities(segment)?);
        let kinds = self
            .kinds
            .iter()
            .map(|kind| self.dictionaries.of(segment, *kind))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let passages = kinds.iter().map(|k| vec![0; k.values.len()]).collect();
        let end = kinds.iter().map(|k| k.end()).max().unwrap_or(0);
        let column = self.dictionaries.articles(segment, self.counting)?;
        let articles = SegmentArticles::new(self.counting, column, &kinds);
        Ok(SegmentFacetCollector {
            reader,
            kinds,
            end,
            passages,
            articles,
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
        let mut article = None;
        // tantivy keeps a document's facet ordinals sorted (it sorts the values within a row
        // of a facet column), and countries, the kind most asked for, have the first ones:
        // the ordinals past the counted kinds' are not read.
        for ord in self.reader.facet_ords(doc) {
            if ord >= self.end {
                break;
            }
            for (kind, values) in self.kinds.iter().enumerate() {
                if let Some(local) = values.local(ord) {
                    let article = *article.get_or_insert_with(|| self.articles.article_of(doc));
                    self.passages[kind][local] += 1;
                    self.articles.record(kind, local, article);
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let articles = self.articles.into_kinds();
        self.kinds
            .iter()
            .zip(self.passages)
            .zip(articles)
            .map(|((values, passages), (counted, mut keys_by_value))| {
                let mut counts = KindCounts::new();
                for (local, count) in passages.into_iter().enumerate() {
                    let Some(value) = values.values[local].as_deref() else {
                        continue;
                    };
                    if count > 0 {
                        let tally = Tally {
                            passages: count,
                            articles: counted.get(local).copied().unwrap_or(0),
                            keys: keys_by_value.remove(&(local as u32)).unwrap_or_default(),
                        };
                        counts.insert(value.to_string(), tally);
                    }
                }
                counts
            })
            .collect()
    }
}

/// The article keys of each value, from (value, key) pairs.
fn keys_by_value(pairs: Vec<(u32, u64)>) -> HashMap<u32, Vec<u64>> {
    let mut keys: HashMap<u32, Vec<u64>> = HashMap::new();
    for (local, key) in pairs {
        keys.entry(local).or_default().push(key);
    }
    keys
}

/// Adds one segment's counts of a kind to those of the segments before it. An article
/// lies in one segment, so articles counted from runs add up.
fn add_counts(merged: &mut KindCounts, counts: KindCounts) {
    for (value, tally) in counts {
        let entry = merged.entry(value).or_default();
        entry.passages += tally.passages;
        entry.articles += tally.articles;
        entry.keys.extend(tally.keys);
    }
}

/// The value of an encoded facet one level under its root (`country\0KP` → `KP`), `None`
/// for the root itself or a deeper level (`place\0RU\0Vladivostok`).
fn direct_child(key: &[u8]) -> Option<&str> {
    let mut segments = key.split(|&b| b == 0);
    match (segments.next(), segments.next(), segments.next()) {
        (Some(_root), Some(value), None) => std::str::from_utf8(value).ok(),
        _ => None,
    }
}

/// Counts distinct articles and sorts values: most passages first, then most articles,
/// then by value.
fn finish(counts: KindCounts) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, mut tally)| {
            tally.keys.sort_unstable();
            tally.keys.dedup();
            FacetCount {
                value,
                passages: tally.passages,
                articles: tally.articles + tally.keys.len() as u64,
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
        let mut keys_by_value = keys_by_value(self.pairs);
        self.values
            .into_iter()
            .zip(self.passages)
            .enumerate()
            .filter(|(_, (_, passages))| *passages > 0)
            .map(|(local, (value, passages))| {
                let keys = keys_by_value.remove(&(local as u32)).unwrap_or_default();
                let tally = Tally {
                    passages,
                    articles: 0,
                    keys,
                };
                (value, tally)
            })
            .collect()
    }
}

/// Every value of a facet kind in the index (deleted documents included until merged),
/// sorted.
pub fn values(
    searcher: &tantivy::Searcher,
    dictionaries: &FacetDictionaries,
    kind: FacetKind,
) -> tantivy::Result<Vec<String>> {
    let segments = searcher
        .segment_readers()
        .iter()
        .map(|segment| dictionaries.of(segment, kind))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let merged = segments.iter().fold(Vec::new(), |merged, kind_values| {
        merge_sorted(&merged, kind_values.values())
    });
    Ok(merged.into_iter().map(str::to_string).collect())
}

/// The live passages holding each of `values` of `kind` (values held by none left out),
/// from the postings of the entity field: a value's document frequency in a segment
/// without deleted passages, its live postings counted in one with some. Counting them
/// by a search with the values as a filter took 8 of the 25 million instructions of a cold
/// `--facet person` query on Reuters (every lone surname and the full names it may join).
pub fn passages_of(
    searcher: &tantivy::Searcher,
    entities: Field,
    kind: FacetKind,
    values: &[String],
) -> tantivy::Result<HashMap<String, u64>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(entities)?;
        let alive = segment.alive_bitset();
        for value in values {
            let term = format::facet_term(entities, kind, value);
            let passages = match alive {
                None => u64::from(index.doc_freq(&term)?),
                Some(alive) => live_postings(&index, &term, alive)?,
            };
            if passages > 0 {
                *counts.entry(value.clone()).or_default() += passages;
            }
        }
    }
    Ok(counts)
}

/// The documents of `term`'s postings that `alive` keeps.
fn live_postings(
    index: &InvertedIndexReader,
    term: &Term,
    alive: &AliveBitSet,
) -> tantivy::Result<u64> {
    let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? else {
        return Ok(0);
    };
    let mut live = 0;
    while postings.doc() != TERMINATED {
        live += u64::from(alive.is_alive(postings.doc()));
        postings.advance();
    }
    Ok(live)
}

/// The distinct values of two lists each sorted and distinct, in order. A segment's
/// dictionary keeps its values in byte order, which is `str`'s: merging them costs a
/// comparison a value, where collecting them into a set cost 9 of the 33 million
/// instructions of a cold `--facet person` query (5,363 people in two segments).
fn merge_sorted<'a>(merged: &[&'a str], more: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(merged.len());
    let mut merged = merged.iter().copied().peekable();
    for value in more {
        while let Some(earlier) = merged.next_if(|earlier| *earlier < value) {
            out.push(earlier);
        }
        merged.next_if_eq(&value);
        out.push(value);
    }
    out.extend(merged);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Facet, FacetOptions, Schema};
    use tantivy::{Index, TantivyDocument};

    /// The collector stops reading a document's ordinals past the counted kinds': that holds
    /// only while tantivy keeps them sorted, whatever order they were added in.
    #[test]
    fn a_documents_facet_ordinals_come_sorted_whatever_order_they_were_added_in() {
        let mut builder = Schema::builder();
        let entities = builder.add_facet_field("entities", FacetOptions::default());
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for paths in [
            [
                "/place/RU/Moscow",
                "/person/Vladimir Putin",
                "/org/Kremlin",
                "/country/RU",
            ],
            [
                "/person/Kim Jong Un",
                "/country/KP",
                "/country/CN",
                "/org/Workers Party",
            ],
        ] {
            let mut doc = TantivyDocument::default();
            for path in paths {
                doc.add_facet(entities, Facet::from(path));
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0).facet_reader("entities").unwrap();
        for doc in 0..2 {
            let ords: Vec<u64> = reader.facet_ords(doc).collect();
            assert_eq!(ords.len(), 4);
            assert!(ords.windows(2).all(|w| w[0] < w[1]), "{ords:?}");
            let mut first = Facet::root();
            reader.facet_from_ord(ords[0], &mut first).unwrap();
            assert!(first.to_path_string().starts_with("/country/"), "{first}");
        }
    }

    /// Names whose byte order is not their order as lower-cased or accented letters would
    /// sort, in segments that share some.
    #[test]
    fn the_values_of_a_kind_are_every_segments_sorted_once() {
        let mut builder = Schema::builder();
        let entities = builder.add_facet_field(name::ENTITIES, FacetOptions::default());
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let segments: [&[&str]; 3] = [
            &["Zoë Ball", "anne Smith", "Émile Zola", "Kim Jong Un"],
            &["Kim Jong Un", "Ångström", "Zoe Ball", "Vladimir Putin"],
            &["Émile Zola", "Abe", "Kim", "Kim Jong-un"],
        ];
        let mut expected = std::collections::BTreeSet::new();
        for people in segments {
            for person in people {
                let mut doc = TantivyDocument::default();
                doc.add_facet(entities, Facet::from(&format!("/person/{person}")[..]));
                doc.add_facet(entities, Facet::from("/place/RU/Moscow"));
                doc.add_facet(entities, Facet::from("/country/RU"));
                writer.add_document(doc).unwrap();
                expected.insert(person.to_string());
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let found = values(&searcher, &FacetDictionaries::default(), FacetKind::Person).unwrap();
        assert_eq!(found, expected.into_iter().collect::<Vec<_>>());
        let countries =
            values(&searcher, &FacetDictionaries::default(), FacetKind::Country).unwrap();
        assert_eq!(countries, ["RU"]);
    }

    proptest::proptest! {
        #[test]
        fn merging_sorted_lists_is_their_sorted_union(
            a in proptest::collection::btree_set("[a-cÅé ]{0,4}", 0..20),
            b in proptest::collection::btree_set("[a-cÅé ]{0,4}", 0..20),
        ) {
            let first: Vec<&str> = a.iter().map(String::as_str).collect();
            let merged = merge_sorted(&first, b.iter().map(String::as_str));
            let union: Vec<&str> = a.union(&b).map(String::as_str).collect();
            proptest::prop_assert_eq!(merged, union);
        }
    }

    /// Passages of each person over segments with and without deleted passages, against
    /// a count of the passages written and not deleted.
    #[test]
    fn passages_of_values_count_live_passages_only() {
        let mut builder = Schema::builder();
        let entities = builder.add_facet_field(name::ENTITIES, FacetOptions::default());
        let id = builder.add_text_field("id", tantivy::schema::STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let people = [
            "Baker",
            "James Baker",
            "Reagan",
            "Ronald Reagan",
            "Émile Zola",
        ];
        let mut written = Vec::new();
        for segment in 0..3 {
            for passage in 0..40 {
                let n = segment * 40 + passage;
                let held: Vec<&str> = people
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (n * (i + 3)) % (i + 2) == 0)
                    .map(|(_, person)| *person)
                    .collect();
                let mut doc = TantivyDocument::default();
                doc.add_text(id, n.to_string());
                for person in &held {
                    doc.add_facet(entities, Facet::from_path(["person", person]));
                }
                writer.add_document(doc).unwrap();
                written.push((n, held));
            }
            writer.commit().unwrap();
        }
        // Deleted from the first two segments; the third keeps every passage.
        let deleted = |n: usize| n < 80 && n % 3 == 0;
        for (n, _) in &written {
            if deleted(*n) {
                writer.delete_term(Term::from_field_text(id, &n.to_string()));
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let with_deletes = searcher
            .segment_readers()
            .iter()
            .filter(|segment| segment.alive_bitset().is_some())
            .count();
        assert_eq!((searcher.segment_readers().len(), with_deletes), (3, 2));
        let mut asked: Vec<String> = people.iter().map(|p| p.to_string()).collect();
        asked.push("Nobody".into());
        let counted = passages_of(&searcher, entities, FacetKind::Person, &asked).unwrap();
        let mut expected: HashMap<String, u64> = HashMap::new();
        for (n, held) in &written {
            for person in held.iter().filter(|_| !deleted(*n)) {
                *expected.entry(person.to_string()).or_default() += 1;
            }
        }
        assert_eq!(counted, expected);
        assert!(!counted.contains_key("Nobody"));
    }
}
