//! People and organisations that no gazetteer lists, found from capitalisation and cues:
//! a title or role before a name ("Defence Minister Sergei Shoigu", "spokesman John Kirby"),
//! a known given name ("John Kirby"), a name listed with another person's ("Ri Pyong Chol and
//! Park Yong Chun"), or an organisation word ending a name ("National Security Council").

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::spans::Disjoint;
use super::words::{hash_lower, Word, WordBits};
use super::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::{with_lower, Gazetteer};

/// Longest person name accepted, in words.
const MAX_PERSON_WORDS: usize = 5;
/// Longest multi-word title looked up before a name.
const MAX_TITLE_WORDS: usize = 4;

/// The capitalisation rules over the gazetteer's word lists.
pub(super) struct NameRules {
    gazetteer: &'static Gazetteer,
    /// Every lower-cased word or phrase of the word lists with what the lists say of it:
    /// one look-up per word instead of one per list. Titles are in with their plurals
    /// ("marshals"); `given` means some given name lower-cases to the word.
    lexicon: FxHashMap<String, Flags>,
    /// Hashes of the lexicon's words: most words are in no list.
    listed: WordBits,
}

/// What the word lists say about one capitalised word, looked up once per paragraph.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// A sentence opener, pronoun or determiner ("The", "According").
    not_name: bool,
    /// A day or month.
    calendar: bool,
    /// A word that ends organisation names ("Council").
    org_word: bool,
    /// A title or role on its own ("President", "Marshals").
    title: bool,
    /// A title that only ever stands before a name ("Mr", "Dr").
    honorific: bool,
    /// The first word of a title of several words ("Prime").
    title_start: bool,
    /// The plural of a title ("analysts", "foreign ministers"): a group, not one person.
    plural_title: bool,
    /// A known given name.
    given: bool,
    /// An English word that is no given name or common surname ("Motors", "Club").
    plain: bool,
    /// A word of company names ("Steel", "Corp").
    company: bool,
    /// A legal form that ends a company's name ("Corp", "GmbH", "Brothers").
    legal: bool,
}

/// A paragraph's words with their flags, for the rules below.
struct Words<'a, 't> {
    text: &'t str,
    words: &'a [Word<'t>],
    flags: Vec<Flags>,
}

impl NameRules {
    pub(super) fn new(gazetteer: &'static Gazetteer) -> NameRules {
        let mut lexicon: FxHashMap<String, Flags> = FxHashMap::default();
        let mut mark = |word: String, set: fn(&mut Flags)| set(lexicon.entry(word).or_default());
        for word in &gazetteer.not_names {
            mark(word.clone(), |f| f.not_name = true);
        }
        for word in &gazetteer.calendar_words {
            mark(word.clone(), |f| f.calendar = true);
        }
        for word in &gazetteer.org_words {
            mark(word.clone(), |f| f.org_word = true);
        }
        for title in &gazetteer.titles {
            mark(title.clone(), |f| f.title = true);
            let plural = format!("{title}s");
            // "analysts" names a group, unless the list has the plural as a title of its own.
            if gazetteer.titles.contains(&plural) {
                mark(plural, |f| f.title = true);
            } else {
                mark(plural, |f| {
                    f.title = true;
                    f.plural_title = true;
                });
            }
            if let Some((first, _)) = title.split_once(' ') {
                mark(first.to_string(), |f| f.title_start = true);
            }
        }
        for word in &gazetteer.honorifics {
            mark(word.clone(), |f| f.honorific = true);
        }
        for name in &gazetteer.given_names {
            mark(name.to_lowercase(), |f| f.given = true);
        }
        for word in &gazetteer.plain_words {
            mark(word.clone(), |f| f.plain = true);
        }
        for word in &gazetteer.company_words {
            mark(word.clone(), |f| f.company = true);
        }
        for word in &gazetteer.legal_forms {
            mark(word.clone(), |f| f.legal = true);
        }
        let mut listed = WordBits::new(20);
        for word in lexicon.keys() {
            listed.insert(hash_lower(word));
        }
        NameRules {
            gazetteer,
            lexicon,
            listed,
        }
    }

