#!/usr/bin/env bash
# Codegen before and after: the time to load, validate and expand a spec of 1,000 endpoints
# (`codegen/parse+expand/1000`), measured with the codegen benchmark built from an older commit
# and from the working tree, run alternately so that both see the same state of the host.
#
#   benches/codegen-ab.sh [REV] [ROUNDS]    REV (default a995df6, before the codegen speed-ups),
#                                           ROUNDS (default 5) of old-new or new-old
#
# The old commit is checked out in a temporary git worktree and built in a target directory of
# its own (a release build of the benchmark crate and its dependencies: several minutes the
# first time). Prints each round's criterion estimate for both, their ratio, and the median
# ratio (old time / new time; above 1: the working tree is faster).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV="${1:-a995df6}"
ROUNDS="${2:-5}"
OLD_TREE="${TMPDIR:-/tmp}/ipidea-codegen-ab-$REV"
OLD_TARGET="$OLD_TREE-target"
BENCH='^codegen/parse\+expand/1000$'

log() { echo "codegen-ab: $*" >&2; }

if [ ! -d "$OLD_TREE" ]; then
    git -C "$REPO" worktree add --detach "$OLD_TREE" "$REV" >&2
fi
binary() { # $1: source tree, $2: target dir; prints the codegen bench binary
    (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench -p ipidea-benches --bench codegen --no-run \
        --message-format=json 2>/dev/null) |
        python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "codegen" and m.get("executable"):
        print(m["executable"])'
}
log "building $REV in $OLD_TREE"
OLD="$(binary "$OLD_TREE" "$OLD_TARGET")"
log "building the working tree"
NEW="$(binary "$REPO" "${CARGO_TARGET_DIR:-$REPO/target}")"

# The middle of criterion's estimate, in ms.
measure() {
    local dir
    dir="$(mktemp -d)"
    (cd "$dir" && IPIDEA_BENCH_PAIRED=0 "$1" --bench "$BENCH" 2>&1) |
        python3 -c 'import re,sys
text = sys.stdin.read()
m = re.search(r"time:\s*\[\S+ \S+ (\S+) (\S+)", text)
value, unit = float(m.group(1)), m.group(2)
print(value * {"s": 1e3, "ms": 1.0, "µs": 1e-3}[unit])'
    rm -rf "$dir"
}

ratios=()
echo "| round | old ($REV) | new (working tree) | old / new |"
echo "|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then
        old="$(measure "$OLD")"; new="$(measure "$NEW")"
    else
        new="$(measure "$NEW")"; old="$(measure "$OLD")"
    fi
    ratio="$(python3 -c "print(f'{$old / $new:.2f}')")"
    ratios+=("$ratio")
    printf '| %s | %.0f ms | %.0f ms | %sx |\n' "$round" "$old" "$new" "$ratio"
done
median="$(printf '%s\n' "${ratios[@]}" | sort -n | python3 -c 'import sys
v = [float(x) for x in sys.stdin.read().split()]
print(f"{v[len(v) // 2]:.2f}")')"
echo
echo "Median: the working tree is ${median}x as fast as $REV at 1,000 endpoints."
