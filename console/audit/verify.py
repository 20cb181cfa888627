"""Verifier of a Utkik access-log export. Needs only Python (3.11 or later) and `cryptography`.

This file is copied unchanged into every export as `verify.py`, so that anyone can check a log
without Utkik:

    python verify.py EXPORT_DIR [--witness FILE] [--anchor FINGERPRINT] [--proof FILE]

It prints OK (exit 0), OK with a warning for entries not yet sealed by a checkpoint (exit 0), or
the sequence number of the first bad entry and what is wrong (exit 1). The formats it reads are
described in docs/access-log.md of the Utkik sources; the primitives below are the reference.

Utkik itself imports the primitives (hashes, notes, the Merkle tree) from here, so the verifier
and the writer cannot drift apart.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ZERO_HASH = "0" * 64
#: The first line of a key certificate note.
CERTIFICATE_HEADER = "utkik key certificate"
#: RFC 8785 needs integers to survive a round trip through an IEEE double.
MAX_SAFE_INTEGER = 2**53 - 1
ENTRY_KEYS = ("action", "actor", "details", "prev", "seq", "target", "time")
EM_DASH = "\u2014"

ENTRIES_FILE = "entries.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"
CERTIFICATES_FILE = "certificates.jsonl"
ANCHOR_FILE = "anchor.txt"


# -- hashing and canonical JSON ------------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaf_hash(entry: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def check_json_value(value: Any, where: str = "value") -> None:
    """Allow only what RFC 8785 encodes identically everywhere: no floats, safe integers,
    strings without lone surrogates, objects with string keys."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"{where}: integer {value} is outside ±(2^53-1)")
        return
    if isinstance(value, str):
        value.encode("utf-8")  # raises on a lone surrogate
        return
    if isinstance(value, float):
        raise ValueError(f"{where}: floats are not allowed in log entries")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_json_value(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: object keys must be strings")
            check_json_value(key, where)
            check_json_value(item, f"{where}.{key}")
        return
    raise ValueError(f"{where}: {type(value).__name__} cannot be logged")


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) canonical JSON of a value without floats, as UTF-8 bytes."""
    check_json_value(value)
    return _encode(value).encode("utf-8")


def _encode(value: Any) -> str:
    if isinstance(value, dict):
        # JCS orders members by the UTF-16 code units of their names.
        items = sorted(value.items(), key=lambda kv: _utf16_key(kv[0]))
        return "{" + ",".join(f"{_encode(k)}:{_encode(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    # Strings, integers, booleans and null: Python's encoder escapes exactly as JCS does
    # (\b \t \n \f \r \" \\ and other control characters as lower-case \u00xx; nothing else).
    return json.dumps(value, ensure_ascii=False)


# -- the Merkle tree (RFC 6962 / RFC 9162) -------------------------------------------------------


class Frontier:
    """The perfect subtrees along the right edge of a tree, enough to append and to get the root.

    Each item is (height, hash); heights strictly decrease from left to right.
    """

    def __init__(self, nodes: Iterable[tuple[int, bytes]] = ()) -> None:
        self.nodes: list[tuple[int, bytes]] = list(nodes)

    @property
    def size(self) -> int:
        return sum(1 << height for height, _ in self.nodes)

    def append(self, leaf: bytes) -> None:
        nodes = self.nodes
        nodes.append((0, leaf))
        while len(nodes) >= 2 and nodes[-1][0] == nodes[-2][0]:
            height, right = nodes.pop()
            _, left = nodes.pop()
            nodes.append((height + 1, node_hash(left, right)))

    def root(self) -> bytes:
        if not self.nodes:
            return hashlib.sha256(b"").digest()
        result = self.nodes[-1][1]
        for _, left in reversed(self.nodes[:-1]):
            result = node_hash(left, result)
        return result

    def to_bytes(self) -> bytes:
        """One byte of height and 32 bytes of hash per subtree (how Utkik stores it)."""
        return b"".join(bytes([height]) + value for height, value in self.nodes)

    @classmethod
    def from_bytes(cls, data: bytes) -> Frontier:
        return cls((data[i], data[i + 1 : i + 33]) for i in range(0, len(data), 33))

    def to_json(self) -> str:
        return json.dumps([[h, v.hex()] for h, v in self.nodes])

    @classmethod
    def from_json(cls, text: str) -> Frontier:
        return cls((int(h), bytes.fromhex(v)) for h, v in json.loads(text))


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_root(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of leaves[start:end] (RFC 6962 section 2.1)."""
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[start]
    k = _split(n)
    return node_hash(subtree_root(leaves, start, start + k), subtree_root(leaves, start + k, end))