    /// People and organisations in a paragraph, organisations first. `known` are the
    /// gazetteer mentions, in text order and not overlapping: a name made only of known
    /// places is not a person, and a known organisation is not found twice.
    pub(super) fn find(&self, text: &str, words: &[Word<'_>], known: &[Mention]) -> Vec<Mention> {
        let known = Disjoint::new(known);
        let w = Words {
            text,
            words,
            flags: self.flags_near_capitals(words),
        };
        let mut orgs = self.organisations(&w, known);
        let people = self.people(&w, known, Disjoint::new(&orgs));
        orgs.extend(people);
        orgs
    }

    /// Organisations named by an organisation word, but those the gazetteer knows; in text
    /// order, one at most in each run of capitalised words.
    fn organisations(&self, w: &Words<'_, '_>, known: Disjoint<'_>) -> Vec<Mention> {
        let connectors = &self.gazetteer.org_connectors;
        joined_by_ampersands(w, runs(w.words, |word| connectors.contains(word.text)))
            .into_iter()
            .flat_map(|(start, end)| self.split_at_and(w, start, end))
            .filter_map(|(start, end)| self.organisation(w, start, end, known))
            .filter(|org| known.containing(org.start, org.end).is_none())
            .collect()
    }

    /// Splits a run where "and" joins two names rather than words of one: after an
    /// organisation word or a legal form ("Widget Corp and Gadget Ltd"), or before "the"
    /// ("the Council and the Assembly").
    fn split_at_and(&self, w: &Words<'_, '_>, start: usize, end: usize) -> Vec<(usize, usize)> {
        let mut parts = Vec::new();
        let mut from = start;
        for i in start + 1..end.saturating_sub(1) {
            let joins_two = matches!(w.words[i].text, "and" | "&")
                && (w.flags[i - 1].org_word
                    || w.flags[i - 1].legal
                    || w.words[i + 1].text == "the");
            if joins_two && i > from {
                parts.push((from, i));
                from = i + 1;
            }
        }
        // A part starts at a capitalised word: skip the connectors after a cut.
        parts.push((from, end));
        parts
            .into_iter()
            .filter_map(|(mut s, e)| {
                while s < e && !w.words[s].is_capitalised() {
                    s += 1;
                }
                (s < e).then_some((s, e))
            })
            .collect()
    }

    /// People, in text order, one at most in each run of capitalised words: a person's name
    /// never overlaps one of `orgs`.
    fn people(&self, w: &Words<'_, '_>, known: Disjoint<'_>, orgs: Disjoint<'_>) -> Vec<Mention> {
        let words = w.words;
        let mut found = Vec::new();
        let mut last_person_end: Option<usize> = None;
        let particles = &self.gazetteer.name_particles;
        for (start, end) in runs(words, |word| particles.contains(word.text)) {
            let listed = start >= 2
                && matches!(words[start - 1].text, "and" | "&")
                && last_person_end == Some(start - 2);
            let person = self.person(w, start, end, known, orgs).or_else(|| {
                listed
                    .then(|| self.listed_person(w, start, end, known))
                    .flatten()
            });
            if let Some((mention, end_word)) = person {
                found.push(mention);
                last_person_end = Some(end_word);
            }
        }
        found
    }

    /// Flags of the words the rules look at: capitalised words and the few words before
    /// each (where a title such as "the foreign minister" may end). Other words keep empty
    /// flags, which saves most look-ups: most words of a paragraph are neither.
    fn flags_near_capitals(&self, words: &[Word<'_>]) -> Vec<Flags> {
        let mut flags = vec![Flags::default(); words.len()];
        let mut next_capital = usize::MAX;
        for i in (0..words.len()).rev() {
            if words[i].is_capitalised() {
                next_capital = i;
            }
            if next_capital.saturating_sub(i) <= MAX_TITLE_WORDS {
                flags[i] = self.flags(&words[i]);
            }
        }
        flags
    }

    /// Looks a word up in every word list at once. Lower-case words can only be roles
    /// ("spokesman John Kirby").
    fn flags(&self, word: &Word<'_>) -> Flags {
        // The bitmap knows ASCII words as `with_lower` lower-cases them; others are looked up.
        if word.text.is_ascii() && !self.listed.may_contain(hash_lower(word.text)) {
            return Flags::default();
        }
        let Some(&listed) = with_lower(word.text, |lower| self.lexicon.get(lower)) else {
            return Flags::default();
        };
        if !word.is_capitalised() {
            return Flags {
                title: listed.title,
                title_start: listed.title_start,
                plural_title: listed.plural_title,
                ..Flags::default()
            };
        }
        Flags {
            // Given names are listed as written: "Rose" is one, "ROSE" is not.
            given: listed.given && self.gazetteer.given_names.contains(word.text),
            ..listed
        }
    }

    /// A lower-cased phrase that is a title, or the plural of one ("marshals", "presidents").
    fn is_title_lower(&self, lower: &str) -> bool {
        self.lexicon.get(lower).is_some_and(|f| f.title)
    }

    /// True when `w.words[start..end]` (joined by single spaces) spell a title.
    fn is_title_words(&self, w: &Words<'_, '_>, start: usize, end: usize) -> bool {
        match end - start {
            0 => false,
            1 => w.flags[start].title,
            _ => {
                // Most words start no multi-word title: skip building the phrase.
                w.flags[start].title_start
                    && w.words[start..end - 1]
                        .iter()
                        .all(|word| word.joined_to_next)
                    && with_lower(&phrase(&w.words[start..end]), |lower| {
                        self.is_title_lower(lower)
                    })
            }
        }
    }

    /// Length in words of the longest title starting at word `i` (within `..end`).
    fn title_at(&self, w: &Words<'_, '_>, i: usize, end: usize) -> Option<usize> {
        (1..=MAX_TITLE_WORDS.min(end - i))
            .rev()
            .find(|&n| self.is_title_words(w, i, i + n))
    }

    /// True when a title whose last word has `title` flags can stand before a word with
    /// `next` flags: not before an English word ("General Motors"), unless the title is an
    /// honorific ("Mr Sun").
    fn takes_the_next_word(title: Flags, next: Flags) -> bool {
        !next.plain || title.honorific
    }

    /// True when the word at `i` follows an honorific ("Mr", "Dr."), with only a space or
    /// the honorific's dot between.
    fn after_honorific(w: &Words<'_, '_>, i: usize) -> bool {
        i > 0
            && w.flags[i - 1].honorific
            && matches!(
                w.text[w.words[i - 1].end..w.words[i].start].trim(),
                "" | "."
            )
    }

    /// True when `w.words[start..end]` spell the plural of a title ("analysts").
    fn is_plural_title_words(&self, w: &Words<'_, '_>, start: usize, end: usize) -> bool {
        if end - start == 1 {
            return w.flags[start].plural_title;
        }
        with_lower(&phrase(&w.words[start..end]), |lower| {
            self.lexicon.get(lower).is_some_and(|f| f.plural_title)
        })
    }

    /// True for titles written with a dot ("Dr.", "Rep.", "Gen."), which the word splitter
    /// leaves out of the word.
    fn is_abbreviated_title(&self, word: &Word<'_>) -> bool {
        with_lower(word.text, |lower| {
            self.gazetteer.titles.contains(&format!("{lower}."))
        })
    }

    /// True when a title or role ends right before the run `w.words[start..end]`, possibly
    /// with a comma between ("the Foreign Minister, Cho San Hui"). A plural title and a comma
    /// take only full names ("the Marshals, Ri Pyong Chol and Park Yong Chun"): in "according
    /// to analysts, Moscow is" the comma ends the group. Any other mark between (a full stop,
    /// a possessive, a bracket) means the title is not the name's.
    fn title_before(&self, w: &Words<'_, '_>, start: usize, end: usize) -> bool {
        if start == 0 || w.words[start - 1].possessive {
            return false;
        }
        let comma = match w.text[w.words[start - 1].end..w.words[start].start].trim() {
            "" => false,
            "," => true,
            "." if self.is_abbreviated_title(&w.words[start - 1]) => false,
            _ => return false,
        };
        (1..=MAX_TITLE_WORDS.min(start)).any(|n| {
            self.is_title_words(w, start - n, start)
                && !(comma && end - start < 2 && self.is_plural_title_words(w, start - n, start))
        })
    }

    /// Words that cannot begin or end a name: sentence openers always; days and months unless
    /// they are given names inside a longer run ("Theresa May").
    fn is_not_name(flags: Flags, run_len: usize) -> bool {
        flags.not_name || (flags.calendar && !(run_len >= 2 && flags.given))
    }

    /// A capitalised run ending with an organisation word or a legal form ("Council",
    /// "Corp"), or followed by a stock ticker (`Smithville Widget <SWC>`), without leading
    /// openers or titles. A title before an English word is no title ("General Motors").
    fn organisation(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
    ) -> Option<Mention> {
        // A headline in capitals ("SMITH DEFEATS JONES IN FRONT") shows no organisation
        // word for what it is.
        if w.words[start..end].iter().all(Word::is_all_caps) {
            return None;
        }
        let start = self.org_start(w, start, end);
        // "Goldman, Sachs and Co": a known name that began before the run is the name.
        let inside_known = known
            .containing(w.words[start].start, w.words[start].end)
            .is_some_and(|m| {
                m.start < w.words[start].start && m.readings.iter().any(|r| r.kind == Kind::Org)
            });
        if inside_known {
            return None;
        }
        if ticker_after(w.text, w.words[end - 1].end).is_some()
            && w.words[start].is_capitalised()
            && !w.words[start..end].iter().all(|word| word.is_all_caps())
        {
            return Some(self.org_mention(w, start, end, known, Evidence::Ticker));
        }
        let org_end = self.org_end(w, start, end, known)?;
        if org_end - start < 2 {
            return None;
        }
        Some(self.org_mention(w, start, org_end, known, Evidence::OrgWord))
    }

    /// Where an organisation's name starts in the run `start..end`: after the last "of" or
    /// "for" that no organisation word comes before ("Lynn Smith of Widget Banks Inc"), and
    /// past openers, months, titles before a name ("Chairman Widget Corp", but not
    /// "General Motors") and descriptions ("Ohio-based", "state-owned").
    fn org_start(&self, w: &Words<'_, '_>, start: usize, end: usize) -> usize {
        let mut start = start;
        if let Some(cut) = (start + 1..end)
            .rev()
            .filter(|&i| matches!(w.words[i].text, "of" | "for"))
            .find(|&i| !w.flags[start..i].iter().any(|f| f.org_word || f.legal))
        {
            start = cut + 1;
        }
        while start + 1 < end {
            let first = &w.words[start];
            let flags = w.flags[start];
            let title = flags.title && Self::takes_the_next_word(flags, w.flags[start + 1]);
            // "Shares of Smithville Widget Corp": a sentence's first word before "of".
            let opener = flags.plain
                && !w.words[start + 1].is_capitalised()
                && starts_sentence(w.text, first);
            let describes = first.text.contains('-')
                && first
                    .text
                    .rsplit('-')
                    .next()
                    .is_some_and(|last| last.starts_with(char::is_lowercase));
            let strip = !first.is_capitalised()
                || Self::is_not_name(flags, end - start)
                || flags.calendar
                || title
                || opener
                || describes;
            if !strip {
                break;
            }
            start += 1;
        }
        start
    }

    /// Where an organisation's name ends in the run `start..end`: at its last organisation
    /// word or legal form ("Security Council Monday"), or past what a connector joins to an
    /// organisation word ("Ohio Department of Transportation") up to a title or a given
    /// name, which start a person's name ("Bank of Japan Governor ..."). `None` when no
    /// such word ends it, or a known place does ("Jewish West Bank").
    fn org_end(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
    ) -> Option<usize> {
        let last_org_word = (start..end)
            .rev()
            .find(|&i| w.flags[i].org_word || w.flags[i].legal)?;
        let place_ends_it = known
            .containing(w.words[last_org_word].start, w.words[last_org_word].end)
            .is_some_and(|m| m.readings.iter().all(|r| r.kind == Kind::Location));
        if place_ends_it {
            return None;
        }
        let mut org_end = last_org_word + 1;
        // A legal form ends the name: "Widget Corp of Smithland" is not one.
        let legal_end = w.flags[last_org_word].legal;
        if org_end < end && !w.words[org_end].is_capitalised() && !legal_end {
            org_end = (org_end..end)
                .find(|&i| w.flags[i].title || w.flags[i].given)
                .unwrap_or(end);
            while org_end > last_org_word + 1
                && (Self::is_not_name(w.flags[org_end - 1], 2)
                    || !w.words[org_end - 1].is_capitalised())
            {
                org_end -= 1;
            }
        }
        Some(org_end)
    }

    /// An organisation over `w.words[start..end]`. Its value is a known organisation's when
    /// the name is one with a country word or a known body before it or a legal form after
    /// it ("U.S. Agriculture Department", "U.N. Food and Agriculture Organization", "General
    /// Motors Corp"); otherwise the name as written without its legal form ("Smithville
    /// Widget" for "Smithville Widget Corp").
    fn org_mention(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
        evidence: Evidence,
    ) -> Mention {
        let mut found = mention(w.text, &w.words[start..end], Kind::Org, evidence);
        // "Widget Corp. said", "Widget Corp., Gadget Inc.": the dot of an abbreviated legal
        // form belongs to the name when the sentence goes on after it.
        let after = &w.text[found.end..];
        let sentence_goes_on = after.strip_prefix('.').is_some_and(|rest| {
            rest.starts_with([',', ';'])
                || rest.strip_prefix(' ').is_some_and(|next| {
                    next.starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit())
                })
        });
        if w.flags[end - 1].legal && sentence_goes_on {
            found.end += 1;
        }
        // "Merrill Lynch and Co" is "Merrill Lynch"; a spelled-out form that is an
        // organisation word stays ("Commodity Credit Corporation").
        let mut last = end;
        while last > start + 1
            && ((w.flags[last - 1].legal && !w.flags[last - 1].org_word)
                || !w.words[last - 1].is_capitalised())
        {
            last -= 1;
        }
        let mut first = start;
        let mut prefix_country = None;
        while first + 1 < last {
            let Some(m) = known
                .containing(w.words[first].start, w.words[first].end)
                .filter(|m| m.end < w.words[last - 1].end)
            else {
                break;
            };
            // A country word ("U.S.") or a known body it belongs to ("U.N.").
            let country = m
                .readings
                .iter()
                .find(|r| r.evidence.names_a_country())
                .and_then(|r| r.country);
            let body = m.readings.iter().all(|r| r.kind == Kind::Org);
            if country.is_none() && !body {
                break;
            }
            prefix_country = prefix_country.or(country);
            first = w.words[first + 1..].partition_point(|word| word.start < m.end) + first + 1;
        }
        let reading = &mut found.readings[0];
        if first < last {
            let (span_start, span_end) = (w.words[first].start, w.words[last - 1].end);
            let known_org = known
                .exactly(span_start, span_end)
                .and_then(|m| m.readings.iter().find(|r| r.kind == Kind::Org))
                .filter(|r| {
                    prefix_country.is_none() || r.country.is_none_or(|c| Some(c) == prefix_country)
                });
            if let Some(org) = known_org {
                reading.value = org.value.clone();
                reading.country = org.country;
                return found;
            }
        }
        if last < end {
            let mut value = mention(w.text, &w.words[start..last], Kind::Org, evidence).readings[0]
                .value
                .to_string();
            // "Standard and Poor's Corp" is "Standard and Poor's".
            let kept = &w.words[last - 1];
            if kept.possessive {
                let after = &w.text[kept.end..];
                if let Some(mark) = ["'s", "’s"].iter().find(|m| after.starts_with(**m)) {
                    value.push_str(mark);
                }
            }
            reading.value = Cow::Owned(value);
        }
        found
    }

    /// A capitalised run that follows a title or starts with a given name. Returns the mention
    /// and the index of its last word.
    fn person(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
        orgs: Disjoint<'_>,
    ) -> Option<(Mention, usize)> {
        let mut start = start;
        let mut titled = self.title_before(w, start, end);
        // The name follows the last title inside the run that leaves words after it:
        // "Russian President Vladimir Putin", "Prime Minister John Major".
        let mut i = start;
        while i < end {
            match self.title_at(w, i, end) {
                Some(n)
                    if i + n < end
                        && Self::takes_the_next_word(w.flags[i + n - 1], w.flags[i + n]) =>
                {
                    start = i + n;
                    titled = true;
                    i += n;
                }
                _ => i += 1,
            }
        }
        let (mut start, end) = self.trim(w, start, end)?;
        // "Nine-year-old Georgia Stevens", "Russian Sergei Shoigu": the name starts at the
        // given name.
        let not_a_name_word = |word: &Word<'_>| {
            word.text.contains(|c: char| c == '-' || c.is_ascii_digit())
                || known.containing(word.start, word.end).is_some()
        };
        // "Exchequer Nigel Lawson" (after a role the lists do not know): a given name and
        // one more word after a word that is no given name. Months and nationalities are
        // given names too ("May Eight", "German Bundesbank"), and a known place or a company
        // word ("Monte Carlo", "Heinz Co") is no surname. Family names that come first are
        // short ("Park Yong Chun", "Ri Pyong Chol"); roles are longer words.
        let role_then_name = end - start == 3
            && !w.flags[start].given
            && w.words[start].text.chars().count() >= 5
            && !w.flags[start + 1].calendar
            && !is_nationality(&w.words[start + 1], known)
            && w.words[start + 2].text.chars().any(char::is_lowercase)
            && !self.gazetteer.is_company_word(w.words[start + 2].text)
            && known
                .containing(w.words[start + 1].start, w.words[end - 1].end)
                .is_none();
        if !titled
            && end - start >= 3
            && (not_a_name_word(&w.words[start]) || role_then_name)
            && w.flags[start + 1].given
        {
            start += 1;
        }
        if !self.could_be_a_name(w, start, end, known, orgs) {
            return None;
        }
        // "San Francisco", "Rio de Janeiro", "Hong Kong Open": a name that opens with a
        // place of several words is that place's.
        let place_first = known
            .containing(w.words[start].start, w.words[start].end)
            .is_some_and(|m| m.start == w.words[start].start && m.end > w.words[start].end);
        if place_first && !titled {
            return None;
        }
        let given = end - start >= 2 && w.flags[start].given;
        // "P. Simmons": an initial and a name that is no known place or organisation.
        let initialled = end - start >= 2
            && is_initials(&w.words[start])
            && known
                .containing(w.words[start].start, w.words[start].end)
                .is_none();
        let evidence = if titled {
            Evidence::PersonTitle
        } else if given {
            Evidence::GivenName
        } else if initialled {
            Evidence::Initial
        } else {
            return None;
        };
        Some((
            mention(w.text, &w.words[start..end], Kind::Person, evidence),
            end - 1,
        ))
    }

