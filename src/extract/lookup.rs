//! Gazetteer lookup: every known name of a country, place, metonym or organisation found in
//! a paragraph, by walking a finite-state transducer of all names from each word that may
//! start one.
//!
//! The transducer (tantivy's `fst`, already compiled in) holds the names ASCII-lower-cased and
//! maps each to its pattern. Lookups are anchored at word starts, so the failure transitions
//! of the Aho-Corasick automaton used before were never needed, yet they were built in every
//! process: with the transducer `lede extract` on one article started in 0.12 s and 54 MiB
//! instead of 0.28 s and 71 MiB (39.5 MiB since the spellings are one flat list), for
//! matching about 7% slower (criterion extract+resolve on Reuters-21578: 22.8 against
//! 24.5 MiB/s).
//!
//! The walk matches ASCII case-insensitively so that one pass finds "Russia", "RUSSIA"
//! and "russia"; [`case_fits`] then keeps only the spellings news use for a name (as written,
//! or all capitals in a headline or dateline). Matches must sit on word boundaries.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use tantivy_fst::raw::Output;
use tantivy_fst::Map;

use super::words::{hash_lower_byte, Word, WordBits, HASH_SEED};
use super::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::{Countries, Gazetteer, Metonym, Org, Place, PlaceKind};

/// Size of the first-word bitmap as a power of two: 256 KiB, small enough to stay in cache,
/// forty times the number of first words the gazetteer has (so few false hits).
const FIRST_WORD_BITS: u32 = 21;
/// Capitals smaller than this are read like any other city of their size.
const MAJOR_CAPITAL: u64 = 100_000;
/// Regions whose listed cities hold fewer people than this (parishes, districts, small
/// departments) are small: read like small towns, not like states or provinces.
const SMALL_REGION: u64 = 100_000;

/// One spelling of a name and what it means.
#[derive(Debug, Clone)]
struct Entry {
    /// Borrowed from the gazetteer, but for the curly-apostrophe variants made here.
    form: Cow<'static, str>,
    reading: Reading,
}

/// The compiled names and, per pattern, the spellings and readings it stands for.
pub(super) struct Lookup {
    /// Lower-cased name → pattern number.
    names: Map<Vec<u8>>,
    /// The spellings of every pattern, pattern after pattern: those of pattern `p` are
    /// `entries[starts[p]..starts[p + 1]]`. One flat list, because most patterns have a
    /// single spelling: a list per pattern took 15.7 MB (room for four spellings each).
    entries: Vec<Entry>,
    starts: Vec<u32>,
    /// Lower-cased first words of names that start in lower case ("mainland China"); few.
    lower_starts: Vec<String>,
    /// Bytes a name can start with, in either case: other positions are never tried.
    first_bytes: [bool; 256],
    /// First bytes of `lower_starts`.
    lower_first_bytes: [bool; 256],
    /// Hashes of the first words of all names: most capitalised words ("Smith", "Inc")
    /// start no name, and one look-up here rules them out before the slower walk of the
    /// transducer.
    first_words: WordBits,
}

impl Lookup {
    /// Compiles every name in the gazetteer. The order names are added in is the order of
    /// a mention's readings.
    pub(super) fn new(gazetteer: &'static Gazetteer) -> Lookup {
        let mut names = PatternSet::default();
        names.add_countries(gazetteer.countries);
        names.add_places(gazetteer);
        names.add_areas(&gazetteer.areas);
        names.add_metonyms(&gazetteer.metonyms);
        names.add_orgs(&gazetteer.orgs);
        names.build()
    }

