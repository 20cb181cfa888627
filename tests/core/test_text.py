from __future__ import annotations

import json

import pytest

from console.text import display_text, fold, printable, terminal_safe


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("skaggetorp", "Skäggetorp"),
        ("TRADGARDSTORGET", "Trädgårdstorget"),
        ("  stora   torget ", "Stora torget"),
        ("hallplatser", "Hållplatser"),
    ],
)
def test_fold_matches_as_people_type(typed: str, name: str) -> None:
    assert fold(typed) == fold(name)


def test_fold_keeps_different_names_apart() -> None:
    assert fold("Berga") != fold("Ryd")


#: A device name that retitles the terminal, rings its bell, turns the text red and reverses
#: what follows it (what a hostile camera may put in its name, model or scopes).
HOSTILE = "Cam\x1b]0;owned\x07\x1b[31mred\u202eevil\u2066x\u2069\x9b2J\x7f\r\nend"

#: Every control a terminal or a bidi algorithm acts on.
CONTROLS = (
    [chr(c) for c in range(0x20)]
    + [chr(0x7F)]
    + [chr(c) for c in range(0x80, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


def test_printable_escapes_every_control_visibly() -> None:
    shown = printable(HOSTILE)
    assert all(ch not in shown for ch in CONTROLS)
    assert shown == (
        "Cam\\x1b]0;owned\\x07\\x1b[31mred\\u202eevil\\u2066x\\u2069\\x9b2J\\x7f\\x0d\\x0aend"
    )
    for ch in CONTROLS:
        assert printable(ch).startswith(("\\x", "\\u")), repr(ch)


def test_printable_leaves_ordinary_text_alone() -> None:
    text = "Trädgårdstorget — Axis P3245 \\ 日本 🎥 Ω"
    assert printable(text) == text


def test_terminal_safe_keeps_lines_and_tabs_and_stays_valid_json() -> None:
    line = json.dumps({"name": HOSTILE}, ensure_ascii=False) + "\tmore\n"
    safe = terminal_safe(line)
    assert all(ch not in safe.rstrip("\n").replace("\tmore", "") for ch in CONTROLS)
    assert safe.endswith("\tmore\n")
    # Escaped as JSON escapes, the value a program reads back is the device's own.
    assert json.loads(safe.split("\t")[0]) == {"name": HOSTILE}


def test_display_text_replaces_controls_for_widgets() -> None:
    shown = display_text(HOSTILE)
    assert all(ch not in shown for ch in CONTROLS)
    assert shown.startswith("Cam\ufffd]0;owned")
    assert display_text("Skäggetorp centrum") == "Skäggetorp centrum"
