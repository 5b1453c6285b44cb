//! Acronyms the article defines: "the National Security Council (NSC)" makes every "NSC"
//! of the article that organisation, wherever no other mention covers it.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use super::Overlaps;
use crate::extract::words::Word;
use crate::extract::{Evidence, Kind, Mention, Reading};

/// Finds "Full Name (ACRONYM)" definitions and marks later uses of the acronym.
pub(super) fn add_defined_acronyms(
    texts: &[&str],
    paragraph_words: &[Vec<Word<'_>>],
    mentions: &mut [Vec<Mention>],
) {
    let mut acronyms: HashMap<String, String> = HashMap::default();
    for (text, paragraph) in texts.iter().zip(mentions.iter()) {
        for mention in paragraph {
            let Some(org) = mention.readings.iter().find(|r| r.kind == Kind::Org) else {
                continue;
            };
            if let Some(acronym) = defined_acronym(&text[mention.end..]) {
                acronyms
                    .entry(acronym.to_string())
                    .or_insert_with(|| org.value.to_string());
            }
        }
    }
    if acronyms.is_empty() {
        return;
    }
    for (words, paragraph) in paragraph_words.iter().zip(mentions.iter_mut()) {
        // The acronyms pushed here lie on words of their own: no later word overlaps them.
        let overlaps = Overlaps::of(paragraph);
        for word in words {
            let Some(org) = acronyms.get(word.text) else {
                continue;
            };
            match overlaps.first(paragraph, word.start, word.end) {
                None => {}
                // The article's own definition wins over a known name of the same letters
                // ("Disasters Emergency Committee (DEC)", not Digital Equipment).
                Some(i) => {
                    let m = &mut paragraph[i];
                    let known_org = m.readings.iter().all(|r| r.kind == Kind::Org);
                    if m.start == word.start && m.end == word.end && known_org {
                        m.readings = vec![defined(org)];
                    }
                    continue;
                }
            }
            paragraph.push(Mention {
                start: word.start,
                end: word.end,
                readings: vec![Reading {
                    kind: Kind::Org,
                    value: Cow::Owned(org.clone()),
                    country: None,
                    evidence: Evidence::Acronym,
                }],
            });
        }
        paragraph.sort_by_key(|m| m.start);
    }
}

/// The reading of an acronym the article defines.
fn defined(org: &str) -> Reading {
    Reading {
        kind: Kind::Org,
        value: Cow::Owned(org.to_string()),
        country: None,
        evidence: Evidence::Acronym,
    }
}

/// Longest acronym an article may define, in bytes.
const MAX_ACRONYM_LEN: usize = 10;

/// `" (NSC)"` → `NSC`: two to ten capitals or digits in parentheses right after a name.
fn defined_acronym(after: &str) -> Option<&str> {
    let inner = after.strip_prefix(" (")?;
    // A ")" further on closes no acronym: looking further would read the paragraph to its
    // end after every name followed by a bracket.
    let close = inner
        .bytes()
        .take(MAX_ACRONYM_LEN + 1)
        .position(|b| b == b')')?;
    let acronym = &inner[..close];
    let well_formed = (2..=MAX_ACRONYM_LEN).contains(&acronym.len())
        && acronym.starts_with(|c: char| c.is_ascii_uppercase())
        && acronym
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&');
    well_formed.then_some(acronym)
}

#[cfg(test)]
mod tests {
    use super::super::tests::article;
    use super::*;

    #[test]
    fn acronyms_defined_in_the_article_are_organisations() {
        let resolved = article(&[
            "The National Security Council (NSC) met.",
            "An NSC spokesman declined to comment.",
        ]);
        assert_eq!(resolved[1].entities.orgs, ["National Security Council"]);
    }

    #[test]
    fn defined_acronym_shapes() {
        assert_eq!(defined_acronym(" (NSC) met"), Some("NSC"));
        assert_eq!(defined_acronym(" (G20)"), Some("G20"));
        assert_eq!(defined_acronym(" (the council)"), None);
        assert_eq!(defined_acronym("(NSC)"), None);
        assert_eq!(defined_acronym(" (NSC"), None);
        assert_eq!(defined_acronym(" (ABCDEFGHIJ)"), Some("ABCDEFGHIJ"));
        assert_eq!(defined_acronym(" (ABCDEFGHIJK)"), None);
    }

    #[test]
    fn an_acronym_of_several_organisations_takes_the_one_of_the_article_country() {
        let british = article(&["British manufacturers are gloomy, the CBI said in London."]);
        assert_eq!(
            british[0].entities.orgs,
            ["Confederation of British Industry"]
        );
        let indian = article(&["The CBI arrested two officials in New Delhi, police said."]);
        assert_eq!(indian[0].entities.orgs, ["Central Bureau of Investigation"]);
    }

    #[test]
    fn an_acronym_the_article_defines_wins_over_a_known_one() {
        let resolved = article(&[
            "Donations went to the Disasters Emergency Committee (DEC) on Monday.",
            "The DEC said the appeal raised 10m.",
        ]);
        assert_eq!(resolved[1].entities.orgs, ["Disasters Emergency Committee"]);
    }
}
