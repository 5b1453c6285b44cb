//! One person across the article: "Putin" after "Vladimir Putin" is the same man, and
//! every use of a name resolves to the fullest form the article gives it.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use super::Overlaps;
use crate::extract::words::Word;
use crate::extract::{Evidence, Kind, Mention, Reading};

/// The people an article names in full, for resolving short forms.
pub(super) struct People {
    /// Full names (two words or more) with how often each is used.
    full: HashMap<String, usize>,
    /// First or last word of a full name → the full name it stands for.
    by_part: HashMap<String, String>,
    /// Full name → the longer full name that begins or ends with it ("Kim Jong" → "Kim Jong
    /// Un").
    longer: HashMap<String, String>,
}

impl People {
    /// Collects the full names (two words or more) of every paragraph's mentions, and the
    /// name each shorter form stands for. Worked out once per article, so that resolving a
    /// name costs no scan of all the names.
    pub(super) fn of(mentions: &[Vec<Mention>]) -> People {
        let full = full_names(mentions);
        let mut by_part = HashMap::default();
        let mut longer = HashMap::default();
        for name in full.keys() {
            let first = name.split(' ').next().unwrap_or(name);
            let last = name.rsplit(' ').next().unwrap_or(name);
            for part in [first, last] {
                keep_preferred(&mut by_part, part, name, &full);
            }
            for (space, _) in name.match_indices(' ') {
                for shorter in [&name[..space], &name[space + 1..]] {
                    if full.contains_key(shorter) {
                        keep_preferred(&mut longer, shorter, name, &full);
                    }
                }
            }
        }
        People {
            full,
            by_part,
            longer,
        }
    }

    /// The fullest name the article uses for `name`; the most used one when a short form
    /// fits several ("Kim" with "Kim Jong Un" and "Kim Yo Jong").
    pub(super) fn fullest(&self, name: &str) -> String {
        let fuller = if self.full.contains_key(name) {
            // A longer name that begins or ends with this one ("Kim Jong" and "Jong Un" in
            // "Kim Jong Un").
            self.longer.get(name)
        } else {
            self.by_part.get(name)
        };
        fuller.map_or_else(|| name.to_string(), String::clone)
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
            // The aliases pushed here lie on words of their own: no later word overlaps them.
            let overlaps = Overlaps::of(paragraph);
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
                match overlaps.first(paragraph, word.start, word.end) {
                    None => paragraph.push(Mention {
                        start: word.start,
                        end: word.end,
                        readings: vec![reading],
                    }),
                    Some(i) if paragraph[i].start == word.start && paragraph[i].end == word.end => {
                        let m = &mut paragraph[i];
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

/// Person names of two words or more, with how often each is used.
fn full_names(mentions: &[Vec<Mention>]) -> HashMap<String, usize> {
    let mut full: HashMap<String, usize> = HashMap::default();
    for reading in mentions.iter().flatten().flat_map(|m| &m.readings) {
        if reading.kind == Kind::Person && reading.value.contains(' ') {
            *full.entry(reading.value.to_string()).or_insert(0) += 1;
        }
    }
    full
}

/// Makes `name` the one `key` stands for, unless a name more [`preference`]d already is.
fn keep_preferred(
    names: &mut HashMap<String, String>,
    key: &str,
    name: &str,
    full: &HashMap<String, usize>,
) {
    match names.get_mut(key) {
        Some(kept) => {
            if preference(full, name) > preference(full, kept) {
                name.clone_into(kept);
            }
        }
        None => {
            names.insert(key.to_string(), name.to_string());
        }
    }
}

/// How strongly a full name is preferred for a short form: the most used, then the longest,
/// then the first in alphabetical order, so that ties do not depend on hashing.
fn preference<'n>(
    full: &HashMap<String, usize>,
    name: &'n str,
) -> (usize, usize, std::cmp::Reverse<&'n str>) {
    (
        full.get(name).copied().unwrap_or(0),
        name.len(),
        std::cmp::Reverse(name),
    )
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
