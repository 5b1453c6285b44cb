//! lede's query language, read into a tree before any analysis.
//!
//! ```text
//! query   := or
//! or      := and ("OR" and)*
//! and     := unary+                      (AND by default, OR with --any)
//! unary   := "-" primary | "+" primary | primary
//! primary := "(" or ")" | field? (phrase | word)
//! field   := "title:" | "body:"
//! phrase  := '"' words '"' ("~" N)?
//! word    := any run of non-space characters, "prefix*" for a prefix
//! ```
//!
//! The reader is lenient: an unclosed quote or parenthesis is closed at the end of the
//! query and reported as a notice, a stray ")" is ignored with a notice. It never fails,
//! so a batch of thousands of queries never stops on one typo; every change of meaning is
//! said.

/// A field a query word may be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldName {
    /// The article title.
    Title,
    /// The paragraph text.
    Body,
}

/// A node of a query tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// One word as typed (analysis may split it: "tnf-alpha").
    Word {
        /// Restricting field, if any.
        field: Option<FieldName>,
        /// The word.
        text: String,
    },
    /// Words that start with a prefix ("comput*").
    Prefix {
        /// Restricting field, if any.
        field: Option<FieldName>,
        /// The prefix, without the star.
        text: String,
    },
    /// Words in order, at most `slop` positions apart.
    Phrase {
        /// Restricting field, if any.
        field: Option<FieldName>,
        /// The words inside the quotes.
        text: String,
        /// Allowed distance (`"..."~N`), 0 for an exact phrase.
        slop: u32,
    },
    /// Every part must match (or any, with OR semantics).
    And(Vec<Node>),
    /// Any part may match.
    Or(Vec<Node>),
    /// The part must not match.
    Not(Box<Node>),
}

/// A parsed query and what the reader had to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The query tree; `None` for an empty query (which matches everything).
    pub root: Option<Node>,
    /// One-line notices about lenient readings ("closed the quote opened at character 9").
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Phrase { text: String, slop: u32 },
    Open,
    Close,
    Or,
    Minus,
    Plus,
    Field(FieldName),
}

/// Reads a query. Never fails: problems become notices.
pub fn parse(text: &str) -> Parsed {
    let mut notices = Vec::new();
    let tokens = lex(text, &mut notices);
    let mut reader = Reader {
        tokens,
        at: 0,
        notices,
        depth: 0,
    };
    let root = reader.or();
    while reader.at < reader.tokens.len() {
        // Only a stray ")" stops `or` early.
        reader
            .notices
            .push("ignored a \")\" that closes no parenthesis".into());
        reader.at += 1;
        if let Some(more) = reader.or() {
            // Keep what follows the stray parenthesis, joined by the default operator.
            return Parsed {
                root: Some(match root {
                    Some(first) => Node::And(vec![first, more]),
                    None => more,
                }),
                notices: reader.notices,
            };
        }
    }
    Parsed {
        root,
        notices: reader.notices,
    }
}

fn lex(text: &str, notices: &mut Vec<String>) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let position = |i: usize| i + 1;
    while i < chars.len() {
        let c = chars[i].1;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '"' | '“' | '”' => {
                let opened = i;
                let mut j = i + 1;
                while j < chars.len() && !matches!(chars[j].1, '"' | '“' | '”') {
                    j += 1;
                }
                let inner: String = chars[i + 1..j].iter().map(|&(_, c)| c).collect();
                if j >= chars.len() {
                    notices.push(format!(
                        "the quote at character {} is never closed: read as a phrase to the end",
                        position(opened)
                    ));
                }
                i = (j + 1).min(chars.len());
                let mut slop = 0;
                if chars.get(i).is_some_and(|&(_, c)| c == '~') {
                    let digits: String = chars[i + 1..]
                        .iter()
                        .map(|&(_, c)| c)
                        .take_while(char::is_ascii_digit)
                        .collect();
                    slop = digits.parse().unwrap_or(2).min(100);
                    i += 1 + digits.chars().count();
                }
                tokens.push(Token::Phrase { text: inner, slop });
            }
            '-' if starts_word(&chars, i + 1) && at_word_start(&chars, i) => {
                tokens.push(Token::Minus);
                i += 1;
            }
            '+' if starts_word(&chars, i + 1) && at_word_start(&chars, i) => {
                tokens.push(Token::Plus);
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].1.is_whitespace()
                    && !matches!(chars[i].1, '(' | ')' | '"' | '“' | '”')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().map(|&(_, c)| c).collect();
                match word.as_str() {
                    "OR" | "||" => tokens.push(Token::Or),
                    "AND" | "&&" => {}
                    _ => match field_prefix(&word) {
                        Some((field, rest)) => {
                            tokens.push(Token::Field(field));
                            if !rest.is_empty() {
                                tokens.push(Token::Word(rest.to_string()));
                            }
                        }
                        None => tokens.push(Token::Word(word)),
                    },
                }
            }
        }
    }
    tokens
}

fn starts_word(chars: &[(usize, char)], i: usize) -> bool {
    chars
        .get(i)
        .is_some_and(|&(_, c)| !c.is_whitespace() && c != ')')
}

fn at_word_start(chars: &[(usize, char)], i: usize) -> bool {
    i == 0 || chars[i - 1].1.is_whitespace() || chars[i - 1].1 == '('
}

