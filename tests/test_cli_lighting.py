"""`utkik lighting ...` as a user runs it: plans, schedules, overrides and status."""

from __future__ import annotations

import json
from pathlib import Path

from console.app import Core
from console.domain import Actor
from console.lighting.service import LightingService
from devices import access_log
from tests.conftest import FAST_HASHER, PASSWORD, run_utkik


def utkik(data_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    done = run_utkik("--data-dir", data_dir, *args, stdin=stdin)
    return done.returncode, done.stdout, done.stderr


def a_zone(data_dir: Path) -> None:
    """A luminaire at Berga centrum heard by the engine: its zone is made."""
    core = Core.open(data_dir, hasher=FAST_HASHER, sealer=False, keys=access_log.key_store())
    try:
        LightingService(core.db, core.audit, core.clock, core.events).luminaire_seen(
            "berga-centrum", "lamp-1"
        )
    finally:
        core.close()


def add_user(data_dir: Path, name: str, role: str) -> None:
    code, _, err = utkik(
        data_dir, "users", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0, err


def test_a_days_plan_as_json_starts_at_midnight_and_follows_the_sun(data_dir: Path) -> None:
    a_zone(data_dir)
    code, out, err = utkik(
        data_dir, "lighting", "plan", "Berga centrum", "--date", "2026-10-25", "--json"
    )
    assert code == 0, err
    plan = json.loads(out)
    assert plan[0]["from"] == "2026-10-25T00:00:00+02:00"
    assert [p["level"] for p in plan] == [100, 0, 100]
    assert [p["reason"] for p in plan] == ["night", "day", "night"]
    # Sunrise about 06:56 and sunset about 16:25 (Stockholm winter time) in Linköping.
    assert plan[1]["from"].startswith("2026-10-25T06:5")
    assert plan[2]["from"].startswith("2026-10-25T16:2")


def test_a_supervisor_changes_a_schedule_and_an_operator_overrides(data_dir: Path) -> None:
    a_zone(data_dir)
    add_user(data_dir, "siv", "supervisor")
    add_user(data_dir, "olle", "operator")
    code, out, err = utkik(
        data_dir,
        "lighting",
        "schedule",
        "Berga centrum",
        "--window",
        "01:00-05:00 mon-fri 50",
        "--user",
        "olle",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 1
    assert "not allowed" in err
    code, out, err = utkik(
        data_dir,
        "lighting",
        "schedule",
        "Berga centrum",
        "--window",
        "01:00-05:00 mon-fri 50",
        "--night-level",
        "80",
        "--user",
        "siv",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert json.loads(out)["program"]["windows"] == ["01:00-05:00 mon,tue,wed,thu,fri 50%"]
    code, out, err = utkik(
        data_dir, "lighting", "plan", "berga-centrum", "--date", "2026-12-21", "--json"
    )
    assert [p["level"] for p in json.loads(out)] == [80, 50, 80, 0, 80]

    code, out, err = utkik(
        data_dir,
        "lighting",
        "set",
        "Berga centrum",
        "20",
        "--for",
        "30",
        "--reason",
        "event",
        "--user",
        "olle",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert out.startswith("Berga centrum: 20 % until ")
    code, out, err = utkik(data_dir, "lighting", "status", "--json")
    assert code == 0, err
    (zone,) = [json.loads(line) for line in out.splitlines()]
    assert (zone["zone"], zone["place"]) == ("Berga centrum", "berga-centrum")
    assert zone["luminaires"][0]["light"] == "lamp-1"

    code, out, err = utkik(
        data_dir,
        "lighting",
        "set",
        "Berga centrum",
        "20",
        "--for",
        "100000",
        "--user",
        "olle",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 1
    assert "override lasts" in err
    code, out, err = utkik(data_dir, "audit", "status")
    assert code == 0, out + err
    core = Core.open(data_dir, hasher=FAST_HASHER, sealer=False, keys=access_log.key_store())
    try:
        logged = [
            (e.actor, e.action)
            for e in reversed(core.audit.entries(Actor.os_account("root"), limit=100))
        ]
    finally:
        core.close()
    assert ("siv", "lighting.schedule") in logged
    assert ("olle", "lighting.override") in logged
    # The operator's refused change of the schedule left no entry.
    assert ("olle", "lighting.schedule") not in logged


def test_an_unknown_zone_is_named_with_the_known_ones(data_dir: Path) -> None:
    a_zone(data_dir)
    code, _, err = utkik(data_dir, "lighting", "plan", "Nowhere")
    assert code == 1
    assert "There is no lighting zone “Nowhere”. Zones: Berga centrum." in err


def test_a_supervisor_arranges_zones(data_dir: Path) -> None:
    a_zone(data_dir)
    add_user(data_dir, "siv", "supervisor")
    add_user(data_dir, "olle", "operator")
    move = ("lighting", "move", "berga-centrum/lamp-1", "Berga lekplats")
    code, _, err = utkik(
        data_dir, *move, "--user", "olle", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 1
    assert "not allowed" in err
    code, out, err = utkik(
        data_dir, *move, "--user", "siv", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0, err
    assert out.strip() == "berga-centrum/lamp-1 is in Berga lekplats."
    code, out, _ = utkik(data_dir, "lighting", "status", "--json")
    zones = {z["zone"]: z for z in map(json.loads, out.splitlines())}
    assert [x["light"] for x in zones["Berga lekplats"]["luminaires"]] == ["lamp-1"]
    assert zones["Berga centrum"]["luminaires"] == []
    assert zones["Berga lekplats"]["place"] == "berga-centrum"
    code, _, err = utkik(
        data_dir, "lighting", "move", "berga-centrum/lamp-9", "X", "--user", "siv",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 1
    assert "There is no luminaire lamp-9 at berga-centrum." in err
