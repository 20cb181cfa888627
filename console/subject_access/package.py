"""The subject access package: the reviewed masked copies, a signed manifest, the access log's
proof of the release, the chain of custody and a verifier (docs/subject-access.md).

It is made exactly as an evidence package (console/export/package.py, whose signing, proof and
custody code it uses): written into a hidden folder, `subject_access.released` (carrying the
manifest's SHA-256) appended to the access log, then sealed, proven, signed, and renamed to its
own name. If the entry cannot be written no package appears (fail closed); a failure after it
is logged as `subject_access.release_failed` and leaves no folder.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from console import __version__
from console.audit import verify as lv
from console.audit.log import AuditLog
from console.clock import Clock, to_iso
from console.domain import Actor
from console.errors import N_, InvalidInput, KnownError, StorageError
from console.export import verify as pv
from console.export.package import (
    PARTIAL_PREFIX,
    _certificates,
    _moment,
    _signature,
    _slug,
    _sync_dir,
    _sync_tree,
    _write,
    custody_line,
    span,
)
from console.storage import make_private_dir
from console.subject_access import verify as sv
from console.subject_access.cases import Case, CaseService

log = logging.getLogger(__name__)

#: Every masked copy is copied in pieces of this size.
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ReleaseReceipt:
    folder: Path
    manifest_sha256: str
    anchor_fingerprint: str
    log_seq: int
    case: Case


class CasePackageWriter:
    """Releases a reviewed case as a package in a destination folder."""

    def __init__(
        self, cases: CaseService, audit: AuditLog, clock: Clock, *, site: str | None = None
    ) -> None:
        self._cases = cases
        self._audit = audit
        self._clock = clock
        self._site = site or socket.gethostname()

    def release(self, actor: Actor, case_id: int, destination: Path) -> ReleaseReceipt:
        case = self._cases.check_release(actor, case_id)
        released_at = self._clock.now()
        package = f"utkik-case-{case.id}-{released_at:%Y%m%dT%H%M%SZ}"
        if not destination.is_dir():
            raise InvalidInput(N_("The folder {path} does not exist."), path=destination)
        final = destination / package
        if final.exists():
            raise InvalidInput(N_("{path} exists already: nothing is overwritten."), path=final)
        folder = destination / f"{PARTIAL_PREFIX}{package}-{secrets.token_hex(4)}"
        try:
            make_private_dir(folder / "video")
        except OSError as err:
            raise StorageError(
                N_("The folder {path} cannot be written: {reason}."),
                path=destination,
                reason=err.strerror or type(err).__name__,
            ) from err
        try:
            return self._write(actor, case, package, folder, final, released_at)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def _write(
        self,
        actor: Actor,
        case: Case,
        package: str,
        folder: Path,
        final: Path,
        released_at: datetime,
    ) -> ReleaseReceipt:
        videos: list[dict[str, Any]] = []
        source_folder = self._cases.folder(case)
        footage = {f.camera_id: f for f in case.footage}
        for copy in case.copies:
            shown = footage[copy.camera_id]
            name = f"video/{copy.camera_id}-{_slug(shown.camera_name)}-masked.mp4"
            with open(source_folder / copy.masked, "rb") as src, open(folder / name, "xb") as out:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)
            if pv.sha256_file(folder / name) != copy.masked_sha256:
                raise KnownError(
                    N_("The masked copy of camera {camera} changed while it was copied."),
                    camera=copy.camera_id,
                )
            videos.append(
                {
                    "path": name,
                    "camera_id": copy.camera_id,
                    "camera_name": shown.camera_name,
                    "span": span(shown.start, shown.end),
                    "derived_from": copy.derived_from,
                    "sha256": copy.masked_sha256,
                    "frames": copy.frames,
                    "masks": copy.plan,
                    "masked_by": copy.masked_by,
                    "masked_at": to_iso(copy.masked_at),
                    "frames_where_masks_change": len(copy.change_frames),
                }
            )
        anchor = lv.fingerprint(lv.parse_certificate(_certificates(self._audit)[0]).public_key)
        _write(folder / pv.README, _README.format(package=package, case=case.number,
                                                  anchor=anchor).encode("utf-8"))  # fmt: skip
        _write(folder / pv.VERIFIER, Path(sv.__file__).read_bytes())
        _write(folder / sv.EXPORT_VERIFIER, Path(pv.__file__).read_bytes())
        _write(folder / pv.LOG_VERIFIER, Path(lv.__file__).read_bytes())
        files = [
            {
                "path": p.relative_to(folder).as_posix(),
                "size": p.stat().st_size,
                "sha256": pv.sha256_file(p),
            }
            for p in sorted(p for p in folder.rglob("*") if p.is_file())
        ]
        manifest = {
            "format": sv.MANIFEST_FORMAT,
            "package": package,
            "case": case.id,
            "case_number": case.number,
            "site": self._site,
            "installation": self._audit.origin,
            "anchor_fingerprint": anchor,
            "software": f"utkik {__version__}",
            "requester": case.requester,
            "identity_check": case.identity_check,
            "identity_checked_by": case.identity_checked_by,
            "claimed": span(case.claimed_from, case.claimed_to),
            "place": case.place,
            "opened_at": _moment(case.opened_at),
            "deadline": _moment(case.deadline),
            "masked_by": sorted({c.masked_by for c in case.copies}),
            "reviewer": case.reviewer,
            "reviewed_at": _moment(case.reviewed_at) if case.reviewed_at else None,
            "released_by": actor.name,
            "released_at": _moment(released_at),
            "videos": videos,
            "files": files,
        }
        manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        _write(folder / pv.MANIFEST, manifest_bytes)
        manifest_sha = lv.sha256_hex(manifest_bytes)
        entry = self._audit.record(
            actor,
            sv.RELEASED_ACTION,
            f"case:{case.id}",
            {
                "package": package,
                "manifest_sha256": manifest_sha,
                "case": case.number,
                "reviewer": case.reviewer or "",
                "files": len(files) + len(pv.UNLISTED),
            },
        ).result()
        try:
            self._audit.seal().result()
            proof = {
                "format": pv.PROOF_FORMAT,
                **self._audit.prove(entry.seq),
                "certificates": _certificates(self._audit),
            }
            signed = self._audit.sign(pv.MANIFEST_DOMAIN, manifest_bytes)
            _write(folder / pv.LOG_PROOF, lv.canonical_json(proof) + b"\n")
            _write(folder / pv.SIGNATURE, _signature(signed, manifest_sha))
            first = custody_line(
                self._audit,
                {
                    "event": "produced",
                    "time": to_iso(released_at),
                    "from": actor.name,
                    "to": actor.name,
                    "package": package,
                    "log_seq": entry.seq,
                    "prev": manifest_sha,
                },
                signed.certificates,
            )
            _write(folder / pv.CUSTODY, first)
            _sync_tree(folder)
            os.rename(folder, final)
            _sync_dir(final.parent)
        except BaseException as err:
            try:
                self._audit.record(
                    actor,
                    "subject_access.release_failed",
                    f"case:{case.id}",
                    {"package": package, "released_seq": entry.seq, "reason": str(err)},
                ).result()
            except KnownError as failure:
                log.error("the failed release of case %s could not be logged: %s", case.id, failure)
            raise
        closed = self._cases.released(actor, case, package, manifest_sha)
        return ReleaseReceipt(final, manifest_sha, anchor, entry.seq, closed)


_README = """\
Utkik registerutdrag (kamerabevakning) / Utkik subject access copy (camera surveillance)
=======================================================================================