    /// Finds every acceptable gazetteer match in `text`, longest first where they overlap.
    pub(super) fn find(&self, text: &str, words: &[Word<'_>]) -> Vec<Mention> {
        let context = Context::of(text);
        let mut found: Vec<Mention> = Vec::new();
        let mut try_at = |start: usize| {
            if !self.may_start_a_name(&text[start..]) {
                return;
            }
            self.matches_at(text, start, &mut |end, pattern| {
                if !on_word_boundaries(text, start, end) {
                    return;
                }
                let surface = &text[start..end];
                let readings: Vec<Reading> = self
                    .entries_of(pattern)
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
            });
        };
        // A name starts at a word or at a part after a hyphen ("pro-Russian").
        for word in words {
            try_at(word.start);
            let bytes = word.text.as_bytes();
            if bytes.len() > 2 && bytes[1..].contains(&b'-') {
                for (i, _) in bytes.iter().enumerate().filter(|&(_, &b)| b == b'-') {
                    try_at(word.start + i + 1);
                }
            }
        }
        longest_without_overlaps(found)
    }

    fn entries_of(&self, pattern: usize) -> &[Entry] {
        &self.entries[self.starts[pattern] as usize..self.starts[pattern + 1] as usize]
    }

    /// Whether a name can start at the beginning of `rest`: at a word that starts with a
    /// capital or a digit; every name is spelled so, but a few such as "mainland China",
    /// whose first words are listed. Walking the names only from these positions, and
    /// only at words that begin some name, is what makes lookup fast.
    fn may_start_a_name(&self, rest: &str) -> bool {
        let Some(&first) = rest.as_bytes().first() else {
            return false;
        };
        if !self.first_bytes[usize::from(first)] {
            return false;
        }
        let c = rest.chars().next().unwrap_or(' ');
        let lower_start = !c.is_uppercase() && c.is_lowercase();
        if lower_start {
            if !self.lower_first_bytes[usize::from(first)] {
                return false;
            }
            let listed = self.lower_starts.iter().any(|word| {
                word.as_bytes()[0].eq_ignore_ascii_case(&first)
                    && rest
                        .get(..word.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(word))
                    && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric())
            });
            if !listed {
                return false;
            }
        }
        self.first_words.may_contain(first_word_hash(rest))
    }

    /// Calls `found(end, pattern)` for every name that matches `text` from `start`
    /// (ASCII case-insensitively), shortest first.
    fn matches_at(&self, text: &str, start: usize, found: &mut dyn FnMut(usize, usize)) {
        let fst = self.names.as_fst();
        let mut node = fst.root();
        let mut output = Output::zero();
        for (offset, &byte) in text.as_bytes()[start..].iter().enumerate() {
            // Keys are lower-cased: the names need no transitions for capitals.
            let Some(i) = node.find_input(byte.to_ascii_lowercase()) else {
                return;
            };
            let transition = node.transition(i);
            output = output.cat(transition.out);
            node = fst.node(transition.addr);
            let end = start + offset + 1;
            if node.is_final() && text.is_char_boundary(end) {
                found(end, output.cat(node.final_output()).value() as usize);
            }
        }
    }
}

/// Patterns keyed by their ASCII-lower-cased form, each with its spellings and readings.
#[derive(Default)]
struct PatternSet {
    /// Lower-cased form → pattern number.
    patterns: rustc_hash::FxHashMap<String, u32>,
    /// Spellings with the pattern they belong to, in the order they were added.
    entries: Vec<(u32, Entry)>,
}

