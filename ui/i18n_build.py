"""Translations: compile resources/i18n/*.ts to the .qm files Qt loads (run by setup), and with
`--update`, gather every string to translate into the .ts files.

The UI's strings are found by Qt's lupdate (`self.tr(...)`, `QCoreApplication.translate(...)`);
the core's operator messages are templates marked with `N_("...")` and land in the context
"core", where `ui.i18n.error_text` looks them up.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ui.resources import translations_dir

TOP = Path(__file__).resolve().parent.parent
CORE_CONTEXT = "core"


def _tool(name: str) -> str:
    here = Path(sys.executable).parent
    for candidate in (here / name, shutil.which(name)):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise SystemExit(f"{name} not found: install PySide6-Essentials")


def build(directory: Path | None = None) -> list[Path]:
    directory = directory or translations_dir()
    built = []
    for ts in sorted(directory.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def marked_templates(*packages: Path) -> set[str]:
    """Every string literal passed to N_() in the given source trees."""
    found: set[str] = set()
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "N_"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


def ui_sources() -> list[Path]:
    return sorted((TOP / "ui").rglob("*.py"))


def run_lupdate(ts: Path, sources: list[Path]) -> None:
    subprocess.run(
        [_tool("pyside6-lupdate"), "-silent", *map(str, sources), "-ts", str(ts)], check=True
    )


def merge_core(ts: Path, templates: set[str]) -> None:
    """Put the core's templates into the context "core", keeping translations already made."""
    tree = ET.parse(ts)
    root = tree.getroot()
    context = next((c for c in root.findall("context") if c.findtext("name") == CORE_CONTEXT), None)
    if context is None:
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = CORE_CONTEXT
    existing = {m.findtext("source"): m for m in context.findall("message")}
    for source, message in existing.items():
        translation = message.find("translation")
        assert translation is not None
        if source in templates:
            if translation.get("type") in ("vanished", "obsolete"):
                translation.attrib.pop("type")
                if not translation.text:
                    translation.set("type", "unfinished")
        else:
            translation.set("type", "vanished")
    for source in sorted(templates - existing.keys()):
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = source
        ET.SubElement(message, "translation", {"type": "unfinished"})
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def update(directory: Path | None = None) -> list[Path]:
    directory = directory or translations_dir()
    templates = marked_templates(TOP / "console", TOP / "devices")
    updated = []
    for ts in sorted(directory.glob("*.ts")):
        run_lupdate(ts, ui_sources())
        merge_core(ts, templates)
        updated.append(ts)
    return updated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="gather strings into the .ts")
    args = parser.parse_args()
    if args.update:
        for path in update():
            print(f"updated {path.relative_to(TOP)}")
    for path in build():
        print(f"translations: {path.name}")


if __name__ == "__main__":
    main()
