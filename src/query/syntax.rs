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
//! query and reported as a notice, a stray ")" or a dangling "OR" is ignored with a
//! notice, so a batch of thousands of queries never stops on one typo; every change of
//! meaning is said. Only a query past the limits that bound its cost (length, nesting,
//! number of terms) is refused.

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

/// Longest query text read, in characters.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Deepest nesting of parentheses.
pub const MAX_DEPTH: usize = 32;
/// Most words, phrases and prefixes in one query.
pub const MAX_TERMS: usize = 64;
/// Largest phrase slop (`"..."~N`). Sloppy phrases of frequent words cost time and memory
/// growing fast with the slop: on Reuters-21578, 25 times "the" took 0.13 s at ~20 and 13 s
/// and 6 GB at ~50; 64 words at ~20 take 0.26 s.
pub const MAX_SLOP: u32 = 20;
/// Most words in one phrase, counted after analysis.
pub const MAX_PHRASE_WORDS: usize = 64;

/// A parsed query and what the reader had to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The query tree; `None` for an empty query (which matches everything).
    pub root: Option<Node>,
    /// One-line notices about lenient readings ("closed the quote opened at character 9").
    pub notices: Vec<String>,
}

/// Why a query is refused: it is past one of the limits that keep every query's cost
/// bounded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TooComplex(pub String);

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

/// Reads a query. Typos are read leniently and said in notices; only a query past the
/// limits ([`MAX_QUERY_CHARS`], [`MAX_DEPTH`], [`MAX_TERMS`]) is refused.
pub fn parse(text: &str) -> Result<Parsed, TooComplex> {
    let length = text.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(TooComplex(format!(
            "the query has {length} characters; the most lede reads is {MAX_QUERY_CHARS}"
        )));
    }
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        at: 0,
        tokens: Vec::new(),
        notices: Notices::default(),
    };
    lexer.run();
    let terms = lexer
        .tokens
        .iter()
        .filter(|t| matches!(t, Token::Word(_) | Token::Phrase { .. }))
        .count();
    if terms > MAX_TERMS {
        return Err(TooComplex(format!(
            "the query has {terms} words, phrases and prefixes; the most lede takes is {MAX_TERMS}"
        )));
    }
    let mut reader = Reader {
        tokens: lexer.tokens,
        at: 0,
        notices: lexer.notices,
        depth: 0,
    };
    let root = reader.top()?;
    Ok(Parsed {
        root,
        notices: reader.notices.into_lines(),
    })
}

/// Notices in the order first given; a notice given again is counted, not repeated.
#[derive(Default)]
struct Notices(Vec<(String, usize)>);

impl Notices {
    fn push(&mut self, notice: impl Into<String>) {
        let notice = notice.into();
        match self.0.iter_mut().find(|(n, _)| *n == notice) {
            Some((_, count)) => *count += 1,
            None => self.0.push((notice, 1)),
        }
    }

    fn into_lines(self) -> Vec<String> {
        self.0
            .into_iter()
            .map(|(notice, count)| match count {
                1 => notice,
                n => format!("{notice} ({n} times)"),
            })
            .collect()
    }
}

/// Cuts a query into tokens.
struct Lexer {
    chars: Vec<char>,
    at: usize,
    tokens: Vec<Token>,
    notices: Notices,
}

impl Lexer {
    fn run(&mut self) {
        while let Some(&c) = self.chars.get(self.at) {
            match c {
                c if c.is_whitespace() => self.at += 1,
                '(' => self.single(Token::Open),
                ')' => self.single(Token::Close),
                '"' | '“' | '”' => self.phrase(),
                '-' if self.starts_operand(self.at) => self.single(Token::Minus),
                '+' if self.starts_operand(self.at) => self.single(Token::Plus),
                _ => self.word(),
            }
        }
    }

    fn single(&mut self, token: Token) {
        self.tokens.push(token);
        self.at += 1;
    }

    /// `-` or `+` at `at` is an operator when it starts a word and is followed by one.
    fn starts_operand(&self, at: usize) -> bool {
        let before = at.checked_sub(1).map(|i| self.chars[i]);
        let after = self.chars.get(at + 1).copied();
        before.is_none_or(|c| c.is_whitespace() || c == '(')
            && after.is_some_and(|c| !c.is_whitespace() && c != ')')
    }

    /// A quoted phrase, with its slop (`"..."~3`).
    fn phrase(&mut self) {
        let opened = self.at;
        let is_quote = |c: &char| matches!(c, '"' | '“' | '”');
        let end = self.chars[opened + 1..]
            .iter()
            .position(is_quote)
            .map(|i| opened + 1 + i);
        let close = end.unwrap_or(self.chars.len());
        let text: String = self.chars[opened + 1..close].iter().collect();
        if end.is_none() {
            self.notices.push(format!(
                "the quote at character {} is never closed: read as a phrase to the end",
                opened + 1
            ));
        }
        self.at = (close + 1).min(self.chars.len());
        let slop = self.slop();
        self.tokens.push(Token::Phrase { text, slop });
    }

