//! Words of a paragraph with their byte spans, as the name rules see them.
//!
//! Unlike the search tokenizer, this keeps case, apostrophes ("People's", "O'Brien") and
//! lower-case hyphen parts of names ("Jong-un"), and records what separates a word from the
//! next one, because "Kim Jong Un, the leader" and "Kim. Jong" must read differently.

/// A word and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word without a possessive `'s`.
    pub text: &'a str,
    /// Byte offset in the paragraph.
    pub start: usize,
    /// Byte offset past the word (before any possessive).
    pub end: usize,
    /// True when only one space separates this word from the next (a possessive does not
    /// count as a separator: "People's Army" is joined).
    pub joined_to_next: bool,
    /// True when a possessive `'s` followed the word.
    pub possessive: bool,
}

impl Word<'_> {
    /// Starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// A single capital letter, with or without a dot: an initial ("D." in "Franklin D.").
    pub fn is_initial(&self) -> bool {
        let mut chars = self.text.chars();
        chars.next().is_some_and(char::is_uppercase) && matches!(chars.as_str(), "" | ".")
    }

    /// Has letters, all upper case ("NATO", "U.S.").
    pub fn is_all_caps(&self) -> bool {
        let mut letters = self.text.chars().filter(|c| c.is_alphabetic()).peekable();
        letters.peek().is_some() && letters.all(char::is_uppercase)
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text` into words. A word is a run of letters and digits, with inner apostrophes,
/// inner dots ("U.S."), and hyphens when the part after the hyphen is lower case ("Jong-un",
/// "Russian-made"); a capitalised part after a hyphen starts a new word ("Putin-Kim").
pub fn words(text: &str) -> Vec<Word<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let next = chars.get(j + 1).map(|&(_, c)| c);
            let continues = c.is_alphanumeric()
                || (is_apostrophe(c) && next.is_some_and(char::is_alphabetic))
                || (c == '.'
                    && next.is_some_and(char::is_alphabetic)
                    && is_initialism(&chars, i, j))
                || (c == '-' && next.is_some_and(char::is_lowercase));
            if !continues {
                break;
            }
            j += 1;
        }
        // A dot closing an initialism ("U.S.") belongs to it.
        if chars.get(j).is_some_and(|&(_, c)| c == '.') && is_initialism(&chars, i, j) {
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(offset, _)| offset);
        let mut word = &text[start..end];
        let mut possessive = false;
        for suffix in ["'s", "’s", "'S", "’S"] {
            if let Some(stem) = word.strip_suffix(suffix) {
                if !stem.is_empty() {
                    word = stem;
                    possessive = true;
                }
            }
        }
        if !possessive && word.ends_with(['\'', '’']) {
            word = &word[..word.len() - 1];
        }
        let after = &text[end..];
        let joined_to_next =
            after.starts_with(' ') && after[1..].starts_with(|c: char| c.is_alphanumeric());
        out.push(Word {
            text: word,
            start,
            end: start + word.len(),
            joined_to_next,
            possessive,
        });
        i = j;
    }
    out
}

/// True when `chars[from..dot]` looks like part of an initialism: single letters between dots.
fn is_initialism(chars: &[(usize, char)], from: usize, dot: usize) -> bool {
    chars[from..dot]
        .split(|&(_, c)| c == '.')
        .all(|part| part.len() == 1 && part[0].1.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        words(text).iter().map(|w| w.text).collect()
    }

    #[test]
    fn names_initialisms_possessives_and_hyphens() {
        assert_eq!(
            texts("Kim Jong-un’s U.S. trip, the Putin-Kim meeting and People's Army."),
            [
                "Kim", "Jong-un", "U.S.", "trip", "the", "Putin", "Kim", "meeting", "and",
                "People", "Army"
            ]
        );
    }

    #[test]
    fn spans_point_at_the_words() {
        let text = "Mr. O'Brien’s view";
        for word in words(text) {
            assert_eq!(&text[word.start..word.end], word.text);
        }
        assert_eq!(texts(text), ["Mr", "O'Brien", "view"]);
    }

    #[test]
    fn joined_means_one_space_and_no_punctuation() {
        let w = words("Vladimir Putin, the president");
        assert!(w[0].joined_to_next);
        assert!(!w[1].joined_to_next);
        assert!(w[2].joined_to_next);
    }

    #[test]
    fn odd_input_does_not_break_it() {
        for text in [
            "",
            "'",
            "-",
            "...",
            "a-",
            "'s",
            "U.",
            "é’",
            "\u{0}\u{1b}[31m",
        ] {
            for word in words(text) {
                assert_eq!(&text[word.start..word.end], word.text);
            }
        }
    }
}
