//! Rust names and types for spec names and type expressions.

use ipidea_spec::naming;
use ipidea_spec::{Doc, Scalar, Spec, TypeKind, TypeRef};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

/// An identifier for a spec name that validation accepted; keywords become raw identifiers.
/// A name that cannot be an identifier (only reachable if validation missed it) becomes a
/// placeholder rather than a panic.
pub fn ident(name: &str) -> Ident {
    if naming::ident_problem(name).is_some() {
        return Ident::new("__invalid_name", Span::call_site());
    }
    if naming::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The `snake_case` identifier of a field or method.
pub fn snake(name: &str) -> Ident {
    ident(&naming::snake(name))
}

/// The `UpperCamelCase` identifier of a type or variant.
pub fn camel(name: &str) -> Ident {
    ident(&naming::camel(name))
}

/// The Rust type of a type expression.
pub fn ty(spec: &Spec, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Scalar(scalar) => scalar_ty(*scalar),
        TypeRef::Named(name) => {
            if spec.type_def(name).is_some() {
                let name = camel(name);
                quote!(#name)
            } else {
                quote!(::ipidea::__private::serde_json::Value)
            }
        }
        TypeRef::List(inner) | TypeRef::Csv(inner) => {
            let inner = self::ty(spec, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Empty => quote!(::ipidea::Empty),
    }
}

fn scalar_ty(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String => quote!(::std::string::String),
        Scalar::I32 => quote!(::core::primitive::i32),
        Scalar::I64 => quote!(::core::primitive::i64),
        Scalar::U32 => quote!(::core::primitive::u32),
        Scalar::U64 => quote!(::core::primitive::u64),
        Scalar::Bool => quote!(::core::primitive::bool),
        Scalar::Decimal => quote!(::ipidea::rust_decimal::Decimal),
        Scalar::Date => quote!(::ipidea::chrono::NaiveDate),
        Scalar::Timestamp => quote!(::ipidea::chrono::DateTime<::ipidea::chrono::Utc>),
        Scalar::Ip => quote!(::std::net::IpAddr),
        Scalar::Json => quote!(::ipidea::__private::serde_json::Value),
        Scalar::JsonString => quote!(::ipidea::JsonString),
    }
}

/// Whether values of `ty` are enums of the spec (or lists of them).
pub fn is_enum(spec: &Spec, ty: &TypeRef) -> bool {
    ty.named()
        .and_then(|n| spec.type_def(n))
        .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. }))
}

/// Doc lines for a spec doc: the English, then the vendor's Chinese.
pub fn doc_lines(doc: &Doc) -> Vec<String> {
    let mut lines = vec![doc.en.clone()];
    if let Some(zh) = &doc.zh {
        lines.push(String::new());
        lines.push(format!("Vendor: {zh}"));
    }
    lines
}

/// `#[doc = ...]` attributes for lines of text.
pub fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}
