//! The HTTP side: the accept loop (which counts connections and can close one without a
//! response), the axum router, and the dispatch of each request to its spec endpoint.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, Method as HttpMethod, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use std::net::IpAddr;

use ipidea_spec::{Endpoint, Method, Service, Spec};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::account::{self, Accounts, Warning};
use crate::drift::{self, DriftApplied, DriftSet, Drifts};
use crate::envelope::{self, Refusal, ret};
use crate::extract::{self, Extracted};
use crate::fault::Fault;
use crate::loopback;
use crate::orders::{self, Action, Product};
use crate::purchase::{self, Purchase};
use crate::request::{self, BodyError, DecodeError, MAX_BODY_BYTES};
use crate::validate::{self, Account};

/// The nginx-style page of [`Fault::HtmlError`].
const HTML_500: &str = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n\
<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n\
</body>\r\n</html>\r\n";

/// The sandbox's state: the orders and the account model, behind one mutex, so that a purchase
/// checks the balance, creates its order and spends in one step.
#[derive(Debug)]
pub(crate) struct World {
    pub orders: orders::State,
    pub accounts: Accounts,
}

/// Everything the connections share.
pub(crate) struct Shared {
    pub spec: Spec,
    /// Endpoint indices by normalized path, with their method.
    routes: HashMap<String, Vec<(Method, usize)>>,
    pub accounts: Vec<Account>,
    pub page_size: u32,
    state: Mutex<World>,
    faults: Mutex<Faults>,
    seen: Mutex<HashMap<String, usize>>,
    drifts: Mutex<Drifts>,
    connections: AtomicUsize,
    /// The proxies the extraction API handed out, and the source addresses the gateway's
    /// sessions take from the same counter; they stop with the sandbox.
    pub extracted: Arc<Mutex<Extracted>>,
}

/// The address a request came from, as the accept loop saw it.
#[derive(Debug, Clone, Copy)]
struct Peer(std::net::SocketAddr);

/// Injected faults, per endpoint name.
#[derive(Default)]
struct Faults {
    once: HashMap<String, VecDeque<Fault>>,
    always: HashMap<String, Fault>,
}

/// Locks a mutex; a poisoned lock is still usable (state is consistent between statements).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `/api/open/x/` and `/api/open/x` are the same endpoint.
fn normalize(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => path,
    }
}

impl Shared {
    pub(crate) fn new(spec: Spec, accounts: Vec<Account>, page_size: u32, state: World) -> Shared {
        let mut routes: HashMap<String, Vec<(Method, usize)>> = HashMap::new();
        for (index, endpoint) in spec.endpoints.iter().enumerate() {
            routes
                .entry(normalize(&endpoint.url_path).to_owned())
                .or_default()
                .push((endpoint.method, index));
        }
        Shared {
            spec,
            routes,
            accounts,
            page_size: page_size.max(1),
            state: Mutex::new(state),
            faults: Mutex::new(Faults::default()),
            seen: Mutex::new(HashMap::new()),
            drifts: Mutex::new(Drifts::default()),
            connections: AtomicUsize::new(0),
            extracted: Arc::new(Mutex::new(Extracted::default())),
        }
    }

    pub(crate) fn inject(&self, endpoint: &str, fault: Fault) {
        lock(&self.faults)
            .once
            .entry(endpoint.to_owned())
            .or_default()
            .push_back(fault);
    }

    pub(crate) fn inject_always(&self, endpoint: &str, fault: Fault) {
        lock(&self.faults).always.insert(endpoint.to_owned(), fault);
    }

    pub(crate) fn clear_faults(&self) {
        let mut faults = lock(&self.faults);
        faults.once.clear();
        faults.always.clear();
    }

    /// The fault for this request of `endpoint`: a queued one-shot fault first, else the
    /// standing one.
    fn take_fault(&self, endpoint: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        if let Some(fault) = faults.once.get_mut(endpoint).and_then(VecDeque::pop_front) {
            return Some(fault);
        }
        faults.always.get(endpoint).cloned()
    }

    pub(crate) fn set_drift(&self, endpoint: Option<&str>, kinds: DriftSet) {
        lock(&self.drifts).set(endpoint, kinds);
    }

    pub(crate) fn drift(&self, endpoint: &str) -> DriftSet {
        lock(&self.drifts).of(endpoint)
    }

