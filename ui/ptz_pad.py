"""The PTZ pad under a maximized tile's picture, and how keys and a drag on the picture become
velocities (the PtzDriver in console/ptz.py sends them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from console.ports import PtzPreset
from console.ptz import STILL, Velocity, clamp
from console.text import display_text

#: The speed of the keys and pad buttons; with Shift, the keys go at full speed.
PTZ_KEY_SPEED = 0.5
#: A drag nearer than this to where it began (a share of half the picture) does not move: a click
#: or the first press of a double-click is not a move.
PTZ_DEAD_ZONE = 0.05

#: The keys that move a maximized PTZ tile's camera while held: arrows, the number pad (with Num
#: Lock) and + / - for the zoom.
_PTZ_KEYS: dict[Qt.Key, Velocity] = {
    Qt.Key.Key_Left: (-1.0, 0.0, 0.0),
    Qt.Key.Key_Right: (1.0, 0.0, 0.0),
    Qt.Key.Key_Up: (0.0, 1.0, 0.0),
    Qt.Key.Key_Down: (0.0, -1.0, 0.0),
    Qt.Key.Key_Plus: (0.0, 0.0, 1.0),
    Qt.Key.Key_Minus: (0.0, 0.0, -1.0),
}
_PTZ_KEYPAD: dict[Qt.Key, Velocity] = {
    Qt.Key.Key_4: (-1.0, 0.0, 0.0),
    Qt.Key.Key_6: (1.0, 0.0, 0.0),
    Qt.Key.Key_8: (0.0, 1.0, 0.0),
    Qt.Key.Key_2: (0.0, -1.0, 0.0),
    Qt.Key.Key_7: (-1.0, 1.0, 0.0),
    Qt.Key.Key_9: (1.0, 1.0, 0.0),
    Qt.Key.Key_1: (-1.0, -1.0, 0.0),
    Qt.Key.Key_3: (1.0, -1.0, 0.0),
}


def ptz_key_velocity(key: int, modifiers: Qt.KeyboardModifier) -> Velocity | None:
    """The velocity a held key asks for, or None when the key does not steer (Ctrl+arrows and
    Alt+digits keep their grid meanings)."""
    shift = Qt.KeyboardModifier.ShiftModifier
    keypad = Qt.KeyboardModifier.KeypadModifier
    if modifiers & ~(shift | keypad):
        return None
    try:
        qt_key = Qt.Key(key)
    except ValueError:
        return None
    direction = _PTZ_KEYS.get(qt_key)
    if direction is None and modifiers & keypad:
        direction = _PTZ_KEYPAD.get(qt_key)
    if direction is None:
        return None
    speed = 1.0 if modifiers & shift else PTZ_KEY_SPEED
    pan, tilt, zoom = direction
    return pan * speed, tilt * speed, zoom * speed


def drag_velocity(offset: QPoint, size: QSize) -> Velocity:
    """A drag on the picture moves at a speed proportional to how far it is from where it began:
    half the picture's width (or height) is full speed."""

    def axis(share: float) -> float:
        value = clamp(share)
        return 0.0 if abs(value) < PTZ_DEAD_ZONE else round(value, 2)

    half_width, half_height = max(1.0, size.width() / 2), max(1.0, size.height() / 2)
    return axis(offset.x() / half_width), axis(-offset.y() / half_height), 0.0


def total_velocity(velocities: Iterable[Velocity]) -> Velocity:
    listed = list(velocities)
    pan, tilt, zoom = (sum(v[axis] for v in listed) for axis in range(3))
    return pan, tilt, zoom


class PtzPad(QWidget):
    """The PTZ controls under a maximized tile's picture (the picture is a native window: nothing
    can be drawn over it). Hold an arrow or zoom button to move; Stop; a preset, then Go."""

    #: a Velocity while a button is held, STILL when it is let go
    held = Signal(object)
    #: the Stop button was clicked
    stop_clicked = Signal()
    #: a PtzPreset to go to
    goto_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ptz_pad")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#ptz_pad { background: #1e2126; } #ptz_error { color: #ff8a80; }")
        self.setToolTip(
            self.tr(
                "Drag on the picture, hold an arrow key (with Shift: faster) or + and − to move "
                "the camera; it stops when you let go."
            )
        )
        self._presets: list[PtzPreset] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        s = PTZ_KEY_SPEED
        for name, text, tip, velocity in (
            ("left", "◀", self.tr("Pan left"), (-s, 0.0, 0.0)),
            ("up", "▲", self.tr("Tilt up"), (0.0, s, 0.0)),
            ("down", "▼", self.tr("Tilt down"), (0.0, -s, 0.0)),
            ("right", "▶", self.tr("Pan right"), (s, 0.0, 0.0)),
            ("zoom_in", "+", self.tr("Zoom in"), (0.0, 0.0, s)),
            ("zoom_out", "−", self.tr("Zoom out"), (0.0, 0.0, -s)),
        ):
            button = self._button(name, text, tip)
            button.pressed.connect(lambda v=velocity: self.held.emit(v))
            button.released.connect(lambda: self.held.emit(STILL))
            row.addWidget(button)
        stop = self._button("stop", self.tr("Stop"), self.tr("Stop the camera"))
        stop.clicked.connect(self.stop_clicked)
        row.addWidget(stop)
        # No focus for any of them: the keys keep going to the grid.
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("ptz_presets")
        self.preset_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preset_box.setMinimumContentsLength(12)
        row.addWidget(self.preset_box)
        self.go = self._button("go", self.tr("Go"), self.tr("Go to the chosen preset"))
        self.go.clicked.connect(self._on_go_clicked)
        row.addWidget(self.go)
        self.error = QLabel()
        self.error.setObjectName("ptz_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.error, 1)
        self.set_presets([])

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"ptz_{name}")
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.buttons[name] = button
        return button

    def set_presets(self, presets: Sequence[PtzPreset]) -> None:
        self._presets = list(presets)
        self.preset_box.clear()
        for preset in self._presets:
            self.preset_box.addItem(display_text(preset.name or preset.token))
        if not self._presets:
            self.preset_box.addItem(self.tr("No presets"))
        self.preset_box.setEnabled(bool(self._presets))
        self.go.setEnabled(bool(self._presets))

    @property
    def presets(self) -> list[PtzPreset]:
        return list(self._presets)

    def show_error(self, text: str) -> None:
        """A refused entry or a failed command ("" clears it); the whole text in the tooltip."""
        self.error.setText(text)
        self.error.setToolTip(text)

    def reset(self) -> None:
        self.set_presets([])
        self.show_error("")

    def _on_go_clicked(self) -> None:
        index = self.preset_box.currentIndex()
        if 0 <= index < len(self._presets):
            self.goto_clicked.emit(self._presets[index])
