//! People and organisations that no gazetteer lists, found from capitalisation and cues:
//! a title or role before a name ("Defence Minister Sergei Shoigu", "spokesman John Kirby"),
//! a known given name ("John Kirby"), a name listed with another person's ("Ri Pyong Chol and
//! Park Yong Chun"), or an organisation word ending a name ("National Security Council").

use super::words::Word;
use super::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::Gazetteer;

/// Particles that may sit inside a person's name ("Osama bin Laden", "Ursula von der Leyen").
const NAME_PARTICLES: &[&str] = &[
    "bin", "al", "el", "de", "van", "von", "der", "den", "da", "du", "di", "la", "le", "del",
    "dos", "das", "ibn", "abu", "ter",
];
/// Lower-case words that may sit inside an organisation's name ("Ministry of Defence").
const ORG_CONNECTORS: &[&str] = &["of", "for", "and", "the", "on", "de", "du", "des", "&"];
/// Longest person name accepted, in words.
const MAX_PERSON_WORDS: usize = 5;
/// Longest multi-word title looked up before a name.
const MAX_TITLE_WORDS: usize = 4;

/// The capitalisation rules over the gazetteer's word lists.
pub(super) struct NameRules {
    gazetteer: &'static Gazetteer,
}

impl NameRules {
    pub(super) fn new(gazetteer: &'static Gazetteer) -> NameRules {
        NameRules { gazetteer }
    }

