#!/usr/bin/python3
"""Mutation check: each deliberate bug below must make the test suite fail.

Copies the checkout (tracked and untracked, not ignored, files) to WORK/src, builds vkc-tests
there once (WORK/build, Release), then for each mutation: applies it, rebuilds, runs the tests
that must catch it through tools/check-test-report.py (so a skip or an empty filter is a failure,
as in CI), restores the file and reports "caught" or "MISSED". Exit 1 when any mutation is
missed. Run by hand after changing the suite (about 15 minutes on 2 cores, most of it the first
build); its output goes in the issue's note.

usage: tools/mutation-check.py [--work DIR] [--only NAME[,NAME...]]
"""
import argparse
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (file, text to find, its replacement, what it models, gtest filter, environment)
MUTATIONS = {
    "nan_logit": (
        "shaders/linear.comp",
        "y[p.outOffset + co * plane + n] = ACT(epilogue(e, acc[j], b, r));",
        "y[p.outOffset + co * plane + n] ="
        " ACT(co == 7 ? uintBitsToFloat(0x7fc00000u) : epilogue(e, acc[j], b, r));",
        "the classifier writes NaN into one logit of every image",
        "Models/SmallNetworkTest.*:WeightsFileTest.LoadsGoldenWeights*", {}),
    "second_chunk_offset": (
        "src/api/network.cpp",
        "submit(chunkProgram, size_t(start) * 3",
        "submit(chunkProgram, size_t(start > 0 ? start - 1 : 0) * 3",
        "every chunk after the first reads its input one image early",
        "Models/MinimumLimitsTest.*/3", {}),
    "dropped_product": (
        "shaders/conv1x1.comp",
        "const bool inside = ci + k < p.inC;",
        "const bool inside = ci + k < p.inC && ci + k != (p.inC >= 2048 ? p.inC - 1 : -1);",
        "1x1 convolutions with K >= 2048 drop one product of each sum",
        "Ops/*large_1x1_2080*", {}),
    "skipped_variant": (
        "tests/support/op_variants.cpp",
        "std::string unavailable(const OpVariant& variant) {",
        "std::string unavailable(const OpVariant& variant) {\n"
        "  if (variant.id == \"storage_fp32_small\") return \"switched off\";",
        "one op variant skips all its cases",
        "Ops/*storage_fp32_small*", {}),
}


def run(command, **kwargs):
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, **kwargs)


def copy_checkout(work):
    source = os.path.join(work, "src")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    files = set(filter(None, files))
    for directory, _, names in os.walk(source):  # files the checkout no longer has
        for name in names:
            path = os.path.join(directory, name)
            if os.path.relpath(path, source) not in files:
                os.remove(path)
    for name in files:
        origin, target = os.path.join(ROOT, name), os.path.join(source, name)
        if not os.path.isfile(origin):
            continue
        if os.path.exists(target) and open(origin, "rb").read() == open(target, "rb").read():
            continue  # unchanged: keep its time stamp, so the build stays incremental
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(origin, target)
    return source


def build(source, build_dir):
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        run(["cmake", "-S", source, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
             "-DVKC_BUILD_APPS=OFF"], check=True, stdout=subprocess.DEVNULL)
    return run(["cmake", "--build", build_dir, "-j", str(os.cpu_count()), "--target",
                "vkc-tests"], stdout=subprocess.DEVNULL).returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/tmp/vkc-mutants")
    parser.add_argument("--only")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(MUTATIONS)
    source = copy_checkout(args.work)
    build_dir = os.path.join(args.work, "build")
    if not build(source, build_dir):
        sys.exit("the unmutated copy does not build")
    results = {}
    for name in names:
        path, old, new, what, test_filter, env = MUTATIONS[name]
        file = os.path.join(source, path)
        original = open(file).read()
        if original.count(old) != 1:
            sys.exit(f"{name}: '{old}' is not in {path} exactly once: update the mutation")
        try:
            open(file, "w").write(original.replace(old, new))
            if not build(source, build_dir):  # a mutation must be a bug, not a build error
                results[name] = "BROKEN (does not build: update the mutation)"
                continue
            tests = run(["/usr/bin/python3", os.path.join(ROOT, "tools/check-test-report.py"),
                         "gtest", "--name", name, "--",
                         os.path.join(build_dir, "bin/vkc-tests"), "--gtest_filter=" + test_filter],
                        env={**os.environ, "VKC_VALIDATION": "1", **env},
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            summary = [l for l in tests.stdout.splitlines() if l.startswith(("===", "FAIL"))]
            print("\n".join(summary[-6:]))
            results[name] = "caught" if tests.returncode != 0 else "MISSED"
        finally:
            open(file, "w").write(original)
        print(f"--- {name} ({what}): {results[name]}", flush=True)
    build(source, build_dir)  # leave the copy built unmutated
    print("\nmutation check:")
    for name in names:
        print(f"  {name:20} {results[name]:7} {MUTATIONS[name][3]}")
    return 0 if all(r == "caught" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
