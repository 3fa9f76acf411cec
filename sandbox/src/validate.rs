//! Checking a request against the spec: credentials here, then unknown fields, required fields,
//! types, bounds and the order of `not_before` fields through the spec's one request check
//! ([`Spec::check_request`]), refused in the vendor's manner.

use ipidea_spec::request::{RequestProblem, describe_bounds, is_absent};
use ipidea_spec::{Endpoint, Service, Spec};
use serde_json::{Map, Value};

use crate::envelope::{Refusal, ret};
use crate::orders::text;

/// An account: its id and its API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub uid: String,
    pub appkey: String,
}

/// Finds the account that the request's credentials (the `auth` fields of the API it calls)
/// name.
///
/// The first non-secret credential is the account id (`uid`) and the first secret one the key
/// (`appkey`). Every credential of the API is required.
pub(crate) fn authenticate<'a>(
    api: &Service,
    accounts: &'a [Account],
    fields: &Map<String, Value>,
) -> Result<&'a Account, Refusal> {
    let auth = &api.auth;
    let names: Vec<String> = auth.iter().map(|a| format!("`{}`", a.name)).collect();
    for credential in auth {
        if is_absent(fields.get(&credential.name)) {
            return Err(Refusal::api(
                ret::AUTH,
                format!(
                    "missing credential `{}`: send the account's {} with every call",
                    credential.name,
                    names.join(" and ")
                ),
            ));
        }
    }
    let value = |name: &str| {
        fields.get(name).and_then(text).ok_or_else(|| {
            Refusal::api(
                ret::AUTH,
                format!("the credential `{name}` must be a string"),
            )
        })
    };
    let id_field = auth.iter().find(|a| !a.secret).map(|a| a.name.as_str());
    let key_field = auth.iter().find(|a| a.secret).map(|a| a.name.as_str());
    // `None` where the spec has no such credential.
    let id = id_field.map(value).transpose()?;
    let key = key_field.map(value).transpose()?;
    let found = accounts.iter().find(|account| {
        id.as_ref().is_none_or(|id| id.trim() == account.uid)
            && key.as_ref().is_none_or(|key| key.trim() == account.appkey)
    });
    match found {
        Some(account) => Ok(account),
        None if auth.is_empty() => accounts
            .first()
            .ok_or_else(|| Refusal::api(ret::AUTH, "the sandbox has no account")),
        None => Err(Refusal::api(
            ret::AUTH,
            match (id_field, key_field) {
                (Some(id_field), Some(key_field)) => format!(
                    "wrong credentials: `{id_field}` and `{key_field}` do not match an account of this sandbox"
                ),
                _ => format!(
                    "wrong credentials: {} match no account of this sandbox",
                    names.join(" and ")
                ),
            },
        )),
    }
}

