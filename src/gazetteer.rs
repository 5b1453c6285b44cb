//! The entity vocabularies shipped under `schema/gazetteer/`: countries, cities, regions,
//! government metonyms, organisations, person titles and given names, and the word lists
//! the name rules and the resolver treat specially ("in", "Council", "Corp"), so that every
//! vocabulary is data, not code.
//!
//! The files are compiled into the binary. [`Countries`] is small and loaded by every command
//! that shows or filters countries; the full [`Gazetteer`] is loaded only by commands that
//! extract entities (ingest, extract), so a query never pays for it.

use std::collections::HashMap;

use rustc_hash::FxHashSet;
use std::fmt;
use std::sync::OnceLock;

use crate::error::{Error, Result};

const COUNTRIES_TSV: &str = include_str!("../schema/gazetteer/countries.tsv");
const CITIES_TSV: &str = include_str!("../schema/gazetteer/cities.tsv");
const REGIONS_TSV: &str = include_str!("../schema/gazetteer/regions.tsv");
const METONYMS_TSV: &str = include_str!("../schema/gazetteer/metonyms.tsv");
const ORGS_TSV: &str = include_str!("../schema/gazetteer/orgs.tsv");
const TITLES_TXT: &str = include_str!("../schema/gazetteer/titles.txt");
const HONORIFICS_TXT: &str = include_str!("../schema/gazetteer/honorifics.txt");
const GIVEN_NAMES_TXT: &str = include_str!("../schema/gazetteer/given_names.txt");
const COMMON_WORDS_TXT: &str = include_str!("../schema/gazetteer/common_words.txt");
const ORG_WORDS_TXT: &str = include_str!("../schema/gazetteer/org_words.txt");
const COMPANY_WORDS_TXT: &str = include_str!("../schema/gazetteer/company_words.txt");
const CURRENCY_WORDS_TXT: &str = include_str!("../schema/gazetteer/currency_words.txt");
const NOT_NAMES_TXT: &str = include_str!("../schema/gazetteer/not_names.txt");
const CALENDAR_WORDS_TXT: &str = include_str!("../schema/gazetteer/calendar_words.txt");
const AREAS_TXT: &str = include_str!("../schema/gazetteer/areas.txt");
const LOCATIVES_TXT: &str = include_str!("../schema/gazetteer/locatives.txt");
const LANGUAGE_VERBS_TXT: &str = include_str!("../schema/gazetteer/language_verbs.txt");
const COMPASS_WORDS_TXT: &str = include_str!("../schema/gazetteer/compass_words.txt");
const NAME_PARTICLES_TXT: &str = include_str!("../schema/gazetteer/name_particles.txt");
const ORG_CONNECTORS_TXT: &str = include_str!("../schema/gazetteer/org_connectors.txt");
const LEGAL_FORMS_TXT: &str = include_str!("../schema/gazetteer/legal_forms.txt");
const SPORTS_WORDS_TXT: &str = include_str!("../schema/gazetteer/sports_words.txt");
const COMPETITION_WORDS_TXT: &str = include_str!("../schema/gazetteer/competition_words.txt");
const RESULT_WORDS_TXT: &str = include_str!("../schema/gazetteer/result_words.txt");
const WORK_NOUNS_TXT: &str = include_str!("../schema/gazetteer/work_nouns.txt");
const CREDIT_NOUNS_TXT: &str = include_str!("../schema/gazetteer/credit_nouns.txt");
const GROUP_VERBS_TXT: &str = include_str!("../schema/gazetteer/group_verbs.txt");
const PLAIN_WORDS_TXT: &str = include_str!("../schema/gazetteer/plain_words.txt");
const FORMER_STATES_TSV: &str = include_str!("../schema/gazetteer/former_states.tsv");

/// Cities at least this large are world cities ("Paris", "Moscow").
pub const WORLD_CITY: u64 = 2_000_000;

/// A set of names or words. FxHash: the extractor looks words up millions of times, and
/// the keys come from our own vocabulary files, not from attackers.
pub type NameSet = FxHashSet<String>;

/// An ISO 3166-1 alpha-2 country code such as `KP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a two-letter code in any case.
    pub fn parse(text: &str) -> Option<CountryCode> {
        match text.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Some(CountryCode([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
            ])),
            _ => None,
        }
    }

    /// The code as text (`"KP"`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("codes are ASCII letters")
    }

    /// The country's common English name (`North Korea`), or the code when lede does not
    /// know it.
    pub fn name(self) -> String {
        country_name(self).map_or_else(|| self.to_string(), str::to_string)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<CountryCode, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        CountryCode::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a country code: {text:?}")))
    }
}

