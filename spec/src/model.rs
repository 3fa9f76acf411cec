//! The typed model of a spec. Every node keeps its JSON path, so later stages can name it.

use serde_json::{Map, Value};

/// A loaded spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The file the spec was read from, as the caller named it.
    pub file: String,
    /// Spec-wide settings: name, title, dates, the page layout.
    pub api: Api,
    /// The APIs the endpoints call, each with its host, credentials and envelope. The first is
    /// the main API, described by the spec's `api`; the others come from `apis`, in file order.
    pub apis: Vec<Service>,
    /// Named types, in file order.
    pub types: Vec<TypeDef>,
    /// Endpoints, in file order.
    pub endpoints: Vec<Endpoint>,
}

impl Spec {
    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The endpoint called `name`.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// The request encoding of `endpoint`: its own, or its API's default.
    pub fn encoding(&self, endpoint: &Endpoint) -> Encoding {
        endpoint.encoding.unwrap_or(self.service_of(endpoint).encoding)
    }

    /// The main API: the one the spec's `api` describes, which endpoints call unless they name
    /// another.
    pub fn main_service(&self) -> &Service {
        // The loader always puts the main API first, a placeholder where `api` is broken.
        &self.apis[0]
    }

    /// The API called `name`.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.apis.iter().find(|s| s.name == name)
    }

    /// The API `endpoint` calls. Loading refuses an endpoint that names no API of the spec, so
    /// for a loaded spec this is the API it names; otherwise the main API.
    pub fn service_of(&self, endpoint: &Endpoint) -> &Service {
        self.service(&endpoint.api)
            .unwrap_or_else(|| self.main_service())
    }

    /// The position of the API `endpoint` calls in [`Spec::apis`].
    pub fn service_index(&self, endpoint: &Endpoint) -> usize {
        self.apis
            .iter()
            .position(|s| s.name == endpoint.api)
            .unwrap_or(0)
    }

    /// The endpoints by name, for the many look-ups of a large spec.
    pub fn endpoint_index(&self) -> EndpointIndex<'_> {
        let mut index = std::collections::HashMap::with_capacity(self.endpoints.len());
        for endpoint in &self.endpoints {
            index.entry(endpoint.name.as_str()).or_insert(endpoint);
        }
        EndpointIndex(index)
    }
}

/// The endpoints of a spec by name: the first of each name, as [`Spec::endpoint`] finds it.
#[derive(Debug, Clone)]
pub struct EndpointIndex<'a>(std::collections::HashMap<&'a str, &'a Endpoint>);

impl<'a> EndpointIndex<'a> {
    /// The endpoint called `name`.
    pub fn get(&self, name: &str) -> Option<&'a Endpoint> {
        self.0.get(name).copied()
    }

    /// The list that shows the orders `endpoint` creates, where its `orders_in` names an
    /// endpoint of the spec. Exactly these endpoints get an arm in the generated
    /// `Client::reconcile`, and a client has that method when any endpoint has one.
    pub fn orders_list(&self, endpoint: &Endpoint) -> Option<&'a Endpoint> {
        self.get(&endpoint.orders_in.as_ref()?.endpoint)
    }
}

/// A doc line in English, with the vendor's Chinese where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    /// English text.
    pub en: String,
    /// The vendor's Chinese text.
    pub zh: Option<String>,
}

/// Spec-wide settings: name, title, dates and the page layout. The main API's host, encoding,
/// credentials and envelope, written in the same `api` object, are [`Spec::main_service`].
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Short machine name, such as `ipidea`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// What the API is.
    pub doc: Doc,
    /// The wire format of calendar dates, as a `strftime` pattern (`%Y-%-m-%-d`).
    pub date_format: String,
    /// The API's offset from UTC (`+08:00`): its days start at midnight there.
    pub utc_offset: crate::days::UtcOffset,
    /// The wire names of a page's fields.
    pub page: PageLayout,
}

