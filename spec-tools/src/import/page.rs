//! Reading a documentation page: its request lines with their headers, and the bodies (in the
//! vendor's dialect) that follow each of them.

use super::dialect::{Node, Reader, body, normalize};
use super::error::ImportError;

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
    /// The host of the request target, where the request line names one.
    pub target_host: Option<String>,
    /// The headers, in page order.
    pub headers: Vec<(String, String)>,
    /// Text between the previous block and this one (the section's heading), boilerplate such
    /// as `最后更新于` left out.
    pub heading: Option<String>,
    /// The bodies after the headers: the request body (if shown), then the response(s).
    pub bodies: Vec<Node>,
}

impl Block {
    /// The host the request goes to: the request target's, else the `Host` header's, without
    /// a port; `None` where the page shows neither.
    pub fn host(&self) -> Option<&str> {
        let host = self
            .target_host
            .as_deref()
            .or_else(|| self.header("host"))?;
        let host = host.trim();
        Some(host.rsplit_once(':').map_or(host, |(name, _)| name))
    }

    /// The value of the header `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

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

/// The host of a request target in absolute form (`https://api.ipidea.net/...`).
fn target_host(target: &str) -> Option<String> {
    let rest = ["http://", "https://"]
        .iter()
        .find_map(|scheme| target.strip_prefix(scheme))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (!host.is_empty()).then(|| host.to_owned())
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
                read_body(&mut r, &mut blocks)?;
                text_lines.clear();
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
                        let headers = read_headers(&mut r);
                        let (path, query) = split_target(&target);
                        blocks.push(Block {
                            line,
                            method,
                            path,
                            query,
                            target_host: target_host(&target),
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

/// Reads the body at the reader into the last block, and checks that nothing of it is left
/// on its last line.
fn read_body(r: &mut Reader, blocks: &mut [Block]) -> Result<(), ImportError> {
    let line = r.line;
    let Some(block) = blocks.last_mut() else {
        return Err(ImportError::new(
            line,
            "expected a request line such as `POST /api/open/<name> HTTP/1.1` before the first body",
        ));
    };
    block.bodies.push(body(r)?);
    r.skip_blanks();
    if let Some(c @ ('}' | ']' | ',' | ':')) = r.peek() {
        return Err(ImportError::new(
            r.line,
            format!("unexpected `{c}` after the body that starts on line {line}"),
        ));
    }
    Ok(())
}

/// The header lines right after a request line, consumed.
fn read_headers(r: &mut Reader) -> Vec<(String, String)> {
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
    headers
}
