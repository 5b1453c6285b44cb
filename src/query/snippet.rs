//! Highlights and snippets, as data: byte ranges into the text, never markup.
//!
//! Highlighting analyses the passage with the index's own analyzer (lower-casing, English
//! stemming), so "supplying weapons" lights up for the query "weapons supply". A phrase
//! lights up only where its words stand together. The snippet is the whole passage when it
//! is short; else the window with the most matches, plus up to two more windows when other
//! matches lie far from it.

use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer;

use super::plan::{FieldHighlights, HighlightSpec};

/// Passages up to this many bytes are shown whole.
pub const WHOLE_PASSAGE_BYTES: usize = 320;
/// Length of a snippet cut from a longer passage, all fragments together.
pub const SNIPPET_BYTES: usize = 280;
/// Most fragments in one snippet.
pub const MAX_FRAGMENTS: usize = 3;
/// What joins fragments in the snippet text.
pub const FRAGMENT_SEPARATOR: &str = " … ";

/// A snippet: one or more fragments of a passage, with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The fragments joined by [`FRAGMENT_SEPARATOR`].
    pub text: String,
    /// Highlight ranges in `text`.
    pub highlights: Vec<(usize, usize)>,
    /// Byte ranges of the fragments in the passage.
    pub fragments: Vec<(usize, usize)>,
}

/// Finds the words of a text that match a query.
pub struct Highlighter {
    /// The text's words, not yet stemmed.
    words: TextAnalyzer,
    spec: HighlightSpec,
    /// The first characters of every word the spec marks (see [`analyzer::stem_initial`]):
    /// only words starting so are stemmed. `None` stems every word.
    initials: Option<Vec<char>>,
}

/// The highlighters of a passage's two fields: the article title and the paragraph, each
/// marking what the query asks of its field.
pub struct PassageHighlighter {
    /// Marks the title.
    pub title: Highlighter,
    /// Marks the paragraph.
    pub body: Highlighter,
}

impl PassageHighlighter {
    /// Highlighters for `specs`.
    pub fn new(specs: &FieldHighlights) -> PassageHighlighter {
        PassageHighlighter {
            title: Highlighter::new(specs.title.clone()),
            body: Highlighter::new(specs.body.clone()),
        }
    }
}

impl Highlighter {
    /// A highlighter for `spec`, reading words as the index's analyzer does
    /// ([`analyzer::en_words`], then [`analyzer::stem`]).
    pub fn new(spec: HighlightSpec) -> Highlighter {
        let marked = spec
            .terms
            .iter()
            .chain(&spec.prefixes)
            .chain(spec.phrases.iter().flat_map(|(words, _)| words));
        let initials = marked
            .map(|word| analyzer::stem_initial(word))
            .collect::<Option<Vec<char>>>();
        Highlighter {
            words: analyzer::en_words(),
            spec,
            initials,
        }
    }

    /// Byte ranges of the matched words of `text`, in order, without overlaps.
    pub fn highlights(&mut self, text: &str) -> Vec<(usize, usize)> {
        let spec = &self.spec;
        if spec.terms.is_empty() && spec.prefixes.is_empty() && spec.phrases.is_empty() {
            return Vec::new();
        }
        // Each token's byte range and whether a word or prefix marks it; the analysed words
        // themselves are kept only when a phrase needs them in order: a copy of every word
        // of every shown passage made warm queries 4% slower.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut marked = Vec::new();
        let mut words = Vec::new();
        // Words that cannot stem to a marked word are left unstemmed: they match nothing
        // either way, and stemming every word of ten passages was a tenth of a cold query.
        let mut stream = self.words.token_stream(text);
        while stream.advance() {
            let may_mark = may_mark(self.initials.as_deref(), &stream.token().text);
            let token = stream.token_mut();
            if may_mark {
                analyzer::stem(&mut token.text);
            }
            spans.push((token.offset_from, token.offset_to));
            marked.push(
                may_mark
                    && (spec.terms.contains(&token.text)
                        || spec
                            .prefixes
                            .iter()
                            .any(|p| token.text.starts_with(p.as_str()))),
            );
            if !spec.phrases.is_empty() {
                words.push(token.text.clone());
            }
        }
        marked_spans(spec, spans, &words, marked)
    }
}

/// The spans of the words marked alone (`marked`) or, among `words`, by a phrase of `spec`.
fn marked_spans(
    spec: &HighlightSpec,
    spans: Vec<(usize, usize)>,
    words: &[String],
    mut marked: Vec<bool>,
) -> Vec<(usize, usize)> {
    for (phrase, slop) in &spec.phrases {
        mark_phrase(words, phrase, *slop as usize, &mut marked);
    }
    spans
        .into_iter()
        .zip(marked)
        .filter(|(_, m)| *m)
        .map(|(span, _)| span)
        .collect()
}

/// Whether `word` (lower-cased, not stemmed) may stem to a marked word starting with one
/// of `initials` (all may when `None`).
fn may_mark(initials: Option<&[char]>, word: &str) -> bool {
    match (initials, analyzer::stem_initial(word)) {
        (Some(initials), Some(initial)) => initials.contains(&initial),
        _ => true,
    }
}

