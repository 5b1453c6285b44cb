//! Stage 3 of ingest: paragraph → mentions.
//!
//! A mention is a span of the paragraph with every reading it could have ("Georgia": the
//! country or the US state). Gazetteer names are found by [`lookup`], people and
//! organisations not in the gazetteer by the capitalisation rules in [`names`]. Choosing
//! between readings needs the whole article and happens in [`crate::resolve`].

mod lookup;
mod names;
mod spans;
pub mod words;

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gazetteer::{CountryCode, Gazetteer};

/// What a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A person.
    Person,
    /// An organisation.
    Org,
    /// A country, city, region or government metonym.
    Location,
    /// A nationality adjective or demonym ("North Korean").
    Nationality,
}

/// Why a span was read the way it was: the rule or vocabulary entry behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Evidence {
    /// The country's common name.
    CountryName,
    /// An official name, spelling variant or abbreviation of a country.
    CountryAlias,
    /// A nationality adjective or demonym ("North Korean").
    Demonym,
    /// A plural demonym naming people ("Americans", "Turks"); it gives their country, but
    /// does not on its own place an article there.
    PeopleOf,
    /// The capital city of the country.
    Capital,
    /// A city, with its population.
    City {
        /// Inhabitants, used to choose between cities of one name.
        #[serde(default)]
        population: u64,
    },
    /// A region inside the country (or, when disputed or shared, one of several).
    Region {
        /// Its listed cities hold few people (a parish, not a state or province): it is read
        /// like a small town. Not part of the JSON output.
        #[serde(skip_serializing, default)]
        small: bool,
    },
    /// A continent, ocean or region spanning several countries; no country.
    Area,
    /// A place the article qualifies with a region ("London, Ky."), in that region's country.
    QualifiedPlace,
    /// A place standing for a government ("the Kremlin").
    Metonym,
    /// A known organisation.
    KnownOrg,
    /// A sports club or national team ("Manchester United", "the All Blacks"), or a town
    /// followed by a score in a sports report ("Chicago 7 Cleveland 3").
    Team,
    /// A capitalised name ending in an organisation word or a legal form ("... Council",
    /// "... Corp").
    OrgWord,
    /// A capitalised name followed by a stock ticker (`Smithville Widget <SWC>`).
    Ticker,
    /// An acronym the article defines ("National Security Council (NSC)").
    Acronym,
    /// A capitalised name after a title or role ("President", "spokesman").
    PersonTitle,
    /// A capitalised name starting with a known given name.
    GivenName,
    /// A capitalised name after initials ("P. Simmons").
    Initial,
    /// A name listed with another person's name ("X and Y").
    NameList,
    /// A shorter form of a name used earlier or later in the article ("Putin").
    ArticleAlias,
}

impl Evidence {
    /// Names a country or its people ("Russia", "U.S.", "Russian", "Russians").
    pub fn names_a_country(&self) -> bool {
        matches!(
            self,
            Evidence::CountryName | Evidence::CountryAlias | Evidence::Demonym | Evidence::PeopleOf
        )
    }

    /// The rule's name, as in JSON output (`demonym`, `capital`, ...).
    pub fn rule_name(&self) -> &'static str {
        match self {
            Evidence::CountryName => "country_name",
            Evidence::CountryAlias => "country_alias",
            Evidence::Demonym => "demonym",
            Evidence::PeopleOf => "people_of",
            Evidence::Capital => "capital",
            Evidence::City { .. } => "city",
            Evidence::Region { .. } => "region",
            Evidence::Area => "area",
            Evidence::QualifiedPlace => "qualified_place",
            Evidence::Metonym => "metonym",
            Evidence::KnownOrg => "known_org",
            Evidence::Team => "team",
            Evidence::OrgWord => "org_word",
            Evidence::Ticker => "ticker",
            Evidence::Acronym => "acronym",
            Evidence::PersonTitle => "person_title",
            Evidence::GivenName => "given_name",
            Evidence::Initial => "initial",
            Evidence::NameList => "name_list",
            Evidence::ArticleAlias => "article_alias",
        }
    }
}

/// One way of reading a mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// What it names.
    pub kind: Kind,
    /// Canonical name: the facet value. Borrowed from the gazetteer for known names, so
    /// that a match costs no copy.
    pub value: Cow<'static, str>,
    /// Country the reading resolves to, when it has one.
    pub country: Option<CountryCode>,
    /// The rule or vocabulary entry behind the reading.
    pub evidence: Evidence,
}

