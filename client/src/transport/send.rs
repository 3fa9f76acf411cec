//! Sending a request: validation, encoding, one HTTP exchange, the envelope, retries of
//! idempotent calls, and outcome-unknown for calls that spend money.

use std::time::Duration;

use chrono::Utc;
use secrecy::ExposeSecret;
use tracing::Instrument;

use super::Transport;
use super::pace::Ticket;
use crate::api::{ApiRequest, Encoding, EndpointInfo, Method};
use crate::drift::DriftWalk;
use crate::envelope;
use crate::error::{Error, SentRequest, excerpt};
use crate::form::{Form, FormContext};
use crate::lenient::Lenient;
use crate::values::Response;

/// How one attempt failed, and whether the request may have reached the server.
struct Failure {
    error: Error,
    maybe_sent: bool,
}

impl Transport {
    /// The fields `request` would send, credentials left out, in wire order.
    pub(crate) fn encode<R: ApiRequest>(&self, request: &R) -> Vec<(&'static str, String)> {
        let mut form = Form::new(FormContext {
            date_format: self.inner.api.date_format,
        });
        request.encode(&mut form);
        form.fields().to_vec()
    }
    /// Sends `request` and decodes its data.
    ///
    /// Bounds are checked first; a refused value is [`Error::InvalidInput`] and nothing is sent.
    /// Idempotent endpoints are retried per the [`RetryPolicy`](crate::RetryPolicy). Other endpoints are sent exactly
    /// once; a failure after the request may have reached the server is
    /// [`Error::OutcomeUnknown`]. Every attempt first waits for the client's
    /// [`Pace`](crate::Pace).
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<Response<R::Data>, Error> {
        let endpoint = R::ENDPOINT;
        if let Err(invalid) = request.validate() {
            return Err(Error::InvalidInput {
                endpoint: endpoint.name,
                field: invalid.field,
                reason: invalid.reason,
            });
        }
        let fields = self.encode(request);
        self.send_fields(endpoint, &fields).await
    }
    /// Sends encoded fields inside one `ipidea.call` span.
    async fn send_fields<T: Lenient + DriftWalk>(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Response<T>, Error> {
        let service = self.inner.api.service(endpoint);
        let missing: Vec<&str> = service
            .auth
            .iter()
            .filter(|a| !self.inner.credentials.iter().any(|c| c.name == a.name))
            .map(|a| a.env)
            .collect();
        if !missing.is_empty() {
            return Err(Error::Config(format!(
                "`{}` needs the account's credentials, and this client was built without them (set {})",
                endpoint.name,
                missing.join(" and ")
            )));
        }
        let span = tracing::info_span!(
            "ipidea.call",
            api = self.inner.api.name,
            endpoint = endpoint.name,
            path = endpoint.path,
            idempotent = endpoint.idempotent,
        );
        self.send_with_retries(endpoint, fields)
            .instrument(span)
            .await
    }
    async fn send_with_retries<T: Lenient + DriftWalk>(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Response<T>, Error> {
        let attempts = if endpoint.idempotent {
            self.inner.retry.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            // Every attempt waits for the pace (retries too); the slot is given back when the
            // attempt ends, and the wait is no part of the attempt's timeout.
            let ticket = self.inner.gate.enter().await;
            let sent_at = Utc::now();
            let failure = match self.attempt(endpoint, fields, ticket).await {
                Ok(body) => {
                    let (api, on_drift) = (&self.inner.api, self.inner.on_drift.as_deref());
                    let decoded = crate::lenient::with_date_format(api.date_format, || {
                        envelope::decode_reporting::<T>(
                            endpoint.name,
                            api.service(endpoint),
                            &body,
                            on_drift,
                        )
                    });
                    match decoded {
                        Ok(response) => return Ok(response),
                        Err(error) => {
                            let maybe_sent = matches!(error, Error::Decode { .. });
                            Failure { error, maybe_sent }
                        }
                    }
                }
                Err(failure) => failure,
            };
            if endpoint.idempotent && attempt < attempts && failure.error.is_transient() {
                let retry_after = match &failure.error {
                    Error::Status { retry_after, .. } => *retry_after,
                    _ => None,
                };
                let wait = self.inner.retry.backoff(attempt, retry_after);
                tracing::warn!(attempt, ?wait, error = %failure.error, "retrying an idempotent call");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            if !endpoint.idempotent && failure.maybe_sent {
                let fields = fields
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), v.clone()))
                    .collect();
                let request = SentRequest {
                    endpoint: endpoint.name,
                    fields,
                    sent_at,
                };
                tracing::error!(error = %failure.error, "a call that spends money failed after it was sent");
                return Err(Error::OutcomeUnknown {
                    request,
                    source: Box::new(failure.error),
                });
            }
            return Err(failure.error);
        }
    }
    /// One HTTP exchange; on success, the whole body (a 2xx, or a 4xx that may be an envelope).
    /// `ticket`, the attempt's place in the pace, is held until the body has been read or the
    /// exchange failed.
    async fn attempt(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
        ticket: Ticket<'_>,
    ) -> Result<Vec<u8>, Failure> {
        let request = self.http_request(endpoint, fields);
        let (name, timeout) = (endpoint.name, self.timeout);
        let classify = |error: reqwest::Error| transport_failure(name, timeout, error);
        let exchange = async {
            let response = request.send().await.map_err(classify)?;
            let status = response.status();
            let retry_after = retry_after(&response);
            let body = self.read_body(name, response).await?;
            let envelope = &self.inner.api.service(endpoint).envelope;
            if status.is_success()
                || (status.is_client_error() && envelope::is_refusal(envelope, &body))
            {
                return Ok(body);
            }
            // 5xx may have done the work; 429 and other 4xx refused it.
            let maybe_sent = status.is_server_error();
            let error = Error::Status {
                endpoint: name,
                status,
                body_excerpt: excerpt(&body),
                retry_after,
            };
            Err(Failure { error, maybe_sent })
        };
        let result = match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Failure {
                error: Error::Timeout {
                    endpoint: name,
                    after: timeout,
                },
                maybe_sent: true,
            }),
        };
        drop(ticket);
        result
    }

    /// The HTTP request of a call: the credentials of the endpoint's API first (and only
    /// those), then its fixed fields, then the call's fields, in the endpoint's method and
    /// encoding. Credentials go in the body of a POST, never in its URL.
    fn http_request(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> reqwest::RequestBuilder {
        let inner = &self.inner;
        let service = inner.api.service(endpoint);
        let base_url = inner
            .base_urls
            .get(endpoint.api)
            .unwrap_or(&inner.base_urls[0]);
        let url = format!("{base_url}{}", endpoint.path);
        let credentials = inner
            .credentials
            .iter()
            .filter(|c| service.auth.iter().any(|a| a.name == c.name))
            .map(|c| (c.name, c.value.expose_secret()));
        let fixed = service.fixed.iter().copied();
        let all: Vec<(&str, &str)> = credentials
            .chain(fixed)
            .chain(fields.iter().map(|(n, v)| (*n, v.as_str())))
            .collect();
        if endpoint.method == Method::Get {
            return inner.http.get(&url).query(&all);
        }
        let post = inner.http.post(&url);
        match endpoint.encoding {
            Encoding::Multipart => {
                let form = all
                    .iter()
                    .fold(reqwest::multipart::Form::new(), |form, (n, v)| {
                        form.text((*n).to_owned(), (*v).to_owned())
                    });
                post.multipart(form)
            }
            Encoding::Form => post.form(&all),
            Encoding::Json => {
                let object: serde_json::Map<String, serde_json::Value> = all
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), serde_json::Value::from(*v)))
                    .collect();
                post.json(&object)
            }
        }
    }

    /// The whole body, read in chunks and never past the cap.
    async fn read_body(
        &self,
        endpoint: &'static str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Failure> {
        let limit = self.inner.max_response_bytes;
        let too_large = || Failure {
            error: Error::ResponseTooLarge { endpoint, limit },
            maybe_sent: true,
        };
        let expected = response.content_length();
        if expected.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        // A body of known length is read into one allocation of that size (within the cap),
        // rather than one that doubles as chunks arrive.
        let mut body = Vec::with_capacity(expected.map_or(0, |len| len as usize));
        let classify = |error| transport_failure(endpoint, self.timeout, error);
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Sends already-encoded `fields` to `endpoint` and returns the data as untyped JSON, every
    /// field kept. For tools driven by a spec at run time, such as the command-line tool; the
    /// caller validates the fields. Retries and outcome-unknown follow `endpoint.idempotent`
    /// exactly as for [`send`](Self::send).
    pub async fn send_fields_untyped(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Response<serde_json::Value>, Error> {
        self.send_fields(endpoint, fields).await
    }
}

/// A failure of reqwest's: a timeout, or a transport error. A failed connect never reached the
/// server; anything later may have.
fn transport_failure(endpoint: &'static str, timeout: Duration, error: reqwest::Error) -> Failure {
    if error.is_timeout() {
        return Failure {
            error: Error::Timeout {
                endpoint,
                after: timeout,
            },
            maybe_sent: true,
        };
    }
    let maybe_sent = !error.is_connect();
    Failure {
        error: Error::Transport {
            endpoint,
            source: error,
        },
        maybe_sent,
    }
}

/// The server's `Retry-After`, where it sent one in seconds.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}
