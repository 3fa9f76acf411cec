//! Running the `ipidea` binary in tests: with no credentials of the environment, or against a
//! server with a test account, and reading what it printed.

#![allow(dead_code)]

use std::process::Output;

use assert_cmd::Command;

/// The account id the tests run as.
pub const UID: &str = "3716";

/// The `ipidea` binary with no credentials or base URL from the environment.
pub fn ipidea() -> Command {
    let mut command = Command::cargo_bin("ipidea").unwrap();
    command
        .env_remove("IPIDEA_UID")
        .env_remove("IPIDEA_APPKEY")
        .env_remove("IPIDEA_BASE_URL")
        .env_remove("IPIDEA_EXTRACTION_URL")
        .env_remove("IPIDEA_GATEWAY_USER")
        .env_remove("IPIDEA_GATEWAY_PASSWORD");
    command
}

/// Runs `ipidea` with `args` against `base_url` as [`UID`] with `appkey`, off the async
/// runtime.
pub async fn run_as(base_url: &str, appkey: &str, args: &[&str]) -> Output {
    let base_url = base_url.to_owned();
    let appkey = appkey.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        Command::cargo_bin("ipidea")
            .unwrap()
            .env("IPIDEA_BASE_URL", base_url)
            .env("IPIDEA_UID", UID)
            .env("IPIDEA_APPKEY", appkey)
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Stdout and stderr as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The exit code, or -1 for a signal.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Runs `ipidea` with `args` and no credentials of the environment; what it printed and its
/// exit code.
pub fn output_of(args: &[&str]) -> Output {
    ipidea().args(args).output().unwrap()
}

/// The `--help` of the command `command` (`["whitelist", "sync"]`), as printed on stdout.
pub fn help_of(command: &[&str]) -> String {
    let mut args = command.to_vec();
    args.push("--help");
    text(&output_of(&args)).0
}