    /// People and organisations in a paragraph. `known` are the gazetteer mentions: a name
    /// made only of known places is not a person, and a known organisation is not found twice.
    pub(super) fn find(&self, text: &str, words: &[Word<'_>], known: &[Mention]) -> Vec<Mention> {
        let mut found = Vec::new();
        for (start, end) in runs(words, |w| ORG_CONNECTORS.contains(&w.text)) {
            if let Some(mention) = self.organisation(text, &words[start..end]) {
                let same_as_known = known
                    .iter()
                    .any(|k| k.start == mention.start && k.end == mention.end);
                if !same_as_known {
                    found.push(mention);
                }
            }
        }
        let mut last_person_end: Option<usize> = None;
        for (start, end) in runs(words, |w| NAME_PARTICLES.contains(&w.text)) {
            let listed = start >= 2
                && matches!(words[start - 1].text, "and" | "&")
                && last_person_end == Some(start - 2);
            let person = self
                .person(text, words, start, end, known, &found)
                .or_else(|| {
                    listed
                        .then(|| self.listed_person(text, &words[start..end], known))
                        .flatten()
                });
            if let Some((mention, end_word)) = person {
                found.push(mention);
                last_person_end = Some(end_word);
            }
        }
        found
    }

    fn is_title(&self, phrase: &str) -> bool {
        let lower = phrase.to_lowercase();
        // Plural titles ("Marshals", "Presidents") introduce names too.
        self.gazetteer.titles.contains(&lower)
            || lower
                .strip_suffix('s')
                .is_some_and(|singular| self.gazetteer.titles.contains(singular))
    }

    /// Length in words of the longest title starting at `words[i]` (within `..end`).
    fn title_at(&self, words: &[Word<'_>], i: usize, end: usize) -> Option<usize> {
        (1..=MAX_TITLE_WORDS.min(end - i)).rev().find(|&n| {
            words[i..i + n - 1].iter().all(|w| w.joined_to_next)
                && self.is_title(&phrase(&words[i..i + n]))
        })
    }

    /// True when a title or role ends right before `words[start]`, possibly with a comma
    /// between ("the Foreign Minister, Cho San Hui").
    fn title_before(&self, words: &[Word<'_>], start: usize) -> bool {
        (1..=MAX_TITLE_WORDS.min(start)).any(|n| {
            let title = &words[start - n..start];
            title[..n - 1].iter().all(|w| w.joined_to_next) && self.is_title(&phrase(title))
        })
    }

    fn lower_in(set: &std::collections::HashSet<String>, word: &Word<'_>) -> bool {
        set.contains(&word.text.to_lowercase())
    }

    /// Words that cannot begin or end a name: sentence openers always; days and months unless
    /// they are given names inside a longer run ("Theresa May").
    fn is_not_name(&self, word: &Word<'_>, run_len: usize) -> bool {
        let g = self.gazetteer;
        Self::lower_in(&g.not_names, word)
            || (Self::lower_in(&g.calendar_words, word)
                && !(run_len >= 2 && g.given_names.contains(word.text)))
    }

    /// A capitalised run ending with an organisation word, without leading openers or titles.
    fn organisation(&self, text: &str, run: &[Word<'_>]) -> Option<Mention> {
        let mut run = run;
        while let Some(first) = run.first() {
            let strip = !first.is_capitalised()
                || self.is_not_name(first, run.len())
                || self.is_title(first.text);
            if strip && run.len() > 1 {
                run = &run[1..];
            } else {
                break;
            }
        }
        // An organisation ends at its last organisation word ("Security Council Monday").
        let last_org_word = run
            .iter()
            .rposition(|w| w.is_capitalised() && Self::lower_in(&self.gazetteer.org_words, w))?;
        let run = &run[..=last_org_word];
        if run.len() < 2 {
            return None;
        }
        Some(mention(text, run, Kind::Org, Evidence::OrgWord))
    }

    /// A capitalised run that follows a title or starts with a given name. Returns the mention
    /// and the index of its last word.
    fn person(
        &self,
        text: &str,
        words: &[Word<'_>],
        start: usize,
        end: usize,
        known: &[Mention],
        orgs: &[Mention],
    ) -> Option<(Mention, usize)> {
        let mut start = start;
        let mut titled = self.title_before(words, start);
        // The name follows the last title inside the run that leaves words after it:
        // "Russian President Vladimir Putin", "Prime Minister John Major".
        let mut i = start;
        while i < end {
            match self.title_at(words, i, end) {
                Some(n) if i + n < end => {
                    start = i + n;
                    titled = true;
                    i += n;
                }
                _ => i += 1,
            }
        }
        let (mut start, end) = self.trim(words, start, end)?;
        let given_name = |i: usize| self.gazetteer.given_names.contains(words[i].text);
        // "Nine-year-old Georgia Stevens", "Russian Sergei Shoigu": the name starts at the
        // given name.
        let not_a_name_word = |w: &Word<'_>| {
            w.text.contains(|c: char| c == '-' || c.is_ascii_digit())
                || known.iter().any(|m| m.start <= w.start && w.end <= m.end)
        };
        if !titled && end - start >= 3 && not_a_name_word(&words[start]) && given_name(start + 1) {
            start += 1;
        }
        let run = &words[start..end];
        if !self.could_be_a_name(run, known, orgs) {
            return None;
        }
        let given = run.len() >= 2 && given_name(start);
        let evidence = if titled {
            Evidence::PersonTitle
        } else if given {
            Evidence::GivenName
        } else {
            return None;
        };
        Some((mention(text, run, Kind::Person, evidence), end - 1))
    }

    /// "Ri Pyong Chol and Park Yong Chun": a run of two to four words right after "and" that
    /// follows a person's name is a person too.
    fn listed_person(
        &self,
        text: &str,
        run: &[Word<'_>],
        known: &[Mention],
    ) -> Option<(Mention, usize)> {
        let words = run;
        let (start, end) = self.trim(words, 0, words.len())?;
        let run = &words[start..end];
        if !(2..=4).contains(&run.len()) || !self.could_be_a_name(run, known, &[]) {
            return None;
        }
        Some((
            mention(text, run, Kind::Person, Evidence::NameList),
            end - 1,
        ))
    }

    /// Strips openers from both ends and cuts at a possessive; `None` when nothing is left.
    fn trim(&self, words: &[Word<'_>], start: usize, end: usize) -> Option<(usize, usize)> {
        let (mut start, mut end) = (start, end);
        while start < end && self.is_not_name(&words[start], end - start) {
            start += 1;
        }
        while end > start && self.is_not_name(&words[end - 1], end - start) {
            end -= 1;
        }
        // A possessive ends a name: "Kim Jong Un's first trip".
        if let Some(p) = words[start..end].iter().position(|w| w.possessive) {
            end = start + p + 1;
        }
        (start < end).then_some((start, end))
    }

    /// Rules out runs that are too long, contain organisation words or capitals-only words,
    /// overlap an organisation, or consist only of known places and nationalities.
    fn could_be_a_name(&self, run: &[Word<'_>], known: &[Mention], orgs: &[Mention]) -> bool {
        if run.is_empty() || run.len() > MAX_PERSON_WORDS {
            return false;
        }
        let acronym = |w: &Word<'_>| w.is_all_caps() && !w.is_initial();
        if run
            .iter()
            .any(|w| Self::lower_in(&self.gazetteer.org_words, w) || acronym(w))
        {
            return false;
        }
        let (span_start, span_end) = (run[0].start, run[run.len() - 1].end);
        if orgs
            .iter()
            .any(|m| m.start < span_end && span_start < m.end)
        {
            return false;
        }
        // Cities and regions are named after people ("George", "Palmer"); countries and
        // nationalities are not people's names.
        let country_word = |w: &Word<'_>| {
            known.iter().any(|m| {
                m.start <= w.start
                    && w.end <= m.end
                    && m.readings.iter().all(|r| {
                        matches!(
                            r.evidence,
                            Evidence::CountryName
                                | Evidence::CountryAlias
                                | Evidence::Demonym
                                | Evidence::PeopleOf
                                | Evidence::Metonym
                        )
                    })
            })
        };
        !run.iter().all(country_word)
    }
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
    let value = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Mention {
        start,
        end,
        readings: vec![Reading {
            kind,
            value,
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
        let found: Vec<String> = runs(&w, |w| ORG_CONNECTORS.contains(&w.text))
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
            .map(|m| m.readings[0].value.clone())
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
            .map(|m| m.readings[0].value.clone())
            .collect();
        assert_eq!(orgs, ["People’s Army"]);
    }
}
