//! Stage 2 of ingest: article body → paragraphs.
//!
//! A paragraph is a byte range of the body, never a copy with changes, so that every offset
//! computed on it (entity spans, highlights) maps back to the source. Blank lines separate
//! paragraphs; hard-wrapped lines stay in one paragraph; surrounding white space is left out.

/// One paragraph: its position in the article and its byte range in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// 0-based position in the article.
    pub ordinal: usize,
    /// Byte offset of the first character in the body.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Paragraph {
    /// The paragraph's text: exactly `body[start..end]`.
    pub fn text<'a>(&self, body: &'a str) -> &'a str {
        &body[self.start..self.end]
    }
}

/// Longest paragraph, in bytes. A longer block (a file without blank lines, a 50 MB line) is
/// cut at sentence ends, so that a passage stays something a reader can take in and one
/// document never grows past what the index writer's memory budget holds.
pub const MAX_PARAGRAPH_BYTES: usize = 10_000;

/// Longest word that is plausibly text, in bytes. A longer run without white space (an
/// inline image, a hex dump) is cut where its passages are cut and cannot be searched
/// (the index keeps words of at most 40 bytes): ingest warns about it.
pub const MAX_WORD_BYTES: usize = 1_000;

/// The length in bytes of the longest run of `text` without white space.
pub fn longest_word(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Splits `body` into paragraphs at blank lines (lines holding only white space), cutting
/// blocks longer than [`MAX_PARAGRAPH_BYTES`] at sentence ends.
///
/// Every non-white-space byte of the body lands in exactly one paragraph. `\r\n` line ends are
/// handled like `\n`.
pub fn split(body: &str) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    let mut block: Option<(usize, usize)> = None;
    let mut line_start = 0;
    for line in body.split_inclusive('\n') {
        let line_end = line_start + line.len();
        if line.trim().is_empty() {
            if let Some((start, end)) = block.take() {
                push(&mut paragraphs, body, start, end);
            }
        } else {
            let start = block.map_or(line_start, |(start, _)| start);
            block = Some((start, line_end));
        }
        line_start = line_end;
    }
    if let Some((start, end)) = block {
        push(&mut paragraphs, body, start, end);
    }
    paragraphs
}

fn push(paragraphs: &mut Vec<Paragraph>, body: &str, mut start: usize, end: usize) {
    while end - start > MAX_PARAGRAPH_BYTES {
        let cut = start + cut_point(&body[start..end], MAX_PARAGRAPH_BYTES);
        push_trimmed(paragraphs, body, start, cut);
        start = cut;
    }
    push_trimmed(paragraphs, body, start, end);
}

/// Where to cut `text` so that the first part holds at most `limit` bytes: after the last
/// sentence end within the limit, else at the last white space, else at a character boundary.
fn cut_point(text: &str, limit: usize) -> usize {
    let mut boundary = limit;
    while !text.is_char_boundary(boundary) {
        boundary -= 1;
    }
    let window = &text[..boundary];
    let sentence_end = window
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?') && window[i + 1..].starts_with(|n: char| n.is_whitespace())
        })
        .map(|(i, _)| i + 1);
    let space = window.rfind(char::is_whitespace);
    match (sentence_end, space) {
        (Some(end), _) if end > limit / 2 => end,
        (_, Some(space)) if space > 0 => space,
        _ if boundary > 0 => boundary,
        // A single character longer than the limit cannot happen (limit ≥ 4 bytes).
        _ => text.len(),
    }
}

