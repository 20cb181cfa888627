"""`utkik discover` and `utkik cameras …` as a technician runs them, against the simulated site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sites import loopback_addresses, require_simulated_video, simulated_site

require_simulated_video()

from console.app import Core  # noqa: E402
from console.domain import Actor  # noqa: E402
from devices.simulator.site import SimulatedSite, free_port  # noqa: E402
from tests.conftest import run_utkik  # noqa: E402
from tests.hostile_soap import ScriptedCamera, soap_fault  # noqa: E402

PASSWORD = "kamera-lösen-7"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(77, range(2, 5))
    with simulated_site(tmp_path_factory, addresses, user="tekniker", password=PASSWORD) as running:
        yield running


def _range(site: SimulatedSite) -> str:
    first = site.configs[0].address.rsplit(".", 1)[0]
    return f"{first}.1-{first}.9"


def test_discover_prints_one_json_object_per_camera(site: SimulatedSite, tmp_path: Path) -> None:
    result = run_utkik(
        "discover", "--json", "--range", _range(site), "--port", site.options.onvif_port
    )
    assert result.returncode == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(f["address"] for f in found) == [c.address for c in site.configs]
    for item in found:
        config = next(c for c in site.configs if c.address == item["address"])
        assert item["port"] == site.options.onvif_port
        assert item["xaddr"] == config.device_xaddr
        assert item["name"] == config.name
        assert item["model"] == config.model
        assert {"manufacturer", "location", "endpoint"} <= set(item)


def test_discover_refuses_a_nonsense_range(tmp_path: Path) -> None:
    result = run_utkik("discover", "--range", "10.0.0.9-10.0.0.1")
    assert result.returncode == 1
    assert result.stderr.startswith("utkik: ")
    assert "Traceback" not in result.stderr


def test_add_list_test_and_remove_a_camera(site: SimulatedSite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    camera = site.configs[1]
    added = run_utkik(
        "--data-dir",
        data,
        "cameras",
        "add",
        camera.address,
        "--port",
        site.options.onvif_port,
        "--place",
        "tradgardstorget",
        "--user",
        "tekniker",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Trädgårdstorget" in added.stdout
    assert "insecure transport" in added.stdout

    listed = run_utkik("--data-dir", data, "cameras", "list", "--json")
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["host"] == camera.address
    assert row["main"] == camera.main_stream_uri
    assert row["main_size"] == [320, 180]
    assert PASSWORD not in listed.stdout

    tested = run_utkik("--data-dir", data, "cameras", "test", str(row["id"]))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "reachable" in tested.stdout
    assert "stream: opens" in tested.stdout

    site.stall(camera.name, True)
    try:
        stalled = run_utkik("--data-dir", data, "cameras", "test", row["name"])
    finally:
        site.stall(camera.name, False)
    assert stalled.returncode == 1
    assert "does NOT open" in stalled.stdout

    removed = run_utkik("--data-dir", data, "cameras", "remove", row["name"].lower())
    assert removed.returncode == 0, removed.stderr
    assert run_utkik("--data-dir", data, "cameras", "list").stdout == ""

    core = Core.open(data, sealer=False)
    try:
        actions = [e.action for e in core.audit.entries(Actor.os_account())]
    finally:
        core.close()
    assert {"camera.added", "camera.removed"} <= set(actions)


def test_a_wrong_password_is_said_in_plain_words(site: SimulatedSite, tmp_path: Path) -> None:
    camera = site.configs[0]
    result = run_utkik(
        "--data-dir",
        tmp_path / "data",
        "cameras",
        "add",
        camera.address,
        "--port",
        site.options.onvif_port,
        "--user",
        "tekniker",
        "--password-stdin",
        stdin="fel-lösen\n",
    )
    assert result.returncode == 1
    assert "user name or password" in result.stderr
    assert "fel-lösen" not in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_camera_is_said_in_plain_words(site: SimulatedSite, tmp_path: Path) -> None:
    result = run_utkik(
        "--data-dir",
        tmp_path / "data",
        "cameras",
        "add",
        "127.0.0.1",
        "--port",
        free_port(["127.0.0.1"]),
        "--user",
        "x",
        "--password-stdin",
        stdin="y\n",
    )
    assert result.returncode == 1
    assert "Nothing answers at 127.0.0.1" in result.stderr


def _add(data: Path, host: str, port: int, password: str) -> Any:
    return run_utkik(
        "--data-dir",
        data,
        "cameras",
        "add",
        host,
        "--port",
        port,
        "--user",
        "tekniker",
        "--password-stdin",
        stdin=password + "\n",
    )


def test_a_device_that_takes_any_onvif_login_is_not_saved_with_a_wrong_stream_password(
    site: SimulatedSite, tmp_path: Path
) -> None:
    """The device answers ONVIF whatever the login (as some do, or as one that remembers a good
    login per client for minutes); its stream, the site camera's, checks the login."""
    camera = site.configs[2]
    data = tmp_path / "data"
    lenient = ScriptedCamera(
        "tekniker",
        PASSWORD,
        host=camera.address,
        main_stream_uri=camera.main_stream_uri,
        check_login=False,
    )
    with lenient:
        refused = _add(data, camera.address, lenient.port, "fel-lösen")
        assert refused.returncode == 1
        assert "user name or password" in refused.stderr
        assert "fel-lösen" not in refused.stderr + refused.stdout
        assert run_utkik("--data-dir", data, "cameras", "list").stdout == ""

        added = _add(data, camera.address, lenient.port, PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "Added camera" in added.stdout


def test_a_camera_without_a_main_stream_is_not_saved(site: SimulatedSite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    refusal = soap_fault("ter:InvalidArgVal")
    with ScriptedCamera("tekniker", PASSWORD, overrides={"GetProfiles": refusal}) as camera:
        result = _add(data, "127.0.0.1", camera.port, PASSWORD)
    assert result.returncode == 1
    assert "cannot be added" in result.stderr
    assert "GetProfiles" in result.stderr
    assert run_utkik("--data-dir", data, "cameras", "list").stdout == ""
