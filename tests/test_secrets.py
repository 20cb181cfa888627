"""Camera logins in a real keyring backend (keyrings.alt's file backend stands in for the
Secret Service in tests; the demo runs a real Secret Service, see tests/test_demo.py)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator

import pytest

from devices.secrets import ALLOW_PLAINTEXT_KEYRING, KeyringSecretStore, secret_store


def test_a_login_goes_in_and_comes_back_out() -> None:
    store = secret_store()
    assert store is not None
    store.store("camera:1", "onvif", "hemligt lösen")
    assert store.load("camera:1") == ("onvif", "hemligt lösen")
    store.store("camera:1", "onvif", "nytt")
    assert store.load("camera:1") == ("onvif", "nytt")
    store.delete("camera:1")
    assert store.load("camera:1") is None
    store.delete("camera:1")  # twice is no error
    assert "hemligt" not in repr(store)
    assert "keyring" in store.describe()


def test_without_a_keyring_backend_there_is_no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    import keyring.core

    keyring.core.init_backend()
    try:
        assert secret_store() is None
    finally:
        monkeypatch.undo()
        keyring.core.init_backend()


def test_a_damaged_entry_is_reported_not_crashed_on() -> None:
    import keyring

    from devices.secrets import SERVICE, SecretCustodyError

    keyring.set_password(SERVICE, "camera:bad", "not json")
    with pytest.raises(SecretCustodyError, match="damaged"):
        KeyringSecretStore().load("camera:bad")


def test_a_plain_file_keyring_picked_by_default_is_not_taken_for_an_os_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setattr(keyring, "get_keyring", PlaintextKeyring)
    assert secret_store() is None


# -- a keyring that keeps logins in plain text ------------------------------------------------


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Choose a keyring backend as a user does, through PYTHON_KEYRING_BACKEND."""
    import keyring.core

    def choose(name: str) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", name)
        keyring.core.init_backend()

    yield choose
    monkeypatch.undo()
    keyring.core.init_backend()


def test_a_plain_text_keyring_chosen_by_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch, backend: Callable[[str], None]
) -> None:
    import keyring

    from devices.secrets import SERVICE, SecretCustodyError

    monkeypatch.delenv(ALLOW_PLAINTEXT_KEYRING)
    backend("keyrings.alt.file.PlaintextKeyring")
    store = secret_store()
    assert store is not None
    with pytest.raises(SecretCustodyError, match="plain text") as caught:
        store.store("camera:1", "onvif", "hemligt lösen")
    assert ALLOW_PLAINTEXT_KEYRING in str(caught.value)
    assert keyring.get_password(SERVICE, "camera:1") is None


@pytest.mark.parametrize("allowed", ["", "1"])
def test_the_null_keyring_is_refused(
    monkeypatch: pytest.MonkeyPatch, backend: Callable[[str], None], allowed: str
) -> None:
    from devices.secrets import SecretCustodyError

    monkeypatch.setenv(ALLOW_PLAINTEXT_KEYRING, allowed)
    backend("keyring.backends.null.Keyring")
    store = secret_store()
    if store is not None:
        with pytest.raises(SecretCustodyError):
            store.store("camera:1", "onvif", "hemligt lösen")


def test_a_plain_text_keyring_allowed_on_purpose_is_warned_about(
    backend: Callable[[str], None], caplog: pytest.LogCaptureFixture
) -> None:
    assert os.environ[ALLOW_PLAINTEXT_KEYRING] == "1"
    backend("keyrings.alt.file.PlaintextKeyring")
    store = secret_store()
    assert store is not None
    with caplog.at_level(logging.WARNING, logger="devices.secrets"):
        store.store("camera:1", "onvif", "hemligt lösen")
    assert store.load("camera:1") == ("onvif", "hemligt lösen")
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("PLAIN TEXT" in text for text in warned), warned
    assert "plain text" in store.describe()
