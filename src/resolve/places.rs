//! Place readings: which of the places a name may be ("Georgia", "Paris", "Portland") the
//! article means, or none.
//!
//! Two kinds of evidence decide. What surrounds each mention ([`Surroundings`]: "in", a
//! qualifying region after a comma, a longer name or a company's around it, a currency
//! after it), and what the whole article names ([`ArticleContext`]: the countries it names
//! plainly, the sense a qualified use fixes for every use of a name). [`plausible`] rules
//! readings out and [`score`] ranks the rest.

use rustc_hash::FxHashMap as HashMap;

use super::{ParagraphView, ResolvedMention};
use crate::extract::words::{hash_lower, Word};
use crate::extract::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::{with_lower, CountryCode, Gazetteer, NameSet};

/// Cities smaller than this need their country elsewhere in the article.
const SMALL_CITY: u64 = 100_000;
/// Between cities of one name, the largest wins alone only when it is this many times larger.
const CLEAR_POPULATION_RATIO: u64 = 5;

/// What the whole article says of its places: the countries it names without ambiguity,
/// and the senses and uses of place names that hold for every paragraph.
pub(super) struct ArticleContext {
    /// Countries the article names without ambiguity, with what named them.
    countries: HashMap<CountryCode, Support>,
    /// Place names the article qualifies once ("Oxford, North Carolina") and the country
    /// that fixes for every use of the name in the article ("home in Oxford").
    senses: HashMap<String, CountryCode>,
    /// Place names the article also uses inside longer names, lower-cased.
    /// Whether the longer name was a company's.
    name_parts: HashMap<String, bool>,
    /// The article is about sport: a club's one-word name is the club's, and a town
    /// followed by a score is a team.
    pub(super) sports: bool,
}

/// How many words of sports reporting make an article one about sport.
const SPORTS_WORDS: usize = 4;

