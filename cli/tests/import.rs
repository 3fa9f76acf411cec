//! `ipidea spec import` end to end, on the copy of the vendor's order page in
//! `spec-tools/tests/data/orders.txt`.

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

const ORDERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec-tools/tests/data/orders.txt"
);
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ipidea.json");

fn ipidea(args: &[&str]) -> Output {
    Command::cargo_bin("ipidea")
        .unwrap()
        .env_remove("IPIDEA_UID")
        .env_remove("IPIDEA_APPKEY")
        .env_remove("IPIDEA_BASE_URL")
        .args(args)
        .output()
        .unwrap()
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A page written to a temporary file that is removed when dropped.
struct TempPage(PathBuf);

impl TempPage {
    fn new(name: &str, text: &str) -> TempPage {
        let path =
            std::env::temp_dir().join(format!("ipidea-import-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempPage(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempPage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn importing_the_order_page_prints_the_eight_endpoints() {
    let output = ipidea(&["spec", "import", ORDERS]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let entries = stdout_json(&output);
    let endpoints = entries["endpoints"].as_object().unwrap();
    let spec = ipidea_spec::bundled();
    assert_eq!(endpoints.len(), 8);
    for (name, entry) in endpoints {
        let endpoint = spec.endpoint(name).expect("an endpoint of the spec");
        assert_eq!(entry["path"], endpoint.url_path.as_str());
    }
    assert!(
        entries["types"]
            .as_object()
            .unwrap()
            .contains_key("FlowOrderListItem")
    );
    let report = stderr(&output);
    assert!(report.contains("8 endpoints and 5 types"), "{report}");
    assert!(report.contains("to decide"), "{report}");
    assert!(
        report.contains("requiredness: the page does not say which fields `isp_ip_open` needs"),
        "{report}"
    );
    assert!(report.contains("no conflicts"), "{report}");
}

#[test]
fn merging_the_order_page_into_the_spec_finds_no_conflicts() {
    let output = ipidea(&["spec", "import", ORDERS, "--merge", SPEC]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    assert_eq!(
        stdout_json(&output),
        spec,
        "the merged spec is the spec, unchanged"
    );
    let report = stderr(&output);
    assert!(
        report.contains("nothing new; 8 endpoints already in the spec"),
        "{report}"
    );
    assert!(
        report.contains("no conflicts") && !report.contains("conflicts ("),
        "{report}"
    );
}

#[test]
fn a_conflicting_path_exits_1_and_names_the_conflict() {
    let text = std::fs::read_to_string(ORDERS).unwrap().replace(
        "POST /api/open/isp_ip_open HTTP/1.1",
        "POST /api/v2/isp_ip_open HTTP/1.1",
    );
    let page = TempPage::new("conflict.txt", &text);
    let output = ipidea(&["spec", "import", page.path(), "--merge", SPEC]);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(report.contains("conflicts (1):"), "{report}");
    assert!(
        report.contains("endpoints.isp_ip_open.path: the page (line 4) has the path `/api/v2/isp_ip_open` for `isp_ip_open`, the spec has `/api/open/isp_ip_open`"),
        "{report}"
    );
    // The spec on stdout is still whole and unchanged.
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    assert_eq!(stdout_json(&output), spec);
}

#[test]
fn a_new_endpoint_is_merged_and_the_result_checks() {
    let page = TempPage::new(
        "black.txt",
        "黑名单列表\r\nPOST /api/open/black_list HTTP/1.1\r\nHost: api.ipidea.net\r\n{\"page\": \"1\", \"limit\": \"10\",}{\r\n\"ret\": 0,\r\n\"ret_data\": [{\"ip\": \"1.2.3.4\", // 白名单IP\r\n}]\r\n}",
    );
    let output = ipidea(&["spec", "import", page.path(), "--merge", SPEC, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result = stdout_json(&output);
    assert_eq!(
        result["added"]["endpoints"],
        serde_json::json!(["black_list"])
    );
    assert_eq!(result["conflicts"], serde_json::json!([]));
    assert!(
        result["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "endpoints.black_list.request")
    );
    assert_eq!(
        result["spec"]["endpoints"]["black_list"]["response"],
        "list<BlackListItem>"
    );
    // The merged spec passes `spec check`.
    let merged = TempPage::new(
        "merged.json",
        &serde_json::to_string_pretty(&result["spec"]).unwrap(),
    );
    let check = ipidea(&["spec", "check", merged.path()]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn a_page_that_cannot_be_read_names_the_line() {
    let page = TempPage::new(
        "bad.txt",
        "Title\nPOST /api/open/x HTTP/1.1\n{\n\"a\": 1\n\"b\": 2\n}",
    );
    let output = ipidea(&["spec", "import", page.path()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("line 5: expected `,` or `}` after the field `a`, found `\"b\"`"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    let missing = ipidea(&["spec", "import", "/nonexistent/page.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read `/nonexistent/page.txt`"));
}

const FLOW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec-tools/tests/data/flow.txt"
);
const WHITELIST_CHANGED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec-tools/tests/data/whitelist-changed.txt"
);

#[test]
fn a_page_of_unverified_endpoints_replaces_their_guesses() {
    let output = ipidea(&["spec", "import", FLOW, "--merge", SPEC]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(
        report.contains("replaced (the spec's guesses of unverified endpoints"),
        "{report}"
    );
    assert!(
        report.contains("`flow_use_record` (line 33): it is no longer marked unverified"),
        "{report}"
    );
    let merged = stdout_json(&output);
    assert!(
        merged["endpoints"]["flow_use_record"]
            .get("unverified")
            .is_none()
    );
    assert_eq!(
        merged["endpoints"]["flow_use_record"]["response"],
        "list<FlowUseRecordItem>"
    );
}

#[test]
fn apply_takes_the_pages_side_and_without_it_conflicts_exit_1() {
    let kept = ipidea(&["spec", "import", WHITELIST_CHANGED, "--merge", SPEC]);
    assert_eq!(kept.status.code(), Some(1), "{}", stderr(&kept));
    assert!(stderr(&kept).contains("--apply takes the page's side where it can"));
    let applied = ipidea(&[
        "spec",
        "import",
        WHITELIST_CHANGED,
        "--merge",
        SPEC,
        "--apply",
        "--json",
    ]);
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    let result = stdout_json(&applied);
    assert_eq!(result["conflicts"], serde_json::json!([]));
    assert!(
        result["applied"].as_array().unwrap().len() >= 6,
        "{}",
        result["applied"]
    );
    assert_eq!(
        result["spec"]["types"]["WhiteList"]["fields"]["white"]["type"],
        "string"
    );
    // `--apply` needs `--merge`.
    let usage = ipidea(&["spec", "import", WHITELIST_CHANGED, "--apply"]);
    assert_eq!(usage.status.code(), Some(2));
}