fn push_trimmed(paragraphs: &mut Vec<Paragraph>, body: &str, start: usize, end: usize) {
    let raw = &body[start..end];
    if raw.trim().is_empty() {
        return;
    }
    let leading = raw.len() - raw.trim_start().len();
    let trailing = raw.len() - raw.trim_end().len();
    paragraphs.push(Paragraph {
        ordinal: paragraphs.len(),
        start: start + leading,
        end: end - trailing,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_word_is_measured_in_bytes() {
        assert_eq!(longest_word("a bb\nccc"), 3);
        assert_eq!(longest_word(""), 0);
        assert_eq!(longest_word("é"), 2);
    }

    fn texts(body: &str) -> Vec<&str> {
        split(body).iter().map(|p| p.text(body)).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(
            texts("One.\n\nTwo.\n\n\n\nThree."),
            ["One.", "Two.", "Three."]
        );
    }

    #[test]
    fn hard_wrapped_lines_stay_in_one_paragraph() {
        assert_eq!(
            texts("A line\nwrapped here.\n\nNext."),
            ["A line\nwrapped here.", "Next."]
        );
    }

    #[test]
    fn crlf_and_stray_white_space() {
        let body = "  \r\n  One\r\n  wrapped. \r\n \t \r\nTwo.\r\n   ";
        assert_eq!(texts(body), ["One\r\n  wrapped.", "Two."]);
    }

    #[test]
    fn ordinals_and_offsets() {
        let body = "\n\nAlpha\n\nBeta";
        let paragraphs = split(body);
        assert_eq!(
            paragraphs[0],
            Paragraph {
                ordinal: 0,
                start: 2,
                end: 7
            }
        );
        assert_eq!(
            paragraphs[1],
            Paragraph {
                ordinal: 1,
                start: 9,
                end: 13
            }
        );
    }

    #[test]
    fn empty_and_blank_bodies_have_no_paragraphs() {
        assert!(split("").is_empty());
        assert!(split(" \n\t\n\r\n").is_empty());
    }

    #[test]
    fn unicode_white_space_and_multibyte_text() {
        let body = "\u{a0}Ünïcödé – text\u{2003}\n\n日本語";
        assert_eq!(texts(body), ["Ünïcödé – text", "日本語"]);
    }

    /// Every non-space byte is in exactly one paragraph, in order, for arbitrary inputs.
    #[test]
    fn no_text_is_lost_on_generated_inputs() {
        let pieces = [
            "word", " ", "\n", "\r\n", "\n\n", "\t", "é", "  \n  ", "—", "x\ny",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..2000 {
            let mut body = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let paragraphs = split(&body);
            let mut covered = vec![false; body.len()];
            let mut last_end = 0;
            for p in &paragraphs {
                assert!(p.start >= last_end && p.start < p.end, "{body:?}");
                assert!(body.is_char_boundary(p.start) && body.is_char_boundary(p.end));
                covered[p.start..p.end].iter_mut().for_each(|c| *c = true);
                last_end = p.end;
            }
            for (i, ch) in body.char_indices() {
                if !ch.is_whitespace() {
                    assert!(covered[i], "byte {i} of {body:?} lost");
                }
            }
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        }
    }

    #[test]
    fn overlong_blocks_are_cut_at_sentence_ends() {
        let sentence = "The port reopened after the strike ended. ";
        let body = sentence.repeat(1_000);
        let paragraphs = texts(&body);
        assert!(paragraphs.len() >= 4, "{}", paragraphs.len());
        for p in &paragraphs {
            assert!(p.len() <= MAX_PARAGRAPH_BYTES);
            assert!(p.starts_with("The port") && p.ends_with("ended."), "{p:?}");
        }
    }

    #[test]
    fn an_overlong_word_is_cut_at_a_character_boundary() {
        let body = "é".repeat(MAX_PARAGRAPH_BYTES);
        let paragraphs = split(&body);
        assert_eq!(paragraphs.len(), 2);
        assert!(paragraphs
            .iter()
            .all(|p| p.end - p.start <= MAX_PARAGRAPH_BYTES));
    }

    proptest::proptest! {
        #[test]
        fn paragraphs_cover_every_visible_character_once_and_stay_bounded(
            body in "([a-zé .!?\t]{0,40}(\r?\n){0,3}){0,60}",
            repeat in 1usize..400,
        ) {
            let body = body.repeat(repeat);
            let paragraphs = split(&body);
            let mut last_end = 0;
            let mut covered = vec![false; body.len()];
            for p in &paragraphs {
                proptest::prop_assert!(p.start >= last_end && p.start < p.end);
                proptest::prop_assert!(p.end - p.start <= MAX_PARAGRAPH_BYTES);
                proptest::prop_assert!(body.is_char_boundary(p.start) && body.is_char_boundary(p.end));
                covered[p.start..p.end].iter_mut().for_each(|c| *c = true);
                last_end = p.end;
            }
            for (i, ch) in body.char_indices() {
                proptest::prop_assert!(ch.is_whitespace() || covered[i], "byte {} lost", i);
            }
        }
    }
}
