"""The README's promise, drilled: a compatible vendor change fails the
snapshot tests and nowhere else.

The workspace imports the S3 page as published plus one optional response
property (`S3Object.checksum_sha256`, a string), as a maintainer would
(`cargo xtask import PAGE --generate`), then runs the README's test command
with `--no-fail-fast`. It must fail, compile everywhere, and fail in
`-p xtask --test snapshots` only.

In place, not in a copy: a copy sharing this target folder is not rebuilt
(Cargo names a workspace crate's artifacts by its path inside the workspace,
and the copied sources keep their times), so its tests would run this
workspace's binaries; a copy with its own target builds everything again.
In place, one build of the crates the change touches. The paths it writes
must be clean in git (it refuses otherwise) and are restored from git
afterwards, whatever happens.

Usage: python3 .ci/drill.py   (from anywhere; exit 0 when the promise holds)
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "xtask/tests/fixtures/s3.md"  # the S3 page as published
SNAPSHOTS = "-p xtask --test snapshots"
PROPERTY = "checksum_sha256"


def fail(message: str) -> None:
    print(f"drill: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def changed_page(text: str) -> str:
    """The page with one optional property added to S3Object's schema."""
    changed = 0

    def edit(match: re.Match) -> str:
        nonlocal changed
        document = json.loads(match.group(1))
        schema = document.get("components", {}).get("schemas", {}).get("S3Object")
        if schema is None:
            return match.group(0)
        if PROPERTY in schema["properties"]:
            fail(f"S3Object already has `{PROPERTY}`: pick another property")
        schema["properties"][PROPERTY] = {
            "type": "string",
            "description": "SHA-256 of the object, base64.",
        }
        changed += 1
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return f"```json\n{body}\n```"

    text = re.sub(r"```json\n(.*?)\n```", edit, text, flags=re.S)
    if changed == 0:
        fail(f"no document of {PAGE} defines S3Object")
    return text


# What a regeneration writes (and insta's pending snapshots): clean before,
# restored after.
WRITTEN = ["openapi", "kizen-api", "kizen-api-httpmock", "kizen-cli", "xtask/tests/snapshots"]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout


def cargo(*args: str) -> subprocess.CompletedProcess:
    """Its standard error in its standard output, in the order written (a
    test binary's name, then its results)."""
    print(f"drill: cargo {' '.join(args)}", flush=True)
    return subprocess.run(
        ["cargo", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def xtask(*args: str) -> subprocess.CompletedProcess:
    """`cargo xtask ARGS`, run from the binary `cargo test --workspace` built
    when there is one (`.ci/run` builds it first): `cargo xtask` builds the
    package alone, with other features of the shared dependencies, which is
    a second build of the generator (about 5 minutes on CI's 2 cores)."""
    built = ROOT / "target/debug/xtask"
    if not built.exists():
        return cargo("xtask", *args)
    print(f"drill: target/debug/xtask {' '.join(args)}", flush=True)
    return subprocess.run([str(built), *args], cwd=ROOT, capture_output=True, text=True)


def main() -> None:
    dirty = git("status", "--porcelain", "--", *WRITTEN)
    if dirty:
        fail(f"these paths must be clean in git, the drill rewrites them:\n{dirty}")
    try:
        drill()
    finally:
        git("checkout", "--", *WRITTEN)
        git("clean", "-fdq", "--", *WRITTEN)
        print("drill: restored " + ", ".join(WRITTEN) + " from git")


def drill() -> None:
    with tempfile.TemporaryDirectory(prefix="kizen-drill-") as tmp:
        page = Path(tmp) / "s3.md"
        page.write_text(changed_page(PAGE.read_text()))

        imported = xtask("import", str(page), "--generate")
        if imported.returncode != 0:
            fail(f"the import failed:\n{imported.stderr or imported.stdout}")
        client = (ROOT / "kizen-api/src/generated.rs").read_text()
        if PROPERTY not in client:
            fail(f"the regenerated client has no `{PROPERTY}`")

        tests = cargo("test", "--workspace", "--no-fail-fast")
        output = tests.stdout
        if tests.returncode == 0:
            fail("every test passed: the snapshot tests did not see the change")
        if "could not compile" in output or re.search(r"^error\[E\d+\]", output, re.M):
            fail(f"something no longer compiles:\n{output[-6000:]}")
        failed = set(re.findall(r"`(-p [^`]+)`", output))
        if failed != {SNAPSHOTS}:
            fail(f"failed targets {sorted(failed)}, expected only `{SNAPSHOTS}`:\n{output[-6000:]}")
        built = re.search(r"Finished `test` profile .* in (.+)$", output, re.M)
        print(f"drill: the crates the change touched rebuilt in {built.group(1) if built else '?'}")
        runs = re.findall(r"Running (\S+) .*?finished in ([\d.]+)s", output, re.S)
        slow = [f"{name} {float(secs):.0f}s" for name, secs in runs if float(secs) >= 5]
        print(f"drill: the test binaries that took 5 s or more: {', '.join(slow) or 'none'}")
        failures = re.findall(r"^test (\S+) \.\.\. FAILED$", output, re.M)
        passed = sum(int(n) for n in re.findall(r"test result: \w+\. (\d+) passed", output))
        print(
            f"drill: an optional response property (S3Object.{PROPERTY}) fails only "
            f"`{SNAPSHOTS}` ({', '.join(failures)}); {passed} other tests passed"
        )


if __name__ == "__main__":
    main()
