"""Topic → parser: which parser reads an event, by its topic.

A pattern is a topic with MQTT's wildcards: `+` matches one level, `#` (last) the rest. The most
specific pattern wins (more literal levels first). A parser returns None when it cannot read the
event; the event then becomes a generic alarm (`generic_signal`), never dropped. A topic no
pattern matches is warned about once (Home Assistant's onvif integration does the same).

Parsers register here at import: the MQTT sensors' in console/alarms/sensors.py, the ONVIF
topics' in console/alarms/topics.py (where present), the engine's health topics in
console/alarms/health.py. `default_registry()` loads them all.
"""

from __future__ import annotations

import importlib
import logging
import threading

from console.alarms import health, sensors
from console.alarms.signals import (
    AlarmSignal,
    DeviceEvent,
    SourceKind,
    TopicParser,
    generic_signal,
)

log = logging.getLogger(__name__)


def _levels(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("/"))


def matches(pattern: str, topic: str) -> bool:
    want, got = _levels(pattern), _levels(topic)
    for i, level in enumerate(want):
        if level == "#":
            return True
        if i >= len(got) or (level != "+" and level != got[i]):
            return False
    return len(want) == len(got)


def _specificity(pattern: str) -> tuple[int, int]:
    levels = _levels(pattern)
    return (sum(1 for level in levels if level not in ("+", "#")), -levels.count("#"))


class Registry:
    """Thread-safe: sources deliver from their own threads."""

    def __init__(self) -> None:
        self._parsers: dict[str, TopicParser] = {}
        self._ordered: list[tuple[str, TopicParser]] = []
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def register(self, pattern: str, parser: TopicParser) -> None:
        with self._lock:
            self._parsers[pattern] = parser
            self._ordered = sorted(
                self._parsers.items(), key=lambda item: _specificity(item[0]), reverse=True
            )

    def lookup(self, topic: str) -> TopicParser | None:
        with self._lock:
            ordered = self._ordered
        for pattern, parser in ordered:
            if matches(pattern, topic):
                return parser
        return None

    def signal_for(self, event: DeviceEvent) -> AlarmSignal:
        parser = self.lookup(event.topic)
        if parser is None:
            self._warn_once(event.topic)
            return generic_signal(event)
        signal = parser(event)
        return signal if signal is not None else generic_signal(event)

    def _warn_once(self, topic: str) -> None:
        with self._lock:
            if topic in self._warned or len(self._warned) > 10_000:
                return
            self._warned.add(topic)
        log.warning("no parser for the topic %r: it is raised as a generic alarm", topic[:200])


#: The registry the engine uses; parsers register into it when their module is imported.
REGISTRY = Registry()

#: Modules whose parsers `default_registry` loads besides the sensors' and the health ones, with
#: the kind of source their topics come from (one missing is skipped: the ONVIF topics come with
#: their own feature). Imported by name, so a frozen build lists them as hidden imports
#: (installer/utkik.spec).
PARSER_MODULES: dict[str, SourceKind] = {
    "console.alarms.topics": SourceKind.ONVIF,
    "console.lighting.alarms": SourceKind.HEALTH,
}


def only_from(kind: SourceKind, parser: TopicParser) -> TopicParser:
    """`parser` for events of `kind` only. Topics are the devices' own words: a camera may send
    one that reads like a sensor's or a health topic, and must not raise another device's alarm
    (it becomes a generic alarm of its own instead)."""

    def parse(event: DeviceEvent) -> AlarmSignal | None:
        return parser(event) if event.kind is kind else None

    return parse


def register(pattern: str, parser: TopicParser) -> None:
    REGISTRY.register(pattern, parser)


def signal_for(event: DeviceEvent) -> AlarmSignal:
    return REGISTRY.signal_for(event)


def default_registry() -> Registry:
    """The registry with every parser module's parsers loaded."""
    for parsers, kind in ((sensors.PARSERS, SourceKind.MQTT), (health.PARSERS, SourceKind.HEALTH)):
        for pattern, parser in parsers.items():
            REGISTRY.register(pattern, only_from(kind, parser))
    for name, kind in PARSER_MODULES.items():
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        loaded = getattr(module, "PARSERS", None)
        if isinstance(loaded, dict):
            for pattern, parser in loaded.items():
                REGISTRY.register(pattern, only_from(kind, parser))
    return REGISTRY
