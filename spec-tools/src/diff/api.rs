//! API-wide settings: name, base URL, encodings, the credentials of `Client::new`, the
//! response envelope and the page layout.

use ipidea_spec::locate::child;
use ipidea_spec::model::{AuthField, PageCount, TypeKind};
use ipidea_spec::naming::ident;
use ipidea_spec::text::backticked;

use super::names::{method, type_name};
use super::{ChangeKind, Class, Differ};

impl Differ<'_> {
    pub(super) fn api(&mut self) {
        let (old, new) = (&self.old.api, &self.new.api);
        let path = "api";
        if old.name != new.name {
            self.changed(
                &child(path, "name"),
                Class::Docs,
                format!(
                    "the API's short name is `{}` instead of `{}`; it shows only in `Debug` output and tracing",
                    new.name, old.name
                ),
            );
        }
        if old.title != new.title {
            self.changed(
                &child(path, "title"),
                Class::Docs,
                "the title in the docs of `Client` changes".to_owned(),
            );
        }
        self.docs(&child(path, "doc"), &old.doc, &new.doc, "`Client`");
        if old.base_url != new.base_url {
            self.changed(
                &child(path, "base_url"),
                Class::Breaking,
                format!(
                    "`Client::new` and `Client::from_env` send to `{}` instead of `{}`",
                    new.base_url, old.base_url
                ),
            );
        }
        self.default_encoding();
        if old.date_format != new.date_format {
            self.changed(
                &child(path, "date_format"),
                Class::Breaking,
                format!(
                    "`NaiveDate` values are sent and read as `{}` instead of `{}`",
                    new.date_format, old.date_format
                ),
            );
        }
        if old.utc_offset != new.utc_offset {
            self.changed(
                &child(path, "utc_offset"),
                Class::Breaking,
                format!(
                    "the API's days start at midnight {} instead of {}: `vendor_day_start`, `vendor_day` and `reconcile` move with them",
                    new.utc_offset, old.utc_offset
                ),
            );
        }
        self.auth();
        self.envelope();
        self.page_layout();
    }

    /// The default encoding changes the wire only for endpoints that set none, before and after.
    fn default_encoding(&mut self) {
        let (old, new) = (&self.old.api, &self.new.api);
        if old.encoding == new.encoding {
            return;
        }
        let affected: Vec<String> = self
            .new
            .endpoints
            .iter()
            .filter(|e| {
                e.encoding.is_none()
                    && self
                        .old_endpoints
                        .get(&e.name)
                        .is_some_and(|o| o.encoding.is_none())
            })
            .map(method)
            .collect();
        let (class, tail) = if affected.is_empty() {
            (
                Class::Docs,
                "; every existing endpoint sets its own".to_owned(),
            )
        } else {
            (
                Class::Breaking,
                format!(": {} send differently", backticked(&affected)),
            )
        };
        self.changed(
            &child("api", "encoding"),
            class,
            format!(
                "the default request encoding is `{}` instead of `{}`{tail}",
                new.encoding.name(),
                old.encoding.name()
            ),
        );
    }

    /// The credentials are the arguments of `Client::new`, in order.
    fn auth(&mut self) {
        let (old, new) = (&self.old.api.auth, &self.new.api.auth);
        for field in old {
            match new.iter().find(|a| a.name == field.name) {
                Some(now) => self.credential(field, now),
                None => self.push(
                    &field.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!(
                        "`Client::new` loses its argument `{}`, and `Client::from_env` no longer reads `{}`",
                        ident(&field.name),
                        field.env
                    ),
                ),
            }
        }
        for field in new {
            if !old.iter().any(|a| a.name == field.name) {
                self.push(
                    &field.path,
                    ChangeKind::Added,
                    Class::Breaking,
                    format!(
                        "`Client::new` gains an argument `{}`, and `Client::from_env` also needs `{}`",
                        ident(&field.name),
                        field.env
                    ),
                );
            }
        }
        let kept_old: Vec<String> = old
            .iter()
            .filter(|a| new.iter().any(|n| n.name == a.name))
            .map(|a| ident(&a.name))
            .collect();
        let kept_new: Vec<String> = new
            .iter()
            .filter(|a| old.iter().any(|o| o.name == a.name))
            .map(|a| ident(&a.name))
            .collect();
        if kept_old != kept_new {
            self.changed(
                "api.auth",
                Class::Breaking,
                format!(
                    "`Client::new` takes its arguments in another order: {} (was {})",
                    backticked(&kept_new),
                    backticked(&kept_old)
                ),
            );
        }
    }

    /// A credential that both specs have.
    fn credential(&mut self, old: &AuthField, new: &AuthField) {
        if old.env != new.env {
            self.changed(
                &child(&new.path, "env"),
                Class::Breaking,
                format!(
                    "`Client::from_env` reads `{}` from `{}` instead of `{}`",
                    old.name, new.env, old.env
                ),
            );
        }
        match (old.secret, new.secret) {
            (false, true) => self.changed(
                &child(&new.path, "secret"),
                Class::Additive,
                format!(
                    "the credential `{}` is kept secret: it no longer shows in `Debug` output or errors",
                    old.name
                ),
            ),
            (true, false) => self.changed(
                &child(&new.path, "secret"),
                Class::Breaking,
                format!(
                    "the credential `{}` is no longer secret: it may show in `Debug` output and errors",
                    old.name
                ),
            ),
            _ => {}
        }
        self.docs(
            &child(&new.path, "doc"),
            &old.doc,
            &new.doc,
            &format!("the credential `{}`", old.name),
        );
    }

    fn envelope(&mut self) {
        let (old, new) = (&self.old.api.envelope, &self.new.api.envelope);
        let parts = [
            ("status", "status", &old.status, &new.status),
            ("code", "code", &old.code, &new.code),
            ("message", "message", &old.message, &new.message),
            ("data", "data", &old.data, &new.data),
            (
                "timestamp",
                "server timestamp",
                &old.timestamp,
                &new.timestamp,
            ),
        ];
        for (key, what, was, now) in parts {
            if was != now {
                self.changed(
                    &format!("api.envelope.{key}"),
                    Class::Breaking,
                    format!("responses are read with the {what} in `{now}` instead of `{was}`"),
                );
            }
        }
        if old.success != new.success {
            self.changed(
                "api.envelope.success",
                Class::Breaking,
                format!(
                    "the status that means success is `{}` instead of `{}`: other statuses are `Error::Api`",
                    new.success, old.success
                ),
            );
        }
    }

    fn page_layout(&mut self) {
        let (old, new) = (&self.old.api.page, &self.new.api.page);
        let pages: Vec<String> = self
            .new
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Page { .. }))
            .map(|t| type_name(&t.name))
            .collect();
        let which = if pages.is_empty() {
            "every page type".to_owned()
        } else {
            format!("every page type ({})", backticked(&pages))
        };
        for count in PageCount::ALL {
            let (key, was, now) = (count.key(), old.count(count), new.count(count));
            if was == now {
                continue;
            }
            let (was_field, now_field) = (ident(was), ident(now));
            let description = if was_field == now_field {
                format!("{which} reads its field `{now_field}` from `{now}` instead of `{was}`")
            } else {
                format!("the field `{was_field}` of {which} is renamed `{now_field}`")
            };
            self.changed(&format!("api.page.{key}"), Class::Breaking, description);
        }
        if old.items != new.items {
            self.changed(
                "api.page.items",
                Class::Breaking,
                format!(
                    "{which} reads its `items` from `{}` instead of `{}`",
                    new.items, old.items
                ),
            );
        }
    }
}
