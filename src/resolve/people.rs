//! One person across the article: "Putin" after "Vladimir Putin" is the same man, and
//! every use of a name resolves to the fullest form the article gives it.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use crate::extract::words::Word;
use crate::extract::{Evidence, Kind, Mention, Reading};

/// The people an article names in full, for resolving short forms.
pub(super) struct People {
    /// Full names (two words or more) with how often each is used.
    full: HashMap<String, usize>,
    /// First or last word of a full name → the full names it may stand for.
    by_part: HashMap<String, Vec<String>>,
}

impl People {
    /// Collects the full names (two words or more) of every paragraph's mentions.
    pub(super) fn of(mentions: &[Vec<Mention>]) -> People {
        let mut full: HashMap<String, usize> = HashMap::default();
        for reading in mentions.iter().flatten().flat_map(|m| &m.readings) {
            if reading.kind == Kind::Person && reading.value.contains(' ') {
                *full.entry(reading.value.to_string()).or_insert(0) += 1;
            }
        }
        let mut by_part: HashMap<String, Vec<String>> = HashMap::default();
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
    pub(super) fn fullest(&self, name: &str) -> String {
        if self.full.contains_key(name) {
            // A longer name that begins or ends with this one ("Kim Jong" and "Jong Un" in
            // "Kim Jong Un").
            let longer = self
                .full
                .keys()
                .filter(|n| {
                    n.len() > name.len()
                        && ((n.starts_with(name) && n[name.len()..].starts_with(' '))
                            || (n.ends_with(name) && n[..n.len() - name.len()].ends_with(' ')))
                })
                .max_by_key(|n| self.preference(n));
            return longer.cloned().unwrap_or_else(|| name.to_string());
        }
        self.by_part
            .get(name)
            .and_then(|names| names.iter().max_by_key(|n| self.preference(n)).cloned())
            .unwrap_or_else(|| name.to_string())
    }

    /// How strongly a full name is preferred for a short form: the most used, then the
    /// longest, then the first in alphabetical order, so that ties do not depend on hashing.
    fn preference<'n>(&self, name: &'n str) -> (usize, usize, std::cmp::Reverse<&'n str>) {
        (
            self.full.get(name).copied().unwrap_or(0),
            name.len(),
            std::cmp::Reverse(name),
        )
    }

    /// Marks standalone words that are the first or last word of a full name as that person,
    /// replacing place readings of the same span ("Jordan" after "Michael Jordan").
    pub(super) fn add_aliases(
        &self,
        paragraph_words: &[Vec<Word<'_>>],
        mentions: &mut [Vec<Mention>],
    ) {
        if self.by_part.is_empty() {
            return;
        }
        for (words, paragraph) in paragraph_words.iter().zip(mentions.iter_mut()) {
            for word in words {
                if !word.is_capitalised() || !self.by_part.contains_key(word.text) {
                    continue;
                }
                let reading = Reading {
                    kind: Kind::Person,
                    value: Cow::Owned(word.text.to_string()),
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

#[cfg(test)]
mod tests {
    use super::super::tests::article;

    #[test]
    fn short_names_resolve_to_the_fullest_name_in_the_article() {
        let resolved = article(&[
            "Russian President Vladimir Putin met Kim Jong Un.",
            "Putin said Kim would stay.",
            "The Putin-Kim Jong Un meeting is symbolic.",
        ]);
        assert!(resolved[0]
            .entities
            .persons
            .contains(&"Vladimir Putin".to_string()));
        assert_eq!(
            resolved[1].entities.persons,
            ["Kim Jong Un", "Vladimir Putin"]
        );
        assert!(
            !resolved[2]
                .entities
                .persons
                .contains(&"Jong Un".to_string()),
            "{:?}",
            resolved[2].entities.persons
        );
    }

    #[test]
    fn people_named_like_places_hide_the_place() {
        let resolved = article(&[
            "Nine-year-old Georgia Stevens is lacing her skates.",
            "Georgia began skating at four.",
        ]);
        assert!(
            resolved.iter().all(|p| p.entities.countries.is_empty()),
            "{resolved:?}"
        );
        assert_eq!(resolved[1].entities.persons, ["Georgia Stevens"]);
    }
}