/// A span of a paragraph with its possible readings (one or more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset in the paragraph.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// Possible readings, most likely first where the rules know.
    pub readings: Vec<Reading>,
}

/// The compiled extractor: gazetteer automaton plus name rules.
pub struct Extractor {
    lookup: lookup::Lookup,
    names: names::NameRules,
}

impl Extractor {
    /// Builds an extractor over a gazetteer.
    pub fn new(gazetteer: &'static Gazetteer) -> Extractor {
        Extractor {
            lookup: lookup::Lookup::new(gazetteer),
            names: names::NameRules::new(gazetteer),
        }
    }

    /// The extractor over the shipped gazetteer, built once per process.
    pub fn shipped() -> Result<&'static Extractor> {
        static EXTRACTOR: OnceLock<std::result::Result<Extractor, String>> = OnceLock::new();
        EXTRACTOR
            .get_or_init(|| {
                Gazetteer::shipped()
                    .map(Extractor::new)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::Schema(e.clone()))
    }

    /// Finds the mentions in one paragraph, in text order.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        self.extract_with_words(text, &words::words(text))
    }

    /// Like [`Extractor::extract`], with the paragraph's words already split (the resolver
    /// needs them too).
    pub fn extract_with_words(&self, text: &str, words: &[words::Word<'_>]) -> Vec<Mention> {
        let known = self.lookup.find(text, words);
        let named = self.names.find(text, words, &known);
        merge(known, named)
    }
}

