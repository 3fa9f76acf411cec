//! Spec -> Rust tokens: the expansion behind `ipidea::generate!`.
//!
//! A plain library, so that the proc macro, the snapshot test of the expansion and the
//! benchmarks run the same code. Loading and every rule live in `ipidea-spec`; this crate only
//! turns a valid spec into tokens, and never panics on one.
#![deny(missing_docs)]

#[cfg(feature = "format")]
mod format;
mod rust;

use ipidea_spec::naming;
use ipidea_spec::text::backticked;
use ipidea_spec::{
    Encoding, Endpoint, EnumRepr, EnumValue, Field, Method, Spec, TypeDef, TypeKind, TypeRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::rust::{camel, doc_attrs, doc_lines, snake, splice};

#[cfg(feature = "format")]
pub use crate::format::expand_to_string;

/// Placeholders for the names a broken spec declares, so that code naming them gets no
/// "cannot find type" errors on top of the spec's (calls on them still fail to compile).
pub fn stubs(spec: &Spec) -> TokenStream {
    let mut names: Vec<String> = spec.types.iter().map(|t| t.name.clone()).collect();
    names.extend(spec.endpoints.iter().map(|e| naming::request_type(&e.name)));
    names.push("Client".to_owned());
    names.sort();
    names.dedup();
    let names = names
        .iter()
        .filter(|n| naming::ident_problem(n).is_none())
        .map(|n| camel(n));
    quote!(#(
        #[doc(hidden)]
        #[allow(dead_code)]
        pub struct #names;
    )*)
}

/// The items `generate!` emits for a valid spec read from `file` (named in the client's doc).
pub fn expand(spec: &Spec, file: &str) -> TokenStream {
    let api = expand_api(spec);
    let client = expand_client(spec, file);
    let api = splice(api);
    let client = splice(client);
    let types = spec.types.iter().map(|def| {
        splice(match &def.kind {
            TypeKind::Enum { repr, values } => expand_enum(def, *repr, values),
            TypeKind::Record { fields } => expand_record(spec, def, fields),
            TypeKind::Page { item } => expand_page(spec, def, item),
        })
    });
    let requests = spec
        .endpoints
        .iter()
        .map(|endpoint| splice(expand_request(spec, endpoint)));
    quote! {
        #api
        #client
        #(#types)*
        #(#requests)*
    }
}

