#!/usr/bin/env python3
"""Reference token ids for the Swift byte-level BPE tokenizer built from a GGUF file (Tokenization module).

What it needs
    The PyTorch + PEFT virtual environment of scripts/requirements-bench.txt (transformers, tokenizers) plus the
    `gguf` package (transformers reads GGUF metadata with it):
        .venv-bench/bin/pip install -r scripts/requirements-bench.txt
    and the SmolLM2 GGUF file as installed by scripts/setup.sh. Python is used only here, to produce reference data;
    the Swift tests never run Python.

Usage (from the repository root)
    .venv-bench/bin/python scripts/make-gguf-fixtures.py models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf

What it writes
    Tests/Fixtures/smollm2-tokenizer-cases.json
        {"generator": {...versions, the file's name, size and SHA-256...},
         "cases": [{"text", "ids"}, ...],
         "original_pipeline_differences": [{"text", "ids"}, ...]}
        `ids` are exactly `AutoTokenizer.from_pretrained(folder, gguf_file=name)(text)["input_ids"]`, i.e. with the
        special tokens the tokenizer adds by default (for SmolLM2: none; `tokenizer.ggml.add_bos_token` is false).
        Every case is cross-checked against `tok.encode(text, add_special_tokens=False)` plus the BOS/EOS the
        tokenizer says it adds; a mismatch aborts.
        `original_pipeline_differences` lists the cases where the tokenizer of the original SmolLM2 `tokenizer.json`
        (pre-tokenizer `Sequence[Digits(individual_digits=True), ByteLevel(add_prefix_space=False)]`, the same
        vocabulary and merges; llama.cpp's `smollm` pre-tokenizer also splits digits first) gives other ids than
        transformers' GGUF tokenizer, which uses `ByteLevel` alone for `tokenizer.ggml.pre = "smollm"`. It is
        information only: the Swift tokenizer follows transformers.
    Tests/Fixtures/smollm2-dequantized-samples.json
        {"generator": {...}, "tensors": [{"name", "type", "shape", "sum", "samples": [[index, value], ...]}, ...]}
        For one tensor of each type in the file (and a few more), the values gguf-py's `gguf.quants.dequantize` gives
        (the dequantiser transformers' `from_pretrained(..., gguf_file=...)` calls), before transformers' q/k row
        permutation: `shape` is row-major (outermost first), `samples` are flat row-major indices with their float32
        values (exact in JSON), `sum` is the float64 sum of all float32 values.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def texts():
    """The texts: ASCII, accents, scripts, CJK, emoji, digits, whitespace runs, code, contractions, special tokens."""
    return [
        "",
        "a",
        "Hello world",
        " Hello world",
        "Hello, world! How are you today?",
        "The quick brown fox jumps over the lazy dog.",
        "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
        "a domesticated carnivorous mammal",
        "dog (noun): a member of the genus Canis that has been domesticated by man since prehistoric times",
        "don't it's we're they've I'm you'll he'd",
        "DON'T IT'S rock'n'roll o'clock 'quoted' ''",
        "The dog's owner's dogs' bones",
        "Café crème at the naïve café",
        "Ångström unit; résumé; façade; coöperate; jalapeño; Zürich; São Paulo",
        "e\u0301 (decomposed) vs \u00e9 (precomposed)",
        "Straße STRASSE ẞ groß İstanbul ıi",
        "Η γρήγορη καφέ αλεπού ΟΔΟΣ",
        "Съешь же ещё этих мягких французских булок",
        "مرحبا بالعالم، كيف حالك؟",
        "नमस्ते दुनिया",
        "สวัสดีชาวโลก",
        "中文字符",
        "我喜欢学习自然语言处理。",
        "ひらがな カタカナ 日本語のテキストです。",
        "한국어 텍스트 처리",
        "BERT模型is很好used在NLP任务中",
        "I love 🐶 and 🐱! 👍🏽 🧠 ❤️ 🇺🇸 🫠",
        "👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag",
        "0",
        "12345",
        " 12345",
        "3.14159 2,718 1e-10 -42 +7 100% 1/2 12:30pm 1990s 2nd",
        "Call 555-0123 or +44 20 7946 0958 before 2024-12-31.",
        "a  1 b   22 c\t3 d\n4",
        "Ⅻ ½ ² ٣ ໓ 〇 ①",
        "   ",
        "  leading and trailing spaces   ",
        "word  two   three    four     five",
        "tab\tseparated\tvalues",
        "line one\nline two\n\nline four\r\nwindows\rmac",
        "\n\n\n",
        " \t \n \u00a0 \u3000 x",
        "non\u00a0breaking\u2003em\u3000ideographic\u2028line\u2029para",
        "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u00adsoft",
        "abc\u0000def\u0007ghi\u001bjkl\u007fmno",
        "a\u0004b x\u0013\u0014y \u001d",  # bytes without a token in SmolLM2's vocabulary: dropped
        "plane 15 \U000F0000 private",  # 0xF3 lead byte
        "def add(a, b):\n    return a + b\n",
        "for (int i = 0; i < n; ++i) { sum += x[i]; }",
        "if x != None and y >= 3:\n\tprint(f\"{x=} {y!r}\")",
        "https://www.example.com/path/to/page?query=1&lang=en#section and mail@example.org",
        "<html><body class=\"main\">Text &amp; more</body></html>",
        "!!!???...---,,,;;;:::",
        "¿Qué? ¡Hola! «guillemets» „Anführung“ …ellipsis… •bullet",
        "5 + 3 = 8 < 9 > 2 ± ∞ √ € £ ¥ © ® ™ °",
        "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３ ！",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 and 𠀀𠀁",
        "U+FFFD replacement \ufffd char and private \ue000use",
        "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
        "<|im_start|>user\nWhat is a dog?<|im_end|>\n<|im_start|>assistant\n",
        "<|endoftext|>",
        "text<|endoftext|>more text<|endoftext|>",
        "<|im_start|><|im_end|> <|im_start|> x",
        "<|im_start|system|> <|endoftext| >",
        "<repo_name>lora<file_sep>README.md<gh_stars>100",
        "semi-supervised learning; low-rank adaptation (LoRA) of large language models",
    ]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def original_pipeline(tok):
    """The same BPE and added tokens with the pre-tokenizer of SmolLM2's own tokenizer.json (digits split first)."""
    from tokenizers import Tokenizer, pre_tokenizers

    backend = Tokenizer.from_str(tok.backend_tokenizer.to_str())
    backend.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    return backend


