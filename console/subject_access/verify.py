"""Verifier of a Utkik subject access package. Needs only Python (3.11 or later) and
`cryptography`.

A subject access package is laid out as an evidence package (docs/export.md) and checked the
same way, by the evidence package's verifier (export_verify.py beside this file) and the access
log's (log_verify.py); only its manifest differs (docs/subject-access.md):

    python verify.py PACKAGE_DIR [--anchor FINGERPRINT]

It prints OK and the package's facts (exit 0), or the first problem and the file it is in
(exit 1; 2 when the folder cannot be read at all).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:
    from console.export import verify as pv
else:  # run as a script inside a package: the verifiers beside this file
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import export_verify as pv

MANIFEST_FORMAT = "utkik subject access manifest v1"
#: The access log's action whose entry carries the manifest's hash.
RELEASED_ACTION = "subject_access.released"
#: The evidence package's verifier, as it is named inside a subject access package.
EXPORT_VERIFIER = "export_verify.py"


def summary(manifest: dict[str, Any]) -> list[str]:
    lines = [
        f"case {manifest.get('case_number')} for {manifest.get('requester')}",
        f"masked by {', '.join(manifest.get('masked_by', []))}, "
        f"reviewed by {manifest.get('reviewer')}, released by {manifest.get('released_by')}",
    ]
    for video in manifest.get("videos", []):
        span = video.get("span", {})
        lines.append(
            f"{video.get('path')}: camera {video.get('camera_name')}, {span.get('from_local')} "
            f"to {span.get('to_local')}, derived from {video.get('derived_from')}, "
            f"{len(video.get('masks', {}).get('regions', []))} mask regions"
        )
    return lines


def verify_package(folder: Path, anchor: str | None = None) -> pv.Facts:
    return pv.verify_package(
        folder, anchor, manifest_format=MANIFEST_FORMAT, action=RELEASED_ACTION, summary=summary
    )


def report(folder: Path, anchor: str | None = None) -> tuple[int, str]:
    """(exit code, text) of a verification, as printed."""
    try:
        facts = verify_package(folder, anchor)
    except pv.Problem as problem:
        return 1, f"FAIL: {problem.file}: {problem.text}"
    except OSError as err:
        return 2, f"FAIL: the package cannot be read: {err}"
    lines = [
        f"OK: subject access package {facts.package}: {facts.files} files, {facts.size} bytes, "
        f"logged as access log entry {facts.log_seq}",
        f"first key fingerprint: {facts.anchor}",
        *facts.lines,
        "custody:",
        *(f"  {c}" for c in facts.custody),
    ]
    return 0, "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Utkik subject access package.")
    parser.add_argument("package", type=Path, help="the package folder")
    parser.add_argument("--anchor", help="the expected fingerprint of the installation's first key")
    args = parser.parse_args(argv)
    code, text = report(args.package, args.anchor)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
