//! One request type per endpoint: required fields as the arguments of `new`, setters for the
//! others, the checks of `validate`, the encoding, and paging.

use ipidea_spec::naming;
use ipidea_spec::text::backticked;
use ipidea_spec::{Encoding, Endpoint, Field, Method, Spec, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::docs::{doc_attrs, doc_literal, field_doc, push_unverified, sends_line};
use crate::names::{camel, is_enum, snake, ty};
use crate::runtime::{DESCRIBE, PRIVATE, RUNTIME};
use crate::splice::splice;

/// A request field's argument type in `new` and its setter.
pub(crate) fn argument_ty(spec: &Spec, field: &Field) -> TokenStream {
    match &field.ty {
        TypeRef::Scalar(ipidea_spec::Scalar::String) => {
            quote!(impl ::core::convert::Into<::std::string::String>)
        }
        TypeRef::Csv(inner) => {
            let inner = splice(ty(spec, inner));
            quote!(impl ::core::iter::IntoIterator<Item = #inner>)
        }
        other => ty(spec, other),
    }
}

/// How to store a request field's argument, bound as `value`.
pub(crate) fn argument_store(field: &Field, value: &syn::Ident) -> TokenStream {
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
pub(crate) fn field_checks(
    spec: &Spec,
    field: &Field,
    ident: &syn::Ident,
    wire: &Literal,
) -> TokenStream {
    let b = &field.bounds;
    // Each check is a call of the runtime's `check` module, which writes the messages.
    let mut checks = Vec::new();
    let mut check = |function: &str, args: TokenStream| {
        let function = syn::Ident::new(function, proc_macro2::Span::call_site());
        checks.push(quote!(#PRIVATE::check::#function(#wire, #args)?;));
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
            if is_enum(spec, inner) {
                check("known_items", quote!(value));
            }
            if matches!(**inner, TypeRef::Scalar(ipidea_spec::Scalar::String)) {
                check("csv_items", quote!(value));
            }
        }
        ty if is_enum(spec, ty) => check("known", quote!(value)),
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

/// The check of a field's `not_before`: where both it and the field it names are set, its
/// value must not be earlier.
fn order_check(fields: &[RequestField], field: &RequestField) -> Option<TokenStream> {
    let start = field.field.not_before.as_ref()?;
    let start = fields.iter().find(|f| &f.field.name == start)?;
    let value = |f: &RequestField| {
        let ident = &f.ident;
        if f.field.required {
            quote!(::core::option::Option::Some(&self.#ident))
        } else {
            quote!(::core::option::Option::as_ref(&self.#ident))
        }
    };
    let (end_value, end_wire) = (value(field), &field.wire);
    let (start_value, start_wire) = (value(start), &start.wire);
    Some(quote! {
        #PRIVATE::check::not_before(#end_wire, #end_value, #start_wire, #start_value)?;
    })
}

/// One request field with its identifier and wire name, made once: each is used several times.
struct RequestField<'a> {
    field: &'a Field,
    ident: syn::Ident,
    wire: Literal,
    /// The doc lines of the field, shared by the field and its setter.
    doc: Vec<String>,
}

pub(crate) fn expand_request(spec: &Spec, endpoint: &Endpoint) -> TokenStream {
    let name = camel(&naming::request_type(&endpoint.name));
    let fields: Vec<RequestField> = endpoint
        .request
        .iter()
        .map(|field| RequestField {
            field,
            ident: snake(&field.name),
            wire: Literal::string(&field.name),
            doc: field_doc(spec, field, true),
        })
        .collect();
    let definition = splice(request_struct(spec, endpoint, &name, &fields));
    let constructors = splice(constructors(spec, &name, &fields));
    let api_request = splice(api_request_impl(spec, endpoint, &name, &fields));
    let paged = endpoint.paging.as_ref().map(|paging| {
        let set = splice(set_page(endpoint, paging));
        let page = snake(&paging.page);
        splice(quote! {
            #[automatically_derived]
            impl #RUNTIME::PagedRequest for #name {
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
        #definition
        #constructors
        #api_request
        #paged
    }
}

/// The struct: every field public, optional ones in `Option`; `#[non_exhaustive]`, so that
/// only `new` builds one and a required field cannot be left out.
fn request_struct(
    spec: &Spec,
    endpoint: &Endpoint,
    name: &syn::Ident,
    fields: &[RequestField],
) -> TokenStream {
    let method = naming::snake(&endpoint.name);
    let mut doc = vec![format!(
        "Request of [`Client::{method}`]: {}",
        endpoint.doc.en
    )];
    push_unverified(&mut doc, endpoint);
    doc.push(String::new());
    doc.push(sends_line(spec, endpoint));
    let doc = doc_attrs(&doc);
    let members = fields.iter().map(|f| {
        let (ident, ty) = (&f.ident, splice(ty(spec, &f.field.ty)));
        let doc = doc_attrs(&f.doc);
        splice(if f.field.required {
            quote!(#doc pub #ident: #ty,)
        } else {
            quote!(#doc pub #ident: ::core::option::Option<#ty>,)
        })
    });
    let default = fields
        .iter()
        .all(|f| !f.field.required)
        .then(|| quote!(#[derive(Default)]));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #default
        #[non_exhaustive]
        #[must_use]
        pub struct #name {
            #(#members)*
        }
    }
}

/// `new`, whose arguments are the required fields, and a setter per optional field.
fn constructors(spec: &Spec, name: &syn::Ident, fields: &[RequestField]) -> TokenStream {
    let required: Vec<&RequestField> = fields.iter().filter(|f| f.field.required).collect();
    let (param_idents, param_tys): (Vec<_>, Vec<_>) = required
        .iter()
        .map(|f| (&f.ident, splice(argument_ty(spec, f.field))))
        .unzip();
    let inits = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.field.required {
            let store = splice(argument_store(f.field, ident));
            splice(quote!(#ident: #store))
        } else {
            splice(quote!(#ident: ::core::option::Option::None))
        }
    });
    let required_names: Vec<&str> = required.iter().map(|f| f.field.name.as_str()).collect();
    let new_doc = doc_literal(&if required.is_empty() {
        " A request with every field unset.".to_owned()
    } else {
        format!(
            " A request with its required fields, {}; set the others with the methods below.",
            backticked(&required_names)
        )
    });
    let setters = fields.iter().filter(|f| !f.field.required).map(|f| {
        let (field, ident) = (f.field, &f.ident);
        let ty = splice(argument_ty(spec, field));
        let store = splice(argument_store(field, ident));
        let mut lines = vec![format!("Sets `{}`: {}", field.name, field.doc.en)];
        lines.extend(f.doc.iter().skip(1).cloned());
        let doc = doc_attrs(&lines);
        splice(quote! {
            #doc
            pub fn #ident(mut self, #ident: #ty) -> Self {
                self.#ident = ::core::option::Option::Some(#store);
                self
            }
        })
    });
    quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#param_idents: #param_tys),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    }
}

/// `ApiRequest`: the endpoint's description for the runtime, the checks of `validate`, and
/// the encoding of each field.
fn api_request_impl(
    spec: &Spec,
    endpoint: &Endpoint,
    name: &syn::Ident,
    fields: &[RequestField],
) -> TokenStream {
    let data = splice(ty(spec, &endpoint.response));
    let (endpoint_name, path) = (&endpoint.name, &endpoint.url_path);
    let http_method = match endpoint.method {
        Method::Get => quote!(#DESCRIBE::Method::Get),
        Method::Post => quote!(#DESCRIBE::Method::Post),
    };
    let encoding = match spec.encoding(endpoint) {
        Encoding::Multipart => quote!(#DESCRIBE::Encoding::Multipart),
        Encoding::Form => quote!(#DESCRIBE::Encoding::Form),
        Encoding::Json => quote!(#DESCRIBE::Encoding::Json),
    };
    let idempotent = endpoint.idempotent;
    let api = spec.service_index(endpoint);
    let checks = fields.iter().map(|f| {
        let own = splice(field_checks(spec, f.field, &f.ident, &f.wire));
        let order = order_check(fields, f).map(splice);
        splice(quote!(#own #order))
    });
    let encodes = fields.iter().map(|f| {
        let (ident, wire) = (&f.ident, &f.wire);
        splice(if f.field.required {
            quote!(form.push(#wire, &self.#ident);)
        } else {
            quote!(if let ::core::option::Option::Some(value) = &self.#ident { form.push(#wire, value); })
        })
    });
    quote! {
        #[automatically_derived]
        impl #RUNTIME::ApiRequest for #name {
            type Data = #data;
            const ENDPOINT: &'static #DESCRIBE::EndpointInfo = &#DESCRIBE::EndpointInfo {
                name: #endpoint_name,
                method: #http_method,
                path: #path,
                encoding: #encoding,
                idempotent: #idempotent,
                api: #api,
            };

            fn validate(&self) -> ::core::result::Result<(), #RUNTIME::InvalidInput> {
                #(#checks)*
                ::core::result::Result::Ok(())
            }

            fn encode(&self, form: &mut #DESCRIBE::Form) {
                #(#encodes)*
            }
        }
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
