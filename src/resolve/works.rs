//! Names of works and bands read as people's: "the film Vera Smith", "Harry Smith star
//! Jane Doe". A name used so anywhere in the article is no person anywhere in it.

use rustc_hash::FxHashSet as HashSet;

use crate::extract::words::Word;
use crate::extract::{Kind, Mention};
use crate::gazetteer::{with_lower, Gazetteer};

/// How many words before a name are searched for the "and" of a list of names.
const LIST_WORDS: usize = 8;

/// Drops the person readings of every mention whose value the article uses as a work's
/// name, and the mentions left with no reading.
pub(super) fn drop_works(
    gazetteer: &Gazetteer,
    texts: &[&str],
    paragraph_words: &[Vec<Word<'_>>],
    mentions: &mut [Vec<Mention>],
) {
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
        return;
    }
    for paragraph in mentions.iter_mut() {
        for mention in paragraph.iter_mut() {
            mention
                .readings
                .retain(|r| !(r.kind == Kind::Person && works.contains(r.value.as_ref())));
        }
        paragraph.retain(|m| !m.readings.is_empty());
    }
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
    let sentence = text[..mention.start]
        .rfind(['.', '!', '?', ';'])
        .map_or(0, |at| at + 1);
    let listed = words[..first]
        .iter()
        .rev()
        .take_while(|w| w.start >= sentence)
        .take(LIST_WORDS)
        .any(|w| matches!(w.text, "and" | "&"))
        || text[sentence..mention.start].contains(',');
    // "Tom Tailor, who were shortlisted": a plural verb after the name's "who".
    let who_are = ends
        .and_then(|_| text[mention.end..].strip_prefix(", who "))
        .and_then(|rest| rest.split(|c: char| !c.is_alphabetic()).next())
        .is_some_and(|verb| gazetteer.group_verbs.contains(verb));
    // "Tom Tailor and the Half Moon" is a title.
    let title_goes_on = text[mention.end..]
        .strip_prefix(" and the ")
        .is_some_and(|rest| rest.starts_with(char::is_uppercase));
    before.is_some_and(|w| in_list(&gazetteer.work_nouns, w))
        || after.is_some_and(|w| in_list(&gazetteer.credit_nouns, w))
        || (!listed
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
}
