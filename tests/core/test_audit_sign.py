"""Signing a document that leaves the log (an export's manifest) with the current epoch key."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from console.app import Core
from console.audit import verify as v
from console.audit.log import AuditUnavailable
from tests.conftest import FakeClock, MemoryKeyStore

DOMAIN = b"utkik test document v1\n"


def test_a_signature_chains_to_the_first_key_across_a_rotation(
    core: Core, clock: FakeClock
) -> None:
    core.audit.record("os:root", "test.one").result()
    core.audit.seal().result()
    clock.advance(days=1)
    core.audit.record("os:root", "test.two").result()
    core.audit.seal().result()  # a new day: the key of epoch 1 signs from now on

    signed = core.audit.sign(DOMAIN, b"the document")

    epochs = v.epoch_keys(list(signed.certificates), [])
    assert [e.epoch for e in epochs] == [0, 1]
    assert signed.key_name == epochs[-1].name
    assert signed.public_key == epochs[-1].public_key
    Ed25519PublicKey.from_public_bytes(signed.public_key).verify(
        signed.signature, DOMAIN + b"the document"
    )
    with pytest.raises(InvalidSignature):
        Ed25519PublicKey.from_public_bytes(signed.public_key).verify(
            signed.signature, b"the document"
        )


def test_the_domain_is_one_line(core: Core) -> None:
    with pytest.raises(ValueError, match="one line"):
        core.audit.sign(b"no newline", b"x")
    with pytest.raises(ValueError, match="one line"):
        core.audit.sign(b"two\nlines\n", b"x")


def test_an_unreachable_key_signs_nothing(core: Core, keys: MemoryKeyStore) -> None:
    keys.reachable = False
    core.audit._private.clear()  # as a fresh process would be
    with pytest.raises(AuditUnavailable, match="signing key cannot be reached"):
        core.audit.sign(DOMAIN, b"x")