impl PatternSet {
    /// Country names, aliases and demonyms; a plural demonym ("Americans") names people.
    fn add_countries(&mut self, countries: &'static Countries) {
        for country in countries.all() {
            let reading = |kind, evidence| Reading {
                kind,
                value: Cow::Borrowed(&country.name),
                country: Some(country.code),
                evidence,
            };
            self.add(
                &country.name,
                reading(Kind::Location, Evidence::CountryName),
                Article::Optional,
            );
            for alias in &country.aliases {
                self.add(
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
                self.add(
                    demonym,
                    reading(Kind::Nationality, evidence),
                    Article::Optional,
                );
            }
        }
    }

    /// Cities and regions by name and alias, once for each country they lie in.
    fn add_places(&mut self, gazetteer: &'static Gazetteer) {
        for place in &gazetteer.places {
            let evidence = place_evidence(place, is_capital(gazetteer.countries, place));
            for &country in &place.countries {
                let reading = Reading {
                    kind: Kind::Location,
                    value: Cow::Borrowed(&place.name),
                    country: Some(country),
                    evidence,
                };
                for name in std::iter::once(&place.name).chain(&place.aliases) {
                    self.add(name, reading.clone(), Article::AsWritten);
                }
            }
        }
    }

    /// Continents, oceans and regions of several countries: locations without a country.
    fn add_areas(&mut self, areas: &'static [String]) {
        for area in areas {
            let reading = Reading {
                kind: Kind::Location,
                value: Cow::Borrowed(area),
                country: None,
                evidence: Evidence::Area,
            };
            self.add(area, reading, Article::Optional);
        }
    }

    /// Places that stand for a government ("the Kremlin").
    fn add_metonyms(&mut self, metonyms: &'static [Metonym]) {
        for metonym in metonyms {
            let reading = Reading {
                kind: Kind::Location,
                value: Cow::Borrowed(&metonym.phrase),
                country: Some(metonym.country),
                evidence: Evidence::Metonym,
            };
            self.add(&metonym.phrase, reading, Article::Optional);
        }
    }

    /// Known organisations by name and alias.
    fn add_orgs(&mut self, orgs: &'static [Org]) {
        for org in orgs {
            let reading = Reading {
                kind: Kind::Org,
                value: Cow::Borrowed(&org.name),
                country: org.country,
                evidence: if org.team {
                    Evidence::Team
                } else {
                    Evidence::KnownOrg
                },
            };
            for name in std::iter::once(&org.name).chain(&org.aliases) {
                self.add(name, reading.clone(), Article::Optional);
                // "Commodity Credit Corporation" is written "Commodity Credit Corp" too.
                for (long, short) in LEGAL_ABBREVIATIONS {
                    if let Some(stem) = name.strip_suffix(long) {
                        let form = format!("{stem}{short}");
                        self.add_form(Cow::Owned(form), reading.clone());
                    }
                }
            }
        }
    }

    fn add(&mut self, name: &'static str, reading: Reading, article: Article) {
        // News text writes apostrophes curly as often as straight: "People’s Army".
        if name.contains('\'') {
            let curly = name.replace('\'', "’");
            if let Some(form) = form_of(&curly, article) {
                self.add_form(Cow::Owned(form.to_string()), reading.clone());
            }
        }
        if let Some(form) = form_of(name, article) {
            self.add_form(Cow::Borrowed(form), reading);
        }
    }

    fn add_form(&mut self, form: Cow<'static, str>, reading: Reading) {
        let next = self.patterns.len() as u32;
        let pattern = *self
            .patterns
            .entry(form.to_ascii_lowercase())
            .or_insert(next);
        self.entries.push((pattern, Entry { form, reading }));
    }

    /// The spellings grouped by pattern, each once, and where each pattern's group starts.
    fn grouped_entries(mut entries: Vec<(u32, Entry)>, patterns: usize) -> (Vec<Entry>, Vec<u32>) {
        // Stable: a pattern's spellings keep the order they were added in.
        entries.sort_by_key(|(pattern, _)| *pattern);
        let mut grouped: Vec<Entry> = Vec::with_capacity(entries.len());
        let mut starts = Vec::with_capacity(patterns + 1);
        for (pattern, entry) in entries {
            if starts.len() <= pattern as usize {
                starts.push(grouped.len() as u32);
            }
            let group = &grouped[*starts.last().expect("a group has started") as usize..];
            let known = group
                .iter()
                .any(|e| e.form == entry.form && e.reading == entry.reading);
            if !known {
                grouped.push(entry);
            }
        }
        starts.push(grouped.len() as u32);
        debug_assert_eq!(starts.len(), patterns + 1, "every pattern has a spelling");
        grouped.shrink_to_fit();
        (grouped, starts)
    }

    fn build(self) -> Lookup {
        let patterns = self.patterns.len();
        let mut sorted: Vec<(&[u8], u64)> = self
            .patterns
            .iter()
            .map(|(key, &pattern)| (key.as_bytes(), u64::from(pattern)))
            .collect();
        sorted.sort_unstable();
        let names = Map::from_iter(sorted).expect("gazetteer names are unique and sorted");
        // Keys are lower-cased for the transducer; the spellings say how names begin.
        let lower_starts: HashSet<String> = self
            .entries
            .iter()
            .map(|(_, entry)| entry.form.as_ref())
            .filter(|form| form.starts_with(|c: char| c.is_lowercase()))
            .filter_map(|form| form.split(|c: char| !c.is_alphanumeric()).next())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut lower_starts: Vec<String> = lower_starts.into_iter().collect();
        lower_starts.sort();
        let mut first_bytes = [false; 256];
        let mut first_words = WordBits::new(FIRST_WORD_BITS);
        for key in self.patterns.keys() {
            if let Some(&byte) = key.as_bytes().first() {
                first_bytes[usize::from(byte)] = true;
                first_bytes[usize::from(byte.to_ascii_uppercase())] = true;
            }
            first_words.insert(first_word_hash(key));
        }
        let mut lower_first_bytes = [false; 256];
        for word in &lower_starts {
            if let Some(&byte) = word.as_bytes().first() {
                lower_first_bytes[usize::from(byte)] = true;
            }
        }
        let (entries, starts) = PatternSet::grouped_entries(self.entries, patterns);
        Lookup {
            names,
            entries,
            starts,
            lower_starts,
            first_bytes,
            lower_first_bytes,
            first_words,
        }
    }
}

/// Hash of the leading run of letters and digits of `text`, ASCII-lower-cased as the
/// names are matched. A match must end on a word boundary, so the text at a match starts
/// with the same run as the name, and equal runs hash equally.
fn first_word_hash(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash = HASH_SEED;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let len = if byte.is_ascii() {
            if !byte.is_ascii_alphanumeric() {
                break;
            }
            1
        } else {
            match text[at..].chars().next() {
                Some(c) if c.is_alphanumeric() => c.len_utf8(),
                _ => break,
            }
        };
        hash = bytes[at..at + len]
            .iter()
            .fold(hash, |hash, &b| hash_lower_byte(hash, b));
        at += len;
    }
    hash
}

