"""Matching names as people type them: case and diacritics ignored (Skäggetorp = skaggetorp)."""

from __future__ import annotations

import unicodedata


def fold(name: str) -> str:
    """A key for comparing names: NFKD, combining marks removed, case-folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
