"""Camera logins in a real keyring backend (keyrings.alt's file backend stands in for the
Secret Service in tests; the demo runs a real Secret Service, see tests/test_demo.py)."""

from __future__ import annotations

import pytest

from devices.secrets import KeyringSecretStore, secret_store


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
