//! Stage 4 of ingest: mentions → entities, using the whole article as context.
//!
//! Ambiguous names are decided here: "Georgia" is the US state in an article about Atlanta
//! and the country in one about Tbilisi; "Paris" is the French capital unless the article is
//! about Texas. Person names are unified across the article ("Putin" after "Vladimir Putin")
//! and acronyms the article defines are found again ("the NSC").
//!
//! [`resolve`] chains the steps: [`works`] drops the people that are works' or bands' names,
//! [`acronyms`], [`orgs`] and [`people`] add the mentions the article itself defines (an
//! acronym, a company's short form, a person's surname), [`places`] weighs place readings
//! against what surrounds each mention and what the whole article names (and decides what
//! is a team in a sports report), then each mention gets its reading, a place of a state
//! that no longer exists its old code in its time, and each paragraph its facet values.

mod acronyms;
mod orgs;
mod people;
mod places;
mod works;

use serde::Serialize;

use crate::article::ArticleDate;
use crate::extract::words::Word;
use crate::extract::{Evidence, Kind, Mention};
use crate::gazetteer::{with_lower, CountryCode, Gazetteer};
use acronyms::add_defined_acronyms;
use people::People;
use places::{
    best_reading, is_place_evidence, qualified_place, shared_region_country, team_of_place,
    ArticleContext, Surroundings,
};

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

impl ResolvedMention {
    /// Whether the mention counts for its paragraph's countries: a place or nationality
    /// with a country. A plural demonym counts too: "many Britons are unhappy" is about
    /// Britain as much as "British voters are unhappy" is.
    pub fn gives_country(&self) -> bool {
        matches!(self.kind, Kind::Location | Kind::Nationality) && self.country.is_some()
    }
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
    /// Names the article uses for a work or a band ("the film Vera Smith"), which are no
    /// person in it; sorted.
    pub works: Vec<String>,
}

/// A paragraph's resolved mentions and entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedParagraph {
    /// Mentions in text order.
    pub mentions: Vec<ResolvedMention>,
    /// Facet values.
    pub entities: Entities,
}

/// Resolves the mentions of every paragraph of one article. `texts[i]` is paragraph `i`,
/// `paragraph_words[i]` its words and `mentions[i]` its extracted mentions, in text order.
/// `date` is the article's: a place of a state that no longer exists carries that state's
/// code in an article dated while it existed (Moscow in 1987 is SU); an undated article is
/// read as of today.
pub fn resolve<'t>(
    gazetteer: &Gazetteer,
    texts: &[&'t str],
    paragraph_words: Vec<Vec<Word<'t>>>,
    mentions: Vec<Vec<Mention>>,
    date: Option<ArticleDate>,
) -> Vec<ResolvedParagraph> {
    let mut mentions = mentions;
    let works = works::drop_works(gazetteer, texts, &paragraph_words, &mut mentions);
    add_defined_acronyms(texts, &paragraph_words, &mut mentions);
    orgs::add_company_aliases(gazetteer, texts, &paragraph_words, &mut mentions);
    let people = People::of(&mentions);
    people.add_aliases(&paragraph_words, &mut mentions);
    let views: Vec<ParagraphView<'_>> = texts
        .iter()
        .zip(&mentions)
        .zip(paragraph_words)
        .map(|((text, paragraph), words)| ParagraphView::new(text, words, paragraph))
        .collect();
    // Worked out once per mention: both the name parts and the choice of readings need them.
    let surroundings: Vec<Vec<Surroundings>> = views
        .iter()
        .map(|view| {
            view.mentions
                .iter()
                .map(|m| Surroundings::of(gazetteer, view, m))
                .collect()
        })
        .collect();
    let context = ArticleContext::of(gazetteer, &views, &surroundings);
    views
        .iter()
        .zip(surroundings)
        .zip(works)
        .map(|((view, surroundings), works)| {
            let resolved: Vec<ResolvedMention> = view
                .mentions
                .iter()
                .zip(surroundings)
                .filter_map(|(m, around)| choose(gazetteer, view, m, around, &context, &people))
                .map(|m| in_its_time(gazetteer, m, date))
                .collect();
            let entities = Entities {
                works,
                ..entities_of(&resolved)
            };
            ResolvedParagraph {
                mentions: resolved,
                entities,
            }
        })
        .collect()
}

