"""The live grid's shapes, and the named layouts and tours each user keeps.

A grid is a preset (1, 2×2, 3×3, 4×4, 5×5, 1+5, 1+7) or a custom rows × columns with one big tile
at the top left spanning several cells. A layout is a grid with the camera shown in each tile; a
tour is a named sequence of layouts, each shown for the same dwell time. Layouts and tours belong
to the console user who saved them: nobody else sees them, and a CLI command (an operating-system
account) has none. They are the user's own preferences, not accesses to video, so they are not
written to the access log; opening a camera in a tile is, by the grid.
"""

from __future__ import annotations

import builtins
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from console.clock import Clock, SystemClock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, NotFound
from console.events import ChangeKind, EventHub
from console.policy import require
from console.storage import Database

MAX_NAME = 60
#: A custom grid has at most this many rows and columns (64 tiles is what a VMS view offers).
MAX_SIDE = 8
#: Dwell times of a tour: long enough to look, short enough to be a tour.
MIN_DWELL_S = 5
MAX_DWELL_S = 3600
#: A tile covering more than this share of the grid is big enough for the camera's main stream.
BIG_SHARE = 0.25


class GridKind(enum.StrEnum):
    SINGLE = "1"
    GRID_2 = "2x2"
    GRID_3 = "3x3"
    GRID_4 = "4x4"
    GRID_5 = "5x5"
    ONE_PLUS_5 = "1+5"
    ONE_PLUS_7 = "1+7"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a tile sits: its top-left cell and how many rows and columns it spans."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1


#: The presets as (rows, columns, big tile rows, big tile columns).
_PRESETS: dict[GridKind, tuple[int, int, int, int]] = {
    GridKind.SINGLE: (1, 1, 1, 1),
    GridKind.GRID_2: (2, 2, 1, 1),
    GridKind.GRID_3: (3, 3, 1, 1),
    GridKind.GRID_4: (4, 4, 1, 1),
    GridKind.GRID_5: (5, 5, 1, 1),
    GridKind.ONE_PLUS_5: (3, 3, 2, 2),
    GridKind.ONE_PLUS_7: (4, 4, 3, 3),
}


@dataclass(frozen=True, slots=True)
class Grid:
    """The shape of the live grid. Build it with `Grid.preset` or `Grid.custom`."""

    kind: GridKind
    rows: int
    cols: int
    #: The big tile (tile 0, at the top left) spans this many rows and columns; 1 × 1: none.
    big_rows: int = 1
    big_cols: int = 1

    @classmethod
    def preset(cls, kind: GridKind) -> Grid:
        if kind is GridKind.CUSTOM:
            raise ValueError("a custom grid needs its size: Grid.custom(rows, cols, ...)")
        return cls(kind, *_PRESETS[kind])

    @classmethod
    def custom(cls, rows: int, cols: int, big_rows: int = 1, big_cols: int = 1) -> Grid:
        if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
            raise InvalidInput(
                N_("A grid has 1 to {limit} rows and 1 to {limit} columns."), limit=MAX_SIDE
            )
        if not (1 <= big_rows <= rows and 1 <= big_cols <= cols):
            raise InvalidInput(N_("The big tile must fit inside the grid."))
        return cls(GridKind.CUSTOM, rows, cols, big_rows, big_cols)

    def cells(self) -> tuple[Cell, ...]:
        """Every tile's cell: the big tile first, then the others row by row."""
        cells = [Cell(0, 0, self.big_rows, self.big_cols)]
        for row in range(self.rows):
            for col in range(self.cols):
                if row < self.big_rows and col < self.big_cols:
                    continue
                cells.append(Cell(row, col))
        return tuple(cells)

    @property
    def count(self) -> int:
        return self.rows * self.cols - self.big_rows * self.big_cols + 1

    def is_big(self, index: int) -> bool:
        """Whether tile `index` covers enough of the grid to deserve the main stream."""
        cell = self.cells()[index]
        return cell.rows * cell.cols / (self.rows * self.cols) > BIG_SHARE

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind.value,
                "rows": self.rows,
                "cols": self.cols,
                "big_rows": self.big_rows,
                "big_cols": self.big_cols,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Grid:
        raw: dict[str, Any] = json.loads(text)
        kind = GridKind(raw["kind"])
        if kind is GridKind.CUSTOM:
            return cls.custom(raw["rows"], raw["cols"], raw["big_rows"], raw["big_cols"])
        return cls.preset(kind)