    /// "Ri Pyong Chol and Park Yong Chun": a run of two to four words right after "and" that
    /// follows a person's name is a person too; one that opens with a capital "The" names a
    /// thing ("Jane Doe and The Streets", "Harry Smith and The Prisoner Of Leeds").
    fn listed_person(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
    ) -> Option<(Mention, usize)> {
        if w.words.get(start).is_some_and(|word| word.text == "The") {
            return None;
        }
        let (start, end) = self.trim(w, start, end)?;
        if !(2..=4).contains(&(end - start))
            || !self.could_be_a_name(w, start, end, known, Disjoint::new(&[]))
        {
            return None;
        }
        let run = &w.words[start..end];
        Some((
            mention(w.text, run, Kind::Person, Evidence::NameList),
            end - 1,
        ))
    }

    /// Strips openers from both ends and cuts at a possessive; `None` when nothing is left.
    fn trim(&self, w: &Words<'_, '_>, start: usize, end: usize) -> Option<(usize, usize)> {
        let (mut start, mut end) = (start, end);
        while start < end && Self::is_not_name(w.flags[start], end - start) {
            start += 1;
        }
        while end > start && Self::is_not_name(w.flags[end - 1], end - start) {
            end -= 1;
        }
        // A possessive ends a name: "Kim Jong Un's first trip".
        if let Some(p) = w.words[start..end].iter().position(|word| word.possessive) {
            end = start + p + 1;
        }
        (start < end).then_some((start, end))
    }

