//! Exact person and organisation filters (`--person "=Sun Co"`) against a brute-force scan.
//!
//! The corpus names people and organisations whose names hold one another ("Sun", "Sun Li",
//! "Sun Oil Co"; "Defence Council", "National Defence Council"). For a value chosen at
//! random, typed in some case and with stray spaces, the passages an exact filter finds are
//! compared with a scan of every stored passage's own values (read back by an export of the
//! whole index, which no filter touches): the filter must find the passages that hold the
//! value spelled so (in another case only when no value is spelled so), and nothing else.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::request::{FacetKind, QueryRequest, MAX_LIMIT};
use super::top::TopKind;
use super::QueryEngine;
use crate::backend::local::{LocalReader, LocalWriter, DEFAULT_MEMORY_BUDGET};
use crate::ingest::{ingest, IngestOptions, Strict};
use crate::source::PathNames;

/// One sentence per article, so that no article's short name is merged into a longer one
/// of the same article; each gives the name after it (as the extractor reads it today; the
/// test reads the stored values back, so it does not depend on this list being right).
const SENTENCES: [&str; 10] = [
    "Mr Sun said the plan was fair.",                    // Sun
    "Prime Minister Sun Li spoke on Monday.",            // Sun Li
    "Shares of Sun Oil Co rose on Monday.",              // Sun Oil Co
    "Mr Lee said the plan was fair.",                    // Lee
    "Ann Lee spoke on Monday.",                          // Ann Lee
    "Mr Ann Lee Kim replied on Monday.",                 // Ann Lee Kim
    "The Defence Council met on Monday.",                // Defence Council
    "The National Defence Council met on Monday.",       // National Defence Council
    "The National Security Council met on Monday.",      // National Security Council
    "Nothing about anyone happened on Monday, he said.", // none
];

/// A passage as the scan sees it: its key and its stored values of each kind.
struct Stored {
    key: (String, u64),
    persons: Vec<String>,
    orgs: Vec<String>,
}

impl Stored {
    fn values(&self, kind: FacetKind) -> &[String] {
        match kind {
            FacetKind::Person => &self.persons,
            _ => &self.orgs,
        }
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    engine: QueryEngine,
    stored: Vec<Stored>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..30)
        .map(|i| {
            let body = SENTENCES[i % SENTENCES.len()];
            format!(
                "{}\n",
                serde_json::json!({"id": format!("n{i}"), "body": body})
            )
        })
        .collect();
    let file = dir.path().join("names.jsonl");
    std::fs::write(&file, lines).unwrap();
    let index = dir.path().join("idx");
    let writer = LocalWriter::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
    let options = IngestOptions::new(vec![file], PathNames::new(dir.path()));
    ingest(writer, &options, &mut Strict).unwrap();
    let engine = QueryEngine::new(Box::new(LocalReader::open(&index).unwrap())).unwrap();
    let mut stored = Vec::new();
    engine
        .export(&QueryRequest::new(""), &mut |hit| {
            stored.push(Stored {
                key: (hit.article_id, hit.paragraph),
                persons: hit.persons,
                orgs: hit.orgs,
            });
            Ok(true)
        })
        .unwrap();
    Fixture {
        _dir: dir,
        engine,
        stored,
    }
}

thread_local! {
    static FIXTURE: Fixture = fixture();
}

/// Every distinct value of `kind` the scan sees, sorted.
fn values(stored: &[Stored], kind: FacetKind) -> Vec<String> {
    let all: BTreeSet<&String> = stored.iter().flat_map(|s| s.values(kind)).collect();
    all.into_iter().cloned().collect()
}

