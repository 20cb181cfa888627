"""The export requests compared with what the access log says was done (console/audit/state.py).

Whoever can write the database could mark a pending request approved, name another approver,
or slip in a request nobody asked for, and then produce it. Replaying the log's export entries
finds that: each request's state and approver are what its last logged step made them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from console.audit.state import Difference, Logged, register
from console.errors import N_

#: The steps replayed, and the state each leaves a request in.
_STATES = {
    "export.approved": "approved",
    "export.rejected": "rejected",
    "export.expired": "expired",
    "export.produced": "produced",
}


@dataclass(slots=True)
class _Logged:
    state: str
    approver: str | None = None


def _request_id(target: str) -> int | None:
    number = target.removeprefix("export:")
    return int(number) if target.startswith("export:") and number.isdigit() else None


@register("exports", ("export.requested", *_STATES))
def _exports(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    expected: dict[int, _Logged] = {}
    for entry in logged:
        request_id = _request_id(entry.target)
        if request_id is None:
            continue
        if entry.action == "export.requested":
            four_eyes = entry.details.get("four_eyes") is not False
            expected[request_id] = _Logged("pending" if four_eyes else "approved")
        elif request_id in expected:
            state = expected[request_id]
            state.state = _STATES[entry.action]
            if entry.action == "export.approved":
                approver = entry.details.get("approver")
                state.approver = approver if isinstance(approver, str) else None
    out: list[Difference] = []
    stored = {
        row[0]: (row[1], row[2])
        for row in db.execute("SELECT id, state, approver FROM export_requests ORDER BY id")
    }
    for request_id, (state, approver) in stored.items():
        want = expected.get(request_id)
        if want is None:
            out.append(
                _diff(
                    N_(
                        "Export request {id} is in the database, but the access log never "
                        "logged it."
                    ),
                    id=request_id,
                )
            )
            continue
        # A package is written while its request is "producing"; a crash between the
        # producer's entry and the request's last write leaves it approved.
        shown = "approved" if state == "producing" else state
        if shown != want.state and not (shown == "approved" and want.state == "produced"):
            out.append(
                _diff(
                    N_(
                        "Export request {id} is {state} in the database, but the access log "
                        "last made it {logged}."
                    ),
                    id=request_id,
                    state=shown,
                    logged=want.state,
                )
            )
        elif want.approver is not None and approver != want.approver:
            out.append(
                _diff(
                    N_(
                        "Export request {id} was approved by {approver} in the database, but by "
                        "{logged} in the access log."
                    ),
                    id=request_id,
                    approver=approver or "-",
                    logged=want.approver,
                )
            )
    for request_id in sorted(expected.keys() - stored.keys()):
        out.append(
            _diff(
                N_("Export request {id} is in the access log but missing from the database."),
                id=request_id,
            )
        )
    return out


def _diff(template: str, **params: object) -> Difference:
    return Difference("exports", template, params)
