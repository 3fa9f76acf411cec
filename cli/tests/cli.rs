//! The `ipidea` tool end to end: every subcommand against the sandbox, the wire against a
//! recording server, the confirmation rule, exit codes, secrets, and bad input.

use std::process::Output;

use assert_cmd::Command;
use ipidea_sandbox::Sandbox;
use ipidea_tests::{RecordingServer, Reply};
use serde_json::Value;

const APPKEY: &str = "cli-test-appkey-4f9d";

/// Runs `ipidea` with `args` against `base_url` with test credentials, off the async runtime.
async fn run(base_url: &str, args: &[&str]) -> Output {
    let base_url = base_url.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        Command::cargo_bin("ipidea")
            .unwrap()
            .env("IPIDEA_BASE_URL", base_url)
            .env("IPIDEA_UID", "3716")
            .env("IPIDEA_APPKEY", APPKEY)
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn ipidea() -> Command {
    let mut command = Command::cargo_bin("ipidea").unwrap();
    command
        .env_remove("IPIDEA_UID")
        .env_remove("IPIDEA_APPKEY")
        .env_remove("IPIDEA_BASE_URL");
    command
}

/// Required flags for each endpoint, from the spec examples.
fn required_args(endpoint: &ipidea_spec::Endpoint) -> Vec<String> {
    let mut args = Vec::new();
    for field in endpoint.request.iter().filter(|f| f.required) {
        let example = &endpoint.examples[0].request[&field.name];
        let mut value = example
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| example.to_string());
        if field.name == "renew_ip_list" {
            value = "{IP}".to_owned();
        }
        args.push(format!("--{}", field.name.replace('_', "-")));
        args.push(value);
    }
    args
}

#[test]
fn every_subcommand_runs_against_the_embedded_sandbox() {
    let spec = ipidea_spec::bundled();
    for endpoint in &spec.endpoints {
        let command = endpoint.name.replace('_', "-");
        let mut args = vec!["--sandbox".to_owned(), "--json".to_owned(), command.clone()];
        // The embedded sandbox's demo orders own 156.237.0.1 (ISP) and 38.0.0.1 (datacenter).
        let ip = if endpoint.name.starts_with("isp") {
            "156.237.0.1"
        } else {
            "38.0.0.1"
        };
        args.extend(
            required_args(endpoint)
                .into_iter()
                .map(|a| a.replace("{IP}", ip)),
        );
        let output = ipidea().args(&args).output().unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(code(&output), 0, "{command}: {stderr}");
        let data: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{command}: {e}: {stdout}"));
        if endpoint.idempotent {
            assert!(
                data["data"]
                    .as_array()
                    .is_some_and(|items| !items.is_empty()),
                "{command}: {data}"
            );
        } else {
            assert_eq!(
                data["order_id"].as_str().map(str::len),
                Some(16),
                "{command}: {data}"
            );
        }
    }
}

#[test]
fn the_sandbox_list_prints_a_table() {
    let output = ipidea()
        .args(["--sandbox", "--utc", "isp-order-list"])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert_eq!(code(&output), 0);
    assert!(
        stdout.contains("order_id") && stdout.contains("region"),
        "{stdout}"
    );
    assert!(stdout.contains("page 1 of 1, 2 in all"), "{stdout}");
    assert!(
        stdout.contains(" UTC"),
        "timestamps print as dates: {stdout}"
    );
}

/// The sandbox's first demo flow order (`2205211052185894`) was created at unix second
/// 1653101538: 2022-05-21 02:52:18 UTC, 10:52:18 in Beijing.
const DEMO_CREATED_AT: &str = "1653101538";

/// A `TZ` value for UTC+8: the zone's name where the system has a tz database, else the
/// POSIX form, which needs none.
#[cfg(unix)]
fn tz_shanghai() -> &'static str {
    if std::path::Path::new("/usr/share/zoneinfo/Asia/Shanghai").exists() {
        "Asia/Shanghai"
    } else {
        "CST-8"
    }
}

/// `ipidea --sandbox flow-order-list` with `TZ` set and `extra` flags; its stdout.
#[cfg(unix)]
fn flow_orders_in(tz: &str, extra: &[&str]) -> String {
    let output = ipidea()
        .env("TZ", tz)
        .arg("--sandbox")
        .args(extra)
        .arg("flow-order-list")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    stdout
}

