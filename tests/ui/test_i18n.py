"""Every visible string has a Swedish translation, and the shipped .ts is up to date."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from console.app import Core
from console.errors import N_, PermissionDenied
from console.messages import Level, Message, MessageBus
from tests.conftest import FAST_HASHER
from ui import i18n_build
from ui.i18n import Translations, error_text, message_text
from ui.resources import translations_dir

TS = translations_dir() / "utkik_sv.ts"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\d")


def messages(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(context, source) -> (translation, type) for every live message."""
    out = {}
    for context in ET.parse(path).getroot().findall("context"):
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("vanished", "obsolete"):
                continue
            out[(name, message.findtext("source") or "")] = (
                translation.text or "",
                translation.get("type"),
            )
    return out


def test_every_message_is_translated() -> None:
    shipped = messages(TS)
    assert len(shipped) > 50
    unfinished = [src for src, (text, kind) in shipped.items() if kind or not text]
    assert unfinished == []


def test_placeholders_survive_translation() -> None:
    for (_, source), (text, _) in messages(TS).items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), source


def test_ts_holds_every_string_of_the_sources(tmp_path: Path) -> None:
    """lupdate over today's sources finds nothing the shipped file lacks."""
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    i18n_build.run_lupdate(fresh, i18n_build.ui_sources())
    templates = i18n_build.marked_templates(i18n_build.TOP / "console", i18n_build.TOP / "devices")
    i18n_build.merge_core(fresh, templates)
    assert set(messages(fresh)) == set(messages(TS))


def test_core_templates_are_in_the_core_context() -> None:
    templates = i18n_build.marked_templates(i18n_build.TOP / "console")
    assert "Wrong user name or password." in templates
    shipped = {src for (ctx, src) in messages(TS) if ctx == "core"}
    assert templates <= shipped


@pytest.fixture
def swedish(qapp: QApplication) -> object:
    translations = Translations(qapp)
    translations.install("sv")
    yield translations
    translations.install("en")


def test_known_errors_are_shown_in_swedish(swedish: object) -> None:
    err = PermissionDenied(N_("{name} is not allowed to manage users."), name="olle")
    assert error_text(err) == "olle får inte hantera användare."


def test_english_is_the_source(qapp: QApplication) -> None:
    Translations(qapp).install("en")
    err = PermissionDenied(N_("{name} is not allowed to manage users."), name="olle")
    assert error_text(err) == "olle is not allowed to manage users."


def test_a_message_published_by_the_core_is_shown_in_swedish(
    swedish: object, tmp_path: Path
) -> None:
    """The core warns about a data dir open to other accounts at start: the message carries
    its template, so the console shows it in Swedish while the log keeps English."""
    data_dir = tmp_path / "data"
    Core.open(data_dir, hasher=FAST_HASHER, sealer=False).close()
    data_dir.chmod(0o755)
    bus = MessageBus()
    core = Core.open(data_dir, hasher=FAST_HASHER, sealer=False, bus=bus)
    try:
        heard: list[Message] = []
        bus.subscribe(heard.append)
    finally:
        core.close()
    assert [m.level for m in heard] == [Level.WARNING]
    assert heard[0].text.startswith(f"{data_dir} can be read or changed by other accounts")
    assert message_text(heard[0]) == (
        f"{data_dir} kan läsas eller ändras av andra konton på den här datorn (läge 755), och "
        "den innehåller lösenordshashar och vem som tittade på vad. Gör den privat: chmod 700 "
        f"{data_dir}"
    )


def test_an_internal_error_and_a_finished_text_on_the_bus(swedish: object) -> None:
    bus = MessageBus()
    heard: list[Message] = []
    bus.subscribe(heard.append)
    bus.publish(
        Message(
            Level.INTERNAL,
            N_("An internal error occurred ({kind}: {error}). Details are in the log."),
            {"kind": "KeyError", "error": "'{x}'"},
        )
    )
    # A text without parameters is shown as it is, braces and all.
    bus.error("Redan översatt {inte en mall}")
    assert [message_text(m) for m in heard] == [
        "Ett internt fel inträffade (KeyError: '{x}'). Detaljer finns i loggen.",
        "Redan översatt {inte en mall}",
    ]
    assert heard[0].text == "An internal error occurred (KeyError: '{x}'). Details are in the log."
