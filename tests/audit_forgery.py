"""What an attacker who can write the database (but holds no retired key) can make: a log signed
with keys of their own, or re-sealed with a key they stole today. The verifier must refuse it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from console.audit import verify as v


def public_of(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(text: str, name: str, private: Ed25519PrivateKey) -> str:
    return text + "\n" + v.signature_line(name, public_of(private), private.sign(text.encode()))


def checkpoint(
    origin: str,
    lines: Sequence[bytes],
    time: str,
    prev: str,
    name: str,
    private: Ed25519PrivateKey,
) -> str:
    """A checkpoint of all of `lines`, signed by `name`."""
    leaves = [v.leaf_hash(line) for line in lines]
    last = hashlib.sha256(lines[-1]).hexdigest() if lines else v.ZERO_HASH
    root = v.subtree_root(leaves, 0, len(leaves))
    return sign(v.checkpoint_text(origin, len(lines), root, time, last, prev), name, private)


def rekeyed(lines: Sequence[bytes], origin: str, time: str) -> tuple[list[str], list[str], str]:
    """A fresh epoch 0 of the attacker's and one checkpoint over `lines`, as the console made
    when it found a database without keys: (certificates, checkpoints, anchor)."""
    private = Ed25519PrivateKey.generate()
    name = f"{origin}/epoch-0"
    cert = sign(v.certificate_text(origin, 0, name, public_of(private), time), name, private)
    note = checkpoint(origin, lines, time, "none", name, private)
    return [cert], [note], v.fingerprint(public_of(private))


def write_export(
    directory: Path,
    lines: Sequence[bytes],
    checkpoints: Sequence[str],
    certificates: Sequence[str],
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / v.ENTRIES_FILE).write_bytes(b"".join(line + b"\n" for line in lines))
    for name, notes in ((v.CHECKPOINTS_FILE, checkpoints), (v.CERTIFICATES_FILE, certificates)):
        (directory / name).write_bytes(
            b"".join(v.canonical_json({"note": note}) + b"\n" for note in notes)
        )
    return directory


def write_witness(path: Path, notes: Sequence[str]) -> Path:
    path.write_bytes(b"".join(v.canonical_json({"note": note}) + b"\n" for note in notes))
    return path
