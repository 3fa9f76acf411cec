//! Whitelist sync: hand-written domain behaviour on top of the generated `white_list`,
//! `white_add` and `white_del` calls.
//!
//! A sync reads the whitelist, plans the difference with a desired list of IPs, then adds first
//! (so that access is never lost midway) and removes last, one IP per call. One IP per call is
//! what the vendor's page shows, and it makes a partial failure exact: a
//! [`WhitelistSyncError`] says which IPs were changed, which one failed, and which were not
//! attempted. Sync is convergent rather than transactional: a second run re-reads the whitelist
//! and does what is left, which finishes the job after a failure that a rerun can get past
//! ([`WhitelistSyncError::rerun_may_help`]), but not after a refusal by the API.

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;

use crate::{ApiRequest, Client, Error, WhiteAddRequest, WhiteDelRequest, WhiteListRequest};

/// What a whitelist sync does with listed IPs that are not in the desired list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncMode {
    /// The whitelist ends up exactly the desired IPs: every other listed IP is removed.
    Exact,
    /// The desired IPs are added; every other listed IP stays.
    KeepOthers,
}

/// The changes that would bring a whitelist to a desired list of IPs, from
/// [`Client::whitelist_plan`] or [`WhitelistPlan::new`]. Nothing has been changed yet;
/// [`Client::whitelist_apply`] carries it out.
///
/// Every list is in a stable order: desired IPs in the order given, listed IPs in the order the
/// API listed them. Each IP appears once in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WhitelistPlan {
    /// The mode the plan was made with.
    pub mode: SyncMode,
    /// Desired IPs that are not listed: to add.
    pub to_add: Vec<IpAddr>,
    /// Listed IPs that are not desired: to remove. Always empty with
    /// [`SyncMode::KeepOthers`].
    pub to_remove: Vec<IpAddr>,
    /// Desired IPs that are already listed: left as they are.
    pub unchanged: Vec<IpAddr>,
    /// Listed IPs that are not desired and that [`SyncMode::KeepOthers`] leaves in place.
    /// Always empty with [`SyncMode::Exact`], where they are in `to_remove`.
    pub kept_others: Vec<IpAddr>,
}

impl WhitelistPlan {
    /// The plan that brings a whitelist that lists `listed` to `desired`, in `mode`, without
    /// calling the API. Both lists are deduplicated.
    ///
    /// An empty `desired` is [`Error::InvalidInput`] (for `white_add`'s `white_ips`): emptying a
    /// whitelist is not what sync is for; remove IPs with [`Client::white_del`] instead.
    pub fn new(
        listed: impl IntoIterator<Item = IpAddr>,
        desired: impl IntoIterator<Item = IpAddr>,
        mode: SyncMode,
    ) -> Result<WhitelistPlan, Error> {
        let desired = checked_desired(desired)?;
        let listed = dedup(listed);
        let listed_set: HashSet<IpAddr> = listed.iter().copied().collect();
        let desired_set: HashSet<IpAddr> = desired.iter().copied().collect();
        let (unchanged, to_add) = desired.into_iter().partition(|ip| listed_set.contains(ip));
        let others: Vec<IpAddr> = listed
            .into_iter()
            .filter(|ip| !desired_set.contains(ip))
            .collect();
        let (to_remove, kept_others) = match mode {
            SyncMode::Exact => (others, Vec::new()),
            SyncMode::KeepOthers => (Vec::new(), others),
        };
        Ok(WhitelistPlan {
            mode,
            to_add,
            to_remove,
            unchanged,
            kept_others,
        })
    }

    /// Whether the whitelist already matches: nothing to add or remove.
    pub fn is_noop(&self) -> bool {
        self.to_add.is_empty() && self.to_remove.is_empty()
    }
}

/// What [`Client::whitelist_apply`] or [`Client::whitelist_sync`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WhitelistSync {
    /// The IPs added, in the order they were added.
    pub added: Vec<IpAddr>,
    /// The IPs removed, in the order they were removed.
    pub removed: Vec<IpAddr>,
    /// Desired IPs that were already listed and were left as they are.
    pub unchanged: Vec<IpAddr>,
}

impl WhitelistSync {
    /// How many IPs were added or removed.
    pub fn changed(&self) -> usize {
        self.added.len() + self.removed.len()
    }

    /// Whether nothing was added or removed (no `white_add` or `white_del` was sent).
    pub fn is_noop(&self) -> bool {
        self.changed() == 0
    }
}