/// The passages whose own values hold one that `name` spells: the same spelling when some
/// value has it, else the same in any case.
fn scanned(stored: &[Stored], kind: FacetKind, name: &str) -> BTreeSet<(String, u64)> {
    let name = name.trim();
    let spelled = values(stored, kind).iter().any(|v| v == name);
    let holds = |value: &String| {
        if spelled {
            value == name
        } else {
            value.to_lowercase() == name.to_lowercase()
        }
    };
    let mut taken: BTreeSet<String> = values(stored, kind).into_iter().filter(holds).collect();
    if kind == FacetKind::Person {
        let joined: Vec<String> = taken
            .iter()
            .filter_map(|full| joined_surname(stored, full))
            .collect();
        taken.extend(joined);
    }
    stored
        .iter()
        .filter(|s| s.values(kind).iter().any(|v| taken.contains(v)))
        .map(|s| s.key.clone())
        .collect()
}

/// The surname stored alone that the person `full` takes in, worked out from the stored
/// passages as the README states the rule: the last word of the full name, stored alone
/// as a capitalised word, when `full` has at least 80% of the passages of all the full
/// names that end with it.
fn joined_surname(stored: &[Stored], full: &str) -> Option<String> {
    let (_, surname) = full.rsplit_once(' ')?;
    let passages = |value: &str| {
        stored
            .iter()
            .filter(|s| s.persons.iter().any(|v| v == value))
            .count()
    };
    let capitalised = surname.chars().next().is_some_and(char::is_uppercase);
    if !capitalised || surname.chars().count() < 2 || passages(surname) == 0 {
        return None;
    }
    let full_names: Vec<(usize, String)> = values(stored, FacetKind::Person)
        .into_iter()
        .filter(|v| v.rsplit_once(' ').is_some_and(|(_, last)| last == surname))
        .map(|v| (passages(&v), v))
        .collect();
    let total: usize = full_names.iter().map(|(n, _)| n).sum();
    let best = full_names
        .iter()
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))?;
    (best.1 == full && best.0 as f64 >= 0.8 * total as f64).then(|| surname.to_string())
}

/// The passages lede finds with one person or organisation filter, or why it refused.
fn filtered(
    engine: &QueryEngine,
    kind: FacetKind,
    typed: &str,
) -> crate::Result<BTreeSet<(String, u64)>> {
    let mut request = QueryRequest::new("");
    request.limit = MAX_LIMIT;
    match kind {
        FacetKind::Person => request.persons = vec![typed.to_string()],
        _ => request.orgs = vec![typed.to_string()],
    }
    let response = engine.query(&request)?;
    assert_eq!(response.total as usize, response.hits.len());
    Ok(response
        .hits
        .into_iter()
        .map(|hit| (hit.article_id, hit.paragraph))
        .collect())
}

