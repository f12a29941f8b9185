"""Writes the PEFT CAUSAL_LM adapter fixtures for `experiment analyze` on a GGUF base (Tests/Fixtures/peft-llama/).

Two LoRA adapters (r = 4 and r = 8, alpha 8, q_proj and v_proj of layers 0 and 1, random A and B:
init_lora_weights=False, seed 0) on SmolLM2-135M-Instruct as transformers loads it from the GGUF file, saved with
PEFT's save_pretrained, and reference.json: for each adapter, layer and matrix, ||U^T W V||_F with U, V the top-r
left/right singular vectors of dW = (alpha/r) B A and W the base weight as transformers holds it (Hugging Face row
order, i.e. after llama.cpp's q/k permutation is undone), plus ||W||_F and ||dW||_F. Run from the repository root
with the bench venv:  .venv-bench/bin/python scripts/make-peft-llama-adapters.py
"""
import json
import os
import numpy as np
import torch
from transformers import AutoModelForCausalLM
from peft import LoraConfig, get_peft_model

OUT = "Tests/Fixtures/peft-llama"
torch.manual_seed(0)
model = AutoModelForCausalLM.from_pretrained("models/SmolLM2-135M-Instruct", gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
                                             torch_dtype=torch.float32)
reference = {}
for r in (4, 8):
    name = f"r{r}"
    cfg = LoraConfig(r=r, lora_alpha=8, target_modules=["q_proj", "v_proj"], layers_to_transform=[0, 1],
                     init_lora_weights=False, task_type="CAUSAL_LM")
    peft_model = get_peft_model(model, cfg)
    peft_model.save_pretrained(f"{OUT}/{name}")
    os.remove(f"{OUT}/{name}/README.md")   # PEFT's model card: not part of the fixture
    rows = []
    for layer in (0, 1):
        for proj, matrix in (("q_proj", "q"), ("v_proj", "v")):
            module = getattr(peft_model.base_model.model.model.layers[layer].self_attn, proj)
            w = module.base_layer.weight.detach().double().numpy()
            a = module.lora_A["default"].weight.detach().double().numpy()
            b = module.lora_B["default"].weight.detach().double().numpy()
            dw = (8 / r) * b @ a
            u, s, vt = np.linalg.svd(dw, full_matrices=False)
            proj_norm = np.linalg.norm(u[:, :r].T @ w @ vt[:r].T)
            rows.append({"layer": layer, "matrix": matrix, "projection_norm": proj_norm,
                         "weight_norm": np.linalg.norm(w), "delta_norm": np.linalg.norm(dw)})
    reference[name] = rows
    model = peft_model.unload()
with open(f"{OUT}/reference.json", "w") as f:
    json.dump(reference, f, indent=1)
    f.write("\n")
print("wrote", OUT)
