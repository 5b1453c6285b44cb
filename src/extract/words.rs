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

/// Start value of [`hash_lower_byte`] hashes.
pub(crate) const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// One step of an FNV-1a hash of ASCII-lower-cased text, so that "Minister" and "minister"
/// hash alike without building the lower-cased word.
pub(crate) fn hash_lower_byte(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
}

/// The [`hash_lower_byte`] hash of a whole word.
pub(crate) fn hash_lower(text: &str) -> u64 {
    text.bytes().fold(HASH_SEED, hash_lower_byte)
}

/// A set of word hashes as a bitmap: it may say yes for a word never inserted (rarely, by
/// a hash clash), never no for one inserted. Checking it first saves the far slower
/// look-ups of words that are in no list, which are most words.
pub(crate) struct WordBits {
    bits: Vec<u64>,
    shift: u32,
}

impl WordBits {
    /// An empty set of `2^log2_bits` bits.
    pub(crate) fn new(log2_bits: u32) -> WordBits {
        let log2_bits = log2_bits.clamp(6, 32);
        WordBits {
            bits: vec![0; 1 << (log2_bits - 6)],
            shift: 64 - log2_bits,
        }
    }

    fn slot(&self, hash: u64) -> (usize, u64) {
        let bit = (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        (bit >> 6, 1 << (bit & 63))
    }

    /// Adds a hash.
    pub(crate) fn insert(&mut self, hash: u64) {
        let (word, mask) = self.slot(hash);
        self.bits[word] |= mask;
    }

    /// False only when `hash` was never inserted.
    pub(crate) fn may_contain(&self, hash: u64) -> bool {
        let (word, mask) = self.slot(hash);
        self.bits[word] & mask != 0
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text` into words. A word is a run of letters and digits, with inner apostrophes,
/// inner dots ("U.S."), and hyphens ("Jong-un", "Russian-made", and double names such as
/// "Leigh-Pemberton" when the word is capitalised).
pub fn words(text: &str) -> Vec<Word<'_>> {
    let scanner = Scanner {
        text,
        bytes: text.as_bytes(),
    };
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut at = 0;
    while let Some((start, first)) = scanner.next_word_start(at) {
        let end = scanner.word_end(start, first);
        out.push(word_over(text, start, end));
        at = end;
    }
    out
}

/// A text read byte by byte: ASCII bytes are most of any news text, so only the others are
/// decoded.
struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
}

impl Scanner<'_> {
    /// The character at byte `at`, which must be a character boundary.
    fn char_at(&self, at: usize) -> Option<char> {
        match self.bytes.get(at) {
            Some(&byte) if byte.is_ascii() => Some(char::from(byte)),
            Some(_) => self.text[at..].chars().next(),
            None => None,
        }
    }

    /// The first letter or digit at or after byte `at`, and where it is.
    fn next_word_start(&self, mut at: usize) -> Option<(usize, char)> {
        while let Some(&byte) = self.bytes.get(at) {
            // Spaces and punctuation between words, without decoding.
            if byte.is_ascii() && !byte.is_ascii_alphanumeric() {
                at += 1;
                continue;
            }
            let first = self.char_at(at)?;
            if first.is_alphanumeric() {
                return Some((at, first));
            }
            at += first.len_utf8();
        }
        None
    }

    /// Where the word that starts at `start` with `first` ends, with the dot closing an
    /// initialism ("U.S.") and any possessive still in it.
    fn word_end(&self, start: usize, first: char) -> usize {
        let capitalised = first.is_uppercase();
        let mut end = start + first.len_utf8();
        // Where the word's part after its last dot starts. A dot joins the word only after
        // an initialism, so the word is one when that part is ("U.S" after "U"): checking
        // only the part keeps a long chain of initials from costing the square of its length.
        let mut part = start;
        loop {
            // Letters and digits of ASCII words in one tight loop; the rest below.
            while self.bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            // Most words end at a space or punctuation that cannot continue them.
            if self
                .bytes
                .get(end)
                .is_none_or(|&b| b.is_ascii() && !matches!(b, b'\'' | b'.' | b'-'))
            {
                break;
            }
            let Some(c) = self.char_at(end) else { break };
            if !self.continues(part, end, c, capitalised) {
                break;
            }
            if c == '.' {
                part = end + 1;
            }
            end += c.len_utf8();
        }
        // A dot closing an initialism ("U.S.") belongs to it.
        if self.char_at(end) == Some('.') && is_initialism(&self.text[part..end]) {
            end += 1;
        }
        end
    }

    /// Whether `c`, at byte `end` after a word whose last part runs from `part`, continues
    /// it: a letter or digit, an apostrophe or an initialism's dot before a letter, or a
    /// hyphen before a lower-case letter (or before a capital in a capitalised word).
    fn continues(&self, part: usize, end: usize, c: char, capitalised: bool) -> bool {
        let next = self.char_at(end + c.len_utf8());
        c.is_alphanumeric()
            || (is_apostrophe(c) && next.is_some_and(char::is_alphabetic))
            || (c == '.'
                && next.is_some_and(char::is_alphabetic)
                && is_initialism(&self.text[part..end]))
            || (c == '-'
                && next.is_some_and(|n| n.is_lowercase() || (n.is_uppercase() && capitalised)))
    }
}

/// The word over `text[start..end]`, without a possessive `'s` or a closing apostrophe.
fn word_over(text: &str, start: usize, end: usize) -> Word<'_> {
    let mut word = &text[start..end];
    let mut possessive = false;
    if word.ends_with(['s', 'S']) {
        for suffix in ["'s", "’s", "'S", "’S"] {
            if let Some(stem) = word.strip_suffix(suffix) {
                if !stem.is_empty() {
                    word = stem;
                    possessive = true;
                }
            }
        }
    }
    if !possessive && word.ends_with(['\'', '’']) {
        word = &word[..word.len() - word.chars().next_back().map_or(0, char::len_utf8)];
    }
    let after = &text[end..];
    let joined_to_next =
        after.starts_with(' ') && after[1..].starts_with(|c: char| c.is_alphanumeric());
    Word {
        text: word,
        start,
        end: start + word.len(),
        joined_to_next,
        possessive,
    }
}

/// True when `token` (text before a dot) looks like part of an initialism: single letters
/// between dots ("U", "U.S").
fn is_initialism(token: &str) -> bool {
    token.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
    })
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
                "Kim",
                "Jong-un",
                "U.S.",
                "trip",
                "the",
                "Putin-Kim",
                "meeting",
                "and",
                "People",
                "Army"
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
    fn long_chains_of_initials_are_one_word() {
        let chain = "A.".repeat(5_000);
        let found = words(&chain);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, chain);
        assert_eq!(
            texts("U.S.A.B and U.Sx.Y."),
            ["U.S.A.B", "and", "U.Sx", "Y."]
        );
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
