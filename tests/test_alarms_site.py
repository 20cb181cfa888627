"""Alarms on the simulated site: a sensor's alarm starts event recording whose segment holds the
seconds before it, and a stream that stalls while its camera answers is sabotage."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.register_fixture import complete_entry
from tests.sites import loopback_addresses, require_simulated_video, simulated_site, wait_for

require_simulated_video()

from console.alarms.broker import BrokerAddress  # noqa: E402
from console.alarms.engine import AlarmEngine  # noqa: E402
from console.alarms.model import Rule  # noqa: E402
from console.alarms.signals import AlarmClass  # noqa: E402
from console.app import Core  # noqa: E402
from console.camera_facts import Health, StreamProfile  # noqa: E402
from console.cameras import Camera  # noqa: E402
from console.domain import Actor, Role  # noqa: E402
from console.media.hub import MediaHub  # noqa: E402
from console.recording.archive import Mode, SegmentState  # noqa: E402
from console.recording.engine import RecorderState  # noqa: E402
from devices.media.ingest import camera_opener  # noqa: E402
from devices.mqtt_sensors import MqttSensorSource  # noqa: E402
from devices.secrets import secret_store  # noqa: E402
from devices.simulator.site import SimulatedSite  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.core.test_cameras import facts  # noqa: E402
from ui.serve import recording_engine  # noqa: E402

CLI = Actor.os_account("root")
MAIN = (320, 180)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(44, (1,))
    with simulated_site(
        tmp_path_factory, addresses, main_size=MAIN, clip_seconds=2, sensors=True
    ) as running:
        yield running


def person(core: Core, name: str, role: Role) -> Actor:
    core.users.add(CLI, name, role, PASSWORD)
    return Actor.of(core.users.authenticate(name, PASSWORD))


def add_camera(core: Core, site: SimulatedSite) -> Camera:
    """The site's camera at Stora torget, where the site's door-1 and tamper-1 are."""
    (endpoint,) = site.endpoints()
    camera_facts = dataclasses.replace(
        facts(endpoint.address),
        main=StreamProfile("main", endpoint.main_url, *MAIN),
        sub=None,
        capabilities=dataclasses.replace(facts().capabilities, ptz=False),
    )
    place = core.sites.resolve_place("Stora torget")
    return core.cameras.add(
        CLI, camera_facts, place, endpoint.name, endpoint.user, endpoint.password
    )


def test_an_alarm_records_the_seconds_before_it_and_a_stalled_stream_is_sabotage(
    site: SimulatedSite, tmp_path: Path
) -> None:
    assert site.broker is not None
    core = Core.open(tmp_path / "data", secrets=secret_store(), sealer=False)
    hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    camera = add_camera(core, site)
    complete_entry(core, camera)
    core.register.set_recording(person(core, "tekla", Role.TECHNICIAN), camera.id, Mode.EVENT)
    # Three seconds after the door, so that the segment ends soon.
    core.alarms.set_rule(
        person(core, "siv", Role.SUPERVISOR),
        Rule(AlarmClass.DOOR, severity=2, record=True, record_s=3),
    )
    recording = recording_engine(core, hub, "test", segment_s=2.0)
    source = MqttSensorSource(
        BrokerAddress(site.broker.host, site.broker.port), core.clock, client_id="test-alarms"
    )
    engine = AlarmEngine(
        core.alarms,
        core.cameras,
        core.clock,
        sources=[source],
        trigger=recording.trigger,
        recording_status=recording.status,
    )
    recording.start()
    engine.start()
    try:
        assert source.connected.wait(10)
        assert wait_for(
            lambda: (
                camera.id in recording.status().cameras
                and recording.status().cameras[camera.id].state is RecorderState.STARTING
            ),
            20,
        )
        time.sleep(4.0)  # the pre-event buffer fills: nothing is written meanwhile
        assert core.recordings.segments(camera.id, _ago(3600), _ago(-3600)) == []
        (door,) = [
            s for s in site.sensors if s.spec.place == "stora-torget" and s.spec.kind == "door"
        ]
        door.publish_event("forced").wait_for_publish(5)
        assert wait_for(lambda: _classes(core) == [AlarmClass.DOOR], 10)
        (alarm,) = core.alarms.list(CLI)
        assert alarm.cameras == (camera.id,)

        def closed() -> list[object]:
            found = core.recordings.segments(camera.id, _ago(3600), _ago(-3600))
            return [s for s in found if s.state is SegmentState.CLOSED]

        assert wait_for(lambda: len(closed()) >= 1, 20)
        first = min(
            core.recordings.segments(camera.id, _ago(3600), _ago(-3600)), key=lambda s: s.start
        )
        # From the buffer: the recording begins seconds before the alarm was received.
        assert first.start <= alarm.received_time - timedelta(seconds=1.5), (first, alarm)

        # The camera answers (as its health check found), but its stream stalls: sabotage.
        core.cameras.record_health(camera.id, Health(True, True, 0.0, "", core.clock.now()))
        site.stall(camera.name, True)
        assert wait_for(lambda: AlarmClass.SABOTAGE in _classes(core), 30)
        sabotage = next(a for a in core.alarms.list(CLI) if a.alarm_class is AlarmClass.SABOTAGE)
        assert sabotage.cameras == (camera.id,)
        assert sabotage.active is True
        site.stall(camera.name, False)
        assert wait_for(lambda: core.alarms.get(CLI, sabotage.id).active is False, 30)
    finally:
        site.stall(camera.name, False)
        engine.stop()
        recording.stop()
        hub.close()
        core.close()


def _ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)


def _classes(core: Core) -> list[AlarmClass]:
    return [a.alarm_class for a in core.alarms.list(CLI)]
