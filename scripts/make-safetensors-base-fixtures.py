"""Writes the fixtures of `experiment analyze` over safetensors bases (Tests/Fixtures/safetensors-base/).

Tiny random models, saved by transformers' save_pretrained, and a PEFT LoRA adapter for each (q and v of every layer,
r = 4, lora_alpha = 8, random A and B: init_lora_weights=False):
  llama-bf16-sharded/  LlamaForCausalLM (2 layers, d = 64, 4 query heads, 2 KV heads, d_ff = 128), BF16, sharded into
                       several model-0000k-of-0000n.safetensors files with model.safetensors.index.json; at least one
                       shard holds only tensors no adapter touches (the MLP weights).
  llama-f16/           the same float32 model rounded to F16 instead, one model.safetensors (its own values, not the
                       BF16 ones: expected.json is computed from each file's stored values).
  bert-sharded/        BertModel (2 layers, d = 32, d_ff = 64), F32, sharded, with model.safetensors.index.json.
  llama-qv-r4/, bert-qv-r4/  the adapters (PEFT save_pretrained; README.md removed).
expected.json: for each base, adapter layer and matrix, computed in float64 numpy from the saved files' values
(W as stored, widened exactly to float64): ||W||_F, dW = (alpha/r) B A, ||dW||_F, its top-r singular values,
||U^T W V||_F with U, V the top-r left/right singular vectors of dW ("delta_w") and of W ("w"), and the amplification
||dW||_F / ||U^T W V||_F (U, V from dW).
Run from the repository root:  .venv-bench/bin/python scripts/make-safetensors-base-fixtures.py
"""
import copy
import json
import os
import shutil
import numpy as np
import torch
from safetensors import safe_open
from transformers import BertConfig, BertModel, LlamaConfig, LlamaForCausalLM
from peft import LoraConfig, get_peft_model

OUT = "Tests/Fixtures/safetensors-base"
R, ALPHA = 4, 8


def save(model, folder, dtype, shard):
    path = f"{OUT}/{folder}"
    shutil.rmtree(path, ignore_errors=True)
    model.to(dtype).save_pretrained(path, max_shard_size=shard)
    for extra in ("generation_config.json",):
        if os.path.exists(f"{path}/{extra}"):
            os.remove(f"{path}/{extra}")
    return path


def stored_tensors(path):
    """Every tensor of a saved folder (one file or the shards an index names), widened to float64."""
    files = [f for f in sorted(os.listdir(path)) if f.endswith(".safetensors")]
    out = {}
    for f in files:
        with safe_open(f"{path}/{f}", framework="pt") as st:
            for k in st.keys():
                out[k] = st.get_tensor(k).to(torch.float64).numpy()
    return out


def make_adapter(model, folder, targets, task_type):
    torch.manual_seed(1)
    cfg = LoraConfig(r=R, lora_alpha=ALPHA, target_modules=targets, init_lora_weights=False, task_type=task_type)
    peft_model = get_peft_model(model.to(torch.float32), cfg)
    path = f"{OUT}/{folder}"
    shutil.rmtree(path, ignore_errors=True)
    peft_model.save_pretrained(path)
    os.remove(f"{path}/README.md")  # PEFT's model card: not part of the fixture
    # PEFT keeps target_modules as a set, so its saved order follows Python's string hashing; sort it (PEFT's own format:
    # indent 2, sorted keys) so that the script writes the same bytes on every run.
    with open(f"{path}/adapter_config.json") as f:
        config = json.load(f)
    config["target_modules"] = sorted(config["target_modules"])
    with open(f"{path}/adapter_config.json", "w") as f:
        f.write(json.dumps(config, indent=2, sort_keys=True))
    return path


def top_projection(u, w, vt, r):
    return float(np.linalg.norm(u[:, :r].T @ w @ vt[:r].T))


def expected(base_path, adapter_path, weight_name, prefix, sites, layers):
    base = stored_tensors(base_path)
    adapter = stored_tensors(adapter_path)
    rows = []
    for layer in range(layers):
        for suffix, matrix in sites:
            w = base[weight_name(layer, suffix)]
            a = adapter[f"{prefix}{layer}.{suffix}.lora_A.weight"]
            b = adapter[f"{prefix}{layer}.{suffix}.lora_B.weight"]
            dw = (ALPHA / R) * b @ a
            u, s, vt = np.linalg.svd(dw, full_matrices=False)
            uw, sw, vtw = np.linalg.svd(w, full_matrices=False)
            onto_delta = top_projection(u, w, vt, R)
            rows.append({"layer": layer, "matrix": matrix, "rank": R, "weight_norm": float(np.linalg.norm(w)),
                         "delta_norm": float(np.linalg.norm(dw)), "singular_values": [float(x) for x in s[:R]],
                         "projection_norm_delta_w": onto_delta, "projection_norm_w": top_projection(uw, w, vtw, R),
                         "amplification": float(np.linalg.norm(dw)) / onto_delta})
    return rows


def main():
    torch.manual_seed(0)
    llama_cfg = LlamaConfig(vocab_size=64, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                            tie_word_embeddings=True)
    llama = LlamaForCausalLM(llama_cfg)
    with torch.no_grad():   # transformers' init draws N(0, 0.02): spread the spectra a little more
        for p in llama.parameters():
            p.mul_(10)
    llama_bf16 = save(copy.deepcopy(llama), "llama-bf16-sharded", torch.bfloat16, "40KB")
    llama_f16 = save(copy.deepcopy(llama), "llama-f16", torch.float16, "10MB")
    llama_adapter = make_adapter(llama, "llama-qv-r4", ["q_proj", "v_proj"], "CAUSAL_LM")

    torch.manual_seed(2)
    bert_cfg = BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                          intermediate_size=64, max_position_embeddings=32)
    bert = BertModel(bert_cfg, add_pooling_layer=False)
    bert_path = save(bert, "bert-sharded", torch.float32, "20KB")
    bert_adapter = make_adapter(bert, "bert-qv-r4", ["query", "value"], "FEATURE_EXTRACTION")

    llama_sites = [("self_attn.q_proj", "q"), ("self_attn.v_proj", "v")]
    bert_sites = [("attention.self.query", "q"), ("attention.self.value", "v")]
    llama_prefix = "base_model.model.model.layers."
    bert_prefix = "base_model.model.encoder.layer."
    result = {
        "llama-bf16-sharded": expected(llama_bf16, llama_adapter, lambda l, s: f"model.layers.{l}.{s}.weight",
                                       llama_prefix, llama_sites, 2),
        "llama-f16": expected(llama_f16, llama_adapter, lambda l, s: f"model.layers.{l}.{s}.weight", llama_prefix,
                              llama_sites, 2),
        "bert-sharded": expected(bert_path, bert_adapter, lambda l, s: f"encoder.layer.{l}.{s}.weight", bert_prefix,
                                 bert_sites, 2),
    }
    with open(f"{OUT}/expected.json", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
