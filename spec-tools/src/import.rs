//! The vendor documents each endpoint as an HTTP request line with headers, then a JSON-like
//! request body and a JSON-like response body, with `//` comments, trailing commas and no
//! separator between blocks (`}{`, `}POST ...`). See `shared/vendor-docs/orders.txt`.
//!
//! Importing runs in three stages:
//! 1. [`parse_page`](crate::import::parse_page) reads the page: request lines, headers and
//!    bodies, each value with its line and its `//` comment (the vendor's own doc of a field).
//!    Bad input is an [`ImportError`](crate::import::ImportError) naming the line.
//! 2. [`build`](crate::import::build) infers spec entries from the examples: one endpoint per
//!    request line, with its request fields, response type, records, pages, docs and examples,
//!    as JSON in the spec format. It also lists what a person must still decide
//!    ([`Import::decisions`](crate::import::Import::decisions)): which fields are required,
//!    which strings are enums, whether a numeric-looking string is an id or a number, and so on.
//!    A call that is not idempotent gets `orders_in` where the names make it plain (the one
//!    paging `..._list` endpoint, of the page or the known spec, whose name starts with the
//!    same word, and its `date` field), also listed as a decision to check.
//! 3. [`merge`](crate::import::merge) adds what is new to an existing spec and reports what
//!    differs from it or conflicts with it, without overwriting anything. Compatibility is
//!    judged by [`Spec::check_value`](ipidea_spec::Spec::check_value), the check the client's decoders
//!    agree with.
//!
//! ```
//! let page = "Orders\nPOST /api/open/white_list HTTP/1.1\nHost: api.ipidea.net\n\
//!             {\"page\": \"1\"}{\"ret\": 0, \"code\": \"1\", \"msg\": \"success\", \"ret_data\": []}";
//! let import = ipidea_spec_tools::import::import(page, None).unwrap();
//! let entries = import.entries();
//! assert_eq!(entries["endpoints"]["white_list"]["path"], "/api/open/white_list");
//! assert_eq!(entries["endpoints"]["white_list"]["response"], "empty");
//! assert!(import.decisions.iter().any(|d| d.message.contains("requiredness")));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

use serde_json::{Map, Number, Value};

use ipidea_spec::locate::child;
use ipidea_spec::model::*;
use ipidea_spec::naming;
use ipidea_spec::text::clip;
use ipidea_spec::wire;

// ---------------------------------------------------------------------------------------------
// The parsed page
// ---------------------------------------------------------------------------------------------

/// A page that cannot be read: the line and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The 1-based line of the page.
    pub line: usize,
    /// What is wrong: lowercase, no final period, names in backticks.
    pub message: String,
}