fn expand_api(spec: &Spec) -> TokenStream {
    let api = &spec.api;
    let name = &api.name;
    let base_url = &api.base_url;
    let date_format = &api.date_format;
    let auth = api.auth.iter().map(|a| {
        let (name, env, secret) = (&a.name, &a.env, a.secret);
        quote!(::ipidea::AuthInfo { name: #name, env: #env, secret: #secret })
    });
    let e = &api.envelope;
    let (status, success, code, message, data, timestamp) = (
        &e.status,
        e.success,
        &e.code,
        &e.message,
        &e.data,
        &e.timestamp,
    );
    quote! {
        #[doc(hidden)]
        pub const __API: ::ipidea::ApiInfo = ::ipidea::ApiInfo {
            name: #name,
            base_url: #base_url,
            auth: &[#(#auth),*],
            envelope: ::ipidea::EnvelopeInfo {
                status: #status,
                success: #success,
                code: #code,
                message: #message,
                data: #data,
                timestamp: #timestamp,
            },
            date_format: #date_format,
        };
    }
}

fn expand_client(spec: &Spec, file: &str) -> TokenStream {
    let api = &spec.api;
    let mut doc = doc_lines(&api.doc);
    doc.insert(0, format!("Client of the {}.", api.title));
    doc.insert(1, String::new());
    doc.push(String::new());
    doc.push(format!(
        "Generated from `{file}`. Cheap to clone: clones share one connection pool."
    ));
    let doc = doc_attrs(&doc);
    let envs: Vec<String> = api.auth.iter().map(|a| format!("`{}`", a.env)).collect();
    let from_env_doc = format!(
        " A client of the production API with credentials from {}.",
        envs.join(" and ")
    );
    let params = api.auth.iter().map(|a| snake(&a.name));
    let args = params.clone();
    let names = api.auth.iter().map(|a| &a.name);
    let new_doc = format!(
        " A client of the production API ({}) with explicit credentials.",
        api.base_url
    );
    let methods = spec
        .endpoints
        .iter()
        .map(|endpoint| splice(expand_method(spec, endpoint)));
    let reconcile = expand_reconcile(spec).map(splice);
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct Client {
            transport: ::ipidea::Transport,
        }

        impl Client {
            #[doc = #new_doc]
            ///
            /// Use [`Client::builder`] for another base URL, timeouts, retries or HTTP client.
            pub fn new(#(#params: impl ::core::convert::Into<::std::string::String>),*) -> ::core::result::Result<Self, ::ipidea::Error> {
                Self::builder()#(.credential(#names, #args))*.build()
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> ::core::result::Result<Self, ::ipidea::Error> {
                Self::builder().credentials_from_env().build()
            }

            /// A builder, for credentials, base URL, timeouts, retries and the HTTP client.
            pub fn builder() -> ::ipidea::ClientBuilder<Self> {
                ::ipidea::ClientBuilder::new(&__API, |transport| Client { transport })
            }

            /// The shared HTTP side of this client.
            pub fn transport(&self) -> &::ipidea::Transport {
                &self.transport
            }

            /// The same client with another total timeout per call.
            pub fn with_timeout(&self, timeout: ::core::time::Duration) -> Self {
                Client { transport: self.transport.with_timeout(timeout) }
            }

            /// Sends any request of this API. The endpoint methods below call this.
            pub async fn send<R: ::ipidea::ApiRequest>(&self, request: &R) -> ::core::result::Result<::ipidea::Response<R::Data>, ::ipidea::Error> {
                self.transport.send(request).await
            }

            #reconcile

            #(#methods)*
        }
    }
}

/// `Client::reconcile`, for specs whose money-spending endpoints say where their orders are
/// listed.
fn expand_reconcile(spec: &Spec) -> Option<TokenStream> {
    let endpoints = spec.endpoint_index();
    let arms: Vec<_> = spec
        .endpoints
        .iter()
        .filter_map(|endpoint| {
            let orders_in = endpoint.orders_in.as_ref()?;
            let list = endpoints.orders_list(endpoint)?;
            let name = &endpoint.name;
            let request = camel(&naming::request_type(&list.name));
            let stream = format_ident!("{}", naming::stream_method(&list.name));
            let since = snake(&orders_in.since);
            Some(splice(quote! {
                #name => ::ipidea::__private::collect_json(
                    self.#stream(#request::default().#since(::ipidea::__private::since_day(sent))),
                ).await,
            }))
        })
        .collect();
    if arms.is_empty() {
        return None;
    }
    Some(quote! {
        /// The orders that a call whose outcome is unknown may have created: every order its
        /// endpoint's order list shows from the day before the call was sent (a day of margin for
        /// the server's time zone), as JSON with every field kept.
        ///
        /// Compare them with what was sent ([`SentRequest::fields`](::ipidea::SentRequest::fields))
        /// before sending the call again.
        ///
        /// ```no_run
        /// # async fn demo(client: ipidea::Client, request: ipidea::IspIpOpenRequest) -> Result<(), ipidea::Error> {
        /// match client.isp_ip_open(request).await {
        ///     Err(ipidea::Error::OutcomeUnknown { request: sent, .. }) => {
        ///         let orders = client.reconcile(&sent).await?;
        ///         println!("{} orders since the day before; is ours among them?", orders.len());
        ///     }
        ///     other => { other?; }
        /// }
        /// # Ok(()) }
        /// ```
        pub async fn reconcile(&self, sent: &::ipidea::SentRequest) -> ::core::result::Result<::std::vec::Vec<::ipidea::__private::serde_json::Value>, ::ipidea::Error> {
            match sent.endpoint {
                #(#arms)*
                other => ::core::result::Result::Err(::ipidea::Error::Config(::std::format!("`{}` lists no orders to reconcile with", other))),
            }
        }
    })
}

fn sends_line(endpoint: &Endpoint) -> String {
    format!("Sends `{} {}`.", endpoint.method.name(), endpoint.url_path)
}

fn expand_method(spec: &Spec, endpoint: &Endpoint) -> TokenStream {
    let method = snake(&endpoint.name);
    let request = camel(&naming::request_type(&endpoint.name));
    let data = splice(crate::rust::ty(spec, &endpoint.response));
    let mut doc = doc_lines(&endpoint.doc);
    doc.push(String::new());
    doc.push(sends_line(endpoint));
    doc.push(String::new());
    if endpoint.idempotent {
        doc.push(
            "Safe to send twice: transient failures are retried per the client's retry policy."
                .to_owned(),
        );
    } else {
        doc.push("**Spends money.** Sent exactly once, never retried. If it fails after the request may have".to_owned());
        doc.push("reached the server, the error is [`Error::OutcomeUnknown`](::ipidea::Error::OutcomeUnknown):".to_owned());
        doc.push("look the order up before sending it again.".to_owned());
    }
    if let Some(example) = endpoint.examples.first() {
        doc.push(String::new());
        doc.push("The vendor's example request:".to_owned());
        doc.push("```json".to_owned());
        doc.extend(
            serde_json::to_string_pretty(&example.request)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned),
        );
        doc.push("```".to_owned());
    }
    let doc = doc_attrs(&doc);
    let stream = endpoint.paging.as_ref().and_then(|_| {
        let TypeRef::Named(page) = &endpoint.response else { return None };
        let Some(TypeKind::Page { item }) = spec.type_def(page).map(|t| &t.kind) else { return None };
        let item = splice(crate::rust::ty(spec, item));
        let name = format_ident!("{}", naming::stream_method(&endpoint.name));
        let doc = crate::rust::doc_literal(&format!(
            " Every item of every page of [`Client::{}`], fetched one page at a time as the stream is read.",
            naming::snake(&endpoint.name)
        ));
        Some(splice(quote! {
            #[doc = #doc]
            ///
            /// It starts at the request's page (or 1) and ends after the last page. Only one page
            /// is held in memory. An error ends the stream.
            pub fn #name(&self, request: #request) -> ::ipidea::PageStream<#item> {
                self.transport.stream(request)
            }
        }))
    });
    quote! {
        #doc
        pub async fn #method(&self, request: #request) -> ::core::result::Result<::ipidea::Response<#data>, ::ipidea::Error> {
            self.transport.send(&request).await
        }
        #stream
    }
}