/// Whether an article is about sport: it uses words of sports reporting at least
/// [`SPORTS_WORDS`] times, or a paragraph is a line of results. Only asked of articles that name a team or put a number after a
/// place, so that other articles pay nothing for it.
fn about_sport(gazetteer: &Gazetteer, views: &[ParagraphView<'_>]) -> bool {
    let needed = views.iter().any(|view| {
        view.mentions.iter().any(|m| {
            m.readings.iter().any(|r| r.evidence == Evidence::Team)
                || (m.readings.iter().any(is_place_reading) && score_after(view.text, m.end))
        })
    });
    if !needed {
        return false;
    }
    // "Detroit 4 Kansas City 1": a line of results, two places each before a score.
    let results_line = views.iter().any(|view| {
        view.mentions
            .iter()
            .filter(|m| m.readings.iter().any(is_place_reading) && score_after(view.text, m.end))
            .nth(1)
            .is_some()
    });
    if results_line {
        return true;
    }
    let mut seen = 0;
    for word in views.iter().flat_map(|view| &view.words) {
        let lower_case = word.text.starts_with(|c: char| c.is_ascii_lowercase());
        if lower_case && (3..=14).contains(&word.text.len()) && is_in(&gazetteer.sports_words, word)
        {
            seen += 1;
            if seen >= SPORTS_WORDS {
                return true;
            }
        }
    }
    false
}

/// Whether a score follows byte `at`: a number of one to three digits, alone or with a
/// hyphen and another ("7", "296", "4-38"), but no year or date ("1996-08-30").
pub(super) fn score_after(text: &str, at: usize) -> bool {
    let Some(rest) = text[at..].strip_prefix(' ') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let mut after = rest[digits..].chars();
    let (next, then) = (after.next(), after.next());
    // "3," and "0." end a score; "1,000" and "2.5" are other numbers.
    let number_goes_on =
        matches!(next, Some('.' | ',')) && then.is_some_and(|c| c.is_ascii_digit());
    (1..=3).contains(&digits) && !number_goes_on && next.is_none_or(|c| !c.is_alphanumeric())
}

/// A place used as a team in a sports report: a city or region (not a country, which news
/// and CoNLL-2003 keep as the country) right before a score ("Chicago 7 Cleveland 3",
/// "Leicestershire 296 and 120-3") or next to a result word ("Smithport beat Northam",
/// "against Northam"), but no dateline.
pub(super) fn team_of_place(
    gazetteer: &Gazetteer,
    paragraph: &ParagraphView<'_>,
    mention: &Mention,
    chosen: &Reading,
    context: &ArticleContext,
) -> Option<ResolvedMention> {
    let town = matches!(
        chosen.evidence,
        Evidence::City { .. } | Evidence::Region { .. } | Evidence::Capital
    );
    if !(context.sports && town) {
        return None;
    }
    let text = paragraph.text;
    let result_word = |word: Option<&str>| {
        word.is_some_and(|w| with_lower(w, |lower| gazetteer.result_words.contains(lower)))
    };
    let before = text[..mention.start].strip_suffix(' ').map(|t| {
        t.rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
    });
    let after = text[mention.end..]
        .strip_prefix(' ')
        .and_then(|t| t.split(|c: char| !c.is_alphanumeric()).next());
    if !(score_after(text, mention.end) || result_word(before) || result_word(after)) {
        return None;
    }
    // "Greenock Morton 2", "East Fife 1", "OFK Kikinda 0": the team's name takes the
    // capitalised words joined to the town before it.
    let mut start = mention.start;
    if let Some(first) = paragraph.word_at(mention.start) {
        let mut i = first;
        while i > 0 && paragraph.words[i - 1].joined_to_next {
            let previous = &paragraph.words[i - 1];
            if !previous.is_capitalised() || previous.possessive {
                break;
            }
            i -= 1;
        }
        start = paragraph.words[i].start;
    }
    Some(ResolvedMention {
        kind: Kind::Org,
        start,
        end: mention.end,
        value: text[start..mention.end].to_string(),
        country: chosen.country,
        evidence: Evidence::Team,
    })
}

/// The names that gave the article one of its countries.
struct Support {
    /// Hash of the first such name, lower-cased.
    name: u64,
    /// Whether another name gave it too.
    several: bool,
    /// Whether a use was plainly a place's: a dateline or after "in", "from"...
    placed: bool,
    /// Whether a use was not part of a longer name.
    alone: bool,
    /// Whether a region of the country gave it ("Ohio", "Warren County"): the article is
    /// about places there, not only about the country.
    local: bool,
}

/// Whether a mention opens the paragraph before a comma: a dateline ("SMITHVILLE, March 3 -").
fn is_dateline(text: &str, mention: &Mention) -> bool {
    mention.start == 0 && text[mention.end..].starts_with(',')
}

/// Whether a mention is plainly used as a place: it opens the paragraph before a comma (a
/// dateline, "SMITHVILLE, March 3 -") or follows a locative word ("in Smithville").
fn used_as_place(gazetteer: &Gazetteer, text: &str, mention: &Mention) -> bool {
    let before = &text[..mention.start];
    is_dateline(text, mention)
        || before.ends_with(' ')
            && before
                .trim_end()
                .rsplit(' ')
                .next()
                .is_some_and(|word| with_lower(word, |lower| gazetteer.locatives.contains(lower)))
}

/// Place names the article uses inside longer names ("Piedmont Aviation"): a later bare
/// use ("Piedmont said") is most likely the same longer name.
fn name_parts(
    views: &[ParagraphView<'_>],
    surroundings: &[Vec<Surroundings>],
) -> HashMap<String, bool> {
    let mut parts: HashMap<String, bool> = HashMap::default();
    for (view, surroundings) in views.iter().zip(surroundings) {
        for (mention, around) in view.mentions.iter().zip(surroundings) {
            let is_place = mention.readings.iter().any(is_place_reading);
            if is_place && around.embedded {
                *parts
                    .entry(view.text[mention.start..mention.end].to_lowercase())
                    .or_default() |= around.company;
            }
        }
    }
    parts
}

/// One sense per article: the first qualified use of a place name decides its country.
fn qualified_senses(views: &[ParagraphView<'_>]) -> HashMap<String, CountryCode> {
    let mut senses = HashMap::default();
    for view in views {
        for mention in view.mentions {
            let is_place = mention.readings.iter().any(is_place_reading);
            if let (true, Some(&code)) = (is_place, qualifier(view, mention).first()) {
                senses
                    .entry(view.text[mention.start..mention.end].to_lowercase())
                    .or_insert(code);
            }
        }
    }
    senses
}

/// Whether a reading is a city or region.
fn is_place_reading(reading: &Reading) -> bool {
    is_place_evidence(reading.evidence)
}

/// Cities and regions: what the `/place/` facet lists.
pub(super) fn is_place_evidence(evidence: Evidence) -> bool {
    matches!(
        evidence,
        Evidence::City { .. }
            | Evidence::Region { .. }
            | Evidence::Capital
            | Evidence::QualifiedPlace
    )
}

impl ArticleContext {
    /// Reads the article once, for every paragraph's choices.
    pub(super) fn of(
        gazetteer: &Gazetteer,
        views: &[ParagraphView<'_>],
        surroundings: &[Vec<Surroundings>],
    ) -> ArticleContext {
        ArticleContext {
            countries: Self::countries_of(gazetteer, views, surroundings),
            senses: qualified_senses(views),
            name_parts: name_parts(views, surroundings),
            sports: about_sport(gazetteer, views),
        }
    }

    /// Counts the countries of mentions that are unambiguous and strong: a small city or a
    /// city named like a common word does not place an article in its country.
    fn countries_of(
        gazetteer: &Gazetteer,
        views: &[ParagraphView<'_>],
        surroundings: &[Vec<Surroundings>],
    ) -> HashMap<CountryCode, Support> {
        let mut countries = HashMap::default();
        for (view, surroundings) in views.iter().zip(surroundings) {
            let text = view.text;
            for (mention, around) in view.mentions.iter().zip(surroundings) {
                if mention.readings.iter().any(|r| r.kind == Kind::Person) {
                    continue;
                }
                let surface = &text[mention.start..mention.end];
                let common_word =
                    with_lower(surface, |lower| gazetteer.common_words.contains(lower));
                let mut codes = mention
                    .readings
                    .iter()
                    .filter(|r| matches!(r.kind, Kind::Location | Kind::Nationality))
                    .filter(|r| strong(r, common_word))
                    .filter_map(|r| r.country);
                // Only a mention whose strong readings all name one country counts.
                let local = mention.readings.iter().any(|r| {
                    matches!(r.evidence, Evidence::Region { small: false }) && !common_word
                });
                if let Some(code) = codes.next() {
                    if codes.all(|other| other == code) {
                        let name = around.name;
                        let placed = used_as_place(gazetteer, text, mention);
                        let alone = !around.embedded;
                        countries
                            .entry(code)
                            .and_modify(|support: &mut Support| {
                                support.several |= support.name != name;
                                support.placed |= placed;
                                support.alone |= alone;
                                support.local |= local;
                            })
                            .or_insert(Support {
                                name,
                                several: false,
                                placed,
                                alone,
                                local,
                            });
                    }
                }
            }
        }
        countries
    }

    fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }

    fn has(&self, code: Option<CountryCode>) -> bool {
        code.is_some_and(|c| self.countries.contains_key(&c))
    }

    /// Like [`ArticleContext::has`], counting only names other than the one whose lower-cased
    /// hash is `name`: "Athens" does not back itself.
    fn has_other(&self, code: Option<CountryCode>, name: u64) -> bool {
        code.and_then(|c| self.countries.get(&c))
            .is_some_and(|support| support.several || support.name != name)
    }

    /// Whether the article names a region of the country ("Ohio", "Warren County").
    fn has_local(&self, code: Option<CountryCode>) -> bool {
        code.and_then(|c| self.countries.get(&c))
            .is_some_and(|support| support.local)
    }

    /// Like [`ArticleContext::has`], counting only names other than the one whose lower-cased
    /// hash is `name`, unless a use of it was plainly a place's: a company name used again
    /// and again does not confirm itself, a dateline does.
    fn has_besides(&self, code: Option<CountryCode>, name: u64) -> bool {
        code.and_then(|c| self.countries.get(&c))
            .is_some_and(|support| support.several || support.placed || support.name != name)
    }

    /// Like [`ArticleContext::has_besides`], where a use of the name on its own also counts:
    /// "Smithville Council" confirms itself only in an article that names Smithville alone.
    fn has_besides_names(&self, code: Option<CountryCode>, name: u64) -> bool {
        code.and_then(|c| self.countries.get(&c))
            .is_some_and(|support| {
                support.several || support.placed || support.alone || support.name != name
            })
    }
}

/// What surrounds a mention, as evidence for or against its place readings.
pub(super) struct Surroundings {
    /// The name is also a common English word ("Union", "Reading").
    common_word: bool,
    /// The name is a day or a month ("March").
    calendar_word: bool,
    /// A locative word comes right before it ("in Union", "near Hanover").
    locative: bool,
    /// Countries of the place named right after it ("Oxford, North Carolina" → US).
    qualified_by: Vec<CountryCode>,
    /// It is part of a longer capitalised name ("Real Madrid", "Burlington Northern").
    embedded: bool,
    /// A nationality word used as a language ("in Turkish,").
    language: bool,
    /// A currency word follows ("Canadian dollars"): a country's word names the currency.
    currency: bool,
    /// The longer name it is part of is a company's ("Santa Fe Southern Pacific Corp").
    company: bool,
    /// Hash of the lower-cased name.
    name: u64,
    /// The name is one word.
    one_word: bool,
    /// One of its readings is a world city ("Paris", "Moscow"), which a namesake town of
    /// the article's country does not displace.
    world_city: bool,
    /// Countries of its place readings that other names of the article give: a town of a
    /// country the article is local to yields to them.
    backed: Vec<CountryCode>,
    /// Every reading is a place's: a town of the article's country wins only over other
    /// places, never over an organisation or a person.
    only_places: bool,
}

/// How many words after a place are searched for a company word.
const COMPANY_NAME_WORDS: usize = 4;

impl Surroundings {
    /// Looks around one mention of a paragraph.
    pub(super) fn of(
        gazetteer: &Gazetteer,
        paragraph: &ParagraphView<'_>,
        mention: &Mention,
    ) -> Surroundings {
        let surface = &paragraph.text[mention.start..mention.end];
        let (common_word, calendar_word) = with_lower(surface, |lower| {
            (
                gazetteer.common_words.contains(lower),
                gazetteer.calendar_words.contains(lower),
            )
        });
        let edges = Edges::of(gazetteer, paragraph, mention);
        let company = edges.company_name_follows();
        Surroundings {
            common_word,
            calendar_word,
            locative: edges.previous_is_in(&gazetteer.locatives),
            qualified_by: qualifier(paragraph, mention),
            embedded: edges.name_continues_after(company) || edges.name_starts_before(),
            language: edges.names_a_language(),
            company,
            currency: edges.next_is_in(&gazetteer.currency_words),
            name: hash_lower(surface),
            one_word: !surface.contains(' '),
            world_city: gazetteer.is_world_city(surface),
            backed: Vec::new(),
            only_places: mention.readings.iter().all(is_place_reading),
        }
    }

    /// Whether the place or country named right after the mention lies in `code`.
    fn qualifies(&self, code: Option<CountryCode>) -> bool {
        code.is_some_and(|c| self.qualified_by.contains(&c))
    }

    /// Adds what the rest of the article says of the name: the country a qualified use of
    /// it fixed ("Oxford, North Carolina", then "in Oxford"), and whether the article uses
    /// it inside a longer name ("Piedmont Aviation", then "Piedmont said").
    pub(super) fn learn_from_article(
        &mut self,
        context: &ArticleContext,
        text: &str,
        mention: &Mention,
    ) {
        let surface = &text[mention.start..mention.end];
        self.backed = mention
            .readings
            .iter()
            .filter(|r| is_place_reading(r))
            .filter_map(|r| r.country)
            .filter(|&c| context.has_other(Some(c), self.name))
            .collect();
        if self.qualified_by.is_empty() && !context.senses.is_empty() {
            if let Some(code) = with_lower(surface, |lower| context.senses.get(lower).copied()) {
                self.qualified_by.push(code);
            }
        }
        if !context.name_parts.is_empty() {
            // A dateline ("SMITHVILLE, March 3 -") is the place itself.
            let parts = with_lower(surface, |lower| context.name_parts.get(lower).copied());
            if let Some(company) = parts.filter(|_| !is_dateline(text, mention)) {
                self.embedded = true;
                self.company |= company;
            }
        }
    }
}

/// The words at the edges of a mention and right outside it: they tell a place from a part
/// of a longer name ("Smithville Steel Corp", "Real Madrid").
struct Edges<'p, 'a> {
    gazetteer: &'p Gazetteer,
    paragraph: &'p ParagraphView<'a>,
    mention: &'p Mention,
    /// Index of the mention's last word.
    last: Option<usize>,
    /// The word before the mention, when one space joins them.
    previous: Option<&'p Word<'a>>,
    /// The word after the mention, when one space joins them.
    next: Option<&'p Word<'a>>,
    /// The mention ends in a possessive: "Queensland's Easter" and "Prate's Paris office"
    /// are not longer names.
    possessive: bool,
    /// A hyphen joins the mention to a capitalised name ("Smithville-Jones"): not a place.
    hyphenated: bool,
}

impl<'p, 'a> Edges<'p, 'a> {
    fn of(
        gazetteer: &'p Gazetteer,
        paragraph: &'p ParagraphView<'a>,
        mention: &'p Mention,
    ) -> Edges<'p, 'a> {
        let words = &paragraph.words;
        let first = paragraph.word_at(mention.start);
        let last = paragraph.word_at(mention.end.saturating_sub(1));
        let previous = first
            .filter(|&i| i > 0 && words[i - 1].joined_to_next)
            .map(|i| &words[i - 1]);
        let next = last
            .filter(|&i| {
                i + 1 < words.len() && words[i].joined_to_next && words[i].end <= mention.end
            })
            .map(|i| &words[i + 1]);
        Edges {
            gazetteer,
            paragraph,
            mention,
            last,
            previous,
            next,
            possessive: last.is_some_and(|i| words[i].possessive),
            hyphenated: last.is_some_and(|i| words[i].end > mention.end)
                && joined_by_hyphen_to_a_name(paragraph, mention),
        }
    }

    /// The word before the mention is in `list` (lower-cased).
    fn previous_is_in(&self, list: &NameSet) -> bool {
        self.previous.is_some_and(|w| is_in(list, w))
    }

    /// The word after the mention is in `list` (lower-cased).
    fn next_is_in(&self, list: &NameSet) -> bool {
        self.next.is_some_and(|w| is_in(list, w))
    }

    /// A company's name: a company word ("Corp", "Steel", "Ltd") among the capitalised words
    /// that follow ("Smithville Steel Corp", "Smithville-Jones Inc").
    fn company_name_follows(&self) -> bool {
        let capitalised_next = !self.possessive && self.next.is_some_and(|w| w.is_capitalised());
        (self.hyphenated || capitalised_next)
            && self.last.is_some_and(|i| {
                self.paragraph.words[i + usize::from(!self.hyphenated)..]
                    .iter()
                    .take(COMPANY_NAME_WORDS)
                    .scan(true, |joined, w| {
                        let take = *joined && (w.is_capitalised() || w.text == "&");
                        *joined = w.joined_to_next && !w.possessive;
                        take.then_some(w)
                    })
                    .any(|w| self.gazetteer.is_company_word(w.text))
            })
    }

    /// The mention begins a longer name: a hyphenated name, a company's name, or a name word
    /// right after it ("Burlington Northern").
    fn name_continues_after(&self, company: bool) -> bool {
        self.hyphenated
            || company
            || (!self.possessive && self.next.is_some_and(|w| self.is_name_word(w)))
    }

    /// A name word right before the mention makes it the end of a longer name ("Real
    /// Madrid"), unless that word opens a sentence or is a compass word: "North London",
    /// "Western Smithville" say which part of the place.
    fn name_starts_before(&self) -> bool {
        self.previous.is_some_and(|w| {
            !w.possessive
                && self.is_name_word(w)
                && !self.paragraph.starts_sentence(w)
                && !is_in(&self.gazetteer.compass_words, w)
        })
    }

    /// A capitalised word that may belong to a name: no sentence opener, day, month or
    /// title, and not read as a place or nationality by another mention.
    fn is_name_word(&self, w: &Word<'_>) -> bool {
        let gazetteer = self.gazetteer;
        w.is_capitalised()
            && with_lower(w.text, |lower| {
                !gazetteer.not_names.contains(lower)
                    && !gazetteer.calendar_words.contains(lower)
                    && !gazetteer.titles.contains(lower)
            })
            && !self.paragraph.is_place_word(w, self.mention)
    }

    /// A nationality word used as a language: after a language verb ("speaks French"), or
    /// after "in" at the end of a phrase ("in Turkish,").
    fn names_a_language(&self) -> bool {
        let after = &self.paragraph.text[self.mention.end..];
        let ends_phrase = !after.starts_with(|c: char| c.is_alphanumeric() || c == ' ');
        self.previous.is_some_and(|w| {
            with_lower(w.text, |before| {
                self.gazetteer.language_verbs.contains(before) || (before == "in" && ends_phrase)
            })
        })
    }
}

/// Whether a hyphen joins the mention to a capitalised name that is no mention of its own
/// ("Smithville-Jones", but not "Paris-Berlin").
fn joined_by_hyphen_to_a_name(paragraph: &ParagraphView<'_>, mention: &Mention) -> bool {
    paragraph.text[mention.end..]
        .strip_prefix('-')
        .is_some_and(|rest| rest.starts_with(char::is_uppercase))
        && paragraph.mentions_starting_at(mention.end + 1).is_empty()
}

/// Whether a word's lower case is in a lower-cased word list.
fn is_in(list: &NameSet, word: &Word<'_>) -> bool {
    with_lower(word.text, |lower| list.contains(lower))
}

/// Countries of a region or country named right after a place and a comma: the way news
/// tell places apart ("Portland, Ore.", "London, Ontario", "Paris, Texas").
fn qualifier(paragraph: &ParagraphView<'_>, mention: &Mention) -> Vec<CountryCode> {
    let after = &paragraph.text[mention.end..];
    if !after.starts_with(", ") {
        return Vec::new();
    }
    let start = mention.end + 2;
    paragraph
        .mentions_starting_at(start)
        .iter()
        .flat_map(|m| &m.readings)
        .filter(|r| {
            matches!(
                r.evidence,
                Evidence::Region { .. } | Evidence::CountryName | Evidence::CountryAlias
            )
        })
        .filter_map(|r| r.country)
        .collect()
}

/// The most likely plausible reading of a mention, or none: among cities of one name that
/// the article does not place, only a clearly larger one.
pub(super) fn best_reading<'m>(
    mention: &'m Mention,
    around: &Surroundings,
    context: &ArticleContext,
) -> Option<&'m Reading> {
    // Walked twice rather than collected: most mentions have one reading and no city.
    let candidates = || {
        mention
            .readings
            .iter()
            .filter(|r| plausible(r, around, context))
    };
    let cities: Vec<(u64, Option<CountryCode>)> = candidates()
        .filter_map(|r| match r.evidence {
            Evidence::City { population }
                if !context.has(r.country) && !around.qualifies(r.country) =>
            {
                Some((population, r.country))
            }
            _ => None,
        })
        .collect();
    candidates()
        .filter(|r| clear_city(r, &cities))
        .max_by_key(|r| score(r, context, around))
}

/// A place qualified by a region of a country where the gazetteer knows no place of that
/// name ("London, Ky.", a town too small to list): a place in that country.
pub(super) fn qualified_place(
    mention: &Mention,
    surface: &str,
    around: &Surroundings,
) -> Option<ResolvedMention> {
    let &code = around.qualified_by.first()?;
    let places: Vec<&Reading> = mention
        .readings
        .iter()
        .filter(|r| is_place_reading(r))
        .collect();
    let known_there = places.iter().any(|r| r.country == Some(code));
    if places.is_empty() || known_there || mention.readings.iter().any(|r| !is_place_reading(r)) {
        return None;
    }
    Some(ResolvedMention {
        kind: Kind::Location,
        start: mention.start,
        end: mention.end,
        value: surface.to_string(),
        country: Some(code),
        evidence: Evidence::QualifiedPlace,
    })
}

/// A region several countries share or dispute ("Kashmir", "Kurdistan") belongs to one of
/// them only when the article names exactly one; otherwise it gives no country.
pub(super) fn shared_region_country(
    mention: &Mention,
    chosen: &Reading,
    context: &ArticleContext,
) -> Option<CountryCode> {
    if !matches!(chosen.evidence, Evidence::Region { .. }) {
        return chosen.country;
    }
    let sharing: Vec<Option<CountryCode>> = mention
        .readings
        .iter()
        .filter(|r| matches!(r.evidence, Evidence::Region { .. }) && r.value == chosen.value)
        .map(|r| r.country)
        .collect();
    if sharing.len() < 2 {
        return chosen.country;
    }
    let named: Vec<Option<CountryCode>> = sharing.into_iter().filter(|c| context.has(*c)).collect();
    match named.as_slice() {
        [only] => *only,
        _ => None,
    }
}

/// Evidence strong enough to place an article in a country on its own.
fn strong(reading: &Reading, common_word: bool) -> bool {
    match reading.evidence {
        // A city does not make its own context: "Edmonton" alone does not make an article
        // Canadian, or every namesake would confirm itself.
        Evidence::City { .. } => false,
        // A region as small as a town ("Portland" parish, Jamaica) is no stronger than one.
        Evidence::Region { small } => !common_word && !small,
        Evidence::Capital => !common_word,
        Evidence::PeopleOf => false,
        _ => true,
    }
}

/// Whether a reading is believable here. Places named like months never are; places that
/// are part of a longer name ("Real Madrid") are not; places named like common words need a
/// locative word or a qualifying region, and their country in the article; small cities
/// need their country in the article.
fn plausible(reading: &Reading, around: &Surroundings, context: &ArticleContext) -> bool {
    let place = matches!(
        reading.evidence,
        Evidence::City { .. } | Evidence::Region { .. } | Evidence::Capital | Evidence::Metonym
    );
    // A qualified name is a place of the qualifying country, not a namesake elsewhere.
    if place
        && !around.qualified_by.is_empty()
        && !around.qualifies(reading.country)
        && reading.evidence != Evidence::Metonym
    {
        return false;
    }
    // A club's one-word name ("Chelsea", "Celtic") is the club's only in a sports report.
    if reading.evidence == Evidence::Team && !context.sports && around.one_word {
        return false;
    }
    // "Canadian dollars", "the Swiss franc": a currency, not a country.
    if around.currency && reading.evidence.names_a_country() {
        return false;
    }
    if place && around.calendar_word {
        return false;
    }
    let qualified = around.qualifies(reading.country);
    // Inside a longer name ("Santa Fe Southern Pacific", "Vancouver Art Gallery") a place
    // counts only when the article is about its country anyway. Inside a company's name it
    // must be so through other names: the company's name, used again and again, is no
    // evidence of where it is ("Smithville Steel Corp" is no evidence of Smithville).
    // A nationality word in a company's name ("Smithland Steel Corp"): the company's
    // nationality, which the article is about only when other names say so.
    if around.company
        && reading.evidence == Evidence::Demonym
        && !context.has_besides(reading.country, around.name)
    {
        return false;
    }
    if place && around.embedded && !qualified {
        let supported = if around.company {
            context.has_besides(reading.country, around.name)
        } else {
            context.has_besides_names(reading.country, around.name)
        };
        if !supported {
            return false;
        }
    }
    if place && around.common_word && reading.evidence != Evidence::Metonym {
        return qualified || (around.locative && context.has(reading.country));
    }
    match reading.evidence {
        Evidence::City { population } => {
            qualified
                || context.has(reading.country)
                || (population >= SMALL_CITY && (context.is_empty() || population >= FOREIGN_CITY))
        }
        // A small region, like a small town, needs its country elsewhere in the article.
        Evidence::Region { small: true } => qualified || context.has(reading.country),
        Evidence::Demonym | Evidence::PeopleOf => !around.language,
        _ => true,
    }
}

/// In an article about other countries, a city abroad must be at least this large to be
/// taken for itself rather than for a local namesake the gazetteer does not list
/// ("Edmonton" near Cairns, "Glasgow" in Kentucky).
const FOREIGN_CITY: u64 = 1_000_000;

/// Between same-named cities outside the article's countries, only one clearly larger than
/// those of other countries wins: two Kansas Cities of one country are that country's.
fn clear_city(reading: &Reading, out_of_context: &[(u64, Option<CountryCode>)]) -> bool {
    let Evidence::City { population } = reading.evidence else {
        return true;
    };
    // Only the cities outside the article's countries are judged.
    if !out_of_context.contains(&(population, reading.country)) {
        return true;
    }
    let others = out_of_context
        .iter()
        .filter(|(_, country)| *country != reading.country)
        .map(|&(p, _)| p)
        .max()
        .unwrap_or(0);
    population >= others.saturating_mul(CLEAR_POPULATION_RATIO)
}

/// Ranks readings: the kind of evidence, then whether the article or a qualifying region
/// names its country, then population.
fn score(reading: &Reading, context: &ArticleContext, around: &Surroundings) -> (u64, u64) {
    let (base, population) = match reading.evidence {
        Evidence::ArticleAlias
        | Evidence::PersonTitle
        | Evidence::GivenName
        | Evidence::Initial
        | Evidence::NameList => (120, 0),
        Evidence::CountryName => (100, 0),
        Evidence::CountryAlias | Evidence::Demonym | Evidence::PeopleOf | Evidence::Area => (90, 0),
        Evidence::Metonym => (85, 0),
        Evidence::Capital => (80, 0),
        Evidence::KnownOrg | Evidence::Acronym => (70, 0),
        // In a sports report a club comes before the town it is named after.
        Evidence::Team if context.sports => (170, 0),
        Evidence::Team => (70, 0),
        // A small region ranks like a small town: "Hanover" is the German city before the
        // Jamaican parish, unless the article is about Jamaica.
        Evidence::Region { small: true } => (20, 0),
        Evidence::Region { .. } | Evidence::QualifiedPlace => (60, 0),
        Evidence::OrgWord | Evidence::Ticker => (50, 0),
        Evidence::City { population } => (20 + population.max(1).ilog10() as u64 * 3, population),
    };
    let in_context = if context.has(reading.country) { 50 } else { 0 };
    // A town in a story about places of its country ("Alexandria" in a Louisiana story,
    // "Athens" after "Ohio") is that town, not a bigger namesake or capital abroad.
    let local = match reading.evidence {
        Evidence::City { .. }
            if context.has_local(reading.country)
                && around.only_places
                && !around.world_city
                && around.backed.iter().all(|&c| Some(c) == reading.country) =>
        {
            100
        }
        _ => 0,
    };
    let qualified = if around.qualifies(reading.country) {
        200
    } else {
        0
    };
    (base + in_context + local + qualified, population)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{article, codes};

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
    fn a_qualified_place_fixes_its_country_for_the_whole_article() {
        let resolved = article(&[
            "GLASGOW, Ky. - One woman died in Glasgow on Sunday.",
            "Glasgow police said nothing.",
        ]);
        assert_eq!(codes(&resolved[0]), ["US"], "{:?}", resolved[0]);
        assert_eq!(codes(&resolved[1]), ["US"], "{:?}", resolved[1]);
    }

    #[test]
    fn nationality_words_used_as_languages_give_no_country() {
        let resolved = article(&["She speaks fluent French and shouted in Turkish, then left."]);
        assert!(
            resolved[0].entities.countries.is_empty(),
            "{:?}",
            resolved[0]
        );
    }

    #[test]
    fn months_and_common_words_are_not_places() {
        let resolved = article(&["The union met in March with the Central committee."]);
        assert!(
            resolved[0].entities.countries.is_empty(),
            "{:?}",
            resolved[0]
        );
    }

    #[test]
    fn a_foreign_namesake_city_needs_its_country_in_the_article() {
        let resolved = article(&["Texas police said a man from Hamilton was arrested."]);
        assert_eq!(codes(&resolved[0]), ["US"], "{:?}", resolved[0]);
        let alone = article(&["Edmonton froze overnight."]);
        assert_eq!(codes(&alone[0]), ["CA"], "{:?}", alone[0]);
    }

    #[test]
    fn a_small_region_yields_to_a_large_city_unless_its_country_is_named() {
        let city = article(&["Four ships were loading grain at Portland on Tuesday."]);
        assert_eq!(codes(&city[0]), ["US"], "{:?}", city[0]);
        let parish = article(&["Rain flooded roads in Portland, eastern Jamaica, overnight."]);
        assert_eq!(codes(&parish[0]), ["JM"], "{:?}", parish[0]);
    }

    #[test]
    fn a_place_inside_a_company_name_does_not_confirm_itself() {
        let resolved = article(&[
            "Shares of Piedmont Textile Corp rose after Piedmont Textile said sales grew.",
            "Piedmont said profits would rise.",
        ]);
        assert!(
            resolved.iter().all(|p| p.entities.countries.is_empty()),
            "{resolved:?}"
        );
        let italian = article(&[
            "Italian mills are growing.",
            "Piedmont Textile Corp opened a mill there.",
        ]);
        assert_eq!(codes(&italian[1]), ["IT"], "{:?}", italian[1]);
    }

    #[test]
    fn a_dateline_places_a_company_name() {
        let dateline = article(&["SHANGHAI, May 5 - Shanghai Textile Corp said sales rose."]);
        assert_eq!(codes(&dateline[0]), ["CN"], "{:?}", dateline[0]);
        let alone = article(&["Shares of Shanghai Textile Corp rose on Monday."]);
        assert!(alone[0].entities.countries.is_empty(), "{:?}", alone[0]);
    }

    #[test]
    fn a_country_word_before_a_currency_names_the_currency() {
        let resolved = article(&[
            "The fund paid 20 mln Canadian dollars and 5 mln U.S. dlrs for the Swiss franc bonds.",
            "Canadian farmers sold wheat to the United States.",
        ]);
        assert!(
            resolved[0].entities.countries.is_empty(),
            "{:?}",
            resolved[0]
        );
        assert_eq!(codes(&resolved[1]), ["CA", "US"], "{:?}", resolved[1]);
    }

    #[test]
    fn a_place_in_an_institution_name_needs_another_use_or_name() {
        let alone = article(&["Prices rose on the Smithfield Tokyo Metals Board, dealers said."]);
        assert!(alone[0].entities.countries.is_empty(), "{:?}", alone[0]);
        let named = article(&[
            "Prices rose on the Smithfield Tokyo Metals Board, dealers said.",
            "Traders in Tokyo were cautious.",
        ]);
        assert_eq!(codes(&named[0]), ["JP"], "{:?}", named[0]);
        let part = article(&["Police patrolled North London overnight."]);
        assert_eq!(codes(&part[0]), ["GB"], "{:?}", part[0]);
    }

    #[test]
    fn a_dateline_is_a_place_even_when_the_article_names_a_company_after_it() {
        let resolved = article(&[
            "CHICAGO, May 5 - Chicago Widget Corp said sales rose.",
            "Chicago Widget said it would hire.",
        ]);
        assert_eq!(codes(&resolved[0]), ["US"], "{:?}", resolved[0]);
        assert!(
            resolved[1].entities.countries.is_empty(),
            "{:?}",
            resolved[1]
        );
    }

    #[test]
    fn a_nationality_word_in_a_company_name_needs_its_country_named() {
        let alone = article(&["Shares of Swiss Widget Bank Corp rose on Monday."]);
        assert!(alone[0].entities.countries.is_empty(), "{:?}", alone[0]);
        let named = article(&[
            "Shares of Swiss Widget Bank Corp rose on Monday.",
            "Switzerland cut its interest rates.",
        ]);
        assert_eq!(codes(&named[0]), ["CH"], "{:?}", named[0]);
    }

    #[test]
    fn a_club_is_no_place() {
        let resolved = article(&["Shares rose after an offer for Manchester United."]);
        assert_eq!(resolved[0].entities.orgs, ["Manchester United"]);
        assert!(
            resolved[0].entities.countries.is_empty(),
            "{:?}",
            resolved[0]
        );
    }

    #[test]
    fn one_word_club_names_and_towns_before_scores_are_teams_in_sports_reports() {
        let sport = article(&[
            "Chelsea beat Everton 2-1 with a late goal to go top of the league.",
            "The striker scored again in the cup on Saturday.",
            "Results: Smithport 3 Bristol 1, Leeds 2 Chester 0.",
        ]);
        assert_eq!(sport[0].entities.orgs, ["Chelsea", "Everton"]);
        assert!(
            sport[2].entities.orgs.contains(&"Bristol".to_string()),
            "{:?}",
            sport[2]
        );
        let news = article(&["Chelsea voted to keep the library open."]);
        assert!(news[0].entities.orgs.is_empty(), "{:?}", news[0]);
        let born = article(&["He was born in Bristol in 1950."]);
        assert_eq!(codes(&born[0]), ["GB"], "{:?}", born[0]);
    }

    #[test]
    fn a_town_in_a_story_about_places_of_its_country_is_that_town() {
        let louisiana = article(&[
            "Flooding closed roads across central Louisiana on Tuesday.",
            "In Alexandria, the mayor said shelters were open.",
        ]);
        assert_eq!(codes(&louisiana[1]), ["US"], "{:?}", louisiana[1]);
        let ohio = article(&[
            "Ohio officials said the bridge would reopen.",
            "Crews in Athens and Dublin worked through the night.",
        ]);
        assert_eq!(codes(&ohio[1]), ["US"], "{:?}", ohio[1]);
        // Alone, the capitals; a world city is not displaced by a namesake town.
        assert_eq!(codes(&article(&["Crews in Athens worked."])[0]), ["GR"]);
        let paris = article(&[
            "Kentucky tourists were among the crowd.",
            "They flew home from Paris on Sunday.",
        ]);
        assert_eq!(codes(&paris[1]), ["FR"], "{:?}", paris[1]);
    }

    #[test]
    fn counties_next_to_results_are_teams_and_competitions_are_no_organisations() {
        let sport = article(&[
            "Smithshire beat Somerset by an innings as the batsman made 120 runs.",
            "Northamptonshire 240 and 120-3 in the second innings, with six wickets left.",
            "They top the Eastern Division of the league.",
        ]);
        assert_eq!(sport[0].entities.orgs, ["Somerset"], "{:?}", sport[0]);
        assert_eq!(
            sport[1].entities.orgs,
            ["Northamptonshire"],
            "{:?}",
            sport[1]
        );
        assert!(sport[2].entities.orgs.is_empty(), "{:?}", sport[2]);
    }

    #[test]
    fn a_line_of_results_is_sport_and_a_team_takes_the_words_before_its_town() {
        let results = article(&["Boston 4 Kansas City 1", "Greenock Bristol 2 Leeds 0"]);
        assert_eq!(results[0].entities.orgs, ["Boston", "Kansas City"]);
        assert_eq!(
            results[1].entities.orgs,
            ["Greenock Bristol", "Leeds United"]
        );
        // One place before a number is no line of results.
        let news = article(&["Bristol 2 was the name of the ship."]);
        assert!(news[0].entities.orgs.is_empty(), "{:?}", news[0]);
    }

    #[test]
    fn a_known_organisation_naming_an_event_is_no_organisation() {
        let resolved = article(&["He won the UEFA Cup and the BellSouth Classic."]);
        assert!(resolved[0].entities.orgs.is_empty(), "{:?}", resolved[0]);
    }
}
