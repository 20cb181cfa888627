"""The alarm list as a Qt item model: the alarms a view was given, filtered and ordered.

Open alarms come first, then the most severe, then the newest (as `AlarmService.list` orders
them). Every cell is plain text from the alarm, which the core has already bounded (see
console/alarms/model.py); the view never renders it as markup. Severity is shown by colour,
icon and words together, so that it reads without colour too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon
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
    style = QApplication.style()
    pixmap = _SEVERITY_ICONS.get(severity, QStyle.StandardPixmap.SP_MessageBoxQuestion)
    return style.standardIcon(pixmap)


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


class AlarmTableModel(QAbstractTableModel):
    """The alarms known to the view, by id; `rows` are those the filter shows, in order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._alarms: dict[int, Alarm] = {}
        self._filter = AlarmFilter()
        self.rows: list[Alarm] = []

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
        self.beginResetModel()
        self.rows = sorted(
            (a for a in self._alarms.values() if self._filter.accepts(a)), key=order_key
        )
        self.endResetModel()

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

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        headers = (
            self.tr("Severity"),
            self.tr("Received"),
            self.tr("Class"),
            self.tr("Place"),
            self.tr("Alarm"),
            self.tr("State"),
        )
        return headers[section] if 0 <= section < len(headers) else None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        alarm = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return alarm.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(alarm, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "severity":
            return severity_icon(alarm.severity)
        if role == Qt.ItemDataRole.BackgroundRole and column == "severity":
            return QBrush(QColor(SEVERITY_COLOURS.get(alarm.severity, "#4a5568")))
        if role == Qt.ItemDataRole.ForegroundRole and column == "severity":
            return QBrush(QColor("#ffffff"))
        if role == Qt.ItemDataRole.FontRole and alarm.state is AlarmState.NEW:
            font = QApplication.font()
            font.setBold(True)
            return font
        return None

    def _text(self, alarm: Alarm, column: str) -> str:
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
