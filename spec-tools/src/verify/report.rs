//! The outcome of each endpoint, when to stop, and the report as text or JSON.

use chrono::NaiveDate;
use ipidea_spec::{Endpoint, Spec};
use serde_json::{Value, json};

use super::compare::{Finding, compare};

/// After this many calls that all failed on the way, with none answered, the API cannot be
/// reached: verification stops rather than wait out every endpoint.
pub const UNREACHABLE_AFTER: usize = 3;

/// How a call went, as the caller of the API saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The API answered with success; the envelope's data field, as raw JSON.
    Answered(Value),
    /// The API answered and refused the call.
    Refused {
        /// The envelope's status.
        ret: i64,
        /// The API's message.
        msg: String,
    },
    /// The server answered, but not with the API's envelope: what was wrong, without the body.
    NotTheApi(String),
    /// The call failed on the way (network, timeout, HTTP status): what happened, without the
    /// body.
    Failed(String),
}

/// What became of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Called; the response matched the spec.
    Ok,
    /// Called; the response differs from the spec.
    Drift,
    /// Not called (a required value was missing).
    Skipped,
    /// Called; the call failed on the way, or the server did not answer like the API.
    Failed,
    /// Called; the API refused it.
    Refused,
}

impl Status {
    /// The status's name in reports: `ok`, `drift`, `skipped`, `failed`, `refused`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Drift => "drift",
            Status::Skipped => "skipped",
            Status::Failed => "failed",
            Status::Refused => "refused",
        }
    }
}

/// The report of one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointReport {
    /// The endpoint's name.
    pub endpoint: String,
    /// What became of it.
    pub status: Status,
    /// Whether the spec marks it `unverified`.
    pub unverified: bool,
    /// An unverified endpoint whose live response matched the spec, with something checked.
    pub confirmed: bool,
    /// What differs, for [`Status::Drift`].
    pub findings: Vec<Finding>,
    /// Where request values came from, and what is worth knowing but not drift.
    pub notes: Vec<String>,
    /// Why it was skipped, or how it failed or was refused.
    pub reason: Option<String>,
}

/// Why verification stopped before the last endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The first call answered was a refusal: the credentials, most likely.
    Refused {
        /// The endpoint refused.
        endpoint: String,
        /// The envelope's status.
        ret: i64,
        /// The API's message.
        msg: String,
    },
    /// The server does not answer like the API.
    NotTheApi {
        /// The endpoint called.
        endpoint: String,
        /// What was wrong with the answer.
        message: String,
    },
    /// The first calls all failed on the way.
    Unreachable {
        /// How many.
        failures: usize,
    },
}

impl Stop {
    /// One line saying why, with what to do.
    pub fn describe(&self) -> String {
        match self {
            Stop::Refused { endpoint, ret, msg } => format!(
                "the API refused `{endpoint}`, the first call: {msg} (ret {ret}); check the uid \
                 and appkey. Nothing else was called"
            ),
            Stop::NotTheApi { endpoint, message } => format!(
                "this server does not answer like the IPIDEA API: {message} (calling \
                 `{endpoint}`); check the base URL. Nothing else was called"
            ),
            Stop::Unreachable { failures } => format!(
                "the first {failures} calls all failed and none was answered: the API cannot be \
                 reached; check the network and the base URL"
            ),
        }
    }
}

/// Whether to go on after a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Call the next endpoint.
    Continue,
    /// Stop: see [`Report::stopped`].
    Stop,
}

/// The verdict of a verification, most severe first; the command-line tool's exit code
/// follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Stopped at a refusal of the first call: the credentials.
    Refused,
    /// Stopped: the server does not answer like the API, or cannot be reached.
    Unreachable,
    /// A response differs from the spec.
    Drift,
    /// No drift, but the API refused a call after others were answered.
    SomeRefused,
    /// No drift, but a call failed on the way.
    SomeFailed,
    /// Every call was answered and matched the spec (skipped endpoints aside).
    Clean,
}

/// Everything verification found, endpoint by endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The spec verified, as its file was named.
    pub spec: String,
    /// The vendor's day of the run.
    pub date: NaiveDate,
    /// The safe endpoints called or skipped, in the order they were.
    pub endpoints: Vec<EndpointReport>,
    /// The endpoints never called, because they change the account.
    pub not_called: Vec<String>,
    /// Why verification stopped early, if it did.
    pub stopped: Option<Stop>,
    answered: usize,
    failed_in_a_row: usize,
}

