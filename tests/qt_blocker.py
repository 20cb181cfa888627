"""Makes Qt (and libvlc's binding) unimportable in this interpreter.

Used as a sitecustomize.py (or imported first) to prove that the core and the CLI need no Qt.
"""

from __future__ import annotations

import importlib.abc
import sys

BLOCKED = ("PySide6", "shiboken6", "vlc", "pytestqt")


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname.split(".")[0] in BLOCKED:
            raise ImportError(f"{fullname.split('.')[0]} is blocked: this code must not need Qt")
        return None


sys.meta_path.insert(0, _Blocker())
