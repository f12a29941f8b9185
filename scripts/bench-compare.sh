#!/usr/bin/env bash
# Swift engine vs PyTorch + PEFT on this machine, in one invocation: full LoRA training steps of all-MiniLM-L6-v2
# at 32x32 and 32x128 (q,v, r=8) with both engines, plus the Swift engine at r=64 on q,k,v,o; then a Markdown table.
#
# One-time setup of the PyTorch side (from the repository root; .venv-bench/ is git-ignored):
#   python3 -m venv .venv-bench && .venv-bench/bin/pip install -r scripts/requirements-bench.txt
#
# Usage: scripts/bench-compare.sh [--steps N] [--warmup N] [--threads N] [--engines swift,pytorch] [--out FILE]
#   --steps N      timed steps per run (default 20)     --warmup N   untimed steps first (default 3)
#   --threads N    threads for both engines (default 2) --out FILE   also write the Markdown report to FILE
#   --engines L    which engines to run (default swift,pytorch)
#   --shapes L     batch x seq shapes (default 32x32,32x128)
#   --pytorch-r64  also run PyTorch at r=64 q,k,v,o (so that row gets a ratio too)
#   --task NAME    also time real batches of a task (wordnet-supersense or wordnet-pairs), q,v r=8, batch 32: the Swift
#                  engine packed (as training runs) and padded (its reference layout), and PyTorch + PEFT on the same
#                  examples in the same order (HF tokenizer, DataCollatorWithPadding, sdpa); a second table gives
#                  real tokens/s and the ratio. `--shapes none` skips the fixed-shape runs.
# Environment:
#   BENCH_PYTHON      python of the PyTorch venv (default .venv-bench/bin/python)
#   BENCH_SWIFT       command that takes `bench ...` arguments, word-split (default: `swift build -c release
#                     --product experiment` once, then `swift run -c release --skip-build experiment`)
#   BENCH_CHECKPOINT  checkpoint directory for the PyTorch side (default models/all-MiniLM-L6-v2)
#   BENCH_KEEP        directory to keep each run's raw stdout/stderr in (default: a temporary directory, removed)
# Progress goes to stderr; the Markdown report goes to stdout. Exit 0 when every run gave a result, 1 when some
# run failed (its row says so), 2 when the PyTorch venv is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS=20 WARMUP=3 WARMUP_SET=0 THREADS=2 ENGINES=swift,pytorch SHAPES=32x32,32x128 OUT="" PYTORCH_R64=0 TASK=""
while [ $# -gt 0 ]; do
    case "$1" in
        --steps) STEPS="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; WARMUP_SET=1; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --engines) ENGINES="$2"; shift 2 ;;
        --shapes) SHAPES="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --pytorch-r64) PYTORCH_R64=1; shift ;;
        --task) TASK="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-compare: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
for v in "$STEPS" "$WARMUP" "$THREADS"; do
    [[ "$v" =~ ^[0-9]+$ ]] || { echo "bench-compare: --steps/--warmup/--threads take integers" >&2; exit 64; }
done
want() { [[ ",$ENGINES," == *",$1,"* ]]; }
if [ "$SHAPES" = none ]; then SHAPES=""; fi
IFS=, read -r -a SHAPE_LIST <<< "$SHAPES"
case "$TASK" in ""|wordnet-supersense|wordnet-pairs) ;; *) echo "bench-compare: --task takes wordnet-supersense or wordnet-pairs" >&2; exit 64 ;; esac
for shape in "${SHAPE_LIST[@]}"; do
    [[ "$shape" =~ ^[0-9]+x[0-9]+$ ]] || { echo "bench-compare: --shapes takes BxT[,BxT...], got $SHAPES" >&2; exit 64; }
done

BENCH_PYTHON="${BENCH_PYTHON:-.venv-bench/bin/python}"
CHECKPOINT="${BENCH_CHECKPOINT:-models/all-MiniLM-L6-v2}"
if ! command -v python3 >/dev/null; then echo "bench-compare: python3 is needed to parse results" >&2; exit 2; fi

if want pytorch; then
    if [ ! -x "$BENCH_PYTHON" ] || ! "$BENCH_PYTHON" -c 'import torch, transformers, peft, safetensors' 2>/dev/null; then
        cat >&2 <<EOF
