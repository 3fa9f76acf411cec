//! Inferring one endpoint from the blocks of its request line: its request fields, response
//! type, idempotence, encoding, doc and examples, and what a person must still decide about
//! them.

use serde_json::{Map, Value};

use ipidea_spec::locate::child;
use ipidea_spec::model::{Changes, Encoding, Envelope, PageLayout, Service, TypeKind, TypeRef};
use ipidea_spec::naming;
use ipidea_spec::text::{and_list, backticked};
use ipidea_spec::wire;

use super::dialect::{Node, NodeValue};
use super::docs::{DocSource, borrowed_docs, doc_json, endpoint_doc, field_doc, vendor_doc};
use super::error::ImportError;
use super::guess::{Doubt, Guess, guess_scalar, unified};
use super::infer::{ImportedEndpoint, Infer, first_word};
use super::notes::{listed, show};
use super::page::{Block, Page};

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

/// The blocks of a page by endpoint, in page order. Blocks of the same endpoint (several
/// examples of one call) are read together; they must have the same method and path.
pub(super) fn endpoint_groups(page: &Page) -> Result<Vec<(String, Vec<&Block>)>, ImportError> {
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
    Ok(groups)
}

/// One example response, with the request shown before it (if any) and its block.
type Exchange<'p> = (Option<&'p Node>, &'p Node, &'p Block);

/// The examples of one endpoint, read from its blocks.
struct Examples<'p> {
    /// Each block's request: an object, or none.
    requests: Vec<Option<&'p Node>>,
    /// Each response, with its request and block.
    responses: Vec<Exchange<'p>>,
    /// Whether a block shows a request body.
    has_body: bool,
}

/// The request fields of an endpoint in the spec format, and those whose type or doc a
/// person must still decide.
#[derive(Default)]
struct RequestFields {
    /// The fields, by name.
    map: Map<String, Value>,
    /// Short words that may be enums, each with an example: `` `kind` (`open`) ``.
    words: Vec<String>,
    /// Numeric-looking strings, each with an example: `` `id` (`12`) ``.
    numeric: Vec<String>,
    /// Names of fields that are empty in every example.
    empty: Vec<String>,
    /// Values a form cannot send, each with what it is: `` `ips` (a list) ``.
    unsendable: Vec<String>,
    /// Names of fields with a placeholder doc.
    undocumented: Vec<String>,
    /// Names of fields with a doc borrowed from the known spec.
    borrowed: Vec<String>,
}