impl Report {
    /// An empty report for `spec` on `date`, listing the endpoints that are never called.
    pub fn new(spec: &Spec, date: NaiveDate) -> Report {
        Report {
            spec: spec.file.clone(),
            date,
            endpoints: Vec::new(),
            not_called: spec
                .endpoints
                .iter()
                .filter(|e| !super::is_safe(e))
                .map(|e| e.name.clone())
                .collect(),
            stopped: None,
            answered: 0,
            failed_in_a_row: 0,
        }
    }

    /// Records an endpoint that was not called, and why.
    pub fn skip(&mut self, endpoint: &Endpoint, reason: impl Into<String>) {
        self.endpoints.push(EndpointReport {
            endpoint: endpoint.name.clone(),
            status: Status::Skipped,
            unverified: endpoint.unverified.is_some(),
            confirmed: false,
            findings: Vec::new(),
            notes: Vec::new(),
            reason: Some(reason.into()),
        });
    }

    /// Records the outcome of calling `endpoint` (with `notes` on its request values) and
    /// says whether to go on.
    ///
    /// Verification stops at a refusal when no call was answered yet (a refusal of the first
    /// call is the credentials': calling on would only be refused again), at a server that
    /// does not answer like the API, and after [`UNREACHABLE_AFTER`] failures with none
    /// answered. A refusal after a call was answered is about that call's values, and a
    /// failure on the way is about that call: both are recorded and the rest still run.
    pub fn record(
        &mut self,
        spec: &Spec,
        endpoint: &Endpoint,
        notes: Vec<String>,
        outcome: Outcome,
    ) -> Flow {
        let mut entry = EndpointReport {
            endpoint: endpoint.name.clone(),
            status: Status::Ok,
            unverified: endpoint.unverified.is_some(),
            confirmed: false,
            findings: Vec::new(),
            notes,
            reason: None,
        };
        let mut flow = Flow::Continue;
        match outcome {
            Outcome::Answered(data) => {
                self.answered += 1;
                self.failed_in_a_row = 0;
                let comparison = compare(spec, endpoint, &data);
                entry.notes.extend(comparison.notes.iter().cloned());
                if comparison.matched() {
                    if entry.unverified && comparison.checked {
                        entry.confirmed = true;
                    } else if entry.unverified {
                        entry.notes.push(
                            "unverified, and not confirmed: the response is `json` or an empty \
                             list, so there was no shape to check"
                                .to_owned(),
                        );
                    }
                } else {
                    entry.status = Status::Drift;
                    entry.findings = comparison.findings;
                }
            }
            Outcome::Refused { ret, msg } => {
                entry.status = Status::Refused;
                entry.reason = Some(format!("the API refused the call: {msg} (ret {ret})"));
                if self.answered == 0 {
                    self.stopped = Some(Stop::Refused {
                        endpoint: endpoint.name.clone(),
                        ret,
                        msg,
                    });
                    flow = Flow::Stop;
                } else {
                    entry.notes.push(
                        "other calls were answered, so the credentials work: the refusal is \
                         about this call's values"
                            .to_owned(),
                    );
                }
            }
            Outcome::NotTheApi(message) => {
                entry.status = Status::Failed;
                entry.reason = Some(format!(
                    "this server does not answer like the IPIDEA API: {message}"
                ));
                self.stopped = Some(Stop::NotTheApi {
                    endpoint: endpoint.name.clone(),
                    message,
                });
                flow = Flow::Stop;
            }
            Outcome::Failed(message) => {
                entry.status = Status::Failed;
                entry.reason = Some(message);
                self.failed_in_a_row += 1;
                if self.answered == 0 && self.failed_in_a_row >= UNREACHABLE_AFTER {
                    self.stopped = Some(Stop::Unreachable {
                        failures: self.failed_in_a_row,
                    });
                    flow = Flow::Stop;
                }
            }
        }
        self.endpoints.push(entry);
        flow
    }

    /// The endpoints with a status.
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &EndpointReport> {
        self.endpoints.iter().filter(move |e| e.status == status)
    }

