//! `ipidea spec diff` and `ipidea spec openapi` end to end, on spec files written to a temp
//! directory.

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};

fn ipidea() -> Command {
    let mut command = Command::cargo_bin("ipidea").unwrap();
    command
        .env_remove("IPIDEA_UID")
        .env_remove("IPIDEA_APPKEY")
        .env_remove("IPIDEA_BASE_URL");
    command
}

/// A fresh temp directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ipidea-spec-tools-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bundled_json() -> Value {
    serde_json::from_str(ipidea_spec::BUNDLED).unwrap()
}

/// Writes `spec` as `name` in `dir` and returns its path as a string.
fn write(dir: &std::path::Path, name: &str, spec: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(spec).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The old (bundled) and a new spec where `region` of `isp_ip_open` is optional and a new
/// optional field `zone` exists: one breaking and one additive change.
fn breaking_pair(dir: &std::path::Path) -> (String, String) {
    let old = write(dir, "old.json", &bundled_json());
    let mut new = bundled_json();
    new["endpoints"]["isp_ip_open"]["request"]["region"]["required"] = json!(false);
    new["endpoints"]["isp_ip_open"]["request"]["zone"] =
        json!({ "type": "string", "doc": { "en": "Zone." } });
    let new = write(dir, "new.json", &new);
    (old, new)
}

#[test]
fn a_breaking_change_exits_1_and_names_the_rust_item() {
    let dir = temp_dir("breaking");
    let (old, new) = breaking_pair(&dir);
    let output = ipidea()
        .args(["spec", "diff", &old, &new])
        .output()
        .unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    let expected = "\
breaking (1):
  changed  `IspIpOpenRequest::new` loses its argument `region`; set it with the setter `IspIpOpenRequest::region`  [endpoints.isp_ip_open.request.region.required]
additive (1):
  added    `IspIpOpenRequest` gains a setter `zone`  [endpoints.isp_ip_open.request.zone]

suggested bump: major (a change is breaking)
note: for 0.x versions cargo treats a minor bump as breaking";
    assert!(text.starts_with(expected), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_json_output_parses_and_has_changes_and_bump() {
    let dir = temp_dir("json");
    let (old, new) = breaking_pair(&dir);
    let output = ipidea()
        .args(["spec", "diff", &old, &new, "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(json["bump"], "major");
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[0],
        json!({
            "path": "endpoints.isp_ip_open.request.region.required",
            "kind": "changed",
            "class": "breaking",
            "description": "`IspIpOpenRequest::new` loses its argument `region`; set it with the setter `IspIpOpenRequest::region`",
        })
    );
    assert_eq!(changes[1]["class"], "additive");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn additive_and_empty_diffs_exit_0() {
    let dir = temp_dir("additive");
    let old = write(&dir, "old.json", &bundled_json());
    let mut new = bundled_json();
    new["types"]["PayStatus"]["values"]["2"] =
        json!({ "name": "Refunded", "doc": { "en": "Refunded." } });
    let new = write(&dir, "new.json", &new);

    let output = ipidea()
        .args(["spec", "diff", &old, &new])
        .output()
        .unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("`PayStatus` gains a variant `Refunded`"),
        "{text}"
    );
    assert!(
        text.contains("suggested bump: minor (changes are additive)"),
        "{text}"
    );

    let same = ipidea()
        .args(["spec", "diff", &old, &old])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        stdout(&same),
        "no changes\n\nsuggested bump: none (nothing changes)\n"
    );
    let json = ipidea()
        .args(["spec", "diff", &old, &old, "--json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        (json["changes"].clone(), json["bump"].clone()),
        (json!([]), json!("none"))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_spec_that_does_not_load_exits_2_with_its_errors() {
    let dir = temp_dir("broken");
    let old = write(&dir, "old.json", &bundled_json());
    let mut broken = bundled_json();
    broken["endpoints"]["isp_ip_open"]["request"]["duration"]["type"] = json!("IspDuraton");
    let broken = write(&dir, "broken.json", &broken);
    let output = ipidea()
        .args(["spec", "diff", &old, &broken])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert!(errors.contains("unknown type `IspDuraton`"), "{errors}");
    assert!(
        errors.contains("does not load, so it cannot be compared"),
        "{errors}"
    );
    assert!(stdout(&output).is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn openapi_prints_a_document_that_openapiv3_parses() {
    let output = ipidea().args(["spec", "openapi"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let document: openapiv3::OpenAPI =
        serde_json::from_slice(&output.stdout).expect("an OpenAPI 3.0 document");
    assert_eq!(document.openapi, "3.0.3");
    let spec = ipidea_spec::bundled();
    assert_eq!(document.paths.paths.len(), spec.endpoints.len());
    for endpoint in &spec.endpoints {
        assert!(
            document.paths.paths.contains_key(&endpoint.url_path),
            "{}",
            endpoint.url_path
        );
    }
    let schemas = &document.components.unwrap().schemas;
    assert_eq!(schemas.len(), spec.types.len());
}

#[test]
fn openapi_reads_a_spec_file_and_writes_to_output() {
    let dir = temp_dir("openapi");
    let mut spec = bundled_json();
    spec["api"]["base_url"] = json!("https://example.test");
    let file = write(&dir, "spec.json", &spec);
    let out = dir.join("openapi.json");
    let output = ipidea()
        .args(["spec", "openapi", &file, "--output", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let bundled = ipidea_spec::bundled();
    let counts = format!(
        "{} endpoints and {} schemas",
        bundled.endpoints.len(),
        bundled.types.len()
    );
    assert!(stderr(&output).contains(&counts), "{}", stderr(&output));
    let document: openapiv3::OpenAPI =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(document.servers[0].url, "https://example.test");
    let _ = std::fs::remove_dir_all(dir);
}
