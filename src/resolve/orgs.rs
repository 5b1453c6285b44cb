//! One company across the article: `Smithville Widget Corp <SWC>` introduces a company that
//! the article then calls "Smithville Widget", "Smithville" or "SWC". Reuters and most
//! business news name a company in full once, with its legal form or ticker, and by a short
//! form after.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use super::Overlaps;
use crate::extract::words::Word;
use crate::extract::{Evidence, Kind, Mention, Reading};
use crate::gazetteer::Gazetteer;

/// Shortest one-word short form, in bytes: "GE" is a ticker, not a short form.
const MIN_SHORT_FORM: usize = 3;

/// Finds the companies the article introduces with a legal form or a ticker, and marks the
/// later (or earlier) uses of their short forms that no other mention covers.
pub(super) fn add_company_aliases(
    gazetteer: &Gazetteer,
    texts: &[&str],
    paragraph_words: &[Vec<Word<'_>>],
    mentions: &mut [Vec<Mention>],
) {
    // Short form (one word, or the whole value) -> the company's value.
    let mut short: HashMap<String, String> = HashMap::default();
    for (text, paragraph) in texts.iter().zip(mentions.iter()) {
        for mention in paragraph {
            let Some(org) = mention
                .readings
                .iter()
                .find(|r| matches!(r.evidence, Evidence::OrgWord | Evidence::Ticker))
            else {
                continue;
            };
            let surface = &text[mention.start..mention.end];
            let company = org.evidence == Evidence::Ticker || surface != org.value;
            if !company {
                continue;
            }
            let value = org.value.to_string();
            if let Some(ticker) = ticker_after(&text[mention.end..]) {
                short.entry(ticker.to_string()).or_insert(value.clone());
            }
            let first = value.split(' ').next().unwrap_or_default();
            let first = first
                .strip_suffix("'s")
                .or_else(|| first.strip_suffix("’s"))
                .unwrap_or(first);
            let distinctive = first.len() >= MIN_SHORT_FORM
                && first.starts_with(char::is_uppercase)
                && !gazetteer.is_plain_word(first)
                && !gazetteer.given_names.contains(first)
                && !gazetteer.is_company_word(first);
            if distinctive {
                short.entry(first.to_string()).or_insert(value.clone());
            }
        }
    }
    if short.is_empty() {
        return;
    }
    for ((text, words), paragraph) in texts.iter().zip(paragraph_words).zip(mentions.iter_mut()) {
        // The aliases pushed here lie on words of their own: no later word overlaps them.
        let overlaps = Overlaps::of(paragraph);
        for (i, word) in words.iter().enumerate() {
            let Some(org) = short.get(word.text) else {
                continue;
            };
            // One word on its own: not the start or end of a longer capitalised name.
            let joined_capital = |w: &Word<'_>| w.is_capitalised();
            let longer = (i > 0 && words[i - 1].joined_to_next && joined_capital(&words[i - 1]))
                || (word.joined_to_next
                    && !word.possessive
                    && words.get(i + 1).is_some_and(joined_capital));
            // The ticker in "<SWC>" is part of the introduction, not a use of its own.
            let bracketed = text[..word.start].ends_with('<');
            if longer || bracketed || overlaps.first(paragraph, word.start, word.end).is_some() {
                continue;
            }
            // "Boatwright's" short for "Boatwright's Bancshares" keeps its "'s".
            let first_is_possessive = org
                .split(' ')
                .next()
                .is_some_and(|first| first.ends_with("'s") || first.ends_with("’s"));
            let end = if word.possessive && first_is_possessive {
                let after = &text[word.end..];
                word.end
                    + ["'s", "’s"]
                        .iter()
                        .find(|m| after.starts_with(**m))
                        .map_or(0, |m| m.len())
            } else {
                word.end
            };
            paragraph.push(Mention {
                start: word.start,
                end,
                readings: vec![Reading {
                    kind: Kind::Org,
                    value: Cow::Owned(org.clone()),
                    country: None,
                    evidence: Evidence::ArticleAlias,
                }],
            });
        }
        paragraph.sort_by_key(|m| m.start);
    }
}

/// `" <SWC>"` → `SWC`: the ticker right after a company's name.
fn ticker_after(after: &str) -> Option<&str> {
    let inner = after.strip_prefix(" <")?;
    let close = inner.bytes().take(9).position(|b| b == b'>')?;
    let ticker = &inner[..close];
    let well_formed = ticker.len() >= 2
        && ticker
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.');
    well_formed.then_some(ticker)
}

#[cfg(test)]
mod tests {
    use super::super::tests::article;

    #[test]
    fn short_forms_of_a_company_the_article_introduces_are_that_company() {
        let resolved = article(&[
            "Smithville Widget Corp <SWC> said profits rose.",
            "Smithville said SWC shares would be split.",
            "Widget sales rose at Boatwright's Bancshares Inc and Boatwright's said so.",
        ]);
        assert_eq!(resolved[1].entities.orgs, ["Smithville Widget"]);
        assert_eq!(
            resolved[1]
                .mentions
                .iter()
                .filter(|m| m.value == "Smithville Widget")
                .count(),
            2
        );
        assert_eq!(resolved[2].entities.orgs, ["Boatwright's Bancshares"]);
        assert_eq!(
            resolved[2]
                .mentions
                .iter()
                .filter(|m| m.value == "Boatwright's Bancshares")
                .count(),
            2,
            "{:?}",
            resolved[2]
        );
    }
}
