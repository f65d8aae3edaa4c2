#!/usr/bin/env bash
# The recipe of the built-in base model `english` (TextModel.pretrained("english"), --init-from english): public-
# domain English that Debian ships, trained by rnn4j's defaults for one's own text, stored in 16 bits.
#   1. The King James Bible (1611; Debian's bible-kjv-text, read with its `bible` program, the verse references cut),
#      Ambrose Bierce's The Devil's Dictionary (1911; dict-devil), the Jargon File 4.4.7 (2003; dict-jargon), each
#      without its dictd header, and The Time Machine (1895; rnn4j's own copy): four documents, about 6 MB. Each
#      package's copyright file says its text is in the public domain (the first two: copyright expired; the Jargon
#      File: dedicated to it); the bible program itself is GPL, but only its output, the 1611 text, is used.
#   2. rnn4j train on them: a 2-layer GRU of 256 (the defaults' shape, so that fine-tuning runs at their speed), the
#      last 5 % held out (the end of The Time Machine), EPOCHS epochs (default 8).
#   3. The best epoch's weights, without the optimiser's state, written in 16 bits (F16) as
#      core/src/main/resources/org/rnn4j/models/english.safetensors.
# Needs: apt-get install -y bible-kjv dict-devil dict-jargon. Usage: scripts/train-english.sh [EPOCHS] [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-8}"
work="${2:-$(mktemp -d)}"
mkdir -p "$work"
bible -f "Gen1:1-Rev22:21" | sed -E 's/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ //' > "$work/kjv.txt"
zcat /usr/share/dictd/devil.dict.dz | sed -n '/^ *PREFACE *$/,$p' | sed '$d' > "$work/devil.txt"
zcat /usr/share/dictd/jargon.dict.dz | sed -n '/^(TM)$/,$p' | sed '$d' > "$work/jargon.txt"
cp "$root/core/src/main/resources/org/rnn4j/text/timemachine.txt" "$work/timemachine.txt"
wc -c "$work"/*.txt
"$root/rnn4j" train --corpus "$work/kjv.txt" --corpus "$work/devil.txt" --corpus "$work/jargon.txt" \
  --corpus "$work/timemachine.txt" \
  --epochs "$epochs" --early-stop "$epochs" --save-every 1 --out "$work/english.safetensors" --metrics "$work/english.csv" \
  --length 100 | tee "$work/train.log"
"$root/rnn4j" export --model "$work/english.best.safetensors" --half --weights-only \
  -o "$root/core/src/main/resources/org/rnn4j/models/english.safetensors"
