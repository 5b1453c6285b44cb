//! Gazetteer lookup: every known name of a country, place, metonym or organisation found in
//! a paragraph in one pass of a multi-pattern automaton.
//!
//! The automaton matches ASCII case-insensitively so that one pass finds "Russia", "RUSSIA"
//! and "russia"; [`case_fits`] then keeps only the spellings news use for a name (as written,
//! or all capitals in a headline or dateline). Matches must sit on word boundaries.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::{Gazetteer, PlaceKind};

/// Capitals smaller than this are read like any other city of their size.
const MAJOR_CAPITAL: u64 = 100_000;

/// One spelling of a name and what it means.
#[derive(Debug, Clone)]
struct Entry {
    form: String,
    reading: Reading,
}

/// The compiled automaton and, per pattern, the spellings and readings it stands for.
pub(super) struct Lookup {
    automaton: AhoCorasick,
    entries: Vec<Vec<Entry>>,
}

impl Lookup {
    /// Compiles every name in the gazetteer.
    pub(super) fn new(gazetteer: &Gazetteer) -> Lookup {
        let mut builder = PatternSet::default();
        for country in gazetteer.countries.all() {
            let reading = |kind, evidence| Reading {
                kind,
                value: country.name.clone(),
                country: Some(country.code),
                evidence,
            };
            builder.add(
                &country.name,
                reading(Kind::Location, Evidence::CountryName),
                Article::Optional,
            );
            for alias in &country.aliases {
                builder.add(
                    alias,
                    reading(Kind::Location, Evidence::CountryAlias),
                    Article::Optional,
                );
            }
            for demonym in &country.demonyms {
                let evidence = if is_plural_of_another(demonym, &country.demonyms) {
                    Evidence::PeopleOf
                } else {
                    Evidence::Demonym
                };
                builder.add(
                    demonym,
                    reading(Kind::Nationality, evidence),
                    Article::Optional,
                );
            }
        }
        for place in &gazetteer.places {
            let capital_of = place.countries.iter().find(|code| {
                gazetteer
                    .countries
                    .get(**code)
                    .and_then(|c| c.capital.as_deref())
                    .is_some_and(|capital| capital == place.name)
            });
            for &country in &place.countries {
                let evidence = match (place.kind, capital_of) {
                    // A town-sized capital ("Hamilton", Bermuda) is no stronger than a town.
                    (PlaceKind::City, Some(_)) if place.population >= MAJOR_CAPITAL => {
                        Evidence::Capital
                    }
                    (PlaceKind::City, _) => Evidence::City {
                        population: place.population,
                    },
                    (PlaceKind::Region, _) => Evidence::Region,
                };
                let reading = Reading {
                    kind: Kind::Location,
                    value: place.name.clone(),
                    country: Some(country),
                    evidence,
                };
                for name in std::iter::once(&place.name).chain(&place.aliases) {
                    builder.add(name, reading.clone(), Article::AsWritten);
                }
            }
        }
        for area in &gazetteer.areas {
            let reading = Reading {
                kind: Kind::Location,
                value: area.clone(),
                country: None,
                evidence: Evidence::Area,
            };
            builder.add(area, reading, Article::Optional);
        }
        for metonym in &gazetteer.metonyms {
            builder.add(
                &metonym.phrase,
                Reading {
                    kind: Kind::Location,
                    value: metonym.phrase.clone(),
                    country: Some(metonym.country),
                    evidence: Evidence::Metonym,
                },
                Article::Optional,
            );
        }
        for org in &gazetteer.orgs {
            let reading = Reading {
                kind: Kind::Org,
                value: org.name.clone(),
                country: org.country,
                evidence: Evidence::KnownOrg,
            };
            for name in std::iter::once(&org.name).chain(&org.aliases) {
                builder.add(name, reading.clone(), Article::Optional);
            }
        }
        builder.build()
    }

    /// Finds every acceptable gazetteer match in `text`, longest first where they overlap.
    pub(super) fn find(&self, text: &str) -> Vec<Mention> {
        let context = Context::of(text);
        let mut found: Vec<Mention> = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            if !on_word_boundaries(text, start, end) {
                continue;
            }
            let surface = &text[start..end];
            let readings: Vec<Reading> = self.entries[m.pattern().as_usize()]
                .iter()
                .filter(|entry| case_fits(surface, &entry.form, start, &context))
                .map(|entry| entry.reading.clone())
                .collect();
            if !readings.is_empty() {
                found.push(Mention {
                    start,
                    end,
                    readings,
                });
            }
        }
        longest_without_overlaps(found)
    }
}

/// Patterns keyed by their ASCII-lower-cased form, each with its spellings and readings.
#[derive(Default)]
struct PatternSet {
    keys: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    entries: Vec<Vec<Entry>>,
}

impl PatternSet {
    fn add(&mut self, name: &str, reading: Reading, article: Article) {
        // News text writes apostrophes curly as often as straight: "People’s Army".
        if name.contains('\'') {
            self.add_form(&name.replace('\'', "’"), reading.clone(), article);
        }
        self.add_form(name, reading, article);
    }

    fn add_form(&mut self, name: &str, reading: Reading, article: Article) {
        let name = name.trim();
        let form = match article {
            Article::Optional => strip_article(name),
            Article::AsWritten => name,
        };
        if form.chars().count() < 2 {
            return;
        }
        let key = form.to_ascii_lowercase();
        let slot = *self.index.entry(key.clone()).or_insert_with(|| {
            self.keys.push(key);
            self.entries.push(Vec::new());
            self.entries.len() - 1
        });
        let entry = Entry {
            form: form.to_string(),
            reading,
        };
        let known = self.entries[slot]
            .iter()
            .any(|e| e.form == entry.form && e.reading == entry.reading);
        if !known {
            self.entries[slot].push(entry);
        }
    }

