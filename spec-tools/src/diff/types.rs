//! Named types: records and their fields, enums and their values, page types.

use ipidea_spec::locate::child;
use ipidea_spec::model::{EnumRepr, EnumValue, Field, TypeDef, TypeKind};
use ipidea_spec::naming::ident;

use super::names::{optional, rust_type, type_name, variant};
use super::{ChangeKind, Class, Differ};

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Record { .. } => "record",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Page { .. } => "page",
    }
}

fn repr_name(repr: EnumRepr) -> &'static str {
    match repr {
        EnumRepr::String => "strings",
        EnumRepr::Integer => "integers",
    }
}

impl Differ<'_> {
    pub(super) fn types(&mut self) {
        for def in &self.old.types {
            let name = type_name(&def.name);
            match self.new.type_def(&def.name) {
                None => self.push(
                    &def.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!("the {} `{name}` is removed", kind_name(&def.kind)),
                ),
                Some(now) => self.type_def(def, now),
            }
        }
        for def in &self.new.types {
            if self.old.type_def(&def.name).is_none() {
                self.push(
                    &def.path,
                    ChangeKind::Added,
                    Class::Additive,
                    format!(
                        "the {} `{}` is added",
                        kind_name(&def.kind),
                        type_name(&def.name)
                    ),
                );
            }
        }
    }

    fn type_def(&mut self, old: &TypeDef, new: &TypeDef) {
        let name = type_name(&new.name);
        self.docs(
            &child(&new.path, "doc"),
            &old.doc,
            &new.doc,
            &format!("`{name}`"),
        );
        match (&old.kind, &new.kind) {
            (TypeKind::Record { fields: was }, TypeKind::Record { fields: now }) => {
                self.record(&name, was, now)
            }
            (
                TypeKind::Enum {
                    repr: was_repr,
                    values: was,
                },
                TypeKind::Enum {
                    repr: now_repr,
                    values: now,
                },
            ) => {
                if was_repr != now_repr {
                    self.changed(
                        &child(&new.path, "repr"),
                        Class::Breaking,
                        format!(
                            "`{name}` is sent and read as {} instead of {}",
                            repr_name(*now_repr),
                            repr_name(*was_repr)
                        ),
                    );
                }
                self.enum_values(&name, was, now);
            }
            (TypeKind::Page { item: was }, TypeKind::Page { item: now }) => {
                if was != now {
                    self.changed(
                        &child(&new.path, "item"),
                        Class::Breaking,
                        self.type_change(&format!("{name}::items"), was, now, |t| {
                            format!("Vec<{t}>")
                        }),
                    );
                }
            }
            (was, now) => self.changed(
                &child(&new.path, "kind"),
                Class::Breaking,
                format!(
                    "`{name}` changes from a {} to a {}",
                    kind_name(was),
                    kind_name(now)
                ),
            ),
        }
    }

    fn record(&mut self, name: &str, old: &[Field], new: &[Field]) {
        for field in old {
            match new.iter().find(|f| f.name == field.name) {
                Some(now) => self.record_field(name, field, now),
                None => self.push(
                    &field.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!("the field `{name}::{}` is removed", ident(&field.name)),
                ),
            }
        }
        for field in new {
            if old.iter().any(|f| f.name == field.name) {
                continue;
            }
            let ty = rust_type(self.new, &field.ty);
            let rust = ident(&field.name);
            let description = if field.nullable {
                format!("`{name}` gains a field `{rust}: Option<{ty}>`")
            } else {
                format!(
                    "`{name}` gains a field `{rust}: {ty}`; it is not nullable, so responses without `{}` no longer decode",
                    field.name
                )
            };
            self.push(&field.path, ChangeKind::Added, Class::Additive, description);
        }
    }

    /// A field of record `name` that both specs have.
    fn record_field(&mut self, name: &str, old: &Field, new: &Field) {
        let item = format!("{name}::{}", ident(&old.name));
        if old.ty != new.ty {
            let description = if old.nullable == new.nullable {
                self.type_change(&item, &old.ty, &new.ty, |t| optional(t, new.nullable))
            } else {
                format!(
                    "`{item}` changes type from `{}` to `{}`",
                    optional(rust_type(self.old, &old.ty), old.nullable),
                    optional(rust_type(self.new, &new.ty), new.nullable)
                )
            };
            self.changed(&child(&new.path, "type"), Class::Breaking, description);
        } else if old.nullable != new.nullable {
            let ty = rust_type(self.new, &new.ty);
            let description = if new.nullable {
                format!("`{item}` becomes `Option<{ty}>` (was `{ty}`)")
            } else {
                format!(
                    "`{item}` becomes `{ty}` (was `Option<{ty}>`); responses without `{}` no longer decode",
                    new.name
                )
            };
            self.changed(&child(&new.path, "nullable"), Class::Breaking, description);
        }
        self.docs(
            &child(&new.path, "doc"),
            &old.doc,
            &new.doc,
            &format!("`{item}`"),
        );
        if old.example != new.example {
            self.changed(
                &child(&new.path, "example"),
                Class::Docs,
                format!("the example of `{item}` changes"),
            );
        }
    }

    fn enum_values(&mut self, name: &str, old: &[EnumValue], new: &[EnumValue]) {
        for value in old {
            let was = variant(value);
            if let Some(now) = new.iter().find(|v| v.value == value.value) {
                let is = variant(now);
                if was != is {
                    self.changed(
                        &now.path,
                        Class::Breaking,
                        format!("`{name}::{was}` is renamed `{name}::{is}`"),
                    );
                }
                self.docs(
                    &child(&now.path, "doc"),
                    &value.doc,
                    &now.doc,
                    &format!("`{name}::{is}`"),
                );
                continue;
            }
            // The wire value is gone; its variant may live on with another wire value.
            match new.iter().find(|v| variant(v) == was) {
                Some(now) if !old.iter().any(|v| v.value == now.value) => self.changed(
                    &now.path,
                    Class::Breaking,
                    format!(
                        "`{name}::{was}` is `{}` on the wire instead of `{}`",
                        now.value, value.value
                    ),
                ),
                _ => self.push(
                    &value.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!(
                        "`{name}::{was}` is removed; `{}` now decodes as `{name}::Unknown`",
                        value.value
                    ),
                ),
            }
        }
        for value in new {
            if old.iter().any(|v| v.value == value.value) {
                continue;
            }
            let is = variant(value);
            // A variant that moved to this wire value is reported above, as a change.
            let moved = old
                .iter()
                .any(|v| variant(v) == is && !new.iter().any(|n| n.value == v.value));
            if moved {
                continue;
            }
            self.push(
                &value.path,
                ChangeKind::Added,
                Class::Additive,
                format!(
                    "`{name}` gains a variant `{is}`; `{}` no longer decodes as `{name}::Unknown`",
                    value.value
                ),
            );
        }
    }
}