SAMPLED_TENSORS = ["token_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight",
                   "blk.13.ffn_up.weight", "blk.29.ffn_down.weight", "output_norm.weight"]


def dequantized_samples(path: Path):
    """gguf-py's dequantised values of `SAMPLED_TENSORS` at 20 fixed flat indices each, and their sums."""
    import numpy as np
    from gguf import GGUFReader, dequantize

    reader = GGUFReader(str(path))
    by_name = {t.name: t for t in reader.tensors}
    out = []
    for name in SAMPLED_TENSORS:
        t = by_name[name]
        values = np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float32).reshape(-1)
        shape = [int(n) for n in reversed(t.shape)]
        if values.size != int(np.prod(shape)):
            sys.exit(f"{name}: {values.size} values for shape {shape}")
        n = values.size
        indices = sorted(set([0, 1, 2, 3, 31, 32, 33, n - 4, n - 3, n - 2, n - 1] + [(k * n) // 9 + k for k in range(1, 9)]
                             + [n // 2 + 17]))
        out.append({"name": name, "type": t.tensor_type.name, "shape": shape,
                    "sum": float(values.astype(np.float64).sum()),
                    "samples": [[i, float(values[i])] for i in indices]})
    return out


def gguf_version():
    from importlib.metadata import version
    return version("gguf")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gguf", type=Path, help="the SmolLM2 GGUF file")
    ap.add_argument("--out", type=Path, default=REPO / "Tests/Fixtures/smollm2-tokenizer-cases.json")
    ap.add_argument("--samples-out", type=Path, default=REPO / "Tests/Fixtures/smollm2-dequantized-samples.json")
    args = ap.parse_args()

    import tokenizers
    import transformers
    from transformers import AutoTokenizer

    path = args.gguf.resolve()
    tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    original = original_pipeline(tok)
    bos = [tok.bos_token_id] if getattr(tok, "add_bos_token", False) else []
    eos = [tok.eos_token_id] if getattr(tok, "add_eos_token", False) else []

    cases, differences = [], []
    for text in texts():
        ids = list(tok(text)["input_ids"])
        plain = list(tok.encode(text, add_special_tokens=False))
        if ids != bos + plain + eos:
            sys.exit(f"{text!r}: tok(text) {ids} is not BOS/EOS around encode(add_special_tokens=False) {plain}")
        cases.append({"text": text, "ids": ids})
        other = bos + original.encode(text, add_special_tokens=False).ids + eos
        if other != ids:
            differences.append({"text": text, "ids": other})

    fixture = {
        "generator": {"script": "scripts/make-gguf-fixtures.py", "transformers": transformers.__version__,
                      "tokenizers": tokenizers.__version__, "gguf": gguf_version(), "file": path.name, "bytes": path.stat().st_size, "sha256": sha256(path),
                      "tokenizer_class": type(tok).__name__, "adds_bos": bool(bos), "adds_eos": bool(eos)},
        "cases": cases,
        "original_pipeline_differences": differences,
    }

    def dump(obj):
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    lines = ["{", f' "generator": {dump(fixture["generator"])},', ' "cases": [']
    lines += [f"  {dump(c)}," for c in cases[:-1]] + [f"  {dump(cases[-1])}", " ],"]
    lines += [f' "original_pipeline_differences": {dump(differences)}', "}"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")

    tensors = dequantized_samples(path)
    samples = {"generator": {key: fixture["generator"][key] for key in ("script", "gguf", "file", "bytes", "sha256")},
               "tensors": tensors}
    lines = ["{", f' "generator": {dump(samples["generator"])},', ' "tensors": [']
    lines += [f"  {dump(t)}," for t in tensors[:-1]] + [f"  {dump(tensors[-1])}", " ]", "}"]
    args.samples_out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.samples_out.name}: {len(tensors)} tensors")
    print(f"{args.out.name}: {len(cases)} cases, {len(differences)} differ under the original pre-tokenizer "
          f"(class {type(tok).__name__}, BOS added: {bool(bos)}, EOS added: {bool(eos)})")


if __name__ == "__main__":
    main()
