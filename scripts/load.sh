#!/usr/bin/env bash
# rnn4j serve under load, measured with wrk (apt-get install wrk): CLIENTS connections for DURATION seconds, each
# request 3 continuations of 20 characters after a short prefix (scripts/load.lua), against an H 512 model, with
# batching (--max-batch 128) and without (--max-batch 1), alternating ROUNDS times in one run.
# Usage: [CLIENTS=32] [DURATION=30] [ROUNDS=1] [SERVE_FLAGS=...] scripts/load.sh [MODEL]
#   (no MODEL: trains the default Time Machine RNN, H 512, for 100 epochs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients="${CLIENTS:-32}"; seconds="${DURATION:-30}"; rounds="${ROUNDS:-1}"
command -v wrk > /dev/null || { echo "load.sh needs wrk: apt-get install wrk" >&2; exit 2; }
work="$(mktemp -d)"; server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
model="${1:-}"
if [ -z "$model" ]; then
  model="$work/tm512.safetensors"
  "$root/rnn4j" train --epochs 100 --print-every 100 --out "$model" > /dev/null
fi
port=$((20000 + RANDOM % 20000))
for ((r = 1; r <= rounds; r++)); do
  for batch in 128 1; do
    # shellcheck disable=SC2086 # SERVE_FLAGS is a list of flags
    "$root/rnn4j" serve --model "$model" --port "$port" --max-batch "$batch" ${SERVE_FLAGS:-} 2> "$work/serve.log" &
    server=$!
    until grep -q "serving" "$work/serve.log"; do
      sleep 0.2; kill -0 "$server" 2> /dev/null || { cat "$work/serve.log"; exit 1; }
    done
    wrk -t2 -c"$clients" -d5s -s "$root/scripts/load.lua" "http://127.0.0.1:$port" > /dev/null # JIT warm-up
    wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$root/scripts/load.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
    awk -v b="$batch" -v c="$clients" -v s="$seconds" '
      /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 }
      /Non-2xx/ { bad += $NF } /Socket errors/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
      END { printf "max-batch %3d: %d clients, %d s: %d requests, %d errors, %s requests/s, latency p50 %s, p99 %s\n",
            b, c, s, n, bad, rps, p50, p99 }' "$work/wrk.txt"
    kill -TERM "$server"; wait "$server" || true; server=""
  done
done
