#!/usr/bin/env python3
"""Reference fixtures for the Swift parity tests (Tokenization and Model modules).

What it needs
    A Python 3 virtual environment with PyTorch and Hugging Face transformers (which brings `tokenizers`):
        python3 -m venv /opt/lora-ref && /opt/lora-ref/bin/pip install torch transformers safetensors
    and the checkpoint directory (config.json, vocab.txt, tokenizer_config.json, tokenizer.json,
    model.safetensors), e.g. models/all-MiniLM-L6-v2 as installed by scripts/setup.sh.
    Python is used only here, to produce reference data; the Swift tests never run Python.

Usage (from the repository root)
    /opt/lora-ref/bin/python scripts/make-fixtures.py models/all-MiniLM-L6-v2
    /opt/lora-ref/bin/python scripts/make-fixtures.py models/all-MiniLM-L6-v2 \
        --swift-tables Sources/Tokenization/BertUnicodeTables.swift   # also regenerate the Swift tables

What it writes
    Tests/Fixtures/tokenizer-cases.json
        {"generator": {...versions...},
         "cases": [{"text", "pair", "max_length", "options", "ids", "type_ids"}, ...],
         "legacy_python_differences": [...],
         "unicode": {...per-code-point behaviour of the installed `tokenizers` BertNormalizer/BertPreTokenizer...}}
        `ids`/`type_ids` are exactly what `AutoTokenizer.from_pretrained(checkpoint)(text, pair, ...)` returns
        (`truncation=True, max_length=N` when max_length is not null, no truncation otherwise). Every default-option
        case is cross-checked against `BertTokenizer(vocab=<vocab.txt>)` built from vocab.txt alone and against
        `from_pretrained` on a copy holding only vocab.txt + tokenizer_config.json; a mismatch aborts. `options`
        (lowercase / strip_accents / tokenize_chinese_chars) is null for the checkpoint's own configuration, otherwise
        the case was produced by `BertTokenizer(vocab=<vocab.txt>, **options)`.
        `legacy_python_differences` lists the cases where transformers' pure-Python `BertTokenizerLegacy` (the old
        slow tokenizer, kept for information only) disagrees with the Rust-backed tokenizer that transformers 5 uses.
        `unicode` records, for every code point, what the Rust normalizer and pre-tokenizer do with it (the tables
        inside `tokenizers` date from an old Unicode version, so they are measured rather than assumed).
    Tests/Fixtures/minilm-hidden-states.json
        `AutoModel.from_pretrained(checkpoint)` in float32 eval mode (eager attention): for each text, batch of one
        without padding: ids, type_ids, last_hidden_state (T x 384, 7 significant digits) and pooled = mean over all
        T positions. One padded batch of two texts of different lengths with attention mask: per text the hidden
        states of its non-padding positions and the masked mean.
"""

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------------------------------
# Tokenizer cases


