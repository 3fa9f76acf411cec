//! `ipidea spec verify` end to end: against the embedded sandbox, a sandbox that drifts from
//! the spec, faults, a wrong appkey, servers that are not the API, the patch, and secrets.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{UID, code, ipidea, text};
use ipidea_sandbox::{Decimal, DriftKind, DriftSet, Fault, Product, Sandbox};
use ipidea_spec::Changes;
use ipidea_tests::{RecordingServer, Reply};
use serde_json::Value;

const APPKEY: &str = "verify-appkey-7c1e-SECRET";

/// Runs `ipidea` with `args` against `base_url` with the test account and `appkey`.
async fn run_with(base_url: &str, appkey: &str, args: &[&str]) -> Output {
    common::run_as(base_url, appkey, args).await
}

async fn run(base_url: &str, args: &[&str]) -> Output {
    run_with(base_url, APPKEY, args).await
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\n{}",
            text(output).0,
            text(output).1
        )
    })
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ipidea-verify-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A sandbox with the test account and the given drift. The account has traffic orders of
/// both lines, a whitelisted IP and spending of two days ago, so that every record type of the
/// responses shows.
async fn sandbox(drift: impl Into<DriftSet>) -> Sandbox {
    let spec: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    let order = spec["endpoints"]["flow_order_list"]["examples"][0]["response"]["ret_data"]["data"]
        [0]
    .clone();
    let two_days_ago = chrono::Utc::now().timestamp() - 2 * 86_400;
    Sandbox::builder()
        .account(UID, APPKEY)
        .seed(serde_json::json!({UID: {"flow": [order.clone()], "mobile_flow": [order]}}))
        .whitelist(UID, [std::net::IpAddr::from([203, 0, 113, 7])])
        .spent(UID, two_days_ago, Product::Isp, Decimal::new(35, 0))
        .drift(drift)
        .start()
        .await
        .unwrap()
}

/// The endpoint entries of a `--json` report, by name.
fn entry<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"] == name)
        .unwrap_or_else(|| panic!("no entry for {name}: {report:#}"))
}

