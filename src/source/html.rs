//! Saved article pages (`.html`, `.htm`).
//!
//! The page is reduced to the article with `dom_smoothie`, a port of Mozilla's Readability
//! (the code behind Firefox's reader view): navigation, scripts, styles, cookie banners and
//! footers are left out. Title, byline and date come from the page's meta tags and JSON-LD
//! where present. Paragraphs follow the article's block structure (`<p>`, headings, list
//! items), one blank-line-separated paragraph each.

use dom_smoothie::{Config, Readability, TextMode};
use encoding_rs::Encoding;

use crate::article::{Article, ArticleDate};

/// Pages bigger than this many elements are cut short by Readability rather than exhausting
/// memory on a pathological file.
const MAX_ELEMENTS: usize = 200_000;

/// Cookie and consent notices and modal dialogs, removed before Readability looks for the
/// article: a notice placed next to the article is otherwise taken for part of it.
const CONSENT_AND_DIALOGS: &str = "[id*=cookie i], [class*=cookie i], [id*=consent i], \
    [class*=consent i], [role=dialog], [role=alertdialog], [aria-modal=true]";

/// Reads one saved page into an article; warnings say what metadata could not be read.
pub(super) fn parse(content: &str, source: String) -> Result<(Article, Vec<String>), String> {
    let config = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Config::default()
    };
    let document = dom_query::Document::from(content);
    document.select(CONSENT_AND_DIALOGS).remove();
    let mut readability = Readability::with_document(document, None, Some(config))
        .map_err(|e| format!("cannot read the page as HTML: {e}"))?;
    let page = readability
        .parse()
        .map_err(|e| format!("no article text found in the page: {e}"))?;
    let body = paragraphs(&page.text_content);
    if body.is_empty() {
        return Err("no article text found in the page".into());
    }
    let mut warnings = Vec::new();
    let date = page
        .published_time
        .as_deref()
        .and_then(|text| match ArticleDate::read(text) {
            Ok(date) => Some(date),
            Err(why) => {
                warnings.push(format!("the page's {why}; left out"));
                None
            }
        });
    let article = Article {
        id: source.clone(),
        title: non_empty(&page.title),
        author: page.byline.as_deref().and_then(non_empty),
        date,
        url: None,
        origin: source.clone(),
        source,
        body,
    };
    Ok((article, warnings))
}

/// How far into a page a `<meta charset>` is looked for. Browsers look at the first 1,024
/// bytes and reparse when they meet one later; saved pages often carry kilobytes of scripts
/// and styles before it.
const DECLARATION_SCAN_BYTES: usize = 64 * 1024;

/// The encoding a page declares: `<meta charset="...">`, `<meta http-equiv="Content-Type"
/// content="text/html; charset=...">`, or an XML declaration's `encoding="..."`, in the page's
/// head. Labels are read as browsers read them (`latin1` is windows-1252); a declared
/// UTF-16 means UTF-8, since the bytes of a page without a byte-order mark are not UTF-16.
pub(super) fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(DECLARATION_SCAN_BYTES)];
    let head = head.to_ascii_lowercase();
    let head = match find(&head, b"</head") {
        Some(end) => &head[..end],
        None => &head[..],
    };
    let mut rest = head;
    if rest.starts_with(b"<?xml") {
        let end = find(rest, b"?>").unwrap_or(rest.len());
        if let Some(encoding) = attribute_label(&rest[..end], b"encoding") {
            return Some(encoding);
        }
    }
    while let Some(start) = find(rest, b"<meta") {
        let tag = &rest[start..];
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        if let Some(encoding) = attribute_label(&tag[..end], b"charset") {
            return Some(encoding);
        }
        rest = &tag[end..];
    }
    None
}

