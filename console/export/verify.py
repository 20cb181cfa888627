"""Verifier of a Utkik evidence package. Needs only Python (3.11 or later) and `cryptography`.

This file is copied unchanged into every package as `verify.py`, beside `log_verify.py` (the
access log's own verifier, console/audit/verify.py, also unchanged), which checks the key
chain, the checkpoint and the inclusion proof here as it does for a log export:

    python verify.py PACKAGE_DIR [--anchor FINGERPRINT]

It prints OK and the package's facts (exit 0), or the first problem and the file it is in
(exit 1; 2 when the folder cannot be read at all). The formats are described in docs/export.md
of the Utkik sources.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

if TYPE_CHECKING or __package__:
    from console.audit import verify as lv
else:  # run as a script inside a package: the access log's verifier beside this file
    # No __pycache__ is left in the package: verifying changes nothing.
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import log_verify as lv

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
LOG_PROOF = "log-proof.json"
CUSTODY = "custody.jsonl"
VERIFIER = "verify.py"
LOG_VERIFIER = "log_verify.py"
README = "README.txt"
#: The files a manifest cannot list: itself and what is made after its hash is logged.
UNLISTED = (MANIFEST, SIGNATURE, LOG_PROOF, CUSTODY)

MANIFEST_FORMAT = "utkik export manifest v1"
SIGNATURE_FORMAT = "utkik export signature v1"
PROOF_FORMAT = "utkik export log proof v1"
#: Signed before the manifest's bytes (a signature over one kind of document never passes for
#: another) and before each custody line's canonical JSON.
MANIFEST_DOMAIN = b"utkik export manifest v1\n"
CUSTODY_DOMAIN = b"utkik export custody v1\n"
#: The access log's action whose entry carries the manifest's hash.
PRODUCED_ACTION = "export.produced"
HANDOVER_ACTION = "export.handover"
#: What a file's path in the manifest may look like.
_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


class Problem(Exception):
    """The first thing wrong with a package, and the file it is in."""

    def __init__(self, file: str, text: str) -> None:
        super().__init__(f"{file}: {text}")
        self.file = file
        self.text = text


@dataclass
class Facts:
    package: str = ""
    anchor: str = ""
    files: int = 0
    size: int = 0
    log_seq: int = 0
    custody: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_canonical(path: Path, name: str) -> dict[str, Any]:
    """A JSON object whose bytes are exactly its RFC 8785 form and a newline: a changed byte
    anywhere changes the value, or the form, and is caught."""
    data = path.read_bytes()
    value = _json_object(data.removesuffix(b"\n"), name)
    if lv.canonical_json(value) + b"\n" != data:
        raise Problem(name, "changed (not in the canonical form it was written in)")
    return value


def _json_object(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
        lv.check_json_value(value, name)
    except (UnicodeDecodeError, ValueError) as err:
        raise Problem(name, f"not readable ({err})") from None
    if not isinstance(value, dict):
        raise Problem(name, "not a JSON object")
    return value


def key_chain(certificates: object, name: str) -> list[Any]:
    """The epoch keys of a list of certificates, each certified by the one before; a list that
    does not chain from its first key to its last is refused."""
    if not isinstance(certificates, list) or not certificates:
        raise Problem(name, "holds no key certificates")
    if not all(isinstance(c, str) for c in certificates):
        raise Problem(name, "a key certificate is not text")
    epochs = lv.epoch_keys(certificates, [])
    if len(epochs) != len(certificates):
        raise Problem(name, f"the key chain is broken at epoch {len(epochs)}")
    return epochs


def signed_by(epochs: Sequence[Any], key_name: object, signature: object, data: bytes) -> bool:
    key = next((e for e in epochs if e.name == key_name), None)
    if key is None or not isinstance(signature, str):
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(raw, data)
    except (ValueError, InvalidSignature):
        return False
    return True


def custody_body(line: dict[str, Any]) -> bytes:
    """What a custody line's signature covers: its canonical JSON without the signature."""
    return CUSTODY_DOMAIN + lv.canonical_json({k: v for k, v in line.items() if k != "signature"})


