#!/usr/bin/env bash
# What the generated client adds to a user's build, against a hand-written client.
#
#   benches/build-vs-hand.sh [RUNS]     RUNS (default 3) rounds, in alternating order
#   KEEP=1 benches/build-vs-hand.sh     keeps the scratch folder and prints where it is
#
# It packages `ipidea` and the three crates its build needs (as `cargo add ipidea` gets them;
# the sandbox too, which `cargo package` needs for the dev-dependency), unpacks them into a
# scratch folder with the crates of benches/build-vs-hand/template, and
# measures three things:
#
# (a) clean build: `user-generated` (a program that calls the eight endpoints through `ipidea`)
#     against `user-hand` (the same program on `hand-client`, a hand-written reqwest + serde
#     client of the eight endpoints with the very reqwest requirement and features `ipidea`
#     resolves to), each from an empty target directory, dependencies included; CPU seconds
#     (user + system) and wall seconds.
# (b) rebuild after a one-line edit, on the target of (a): one doc line of the spec inside the
#     `ipidea` package (the macro expands it again) against one doc line of `hand-client`.
# (c) the macro's share of the build of a crate that runs `ipidea::generate!` on a spec of its
#     own, at 8 and at 1,000 endpoints: the crate built with the macro, against the same crate
#     with the macro's output pasted in (`include!` of `ipidea_codegen::expand_to_string`); the
#     difference is the macro's own time (read, load, validate, expand) in the compiler. These
#     builds are not incremental, so each compiles the crate whole.
#
# Dependencies are downloaded before anything is timed (`cargo fetch`), and every build is
# `--offline`, dev profile. Both user crates start from the repository's Cargo.lock, so what
# they share resolves to the same versions.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ipidea-build-vs-hand.XXXXXX")"
SUMMARY_DIR="${CARGO_TARGET_DIR:-$REPO/target}/criterion/ipidea-summary"
cleanup() {
    if [ "${KEEP:-0}" = 1 ]; then echo "build-vs-hand: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "build-vs-hand: $*" >&2; }

# The packaged crates of a user's build.
VERSION=$(cargo metadata --manifest-path "$REPO/Cargo.toml" --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "ipidea"))')
log "packaging ipidea $VERSION and what its build needs"
cargo package --quiet --no-verify --allow-dirty --manifest-path "$REPO/Cargo.toml" \
    -p ipidea-spec -p ipidea-codegen -p ipidea-macros -p ipidea -p ipidea-sandbox
mkdir -p "$WORK/crates"
for crate in ipidea-spec ipidea-codegen ipidea-macros ipidea; do
    tar -xzf "${CARGO_TARGET_DIR:-$REPO/target}/package/$crate-$VERSION.crate" -C "$WORK/crates"
done
cp -R "$REPO/benches/build-vs-hand/template/." "$WORK/"
find "$WORK" -name 'Cargo.toml.in' | while read -r manifest; do
    sed "s|@CRATES@|$WORK/crates|g; s|@VERSION@|$VERSION|g" "$manifest" >"${manifest%.in}"
    rm "$manifest"
done
for crate in user-generated user-hand macro-share; do
    cp "$REPO/Cargo.lock" "$WORK/$crate/Cargo.lock"
done
log "building the expansion tool (for (c)), in release and in the dev profile"
cargo build --quiet --release --manifest-path "$REPO/Cargo.toml" -p ipidea-benches --bin expansion
cargo build --quiet --manifest-path "$REPO/Cargo.toml" -p ipidea-benches --bin expansion
EXPANSION="${CARGO_TARGET_DIR:-$REPO/target}/release/expansion"
# The macro's code at the opt-level a user's debug build gives proc macros.
EXPANSION_DEV="${CARGO_TARGET_DIR:-$REPO/target}/debug/expansion"

# One timed cargo build; prints "wall cpu crates", where crates are the ones it compiled.
timed_build() {
    local manifest=$1 target=$2 out log
    out=$(mktemp)
    log=$(mktemp)
    /usr/bin/time -f "%e %U %S" -o "$out" \
        cargo build --offline --manifest-path "$manifest" --target-dir "$target" 2>"$log" ||
        { cat "$log" >&2; return 1; }
    local crates
    crates=$(awk '$1 == "Compiling" { printf "%s%s", sep, $2; sep = "," }' "$log")
    awk -v crates="${crates:--}" '{ printf "%.2f %.2f %s\n", $1, $2 + $3, crates }' "$out"
    rm -f "$out" "$log"
}

RESULTS="$WORK/results.txt"
: >"$RESULTS"
record() { echo "$*" >>"$RESULTS"; }

# (a) and (b).
SPEC_LINE='"en": "Recharge record id."'
HAND_LINE='/// Lists datacenter orders.'
for side in generated hand; do
    cargo fetch --quiet --manifest-path "$WORK/user-$side/Cargo.toml"