bench-compare: no usable PyTorch venv at $BENCH_PYTHON (it needs torch, transformers, peft, safetensors).
Create it from the repository root with:
    python3 -m venv .venv-bench && .venv-bench/bin/pip install -r scripts/requirements-bench.txt
or point BENCH_PYTHON at another python that has them.
EOF
        exit 2
    fi
fi

if [ -n "${BENCH_KEEP:-}" ]; then
    RAW="$BENCH_KEEP"; mkdir -p "$RAW"
else
    RAW="$(mktemp -d)"; trap 'rm -rf "$RAW"' EXIT
fi

export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"

if want swift; then
    if [ -n "${BENCH_SWIFT:-}" ]; then
        read -r -a SWIFT_CMD <<< "$BENCH_SWIFT"
    else
        echo "bench-compare: building the Swift engine (swift build -c release --product experiment)" >&2
        if ! swift build -c release --product experiment >&2; then
            echo "bench-compare: swift build failed (see above); set BENCH_SWIFT or use --engines pytorch" >&2
            exit 1
        fi
        SWIFT_CMD=(swift run -c release --skip-build experiment)
    fi
fi

# cpu_jiffies: "non-idle total" CPU time of the whole machine so far, in clock ticks (from /proc/stat).
cpu_jiffies() {
    local f
    f=($(sed -n 's/^cpu  //p' /proc/stat 2>/dev/null)) || true
    if [ "${#f[@]}" -lt 5 ]; then echo "0 0"; return; fi
    local total=0 i
    for i in "${!f[@]}"; do total=$((total + f[i])); done
    echo "$((total - f[3] - f[4])) $total"
}
HZ="$(getconf CLK_TCK 2>/dev/null || echo 100)"

# run NAME ENGINE COMMAND...: stdout -> $RAW/NAME.out, stderr -> $RAW/NAME.err, exit code -> $RAW/NAME.rc,
# and a line "NAME ENGINE" in $RAW/runs (the order of the table).
run() {
    local name="$1" engine="$2"; shift 2
    echo "bench-compare: [$name] $*" >&2
    local rc=0 before after
    before=($(cpu_jiffies))
    # bash's time keyword gives the run's own CPU seconds (user+system, children included).
    { TIMEFORMAT='%U %S'; time "$@" >"$RAW/$name.out" 2>"$RAW/$name.err" || rc=$?; } 2>"$RAW/$name.time"
    after=($(cpu_jiffies))
    echo "$rc" >"$RAW/$name.rc"
    # Share of the machine's CPU time during the run used by other processes (not this run): competing work.
    python3 - "${before[@]}" "${after[@]}" "$HZ" "$(tail -n 1 "$RAW/$name.time")" >"$RAW/$name.others" <<'PY' || true
import sys
b_busy, b_total, a_busy, a_total, hz = map(float, sys.argv[1:6])
try:
    own = sum(float(x) for x in sys.argv[6].split()) * hz
except ValueError:
    own = None
total = a_total - b_total
print("" if own is None or total <= 0 else f"{max(0.0, 100 * (a_busy - b_busy - own) / total):.0f}")
PY
    echo "$name $engine" >>"$RAW/runs"
    if [ "$rc" -ne 0 ]; then
        echo "bench-compare: [$name] exited $rc; last lines of its stderr:" >&2
        tail -n 5 "$RAW/$name.err" | sed 's/^/    /' >&2
    fi
}
# The Swift command gets --warmup only when it was given here (its default is also 3).
common() { echo --batch "$1" --seq "$2" --targets "$3" --rank "$4" --steps "$STEPS" --threads "$THREADS" --json; }
swift_args() { common "$@"; if [ "$WARMUP_SET" = 1 ]; then echo --warmup "$WARMUP"; fi; }
pytorch_args() { common "$@"; echo --warmup "$WARMUP"; }

: >"$RAW/runs"
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
# Both engines per shape back to back, so slow drift of the machine's load hits them alike.
for shape in "${SHAPE_LIST[@]+"${SHAPE_LIST[@]}"}"; do
    b="${shape%x*}" t="${shape#*x}"
    # shellcheck disable=SC2046
    want swift && run "swift-$shape-qv-r8" swift "${SWIFT_CMD[@]}" bench $(swift_args "$b" "$t" q,v 8)
    # shellcheck disable=SC2046
    want pytorch && run "pytorch-$shape-qv-r8" pytorch "$BENCH_PYTHON" scripts/bench-pytorch.py \
        --checkpoint "$CHECKPOINT" $(pytorch_args "$b" "$t" q,v 8)