    pub(crate) fn drift_applied(&self) -> Vec<DriftApplied> {
        lock(&self.drifts).applied()
    }

    pub(crate) fn clear_drift_applied(&self) {
        lock(&self.drifts).clear_applied();
    }

    /// Alters the success `body` of `endpoint` with its standing drift and `extra` kinds (of a
    /// [`Fault::Drift`]), and records what changed.
    fn apply_drift(&self, endpoint: &Endpoint, extra: DriftSet, body: &mut Value) {
        let kinds = self.drift(&endpoint.name).union(extra);
        if kinds.is_empty() {
            return;
        }
        let env = &self.spec.service_of(endpoint).envelope;
        let made = drift::apply(&self.spec, env, &endpoint.response, body, kinds);
        lock(&self.drifts).record(&endpoint.name, made);
    }

    pub(crate) fn requests_seen(&self, endpoint: &str) -> usize {
        lock(&self.seen).get(endpoint).copied().unwrap_or(0)
    }

    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub(crate) fn orders(&self, uid: &str, product: Product) -> Vec<Value> {
        lock(&self.state).orders.orders(uid, product)
    }

    pub(crate) fn whitelist(&self, uid: &str) -> Vec<std::net::IpAddr> {
        lock(&self.state).accounts.whitelist(uid)
    }

    pub(crate) fn balance(&self, uid: &str) -> Option<rust_decimal::Decimal> {
        lock(&self.state).accounts.balance(uid)
    }

    pub(crate) fn warning(&self, uid: &str, which: Warning) -> Option<Value> {
        lock(&self.state).accounts.warning(uid, which)
    }
}

/// Serves the router on `listener` (`loopback::serve`) until the future is dropped or aborted.
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let router = Router::new()
        .fallback(dispatch)
        .with_state(Arc::clone(&shared));
    let handle = move |peer, mut request: hyper::Request<hyper::body::Incoming>| {
        let router = router.clone();
        request.extensions_mut().insert(Peer(peer));
        async move {
            let response = match router.oneshot(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<CloseConnection>().is_some() {
                Err(CloseConnection)
            } else {
                Ok(response)
            }
        }
    };
    loopback::serve(listener, &shared.connections, handle).await;
}

/// Marks a response that must not be written: the connection is closed instead. Also the error
/// the service returns to make hyper do that.
#[derive(Debug, Clone, Copy)]
struct CloseConnection;

impl fmt::Display for CloseConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("injected fault: close the connection without a response")
    }
}

impl std::error::Error for CloseConnection {}

fn close_connection() -> Response {
    let mut response = Response::new(Body::empty());
    response.extensions_mut().insert(CloseConnection);
    response
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn refusal_response(api: &Service, refusal: &Refusal) -> Response {
    json_response(
        refusal.http,
        &envelope::refusal_body(api, refusal.ret, &refusal.msg),
    )
}

/// Every request comes here, in phases: the endpoint is looked up in the spec's table (so any
/// path is served literally, whatever characters it holds), then its fault, the body, the
/// answer (checks and behaviour), and what the fault does after it.
async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let spec = &shared.spec;
    let (parts, body) = request.into_parts();
    let endpoint = match route(&shared, &parts.method, parts.uri.path()) {
        Ok(endpoint) => endpoint,
        Err(refused) => return *refused,
    };
    *lock(&shared.seen).entry(endpoint.name.clone()).or_default() += 1;
    let fault = shared.take_fault(&endpoint.name);
    let api = spec.service_of(endpoint);
    let body = match read_body(api, body).await {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let after = match before_answer(spec, endpoint, fault).await {
        Ok(after) => after,
        Err(faulted) => return *faulted,
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let peer = parts.extensions.get::<Peer>().map(|peer| peer.0.ip());
    let call = Call {
        endpoint,
        peer,
        query: parts.uri.query(),
        content_type,
    };
    let answered = answer(&shared, call, body).await;
    if after.drop {
        return close_connection();
    }
    match answered {
        Ok(mut body) => {
            // Drift alters what is sent, so it comes last, and only to answers that go out.
            shared.apply_drift(endpoint, after.drift, &mut body);
            json_response(StatusCode::OK, &body)
        }
        Err(refusal) => refusal_response(api, &refusal),
    }
}

/// The endpoint at `path` that takes `method`, or the refusal: 404 for no endpoint there, 405
/// (with `Allow`) for another method.
fn route<'s>(
    shared: &'s Shared,
    method: &HttpMethod,
    path: &str,
) -> Result<&'s Endpoint, Box<Response>> {
    let spec = &shared.spec;
    let main = spec.main_service();
    let path = normalize(path);
    let not_found = |message: String| {
        refusal_response(
            main,
            &Refusal::http(StatusCode::NOT_FOUND, ret::NOT_FOUND, message),
        )
    };
    let Some(candidates) = shared.routes.get(path) else {
        return Err(Box::new(not_found(format!("no endpoint at `{path}`"))));
    };
    let wanted = match *method {
        HttpMethod::GET => Some(Method::Get),
        HttpMethod::POST => Some(Method::Post),
        _ => None,
    };
    let Some(index) = candidates
        .iter()
        .find(|(m, _)| Some(*m) == wanted)
        .map(|(_, i)| *i)
    else {
        let allowed: Vec<&str> = candidates.iter().map(|(m, _)| m.name()).collect();
        let mut response = refusal_response(
            main,
            &Refusal::http(
                StatusCode::METHOD_NOT_ALLOWED,
                ret::METHOD,
                format!(
                    "`{path}` does not take {method}; use {}",
                    allowed.join(" or ")
                ),
            ),
        );
        if let Ok(allow) = HeaderValue::from_str(&allowed.join(", ")) {
            response.headers_mut().insert(ALLOW, allow);
        }
        return Err(Box::new(response));
    };
    spec.endpoints
        .get(index)
        .ok_or_else(|| Box::new(not_found("no such endpoint".to_owned())))
}

