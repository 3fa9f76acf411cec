//! Request fields: the arguments of a request's `new`, its setters, and their bounds.

use ipidea_spec::locate::child;
use ipidea_spec::model::{Bounds, Endpoint, Field};
use ipidea_spec::naming::ident;
use ipidea_spec::text::backticked;

use super::names::{optional, request, rust_type};
use super::{ChangeKind, Class, Differ};

impl Differ<'_> {
    pub(super) fn request(&mut self, old: &Endpoint, new: &Endpoint) {
        let request = request(new);
        for field in &old.request {
            let Some(now) = new.request.iter().find(|f| f.name == field.name) else {
                let rust = ident(&field.name);
                let description = if field.required {
                    format!("`{request}::new` loses its argument `{rust}`")
                } else {
                    format!("the setter `{request}::{rust}` is removed")
                };
                self.push(
                    &field.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    description,
                );
                continue;
            };
            self.request_field(&request, field, now);
        }
        for field in &new.request {
            if old.request.iter().any(|f| f.name == field.name) {
                continue;
            }
            let rust = ident(&field.name);
            let (class, description) = if field.required {
                (
                    Class::Breaking,
                    format!("`{request}::new` gains an argument `{rust}`"),
                )
            } else {
                (
                    Class::Additive,
                    format!("`{request}` gains a setter `{rust}`"),
                )
            };
            self.push(&field.path, ChangeKind::Added, class, description);
        }
        self.argument_order(&request, old, new);
        self.default_impl(&request, old, new);
    }

    /// The arguments of `new` are the required fields in file order.
    fn argument_order(&mut self, request: &str, old: &Endpoint, new: &Endpoint) {
        let order = |fields: &[Field], other: &[Field]| -> Vec<String> {
            fields
                .iter()
                .filter(|f| f.required && other.iter().any(|o| o.name == f.name && o.required))
                .map(|f| ident(&f.name))
                .collect()
        };
        let (was, now) = (
            order(&old.request, &new.request),
            order(&new.request, &old.request),
        );
        if was != now {
            self.changed(
                &child(&new.path, "request"),
                Class::Breaking,
                format!(
                    "`{request}::new` takes its arguments in another order: {} (was {})",
                    backticked(&now),
                    backticked(&was)
                ),
            );
        }
    }

    /// A request struct without required fields implements `Default`.
    fn default_impl(&mut self, request: &str, old: &Endpoint, new: &Endpoint) {
        let path = child(&new.path, "request");
        let defaults = |e: &Endpoint| !e.request.iter().any(|f| f.required);
        match (defaults(old), defaults(new)) {
            (true, false) => self.changed(
                &path,
                Class::Breaking,
                format!("`{request}` no longer implements `Default`"),
            ),
            (false, true) => self.changed(
                &path,
                Class::Additive,
                format!("`{request}` implements `Default`"),
            ),
            _ => {}
        }
    }

    /// A request field that both specs have.
    fn request_field(&mut self, request: &str, old: &Field, new: &Field) {
        let rust = ident(&new.name);
        let item = format!("{request}::{rust}");
        match (old.required, new.required) {
            (false, true) => self.changed(
                &child(&new.path, "required"),
                Class::Breaking,
                format!(
                    "`{request}::new` gains an argument `{rust}`; the setter `{item}` is removed"
                ),
            ),
            (true, false) => self.changed(
                &child(&new.path, "required"),
                Class::Breaking,
                format!(
                    "`{request}::new` loses its argument `{rust}`; set it with the setter `{item}`"
                ),
            ),
            _ => {}
        }
        if old.ty != new.ty {
            let description = if old.required == new.required {
                self.type_change(&item, &old.ty, &new.ty, |t| optional(t, !new.required))
            } else {
                format!(
                    "`{item}` changes type from `{}` to `{}`",
                    optional(rust_type(self.old, &old.ty), !old.required),
                    optional(rust_type(self.new, &new.ty), !new.required)
                )
            };
            self.changed(&child(&new.path, "type"), Class::Breaking, description);
        }
        self.bounds(&item, &new.path, &old.bounds, &new.bounds);
        self.not_before(&item, &new.path, old, new);
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

    /// `not_before` is checked before sending, like a bound: a new or another one refuses
    /// values that passed before, and dropping it accepts more.
    fn not_before(&mut self, item: &str, path: &str, old: &Field, new: &Field) {
        let path = child(path, "not_before");
        match (&old.not_before, &new.not_before) {
            (None, Some(now)) => self.push(
                &path,
                ChangeKind::Added,
                Class::Breaking,
                format!(
                    "`{item}` must not be earlier than `{now}`: values that passed before are refused with `Error::InvalidInput`"
                ),
            ),
            (Some(was), None) => self.push(
                &path,
                ChangeKind::Removed,
                Class::Additive,
                format!(
                    "`{item}` may be earlier than `{was}` again: more values are accepted"
                ),
            ),
            (Some(was), Some(now)) if was != now => self.changed(
                &path,
                Class::Breaking,
                format!(
                    "`{item}` must not be earlier than `{now}` instead of `{was}`: values that passed before are refused with `Error::InvalidInput`"
                ),
            ),
            _ => {}
        }
    }

    /// Bounds are checked before sending: a tighter bound refuses values that passed before.
    fn bounds(&mut self, item: &str, path: &str, old: &Bounds, new: &Bounds) {
        let to_i128 = |v: Option<u64>| v.map(i128::from);
        let to_i128s = |v: Option<i64>| v.map(i128::from);
        // (key, old, new, whether a higher value is tighter)
        let bounds = [
            (
                "minimum",
                to_i128s(old.minimum),
                to_i128s(new.minimum),
                true,
            ),
            (
                "maximum",
                to_i128s(old.maximum),
                to_i128s(new.maximum),
                false,
            ),
            (
                "min_length",
                to_i128(old.min_length),
                to_i128(new.min_length),
                true,
            ),
            (
                "max_length",
                to_i128(old.max_length),
                to_i128(new.max_length),
                false,
            ),
            (
                "min_items",
                to_i128(old.min_items),
                to_i128(new.min_items),
                true,
            ),
            (
                "max_items",
                to_i128(old.max_items),
                to_i128(new.max_items),
                false,
            ),
        ];
        for (key, was, now, higher_is_tighter) in bounds {
            if was == now {
                continue;
            }
            let tighter = match (was, now) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => (b > a) == higher_is_tighter,
                (None, None) => continue,
            };
            let was_text = was.map_or_else(|| "none".to_owned(), |v| v.to_string());
            let (class, description) = match (tighter, now) {
                (true, Some(now)) => (
                    Class::Breaking,
                    format!(
                        "`{item}` has the `{key}` {now} (was {was_text}): values that passed before are refused with `Error::InvalidInput`"
                    ),
                ),
                (_, Some(now)) => (
                    Class::Additive,
                    format!(
                        "`{item}` has the `{key}` {now} (was {was_text}): more values are accepted"
                    ),
                ),
                (_, None) => (
                    Class::Additive,
                    format!(
                        "`{item}` no longer has a `{key}` (was {was_text}): more values are accepted"
                    ),
                ),
            };
            let kind = match (was, now) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                _ => ChangeKind::Changed,
            };
            self.push(&child(path, key), kind, class, description);
        }
    }
}