done
for shape in "${SHAPE_LIST[@]+"${SHAPE_LIST[@]}"}"; do
    b="${shape%x*}" t="${shape#*x}"
    # shellcheck disable=SC2046
    want swift && run "swift-$shape-qkvo-r64" swift "${SWIFT_CMD[@]}" bench $(swift_args "$b" "$t" q,k,v,o 64)
    # shellcheck disable=SC2046
    [ "$PYTORCH_R64" = 1 ] && want pytorch && run "pytorch-$shape-qkvo-r64" pytorch "$BENCH_PYTHON" \
        scripts/bench-pytorch.py --checkpoint "$CHECKPOINT" $(pytorch_args "$b" "$t" q,k,v,o 64)
done

# Real batches of a task: the Swift run writes the batches it times; PyTorch then runs exactly those.
: >"$RAW/task-runs"
if [ -n "$TASK" ]; then
    task_args=(--task "$TASK" --batch 32 --targets q,v --rank 8 --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --json)
    if want swift; then
        run "task-swift-packed" swift "${SWIFT_CMD[@]}" bench "${task_args[@]}" --dump-batches "$RAW/batches.jsonl"
        echo "task-swift-packed swift" >>"$RAW/task-runs"
    fi
    if want pytorch && [ -s "$RAW/batches.jsonl" ]; then
        max_len=48; [ "$TASK" = wordnet-pairs ] && max_len=64
        run "task-pytorch" pytorch "$BENCH_PYTHON" scripts/bench-pytorch.py --checkpoint "$CHECKPOINT" \
            --batches "$RAW/batches.jsonl" --max-length "$max_len" --targets q,v --rank 8 --warmup "$WARMUP" \
            --threads "$THREADS" --json
        echo "task-pytorch pytorch" >>"$RAW/task-runs"
    fi
    if want swift; then
        run "task-swift-padded" swift "${SWIFT_CMD[@]}" bench "${task_args[@]}" --layout padded
        echo "task-swift-padded swift" >>"$RAW/task-runs"
    fi
fi

CPU_MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
CPU_COUNT="$(nproc 2>/dev/null || echo '?')"
SWIFT_VERSION=""
if want swift && [ -z "${BENCH_SWIFT:-}" ]; then SWIFT_VERSION="$(swift --version 2>/dev/null | head -n 1 || true)"; fi
LOAD="before $LOAD_START, after $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

REPORT="$RAW/report.md"
STATUS=0
python3 - "$RAW" "$STARTED" "${CPU_MODEL:-unknown} ($CPU_COUNT CPUs)" "$SWIFT_VERSION" "$THREADS" "$STEPS" "$WARMUP" \
    "$LOAD" >"$REPORT" <<'PY' || STATUS=$?
import json, os, sys

raw, started, cpu, swift_version, threads, steps, warmup, load = sys.argv[1:9]

def extract(text):
    """The last JSON object in `text` that has tokens_per_s (build logs or progress lines may surround it,
    and it may be pretty-printed over several lines)."""
    dec = json.JSONDecoder()
    found = None
    i = text.find("{")
    while i != -1:
        try:
            obj, end = dec.raw_decode(text, i)
        except ValueError:
            i = text.find("{", i + 1)
            continue
        if isinstance(obj, dict) and "tokens_per_s" in obj:
            found = obj
        i = text.find("{", end)
    return found

def num(obj, key):
    try:
        v = float(obj.get(key))
        return v if v == v else None      # NaN -> None
    except (TypeError, ValueError):
        return None

def fmt(v, digits):
    return "—" if v is None else f"{v:,.{digits}f}"

def spread(o):
    lo, mid = num(o, "sec_per_step_min"), num(o, "sec_per_step_median")
    return "—" if lo is None and mid is None else f"{fmt(lo, 4)}, {fmt(mid, 4)}"

