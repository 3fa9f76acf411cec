//! Ratios from criterion's estimates, measured in the same run.
//!
//! After a benchmark binary's groups have run, it reads back the estimates criterion wrote
//! (`<target>/criterion/<group>/<id>/new/{benchmark,estimates}.json`), keeps only those written
//! by this run, and prints a table of ratios against the group's baseline. The table is also
//! saved under `<target>/criterion/ipidea-summary/` for `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;

/// One benchmark's result: criterion's typical time per iteration (the slope of the linear
/// fit where criterion made one, else the mean) with its 95% confidence bounds.
#[derive(Debug, Clone)]
pub struct Measured {
    /// `group/function/value`, as criterion names it.
    pub id: String,
    /// Time per iteration, in nanoseconds.
    pub ns: f64,
    /// Lower confidence bound, in nanoseconds.
    pub low: f64,
    /// Upper confidence bound, in nanoseconds.
    pub high: f64,
}

#[derive(Deserialize)]
struct BenchmarkFile {
    full_id: String,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct EstimatesFile {
    mean: Estimate,
    slope: Option<Estimate>,
}

/// Where criterion writes its results: `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`,
/// else the `criterion` folder of the target directory this binary was built into.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    // <target>/<profile>/deps/<bench>-<hash>
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .map_or_else(
            || PathBuf::from("target/criterion"),
            |t| t.join("criterion"),
        )
}

/// The results of `group` that were written at or after `since`, by id.
pub fn load_group(group: &str, since: SystemTime) -> Vec<Measured> {
    let mut found = Vec::new();
    collect(&criterion_dir().join(group), since, &mut found);
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

fn collect(dir: &Path, since: SystemTime, found: &mut Vec<Measured>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some(measured) = read_new(&path, since) {
                found.push(measured);
            }
        } else if path
            .file_name()
            .is_some_and(|n| n != "base" && n != "report")
        {
            collect(&path, since, found);
        }
    }
}

fn read_new(dir: &Path, since: SystemTime) -> Option<Measured> {
    let estimates_path = dir.join("estimates.json");
    let modified = std::fs::metadata(&estimates_path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let benchmark: BenchmarkFile =
        serde_json::from_slice(&std::fs::read(dir.join("benchmark.json")).ok()?).ok()?;
    let estimates: EstimatesFile =
        serde_json::from_slice(&std::fs::read(estimates_path).ok()?).ok()?;
    let typical = estimates.slope.unwrap_or(estimates.mean);
    Some(Measured {
        id: benchmark.full_id,
        ns: typical.point_estimate,
        low: typical.confidence_interval.lower_bound,
        high: typical.confidence_interval.upper_bound,
    })
}

/// The result named `id` (`group/function/value`), if this run measured it.
pub fn find<'a>(results: &'a [Measured], id: &str) -> Option<&'a Measured> {
    results.iter().find(|m| m.id == id)
}

/// A duration in nanoseconds, in a readable unit.
pub fn human_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// A byte count in a readable unit.
pub fn human_bytes(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
    } else if bytes >= 1024.0 {
        format!("{:.1} KiB", bytes / 1024.0)
    } else {
        format!("{bytes:.0} B")
    }
}

/// A markdown report under construction.
#[derive(Debug, Default)]
pub struct Report {
    text: String,
}

impl Report {
    /// A report titled `title`.
    pub fn new(title: &str) -> Report {
        let mut report = Report::default();
        let _ = writeln!(report.text, "## {title}\n");
        report
    }

    /// Adds a line.
    pub fn line(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.text, "{}", line.as_ref());
    }

    /// Adds a markdown table.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        self.line(format!("| {} |", header.join(" | ")));
        self.line(format!(
            "|{}|",
            header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
        ));
        for row in rows {
            self.line(format!("| {} |", row.join(" | ")));
        }
        self.line("");
    }

    /// Prints the report and saves it as `<criterion>/ipidea-summary/<name>.md`.
    pub fn finish(self, name: &str) {
        println!("\n{}", self.text);
        let dir = criterion_dir().join("ipidea-summary");
        let saved = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join(format!("{name}.md")), &self.text));
        match saved {
            Ok(()) => println!("(saved to {})", dir.join(format!("{name}.md")).display()),
            Err(error) => eprintln!("cannot save the summary in {}: {error}", dir.display()),
        }
    }
}

/// `verdict(met)`: "met" or "NOT met".
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}
