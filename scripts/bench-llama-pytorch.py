#!/usr/bin/env python3
"""PyTorch + PEFT counterpart of the Swift Llama training step: times LoRA forward + causal-LM loss + backward of
SmolLM2-135M-Instruct on CPU, the step the Swift engine runs (`LlamaModel.causalLMLoss(..., backward: true)`).

Setup (once, from the repository root; .venv-bench/ is git-ignored):

    python3 -m venv .venv-bench && .venv-bench/bin/pip install -r scripts/requirements-bench.txt

Run:

    .venv-bench/bin/python scripts/bench-llama-pytorch.py --batch 8 --seq 64 --targets q_proj,v_proj --rank 8 --threads 1 [--json]

The step, identical to the Swift side's (Tests/ModelTests/LlamaStepTimingTests.swift, LLAMA_STEP_TIMING=1):
- the model: `AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)` on the same GGUF file,
  so transformers dequantises the same Q4_1 weights to float32 (the frozen W, the QLoRA setting) as the Swift reader;
- PEFT LoRA (r, alpha = 2r, dropout 0, B = 0 at init as PEFT's default) on the chosen projections of all 30 layers;
- inputs: --batch sequences of --seq random token ids in [1000, vocab), seeded, no padding (the Swift batch is packed,
  so every token is real on both sides); labels = input ids, so the loss is the mean next-token cross-entropy over
  batch × (seq − 1) predicted tokens — the Swift target mask of all ones;
- timed: forward + loss + backward, then zero_grad(set_to_none=True); with --optimizer also torch.optim.AdamW.step()
  (the Swift measurement has no optimizer step, so leave it off to compare). Only the steps after --warmup are timed
  (time.perf_counter). torch.set_num_threads(--threads); run the Swift side with OPENBLAS_NUM_THREADS set to the same
  count (the engine takes its core count from it).

Attention runs as transformers' `sdpa` by default (PyTorch's fused scaled-dot-product attention, its fastest CPU path
for training; --attn eager for the unfused path the parity fixtures use): both compute the same causal softmax.

With --json exactly one JSON object goes to stdout; everything else (library warnings, progress) goes to stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GGUF = REPO_ROOT / "models" / "SmolLM2-135M-Instruct" / "SmolLM2-135M-Instruct.Q4_1.gguf"
MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def parse_targets(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in names if s not in MODULES]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"targets must be a comma list of {', '.join(MODULES)}; got {text!r}")
    return [m for m in MODULES if m in names]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", default=str(DEFAULT_GGUF), help="the SmolLM2 GGUF file (default: the one scripts/setup.sh installs)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--targets", type=parse_targets, default=parse_targets("q_proj,v_proj"),
                    help=f"comma list of {','.join(MODULES)} (default q_proj,v_proj)")
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--steps", type=int, default=10, help="timed steps (default 10)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps before the timed ones (default 2)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch.set_num_threads (default os.cpu_count())")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"], help="attention implementation (default sdpa)")
    ap.add_argument("--optimizer", action="store_true", help="also time torch.optim.AdamW.step() (off: forward + backward only)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = ap.parse_args(argv)
    for name in ("batch", "seq", "rank", "steps", "threads"):
        if getattr(args, name) < 1:
            ap.error(f"--{name} must be >= 1")
    if args.seq < 2:
        ap.error("--seq must be >= 2 (a token and its successor)")
    if args.warmup < 0:
        ap.error("--warmup must be >= 0")
    gguf_path = Path(args.gguf).resolve()
    if not gguf_path.is_file():
        print(f"bench-llama-pytorch: {gguf_path} not found (run scripts/setup.sh or pass --gguf FILE)", file=sys.stderr)
        return 2

    import torch
    import transformers
    import peft
    from transformers import AutoModelForCausalLM
    from peft import LoraConfig, get_peft_model

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    log = sys.stderr

    # Library messages go to stderr so that --json leaves exactly one object on stdout.
    with contextlib.redirect_stdout(log):
        model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32,
                                                     attn_implementation=args.attn)
        model.config.use_cache = False
        cfg = model.config
        lora = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.0, target_modules=args.targets, bias="none",
                          task_type="CAUSAL_LM")
        model = get_peft_model(model, lora)
    model.train()   # SmolLM2 has no dropout (attention_dropout 0), so train mode computes what eval mode would

    adapted = [name for name, mod in model.named_modules() if hasattr(mod, "lora_A") and hasattr(mod, "base_layer")]
    expected = cfg.num_hidden_layers * len(args.targets)
    if len(adapted) != expected:
        print(f"bench-llama-pytorch: PEFT adapted {len(adapted)} modules, expected {expected}", file=log)
        return 1
    params = [p for p in model.parameters() if p.requires_grad]
    lora_params = sum(p.numel() for p in params)
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0) if args.optimizer else None

    gen = torch.Generator().manual_seed(args.seed)
    vocab = cfg.vocab_size
    total = args.warmup + args.steps
    batches = [torch.randint(1000, vocab, (args.batch, args.seq), generator=gen) for _ in range(total)]

    def step(ids):
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        if optimizer is not None:
            optimizer.step()
        model.zero_grad(set_to_none=True)
        return loss

    times, losses = [], []
    for i, ids in enumerate(batches):
        start = time.perf_counter()
        loss = step(ids)
        seconds = time.perf_counter() - start
        losses.append(float(loss.detach()))
        if i >= args.warmup:
            times.append(seconds)
        if not args.json:
            tag = "warm-up" if i < args.warmup else "timed"
            print(f"  step {i + 1}/{total} ({tag}): {seconds:.3f} s  loss {losses[-1]:.4f}", file=log, flush=True)

    tokens = args.batch * args.seq
    median = statistics.median(times)
    result = {
        "engine": "pytorch+peft",
        "model": gguf_path.name,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                     "python": platform.python_version()},
        "threads": torch.get_num_threads(),
        "attn_implementation": getattr(cfg, "_attn_implementation", args.attn),
        "batch": args.batch,
        "seq": args.seq,
        "targets": ",".join(args.targets),
        "rank": args.rank,
        "optimizer_step": bool(args.optimizer),
        "steps": args.steps,
        "warmup": args.warmup,
        "tokens_per_s": tokens / median,
        "sec_per_step_median": median,
        "sec_per_step_mean": sum(times) / len(times),
        "sec_per_step_min": min(times),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,   # Linux: KiB
        "trainable_lora_params": lora_params,
        "first_loss": losses[0],
        "last_loss": losses[-1],
    }
    if args.json:
        print(json.dumps(result))
    else:
        v = result["versions"]
        print(f"pytorch+peft  torch {v['torch']}, transformers {v['transformers']}, peft {v['peft']}, python {v['python']}; "
              f"attention {result['attn_implementation']}")
        print(f"{gguf_path.name}: {args.batch}x{args.seq} tokens, LoRA r={args.rank} on {result['targets']} "
              f"({lora_params} parameters), threads {result['threads']}, {args.steps} timed steps after {args.warmup} warm-up"
              f"{', with AdamW' if args.optimizer else ''}")
        print(f"  {result['tokens_per_s']:.0f} tokens/s at the median step {median:.4f} s "
              f"(mean {result['sec_per_step_mean']:.4f}, min {result['sec_per_step_min']:.4f}); peak RSS "
              f"{result['peak_rss_mib']:.0f} MiB; loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