/// Checks the endpoint's fields (through the spec's one request check,
/// [`Spec::check_request`]) and refuses the first problem in the vendor's manner; returns the
/// fields given (not absent), in spec order.
pub(crate) fn validate(
    spec: &Spec,
    endpoint: &Endpoint,
    fields: &Map<String, Value>,
) -> Result<Map<String, Value>, Refusal> {
    let api = spec.service_of(endpoint);
    let credential = |name: &str| api.auth.iter().any(|a| a.name == name);
    for (name, wanted) in &api.fixed {
        let sent = fields.get(name).and_then(text);
        if sent.as_deref().is_some_and(|sent| sent != wanted) {
            return Err(Refusal::api(
                ret::INVALID,
                format!("this sandbox answers `{name}={wanted}` only"),
            ));
        }
    }
    let fixed = |name: &str| api.fixed.iter().any(|(n, _)| n == name);
    let request: Map<String, Value> = fields
        .iter()
        .filter(|(name, _)| !credential(name) && !fixed(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    if let Some(problem) = spec.check_request(endpoint, &request).into_iter().next() {
        return Err(Refusal::api(
            ret::INVALID,
            words(endpoint, &request, problem),
        ));
    }
    Ok(endpoint
        .request
        .iter()
        .filter_map(|field| {
            let value = request.get(&field.name).filter(|v| !is_absent(Some(v)))?;
            Some((field.name.clone(), value.clone()))
        })
        .collect())
}

/// A request problem in the sandbox's words.
fn words(endpoint: &Endpoint, fields: &Map<String, Value>, problem: RequestProblem<'_>) -> String {
    match problem {
        RequestProblem::Unknown { name, closest } => {
            let hint = closest
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            format!("`{name}` is not a field of `{}`{hint}", endpoint.name)
        }
        RequestProblem::Missing(field) => format!("`{}` is required", field.name),
        RequestProblem::Value { field, problem } => {
            format!("`{}` is not a valid `{}`: {problem}", field.name, field.ty)
        }
        RequestProblem::Bounds { field, problem } => format!(
            "`{}` must be {} ({problem})",
            field.name,
            describe_bounds(field)
        ),
        RequestProblem::Reversed { end, start } => {
            let shown = |name: &str| {
                fields
                    .get(name)
                    .map(|v| text(v).unwrap_or_else(|| v.to_string()))
                    .unwrap_or_default()
            };
            format!(
                "`{}` must not be earlier than `{}` ({} is before {})",
                end.name,
                start.name,
                shown(&end.name),
                shown(&start.name)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn messages_name_the_field() {
        let spec = ipidea_spec::bundled();
        let open = spec.endpoint("isp_ip_open").unwrap();
        let check = |v: Value| validate(&spec, open, &fields(v)).map_err(|r| r.msg);
        let base = json!({"region": "hk", "duration": "weekly", "num": "2"});
        assert!(check(base.clone()).is_ok());
        assert_eq!(
            check(json!({"duration": "weekly", "num": "2"})).unwrap_err(),
            "`region` is required"
        );
        assert_eq!(
            check(json!({"region": "hk", "duration": "weekly", "num": "0"})).unwrap_err(),
            "`num` must be at least 1 (0 is below the minimum 1)"
        );
        assert!(
            check(json!({"region": "hk", "duration": "week", "num": "1"}))
                .unwrap_err()
                .starts_with("`duration` is not a valid `IspDuration`: `week` is not a value")
        );
        assert!(
            check(json!({"region": "hk", "duration": "weekly", "num": "abc"}))
                .unwrap_err()
                .starts_with("`num` is not a valid `u32`: expected an integer")
        );
        assert_eq!(
            check(json!({"region": "hk", "duration": "weekly", "num": 1, "remarks": "x"}))
                .unwrap_err(),
            "`remarks` is not a field of `isp_ip_open`; did you mean `remark`?"
        );
        // A credential must be a scalar: an object matches no account.
        let accounts = [Account {
            uid: "10001".into(),
            appkey: "k".into(),
        }];
        let main = spec.main_service();
        let auth = |v: Value| authenticate(main, &accounts, &fields(v)).map(|a| a.uid.clone());
        assert_eq!(
            auth(json!({"uid": 10001, "appkey": "k"})),
            Ok("10001".into())
        );
        assert!(auth(json!({"uid": {}, "appkey": "k"})).is_err());
        assert!(auth(json!({"uid": "10001", "appkey": ["k"]})).is_err());
        assert!(auth(json!({"uid": "10001", "appkey": "x"})).is_err());

        // The vendor leaves optional fields out with "".
        let given =
            check(json!({"region": "hk", "duration": "weekly", "num": 1, "remark": ""})).unwrap();
        assert!(!given.contains_key("remark"));
    }

    #[test]
    fn an_end_before_its_start_is_refused() {
        let mut json: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
        json["endpoints"]["flow_order_list"]["request"]["end_time"]["not_before"] =
            json!("start_time");
        let spec = ipidea_spec::parse("edited.json", &json.to_string()).unwrap();
        let list = spec.endpoint("flow_order_list").unwrap();
        let check = |v: Value| validate(&spec, list, &fields(v)).map_err(|r| r.msg);
        assert_eq!(
            check(json!({"start_time": "2022-5-31", "end_time": "2022-5-1"})).unwrap_err(),
            "`end_time` must not be earlier than `start_time` (2022-5-1 is before 2022-5-31)"
        );
        // Read leniently: the same day written two ways is in order.
        assert!(check(json!({"start_time": "2022-5-1", "end_time": "2022-05-01"})).is_ok());
        // Only compared when both are given.
        assert!(check(json!({"start_time": "2022-5-31", "end_time": ""})).is_ok());
        assert!(check(json!({"end_time": "2022-5-1"})).is_ok());
    }
}
