//! The sandbox in a child process, so that a benchmark's allocator counts only the client.
//!
//! The benchmark binary runs itself again with [`SANDBOX_SEED_ENV`] set; [`serve_if_child`],
//! called first thing in its `main`, then serves `ipidea_sandbox` (as the `ipidea-sandbox`
//! binary does: the URL on the first line of stdout, then the URL of its address echo) until
//! its stdin closes, and exits. That needs no second binary to be built and found, and the
//! child ends with its parent.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Set in the child's environment to the seed file it serves.
pub const SANDBOX_SEED_ENV: &str = "IPIDEA_BENCH_SANDBOX_SEED";

/// In the child (when [`SANDBOX_SEED_ENV`] is set): serves the sandbox with that seed until
/// stdin closes, then exits the process. In the parent: returns at once.
pub fn serve_if_child() {
    let Some(seed) = std::env::var_os(SANDBOX_SEED_ENV) else {
        return;
    };
    let code = match serve(PathBuf::from(seed)) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("bench sandbox: {message}");
            1
        }
    };
    std::process::exit(code);
}

fn serve(seed: PathBuf) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let sandbox = runtime.block_on(async {
        ipidea_sandbox::Sandbox::builder()
            .seed_file(&seed)
            .map_err(|e| e.to_string())?
            .start()
            .await
            .map_err(|e| e.to_string())
    })?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}\n{}", sandbox.url(), sandbox.echo_url())
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    // Serve until the parent closes our stdin (or dies).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(sandbox);
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// A sandbox serving in a child process; it is stopped when dropped.
pub struct SandboxProcess {
    url: String,
    echo_url: String,
    child: Child,
    stdin: Option<ChildStdin>,
    seed: PathBuf,
}

impl SandboxProcess {
    /// Writes `seed` to a temporary file and starts this executable again as a sandbox serving
    /// it; returns once the child has printed its URL.
    pub fn spawn(seed: &serde_json::Value) -> std::io::Result<SandboxProcess> {
        static SPAWNED: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "ipidea-bench-seed-{}-{}.json",
            std::process::id(),
            SPAWNED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, serde_json::to_vec(seed)?)?;
        let mut child = Command::new(std::env::current_exe()?)
            .env(SANDBOX_SEED_ENV, &path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let (mut line, mut echo) = (String::new(), String::new());
        if let Some(stdout) = child.stdout.take() {
            let mut stdout = BufReader::new(stdout);
            stdout.read_line(&mut line)?;
            stdout.read_line(&mut echo)?;
        }
        let url = line.trim().to_owned();
        let echo_url = echo.trim().to_owned();
        if !url.starts_with("http://") || !echo_url.starts_with("http://") {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&path);
            return Err(std::io::Error::other(format!(
                "the sandbox child printed {url:?} and {echo_url:?} instead of its URLs"
            )));
        }
        Ok(SandboxProcess {
            url,
            echo_url,
            child,
            stdin,
            seed: path,
        })
    }

    /// The sandbox's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of the sandbox's address echo (see `ipidea_sandbox::Sandbox::echo_url`).
    pub fn echo_url(&self) -> &str {
        &self.echo_url
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        let _ = std::fs::remove_file(&self.seed);
    }
}
