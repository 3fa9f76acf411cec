//! The specs the tool runs and the runtime's descriptions of them (`ApiInfo` and one
//! `EndpointInfo` per endpoint), in static storage.
//!
//! The runtime takes its descriptions as `&'static`, as generated code gives them. A run of the
//! tool holds at most two specs: the bundled one, from which the commands are built, and a
//! spec that `spec verify --spec FILE` reads. Each has a [`Slot`] that keeps the spec and
//! builds its descriptions once, on first use, so that they live as long as the process
//! without being leaked per call.

use std::sync::OnceLock;

use ipidea::RefusalKind;
use ipidea::runtime::{
    ApiInfo, AuthInfo, Encoding, EndpointInfo, EnvelopeInfo, Method, ServiceInfo,
};
use ipidea_spec::{Endpoint, Service, Spec};

/// The lists of one API's description, which its `ServiceInfo` borrows.
struct Lists {
    auth: Vec<AuthInfo>,
    fixed: Vec<(&'static str, &'static str)>,
    refusals: Vec<(RefusalKind, &'static str)>,
}

/// A spec and its descriptions, each set once.
pub(crate) struct Slot {
    spec: OnceLock<Spec>,
    lists: OnceLock<Vec<Lists>>,
    services: OnceLock<Vec<ServiceInfo>>,
    api: OnceLock<ApiInfo>,
    endpoints: OnceLock<Vec<EndpointInfo>>,
}

impl Slot {
    const fn new() -> Slot {
        Slot {
            spec: OnceLock::new(),
            lists: OnceLock::new(),
            services: OnceLock::new(),
            api: OnceLock::new(),
            endpoints: OnceLock::new(),
        }
    }

    /// Keeps `spec` here, or the spec kept already: a slot holds one spec for the process.
    fn keep(&'static self, spec: impl FnOnce() -> Spec) -> &'static Spec {
        self.spec.get_or_init(spec)
    }

    fn holds(&self, spec: &Spec) -> bool {
        self.spec.get().is_some_and(|kept| std::ptr::eq(kept, spec))
    }
}

/// The bundled spec's slot.
static BUNDLED: Slot = Slot::new();
/// The slot of the spec that `spec verify --spec FILE` read.
static LOADED: Slot = Slot::new();

/// The bundled spec, loaded once.
pub(crate) fn bundled() -> &'static Spec {
    BUNDLED.keep(ipidea_spec::bundled)
}

/// Keeps a spec read from a file for the rest of the run; a second one is refused.
pub(crate) fn keep_loaded(spec: Spec) -> Result<&'static Spec, String> {
    if LOADED.spec.get().is_some() {
        return Err("a run reads one spec file".to_owned());
    }
    Ok(LOADED.keep(|| spec))
}

/// The slot that keeps `spec`: every spec the tool holds is kept in one.
fn slot(spec: &'static Spec) -> &'static Slot {
    if LOADED.holds(spec) {
        &LOADED
    } else {
        &BUNDLED
    }
}

/// The runtime's description of the API of `spec`.
pub(crate) fn api(spec: &'static Spec) -> &'static ApiInfo {
    let slot = slot(spec);
    let lists = slot
        .lists
        .get_or_init(|| spec.apis.iter().map(lists).collect());
    let services = slot.services.get_or_init(|| {
        spec.apis
            .iter()
            .zip(lists)
            .map(|(service, lists)| service_info(service, lists))
            .collect()
    });
    slot.api.get_or_init(|| {
        let api = &spec.api;
        ApiInfo {
            name: &api.name,
            apis: services,
            date_format: &api.date_format,
            utc_offset_seconds: api.utc_offset.seconds(),
        }
    })
}

fn lists(service: &'static Service) -> Lists {
    Lists {
        auth: service
            .auth
            .iter()
            .map(|a| AuthInfo {
                name: &a.name,
                env: &a.env,
                secret: a.secret,
            })
            .collect(),
        fixed: service
            .fixed
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect(),
        refusals: service
            .refusals
            .iter()
            .map(|rule| (rule.kind, rule.message.as_str()))
            .collect(),
    }
}

fn service_info(service: &'static Service, lists: &'static Lists) -> ServiceInfo {
    let e = &service.envelope;
    ServiceInfo {
        name: &service.name,
        base_url: &service.base_url,
        base_url_env: service.base_url_env.as_deref(),
        auth: &lists.auth,
        fixed: &lists.fixed,
        envelope: EnvelopeInfo {
            status: &e.status,
            success: e.success,
            code: e.code.as_deref(),
            message: &e.message,
            data: &e.data,
            timestamp: e.timestamp.as_deref(),
            flag: e.flag.as_deref(),
        },
        refusals: &lists.refusals,
    }
}

/// The runtime's description of `endpoint` of `spec`; `None` for an endpoint that is not
/// one of `spec`'s.
pub(crate) fn endpoint(
    spec: &'static Spec,
    endpoint: &'static Endpoint,
) -> Option<&'static EndpointInfo> {
    let described = slot(spec).endpoints.get_or_init(|| {
        spec.endpoints
            .iter()
            .map(|endpoint| EndpointInfo {
                name: &endpoint.name,
                method: match endpoint.method {
                    ipidea_spec::Method::Get => Method::Get,
                    ipidea_spec::Method::Post => Method::Post,
                },
                path: &endpoint.url_path,
                encoding: match spec.encoding(endpoint) {
                    ipidea_spec::Encoding::Multipart => Encoding::Multipart,
                    ipidea_spec::Encoding::Form => Encoding::Form,
                    ipidea_spec::Encoding::Json => Encoding::Json,
                },
                idempotent: endpoint.idempotent,
                api: spec.service_index(endpoint),
            })
            .collect()
    });
    described.iter().find(|info| info.name == endpoint.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_built_once_and_follow_the_spec() {
        let spec = bundled();
        assert!(std::ptr::eq(spec, bundled()), "one bundled spec per run");
        let api = api(spec);
        assert!(std::ptr::eq(api, super::api(spec)), "built once");
        assert_eq!(api.name, "ipidea");
        assert_eq!(api.apis.len(), spec.apis.len());
        for (info, service) in api.apis.iter().zip(&spec.apis) {
            assert_eq!(info.name, service.name);
            assert_eq!(info.auth.len(), service.auth.len());
            assert_eq!(info.refusals.len(), service.refusals.len());
        }
        assert_eq!(api.utc_offset_seconds, 8 * 60 * 60);
        for e in &spec.endpoints {
            let info = endpoint(spec, e).unwrap();
            assert_eq!(
                (info.name, info.path, info.idempotent),
                (e.name.as_str(), e.url_path.as_str(), e.idempotent)
            );
            assert!(std::ptr::eq(info, endpoint(spec, e).unwrap()));
        }
        // A spec read from a file gets descriptions of its own.
        let mut other = ipidea_spec::bundled();
        other.api.name = "other".to_owned();
        let loaded = keep_loaded(other).unwrap();
        assert_eq!(super::api(loaded).name, "other");
        assert_eq!(super::api(spec).name, "ipidea");
        assert!(keep_loaded(ipidea_spec::bundled()).is_err());
    }
}
