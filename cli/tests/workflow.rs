//! The "when the API changes" walk-through of the README, end to end: a vendor page gains an
//! endpoint; `spec import --merge` turns it into a spec change; `spec diff` classifies it; the
//! expansion snapshot shows the new Rust API as a diff.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const NEW_ENDPOINT: &str = r#"POST /api/open/static_ip_list HTTP/1.1
Host: api.ipidea.net
Content-Type: multipart/form-data
Accept: */*
{
"region": "hk",
"page": "1",
"limit": "15"
}{
"ret": 0,
"code": "1",
"msg": "success",
"ret_data": {
"total": 1,
"per_page": "15",
"current_page": 1,
"last_page": 1,
"data": [
{
"ip": "156.237.6.97", // IP地址
"region": "hk", // 地区
"expire_time": 1655694166 // 过期时间
}
]
},
"timestamp": 1653375000
}"#;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn ipidea(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("ipidea")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ipidea-workflow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The checked-in expansion, without insta's header.
fn snapshot() -> String {
    let text = std::fs::read_to_string(repo("client/generated/ipidea.snap")).unwrap();
    text.splitn(3, "---\n")
        .nth(2)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_new_vendor_endpoint_goes_from_page_to_spec_to_diff_to_snapshot() {
    let dir = scratch();
    let spec_path = repo("spec/ipidea.json");
    let spec = spec_path.to_str().unwrap();

    // 1. The vendor's page, now with one more endpoint.
    let page =
        std::fs::read_to_string(repo("spec-tools/tests/data/orders.txt")).unwrap() + NEW_ENDPOINT;
    let page_path = dir.join("orders-v2.txt");
    std::fs::write(&page_path, page).unwrap();

    // 2. Import it into the current spec: the new endpoint is added, nothing conflicts, and
    //    what a person must decide is listed.
    let (code, merged, report) = ipidea(&[
        "spec",
        "import",
        page_path.to_str().unwrap(),
        "--merge",
        spec,
    ]);
    assert_eq!(code, 0, "{report}");
    assert!(
        report.contains("added endpoints `static_ip_list`"),
        "{report}"
    );
    assert!(report.contains("no conflicts"), "{report}");
    assert!(
        report.contains("requiredness"),
        "decisions are listed: {report}"
    );
    let merged_path = dir.join("ipidea-v2.json");
    std::fs::write(&merged_path, &merged).unwrap();

    // 3. The diff says what changes for users of the Rust API, and that it is additive.
    let (code, diff, _) = ipidea(&["spec", "diff", spec, merged_path.to_str().unwrap()]);
    assert_eq!(code, 0, "an added endpoint breaks nothing: {diff}");
    assert!(diff.contains("`Client::static_ip_list`"), "{diff}");
    assert!(diff.contains("suggested bump: minor"), "{diff}");

    // 4. The expansion of the new spec differs from the checked-in snapshot by the new API.
    let new_spec = ipidea_spec::load(&merged_path).unwrap();
    let expanded = ipidea_codegen::expand_to_string(&new_spec, "ipidea.json").unwrap();
    let current = snapshot();
    assert!(
        expanded.trim() != current.trim(),
        "the snapshot test would fail and ask for a refresh"
    );
    for item in [
        "pub async fn static_ip_list(",
        "pub fn static_ip_list_stream(",
        "pub struct StaticIpListRequest",
    ] {
        assert!(expanded.contains(item) && !current.contains(item), "{item}");
    }

    // And a breaking change is caught: dropping an enum value the Rust API exposes.
    let mut broken: serde_json::Value = serde_json::from_str(&merged).unwrap();
    broken["types"]["IspDuration"]["values"]
        .as_object_mut()
        .unwrap()
        .remove("quarterly");
    let broken_path = dir.join("ipidea-v3.json");
    std::fs::write(&broken_path, serde_json::to_string_pretty(&broken).unwrap()).unwrap();
    let (code, diff, _) = ipidea(&[
        "spec",
        "diff",
        merged_path.to_str().unwrap(),
        broken_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{diff}");
    assert!(diff.contains("IspDuration::Quarterly"), "{diff}");
    assert!(diff.contains("suggested bump: major"), "{diff}");
}