/// The request body, up to [`MAX_BODY_BYTES`], or the refusal.
async fn read_body(api: &Service, body: Body) -> Result<Bytes, Box<Response>> {
    request::read_body(body, MAX_BODY_BYTES)
        .await
        .map_err(|error| {
            let refusal = match error {
                BodyError::TooLarge => Refusal::http(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ret::TOO_LARGE,
                    format!("the request body is over {MAX_BODY_BYTES} bytes (1 MiB)"),
                ),
                BodyError::Read(e) => Refusal::http(
                    StatusCode::BAD_REQUEST,
                    ret::INVALID,
                    format!("the request body could not be read: {e}"),
                ),
            };
            Box::new(refusal_response(api, &refusal))
        })
}

/// What a fault leaves to do once the call is answered.
struct AfterAnswer {
    /// Close the connection instead of answering (the call took effect).
    drop: bool,
    /// Drift on top of the endpoint's standing drift.
    drift: DriftSet,
}

/// Plays the part of `fault` that comes before the answer: a delay, or a response of its own
/// (`Err`) in place of the answer.
async fn before_answer(
    spec: &Spec,
    endpoint: &Endpoint,
    fault: Option<Fault>,
) -> Result<AfterAnswer, Box<Response>> {
    let mut after = AfterAnswer {
        drop: false,
        drift: DriftSet::none(),
    };
    match fault {
        None => {}
        Some(Fault::Latency(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Status(status)) => {
            // An informational status cannot end an exchange: serve those as 500 too.
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(|s| !s.is_informational())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = json!({
                "status": status.as_u16(),
                "error": status.canonical_reason().unwrap_or("error"),
            });
            return Err(Box::new(json_response(status, &body)));
        }
        Some(Fault::HtmlError) => {
            let mut response = Response::new(Body::from(HTML_500));
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            return Err(Box::new(response));
        }
        Some(Fault::Truncated) => {
            let full = envelope::example_body(spec, endpoint).to_string();
            return Err(Box::new(truncated(Bytes::from(full))));
        }
        Some(Fault::Drop) => return Err(Box::new(close_connection())),
        Some(Fault::Refuse { ret, msg }) => {
            return Err(Box::new(json_response(
                StatusCode::OK,
                &envelope::refusal_body(spec.service_of(endpoint), ret, &msg),
            )));
        }
        Some(Fault::CommitThenDrop) => after.drop = true,
        Some(Fault::Drift(kinds)) => after.drift = kinds,
    }
    Ok(after)
}

/// A `200` response whose `Content-Length` is that of `full` but which sends only its first
/// half (`loopback::cut_short`): hyper cuts the connection because the declared length was not
/// reached.
fn truncated(full: Bytes) -> Response {
    let claimed = full.len();
    let sent = full.slice(..full.len() / 2);
    let frames = loopback::cut_short::<std::io::Error>(sent);
    let mut response = Response::new(Body::new(http_body_util::StreamBody::new(frames)));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(claimed));
    response
}

