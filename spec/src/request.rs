//! One request check: the fields of a request to an endpoint, as wire values, against the
//! spec; the problems out, each tool putting them in its own words. The CLI (its flags), the
//! sandbox (what it refuses), `spec verify` (its `--field` values), the import's merge (a
//! page's examples) and validation (the spec's own examples) all check requests through it.

use serde_json::{Map, Value};

use crate::model::{Bounds, Endpoint, Field, Spec};
use crate::valid::check_bounds;

/// What is wrong with a request, field by field.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestProblem<'s> {
    /// A field the endpoint does not take, with the closest name it does take, if one is close
    /// enough to be a typo.
    Unknown {
        /// The name sent.
        name: String,
        /// The closest request field.
        closest: Option<&'s str>,
    },
    /// A required field that is absent (see [`is_absent`]).
    Missing(&'s Field),
    /// A value that does not fit the field's type (the wire check's words).
    Value {
        /// The field.
        field: &'s Field,
        /// Why, from [`Spec::check_value`].
        problem: String,
    },
    /// A value outside the field's bounds.
    Bounds {
        /// The field.
        field: &'s Field,
        /// Why, from [`check_bounds`].
        problem: String,
    },
    /// A range that ends before it starts (`not_before`).
    Reversed {
        /// The end of the range.
        end: &'s Field,
        /// The start it is before.
        start: &'s Field,
    },
}

impl std::fmt::Display for RequestProblem<'_> {
    /// The problem in the check's own words: a value's problem as the wire check or the bounds
    /// put it (`expected an integer, found "x"`); the others name their fields.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestProblem::Unknown { name, closest } => {
                write!(f, "`{name}` is not a request field")?;
                match closest {
                    Some(closest) => write!(f, "; did you mean `{closest}`?"),
                    None => Ok(()),
                }
            }
            RequestProblem::Missing(field) => write!(f, "`{}` is required", field.name),
            RequestProblem::Value { problem, .. } | RequestProblem::Bounds { problem, .. } => {
                f.write_str(problem)
            }
            RequestProblem::Reversed { end, start } => {
                write!(f, "`{}` is before `{}`", end.name, start.name)
            }
        }
    }
}

/// Whether a wire value leaves its field out: missing, `null` or `""` (the vendor's examples
/// send `""` for the filters they do not use).
pub fn is_absent(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

impl Spec {
    /// The problem with `value` as the wire value of request field `field`: its type, then its
    /// bounds.
    pub fn check_field<'s>(
        &self,
        field: &'s Field,
        value: &Value,
    ) -> Result<(), RequestProblem<'s>> {
        self.check_value(&field.ty, false, value)
            .map_err(|problem| RequestProblem::Value { field, problem })?;
        check_bounds(field, value).map_err(|problem| RequestProblem::Bounds { field, problem })
    }

    /// Every problem of a request to `endpoint` whose fields are `fields` (wire values by name,
    /// credentials left out), in this order: fields the endpoint does not take, then each of its
    /// fields in spec order (missing where required, or a value that does not fit), then a range
    /// that ends before it starts, among fields that are given and fit.
    pub fn check_request<'s>(
        &'s self,
        endpoint: &'s Endpoint,
        fields: &Map<String, Value>,
    ) -> Vec<RequestProblem<'s>> {
        let mut problems = Vec::new();
        for name in fields.keys() {
            if !endpoint.request.iter().any(|f| &f.name == name) {
                let names = endpoint.request.iter().map(|f| f.name.as_str());
                problems.push(RequestProblem::Unknown {
                    name: name.clone(),
                    closest: closest(name, names),
                });
            }
        }
        let mut fitting = Map::new();
        for field in &endpoint.request {
            let value = fields.get(&field.name);
            match value {
                _ if is_absent(value) && field.required => {
                    problems.push(RequestProblem::Missing(field));
                }
                None => {}
                Some(_) if is_absent(value) => {}
                Some(value) => match self.check_field(field, value) {
                    Ok(()) => {
                        fitting.insert(field.name.clone(), value.clone());
                    }
                    Err(problem) => problems.push(problem),
                },
            }
        }
        if let Some((end, start)) = self.reversed_range(endpoint, |name| fitting.get(name).cloned())
        {
            problems.push(RequestProblem::Reversed { end, start });
        }
        problems
    }
}

/// The candidate closest to `name`, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(distance, _)| *distance <= 2.max(name.chars().count() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// The field's bounds in words: `at least 1`, `between 1 and 5 characters long`.
pub fn describe_bounds(field: &Field) -> String {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn problems(endpoint: &str, fields: Value) -> Vec<String> {
        let spec = crate::bundled();
        let endpoint = spec.endpoint(endpoint).unwrap();
        let Value::Object(fields) = fields else {
            unreachable!()
        };
        spec.check_request(endpoint, &fields)
            .into_iter()
            .map(|p| match p {
                RequestProblem::Unknown { name, closest } => format!("unknown {name} {closest:?}"),
                RequestProblem::Missing(f) => format!("missing {}", f.name),
                RequestProblem::Value { field, .. } => format!("value {}", field.name),
                RequestProblem::Bounds { field, .. } => format!("bounds {}", field.name),
                RequestProblem::Reversed { end, start } => {
                    format!("reversed {} {}", end.name, start.name)
                }
            })
            .collect()
    }

    #[test]
    fn every_problem_of_a_request_in_order() {
        assert_eq!(
            problems(
                "isp_ip_open",
                json!({"regoin": "hk", "duration": "weekly", "num": "0"})
            ),
            [
                "unknown regoin Some(\"region\")",
                "missing region",
                "bounds num"
            ]
        );
        assert_eq!(
            problems(
                "isp_ip_open",
                json!({"region": "hk", "duration": "yearly", "num": "1"})
            ),
            ["value duration"]
        );
        // `""` and `null` leave an optional field out; a range is compared where both ends fit.
        assert_eq!(
            problems(
                "balance_use_record",
                json!({"start_time": "1656604800", "end_time": "1656518400"})
            ),
            ["reversed end_time start_time"]
        );
        assert!(
            problems(
                "isp_order_list",
                json!({"start_time": "", "end_time": null})
            )
            .is_empty()
        );
        assert!(
            problems(
                "balance_use_record",
                json!({"start_time": "1656604800", "end_time": "soon"})
            ) == ["value end_time"]
        );
    }
}