/// A country with the names news use for it.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: CountryCode,
    /// Common English short name ("North Korea").
    pub name: String,
    /// Official names, alternative spellings and abbreviations ("DPRK").
    pub aliases: Vec<String>,
    /// Nationality adjectives and nouns, singular and plural ("North Korean", "North Koreans").
    pub demonyms: Vec<String>,
    /// Capital city.
    pub capital: Option<String>,
}

/// The country list: labels for codes, and resolution of what users type.
#[derive(Debug)]
pub struct Countries {
    list: Vec<Country>,
    by_code: HashMap<CountryCode, usize>,
    /// Built on first use: most queries only need names by code, and a cold query should not
    /// pay for hashing every alias and demonym.
    by_key: OnceLock<HashMap<String, usize>>,
}

impl Countries {
    /// The shipped country list, parsed once.
    pub fn shipped() -> Result<&'static Countries> {
        static COUNTRIES: OnceLock<std::result::Result<Countries, String>> = OnceLock::new();
        COUNTRIES
            .get_or_init(|| Countries::parse(COUNTRIES_TSV).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Schema(e.clone()))
    }

    /// Parses `countries.tsv`: `code, name, aliases, demonyms, capital`.
    pub fn parse(tsv: &str) -> Result<Countries> {
        let mut list = Vec::new();
        for row in rows(tsv, "countries.tsv") {
            let row = row?;
            let code = CountryCode::parse(row.cell(0)?)
                .ok_or_else(|| row.error(format!("{:?} is not a two-letter code", row.cells[0])))?;
            list.push(Country {
                code,
                name: row.cell(1)?.to_string(),
                aliases: row.list(2),
                demonyms: row.list(3),
                capital: row.optional(4).map(str::to_string),
            });
        }
        let by_code = list.iter().enumerate().map(|(i, c)| (c.code, i)).collect();
        Ok(Countries {
            list,
            by_code,
            by_key: OnceLock::new(),
        })
    }

    /// Every name, alias and demonym, keyed for lookup.
    fn by_key(&self) -> &HashMap<String, usize> {
        self.by_key.get_or_init(|| {
            let mut by_key = HashMap::new();
            // Names win over aliases, aliases over demonyms, when two countries share a key.
            for (i, country) in self.list.iter().enumerate() {
                by_key.entry(lookup_key(&country.name)).or_insert(i);
            }
            for (i, country) in self.list.iter().enumerate() {
                for alias in &country.aliases {
                    by_key.entry(lookup_key(alias)).or_insert(i);
                }
            }
            for (i, country) in self.list.iter().enumerate() {
                for demonym in &country.demonyms {
                    by_key.entry(lookup_key(demonym)).or_insert(i);
                }
            }
            by_key
        })
    }

    /// All countries, in file order.
    pub fn all(&self) -> &[Country] {
        &self.list
    }

    /// The country with this code.
    pub fn get(&self, code: CountryCode) -> Option<&Country> {
        self.by_code.get(&code).map(|&i| &self.list[i])
    }

    /// Resolves what a user typed (`kp`, `North Korea`, `dprk`, `North Korean`) to a code.
    pub fn resolve(&self, text: &str) -> Option<CountryCode> {
        if let Some(code) = CountryCode::parse(text.trim()) {
            if self.by_code.contains_key(&code) {
                return Some(code);
            }
        }
        self.by_key()
            .get(&lookup_key(text))
            .map(|&i| self.list[i].code)
    }

    /// Up to three country names close to an unknown value, for "did you mean" messages.
    pub fn suggest(&self, text: &str) -> Vec<String> {
        let candidates = self
            .by_key()
            .iter()
            .map(|(key, &i)| (key.as_str(), self.list[i].name.as_str()));
        crate::suggest::nearest(&lookup_key(text), candidates, 3)
    }
}

/// The common English name of a code in the shipped country list, `None` when the list
/// has no such code.
///
/// Tabled from the list's first two columns when lede is built: labelling facet rows is
/// all most queries need of the list, and a cold query should not parse it (the whole list,
/// with aliases and demonyms, made [`Countries::shipped`] 0.17 ms of a 3 ms query; the two
/// columns alone were 4% of a cold query's instructions). Names agree with the whole
/// list's (tested).
pub fn country_name(code: CountryCode) -> Option<&'static str> {
    COUNTRY_NAMES
        .binary_search_by(|(known, _)| (*known).cmp(code.as_str()))
        .ok()
        .map(|at| COUNTRY_NAMES[at].1)
}