done
for round in $(seq "$RUNS"); do
    if [ $((round % 2)) = 1 ]; then order="generated hand"; else order="hand generated"; fi
    for side in $order; do
        target="$WORK/target-$side"
        rm -rf "$target"
        read -r wall cpu _ < <(timed_build "$WORK/user-$side/Cargo.toml" "$target")
        log "round $round: clean build of user-$side: ${cpu} CPU-s, ${wall} s"
        record "clean $side $cpu $wall"
        if [ "$side" = generated ]; then
            file="$WORK/crates/ipidea-$VERSION/ipidea.json"
            sed -i "s|$SPEC_LINE|\"en\": \"Recharge record id ($round).\"|" "$file"
        else
            file="$WORK/hand-client/src/lib.rs"
            sed -i "s|$HAND_LINE|/// Lists datacenter orders ($round).|" "$file"
        fi
        read -r wall cpu crates < <(timed_build "$WORK/user-$side/Cargo.toml" "$target")
        log "round $round: rebuild of user-$side after a one-line edit: ${cpu} CPU-s, ${wall} s (compiled $crates)"
        record "edit $side $cpu $wall"
        # Back to the original line, so that every round edits the same text.
        sed -i "s|\"en\": \"Recharge record id ($round).\"|$SPEC_LINE|; s|/// Lists datacenter orders ($round).|$HAND_LINE|" "$file"
    done
done

# (c) the macro's share, at 8 and 1,000 endpoints.
share="$WORK/macro-share"
# Its `src/` holds only what the script writes, so the template (as git keeps it) has none.
mkdir -p "$share/src"
for endpoints in 8 1000; do
    "$EXPANSION" spec "$endpoints" >"$share/spec.json"
    "$EXPANSION" expand "$share/spec.json" >"$share/expanded.rs"
    echo 'ipidea::generate!("spec.json");' >"$share/src/lib.rs"
    cargo fetch --quiet --manifest-path "$share/Cargo.toml"
    # Dependencies once, untimed. Every timed build of this crate compiles it whole
    # (CARGO_INCREMENTAL=0), so that both variants do the same work but for the macro.
    CARGO_INCREMENTAL=0 timed_build "$share/Cargo.toml" "$WORK/target-share" >/dev/null
    for round in $(seq "$RUNS"); do
        if [ $((round % 2)) = 1 ]; then order="macro expanded"; else order="expanded macro"; fi
        for variant in $order; do
            if [ "$variant" = macro ]; then
                echo 'ipidea::generate!("spec.json");' >"$share/src/lib.rs"
            else
                echo 'include!("../expanded.rs");' >"$share/src/lib.rs"
            fi
            read -r wall cpu _ < <(CARGO_INCREMENTAL=0 timed_build "$share/Cargo.toml" "$WORK/target-share")
            log "round $round: $endpoints endpoints, $variant: ${cpu} CPU-s, ${wall} s"
            record "share$endpoints $variant $cpu $wall"
        done
    done
    # The macro's work alone (outside rustc, so without the compiler's token bridge).
    ms=$("$EXPANSION_DEV" time "$share/spec.json" 5)
    log "$endpoints endpoints: the macro's work alone, unoptimized: $ms ms"
    record "work$endpoints alone $(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }') -"
done

mkdir -p "$SUMMARY_DIR"
python3 - "$RESULTS" <<'PY' | tee "$SUMMARY_DIR/build-vs-hand.txt"
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
def runs(kind, side, column):
    return [float(r[column]) for r in rows if r[0] == kind and r[1] == side]
def med(kind, side, column=2):
    return statistics.median(runs(kind, side, column))
print("Build cost of a user's crate: generated `ipidea` against a hand-written client")
print()
print("| build | generated | hand-written | generated / hand |")
print("|---|---|---|---|")
for column, unit, bold in [(2, "CPU-s", "**"), (3, "wall s", "")]:
    for kind, label in [("clean", "(a) clean build"), ("edit", "(b) rebuild after a one-line edit")]:
        g, h = med(kind, "generated", column), med(kind, "hand", column)
        print(f"| {label}, {unit} | {g:.2f} | {h:.2f} | {bold}{g / h:.2f}x{bold} |")
print()
print("Per round (each pair built back to back), generated / hand, CPU:")
for kind in ("clean", "edit"):
    g, h = runs(kind, "generated", 2), runs(kind, "hand", 2)
    ratios = [a / b for a, b in zip(g, h)]
    print(f"  {kind}: " + ", ".join(f"{r:.2f}x" for r in ratios) + f"; median {statistics.median(ratios):.2f}x")
print()
print("| (c) crate expanding a spec of its own | with the macro, CPU-s | pre-expanded, CPU-s | the macro's share |")
print("|---|---|---|---|")
for n in (8, 1000):
    m, e = med(f"share{n}", "macro"), med(f"share{n}", "expanded")
    print(f"| {n} endpoints | {m:.2f} | {e:.2f} | **{(m - e) / m:.0%}** |")
print()
print("| (c) the macro's work alone, unoptimized, outside rustc | seconds | share of the build with the macro |")
print("|---|---|---|")
for n in (8, 1000):
    w, m = med(f"work{n}", "alone"), med(f"share{n}", "macro")
    print(f"| {n} endpoints | {w:.3f} | **{w / m:.0%}** |")
print()
print("Every run (CPU-s):")
for kind in ("clean", "edit", "share8", "share1000", "work8", "work1000"):
    sides = sorted({r[1] for r in rows if r[0] == kind})
    print("  " + kind + ": " + "; ".join(f"{s} " + ", ".join(f"{v:.2f}" for v in runs(kind, s, 2)) for s in sides))
PY
