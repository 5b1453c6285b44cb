//! Output, in one place: text for people, JSON and TREC runs for programs. Both render the same data
//! types (`QueryResponse`, `Stats`, analysed articles); nothing else in the library prints.

pub mod csv;
pub mod json;
pub mod text;
pub mod trec;

/// Characters that change how text around them is shown without being seen themselves:
/// bidirectional overrides and isolates (which can make a terminal show text backwards),
/// zero-width spaces and joiners, the word joiner, invisible operators and the byte-order
/// mark. Renderers never pass them on raw.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// Characters that end a line without being `\n`: the Unicode line and paragraph
/// separators, which some terminals and JavaScript readers take as line breaks.
pub fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}