/// A paragraph as the resolver sees it: its text, words and extracted mentions.
struct ParagraphView<'a> {
    text: &'a str,
    words: Vec<Word<'a>>,
    /// In text order.
    mentions: &'a [Mention],
    /// For each word, how many mentions that read as a place or nationality contain it.
    place_cover: Vec<u32>,
}

impl<'a> ParagraphView<'a> {
    fn new(text: &'a str, words: Vec<Word<'a>>, mentions: &'a [Mention]) -> ParagraphView<'a> {
        debug_assert!(
            mentions.is_sorted_by_key(|m| m.start),
            "mentions out of text order"
        );
        let place_cover = place_cover(&words, mentions);
        ParagraphView {
            text,
            words,
            mentions,
            place_cover,
        }
    }

    /// The mentions that start at byte `at`, in their order.
    fn mentions_starting_at(&self, at: usize) -> &'a [Mention] {
        let from = self.mentions.partition_point(|m| m.start < at);
        let to = self.mentions.partition_point(|m| m.start <= at);
        &self.mentions[from..to]
    }

    /// Index of the word that starts at or contains byte `at`.
    fn word_at(&self, at: usize) -> Option<usize> {
        let i = self.words.partition_point(|w| w.end <= at);
        (i < self.words.len() && self.words[i].start <= at).then_some(i)
    }

    /// True when a mention other than `except` (one of the paragraph's) reads `word` (one
    /// of its words) as a place or nationality.
    fn is_place_word(&self, word: &Word<'_>, except: &Mention) -> bool {
        let Some(i) = self.word_at(word.start) else {
            return false;
        };
        let by_except =
            reads_as_place(except) && except.start <= word.start && word.end <= except.end;
        self.place_cover[i] > u32::from(by_except)
    }

    /// True when `word` starts a sentence (or the paragraph), where capitals say nothing.
    fn starts_sentence(&self, word: &Word<'_>) -> bool {
        let before = self.text[..word.start].trim_end();
        before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '“', '—', '–', '-', '('])
    }
}

/// Whether a mention may be a place or nationality.
fn reads_as_place(mention: &Mention) -> bool {
    mention
        .readings
        .iter()
        .any(|r| matches!(r.kind, Kind::Location | Kind::Nationality))
}