/// `(code, name)` of every country in the list, sorted by code: its first two columns,
/// tabled by the build script.
const COUNTRY_NAMES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/country_names.rs"));

/// Case-, dot- and article-insensitive key: "The U.S." and "us" meet.
fn lookup_key(text: &str) -> String {
    let lowered = text.trim().to_lowercase().replace('.', "");
    let words: Vec<&str> = lowered.split_whitespace().collect();
    let words = match words.first() {
        Some(&"the") if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

/// What kind of place a [`Place`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A city or town.
    City,
    /// A first-level region (state, province, oblast) or a well-known area.
    Region,
}

/// A city or region inside one country (or, for disputed regions, several).
#[derive(Debug, Clone)]
pub struct Place {
    /// English name.
    pub name: String,
    /// Other English names.
    pub aliases: Vec<String>,
    /// Country or countries it lies in.
    pub countries: Vec<CountryCode>,
    /// Inhabitants (0 when unknown). For a region, the people of the cities the gazetteer
    /// lists in it: a rough size, enough to tell a state or province from a parish.
    pub population: u64,
    /// Whether `population` was measured. Cities always are; curated regions (news name
    /// them, whatever their size) and US counties are not.
    pub weighed: bool,
    /// City or region.
    pub kind: PlaceKind,
}

/// A state that no longer exists ("SU", the Soviet Union): its places carry its code in
/// articles dated before it ended.
#[derive(Debug, Clone)]
pub struct FormerState {
    /// The code ISO 3166-3 reserves for it.
    pub code: CountryCode,
    /// The day it ended, in seconds since the Unix epoch: articles dated before it are read
    /// in its time.
    pub until: i64,
    /// Today's countries that held its places.
    pub successors: Vec<CountryCode>,
    /// When not empty, only the places of these first-level regions (and the regions
    /// themselves) were its: East Germany was part of today's Germany.
    pub regions: Vec<String>,
}

/// A place name that stands for a government ("the Kremlin").
#[derive(Debug, Clone)]
pub struct Metonym {
    /// The phrase, without a leading "the".
    pub phrase: String,
    /// The country it stands for.
    pub country: CountryCode,
}

/// A known organisation.
#[derive(Debug, Clone)]
pub struct Org {
    /// Canonical name, used as the facet value.
    pub name: String,
    /// Acronyms and other names.
    pub aliases: Vec<String>,
    /// Home country, when one applies.
    pub country: Option<CountryCode>,
    /// A sports club or national team (`club` or `national` in `orgs.tsv`).
    pub team: bool,
}

/// Every vocabulary the extractor uses.
#[derive(Debug)]
pub struct Gazetteer {
    /// Countries with names, aliases and demonyms.
    pub countries: &'static Countries,
    /// Cities and regions.
    pub places: Vec<Place>,
    /// Continents, oceans and regions spanning several countries: locations without a country.
    pub areas: Vec<String>,
    /// Government metonyms.
    pub metonyms: Vec<Metonym>,
    /// Organisations.
    pub orgs: Vec<Org>,
    /// Person titles and roles, lower-cased ("president", "foreign minister").
    pub titles: NameSet,
    /// Titles that only ever stand before a name ("mr", "dr"), lower-cased: the word after
    /// one is a surname even when it is an English word ("Mr Sun").
    pub honorifics: NameSet,
    /// Given names, as written ("Vladimir").
    pub given_names: NameSet,
    /// Place names that are also common words, lower-cased; they need more evidence.
    pub common_words: NameSet,
    /// Words that end organisation names ("council", "ministry"), lower-cased.
    pub org_words: NameSet,
    /// Words of company names ("corp", "ltd", "steel"), lower-cased: a place followed by
    /// one is part of a company's name.
    pub company_words: NameSet,
    /// Currency units ("dollars", "franc"), lower-cased: "Canadian dollars" names a
    /// currency, not Canada.
    pub currency_words: NameSet,
    /// Capitalised words that are never part of a name ("the", "according"), lower-cased.
    pub not_names: NameSet,
    /// Days and months, lower-cased: not names unless inside a longer name ("Theresa May").
    pub calendar_words: NameSet,
    /// Words after which a capitalised name is used as a place ("in", "near"), lower-cased.
    pub locatives: NameSet,
    /// Words after which a nationality word names a language ("speaks French"), lower-cased.
    pub language_verbs: NameSet,
    /// Words before a place that name a part of it, not a longer name ("North London"),
    /// lower-cased.
    pub compass_words: NameSet,
    /// Lower-case particles that may sit inside a person's name ("bin", "von").
    pub name_particles: NameSet,
    /// Lower-case words that may sit inside an organisation's name ("of", "for").
    pub org_connectors: NameSet,
    /// Words of sports reporting ("goal", "innings"), lower-cased: an article that uses
    /// them often is about sport.
    pub sports_words: NameSet,
    /// Words that end competitions' names ("league", "division"), lower-cased.
    pub competition_words: NameSet,
    /// Words around a team in a sports result ("beat", "against"), lower-cased.
    pub result_words: NameSet,
    /// Words right before a name that make it a work or a band ("film", "album").
    pub work_nouns: NameSet,
    /// Words right after a name that make it a work ("star", "director").
    pub credit_nouns: NameSet,
    /// Plural verbs right after a name that make it a group ("have", "were").
    pub group_verbs: NameSet,
    /// Legal forms that end a company's name ("co", "plc", "gmbh", "brothers"), lower-cased.
    pub legal_forms: NameSet,
    /// English words that are neither given names nor common surnames, lower-cased
    /// ("agreement", "motors", "club"): a name that ends in one, or that a title comes
    /// before, is no person's.
    pub plain_words: NameSet,
    /// States that no longer exist, with the places that were theirs.
    pub former_states: Vec<FormerState>,
    /// Names of world cities (at least [`WORLD_CITY`] people), lower-cased: a town of the
    /// same name in the country an article is about does not win for that alone.
    world_cities: NameSet,
    /// Lower-cased names of the places limited former states held ("leipzig", "saxony"),
    /// with the state: most former states held every place of their successors.
    former_places: rustc_hash::FxHashMap<String, CountryCode>,
}

impl Gazetteer {
    /// A legal form or trade word of company names ("Plc", "Securities"), in any case.
    pub fn is_company_word(&self, word: &str) -> bool {
        with_lower(word, |lower| self.company_words.contains(lower))
    }

    /// A name of a world city ("Paris", "Moscow"), in any case.
    pub fn is_world_city(&self, name: &str) -> bool {
        with_lower(name, |lower| self.world_cities.contains(lower))
    }

    /// A legal form ending a company's name ("Corp", "GmbH"), in any case.
    pub fn is_legal_form(&self, word: &str) -> bool {
        with_lower(word, |lower| self.legal_forms.contains(lower))
    }

    /// An English word that is neither a given name nor a common surname ("Motors"), in
    /// any case.
    pub fn is_plain_word(&self, word: &str) -> bool {
        with_lower(word, |lower| self.plain_words.contains(lower))
    }

    /// The former state a place of `country` named `place` belonged to at `date` (seconds
    /// since the Unix epoch), if it belonged to one then: Moscow in 1987 is SU.
    pub fn former_state(
        &self,
        country: CountryCode,
        place: &str,
        date: i64,
    ) -> Option<CountryCode> {
        self.former_states
            .iter()
            .filter(|state| date < state.until && state.successors.contains(&country))
            .find(|state| {
                state.regions.is_empty()
                    || with_lower(place, |lower| self.former_places.get(lower))
                        .is_some_and(|&code| code == state.code)
            })
            .map(|state| state.code)
    }

    /// The shipped gazetteer, parsed once.
    pub fn shipped() -> Result<&'static Gazetteer> {
        static GAZETTEER: OnceLock<std::result::Result<Gazetteer, String>> = OnceLock::new();
        GAZETTEER
            .get_or_init(|| Gazetteer::load().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Schema(e.clone()))
    }

    fn load() -> Result<Gazetteer> {
        let countries = Countries::shipped()?;
        let mut places = parse_cities(CITIES_TSV)?;
        places.extend(parse_regions(REGIONS_TSV)?);
        // Collecting ~33k cities doubled the list's capacity to 65k: 2.4 MB never used.
        places.shrink_to_fit();
        let lower = |text: &str| word_list(text).map(str::to_lowercase).collect::<NameSet>();
        let not_names = lower(NOT_NAMES_TXT);
        // Name lists carry a few function words ("The"); a name rule must never see them.
        let given_names = word_list(GIVEN_NAMES_TXT)
            .filter(|name| !not_names.contains(&name.to_lowercase()))
            .map(str::to_string)
            .collect();
        let former_states = parse_former_states(FORMER_STATES_TSV)?;
        let former_places = former_places(&former_states, CITIES_TSV, REGIONS_TSV)?;
        let world_cities = places
            .iter()
            .filter(|p| p.kind == PlaceKind::City && p.population >= WORLD_CITY)
            .map(|p| p.name.to_lowercase())
            .collect();
        Ok(Gazetteer {
            countries,
            places,
            areas: word_list(AREAS_TXT).map(str::to_string).collect(),
            metonyms: parse_metonyms(METONYMS_TSV)?,
            orgs: parse_orgs(ORGS_TSV)?,
            // The word splitter drops the dot of "Gov." and "Lt.": keep both spellings.
            titles: lower(TITLES_TXT)
                .into_iter()
                .flat_map(|t| [t.trim_end_matches('.').to_string(), t])
                .collect(),
            honorifics: lower(HONORIFICS_TXT),
            given_names,
            common_words: lower(COMMON_WORDS_TXT),
            org_words: lower(ORG_WORDS_TXT),
            company_words: lower(COMPANY_WORDS_TXT),
            currency_words: lower(CURRENCY_WORDS_TXT),
            not_names,
            calendar_words: lower(CALENDAR_WORDS_TXT),
            locatives: lower(LOCATIVES_TXT),
            language_verbs: lower(LANGUAGE_VERBS_TXT),
            compass_words: lower(COMPASS_WORDS_TXT),
            name_particles: lower(NAME_PARTICLES_TXT),
            org_connectors: lower(ORG_CONNECTORS_TXT),
            sports_words: lower(SPORTS_WORDS_TXT),
            competition_words: lower(COMPETITION_WORDS_TXT),
            result_words: lower(RESULT_WORDS_TXT),
            work_nouns: lower(WORK_NOUNS_TXT),
            credit_nouns: lower(CREDIT_NOUNS_TXT),
            group_verbs: lower(GROUP_VERBS_TXT),
            legal_forms: lower(LEGAL_FORMS_TXT),
            plain_words: lower(PLAIN_WORDS_TXT),
            former_states,
            former_places,
            world_cities,
        })
    }
}