/// How a user might type a name: as stored, lower or upper case, with spaces around.
fn typed_as(value: &str, variant: usize) -> String {
    match variant {
        0 => value.to_string(),
        1 => value.to_lowercase(),
        2 => value.to_uppercase(),
        _ => format!("  {value} "),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn an_exact_name_finds_the_passages_that_hold_that_value_and_no_other(
        person in proptest::bool::ANY,
        pick in 0usize..1_000,
        variant in 0usize..4,
        spaced in proptest::bool::ANY,
    ) {
        FIXTURE.with(|fixture| {
            let kind = if person { FacetKind::Person } else { FacetKind::Org };
            let known = values(&fixture.stored, kind);
            prop_assert!(!known.is_empty(), "the corpus names no {}", kind.name());
            let name = typed_as(&known[pick % known.len()], variant);
            let typed = if spaced { format!(" = {name}") } else { format!("={name}") };
            let lede = filtered(&fixture.engine, kind, &typed).unwrap();
            let expected = scanned(&fixture.stored, kind, &name);
            prop_assert!(!expected.is_empty());
            prop_assert_eq!(&lede, &expected, "{} {:?}", kind.name(), typed);
            // The name without the mark takes at least as much.
            let words = filtered(&fixture.engine, kind, &name).unwrap();
            prop_assert!(words.is_superset(&lede), "{:?}", name);
            Ok(())
        })?;
    }

    #[test]
    fn an_exact_name_no_value_spells_is_refused_never_widened(
        name in "[A-Za-z ]{0,12}",
        person in proptest::bool::ANY,
    ) {
        FIXTURE.with(|fixture| {
            let kind = if person { FacetKind::Person } else { FacetKind::Org };
            let expected = scanned(&fixture.stored, kind, &name);
            match filtered(&fixture.engine, kind, &format!("={name}")) {
                Ok(lede) => prop_assert_eq!(lede, expected),
                Err(error) => {
                    prop_assert!(expected.is_empty(), "{:?} refused: {}", name, error);
                    prop_assert!(error.to_string().contains("spelled"), "{}", error);
                }
            }
            Ok(())
        })?;
    }
}

#[test]
fn the_corpus_has_names_inside_names_which_only_the_word_filter_widens() {
    FIXTURE.with(|fixture| {
        let persons = values(&fixture.stored, FacetKind::Person);
        let orgs = values(&fixture.stored, FacetKind::Org);
        for (kind, short, long) in [
            (FacetKind::Person, "Sun", "Sun Li"),
            (FacetKind::Person, "Ann Lee", "Ann Lee Kim"),
            (
                FacetKind::Org,
                "Defence Council",
                "National Defence Council",
            ),
        ] {
            let known = if kind == FacetKind::Person {
                &persons
            } else {
                &orgs
            };
            assert!(
                known.iter().any(|v| v == short) && known.iter().any(|v| v == long),
                "{known:?}"
            );
            let exact = filtered(&fixture.engine, kind, &format!("={short}")).unwrap();
            let words = filtered(&fixture.engine, kind, short).unwrap();
            let of_long = filtered(&fixture.engine, kind, &format!("={long}")).unwrap();
            assert!(
                exact.is_disjoint(&of_long),
                "{short} takes {long}'s passages"
            );
            assert!(words.is_superset(&of_long), "{short} as words takes {long}");
        }
    });
}

#[test]
fn the_person_facet_counts_a_joined_surname_in_its_full_names_row() {
    FIXTURE.with(|fixture| {
        assert_eq!(
            joined_surname(&fixture.stored, "Ann Lee").as_deref(),
            Some("Lee"),
            "the corpus must have a surname to join"
        );
        let mut request = QueryRequest::new("");
        request.facets = vec![FacetKind::Person];
        request.facet_limit = 100;
        let response = fixture.engine.query(&request).unwrap();
        let rows = &response.facets[&FacetKind::Person];
        let persons = values(&fixture.stored, FacetKind::Person);
        let joined: Vec<String> = persons
            .iter()
            .filter_map(|full| joined_surname(&fixture.stored, full))
            .collect();
        let expected: BTreeSet<&String> = persons.iter().filter(|v| !joined.contains(v)).collect();
        let listed: BTreeSet<&String> = rows.iter().map(|row| &row.value).collect();
        assert_eq!(
            listed, expected,
            "one row per person, none for a joined surname"
        );
        for row in rows {
            let exact = scanned(&fixture.stored, FacetKind::Person, &row.value);
            let articles: BTreeSet<&String> = exact.iter().map(|(article, _)| article).collect();
            assert_eq!(
                (row.passages, row.articles),
                (exact.len() as u64, articles.len() as u64),
                "{row:?}"
            );
            assert_eq!(
                row.alone,
                joined_surname(&fixture.stored, &row.value),
                "{row:?}"
            );
            let top = fixture
                .engine
                .top_values(
                    &QueryRequest::new(""),
                    TopKind::Entity(FacetKind::Person),
                    100,
                )
                .unwrap();
            assert!(top.values.contains(row), "{row:?} in lede facets: {top:?}");
            assert_eq!(top.distinct, rows.len() as u64);
            // Clicking the row selects what it counts.
            let clicked = filtered(
                &fixture.engine,
                FacetKind::Person,
                &format!("={}", row.value),
            );
            assert_eq!(clicked.unwrap(), exact, "{row:?}");
        }
    });
}
