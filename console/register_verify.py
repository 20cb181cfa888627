"""Verifier of an export of Utkik's surveillance register. Needs only Python (3.11 or later) and
`cryptography`.

This file is copied unchanged into every register export as `verify.py`, beside `log_verify.py`
(the access log's verifier, console/audit/verify.py, unchanged), which reads the key
certificates:

    python verify.py EXPORT_DIR [--anchor FINGERPRINT]

It checks that `manifest.json` is signed by the access log's key (whose certificates chain to
the log's first key, whose fingerprint is printed and compared with `--anchor`), and that every
file it lists has the SHA-256 it names. It prints OK (exit 0) or the first problem (exit 1).
The formats are described in docs/register.md of the Utkik sources.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

if TYPE_CHECKING or __package__:
    from console.audit import verify as lv
else:  # run as a script inside an export: the access log's verifier beside this file
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import log_verify as lv

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
VERIFIER = "verify.py"
LOG_VERIFIER = "log_verify.py"
MANIFEST_FORMAT = "utkik register export v1"
SIGNATURE_FORMAT = "utkik register signature v1"
#: Signed before the manifest's bytes, so this signature never passes for another document's.
MANIFEST_DOMAIN = b"utkik register export v1\n"


class Problem(Exception):
    pass


def _object(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise Problem(f"{path.name}: not readable ({err})") from None
    if not isinstance(value, dict):
        raise Problem(f"{path.name}: not a JSON object")
    if lv.canonical_json(value) + b"\n" != data:
        raise Problem(f"{path.name}: changed (not in the canonical form it was written in)")
    return value


def verify_export(folder: Path, anchor: str | None = None) -> list[str]:
    """The export's facts as lines, or Problem naming the first thing wrong."""
    manifest_bytes = (folder / MANIFEST).read_bytes()
    manifest = _object(folder / MANIFEST)
    signature = _object(folder / SIGNATURE)
    if manifest.get("format") != MANIFEST_FORMAT or signature.get("format") != SIGNATURE_FORMAT:
        raise Problem("not an export of the surveillance register")
    if signature.get("manifest_sha256") != hashlib.sha256(manifest_bytes).hexdigest():
        raise Problem(f"{SIGNATURE}: names another manifest")
    certificates = signature.get("certificates")
    if not isinstance(certificates, list) or not certificates:
        raise Problem(f"{SIGNATURE}: holds no key certificates")
    epochs = lv.epoch_keys([str(c) for c in certificates], [])
    if len(epochs) != len(certificates):
        raise Problem(f"{SIGNATURE}: the key chain is broken at epoch {len(epochs)}")
    key = next((e for e in epochs if e.name == signature.get("key")), None)
    try:
        if key is None:
            raise InvalidSignature
        raw = base64.b64decode(str(signature.get("signature")), validate=True)
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            raw, MANIFEST_DOMAIN + manifest_bytes
        )
    except (ValueError, InvalidSignature):
        raise Problem(f"{SIGNATURE}: the signature does not match the manifest") from None
    first = lv.fingerprint(epochs[0].public_key)
    if anchor is not None and anchor.strip().lower() != first:
        raise Problem(f"the first key is {first}, not the expected {anchor}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise Problem(f"{MANIFEST}: lists no files")
    for name, digest in sorted(files.items()):
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise Problem(f"{name}: missing")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise Problem(f"{name}: changed (its SHA-256 is not the one signed)")
    return [
        f"OK: the surveillance register of {manifest.get('generated')}: "
        f"{manifest.get('cameras')} cameras, {manifest.get('incomplete')} incomplete, "
        f"logged as access log entry {manifest.get('log_seq')}",
        f"first key fingerprint: {first}",
        *(f"  {name}  {digest}" for name, digest in sorted(files.items())),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an export of Utkik's register.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--anchor", help="the expected fingerprint of the installation's first key")
    args = parser.parse_args(argv)
    try:
        lines = verify_export(args.folder, args.anchor)
    except Problem as problem:
        print(f"FAIL: {problem}")
        return 1
    except OSError as err:
        print(f"FAIL: the export cannot be read: {err}")
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