/// The places of former states limited to some regions, lower-cased: the regions
/// themselves (`regions.tsv`) and the cities whose first-level region is one of them (the
/// admin1 column of `cities.tsv`, read here rather than kept in every [`Place`]).
fn former_places(
    states: &[FormerState],
    cities_tsv: &str,
    regions_tsv: &str,
) -> Result<rustc_hash::FxHashMap<String, CountryCode>> {
    let mut held = rustc_hash::FxHashMap::default();
    for state in states.iter().filter(|s| !s.regions.is_empty()) {
        let in_region = |name: &str| state.regions.iter().any(|r| r == name);
        let of_successor = |row: &Row<'_>| -> Result<bool> {
            Ok(row.codes(1)?.iter().any(|c| state.successors.contains(c)))
        };
        for (tsv, file, region_column) in [
            (cities_tsv, "cities.tsv", Some(4)),
            (regions_tsv, "regions.tsv", None),
        ] {
            for row in rows(tsv, file) {
                let row = row?;
                let name = row.cell(0)?;
                let held_here = match region_column {
                    Some(i) => row.optional(i).is_some_and(in_region),
                    None => in_region(name),
                };
                if held_here && of_successor(&row)? {
                    let aliases = row.list(if region_column.is_some() { 3 } else { 2 });
                    for name in std::iter::once(name.to_string()).chain(aliases) {
                        held.insert(name.to_lowercase(), state.code);
                    }
                }
            }
        }
    }
    Ok(held)
}