#[test]
fn the_embedded_sandbox_matches_the_spec() {
    let output = ipidea()
        .args(["--sandbox", "spec", "verify"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stdout}\n{stderr}");
    let spec = ipidea_spec::bundled();
    for endpoint in &spec.endpoints {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{} ", endpoint.name)));
        if endpoint.changes == Changes::Nothing {
            let line = line.unwrap_or_else(|| panic!("{}: {stdout}", endpoint.name));
            let status = line[endpoint.name.len()..].trim_start();
            assert!(
                status.starts_with("ok") || status.starts_with("skipped: needs `"),
                "{line}"
            );
        } else {
            assert!(
                line.is_none(),
                "{} is never called: {stdout}",
                endpoint.name
            );
        }
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("flow_proxy_account_use_record ")
                && l.ends_with(
                    "skipped: needs `sub_id`: pass `--field flow_proxy_account_use_record.sub_id=…`"
                )),
        "{stdout}"
    );
    assert!(
        stdout.contains("not called (they spend money or change the account"),
        "{stdout}"
    );
    assert!(stdout.contains("against the embedded sandbox"), "{stdout}");

    let output = ipidea()
        .args([
            "--sandbox",
            "--json",
            "spec",
            "verify",
            "--field",
            "flow_proxy_account_use_record.sub_id=28670",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", text(&output).1);
    let report = json_of(&output);
    assert_eq!(report["verdict"], "clean");
    assert_eq!(report["target"], "the embedded sandbox");
    let statuses: Vec<&str> = report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == "ok"), "{report:#}");
    assert_eq!(
        statuses.len(),
        spec.endpoints
            .iter()
            .filter(|e| e.changes == Changes::Nothing)
            .count()
    );
    assert!(entry(&report, "flow_left")["confirmed"].as_bool().unwrap());
    let never: Vec<&str> = spec
        .endpoints
        .iter()
        .filter(|e| e.changes != Changes::Nothing)
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(report["not_called"], serde_json::json!(never));
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_never_calls_an_endpoint_that_changes_anything() {
    let sandbox = sandbox(DriftSet::none()).await;
    let output = run(
        sandbox.url(),
        &[
            "spec",
            "verify",
            "--field",
            "flow_proxy_account_use_record.sub_id=28670",
        ],
    )
    .await;
    assert_eq!(code(&output), 0, "{}\n{}", text(&output).0, text(&output).1);
    for endpoint in &sandbox.spec().endpoints {
        let seen = sandbox.requests_seen(&endpoint.name);
        if endpoint.changes == Changes::Nothing {
            assert_eq!(seen, 1, "{} is called once", endpoint.name);
        } else {
            assert_eq!(seen, 0, "{} must never be called", endpoint.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_appkey_stops_at_the_first_refusal() {
    let sandbox = sandbox(DriftSet::none()).await;
    let output = run_with(sandbox.url(), "not-the-appkey", &["spec", "verify"]).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 3, "{stdout}\n{stderr}");
    let total: usize = sandbox
        .spec()
        .endpoints
        .iter()
        .map(|e| sandbox.requests_seen(&e.name))
        .sum();
    assert_eq!(total, 1, "nothing is called after the refusal");
    // The API's own message, on stderr and in the report.
    assert!(stderr.contains("wrong credentials"), "{stderr}");
    assert!(stderr.contains("check the uid and appkey"), "{stderr}");
    assert!(
        stdout.contains("isp_order_list") && stdout.contains("refused"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stopped: the API refused `isp_order_list`"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_network_fault_on_one_endpoint_is_reported_and_the_rest_still_run() {
    let sandbox = sandbox(DriftSet::none()).await;
    sandbox.inject_always("balance_left", Fault::Status(503));
    sandbox.inject_always("white_list", Fault::Drop);
    let output = run(sandbox.url(), &["--json", "spec", "verify"]).await;
    assert_eq!(code(&output), 4, "{}", text(&output).1);
    let report = json_of(&output);
    assert_eq!(report["verdict"], "some-failed");
    assert_eq!(entry(&report, "balance_left")["status"], "failed");
    assert_eq!(
        entry(&report, "balance_left")["reason"],
        "HTTP 503 Service Unavailable"
    );
    assert_eq!(entry(&report, "white_list")["status"], "failed");
    for name in [
        "isp_order_list",
        "flow_order_list",
        "balance_use_record",
        "flow_left",
    ] {
        assert_eq!(entry(&report, name)["status"], "ok", "{name}");
        assert_eq!(sandbox.requests_seen(name), 1, "{name}");
    }
    // Read-only calls are retried, within the limit of 4 per endpoint.
    for name in ["balance_left", "white_list"] {
        let seen = sandbox.requests_seen(name);
        assert!((1..=4).contains(&seen), "{name}: {seen}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_is_not_the_api_is_named_and_stops() {
    for reply in [
        Reply::raw(
            200,
            "text/html",
            "<html><body>Welcome to nginx!</body></html>",
        ),
        Reply::json(r#"{"hello":1}"#),
    ] {
        let server = RecordingServer::start().await;
        server.set_default(reply);
        let output = run(&server.url(), &["spec", "verify"]).await;
        let (stdout, stderr) = text(&output);
        assert_eq!(code(&output), 4, "{stdout}\n{stderr}");
        assert!(
            stderr.contains("this server does not answer like the IPIDEA API: "),
            "{stderr}"
        );
        assert!(
            stdout.contains("stopped: this server does not answer"),
            "{stdout}"
        );
        assert_eq!(server.requests().len(), 1, "it stops at the first answer");
        assert!(!stdout.contains("nginx") && !stderr.contains("nginx"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_kind_of_drift_is_reported_where_the_sandbox_made_it() {
    for kind in DriftKind::INJECTED {
        let sandbox = sandbox(kind).await;
        let output = run(
            sandbox.url(),
            &[
                "--json",
                "spec",
                "verify",
                "--field",
                "flow_proxy_account_use_record.sub_id=28670",
            ],
        )
        .await;
        assert_eq!(code(&output), 7, "{kind}: {}", text(&output).1);
        let report = json_of(&output);
        assert_eq!(report["verdict"], "drift");
        let findings: Vec<(String, String, String)> = report["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| {
                let name = e["endpoint"].as_str().unwrap().to_owned();
                e["findings"].as_array().unwrap().iter().map(move |f| {
                    (
                        name.clone(),
                        generic(f["path"].as_str().unwrap()),
                        f["kind"].as_str().unwrap().to_owned(),
                    )
                })
            })
            .collect();
        let applied = sandbox.drift_applied();
        assert!(!applied.is_empty(), "{kind}");
        for change in &applied {
            let wanted = (
                change.endpoint.clone(),
                generic(&change.path),
                change.kind.as_str().to_owned(),
            );
            assert!(
                findings.contains(&wanted),
                "{kind}: the sandbox's {wanted:?} is not reported: {findings:#?}"
            );
        }
        // Nothing is found that the sandbox did not do.
        for found in &findings {
            assert!(
                applied.iter().any(|c| c.endpoint == found.0
                    && generic(&c.path) == found.1
                    && c.kind.as_str() == found.2),
                "{kind}: {found:?} was not made by the sandbox"
            );
        }
    }
}

/// A path with its list indices left out: `ret_data.data[0].x` -> `ret_data.data[].x`.
fn generic(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_learns_the_drift_and_a_second_run_against_it_finds_none() {
    let dir = temp_dir("patch");
    let patch = dir.join("patched.json");
    let patch_path = patch.to_str().unwrap();
    let sandbox = sandbox([
        DriftKind::UnknownField,
        DriftKind::UnknownEnum,
        DriftKind::UntypedShape,
    ])
    .await;
    let output = run(
        sandbox.url(),
        &[
            "spec",
            "verify",
            "--write-patch",
            patch_path,
            "--mark-verified",
        ],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 7, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("unknown-field") && stdout.contains("ret_data.data[0].sandbox_drift"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("written to {patch_path}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("learned: `FlowOrder` gains the nullable field `sandbox_drift`"),
        "{stdout}"
    );
    // The diff's verdict ends the report.
    assert!(stdout.contains("spec diff of the patch:"), "{stdout}");
    assert!(stdout.contains("suggested bump: major"), "{stdout}");
    assert!(stdout.contains("additive ("), "{stdout}");

    // The patch passes `spec check`, and `spec diff` classes the new fields as additive.
    let check = ipidea()
        .args(["spec", "check", patch_path])
        .output()
        .unwrap();
    assert_eq!(code(&check), 0, "{}", text(&check).1);
    let diff = ipidea()
        .args(["--json", "spec", "diff", "../spec/ipidea.json", patch_path])
        .output()
        .unwrap();
    let diff = json_of(&diff);
    let class_of = |path: &str| {
        diff["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == path)
            .map(|c| c["class"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        class_of("types.FlowOrder.fields.sandbox_drift").as_deref(),
        Some("additive")
    );
    assert_eq!(
        class_of("types.WhiteListEntry.fields.sandbox_drift").as_deref(),
        Some("additive")
    );
    assert_eq!(
        class_of("types.PayStatus.values.9").as_deref(),
        Some("additive")
    );
    assert_eq!(
        class_of("types.IspOrderPage.item").as_deref(),
        Some("breaking")
    );

    // Against the same drifting sandbox, the patched spec has nothing left to learn, and the
    // unverified endpoints whose responses now match are confirmed.
    let second_patch = dir.join("second.json");
    let output = run(
        sandbox.url(),
        &[
            "--json",
            "spec",
            "verify",
            "--spec",
            patch_path,
            "--write-patch",
            second_patch.to_str().unwrap(),
            "--mark-verified",
        ],
    )
    .await;
    let report = json_of(&output);
    assert_eq!(code(&output), 0, "{report:#}");
    assert_eq!(report["summary"]["findings"], 0, "{report:#}");
    assert_eq!(report["spec"], patch_path);
    assert!(entry(&report, "flow_left")["confirmed"].as_bool().unwrap());
    assert!(
        entry(&report, "flow_use_record")["confirmed"]
            .as_bool()
            .unwrap()
    );
    let changes = report["patch"]["diff"]["changes"].as_array().unwrap();
    assert!(
        changes.iter().all(|c| c["class"] == "docs"),
        "only the unverified marks go: {changes:#?}"
    );
    let second: Value =
        serde_json::from_str(&std::fs::read_to_string(&second_patch).unwrap()).unwrap();
    assert!(second["endpoints"]["flow_left"].get("unverified").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_appkey_never_appears() {
    let dir = temp_dir("secrets");
    let patch = dir.join("patched.json");
    let sandbox = sandbox(DriftSet::all()).await;
    for args in [
        vec!["spec", "verify"],
        vec!["--json", "spec", "verify"],
        vec!["spec", "verify", "--write-patch", patch.to_str().unwrap()],
    ] {
        let output = run(sandbox.url(), &args).await;
        assert_eq!(code(&output), 7, "{args:?}: {}", text(&output).1);
        let (stdout, stderr) = text(&output);
        assert!(!stdout.contains(APPKEY), "{args:?}: {stdout}");
        assert!(!stderr.contains(APPKEY), "{args:?}: {stderr}");
    }
    let written = std::fs::read_to_string(&patch).unwrap();
    assert!(!written.contains(APPKEY));
    // A server that echoes the appkey in its refusal: the report shows it redacted.
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(format!(
        r#"{{"ret":1001,"code":"1","msg":"appkey {APPKEY} is invalid","ret_data":[]}}"#
    )));
    for args in [vec!["spec", "verify"], vec!["--json", "spec", "verify"]] {
        let output = run(&server.url(), &args).await;
        assert_eq!(code(&output), 3);
        let (stdout, stderr) = text(&output);
        assert!(!stdout.contains(APPKEY), "{stdout}");
        assert!(!stderr.contains(APPKEY), "{stderr}");
        assert!(stderr.contains("appkey [appkey] is invalid"), "{stderr}");
    }
    // The values of the responses do not show either: the sandbox's order ids and IPs.
    let output = run(sandbox.url(), &["--json", "spec", "verify"]).await;
    let stdout = text(&output).0;
    assert!(!stdout.contains("2205211052185894"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn min_interval_spaces_the_calls_of_verify() {
    let server = RecordingServer::start().await;
    // Every answer is an empty success; verify's verdict does not matter here.
    let output = run(&server.url(), &["--min-interval", "0.05", "spec", "verify"]).await;
    assert!(
        code(&output) == 7 || code(&output) == 0,
        "{}",
        text(&output).1
    );
    let requests = server.requests();
    assert!(requests.len() >= 5, "{}", requests.len());
    let arrived: Vec<_> = requests.iter().map(|r| r.arrived).collect();
    ipidea_tests::assert_spaced(&arrived, std::time::Duration::from_millis(50));
    // No request is an order, a renewal, a whitelist change or a setting.
    let spec = ipidea_spec::bundled();
    for request in &requests {
        let endpoint = spec
            .endpoints
            .iter()
            .find(|e| e.url_path == request.path)
            .unwrap();
        assert_eq!(endpoint.changes, Changes::Nothing, "{}", request.path);
    }
}

#[test]
fn bad_flags_are_usage_errors_and_help_documents_verify() {
    let output = ipidea()
        .args([
            "--sandbox",
            "spec",
            "verify",
            "--field",
            "isp_ip_open.num=1",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(
        text(&output).1.contains("so verify never calls it"),
        "{}",
        text(&output).1
    );
    let output = ipidea()
        .args(["--sandbox", "spec", "verify", "--field", "sub_id=1"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    let output = ipidea()
        .args(["--sandbox", "spec", "verify", "--mark-verified"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2, "--mark-verified needs --write-patch");
    let output = ipidea()
        .args([
            "--sandbox",
            "spec",
            "verify",
            "--spec",
            "/nonexistent/spec.json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);

    let help = text(
        &ipidea()
            .args(["spec", "verify", "--help"])
            .output()
            .unwrap(),
    )
    .0;
    for flag in [
        "--spec",
        "--field",
        "--write-patch",
        "--mark-verified",
        "--min-interval",
        "--json",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    assert!(
        help.contains("  7  a live response differs from the spec"),
        "{help}"
    );
    let top = text(&ipidea().arg("--help").output().unwrap()).0;
    assert!(top.contains("  7  spec verify"), "{top}");
}

#[test]
fn the_embedded_sandbox_drifts_on_request() {
    let output = ipidea()
        .args([
            "--sandbox",
            "--sandbox-drift",
            "unknown-enum",
            "spec",
            "verify",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 7, "drift found: {stdout}{stderr}");
    assert!(
        stdout.contains("ret_data.data[0].pay_status") && stdout.contains("unknown-enum"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("unknown-field"),
        "only the kind asked for: {stdout}"
    );
    // Drift is a sandbox's; without one it is a usage error, and so is an unknown kind.
    for args in [
        vec!["--sandbox-drift", "all", "spec", "verify"],
        vec!["--sandbox", "--sandbox-drift", "nul", "spec", "verify"],
    ] {
        let output = ipidea().args(&args).output().unwrap();
        assert_eq!(code(&output), 2, "{args:?}: {}", text(&output).1);
    }
}
