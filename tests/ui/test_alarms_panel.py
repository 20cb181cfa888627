"""The Alarms dock over the real alarm service and SQLite: order, severity shown by more than
colour, hostile payloads as bounded plain text, handling (acknowledge with and without a
comment, assign, close, snooze that expires), filters, counts, and the role matrix."""

from __future__ import annotations

import io
import json
import logging
import wave
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from console.alarms.model import Alarm, AlarmState
from console.alarms.registry import default_registry
from console.alarms.signals import AlarmClass, DeviceEvent, SourceKind
from console.app import Core
from console.domain import Actor, Role, User
from tests.conftest import PASSWORD, FakeClock
from ui.alarm_details import AssignDialog, CommentDialog, SnoozeDialog
from ui.alarm_sound import RATE, TONES, AlarmSound, tone
from ui.alarms_model import SEVERITY_COLOURS
from ui.alarms_panel import AlarmsPanel
from ui.tasks import TaskRunner
from ui.theme import apply_theme

CLI = Actor.os_account("root")
REGISTRY = default_registry()


def user(core: Core, name: str, role: Role) -> User:
    core.users.add(CLI, name, role, PASSWORD)
    return core.users.authenticate(name, PASSWORD)


def sensor_event(
    clock: FakeClock,
    leaf: str,
    payload: dict[str, object],
    *,
    place: str = "stora-torget",
    sensor_id: str = "door-1",
    device_time: datetime | None = None,
) -> DeviceEvent:
    return DeviceEvent(
        kind=SourceKind.MQTT,
        source=sensor_id,
        camera_id=None,
        topic=f"utkik/site/{place}/sensor/{sensor_id}/{leaf}",
        device_time=device_time,
        received_time=clock.now(),
        data={k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()},
        raw=json.dumps(payload),
        place=place,
    )


def raise_events(core: Core, *events: DeviceEvent) -> list[Alarm]:
    outcomes = core.alarms.ingest([REGISTRY.signal_for(e) for e in events])
    return [o.alarm for o in outcomes if o.alarm is not None]


def aggression(clock: FakeClock, **kw: object) -> DeviceEvent:
    payload = {"kind": "sound", "event": "aggression", "level": 88}
    return sensor_event(clock, "event", payload, sensor_id="sound-1", **kw)  # type: ignore[arg-type]


def motion_like(clock: FakeClock) -> DeviceEvent:
    """A vendor topic no parser reads: a generic alarm of severity 4."""
    return DeviceEvent(
        kind=SourceKind.ONVIF,
        source="1",
        camera_id=None,
        topic="{urn:vendor}Lens/HeaterFault",
        device_time=clock.now(),
        received_time=clock.now(),
        data={"Reason": "cold"},
        raw="<tt:Message>cold</tt:Message>",
    )


@pytest.fixture
def make_panel(qtbot: QtBot, core: Core, runner: TaskRunner) -> Callable[[User], AlarmsPanel]:
    def make(who: User) -> AlarmsPanel:
        panel = AlarmsPanel(core.alarms, who, runner, core.clock)
        qtbot.addWidget(panel)
        panel.resize(900, 700)
        panel.show()
        panel.load()
        return panel

    return make


def rows(panel: AlarmsPanel) -> list[tuple[str, str, str]]:
    model = panel.model
    out = []
    for row in range(model.rowCount()):
        cells = [str(model.index(row, c).data()) for c in (0, 4, 5)]
        out.append((cells[0], cells[1], cells[2]))
    return out


def answer(qtbot: QtBot, panel: AlarmsPanel, kind: type[QDialog]) -> QDialog:
    qtbot.waitUntil(lambda: isinstance(panel.dialog, kind) and panel.dialog.isVisible())
    dialog = panel.dialog
    assert isinstance(dialog, kind)
    return dialog


def test_most_severe_and_newest_first_with_words_and_icons(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    raise_events(core, motion_like(clock))
    clock.advance(seconds=5)
    raise_events(core, aggression(clock))
    clock.advance(seconds=5)
    raise_events(core, sensor_event(clock, "state", {"kind": "door", "open": True}))
    panel = make_panel(olle)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    # Severity 2 before 4; of two severity-2 alarms the newer (the door) first.
    assert [r[0] for r in rows(panel)] == ["2 High", "2 High", "4 Low"]
    assert rows(panel)[0][1].startswith("Door")
    for row in range(3):
        index = panel.model.index(row, 0)
        assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert panel.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) != panel.model.index(
        2, 0
    ).data(Qt.ItemDataRole.BackgroundRole)