/// The step of a whitelist sync that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WhitelistStep {
    /// Planning, before anything was changed: reading the whitelist failed, or the desired list
    /// was refused (it was empty). Only [`Client::whitelist_sync`] fails at this step.
    Plan,
    /// Adding this IP (`white_add`).
    Add(IpAddr),
    /// Removing this IP (`white_del`).
    Remove(IpAddr),
}

impl WhitelistStep {
    /// The IP of the failed call, if the failure was a change.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            WhitelistStep::Plan => None,
            WhitelistStep::Add(ip) | WhitelistStep::Remove(ip) => Some(*ip),
        }
    }
}

/// A whitelist sync that stopped partway, with exactly what it did and did not do.
///
/// The sync stops at the first failed call. The IPs in [`added`](Self::added) and
/// [`removed`](Self::removed) were changed; the IP of the failed [`step`](Self::step) was not
/// changed, unless [`is_outcome_unknown`](Self::is_outcome_unknown) (`white_add` and
/// `white_del` are not idempotent, so the client never retries them, and a call that failed
/// after it was sent may or may not have taken effect); the IPs in
/// [`not_added`](Self::not_added) and [`not_removed`](Self::not_removed) were not attempted.
///
/// Whether running the sync again helps depends on the failure
/// ([`rerun_may_help`](Self::rerun_may_help)). After an unknown outcome, a transport failure,
/// a timeout or an HTTP 5xx or 429, it does: a rerun re-reads the whitelist and plans from
/// what is listed then, so it converges. After a refusal by the API ([`Error::Api`]), a rerun
/// sends the same call and meets the same refusal unless its cause changes (the message says
/// so, quoting the API's `msg`). [`source`](std::error::Error::source) is the underlying
/// [`Error`], which is also the public field [`source`](Self::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub struct WhitelistSyncError {
    /// The step that failed.
    pub step: WhitelistStep,
    /// The IPs added before the failure.
    pub added: Vec<IpAddr>,
    /// The IPs removed before the failure.
    pub removed: Vec<IpAddr>,
    /// The IPs that were still to add and were not attempted (the failed IP not among them).
    pub not_added: Vec<IpAddr>,
    /// The IPs that were still to remove and were not attempted (the failed IP not among them).
    pub not_removed: Vec<IpAddr>,
    /// Why the step failed.
    #[source]
    pub source: Error,
}

impl WhitelistSyncError {
    /// The sync failed at planning: nothing was changed and nothing was attempted.
    fn planning(source: Error) -> WhitelistSyncError {
        WhitelistSyncError {
            step: WhitelistStep::Plan,
            added: Vec::new(),
            removed: Vec::new(),
            not_added: Vec::new(),
            not_removed: Vec::new(),
            source,
        }
    }

    /// Whether the failed call may or may not have changed its IP: its request may have
    /// reached the server but no answer came back ([`Error::OutcomeUnknown`]). Otherwise the
    /// failed IP was not changed.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self.source, Error::OutcomeUnknown { .. })
    }

    /// Whether running the sync again can get past this failure: the outcome was unknown
    /// ([`Error::OutcomeUnknown`]: a rerun re-reads the whitelist and sees what happened), or
    /// the failure was transient ([`Error::is_transient`]: a transport error, a timeout, an
    /// HTTP 5xx or 429). `false` for a refusal by the API ([`Error::Api`]), which a rerun meets
    /// again unless its cause changes, and for every other failure (a response that does not
    /// decode, an HTTP 4xx, an invalid input, a misconfigured client), which a rerun repeats.
    pub fn rerun_may_help(&self) -> bool {
        self.is_outcome_unknown() || self.source.is_transient()
    }

    /// The underlying error.
    pub fn error(&self) -> &Error {
        &self.source
    }

    /// What running the sync again would do, as the end of the message.
    fn rerun_advice(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rerun_may_help() {
            return f.write_str(
                "run the sync again to converge: it re-reads the whitelist and does what is left",
            );
        }
        match &self.source {
            Error::Api { msg, .. } => write!(
                f,
                "a rerun will meet the same refusal ({msg:?}) unless its cause changes"
            ),
            _ => f.write_str("a rerun will fail the same way unless its cause is fixed"),
        }
    }
}