/// For each word, how many mentions that read as a place or nationality contain it: counted
/// once, so that asking of a word costs no scan of the paragraph's mentions.
fn place_cover(words: &[Word<'_>], mentions: &[Mention]) -> Vec<u32> {
    let mut cover = vec![0; words.len()];
    for mention in mentions.iter().filter(|m| reads_as_place(m)) {
        // Words are in order and apart: those inside the mention follow one another.
        let mut i = words.partition_point(|w| w.start < mention.start);
        while i < words.len() && words[i].end <= mention.end {
            cover[i] += 1;
            i += 1;
        }
    }
    cover
}

/// Finds the first of a paragraph's mentions (in text order, overlapping or not) that
/// overlaps a span, by binary search over the furthest end reached so far: the article-wide
/// steps ask it for every word of the paragraph.
struct Overlaps {
    /// `reach[i]`: the furthest end of the first `i + 1` mentions.
    reach: Vec<usize>,
}

impl Overlaps {
    fn of(mentions: &[Mention]) -> Overlaps {
        debug_assert!(
            mentions.is_sorted_by_key(|m| m.start),
            "mentions out of text order"
        );
        let reach = mentions
            .iter()
            .scan(0, |furthest, m| {
                *furthest = m.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Overlaps { reach }
    }

    /// Index of the first of the mentions this was made `of` that overlaps `start..end`.
    /// Mentions pushed after them are not searched.
    fn first(&self, mentions: &[Mention], start: usize, end: usize) -> Option<usize> {
        // The first mention that ends after `start`. Any that overlaps is this one or a
        // later one, and later ones start no earlier: this one overlaps if any does.
        let i = self.reach.partition_point(|&reach| reach <= start);
        (i < self.reach.len() && mentions[i].start < end).then_some(i)
    }
}

/// Picks the reading of a mention, or none when the evidence is too weak.
fn choose(
    gazetteer: &Gazetteer,
    paragraph: &ParagraphView<'_>,
    mention: &Mention,
    mut around: Surroundings,
    context: &ArticleContext,
    people: &People,
) -> Option<ResolvedMention> {
    around.learn_from_article(context, paragraph.text, mention);
    let surface = &paragraph.text[mention.start..mention.end];
    if let Some(place) = qualified_place(mention, surface, &around) {
        return Some(place);
    }
    let reading = best_reading(mention, &around, context)?;
    if let Some(team) = team_of_place(gazetteer, paragraph, mention, reading, context) {
        return Some(team);
    }
    // "UEFA Cup", "BellSouth Classic": a known organisation naming an event.
    let names_an_event = matches!(reading.evidence, Evidence::KnownOrg | Evidence::Team)
        && paragraph
            .word_at(mention.end.saturating_sub(1))
            .filter(|&i| paragraph.words[i].end == mention.end && paragraph.words[i].joined_to_next)
            .and_then(|i| paragraph.words.get(i + 1))
            .is_some_and(|next| {
                next.is_capitalised()
                    && with_lower(next.text, |lower| {
                        gazetteer.competition_words.contains(lower)
                    })
            });
    if names_an_event {
        return None;
    }
    // "American League", "Eastern Division": in a sports report, a competition.
    let last_word = reading.value.rsplit(' ').next().unwrap_or_default();
    if context.sports
        && reading.evidence == Evidence::OrgWord
        && with_lower(last_word, |lower| {
            gazetteer.competition_words.contains(lower)
        })
    {
        return None;
    }
    let value = match reading.kind {
        Kind::Person => people.fullest(&reading.value),
        _ => reading.value.to_string(),
    };
    Some(ResolvedMention {
        kind: reading.kind,
        start: mention.start,
        end: mention.end,
        value,
        country: shared_region_country(mention, reading, context),
        evidence: reading.evidence,
    })
}

/// A place of a state that no longer exists, in an article dated while it existed, carries
/// that state's code: Moscow in 1987 is SU, Leipzig in 1989 DD. Names of countries and
/// their demonyms keep their own codes ("Ukraine" was the Ukrainian SSR's name and code).
fn in_its_time(
    gazetteer: &Gazetteer,
    mut mention: ResolvedMention,
    date: Option<ArticleDate>,
) -> ResolvedMention {
    let (Some(date), Some(country)) = (date, mention.country) else {
        return mention;
    };
    if is_place_evidence(mention.evidence) || mention.evidence == Evidence::Metonym {
        if let Some(former) = gazetteer.former_state(country, &mention.value, date.timestamp()) {
            mention.country = Some(former);
        }
    }
    mention
}

/// Groups a paragraph's resolved mentions into its facet values.
fn entities_of(mentions: &[ResolvedMention]) -> Entities {
    // Sorted and deduplicated borrowed values, copied once: a paragraph names the same
    // person or country many times.
    let mut countries = Vec::new();
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    let mut places = Vec::new();
    for m in mentions {
        match (m.kind, m.country) {
            (Kind::Location | Kind::Nationality, Some(code)) if m.gives_country() => {
                countries.push(code);
                if is_place_evidence(m.evidence) {
                    places.push((code, m.value.as_str()));
                }
            }
            (Kind::Person, _) => persons.push(m.value.as_str()),
            (Kind::Org, _) => orgs.push(m.value.as_str()),
            _ => {}
        }
    }
    fn sorted<T: Ord>(mut values: Vec<T>) -> Vec<T> {
        values.sort_unstable();
        values.dedup();
        values
    }
    let owned = |values: Vec<&str>| sorted(values).into_iter().map(str::to_string).collect();
    Entities {
        countries: sorted(countries),
        persons: owned(persons),
        orgs: owned(orgs),
        places: sorted(places)
            .into_iter()
            .map(|(code, name)| (code, name.to_string()))
            .collect(),
        works: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;
    use crate::extract::Extractor;

    /// Extracts and resolves the paragraphs of one article.
    pub(super) fn article(paragraphs: &[&str]) -> Vec<ResolvedParagraph> {
        let extractor = Extractor::shipped().unwrap();
        let mentions = paragraphs.iter().map(|p| extractor.extract(p)).collect();
        let words = paragraphs.iter().map(|p| words(p)).collect();
        resolve(
            Gazetteer::shipped().unwrap(),
            paragraphs,
            words,
            mentions,
            None,
        )
    }

    /// Like [`article`], for an article dated `date` (`YYYY-MM-DD`).
    pub(super) fn dated(date: &str, paragraphs: &[&str]) -> Vec<ResolvedParagraph> {
        let extractor = Extractor::shipped().unwrap();
        let mentions = paragraphs.iter().map(|p| extractor.extract(p)).collect();
        let words = paragraphs.iter().map(|p| words(p)).collect();
        let date = ArticleDate::parse(date);
        resolve(
            Gazetteer::shipped().unwrap(),
            paragraphs,
            words,
            mentions,
            date,
        )
    }

    /// The country codes of a paragraph, as text.
    pub(super) fn codes(p: &ResolvedParagraph) -> Vec<String> {
        p.entities.countries.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn demonyms_metonyms_and_capitals_give_countries() {
        let resolved = article(&[
            "The North Korean leader travelled as the Kremlin and Pyongyang confirmed, said the White House.",
        ]);
        assert_eq!(codes(&resolved[0]), ["KP", "RU", "US"]);
    }

    #[test]
    fn plural_demonyms_give_their_country() {
        let resolved = article(&[
            "Many Britons are unhappy with the deal.",
            "The North Korean leader left.",
        ]);
        assert_eq!(codes(&resolved[0]), ["GB"]);
        assert_eq!(codes(&resolved[1]), ["KP"]);
    }

    #[test]
    fn places_of_former_states_carry_the_old_code_while_it_existed() {
        let text = "Officials in Moscow and Kiev met as the Kremlin watched.";
        assert_eq!(codes(&dated("1987-03-01", &[text])[0]), ["SU"]);
        assert_eq!(codes(&dated("1995-03-01", &[text])[0]), ["RU", "UA"]);
        assert_eq!(codes(&article(&[text])[0]), ["RU", "UA"]);
        // The day the state ended is already today's country.
        assert_eq!(
            codes(&dated("1992-01-01", &["Talks in Moscow."])[0]),
            ["RU"]
        );
        assert_eq!(
            codes(&dated("1991-12-31", &["Talks in Moscow."])[0]),
            ["SU"]
        );
        let belgrade = dated("1990-06-01", &["Crowds gathered in Belgrade and Zagreb."]);
        assert_eq!(codes(&belgrade[0]), ["YU"]);
        let prague = dated("1992-06-01", &["Crowds gathered in Prague and Bratislava."]);
        assert_eq!(codes(&prague[0]), ["CS"]);
        let split = dated("1993-02-01", &["Crowds gathered in Prague and Bratislava."]);
        assert_eq!(codes(&split[0]), ["CZ", "SK"]);
    }

    #[test]
    fn only_the_east_of_germany_was_east_germany() {
        let text = "Trains ran from Leipzig and Dresden to Hamburg.";
        assert_eq!(codes(&dated("1989-11-10", &[text])[0]), ["DD", "DE"]);
        assert_eq!(codes(&dated("1990-10-03", &[text])[0]), ["DE"]);
        let berlin = dated(
            "1988-05-05",
            &["Guards in East Berlin watched West Berlin."],
        );
        assert_eq!(codes(&berlin[0]), ["DD", "DE"]);
    }

    #[test]
    fn former_states_are_countries_by_name_alias_and_demonym() {
        let resolved = dated(
            "1987-03-01",
            &["The Soviet Union, the USSR and Soviet and East German officials met Yugoslavs."],
        );
        assert_eq!(codes(&resolved[0]), ["DD", "SU", "YU"]);
        assert!(resolved[0].entities.orgs.is_empty(), "{:?}", resolved[0]);
        // Named, a former state is itself whatever the date.
        assert_eq!(codes(&article(&["The former Soviet Union."])[0]), ["SU"]);
    }
}
