#!/usr/bin/env bash
# The README's main command, `vkc-classify assets/samples` with the bundled
# model, run by the aarch64 build under qemu-aarch64 on arm64 lavapipe, timed; its top-1 labels
# must be the samples' own (the class in each file name) and, with an x86-64 build given, the
# same top-5 classes as the x86 run. Test stage 4 runs it after the op tests, sharing their Mesa
# cache (MESA_SHADER_CACHE_DIR); run alone, Mesa's and vkception's caches start empty (a cold
# start, as on a fresh device).
# Usage: tools/arm64-check.sh [ARM64_BUILD=build-arm64] [X86_BUILD=build]
set -euo pipefail
cd "$(dirname "$0")/.."
ARM64=${1:-build-arm64}
X86=${2:-build}
WORK=$ARM64/arm64-check
rm -rf "$WORK"
mkdir -p "$WORK"

start=$SECONDS
VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.aarch64.json \
  MESA_SHADER_CACHE_DIR=${MESA_SHADER_CACHE_DIR:-$WORK/mesa-cache} XDG_CACHE_HOME=$WORK/cache \
  qemu-aarch64-static "$ARM64/bin/vkc-classify" --json assets/samples >"$WORK/arm64.jsonl"
echo "arm64 vkc-classify assets/samples: $((SECONDS - start)) s"
if [ -x "$X86/bin/vkc-classify" ]; then
  "$X86/bin/vkc-classify" --json assets/samples >"$WORK/x86.jsonl"
fi

/usr/bin/python3 - "$WORK/arm64.jsonl" "$WORK/x86.jsonl" <<'EOF'
import json, os, sys
def read(path):
    if not os.path.exists(path):
        return None
    return {os.path.basename(r["image"]): r["top"] for r in map(json.loads, open(path))}
arm64, x86 = read(sys.argv[1]), read(sys.argv[2])
bad = 0
for image, top in sorted(arm64.items()):
    expected = int(image.split("_")[0])  # 03_dress.png: class 3
    ok = top[0]["class"] == expected
    same = x86 is None or [t["class"] for t in top] == [t["class"] for t in x86[image]]
    worst = 0.0 if x86 is None else max(
        abs(a["probability"] - b["probability"]) for a, b in zip(top, x86[image]))
    print(f"{image:22} {top[0]['label']:12} {'ok' if ok else 'WRONG'}"
          + ("" if x86 is None else f"  top-5 {'same as' if same else 'DIFFERS from'} x86,"
             f" max |p - p_x86| {worst:.2e}"))
    bad += (not ok) + (not same)
if len(arm64) != 10:
    print(f"expected 10 samples, got {len(arm64)}")
    bad += 1
sys.exit(1 if bad else 0)
EOF