def tokenizer_cases():
    """The texts, each (text, pair, max_length, options). Kept varied on purpose; see the module docstring."""
    glosses = [
        "a domesticated carnivorous mammal",
        "(usually plural) a set of garments (outer clothing and accessories) for wearing together",
        "a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man "
        "since prehistoric times; occurs in many breeds",
        'informal term for a man; "you lucky dog"',
        "the quality of being active; spirited; showing energy",
        "a person who is in charge of something (e.g., a chief executive's assistant)",
        "(biology) taxonomic group whose members can interbreed",
        "an Old World plant of the genus Nepeta having pungent leaves; attractive to cats",
    ]
    texts = glosses + [
        "",
        "   ",
        "\t\n\r ",
        "Café crème at the naïve café",
        "Ångström unit; résumé; façade; coöperate; jalapeño; Zürich; São Paulo",
        "ÀÉÎÕÜ àéîõü ÇçÑñ Øø Ææ Œœ Łł Đđ",
        "e\u0301 (decomposed) vs \u00e9 (precomposed)",
        "Hello!!! What?!?... (wow) [yes] {no} <maybe> #tag @user $100 %50 ^_^ &amp; *star* ~tilde~ `code` |pipe| "
        "\\back/slash",
        "!!!???...---,,,;;;:::",
        "中文字符",
        "我喜欢学习自然语言处理。",
        "BERT模型is很好used在NLP任务中",
        "ひらがな カタカナ 日本語のテキストです。",
        "한국어 텍스트 처리",
        "I love 🐶 and 🐱! 👍🏽 🧠 ❤️ 🇺🇸 🫠",
        "abc\u0000def\u0007ghi\u001bjkl\u007fmno\u0085pqr\u001fstu",
        "tab\tseparated\nnew line\r\ncarriage\x0bvertical\x0cform",
        "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffbom\u00adsoft",
        "non\u00a0breaking\u2003em\u3000ideographic\u2028line\u2029para\u202fnarrow",
        "U+FFFD replacement \ufffd char and private \ue000use\U000F0000",
        ("antidisestablishmentarianism" * 6)[:150],
        "short " + ("b" * 100) + " exact",
        "short " + ("b" * 101) + " over",
        "3.14159 2,718 1e-10 -42 +7 100% 1/2 12:30pm 1990s 2nd 3rd 0.5mg",
        "don't it's rock'n'roll o'clock well-known state-of-the-art — en–dash ‘quoted’ “double” can't won't",
        "https://www.example.com/path/to/page?query=1&lang=en#section and mail@example.org",
        "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
        "Η γρήγορη καφέ αλεπού ΟΔΟΣ Σίσυφος ΣΟΦΟΣ",
        "Съешь же ещё этих мягких французских булок, да выпей чаю. ЁЖИК",
        "مرحبا بالعالم، كيف حالك؟ ٱلْعَرَبِيَّة",
        "שָׁלוֹם עוֹלָם",
        "नमस्ते दुनिया, हिन्दी",
        "สวัสดีชาวโลก ภาษาไทย",
        "İstanbul ISTANBUL ıi Iİ",
        "Straße STRASSE ẞ groß",
        "[MASK] token and [CLS] inside [SEP] text [mask] [UNK] [PAD]",
        "ab[MASK]cd [MASK][MASK] [MAS K]",
        "¿Qué? ¡Hola! «guillemets» „Anführung“ 『括弧』 …ellipsis… •bullet · middle §5 ¶ †",
        "5 + 3 = 8 < 9 > 2 ± ∞ √ € £ ¥ © ® ™ ° ^ ` ~",
        "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３ ！",
        "ﬁne ﬂow Ⅻ ½ ² ㎏ ℃ Å K",
        "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͕ text",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 and 𠀀𠀁 ext-B \U0002B820\U0002B920 boundary",
        "xyz\U0001F9E0abc unmatched\u2603snowman",
        "unaffable Unbelievably tokenization WordPiece embeddings",
        "semi-supervised learning; low-rank adaptation (LoRA) of large language models",
        " leading and trailing spaces   ",
        "a",
        ".",
        "##",
        "##ing",
        "The dog's owner's dogs' bones",
    ]
    long_sentence = ("a member of the genus Canis that has been domesticated by man since prehistoric times; "
                     "occurs in many breeds and is kept as a pet or for hunting. ") * 6
    cases = [(t, None, None, None) for t in texts]
    cases += [
        (long_sentence, None, None, None),  # > 128 tokens: proves no default truncation
        (long_sentence, None, 32, None),
        ("a domesticated carnivorous mammal", None, 2, None),  # budget 0: [CLS] [SEP]
        ("a domesticated carnivorous mammal", None, 5, None),
        ("a domesticated carnivorous mammal", None, 512, None),
        ("What is a dog?", "a domesticated carnivorous mammal", None, None),
        ("dog", "a member of the genus Canis (probably descended from the common wolf)", None, None),
        ("", "nonempty pair after empty text", None, None),
        ("nonempty text with empty pair", "", None, None),  # transformers treats a falsy pair as no pair
        ("中文 café", "naïve ΟΔΟΣ", None, None),
        # pair truncation, longest_first (tokenizers' TruncationStrategy::LongestFirst)
        ("one two three four five", "six seven eight nine ten", 7, None),   # equal lengths, both cut, even budget
        ("one two three four five", "six seven eight nine ten", 8, None),   # equal lengths, odd budget
        ("one two three four five six seven eight", "nine ten", 9, None),  # only the first (longer) is cut
        ("one two", "three four five six seven eight nine ten", 9, None),  # only the second (longer) is cut
        ("one two three four five six seven eight", "nine ten eleven twelve", 8, None),  # both cut, first longer
        ("one two three four", "five six seven eight nine ten eleven twelve", 8, None),  # both cut, second longer
        ("one two three four five six seven eight", "nine ten eleven twelve", 9, None),  # both cut, odd budget
        ("one two three four", "five six seven eight nine ten eleven twelve", 9, None),
        ("one two three", "four five six", 3, None),  # budget 0
        ("one two three", "four five six", 4, None),  # budget 1
        ("one two three", "four five six", 9, None),  # fits exactly
        (long_sentence, glosses[2], 64, None),
        (glosses[1], long_sentence, 40, None),
    ]
    opts = [
        ({"lowercase": False, "strip_accents": None, "tokenize_chinese_chars": True}, "Hello World Café NAÏVE [MASK]"),
        ({"lowercase": False, "strip_accents": None, "tokenize_chinese_chars": True}, "ΟΔΟΣ İstanbul Straße"),
        ({"lowercase": False, "strip_accents": True, "tokenize_chinese_chars": True}, "Café Naïve Ångström"),
        ({"lowercase": False, "strip_accents": False, "tokenize_chinese_chars": True}, "café naïve"),
        ({"lowercase": True, "strip_accents": False, "tokenize_chinese_chars": True}, "Café ÅNGSTRÖM İstanbul"),
        ({"lowercase": True, "strip_accents": True, "tokenize_chinese_chars": True}, "Café ÅNGSTRÖM"),
        ({"lowercase": True, "strip_accents": None, "tokenize_chinese_chars": False}, "中文字符 mixed 中文,字符"),
        ({"lowercase": False, "strip_accents": None, "tokenize_chinese_chars": False}, "BERT模型is很好"),
    ]
    cases += [(t, None, None, o) for o, t in opts]
    return cases


