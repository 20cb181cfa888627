"""The cameras' logins: a person reads one through the permission check; the adapters that
connect read them through the narrow capability the composition root hands them, which no
widget module of ui/ ever names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from console.app import Core
from console.camera_login import ForeignHost, Purpose
from console.domain import Actor, Role
from console.errors import NotFound, PermissionDenied
from console.ports import CameraLogins
from tests.conftest import PASSWORD, MemorySecretStore
from tests.core.test_cameras import facts, place

SECRET = "kamera-hemlis-41"
ROOT = Path(__file__).resolve().parents[2]


def added(core: Core, host: str = "127.0.0.7") -> int:
    camera = core.cameras.add(
        Actor.os_account("root"),
        facts(host),
        place(core, "Berga centrum"),
        "Berga",
        "onvif",
        SECRET,
    )
    return camera.id


def test_the_capability_gives_an_existing_cameras_login_bound_to_its_host(core: Core) -> None:
    camera_id = added(core)
    logins: CameraLogins = core.cameras.login_reader()
    camera = logins.camera(camera_id)
    assert camera.id == camera_id
    login = logins.login(camera_id)
    assert login.for_uri(camera.main_uri, Purpose.STREAM) == ("onvif", SECRET)
    with pytest.raises(ForeignHost):
        login.for_uri("rtsp://127.0.0.99/main", Purpose.STREAM)
    assert SECRET not in repr(logins)
    assert SECRET not in repr(login)


def test_the_capability_gives_nothing_for_a_camera_that_does_not_exist(core: Core) -> None:
    camera_id = added(core)
    logins = core.cameras.login_reader()
    with pytest.raises(NotFound):
        logins.login(camera_id + 1)
    with pytest.raises(NotFound):
        logins.camera(camera_id + 1)
    core.cameras.remove(Actor.os_account("root"), camera_id)
    with pytest.raises(NotFound):
        logins.login(camera_id)


def test_a_camera_whose_login_is_gone_is_said_so(core: Core, secrets: MemorySecretStore) -> None:
    camera_id = added(core)
    secrets.logins.clear()
    with pytest.raises(NotFound, match="login"):
        core.cameras.login_reader().login(camera_id)


def test_a_person_reads_a_login_only_with_a_permission(core: Core) -> None:
    camera_id = added(core)
    root = Actor.os_account("root")
    camera = core.cameras.get(root, camera_id)
    technician = Actor.of(core.users.add(root, "tina", Role.TECHNICIAN, PASSWORD))
    auditor = Actor.of(core.users.add(root, "greta", Role.AUDITOR, PASSWORD))
    assert core.cameras.login(technician, camera).for_uri(camera.main_uri, Purpose.STREAM) == (
        "onvif",
        SECRET,
    )
    with pytest.raises(PermissionDenied):
        core.cameras.login(auditor, camera)


def names_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.name.rsplit(".", 1)[-1])
    return found


#: The composition roots (and the entry point, which only picks one): the only modules of ui/
#: that may hand the capability on.
ROOTS = {"app", "cli", "demo", "serve", "main", "__main__", "__init__"}


def test_no_widget_module_names_the_capability() -> None:
    widgets = [path for path in sorted((ROOT / "ui").glob("*.py")) if path.stem not in ROOTS]
    assert len(widgets) > 20
    for path in widgets:
        named = names_in(path) & {"login_reader", "CameraLogins", "_LoginReader"}
        assert not named, f"ui/{path.name} names {named}: widgets never read camera logins"


def test_the_check_sees_a_widget_that_would_take_the_capability(tmp_path: Path) -> None:
    bad = tmp_path / "widget.py"
    bad.write_text("def f(core):\n    return core.cameras.login_reader()\n", encoding="utf-8")
    assert "login_reader" in names_in(bad)