rows, failed = [], False
for line in open(os.path.join(raw, "runs")):
    name, engine = line.split()
    if name.startswith("task-"):
        continue
    rc = int(open(os.path.join(raw, name + ".rc")).read().strip() or 1)
    out = open(os.path.join(raw, name + ".out"), errors="replace").read()
    obj = extract(out)
    _, shape, tg, rank = name.split("-")
    targets = {"qv": "q,v", "qkvo": "q,k,v,o"}.get(tg, tg)
    try:
        busy = float(open(os.path.join(raw, name + ".others")).read().strip())
    except (OSError, ValueError):
        busy = None
    rows.append(dict(name=name, engine=engine, shape=shape, targets=targets, rank=rank[1:], rc=rc, obj=obj, busy=busy))
    if obj is None or rc != 0:
        failed = True

by_key = {(r["engine"], r["shape"], r["targets"], r["rank"]): r for r in rows}
out = []
out.append("## Swift engine vs PyTorch + PEFT: LoRA training step, all-MiniLM-L6-v2")
out.append("")
out.append(f"- date: {started}")
out.append(f"- CPU: {cpu}; threads per engine: {threads}; load average (1, 5, 15 min) {load}")
out.append(f"- steps: {steps} timed after {warmup} warm-up; random tokens, all-ones mask, 26-class head, AdamW")
pt = next((r["obj"] for r in rows if r["engine"] == "pytorch" and r["obj"]), None)
if pt:
    v = pt.get("versions", {})
    out.append(f"- PyTorch side: torch {v.get('torch', '?')}, transformers {v.get('transformers', '?')}, "
               f"peft {v.get('peft', '?')}, python {v.get('python', '?')}"
               + (f", attention {pt['attn_implementation']}" if pt.get("attn_implementation") else ""))
sw = next((r["obj"] for r in rows if r["engine"] == "swift" and r["obj"]), None)
if sw or swift_version:
    parts = [swift_version] if swift_version else []
    if sw and sw.get("blas"):
        parts.append(f"BLAS {sw['blas']}")
    if sw and num(sw, "sgemm_gflops") is not None:
        parts.append(f"square sgemm {num(sw, 'sgemm_gflops'):.1f} GFLOPS")
    out.append("- Swift side: " + "; ".join(parts))
busy_runs = [r for r in rows if r["busy"] is not None and r["busy"] >= 25]
if busy_runs:
    out.append(f"- **warning: other processes used ≥ 25% of the machine's CPU time during {len(busy_runs)} of "
               f"{len(rows)} runs (last column); competing work slows both engines erratically, so those rows understate what "
               "this machine does when idle — rerun when it is quiet**")
out.append("- GFLOPS = the same engine-independent matrix-product FLOP count per step (step_flops / "
           "Benchmark.stepFLOPs) ÷ s/step, for both engines")
out.append("")
out.append("| shape | engine | targets, r | tokens/s | s/step | s/step min, median | step GFLOP | GFLOPS | share of sgemm "
           "| peak RSS MiB | Swift/PyTorch tokens/s | others' CPU share during run |")
out.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for r in rows:
    o = r["obj"]
    label = {"swift": "Swift", "pytorch": "PyTorch+PEFT"}.get(r["engine"], r["engine"])
    head = f"| {r['shape']} | {label} | {r['targets']}, {r['rank']} |"
    tail = " " + ("?" if r["busy"] is None else f"{r['busy']:.0f}%") + " |"
    if o is None or r["rc"] != 0:
        why = f"exit {r['rc']}" if r["rc"] != 0 else "no JSON result"
        out.append(head + f" failed ({why}) | | | | | | | |" + tail)
        continue
    share = num(o, "sgemm_share") if r["engine"] == "swift" else None
    ratio = "—"
    if r["engine"] == "swift":
        p = by_key.get(("pytorch", r["shape"], r["targets"], r["rank"]))
        pv = num(p["obj"], "tokens_per_s") if p and p["obj"] and p["rc"] == 0 else None
        sv = num(o, "tokens_per_s")
        if pv and sv is not None:
            ratio = f"{sv / pv:.2f}"
    out.append(head + " " + " | ".join([
        fmt(num(o, "tokens_per_s"), 0), fmt(num(o, "sec_per_step"), 4), spread(o), fmt(num(o, "step_gflop"), 2),
        fmt(num(o, "gflops"), 1), "—" if share is None else f"{100 * share:.0f}%", fmt(num(o, "peak_rss_mib"), 0),
        ratio]) + " |" + tail)
