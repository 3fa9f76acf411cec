#!/usr/bin/env bash
# Build cost of the generated client: `ipidea::generate!` against progenitor, on the same API.
#
#   benches/build-cost.sh [RUNS]        RUNS (default 3) measurements of each build
#   KEEP=1 benches/build-cost.sh        keeps the scratch workspace and prints where it is
#
# It copies benches/build-cost/template into a temporary workspace of two crates:
#   ours        `ipidea::generate!("spec.json")`: the project's macro on a copy of the spec
#   progenitor  `progenitor::generate_api!(spec = "openapi.json")`: progenitor (crates.io) on
#               `ipidea spec openapi` of the same spec
# builds both once with all their dependencies (the dependencies are then built in advance and
# never counted), and then, RUNS times, in an order that alternates:
#   clean build   `cargo clean -p <crate>`, then `cargo build -p <crate>` (dev profile)
#   spec edit     one optional request field added to `flow_order_list` in spec.json (and
#                 openapi.json exported again from it), then `cargo build -p <crate>`
# and prints the medians and their ratios (ours / progenitor; below 1: ours builds faster).
#
# Needs: cargo with crates.io reachable, and python3 (for the JSON edits). The spec both sides
# build is the project's own with `api.encoding` set to `form`: progenitor 0.15 cannot send
# `multipart/form-data` ("unexpected content type"), and the encoding changes nothing in what
# is generated for the types and methods of the 8 endpoints and 9 types.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ipidea-build-cost.XXXXXX")"
SUMMARY_DIR="${CARGO_TARGET_DIR:-$REPO/target}/criterion/ipidea-summary"

cleanup() {
    if [ "${KEEP:-0}" = 1 ]; then
        echo "build-cost: kept the scratch workspace in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

log() { echo "build-cost: $*" >&2; }

# The scratch workspace, from the template. The repository's lock file pins the versions the two
# share with the project; cargo adds progenitor's.
cp -R "$REPO/benches/build-cost/template/." "$WORK/"
find "$WORK" -name 'Cargo.toml.in' | while read -r manifest; do
    sed "s|@REPO@|$REPO|g" "$manifest" >"${manifest%.in}"
    rm "$manifest"
done
cp "$REPO/Cargo.lock" "$WORK/Cargo.lock"

# The spec of both sides.
python3 - "$REPO/spec/ipidea.json" "$WORK/ours/spec.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1], encoding="utf-8"))
spec.pop("$schema", None)
spec["api"]["encoding"] = "form"
json.dump(spec, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY

# The exporter is the project's own command-line tool.
log "building the project's command-line tool (for \`ipidea spec openapi\`)"
cargo build --quiet --release --manifest-path "$REPO/Cargo.toml" -p ipidea-cli
IPIDEA_CLI="${CARGO_TARGET_DIR:-$REPO/target}/release/ipidea"
export_openapi() {
    "$IPIDEA_CLI" spec openapi "$WORK/ours/spec.json" --output "$WORK/progenitor/openapi.json" 2>/dev/null
}
export_openapi

# One more optional request field on `flow_order_list`, a new one each time: an additive API
# change, as the vendor makes them.
edit_spec() {
    python3 - "$WORK/ours/spec.json" "$1" <<'PY'
import json, sys
path, n = sys.argv[1], sys.argv[2]
spec = json.load(open(path, encoding="utf-8"))
spec["endpoints"]["flow_order_list"]["request"][f"build_cost_filter_{n}"] = {
    "type": "string",
    "doc": {"en": f"Only orders with this note (build-cost edit {n})."},
}
json.dump(spec, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
    export_openapi
}

export CARGO_TARGET_DIR="$WORK/target"
cd "$WORK"

# One crate per command, as measured below: cargo unifies the features of shared dependencies
# over the packages of one command, so a joint build would leave them to be rebuilt.
log "building each crate and all its dependencies once (not measured)"
cargo build --quiet -p bc-ours
cargo build --quiet -p bc-progenitor

# Seconds that `cargo build -p $1` takes.
timed_build() {
    local start end
    start=$(date +%s%N)
    cargo build --quiet -p "$1"
    end=$(date +%s%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }'
}

# Only the crate itself is compiled from here on.
for crate in bc-ours bc-progenitor; do
    if cargo build -p "$crate" 2>&1 | grep -q 'Compiling'; then
        log "error: a second build of $crate compiled something; the dependencies are not settled"
        exit 1
    fi
done

declare -a ours_clean ours_edit progenitor_clean progenitor_edit
for run in $(seq 1 "$RUNS"); do
    if [ $((run % 2)) -eq 1 ]; then order="bc-ours bc-progenitor"; else order="bc-progenitor bc-ours"; fi
    for crate in $order; do
        cargo clean --quiet -p "$crate"
        seconds=$(timed_build "$crate")
        log "run $run: clean build of $crate: ${seconds} s"
        if [ "$crate" = bc-ours ]; then ours_clean+=("$seconds"); else progenitor_clean+=("$seconds"); fi
    done
    edit_spec "$run"
    for crate in $order; do
        seconds=$(timed_build "$crate")
        log "run $run: rebuild of $crate after a spec edit: ${seconds} s"
        if [ "$crate" = bc-ours ]; then ours_edit+=("$seconds"); else progenitor_edit+=("$seconds"); fi
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

oc=$(median "${ours_clean[@]}"); pc=$(median "${progenitor_clean[@]}")
oe=$(median "${ours_edit[@]}"); pe=$(median "${progenitor_edit[@]}")

report=$(cat <<EOF
## Build cost: the generated client crate vs progenitor

Dev profile, dependencies built in advance, median of $RUNS runs each (alternating order);
baseline: progenitor $(cargo metadata --format-version 1 --quiet | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "progenitor"))') on \`ipidea spec openapi\` of the same spec, in the same run.

| build | ours (\`ipidea::generate!\`) | progenitor | ours / progenitor |
|---|---|---|---|
| clean build of the client crate | ${oc} s | ${pc} s | $(ratio "$oc" "$pc")x |
| rebuild after a spec edit (one request field added) | ${oe} s | ${pe} s | $(ratio "$oe" "$pe")x |

Every run, in seconds: ours clean ${ours_clean[*]}; progenitor clean ${progenitor_clean[*]};
ours after an edit ${ours_edit[*]}; progenitor after an edit ${progenitor_edit[*]}.
EOF
)
echo "$report"
mkdir -p "$SUMMARY_DIR" && echo "$report" >"$SUMMARY_DIR/build-cost.md" && log "saved to $SUMMARY_DIR/build-cost.md"
