#!/usr/bin/env python3
"""PyTorch + PEFT counterpart of `swift run -c release experiment bench`: times full LoRA training steps of
all-MiniLM-L6-v2 on CPU with the same step as the Swift engine.

Setup (once, from the repository root; .venv-bench/ is git-ignored):

    python3 -m venv .venv-bench && .venv-bench/bin/pip install -r scripts/requirements-bench.txt

Run:

    .venv-bench/bin/python scripts/bench-pytorch.py --batch 32 --seq 32 --targets q,v --rank 8 --threads 2 [--json]

The step: BertModel from --checkpoint (float32, dropout probabilities 0), PEFT LoRA (r, alpha 8, dropout 0, Gaussian
init) on the chosen matrices of every layer, mean pooling over non-padding tokens, a trained linear head (26 classes),
cross-entropy, torch.optim.AdamW (weight decay 0) over LoRA + head. Inputs are random token ids in [1000, vocab) of
fixed shape batch x seq with an all-ones attention mask and random labels, seeded. Only the steps after --warmup are
timed (forward + loss + backward + optimizer.step + zero_grad, time.perf_counter).

`gflops` divides the engine-independent matrix-product FLOP count of one step (step_flops, the same count as
Benchmark.stepFLOPs on the Swift side) by the measured seconds per step. PyTorch's own work differs from that count
(it is the same for both engines so the rates compare like for like).

With --batches FILE (written by `experiment bench --task NAME --dump-batches FILE`) the steps run on a task's real
batches instead, the same examples in the same order as the Swift engine's steps: each text is tokenized once with the
checkpoint's Hugging Face tokenizer (truncation at --max-length, default 48), and each batch is padded dynamically by
transformers' DataCollatorWithPadding (its default: to the longest sequence of the batch), inside the timed region as a
DataLoader's collate_fn would be. `tokens_per_s` then counts real (non-padding) tokens, and `real_gflops` divides the
matrix-product FLOPs counted on real tokens only (as the Swift side counts them) by the measured time.

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
DEFAULT_CHECKPOINT = REPO_ROOT / "models" / "all-MiniLM-L6-v2"

# Short target names (as in the Swift LoRATarget raw values) -> module path inside encoder.layer.<i>.
TARGET_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "o": "attention.output.dense",
    "ffn_up": "intermediate.dense",
    "ffn_down": "output.dense",
}
TARGET_ORDER = list(TARGET_MODULES)


def target_dims(target: str, d: int, d_ff: int) -> tuple[int, int]:
    """(in_features, out_features) of an adaptable matrix."""
    if target in ("q", "k", "v", "o"):
        return d, d
    if target == "ffn_up":
        return d, d_ff
    if target == "ffn_down":
        return d_ff, d
    raise ValueError(f"unknown target {target!r}")


def step_flops(layers: int, d: int, d_ff: int, heads: int, batch: int, seq: int, targets, rank: int, classes: int,
               adapted_layers=None) -> int:
    """Exact matrix-product FLOPs of one LoRA training step on batch x seq tokens: real_step_flops with every length seq.
    `heads` does not change the count (scores and context cost the same for any split of d); it is in the signature
    to mirror the model shape. Mirrors Benchmark.stepFLOPs in Sources/Experiments/Benchmark.swift."""
    del heads
    return real_step_flops(layers, d, d_ff, [seq] * batch, targets, rank, classes, adapted_layers)


def real_step_flops(layers: int, d: int, d_ff: int, lengths, targets, rank: int, classes: int, adapted_layers=None) -> int:
    """Exact matrix-product FLOPs (2*m*n*k per product) of one LoRA training step, the engine-independent work, counted
    on the sequences' own tokens: N = sum(lengths) rows, S2 = sum(length^2) for attention.

    Forward: per layer q, k, v, o (4 * 2*N*d*d), attention scores and context (2 * 2*S2*d), feed-forward
    (2 * 2*N*d*d_ff), each adapted matrix's LoRA (2*N*r*in + 2*N*r*out); head (2*B*d*classes).
    Backward: in every layer from the lowest adapted one up: input gradients of the frozen linears (all four attention
    projections and both feed-forward matrices above the lowest adapted layer; in the lowest adapted layer only o and
    the feed-forward ones, not q/k/v) and the attention backward (4 * 2*S2*d); per adapted matrix dB (2*N*out*r),
    dt = dy*B (2*N*out*r), dA (2*N*r*in) and dx (2*N*r*in, only where the layer's input gradient is needed, i.e. not
    for q/k/v in the lowest adapted layer); head dW and dpooled (2 * 2*B*classes*d).
    Mirrors Benchmark.stepFLOPs(config:lengths:...) in Sources/Experiments/Benchmark.swift.
    """
    b, n, s2, d_, f = len(lengths), sum(lengths), sum(x * x for x in lengths), d, d_ff
    adapted = list(range(layers)) if adapted_layers is None else list(adapted_layers)
    targets = list(targets)
    flop = 0
    # Forward.
    flop += layers * (4 * 2 * n * d_ * d_ + 2 * 2 * s2 * d_ + 2 * 2 * n * d_ * f)
    for tg in targets:
        i, o = target_dims(tg, d_, f)
        flop += len(adapted) * 2 * n * rank * (i + o)
    flop += 2 * b * d_ * classes
    # Backward.
    if not adapted or not targets:
        return flop
    lowest = min(adapted)
    for layer in range(lowest, layers):
        above = layer > lowest
        flop += (4 if above else 1) * 2 * n * d_ * d_ + 2 * 2 * n * d_ * f   # input gradients of frozen linears
        flop += 4 * 2 * s2 * d_                                              # attention backward
        if layer not in adapted:
            continue
        for tg in targets:
            i, o = target_dims(tg, d_, f)
            needs_dx = above or tg not in ("q", "k", "v")
            flop += 2 * 2 * n * o * rank + 2 * n * rank * i + (2 * n * rank * i if needs_dx else 0)
    flop += 2 * 2 * b * classes * d_
    return flop


def parse_targets(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in names if s not in TARGET_MODULES]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"targets must be a comma list of {', '.join(TARGET_ORDER)}; got {text!r}")
    # Canonical order and no duplicates, as the Swift side prints them.
    return [s for s in TARGET_ORDER if s in names]


def peft_target_regex(targets: list[str]) -> str:
    """A regex for LoraConfig.target_modules (PEFT full-matches a string against module names).

    Plain suffix names would be ambiguous: PEFT matches list entries as name suffixes, so "dense" (and even
    "output.dense") would also hit attention.output.dense / intermediate.dense. Anchoring at encoder.layer.<i>. avoids it.
    """
    alternatives = "|".join(TARGET_MODULES[t].replace(".", r"\.") for t in targets)
    return rf"(?:.*\.)?encoder\.layer\.\d+\.(?:{alternatives})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT),
                    help="Hugging Face model directory (default: models/all-MiniLM-L6-v2 in the repository)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=32)
    ap.add_argument("--targets", type=parse_targets, default=parse_targets("q,v"),
                    help="comma list of q,k,v,o,ffn_up,ffn_down (default q,v)")
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--steps", type=int, default=20, help="timed steps (default 20)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps before the timed ones (default 3)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="torch.set_num_threads (default os.cpu_count())")
    ap.add_argument("--classes", type=int, default=26)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--attn", default=None, choices=["sdpa", "eager"],
                    help="attention implementation (default: transformers' default for BERT, sdpa)")
    ap.add_argument("--batches", default=None,
                    help="JSON Lines of real batches from `experiment bench --task NAME --dump-batches FILE`: time these "
                         "(warm-up batches first) instead of random tokens; --batch/--seq/--steps then come from the file")
    ap.add_argument("--max-length", type=int, default=48, help="with --batches: tokenizer truncation length (default 48)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = ap.parse_args(argv)
    for name in ("batch", "seq", "rank", "steps", "threads", "classes"):
        if getattr(args, name) < 1:
            ap.error(f"--{name} must be >= 1")
    if args.warmup < 0:
        ap.error("--warmup must be >= 0")

    checkpoint = Path(args.checkpoint)
    if not (checkpoint / "config.json").is_file():
        print(f"bench-pytorch: no config.json in {checkpoint} (run scripts/setup.sh or pass --checkpoint DIR)",
              file=sys.stderr)
        return 2

    import torch
    import transformers
    import peft
    from transformers import AutoModel
    from peft import LoraConfig, get_peft_model

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    log = sys.stderr

    # Library messages go to stderr so that --json leaves exactly one object on stdout.
    with contextlib.redirect_stdout(log):
        extra = {"attn_implementation": args.attn} if args.attn else {}
        model = AutoModel.from_pretrained(str(checkpoint), dtype=torch.float32, local_files_only=True,
                                          hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **extra)
        cfg = model.config
        lora = LoraConfig(r=args.rank, lora_alpha=8, lora_dropout=0.0, init_lora_weights="gaussian",
                          target_modules=peft_target_regex(args.targets), bias="none")
        model = get_peft_model(model, lora)
    model.train()   # dropout probabilities are 0, so train mode computes what eval mode would

    adapted = sorted(name for name, mod in model.named_modules() if hasattr(mod, "lora_A") and hasattr(mod, "base_layer"))
    expected = cfg.num_hidden_layers * len(args.targets)
    if len(adapted) != expected:
        print(f"bench-pytorch: PEFT adapted {len(adapted)} modules, expected {expected}: {adapted}", file=log)
        return 1

    head = torch.nn.Linear(cfg.hidden_size, args.classes)
    params = [p for p in model.parameters() if p.requires_grad] + list(head.parameters())
    lora_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)

    if args.batches:
        return run_real_batches(args, checkpoint, model, head, optimizer, lora_params, log)

    gen = torch.Generator().manual_seed(args.seed)
    vocab = cfg.vocab_size
    low = min(1000, vocab // 2)
    total = args.warmup + args.steps
    batches = []
    for _ in range(total):
        ids = torch.randint(low, vocab, (args.batch, args.seq), generator=gen)
        labels = torch.randint(0, args.classes, (args.batch,), generator=gen)
        batches.append((ids, labels))
    mask = torch.ones(args.batch, args.seq, dtype=torch.long)
    type_ids = torch.zeros(args.batch, args.seq, dtype=torch.long)
    mask_f = mask.unsqueeze(-1).to(torch.float32)
    denom = mask_f.sum(dim=1).clamp(min=1e-9)

    def step(ids, labels):
        hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=type_ids).last_hidden_state
        pooled = (hidden * mask_f).sum(dim=1) / denom
        loss = torch.nn.functional.cross_entropy(head(pooled), labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    times = []
    losses = []
    for i, (ids, labels) in enumerate(batches):
        start = time.perf_counter()
        loss = step(ids, labels)
        seconds = time.perf_counter() - start
        losses.append(float(loss.detach()))
        if i >= args.warmup:
            times.append(seconds)
        if not args.json:
            tag = "warm-up" if i < args.warmup else "timed"
            print(f"  step {i + 1}/{total} ({tag}): {seconds:.3f} s  loss {losses[-1]:.4f}", file=log, flush=True)

    sec_per_step = sum(times) / len(times)
    tokens = args.batch * args.seq
    flop = step_flops(cfg.num_hidden_layers, cfg.hidden_size, cfg.intermediate_size, cfg.num_attention_heads,
                      args.batch, args.seq, args.targets, args.rank, args.classes)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB
    result = {
        "engine": "pytorch+peft",
        "model": checkpoint.name,
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
            "python": platform.python_version(),
        },
        "threads": torch.get_num_threads(),
        "attn_implementation": getattr(cfg, "_attn_implementation", None),
        "batch": args.batch,
        "seq": args.seq,
        "targets": ",".join(args.targets),
        "rank": args.rank,
        "steps": args.steps,
        "warmup": args.warmup,
        "tokens_per_s": tokens / sec_per_step,
        "sec_per_step": sec_per_step,
        "sec_per_step_min": min(times),
        "sec_per_step_median": statistics.median(times),
        "step_gflop": flop / 1e9,
        "gflops": flop / sec_per_step / 1e9,
        "peak_rss_mib": peak_rss_mib,
        "trainable_lora_params": lora_params,
        "first_loss": losses[0],
        "last_loss": losses[-1],
    }
    if args.json:
        print(json.dumps(result))
    else:
        v = result["versions"]
        print(f"pytorch+peft  torch {v['torch']}, transformers {v['transformers']}, peft {v['peft']}, "
              f"python {v['python']}; attention {result['attn_implementation']}")
        print(f"shape {args.batch}x{args.seq}, targets {result['targets']}, rank {args.rank}, "
              f"threads {result['threads']}, {args.steps} timed steps after {args.warmup} warm-up")
        print(f"  {result['tokens_per_s']:.0f} tokens/s, {sec_per_step:.4f} s/step "
              f"(min {result['sec_per_step_min']:.4f}, median {result['sec_per_step_median']:.4f})")
        print(f"  step {result['step_gflop']:.3f} GFLOP -> {result['gflops']:.2f} GFLOPS")
        print(f"  peak RSS {peak_rss_mib:.0f} MiB; loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    return 0


def read_batches(path: str):
    """[(texts, text_pairs, labels)] per batch index, in order."""
    batches: dict[int, tuple[list, list, list]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            texts, pairs, labels = batches.setdefault(int(e["batch"]), ([], [], []))
            texts.append(e["text"])
            pairs.append(e.get("text_pair"))
            labels.append(int(e["label"]))
    return [batches[i] for i in sorted(batches)]


def run_real_batches(args, checkpoint, model, head, optimizer, lora_params, log) -> int:
    """Times steps on the dumped real batches: HF tokenizer once per text, DataCollatorWithPadding per batch (timed)."""
    import torch
    import transformers
    import peft
    from transformers import AutoTokenizer, DataCollatorWithPadding

    tokenizer = AutoTokenizer.from_pretrained(str(checkpoint), local_files_only=True)
    collator = DataCollatorWithPadding(tokenizer)      # default padding=True: to the longest sequence of the batch
    batches = []
    for texts, pairs, labels in read_batches(args.batches):
        features = []
        for text, pair, label in zip(texts, pairs, labels):
            enc = tokenizer(text, pair, truncation=True, max_length=args.max_length)
            enc["labels"] = label
            features.append(enc)
        batches.append(features)
    if len(batches) <= args.warmup:
        print(f"bench-pytorch: {args.batches} holds {len(batches)} batches, not more than --warmup {args.warmup}", file=log)
        return 2
    cfg = model.config

    def step(features):
        batch = collator(features)
        mask = batch["attention_mask"]
        hidden = model(input_ids=batch["input_ids"], attention_mask=mask,
                       token_type_ids=batch.get("token_type_ids")).last_hidden_state
        mask_f = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask_f).sum(dim=1) / mask_f.sum(dim=1).clamp(min=1e-9)
        loss = torch.nn.functional.cross_entropy(head(pooled), batch["labels"])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss, int(mask.sum()), int(mask.numel())

    times, real, padded, flop = [], 0, 0, 0
    for i, features in enumerate(batches):
        start = time.perf_counter()
        loss, n_real, n_padded = step(features)
        seconds = time.perf_counter() - start
        if i >= args.warmup:
            times.append(seconds)
            real += n_real
            padded += n_padded
            lengths = [len(f["input_ids"]) for f in features]
            flop += real_step_flops(cfg.num_hidden_layers, cfg.hidden_size, cfg.intermediate_size, lengths,
                                    args.targets, args.rank, args.classes)
        if not args.json:
            print(f"  step {i + 1}/{len(batches)}: {seconds:.3f} s  loss {float(loss):.4f}", file=log, flush=True)
    timed = sum(times)
    steps = len(times)
    result = {
        "engine": "pytorch+peft",
        "model": checkpoint.name,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                     "python": platform.python_version()},
        "threads": torch.get_num_threads(),
        "attn_implementation": getattr(cfg, "_attn_implementation", None),
        "task_batches": args.batches,
        "batch": len(batches[0]),
        "targets": ",".join(args.targets),
        "rank": args.rank,
        "steps": steps,
        "warmup": args.warmup,
        "tokens_per_s": real / timed,
        "real_tokens_per_s": real / timed,
        "sec_per_step": timed / steps,
        "sec_per_step_min": min(times),
        "sec_per_step_median": statistics.median(times),
        "real_tokens_per_batch": real / steps,
        "padded_tokens_per_batch": padded / steps,
        "real_step_gflop": flop / steps / 1e9,
        "real_gflops": flop / timed / 1e9,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "trainable_lora_params": lora_params,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pytorch+peft real batches from {args.batches}: {result['real_tokens_per_s']:.0f} real tokens/s, "
              f"{result['sec_per_step']:.4f} s/step ({result['real_tokens_per_batch']:.1f} real of "
              f"{result['padded_tokens_per_batch']:.1f} padded tokens per batch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
