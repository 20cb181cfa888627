"""Panels for features this version does not have say so, in the operator's language, instead of
an empty state an operator could read as "nothing is wrong" (no luminaires, no events)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from console.app import Core
from console.domain import Actor, Role
from tests.conftest import PASSWORD
from tests.ui.test_shell import log_in
from ui.i18n import Translations
from ui.wiring.session import Console

CLI = Actor.os_account("root")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "log": "The event log is not available yet.",
            },
        ),
        (
            "sv",
            {
                "log": "Händelseloggen finns inte ännu.",
            },
        ),
    ],
)
def test_panels_of_features_not_built_say_they_are_not_available(
    qtbot: QtBot,
    make_console: Callable[..., Console],
    core: Core,
    translations: Translations,
    language: str,
    expected: dict[str, str],
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    translations.install(language)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    for name, text in expected.items():
        dock = window.docks[name]
        labels = [label.text() for label in dock.findChildren(QLabel)]
        assert text in labels, (name, labels)
        assert not any(label.startswith("No ") or label.startswith("Inga") for label in labels)