def load_vocab(path):
    """vocab.txt as transformers' `load_vocab` reads it: one token per line, id = line index."""
    with open(path, "r", encoding="utf-8") as f:
        lines = f.readlines()
    return {line.rstrip("\n"): i for i, line in enumerate(lines)}


def encode(tok, text, pair, max_length, ids_only=False):
    kwargs = {"truncation": True, "max_length": max_length} if max_length is not None else {}
    enc = tok(text, pair, **kwargs) if pair is not None else tok(text, **kwargs)
    if ids_only:
        return list(enc["input_ids"])
    return list(enc["input_ids"]), list(enc["token_type_ids"])


def make_tokenizer_fixture(ckpt: Path, out: Path, unicode_section: dict):
    import tokenizers
    import transformers
    from transformers import AutoTokenizer
    from transformers.models.bert.tokenization_bert import BertTokenizer

    config = json.loads((ckpt / "tokenizer_config.json").read_text())
    vocab = load_vocab(ckpt / "vocab.txt")
    auto = AutoTokenizer.from_pretrained(str(ckpt))
    from_vocab = BertTokenizer(vocab=dict(vocab), do_lower_case=config.get("do_lower_case", True),
                               strip_accents=config.get("strip_accents"),
                               tokenize_chinese_chars=config.get("tokenize_chinese_chars", True))
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("vocab.txt", "tokenizer_config.json"):
            shutil.copy(ckpt / name, Path(tmp) / name)
        from_vocab_dir = BertTokenizer.from_pretrained(tmp)
    try:
        from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy
        legacy = BertTokenizerLegacy.from_pretrained(str(ckpt))
    except ImportError:
        legacy = None

    cases, legacy_diffs = [], []
    for index, (text, pair, max_length, options) in enumerate(tokenizer_cases()):
        if options is None:
            ids, type_ids = encode(auto, text, pair, max_length)
            for name, other in (("BertTokenizer(vocab=vocab.txt)", from_vocab),
                                ("BertTokenizer.from_pretrained(vocab.txt only)", from_vocab_dir)):
                if encode(other, text, pair, max_length) != (ids, type_ids):
                    sys.exit(f"case {index} {text!r}: {name} disagrees with AutoTokenizer")
            if legacy is not None:
                legacy_ids = encode(legacy, text, pair, max_length, ids_only=True)
                if legacy_ids != ids:
                    legacy_diffs.append({"case": index, "legacy_ids": legacy_ids})
        else:
            tok = BertTokenizer(vocab=dict(vocab), do_lower_case=options["lowercase"],
                                strip_accents=options["strip_accents"],
                                tokenize_chinese_chars=options["tokenize_chinese_chars"])
            ids, type_ids = encode(tok, text, pair, max_length)
        cases.append({"text": text, "pair": pair, "max_length": max_length, "options": options,
                      "ids": ids, "type_ids": type_ids})

    # The normalizer alone (no special-token split, no pre-tokenizer) on every default-option text plus strings whose
    # effect cannot show in ids: combining-mark order, marks newer than tokenizers' Unicode tables.
    from tokenizers.normalizers import BertNormalizer
    normalizer_cases = []
    extra = ["x\U0001D16D\U0001D165 stem", "a\u1DF6\u1DF9 new marks", "e\u0301\U00011938\u0301 dives akuru",
             "A\u0316\u0301\u0345 old marks", "\u00c5\u03a3\u0130\u1e9e\u212b\u2126", "\u0344\u0340\u0f73\u1e69",
             "\u1100\u1161\u11a8 \uac01 jamo vs syllable", "q\u0307\u0323 \u1e0b\u0323"]
    texts = [c["text"] for c in cases if c["options"] is None] + extra
    for options in [None, {"lowercase": False, "strip_accents": True, "tokenize_chinese_chars": True}]:
        o = options or {"lowercase": config.get("do_lower_case", True), "strip_accents": config.get("strip_accents"),
                        "tokenize_chinese_chars": config.get("tokenize_chinese_chars", True)}
        norm = BertNormalizer(clean_text=True, handle_chinese_chars=o["tokenize_chinese_chars"],
                              strip_accents=o["strip_accents"], lowercase=o["lowercase"])
        for text in dict.fromkeys(texts):
            normalized = norm.normalize_str(text)
            if options is None and auto.backend_tokenizer.normalizer.normalize_str(text) != normalized:
                sys.exit(f"{text!r}: the checkpoint's normalizer is not the configured BertNormalizer")
            normalizer_cases.append({"text": text, "options": options, "normalized": [ord(ch) for ch in normalized]})

    fixture = {
        "generator": {"script": "scripts/make-fixtures.py", "transformers": transformers.__version__,
                      "tokenizers": tokenizers.__version__, "checkpoint_tokenizer_config": config},
        "cases": cases,
        "normalizer_cases": normalizer_cases,
        "legacy_python_differences": legacy_diffs,
        "unicode": unicode_section,
    }
    # One case per line, everything ASCII-escaped (control and format characters survive any editor or parser).
    def dump(obj):
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    lines = ["{", f' "generator": {dump(fixture["generator"])},', ' "cases": [']
    lines += [f"  {dump(c)}," for c in cases[:-1]] + [f"  {dump(cases[-1])}", " ],"]
    lines += [' "normalizer_cases": ['] + [f"  {dump(c)}," for c in normalizer_cases[:-1]]
    lines += [f"  {dump(normalizer_cases[-1])}", " ],"]
    lines += [f' "legacy_python_differences": {dump(legacy_diffs)},', f' "unicode": {dump(unicode_section)}', "}"]
    write_text(out / "tokenizer-cases.json", "\n".join(lines) + "\n")
    print(f"tokenizer-cases.json: {len(cases)} cases, {len(legacy_diffs)} differ under BertTokenizerLegacy")


