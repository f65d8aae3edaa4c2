#!/usr/bin/env bash
# The recipe of the built-in base model `english` (TextModel.pretrained("english"), --init-from english): public-
# domain English that Debian ships, trained by rnn4j's defaults for one's own text, stored in 16 bits.
#   1. The New Testament of the King James Bible (1611; Debian's bible-kjv-text, read with its `bible` program, the
#      verse references cut), SQLite's documentation (sqlite3-doc: its HTML pages as text by scripts/html_text.py,
#      index pages left out and repeated paragraphs written once), Ambrose Bierce's The Devil's Dictionary (1911;
#      dict-devil) and the Jargon File 4.4.7 (2003; dict-jargon), each without its dictd header, and The Time
#      Machine (1895; rnn4j's own copy): five documents, about 6.6 MB. Each package's copyright file says its text
#      is in the public domain (the Bible and Bierce: copyright expired; SQLite and the Jargon File: dedicated to
#      it); the bible program itself is GPL, but only its output, the 1611 text, is used.
#   2. rnn4j train on them: a 2-layer GRU of 256 (the defaults' shape, so that fine-tuning runs at their speed), the
#      last 5 % held out (328,000 characters: The Time Machine and the Jargon File's last 149,000, so that its held-out
#      figure is that of prose it never trained on), EPOCHS epochs (default 8), without a memory of the text (a base
#      is the network alone: a memory would put its 6.6 MB of text in the file).
#   3. The best epoch's weights, without the optimiser's state, written in 16 bits (F16) as
#      core/src/main/resources/org/rnn4j/models/english.safetensors.
# Needs: apt-get install -y bible-kjv sqlite3-doc dict-devil dict-jargon. Usage: scripts/train-english.sh [EPOCHS] [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-8}"
work="${2:-$(mktemp -d)}"
mkdir -p "$work"
cd "$work"
bible -f "Mat1:1-Rev22:21" | sed -E 's/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ //' > nt.txt
python3 "$root/scripts/html_text.py" /usr/share/doc/sqlite3 > sqlite.txt
zcat /usr/share/dictd/devil.dict.dz | sed -n '/^ *PREFACE *$/,$p' | sed '$d' > devil.txt
zcat /usr/share/dictd/jargon.dict.dz | sed -n '/^(TM)$/,$p' | sed '$d' > jargon.txt
cp "$root/core/src/main/resources/org/rnn4j/text/timemachine.txt" timemachine.txt
wc -c nt.txt sqlite.txt devil.txt jargon.txt timemachine.txt
"$root/rnn4j" train --corpus nt.txt --corpus sqlite.txt --corpus devil.txt --corpus jargon.txt --corpus timemachine.txt \
  --val-fraction 0.05 --memory 0 --epochs "$epochs" --early-stop "$epochs" --save-every 1 --out english.safetensors --metrics english.csv \
  --length 100 | tee train.log
"$root/rnn4j" export --model english.best.safetensors -o "$root/core/src/main/resources/org/rnn4j/models/english.safetensors"