/// One API of a spec: where it is, how it is called and authenticated, and how it answers.
/// The main API is written in the spec's `api`, the others in `apis`.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Its name: the spec's `api.name` for the main API, the key in `apis` for the others.
    /// Endpoints name it in their `api`.
    pub name: String,
    /// What it is (the main API's is the spec's `api.doc`).
    pub doc: Doc,
    /// Where no vendor page documents it: the source of what the spec says. `None` for a
    /// documented API.
    pub unverified: Option<String>,
    /// Production base URL.
    pub base_url: String,
    /// The environment variable that `from_env` reads another base URL from, where set.
    pub base_url_env: Option<String>,
    /// The method of its endpoints that do not say one.
    pub method: Option<Method>,
    /// Default request encoding of a `POST`.
    pub encoding: Encoding,
    /// Credentials sent with every call, in file order (none for an API that knows its callers
    /// by their address).
    pub auth: Vec<AuthField>,
    /// Fields sent with every call with a fixed value, such as the extraction API's
    /// `return_type=json`, in file order. They are not part of any request type.
    pub fixed: Vec<(String, String)>,
    /// Where the response envelope keeps status, code, message, data and timestamp.
    pub envelope: Envelope,
    /// The refusals users can match on, with the text that tells each apart.
    pub refusals: Vec<RefusalRule>,
    /// JSON path (`api`, or `apis.<name>`).
    pub path: String,
}

impl Service {
    /// The JSON path of one of its keys. The main API's keys sit in `api`.
    pub fn key_path(&self, key: &str) -> String {
        crate::locate::child(&self.path, key)
    }

    /// Whether it is the main API, the one written in the spec's `api`.
    pub fn is_main(&self) -> bool {
        self.path == "api"
    }

    /// Stand-in settings for a main API that could not be read, so that the rest of the spec
    /// is still checked. They follow this vendor's conventions.
    pub fn placeholder() -> Service {
        let text = |s: &str| s.to_owned();
        Service {
            name: text("api"),
            doc: Doc::default(),
            unverified: None,
            base_url: text("https://api.invalid"),
            base_url_env: None,
            method: None,
            encoding: Encoding::Multipart,
            auth: Vec::new(),
            fixed: Vec::new(),
            envelope: Envelope {
                status: text("ret"),
                success: 0,
                code: Some(text("code")),
                message: text("msg"),
                data: text("ret_data"),
                timestamp: Some(text("timestamp")),
                flag: None,
            },
            refusals: Vec::new(),
            path: text("api"),
        }
    }
}

/// A refusal users can match on: its kind, and the text its message contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalRule {
    /// The kind.
    pub kind: crate::refusal::RefusalKind,
    /// Text the refusal's message contains.
    pub message: String,
    /// What it means, and where that is known from.
    pub doc: Doc,
    /// JSON path.
    pub path: String,
}

impl Api {
    /// Settings that pass validation, standing in for an `api` that could not be read so that
    /// the rest of the spec is still checked. They follow this vendor's conventions.
    pub fn placeholder() -> Api {
        let text = |s: &str| s.to_owned();
        Api {
            name: text("api"),
            title: text("API"),
            doc: Doc {
                en: text("API"),
                zh: None,
            },
            date_format: text("%Y-%m-%d"),
            utc_offset: crate::days::UtcOffset::UTC,
            page: PageLayout {
                total: text("total"),
                per_page: text("per_page"),
                current_page: text("current_page"),
                last_page: text("last_page"),
                items: text("data"),
            },
        }
    }
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// `multipart/form-data`, as the vendor documents.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// A JSON object of the fields.
    Json,
}

impl Encoding {
    /// Every encoding, with its name in the spec.
    pub const ALL: [(&'static str, Encoding); 3] = [
        ("multipart", Encoding::Multipart),
        ("form", Encoding::Form),
        ("json", Encoding::Json),
    ];

    /// The name used in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Multipart => "multipart",
            Encoding::Form => "form",
            Encoding::Json => "json",
        }
    }
}

/// A credential sent as a request field with every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthField {
    /// The wire name of the field, such as `appkey`.
    pub name: String,
    /// The environment variable that `from_env` reads it from.
    pub env: String,
    /// Whether the value is a secret, never to be shown.
    pub secret: bool,
    /// What it is.
    pub doc: Doc,
    /// JSON path.
    pub path: String,
}

