"""Behaviour-preserving refactors: the same digests, byte for byte, before and after.

    python benchmarks/same_output.py record before.txt
    ... refactor ...
    python benchmarks/same_output.py record after.txt && diff before.txt after.txt

Builds corpus/, the seeds and two development stories (multiling2011_en, and ten
single articles of gum_wikinews read together as a mixed pile) in every format, without
the cache, and writes one SHA-256 per output (and of stderr, the exit code). JSON is
hashed without its "generated_at" time stamp, the only field that may differ between runs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
FORMATS = ("text", "markdown", "json", "terminal")


def inputs() -> list[tuple[str, list[str]]]:
    cases = [("corpus", [str(ROOT / "corpus")]), ("seeds", [str(ROOT / "corpus" / "seeds")])]
    multi = DATA / "multiling2011_en"
    if multi.is_dir():
        stories = sorted(p for p in multi.iterdir() if p.is_dir())[:2]
        cases.append(("multiling-2", [str(p) for p in stories]))
    gum = DATA / "gum_wikinews"
    if gum.is_dir():
        files = sorted(p for p in gum.rglob("*") if p.is_file())[:10]
        cases.append(("gum-10", [str(p) for p in files]))
    return cases


def stable(out: bytes, fmt: str) -> bytes:
    if fmt != "json":
        return out
    try:
        data = json.loads(out)
    except ValueError:
        return out
    data.pop("generated_at", None)
    return json.dumps(data, sort_keys=True).encode()


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] != "record":
        print(__doc__, file=sys.stderr)
        return 2
    lines = []
    for name, paths in inputs():
        for fmt in FORMATS:
            run = subprocess.run([sys.executable, "-m", "digest", "build", *paths, "--no-cache",
                                  "--format", fmt], capture_output=True, cwd=ROOT)
            out = hashlib.sha256(stable(run.stdout, fmt)).hexdigest()[:16]
            err = hashlib.sha256(run.stderr).hexdigest()[:16]
            lines.append(f"{name:12} {fmt:9} exit {run.returncode} out {out} err {err} ({len(run.stdout)} bytes)")
            print(lines[-1], flush=True)
    Path(sys.argv[2]).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
