#!/usr/bin/python3
"""Runs tests and fails on what their exit status does not show: skips, and too few tests.

  check-test-report.py ctest [checks] -- CTEST_ARGS...   ctest CTEST_ARGS --output-junit REPORT
  check-test-report.py gtest [checks] -- PROGRAM ARGS...  PROGRAM ARGS --gtest_output=json:REPORT

checks:
  --name NAME           what the log calls this run (default: the mode)
  --min N               at least N tests ran, skips not counted (default 1)
  --min-label LABEL=N   (ctest) at least N tests labelled LABEL ran; repeatable
  --allowed-skips FILE  the skips allowed: one regex a line, matched against the whole test
                        name, each after a '#' line that says why; every other skip fails
  --report FILE         keep the report there (default: a temporary file)

Exit status: 0 when the command exited 0, nothing was skipped outside the allowlist, the
minimums were met and (ctest) every test that `ctest CTEST_ARGS --show-only` lists is in the
report; else the command's own status, or 1. The counts are printed in every case.
Used by tools/run-tests.sh (every stage) and tests/CMakeLists.txt (the gtest-filtered entries).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def read_allowlist(path):
    """Compiled regexes of an allowlist file; an entry without a '#' reason line right above it
    is an error (so that every allowed skip says why)."""
    entries, reason = [], False
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                reason = False
            elif line.startswith("#"):
                reason = True
            elif not reason:
                sys.exit(f"{path}:{number}: '{line}' has no '#' line above it saying why")
            else:
                entries.append(re.compile(line))
    return entries


def ctest_results(report):
    """{name: ('passed' | 'failed' | 'skipped', why skipped)} from ctest's JUnit file. ctest
    writes status "run", "fail", "disabled" or "notrun": skipped (SKIP_RETURN_CODE,
    SKIP_REGULAR_EXPRESSION, which gtest_discover_tests sets for GTEST_SKIP) or not started (a
    missing program: a failure)."""
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        status, skipped = case.get("status"), case.find("skipped")
        why = skipped.get("message", "") if skipped is not None else status
        if status == "run":
            kind = "passed"
        elif status == "disabled" or (status == "notrun" and why.startswith("SKIP_")):
            kind = "skipped"
            lines = [l for l in (case.findtext("system-out") or "").splitlines() if "SKIP" in l]
            why += " " + (lines[-1].strip() if lines else "")
        else:
            kind = "failed"
        results[case.get("name")] = (kind, why.strip())
    return results


def gtest_results(report):
    """{name: ...} from GoogleTest's JSON file: failures listed, result SKIPPED, or status
    NOTRUN (a DISABLED_ test) -- a filter that matches nothing gives an empty report."""
    results = {}
    for suite in json.load(open(report)).get("testsuites", []):
        for test in suite.get("testsuite", []):
            name = suite["name"] + "." + test["name"]
            if test.get("failures"):
                results[name] = ("failed", "")
            elif test.get("result") == "SKIPPED" or test.get("status") == "NOTRUN":
                results[name] = ("skipped", test.get("result", ""))
            else:
                results[name] = ("passed", "")
    return results


def ctest_listing(ctest_args):
    """{name: [labels]} of the tests ctest would run with these arguments."""
    out = subprocess.run(["ctest", *ctest_args, "--show-only=json-v1"], check=True,
                         capture_output=True, text=True).stdout
    listing = {}
    for test in json.loads(out[out.index("{"):])["tests"]:
        props = {p["name"]: p["value"] for p in test.get("properties", [])}
        listing[test["name"]] = props.get("LABELS", [])
    return listing


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("mode", choices=["ctest", "gtest"])
    parser.add_argument("--name")
    parser.add_argument("--min", type=int, default=1)
    parser.add_argument("--min-label", action="append", default=[])
    parser.add_argument("--allowed-skips")
    parser.add_argument("--report")
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("no command after --")
    args = parser.parse_args(argv[:argv.index("--")])
    command = argv[argv.index("--") + 1:]
    name = args.name or args.mode
    allowed = read_allowlist(args.allowed_skips) if args.allowed_skips else []

    tmp = None
    report = args.report
    if not report:
        tmp = tempfile.TemporaryDirectory(prefix="vkc-report.")
        report = os.path.join(tmp.name, "report")
    report = os.path.abspath(report)
    if os.path.exists(report):
        os.remove(report)  # never read a previous run's report
    if args.mode == "ctest":
        rc = subprocess.run(["ctest", *command, "--output-junit", report]).returncode
    else:
        rc = subprocess.run([*command, f"--gtest_output=json:{report}"]).returncode
    sys.stdout.flush()

    problems = []
    if rc != 0:
        problems.append(f"the command exited with status {rc}")
    results = {}
    if not os.path.exists(report):
        problems.append(f"no report ({report})")
    else:
        results = (ctest_results if args.mode == "ctest" else gtest_results)(report)
    count = {k: sum(1 for r, _ in results.values() if r == k) for k in ("passed", "failed")}
    ran = count["passed"] + count["failed"]
    skipped = sorted(n for n, (r, _) in results.items() if r == "skipped")
    unexpected = [n for n in skipped if not any(p.fullmatch(n) for p in allowed)]
    print(f"=== {name}: {ran} run ({count['passed']} passed, {count['failed']} failed), "
          f"{len(skipped)} skipped ({len(skipped) - len(unexpected)} allowed)")
    for n in unexpected:
        problems.append(f"skipped, and not in the allowlist: {n} ({results[n][1]})")
    if ran < args.min:
        problems.append(f"{ran} tests ran, fewer than the {args.min} this run must have")

    if args.mode == "ctest" and results:
        listing = ctest_listing(command)
        for n in sorted(set(listing) - set(results)):
            problems.append(f"listed by ctest but not in the report: {n}")
        labels = {}
        for n, (r, _) in results.items():
            for label in listing.get(n, []):
                if r != "skipped":
                    labels[label] = labels.get(label, 0) + 1
        print(f"=== {name}: by label: " +
              (", ".join(f"{k} {v}" for k, v in sorted(labels.items())) or "none"))
        for spec in args.min_label:
            label, _, least = spec.partition("=")
            if labels.get(label, 0) < int(least):
                problems.append(f"{labels.get(label, 0)} tests labelled '{label}' ran, fewer than "
                                f"{least} (configured without them? see the cmake output)")
    elif args.min_label:
        problems.append("--min-label needs ctest mode")

    for p in problems:
        print(f"=== {name}: FAIL: {p}")
    if problems:
        sys.exit(rc if rc != 0 else 1)


if __name__ == "__main__":
    main()