impl fmt::Display for WhitelistSyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verb, ip) = match self.step {
            WhitelistStep::Plan => {
                write!(
                    f,
                    "whitelist sync stopped before changing anything: {}",
                    self.source
                )?;
                // An empty desired list is refused before anything is sent: no rerun advice.
                if self.rerun_may_help() || matches!(self.source, Error::Api { .. }) {
                    f.write_str("; ")?;
                    self.rerun_advice(f)?;
                }
                return Ok(());
            }
            WhitelistStep::Add(ip) => ("adding", ip),
            WhitelistStep::Remove(ip) => ("removing", ip),
        };
        write!(f, "whitelist sync stopped: {verb} {ip} ")?;
        match &self.source {
            Error::OutcomeUnknown { source, .. } => {
                write!(f, "may or may not have taken effect ({source})")?
            }
            refusal @ Error::Api { .. } => {
                write!(f, "was refused ({refusal}); it was not changed")?
            }
            other => write!(f, "failed ({other}); it was not changed")?,
        }
        write!(
            f,
            "; already added: {}; already removed: {}; not attempted: add {}, remove {}; ",
            IpList(&self.added),
            IpList(&self.removed),
            IpList(&self.not_added),
            IpList(&self.not_removed),
        )?;
        self.rerun_advice(f)
    }
}

/// `[1.2.3.4, 5.6.7.8]`.
struct IpList<'a>(&'a [IpAddr]);

impl fmt::Display for IpList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, ip) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{ip}")?;
        }
        f.write_str("]")
    }
}

/// Whitelist sync: plan the difference between the whitelist and a desired list of IPs, then
/// apply it one IP per call, adds first.
///
/// ```no_run
/// use std::net::IpAddr;
/// use ipidea::{Client, SyncMode};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::from_env()?;
/// let desired: Vec<IpAddr> = vec!["203.0.113.7".parse()?, "203.0.113.8".parse()?];
///
/// // Look first: what would change.
/// let plan = client.whitelist_plan(desired.iter().copied(), SyncMode::Exact).await?;
/// println!("add {:?}, remove {:?}, keep {:?}", plan.to_add, plan.to_remove, plan.unchanged);
///
/// // Then apply it; a failure says exactly what was done, and whether a second run can help.
/// match client.whitelist_apply(&plan).await {
///     Ok(done) if done.is_noop() => println!("whitelist already matches"),
///     Ok(done) => println!("added {:?}, removed {:?}", done.added, done.removed),
///     // Which IPs were changed, which failed, which were left.
///     Err(error) if error.rerun_may_help() => eprintln!("{error}"), // a rerun converges
///     Err(error) => eprintln!("{error}"), // a refusal: a rerun meets it again
/// }
///
/// // Or both in one call.
/// client.whitelist_sync(desired, SyncMode::KeepOthers).await?;
/// # Ok(()) }
/// ```
impl Client {
    /// Reads the whitelist (`white_list`) and plans the changes that bring it to `desired`:
    /// [`to_add`](WhitelistPlan::to_add) (desired, not listed),
    /// [`to_remove`](WhitelistPlan::to_remove) (listed, not desired; empty with
    /// [`SyncMode::KeepOthers`]) and [`unchanged`](WhitelistPlan::unchanged) (desired and
    /// already listed). Changes nothing.
    ///
    /// The plan is [`WhitelistPlan::new`] of the listed IPs and `desired`: `desired` is
    /// deduplicated, and an empty `desired` is [`Error::InvalidInput`], refused before the
    /// whitelist is read, so that nothing is sent: emptying a whitelist is not what sync is for.
    pub async fn whitelist_plan(
        &self,
        desired: impl IntoIterator<Item = IpAddr>,
        mode: SyncMode,
    ) -> Result<WhitelistPlan, Error> {
        let desired = checked_desired(desired)?;
        let listed = self.white_list(WhiteListRequest::default()).await?;
        WhitelistPlan::new(listed.data.lists.iter().map(|e| e.mark_ip), desired, mode)
    }

