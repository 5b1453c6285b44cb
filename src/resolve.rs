//! Stage 4 of ingest: mentions → entities, using the whole article as context.
//!
//! Ambiguous names are decided here: "Georgia" is the US state in an article about Atlanta
//! and the country in one about Tbilisi; "Paris" is the French capital unless the article is
//! about Texas. Person names are unified across the article ("Putin" after "Vladimir Putin")
//! and acronyms the article defines are found again ("the NSC").

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::extract::words::words;
use crate::extract::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::{CountryCode, Gazetteer};

/// A mention with its reading decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedMention {
    /// What it names.
    pub kind: Kind,
    /// Byte offset in the paragraph.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// Canonical name (facet value).
    pub value: String,
    /// Country, when the mention resolves to one.
    pub country: Option<CountryCode>,
    /// The rule or vocabulary entry behind it.
    pub evidence: Evidence,
}

/// The facet values of one paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Entities {
    /// Countries named, or referred to by demonym, city, region or metonym; sorted codes.
    pub countries: Vec<CountryCode>,
    /// People, by the fullest name the article uses.
    pub persons: Vec<String>,
    /// Organisations.
    pub orgs: Vec<String>,
    /// Cities and regions with their country.
    pub places: Vec<(CountryCode, String)>,
}

/// A paragraph's resolved mentions and entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedParagraph {
    /// Mentions in text order.
    pub mentions: Vec<ResolvedMention>,
    /// Facet values.
    pub entities: Entities,
}

/// Cities smaller than this need their country elsewhere in the article.
const SMALL_CITY: u64 = 100_000;
/// Between cities of one name, the largest wins alone only when it is this many times larger.
const CLEAR_POPULATION_RATIO: u64 = 5;

/// Resolves the mentions of every paragraph of one article. `texts[i]` is paragraph `i` and
/// `mentions[i]` its extracted mentions.
pub fn resolve(
    gazetteer: &Gazetteer,
    texts: &[&str],
    mentions: Vec<Vec<Mention>>,
) -> Vec<ResolvedParagraph> {
    let mut mentions = mentions;
    add_defined_acronyms(texts, &mut mentions);
    let people = People::of(&mentions);
    people.add_aliases(texts, &mut mentions);
    let context = ArticleContext::of(gazetteer, texts, &mentions);
    texts
        .iter()
        .zip(mentions)
        .map(|(text, paragraph)| {
            let resolved: Vec<ResolvedMention> = paragraph
                .into_iter()
                .filter_map(|m| choose(gazetteer, text, &m, &context, &people))
                .collect();
            let entities = entities_of(&resolved);
            ResolvedParagraph {
                mentions: resolved,
                entities,
            }
        })
        .collect()
}

/// Countries the article names without ambiguity, with how often.
struct ArticleContext {
    countries: HashMap<CountryCode, usize>,
}

impl ArticleContext {
    /// Counts the countries of mentions that are unambiguous and strong: a small city or a
    /// city named like a common word does not place an article in its country.
    fn of(gazetteer: &Gazetteer, texts: &[&str], mentions: &[Vec<Mention>]) -> ArticleContext {
        let mut countries = HashMap::new();
        for (text, paragraph) in texts.iter().zip(mentions) {
            for mention in paragraph {
                if mention.readings.iter().any(|r| r.kind == Kind::Person) {
                    continue;
                }
                let common_word = gazetteer
                    .common_words
                    .contains(&text[mention.start..mention.end].to_lowercase());
                let codes: BTreeSet<CountryCode> = mention
                    .readings
                    .iter()
                    .filter(|r| matches!(r.kind, Kind::Location | Kind::Nationality))
                    .filter(|r| strong(r, common_word))
                    .filter_map(|r| r.country)
                    .collect();
                if codes.len() == 1 {
                    *countries
                        .entry(*codes.first().expect("one code"))
                        .or_insert(0) += 1;
                }
            }
        }
        ArticleContext { countries }
    }

    fn has(&self, code: Option<CountryCode>) -> bool {
        code.is_some_and(|c| self.countries.contains_key(&c))
    }
}

/// Picks the reading of a mention, or none when the evidence is too weak.
fn choose(
    gazetteer: &Gazetteer,
    text: &str,
    mention: &Mention,
    context: &ArticleContext,
    people: &People,
) -> Option<ResolvedMention> {
    let surface = &text[mention.start..mention.end];
    let common_word = gazetteer.common_words.contains(&surface.to_lowercase());
    let candidates: Vec<&Reading> = mention
        .readings
        .iter()
        .filter(|r| plausible(r, common_word, context))
        .collect();
    let cities: Vec<u64> = candidates
        .iter()
        .filter_map(|r| match r.evidence {
            Evidence::City { population } if !context.has(r.country) => Some(population),
            _ => None,
        })
        .collect();
    let reading = candidates
        .into_iter()
        .filter(|r| clear_city(r, &cities))
        .max_by_key(|r| score(r, context))?;
    let value = match reading.kind {
        Kind::Person => people.fullest(&reading.value),
        _ => reading.value.clone(),
    };
    Some(ResolvedMention {
        kind: reading.kind,
        start: mention.start,
        end: mention.end,
        value,
        country: reading.country,
        evidence: reading.evidence,
    })
}

