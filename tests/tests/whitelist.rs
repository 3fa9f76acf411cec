//! Whitelist sync (`Client::whitelist_plan`, `whitelist_apply`, `whitelist_sync`) against the
//! sandbox's whitelist: adds and removes one IP per call, adds first, a second run changes
//! nothing, and a failure midway says exactly what was done and converges on the next run.

use std::net::IpAddr;
use std::time::Duration;

use ipidea::{Client, Error, SyncMode, WhiteAddRequest, WhiteListRequest, WhitelistStep};
use ipidea_sandbox::{Fault, Sandbox};

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .retry_policy(ipidea::RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
        })
        .build()
        .unwrap()
}

/// No IPs.
const NONE: [IpAddr; 0] = [];

fn ips(list: &[&str]) -> Vec<IpAddr> {
    list.iter().map(|ip| ip.parse().unwrap()).collect()
}

/// The whitelist as the sandbox lists it, sorted.
async fn listed(client: &Client) -> Vec<IpAddr> {
    let mut listed: Vec<IpAddr> = client
        .white_list(WhiteListRequest::default())
        .await
        .unwrap()
        .data
        .lists
        .iter()
        .map(|entry| entry.mark_ip)
        .collect();
    listed.sort();
    listed
}

/// How many `white_add` and `white_del` requests reached the sandbox.
fn changes_sent(sandbox: &Sandbox) -> (usize, usize) {
    (
        sandbox.requests_seen("white_add"),
        sandbox.requests_seen("white_del"),
    )
}

/// A play-through of the next request of `endpoint`, so that a fault queued after it plays on
/// the request after.
fn let_one_through(sandbox: &Sandbox, endpoint: &str) {
    sandbox.inject(endpoint, Fault::Latency(Duration::ZERO));
}

#[tokio::test]
async fn a_sync_from_an_empty_whitelist_adds_every_ip_one_per_call() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    assert_eq!(
        listed(&client).await,
        NONE,
        "a new account's whitelist is empty"
    );
    let desired = ips(&["203.0.113.2", "203.0.113.1", "203.0.113.2"]);
    let plan = client
        .whitelist_plan(desired.clone(), SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(
        plan.to_add,
        ips(&["203.0.113.2", "203.0.113.1"]),
        "deduplicated"
    );
    assert_eq!(plan.to_remove, NONE);
    assert_eq!(plan.unchanged, NONE);
    assert_eq!(changes_sent(&sandbox), (0, 0), "a plan changes nothing");
    let done = client.whitelist_apply(&plan).await.unwrap();
    assert_eq!(done.added, plan.to_add);
    assert_eq!((done.removed.len(), done.changed()), (0, 2));
    assert!(!done.is_noop());
    assert_eq!(changes_sent(&sandbox), (2, 0), "one `white_add` per IP");
    assert_eq!(listed(&client).await, ips(&["203.0.113.1", "203.0.113.2"]));
}

#[tokio::test]
async fn a_second_run_is_a_noop_and_sends_no_change() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let desired = ips(&["203.0.113.1", "203.0.113.2"]);
    let first = client
        .whitelist_sync(desired.clone(), SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(first.added, desired);
    let sent = changes_sent(&sandbox);
    let lists_before = sandbox.requests_seen("white_list");
    let second = client
        .whitelist_sync(desired.clone(), SyncMode::Exact)
        .await
        .unwrap();
    assert!(second.is_noop(), "{second:?}");
    assert_eq!(second.changed(), 0);
    assert_eq!(second.unchanged, desired);
    assert_eq!(
        changes_sent(&sandbox),
        sent,
        "no `white_add` or `white_del`"
    );
    assert_eq!(
        sandbox.requests_seen("white_list"),
        lists_before + 1,
        "the second run read the whitelist once"
    );
}