#[cfg(unix)]
#[test]
fn tables_show_local_time_with_its_offset() {
    let stdout = flow_orders_in(tz_shanghai(), &[]);
    assert!(stdout.contains("2205211052185894"), "{stdout}");
    assert!(
        stdout.contains("2022-05-21 10:52:18 +08:00"),
        "the demo order's time in UTC+8: {stdout}"
    );
    assert!(!stdout.contains(" UTC"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn tables_in_the_utc_zone_show_a_zero_offset() {
    let stdout = flow_orders_in("UTC", &[]);
    assert!(stdout.contains("2022-05-21 02:52:18 +00:00"), "{stdout}");
    assert!(!stdout.contains(" UTC"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn the_utc_flag_shows_utc_whatever_the_local_zone() {
    let stdout = flow_orders_in(tz_shanghai(), &["--utc"]);
    assert!(stdout.contains("2022-05-21 02:52:18 UTC"), "{stdout}");
    assert!(!stdout.contains("+08:00"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn json_keeps_the_wire_timestamps_whatever_the_zone() {
    let local = flow_orders_in(tz_shanghai(), &["--json"]);
    let data: Value = serde_json::from_str(&local).unwrap_or_else(|e| panic!("{e}: {local}"));
    let order = data["data"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|item| item["order_id"] == "2205211052185894")
        })
        .unwrap_or_else(|| panic!("the demo order: {local}"));
    assert_eq!(order["created_at"], DEMO_CREATED_AT, "{local}");
    assert_eq!(flow_orders_in("UTC", &["--json", "--utc"]), local);
}

#[test]
fn tables_name_enum_values() {
    let output = ipidea()
        .args(["--sandbox", "flow-order-list"])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert_eq!(code(&output), 0);
    assert!(stdout.contains("pay_status"), "{stdout}");
    // The demo orders: two paid, one unpaid, shown by name rather than `1` and `0`.
    assert_eq!(stdout.matches(" paid ").count(), 2, "{stdout}");
    assert_eq!(stdout.matches(" unpaid ").count(), 1, "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_opened_shows_in_its_list_and_all_pages_come_back() {
    let sandbox = Sandbox::builder()
        .account("3716", APPKEY)
        .start()
        .await
        .unwrap();
    for region in ["hk", "us", "sg"] {
        let output = run(
            sandbox.url(),
            &[
                "--yes",
                "isp-ip-open",
                "--region",
                region,
                "--duration",
                "weekly",
                "--num",
                "1",
            ],
        )
        .await;
        assert_eq!(code(&output), 0, "{:?}", text(&output));
    }
    let output = run(
        sandbox.url(),
        &["--json", "--all", "isp-order-list", "--limit", "2"],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    let items: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(items.len(), 3, "three orders over two pages");
    assert_eq!(sandbox.requests_seen("isp_order_list"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_go_on_the_wire_as_the_api_expects() {
    let server = RecordingServer::start().await;
    let args = [
        "flow-order-list",
        "--start-time",
        "2022-05-01",
        "--end-time",
        "2022-5-31",
        "--pay-status",
        "paid",
        "--limit",
        "15",
    ];
    let output = run(&server.url(), &args).await;
    assert_eq!(code(&output), 0, "{:?}", text(&output));
    let request = &server.requests()[0];
    assert_eq!(request.path, "/api/open/flow_order_list");
    assert_eq!(request.query, None, "nothing in the URL");
    assert!(
        request
            .content_type()
            .unwrap()
            .starts_with("multipart/form-data")
    );
    let fields = request.fields().await.unwrap();
    let expected = [
        ("uid", "3716"),
        ("appkey", APPKEY),
        ("start_time", "2022-5-1"),
        ("end_time", "2022-5-31"),
        ("pay_status", "1"),
        ("limit", "15"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(fields, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn ip_lists_are_comma_joined_and_pool_tags_take_their_names() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"ok","ret_data":{"order_id":"2309200344533229"}}"#,
    ));
    let output = run(
        &server.url(),
        &[
            "--yes",
            "static-ip-renew",
            "--renew-ip-list",
            "156.237.6.97, 156.237.6.98",
            "--duration",
            "season",
        ],
    )
    .await;
    assert_eq!(code(&output), 0, "{:?}", text(&output));
    assert_eq!(
        server.requests()[0].field("renew_ip_list").await.as_deref(),
        Some("156.237.6.97,156.237.6.98")
    );
    let output = run(
        &server.url(),
        &[
            "--yes",
            "isp-ip-open",
            "--region",
            "hk",
            "--duration",
            "weekly",
            "--num",
            "1",
            "--pool-tag",
            "channel2",
        ],
    )
    .await;
    assert_eq!(code(&output), 0, "{:?}", text(&output));
    assert_eq!(
        server.requests()[1].field("pool_tag").await.as_deref(),
        Some("渠道二")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn money_needs_a_confirmation() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"ok","ret_data":{"order_id":"2309200344533229"}}"#,
    ));
    let output = run(
        &server.url(),
        &[
            "isp-ip-open",
            "--region",
            "hk",
            "--duration",
            "weekly",
            "--num",
            "2",
        ],
    )
    .await;
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 2);
    assert!(
        stderr.contains("spends money")
            && stderr.contains("--num")
            && stderr.contains("pass --yes"),
        "{stderr}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing was sent without a confirmation"
    );
    let output = run(
        &server.url(),
        &[
            "--yes",
            "isp-ip-open",
            "--region",
            "hk",
            "--duration",
            "weekly",
            "--num",
            "2",
        ],
    )
    .await;
    assert_eq!(code(&output), 0);
    assert_eq!(server.requests().len(), 1);
    // Lists need no confirmation.
    let output = run(&server.url(), &["isp-order-list"]).await;
    assert_ne!(code(&output), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_tell_failures_apart() {
    let server = RecordingServer::start().await;
    server.reply(Reply::json(
        r#"{"ret":1001,"code":"0","msg":"余额不足","ret_data":[]}"#,
    ));
    let refused = run(
        &server.url(),
        &[
            "--yes",
            "isp-ip-open",
            "--region",
            "hk",
            "--duration",
            "weekly",
            "--num",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&refused), 3);
    assert!(
        text(&refused).1.contains("余额不足"),
        "the API's own msg: {:?}",
        text(&refused)
    );

    server.set_default(Reply::html_500());
    let failed = run(&server.url(), &["isp-order-list"]).await;
    assert_eq!(code(&failed), 4, "{:?}", text(&failed));

    server.set_default(Reply::Drop);
    let before = server.requests().len();
    let unknown = run(
        &server.url(),
        &[
            "--yes",
            "isp-ip-open",
            "--region",
            "hk",
            "--duration",
            "weekly",
            "--num",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&unknown), 5, "{:?}", text(&unknown));
    assert!(
        text(&unknown).1.contains("may or may not exist"),
        "{:?}",
        text(&unknown)
    );
    assert_eq!(
        server.requests().len(),
        before + 1,
        "an order is never retried"
    );

    let usage = ipidea()
        .args(["isp-ip-open", "--region", "hk"])
        .output()
        .unwrap();
    assert_eq!(code(&usage), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_appkey_is_never_printed() {
    let server = RecordingServer::start().await;
    server.reply(Reply::html_500());
    server.reply(Reply::json(r#"{"ret":0,"code":"1","msg":"success","ret_data":{"total":0,"per_page":"15","current_page":1,"last_page":0,"data":[]}}"#));
    server.set_default(Reply::json(
        r#"{"ret":401,"code":"0","msg":"bad appkey","ret_data":[]}"#,
    ));
    for args in [
        vec!["--verbose", "isp-order-list"],
        vec!["--verbose", "--json", "isp-order-list"],
        vec![
            "--verbose",
            "--yes",
            "isp-ip-open",
            "--region",
            "hk",
            "--duration",
            "weekly",
            "--num",
            "1",
        ],
    ] {
        let output = run(&server.url(), &args).await;
        let (stdout, stderr) = text(&output);
        assert!(
            !stdout.contains(APPKEY) && !stderr.contains(APPKEY),
            "{args:?}: {stdout}{stderr}"
        );
    }
    let dir = std::env::temp_dir().join(format!("ipidea-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("appkey");
    std::fs::write(&key_file, "from-a-file-key\n").unwrap();
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        ipidea()
            .env("IPIDEA_BASE_URL", url)
            .env("IPIDEA_UID", "3716")
            .args([
                "--verbose",
                "--appkey-file",
                key_file.to_str().unwrap(),
                "isp-order-list",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(!stdout.contains("from-a-file-key") && !stderr.contains("from-a-file-key"));
    let sent = server.requests().last().unwrap().field("appkey").await;
    assert_eq!(
        sent.as_deref(),
        Some("from-a-file-key"),
        "the file's key was sent"
    );
    let help = ipidea().arg("--help").output().unwrap();
    assert!(
        !text(&help).0.contains("--appkey "),
        "the appkey is never a flag"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = RecordingServer::start().await;
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--yes",
                "isp-ip-renew",
                "--renew-ip-list",
                "156.237.6.97,300.1.1.1",
                "--duration",
                "weekly",
            ],
            "--renew-ip-list",
        ),
        (
            &[
                "--yes",
                "isp-ip-open",
                "--region",
                "hk",
                "--duration",
                "weekly",
                "--num",
                "0",
            ],
            "--num",
        ),
        (
            &[
                "--yes",
                "isp-ip-open",
                "--region",
                "hk",
                "--duration",
                "week",
                "--num",
                "1",
            ],
            "--duration",
        ),
        (
            &["--yes", "static-ip-open", "--region", "hk", "--num", "1"],
            "--duration",
        ),
        (
            &["flow-order-list", "--start-time", "2022-02-30"],
            "--start-time",
        ),
        (
            &["flow-order-list", "--pay-status", "maybe"],
            "--pay-status",
        ),
    ];
    for (args, flag) in cases {
        let output = run(&server.url(), args).await;
        let (_, stderr) = text(&output);
        assert_eq!(code(&output), 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(flag),
            "{args:?}: the message names {flag}: {stderr}"
        );
    }
    assert!(server.requests().is_empty());
}

#[test]
fn missing_credentials_are_a_usage_error() {
    let output = ipidea().args(["isp-order-list"]).output().unwrap();
    assert_eq!(code(&output), 2);
    assert!(
        text(&output).1.contains("IPIDEA_UID"),
        "{:?}",
        text(&output)
    );
}

#[test]
fn spec_check_reports_every_error() {
    let ok = ipidea().args(["spec", "check"]).output().unwrap();
    assert_eq!(code(&ok), 0);
    assert!(text(&ok).0.contains("8 endpoints"));
    let dir = std::env::temp_dir().join(format!("ipidea-spec-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    let text_of_spec = ipidea_spec::BUNDLED
        .replacen("\"IspDuration\"", "\"IspDuraton\"", 1)
        .replacen("\"idempotent\": true", "\"idempotent\": \"yes\"", 1);
    std::fs::write(&broken, text_of_spec).unwrap();
    let output = ipidea()
        .args(["spec", "check", broken.to_str().unwrap()])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 1);
    assert!(
        stderr.contains("broken.json:") && stderr.contains("did you mean `IspDuraton`"),
        "{stderr}"
    );
    assert!(stderr.contains("expected `true` or `false`"), "{stderr}");
}

#[test]
fn completions_and_help_read_well() {
    let output = ipidea().args(["completions", "bash"]).output().unwrap();
    assert_eq!(code(&output), 0);
    assert!(text(&output).0.contains("isp-order-list"));
    let spec = ipidea_spec::bundled();
    for endpoint in &spec.endpoints {
        let command = endpoint.name.replace('_', "-");
        let output = ipidea()
            .args([command.as_str(), "--help"])
            .output()
            .unwrap();
        let (stdout, _) = text(&output);
        assert_eq!(code(&output), 0);
        assert!(stdout.contains(&endpoint.doc.en), "{command}: {stdout}");
        assert!(stdout.contains(&endpoint.url_path), "{command}");
        for field in &endpoint.request {
            assert!(
                stdout.contains(&format!("--{}", field.name.replace('_', "-"))),
                "{command}: {}",
                field.name
            );
        }
    }
    let help = text(
        &ipidea()
            .args(["flow-order-list", "--help"])
            .output()
            .unwrap(),
    )
    .0;
    assert!(
        help.contains("unpaid") || help.contains("Not paid"),
        "enum values are listed: {help}"
    );
}
