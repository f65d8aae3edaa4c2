#!/usr/bin/env bash
# Quality side by side on one text: rnn4j's defaults for one's own text (run to their end), then a PyTorch 2-layer
# LSTM (scripts/torch_quality.py) trained for the same wall-clock time on the same cores; both train on the text's
# first 90 % and are scored on its last 10 % (one stream, from a zero state: `rnn4j eval` and PyTorch alike), and
# 300 characters of each are sampled at temperature 0.8. scripts/quality-table.sh adds the defaults before sizing and
# fine-tuning from english.
# Needs PyTorch: apt-get install -y python3-torch libopenblas0-openmp
# Usage: scripts/compare-quality.sh TEXT [threads]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
text="$1"
threads="${2:-2}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
python3 "$root/scripts/split_held_out.py" "$text" "$out"
start=$(date +%s.%N)
"$root/rnn4j" train --corpus "$out/train.txt" --threads "$threads" --print-every 1000 --length 0 \
  --out "$out/m.safetensors" > "$out/train.log"
seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
bits=$("$root/rnn4j" eval --model "$out/m.best.safetensors" --corpus "$out/test.txt" --threads "$threads" \
  | sed -n 's/^perplexity .*(\([0-9.]*\) bits per character)$/\1/p')
echo "rnn4j defaults: $(sed -n 's/^best epoch \([0-9]*\):.*over \([0-9]*\) epochs$/best epoch \1 of \2/p' "$out/train.log") in $seconds s (JVM start included), held-out $bits bits/char"
"$root/rnn4j" generate --model "$out/m.best.safetensors" --temperature 0.8 --seed 1 --length 300 2>/dev/null
echo
/usr/bin/python3 "$root/scripts/torch_quality.py" "$out/train.txt" "$seconds" "$threads" 256 "$out/test.txt"
