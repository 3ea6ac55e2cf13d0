#!/usr/bin/env bash
# The wheel `pip install .` makes, as a user gets it: built from the checkout (pyproject.toml,
# setup.py) with the _vkception of this build (VKC_PREBUILT_DIR: no second library build),
# installed into a fresh venv (system site packages, for numpy/torch/pytest offline), then
#   - `import vkception` is the venv's copy, and assets_dir() is the wheel's own assets;
#   - tests/python/test_vkception.py passes against it;
#   - `python -m vkception SOURCE/assets/samples` gives every sample vkc-classify's top-1.
# Usage: check_wheel.sh SOURCE_DIR BUILD_DIR VKC_CLASSIFY
set -euo pipefail
source_dir=$1 build_dir=$(cd "$2" && pwd) classify=$3
python=/usr/bin/python3
work=$build_dir/python-wheel-test
rm -rf "$work" "$build_dir/python-wheel-build"
mkdir -p "$work"
unset PYTHONPATH VKC_ASSETS_DIR

step() { echo "== $* ($SECONDS s)"; }
step "pip wheel"
(cd "$source_dir" && VKC_PREBUILT_DIR=$build_dir "$python" -m pip wheel -q --no-build-isolation \
  --no-deps --no-index -w "$work/dist" .)
wheel=("$work"/dist/vkception-*.whl)
step "venv, pip install ${wheel[0]##*/}"
"$python" -m venv --system-site-packages --without-pip "$work/venv"
venv_python=$work/venv/bin/python
"$venv_python" -m pip install -q --no-deps --no-index "${wheel[0]}"

cd "$work"  # nothing importable as vkception here but the venv's
step "import"
"$venv_python" - "$work/venv" <<'EOF'
import os, sys
import vkception
package = os.path.dirname(vkception.__file__)
assert package.startswith(sys.argv[1]), f"imported {package}, not the venv's"
assert vkception.assets_dir() == os.path.join(package, "assets"), vkception.assets_dir()
assert os.path.isfile(os.path.join(vkception.assets_dir(), "fashion_mnist_irv2.safetensors"))
print(f"vkception {vkception.__version__} from {package}")
EOF

step "pytest tests/python/test_vkception.py"
VKC_ASSETS=$source_dir/assets VKC_CLASSIFY=$classify PYTHONPATH=$source_dir/tests/python \
  "$venv_python" -m pytest -q -p no:cacheprovider "$source_dir/tests/python/test_vkception.py"

step "python -m vkception vs vkc-classify"
samples=$source_dir/assets/samples
"$venv_python" -m vkception --json "$samples" >"$work/python.jsonl"
"$classify" --json "$samples" >"$work/classify.jsonl"
"$python" - "$work/python.jsonl" "$work/classify.jsonl" <<'EOF'
import json, sys
def top1(path):
    return {r["image"]: (r["top"][0]["class"], r["top"][0]["label"]) for r in map(json.loads, open(path))}
python, classify = top1(sys.argv[1]), top1(sys.argv[2])
assert len(classify) == 10 and python == classify, f"python -m vkception {python}\nvkc-classify {classify}"
print(f"{len(python)} samples: the same top-1 as vkc-classify")
EOF
step "PASS"