    /// Carries out `plan`: every [`to_add`](WhitelistPlan::to_add) IP first, one `white_add`
    /// per IP, so that access is never lost midway; then every
    /// [`to_remove`](WhitelistPlan::to_remove) IP, one `white_del` per IP. An empty plan sends
    /// nothing.
    ///
    /// Stops at the first failed call with a [`WhitelistSyncError`] that says what was done.
    /// Neither call is retried: neither is idempotent. Adding an IP that is already listed, or
    /// removing one that is not, is expected to be refused, though that is unverified: the
    /// vendor documents no error responses (the sandbox does refuse both). The plan is not
    /// re-checked against the whitelist: plan and apply close together, or use
    /// [`whitelist_sync`](Self::whitelist_sync).
    pub async fn whitelist_apply(
        &self,
        plan: &WhitelistPlan,
    ) -> Result<WhitelistSync, WhitelistSyncError> {
        let mut added = Vec::with_capacity(plan.to_add.len());
        for (i, &ip) in plan.to_add.iter().enumerate() {
            if let Err(source) = self.white_add(WhiteAddRequest::new([ip])).await {
                return Err(WhitelistSyncError {
                    step: WhitelistStep::Add(ip),
                    added,
                    removed: Vec::new(),
                    not_added: plan.to_add[i + 1..].to_vec(),
                    not_removed: plan.to_remove.clone(),
                    source,
                });
            }
            tracing::info!(%ip, "whitelist: added");
            added.push(ip);
        }
        let mut removed = Vec::with_capacity(plan.to_remove.len());
        for (i, &ip) in plan.to_remove.iter().enumerate() {
            if let Err(source) = self.white_del(WhiteDelRequest::new([ip])).await {
                return Err(WhitelistSyncError {
                    step: WhitelistStep::Remove(ip),
                    added,
                    removed,
                    not_added: Vec::new(),
                    not_removed: plan.to_remove[i + 1..].to_vec(),
                    source,
                });
            }
            tracing::info!(%ip, "whitelist: removed");
            removed.push(ip);
        }
        Ok(WhitelistSync {
            added,
            removed,
            unchanged: plan.unchanged.clone(),
        })
    }

    /// [`whitelist_plan`](Self::whitelist_plan), then
    /// [`whitelist_apply`](Self::whitelist_apply). A failure to plan (the whitelist could not
    /// be read, or `desired` is empty) is a [`WhitelistSyncError`] at
    /// [`WhitelistStep::Plan`], with nothing changed. A whitelist that already matches sends
    /// no `white_add` or `white_del`.
    pub async fn whitelist_sync(
        &self,
        desired: impl IntoIterator<Item = IpAddr>,
        mode: SyncMode,
    ) -> Result<WhitelistSync, WhitelistSyncError> {
        let plan = self
            .whitelist_plan(desired, mode)
            .await
            .map_err(WhitelistSyncError::planning)?;
        self.whitelist_apply(&plan).await
    }
}

/// The desired IPs once each, in their first order; an empty list is [`Error::InvalidInput`].
fn checked_desired(desired: impl IntoIterator<Item = IpAddr>) -> Result<Vec<IpAddr>, Error> {
    let desired = dedup(desired);
    if desired.is_empty() {
        return Err(empty_desired());
    }
    Ok(desired)
}

/// The IPs once each, in their first order.
fn dedup(ips: impl IntoIterator<Item = IpAddr>) -> Vec<IpAddr> {
    let mut seen = HashSet::new();
    ips.into_iter().filter(|ip| seen.insert(*ip)).collect()
}

