"""The throw-away Secret Service: ready and unlocked before use (never a prompt), a clear error
within seconds when the keyring does not answer, and nothing left when it stops."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from devices.keyring_session import KeyringSession, KeyringSessionFailed, available
from tests import leftovers

pytestmark = pytest.mark.skipif(not available(), reason="dbus and gnome-keyring are not installed")


def test_a_login_is_kept_without_any_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    secretstorage = pytest.importorskip("secretstorage")
    from jeepney.io.blocking import open_dbus_connection

    # A display nobody watches: a prompt there would hang the demo.
    monkeypatch.setenv("DISPLAY", ":99")
    before = leftovers.ours()
    with KeyringSession() as session:
        connection = open_dbus_connection(bus=session.address)
        try:
            # Found, not created: creating a default collection is what prompts.
            collection = secretstorage.collection.get_collection_by_alias(connection, "default")
            assert not collection.is_locked()
            collection.create_item("utkik camera:1", {"ref": "camera:1"}, b"onvif\0hemlis")
            (item,) = collection.search_items({"ref": "camera:1"})
            assert item.get_secret() == b"onvif\0hemlis"
        finally:
            connection.close()
    assert leftovers.survivors(before) == set()


def test_a_keyring_that_does_not_answer_is_said_within_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin" / "gnome-keyring-daemon"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexec sleep 300\n", encoding="ascii")
    fake.chmod(0o755)
    dbus = shutil.which("dbus-daemon")
    assert dbus is not None
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{Path(dbus).parent}")
    before = leftovers.ours()
    began = time.monotonic()
    with pytest.raises(KeyringSessionFailed, match="did not get ready within 2 s"):
        KeyringSession(timeout_s=2).start()
    assert time.monotonic() - began < 6
    assert leftovers.survivors(before) == set()
