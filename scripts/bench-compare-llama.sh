#!/usr/bin/env bash
# The Llama LoRA training step, Swift beside PyTorch + PEFT, in one run (issue 15): both time forward + causal-LM loss +
# backward (no optimizer step) of SmolLM2-135M-Instruct from the same GGUF file, LoRA on the same projections of all
# layers, the same batch shape of random tokens, the same thread count. The two engines alternate for --rounds rounds
# so that load from other work hits both alike; the ratio is of the medians over rounds of each round's median step.
#
#   scripts/bench-compare-llama.sh [--checkpoint models/SmolLM2-135M-Instruct] [--batch 8] [--seq 64] [--rank 8]
#                                  [--threads 1] [--rounds 3] [--steps 10]
#
# Needs the release build (swift build -c release) and the bench venv (.venv-bench, scripts/requirements-bench.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
checkpoint=models/SmolLM2-135M-Instruct batch=8 seq=64 rank=8 threads=1 rounds=3 steps=10
while [ $# -gt 0 ]; do
  case "$1" in
    --checkpoint) checkpoint=$2 ;; --batch) batch=$2 ;; --seq) seq=$2 ;; --rank) rank=$2 ;;
    --threads) threads=$2 ;; --rounds) rounds=$2 ;; --steps) steps=$2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench-compare-llama: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done
[ -x .build/release/experiment ] || { echo "bench-compare-llama: build first: swift build -c release" >&2; exit 1; }
[ -x .venv-bench/bin/python ] || { echo "bench-compare-llama: no .venv-bench: python3 -m venv .venv-bench && .venv-bench/bin/pip install -r scripts/requirements-bench.txt" >&2; exit 1; }
gguf=$checkpoint
[ -d "$gguf" ] && gguf=$(ls "$gguf"/*.gguf)
swift=() torch=()
for round in $(seq 1 "$rounds"); do
  s=$(OPENBLAS_NUM_THREADS=$threads .build/release/experiment bench --checkpoint "$checkpoint" --batch "$batch" --seq "$seq" \
        --targets q,v --rank "$rank" --steps "$steps" --warmup 2 --threads "$threads" --json 2>/dev/null)
  t=$(.venv-bench/bin/python scripts/bench-llama-pytorch.py --gguf "$gguf" --batch "$batch" --seq "$seq" \
        --targets q_proj,v_proj --rank "$rank" --threads "$threads" --steps "$steps" --warmup 2 --json 2>/dev/null | tail -1)
  swift+=("$(python3 -c 'import json,sys; print(json.load(sys.stdin)["sec_per_step_median"])' <<<"$s")")
  torch+=("$(python3 -c 'import json,sys; print(json.load(sys.stdin)["sec_per_step_median"])' <<<"$t")")
  echo "round $round: swift ${swift[-1]} s/step, pytorch+peft ${torch[-1]} s/step (median step)" >&2
done
python3 - "$batch" "$seq" "$threads" "${swift[*]}" "${torch[*]}" <<'PY'
import statistics, sys
b, t, threads = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = [float(x) for x in sys.argv[4].split()]; p = [float(x) for x in sys.argv[5].split()]
ms, mp = statistics.median(s), statistics.median(p)
print(f"Llama step, {b} x {t} tokens, q,v LoRA, {threads} thread(s), {len(s)} rounds")
print(f"  swift          {ms:.3f} s/step  {b*t/ms:.0f} tokens/s  (rounds: {', '.join(f'{x:.3f}' for x in s)})")
print(f"  pytorch+peft   {mp:.3f} s/step  {b*t/mp:.0f} tokens/s  (rounds: {', '.join(f'{x:.3f}' for x in p)})")
print(f"  ratio          {mp/ms:.2f}x (PyTorch's median step time over Swift's)")
PY