fn expand_enum(def: &TypeDef, repr: EnumRepr, values: &[EnumValue]) -> TokenStream {
    let name = camel(&def.name);
    let doc = doc_attrs(&doc_lines(&def.doc));
    let variants: Vec<_> = values
        .iter()
        .map(|v| camel(&naming::variant(&v.value, v.name.as_deref())))
        .collect();
    let wires: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| {
        let mut lines = doc_lines(&v.doc);
        lines.push(String::new());
        lines.push(format!("On the wire: `{}`.", v.value));
        doc_attrs(&lines)
    });
    let descriptions = values.iter().map(|v| &v.doc.en);
    let unknown = format_ident!("{}", naming::UNKNOWN_VARIANT);
    let known = backticked(&wires);
    let from_str_error = format!("is not a value of `{}`; expected one of {known}", def.name);
    let lenient = lenient_via_serde(&name);
    let (from_wire, serialize) = match repr {
        EnumRepr::String => (
            quote! {
                match text {
                    #(#wires => Self::#variants,)*
                    other => Self::#unknown(::std::string::ToString::to_string(other)),
                }
            },
            quote!(serializer.serialize_str(self.as_str())),
        ),
        EnumRepr::Integer => {
            let numbers = wires
                .iter()
                .map(|w| Literal::i64_unsuffixed(w.parse().unwrap_or_default()));
            (
                quote! {
                    match text.trim().parse::<::core::primitive::i64>() {
                        #(::core::result::Result::Ok(#numbers) => Self::#variants,)*
                        _ => Self::#unknown(::std::string::ToString::to_string(text)),
                    }
                },
                quote! {
                    match self.as_str().parse::<::core::primitive::i64>() {
                        ::core::result::Result::Ok(number) => serializer.serialize_i64(number),
                        ::core::result::Result::Err(_) => serializer.serialize_str(self.as_str()),
                    }
                },
            )
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this version of the client does not know, kept as sent so that decoding
            /// never fails on a new value. It is refused before sending.
            #unknown(::std::string::String),
        }

        impl #name {
            /// Every value this client knows, in spec order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#unknown(other) => other,
                }
            }

            /// What the value means, from the spec.
            pub fn description(&self) -> &'static str {
                match self {
                    #(Self::#variants => #descriptions,)*
                    Self::#unknown(_) => "a value this client does not know",
                }
            }

            /// The value for wire text; text it does not know becomes `Unknown`.
            pub fn from_wire(text: &str) -> Self {
                #from_wire
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = ::std::string::String;

            /// Parses a value this client knows; anything else is an error listing the values.
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                match Self::from_wire(text) {
                    Self::#unknown(other) => ::core::result::Result::Err(::std::format!("`{}` {}", other, #from_str_error)),
                    known => ::core::result::Result::Ok(known),
                }
            }
        }

        #[automatically_derived]
        impl ::ipidea::ToWire for #name {
            fn to_wire(&self, _: &::ipidea::FormContext) -> ::std::string::String {
                ::std::string::ToString::to_string(self.as_str())
            }
        }

        #[automatically_derived]
        impl ::ipidea::WireEnum for #name {
            fn is_known(&self) -> bool {
                !::core::matches!(self, Self::#unknown(_))
            }
        }

        #[automatically_derived]
        impl ::ipidea::__private::serde::Serialize for #name {
            fn serialize<S: ::ipidea::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        #[automatically_derived]
        impl<'de> ::ipidea::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::ipidea::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let text: ::std::string::String = ::ipidea::Lenient::deserialize_lenient(deserializer)?;
                ::core::result::Result::Ok(Self::from_wire(&text))
            }
        }

        #lenient
    }
}

