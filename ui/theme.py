"""Dark (the default, for dark monitoring rooms) and light themes on Qt's Fusion style."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

THEMES = ("dark", "light")

#: Text colours of states in status lines and labels: (on a dark theme, on a light one).
STATE_COLOURS = {
    "ok": ("#4cc36b", "#1a7f37"),
    "warning": ("#e0a030", "#9a6700"),
    "bad": ("#ff6b6b", "#cf222e"),
    "busy": ("#8a9099", "#57606a"),
}


def state_colour(widget: QWidget, state: str) -> str:
    """The colour of `state` (a key of STATE_COLOURS) readable on `widget`'s theme."""
    dark, light = STATE_COLOURS[state]
    on_dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return dark if on_dark else light


def set_state(label: QWidget, state: str) -> None:
    """Colour a label by its state ("ok", "warning", "bad", "busy"; "" for plain), readable on the
    dark and the light theme. The state stays on the label as a property for tests."""
    label.setProperty("state", state)
    label.setStyleSheet(f"color: {state_colour(label, state)};" if state in STATE_COLOURS else "")


_DARK = {
    QPalette.ColorRole.Window: "#1e2126",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#15171b",
    QPalette.ColorRole.AlternateBase: "#23272e",
    QPalette.ColorRole.ToolTipBase: "#2b3038",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a9099",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2b3038",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff5c5c",
    QPalette.ColorRole.Highlight: "#2f6fb3",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6aa9f0",
}


def apply_theme(app: QApplication, theme: str) -> str:
    app.setStyle("Fusion")
    if theme != "dark":
        app.setPalette(app.style().standardPalette())
        return "light"
    palette = QPalette()
    for role, color in _DARK.items():
        palette.setColor(role, QColor(color))
    disabled = QColor("#6b7079")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    return "dark"
