#!/usr/bin/env bash
# One command-line test case: runs PROGRAM with ARGS and checks its exit status and output.
#
#   run_cli_case.sh [checks] -- PROGRAM [ARGS...]
#     --rc N          expected exit status (required)
#     --stderr TEXT   stderr must contain TEXT
#     --stdout TEXT   stdout must contain TEXT
#     --json          stdout must parse as JSON
#     --unique-stderr no line of stderr appears twice
#     --env VAR=VAL   set VAR for the program
#
# "@T@" in ARGS, TEXT or VAL stands for a fresh temp dir holding generated fixtures (below),
# so no broken file is committed. A status above 128 (killed by a signal) always fails. Exits 0
# (pass) or 1 (fail), 2 on a usage error; never skips.
set -u

expected_rc="" stderr_text=() stdout_text=() want_json=0 unique_stderr=0 envs=()
while [[ $# -gt 0 && $1 != "--" ]]; do
  case $1 in
    --rc) expected_rc=$2; shift 2 ;;
    --stderr) stderr_text+=("$2"); shift 2 ;;
    --stdout) stdout_text+=("$2"); shift 2 ;;
    --json) want_json=1; shift ;;
    --unique-stderr) unique_stderr=1; shift ;;
    --env) envs+=("$2"); shift 2 ;;
    *) echo "run_cli_case.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 2 || -z $expected_rc ]]; then
  echo "usage: run_cli_case.sh --rc N [checks] -- PROGRAM [ARGS...]" >&2
  exit 2
fi
shift  # the "--"

python=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vkc-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Fixtures: a good PNG, broken images, broken weights, a raw tensor of the wrong size, IDX
# files and image folders. Deterministic (fixed seed), so a "random" file can never
# happen to decode.
mkdir -p "$tmp/empty_dir" && echo "not an image" >"$tmp/empty_dir/readme.txt"
echo "this is a text file, not safetensors" >"$tmp/not_weights.safetensors"
head -c 1000 /dev/zero >"$tmp/wrong_size.f32"
head -c $((3 * 75 * 75 * 4)) /dev/zero >"$tmp/zeros75.f32"  # one 75x75 image
"$python" - "$tmp" <<'EOF' || { echo "FAIL: could not generate fixtures"; exit 1; }
import gzip, json, os, random, struct, sys, zlib
d = sys.argv[1]
rng = random.Random(7)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

# 28x28 8-bit gray PNG of noise (incompressible, so cutting it in half cuts the pixel data).
rows = b"".join(b"\0" + bytes(rng.randrange(256) for _ in range(28)) for _ in range(28))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
open(d + "/good.png", "wb").write(png)
open(d + "/truncated.png", "wb").write(png[:len(png) // 2])
open(d + "/x.png", "wb").write(bytes(rng.randrange(256) for _ in range(4096)))
# A valid but 3x3 image: too small to classify.
tiny = b"".join(b"\0" + bytes(3) for _ in range(3))
open(d + "/tiny.png", "wb").write(b"\x89PNG\r\n\x1a\n" +
                                   chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 3, 8, 0, 0, 0, 0)) +
                                   chunk(b"IDAT", zlib.compress(tiny)) + chunk(b"IEND", b""))

# A valid one-tensor safetensors file, then the same cut inside its data.
header = json.dumps({"t": {"dtype": "F32", "shape": [64], "data_offsets": [0, 256]}}).encode()
header += b" " * (-len(header) % 8)
st = struct.pack("<Q", len(header)) + header + bytes(256)
open(d + "/truncated.safetensors", "wb").write(st[:len(st) - 100])

def idx(path, dims, data):
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", n) for n in dims) + data)
idx(d + "/images.idx.gz", [3, 28, 28], bytes(3 * 28 * 28))
idx(d + "/labels3.idx.gz", [3], bytes([0, 1, 2]))
idx(d + "/labels4.idx.gz", [4], bytes([0, 1, 2, 3]))

# ImageFolder trees: "T-shirt/top" is spelled T-shirt_top on disk.
for sub, data in [("folder/T-shirt_top/good.png", png), ("folder/Bag/x.png", bytes(64)),
                  ("folder/Bag/notes.txt", b"not an image\n"),
                  ("folder_unknown/NotAClass/good.png", png)]:
    os.makedirs(os.path.dirname(d + "/" + sub), exist_ok=True)
    open(d + "/" + sub, "wb").write(data)
EOF

subst() { printf '%s' "${1//@T@/$tmp}"; }
cmd=()
for a in "$@"; do cmd+=("$(subst "$a")"); done
env_args=()
for e in "${envs[@]+"${envs[@]}"}"; do env_args+=("$(subst "$e")"); done

echo "running: ${env_args[*]+"${env_args[*]} "}${cmd[*]}"
env "${env_args[@]+"${env_args[@]}"}" "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
rc=$?
echo "--- exit status $rc; stdout (first 40 lines):"
head -n 40 "$tmp/stdout"
echo "--- stderr:"
cat "$tmp/stderr"
echo "---"

fail=0
if ((rc > 128)); then
  echo "FAIL: killed by signal $((rc - 128))"
  fail=1
elif [[ $rc != "$expected_rc" ]]; then
  echo "FAIL: exit status $rc, expected $expected_rc"
  fail=1
fi
for t in "${stderr_text[@]+"${stderr_text[@]}"}"; do
  t=$(subst "$t")
  if ! grep -qF -- "$t" "$tmp/stderr"; then echo "FAIL: stderr lacks '$t'"; fail=1; fi
done
for t in "${stdout_text[@]+"${stdout_text[@]}"}"; do
  t=$(subst "$t")
  if ! grep -qF -- "$t" "$tmp/stdout"; then echo "FAIL: stdout lacks '$t'"; fail=1; fi
done
# Blank lines and rules of dashes (LeakSanitizer's suppression report in sanitizer builds) aside.
repeated=$(grep -v -e '^-*$' "$tmp/stderr" | sort | uniq -d)
if ((unique_stderr)) && [[ -n $repeated ]]; then
  echo "FAIL: stderr repeats lines:"
  echo "$repeated"
  fail=1
fi
if ((want_json)) && ! "$python" -m json.tool "$tmp/stdout" >/dev/null; then
  echo "FAIL: stdout is not valid JSON"
  fail=1
fi
((fail)) && exit 1
echo "PASS"
exit 0