    /// True when a known organisation lies in the run `start..end`, but for one that ends it
    /// after a given name ("Henry Ford"): "Morgan Stanley", "Paris Club officials" and
    /// "Chase Manhattan Securities" are no people.
    fn known_org_within(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
    ) -> bool {
        let (span_start, span_end) = (w.words[start].start, w.words[end - 1].end);
        w.words[start..end].iter().any(|word| {
            known
                .containing(word.start, word.end)
                .filter(|m| m.readings.iter().any(|r| r.kind == Kind::Org))
                .is_some_and(|m| {
                    let ends_the_name = m.end == span_end && m.start > span_start;
                    // "Chelsea Clinton", "Leonardo DiCaprio": a one-word name opening a
                    // longer one.
                    let opens_the_name =
                        m.start == span_start && m.end == word.end && m.end < span_end;
                    !((ends_the_name || opens_the_name) && w.flags[start].given)
                })
        })
    }

    /// Rules out runs that are too long, contain organisation words or capitals-only words,
    /// overlap an organisation, or consist only of known places and nationalities.
    fn could_be_a_name(
        &self,
        w: &Words<'_, '_>,
        start: usize,
        end: usize,
        known: Disjoint<'_>,
        orgs: Disjoint<'_>,
    ) -> bool {
        let run = &w.words[start..end];
        if run.is_empty() || run.len() > MAX_PERSON_WORDS {
            return false;
        }
        // "Mr Sun", "Mrs Brown", "Dr Ford": one word after an honorific is a surname, even
        // when it is an English word, a company's or a newspaper's name.
        if run.len() == 1 && Self::after_honorific(w, start) {
            return true;
        }
        let acronym = |word: &Word<'_>| word.is_all_caps() && !is_initials(word);
        let flags = &w.flags[start..end];
        let currency = |word: &Word<'_>| {
            with_lower(word.text, |lower| {
                self.gazetteer.currency_words.contains(lower)
            })
        };
        // "N.Z. Dlrs": a currency at the end, unless it is a given name ("Mark").
        let last = run.len() - 1;
        let currency_end = currency(&run[last]) && !w.flags[start + last].given;
        if flags.iter().any(|f| f.org_word || f.company || f.legal)
            || run.iter().any(acronym)
            || currency_end
        {
            return false;
        }
        // "Joshua Tree", "Paris Club", "Grace Road": a name ending in an English word that is
        // no surname names a thing.
        if flags[flags.len() - 1].plain {
            return false;
        }
        let (span_start, span_end) = (run[0].start, run[run.len() - 1].end);
        if orgs.overlap(span_start, span_end) || self.known_org_within(w, start, end, known) {
            return false;
        }
        // Cities and regions are named after people ("George", "Palmer"); countries and
        // nationalities are not people's names.
        let country_word = |word: &Word<'_>| {
            known.containing(word.start, word.end).is_some_and(|m| {
                m.readings
                    .iter()
                    .all(|r| r.evidence.names_a_country() || r.evidence == Evidence::Metonym)
            })
        };
        !run.iter().all(country_word)
    }
}