Paket / Package: {package}
Ärende / Case: {case}

Fingeravtryck för installationens första nyckel /
Fingerprint of the installation's first key:

    {anchor}

SVENSKA
-------
Mappen innehåller en maskerad kopia av inspelad video där den som begärt utdraget syns.
Alla andra personer (och till exempel registreringsskyltar) är övertäckta. Kopian är omkodad
från originalet; originalets SHA-256 står i manifest.json (derived_from), liksom
maskeringarna, vem som maskerade, vem som granskade och vem som lämnade ut kopian.

  video/*.mp4      den maskerade videon (H.264, utan ljud); spelas i VLC, mpv eller ffplay
  manifest.json    paketets innehåll, signerat (manifest.sig) med åtkomstloggens nyckel
  log-proof.json   bevis för att utlämnandet finns i åtkomstloggen
  custody.jsonl    överlämningar
  verify.py        kontrollprogrammet (med export_verify.py och log_verify.py)

Kontrollera paketet (Python 3.11 eller senare och paketet cryptography behövs):

    python verify.py DENNA_MAPP --anchor FINGERAVTRYCK

ENGLISH
-------
This folder holds a masked copy of recorded video in which the person who asked can be seen.
Everyone else (and, for example, number plates) is covered. The copy is re-encoded from the
original; the original's SHA-256 is in manifest.json (derived_from), with the masks, who
masked, who reviewed and who released the copy.

  video/*.mp4      the masked video (H.264, no sound); plays in VLC, mpv or ffplay
  manifest.json    what the package holds, signed (manifest.sig) by the access log's key
  log-proof.json   proof that the release is in the access log
  custody.jsonl    hand-overs
  verify.py        the verifier (with export_verify.py and log_verify.py)

Verify the package (needs Python 3.11 or later and the package cryptography):

    python verify.py THIS_FOLDER --anchor FINGERPRINT
"""