# ---------------------------------------------------------------------------------------------------------------------
# Per-code-point behaviour of the installed tokenizers' BertNormalizer / BertPreTokenizer


def ranges(code_points):
    out = []
    for c in sorted(code_points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def probe_unicode():
    """Measures, code point by code point, what tokenizers' Rust BertNormalizer and BertPreTokenizer do."""
    import tokenizers
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer

    clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    chinese = BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    pre = BertPreTokenizer()
    removed, to_space, cjk, punct, white, marks = [], [], [], [], [], []
    lowercase, decompose = {}, {}
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        r = clean.normalize_str(ch)
        if r == "":
            removed.append(c)
        elif r == " " and c != 0x20:
            to_space.append(c)
        if chinese.normalize_str(ch) != ch:
            cjk.append(c)
        pieces = len(pre.pre_tokenize_str("a" + ch + "a"))
        if pieces == 3:
            punct.append(c)
        elif pieces == 2:
            white.append(c)
        s = strip.normalize_str(ch)
        if s == "":
            marks.append(c)
        elif s != ch and not 0xAC00 <= c <= 0xD7A3:  # Hangul syllables decompose algorithmically; left out
            decompose[str(c)] = [ord(x) for x in s]
        low = lower.normalize_str(ch)
        if low != ch:
            lowercase[str(c)] = [ord(x) for x in low]
    return {
        "tokenizers": tokenizers.__version__,
        "removed_by_clean_text": ranges(removed),
        "whitespace_to_space": to_space,
        "whitespace": white,
        "punctuation": ranges(punct),
        "chinese": ranges(cjk),
        "nonspacing_marks": ranges(marks),
        "nfd_strip_except_hangul": decompose,
        "lowercase": lowercase,
    }


def swift_tables_source(u):
    def table(name, doc, rs):
        flat = [x for r in rs for x in r]
        rows = []
        for i in range(0, len(flat), 8):
            rows.append("        " + ", ".join(f"0x{x:05X}" for x in flat[i:i + 8]) + ",")
        return (f"    /// {doc}\n    static let {name}: [UInt32] = [\n" + "\n".join(rows) + "\n    ]\n")
    ws = ", ".join(f"0x{x:04X}" for x in u["whitespace"])
    return (
        "// GENERATED by scripts/make-fixtures.py --swift-tables (do not edit by hand).\n"
        f"// Measured from Hugging Face tokenizers {u['tokenizers']} (BertNormalizer / BertPreTokenizer), code point by\n"
        "// code point. Its category tests come from the `unicode_categories` 0.1.1 crate, whose tables predate\n"
        "// Unicode 10, so they are NOT the same as the toolchain's `Unicode.Scalar.Properties.generalCategory`\n"
        "// (which knows newer punctuation, marks and format characters). TokenizationTests checks these tables\n"
        "// against Tests/Fixtures/tokenizer-cases.json (\"unicode\").\n\n"
        "/// Code-point classes exactly as Hugging Face `tokenizers`' BERT normalizer and pre-tokenizer see them.\n"
        "/// Every table is a flat, sorted list of inclusive ranges: `[lo0, hi0, lo1, hi1, ...]`.\n"
        "enum BertUnicodeTables {\n"
        + table("removedByCleanText",
                "Dropped by `clean_text`: U+0000, U+FFFD and categories Cc, Cf, Co except tab, LF, CR.",
                u["removed_by_clean_text"]) + "\n"
        + table("punctuation",
                "Isolated by the pre-tokenizer: ASCII 33-47, 58-64, 91-96, 123-126 and categories Pc Pd Pe Pf Pi Po Ps.",
                u["punctuation"]) + "\n"
        + table("nonspacingMarks", "Removed after NFD when accents are stripped: category Mn.",
                u["nonspacing_marks"]) + "\n"
        + "    /// Split on by the pre-tokenizer and mapped to U+0020 by `clean_text` (Rust `char::is_whitespace`).\n"
        + f"    static let whitespace: [UInt32] = [{ws}]\n"
        + "}\n"
    )


# ---------------------------------------------------------------------------------------------------------------------
# Hidden states


def sig7(x):
    return float(f"{x:.7g}")


def matrix(t):
    return [[sig7(v) for v in row] for row in t.tolist()]


def make_hidden_state_fixture(ckpt: Path, out: Path):
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(ckpt))
    model = AutoModel.from_pretrained(str(ckpt), torch_dtype=torch.float32, attn_implementation="eager").eval()
    singles = [
        ("a domesticated carnivorous mammal", None),
        ("dog", "a domesticated carnivorous mammal that typically has a long snout"),
        ("a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man "
         "since prehistoric times; occurs in many breeds and is often kept as a pet or working animal", None),  # 42
        ("Le café naïve près de l'Ångström", None),
        ("(usually plural) a set of garments for wearing together", None),
        ("hello", None),
    ]
    entries = []
    with torch.no_grad():
        for text, pair in singles:
            enc = tok(text, pair, return_tensors="pt") if pair else tok(text, return_tensors="pt")
            h = model(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"],
                      attention_mask=enc["attention_mask"]).last_hidden_state[0]
            entries.append({"text": text, "pair": pair, "ids": enc["input_ids"][0].tolist(),
                            "type_ids": enc["token_type_ids"][0].tolist(), "last_hidden_state": matrix(h),
                            "pooled": [sig7(v) for v in h.mean(dim=0).tolist()]})
        batch_texts = ["a domesticated carnivorous mammal", "a small dog"]
        enc = tok(batch_texts, padding=True, return_tensors="pt")
        h = model(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"],
                  attention_mask=enc["attention_mask"]).last_hidden_state
        mask = enc["attention_mask"].to(torch.float32)
        pooled = (h * mask.unsqueeze(-1)).sum(dim=1) / mask.sum(dim=1, keepdim=True)
        batch = {"texts": batch_texts, "ids": enc["input_ids"].tolist(), "type_ids": enc["token_type_ids"].tolist(),
                 "attention_mask": enc["attention_mask"].tolist(), "items": []}
        for i in range(len(batch_texts)):
            n = int(enc["attention_mask"][i].sum())
            batch["items"].append({"length": n, "last_hidden_state": matrix(h[i, :n]),
                                   "masked_mean": [sig7(v) for v in pooled[i].tolist()]})
    digest = hashlib.sha256((ckpt / "model.safetensors").read_bytes()).hexdigest()
    fixture = {
        "generator": {"script": "scripts/make-fixtures.py", "transformers": transformers.__version__,
                      "torch": torch.__version__, "dtype": "float32", "attention": "eager",
                      "model_safetensors_sha256": digest, "rounding": "7 significant digits",
                      "pooled": "mean of last_hidden_state over all positions (batch of one, no padding)"},
        "singles": entries,
        "padded_batch": batch,
    }
    write_text(out / "minilm-hidden-states.json", json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"minilm-hidden-states.json: {len(entries)} texts + padded batch of {len(batch_texts)}")


def write_text(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main():
    import transformers
    transformers.logging.set_verbosity_error()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path, help="Hugging Face checkpoint directory (e.g. models/all-MiniLM-L6-v2)")
    ap.add_argument("--out", type=Path, default=REPO / "Tests" / "Fixtures", help="fixture directory")
    ap.add_argument("--swift-tables", type=Path, help="also write the generated Swift Unicode tables here")
    args = ap.parse_args()
    for name in ("vocab.txt", "tokenizer_config.json", "config.json", "model.safetensors"):
        if not (args.checkpoint / name).is_file():
            sys.exit(f"{args.checkpoint / name} is missing (run scripts/setup.sh first)")
    unicode_section = probe_unicode()
    if args.swift_tables:
        args.swift_tables.write_text(swift_tables_source(unicode_section), encoding="utf-8")
        print(f"wrote {args.swift_tables}")
    make_tokenizer_fixture(args.checkpoint, args.out, unicode_section)
    make_hidden_state_fixture(args.checkpoint, args.out)


if __name__ == "__main__":
    main()
