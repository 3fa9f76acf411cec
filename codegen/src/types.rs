//! The spec's named types: enums (with an `Unknown` variant), records (with `extra`) and pages.

use ipidea_spec::naming;
use ipidea_spec::text::backticked;
use ipidea_spec::{EnumRepr, EnumValue, Field, Spec, TypeDef, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::docs::{doc_attrs, doc_lines, field_doc};
use crate::names::{camel, snake, ty};
use crate::runtime::{DESCRIBE, PRIVATE, RUNTIME, private_path};

pub(crate) fn expand_enum(def: &TypeDef, repr: EnumRepr, values: &[EnumValue]) -> TokenStream {
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
    let integer = matches!(repr, EnumRepr::Integer);
    let is_known = quote!(#DESCRIBE::WireEnum::is_known(self));
    let walk = drift_walk(
        &name,
        quote!(#PRIVATE::drift::enum_value(#is_known, self.as_str(), #integer, at, raw, sink);),
    );
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
        impl #DESCRIBE::ToWire for #name {
            fn to_wire(&self, _: &#DESCRIBE::FormContext) -> ::std::string::String {
                ::std::string::ToString::to_string(self.as_str())
            }
        }

        #[automatically_derived]
        impl #DESCRIBE::WireEnum for #name {
            fn is_known(&self) -> bool {
                !::core::matches!(self, Self::#unknown(_))
            }
        }

        #[automatically_derived]
        impl #PRIVATE::serde::Serialize for #name {
            fn serialize<S: #PRIVATE::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        #[automatically_derived]
        impl<'de> #PRIVATE::serde::Deserialize<'de> for #name {
            fn deserialize<D: #PRIVATE::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #PRIVATE::drift::decode_enum(deserializer, #integer, Self::from_wire, Self::as_str)
            }
        }

        #lenient
        #walk
    }
}

/// `DriftWalk` for a generated type: `body` reports what the value at `at` needed beyond the
/// spec, reading `raw` (the value as sent, when the decoders noted a coercion) and `self`.
fn drift_walk(name: &syn::Ident, body: TokenStream) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl #PRIVATE::DriftWalk for #name {
            fn walk(&self, at: &#PRIVATE::DriftPath<'_>, raw: ::core::option::Option<&#PRIVATE::serde_json::Value>, sink: &mut #PRIVATE::DriftSink) {
                #body
            }
        }
    }
}

/// The walk of a record's or page's fields, one call each, then of its unknown fields.
fn drift_walk_fields<'a>(
    name: &syn::Ident,
    fields: impl Iterator<Item = (syn::Ident, &'a str)>,
    helper: &str,
) -> TokenStream {
    let helper = format_ident!("{}", helper);
    let extra = format_ident!("{}", naming::EXTRA_FIELD);
    let calls = fields
        .map(|(ident, wire)| quote!(#PRIVATE::drift::#helper(&self.#ident, #wire, at, raw, sink);));
    drift_walk(
        name,
        quote! {
            let raw = #PRIVATE::drift::object(at, raw, sink);
            #(#calls)*
            #PRIVATE::drift::extra(&self.#extra, at, sink);
        },
    )
}

/// `Lenient` for a generated type, through its own serde impls.
pub(crate) fn lenient_via_serde(name: &syn::Ident) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl #DESCRIBE::Lenient for #name {
            fn deserialize_lenient<'de, D: #PRIVATE::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                <Self as #PRIVATE::serde::Deserialize<'de>>::deserialize(deserializer)
            }
            fn serialize_lenient<S: #PRIVATE::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                <Self as #PRIVATE::serde::Serialize>::serialize(self, serializer)
            }
        }
    }
}

/// A record field's `#[serde]` attribute: its wire name, leniency, and a default when nullable.
pub(crate) fn serde_field_attr(wire: &str, optional: bool) -> TokenStream {
    let lenient = private_path("lenient");
    if optional {
        quote!(#[serde(rename = #wire, default, with = #lenient)])
    } else {
        quote!(#[serde(rename = #wire, with = #lenient)])
    }
}

/// A page field's `#[serde]` attribute: the spec requires the field, but the decoder takes a
/// missing one as its default, noting the coercion for a drift listener.
fn page_field_attr(wire: &str) -> TokenStream {
    let lenient = private_path("lenient");
    let absent = private_path("drift::absent");
    quote!(#[serde(rename = #wire, default = #absent, with = #lenient)])
}

pub(crate) fn extra_field() -> TokenStream {
    let extra = format_ident!("{}", naming::EXTRA_FIELD);
    quote! {
        /// Fields the spec does not know yet, as sent.
        #[serde(flatten)]
        pub #extra: #PRIVATE::serde_json::Map<::std::string::String, #PRIVATE::serde_json::Value>,
    }
}

pub(crate) fn record_derives() -> TokenStream {
    let serde = private_path("serde");
    quote! {
        #[derive(Debug, Clone, PartialEq, #PRIVATE::serde::Serialize, #PRIVATE::serde::Deserialize)]
        #[serde(crate = #serde)]
        #[non_exhaustive]
    }
}

pub(crate) fn expand_record(spec: &Spec, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = camel(&def.name);
    let doc = doc_attrs(&doc_lines(&def.doc));
    let derives = record_derives();
    let members = fields.iter().map(|field| {
        let ident = snake(&field.name);
        let ty = ty(spec, &field.ty);
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
    let walk = drift_walk_fields(
        &name,
        fields.iter().map(|f| (snake(&f.name), f.name.as_str())),
        "field",
    );
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#members)*
            #extra
        }
        #lenient
        #walk
    }
}

pub(crate) fn expand_page(spec: &Spec, def: &TypeDef, item: &TypeRef) -> TokenStream {
    let name = camel(&def.name);
    let doc = doc_attrs(&doc_lines(&def.doc));
    let derives = record_derives();
    let layout = &spec.api.page;
    let item_ty = ty(spec, item);
    let counts = layout.counts().map(|(count, wire)| {
        let ident = snake(wire);
        let attr = page_field_attr(wire);
        let doc = format!(" {} On the wire: `{wire}`.", count.doc());
        quote!(#[doc = #doc] #attr pub #ident: ::core::primitive::u64,)
    });
    let items_wire = &layout.items;
    let items_attr = page_field_attr(items_wire);
    let items_doc = format!(" The items of this page. On the wire: `{items_wire}`.");
    let extra = extra_field();
    let (total, current, last) = (
        snake(&layout.total),
        snake(&layout.current_page),
        snake(&layout.last_page),
    );
    let lenient = lenient_via_serde(&name);
    let walk = drift_walk_fields(
        &name,
        layout
            .counts()
            .into_iter()
            .map(|(_, wire)| (snake(wire), wire))
            .chain(std::iter::once((
                format_ident!("items"),
                items_wire.as_str(),
            ))),
        "page_field",
    );
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
        #walk

        #[automatically_derived]
        impl #RUNTIME::Page for #name {
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
