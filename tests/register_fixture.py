"""A complete surveillance register entry for a camera a test records or shows to operators:
a camera added since the register records, and is seen by operators and supervisors, only once
its entry is complete (console/register.py)."""

from __future__ import annotations

from typing import Any

from console.app import Core
from console.cameras import Camera
from console.domain import Actor
from console.register import Entry

#: Every required field set, for 72 hours' continuous recording.
COMPLETE: dict[str, Any] = {
    "purpose": "Förebygga och utreda brott på allmän plats",
    "legal_basis": "Art. 6.1 e GDPR; kamerabevakningslagen 2018:1200",
    "balancing": "Intresseavvägning gjord: återkommande skadegörelse väger tyngre än intrånget.",
    "area": "Torgytan och entréerna",
    "hours": "always",
    "retention_hours": 72,
    "signage": True,
    "signage_checked": "2026-11-01",
    "dpo_contact": "dataskyddsombud@example.se",
    "start_date": "2026-11-01",
    "review_date": "2027-11-01",
}


def complete_entry(core: Core, camera: Camera | int, **fields: Any) -> Entry:
    """Complete `camera`'s entry, as its administrator would, so that it records and operators
    and supervisors see it: what the entry already says (a recording mode a test set), then
    `fields`, over COMPLETE."""
    camera_id = camera if isinstance(camera, int) else camera.id
    actor = Actor.os_account()
    current = core.register.entry(actor, camera_id).fields
    return core.register.set(actor, camera_id, {**COMPLETE, **current, **fields})


def registered(core: Core, camera: Camera, **fields: Any) -> Camera:
    """`camera` with a complete entry, as the camera list now gives it (in service)."""
    complete_entry(core, camera, **fields)
    return core.cameras.get(Actor.os_account(), camera.id)