impl Infer<'_> {
    /// The endpoint of one or more blocks with the same method and path.
    pub(super) fn endpoint(
        &mut self,
        page: &Page,
        name: &str,
        blocks: &[&Block],
        single: bool,
    ) -> Result<ImportedEndpoint, ImportError> {
        let first = blocks[0];
        self.family = Some(first_word(name).to_owned());
        let path = child("endpoints", name);
        let method = supported_method(first, name)?;
        let service = self.service_for(first, name)?;
        let credentials: Vec<String> = match self.known {
            Some(_) => service.auth.iter().map(|a| a.name.clone()).collect(),
            None => vec!["uid".to_owned(), "appkey".to_owned()],
        };
        let examples = read_examples(blocks, name, &method, &service.envelope)?;
        let has_request = examples.has_body || blocks.iter().any(|b| !b.query.is_empty());
        let query = query_nodes(blocks);
        let (field_values, dropped) = field_values(&query, &examples.requests, &credentials);
        let data = successful_data(&examples.responses, &service.envelope);
        let page_shaped = page_shaped(&data, &self.scratch.api.page);
        let paging = page_shaped && has_paging_fields(&field_values);
        let request = self.request_fields(&field_values, paging);
        let any_response = !examples.responses.is_empty();
        let response = self.response_type(&path, name, any_response, &data, paging, page_shaped);
        let changes = self.changes(&path, name);
        let encoding = self.encoding(&path, name, first, service.encoding);
        let heading = blocks.iter().find_map(|b| b.heading.as_deref());
        let title = page.title.as_deref();
        let (doc, is_placeholder) = endpoint_doc(name, heading, title, single);

        self.decide_about_request(&path, name, &request, &dropped);
        if method == "GET" && !credentials.is_empty() {
            self.decide(
                child(&path, "method"),
                format!("method: `{name}` is documented as `GET`, but a `GET` call would send the credentials in the URL; check whether `POST` works"),
            );
        }
        self.decide_about_docs(&path, name, is_placeholder, &request);

        // The entry, in the spec's key order.
        let mut entry = Map::new();
        if !service.is_main() {
            entry.insert("api".to_owned(), Value::String(service.name.clone()));
        }
        entry.insert("method".to_owned(), Value::String(method));
        entry.insert("path".to_owned(), Value::String(first.path.clone()));
        entry.insert("doc".to_owned(), doc_json(&doc));
        if let Some(encoding) = encoding {
            entry.insert(
                "encoding".to_owned(),
                Value::String(encoding.name().to_owned()),
            );
        }
        entry.insert(
            "changes".to_owned(),
            Value::String(changes.name().to_owned()),
        );
        // A lookup is safe to send twice; anything else is sent once until a person says so.
        entry.insert(
            "idempotent".to_owned(),
            Value::Bool(changes == Changes::Nothing),
        );
        if paging {
            entry.insert(
                "paging".to_owned(),
                serde_json::json!({ "page": "page", "limit": "limit" }),
            );
        }
        entry.insert("request".to_owned(), Value::Object(request.map));
        entry.insert("response".to_owned(), Value::String(response));
        let example_values = example_values(&examples.responses, &credentials);
        if !example_values.is_empty() {
            entry.insert("examples".to_owned(), Value::Array(example_values));
        }

        Ok(ImportedEndpoint {
            name: name.to_owned(),
            line: first.line,
            entry: Value::Object(entry),
            has_request,
            request: request_nodes(&field_values),
            data: data.into_iter().cloned().collect(),
            has_heading: heading.is_some() || (single && title.is_some()),
        })
    }

    /// The API of the known spec whose host the page calls (the request target's, or its
    /// `Host` header's); the main API where the page names no host, or there is no known
    /// spec. A host that is no API of the known spec is refused: its envelope and credentials
    /// are not known.
    fn service_for(&self, first: &Block, name: &str) -> Result<Service, ImportError> {
        let main = self.scratch.main_service().clone();
        let (Some(spec), Some(host)) = (self.known, first.host()) else {
            return Ok(main);
        };
        let host_of = |url: &str| {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            host.rsplit_once(':').map_or(host, |(h, _)| h).to_owned()
        };
        if let Some(found) = spec
            .apis
            .iter()
            .find(|s| host_of(&s.base_url).eq_ignore_ascii_case(host))
        {
            return Ok(found.clone());
        }
        let known: Vec<String> = spec
            .apis
            .iter()
            .map(|s| format!("{} ({})", s.name, host_of(&s.base_url)))
            .collect();
        Err(ImportError::new(
            first.line,
            format!(
                "`{name}` calls the host `{host}`, which is no API of the spec ({}); describe that API in `apis` first, with its envelope and credentials",
                known.join(", ")
            ),
        ))
    }

    /// The request fields, over every example.
    fn request_fields(&self, field_values: &[(String, Vec<&Node>)], paging: bool) -> RequestFields {
        let mut fields = RequestFields::default();
        for (key, values) in field_values {
            let useful: Vec<&Node> = values
                .iter()
                .copied()
                .filter(|v| !matches!(&v.value, NodeValue::String(s) if s.trim().is_empty()))
                .collect();
            let example = useful.first().map(|v| v.to_json());
            let guess = self.request_field_type(key, &useful, paging);
            let shown = example.as_ref().map(show).unwrap_or_default();
            match guess.doubt {
                Doubt::Word => fields.words.push(format!("`{key}` ({shown})")),
                Doubt::Numeric => fields.numeric.push(format!("`{key}` ({shown})")),
                Doubt::Empty => fields.empty.push(key.clone()),
                Doubt::NotSendable => fields.unsendable.push(format!(
                    "`{key}` ({})",
                    values.first().map_or("empty", |v| v.kind())
                )),
                _ => {}
            }
            let comment = values.iter().find_map(|v| v.comment.as_deref());
            let (doc, source) = field_doc(&guess, comment, key);
            match source {
                DocSource::Placeholder => fields.undocumented.push(key.clone()),
                DocSource::Borrowed => fields.borrowed.push(key.clone()),
                DocSource::Vendor => {}
            }
            let mut field = Map::new();
            field.insert("type".to_owned(), Value::String(guess.ty.clone()));
            field.insert("required".to_owned(), Value::Bool(false));
            field.insert("doc".to_owned(), doc_json(&doc));
            if let Some(example) = example.filter(|_| guess.doubt != Doubt::NotSendable) {
                field.insert("example".to_owned(), example);
            }
            fields.map.insert(key.clone(), Value::Object(field));
        }
        fields
    }

    /// The type of a request field from its useful (non-blank) values: `u32` for the paging
    /// fields, the type of a known field of the same name, or a guess from the values, which
    /// must be something a form can send.
    fn request_field_type(&self, key: &str, useful: &[&Node], paging: bool) -> Guess {
        if paging && (key == "page" || key == "limit") {
            return Guess::new("u32", Doubt::None);
        }
        if let Some(known) = self.known_field(key, useful, true) {
            return known;
        }
        if useful.is_empty() {
            return Guess::new("string", Doubt::Empty);
        }
        let guesses: Vec<Guess> = useful
            .iter()
            .map(|v| guess_scalar(key, &v.to_json(), true))
            .collect();
        let ty = unified(&guesses);
        let doubt = guesses
            .iter()
            .find(|g| g.doubt == Doubt::NotSendable)
            .or_else(|| guesses.iter().find(|g| g.ty == ty))
            .map_or(Doubt::None, |g| g.doubt);
        if ty == "json" || !self.fits(&ty, false, useful) {
            Guess::new("string", Doubt::NotSendable)
        } else {
            Guess::new(ty, doubt)
        }
    }

    /// The response type of `name`, from the data of its successful responses; `any_response`
    /// says whether the page shows any response. A type shared with another endpoint of the
    /// page is a decision to check.
    fn response_type(
        &mut self,
        path: &str,
        name: &str,
        any_response: bool,
        data: &[&Node],
        paging: bool,
        page_shaped: bool,
    ) -> String {
        let camel = naming::camel(name);
        let (response, reused) = if data.is_empty() {
            self.decide(
                path,
                if any_response {
                    format!("response: the page shows no successful response of `{name}`, so its type is unknown (`json`)")
                } else {
                    format!("response: the page shows no response of `{name}`, so its type is unknown (`json`)")
                },
            );
            ("json".to_owned(), None)
        } else if paging {
            self.page_response(path, name, &camel, data)
        } else if data.iter().all(|d| d.items().is_some_and(<[_]>::is_empty)) {
            ("empty".to_owned(), None)
        } else if data.iter().all(|d| d.members().is_some()) {
            if page_shaped {
                self.decide(
                    path,
                    format!(
                        "paging: the data of `{name}` looks like a page, but the request has no `page` and `limit`, so it is imported as a record"
                    ),
                );
            }
            let doc = format!("The data of `{name}` (imported; describe it)");
            self.shared_record(&record_name(name, &camel), doc, data)
                .unwrap_or_else(|| ("json".to_owned(), None))
        } else if data.iter().all(|d| d.items().is_some()) {
            self.list_response(name, &camel, data)
        } else if data.iter().any(|d| d.is_null()) {
            self.decide(
                path,
                format!(
                    "response: the data of `{name}` is `null` in an example, which no response type accepts; imported as `empty`"
                ),
            );
            ("empty".to_owned(), None)
        } else {
            (self.value_type(&camel, "data", data, false).ty, None)
        };
        if let Some(record) = reused.filter(|r| !r.starts_with(&camel)) {
            if self.scratch.type_def(&record).is_none() {
                self.decide(
                    path,
                    format!(
                        "shared type: `{name}` returns the same shape as `{record}`, so it uses that type; rename it to fit both"
                    ),
                );
            }
        }
        response
    }

    /// A record for response objects, with its name again if it was reused.
    fn shared_record(
        &mut self,
        base: &str,
        doc: String,
        objects: &[&Node],
    ) -> Option<(String, Option<String>)> {
        let (record, was_reused) = self.record_reused(base, doc, objects)?;
        let reused = was_reused.then(|| record.clone());
        Some((record, reused))
    }

    /// The page type of a paging endpoint: a known page of the same items, or a page of its
    /// own. Returns the type reused, if one was.
    fn page_response(
        &mut self,
        path: &str,
        name: &str,
        camel: &str,
        data: &[&Node],
    ) -> (String, Option<String>) {
        let (item, mut reused) = self.page_item(path, name, camel, data);
        let known_page = self.known.and_then(|spec| {
            spec.types.iter().find_map(|t| match &t.kind {
                TypeKind::Page {
                    item: TypeRef::Named(i),
                } if *i == item => Some(t.name.clone()),
                _ => None,
            })
        });
        if let Some(page_type) = known_page {
            return (page_type, reused);
        }
        let comment = data.iter().find_map(|d| d.comment.as_deref());
        let (doc, _) = vendor_doc(
            comment,
            format!("One page of `{name}` (imported; describe it)"),
        );
        let def = serde_json::json!({ "kind": "page", "item": item, "doc": doc_json(&doc) });
        // Pages of unknown items are kept apart: their items may differ.
        let shape = if item == "json" {
            format!("page:{name}")
        } else {
            format!("page:{item}")
        };
        let (page_type, was_reused) = self.add_type(&format!("{camel}Page"), def, shape);
        if was_reused {
            reused = Some(page_type.clone());
        }
        (page_type, reused)
    }

    /// The item type of the pages of a paging endpoint: a record, or `json` when the examples
    /// show no items. Returns the type reused, if one was.
    fn page_item(
        &mut self,
        path: &str,
        name: &str,
        camel: &str,
        data: &[&Node],
    ) -> (String, Option<String>) {
        let items_key = &self.scratch.api.page.items;
        let items: Vec<&Node> = data
            .iter()
            .filter_map(|d| d.get(items_key))
            .flat_map(|i| i.items().unwrap_or_default())
            .collect();
        if items.iter().all(|i| i.members().is_some()) && !items.is_empty() {
            let doc = format!("An item of the page of `{name}` (imported; describe it)");
            self.shared_record(&format!("{camel}Item"), doc, &items)
                .unwrap_or_else(|| ("json".to_owned(), None))
        } else {
            self.decide(
                path,
                format!(
                    "page items: the example page of `{name}` has no items, so their shape is unknown and they are imported as `json`"
                ),
            );
            ("json".to_owned(), None)
        }
    }

    /// The list type of an endpoint whose data are lists. Returns the type reused, if one was.
    fn list_response(
        &mut self,
        name: &str,
        camel: &str,
        data: &[&Node],
    ) -> (String, Option<String>) {
        let items: Vec<&Node> = data
            .iter()
            .flat_map(|d| d.items().unwrap_or_default())
            .collect();
        if items.iter().all(|i| i.members().is_some()) {
            let doc = format!("An item of the list `{name}` returns (imported; describe it)");
            match self.shared_record(&format!("{camel}Item"), doc, &items) {
                Some((record, reused)) => (format!("list<{record}>"), reused),
                None => ("list<json>".to_owned(), None),
            }
        } else {
            let item = self.value_type(camel, "item", &items, false);
            if item.nullable {
                ("list<json>".to_owned(), None)
            } else {
                (format!("list<{}>", item.ty), None)
            }
        }
    }

    /// What `name` changes, from its name, the only evidence a vendor page gives: a lookup
    /// (`..._list`, `..._left`, `..._record`) changes nothing; `..._open`, `..._renew` spend
    /// money; `..._add`, `..._del`, `..._set` change the whitelist (`white_...`) or a setting.
    /// Any other is imported as `money`, the most careful choice (asked for, sent once, never
    /// called by `spec verify`), and is a decision to check.
    fn changes(&mut self, path: &str, name: &str) -> Changes {
        guess_changes(name).unwrap_or_else(|| {
            self.decide(
                child(path, "changes"),
                format!(
                    "changes: what does `{name}` change? it is imported as `money` (asked before sending, sent once, never retried); say `nothing` for lookups, `whitelist` or `settings` for calls that spend nothing"
                ),
            );
            Changes::Money
        })
    }

    /// The encoding of `name`, from the Content-Type header of its first block, where it
    /// differs from the API's.
    fn encoding(
        &mut self,
        path: &str,
        name: &str,
        first: &Block,
        default: Encoding,
    ) -> Option<Encoding> {
        let content_type = first.header("content-type")?;
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
            Some(found) if found != default => Some(found),
            Some(_) => None,
            None => {
                self.decide(
                    path,
                    format!("encoding: unknown content type `{content_type}` of `{name}`; the API's default encoding is used"),
                );
                None
            }
        }
    }

    /// What a person must decide about the request of `name`: which fields it needs, the
    /// types in doubt, and the credentials left out of it.
    fn decide_about_request(
        &mut self,
        path: &str,
        name: &str,
        fields: &RequestFields,
        dropped: &[String],
    ) {
        let request = child(path, "request");
        if !fields.map.is_empty() {
            self.decide(
                &request,
                format!(
                    "requiredness: the page does not say which fields `{name}` needs, so all are imported as optional: {}",
                    backticked(fields.map.keys())
                ),
            );
        }
        if !fields.words.is_empty() {
            self.decide(
                &request,
                format!(
                    "enums: strings that may be enums or free text, imported as `string`: {}; give each enum a type",
                    fields.words.join(", ")
                ),
            );
        }
        if !fields.numeric.is_empty() {
            self.decide(
                &request,
                format!(
                    "ids or numbers: numeric-looking strings, imported as `string`: {}; keep `string` for ids, or use `u32`, `u64` or an integer enum",
                    fields.numeric.join(", ")
                ),
            );
        }
        if !fields.empty.is_empty() {
            self.decide(
                &request,
                format!(
                    "types unknown: empty in every example, so imported as `string`: {}",
                    backticked(&fields.empty)
                ),
            );
        }
        if !fields.unsendable.is_empty() {
            self.decide(
                &request,
                format!(
                    "not sendable: values a form cannot send as shown, imported as `string` without an example: {}",
                    fields.unsendable.join(", ")
                ),
            );
        }
        if !dropped.is_empty() {
            self.decide(
                &request,
                format!(
                    "credentials: left out of the request, since the client sends them with every call: {}",
                    backticked(dropped)
                ),
            );
        }
    }

    /// The docs a person must write or check: the endpoint's, if it has a placeholder, and
    /// its request fields'.
    fn decide_about_docs(
        &mut self,
        path: &str,
        name: &str,
        is_placeholder: bool,
        fields: &RequestFields,
    ) {
        if is_placeholder || !fields.undocumented.is_empty() {
            let mut what = Vec::new();
            if is_placeholder {
                what.push(format!("`{name}`"));
            }
            if !fields.undocumented.is_empty() {
                what.push(format!(
                    "its {}",
                    listed("request field", "request fields", &fields.undocumented)
                ));
            }
            self.decide(
                path,
                format!(
                    "docs: describe {} in English (imported with placeholders)",
                    and_list(&what)
                ),
            );
        }
        if !fields.borrowed.is_empty() {
            self.decide(child(path, "request"), borrowed_docs(&fields.borrowed));
        }
    }
}

