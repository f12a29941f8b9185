"""Writes Tests/Fixtures/peft-llama/generation.json: transformers + PEFT's greedy continuation (8 new tokens,
do_sample=False) of the prompt "dog (noun):" on SmolLM2-135M-Instruct (the GGUF file) with each fixture adapter
(Tests/Fixtures/peft-llama/r4, r8, written by scripts/make-peft-llama-adapters.py), for `experiment predict` to match.
Run from the repository root with the bench venv:  .venv-bench/bin/python scripts/make-peft-llama-generation.py
"""
import json
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel

FOLDER, FILE, PROMPT = "models/SmolLM2-135M-Instruct", "SmolLM2-135M-Instruct.Q4_1.gguf", "dog (noun):"
tokenizer = AutoTokenizer.from_pretrained(FOLDER, gguf_file=FILE)
out = {"prompt": PROMPT, "max_new_tokens": 8, "continuations": {}}
for name in ("r4", "r8"):
    base = AutoModelForCausalLM.from_pretrained(FOLDER, gguf_file=FILE, torch_dtype=torch.float32)
    model = PeftModel.from_pretrained(base, f"Tests/Fixtures/peft-llama/{name}").eval()
    ids = tokenizer(PROMPT, return_tensors="pt").input_ids
    with torch.no_grad():
        generated = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
    out["continuations"][name] = generated[0, ids.shape[1]:].tolist()
with open("Tests/Fixtures/peft-llama/generation.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(out)
