"""Raising the simulated cameras' events by hand: one command a line, as `utkik simulate` reads
them from its standard input (`motion stora-torget on`, `help` for the list).

A camera is named by its slug (`stora-torget`), its name (`Stora torget`, case and accents
ignored) or its number in the printed list (1 and up).
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable
from typing import Protocol, TextIO

from console.text import fold
from devices.simulator.onvif import (
    DIGITAL_INPUT,
    TOPIC_DIGITAL_INPUT,
    TOPIC_MOTION,
    VIDEO_SOURCE,
    DeviceConfig,
    OnvifDevice,
    slugify,
)

HELP = """Camera events (CAMERA: slug, name or number):
  motion CAMERA on|off     motion (tns1:VideoSource/MotionAlarm)
  tamper CAMERA on|off     tamper: the scene changed (tns1:VideoSource/GlobalSceneChange/...)
  input CAMERA on|off      digital input di0 (tns1:Device/Trigger/DigitalInput)
  vendor CAMERA [TOPIC]    an event in the maker's own namespace (default Lens/HeaterFault)
  forget CAMERA            the camera forgets its event subscriptions, as at a restart
  offline CAMERA on|off    the camera leaves the network (ONVIF and streams)
  stall CAMERA on|off      the camera's streams stop sending pictures"""

_STATES = {"on": True, "off": False}


class Site(Protocol):
    """What the control needs of devices.simulator.site.SimulatedSite."""

    configs: list[DeviceConfig]

    def device(self, name: str) -> OnvifDevice: ...

    def set_offline(self, name: str, offline: bool) -> None: ...

    def stall(self, name: str, stalled: bool) -> None: ...


class SiteControl:
    """Turns command lines into the site's fault switches and events."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def handle(self, line: str) -> str:
        """Does what `line` says; the answer to print (an error in words when it cannot)."""
        try:
            words = shlex.split(line)
        except ValueError as err:
            return f"Not understood ({err}). Type help for the commands."
        if not words:
            return ""
        command, args = words[0].lower(), words[1:]
        if command == "help":
            return HELP
        action = self._actions().get(command)
        if action is None:
            return f"Unknown command {command!r}. Type help for the commands."
        if not args:
            return f"{command}: which camera? Type help for the commands."
        name = self._camera(args[0])
        if name is None:
            known = ", ".join(slugify(c.name) for c in self.site.configs)
            return f"There is no camera {args[0]!r} (the cameras: {known})."
        try:
            return action(name, args[1:])
        except LookupError:  # the site stopped meanwhile
            return "The site is not running."

    def _camera(self, given: str) -> str | None:
        for number, config in enumerate(self.site.configs, start=1):
            if given in (str(number), slugify(config.name)) or fold(given) == fold(config.name):
                return config.name
        return None

    def _actions(self) -> dict[str, Callable[[str, list[str]], str]]:
        return {
            "motion": self._switch(
                "motion",
                lambda n, on: self.site.device(n).raise_event(TOPIC_MOTION, VIDEO_SOURCE, on),
            ),
            "tamper": self._switch("tamper", lambda n, on: self.site.device(n).raise_tamper(on)),
            "input": self._switch(
                "input",
                lambda n, on: self.site.device(n).raise_event(
                    TOPIC_DIGITAL_INPUT, DIGITAL_INPUT, on
                ),
            ),
            "offline": self._switch("offline", self.site.set_offline),
            "stall": self._switch("stall", self.site.stall),
            "vendor": self._vendor,
            "forget": self._forget,
        }

    @staticmethod
    def _switch(what: str, act: Callable[[str, bool], None]) -> Callable[[str, list[str]], str]:
        def run(name: str, args: list[str]) -> str:
            state = _STATES.get(args[0].lower()) if args else None
            if state is None:
                return f"{what}: say on or off."
            act(name, state)
            return f"{name}: {what} {args[0].lower()}."

        return run

    def _vendor(self, name: str, args: list[str]) -> str:
        topic = args[0] if args else "Lens/HeaterFault"
        self.site.device(name).raise_vendor_event(topic, {"Reason": "simulated"})
        return f"{name}: vendor event {topic}."

    def _forget(self, name: str, args: list[str]) -> str:
        self.site.device(name).drop_subscriptions()
        return f"{name}: event subscriptions forgotten."


def read_commands(control: SiteControl, commands: TextIO, out: TextIO) -> threading.Thread:
    """Handles every line of `commands` on a daemon thread (ends at the end of the input)."""

    def run() -> None:
        for line in commands:
            answer = control.handle(line)
            if answer:
                print(answer, file=out, flush=True)

    thread = threading.Thread(target=run, name="simulator-control", daemon=True)
    thread.start()
    return thread
