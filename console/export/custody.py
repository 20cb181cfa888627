"""The chain of custody of an evidence package: who handed it to whom, and when.

Each hand-over is logged (`export.handover`) before its line is appended to the package's
custody.jsonl, signed by the access log's key of the day and linked to the line before it
(docs/export.md). A package that does not verify is not handed over.
"""

from __future__ import annotations

import os
from pathlib import Path

from console.audit import verify as lv
from console.audit.log import AuditLog
from console.clock import Clock, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, StorageError
from console.export import verify as pv
from console.export.package import anchor_of, custody_line
from console.policy import require


def hand_over(audit: AuditLog, clock: Clock, actor: Actor, folder: Path, to: str) -> str:
    """Append a hand-over of the package in `folder` to `to`; returns the line written."""
    require(actor, Permission.EXPORT_REQUEST)
    to = to.strip()
    if not to:
        raise InvalidInput(N_("Say to whom the package is handed over."))
    try:
        facts = pv.verify_package(folder)
        signature = pv.read_canonical(folder / pv.SIGNATURE, pv.SIGNATURE)
        last = (folder / pv.CUSTODY).read_bytes().splitlines(keepends=True)[-1]
    except pv.Problem as problem:
        raise InvalidInput(
            N_("The package in {path} does not verify ({problem}): it is not handed over."),
            path=folder,
            problem=str(problem),
        ) from None
    except OSError as err:
        raise StorageError(
            N_("The package in {path} cannot be read: {reason}."),
            path=folder,
            reason=err.strerror or type(err).__name__,
        ) from err
    if facts.anchor != anchor_of(audit):
        # Its custody lines would be signed by keys its own chain does not hold.
        raise InvalidInput(
            N_(
                "The package in {path} was made by another installation (its first key is "
                "{anchor}): hand it over there."
            ),
            path=folder,
            anchor=facts.anchor,
        )
    prev = lv.sha256_hex(last)
    now = clock.now()
    entry = audit.record(
        actor,
        pv.HANDOVER_ACTION,
        f"package:{facts.package}",
        {"package": facts.package, "to": to, "previous_line": prev},
    ).result()
    line = custody_line(
        audit,
        {
            "event": "handover",
            "time": to_iso(now),
            "from": actor.name,
            "to": to,
            "package": facts.package,
            "log_seq": entry.seq,
            "prev": prev,
        },
        signature["certificates"],
    )
    try:
        with open(folder / pv.CUSTODY, "ab") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())
    except OSError as err:
        raise StorageError(
            N_("The hand-over was logged but could not be added to {path}: {reason}."),
            path=folder / pv.CUSTODY,
            reason=err.strerror or type(err).__name__,
        ) from err
    return line.decode("utf-8")
