//! Plain-text articles: an optional title line, an optional `By NAME` byline, then the body.

use crate::article::Article;

/// Longest line still read as a title or byline.
const MAX_HEADER_CHARS: usize = 200;
/// More words than this and a first line reads like a sentence, not a headline.
const MAX_TITLE_WORDS: usize = 25;

/// Reads a `.txt` article. The first line is the title when a blank line follows it and it
/// does not read like a sentence; a `By NAME` line at the top becomes the author. Both are
/// left out of the body; everything else is the body, unchanged.
pub(super) fn parse(content: &str, source: String) -> Article {
    let mut title = None;
    let mut author = None;
    let mut rest = skip_blank_lines(content);
    // At most two header blocks: title then byline, or a byline alone.
    for _ in 0..2 {
        let Some((line, after)) = single_line_block(rest) else {
            break;
        };
        if author.is_none() {
            if let Some(name) = byline(line) {
                author = Some(name);
                rest = skip_blank_lines(after);
                continue;
            }
        }
        if title.is_none() && author.is_none() && reads_like_title(line) {
            title = Some(line.trim().to_string());
            rest = skip_blank_lines(after);
            continue;
        }
        break;
    }
    Article {
        id: source.clone(),
        title,
        author,
        date: None,
        url: None,
        origin: source.clone(),
        source,
        body: rest.to_string(),
    }
}

/// Drops leading lines that hold only white space.
fn skip_blank_lines(text: &str) -> &str {
    let mut rest = text;
    while let Some(newline) = rest.find('\n') {
        if rest[..newline].trim().is_empty() {
            rest = &rest[newline + 1..];
        } else {
            break;
        }
    }
    if rest.trim().is_empty() {
        ""
    } else {
        rest
    }
}

/// When `text` starts with a one-line block (a line followed by a blank line), returns that
/// line and what follows it.
fn single_line_block(text: &str) -> Option<(&str, &str)> {
    let newline = text.find('\n')?;
    let line = &text[..newline];
    let after = &text[newline + 1..];
    let next_line = after.split('\n').next().unwrap_or("");
    if next_line.trim().is_empty() && !line.trim().is_empty() {
        Some((line, after))
    } else {
        None
    }
}

/// `By Athena Papakosta` → `Athena Papakosta`. The name must be short and capitalised.
fn byline(line: &str) -> Option<String> {
    let line = line.trim();
    let name = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))
        .or_else(|| line.strip_prefix("by "))?
        .trim();
    if name.is_empty() || name.chars().count() > 80 {
        return None;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let capitalised = |w: &&str| {
        let w = w.trim_matches(|c: char| c == ',' || c == '&');
        w.is_empty()
            || matches!(
                w,
                "and" | "of" | "de" | "van" | "von" | "der" | "al" | "la" | "in"
            )
            || w.chars().next().is_some_and(|c| c.is_uppercase())
    };
    let ends_like_sentence =
        name.ends_with('.') && !name.ends_with(" Jr.") && !ends_with_initial(name);
    if words.len() <= 10 && words.iter().all(capitalised) && !ends_like_sentence {
        Some(name.to_string())
    } else {
        None
    }
}

fn ends_with_initial(name: &str) -> bool {
    let last = name.split_whitespace().last().unwrap_or("");
    last.len() == 2 && last.ends_with('.')
}

/// A headline is short, starts like a name or a number, and does not end like a sentence.
fn reads_like_title(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    let first = line.chars().next();
    let starts_well =
        first.is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"'“‘«(".contains(c));
    let ends_like_sentence = line.ends_with('.') || line.ends_with(',') || line.ends_with(';');
    starts_well
        && !ends_like_sentence
        && words <= MAX_TITLE_WORDS
        && line.chars().count() <= MAX_HEADER_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(content: &str) -> Article {
        parse(content, "a.txt".into())
    }

    #[test]
    fn a_byline_becomes_the_author_and_there_is_no_title() {
        let a = parsed("By Athena Papakosta\n\nThe leader of North Korea arrives.\n\nSecond.");
        assert_eq!(a.author.as_deref(), Some("Athena Papakosta"));
        assert_eq!(a.title, None);
        assert_eq!(a.body, "The leader of North Korea arrives.\n\nSecond.");
    }

    #[test]
    fn a_headline_followed_by_a_blank_line_is_the_title() {
        let a = parsed("Ad sales boost Time Warner profit\n\nQuarterly profits rose.\n");
        assert_eq!(
            a.title.as_deref(),
            Some("Ad sales boost Time Warner profit")
        );
        assert_eq!(a.body, "Quarterly profits rose.\n");
    }

    #[test]
    fn title_then_byline() {
        let a = parsed("Summit in Vladivostok\n\nBy Jane Doe\n\nBody text.");
        assert_eq!(a.title.as_deref(), Some("Summit in Vladivostok"));
        assert_eq!(a.author.as_deref(), Some("Jane Doe"));
        assert_eq!(a.body, "Body text.");
    }

    #[test]
    fn a_first_line_that_reads_like_a_sentence_stays_in_the_body() {
        let a = parsed("The talks ended without a deal.\n\nMore later.");
        assert_eq!(a.title, None);
        assert_eq!(a.body, "The talks ended without a deal.\n\nMore later.");
    }

    #[test]
    fn a_first_line_without_a_blank_line_after_it_is_not_a_title() {
        let a = parsed("Short line\ncontinues here.\n\nNext.");
        assert_eq!(a.title, None);
        assert!(a.body.starts_with("Short line\n"));
    }

    #[test]
    fn crlf_files_and_leading_blank_lines() {
        let a = parsed("\r\n\r\nHeadline here\r\n\r\nBody one.\r\n\r\nBody two.\r\n");
        assert_eq!(a.title.as_deref(), Some("Headline here"));
        assert_eq!(a.body, "Body one.\r\n\r\nBody two.\r\n");
    }

    #[test]
    fn a_sentence_starting_with_by_is_not_a_byline() {
        assert_eq!(byline("By the end of the year, prices rose."), None);
        assert_eq!(byline("By Reuters staff"), None);
        assert_eq!(byline("BY JOHN SMITH"), Some("JOHN SMITH".into()));
    }
}
