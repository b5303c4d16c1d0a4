#!/usr/bin/env python3
"""Classifies the crafted OLD/NEW pairs of `xtask/tests/diff.rs` (one per
rule of `cargo xtask diff`) with our diff and with Atlassian's openapi-diff
(npm, pure JavaScript), and prints a markdown table side by side.

Why openapi-diff: the issue asked for `@pb33f/openapi-changes` or oasdiff.
The npm package of the former downloads its Go binary from github.com in
`postinstall`, and oasdiff ships only Go binaries and sources; neither
installs on a machine that reaches npm but not GitHub or a Go toolchain.
openapi-diff is installable from npm alone and classifies each change as
breaking, non-breaking or unclassified, which is close enough to compare.

Usage: python3 xtask/compare/run.py [--keep DIR]
Needs cargo, node and npm; installs openapi-diff into a temporary folder.
Not part of CI: it reaches the npm registry.
"""

import json
import os
import subprocess
import sys
import tempfile

OPENAPI_DIFF = "openapi-diff@0.24.1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEVELS = ["breaking", "warning", "compatible"]


def run(args, **kw):
    return subprocess.run(args, cwd=kw.pop("cwd", ROOT), capture_output=True, text=True, **kw)


def ours(old, new):
    out = run(["cargo", "xtask", "diff", old, new, "--format", "json"])
    if out.returncode != 0:
        # Each side goes through the pipeline, whose validation may refuse it.
        error = out.stderr.strip().splitlines()[-1]
        return "refused", [error.replace("|", "\\|")]
    changes = json.loads(out.stdout)
    worst = next((l for l in LEVELS if any(c["level"] == l for c in changes)), "none")
    return worst, sorted({f'{c["level"]} {c["rule"]}' for c in changes})


def theirs(tool, old, new):
    out = run([tool, old, new])
    text = out.stdout
    start = text.find("{")
    if "No changes found" in text:
        return "none", []
    if start < 0:
        return "error", [text.strip() or out.stderr.strip()]
    result = json.loads(text[start:])
    found = []
    for key, label in [
        ("breakingDifferences", "breaking"),
        ("unclassifiedDifferences", "unclassified"),
        ("nonBreakingDifferences", "non-breaking"),
    ]:
        for d in result.get(key) or []:
            found.append((label, d.get("code", "?")))
    worst = next(
        (l for l in ["breaking", "unclassified", "non-breaking"] if any(f[0] == l for f in found)),
        "none",
    )
    return worst, sorted({f"{l} {c}" for l, c in found})


def main():
    keep = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--keep" else None
    work = keep or tempfile.mkdtemp(prefix="xtask-compare-")
    pairs = os.path.join(work, "pairs")
    env = dict(os.environ, XTASK_DIFF_PAIRS=pairs)
    # Every per-rule case of the diff tests writes its pair.
    out = run(["cargo", "test", "-q", "-p", "xtask", "--test", "diff"], env=env)
    if out.returncode != 0:
        sys.exit(f"writing the pairs failed:\n{out.stdout}\n{out.stderr}")
    tool = os.path.join(work, "node_modules", ".bin", "openapi-diff")
    if not os.path.exists(tool):
        out = run(["npm", "install", "--no-audit", "--no-fund", "--prefix", work, OPENAPI_DIFF])
        if out.returncode != 0:
            sys.exit(f"npm install {OPENAPI_DIFF} failed:\n{out.stderr}")
    run(["cargo", "build", "-q", "-p", "xtask"])

    print(f"| pair | `cargo xtask diff` | {OPENAPI_DIFF} | same worst level |")
    print("| --- | --- | --- | --- |")
    same = 0
    names = sorted(os.listdir(pairs))
    for name in names:
        old, new = (os.path.join(pairs, name, f) for f in ("old.json", "new.json"))
        (ours_worst, ours_found), (their_worst, their_found) = ours(old, new), theirs(tool, old, new)
        mapped = {"breaking": "breaking", "unclassified": "warning", "non-breaking": "compatible"}
        if their_worst == "none":
            verdict = "not detected by openapi-diff"
        elif ours_worst == "refused":
            verdict = "not compared (our pipeline refuses NEW)"
        elif mapped.get(their_worst) == ours_worst:
            verdict = "yes"
            same += 1
        else:
            verdict = "**no**"
        print(
            f"| {name} | {'<br>'.join(ours_found)} | {'<br>'.join(their_found) or '(no change found)'} "
            f"| {verdict} |"
        )
    print(f"\n{same} of {len(names)} pairs get the same worst level from both "
          "(their unclassified counted as our warning, non-breaking as compatible).")


if __name__ == "__main__":
    main()
