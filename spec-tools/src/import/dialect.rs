//! Reading the vendor's JSON-like dialect: JSON with `//` and `/* */` comments, trailing
//! commas, single-quoted strings and bare keys. Each value keeps its line and its comment,
//! the vendor's own doc of a field.

use std::collections::HashMap;

use serde_json::{Number, Value};

use super::error::ImportError;

/// A value of the vendor's JSON-like dialect, with its line and its comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The 1-based line the value starts on.
    pub line: usize,
    /// The `//` comment that documents the value: after it on its line (also on the last field
    /// of an object, before the `}`), or on the lines just before it.
    pub comment: Option<String>,
    /// The value.
    pub value: NodeValue,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Node>),
    /// An object, its members in page order.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The value as plain JSON, comments stripped.
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => Value::Number(n.clone()),
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, node)| (key.clone(), node.to_json()))
                    .collect(),
            ),
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The members of an object, or `None`.
    pub fn members(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            NodeValue::Object(members) => Some(members),
            _ => None,
        }
    }

    pub(super) fn items(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    pub(super) fn kind(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "`null`",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Array(_) => "a list",
            NodeValue::Object(_) => "an object",
        }
    }
}

/// How deep values may nest; deeper input is an error rather than a stack overflow.
const MAX_DEPTH: usize = 64;

/// Text with one kind of line end and no byte-order mark.
pub(super) fn normalize(text: &str) -> String {
    text.trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// A cursor over the characters of a page, counting lines.
pub(super) struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
    /// The 1-based line at the cursor.
    pub(super) line: usize,
}

struct Comment {
    text: String,
    line: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(chars: &'a [char]) -> Reader<'a> {
        Reader {
            chars,
            pos: 0,
            line: 1,
        }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Skips spaces on the current line.
    pub(super) fn skip_blanks(&mut self) {
        while self.peek().is_some_and(|c| c != '\n' && c.is_whitespace()) {
            self.bump();
        }
    }

    /// The rest of the current line, consumed up to (not including) its `\n`.
    pub(super) fn rest_of_line(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| *c != '\n') {
            text.push(c);
            self.bump();
        }
        text
    }

    /// The line after the `\n` at the reader, not consumed.
    pub(super) fn line_ahead_after_newline(&self) -> String {
        let start = (self.pos + 1).min(self.chars.len());
        self.chars[start..]
            .iter()
            .take_while(|c| **c != '\n')
            .collect()
    }

    /// What comes next, for an error message.
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the page".to_owned(),
            Some(c) if c.is_alphanumeric() || c == '_' => {
                let word: String = self.chars[self.pos..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '.')
                    .take(24)
                    .collect();
                format!("`{word}`")
            }
            Some(quote @ ('"' | '\'')) => {
                let inner: String = self.chars[self.pos + 1..]
                    .iter()
                    .take_while(|c| **c != quote && **c != '\n')
                    .take(24)
                    .collect();
                format!("`{quote}{inner}{quote}`")
            }
            Some(c) => format!("`{c}`"),
        }
    }

    fn expected(&self, what: &str) -> ImportError {
        ImportError::new(
            self.line,
            format!("expected {what}, found {}", self.found()),
        )
    }

    /// Skips whitespace and comments, returning the comments.
    fn trivia(&mut self) -> Result<Vec<Comment>, ImportError> {
        let mut comments = Vec::new();
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    let line = self.line;
                    self.bump();
                    self.bump();
                    let text = self.rest_of_line();
                    push_comment(&mut comments, text, line);
                }
                (Some('/'), Some('*')) => {
                    let line = self.line;
                    self.bump();
                    self.bump();
                    let mut text = String::new();
                    loop {
                        match (self.peek(), self.peek_at(1)) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(c), _) => {
                                text.push(if c == '\n' { ' ' } else { c });
                                self.bump();
                            }
                            (None, _) => {
                                return Err(ImportError::new(
                                    self.line,
                                    format!(
                                        "expected `*/` to close the comment opened on line {line}, found the end of the page"
                                    ),
                                ));
                            }
                        }
                    }
                    push_comment(&mut comments, text, line);
                }
                _ => return Ok(comments),
            }
        }
    }
}

fn push_comment(comments: &mut Vec<Comment>, text: String, line: usize) {
    let text = text.trim().trim_start_matches('/').trim();
    if !text.is_empty() {
        comments.push(Comment {
            text: text.to_owned(),
            line,
        });
    }
}

fn append_comment(slot: &mut Option<String>, text: String) {
    *slot = Some(match slot.take() {
        Some(before) => format!("{before} {text}"),
        None => text,
    });
}

/// A recursive-descent reader of one value of the dialect.
struct Parser<'r, 'a> {
    r: &'r mut Reader<'a>,
    /// The line where the last token ended, so that a comment on it is known to trail it.
    last_line: usize,
}