/// One call, as it reached the sandbox.
struct Call<'a> {
    endpoint: &'a Endpoint,
    /// The caller's address, which an API without credentials knows it by.
    peer: Option<IpAddr>,
    query: Option<&'a str>,
    content_type: Option<&'a str>,
}

/// Decodes, authenticates, validates and performs one call; the success body or the refusal.
async fn answer(shared: &Shared, call: Call<'_>, body: Bytes) -> Result<Value, Refusal> {
    let spec = &shared.spec;
    let Call {
        endpoint,
        peer,
        query,
        content_type,
    } = call;
    let mut fields = request::query_fields(query);
    let body_fields = request::body_fields(content_type, body)
        .await
        .map_err(|e| match e {
            DecodeError::Malformed(msg) => {
                Refusal::http(StatusCode::BAD_REQUEST, ret::INVALID, msg)
            }
            DecodeError::Unsupported(msg) => {
                Refusal::http(StatusCode::UNSUPPORTED_MEDIA_TYPE, ret::UNSUPPORTED, msg)
            }
        })?;
    // The body wins over the query string.
    fields.extend(body_fields);
    let api = spec.service_of(endpoint);
    if api.auth.is_empty() {
        return answer_by_address(shared, endpoint, peer, &fields).await;
    }
    let account = validate::authenticate(api, &shared.accounts, &fields)?;
    let given = validate::validate(spec, endpoint, &fields)?;
    let now = chrono::Utc::now();
    let uid = account.uid.as_str();
    let data = if let Some(action) = account::action(&endpoint.name) {
        let typed = !endpoint.response.is_untyped();
        if !action.records_of_its_own() && typed && !endpoint.examples.is_empty() {
            return Ok(envelope::example_body(spec, endpoint));
        }
        let mut state = lock(&shared.state);
        let World { orders, accounts } = &mut *state;
        account::perform(accounts, orders, uid, action, &given, now)?
    } else {
        let purchase = match orders::action(&endpoint.name) {
            None => return Ok(envelope::example_body(spec, endpoint)),
            Some(Action::List(product)) => {
                let state = lock(&shared.state);
                let page_size = shared.page_size;
                let page = orders::list_page(
                    &state.orders,
                    uid,
                    product,
                    &given,
                    spec,
                    endpoint,
                    page_size,
                );
                return Ok(envelope::success_body(spec, endpoint, page));
            }
            Some(Action::Open(product)) => Purchase::Open(product),
            Some(Action::Renew(product)) => Purchase::Renew(product),
        };
        let mut state = lock(&shared.state);
        let World { orders, accounts } = &mut *state;
        purchase::perform(orders, accounts, uid, purchase, &given, now)?
    };
    Ok(envelope::success_body(spec, endpoint, data))
}

/// A call of an API without credentials, such as the extraction API: the caller is known by
/// its address, which must be on an account's whitelist.
async fn answer_by_address(
    shared: &Shared,
    endpoint: &Endpoint,
    peer: Option<IpAddr>,
    fields: &serde_json::Map<String, Value>,
) -> Result<Value, Refusal> {
    let spec = &shared.spec;
    let api = spec.service_of(endpoint);
    // The accept loop names every caller; a request without one is no caller to whitelist.
    let Some(peer) = peer else {
        return Err(Refusal::api(ret::AUTH, "the caller's address is not known"));
    };
    let listed = {
        let state = lock(&shared.state);
        shared
            .accounts
            .iter()
            .any(|account| state.accounts.whitelist(&account.uid).contains(&peer))
    };
    if !listed {
        return Err(extract::not_whitelisted(api, peer));
    }
    let given = validate::validate(spec, endpoint, fields)?;
    if !extract::is_extraction(&endpoint.name) {
        return Ok(envelope::example_body(spec, endpoint));
    }
    let data = extract::hand_out(&shared.extracted, extract::Wanted::of(&given)).await?;
    let mut body = envelope::success_body(spec, endpoint, data);
    // The balance extraction also names the caller's address (one public source).
    if endpoint.name == "get_balance_proxy_ip" {
        if let Value::Object(body) = &mut body {
            body.insert("request_ip".to_owned(), json!(peer.to_string()));
        }
    }
    Ok(body)
}
