"""A subject access case through the console, offscreen, over a real core: a new case, footage
found, the assist's tracks with the requester's ticked, the masked copy, the second supervisor's
review stepping through every change, and the released package verified."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.subject_access import verify as sv
from console.subject_access.cases import CaseState
from console.subject_access.package import CasePackageWriter
from devices.media.mask_render import masking_tools
from tests import masking_clip as clip
from tests.conftest import PASSWORD
from tests.test_masking_pixels import DARK
from tests.test_subject_access import RECORDED_AT, Site, site  # noqa: F401 - a fixture
from ui.cases import CasesDialog
from ui.events import DomainEvents
from ui.tasks import TaskRunner


def state_of(site: Site) -> CaseState:  # noqa: F811 - the fixture's value
    return site.core.cases.cases(site.anna)[0].state


def test_a_case_through_the_console(
    qtbot: QtBot,
    runner: TaskRunner,
    site: Site,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    core = site.core
    events = DomainEvents(core.events)
    tools = masking_tools()
    dialog = CasesDialog(
        core.cases,
        core.users,
        [site.camera],
        site.anna,
        runner,
        core.clock,
        lambda: tools,
        CasePackageWriter(core.cases, core.audit, core.clock, site="test"),
        events,
    )
    qtbot.addWidget(dialog)
    dialog.destroyed.connect(events.deleteLater)
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert dialog.table.rowCount() == 0

    new = dialog.open_new()
    new.requester.setText("Kim Berg")
    new.identity.setText("passport")
    new.start.setText(RECORDED_AT.isoformat())
    new.end.setText(RECORDED_AT.isoformat())
    new.place.setText("Stora torget")
    new.submit()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.current() is not None)
    assert "30 days left" in dialog.table.item(0, 5).text()

    dialog.camera_list.item(0).setSelected(True)
    dialog.buttons["find"].click()
    qtbot.waitUntil(lambda: state_of(site) is CaseState.FOOTAGE_FOUND)
    qtbot.waitUntil(lambda: runner.pending == 0)

    dialog.buttons["propose"].click()
    qtbot.waitUntil(lambda: dialog.tracks.count() >= 2, timeout=30_000)
    cx, cy = clip.REQUESTER.centre(0)
    proposal = core.cases.propose(site.anna, 1, site.camera.id, tools.remuxer, tools.assist)
    requester = next(r.id for r in proposal if _contains(r.at(0), cx, cy))
    for row in range(dialog.tracks.count()):
        item = dialog.tracks.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == requester:
            item.setCheckState(Qt.CheckState.Checked)
    b0, b1 = clip.BACKSIDE.box(0), clip.BACKSIDE.box(clip.FRAMES - 1)
    regions = tmp_path / "regions.json"
    regions.write_text(
        json.dumps(
            {
                "regions": [
                    {
                        "id": "backside",
                        "shape": "rect",
                        "keyframes": [
                            {"frame": n, "box": [b[0], b[1], b[2] - b[0], b[3] - b[1]]}
                            for n, b in ((0, b0), (clip.FRAMES - 1, b1))
                        ],
                    }
                ]
            }
        )
    )
    dialog.regions_file.setText(str(regions))
    dialog.buttons["mask"].click()
    qtbot.waitUntil(lambda: state_of(site) is CaseState.MASKED, timeout=60_000)
    qtbot.waitUntil(lambda: runner.pending == 0)

    # The one who masked cannot review; the second supervisor can, once every change is seen.
    dialog.reviewer.setText("anna")
    dialog.reviewer_password.setText(PASSWORD)
    dialog.buttons["review_as"].click()
    qtbot.waitUntil(lambda: dialog.review_dialog is not None)
    review = dialog.review_dialog
    assert review is not None
    review.approve_button.click()  # disabled until every change is seen: nothing happens
    for _ in range(len(review.steps)):
        qtbot.waitUntil(lambda: review.picture.pixmap() is not None and runner.pending == 0)
        review.next_button.click()
    assert review.approve_button.isEnabled()
    review.approve_button.click()
    qtbot.waitUntil(lambda: "another supervisor reviews it" in review.error.text())
    review.reject()

    dialog.reviewer.setText("bertil")
    dialog.reviewer_password.setText(PASSWORD)
    dialog.buttons["review_as"].click()
    qtbot.waitUntil(lambda: dialog.review_dialog is not review)
    second = dialog.review_dialog
    assert second is not None
    assert second.steps[0][1] == 0
    for _ in range(len(second.steps)):
        second.next_button.click()
    qtbot.waitUntil(lambda: runner.pending == 0)
    second.approve_button.click()
    qtbot.waitUntil(lambda: state_of(site) is CaseState.REVIEWED)
    qtbot.waitUntil(lambda: runner.pending == 0)

    out = tmp_path / "out"
    out.mkdir()
    dialog.destination.setText(str(out))
    dialog.buttons["release"].click()
    qtbot.waitUntil(lambda: "Released:" in dialog.status.text(), timeout=30_000)
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert state_of(site) is CaseState.RELEASED
    package = next(out.iterdir())
    code, text = sv.report(package)
    assert code == 0, text
    assert "reviewed by bertil" in text
    video = next((package / "video").glob("*.mp4"))
    frames = clip.decode_bgr(video)
    for n, picture in enumerate(frames):
        for figure in (clip.STRANGER, clip.BACKSIDE):
            x0, y0, x1, y1 = figure.box(n)
            assert picture[y0:y1, x0:x1].max() < DARK, (figure.name, n)
    assert "decided" in dialog.table.item(0, 5).text()


def _contains(points: object, x: float, y: float) -> bool:
    if points is None:
        return False
    xs = [p[0] for p in points]  # type: ignore[attr-defined]
    ys = [p[1] for p in points]  # type: ignore[attr-defined]
    return min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)
