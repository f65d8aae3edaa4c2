#!/usr/bin/env bash
# One text's rows of the tokens table (README, "Words and subwords"): TEXT split into its first 90 % (trained on) and
# its last 10 % (scored by `rnn4j eval`, one stream), then for characters, words and BPE subwords at two vocabulary
# sizes each, the defaults for one's own text trained for SECONDS of wall time on THREADS threads (--time-limit: no
# epoch starts that would end after it), and
#   the held-out bits per character of the best epoch (nats over the held-out characters ÷ their count ÷ ln 2), and
#   the share of real words (in /usr/share/dict/words, from Debian's wamerican, or in the training part) among the
#   space-separated words of the first 2,000 characters sampled at temperature 0.8 after the text's first 24.
# Needs: apt-get install -y wamerican.
# Usage: scripts/tokens-table.sh TEXT [SECONDS] [THREADS] [SMALL] [LARGE]
#   SMALL, LARGE: the two vocabulary sizes, characters included (default 1024 and 4096)
#   RNN4J: another launcher (a copied jar, so that edits meanwhile do not rebuild it); TOKENS_DIR: where the runs go
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rnn4j="${RNN4J:-$root/rnn4j}"
text="$1"
seconds="${2:-150}"
threads="${3:-1}"
small="${4:-1024}"
large="${5:-4096}"
out="${TOKENS_DIR:-$(mktemp -d)}"
mkdir -p "$out"
python3 "$root/scripts/split_held_out.py" "$text" "$out"
prefix=$(python3 -c "import sys; print(open(sys.argv[1], encoding='utf-8').read()[:24])" "$out/train.txt")
row() { # NAME FILE FLAGS...
  local name="$1" file="$out/$2"; shift 2
  if ! "$rnn4j" train --corpus "$out/train.txt" --threads "$threads" --time-limit "$seconds" --print-every 1000 \
      --length 0 --out "$file.safetensors" "$@" > "$file.log" 2> "$file.err"; then
    printf '| %s | %s | | |\n' "$name" "$(grep '^rnn4j:' "$file.err" | head -1)"
    return
  fi
  local bits epochs words
  bits=$("$rnn4j" eval --model "$file.best.safetensors" --corpus "$out/test.txt" --threads "$threads" \
    | sed -n 's/^perplexity .*(\([0-9.]*\) bits per character)$/\1/p')
  epochs=$(sed -n 's/.* over \([0-9,]*\) epochs$/\1/p' "$file.log")
  "$rnn4j" generate --model "$file.best.safetensors" --prefix "$prefix" --temperature 0.8 --seed 1 --length 2000 \
    2>/dev/null > "$file.sample.txt"
  words=$(python3 - "$file.sample.txt" "$out/train.txt" "$prefix" <<'PY'
import re, sys
sample = open(sys.argv[1], encoding='utf-8').read()[len(sys.argv[3]):][:2000]
known = {w.strip().lower() for w in open('/usr/share/dict/words', encoding='utf-8')}
known |= {w.lower() for w in re.findall(r"\w+", open(sys.argv[2], encoding='utf-8').read())}
words = [re.sub(r"^\W+|\W+$", '', w) for w in sample.split()]
words = [w for w in words if w]
real = sum(1 for w in words if w.lower() in known)
print(f'{100 * real / max(1, len(words)):.0f} % of {len(words)}')
PY
)
  printf '| %s | %s | %s | %s |\n' "$name" "$bits" "$epochs" "$words"
}
echo "| tokens | held-out bits/char | epochs in ${seconds} s | real words in 2,000 sampled characters |"
echo "|---|---:|---:|---|"
row char char
row "word $small" word-small --tokens word --vocab-size "$small"
row "word $large" word-large --tokens word --vocab-size "$large"
row "bpe $small" bpe-small --tokens bpe --vocab-size "$small"
row "bpe $large" bpe-large --tokens bpe --vocab-size "$large"