def inclusion_path(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 2.1.3.1)."""
    if not 0 <= index < size <= len(leaves):
        raise ValueError("leaf index outside the tree")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append(subtree_root(leaves, start + k, end))
            end = start + k
        else:
            path.append(subtree_root(leaves, start, start + k))
            start += k
    return list(reversed(path))


def root_from_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root an inclusion path leads to (RFC 9162 2.1.3.2), or None if it cannot fit."""
    if not 0 <= index < size:
        return None
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return result if sn == 0 else None


class TreeLevels:
    """All complete subtree hashes of a list of leaves, level by level, to find the root of any
    prefix in O(log n): used to check many checkpoints against one list of entries."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.levels = [leaves]
        level = leaves
        sha256 = hashlib.sha256
        while len(level) > 1:
            # node_hash() inlined: a function call per node costs a tenth of the whole pass.
            level = [
                sha256(b"\x01" + left + right).digest()
                for left, right in zip(level[0::2], level[1::2], strict=False)
            ]
            self.levels.append(level)

    def root(self, size: int) -> bytes:
        if size == 0:
            return hashlib.sha256(b"").digest()
        # The prefix splits into perfect subtrees by the binary digits of its size.
        parts: list[bytes] = []
        offset = 0
        for height in range(size.bit_length() - 1, -1, -1):
            if size & (1 << height):
                parts.append(self.levels[height][offset >> height])
                offset += 1 << height
        result = parts[-1]
        for left in reversed(parts[:-1]):
            result = node_hash(left, result)
        return result


# -- signed notes (C2SP signed-note, Ed25519) ----------------------------------------------------


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key hash of a signed-note Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()[:4]


def fingerprint(public_key: bytes) -> str:
    """How a key is named out of band: SHA-256 of the raw 32-byte Ed25519 public key, in hex."""
    return sha256_hex(public_key)


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_hash: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[NoteSignature, ...]


def signature_line(name: str, public_key: bytes, signature: bytes) -> str:
    blob = base64.b64encode(key_id(name, public_key) + signature).decode("ascii")
    return f"{EM_DASH} {name} {blob}\n"


def parse_note(note: str) -> Note:
    """Split a signed note into its text (ending in a newline) and its signature lines."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise ValueError("not a signed note (no blank line before the signatures)")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(f"{EM_DASH} "):
            raise ValueError("malformed signature line")
        parts = line[2:].split(" ")
        if len(parts) != 2:
            raise ValueError("malformed signature line")
        blob = base64.b64decode(parts[1], validate=True)
        if base64.b64encode(blob).decode("ascii") != parts[1]:
            # Unused bits in the last digit would give one signature several spellings, and
            # the next checkpoint names this note by the hash of its exact text.
            raise ValueError("a signature is not in canonical base64")
        if len(blob) != 4 + 64:
            raise ValueError("an Ed25519 note signature has 4 + 64 bytes")
        signatures.append(NoteSignature(parts[0], blob[:4], blob[4:]))
    if not signatures:
        raise ValueError("the note has no signature")
    return Note(text, tuple(signatures))


def note_signed_by(note: Note, name: str, public_key: bytes) -> bool:
    """Whether one of the note's signatures is a valid one by this key."""
    wanted = key_id(name, public_key)
    verifier = Ed25519PublicKey.from_public_bytes(public_key)
    for sig in note.signatures:
        if sig.name == name and sig.key_hash == wanted:
            try:
                verifier.verify(sig.signature, note.text.encode("utf-8"))
            except InvalidSignature:
                continue
            return True
    return False


def parse_time(text: str) -> datetime:
    if not text.endswith("Z"):
        raise ValueError(f"time {text!r} is not UTC")
    return datetime.fromisoformat(text[:-1] + "+00:00").astimezone(UTC)


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: datetime
    last: str
    prev: str
    note: str
    signer: str

    @classmethod
    def parse(cls, note: str) -> Checkpoint:
        parsed = parse_note(note)
        lines = parsed.text.rstrip("\n").split("\n")
        if len(lines) < 3:
            raise ValueError("a checkpoint has an origin, a size and a root")
        extensions = dict(line.split(" ", 1) for line in lines[3:])
        size = int(lines[1])
        if str(size) != lines[1] or size < 0:
            raise ValueError("malformed tree size")
        return cls(
            origin=lines[0],
            size=size,
            root=base64.b64decode(lines[2], validate=True),
            time=parse_time(extensions["time"]),
            last=extensions.get("last", ZERO_HASH),
            prev=extensions["prev"],
            note=note,
            signer=parsed.signatures[0].name,
        )


