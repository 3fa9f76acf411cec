//! API-wide settings: name, base URL, encodings, the credentials of `Client::new`, the
//! response envelope and the page layout.

use ipidea_spec::locate::child;
use ipidea_spec::model::{AuthField, PageCount, Service, TypeKind};
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
        self.page_layout();
        self.services();
    }

    /// Each API of the spec, matched by name: one removed breaks the endpoints that call it,
    /// one added adds, and the settings of one in both are compared.
    fn services(&mut self) {
        let (old_spec, new_spec) = (self.old, self.new);
        for old in &old_spec.apis {
            match new_spec.apis.iter().find(|s| s.name == old.name) {
                Some(new) => self.service(old, new),
                None => self.push(
                    &old.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!(
                        "the API `{}` ({}) is gone, with the endpoints that called it",
                        old.name, old.base_url
                    ),
                ),
            }
        }
        for new in &new_spec.apis {
            if !old_spec.apis.iter().any(|s| s.name == new.name) {
                self.push(
                    &new.path,
                    ChangeKind::Added,
                    Class::Additive,
                    format!("a new API `{}` at {}", new.name, new.base_url),
                );
            }
        }
    }

    /// One API that both specs have.
    fn service(&mut self, old: &Service, new: &Service) {
        if old.base_url != new.base_url {
            self.changed(
                &new.key_path("base_url"),
                Class::Breaking,
                format!(
                    "calls of the API `{}` go to `{}` instead of `{}`",
                    new.name, new.base_url, old.base_url
                ),
            );
        }
        if old.base_url_env != new.base_url_env {
            let shown = |env: &Option<String>| env.as_deref().unwrap_or("no variable").to_owned();
            self.changed(
                &new.key_path("base_url_env"),
                Class::Breaking,
                format!(
                    "`Client::from_env` reads the API `{}`'s base URL from {} instead of {}",
                    new.name,
                    shown(&new.base_url_env),
                    shown(&old.base_url_env)
                ),
            );
        }
        if old.unverified.is_some() && new.unverified.is_none() {
            self.changed(
                &new.key_path("unverified"),
                Class::Docs,
                format!("the API `{}` is documented by the vendor now", new.name),
            );
        }
        if old.fixed != new.fixed {
            let shown = |fixed: &[(String, String)]| {
                let pairs: Vec<String> = fixed.iter().map(|(n, v)| format!("{n}={v}")).collect();
                if pairs.is_empty() {
                    "none".to_owned()
                } else {
                    backticked(&pairs)
                }
            };
            self.changed(
                &new.key_path("fixed"),
                Class::Breaking,
                format!(
                    "every call of the API `{}` sends {} instead of {}",
                    new.name,
                    shown(&new.fixed),
                    shown(&old.fixed)
                ),
            );
        }
        if old.refusals != new.refusals {
            self.changed(
                &new.key_path("refusals"),
                Class::Breaking,
                format!(
                    "`Error::refusal` tells the refusals of the API `{}` apart by other text",
                    new.name
                ),
            );
        }
        self.default_encoding(old, new);
        self.auth(old, new);
        self.envelope(old, new);
    }

    /// The default encoding changes the wire only for endpoints that set none, before and after.
    fn default_encoding(&mut self, old: &Service, new: &Service) {
        if old.encoding == new.encoding {
            return;
        }
        let affected: Vec<String> = self
            .new
            .endpoints
            .iter()
            .filter(|e| {
                e.encoding.is_none()
                    && e.api == new.name
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
            &new.key_path("encoding"),
            class,
            format!(
                "the default request encoding is `{}` instead of `{}`{tail}",
                new.encoding.name(),
                old.encoding.name()
            ),
        );
    }

    /// The credentials are the arguments of `Client::new`, in order.
    fn auth(&mut self, old: &Service, new: &Service) {
        let path = new.key_path("auth");
        let (old, new) = (&old.auth, &new.auth);
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
                &path,
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

    fn envelope(&mut self, old_api: &Service, new_api: &Service) {
        let path = new_api.key_path("envelope");
        let (old, new) = (&old_api.envelope, &new_api.envelope);
        let shown = |name: Option<&String>| match name {
            Some(name) => format!("`{name}`"),
            None => "no field".to_owned(),
        };
        let parts = [
            ("status", "status", Some(&old.status), Some(&new.status)),
            ("code", "code", old.code.as_ref(), new.code.as_ref()),
            ("message", "message", Some(&old.message), Some(&new.message)),
            ("data", "data", Some(&old.data), Some(&new.data)),
            (
                "timestamp",
                "server timestamp",
                old.timestamp.as_ref(),
                new.timestamp.as_ref(),
            ),
            ("flag", "success flag", old.flag.as_ref(), new.flag.as_ref()),
        ];
        for (key, what, was, now) in parts {
            if was != now {
                self.changed(
                    &child(&path, key),
                    Class::Breaking,
                    format!(
                        "responses of the API `{}` are read with the {what} in {} instead of {}",
                        new_api.name,
                        shown(now),
                        shown(was)
                    ),
                );
            }
        }
        if old.success != new.success {
            self.changed(
                &child(&path, "success"),
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