/// Evidence strong enough to place an article in a country on its own.
fn strong(reading: &Reading, common_word: bool) -> bool {
    match reading.evidence {
        Evidence::City { population } => !common_word && population >= SMALL_CITY,
        Evidence::Region | Evidence::Capital => !common_word,
        _ => true,
    }
}

/// Small cities and cities named like common words count only when the article already
/// places itself in their country.
fn plausible(reading: &Reading, common_word: bool, context: &ArticleContext) -> bool {
    match reading.evidence {
        Evidence::City { population } => {
            context.has(reading.country) || (!common_word && population >= SMALL_CITY)
        }
        Evidence::Region | Evidence::Capital if common_word => context.has(reading.country),
        _ => true,
    }
}

/// Between same-named cities outside the article's countries, only a clearly larger one wins.
fn clear_city(reading: &Reading, out_of_context_populations: &[u64]) -> bool {
    let Evidence::City { population } = reading.evidence else {
        return true;
    };
    if out_of_context_populations.len() < 2 {
        return true;
    }
    let others = out_of_context_populations
        .iter()
        .filter(|&&p| p != population)
        .max()
        .copied()
        .unwrap_or(0);
    population >= others.saturating_mul(CLEAR_POPULATION_RATIO)
}

fn score(reading: &Reading, context: &ArticleContext) -> u64 {
    let base = match reading.evidence {
        Evidence::ArticleAlias
        | Evidence::PersonTitle
        | Evidence::GivenName
        | Evidence::NameList => 120,
        Evidence::CountryName => 100,
        Evidence::CountryAlias | Evidence::Demonym => 90,
        Evidence::Metonym => 85,
        Evidence::Capital => 80,
        Evidence::KnownOrg | Evidence::Acronym => 70,
        Evidence::Region => 60,
        Evidence::OrgWord => 50,
        Evidence::City { population } => 20 + population.max(1).ilog10() as u64 * 3,
    };
    base + if context.has(reading.country) { 50 } else { 0 }
}

fn entities_of(mentions: &[ResolvedMention]) -> Entities {
    let mut countries = BTreeSet::new();
    let mut persons = BTreeSet::new();
    let mut orgs = BTreeSet::new();
    let mut places = BTreeSet::new();
    for m in mentions {
        match m.kind {
            Kind::Location | Kind::Nationality => {
                if let Some(code) = m.country {
                    countries.insert(code);
                    if matches!(
                        m.evidence,
                        Evidence::City { .. } | Evidence::Capital | Evidence::Region
                    ) {
                        places.insert((code, m.value.clone()));
                    }
                }
            }
            Kind::Person => {
                persons.insert(m.value.clone());
            }
            Kind::Org => {
                orgs.insert(m.value.clone());
            }
        }
    }
    Entities {
        countries: countries.into_iter().collect(),
        persons: persons.into_iter().collect(),
        orgs: orgs.into_iter().collect(),
        places: places.into_iter().collect(),
    }
}

/// The people an article names in full, for resolving short forms.
struct People {
    /// Full names (two words or more) with how often each is used.
    full: HashMap<String, usize>,
    /// First or last word of a full name → the full names it may stand for.
    by_part: HashMap<String, Vec<String>>,
}

