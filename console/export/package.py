"""The evidence package: recorded video remuxed per camera, a signed manifest, the access log's
proof that the export was logged, the chain of custody, and a verifier (docs/export.md).

A package is written into a hidden folder in the destination (`.utkik-partial-<package>-<token>`)
and renamed to its own name only at the end, after `export.produced` (carrying the manifest's
SHA-256) is durable in the access log: a cancel, a failure or a crash leaves no folder that
could pass for a package, and if the log cannot be written no package appears. Each folder in
progress is also recorded in the data dir (`export-partial/`); the next producer to run cleans
up what a dead process left there (`PackageWriter.clean_leftovers`, which a console also calls
at start).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import shutil
import socket
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from console import __version__
from console.audit import verify as lv
from console.audit.log import AuditLog, AuditUnavailable, DomainSignature, Entry
from console.cameras import Camera, CameraService
from console.clock import Clock, to_iso
from console.domain import Actor, Permission
from console.errors import N_, DiskFull, InvalidInput, KnownError, PermissionDenied, StorageError
from console.export import verify as pv
from console.export.order import ExportCancelled, ExportOrder, ExportProgress, PackageReceipt
from console.localtime import LOCAL_ZONE
from console.policy import can
from console.ports import Remuxer, RemuxSource
from console.recording.archive import RecordingService, Segment, SegmentState
from console.sites import SiteService
from console.storage import PRIVATE_FILE_MODE, make_private_dir, open_private

log = logging.getLogger(__name__)

#: Hidden folders (and ZIP files) being written start so: recognisable, never a package's name.
PARTIAL_PREFIX = ".utkik-partial-"
#: Where the folders in progress are recorded, inside the data dir.
PARTIAL_RECORDS = "export-partial"
#: Recordings closer than this to each other are one continuous run, as on the timeline.
JOIN = timedelta(seconds=1)
#: Room kept free beyond the package's estimated size (the manifest, the verifier, the file
#: system's own needs).
SPARE_BYTES = 16 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


class ExportFailed(KnownError):
    """The package could not be made; nothing that could pass for one was left."""


@dataclass(frozen=True, slots=True)
class _Run:
    """One continuous recording of a camera within the requested range."""

    segments: tuple[Segment, ...]
    start: datetime
    end: datetime
    #: The last segment is still being written.
    open: bool


@dataclass
class _Job:
    """One production: the hidden folder, the ZIP being written and the record of both."""

    folder: Path
    zip_path: Path | None
    record: Path


class PackageWriter:
    """The PackageProducer of console/export/order.py (see the module's docstring)."""

    def __init__(
        self,
        audit: AuditLog,
        cameras: CameraService,
        sites: SiteService,
        recordings: RecordingService,
        remuxer: Remuxer,
        clock: Clock,
        data_dir: Path,
        *,
        site: str | None = None,
    ) -> None:
        self._audit = audit
        self._cameras = cameras
        self._sites = sites
        self._recordings = recordings
        self._remuxer = remuxer
        self._clock = clock
        self._records = data_dir / PARTIAL_RECORDS
        #: The site named in manifests: this machine's name unless told.
        self._site = site or socket.gethostname()

    # -- cleaning up -----------------------------------------------------------------------------

    def clean_leftovers(self) -> list[Path]:
        """See `clean_leftovers` (the module's function), for this producer's data dir."""
        return clean_leftovers(self._records.parent)

    # -- producing -------------------------------------------------------------------------------

    def produce(
        self,
        actor: Actor,
        order: ExportOrder,
        destination: Path,
        *,
        make_zip: bool,
        progress: Callable[[ExportProgress], None],
        cancelled: Callable[[], bool],
    ) -> PackageReceipt:
        _check_producer(actor, order)
        cameras = [self._cameras.get_recorded(actor, cid) for cid in order.camera_ids]
        for camera in cameras:
            if not (
                can(actor, Permission.EXPORT_REQUEST, camera.area_id)
                or can(actor, Permission.EXPORT_APPROVE, camera.area_id)
            ):
                raise PermissionDenied(
                    N_("{name} has no permission to export {camera}."),
                    name=actor.name,
                    camera=camera.name,
                )
        self.clean_leftovers()
        final = destination / order.package_id
        final_zip = destination / f"{order.package_id}.zip" if make_zip else None
        _check_destination(destination, final, final_zip)
        plans = {c.id: self._runs(c.id, order.start, order.end) for c in cameras}
        self._check_space(destination, plans, make_zip)
        job = self._begin(destination, order.package_id, make_zip)
        try:
            return self._produce(
                actor, order, cameras, plans, job, final, final_zip, progress, cancelled
            )
        except BaseException:
            _discard(job)
            raise

    def _produce(
        self,
        actor: Actor,
        order: ExportOrder,
        cameras: Sequence[Camera],
        plans: dict[int, list[_Run]],
        job: _Job,
        final: Path,
        final_zip: Path | None,
        progress: Callable[[ExportProgress], None],
        cancelled: Callable[[], bool],
    ) -> PackageReceipt:
        described = []
        for index, camera in enumerate(cameras):
            if cancelled():
                raise ExportCancelled(N_("The export was cancelled."))
            described.append(
                self._camera(
                    camera, index, len(cameras), plans[camera.id], order, job, progress, cancelled
                )
            )
        if cancelled():
            raise ExportCancelled(N_("The export was cancelled."))
        # The key is reached once before anything is logged, so that an unreachable key refuses
        # the export before the log says it was made.
        anchor = anchor_of(self._audit)
        _write(job.folder / pv.README, _readme(order, anchor).encode("utf-8"))
        _write(job.folder / pv.VERIFIER, _source(pv.__file__))
        _write(job.folder / pv.LOG_VERIFIER, _source(lv.__file__))
        produced_at = self._clock.now()
        manifest = self._manifest(order, described, job.folder, anchor, produced_at)
        manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        _write(job.folder / pv.MANIFEST, manifest_bytes)
        manifest_sha = lv.sha256_hex(manifest_bytes)
        files = len(manifest["files"]) + len(pv.UNLISTED)
        entry = self._audit.record(
            actor,
            pv.PRODUCED_ACTION,
            f"export:{order.request_id}",
            {
                "package": order.package_id,
                "manifest_sha256": manifest_sha,
                "cameras": ",".join(str(c.id) for c in cameras),
                "start": to_iso(order.start),
                "end": to_iso(order.end),
                "case_number": order.case_number,
                "files": files,
            },
        ).result()
        try:
            proof = self._proof(entry)
            signed = self._audit.sign(pv.MANIFEST_DOMAIN, manifest_bytes)
            _write(job.folder / pv.LOG_PROOF, lv.canonical_json(proof) + b"\n")
            _write(job.folder / pv.SIGNATURE, _signature(signed, manifest_sha))
            first = custody_line(
                self._audit,
                {
                    "event": "produced",
                    "time": to_iso(produced_at),
                    "from": actor.name,
                    "to": actor.name,
                    "package": order.package_id,
                    "log_seq": entry.seq,
                    "prev": manifest_sha,
                },
                signed.certificates,
            )
            _write(job.folder / pv.CUSTODY, first)
            if job.zip_path is not None:
                _zip(job.folder, job.zip_path, order.package_id)
            _sync_tree(job.folder)
            os.rename(job.folder, final)
            if job.zip_path is not None and final_zip is not None:
                os.rename(job.zip_path, final_zip)
            _sync_dir(final.parent)
        except BaseException as err:
            self._note_failure(actor, order, entry, err)
            raise
        job.record.unlink(missing_ok=True)
        size = sum(p.stat().st_size for p in final.rglob("*") if p.is_file())
        return PackageReceipt(
            folder=final,
            zip_path=final_zip,
            manifest_sha256=manifest_sha,
            anchor_fingerprint=anchor,
            log_seq=entry.seq,
            files=files,
            size_bytes=size,
        )

    def _note_failure(
        self, actor: Actor, order: ExportOrder, entry: Entry, err: BaseException
    ) -> None:
        """`export.produced` is in the log but the package was not finished: say so there."""
        try:
            self._audit.record(
                actor,
                "export.failed",
                f"export:{order.request_id}",
                {"package": order.package_id, "produced_seq": entry.seq, "reason": str(err)},
            ).result()
        except KnownError as failure:
            log.error("the failed export %s could not be logged: %s", order.package_id, failure)

    def _proof(self, entry: Entry) -> dict[str, Any]:
        """An inclusion proof of the entry under a checkpoint made right after it."""
        self._audit.seal().result()
        proof = self._audit.prove(entry.seq)
        return {"format": pv.PROOF_FORMAT, **proof, "certificates": _certificates(self._audit)}

    # -- the recordings --------------------------------------------------------------------------

    def _runs(self, camera_id: int, start: datetime, end: datetime) -> list[_Run]:
        segments = self._recordings.segments(camera_id, start, end, include_open=True)
        runs: list[list[Segment]] = []
        for segment in segments:
            if runs and segment.start - _segment_end(runs[-1][-1]) <= JOIN:
                runs[-1].append(segment)
            else:
                runs.append([segment])
        return [
            _Run(
                tuple(run),
                max(run[0].start, start),
                min(_segment_end(run[-1]), end),
                run[-1].state is SegmentState.OPEN,
            )
            for run in runs
        ]

    def _check_space(self, destination: Path, plans: dict[int, list[_Run]], zipped: bool) -> None:
        needed = 0
        for runs in plans.values():
            for run in runs:
                for segment in run.segments:
                    needed += self._size(segment)
        needed = needed * (2 if zipped else 1) + SPARE_BYTES
        try:
            free = shutil.disk_usage(destination).free
        except OSError as err:
            raise StorageError(
                N_("The export folder {path} cannot be read: {reason}."),
                path=destination,
                reason=err.strerror or type(err).__name__,
            ) from err
        if free < needed:
            raise DiskFull(
                N_(
                    "There is not room for the export in {path}: it needs about {needed} MB and "
                    "{free} MB are free."
                ),
                path=destination,
                needed=needed // 1_000_000 + 1,
                free=free // 1_000_000,
            )

    def _size(self, segment: Segment) -> int:
        if segment.state is SegmentState.CLOSED:
            return segment.bytes
        try:
            return (self._recordings.root / segment.path).stat().st_size
        except OSError:
            return 0

    def _camera(
        self,
        camera: Camera,
        index: int,
        total: int,
        runs: list[_Run],
        order: ExportOrder,
        job: _Job,
        progress: Callable[[ExportProgress], None],
        cancelled: Callable[[], bool],
    ) -> dict[str, Any]:
        places = {p.id: p for p in self._sites.places()}
        areas = {a.id: a.name for a in self._sites.areas()}
        place = places.get(camera.place_id)
        media_total = sum((r.end - r.start).total_seconds() for r in runs)
        done_bytes, done_seconds = 0, 0.0
        files: list[dict[str, Any]] = []
        folder = job.folder / "video"
        make_private_dir(folder)
        delivered: list[tuple[datetime, datetime]] = []
        for number, run in enumerate(runs, start=1):
            name = f"video/{camera.id}-{_slug(camera.name)}-{number}.mp4"

            def report(
                read: int, seconds: float, before: tuple[int, float] = (done_bytes, done_seconds)
            ) -> None:
                progress(
                    ExportProgress(
                        camera_id=camera.id,
                        camera_name=camera.name,
                        cameras_done=index,
                        cameras_total=total,
                        bytes_written=before[0] + read,
                        media_seconds=before[1] + seconds,
                        media_total_seconds=media_total,
                    )
                )

            sources = [
                RemuxSource(self._recordings.root / s.path, s.start, s.state is SegmentState.OPEN)
                for s in run.segments
            ]
            result = self._remuxer.remux(
                sources,
                order.start,
                order.end,
                job.folder / name,
                progress=report,
                cancelled=cancelled,
            )
            if result is None:
                continue
            if os.name == "posix":
                # Written by the remuxer under the umask; private like every file of a package.
                os.chmod(job.folder / name, PRIVATE_FILE_MODE)
            done_bytes += result.bytes
            done_seconds += (result.end - result.start).total_seconds()
            delivered.append((result.start, result.end))
            files.append(
                {
                    "path": name,
                    "delivered": span(result.start, result.end),
                    "packets": result.packets,
                    "keyframes": result.keyframes,
                    "cut_at_keyframe_before_start": result.start < order.start,
                }
            )
        gaps, not_yet = self._gaps(runs, delivered, order)
        progress(
            ExportProgress(
                camera_id=camera.id,
                camera_name=camera.name,
                cameras_done=index + 1,
                cameras_total=total,
                bytes_written=done_bytes,
                media_seconds=done_seconds,
                media_total_seconds=media_total,
            )
        )
        facts = camera.facts
        return {
            "id": camera.id,
            "name": camera.name,
            "place": place.name if place else "",
            "area": areas.get(place.area_id, "") if place else "",
            "manufacturer": facts.manufacturer,
            "model": facts.model,
            "serial": facts.serial,
            "firmware": facts.firmware,
            "removed_at": to_iso(camera.removed_at) if camera.removed_at else None,
            "files": files,
            "gaps": [span(a, b) for a, b in gaps],
            "not_yet_recorded": span(*not_yet) if not_yet else None,
        }

    def _gaps(
        self, runs: list[_Run], delivered: list[tuple[datetime, datetime]], order: ExportOrder
    ) -> tuple[list[tuple[datetime, datetime]], tuple[datetime, datetime] | None]:
        """What of the requested range no file shows: gaps, and the end not yet recorded when
        the range reaches into the segment being written (or beyond now)."""
        gaps: list[tuple[datetime, datetime]] = []
        at = order.start
        for first, last in delivered:
            if first - at > JOIN:
                gaps.append((at, first))
            at = max(at, last)
        not_yet = None
        if order.end - at > JOIN:
            still_recording = bool(runs) and runs[-1].open
            if still_recording or order.end > self._clock.now():
                not_yet = (at, order.end)
            else:
                gaps.append((at, order.end))
        return gaps, not_yet

    # -- the manifest ----------------------------------------------------------------------------

    def _manifest(
        self,
        order: ExportOrder,
        cameras: list[dict[str, Any]],
        folder: Path,
        anchor: str,
        produced_at: datetime,
    ) -> dict[str, Any]:
        files = []
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = path.relative_to(folder).as_posix()
            files.append(
                {"path": relative, "size": path.stat().st_size, "sha256": pv.sha256_file(path)}
            )
        return {
            "format": pv.MANIFEST_FORMAT,
            "package": order.package_id,
            "request": order.request_id,
            "site": self._site,
            "installation": self._audit.origin,
            "anchor_fingerprint": anchor,
            "software": f"utkik {__version__}",
            "requested": span(order.start, order.end),
            "cameras": cameras,
            "requester": order.requester,
            "approver": order.approver,
            "reason": order.reason,
            "case_number": order.case_number,
            "recipient": order.recipient,
            "note": order.note,
            "requested_at": _moment(order.requested_at),
            "approved_at": _moment(order.approved_at) if order.approved_at else None,
            "produced_at": _moment(produced_at),
            "files": files,
        }

    # -- the folder in progress ------------------------------------------------------------------

    def _begin(self, destination: Path, package_id: str, zipped: bool) -> _Job:
        token = secrets.token_hex(4)
        stem = f"{PARTIAL_PREFIX}{_slug(package_id)}-{token}"
        job = _Job(
            folder=destination / stem,
            zip_path=destination / f"{stem}.zip" if zipped else None,
            record=self._records / f"{stem}.json",
        )
        make_private_dir(self._records)
        # Recorded before the folder is made, so that a crash at any later moment is cleaned.
        _write(
            job.record,
            json.dumps(
                {
                    "folder": str(job.folder.absolute()),
                    "zip": str(job.zip_path.absolute()) if job.zip_path else None,
                    "owner": _owner(),
                }
            ).encode(),
        )
        try:
            make_private_dir(job.folder)
        except OSError as err:
            job.record.unlink(missing_ok=True)
            raise StorageError(
                N_("The export folder {path} cannot be written: {reason}."),
                path=destination,
                reason=err.strerror or type(err).__name__,
            ) from err
        return job


def custody_line(audit: AuditLog, line: dict[str, Any], known: Sequence[str]) -> bytes:
    """A custody line signed by the log's current key; `known` are the certificates the
    package's signature already holds (the line carries only the ones after them)."""
    body = {k: v for k, v in line.items() if k not in ("key", "certificates", "signature")}
    probe = audit.sign(_PROBE_DOMAIN, b"")
    extra = [c for c in probe.certificates if c not in set(known)]
    body.update({"key": probe.key_name, "certificates": extra})
    signature = audit.sign(pv.CUSTODY_DOMAIN, lv.canonical_json(body))
    if signature.key_name != probe.key_name:
        raise AuditUnavailable(
            N_("The access log's key changed while a custody record was signed; try again.")
        )
    body["signature"] = base64.b64encode(signature.signature).decode("ascii")
    return lv.canonical_json(body) + b"\n"


def clean_leftovers(data_dir: Path) -> list[Path]:
    """Delete the hidden folders and ZIP files of productions whose process is gone (killed,
    crashed, a power cut); returns what was deleted. A destination that cannot be reached
    (a USB stick taken out) keeps its record for the next time. Core.open calls it, so the
    next start of the console or of any command cleans up."""
    records = data_dir / PARTIAL_RECORDS
    removed: list[Path] = []
    if not records.is_dir():
        return removed
    for record in sorted(records.glob("*.json")):
        try:
            value = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            log.warning("an unreadable export record %s: %s", record, err)
            continue
        if _alive(str(value.get("owner", ""))):
            continue
        paths = [Path(p) for p in (value.get("folder"), value.get("zip")) if p]
        if not all(p.name.startswith(PARTIAL_PREFIX) for p in paths):
            log.warning("an export record names a path that is not ours: %s", record)
            continue
        if not all(p.parent.is_dir() for p in paths):
            continue
        try:
            for path in paths:
                if path.is_dir():
                    shutil.rmtree(path)
                    removed.append(path)
                elif path.exists():
                    path.unlink()
                    removed.append(path)
            record.unlink()
        except OSError as err:
            # Tried again at the next start; nothing that could pass for a package is there.
            log.warning("an unfinished export could not be removed (%s): %s", record, err)
    if removed:
        log.info("removed unfinished exports: %s", ", ".join(map(str, removed)))
    return removed


#: Signs nothing anyone keeps: reaches the current key and its certificates (the signature is
#: discarded, and no verifier accepts this domain).
_PROBE_DOMAIN = b"utkik key probe\n"


def anchor_of(audit: AuditLog) -> str:
    """The fingerprint of the log's first key (refuses when the key cannot be reached)."""
    return lv.fingerprint(lv.parse_certificate(_certificates(audit)[0]).public_key)


def _certificates(audit: AuditLog) -> list[str]:
    """The log's key certificates, epoch 0 first (refuses when the key cannot be reached)."""
    return list(audit.sign(_PROBE_DOMAIN, b"").certificates)


def span(start: datetime, end: datetime) -> dict[str, Any]:
    """A UTC range with its Stockholm wall-clock times and offsets, and its exact length."""
    return {
        "from": to_iso(start),
        "to": to_iso(end),
        "from_local": start.astimezone(LOCAL_ZONE).isoformat(timespec="milliseconds"),
        "to_local": end.astimezone(LOCAL_ZONE).isoformat(timespec="milliseconds"),
        "milliseconds": round((end - start).total_seconds() * 1000),
    }


def _moment(moment: datetime) -> dict[str, str]:
    return {
        "utc": to_iso(moment),
        "local": moment.astimezone(LOCAL_ZONE).isoformat(timespec="seconds"),
    }


def _check_producer(actor: Actor, order: ExportOrder) -> None:
    if actor.user is None:
        # Export touches video: a console user, never the account running a command.
        raise PermissionDenied(
            N_("An export is produced by a console user, not by {name}."), name=actor.name
        )
    if actor.name not in (order.requester, order.approver):
        raise PermissionDenied(
            N_(
                "Only the requester or the approver of an export may produce it; {name} is neither."
            ),
            name=actor.name,
        )
    if order.end <= order.start:
        raise InvalidInput(N_("The export's range ends before it starts."))


def _check_destination(destination: Path, final: Path, final_zip: Path | None) -> None:
    if not destination.is_dir():
        raise InvalidInput(N_("The export folder {path} does not exist."), path=destination)
    for path in (final, final_zip):
        if path is not None and path.exists():
            raise InvalidInput(
                N_("{path} exists already: the export overwrites nothing."), path=path
            )


def _segment_end(segment: Segment) -> datetime:
    # A segment being written has no end in the index yet: it reaches at most MAX_SEGMENT.
    if segment.state is SegmentState.OPEN:
        return segment.start + timedelta(hours=1)
    return segment.end


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SAFE.sub("_", ascii_text).strip("_")[:40] or "camera"


def _signature(signed: DomainSignature, manifest_sha: str) -> bytes:
    return (
        lv.canonical_json(
            {
                "format": pv.SIGNATURE_FORMAT,
                "manifest_sha256": manifest_sha,
                "key": signed.key_name,
                "signature": base64.b64encode(signed.signature).decode("ascii"),
                "certificates": list(signed.certificates),
            }
        )
        + b"\n"
    )


def _source(module_file: str) -> bytes:
    """A verifier's source; a frozen build holds it beside its compiled module
    (installer/utkik.spec)."""
    return Path(module_file).with_suffix(".py").read_bytes()


def _write(path: Path, data: bytes) -> None:
    with open_private(path) as out:
        out.write(data)


def _zip(folder: Path, target: Path, package_id: str) -> None:
    # Stored, not deflated: H.264 does not compress, and a stored ZIP is quicker to check.
    with zipfile.ZipFile(target, "x", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, f"{package_id}/{path.relative_to(folder).as_posix()}")
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _sync_tree(folder: Path) -> None:
    """Every file on the disk before the rename makes the package visible."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _sync_dir(folder / "video")
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    if os.name != "posix" or not folder.is_dir():
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(job: _Job) -> None:
    shutil.rmtree(job.folder, ignore_errors=True)
    if job.zip_path is not None:
        job.zip_path.unlink(missing_ok=True)
    job.record.unlink(missing_ok=True)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    """Whether the process that recorded a production may still be writing it."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine's production is not ours to clean
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, OverflowError):
        return True
    return True


