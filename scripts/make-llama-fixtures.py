#!/usr/bin/env python3
"""Reference logits, losses and LoRA gradients of SmolLM2-135M-Instruct for the Swift Llama parity tests (Model module).

What it needs
    The PyTorch + PEFT virtual environment of scripts/requirements-bench.txt (torch, transformers, peft, gguf):
        .venv-bench/bin/pip install -r scripts/requirements-bench.txt
    and the SmolLM2 GGUF file as installed by scripts/setup.sh. Python is used only here, to produce reference data;
    the Swift tests never run Python.

Usage (from the repository root)
    .venv-bench/bin/python scripts/make-llama-fixtures.py models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf

What it computes
    `AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32, attn_implementation="eager")`
    in eval mode: transformers dequantises every tensor with gguf-py to float32 (the values the Swift GGUF reader gives
    bit for bit, Tests/Fixtures/smollm2-dequantized-samples.json), reverse-permutes the q and k rows from llama.cpp's RoPE
    order to Hugging Face's, and ties lm_head to embed_tokens (the file has no output.weight; checked here). All
    arithmetic is float32 on CPU. Token ids are `AutoTokenizer.from_pretrained(folder, gguf_file=name)(text)` (no BOS).

What it writes: Tests/Fixtures/smollm2-logits.json
    generator      versions, the file's name, size and SHA-256, the model config fields that matter.
    vocab_sample   256 vocabulary indices (193·k mod V, all distinct) at which `sample` logits are given.
    texts[]        text, ids, prompt_tokens (the first P tokens are prompt: labels −100), loss (HF's causal-LM loss with
                   those labels: mean next-token cross-entropy over the remaining tokens), and per position t:
                   top (the 20 largest logits as [index, value], descending), logsumexp and mean over the whole
                   vocabulary (float64 of the float32 logits), sample (the logits at vocab_sample).
    weights        HF-order samples [row, col, value] of q_proj and k_proj in layers 0 and 29 (after transformers' row
                   reverse-permutation), to check the Swift un-permutation against transformers' directly.
    lora           PEFT LoRA (r = 4, alpha = 8, no dropout) on q, k, v, o, gate, up, down of every layer with A and B set
                   by a formula the Swift test reproduces (`lora_value` below), on texts[0] with its labels: the loss,
                   top and logsumexp of the last position, and for a few adapters the Frobenius norm of dL/dA and dL/dB
                   and 16 entries of each ([row, col, value]).
    Values are float32 widened to float64 and written in Python's shortest round-trip form (exact); logsumexp, mean,
    loss and the gradient norms are float64 statistics of float32 values.
"""

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TEXTS = [
    # (text, prompt): prompt is a prefix of text; its tokens are context, the rest are targets.
    ("dog (noun): a member of the genus Canis that has been domesticated by man since prehistoric times",
     "dog (noun):"),
    ("<|im_start|>user\nWhat is a dog?<|im_end|>\n<|im_start|>assistant\nA dog is a domesticated carnivorous mammal.<|im_end|>",
     "<|im_start|>user\nWhat is a dog?<|im_end|>\n<|im_start|>assistant\n"),
    ("The quick brown fox jumps over the lazy dog. Café 12345!", "The quick"),
]

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
LORA_RANK, LORA_ALPHA = 4, 8
# (layer, module) whose gradients are recorded.
GRADIENT_ADAPTERS = [(0, "q_proj"), (0, "k_proj"), (3, "v_proj"), (14, "gate_proj"), (29, "o_proj"), (29, "up_proj"),
                     (29, "down_proj")]