@dataclass(frozen=True, slots=True)
class Layout:
    """A named grid with the camera in each tile."""

    name: str
    grid: Grid
    #: The camera id shown in each tile, by tile index; None for an empty tile.
    tiles: tuple[int | None, ...]
    id: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Tour:
    """Layouts shown one after the other, each for `dwell_s` seconds, round and round."""

    name: str
    layouts: tuple[Layout, ...]
    dwell_s: int
    id: int = 0


def check_layout_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(N_("A layout needs a name."))
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(N_("A name can have at most {limit} characters."), limit=MAX_NAME)
    return cleaned


def fit_tiles(grid: Grid, tiles: Sequence[int | None]) -> tuple[int | None, ...]:
    """`tiles` cut or padded with empty tiles to the grid's tile count."""
    fitted = list(tiles[: grid.count])
    fitted += [None] * (grid.count - len(fitted))
    return tuple(fitted)


class LayoutService:
    def __init__(
        self, db: Database, clock: Clock | None = None, events: EventHub | None = None
    ) -> None:
        self._db = db
        self._clock = clock or SystemClock()
        #: LAYOUTS (layout ids) and TOURS (tour ids) after a save or a deletion
        self._events = events or EventHub()

    # -- layouts -----------------------------------------------------------------------------

    def save(self, actor: Actor, name: str, grid: Grid, tiles: Sequence[int | None]) -> Layout:
        """Save the acting user's layout under `name`, replacing one of that name (tours that
        show it then show the new one)."""
        user_id = self._owner(actor)
        name = check_layout_name(name)
        fitted = fit_tiles(grid, tiles)
        now = to_iso(self._clock.now())

        def upsert(db: sqlite_utils.Database) -> None:
            db.execute(
                "INSERT INTO layouts (user_id, name, grid, tiles, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, name) DO UPDATE SET "
                "name = excluded.name, grid = excluded.grid, tiles = excluded.tiles, "
                "updated_at = excluded.updated_at",
                (user_id, name, grid.to_json(), json.dumps(fitted), now),
            )

        self._db.write(upsert).result()
        layout = self.get(actor, name)
        self._events.announce(ChangeKind.LAYOUTS, {layout.id})
        return layout

    def list(self, actor: Actor) -> list[Layout]:
        """The acting user's layouts, by name."""
        user_id = self._owner(actor)
        rows = self._db.query(
            "SELECT * FROM layouts WHERE user_id = ? ORDER BY name COLLATE NOCASE", (user_id,)
        )
        return [_layout(row) for row in rows]

    def get(self, actor: Actor, name: str) -> Layout:
        user_id = self._owner(actor)
        rows = self._db.query(
            "SELECT * FROM layouts WHERE user_id = ? AND name = ?", (user_id, name.strip())
        )
        if not rows:
            raise NotFound(N_("There is no layout called “{name}”."), name=name)
        return _layout(rows[0])

    def delete(self, actor: Actor, name: str) -> None:
        """Delete a layout; tours lose it as a step."""
        user_id = self._owner(actor)

        def delete(db: sqlite_utils.Database) -> list[int]:
            return [
                row[0]
                for row in db.execute(
                    "DELETE FROM layouts WHERE user_id = ? AND name = ? RETURNING id",
                    (user_id, name.strip()),
                ).fetchall()
            ]

        deleted = self._db.write(delete).result()
        if not deleted:
            raise NotFound(N_("There is no layout called “{name}”."), name=name)
        self._events.announce(ChangeKind.LAYOUTS, deleted)

    # -- tours -------------------------------------------------------------------------------

    def save_tour(self, actor: Actor, name: str, layouts: Sequence[str], dwell_s: int) -> Tour:
        """Save a tour over the acting user's layouts (by name, in order), replacing one of that
        name."""
        user_id = self._owner(actor)
        name = check_layout_name(name)
        if not layouts:
            raise InvalidInput(N_("A tour needs at least one layout."))
        if not MIN_DWELL_S <= dwell_s <= MAX_DWELL_S:
            raise InvalidInput(
                N_("A tour shows each layout for {low} to {high} seconds."),
                low=MIN_DWELL_S,
                high=MAX_DWELL_S,
            )
        steps = [self.get(actor, layout).id for layout in layouts]
        now = to_iso(self._clock.now())

        def upsert(db: sqlite_utils.Database) -> None:
            db.execute(
                "INSERT INTO tours (user_id, name, dwell_s, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_id, name) DO UPDATE SET name = excluded.name, "
                "dwell_s = excluded.dwell_s, updated_at = excluded.updated_at",
                (user_id, name, dwell_s, now),
            )
            tour_id = db.execute(
                "SELECT id FROM tours WHERE user_id = ? AND name = ?", (user_id, name)
            ).fetchone()[0]
            db.execute("DELETE FROM tour_steps WHERE tour_id = ?", (tour_id,))
            for position, layout_id in enumerate(steps):
                db.execute(
                    "INSERT INTO tour_steps (tour_id, position, layout_id) VALUES (?, ?, ?)",
                    (tour_id, position, layout_id),
                )

        self._db.write(upsert).result()
        tour = self.get_tour(actor, name)
        self._events.announce(ChangeKind.TOURS, {tour.id})
        return tour

    def tours(self, actor: Actor) -> builtins.list[Tour]:
        """The acting user's tours, by name."""
        user_id = self._owner(actor)
        rows = self._db.query(
            "SELECT * FROM tours WHERE user_id = ? ORDER BY name COLLATE NOCASE", (user_id,)
        )
        return [self._tour(row) for row in rows]

    def get_tour(self, actor: Actor, name: str) -> Tour:
        user_id = self._owner(actor)
        rows = self._db.query(
            "SELECT * FROM tours WHERE user_id = ? AND name = ?", (user_id, name.strip())
        )
        if not rows:
            raise NotFound(N_("There is no tour called “{name}”."), name=name)
        return self._tour(rows[0])

    def delete_tour(self, actor: Actor, name: str) -> None:
        user_id = self._owner(actor)

        def delete(db: sqlite_utils.Database) -> list[int]:
            return [
                row[0]
                for row in db.execute(
                    "DELETE FROM tours WHERE user_id = ? AND name = ? RETURNING id",
                    (user_id, name.strip()),
                ).fetchall()
            ]

        deleted = self._db.write(delete).result()
        if not deleted:
            raise NotFound(N_("There is no tour called “{name}”."), name=name)
        self._events.announce(ChangeKind.TOURS, deleted)

    # -- helpers -----------------------------------------------------------------------------

    def _owner(self, actor: Actor) -> int:
        """The acting user's id; layouts are for those who watch live video."""
        if actor.user is None:
            raise InvalidInput(N_("Only console users have layouts and tours."))
        require(actor, Permission.VIEW_LIVE)
        return actor.user.id

    def _tour(self, row: dict[str, Any]) -> Tour:
        steps = self._db.query(
            "SELECT l.* FROM tour_steps s JOIN layouts l ON l.id = s.layout_id "
            "WHERE s.tour_id = ? ORDER BY s.position",
            (row["id"],),
        )
        return Tour(
            name=row["name"],
            layouts=tuple(_layout(step) for step in steps),
            dwell_s=row["dwell_s"],
            id=row["id"],
        )


def _layout(row: dict[str, Any]) -> Layout:
    grid = Grid.from_json(row["grid"])
    tiles = json.loads(row["tiles"])
    return Layout(
        name=row["name"],
        grid=grid,
        tiles=fit_tiles(grid, [t if isinstance(t, int) else None for t in tiles]),
        id=row["id"],
        updated_at=from_iso(row["updated_at"]),
    )
