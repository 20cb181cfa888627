"""A camera's login goes only to the camera's own host, or to a host a technician accepted for
it (console/camera_login.py, CameraService.trust_host)."""

from __future__ import annotations

import dataclasses

import pytest

from console.app import Core
from console.camera_facts import DeviceFacts, StreamProfile
from console.camera_login import (
    CameraLogin,
    ForeignHost,
    Purpose,
    foreign_host_of,
    host_of,
    is_host,
    normalise_host,
)
from console.domain import Actor, Role
from console.errors import InvalidInput, PermissionDenied
from tests.conftest import PASSWORD

SECRET = "kamera-hemlis-93"


def _facts(host: str = "10.1.2.3", stream_host: str = "10.9.9.9") -> DeviceFacts:
    return DeviceFacts(
        host=host,
        port=80,
        xaddr=f"http://{host}/onvif/device_service",
        main=StreamProfile("m", f"rtsp://{stream_host}:554/main", 1920, 1080),
        snapshot_uri=f"http://{host}/snap.jpg",
        foreign_host=stream_host,
    )


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("Kamera-1.Example.", "kamera-1.example"),
        ("[FE80::0:1]", "fe80::1"),
        ("127.000.0.1", "127.000.0.1"),  # not an address: compared as a name, matches no address
        ("10.1.2.3", "10.1.2.3"),
        ("kåmera.example", "xn--kmera-mra.example"),
        (" CAMERA ", "camera"),
    ],
)
def test_hosts_are_normalised(given: str, normal: str) -> None:
    assert normalise_host(given) == normal


def test_the_login_is_given_only_for_the_cameras_own_host() -> None:
    login = CameraLogin.bind("Kamera.Example.", "onvif", SECRET, addresses=["10.1.2.3"])
    for url in (
        "rtsp://kamera.example:554/main",
        "rtsp://KAMERA.EXAMPLE./main",
        "http://10.1.2.3:8080/snap.jpg",
        "rtsp://old:login@kamera.example/main",
    ):
        assert login.for_uri(url, Purpose.STREAM) == ("onvif", SECRET), url
    for url in (
        "rtsp://10.1.2.4/main",
        "rtsp://kamera.example.evil/main",
        "rtsp://evil@10.9.9.9/kamera.example",
        "rtsp:///main",
        "not a url",
    ):
        with pytest.raises(ForeignHost) as refused:
            login.for_uri(url, Purpose.STREAM)
        assert SECRET not in str(refused.value)
    assert SECRET not in repr(login)
    assert "onvif" not in repr(login)


def test_a_refusal_says_what_and_where_in_plain_words() -> None:
    login = CameraLogin.bind("10.1.2.3", "onvif", SECRET)
    with pytest.raises(ForeignHost) as refused:
        login.url_with_login("rtsp://[2001:DB8::9]:554/main", Purpose.STREAM)
    assert refused.value.message == (
        "The camera at 10.1.2.3 gave an address on another host (2001:db8::9) for its video "
        "stream; its login is not sent there."
    )
    assert refused.value.step == "stream"


def test_the_url_gets_the_login_percent_encoded() -> None:
    login = CameraLogin.bind("::1", "ad min", "p@ss:w/rd")
    assert login.url_with_login("rtsp://x:y@[::1]:8554/a", Purpose.STREAM) == (
        "rtsp://ad%20min:p%40ss%3Aw%2Frd@[::1]:8554/a"
    )


def test_a_name_resolved_at_onboarding_is_not_resolved_again() -> None:
    # Only the addresses onboarding saw count: "localhost" is not looked up here.
    login = CameraLogin.bind("localhost", "u", "p", addresses=["127.0.0.1"])
    assert login.allows("127.0.0.1")
    assert not login.allows("::1")


def test_foreign_host_of_looks_at_every_address_the_camera_gave() -> None:
    assert foreign_host_of(_facts()) == "10.9.9.9"
    assert foreign_host_of(_facts(stream_host="10.1.2.3")) == ""
    accepted = dataclasses.replace(_facts(), trusted_hosts=("10.9.9.9",))
    assert foreign_host_of(accepted) == ""
    assert host_of("rtsp://[::1]:1/") == "::1"


def _technician(core: Core) -> Actor:
    admin = Actor.os_account("root")
    return Actor.of(core.users.add(admin, "tekla", Role.TECHNICIAN, PASSWORD))


@pytest.mark.parametrize(
    ("host", "valid"),
    [
        ("nvr-1.example", True),
        ("::1", True),
        ("xn--kmera-mra.example", True),
        ("nvr..example", False),
        ("-nvr.example", False),
        ("nvr.example:554", False),
        ("a" * 64, False),
    ],
)
def test_what_is_a_host(host: str, valid: bool) -> None:
    assert is_host(host) is valid


def test_a_technician_accepts_another_host_and_it_is_logged(core: Core) -> None:
    technician = _technician(core)
    place = core.sites.places()[0]
    camera = core.cameras.add(technician, _facts(), place, "Torget", "onvif", SECRET)
    with pytest.raises(ForeignHost):
        core.cameras.login(technician, camera).for_uri(camera.main_uri, Purpose.STREAM)

    changed = core.cameras.trust_host(technician, camera.id, "10.9.9.9.")
    assert changed.facts.trusted_hosts == ("10.9.9.9",)
    assert changed.facts.foreign_host == ""
    login = core.cameras.login(technician, changed)
    assert login.for_uri(camera.main_uri, Purpose.STREAM) == ("onvif", SECRET)
    with pytest.raises(ForeignHost):
        login.for_uri("rtsp://10.9.9.8/main", Purpose.STREAM)

    entry = core.audit.entries(Actor.os_account("root"))[0]
    assert entry.action == "camera.host_trusted"
    assert "tekla" in entry.actor
    assert entry.target == f"camera:{camera.id}"
    assert entry.details["host"] == "10.9.9.9"

    # Learning the facts again keeps the accepted host.
    again = core.cameras.update(technician, camera.id, facts=dataclasses.replace(_facts()))
    assert again.facts.trusted_hosts == ("10.9.9.9",)


def test_only_a_technician_accepts_a_host(core: Core) -> None:
    technician = _technician(core)
    admin = Actor.os_account("root")
    operator = Actor.of(core.users.add(admin, "olle", Role.OPERATOR, PASSWORD))
    camera = core.cameras.add(technician, _facts(), core.sites.places()[0], "T", "u", SECRET)
    with pytest.raises(PermissionDenied):
        core.cameras.trust_host(operator, camera.id, "10.9.9.9")
    assert core.cameras.get(technician, camera.id).facts.trusted_hosts == ()


@pytest.mark.parametrize(
    "host", ["", "10.1.2.3", "10.1.2.3.", "evil@10.9.9.9", "a/b", "10.9.9.9:554", "nvr..local"]
)
def test_nonsense_or_the_cameras_own_host_is_refused(core: Core, host: str) -> None:
    technician = _technician(core)
    camera = core.cameras.add(technician, _facts(), core.sites.places()[0], "T", "u", SECRET)
    with pytest.raises(InvalidInput):
        core.cameras.trust_host(technician, camera.id, host)