/// Where the response envelope keeps its parts. The success rule: the status field holds the
/// success value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The status field (`ret`; the extraction API's `code`).
    pub status: String,
    /// The status value that means success (`0`).
    pub success: i64,
    /// The code field (`code`), for an API that sends one beside the status.
    pub code: Option<String>,
    /// The message field (`msg`).
    pub message: String,
    /// The data field (`ret_data`).
    pub data: String,
    /// The server-timestamp field (`timestamp`), for an API that sends one.
    pub timestamp: Option<String>,
    /// A boolean that repeats the success rule (the extraction API's `success`), for an API
    /// that sends one. It is read as part of the envelope; the status decides.
    pub flag: Option<String>,
}

impl Envelope {
    /// The envelope's field names, in the order status, code, message, data, timestamp, flag,
    /// with the key that names each in the spec.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![("status", self.status.as_str())];
        fields.extend(self.code.as_deref().map(|c| ("code", c)));
        fields.push(("message", self.message.as_str()));
        fields.push(("data", self.data.as_str()));
        fields.extend(self.timestamp.as_deref().map(|t| ("timestamp", t)));
        fields.extend(self.flag.as_deref().map(|f| ("flag", f)));
        fields
    }
}

/// The wire names of a page's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLayout {
    /// Number of items in all pages.
    pub total: String,
    /// Page size.
    pub per_page: String,
    /// This page's number.
    pub current_page: String,
    /// The last page's number.
    pub last_page: String,
    /// The items of this page.
    pub items: String,
}

/// One of a page's four counts: the one home of the page layout's parts, which the loader,
/// validation, codegen, the wire check, the spec tools and the sandbox all list through
/// [`PageLayout::counts`] and [`PageLayout::keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageCount {
    /// Number of items in all pages (`total`).
    Total,
    /// Page size (`per_page`).
    PerPage,
    /// This page's number, from 1 (`current_page`).
    CurrentPage,
    /// The last page's number; 0 when there are no items (`last_page`).
    LastPage,
}

impl PageCount {
    /// Every count, in the layout's order.
    pub const ALL: [PageCount; 4] = [
        PageCount::Total,
        PageCount::PerPage,
        PageCount::CurrentPage,
        PageCount::LastPage,
    ];

    /// The count's key in the spec's `api.page`: `total`, `per_page`, `current_page`,
    /// `last_page`.
    pub fn key(self) -> &'static str {
        match self {
            PageCount::Total => "total",
            PageCount::PerPage => "per_page",
            PageCount::CurrentPage => "current_page",
            PageCount::LastPage => "last_page",
        }
    }

    /// What the count is, for docs and schemas.
    pub fn doc(self) -> &'static str {
        match self {
            PageCount::Total => "Number of items in all pages.",
            PageCount::PerPage => "Page size.",
            PageCount::CurrentPage => "This page's number, from 1.",
            PageCount::LastPage => "The last page's number; 0 when there are no items.",
        }
    }
}

/// The key of a page's items in the spec's `api.page`.
pub const PAGE_ITEMS_KEY: &str = "items";

impl PageLayout {
    /// The wire name of `count`.
    pub fn count(&self, count: PageCount) -> &str {
        match count {
            PageCount::Total => &self.total,
            PageCount::PerPage => &self.per_page,
            PageCount::CurrentPage => &self.current_page,
            PageCount::LastPage => &self.last_page,
        }
    }

    /// The four counts with their wire names, in the layout's order.
    pub fn counts(&self) -> [(PageCount, &str); 4] {
        PageCount::ALL.map(|count| (count, self.count(count)))
    }

    /// Every wire name of a page, the counts' and then the items': `(spec key, wire name)`.
    pub fn keys(&self) -> [(&'static str, &str); 5] {
        let [a, b, c, d] = self.counts().map(|(count, name)| (count.key(), name));
        [a, b, c, d, (PAGE_ITEMS_KEY, self.items.as_str())]
    }
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The type's name, `UpperCamelCase`.
    pub name: String,
    /// What it is.
    pub doc: Doc,
    /// Record, enum or page.
    pub kind: TypeKind,
    /// JSON path.
    pub path: String,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A record with named fields.
    Record {
        /// The fields, in file order.
        fields: Vec<Field>,
    },
    /// A closed set of string or integer values.
    Enum {
        /// Whether the values are strings or integers on the wire.
        repr: EnumRepr,
        /// The values, in file order.
        values: Vec<EnumValue>,
    },
    /// A page (`total`, `per_page`, `current_page`, `last_page`, items) of an item type.
    Page {
        /// The item type.
        item: TypeRef,
    },
}

/// How an enum's values look on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// Strings (`"weekly"`).
    String,
    /// Integers (`1`, or `"1"` in a form).
    Integer,
}

