"""Behaviour-preserving refactors: the same digests, byte for byte, before and after.

    python benchmarks/same_output.py record before.txt
    ... refactor ...
    python benchmarks/same_output.py record after.txt && diff before.txt after.txt

Builds corpus/, the seeds and two development stories (multiling2011_en, and ten
single articles of gum_wikinews read together as a mixed pile) in every format, without
the cache, and writes one SHA-256 per output (and of stderr, the exit code). JSON is
hashed without its "generated_at" time stamp and its "base" folder, and the other formats
with the time they were built masked: the only things that differ between runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Beside the checkout, or beside the folder of worktrees (/work/wt/NAME) it is one of.
DATA = next(
    (p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.is_dir()), ROOT
)
FORMATS = ("text", "markdown", "json", "terminal")


def inputs() -> list[tuple[str, list[str]]]:
    """Relative paths (from the project folder): a checkout elsewhere gives the same bytes."""
    cases = [("corpus", ["corpus"]), ("seeds", ["corpus/seeds"])]
    multi = DATA / "multiling2011_en"
    if multi.is_dir():
        stories = sorted(p.name for p in multi.iterdir() if p.is_dir())[:2]
        cases.append(("multiling-2", [os.path.relpath(multi / name, ROOT) for name in stories]))
    gum = DATA / "gum_wikinews"
    if gum.is_dir():
        files = sorted(p.relative_to(DATA).as_posix() for p in gum.rglob("*") if p.is_file())[:10]
        cases.append(("gum-10", [os.path.relpath(DATA / name, ROOT) for name in files]))
    return cases


def stable(out: bytes, fmt: str) -> bytes:
    if fmt != "json":  # "built 2026-12-03T07:39:58+00:00"
        return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", b"TIME", out)
    try:
        data = json.loads(out)
    except ValueError:
        return out
    data.pop("generated_at", None)
    data.pop("base", None)  # the folder it was built in
    return json.dumps(data, sort_keys=True).encode()


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] != "record":
        print(__doc__, file=sys.stderr)
        return 2
    lines = []
    for name, paths in inputs():
        for fmt in FORMATS:
            run = subprocess.run(
                [sys.executable, "-m", "digest", "build", *paths, "--no-cache", "--format", fmt],
                capture_output=True,
                cwd=ROOT,
            )
            out = hashlib.sha256(stable(run.stdout, fmt)).hexdigest()[:16]
            err = hashlib.sha256(run.stderr).hexdigest()[:16]
            size = len(stable(run.stdout, fmt))
            lines.append(f"{name:12} {fmt:9} exit {run.returncode} out {out} err {err} ({size} bytes)")
            print(lines[-1], flush=True)
    Path(sys.argv[2]).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