impl ImportError {
    fn new(line: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ImportError {}

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

    fn items(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Array(items) => Some(items),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    fn kind(&self) -> &'static str {
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

/// A documentation page: its title and its request blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The first line of text before the first request line, such as `订单接口`.
    pub title: Option<String>,
    /// The request blocks, in page order.
    pub blocks: Vec<Block>,
}

/// One request line with its headers and the bodies that follow it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The line of the request line.
    pub line: usize,
    /// The HTTP method, as written (`POST`).
    pub method: String,
    /// The URL path, without scheme, host or query (`/api/open/isp_ip_open`).
    pub path: String,
    /// Parameters of the query string, if the request line has one.
    pub query: Vec<(String, String)>,
    /// The headers, in page order.
    pub headers: Vec<(String, String)>,
    /// Text between the previous block and this one (the section's heading), boilerplate such
    /// as `最后更新于` left out.
    pub heading: Option<String>,
    /// The bodies after the headers: the request body (if shown), then the response(s).
    pub bodies: Vec<Node>,
}

impl Block {
    /// The value of the header `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the dialect
// ---------------------------------------------------------------------------------------------

/// How deep values may nest; deeper input is an error rather than a stack overflow.
const MAX_DEPTH: usize = 64;

/// The HTTP methods a request line may start with.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// Lines of a page that say nothing about an endpoint.
const BOILERPLATE: [&str; 16] = [
    "请求示例",
    "返回示例",
    "响应示例",
    "请求参数",
    "返回参数",
    "响应参数",
    "请求",
    "响应",
    "返回",
    "示例",
    "复制",
    "request",
    "response",
    "example",
    "copy",
    "http",
];

/// Text with one kind of line end and no byte-order mark.
fn normalize(text: &str) -> String {
    text.trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
    line: usize,
}

struct Comment {
    text: String,
    line: usize,
}

impl<'a> Reader<'a> {
    fn new(chars: &'a [char]) -> Reader<'a> {
        Reader {
            chars,
            pos: 0,
            line: 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Skips spaces on the current line.
    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(|c| c != '\n' && c.is_whitespace()) {
            self.bump();
        }
    }

    /// The rest of the current line, consumed up to (not including) its `\n`.
    fn rest_of_line(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| *c != '\n') {
            text.push(c);
            self.bump();
        }
        text
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
fn body(r: &mut Reader) -> Result<Node, ImportError> {
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

/// The method and target of a request line such as `POST /api/open/isp_ip_open HTTP/1.1`.
fn request_line(text: &str) -> Option<(String, String)> {
    let mut words = text.split_whitespace();
    let method = words.next()?;
    if !METHODS.contains(&method) {
        return None;
    }
    let target = words.next()?;
    if !(target.starts_with('/') || target.starts_with("http://") || target.starts_with("https://"))
    {
        return None;
    }
    match words.next() {
        None => {}
        Some(version) if version.starts_with("HTTP/") => {}
        Some(_) => return None,
    }
    if words.next().is_some() {
        return None;
    }
    Some((method.to_owned(), target.to_owned()))
}

/// A header line, `Name: value`.
fn header(line: &str) -> Option<(String, String)> {
    let (name, value) = line.trim().split_once(':')?;
    let name = name.trim();
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| (name.to_owned(), value.trim().to_owned()))
}

/// The path and query parameters of a request target, without scheme and host.
fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let mut rest = target;
    for scheme in ["http://", "https://"] {
        if let Some(after) = rest.strip_prefix(scheme) {
            rest = after.find('/').map_or("/", |i| &after[i..]);
        }
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name.to_owned(), value.to_owned())
        })
        .collect();
    (path.to_owned(), query)
}

fn is_boilerplate(line: &str) -> bool {
    let line = line.trim().trim_end_matches([':', '：']).trim();
    let lower = line.to_lowercase();
    line.is_empty()
        || line.starts_with("最后更新")
        || lower.starts_with("last updated")
        || BOILERPLATE.contains(&lower.as_str())
}

/// Reads a documentation page: request lines with their headers and bodies.
pub fn parse_page(text: &str) -> Result<Page, ImportError> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut r = Reader::new(&chars);
    let mut title = None;
    let mut blocks: Vec<Block> = Vec::new();
    // Lines of text since the last block or body: the heading of the next block.
    let mut text_lines: Vec<String> = Vec::new();
    loop {
        r.skip_blanks();
        match r.peek() {
            None => break,
            Some('\n') => {
                r.bump();
            }
            Some('{' | '[') => {
                let line = r.line;
                let Some(block) = blocks.last_mut() else {
                    return Err(ImportError::new(
                        line,
                        "expected a request line such as `POST /api/open/<name> HTTP/1.1` before the first body",
                    ));
                };
                block.bodies.push(body(&mut r)?);
                text_lines.clear();
                r.skip_blanks();
                if let Some(c @ ('}' | ']' | ',' | ':')) = r.peek() {
                    return Err(ImportError::new(
                        r.line,
                        format!("unexpected `{c}` after the body that starts on line {line}"),
                    ));
                }
            }
            Some(_) => {
                let line = r.line;
                let text = r.rest_of_line();
                match request_line(&text) {
                    Some((method, target)) => {
                        let mut heading: Vec<String> = text_lines
                            .drain(..)
                            .filter(|l| !is_boilerplate(l))
                            .collect();
                        if blocks.is_empty() && !heading.is_empty() {
                            title = Some(heading.remove(0));
                        }
                        let mut headers = Vec::new();
                        while r.peek() == Some('\n') {
                            let ahead = r.line_ahead_after_newline();
                            match header(&ahead) {
                                Some(h) => {
                                    headers.push(h);
                                    r.bump();
                                    r.rest_of_line();
                                }
                                None => break,
                            }
                        }
                        let (path, query) = split_target(&target);
                        blocks.push(Block {
                            line,
                            method,
                            path,
                            query,
                            headers,
                            heading: (!heading.is_empty()).then(|| heading.join(" ")),
                            bodies: Vec::new(),
                        });
                    }
                    None => {
                        let text = text.trim();
                        let text = text.strip_prefix("//").unwrap_or(text).trim();
                        text_lines.push(text.to_owned());
                    }
                }
            }
        }
    }
    if blocks.is_empty() {
        return Err(ImportError::new(
            1,
            "found no request line such as `POST /api/open/<name> HTTP/1.1` in the page",
        ));
    }
    Ok(Page { title, blocks })
}

impl Reader<'_> {
    /// The line after the `\n` at the reader, not consumed.
    fn line_ahead_after_newline(&self) -> String {
        let start = (self.pos + 1).min(self.chars.len());
        self.chars[start..]
            .iter()
            .take_while(|c| **c != '\n')
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Inferring spec entries
// ---------------------------------------------------------------------------------------------

/// Something a person must still decide or check, with the JSON path it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The JSON path in the spec, such as `endpoints.isp_ip_open.request`.
    pub path: String,
    /// What to decide or what differs: lowercase, no final period, names in backticks.
    pub message: String,
}

impl Note {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The note as JSON: `{"path": ..., "message": ...}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "path": self.path, "message": self.message })
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// One endpoint read from a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEndpoint {
    /// The endpoint's name, the last segment of its path (`isp_ip_open`).
    pub name: String,
    /// The line of its (first) request line.
    pub line: usize,
    /// The endpoint in the spec format.
    pub entry: Value,
    /// Whether the page shows a request body (or query) for it.
    pub has_request: bool,
    /// The request fields of the examples, credentials left out, with their comments.
    pub request: Vec<(String, Node)>,
    /// The data of each successful example response.
    pub data: Vec<Node>,
    /// Whether the heading above the request line was specific to this endpoint (rather than
    /// the page's title).
    pub has_heading: bool,
}

/// What [`build`] infers from a page: spec entries and what a person must still decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// The page's title.
    pub title: Option<String>,
    /// The endpoints, in page order.
    pub endpoints: Vec<ImportedEndpoint>,
    /// The named types the endpoints use, in the spec format, keyed by name. Types of a known
    /// spec that were reused are not repeated here.
    pub types: Map<String, Value>,
    /// What a person must still decide: requiredness, enums, ids or numbers, docs, where the
    /// orders of a money-spending call are listed, ...
    pub decisions: Vec<Note>,
}

impl Import {
    /// The entries to paste into a spec: `{"types": {...}, "endpoints": {...}}`.
    pub fn entries(&self) -> Value {
        let endpoints: Map<String, Value> = self
            .endpoints
            .iter()
            .map(|e| (e.name.clone(), e.entry.clone()))
            .collect();
        serde_json::json!({ "types": self.types, "endpoints": endpoints })
    }

    /// Validates the entries as a spec with the `format` and `api` of `base` (a spec as JSON),
    /// and with its types, so that references to them resolve. Every problem is a note whose
    /// message names the line of `serde_json::to_string_pretty` of that spec.
    pub fn check(&self, base: &Value) -> Vec<Note> {
        let mut spec = base.clone();
        if let Some(root) = spec.as_object_mut() {
            let types = root
                .entry("types")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(types) = types.as_object_mut() {
                for (name, def) in &self.types {
                    types.insert(name.clone(), def.clone());
                }
            }
            let endpoints: Map<String, Value> = self
                .endpoints
                .iter()
                .map(|e| (e.name.clone(), e.entry.clone()))
                .collect();
            root.insert("endpoints".to_owned(), Value::Object(endpoints));
        }
        validate(&spec, "the imported entries do not validate")
    }
}

/// Problems of a spec given as JSON, as notes.
fn validate(spec: &Value, what: &str) -> Vec<Note> {
    let text = serde_json::to_string_pretty(spec).unwrap_or_default();
    match ipidea_spec::parse("import", &text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics
            .errors
            .into_iter()
            .map(|d| {
                let line = d.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                let hint = d.hint.map(|h| format!("; {h}")).unwrap_or_default();
                Note::new(d.path, format!("{what}{line}: {}{hint}", d.message))
            })
            .collect(),
    }
}

/// Reads a page and infers spec entries from it; see [`parse_page`] and [`build`].
pub fn import(text: &str, known: Option<&Spec>) -> Result<Import, ImportError> {
    build(&parse_page(text)?, known)
}

/// Why an inferred type is only a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doubt {
    /// Nothing to ask.
    None,
    /// A string of digits: an id or a number?
    Numeric,
    /// An empty string: no type to see.
    Empty,
    /// A short word: an enum or free text?
    Word,
    /// `null` in every example: the type is unknown.
    Null,
    /// An empty list: the item type is unknown.
    EmptyList,
    /// An object, list or `null` in a request, which a form cannot send.
    NotSendable,
}

/// An inferred type expression, whether it may be `null`, and how sure it is.
#[derive(Debug, Clone)]
struct Guess {
    ty: String,
    nullable: bool,
    doubt: Doubt,
    /// A doc from a field of the same name in the known spec.
    known_doc: Option<Doc>,
}

impl Guess {
    fn new(ty: impl Into<String>, doubt: Doubt) -> Guess {
        Guess {
            ty: ty.into(),
            nullable: false,
            doubt,
            known_doc: None,
        }
    }
}

/// The state of one import: the known spec, the new types, the decisions.
struct Infer<'s> {
    known: Option<&'s Spec>,
    /// A spec with the known spec's API (or this vendor's conventions) and types, for checking
    /// example values with [`Spec::check_value`].
    scratch: Spec,
    /// New types: name, spec JSON, and shape (for reusing a type with the same fields).
    types: Vec<(String, Value, String)>,
    decisions: Vec<Note>,
}

/// What a record's fields, collected over the examples, look like.
struct FieldSample<'n> {
    name: String,
    values: Vec<&'n Node>,
    missing: bool,
}

/// Builds spec entries from a parsed page. With `known`, the spec to merge into, the import
/// uses its API conventions (envelope, page layout, credentials), reuses its records, pages and
/// enums where the examples fit them, and takes docs of fields of the same name.
pub fn build(page: &Page, known: Option<&Spec>) -> Result<Import, ImportError> {
    let mut scratch = Spec {
        file: String::new(),
        api: known.map_or_else(Api::placeholder, |s| s.api.clone()),
        types: known.map(|s| s.types.clone()).unwrap_or_default(),
        endpoints: Vec::new(),
    };
    if known.is_none() {
        scratch.api.date_format = "%Y-%-m-%-d".to_owned();
    }
    let mut cx = Infer {
        known,
        scratch,
        types: Vec::new(),
        decisions: Vec::new(),
    };
    // Blocks of the same endpoint (several examples of one call) are read together.
    let mut groups: Vec<(String, Vec<&Block>)> = Vec::new();
    for block in &page.blocks {
        let name = endpoint_name(block)?;
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, blocks)) => {
                let first = blocks[0];
                if first.method != block.method || first.path != block.path {
                    return Err(ImportError::new(
                        block.line,
                        format!(
                            "a second endpoint named `{name}`, with `{} {}`; the first, on line {}, has `{} {}`",
                            block.method, block.path, first.line, first.method, first.path
                        ),
                    ));
                }
                blocks.push(block);
            }
            None => groups.push((name, vec![block])),
        }
    }
    let single = groups.len() == 1;
    let mut endpoints = Vec::new();
    for (name, blocks) in &groups {
        endpoints.push(cx.endpoint(page, name, blocks, single)?);
    }
    infer_orders_in(&mut endpoints, known, &mut cx.decisions);
    Ok(Import {
        title: page.title.clone(),
        endpoints,
        types: cx
            .types
            .into_iter()
            .map(|(name, def, _)| (name, def))
            .collect(),
        decisions: cx.decisions,
    })
}

/// A list endpoint that a money-spending call's orders may show up in: its name, and its
/// optional `date` request fields.
struct OrderList {
    name: String,
    dates: Vec<String>,
}

/// The paging `..._list` endpoints of the import and of the known spec.
fn order_lists(endpoints: &[ImportedEndpoint], known: Option<&Spec>) -> Vec<OrderList> {
    let mut lists: Vec<OrderList> = endpoints
        .iter()
        .filter(|e| e.name.ends_with("_list") && e.entry.get("paging").is_some())
        .map(|e| OrderList {
            name: e.name.clone(),
            dates: e.entry["request"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, field)| {
                    field["type"] == "date" && field["required"] != Value::Bool(true)
                })
                .map(|(name, _)| name.clone())
                .collect(),
        })
        .collect();
    for endpoint in known.map(|s| s.endpoints.as_slice()).unwrap_or_default() {
        if endpoint.name.ends_with("_list")
            && endpoint.paging.is_some()
            && !lists.iter().any(|l| l.name == endpoint.name)
        {
            lists.push(OrderList {
                name: endpoint.name.clone(),
                dates: endpoint
                    .request
                    .iter()
                    .filter(|f| !f.required && f.ty == TypeRef::Scalar(Scalar::Date))
                    .map(|f| f.name.clone())
                    .collect(),
            });
        }
    }
    lists
}

/// `orders_in` for the calls that are not idempotent, where the names make it plain: the one
/// paging `..._list` endpoint whose name starts with the same word (`isp_ip_open` and
/// `isp_order_list`), and its one optional `date` field, or the one whose name says it starts
/// a range. Each inference, and each call left without one, is a decision to check.
fn infer_orders_in(
    endpoints: &mut [ImportedEndpoint],
    known: Option<&Spec>,
    decisions: &mut Vec<Note>,
) {
    let lists = order_lists(endpoints, known);
    for endpoint in endpoints.iter_mut() {
        if endpoint.entry["idempotent"] != Value::Bool(false) {
            continue;
        }
        let name = &endpoint.name;
        let path = child("endpoints", name);
        let word = name.split('_').next().unwrap_or_default();
        let candidates: Vec<&OrderList> = lists
            .iter()
            .filter(|l| l.name.split('_').next() == Some(word))
            .collect();
        let inferred = match candidates.as_slice() {
            [list] => {
                let since = match list.dates.as_slice() {
                    [date] => Some(date),
                    dates => {
                        let mut starts = dates.iter().filter(|d| d.contains("start"));
                        starts.next().filter(|_| starts.next().is_none())
                    }
                };
                since.map(|since| (list.name.clone(), since.clone()))
            }
            _ => None,
        };
        let Some((list, since)) = inferred else {
            decisions.push(Note::new(
                path,
                format!(
                    "reconciling: if `{name}` spends money, add `orders_in` naming the list endpoint where its orders show up"
                ),
            ));
            continue;
        };
        decisions.push(Note::new(
            child(&path, "orders_in"),
            format!(
                "reconciling: `{name}` is taken to spend money and to create orders that `{list}` lists from its `{since}` date (the names start with the same word, `{word}`); check it, or remove `orders_in` if it spends none"
            ),
        ));
        if let Value::Object(entry) = &mut endpoint.entry {
            // Placed after `idempotent`, where the spec's own endpoints have it.
            let mut ordered = Map::new();
            for (key, value) in std::mem::take(entry) {
                let after = key == "idempotent";
                ordered.insert(key, value);
                if after {
                    ordered.insert(
                        "orders_in".to_owned(),
                        serde_json::json!({ "endpoint": list, "since": since }),
                    );
                }
            }
            *entry = ordered;
        }
    }
}

/// The endpoint a request line names: the last segment of its path, in `snake_case`.
fn endpoint_name(block: &Block) -> Result<String, ImportError> {
    let segment = block
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    if segment.is_empty() {
        return Err(ImportError::new(
            block.line,
            format!(
                "the path `{}` names no endpoint; expected a path such as `/api/open/<name>`",
                block.path
            ),
        ));
    }
    let name = naming::snake(segment);
    match naming::ident_problem(&name) {
        Some(problem) => Err(ImportError::new(
            block.line,
            format!("the last segment of the path `{}`: {problem}", block.path),
        )),
        None => Ok(name),
    }
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// A doc object: the vendor's text (Chinese goes in `zh`) or the placeholder in `en`. The flag
/// says whether `en` is a placeholder.
fn vendor_doc(text: Option<&str>, placeholder: String) -> (Doc, bool) {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) if !has_cjk(text) => (
            Doc {
                en: text.to_owned(),
                zh: None,
            },
            false,
        ),
        Some(text) => (
            Doc {
                en: placeholder,
                zh: Some(text.to_owned()),
            },
            true,
        ),
        None => (
            Doc {
                en: placeholder,
                zh: None,
            },
            true,
        ),
    }
}

fn doc_json(doc: &Doc) -> Value {
    let mut map = Map::new();
    map.insert("en".to_owned(), Value::String(doc.en.clone()));
    if let Some(zh) = &doc.zh {
        map.insert("zh".to_owned(), Value::String(zh.clone()));
    }
    Value::Object(map)
}

/// Where a field's doc came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocSource {
    /// The page's comment, in English.
    Vendor,
    /// A field of the same name in the known spec.
    Borrowed,
    /// Nothing: `en` is a placeholder.
    Placeholder,
}

/// The doc of a field: from a field of the same name in the known spec (with the page's
/// comment as `zh` where it has one), else from the page's comment, else a placeholder.
fn field_doc(guess: &Guess, comment: Option<&str>, name: &str) -> (Doc, DocSource) {
    match &guess.known_doc {
        Some(known) => (
            Doc {
                en: known.en.clone(),
                zh: comment.map(str::to_owned).or_else(|| known.zh.clone()),
            },
            DocSource::Borrowed,
        ),
        None => match vendor_doc(comment, placeholder(name)) {
            (doc, true) => (doc, DocSource::Placeholder),
            (doc, false) => (doc, DocSource::Vendor),
        },
    }
}

fn borrowed_docs(names: &[String]) -> String {
    format!(
        "docs: check the docs taken from fields of the same name in the spec: {}",
        names.join(", ")
    )
}

/// Names for a message: all of them when there are a few, else how many.
fn listed(one: &str, many: &str, names: &[String]) -> String {
    match names.len() {
        1 => format!("{one} {}", names[0]),
        2..=8 => format!("{many} {}", names.join(", ")),
        n => format!("{n} {many}"),
    }
}

fn placeholder(name: &str) -> String {
    format!("`{name}` (imported; describe it)")
}

/// Names that hold unix seconds when their value looks like it.
fn timestamp_named(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with("_at") || name.ends_with("_time") || name == "time" || name == "timestamp"
}

/// Names that hold money.
fn money_named(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["money", "price", "amount", "balance", "cost", "fee", "yuan"]
        .iter()
        .any(|word| name.contains(word))
}

/// Ten digits: unix seconds between 2001 and 2286.
fn unix_seconds(n: i128) -> bool {
    (1_000_000_000..=9_999_999_999).contains(&n)
}

fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && wire::parse_date(text, "%Y-%m-%d").is_some()
}

/// The type of one scalar example value, from its name and its look.
fn guess_scalar(name: &str, value: &Value, request: bool) -> Guess {
    match value {
        Value::Null if request => Guess::new("string", Doubt::NotSendable),
        Value::Null => Guess::new("json", Doubt::Null),
        Value::Bool(_) => Guess::new("bool", Doubt::None),
        Value::Number(_) => match wire::integer(value) {
            Some(n) if timestamp_named(name) && unix_seconds(n) => {
                Guess::new("timestamp", Doubt::None)
            }
            Some(n) if request && n >= 0 && n <= i128::from(u32::MAX) => {
                Guess::new("u32", Doubt::None)
            }
            Some(n) if n > i128::from(i64::MAX) => Guess::new("u64", Doubt::None),
            Some(_) => Guess::new("i64", Doubt::None),
            None => Guess::new("decimal", Doubt::None),
        },
        Value::String(text) => guess_string(name, text, request),
        Value::Array(_) | Value::Object(_) if request => Guess::new("string", Doubt::NotSendable),
        Value::Array(_) | Value::Object(_) => Guess::new("json", Doubt::None),
    }
}

fn guess_string(name: &str, text: &str, request: bool) -> Guess {
    let text = text.trim();
    if text.is_empty() {
        return Guess::new("string", Doubt::Empty);
    }
    if is_integer_text(text) {
        let seconds = text.parse::<i128>().is_ok_and(unix_seconds);
        return if timestamp_named(name) && seconds {
            Guess::new("timestamp", Doubt::None)
        } else if money_named(name) {
            Guess::new("decimal", Doubt::None)
        } else {
            Guess::new("string", Doubt::Numeric)
        };
    }
    let decimal = text.parse::<rust_decimal::Decimal>().is_ok();
    if decimal && money_named(name) {
        return Guess::new("decimal", Doubt::None);
    }
    if decimal {
        return Guess::new("string", Doubt::Numeric);
    }
    if is_date(text) {
        return Guess::new("date", Doubt::None);
    }
    if text.parse::<IpAddr>().is_ok() {
        return Guess::new("ip", Doubt::None);
    }
    if text.contains(',') && wire::split_csv(text).all(|part| part.parse::<IpAddr>().is_ok()) {
        return Guess::new("csv<ip>", Doubt::None);
    }
    if (text.starts_with('{') || text.starts_with('['))
        && serde_json::from_str::<Value>(text).is_ok()
    {
        return if request {
            Guess::new("string", Doubt::None)
        } else {
            Guess::new("json_string", Doubt::None)
        };
    }
    if text == "true" || text == "false" {
        return Guess::new("bool", Doubt::None);
    }
    if text.chars().count() <= 24 && !text.contains(char::is_whitespace) {
        return Guess::new("string", Doubt::Word);
    }
    Guess::new("string", Doubt::None)
}

/// One type that fits two inferred scalar types' values, as `check_value` reads them.
fn unify(a: &str, b: &str) -> String {
    if a == b {
        return a.to_owned();
    }
    let pair = if a < b { (a, b) } else { (b, a) };
    let ty = match pair {
        ("i64", "timestamp") => "timestamp",
        ("decimal", "i64" | "timestamp" | "u64") => "decimal",
        ("csv<ip>", "ip") => "csv<ip>",
        ("string", other) | (other, "string")
            if !matches!(other, "bool" | "json") && !other.starts_with("list<") =>
        {
            "string"
        }
        _ => "json",
    };
    ty.to_owned()
}

/// Whether a request field may have this type: scalars other than JSON, enums, `csv<T>`.
fn sendable(spec: &Spec, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Scalar(s) => !matches!(s, Scalar::Json | Scalar::JsonString),
        TypeRef::Csv(inner) => sendable(spec, inner),
        TypeRef::Named(name) => matches!(
            spec.type_def(name).map(|t| &t.kind),
            Some(TypeKind::Enum { .. })
        ),
        TypeRef::List(_) | TypeRef::Empty => false,
    }
}

impl Infer<'_> {
    fn decide(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.decisions.push(Note::new(path, message));
    }

    /// Whether every value fits the type expression `ty`, by the spec's own check.
    fn fits(&self, ty: &str, nullable: bool, values: &[&Node]) -> bool {
        match TypeRef::parse(ty) {
            Ok(ty) => values.iter().all(|v| {
                self.scratch
                    .check_value(&ty, nullable, &v.to_json())
                    .is_ok()
            }),
            Err(_) => false,
        }
    }

    /// The type and doc of a field of the same name in the known spec that the values fit.
    fn known_field(&self, name: &str, values: &[&Node], request: bool) -> Option<Guess> {
        let known = self.known?;
        let requests = known.endpoints.iter().flat_map(|e| e.request.iter());
        let records = known.types.iter().flat_map(|t| match &t.kind {
            TypeKind::Record { fields } => fields.iter(),
            _ => [].iter(),
        });
        let candidates: Vec<&Field> = if request {
            requests.chain(records).collect()
        } else {
            records.chain(requests).collect()
        };
        let useful: Vec<&Node> = values
            .iter()
            .copied()
            .filter(|v| !matches!(&v.value, NodeValue::String(s) if s.is_empty()))
            .collect();
        candidates.into_iter().find_map(|field| {
            if field.name != name || (request && !sendable(known, &field.ty)) {
                return None;
            }
            let fits = useful.iter().all(|v| {
                known
                    .check_value(&field.ty, !request && field.nullable, &v.to_json())
                    .is_ok()
            });
            fits.then(|| Guess {
                ty: field.ty.to_string(),
                nullable: !request && field.nullable,
                doubt: Doubt::None,
                known_doc: Some(field.doc.clone()),
            })
        })
    }

    fn fresh_name(&self, base: &str) -> String {
        let taken = |name: &str| {
            self.scratch.type_def(name).is_some() || self.types.iter().any(|(n, _, _)| n == name)
        };
        if !taken(base) {
            return base.to_owned();
        }
        (2..)
            .map(|i| format!("{base}{i}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| base.to_owned())
    }

    /// Registers a new type, or returns the one with the same shape; the flag says whether an
    /// earlier type was reused.
    fn add_type(&mut self, base: &str, def: Value, shape: String) -> (String, bool) {
        if let Some((name, _, _)) = self.types.iter().find(|(_, _, s)| *s == shape) {
            return (name.clone(), true);
        }
        let name = self.fresh_name(base);
        self.types.push((name.clone(), def, shape));
        (name, false)
    }

    /// The type of a record field (or a list item) from its values in every example.
    fn value_type(&mut self, owner: &str, name: &str, values: &[&Node], missing: bool) -> Guess {
        let present: Vec<&Node> = values.iter().copied().filter(|v| !v.is_null()).collect();
        let nullable = missing || present.len() < values.len();
        if let Some(mut guess) = self.known_field(name, &present, false) {
            guess.nullable |= nullable;
            return guess;
        }
        if present.is_empty() {
            let mut guess = Guess::new("json", Doubt::Null);
            guess.nullable = true;
            return guess;
        }
        let mut guess = if present.iter().all(|v| v.members().is_some()) {
            let base = format!("{owner}{}", naming::camel(name));
            let doc = format!("`{name}` of `{owner}` (imported; describe it)");
            match self.record(&base, doc, &present) {
                Some(record) => Guess::new(record, Doubt::None),
                None => Guess::new("json", Doubt::None),
            }
        } else if present.iter().all(|v| v.items().is_some()) {
            let items: Vec<&Node> = present
                .iter()
                .flat_map(|v| v.items().unwrap_or_default())
                .collect();
            if items.is_empty() {
                Guess::new("list<json>", Doubt::EmptyList)
            } else {
                let item = self.value_type(
                    &format!("{owner}{}", naming::camel(name)),
                    "item",
                    &items,
                    false,
                );
                if item.nullable {
                    Guess::new("json", Doubt::None)
                } else {
                    Guess::new(format!("list<{}>", item.ty), item.doubt)
                }
            }
        } else if present
            .iter()
            .all(|v| v.members().is_none() && v.items().is_none())
        {
            let guesses: Vec<Guess> = present
                .iter()
                .map(|v| guess_scalar(name, &v.to_json(), false))
                .collect();
            let ty = guesses
                .iter()
                .skip(1)
                .fold(guesses[0].ty.clone(), |ty, g| unify(&ty, &g.ty));
            let doubt = guesses
                .iter()
                .find(|g| g.ty == ty)
                .map_or(Doubt::None, |g| g.doubt);
            if self.fits(&ty, false, &present) {
                Guess::new(ty, doubt)
            } else {
                Guess::new("json", Doubt::None)
            }
        } else {
            Guess::new("json", Doubt::None)
        };
        guess.nullable = nullable;
        guess
    }

    /// A known record whose fields are exactly the keys of every object, and that every object
    /// fits.
    fn known_record(&self, objects: &[&Node]) -> Option<String> {
        let known = self.known?;
        known.types.iter().find_map(|def| {
            let TypeKind::Record { fields } = &def.kind else {
                return None;
            };
            let ty = TypeRef::Named(def.name.clone());
            let fits = objects.iter().all(|object| {
                let members = object.members().unwrap_or_default();
                members.len() == fields.len()
                    && members
                        .iter()
                        .all(|(key, _)| fields.iter().any(|f| &f.name == key))
                    && known.check_value(&ty, false, &object.to_json()).is_ok()
            });
            fits.then(|| def.name.clone())
        })
    }

    /// A record from example objects, or `None` when they have no fields. Returns the type's
    /// name: a known record that fits, an earlier one with the same shape, or a new one.
    fn record(&mut self, base: &str, placeholder_doc: String, objects: &[&Node]) -> Option<String> {
        self.record_reused(base, placeholder_doc, objects)
            .map(|(name, _)| name)
    }

    fn record_reused(
        &mut self,
        base: &str,
        placeholder_doc: String,
        objects: &[&Node],
    ) -> Option<(String, bool)> {
        if objects
            .iter()
            .all(|o| o.members().is_none_or(<[_]>::is_empty))
        {
            return None;
        }
        if let Some(name) = self.known_record(objects) {
            return Some((name, true));
        }
        let mut samples: Vec<FieldSample> = Vec::new();
        for object in objects {
            for (key, value) in object.members().unwrap_or_default() {
                match samples.iter_mut().find(|s| s.name == *key) {
                    Some(sample) => sample.values.push(value),
                    None => samples.push(FieldSample {
                        name: key.clone(),
                        values: vec![value],
                        missing: false,
                    }),
                }
            }
        }
        for sample in &mut samples {
            sample.missing = sample.values.len() < objects.len();
        }
        let path = child("types", base);
        let comment = objects.iter().find_map(|o| o.comment.as_deref());
        let (doc, _) = vendor_doc(comment, placeholder_doc);
        let mut fields = Map::new();
        let mut shape = String::from("record");
        let mut nulls = Vec::new();
        let mut numeric = Vec::new();
        let mut empty_lists = Vec::new();
        let mut undocumented = Vec::new();
        let mut borrowed = Vec::new();
        for sample in &samples {
            let guess = self.value_type(base, &sample.name, &sample.values, sample.missing);
            let comment = sample.values.iter().find_map(|v| v.comment.as_deref());
            let (doc, source) = field_doc(&guess, comment, &sample.name);
            match source {
                DocSource::Placeholder => undocumented.push(format!("`{}`", sample.name)),
                DocSource::Borrowed => borrowed.push(format!("`{}`", sample.name)),
                DocSource::Vendor => {}
            }
            let example = sample
                .values
                .iter()
                .find(|v| !v.is_null())
                .map(|v| v.to_json());
            match guess.doubt {
                Doubt::Null => nulls.push(format!("`{}`", sample.name)),
                Doubt::Numeric => numeric.push(format!(
                    "`{}` ({})",
                    sample.name,
                    example.as_ref().map(show).unwrap_or_default()
                )),
                Doubt::EmptyList => empty_lists.push(format!("`{}`", sample.name)),
                _ => {}
            }
            shape.push_str(&format!("|{}:{}:{}", sample.name, guess.ty, guess.nullable));
            let mut field = Map::new();
            field.insert("type".to_owned(), Value::String(guess.ty.clone()));
            if guess.nullable {
                field.insert("nullable".to_owned(), Value::Bool(true));
            }
            field.insert("doc".to_owned(), doc_json(&doc));
            fields.insert(sample.name.clone(), Value::Object(field));
        }
        let def = serde_json::json!({ "kind": "record", "doc": doc_json(&doc), "fields": fields });
        let (name, reused) = self.add_type(base, def, shape);
        if reused {
            return Some((name, true));
        }
        let path = if name == base {
            path
        } else {
            child("types", &name)
        };
        if !nulls.is_empty() {
            self.decide(
                &path,
                format!(
                    "types unknown: `null` in every example, so imported as nullable `json`: {}; give each its type",
                    nulls.join(", ")
                ),
            );
        }
        if !numeric.is_empty() {
            self.decide(
                &path,
                format!(
                    "ids or numbers: numeric-looking strings, imported as `string`: {}; keep `string` for ids and codes, or use an integer type or an integer enum",
                    numeric.join(", ")
                ),
            );
        }
        if !empty_lists.is_empty() {
            self.decide(
                &path,
                format!(
                    "item types unknown: empty lists in every example, imported as `list<json>`: {}",
                    empty_lists.join(", ")
                ),
            );
        }
        let what = if undocumented.is_empty() {
            format!("docs: describe the record `{name}` in English")
        } else {
            format!(
                "docs: describe the record `{name}` and its {} in English (imported with placeholders; the vendor's comments are kept in `zh`)",
                listed("field", "fields", &undocumented)
            )
        };
        self.decide(&path, what);
        if !borrowed.is_empty() {
            self.decide(&path, borrowed_docs(&borrowed));
        }
        Some((name, false))
    }

    /// The endpoint of one or more blocks with the same method and path.
    fn endpoint(
        &mut self,
        page: &Page,
        name: &str,
        blocks: &[&Block],
        single: bool,
    ) -> Result<ImportedEndpoint, ImportError> {
        let first = blocks[0];
        let path = child("endpoints", name);
        let method = match first.method.as_str() {
            "GET" | "POST" => first.method.clone(),
            other => {
                return Err(ImportError::new(
                    first.line,
                    format!("unsupported method `{other}` of `{name}`; expected `GET` or `POST`"),
                ));
            }
        };
        let envelope = self.scratch.api.envelope.clone();
        let credentials: Vec<String> = match self.known {
            Some(spec) => spec.api.auth.iter().map(|a| a.name.clone()).collect(),
            None => vec!["uid".to_owned(), "appkey".to_owned()],
        };
        // Each block: its request (an object, or none) and its responses.
        let mut requests: Vec<Option<&Node>> = Vec::new();
        let mut examples: Vec<(Option<&Node>, &Node, &Block)> = Vec::new();
        let mut has_body = false;
        for block in blocks {
            let is_envelope = |node: &Node| {
                node.get(&envelope.status).is_some() || node.get(&envelope.data).is_some()
            };
            let mut bodies = block.bodies.iter();
            let request = match block.bodies.first() {
                Some(node) if method != "GET" && !is_envelope(node) => {
                    bodies.next();
                    if node.members().is_none() {
                        return Err(ImportError::new(
                            node.line,
                            format!(
                                "expected the request body of `{name}` to be an object of fields, found {}",
                                node.kind()
                            ),
                        ));
                    }
                    has_body = true;
                    Some(node)
                }
                _ => None,
            };
            requests.push(request);
            for response in bodies {
                if !is_envelope(response) {
                    return Err(ImportError::new(
                        response.line,
                        format!(
                            "expected the response of `{name}` to be an envelope object with `{}` and `{}`, found {}",
                            envelope.status,
                            envelope.data,
                            response.kind()
                        ),
                    ));
                }
                examples.push((request, response, block));
            }
        }
        let has_request = has_body || blocks.iter().any(|b| !b.query.is_empty());

        // Request fields: the query and the body's members, over every example.
        let mut query_nodes: Vec<(String, Node)> = Vec::new();
        for block in blocks {
            for (key, value) in &block.query {
                query_nodes.push((
                    key.clone(),
                    Node {
                        line: block.line,
                        comment: None,
                        value: NodeValue::String(value.clone()),
                    },
                ));
            }
        }
        let mut field_values: Vec<(String, Vec<&Node>)> = Vec::new();
        let members = query_nodes.iter().chain(
            requests
                .iter()
                .flatten()
                .flat_map(|r| r.members().unwrap_or_default()),
        );
        let mut dropped = Vec::new();
        for (key, value) in members {
            if credentials.contains(key) {
                if !dropped.contains(key) {
                    dropped.push(key.clone());
                }
                continue;
            }
            match field_values.iter_mut().find(|(k, _)| k == key) {
                Some((_, values)) => values.push(value),
                None => field_values.push((key.clone(), vec![value])),
            }
        }

        // Data of the successful responses.
        let success = |response: &Node| match response.get(&envelope.status).map(Node::to_json) {
            Some(status) => wire::integer(&status) == Some(i128::from(envelope.success)),
            None => true,
        };
        let data: Vec<&Node> = examples
            .iter()
            .filter(|(_, response, _)| success(response))
            .filter_map(|(_, response, _)| response.get(&envelope.data))
            .collect();
        let layout = self.scratch.api.page.clone();
        let page_shaped = !data.is_empty()
            && data.iter().all(|d| {
                [
                    &layout.total,
                    &layout.per_page,
                    &layout.current_page,
                    &layout.last_page,
                ]
                .iter()
                .all(|key| d.get(key).is_some())
                    && d.get(&layout.items).and_then(Node::items).is_some()
            });
        let has_paging_fields = ["page", "limit"]
            .iter()
            .all(|f| field_values.iter().any(|(k, _)| k == f));
        let paging = page_shaped && has_paging_fields;

        // The request fields.
        let mut request_map = Map::new();
        let (mut words, mut numeric, mut empty, mut unsendable) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut undocumented, mut borrowed) = (Vec::new(), Vec::new());
        for (key, values) in &field_values {
            let useful: Vec<&Node> = values
                .iter()
                .copied()
                .filter(|v| !matches!(&v.value, NodeValue::String(s) if s.trim().is_empty()))
                .collect();
            let example = useful.first().map(|v| v.to_json());
            let guess = if paging && (key == "page" || key == "limit") {
                Guess::new("u32", Doubt::None)
            } else if let Some(known) = self.known_field(key, &useful, true) {
                known
            } else if useful.is_empty() {
                Guess::new("string", Doubt::Empty)
            } else {
                let guesses: Vec<Guess> = useful
                    .iter()
                    .map(|v| guess_scalar(key, &v.to_json(), true))
                    .collect();
                let ty = guesses
                    .iter()
                    .skip(1)
                    .fold(guesses[0].ty.clone(), |ty, g| unify(&ty, &g.ty));
                let doubt = guesses
                    .iter()
                    .find(|g| g.doubt == Doubt::NotSendable)
                    .or_else(|| guesses.iter().find(|g| g.ty == ty))
                    .map_or(Doubt::None, |g| g.doubt);
                if ty == "json" || !self.fits(&ty, false, &useful) {
                    Guess::new("string", Doubt::NotSendable)
                } else {
                    Guess::new(ty, doubt)
                }
            };
            let shown = example.as_ref().map(show).unwrap_or_default();
            match guess.doubt {
                Doubt::Word => words.push(format!("`{key}` ({shown})")),
                Doubt::Numeric => numeric.push(format!("`{key}` ({shown})")),
                Doubt::Empty => empty.push(format!("`{key}`")),
                Doubt::NotSendable => unsendable.push(format!(
                    "`{key}` ({})",
                    values.first().map_or("empty", |v| v.kind())
                )),
                _ => {}
            }
            let comment = values.iter().find_map(|v| v.comment.as_deref());
            let (doc, source) = field_doc(&guess, comment, key);
            match source {
                DocSource::Placeholder => undocumented.push(format!("`{key}`")),
                DocSource::Borrowed => borrowed.push(format!("`{key}`")),
                DocSource::Vendor => {}
            }
            let mut field = Map::new();
            field.insert("type".to_owned(), Value::String(guess.ty.clone()));
            field.insert("required".to_owned(), Value::Bool(false));
            field.insert("doc".to_owned(), doc_json(&doc));
            if let Some(example) = example.filter(|_| guess.doubt != Doubt::NotSendable) {
                field.insert("example".to_owned(), example);
            }
            request_map.insert(key.clone(), Value::Object(field));
        }

        // The response type.
        let camel = naming::camel(name);
        let mut reused = None;
        let response = if data.is_empty() {
            self.decide(
                &path,
                if examples.is_empty() {
                    format!("response: the page shows no response of `{name}`, so its type is unknown (`json`)")
                } else {
                    format!("response: the page shows no successful response of `{name}`, so its type is unknown (`json`)")
                },
            );
            "json".to_owned()
        } else if paging {
            let items: Vec<&Node> = data
                .iter()
                .filter_map(|d| d.get(&layout.items))
                .flat_map(|i| i.items().unwrap_or_default())
                .collect();
            let item = if items.iter().all(|i| i.members().is_some()) && !items.is_empty() {
                let doc = format!("An item of the page of `{name}` (imported; describe it)");
                match self.record_reused(&format!("{camel}Item"), doc, &items) {
                    Some((record, was_reused)) => {
                        if was_reused {
                            reused = Some(record.clone());
                        }
                        record
                    }
                    None => "json".to_owned(),
                }
            } else {
                self.decide(
                    &path,
                    format!(
                        "page items: the example page of `{name}` has no items, so their shape is unknown and they are imported as `json`"
                    ),
                );
                "json".to_owned()
            };
            let known_page = self.known.and_then(|spec| {
                spec.types.iter().find_map(|t| match &t.kind {
                    TypeKind::Page {
                        item: TypeRef::Named(i),
                    } if *i == item => Some(t.name.clone()),
                    _ => None,
                })
            });
            match known_page {
                Some(page_type) => page_type,
                None => {
                    let comment = data.iter().find_map(|d| d.comment.as_deref());
                    let (doc, _) = vendor_doc(
                        comment,
                        format!("One page of `{name}` (imported; describe it)"),
                    );
                    let def =
                        serde_json::json!({ "kind": "page", "item": item, "doc": doc_json(&doc) });
                    // Pages of unknown items are kept apart: their items may differ.
                    let shape = if item == "json" {
                        format!("page:{name}")
                    } else {
                        format!("page:{item}")
                    };
                    let (page_type, was_reused) =
                        self.add_type(&format!("{camel}Page"), def, shape);
                    if was_reused {
                        reused = Some(page_type.clone());
                    }
                    page_type
                }
            }
        } else if data.iter().all(|d| d.items().is_some_and(<[_]>::is_empty)) {
            "empty".to_owned()
        } else if data.iter().all(|d| d.members().is_some()) {
            if page_shaped {
                self.decide(
                    &path,
                    format!(
                        "paging: the data of `{name}` looks like a page, but the request has no `page` and `limit`, so it is imported as a record"
                    ),
                );
            }
            let doc = format!("The data of `{name}` (imported; describe it)");
            match self.record_reused(&format!("{camel}Data"), doc, &data) {
                Some((record, was_reused)) => {
                    if was_reused {
                        reused = Some(record.clone());
                    }
                    record
                }
                None => "json".to_owned(),
            }
        } else if data.iter().all(|d| d.items().is_some()) {
            let items: Vec<&Node> = data
                .iter()
                .flat_map(|d| d.items().unwrap_or_default())
                .collect();
            if items.iter().all(|i| i.members().is_some()) {
                let doc = format!("An item of the list `{name}` returns (imported; describe it)");
                match self.record_reused(&format!("{camel}Item"), doc, &items) {
                    Some((record, was_reused)) => {
                        if was_reused {
                            reused = Some(record.clone());
                        }
                        format!("list<{record}>")
                    }
                    None => "list<json>".to_owned(),
                }
            } else {
                let item = self.value_type(&camel, "item", &items, false);
                if item.nullable {
                    "list<json>".to_owned()
                } else {
                    format!("list<{}>", item.ty)
                }
            }
        } else if data.iter().any(|d| d.is_null()) {
            self.decide(
                &path,
                format!(
                    "response: the data of `{name}` is `null` in an example, which no response type accepts; imported as `empty`"
                ),
            );
            "empty".to_owned()
        } else {
            self.value_type(&camel, "data", &data, false).ty
        };
        if let Some(record) = reused.filter(|r| !r.starts_with(&camel)) {
            if self.scratch.type_def(&record).is_none() {
                self.decide(
                    &path,
                    format!(
                        "shared type: `{name}` returns the same shape as `{record}`, so it uses that type; rename it to fit both"
                    ),
                );
            }
        }

        // Idempotence, from the name.
        let idempotent = if name.ends_with("_list") {
            true
        } else if name.ends_with("_open") || name.ends_with("_renew") {
            false
        } else {
            self.decide(
                &path,
                format!(
                    "idempotent: is `{name}` safe to send twice? it is imported as `false` (sent once, never retried); say `true` for lookups"
                ),
            );
            false
        };

        // Encoding, from the Content-Type header.
        let mut encoding = None;
        if let Some(content_type) = first.header("content-type") {
            let found = if content_type.contains("multipart/form-data") {
                Some(Encoding::Multipart)
            } else if content_type.contains("x-www-form-urlencoded") {
                Some(Encoding::Form)
            } else if content_type.contains("json") {
                Some(Encoding::Json)
            } else {
                None
            };
            match found {
                Some(found) if found != self.scratch.api.encoding => encoding = Some(found),
                Some(_) => {}
                None => self.decide(
                    &path,
                    format!("encoding: unknown content type `{content_type}` of `{name}`; the API's default encoding is used"),
                ),
            }
        }

        // The doc, from the heading or the page's title.
        let heading = blocks.iter().find_map(|b| b.heading.as_deref());
        let title = page.title.as_deref();
        let (doc, is_placeholder) = match (heading, title) {
            (Some(heading), _) => vendor_doc(Some(heading), placeholder(name)),
            (None, Some(title)) if single => vendor_doc(Some(title), placeholder(name)),
            (None, Some(title)) => vendor_doc(
                None,
                format!("`{name}` (imported from the vendor page “{title}”; describe it)"),
            ),
            (None, None) => vendor_doc(None, placeholder(name)),
        };

        if !request_map.is_empty() {
            let names: Vec<String> = request_map.keys().map(|k| format!("`{k}`")).collect();
            self.decide(
                child(&path, "request"),
                format!(
                    "requiredness: the page does not say which fields `{name}` needs, so all are imported as optional: {}",
                    names.join(", ")
                ),
            );
        }
        if !words.is_empty() {
            self.decide(
                child(&path, "request"),
                format!(
                    "enums: strings that may be enums or free text, imported as `string`: {}; give each enum a type",
                    words.join(", ")
                ),
            );
        }
        if !numeric.is_empty() {
            self.decide(
                child(&path, "request"),
                format!(
                    "ids or numbers: numeric-looking strings, imported as `string`: {}; keep `string` for ids, or use `u32`, `u64` or an integer enum",
                    numeric.join(", ")
                ),
            );
        }
        if !empty.is_empty() {
            self.decide(
                child(&path, "request"),
                format!(
                    "types unknown: empty in every example, so imported as `string`: {}",
                    empty.join(", ")
                ),
            );
        }
        if !unsendable.is_empty() {
            self.decide(
                child(&path, "request"),
                format!(
                    "not sendable: values a form cannot send as shown, imported as `string` without an example: {}",
                    unsendable.join(", ")
                ),
            );
        }
        if !dropped.is_empty() {
            let names: Vec<String> = dropped.iter().map(|k| format!("`{k}`")).collect();
            self.decide(
                child(&path, "request"),
                format!(
                    "credentials: left out of the request, since the client sends them with every call: {}",
                    names.join(", ")
                ),
            );
        }
        if method == "GET" && !credentials.is_empty() {
            self.decide(
                child(&path, "method"),
                format!("method: `{name}` is documented as `GET`, but a `GET` call would send the credentials in the URL; check whether `POST` works"),
            );
        }
        if is_placeholder || !undocumented.is_empty() {
            let mut what = Vec::new();
            if is_placeholder {
                what.push(format!("`{name}`"));
            }
            if !undocumented.is_empty() {
                what.push(format!(
                    "its {}",
                    listed("request field", "request fields", &undocumented)
                ));
            }
            self.decide(
                &path,
                format!(
                    "docs: describe {} in English (imported with placeholders)",
                    what.join(" and ")
                ),
            );
        }
        if !borrowed.is_empty() {
            self.decide(child(&path, "request"), borrowed_docs(&borrowed));
        }

        // The entry, in the spec's key order.
        let mut entry = Map::new();
        entry.insert("method".to_owned(), Value::String(method));
        entry.insert("path".to_owned(), Value::String(first.path.clone()));
        entry.insert("doc".to_owned(), doc_json(&doc));
        if let Some(encoding) = encoding {
            entry.insert(
                "encoding".to_owned(),
                Value::String(encoding.name().to_owned()),
            );
        }
        entry.insert("idempotent".to_owned(), Value::Bool(idempotent));
        if paging {
            entry.insert(
                "paging".to_owned(),
                serde_json::json!({ "page": "page", "limit": "limit" }),
            );
        }
        entry.insert("request".to_owned(), Value::Object(request_map));
        entry.insert("response".to_owned(), Value::String(response));
        let example_values: Vec<Value> = examples
            .iter()
            .map(|(request, response, block)| {
                let mut fields = Map::new();
                for (key, value) in &block.query {
                    if !credentials.contains(key) {
                        fields.insert(key.clone(), Value::String(value.clone()));
                    }
                }
                for (key, value) in request.and_then(Node::members).unwrap_or_default() {
                    if !credentials.contains(key) {
                        fields.insert(key.clone(), value.to_json());
                    }
                }
                serde_json::json!({ "request": fields, "response": response.to_json() })
            })
            .collect();
        if !example_values.is_empty() {
            entry.insert("examples".to_owned(), Value::Array(example_values));
        }

        let request: Vec<(String, Node)> = field_values
            .iter()
            .filter_map(|(key, values)| {
                let node = values
                    .iter()
                    .find(|v| !matches!(&v.value, NodeValue::String(s) if s.is_empty()))
                    .or(values.first())?;
                Some((key.clone(), (*node).clone()))
            })
            .collect();
        Ok(ImportedEndpoint {
            name: name.to_owned(),
            line: first.line,
            entry: Value::Object(entry),
            has_request,
            request,
            data: data.into_iter().cloned().collect(),
            has_heading: heading.is_some() || (single && title.is_some()),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Merging into a spec
// ---------------------------------------------------------------------------------------------

/// The result of [`merge`]: the merged spec and what it did not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The spec with the new endpoints and types added; nothing in it was overwritten.
    pub spec: Value,
    /// The endpoints that were added.
    pub added_endpoints: Vec<String>,
    /// The types that were added.
    pub added_types: Vec<String>,
    /// The endpoints that were already in the spec.
    pub existing: Vec<String>,
    /// What a person must still decide about what was added.
    pub decisions: Vec<Note>,
    /// Where the page and the spec differ in a way the spec can live with: a field on one side
    /// only, a different guess of `idempotent`, another doc.
    pub differences: Vec<Note>,
    /// Where the spec and the page cannot both be right: another path or method, an example
    /// value that does not fit the spec's type, a field the spec requires that the page does
    /// not send, or a merged spec that does not validate.
    pub conflicts: Vec<Note>,
}

/// Imports a page into the spec `spec`, whose JSON is `spec_json`; see [`import`] and
/// [`merge`].
pub fn import_into(text: &str, spec: &Spec, spec_json: &Value) -> Result<Merge, ImportError> {
    let import = import(text, Some(spec))?;
    Ok(merge(&import, spec, spec_json))
}

/// Adds the endpoints of `import` that `spec` lacks (with the types they use) to `spec_json`,
/// the spec as JSON, and reports how the other endpoints differ from or conflict with the
/// spec. Nothing in the spec is overwritten. Build `import` with `spec` as its known spec, so
/// that it reuses the spec's types.
pub fn merge(import: &Import, spec: &Spec, spec_json: &Value) -> Merge {
    let mut merged = spec_json.clone();
    let mut result = Merge {
        spec: Value::Null,
        added_endpoints: Vec::new(),
        added_types: Vec::new(),
        existing: Vec::new(),
        decisions: Vec::new(),
        differences: Vec::new(),
        conflicts: Vec::new(),
    };
    let mut wanted_types: Vec<String> = Vec::new();
    for imported in &import.endpoints {
        let entry = &imported.entry;
        let method = entry["method"].as_str().unwrap_or_default();
        let url_path = entry["path"].as_str().unwrap_or_default();
        if let Some(existing) = spec.endpoint(&imported.name) {
            result.existing.push(imported.name.clone());
            compare_endpoint(spec, existing, imported, &mut result);
            continue;
        }
        let route = |m: &str, p: &str| format!("{m} {}", p.trim_end_matches('/'));
        if let Some(other) = spec
            .endpoints
            .iter()
            .find(|e| route(e.method.name(), &e.url_path) == route(method, url_path))
        {
            result.conflicts.push(Note::new(
                child(&other.path, "path"),
                format!(
                    "`{method} {url_path}` of `{}` (line {} of the page) is already the path of `{}`; not added",
                    imported.name, imported.line, other.name
                ),
            ));
            continue;
        }
        if let Some(endpoints) = merged.get_mut("endpoints").and_then(Value::as_object_mut) {
            endpoints.insert(imported.name.clone(), entry.clone());
        }
        result.added_endpoints.push(imported.name.clone());
        collect_refs(entry.get("response"), &mut wanted_types);
        if let Some(fields) = entry.get("request").and_then(Value::as_object) {
            for field in fields.values() {
                collect_refs(field.get("type"), &mut wanted_types);
            }
        }
    }
    // The new types the added endpoints use, and the types those use.
    let mut i = 0;
    while i < wanted_types.len() {
        let name = wanted_types[i].clone();
        i += 1;
        let Some(def) = import.types.get(&name) else {
            continue;
        };
        if spec.type_def(&name).is_some() {
            result.conflicts.push(Note::new(
                child("types", &name),
                format!("the import infers a type `{name}` that the spec already has; not added"),
            ));
            continue;
        }
        collect_refs(def.get("item"), &mut wanted_types);
        if let Some(fields) = def.get("fields").and_then(Value::as_object) {
            for field in fields.values() {
                collect_refs(field.get("type"), &mut wanted_types);
            }
        }
        if let Some(types) = merged.get_mut("types").and_then(Value::as_object_mut) {
            types.insert(name.clone(), def.clone());
        }
        result.added_types.push(name);
    }
    // Decisions about what was added; the rest the spec has already decided.
    result.decisions = import
        .decisions
        .iter()
        .filter(|note| {
            result
                .added_endpoints
                .iter()
                .map(|n| child("endpoints", n))
                .chain(result.added_types.iter().map(|n| child("types", n)))
                .any(|prefix| note.path == prefix || note.path.starts_with(&format!("{prefix}.")))
        })
        .cloned()
        .collect();
    if !result.added_endpoints.is_empty() {
        result
            .conflicts
            .extend(validate(&merged, "the merged spec would not validate"));
    }
    dedup(&mut result.differences);
    dedup(&mut result.conflicts);
    result.spec = merged;
    result
}

fn dedup(notes: &mut Vec<Note>) {
    let mut seen = Vec::new();
    notes.retain(|note| {
        if seen.contains(note) {
            false
        } else {
            seen.push(note.clone());
            true
        }
    });
}

/// The named types in a type expression (a JSON string).
fn collect_refs(ty: Option<&Value>, into: &mut Vec<String>) {
    let Some(text) = ty.and_then(Value::as_str) else {
        return;
    };
    if let Some(name) = TypeRef::parse(text).ok().as_ref().and_then(TypeRef::named) {
        if !into.iter().any(|n| n == name) {
            into.push(name.to_owned());
        }
    }
}

fn show(value: &Value) -> String {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    format!("`{}`", clip(&text, 41))
}

fn compare_endpoint(
    spec: &Spec,
    existing: &Endpoint,
    imported: &ImportedEndpoint,
    out: &mut Merge,
) {
    let entry = &imported.entry;
    let name = &imported.name;
    let at = |key: &str| child(&existing.path, key);
    let method = entry["method"].as_str().unwrap_or_default();
    let url_path = entry["path"].as_str().unwrap_or_default();
    if method != existing.method.name() {
        out.conflicts.push(Note::new(
            at("method"),
            format!(
                "the page (line {}) sends `{name}` as `{method}`, the spec as `{}`",
                imported.line,
                existing.method.name()
            ),
        ));
    }
    if url_path.trim_end_matches('/') != existing.url_path.trim_end_matches('/') {
        out.conflicts.push(Note::new(
            at("path"),
            format!(
                "the page (line {}) has the path `{url_path}` for `{name}`, the spec has `{}`",
                imported.line, existing.url_path
            ),
        ));
    }
    let encoding = entry
        .get("encoding")
        .and_then(Value::as_str)
        .unwrap_or(spec.api.encoding.name());
    if encoding != spec.encoding(existing).name() {
        out.differences.push(Note::new(
            at("encoding"),
            format!(
                "the page sends `{name}` as `{encoding}`, the spec as `{}`",
                spec.encoding(existing).name()
            ),
        ));
    }
    let idempotent = entry["idempotent"].as_bool().unwrap_or(false);
    if idempotent != existing.idempotent {
        out.differences.push(Note::new(
            at("idempotent"),
            format!(
                "the import guesses `idempotent: {idempotent}` for `{name}` from its name; the spec says `{}`",
                existing.idempotent
            ),
        ));
    }
    if let Some(orders_in) = entry.get("orders_in") {
        let (list, since) = (orders_in["endpoint"].as_str(), orders_in["since"].as_str());
        let same = existing
            .orders_in
            .as_ref()
            .is_some_and(|o| Some(o.endpoint.as_str()) == list && Some(o.since.as_str()) == since);
        if !same {
            let spec_says = existing.orders_in.as_ref().map_or_else(
                || "has no `orders_in`".to_owned(),
                |o| format!("says `{}` from `{}`", o.endpoint, o.since),
            );
            out.differences.push(Note::new(
                at("orders_in"),
                format!(
                    "the import guesses that `{name}` creates orders listed by `{}` from `{}`; the spec {spec_says}",
                    list.unwrap_or_default(),
                    since.unwrap_or_default()
                ),
            ));
        }
    }
    match (entry.get("paging").is_some(), existing.paging.is_some()) {
        (true, false) => out.differences.push(Note::new(
            &existing.path,
            format!("the page shows `{name}` paging; the spec has no `paging`"),
        )),
        (false, true) if !imported.data.is_empty() => out.differences.push(Note::new(
            at("paging"),
            format!("the page does not show `{name}` paging; the spec does"),
        )),
        _ => {}
    }
    if imported.has_heading {
        let zh = entry["doc"]["zh"].as_str();
        if zh.is_some() && zh != existing.doc.zh.as_deref() {
            out.differences.push(Note::new(
                at("doc"),
                format!(
                    "the page calls `{name}` “{}”; the spec's doc says “{}”",
                    zh.unwrap_or_default(),
                    existing.doc.zh.as_deref().unwrap_or(&existing.doc.en)
                ),
            ));
        }
    }

    // Request fields.
    if imported.has_request {
        for (key, node) in &imported.request {
            let value = node.to_json();
            match existing.request.iter().find(|f| &f.name == key) {
                None => out.differences.push(Note::new(
                    at("request"),
                    format!(
                        "the page sends `{key}` ({}) to `{name}`, which the spec does not have; not added",
                        show(&value)
                    ),
                )),
                Some(field) => {
                    compare_doc(&field.doc, node, &field.path, key, out);
                    if !field.required && value.as_str() == Some("") {
                        continue;
                    }
                    if let Err(problem) = spec
                        .check_value(&field.ty, false, &value)
                        .and_then(|()| ipidea_spec::check_bounds(field, &value))
                    {
                        out.conflicts.push(Note::new(
                            child(&field.path, "type"),
                            format!(
                                "the page's example {} of `{key}` (line {}) does not fit the spec's `{}`: {problem}",
                                show(&value),
                                node.line,
                                field.ty
                            ),
                        ));
                    }
                }
            }
        }
        for field in &existing.request {
            if imported.request.iter().any(|(k, _)| *k == field.name) {
                continue;
            }
            if field.required {
                out.conflicts.push(Note::new(
                    &field.path,
                    format!(
                        "the spec requires `{}` of `{name}`, but the page's example does not send it",
                        field.name
                    ),
                ));
            } else {
                out.differences.push(Note::new(
                    &field.path,
                    format!(
                        "the spec has the optional field `{}` of `{name}`, which the page's example does not show",
                        field.name
                    ),
                ));
            }
        }
    } else if !existing.request.is_empty() {
        out.differences.push(Note::new(
            at("request"),
            format!("the page shows no request body for `{name}`, so its fields are not compared"),
        ));
    }

    // The response data.
    for data in &imported.data {
        compare_value(
            spec,
            &existing.response,
            false,
            data,
            &at("response"),
            0,
            out,
        );
    }
}

fn compare_doc(doc: &Doc, node: &Node, path: &str, name: &str, out: &mut Merge) {
    let Some(comment) = node.comment.as_deref() else {
        return;
    };
    let same = if has_cjk(comment) {
        doc.zh.as_deref() == Some(comment)
    } else {
        doc.en.trim_end_matches('.') == comment.trim_end_matches('.')
    };
    if !same && (has_cjk(comment) || doc.zh.is_none()) {
        let known = doc.zh.as_deref().unwrap_or(&doc.en);
        out.differences.push(Note::new(
            child(path, "doc"),
            format!("the page documents `{name}` as “{comment}”; the spec says “{known}”"),
        ));
    }
}

/// Compares an example value with a spec type, field by field where the type is a record, so
/// that a field on one side only is a difference and a value that does not fit is a conflict.
fn compare_value(
    spec: &Spec,
    ty: &TypeRef,
    nullable: bool,
    node: &Node,
    path: &str,
    depth: usize,
    out: &mut Merge,
) {
    let value = node.to_json();
    let def = ty
        .named()
        .and_then(|n| spec.type_def(n))
        .filter(|_| depth < 32);
    match (ty, def.map(|d| &d.kind), &node.value) {
        (_, _, NodeValue::Null) if nullable => {}
        (TypeRef::Named(_), Some(TypeKind::Record { fields }), NodeValue::Object(members)) => {
            let record = def.map(|d| d.name.as_str()).unwrap_or_default();
            for (key, member) in members {
                match fields.iter().find(|f| &f.name == key) {
                    Some(field) => {
                        compare_doc(&field.doc, member, &field.path, key, out);
                        compare_value(spec, &field.ty, field.nullable, member, &field.path, depth + 1, out);
                    }
                    None => out.differences.push(Note::new(
                        def.map(|d| d.path.clone()).unwrap_or_default(),
                        format!(
                            "the page's `{key}` (line {}) is not a field of `{record}`; not added, it lands in `extra`",
                            member.line
                        ),
                    )),
                }
            }
            for field in fields {
                if members.iter().any(|(k, _)| *k == field.name) {
                    continue;
                }
                if field.nullable {
                    out.differences.push(Note::new(
                        &field.path,
                        format!(
                            "the field `{}` of `{record}` is not in the page's example (line {})",
                            field.name, node.line
                        ),
                    ));
                } else {
                    out.conflicts.push(Note::new(
                        &field.path,
                        format!(
                            "the spec requires the field `{}` of `{record}` (it is not nullable), but the page's example (line {}) lacks it",
                            field.name, node.line
                        ),
                    ));
                }
            }
        }
        (TypeRef::Named(_), Some(TypeKind::Page { item }), NodeValue::Object(_)) => {
            let layout = &spec.api.page;
            for key in [
                &layout.total,
                &layout.per_page,
                &layout.current_page,
                &layout.last_page,
            ] {
                match node.get(key) {
                    None => out.conflicts.push(Note::new(
                        path,
                        format!(
                            "the page's example (line {}) lacks the page field `{key}`",
                            node.line
                        ),
                    )),
                    Some(count) => {
                        if let Err(problem) =
                            spec.check_value(&TypeRef::Scalar(Scalar::U64), false, &count.to_json())
                        {
                            out.conflicts.push(Note::new(
                                path,
                                format!("the page field `{key}` (line {}): {problem}", count.line),
                            ));
                        }
                    }
                }
            }
            match node.get(&layout.items) {
                Some(items) => {
                    let list = TypeRef::List(Box::new(item.clone()));
                    compare_value(spec, &list, false, items, path, depth + 1, out);
                }
                None => out.conflicts.push(Note::new(
                    path,
                    format!(
                        "the page's example (line {}) lacks the page field `{}`",
                        node.line, layout.items
                    ),
                )),
            }
        }
        (TypeRef::List(item), _, NodeValue::Array(items)) => {
            for element in items {
                compare_value(spec, item, false, element, path, depth + 1, out);
            }
        }
        _ => {
            if let Err(problem) = spec.check_value(ty, nullable, &value) {
                out.conflicts.push(Note::new(
                    path,
                    format!(
                        "the page's example {} (line {}) does not fit the spec's `{ty}`: {problem}",
                        show(&value),
                        node.line
                    ),
                ));
            }
        }
    }
}