/// `Lenient` for a generated type, through its own serde impls.
fn lenient_via_serde(name: &syn::Ident) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::ipidea::Lenient for #name {
            fn deserialize_lenient<'de, D: ::ipidea::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                <Self as ::ipidea::__private::serde::Deserialize<'de>>::deserialize(deserializer)
            }
            fn serialize_lenient<S: ::ipidea::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                <Self as ::ipidea::__private::serde::Serialize>::serialize(self, serializer)
            }
        }
    }
}

/// The doc lines of a field: its doc, then what the wire and the bounds say.
fn field_doc(spec: &Spec, field: &Field, request: bool) -> Vec<String> {
    let mut lines = doc_lines(&field.doc);
    let mut facts = Vec::new();
    if request && field.required {
        facts.push("Required.".to_owned());
    }
    if matches!(field.ty, TypeRef::Csv(_)) {
        facts.push("Sent as one string joined with `,`.".to_owned());
    }
    if matches!(field.ty, TypeRef::Scalar(ipidea_spec::Scalar::Date)) {
        facts.push(format!("Sent as `{}`.", spec.api.date_format));
    }
    let b = &field.bounds;
    for (value, text) in [
        (b.minimum.map(|v| v.to_string()), "At least"),
        (b.maximum.map(|v| v.to_string()), "At most"),
        (b.min_length.map(|v| format!("{v} characters")), "At least"),
        (b.max_length.map(|v| format!("{v} characters")), "At most"),
        (b.min_items.map(|v| format!("{v} items")), "At least"),
        (b.max_items.map(|v| format!("{v} items")), "At most"),
    ] {
        if let Some(value) = value {
            facts.push(format!("{text} {value}."));
        }
    }
    if let Some(example) = &field.example {
        facts.push(format!("Example: `{example}`."));
    }
    if !facts.is_empty() {
        lines.push(String::new());
        lines.push(facts.join(" "));
    }
    lines
}