/// The encoding named after `name=` in `tag` (lower-cased), quoted or not; `charset=` also
/// matches inside a `content` attribute.
fn attribute_label(tag: &[u8], name: &[u8]) -> Option<&'static Encoding> {
    let at = find(tag, name)?;
    let value = tag[at + name.len()..]
        .trim_ascii_start()
        .strip_prefix(b"=")?;
    let value = value.trim_ascii_start();
    let value = value
        .strip_prefix(b"\"")
        .or_else(|| value.strip_prefix(b"'"))
        .unwrap_or(value);
    let end = value
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
        .unwrap_or(value.len());
    Encoding::for_label(&value[..end]).map(Encoding::output_encoding)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Joins the text blocks Readability found into blank-line-separated paragraphs, with the
/// whitespace inside each block collapsed (HTML source wraps lines anywhere).
fn paragraphs(text: &str) -> String {
    text.split('\n')
        .map(|block| block.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|block| !block.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html><head>
<title>Harbour strike ends | The Daily Example</title>
<meta property="og:title" content="Harbour strike ends after nine days">
<meta name="author" content="Ana Souza">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<style>p { color: red }</style>
<script>var tracking = "Do not index this";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div id="cookie-banner">We use cookies. Accept all cookies?</div>
<article>
<h1>Harbour strike ends after nine days</h1>
<p>Dock workers in Santos returned to work on Tuesday after the port authority agreed
to raise wages by eight percent, ending a strike that had stranded hundreds of ships.</p>
<p>The union said the agreement also covered night shifts, which had been the main
point of dispute between the workers and the operators of the container terminals.</p>
<p>Exporters of soybeans and coffee, who ship most of their cargo through the harbour,
welcomed the deal and said they expected the backlog to clear within two weeks.</p>
</article>
<footer>Copyright The Daily Example. All rights reserved.</footer>
</body></html>"#;

    #[test]
    fn a_saved_page_becomes_its_article_text_with_metadata() {
        let (article, warnings) = parse(PAGE, "page.html".into()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            article.title.as_deref(),
            Some("Harbour strike ends after nine days")
        );
        assert_eq!(article.author.as_deref(), Some("Ana Souza"));
        assert!(article.date.unwrap().to_string().starts_with("2024-03-05"));
        let paragraphs: Vec<&str> = article.body.split("\n\n").collect();
        assert!(paragraphs
            .iter()
            .any(|p| p.starts_with("Dock workers in Santos returned to work on Tuesday after the port authority agreed to raise")));
        assert!(paragraphs
            .iter()
            .any(|p| p.starts_with("Exporters of soybeans")));
        for left_out in ["cookies", "tracking", "Sport", "Copyright", "color"] {
            assert!(
                !article.body.contains(left_out),
                "{left_out} in {:?}",
                article.body
            );
        }
    }

    #[test]
    fn the_declared_encoding_is_found_in_meta_tags_and_xml_declarations() {
        let declared = |page: &str| declared_encoding(page.as_bytes()).map(Encoding::name);
        assert_eq!(
            declared(r#"<html><head><meta charset="windows-1251">"#),
            Some("windows-1251")
        );
        assert_eq!(
            declared("<HEAD><META CHARSET=ISO-8859-2>"),
            Some("ISO-8859-2")
        );
        assert_eq!(
            declared(
                r#"<meta name="x" content="y"><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">"#
            ),
            Some("Shift_JIS")
        );
        assert_eq!(declared("<meta charset='latin1' />"), Some("windows-1252"));
        assert_eq!(
            declared(r#"<?xml version="1.0" encoding="koi8-r"?><html>"#),
            Some("KOI8-R")
        );
        assert_eq!(declared(r#"<meta charset="utf-16">"#), Some("UTF-8"));
        assert_eq!(declared(r#"<meta charset="no-such-thing">"#), None);
        assert_eq!(
            declared("<html><head></head><body><meta charset=koi8-r>"),
            None
        );
        assert_eq!(declared(PAGE), None);
    }

    #[test]
    fn a_page_without_text_is_refused() {
        assert!(parse(
            "<html><body><script>x = 1</script></body></html>",
            "x.html".into()
        )
        .is_err());
        assert!(parse("", "x.html".into()).is_err());
    }
}
