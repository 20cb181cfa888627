"""Areas and the places in them, as seeded from the action plan and edited later."""

from __future__ import annotations

from collections.abc import Iterable

from console.domain import Area, Place
from console.errors import N_, InvalidInput, NotFound
from console.storage import Database
from console.text import fold


class SiteService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def areas(self) -> list[Area]:
        rows = self._db.query("SELECT id, name FROM areas ORDER BY id")
        return [Area(id=r["id"], name=r["name"]) for r in rows]

    def places(self) -> list[Place]:
        rows = self._db.query("SELECT id, area_id, name FROM places ORDER BY area_id, id")
        return [Place(id=r["id"], area_id=r["area_id"], name=r["name"]) for r in rows]

    def resolve_areas(self, names: Iterable[str]) -> frozenset[int]:
        """Area ids for names typed by a person (case and diacritics ignored) or ids."""
        areas = self.areas()
        by_key = {fold(a.name): a.id for a in areas}
        ids = {a.id for a in areas}
        found: set[int] = set()
        for raw in names:
            name = raw.strip()
            if not name:
                continue
            if name.isdigit() and int(name) in ids:
                found.add(int(name))
                continue
            area_id = by_key.get(fold(name))
            if area_id is None:
                known = ", ".join(a.name for a in areas)
                raise NotFound(
                    N_("There is no area called “{name}”. Areas: {known}."), name=name, known=known
                )
            found.add(area_id)
        return frozenset(found)

    def resolve_place(self, text: str) -> Place:
        """A place by name typed by a person (case and diacritics ignored) or by id."""
        places = self.places()
        wanted = text.strip()
        if wanted.isdigit():
            for place in places:
                if place.id == int(wanted):
                    return place
        matches = [p for p in places if fold(p.name) == fold(wanted)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(p.name for p in places)
        if matches:
            raise InvalidInput(
                N_("Several places are called “{name}”: use the number. Places: {known}."),
                name=text,
                known=known,
            )
        raise NotFound(
            N_("There is no place called “{name}”. Places: {known}."), name=text, known=known
        )


def parse_area_list(text: str) -> list[str]:
    """Split "City, Berga" as written on a command line."""
    parts = [p.strip() for p in text.split(",")]
    if any(not p for p in parts) and text.strip():
        raise InvalidInput(N_("The area list “{text}” has an empty entry."), text=text)
    return [p for p in parts if p]
