"""The alarm model and service: raising, coalescing, handling, snoozing, rules, roles, the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.alarms.model import Alarm, AlarmState, Rule, bounded_text, plausible_time
from console.alarms.registry import Registry, default_registry, matches
from console.alarms.signals import AlarmClass, DeviceEvent, SourceKind
from console.app import Core
from console.audit import verify as v
from console.audit.state import check_state
from console.domain import Actor, Role
from console.errors import InvalidInput, NotFound, PermissionDenied
from tests.conftest import PASSWORD, FakeClock

CLI = Actor.os_account("root")
REGISTRY = default_registry()


def person(core: Core, name: str, role: Role, areas: frozenset[int] = frozenset()) -> Actor:
    core.users.add(CLI, name, role, PASSWORD, areas)
    return Actor.of(core.users.authenticate(name, PASSWORD))


def sensor(
    clock: FakeClock,
    leaf: str,
    payload: dict[str, object] | str,
    *,
    place: str = "stora-torget",
    sensor_id: str = "door-1",
    time: datetime | None = None,
) -> DeviceEvent:
    """An MQTT sensor's message as devices/mqtt_sensors.py delivers it."""
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    data = {} if isinstance(payload, str) else {k: _text(v) for k, v in payload.items()}
    return DeviceEvent(
        kind=SourceKind.MQTT,
        source=sensor_id,
        camera_id=None,
        topic=f"utkik/site/{place}/sensor/{sensor_id}/{leaf}",
        device_time=time,
        received_time=clock.now(),
        data=data,
        raw=raw,
        place=place,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def raise_all(core: Core, *events: DeviceEvent) -> list[Alarm | None]:
    outcomes = core.alarms.ingest([REGISTRY.signal_for(e) for e in events])
    return [o.alarm for o in outcomes]


def door(clock: FakeClock, is_open: bool, **kw: object) -> DeviceEvent:
    return sensor(clock, "state", {"kind": "door", "open": is_open}, **kw)  # type: ignore[arg-type]


def aggression(clock: FakeClock, level: int = 80) -> DeviceEvent:
    payload = {"kind": "sound", "event": "aggression", "level": level}
    return sensor(clock, "event", payload, sensor_id="sound-1")


# -- raising and coalescing -----------------------------------------------------------------------


def test_a_stateful_door_makes_one_alarm_until_it_closes(core: Core, clock: FakeClock) -> None:
    (first,) = raise_all(core, door(clock, True))
    assert first is not None
    assert (first.alarm_class, first.state, first.active) == (AlarmClass.DOOR, AlarmState.NEW, True)
    assert (first.site, first.place, first.source) == ("City", "Stora torget", "door-1")
    clock.advance(seconds=300)
    # The retained state read again at a reconnect, and an "opened" event: the same alarm.
    opened = sensor(clock, "event", {"kind": "door", "event": "opened"})
    again = raise_all(core, door(clock, True), opened)
    assert [a.id if a else None for a in again] == [first.id, first.id]
    assert again[-1] is not None
    assert again[-1].count == 3
    (ended,) = raise_all(core, door(clock, False))
    assert ended is not None
    assert ended.id == first.id
    assert ended.active is False
    # A closed door with no alarm open does nothing.
    assert raise_all(core, door(clock, False)) == [None]
    (second,) = raise_all(core, door(clock, True))
    assert second is not None
    assert second.id != first.id
    assert len(core.alarms.list(CLI)) == 2


def test_an_opened_enclosure_is_sabotage(core: Core, clock: FakeClock) -> None:
    event = sensor(clock, "event", {"kind": "tamper", "event": "opened"}, sensor_id="tamper-1")
    (alarm,) = raise_all(core, event)
    assert alarm is not None
    assert alarm.alarm_class is AlarmClass.SABOTAGE
    assert alarm.severity == 1
    state = sensor(clock, "state", {"kind": "tamper", "open": True}, sensor_id="tamper-1")
    assert raise_all(core, state)[0] == core.alarms.get(CLI, alarm.id)
    assert core.alarms.get(CLI, alarm.id).count == 2


def test_repeats_within_the_window_count_on_the_alarm(core: Core, clock: FakeClock) -> None:
    alarms = raise_all(core, *(aggression(clock, level) for level in (70, 80, 90)))
    assert len({a.id for a in alarms if a}) == 1
    assert alarms[-1] is not None
    assert alarms[-1].count == 3
    assert alarms[-1].alarm_class is AlarmClass.AUDIO
    clock.advance(seconds=61)
    (later,) = raise_all(core, aggression(clock))
    assert later is not None
    assert later.id != alarms[0].id


def test_sound_levels_and_unknown_places(core: Core, clock: FakeClock) -> None:
    level = sensor(clock, "state", {"kind": "sound", "level_db": 52}, sensor_id="sound-1")
    assert raise_all(core, level) == [None]
    # A sensor at a place Utkik does not know is raised all the same, under its slug.
    (alarm,) = raise_all(core, door(clock, True, place="nya-torget", sensor_id="door-9"))
    assert alarm is not None
    assert (alarm.place, alarm.site, alarm.area_id) == (
        "nya-torget",
        "",
        None,
    )


def test_offline_sensor_is_a_health_alarm(core: Core, clock: FakeClock) -> None:
    (alarm,) = raise_all(core, sensor(clock, "availability", "offline", sensor_id="sound-1"))
    assert alarm is not None
    assert alarm.alarm_class is AlarmClass.HEALTH
    assert alarm.active
    (back,) = raise_all(core, sensor(clock, "availability", "online", sensor_id="sound-1"))
    assert back is not None
    assert back.id == alarm.id
    assert back.active is False


def test_unknown_topics_become_generic_alarms_warned_once(
    core: Core, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    registry = Registry()
    event = DeviceEvent(
        SourceKind.ONVIF, "3", None, "tns1:Vendor/Acme/Thing", None, clock.now(), raw="<x/>"
    )
    with caplog.at_level(logging.WARNING):
        signals = [registry.signal_for(event), registry.signal_for(event)]
    assert [s.alarm_class for s in signals] == [AlarmClass.OTHER] * 2
    assert sum("tns1:Vendor/Acme/Thing" in r.getMessage() for r in caplog.records) == 1
    (outcome,) = core.alarms.ingest(signals[:1])
    assert outcome.alarm is not None
    assert outcome.alarm.title == "tns1:Vendor/Acme/Thing"
    assert outcome.alarm.raw == "<x/>"
    # A parser that cannot read the event: generic too.
    registry.register("tns1:Vendor/#", lambda e: None)
    assert registry.signal_for(event).alarm_class is AlarmClass.OTHER


def test_topic_patterns() -> None:
    assert matches("utkik/site/+/sensor/+/event", "utkik/site/a/sensor/b/event")
    assert not matches("utkik/site/+/sensor/+/event", "utkik/site/a/sensor/b/state")
    assert matches("tns1:RuleEngine/#", "tns1:RuleEngine/CellMotionDetector/Motion")
    assert not matches("a/+", "a/b/c")
    registry = Registry()
    registry.register("a/#", lambda e: None)
    registry.register("a/b", lambda e: None)
    assert registry.lookup("a/b") is not registry.lookup("a/c")
    assert registry.lookup("b") is None


# -- hostile payloads -----------------------------------------------------------------------------


def test_hostile_payloads_become_bounded_plain_text(core: Core, clock: FakeClock) -> None:
    huge = "A" * (1 << 20)
    payload = {"kind": "door", "event": "forced", "time": "1601-01-01T00:00:00Z", "x": huge}
    event = sensor(
        clock,
        "event",
        payload,
        sensor_id="door-\u202egnp.exe<b>bold</b>\x1b[2J",
        time=datetime(1601, 1, 1, tzinfo=UTC),
    )
    (alarm,) = raise_all(core, event)
    assert alarm is not None
    assert alarm.device_time is None
    assert "\u202e" not in alarm.title
    assert "<b>" not in alarm.title
    assert "\x1b" not in alarm.title
    assert "\u202e" not in alarm.source
    assert len(alarm.title) <= 200
    assert len(alarm.raw) <= 16_384
    assert plausible_time(datetime(9999, 12, 31, tzinfo=UTC), clock.now()) is None
    assert plausible_time(clock.now(), clock.now()) == clock.now()
    assert bounded_text("a\u2066b\nc") == "a\ufffdb\ufffdc"
    assert bounded_text("a\nb", page=True) == "a\nb"


# -- handling -------------------------------------------------------------------------------------


def test_acknowledge_needs_a_comment_for_severe_alarms(core: Core, clock: FakeClock) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    (severe,) = raise_all(core, door(clock, True))
    assert severe is not None
    assert severe.severity == 2
    with pytest.raises(InvalidInput, match="comment"):
        core.alarms.acknowledge(olle, severe.id)
    done = core.alarms.acknowledge(olle, severe.id, "Guard sent, door closed")
    assert (done.state, done.acknowledged_by, done.comment) == (
        AlarmState.ACKNOWLEDGED,
        "olle",
        "Guard sent, door closed",
    )
    assert done.revision > severe.revision
    with pytest.raises(InvalidInput, match="acknowledged already"):
        core.alarms.acknowledge(olle, severe.id, "again")
    # A mild one needs none.
    motion = DeviceEvent(SourceKind.HEALTH, "recording", None, "x", None, clock.now())
    core.alarms.set_rule(person(core, "siv", Role.SUPERVISOR), Rule(AlarmClass.OTHER, severity=4))
    (mild,) = raise_all(core, motion)
    assert mild is not None
    assert mild.severity == 4
    assert core.alarms.acknowledge(olle, mild.id).state is AlarmState.ACKNOWLEDGED


def test_assign_and_close(core: Core, clock: FakeClock) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    person(core, "tina", Role.TECHNICIAN)
    person(core, "oskar", Role.OPERATOR)
    (alarm,) = raise_all(core, aggression(clock))
    assert alarm is not None
    assert core.alarms.assign(olle, alarm.id, "oskar").assigned_to == "oskar"
    with pytest.raises(InvalidInput, match="tina may not handle"):
        core.alarms.assign(olle, alarm.id, "tina")
    with pytest.raises(NotFound):
        core.alarms.assign(olle, alarm.id, "nobody")
    with pytest.raises(InvalidInput, match="comment"):
        core.alarms.close(olle, alarm.id)
    closed = core.alarms.close(olle, alarm.id, "False alarm: a football match")
    assert (closed.state, closed.closed_by) == (AlarmState.CLOSED, "olle")
    with pytest.raises(InvalidInput, match="closed already"):
        core.alarms.close(olle, alarm.id, "again")
    assert core.alarms.list(olle, state=AlarmState.CLOSED) == [closed]
    assert core.alarms.list(olle, state=AlarmState.NEW) == []
    # A new aggression after closing is a new alarm.
    (again,) = raise_all(core, aggression(clock))
    assert again is not None
    assert again.id != alarm.id


def test_snooze_holds_a_source_quiet_until_it_expires(core: Core, clock: FakeClock) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    snooze = core.alarms.snooze(olle, SourceKind.MQTT, "sound-1", timedelta(minutes=30), "match")
    assert raise_all(core, aggression(clock)) == [None]
    (held,) = core.alarms.snoozes(olle)
    assert (held.id, held.suppressed, held.by) == (snooze.id, 1, "olle")
    # Other sources are not held.
    assert raise_all(core, door(clock, True))[0] is not None
    clock.advance(minutes=31)
    assert core.alarms.snoozes(olle) == []
    assert raise_all(core, aggression(clock))[0] is not None
    with pytest.raises(InvalidInput):
        core.alarms.snooze(olle, SourceKind.MQTT, "sound-1", timedelta(hours=25))
    again = core.alarms.snooze(olle, SourceKind.MQTT, "sound-1", timedelta(minutes=5))
    core.alarms.lift_snooze(olle, again.id)
    assert core.alarms.snoozes(olle) == []


# -- rules ----------------------------------------------------------------------------------------


def test_rules_per_site_and_class(core: Core, clock: FakeClock) -> None:
    siv = person(core, "siv", Role.SUPERVISOR)
    city = core.sites.resolve_areas(["City"])
    (city_id,) = city
    core.alarms.set_rule(siv, Rule(AlarmClass.DOOR, city_id, severity=4, sound="bell"))
    (at_city,) = raise_all(core, door(clock, True))
    (at_berga,) = raise_all(core, door(clock, True, place="berga-centrum"))
    assert at_city is not None
    assert at_city.severity == 4
    assert at_berga is not None
    assert at_berga.severity == 2
    assert core.alarms.rule(AlarmClass.DOOR, city_id).sound == "bell"
    with pytest.raises(InvalidInput):
        core.alarms.set_rule(siv, Rule(AlarmClass.DOOR, severity=5))
    with pytest.raises(NotFound):
        core.alarms.set_rule(siv, Rule(AlarmClass.DOOR, 999))
    assert any(r.area_id == city_id for r in core.alarms.rules(siv))


# -- roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "may_handle", "may_see", "may_rule"),
    [
        (Role.OPERATOR, True, True, False),
        (Role.SUPERVISOR, True, True, True),
        (Role.TECHNICIAN, False, True, False),
        (Role.ADMINISTRATOR, False, False, False),
        (Role.AUDITOR, False, True, False),
    ],
)
def test_role_matrix(
    core: Core, clock: FakeClock, role: Role, may_handle: bool, may_see: bool, may_rule: bool
) -> None:
    if role is not Role.ADMINISTRATOR:
        person(core, "anna", Role.ADMINISTRATOR)
    actor = person(core, "who", role)
    (alarm,) = raise_all(core, aggression(clock))
    assert alarm is not None

    def attempt(action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except PermissionDenied:
            return False
        return True

    assert attempt(lambda: core.alarms.list(actor)) is may_see
    assert attempt(lambda: core.alarms.acknowledge(actor, alarm.id, "seen")) is may_handle
    assert attempt(lambda: core.alarms.close(actor, alarm.id, "done")) is may_handle
    snooze = lambda: core.alarms.snooze(actor, SourceKind.MQTT, "x", timedelta(minutes=1))  # noqa: E731
    assert attempt(snooze) is may_handle
    assert attempt(lambda: core.alarms.set_rule(actor, Rule(AlarmClass.MOTION))) is may_rule
    # The command line's account reads alarms (for integrations) but never handles them.
    assert attempt(lambda: core.alarms.list(CLI))
    assert not attempt(lambda: core.alarms.acknowledge(CLI, alarm.id, "x"))


def test_area_limits(core: Core, clock: FakeClock) -> None:
    (berga,) = core.sites.resolve_areas(["Berga"])
    limited = person(core, "bo", Role.OPERATOR, frozenset({berga}))
    (at_city,) = raise_all(core, door(clock, True))
    (at_berga,) = raise_all(core, door(clock, True, place="berga-centrum"))
    assert at_city is not None
    assert at_berga is not None
    assert [a.id for a in core.alarms.list(limited)] == [at_berga.id]
    with pytest.raises(PermissionDenied):
        core.alarms.acknowledge(limited, at_city.id, "not mine")
    assert core.alarms.acknowledge(limited, at_berga.id, "mine").state is AlarmState.ACKNOWLEDGED


# -- the access log -------------------------------------------------------------------------------


def test_every_action_is_in_the_access_log_which_verifies(
    core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    siv = person(core, "siv", Role.SUPERVISOR)
    (alarm,) = raise_all(core, aggression(clock))
    assert alarm is not None
    core.alarms.assign(siv, alarm.id, "olle")
    core.alarms.acknowledge(olle, alarm.id, "on my way")
    core.alarms.close(olle, alarm.id)
    core.alarms.snooze(olle, SourceKind.MQTT, "sound-1", timedelta(minutes=5), "match")
    core.alarms.set_rule(siv, Rule(AlarmClass.AUDIO, severity=1))
    logged = [
        (e["actor"], e["action"], e["target"])
        for e in core.db.query("SELECT actor, action, target FROM audit_entries ORDER BY seq")
        if e["action"].startswith("alarm.")
    ]
    assert logged == [
        ("siv", "alarm.assigned", f"alarm:{alarm.id}"),
        ("olle", "alarm.acknowledged", f"alarm:{alarm.id}"),
        ("olle", "alarm.closed", f"alarm:{alarm.id}"),
        ("olle", "alarm.snoozed", "mqtt:sound-1"),
        ("siv", "alarm.rule_changed", "audio@all"),
    ]
    core.audit.export(CLI, tmp_path / "export")
    report = v.verify(tmp_path / "export")
    assert report.ok, report.text()
    assert check_state(core.db) == []


def test_an_action_whose_entry_cannot_be_written_does_not_happen(
    core: Core, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    (alarm,) = raise_all(core, aggression(clock))
    assert alarm is not None

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the log's disk is gone")

    monkeypatch.setattr(core.audit, "append", broken)
    with pytest.raises(OSError, match="disk is gone"):
        core.alarms.acknowledge(olle, alarm.id, "x")
    assert core.alarms.get(olle, alarm.id).state is AlarmState.NEW


def test_changes_are_announced(core: Core, clock: FakeClock) -> None:
    heard: list[frozenset[int]] = []
    core.events.subscribe(lambda changed: heard.append(changed.ids))
    published: list[Sequence[Alarm]] = []
    core.alarms.on_changed = published.append
    olle = person(core, "olle", Role.OPERATOR)
    (alarm,) = raise_all(core, aggression(clock))
    assert alarm is not None
    core.alarms.acknowledge(olle, alarm.id, "seen")
    assert frozenset({alarm.id}) in heard
    assert [a.state for batch in published for a in batch] == [AlarmState.ACKNOWLEDGED]


def test_every_sensor_heard_is_listed_new_ones_too(core: Core, clock: FakeClock) -> None:
    raise_all(
        core,
        sensor(clock, "availability", "online", sensor_id="sound-1"),
        aggression(clock),
        door(clock, True, place="nya-torget", sensor_id="door-9"),
    )
    clock.advance(minutes=1)
    raise_all(core, sensor(clock, "availability", "offline", sensor_id="sound-1"))
    listed = {(s.place, s.sensor): s for s in core.alarms.sensors(CLI)}
    assert set(listed) == {("stora-torget", "sound-1"), ("nya-torget", "door-9")}
    sound = listed[("stora-torget", "sound-1")]
    assert (sound.kind, sound.availability, sound.place_name) == (
        "sound",
        "offline",
        "Stora torget",
    )
    assert sound.last_seen - sound.first_seen == timedelta(minutes=1)
    unknown = listed[("nya-torget", "door-9")]
    assert (unknown.kind, unknown.place_name) == ("door", "")


def test_the_state_check_finds_alarms_and_rules_changed_behind_the_log(
    core: Core, clock: FakeClock
) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    siv = person(core, "siv", Role.SUPERVISOR)
    first, second = (a for a in raise_all(core, aggression(clock), door(clock, True)) if a)
    core.alarms.acknowledge(olle, first.id, "seen")
    core.alarms.close(olle, first.id)
    core.alarms.set_rule(siv, Rule(AlarmClass.MOTION, severity=3, record=True))
    assert check_state(core.db) == []

    def tamper(db: object) -> None:
        db.execute(  # type: ignore[attr-defined]
            "UPDATE alarms SET state = 'acknowledged', acknowledged_by = 'olle' WHERE id = ?",
            (second.id,),
        )
        db.execute("UPDATE alarm_rules SET record = 0")  # type: ignore[attr-defined]

    core.db.write(tamper).result()
    found = sorted(d.text for d in check_state(core.db))
    assert found == [
        f"Alarm {second.id} is acknowledged by olle in the database, but the access log has no "
        "such entry (alarm.acknowledged).",
        "The alarm rule motion@all in the database is not what the access log last set.",
    ]