fn empty_desired() -> Error {
    Error::InvalidInput {
        endpoint: WhiteAddRequest::ENDPOINT.name,
        field: "white_ips",
        reason: "must list at least one IP: a whitelist sync never empties the whitelist \
                 (remove IPs with `white_del` instead)"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|ip| ip.parse().unwrap()).collect()
    }

    #[test]
    fn a_plan_splits_desired_and_listed_ips() {
        let listed = ips(&["10.0.0.1", "10.0.0.2", "10.0.0.1"]);
        let desired = ips(&["10.0.0.3", "10.0.0.2", "10.0.0.3"]);
        let exact = WhitelistPlan::new(listed.clone(), desired.clone(), SyncMode::Exact).unwrap();
        assert_eq!(exact.to_add, ips(&["10.0.0.3"]));
        assert_eq!(exact.to_remove, ips(&["10.0.0.1"]));
        assert_eq!(exact.unchanged, ips(&["10.0.0.2"]));
        assert!(exact.kept_others.is_empty());
        assert!(!exact.is_noop());
        let keep = WhitelistPlan::new(listed, desired, SyncMode::KeepOthers).unwrap();
        assert_eq!(keep.to_add, ips(&["10.0.0.3"]));
        assert!(keep.to_remove.is_empty());
        assert_eq!(keep.kept_others, ips(&["10.0.0.1"]));
        assert!(!keep.is_noop(), "an IP to add is a change");
        let remove_only = WhitelistPlan::new(
            ips(&["10.0.0.1", "10.0.0.2"]),
            ips(&["10.0.0.2"]),
            SyncMode::Exact,
        );
        assert!(
            !remove_only.unwrap().is_noop(),
            "an IP to remove is a change"
        );
        let same = WhitelistPlan::new(ips(&["10.0.0.1"]), ips(&["10.0.0.1"]), SyncMode::Exact);
        assert!(same.unwrap().is_noop());
    }

    #[test]
    fn an_empty_desired_list_is_invalid_input() {
        let error = WhitelistPlan::new(ips(&["10.0.0.1"]), [], SyncMode::Exact).unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidInput {
                    endpoint: "white_add",
                    field: "white_ips",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn the_error_lists_what_was_done() {
        let error = WhitelistSyncError {
            step: WhitelistStep::Add("1.2.3.4".parse().unwrap()),
            added: ips(&["1.1.1.1"]),
            removed: Vec::new(),
            not_added: ips(&["5.5.5.5"]),
            not_removed: ips(&["9.9.9.9", "8.8.8.8"]),
            source: Error::Api {
                endpoint: "white_add",
                ret: 1001,
                code: None,
                msg: "IP已存在".to_owned(),
                timestamp: None,
                refusal: None,
            },
        };
        assert_eq!(
            error.to_string(),
            "whitelist sync stopped: adding 1.2.3.4 was refused (`white_add` was refused by the \
             API: IP已存在 (ret 1001)); it was not changed; already added: [1.1.1.1]; already \
             removed: []; not attempted: add [5.5.5.5], remove [9.9.9.9, 8.8.8.8]; a rerun \
             will meet the same refusal (\"IP已存在\") unless its cause changes"
        );
        assert!(!error.is_outcome_unknown());
        assert!(!error.rerun_may_help());
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn a_failure_while_planning_says_whether_a_rerun_helps() {
        let at_plan = WhitelistSyncError::planning;
        let lost = at_plan(Error::Timeout {
            endpoint: "white_list",
            after: std::time::Duration::from_secs(1),
        });
        assert!(lost.rerun_may_help());
        assert_eq!(
            lost.to_string(),
            "whitelist sync stopped before changing anything: `white_list` timed out after 1s; \
             run the sync again to converge: it re-reads the whitelist and does what is left"
        );
        let refused = at_plan(Error::Api {
            endpoint: "white_list",
            ret: 1001,
            code: None,
            msg: "无权限".to_owned(),
            timestamp: None,
            refusal: None,
        });
        assert!(!refused.rerun_may_help());
        assert!(
            refused.to_string().ends_with(
                "; a rerun will meet the same refusal (\"无权限\") unless its cause changes"
            ),
            "{refused}"
        );
        // An empty desired list was refused before anything was sent: no advice to rerun.
        let empty = at_plan(Error::InvalidInput {
            endpoint: "white_add",
            field: "white_ips",
            reason: "must not be empty".to_owned(),
        });
        assert_eq!(
            empty.to_string(),
            "whitelist sync stopped before changing anything: `white_add` was not sent: \
             `white_ips` must not be empty"
        );
        assert_eq!(empty.step.ip(), None);
    }

    fn stopped_at_remove(source: Error) -> WhitelistSyncError {
        WhitelistSyncError {
            step: WhitelistStep::Remove("1.2.3.4".parse().unwrap()),
            added: Vec::new(),
            removed: ips(&["1.1.1.1"]),
            not_added: Vec::new(),
            not_removed: Vec::new(),
            source,
        }
    }

    #[test]
    fn only_failures_a_rerun_can_get_past_say_to_run_it_again() {
        let status = |code: u16| Error::Status {
            endpoint: "white_del",
            status: reqwest::StatusCode::from_u16(code).unwrap(),
            body_excerpt: String::new(),
            retry_after: None,
        };
        let timeout = Error::Timeout {
            endpoint: "white_del",
            after: std::time::Duration::from_secs(1),
        };
        let unknown = Error::OutcomeUnknown {
            request: crate::SentRequest {
                endpoint: "white_del",
                fields: Vec::new(),
                sent_at: chrono::Utc::now(),
            },
            source: Box::new(status(502)),
        };
        for source in [unknown, timeout, status(503), status(429)] {
            let error = stopped_at_remove(source);
            assert!(error.rerun_may_help(), "{error}");
            assert!(
                error.to_string().ends_with(
                    "run the sync again to converge: it re-reads the whitelist and does what \
                     is left"
                ),
                "{error}"
            );
        }
        let error = stopped_at_remove(status(403));
        assert!(!error.rerun_may_help());
        let text = error.to_string();
        assert!(
            !text.contains("run the sync again") && text.ends_with("unless its cause is fixed"),
            "{text}"
        );
        let refused = stopped_at_remove(Error::Api {
            endpoint: "white_del",
            ret: 403,
            code: None,
            msg: "IP不存在".to_owned(),
            timestamp: None,
            refusal: None,
        });
        let text = refused.to_string();
        assert!(
            !text.contains("run the sync again") && text.contains("same refusal (\"IP不存在\")"),
            "{text}"
        );
    }
}
