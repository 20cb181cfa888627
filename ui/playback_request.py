"""What a playback window is asked to show and works with: the cameras in a grid and why
(`ReasonDialog`, `ask_for_playback`: a reason from the administrators' list and free text), and
the services and the person it works for (`PlaybackContext`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.cameras import Camera, CameraService
from console.clock import Clock
from console.domain import Actor
from console.layouts import Grid, GridKind
from console.ports import PlaybackBackend
from console.recording.archive import RecordingService
from console.recording.playback import MAX_REASON, PlaybackService
from console.sites import SiteService
from ui.tasks import TaskRunner

_SQUARES = (GridKind.SINGLE, GridKind.GRID_2, GridKind.GRID_3, GridKind.GRID_4, GridKind.GRID_5)
#: At most this many cameras play back together (a 5 × 5 grid).
MAX_CAMERAS = 25


def grid_for(count: int) -> Grid:
    """The smallest square preset that holds `count` tiles."""
    for kind in _SQUARES:
        grid = Grid.preset(kind)
        if grid.count >= count:
            return grid
    return Grid.preset(_SQUARES[-1])


# -- what the window needs of the core ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaybackContext:
    """The services and the person a playback window works for."""

    playback: PlaybackService
    recordings: RecordingService
    cameras: CameraService
    sites: SiteService
    clock: Clock
    actor: Actor
    runner: TaskRunner
    #: None: video is not available on this workstation
    backend: PlaybackBackend | None


@dataclass(frozen=True, slots=True)
class PlaybackRequest:
    """What the person chose: the cameras in a grid, and why."""

    grid: Grid
    camera_ids: tuple[int | None, ...]
    reason: str
    #: how far back the person may go (None: no limit), as of when asked
    limit: timedelta | None


# -- asking why ------------------------------------------------------------------------------------


class ReasonDialog(QDialog):
    """Why recorded video is opened: a reason from the list, free text, or both (required), and
    with `cameras` which of them to play back."""

    def __init__(
        self,
        reasons: Sequence[str],
        parent: QWidget | None = None,
        *,
        cameras: Sequence[Camera] | None = None,
        chosen: Collection[int] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("playback_reason_dialog")
        self.setWindowTitle(self.tr("Play back recorded video"))
        intro = QLabel(
            self.tr(
                "Every playback is written to the access log with your name, the cameras and "
                "the reason you give here."
            )
        )
        intro.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setObjectName("playback_reason_choice")
        self.choice.addItem(self.tr("Choose a reason…"), "")
        for reason in reasons:
            # The default reasons are core texts (translated); ones the administrators wrote
            # are shown as written. What is chosen is logged as shown.
            shown = QCoreApplication.translate("core", reason)
            self.choice.addItem(shown, shown)
        self.details = QLineEdit()
        self.details.setObjectName("playback_reason_details")
        self.details.setMaxLength(MAX_REASON // 2)
        self.details.setPlaceholderText(self.tr("Details: what happened, an alarm or case number"))
        form = QFormLayout()
        form.addRow(self.tr("&Reason:"), self.choice)
        form.addRow(self.tr("&Details:"), self.details)
        self.camera_list: QListWidget | None = None
        if cameras is not None:
            self.camera_list = QListWidget()
            self.camera_list.setObjectName("playback_cameras")
            for camera in cameras:
                name = camera.name
                if camera.removed_at is not None:
                    # Its recordings stay until retention purges them.
                    name = self.tr("%1 (removed)").replace("%1", camera.name)
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, camera.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = camera.id in chosen
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.camera_list.addItem(item)
            self.camera_list.itemChanged.connect(self._update)
            form.addRow(self.tr("&Cameras:"), self.camera_list)
        self.hint = QLabel()
        self.hint.setObjectName("playback_reason_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a9099;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Play back"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.choice.currentIndexChanged.connect(self._update)
        self.details.textChanged.connect(self._update)
        self._update()

    def reason(self) -> str:
        """ "<choice>: <details>", or whichever of the two was given."""
        choice = str(self.choice.currentData() or "")
        details = " ".join(self.details.text().split())
        if choice and details:
            return f"{choice}: {details}"
        return choice or details

    def camera_ids(self) -> list[int]:
        """The cameras checked (with a camera list), in its order."""
        if self.camera_list is None:
            return []
        out = []
        for row in range(self.camera_list.count()):
            item = self.camera_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def problem(self) -> str:
        """What is still missing before playback can start ("" when nothing)."""
        if not self.reason():
            return self.tr("Choose a reason or write one.")
        if self.camera_list is not None:
            count = len(self.camera_ids())
            if count == 0:
                return self.tr("Choose at least one camera.")
            if count > MAX_CAMERAS:
                return self.tr("At most %1 cameras play back together.").replace(
                    "%1", str(MAX_CAMERAS)
                )
        return ""

    def _update(self) -> None:
        problem = self.problem()
        self.hint.setText(problem)
        self.ok.setEnabled(not problem)

    def accept(self) -> None:
        if self.problem():
            return
        super().accept()


def ask_for_playback(
    context: PlaybackContext,
    parent: QWidget | None,
    on_chosen: Callable[[PlaybackRequest], None],
    *,
    layout: tuple[Grid, Sequence[int | None]] | None = None,
    preselect: Collection[int] = (),
) -> None:
    """Load the reasons and the person's limit (on a worker), ask why (and, without `layout`,
    which cameras, `preselect` checked), then hand the answer to `on_chosen`."""

    def load() -> tuple[list[str], timedelta | None, list[Camera] | None]:
        earliest = context.playback.earliest(context.actor)
        limit = None if earliest is None else context.clock.now() - earliest
        cameras = None if layout is not None else context.cameras.recorded(context.actor)
        return context.playback.reasons(), limit, cameras

    def loaded(found: tuple[list[str], timedelta | None, list[Camera] | None]) -> None:
        reasons, limit, cameras = found
        if parent is not None and not shiboken6.isValid(parent):
            return
        dialog = ReasonDialog(reasons, parent, cameras=cameras, chosen=preselect)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            if layout is not None:
                grid, ids = layout
                chosen: tuple[int | None, ...] = tuple(ids)
            else:
                chosen = tuple(dialog.camera_ids())
                grid = grid_for(len(chosen))
            on_chosen(PlaybackRequest(grid, chosen, dialog.reason(), limit))

        dialog.accepted.connect(accepted)
        dialog.open()

    context.runner.run(load, loaded)
