"""The console's languages: Swedish and English, chosen from the locale or the menu."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from console.domain import Role
from console.errors import KnownError
from console.messages import Message, render
from ui.resources import translations_dir

log = logging.getLogger(__name__)

LANGUAGES = ("sv", "en")


def system_language() -> str:
    """Swedish on a Swedish (or other Nordic-configured sv) locale, otherwise English."""
    return "sv" if QLocale.system().name().startswith("sv") else "en"


class Translations:
    """Installs Utkik's and Qt's own translations for one language at a time."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = "en"

    def install(self, language: str) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        self.language = language if language in LANGUAGES else "en"
        if self.language == "en":
            return
        ours = QTranslator(self._app)
        if not ours.load(f"utkik_{self.language}", str(translations_dir())):
            log.warning(
                "translations for %s are missing in %s; run installer/setup.sh",
                self.language,
                translations_dir(),
            )
        else:
            self._app.installTranslator(ours)
            self._installed.append(ours)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt = QTranslator(self._app)
        # Qt's own strings (the buttons of standard dialogs); absent in some frozen builds.
        if qt.load(f"qtbase_{self.language}", qt_dir):
            self._app.installTranslator(qt)
            self._installed.append(qt)


def error_text(err: KnownError) -> str:
    """A KnownError in the operator's language."""
    return core_text(err.template, err.params)


def message_text(message: Message) -> str:
    """A message of the core's message bus in the operator's language."""
    return core_text(message.template, message.params)


def core_text(template: str, params: Mapping[str, object]) -> str:
    """A core message (an N_() template and its parameters) in the operator's language. A text
    without parameters is shown as it is (translated when it is a template)."""
    translated = QCoreApplication.translate("core", template)
    try:
        return render(translated, params)
    except (KeyError, IndexError, ValueError):
        # A translation with a broken placeholder must not hide the message.
        return render(template, params)


def role_label(role: Role) -> str:
    labels = {
        Role.OPERATOR: QCoreApplication.translate("roles", "Operator"),
        Role.TECHNICIAN: QCoreApplication.translate("roles", "Technician"),
        Role.SUPERVISOR: QCoreApplication.translate("roles", "Supervisor"),
        Role.ADMINISTRATOR: QCoreApplication.translate("roles", "Administrator"),
        Role.AUDITOR: QCoreApplication.translate("roles", "Auditor"),
    }
    return labels[role]
