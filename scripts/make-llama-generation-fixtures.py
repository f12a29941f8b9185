#!/usr/bin/env python3
"""Reference greedy continuations of SmolLM2-135M-Instruct for the Swift generation test (Model module).

What it needs
    The PyTorch + PEFT virtual environment of scripts/requirements-bench.txt (torch, transformers, gguf):
        .venv-bench/bin/pip install -r scripts/requirements-bench.txt
    and the SmolLM2 GGUF file as installed by scripts/setup.sh. Python is used only here, to produce reference data;
    the Swift tests never run Python.

Usage (from the repository root)
    .venv-bench/bin/python scripts/make-llama-generation-fixtures.py \
        models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf

What it computes
    The model exactly as scripts/make-llama-fixtures.py loads it (`gguf_file=`, float32, eager attention, eval mode) and
    for each prompt `model.generate(input_ids, do_sample=False, num_beams=1, max_new_tokens=N, eos_token_id=EOS)` with
    every logits processor that a generation config could switch on set to its neutral value (no repetition penalty, no
    temperature, top-k or top-p), so each new token is the arg max of the raw next-token logits; generation stops after
    EOS (the GGUF's `tokenizer.ggml.eos_token_id`, `<|im_end|>` = 2), which is then the last token. transformers runs the
    prompt once and then one token per step with its key/value cache, as the Swift side does.

What it writes: Tests/Fixtures/smollm2-generation.json
    generator      versions, the file's name, size and SHA-256, eos_token_id, max_new_tokens.
    cases[]        prompt (text), prompt_ids, generated (the new token ids, EOS included when produced), text (their
                   decoding), stopped_at_eos, and margins: at each step the gap between the largest and the second largest
                   logit (float64 of float32). A step whose margin is below the logits' parity tolerance (1e-3,
                   SmolLM2ParityTests) could flip under rounding alone; the Swift test reports the smallest margin.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROMPTS = [
    # The wordnet-gloss task's prompt form (Sources/Tasks/WordNetGloss.swift): a plain completion, no chat template.
    "dog (noun):",
    # A chat turn, which the instruct model ends with <|im_end|> (EOS): exercises stopping.
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n",
]
MAX_NEW_TOKENS = 32


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gguf", type=Path, help="the SmolLM2 GGUF file")
    ap.add_argument("--out", type=Path, default=REPO / "Tests/Fixtures/smollm2-generation.json")
    args = ap.parse_args()

    import torch
    import transformers
    import gguf
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from importlib.metadata import version

    torch.manual_seed(0)
    path = args.gguf.resolve()
    reader = gguf.GGUFReader(str(path))
    field = reader.fields["tokenizer.ggml.eos_token_id"]
    eos = int(field.parts[field.data[0]][0])
    tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32,
                                                 attn_implementation="eager")
    model.eval()

    cases = []
    with torch.no_grad():
        for prompt in PROMPTS:
            ids = list(tok(prompt)["input_ids"])
            out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                 do_sample=False, num_beams=1, max_new_tokens=MAX_NEW_TOKENS, eos_token_id=eos,
                                 pad_token_id=eos, repetition_penalty=1.0, temperature=None, top_k=None, top_p=None,
                                 output_scores=True, return_dict_in_generate=True)
            generated = out.sequences[0, len(ids):].tolist()
            margins = []
            for step, scores in enumerate(out.scores):
                top2 = torch.topk(scores[0].to(torch.float32), 2)
                if int(top2.indices[0]) != generated[step]:
                    sys.exit(f"{prompt!r}: step {step} chose {generated[step]}, not the arg max {int(top2.indices[0])}")
                margins.append(float(top2.values[0].double() - top2.values[1].double()))
            cases.append({"prompt": prompt, "prompt_ids": ids, "generated": generated,
                          "text": tok.decode(generated, skip_special_tokens=False),
                          "stopped_at_eos": bool(generated and generated[-1] == eos), "margins": margins})

    fixture = {
        "generator": {"script": "scripts/make-llama-generation-fixtures.py", "torch": torch.__version__,
                      "transformers": transformers.__version__, "gguf": version("gguf"), "file": path.name,
                      "bytes": path.stat().st_size, "sha256": sha256(path), "dtype": "float32",
                      "attn_implementation": "eager", "eos_token_id": eos, "max_new_tokens": MAX_NEW_TOKENS,
                      "torch_threads": torch.get_num_threads()},
        "cases": cases,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fixture, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    for c in cases:
        print(f"{c['prompt']!r} -> {c['text']!r} ({len(c['generated'])} tokens, eos {c['stopped_at_eos']}, "
              f"smallest margin {min(c['margins']):.4f})")


if __name__ == "__main__":
    main()
