#!/usr/bin/python3
"""Checks the relative links of the Markdown documentation: every [text](target) and
![image](target) in README.md, docs/ and benchmarks/ (or the files given) must name a file or
folder that exists, and a #fragment must name a heading of its target (GitHub's anchors).
Prints each broken link as FILE:LINE: TARGET (why) and exits 1 if there is one.
Usage: tools/check-doc-links.py [FILE.md ...]   (run from anywhere; run by hand)"""
import glob
import os
import re
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def anchors(path):
    """GitHub's heading anchors of a Markdown file: lower case, punctuation dropped, spaces as -."""
    found, counts, fenced = set(), {}, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fenced = not fenced
            m = None if fenced else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            slug = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
            n = counts.get(slug, 0)
            counts[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def check(path):
    problems, fenced = [], False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.startswith("```"):
                fenced = not fenced
            if fenced or line.startswith("    "):
                continue
            for target in LINK.findall(line):
                if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                    continue
                file, _, fragment = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
                if not os.path.exists(resolved):
                    problems.append(f"{path}:{number}: {target} (no such file)")
                elif fragment and resolved.endswith(".md") and fragment not in anchors(resolved):
                    problems.append(f"{path}:{number}: {target} (no heading #{fragment})")
    return problems


def main():
    files = sys.argv[1:] or ([os.path.join(REPO, "README.md")] +
                             sorted(glob.glob(os.path.join(REPO, "docs", "*.md"))) +
                             sorted(glob.glob(os.path.join(REPO, "benchmarks", "**", "*.md"),
                                              recursive=True)))
    problems = [p for f in files for p in check(f)]
    for p in problems:
        print(os.path.relpath(p, REPO) if p.startswith(REPO) else p)
    print(f"{len(files)} files, {len(problems)} broken links")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