    fn build(self) -> Lookup {
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&self.keys)
            .or_else(|_| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&self.keys)
            })
            .expect("gazetteer patterns are plain strings");
        Lookup {
            automaton,
            entries: self.entries,
        }
    }
}

/// Whether a leading "the" is part of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Article {
    /// "the Netherlands", "the Kremlin": found without the article.
    Optional,
    /// "The Valley", "The Hague": the article is part of the name.
    AsWritten,
}

/// True for plural forms of another demonym of the list ("Americans" of "American",
/// "Frenchmen" of "Frenchman"): nouns for people rather than adjectives.
fn is_plural_of_another(demonym: &str, all: &[String]) -> bool {
    let singular = |s: String| all.contains(&s);
    demonym
        .strip_suffix("men")
        .is_some_and(|stem| singular(format!("{stem}man")))
        || demonym
            .strip_suffix("es")
            .is_some_and(|stem| singular(stem.to_string()))
        || demonym
            .strip_suffix('s')
            .is_some_and(|stem| singular(stem.to_string()))
}

/// "the Netherlands" is found as "Netherlands", so that "The Netherlands" at the start of a
/// sentence and "the Netherlands" inside one are the same name.
fn strip_article(name: &str) -> &str {
    for article in ["the ", "The "] {
        if let Some(rest) = name.strip_prefix(article) {
            if rest.starts_with(|c: char| c.is_uppercase()) {
                return rest;
            }
        }
    }
    name
}

/// A match must start and end a word ("Niger" is not found in "Nigeria"); a hyphen ends a
/// word ("Russian-made", "German-Iraqi").
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let last = text[..end].chars().next_back();
    let ok_before = before.is_none_or(|c| !c.is_alphanumeric() && c != '_');
    let ok_after = last == Some('.') || after.is_none_or(|c| !c.is_alphanumeric() && c != '_');
    ok_before && ok_after
}

/// What the paragraph looks like, for case decisions.
struct Context {
    /// Most letters are capitals: a headline or a shouted paragraph.
    shouting: bool,
}

impl Context {
    fn of(text: &str) -> Context {
        let (mut letters, mut upper) = (0usize, 0usize);
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
        Context {
            shouting: letters >= 8 && upper * 10 >= letters * 7,
        }
    }
}

/// Whether `surface` is an acceptable spelling of `form` here: exactly as known, or in
/// capitals inside a headline or at the start of a wire dateline ("MOSCOW, March 3 -").
/// Short all-capital forms (US, UK) are refused in shouted text, where "US" is a pronoun.
fn case_fits(surface: &str, form: &str, start: usize, context: &Context) -> bool {
    if let (Some(rest), Some(form_rest)) = (surface.strip_prefix("the "), form.strip_prefix("The "))
    {
        return rest == form_rest;
    }
    if surface == form {
        let short_acronym = form.len() <= 3 && form.chars().all(|c| c.is_ascii_uppercase());
        return !(short_acronym && context.shouting);
    }
    let form_has_lower = form.chars().any(char::is_lowercase);
    if !form_has_lower || form.chars().count() < 4 || surface != form.to_uppercase() {
        return false;
    }
    context.shouting || start == 0
}

/// Keeps the longest of overlapping matches (the earlier one on ties).
fn longest_without_overlaps(mut found: Vec<Mention>) -> Vec<Mention> {
    found.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Mention> = Vec::new();
    for mention in found {
        if kept
            .iter()
            .all(|k| mention.end <= k.start || mention.start >= k.end)
        {
            kept.push(mention);
        }
    }
    kept.sort_by_key(|m| m.start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rules() {
        let calm = Context { shouting: false };
        let loud = Context { shouting: true };
        assert!(case_fits("Russia", "Russia", 5, &calm));
        assert!(!case_fits("russia", "Russia", 5, &calm));
        assert!(!case_fits("RUSSIA", "Russia", 5, &calm));
        assert!(case_fits("RUSSIA", "Russia", 5, &loud));
        assert!(case_fits("MOSCOW", "Moscow", 0, &calm));
        assert!(case_fits("US", "US", 3, &calm));
        assert!(!case_fits("US", "US", 3, &loud));
        assert!(!case_fits("Us", "US", 3, &calm));
    }

    #[test]
    fn plural_demonyms_are_told_from_adjectives() {
        let all: Vec<String> = [
            "American",
            "Americans",
            "Swiss",
            "Frenchman",
            "Frenchmen",
            "Turk",
            "Turks",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert!(is_plural_of_another("Americans", &all));
        assert!(is_plural_of_another("Frenchmen", &all));
        assert!(is_plural_of_another("Turks", &all));
        assert!(!is_plural_of_another("Swiss", &all));
        assert!(!is_plural_of_another("American", &all));
    }

    #[test]
    fn a_leading_the_of_a_name_matches_in_either_case() {
        let calm = Context { shouting: false };
        assert!(case_fits("the Hague", "The Hague", 4, &calm));
        assert!(case_fits("The Hague", "The Hague", 0, &calm));
        assert!(!case_fits("the hague", "The Hague", 4, &calm));
    }

    #[test]
    fn boundaries() {
        assert!(on_word_boundaries("in Niger.", 3, 8));
        assert!(!on_word_boundaries("Nigeria", 0, 5));
        assert!(on_word_boundaries("Russian-made", 0, 7));
        assert!(on_word_boundaries("the U.S.A", 4, 8));
        assert!(on_word_boundaries("German-Iraqi boy", 7, 12));
    }
}
