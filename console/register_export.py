"""The surveillance register written out for IMY and the municipality's records: a PDF (one
summary table, then one page per camera) and a CSV, in Swedish, listing every camera with its
incomplete entries flagged, signed with the access log's key like its other exports.

The folder holds `register.pdf`, `register.csv`, `manifest.json` (the files' SHA-256, canonical
JSON), `manifest.sig` (the access log key's signature over it, with the key certificates),
`verify.py` (console/register_verify.py) and `log_verify.py` (console/audit/verify.py). The
export is logged (`register.exported`, with the manifest's hash) before it is signed: no entry,
no signed export.
"""

from __future__ import annotations

import base64
import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from console import register_verify as rv
from console.audit import verify as lv
from console.audit.log import AuditLog
from console.clock import to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput
from console.localtime import LOCAL_ZONE
from console.policy import require
from console.register import EXPORT_ACTION, FIELDS, Entry, RegisterService
from console.storage import open_private

PDF = "register.pdf"
CSV = "register.csv"

#: The fields' names in Swedish, as the documents show them.
LABELS: dict[str, str] = {
    "purpose": "Ändamål",
    "legal_basis": "Rättslig grund",
    "balancing": "Intresseavvägning",
    "area": "Bevakat område",
    "hours": "Bevakningstider",
    "recording": "Inspelning",
    "retention_hours": "Bevarandetid (timmar)",
    "retention_justification": "Motivering av bevarandetiden",
    "signage": "Skyltning finns",
    "signage_checked": "Skyltning kontrollerad",
    "dpo_contact": "Dataskyddsombud (kontakt)",
    "start_date": "Startdatum",
    "review_date": "Omprövas",
    "end_date": "Slutdatum",
    "attachments": "Bilagor",
}
_RECORDING = {
    "continuous": "kontinuerlig",
    "scheduled": "enligt schema",
    "event": "vid händelser",
    "off": "ingen",
}


@dataclass(frozen=True, slots=True)
class RegisterExport:
    folder: Path
    cameras: int
    incomplete: int
    log_seq: int
    manifest_sha256: str


def status(entry: Entry) -> str:
    if entry.camera_removed_at is not None:
        return f"Borttagen {entry.camera_removed_at.astimezone(LOCAL_ZONE):%Y-%m-%d}"
    if entry.complete:
        return "Komplett"
    if entry.provisional:
        return "Provisorisk (ofullständig)"
    return "OFULLSTÄNDIG - spelas inte in"


def value_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name == "signage":
        return "ja" if value else "nej"
    if name == "recording":
        return _RECORDING.get(str(value), str(value))
    if name == "hours" and value == "always":
        return "alltid"
    if name == "attachments":
        return "; ".join(f"{a['name']} (SHA-256 {a['sha256']})" for a in value)
    return str(value)


