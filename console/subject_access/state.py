"""The subject access cases compared with what the access log says was done
(console/audit/state.py).

Whoever can write the database could mark a case reviewed (the release needs it) or name another
reviewer, and then release it. Replaying the log's case entries finds that: each case's state and
reviewer are what its last logged step made them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from console.audit.state import Difference, Logged, register
from console.errors import N_

#: The steps replayed, and the state each leaves a case in.
_STATES = {
    "subject_access.opened": "open",
    "subject_access.footage": "footage_found",
    "subject_access.masked": "masked",
    "subject_access.reviewed": "reviewed",
    "subject_access.review_rejected": "footage_found",
    "subject_access.released": "released",
    "subject_access.refused": "refused",
}


@dataclass(slots=True)
class _Logged:
    state: str
    reviewer: str | None = None


def _case_id(target: str) -> int | None:
    number = target.removeprefix("case:")
    return int(number) if target.startswith("case:") and number.isdigit() else None


@register("cases", tuple(_STATES))
def _cases(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    expected: dict[int, _Logged] = {}
    for entry in logged:
        case_id = _case_id(entry.target)
        if case_id is None:
            continue
        if entry.action == "subject_access.opened":
            expected[case_id] = _Logged("open")
            continue
        want = expected.get(case_id)
        if want is None:
            continue
        want.state = _STATES[entry.action]
        if entry.action == "subject_access.reviewed":
            reviewer = entry.details.get("reviewer")
            want.reviewer = reviewer if isinstance(reviewer, str) else None
        elif entry.action in ("subject_access.masked", "subject_access.review_rejected"):
            want.reviewer = None
    out: list[Difference] = []
    stored = {
        row[0]: (row[1], row[2])
        for row in db.execute("SELECT id, state, reviewer FROM subject_access_cases ORDER BY id")
    }
    for case_id, (state, reviewer) in stored.items():
        want = expected.get(case_id)
        if want is None:
            out.append(
                _diff(
                    N_("Case {id} is in the database, but the access log never logged it."),
                    id=case_id,
                )
            )
        elif state != want.state:
            out.append(
                _diff(
                    N_(
                        "Case {id} is {state} in the database, but the access log last made it "
                        "{logged}."
                    ),
                    id=case_id,
                    state=state,
                    logged=want.state,
                )
            )
        elif (reviewer or None) != want.reviewer:
            out.append(
                _diff(
                    N_(
                        "Case {id} was reviewed by {reviewer} in the database, but by {logged} "
                        "in the access log."
                    ),
                    id=case_id,
                    reviewer=reviewer or "-",
                    logged=want.reviewer or "-",
                )
            )
    for case_id in sorted(expected.keys() - stored.keys()):
        out.append(
            _diff(N_("Case {id} is in the access log but missing from the database."), id=case_id)
        )
    return out


def _diff(template: str, **params: object) -> Difference:
    return Difference("cases", template, params)
