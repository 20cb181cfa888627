"""The alarm list as a Qt item model: the alarms a view was given, filtered and ordered.

Open alarms come first, then the most severe, then the newest (as `AlarmService.list` orders
them). Every cell is plain text from the alarm, which the core has already bounded (see
console/alarms/model.py); the view never renders it as markup. Severity is shown by colour,
icon and words together, so that it reads without colour too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from console.alarms.model import Alarm, AlarmState
from console.alarms.signals import AlarmClass
from console.localtime import format_moment

#: Background colours per severity, readable with white text in both themes.
SEVERITY_COLOURS = {1: "#b3261e", 2: "#c25e00", 3: "#8a6d00", 4: "#4a5568"}
#: The standard icon per severity (the colour is never the only sign).
_SEVERITY_ICONS = {
    1: QStyle.StandardPixmap.SP_MessageBoxCritical,
    2: QStyle.StandardPixmap.SP_MessageBoxWarning,
    3: QStyle.StandardPixmap.SP_MessageBoxInformation,
    4: QStyle.StandardPixmap.SP_MessageBoxQuestion,
}

COLUMNS = ("severity", "time", "class", "place", "title", "state")


def severity_label(severity: int) -> str:
    labels = {
        1: QCoreApplication.translate("AlarmTableModel", "1 Critical"),
        2: QCoreApplication.translate("AlarmTableModel", "2 High"),
        3: QCoreApplication.translate("AlarmTableModel", "3 Medium"),
        4: QCoreApplication.translate("AlarmTableModel", "4 Low"),
    }
    return labels.get(severity, str(severity))


def class_label(alarm_class: AlarmClass) -> str:
    labels = {
        AlarmClass.MOTION: QCoreApplication.translate("AlarmTableModel", "Motion"),
        AlarmClass.ANALYTICS: QCoreApplication.translate("AlarmTableModel", "Analytics"),
        AlarmClass.AUDIO: QCoreApplication.translate("AlarmTableModel", "Sound"),
        AlarmClass.SABOTAGE: QCoreApplication.translate("AlarmTableModel", "Sabotage"),
        AlarmClass.DOOR: QCoreApplication.translate("AlarmTableModel", "Door"),
        AlarmClass.INPUT: QCoreApplication.translate("AlarmTableModel", "Input"),
        AlarmClass.HEALTH: QCoreApplication.translate("AlarmTableModel", "Health"),
        AlarmClass.OTHER: QCoreApplication.translate("AlarmTableModel", "Other"),
    }
    return labels.get(alarm_class, alarm_class.value)


def state_label(state: AlarmState) -> str:
    labels = {
        AlarmState.NEW: QCoreApplication.translate("AlarmTableModel", "New"),
        AlarmState.ACKNOWLEDGED: QCoreApplication.translate("AlarmTableModel", "Acknowledged"),
        AlarmState.CLOSED: QCoreApplication.translate("AlarmTableModel", "Closed"),
    }
    return labels[state]


def severity_icon(severity: int) -> QIcon:
    if severity not in _ICONS:
        pixmap = _SEVERITY_ICONS.get(severity, QStyle.StandardPixmap.SP_MessageBoxQuestion)
        _ICONS[severity] = QApplication.style().standardIcon(pixmap)
    return _ICONS[severity]


_ICONS: dict[int, QIcon] = {}


def order_key(alarm: Alarm) -> tuple[bool, int, float, int]:
    """Open first, then most severe, then newest."""
    return (not alarm.open, alarm.severity, -alarm.received_time.timestamp(), -alarm.id)


@dataclass(frozen=True, slots=True)
class AlarmFilter:
    """What the list shows: "" / None for all."""

    site: str = ""
    alarm_class: AlarmClass | None = None
    state: AlarmState | None = None
    #: new and acknowledged only
    open_only: bool = False

    def accepts(self, alarm: Alarm) -> bool:
        return (
            (not self.open_only or alarm.open)
            and (not self.site or alarm.site == self.site)
            and (self.alarm_class is None or alarm.alarm_class is self.alarm_class)
            and (self.state is None or alarm.state is self.state)
        )


class AlarmTableModel(QStandardItemModel):
    """The alarms known to the view, by id; `rows` are those the filter shows, in order.

    The cells are Qt's own items, filled when an alarm changes: the view reads them without
    calling into Python, which matters while a storm of changes keeps other threads busy (every
    call from Qt into Python waits for the interpreter)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self._alarms: dict[int, Alarm] = {}
        self._filter = AlarmFilter()
        self.rows: list[Alarm] = []
        self._headers()

    def _headers(self) -> None:
        self.setHorizontalHeaderLabels(
            [
                self.tr("Severity"),
                self.tr("Received"),
                self.tr("Class"),
                self.tr("Place"),
                self.tr("Alarm"),
                self.tr("State"),
            ]
        )

    # -- changes ----------------------------------------------------------------------------

    def replace_all(self, alarms: Iterable[Alarm]) -> None:
        self._alarms = {a.id: a for a in alarms}
        self._rebuild()

    def update(self, alarms: Iterable[Alarm], gone: Iterable[int] = ()) -> None:
        """Alarms changed or new; `gone` ids no longer shown (not visible to the person)."""
        for alarm in alarms:
            known = self._alarms.get(alarm.id)
            if known is None or known.revision <= alarm.revision:
                self._alarms[alarm.id] = alarm
        for alarm_id in gone:
            self._alarms.pop(alarm_id, None)
        self._rebuild()

    def set_filter(self, alarm_filter: AlarmFilter) -> None:
        self._filter = alarm_filter
        self._rebuild()

    def _rebuild(self) -> None:
        rows = sorted((a for a in self._alarms.values() if self._filter.accepts(a)), key=order_key)
        if [a.id for a in rows] == [a.id for a in self.rows]:
            # The same alarms in the same order (a storm of repeats): the changed cells only.
            for row, (old, new) in enumerate(zip(self.rows, rows, strict=True)):
                if old != new:
                    self._fill(row, new, old)
            self.rows = rows
            return
        self.beginResetModel()
        self.blockSignals(True)
        try:
            self.setRowCount(0)
            self.setRowCount(len(rows))
            self.rows = rows
            for row, alarm in enumerate(rows):
                self._fill(row, alarm, None)
        finally:
            self.blockSignals(False)
        self.endResetModel()

    def _fill(self, row: int, alarm: Alarm, old: Alarm | None) -> None:
        """Set the row's cells from `alarm`; with the `old` alarm it showed, only what differs
        (each call into Qt from the GUI thread counts while other threads are busy)."""
        restyle = old is None or old.state is not alarm.state or old.severity != alarm.severity
        for column, key in enumerate(COLUMNS):
            text = _text(alarm, key)
            item = self.item(row, column)
            if item is None:
                item = QStandardItem(text)
                item.setEditable(False)
                item.setData(alarm.id, Qt.ItemDataRole.UserRole)
                self.setItem(row, column, item)
            elif old is None or text != _text(old, key):
                item.setText(text)
            if restyle:
                font = item.font()
                font.setBold(alarm.state is AlarmState.NEW)
                item.setFont(font)
                if key == "severity":
                    item.setIcon(severity_icon(alarm.severity))
                    item.setBackground(_brush(SEVERITY_COLOURS.get(alarm.severity, "#4a5568")))
                    item.setForeground(_brush("#ffffff"))

    # -- reading ----------------------------------------------------------------------------

    def alarm(self, alarm_id: int) -> Alarm | None:
        return self._alarms.get(alarm_id)

    def alarms(self) -> list[Alarm]:
        return list(self._alarms.values())

    def row_of(self, alarm_id: int) -> int:
        for row, alarm in enumerate(self.rows):
            if alarm.id == alarm_id:
                return row
        return -1

    def counts(self) -> dict[AlarmState, int]:
        """How many alarms are in each state (whatever the filter)."""
        out = dict.fromkeys(AlarmState, 0)
        for alarm in self._alarms.values():
            out[alarm.state] += 1
        return out

    def sites(self) -> list[str]:
        return sorted({a.site for a in self._alarms.values() if a.site})


_BRUSHES: dict[str, QBrush] = {}


def _brush(colour: str) -> QBrush:
    if colour not in _BRUSHES:
        _BRUSHES[colour] = QBrush(QColor(colour))
    return _BRUSHES[colour]


def _text(alarm: Alarm, column: str) -> str:
    if column == "severity":
        return severity_label(alarm.severity)
    if column == "time":
        return format_moment(alarm.received_time)
    if column == "class":
        return class_label(alarm.alarm_class)
    if column == "place":
        return " – ".join(part for part in (alarm.site, alarm.place) if part)
    if column == "title":
        return alarm.title if alarm.count == 1 else f"{alarm.title} (×{alarm.count})"
    return state_label(alarm.state)
