#!/usr/bin/env bash
# One row of the quality table (README, "Your own text"): TEXT split into its first 90 % (trained on) and its last
# 10 % (scored by `rnn4j eval`, one stream, and by PyTorch alike), then the held-out bits per character of
#   (a) the defaults before they were sized to the text: a GRU 256 × 2, 32 × 50 minibatches, 5 % held out of the
#       training part, about 10 million tokens in 1 to 50 epochs, no dropout, early stop 3;
#   (b) the defaults;
#   (c) fine-tuned from the built-in `english` model for (b)'s wall time (--time-limit);
#   (d) a PyTorch 2-layer LSTM of 256 (scripts/torch_quality.py) for (b)'s wall time on the same threads;
# and, for (a)–(c), the share of real words (in /usr/share/dict/words, from Debian's wamerican, or in the training
# part) among the space-separated words of 2,000 characters sampled at temperature 0.8 after the first 24 characters
# of the text's first line that is not blank.
# Needs: apt-get install -y python3-torch libopenblas0-openmp wamerican. Usage: scripts/quality-table.sh TEXT [threads]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
text="$1"
threads="${2:-2}"
out="${QUALITY_DIR:-$(mktemp -d)}"
mkdir -p "$out"
python3 "$root/scripts/split_held_out.py" "$text" "$out"
now() { date +%s.%N; }
run() { # NAME FLAGS...: trains, prints its wall time in seconds
  local name="$1"; shift
  local start; start=$(now)
  "$root/rnn4j" train --corpus "$out/train.txt" --threads "$threads" --print-every 1000 --length 0 \
    --out "$out/$name.safetensors" "$@" > "$out/$name.log"
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(now)"
}
score() { # NAME: held-out bits per character of its best epoch
  "$root/rnn4j" eval --model "$out/$1.best.safetensors" --corpus "$out/test.txt" --threads "$threads" \
    | sed -n 's/^perplexity .*(\([0-9.]*\) bits per character)$/\1/p'
}
words() { # NAME: the share of real words in 2,000 sampled characters
  local prefix; prefix=$(python3 -c "import sys; t = open(sys.argv[1], encoding='utf-8').read(); \
print(next(l for l in t.splitlines() if l.strip()).strip()[:24])" "$out/train.txt")
  "$root/rnn4j" generate --model "$out/$1.best.safetensors" --prefix "$prefix" --temperature 0.8 --seed 1 \
    --length 2000 2>/dev/null > "$out/$1.sample.txt"
  python3 - "$out/$1.sample.txt" "$out/train.txt" <<'PY'
import re, sys
known = {w.strip().lower() for w in open('/usr/share/dict/words', encoding='utf-8')}
known |= {w.lower() for w in re.findall(r"[A-Za-z']+", open(sys.argv[2], encoding='utf-8').read())}
words = [re.sub(r"^[^A-Za-z']+|[^A-Za-z']+$", '', w) for w in open(sys.argv[1], encoding='utf-8').read().split()]
words = [w for w in words if w]
real = sum(1 for w in words if w.lower() in known or w.lower().strip("'") in known)
print(f'{100 * real / max(1, len(words)):.0f} % of {len(words)}')
PY
}
# the old defaults' epochs: about 10 million tokens' worth of the 95 % trained on, 1 to 50
epochs_a=$(python3 -c "import sys; n = len(open(sys.argv[1], encoding='utf-8', newline='').read()); \
t = n - int(n * 0.05 + 0.5); print(max(1, min(50, int(1e7 / t + 0.5))))" "$out/train.txt")
ta=$(run a --hidden 256 --batch 32 --epochs "$epochs_a" --val-fraction 0.05 --variational-dropout 0 --memory 0 \
  --weight-dropout 0 --early-stop 3)
tb=$(run b)
tc=$(run c --init-from english --time-limit "$tb")
/usr/bin/python3 "$root/scripts/torch_quality.py" "$out/train.txt" "$tb" "$threads" 256 "$out/test.txt" > "$out/d.log"
td=$(head -1 "$out/d.log")
printf '%s: %s characters, %s held out\n' "$(basename "$text")" "$(wc -m < "$text")" "$(wc -m < "$out/test.txt")"
printf '(a) old defaults: %s bits/char in %s s; words %s\n' "$(score a)" "$ta" "$(words a)"
printf '(b) new defaults: %s bits/char in %s s; words %s\n' "$(score b)" "$tb" "$(words b)"
printf '(c) from english: %s bits/char in %s s; words %s\n' "$(score c)" "$tc" "$(words c)"
printf '(d) %s\n' "$td"