def verify_package(
    folder: Path,
    anchor: str | None = None,
    *,
    manifest_format: str = MANIFEST_FORMAT,
    action: str = PRODUCED_ACTION,
    summary: Callable[[dict[str, Any]], list[str]] | None = None,
) -> Facts:
    """The package's facts, or Problem naming the first bad file. Another kind of package
    laid out alike (a subject access package) names its manifest's format, the access log's
    action that carries its manifest's hash, and how its facts are summed up."""
    facts = Facts()
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    for name in UNLISTED:
        if not (folder / name).is_file():
            raise Problem(name, "missing")
    manifest_bytes = (folder / MANIFEST).read_bytes()
    manifest_sha = lv.sha256_hex(manifest_bytes)
    signature = read_canonical(folder / SIGNATURE, SIGNATURE)
    if signature.get("format") != SIGNATURE_FORMAT:
        raise Problem(SIGNATURE, "not an export signature")
    if signature.get("manifest_sha256") != manifest_sha:
        raise Problem(MANIFEST, "changed (its SHA-256 is not the one signed)")
    epochs = key_chain(signature.get("certificates"), SIGNATURE)
    facts.anchor = lv.fingerprint(epochs[0].public_key)
    if anchor is not None and facts.anchor != anchor.strip().lower():
        raise Problem(SIGNATURE, f"the first key is {facts.anchor}, not the expected {anchor}")
    if not signed_by(
        epochs, signature.get("key"), signature.get("signature"), MANIFEST_DOMAIN + manifest_bytes
    ):
        raise Problem(SIGNATURE, "the signature of manifest.json is not valid")
    manifest = _json_object(manifest_bytes, MANIFEST)
    if manifest.get("format") != manifest_format:
        raise Problem(MANIFEST, f"not a manifest of the kind {manifest_format!r}")
    if manifest.get("anchor_fingerprint") != facts.anchor:
        raise Problem(SIGNATURE, "signed by a key that does not chain to the manifest's first key")
    facts.package = str(manifest.get("package", ""))
    _check_files(folder, manifest, facts)
    facts.log_seq = _check_proof(folder, manifest_sha, facts.package, epochs, action)
    _check_custody(folder, manifest_sha, facts.package, signature["certificates"], facts)
    facts.lines = (summary or _summary)(manifest)
    return facts


def _check_files(folder: Path, manifest: dict[str, Any], facts: Facts) -> None:
    listed = manifest.get("files")
    if not isinstance(listed, list):
        raise Problem(MANIFEST, "has no list of files")
    expected: dict[str, dict[str, Any]] = {}
    for item in listed:
        path = item.get("path") if isinstance(item, dict) else None
        # Relative, inside the package, in plain characters: never a file elsewhere.
        if (
            not isinstance(path, str)
            or not _PATH.fullmatch(path)
            or path in UNLISTED
            or any(part in (".", "..") for part in path.split("/"))
        ):
            raise Problem(MANIFEST, f"lists a file it cannot list: {path!r}")
        expected[path] = item
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())
    for path in present:
        if path not in expected and path not in UNLISTED:
            raise Problem(path, "an extra file the manifest does not list")
    for path, item in sorted(expected.items()):
        file = folder / path
        if file.is_symlink():
            raise Problem(path, "a link to another file, not a file of the package")
        if not file.is_file():
            raise Problem(path, "missing")
        size = file.stat().st_size
        if size != item.get("size") or sha256_file(file) != item.get("sha256"):
            raise Problem(path, "changed (its size or SHA-256 is not the manifest's)")
        facts.files += 1
        facts.size += size


def _check_proof(
    folder: Path, manifest_sha: str, package: str, epochs: Sequence[Any], action: str
) -> int:
    """The `export.produced` entry carrying the manifest's hash is in the access log: an RFC
    6962 inclusion proof under a checkpoint signed by a key of the package's chain."""
    proof = read_canonical(folder / LOG_PROOF, LOG_PROOF)
    if proof.get("format") != PROOF_FORMAT:
        raise Problem(LOG_PROOF, "not an export log proof")
    try:
        chain = key_chain(proof["certificates"], LOG_PROOF)
        if lv.fingerprint(chain[0].public_key) != lv.fingerprint(epochs[0].public_key):
            raise Problem(LOG_PROOF, "its keys do not chain to the package's first key")
        entry_bytes = proof["entry"].encode("utf-8")
        entry = lv.parse_entry(entry_bytes)
        if entry is None:
            raise Problem(LOG_PROOF, "its entry is not an access log entry")
        index, size = int(proof["leaf_index"]), int(proof["tree_size"])
        path = [bytes.fromhex(h) for h in proof["path"]]
        checkpoint = lv.signed_checkpoint(proof["checkpoint"], {k.name: k for k in chain}, chain)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise Problem(LOG_PROOF, f"not readable ({err})") from None
    if isinstance(checkpoint, str):
        raise Problem(LOG_PROOF, f"its checkpoint is not signed by the log's key ({checkpoint})")
    details = entry["details"]
    if entry["action"] != action or details.get("manifest_sha256") != manifest_sha:
        raise Problem(LOG_PROOF, "its entry is not the one that logged this manifest")
    if details.get("package") != package:
        raise Problem(LOG_PROOF, "its entry is about another package")
    if checkpoint.size != size or index != entry["seq"] - 1 or index >= size:
        raise Problem(LOG_PROOF, "the proof is for another tree than its checkpoint's")
    if checkpoint.origin != entry_origin(chain):
        raise Problem(LOG_PROOF, "its checkpoint is of another log")
    if lv.root_from_inclusion(lv.leaf_hash(entry_bytes), index, size, path) != checkpoint.root:
        raise Problem(LOG_PROOF, "the entry is not in the checkpoint's tree")
    return int(entry["seq"])