/// One value of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// The wire value, as text (`weekly`, `1`).
    pub value: String,
    /// The Rust variant name, where the value does not make one by itself.
    pub name: Option<String>,
    /// What it means.
    pub doc: Doc,
    /// JSON path.
    pub path: String,
}

/// A field of a request or a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// The type.
    pub ty: TypeRef,
    /// Request fields: whether the call needs it.
    pub required: bool,
    /// Record fields: whether it may be `null` or missing.
    pub nullable: bool,
    /// What it is.
    pub doc: Doc,
    /// An example value, as it looks on the wire.
    pub example: Option<Value>,
    /// Bounds checked before a request is sent.
    pub bounds: Bounds,
    /// Request fields: the request field whose value this one's must not be earlier than (the
    /// end of a time range names its start).
    pub not_before: Option<String>,
    /// JSON path.
    pub path: String,
}

/// Bounds on a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bounds {
    /// Smallest integer allowed.
    pub minimum: Option<i64>,
    /// Largest integer allowed.
    pub maximum: Option<i64>,
    /// Fewest characters allowed.
    pub min_length: Option<u64>,
    /// Most characters allowed.
    pub max_length: Option<u64>,
    /// Fewest list items allowed.
    pub min_items: Option<u64>,
    /// Most list items allowed.
    pub max_items: Option<u64>,
}

impl Bounds {
    /// Whether no bound is set.
    pub fn is_empty(&self) -> bool {
        *self == Bounds::default()
    }
}

/// A reference to a type, as written in a field's `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A built-in scalar.
    Scalar(Scalar),
    /// A named type of the spec.
    Named(String),
    /// A JSON array (`list<T>`).
    List(Box<TypeRef>),
    /// A list sent as one string joined with `,` (`csv<T>`).
    Csv(Box<TypeRef>),
    /// Nothing useful: the data of calls with nothing to return (`empty`).
    Empty,
}