task_rows = []
for line in open(os.path.join(raw, "task-runs")):
    name, engine = line.split()
    rc = int(open(os.path.join(raw, name + ".rc")).read().strip() or 1)
    obj = extract(open(os.path.join(raw, name + ".out"), errors="replace").read())
    try:
        busy = float(open(os.path.join(raw, name + ".others")).read().strip())
    except (OSError, ValueError):
        busy = None
    task_rows.append(dict(name=name, engine=engine, rc=rc, obj=obj, busy=busy))
    if obj is None or rc != 0:
        failed = True
if task_rows:
    if not rows:   # task only: drop the fixed-shape table's header and its description of random tokens
        out = [l for l in out[:-4] if not l.startswith("- steps:")]
        out.append(f"- steps: {steps} timed after {warmup} warm-up")
    task = next((r["obj"].get("task") for r in task_rows if r["obj"] and r["obj"].get("task")), "?")
    out.append("")
    out.append(f"## Real batches of {task}: q,v, r = 8, batch 32, the same examples in the same order for every row")
    out.append("")
    out.append("- tokens/s counts real (non-padding) tokens; real GFLOPS = the step's matrix-product FLOPs counted on real "
               "tokens only (linear maps over Σ lengths rows, attention over Σ lengths²) ÷ s/step, the same count for "
               "every row; the real-token bound is that rate as a share of the square-sgemm rate the Swift run measured")
    so = next((r["obj"] for r in task_rows if r["engine"] == "swift" and r["obj"]), None)
    if so:
        out.append(f"- Swift side: square sgemm {num(so, 'sgemm_gflops'):.1f} GFLOPS measured in its run; BLAS {so.get('blas', '?')}")
    out.append("- PyTorch + PEFT: Hugging Face tokenizer once per text, DataCollatorWithPadding per batch (dynamic padding "
               "to the batch's longest sequence) inside the timed step, sdpa attention")
    out.append("")
    out.append("| engine, layout | real tokens/s | s/step | s/step min, median | real tokens per batch | rows per batch "
               "| real GFLOPS | share of sgemm | peak RSS MiB | Swift/PyTorch | others' CPU share during run |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    pt = next((r for r in task_rows if r["engine"] == "pytorch" and r["obj"] and r["rc"] == 0), None)
    ptv = num(pt["obj"], "real_tokens_per_s") if pt else None
    sgemm = next((num(r["obj"], "sgemm_gflops") for r in task_rows if r["engine"] == "swift" and r["obj"]), None)
    for r in task_rows:
        o = r["obj"]
        label = {"task-swift-packed": "Swift, packed (training)", "task-swift-padded": "Swift, padded (reference)",
                 "task-pytorch": "PyTorch + PEFT, dynamic padding"}.get(r["name"], r["name"])
        tail = " " + ("?" if r["busy"] is None else f"{r['busy']:.0f}%") + " |"
        if o is None or r["rc"] != 0:
            out.append(f"| {label} | failed (exit {r['rc']}) | | | | | | | | |" + tail)
            continue
        rows_per = num(o, "padded_tokens_per_batch") if (r["engine"] == "pytorch" or o.get("layout") == "padded") \
            else num(o, "real_tokens_per_batch")
        g = num(o, "real_gflops")
        share = "—" if g is None or not sgemm else f"{100 * g / sgemm:.0f}%"
        v = num(o, "real_tokens_per_s")
        ratio = f"{v / ptv:.2f}" if r["engine"] == "swift" and v is not None and ptv else "—"
        out.append(f"| {label} | " + " | ".join([fmt(v, 0), fmt(num(o, "sec_per_step"), 4), spread(o),
                   fmt(num(o, "real_tokens_per_batch"), 1), fmt(rows_per, 1), fmt(g, 1), share,
                   fmt(num(o, "peak_rss_mib"), 0), ratio]) + " |" + tail)
print("\n".join(out))
sys.exit(1 if failed else 0)
PY
cat "$REPORT"
if [ -n "$OUT" ]; then cp "$REPORT" "$OUT"; echo "bench-compare: report written to $OUT" >&2; fi
[ -n "${BENCH_KEEP:-}" ] && echo "bench-compare: raw outputs in $RAW" >&2
exit "$STATUS"
