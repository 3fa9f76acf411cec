//! Checking a request against the spec: credentials, unknown fields, required fields, types
//! (through [`Spec::check_value`], the same lenient check as the client's decoders), bounds
//! (through [`ipidea_spec::check_bounds`]) and the order of `not_before` fields (through
//! [`Spec::reversed_range`]).

use ipidea_spec::{Bounds, Endpoint, Field, Spec};
use serde_json::{Map, Value};

use crate::envelope::{Refusal, ret};
use crate::orders::text;

/// An account: its id and its API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub uid: String,
    pub appkey: String,
}

/// Whether a wire value leaves the field out: missing, `null` or the empty string (the vendor's
/// examples send `""` for filters they do not use).
fn is_absent(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// Finds the account that the request's credentials (the spec's `api.auth` fields) name.
///
/// The first non-secret credential is the account id (`uid`) and the first secret one the key
/// (`appkey`). Every credential of the spec is required.
pub(crate) fn authenticate<'a>(
    spec: &Spec,
    accounts: &'a [Account],
    fields: &Map<String, Value>,
) -> Result<&'a Account, Refusal> {
    let auth = &spec.api.auth;
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

/// Checks the endpoint's fields; returns the ones given (not absent), in spec order.
pub(crate) fn validate(
    spec: &Spec,
    endpoint: &Endpoint,
    fields: &Map<String, Value>,
) -> Result<Map<String, Value>, Refusal> {
    let refuse = |msg: String| Refusal::api(ret::INVALID, msg);
    for name in fields.keys() {
        let known = endpoint.request.iter().any(|f| &f.name == name)
            || spec.api.auth.iter().any(|a| &a.name == name);
        if !known {
            let hint = closest(name, endpoint.request.iter().map(|f| f.name.as_str()))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(refuse(format!(
                "`{name}` is not a field of `{}`{hint}",
                endpoint.name
            )));
        }
    }
    let mut given = Map::new();
    for field in &endpoint.request {
        let value = fields.get(&field.name);
        let Some(value) = value.filter(|v| !is_absent(Some(v))) else {
            if field.required {
                return Err(refuse(format!("`{}` is required", field.name)));
            }
            continue;
        };
        if let Err(problem) = spec.check_value(&field.ty, false, value) {
            return Err(refuse(format!(
                "`{}` is not a valid `{}`: {problem}",
                field.name, field.ty
            )));
        }
        if let Err(problem) = ipidea_spec::check_bounds(field, value) {
            return Err(refuse(format!(
                "`{}` must be {} ({problem})",
                field.name,
                describe_bounds(field)
            )));
        }
        given.insert(field.name.clone(), value.clone());
    }
    // `not_before`: the end of a range is not before its start, where both are given.
    if let Some((end, start)) = spec.reversed_range(endpoint, |name| given.get(name).cloned()) {
        let shown = |name: &str| {
            given
                .get(name)
                .map(|v| text(v).unwrap_or_else(|| v.to_string()))
                .unwrap_or_default()
        };
        return Err(refuse(format!(
            "`{}` must not be earlier than `{}` ({} is before {})",
            end.name,
            start.name,
            shown(&end.name),
            shown(&start.name)
        )));
    }
    Ok(given)
}

/// The field's bounds in words: `at least 1`, `between 1 and 5 characters long`.
fn describe_bounds(field: &Field) -> String {
    fn range<T: std::fmt::Display>(min: Option<T>, max: Option<T>) -> Option<String> {
        match (min, max) {
            (Some(min), Some(max)) => Some(format!("between {min} and {max}")),
            (Some(min), None) => Some(format!("at least {min}")),
            (None, Some(max)) => Some(format!("at most {max}")),
            (None, None) => None,
        }
    }
    let Bounds {
        minimum,
        maximum,
        min_length,
        max_length,
        min_items,
        max_items,
    } = field.bounds;
    let parts: Vec<String> = [
        range(minimum, maximum),
        range(min_length, max_length).map(|r| format!("{r} characters long")),
        range(min_items, max_items).map(|r| format!("a list of {r} items")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "within its bounds".to_owned()
    } else {
        parts.join(" and ")
    }
}

/// The candidate closest to `name`, if it is close enough to be a typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(distance, _)| *distance <= 2.max(name.chars().count() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
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
        let auth = |v: Value| authenticate(&spec, &accounts, &fields(v)).map(|a| a.uid.clone());
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
