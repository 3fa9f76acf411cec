//! What single keys of the spec format do to the expansion, on a tiny spec of one's own (the
//! snapshot test covers the bundled spec as a whole).

use serde_json::{Value, json};

/// A spec with one endpoint, `usage_list`, whose request is a range of days, edited by `edit`.
fn tiny_spec(edit: impl FnOnce(&mut Value)) -> ipidea_spec::Spec {
    let mut spec = json!({
        "format": 1,
        "api": {
            "name": "tiny",
            "title": "Tiny API",
            "doc": { "en": "A tiny API." },
            "base_url": "https://api.invalid",
            "encoding": "form",
            "date_format": "%Y-%m-%d",
            "utc_offset": "+00:00",
            "auth": {
                "uid": { "env": "TINY_UID", "doc": { "en": "Account id." } }
            },
            "envelope": { "status": "ret", "success": 0, "code": "code", "message": "msg",
                          "data": "ret_data", "timestamp": "timestamp" },
            "page": { "total": "total", "per_page": "per_page", "current_page": "current_page",
                      "last_page": "last_page", "items": "data" }
        },
        "types": {},
        "endpoints": {
            "usage_list": {
                "method": "POST",
                "path": "/api/usage_list",
                "doc": { "en": "Usage by day." },
                "changes": "nothing",
                "idempotent": true,
                "request": {
                    "start_time": { "type": "date", "required": true, "doc": { "en": "First day." } },
                    "end_time": { "type": "date", "doc": { "en": "Last day." } }
                },
                "response": "json"
            }
        }
    });
    edit(&mut spec);
    ipidea_spec::parse("tiny.json", &spec.to_string())
        .unwrap_or_else(|errors| panic!("the tiny spec is invalid:\n{errors}"))
}

fn expand(spec: &ipidea_spec::Spec) -> String {
    ipidea_codegen::expand_to_string(spec, "tiny.json").expect("the expansion parses as a file")
}

/// The doc comment right above the first line of `code` that contains `item`.
#[track_caller]
fn doc_above(code: &str, item: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.contains(item))
        .unwrap_or_else(|| panic!("no `{item}` in the expansion"));
    let mut doc: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .map(|line| line.trim())
        .skip_while(|line| line.starts_with("#["))
        .take_while(|line| line.starts_with("///"))
        .collect();
    doc.reverse();
    doc.join("\n")
}

#[test]
fn an_unverified_endpoint_says_so_in_its_method_and_request_docs() {
    let source = "No vendor page. Source: a client whose CI called the live API.";
    let spec = tiny_spec(|spec| {
        spec["endpoints"]["usage_list"]["unverified"] = json!(source);
    });
    let code = expand(&spec);
    let paragraph = format!("/// **Unverified.** {source}");
    for item in ["pub async fn usage_list(", "pub struct UsageListRequest"] {
        let doc = doc_above(&code, item);
        let lines: Vec<&str> = doc.lines().collect();
        let at = lines
            .iter()
            .position(|line| *line == paragraph)
            .unwrap_or_else(|| panic!("no unverified paragraph above `{item}`:\n{doc}"));
        // Its own paragraph, after the doc text and before what the call sends.
        assert_eq!(lines[at - 1], "///", "{doc}");
        assert!(lines[at - 2].contains("Usage by day."), "{doc}");
        assert!(
            lines[at + 1..]
                .iter()
                .any(|line| line.contains("Sends `POST /api/usage_list`.")),
            "{doc}"
        );
    }

    let verified = expand(&tiny_spec(|_| {}));
    assert!(!verified.contains("Unverified"), "{verified}");
}

#[test]
fn not_before_is_checked_before_sending_and_documented() {
    let spec = tiny_spec(|spec| {
        spec["endpoints"]["usage_list"]["request"]["end_time"]["not_before"] = json!("start_time");
    });
    let code = expand(&spec);
    // One call of the runtime's check: the required start as `Some`, the optional end as is.
    let compact: String = code.split_whitespace().collect();
    assert_eq!(compact.matches("check::not_before(").count(), 1, "{code}");
    assert!(
        compact.contains(
            "::ipidea::__private::check::not_before(\"end_time\",::core::option::Option::as_ref(&self.end_time),\"start_time\",::core::option::Option::Some(&self.start_time),)?;"
        ),
        "{code}"
    );
    assert!(
        doc_above(&code, "pub end_time:").contains("Not earlier than `start_time`."),
        "{code}"
    );

    let without = expand(&tiny_spec(|_| {}));
    assert!(!without.contains("not_before"), "{without}");
}