/// The method of a request line, if the client can send it.
/// What the call `name` changes, from the words of its name (the last says what it does, the
/// first what it does it to): `None` where they do not say.
pub(super) fn guess_changes(name: &str) -> Option<Changes> {
    let last = name.rsplit('_').next().unwrap_or(name);
    let first = name.split('_').next().unwrap_or(name);
    match last {
        "list" | "left" | "record" | "records" | "info" | "detail" | "details" | "query"
        | "get" | "count" => Some(Changes::Nothing),
        "open" | "renew" | "buy" | "recharge" => Some(Changes::Money),
        "add" | "del" | "delete" | "remove" | "set" | "update" | "edit" if first == "white" => {
            Some(Changes::Whitelist)
        }
        "add" | "del" | "delete" | "remove" | "set" | "update" | "edit" => Some(Changes::Settings),
        _ => None,
    }
}

/// The name of the record that an endpoint's object data become: the endpoint's own name
/// where it names a thing (`white_list` returns a `WhiteList`, `balance_left` a
/// `BalanceLeft`), else `...Data` (`isp_ip_open` returns an `IspIpOpenData`).
fn record_name(name: &str, camel: &str) -> String {
    if guess_changes(name) == Some(Changes::Nothing) {
        camel.to_owned()
    } else {
        format!("{camel}Data")
    }
}