fn parse_former_states(tsv: &str) -> Result<Vec<FormerState>> {
    rows(tsv, "former_states.tsv")
        .map(|row| {
            let row = row?;
            let code = CountryCode::parse(row.cell(0)?)
                .ok_or_else(|| row.error(format!("{:?} is not a two-letter code", row.cells[0])))?;
            let until = chrono::NaiveDate::parse_from_str(row.cell(1)?, "%Y-%m-%d")
                .map_err(|_| row.error(format!("{:?} is not a date", row.cells[1])))?
                .and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
                .timestamp();
            Ok(FormerState {
                code,
                until,
                successors: row.codes(2)?,
                regions: row.list(3),
            })
        })
        .collect()
}

fn parse_cities(tsv: &str) -> Result<Vec<Place>> {
    rows(tsv, "cities.tsv")
        .map(|row| {
            let row = row?;
            let population = row
                .cell(2)?
                .parse()
                .map_err(|_| row.error(format!("population {:?} is not a number", row.cells[2])))?;
            Ok(Place {
                name: row.cell(0)?.to_string(),
                aliases: row.list(3),
                countries: row.codes(1)?,
                population,
                weighed: true,
                kind: PlaceKind::City,
            })
        })
        .collect()
}

fn parse_regions(tsv: &str) -> Result<Vec<Place>> {
    rows(tsv, "regions.tsv")
        .map(|row| {
            let row = row?;
            let population = row
                .optional(4)
                .map(|cell| {
                    cell.parse::<u64>()
                        .map_err(|_| row.error(format!("population {cell:?} is not a number")))
                })
                .transpose()?;
            Ok(Place {
                name: row.cell(0)?.to_string(),
                aliases: row.list(2),
                countries: row.codes(1)?,
                population: population.unwrap_or(0),
                weighed: population.is_some(),
                kind: PlaceKind::Region,
            })
        })
        .collect()
}