/// Combines gazetteer and rule mentions. A person name hides the places inside it
/// ("Jordan" in "Michael Jordan"); an organisation keeps the places and nationalities inside
/// it ("Russian" in "Russian Defence Ministry"), which are evidence of its country, but hides
/// the known organisations inside it, which are part of its name.
fn merge(known: Vec<Mention>, named: Vec<Mention>) -> Vec<Mention> {
    // People are found one at most in each run of capitalised words: in text order, apart.
    let persons: Vec<&Mention> = named
        .iter()
        .filter(|m| m.readings.iter().any(|r| r.kind == Kind::Person))
        .collect();
    let persons = spans::Disjoint::new(&persons);
    // Organisations are found one at most in each run too; a known organisation inside
    // one is part of its name ("Telegraph" in "American Telephone and Telegraph Co").
    let orgs: Vec<&Mention> = named
        .iter()
        .filter(|m| m.readings.iter().any(|r| r.kind == Kind::Org))
        .collect();
    let orgs = spans::Disjoint::new(&orgs);
    let only_org = |m: &Mention| m.readings.iter().all(|r| r.kind == Kind::Org);
    let mut all: Vec<Mention> = known
        .into_iter()
        .filter(|k| persons.containing(k.start, k.end).is_none())
        .filter(|k| !(only_org(k) && orgs.containing(k.start, k.end).is_some()))
        .collect();
    all.extend(named);
    all.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(text: &str) -> Vec<(String, Kind, Option<String>)> {
        let extractor = Extractor::shipped().unwrap();
        extractor
            .extract(text)
            .into_iter()
            .map(|m| {
                let r = &m.readings[0];
                (
                    text[m.start..m.end].to_string(),
                    r.kind,
                    r.country.map(|c| c.to_string()),
                )
            })
            .collect()
    }

    fn has(found: &[(String, Kind, Option<String>)], surface: &str, kind: Kind) -> bool {
        found.iter().any(|(s, k, _)| s == surface && *k == kind)
    }

    #[test]
    fn countries_demonyms_capitals_and_metonyms() {
        let found = readings(
            "The North Korean leader met Russia's president while the Kremlin and the White House watched Pyongyang.",
        );
        assert!(has(&found, "North Korean", Kind::Nationality), "{found:?}");
        assert!(has(&found, "Russia", Kind::Location), "{found:?}");
        assert!(has(&found, "Kremlin", Kind::Location), "{found:?}");
        assert!(has(&found, "White House", Kind::Location), "{found:?}");
        assert!(has(&found, "Pyongyang", Kind::Location), "{found:?}");
    }

    #[test]
    fn spans_slice_to_their_text() {
        let text =
            "Kim Jong Un’s train left Pyongyang for Vladivostok, where Vladimir Putin waited.";
        for mention in Extractor::shipped().unwrap().extract(text) {
            assert!(text.is_char_boundary(mention.start) && text.is_char_boundary(mention.end));
            assert!(mention.start < mention.end);
        }
    }

    #[test]
    fn people_after_titles_and_with_given_names() {
        let found = readings("Defense Minister Sergei Shoigu met John Kirby and President Putin.");
        assert!(has(&found, "Sergei Shoigu", Kind::Person), "{found:?}");
        assert!(has(&found, "John Kirby", Kind::Person), "{found:?}");
        assert!(has(&found, "Putin", Kind::Person), "{found:?}");
    }

    #[test]
    fn organisations_by_name_and_by_suffix_word() {
        let found = readings("The National Security Council and NATO met the United Nations.");
        assert!(
            has(&found, "National Security Council", Kind::Org),
            "{found:?}"
        );
        assert!(has(&found, "NATO", Kind::Org), "{found:?}");
    }

    #[test]
    fn a_word_after_an_honorific_is_a_person_even_when_lists_know_it() {
        let found = readings("Mr Sun said the plan was fair.");
        assert!(has(&found, "Sun", Kind::Person), "{found:?}");
        assert!(!has(&found, "Sun", Kind::Org), "{found:?}");
    }

    #[test]
    fn a_party_member_noun_is_a_title_not_part_of_the_name() {
        let found = readings("Democrat Jane Dowling of Ohio and Republican Sam Roe disagreed.");
        assert!(has(&found, "Jane Dowling", Kind::Person), "{found:?}");
        assert!(has(&found, "Sam Roe", Kind::Person), "{found:?}");
        assert!(
            !found
                .iter()
                .any(|(text, _, _)| text.starts_with("Democrat")),
            "{found:?}"
        );
    }

    #[test]
    fn known_organisations_are_no_people() {
        let found = readings("Analysts at Morgan Stanley briefed the Paris Club.");
        assert!(
            found.iter().all(|(_, k, _)| *k != Kind::Person),
            "{found:?}"
        );
        assert!(has(&found, "Morgan Stanley", Kind::Org), "{found:?}");
        assert!(has(&found, "Paris Club", Kind::Org), "{found:?}");
        let found = readings("Henry Ford built cars.");
        assert!(has(&found, "Henry Ford", Kind::Person), "{found:?}");
    }

    #[test]
    fn places_of_several_words_are_no_people() {
        let found = readings("Flights from San Francisco to Rio de Janeiro were cut.");
        assert!(
            found.iter().all(|(_, k, _)| *k != Kind::Person),
            "{found:?}"
        );
    }

    #[test]
    fn a_known_organisation_with_a_country_word_or_a_legal_form_keeps_its_value() {
        let extractor = Extractor::shipped().unwrap();
        let values = |text: &str| -> Vec<String> {
            extractor
                .extract(text)
                .into_iter()
                .filter(|m| m.readings[0].kind == Kind::Org)
                .map(|m| m.readings[0].value.to_string())
                .collect()
        };
        assert_eq!(
            values("The U.S. Agriculture Department said wheat stocks fell."),
            ["Department of Agriculture"]
        );
        assert_eq!(
            values("General Motors Corp raised prices."),
            ["General Motors"]
        );
        assert_eq!(
            values("The U.N. Food and Agriculture Organization said."),
            ["Food and Agriculture Organization"]
        );
        // A known name inside a longer one is part of it.
        assert_eq!(
            values("Northland Telephone and Telegraph Co said."),
            ["Northland Telephone and Telegraph"]
        );
    }

    #[test]
    fn company_spans_take_ampersands_and_the_dot_of_a_legal_form() {
        let found = readings("Shares of Hale & Barlow Co. rose, said Smithville Widget Corp.");
        assert!(has(&found, "Hale & Barlow Co.", Kind::Org), "{found:?}");
        // A dot that ends the paragraph is the sentence's.
        assert!(
            has(&found, "Smithville Widget Corp", Kind::Org),
            "{found:?}"
        );
        let found = readings("Settlers moved into the Jewish West Bank enclave.");
        assert!(found.iter().all(|(_, k, _)| *k != Kind::Org), "{found:?}");
    }

    #[test]
    fn lower_case_words_are_not_places() {
        let found = readings("They ate turkey and chad in china cups.");
        assert!(
            found.iter().all(|(_, k, _)| *k != Kind::Location),
            "{found:?}"
        );
    }

    #[test]
    fn headlines_and_datelines_in_capitals() {
        let found = readings("MOSCOW, March 3 - Talks resumed.");
        assert!(has(&found, "MOSCOW", Kind::Location), "{found:?}");
        let found = readings("NORTH KOREA TESTS NEW MISSILE");
        assert!(has(&found, "NORTH KOREA", Kind::Location), "{found:?}");
    }

    /// Property: for any mix of names, punctuation, scripts and control characters, every
    /// mention lies inside the text on character boundaries, and resolving never panics.
    #[test]
    fn generated_text_gives_valid_spans() {
        let pieces = [
            "Russia",
            "RUSSIA",
            "North Korean",
            "Kim Jong Un",
            "’s",
            "'s",
            " ",
            "  ",
            "\n",
            ", ",
            ".",
            "-",
            "U.S.",
            "the Kremlin",
            "Georgia",
            "Mr",
            "President",
            "Ünïcödé",
            "日本",
            "\u{1b}[31m",
            "\u{0}",
            "A.",
            "St.",
            "Jong-un",
            "and",
            "(NSC)",
            "National Security Council",
            "MOSCOW, ",
            "é",
            "in",
            "Turkish",
            "—",
            "\u{202e}",
            "Ludwigshafen am Rhein",
            "al-",
            "O'",
        ];
        let extractor = Extractor::shipped().unwrap();
        let gazetteer = Gazetteer::shipped().unwrap();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(seed % 30) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let words = words::words(&text);
            for w in &words {
                assert_eq!(&text[w.start..w.end], w.text, "{text:?}");
            }
            let mentions = extractor.extract_with_words(&text, &words);
            for m in &mentions {
                assert!(m.start < m.end && m.end <= text.len(), "{text:?}");
                assert!(
                    text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
                    "{text:?}"
                );
            }
            let resolved = crate::resolve::resolve(
                gazetteer,
                &[text.as_str()],
                vec![words],
                vec![mentions],
                None,
            );
            for m in &resolved[0].mentions {
                assert!(text.get(m.start..m.end).is_some(), "{text:?}");
            }
            seed = seed.wrapping_add(0x2545_F491_4F6C_DD1D);
        }
    }

    #[test]
    fn any_text_is_processed_without_panic() {
        let extractor = Extractor::shipped().unwrap();
        for text in [
            "",
            " ",
            "\u{0}",
            "ÉLYSÉE",
            "日本語のテキスト",
            "'s 's",
            "A.B.C.D.",
            "\u{1b}[2J Russia",
        ] {
            for m in extractor.extract(text) {
                assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            }
        }
        let long = "Russia and the United States. ".repeat(10_000);
        assert!(extractor.extract(&long).len() >= 20_000);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, ..Default::default() })]

        /// Arbitrary text, from any script and with control characters, is processed without
        /// panic, and every span slices the text at character boundaries.
        #[test]
        fn arbitrary_text_gives_spans_on_character_boundaries(
            text in proptest::prop_oneof![
                ".{0,200}",
                "((North|South|Korea|Korean|the|Kremlin|White|House|Mr|President|Kim|Jong|Un|Georgia|MOSCOW|U\\.S\\.|St\\.|Jr\\.|NSC|\\(|\\)|,|-|'s|[A-Z][a-z]{0,6}|[A-Z]{2,5}|\\p{Han}{1,3}|[\\x00-\\x1f]) ?){0,40}",
            ],
        ) {
            let extractor = Extractor::shipped().unwrap();
            let gazetteer = Gazetteer::shipped().unwrap();
            let words = words::words(&text);
            let mentions = extractor.extract_with_words(&text, &words);
            for m in &mentions {
                proptest::prop_assert!(text.get(m.start..m.end).is_some_and(|s| !s.is_empty()));
            }
            let resolved =
                crate::resolve::resolve(gazetteer, &[text.as_str()], vec![words], vec![mentions], None);
            for m in &resolved[0].mentions {
                proptest::prop_assert!(text.get(m.start..m.end).is_some());
            }
        }
    }
}