def export_register(
    service: RegisterService, audit: AuditLog, actor: Actor, folder: Path, now: datetime
) -> RegisterExport:
    """Write the register to `folder` (new, or empty), log it, then sign it."""
    require(actor, Permission.VIEW_REGISTER)
    entries = service.entries(actor)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidInput(N_("{path} is not an empty folder."), path=folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    today = now.astimezone(LOCAL_ZONE).date()
    written = {
        PDF: render_pdf(entries, now, today),
        CSV: render_csv(entries, today),
        rv.VERIFIER: Path(rv.__file__).read_bytes(),
        rv.LOG_VERIFIER: Path(lv.__file__).read_bytes(),
    }
    for name, data in written.items():
        _write(folder / name, data)
    incomplete = sum(1 for e in entries if not e.complete and e.camera_removed_at is None)
    manifest: dict[str, Any] = {
        "format": rv.MANIFEST_FORMAT,
        "generated": to_iso(now),
        "by": actor.name,
        "cameras": len(entries),
        "incomplete": incomplete,
        "files": {name: lv.sha256_hex(data) for name, data in sorted(written.items())},
    }
    try:
        entry = audit.record(
            actor,
            EXPORT_ACTION,
            str(folder),
            {
                "cameras": len(entries),
                "incomplete": incomplete,
                "files_sha256": lv.sha256_hex(lv.canonical_json(manifest["files"])),
            },
        ).result()
        manifest["log_seq"] = entry.seq
        manifest_bytes = lv.canonical_json(manifest) + b"\n"
        _write(folder / rv.MANIFEST, manifest_bytes)
        signed = audit.sign(rv.MANIFEST_DOMAIN, manifest_bytes)
        manifest_sha = lv.sha256_hex(manifest_bytes)
        signature = {
            "format": rv.SIGNATURE_FORMAT,
            "manifest_sha256": manifest_sha,
            "key": signed.key_name,
            "signature": base64.b64encode(signed.signature).decode("ascii"),
            "certificates": list(signed.certificates),
        }
        _write(folder / rv.SIGNATURE, lv.canonical_json(signature) + b"\n")
    except BaseException:
        # Unlogged or unsigned, the documents do not leave: nothing half-made is left behind.
        for name in (*written, rv.MANIFEST, rv.SIGNATURE):
            (folder / name).unlink(missing_ok=True)
        raise
    return RegisterExport(folder, len(entries), incomplete, entry.seq, manifest_sha)


def _write(path: Path, data: bytes) -> None:
    with open_private(path) as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


# -- CSV -----------------------------------------------------------------------------------------


def render_csv(entries: Sequence[Entry], today: date) -> bytes:
    """One row per camera, Swedish headers; UTF-8 with a byte order mark and semicolons, as a
    Swedish spreadsheet opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Kamera nr",
            "Kamera",
            "Plats",
            "Status",
            "Saknas",
            *(LABELS[name] for name in FIELDS),
            "Version",
            "Ändrad",
            "Ändrad av",
            "Omprövning passerad",
            "Bevaras till",
        ]
    )
    for entry in entries:
        writer.writerow(
            [
                entry.camera_id,
                entry.camera_name,
                entry.place,
                status(entry),
                ", ".join(LABELS[m] for m in entry.missing),
                *(value_text(name, entry.fields.get(name)) for name in FIELDS),
                entry.version,
                f"{entry.updated_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"
                if entry.version
                else "",
                entry.updated_by,
                "ja" if entry.review_due(today) else "",
                entry.keep_until.isoformat() if entry.keep_until else "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- PDF -----------------------------------------------------------------------------------------


def _latin(text: str) -> str:
    """The PDF's standard fonts hold Latin-1 (å, ä, ö, é are in it); other characters become
    their nearest Latin-1 form or a question mark rather than failing the export."""
    text = text.replace("–", "-").replace("—", "-").replace("“", '"').replace("”", '"')
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, generated: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._generated = generated
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title("Register över kamerabevakning")
        self.set_creator("Utkik")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _latin(f"Utkik - register över kamerabevakning - {self._generated}"))
        self.cell(0, 5, f"Sida {self.page_no()}", align="R")


def render_pdf(entries: Sequence[Entry], now: datetime, today: date) -> bytes:
    generated = f"{now.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M} (svensk tid)"
    pdf = _Document(generated)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(0, 10, _latin("Register över kamerabevakning"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    incomplete = sum(1 for e in entries if not e.complete and e.camera_removed_at is None)
    pdf.multi_cell(
        0,
        5,
        _latin(
            f"Utskrivet {generated}. {len(entries)} kameror, varav {incomplete} i bruk med "
            "ofullständig registrering. Registret förs enligt kamerabevakningslagen (2018:1200) "
            "och dataskyddsförordningen; varje ändring finns i åtkomstloggen."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    widths = (12, 48, 40, 50, 20, 20)
    heads = ("Nr", "Kamera", "Plats", "Status", "Bevaras", "Omprövas")
    pdf.set_font("Helvetica", style="B", size=9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 7, _latin(head), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    for entry in entries:
        retention = entry.fields.get("retention_hours")
        row = (
            str(entry.camera_id),
            entry.camera_name,
            entry.place,
            status(entry),
            f"{retention} h" if retention else "",
            str(entry.fields.get("review_date", "")),
        )
        for width, text in zip(widths, row, strict=True):
            pdf.cell(width, 6, _latin(_fit(pdf, text, width)), border=1)
        pdf.ln()
    for entry in entries:
        _camera_page(pdf, entry, today)
    return bytes(pdf.output())


def _fit(pdf: FPDF, text: str, width: float) -> str:
    while text and pdf.get_string_width(_latin(text)) > width - 2:
        text = text[:-1]
    return text


def _camera_page(pdf: FPDF, entry: Entry, today: date) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(
        0,
        8,
        _latin(f"Kamera {entry.camera_id}: {entry.camera_name}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=10)
    lines = [f"Plats: {entry.place}", f"Status: {status(entry)}"]
    if entry.missing:
        lines.append("Saknas: " + ", ".join(LABELS[m] for m in entry.missing))
    if entry.review_due(today):
        lines.append("Omprövningsdatumet har passerat.")
    if entry.keep_until:
        lines.append(f"Registreringen bevaras till {entry.keep_until.isoformat()}.")
    if entry.version:
        lines.append(
            f"Version {entry.version}, ändrad "
            f"{entry.updated_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M} av {entry.updated_by}"
        )
    for line in lines:
        pdf.multi_cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for name in FIELDS:
        pdf.set_font("Helvetica", style="B", size=10)
        pdf.multi_cell(0, 5, _latin(LABELS[name]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        text = value_text(name, entry.fields.get(name)) or "-"
        pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