/// `Smithville Widget <SWC>`: the ticker in angle brackets right after byte `at`, if any.
fn ticker_after(text: &str, at: usize) -> Option<&str> {
    let rest = text[at..].strip_prefix(" <")?;
    let close = rest.bytes().take(9).position(|b| b == b'>')?;
    let ticker = &rest[..close];
    let well_formed = !ticker.is_empty()
        && ticker.starts_with(|c: char| c.is_ascii_uppercase())
        && ticker
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.');
    well_formed.then_some(ticker)
}

/// Initials written with dots: "P.", "J.P.".
fn is_initials(word: &Word<'_>) -> bool {
    word.text.ends_with('.')
        && word.text.split_terminator('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
        })
}

/// True when `word` opens a sentence (or the paragraph), where any word is capitalised.
fn starts_sentence(text: &str, word: &Word<'_>) -> bool {
    let before = text[..word.start].trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '“', '('])
}

/// True when `word` lies in a known country name or nationality word ("German"), which
/// some given-name lists hold too.
fn is_nationality(word: &Word<'_>, known: Disjoint<'_>) -> bool {
    known
        .containing(word.start, word.end)
        .is_some_and(|m| m.readings.iter().any(|r| r.evidence.names_a_country()))
}

/// Runs joined by " & " are one name ("Douglas & Lomason Co"): the word splitter keeps no
/// "&", so `runs` breaks there.
fn joined_by_ampersands(w: &Words<'_, '_>, runs: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut joined: Vec<(usize, usize)> = Vec::with_capacity(runs.len());
    for (start, end) in runs {
        if let Some(last) = joined.last_mut() {
            let between = &w.text[w.words[last.1 - 1].end..w.words[start].start];
            if last.1 == start && between == " & " {
                last.1 = end;
                continue;
            }
        }
        joined.push((start, end));
    }
    joined
}

