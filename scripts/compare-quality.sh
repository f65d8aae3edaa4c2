#!/usr/bin/env bash
# Quality side by side on one text: rnn4j's defaults for one's own text (run to their end), then a PyTorch 2-layer
# LSTM (scripts/torch_quality.py) trained for the same wall-clock time on the same cores; the held-out bits per
# character of each (the same last 5 % of the text) and 300 characters of each sampled at temperature 0.8.
# Needs PyTorch: apt-get install -y python3-torch libopenblas0-openmp
# Usage: scripts/compare-quality.sh TEXT [threads]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
text="$1"
threads="${2:-2}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
"$root/rnn4j" train --corpus "$text" --threads "$threads" --print-every 1000 --length 0 \
  --out "$out/m.safetensors" --metrics "$out/m.csv" > "$out/train.log"
seconds=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
python3 - "$out/m.csv" "$seconds" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['val_bits_per_character']]
best = min(rows, key=lambda r: float(r['val_bits_per_character']))
print(f"rnn4j defaults: {len(rows)} epochs in {float(sys.argv[2]):.1f} s (JVM start included), held-out "
      f"{float(best['val_bits_per_character']):.3f} bits/char at its best epoch, {best['epoch']}")
PY
"$root/rnn4j" generate --model "$out/m.best.safetensors" --temperature 0.8 --seed 1 --length 300 2>/dev/null
echo
/usr/bin/python3 "$root/scripts/torch_quality.py" "$text" "$seconds" "$threads"
