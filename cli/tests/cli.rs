//! The `ipidea` tool end to end: every subcommand against the sandbox, the wire against a
//! recording server, the confirmation rule, exit codes, secrets, and bad input.

mod common;

use std::process::Output;

use common::{code, help_of, ipidea, output_of, text};
use ipidea_sandbox::Sandbox;
use ipidea_tests::{RecordingServer, Reply};
use serde_json::Value;

const APPKEY: &str = "cli-test-appkey-4f9d";

/// Runs `ipidea` with `args` against `base_url` with test credentials, off the async runtime.
async fn run(base_url: &str, args: &[&str]) -> Output {
    common::run_as(base_url, APPKEY, args).await
}

/// Required flags for each endpoint, from the spec examples.
fn required_args(endpoint: &ipidea_spec::Endpoint) -> Vec<String> {
    let mut args = Vec::new();
    for field in endpoint.request.iter().filter(|f| f.required) {
        // Endpoints that no vendor page documents have no example; their required fields
        // take the field's own example, else a value of its type.
        let example = endpoint
            .examples
            .first()
            .and_then(|e| e.request.get(&field.name))
            .or(field.example.as_ref())
            .cloned()
            .unwrap_or_else(|| match field.name.as_str() {
                "start_time" | "end_time" => Value::String("2022-06-30".to_owned()),
                _ => Value::String("28670".to_owned()),
            });
        let mut value = example
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| example.to_string());
        if field.name == "renew_ip_list" || field.name == "white_ips" {
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
        // The embedded sandbox's demo orders own 156.237.0.1 (ISP) and 38.0.0.1 (datacenter),
        // and its demo whitelist holds 203.0.113.7. Each run is a fresh sandbox.
        let ip = match endpoint.name.as_str() {
            "white_del" => "203.0.113.7",
            "white_add" => "192.0.2.44",
            name if name.starts_with("isp") => "156.237.0.1",
            _ => "38.0.0.1",
        };
        args.extend(
            required_args(endpoint)
                .into_iter()
                .map(|a| a.replace("{IP}", ip)),
        );
        let output = ipidea().args(&args).output().unwrap();
        let (stdout, stderr) = text(&output);
        if spec.service_of(endpoint).auth.is_empty() {
            // The extraction API knows callers by address, and the fresh sandbox's whitelist
            // does not list this machine: the recognisable refusal, with what to do.
            assert_eq!(code(&output), 3, "{command}: {stderr}");
            assert!(
                stderr.contains("hint: the caller's address 127.0.0.1 is not on the whitelist; add it with `ipidea whitelist sync 127.0.0.1 --keep-others`"),
                "{command}: {stderr}"
            );
            continue;
        }
        assert_eq!(code(&output), 0, "{command}: {stderr}");
        let data: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{command}: {e}: {stdout}"));
        if endpoint.paging.is_some() {
            assert!(
                data["data"]
                    .as_array()
                    .is_some_and(|items| !items.is_empty()),
                "{command}: {data}"
            );
        } else if endpoint.orders_in.is_some() {
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
    let output = output_of(&["--sandbox", "--utc", "isp-order-list"]);
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
    let output = output_of(&["--sandbox", "flow-order-list"]);
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
    // From the vendor's day before the call's, as `Client::reconcile` lists them.
    let since = ipidea::vendor_day(ipidea::chrono::Utc::now())
        .pred_opt()
        .unwrap()
        .format("%Y-%m-%d");
    assert!(
        text(&unknown).1.contains("may or may not exist")
            && text(&unknown)
                .1
                .contains(&format!("ipidea isp-order-list --start-time {since}")),
        "the order list of the spec's `orders_in`: {:?}",
        text(&unknown)
    );
    assert_eq!(
        server.requests().len(),
        before + 1,
        "an order is never retried"
    );

    let usage = output_of(&["isp-ip-open", "--region", "hk"]);
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
    let output = output_of(&["isp-order-list"]);
    assert_eq!(code(&output), 2);
    assert!(
        text(&output).1.contains("IPIDEA_UID"),
        "{:?}",
        text(&output)
    );
}

#[test]
fn spec_check_reports_every_error() {
    let ok = output_of(&["spec", "check"]);
    assert_eq!(code(&ok), 0);
    let endpoints = ipidea_spec::bundled().endpoints.len();
    assert!(text(&ok).0.contains(&format!("{endpoints} endpoints")));
    let dir = std::env::temp_dir().join(format!("ipidea-spec-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    let text_of_spec = ipidea_spec::BUNDLED
        .replacen("\"IspDuration\"", "\"IspDuraton\"", 1)
        .replacen("\"idempotent\": true", "\"idempotent\": \"yes\"", 1);
    std::fs::write(&broken, text_of_spec).unwrap();
    let output = output_of(&["spec", "check", broken.to_str().unwrap()]);
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
    let output = output_of(&["completions", "bash"]);
    assert_eq!(code(&output), 0);
    assert!(text(&output).0.contains("isp-order-list"));
    let spec = ipidea_spec::bundled();
    for endpoint in &spec.endpoints {
        let command = endpoint.name.replace('_', "-");
        let output = output_of(&[command.as_str(), "--help"]);
        let (stdout, _) = text(&output);
        assert_eq!(code(&output), 0);
        // The help wraps lines; compare words.
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words(&stdout).contains(&words(&endpoint.doc.en)),
            "{command}: {stdout}"
        );
        if endpoint.unverified.is_some() {
            assert!(
                stdout.contains("nverified"),
                "{command}: the help says it is unverified: {stdout}"
            );
        }
        assert!(stdout.contains(&endpoint.url_path), "{command}");
        for field in &endpoint.request {
            assert!(
                stdout.contains(&format!("--{}", field.name.replace('_', "-"))),
                "{command}: {}",
                field.name
            );
        }
    }
    let help = text(&output_of(&["flow-order-list", "--help"])).0;
    assert!(
        help.contains("unpaid") || help.contains("Not paid"),
        "enum values are listed: {help}"
    );
}

/// A sandbox with the test account, whose whitelist starts empty.
async fn account_sandbox() -> Sandbox {
    Sandbox::builder()
        .account("3716", APPKEY)
        .start()
        .await
        .unwrap()
}

/// The whitelisted IPs, as `ipidea --json white-list` prints them.
async fn whitelisted(base_url: &str) -> Vec<String> {
    let output = run(base_url, &["--json", "white-list"]).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    let data: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    data["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["mark_ip"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn whitelist_sync_dry_run_prints_the_plan_and_changes_nothing() {
    let sandbox = account_sandbox().await;
    let output = run(
        sandbox.url(),
        &["whitelist", "sync", "--dry-run", "203.0.113.1,203.0.113.2"],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(
        stdout.contains("add:    203.0.113.1, 203.0.113.2")
            && stdout.contains("remove: -")
            && stdout.contains("keep:   -")
            && stdout.contains("dry run: nothing was changed"),
        "{stdout}"
    );
    assert_eq!(
        (
            sandbox.requests_seen("white_add"),
            sandbox.requests_seen("white_del")
        ),
        (0, 0)
    );
    assert!(whitelisted(sandbox.url()).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn whitelist_sync_applies_with_yes_and_a_second_run_changes_nothing() {
    let sandbox = account_sandbox().await;
    let output = run(
        sandbox.url(),
        &["--yes", "whitelist", "sync", "203.0.113.1", "203.0.113.2"],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(
        stdout.contains("added:   203.0.113.1, 203.0.113.2")
            && stdout.contains("2 added, 0 removed"),
        "{stdout}"
    );
    assert_eq!(sandbox.requests_seen("white_add"), 2, "one IP per call");
    assert_eq!(
        whitelisted(sandbox.url()).await,
        ["203.0.113.1", "203.0.113.2"]
    );

    // Exact by default: an IP not given is removed; --keep-others leaves it.
    let output = run(
        sandbox.url(),
        &[
            "--yes",
            "whitelist",
            "sync",
            "--keep-others",
            "203.0.113.2",
            "198.51.100.7",
        ],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(
        stdout.contains("keep (not given, --keep-others): 203.0.113.1"),
        "{stdout}"
    );
    assert_eq!(sandbox.requests_seen("white_del"), 0);
    let output = run(
        sandbox.url(),
        &["--yes", "whitelist", "sync", "203.0.113.2", "198.51.100.7"],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(stdout.contains("removed: 203.0.113.1"), "{stdout}");

    let sent = (
        sandbox.requests_seen("white_add"),
        sandbox.requests_seen("white_del"),
    );
    let output = run(
        sandbox.url(),
        &["whitelist", "sync", "198.51.100.7", "203.0.113.2"],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(
        code(&output),
        0,
        "no question when nothing changes: {stderr}"
    );
    assert!(
        stdout.contains("whitelist already matches: nothing to change"),
        "{stdout}"
    );
    assert_eq!(
        (
            sandbox.requests_seen("white_add"),
            sandbox.requests_seen("white_del")
        ),
        sent
    );
}

#[test]
fn whitelist_sync_in_the_embedded_sandbox_lists_what_was_added() {
    let output = output_of(&["--sandbox", "whitelist", "sync", "--yes", "203.0.113.9"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(stdout.contains("add:    203.0.113.9"), "{stdout}");
    assert!(stdout.contains("added:   203.0.113.9"), "{stdout}");
    let output = output_of(&[
        "--sandbox",
        "--json",
        "whitelist",
        "sync",
        "--dry-run",
        "203.0.113.9",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(plan["add"], serde_json::json!(["203.0.113.9"]), "{plan}");
    assert_eq!(plan["applied"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn whitelist_sync_needs_a_confirmation_without_a_terminal() {
    let sandbox = account_sandbox().await;
    let output = run(sandbox.url(), &["whitelist", "sync", "203.0.113.1"]).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 2, "{stderr}");
    assert!(stdout.contains("add:    203.0.113.1"), "the plan: {stdout}");
    assert!(stderr.contains("pass --yes"), "{stderr}");
    assert_eq!(sandbox.requests_seen("white_add"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn whitelist_sync_refuses_bad_ips_before_anything_is_sent() {
    let sandbox = account_sandbox().await;
    for (args, named) in [
        (
            &["--yes", "whitelist", "sync", "203.0.113.1", "300.1.1.1"][..],
            "300.1.1.1",
        ),
        (
            &["--yes", "whitelist", "sync", "203.0.113.1,nope"][..],
            "nope",
        ),
        (&["--yes", "whitelist", "sync"][..], "<IP>"),
    ] {
        let output = run(sandbox.url(), args).await;
        let (_, stderr) = text(&output);
        assert_eq!(code(&output), 2, "{args:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
    }
    assert_eq!(sandbox.requests_seen("white_list"), 0);
    assert_eq!(sandbox.requests_seen("white_add"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn whitelist_sync_stopped_midway_says_what_was_done() {
    let sandbox = account_sandbox().await;
    // The first add goes through, the second is refused.
    sandbox.inject(
        "white_add",
        ipidea_sandbox::Fault::Latency(std::time::Duration::ZERO),
    );
    sandbox.inject(
        "white_add",
        ipidea_sandbox::Fault::Refuse {
            ret: 1001,
            msg: "injected refusal".into(),
        },
    );
    let output = run(
        sandbox.url(),
        &["--yes", "whitelist", "sync", "203.0.113.1", "203.0.113.2"],
    )
    .await;
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 3, "the code of the refusal: {stderr}");
    assert!(
        stderr.contains("adding 203.0.113.2 was refused")
            && stderr.contains("injected refusal")
            && stderr.contains("already added: [203.0.113.1]")
            && stderr.contains("a rerun will meet the same refusal"),
        "{stderr}"
    );
    // A refusal is not something a rerun gets past: it does not say to run it again.
    assert!(!stderr.contains("run the sync again"), "{stderr}");
    let output = run(
        sandbox.url(),
        &["--yes", "whitelist", "sync", "203.0.113.1", "203.0.113.2"],
    )
    .await;
    assert_eq!(code(&output), 0, "{:?}", text(&output));
    assert_eq!(
        whitelisted(sandbox.url()).await,
        ["203.0.113.1", "203.0.113.2"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn whitelist_sync_stopped_midway_prints_json_with_json() {
    let sandbox = Sandbox::builder()
        .account("3716", APPKEY)
        .whitelist("3716", ["198.51.100.9".parse().unwrap()])
        .start()
        .await
        .unwrap();
    // The first add goes through, the second is refused; the third add and the removal are
    // never attempted.
    sandbox.inject(
        "white_add",
        ipidea_sandbox::Fault::Latency(std::time::Duration::ZERO),
    );
    sandbox.inject(
        "white_add",
        ipidea_sandbox::Fault::Refuse {
            ret: 1001,
            msg: "injected refusal".into(),
        },
    );
    let output = run(
        sandbox.url(),
        &[
            "--json",
            "--yes",
            "whitelist",
            "sync",
            "203.0.113.1,203.0.113.2,203.0.113.3",
        ],
    )
    .await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 3, "the code of the refusal: {stderr}");
    let document: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: stdout {stdout:?}"));
    assert_eq!(document["applied"], "partial", "{document}");
    assert_eq!(
        document["add"],
        serde_json::json!(["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    );
    assert_eq!(document["remove"], serde_json::json!(["198.51.100.9"]));
    assert_eq!(document["added"], serde_json::json!(["203.0.113.1"]));
    assert_eq!(document["removed"], serde_json::json!([]));
    let failed = &document["failed"];
    assert_eq!(failed["step"], "add", "{failed}");
    assert_eq!(failed["ip"], "203.0.113.2");
    assert_eq!(failed["outcome_unknown"], false);
    assert_eq!(failed["rerun_may_help"], false);
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("injected refusal")),
        "{failed}"
    );
    assert_eq!(document["not_added"], serde_json::json!(["203.0.113.3"]));
    assert_eq!(document["not_removed"], serde_json::json!(["198.51.100.9"]));
    // The message goes to stderr as without --json.
    assert!(
        stderr.contains("adding 203.0.113.2 was refused"),
        "{stderr}"
    );
    assert_eq!(
        whitelisted(sandbox.url()).await,
        ["198.51.100.9", "203.0.113.1"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whitelist_change_asks_without_speaking_of_money() {
    let sandbox = account_sandbox().await;
    let output = run(sandbox.url(), &["white-add", "--white-ips", "203.0.113.1"]).await;
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 2, "{stderr}");
    assert!(
        stderr.contains("`white-add` changes the account")
            && stderr.contains("--white-ips")
            && stderr.contains("pass --yes to change the account"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("money"),
        "white-add spends nothing: {stderr}"
    );
    assert_eq!(sandbox.requests_seen("white_add"), 0, "nothing was sent");
    let help = help_of(&["white-add"]);
    assert!(
        help.contains("Changes the account (spends nothing)") && !help.contains("Spends money"),
        "{help}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_outcome_says_what_to_check_by_what_the_call_changes() {
    let sandbox = account_sandbox().await;
    sandbox.inject("white_add", ipidea_sandbox::Fault::Drop);
    let output = run(
        sandbox.url(),
        &["--yes", "white-add", "--white-ips", "203.0.113.1"],
    )
    .await;
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 5, "{stderr}");
    assert!(
        stderr.contains("The whitelist may or may not have changed")
            && stderr.contains("ipidea white-list")
            && stderr.contains("ipidea whitelist sync"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("order") && !stderr.contains("may or may not exist"),
        "a whitelist change makes no order: {stderr}"
    );
    assert_eq!(sandbox.requests_seen("white_add"), 1, "never retried");

    sandbox.inject("balance_warning_set", ipidea_sandbox::Fault::Drop);
    let output = run(
        sandbox.url(),
        &[
            "--yes",
            "balance-warning-set",
            "--balance-upper-limit",
            "100",
        ],
    )
    .await;
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 5, "{stderr}");
    assert!(
        stderr.contains("The setting may or may not have changed")
            && stderr.contains("sending it again sets the same values"),
        "{stderr}"
    );
    assert!(!stderr.contains("order"), "{stderr}");
}

#[test]
fn below_sets_the_exit_code_of_balance_left() {
    let below = output_of(&["--sandbox", "balance-left", "--below", "1000000000000"]);
    let (stdout, stderr) = text(&below);
    assert_eq!(code(&below), 6, "{stderr}");
    assert!(
        stdout.contains("balance_left"),
        "printed as usual: {stdout}"
    );
    assert!(
        stderr.contains("balance_left: ") && stderr.contains("below 1000000000000"),
        "{stderr}"
    );
    let above = output_of(&["--sandbox", "--json", "balance-left", "--below", "0"]);
    let (stdout, stderr) = text(&above);
    assert_eq!(code(&above), 0, "{stderr}");
    let data: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(data.get("balance_left").is_some(), "{data}");
}

#[tokio::test(flavor = "multi_thread")]
async fn below_needs_a_number_and_a_value_to_compare() {
    let server = RecordingServer::start().await;
    for args in [
        &["balance-left", "--below", "abc"][..],
        &["flow-left", "--below", "1O"][..],
    ] {
        let output = run(&server.url(), args).await;
        let (_, stderr) = text(&output);
        assert_eq!(code(&output), 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("--below") && stderr.contains("is not a number"),
            "{args:?}: {stderr}"
        );
    }
    let output = run(&server.url(), &["isp-order-list", "--below", "5"]).await;
    assert_eq!(
        code(&output),
        2,
        "only the two amount commands take --below"
    );
    assert!(server.requests().is_empty(), "nothing was sent");

    // flow_left's shape is unverified: a response without the field is kept and printed.
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"success","ret_data":{"traffic":"12 GB"}}"#,
    ));
    let output = run(&server.url(), &["--json", "flow-left", "--below", "10"]).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 4, "{stderr}");
    assert!(
        stderr.contains("no `flow_left` field") && stderr.contains("kept"),
        "{stderr}"
    );
    assert!(
        stdout.contains("12 GB"),
        "the response is printed: {stdout}"
    );
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"success","ret_data":{"flow_left":"9.5"}}"#,
    ));
    let output = run(&server.url(), &["flow-left", "--below", "10"]).await;
    assert_eq!(code(&output), 6, "{:?}", text(&output));
    let output = run(&server.url(), &["flow-left", "--below", "9.5"]).await;
    assert_eq!(
        code(&output),
        0,
        "at the amount is not below: {:?}",
        text(&output)
    );
}

#[test]
fn help_documents_whitelist_sync_and_below() {
    let help = text(&ipidea().arg("--help").output().unwrap()).0;
    assert!(
        help.contains("whitelist") && help.contains("  6  "),
        "{help}"
    );
    let sync = text(&output_of(&["whitelist", "sync", "--help"])).0;
    assert!(
        sync.contains("--dry-run") && sync.contains("--keep-others") && sync.contains("--yes"),
        "{sync}"
    );
    let balance = help_of(&["balance-left"]);
    assert!(balance.contains("--below <AMOUNT>"), "{balance}");
    // Units as far as they are known: none stated for the balance, MB unverified for traffic.
    let balance = balance.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(balance.contains("not stated by the vendor"), "{balance}");
    let flow = help_of(&["flow-left"]);
    let flow = flow.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flow.contains("in MB according to unverified evidence"),
        "{flow}"
    );
}

#[test]
fn a_range_that_ends_before_it_starts_is_refused_before_sending() {
    for (command, start, end) in [
        ("balance-use-record", "2022-07-01", "2022-06-30"),
        ("flow-order-list", "2022-07-01", "2022-06-30"),
        ("flow-use-record", "1656604800", "1656518400"),
    ] {
        let output = output_of(&[
            "--sandbox",
            "-v",
            command,
            "--start-time",
            start,
            "--end-time",
            end,
        ]);
        let (_, stderr) = text(&output);
        assert_eq!(code(&output), 2, "{command}: {stderr}");
        assert!(
            stderr.contains("--end-time") && stderr.contains("is before --start-time"),
            "{command}: {stderr}"
        );
        assert!(
            !stderr.contains("> POST"),
            "{command}: nothing was sent: {stderr}"
        );
    }
    // The same day for both ends is one day, as in the vendor's example.
    let output = output_of(&[
        "--sandbox",
        "balance-use-record",
        "--start-time",
        "2022-05-24",
        "--end-time",
        "2022-05-24",
    ]);
    assert_eq!(code(&output), 0, "{}", text(&output).1);
}

#[test]
fn a_date_for_a_timestamp_is_that_day_from_midnight_utc_plus_8() {
    let output = output_of(&[
        "--sandbox",
        "-v",
        "balance-use-record",
        "--start-time",
        "2022-06-30",
        "--end-time",
        "2022-07-01",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(stderr.contains("start_time: 1656518400"), "{stderr}");
    assert!(stderr.contains("end_time: 1656604800"), "{stderr}");
}

#[test]
fn records_with_entries_and_lists_of_records_print_as_tables() {
    let output = output_of(&["--sandbox", "--utc", "white-list"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    // The demo whitelist, one row per entry, with the count above.
    assert!(stdout.contains("lists:"), "{stdout}");
    assert!(
        stdout.contains("mark_ip") && stdout.contains("updated_at"),
        "{stdout}"
    );
    assert!(stdout.contains("203.0.113.7"), "{stdout}");
    assert!(!stdout.contains("{\""), "no raw JSON: {stdout}");
}

#[tokio::test]
async fn min_interval_spaces_the_calls_of_a_whitelist_sync() {
    // An empty whitelist; every add succeeds.
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"success","ret_data":{"lists":[],"white":0}}"#,
    ));
    let output = run(
        &server.url(),
        &[
            "--min-interval",
            "0.04",
            "whitelist",
            "sync",
            "192.0.2.1",
            "192.0.2.2",
            "192.0.2.3",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code(&output), 0, "{}", text(&output).1);
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/open/white_list",
            "/api/open/white_add",
            "/api/open/white_add",
            "/api/open/white_add"
        ]
    );
    // The client spaces the starts by 40 ms.
    let arrived: Vec<_> = requests.iter().map(|r| r.arrived).collect();
    ipidea_tests::assert_spaced(&arrived, std::time::Duration::from_millis(40));
    let bad = run(&server.url(), &["--min-interval", "soon", "white-list"]).await;
    assert_eq!(code(&bad), 2);
    assert!(
        text(&bad).1.contains("not a number of seconds"),
        "{}",
        text(&bad).1
    );
}

#[test]
fn proxies_get_prints_addresses_urls_or_json_from_the_embedded_sandbox() {
    let output = output_of(&["--sandbox", "proxies", "get", "--num", "3"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for line in &lines {
        let address: std::net::SocketAddr = line.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(address.ip().is_loopback(), "{line}");
    }

    let output = output_of(&[
        "--sandbox",
        "proxies",
        "get",
        "--num",
        "2",
        "--protocol",
        "socks5",
        "--region",
        "US",
        "--format",
        "url",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.lines().all(|l| l.starts_with("socks5://127.0.0.1:")),
        "{stdout}"
    );

    let output = output_of(&["--sandbox", "--json", "proxies", "get", "--balance"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    let document: Value = serde_json::from_str(&stdout).unwrap();
    let proxies = document["proxies"].as_array().unwrap();
    assert_eq!(proxies.len(), 1);
    assert!(
        proxies[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert_eq!(
        document["request_ip"], "127.0.0.1",
        "the envelope's extra keys are kept"
    );
}

#[test]
fn proxies_get_refuses_bad_input_before_sending() {
    for (args, expected) in [
        (&["--num", "0"][..], "0 is not in 1..=500"),
        (&["--num", "501"][..], "501 is not in 1..=500"),
        (
            &["--protocol", "ftp"][..],
            "[possible values: http, socks5]",
        ),
        (&["--region", "usa"][..], "`usa` is not a country code"),
        (&["--region", "1a"][..], "`1a` is not a country code"),
    ] {
        // No server at all: a refusal must come before any call.
        let output = ipidea()
            .args(["--base-url", "http://127.0.0.1:9", "proxies", "get"])
            .args(args)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        assert_eq!(code(&output), 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let help = help_of(&["proxies", "get"]);
    assert!(help.contains("Unverified"), "{help}");
    assert!(help.contains("May spend"), "{help}");
}

#[test]
fn gateway_url_prints_the_grammar_with_the_password_masked() {
    let url = |args: &[&str]| {
        ipidea()
            .env("IPIDEA_GATEWAY_PASSWORD", "pa:ss")
            .env_remove("IPIDEA_GATEWAY_USER")
            .args(["gateway", "url", "--user", "alice"])
            .args(args)
            .output()
            .unwrap()
    };
    let output = url(&["--region", "US", "--session", "abc123", "--minutes", "30"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "http://alice-zone-custom-region-us-session-abc123-sessTime-30:****@proxy.ipidea.io:2333"
    );
    let output = url(&["--zone", "static", "--port", "2334", "--show-password"]);
    let (stdout, _) = text(&output);
    assert_eq!(
        stdout.trim(),
        "http://alice-zone-static:pa%3Ass@proxy.ipidea.io:2334"
    );
    let output = url(&["--sticky"]);
    let (stdout, _) = text(&output);
    assert!(
        stdout.starts_with("http://alice-zone-custom-session-"),
        "{stdout}"
    );
    for (args, says) in [
        (&["--session", "a-b-c-d"][..], "is not a session id"),
        (&["--sticky", "--minutes", "121"][..], "not 121"),
        (&["--region", "usa"][..], "is not a country code"),
        (&["--minutes", "5"][..], "a lifetime is a sticky session's"),
    ] {
        let output = url(args);
        let (_, stderr) = text(&output);
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("pa:ss"), "{stderr}");
    }
    let help = help_of(&["gateway", "url"]);
    assert!(
        help.contains("Unverified") && help.contains("2333, 2334, 2336"),
        "{help}"
    );
}

#[tokio::test]
async fn proxies_check_shows_each_exit_address_and_the_dead_ones() {
    let local = std::net::IpAddr::from([127, 0, 0, 1]);
    let sandbox = Sandbox::builder()
        .whitelist(ipidea_sandbox::DEFAULT_UID, [local])
        .start()
        .await
        .unwrap();
    let client = ipidea::Client::builder()
        .without_credentials()
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let proxies = client
        .get_proxy_ip(ipidea::GetProxyIpRequest::new(3))
        .await
        .unwrap();
    let lines: Vec<String> = proxies
        .iter()
        .map(|p| format!("{}:{}", p.ip, p.port))
        .collect();
    let dead: std::net::SocketAddr = lines[2].parse().unwrap();
    assert!(sandbox.break_proxy(dead, Some(ipidea_sandbox::proxy::ProxyFault::Dead)));
    let echo = sandbox.echo_url().to_owned();
    let input = lines.join("\n") + "\n";
    let output = tokio::task::spawn_blocking(move || {
        ipidea()
            .args([
                "--json",
                "proxies",
                "check",
                "--echo",
                &echo,
                "--check-timeout",
                "2",
            ])
            .write_stdin(input)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(code(&output), 4, "a dead proxy fails the run: {stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["failed"], 1);
    let rows = report["proxies"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows[..2] {
        assert_eq!(row["status"], "ok", "{row}");
        let exit: std::net::IpAddr = row["exit_ip"].as_str().unwrap().parse().unwrap();
        assert!(exit.is_loopback() && exit != local, "{row}");
    }
    assert_ne!(rows[0]["exit_ip"], rows[1]["exit_ip"]);
    assert_eq!(rows[2]["status"], "refused");
    assert_eq!(rows[2]["exit_ip"], Value::Null);

    let output = ipidea()
        .args(["proxies", "check"])
        .write_stdin("not a proxy\n")
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(
        text(&output).1.contains("is not a proxy"),
        "{}",
        text(&output).1
    );
}