def lora_value(layer, module, factor, i, j):
    """A and B entries: 0.05·sin(0.37·i + 0.11·j + 0.5·layer + module index + (1.7 for B)), small but non-zero."""
    m = TARGETS.index(module)
    return 0.05 * math.sin(0.37 * i + 0.11 * j + 0.5 * layer + m + (1.7 if factor == "B" else 0.0))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def position_record(logits_row, vocab_sample):
    import torch
    row = logits_row.detach().to(torch.float32)
    values, indices = torch.topk(row, 20)
    wide = row.to(torch.float64)
    return {
        "top": [[int(i), float(v)] for i, v in zip(indices.tolist(), values.tolist())],
        "logsumexp": float(torch.logsumexp(wide, 0)),
        "mean": float(wide.mean()),
        "sample": [float(row[k]) for k in vocab_sample],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gguf", type=Path, help="the SmolLM2 GGUF file")
    ap.add_argument("--out", type=Path, default=REPO / "Tests/Fixtures/smollm2-logits.json")
    args = ap.parse_args()

    import numpy as np
    import torch
    import transformers
    import peft
    import gguf
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from importlib.metadata import version

    torch.manual_seed(0)
    path = args.gguf.resolve()
    tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32,
                                                 attn_implementation="eager")
    model.eval()
    cfg = model.config
    if not torch.equal(model.lm_head.weight, model.model.embed_tokens.weight):
        sys.exit("lm_head is not tied to embed_tokens")
    if any(p.dtype != torch.float32 for p in model.parameters()):
        sys.exit("a parameter is not float32")
    vocab = cfg.vocab_size
    vocab_sample = [(193 * k) % vocab for k in range(256)]
    if len(set(vocab_sample)) != 256:
        sys.exit("vocab_sample has repeats")

    texts = []
    with torch.no_grad():
        for text, prompt in TEXTS:
            ids = list(tok(text)["input_ids"])
            prompt_ids = list(tok(prompt)["input_ids"])
            if ids[:len(prompt_ids)] != prompt_ids:
                sys.exit(f"{text!r}: the prompt's tokens are not a prefix of the text's")
            input_ids = torch.tensor([ids])
            labels = input_ids.clone()
            labels[0, :len(prompt_ids)] = -100
            out = model(input_ids=input_ids, labels=labels)
            logits = out.logits[0]
            texts.append({"text": text, "ids": ids, "prompt_tokens": len(prompt_ids), "loss": float(out.loss),
                          "positions": [position_record(logits[t], vocab_sample) for t in range(len(ids))]})

    sd = model.state_dict()
    weights = []
    for layer in (0, 29):
        for module in ("q_proj", "k_proj"):
            name = f"model.layers.{layer}.self_attn.{module}.weight"
            w = sd[name]
            rows, cols = w.shape
            picks = [((37 * k + 5) % rows, (101 * k + 3) % cols) for k in range(32)]
            weights.append({"name": name, "samples": [[r, c, float(w[r, c])] for r, c in picks]})

    # LoRA on every projection of every layer with formula-set factors; loss and gradients on texts[0].
    from peft import LoraConfig, get_peft_model
    lcfg = LoraConfig(r=LORA_RANK, lora_alpha=LORA_ALPHA, lora_dropout=0.0, target_modules=TARGETS, bias="none",
                      task_type="CAUSAL_LM", init_lora_weights=True)
    pmodel = get_peft_model(model, lcfg)
    pmodel.eval()
    modules = dict(pmodel.named_modules())
    for layer in range(cfg.num_hidden_layers):
        for module in TARGETS:
            prefix = f"base_model.model.model.layers.{layer}.{'self_attn' if module.endswith(('q_proj', 'k_proj', 'v_proj', 'o_proj')) else 'mlp'}.{module}"
            lin = modules[prefix]
            a = lin.lora_A["default"].weight
            b = lin.lora_B["default"].weight
            with torch.no_grad():
                a.copy_(torch.tensor([[lora_value(layer, module, "A", i, j) for j in range(a.shape[1])] for i in range(a.shape[0])],
                                     dtype=torch.float32))
                b.copy_(torch.tensor([[lora_value(layer, module, "B", i, j) for j in range(b.shape[1])] for i in range(b.shape[0])],
                                     dtype=torch.float32))
    text, prompt = TEXTS[0]
    ids = texts[0]["ids"]
    input_ids = torch.tensor([ids])
    labels = input_ids.clone()
    labels[0, :texts[0]["prompt_tokens"]] = -100
    pmodel.zero_grad()
    out = pmodel(input_ids=input_ids, labels=labels)
    out.loss.backward()
    grads = []
    for layer, module in GRADIENT_ADAPTERS:
        prefix = f"base_model.model.model.layers.{layer}.{'self_attn' if module in ('q_proj', 'k_proj', 'v_proj', 'o_proj') else 'mlp'}.{module}"
        lin = modules[prefix]
        entry = {"layer": layer, "module": module}
        for factor, param in (("A", lin.lora_A["default"].weight), ("B", lin.lora_B["default"].weight)):
            g = param.grad.detach()
            rows, cols = g.shape
            picks = [((3 * k + 1) % rows, (97 * k + 11) % cols) for k in range(16)]
            entry[factor] = {"norm": float(g.to(torch.float64).norm()), "samples": [[r, c, float(g[r, c])] for r, c in picks]}
        grads.append(entry)
    last = out.logits[0, -1]
    lora = {"rank": LORA_RANK, "alpha": LORA_ALPHA, "targets": TARGETS, "text_index": 0, "loss": float(out.loss.detach()),
            "last_position": position_record(last, vocab_sample), "gradients": grads}

    fixture = {
        "generator": {"script": "scripts/make-llama-fixtures.py", "torch": torch.__version__,
                      "transformers": transformers.__version__, "peft": peft.__version__, "gguf": version("gguf"),
                      "file": path.name, "bytes": path.stat().st_size, "sha256": sha256(path), "dtype": "float32",
                      "attn_implementation": "eager", "rms_norm_eps": cfg.rms_norm_eps,
                      "rope_theta": getattr(cfg, "rope_theta", None) or cfg.rope_parameters["rope_theta"],
                      "tie_word_embeddings": cfg.tie_word_embeddings, "torch_threads": torch.get_num_threads()},
        "vocab_sample": vocab_sample,
        "texts": texts,
        "weights": weights,
        "lora": lora,
    }

    def dump(obj):
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    lines = ["{", f' "generator": {dump(fixture["generator"])},', f' "vocab_sample": {dump(vocab_sample)},', ' "texts": [']
    for i, t in enumerate(texts):
        head = {k: t[k] for k in ("text", "ids", "prompt_tokens", "loss")}
        lines.append(f'  {dump(head)[:-1]},"positions":[')
        lines += [f"   {dump(p)}," for p in t["positions"][:-1]] + [f"   {dump(t['positions'][-1])}"]
        lines.append("  ]}" + ("," if i < len(texts) - 1 else ""))
    lines += [" ],", f' "weights": {dump(weights)},', f' "lora": {dump(lora)}', "}"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"{args.out.name}: {len(texts)} texts, {sum(len(t['ids']) for t in texts)} positions, {size} bytes; "
          f"losses {[round(t['loss'], 4) for t in texts]}, LoRA loss {lora['loss']:.4f}")


if __name__ == "__main__":
    main()