/// Marks every occurrence of a phrase: its words in order, with at most `slop` other words
/// in between in all.
fn mark_phrase(tokens: &[String], words: &[String], slop: usize, marked: &mut [bool]) {
    if words.is_empty() {
        return;
    }
    for start in 0..tokens.len() {
        if tokens[start] != words[0] {
            continue;
        }
        let mut found = vec![start];
        let mut at = start;
        for word in &words[1..] {
            let limit = (start + words.len() + slop).min(tokens.len());
            match (at + 1..limit).find(|&j| tokens[j] == *word) {
                Some(j) => {
                    found.push(j);
                    at = j;
                }
                None => break,
            }
        }
        if found.len() == words.len() {
            for i in found {
                marked[i] = true;
            }
        }
    }
}

/// The snippet of `text` for `highlights`.
pub fn snippet(text: &str, highlights: &[(usize, usize)]) -> Snippet {
    if text.len() <= WHOLE_PASSAGE_BYTES {
        return Snippet {
            text: text.to_string(),
            highlights: highlights.to_vec(),
            fragments: vec![(0, text.len())],
        };
    }
    let windows = choose_windows(text, highlights);
    let mut out = Snippet {
        text: String::new(),
        highlights: Vec::new(),
        fragments: Vec::new(),
    };
    for (start, end) in windows {
        if !out.text.is_empty() {
            out.text.push_str(FRAGMENT_SEPARATOR);
        }
        let shift = out.text.len();
        out.text.push_str(&text[start..end]);
        out.highlights.extend(
            highlights
                .iter()
                .filter(|(s, e)| *s >= start && *e <= end)
                .map(|(s, e)| (s - start + shift, e - start + shift)),
        );
        out.fragments.push((start, end));
    }
    out
}

