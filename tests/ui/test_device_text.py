"""What a hostile camera calls itself reaches the widgets with its controls replaced: bidi
controls would reorder the text Qt draws (a name reading one way and stored another) and line
breaks would split a caption."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.app import Core
from console.camera_facts import DeviceFacts, Still, StreamProfile
from console.cameras import Camera
from console.domain import Actor, Role
from console.runtime import DeviceLoop
from devices.simulator.onvif import OnvifDevice
from tests.conftest import PASSWORD
from tests.register_fixture import registered
from tests.sites import HOSTILE_MAKER, HOSTILE_MODEL, HOSTILE_NAME, hostile_device
from tests.ui.test_camera_wizard import click, log_in_to_camera, wait_tested
from ui.app import camera_tools
from ui.camera_wizard import CameraWizard
from ui.sites_panel import SitesPanel
from ui.tasks import TaskRunner
from ui.tile import LiveViews, VideoTile

CLI = Actor.os_account("root")
#: Every control a terminal or the bidi algorithm acts on that the hostile texts carry.
CONTROLS = ("\x1b", "\x07", "\x9b", "\x85", "\x7f", "\u202e", "\u202d", "\u202c", "\u2066")


def clean(text: str) -> bool:
    return not any(ch in text for ch in CONTROLS)


@pytest.fixture
def hostile_camera() -> Iterator[OnvifDevice]:
    with hostile_device(94) as device:
        yield device


def add_hostile_camera(core: Core) -> Camera:
    """A camera whose name, maker and model carry controls, added as onboarding would."""
    facts = DeviceFacts(
        host="127.0.0.1",
        port=9,
        xaddr="http://127.0.0.1:9/onvif/device_service",
        manufacturer=HOSTILE_MAKER,
        model=HOSTILE_MODEL,
        main=StreamProfile("p0", "rtsp://127.0.0.1:9/main", 320, 180),
    )
    return registered(
        core, core.cameras.add(CLI, facts, core.sites.places()[0], HOSTILE_NAME, "u", "pw")
    )


def test_the_sites_tree_shows_a_hostile_camera_without_its_controls(
    qtbot: QtBot, core: Core
) -> None:
    core.users.add(CLI, "tove", Role.TECHNICIAN, PASSWORD)
    tove = Actor.of(core.users.authenticate("tove", PASSWORD))
    add_hostile_camera(core)
    panel = SitesPanel()
    qtbot.addWidget(panel)
    assert tove.user is not None
    panel.populate(core.sites.areas(), core.sites.places(), tove.user)
    panel.set_cameras(core.cameras.list(tove))
    (camera,) = core.cameras.list(tove)
    index = panel.model.camera_index(camera.id)
    shown = str(index.data(Qt.ItemDataRole.DisplayRole))
    tip = str(index.data(Qt.ItemDataRole.ToolTipRole))
    assert shown.startswith("Cam")
    assert "Torget" in shown
    assert clean(shown), repr(shown)
    assert "Sim" in tip
    assert clean(tip), repr(tip)


def test_the_wizard_lists_and_describes_a_hostile_camera_without_its_controls(
    qtbot: QtBot,
    core: Core,
    hostile_camera: OnvifDevice,
    runner: TaskRunner,
    device_loop: DeviceLoop,
) -> None:
    core.users.add(CLI, "tove", Role.TECHNICIAN, PASSWORD)
    tove = Actor.of(core.users.authenticate("tove", PASSWORD))
    config = hostile_camera.config
    # The device has no video; the wizard saves a camera only once its main stream gave a
    # picture, so the picture comes from a stand-in (this test is about the device's texts).
    tools = dataclasses.replace(
        camera_tools(device_loop), grab_keyframe=lambda uri, login: Still(2, 2, bytes(12))
    )
    wizard = CameraWizard(
        core.cameras,
        tools,
        tove,
        core.sites.areas(),
        core.sites.places(),
        runner,
    )
    qtbot.addWidget(wizard)
    wizard.show()
    scan = wizard.scan
    qtbot.keyClicks(scan.range, config.address)
    scan.ports.setText(str(config.port))
    click(qtbot, scan.search)
    qtbot.waitUntil(lambda: not scan.searching, timeout=15_000)
    assert scan.results.topLevelItemCount() == 1
    item = scan.results.topLevelItem(0)
    assert item is not None
    columns = [item.text(c) for c in range(item.columnCount())]
    assert columns[0].startswith("Cam")
    assert all(clean(text) for text in columns), columns

    assert scan.select_address(config.address)
    log_in_to_camera(qtbot, wizard, config.user, config.password)
    wait_tested(qtbot, wizard)
    facts = {key: label.text() for key, label in wizard.test.fact_labels.items()}
    assert facts["model"].startswith("Sim")
    assert all(clean(text) for text in facts.values()), facts

    click(qtbot, wizard.button(wizard.WizardButton.NextButton))
    assert wizard.currentId() == wizard.PAGE_PLACE
    assert clean(wizard.place.camera.text()), wizard.place.camera.text()
    suggested = wizard.place.name.text()
    assert suggested.startswith("Cam")
    assert clean(suggested), repr(suggested)
    wizard.reject()


def test_a_tile_captions_a_hostile_camera_without_its_controls(
    qtbot: QtBot, core: Core, runner: TaskRunner
) -> None:
    core.users.add(CLI, "tove", Role.TECHNICIAN, PASSWORD)
    tove = Actor.of(core.users.authenticate("tove", PASSWORD))
    camera = add_hostile_camera(core)
    places = {p.id: p.name for p in core.sites.places()}
    tile = VideoTile(LiveViews(core.cameras, tove, runner), None, places)
    qtbot.addWidget(tile)
    tile.assign(camera.id, camera)
    caption = tile.title.text()
    assert caption.startswith("Cam")
    assert places[camera.place_id] in caption
    assert clean(caption), repr(caption)
