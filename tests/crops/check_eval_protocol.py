#!/usr/bin/python3
"""vkc-eval's paper-protocol options on the bundled samples (labels from their NN_ prefix):
a `path label` list and the same as CSV give identical probabilities (--save-probs, float32
[N, classes], rows summing to 1), --exclude leaves out the named 1-based images, a missing image
is skipped and the rest evaluated (exit 1), and bad --exclude / --ensemble / --crops values are
errors naming the problem.

    check_eval_protocol.py VKC_EVAL ASSETS_DIR WORK_DIR
"""
import json
import os
import subprocess
import sys

import numpy as np

failures = 0


def check(ok, what):
    global failures
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    failures += 0 if ok else 1


def run(vkc_eval, *args):
    return subprocess.run([vkc_eval, *args], capture_output=True, text=True)


def main():
    vkc_eval, assets, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    os.makedirs(work, exist_ok=True)
    samples = sorted(f for f in os.listdir(os.path.join(assets, "samples")) if f.endswith(".png"))
    listed = [(os.path.join(assets, "samples", f), int(f[:2])) for f in samples]
    plain = os.path.join(work, "val.txt")
    with open(plain, "w") as f:
        f.writelines("%s %d\n" % item for item in listed)
    csv = os.path.join(work, "val.csv")
    with open(csv, "w") as f:
        f.write("filename,label\n")
        f.writelines("%s,%d\n" % item for item in listed)

    results = {}
    for name, path in (("list", plain), ("csv", csv)):
        out = os.path.join(work, name + ".f32")
        r = run(vkc_eval, "--val-list", path, "--crops", "12", "--json", "--save-probs", out)
        check(r.returncode == 0, "%s: exit %d %s" % (name, r.returncode, r.stderr.strip()))
        if r.returncode != 0:
            continue
        j = json.loads(r.stdout)
        row = j["table"][0]
        check(j["images"] == len(listed) and row["crops"] == 12 and row["images"] == len(listed),
              "%s: %d images, %d crops in the table" % (name, row["images"], row["crops"]))
        p = np.fromfile(out, dtype=np.float32).reshape(-1, j["classes"])
        check(p.shape[0] == len(listed), "%s: --save-probs holds %d rows" % (name, p.shape[0]))
        # fp32 probabilities of 10 classes, each within a few ulp: the sum within 1e-5 of 1.
        check(np.abs(p.sum(1) - 1).max() < 1e-5, "%s: rows sum to 1" % name)
        results[name] = p
    if len(results) == 2:
        check((results["list"] == results["csv"]).all(), "list and CSV give identical rows")

    exclude = os.path.join(work, "exclude.txt")
    with open(exclude, "w") as f:
        f.write("2\n# a comment\n10\n")
    r = run(vkc_eval, "--val-list", plain, "--crops", "12", "--exclude", exclude, "--json")
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    check(j.get("images") == len(listed) - 2 and j.get("excluded") == 2,
          "--exclude: %s images, %s excluded" % (j.get("images"), j.get("excluded")))

    with open(exclude, "w") as f:
        f.write("3\nthree\n")
    r = run(vkc_eval, "--val-list", plain, "--exclude", exclude)
    check(r.returncode == 1 and "exclude.txt:2" in r.stderr, "bad --exclude line named")

    missing = os.path.join(work, "missing.txt")
    with open(missing, "w") as f:
        f.writelines("%s %d\n" % item for item in listed)
        f.write("no_such_image.png 3\n")
    r = run(vkc_eval, "--val-list", missing, "--json")
    j = json.loads(r.stdout) if r.stdout.strip() else {}
    check(r.returncode == 1 and j.get("images") == len(listed) and "no_such_image" in r.stderr,
          "a missing image skipped, the rest evaluated (exit %d)" % r.returncode)

    r = run(vkc_eval, "--val-list", plain, "--ensemble", "inception_v4")
    check(r.returncode == 1 and "NAME:FILE" in r.stderr, "bad --ensemble item named")
    r = run(vkc_eval, "--val-list", plain, "--crops", "7")
    check(r.returncode == 2 and "--crops" in r.stderr, "--crops 7 is a usage error")
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
