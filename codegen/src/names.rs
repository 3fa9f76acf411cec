//! The Rust names and types of spec names and type expressions. The naming rules themselves
//! live in `ipidea_spec::naming` and `Scalar::rust_type`, which the validation and the spec diff
//! share; this module turns them into tokens.

use ipidea_spec::naming;
use ipidea_spec::{RustRoot, Scalar, Spec, TypeKind, TypeRef};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::runtime::{PRIVATE, RUNTIME};

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
                quote!(#PRIVATE::serde_json::Value)
            }
        }
        TypeRef::List(inner) | TypeRef::Csv(inner) => {
            let inner = self::ty(spec, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Empty => quote!(#RUNTIME::Empty),
    }
}

fn scalar_ty(scalar: Scalar) -> TokenStream {
    let rust = scalar.rust_type();
    let path = |below: &str| -> TokenStream {
        let below: TokenStream = below.parse().unwrap_or_default();
        match rust.root {
            RustRoot::Core => quote!(::core::#below),
            RustRoot::Std => quote!(::std::#below),
            RustRoot::Runtime => quote!(#RUNTIME::#below),
            RustRoot::RuntimePrivate => quote!(#PRIVATE::#below),
        }
    };
    let base = path(rust.path);
    match rust.argument {
        Some(argument) => {
            let argument = path(argument);
            quote!(#base<#argument>)
        }
        None => base,
    }
}

/// Whether values of `ty` are enums of the spec (or lists of them).
pub fn is_enum(spec: &Spec, ty: &TypeRef) -> bool {
    ty.named()
        .and_then(|n| spec.type_def(n))
        .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. }))
}
