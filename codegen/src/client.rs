//! The `Client`: its constructors, one method per endpoint, page streams and `reconcile`, and
//! the API's settings that the runtime reads.

use ipidea_spec::naming;
use ipidea_spec::{AuthField, Changes, Endpoint, Service, Spec, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs::{doc_attrs, doc_lines, doc_literal, push_unverified, sends_line};
use crate::names::{camel, snake, ty};
use crate::runtime::{DESCRIBE, PRIVATE, RUNTIME};
use crate::splice::splice;

pub(crate) fn expand_api(spec: &Spec) -> TokenStream {
    let api = &spec.api;
    let name = &api.name;
    let date_format = &api.date_format;
    let utc_offset = api.utc_offset.seconds();
    let apis = spec.apis.iter().map(expand_service);
    quote! {
        #[doc(hidden)]
        pub const __API: #DESCRIBE::ApiInfo = #DESCRIBE::ApiInfo {
            name: #name,
            apis: &[#(#apis),*],
            date_format: #date_format,
            utc_offset_seconds: #utc_offset,
        };
    }
}

/// One API's `ServiceInfo`.
fn expand_service(service: &Service) -> TokenStream {
    let name = &service.name;
    let base_url = &service.base_url;
    let base_url_env = option(service.base_url_env.as_deref());
    let auth = service.auth.iter().map(|a| {
        let (name, env, secret) = (&a.name, &a.env, a.secret);
        quote!(#DESCRIBE::AuthInfo { name: #name, env: #env, secret: #secret })
    });
    let fixed = service.fixed.iter().map(|(n, v)| quote!((#n, #v)));
    let e = &service.envelope;
    let (status, success, message, data) = (&e.status, e.success, &e.message, &e.data);
    let code = option(e.code.as_deref());
    let timestamp = option(e.timestamp.as_deref());
    let flag = option(e.flag.as_deref());
    let refusals = service.refusals.iter().map(|rule| {
        let kind = format_ident!("{}", rule.kind.variant());
        let text = &rule.message;
        quote!((#RUNTIME::RefusalKind::#kind, #text))
    });
    quote! {
        #DESCRIBE::ServiceInfo {
            name: #name,
            base_url: #base_url,
            base_url_env: #base_url_env,
            auth: &[#(#auth),*],
            fixed: &[#(#fixed),*],
            envelope: #DESCRIBE::EnvelopeInfo {
                status: #status,
                success: #success,
                code: #code,
                message: #message,
                data: #data,
                timestamp: #timestamp,
                flag: #flag,
            },
            refusals: &[#(#refusals),*],
        }
    }
}

/// `Some("text")` or `None`, in generated code.
fn option(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

/// Every credential of the spec's APIs, each name once, in the order the APIs list them: the
/// parameters of `Client::new`, as the runtime's builder takes them.
fn credentials(spec: &Spec) -> Vec<&AuthField> {
    let mut all: Vec<&AuthField> = Vec::new();
    for auth in spec.apis.iter().flat_map(|s| &s.auth) {
        if !all.iter().any(|a| a.name == auth.name) {
            all.push(auth);
        }
    }
    all
}

pub(crate) fn expand_client(spec: &Spec, file: &str) -> TokenStream {
    let api = &spec.api;
    let mut doc = doc_lines(&api.doc);
    doc.insert(0, format!("Client of the {}.", api.title));
    doc.insert(1, String::new());
    doc.push(String::new());
    doc.push(format!(
        "Generated from `{file}`. Cheap to clone: clones share one connection pool."
    ));
    let doc = doc_attrs(&doc);
    let auth = credentials(spec);
    let envs: Vec<String> = auth.iter().map(|a| format!("`{}`", a.env)).collect();
    let url_envs: Vec<String> = spec
        .apis
        .iter()
        .filter_map(|s| Some(format!("`{}` ({})", s.base_url_env.as_deref()?, s.name)))
        .collect();
    let mut from_env_doc = format!(
        " A client of the production API with credentials from {}.",
        envs.join(" and ")
    );
    if !url_envs.is_empty() {
        from_env_doc.push_str(&format!(
            " Another server for an API is read from {}, where set.",
            url_envs.join(", ")
        ));
    }
    let params = auth.iter().map(|a| snake(&a.name));
    let args = params.clone();
    let names = auth.iter().map(|a| &a.name);
    let hosts: Vec<String> = spec.apis.iter().map(|s| s.base_url.clone()).collect();
    let new_doc = format!(
        " A client of the production API ({}) with explicit credentials.",
        hosts.join(", ")
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
            transport: #RUNTIME::Transport,
        }

        impl Client {
            #[doc = #new_doc]
            ///
            /// Use [`Client::builder`] for another base URL, timeouts, retries or HTTP client.
            pub fn new(#(#params: impl ::core::convert::Into<::std::string::String>),*) -> ::core::result::Result<Self, #RUNTIME::Error> {
                Self::builder()#(.credential(#names, #args))*.build()
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> ::core::result::Result<Self, #RUNTIME::Error> {
                Self::builder().credentials_from_env().base_urls_from_env().build()
            }

            /// A builder, for credentials, base URL, timeouts, retries and the HTTP client.
            pub fn builder() -> #RUNTIME::ClientBuilder<Self> {
                #RUNTIME::ClientBuilder::new(&__API, |transport| Client { transport })
            }

            /// The shared HTTP side of this client.
            pub fn transport(&self) -> &#RUNTIME::Transport {
                &self.transport
            }

            /// The same client with another total timeout per call.
            pub fn with_timeout(&self, timeout: ::core::time::Duration) -> Self {
                Client { transport: self.transport.with_timeout(timeout) }
            }

            /// Sends any request of this API. The endpoint methods below call this.
            pub async fn send<R: #RUNTIME::ApiRequest>(&self, request: &R) -> ::core::result::Result<#RUNTIME::Response<R::Data>, #RUNTIME::Error> {
                self.transport.send(request).await
            }

            #reconcile

            #(#methods)*
        }
    }
}

/// `Client::reconcile`, for specs whose money-spending endpoints say where their orders are
/// listed.
pub(crate) fn expand_reconcile(spec: &Spec) -> Option<TokenStream> {
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
                #name => #PRIVATE::collect_json(
                    self.#stream(#request::default().#since(#DESCRIBE::since_day(sent, __API.utc_offset_seconds))),
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
        pub async fn reconcile(&self, sent: &#RUNTIME::SentRequest) -> ::core::result::Result<::std::vec::Vec<#PRIVATE::serde_json::Value>, #RUNTIME::Error> {
            match sent.endpoint {
                #(#arms)*
                other => ::core::result::Result::Err(#RUNTIME::Error::Config(::std::format!("`{}` lists no orders to reconcile with", other))),
            }
        }
    })
}

/// What a call changes and whether it is retried, from the spec's `changes` and `idempotent`.
fn changes_lines(endpoint: &Endpoint) -> Vec<String> {
    let changes = match endpoint.changes {
        Changes::Nothing => "Read-only: changes nothing.",
        // No vendor page says what an unverified call costs: it is treated as spending.
        Changes::Money if endpoint.unverified.is_some() => {
            "**May spend money** (no vendor page says; treated as spending)."
        }
        Changes::Money => "**Spends money.**",
        Changes::Whitelist => "**Changes the whitelist** (spends nothing).",
        Changes::Settings => "**Changes the account's settings** (spends nothing).",
    };
    if endpoint.idempotent {
        return vec![
            changes.to_owned(),
            "Safe to send twice: transient failures are retried per the client's retry policy."
                .to_owned(),
        ];
    }
    let look = if endpoint.orders_in.is_some() {
        "look the order up (`Client::reconcile`) before sending it again."
    } else {
        "check whether it took effect before sending it again."
    };
    vec![
        format!("{changes} Sent exactly once, never retried. If it fails after the request may have"),
        "reached the server, the error is [`Error::OutcomeUnknown`](::ipidea::Error::OutcomeUnknown):".to_owned(),
        look.to_owned(),
    ]
}

pub(crate) fn expand_method(spec: &Spec, endpoint: &Endpoint) -> TokenStream {
    let method = snake(&endpoint.name);
    let request = camel(&naming::request_type(&endpoint.name));
    let data = splice(ty(spec, &endpoint.response));
    let mut doc = doc_lines(&endpoint.doc);
    push_unverified(&mut doc, endpoint);
    doc.push(String::new());
    doc.push(sends_line(spec, endpoint));
    doc.push(String::new());
    doc.extend(changes_lines(endpoint));
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
        let item = splice(ty(spec, item));
        let name = format_ident!("{}", naming::stream_method(&endpoint.name));
        let doc = doc_literal(&format!(
            " Every item of every page of [`Client::{}`], fetched one page at a time as the stream is read.",
            naming::snake(&endpoint.name)
        ));
        Some(splice(quote! {
            #[doc = #doc]
            ///
            /// It starts at the request's page (or 1) and ends after the last page. Only one page
            /// is held in memory. An error ends the stream.
            pub fn #name(&self, request: #request) -> #RUNTIME::PageStream<#item> {
                self.transport.stream(request)
            }
        }))
    });
    quote! {
        #doc
        pub async fn #method(&self, request: #request) -> ::core::result::Result<#RUNTIME::Response<#data>, #RUNTIME::Error> {
            self.transport.send(&request).await
        }
        #stream
    }
}