impl TypeRef {
    /// Parses a type expression such as `string`, `csv<ip>` or `FlowOrder`.
    pub fn parse(text: &str) -> Result<TypeRef, String> {
        let text = text.trim();
        for (wrapper, make) in [
            ("list<", TypeRef::List as fn(Box<TypeRef>) -> TypeRef),
            ("csv<", TypeRef::Csv),
        ] {
            if let Some(rest) = text.strip_prefix(wrapper) {
                let inner = rest
                    .strip_suffix('>')
                    .ok_or_else(|| format!("`{text}` is missing its closing `>`"))?;
                return Ok(make(Box::new(TypeRef::parse(inner)?)));
            }
        }
        if text == "empty" {
            return Ok(TypeRef::Empty);
        }
        if let Some(scalar) = Scalar::from_name(text) {
            return Ok(TypeRef::Scalar(scalar));
        }
        if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{text}` is not a type expression"));
        }
        Ok(TypeRef::Named(text.to_owned()))
    }

    /// Whether the type says nothing of its values: `json`, or a list of it.
    pub fn is_untyped(&self) -> bool {
        match self {
            TypeRef::Scalar(Scalar::Json) => true,
            TypeRef::List(item) => **item == TypeRef::Scalar(Scalar::Json),
            _ => false,
        }
    }

    /// The named type this reference names, looking through lists.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::List(inner) | TypeRef::Csv(inner) => inner.named(),
            TypeRef::Scalar(_) | TypeRef::Empty => None,
        }
    }
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Scalar(scalar) => f.write_str(scalar.name()),
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::List(inner) => write!(f, "list<{inner}>"),
            TypeRef::Csv(inner) => write!(f, "csv<{inner}>"),
            TypeRef::Empty => f.write_str("empty"),
        }
    }
}

/// The built-in scalars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// Text.
    String,
    /// 32-bit signed integer.
    I32,
    /// 64-bit signed integer.
    I64,
    /// 32-bit unsigned integer.
    U32,
    /// 64-bit unsigned integer.
    U64,
    /// `true`/`false` (also `1`/`0` on the wire).
    Bool,
    /// Exact decimal money, usually a string such as `"0.01"`.
    Decimal,
    /// A calendar date in the API's `date_format`.
    Date,
    /// Unix seconds, as a number or a string of digits.
    Timestamp,
    /// An IPv4 or IPv6 address.
    Ip,
    /// A country code: two letters (ISO 3166-1 alpha-2), lowercase on the wire.
    Country,
    /// Untyped JSON, where the vendor does not publish a shape.
    Json,
    /// JSON sent inside a string (`exec_data`).
    JsonString,
}

/// Where a path of generated code starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustRoot {
    /// `::core::`
    Core,
    /// `::std::`
    Std,
    /// The runtime crate, `::ipidea::`.
    Runtime,
    /// The runtime's hidden module for generated code, `::ipidea::__private::`.
    RuntimePrivate,
}

/// The Rust type of a scalar: its short name (as docs and the spec diff show it) and its path
/// below a [`RustRoot`] (as the generated code writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RustType {
    /// The name a reader knows it by: `Decimal`, `DateTime<Utc>`.
    pub short: &'static str,
    /// Where the path starts.
    pub root: RustRoot,
    /// The path below the root: `rust_decimal::Decimal`.
    pub path: &'static str,
    /// A type argument, below the same root: `chrono::Utc` for `chrono::DateTime`.
    pub argument: Option<&'static str>,
}

impl Scalar {
    /// The Rust type that generated code gives values of this scalar.
    pub fn rust_type(self) -> RustType {
        let mut argument = None;
        let (short, root, path) = match self {
            Scalar::String => ("String", RustRoot::Std, "string::String"),
            Scalar::I32 => ("i32", RustRoot::Core, "primitive::i32"),
            Scalar::I64 => ("i64", RustRoot::Core, "primitive::i64"),
            Scalar::U32 => ("u32", RustRoot::Core, "primitive::u32"),
            Scalar::U64 => ("u64", RustRoot::Core, "primitive::u64"),
            Scalar::Bool => ("bool", RustRoot::Core, "primitive::bool"),
            Scalar::Decimal => ("Decimal", RustRoot::Runtime, "rust_decimal::Decimal"),
            Scalar::Date => ("NaiveDate", RustRoot::Runtime, "chrono::NaiveDate"),
            Scalar::Timestamp => {
                argument = Some("chrono::Utc");
                ("DateTime<Utc>", RustRoot::Runtime, "chrono::DateTime")
            }
            Scalar::Ip => ("IpAddr", RustRoot::Std, "net::IpAddr"),
            Scalar::Country => ("Country", RustRoot::Runtime, "Country"),
            Scalar::Json => (
                "serde_json::Value",
                RustRoot::RuntimePrivate,
                "serde_json::Value",
            ),
            Scalar::JsonString => ("JsonString", RustRoot::Runtime, "JsonString"),
        };
        RustType {
            short,
            root,
            path,
            argument,
        }
    }

    /// Every scalar, with its name in the spec.
    pub const ALL: [Scalar; 13] = [
        Scalar::String,
        Scalar::I32,
        Scalar::I64,
        Scalar::U32,
        Scalar::U64,
        Scalar::Bool,
        Scalar::Decimal,
        Scalar::Date,
        Scalar::Timestamp,
        Scalar::Ip,
        Scalar::Country,
        Scalar::Json,
        Scalar::JsonString,
    ];

    /// The name used in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::I32 => "i32",
            Scalar::I64 => "i64",
            Scalar::U32 => "u32",
            Scalar::U64 => "u64",
            Scalar::Bool => "bool",
            Scalar::Decimal => "decimal",
            Scalar::Date => "date",
            Scalar::Timestamp => "timestamp",
            Scalar::Ip => "ip",
            Scalar::Country => "country",
            Scalar::Json => "json",
            Scalar::JsonString => "json_string",
        }
    }

    /// The scalar called `name` in the spec.
    pub fn from_name(name: &str) -> Option<Scalar> {
        Scalar::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether values of this scalar have an order that `not_before` compares: dates,
    /// timestamps, integers and decimals.
    pub fn is_ordered(self) -> bool {
        matches!(self, Scalar::Date | Scalar::Timestamp | Scalar::Decimal)
            || self.integer_range().is_some()
    }

    /// The inclusive range of an integer scalar.
    pub fn integer_range(self) -> Option<(i128, i128)> {
        match self {
            Scalar::I32 => Some((i32::MIN.into(), i32::MAX.into())),
            Scalar::I64 => Some((i64::MIN.into(), i64::MAX.into())),
            Scalar::U32 => Some((0, u32::MAX.into())),
            Scalar::U64 => Some((0, u64::MAX.into())),
            _ => None,
        }
    }
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The name, `snake_case`; the client method is named after it.
    pub name: String,
    /// The name of the API it calls ([`Spec::service_of`]): the main API unless it says
    /// another.
    pub api: String,
    /// HTTP method.
    pub method: Method,
    /// URL path, from the base URL.
    pub url_path: String,
    /// What it does.
    pub doc: Doc,
    /// Where an endpoint that no vendor page documents comes from; `None` for documented ones.
    pub unverified: Option<String>,
    /// Its own request encoding, where it differs from the API's.
    pub encoding: Option<Encoding>,
    /// What sending it changes: nothing, the account's money, its whitelist or its settings.
    /// Docs, the CLI's questions and messages, `spec verify`'s choice of calls and the import
    /// read this, never the endpoint's name.
    pub changes: Changes,
    /// Whether sending it twice is harmless: it is retried after transient failures. An
    /// endpoint that changes nothing is; one that spends money is not (validation checks that
    /// the two keys agree).
    pub idempotent: bool,
    /// Which request fields select the page, for endpoints that page.
    pub paging: Option<Paging>,
    /// Where the orders a money-spending call creates are listed, for reconciling a call whose
    /// outcome is unknown.
    pub orders_in: Option<OrdersIn>,
    /// Request fields, in file order.
    pub request: Vec<Field>,
    /// The type of the envelope's data.
    pub response: TypeRef,
    /// Example calls, from the vendor's documentation.
    pub examples: Vec<Example>,
    /// JSON path.
    pub path: String,
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: fields go in the query string.
    Get,
    /// `POST`: fields go in the body.
    Post,
}

impl Method {
    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// What sending an endpoint changes: the spec's `changes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Changes {
    /// Nothing: a lookup. Always idempotent; the only kind `spec verify` calls.
    Nothing,
    /// The account's money: it buys or renews (orders). Never idempotent: sending it twice
    /// spends twice.
    Money,
    /// Which IPs may use the account's proxies (the whitelist). Spends nothing.
    Whitelist,
    /// Another setting of the account, such as a balance warning. Spends nothing.
    Settings,
}

impl Changes {
    /// Every kind, with its name in the spec.
    pub const ALL: [Changes; 4] = [
        Changes::Nothing,
        Changes::Money,
        Changes::Whitelist,
        Changes::Settings,
    ];

    /// The name used in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Changes::Nothing => "nothing",
            Changes::Money => "money",
            Changes::Whitelist => "whitelist",
            Changes::Settings => "settings",
        }
    }

    /// The kind called `name` in the spec.
    pub fn from_name(name: &str) -> Option<Changes> {
        Changes::ALL.into_iter().find(|c| c.name() == name)
    }

    /// What a call of this kind does to the account, in words for docs and messages: "changes
    /// nothing", "spends money", "changes the whitelist", "changes the account's settings".
    pub fn describe(self) -> &'static str {
        match self {
            Changes::Nothing => "changes nothing",
            Changes::Money => "spends money",
            Changes::Whitelist => "changes the whitelist",
            Changes::Settings => "changes the account's settings",
        }
    }
}

/// The list endpoint that shows the orders a call creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrdersIn {
    /// The paging list endpoint.
    pub endpoint: String,
    /// Its optional `date` request field that lists orders created on or after a day.
    pub since: String,
}

/// The request fields that select a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The page-number field.
    pub page: String,
    /// The page-size field.
    pub limit: String,
}

/// An example call.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// What it shows.
    pub doc: Option<Doc>,
    /// The request fields, as they look on the wire.
    pub request: Map<String, Value>,
    /// The whole response body, envelope included.
    pub response: Value,
    /// JSON path.
    pub path: String,
}
