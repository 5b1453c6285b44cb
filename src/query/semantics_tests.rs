//! The query language against a brute-force evaluator.
//!
//! Random query trees (words, phrases with and without slop, prefixes, exclusions, OR,
//! groups, fields, nesting) are written out as query text, run through the whole query
//! engine over a small generated corpus, and the passages found are compared with a direct
//! evaluation of the same tree over each passage's analysed words. The evaluator reads the
//! generated tree, never lede's parse of the text, so a misreading anywhere between the
//! text and the index (parser, plan, backend) shows up as a difference.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::request::{QueryRequest, WordMatch};
use super::QueryEngine;
use crate::backend::local::{LocalReader, LocalWriter, DEFAULT_MEMORY_BUDGET};
use crate::backend::opensearch::{Address, OpenSearchReader, OpenSearchWriter};
use crate::ingest::{ingest, IngestOptions, Strict};
use crate::source::PathNames;

/// Words of the generated corpus and queries; none is a function word, and each is its own
/// stem's only spelling here.
const VOCABULARY: [&str; 8] = [
    "apple", "banana", "cherry", "grape", "lemon", "mango", "olive", "peach",
];
/// Words passages hold besides the vocabulary, so that phrases have gaps.
const FILLER: [&str; 2] = ["river", "stone"];
/// Articles in the generated corpus.
const ARTICLES: usize = 40;

/// A query as generated.
#[derive(Debug, Clone)]
enum Q {
    Word(usize, Option<Field>),
    Phrase(Vec<usize>, u32, Option<Field>),
    Prefix(usize, usize, Option<Field>),
    And(Vec<Q>),
    Or(Vec<Q>),
    Not(Box<Q>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Body,
}

impl Field {
    fn prefix(field: Option<Field>) -> &'static str {
        match field {
            None => "",
            Some(Field::Title) => "title:",
            Some(Field::Body) => "body:",
        }
    }
}

/// One passage as the evaluator sees it: the analysed words of its title and paragraph.
struct Passage {
    key: (String, u64),
    title: Vec<String>,
    body: Vec<String>,
}

fn analyse(text: &str) -> Vec<String> {
    let mut analyzer = crate::analyzer::en_stem();
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().text.clone());
    }
    tokens
}

fn stem(word: usize) -> String {
    analyse(VOCABULARY[word]).remove(0)
}

impl Q {
    /// The query text.
    fn text(&self) -> String {
        match self {
            Q::Word(w, field) => format!("{}{}", Field::prefix(*field), VOCABULARY[*w]),
            Q::Phrase(words, slop, field) => {
                let words: Vec<&str> = words.iter().map(|w| VOCABULARY[*w]).collect();
                let slop = if *slop > 0 {
                    format!("~{slop}")
                } else {
                    String::new()
                };
                format!("{}\"{}\"{slop}", Field::prefix(*field), words.join(" "))
            }
            Q::Prefix(w, len, field) => {
                format!("{}{}*", Field::prefix(*field), &stem(*w)[..*len])
            }
            Q::And(parts) => parts
                .iter()
                .map(|p| match p {
                    Q::Or(_) | Q::And(_) => format!("({})", p.text()),
                    _ => p.text(),
                })
                .collect::<Vec<_>>()
                .join(" "),
            Q::Or(parts) => parts
                .iter()
                .map(|p| match p {
                    Q::Or(_) => format!("({})", p.text()),
                    _ => p.text(),
                })
                .collect::<Vec<_>>()
                .join(" OR "),
            Q::Not(inner) => match inner.as_ref() {
                Q::Word(..) | Q::Phrase(..) | Q::Prefix(..) => format!("-{}", inner.text()),
                _ => format!("-({})", inner.text()),
            },
        }
    }