    /// Every finding, with its endpoint.
    pub fn findings(&self) -> impl Iterator<Item = (&str, &Finding)> {
        self.endpoints
            .iter()
            .flat_map(|e| e.findings.iter().map(|f| (e.endpoint.as_str(), f)))
    }

    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        match &self.stopped {
            Some(Stop::Refused { .. }) => return Verdict::Refused,
            Some(Stop::NotTheApi { .. } | Stop::Unreachable { .. }) => {
                return Verdict::Unreachable;
            }
            None => {}
        }
        let any = |status| self.endpoints.iter().any(|e| e.status == status);
        if any(Status::Drift) {
            Verdict::Drift
        } else if any(Status::Refused) {
            Verdict::SomeRefused
        } else if any(Status::Failed) {
            Verdict::SomeFailed
        } else {
            Verdict::Clean
        }
    }

    /// The counts of each status, as one line.
    pub fn summary(&self) -> String {
        let count = |status| self.with_status(status).count();
        let confirmed = self.endpoints.iter().filter(|e| e.confirmed).count();
        let findings = self.findings().count();
        let mut parts = vec![format!("{} ok", count(Status::Ok))];
        if confirmed > 0 {
            parts[0].push_str(&format!(" ({confirmed} unverified confirmed)"));
        }
        parts.push(format!(
            "{} with drift ({findings} finding{})",
            count(Status::Drift),
            if findings == 1 { "" } else { "s" }
        ));
        parts.push(format!("{} skipped", count(Status::Skipped)));
        parts.push(format!("{} failed", count(Status::Failed)));
        if count(Status::Refused) > 0 {
            parts.push(format!("{} refused", count(Status::Refused)));
        }
        parts.join(", ")
    }

    /// The report as text: a line per endpoint with its findings and notes below, the
    /// endpoints never called, why it stopped, and the counts.
    pub fn render(&self) -> String {
        let width = self
            .endpoints
            .iter()
            .map(|e| e.endpoint.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for entry in &self.endpoints {
            let status = match (entry.status, entry.confirmed) {
                (Status::Ok, true) => {
                    "ok, confirmed: the live response matched the spec of this unverified endpoint"
                        .to_owned()
                }
                (Status::Drift, _) => format!(
                    "drift, {} finding{}",
                    entry.findings.len(),
                    if entry.findings.len() == 1 { "" } else { "s" }
                ),
                (status, _) => match &entry.reason {
                    Some(reason) => format!("{}: {reason}", status.name()),
                    None => status.name().to_owned(),
                },
            };
            out.push_str(&format!("{:<width$}  {status}\n", entry.endpoint));
            for finding in &entry.findings {
                out.push_str(&format!(
                    "    {:<13} {}: {}\n",
                    finding.kind().as_str(),
                    finding.path,
                    finding.describe()
                ));
            }
            for note in &entry.notes {
                out.push_str(&format!("    note: {note}\n"));
            }
        }
        if !self.not_called.is_empty() {
            out.push_str(&format!(
                "not called (they spend money or change the account): {}\n",
                self.not_called.join(", ")
            ));
        }
        if let Some(stop) = &self.stopped {
            out.push_str(&format!("stopped: {}\n", stop.describe()));
        }
        out.push_str(&format!("summary: {}\n", self.summary()));
        out
    }

    /// The report as one JSON document: `spec`, `date`, `verdict`, `endpoints` (each with
    /// `endpoint`, `status`, `unverified`, `confirmed`, `findings`, `notes`, `reason`),
    /// `not_called`, `stopped` and `summary`.
    pub fn to_json(&self) -> Value {
        let endpoints: Vec<Value> = self
            .endpoints
            .iter()
            .map(|e| {
                json!({
                    "endpoint": e.endpoint,
                    "status": e.status.name(),
                    "unverified": e.unverified,
                    "confirmed": e.confirmed,
                    "findings": e.findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
                    "notes": e.notes,
                    "reason": e.reason,
                })
            })
            .collect();
        let count = |status| self.with_status(status).count();
        json!({
            "spec": self.spec,
            "date": self.date.format("%Y-%m-%d").to_string(),
            "verdict": verdict_name(self.verdict()),
            "endpoints": endpoints,
            "not_called": self.not_called,
            "stopped": self.stopped.as_ref().map(Stop::describe),
            "summary": {
                "ok": count(Status::Ok),
                "confirmed": self.endpoints.iter().filter(|e| e.confirmed).count(),
                "drift": count(Status::Drift),
                "findings": self.findings().count(),
                "skipped": count(Status::Skipped),
                "failed": count(Status::Failed),
                "refused": count(Status::Refused),
            },
        })
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Refused => "refused",
        Verdict::Unreachable => "unreachable",
        Verdict::Drift => "drift",
        Verdict::SomeRefused => "some-refused",
        Verdict::SomeFailed => "some-failed",
        Verdict::Clean => "clean",
    }
}