/// One window around the densest cluster of highlights when it holds them all; else up to
/// [`MAX_FRAGMENTS`] narrower windows, each around the densest cluster left outside the
/// others. Windows are cut at word boundaries and returned in text order.
fn choose_windows(text: &str, highlights: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let outside = |window: (usize, usize), (s, e): (usize, usize)| e <= window.0 || s >= window.1;
    let cut = |(s, e): (usize, usize)| (word_start(text, s), word_end(text, e));
    let whole = cut(densest_window(text, highlights, SNIPPET_BYTES));
    if highlights.iter().all(|&h| !outside(whole, h)) {
        return vec![whole];
    }
    let mut windows: Vec<(usize, usize)> = Vec::new();
    let mut left = highlights.to_vec();
    while !left.is_empty() && windows.len() < MAX_FRAGMENTS {
        let window = cut(densest_window(text, &left, SNIPPET_BYTES / 2));
        left.retain(|&h| outside(window, h));
        windows.push(window);
    }
    windows.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in windows {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
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
    use crate::analyzer::en_stem;
    use proptest::prelude::*;

    fn marked(text: &str, ranges: &[(usize, usize)]) -> Vec<String> {
        ranges
            .iter()
            .map(|(s, e)| text[*s..*e].to_string())
            .collect()
    }

    fn spec(terms: &[&str], phrases: &[(&[&str], u32)]) -> HighlightSpec {
        HighlightSpec {
            terms: terms.iter().map(|t| t.to_string()).collect(),
            prefixes: Default::default(),
            phrases: phrases
                .iter()
                .map(|(words, slop)| (words.iter().map(|w| w.to_string()).collect(), *slop))
                .collect(),
        }
    }

    #[test]
    fn stems_match_other_word_forms() {
        let mut h = Highlighter::new(spec(&["weapon", "suppli"], &[]));
        let text = "Supplying weapons: the supply of armaments and Weapon supplies.";
        assert_eq!(
            marked(text, &h.highlights(text)),
            ["Supplying", "weapons", "supply", "Weapon", "supplies"]
        );
    }

    #[test]
    fn a_phrase_lights_up_only_where_its_words_stand_together() {
        let mut h = Highlighter::new(spec(&[], &[(&["weapon", "suppli"], 0)]));
        let text = "The weapons supply grew; a supply of food and weapons.";
        assert_eq!(marked(text, &h.highlights(text)), ["weapons", "supply"]);
        let mut sloppy = Highlighter::new(spec(&[], &[(&["weapon", "suppli"], 2)]));
        let text = "weapons and their supply; supply then weapons";
        assert_eq!(
            marked(text, &sloppy.highlights(text)),
            ["weapons", "supply"]
        );
    }

    #[test]
    fn prefixes_match_word_starts() {
        let mut h = Highlighter::new(HighlightSpec {
            prefixes: ["comput".to_string()].into_iter().collect(),
            ..Default::default()
        });
        let text = "Computers compute; a computation.";
        assert_eq!(
            marked(text, &h.highlights(text)),
            ["Computers", "compute", "computation"]
        );
    }

    #[test]
    fn short_passages_are_whole() {
        let s = snippet("short text", &[(0, 5)]);
        assert_eq!(s.text, "short text");
        assert_eq!(s.highlights, [(0, 5)]);
        assert_eq!(s.fragments, [(0, 10)]);
    }

    #[test]
    fn long_passages_are_cut_around_the_matches_at_word_boundaries() {
        let text = format!(
            "{} weapons supply here {}",
            "lorem ipsum ".repeat(60),
            "dolor sit ".repeat(60)
        );
        let at = text.find("weapons").unwrap();
        let s = snippet(&text, &[(at, at + 7), (at + 8, at + 14)]);
        assert_eq!(s.fragments.len(), 1);
        assert!(s.text.len() <= SNIPPET_BYTES + 40, "{}", s.text.len());
        assert!(s.text.contains("weapons supply"));
        assert!(!s.text.starts_with(' ') && !s.text.ends_with(' '));
        assert_eq!(marked(&s.text, &s.highlights), ["weapons", "supply"]);
    }

    #[test]
    fn far_apart_matches_get_their_own_fragments() {
        let text = format!(
            "weapons {} supply {} weapons",
            "x ".repeat(300),
            "y ".repeat(300)
        );
        let hl: Vec<(usize, usize)> = ["weapons", "supply"]
            .iter()
            .flat_map(|w| {
                text.match_indices(w)
                    .map(|(i, m)| (i, i + m.len()))
                    .collect::<Vec<_>>()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let s = snippet(&text, &hl);
        assert_eq!(s.fragments.len(), 3, "{:?}", s.fragments);
        assert_eq!(
            marked(&s.text, &s.highlights),
            ["weapons", "supply", "weapons"]
        );
        assert!(s.text.contains(FRAGMENT_SEPARATOR));
    }

    #[test]
    fn cutting_never_splits_a_character() {
        let text = "é".repeat(400);
        let s = snippet(&text, &[(300, 302)]);
        for (start, end) in s.fragments {
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }

    /// Highlights found the plain way: every word stemmed by the index's analyzer.
    fn every_word_stemmed(spec: &HighlightSpec, text: &str) -> Vec<(usize, usize)> {
        let mut analyzer = en_stem();
        let mut stream = analyzer.token_stream(text);
        let mut spans = Vec::new();
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            spans.push((token.offset_from, token.offset_to));
            words.push(token.text.clone());
        }
        let marked: Vec<bool> = words
            .iter()
            .map(|w| spec.terms.contains(w) || spec.prefixes.iter().any(|p| w.starts_with(p)))
            .collect();
        marked_spans(spec, spans, &words, marked)
    }

    /// Words whose stems differ most from them, and some that are not English.
    const WORDS: &[&str] = &[
        "dying",
        "lying",
        "tying",
        "skies",
        "skis",
        "early",
        "only",
        "idly",
        "gently",
        "ugly",
        "singly",
        "news",
        "ies",
        "aed",
        "aing",
        "eyed",
        "yelling",
        "y",
        "yes",
        "by",
        "cries",
        "ties",
        "supplying",
        "Supplies",
        "weapons",
        "generously",
        "communism",
        "arsenal",
        "happily",
        "Ünïcödé",
        "ÉTATS",
        "naïve",
        "cafés",
        "a",
        "I",
        "ok",
        "1987",
        "mr",
    ];

    fn stemmed(word: &str) -> String {
        let mut analyzer = en_stem();
        let mut stream = analyzer.token_stream(word);
        stream.next().map(|t| t.text.clone()).unwrap_or_default()
    }

    proptest! {
        /// Stemming only the words that start like a marked word marks what stemming every
        /// word marks: terms, prefixes and phrases drawn from the text's own stems.
        #[test]
        fn stemming_only_likely_words_marks_the_same(
            text_words in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(WORDS).prop_map(str::to_string),
                    "[a-zA-Zé]{1,9}",
                ],
                1..24,
            ),
            picks in proptest::collection::vec((0usize..24, 0usize..4), 0..4),
            phrase in proptest::option::of((0usize..24, 0u32..2)),
        ) {
            let text = text_words.join(" ");
            let stems: Vec<String> = text_words.iter().map(|w| stemmed(w)).collect();
            let mut spec = HighlightSpec::default();
            for (i, how) in picks {
                let stem = &stems[i % stems.len()];
                match how {
                    0 | 1 => { spec.terms.insert(stem.clone()); }
                    2 => { spec.prefixes.insert(stem.chars().take(2).collect()); }
                    _ => { spec.terms.insert(format!("{stem}x")); }
                }
            }
            if let Some((i, slop)) = phrase {
                let i = i % stems.len();
                let next = stems.get(i + 1).cloned().unwrap_or_else(|| "weapon".into());
                spec.phrases.push((vec![stems[i].clone(), next], slop));
            }
            let mut highlighter = Highlighter::new(spec.clone());
            prop_assert_eq!(highlighter.highlights(&text), every_word_stemmed(&spec, &text));
        }
    }
}