    /// Whether `passage` matches: words in order for a phrase (within `slop` positions for
    /// two words), every positive part and no excluded part for AND (any positive part
    /// with `rules.any`), any part for OR, the complement for an exclusion anywhere.
    fn matches(&self, passage: &Passage, rules: Rules) -> bool {
        let any = rules.any;
        let in_fields = |field: Option<Field>, test: &dyn Fn(&[String]) -> bool| match field {
            None => test(&passage.title) || test(&passage.body),
            Some(Field::Title) => test(&passage.title),
            Some(Field::Body) => test(&passage.body),
        };
        match self {
            Q::Word(w, field) => {
                let stem = stem(*w);
                in_fields(*field, &|tokens| tokens.contains(&stem))
            }
            Q::Phrase(words, slop, field) => {
                let stems: Vec<String> = words.iter().map(|w| stem(*w)).collect();
                in_fields(*field, &|tokens| {
                    phrase_at(tokens, &stems, *slop, rules.engine)
                })
            }
            Q::Prefix(w, len, field) => {
                let prefix = stem(*w)[..*len].to_string();
                in_fields(*field, &|tokens| {
                    tokens.iter().any(|t| t.starts_with(&prefix))
                })
            }
            Q::Or(parts) => parts.iter().any(|p| p.matches(passage, rules)),
            Q::Not(inner) => !inner.matches(passage, rules),
            Q::And(parts) => {
                let (excluded, positive): (Vec<&Q>, Vec<&Q>) =
                    parts.iter().partition(|p| matches!(p, Q::Not(_)));
                let positives = positive.iter().map(|p| p.matches(passage, rules));
                let positive_ok = positive.is_empty()
                    || if any {
                        positives.into_iter().any(|m| m)
                    } else {
                        positives.into_iter().all(|m| m)
                    };
                positive_ok && excluded.iter().all(|p| p.matches(passage, rules))
            }
        }
    }
}

/// How a query is evaluated.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// Any of the words instead of all.
    any: bool,
    /// The index answering.
    engine: Engine,
}

/// The two indexes differ in one rule, of sloppy phrases repeating a word (`"grape
/// grape"~1`): tantivy lets one occurrence stand for both words, Lucene needs two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Tantivy,
    Lucene,
}

/// Whether `stems` stand in `tokens` in order; with two words, the second within `slop`
/// positions of where it would stand in an exact phrase (a sloppy phrase; see [`Engine`]
/// for a repeated word).
fn phrase_at(tokens: &[String], stems: &[String], slop: u32, engine: Engine) -> bool {
    if stems.len() == 2 && slop > 0 {
        let at = |stem: &String| -> Vec<i64> {
            tokens
                .iter()
                .enumerate()
                .filter(|(_, t)| *t == stem)
                .map(|(i, _)| i as i64)
                .collect()
        };
        let (firsts, seconds) = (at(&stems[0]), at(&stems[1]));
        return firsts.iter().any(|first| {
            seconds
                .iter()
                .filter(|second| engine == Engine::Tantivy || *second != first)
                .any(|second| (second - 1 - first).unsigned_abs() <= u64::from(slop))
        });
    }
    tokens.windows(stems.len()).any(|window| window == stems)
}

fn leaf() -> impl Strategy<Value = Q> {
    let field = prop_oneof![
        4 => Just(None),
        1 => Just(Some(Field::Title)),
        1 => Just(Some(Field::Body)),
    ];
    let word = 0..VOCABULARY.len();
    prop_oneof![
        4 => (word.clone(), field.clone()).prop_map(|(w, f)| Q::Word(w, f)),
        // Slop only with two words: tantivy's sloppy phrases of more words are a heuristic
        // this evaluator does not model.
        1 => (word.clone(), word.clone(), 0u32..4, field.clone())
            .prop_map(|(a, b, slop, f)| Q::Phrase(vec![a, b], slop, f)),
        1 => (proptest::collection::vec(word.clone(), 3), field.clone())
            .prop_map(|(words, f)| Q::Phrase(words, 0, f)),
        1 => (word, 2usize..4, field).prop_map(|(w, len, f)| Q::Prefix(w, len, f)),
    ]
}

fn query() -> impl Strategy<Value = Q> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            3 => proptest::collection::vec(inner.clone(), 2..4).prop_map(Q::And),
            2 => proptest::collection::vec(inner.clone(), 2..4).prop_map(Q::Or),
            1 => inner.prop_map(|q| Q::Not(Box::new(q))),
        ]
    })
}