    /// `~N` after a phrase: `~` alone is 2; past [`MAX_SLOP`] is cut to it, with a notice.
    fn slop(&mut self) -> u32 {
        if self.chars.get(self.at) != Some(&'~') {
            return 0;
        }
        self.at += 1;
        let digits: String = self.chars[self.at..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        self.at += digits.len();
        if digits.is_empty() {
            return 2;
        }
        match digits.parse::<u32>() {
            Ok(slop) if slop <= MAX_SLOP => slop,
            _ => {
                self.notices.push(format!(
                    "a phrase's distance ~{digits} is more than {MAX_SLOP}: read as ~{MAX_SLOP}"
                ));
                MAX_SLOP
            }
        }
    }

    /// A run of characters up to a space, a parenthesis or a quote: a word, an operator
    /// (`OR`, `AND`) or a field and its word (`title:summit`).
    fn word(&mut self) {
        let start = self.at;
        while self
            .chars
            .get(self.at)
            .is_some_and(|&c| !c.is_whitespace() && !matches!(c, '(' | ')' | '"' | '“' | '”'))
        {
            self.at += 1;
        }
        let word: String = self.chars[start..self.at].iter().collect();
        match word.as_str() {
            "OR" | "||" => self.tokens.push(Token::Or),
            "AND" | "&&" => {}
            _ => match field_prefix(&word) {
                Some((field, rest)) => {
                    self.tokens.push(Token::Field(field));
                    if !rest.is_empty() {
                        self.tokens.push(Token::Word(rest.to_string()));
                    }
                }
                None => {
                    if let Some(name) = unknown_field(&word) {
                        self.notices.push(format!(
                            "\"{name}:\" is not a field (title:, body:): searched as words"
                        ));
                    }
                    self.tokens.push(Token::Word(word));
                }
            },
        }
    }
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

/// The name of what looks like a field restriction but is not one (`titel:summit`);
/// times (`10:30`), addresses (`http://…`) and lone colons are not.
fn unknown_field(word: &str) -> Option<&str> {
    let (name, rest) = word.split_once(':')?;
    let looks_like_field = name.len() >= 2
        && name.chars().all(|c| c.is_ascii_alphabetic())
        && !rest.is_empty()
        && !rest.starts_with('/');
    looks_like_field.then_some(name)
}

/// Reads tokens into a tree.
struct Reader {
    tokens: Vec<Token>,
    at: usize,
    notices: Notices,
    depth: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// The whole query: stray ")" are skipped with a notice, and what follows them is
    /// joined to what came before by the default operator.
    fn top(&mut self) -> Result<Option<Node>, TooComplex> {
        let mut parts = Vec::new();
        loop {
            if let Some(part) = self.or()? {
                parts.push(part);
            }
            if self.at >= self.tokens.len() {
                break;
            }
            // Only a stray ")" stops `or` early.
            self.notices
                .push("ignored a \")\" that closes no parenthesis");
            self.at += 1;
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::And(parts)),
        })
    }

