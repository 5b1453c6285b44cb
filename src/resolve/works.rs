//! Names of works and bands read as people's: "the film Vera Smith", "Harry Smith star
//! Jane Doe". A name used so anywhere in the article is no person anywhere in it.

use rustc_hash::FxHashSet as HashSet;

use crate::extract::words::Word;
use crate::extract::{Kind, Mention};
use crate::gazetteer::{with_lower, Gazetteer};

/// Drops the person readings of every mention whose value the article uses as a work's
/// name, and the mentions left with no reading.
pub(super) fn drop_works(
    gazetteer: &Gazetteer,
    paragraph_words: &[Vec<Word<'_>>],
    mentions: &mut [Vec<Mention>],
) {
    let mut works: HashSet<String> = HashSet::default();
    for (words, paragraph) in paragraph_words.iter().zip(mentions.iter()) {
        for mention in paragraph {
            let Some(person) = mention.readings.iter().find(|r| r.kind == Kind::Person) else {
                continue;
            };
            if is_work(gazetteer, words, mention) {
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

/// Whether a work noun comes right before the mention ("the film Vera Smith") or a credit
/// noun right after it ("Vera Smith star Jane Doe").
fn is_work(gazetteer: &Gazetteer, words: &[Word<'_>], mention: &Mention) -> bool {
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
    before.is_some_and(|w| in_list(&gazetteer.work_nouns, w))
        || after.is_some_and(|w| in_list(&gazetteer.credit_nouns, w))
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
        // A possessive makes the work the person's.
        let author = article(&["Jane Doe's director praised her."]);
        assert_eq!(author[0].entities.persons, ["Jane Doe"]);
    }
}
