"""Text as people type it and as devices send it.

Matching names as people type them: case and diacritics ignored (Skäggetorp = skaggetorp).

Showing text that came from a device (its name, model, manufacturer, scopes, a fault's reason):
a camera may put terminal escape sequences in it (retitle the terminal, recolour or clear it,
rewrite what was printed with a carriage return) or Unicode bidi controls, which reorder the text
shown after them (a name reading "Torget" that is "tegroT" underneath). The command line shows
them as visible escapes; widgets replace them.
"""

from __future__ import annotations

import re
import unicodedata

#: Unicode's explicit bidi controls and marks (the embeddings, overrides and isolates, LRM, RLM,
#: ALM) and the line and paragraph separators, which a terminal or a widget may break lines on.
BIDI_AND_SEPARATORS = (
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: C0 controls (ESC, BEL, CR, LF, TAB, ...), DEL, C1 controls (CSI 0x9b, OSC 0x9d, ...) and the
#: characters above.
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_AND_SEPARATORS}]")
#: The same, but for a whole output stream, whose own line ends and column tabs are wanted.
_UNSAFE_IN_STREAM = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI_AND_SEPARATORS}]")

REPLACEMENT = "\ufffd"


def fold(name: str) -> str:
    """A key for comparing names: NFKD, combining marks removed, case-folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """One field of text (a device's name, model, ...) safe to print on a terminal: every
    control, line break and tab included, and every bidi control, as a visible escape
    (`\\x1b`, `\\u202e`), so a name can neither act on the terminal nor forge a line."""
    return _UNSAFE.sub(_escape, text)


def terminal_safe(text: str) -> str:
    """What a command writes, made safe as a last line of defence: controls and bidi controls
    become `\\uXXXX`, which reads plainly and is also the JSON escape of the same character,
    so a JSON line stays valid and means what it meant. Line ends and tabs are kept."""
    return _UNSAFE_IN_STREAM.sub(_json_escape, text)


def display_text(text: str) -> str:
    """Device text for a widget: Qt does not act on terminal escapes, but bidi controls
    reorder what it draws and line breaks split a caption; each becomes U+FFFD, visible."""
    return _UNSAFE.sub(REPLACEMENT, text)