def _readme(order: ExportOrder, anchor: str) -> str:
    return _README.format(package=order.package_id, case=order.case_number, anchor=anchor)


_README = """\
Utkik bevisexport / Utkik evidence export
=========================================

Paket / Package: {package}
Diarienummer / Case number: {case}

Fingeravtryck för installationens första nyckel /
Fingerprint of the installation's first key:

    {anchor}

Jämför det med fingeravtrycket som kommunen har publicerat. /
Compare it with the fingerprint the municipality published.

SVENSKA
-------
Mappen innehåller inspelad video från kamerorna, oförändrad (ompaketerad, aldrig omkodad),
en MP4-fil per kamera och sammanhängande inspelning (ett avbrott i inspelningen ger en ny fil,
och avbrottet anges i manifest.json).

  video/*.mp4      videon; spelas i VLC, mpv eller ffplay
  manifest.json    vad paketet innehåller: kameror, tider (UTC och svensk tid), avbrott,
                   varje fils storlek och SHA-256, vem som begärde, godkände och tog fram
  manifest.sig     signaturen över manifest.json med åtkomstloggens nyckel, och de
                   nyckelcertifikat som kedjar den till installationens första nyckel
  log-proof.json   bevis (RFC 6962) för att exporten finns i åtkomstloggen
  custody.jsonl    överlämningar: vem lämnade paketet till vem, och när
  verify.py        kontrollprogrammet (med log_verify.py)

Kontrollera paketet (Python 3.11 eller senare och paketet cryptography behövs):

    python verify.py DENNA_MAPP --anchor FINGERAVTRYCK

Programmet skriver OK och paketets uppgifter, eller det första felet och vilken fil det gäller.

ENGLISH
-------
This folder holds recorded video from the cameras, unchanged (remuxed, never re-encoded), one
MP4 file per camera and continuous recording (a gap in the recording starts a new file, and the
gap is stated in manifest.json).

  video/*.mp4      the video; plays in VLC, mpv or ffplay
  manifest.json    what the package holds: cameras, times (UTC and Swedish time), gaps,
                   every file's size and SHA-256, who requested, approved and produced it
  manifest.sig     the signature of manifest.json by the access log's key, with the key
                   certificates that chain it to the installation's first key
  log-proof.json   proof (RFC 6962) that the export is in the access log
  custody.jsonl    hand-overs: who handed the package to whom, and when
  verify.py        the verifier (with log_verify.py)

Verify the package (needs Python 3.11 or later and the package cryptography):

    python verify.py THIS_FOLDER --anchor FINGERPRINT

It prints OK and the package's facts, or the first problem and the file it is in.
The formats are described in docs/export.md of the Utkik sources.
"""