    fn or(&mut self) -> Result<Option<Node>, TooComplex> {
        let mut parts = Vec::new();
        let mut dangling = false;
        match self.and()? {
            Some(first) => parts.push(first),
            None => dangling = self.peek() == Some(&Token::Or),
        }
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            match self.and()? {
                Some(next) => parts.push(next),
                None => dangling = true,
            }
        }
        if dangling {
            self.notices
                .push("\"OR\" needs words on both sides: read without it");
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::Or(parts)),
        })
    }

    fn and(&mut self) -> Result<Option<Node>, TooComplex> {
        let mut parts = Vec::new();
        while !matches!(self.peek(), None | Some(Token::Or) | Some(Token::Close)) {
            if let Some(node) = self.unary()? {
                parts.push(node);
            }
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::And(parts)),
        })
    }

    fn unary(&mut self) -> Result<Option<Node>, TooComplex> {
        match self.peek() {
            Some(Token::Minus) => {
                self.at += 1;
                Ok(self.primary(None)?.map(|n| Node::Not(Box::new(n))))
            }
            Some(Token::Plus) => {
                self.at += 1;
                self.primary(None)
            }
            _ => self.primary(None),
        }
    }

    fn primary(&mut self, field: Option<FieldName>) -> Result<Option<Node>, TooComplex> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        Ok(match token {
            None | Some(Token::Minus | Token::Plus | Token::Or | Token::Close) => None,
            Some(Token::Open) => self.group(field)?,
            Some(Token::Field(f)) => self.primary(Some(f))?,
            Some(Token::Phrase { text, slop }) => Some(Node::Phrase { field, text, slop }),
            Some(Token::Word(text)) => Some(match text.strip_suffix('*') {
                Some(prefix) if !prefix.is_empty() && !prefix.ends_with('*') => Node::Prefix {
                    field,
                    text: prefix.to_string(),
                },
                _ => Node::Word { field, text },
            }),
        })
    }

    /// A parenthesised group; its "(" is read.
    fn group(&mut self, field: Option<FieldName>) -> Result<Option<Node>, TooComplex> {
        if self.depth == MAX_DEPTH {
            return Err(TooComplex(format!(
                "parentheses nest more than {MAX_DEPTH} deep"
            )));
        }
        self.depth += 1;
        let inner = self.or()?;
        self.depth -= 1;
        if self.peek() == Some(&Token::Close) {
            self.at += 1;
        } else {
            self.notices
                .push("a \"(\" is never closed: closed at the end of the query");
        }
        Ok(inner.map(|node| with_field(node, field)))
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
        let parsed = parse(text).unwrap();
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
        let parsed = parse("weapons \"supply of").unwrap();
        assert_eq!(parsed.notices.len(), 1);
        assert!(
            parsed.notices[0].contains("character 9"),
            "{:?}",
            parsed.notices
        );
        let parsed = parse("(a OR b").unwrap();
        assert_eq!(parsed.root, Some(Node::Or(vec![word("a"), word("b")])));
        assert_eq!(parsed.notices.len(), 1);
        let parsed = parse("a) b").unwrap();
        assert_eq!(parsed.root, Some(Node::And(vec![word("a"), word("b")])));
        assert_eq!(parsed.notices.len(), 1);
    }

    #[test]
    fn empty_and_odd_queries_do_not_panic() {
        for text in [
            "", " ", "\"", "()", ")(", "-", "OR", "OR OR", "title:", "*", "a~3", "\"\"~", "((((",
            "-(-a)",
        ] {
            let _ = parse(text).unwrap();
        }
        assert_eq!(parse("").unwrap().root, None);
    }

    #[test]
    fn what_follows_several_stray_parentheses_is_kept() {
        let parsed = parse("a) b) c").unwrap();
        assert_eq!(
            parsed.root,
            Some(Node::And(vec![word("a"), word("b"), word("c")]))
        );
        assert_eq!(
            parsed.notices,
            ["ignored a \")\" that closes no parenthesis (2 times)"]
        );
    }

    #[test]
    fn limits_refuse_runaway_queries_at_their_boundary() {
        let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert!(parse(&nested(MAX_DEPTH + 1))
            .unwrap_err()
            .0
            .contains("32 deep"));
        assert!(parse(&"(".repeat(10_000)).is_err());
        let words = |n: usize| vec!["w"; n].join(" ");
        assert!(parse(&words(MAX_TERMS)).is_ok());
        assert!(parse(&words(MAX_TERMS + 1)).is_err());
        assert!(parse(&"x".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(parse(&"x".repeat(MAX_QUERY_CHARS + 1)).is_err());
        let sloppy = parse("\"a b\"~1000").unwrap();
        assert_eq!(parse("\"a b\"~20").unwrap().notices.len(), 0);
        assert_eq!(
            sloppy.root,
            Some(Node::Phrase {
                field: None,
                text: "a b".into(),
                slop: MAX_SLOP
            })
        );
        assert_eq!(sloppy.notices.len(), 1);
        assert_eq!(
            parse("\"a b\"~18446744073709551616").unwrap().notices.len(),
            1
        );
    }

    #[test]
    fn repeated_notices_are_counted_not_repeated() {
        let parsed = parse(&"(".repeat(5)).unwrap();
        assert_eq!(
            parsed.notices,
            ["a \"(\" is never closed: closed at the end of the query (5 times)"]
        );
    }

    #[test]
    fn unknown_fields_and_lone_ors_get_a_notice() {
        let parsed = parse("titel:summit").unwrap();
        assert!(parsed.notices[0].contains("\"titel:\" is not a field"));
        assert!(parse("10:30 http://x.org").unwrap().notices.is_empty());
        for text in ["OR", "a OR", "OR a", "a OR OR b"] {
            let parsed = parse(text).unwrap();
            assert_eq!(parsed.notices.len(), 1, "{text}: {:?}", parsed.notices);
            assert!(parsed.notices[0].contains("both sides"), "{text}");
        }
        assert!(parse("a OR b").unwrap().notices.is_empty());
    }
}
