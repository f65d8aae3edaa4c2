#!/usr/bin/env bash
# Training speed with another process busy on one core, as a share of the idle speed, in one run.
# Usage: scripts/hog-check.sh [bench flags...]   (default: the Time Machine model, H 512, 10 s)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
args=("$@"); [[ ${#args[@]} -gt 0 ]] || args=(--hidden 512 --seconds 10 --warmup 3)
speed() { "$root/rnn4j" bench "${args[@]}" --json "$1" > /dev/null
          python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["tokens_per_second"])' "$1"; }
tmp="$(mktemp -d)"; trap 'kill "${hog:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
idle=$(speed "$tmp/idle.json")
sh -c 'while :; do :; done' & hog=$!
loaded=$(speed "$tmp/hog.json")
kill "$hog"
python3 -c "import sys; i, l = map(float, sys.argv[1:]); print(f'idle {i:,.0f} tokens/s, beside a CPU hog {l:,.0f} tokens/s: {100 * l / i:.0f}% of idle')" "$idle" "$loaded"