fn parse_metonyms(tsv: &str) -> Result<Vec<Metonym>> {
    rows(tsv, "metonyms.tsv")
        .map(|row| {
            let row = row?;
            let country = *row
                .codes(1)?
                .first()
                .ok_or_else(|| row.error("a metonym needs a country".into()))?;
            Ok(Metonym {
                phrase: row.cell(0)?.to_string(),
                country,
            })
        })
        .collect()
}

fn parse_orgs(tsv: &str) -> Result<Vec<Org>> {
    rows(tsv, "orgs.tsv")
        .map(|row| {
            let row = row?;
            Ok(Org {
                name: row.cell(0)?.to_string(),
                aliases: row.list(1),
                country: row.codes(2)?.first().copied(),
                team: matches!(row.optional(3), Some("club" | "national")),
            })
        })
        .collect()
}

/// Calls `f` with `text` in lower case, without allocating for short ASCII words. The word
/// lists are kept lower-cased, and the name rules and the resolver look words up in them
/// millions of times a second.
pub fn with_lower<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buffer = [0u8; 48];
    if text.len() <= buffer.len() && text.is_ascii() {
        let lower = &mut buffer[..text.len()];
        lower.copy_from_slice(text.as_bytes());
        lower.make_ascii_lowercase();
        f(std::str::from_utf8(lower).expect("ASCII stays UTF-8"))
    } else {
        f(&text.to_lowercase())
    }
}

/// Non-empty, non-comment lines of a one-item-per-line list.
fn word_list(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// One data row of a TSV vocabulary file.
struct Row<'a> {
    file: &'static str,
    line: usize,
    cells: Vec<&'a str>,
}

impl<'a> Row<'a> {
    fn error(&self, message: String) -> Error {
        Error::Vocabulary {
            file: self.file,
            line: self.line,
            message,
        }
    }

