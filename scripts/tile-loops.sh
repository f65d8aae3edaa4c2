#!/usr/bin/env bash
# The register tiles' inner loops as C2 compiles them in short `rnn4j bench` runs (training at V 1,028, H 256, whose
# products take every panel width, and one stream generating): instructions, FMAs, broadcasts and vector registers
# moved to or from the stack per loop, where a spilled accumulator shows. JAVA_HOME picks the JDK; the arguments go
# to the JVM (-XX:UseAVX=2 compiles for AVX2, 16 registers, on an AVX-512 host; -Drnn4j.vector.bits=128 a width).
# Needs: objdump (apt-get install -y binutils). Usage: scripts/tile-loops.sh [JVM option ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v objdump > /dev/null || { echo "$0: needs objdump: apt-get install -y binutils" >&2; exit 2; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$root/cli/target/rnn4j.jar" ] || (cd "$root" && mvn -q -DskipTests package -pl cli -am)
log="$(mktemp)"; trap 'rm -f "$log"' EXIT
for run in "--vocab 1028 --hidden 256" "--generate --streams 1"; do
  # shellcheck disable=SC2086
  "$java" "$@" --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet \
    -XX:CompileCommand=print,org/rnn4j/tensor/VectorPanels.* -XX:CompileCommand=print,org/rnn4j/tensor/VectorProducts.* \
    -cp "$root/cli/target/rnn4j.jar" org.rnn4j.cli.Main bench $run --threads 1 --seconds 3 --warmup 2 >> "$log" 2>&1
done
grep -m1 '^rnn ×' "$log" || true
python3 "$root/scripts/c2_loops.py" "$log" | sort | uniq -c