def checkpoint_text(origin: str, size: int, root: bytes, time: str, last: str, prev: str) -> str:
    """The text of a checkpoint note, before its signature."""
    return (
        f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"
        f"time {time}\nlast {last}\nprev {prev}\n"
    )


@dataclass(frozen=True)
class EpochKey:
    epoch: int
    name: str
    public_key: bytes
    valid_from: datetime
    note: str
    origin: str = ""
    #: epoch 0 of a recovered log: the origin it continues
    continues: str = ""
    #: epoch n > 0: the hash of epoch n - 1's final checkpoint ("" before this was written)
    final: str = ""


def certificate_text(
    origin: str,
    epoch: int,
    name: str,
    public_key: bytes,
    valid_from: str,
    *,
    continues: str = "",
    final: str = "",
) -> str:
    text = (
        f"{CERTIFICATE_HEADER}\norigin {origin}\nepoch {epoch}\n"
        f"key {name} {base64.b64encode(public_key).decode('ascii')}\nvalid-from {valid_from}\n"
    )
    if continues:
        text += f"continues {continues}\n"
    if final:
        text += f"final {final}\n"
    return text


def parse_certificate(note: str) -> EpochKey:
    parsed = parse_note(note)
    lines = parsed.text.rstrip("\n").split("\n")
    if not lines or lines[0] != CERTIFICATE_HEADER:
        raise ValueError("not a key certificate")
    fields = dict(line.split(" ", 1) for line in lines[1:])
    name, key_b64 = fields["key"].split(" ")
    public_key = base64.b64decode(key_b64, validate=True)
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return EpochKey(
        epoch=int(fields["epoch"]),
        name=name,
        public_key=public_key,
        valid_from=parse_time(fields["valid-from"]),
        note=note,
        origin=fields["origin"],
        continues=fields.get("continues", ""),
        final=fields.get("final", ""),
    )


