//! Where each JSON path sits in the spec text.
//!
//! `serde_json` keeps no positions and silently keeps the last of two equal keys, so this
//! module scans the raw text once. It records the line of every path and every key that an
//! object repeats (a duplicate endpoint, field or enum value). It never fails: on text that is
//! not JSON it stops, and the JSON parser reports the syntax error.

use std::collections::HashMap;

/// Lines of JSON paths, and the keys that objects repeat.
#[derive(Debug, Default)]
pub struct Locations {
    lines: HashMap<String, usize>,
    /// Each repeated key: the path it repeats, the line of the repeat, and the line of the first.
    pub duplicates: Vec<Duplicate>,
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The JSON path of the key.
    pub path: String,
    /// The line of the second occurrence.
    pub line: usize,
    /// The line of the first occurrence.
    pub first_line: usize,
}

impl Locations {
    /// Scans `text` and records where each path sits.
    pub fn scan(text: &str) -> Self {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            found: Locations::default(),
        };
        scanner.value("", 0);
        scanner.found
    }

    /// The 1-based line of `path`, or of its nearest ancestor that was found.
    pub fn line(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path) {
                return Some(*line);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

/// Appends one object key to a JSON path.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends one array index to a JSON path.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    found: Locations,
}

/// Deeper nesting than this is not scanned (the JSON parser has its own limit).
const MAX_DEPTH: usize = 128;

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Scans one value; false when the text stops being JSON.
    fn value(&mut self, path: &str, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(path, depth),
            Some(b'[') => self.array(path, depth),
            Some(b'"') => self.string().is_some(),
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                true
            }
            None => false,
        }
    }

    fn object(&mut self, path: &str, depth: usize) -> bool {
        self.pos += 1;
        let mut seen: HashMap<String, usize> = HashMap::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return true;
                }
                Some(b',') => self.pos += 1,
                Some(b'"') => {
                    let line = self.line;
                    let Some(key) = self.string() else {
                        return false;
                    };
                    let key_path = child(path, &key);
                    if let Some(first_line) = seen.get(&key) {
                        self.found.duplicates.push(Duplicate {
                            path: key_path.clone(),
                            line,
                            first_line: *first_line,
                        });
                    } else {
                        seen.insert(key, line);
                        self.found.lines.insert(key_path.clone(), line);
                    }
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return false;
                    }
                    self.pos += 1;
                    let inner = key_path;
                    if !self.value(&inner, depth + 1) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    fn array(&mut self, path: &str, depth: usize) -> bool {
        self.pos += 1;
        let mut i = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return true;
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let item = index(path, i);
                    self.found.lines.insert(item.clone(), self.line);
                    if !self.value(&item, depth + 1) {
                        return false;
                    }
                    i += 1;
                }
                None => return false,
            }
        }
    }

    /// Reads a string literal and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    let raw = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
                    return serde_json::from_str(raw).ok();
                }
                b'\n' => return None,
                _ => self.pos += 1,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_and_duplicates() {
        let text = "{\n  \"a\": {\n    \"b\": [1,\n 2]\n  },\n  \"a\": 3\n}";
        let found = Locations::scan(text);
        assert_eq!(found.line("a"), Some(2));
        assert_eq!(found.line("a.b"), Some(3));
        assert_eq!(found.line("a.b[1]"), Some(4));
        assert_eq!(found.line("a.b[1].missing"), Some(4));
        assert_eq!(
            found.duplicates,
            vec![Duplicate {
                path: "a".into(),
                line: 6,
                first_line: 2
            }]
        );
    }

    #[test]
    fn stops_quietly_on_broken_text() {
        let found = Locations::scan("{\"a\": [1, \"unterminated");
        assert_eq!(found.line("a"), Some(1));
    }
}