/// Maximal runs of capitalised words joined by single spaces; `inner` words (particles,
/// connectors) may sit inside a run but not at its ends. Returns index ranges.
fn runs(words: &[Word<'_>], inner: impl Fn(&Word<'_>) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !words[i].is_capitalised() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i;
        while words[j].joined_to_next && j + 1 < words.len() {
            let next = &words[j + 1];
            if next.is_capitalised() {
                end = j + 2;
            } else if !inner(next) {
                break;
            }
            j += 1;
        }
        out.push((start, end));
        i = end;
    }
    out
}

fn phrase(words: &[Word<'_>]) -> String {
    words.iter().map(|w| w.text).collect::<Vec<_>>().join(" ")
}

/// A mention over `run`, valued by its text as written (white space normalised, a final
/// possessive left out).
fn mention(text: &str, run: &[Word<'_>], kind: Kind, evidence: Evidence) -> Mention {
    let (start, end) = (run[0].start, run[run.len() - 1].end);
    let span = &text[start..end];
    // Words are joined by single spaces but for a possessive ("People's Army"): the span
    // is the value as it stands, save in odd white space.
    let plain = !span.contains(|c: char| c.is_whitespace() && c != ' ') && !span.contains("  ");
    let value = if plain {
        span.to_string()
    } else {
        span.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    Mention {
        start,
        end,
        readings: vec![Reading {
            kind,
            value: Cow::Owned(value),
            country: None,
            evidence,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    #[test]
    fn runs_stop_at_punctuation_and_lower_case_words() {
        let w = words("Vladimir Putin, the President of Russia met Kim Jong Un today");
        let found: Vec<String> = runs(&w, |_| false)
            .into_iter()
            .map(|(s, e)| phrase(&w[s..e]))
            .collect();
        assert_eq!(
            found,
            ["Vladimir Putin", "President", "Russia", "Kim Jong Un"]
        );
    }

    #[test]
    fn inner_words_join_runs_but_do_not_end_them() {
        let w = words("the Ministry of Foreign Affairs of");
        let connectors = &Gazetteer::shipped().unwrap().org_connectors;
        let found: Vec<String> = runs(&w, |w| connectors.contains(w.text))
            .into_iter()
            .map(|(s, e)| phrase(&w[s..e]))
            .collect();
        assert_eq!(found, ["Ministry of Foreign Affairs"]);
    }

    fn people(text: &str) -> Vec<String> {
        let rules = NameRules::new(Gazetteer::shipped().unwrap());
        rules
            .find(text, &words(text), &[])
            .into_iter()
            .filter(|m| m.readings[0].kind == Kind::Person)
            .map(|m| m.readings[0].value.to_string())
            .collect()
    }

    #[test]
    fn names_listed_with_a_person_are_people() {
        assert_eq!(
            people("the Marshals, Ri Pyong Chol and Park Yong Chun, boarded"),
            ["Ri Pyong Chol", "Park Yong Chun"]
        );
    }

    #[test]
    fn a_title_before_a_full_stop_or_a_group_before_a_comma_names_no_one() {
        assert_eq!(
            people("According to analysts, Moscow is in need."),
            [] as [&str; 0]
        );
        assert_eq!(
            people("said the spokesman. Moscow denied it"),
            [] as [&str; 0]
        );
        assert_eq!(people("the spokesman, Kirby, said"), ["Kirby"]);
        assert_eq!(
            people("offered by Rep. Arlan Stangeland"),
            ["Arlan Stangeland"]
        );
        assert!(people("Presidents Biden and Xi met").contains(&"Biden".to_string()));
    }

    #[test]
    fn a_name_after_an_unknown_role_starts_at_its_given_name() {
        assert_eq!(
            people("Chancellor of the Exchequer Nigel Lawson said"),
            ["Nigel Lawson"]
        );
        assert_eq!(people("the West German Bundesbank said"), [] as [&str; 0]);
        assert_eq!(people("met Park Yong Chun"), [] as [&str; 0]);
    }

    #[test]
    fn sentence_openers_and_months_are_not_names() {
        assert_eq!(
            people("The United Nations met. Theresa May spoke in May."),
            ["Theresa May"]
        );
    }

    #[test]
    fn organisation_values_keep_their_spelling_without_leading_titles() {
        let rules = NameRules::new(Gazetteer::shipped().unwrap());
        let text = "the Marshals of the People’s Army boarded";
        let orgs: Vec<String> = rules
            .find(text, &words(text), &[])
            .into_iter()
            .filter(|m| m.readings[0].kind == Kind::Org)
            .map(|m| m.readings[0].value.to_string())
            .collect();
        assert_eq!(orgs, ["People’s Army"]);
    }

    #[test]
    fn a_title_before_an_english_word_is_no_title() {
        assert_eq!(
            people("Shares of General Motors Corp fell before the General Election."),
            [] as [&str; 0]
        );
        assert_eq!(
            people("the General Hospital board, said General Tom Hale."),
            ["Tom Hale"]
        );
        assert_eq!(people("President Bush spoke."), ["Bush"]);
    }

    #[test]
    fn an_english_word_after_an_honorific_is_a_surname() {
        assert_eq!(people("Mr Sun said the plan was fair."), ["Sun"]);
        assert_eq!(
            people("Talks with Mrs Brown and Dr. Long ended."),
            ["Brown", "Long"]
        );
        assert_eq!(people("Shares of General Motors rose."), [] as [&str; 0]);
    }

    #[test]
    fn names_ending_in_english_words_or_company_words_are_no_people() {
        for text in [
            "Fans drove to Joshua Tree on Sunday.",
            "Stocks of Du Pont Co rose.",
            "Traders at Salomon Brothers said so.",
            "Creditors of the Paris Club met.",
            "Crowds filled Grace Road for the match.",
        ] {
            assert_eq!(people(text), [] as [&str; 0], "{text}");
        }
    }

    #[test]
    fn a_name_after_and_the_capital_the_is_no_person() {
        assert_eq!(
            people("Tickets went fast for Jane Dowling and The Streets on Friday."),
            ["Jane Dowling"]
        );
        assert_eq!(
            people("Ri Pyong Chol and Park Yong Chun met on Friday."),
            ["Ri Pyong Chol", "Park Yong Chun"]
        );
    }

    #[test]
    fn initials_and_a_name_are_a_person() {
        assert_eq!(
            people("Kent were 120 all out after J. Fennimore took four."),
            ["J. Fennimore"]
        );
    }

    fn orgs(text: &str) -> Vec<(String, Evidence)> {
        let rules = NameRules::new(Gazetteer::shipped().unwrap());
        rules
            .find(text, &words(text), &[])
            .into_iter()
            .filter(|m| m.readings[0].kind == Kind::Org)
            .map(|m| (m.readings[0].value.to_string(), m.readings[0].evidence))
            .collect()
    }

    #[test]
    fn legal_forms_and_tickers_make_companies_valued_without_the_form() {
        assert_eq!(
            orgs("Smithville Widget Corp said it bought Northland Gadget <NGA> and Acme Tool Ltd."),
            [
                ("Smithville Widget".to_string(), Evidence::OrgWord),
                ("Northland Gadget".to_string(), Evidence::Ticker),
                ("Acme Tool".to_string(), Evidence::OrgWord),
            ]
        );
        assert_eq!(ticker_after(" <NGA.L> said", 0), Some("NGA.L"));
        assert_eq!(ticker_after(" <not a ticker>", 0), None);
    }

    #[test]
    fn organisation_names_around_connectors_people_and_descriptions() {
        let values =
            |text: &str| -> Vec<String> { orgs(text).into_iter().map(|(v, _)| v).collect() };
        assert_eq!(
            values("The Ohio Department of Transportation said."),
            ["Ohio Department of Transportation"]
        );
        assert_eq!(
            values("said Lynn Hale of Smithville Widget Banks Inc on Monday."),
            ["Smithville Widget Banks"]
        );
        assert_eq!(
            values("the Ohio-based Smithville Widget Corp of Northland said."),
            ["Smithville Widget"]
        );
        assert_eq!(
            values("SMITH DEFEATS JONES IN FRONT OF HOME CROWD"),
            [] as [&str; 0]
        );
        assert_eq!(
            values("The August National Widget Council met."),
            ["National Widget Council"]
        );
    }
}