/// A small deterministic corpus as JSON Lines, and its passages as the evaluator sees them.
fn corpus() -> (String, Vec<Passage>) {
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    let mut words = |count: usize| -> String {
        (0..count)
            .map(|_| {
                let i = next(VOCABULARY.len() + FILLER.len());
                VOCABULARY.get(i).copied().unwrap_or(FILLER[i % 2])
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut lines = String::new();
    let mut passages = Vec::new();
    for article in 0..ARTICLES {
        let title = words(1 + article % 3);
        let paragraphs: Vec<String> = (0..1 + article % 3)
            .map(|p| words(3 + (article + p) % 8) + ".")
            .collect();
        let id = format!("a{article}");
        let record = serde_json::json!({"id": id, "title": title, "body": paragraphs.join("\n\n")});
        lines.push_str(&format!("{record}\n"));
        for (p, text) in paragraphs.iter().enumerate() {
            passages.push(Passage {
                key: (id.clone(), p as u64),
                title: analyse(&title),
                body: analyse(text),
            });
        }
    }
    (lines, passages)
}

struct Fixture {
    _dir: tempfile::TempDir,
    engine: QueryEngine,
    passages: Vec<Passage>,
    /// A cluster index to delete when done.
    cluster_index: Option<String>,
    engine_rules: Engine,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(url) = &self.cluster_index {
            let _ = reqwest::blocking::Client::new().delete(url).send();
        }
    }
}

/// The generated corpus, written to a file in a new folder.
fn corpus_file() -> (tempfile::TempDir, IngestOptions, Vec<Passage>) {
    let dir = tempfile::tempdir().unwrap();
    let (lines, passages) = corpus();
    let file = dir.path().join("corpus.jsonl");
    std::fs::write(&file, lines).unwrap();
    let options = IngestOptions::new(vec![file], PathNames::new(dir.path()));
    (dir, options, passages)
}

fn fixture() -> Fixture {
    let (dir, options, passages) = corpus_file();
    let index = dir.path().join("idx");
    let writer = LocalWriter::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
    ingest(writer, &options, &mut Strict).unwrap();
    let engine = QueryEngine::new(Box::new(LocalReader::open(&index).unwrap())).unwrap();
    Fixture {
        _dir: dir,
        engine,
        passages,
        cluster_index: None,
        engine_rules: Engine::Tantivy,
    }
}

/// The same corpus in an index of the OpenSearch cluster at `LEDE_TEST_OPENSEARCH`, if
/// one is configured (`.ci/run` starts one).
fn cluster_fixture() -> Option<Fixture> {
    let url = std::env::var("LEDE_TEST_OPENSEARCH").ok()?;
    let name = format!("lede-semantics-{}-{}", std::process::id(), rand_suffix());
    let address = Address::parse(&format!("{}/{name}", url.trim_end_matches('/')))?.unwrap();
    let (dir, options, passages) = corpus_file();
    ingest(
        OpenSearchWriter::open(&address).unwrap(),
        &options,
        &mut Strict,
    )
    .unwrap();
    let engine = QueryEngine::new(Box::new(OpenSearchReader::open(&address).unwrap())).unwrap();
    Some(Fixture {
        _dir: dir,
        engine,
        passages,
        cluster_index: Some(address.url()),
        engine_rules: Engine::Lucene,
    })
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

thread_local! {
    static FIXTURE: Fixture = fixture();
    static CLUSTER_FIXTURE: Option<Fixture> = cluster_fixture();
}

/// Whether `fixture` finds for `q` exactly the passages the evaluator does.
fn agrees(fixture: &Fixture, q: &Q, any: bool) -> std::result::Result<(), TestCaseError> {
    let text = q.text();
    let words = if any { WordMatch::Any } else { WordMatch::All };
    let lede = found(&fixture.engine, &text, words);
    let expected: BTreeSet<(String, u64)> = fixture
        .passages
        .iter()
        .filter(|p| {
            q.matches(
                p,
                Rules {
                    any,
                    engine: fixture.engine_rules,
                },
            )
        })
        .map(|p| p.key.clone())
        .collect();
    prop_assert_eq!(
        &lede,
        &expected,
        "query {:?} (any: {}) in {}: lede found {} passages, the evaluator {}",
        text,
        any,
        fixture.engine.backend().location(),
        lede.len(),
        expected.len()
    );
    Ok(())
}

/// The passages lede finds for `text`.
fn found(engine: &QueryEngine, text: &str, words: WordMatch) -> BTreeSet<(String, u64)> {
    let mut request = QueryRequest::new(text);
    request.words = words;
    request.limit = 1_000;
    let response = engine.query(&request).unwrap();
    assert_eq!(response.total as usize, response.hits.len(), "{text}");
    response
        .hits
        .into_iter()
        .map(|hit| (hit.article_id, hit.paragraph))
        .collect()
}

/// Every passage lede finds for `text`, best first.
fn ranked(engine: &QueryEngine, text: &str, words: WordMatch) -> Vec<(String, u64)> {
    let mut request = QueryRequest::new(text);
    request.words = words;
    request.limit = 1_000;
    let response = engine.query(&request).unwrap();
    response
        .hits
        .into_iter()
        .map(|hit| (hit.article_id, hit.paragraph))
        .collect()
}

/// Whether the default mode's page `offset`, `limit` for `q` is what it means: the passages
/// with every word (the evaluator's set, in lede's order for them) and, when they do not
/// fill the page, after them the best passages with some of the words (lede's own ranking
/// of any of the words, those with every word left out), marked partial.
fn page_agrees(
    fixture: &Fixture,
    q: &Q,
    offset: usize,
    limit: usize,
) -> std::result::Result<(), TestCaseError> {
    let text = q.text();
    let strict = ranked(&fixture.engine, &text, WordMatch::All);
    let strict_set: BTreeSet<(String, u64)> = strict.iter().cloned().collect();
    let evaluated: BTreeSet<(String, u64)> = fixture
        .passages
        .iter()
        .filter(|p| {
            q.matches(
                p,
                Rules {
                    any: false,
                    engine: fixture.engine_rules,
                },
            )
        })
        .map(|p| p.key.clone())
        .collect();
    prop_assert_eq!(&strict_set, &evaluated, "query {:?}", text);
    let relaxable = fixture
        .engine
        .plan(&QueryRequest::new(&text), false)
        .unwrap()
        .relaxable;
    let any = ranked(&fixture.engine, &text, WordMatch::Any);
    let whole: Vec<((String, u64), bool)> = if !relaxable {
        strict.into_iter().map(|key| (key, false)).collect()
    } else if strict_set.is_empty() {
        any.into_iter().map(|key| (key, false)).collect()
    } else {
        let rest = any.into_iter().filter(|key| !strict_set.contains(key));
        strict
            .into_iter()
            .map(|key| (key, false))
            .chain(rest.map(|key| (key, true)))
            .collect()
    };
    let expected: Vec<_> = whole.into_iter().skip(offset).take(limit).collect();
    let mut request = QueryRequest::new(&text);
    request.offset = offset;
    request.limit = limit;
    let page: Vec<_> = fixture
        .engine
        .query(&request)
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| ((hit.article_id, hit.paragraph), hit.partial))
        .collect();
    prop_assert_eq!(
        &page,
        &expected,
        "query {:?}, offset {}, limit {} in {}",
        text,
        offset,
        limit,
        fixture.engine.backend().location()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_default_page_is_the_passages_with_every_word_then_the_best_of_the_rest(
        q in query(),
        offset in 0usize..6,
        limit in 1usize..12,
    ) {
        FIXTURE.with(|fixture| page_agrees(fixture, &q, offset, limit))?;
    }

    /// The same in an OpenSearch cluster, when the tests have one.
    #[test]
    fn every_default_page_is_the_same_in_a_cluster(
        q in query(),
        offset in 0usize..6,
        limit in 1usize..12,
    ) {
        CLUSTER_FIXTURE.with(|fixture| match fixture {
            Some(fixture) => page_agrees(fixture, &q, offset, limit),
            None => Ok(()),
        })?;
    }

    #[test]
    fn every_query_finds_exactly_what_its_tree_means(q in query(), any in proptest::bool::ANY) {
        FIXTURE.with(|fixture| agrees(fixture, &q, any))?;
    }

    /// The same in an OpenSearch cluster, when the tests have one.
    #[test]
    fn every_query_finds_exactly_what_its_tree_means_in_a_cluster(
        q in query(),
        any in proptest::bool::ANY,
    ) {
        CLUSTER_FIXTURE.with(|fixture| match fixture {
            Some(fixture) => agrees(fixture, &q, any),
            None => Ok(()),
        })?;
    }
}

#[test]
fn the_negation_cases_users_reported() {
    FIXTURE.with(|fixture| {
        let all = |text: &str| found(&fixture.engine, text, WordMatch::All);
        let every: BTreeSet<_> = fixture.passages.iter().map(|p| p.key.clone()).collect();
        let with_apple = all("apple");
        let without_apple: BTreeSet<_> = every.difference(&with_apple).cloned().collect();
        assert!(!with_apple.is_empty() && !without_apple.is_empty());
        assert_eq!(all("-apple"), without_apple);
        let banana_or_no_apple: BTreeSet<_> =
            all("banana").union(&without_apple).cloned().collect();
        assert_eq!(all("banana OR -apple"), banana_or_no_apple);
        assert_eq!(all("-(apple)"), without_apple);
    });
}
