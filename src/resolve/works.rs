//! Names of works and bands read as people's: "the film Vera Smith", "Harry Smith star
//! Jane Doe". A name used so anywhere in the article is no person anywhere in it.

use rustc_hash::FxHashSet as HashSet;

use crate::extract::words::Word;
use crate::extract::{Kind, Mention};
use crate::gazetteer::{with_lower, Gazetteer};

/// How many words before a name are searched for the "and" of a list of names.
const LIST_WORDS: usize = 8;

/// Drops the person readings of every mention whose value the article uses as a work's
/// name, and the mentions left with no reading. Returns, for each paragraph, the works'
/// names it mentions (sorted): the index keeps them, so that a name the corpus often uses
/// as a work's can leave the person facet everywhere (see `query::surnames`).
pub(super) fn drop_works(
    gazetteer: &Gazetteer,
    texts: &[&str],
    paragraph_words: &[Vec<Word<'_>>],
    mentions: &mut [Vec<Mention>],
) -> Vec<Vec<String>> {
    let mut works: HashSet<String> = HashSet::default();
    for ((text, words), paragraph) in texts.iter().zip(paragraph_words).zip(mentions.iter()) {
        for mention in paragraph {
            let Some(person) = mention.readings.iter().find(|r| r.kind == Kind::Person) else {
                continue;
            };
            if is_work(gazetteer, text, words, mention) {
                works.insert(person.value.to_string());
            }
        }
    }
    if works.is_empty() {
        return vec![Vec::new(); mentions.len()];
    }
    mentions
        .iter_mut()
        .map(|paragraph| {
            let mut named = Vec::new();
            for mention in paragraph.iter_mut() {
                mention.readings.retain(|r| {
                    let work = r.kind == Kind::Person && works.contains(r.value.as_ref());
                    if work {
                        named.push(r.value.to_string());
                    }
                    !work
                });
            }
            paragraph.retain(|m| !m.readings.is_empty());
            named.sort_unstable();
            named.dedup();
            named
        })
        .collect()
}

/// Words before a name after which a verb does not agree with it ("would John Doe have").
const MODALS: [&str; 12] = [
    "would", "could", "should", "might", "must", "will", "may", "can", "did", "do", "does", "had",
];

/// Whether `rest`, what follows "X and the ", starts a title's words ("Half Moon", "Prisoner
/// of Azkaban") rather than another name: a group's plural ("Tailors", "Blind Boys of
/// Leeds"), an organisation ("Leeds Council") or a name with a group noun after it ("the
/// Tailor group") is a name of its own.
fn names_a_title(gazetteer: &Gazetteer, rest: &str) -> bool {
    let mut last = None;
    let mut next = None;
    for token in rest.split_whitespace() {
        let word = token.trim_end_matches([',', '.', ';', ':', '!', '?', '\'', '’', '"']);
        if !word.starts_with(char::is_uppercase) {
            next = Some(word);
            break;
        }
        last = Some(word);
        if word.len() < token.len() {
            // Punctuation ends the name.
            break;
        }
    }
    let Some(last) = last else {
        return false;
    };
    let plural = last.ends_with('s') && !last.ends_with("ss");
    let lower =
        |list: &crate::gazetteer::NameSet, word: &str| with_lower(word, |l| list.contains(l));
    !plural
        && !lower(&gazetteer.org_words, last)
        && !lower(&gazetteer.company_words, last)
        && !next.is_some_and(|w| lower(&gazetteer.work_nouns, w))
}

/// Where the sentence that `before` ends in starts: after the last full stop, question or
/// exclamation mark or semicolon, but not the dot of an initial or an abbreviation
/// ("U.S.", "J. Doe").
fn sentence_start(before: &str) -> usize {
    let mut previous = None;
    let mut start = 0;
    for (at, c) in before.char_indices() {
        let ends = match c {
            '!' | '?' | ';' => true,
            '.' => !previous.is_some_and(char::is_uppercase),
            _ => false,
        };
        if ends {
            start = at + 1;
        }
        previous = Some(c);
    }
    start
}

/// Whether no title names the mention's person: "Finance Minister John Doe have" is a
/// person in a list, whatever the verb.
fn titled_no(mention: &Mention) -> bool {
    mention
        .readings
        .iter()
        .all(|r| r.evidence != crate::extract::Evidence::PersonTitle)
}

/// Whether a work noun comes right before the mention ("the film Vera Smith"), a credit
/// noun right after it ("Vera Smith star Jane Doe"), a plural verb after it ("Tom Tailor
/// have split", "Tom Tailor, who were") or "and the" and a capital ("Tom Tailor and the
/// Half Moon").
fn is_work(gazetteer: &Gazetteer, text: &str, words: &[Word<'_>], mention: &Mention) -> bool {
    let first = words.partition_point(|w| w.start < mention.start);
    let last = words.partition_point(|w| w.end < mention.end);
    let in_list = |list: &crate::gazetteer::NameSet, word: &Word<'_>| {
        !word.is_capitalised() && with_lower(word.text, |lower| list.contains(lower))
    };
    let before = first
        .checked_sub(1)
        .map(|i| &words[i])
        .filter(|w| w.joined_to_next && !w.possessive);
    let ends = words.get(last).filter(|w| w.end == mention.end);
    let after = ends
        .filter(|w| w.joined_to_next && !w.possessive)
        .and_then(|_| words.get(last + 1));
    // "Jane Doe and John Doe were", "Smith and Finance Minister John Doe have": a plural
    // verb after a list of names, which "and" or a comma in the sentence before shows.
    let sentence = sentence_start(&text[..mention.start]);
    // The sentence's words before the name, nearest first.
    let sentence_before = || {
        words[..first]
            .iter()
            .rev()
            .take_while(|w| w.start >= sentence)
    };
    let listed = sentence_before()
        .take(LIST_WORDS)
        .any(|w| matches!(w.text, "and" | "&" | "or" | "nor" | "including" | "like"))
        || text[sentence..mention.start].contains(',');
    // "If the teenage John Doe were applying", "would John Doe have gone": a verb that
    // agrees with no plural.
    let no_agreement = sentence_before()
        .any(|w| matches!(w.text, "if" | "If" | "wish" | "though" | "Though"))
        || before.is_some_and(|w| MODALS.contains(&w.text));
    // "Tom Tailor, who were shortlisted": a plural verb after the name's "who".
    let who_are = ends
        .and_then(|_| text[mention.end..].strip_prefix(", who "))
        .and_then(|rest| rest.split(|c: char| !c.is_alphabetic()).next())
        .is_some_and(|verb| gazetteer.group_verbs.contains(verb));
    // "Tom Tailor and the Half Moon" is a title; "Tom Tailor and the Tailors", "President
    // Doe and the Agriculture Department" are two names.
    let title_goes_on = titled_no(mention)
        && [" and the ", " and The "]
            .iter()
            .find_map(|joint| text[mention.end..].strip_prefix(joint))
            .is_some_and(|rest| names_a_title(gazetteer, rest));
    // "Vera Smith stars in", "named John Doe director of": a verb, a role.
    let credit = after
        .filter(|w| in_list(&gazetteer.credit_nouns, w))
        .is_some_and(|w| {
            let next = text[w.end..].split_whitespace().next().unwrap_or("");
            !matches!(
                next,
                "of" | "in" | "as" | "alongside" | "opposite" | "at" | "for"
            )
        });
    before.is_some_and(|w| in_list(&gazetteer.work_nouns, w))
        || credit
        || (!listed
            && !no_agreement
            && titled_no(mention)
            && (after.is_some_and(|w| in_list(&gazetteer.group_verbs, w)) || who_are))
        || title_goes_on
}

#[cfg(test)]
mod tests {
    use super::super::tests::article;

    #[test]
    fn names_used_for_works_are_no_people() {
        let resolved = article(&[
            "The film Vera Smithson won three awards.",
            "Vera Smithson star Jane Doe thanked the crew.",
            "Vera Smithson was shot in London.",
        ]);
        for p in &resolved {
            assert!(
                !p.entities.persons.contains(&"Vera Smithson".to_string()),
                "{p:?}"
            );
        }
        assert!(resolved[1]
            .entities
            .persons
            .contains(&"Jane Doe".to_string()));
        let band = article(&["Tom Tailor have split, and Jane Doe and John Doe were sad."]);
        assert_eq!(band[0].entities.persons, ["Jane Doe", "John Doe"]);
        for text in [
            "Tom Tailor, who were shortlisted twice, thanked Jane Doe.",
            "The Leeds group Tom Tailor thanked Jane Doe.",
        ] {
            assert_eq!(article(&[text])[0].entities.persons, ["Jane Doe"], "{text}");
        }
        // One person's "who was" keeps the person.
        let singer = article(&["Tom Tailor, who was shortlisted twice, thanked Jane Doe."]);
        assert_eq!(singer[0].entities.persons, ["Jane Doe", "Tom Tailor"]);
        // A possessive makes the work the person's.
        let author = article(&["Jane Doe's director praised her."]);
        assert_eq!(author[0].entities.persons, ["Jane Doe"]);
    }

    #[test]
    fn the_paragraphs_that_name_a_work_keep_its_name() {
        let resolved = article(&[
            "The film Vera Smithson won three awards.",
            "Jane Doe thanked the crew.",
            "Vera Smithson was shot in London.",
        ]);
        let works: Vec<&[String]> = resolved.iter().map(|p| &p.entities.works[..]).collect();
        assert_eq!(
            works,
            [
                &["Vera Smithson".to_string()][..],
                &[],
                &["Vera Smithson".to_string()]
            ]
        );
    }

    #[test]
    fn a_title_goes_on_after_and_the_but_a_group_or_an_office_is_a_name_of_its_own() {
        for text in [
            "Tom Tailor and the Prisoner of Leeds opened on Friday.",
            "Films like Tom Tailor and The Prisoner Of Kent took £11m.",
        ] {
            let title = article(&[text]);
            assert_eq!(title[0].entities.works, ["Tom Tailor"], "{text}");
            assert!(title[0].entities.persons.is_empty(), "{text}: {title:?}");
        }
        for text in [
            "The song has vocals from Jane Doe, Tom Tailor and the Sandpipers.",
            "Tom Tailor and the Blind Boys of Leeds will play.",
            "The plan is up to President Tom Tailor and the Agriculture Department.",
            "Mr Tailor and the Liberal Democrats disagree.",
            "Talks between Tom Tailor and the Westfield group ended.",
        ] {
            let resolved = article(&[text]);
            assert!(
                resolved[0].entities.works.is_empty(),
                "{text}: {resolved:?}"
            );
        }
    }

    #[test]
    fn a_verb_that_agrees_with_another_word_makes_no_band() {
        for text in [
            "If the teenage Tom Tailor were applying today, he would get in.",
            "Not in a million years would Tom Tailor have gone down like that.",
            "Famous directors including Tom Tailor have had films made there.",
            "Heroes like Jane Doe or Tom Tailor are in the game.",
            "Prime Minister Ann Lee and U.S. Secretary of State Tom Tailor have written.",
            "Tom Tailor stars in a new film.",
            "The company named Tom Tailor director of its new division.",
        ] {
            let resolved = article(&[text]);
            assert!(
                resolved[0].entities.works.is_empty(),
                "{text}: {resolved:?}"
            );
            let persons = &resolved[0].entities.persons;
            assert!(
                persons.contains(&"Tom Tailor".to_string()),
                "{text}: {resolved:?}"
            );
        }
    }

    #[test]
    fn a_sentence_starts_after_a_full_stop_but_not_after_an_initial() {
        assert_eq!(super::sentence_start("One. Two"), 4);
        assert_eq!(super::sentence_start("Ann and U.S. envoy J. Doe"), 0);
        assert_eq!(super::sentence_start("Why? So"), 4);
    }
}