/// A record field's `#[serde]` attribute: its wire name, leniency, and a default when nullable.
fn serde_field_attr(wire: &str, optional: bool) -> TokenStream {
    if optional {
        quote!(#[serde(rename = #wire, default, with = "::ipidea::__private::lenient")])
    } else {
        quote!(#[serde(rename = #wire, with = "::ipidea::__private::lenient")])
    }
}

fn extra_field() -> TokenStream {
    let extra = format_ident!("{}", naming::EXTRA_FIELD);
    quote! {
        /// Fields the spec does not know yet, as sent.
        #[serde(flatten)]
        pub #extra: ::ipidea::__private::serde_json::Map<::std::string::String, ::ipidea::__private::serde_json::Value>,
    }
}

fn record_derives() -> TokenStream {
    quote! {
        #[derive(Debug, Clone, PartialEq, ::ipidea::__private::serde::Serialize, ::ipidea::__private::serde::Deserialize)]
        #[serde(crate = "::ipidea::__private::serde")]
        #[non_exhaustive]
    }
}

fn expand_record(spec: &Spec, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = camel(&def.name);
    let doc = doc_attrs(&doc_lines(&def.doc));
    let derives = record_derives();
    let fields = fields.iter().map(|field| {
        let ident = snake(&field.name);
        let ty = crate::rust::ty(spec, &field.ty);
        let ty = if field.nullable {
            quote!(::core::option::Option<#ty>)
        } else {
            ty
        };
        let doc = doc_attrs(&field_doc(spec, field, false));
        let attr = serde_field_attr(&field.name, field.nullable);
        quote!(#doc #attr pub #ident: #ty,)
    });
    let extra = extra_field();
    let lenient = lenient_via_serde(&name);
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
            #extra
        }
        #lenient
    }
}

fn expand_page(spec: &Spec, def: &TypeDef, item: &TypeRef) -> TokenStream {
    let name = camel(&def.name);
    let doc = doc_attrs(&doc_lines(&def.doc));
    let derives = record_derives();
    let layout = &spec.api.page;
    let item_ty = crate::rust::ty(spec, item);
    let counts = [
        (&layout.total, "Number of items in all pages."),
        (&layout.per_page, "Page size."),
        (&layout.current_page, "This page's number, from 1."),
        (
            &layout.last_page,
            "The last page's number; 0 when there are no items.",
        ),
    ]
    .map(|(wire, doc)| {
        let ident = snake(wire);
        let attr = serde_field_attr(wire, true);
        let doc = format!(" {doc} On the wire: `{wire}`.");
        quote!(#[doc = #doc] #attr pub #ident: ::core::primitive::u64,)
    });
    let items_wire = &layout.items;
    let items_attr = serde_field_attr(items_wire, true);
    let items_doc = format!(" The items of this page. On the wire: `{items_wire}`.");
    let extra = extra_field();
    let (total, current, last) = (
        snake(&layout.total),
        snake(&layout.current_page),
        snake(&layout.last_page),
    );
    let lenient = lenient_via_serde(&name);
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#counts)*
            #[doc = #items_doc]
            #items_attr
            pub items: ::std::vec::Vec<#item_ty>,
            #extra
        }
        #lenient

        #[automatically_derived]
        impl ::ipidea::Page for #name {
            type Item = #item_ty;
            fn total(&self) -> u64 {
                self.#total
            }
            fn current_page(&self) -> u64 {
                self.#current
            }
            fn last_page(&self) -> u64 {
                self.#last
            }
            fn into_items(self) -> ::std::vec::Vec<#item_ty> {
                self.items
            }
        }
    }
}

