//! Highlights and snippets, as data: byte ranges into the text, never markup.
//!
//! Highlighting analyses the passage with the index's own analyzer (lower-casing, English
//! stemming), so "supplying weapons" lights up for the query "weapons supply". The snippet is
//! the whole passage when it is short, else the window with the most matches.

use std::collections::BTreeSet;

use tantivy::tokenizer::TextAnalyzer;

/// Passages up to this many bytes are shown whole.
pub const WHOLE_PASSAGE_BYTES: usize = 320;
/// Target length of a snippet cut from a longer passage.
pub const SNIPPET_BYTES: usize = 240;

/// A fragment of a passage with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// Byte offset of the fragment in the passage.
    pub start: usize,
    /// Byte offset past the fragment's end.
    pub end: usize,
    /// Highlight ranges relative to the fragment.
    pub highlights: Vec<(usize, usize)>,
}

/// Finds the words of a text that match a query's analysed terms.
pub struct Highlighter {
    analyzer: TextAnalyzer,
    terms: BTreeSet<String>,
}

impl Highlighter {
    /// A highlighter for `terms` as produced by `analyzer` (the body field's).
    pub fn new(analyzer: TextAnalyzer, terms: BTreeSet<String>) -> Highlighter {
        Highlighter { analyzer, terms }
    }

    /// Byte ranges of the words of `text` whose analysed form is a query term, in order.
    pub fn highlights(&mut self, text: &str) -> Vec<(usize, usize)> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        let mut ranges = Vec::new();
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            if self.terms.contains(&token.text) {
                ranges.push((token.offset_from, token.offset_to));
            }
        }
        ranges
    }
}

/// The part of `text` to show: all of it when short, else about [`SNIPPET_BYTES`] around the
/// densest cluster of highlights, cut at word boundaries.
pub fn fragment(text: &str, highlights: &[(usize, usize)]) -> Fragment {
    if text.len() <= WHOLE_PASSAGE_BYTES {
        return Fragment {
            start: 0,
            end: text.len(),
            highlights: highlights.to_vec(),
        };
    }
    let (window_start, window_end) = densest_window(text, highlights, SNIPPET_BYTES);
    let start = word_start(text, window_start);
    let end = word_end(text, window_end);
    let highlights = highlights
        .iter()
        .filter(|(s, e)| *s >= start && *e <= end)
        .map(|(s, e)| (s - start, e - start))
        .collect();
    Fragment {
        start,
        end,
        highlights,
    }
}

/// The window of `width` bytes holding the most highlights, starting a little before the
/// first of them so that it reads as a sentence.
fn densest_window(text: &str, highlights: &[(usize, usize)], width: usize) -> (usize, usize) {
    let Some(&(first, _)) = highlights.first() else {
        return (0, width.min(text.len()));
    };
    let mut best = (first, 0usize);
    for (i, &(start, _)) in highlights.iter().enumerate() {
        let inside = highlights[i..]
            .iter()
            .take_while(|(_, e)| *e <= start + width)
            .count();
        if inside > best.1 {
            best = (start, inside);
        }
    }
    let lead = width / 5;
    let start = best.0.saturating_sub(lead);
    let end = (start + width).min(text.len());
    let start = end.saturating_sub(width).min(start);
    (start, end)
}

/// Moves `at` back to the start of the word it falls in (and onto a char boundary).
fn word_start(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match text[..at].rfind(char::is_whitespace) {
        Some(space) if at - space < 20 => {
            space + text[space..].chars().next().map_or(1, char::len_utf8)
        }
        _ if at < 20 => 0,
        _ => at,
    }
}

/// Moves `at` forward to the end of the word it falls in (and onto a char boundary).
fn word_end(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    match text[at..].find(char::is_whitespace) {
        Some(space) if space < 20 => at + space,
        None if text.len() - at < 20 => text.len(),
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer};

    fn en_stem() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::default())
            .build()
    }

    fn marked(text: &str, ranges: &[(usize, usize)]) -> Vec<String> {
        ranges
            .iter()
            .map(|(s, e)| text[*s..*e].to_string())
            .collect()
    }

    #[test]
    fn stems_match_other_word_forms() {
        let terms = ["weapon".to_string(), "suppli".to_string()]
            .into_iter()
            .collect();
        let mut highlighter = Highlighter::new(en_stem(), terms);
        let text = "Supplying weapons: the supply of armaments and Weapon supplies.";
        let ranges = highlighter.highlights(text);
        assert_eq!(
            marked(text, &ranges),
            ["Supplying", "weapons", "supply", "Weapon", "supplies"]
        );
    }

    #[test]
    fn short_passages_are_whole() {
        let f = fragment("short text", &[(0, 5)]);
        assert_eq!((f.start, f.end), (0, 10));
        assert_eq!(f.highlights, [(0, 5)]);
    }

    #[test]
    fn long_passages_are_cut_around_the_matches_at_word_boundaries() {
        let text = format!(
            "{} weapons supply here {}",
            "lorem ipsum ".repeat(60),
            "dolor sit ".repeat(60)
        );
        let at = text.find("weapons").unwrap();
        let f = fragment(&text, &[(at, at + 7), (at + 8, at + 14)]);
        let shown = &text[f.start..f.end];
        assert!(shown.len() <= SNIPPET_BYTES + 40, "{}", shown.len());
        assert!(shown.contains("weapons supply"));
        assert!(!shown.starts_with(' ') && !shown.ends_with(' '));
        assert_eq!(marked(shown, &f.highlights), ["weapons", "supply"]);
    }

    #[test]
    fn cutting_never_splits_a_character() {
        let text = "é".repeat(400);
        let f = fragment(&text, &[(300, 302)]);
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
    }
}
