#!/usr/bin/python3
"""The self-test as an outside check runs it: with VKC_TEST_CORRUPT_VARIANT=VARIANT,
`vkc-info --self-test --json` must exit 1 and report VARIANT failed (and no variant passed that
the fault touched), and then vkc-classify on the bundled model, testing at load, must still give
every sample its own class (check_samples.py). Each run gets a fresh cache folder, so nothing is
carried over from other tests.

usage: check_self_test.py VKC_INFO VKC_CLASSIFY SAMPLES_DIR VARIANT
"""
import json
import os
import subprocess
import sys
import tempfile

info, classify, samples, variant = sys.argv[1:5]
with tempfile.TemporaryDirectory() as cache:
    env = dict(os.environ, XDG_CACHE_HOME=cache, VKC_TEST_CORRUPT_VARIANT=variant)
    env.pop("VKC_SELF_TEST", None)  # the default: test at load
    run = subprocess.run([info, "--self-test", "--json"], env=env, capture_output=True, text=True)
    if run.returncode != 1:
        sys.exit(f"vkc-info --self-test exited {run.returncode}, want 1\n{run.stderr}")
    report = json.loads(run.stdout)
    statuses = {v["name"]: v["status"] for v in report["variants"]}
    if statuses.get(variant) != "failed":
        sys.exit(f"{variant}: {statuses.get(variant)!r} in the report, want 'failed'")
    for key in ("device", "driver"):
        if not report.get(key):
            sys.exit(f"the report has no {key}")
    print(f"{variant} failed, as it should: {report['variants'][0]['name']} ...", flush=True)
    # A fresh cache again: vkc-classify's load tests what it takes, finds the fault, falls back.
    with tempfile.TemporaryDirectory() as cache2:
        env["XDG_CACHE_HOME"] = cache2
        check = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_samples.py")
        sys.exit(subprocess.run(["/usr/bin/python3", check, classify, samples], env=env).returncode)
