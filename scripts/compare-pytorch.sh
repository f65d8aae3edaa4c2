#!/usr/bin/env bash
# rnn4j against the PyTorch reference, back to back on this machine, and the ratio of their tokens/s.
# Needs: apt-get install -y python3-torch libopenblas0-openmp
# Usage: [ROUNDS=N] [LIBTORCH=1] scripts/compare-pytorch.sh [timemachine|jaychou] [scratch|concise|lstm|gru] [epochs]
# With ROUNDS > 1 the two alternate N times (the VM's speed drifts) and the median ratio is printed too.
# LIBTORCH=1 adds a third in each round: the same training on libtorch through DJL (rnn4j bench --engine libtorch,
# a build with -Plibtorch, which the launcher then makes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
texts="$root/core/src/main/resources/org/rnn4j/text" # the built-in corpora, which the PyTorch side reads as files
corpus="${1:-timemachine}"; mode="${2:-concise}"; epochs="${3:-30}"; rounds="${ROUNDS:-1}"
threads="$(nproc)"
case "$corpus" in
  timemachine) data="$texts/timemachine.txt"; hidden=512; flags=(--corpus timemachine) ;;
  jaychou) data="$texts/jaychou_lyrics.txt.zip"; hidden=256; flags=(--corpus jaychou --preprocess spaces) ;;
  *) echo "usage: $0 [timemachine|jaychou] [scratch|concise|lstm] [epochs]" >&2; exit 2 ;;
esac
[ "$mode" = lstm ] && flags+=(--cell lstm)
[ "$mode" = gru ] && flags+=(--cell gru)
[ "${LIBTORCH:-}" = 1 ] && export RNN4J_BUILD_FLAGS=-Plibtorch
json="$(mktemp)"; trap 'rm -f "$json"' EXIT
ratios=(); torch_ratios=()
for ((r = 1; r <= rounds; r++)); do
  if [ "${LIBTORCH:-}" = 1 ]; then
    "$root/rnn4j" bench "${flags[@]}" --hidden "$hidden" --threads "$threads" --seconds 10 --engine libtorch --json "$json"
    libtorch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["tokens_per_second"])' "$json")
  fi
  "$root/rnn4j" bench "${flags[@]}" --hidden "$hidden" --threads "$threads" --seconds 10 --json "$json"
  ours=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["tokens_per_second"])' "$json")
  # PyTorch's lines go on to stderr through a pipe: `tee /dev/stderr` would reopen the file behind
  # a `> log 2>&1` and truncate it
  theirs=$(/usr/bin/python3 "$root/scripts/torch_rnn.py" "$mode" "$data" "$epochs" "$hidden" "$threads" \
    | awk '{ print | "cat >&2" } /^epoch/ { t = $6 } END { close("cat >&2"); print t }')
  ratios+=("$(python3 -c "import sys; print(float(sys.argv[1]) / float(sys.argv[2]))" "$ours" "$theirs")")
  python3 -c "import sys; o, t = float(sys.argv[1]), float(sys.argv[2]); print(f'rnn4j {o:,.0f} tokens/s, PyTorch ({sys.argv[3]}) {t:,.0f} tokens/s: {o / t:.2f}x')" \
    "$ours" "$theirs" "$mode"
  if [ "${LIBTORCH:-}" = 1 ]; then
    torch_ratios+=("$(python3 -c "import sys; print(float(sys.argv[1]) / float(sys.argv[2]))" "$ours" "$libtorch")")
    python3 -c "import sys; o, t = float(sys.argv[1]), float(sys.argv[2]); print(f'rnn4j {o:,.0f} tokens/s, libtorch (DJL) {t:,.0f} tokens/s: {o / t:.2f}x')" \
      "$ours" "$libtorch"
  fi
done
median() { python3 -c "import statistics, sys; r = sorted(map(float, sys.argv[2:])); print(sys.argv[1] + ' ratios ' + ', '.join(f'{x:.2f}x' for x in r) + f'; median {statistics.median(r):.2f}x')" "$@"; }
if ((rounds > 1)); then
  median "PyTorch" "${ratios[@]}"
  [ "${LIBTORCH:-}" = 1 ] && median "libtorch" "${torch_ratios[@]}"
fi
exit 0