# -- verification --------------------------------------------------------------------------------


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    epochs: int = 0
    sealed: int = 0
    anchor: str = ""
    #: the first bad entry's sequence number, and what is wrong; None when the log is good
    first_bad: int | None = None
    problem: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def fail(self, seq: int, problem: str) -> None:
        if self.first_bad is None or seq < self.first_bad:
            self.first_bad, self.problem = seq, problem

    def text(self) -> str:
        if not self.ok:
            return f"FAIL: entry {self.first_bad}: {self.problem}"
        lines = [
            f"OK: {self.entries} entries, {self.checkpoints} checkpoints, {self.epochs} epoch keys",
            f"first key fingerprint: {self.anchor}",
        ]
        lines += [f"WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)


# The top-level "prev" and "seq" of a canonical entry. Members are sorted, the entry has no
# nested objects except the flat "details" (whose keys never repeat the entry's own), and strings
# cannot hold an unescaped quote, so the last "prev" of a line is the entry's own.
_ENTRY = re.compile(
    rb'\{"action":"(?:[^"\\\n]|\\.)*","actor":"(?:[^"\\\n]|\\.)*","details":\{[^\n]*\},'
    rb'"prev":"([0-9a-f]{64})","seq":([1-9][0-9]*),"target":"(?:[^"\\\n]|\\.)*",'
    rb'"time":"[0-9T:.\-]+Z"\}'
)


#: Only the links: how the whole file is checked at once when nothing is wrong.
_LINK = re.compile(rb'"prev":"([0-9a-f]{64})","seq":([0-9]+),"target":"')


# What the writer produces, as one pattern over the whole file: a line it matches is an entry
# parse_entry() accepts (a JSON object in RFC 8785 form with the seven members), so a file whose
# every line matches needs no line-by-line parse. Why each part is enough:
# - strings: any character but '"', '\\' and controls, literally (the file is valid UTF-8, so no
#   lone surrogates), or the escapes JCS and json.dumps write: \" \\ \b \f \n \r \t, and
#   \u00xx in lower case for the other controls (never for one with a short form). In a file
#   without a backslash or a control character (but newlines) that is simply [^"]*, which the
#   regular expression engine scans several times faster;
# - integers: no sign on zero, no leading zeros, at most 15 digits (inside ±(2^53-1));
# - members in JCS order (their names are ASCII, so by bytes); the details' keys as
#   _DETAIL_KEY, none of the entry's own names, at most _DETAILS_SEEN, whose order is checked
#   after;
# - "prev" any string of 64 bytes (parse_entry takes any string; the chain wants 64 hex digits,
#   compared with the hash of the line before).
# A line outside this pattern is not wrong: the whole file is then parsed line by line.
#: The most details a line of the one pass holds (audit.recovered has six).
_DETAILS_SEEN = 6


def _entry_pattern(text: bytes) -> re.Pattern[bytes]:
    string = b'"' + text + b'"'
    member = (
        rb'"((?!(?:action|actor|details|prev|seq|target|time)")[a-z][a-z0-9_]{0,63})":'
        rb"(?:" + string + rb"|0|-?[1-9][0-9]{0,14}|true|false|null)"
    )
    return re.compile(
        rb'(?<![^\n])(?:\{"action":'
        + string
        + rb',"actor":'
        + string
        + rb',"details":\{'
        + b"(?:"
        + rb"(?:,".join([member] * _DETAILS_SEEN)
        + b")?" * _DETAILS_SEEN
        + rb"\}"
        + rb',"prev":"([^"\\\x00-\x1f]{64})","seq":([1-9][0-9]{0,14}),"target":'
        + string
        + rb',"time":"\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d\d\d\d\dZ"\}'
        # Any other line matches as a whole too, with every group empty: parsed on its own.
        + rb"|[^\n]*)(?=\n|\Z)"
    )


_LITERAL = rb'[^"\\\x00-\x1f]*'
_ESCAPED_LINE = _entry_pattern(
    _LITERAL + rb'(?:\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f]))' + _LITERAL + rb")*"
)
_PLAIN_LINE = _entry_pattern(rb'[^"]*')
_NOT_CONTROL = bytes(range(0x20, 0x100))
#: The actions whose entries verify() reads (see RECOVERED_ACTION and CLOCK_ACTION below).
_NOTED = (b'{"action":"audit.recovered",', b'{"action":"clock.went_back",')


def _canonical_links(data: bytes, digests: list[bytes]) -> tuple[bool, list[int]] | None:
    """One pass over the whole file: the 0-based numbers of the lines that are not entries in
    the writer's canonical form (see _entry_pattern), to be parsed one by one, and, if there is
    none, whether the lines link each to the one before, numbered 1..n. None if the file is not
    UTF-8 or the details' keys of a line are out of order: then every line is parsed on its own.
    The pattern matches each line as a whole (it cannot straddle lines), in order."""
    if not digests:
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    controls = data.translate(None, _NOT_CONTROL)
    plain = b"\\" not in data and controls.count(b"\n") == len(controls)
    # The last newline ends the last line; no empty line follows it (see _split_lines).
    end = len(data) - 1 if data.endswith(b"\n") else len(data)
    found = (_PLAIN_LINE if plain else _ESCAPED_LINE).findall(data, 0, end)
    if len(found) != len(digests):
        return None
    *keys, prevs, seqs = (list(map(itemgetter(i), found)) for i in range(_DETAILS_SEEN + 2))
    # The details' keys in JCS order, each once: where there is a key, it follows the one
    # before (an empty one, no key, is after none).
    for before, key in pairwise(keys):
        if sum(map(bytes.__lt__, before, key)) != len(key) - key.count(b""):
            return None
    others = [i for i, prev in enumerate(prevs) if not prev] if b"" in prevs else []
    if others:
        return False, others
    links = b"".join(prevs)
    if links != (bytes(32) + b"".join(digests[:-1])).hex().encode("ascii"):
        return False, []
    return b",".join(seqs) == ",".join(map(str, range(1, len(digests) + 1))).encode(), []


def _noted_lines(data: bytes) -> list[int]:
    """The 0-based numbers of the lines that start a recovery or clock entry, in order."""
    starts = []
    for prefix in _NOTED:
        at = data.find(prefix)
        while at >= 0:
            if at == 0 or data[at - 1] == 0x0A:
                starts.append(at)
            at = data.find(prefix, at + 1)
    return [data.count(b"\n", 0, at) for at in sorted(starts)]


def _chain_intact(data: bytes, digests: list[bytes]) -> bool:
    """Whether every line links to the one before and is numbered 1..n, checked over the whole
    file at once. Lines are not parsed one by one here: the Merkle roots and `last` hashes of the
    signed checkpoints already bind every byte; this pass only tells whether the slow,
    line-by-line diagnosis is needed."""
    n = len(digests)
    found = _LINK.findall(data)
    if len(found) != n:
        return False
    links = bytes.fromhex(b"".join([prev for prev, _ in found]).decode("ascii"))
    if links != bytes(32) + b"".join(digests[:-1]):
        return False
    return b",".join([seq for _, seq in found]) == ",".join(map(str, range(1, n + 1))).encode()


def read_lines(path: Path) -> list[bytes]:
    return _split_lines(path.read_bytes())


def _split_lines(data: bytes) -> list[bytes]:
    if not data:
        return []
    if not data.endswith(b"\n"):
        # A last line without its newline is reported as malformed, like any other damage.
        return data.split(b"\n")
    return data[:-1].split(b"\n")


def note_lines(path: Path) -> list[str | None]:
    """The notes of a file of {"note": ...} lines; None for a line that holds none (damaged)."""
    notes: list[str | None] = []
    for line in read_lines(path):
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        ok = isinstance(value, dict) and isinstance(value.get("note"), str)
        notes.append(value["note"] if ok else None)
    return notes


def read_notes(path: Path) -> list[str]:
    notes = []
    for note in note_lines(path):
        if note is None:
            raise ValueError(f"{path.name}: each line holds an object with a note")
        notes.append(note)
    return notes


def _first_bad_entry(
    lines: list[bytes],
    hashes: list[str],
    last_hashes: dict[int, str],
    entries: Sequence[dict[str, Any] | None] | None = None,
) -> tuple[int, str] | None:
    """The first entry (1-based) that is not as written, by sequence numbers and the hash chain."""
    n = len(lines)
    matches = [_ENTRY.fullmatch(line) for line in lines]
    if entries is not None:
        # A line the pattern accepts but that is no well-formed entry (not JSON) is malformed.
        matches = [m if e is not None else None for m, e in zip(matches, entries, strict=True)]
    seqs = [int(m.group(2)) if m else -1 for m in matches]
    prevs = [m.group(1).decode("ascii") if m else "" for m in matches]

    def confirmed(p: int, seq: int) -> bool:
        """Whether entry p (1-based), which says it is entry `seq`, is vouched for by the entry
        after it or by a checkpoint of the log up to `seq`."""
        if p < n and matches[p] is not None and seqs[p] == seq + 1:
            return prevs[p] == hashes[p - 1]
        return last_hashes.get(seq) == hashes[p - 1]

    for p in range(1, n + 1):
        i = p - 1
        if matches[i] is None:
            return p, "malformed entry"
        if seqs[i] != p:
            siblings = p >= 2 and seqs[i] == p - 1 and seqs[i - 1] == p - 1
            if siblings and prevs[i] == prevs[i - 1]:
                if lines[i] == lines[i - 1]:
                    return p, "duplicated entry"
                if confirmed(p, p - 1):
                    return p - 1, "inserted entry"
                return p, "inserted entry"
            return p, f"sequence number {seqs[i]} where {p} belongs (missing or moved entry)"
        expected = ZERO_HASH if p == 1 else hashes[i - 1]
        if prevs[i] != expected:
            if p >= 2 and confirmed(p, p):
                return p - 1, "entry altered (its hash differs from the next entry's link)"
            return p, "entry altered (its link to the previous entry is wrong)"
    return None


def epoch_keys(certificates: Sequence[str | None], warnings: list[str]) -> list[EpochKey]:
    """The epoch keys that can be trusted: epoch 0 is the anchor; each later epoch is certified
    by the one before. The first certificate that does not fit ends the list."""
    epochs: list[EpochKey] = []
    for note in certificates:
        try:
            if note is None:
                raise ValueError("a damaged line")
            key = parse_certificate(note)
        except (ValueError, KeyError) as err:
            warnings.append(f"an unreadable key certificate was ignored ({err})")
            break
        signer = epochs[-1] if epochs else key
        good = (
            key.epoch == len(epochs)
            and (not epochs or key.valid_from >= epochs[-1].valid_from)
            and note_signed_by(parse_note(note), signer.name, signer.public_key)
        )
        if not good:
            # Later epochs cannot be trusted; their checkpoints fail.
            warnings.append(f"key certificate of epoch {key.epoch} is not valid")
            break
        epochs.append(key)
    return epochs


def signed_checkpoint(
    note: str | None, keys: dict[str, EpochKey], epochs: Sequence[EpochKey]
) -> Checkpoint | str:
    """The checkpoint of a note signed by the key of its own epoch, or what is wrong with it."""
    if note is None:
        return "malformed checkpoint (a damaged line)"
    try:
        cp = Checkpoint.parse(note)
    except (ValueError, KeyError) as err:
        return f"malformed checkpoint ({err})"
    key = keys.get(cp.signer)
    if key is None:
        return f"checkpoint signed by an unknown key {cp.signer}"
    if not note_signed_by(parse_note(note), key.name, key.public_key):
        return "checkpoint signature is not valid"
    following = [e for e in epochs if e.epoch == key.epoch + 1]
    # CVE-2023-31439's lesson: a seal counts only under the key of its own epoch.
    # The end is inclusive: the final checkpoint of an epoch is made at the instant its
    # successor becomes valid.
    if cp.time < key.valid_from or (following and cp.time > following[0].valid_from):
        return f"checkpoint of {cp.time.isoformat()} signed with the key of another epoch"
    return cp


#: Where an export keeps checkpoints and certificates of the origins a recovered log continues.
SUPERSEDED_FILE = "superseded.jsonl"
#: The action of the entry that starts a new origin after a broken log (`utkik audit recover`).
RECOVERED_ACTION = "audit.recovered"
#: The action of the entry that records the clock going back behind the last checkpoint.
CLOCK_ACTION = "clock.went_back"
_DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_DECODE = json.JSONDecoder().decode
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def parse_entry(line: bytes) -> dict[str, Any] | None:
    """The entry of a line if it is exactly one well-formed entry in canonical form, else None.
    (Checked by hand rather than with check_json_value: it runs for every line of the log.)"""
    try:
        value = _DECODE(line.decode("utf-8"))
    except ValueError:  # also UnicodeDecodeError
        return None
    if type(value) is not dict or len(value) != len(ENTRY_KEYS):
        return None
    try:
        seq, details, time = value["seq"], value["details"], value["time"]
        texts = (value["action"], value["actor"], value["prev"], value["target"], time)
    except KeyError:
        return None
    if type(seq) is not int or not 0 < seq <= MAX_SAFE_INTEGER or type(details) is not dict:
        return None
    if any(type(text) is not str for text in texts) or not _TIME.fullmatch(time):
        return None
    for key, item in details.items():
        if not _DETAIL_KEY.fullmatch(key) or key in ENTRY_KEYS:
            return None
        kind = type(item)
        scalar = item is None or kind is str or kind is bool
        if not scalar and (kind is not int or abs(item) > MAX_SAFE_INTEGER):
            return None
    # Every member name is ASCII here, where JCS's order is Python's (see canonical_json).
    try:
        return value if _ENCODE(value).encode("utf-8") == line else None
    except UnicodeEncodeError:  # a lone surrogate, which UTF-8 cannot hold
        return None


def _origin_of(note: str) -> str:
    return note.split("\n", 1)[0]


def verify(
    directory: Path,
    witness: Path | None = None,
    anchor: str | None = None,
) -> Report:
    report = Report()
    data = (directory / ENTRIES_FILE).read_bytes()
    lines = _split_lines(data)
    n = report.entries = len(lines)
    # A damaged line is a bad certificate or checkpoint, not an unreadable export.
    certificates = note_lines(directory / CERTIFICATES_FILE)
    checkpoints = note_lines(directory / CHECKPOINTS_FILE)
    witnessed = note_lines(witness) if witness is not None else []
    superseded_path = directory / SUPERSEDED_FILE
    superseded = note_lines(superseded_path) if superseded_path.exists() else []
    report.checkpoints = len(checkpoints)

    epochs = epoch_keys(certificates, report.warnings)
    keys = {key.name: key for key in epochs}
    report.epochs = len(epochs)
    if epochs:
        report.anchor = fingerprint(epochs[0].public_key)
    else:
        report.fail(1, "no valid key certificate (the export always has its keys)")
    if anchor is not None and report.anchor != anchor.lower():
        keys.clear()
        report.fail(1, "the first key does not have the expected fingerprint")
    if not checkpoints:
        report.fail(1, "no checkpoints (an export is sealed before it is written)")
    origin = epochs[0].origin if epochs else None

    sha256 = hashlib.sha256
    digests = [sha256(line).digest() for line in lines]
    leaves = [sha256(b"\x00" + line).digest() for line in lines]  # leaf_hash() inlined
    tree = TreeLevels(leaves)

    def valid_checkpoint(note: str | None) -> Checkpoint | str:
        cp = signed_checkpoint(note, keys, epochs)
        if isinstance(cp, Checkpoint) and cp.origin != origin:
            return f"checkpoint of another log ({cp.origin})"
        return cp

    # A checkpoint whose tree differs from the entries says only that some entry after the
    # last good checkpoint differs: (first, last, problem). The hash chain may name which.
    suspects: list[tuple[int, int, str]] = []
    parsed: list[Checkpoint] = []
    sealed = 0
    prev_note_hash, prev_time, prev_size = "none", None, 0
    # Each note's signature once; the final checkpoints of retired epochs are looked up here.
    signed = [valid_checkpoint(note) for note in checkpoints]
    for cp in signed:
        if isinstance(cp, str):
            report.fail(sealed + 1, cp)
            break
        if cp.prev != prev_note_hash:
            report.fail(sealed + 1, "checkpoint does not follow the previous one (replaced?)")
            break
        if cp.size < prev_size or (prev_time is not None and cp.time < prev_time):
            report.fail(sealed + 1, "checkpoints out of order")
            break
        parsed.append(cp)
        prev_note_hash, prev_time, prev_size = sha256_hex(cp.note.encode("utf-8")), cp.time, cp.size
        if cp.size > n:
            report.fail(n + 1, f"log truncated: a checkpoint covers {cp.size} entries, {n} remain")
            break
        if cp.size and digests[cp.size - 1].hex() != cp.last:
            report.fail(cp.size, "entry altered (differs from its checkpoint)")
            break
        if tree.root(cp.size) != cp.root:
            suspects.append((sealed + 1, cp.size, "entries differ from the checkpoint's tree"))
            break
        sealed = cp.size
    report.sealed = sealed
    _check_final_checkpoints(epochs, [cp for cp in signed if isinstance(cp, Checkpoint)], report)

    # Every line is parsed: at once where the whole file is in the writer's canonical form,
    # else line by line; the sealed ones for the recoveries and clock jumps they record.
    canonical = _canonical_links(data, digests)
    entries: list[dict[str, Any] | None] = []
    if canonical is not None:
        noted = [parse_entry(lines[i]) for i in _noted_lines(data) if i < sealed]
        if canonical[1]:
            # The one pass stands for the other lines (any dict marks a well-formed entry).
            entries = [{}] * n
            for i in canonical[1]:
                entries[i] = parse_entry(lines[i])
    else:
        entries = [parse_entry(line) for line in lines]
        noted = entries[:sealed]
    recoveries: dict[str, int] = {}
    for entry in noted:
        if entry is None:
            continue
        if entry["action"] == RECOVERED_ACTION:
            recoveries[entry["target"]] = int(entry["details"].get("old_size") or 0)
            report.warnings.append(
                f"entry {entry['seq']}: the log was recovered by {entry['actor']} at "
                f"{entry['time']}; entries 1 to {entry['seq'] - 1} are vouched for by the "
                f"witness and the exports of the earlier log {entry['target']}"
            )
        elif entry["action"] == CLOCK_ACTION:
            d = entry["details"]
            report.warnings.append(
                f"entry {entry['seq']}: the clock went back from {d.get('last_seal')} to "
                f"{d.get('clock')}; later checkpoints keep the time of the last one"
            )

    last_hashes = {cp.size: cp.last for cp in parsed}
    checked = {cp.note for cp in parsed}

    def matches(cp: Checkpoint) -> bool:
        if cp.size and digests[cp.size - 1].hex() != cp.last:
            return False
        return tree.root(cp.size) == cp.root

    others = [(note, "the witness") for note in witnessed]
    others += [(note, SUPERSEDED_FILE) for note in superseded]
    for note, source in others:
        if note is None:
            # An append cut short (a full disk): the witness still holds the other lines.
            report.warnings.append(f"a damaged line of {source} was ignored")
            continue
        if note in checked:
            continue  # the export's own copy has been checked above
        other = _origin_of(note)
        if other in recoveries:
            # The earlier log's keys are lost: its checkpoints cannot be checked for a
            # signature, but they are outside the database and must agree with the entries.
            try:
                old = Checkpoint.parse(note)
            except (ValueError, KeyError) as err:
                report.fail(1, f"{source} holds a malformed checkpoint ({err})")
                continue
            if old.size > min(n, recoveries[other]) or not matches(old):
                problem = f"entries differ from a checkpoint of the earlier log {other} ({source})"
                suspects.append((1, old.size, problem))
            continue
        if other != origin:
            report.fail(1, f"{source} holds a checkpoint of another log ({other})")
            continue
        cp = valid_checkpoint(note)
        if isinstance(cp, str):
            report.fail(1, f"{source} holds a checkpoint that is not valid: {cp}")
            continue
        if cp.size > n:
            report.fail(n + 1, f"log truncated: the witness saw {cp.size} entries, {n} remain")
        elif not matches(cp):
            intact = max((c.size for c in parsed if c.size < cp.size), default=0)
            problem = "log rolled back: entries differ from a witnessed checkpoint"
            suspects.append((intact + 1, cp.size, problem))
        else:
            last_hashes.setdefault(cp.size, cp.last)

    bad = None
    if canonical is not None and not canonical[1]:
        if not canonical[0]:
            # Every entry is well formed (None: none to mark malformed); a link is wrong.
            bad = _first_bad_entry(lines, [d.hex() for d in digests], last_hashes)
    elif not _chain_intact(data, digests) or None in entries:
        bad = _first_bad_entry(lines, [d.hex() for d in digests], last_hashes, entries)
    if bad is not None:
        report.fail(*bad)
    for first, last, problem in suspects:
        if bad is None or not first <= bad[0] <= last:
            report.fail(first, problem)
    # What the export's last checkpoint claims to seal (whether it holds is checked above).
    claimed = sealed
    for note in checkpoints:
        try:
            claimed = max(claimed, Checkpoint.parse(note).size if note is not None else 0)
        except (ValueError, KeyError):
            continue
    if claimed < n:
        report.fail(
            claimed + 1,
            f"entries {claimed + 1} to {n} are not sealed by a checkpoint "
            "(an export is sealed before it is written)",
        )
    return report


def _check_final_checkpoints(
    epochs: Sequence[EpochKey], signed: Sequence[Checkpoint], report: Report
) -> None:
    """Each retired epoch's key signed a final checkpoint over every entry before its
    successor was certified (the successor's certificate names it): a thief who holds only a
    later key cannot re-seal what an earlier epoch sealed."""
    by_hash = {sha256_hex(cp.note.encode("utf-8")): cp for cp in signed}
    for key in epochs[1:]:
        before = epochs[key.epoch - 1]
        if not key.final:
            report.warnings.append(
                f"epoch {key.epoch} was started without a final checkpoint of epoch "
                f"{before.epoch} (written by an earlier version of Utkik)"
            )
            continue
        cp = by_hash.get(key.final)
        if cp is None or cp.signer != before.name:
            # What the epoch's checkpoints that are left seal still holds; after it, doubt.
            upto = {e.name for e in epochs[: before.epoch + 1]}
            intact = max((c.size for c in signed if c.signer in upto), default=0)
            report.fail(
                intact + 1,
                f"the final checkpoint of epoch {before.epoch}, signed by its own key, is missing",
            )


def verify_proof(directory: Path, proof_path: Path, anchor: str | None = None) -> tuple[bool, str]:
    """Check an inclusion proof (from `utkik audit prove`) against the export's keys."""
    proof = json.loads(proof_path.read_text(encoding="utf-8"))
    entry = proof["entry"].encode("utf-8")
    index, size = int(proof["leaf_index"]), int(proof["tree_size"])
    path = [bytes.fromhex(h) for h in proof["path"]]
    # Only keys certified from the first one count, as in verify(): any other key in the
    # certificates file could have been put there by whoever forged the proof.
    epochs = epoch_keys(note_lines(directory / CERTIFICATES_FILE), [])
    if anchor is not None and (not epochs or fingerprint(epochs[0].public_key) != anchor.lower()):
        return False, "the first key does not have the expected fingerprint"
    cp = signed_checkpoint(proof["checkpoint"], {k.name: k for k in epochs}, epochs)
    if isinstance(cp, str):
        return False, f"the proof's checkpoint is not signed by a key of this log ({cp})"
    if cp.size != size:
        return False, "the proof is for another tree size than its checkpoint"
    if root_from_inclusion(leaf_hash(entry), index, size, path) != cp.root:
        return False, "the entry is not in the checkpoint's tree"
    seq = json.loads(entry)["seq"]
    return True, f"entry {seq} is included in the log of {size} entries sealed at {cp.time}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Utkik access-log export.")
    parser.add_argument("directory", type=Path, help="the export folder")
    parser.add_argument("--witness", type=Path, help="a witness file of checkpoints to compare")
    parser.add_argument("--anchor", help="the expected fingerprint of the first key")
    parser.add_argument("--proof", type=Path, help="an inclusion proof to check")
    args = parser.parse_args(argv)
    try:
        # The log first, then the proof against the same keys and anchor: a proof counts only
        # with a log that verifies.
        report = verify(args.directory, args.witness, args.anchor)
        print(report.text())
        ok = report.ok
        if args.proof is not None:
            proven, text = verify_proof(args.directory, args.proof, args.anchor)
            print(("OK: " if proven else "FAIL: ") + text)
            ok = ok and proven
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"FAIL: the export cannot be read: {err}")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