/// `title:word` → (Title, "word"); `title:` alone applies to the next phrase or group.
fn field_prefix(word: &str) -> Option<(FieldName, &str)> {
    let (name, rest) = word.split_once(':')?;
    let field = match name.to_ascii_lowercase().as_str() {
        "title" => FieldName::Title,
        "body" | "text" => FieldName::Body,
        _ => return None,
    };
    Some((field, rest))
}

struct Reader {
    tokens: Vec<Token>,
    at: usize,
    notices: Vec<String>,
    depth: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Option<Node> {
        let mut parts = Vec::new();
        if let Some(first) = self.and() {
            parts.push(first);
        }
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            if let Some(next) = self.and() {
                parts.push(next);
            }
        }
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::Or(parts)),
        }
    }

    fn and(&mut self) -> Option<Node> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::Or) => break,
                Some(Token::Close) if self.depth > 0 => break,
                Some(Token::Close) => break,
                _ => {
                    if let Some(node) = self.unary() {
                        parts.push(node);
                    }
                }
            }
        }
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::And(parts)),
        }
    }

    fn unary(&mut self) -> Option<Node> {
        match self.peek() {
            Some(Token::Minus) => {
                self.at += 1;
                self.primary(None).map(|n| Node::Not(Box::new(n)))
            }
            Some(Token::Plus) => {
                self.at += 1;
                self.primary(None)
            }
            _ => self.primary(None),
        }
    }

    fn primary(&mut self, field: Option<FieldName>) -> Option<Node> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        match token? {
            Token::Open => {
                self.depth += 1;
                let inner = self.or();
                self.depth -= 1;
                if self.peek() == Some(&Token::Close) {
                    self.at += 1;
                } else {
                    self.notices
                        .push("a \"(\" is never closed: closed at the end of the query".into());
                }
                inner.map(|node| with_field(node, field))
            }
            Token::Field(f) => self.primary(Some(f)),
            Token::Phrase { text, slop } => Some(Node::Phrase { field, text, slop }),
            Token::Word(text) => Some(match text.strip_suffix('*') {
                Some(prefix) if !prefix.is_empty() && !prefix.ends_with('*') => Node::Prefix {
                    field,
                    text: prefix.to_string(),
                },
                _ => Node::Word { field, text },
            }),
            Token::Minus | Token::Plus | Token::Or | Token::Close => None,
        }
    }
}

/// Applies a field restriction to every leaf of a group (`title:(a b)`).
fn with_field(node: Node, field: Option<FieldName>) -> Node {
    let Some(f) = field else { return node };
    match node {
        Node::Word { text, .. } => Node::Word {
            field: Some(f),
            text,
        },
        Node::Prefix { text, .. } => Node::Prefix {
            field: Some(f),
            text,
        },
        Node::Phrase { text, slop, .. } => Node::Phrase {
            field: Some(f),
            text,
            slop,
        },
        Node::And(parts) => Node::And(parts.into_iter().map(|p| with_field(p, field)).collect()),
        Node::Or(parts) => Node::Or(parts.into_iter().map(|p| with_field(p, field)).collect()),
        Node::Not(inner) => Node::Not(Box::new(with_field(*inner, field))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Node {
        Node::Word {
            field: None,
            text: text.into(),
        }
    }

    fn root(text: &str) -> Node {
        let parsed = parse(text);
        assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
        parsed.root.unwrap()
    }

    #[test]
    fn words_are_anded_and_or_binds_looser() {
        assert_eq!(
            root("weapons supply"),
            Node::And(vec![word("weapons"), word("supply")])
        );
        assert_eq!(
            root("a b OR c"),
            Node::Or(vec![Node::And(vec![word("a"), word("b")]), word("c")])
        );
    }

    #[test]
    fn phrases_slop_exclusions_fields_prefixes_and_groups() {
        assert_eq!(
            root("\"weapons supply\"~3 -nuclear title:summit comput* (x OR y)"),
            Node::And(vec![
                Node::Phrase {
                    field: None,
                    text: "weapons supply".into(),
                    slop: 3
                },
                Node::Not(Box::new(word("nuclear"))),
                Node::Word {
                    field: Some(FieldName::Title),
                    text: "summit".into()
                },
                Node::Prefix {
                    field: None,
                    text: "comput".into()
                },
                Node::Or(vec![word("x"), word("y")]),
            ])
        );
    }

    #[test]
    fn punctuation_inside_words_is_kept_for_analysis() {
        assert_eq!(
            root("tnf-alpha 1/2000 U.S."),
            Node::And(vec![word("tnf-alpha"), word("1/2000"), word("U.S.")])
        );
    }

    #[test]
    fn typos_are_read_leniently_with_a_notice() {
        let parsed = parse("weapons \"supply of");
        assert_eq!(parsed.notices.len(), 1);
        assert!(
            parsed.notices[0].contains("character 9"),
            "{:?}",
            parsed.notices
        );
        let parsed = parse("(a OR b");
        assert_eq!(parsed.root, Some(Node::Or(vec![word("a"), word("b")])));
        assert_eq!(parsed.notices.len(), 1);
        let parsed = parse("a) b");
        assert_eq!(parsed.root, Some(Node::And(vec![word("a"), word("b")])));
        assert_eq!(parsed.notices.len(), 1);
    }

    #[test]
    fn empty_and_odd_queries_do_not_panic() {
        for text in [
            "", " ", "\"", "()", ")(", "-", "OR", "OR OR", "title:", "*", "a~3", "\"\"~", "((((",
            "-(-a)",
        ] {
            let _ = parse(text);
        }
        assert_eq!(parse("").root, None);
    }
}
