//! `ipidea-sandbox`: serves the sandbox until Ctrl-C. The first line of stdout is its URL.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ipidea_sandbox::{
    DEFAULT_APPKEY, DEFAULT_BALANCE, DEFAULT_PAGE_SIZE, DEFAULT_UID, Decimal, DriftSet, Fault,
    Sandbox,
};

/// A local, stateful fake of the IPIDEA open API, driven by the spec.
///
/// Prints its URL as the first line of stdout, then serves on 127.0.0.1 until Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "ipidea-sandbox", version, about, long_about = None)]
struct Args {
    /// Port to listen on at 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Account id of the sandbox's account.
    #[arg(long, default_value = DEFAULT_UID)]
    uid: String,

    /// API key of the sandbox's account.
    #[arg(long, default_value = DEFAULT_APPKEY)]
    appkey: String,

    /// JSON file of flow and mobile-flow orders per uid:
    /// {"10001": {"flow": [..], "mobile_flow": [..]}}.
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,

    /// Balance of the sandbox's account, in yuan; opening and renewing IPs spend it at the
    /// sandbox's own prices.
    #[arg(long, default_value_t = DEFAULT_BALANCE, value_name = "YUAN", value_parser = balance)]
    balance: Decimal,

    /// Adds the demo data of `uid` 10001: three dynamic residential and two dynamic mobile
    /// traffic orders, paid and unpaid, so that list calls and paging have something to show,
    /// and two whitelisted documentation IPs (203.0.113.7, 198.51.100.23).
    #[arg(long)]
    demo_seed: bool,

    /// Spec to serve instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,

    /// Page size of list calls that send no `limit`.
    #[arg(long, default_value_t = DEFAULT_PAGE_SIZE, value_name = "N")]
    page_size: u32,

    /// Plays FAULT on the next request of ENDPOINT; repeat to queue more. FAULT is
    /// latency:250ms, status:503, html, truncated, drop, refuse:1001:余额不足, commit-then-drop
    /// or drift:KIND[,KIND...].
    #[arg(long = "fault", value_name = "ENDPOINT=FAULT", value_parser = endpoint_fault)]
    faults: Vec<(String, Fault)>,

    /// Plays FAULT on every request of ENDPOINT.
    #[arg(long = "fault-always", value_name = "ENDPOINT=FAULT", value_parser = endpoint_fault)]
    faults_always: Vec<(String, Fault)>,

    /// Makes every successful answer drift from the spec, in ret_data only: KIND is
    /// unknown-field, unknown-enum, null, bad-type or untyped-shape; `all` is every kind.
    #[arg(long, value_name = "KIND[,KIND...]", value_parser = drift)]
    drift: Option<DriftSet>,
}

/// Reads `unknown-field,null` or `all`.
fn drift(text: &str) -> Result<DriftSet, String> {
    text.parse::<DriftSet>().map_err(|e| e.to_string())
}

/// Reads a balance: a decimal number of yuan, not negative.
fn balance(text: &str) -> Result<Decimal, String> {
    let balance: Decimal = text.trim().parse().map_err(|_| {
        format!("expected an amount of yuan, such as `1000` or `12.50`, found `{text}`")
    })?;
    if balance.is_sign_negative() {
        return Err(format!("a balance cannot be negative, found `{text}`"));
    }
    Ok(balance)
}

/// Reads `ENDPOINT=FAULT`.
fn endpoint_fault(text: &str) -> Result<(String, Fault), String> {
    let (endpoint, fault) = text.split_once('=').ok_or_else(|| {
        format!("expected ENDPOINT=FAULT, such as `isp_ip_open=drop`, found `{text}`")
    })?;
    let fault = fault.parse::<Fault>().map_err(|e| e.to_string())?;
    Ok((endpoint.trim().to_owned(), fault))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ipidea-sandbox: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut builder = Sandbox::builder()
        .port(args.port)
        .account(&args.uid, &args.appkey)
        .balance(&args.uid, args.balance)
        .page_size_default(args.page_size);
    if let Some(path) = &args.spec {
        let spec = ipidea_spec::load(path).map_err(|e| format!("the spec is invalid:\n{e}"))?;
        builder = builder.spec(spec);
    }
    if args.demo_seed {
        builder = builder.demo_seed();
    }
    if let Some(kinds) = args.drift {
        builder = builder.drift(kinds);
    }
    if let Some(path) = &args.seed {
        builder = builder.seed_file(path).map_err(|e| e.to_string())?;
    }
    let sandbox = builder.start().await.map_err(|e| e.to_string())?;
    for (endpoint, _) in args.faults.iter().chain(&args.faults_always) {
        if sandbox.spec().endpoint(endpoint).is_none() {
            let names: Vec<&str> = sandbox
                .spec()
                .endpoints
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            return Err(format!(
                "unknown endpoint `{endpoint}` in a fault; the spec has {}",
                names.join(", ")
            ));
        }
    }
    for (endpoint, fault) in args.faults {
        sandbox.inject(&endpoint, fault);
    }
    for (endpoint, fault) in args.faults_always {
        sandbox.inject_always(&endpoint, fault);
    }

    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", sandbox.url())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    let drifting = match args.drift {
        Some(kinds) if !kinds.is_empty() => format!(", drifting ({kinds})"),
        _ => String::new(),
    };
    eprintln!(
        "ipidea-sandbox: serving {} endpoints at {} as uid `{}`, appkey `{}`{drifting}; Ctrl-C \
         stops it",
        sandbox.spec().endpoints.len(),
        sandbox.url(),
        sandbox.uid(),
        sandbox.appkey()
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(())
}