impl Parser<'_, '_> {
    fn value(&mut self, depth: usize) -> Result<Node, ImportError> {
        if depth > MAX_DEPTH {
            return Err(ImportError::new(
                self.r.line,
                format!("values nest more than {MAX_DEPTH} deep"),
            ));
        }
        let line = self.r.line;
        let value = match self.r.peek() {
            Some('{') => return self.object(depth),
            Some('[') => return self.array(depth),
            Some(quote @ ('"' | '\'')) => NodeValue::String(self.string(quote)?),
            Some(c) if c == '-' || c.is_ascii_digit() => NodeValue::Number(self.number()?),
            Some(c) if c.is_alphabetic() => {
                let word = self.word();
                match word.as_str() {
                    "true" => NodeValue::Bool(true),
                    "false" => NodeValue::Bool(false),
                    "null" => NodeValue::Null,
                    _ => {
                        return Err(ImportError::new(
                            line,
                            format!("expected a value, found `{word}`"),
                        ));
                    }
                }
            }
            _ => return Err(self.r.expected("a value")),
        };
        self.last_line = self.r.line;
        Ok(Node {
            line,
            comment: None,
            value,
        })
    }

    /// Comments met between members: those on the line where the last token ended document
    /// the previous member (or the container, when it has none yet); the others document the
    /// next member.
    fn comments(
        &mut self,
        previous: Option<&mut Node>,
        own: &mut Option<String>,
        leading: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        let mut previous = previous;
        for comment in self.r.trivia()? {
            if comment.line == self.last_line {
                match previous.as_deref_mut() {
                    Some(node) => append_comment(&mut node.comment, comment.text),
                    None => append_comment(own, comment.text),
                }
            } else {
                leading.push(comment.text);
            }
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Node, ImportError> {
        let line = self.r.line;
        self.r.bump();
        self.last_line = line;
        let mut own = None;
        let mut members: Vec<(String, Node)> = Vec::new();
        let mut first_lines: HashMap<String, usize> = HashMap::new();
        let mut leading = Vec::new();
        let mut after_value = false;
        loop {
            let previous = members.last_mut().map(|(_, node)| node);
            self.comments(previous, &mut own, &mut leading)?;
            match self.r.peek() {
                None => {
                    return Err(ImportError::new(
                        self.r.line,
                        format!(
                            "expected `}}` to close the object opened on line {line}, found the end of the page"
                        ),
                    ));
                }
                Some('}') => {
                    self.r.bump();
                    self.last_line = self.r.line;
                    break;
                }
                Some(',') if after_value => {
                    self.r.bump();
                    self.last_line = self.r.line;
                    after_value = false;
                }
                Some(_) if after_value => {
                    let key = members.last().map(|(k, _)| k.as_str()).unwrap_or_default();
                    return Err(self
                        .r
                        .expected(&format!("`,` or `}}` after the field `{key}`")));
                }
                Some(_) => {
                    let key_line = self.r.line;
                    let key = self.key()?;
                    if let Some(first) = first_lines.get(&key) {
                        return Err(ImportError::new(
                            key_line,
                            format!("duplicate key `{key}`; it is first defined on line {first}"),
                        ));
                    }
                    first_lines.insert(key.clone(), key_line);
                    self.last_line = self.r.line;
                    self.comments(None, &mut None, &mut leading)?;
                    if self.r.peek() != Some(':') {
                        return Err(self.r.expected(&format!("`:` after the key `{key}`")));
                    }
                    self.r.bump();
                    self.last_line = self.r.line;
                    self.comments(None, &mut None, &mut leading)?;
                    let mut node = self.value(depth + 1)?;
                    if !leading.is_empty() {
                        node.comment = Some(leading.join(" "));
                        leading.clear();
                    }
                    members.push((key, node));
                    after_value = true;
                }
            }
        }
        Ok(Node {
            line,
            comment: own,
            value: NodeValue::Object(members),
        })
    }

    fn array(&mut self, depth: usize) -> Result<Node, ImportError> {
        let line = self.r.line;
        self.r.bump();
        self.last_line = line;
        let mut own = None;
        let mut items: Vec<Node> = Vec::new();
        let mut leading = Vec::new();
        let mut after_value = false;
        loop {
            self.comments(items.last_mut(), &mut own, &mut leading)?;
            match self.r.peek() {
                None => {
                    return Err(ImportError::new(
                        self.r.line,
                        format!(
                            "expected `]` to close the list opened on line {line}, found the end of the page"
                        ),
                    ));
                }
                Some(']') => {
                    self.r.bump();
                    self.last_line = self.r.line;
                    break;
                }
                Some(',') if after_value => {
                    self.r.bump();
                    self.last_line = self.r.line;
                    after_value = false;
                }
                Some(_) if after_value => {
                    return Err(self.r.expected("`,` or `]` after a list item"));
                }
                Some(',') => return Err(self.r.expected("a value or `]`")),
                Some(_) => {
                    let mut node = self.value(depth + 1)?;
                    if !leading.is_empty() {
                        node.comment = Some(leading.join(" "));
                        leading.clear();
                    }
                    items.push(node);
                    after_value = true;
                }
            }
        }
        Ok(Node {
            line,
            comment: own,
            value: NodeValue::Array(items),
        })
    }

    fn key(&mut self) -> Result<String, ImportError> {
        match self.r.peek() {
            Some(quote @ ('"' | '\'')) => self.string(quote),
            Some(c) if c.is_alphabetic() || c == '_' || c == '$' => Ok(self.word()),
            _ => Err(self.r.expected("a field name in quotes or `}`")),
        }
    }

    fn word(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self
            .r
            .peek()
            .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        {
            word.push(c);
            self.r.bump();
        }
        word
    }

    fn string(&mut self, quote: char) -> Result<String, ImportError> {
        let line = self.r.line;
        self.r.bump();
        let mut text = String::new();
        let unclosed = || {
            ImportError::new(
                line,
                format!("expected `{quote}` to close the string before the end of the line"),
            )
        };
        loop {
            match self.r.peek() {
                None | Some('\n') => return Err(unclosed()),
                Some(c) if c == quote => {
                    self.r.bump();
                    return Ok(text);
                }
                Some('\\') => {
                    self.r.bump();
                    let escaped = match self.r.peek() {
                        None | Some('\n') => return Err(unclosed()),
                        Some(c @ ('"' | '\'' | '\\' | '/')) => c,
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => {
                            self.r.bump();
                            let high = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&high)
                                && self.r.peek() == Some('\\')
                                && self.r.peek_at(1) == Some('u')
                            {
                                self.r.bump();
                                self.r.bump();
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                                } else {
                                    0xFFFD
                                }
                            } else {
                                high
                            };
                            text.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            continue;
                        }
                        Some(c) => {
                            return Err(ImportError::new(
                                self.r.line,
                                format!("unknown escape `\\{c}` in a string"),
                            ));
                        }
                    };
                    self.r.bump();
                    text.push(escaped);
                }
                Some(c) => {
                    self.r.bump();
                    text.push(c);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ImportError> {
        let mut code = 0;
        for _ in 0..4 {
            match self.r.peek().and_then(|c| c.to_digit(16)) {
                Some(digit) => {
                    code = code * 16 + digit;
                    self.r.bump();
                }
                None => return Err(self.r.expected("four hex digits after `\\u`")),
            }
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<Number, ImportError> {
        let line = self.r.line;
        let mut text = String::new();
        if self.r.peek() == Some('-') {
            text.push('-');
            self.r.bump();
        }
        while let Some(c) = self
            .r
            .peek()
            .filter(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        {
            text.push(c);
            self.r.bump();
        }
        let not_a_number = || ImportError::new(line, format!("`{text}` is not a number"));
        if !text
            .trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(not_a_number());
        }
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Number::from(n));
        }
        if let Ok(n) = text.parse::<u64>() {
            return Ok(Number::from(n));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Number::from_f64(f).ok_or_else(not_a_number),
            Ok(_) => Err(ImportError::new(
                line,
                format!("the number `{text}` is out of range"),
            )),
            Err(_) => Err(not_a_number()),
        }
    }
}

/// Reads one value at the reader, with the comments that trail it on its last line.
pub(super) fn body(r: &mut Reader) -> Result<Node, ImportError> {
    let last_line = r.line;
    let mut parser = Parser { r, last_line };
    let mut node = parser.value(0)?;
    loop {
        parser.r.skip_blanks();
        if parser.r.peek() == Some('/') && parser.r.peek_at(1) == Some('/') {
            parser.r.bump();
            parser.r.bump();
            let text = parser.r.rest_of_line();
            let text = text.trim();
            if !text.is_empty() {
                append_comment(&mut node.comment, text.to_owned());
            }
        } else {
            return Ok(node);
        }
    }
}

/// Parses one value of the vendor's dialect: JSON with `//` and `/* */` comments, trailing
/// commas, single-quoted strings and bare keys. Each value keeps its comment.
pub fn parse_value(text: &str) -> Result<Node, ImportError> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut r = Reader::new(&chars);
    let leading: Vec<String> = r.trivia()?.into_iter().map(|c| c.text).collect();
    let mut node = body(&mut r)?;
    if node.comment.is_none() && !leading.is_empty() {
        node.comment = Some(leading.join(" "));
    }
    r.trivia()?;
    if r.peek().is_some() {
        return Err(r.expected("the end of the value"));
    }
    Ok(node)
}
