"""The recorded picture at an alarm's time, from a real MP4 segment in the recordings root: the
right picture, logged before it is read, refused as playback would be, and shown in the alarm's
details."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import pytest
from pytestqt.qtbot import QtBot

from console.alarms.model import Alarm
from console.app import Core
from console.camera_facts import Still
from console.domain import Actor, Role, User
from console.errors import PermissionDenied
from console.media.packets import Profile
from console.recording.stills import RecordedStills
from devices.media.stills import read_still
from tests.conftest import PASSWORD, FakeClock
from tests.ui.test_alarms_panel import aggression, raise_events
from tests.ui.test_grid import Site, site  # noqa: F401 - the fixture
from ui.alarms_panel import AlarmsPanel
from ui.tasks import TaskRunner

CLI = Actor.os_account("root")
FPS = 10
#: red for the first second of the segment, blue for the second
COLOURS = ((220, 30, 30), (30, 30, 220))


def write_segment(path: Path) -> None:
    """Two seconds of video, a keyframe every second, as the recorder's segments start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.codec_context.gop_size = FPS
        stream.codec_context.time_base = Fraction(1, FPS)
        for n in range(2 * FPS):
            colour = COLOURS[n // FPS]
            frame = av.VideoFrame(64, 48, "rgb24")
            plane = frame.planes[0]
            plane.update((bytes(colour) * 64 + bytes(plane.line_size - 3 * 64)) * 48)
            frame = frame.reformat(format="yuv420p")
            frame.pts = n
            frame.time_base = Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def record(core: Core, camera_id: int, start: datetime) -> None:
    relative = f"{camera_id}/main/segment.mp4"
    write_segment(core.recordings.root / relative)
    segment = core.recordings.open_segment(camera_id, Profile.MAIN, start, relative)
    size = (core.recordings.root / relative).stat().st_size
    core.recordings.close_segment(segment, start + timedelta(seconds=2), size)


def person(core: Core, name: str, role: Role) -> User:
    core.users.add(CLI, name, role, PASSWORD)
    return core.users.authenticate(name, PASSWORD)


def stills(core: Core) -> RecordedStills:
    return RecordedStills(core.recordings, core.playback, core.cameras, core.audit, read_still)


def centre(still: Still) -> tuple[int, int, int]:
    at = 3 * (still.width * (still.height // 2) + still.width // 2)
    r, g, b = still.rgb[at : at + 3]
    return r, g, b


@pytest.fixture
def alarm(core: Core, clock: FakeClock, site: Site) -> Alarm:  # noqa: F811 - the fixture
    start = clock.now()
    record(core, site.torget.id, start)
    clock.advance(seconds=1.5)  # into the blue second
    (raised,) = raise_events(core, aggression(clock))
    assert raised.camera == site.torget.id
    return raised


def test_the_picture_at_the_alarm_time_is_logged_then_read(core: Core, alarm: Alarm) -> None:
    olle = Actor.of(person(core, "olle", Role.OPERATOR))
    still = stills(core).for_alarm(olle, alarm)
    assert still is not None
    r, _g, b = centre(still)
    assert b > 150
    assert r < 100
    (entry,) = core.audit.entries(CLI, action="playback.still")
    assert entry.actor == "olle"
    assert entry.details["reason"] == f"alarm {alarm.id}"


def test_no_recording_at_the_time_is_none(core: Core, clock: FakeClock, alarm: Alarm) -> None:
    olle = Actor.of(person(core, "olle", Role.OPERATOR))
    clock.advance(minutes=10)
    (later,) = raise_events(core, aggression(clock))
    assert later.id != alarm.id  # beyond the repeat window: an alarm of its own
    assert stills(core).for_alarm(olle, later) is None
    assert core.audit.entries(CLI, action="playback.still") == []


def test_refused_as_playback_is(core: Core, clock: FakeClock, alarm: Alarm) -> None:
    tove = Actor.of(person(core, "tove", Role.TECHNICIAN))
    with pytest.raises(PermissionDenied):
        stills(core).for_alarm(tove, alarm)
    olle = Actor.of(person(core, "olle", Role.OPERATOR))
    clock.advance(hours=25)  # beyond an operator's 24 hours
    with pytest.raises(PermissionDenied):
        stills(core).for_alarm(olle, alarm)
    assert core.audit.entries(CLI, action="playback.still") == []


def test_the_details_show_it(qtbot: QtBot, core: Core, runner: TaskRunner, alarm: Alarm) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    panel = AlarmsPanel(core.alarms, olle, runner, core.clock, stills(core))
    qtbot.addWidget(panel)
    panel.show()
    panel.load()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select(alarm.id)
    assert panel.details.show_still_button.isEnabled()
    panel.details.show_still_button.click()
    qtbot.waitUntil(lambda: not panel.details.snapshot.pixmap().isNull())
    image = panel.details.snapshot.pixmap().toImage()
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    assert colour.blue() > 150
    assert colour.red() < 100


def test_the_picture_and_the_selection_stay_while_the_alarm_changes(
    qtbot: QtBot, core: Core, clock: FakeClock, runner: TaskRunner, alarm: Alarm
) -> None:
    olle = person(core, "olle", Role.OPERATOR)
    panel = AlarmsPanel(core.alarms, olle, runner, core.clock, stills(core))
    qtbot.addWidget(panel)
    panel.show()
    panel.load()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select(alarm.id)
    panel.details.show_still_button.click()
    qtbot.waitUntil(lambda: not panel.details.snapshot.pixmap().isNull())
    # The same source again within the repeat window: counted on the alarm, which changes.
    raise_events(core, aggression(clock))
    panel.alarms_changed([alarm.id])
    qtbot.waitUntil(lambda: panel.details.fields["count"].text().startswith("2,"))
    assert panel.selected_id() == alarm.id
    assert not panel.details.snapshot.pixmap().isNull()
