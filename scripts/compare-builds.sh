#!/usr/bin/env bash
# The working tree's build against a git revision's (default HEAD), trained in one JVM an epoch of each in turn
# (org.rnn4j.bench.AlternatingBuilds): the ratio of neighbouring epochs, which holds on a VM whose speed drifts.
# Usage: scripts/compare-builds.sh [REV] [--cell C] [--hidden H] [--vocab V] [--threads N] [--seconds S]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev=HEAD
if [[ $# -gt 0 && "$1" != --* ]]; then rev="$1"; shift; fi
scratch="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$scratch/base" > /dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
git -C "$root" worktree add --detach -q "$scratch/base" "$rev"
echo "building $rev and the working tree ..." >&2
(cd "$scratch/base" && mvn -q -DskipTests package -pl cli -am) >&2
cp "$scratch/base/cli/target/rnn4j.jar" "$scratch/base.jar"
(cd "$root" && mvn -q -DskipTests package -pl bench,cli -am) >&2
java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp "$root/bench/target/benchmarks.jar" \
  org.rnn4j.bench.AlternatingBuilds "$@" "$scratch/base.jar" "$root/cli/target/rnn4j.jar" 2> >(grep -v 'incubator' >&2)
