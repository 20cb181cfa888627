"""The sound a new alarm plays, by its rule's sound name (`alarm`, `chime`).

QtMultimedia comes with PySide6-Addons (installed with Utkik's `sound` extra, not with
PySide6-Essentials): where it is installed and an audio output exists, a short tone made here
is played with QSoundEffect. Where either is missing the alarm is silent and the log says why,
once; the list, the colours and the window title still show the alarm.
"""

from __future__ import annotations

import importlib
import io
import logging
import math
import struct
import wave
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QObject, QTemporaryDir, QUrl

log = logging.getLogger(__name__)

RATE = 22_050
#: name → (frequency in Hz, length of one beep in s, beeps): an alarm urgent, a chime mild.
TONES: dict[str, tuple[float, float, int]] = {
    "alarm": (880.0, 0.18, 3),
    "chime": (660.0, 0.25, 1),
}


def tone(frequency: float, length_s: float, beeps: int) -> bytes:
    """A 16-bit mono WAV of `beeps` sine beeps with short gaps between them."""
    samples = bytearray()
    beep = int(RATE * length_s)
    gap = int(RATE * 0.08)
    for _ in range(beeps):
        for n in range(beep):
            # A soft start and end, so a beep does not click.
            envelope = min(1.0, n / 200, (beep - n) / 200)
            value = int(0.4 * 32767 * envelope * math.sin(2 * math.pi * frequency * n / RATE))
            samples += struct.pack("<h", value)
        samples += b"\x00\x00" * gap
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(samples))
    return out.getvalue()


def _multimedia() -> ModuleType | None:
    try:
        return importlib.import_module("PySide6.QtMultimedia")
    except ImportError:
        return None


class AlarmSound(QObject):
    """Plays alarm sounds where the workstation can."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._multimedia = _multimedia()
        self._dir: QTemporaryDir | None = None
        self._effects: dict[str, QObject] = {}
        self._said_silent = False
        #: the sounds asked for, in order (what played or would have)
        self.requested: list[str] = []

    @property
    def available(self) -> bool:
        """Whether sound can be played here (QtMultimedia and an audio output)."""
        return self.why_silent() == ""

    def why_silent(self) -> str:
        if self._multimedia is None:
            return "QtMultimedia is not installed (PySide6-Addons)"
        if not self._multimedia.QMediaDevices.audioOutputs():
            return "no audio output"
        return ""

    def play(self, name: str) -> bool:
        """Play the sound `name`; False (and logged) when it cannot be."""
        if not name:
            return False
        self.requested.append(name)
        why = self.why_silent()
        if why or name not in TONES:
            if not self._said_silent:
                log.warning("alarm sound %r not played: %s", name, why or "no such sound")
                self._said_silent = True
            return False
        effect = self._effects.get(name) or self._effect(name)
        effect.play()  # type: ignore[attr-defined]
        return True

    def _effect(self, name: str) -> QObject:
        assert self._multimedia is not None
        if self._dir is None:
            self._dir = QTemporaryDir()
        path = Path(self._dir.path()) / f"{name}.wav"
        path.write_bytes(tone(*TONES[name]))
        effect: QObject = self._multimedia.QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(path)))  # type: ignore[attr-defined]
        self._effects[name] = effect
        return effect