    fn cell(&self, i: usize) -> Result<&'a str> {
        self.optional(i)
            .ok_or_else(|| self.error(format!("column {} is empty or missing", i + 1)))
    }

    fn optional(&self, i: usize) -> Option<&'a str> {
        self.cells
            .get(i)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    fn list(&self, i: usize) -> Vec<String> {
        self.optional(i)
            .map(|cell| {
                cell.split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn codes(&self, i: usize) -> Result<Vec<CountryCode>> {
        self.list(i)
            .iter()
            .map(|c| {
                CountryCode::parse(c)
                    .ok_or_else(|| self.error(format!("{c:?} is not a country code")))
            })
            .collect()
    }
}

/// Data rows of a TSV file: `#` lines (the header among them) and blank lines are skipped.
fn rows<'a>(tsv: &'a str, file: &'static str) -> impl Iterator<Item = Result<Row<'a>>> {
    tsv.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(move |(i, line)| {
            Ok(Row {
                file,
                line: i + 1,
                cells: line.split('\t').collect(),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> CountryCode {
        CountryCode::parse(text).unwrap()
    }

    #[test]
    fn country_names_read_alone_agree_with_the_whole_list() {
        let countries = Countries::shipped().unwrap();
        for country in countries.all() {
            assert_eq!(
                country_name(country.code),
                Some(country.name.as_str()),
                "{}",
                country.code
            );
        }
        assert_eq!(country_name(code("KP")), Some("North Korea"));
        assert_eq!(country_name(code("ZZ")), None);
    }

    #[test]
    fn the_shipped_vocabularies_parse() {
        let gazetteer = Gazetteer::shipped().expect("shipped gazetteer parses");
        assert!(gazetteer.countries.all().len() >= 240);
        assert!(gazetteer.places.len() > 1000);
        assert!(!gazetteer.metonyms.is_empty());
        assert!(!gazetteer.orgs.is_empty());
        assert!(gazetteer.titles.contains("president"));
        assert!(gazetteer.given_names.contains("Vladimir"));
        assert!(!gazetteer.given_names.contains("The"));
        assert!(gazetteer.org_words.contains("council"));
        assert!(gazetteer.company_words.contains("corp"));
        assert!(gazetteer.currency_words.contains("dollars"));
        assert!(gazetteer.locatives.contains("near"));
        assert!(gazetteer.language_verbs.contains("speaks"));
        assert!(gazetteer.compass_words.contains("northern"));
        assert!(gazetteer.name_particles.contains("bin"));
        assert!(gazetteer.org_connectors.contains("of"));
    }

    #[test]
    fn lower_casing_short_and_long_words() {
        assert_eq!(with_lower("Minister", str::to_string), "minister");
        assert_eq!(with_lower("ÉLYSÉE", str::to_string), "élysée");
        let long = "A".repeat(100);
        assert_eq!(with_lower(&long, str::to_string), "a".repeat(100));
    }

    #[test]
    fn users_can_name_a_country_by_code_name_alias_or_demonym_in_any_case() {
        let countries = Countries::shipped().unwrap();
        for typed in [
            "KP",
            "kp",
            "North Korea",
            "north korea",
            "DPRK",
            "North Korean",
        ] {
            assert_eq!(countries.resolve(typed), Some(code("KP")), "{typed}");
        }
        for typed in ["us", "U.S.", "the United States", "USA", "america"] {
            assert_eq!(countries.resolve(typed), Some(code("US")), "{typed}");
        }
        assert_eq!(countries.resolve("Narnia"), None);
        // States that no longer exist have the codes ISO 3166-3 reserves for them.
        for (typed, expected) in [
            ("ussr", "SU"),
            ("Soviet Union", "SU"),
            ("soviet", "SU"),
            ("yugoslavia", "YU"),
            ("Czechoslovakia", "CS"),
            ("east germany", "DD"),
            ("GDR", "DD"),
            ("West Germany", "DE"),
            ("Zaire", "CD"),
            ("Burma", "MM"),
        ] {
            assert_eq!(countries.resolve(typed), Some(code(expected)), "{typed}");
        }
        assert_eq!(code("SU").name(), "Soviet Union");
        assert_eq!(code("RU").name(), "Russia");
    }

    #[test]
    fn unknown_countries_get_suggestions() {
        let countries = Countries::shipped().unwrap();
        let suggestions = countries.suggest("north kore");
        assert_eq!(suggestions.first().map(String::as_str), Some("North Korea"));
        // One word of a name, misspelt: both Koreas, and not an unrelated alias.
        assert_eq!(countries.suggest("Koria"), ["North Korea", "South Korea"]);
        assert_eq!(countries.suggest("Rusia"), ["Russia"]);
    }

    #[test]
    fn regions_read_their_population_when_weighed() {
        let regions =
            parse_regions("#h\nNorthland\tXA\t\tProvince\t250000\nOldland\tXA\t\tregion\t\n")
                .unwrap();
        assert_eq!(regions[0].population, 250_000);
        assert!(regions[0].weighed);
        assert_eq!(regions[1].population, 0);
        assert!(!regions[1].weighed);
        assert!(parse_regions("#h\nX\tXA\t\tProvince\tmany\n").is_err());
    }

    #[test]
    fn malformed_rows_are_reported_with_file_and_line() {
        let err = Countries::parse("#code\tname\nXYZ\tNowhere\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "vocabulary countries.tsv, line 2: \"XYZ\" is not a two-letter code"
        );
        let err = parse_cities("#h\nParis\tFR\tmany\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
