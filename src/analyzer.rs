//! How the `title` and `body` fields are cut into terms: tantivy's `en_stem` (words,
//! lowercased, English Snowball stems), with a cache of stems in front of the stemmer.
//!
//! Stemming was a seventh of the CPU time of an ingest, and news text repeats the same few
//! thousand words: a per-thread cache answers most words without running the stemmer. The
//! stems are tantivy's own (a miss asks tantivy's `Stemmer`), so an index written with the
//! cache reads the same as one written without it, and queries analyse alike.
//!
//! The cache belongs to the thread, not to the analyzer: tantivy clones an analyzer for
//! every field of every segment it writes, and a query clones one for each highlighter, so
//! a cache per analyzer would start empty over and over (highlighting then stemmed every
//! word of every hit afresh: a sixth of a warm query's time).

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::Index;

/// Name of the tokenizer of the text fields in `schema/index.json`.
pub const EN_STEM: &str = "en_stem";
/// Longest token kept, in bytes, as in tantivy's `en_stem`.
const LONGEST_TOKEN: usize = 40;
/// Words a cache remembers. The frequent words come early in any corpus, so a full cache
/// simply stops learning; this bounds it to about a MiB per thread.
const CACHED_WORDS: usize = 16 * 1024;

/// Puts lede's `en_stem` in place of tantivy's in `index`'s tokenizers.
pub fn register(index: &Index) {
    index.tokenizers().register(EN_STEM, en_stem());
}

/// The analyzer of the text fields: same terms as tantivy's `en_stem`, faster.
pub fn en_stem() -> TextAnalyzer {
    lowercased_words().filter(CachedStemmer).build()
}

/// Tantivy's own `en_stem`, without the cache: the reference [`en_stem`] must equal, for
/// tests and benchmarks.
pub fn tantivy_en_stem() -> TextAnalyzer {
    lowercased_words()
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The words of a text as [`en_stem`] sees them before stemming: split, lower-cased, the
/// overlong left out. Each word through [`stem`] gives `en_stem`'s term.
pub fn en_words() -> TextAnalyzer {
    lowercased_words().build()
}

/// Stems a word of [`en_words`] in place, as [`en_stem`] does (through the same cache).
pub fn stem(word: &mut String) {
    STEMS.with(|stems| stems.borrow_mut().stem_in_place(word));
}

/// The first character of a word of [`en_words`] is its stem's first character too:
/// English Snowball rewrites only suffixes (its regions start after a vowel and a
/// consonant), deletes "ed" or "ing" only after a vowel, and its whole-word exceptions
/// ("dying" → "die", "skies" → "sky") keep the initial. So a word can stem to a term only
/// if both start alike, and a highlighter need not stem the others.
pub fn stem_initial(word: &str) -> Option<char> {
    word.chars().next()
}

/// Words, without the overlong ones, lower-cased: what both analyzers stem.
fn lowercased_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_TOKEN))
        .filter(LowerCaser)
}

/// Token filter: replaces each (lowercased) word by its English stem, remembering stems.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

/// A tokenizer followed by [`CachedStemmer`].
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

thread_local! {
    /// This thread's stems (see the module's header).
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache::default());
}

/// Stems seen so far, and tantivy's stemmer for the others.
struct StemCache {
    stems: FxHashMap<Box<str>, Box<str>>,
    stemmer: TextAnalyzer,
}

impl Default for StemCache {
    fn default() -> StemCache {
        StemCache {
            stems: FxHashMap::default(),
            // One token for the whole input, stemmed: tantivy's stem of one word.
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl StemCache {
    fn stem_in_place(&mut self, word: &mut String) {
        if let Some(stem) = self.stems.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        let stem = self.stem_uncached(word);
        if self.stems.len() < CACHED_WORDS {
            self.stems
                .insert(word.as_str().into(), stem.as_str().into());
        }
        *word = stem;
    }

    fn stem_uncached(&mut self, word: &str) -> String {
        let mut stream = self.stemmer.token_stream(word);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            word.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut terms = Vec::new();
        while let Some(token) = stream.next() {
            terms.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        terms
    }

    const TEXT: &str = "Supplying weapons: the suppliers SUPPLIED Weapons, said \
        Pyongyang's generously-paid officials on Tuesday's running meetings. Ünïcödé ÉTATS \
        naïve cafés; a word-that-is-far-too-long-to-be-indexed-by-any-search-engine x";

    #[test]
    fn terms_are_tantivys_en_stem_terms_before_and_after_the_cache_warms() {
        let mut ours = en_stem();
        let expected = terms(&mut tantivy_en_stem(), TEXT);
        assert!(expected.iter().any(|t| t.0 == "suppli"));
        assert_eq!(terms(&mut ours, TEXT), expected, "cold cache");
        assert_eq!(terms(&mut ours, TEXT), expected, "warm cache");
    }

    #[test]
    fn a_full_cache_still_stems_new_words() {
        let mut cache = StemCache::default();
        for i in 0..CACHED_WORDS + 10 {
            cache.stem_in_place(&mut format!("w{i}ing"));
        }
        assert_eq!(cache.stems.len(), CACHED_WORDS);
        let mut word = "runnings".to_string();
        cache.stem_in_place(&mut word);
        assert_eq!(word, "run");
    }

    /// A word's stem starts with the word's first character (what highlighters rely on),
    /// for English Snowball's whole-word exceptions, its shortest rewrites, and any word.
    fn keeps_initial(word: &str) -> bool {
        let mut words = en_words();
        let mut stream = words.token_stream(word);
        while let Some(token) = stream.next() {
            let mut stemmed = token.text.clone();
            stem(&mut stemmed);
            if stem_initial(&stemmed) != stem_initial(&token.text) {
                return false;
            }
        }
        true
    }

    #[test]
    fn stems_keep_the_first_character_of_the_word() {
        for word in [
            "dying",
            "lying",
            "tying",
            "skies",
            "skis",
            "idly",
            "gently",
            "ugly",
            "early",
            "only",
            "singly",
            "ies",
            "aed",
            "aing",
            "eed",
            "ied",
            "ying",
            "yed",
            "yy",
            "ey",
            "'tis",
            "générale",
            "états",
        ] {
            assert!(keeps_initial(word), "{word}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_stem_keeps_the_first_character(word in "[a-zA-Zéü']{1,14}") {
            proptest::prop_assert!(keeps_initial(&word), "{}", word);
        }
    }
}