/// A request field's argument type in `new` and its setter.
fn argument_ty(spec: &Spec, field: &Field) -> TokenStream {
    match &field.ty {
        TypeRef::Scalar(ipidea_spec::Scalar::String) => {
            quote!(impl ::core::convert::Into<::std::string::String>)
        }
        TypeRef::Csv(inner) => {
            let inner = splice(crate::rust::ty(spec, inner));
            quote!(impl ::core::iter::IntoIterator<Item = #inner>)
        }
        other => crate::rust::ty(spec, other),
    }
}

/// How to store a request field's argument, bound as `value`.
fn argument_store(field: &Field, value: &syn::Ident) -> TokenStream {
    match &field.ty {
        TypeRef::Scalar(ipidea_spec::Scalar::String) => {
            quote!(::core::convert::Into::into(#value))
        }
        TypeRef::Csv(_) => {
            quote!(::core::iter::Iterator::collect(::core::iter::IntoIterator::into_iter(#value)))
        }
        _ => quote!(#value),
    }
}

/// The checks of one field's value, bound as `value`.
fn field_checks(spec: &Spec, field: &Field, ident: &syn::Ident, wire: &Literal) -> TokenStream {
    let b = &field.bounds;
    // Each check is a call of the runtime's `check` module, which writes the messages.
    let mut checks = Vec::new();
    let mut check = |function: &str, args: TokenStream| {
        let function = syn::Ident::new(function, proc_macro2::Span::call_site());
        checks.push(quote!(::ipidea::__private::check::#function(#wire, #args)?;));
    };
    if let Some(min) = b.minimum {
        let min = Literal::i64_unsuffixed(min);
        check("at_least", quote!(*value, #min));
    }
    if let Some(max) = b.maximum {
        let max = Literal::i64_unsuffixed(max);
        check("at_most", quote!(*value, #max));
    }
    if let Some(min) = b.min_length {
        let min = Literal::u64_unsuffixed(min);
        check("min_chars", quote!(value, #min));
    }
    if let Some(max) = b.max_length {
        let max = Literal::u64_unsuffixed(max);
        check("max_chars", quote!(value, #max));
    }
    if let Some(min) = b.min_items {
        let min = Literal::u64_unsuffixed(min);
        check("min_items", quote!(value, #min));
    }
    if let Some(max) = b.max_items {
        let max = Literal::u64_unsuffixed(max);
        check("max_items", quote!(value, #max));
    }
    match &field.ty {
        TypeRef::Csv(inner) => {
            if crate::rust::is_enum(spec, inner) {
                check("known_items", quote!(value));
            }
            if matches!(**inner, TypeRef::Scalar(ipidea_spec::Scalar::String)) {
                check("csv_items", quote!(value));
            }
        }
        ty if crate::rust::is_enum(spec, ty) => check("known", quote!(value)),
        _ => {}
    }
    let checks = checks.into_iter().map(splice);
    if checks.len() == 0 {
        quote!()
    } else if field.required {
        quote!({ let value = &self.#ident; #(#checks)* })
    } else {
        quote!(if let ::core::option::Option::Some(value) = &self.#ident { #(#checks)* })
    }
}

fn expand_request(spec: &Spec, endpoint: &Endpoint) -> TokenStream {
    let name = camel(&naming::request_type(&endpoint.name));
    let method = naming::snake(&endpoint.name);
    let mut doc = vec![format!(
        "Request of [`Client::{method}`]: {}",
        endpoint.doc.en
    )];
    doc.push(String::new());
    doc.push(sends_line(endpoint));
    let doc = doc_attrs(&doc);
    // Each field's identifier and wire name, made once: each is used several times below.
    let names: Vec<(syn::Ident, Literal)> = endpoint
        .request
        .iter()
        .map(|field| (snake(&field.name), Literal::string(&field.name)))
        .collect();
    let request: Vec<(&Field, &syn::Ident, &Literal)> = endpoint
        .request
        .iter()
        .zip(&names)
        .map(|(field, (ident, wire))| (field, ident, wire))
        .collect();
    let required: Vec<&Field> = endpoint.request.iter().filter(|f| f.required).collect();
    // The doc lines of each field, shared by the field and its setter.
    let docs: Vec<Vec<String>> = endpoint
        .request
        .iter()
        .map(|field| field_doc(spec, field, true))
        .collect();
    let fields = request
        .iter()
        .zip(&docs)
        .map(|(&(field, ident, _), lines)| {
            let ty = splice(crate::rust::ty(spec, &field.ty));
            let doc = doc_attrs(lines);
            splice(if field.required {
                quote!(#doc pub #ident: #ty,)
            } else {
                quote!(#doc pub #ident: ::core::option::Option<#ty>,)
            })
        });
    let (param_idents, param_tys): (Vec<_>, Vec<_>) = request
        .iter()
        .filter(|(field, ..)| field.required)
        .map(|&(field, ident, _)| (ident, splice(argument_ty(spec, field))))
        .unzip();
    let inits = request.iter().map(|&(field, ident, _)| {
        if field.required {
            let store = splice(argument_store(field, ident));
            splice(quote!(#ident: #store))
        } else {
            splice(quote!(#ident: ::core::option::Option::None))
        }
    });
    let required_names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
    let new_doc = crate::rust::doc_literal(&if required.is_empty() {
        " A request with every field unset.".to_owned()
    } else {
        format!(
            " A request with its required fields, {}; set the others with the methods below.",
            required_names.join(", ")
        )
    });
    let setters = request
        .iter()
        .zip(&docs)
        .filter(|((field, ..), _)| !field.required)
        .map(|(&(field, ident, _), field_lines)| {
            let ty = splice(argument_ty(spec, field));
            let store = splice(argument_store(field, ident));
            let mut lines = vec![format!("Sets `{}`: {}", field.name, field.doc.en)];
            lines.extend(field_lines.iter().skip(1).cloned());
            let doc = doc_attrs(&lines);
            splice(quote! {
                #doc
                pub fn #ident(mut self, #ident: #ty) -> Self {
                    self.#ident = ::core::option::Option::Some(#store);
                    self
                }
            })
        });
    let default = required.is_empty().then(|| quote!(#[derive(Default)]));
    let data = splice(crate::rust::ty(spec, &endpoint.response));
    let (endpoint_name, path) = (&endpoint.name, &endpoint.url_path);
    let http_method = match endpoint.method {
        Method::Get => quote!(::ipidea::Method::Get),
        Method::Post => quote!(::ipidea::Method::Post),
    };
    let encoding = match spec.encoding(endpoint) {
        Encoding::Multipart => quote!(::ipidea::Encoding::Multipart),
        Encoding::Form => quote!(::ipidea::Encoding::Form),
        Encoding::Json => quote!(::ipidea::Encoding::Json),
    };
    let idempotent = endpoint.idempotent;
    let checks = request
        .iter()
        .map(|&(field, ident, wire)| splice(field_checks(spec, field, ident, wire)));
    let encodes = request.iter().map(|&(field, ident, wire)| {
        splice(if field.required {
            quote!(form.push(#wire, &self.#ident);)
        } else {
            quote!(if let ::core::option::Option::Some(value) = &self.#ident { form.push(#wire, value); })
        })
    });
    let paged = endpoint.paging.as_ref().map(|paging| {
        let set = splice(set_page(endpoint, paging));
        let page = snake(&paging.page);
        splice(quote! {
            #[automatically_derived]
            impl ::ipidea::PagedRequest for #name {
                fn page(&self) -> ::core::option::Option<u64> {
                    self.#page.map(::core::convert::Into::into)
                }
                fn set_page(&mut self, page: u64) {
                    self.#page = ::core::option::Option::Some(#set);
                }
            }
        })
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #default
        #[non_exhaustive]
        #[must_use]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#param_idents: #param_tys),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }

        #[automatically_derived]
        impl ::ipidea::ApiRequest for #name {
            type Data = #data;
            const ENDPOINT: &'static ::ipidea::EndpointInfo = &::ipidea::EndpointInfo {
                name: #endpoint_name,
                method: #http_method,
                path: #path,
                encoding: #encoding,
                idempotent: #idempotent,
            };

            fn validate(&self) -> ::core::result::Result<(), ::ipidea::InvalidInput> {
                #(#checks)*
                ::core::result::Result::Ok(())
            }

            fn encode(&self, form: &mut ::ipidea::Form) {
                #(#encodes)*
            }
        }

        #paged
    }
}

/// The page number as the page field's type, from `page: u64`.
fn set_page(endpoint: &Endpoint, paging: &ipidea_spec::Paging) -> TokenStream {
    match endpoint
        .request
        .iter()
        .find(|f| f.name == paging.page)
        .map(|f| f.ty.to_string())
    {
        Some(ty) if ty == "u64" => quote!(page),
        _ => {
            quote!(::core::convert::TryFrom::try_from(page).unwrap_or(::core::primitive::u32::MAX))
        }
    }
}

/// The README's example compiles.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
