"""Grid shapes, and named layouts and tours kept per user."""

from __future__ import annotations

import pytest

from console.app import Core
from console.domain import Actor, Role
from console.errors import InvalidInput, NotFound, PermissionDenied
from console.layouts import Cell, Grid, GridKind
from tests.conftest import PASSWORD, FakeClock

CLI = Actor.os_account("root")


def person(core: Core, name: str, role: Role = Role.OPERATOR) -> Actor:
    return Actor.of(core.users.add(CLI, name, role, PASSWORD))


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        (GridKind.SINGLE, 1),
        (GridKind.GRID_2, 4),
        (GridKind.GRID_3, 9),
        (GridKind.GRID_4, 16),
        (GridKind.GRID_5, 25),
        (GridKind.ONE_PLUS_5, 6),
        (GridKind.ONE_PLUS_7, 8),
    ],
)
def test_presets_have_their_tile_counts(kind: GridKind, count: int) -> None:
    grid = Grid.preset(kind)
    cells = grid.cells()
    assert grid.count == len(cells) == count
    # Every cell of the grid is covered exactly once.
    covered = [
        (r, c)
        for cell in cells
        for r in range(cell.row, cell.row + cell.rows)
        for c in range(cell.col, cell.col + cell.cols)
    ]
    assert sorted(covered) == [(r, c) for r in range(grid.rows) for c in range(grid.cols)]


def test_the_big_tile_comes_first_and_gets_the_main_stream() -> None:
    grid = Grid.preset(GridKind.ONE_PLUS_5)
    assert grid.cells()[:3] == (Cell(0, 0, 2, 2), Cell(0, 2), Cell(1, 2))
    assert [grid.is_big(i) for i in range(grid.count)] == [True] + [False] * 5
    assert Grid.preset(GridKind.SINGLE).is_big(0)
    assert not any(Grid.preset(GridKind.GRID_2).is_big(i) for i in range(4))


def test_custom_grids_are_checked() -> None:
    grid = Grid.custom(3, 4, 2, 3)
    assert grid.count == 12 - 6 + 1
    assert Grid.from_json(grid.to_json()) == grid
    with pytest.raises(InvalidInput, match="1 to 8 rows"):
        Grid.custom(9, 2)
    with pytest.raises(InvalidInput, match="fit inside"):
        Grid.custom(2, 2, 3, 1)


def test_layouts_are_saved_per_user(core: Core, clock: FakeClock) -> None:
    olle, sara = person(core, "olle"), person(core, "sara", Role.SUPERVISOR)
    saved = core.layouts.save(olle, "  Natt   torget ", Grid.preset(GridKind.GRID_2), [3, None, 5])
    assert saved.name == "Natt torget"
    assert saved.tiles == (3, None, 5, None)
    assert saved.updated_at == clock.now()
    assert core.layouts.get(olle, "natt torget") == saved
    assert [layout.name for layout in core.layouts.list(olle)] == ["Natt torget"]
    # Another user neither sees it nor can open or delete it.
    assert core.layouts.list(sara) == []
    with pytest.raises(NotFound, match="no layout called"):
        core.layouts.get(sara, "Natt torget")
    with pytest.raises(NotFound):
        core.layouts.delete(sara, "Natt torget")
    # The same name for sara is her own layout.
    core.layouts.save(sara, "Natt torget", Grid.preset(GridKind.SINGLE), [7])
    assert core.layouts.get(olle, "Natt torget").tiles == (3, None, 5, None)

    # Saving again under the name replaces it (same row, so tours keep it).
    clock.advance(minutes=1)
    again = core.layouts.save(olle, "Natt torget", Grid.custom(2, 3, 2, 2), [1, 2, 3, 4])
    assert again.id == saved.id
    assert again.tiles == (1, 2, 3)
    core.layouts.delete(olle, "NATT TORGET")
    assert core.layouts.list(olle) == []


def test_only_users_who_watch_live_video_have_layouts(core: Core) -> None:
    anna = person(core, "anna", Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        core.layouts.list(anna)
    with pytest.raises(InvalidInput, match="Only console users"):
        core.layouts.save(CLI, "x", Grid.preset(GridKind.SINGLE), [])
    olle = person(core, "olle")
    with pytest.raises(InvalidInput, match="needs a name"):
        core.layouts.save(olle, "   ", Grid.preset(GridKind.SINGLE), [])


def test_tours_run_over_layouts_in_order(core: Core) -> None:
    olle, sara = person(core, "olle"), person(core, "sara", Role.SUPERVISOR)
    for name in ("A", "B", "C"):
        core.layouts.save(olle, name, Grid.preset(GridKind.GRID_2), [])
    tour = core.layouts.save_tour(olle, "Kväll", ["C", "a"], 20)
    assert [layout.name for layout in tour.layouts] == ["C", "A"]
    assert tour.dwell_s == 20
    assert [t.name for t in core.layouts.tours(olle)] == ["Kväll"]
    assert core.layouts.tours(sara) == []
    with pytest.raises(NotFound, match="no layout called “A”"):
        core.layouts.save_tour(sara, "Kväll", ["A"], 20)

    changed = core.layouts.save_tour(olle, "kväll", ["B", "C", "A"], 30)
    assert changed.id == tour.id
    assert [layout.name for layout in changed.layouts] == ["B", "C", "A"]
    # A deleted layout leaves the tours it was part of.
    core.layouts.delete(olle, "C")
    assert [layout.name for layout in core.layouts.get_tour(olle, "Kväll").layouts] == ["B", "A"]
    with pytest.raises(InvalidInput, match="5 to 3600 seconds"):
        core.layouts.save_tour(olle, "Snabb", ["A"], 1)
    with pytest.raises(InvalidInput, match="at least one layout"):
        core.layouts.save_tour(olle, "Tom", [], 10)
    core.layouts.delete_tour(olle, "Kväll")
    assert core.layouts.tours(olle) == []
    with pytest.raises(NotFound, match="no tour called"):
        core.layouts.get_tour(olle, "Kväll")