impl People {
    fn of(mentions: &[Vec<Mention>]) -> People {
        let mut full: HashMap<String, usize> = HashMap::new();
        for reading in mentions.iter().flatten().flat_map(|m| &m.readings) {
            if reading.kind == Kind::Person && reading.value.contains(' ') {
                *full.entry(reading.value.clone()).or_insert(0) += 1;
            }
        }
        let mut by_part: HashMap<String, Vec<String>> = HashMap::new();
        for name in full.keys() {
            let parts: Vec<&str> = name.split(' ').collect();
            for part in [parts[0], parts[parts.len() - 1]] {
                let names = by_part.entry(part.to_string()).or_default();
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        People { full, by_part }
    }

    /// The fullest name the article uses for `name`; the most used one when a short form
    /// fits several ("Kim" with "Kim Jong Un" and "Kim Yo Jong").
    fn fullest(&self, name: &str) -> String {
        if self.full.contains_key(name) {
            // A longer name that contains this one ("Kim Jong" in "Kim Jong Un").
            let longer = self
                .full
                .keys()
                .filter(|n| {
                    n.len() > name.len() && n.starts_with(name) && n[name.len()..].starts_with(' ')
                })
                .max_by_key(|n| (self.full[*n], n.len()));
            return longer.cloned().unwrap_or_else(|| name.to_string());
        }
        self.by_part
            .get(name)
            .and_then(|names| {
                names
                    .iter()
                    .max_by_key(|n| (self.full[*n], n.len()))
                    .cloned()
            })
            .unwrap_or_else(|| name.to_string())
    }

    /// Marks standalone words that are the first or last word of a full name as that person,
    /// replacing place readings of the same span ("Jordan" after "Michael Jordan").
    fn add_aliases(&self, texts: &[&str], mentions: &mut [Vec<Mention>]) {
        if self.by_part.is_empty() {
            return;
        }
        for (text, paragraph) in texts.iter().zip(mentions.iter_mut()) {
            for word in words(text) {
                if !word.is_capitalised() || !self.by_part.contains_key(word.text) {
                    continue;
                }
                let reading = Reading {
                    kind: Kind::Person,
                    value: word.text.to_string(),
                    country: None,
                    evidence: Evidence::ArticleAlias,
                };
                let overlapping = paragraph
                    .iter_mut()
                    .find(|m| m.start < word.end && word.start < m.end);
                match overlapping {
                    None => paragraph.push(Mention {
                        start: word.start,
                        end: word.end,
                        readings: vec![reading],
                    }),
                    Some(m) if m.start == word.start && m.end == word.end => {
                        if m.readings.iter().all(|r| r.kind != Kind::Person) {
                            m.readings = vec![reading];
                        }
                    }
                    Some(_) => {}
                }
            }
            paragraph.sort_by_key(|m| m.start);
        }
    }
}

/// Finds "Full Name (ACRONYM)" definitions and marks later uses of the acronym.
fn add_defined_acronyms(texts: &[&str], mentions: &mut [Vec<Mention>]) {
    let mut acronyms: HashMap<String, String> = HashMap::new();
    for (text, paragraph) in texts.iter().zip(mentions.iter()) {
        for mention in paragraph {
            let Some(org) = mention.readings.iter().find(|r| r.kind == Kind::Org) else {
                continue;
            };
            if let Some(acronym) = defined_acronym(&text[mention.end..]) {
                acronyms
                    .entry(acronym.to_string())
                    .or_insert_with(|| org.value.clone());
            }
        }
    }
    if acronyms.is_empty() {
        return;
    }
    for (text, paragraph) in texts.iter().zip(mentions.iter_mut()) {
        for word in words(text) {
            let Some(org) = acronyms.get(word.text) else {
                continue;
            };
            if paragraph
                .iter()
                .any(|m| m.start < word.end && word.start < m.end)
            {
                continue;
            }
            paragraph.push(Mention {
                start: word.start,
                end: word.end,
                readings: vec![Reading {
                    kind: Kind::Org,
                    value: org.clone(),
                    country: None,
                    evidence: Evidence::Acronym,
                }],
            });
        }
        paragraph.sort_by_key(|m| m.start);
    }
}

/// `" (NSC)"` → `NSC`: two to ten capitals or digits in parentheses right after a name.
fn defined_acronym(after: &str) -> Option<&str> {
    let inner = after.strip_prefix(" (")?;
    let close = inner.find(')')?;
    let acronym = &inner[..close];
    let well_formed = (2..=10).contains(&acronym.len())
        && acronym.starts_with(|c: char| c.is_ascii_uppercase())
        && acronym
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&');
    well_formed.then_some(acronym)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Extractor;

    fn article(paragraphs: &[&str]) -> Vec<ResolvedParagraph> {
        let extractor = Extractor::shipped().unwrap();
        let mentions = paragraphs.iter().map(|p| extractor.extract(p)).collect();
        resolve(Gazetteer::shipped().unwrap(), paragraphs, mentions)
    }

    fn codes(p: &ResolvedParagraph) -> Vec<String> {
        p.entities.countries.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn short_names_resolve_to_the_fullest_name_in_the_article() {
        let resolved = article(&[
            "Russian President Vladimir Putin met Kim Jong Un.",
            "Putin said Kim would stay.",
        ]);
        assert!(resolved[0]
            .entities
            .persons
            .contains(&"Vladimir Putin".to_string()));
        assert_eq!(
            resolved[1].entities.persons,
            ["Kim Jong Un", "Vladimir Putin"]
        );
    }

    #[test]
    fn an_ambiguous_state_follows_the_article() {
        let us = article(&[
            "Atlanta, Texas and Florida voted.",
            "In Georgia, turnout rose.",
        ]);
        assert_eq!(codes(&us[1]), ["US"], "{:?}", us[1]);
        let ge = article(&["Tbilisi protests grew.", "Georgia's government resigned."]);
        assert_eq!(codes(&ge[1]), ["GE"], "{:?}", ge[1]);
    }

    #[test]
    fn acronyms_defined_in_the_article_are_organisations() {
        let resolved = article(&[
            "The National Security Council (NSC) met.",
            "An NSC spokesman declined to comment.",
        ]);
        assert_eq!(resolved[1].entities.orgs, ["National Security Council"]);
    }

    #[test]
    fn demonyms_metonyms_and_capitals_give_countries() {
        let resolved = article(&[
            "The North Korean leader travelled as the Kremlin and Pyongyang confirmed, said the White House.",
        ]);
        assert_eq!(codes(&resolved[0]), ["KP", "RU", "US"]);
    }

    #[test]
    fn defined_acronym_shapes() {
        assert_eq!(defined_acronym(" (NSC) met"), Some("NSC"));
        assert_eq!(defined_acronym(" (G20)"), Some("G20"));
        assert_eq!(defined_acronym(" (the council)"), None);
        assert_eq!(defined_acronym("(NSC)"), None);
    }
}