fn supported_method(first: &Block, name: &str) -> Result<String, ImportError> {
    match first.method.as_str() {
        "GET" | "POST" => Ok(first.method.clone()),
        other => Err(ImportError::new(
            first.line,
            format!("unsupported method `{other}` of `{name}`; expected `GET` or `POST`"),
        )),
    }
}

/// Each block's request (an object, or none) and its responses, which must be envelopes.
fn read_examples<'p>(
    blocks: &[&'p Block],
    name: &str,
    method: &str,
    envelope: &Envelope,
) -> Result<Examples<'p>, ImportError> {
    let mut requests: Vec<Option<&Node>> = Vec::new();
    let mut responses: Vec<Exchange> = Vec::new();
    let mut has_body = false;
    for &block in blocks {
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
            responses.push((request, response, block));
        }
    }
    Ok(Examples {
        requests,
        responses,
        has_body,
    })
}

/// The query parameters of the blocks, as string values on the lines of their request lines.
fn query_nodes(blocks: &[&Block]) -> Vec<(String, Node)> {
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
    query_nodes
}

/// The request fields over every example, from the query and the bodies' members, each with
/// its values; and the credentials left out of them.
fn field_values<'n>(
    query: &'n [(String, Node)],
    requests: &[Option<&'n Node>],
    credentials: &[String],
) -> (Vec<(String, Vec<&'n Node>)>, Vec<String>) {
    let mut field_values: Vec<(String, Vec<&Node>)> = Vec::new();
    let members = query.iter().chain(
        requests
            .iter()
            .flatten()
            .copied()
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
    (field_values, dropped)
}

/// The data of the successful responses.
fn successful_data<'n>(responses: &[Exchange<'n>], envelope: &Envelope) -> Vec<&'n Node> {
    let success = |response: &Node| match response.get(&envelope.status).map(Node::to_json) {
        Some(status) => wire::integer(&status) == Some(i128::from(envelope.success)),
        None => true,
    };
    responses
        .iter()
        .filter(|(_, response, _)| success(response))
        .filter_map(|&(_, response, _)| response.get(&envelope.data))
        .collect()
}

/// Whether there are data and each is a page in the API's layout.
fn page_shaped(data: &[&Node], layout: &PageLayout) -> bool {
    !data.is_empty()
        && data.iter().all(|d| {
            layout.counts().iter().all(|(_, key)| d.get(key).is_some())
                && d.get(&layout.items).and_then(Node::items).is_some()
        })
}

/// Whether the request has the fields of a paging call, `page` and `limit`.
fn has_paging_fields(field_values: &[(String, Vec<&Node>)]) -> bool {
    ["page", "limit"]
        .iter()
        .all(|f| field_values.iter().any(|(k, _)| k == f))
}

/// The examples in the spec format, credentials left out.
fn example_values(responses: &[Exchange], credentials: &[String]) -> Vec<Value> {
    responses
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
        .collect()
}

/// Each request field with one of its values: the first that is not an empty string, else
/// the first.
fn request_nodes(field_values: &[(String, Vec<&Node>)]) -> Vec<(String, Node)> {
    field_values
        .iter()
        .filter_map(|(key, values)| {
            let node = values
                .iter()
                .find(|v| !matches!(&v.value, NodeValue::String(s) if s.is_empty()))
                .or(values.first())?;
            Some((key.clone(), (*node).clone()))
        })
        .collect()
}
