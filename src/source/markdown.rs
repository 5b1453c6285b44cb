//! Markdown articles: optional YAML front matter (`title`, `date`, `author`, `url`, `id`),
//! then a Markdown body reduced to plain text, one paragraph per block.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_yaml_ng::Value;

use crate::article::{Article, ArticleDate};

/// Reads a `.md` article. Markup is stripped from the body; without a front-matter title, a
/// leading `# Heading` is the title. Fails only on malformed front matter; a value that
/// cannot be used (an unreadable date) is left out and named in the returned warnings.
pub(super) fn parse(content: &str, source: String) -> Result<(Article, Vec<String>), String> {
    let (front, markdown) = split_front_matter(content);
    let mut warnings = Vec::new();
    let meta = match front {
        Some(yaml) => FrontMatter::parse(yaml, &mut warnings)?,
        None => FrontMatter::default(),
    };
    let plain = plain_text(markdown);
    let (heading, body) = match (&meta.title, plain.leading_heading) {
        (None, Some(heading)) => (Some(heading), plain.without_heading),
        _ => (None, plain.text),
    };
    let article = Article {
        id: super::article_id(meta.id, &source, None),
        title: meta.title.or(heading),
        author: meta.author,
        date: meta.date,
        url: meta.url,
        origin: source.clone(),
        source,
        body,
    };
    Ok((article, warnings))
}

/// Splits `---\n...\n---` front matter from the Markdown that follows it.
fn split_front_matter(content: &str) -> (Option<&str>, &str) {
    let Some(rest) = content
        .strip_prefix("---\n")
        .or_else(|| content.strip_prefix("---\r\n"))
    else {
        return (None, content);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    // No closing fence: it was a thematic break, not front matter.
    (None, content)
}

#[derive(Debug, Default)]
struct FrontMatter {
    id: Option<String>,
    title: Option<String>,
    author: Option<String>,
    date: Option<ArticleDate>,
    url: Option<String>,
}

impl FrontMatter {
    fn parse(yaml: &str, warnings: &mut Vec<String>) -> Result<FrontMatter, String> {
        if yaml.trim().is_empty() {
            return Ok(FrontMatter::default());
        }
        let value: Value = serde_yaml_ng::from_str(yaml)
            .map_err(|e| format!("front matter is not valid YAML: {e}"))?;
        let Value::Mapping(map) = value else {
            return Err("front matter is not a YAML mapping of keys to values".into());
        };
        let get = |key: &str| map.get(Value::String(key.into())).and_then(scalar_text);
        let date = get("date").and_then(|text| match ArticleDate::read(&text) {
            Ok(date) => Some(date),
            Err(why) => {
                warnings.push(format!("front matter {why}; indexed without a date"));
                None
            }
        });
        let author = map
            .get(Value::String("author".into()))
            .or_else(|| map.get(Value::String("authors".into())))
            .and_then(author_text);
        Ok(FrontMatter {
            id: get("id"),
            title: get("title"),
            author,
            date,
            url: get("url"),
        })
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Tagged(tagged) => return scalar_text(&tagged.value),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

fn author_text(value: &Value) -> Option<String> {
    match value {
        Value::Sequence(items) => {
            let names: Vec<String> = items.iter().filter_map(author_text).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        Value::Mapping(map) => map.get(Value::String("name".into())).and_then(scalar_text),
        other => scalar_text(other),
    }
}

/// The body as plain text, and the first block when it is a level-1 heading.
struct PlainText {
    text: String,
    leading_heading: Option<String>,
    without_heading: String,
}

/// Renders Markdown as plain text: one block per paragraph, blank lines between blocks,
/// soft line breaks kept as line breaks (a hard-wrapped paragraph stays one paragraph).
/// Code spans keep their text; HTML, images and link targets are dropped.
fn plain_text(markdown: &str) -> PlainText {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut out = String::new();
    let mut image_depth = 0usize;
    let mut blocks = 0usize;
    let mut leading_heading = None;
    let mut heading_start = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if blocks == 0 => {
                heading_start = Some(out.len());
            }
            Event::Text(text) | Event::Code(text) if image_depth == 0 => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::FootnoteDefinition,
            ) => {
                if let Some(start) = heading_start.take() {
                    leading_heading = Some(out[start..].trim().to_string());
                }
                end_block(&mut out);
                blocks += 1;
            }
            _ => {}
        }
    }
    let text = out.trim_end().to_string();
    let without_heading = match &leading_heading {
        Some(_) => text
            .split_once("\n\n")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        None => text.clone(),
    };
    PlainText {
        text,
        leading_heading: leading_heading.filter(|h| !h.is_empty()),
        without_heading,
    }
}

/// Ends the current block with exactly one blank line.
fn end_block(out: &mut String) {
    let trimmed = out.trim_end_matches([' ', '\n']).len();
    out.truncate(trimmed);
    if !out.is_empty() {
        out.push_str("\n\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(content: &str) -> Article {
        let (article, warnings) = parse(content, "a.md".into()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        article
    }

    #[test]
    fn front_matter_fields_are_read() {
        let a = parsed(
            "---\ntitle: Summit\ndate: 2023-09-12\nauthor: [Ann One, Bob Two]\nurl: https://x.test/a\n---\nBody *text* here.\n",
        );
        assert_eq!(a.title.as_deref(), Some("Summit"));
        assert_eq!(a.date.unwrap().to_string(), "2023-09-12");
        assert_eq!(a.author.as_deref(), Some("Ann One, Bob Two"));
        assert_eq!(a.url.as_deref(), Some("https://x.test/a"));
        assert_eq!(a.body, "Body text here.");
    }

    #[test]
    fn markup_is_stripped_and_blocks_become_paragraphs() {
        let a = parsed(
            "Intro with a [link](https://x.test) and `code`.\nWrapped line.\n\n![a photo](p.png)\n\n- one\n- two\n\n<div>html</div>\n\n> quoted **words**\n",
        );
        assert_eq!(
            a.body,
            "Intro with a link and code.\nWrapped line.\n\none\n\ntwo\n\nquoted words"
        );
    }

    #[test]
    fn a_leading_h1_is_the_title_when_front_matter_has_none() {
        let a = parsed("# The Headline\n\nFirst paragraph.\n\n## Section\n\nMore.");
        assert_eq!(a.title.as_deref(), Some("The Headline"));
        assert_eq!(a.body, "First paragraph.\n\nSection\n\nMore.");
    }

    #[test]
    fn malformed_front_matter_is_an_error() {
        let err = parse("---\ntitle: [unclosed\n---\nBody", "a.md".into()).unwrap_err();
        assert!(err.contains("YAML"), "{err}");
    }

    #[test]
    fn a_thematic_break_without_closing_fence_is_not_front_matter() {
        let a = parsed("---\nJust text after a rule.");
        assert_eq!(a.body, "Just text after a rule.");
    }

    #[test]
    fn an_unreadable_date_is_a_warning_naming_it_and_the_article_is_kept() {
        let (article, warnings) = parse("---\ndate: someday\n---\nBody", "a.md".into()).unwrap();
        assert_eq!(article.body, "Body");
        assert_eq!(article.date, None);
        assert!(warnings[0].contains("someday"), "{warnings:?}");
    }
}