/// Legal forms news abbreviate, spelled out and short.
const LEGAL_ABBREVIATIONS: [(&str, &str); 4] = [
    (" Corporation", " Corp"),
    (" Company", " Co"),
    (" Incorporated", " Inc"),
    (" Limited", " Ltd"),
];

/// Whether a leading "the" is part of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Article {
    /// "the Netherlands", "the Kremlin": found without the article.
    Optional,
    /// "The Valley", "The Hague": the article is part of the name.
    AsWritten,
}

/// Whether a place is the capital of a country it lies in.
fn is_capital(countries: &Countries, place: &Place) -> bool {
    place.countries.iter().any(|&code| {
        countries
            .get(code)
            .and_then(|c| c.capital.as_deref())
            .is_some_and(|capital| capital == place.name)
    })
}

/// How a place is read: a major capital, a city of its size, or a region (small ones like
/// small towns).
fn place_evidence(place: &Place, capital: bool) -> Evidence {
    match place.kind {
        // A town-sized capital ("Hamilton", Bermuda) is no stronger than a town.
        PlaceKind::City if capital && place.population >= MAJOR_CAPITAL => Evidence::Capital,
        PlaceKind::City => Evidence::City {
            population: place.population,
        },
        PlaceKind::Region => Evidence::Region {
            small: place.weighed && place.population < SMALL_REGION,
        },
    }
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

/// The form a name is matched in: without a leading "the" where the article is optional;
/// `None` for names too short to look for.
fn form_of(name: &str, article: Article) -> Option<&str> {
    let name = name.trim();
    let form = match article {
        Article::Optional => strip_article(name),
        // "The Hague" keeps its article; "the West Bank" is found as "West Bank".
        Article::AsWritten => name
            .strip_prefix("the ")
            .filter(|rest| rest.starts_with(char::is_uppercase))
            .unwrap_or(name),
    };
    (form.chars().count() >= 2).then_some(form)
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

/// What the paragraph looks like, for case decisions. Computed only when a match needs it:
/// most matches are spelled exactly as known.
struct Context<'t> {
    text: &'t str,
    shouting: std::cell::OnceCell<bool>,
}

impl<'t> Context<'t> {
    fn of(text: &'t str) -> Context<'t> {
        Context {
            text,
            shouting: std::cell::OnceCell::new(),
        }
    }

    /// Most letters are capitals: a headline or a shouted paragraph.
    fn shouting(&self) -> bool {
        *self.shouting.get_or_init(|| {
            let (mut letters, mut upper) = (0usize, 0usize);
            for c in self.text.chars().filter(|c| c.is_alphabetic()) {
                letters += 1;
                upper += usize::from(c.is_uppercase());
            }
            letters >= 8 && upper * 10 >= letters * 7
        })
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
        return !(short_acronym && context.shouting());
    }
    let form_has_lower = form.chars().any(char::is_lowercase);
    let capitals = || {
        surface
            .chars()
            .eq(form.chars().flat_map(char::to_uppercase))
    };
    if !form_has_lower || form.chars().count() < 4 || !capitals() {
        return false;
    }
    start == 0 || context.shouting()
}

/// Keeps the longest of overlapping matches (the earlier one on ties), in text order.
fn longest_without_overlaps(mut found: Vec<Mention>) -> Vec<Mention> {
    found.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    // Kept matches by start. They do not overlap, so the one that starts last before a
    // match ends is the only one that may overlap it: one look-up, not a scan of all.
    let mut kept: BTreeMap<usize, Mention> = BTreeMap::new();
    for mention in found {
        let overlapped = kept
            .range(..mention.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > mention.start);
        if !overlapped {
            kept.insert(mention.start, mention);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rules() {
        let calm = Context::of("a calm sentence of words");
        let loud = Context::of("A SHOUTED HEADLINE HERE");
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
    fn spellings_are_grouped_by_pattern_once_each() {
        let reading = |value: &'static str| Reading {
            kind: Kind::Location,
            value: Cow::Borrowed(value),
            country: None,
            evidence: Evidence::Area,
        };
        let mut set = PatternSet::default();
        set.add("the Gulf", reading("Gulf"), Article::Optional);
        set.add("Europe", reading("Europe"), Article::Optional);
        set.add("GULF", reading("Gulf"), Article::Optional);
        set.add("Gulf", reading("Gulf"), Article::Optional);
        set.add("x", reading("x"), Article::Optional);
        set.add(
            "People's Army",
            reading("People's Army"),
            Article::AsWritten,
        );
        let lookup = set.build();
        let forms = |key: &str| -> Vec<String> {
            let pattern = lookup.names.get(key).expect("a pattern") as usize;
            let entries = lookup.entries_of(pattern);
            entries.iter().map(|e| e.form.to_string()).collect()
        };
        assert_eq!(forms("gulf"), ["Gulf", "GULF"]);
        assert_eq!(forms("europe"), ["Europe"]);
        assert_eq!(forms("people’s army"), ["People’s Army"]);
        assert_eq!(forms("people's army"), ["People's Army"]);
        assert!(lookup.names.get("x").is_none());
        assert_eq!(lookup.starts.len(), 5);
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
        let calm = Context::of("a calm sentence of words");
        assert!(case_fits("the Hague", "The Hague", 4, &calm));
        assert!(case_fits("The Hague", "The Hague", 0, &calm));
        assert!(!case_fits("the hague", "The Hague", 4, &calm));
    }

    #[test]
    fn names_starting_in_lower_case_are_found_and_few_words_start_them() {
        let lookup = Lookup::new(crate::gazetteer::Gazetteer::shipped().unwrap());
        assert!(lookup.lower_starts.len() < 50, "{:?}", lookup.lower_starts);
        let text = "Exports from mainland China rose.";
        let found = lookup.find(text, &crate::extract::words::words(text));
        assert!(found.iter().any(|m| m.start == 13), "{found:?}");
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
