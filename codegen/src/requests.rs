//! One request type per endpoint: required fields as the arguments of `new`, setters for the
//! others, the checks of `validate`, the encoding, and paging.

use ipidea_spec::naming;
use ipidea_spec::{Encoding, Endpoint, Field, Method, Spec, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::docs::{doc_attrs, doc_literal, field_doc, sends_line};
use crate::names::{camel, is_enum, snake, ty};
use crate::runtime::{PRIVATE, RUNTIME};
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

pub(crate) fn expand_request(spec: &Spec, endpoint: &Endpoint) -> TokenStream {
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
            let ty = splice(ty(spec, &field.ty));
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
    let new_doc = doc_literal(&if required.is_empty() {
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
    let data = splice(ty(spec, &endpoint.response));
    let (endpoint_name, path) = (&endpoint.name, &endpoint.url_path);
    let http_method = match endpoint.method {
        Method::Get => quote!(#RUNTIME::Method::Get),
        Method::Post => quote!(#RUNTIME::Method::Post),
    };
    let encoding = match spec.encoding(endpoint) {
        Encoding::Multipart => quote!(#RUNTIME::Encoding::Multipart),
        Encoding::Form => quote!(#RUNTIME::Encoding::Form),
        Encoding::Json => quote!(#RUNTIME::Encoding::Json),
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
        impl #RUNTIME::ApiRequest for #name {
            type Data = #data;
            const ENDPOINT: &'static #RUNTIME::EndpointInfo = &#RUNTIME::EndpointInfo {
                name: #endpoint_name,
                method: #http_method,
                path: #path,
                encoding: #encoding,
                idempotent: #idempotent,
            };

            fn validate(&self) -> ::core::result::Result<(), #RUNTIME::InvalidInput> {
                #(#checks)*
                ::core::result::Result::Ok(())
            }

            fn encode(&self, form: &mut #RUNTIME::Form) {
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
