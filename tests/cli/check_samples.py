#!/usr/bin/python3
"""vkc-classify on the bundled samples: each file is named NN_label.png, NN being its class
index, and every sample's top-1 must be that class (the bundled model gets all ten right with
probability 0.88 or more). With --same-as-fp32 the run is also repeated in fp32 and each image's
top-1 must agree between the two.

usage: check_samples.py [--same-as-fp32] VKC_CLASSIFY SAMPLES_DIR [vkc-classify options...]"""
import json
import os
import subprocess
import sys


def classify(program, samples, options):
    run = subprocess.run([program, "--json", "--top", "1", *options, samples],
                         capture_output=True, text=True)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        sys.exit(f"FAIL: {program} exited {run.returncode}")
    return {os.path.basename(r["image"]): r["top"][0] for r in map(json.loads, run.stdout.split("\n")[:-1])}


def main():
    args = sys.argv[1:]
    same_as_fp32 = args[:1] == ["--same-as-fp32"]
    if same_as_fp32:
        args = args[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    program, samples, options = args[0], args[1], args[2:]
    names = sorted(f for f in os.listdir(samples) if f.endswith(".png"))
    got = classify(program, samples, options)
    failures = []
    if sorted(got) != names:
        failures.append(f"classified {sorted(got)}, expected {names}")
    for name in names:
        top = got.get(name)
        if top is None or top["class"] != int(name.split("_")[0]):
            failures.append(f"{name}: top-1 {top}")
    if same_as_fp32:
        fp32 = classify(program, samples, [o for o in options if o not in ("fp16", "--precision")])
        for name in names:
            if got.get(name, {}).get("class") != fp32.get(name, {}).get("class"):
                failures.append(f"{name}: top-1 {got.get(name)} but fp32 {fp32.get(name)}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(names)} samples, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
