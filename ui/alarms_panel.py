"""The Alarms dock: the alarm list, filters, the selected alarm's details, and its handling.

A thin view over `AlarmService`: every read and every action runs on a storage worker (the
service checks the permission and writes the access log); the buttons are enabled by the policy
as a convenience only. The list follows changes, never polls: `alarms_changed(ids)` is called
with the ids the core announced (this process) or the broker's feed delivered (another console,
the engine in `utkik serve`), and those alarms are read again, coalesced, in one job.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from datetime import datetime

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.alarms.model import COMMENT_REQUIRED_UP_TO, Alarm, AlarmState, Snooze
from console.alarms.service import AlarmService
from console.alarms.signals import AlarmClass
from console.clock import Clock
from console.domain import Actor, Permission, User
from console.errors import KnownError, NotFound, PermissionDenied
from console.localtime import format_moment
from console.policy import can
from console.recording.stills import RecordedStills
from ui.alarm_details import AlarmDetails, AssignDialog, CommentDialog, SnoozeDialog
from ui.alarms_model import AlarmFilter, AlarmTableModel, class_label, state_label
from ui.i18n import error_text
from ui.tasks import TaskRunner

#: A new alarm, or a change with others announced within this many milliseconds, is read in one
#: job (a storm costs one read per alarm, not one per message).
COALESCE_MS = 100
#: Changes of alarms the list shows already (repeats counted, a state handled) are read at most
#: this often: the GUI thread keeps its time for the person during a storm.
CHANGE_COALESCE_MS = 400
#: Beyond this many changed alarms at once the whole list is read again.
MAX_SINGLE_READS = 200
#: Column widths are measured on this many rows.
SIZE_FROM_ROWS = 30
#: The state filter's first choice: new and acknowledged alarms.
OPEN = "open"
#: How often the snoozes' remaining time is redrawn (they end by themselves).
SNOOZE_TICK_MS = 15_000


class AlarmsPanel(QWidget):
    """The alarm list of the person logged in."""

    #: {AlarmState: count} after every change, for the status bar and the window title
    counts_changed = Signal(object)
    #: an Alarm raised while the list was shown (not one of those loaded at the start)
    alarm_raised = Signal(object)
    #: an Alarm acknowledged or closed (its camera's alarm tile can be cleared)
    alarm_handled = Signal(object)
    #: camera id, the UTC moment to play back from
    playback_requested = Signal(int, datetime)
    #: a message for the status bar (an action refused, in the service's words)
    status = Signal(str)

    def __init__(
        self,
        service: AlarmService,
        user: User,
        runner: TaskRunner,
        clock: Clock,
        stills: RecordedStills | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alarms")
        self._service = service
        self._user = user
        self._actor = Actor.of(user)
        self._runner = runner
        self._clock = clock
        #: the recorded picture at an alarm's time; None: not shown on this workstation
        self._stills = stills
        self._may_view = can(user, Permission.VIEW_ALARMS)
        self._may_handle = can(user, Permission.ACK_ALARMS)
        self._loaded = False
        #: the model is being rebuilt: selection changes are not the person's
        self._rebuilding = False
        self._pending: set[int] = set()
        self._reload_all = False
        self._snoozes: list[Snooze] = []
        #: the dialog open now (tests answer it)
        self.dialog: QDialog | None = None
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(COALESCE_MS)
        self._flush.timeout.connect(self._on_flush_timeout)
        self._snooze_tick = QTimer(self)
        self._snooze_tick.setInterval(SNOOZE_TICK_MS)
        self._snooze_tick.timeout.connect(self._show_snoozes)

        #: red while alarms cannot be received (the engine or the broker is gone)
        self.banner = QLabel()
        self.banner.setObjectName("alarms_banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(
            "#alarms_banner { background: #b3261e; color: #ffffff; padding: 6px;"
            " font-weight: bold; }"
        )
        self.banner.hide()

        self.site_filter = QComboBox()
        self.site_filter.setObjectName("alarms_site_filter")
        self.site_filter.addItem(self.tr("All sites"), "")
        self.class_filter = QComboBox()
        self.class_filter.setObjectName("alarms_class_filter")
        self.class_filter.addItem(self.tr("All classes"), None)
        for alarm_class in AlarmClass:
            # Plain text as item data: Qt keeps a str enum as its text.
            self.class_filter.addItem(class_label(alarm_class), alarm_class.value)
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("alarms_state_filter")
        self.state_filter.addItem(self.tr("Open"), OPEN)
        self.state_filter.addItem(self.tr("All states"), None)
        for state in AlarmState:
            self.state_filter.addItem(state_label(state), state.value)
        for combo in (self.site_filter, self.class_filter, self.state_filter):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(self.site_filter)
        filters.addWidget(self.class_filter)
        filters.addWidget(self.state_filter)

        self.model = AlarmTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("alarms_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Widths are measured when rows come or go (from the first rows only), not at every
        # change of a cell: a storm changes cells many times a second.
        header.setResizeContentsPrecision(SIZE_FROM_ROWS)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_model_reset)

        self.details = AlarmDetails(
            may_play_back=can(user, Permission.VIEW_RECORDED) and stills is not None
        )
        self.details.playback_requested.connect(self.playback_requested)
        self.details.still_requested.connect(self._on_details_still_requested)

        self.actions_: dict[str, QAction] = {}
        # Two by two, so that the dock stays narrow beside the grid.
        buttons = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for index, (key, text, keys, slot) in enumerate(
            (
                ("acknowledge", self.tr("&Acknowledge…"), "Ctrl+K", self._on_acknowledge),
                ("assign", self.tr("A&ssign…"), "Ctrl+Shift+G", self._on_assign),
                ("close", self.tr("C&lose…"), "Ctrl+Shift+K", self._on_close),
                ("snooze", self.tr("S&nooze source…"), "Ctrl+Shift+Z", self._on_snooze),
            )
        ):
            button = QPushButton(text)
            button.setObjectName(f"alarms_{key}")
            button.setToolTip(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText))
            button.clicked.connect(slot)
            buttons.addWidget(button, index // 2, index % 2)
            self.buttons[key] = button
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.actions_[key] = action

        self.snooze_list = QListWidget()
        self.snooze_list.setObjectName("alarms_snoozes")
        self.snooze_list.setMaximumHeight(70)
        self.lift = QPushButton(self.tr("Li&ft snooze"))
        self.lift.setObjectName("alarms_lift_snooze")
        self.lift.clicked.connect(self._on_lift)
        self.lift.setEnabled(False)
        self.snooze_list.currentRowChanged.connect(lambda _row: self._update_buttons())

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.details)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(QLabel(self.tr("Snoozed sources:")))
        lower_layout.addWidget(self.snooze_list)
        lower_layout.addWidget(self.lift, 0, Qt.AlignmentFlag.AlignRight)
        # The details scroll rather than make the dock taller than a 1280×800 screen allows.
        lower_area = QScrollArea()
        lower_area.setWidget(lower)
        lower_area.setWidgetResizable(True)
        lower_area.setFrameShape(QFrame.Shape.NoFrame)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower_area)

        self.empty = QLabel(self.tr("Alarms are not part of your role."))
        self.empty.setObjectName("alarms_not_for_role")
        self.empty.setEnabled(False)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty)
        self.empty.setVisible(not self._may_view)
        splitter.setVisible(self._may_view)
        for combo in (self.site_filter, self.class_filter, self.state_filter):
            combo.setVisible(self._may_view)
        self._on_filter_changed()
        self._update_buttons()

    # -- loading and following ----------------------------------------------------------------

    def load(self) -> None:
        """Read the list (on a worker); changes then arrive through `alarms_changed`."""
        if not self._may_view:
            return
        self._runner.run(self._read_all, self._on_all_read, self._on_read_failed, receiver=self)

    def _read_all(self) -> tuple[builtins.list[Alarm], builtins.list[Snooze]]:
        return self._service.list(self._actor), self._service.snoozes(self._actor)

    def _on_all_read(self, read: tuple[list[Alarm], list[Snooze]]) -> None:
        alarms, snoozes = read
        known = {a.id for a in self.model.alarms()}
        self._keeping_selection(lambda: self.model.replace_all(alarms))
        if self._loaded:
            self._raised([a for a in alarms if a.id not in known])
        self._loaded = True
        self._set_snoozes(snoozes)
        self._counts()

    def _on_read_failed(self, err: KnownError) -> None:
        self.show_link(False, error_text(err))

    def alarms_changed(self, alarm_ids: Iterable[int]) -> None:
        """These alarms changed (no ids: something did, e.g. a snooze): read again, soon."""
        if not self._may_view:
            return
        ids = set(alarm_ids)
        if ids:
            self._pending |= ids
        else:
            self._reload_all = True
        soon = self._reload_all or any(self.model.alarm(i) is None for i in ids)
        if soon and (not self._flush.isActive() or self._flush.remainingTime() > COALESCE_MS):
            self._flush.start(COALESCE_MS)
        elif not self._flush.isActive():
            self._flush.start(CHANGE_COALESCE_MS)

    def _on_flush_timeout(self) -> None:
        if not self._loaded:
            self._flush.start(COALESCE_MS)  # the first read is still on its way
            return
        ids, self._pending = self._pending, set()
        if self._reload_all or len(ids) > MAX_SINGLE_READS:
            self._reload_all = False
            self.load()
            return

        def read() -> tuple[builtins.list[Alarm], builtins.list[int]]:
            found, gone = [], []
            for alarm_id in sorted(ids):
                try:
                    found.append(self._service.get(self._actor, alarm_id))
                except (NotFound, PermissionDenied):
                    gone.append(alarm_id)
            return found, gone

        self._runner.run(read, self._on_changed_read, self._on_read_failed, receiver=self)

    def _on_changed_read(self, read: tuple[list[Alarm], list[int]]) -> None:
        found, gone = read
        before = {a.id: a for a in self.model.alarms()}
        self._keeping_selection(lambda: self.model.update(found, gone))
        self._raised([a for a in found if a.id not in before])
        for alarm in found:
            old = before.get(alarm.id)
            if old is not None and old.state is AlarmState.NEW and alarm.state is not old.state:
                self.alarm_handled.emit(alarm)
        self._counts()

    def _raised(self, alarms: Iterable[Alarm]) -> None:
        for alarm in sorted(alarms, key=lambda a: a.id):
            if alarm.state is AlarmState.NEW:
                self.alarm_raised.emit(alarm)

    def show_link(self, receiving: bool, why: str = "") -> None:
        """Whether alarms are being received; a red banner saying why when not."""
        if receiving:
            self.banner.hide()
            return
        text = self.tr("Alarms cannot be received.")
        self.banner.setText(f"{text} {why}".strip())
        self.banner.show()

    # -- the list ------------------------------------------------------------------------------

    def _on_filter_changed(self) -> None:
        state = self.state_filter.currentData()
        alarm_class = self.class_filter.currentData()
        alarm_filter = AlarmFilter(
            site=str(self.site_filter.currentData() or ""),
            alarm_class=AlarmClass(alarm_class) if alarm_class else None,
            state=AlarmState(state) if state and state != OPEN else None,
            open_only=state == OPEN,
        )
        self._keeping_selection(lambda: self.model.set_filter(alarm_filter))

    def _on_model_reset(self) -> None:
        for column in range(self.model.columnCount()):
            if column != 4:
                self.table.resizeColumnToContents(column)
        sites = self.model.sites()
        current = self.site_filter.currentData()
        have = [self.site_filter.itemData(i) for i in range(1, self.site_filter.count())]
        if have != sites:
            self.site_filter.blockSignals(True)
            while self.site_filter.count() > 1:
                self.site_filter.removeItem(1)
            for site in sites:
                self.site_filter.addItem(site, site)
            index = self.site_filter.findData(current)
            self.site_filter.setCurrentIndex(max(0, index))
            self.site_filter.blockSignals(False)
        self._update_buttons()

    def _keeping_selection(self, change: Callable[[], None]) -> None:
        """Change the model, the same alarm selected after (the list changes under the
        operator's hands all shift long: what they read stays)."""
        selected = self.selected_id()
        self._rebuilding = True
        try:
            change()
            self._select(selected)
        finally:
            self._rebuilding = False
        self.details.show_alarm(self.selected())
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(Qt.ItemDataRole.UserRole)
        return int(value) if isinstance(value, int) else None

    def selected(self) -> Alarm | None:
        alarm_id = self.selected_id()
        return None if alarm_id is None else self.model.alarm(alarm_id)

    def select(self, alarm_id: int) -> None:
        self._select(alarm_id)

    def _select(self, alarm_id: int | None) -> None:
        if alarm_id is None:
            return
        row = self.model.row_of(alarm_id)
        if row >= 0:
            self.table.selectRow(row)

    def _on_table_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        if self._rebuilding:
            return
        self.details.show_alarm(self.selected())
        self._update_buttons()

    def _update_buttons(self) -> None:
        alarm = self.selected()
        may = self._may_handle
        enabled = {
            "acknowledge": may and alarm is not None and alarm.state is AlarmState.NEW,
            "assign": may and alarm is not None and alarm.open,
            "close": may and alarm is not None and alarm.open,
            "snooze": may and alarm is not None,
        }
        for key, on in enabled.items():
            self.buttons[key].setEnabled(on)
            self.actions_[key].setEnabled(on)
        self.lift.setEnabled(may and self.snooze_list.currentRow() >= 0)

    def _counts(self) -> None:
        self.counts_changed.emit(self.model.counts())

    # -- handling ------------------------------------------------------------------------------

    def _on_acknowledge(self) -> None:
        alarm = self.selected()
        if alarm is None or not self._may_handle or alarm.state is not AlarmState.NEW:
            return
        required = alarm.severity <= COMMENT_REQUIRED_UP_TO
        dialog = CommentDialog(alarm, self.tr("Acknowledge alarm"), required, self)
        self._open(dialog, lambda: self._act(self._service.acknowledge, alarm.id, dialog.text()))

    def _on_close(self) -> None:
        alarm = self.selected()
        if alarm is None or not self._may_handle or not alarm.open:
            return
        # An acknowledged alarm had its comment then; a new one needs what acknowledging would.
        required = alarm.state is AlarmState.NEW and alarm.severity <= COMMENT_REQUIRED_UP_TO
        dialog = CommentDialog(alarm, self.tr("Close alarm"), required, self)
        self._open(dialog, lambda: self._act(self._service.close, alarm.id, dialog.text()))

    def _on_assign(self) -> None:
        alarm = self.selected()
        if alarm is None or not self._may_handle or not alarm.open:
            return
        dialog = AssignDialog(alarm, self)
        self._open(
            dialog,
            lambda: self._act(self._service.assign, alarm.id, dialog.operator.text().strip()),
        )

    def _on_snooze(self) -> None:
        alarm = self.selected()
        if alarm is None or not self._may_handle:
            return
        dialog = SnoozeDialog(alarm, self)

        def snooze() -> None:
            duration, reason = dialog.duration(), dialog.reason.text()
            self._runner.run(
                lambda: self._service.snooze(
                    self._actor, alarm.source_kind, alarm.source, duration, reason
                ),
                lambda _snooze: self.alarms_changed(()),
                self._on_action_failed,
                receiver=self,
            )

        self._open(dialog, snooze)

    def _on_lift(self) -> None:
        row = self.snooze_list.currentRow()
        if not self._may_handle or not 0 <= row < len(self._snoozes):
            return
        snooze_id = self._snoozes[row].id
        self._runner.run(
            lambda: self._service.lift_snooze(self._actor, snooze_id),
            lambda _none: self.alarms_changed(()),
            self._on_action_failed,
            receiver=self,
        )

    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accepted)
        self.dialog = dialog
        dialog.open()

    def _act(self, action: Callable[[Actor, int, str], Alarm], alarm_id: int, text: str) -> None:
        self._runner.run(
            lambda: action(self._actor, alarm_id, text),
            lambda changed: self._on_changed_read(([changed], [])),
            self._on_action_failed,
            receiver=self,
        )

    def _on_action_failed(self, err: KnownError) -> None:
        self.status.emit(error_text(err))

    def _on_details_still_requested(self, alarm: Alarm) -> None:
        stills = self._stills
        if stills is None:
            return
        self._runner.run(
            lambda: stills.for_alarm(self._actor, alarm),
            lambda still: self.details.show_still(alarm.id, still),
            lambda err: self.details.show_still(alarm.id, None, error_text(err)),
            receiver=self,
        )

    # -- snoozes -------------------------------------------------------------------------------

    def _set_snoozes(self, snoozes: list[Snooze]) -> None:
        self._snoozes = snoozes
        self._show_snoozes()
        if snoozes:
            self._snooze_tick.start()
        else:
            self._snooze_tick.stop()

    def _show_snoozes(self) -> None:
        now = self._clock.now()
        # An expired snooze has ended by itself (the service no longer applies it).
        self._snoozes = [s for s in self._snoozes if s.until > now]
        self.snooze_list.clear()
        for snooze in self._snoozes:
            minutes = max(1, int((snooze.until - now).total_seconds() // 60))
            text = (
                self.tr("%1 until %2 (%3 min left), by %4")
                .replace("%1", f"{snooze.source_kind.value} {snooze.source}")
                .replace("%2", format_moment(snooze.until, seconds=False))
                .replace("%3", str(minutes))
                .replace("%4", snooze.by)
            )
            item = QListWidgetItem(text)
            item.setToolTip(snooze.reason)
            self.snooze_list.addItem(item)
        self._update_buttons()
