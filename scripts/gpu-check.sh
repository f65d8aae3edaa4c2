#!/usr/bin/env bash
# The libtorch engine on an NVIDIA GPU: its tests on the GPU (against rnn4j's kernels on the CPU), then the LSTM's
# training speed at H 512 and 1024. Needs a CUDA 12.4 driver (nvidia-smi) and Maven Central for the CUDA natives.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
mvn -B -q -DskipTests install
mvn -B -Plibtorch,cuda -pl engine-libtorch test -Drnn4j.test.device=gpu
export RNN4J_BUILD_FLAGS=-Plibtorch,cuda
for h in 512 1024; do
  ./rnn4j bench --engine libtorch --device gpu --cell lstm --hidden "$h" --batch 32,256 --seconds 10
done
