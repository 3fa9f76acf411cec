//! Endpoints: their client methods, the wire they send on, paging, and `Client::reconcile`.

use ipidea_spec::locate::child;
use ipidea_spec::model::{Endpoint, EndpointIndex, Spec};
use ipidea_spec::naming;
use ipidea_spec::text::and_list;

use super::names::{method, request, rust_type, stream};
use super::{ChangeKind, Class, Differ};

/// The Rust items an endpoint brings: its method, its page stream, its request struct.
fn items(endpoint: &Endpoint) -> String {
    let mut items = vec![format!("`{}`", method(endpoint))];
    if endpoint.paging.is_some() {
        items.push(format!("`{}`", stream(endpoint)));
    }
    items.push(format!("`{}`", request(endpoint)));
    and_list(&items)
}

/// Whether the client of `spec` has `Client::reconcile`: whether any endpoint gets an arm.
fn has_reconcile(spec: &Spec, index: &EndpointIndex<'_>) -> bool {
    spec.endpoints
        .iter()
        .any(|e| index.orders_list(e).is_some())
}

impl Differ<'_> {
    pub(super) fn endpoints(&mut self) {
        for endpoint in &self.old.endpoints {
            match self.new_endpoints.get(&endpoint.name) {
                None => self.push(
                    &endpoint.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!("{} are removed", items(endpoint)),
                ),
                Some(now) => self.endpoint(endpoint, now),
            }
        }
        for endpoint in &self.new.endpoints {
            if self.old_endpoints.get(&endpoint.name).is_none() {
                self.push(
                    &endpoint.path,
                    ChangeKind::Added,
                    Class::Additive,
                    format!("{} are added", items(endpoint)),
                );
            }
        }
        let had = has_reconcile(self.old, &self.old_endpoints);
        let has = has_reconcile(self.new, &self.new_endpoints);
        if had != has {
            let (kind, class, what) = if has {
                (ChangeKind::Added, Class::Additive, "added")
            } else {
                (ChangeKind::Removed, Class::Breaking, "removed")
            };
            self.push(
                "endpoints",
                kind,
                class,
                format!("`Client::reconcile` is {what}"),
            );
        }
    }

    /// An endpoint that both specs have, in the order of its keys in the spec.
    fn endpoint(&mut self, old: &Endpoint, new: &Endpoint) {
        self.route(old, new);
        self.docs(
            &child(&new.path, "doc"),
            &old.doc,
            &new.doc,
            &format!("`{}` and `{}`", method(new), request(new)),
        );
        self.unverified(old, new);
        self.encoding(old, new);
        self.idempotence(old, new);
        self.changes(old, new);
        self.paging(old, new);
        self.orders_in(old, new);
        self.response(old, new);
        self.request(old, new);
        if old.examples != new.examples {
            self.changed(
                &child(&new.path, "examples"),
                Class::Docs,
                format!("the vendor examples of `{}` change", method(new)),
            );
        }
    }

    /// The API, the method and the URL path; the method and path reported as one change.
    fn route(&mut self, old: &Endpoint, new: &Endpoint) {
        if old.api != new.api {
            self.changed(
                &child(&new.path, "api"),
                Class::Breaking,
                format!(
                    "`{}` calls the API `{}` instead of `{}`",
                    method(new),
                    new.api,
                    old.api
                ),
            );
        }
        if old.method == new.method && old.url_path == new.url_path {
            return;
        }
        let key = if old.url_path != new.url_path {
            "path"
        } else {
            "method"
        };
        self.changed(
            &child(&new.path, key),
            Class::Breaking,
            format!(
                "`{}` sends `{} {}` instead of `{} {}`",
                method(new),
                new.method.name(),
                new.url_path,
                old.method.name(),
                old.url_path
            ),
        );
    }

    /// Whether a vendor page documents the endpoint shows only in its docs.
    fn unverified(&mut self, old: &Endpoint, new: &Endpoint) {
        let path = child(&new.path, "unverified");
        let call = method(new);
        match (&old.unverified, &new.unverified) {
            (None, Some(_)) => self.push(
                &path,
                ChangeKind::Added,
                Class::Docs,
                format!("`{call}` is now unverified: no vendor page documents it"),
            ),
            (Some(_), None) => self.push(
                &path,
                ChangeKind::Removed,
                Class::Docs,
                format!("`{call}` is now verified against a vendor page"),
            ),
            (Some(was), Some(now)) if was != now => self.changed(
                &path,
                Class::Docs,
                format!("the source of the unverified `{call}` changes"),
            ),
            _ => {}
        }
    }

    fn encoding(&mut self, old: &Endpoint, new: &Endpoint) {
        let (was, now) = (self.old.encoding(old), self.new.encoding(new));
        // A change of the API's default alone is reported once, at `api.encoding`.
        if was != now && (old.encoding.is_some() || new.encoding.is_some()) {
            self.changed(
                &child(&new.path, "encoding"),
                Class::Breaking,
                format!(
                    "`{}` sends its fields as `{}` instead of `{}`",
                    method(new),
                    now.name(),
                    was.name()
                ),
            );
        }
    }

    /// What a call changes decides its docs, the CLI's question before it and whether `spec
    /// verify` calls it: another answer changes what the same call means to its users.
    fn changes(&mut self, old: &Endpoint, new: &Endpoint) {
        if old.changes != new.changes {
            self.changed(
                &child(&new.path, "changes"),
                Class::Breaking,
                format!(
                    "`{}` now {}; the spec said it {}",
                    method(new),
                    new.changes.describe(),
                    old.changes.describe()
                ),
            );
        }
    }

    /// Idempotence decides retries, so either way it changes what the same call does.
    fn idempotence(&mut self, old: &Endpoint, new: &Endpoint) {
        let call = method(new);
        let path = child(&new.path, "idempotent");
        match (old.idempotent, new.idempotent) {
            (true, false) => self.changed(
                &path,
                Class::Breaking,
                format!(
                    "`{call}` is no longer idempotent: it is never retried, and a failure after sending is `Error::OutcomeUnknown`"
                ),
            ),
            (false, true) => self.changed(
                &path,
                Class::Breaking,
                format!(
                    "`{call}` is now idempotent: it is retried after transient failures and no longer fails with `Error::OutcomeUnknown`"
                ),
            ),
            _ => {}
        }
    }

    fn paging(&mut self, old: &Endpoint, new: &Endpoint) {
        let path = child(&new.path, "paging");
        let stream = stream(new);
        let request = request(new);
        match (&old.paging, &new.paging) {
            (None, Some(_)) => self.push(
                &path,
                ChangeKind::Added,
                Class::Additive,
                format!("`{stream}` is added, walking every page"),
            ),
            (Some(_), None) => self.push(
                &path,
                ChangeKind::Removed,
                Class::Breaking,
                format!(
                    "`{stream}` is removed, and `{request}` no longer implements `PagedRequest`"
                ),
            ),
            (Some(was), Some(now)) => {
                if was.page != now.page {
                    self.changed(
                        &child(&path, "page"),
                        Class::Breaking,
                        format!(
                            "`{stream}` selects pages with `{}` instead of `{}`",
                            now.page, was.page
                        ),
                    );
                }
                if was.limit != now.limit {
                    self.changed(
                        &child(&path, "limit"),
                        Class::Docs,
                        format!(
                            "the page-size field of `{}` is `{}` instead of `{}`; the generated code does not use it",
                            new.name, now.limit, was.limit
                        ),
                    );
                }
            }
            (None, None) => {}
        }
    }

    /// `orders_in` counts only where it gives the endpoint an arm in `Client::reconcile`.
    fn orders_in(&mut self, old: &Endpoint, new: &Endpoint) {
        let path = child(&new.path, "orders_in");
        let (was, now) = (
            self.old_endpoints
                .orders_list(old)
                .and(old.orders_in.as_ref()),
            self.new_endpoints
                .orders_list(new)
                .and(new.orders_in.as_ref()),
        );
        let name = &new.name;
        match (was, now) {
            (None, Some(now)) => self.push(
                &path,
                ChangeKind::Added,
                Class::Additive,
                format!(
                    "`Client::reconcile` looks up calls of `{name}` in `Client::{}`",
                    naming::stream_method(&now.endpoint)
                ),
            ),
            (Some(_), None) => self.push(
                &path,
                ChangeKind::Removed,
                Class::Breaking,
                format!("`Client::reconcile` no longer looks up calls of `{name}`"),
            ),
            (Some(was), Some(now)) if was != now => self.changed(
                &path,
                Class::Breaking,
                format!(
                    "`Client::reconcile` looks up calls of `{name}` in `Client::{}` by `{}` (was `Client::{}` by `{}`)",
                    naming::stream_method(&now.endpoint),
                    now.since,
                    naming::stream_method(&was.endpoint),
                    was.since
                ),
            ),
            _ => {}
        }
    }

    fn response(&mut self, old: &Endpoint, new: &Endpoint) {
        if old.response == new.response {
            return;
        }
        let call = method(new);
        let was = format!("Response<{}>", rust_type(self.old, &old.response));
        let now = format!("Response<{}>", rust_type(self.new, &new.response));
        let description = if was == now {
            format!(
                "`{call}` still returns `{now}` but reads `{}` from the wire instead of `{}`",
                new.response, old.response
            )
        } else {
            format!("`{call}` returns `{now}` instead of `{was}`")
        };
        self.changed(&child(&new.path, "response"), Class::Breaking, description);
    }
}
