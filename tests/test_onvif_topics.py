"""The ONVIF topic parsers (console/alarms/topics.py), each on notifications as cameras send them:
the simulated site's, and the shapes of other makers' (prefixes of their own, Axis's namespace in
the middle of a topic, states as "1" or "On", no Source items). Each payload goes through the
adapter's reading of a PullMessages answer (devices/onvif_events.py) first, as in operation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from console.alarms.signals import AlarmClass, AlarmSignal, DeviceEvent, SourceKind
from console.alarms.topics import PARSERS, parse_state, parser_for
from devices.onvif_events import notification_events, stable_topic
from devices.xml_safety import parse_untrusted

RECEIVED = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)

_ENVELOPE = (
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:tev="http://www.onvif.org/ver10/events/wsdl" '
    'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" '
    'xmlns:tt="http://www.onvif.org/ver10/schema" '
    'xmlns:tns1="http://www.onvif.org/ver10/topics" '
    'xmlns:ns2="http://www.onvif.org/ver10/topics" '
    'xmlns:tnsaxis="http://www.axis.com/2009/event/topics">'
    "<env:Body><tev:PullMessagesResponse>"
    "<tev:CurrentTime>2026-03-29T01:30:00Z</tev:CurrentTime>"
    "<tev:TerminationTime>2026-03-29T01:40:00Z</tev:TerminationTime>"
    "{messages}</tev:PullMessagesResponse></env:Body></env:Envelope>"
)


def _message(topic: str, source: str, data: str, utc: str = "2026-03-29T01:29:59Z") -> str:
    source_part = f"<tt:Source>{source}</tt:Source>" if source else ""
    return (
        "<wsnt:NotificationMessage>"
        '<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">'
        f"{topic}</wsnt:Topic><wsnt:Message>"
        f'<tt:Message UtcTime="{utc}" PropertyOperation="Changed">'
        f"{source_part}<tt:Data>{data}</tt:Data></tt:Message></wsnt:Message>"
        "</wsnt:NotificationMessage>"
    )


def _item(name: str, value: str) -> str:
    return f'<tt:SimpleItem Name="{name}" Value="{value}"/>'


def _event(topic: str, source: str, data: str) -> DeviceEvent:
    answer = parse_untrusted(_ENVELOPE.format(messages=_message(topic, source, data)).encode())
    (event,) = notification_events(answer, source="4", camera_id=4, received=RECEIVED)
    return event


def _signal(event: DeviceEvent) -> AlarmSignal:
    parser = parser_for(event.topic)
    assert parser is not None, event.topic
    signal = parser(event)
    assert signal is not None
    return signal


# (what the camera sends: topic, Source items, Data items) -> (topic read, class, active)
CASES = {
    "the simulated site's motion": (
        ("tns1:VideoSource/MotionAlarm", _item("Source", "vs0"), _item("State", "true")),
        ("tns1:VideoSource/MotionAlarm", AlarmClass.MOTION, True),
    ),
    "cell motion, another prefix for ONVIF's topics, IsMotion 1": (
        (
            "ns2:RuleEngine/CellMotionDetector/Motion",
            _item("VideoSourceConfigurationToken", "VideoSourceToken")
            + _item("VideoAnalyticsConfigurationToken", "VideoAnalyticsToken")
            + _item("Rule", "MyMotionDetectorRule"),
            _item("IsMotion", "1"),
        ),
        ("tns1:RuleEngine/CellMotionDetector/Motion", AlarmClass.MOTION, True),
    ),
    "the simulated site's tamper, ended": (
        (
            "tns1:VideoSource/GlobalSceneChange/ImagingService",
            _item("Source", "vs0"),
            _item("State", "false"),
        ),
        ("tns1:VideoSource/GlobalSceneChange/ImagingService", AlarmClass.SABOTAGE, False),
    ),
    "scene change of the analytics service": (
        (
            "tns1:VideoSource/GlobalSceneChange/AnalyticsService",
            _item("Source", "VideoSource_1"),
            _item("State", "On"),
        ),
        ("tns1:VideoSource/GlobalSceneChange/AnalyticsService", AlarmClass.SABOTAGE, True),
    ),
    "a camera going dark": (
        (
            "tns1:VideoSource/ImageTooDark/ImagingService",
            _item("Source", "vs0"),
            _item("State", "true"),
        ),
        ("tns1:VideoSource/ImageTooDark/ImagingService", AlarmClass.SABOTAGE, True),
    ),
    "a tamper detector rule": (
        (
            "tns1:RuleEngine/TamperDetector/Tamper",
            _item("VideoSourceConfigurationToken", "vsc0") + _item("Rule", "Tamper"),
            _item("IsTamper", "true"),
        ),
        ("tns1:RuleEngine/TamperDetector/Tamper", AlarmClass.SABOTAGE, True),
    ),
    "the video signal lost": (
        ("tns1:VideoSource/SignalLoss", _item("Source", "vs0"), _item("State", "true")),
        ("tns1:VideoSource/SignalLoss", AlarmClass.SABOTAGE, True),
    ),
    "the simulated site's digital input": (
        (
            "tns1:Device/Trigger/DigitalInput",
            _item("InputToken", "di0"),
            _item("LogicalState", "true"),
        ),
        ("tns1:Device/Trigger/DigitalInput", AlarmClass.INPUT, True),
    ),
    "an Axis input port, state 0": (
        ("tns1:Device/tnsaxis:IO/Port", _item("port", "1"), _item("state", "0")),
        ("tns1:Device/tnsaxis:IO/Port", AlarmClass.INPUT, False),
    ),
    "an IO port under ONVIF's own namespace": (
        ("tns1:Device/IO/VirtualPort", _item("port", "v1"), _item("state", "active")),
        ("tns1:Device/IO/VirtualPort", AlarmClass.INPUT, True),
    ),
    "a line crossed (no state: an event)": (
        (
            "tns1:RuleEngine/LineDetector/Crossed",
            _item("VideoSourceConfigurationToken", "vsc0") + _item("Rule", "Entrance"),
            _item("ObjectId", "15"),
        ),
        ("tns1:RuleEngine/LineDetector/Crossed", AlarmClass.ANALYTICS, None),
    ),
    "an object inside a field": (
        (
            "tns1:RuleEngine/FieldDetector/ObjectsInside",
            _item("VideoSourceConfigurationToken", "vsc0") + _item("Rule", "Platform"),
            _item("IsInside", "true"),
        ),
        ("tns1:RuleEngine/FieldDetector/ObjectsInside", AlarmClass.ANALYTICS, True),
    ),
    "motion without any Source item": (
        ("tns1:VideoSource/MotionAlarm", "", _item("State", "Off")),
        ("tns1:VideoSource/MotionAlarm", AlarmClass.MOTION, False),
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_parser_on_what_cameras_send(case: str) -> None:
    (topic, source, data), (read, alarm_class, active) = CASES[case]
    event = _event(topic, source, data)
    assert event.topic == read
    assert event.device_time == datetime(2026, 3, 29, 1, 29, 59, tzinfo=UTC)
    signal = _signal(event)
    assert (signal.alarm_class, signal.active) == (alarm_class, active)
    assert signal.event is event
    assert signal.title
    assert signal.key.startswith(f"{SourceKind.ONVIF}:4:{read}:")


def test_every_parser_has_a_case() -> None:
    topics = {read for (_, (read, _, _)) in CASES.values()}
    covered = {pattern for pattern in PARSERS if parser_for_any(pattern, topics)}
    assert set(PARSERS) - covered == {
        f"tns1:VideoSource/{kind}/{service}"
        for kind, service in [
            ("GlobalSceneChange", "RecordingService"),
            ("ImageTooDark", "AnalyticsService"),
            ("ImageTooDark", "RecordingService"),
            *[
                (kind, service)
                for kind in ("ImageTooBright", "ImageTooBlurry")
                for service in ("ImagingService", "AnalyticsService", "RecordingService")
            ],
        ]
    }, "the parsers without a case are the same parser per service as one with a case"


def parser_for_any(pattern: str, topics: set[str]) -> bool:
    return any(parser_for(topic, {pattern: PARSERS[pattern]}) is not None for topic in topics)


def test_two_inputs_of_one_camera_are_two_alarms_and_one_input_is_one() -> None:
    topic = "tns1:Device/Trigger/DigitalInput"
    first = _signal(_event(topic, _item("InputToken", "di0"), _item("LogicalState", "true")))
    second = _signal(_event(topic, _item("InputToken", "di1"), _item("LogicalState", "true")))
    ended = _signal(_event(topic, _item("InputToken", "di0"), _item("LogicalState", "false")))
    assert first.key != second.key
    assert first.key == ended.key
    assert ended.active is False


def test_a_state_no_one_can_read_is_left_to_the_generic_alarm() -> None:
    event = _event("tns1:VideoSource/MotionAlarm", _item("Source", "vs0"), _item("State", "maybe"))
    parser = parser_for(event.topic)
    assert parser is not None
    assert parser(event) is None
    both = _item("Level", "3") + _item("Zone", "2")
    assert parser(_event("tns1:VideoSource/MotionAlarm", "", both)) is None


def test_states_as_cameras_spell_them() -> None:
    for text in ("true", "1", "On", "ON", " active ", "yes", "True"):
        assert parse_state(text) is True, text
    for text in ("false", "0", "Off", "inactive", "no", "FALSE"):
        assert parse_state(text) is False, text
    for text in ("", "2", "maybe", "onn"):
        assert parse_state(text) is None, text


def test_topics_are_read_the_same_whatever_prefix_a_device_chose() -> None:
    onvif = {"a": "http://www.onvif.org/ver10/topics", "b": "urn:maker:topics"}
    assert stable_topic("a:VideoSource/MotionAlarm", onvif) == "tns1:VideoSource/MotionAlarm"
    assert stable_topic(" b:Lens/\n Heater ", onvif) == "{urn:maker:topics}Lens/Heater"
    assert stable_topic("zz:Undeclared/Topic", onvif) == "zz:Undeclared/Topic"
    # A root in no namespace cannot pass for one of the console's own topics.
    assert stable_topic("health/camera/5/unreachable", onvif) == "{}health/camera/5/unreachable"


def test_patterns_with_wildcards_as_the_registry_reads_them() -> None:
    assert parser_for("tns1:Device/IO/Port/Extra") is PARSERS["tns1:Device/IO/#"]
    assert (
        parser_for("tns1:Device/Trigger/DigitalInput")
        is PARSERS["tns1:Device/Trigger/DigitalInput"]
    )
    assert parser_for("tns1:Device/Trigger") is None
    assert parser_for("{}tns1:VideoSource/MotionAlarm") is None


def test_an_mqtt_message_with_an_onvif_looking_topic_is_not_a_cameras() -> None:
    event = _event("tns1:VideoSource/MotionAlarm", _item("Source", "vs0"), _item("State", "true"))
    parser = parser_for(event.topic)
    assert parser is not None
    assert parser(replace(event, kind=SourceKind.MQTT)) is None
    crossed = _event("tns1:RuleEngine/LineDetector/Crossed", "", _item("ObjectId", "1"))
    assert PARSERS[crossed.topic](replace(crossed, kind=SourceKind.MQTT)) is None
