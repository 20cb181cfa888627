"""The register's reminder: which reviews have come due and which entries in use are incomplete,
on Stockholm's date by the injected clock; removed cameras left out; only for readers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from console.app import Core
from console.domain import Actor, Role
from console.errors import PermissionDenied
from console.register import Entry
from tests.conftest import FakeClock
from tests.core.test_cameras import facts, place, user
from tests.register_fixture import COMPLETE

ROOT = Actor.os_account("root")


def add(core: Core, name: str, host: str, where: str) -> int:
    return core.cameras.add(ROOT, facts(host), place(core, where), name, "u", "p").id


def names(entries: tuple[Entry, ...]) -> list[str]:
    return [e.camera_name for e in entries]


def test_due_reviews_and_incomplete_entries_by_the_injected_clock(
    core: Core, clock: FakeClock
) -> None:
    torget = add(core, "Torget", "127.0.0.2", "Stora torget")
    berga = add(core, "Berga", "127.0.0.3", "Berga centrum")
    add(core, "Ryd", "127.0.0.4", "Ryds centrum")  # no entry at all: incomplete
    core.register.set(ROOT, torget, {**COMPLETE, "review_date": "2026-04-01"})
    core.register.set(ROOT, berga, {**COMPLETE, "review_date": "2027-01-01"})
    sara = user(core, "sara", Role.SUPERVISOR)

    # 2026-03-31 22:30 UTC is already 1 April in Stockholm (summer time, +02:00).
    clock.moment = datetime(2026, 3, 31, 21, 30, tzinfo=UTC)
    assert core.register.today() == date(2026, 3, 31)
    early = core.register.reminder(sara)
    assert names(early.overdue) == []
    assert names(early.incomplete) == ["Ryd"]
    assert early.due

    clock.moment = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    assert core.register.today() == date(2026, 4, 1)
    due = core.register.reminder(sara)
    assert due.today == date(2026, 4, 1)
    assert names(due.overdue) == ["Torget"]
    assert names(due.incomplete) == ["Ryd"]


def test_nothing_due_and_removed_cameras_are_left_out(core: Core, clock: FakeClock) -> None:
    torget = add(core, "Torget", "127.0.0.2", "Stora torget")
    gone = add(core, "Gammal", "127.0.0.3", "Berga centrum")
    core.register.set(ROOT, torget, COMPLETE)
    # A removed camera with an old review date and an incomplete entry asks for nothing.
    core.register.set(ROOT, gone, {"purpose": "Trygghet", "review_date": "2020-01-01"})
    core.cameras.remove(ROOT, gone)
    reminder = core.register.reminder(user(core, "ulla", Role.AUDITOR))
    assert (reminder.overdue, reminder.incomplete, reminder.due) == ((), (), False)
    # The removed camera is still in the register itself.
    assert [e.camera_name for e in core.register.entries(ROOT)] == ["Torget", "Gammal"]


def test_operators_get_no_reminder(core: Core) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    with pytest.raises(PermissionDenied, match="read the surveillance register"):
        core.register.reminder(olle)