#[tokio::test]
async fn exact_mode_removes_others_and_keep_others_leaves_them() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    client
        .whitelist_sync(ips(&["203.0.113.1", "203.0.113.2"]), SyncMode::Exact)
        .await
        .unwrap();

    let keep = client
        .whitelist_plan(ips(&["203.0.113.3", "203.0.113.1"]), SyncMode::KeepOthers)
        .await
        .unwrap();
    assert_eq!(keep.to_add, ips(&["203.0.113.3"]));
    assert_eq!(keep.to_remove, NONE);
    assert_eq!(keep.unchanged, ips(&["203.0.113.1"]));
    assert_eq!(keep.kept_others, ips(&["203.0.113.2"]));
    let done = client.whitelist_apply(&keep).await.unwrap();
    assert_eq!((done.added.len(), done.removed.len()), (1, 0));
    assert_eq!(
        listed(&client).await,
        ips(&["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    );

    let exact = client
        .whitelist_sync(ips(&["203.0.113.3", "198.51.100.9"]), SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(exact.added, ips(&["198.51.100.9"]));
    assert_eq!(exact.removed, ips(&["203.0.113.1", "203.0.113.2"]));
    assert_eq!(exact.unchanged, ips(&["203.0.113.3"]));
    assert_eq!(exact.changed(), 3, "one added and two removed");
    assert_eq!(changes_sent(&sandbox), (4, 2), "a call per change, in all");
    assert_eq!(listed(&client).await, ips(&["198.51.100.9", "203.0.113.3"]));
}

#[tokio::test]
async fn a_refusal_midway_says_what_was_done_and_a_second_run_converges() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    client
        .whitelist_sync(ips(&["203.0.113.1", "203.0.113.2"]), SyncMode::Exact)
        .await
        .unwrap();
    let before = changes_sent(&sandbox);
    // The first add goes through; the second is refused.
    let_one_through(&sandbox, "white_add");
    sandbox.inject(
        "white_add",
        Fault::Refuse {
            ret: 1001,
            msg: "injected refusal".into(),
        },
    );
    let error = client
        .whitelist_sync(ips(&["198.51.100.1", "198.51.100.2"]), SyncMode::Exact)
        .await
        .unwrap_err();
    assert_eq!(
        error.step,
        WhitelistStep::Add("198.51.100.2".parse().unwrap())
    );
    assert_eq!(error.step.ip(), Some("198.51.100.2".parse().unwrap()));
    assert_eq!(error.added, ips(&["198.51.100.1"]));
    assert_eq!(error.removed, NONE);
    assert_eq!(error.not_added, NONE);
    assert_eq!(error.not_removed, ips(&["203.0.113.1", "203.0.113.2"]));
    assert!(!error.is_outcome_unknown());
    assert!(
        matches!(error.source, Error::Api { ret: 1001, .. }),
        "{:?}",
        error.source
    );
    let source = std::error::Error::source(&error).expect("the underlying error");
    assert!(source.to_string().contains("injected refusal"), "{source}");
    let text = error.to_string();
    for part in [
        "adding 198.51.100.2 was refused",
        "injected refusal",
        "already added: [198.51.100.1]",
        "already removed: []",
        "not attempted: add [], remove [203.0.113.1, 203.0.113.2]",
        "a rerun will meet the same refusal (\"injected refusal\") unless its cause changes",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
    assert!(!error.rerun_may_help());
    assert!(!text.contains("run the sync again"), "{text}");
    assert_eq!(
        changes_sent(&sandbox),
        (before.0 + 2, before.1),
        "adds come first: nothing was removed before the failed add"
    );
    assert_eq!(
        listed(&client).await,
        ips(&["198.51.100.1", "203.0.113.1", "203.0.113.2"]),
        "access was never lost"
    );

    let again = client
        .whitelist_sync(ips(&["198.51.100.1", "198.51.100.2"]), SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(again.added, ips(&["198.51.100.2"]));
    assert_eq!(again.removed, ips(&["203.0.113.1", "203.0.113.2"]));
    assert_eq!(again.unchanged, ips(&["198.51.100.1"]));
    assert_eq!(
        listed(&client).await,
        ips(&["198.51.100.1", "198.51.100.2"])
    );
}

#[tokio::test]
async fn a_lost_answer_midway_leaves_that_ip_unknown_and_is_not_retried() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    client
        .whitelist_sync(
            ips(&["203.0.113.1", "203.0.113.2", "203.0.113.3"]),
            SyncMode::Exact,
        )
        .await
        .unwrap();
    let before = changes_sent(&sandbox);
    // The first removal goes through; the second loses its connection.
    let_one_through(&sandbox, "white_del");
    sandbox.inject("white_del", Fault::Drop);
    let error = client
        .whitelist_sync(ips(&["203.0.113.3"]), SyncMode::Exact)
        .await
        .unwrap_err();
    assert_eq!(
        error.step,
        WhitelistStep::Remove("203.0.113.2".parse().unwrap())
    );
    assert_eq!(
        (error.added.clone(), error.removed.clone()),
        (vec![], ips(&["203.0.113.1"]))
    );
    assert_eq!((error.not_added.len(), error.not_removed.len()), (0, 0));
    assert!(error.is_outcome_unknown(), "{:?}", error.source);
    assert_eq!(
        changes_sent(&sandbox),
        (before.0, before.1 + 2),
        "`white_del` is sent once per IP, never retried"
    );
    assert!(error.rerun_may_help());
    let text = error.to_string();
    assert!(
        text.contains("removing 203.0.113.2 may or may not have taken effect")
            && text.contains("already removed: [203.0.113.1]")
            && text.contains("run the sync again to converge"),
        "{text}"
    );

    let again = client
        .whitelist_sync(ips(&["203.0.113.3"]), SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(
        again.removed,
        ips(&["203.0.113.2"]),
        "the drop changed nothing"
    );
    assert_eq!(listed(&client).await, ips(&["203.0.113.3"]));
}

#[tokio::test]
async fn an_add_applied_whose_answer_was_lost_is_left_unchanged_by_the_next_run() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    // The first add is applied, then its connection closes before the answer.
    sandbox.inject("white_add", Fault::CommitThenDrop);
    let desired = ips(&["203.0.113.1", "203.0.113.2"]);
    let error = client
        .whitelist_sync(desired.clone(), SyncMode::Exact)
        .await
        .unwrap_err();
    assert_eq!(
        error.step,
        WhitelistStep::Add("203.0.113.1".parse().unwrap())
    );
    assert!(error.is_outcome_unknown(), "{:?}", error.source);
    assert!(error.rerun_may_help());
    assert_eq!(error.added, NONE, "the client never heard of the add");
    assert_eq!(error.not_added, ips(&["203.0.113.2"]));
    assert_eq!(sandbox.requests_seen("white_add"), 1, "never retried");
    assert_eq!(
        listed(&client).await,
        ips(&["203.0.113.1"]),
        "yet the add was applied"
    );

    let again = client
        .whitelist_sync(desired, SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(again.unchanged, ips(&["203.0.113.1"]), "{again:?}");
    assert_eq!(again.added, ips(&["203.0.113.2"]));
    assert_eq!(
        sandbox.requests_seen("white_add"),
        2,
        "one `white_add`, for 203.0.113.2; none again for 203.0.113.1"
    );
    assert_eq!(listed(&client).await, ips(&["203.0.113.1", "203.0.113.2"]));
}

#[tokio::test]
async fn a_stale_plan_is_refused_by_the_sandbox_and_a_fresh_sync_converges() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let plan = client
        .whitelist_plan(ips(&["203.0.113.1", "203.0.113.2"]), SyncMode::Exact)
        .await
        .unwrap();
    // Someone else adds the second IP between the plan and its apply.
    client
        .white_add(WhiteAddRequest::new(ips(&["203.0.113.2"])))
        .await
        .unwrap();
    let error = client.whitelist_apply(&plan).await.unwrap_err();
    assert_eq!(
        error.step,
        WhitelistStep::Add("203.0.113.2".parse().unwrap())
    );
    assert_eq!(error.added, ips(&["203.0.113.1"]));
    match &error.source {
        Error::Api { msg, .. } => assert!(msg.contains("IP已存在"), "{msg}"),
        other => panic!("expected the sandbox's refusal, got {other:?}"),
    }
    let again = client
        .whitelist_sync(ips(&["203.0.113.1", "203.0.113.2"]), SyncMode::Exact)
        .await
        .unwrap();
    assert!(again.is_noop(), "{again:?}");
}

#[tokio::test]
async fn an_empty_desired_list_is_refused_before_anything_is_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let error = client
        .whitelist_plan([], SyncMode::Exact)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                field: "white_ips",
                ..
            }
        ),
        "{error:?}"
    );
    let error = client
        .whitelist_sync(Vec::new(), SyncMode::KeepOthers)
        .await
        .unwrap_err();
    assert_eq!(error.step, WhitelistStep::Plan);
    assert!(matches!(error.source, Error::InvalidInput { .. }));
    assert!(
        error.to_string().contains("before changing anything"),
        "{error}"
    );
    assert_eq!(sandbox.requests_seen("white_list"), 0);
    assert_eq!(changes_sent(&sandbox), (0, 0));
}

#[tokio::test]
async fn a_whitelist_that_cannot_be_read_stops_the_sync_before_any_change() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    sandbox.inject_always("white_list", Fault::Status(503));
    let error = client
        .whitelist_sync(ips(&["203.0.113.1"]), SyncMode::Exact)
        .await
        .unwrap_err();
    assert_eq!(error.step, WhitelistStep::Plan);
    assert_eq!(error.step.ip(), None);
    assert!(
        matches!(error.source, Error::Status { .. }),
        "{:?}",
        error.source
    );
    assert!((error.added.is_empty() && error.removed.is_empty()));
    assert_eq!(changes_sent(&sandbox), (0, 0));
}
