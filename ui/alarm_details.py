"""One alarm in detail: where and when (device and received time, Stockholm time with its
offset), who handled it, and its raw payload as plain text; and the dialogs that ask for what
handling an alarm needs (a comment, an operator, how long to snooze).

Everything shown came from a device and was bounded by the core; here it is set as plain text
only (never rich text), so a label with HTML or bidi controls shows as the characters it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.alarms.model import MAX_COMMENT, MAX_RAW, MAX_SNOOZE, Alarm
from console.camera_facts import Still
from console.localtime import format_moment
from ui.alarms_model import class_label, severity_label, state_label

#: The recorded picture is shown at most this wide (and high).
STILL_WIDTH = 320
#: "Play back from 30 s before": how far before the alarm playback starts.
PLAYBACK_LEAD = timedelta(seconds=30)


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AlarmDetails(QWidget):
    """The selected alarm. Emits `playback_requested` for "Play back from 30 s before"."""

    #: camera id, the UTC moment playback starts at
    playback_requested = Signal(int, datetime)
    #: the Alarm whose camera's recorded picture at the alarm time is asked for
    still_requested = Signal(object)

    def __init__(self, *, may_play_back: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alarm_details")
        self._alarm: Alarm | None = None
        self._may_play_back = may_play_back
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, title in (
            ("title", self.tr("Alarm")),
            ("severity", self.tr("Severity")),
            ("state", self.tr("State")),
            ("source", self.tr("Source")),
            ("place", self.tr("Place")),
            ("device_time", self.tr("Device time")),
            ("received_time", self.tr("Received")),
            ("count", self.tr("Messages")),
            ("handled", self.tr("Handled")),
        ):
            label = _plain(QLabel())
            label.setObjectName(f"alarm_{key}")
            self.fields[key] = label
            form.addRow(title, label)
        self.raw = QPlainTextEdit()
        self.raw.setObjectName("alarm_raw")
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.raw.setMaximumHeight(120)
        self.snapshot = _plain(QLabel())
        self.snapshot.setObjectName("alarm_snapshot")
        self.snapshot.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_still_button = QPushButton(self.tr("Show the &recording at the alarm time"))
        self.show_still_button.setObjectName("alarm_show_still")
        self.show_still_button.clicked.connect(self._on_show_still_clicked)
        self.show_still_button.setVisible(may_play_back)
        self.play = QPushButton(self.tr("&Play back from 30 s before"))
        self.play.setObjectName("alarm_play_back")
        self.play.clicked.connect(self._on_play_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("What the device sent:")))
        layout.addWidget(self.raw)
        layout.addWidget(self.snapshot)
        layout.addWidget(self.show_still_button)
        layout.addWidget(self.play)
        self.show_alarm(None)

    @property
    def alarm(self) -> Alarm | None:
        return self._alarm

    def show_alarm(self, alarm: Alarm | None) -> None:
        """Show `alarm` (None: none). The same alarm again (it changed) keeps its picture."""
        same = alarm is not None and self._alarm is not None and self._alarm.id == alarm.id
        self._alarm = alarm
        if alarm is None:
            for label in self.fields.values():
                label.clear()
            self.fields["title"].setText(self.tr("No alarm selected."))
            self.raw.clear()
            self.snapshot.clear()
            self.show_still_button.setEnabled(False)
            self.play.setEnabled(False)
            return
        f = self.fields
        f["title"].setText(alarm.title)
        f["severity"].setText(severity_label(alarm.severity))
        f["state"].setText(
            state_label(alarm.state)
            if alarm.active is None
            else self.tr("%1, the condition lasts").replace("%1", state_label(alarm.state))
            if alarm.active
            else self.tr("%1, the condition has ended").replace("%1", state_label(alarm.state))
        )
        f["source"].setText(
            f"{class_label(alarm.alarm_class)}: {alarm.source_kind.value} {alarm.source}"
        )
        f["place"].setText(" – ".join(p for p in (alarm.site, alarm.place) if p) or "–")
        f["device_time"].setText(
            format_moment(alarm.device_time)
            if alarm.device_time is not None
            else self.tr("none (the device sent no time it could have)")
        )
        f["received_time"].setText(format_moment(alarm.received_time))
        f["count"].setText(
            self.tr("%1, the last at %2")
            .replace("%1", str(alarm.count))
            .replace("%2", format_moment(alarm.last_time))
        )
        handled = []
        if alarm.acknowledged_by:
            handled.append(self.tr("acknowledged by %1").replace("%1", alarm.acknowledged_by))
        if alarm.assigned_to:
            handled.append(self.tr("assigned to %1").replace("%1", alarm.assigned_to))
        if alarm.closed_by:
            handled.append(self.tr("closed by %1").replace("%1", alarm.closed_by))
        if alarm.comment:
            handled.append(self.tr("comment: %1").replace("%1", alarm.comment))
        f["handled"].setText("; ".join(handled) or "–")
        # Bounded again here: the view never trusts a payload to be small.
        self.raw.setPlainText(alarm.raw[:MAX_RAW])
        camera = alarm.camera
        self.show_still_button.setEnabled(self._may_play_back and camera is not None)
        self.play.setEnabled(self._may_play_back and camera is not None)
        if same:
            return
        self.snapshot.setPixmap(QPixmap())
        if camera is None:
            self.snapshot.setText(self.tr("No camera is linked to this alarm."))
        elif not self._may_play_back:
            self.snapshot.setText(self.tr("Recorded video is not part of your role."))
        else:
            self.snapshot.clear()

    def show_still(self, alarm_id: int, still: Still | None, why: str = "") -> None:
        """The recorded picture of the alarm's camera at the alarm time, or why there is none."""
        alarm = self._alarm
        if alarm is None or alarm.id != alarm_id:
            return  # another alarm was selected meanwhile
        if still is None:
            self.snapshot.setText(why or self.tr("Nothing was recorded at the alarm time."))
            return
        image = QImage(
            still.rgb, still.width, still.height, 3 * still.width, QImage.Format.Format_RGB888
        ).copy()  # the bytes are the still's: Qt keeps its own
        self.snapshot.setPixmap(
            QPixmap.fromImage(image).scaled(
                STILL_WIDTH,
                STILL_WIDTH,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _on_show_still_clicked(self) -> None:
        alarm = self._alarm
        if alarm is not None and alarm.camera is not None:
            self.snapshot.setText(self.tr("Reading the recording …"))
            self.still_requested.emit(alarm)

    def _on_play_clicked(self) -> None:
        alarm = self._alarm
        if alarm is None or alarm.camera is None:
            return
        moment = alarm.device_time or alarm.received_time
        self.playback_requested.emit(alarm.camera, moment - PLAYBACK_LEAD)


class CommentDialog(QDialog):
    """Asks for the comment acknowledging or closing an alarm needs (severity 1–2), or allows
    one."""

    def __init__(
        self, alarm: Alarm, title: str, required: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alarm_comment_dialog")
        self.setWindowTitle(title)
        self._required = required
        heading = _plain(QLabel(alarm.title))
        hint = QLabel(
            self.tr("Say what was done (required for severity 1 and 2).")
            if self._required
            else self.tr("A comment (optional).")
        )
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("alarm_comment")
        self.comment.textChanged.connect(self._update)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(self.comment)
        layout.addWidget(self.buttons)
        self._update()

    def text(self) -> str:
        return self.comment.toPlainText().strip()[:MAX_COMMENT]

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self._required or bool(self.text()))


class AssignDialog(QDialog):
    """Asks which operator an alarm goes to (the service checks that they may handle it)."""

    def __init__(self, alarm: Alarm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alarm_assign_dialog")
        self.setWindowTitle(self.tr("Assign alarm"))
        self.operator = QLineEdit(alarm.assigned_to)
        self.operator.setObjectName("alarm_operator")
        self.operator.setMaxLength(100)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_plain(QLabel(alarm.title)))
        form.addRow(self.tr("Operator"), self.operator)
        form.addRow(buttons)


class SnoozeDialog(QDialog):
    """Asks how long a noisy source is held quiet, and why."""

    def __init__(self, alarm: Alarm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alarm_snooze_dialog")
        self.setWindowTitle(self.tr("Snooze source"))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("alarm_snooze_minutes")
        self.minutes.setRange(1, int(MAX_SNOOZE.total_seconds() // 60))
        self.minutes.setValue(30)
        self.minutes.setSuffix(self.tr(" min"))
        self.reason = QLineEdit()
        self.reason.setObjectName("alarm_snooze_reason")
        self.reason.setMaxLength(MAX_COMMENT)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            _plain(
                QLabel(
                    self.tr("Events from %1 raise no alarm until the snooze ends.").replace(
                        "%1", alarm.source
                    )
                )
            )
        )
        form.addRow(self.tr("For"), self.minutes)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(buttons)

    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes.value())