def test_hostile_payloads_are_bounded_plain_text(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    huge = "A" * (1 << 20)
    raise_events(
        core,
        sensor_event(
            clock,
            "event",
            {"kind": "door", "event": "forced", "x": huge, "html": "<b>bold</b>"},
            sensor_id="door-\u202egnp.exe<script>x</script>",
            device_time=datetime(1601, 1, 1, tzinfo=UTC),
        ),
        sensor_event(
            clock,
            "event",
            {"kind": "door", "event": "forced"},
            sensor_id="door-9",
            device_time=datetime(9999, 12, 31, tzinfo=UTC),
        ),
    )
    panel = make_panel(olle)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    for title in (r[1] for r in rows(panel)):
        assert "\u202e" not in title
        assert "<script>" not in title
        assert len(title) <= 210
    for row in range(2):
        panel.table.selectRow(row)
        details = panel.details
        assert details.fields["title"].textFormat() is Qt.TextFormat.PlainText
        assert details.fields["device_time"].text().startswith("none")
        assert len(details.raw.toPlainText()) <= 16_384
        # Received at the fake clock's 00:30 UTC on 29 March 2026: 01:30 in Stockholm (+01:00).
        assert details.fields["received_time"].text() == "2026-03-29 01:30:00 +01:00"


def test_acknowledge_needs_a_comment_for_severe_alarms_then_assign_and_close(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    user(core, "eva", Role.OPERATOR)
    (alarm,) = raise_events(core, aggression(clock))
    panel = make_panel(olle)
    counts: list[dict[AlarmState, int]] = []
    panel.counts_changed.connect(counts.append)
    handled: list[Alarm] = []
    panel.alarm_handled.connect(handled.append)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select(alarm.id)
    assert panel.buttons["acknowledge"].isEnabled()
    qtbot.keyClick(panel.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = answer(qtbot, panel, CommentDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)  # type: ignore[attr-defined]
    assert not ok.isEnabled()  # severity 2: a comment is required
    dialog.comment.setPlainText("Guards on their way")  # type: ignore[attr-defined]
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: core.alarms.get(CLI, alarm.id).state is AlarmState.ACKNOWLEDGED)
    qtbot.waitUntil(lambda: rows(panel) == [("2 High", rows(panel)[0][1], "Acknowledged")])
    assert core.alarms.get(CLI, alarm.id).comment == "Guards on their way"
    assert handled
    assert handled[-1].id == alarm.id
    assert counts[-1][AlarmState.ACKNOWLEDGED] == 1
    assert counts[-1][AlarmState.NEW] == 0
    assert not panel.buttons["acknowledge"].isEnabled()

    panel.select(alarm.id)
    panel.buttons["assign"].click()
    assign = answer(qtbot, panel, AssignDialog)
    assign.operator.setText("eva")  # type: ignore[attr-defined]
    assign.accept()
    qtbot.waitUntil(lambda: core.alarms.get(CLI, alarm.id).assigned_to == "eva")

    panel.select(alarm.id)
    panel.buttons["close"].click()
    closing = answer(qtbot, panel, CommentDialog)
    # Acknowledged already: closing needs no second comment.
    assert closing.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # type: ignore[attr-defined]
    closing.accept()
    qtbot.waitUntil(lambda: core.alarms.get(CLI, alarm.id).state is AlarmState.CLOSED)
    # The default filter shows open alarms only.
    qtbot.waitUntil(lambda: rows(panel) == [])
    panel.state_filter.setCurrentIndex(panel.state_filter.findData(None))
    assert [r[2] for r in rows(panel)] == ["Closed"]


def test_a_mild_alarm_is_acknowledged_without_a_comment_and_a_refusal_is_said(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    (alarm,) = raise_events(core, motion_like(clock))
    panel = make_panel(olle)
    said: list[str] = []
    panel.status.connect(said.append)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select(alarm.id)
    panel.buttons["acknowledge"].click()
    dialog = answer(qtbot, panel, CommentDialog)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # type: ignore[attr-defined]
    dialog.accept()
    qtbot.waitUntil(lambda: core.alarms.get(CLI, alarm.id).state is AlarmState.ACKNOWLEDGED)
    # Assigning to someone who does not exist: the service's words reach the status bar.
    panel.select(alarm.id)
    panel.buttons["assign"].click()
    assign = answer(qtbot, panel, AssignDialog)
    assign.operator.setText("nobody")  # type: ignore[attr-defined]
    assign.accept()
    qtbot.waitUntil(lambda: bool(said))
    assert "nobody" in said[-1]
    assert core.alarms.get(CLI, alarm.id).assigned_to == ""


def test_filters_by_site_class_and_state(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    raise_events(core, aggression(clock), motion_like(clock))
    raise_events(
        core,
        sensor_event(
            clock, "state", {"kind": "door", "open": True}, place="berga-centrum", sensor_id="d-2"
        ),
    )
    panel = make_panel(olle)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    panel.class_filter.setCurrentIndex(panel.class_filter.findData(AlarmClass.AUDIO.value))
    assert len(rows(panel)) == 1
    assert rows(panel)[0][1].startswith("Aggression")
    panel.class_filter.setCurrentIndex(0)
    sites = [panel.site_filter.itemText(i) for i in range(1, panel.site_filter.count())]
    assert "City" in sites
    panel.site_filter.setCurrentIndex(panel.site_filter.findData("City"))
    assert len(rows(panel)) == 1
    panel.site_filter.setCurrentIndex(0)
    panel.state_filter.setCurrentIndex(panel.state_filter.findData(AlarmState.ACKNOWLEDGED.value))
    assert rows(panel) == []


def test_snooze_is_shown_and_ends_by_itself(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    (alarm,) = raise_events(core, aggression(clock))
    panel = make_panel(olle)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select(alarm.id)
    panel.buttons["snooze"].click()
    dialog = answer(qtbot, panel, SnoozeDialog)
    dialog.minutes.setValue(10)  # type: ignore[attr-defined]
    dialog.reason.setText("the football match")  # type: ignore[attr-defined]
    dialog.accept()
    qtbot.waitUntil(lambda: panel.snooze_list.count() == 1)
    assert "sound-1" in panel.snooze_list.item(0).text()
    assert "10 min left" in panel.snooze_list.item(0).text()
    assert [s.source for s in core.alarms.snoozes(CLI)] == ["sound-1"]
    clock.advance(minutes=11)
    panel._show_snoozes()  # the panel's timer, run at once
    assert panel.snooze_list.count() == 0
    assert core.alarms.snoozes(CLI) == []


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.AUDITOR])
def test_roles_that_only_read_cannot_handle(
    qtbot: QtBot,
    core: Core,
    clock: FakeClock,
    make_panel: Callable[[User], AlarmsPanel],
    role: Role,
) -> None:
    reader = user(core, "tove", role)
    (alarm,) = raise_events(core, aggression(clock))
    panel = make_panel(reader)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select(alarm.id)
    assert panel.details.alarm is not None
    assert not any(button.isEnabled() for button in panel.buttons.values())
    qtbot.keyClick(panel.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert panel.dialog is None
    assert core.alarms.get(CLI, alarm.id).state is AlarmState.NEW


def test_administrators_see_no_alarms(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    anna = user(core, "anna", Role.ADMINISTRATOR)
    raise_events(core, aggression(clock))
    panel = make_panel(anna)
    assert panel.empty.isVisible()
    assert not panel.table.isVisible()
    qtbot.wait(200)
    assert panel.model.rowCount() == 0


def test_new_alarms_are_raised_once_and_coalesced(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    raise_events(core, motion_like(clock))
    panel = make_panel(olle)
    raised: list[Alarm] = []
    panel.alarm_raised.connect(raised.append)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    (new,) = raise_events(core, aggression(clock))
    for _ in range(50):
        panel.alarms_changed([new.id])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    qtbot.wait(300)
    # The alarm loaded at the start raised nothing; the new one once.
    assert [a.id for a in raised] == [new.id]


def test_screenshot_in_the_dark_theme_shows_the_banner_and_severity_colours(
    qtbot: QtBot,
    qapp: QApplication,
    core: Core,
    clock: FakeClock,
    make_panel: Callable[[User], AlarmsPanel],
) -> None:
    """Rendered as the screen shows it: the red banner, and each severity's own colour in the
    list with the bidi-laden title drawn as one line."""
    apply_theme(qapp, "dark")
    olle = user(core, "olle", Role.OPERATOR)
    raise_events(
        core,
        sensor_event(clock, "event", {"kind": "tamper", "event": "opened"}, sensor_id="t-\u202e1"),
        motion_like(clock),
    )
    panel = make_panel(olle)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    panel.show_link(False, "The MQTT broker cannot be reached; trying again.")
    qtbot.wait(50)
    shot = panel.grab().toImage()
    colours = {
        shot.pixelColor(x, y).name()
        for x in range(0, shot.width(), 3)
        for y in range(0, shot.height(), 3)
    }
    corner = panel.banner.geometry().topLeft() + QPoint(2, 2)
    assert shot.pixelColor(corner).name() == SEVERITY_COLOURS[1]  # the banner's red
    for severity in (1, 4):
        assert SEVERITY_COLOURS[severity] in colours, severity
    # One line per alarm, whatever its text.
    assert panel.table.rowHeight(0) == panel.table.rowHeight(1)


def test_a_snooze_can_be_lifted(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[User], AlarmsPanel]
) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    (alarm,) = raise_events(core, aggression(clock))
    core.alarms.snooze(Actor.of(olle), alarm.source_kind, alarm.source, timedelta(minutes=30))
    panel = make_panel(olle)
    qtbot.waitUntil(lambda: panel.snooze_list.count() == 1)
    assert not panel.lift.isEnabled()
    panel.snooze_list.setCurrentRow(0)
    assert panel.lift.isEnabled()
    panel.lift.click()
    qtbot.waitUntil(lambda: core.alarms.snoozes(CLI) == [])
    qtbot.waitUntil(lambda: panel.snooze_list.count() == 0)


def test_alarm_sounds_are_short_wav_tones_and_silence_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, (frequency, length_s, beeps) in TONES.items():
        with wave.open(io.BytesIO(tone(frequency, length_s, beeps))) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
            assert 0.2 < wav.getnframes() / RATE < 1.0, name
    sound = AlarmSound()
    assert sound.play("") is False
    assert sound.requested == []
    caplog.set_level(logging.WARNING, logger="ui.alarm_sound")
    played = sound.play("alarm")
    assert sound.requested == ["alarm"]
    assert played is sound.available
    if not played:
        assert sound.why_silent() in caplog.text
