"""The alarms' state compared with the access log (console/audit/state.py): whoever can write the
database could acknowledge or close an alarm, or change a rule, without a service; the log's
chain does not see that, since no entry changed.

- every alarm acknowledged or closed has the entry that did it, by the user the row names;
- every stored rule is what the last `alarm.rule_changed` of its class and site set.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from console.audit.state import Difference, Logged, register
from console.errors import N_

_HANDLED = ("alarm.acknowledged", "alarm.closed")


@register("alarms", (*_HANDLED, "alarm.rule_changed"))
def _alarms(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    rules = {e.target: dict(e.details) for e in logged if e.action == "alarm.rule_changed"}
    actors = _actors(db, logged)
    out: list[Difference] = []
    for alarm_id, state, acknowledged_by, closed_by in db.execute(
        "SELECT id, state, acknowledged_by, closed_by FROM alarms WHERE state != 'new' ORDER BY id"
    ).fetchall():
        target = f"alarm:{alarm_id}"
        checks = [("alarm.closed", closed_by)] if state == "closed" else []
        if acknowledged_by:
            checks.append(("alarm.acknowledged", acknowledged_by))
        for action, name in checks:
            if actors.get((action, target)) != name:
                out.append(
                    Difference(
                        "alarms",
                        N_(
                            "Alarm {id} is {state} by {name} in the database, but the access "
                            "log has no such entry ({action})."
                        ),
                        {"id": alarm_id, "state": state, "name": name, "action": action},
                    )
                )
    for alarm_class, area, severity, sound, open_camera, record, record_s, boost in db.execute(
        "SELECT class, area_id, severity, sound, open_camera, record, record_s, lighting_boost "
        "FROM alarm_rules ORDER BY class, area_id"
    ).fetchall():
        target = f"{alarm_class}@{area or 'all'}"
        stored = {
            "severity": severity,
            "sound": sound,
            "open_camera": bool(open_camera),
            "record": bool(record),
            "record_s": record_s,
            "lighting_boost": boost,
        }
        if rules.get(target) != stored:
            out.append(
                Difference(
                    "alarms",
                    N_(
                        "The alarm rule {rule} in the database is not what the access log last set."
                    ),
                    {"rule": target},
                )
            )
    return out


def _actors(db: sqlite_utils.Database, logged: Sequence[Logged]) -> dict[tuple[str, str], str]:
    """Who made each handling entry (the entries' actor column, which Logged does not keep)."""
    seqs = [e.seq for e in logged if e.action in _HANDLED]
    found: dict[tuple[str, str], str] = {}
    for chunk in range(0, len(seqs), 500):
        part = seqs[chunk : chunk + 500]
        for action, target, actor in db.execute(
            f"SELECT action, target, actor FROM audit_entries WHERE seq IN "
            f"({','.join('?' * len(part))}) ORDER BY seq",
            part,
        ).fetchall():
            found[(action, target)] = actor
    return found