def entry_origin(chain: Sequence[Any]) -> str:
    return str(chain[-1].origin)


def _check_custody(
    folder: Path, manifest_sha: str, package: str, certificates: list[str], facts: Facts
) -> None:
    """Every hand-over record, each signed by the log's key of its day and linked to the one
    before (the first to the manifest)."""
    data = (folder / CUSTODY).read_bytes()
    if not data.endswith(b"\n"):
        raise Problem(CUSTODY, "changed (it does not end with a whole line)")
    prev = manifest_sha
    for number, raw in enumerate(data[:-1].split(b"\n"), start=1):
        line = _json_object(raw, CUSTODY)
        if lv.canonical_json(line) != raw:
            raise Problem(CUSTODY, f"line {number} changed (not in its canonical form)")
        if line.get("package") != package or line.get("prev") != prev:
            raise Problem(CUSTODY, f"line {number} does not follow the line before it")
        if number == 1 and line.get("event") != "produced":
            raise Problem(CUSTODY, "the first line is not the package's production")
        chain = key_chain([*certificates, *line.get("certificates", [])], CUSTODY)
        if not signed_by(chain, line.get("key"), line.get("signature"), custody_body(line)):
            raise Problem(CUSTODY, f"line {number} is not signed by the log's key")
        prev = lv.sha256_hex(raw + b"\n")
        facts.custody.append(
            f"{line.get('time')} {line.get('event')}: {line.get('from')} -> {line.get('to')}"
        )


def _summary(manifest: dict[str, Any]) -> list[str]:
    lines = [
        f"case {manifest.get('case_number')}, reason: {manifest.get('reason')}",
        f"requested by {manifest.get('requester')}, approved by {manifest.get('approver')}, "
        f"for {manifest.get('recipient')}",
    ]
    for camera in manifest.get("cameras", []):
        lines.append(f"camera {camera.get('name')} ({camera.get('place')}):")
        for run in camera.get("files", []):
            delivered = run.get("delivered", {})
            lines.append(
                f"  {run.get('path')}: {delivered.get('from_local')} to "
                f"{delivered.get('to_local')} ({delivered.get('seconds')} s)"
            )
        for gap in camera.get("gaps", []):
            lines.append(f"  no recording from {gap.get('from_local')} to {gap.get('to_local')}")
    return lines


def report(folder: Path, anchor: str | None = None) -> tuple[int, str]:
    """(exit code, text) of a verification, as printed."""
    try:
        facts = verify_package(folder, anchor)
    except Problem as problem:
        return 1, safe(f"FAIL: {problem.file}: {problem.text}")
    except OSError as err:
        return 2, f"FAIL: the package cannot be read: {err}"
    lines = [
        f"OK: package {facts.package}: {facts.files} files, {facts.size} bytes, "
        f"logged as access log entry {facts.log_seq}",
        f"first key fingerprint: {facts.anchor}",
        *facts.lines,
        "custody:",
        *(f"  {c}" for c in facts.custody),
    ]
    return 0, "\n".join(safe(line) for line in lines)


def safe(text: str) -> str:
    """A line safe to print on a terminal: controls and bidi marks (from a case text, a
    camera's name) shown as escapes, so a package can neither act on the terminal nor forge a
    line of the report."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in text
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Utkik evidence package.")
    parser.add_argument("package", type=Path, help="the package folder")
    parser.add_argument("--anchor", help="the expected fingerprint of the installation's first key")
    args = parser.parse_args(argv)
    code, text = report(args.package, args.anchor)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
