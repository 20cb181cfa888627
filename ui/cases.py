"""Subject access cases in the console: the list, a new case, finding and masking footage, the
second supervisor's review (stepping through the frames where the masks change), release and
refusal. Thin: every step is CaseService's (console/subject_access/cases.py), run on a worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.camera_facts import Still
from console.cameras import Camera
from console.clock import Clock
from console.domain import Actor
from console.errors import N_, InvalidInput, KnownError
from console.events import Changed, ChangeKind
from console.export.times import parse_export_time
from console.localtime import format_moment
from console.ports import MaskingTools
from console.subject_access.cases import Case, CaseService, CaseState, MaskedCopy
from console.subject_access.masks import Region, parse_manual
from console.subject_access.package import CasePackageWriter, ReleaseReceipt
from console.users import UserService
from ui.events import DomainEvents
from ui.i18n import error_text
from ui.tasks import Pool, TaskRunner

#: How wide a reviewed frame is shown.
PICTURE_WIDTH = 640


class NewCaseDialog(QDialog):
    """The request as the person made it: who, how their identity was checked, when, where."""

    #: the case as opened (Case)
    opened = Signal(object)

    def __init__(
        self,
        cases: CaseService,
        actor: Actor,
        runner: TaskRunner,
        clock: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_case_dialog")
        self.setWindowTitle(self.tr("New subject access case"))
        self._cases, self._actor, self._runner, self._clock = cases, actor, runner, clock
        self.requester = QLineEdit()
        self.identity = QLineEdit()
        self.checked_by = QLineEdit(actor.name)
        self.start = QLineEdit()
        self.end = QLineEdit()
        self.place = QLineEdit()
        self.notes = QLineEdit()
        form = QFormLayout()
        for name, label, field in (
            ("requester", self.tr("&Requester's name"), self.requester),
            ("identity", self.tr("&Identity checked by (how)"), self.identity),
            ("checked_by", self.tr("Identity checked &by (who)"), self.checked_by),
            ("start", self.tr("Filmed &from (2026-11-24 14:30)"), self.start),
            ("end", self.tr("Filmed &to"), self.end),
            ("place", self.tr("&Place"), self.place),
            ("notes", self.tr("&Notes"), self.notes),
        ):
            field.setObjectName(name)
            form.addRow(label, field)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Open case"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def submit(self) -> None:
        now = self._clock.now()
        values = (
            self.requester.text(),
            self.identity.text(),
            self.checked_by.text(),
            self.start.text(),
            self.end.text(),
            self.place.text(),
            self.notes.text(),
        )

        def op() -> Case:
            requester, identity, checked_by, start, end, place, notes = values
            return self._cases.open(
                self._actor,
                requester=requester,
                identity_check=identity,
                identity_checked_by=checked_by,
                claimed_from=parse_export_time(start, now),
                claimed_to=parse_export_time(end, now),
                place=place,
                notes=notes,
            )

        self._runner.run(op, self._on_opened, self._show_error, receiver=self)

    def _on_opened(self, case: Case) -> None:
        self.opened.emit(case)
        self.accept()

    def _show_error(self, err: KnownError) -> None:
        self.error.setText(error_text(err))


class ReviewDialog(QDialog):
    """The second supervisor's review: the masked copy shown at each frame where the masks
    change, one after another; approve, or send back with a reason."""

    #: (approve: bool, reason: str)
    decided = Signal(object)

    def __init__(
        self,
        case: Case,
        tools: MaskingTools,
        folder: Path,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("review_dialog")
        self.setWindowTitle(self.tr("Review case %1").replace("%1", case.number))
        self._tools, self._folder, self._runner = tools, folder, runner
        #: (copy, frame) for every step
        self.steps: list[tuple[MaskedCopy, int]] = [
            (copy, frame) for copy in case.copies for frame in copy.change_frames
        ]
        self.index = -1
        #: the steps shown so far (approval needs every one)
        self.seen: set[int] = set()
        self.picture = QLabel()
        self.picture.setObjectName("picture")
        self.picture.setMinimumSize(PICTURE_WIDTH, PICTURE_WIDTH * 9 // 16)
        self.position = QLabel()
        self.position.setObjectName("position")
        self.previous_button = QPushButton(self.tr("&Previous change"))
        self.previous_button.setObjectName("previous")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton(self.tr("&Next change"))
        self.next_button.setObjectName("next")
        self.next_button.clicked.connect(lambda: self.step(1))
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("What must be masked differently"))
        self.approve_button = QPushButton(self.tr("&Approve"))
        self.approve_button.setObjectName("approve")
        self.approve_button.setEnabled(False)
        self.approve_button.clicked.connect(lambda: self.decided.emit((True, "")))
        send_back = QPushButton(self.tr("&Send back"))
        send_back.setObjectName("send_back")
        send_back.clicked.connect(lambda: self.decided.emit((False, self.reason.text())))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        steps = QHBoxLayout()
        steps.addWidget(self.previous_button)
        steps.addWidget(self.position, 1)
        steps.addWidget(self.next_button)
        decision = QHBoxLayout()
        decision.addWidget(self.reason, 1)
        decision.addWidget(send_back)
        decision.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addLayout(steps)
        layout.addWidget(self.error)
        layout.addLayout(decision)
        self.step(1)

    def step(self, delta: int) -> None:
        if not self.steps:
            self.position.setText(self.tr("Nothing is masked."))
            return
        self.index = max(0, min(len(self.steps) - 1, self.index + delta))
        self.seen.add(self.index)
        copy, frame = self.steps[self.index]
        self.position.setText(
            self.tr("Camera %1, frame %2 (change %3 of %4)")
            .replace("%1", str(copy.camera_id))
            .replace("%2", str(frame))
            .replace("%3", str(self.index + 1))
            .replace("%4", str(len(self.steps)))
        )
        # Approval only once every change was looked at.
        self.approve_button.setEnabled(len(self.seen) == len(self.steps))
        path = self._folder / copy.masked
        self._runner.run(
            lambda: self._tools.pictures.picture(path, frame, PICTURE_WIDTH),
            self._show_picture,
            self._show_error,
            receiver=self,
            pool=Pool.DEVICES,
        )

    def _show_picture(self, still: Still) -> None:
        image = QImage(
            still.rgb, still.width, still.height, 3 * still.width, QImage.Format.Format_RGB888
        )
        self.picture.setPixmap(QPixmap.fromImage(image.copy()))

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def _show_error(self, err: KnownError) -> None:
        self.error.setText(error_text(err))


class CasesDialog(QDialog):
    """The subject access cases: the list with deadlines, and each step on the chosen case."""

    COLUMNS = 6

    def __init__(
        self,
        cases: CaseService,
        users: UserService,
        cameras: Sequence[Camera],
        actor: Actor,
        runner: TaskRunner,
        clock: Clock,
        tools: Callable[[], MaskingTools],
        writer: CasePackageWriter,
        events: DomainEvents | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cases_dialog")
        self.setWindowTitle(self.tr("Subject access cases"))
        self.resize(1000, 560)
        self._cases, self._users, self._actor = cases, users, actor
        self._cameras = list(cameras)
        self._runner, self._clock, self._tools, self._writer = runner, clock, tools, writer
        self._list: list[Case] = []
        self.new_dialog: NewCaseDialog | None = None
        self.review_dialog: ReviewDialog | None = None
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("cases")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Case"),
                self.tr("State"),
                self.tr("Requester"),
                self.tr("Filmed"),
                self.tr("Place"),
                self.tr("Deadline"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.camera_list = QListWidget()
        self.camera_list.setObjectName("cameras")
        self.camera_list.setSelectionMode(QListWidget.SelectionMode.MultiSelection)
        for camera in self._cameras:
            item = QListWidgetItem(camera.name)
            item.setData(Qt.ItemDataRole.UserRole, camera.id)
            self.camera_list.addItem(item)
        self.around = QSpinBox()
        self.around.setObjectName("around")
        self.around.setRange(1, 180)
        self.around.setValue(15)
        self.around.setSuffix(self.tr(" min around"))
        #: the assist's tracks: the checked ones are the requester's (left visible)
        self.tracks = QListWidget()
        self.tracks.setObjectName("tracks")
        self.regions_file = QLineEdit()
        self.regions_file.setObjectName("regions_file")
        self.regions_file.setPlaceholderText(self.tr("Manual regions (JSON file), optional"))
        self.destination = QLineEdit()
        self.destination.setObjectName("destination")
        self.destination.setPlaceholderText(self.tr("Folder to release the package to"))
        self.reason = QLineEdit()
        self.reason.setObjectName("refusal")
        self.reason.setPlaceholderText(self.tr("Why the request is refused"))
        self.reviewer = QLineEdit()
        self.reviewer.setObjectName("reviewer")
        self.reviewer.setPlaceholderText(self.tr("Reviewing supervisor"))
        self.reviewer_password = QLineEdit()
        self.reviewer_password.setObjectName("reviewer_password")
        self.reviewer_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for row, name, text, slot in (
            (row1, "new_case", self.tr("&New case…"), self.open_new),
            (row1, "find", self.tr("&Find footage"), self.find_footage),
            (row1, "propose", self.tr("&Propose tracks"), self.propose),
            (row1, "mask", self.tr("&Mask"), self.make_mask),
            (row2, "review_as", self.tr("Re&view as…"), self.review),
            (row2, "release", self.tr("&Release"), self.release),
            (row2, "refuse", self.tr("Re&fuse"), self.refuse),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            self.buttons[name] = button
            row.addWidget(button)
        row1.addWidget(self.around)
        row2.addWidget(self.reviewer)
        row2.addWidget(self.reviewer_password)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row2.addStretch(1)
        row2.addWidget(close)
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Cameras")))
        side.addWidget(self.camera_list)
        side.addWidget(QLabel(self.tr("Tracks (tick the requester's)")))
        side.addWidget(self.tracks)
        top = QHBoxLayout()
        top.addWidget(self.table, 3)
        top.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.regions_file)
        layout.addWidget(self.destination)
        layout.addWidget(self.reason)
        layout.addWidget(self.status)
        layout.addLayout(row1)
        layout.addLayout(row2)
        if events is not None:
            events.changed.connect(self._on_events_changed)
        self.reload()

    # -- the list --------------------------------------------------------------------------------

    def reload(self) -> None:
        self._runner.run(
            lambda: self._cases.cases(self._actor), self._show, self._show_error, receiver=self
        )

    def _on_events_changed(self, changed: Changed) -> None:
        if changed.kind is ChangeKind.CASES:
            self.reload()

    def _show(self, cases: list[Case]) -> None:
        selected = self.current()
        self._list = cases
        self.table.setRowCount(len(cases))
        now = self._clock.now()
        for row, case in enumerate(cases):
            cells = (
                case.number,
                self._state_text(case.state),
                case.requester,
                format_moment(case.claimed_from, seconds=False),
                case.place,
                self._deadline_text(case, now),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if selected is not None and case.id == selected.id:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()

    def _state_text(self, state: CaseState) -> str:
        return {
            CaseState.OPEN: self.tr("open"),
            CaseState.FOOTAGE_FOUND: self.tr("footage found"),
            CaseState.MASKED: self.tr("masked"),
            CaseState.REVIEWED: self.tr("reviewed"),
            CaseState.RELEASED: self.tr("released"),
            CaseState.REFUSED: self.tr("refused"),
        }[state]

    def _deadline_text(self, case: Case, now: datetime) -> str:
        if case.state.closed:
            return self.tr("decided")
        days = case.days_left(now)
        if days < 0:
            return self.tr("%1 days overdue").replace("%1", str(-days))
        return self.tr("%1 days left").replace("%1", str(days))

    def current(self) -> Case | None:
        row = self.table.currentRow()
        return self._list[row] if 0 <= row < len(self._list) else None

    def choose(self, case_id: int) -> None:
        for row, case in enumerate(self._list):
            if case.id == case_id:
                self.table.selectRow(row)

    def _selected(self) -> Case | None:
        case = self.current()
        if case is None:
            self.status.setText(self.tr("Choose a case first."))
        return case

    def _show_error(self, err: KnownError) -> None:
        self.status.setText(error_text(err))

    def _done(self, text: str) -> Callable[[object], None]:
        def show(_result: object) -> None:
            self.status.setText(text)
            self.reload()

        return show

    # -- the steps -------------------------------------------------------------------------------

    def open_new(self) -> NewCaseDialog:
        dialog = NewCaseDialog(self._cases, self._actor, self._runner, self._clock, self)
        dialog.opened.connect(self._on_new_case_opened)
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def _on_new_case_opened(self, case: Case) -> None:
        self.status.setText(self.tr("Case %1 is open.").replace("%1", case.number))

        def show(cases: list[Case]) -> None:
            self._show(cases)
            self.choose(case.id)

        self._runner.run(
            lambda: self._cases.cases(self._actor), show, self._show_error, receiver=self
        )

    def find_footage(self) -> None:
        case = self._selected()
        if case is None:
            return
        ids = [
            int(item.data(Qt.ItemDataRole.UserRole)) for item in self.camera_list.selectedItems()
        ]
        minutes = self.around.value()
        self._runner.run(
            lambda: self._cases.find(self._actor, case.id, ids, around=timedelta(minutes=minutes)),
            self._done(self.tr("Footage found.")),
            self._show_error,
            receiver=self,
        )

    def _camera_of(self, case: Case) -> int | None:
        if not case.footage:
            self.status.setText(self.tr("Find the footage first."))
            return None
        return case.footage[0].camera_id

    def propose(self) -> None:
        case = self._selected()
        camera = self._camera_of(case) if case is not None else None
        if case is None or camera is None:
            return
        tools = self._tools()
        self.status.setText(self.tr("Looking for people…"))
        self._runner.run(
            lambda: self._cases.propose(self._actor, case.id, camera, tools.remuxer, tools.assist),
            self._show_tracks,
            self._show_error,
            receiver=self,
            pool=Pool.DEVICES,
        )

    def _show_tracks(self, regions: list[Region]) -> None:
        self.tracks.clear()
        for region in regions:
            first = region.keyframes[0]
            xs = [p[0] for p in first.points]
            ys = [p[1] for p in first.points]
            item = QListWidgetItem(
                self.tr("%1: frames %2–%3, at %4, %5")
                .replace("%1", region.id)
                .replace("%2", str(region.first))
                .replace("%3", str(region.last))
                .replace("%4", str(round(min(xs))))
                .replace("%5", str(round(min(ys))))
            )
            item.setData(Qt.ItemDataRole.UserRole, region.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.tracks.addItem(item)
        self.status.setText(
            self.tr("%1 tracks proposed: tick the requester's.").replace("%1", str(len(regions)))
        )

    def make_mask(self) -> None:
        case = self._selected()
        camera = self._camera_of(case) if case is not None else None
        if case is None or camera is None:
            return
        excluded = [
            str(self.tracks.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.tracks.count())
            if self.tracks.item(i).checkState() == Qt.CheckState.Checked
        ]
        path = self.regions_file.text().strip()
        tools = self._tools()
        self.status.setText(self.tr("Masking…"))

        def op() -> MaskedCopy:
            manual: list[Region] = []
            exclude = list(excluded)
            if path:
                try:
                    text = Path(path).read_text("utf-8")
                except (OSError, UnicodeDecodeError) as err:
                    raise InvalidInput(
                        N_("The mask file {path} cannot be read: {reason}"), path=path, reason=err
                    ) from err
                manual, more, _fill, _margin = parse_manual(text)
                exclude += sorted(more)
            return self._cases.mask(
                self._actor,
                case.id,
                camera,
                tools.remuxer,
                tools.renderer,
                assist=tools.assist,
                manual=manual,
                exclude=exclude,
            )

        self._runner.run(
            op,
            self._done(self.tr("The masked copy is made: another supervisor reviews it.")),
            self._show_error,
            receiver=self,
            pool=Pool.DEVICES,
        )

    def review(self) -> None:
        """The second supervisor gives their own name and password at this workstation, then
        steps through the masked copy."""
        case = self._selected()
        if case is None:
            return
        name, password = self.reviewer.text(), self.reviewer_password.text()
        self.reviewer_password.clear()

        def op() -> tuple[Actor, Case]:
            reviewer = Actor.of(self._users.authenticate(name, password, purpose="case.review"))
            return reviewer, self._cases.get(reviewer, case.id)

        self._runner.run(op, self._open_review, self._show_error, receiver=self)

    def _open_review(self, value: tuple[Actor, Case]) -> None:
        reviewer, case = value
        dialog = ReviewDialog(case, self._tools(), self._cases.folder(case), self._runner, self)

        def decide(decision: tuple[bool, str]) -> None:
            approve, reason = decision

            def reviewed(_case: Case) -> None:
                dialog.accept()
                self._done(self._reviewed_text(approve))(None)

            self._runner.run(
                lambda: self._cases.review(reviewer, case.id, approve=approve, reason=reason),
                reviewed,
                lambda err: dialog.show_error(error_text(err)),
                receiver=dialog,
            )

        dialog.decided.connect(decide)
        self.review_dialog = dialog
        dialog.open()

    def _reviewed_text(self, approve: bool) -> str:
        if approve:
            return self.tr("Reviewed and approved: the case may be released.")
        return self.tr("Sent back to masking.")

    def release(self) -> None:
        case = self._selected()
        if case is None:
            return
        destination = Path(self.destination.text().strip() or ".")
        self._runner.run(
            lambda: self._writer.release(self._actor, case.id, destination),
            self._on_released,
            self._show_error,
            receiver=self,
        )

    def _on_released(self, receipt: ReleaseReceipt) -> None:
        self.status.setText(
            self.tr("Released: %1\nManifest SHA-256: %2\nFirst key's fingerprint: %3")
            .replace("%1", str(receipt.folder))
            .replace("%2", receipt.manifest_sha256)
            .replace("%3", receipt.anchor_fingerprint)
        )
        self.reload()

    def refuse(self) -> None:
        case = self._selected()
        if case is None:
            return
        reason = self.reason.text()
        self._runner.run(
            lambda: self._cases.refuse(self._actor, case.id, reason),
            self._done(self.tr("The request is refused.")),
            self._show_error,
            receiver=self,
        )
